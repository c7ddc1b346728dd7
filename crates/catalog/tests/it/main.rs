//! Integration tests of the shipped catalog editions and their OSCAL export.

mod edition;
mod oscal;
