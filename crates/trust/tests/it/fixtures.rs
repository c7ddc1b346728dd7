//! Test fixtures: a fixed issuer key, claims, and a way to read the shared vectors.

use std::path::PathBuf;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;
use shirube_trust::{
    issue_credential, shirube_context_url, Assurance, CorporateNumber, EvaluationBody, Issuer,
    Keypair, LevelClaims, StarLevel, StatusEntry, Validity,
};
use uuid::Uuid;

pub const PUBLIC_URL: &str = "https://shirube.example";
pub const DID: &str = "did:web:shirube.example";
pub const STATUS_URL: &str = "https://shirube.example/status/1";

pub fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

pub fn key() -> Keypair {
    Keypair::from_seed(&[0x11; 32])
}

pub fn issuer() -> Issuer {
    Issuer::new(DID, "key-1", key()).expect("fixture issuer")
}

pub fn claims() -> LevelClaims {
    let subject = CorporateNumber::parse("7123456789012").expect("fixture corporate number");
    let body = EvaluationBody {
        corporate_number: CorporateNumber::parse("7000012050002").expect("fixture body number"),
        name: "一般社団法人テスト評価機関".into(),
    };
    LevelClaims::new(
        subject,
        "株式会社テスト部品製作所",
        StarLevel::Four,
        "2026-03-27",
        Assurance::ThirdParty(body),
    )
    .expect("fixture claims")
}

pub fn entry(index: u32) -> StatusEntry {
    StatusEntry {
        list_url: STATUS_URL.into(),
        index,
    }
}

/// A ★4 credential valid through 2026 and 2027, status index `index`.
pub fn credential_by(issuer: &Issuer, index: u32) -> Value {
    let validity = Validity::new(at(2026, 1, 1), at(2029, 1, 1)).expect("fixture validity");
    issue_credential(
        issuer,
        Uuid::from_u128(0x0190b3c5_0000_7000_8000_000000000001),
        &shirube_context_url(PUBLIC_URL),
        &claims(),
        &entry(index),
        validity,
        at(2026, 1, 1),
    )
    .expect("fixture credential")
}

pub fn credential(index: u32) -> Value {
    credential_by(&issuer(), index)
}

/// The shared vector folder, or `None` (with a printed reason) when it is absent.
pub fn vectors(test: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/vc-vectors");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "skipping {test}: {} is absent (shared third-party test data)",
            dir.display()
        );
        None
    }
}

pub fn read_json(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn read_text(path: &std::path::Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .trim_end()
        .to_string()
}
