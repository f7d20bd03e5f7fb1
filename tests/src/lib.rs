//! Cross-crate behaviour tests live in `tests/`.
