//! The publish/subscribe examples print what the seed's recipe "Implementing Publish/Subscribe
//! Messaging" prints (with Rust's `Debug` quoting where the recipe uses Python's `repr`).

#[test]
fn pubsub_prints_the_recipe_lines() {
    let out = examples::Out::capture();
    examples::pubsub::run(&out);
    assert_eq!(
        out.lines(),
        [
            "task_a received msg1",
            "task_b received msg1",
            "task_a received msg2",
            "task_b received msg2",
        ]
    );
}

#[test]
fn display_messages_prints_the_recipe_lines() {
    let out = examples::Out::capture();
    examples::display_messages::run(&out);
    assert_eq!(out.lines(), [r#"msg[1]: "some""#, r#"msg[2]: "data""#]);
}

#[test]
fn the_examples_print_the_same_when_run_again() {
    for _ in 0..2 {
        let out = examples::Out::capture();
        examples::display_messages::run(&out);
        assert_eq!(out.lines(), [r#"msg[1]: "some""#, r#"msg[2]: "data""#]);
        let out = examples::Out::capture();
        examples::pubsub::run(&out);
        assert_eq!(out.lines().len(), 4);
    }
}
