//! `shirube scan`: match SBOMs and lockfiles against the advisory index.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;

use anyhow::{bail, Context, Result};
use shirube_vuln::{detect_and_parse, Finding, ScanReport, MAX_INPUT_BYTES};

use super::advisories::{is_broken_pipe, load_for_scan, DEFAULT_DATA_DIR};

/// Arguments of `shirube scan`.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// SBOMs or lockfiles: CycloneDX or SPDX JSON, Cargo.lock, package-lock.json,
    /// requirements.txt, poetry.lock, uv.lock (detected by content).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Advisories to use instead of the data directory's index: an index file, an OSV
    /// folder, file or zip, or a PyPA / RustSec database checkout. May be repeated.
    #[arg(long, value_name = "PATH")]
    pub advisories: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormat::Table)]
    pub format: ScanFormat,
    /// Directory that holds the index written by `shirube advisories import`.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_DATA_DIR)]
    pub data_dir: PathBuf,
}

/// Output formats of `shirube scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScanFormat {
    /// Aligned columns for people.
    Table,
    /// `{"findings":[…],"warnings":[…],"problems":[…],"notes":[…],"summary":{…}}`.
    Json,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
}

/// Runs `shirube scan`: exit 0 without findings, 1 with findings, 2 on bad input.
pub fn run(args: ScanArgs) -> Result<ExitCode> {
    match scan(&args) {
        Ok(code) => Ok(code),
        Err(e) if is_broken_pipe(&e) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("error: {e:#}");
            Ok(ExitCode::from(2))
        }
    }
}

fn scan(args: &ScanArgs) -> Result<ExitCode> {
    let mut inventories = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let meta = fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
        if meta.is_dir() {
            bail!(
                "{} is a directory; give the SBOM or lockfile inside it",
                path.display()
            );
        }
        if meta.len() > MAX_INPUT_BYTES as u64 {
            bail!(
                "{}: {} bytes, more than the {MAX_INPUT_BYTES}-byte input limit",
                path.display(),
                meta.len()
            );
        }
        let bytes = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let name = path.display().to_string();
        let inventory =
            detect_and_parse(Some(&name), &bytes).with_context(|| format!("reading {name}"))?;
        inventories.push(inventory);
    }
    let index = load_for_scan(&args.advisories, &args.data_dir)?;
    let report = index.scan_all(&inventories);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        ScanFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        ScanFormat::Sarif => {
            serde_json::to_writer_pretty(&mut out, &report.to_sarif())?;
            writeln!(out)?;
        }
        ScanFormat::Table => {
            write_table(&mut out, &report)?;
            for note in &report.notes {
                eprintln!("note: {note}");
            }
            for p in &report.problems {
                let what = match (&p.version, &p.advisory_id) {
                    (Some(v), _) => format!("{} {} {v}", p.ecosystem, p.package),
                    (None, Some(a)) => format!("{} {} (advisory {a})", p.ecosystem, p.package),
                    (None, None) => format!("{} {}", p.ecosystem, p.package),
                };
                eprintln!("problem: {what}: {}", p.reason);
            }
        }
    }
    out.flush()?;
    let found = !report.findings.is_empty();
    // The process exits right after this; freeing thousands of findings and the index
    // one by one would only delay the exit (measurably, on large SBOMs).
    std::mem::forget((report, inventories, index));
    Ok(if !found {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn write_table(out: &mut impl Write, report: &ScanReport) -> Result<()> {
    let many_inputs = report.summary.inputs > 1;
    let mut rows: Vec<[String; 7]> = Vec::new();
    let header = [
        "PACKAGE", "VERSION", "ADVISORY", "ALIASES", "SEVERITY", "FIXED", "SUMMARY",
    ];
    let all = report.findings.iter().chain(report.warnings.iter());
    // Many findings share an advisory; score each CVSS vector once.
    let mut severities: HashMap<&str, String> = HashMap::new();
    for f in all {
        rows.push(row(f, many_inputs, &mut severities));
    }
    if !rows.is_empty() {
        let mut widths = header.map(str::len);
        for r in &rows {
            for (w, cell) in widths.iter_mut().zip(r.iter()) {
                *w = (*w).max(cell.chars().count());
            }
        }
        // Cells are written straight to the buffered output, padded to their column.
        let mut line = |cells: &[&str]| -> std::io::Result<()> {
            let last = cells.len() - 1;
            for (i, cell) in cells.iter().enumerate() {
                if i == last {
                    writeln!(out, "{cell}")?;
                } else {
                    // Padding through `{:pad$}` goes through the formatter one char at
                    // a time, which dominated large tables; spaces are copied in slices.
                    const SPACES: &str =
                        "                                                                ";
                    let mut pad = widths[i] - cell.chars().count() + 2;
                    out.write_all(cell.as_bytes())?;
                    while pad > 0 {
                        let n = pad.min(SPACES.len());
                        out.write_all(&SPACES.as_bytes()[..n])?;
                        pad -= n;
                    }
                }
            }
            Ok(())
        };
        line(&header)?;
        for r in &rows {
            line(&r.each_ref().map(String::as_str))?;
        }
        writeln!(out)?;
    }
    let s = &report.summary;
    writeln!(
        out,
        "{} finding(s) from {} advisory(ies) in {} vulnerable package(s); {} of {} component(s) scanned; {} warning(s); {} problem(s); {} advisories in the index",
        s.findings, s.advisories, s.vulnerable_packages, s.scanned, s.components, s.warnings, s.problems, s.index_advisories
    )?;
    Ok(())
}

fn row<'a>(
    f: &'a Finding,
    with_source: bool,
    severities: &mut HashMap<&'a str, String>,
) -> [String; 7] {
    let package = if with_source {
        format!("{} ({})", f.package, f.source.as_deref().unwrap_or("-"))
    } else {
        f.package.clone()
    };
    let severity = match (&f.informational, &f.severity) {
        (Some(kind), _) => kind.clone(),
        (None, Some(sev)) => severities
            .entry(sev.as_str())
            .or_insert_with(|| readable_severity(sev))
            .clone(),
        (None, None) => "-".into(),
    };
    let aliases = if f.aliases.is_empty() {
        "-".into()
    } else {
        f.aliases.join(",")
    };
    let fixed = if f.fixed.is_empty() {
        "-".into()
    } else {
        f.fixed.join(", ")
    };
    let summary = f.summary.as_deref().unwrap_or("-");
    let summary = if summary.chars().count() > 70 {
        format!("{}…", summary.chars().take(69).collect::<String>())
    } else {
        summary.to_owned()
    };
    [
        package,
        f.version.clone(),
        f.advisory_id.clone(),
        aliases,
        severity,
        fixed,
        summary,
    ]
}

/// A CVSS vector becomes "9.8 critical"; anything else is shown as given.
fn readable_severity(sev: &str) -> String {
    match cvss::Cvss::from_str(sev) {
        Ok(cvss) => {
            let score = cvss.score();
            format!("{score:.1} {}", cvss.severity()).to_lowercase()
        }
        Err(_) => sev.to_owned(),
    }
}
