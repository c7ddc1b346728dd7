//! From intelligence to action: a `vulnerability` (its CVE ids, matched against the findings
//! the advisory index gave each stored scan), a `software` object naming a package (a
//! package URL or a CPE, matched against the scan's components) or an `indicator` whose STIX
//! pattern compares `software` properties (evaluated with each component of the scan as a
//! `software` observable; a pattern whose outcome depends on what a scan cannot show is "not
//! evaluable", logged and counted, never a match) is matched against the stored scans of the
//! members who may read it; each newly exposed member gets an inbox
//! notification (and mail) naming the component and the scan. For markings other than
//! CLEAR and GREEN the text names no object (Shirube forwards nothing beyond the collection).
//! New uploads are matched against the intelligence their organisation may read.

use std::collections::{BTreeSet, HashSet};

use shirube_stix::pattern::{derived_cpe, Pattern, Software, Verdict};
use shirube_store::{
    IntelExposureRow, IntelQuery, MemberAccess, NotificationKind, Reader, ScanRow, VersionMatch,
};
use shirube_vuln::{Component, ScanReport};

use crate::error::AppError;
use crate::notifications::{kick, to_org};
use crate::App;

/// An object that may expose members.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub collection_id: shirube_store::IntelCollectionId,
    pub collection_title: String,
    pub object_id: String,
    pub name: String,
    pub marking: String,
    pub cves: Vec<String>,
    pub packages: Vec<String>,
    /// An indicator's STIX pattern.
    pub pattern: Option<Pattern>,
}

impl Candidate {
    pub fn matters(&self) -> bool {
        !self.cves.is_empty()
            || !self.packages.is_empty()
            || self
                .pattern
                .as_ref()
                .is_some_and(Pattern::mentions_software)
    }

    fn forwardable(&self) -> bool {
        self.marking == "clear" || self.marking == "green"
    }
}

/// `pkg:type/namespace/name` in lower case, and the version if the purl gives one.
fn purl_base(purl: &str) -> (String, Option<String>) {
    let no_sub = purl.split('#').next().unwrap_or("");
    let no_qual = no_sub.split('?').next().unwrap_or("");
    match no_qual.rsplit_once('@') {
        // An `@` in the namespace of npm scopes comes after a `/`; the version's is last.
        Some((base, v)) if !v.contains('/') && !v.is_empty() => {
            (base.to_ascii_lowercase(), Some(v.to_string()))
        }
        _ => (no_qual.to_ascii_lowercase(), None),
    }
}

/// Whether a component is the package the object names.
fn component_matches(package: &str, c: &Component) -> bool {
    if package.starts_with("pkg:") {
        let (want, want_version) = purl_base(package);
        let (have, have_version) = match (&c.purl, c.ecosystem) {
            (Some(p), _) => purl_base(p),
            (None, Some(eco)) => (
                format!("pkg:{}/{}", eco.purl_type(), c.name).to_ascii_lowercase(),
                c.version.clone(),
            ),
            (None, None) => return false,
        };
        let version_ok = match (&want_version, have_version.or_else(|| c.version.clone())) {
            (None, _) => true,
            (Some(w), Some(h)) => *w == h,
            (Some(_), None) => false,
        };
        return want == have && version_ok;
    }
    // cpe:2.3:part:vendor:product:version:…
    let parts: Vec<&str> = package.split(':').collect();
    let (Some(product), version) = (parts.get(4), parts.get(5)) else {
        return false;
    };
    let name = c.name.rsplit('/').next().unwrap_or(&c.name);
    let version_ok = match version {
        None | Some(&"*") | Some(&"-") => true,
        Some(v) => c.version.as_deref() == Some(*v),
    };
    name.eq_ignore_ascii_case(product) && version_ok
}

/// A component as a STIX `software` observable: its name, version, package URL (given, or
/// made from its ecosystem) and a CPE made from them.
fn observable(c: &Component) -> Software {
    let purl = c.purl.clone().or_else(|| {
        c.ecosystem.map(|eco| {
            let base = format!("pkg:{}/{}", eco.purl_type(), c.name);
            match &c.version {
                Some(v) => format!("{base}@{v}"),
                None => base,
            }
        })
    });
    Software {
        name: Some(c.name.clone()),
        vendor: None,
        version: c.version.clone(),
        cpe: Some(derived_cpe(None, &c.name, c.version.as_deref())),
        swid: None,
        purl,
    }
}

fn component_label(c: &Component) -> String {
    match &c.version {
        Some(v) => format!("{}@{v}", c.name),
        None => c.name.clone(),
    }
}

/// Components of one scan, parsed once per scan, with their observables.
type Parsed = Option<(Vec<Component>, Vec<Software>)>;

/// The components of one scan that an object names.
async fn matches_in_scan(
    state: &App,
    candidate: &Candidate,
    scan: &ScanRow,
    components: &mut Parsed,
    not_evaluable: &mut usize,
) -> Result<BTreeSet<String>, AppError> {
    let mut out = BTreeSet::new();
    if !candidate.cves.is_empty() {
        if let Ok(report) = serde_json::from_str::<ScanReport>(&scan.report) {
            for f in report.findings.iter().chain(&report.warnings) {
                let hit = std::iter::once(&f.advisory_id)
                    .chain(&f.aliases)
                    .any(|id| candidate.cves.iter().any(|c| c.eq_ignore_ascii_case(id)));
                if hit {
                    out.insert(format!("{}@{}", f.package, f.version));
                }
            }
        }
    }
    let pattern = candidate.pattern.as_ref().filter(|p| p.mentions_software());
    if !candidate.packages.is_empty() || pattern.is_some() {
        if components.is_none() {
            let bytes = state
                .store
                .blobs()
                .get(&scan.blob_sha256)
                .await
                .map_err(AppError::internal)?;
            let name = scan.file_name.clone();
            let parsed = match bytes {
                Some(b) => tokio::task::spawn_blocking(move || {
                    shirube_vuln::detect_and_parse(Some(&name), &b)
                        .map(|i| i.components)
                        .unwrap_or_default()
                })
                .await
                .map_err(AppError::internal)?,
                None => Vec::new(),
            };
            let observables = parsed.iter().map(observable).collect();
            *components = Some((parsed, observables));
        }
        if let Some((parsed, observables)) = components.as_ref() {
            for c in parsed {
                if candidate.packages.iter().any(|p| component_matches(p, c)) {
                    out.insert(component_label(c));
                }
            }
            if let Some(p) = pattern {
                match p.evaluate(observables) {
                    Verdict::Match(hits) => out.extend(
                        hits.iter()
                            .filter_map(|&i| parsed.get(i))
                            .map(component_label),
                    ),
                    Verdict::NoMatch => {}
                    Verdict::NotEvaluable => {
                        *not_evaluable += 1;
                        tracing::debug!(
                            object = %candidate.object_id,
                            unsupported = ?p.unsupported_paths(),
                            "an indicator's pattern cannot be evaluated against a scan"
                        );
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Matches candidates against the scans of `readers` (each candidate with the organisations
/// that may read it), records new exposures and tells each exposed organisation once per
/// object, scan and component.
pub async fn notify(state: &App, pairs: &[(Candidate, Vec<String>)]) -> Result<usize, AppError> {
    let mut exposures = Vec::new();
    let mut notices = Vec::new();
    let mut not_evaluable = 0usize;
    let mut orgs: BTreeSet<&str> = BTreeSet::new();
    for (_, readers) in pairs {
        orgs.extend(readers.iter().map(String::as_str));
    }
    for org in orgs {
        let known: HashSet<(String, String, String)> = state
            .store
            .intel_exposures_of(org)
            .await?
            .into_iter()
            .map(|e| (e.object_id, e.scan_id, e.component))
            .collect();
        for scan in state
            .store
            .scans(&shirube_store::OrganizationId::from(org))
            .await?
        {
            let mut components = None;
            for (candidate, readers) in pairs {
                if !readers.iter().any(|r| r == org) {
                    continue;
                }
                for component in
                    matches_in_scan(state, candidate, &scan, &mut components, &mut not_evaluable)
                        .await?
                {
                    if known.contains(&(
                        candidate.object_id.clone(),
                        scan.id.to_string(),
                        component.clone(),
                    )) {
                        continue;
                    }
                    let (body, args) = if candidate.forwardable() {
                        (
                            "intel-notif-exposure-body",
                            vec![
                                ("object", candidate.name.clone()),
                                ("component", component.clone()),
                                ("file", scan.file_name.clone()),
                                ("collection", candidate.collection_title.clone()),
                            ],
                        )
                    } else {
                        (
                            "intel-notif-exposure-restricted-body",
                            vec![
                                ("component", component.clone()),
                                ("file", scan.file_name.clone()),
                                ("collection", candidate.collection_title.clone()),
                            ],
                        )
                    };
                    notices.push(to_org(
                        state,
                        &shirube_store::OrganizationId::from(org),
                        NotificationKind::IntelExposure,
                        "intel-notif-exposure-title",
                        body,
                        &args,
                        "/intel",
                    ));
                    exposures.push(IntelExposureRow {
                        id: String::new(),
                        collection_id: candidate.collection_id.clone(),
                        object_id: candidate.object_id.clone(),
                        object_name: candidate.name.clone(),
                        marking: candidate.marking.clone(),
                        organization_id: org.to_string(),
                        scan_id: scan.id.to_string(),
                        component,
                        created_at: String::new(),
                        resolved_at: None,
                        resolution: None,
                        resolution_note: None,
                    });
                }
            }
        }
    }
    if not_evaluable > 0 {
        tracing::info!(
            not_evaluable,
            "indicator patterns that depend on what a scan cannot show were not matched"
        );
    }
    if exposures.is_empty() {
        return Ok(0);
    }
    state
        .store
        .record_intel_exposures(
            shirube_store::Actor::system().with_notices(&notices),
            &exposures,
        )
        .await?;
    kick(state);
    Ok(exposures.len())
}

/// Matches a new upload of `organization_id` against the intelligence it may read: the
/// latest version of every object with a CVE or a package in the collections of the
/// groups it is an active member of (drop boxes excluded; RED only where it is a reader).
pub async fn match_new_upload(state: &App, organization_id: &str) -> Result<usize, AppError> {
    let mut pairs = Vec::new();
    for group in state.store.intel_groups_for(organization_id).await? {
        let is_group = group.id == organization_id;
        for c in state.store.intel_collections(&group.id).await? {
            if !is_group && c.member_access == MemberAccess::Write {
                continue;
            }
            let q = IntelQuery {
                versions: VersionMatch {
                    last: true,
                    ..VersionMatch::default()
                },
                ..IntelQuery::default()
            };
            let rows = state
                .store
                .intel_objects(
                    &c.id,
                    Reader {
                        organization_id,
                        is_group,
                    },
                    &q,
                )
                .await?;
            // Indicators are matched through their patterns, read from the stored text.
            let indicators = state
                .store
                .intel_objects(
                    &c.id,
                    Reader {
                        organization_id,
                        is_group,
                    },
                    &IntelQuery {
                        types: vec!["indicator".to_string()],
                        with_body: true,
                        ..q.clone()
                    },
                )
                .await?;
            for r in indicators {
                let Some(pattern) = indicator_pattern(&r.body) else {
                    continue;
                };
                let candidate = Candidate {
                    collection_id: c.id.clone(),
                    collection_title: c.title.clone(),
                    name: r.name.clone().unwrap_or_else(|| r.object_id.clone()),
                    object_id: r.object_id,
                    marking: r.marking,
                    cves: Vec::new(),
                    packages: Vec::new(),
                    pattern: Some(pattern),
                };
                pairs.push((candidate, vec![organization_id.to_string()]));
            }
            for r in rows.into_iter().filter(|r| {
                r.object_type != "indicator" && (!r.cves.is_empty() || !r.packages.is_empty())
            }) {
                let candidate = Candidate {
                    collection_id: c.id.clone(),
                    collection_title: c.title.clone(),
                    name: r.name.clone().unwrap_or_else(|| r.object_id.clone()),
                    object_id: r.object_id,
                    marking: r.marking,
                    cves: r
                        .cves
                        .split(' ')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect(),
                    packages: r
                        .packages
                        .split(' ')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect(),
                    pattern: None,
                };
                pairs.push((candidate, vec![organization_id.to_string()]));
            }
        }
    }
    notify(state, &pairs).await
}

/// The STIX pattern of a stored indicator, when it has one that names software.
fn indicator_pattern(body: &str) -> Option<Pattern> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    if v.get("pattern_type")?.as_str()? != "stix" {
        return None;
    }
    Pattern::parse(v.get("pattern")?.as_str()?)
        .ok()
        .filter(Pattern::mentions_software)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shirube_vuln::Ecosystem;

    fn comp(name: &str, version: &str, purl: Option<&str>, eco: Option<Ecosystem>) -> Component {
        Component {
            ecosystem: eco,
            name: name.into(),
            version: Some(version.into()),
            purl: purl.map(str::to_string),
        }
    }

    #[test]
    fn package_urls_and_cpes_match_the_components_they_name() {
        let c = comp(
            "lodash",
            "4.17.20",
            Some("pkg:npm/lodash@4.17.20?x=1"),
            Some(Ecosystem::Npm),
        );
        assert!(component_matches("pkg:npm/lodash", &c));
        assert!(component_matches("pkg:npm/lodash@4.17.20", &c));
        assert!(!component_matches("pkg:npm/lodash@4.17.21", &c));
        assert!(!component_matches("pkg:pypi/lodash", &c));
        let lock = comp("requests", "2.0.0", None, Some(Ecosystem::PyPI));
        assert!(component_matches("pkg:pypi/requests@2.0.0", &lock));
        assert!(component_matches(
            "cpe:2.3:a:python:requests:2.0.0:*:*:*:*:*:*:*",
            &lock
        ));
        assert!(component_matches(
            "cpe:2.3:a:python:requests:*:*:*:*:*:*:*:*",
            &lock
        ));
        assert!(!component_matches(
            "cpe:2.3:a:python:requests:2.1.0:*:*:*:*:*:*:*",
            &lock
        ));
    }
}
