//! A deterministic cooperative single-thread actor scheduler (being built; see the issue tracker).
