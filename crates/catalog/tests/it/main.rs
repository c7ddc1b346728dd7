//! Integration tests of the shipped catalog editions and their OSCAL export.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod edition;
mod oscal;
