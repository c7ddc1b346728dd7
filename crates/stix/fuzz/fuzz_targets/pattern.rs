//! Fuzzes the STIX patterning parser and evaluator: any text either parses or is refused
//! with a position inside it, and a parsed pattern evaluates without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shirube_stix::pattern::{derived_cpe, Pattern, Software};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Pattern::parse(text) {
        Ok(p) => {
            let component = Software {
                name: Some("lodash".into()),
                version: Some("4.17.20".into()),
                cpe: Some(derived_cpe(None, "lodash", Some("4.17.20"))),
                purl: Some("pkg:npm/lodash@4.17.20".into()),
                ..Software::default()
            };
            let _ = p.evaluate(&[component, Software::default()]);
            let _ = p.evaluate(&[]);
            let _ = p.unsupported_paths();
        }
        Err(e) => assert!(e.at <= text.len()),
    }
});
