//! What a scanned file contains: components with ecosystem, name and version.

use std::fmt;

use serde::Serialize;

use crate::ecosystem::Ecosystem;

/// The input formats Shirube reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum InputFormat {
    /// CycloneDX JSON, specification 1.4 to 1.6.
    CycloneDx,
    /// SPDX 2.3 JSON.
    Spdx,
    /// Cargo's `Cargo.lock`.
    CargoLock,
    /// npm's `package-lock.json`, lockfile version 2 or 3.
    PackageLock,
    /// pip's `requirements.txt` (pinned `==` lines are scanned).
    Requirements,
    /// Poetry's `poetry.lock`.
    PoetryLock,
    /// uv's `uv.lock`.
    UvLock,
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InputFormat::CycloneDx => "CycloneDX JSON",
            InputFormat::Spdx => "SPDX JSON",
            InputFormat::CargoLock => "Cargo.lock",
            InputFormat::PackageLock => "package-lock.json",
            InputFormat::Requirements => "requirements.txt",
            InputFormat::PoetryLock => "poetry.lock",
            InputFormat::UvLock => "uv.lock",
        })
    }
}

/// One package found in an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    /// The ecosystem, when it is one Shirube matches (`None`: listed but not scanned).
    pub ecosystem: Option<Ecosystem>,
    /// The package name as the input writes it (`@scope/name` for scoped npm packages).
    pub name: String,
    /// The version, when the input gives one.
    pub version: Option<String>,
    /// The package URL, when the input gives one (SBOMs; lockfiles have none).
    pub purl: Option<String>,
}

/// Everything read from one input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inventory {
    /// The detected format.
    pub format: InputFormat,
    /// The name the caller gave for the input (usually its path), for reports.
    pub source: Option<String>,
    /// Components in input order.
    pub components: Vec<Component>,
    /// Things the reader noticed but could not use (unpinned requirements, bad purls…).
    pub notes: Vec<String>,
}

impl Inventory {
    pub(crate) fn new(format: InputFormat, source: Option<&str>) -> Inventory {
        Inventory {
            format,
            source: source.map(str::to_owned),
            components: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Adds a lockfile component: the ecosystem comes from the format, which has no purl.
    pub(crate) fn push_known(&mut self, ecosystem: Ecosystem, name: &str, version: &str) {
        self.components.push(Component {
            ecosystem: Some(ecosystem),
            name: name.to_owned(),
            version: Some(version.to_owned()),
            purl: None,
        });
    }
}

/// Builds a component from a package URL, or explains why the purl is unusable.
pub(crate) fn component_from_purl(
    purl: &str,
    fallback_version: Option<&str>,
) -> Result<Component, String> {
    let parsed: packageurl::PackageUrl<'_> = purl
        .parse()
        .map_err(|e| format!("purl {purl:?} is invalid: {e}"))?;
    let ecosystem = Ecosystem::from_purl_type(parsed.ty());
    let name = match parsed.namespace() {
        Some(ns) if !ns.is_empty() => format!("{ns}/{}", parsed.name()),
        _ => parsed.name().to_owned(),
    };
    let version = parsed.version().or(fallback_version).map(str::to_owned);
    Ok(Component {
        ecosystem,
        name,
        version,
        purl: Some(purl.to_owned()),
    })
}
