//! Conformance against third-party data: the vc-di-eddsa eddsa-jcs-2022 test vector, the
//! RFC 8785 author's test data, and credentials made with Digital Bazaar's libraries.

use chrono::{TimeZone, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use shirube_trust::{
    add_proof, canonicalize, verify, verify_proof, verify_status_list, CheckKind, CheckResult,
    Keypair, PublicKey, Reason, Resolver, StatusInput,
};

use crate::fixtures::{at, read_json, read_text, vectors};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_vc_di_eddsa_jcs_vector_is_reproduced_byte_for_byte_from_its_key() {
    let Some(dir) = vectors("the vc-di-eddsa jcs vector test") else {
        return;
    };
    let dir = dir.join("vc-di-eddsa");
    let jcs = dir.join("eddsa-jcs-2022");
    let pair = read_json(&dir.join("keyPair.json"));
    let key =
        Keypair::from_secret_multibase(pair["privateKeyMultibase"].as_str().unwrap_or_default())
            .expect("vector private key");
    assert_eq!(
        Some(key.to_multikey().as_str()),
        pair["publicKeyMultibase"].as_str()
    );

    let unsigned = read_json(&dir.join("unsigned.json"));
    let canon_doc = canonicalize(&unsigned).expect("canonical document");
    assert_eq!(
        String::from_utf8_lossy(&canon_doc),
        read_text(&jcs.join("canonDocJCS.txt"))
    );
    assert_eq!(
        hex(&Sha256::digest(&canon_doc)),
        read_text(&jcs.join("docHashJCS.txt"))
    );

    let config = read_json(&jcs.join("proofConfigJCS.json"));
    let canon_cfg = canonicalize(&config).expect("canonical proof config");
    assert_eq!(
        String::from_utf8_lossy(&canon_cfg),
        read_text(&jcs.join("proofCanonJCS.txt"))
    );
    assert_eq!(
        hex(&Sha256::digest(&canon_cfg)),
        read_text(&jcs.join("proofHashJCS.txt"))
    );

    let created = Utc
        .with_ymd_and_hms(2023, 2, 24, 23, 36, 38)
        .single()
        .expect("date");
    let method = config["verificationMethod"].as_str().unwrap_or_default();
    let signed = add_proof(&unsigned, &key, method, created).expect("signing");
    let expected = read_json(&jcs.join("signedJCS.json"));
    assert_eq!(
        signed["proof"]["proofValue"].as_str(),
        Some(read_text(&jcs.join("sigBTC58JCS.txt")).as_str())
    );
    let sig = bs58::decode(&read_text(&jcs.join("sigBTC58JCS.txt"))[1..])
        .into_vec()
        .unwrap_or_default();
    assert_eq!(hex(&sig), read_text(&jcs.join("sigHexJCS.txt")));
    assert_eq!(
        signed, expected,
        "the whole signed credential equals signedJCS.json"
    );
    // Byte for byte: the canonical forms of ours and of the vector's signed file are equal.
    assert_eq!(canonicalize(&signed).ok(), canonicalize(&expected).ok());
}

#[test]
fn the_vc_di_eddsa_jcs_vector_proof_verifies_and_tampering_breaks_it() {
    let Some(dir) = vectors("the vc-di-eddsa jcs proof test") else {
        return;
    };
    let signed = read_json(&dir.join("vc-di-eddsa/eddsa-jcs-2022/signedJCS.json"));
    let resolver = Resolver::did_key_only();
    let key = verify_proof(&signed, &resolver).expect("the vector's proof verifies");
    assert_eq!(
        key.controller,
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    );

    let mut tampered = signed.clone();
    tampered["credentialSubject"]["alumniOf"] = Value::String("Another School".into());
    assert!(verify_proof(&tampered, &resolver).is_err());

    // The full credential check refuses it for another reason: its issuer is an https URL,
    // not the did:key that signed, so the key cannot be bound to the issuer.
    let v = verify(&signed, &resolver, StatusInput::Unavailable, at(2026, 6, 1));
    assert_eq!(v.reason.as_ref().map(Reason::code), Some("unknown_issuer"));
}

#[test]
fn the_rfc_8785_test_data_canonicalises_exactly() {
    let Some(dir) = vectors("the RFC 8785 test") else {
        return;
    };
    let dir = dir.join("rfc8785-jcs");
    let mut names: Vec<_> = std::fs::read_dir(dir.join("input"))
        .expect("input dir")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    names.sort();
    assert!(
        names.len() >= 6,
        "expected the six RFC 8785 cases, found {names:?}"
    );
    for name in names {
        let name = name.to_string_lossy().to_string();
        let input: Value = read_json(&dir.join("input").join(&name));
        let out = canonicalize(&input).expect("canonical");
        let hex_file = dir.join("outhex").join(name.replace(".json", ".txt"));
        let expected: Vec<u8> = std::fs::read_to_string(&hex_file)
            .expect("outhex")
            .split_whitespace()
            .map(|h| u8::from_str_radix(h, 16).expect("hex byte"))
            .collect();
        assert_eq!(out, expected, "{name}: {}", String::from_utf8_lossy(&out));
    }
}

#[test]
fn digital_bazaar_generated_credentials_verify_with_the_expected_results() {
    let Some(dir) = vectors("the Digital Bazaar vectors test") else {
        return;
    };
    let dir = dir.join("generated-digitalbazaar");
    let resolver =
        Resolver::from_did_document(&read_json(&dir.join("did.json"))).expect("did.json");
    let list = read_json(&dir.join("status-list-1.json"));
    let now = at(2026, 6, 1);
    let verified_list = verify_status_list(&list, &resolver, now).expect("status list verifies");
    assert!(verified_list.list.is_revoked(42).unwrap_or(false));
    assert!(!verified_list.list.is_revoked(7).unwrap_or(true));

    let valid = verify(
        &read_json(&dir.join("cert-valid.json")),
        &resolver,
        StatusInput::Credential(&list),
        now,
    );
    assert!(valid.valid, "{valid:?}");

    let revoked = verify(
        &read_json(&dir.join("cert-revoked.json")),
        &resolver,
        StatusInput::Credential(&list),
        now,
    );
    assert_eq!(revoked.reason.as_ref().map(Reason::code), Some("revoked"));
    assert!(revoked
        .checks
        .iter()
        .any(|c| c.check == CheckKind::Signature && c.result == CheckResult::Passed));

    let tampered = verify(
        &read_json(&dir.join("cert-tampered.json")),
        &resolver,
        StatusInput::Credential(&list),
        now,
    );
    assert_eq!(
        tampered.reason.as_ref().map(Reason::code),
        Some("invalid_signature")
    );
}

#[test]
fn re_signing_a_digital_bazaar_credential_with_its_key_gives_the_same_proof_value() {
    let Some(dir) = vectors("the Digital Bazaar re-signing test") else {
        return;
    };
    let dir = dir.join("generated-digitalbazaar");
    let key_file = read_json(&dir.join("issuer-key.json"));
    let key =
        Keypair::from_secret_multibase(key_file["secretKeyMultibase"].as_str().unwrap_or_default())
            .expect("64-byte secret key form");
    assert_eq!(
        Some(key.to_multikey().as_str()),
        key_file["publicKeyMultibase"].as_str()
    );
    assert!(PublicKey::from_multikey(&key.to_multikey()).is_ok());
    for file in ["cert-valid.json", "status-list-1.json"] {
        let signed = read_json(&dir.join(file));
        let mut unsigned = signed.clone();
        let proof = unsigned
            .as_object_mut()
            .and_then(|o| o.remove("proof"))
            .unwrap_or_default();
        let created = shirube_trust::parse_datetime(proof["created"].as_str().unwrap_or_default())
            .expect("created");
        let ours = add_proof(
            &unsigned,
            &key,
            proof["verificationMethod"].as_str().unwrap_or_default(),
            created,
        )
        .expect("signing");
        assert_eq!(ours["proof"]["proofValue"], proof["proofValue"], "{file}");
    }
}
