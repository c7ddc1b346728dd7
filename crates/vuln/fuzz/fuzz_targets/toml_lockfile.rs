//! Fuzzes the Cargo.lock, poetry.lock and uv.lock readers (input forced to be TOML-looking).
#![no_main]

use libfuzzer_sys::fuzz_target;

const HINTS: [&str; 3] = ["Cargo.lock", "poetry.lock", "uv.lock"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let mut doc = b"# lock\n[[package]]\n".to_vec();
    doc.extend_from_slice(rest);
    let _ = shirube_vuln::detect_and_parse(Some(HINTS[usize::from(pick) % 3]), &doc);
});
