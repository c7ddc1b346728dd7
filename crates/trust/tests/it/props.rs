//! Property tests: no input, however malformed, makes verification panic.

use proptest::prelude::*;
use serde_json::{json, Value};
use shirube_trust::{did_document, verify, Resolver, StatusInput, StatusList};

use crate::fixtures::{at, credential, issuer};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("https://www.w3.org/ns/credentials/v2"),
            Just("VerifiableCredential"),
            Just("did:web:shirube.example#key-1"),
            Just("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"),
            Just("2026-01-01T00:00:00Z"),
            Just("eddsa-jcs-2022"),
            Just("DataIntegrityProof"),
            Just("z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfjoJdcnTMuVor51aX"),
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    let keys = prop_oneof![
        Just("@context".to_string()),
        Just("type".to_string()),
        Just("issuer".to_string()),
        Just("id".to_string()),
        Just("proof".to_string()),
        Just("validFrom".to_string()),
        Just("validUntil".to_string()),
        Just("credentialSubject".to_string()),
        Just("credentialStatus".to_string()),
        Just("statusListIndex".to_string()),
        Just("proofValue".to_string()),
        Just("verificationMethod".to_string()),
        "[a-z@]{1,6}",
    ];
    leaf.prop_recursive(4, 48, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn random_json_never_panics_and_is_never_valid(v in arb_json()) {
        let r = Resolver::from_did_document(&did_document(&issuer())).expect("doc");
        let out = verify(&v, &r, StatusInput::Credential(&v), at(2026, 6, 1));
        prop_assert!(!out.valid);
        prop_assert!(out.reason.is_some());
        let _ = Resolver::from_did_document(&v);
    }

    #[test]
    fn replacing_one_member_of_a_real_credential_never_panics(key in "[a-zA-Z@]{1,12}", v in arb_json()) {
        let mut c = credential(7);
        let r = Resolver::from_did_document(&did_document(&issuer())).expect("doc");
        if let Some(o) = c.as_object_mut() { o.insert(key.clone(), v.clone()); }
        let _ = verify(&c, &r, StatusInput::Unavailable, at(2026, 6, 1));
        let mut c = credential(7);
        if let Some(o) = c["proof"].as_object_mut() { o.insert(key, v); }
        let out = verify(&c, &r, StatusInput::Unavailable, at(2026, 6, 1));
        prop_assert!(!out.valid);
    }

    #[test]
    fn random_encoded_lists_never_panic(s in "u[A-Za-z0-9_-]{0,64}") {
        let _ = StatusList::decode(&s);
    }
}

proptest! {
    #[test]
    fn our_canonical_form_equals_serde_json_canonicalizers(v in arb_json()) {
        let ours = shirube_trust::canonicalize(&v).expect("ours");
        let reference = serde_json_canonicalizer::to_vec(&v).expect("reference");
        prop_assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&reference));
    }

    #[test]
    fn any_string_and_number_canonicalise_like_the_reference(s in "\\PC*", c in proptest::char::range('\u{0}', '\u{1f}'), f in any::<f64>(), i in any::<i64>(), u in any::<u64>()) {
        let v = json!({ s.clone(): [format!("{s}{c}"), if f.is_finite() { json!(f) } else { json!(0) }, i, u], format!("{c}"): 1 });
        let ours = shirube_trust::canonicalize(&v).expect("ours");
        let reference = serde_json_canonicalizer::to_vec(&v).expect("reference");
        prop_assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&reference));
    }
}

proptest! {
    #[test]
    fn strict_parsing_accepts_whatever_serde_json_writes(v in arb_json()) {
        let text = serde_json::to_string(&v).expect("serialise");
        prop_assert_eq!(shirube_trust::parse_json(&text).ok(), Some(v));
    }
}
