//! `shirube intel …`: threat intelligence from the command line (loading a STIX bundle
//! such as MITRE ATT&CK for ICS into an industry group's collection).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use shirube_app::{App, Config};

#[derive(Subcommand)]
pub enum IntelCommand {
    /// Load a STIX 2.1 bundle (or TAXII envelope) into a collection, as its industry group.
    /// Each object is validated alone; exit 1 when some were refused (they are listed).
    Import {
        /// The bundle file (JSON).
        file: PathBuf,
        /// The collection's id (from the group's Intelligence page or
        /// `GET /api/v1/intel/collections`).
        #[arg(long)]
        collection: String,
        #[arg(long, default_value = "./shirube-data", env = "SHIRUBE_DATA_DIR")]
        data_dir: PathBuf,
        #[arg(long, env = "SHIRUBE_DATABASE")]
        database: Option<String>,
    },
}

pub fn run(command: IntelCommand) -> anyhow::Result<ExitCode> {
    let IntelCommand::Import {
        file,
        collection,
        data_dir,
        database,
    } = command;
    let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
    if database.is_none() && !data_dir.join("shirube.db").exists() {
        anyhow::bail!(
            "no database in {} (use --data-dir or --database)",
            data_dir.display()
        );
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let config = Config {
            data_dir,
            database_url: database,
            public_url: "http://localhost".into(),
        };
        let app = App::open(config).await.context("opening Shirube's data")?;
        let status = shirube_app::intel::import(&app, &collection, &bytes)
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "{}",
                    e.message(shirube_catalog::Lang::En)
                        + &e.field_messages(shirube_catalog::Lang::En)
                            .into_iter()
                            .map(|(f, m)| format!(" {f}: {m}"))
                            .collect::<String>()
                )
            })
            .with_context(|| {
                format!("importing {} into collection {collection}", file.display())
            })?;
        let details: serde_json::Value = serde_json::from_str(&status.details).unwrap_or_default();
        println!(
            "{} of {} objects stored in collection {collection} ({} refused)",
            status.success_count, status.total_count, status.failure_count
        );
        for f in details["failures"].as_array().into_iter().flatten() {
            println!(
                "refused {}: {}",
                f["id"].as_str().unwrap_or("(no id)"),
                f["message"].as_str().unwrap_or("")
            );
        }
        Ok(if status.failure_count > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    })
}
