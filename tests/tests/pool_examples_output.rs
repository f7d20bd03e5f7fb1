//! The pool examples print their one line in the exact form the project promises, with the
//! right totals: `ring` passes the token 1,000,000 hops, `skynet` sums 1,000,000 leaves.

/// Splits `line` as `<prefix><number><suffix>` and returns the number.
fn number_between(line: &str, prefix: &str, suffix: &str) -> u128 {
    line.strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(suffix))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected line {line:?}"))
}

#[test]
fn ring_prints_its_hops() {
    let out = examples::Out::capture();
    examples::ring::run(&out);
    let lines = out.lines();
    assert_eq!(lines.len(), 1);
    number_between(&lines[0], "ring: 100 actors, 1000000 hops, ", " ns/hop");
}

#[test]
fn skynet_prints_the_sum_of_a_million_leaves() {
    let out = examples::Out::capture();
    examples::skynet::run(&out);
    let lines = out.lines();
    assert_eq!(lines.len(), 1);
    number_between(
        &lines[0],
        "skynet: 1000000 actors, sum 499999500000, ",
        " ms",
    );
}

#[test]
fn both_follow_the_recipes_in_the_tour() {
    let names: Vec<&str> = examples::ALL.iter().map(|(name, _)| *name).collect();
    assert_eq!(names[names.len() - 4..names.len() - 2], ["ring", "skynet"]);
}
