//! Fan-out cost per delivery: 10,000 messages through an `Exchange` to 1, 10 and 100 subscriber
//! actors (`fanout/exchange/N`), against the same deliveries as a loop of bare crossbeam-channel
//! sends to as many receiving threads (`fanout/crossbeam/N`); the same exchange delivering to
//! `actor_core::channel` senders (a thin wrapper over crossbeam-channel) feeding the same kind of
//! receiving threads (`fanout/exchange-channel/N`), the exchange's own cost without actors; the
//! same deliveries as a loop of `Addr::send` with no exchange (`addr_loop/N`), to tell the actors'
//! cost from the exchange's; and the cost of looking an exchange up by name (`lookup/*`).
//!
//! Run: `cargo bench -p actor-pubsub --bench fanout`. Each fan-out measurement ends when every
//! receiver has handled every message, so both sides pay for the receiving end too. Figures are
//! in `actor-pubsub/BENCHMARKS.md`.

// criterion_group! and criterion_main! generate undocumented items.
#![allow(missing_docs)]

use std::hint::black_box;
use std::thread::JoinHandle;
use std::time::Duration;

use actor_core::{Actor, ActorHandle, Context};
use actor_pubsub::{DeliveryPolicy, Exchange, Registry, Subscription, get_exchange};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use crossbeam_channel::{Receiver, Sender, unbounded};

/// Messages per measured iteration.
const MESSAGES: u64 = 10_000;
/// Subscriber counts compared.
const FANOUT: [usize; 3] = [1, 10, 100];

/// A subscriber actor that counts what it handles and reports each complete batch.
struct Counter {
    seen: u64,
    done: Sender<()>,
}

impl Actor for Counter {
    type Msg = u64;
    fn handle(&mut self, msg: u64, _ctx: &mut Context<Self>) {
        black_box(msg);
        self.seen += 1;
        if self.seen == MESSAGES {
            self.seen = 0;
            let _ = self.done.send(());
        }
    }
}

/// `n` counting actors attached to one exchange.
struct ActorFanout {
    exchange: Exchange<u64>,
    subscriptions: Vec<Subscription>,
    actors: Vec<ActorHandle<Counter>>,
    done: Receiver<()>,
}

impl ActorFanout {
    fn new(n: usize) -> ActorFanout {
        let (done_tx, done) = unbounded();
        let exchange = Exchange::new(DeliveryPolicy::Block);
        let actors: Vec<_> = (0..n)
            .map(|_| {
                actor_core::spawn(Counter {
                    seen: 0,
                    done: done_tx.clone(),
                })
            })
            .collect();
        let subscriptions = actors.iter().map(|a| exchange.attach(a.addr())).collect();
        ActorFanout {
            exchange,
            subscriptions,
            actors,
            done,
        }
    }

    fn run(&self) {
        for msg in 0..MESSAGES {
            self.exchange.send(msg);
        }
        for _ in 0..self.actors.len() {
            self.done.recv().unwrap();
        }
    }

    fn finish(self) {
        drop(self.subscriptions);
        for actor in self.actors {
            assert!(!actor.join().is_panic());
        }
    }
}

/// `n` receiving threads like `BareFanout`'s, each behind an `actor_core::channel` attached to
/// one exchange.
struct ChannelFanout {
    exchange: Exchange<u64>,
    subscriptions: Vec<Subscription>,
    threads: Vec<JoinHandle<()>>,
    done: Receiver<()>,
}

impl ChannelFanout {
    fn new(n: usize) -> ChannelFanout {
        let (done_tx, done) = unbounded();
        let exchange = Exchange::new(DeliveryPolicy::Block);
        let (subscriptions, threads) = (0..n)
            .map(|_| {
                let (tx, rx) = actor_core::channel::unbounded::<u64>();
                let done = done_tx.clone();
                let thread = std::thread::spawn(move || {
                    let mut seen = 0;
                    for msg in rx.iter() {
                        black_box(msg);
                        seen += 1;
                        if seen == MESSAGES {
                            seen = 0;
                            let _ = done.send(());
                        }
                    }
                });
                (exchange.attach(tx), thread)
            })
            .unzip();
        ChannelFanout {
            exchange,
            subscriptions,
            threads,
            done,
        }
    }

    fn run(&self) {
        for msg in 0..MESSAGES {
            self.exchange.send(msg);
        }
        for _ in 0..self.threads.len() {
            self.done.recv().unwrap();
        }
    }

    fn finish(self) {
        drop(self.subscriptions); // the exchange drops the senders: the receiving loops end
        for thread in self.threads {
            thread.join().unwrap();
        }
    }
}

/// `n` receiving threads, each behind a bare crossbeam channel.
struct BareFanout {
    senders: Vec<Sender<u64>>,
    threads: Vec<JoinHandle<()>>,
    done: Receiver<()>,
}

impl BareFanout {
    fn new(n: usize) -> BareFanout {
        let (done_tx, done) = unbounded();
        let (senders, threads) = (0..n)
            .map(|_| {
                let (tx, rx) = unbounded::<u64>();
                let done = done_tx.clone();
                let thread = std::thread::spawn(move || {
                    let mut seen = 0;
                    for msg in rx {
                        black_box(msg);
                        seen += 1;
                        if seen == MESSAGES {
                            seen = 0;
                            let _ = done.send(());
                        }
                    }
                });
                (tx, thread)
            })
            .unzip();
        BareFanout {
            senders,
            threads,
            done,
        }
    }

    fn run(&self) {
        for msg in 0..MESSAGES {
            for tx in &self.senders {
                tx.send(msg).unwrap();
            }
        }
        for _ in 0..self.senders.len() {
            self.done.recv().unwrap();
        }
    }

    fn finish(self) {
        drop(self.senders);
        for thread in self.threads {
            thread.join().unwrap();
        }
    }
}

fn fanout(c: &mut Criterion) {
    let mut group = c.benchmark_group("fanout");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for n in FANOUT {
        group.throughput(Throughput::Elements(MESSAGES * n as u64));
        let bare = BareFanout::new(n);
        group.bench_function(BenchmarkId::new("crossbeam", n), |b| b.iter(|| bare.run()));
        bare.finish();
        let actors = ActorFanout::new(n);
        group.bench_function(BenchmarkId::new("exchange", n), |b| b.iter(|| actors.run()));
        actors.finish();
        let channels = ChannelFanout::new(n);
        group.bench_function(BenchmarkId::new("exchange-channel", n), |b| {
            b.iter(|| channels.run())
        });
        channels.finish();
    }
    group.finish();
}

fn lookup(c: &mut Criterion) {
    let mut group = c.benchmark_group("lookup");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    let _keep = get_exchange::<u64>("bench").unwrap();
    group.bench_function("get_exchange", |b| {
        b.iter(|| get_exchange::<u64>(black_box("bench")).unwrap())
    });
    let registry = Registry::new();
    for i in 0..1_000 {
        registry.exchange::<u64>(&format!("exchange-{i}")).unwrap();
    }
    group.bench_function("registry_of_1000", |b| {
        b.iter(|| registry.exchange::<u64>(black_box("exchange-500")).unwrap())
    });
    group.finish();
}

/// The same deliveries as `fanout/exchange`, but as a loop of `Addr::send` to each actor with no
/// exchange: what the actors themselves cost over bare channels, apart from the exchange.
fn addr_loop(c: &mut Criterion) {
    let mut group = c.benchmark_group("addr_loop");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for n in FANOUT {
        group.throughput(Throughput::Elements(MESSAGES * n as u64));
        let actors = ActorFanout::new(n);
        let addrs: Vec<_> = actors.actors.iter().map(|a| a.addr()).collect();
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| {
                for msg in 0..MESSAGES {
                    for addr in &addrs {
                        addr.send(msg).unwrap();
                    }
                }
                for _ in 0..n {
                    actors.done.recv().unwrap();
                }
            })
        });
        drop(addrs);
        actors.finish();
    }
    group.finish();
}

criterion_group!(benches, fanout, addr_loop, lookup);
criterion_main!(benches);
