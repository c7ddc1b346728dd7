//! Vulnerability matching: SBOM and lockfile readers, the OSV advisory index, and
//! per-ecosystem version-range evaluation. Pure: no file system, no network, no clock.
#![doc = include_str!("../README.md")]

mod advisory;
mod ecosystem;
mod index;
mod inventory;
mod parse;
mod rustsec_req;
mod scan;
mod version;

pub use advisory::{Advisory, AdvisoryError, Affected, AffectedRange, MAX_ADVISORY_BYTES};
pub use ecosystem::{normalize_pep503, Ecosystem};
pub use index::{
    Added, AdvisoryIndex, AdvisoryMeta, IndexBuilder, IndexError, IndexStats, INDEX_FORMAT_VERSION,
};
pub use inventory::{Component, InputFormat, Inventory};
pub use parse::{detect_and_parse, ParseError, MAX_INPUT_BYTES};
pub use rustsec_req::UnaffectedInterval;
pub use scan::{Finding, Problem, ScanReport, ScanSummary};
pub use version::{Event, EventKind, OsvRange, ParsedVersion, Scheme, VersionError};
