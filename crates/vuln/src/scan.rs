//! Matching an inventory against the index, and the report it produces.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::advisory::AffectedRange;
use crate::ecosystem::Ecosystem;
use crate::index::{AdvisoryIndex, AdvisoryMeta, AffectedEntry};
use crate::inventory::Inventory;
use crate::rustsec_req::UnaffectedInterval;
use crate::version::{OsvRange, ParsedVersion, Scheme, VersionError};

/// One vulnerable component: a package version inside an advisory's affected versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The package's ecosystem.
    pub ecosystem: Ecosystem,
    /// The package name as the input writes it.
    pub package: String,
    /// The installed version.
    pub version: String,
    /// The advisory id.
    pub advisory_id: String,
    /// Other ids of the same vulnerability.
    pub aliases: Vec<String>,
    /// One-line summary.
    pub summary: Option<String>,
    /// Severity as given (a CVSS vector or a word), when the advisory gives one.
    pub severity: Option<String>,
    /// Versions (or, for RustSec, version requirements) that fix it.
    pub fixed: Vec<String>,
    /// RustSec informational kind; only set on warnings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub informational: Option<String>,
    /// The input the component came from.
    #[serde(skip)]
    pub source: Option<String>,
}

/// Something the scan could not decide, reported instead of silently skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The package's ecosystem.
    pub ecosystem: Ecosystem,
    /// The package name.
    pub package: String,
    /// The component version, when the problem is about it.
    pub version: Option<String>,
    /// The advisory, when the problem is in its data.
    pub advisory_id: Option<String>,
    /// What went wrong.
    pub reason: String,
    /// The input the component came from.
    #[serde(skip)]
    pub source: Option<String>,
}

/// Totals of a scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanSummary {
    /// Inputs scanned.
    pub inputs: usize,
    /// Components listed in the inputs.
    pub components: usize,
    /// Components matched against advisories (supported ecosystem and a version).
    pub scanned: usize,
    /// Components not matched: no supported package URL, or no version.
    pub not_scanned: usize,
    /// Distinct vulnerable package versions.
    pub vulnerable_packages: usize,
    /// Number of findings.
    pub findings: usize,
    /// Distinct advisories among the findings.
    pub advisories: usize,
    /// Informational advisories matched (RustSec unmaintained/unsound/notice).
    pub warnings: usize,
    /// Versions or advisory ranges that could not be evaluated.
    pub problems: usize,
    /// Advisories in the index used.
    pub index_advisories: usize,
}

/// The result of a scan. It serialises to the documented JSON shape and reads back from
/// it, so a stored report can be shown again without rescanning (input sources are not
/// part of the JSON and come back empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanReport {
    /// Vulnerabilities found.
    pub findings: Vec<Finding>,
    /// Informational advisories that apply (not counted as findings).
    pub warnings: Vec<Finding>,
    /// Versions and ranges that could not be evaluated.
    pub problems: Vec<Problem>,
    /// Notes from reading the inputs.
    pub notes: Vec<String>,
    /// Totals.
    pub summary: ScanSummary,
}

enum CompiledRange {
    Osv(Scheme, OsvRange),
    /// Unaffected intervals; affected when none holds the version.
    RustSec(Vec<UnaffectedInterval>),
}

struct CompiledAffected {
    advisory: u32,
    listed: Vec<(Option<ParsedVersion>, String)>,
    ranges: Vec<CompiledRange>,
    fixed: Vec<String>,
}

/// Parses a package's ranges and listed versions once per scan.
fn compile(
    index: &AdvisoryIndex,
    pos: usize,
    problems: &mut Vec<Problem>,
    source: Option<&str>,
) -> Vec<CompiledAffected> {
    let Some((ecosystem, name, decoded)) = index.package_entries(pos) else {
        return Vec::new();
    };
    let entries: Vec<AffectedEntry> = match decoded {
        Ok(entries) => entries,
        Err(reason) => {
            problems.push(Problem {
                ecosystem,
                package: name.to_owned(),
                version: None,
                advisory_id: None,
                reason: format!("advisory index entry is corrupt ({reason}); re-run `shirube advisories import`"),
                source: source.map(str::to_owned),
            });
            return Vec::new();
        }
    };
    let eco_scheme = Scheme::for_ecosystem(ecosystem);
    let mut out = Vec::with_capacity(entries.len());
    for affected in &entries {
        let mut report = |reason: String| {
            let advisory_id = index.advisory(affected.advisory as usize).map(|a| a.id);
            problems.push(Problem {
                ecosystem,
                package: name.to_owned(),
                version: None,
                advisory_id: advisory_id.clone(),
                reason,
                source: source.map(str::to_owned),
            })
        };
        let listed = affected
            .versions
            .split('\n')
            .filter(|v| !v.is_empty())
            .map(|v| (ParsedVersion::parse(eco_scheme, v).ok(), v.to_owned()))
            .collect();
        let mut ranges = Vec::with_capacity(affected.ranges.len());
        let mut fixed = Vec::new();
        for range in &affected.ranges {
            let (scheme, events) = match range {
                AffectedRange::Ecosystem(events) => (eco_scheme, events),
                AffectedRange::SemVer(events) => (Scheme::SemVer, events),
                AffectedRange::RustSec {
                    patched,
                    unaffected,
                } => {
                    fixed.extend(patched.iter().cloned());
                    let intervals: Result<Vec<_>, String> = unaffected
                        .iter()
                        .chain(patched)
                        .map(|r| UnaffectedInterval::parse(r))
                        .collect();
                    match intervals {
                        Ok(intervals) => ranges.push(CompiledRange::RustSec(intervals)),
                        Err(e) => report(format!("range not evaluated: {e}")),
                    }
                    continue;
                }
            };
            fixed.extend(
                events
                    .iter()
                    .filter(|e| e.kind == crate::version::EventKind::Fixed)
                    .map(|e| e.version.clone()),
            );
            match OsvRange::compile(scheme, events) {
                Ok(r) => ranges.push(CompiledRange::Osv(scheme, r)),
                Err(e) => report(format!("range not evaluated: {e}")),
            }
        }
        fixed.dedup();
        out.push(CompiledAffected {
            advisory: affected.advisory,
            listed,
            ranges,
            fixed,
        });
    }
    out
}

impl AdvisoryIndex {
    /// Matches one inventory against the index.
    pub fn scan(&self, inventory: &Inventory) -> ScanReport {
        self.scan_all(std::slice::from_ref(inventory))
    }

    /// Matches several inventories (one per input file) in one report.
    pub fn scan_all(&self, inventories: &[Inventory]) -> ScanReport {
        let mut report = ScanReport::default();
        // Indexed by directory position and advisory number: plain vectors, no hashing.
        let mut compiled: Vec<Option<Vec<CompiledAffected>>> = Vec::new();
        compiled.resize_with(self.package_count(), || None);
        let mut metas: Vec<Option<Option<AdvisoryMeta>>> = vec![None; self.len()];
        let mut seen: HashSet<(Option<&str>, usize, &str, u32)> = HashSet::new();
        report.summary.inputs = inventories.len();
        report.summary.index_advisories = self.len();
        for inv in inventories {
            let source = inv.source.as_deref();
            let prefix = source.map(|s| format!("{s}: ")).unwrap_or_default();
            report
                .notes
                .extend(inv.notes.iter().map(|n| format!("{prefix}{n}")));
            let mut unsupported = 0usize;
            for c in &inv.components {
                report.summary.components += 1;
                let (Some(eco), Some(version)) = (c.ecosystem, c.version.as_deref()) else {
                    report.summary.not_scanned += 1;
                    unsupported += 1;
                    continue;
                };
                report.summary.scanned += 1;
                let normalized = eco.normalize_name(&c.name);
                let eco_scheme = Scheme::for_ecosystem(eco);
                let raw = version.trim();
                let Some(pkg) = self.package(eco, &normalized) else {
                    continue;
                };
                let parsed = ParsedVersion::parse(eco_scheme, raw);
                // Only where advisories exist does an unreadable version hide an answer.
                if let Err(e) = &parsed {
                    report.problems.push(Problem {
                        ecosystem: eco,
                        package: c.name.clone(),
                        version: Some(version.to_owned()),
                        advisory_id: None,
                        reason: format!(
                            "{e}; only exact matches with listed versions were checked"
                        ),
                        source: source.map(str::to_owned),
                    });
                }
                let Some(slot) = compiled.get_mut(pkg) else {
                    continue;
                };
                let entries =
                    slot.get_or_insert_with(|| compile(self, pkg, &mut report.problems, source));
                let mut semver_parsed: Option<Result<ParsedVersion, VersionError>> = None;
                let mut hits: BTreeMap<u32, Vec<String>> = BTreeMap::new();
                for entry in entries.iter() {
                    let listed = entry.listed.iter().any(|(lp, lraw)| match (lp, &parsed) {
                        (Some(lp), Ok(v)) => lp == v,
                        _ => lraw == raw,
                    });
                    let in_range = listed
                        || entry.ranges.iter().any(|r| match r {
                            CompiledRange::Osv(scheme, range) => {
                                let v = if *scheme == eco_scheme {
                                    parsed.as_ref().ok()
                                } else {
                                    semver_parsed
                                        .get_or_insert_with(|| ParsedVersion::parse(*scheme, raw))
                                        .as_ref()
                                        .ok()
                                };
                                v.is_some_and(|v| range.contains(v))
                            }
                            CompiledRange::RustSec(intervals) => match &parsed {
                                Ok(ParsedVersion::SemVer(v)) => {
                                    !intervals.iter().any(|i| i.contains(v))
                                }
                                _ => false,
                            },
                        });
                    if in_range {
                        let fixed = hits.entry(entry.advisory).or_default();
                        for f in &entry.fixed {
                            if !fixed.contains(f) {
                                fixed.push(f.clone());
                            }
                        }
                    }
                }
                for (adv, fixed) in hits {
                    if !seen.insert((source, pkg, raw, adv)) {
                        continue;
                    }
                    let Some(slot) = metas.get_mut(adv as usize) else {
                        continue;
                    };
                    let meta = slot.get_or_insert_with(|| self.advisory(adv as usize));
                    let Some(meta) = meta.as_ref() else { continue };
                    let finding = Finding {
                        ecosystem: eco,
                        package: c.name.clone(),
                        version: version.to_owned(),
                        advisory_id: meta.id.clone(),
                        aliases: meta.aliases.clone(),
                        summary: meta.summary.clone(),
                        severity: meta.severity.clone(),
                        fixed,
                        informational: meta.informational.clone(),
                        source: source.map(str::to_owned),
                    };
                    if finding.informational.is_some() {
                        report.warnings.push(finding);
                    } else {
                        report.findings.push(finding);
                    }
                }
            }
            if unsupported > 0 {
                report.notes.push(format!(
                    "{prefix}{unsupported} component(s) have no version or no PyPI/crates.io/npm \
                     package URL and were not scanned"
                ));
            }
        }
        let order = |a: &Finding, b: &Finding| {
            (
                &a.source,
                a.ecosystem,
                &a.package,
                &a.version,
                &a.advisory_id,
            )
                .cmp(&(
                    &b.source,
                    b.ecosystem,
                    &b.package,
                    &b.version,
                    &b.advisory_id,
                ))
        };
        report.findings.sort_by(order);
        report.warnings.sort_by(order);
        let s = &mut report.summary;
        s.findings = report.findings.len();
        s.warnings = report.warnings.len();
        s.problems = report.problems.len();
        s.advisories = report
            .findings
            .iter()
            .map(|f| &f.advisory_id)
            .collect::<HashSet<_>>()
            .len();
        s.vulnerable_packages = report
            .findings
            .iter()
            .map(|f| (&f.source, f.ecosystem, &f.package, &f.version))
            .collect::<HashSet<_>>()
            .len();
        report
    }
}

impl ScanReport {
    /// The report as a SARIF 2.1.0 log: one rule per advisory, one result per finding
    /// (level `error`) or warning (level `warning`), located at the input file.
    pub fn to_sarif(&self) -> Value {
        let mut rules: BTreeMap<&str, Value> = BTreeMap::new();
        let mut results = Vec::new();
        let all = self
            .findings
            .iter()
            .map(|f| (f, "error"))
            .chain(self.warnings.iter().map(|f| (f, "warning")));
        for (f, level) in all {
            rules.entry(f.advisory_id.as_str()).or_insert_with(|| {
                let mut rule = json!({
                    "id": f.advisory_id,
                    "shortDescription": { "text": f.summary.clone().unwrap_or_else(|| f.advisory_id.clone()) },
                    "helpUri": format!("https://osv.dev/vulnerability/{}", f.advisory_id),
                    "properties": { "tags": ["security", "vulnerability"], "aliases": f.aliases },
                });
                if let (Some(sev), Some(props)) = (&f.severity, rule.get_mut("properties")) {
                    props["severity"] = json!(sev);
                }
                rule
            });
            let fixed = if f.fixed.is_empty() {
                "no fixed version is known".to_owned()
            } else {
                format!("fixed in {}", f.fixed.join(", "))
            };
            let aliases = if f.aliases.is_empty() {
                String::new()
            } else {
                format!(" ({})", f.aliases.join(", "))
            };
            let text = format!(
                "{} {} {} is affected by {}{}: {}; {}.",
                f.ecosystem,
                f.package,
                f.version,
                f.advisory_id,
                aliases,
                f.summary.as_deref().unwrap_or("no summary"),
                fixed
            );
            let purl = format!(
                "pkg:{}/{}@{}",
                f.ecosystem.purl_type(),
                f.package.replace('@', "%40"),
                f.version
            );
            results.push(json!({
                "ruleId": f.advisory_id,
                "level": level,
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": f.source.clone().unwrap_or_else(|| "input".into()) }
                    },
                    "logicalLocations": [{ "name": f.package, "fullyQualifiedName": purl, "kind": "package" }]
                }],
            }));
        }
        json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "shirube",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules.into_values().collect::<Vec<_>>(),
                }},
                "results": results,
            }],
        })
    }
}
