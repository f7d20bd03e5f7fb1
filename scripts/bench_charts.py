#!/usr/bin/env python3
"""Turns criterion's results into SVG bar charts: the framework against its baselines, per workload.

Reads `target/criterion/<group>/<side>/new/{estimates,benchmark}.json` (left there by
`cargo bench`), divides each side's time per element (criterion's throughput, so sides that run
different sizes compare fairly) by the framework's, and draws one horizontal bar per side on a
log axis: a bar to the right of 1 is a baseline that needs that many times the framework's time.

    cargo bench -p tests --features peers --bench pool
    python3 scripts/bench_charts.py            # writes benchmarks-pool.svg

Options: --prefix GROUP_PREFIX (default pool-), --framework SIDE (default pool),
--out FILE (default benchmarks-pool.svg), --title TEXT. Or, for groups whose framework side has a
different name in each, --groups GROUP=SIDE,GROUP=SIDE,... (each group drawn relative to its own
side; GROUP/PARAM for a parameterised bench, such as fanout/10). Standard library only.

    python3 scripts/bench_charts.py --groups restart=restart-x100,registry=lookup-of-1000,\
        route=router,pipeline=framework-pool --out benchmarks-lifecycle.svg --title "..."
"""

import argparse
import json
import math
import os
import sys
from xml.sax.saxutils import escape

COLORS = {"pool": "#2b6cb0", "thread": "#805ad5", "thread-pull": "#b794f4",
          "tokio": "#dd6b20", "kameo": "#c53030", "crossbeam": "#2f855a",
          "stakker": "#dd6b20", "bare": "#2f855a", "addr": "#2f855a", "addr-4": "#38a169",
          "addr-clone": "#2f855a", "plain-ask": "#2f855a", "catch-unwind": "#718096"}


def per_element(side_dir):
    """Seconds per element of one bench, or None if it has no results."""
    try:
        with open(os.path.join(side_dir, "new", "estimates.json")) as f:
            est = json.load(f)
        with open(os.path.join(side_dir, "new", "benchmark.json")) as f:
            bench = json.load(f)
    except (OSError, ValueError):
        return None
    point = (est.get("slope") or est["mean"])["point_estimate"] * 1e-9
    throughput = bench.get("throughput") or {}
    elements = throughput.get("Elements") or throughput.get("Bytes") or 1
    return point / elements


def collect(root, prefix, framework):
    groups = []
    for group in sorted(os.listdir(root)):
        if not group.startswith(prefix):
            continue
        sides = {}
        for side in sorted(os.listdir(os.path.join(root, group))):
            value = per_element(os.path.join(root, group, side))
            if value:
                sides[side] = value
        if framework in sides and len(sides) > 1:
            base = sides[framework]
            groups.append((group, {s: v / base for s, v in sides.items()}))
    return groups


def collect_named(root, pairs):
    """Groups named explicitly, each relative to its own framework side."""
    groups = []
    for group, framework in pairs:
        # `group/param` names the parameter of parameterised benches (criterion keeps them as
        # group/<side>/<param>).
        group_dir, _, param = group.partition("/")
        path = os.path.join(root, group_dir)
        if not os.path.isdir(path):
            continue
        sides = {}
        for side in sorted(os.listdir(path)):
            value = per_element(os.path.join(path, side, param) if param else os.path.join(path, side))
            if value:
                sides[side] = value
        if framework in sides and len(sides) > 1:
            base = sides[framework]
            groups.append((f"{group} (vs {framework})", {s: v / base for s, v in sides.items()}))
    return groups


def svg(groups, framework, title):
    ratios = [r for _, sides in groups for r in sides.values()]
    lo = 10 ** math.floor(math.log10(min(ratios + [1.0])))
    hi = 10 ** math.ceil(math.log10(max(ratios + [1.0])))
    left, width, bar, gap, top = 190, 520, 16, 14, 50
    rows = sum(len(sides) + 1 for _, sides in groups)
    height = top + rows * bar + len(groups) * gap + 40

    def x(ratio):
        return left + width * (math.log10(ratio) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 80}" height="{height}" '
           'font-family="sans-serif" font-size="12">',
           f'<text x="10" y="20" font-size="14" font-weight="bold">{escape(title)}</text>',
           f'<text x="10" y="36" fill="#555">time per element relative to {escape(framework)} '
           '(log scale; right of 1: slower than it)</text>']
    decade = lo
    while decade <= hi * 1.0001:
        gx = x(decade)
        out.append(f'<line x1="{gx:.1f}" y1="{top - 6}" x2="{gx:.1f}" y2="{height - 30}" stroke="#ddd"/>')
        out.append(f'<text x="{gx:.1f}" y="{height - 16}" text-anchor="middle" fill="#555">{decade:g}x</text>')
        decade *= 10
    one = x(1.0)
    out.append(f'<line x1="{one:.1f}" y1="{top - 6}" x2="{one:.1f}" y2="{height - 30}" stroke="#333"/>')
    y = top
    for group, sides in groups:
        out.append(f'<text x="10" y="{y + bar - 4}" font-weight="bold">{escape(group)}</text>')
        y += bar
        for side, ratio in sorted(sides.items(), key=lambda item: item[1]):
            start, end = sorted((one, x(ratio)))
            color = COLORS.get(side, "#718096")
            out.append(f'<rect x="{start:.1f}" y="{y + 2}" width="{max(end - start, 1):.1f}" '
                       f'height="{bar - 4}" fill="{color}"/>')
            out.append(f'<text x="{left - 8}" y="{y + bar - 4}" text-anchor="end">{escape(side)}</text>')
            out.append(f'<text x="{max(end, one) + 4:.1f}" y="{y + bar - 4}">{ratio:.2f}x</text>')
            y += bar
        y += gap
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--criterion", default="target/criterion")
    parser.add_argument("--prefix", default="pool-")
    parser.add_argument("--framework", default="pool")
    parser.add_argument("--out", default="benchmarks-pool.svg")
    parser.add_argument("--title", default="actor-core pool executor against its baselines (2 cores)")
    parser.add_argument("--groups", default=None,
                        help="GROUP=SIDE,...: these groups, each relative to its own side")
    args = parser.parse_args()
    if not os.path.isdir(args.criterion):
        sys.exit(f"no criterion results in {args.criterion}: run cargo bench first")
    if args.groups:
        pairs = [item.split("=", 1) for item in args.groups.split(",") if "=" in item]
        groups = collect_named(args.criterion, pairs)
        reference = "each group's framework side"
    else:
        groups = collect(args.criterion, args.prefix, args.framework)
        reference = args.framework
    if not groups:
        sys.exit("no matching group with results: run the benches first")
    with open(args.out, "w") as f:
        f.write(svg(groups, reference, args.title))
    print(f"{args.out}: {len(groups)} workloads")


if __name__ == "__main__":
    main()
