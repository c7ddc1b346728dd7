//! `shirube backup` and `shirube restore`: everything Shirube keeps, in one zip file.
//!
//! The archive holds `manifest.json`, one `tables/<table>.jsonl` per table (a header line with
//! the column names, then one JSON array per row), the evidence and SBOM files under
//! `blobs/`, and the credential signing keys under `keys/`. Tables are read from one
//! consistent snapshot, so a backup can run beside `shirube serve`. The format is the same for
//! SQLite and PostgreSQL, so a backup also moves a deployment from one to the other.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Args;
use serde_json::{json, Value};
use shirube_store::{AuditVerification, BackupSink, Column, Store, StoreError, TABLES};
use zip::write::SimpleFileOptions;

const FORMAT: &str = "shirube-backup";
const VERSION: u64 = 1;
/// Rows per insert batch while restoring.
const BATCH: usize = 1_000;

#[derive(Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub store: super::admin::StoreArgs,
    /// The zip file to write (it holds personal data and the signing keys: keep it safe).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// A data directory without a database or keys yet (created if missing).
    #[arg(long, default_value = "./shirube-data", env = "SHIRUBE_DATA_DIR")]
    pub data_dir: PathBuf,
    /// `postgres://…` to restore into an empty PostgreSQL database instead of SQLite.
    #[arg(long, env = "SHIRUBE_DATABASE")]
    pub database: Option<String>,
    /// The backup file written by `shirube backup`.
    pub file: PathBuf,
}

/// Writes tables into the zip as they are read.
struct ZipSink<'a> {
    zip: &'a mut zip::ZipWriter<File>,
    counts: serde_json::Map<String, Value>,
    current: Option<String>,
}

impl BackupSink for ZipSink<'_> {
    fn table(&mut self, name: &str, columns: &[Column]) -> std::io::Result<()> {
        self.zip
            .start_file(format!("tables/{name}.jsonl"), options())
            .map_err(std::io::Error::other)?;
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        writeln!(self.zip, "{}", json!(names))?;
        self.counts.insert(name.to_string(), json!(0));
        self.current = Some(name.to_string());
        Ok(())
    }

    fn row(&mut self, values: &[Value]) -> std::io::Result<()> {
        serde_json::to_writer(&mut *self.zip, values)?;
        self.zip.write_all(b"\n")?;
        if let Some(n) = self.current.as_ref().and_then(|t| self.counts.get_mut(t)) {
            *n = json!(n.as_u64().unwrap_or(0) + 1);
        }
        Ok(())
    }
}

fn options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o600)
}

/// Every regular file below `dir`, as paths relative to it.
fn files_below(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.is_file() {
                out.push(path.strip_prefix(dir)?.to_path_buf());
            }
        }
    }
    out.sort();
    Ok(out)
}

fn add_files(zip: &mut zip::ZipWriter<File>, dir: &Path, prefix: &str) -> anyhow::Result<usize> {
    let files = files_below(dir)?;
    for rel in &files {
        let name = format!("{prefix}/{}", rel.to_string_lossy().replace('\\', "/"));
        zip.start_file(name, options())?;
        let mut f =
            File::open(dir.join(rel)).with_context(|| format!("reading {}", rel.display()))?;
        std::io::copy(&mut f, zip)?;
    }
    Ok(files.len())
}

pub fn backup(args: BackupArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let store = args.store.open().await?;
        // Written next to the target and renamed at the end: no half-written backups.
        let partial = args.out.with_extension("partial");
        let file = create_private(&partial)?;
        let mut zip = zip::ZipWriter::new(file);
        let mut sink = ZipSink {
            zip: &mut zip,
            counts: serde_json::Map::new(),
            current: None,
        };
        let rows = store
            .export(&mut sink)
            .await
            .context("reading the database")?;
        let counts = std::mem::take(&mut sink.counts);
        let data_dir = &args.store.data_dir;
        let blobs = add_files(&mut zip, &shirube_store::blob_dir_for(data_dir), "blobs")?;
        let keys = add_files(&mut zip, &data_dir.join("keys"), "keys")?;
        zip.start_file("manifest.json", options())?;
        let manifest = json!({
            "format": FORMAT,
            "version": VERSION,
            "shirube": env!("CARGO_PKG_VERSION"),
            "created_at": shirube_store::now_string(),
            "tables": counts,
            "blobs": blobs,
            "keys": keys,
        });
        serde_json::to_writer_pretty(&mut zip, &manifest)?;
        zip.finish().context("finishing the zip file")?;
        std::fs::rename(&partial, &args.out)
            .with_context(|| format!("writing {}", args.out.display()))?;
        println!(
            "backed up {rows} rows in {} tables, {blobs} files and {keys} signing-key files to {}",
            TABLES.len(),
            args.out.display()
        );
        println!(
            "the file holds personal data and the signing keys: store it as securely as the server"
        );
        Ok(ExitCode::SUCCESS)
    })
}

fn create_private(path: &Path) -> anyhow::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))
}

pub fn restore(args: RestoreArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let file = File::open(&args.file).with_context(|| format!("opening {}", args.file.display()))?;
        let mut zip = zip::ZipArchive::new(file).context("the file is not a Shirube backup (not a zip file)")?;
        let manifest: Value = {
            let entry = zip
                .by_name("manifest.json")
                .context("the file is not a Shirube backup (no manifest.json)")?;
            serde_json::from_reader(entry).context("manifest.json is not valid JSON")?
        };
        if manifest["format"] != FORMAT {
            bail!("the file is not a Shirube backup (format {:?})", manifest["format"]);
        }
        if manifest["version"].as_u64() != Some(VERSION) {
            bail!("backup format version {} is not supported by this Shirube (it reads version {VERSION})", manifest["version"]);
        }
        let keys_dir = args.data_dir.join("keys");
        if !files_below(&keys_dir)?.is_empty() {
            bail!("{} already holds signing keys: restore into a fresh data directory", keys_dir.display());
        }
        std::fs::create_dir_all(&args.data_dir)
            .with_context(|| format!("creating {}", args.data_dir.display()))?;
        let url = args
            .database
            .clone()
            .unwrap_or_else(|| shirube_store::sqlite_url_for(&args.data_dir));
        let blob_dir = shirube_store::blob_dir_for(&args.data_dir);
        let store = Store::open(&url, &blob_dir).await.context("opening the database")?;

        let mut restore = match store.begin_restore().await {
            Err(StoreError::Conflict { .. }) => bail!("the database already holds data: restore into a fresh data directory or an empty database"),
            other => other.context("starting the restore")?,
        };
        for table in TABLES {
            let Ok(entry) = zip.by_name(&format!("tables/{table}.jsonl")) else {
                // A backup from an older version has no rows for tables added since.
                continue;
            };
            let mut lines = BufReader::new(entry).lines();
            let Some(header) = lines.next() else { continue };
            let names: Vec<String> = serde_json::from_str(&header?)
                .with_context(|| format!("tables/{table}.jsonl: the header is not a list of column names"))?;
            let mut batch = Vec::with_capacity(BATCH);
            for (n, line) in lines.enumerate() {
                let row: Vec<Value> = serde_json::from_str(&line?)
                    .with_context(|| format!("tables/{table}.jsonl line {}: not a JSON array", n + 2))?;
                batch.push(row);
                if batch.len() == BATCH {
                    restore.rows(table, &names, &batch).await.with_context(|| format!("restoring {table}"))?;
                    batch.clear();
                }
            }
            restore.rows(table, &names, &batch).await.with_context(|| format!("restoring {table}"))?;
        }
        let rows = restore.finish().await.context("committing the restore")?;

        let mut files = (0, 0);
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i)?;
            let Some(name) = entry.enclosed_name() else {
                bail!("the backup holds an unsafe path {:?}", entry.name());
            };
            let (target, is_key) = if let Ok(rel) = name.strip_prefix("blobs") {
                (blob_dir.join(rel), false)
            } else if let Ok(rel) = name.strip_prefix("keys") {
                (keys_dir.join(rel), true)
            } else {
                continue;
            };
            if entry.is_dir() {
                continue;
            }
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes)?;
            let mut out = create_private(&target)?;
            out.write_all(&bytes)?;
            if is_key {
                files.1 += 1;
            } else {
                files.0 += 1;
            }
        }
        match store.verify_audit().await? {
            AuditVerification::Intact { entries } => {
                println!(
                    "restored {rows} rows, {} files and {} signing-key files into {}; audit log intact ({entries} entries)",
                    files.0,
                    files.1,
                    args.data_dir.display()
                );
                Ok(ExitCode::SUCCESS)
            }
            AuditVerification::Broken { seq, reason } => {
                eprintln!("restored, but the audit log does not verify at entry {seq}: {reason} — the backup was altered");
                Ok(ExitCode::from(1))
            }
        }
    })
}
