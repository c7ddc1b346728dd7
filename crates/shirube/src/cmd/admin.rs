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
    /// Designate an organisation as an SCS evaluation body; its users become assessors.
    GrantAssessor {
        #[command(flatten)]
        store: StoreArgs,
        /// The organisation's 13-digit corporate number (it must have signed up).
        #[arg(long)]
        corporate_number: String,
        /// Withdraw the designation instead.
        #[arg(long)]
        revoke: bool,
    },
    /// Mark an organisation as an industry group (業界団体): it may invite members and see
    /// on which suppliers several consenting members depend (counts only).
    GrantIndustryGroup {
        #[command(flatten)]
        store: StoreArgs,
        /// The organisation's 13-digit corporate number (it must have signed up).
        #[arg(long)]
        corporate_number: String,
        /// Withdraw the mark instead (memberships are kept but the group sees nothing).
        #[arg(long)]
        revoke: bool,
    },
    /// Mark an organisation as a technical verification provider (★4: a vulnerability-
    /// assessment or penetration-test firm): suppliers may invite it to their ★4 submissions,
    /// where it attaches its report and statement for the evaluation body.
    GrantVerifier {
        #[command(flatten)]
        store: StoreArgs,
        /// The organisation's 13-digit corporate number (it must have signed up).
        #[arg(long)]
        corporate_number: String,
        /// Withdraw the mark instead (it then reads and attaches nothing).
        #[arg(long)]
        revoke: bool,
    },
    /// Approve a security expert after checking their qualification against the public
    /// register (情報処理安全確保支援士 / SCS training), or withdraw the approval: open
    /// engagements end and future confirmations are refused; earlier ones keep their date.
    ApproveExpert {
        #[command(flatten)]
        store: StoreArgs,
        /// The e-mail address the expert signed up with.
        #[arg(long)]
        email: String,
        /// Withdraw the approval instead.
        #[arg(long)]
        revoke: bool,
    },
    /// Mark an organisation as a publisher (a ministry, agency or IPA): its members edit the
    /// public roadmap and publish the half-yearly releases.
    GrantPublisher {
        #[command(flatten)]
        store: StoreArgs,
        /// The organisation's 13-digit corporate number (it must have signed up).
        #[arg(long)]
        corporate_number: String,
        /// Withdraw the mark instead (its measures and releases stay published).
        #[arg(long)]
        revoke: bool,
    },
    /// Add a new credential signing key; older keys stay in the DID document so that
    /// credentials signed with them still verify. Restart the server to sign with it.
    RotateKey {
        #[arg(long, default_value = "./shirube-data", env = "SHIRUBE_DATA_DIR")]
        data_dir: PathBuf,
    },
    /// Revoke any credential (platform administrator), with a reason.
    RevokeCredential {
        #[command(flatten)]
        store: StoreArgs,
        /// The credential id (a UUID, as on the certificate).
        #[arg(long)]
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Fill a database with many organisations for benchmarks (bench/web.sh).
    #[command(hide = true)]
    BenchSeed(super::bench_seed::BenchSeedArgs),
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
        let url = self
            .database
            .clone()
            .unwrap_or_else(|| shirube_store::sqlite_url_for(&self.data_dir));
        if self.database.is_none() && !self.data_dir.join("shirube.db").exists() {
            anyhow::bail!(
                "no database in {} (use --data-dir or --database)",
                self.data_dir.display()
            );
        }
        Store::open(&url, &shirube_store::blob_dir_for(&self.data_dir))
            .await
            .context("opening the database")
    }

    /// Opens the database and finds the signed-up organisation a grant names by its
    /// corporate number (digits only; hyphens and spaces are ignored).
    async fn organization(
        &self,
        corporate_number: &str,
    ) -> anyhow::Result<(Store, shirube_store::OrganizationRow)> {
        let store = self.open().await?;
        let number: String = corporate_number
            .chars()
            .filter(|c| c.is_ascii_digit())
            .collect();
        let org = store
            .organization_by_corporate_number(&number)
            .await?
            .with_context(|| {
                format!("no organisation with corporate number {corporate_number} has signed up")
            })?;
        Ok((store, org))
    }
}

pub fn run(command: AdminCommand) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        match command {
            AdminCommand::BenchSeed(args) => super::bench_seed::run(args).await,
            AdminCommand::GrantAssessor { store, corporate_number, revoke } => {
                let (store, org) = store.organization(&corporate_number).await?;
                store.set_evaluation_body(&org.id, !revoke).await?;
                if revoke {
                    println!("{} ({}) is no longer an evaluation body", org.name, org.corporate_number);
                } else {
                    println!("{} ({}) is now an evaluation body; its members can work the evaluation queue", org.name, org.corporate_number);
                }
                Ok(ExitCode::SUCCESS)
            }
            AdminCommand::GrantIndustryGroup { store, corporate_number, revoke } => {
                let (store, org) = store.organization(&corporate_number).await?;
                if revoke {
                    store.revoke_industry_group(&org.id).await?;
                    println!("{} ({}) is no longer an industry group", org.name, org.corporate_number);
                } else {
                    store.designate_industry_group(&org.id).await?;
                    println!("{} ({}) is now an industry group; it can invite members on its Industry page", org.name, org.corporate_number);
                }
                Ok(ExitCode::SUCCESS)
            }
            AdminCommand::GrantVerifier { store, corporate_number, revoke } => {
                let (store, org) = store.organization(&corporate_number).await?;
                store.set_verifier(&org.id, !revoke).await?;
                if revoke {
                    println!("{} ({}) is no longer a technical verification provider", org.name, org.corporate_number);
                } else {
                    println!("{} ({}) is now a technical verification provider; suppliers can invite it to their ★4 submissions", org.name, org.corporate_number);
                }
                Ok(ExitCode::SUCCESS)
            }
            AdminCommand::ApproveExpert { store, email, revoke } => {
                // Through the application, so that a withdrawal tells both sides of every
                // engagement it ends, in their inboxes.
                store.open().await?.close().await;
                let app = shirube_app::App::open(shirube_app::Config {
                    data_dir: store.data_dir.clone(),
                    database_url: store.database.clone(),
                    public_url: std::env::var("SHIRUBE_PUBLIC_URL").unwrap_or_else(|_| "http://localhost:8080".into()),
                })
                .await
                .context("opening Shirube's data")?;
                let (expert, ended) = match shirube_app::experts::set_status(&app, &email, !revoke).await {
                    Ok(done) => done,
                    Err(shirube_app::AppError::NotFound) => anyhow::bail!("no expert has signed up with {}", email.trim()),
                    Err(shirube_app::AppError::Invalid(_)) => anyhow::bail!("--email {email:?} is not an e-mail address"),
                    Err(e) => anyhow::bail!("changing the expert's status failed: {}", e.message(shirube_catalog::Lang::En)),
                };
                app.close().await;
                if revoke {
                    println!("{} ({} {}) is withdrawn; {ended} open engagement(s) ended", expert.name, expert.qualification_kind, expert.qualification_number);
                } else {
                    println!("{} ({} {}) is approved and appears in the expert directory", expert.name, expert.qualification_kind, expert.qualification_number);
                }
                Ok(ExitCode::SUCCESS)
            }
            AdminCommand::GrantPublisher { store, corporate_number, revoke } => {
                let (store, org) = store.organization(&corporate_number).await?;
                store.set_publisher(&org.id, !revoke).await?;
                if revoke {
                    println!("{} ({}) is no longer a publisher", org.name, org.corporate_number);
                } else {
                    println!("{} ({}) is now a publisher; its members can edit the roadmap and publish releases", org.name, org.corporate_number);
                }
                Ok(ExitCode::SUCCESS)
            }
            AdminCommand::RotateKey { data_dir } => {
                let id = shirube_app::trust::rotate_key(&data_dir).context("adding a signing key")?;
                println!("new signing key {id} written to {}; restart `shirube serve` to sign with it", data_dir.join("keys").display());
                Ok(ExitCode::SUCCESS)
            }
            AdminCommand::RevokeCredential { store, id, reason } => {
                if reason.trim().is_empty() {
                    anyhow::bail!("--reason must not be empty");
                }
                let store = store.open().await?;
                let id = shirube_store::CredentialId::from(id);
                store.credential(&id).await.with_context(|| format!("no credential {id}"))?;
                if store.revoke_credential(shirube_store::Actor::system(), &id, reason.trim()).await? {
                    println!("credential {id} revoked; the status list changes at once");
                } else {
                    println!("credential {id} was already revoked");
                }
                Ok(ExitCode::SUCCESS)
            }
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
