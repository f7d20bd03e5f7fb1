//! The queue and lock examples print what their recipes print: exactly the seed's lines where
//! the recipe's output is deterministic, and the invariants (every line present, each thread's
//! order kept) where threads interleave.

fn run(example: fn(&examples::Out)) -> Vec<String> {
    let out = examples::Out::capture();
    example(&out);
    out.lines()
}

fn numbered(range: impl Iterator<Item = u32>) -> Vec<String> {
    range.map(|n| n.to_string()).collect()
}

#[test]
fn producer_consumer_prints_one_to_five_and_the_sentinel_stops_every_consumer() {
    let lines = run(examples::producer_consumer::run);
    let mut want = vec!["queue, one consumer:".to_string()];
    want.extend(numbered(1..=5));
    want.push("sentinel, one consumer:".to_string());
    want.extend(numbered(1..=5));
    want.push("sentinel, 3 consumers: all stopped; together they handled 1 2 3 4 5".to_string());
    assert_eq!(lines, want);
}

#[test]
fn acknowledged_prints_five_down_to_one() {
    assert_eq!(run(examples::acknowledged::run), ["5", "4", "3", "2", "1"]);
}

#[test]
fn shared_counter_ends_at_the_same_value_every_run() {
    assert_eq!(
        run(examples::shared_counter::run),
        [
            "4 threads added 1 10000 times each; 2 threads took 2 away 5000 times each",
            "final value: 20000",
        ]
    );
}

#[test]
fn deadlock_avoidance_prints_each_threads_lines_and_the_violation() {
    let lines = run(examples::deadlock_avoidance::run);
    assert_eq!(lines.len(), 8, "{lines:#?}");
    // The two threads interleave freely, but each prints its three lines.
    let mut threads = lines[..6].to_vec();
    threads.sort();
    assert_eq!(
        threads,
        [
            "Thread-1", "Thread-1", "Thread-1", "Thread-2", "Thread-2", "Thread-2"
        ]
    );
    // Ranks are process-wide numbers, so only the wording is fixed.
    assert!(
        lines[6].starts_with(
            "holding y_lock, asking for x_lock: lock order violation: this thread holds lock #"
        ),
        "{}",
        lines[6]
    );
    assert!(
        lines[7].starts_with("asking for x_lock twice: lock order violation: lock #")
            && lines[7].ends_with("was named twice in one request"),
        "{}",
        lines[7]
    );
}

#[test]
fn thread_local_gets_one_answer_per_thread() {
    assert_eq!(
        run(examples::thread_local::run),
        [
            "Got 400 bytes",
            "Got 400 bytes",
            "second enter on one thread: Already connected",
        ]
    );
}

#[test]
fn select_handles_every_message_keeping_each_queues_order() {
    let lines = run(examples::select::run);
    let position = |line: &str| {
        lines
            .iter()
            .position(|l| l == line)
            .unwrap_or_else(|| panic!("missing {line:?} in {lines:#?}"))
    };
    // Part one: two queues of different types, then the timeout.
    let numbers = ["number 1", "number 2", "number 3", "numbers closed"].map(position);
    let words = ["word alpha", "word beta", "word gamma", "words closed"].map(position);
    assert!(numbers.is_sorted(), "numbers in order: {lines:#?}");
    assert!(words.is_sorted(), "words in order: {lines:#?}");
    assert_eq!(lines[8], "no message for 250ms: stopping");
    // Part two: three queues of one type, each message once, then every queue closed.
    let mut jobs = lines[9..12].to_vec();
    jobs.sort();
    assert_eq!(
        jobs,
        ["queue 0: job 0", "queue 1: job 10", "queue 2: job 20"]
    );
    assert_eq!(lines[12..], ["every queue closed"]);
}
