//! The actor example prints the recipe's lines (`Got: Hello`, `Got: World`) in both styles and
//! ends each actor through the exit sentinel.

#[test]
fn actor_example_matches_seed() {
    let out = examples::Out::capture();
    examples::actor::run(&out);
    assert_eq!(
        out.lines(),
        [
            "Got: Hello",
            "Got: World",
            "pull-style actor ended: closed",
            "Got: Hello",
            "Got: World",
            "handler-style actor ended: closed",
        ]
    );
}
