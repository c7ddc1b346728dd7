//! `shirube catalog` and `shirube admin` as a user runs them.

use std::process::Command;

use serde_json::Value;

fn shirube(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_shirube"))
        .args(args)
        .output()
        .expect("run shirube")
}

#[test]
fn catalog_list_json_gives_the_81_level_3_criteria_with_the_documented_fields() {
    let out = shirube(&["catalog", "list", "--level", "3", "--format", "json"]);
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), 81);
    let first = &items[0];
    for field in ["id", "requirement_id", "category", "csf_function"] {
        assert!(first[field].is_string(), "{field}");
    }
    assert_eq!(first["level"], 3);
    assert!(first["title"]["ja"].is_string() && first["title"]["en"].is_string());
}

#[test]
fn catalog_list_defaults_to_a_table_of_all_153_criteria() {
    let out = shirube(&["catalog", "list"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("ID"));
    assert!(text.contains("153 criteria"));
}

#[test]
fn bad_usage_exits_2_with_a_message() {
    let out = shirube(&["catalog", "list", "--level", "5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--level"));
}

#[test]
fn catalog_export_oscal_writes_a_catalog_and_one_profile_per_level() {
    let dir = tempfile::tempdir().unwrap();
    let out = shirube(&[
        "catalog",
        "export",
        "--format",
        "oscal",
        "--out-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let catalog: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("scs-2026-03-27-catalog.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(catalog["catalog"]["groups"].as_array().unwrap().len(), 7);
    for level in [3, 4] {
        let p: Value = serde_json::from_slice(
            &std::fs::read(
                dir.path()
                    .join(format!("scs-2026-03-27-profile-level{level}.json")),
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(
            p["profile"]["imports"][0]["href"],
            "scs-2026-03-27-catalog.json"
        );
    }
    let out = shirube(&["catalog", "export", "--format", "oscal", "--lang", "en"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["catalog"]["metadata"]["title"]
        .as_str()
        .unwrap()
        .starts_with("Supply-chain"));
}

#[test]
fn verify_audit_on_a_missing_data_dir_is_bad_usage() {
    let dir = tempfile::tempdir().unwrap();
    let out = shirube(&[
        "admin",
        "verify-audit",
        "--data-dir",
        dir.path().join("none").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
}

/// A data directory holding one signed-up organisation; returns its id.
fn data_dir_with_organisation(
    dir: &std::path::Path,
    corporate_number: &str,
) -> shirube_store::OrganizationId {
    use shirube_store::{NewOrganization, NewUser, Store};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = Store::open(
            &shirube_store::sqlite_url_for(dir),
            &shirube_store::blob_dir_for(dir),
        )
        .await
        .unwrap();
        let (org, _) = store
            .create_organization(
                &NewOrganization {
                    name: "中部機械工業会",
                    corporate_number,
                    industry: "E",
                    employees: 12,
                    capital_yen: None,
                    prefecture: "23",
                },
                &NewUser {
                    email: "office@chubu-kikai.example",
                    name: "事務局",
                    role: shirube_store::Role::Owner,
                    password_hash: "not-used-here",
                },
            )
            .await
            .unwrap();
        store.close().await;
        org
    })
}

fn is_industry_group(dir: &std::path::Path, org_id: &shirube_store::OrganizationId) -> bool {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = shirube_store::Store::open(
            &shirube_store::sqlite_url_for(dir),
            &shirube_store::blob_dir_for(dir),
        )
        .await
        .unwrap();
        let flag = store.is_industry_group(org_id).await.unwrap();
        store.close().await;
        flag
    })
}

#[test]
fn grant_industry_group_marks_a_signed_up_organisation_and_revoke_withdraws_it() {
    let dir = tempfile::tempdir().unwrap();
    let org = data_dir_with_organisation(dir.path(), "7000012050002");
    let data_dir = dir.path().to_str().unwrap();
    assert!(!is_industry_group(dir.path(), &org));

    let out = shirube(&[
        "admin",
        "grant-industry-group",
        "--data-dir",
        data_dir,
        "--corporate-number",
        "7-0000-1205-0002",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("is now an industry group"));
    assert!(is_industry_group(dir.path(), &org));

    let out = shirube(&[
        "admin",
        "grant-industry-group",
        "--data-dir",
        data_dir,
        "--corporate-number",
        "7000012050002",
        "--revoke",
    ]);
    assert!(out.status.success());
    assert!(!is_industry_group(dir.path(), &org));

    let out = shirube(&[
        "admin",
        "grant-industry-group",
        "--data-dir",
        data_dir,
        "--corporate-number",
        "1234567890123",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown organisation is bad input"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1234567890123"));
}

fn expert_status(dir: &std::path::Path, email: &str) -> Option<String> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = shirube_store::Store::open(
            &shirube_store::sqlite_url_for(dir),
            &shirube_store::blob_dir_for(dir),
        )
        .await
        .unwrap();
        let e = store.expert_by_email(email).await.unwrap();
        store.close().await;
        e.map(|e| e.status.as_str().to_string())
    })
}

#[test]
fn approve_expert_approves_a_signed_up_expert_and_revoke_withdraws_them() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = shirube_store::Store::open(
            &shirube_store::sqlite_url_for(dir.path()),
            &shirube_store::blob_dir_for(dir.path()),
        )
        .await
        .unwrap();
        store
            .create_expert(
                &shirube_store::NewExpert {
                    name: "支援士 花子",
                    qualification_kind: shirube_store::QualificationKind::Riss,
                    qualification_number: "012345",
                    prefectures: r#"["13"]"#,
                    industries: r#"["E"]"#,
                    languages: r#"["ja"]"#,
                    accepting: true,
                    prefecture: "13",
                    industry: "E",
                },
                "hanako@riss.example.jp",
                "not-used-here",
            )
            .await
            .unwrap();
        store.close().await;
    });
    let data_dir = dir.path().to_str().unwrap();
    assert_eq!(
        expert_status(dir.path(), "hanako@riss.example.jp").as_deref(),
        Some("pending")
    );
    let out = shirube(&[
        "admin",
        "approve-expert",
        "--data-dir",
        data_dir,
        "--email",
        "Hanako@riss.example.jp",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("is approved"));
    assert_eq!(
        expert_status(dir.path(), "hanako@riss.example.jp").as_deref(),
        Some("approved")
    );
    let out = shirube(&[
        "admin",
        "approve-expert",
        "--data-dir",
        data_dir,
        "--email",
        "hanako@riss.example.jp",
        "--revoke",
    ]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("withdrawn; 0 open engagement(s) ended"));
    assert_eq!(
        expert_status(dir.path(), "hanako@riss.example.jp").as_deref(),
        Some("withdrawn")
    );
    let out = shirube(&[
        "admin",
        "approve-expert",
        "--data-dir",
        data_dir,
        "--email",
        "nobody@riss.example.jp",
    ]);
    assert_eq!(out.status.code(), Some(2), "an unknown expert is bad input");
    assert!(String::from_utf8_lossy(&out.stderr).contains("nobody@riss.example.jp"));
}

fn is_publisher(dir: &std::path::Path, org_id: &shirube_store::OrganizationId) -> bool {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = shirube_store::Store::open(
            &shirube_store::sqlite_url_for(dir),
            &shirube_store::blob_dir_for(dir),
        )
        .await
        .unwrap();
        let flag = store.is_publisher(org_id).await.unwrap();
        store.close().await;
        flag
    })
}

#[test]
fn grant_publisher_marks_a_public_body_and_revoke_withdraws_it() {
    let dir = tempfile::tempdir().unwrap();
    let org = data_dir_with_organisation(dir.path(), "7000012050002");
    let data_dir = dir.path().to_str().unwrap();
    assert!(!is_publisher(dir.path(), &org));
    let grant = |extra: &[&str]| {
        let mut args = vec!["admin", "grant-publisher", "--data-dir", data_dir];
        args.extend_from_slice(extra);
        shirube(&args)
    };
    let out = grant(&["--corporate-number", "7-0000-1205-0002"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("is now a publisher"));
    assert!(is_publisher(dir.path(), &org));

    let out = grant(&["--corporate-number", "7000012050002", "--revoke"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("is no longer a publisher"));
    assert!(!is_publisher(dir.path(), &org));

    let out = grant(&["--corporate-number", "1234567890123"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown organisation is bad input"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1234567890123"));
}

fn is_verifier(dir: &std::path::Path, org_id: &shirube_store::OrganizationId) -> bool {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = shirube_store::Store::open(
            &shirube_store::sqlite_url_for(dir),
            &shirube_store::blob_dir_for(dir),
        )
        .await
        .unwrap();
        let flag = store.is_verifier(org_id).await.unwrap();
        store.close().await;
        flag
    })
}

#[test]
fn grant_verifier_marks_a_technical_verification_provider_and_revoke_withdraws_it() {
    let dir = tempfile::tempdir().unwrap();
    let org = data_dir_with_organisation(dir.path(), "7000012050002");
    let data_dir = dir.path().to_str().unwrap();
    assert!(!is_verifier(dir.path(), &org));
    let grant = |extra: &[&str]| {
        let mut args = vec!["admin", "grant-verifier", "--data-dir", data_dir];
        args.extend_from_slice(extra);
        shirube(&args)
    };
    let out = grant(&["--corporate-number", "7-0000-1205-0002"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("is now a technical verification provider")
    );
    assert!(is_verifier(dir.path(), &org));
    let out = grant(&["--corporate-number", "7000012050002", "--revoke"]);
    assert!(out.status.success());
    assert!(!is_verifier(dir.path(), &org));
    let out = grant(&["--corporate-number", "1234567890123"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown organisation is bad input"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1234567890123"));
}
