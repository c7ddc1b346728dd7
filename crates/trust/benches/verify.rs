//! Throughput of full credential verification (parse, canonicalise, hash, verify) against
//! bare Ed25519 `verify_strict`, measured in one run on one core, plus bulk (batch)
//! verification. Prints rates and ratios; run with `cargo bench -p shirube-trust`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use serde_json::Value;
use shirube_trust::{
    did_document, issue_credential, shirube_context_url, verify, verify_many, Assurance,
    CorporateNumber, EvaluationBody, Issuer, Keypair, LevelClaims, Resolver, StarLevel,
    StatusEntry, StatusInput, Validity,
};

/// Runs `f` repeatedly for about `budget` and returns calls per second.
fn rate(budget: Duration, mut f: impl FnMut()) -> f64 {
    for _ in 0..50 {
        f();
    }
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        for _ in 0..64 {
            f();
        }
        n += 64;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let t = |y, m, d| Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).single().unwrap();
    let issuer = Issuer::new(
        "did:web:shirube.example",
        "key-1",
        Keypair::from_seed(&[0x11; 32]),
    )
    .unwrap();
    let body = EvaluationBody {
        corporate_number: CorporateNumber::parse("7000012050002").unwrap(),
        name: "一般社団法人テスト評価機関".into(),
    };
    let claims = LevelClaims::new(
        CorporateNumber::parse("7123456789012").unwrap(),
        "株式会社テスト部品製作所",
        StarLevel::Four,
        "2026-03-27",
        Assurance::ThirdParty(body),
    )
    .unwrap();
    let creds: Vec<Value> = (0..256u32)
        .map(|i| {
            issue_credential(
                &issuer,
                uuid::Uuid::from_u128(u128::from(i) + 1),
                &shirube_context_url("https://shirube.example"),
                &claims,
                &StatusEntry {
                    list_url: "https://shirube.example/status/1".into(),
                    index: i * 97,
                },
                Validity::new(t(2026, 1, 1), t(2029, 1, 1)).unwrap(),
                t(2026, 1, 1),
            )
            .unwrap()
        })
        .collect();
    let texts: Vec<String> = creds
        .iter()
        .map(|c| serde_json::to_string(c).unwrap())
        .collect();
    let resolver = Resolver::from_did_document(&did_document(&issuer)).unwrap();
    let now = t(2026, 6, 1);
    let public = Keypair::from_seed(&[0x11; 32]).public_key();
    // The bare baseline signs a 64-byte message, the size eddsa-jcs-2022 signs.
    let msg = [7u8; 64];
    let sig = {
        let kp = ed25519_dalek::SigningKey::from_bytes(&[0x11; 32]);
        use ed25519_dalek::Signer;
        kp.sign(&msg).to_bytes()
    };
    assert!(public.verify_strict(&msg, &sig));
    assert!(verify(&creds[0], &resolver, StatusInput::Skip, now).valid);
    println!("credential size: {} bytes of JSON", texts[0].len());

    let budget = Duration::from_secs(3);
    if std::env::var_os("BREAKDOWN").is_some() {
        let parse = rate(budget, || {
            let v: Value = serde_json::from_str(black_box(&texts[0])).unwrap();
            black_box(v);
        });
        let canon = rate(budget, || {
            black_box(shirube_trust::canonicalize(black_box(&creds[0])).unwrap());
        });
        let verify_only = rate(budget, || {
            black_box(verify(
                black_box(&creds[0]),
                &resolver,
                StatusInput::Skip,
                now,
            ));
        });
        println!(
            "parse {:.1} us, canonicalize whole credential {:.1} us, verify (no parse) {:.1} us",
            1e6 / parse,
            1e6 / canon,
            1e6 / verify_only
        );
    }
    // The machine is shared, so the three measurements are interleaved in short slices and
    // summed: a burst of load elsewhere then hits all of them alike and the ratios hold.
    let slice = Duration::from_millis(200);
    let (mut bare, mut full, mut bulk) = (0.0, 0.0, 0.0);
    let rounds = 15;
    let mut i = 0;
    for _ in 0..rounds {
        bare += rate(slice, || {
            black_box(public.verify_strict(black_box(&msg), black_box(&sig)));
        });
        full += rate(slice, || {
            let v: Value = shirube_trust::parse_json(black_box(&texts[i % texts.len()])).unwrap();
            let out = verify(&v, &resolver, StatusInput::Skip, now);
            assert!(out.valid);
            i += 1;
        });
        bulk += texts.len() as f64
            * rate(slice, || {
                let parsed: Vec<Value> = texts
                    .iter()
                    .map(|s| shirube_trust::parse_json(s).unwrap())
                    .collect();
                let out = verify_many(&parsed, &resolver, StatusInput::Skip, now);
                assert!(out.iter().all(|v| v.valid));
            });
    }
    let (bare, full, bulk) = (
        bare / f64::from(rounds),
        full / f64::from(rounds),
        bulk / f64::from(rounds),
    );
    println!("bare Ed25519 verify_strict       {bare:>8.0} /s per core");
    println!(
        "full credential verification     {full:>8.0} /s per core  ({:.2}x bare)",
        full / bare
    );
    println!(
        "bulk verify_many (256, batched)  {bulk:>8.0} /s per core  ({:.2}x bare)",
        bulk / bare
    );
}
