//! Writes credentials issued by shirube-trust into a directory, for checking them with
//! independent verifiers (bench/interop/). Usage:
//! `cargo run -p shirube-trust --example interop_fixtures -- OUT_DIR`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use serde_json::Value;
use shirube_trust::{
    did_document, did_web_from_url, issue_credential, shirube_context_url, Assurance,
    CorporateNumber, EvaluationBody, ExpertConfirmation, Issuer, Keypair, LevelClaims, StarLevel,
    StatusEntry, StatusList, Validity, MIN_STATUS_LIST_SIZE, SHIRUBE_CONTEXT,
};

fn main() {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: interop_fixtures OUT_DIR"),
    );
    std::fs::create_dir_all(&out).expect("output directory");
    let write = |name: &str, v: &Value| {
        std::fs::write(
            out.join(name),
            serde_json::to_string_pretty(v).unwrap() + "\n",
        )
        .expect("write");
    };
    let t = |y, m, d| Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).single().unwrap();
    let public_url = "https://shirube.example";
    let did = did_web_from_url(public_url).unwrap();
    // Test-only keys: fixed seeds so the output is reproducible.
    let issuer = Issuer::new(&did, "key-2", Keypair::from_seed(&[0x42; 32]))
        .and_then(|i| i.with_retired_key("key-1", Keypair::from_seed(&[0x41; 32]).public_key()))
        .unwrap();
    let body = EvaluationBody {
        corporate_number: CorporateNumber::parse("7000012050002").unwrap(),
        name: "一般社団法人テスト評価機関".into(),
    };
    let four = LevelClaims::new(
        CorporateNumber::parse("7123456789012").unwrap(),
        "株式会社テスト部品製作所",
        StarLevel::Four,
        "2026-03-27",
        Assurance::ThirdParty(body),
    )
    .unwrap();
    let three = LevelClaims::new(
        CorporateNumber::parse("7000012050002").unwrap(),
        "有限会社サンプル商事",
        StarLevel::Three,
        "2026-03-27",
        Assurance::SelfDeclared,
    )
    .unwrap();
    let list_url = format!("{public_url}/status/1");
    let ctx = shirube_context_url(public_url);
    let validity = Validity::new(t(2026, 1, 1), t(2029, 1, 1)).unwrap();
    let issue = |issuer: &Issuer, claims: &LevelClaims, n: u128, index: u32| {
        let entry = StatusEntry {
            list_url: list_url.clone(),
            index,
        };
        issue_credential(
            issuer,
            uuid::Uuid::from_u128(n),
            &ctx,
            claims,
            &entry,
            validity,
            t(2026, 1, 1),
        )
        .unwrap()
    };
    let valid = issue(&issuer, &four, 1, 94_321);
    let revoked = issue(&issuer, &three, 2, 17);
    let mut tampered = valid.clone();
    tampered["credentialSubject"]["level"] = Value::from(5);
    let mut list = StatusList::new(MIN_STATUS_LIST_SIZE).unwrap();
    list.set_revoked(17).unwrap();
    let did_key_issuer = Issuer::did_key(Keypair::from_seed(&[0x43; 32]));
    let did_key_cred = issue(&did_key_issuer, &three, 3, 5);
    // A ★3 naming the security expert who confirmed it, and a copy with the expert changed.
    let confirmed = three
        .clone()
        .with_expert(ExpertConfirmation {
            name: "支援士 花子".into(),
            qualification: "riss".into(),
            qualification_number: "012345".into(),
            confirmed_at: t(2025, 12, 20),
        })
        .unwrap();
    let expert = issue(&issuer, &confirmed, 4, 23);
    let mut expert_tampered = expert.clone();
    expert_tampered["credentialSubject"]["expertConfirmation"]["name"] = Value::from("別人");

    write("cert-valid.json", &valid);
    write("cert-revoked.json", &revoked);
    write("cert-tampered.json", &tampered);
    write("cert-didkey.json", &did_key_cred);
    write("cert-expert.json", &expert);
    write("cert-expert-tampered.json", &expert_tampered);
    write(
        "status-list-1.json",
        &list
            .to_credential(&issuer, &list_url, t(2026, 5, 1))
            .unwrap(),
    );
    write("did.json", &did_document(&issuer));
    std::fs::write(out.join("context-v1.jsonld"), SHIRUBE_CONTEXT).expect("write");
    println!("wrote fixtures to {}", out.display());
}
