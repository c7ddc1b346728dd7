//! `shirube backup` and `shirube restore`: a demo world backed up and restored into a fresh
//! data directory serves the same data under the same signing key, with its audit chain
//! intact; restoring over existing data is refused.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{json, Value};

use crate::browser::{free_port, wait_ready, Killed};

fn shirube(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_shirube"))
        .args(args)
        .output()
        .expect("run shirube")
}

/// Serves `data_dir` (with `--demo` when asked) and returns what a user would compare: the
/// DID document, the demo buyer's portfolio and the public register.
fn snapshot(data_dir: &Path, demo: bool) -> (Value, Value, Value) {
    let dir = data_dir.to_string_lossy().to_string();
    // A port found free can be taken by a parallel test before the server binds it: start
    // again on another one when the server exits at once, and say why when it keeps failing.
    let mut last = String::new();
    let mut started = None;
    for _ in 0..3 {
        let port = free_port().expect("free port");
        let bind = format!("127.0.0.1:{port}");
        // The issuer's did:web comes from the public URL: keep it the same on both servers.
        let mut args = vec![
            "serve",
            "--data-dir",
            &dir,
            "--bind",
            &bind,
            "--public-url",
            "https://shirube.example",
        ];
        if demo {
            args.push("--demo");
        }
        let log = data_dir.with_extension("serve.log");
        let mut server = Killed(
            Command::new(env!("CARGO_BIN_EXE_shirube"))
                .args(&args)
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).expect("server log"))
                .spawn()
                .expect("start shirube serve"),
        );
        match wait_ready(port, "/healthz", "shirube serve", &mut server.0) {
            Ok(()) => {
                started = Some((server, bind));
                break;
            }
            Err(e) => last = format!("{e}: {}", std::fs::read_to_string(&log).unwrap_or_default()),
        }
    }
    let Some((_server, bind)) = started else {
        panic!("server ready: {last}");
    };
    let base = format!("http://{bind}");
    let http = reqwest::blocking::Client::new();
    let get = |path: &str, token: Option<&str>| -> Value {
        let mut r = http.get(format!("{base}{path}"));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().unwrap().json().unwrap()
    };
    let token: Value = http
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({ "email": "buyer@yamato-parts.example", "password": "shirube-demo-2026" }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let token = token["token"].as_str().expect("the demo buyer signs in");
    (
        get("/.well-known/did.json", None),
        get("/api/v1/portfolio", Some(token)),
        get("/api/v1/register", None),
    )
}

#[test]
fn a_backup_restores_into_a_fresh_data_directory_with_the_same_data_and_keys() {
    let work = tempfile::tempdir().unwrap();
    let original = work.path().join("original");
    let restored = work.path().join("restored");
    let file = work.path().join("shirube-backup.zip");
    let before = snapshot(&original, true);

    let out = shirube(&[
        "backup",
        "--data-dir",
        original.to_str().unwrap(),
        "--out",
        file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the backup holds keys and personal data");
    }

    let out = shirube(&[
        "restore",
        "--data-dir",
        restored.to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("audit log intact"), "{stdout}");
    let out = shirube(&[
        "admin",
        "verify-audit",
        "--data-dir",
        restored.to_str().unwrap(),
    ]);
    assert!(out.status.success());

    let after = snapshot(&restored, false);
    assert_eq!(
        after.0, before.0,
        "the same signing keys, so old credentials still verify"
    );
    assert_eq!(after.1, before.1, "the same portfolio, two tiers included");
    assert_eq!(after.2, before.2, "the same public register");
    assert!(before.1["suppliers"].as_array().unwrap().len() >= 4);

    // Restoring over data is refused, and says why.
    let out = shirube(&[
        "restore",
        "--data-dir",
        restored.to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fresh data directory"));
    std::fs::remove_dir_all(restored.join("keys")).unwrap();
    let out = shirube(&[
        "restore",
        "--data-dir",
        restored.to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already holds data"));

    // Not a backup at all.
    let junk = work.path().join("junk.zip");
    std::fs::write(&junk, b"not a zip").unwrap();
    let out = shirube(&[
        "restore",
        "--data-dir",
        work.path().join("other").to_str().unwrap(),
        junk.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a Shirube backup"));
}
