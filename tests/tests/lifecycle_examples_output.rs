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
