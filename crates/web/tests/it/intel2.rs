//! Threat intelligence, issue 12 part 2: the buyer's portfolio flags suppliers exposed to
//! CLEAR/GREEN intelligence and explains the flag; indicators are matched by evaluating
//! their STIX patterns against the components of members' scans.

use reqwest::StatusCode;
use serde_json::json;

use crate::intel::{
    add, attr, browser, community, intel_notices, join, select, upload, write_index, CARGO_LOCK,
    REQUIREMENTS,
};
use crate::support::{number, Org, TestApp};

/// The buyer asks `supplier` for a level and the supplier shares its assessment with it.
async fn shares_with(app: &TestApp, supplier: &Org, buyer: &Org) {
    let assessment = app.create_assessment(&supplier.token, 3).await;
    let r = app
        .post_json(
            "/api/v1/suppliers",
            Some(&buyer.token),
            json!({ "corporate_number": number(app, supplier).await, "due_date": "2027-03-31",
                    "decision": { "confidential_info": false, "business_interruption": false, "network_access": false } }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app
        .post_json(
            "/api/v1/shares",
            Some(&supplier.token),
            json!({ "assessment_id": assessment, "buyer_organization_id": buyer.id }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

const GREEN_VULN: &str = r#"{"type":"vulnerability","spec_version":"2.1","id":"vulnerability--00000000-0000-4000-8000-0000000000e1","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"SmallVec overflow","external_references":[{"source_name":"cve","external_id":"CVE-2021-25900"}],"object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]}"#;
const AMBER_INDICATOR: &str = r#"{"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-0000000000e2","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"Secret idna campaign","pattern":"[software:name = 'idna' AND software:version LIKE '3.%']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z","object_marking_refs":["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"]}"#;

#[tokio::test]
async fn a_buyer_sees_which_suppliers_are_exposed_to_green_intelligence_on_its_portfolio_and_never_amber(
) {
    for app in TestApp::all().await {
        write_index(&app);
        let c = community(&app, "read").await;
        let python = app.signup("Python Shop").await;
        join(&app, &c.group, &python).await;
        upload(&app, &c.member.token, "Cargo.lock", CARGO_LOCK).await;
        upload(&app, &python.token, "requirements.txt", REQUIREMENTS).await;
        let buyer = app.signup("Buyer Motors").await;
        shares_with(&app, &c.member, &buyer).await;
        shares_with(&app, &python, &buyer).await;
        add(
            &app,
            &c,
            &c.group.token,
            &format!(r#"{{"objects":[{GREEN_VULN},{AMBER_INDICATOR}]}}"#),
        )
        .await;
        // The AMBER indicator did reach its member (so it matched), but not the buyer.
        assert_eq!(intel_notices(&app, &python.token).await.len(), 1);

        let web = browser(&app, &buyer).await;
        let html = web
            .get(app.url("/suppliers"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let badges = select(&html, "#portfolio a.intel-exposed");
        assert_eq!(badges, vec!["脅威情報の該当あり（1件）"], "{html}");
        let row = select(&html, "#portfolio tbody th.name");
        assert!(row
            .iter()
            .any(|r| r.starts_with("Member Works") && r.contains("脅威情報")));
        assert!(row.iter().any(|r| r == "Python Shop"), "{row:?}");
        let href = attr(&html, "#portfolio a.intel-exposed", "href").unwrap();
        assert_eq!(href, format!("/intel/suppliers#s-{}", c.member.id));

        let page = web
            .get(app.url("/intel/suppliers"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(select(&page, "h2.intel-supplier"), vec!["Member Works"]);
        assert_eq!(select(&page, "li.intel-object"), vec!["SmallVec overflow"]);
        assert!(!page.contains("Secret idna campaign") && !page.contains("Python Shop"));
        assert!(select(&page, &format!("#s-{}", c.member.id)).len() == 1);

        // In English, and for someone with nothing to see.
        let en = web
            .get(app.url("/suppliers"))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(
            select(&en, "#portfolio a.intel-exposed"),
            vec!["Exposed to intelligence (1)"]
        );
        let other_buyer = app.signup("Unrelated Buyer").await;
        let web = browser(&app, &other_buyer).await;
        let page = web
            .get(app.url("/intel/suppliers"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(select(&page, "#no-supplier-exposures").len(), 1);
    }
}

fn pattern_indicator(tail: u32, name: &str, pattern: &str) -> String {
    json!({
        "type": "indicator", "spec_version": "2.1",
        "id": format!("indicator--00000000-0000-4000-8000-{tail:012x}"),
        "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z",
        "name": name, "pattern": pattern, "pattern_type": "stix",
        "valid_from": "2024-01-01T00:00:00Z",
        "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]
    })
    .to_string()
}

#[tokio::test]
async fn indicators_reach_members_whose_components_satisfy_their_patterns_and_never_on_what_a_scan_cannot_show(
) {
    for app in TestApp::all().await {
        write_index(&app);
        let c = community(&app, "read").await;
        upload(&app, &c.member.token, "Cargo.lock", CARGO_LOCK).await;
        let objects = [
            pattern_indicator(
                0xf1,
                "Old smallvec",
                "[software:name = 'smallvec' AND software:version < '1.6.1']",
            ),
            pattern_indicator(0xf2, "New smallvec", "[software:name = 'smallvec' AND software:version >= '1.6.1']"),
            // Depends on network traffic a scan cannot show: not evaluable, never a match.
            pattern_indicator(
                0xf3,
                "Smallvec and a C2 address",
                "[software:name = 'smallvec' AND ipv4-addr:value = '198.51.100.1']",
            ),
            pattern_indicator(0xf4, "Smallvec then a C2 address", "[software:x_purl = 'pkg:cargo/smallvec@1.6.0'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.1']"),
            pattern_indicator(0xf5, "Crate by pattern", "[software:x_purl LIKE 'pkg:cargo/small%' OR file:name = 'x.dll']"),
        ];
        let bad = pattern_indicator(0xf6, "Broken", "[software:name = ");
        let status = add(
            &app,
            &c,
            &c.group.token,
            &format!(r#"{{"objects":[{},{bad}]}}"#, objects.join(",")),
        )
        .await;
        assert_eq!(status["success_count"], 5);
        assert_eq!(
            status["failures"][0]["id"],
            "indicator--00000000-0000-4000-8000-0000000000f6"
        );
        assert!(
            status["failures"][0]["message"]
                .as_str()
                .unwrap()
                .starts_with("`pattern`: the pattern is not valid STIX patterning"),
            "{status}"
        );

        let mut told: Vec<String> = intel_notices(&app, &c.member.token)
            .await
            .iter()
            .map(|n| n["body"].to_string())
            .collect();
        told.sort();
        assert_eq!(told.len(), 2, "{told:?}");
        assert!(told
            .iter()
            .any(|t| t.contains("Old smallvec") && t.contains("smallvec@1.6.0")));
        assert!(told.iter().any(|t| t.contains("Crate by pattern")));
        assert!(!told
            .iter()
            .any(|t| t.contains("C2 address") || t.contains("New smallvec")));

        // A member who uploads later is matched against the stored patterns too.
        let late = app.signup("Late Joiner").await;
        join(&app, &c.group, &late).await;
        upload(&app, &late.token, "Cargo.lock", CARGO_LOCK).await;
        let late_told = intel_notices(&app, &late.token).await;
        assert_eq!(late_told.len(), 2, "{late_told:?}");
    }
}

#[tokio::test]
async fn in_the_demo_a_members_software_list_is_hit_by_the_groups_indicators_and_a_bundle_can_be_loaded(
) {
    for app in TestApp::all().await {
        let logins = shirube_app::demo::seed(&app.state).await.unwrap();
        let password = shirube_app::demo::DEMO_PASSWORD;
        let supplier = logins
            .iter()
            .find(|l| l.organization == "さくら電子工業株式会社")
            .unwrap();
        let token = app.token(supplier.email, password).await;
        let told = intel_notices(&app, &token).await;
        let text = serde_json::to_string(&told).unwrap();
        assert_eq!(told.len(), 2, "{text}");
        assert!(
            text.contains("lodash@4.17.20") && text.contains("express@4.17.1"),
            "{text}"
        );
        let buyer = app.token("buyer@yamato-parts.example", password).await;
        let flags: serde_json::Value = app
            .get_json("/api/v1/intel/supplier-exposures", Some(&buyer))
            .await;
        let flagged: Vec<&str> = flags
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["supplier_name"].as_str().unwrap())
            .collect();
        assert_eq!(flagged, vec!["さくら電子工業株式会社"; 2]);

        // `serve --demo --demo-attack FILE`: a bundle goes into the group's collection, and
        // loading it again adds nothing.
        let bundle = br#"{"type":"bundle","id":"bundle--00000000-0000-4000-8000-000000000001","objects":[{"type":"attack-pattern","spec_version":"2.1","id":"attack-pattern--00000000-0000-4000-8000-000000000002","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"Exploit Public-Facing Application","x_mitre_domains":["ics-attack"]}]}"#;
        let status = shirube_app::demo::load_intel(&app.state, bundle)
            .await
            .unwrap();
        assert_eq!((status.success_count, status.failure_count), (1, 0));
        assert!(status.details.contains("\"added\""));
        let again = shirube_app::demo::load_intel(&app.state, bundle)
            .await
            .unwrap();
        assert!(again.details.contains("already present"));
    }
}
