//! `shirube admin …`: platform administration.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use shirube_store::{AuditVerification, Store};

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Check the audit log's hash chain from the first entry to the head.
    VerifyAudit(StoreArgs),
}

#[derive(Args)]
pub struct StoreArgs {
    #[arg(long, default_value = "./shirube-data", env = "SHIRUBE_DATA_DIR")]
    pub data_dir: PathBuf,
    #[arg(long, env = "SHIRUBE_DATABASE")]
    pub database: Option<String>,
}

impl StoreArgs {
    pub async fn open(&self) -> anyhow::Result<Store> {
        let url = self.database.clone().unwrap_or_else(|| shirube_store::sqlite_url_for(&self.data_dir));
        if self.database.is_none() && !self.data_dir.join("shirube.db").exists() {
            anyhow::bail!("no database in {} (use --data-dir or --database)", self.data_dir.display());
        }
        Store::open(&url, &shirube_store::blob_dir_for(&self.data_dir)).await.context("opening the database")
    }
}

pub fn run(command: AdminCommand) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        match command {
            AdminCommand::VerifyAudit(args) => {
                let store = args.open().await?;
                match store.verify_audit().await? {
                    AuditVerification::Intact { entries } => {
                        println!("audit log intact: {entries} entries, every link verified");
                        Ok(ExitCode::SUCCESS)
                    }
                    AuditVerification::Broken { seq, reason } => {
                        println!("audit log BROKEN at entry {seq}: {reason}");
                        Ok(ExitCode::from(1))
                    }
                }
            }
        }
    })
}
