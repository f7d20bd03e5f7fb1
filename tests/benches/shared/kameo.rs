//! The kameo actors the `peers` and `pool` benches share: the summing actor and the echo.

use kameo::actor::ActorRef;
use kameo::error::Infallible;
use kameo::message::Message;

/// The summing actor, for kameo.
pub struct KameoSum(pub u64);

impl kameo::Actor for KameoSum {
    type Args = Self;
    type Error = Infallible;

    async fn on_start(state: Self, _actor_ref: ActorRef<Self>) -> Result<Self, Infallible> {
        Ok(state)
    }
}

impl Message<u64> for KameoSum {
    type Reply = ();

    async fn handle(&mut self, n: u64, _ctx: &mut kameo::message::Context<Self, ()>) {
        self.0 = self.0.wrapping_add(n);
    }
}

/// The answering actor, for kameo: replies `n + 1`.
pub struct KameoEcho;

impl kameo::Actor for KameoEcho {
    type Args = Self;
    type Error = Infallible;

    async fn on_start(state: Self, _actor_ref: ActorRef<Self>) -> Result<Self, Infallible> {
        Ok(state)
    }
}

impl Message<u64> for KameoEcho {
    type Reply = u64;

    async fn handle(&mut self, n: u64, _ctx: &mut kameo::message::Context<Self, u64>) -> u64 {
        n + 1
    }
}
