//! A bank of 10 account actors and 200 transfers between them, run on the deterministic
//! scheduler: `cargo run --release --example simulation -- --seed 7`.
//!
//! The accounts are plain `actor_core::Actor`s: the same type runs on threads or on a pool (a test
//! does that). A transfer is a `Withdraw` sent to the payer, which, if it has the money, sends a
//! `Deposit` to the payee; a payer short of money refuses. The scheduler picks, at each step, which
//! account handles its next message: in the order the messages were queued by default, or drawn
//! from a seed. The same seed prints the same lines byte for byte; another seed interleaves the
//! transfers differently (other transfers get refused), but money is never created or lost, so the
//! total is the same.
use actor_core::{Actor, Addr, Context};
use actor_sched::Scheduler;
use examples::Out;

/// Accounts in the bank.
pub const ACCOUNTS: usize = 10;
/// What each account holds at the start.
pub const OPENING: u64 = 1_000;
/// Transfers attempted.
pub const TRANSFERS: u64 = 200;

/// What an account handles.
#[derive(Debug)]
pub enum Msg {
    /// Learn the other accounts, by index.
    Open(Vec<Addr<Msg>>),
    /// Pay `amount` to account `to`, if the balance allows.
    Withdraw {
        /// The transfer's number.
        id: u64,
        /// How much.
        amount: u64,
        /// The payee's index.
        to: usize,
    },
    /// Receive `amount` from account `from`.
    Deposit {
        /// The transfer's number.
        id: u64,
        /// How much.
        amount: u64,
        /// The payer's index.
        from: usize,
    },
}

/// One account: its balance, and how it reports what it does.
#[derive(Debug)]
pub struct Account {
    index: usize,
    balance: u64,
    peers: Vec<Addr<Msg>>,
    out: Out,
}

impl Account {
    /// Account `index` with the opening balance, writing its lines to `out`.
    pub fn new(index: usize, out: Out) -> Account {
        Account {
            index,
            balance: OPENING,
            peers: Vec::new(),
            out,
        }
    }

    /// The balance now.
    pub fn balance(&self) -> u64 {
        self.balance
    }
}

impl Actor for Account {
    type Msg = Msg;

    fn handle(&mut self, msg: Msg, _ctx: &mut Context<Self>) {
        match msg {
            Msg::Open(peers) => self.peers = peers,
            Msg::Withdraw { id, amount, to } if amount > self.balance => {
                self.out.line(format_args!(
                    "transfer {id}: acct-{} has {}, refuses {amount} to acct-{to}",
                    self.index, self.balance
                ));
            }
            Msg::Withdraw { id, amount, to } => {
                self.balance -= amount;
                let from = self.index;
                // The payee lives until the bank closes it, after every transfer.
                let _ = self.peers[to].send(Msg::Deposit { id, amount, from });
            }
            Msg::Deposit { id, amount, from } => {
                self.balance += amount;
                self.out.line(format_args!(
                    "transfer {id}: acct-{from} -> acct-{} {amount}, now {}",
                    self.index, self.balance
                ));
            }
        }
    }
}

/// The transfers, the same for every seed: payer, payee and amount of each (a small fixed
/// generator, independent of the scheduler's seed).
pub fn transfers() -> Vec<(usize, usize, u64)> {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..TRANSFERS)
        .map(|_| {
            let from = (next() % ACCOUNTS as u64) as usize;
            let to = (from + 1 + (next() % (ACCOUNTS as u64 - 1)) as usize) % ACCOUNTS;
            let amount = 50 + next() % 700;
            (from, to, amount)
        })
        .collect()
}

/// Runs the bank on a scheduler seeded with `seed` (FIFO order without one), writing one line per
/// transfer and the total.
pub fn run_with_seed(out: &Out, seed: Option<u64>) {
    let mut sched = match seed {
        Some(seed) => Scheduler::with_seed(seed),
        None => Scheduler::new(),
    };
    let accounts: Vec<_> = (0..ACCOUNTS)
        .map(|index| {
            sched
                .builder()
                .name(format!("acct-{index}"))
                .spawn(Account::new(index, out.clone()))
                .expect("a spawn on the scheduler does not fail")
        })
        .collect();
    let addrs: Vec<Addr<Msg>> = accounts.iter().map(|account| account.addr()).collect();
    for addr in &addrs {
        addr.send(Msg::Open(addrs.clone()))
            .expect("the account is open");
    }
    for (id, (from, to, amount)) in (1..).zip(transfers()) {
        addrs[from]
            .send(Msg::Withdraw { id, amount, to })
            .expect("the account is open");
    }
    sched.run();
    // Every transfer has been handled: close the bank (each account holds the others' addresses,
    // so closing is what ends them) and add up.
    for addr in &addrs {
        addr.close();
    }
    drop(addrs);
    let total: u64 = accounts
        .into_iter()
        .map(|account| match sched.join(account) {
            Ok(outcome) => outcome.into_state().balance(),
            Err(_) => unreachable!("a closed account ends once the scheduler runs"),
        })
        .sum();
    out.line(format_args!("total {total} after {TRANSFERS} transfers"));
}

/// Runs the example with seed 7, writing its lines to `out`.
pub fn run(out: &Out) {
    run_with_seed(out, Some(7));
}
