//! `shirube verify`: the real binary on credentials issued by shirube-trust, offline.

use std::path::Path;
use std::process::Command;

use chrono::{TimeZone, Utc};
use serde_json::Value;
use shirube_trust::{
    did_document, issue_credential, shirube_context_url, Assurance, CorporateNumber, Issuer,
    Keypair, LevelClaims, StarLevel, StatusEntry, StatusList, Uuid, Validity, MIN_STATUS_LIST_SIZE,
};

struct Fixture {
    dir: tempfile_dir::Dir,
}

mod tempfile_dir {
    /// A scratch directory under the target dir, removed on drop.
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new(name: &str) -> Dir {
            let p =
                std::env::temp_dir().join(format!("shirube-verify-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&p);
            std::fs::create_dir_all(&p).expect("scratch dir");
            Dir(p)
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl Fixture {
    /// Writes valid.json (index 7), revoked.json (index 8), didkey.json, did.json and
    /// status.json (index 8 revoked) into a fresh directory.
    fn new(name: &str) -> Fixture {
        let dir = tempfile_dir::Dir::new(name);
        let t = |y| {
            Utc.with_ymd_and_hms(y, 1, 1, 0, 0, 0)
                .single()
                .expect("date")
        };
        let url = "https://shirube.example";
        let issuer = Issuer::new(
            "did:web:shirube.example",
            "key-1",
            Keypair::from_seed(&[1; 32]),
        )
        .expect("issuer");
        let claims = LevelClaims::new(
            CorporateNumber::parse("7123456789012").expect("number"),
            "株式会社テスト",
            StarLevel::Three,
            "2026-03-27",
            Assurance::SelfDeclared,
        )
        .expect("claims");
        let list_url = format!("{url}/status/1");
        let issue = |issuer: &Issuer, index| {
            let entry = StatusEntry {
                list_url: list_url.clone(),
                index,
            };
            let validity = Validity::new(t(2026), t(2027)).expect("validity");
            issue_credential(
                issuer,
                Uuid::nil(),
                &shirube_context_url(url),
                &claims,
                &entry,
                validity,
                t(2026),
            )
            .expect("credential")
        };
        let mut list = StatusList::new(MIN_STATUS_LIST_SIZE).expect("list");
        list.set_revoked(8).expect("index");
        let write =
            |name: &str, v: &Value| std::fs::write(dir.0.join(name), v.to_string()).expect("write");
        write("valid.json", &issue(&issuer, 7));
        write("revoked.json", &issue(&issuer, 8));
        write(
            "didkey.json",
            &issue(&Issuer::did_key(Keypair::from_seed(&[2; 32])), 7),
        );
        write("did.json", &did_document(&issuer));
        write(
            "status.json",
            &list
                .to_credential(&issuer, &list_url, t(2026))
                .expect("status list"),
        );
        std::fs::write(dir.0.join("broken.json"), "{not json").expect("write");
        Fixture { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.0.join(name).display().to_string()
    }

    /// Runs `shirube verify` with `args` at 2026-06-01; returns (exit code, stdout).
    fn run(&self, args: &[&str]) -> (i32, String) {
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                if a.ends_with(".json") && !a.starts_with('-') {
                    self.path(a)
                } else {
                    a.to_string()
                }
            })
            .collect();
        let out = Command::new(env!("CARGO_BIN_EXE_shirube"))
            .arg("verify")
            .args(&args)
            .args(["--at", "2026-06-01T00:00:00Z"])
            .output()
            .expect("run shirube");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    }
}

fn reason(stdout: &str) -> Option<String> {
    let v: Value = serde_json::from_str(stdout).ok()?;
    v["reason"]["code"].as_str().map(str::to_string)
}

#[test]
fn a_valid_credential_with_its_did_document_and_status_list_exits_0() {
    let f = Fixture::new("valid");
    let (code, out) = f.run(&[
        "valid.json",
        "--did-document",
        "did.json",
        "--status-list",
        "status.json",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("VALID"), "{out}");
}

#[test]
fn a_revoked_credential_exits_1_with_reason_revoked() {
    let f = Fixture::new("revoked");
    let (code, out) = f.run(&[
        "revoked.json",
        "--did-document",
        "did.json",
        "--status-list",
        "status.json",
        "--format",
        "json",
    ]);
    assert_eq!(
        (code, reason(&out).as_deref()),
        (1, Some("revoked")),
        "{out}"
    );
}

#[test]
fn without_a_status_list_the_status_is_not_checked_and_exits_1_unless_skipped() {
    let f = Fixture::new("nostatus");
    let (code, out) = f.run(&[
        "valid.json",
        "--did-document",
        "did.json",
        "--format",
        "json",
    ]);
    assert_eq!(
        (code, reason(&out).as_deref()),
        (1, Some("status_not_checked")),
        "{out}"
    );
    let (code, _) = f.run(&["valid.json", "--did-document", "did.json", "--skip-status"]);
    assert_eq!(code, 0);
}

#[test]
fn a_did_key_issuer_needs_no_did_document() {
    let f = Fixture::new("didkey");
    let (code, out) = f.run(&["didkey.json", "--skip-status"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_did_web_issuer_without_its_did_document_is_unknown() {
    let f = Fixture::new("unknown");
    let (code, out) = f.run(&["valid.json", "--skip-status", "--format", "json"]);
    assert_eq!(
        (code, reason(&out).as_deref()),
        (1, Some("unknown_issuer")),
        "{out}"
    );
}

#[test]
fn unreadable_input_and_bad_usage_exit_2() {
    let f = Fixture::new("bad");
    assert_eq!(f.run(&["broken.json"]).0, 2);
    assert_eq!(f.run(&["missing.json"]).0, 2);
    assert_eq!(
        f.run(&[
            "valid.json",
            "--status-list",
            "status.json",
            "--skip-status"
        ])
        .0,
        2
    );
    assert!(!Path::new(&f.path("missing.json")).exists());
}
