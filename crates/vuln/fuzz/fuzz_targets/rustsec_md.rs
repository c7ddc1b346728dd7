//! Fuzzes the RustSec Markdown + TOML advisory reader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut doc = b"```toml\n".to_vec();
    doc.extend_from_slice(data);
    let _ = shirube_vuln::Advisory::from_rustsec_md(&doc);
});
