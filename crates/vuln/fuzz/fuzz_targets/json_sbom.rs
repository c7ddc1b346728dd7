//! Fuzzes the CycloneDX / SPDX / package-lock JSON reader (input forced to start with `{`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut doc = Vec::with_capacity(data.len() + 1);
    doc.push(b'{');
    doc.extend_from_slice(data);
    let _ = shirube_vuln::detect_and_parse(Some("bom.json"), &doc);
});
