//! Fuzzes the envelope splitter and the object validator: neither may panic, and every
//! object handed back must be the exact bytes of a JSON value inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(envelope) = shirube_stix::split_envelope(data) {
        for raw in envelope.objects {
            assert!(serde_json_is_valid(raw));
            if let Ok(object) = shirube_stix::StixObject::parse(raw) {
                assert_eq!(object.raw.as_bytes(), raw);
                let _ = shirube_stix::classify(&object.marking_refs, |_| None);
            }
        }
    }
});

fn serde_json_is_valid(raw: &[u8]) -> bool {
    shirube_stix::StixObject::parse(raw).is_ok()
        || !matches!(shirube_stix::StixObject::parse(raw), Err(shirube_stix::ObjectError::NotJson(_)))
}
