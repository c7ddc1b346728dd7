//! OSV matching edge cases as tables, and the shape of what a scan reports.

use shirube_vuln::{AdvisoryIndex, Component, Ecosystem, InputFormat, Inventory, ScanReport};

use crate::{inventory, osv_index};

fn one(ecosystem: Ecosystem, name: &str, version: &str) -> Inventory {
    Inventory {
        format: InputFormat::CycloneDx,
        source: Some("bom.json".into()),
        components: vec![Component {
            ecosystem: Some(ecosystem),
            name: name.into(),
            version: Some(version.into()),
            purl: None,
        }],
        notes: vec![],
    }
}

fn advisory(ecosystem: &str, package: &str, ranges: &str, versions: &str) -> String {
    format!(
        r#"{{"id":"TEST-1","aliases":["CVE-2020-0001"],"summary":"test","affected":[
            {{"package":{{"ecosystem":"{ecosystem}","name":"{package}"}},
              "ranges":{ranges},"versions":{versions}}}]}}"#
    )
}

fn ecosystem_range(events: &str) -> String {
    format!(r#"[{{"type":"ECOSYSTEM","events":{events}}}]"#)
}

/// Checks each `(version, affected?)` pair against one advisory.
fn check(eco: Ecosystem, ranges: &str, versions: &str, cases: &[(&str, bool)]) {
    let index = osv_index(&advisory(eco.as_osv_str(), "pkg", ranges, versions));
    for &(version, expected) in cases {
        let report = index.scan(&one(eco, "pkg", version));
        assert_eq!(
            !report.findings.is_empty(),
            expected,
            "{eco} {version} with ranges {ranges} versions {versions}"
        );
    }
}

#[test]
fn several_ranges_each_open_and_close_a_window() {
    check(
        Ecosystem::PyPI,
        &ecosystem_range(
            r#"[{"introduced":"1.0"},{"fixed":"1.5"},{"introduced":"2.0"},{"fixed":"2.3"}]"#,
        ),
        "[]",
        &[
            ("0.9", false),
            ("1.0", true),
            ("1.4.9", true),
            ("1.5", false),
            ("1.9", false),
            ("2.0", true),
            ("2.3", false),
            ("3.0", false),
        ],
    );
}

#[test]
fn event_pairs_listed_out_of_order_are_sorted_first() {
    check(
        Ecosystem::PyPI,
        &ecosystem_range(
            r#"[{"introduced":"2.0"},{"fixed":"2.5"},{"introduced":"1.0"},{"fixed":"1.5"}]"#,
        ),
        "[]",
        &[("1.2", true), ("1.7", false), ("2.2", true), ("2.5", false)],
    );
}

#[test]
fn last_affected_includes_that_version_and_nothing_after() {
    check(
        Ecosystem::PyPI,
        &ecosystem_range(r#"[{"introduced":"0"},{"last_affected":"1.2"}]"#),
        "[]",
        &[
            ("0.1", true),
            ("1.2", true),
            ("1.2.0", true),
            ("1.2.post1", false),
            ("1.2.1", false),
        ],
    );
}

#[test]
fn limit_caps_the_range_and_star_means_no_cap() {
    check(
        Ecosystem::PyPI,
        &ecosystem_range(r#"[{"introduced":"0"},{"limit":"2.0"}]"#),
        "[]",
        &[("1.9", true), ("2.0", false), ("9.0", false)],
    );
    check(
        Ecosystem::PyPI,
        &ecosystem_range(r#"[{"introduced":"1.0"},{"limit":"*"}]"#),
        "[]",
        &[("0.9", false), ("1.0", true), ("99.0", true)],
    );
}

#[test]
fn pep440_pre_releases_sort_before_their_release() {
    let fixed = ecosystem_range(r#"[{"introduced":"0"},{"fixed":"2.0"}]"#);
    check(
        Ecosystem::PyPI,
        &fixed,
        "[]",
        &[
            ("2.0rc1", true),
            ("2.0.dev1", true),
            ("2.0a1", true),
            ("2.0", false),
        ],
    );
    let introduced = ecosystem_range(r#"[{"introduced":"2.0"},{"fixed":"3.0"}]"#);
    check(
        Ecosystem::PyPI,
        &introduced,
        "[]",
        &[("2.0rc1", false), ("2.0", true), ("3.0rc1", true)],
    );
}

#[test]
fn pep440_local_versions_sort_after_their_public_version() {
    check(
        Ecosystem::PyPI,
        &ecosystem_range(r#"[{"introduced":"0"},{"fixed":"1.0"}]"#),
        "[]",
        &[("0.9+ubuntu1", true), ("1.0+local", false)],
    );
}

#[test]
fn pep440_epochs_outrank_release_numbers() {
    check(
        Ecosystem::PyPI,
        &ecosystem_range(r#"[{"introduced":"0"},{"fixed":"2.0"}]"#),
        "[]",
        &[("1!1.0", false), ("0!1.0", true), ("1.0", true)],
    );
}

#[test]
fn semver_pre_releases_and_build_metadata_follow_precedence_rules() {
    check(
        Ecosystem::Npm,
        r#"[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.3"}]}]"#,
        "[]",
        &[
            ("1.2.2", true),
            ("v1.2.2", true),
            ("1.2.3-beta.1", true),
            ("1.2.3", false),
            ("1.2.3+build.5", false),
        ],
    );
    check(
        Ecosystem::CratesIo,
        r#"[{"type":"SEMVER","events":[{"introduced":"0.0.0-0"},{"fixed":"0.9.1"}]}]"#,
        "[]",
        &[("0.0.0", true), ("0.9.0", true), ("0.9.1", false)],
    );
}

#[test]
fn listed_versions_match_even_outside_the_ranges() {
    // As in PyPA's gevent advisory, which lists its own fixed version.
    check(
        Ecosystem::PyPI,
        &ecosystem_range(r#"[{"introduced":"0"},{"fixed":"23.9.0"}]"#),
        r#"["23.9.0", "23.9.0.post1"]"#,
        &[
            ("23.9.0", true),
            ("23.9", true),
            ("23.9.0.post1", true),
            ("23.9.1", false),
        ],
    );
}

#[test]
fn a_yanked_release_is_matched_like_any_other() {
    // OSV has no notion of yanking: a yanked release that is installed is still vulnerable.
    check(
        Ecosystem::CratesIo,
        r#"[]"#,
        r#"["0.3.1"]"#,
        &[("0.3.1", true), ("0.3.2", false)],
    );
}

#[test]
fn an_unparseable_component_version_is_reported_and_still_matched_exactly() {
    let index = osv_index(&advisory("PyPI", "pkg", "[]", r#"["0.1-bulbasaur"]"#));
    let report = index.scan(&one(Ecosystem::PyPI, "pkg", "0.1-bulbasaur"));
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.problems.len(), 1);
    assert_eq!(report.problems[0].version.as_deref(), Some("0.1-bulbasaur"));
    assert!(
        report.problems[0].reason.contains("PEP 440"),
        "{}",
        report.problems[0].reason
    );
}

#[test]
fn an_unparseable_range_event_is_reported_with_its_advisory() {
    let index = osv_index(&advisory(
        "PyPI",
        "pkg",
        &ecosystem_range(r#"[{"introduced":"0"},{"fixed":"2019-09-12x"}]"#),
        "[]",
    ));
    let report = index.scan(&one(Ecosystem::PyPI, "pkg", "1.0"));
    assert!(report.findings.is_empty());
    assert_eq!(report.problems.len(), 1);
    assert_eq!(report.problems[0].advisory_id.as_deref(), Some("TEST-1"));
    assert!(report.problems[0].reason.contains("2019-09-12x"));
}

#[test]
fn pypi_names_match_after_pep503_normalisation_but_npm_names_do_not_fold() {
    let ranges = ecosystem_range(r#"[{"introduced":"0"}]"#);
    let index = osv_index(&advisory("PyPI", "Zope.Interface", &ranges, "[]"));
    assert_eq!(
        index
            .scan(&one(Ecosystem::PyPI, "zope_interface", "1.0"))
            .findings
            .len(),
        1
    );
    let index = osv_index(&advisory("npm", "Left-Pad", &ranges, "[]"));
    assert!(index
        .scan(&one(Ecosystem::Npm, "left-pad", "1.0.0"))
        .findings
        .is_empty());
}

#[test]
fn git_ranges_are_ignored_and_do_not_match_everything() {
    check(
        Ecosystem::PyPI,
        r#"[{"type":"GIT","repo":"https://example.com/r","events":[{"introduced":"0"}]}]"#,
        "[]",
        &[("1.0", false)],
    );
}

fn fixture_index() -> AdvisoryIndex {
    let json = r#"[
      {"id":"PYSEC-2023-61","aliases":["CVE-2023-31047","GHSA-r3xc-prgr-mg9p"],
       "summary":"Django multiple file upload bypass",
       "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N"}],
       "affected":[
         {"package":{"ecosystem":"PyPI","name":"django"},
          "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"3.2"},{"fixed":"3.2.19"}]}]},
         {"package":{"ecosystem":"PyPI","name":"Django"},
          "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"3.2.10"},{"fixed":"4.1.9"}]}]}]},
      {"id":"RUSTSEC-2021-0003","aliases":["CVE-2021-25900"],"summary":"smallvec buffer overflow",
       "affected":[{"package":{"ecosystem":"crates.io","name":"smallvec"},
          "ranges":[{"type":"SEMVER","events":[{"introduced":"1.6.0"},{"fixed":"1.6.1"}]}]}]},
      {"id":"RUSTSEC-2020-0071","summary":"time unmaintained-ish notice",
       "database_specific":{"informational":"unmaintained"},
       "affected":[{"package":{"ecosystem":"crates.io","name":"time"},
          "ranges":[{"type":"SEMVER","events":[{"introduced":"0.0.0-0"},{"fixed":"0.2.23"}]}]}]},
      {"id":"GHSA-old","withdrawn":"2024-01-01T00:00:00Z",
       "affected":[{"package":{"ecosystem":"npm","name":"left-pad"},
          "ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}
    ]"#;
    osv_index(json)
}

fn scan(file: &str) -> ScanReport {
    fixture_index().scan(&inventory(file))
}

#[test]
fn json_report_has_exactly_the_documented_finding_fields() {
    let report = scan("bom.cdx.json");
    let text = serde_json::to_string(&report.findings[0]).unwrap();
    let expected = [
        "ecosystem",
        "package",
        "version",
        "advisory_id",
        "aliases",
        "summary",
        "severity",
        "fixed",
    ];
    let positions: Vec<usize> = expected
        .iter()
        .map(|k| text.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    let value = serde_json::to_value(&report).unwrap();
    assert_eq!(
        value["findings"][0].as_object().unwrap().len(),
        expected.len()
    );
    assert_eq!(value["findings"][0]["ecosystem"], "PyPI");
    assert!(value["summary"].is_object());
}

#[test]
fn one_advisory_with_two_entries_for_a_package_gives_one_finding_with_all_fixes() {
    let report = scan("requirements.txt");
    let django: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.package == "Django")
        .collect();
    assert_eq!(django.len(), 1);
    assert_eq!(django[0].fixed, ["3.2.19", "4.1.9"]);
    assert_eq!(django[0].aliases, ["CVE-2023-31047", "GHSA-r3xc-prgr-mg9p"]);
}

#[test]
fn informational_advisories_are_warnings_not_findings() {
    let report = scan("Cargo.lock");
    let ids: Vec<_> = report
        .findings
        .iter()
        .map(|f| f.advisory_id.as_str())
        .collect();
    assert_eq!(ids, ["RUSTSEC-2021-0003"]);
    assert_eq!(report.warnings.len(), 1);
    assert_eq!(
        report.warnings[0].informational.as_deref(),
        Some("unmaintained")
    );
}

#[test]
fn withdrawn_advisories_never_match() {
    let report = scan("package-lock.json");
    assert!(report.findings.is_empty());
    assert_eq!(fixture_index().stats().withdrawn_skipped, 1);
}

#[test]
fn the_summary_counts_scanned_and_unscanned_components() {
    let report = scan("bom.cdx.json");
    assert_eq!(report.summary.components, 6);
    assert_eq!(report.summary.scanned, 4);
    assert_eq!(report.summary.not_scanned, 2);
    assert_eq!(report.summary.findings, 2);
    assert!(
        report.notes.iter().any(|n| n.contains("2 component(s)")),
        "{:?}",
        report.notes
    );
}

#[test]
fn sarif_output_has_one_rule_per_advisory_and_one_result_per_finding() {
    let report = scan("bom.cdx.json");
    let sarif = report.to_sarif();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 2);
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["level"], "error");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "bom.cdx.json"
    );
}

#[test]
fn a_json_report_reads_back_into_the_same_findings() {
    let report = scan("bom.cdx.json");
    let text = serde_json::to_string(&report).unwrap();
    let back: ScanReport = serde_json::from_str(&text).unwrap();
    let strip = |r: &ScanReport| {
        r.findings
            .iter()
            .map(|f| (f.advisory_id.clone(), f.package.clone(), f.fixed.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&back), strip(&report));
    assert_eq!(back.summary, report.summary);
}
