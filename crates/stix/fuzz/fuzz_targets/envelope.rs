//! Fuzzes the envelope splitter and the object validator: neither may panic, and every
//! object handed back must be the exact bytes of a JSON value inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(envelope) = shirube_stix::split_envelope(data) {
        for raw in envelope.objects {
            assert!(is_json_value(raw));
            if let Ok(object) = shirube_stix::StixObject::parse(raw) {
                assert_eq!(object.raw.as_bytes(), raw);
                let _ = shirube_stix::classify(&object.marking_refs, |_| None);
            }
        }
    }
});

/// Whether the bytes are one JSON value by the grammar. Skipping it as `IgnoredAny` checks
/// the grammar without building values, so a number beyond f64 (valid JSON, which
/// `StixObject::parse` reports as an object that is not JSON it can read) still counts.
fn is_json_value(raw: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(raw).is_ok()
}
