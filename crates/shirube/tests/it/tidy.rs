//! House rules that are easy to break by accident, checked as tests (after rust-analyzer's
//! tidy): pure crates stay pure, no crate depends upward, every source file says what it is for.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn dependencies(krate: &str) -> Vec<String> {
    let text =
        std::fs::read_to_string(root().join("crates").join(krate).join("Cargo.toml")).unwrap();
    let mut deps = Vec::new();
    let mut in_deps = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if in_deps {
            if let Some((name, _)) = line.split_once('=') {
                let name = name.trim();
                if !name.is_empty() && !name.starts_with('#') {
                    deps.push(name.to_string());
                }
            }
        }
    }
    deps
}

/// The layers, lowest first; a crate may depend only on crates in lower layers.
const LAYERS: &[&[&str]] = &[
    &["catalog"],
    &["vuln", "trust", "assess"],
    &["store"],
    &["server"],
    &["shirube"],
];

fn layer(krate: &str) -> usize {
    LAYERS
        .iter()
        .position(|l| l.contains(&krate))
        .unwrap_or_else(|| panic!("crate {krate} is in no layer"))
}

#[test]
fn pure_crates_have_no_io_runtime_database_or_http_dependency() {
    for krate in ["catalog", "assess", "vuln", "trust"] {
        for dep in dependencies(krate) {
            for banned in ["tokio", "sqlx", "axum", "hyper", "reqwest", "tower"] {
                assert!(
                    !dep.starts_with(banned),
                    "pure crate {krate} depends on {dep}"
                );
            }
        }
    }
}

#[test]
fn no_crate_depends_upward() {
    for layer_crates in LAYERS {
        for krate in *layer_crates {
            for dep in dependencies(krate) {
                if let Some(internal) = dep.strip_prefix("shirube-") {
                    assert!(
                        layer(internal) < layer(krate),
                        "{krate} depends on {internal}, which is not below it"
                    );
                }
            }
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            if name != "target" && name != "fuzz" && !name.starts_with('.') {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_source_file_opens_with_a_doc_comment_saying_what_it_is_for() {
    let mut files = Vec::new();
    rust_files(&root().join("crates"), &mut files);
    assert!(files.len() > 20);
    let missing: Vec<String> = files
        .iter()
        .filter(|p| {
            !std::fs::read_to_string(p)
                .unwrap()
                .trim_start()
                .starts_with("//!")
        })
        .map(|p| p.strip_prefix(root()).unwrap_or(p).display().to_string())
        .collect();
    assert!(missing.is_empty(), "files without a //! line: {missing:?}");
}

#[test]
fn only_the_store_writes_sql() {
    let mut files = Vec::new();
    for krate in ["catalog", "assess", "vuln", "trust", "server"] {
        rust_files(&root().join("crates").join(krate).join("src"), &mut files);
    }
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for needle in ["sqlx::query", "INSERT INTO", "SELECT * FROM"] {
            assert!(
                !text.contains(needle),
                "{} contains {needle:?}",
                f.display()
            );
        }
    }
}
