//! The crate's purity rules, checked: no clock, no OS randomness, no I/O, and every source
//! file opens with a `//!` line.

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("source dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn the_library_never_reads_the_clock_os_randomness_or_files() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(!files.is_empty());
    let banned = [
        "Utc::now",
        "SystemTime",
        "Instant::now",
        "OsRng",
        "thread_rng",
        "getrandom",
        "std::fs",
        "std::net",
        "tokio",
        "sqlx",
        "axum",
    ];
    for f in files {
        let text = std::fs::read_to_string(&f).expect("source");
        assert!(
            text.starts_with("//!") || text.starts_with("#![doc"),
            "{} must open with a //! line",
            f.display()
        );
        for b in banned {
            assert!(!text.contains(b), "{} uses {b}", f.display());
        }
    }
}
