//! Checks against the real PyPA and RustSec snapshots in ../shared/data/advisories.
//! Each test prints a reason and passes when the data is absent.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use shirube_vuln::{
    AdvisoryIndex, Component, Ecosystem, IndexBuilder, InputFormat, Inventory, ScanReport,
};

fn data(sub: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/advisories")
        .join(sub);
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!("skipping: {} is absent", path.display());
        None
    }
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
}

fn pypa_index(root: &Path) -> AdvisoryIndex {
    let mut paths = Vec::new();
    files(&root.join("vulns"), "yaml", &mut paths);
    let mut builder = IndexBuilder::new();
    for p in &paths {
        builder
            .add_osv_yaml(&std::fs::read(p).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    }
    builder.build()
}

fn inventory(ecosystem: Ecosystem, items: &[(&str, &str)]) -> Inventory {
    Inventory {
        format: InputFormat::CycloneDx,
        source: None,
        components: items
            .iter()
            .map(|(n, v)| Component {
                ecosystem: Some(ecosystem),
                name: (*n).into(),
                version: Some((*v).into()),
                purl: None,
            })
            .collect(),
        notes: vec![],
    }
}

fn ids(report: &ScanReport, package: &str, version: &str) -> BTreeSet<String> {
    report
        .findings
        .iter()
        .filter(|f| f.package == package && f.version == version)
        .map(|f| f.advisory_id.clone())
        .collect()
}

#[test]
fn every_pypa_advisory_reads_and_withdrawn_ones_are_dropped() {
    let Some(root) = data("pypa") else { return };
    let index = pypa_index(&root);
    assert_eq!(index.stats().advisories, 2651);
    assert_eq!(index.stats().withdrawn_skipped, 10);
    let bytes = index.to_bytes();
    assert_eq!(AdvisoryIndex::from_bytes(&bytes).unwrap(), index);
}

#[test]
fn pypa_quirks_follow_the_osv_rule_in_range_or_listed() {
    let Some(root) = data("pypa") else { return };
    let index = pypa_index(&root);
    let report = index.scan(&inventory(
        Ecosystem::PyPI,
        &[
            ("Django", "3.2a1"),
            ("gevent", "23.9.0"),
            ("wagtail", "2.11.6"),
            ("django", "4.2.1"),
        ],
    ));
    assert!(ids(&report, "Django", "3.2a1").contains("PYSEC-2023-61"));
    assert!(ids(&report, "gevent", "23.9.0").contains("PYSEC-2023-177"));
    assert!(ids(&report, "wagtail", "2.11.6").contains("PYSEC-2021-114"));
    assert!(!ids(&report, "django", "4.2.1").contains("PYSEC-2023-61"));
}

#[test]
fn pypa_range_events_that_are_not_pep440_are_reported() {
    let Some(root) = data("pypa") else { return };
    let index = pypa_index(&root);
    let report = index.scan(&inventory(Ecosystem::PyPI, &[("steam", "1.0")]));
    let problem = report
        .problems
        .iter()
        .find(|p| p.advisory_id.as_deref() == Some("PYSEC-2019-125"));
    assert!(
        problem.is_some_and(|p| p.reason.contains("2019-09-12")),
        "{:?}",
        report.problems
    );
}

#[test]
fn rustsec_markdown_and_its_osv_export_give_the_same_findings() {
    let Some(root) = data("rustsec") else { return };
    let mut md_paths = Vec::new();
    files(&root.join("crates"), "md", &mut md_paths);
    let mut md = IndexBuilder::new();
    for p in &md_paths {
        md.add_rustsec_md(&std::fs::read(p).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    }
    let mut json_paths = Vec::new();
    files(&root.join("osv/crates"), "json", &mut json_paths);
    let mut osv = IndexBuilder::new();
    // The export keeps a stale placeholder id for an advisory it also exports under its
    // real id (see the data README).
    for p in json_paths
        .iter()
        .filter(|p| !p.ends_with("RUSTSEC-2025-0000.json"))
    {
        osv.add_osv_json(&std::fs::read(p).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    }
    let (md, osv) = (md.build(), osv.build());
    assert_eq!(md.stats().advisories, 1192);
    assert_eq!(md.stats().withdrawn_skipped, 13);

    // Every crate at every version an OSV event names, plus a version just below it.
    let mut items: BTreeSet<(String, String)> = BTreeSet::new();
    for p in &json_paths {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
        for a in v["affected"].as_array().into_iter().flatten() {
            let name = a["package"]["name"].as_str().unwrap_or_default().to_owned();
            for r in a["ranges"].as_array().into_iter().flatten() {
                for e in r["events"].as_array().into_iter().flatten() {
                    for (_, ver) in e.as_object().into_iter().flatten() {
                        if let Some(ver) = ver.as_str().and_then(|s| semver::Version::parse(s).ok())
                        {
                            items.insert((name.clone(), ver.to_string()));
                            if ver.patch > 0 {
                                items.insert((
                                    name.clone(),
                                    format!("{}.{}.{}", ver.major, ver.minor, ver.patch - 1),
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    let list: Vec<(&str, &str)> = items
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let inv = inventory(Ecosystem::CratesIo, &list);
    let key = |r: &ScanReport| -> BTreeSet<(String, String, String)> {
        r.findings
            .iter()
            .chain(&r.warnings)
            .map(|f| (f.advisory_id.clone(), f.package.clone(), f.version.clone()))
            .collect()
    };
    let (from_md, from_osv) = (key(&md.scan(&inv)), key(&osv.scan(&inv)));
    assert!(from_md.len() > 1000, "only {} findings", from_md.len());
    let only_md: Vec<_> = from_md.difference(&from_osv).take(10).collect();
    let only_osv: Vec<_> = from_osv.difference(&from_md).take(10).collect();
    assert!(
        only_md.is_empty() && only_osv.is_empty(),
        "md only {only_md:?}, osv only {only_osv:?}"
    );
}
