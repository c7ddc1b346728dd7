//! Fuzzes loading a stored index: corrupt files must give errors, and scanning whatever
//! loads must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut bytes = b"SHRBADVX".to_vec();
    bytes.extend_from_slice(data);
    if let Ok(index) = shirube_vuln::AdvisoryIndex::from_bytes(&bytes) {
        let inventory = shirube_vuln::detect_and_parse(None, b"x==1.0\nrequests==2.0\n");
        if let Ok(inventory) = inventory {
            let _ = index.scan(&inventory);
        }
        let _ = index.advisories().count();
    }
});
