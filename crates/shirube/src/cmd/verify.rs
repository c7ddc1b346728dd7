//! `shirube verify FILE`: checks a Shirube (or any eddsa-jcs-2022 VC 2.0) credential
//! offline; exit 0 valid, 1 not valid (including "status not checked"), 2 bad usage or
//! unreadable input.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};
use serde_json::Value;
use shirube_trust::{
    did_web_document_url, verify, CheckResult, Reason, Resolver, StatusInput, Verification,
};

#[derive(Args)]
pub struct VerifyArgs {
    /// The credential (JSON); `-` reads standard input.
    pub file: PathBuf,
    /// The issuer's DID document (did.json), needed for did:web issuers; did:key issuers
    /// resolve from the key itself.
    #[arg(long, value_name = "FILE")]
    pub did_document: Option<PathBuf>,
    /// The status list credential the credential's credentialStatus points to.
    #[arg(long, value_name = "FILE", conflicts_with = "skip_status")]
    pub status_list: Option<PathBuf>,
    /// Accept the credential without checking its revocation status.
    #[arg(long)]
    pub skip_status: bool,
    /// Verify as of this RFC 3339 time instead of now.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

fn read_json(path: &Path, what: &str) -> anyhow::Result<Value> {
    let mut text = String::new();
    if path == Path::new("-") {
        std::io::stdin()
            .read_to_string(&mut text)
            .with_context(|| format!("{what}: reading standard input"))?;
    } else {
        text = std::fs::read_to_string(path)
            .with_context(|| format!("{what} {}: cannot read", path.display()))?;
    }
    // Strict parsing: a repeated member name could make the signed value differ from the
    // one another tool displays.
    shirube_trust::parse_json(&text)
        .with_context(|| format!("{what} {}: not acceptable JSON", path.display()))
}

pub fn run(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let now: DateTime<Utc> = match &args.at {
        Some(s) => shirube_trust::parse_datetime(s).with_context(|| {
            format!("--at {s:?}: expected an RFC 3339 time such as 2026-01-01T00:00:00Z")
        })?,
        None => Utc::now(),
    };
    if args.did_document.as_deref() == Some(Path::new("-")) && args.file == Path::new("-") {
        bail!("--did-document -: standard input is already the credential");
    }
    let credential = read_json(&args.file, "credential")?;
    let resolver = match &args.did_document {
        Some(p) => {
            let doc = read_json(p, "DID document")?;
            Resolver::from_did_document(&doc)
                .with_context(|| format!("DID document {}", p.display()))?
        }
        None => Resolver::did_key_only(),
    };
    let status_doc = match &args.status_list {
        Some(p) => Some(read_json(p, "status list")?),
        None => None,
    };
    let status = match (&status_doc, args.skip_status) {
        (Some(doc), _) => StatusInput::Credential(doc),
        (None, true) => StatusInput::Skip,
        (None, false) => StatusInput::Unavailable,
    };
    let result = verify(&credential, &resolver, status, now);
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &result).context("writing the result")?;
            writeln!(out)?;
        }
        Format::Text => write_text(&mut out, &credential, &result)?,
    }
    Ok(if result.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn write_text(
    out: &mut impl Write,
    credential: &Value,
    result: &Verification,
) -> anyhow::Result<()> {
    let s = |v: &Value| v.as_str().map(str::to_string);
    let issuer = s(&credential["issuer"]).or_else(|| s(&credential["issuer"]["id"]));
    let subject = &credential["credentialSubject"];
    if let Some(id) = s(&credential["id"]) {
        writeln!(out, "credential  {id}")?;
    }
    if let Some(i) = &issuer {
        writeln!(out, "issuer      {i}")?;
    }
    if let Some(id) = s(&subject["id"]) {
        let name = s(&subject["name"]).unwrap_or_default();
        let level = subject["level"]
            .as_u64()
            .map(|l| format!("  SCS ★{l}"))
            .unwrap_or_default();
        let assurance = s(&subject["assurance"])
            .map(|a| format!(" ({a})"))
            .unwrap_or_default();
        writeln!(out, "subject     {name} {id}{level}{assurance}")?;
    }
    for c in &result.checks {
        let mark = match c.result {
            CheckResult::Passed => "ok  ",
            CheckResult::Failed => "FAIL",
            CheckResult::Skipped => "skip",
            CheckResult::NotChecked => "----",
        };
        let name = serde_json::to_value(c.check)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        match &c.detail {
            Some(d) => writeln!(out, "  {mark} {name:<12} {d}")?,
            None => writeln!(out, "  {mark} {name}")?,
        }
    }
    match &result.reason {
        None => {
            writeln!(out, "VALID")?;
            if let Some(url) = issuer.as_deref().and_then(did_web_document_url) {
                // Offline, the issuer's key is whatever DID document the user supplied.
                writeln!(out, "  note: the issuer key came from the DID document you gave; trust it only if it is {url}")?;
            }
        }
        Some(r) => {
            writeln!(out, "NOT VALID: {} — {}", r.code(), r.message())?;
            if let Reason::Malformed { field, .. } = r {
                writeln!(out, "  (field: {field})")?;
            }
            if let (Reason::UnknownIssuer { .. }, Some(url)) =
                (r, issuer.as_deref().and_then(did_web_document_url))
            {
                writeln!(out, "  hint: the issuer's DID document is published at {url}; pass it with --did-document")?;
            }
            if let Reason::StatusNotChecked { .. } = r {
                writeln!(out, "  hint: pass the status list with --status-list, or accept the risk with --skip-status")?;
            }
        }
    }
    Ok(())
}
