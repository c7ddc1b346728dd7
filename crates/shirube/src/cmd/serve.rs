//! `shirube serve`: run the web application and JSON API.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use shirube_app::{App, Config};
use shirube_web::AppState;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "SHIRUBE_BIND")]
    pub bind: SocketAddr,
    /// Directory for the SQLite database (by default) and evidence files.
    #[arg(long, default_value = "./shirube-data", env = "SHIRUBE_DATA_DIR")]
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://USER@HOST/DB`; default: the SQLite file in --data-dir.
    #[arg(long, env = "SHIRUBE_DATABASE")]
    pub database: Option<String>,
    /// The URL people use to reach Shirube (decides Secure cookies and allowed origins).
    #[arg(long, env = "SHIRUBE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Send notification e-mails through this SMTP relay (smtp://host:port); off by default.
    #[arg(long, env = "SHIRUBE_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender address of notification e-mails.
    #[arg(long, env = "SHIRUBE_MAIL_FROM", default_value = "shirube@localhost")]
    pub mail_from: String,
    /// Validity of credentials from a ★3 self-declaration, in days.
    #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(i64).range(1..=3650))]
    pub self_declared_validity_days: i64,
    /// Validity of credentials from a ★4 third-party certification, in days.
    #[arg(long, default_value_t = 1095, value_parser = clap::value_parser!(i64).range(1..=3650))]
    pub third_party_validity_days: i64,
    /// Seed a small demo world and print its logins.
    #[arg(long)]
    pub demo: bool,
    /// With --demo: a STIX 2.1 bundle to load into the demo industry group's collection,
    /// e.g. MITRE ATT&CK for ICS (ics-attack.json from mitre-attack/attack-stix-data; not
    /// shipped with Shirube).
    #[arg(long, env = "SHIRUBE_DEMO_ATTACK", value_name = "FILE")]
    pub demo_attack: Option<PathBuf>,
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    super::init_tracing();
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let public_url = args.public_url.clone().unwrap_or_else(|| {
            let host = if args.bind.ip().is_unspecified() {
                "localhost".to_string()
            } else {
                args.bind.ip().to_string()
            };
            format!("http://{host}:{}", args.bind.port())
        });
        let config = Config {
            data_dir: args.data_dir.clone(),
            database_url: args.database.clone(),
            public_url: public_url.clone(),
        };
        let mut app = App::open(config).await.context("opening Shirube's data")?;
        app.validity = shirube_app::trust::ValidityPolicy {
            self_declared_days: args.self_declared_validity_days,
            third_party_days: args.third_party_validity_days,
        };
        if let Some(url) = &args.smtp_url {
            app.mailer = Some(std::sync::Arc::new(
                shirube_app::notifications::Mailer::new(url, &args.mail_from)?,
            ));
        }
        if args.demo {
            let logins = shirube_app::demo::seed(&app)
                .await
                .map_err(|e| anyhow::anyhow!("seeding the demo: {e:?}"))?;
            println!(
                "Demo accounts (password: {}):",
                shirube_app::demo::DEMO_PASSWORD
            );
            for l in logins {
                println!("  {:<32} {}  — {}", l.email, l.organization, l.what);
            }
            if let Some(path) = &args.demo_attack {
                let bundle =
                    std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
                let status = shirube_app::demo::load_intel(&app, &bundle)
                    .await
                    .map_err(|e| {
                        anyhow::anyhow!("loading {} into the demo: {e:?}", path.display())
                    })?;
                println!(
                    "Loaded {} into the demo industry group's collection: {} objects, {} refused",
                    path.display(),
                    status.success_count,
                    status.failure_count
                );
            }
        }
        println!("Shirube is listening on {public_url}  (Ctrl-C to stop)");
        shirube_web::serve(AppState::new(app), args.bind)
            .await
            .context("serving")?;
        Ok(ExitCode::SUCCESS)
    })
}
