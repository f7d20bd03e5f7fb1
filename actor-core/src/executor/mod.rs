//! Executors: where actors run.
