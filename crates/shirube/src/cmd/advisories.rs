//! `shirube advisories import|stats`: build the advisory index in the data directory.
//!
//! Also home of the advisory loading that `shirube scan --advisories` shares: file and
//! folder walking, zip reading, and the choice of reader by file type.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use shirube_vuln::{Added, AdvisoryIndex, IndexBuilder, MAX_ADVISORY_BYTES};

/// File name of the index inside the data directory.
pub const INDEX_FILE: &str = "advisories.idx";

/// Default data directory, relative to the working directory.
pub const DEFAULT_DATA_DIR: &str = "shirube-data";

/// Largest OSV zip accepted; osv.dev's largest per-ecosystem archive is far below this.
const MAX_ZIP_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// Arguments of `shirube advisories`.
#[derive(Debug, clap::Args)]
pub struct AdvisoriesArgs {
    /// What to do with the advisory index.
    #[command(subcommand)]
    pub command: AdvisoriesCommand,
}

/// Subcommands of `shirube advisories`.
#[derive(Debug, clap::Subcommand)]
pub enum AdvisoriesCommand {
    /// Read OSV JSON files, folders or osv.dev all.zip archives, the PyPA database (OSV
    /// YAML) and the RustSec database (Markdown), and write the index to the data directory.
    Import(ImportArgs),
    /// Show what the index in the data directory holds.
    Stats(StatsArgs),
}

/// Arguments of `shirube advisories import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Advisory sources: OSV .json files, folders, .zip archives, PyPA or RustSec checkouts.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Directory that holds the index.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_DATA_DIR)]
    pub data_dir: PathBuf,
}

/// Arguments of `shirube advisories stats`.
#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// Directory that holds the index.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_DATA_DIR)]
    pub data_dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatsFormat::Table)]
    pub format: StatsFormat,
}

/// Output formats of `shirube advisories stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatsFormat {
    /// Human-readable lines.
    Table,
    /// One JSON object.
    Json,
}

/// Runs `shirube advisories …`; errors are printed here and become exit code 2.
pub fn run(args: AdvisoriesArgs) -> Result<ExitCode> {
    let outcome = match args.command {
        AdvisoriesCommand::Import(a) => import(&a),
        AdvisoriesCommand::Stats(a) => stats(&a),
    };
    match outcome {
        Ok(code) => Ok(code),
        Err(e) if is_broken_pipe(&e) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("error: {e:#}");
            Ok(ExitCode::from(2))
        }
    }
}

/// Whether an error is a closed stdout (`shirube … | head`), which is not a failure.
pub(crate) fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn import(args: &ImportArgs) -> Result<ExitCode> {
    let mut loader = Loader::default();
    for path in &args.paths {
        loader.add_path(path)?;
    }
    loader.print_warnings();
    if loader.builder.is_empty() {
        bail!("no advisories found in {}", display_paths(&args.paths));
    }
    let index = loader.builder.build();
    let bytes = index.to_bytes();
    fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("creating data directory {}", args.data_dir.display()))?;
    let target = args.data_dir.join(INDEX_FILE);
    let tmp = args.data_dir.join(format!("{INDEX_FILE}.tmp"));
    // Write then rename, so a concurrent `scan` never reads a half-written index.
    fs::write(&tmp, &bytes).with_context(|| format!("writing {}", tmp.display()))?;
    fs::rename(&tmp, &target).with_context(|| format!("replacing {}", target.display()))?;
    let s = index.stats();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "imported {} advisories for {} packages into {} ({} bytes); skipped {} withdrawn, {} duplicate, {} without a supported ecosystem, {} unreadable file(s)",
        s.advisories,
        s.packages,
        target.display(),
        bytes.len(),
        s.withdrawn_skipped,
        s.duplicates_skipped,
        s.unsupported_skipped,
        loader.failures,
    )?;
    Ok(ExitCode::SUCCESS)
}

fn stats(args: &StatsArgs) -> Result<ExitCode> {
    let path = args.data_dir.join(INDEX_FILE);
    let bytes = read_index_file(&path)?;
    let size = bytes.len();
    let index = AdvisoryIndex::from_vec(bytes)
        .with_context(|| format!("loading advisory index {}", path.display()))?;
    let s = index.stats();
    let mut out = std::io::stdout().lock();
    match args.format {
        StatsFormat::Json => {
            let by_ecosystem: Vec<_> = s
                .by_ecosystem
                .iter()
                .map(
                    |(e, a, p)| serde_json::json!({"ecosystem": e, "advisories": a, "packages": p}),
                )
                .collect();
            let value = serde_json::json!({
                "index": path.display().to_string(),
                "bytes": size,
                "format_version": shirube_vuln::INDEX_FORMAT_VERSION,
                "advisories": s.advisories,
                "packages": s.packages,
                "informational": s.informational,
                "by_ecosystem": by_ecosystem,
                "withdrawn_skipped": s.withdrawn_skipped,
                "duplicates_skipped": s.duplicates_skipped,
                "unsupported_skipped": s.unsupported_skipped,
            });
            writeln!(out, "{value:#}")?;
        }
        StatsFormat::Table => {
            writeln!(
                out,
                "index          {} ({} bytes, format {})",
                path.display(),
                size,
                shirube_vuln::INDEX_FORMAT_VERSION
            )?;
            writeln!(
                out,
                "advisories     {} ({} informational)",
                s.advisories, s.informational
            )?;
            writeln!(out, "packages       {}", s.packages)?;
            for (eco, advisories, packages) in &s.by_ecosystem {
                writeln!(
                    out,
                    "  {:<12} {advisories} advisories, {packages} packages",
                    eco.as_osv_str()
                )?;
            }
            writeln!(
                out,
                "skipped        {} withdrawn, {} duplicate, {} without a supported ecosystem",
                s.withdrawn_skipped, s.duplicates_skipped, s.unsupported_skipped
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn display_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn read_index_file(path: &Path) -> Result<Vec<u8>> {
    match fs::read(path) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "no advisory index at {}; run `shirube advisories import PATH…` first, or pass --advisories",
            path.display()
        ),
        Err(e) => Err(e).with_context(|| format!("reading advisory index {}", path.display())),
    }
}

/// Loads the index for `scan`: the data directory's index, or the given sources, which
/// may be an index file or anything `import` reads.
pub(crate) fn load_for_scan(sources: &[PathBuf], data_dir: &Path) -> Result<AdvisoryIndex> {
    if sources.is_empty() {
        let path = data_dir.join(INDEX_FILE);
        let bytes = read_index_file(&path)?;
        return AdvisoryIndex::from_vec(bytes)
            .with_context(|| format!("loading advisory index {}", path.display()));
    }
    if let [single] = sources {
        if single.is_file() {
            let mut head = [0u8; 8];
            let n = fs::File::open(single)
                .and_then(|mut f| f.read(&mut head))
                .with_context(|| format!("reading {}", single.display()))?;
            if AdvisoryIndex::looks_like_index(&head[..n]) {
                let bytes =
                    fs::read(single).with_context(|| format!("reading {}", single.display()))?;
                return AdvisoryIndex::from_vec(bytes)
                    .with_context(|| format!("loading advisory index {}", single.display()));
            }
        }
    }
    let mut loader = Loader::default();
    for path in sources {
        loader.add_path(path)?;
    }
    loader.print_warnings();
    if loader.builder.is_empty() {
        bail!("no advisories found in {}", display_paths(sources));
    }
    Ok(loader.builder.build())
}

/// Reads advisory sources into one builder, remembering unreadable files inside folders.
#[derive(Default)]
struct Loader {
    builder: IndexBuilder,
    failures: usize,
    warnings: Vec<String>,
}

impl Loader {
    /// Adds a path given on the command line; an unreadable top-level file is an error,
    /// an unreadable file inside a folder or zip is a warning.
    fn add_path(&mut self, path: &Path) -> Result<()> {
        let meta = fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
        if meta.is_dir() {
            return self.add_dir(path);
        }
        match self.add_file(path, Strict::Yes)? {
            true => Ok(()),
            false => bail!(
                "{}: not an advisory source (expected .json, .yaml, .yml, .md or .zip)",
                path.display()
            ),
        }
    }

    fn add_dir(&mut self, dir: &Path) -> Result<()> {
        let mut entries: Vec<PathBuf> = fs::read_dir(dir)
            .with_context(|| format!("listing {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        // A RustSec checkout keeps crate advisories in `crates/`, toolchain advisories
        // (std, cargo, rustdoc — not crates.io packages) in `rust/`, and, on its `osv`
        // branch, an OSV export of `crates/`. Read only `crates/`, as cargo-audit does for
        // a lockfile; the export would duplicate it.
        let rustsec_root =
            dir.join("crates").is_dir() && (dir.join("rust").is_dir() || dir.join("osv").is_dir());
        for path in entries {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                if rustsec_root && matches!(name, "rust" | "osv") {
                    continue;
                }
                self.add_dir(&path)?;
            } else {
                self.add_file(&path, Strict::No)?;
            }
        }
        Ok(())
    }

    /// Returns whether the file was an advisory source.
    fn add_file(&mut self, path: &Path, strict: Strict) -> Result<bool> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        if !matches!(ext.as_str(), "json" | "yaml" | "yml" | "md" | "zip") {
            return Ok(false);
        }
        if ext == "zip" {
            self.add_zip(path)?;
            return Ok(true);
        }
        let len = fs::metadata(path)
            .with_context(|| format!("reading {}", path.display()))?
            .len();
        if len > MAX_ADVISORY_BYTES as u64 {
            return self
                .fail(
                    path,
                    strict,
                    format!("{len} bytes, more than the {MAX_ADVISORY_BYTES}-byte limit"),
                )
                .map(|()| true);
        }
        let bytes = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        if ext == "md" && !bytes.trim_ascii_start().starts_with(b"```toml") {
            // READMEs and other prose in a database checkout.
            if strict == Strict::Yes {
                bail!(
                    "{}: not a RustSec advisory (no leading ```toml block)",
                    path.display()
                );
            }
            return Ok(true);
        }
        let outcome = match ext.as_str() {
            "json" => self.builder.add_osv_json(&bytes).map(|_| ()),
            "md" => self.builder.add_rustsec_md(&bytes).map(|_: Added| ()),
            _ => self.builder.add_osv_yaml(&bytes).map(|_: Added| ()),
        };
        if let Err(e) = outcome {
            self.fail(path, strict, e.to_string())?;
        }
        Ok(true)
    }

    fn add_zip(&mut self, path: &Path) -> Result<()> {
        let file = fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
        let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file))
            .with_context(|| format!("{}: not a readable zip archive", path.display()))?;
        let mut total = 0u64;
        for i in 0..archive.len() {
            let mut entry = archive
                .by_index(i)
                .with_context(|| format!("{}: reading entry {i}", path.display()))?;
            if !entry.is_file() || !entry.name().to_ascii_lowercase().ends_with(".json") {
                continue;
            }
            let name = format!("{}!{}", path.display(), entry.name());
            // The declared size can lie; reading through `take` bounds memory anyway.
            let mut bytes = Vec::new();
            (&mut entry)
                .take(MAX_ADVISORY_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
                .with_context(|| format!("{name}: decompressing"))?;
            total += bytes.len() as u64;
            if total > MAX_ZIP_BYTES {
                bail!(
                    "{}: more than {MAX_ZIP_BYTES} bytes once decompressed",
                    path.display()
                );
            }
            if bytes.len() > MAX_ADVISORY_BYTES {
                self.fail(
                    Path::new(&name),
                    Strict::No,
                    "entry larger than the advisory size limit".into(),
                )?;
                continue;
            }
            if let Err(e) = self.builder.add_osv_json(&bytes) {
                self.fail(Path::new(&name), Strict::No, e.to_string())?;
            }
        }
        Ok(())
    }

    fn fail(&mut self, path: &Path, strict: Strict, reason: String) -> Result<()> {
        if strict == Strict::Yes {
            bail!("{}: {reason}", path.display());
        }
        self.failures += 1;
        self.warnings.push(format!("{}: {reason}", path.display()));
        Ok(())
    }

    fn print_warnings(&self) {
        const SHOWN: usize = 10;
        for w in self.warnings.iter().take(SHOWN) {
            eprintln!("warning: skipped {w}");
        }
        if self.warnings.len() > SHOWN {
            eprintln!(
                "warning: … and {} more unreadable file(s)",
                self.warnings.len() - SHOWN
            );
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strict {
    Yes,
    No,
}
