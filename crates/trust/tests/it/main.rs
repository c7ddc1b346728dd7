//! Integration tests of shirube-trust: conformance vectors, issue/verify round trips,
//! tampering, property tests and the crate's purity rules.

mod conformance;
mod fixtures;
mod props;
mod roundtrip;
mod tidy;
