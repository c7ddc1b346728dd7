//! Tests of the `shirube` binary as a user runs it.

mod browser;
mod cli;
mod durability;
mod tidy;
mod verify;
