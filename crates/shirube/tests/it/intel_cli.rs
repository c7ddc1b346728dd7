//! `shirube intel import` as an operator runs it: a bundle into a group's collection, with
//! refused objects listed and exit code 1; MITRE ATT&CK for ICS when the shared data is there.

use std::process::Command;

/// A data directory with an industry group and one collection; returns the collection id.
fn data_dir_with_collection(dir: &std::path::Path) -> String {
    use shirube_store::{Actor, MemberAccess, NewOrganization, NewUser, Store};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = Store::open(
            &shirube_store::sqlite_url_for(dir),
            &shirube_store::blob_dir_for(dir),
        )
        .await
        .unwrap();
        let (org, user) = store
            .create_organization(
                &NewOrganization {
                    name: "電機ISAC",
                    corporate_number: "7000012050002",
                    industry: "E",
                    employees: 12,
                    capital_yen: None,
                    prefecture: "13",
                },
                &NewUser {
                    email: "office@isac.example",
                    name: "事務局",
                    role: shirube_store::Role::Owner,
                    password_hash: "not-used-here",
                },
            )
            .await
            .unwrap();
        store.designate_industry_group(&org).await.unwrap();
        let id = store
            .create_intel_collection(
                Actor::user(&org, &user),
                &org,
                "ATT&CK for ICS",
                "",
                MemberAccess::Read,
            )
            .await
            .unwrap();
        store.close().await;
        id.into_string()
    })
}

fn import(dir: &std::path::Path, file: &std::path::Path, collection: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_shirube"))
        .args([
            "intel",
            "import",
            file.to_str().unwrap(),
            "--collection",
            collection,
            "--data-dir",
            dir.to_str().unwrap(),
        ])
        .output()
        .expect("run shirube")
}

#[test]
fn intel_import_stores_a_bundle_and_lists_the_objects_it_refused() {
    let dir = tempfile::tempdir().unwrap();
    let collection = data_dir_with_collection(dir.path());
    let bundle = dir.path().join("bundle.json");
    std::fs::write(
        &bundle,
        r#"{"type":"bundle","id":"bundle--00000000-0000-4000-8000-000000000001","objects":[
 {"type":"malware","spec_version":"2.1","id":"malware--00000000-0000-4000-8000-000000000002","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"PLCworm","is_family":true},
 {"type":"malware","spec_version":"2.1","id":"tool--00000000-0000-4000-8000-000000000003","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","is_family":true}]}"#,
    )
    .unwrap();
    let out = import(dir.path(), &bundle, &collection);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("1 of 2 objects stored"), "{stdout}");
    assert!(
        stdout.contains("refused tool--00000000-0000-4000-8000-000000000003"),
        "{stdout}"
    );

    let out = import(dir.path(), &bundle, "no-such-collection");
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(&bundle, "not json").unwrap();
    let out = import(dir.path(), &bundle, &collection);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("objects"));
}

#[test]
fn intel_import_loads_attack_for_ics_whole() {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/stix/attack/ics-attack-18.1.json");
    if !file.exists() {
        println!("skipped: {} is absent", file.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let collection = data_dir_with_collection(dir.path());
    let out = import(dir.path(), &file, &collection);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("1826 of 1826 objects stored"), "{stdout}");
}
