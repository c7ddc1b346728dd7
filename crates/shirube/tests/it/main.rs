//! Tests of the `shirube` binary as a user runs it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod backup;
mod browser;
mod browser_buyer;
mod cli;
mod intel_cli;
mod durability;
mod tidy;
mod verify;
