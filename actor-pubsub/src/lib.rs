//! Named publish/subscribe exchanges for `actor-core` actors (being built; see the issue tracker).
