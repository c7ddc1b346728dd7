//! Fuzzes the OSV YAML (PyPA) advisory reader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = shirube_vuln::Advisory::from_osv_yaml(data);
});
