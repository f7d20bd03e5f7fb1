//! The thread examples print what their recipes print: exactly the seed's lines where the order
//! is deterministic, and where threads interleave, every line once with each thread's own lines
//! in order.

use examples::Out;

fn capture(run: fn(&Out)) -> Vec<String> {
    let out = Out::capture();
    run(&out);
    out.lines()
}

fn t_minus(from: u32, to: u32) -> Vec<String> {
    (to..=from).rev().map(|n| format!("T-minus {n}")).collect()
}

/// The lines of `lines` that `keep` selects, in their order.
fn only(lines: &[String], keep: impl Fn(&str) -> bool) -> Vec<String> {
    lines.iter().filter(|l| keep(l)).cloned().collect()
}

#[test]
fn countdown_matches_seed_and_stops_at_once() {
    let lines = capture(examples::countdown::run);
    // The first countdown, then `t.is_alive()` once it is over.
    let mut expected = t_minus(5, 1);
    expected.push("is_alive: false".into());
    assert_eq!(lines[..6], expected[..]);

    // The CountdownTask: `T-minus 10`, `T-minus 9`, then terminated, far from `T-minus 1`.
    let rest = &lines[6..];
    assert_eq!(rest[..2], t_minus(10, 9)[..]);
    let terminated = rest
        .iter()
        .position(|l| l.starts_with("terminated: "))
        .expect("no termination line");
    assert!(
        terminated <= 3,
        "the countdown went on after terminate(): {rest:?}"
    );
    assert!(rest[terminated].starts_with("terminated: Err(Cancelled)"));
    assert_eq!(rest[terminated + 1..], ["IOTask: terminated"]);
}

#[test]
fn started_event_matches_seed_exactly() {
    let lines = capture(examples::started_event::run);
    let mut expected: Vec<String> = vec![
        "Launching countdown".into(),
        "countdown starting".into(),
        "T-minus 5".into(),
        "countdown is running".into(),
    ];
    expected.extend(t_minus(4, 1));
    assert_eq!(lines, expected);
}

#[test]
fn periodic_timer_prints_both_counts_each_in_order() {
    let lines = capture(examples::periodic_timer::run);
    let (threads, actor) = lines.split_at(15);
    assert_eq!(only(threads, |l| l.starts_with("T-minus ")), t_minus(10, 1));
    let counting: Vec<String> = (0..5).map(|n| format!("Counting {n}")).collect();
    assert_eq!(only(threads, |l| l.starts_with("Counting ")), counting);
    assert_eq!(
        actor,
        [
            "actor: T-minus 3",
            "actor: T-minus 2",
            "actor: T-minus 1",
            "actor: Blastoff!"
        ]
    );
}

#[test]
fn thread_pool_prints_both_forms_of_the_recipe() {
    let lines = capture(examples::thread_pool::run);
    let results = lines
        .iter()
        .position(|l| l.starts_with("results: "))
        .expect("no results line");
    let (tasks, rest) = lines.split_at(results);

    // Two tasks, each printing its three lines in order; the tasks may interleave.
    assert_eq!(tasks.len(), 6);
    assert_eq!(
        only(tasks, |l| l == "Executing our Task").len(),
        2,
        "{tasks:?}"
    );
    assert_eq!(only(tasks, |l| l == "I: 499999500000").len(), 2);
    let executed = only(tasks, |l| l.starts_with("Task Executed pool-worker-"));
    assert_eq!(executed.len(), 2);
    // Each task prints its lines in order: at every point, no more sums than starts and no more
    // ends than sums.
    let (mut started, mut summed, mut ended) = (0, 0, 0);
    for line in tasks {
        match line.as_str() {
            "Executing our Task" => started += 1,
            "I: 499999500000" => summed += 1,
            _ => ended += 1,
        }
        assert!(
            started >= summed && summed >= ended,
            "out of order: {tasks:?}"
        );
    }
    assert_eq!(rest[0], "results: 499999500000 and 499999500000");

    // The `with` form: the three tasks in any order, between the two fixed lines.
    assert_eq!(rest[1], "Starting ThreadPoolExecutor");
    let mut processing = rest[2..5].to_vec();
    processing.sort();
    assert_eq!(processing, ["Processing 2", "Processing 3", "Processing 4"]);
    assert_eq!(rest[5..], ["All tasks complete"]);
}

#[test]
fn parallel_counts_the_same_both_ways_and_reports_the_speedup() {
    let out = Out::capture();
    examples::parallel::run_with(&out, 20_000);
    let lines = out.lines();
    assert_eq!(lines.len(), 3, "{lines:?}");
    // 2262 primes lie below 20 000.
    assert!(
        lines[0].starts_with("sequential: 2262 primes below 20000 in "),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("pool of "), "{}", lines[1]);
    assert!(lines[1].contains(" workers: 2262 primes below 20000 in "));
    assert!(lines[2].starts_with("speedup: "), "{}", lines[2]);
    assert!(lines[2].ends_with(" cores"));
}
