//! Fuzz target: any bytes, parsed as JSON, verified as a credential, a DID document and a
//! status list. Verification must never panic. Run with `cargo +nightly fuzz run verify`.

#![no_main]

use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use shirube_trust::{verify, verify_status_list, Resolver, StatusInput, StatusList};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = shirube_trust::parse_json_slice(data) else { return };
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).single().unwrap_or_default();
    let resolver = Resolver::from_did_document(&value).unwrap_or_default();
    let _ = verify(&value, &resolver, StatusInput::Credential(&value), now);
    let _ = verify_status_list(&value, &resolver, now);
    if let Some(s) = value.as_str() {
        let _ = StatusList::decode(s);
    }
});
