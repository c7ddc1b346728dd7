//! Fuzzes format detection and every input reader, then scans the result.
#![no_main]

use libfuzzer_sys::fuzz_target;

const HINTS: [Option<&str>; 5] = [
    None,
    Some("Cargo.lock"),
    Some("poetry.lock"),
    Some("uv.lock"),
    Some("requirements.txt"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let hint = HINTS[usize::from(pick) % HINTS.len()];
    if let Ok(inventory) = shirube_vuln::detect_and_parse(hint, rest) {
        let index = shirube_vuln::AdvisoryIndex::from_osv_json(
            br#"{"id":"F-1","affected":[{"package":{"ecosystem":"PyPI","name":"x"},
                "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2"}]}],
                "versions":["1.0"]}]}"#,
        );
        if let Ok(index) = index {
            let _ = index.scan(&inventory).to_sarif();
        }
    }
});
