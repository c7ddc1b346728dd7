//! Fuzzes the requirements.txt reader (input forced away from JSON, XML and TOML).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut doc = b"django==3.2\n".to_vec();
    doc.extend(data.iter().map(|&b| if b == b'[' { b'(' } else { b }));
    let _ = shirube_vuln::detect_and_parse(Some("requirements.txt"), &doc);
});
