//! Conformance with the OASIS client libraries: `tests/taxii_conformance.py` drives a live
//! server with taxii2-client and stix2 (discovery, Basic authentication, the stix2 TAXII
//! data store, every OASIS example round-tripped unchanged, paging, manifest, status).
//! The Python packages come from `.ci/run`; without them the test says why and skips.

use crate::intel::community;
use crate::support::TestApp;

/// The Python to use: `SHIRUBE_TAXII_PYTHON`, else `python3`, if it has both libraries.
async fn python() -> Option<String> {
    let python = std::env::var("SHIRUBE_TAXII_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = tokio::process::Command::new(&python)
        .args(["-c", "import taxii2client, stix2, requests"])
        .output()
        .await
        .is_ok_and(|o| o.status.success());
    ok.then_some(python)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_oasis_taxii_client_and_stix2_library_work_against_the_server_and_examples_round_trip_unchanged(
) {
    let Some(python) = python().await else {
        println!("skipped: no Python with taxii2-client and stix2 (set SHIRUBE_TAXII_PYTHON; .ci/run installs them)");
        return;
    };
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/taxii_conformance.py");
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/stix");
    for app in TestApp::all().await {
        let c = community(&app, "read_write").await;
        let member_email = c.member.email.clone();
        let out = tokio::process::Command::new(&python)
            .arg(&script)
            .args([
                &app.base,
                &member_email,
                &c.member.token,
                &c.group.id.to_string(),
                &c.collection,
            ])
            .arg(&data)
            .output()
            .await
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{} conformance failed:\n{stdout}\n{}",
            app.backend,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("conformance: all checks passed"),
            "{stdout}"
        );
    }
}
