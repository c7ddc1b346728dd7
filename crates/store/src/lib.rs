//! shirube-store.
