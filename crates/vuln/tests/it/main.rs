//! Integration tests of shirube-vuln: readers, index, matching, hostile input, real data.
// Test helpers fail loudly by design; the workspace lints target production code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod hostile;
mod index;
mod matching;
mod parsers;
mod properties;
mod real_data;

use shirube_vuln::{AdvisoryIndex, Inventory};

/// Reads a fixture from `tests/fixtures`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// Parses a fixture with its file name as hint.
pub fn inventory(name: &str) -> Inventory {
    shirube_vuln::detect_and_parse(Some(name), &fixture(name)).unwrap()
}

/// An index from OSV JSON text.
pub fn osv_index(json: &str) -> AdvisoryIndex {
    AdvisoryIndex::from_osv_json(json.as_bytes()).unwrap()
}
