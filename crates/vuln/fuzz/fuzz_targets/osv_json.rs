//! Fuzzes the OSV JSON advisory reader and index building from its output.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(index) = shirube_vuln::AdvisoryIndex::from_osv_json(data) {
        let bytes = index.to_bytes();
        assert_eq!(
            shirube_vuln::AdvisoryIndex::from_bytes(&bytes).ok(),
            Some(index)
        );
    }
});
