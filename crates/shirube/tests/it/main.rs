//! Tests of the `shirube` binary as a user runs it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod backup;
mod browser;
mod browser_assess;
mod browser_body;
mod browser_buyer;
mod browser_intel;
mod browser_roles;
mod cli;
mod durability;
mod intel_cli;
mod tidy;
mod verify;
