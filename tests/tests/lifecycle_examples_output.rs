//! The lifecycle examples end with the exact line the project promises, and every message is
//! accounted for: `supervisor` restarts its worker once per bad job (every 7th of 1,000) and
//! handles the rest; `pipeline` aggregates every well-formed line and reports the malformed ones.

fn last_line(run: fn(&examples::Out)) -> (Vec<String>, String) {
    let out = examples::Out::capture();
    run(&out);
    let lines = out.lines();
    let last = lines.last().cloned().expect("the example printed lines");
    (lines, last)
}

#[test]
fn supervisor_restarts_once_per_bad_job_and_loses_nothing() {
    let (_, last) = last_line(examples::supervisor::run);
    assert_eq!(last, "supervisor: 142 restarts, 858 handled, 0 lost");
}

#[test]
fn pipeline_accounts_for_every_line() {
    let (lines, last) = last_line(examples::pipeline::run);
    let rest = last
        .strip_prefix("pipeline: 200000 lines, ")
        .and_then(|rest| rest.strip_suffix(" lines/s, 0 lost"))
        .unwrap_or_else(|| panic!("unexpected last line {last:?}"));
    assert!(rest.parse::<f64>().is_ok(), "not a rate: {rest:?}");
    assert!(
        lines.contains(
            &"pipeline: info 139800, warn 40000, error 20000; mean 124 ms, max 249 ms".to_owned()
        ),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|line| line
                .starts_with("pipeline: 200 malformed lines reported, 200 parser restarts")),
        "{lines:?}"
    );
}

#[test]
fn both_end_the_tour() {
    let names: Vec<&str> = examples::ALL.iter().map(|(name, _)| *name).collect();
    assert_eq!(names[names.len() - 2..], ["supervisor", "pipeline"]);
}

#[test]
fn simulation_replays_a_seed_byte_for_byte_and_keeps_the_total_across_seeds() {
    let run = |seed| {
        let out = examples::Out::capture();
        examples::simulation::run_with_seed(&out, Some(seed));
        out.lines()
    };
    let (a, b, c) = (run(7), run(7), run(8));
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_eq!(a.last().unwrap(), "total 10000 after 200 transfers");
    assert_eq!(c.last().unwrap(), "total 10000 after 200 transfers");
    // One line per transfer, then the total.
    assert_eq!(a.len(), 201);
}

#[test]
fn the_simulations_accounts_run_on_threads_unchanged() {
    use examples::simulation::{ACCOUNTS, Account, Msg, OPENING, transfers};
    let out = examples::Out::capture();
    let accounts: Vec<_> = (0..ACCOUNTS)
        .map(|index| actor_core::spawn(Account::new(index, out.clone())))
        .collect();
    let addrs: Vec<_> = accounts.iter().map(|a| a.addr()).collect();
    for addr in &addrs {
        addr.send(Msg::Open(addrs.clone())).unwrap();
    }
    for (id, (from, to, amount)) in (1..).zip(transfers()) {
        addrs[from].send(Msg::Withdraw { id, amount, to }).unwrap();
    }
    // Each transfer prints exactly one line, whoever handles it and in whatever order.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while out.lines().len() < transfers().len() && std::time::Instant::now() < deadline {
        std::thread::yield_now();
    }
    for addr in &addrs {
        addr.close();
    }
    drop(addrs);
    let total: u64 = accounts
        .into_iter()
        .map(|a| a.join().into_state().balance())
        .sum();
    assert_eq!(total, OPENING * ACCOUNTS as u64);
    assert_eq!(out.lines().len(), transfers().len());
}

#[test]
fn top_lists_the_workload_and_ends_by_itself() {
    let out = examples::Out::capture();
    examples::top::run(&out);
    let lines = out.lines();
    let last = lines.last().unwrap();
    assert!(
        last.starts_with("top: 7 actors watched for 3s; 7 shut down in "),
        "{last}"
    );
    // Each snapshot lists the six workers and the feeder, with their numbers.
    assert!(lines.iter().any(|line| line.starts_with("-- after")));
    for name in ["worker-1", "worker-6", "feeder"] {
        assert!(
            lines.iter().any(|line| line.contains(name)),
            "{name} missing: {lines:?}"
        );
    }
}
