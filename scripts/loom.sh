#!/usr/bin/env bash
# Runs actor-core's model checks: the unit tests named `loom_model`, built with `--cfg loom` (loom's
# atomics and locks in place of the standard ones, see actor-core/src/sync.rs) and optimised.
# Extra arguments go to the test binary, e.g. `bash scripts/loom.sh ask` for the ask slot's models.
# `LOOM_MAX_PREEMPTIONS` overrides the preemption bound (3).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# `cargo rustc` passes `--cfg loom` to this one crate only: the dependencies are the ordinary
# optimised builds (the bench profile is the release one: shared with `cargo test --release`).
binary=$(cargo rustc -p actor-core --lib --profile bench --message-format=json-render-diagnostics \
  -- --cfg loom | grep -o '"executable":"[^"]*"' | tail -n 1 | cut -d '"' -f 4)
if [ -z "${binary}" ]; then
  echo "loom.sh: the model-check build produced no test binary" >&2
  exit 1
fi
timeout 300 "${binary}" loom_model "$@"
