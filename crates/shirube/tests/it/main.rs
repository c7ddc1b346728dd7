//! Tests of the `shirube` binary as a user runs it.

mod browser;
mod browser_buyer;
mod cli;
mod durability;
mod tidy;
mod verify;
