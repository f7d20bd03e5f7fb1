//! The actor-sched examples print exactly the lines the seed's recipe
//! "Using Generators As an Alternative to Threads" prints, in the same order, every run.

const TASK_SCHEDULER: &[&str] = &[
    "T-minus 10",
    "T-minus 5",
    "Counting up 0",
    "T-minus 9",
    "T-minus 4",
    "Counting up 1",
    "T-minus 8",
    "T-minus 3",
    "Counting up 2",
    "T-minus 7",
    "T-minus 2",
    "Counting up 3",
    "T-minus 6",
    "T-minus 1",
    "Counting up 4",
    "T-minus 5",
    "Blastoff!",
    "Counting up 5",
    "T-minus 4",
    "Counting up 6",
    "T-minus 3",
    "Counting up 7",
    "T-minus 2",
    "Counting up 8",
    "T-minus 1",
    "Counting up 9",
    "Blastoff!",
    "Counting up 10",
    "Counting up 11",
    "Counting up 12",
    "Counting up 13",
    "Counting up 14",
];

const ACTOR_SCHEDULER: &[&str] = &[
    "Got: 7", "Got: 6", "Got: 5", "Got: 4", "Got: 3", "Got: 2", "Got: 1",
];

#[test]
fn task_scheduler_prints_the_seed_lines() {
    let out = examples::Out::capture();
    examples::task_scheduler::run(&out);
    assert_eq!(out.lines(), TASK_SCHEDULER);
}

#[test]
fn actor_scheduler_prints_the_seed_lines() {
    let out = examples::Out::capture();
    examples::actor_scheduler::run(&out);
    assert_eq!(out.lines(), ACTOR_SCHEDULER);
}

#[test]
fn both_print_the_same_lines_on_every_run() {
    for _ in 0..20 {
        let out = examples::Out::capture();
        examples::task_scheduler::run(&out);
        examples::actor_scheduler::run(&out);
        let expected: Vec<&str> = TASK_SCHEDULER
            .iter()
            .chain(ACTOR_SCHEDULER)
            .copied()
            .collect();
        assert_eq!(out.lines(), expected);
    }
}

#[test]
fn both_are_in_the_tour() {
    let names: Vec<&str> = examples::ALL.iter().map(|(name, _)| *name).collect();
    assert!(names.contains(&"task_scheduler"));
    assert!(names.contains(&"actor_scheduler"));
}
