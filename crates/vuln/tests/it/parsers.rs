//! Every input format, detected by content, yields the expected components.

use shirube_vuln::{detect_and_parse, Ecosystem, InputFormat, ParseError};

use crate::{fixture, inventory};

fn summary(name: &str) -> (InputFormat, Vec<String>) {
    let inv = inventory(name);
    let comps = inv
        .components
        .iter()
        .map(|c| {
            format!(
                "{} {} {}",
                c.ecosystem.map_or("-", |e| e.as_osv_str()),
                c.name,
                c.version.as_deref().unwrap_or("-")
            )
        })
        .collect();
    (inv.format, comps)
}

#[test]
fn cyclonedx_components_are_read_by_purl_including_nested_ones() {
    let (format, comps) = summary("bom.cdx.json");
    assert_eq!(format, InputFormat::CycloneDx);
    assert_eq!(
        comps,
        [
            "PyPI django 3.2.18",
            "npm left-pad 1.0.0",
            "npm @angular/core 11.0.0",
            "crates.io smallvec 1.6.0",
            "- org.apache.commons/commons-text 1.9",
            "- no-purl 0.1",
        ]
    );
}

#[test]
fn spdx_packages_use_their_purl_external_reference() {
    let (format, comps) = summary("sbom.spdx.json");
    assert_eq!(format, InputFormat::Spdx);
    assert_eq!(comps, ["PyPI requests 2.19.0", "- internal-tool 1.0"]);
}

#[test]
fn package_lock_lists_installed_packages_and_skips_the_project_and_links() {
    let (format, comps) = summary("package-lock.json");
    assert_eq!(format, InputFormat::PackageLock);
    assert_eq!(
        comps,
        [
            "npm lodash 4.17.15",
            "npm @babel/core 7.20.0",
            "npm minimist 0.0.8",
            "npm left-pad 1.3.0"
        ]
    );
}

#[test]
fn cargo_lock_keeps_crates_io_packages_only_and_notes_others() {
    let inv = inventory("Cargo.lock");
    assert_eq!(inv.format, InputFormat::CargoLock);
    let names: Vec<_> = inv
        .components
        .iter()
        .map(|c| format!("{}@{}", c.name, c.version.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(names, ["smallvec@1.6.0", "time@0.1.43"]);
    assert_eq!(inv.notes.len(), 1, "{:?}", inv.notes);
}

#[test]
fn cargo_lock_fast_reader_and_cargo_lock_crate_agree() {
    // A trailing comment on a key line sends the file through the `cargo-lock` crate.
    let text = String::from_utf8(fixture("Cargo.lock")).unwrap();
    let unusual = text.replace("version = \"1.6.0\"", "version = \"1.6.0\" # pinned");
    let fast = detect_and_parse(Some("Cargo.lock"), text.as_bytes()).unwrap();
    let slow = detect_and_parse(Some("Cargo.lock"), unusual.as_bytes()).unwrap();
    assert_eq!(fast.components, slow.components);
    assert_eq!(fast.notes, slow.notes);
}

#[test]
fn requirements_scan_pinned_lines_and_note_the_rest() {
    let inv = inventory("requirements.txt");
    assert_eq!(inv.format, InputFormat::Requirements);
    let comps: Vec<_> = inv
        .components
        .iter()
        .map(|c| format!("{}=={}", c.name, c.version.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        comps,
        ["Django==3.2.18", "requests==2.19.0", "Jinja2==2.10"]
    );
    assert!(
        inv.notes
            .iter()
            .any(|n| n.contains("\"flask\" is not pinned")),
        "{:?}",
        inv.notes
    );
}

#[test]
fn poetry_lock_skips_git_sources_with_a_note() {
    let inv = inventory("poetry.lock");
    assert_eq!(inv.format, InputFormat::PoetryLock);
    assert_eq!(inv.components.len(), 1);
    assert_eq!(inv.components[0].ecosystem, Some(Ecosystem::PyPI));
    assert!(inv.notes[0].contains("mylib"));
}

#[test]
fn uv_lock_skips_the_editable_project_itself() {
    let inv = inventory("uv.lock");
    assert_eq!(inv.format, InputFormat::UvLock);
    let names: Vec<_> = inv.components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["pyyaml"]);
    assert!(inv.notes.is_empty());
}

#[test]
fn formats_are_detected_by_content_whatever_the_file_is_called() {
    for (file, format) in [
        ("bom.cdx.json", InputFormat::CycloneDx),
        ("sbom.spdx.json", InputFormat::Spdx),
        ("package-lock.json", InputFormat::PackageLock),
        ("Cargo.lock", InputFormat::CargoLock),
        ("poetry.lock", InputFormat::PoetryLock),
        ("uv.lock", InputFormat::UvLock),
        ("requirements.txt", InputFormat::Requirements),
    ] {
        let inv = detect_and_parse(Some("upload.bin"), &fixture(file)).unwrap();
        assert_eq!(inv.format, format, "{file}");
        let inv = detect_and_parse(None, &fixture(file)).unwrap();
        assert_eq!(inv.format, format, "{file} without a name");
    }
}

#[test]
fn package_lock_version_1_is_refused_with_advice() {
    let err = detect_and_parse(None, br#"{"lockfileVersion":1,"dependencies":{}}"#).unwrap_err();
    assert!(matches!(err, ParseError::Unsupported { .. }));
    assert!(err.to_string().contains("versions 2 and 3"));
}

#[test]
fn unknown_json_names_the_marker_fields_it_looked_for() {
    let err = detect_and_parse(None, br#"{"hello":"world"}"#).unwrap_err();
    assert!(err.to_string().contains("bomFormat"), "{err}");
}

#[test]
fn xml_sboms_are_refused_with_advice() {
    let err = detect_and_parse(None, b"<?xml version=\"1.0\"?><bom/>").unwrap_err();
    assert!(err.to_string().contains("JSON form"), "{err}");
}

#[test]
fn prose_is_not_mistaken_for_requirements() {
    let err =
        detect_and_parse(Some("notes.txt"), b"Dear supplier, please find attached.\n").unwrap_err();
    assert!(matches!(err, ParseError::Unrecognized { .. }), "{err}");
}

#[test]
fn a_bad_requirement_line_after_good_ones_is_named_by_number() {
    let err = detect_and_parse(None, b"django==3.2\n%%%\n").unwrap_err();
    assert_eq!(
        err,
        ParseError::Requirements {
            line: 2,
            reason: "\"%%%\" does not start with a package name".into()
        }
    );
}
