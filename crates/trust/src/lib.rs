//! shirube-trust.
