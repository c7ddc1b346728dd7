//! Integration tests of shirube-trust: conformance vectors, issue/verify round trips,
//! tampering, property tests and the crate's purity rules.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod conformance;
mod fixtures;
mod props;
mod roundtrip;
mod tidy;
