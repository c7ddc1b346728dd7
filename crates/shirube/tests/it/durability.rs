//! A write that has returned survives `kill -9` of the server, and the audit chain stays
//! verifiable afterwards.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(data_dir: &std::path::Path) -> (Server, String) {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_shirube"))
        .args([
            "serve",
            "--data-dir",
            data_dir.to_str().unwrap(),
            "--bind",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Owned by the guard at once, so that the process is killed and reaped on every path.
    let server = Server(child);
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if reqwest::blocking::get(format!("{base}/healthz")).is_ok_and(|r| r.status().is_success())
        {
            return (server, base);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("server did not start");
}

#[test]
fn a_write_that_returned_survives_kill_minus_9() {
    let dir = tempfile::tempdir().unwrap();
    let client = reqwest::blocking::Client::new();
    let (mut server, base) = start(dir.path());
    let signup = json!({
        "organization": { "name": "耐久テスト", "corporate_number": "7000012050002", "industry": "E", "employees": 5, "prefecture": "13" },
        "user": { "email": "durable@example.jp", "password": "durable password", "name": "D" }
    });
    assert_eq!(
        client
            .post(format!("{base}/api/v1/signup"))
            .json(&signup)
            .send()
            .unwrap()
            .status(),
        201
    );
    let token: Value = client
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({ "email": "durable@example.jp", "password": "durable password" }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let token = token["token"].as_str().unwrap().to_string();
    let created: Value = client
        .post(format!("{base}/api/v1/assessments"))
        .bearer_auth(&token)
        .json(&json!({ "target_level": 3 }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    let r = client
        .put(format!("{base}/api/v1/assessments/{id}/answers/1-2-1-1"))
        .bearer_auth(&token)
        .json(&json!({ "status": "implemented", "comment": "written just before the crash" }))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);

    // SIGKILL: no graceful shutdown, no chance to flush anything.
    server.0.kill().unwrap();
    server.0.wait().unwrap();

    let (_server, base) = start(dir.path());
    let v: Value = client
        .get(format!("{base}/api/v1/assessments/{id}"))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(v["answers"][0]["comment"], "written just before the crash");
    let out = Command::new(env!("CARGO_BIN_EXE_shirube"))
        .args([
            "admin",
            "verify-audit",
            "--data-dir",
            dir.path().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
