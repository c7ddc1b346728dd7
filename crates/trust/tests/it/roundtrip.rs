//! Issue-then-verify round trips with Shirube's own fixtures, and every way to break one.

use serde_json::{json, Value};
use shirube_trust::{
    did_document, verify, verify_many, verify_status_list, CheckKind, CheckResult, Issuer, Keypair,
    Reason, Resolver, StatusInput, StatusList, MIN_STATUS_LIST_SIZE,
};

use crate::fixtures::{at, credential, credential_by, issuer, key, DID, STATUS_URL};

fn resolver() -> Resolver {
    Resolver::from_did_document(&did_document(&issuer())).expect("own DID document")
}

fn status_list(revoked: &[u32]) -> Value {
    let mut list = StatusList::new(MIN_STATUS_LIST_SIZE).expect("list");
    for &i in revoked {
        list.set_revoked(i).expect("index");
    }
    list.to_credential(&issuer(), STATUS_URL, at(2026, 5, 1))
        .expect("status list credential")
}

fn code(v: &shirube_trust::Verification) -> Option<&'static str> {
    v.reason.as_ref().map(Reason::code)
}

#[test]
fn an_issued_credential_verifies_with_its_did_document_and_status_list() {
    let list = status_list(&[3]);
    let v = verify(
        &credential(7),
        &resolver(),
        StatusInput::Credential(&list),
        at(2026, 6, 1),
    );
    assert!(v.valid, "{v:#?}");
    assert!(
        v.checks.iter().all(|c| c.result == CheckResult::Passed),
        "{v:#?}"
    );
}

#[test]
fn the_credential_has_the_shape_the_issue_asks_for() {
    let c = credential(7);
    assert_eq!(
        c["@context"],
        json!([
            "https://www.w3.org/ns/credentials/v2",
            "https://shirube.example/contexts/v1.jsonld"
        ])
    );
    assert_eq!(
        c["type"],
        json!(["VerifiableCredential", "ShirubeLevelCredential"])
    );
    assert_eq!(c["issuer"], json!(DID));
    assert_eq!(
        c["credentialSubject"]["id"],
        json!("urn:jp:corporate-number:7123456789012")
    );
    assert_eq!(c["credentialSubject"]["level"], json!(4));
    assert_eq!(c["credentialSubject"]["assurance"], json!("third-party"));
    assert_eq!(
        c["credentialSubject"]["evaluationBody"]["id"],
        json!("urn:jp:corporate-number:7000012050002")
    );
    assert_eq!(
        c["credentialStatus"]["type"],
        json!("BitstringStatusListEntry")
    );
    assert_eq!(c["credentialStatus"]["statusListIndex"], json!("7"));
    assert_eq!(c["proof"]["cryptosuite"], json!("eddsa-jcs-2022"));
    assert_eq!(
        c["proof"]["verificationMethod"],
        json!("did:web:shirube.example#key-1")
    );
    assert_eq!(c["validUntil"], json!("2029-01-01T00:00:00Z"));
}

/// Every leaf of the signed part of the credential, as JSON pointers.
fn leaves(v: &Value, path: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            leaves(
                x,
                format!("{path}/{}", k.replace('~', "~0").replace('/', "~1")),
                out,
            )
        }),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| leaves(x, format!("{path}/{i}"), out)),
        _ => out.push(path),
    }
}

#[test]
fn changing_any_signed_field_is_refused() {
    let original = credential(7);
    let list = status_list(&[]);
    let mut paths = Vec::new();
    leaves(&original, String::new(), &mut paths);
    assert!(paths.len() > 20);
    for p in paths.iter().filter(|p| !p.starts_with("/proof/proofValue")) {
        let mut c = original.clone();
        if let Some(x) = c.pointer_mut(p) {
            let changed = match &*x {
                Value::String(s) => Value::String(format!("{s}x")),
                Value::Number(_) => json!(5),
                other => json!(["changed", other.clone()]),
            };
            *x = changed;
        }
        let v = verify(
            &c,
            &resolver(),
            StatusInput::Credential(&list),
            at(2026, 6, 1),
        );
        assert!(!v.valid, "changing {p} went unnoticed");
    }
    // Changes to the credential body (not the proof's own routing fields) are signature failures.
    for p in [
        "/credentialSubject/level",
        "/credentialSubject/name",
        "/validUntil",
        "/credentialStatus/statusListIndex",
    ] {
        let mut c = original.clone();
        if let Some(x) = c.pointer_mut(p) {
            *x = if p.ends_with("level") {
                json!(5)
            } else if p.ends_with("Index") {
                json!("8")
            } else {
                json!("2099-01-01T00:00:00Z")
            };
        }
        let v = verify(
            &c,
            &resolver(),
            StatusInput::Credential(&list),
            at(2026, 6, 1),
        );
        assert_eq!(code(&v), Some("invalid_signature"), "{p}: {v:#?}");
    }
    // Adding a member is a change too.
    let mut c = original.clone();
    c["credentialSubject"]["extra"] = json!(true);
    assert_eq!(
        code(&verify(
            &c,
            &resolver(),
            StatusInput::Credential(&list),
            at(2026, 6, 1)
        )),
        Some("invalid_signature")
    );
}

#[test]
fn a_credential_signed_by_another_key_is_refused() {
    let impostor = Issuer::new(DID, "key-1", Keypair::from_seed(&[0x22; 32])).expect("issuer");
    let c = credential_by(&impostor, 7);
    let v = verify(&c, &resolver(), StatusInput::Skip, at(2026, 6, 1));
    assert_eq!(code(&v), Some("invalid_signature"));
}

#[test]
fn a_key_missing_from_the_did_document_is_an_unknown_issuer() {
    let other = Issuer::new(DID, "key-9", Keypair::from_seed(&[0x22; 32])).expect("issuer");
    let v = verify(
        &credential_by(&other, 7),
        &resolver(),
        StatusInput::Skip,
        at(2026, 6, 1),
    );
    assert_eq!(code(&v), Some("unknown_issuer"));
    // Without any DID document a did:web issuer cannot be resolved.
    let v = verify(
        &credential(7),
        &Resolver::did_key_only(),
        StatusInput::Skip,
        at(2026, 6, 1),
    );
    assert_eq!(code(&v), Some("unknown_issuer"));
}

#[test]
fn a_key_of_another_did_cannot_sign_for_the_issuer() {
    let c = credential(7);
    let mut forged = c.clone();
    forged["issuer"] = json!("did:web:other.example");
    let other_doc = json!({"id": "did:web:other.example"});
    let mut r = resolver();
    r.add_did_document(&other_doc).expect("doc");
    let v = verify(&forged, &r, StatusInput::Skip, at(2026, 6, 1));
    assert_eq!(code(&v), Some("unknown_issuer"), "{v:#?}");
}

#[test]
fn expired_and_not_yet_valid_credentials_are_refused_with_their_reason() {
    let c = credential(7);
    let v = verify(&c, &resolver(), StatusInput::Skip, at(2029, 1, 2));
    assert_eq!(code(&v), Some("expired"));
    let v = verify(&c, &resolver(), StatusInput::Skip, at(2025, 12, 31));
    assert_eq!(code(&v), Some("not_yet_valid"));
    let v = verify(&c, &resolver(), StatusInput::Skip, at(2029, 1, 1));
    assert!(v.valid, "validUntil itself is still valid");
}

#[test]
fn a_revoked_credential_is_refused_and_names_its_index() {
    let list = status_list(&[7]);
    let v = verify(
        &credential(7),
        &resolver(),
        StatusInput::Credential(&list),
        at(2026, 6, 1),
    );
    assert!(
        matches!(
            v.reason,
            Some(Reason::Revoked {
                status_list_index: 7,
                ..
            })
        ),
        "{v:#?}"
    );
}

#[test]
fn without_a_status_list_the_status_is_not_checked_unless_skipped() {
    let v = verify(
        &credential(7),
        &resolver(),
        StatusInput::Unavailable,
        at(2026, 6, 1),
    );
    assert_eq!(code(&v), Some("status_not_checked"));
    assert!(!v.valid);
    let v = verify(
        &credential(7),
        &resolver(),
        StatusInput::Skip,
        at(2026, 6, 1),
    );
    assert!(v.valid);
    assert!(v
        .checks
        .iter()
        .any(|c| c.check == CheckKind::Status && c.result == CheckResult::Skipped));
}

#[test]
fn a_forged_or_foreign_status_list_is_not_trusted() {
    let mut list = status_list(&[]);
    list["credentialSubject"]["encodedList"] = json!(StatusList::new(MIN_STATUS_LIST_SIZE)
        .expect("list")
        .encode());
    list["validFrom"] = json!("2026-05-02T00:00:00Z");
    let v = verify(
        &credential(7),
        &resolver(),
        StatusInput::Credential(&list),
        at(2026, 6, 1),
    );
    assert_eq!(code(&v), Some("status_not_checked"), "{v:#?}");

    let other = status_list(&[]);
    let mut c = other.clone();
    c["id"] = json!("https://shirube.example/status/2");
    let v = verify(
        &credential(7),
        &resolver(),
        StatusInput::Credential(&c),
        at(2026, 6, 1),
    );
    assert_eq!(code(&v), Some("status_not_checked"));
}

#[test]
fn a_did_key_issuer_resolves_without_a_did_document() {
    let issuer = Issuer::did_key(key());
    let c = credential_by(&issuer, 7);
    let v = verify(
        &c,
        &Resolver::did_key_only(),
        StatusInput::Skip,
        at(2026, 6, 1),
    );
    assert!(v.valid, "{v:#?}");
    assert!(c["issuer"]
        .as_str()
        .unwrap_or_default()
        .starts_with("did:key:z6Mk"));
}

#[test]
fn after_a_key_rotation_old_and_new_credentials_both_verify() {
    let old = credential(1);
    let rotated = Issuer::new(DID, "key-2", Keypair::from_seed(&[0x33; 32]))
        .and_then(|i| i.with_retired_key("key-1", key().public_key()))
        .expect("rotated issuer");
    let new = credential_by(&rotated, 2);
    let doc = did_document(&rotated);
    assert_eq!(
        doc["assertionMethod"],
        json!([
            "did:web:shirube.example#key-1",
            "did:web:shirube.example#key-2"
        ])
    );
    let r = Resolver::from_did_document(&doc).expect("doc");
    for c in [&old, &new] {
        assert!(verify(c, &r, StatusInput::Skip, at(2026, 6, 1)).valid);
    }
    assert_eq!(
        new["proof"]["verificationMethod"],
        json!("did:web:shirube.example#key-2")
    );
}

#[test]
fn bulk_verification_agrees_with_single_verification() {
    let list = verify_status_list(&status_list(&[2]), &resolver(), at(2026, 6, 1)).expect("list");
    let lists = [list];
    let mut creds: Vec<Value> = (0..6).map(credential).collect();
    creds[4]["credentialSubject"]["level"] = json!(5);
    creds.push(json!({"not": "a credential"}));
    let bulk = verify_many(
        &creds,
        &resolver(),
        StatusInput::Verified(&lists),
        at(2026, 6, 1),
    );
    let single: Vec<_> = creds
        .iter()
        .map(|c| {
            verify(
                c,
                &resolver(),
                StatusInput::Verified(&lists),
                at(2026, 6, 1),
            )
        })
        .collect();
    assert_eq!(bulk, single);
    let raw = status_list(&[2]);
    let from_raw = verify_many(
        &creds,
        &resolver(),
        StatusInput::Credential(&raw),
        at(2026, 6, 1),
    );
    assert_eq!(from_raw, single);
    assert_eq!(code(&bulk[2]), Some("revoked"));
    assert_eq!(code(&bulk[4]), Some("invalid_signature"));
    assert_eq!(code(&bulk[6]), Some("malformed"));
    assert!(bulk[0].valid);
}

#[test]
fn the_result_serialises_with_exactly_valid_checks_and_reason() {
    let v = verify(
        &credential(7),
        &resolver(),
        StatusInput::Skip,
        at(2030, 1, 1),
    );
    let j = serde_json::to_value(&v).expect("json");
    let mut keys: Vec<_> = j
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    assert_eq!(keys, ["checks", "reason", "valid"]);
    assert_eq!(j["reason"]["code"], json!("expired"));
    assert_eq!(j["reason"]["validUntil"], json!("2029-01-01T00:00:00Z"));
    assert_eq!(
        j["checks"][0],
        json!({"check": "format", "result": "passed"})
    );
}

#[test]
fn malformed_input_names_the_field() {
    let mut c = credential(7);
    c["validFrom"] = json!("yesterday");
    let v = verify(&c, &resolver(), StatusInput::Skip, at(2026, 6, 1));
    assert!(
        matches!(&v.reason, Some(Reason::Malformed { field, .. }) if field == "validFrom"),
        "{v:#?}"
    );
    let mut c = credential(7);
    c["proof"]["proofValue"] = json!("not base58");
    let v = verify(&c, &resolver(), StatusInput::Skip, at(2026, 6, 1));
    assert!(
        matches!(&v.reason, Some(Reason::Malformed { field, .. }) if field == "proof.proofValue"),
        "{v:#?}"
    );
    let v = verify(
        &json!([1, 2]),
        &resolver(),
        StatusInput::Skip,
        at(2026, 6, 1),
    );
    assert_eq!(code(&v), Some("malformed"));
}

#[test]
fn a_did_document_cannot_declare_keys_of_another_did() {
    let mut doc = did_document(&issuer());
    doc["verificationMethod"][0]["id"] = json!("did:web:other.example#key-1");
    doc["assertionMethod"][0] = json!("did:web:other.example#key-1");
    assert!(Resolver::from_did_document(&doc).is_err());
}

#[test]
fn adding_expires_to_a_signed_proof_breaks_the_signature() {
    let mut unsigned = credential(7);
    unsigned.as_object_mut().map(|o| o.remove("proof"));
    let signed = shirube_trust::add_proof(
        &unsigned,
        &key(),
        "did:web:shirube.example#key-1",
        at(2026, 1, 1),
    )
    .expect("sign");
    let mut proof = signed["proof"].clone();
    proof["expires"] = json!("2026-03-01T00:00:00Z");
    let mut with_expiry = unsigned.clone();
    with_expiry["proof"] = proof;
    let v = verify(&with_expiry, &resolver(), StatusInput::Skip, at(2026, 6, 1));
    // Adding `expires` after signing breaks the signature: it is covered by the proof hash.
    assert_eq!(code(&v), Some("invalid_signature"), "{v:#?}");
}

fn expert_confirmed_three_star() -> Value {
    use shirube_trust::{
        issue_credential, shirube_context_url, Assurance, CorporateNumber, ExpertConfirmation,
        LevelClaims, StarLevel, Validity,
    };
    let claims = LevelClaims::new(
        CorporateNumber::parse("7123456789012").expect("fixture corporate number"),
        "株式会社テスト部品製作所",
        StarLevel::Three,
        "2026-03-27",
        Assurance::SelfDeclared,
    )
    .and_then(|c| {
        c.with_expert(ExpertConfirmation {
            name: "支援士 花子".into(),
            qualification: "riss".into(),
            qualification_number: "012345".into(),
            confirmed_at: at(2026, 4, 1),
        })
    })
    .expect("claims");
    issue_credential(
        &issuer(),
        uuid::Uuid::from_u128(0x0190b3c5_0000_7000_8000_000000000003),
        &shirube_context_url(crate::fixtures::PUBLIC_URL),
        &claims,
        &crate::fixtures::entry(9),
        Validity::new(at(2026, 4, 2), at(2027, 4, 2)).expect("validity"),
        at(2026, 4, 2),
    )
    .expect("credential")
}

#[test]
fn a_three_star_credential_names_its_confirming_expert_and_tampering_with_them_breaks_it() {
    let c = expert_confirmed_three_star();
    let e = &c["credentialSubject"]["expertConfirmation"];
    assert_eq!(
        *e,
        json!({ "name": "支援士 花子", "qualification": "riss", "qualificationNumber": "012345",
            "confirmedAt": "2026-04-01T00:00:00Z" })
    );
    let list = status_list(&[]);
    let v = verify(
        &c,
        &resolver(),
        StatusInput::Credential(&list),
        at(2026, 6, 1),
    );
    assert!(v.valid, "{v:#?}");
    for (field, value) in [
        ("name", json!("別人")),
        ("qualification", json!("scs_training")),
        ("qualificationNumber", json!("999999")),
        ("confirmedAt", json!("2026-05-01T00:00:00Z")),
    ] {
        let mut t = c.clone();
        t["credentialSubject"]["expertConfirmation"][field] = value;
        let v = verify(
            &t,
            &resolver(),
            StatusInput::Credential(&list),
            at(2026, 6, 1),
        );
        assert_eq!(code(&v), Some("invalid_signature"), "tampered {field}");
    }
    let mut removed = c.clone();
    if let Some(s) = removed["credentialSubject"].as_object_mut() {
        s.remove("expertConfirmation");
    }
    let v = verify(
        &removed,
        &resolver(),
        StatusInput::Credential(&list),
        at(2026, 6, 1),
    );
    assert_eq!(code(&v), Some("invalid_signature"), "expert removed");
}

#[test]
fn only_a_self_declared_three_star_carries_an_expert_confirmation() {
    let e = shirube_trust::ExpertConfirmation {
        name: "支援士 花子".into(),
        qualification: "riss".into(),
        qualification_number: "012345".into(),
        confirmed_at: at(2026, 4, 1),
    };
    assert_eq!(
        crate::fixtures::claims().with_expert(e),
        Err(shirube_trust::ClaimsError::ExpertOnSelfDeclaredOnly)
    );
}
