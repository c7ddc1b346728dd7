//! `TestApp`: a real server on a fresh database, and helpers that act like API clients.

use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use shirube_app::{App, Clock, Config};
use shirube_web::AppState;
use std::time::Duration;

pub struct TestApp {
    pub base: String,
    pub backend: &'static str,
    pub state: AppState,
    _dir: tempfile::TempDir,
}

/// Valid corporate numbers for tests: 12 base digits plus the check digit.
pub fn corporate_number(n: u64) -> String {
    let base = format!("{:012}", 500_000_000_000u64 + n);
    let d: Vec<u32> = base.bytes().map(|b| u32::from(b - b'0')).collect();
    let sum: u32 = (1..=12)
        .map(|i| d[12 - i] * if i % 2 == 1 { 1 } else { 2 })
        .sum();
    format!("{}{base}", 9 - sum % 9)
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    let pid = u64::from(std::process::id()) % 10_000;
    pid * 1_000_000 + N.fetch_add(1, Ordering::Relaxed)
}

impl TestApp {
    /// One app per backend: SQLite, plus PostgreSQL when configured.
    pub async fn all() -> Vec<TestApp> {
        let mut apps = vec![TestApp::sqlite().await];
        if let Ok(url) = std::env::var("SHIRUBE_TEST_POSTGRES") {
            if !url.is_empty() {
                apps.push(TestApp::postgres(&url).await);
            }
        }
        apps
    }

    pub async fn sqlite() -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        Self::start(dir, None, "sqlite", Clock::system(), Duration::ZERO).await
    }

    /// A SQLite app whose time stands still until the test moves `clock`.
    pub async fn sqlite_with_clock(clock: Clock) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        Self::start(dir, None, "sqlite", clock, Duration::ZERO).await
    }

    /// A SQLite app on `clock` whose public roadmap keeps its live figures for `max_age`, as
    /// a deployed one does (every other test app reads them afresh).
    pub async fn sqlite_with_live_cache(clock: Clock, max_age: Duration) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        Self::start(dir, None, "sqlite", clock, max_age).await
    }

    /// A fresh schema in the given PostgreSQL database, so tests never see each other's rows.
    pub async fn postgres(url: &str) -> TestApp {
        use sqlx::Connection;
        let schema = format!("t{}_{}", std::process::id(), unique());
        let mut conn = sqlx::PgConnection::connect(url)
            .await
            .expect("SHIRUBE_TEST_POSTGRES must be reachable");
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let sep = if url.contains('?') { '&' } else { '?' };
        let scoped = format!("{url}{sep}options=-c%20search_path%3D{schema}");
        let dir = tempfile::tempdir().unwrap();
        Self::start(
            dir,
            Some(scoped),
            "postgres",
            Clock::system(),
            Duration::ZERO,
        )
        .await
    }

    async fn start(
        dir: tempfile::TempDir,
        database_url: Option<String>,
        backend: &'static str,
        clock: Clock,
        live_max_age: Duration,
    ) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let config = Config {
            data_dir: dir.path().to_path_buf(),
            database_url,
            public_url: base.clone(),
        };
        let mut app = App::open_with_clock(config, clock).await.unwrap();
        app.live_max_age = live_max_age;
        let state = AppState::new(app);
        let app = shirube_web::router::router(state.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        TestApp {
            base,
            backend,
            state,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn client() -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        let mut r = Self::client().post(self.url(path)).json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().await.unwrap()
    }

    pub async fn put_json(&self, path: &str, token: &str, body: Value) -> Response {
        Self::client()
            .put(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut r = Self::client().get(self.url(path));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().await.unwrap()
    }

    /// Signs an organisation up and returns (organization_id, owner token).
    /// GET and parse the JSON body (whatever the status).
    pub async fn get_json(&self, path: &str, token: Option<&str>) -> Value {
        self.get(path, token)
            .await
            .json()
            .await
            .expect("a JSON body")
    }

    /// The body of an anonymous GET as text (a public page), in `lang` ("ja" or "en").
    pub async fn get_text(&self, path: &str, lang: &str) -> String {
        Self::client()
            .get(self.url(path))
            .header("cookie", format!("lang={lang}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .expect("a text body")
    }

    pub async fn signup(&self, name: &str) -> Org {
        let n = unique();
        let email = format!("owner{n}@example.jp");
        let body = json!({
            "organization": { "name": name, "corporate_number": corporate_number(n), "industry": "E", "employees": 30, "prefecture": "23" },
            "user": { "email": email, "password": "a long enough password", "name": "Owner" }
        });
        let resp = self.post_json("/api/v1/signup", None, body).await;
        assert_eq!(
            resp.status(),
            StatusCode::CREATED,
            "{} signup: {}",
            self.backend,
            resp.text().await.unwrap()
        );
        let v: Value = resp.json().await.unwrap();
        let token = self.token(&email, "a long enough password").await;
        Org {
            id: v["organization_id"].as_str().unwrap().into(),
            token,
            email,
        }
    }

    pub async fn token(&self, email: &str, password: &str) -> String {
        let resp = self
            .post_json(
                "/api/v1/auth/token",
                None,
                json!({ "email": email, "password": password }),
            )
            .await;
        assert_eq!(
            resp.status(),
            StatusCode::OK,
            "{}",
            resp.text().await.unwrap()
        );
        let v: Value = resp.json().await.unwrap();
        v["token"].as_str().unwrap().to_string()
    }

    /// Adds a member with a role through an invitation (as the pages do) and returns a token.
    pub async fn member(&self, org: &Org, role: &str) -> String {
        let p = shirube_web::auth::resolve(&bearer_headers(&org.token), &self.state)
            .await
            .unwrap()
            .unwrap();
        let n = unique();
        let email = format!("{role}{n}@example.jp");
        let invite = shirube_app::accounts::invite(&self.state, &p, &email, role)
            .await
            .unwrap();
        shirube_app::accounts::accept_invitation(
            &self.state,
            &invite,
            "Member",
            "another long password",
        )
        .await
        .unwrap();
        self.token(&email, "another long password").await
    }

    pub async fn create_assessment(&self, token: &str, level: u8) -> String {
        let resp = self
            .post_json(
                "/api/v1/assessments",
                Some(token),
                json!({ "target_level": level }),
            )
            .await;
        assert_eq!(
            resp.status(),
            StatusCode::CREATED,
            "{}",
            resp.text().await.unwrap()
        );
        let v: Value = resp.json().await.unwrap();
        v["id"].as_str().unwrap().to_string()
    }

    pub async fn answer(&self, token: &str, id: &str, criterion: &str, body: Value) -> Response {
        self.put_json(
            &format!("/api/v1/assessments/{id}/answers/{criterion}"),
            token,
            body,
        )
        .await
    }

    /// The evaluation body finds every ★4 criterion of evaluation `ev` conform.
    pub async fn conform_every_criterion(&self, ev: &str, body_token: &str) {
        for c in self.criteria(4) {
            let r = self
                .put_json(
                    &format!("/api/v1/evaluations/{ev}/findings/{c}"),
                    body_token,
                    json!({ "verdict": "conform" }),
                )
                .await;
            assert_eq!(r.status(), StatusCode::NO_CONTENT, "finding on {c}");
        }
    }

    pub fn criteria(&self, level: u8) -> Vec<String> {
        let level = if level == 3 {
            shirube_catalog::StarLevel::Three
        } else {
            shirube_catalog::StarLevel::Four
        };
        self.state
            .catalog
            .criteria_for(level)
            .map(|c| c.id.to_string())
            .collect()
    }
}

pub fn bearer_headers(token: &str) -> reqwest::header::HeaderMap {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert("authorization", format!("Bearer {token}").parse().unwrap());
    h
}

pub struct Org {
    pub id: shirube_app::views::OrganizationId,
    pub token: String,
    pub email: String,
}

/// Asserts a problem+json response with this status naming this field.
pub async fn assert_problem(resp: Response, status: StatusCode, field: &str) -> Value {
    assert_eq!(resp.status(), status);
    assert_eq!(resp.headers()["content-type"], "application/problem+json");
    let v: Value = resp.json().await.unwrap();
    let fields: Vec<&str> = v["errors"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default();
    assert!(fields.contains(&field), "expected field {field} in {v}");
    v
}

/// A minimal SMTP sink: accepts every message and hands its text to the test.
pub async fn smtp_sink() -> (u16, tokio::sync::mpsc::UnboundedReceiver<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                let _ = w.write_all(b"220 sink ESMTP\r\n").await;
                let mut data = None::<String>;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(buf) = data.as_mut() {
                        if line == "." {
                            let _ = tx.send(data.take().unwrap_or_default());
                            let _ = w.write_all(b"250 OK\r\n").await;
                        } else {
                            buf.push_str(&line);
                            buf.push('\n');
                        }
                        continue;
                    }
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250 sink\r\n"
                    } else if upper.starts_with("DATA") {
                        data = Some(String::new());
                        b"354 go ahead\r\n"
                    } else if upper.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    let _ = w.write_all(reply).await;
                }
            });
        }
    });
    (port, rx)
}

/// An organisation's corporate number, as another organisation types it.
pub async fn number(app: &TestApp, org: &Org) -> String {
    app.state
        .store()
        .organization(&org.id)
        .await
        .unwrap()
        .corporate_number
}
