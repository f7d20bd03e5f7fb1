//! Across processes (feature `nats`), against the raw `async-nats` client in the same run, on a
//! `nats-server` of the bench's own on loopback:
//!
//! - `nats_ask`: one remote ask round trip (`Remote::ask` to a served actor) vs one raw
//!   `Client::request` to a raw responder task; `remote_ask_sleeping` is the remote ask from a
//!   connection made with `ask_spin(Duration::ZERO)`, whose asking thread sleeps at once;
//! - `nats_publish`: 1,000 bridged sends (`Exchange::send` on a bridged exchange) vs 1,000 raw
//!   `Client::publish` calls, each batch ended by a round trip through the server so that all of
//!   it has been processed. `raw_publish_envelope` publishes, raw, the bytes a bridge sends (the
//!   JSON envelope, encoded beforehand): how much of the gap is the larger payload.
//!
//! Run: `cargo bench -p actor-pubsub --features nats --bench nats`.

// criterion_group! and criterion_main! generate undocumented items.
#![allow(missing_docs)]

#[path = "../tests/nats_support/mod.rs"]
mod nats_support;

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use actor_core::{Actor, Context, ReplyTo};
use actor_pubsub::nats::{BridgeOptions, Nats};
use actor_pubsub::{DeliveryPolicy, Exchange};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures_util::StreamExt;

const BATCH: u64 = 1_000;
const TIMEOUT: Duration = Duration::from_secs(10);

struct Echo;
impl Actor for Echo {
    type Msg = (u64, ReplyTo<u64>);
    fn handle(&mut self, (n, reply): Self::Msg, _ctx: &mut Context<Self>) {
        let _ = reply.reply(n);
    }
}

/// A raw client on a runtime driven by the calling thread, as an async program would use it.
fn raw_client(url: &str) -> (tokio::runtime::Runtime, async_nats::Client) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = runtime
        .block_on(async_nats::connect(url))
        .expect("raw connect");
    (runtime, client)
}

/// Waits until the server has processed everything `client` sent.
async fn raw_round_trip(client: &async_nats::Client) {
    let inbox = client.new_inbox();
    let mut echo = client.subscribe(inbox.clone()).await.expect("subscribe");
    client.publish(inbox, "".into()).await.expect("publish");
    echo.next().await.expect("round trip");
}

fn ask(c: &mut Criterion) {
    let server = nats_support::NatsServer::start();
    let url = server.url();

    // The raw responder: a task on a runtime thread of its own, answering with the payload.
    let responder_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let responder = responder_runtime
        .block_on(async_nats::connect(&url))
        .expect("connect");
    let mut requests = responder_runtime
        .block_on(async {
            let subscriber = responder.subscribe("raw.echo").await;
            responder.flush().await.expect("flush");
            subscriber
        })
        .expect("subscribe");
    let replier = responder.clone();
    responder_runtime.spawn(async move {
        while let Some(request) = requests.next().await {
            if let Some(reply) = request.reply {
                let _ = replier.publish(reply, request.payload).await;
            }
        }
    });

    let serving = Nats::connect(&url).expect("connect");
    let echo = actor_core::spawn(Echo);
    let _served = serving
        .serve("bridge.echo", &echo.addr(), |n, port| (n, port))
        .expect("serve");
    let asking = Nats::connect(&url).expect("connect");
    let remote = asking.remote::<u64, u64>("bridge.echo");
    // The same, from a connection whose askers sleep at once instead of yielding first.
    let asking_sleeps = Nats::builder()
        .ask_spin(Duration::ZERO)
        .connect(&url)
        .expect("connect");
    let remote_sleeps = asking_sleeps.remote::<u64, u64>("bridge.echo");
    let (runtime, client) = raw_client(&url);
    // Both answer before measuring.
    assert_eq!(remote.ask(&1, TIMEOUT), Ok(1));
    assert_eq!(remote_sleeps.ask(&1, TIMEOUT), Ok(1));
    runtime
        .block_on(client.request("raw.echo", "1".into()))
        .expect("raw request");

    let mut group = c.benchmark_group("nats_ask");
    group.bench_function("raw_request", |b| {
        b.iter(|| {
            let reply = runtime
                .block_on(client.request("raw.echo", "1".into()))
                .expect("raw request");
            black_box(reply.payload.len())
        })
    });
    group.bench_function("remote_ask", |b| {
        b.iter(|| black_box(remote.ask(&1, TIMEOUT).expect("ask")))
    });
    group.bench_function("remote_ask_sleeping", |b| {
        b.iter(|| black_box(remote_sleeps.ask(&1, TIMEOUT).expect("ask")))
    });
    group.finish();
}

fn publish(c: &mut Criterion) {
    let server = nats_support::NatsServer::start();
    let url = server.url();
    let (runtime, client) = raw_client(&url);
    let nats = Nats::connect(&url).expect("connect");
    let exchange = Arc::new(Exchange::<u64>::new(DeliveryPolicy::Block));
    let bridge = nats
        .bridge_with(&exchange, BridgeOptions::new().publish_to("bridge.numbers"))
        .expect("bridge");

    let mut group = c.benchmark_group("nats_publish");
    group.throughput(Throughput::Elements(BATCH));
    group.bench_function("raw_publish", |b| {
        b.iter(|| {
            runtime.block_on(async {
                for n in 0..BATCH {
                    client
                        .publish("raw.numbers", n.to_string().into())
                        .await
                        .expect("publish");
                }
                raw_round_trip(&client).await;
            })
        })
    });
    let origin = nats.origin().to_string();
    // Encoded beforehand: only the size differs from `raw_publish`.
    let envelopes: Vec<bytes::Bytes> = (0..BATCH)
        .map(|n| format!(r#"{{"v":1,"type":"u64","from":"{origin}","body":{n}}}"#).into())
        .collect();
    group.bench_function("raw_publish_envelope", |b| {
        b.iter(|| {
            runtime.block_on(async {
                for payload in &envelopes {
                    client
                        .publish("raw.numbers", payload.clone())
                        .await
                        .expect("publish");
                }
                raw_round_trip(&client).await;
            })
        })
    });
    group.bench_function("bridged_send", |b| {
        b.iter(|| {
            for n in 0..BATCH {
                exchange.send(n);
            }
            bridge.flush(TIMEOUT).expect("flush");
        })
    });
    group.finish();
    assert_eq!(bridge.dropped() + bridge.failed(), 0);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = ask, publish
}
criterion_main!(benches);
