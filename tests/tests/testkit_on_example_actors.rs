//! The testkit's `Probe` on the examples' actors: the simulation's `Account`, tested on a thread
//! (real time) and on the deterministic scheduler (virtual time) with the same assertions.

use std::time::Duration;

use actor_core::Probe;
use actor_sched::Scheduler;
use examples::simulation::{Account, Msg, OPENING};

/// The probe stands in for account 0; the account under test is account 1.
fn open(account: &actor_core::Addr<Msg>, probe: &Probe<Msg>) {
    account
        .send(Msg::Open(vec![probe.addr(), account.clone()]))
        .unwrap();
}

fn deposit_of(msg: Msg) -> (u64, u64, usize) {
    match msg {
        Msg::Deposit { id, amount, from } => (id, amount, from),
        other => panic!("expected a deposit, got {other:?}"),
    }
}

#[test]
fn an_account_on_a_thread_pays_what_it_has_and_refuses_the_rest() {
    let probe = Probe::new();
    let account = actor_core::spawn(Account::new(1, examples::Out::capture()));
    let addr = account.addr();
    open(&addr, &probe);
    addr.send(Msg::Withdraw {
        id: 1,
        amount: 300,
        to: 0,
    })
    .unwrap();
    assert_eq!(
        deposit_of(probe.expect_msg(Duration::from_secs(5))),
        (1, 300, 1)
    );
    addr.send(Msg::Withdraw {
        id: 2,
        amount: OPENING,
        to: 0,
    })
    .unwrap();
    probe.expect_no_msg(Duration::from_millis(50));
    drop(addr);
    account.close();
    assert_eq!(account.join().into_state().balance(), OPENING - 300);
}

#[test]
fn an_account_on_the_scheduler_pays_what_it_has_and_refuses_the_rest() {
    let mut sched = Scheduler::new();
    let probe = Probe::spawn(sched.builder()).unwrap();
    let account = sched.start(Account::new(1, examples::Out::capture()));
    let addr = account.addr();
    open(&addr, &probe);
    addr.send(Msg::Withdraw {
        id: 1,
        amount: 300,
        to: 0,
    })
    .unwrap();
    assert_eq!(
        deposit_of(sched.expect_msg(&probe, Duration::from_secs(5))),
        (1, 300, 1)
    );
    addr.send(Msg::Withdraw {
        id: 2,
        amount: OPENING,
        to: 0,
    })
    .unwrap();
    sched.expect_no_msg(&probe, Duration::from_secs(60));
    drop(addr);
    account.close();
    assert_eq!(
        sched.join(account).unwrap().into_state().balance(),
        OPENING - 300
    );
}

#[test]
fn receive_takes_several_messages_in_order() {
    let mut sched = Scheduler::new();
    let probe = Probe::spawn(sched.builder()).unwrap();
    let account = sched.start(Account::new(1, examples::Out::capture()));
    let addr = account.addr();
    open(&addr, &probe);
    for id in 1..=3 {
        addr.send(Msg::Withdraw {
            id,
            amount: 10,
            to: 0,
        })
        .unwrap();
    }
    let ids: Vec<u64> = sched
        .receive(&probe, 3, Duration::from_secs(1))
        .into_iter()
        .map(|msg| deposit_of(msg).0)
        .collect();
    assert_eq!(ids, [1, 2, 3]);
}
