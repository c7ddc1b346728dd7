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
    &["vuln", "trust", "assess", "stats", "stix"],
    &["store"],
    &["app"],
    &["web"],
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
    for krate in ["catalog", "assess", "vuln", "trust", "stats", "stix"] {
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
    for krate in [
        "catalog", "assess", "vuln", "trust", "stats", "stix", "app", "web",
    ] {
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

#[test]
fn the_web_face_reaches_the_store_only_through_use_cases() {
    let deps = dependencies("web");
    assert!(
        !deps.iter().any(|d| d == "shirube-store" || d == "sqlx"),
        "web depends on the store or sqlx: {deps:?}"
    );
    let mut files = Vec::new();
    rust_files(&root().join("crates/web/src"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for needle in ["shirube_store", ".store.", ".store()", "state.store"] {
            assert!(
                !text.contains(needle),
                "{} reaches the store ({needle:?}): call a use case in shirube-app instead",
                f.display()
            );
        }
    }
}

#[test]
fn the_application_core_knows_no_http() {
    for dep in dependencies("app") {
        for banned in ["axum", "http", "hyper", "tower", "askama", "reqwest"] {
            assert!(
                !dep.starts_with(banned),
                "app depends on {dep}: HTTP belongs in the web crate"
            );
        }
    }
    let mut files = Vec::new();
    rust_files(&root().join("crates/app/src"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for needle in ["axum::", "http::", "askama::", "StatusCode"] {
            assert!(!text.contains(needle), "{} mentions {needle}", f.display());
        }
    }
}

/// Time and randomness come from the application's clock module and the key store only, so
/// that tests can move time and nothing reads the wall clock behind their back.
#[test]
fn only_the_clock_and_the_key_store_read_time_or_os_randomness() {
    let allowed = ["crates/app/src/clock.rs", "crates/app/src/trust.rs"];
    let mut files = Vec::new();
    for krate in ["app", "web"] {
        rust_files(&root().join("crates").join(krate).join("src"), &mut files);
    }
    for f in files {
        let rel = f.strip_prefix(root()).unwrap_or(&f).display().to_string();
        if allowed.iter().any(|a| rel.ends_with(a)) {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        for needle in [
            "Utc::now",
            "Local::now",
            "SystemTime::now",
            "OsRng",
            "thread_rng",
            "now_v7",
            "store::now_string",
        ] {
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                assert!(
                    !code.contains(needle),
                    "{rel}:{}: {needle} — take the time or randomness from App::clock / clock.rs",
                    n + 1
                );
            }
        }
    }
}

/// The top-level modules of a crate and which others each one names (`crate::x`).
fn module_graph(
    krate: &str,
) -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let src = root().join("crates").join(krate).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph = std::collections::BTreeMap::<String, std::collections::BTreeSet<String>>::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap().to_string_lossy().to_string();
        let module = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let edges = graph.entry(module.clone()).or_default();
        for (i, _) in text.match_indices("crate::") {
            let rest = &text[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `crate::{a, b}` groups
            if rest.starts_with('{') {
                let group = &rest[1..rest.find('}').unwrap_or(1)];
                for item in group.split(',') {
                    let n: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !n.is_empty() && n != module && n.chars().next().unwrap().is_lowercase() {
                        edges.insert(n);
                    }
                }
            } else if !name.is_empty()
                && name != module
                && name.chars().next().unwrap().is_lowercase()
            {
                edges.insert(name);
            }
        }
    }
    graph
}

#[test]
fn no_crate_has_an_import_circle_between_its_modules() {
    for krate in ["app", "web", "store"] {
        let graph = module_graph(krate);
        // Depth-first search for a back edge.
        fn visit(
            node: &str,
            graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
            path: &mut Vec<String>,
            done: &mut std::collections::BTreeSet<String>,
        ) -> Option<Vec<String>> {
            if let Some(pos) = path.iter().position(|p| p == node) {
                let mut cycle = path[pos..].to_vec();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            if done.contains(node) {
                return None;
            }
            path.push(node.to_string());
            for next in graph.get(node).into_iter().flatten() {
                if graph.contains_key(next) {
                    if let Some(c) = visit(next, graph, path, done) {
                        return Some(c);
                    }
                }
            }
            path.pop();
            done.insert(node.to_string());
            None
        }
        let mut done = std::collections::BTreeSet::new();
        for node in graph.keys() {
            if let Some(cycle) = visit(node, &graph, &mut Vec::new(), &mut done) {
                panic!(
                    "{krate}: modules import each other in a circle: {}",
                    cycle.join(" → ")
                );
            }
        }
    }
}
