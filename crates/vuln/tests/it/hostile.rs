//! Hostile input gets a clear error, not a panic or unbounded memory.

use shirube_vuln::{detect_and_parse, Advisory, AdvisoryError, ParseError, MAX_INPUT_BYTES};

#[test]
fn deeply_nested_unknown_json_fields_are_skipped_without_recursion() {
    // serde_json skips ignored values iteratively, so depth here costs no stack.
    let depth = 100_000;
    let doc = format!(
        "{{\"bomFormat\":\"CycloneDX\",\"x\":{}{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let inv = detect_and_parse(Some("bom.json"), doc.as_bytes()).unwrap();
    assert!(inv.components.is_empty());
}

#[test]
fn deeply_nested_json_in_a_read_field_is_refused_with_the_parsers_reason() {
    let depth = 100_000;
    let doc = format!(
        "{{\"bomFormat\":\"CycloneDX\",\"components\":[{{\"name\":{}{}}}]}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let err = detect_and_parse(Some("bom.json"), doc.as_bytes()).unwrap_err();
    assert!(matches!(err, ParseError::Json { .. }), "{err}");
}

#[test]
fn deeply_nested_cyclonedx_components_are_refused() {
    let depth = 10_000;
    let mut doc =
        String::from("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":");
    for _ in 0..depth {
        doc.push_str("[{\"name\":\"x\",\"components\":");
    }
    doc.push_str("[]");
    for _ in 0..depth {
        doc.push_str("}]");
    }
    doc.push('}');
    let err = detect_and_parse(None, doc.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("recursion limit"), "{err}");
}

#[test]
fn deeply_nested_toml_lockfile_is_refused() {
    let depth = 100_000;
    let doc = format!(
        "# lock\n[[package]]\nname = \"x\"\nversion = {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let err = detect_and_parse(Some("poetry.lock"), doc.as_bytes()).unwrap_err();
    assert!(matches!(err, ParseError::Toml { .. }), "{err}");
}

#[test]
fn deeply_nested_yaml_advisory_is_refused() {
    let depth = 100_000;
    let doc = format!(
        "id: X\naffected: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let err = Advisory::from_osv_yaml(doc.as_bytes()).unwrap_err();
    assert!(matches!(err, AdvisoryError::Yaml { .. }), "{err}");
}

#[test]
fn a_lockfile_that_starts_with_a_table_header_is_toml_not_json() {
    let doc = "[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
    let inv = detect_and_parse(None, doc.as_bytes()).unwrap();
    assert_eq!(inv.components.len(), 1);
}

#[test]
fn invalid_utf8_in_a_text_format_names_the_offset() {
    let err = detect_and_parse(Some("requirements.txt"), b"django==3.2\n\xff\xfe\n").unwrap_err();
    assert_eq!(err, ParseError::InvalidUtf8 { offset: 12 });
    let err = Advisory::from_rustsec_md(b"```toml\n\xc3\x28").unwrap_err();
    assert_eq!(err, AdvisoryError::InvalidUtf8 { offset: 8 });
}

#[test]
fn invalid_utf8_inside_json_strings_is_a_json_error() {
    let err = detect_and_parse(None, b"{\"bomFormat\":\"Cyclone\xffDX\"}").unwrap_err();
    assert!(matches!(err, ParseError::Json { .. }), "{err}");
}

#[test]
fn input_above_the_size_limit_is_refused_before_parsing() {
    // Zeroed allocations are lazily mapped, so this costs almost no real memory.
    let huge = vec![0u8; MAX_INPUT_BYTES + 1];
    let err = detect_and_parse(None, &huge).unwrap_err();
    assert_eq!(
        err,
        ParseError::TooLarge {
            size: MAX_INPUT_BYTES + 1,
            limit: MAX_INPUT_BYTES
        }
    );
}

#[test]
fn empty_and_whitespace_input_is_called_empty() {
    assert_eq!(detect_and_parse(None, b"").unwrap_err(), ParseError::Empty);
    assert_eq!(
        detect_and_parse(None, b" \n\t ").unwrap_err(),
        ParseError::Empty
    );
}

#[test]
fn truncated_json_reports_where_it_stopped() {
    let err =
        detect_and_parse(None, br#"{"bomFormat":"CycloneDX","components":[{"name":"#).unwrap_err();
    assert!(err.to_string().contains("line 1"), "{err}");
}

#[test]
fn wrong_field_types_name_the_problem() {
    let err = detect_and_parse(
        None,
        br#"{"bomFormat":"CycloneDX","components":[{"purl":42}]}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("invalid type"), "{err}");
}
