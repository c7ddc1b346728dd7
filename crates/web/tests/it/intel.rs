//! Threat intelligence over TAXII 2.1: an industry group's collections, members using them
//! with their own tokens (Bearer or Basic), objects kept byte for byte, keyset paging, TLP
//! RED enforced on every route, and the errors the specification asks for.

use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

use crate::support::{assert_problem, Org, TestApp};

const TAXII: &str = "application/taxii+json;version=2.1";

/// A group with one active member and one outsider, and a collection.
pub struct Community {
    pub group: Org,
    pub member: Org,
    pub outsider: Org,
    pub collection: String,
}

impl Community {
    pub fn objects(&self) -> String {
        format!(
            "/taxii2/{}/collections/{}/objects/",
            self.group.id, self.collection
        )
    }
}

use crate::support::number;

/// Makes `member` an active member of `group` (invitation, then the member's consent).
pub async fn join(app: &TestApp, group: &Org, member: &Org) {
    let r = app
        .post_json(
            "/api/v1/industry/members",
            Some(&group.token),
            json!({ "corporate_number": number(app, member).await }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .post_json(
            &format!("/api/v1/industry/memberships/{id}/accept"),
            Some(&member.token),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
}

pub async fn collection(app: &TestApp, group: &Org, access: &str) -> String {
    let r = app
        .post_json(
            "/api/v1/intel/collections",
            Some(&group.token),
            json!({ "title": "ICS indicators", "description": "Shared by the group", "member_access": access }),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

pub async fn community(app: &TestApp, access: &str) -> Community {
    let group = app.signup("Denki ISAC").await;
    app.state
        .store()
        .designate_industry_group(&group.id)
        .await
        .unwrap();
    let member = app.signup("Member Works").await;
    let outsider = app.signup("Outsider Ltd").await;
    join(app, &group, &member).await;
    let collection = collection(app, &group, access).await;
    Community {
        group,
        member,
        outsider,
        collection,
    }
}

pub async fn taxii_get(app: &TestApp, path: &str, token: &str) -> Response {
    TestApp::client()
        .get(app.url(path))
        .bearer_auth(token)
        .header("accept", TAXII)
        .send()
        .await
        .unwrap()
}

pub async fn taxii_post(app: &TestApp, path: &str, token: &str, body: &str) -> Response {
    TestApp::client()
        .post(app.url(path))
        .bearer_auth(token)
        .header("accept", TAXII)
        .header("content-type", TAXII)
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

/// Posts an envelope and returns the (already complete) status.
pub async fn add(app: &TestApp, c: &Community, token: &str, body: &str) -> Value {
    let r = taxii_post(app, &c.objects(), token, body).await;
    assert_eq!(
        r.status(),
        StatusCode::ACCEPTED,
        "{}",
        r.text().await.unwrap()
    );
    assert_eq!(r.headers()["content-type"], TAXII);
    let status: Value = r.json().await.unwrap();
    assert_eq!(status["status"], "complete");
    status
}

fn indicator(uuid_tail: u32, modified: &str, extra: &str) -> String {
    format!(
        r#"{{"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-{uuid_tail:012}","created":"2024-01-01T00:00:00.000Z","modified":"{modified}","pattern":"[ipv4-addr:value = '198.51.100.{}']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"{extra}}}"#,
        uuid_tail % 250
    )
}

fn ids(envelope: &Value) -> Vec<String> {
    envelope["objects"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| o["id"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_group_shares_objects_that_a_member_reads_over_taxii_with_its_own_token_and_outsiders_find_nothing(
) {
    for app in TestApp::all().await {
        let c = community(&app, "read_write").await;
        // Discovery lists the group's API root for the member, nothing for an outsider.
        let d: Value = taxii_get(&app, "/taxii2/", &c.member.token)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            d["api_roots"],
            json!([app.url(&format!("/taxii2/{}/", c.group.id))])
        );
        let d: Value = taxii_get(&app, "/taxii2/", &c.outsider.token)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(d["api_roots"], json!([]));
        for path in [
            format!("/taxii2/{}/", c.group.id),
            format!("/taxii2/{}/collections/", c.group.id),
            format!("/taxii2/{}/collections/{}/", c.group.id, c.collection),
            c.objects(),
        ] {
            assert_eq!(
                taxii_get(&app, &path, &c.outsider.token).await.status(),
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        let cols: Value = taxii_get(
            &app,
            &format!("/taxii2/{}/collections/", c.group.id),
            &c.member.token,
        )
        .await
        .json()
        .await
        .unwrap();
        assert_eq!(cols["collections"][0]["id"], c.collection.as_str());
        assert_eq!(cols["collections"][0]["can_read"], true);
        assert_eq!(cols["collections"][0]["can_write"], true);

        let body = format!(
            r#"{{"objects":[{}]}}"#,
            indicator(1, "2024-01-01T00:00:00.000Z", "")
        );
        let status = add(&app, &c, &c.group.token, &body).await;
        assert_eq!(
            (
                status["total_count"].as_i64(),
                status["success_count"].as_i64()
            ),
            (Some(1), Some(1))
        );
        let r = taxii_get(&app, &c.objects(), &c.member.token).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers().contains_key("x-taxii-date-added-first"));
        let env: Value = r.json().await.unwrap();
        assert_eq!(
            ids(&env),
            vec!["indicator--00000000-0000-4000-8000-000000000001"]
        );
        assert_eq!(env["more"], false);
        // The status is the sender's to poll; the outsider cannot.
        let status_path = format!(
            "/taxii2/{}/status/{}/",
            c.group.id,
            status["id"].as_str().unwrap()
        );
        let polled: Value = taxii_get(&app, &status_path, &c.group.token)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(polled["success_count"], 1);
        assert_eq!(
            taxii_get(&app, &status_path, &c.member.token)
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            taxii_get(&app, &status_path, &c.outsider.token)
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn objects_come_back_byte_for_byte_with_their_custom_properties() {
    for app in TestApp::all().await {
        let c = community(&app, "read").await;
        let odd = indicator(
            7,
            "2024-02-01T00:00:00.1Z",
            r#", "x_acme_score" : 1.50e0, "extensions":{"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e":{"extension_type":"property-extension","rank":5}} ,"x_nested":{"z":[1,2,{"ja":"日本語\u3042"}]}"#,
        );
        add(
            &app,
            &c,
            &c.group.token,
            &format!("{{\"objects\":[\n  {odd}\n]}}"),
        )
        .await;
        let r = taxii_get(
            &app,
            &format!(
                "{}indicator--00000000-0000-4000-8000-000000000007/",
                c.objects()
            ),
            &c.member.token,
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK);
        let text = r.text().await.unwrap();
        assert!(text.contains(&odd), "{text}");
    }
}

#[tokio::test]
async fn a_bad_object_fails_alone_with_its_reason_in_the_status() {
    for app in TestApp::all().await {
        let c = community(&app, "read_write").await;
        let bad_id = r#"{"type":"indicator","spec_version":"2.1","id":"malware--00000000-0000-4000-8000-000000000009","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z"}"#;
        let no_spec = r#"{"type":"malware","id":"malware--00000000-0000-4000-8000-000000000010","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","is_family":false}"#;
        let body = format!(
            r#"{{"objects":[{},{bad_id},{no_spec},42]}}"#,
            indicator(2, "2024-01-01T00:00:00Z", "")
        );
        let status = add(&app, &c, &c.member.token, &body).await;
        assert_eq!(status["total_count"], 4);
        assert_eq!(status["success_count"], 1);
        assert_eq!(status["failure_count"], 3);
        let messages: Vec<&str> = status["failures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["message"].as_str().unwrap())
            .collect();
        assert!(messages[0].contains("`id`"), "{messages:?}");
        assert!(messages[1].contains("spec_version"), "{messages:?}");
        assert_eq!(
            status["failures"][1]["id"],
            "malware--00000000-0000-4000-8000-000000000010"
        );
        // Sending the same object again is a success that stores nothing twice.
        let again = add(&app, &c, &c.member.token, &body).await;
        assert_eq!(again["success_count"], 1);
        let env: Value = taxii_get(&app, &c.objects(), &c.group.token)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(ids(&env).len(), 1);
    }
}

#[tokio::test]
async fn paging_with_limit_and_next_visits_every_object_once_and_versions_can_be_chosen() {
    for app in TestApp::all().await {
        let c = community(&app, "read").await;
        let objects: Vec<String> = (1..=25)
            .map(|i| indicator(i, "2024-01-01T00:00:00Z", ""))
            .collect();
        add(
            &app,
            &c,
            &c.group.token,
            &format!(r#"{{"objects":[{}]}}"#, objects.join(",")),
        )
        .await;
        // A second version of object 3.
        add(
            &app,
            &c,
            &c.group.token,
            &format!(
                r#"{{"objects":[{}]}}"#,
                indicator(3, "2024-06-01T00:00:00Z", "")
            ),
        )
        .await;
        let mut seen = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let path = match &next {
                Some(n) => format!("{}?limit=10&next={n}", c.objects()),
                None => format!("{}?limit=10", c.objects()),
            };
            let env: Value = taxii_get(&app, &path, &c.member.token)
                .await
                .json()
                .await
                .unwrap();
            seen.extend(ids(&env));
            if env["more"] == true {
                next = Some(env["next"].as_str().unwrap().to_string());
            } else {
                break;
            }
        }
        assert_eq!(seen.len(), 25, "the latest version of each object, once");
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 25);
        let three = "indicator--00000000-0000-4000-8000-000000000003";
        let versions: Value = taxii_get(
            &app,
            &format!("{}{three}/versions/", c.objects()),
            &c.member.token,
        )
        .await
        .json()
        .await
        .unwrap();
        assert_eq!(
            versions["versions"],
            json!(["2024-01-01T00:00:00Z", "2024-06-01T00:00:00Z"])
        );
        let first: Value = taxii_get(
            &app,
            &format!("{}{three}/?match[version]=first", c.objects()),
            &c.member.token,
        )
        .await
        .json()
        .await
        .unwrap();
        assert_eq!(first["objects"][0]["modified"], "2024-01-01T00:00:00Z");
        let all: Value = taxii_get(
            &app,
            &format!("{}?match[id]={three}&match[version]=all", c.objects()),
            &c.member.token,
        )
        .await
        .json()
        .await
        .unwrap();
        assert_eq!(ids(&all).len(), 2);
        let manifest: Value = taxii_get(
            &app,
            &format!(
                "/taxii2/{}/collections/{}/manifest/?match[type]=indicator&limit=5",
                c.group.id, c.collection
            ),
            &c.member.token,
        )
        .await
        .json()
        .await
        .unwrap();
        assert_eq!(manifest["objects"].as_array().unwrap().len(), 5);
        assert_eq!(
            manifest["objects"][0]["media_type"],
            "application/stix+json;version=2.1"
        );
        let none: Value = taxii_get(
            &app,
            &format!("{}?match[type]=malware", c.objects()),
            &c.member.token,
        )
        .await
        .json()
        .await
        .unwrap();
        assert_eq!(none, json!({ "more": false }));
    }
}

#[tokio::test]
async fn a_red_object_stays_with_its_contributor_the_group_and_its_named_recipients_on_every_route()
{
    for app in TestApp::all().await {
        let c = community(&app, "read_write").await;
        let recipient = app.signup("Recipient KK").await;
        join(&app, &c.group, &recipient).await;
        let red = r#"{"type":"vulnerability","spec_version":"2.1","id":"vulnerability--00000000-0000-4000-8000-0000000000aa","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"CVE-2024-0001","object_marking_refs":["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]}"#;
        let unknown = r#"{"type":"vulnerability","spec_version":"2.1","id":"vulnerability--00000000-0000-4000-8000-0000000000bb","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"CVE-2024-0002","object_marking_refs":["marking-definition--00000000-0000-4000-8000-000000000001"]}"#;
        let green = indicator(
            5,
            "2024-01-01T00:00:00Z",
            r#","object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]"#,
        );
        let body = format!(
            r#"{{"x_shirube_recipients":["{}"],"objects":[{red},{unknown},{green}]}}"#,
            number(&app, &recipient).await
        );
        add(&app, &c, &c.member.token, &body).await;
        let other = app.signup("Other Member").await;
        join(&app, &c.group, &other).await;
        let red_id = "vulnerability--00000000-0000-4000-8000-0000000000aa";
        let unknown_id = "vulnerability--00000000-0000-4000-8000-0000000000bb";
        let manifest = format!(
            "/taxii2/{}/collections/{}/manifest/",
            c.group.id, c.collection
        );
        for (who, token, sees) in [
            ("contributor", &c.member.token, true),
            ("group", &c.group.token, true),
            ("recipient", &recipient.token, true),
            ("other member", &other.token, false),
        ] {
            let env: Value = taxii_get(&app, &c.objects(), token)
                .await
                .json()
                .await
                .unwrap();
            assert_eq!(
                ids(&env).contains(&red_id.to_string()),
                sees,
                "{who} objects"
            );
            assert_eq!(
                ids(&env).contains(&unknown_id.to_string()),
                sees,
                "{who}: an unknown marking counts as RED"
            );
            assert_eq!(ids(&env).len(), if sees { 3 } else { 1 }, "{who} count");
            let m: Value = taxii_get(&app, &manifest, token)
                .await
                .json()
                .await
                .unwrap();
            assert_eq!(
                ids(&m).contains(&red_id.to_string()),
                sees,
                "{who} manifest"
            );
            let by_id = taxii_get(&app, &format!("{}{red_id}/", c.objects()), token)
                .await
                .status();
            assert_eq!(by_id == StatusCode::OK, sees, "{who} by id");
            let versions = taxii_get(&app, &format!("{}{red_id}/versions/", c.objects()), token)
                .await
                .status();
            assert_eq!(versions == StatusCode::OK, sees, "{who} versions");
            let matched: Value =
                taxii_get(&app, &format!("{}?match[id]={red_id}", c.objects()), token)
                    .await
                    .json()
                    .await
                    .unwrap();
            assert_eq!(ids(&matched).len(), usize::from(sees), "{who} match[id]");
        }
        // The other member cannot delete what it cannot see, nor what another member added.
        let del = TestApp::client()
            .delete(app.url(&format!("{}{red_id}/", c.objects())))
            .bearer_auth(&other.token)
            .header("accept", TAXII)
            .send()
            .await
            .unwrap();
        assert_eq!(del.status(), StatusCode::NOT_FOUND);
        let green_id = "indicator--00000000-0000-4000-8000-000000000005";
        let del = TestApp::client()
            .delete(app.url(&format!("{}{green_id}/", c.objects())))
            .bearer_auth(&other.token)
            .header("accept", TAXII)
            .send()
            .await
            .unwrap();
        assert_eq!(del.status(), StatusCode::FORBIDDEN);
        let del = TestApp::client()
            .delete(app.url(&format!("{}{green_id}/", c.objects())))
            .bearer_auth(&c.member.token)
            .header("accept", TAXII)
            .send()
            .await
            .unwrap();
        assert_eq!(del.status(), StatusCode::OK);
        assert_eq!(
            taxii_get(&app, &format!("{}{green_id}/", c.objects()), &c.group.token)
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn an_anonymised_contribution_names_the_group_and_keeps_the_sender_only_in_the_audit_log() {
    for app in TestApp::all().await {
        let c = community(&app, "read_write").await;
        let body = format!(
            r#"{{"x_shirube_anonymous":true,"objects":[{}]}}"#,
            indicator(11, "2024-01-01T00:00:00Z", "")
        );
        add(&app, &c, &c.member.token, &body).await;
        let rows = app
            .state
            .store()
            .intel_objects(
                &shirube_store::IntelCollectionId::from(c.collection.as_str()),
                shirube_store::Reader {
                    organization_id: &c.group.id,
                    is_group: true,
                },
                &shirube_store::IntelQuery {
                    versions: shirube_store::VersionMatch {
                        all: true,
                        ..Default::default()
                    },
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(rows[0].contributor_id, c.group.id);
        let audit = app
            .state
            .store()
            .audit_for_org(&c.member.id, 20)
            .await
            .unwrap();
        assert!(audit
            .iter()
            .any(|e| e.action == "intel.objects.add" && e.detail.contains(c.member.id.as_str())));
        // Bad options are refused before anything is stored.
        let r = taxii_post(
            &app,
            &c.objects(),
            &c.member.token,
            r#"{"x_shirube_recipients":["1234567890123"],"objects":[]}"#,
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("x_shirube_recipients"));
    }
}

#[tokio::test]
async fn a_drop_box_takes_members_objects_but_only_the_group_reads_it() {
    for app in TestApp::all().await {
        let c = community(&app, "write").await;
        add(
            &app,
            &c,
            &c.member.token,
            &format!(
                r#"{{"objects":[{}]}}"#,
                indicator(21, "2024-01-01T00:00:00Z", "")
            ),
        )
        .await;
        assert_eq!(
            taxii_get(&app, &c.objects(), &c.member.token)
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        let env: Value = taxii_get(&app, &c.objects(), &c.group.token)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(ids(&env).len(), 1);
        // A read-only collection refuses the member's objects.
        let ro = collection(&app, &c.group, "read").await;
        let r = taxii_post(
            &app,
            &format!("/taxii2/{}/collections/{ro}/objects/", c.group.id),
            &c.member.token,
            r#"{"objects":[]}"#,
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn media_types_credentials_and_bad_parameters_get_the_errors_taxii_specifies() {
    for app in TestApp::all().await {
        let c = community(&app, "read_write").await;
        let client = TestApp::client();
        let r = client
            .get(app.url("/taxii2/"))
            .header("accept", TAXII)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(r.headers()["content-type"], TAXII);
        let r = client
            .get(app.url("/taxii2/"))
            .bearer_auth("not-a-token")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let r = client
            .get(app.url("/taxii2/"))
            .bearer_auth(&c.member.token)
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_ACCEPTABLE);
        let r = client
            .get(app.url("/taxii2/"))
            .bearer_auth(&c.member.token)
            .header("accept", "application/taxii+json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        // Basic: e-mail and an API token as the password.
        let r = client
            .get(app.url("/taxii2/"))
            .basic_auth(&c.member.email, Some(&c.member.token))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let r = client
            .get(app.url("/taxii2/"))
            .basic_auth(&c.outsider.email, Some(&c.member.token))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let r = client
            .post(app.url(&c.objects()))
            .bearer_auth(&c.member.token)
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        // Every error says it in Japanese too, in the resource's `details`.
        let e: Value = r.json().await.unwrap();
        assert!(e["details"]["description_ja"]
            .as_str()
            .unwrap()
            .contains("として送ってください"));
        let r = taxii_post(&app, &c.objects(), &c.member.token, "{not json").await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let big = format!(r#"{{"objects":["{}"]}}"#, "x".repeat(21 * 1024 * 1024));
        let r = taxii_post(&app, &c.objects(), &c.member.token, &big).await;
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
        for q in [
            "limit=0",
            "next=abc",
            "added_after=yesterday",
            "match[version]=newest",
        ] {
            let r = taxii_get(&app, &format!("{}?{q}", c.objects()), &c.member.token).await;
            assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{q}");
            let e: Value = r.json().await.unwrap();
            assert_eq!(e["http_status"], "400");
        }
        let r = client
            .request(
                Method::GET,
                app.url(&format!("/taxii2/{}/collections/nope/", c.group.id)),
            )
            .bearer_auth(&c.member.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let e: Value = r.json().await.unwrap();
        assert!(e["details"]["description_ja"]
            .as_str()
            .unwrap()
            .contains("見つかりません"));
    }
}

#[tokio::test]
async fn only_an_industry_group_creates_collections_and_bad_fields_are_named() {
    for app in TestApp::all().await {
        let c = community(&app, "read").await;
        let r = app
            .post_json(
                "/api/v1/intel/collections",
                Some(&c.member.token),
                json!({ "title": "x", "member_access": "read" }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = app
            .post_json(
                "/api/v1/intel/collections",
                Some(&c.group.token),
                json!({ "title": " ", "member_access": "read" }),
            )
            .await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "title").await;
        let r = app
            .post_json(
                "/api/v1/intel/collections",
                Some(&c.group.token),
                json!({ "title": "ok", "member_access": "everyone" }),
            )
            .await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "member_access").await;
        let list: Value = app
            .get_json("/api/v1/intel/collections", Some(&c.member.token))
            .await;
        assert_eq!(list[0]["id"], c.collection.as_str());
        let list: Value = app
            .get_json("/api/v1/intel/collections", Some(&c.outsider.token))
            .await;
        assert_eq!(list, json!([]));
    }
}

pub(crate) const SMALLVEC: &str = r#"{"id":"RUSTSEC-2021-0003","aliases":["CVE-2021-25900"],"summary":"Buffer overflow in SmallVec::insert_many",
  "affected":[{"package":{"ecosystem":"crates.io","name":"smallvec"},"ranges":[{"type":"SEMVER","events":[{"introduced":"1.0.0"},{"fixed":"1.6.1"}]}]}]}"#;
pub(crate) const CARGO_LOCK: &str = "version = 3\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
pub(crate) const REQUIREMENTS: &str = "idna==3.4\n";

pub(crate) fn write_index(app: &TestApp) {
    let mut b = shirube_vuln::IndexBuilder::new();
    b.add_osv_json(SMALLVEC.as_bytes()).unwrap();
    let path = app
        .state
        .config
        .data_dir
        .join(shirube_app::scans::INDEX_FILE);
    std::fs::write(&path, b.build().to_bytes()).unwrap();
}

pub(crate) async fn upload(app: &TestApp, token: &str, name: &str, body: &str) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(body.as_bytes().to_vec()).file_name(name.to_string()),
    );
    let r = TestApp::client()
        .post(app.url("/api/v1/scans"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
}

/// A buyer that `supplier` is asked by and shares its ★3 assessment with.
pub(crate) async fn buyer_shared_with(app: &TestApp, supplier: &Org) -> Org {
    let buyer = app.signup("Buyer Motors").await;
    let assessment = app.create_assessment(&supplier.token, 3).await;
    let r = app.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "corporate_number": number(app, supplier).await, "due_date": "2099-03-31", "decision": { "confidential_info": false, "business_interruption": false, "network_access": false } })).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app
        .post_json(
            "/api/v1/shares",
            Some(&supplier.token),
            json!({ "assessment_id": assessment, "buyer_organization_id": buyer.id }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    buyer
}

pub(crate) async fn intel_notices(app: &TestApp, token: &str) -> Vec<Value> {
    let all: Value = app.get_json("/api/v1/notifications", Some(token)).await;
    all.as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "intel.exposure")
        .cloned()
        .collect()
}

#[tokio::test]
async fn a_vulnerability_reaches_only_the_member_whose_scan_holds_the_package_and_buyers_see_green_flags_only(
) {
    for app in TestApp::all().await {
        write_index(&app);
        let c = community(&app, "read").await;
        let other = app.signup("Python Shop").await;
        join(&app, &c.group, &other).await;
        upload(&app, &c.member.token, "Cargo.lock", CARGO_LOCK).await;
        upload(&app, &other.token, "requirements.txt", REQUIREMENTS).await;
        let buyer = buyer_shared_with(&app, &c.member).await;

        let green = r#"{"type":"vulnerability","spec_version":"2.1","id":"vulnerability--00000000-0000-4000-8000-0000000000c1","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"SmallVec overflow","external_references":[{"source_name":"cve","external_id":"CVE-2021-25900"}],"object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]}"#;
        let amber = r#"{"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-0000000000c2","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"Secret idna campaign","pattern":"[software:x_purl = 'pkg:pypi/idna@3.4']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z","object_marking_refs":["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"]}"#;
        add(
            &app,
            &c,
            &c.group.token,
            &format!(r#"{{"objects":[{green},{amber}]}}"#),
        )
        .await;

        let mine = intel_notices(&app, &c.member.token).await;
        assert_eq!(mine.len(), 1, "{mine:?}");
        let text = mine[0]["body"].to_string();
        assert!(
            text.contains("SmallVec overflow")
                && text.contains("smallvec@1.6.0")
                && text.contains("Cargo.lock"),
            "{text}"
        );
        let theirs = intel_notices(&app, &other.token).await;
        assert_eq!(theirs.len(), 1, "{theirs:?}");
        let text = theirs[0]["body"].to_string();
        assert!(
            text.contains("idna@3.4") && !text.contains("Secret idna campaign"),
            "AMBER names no object: {text}"
        );
        assert!(intel_notices(&app, &c.outsider.token).await.is_empty());

        let exposures: Value = app
            .get_json("/api/v1/intel/exposures", Some(&c.member.token))
            .await;
        assert_eq!(exposures[0]["component"], "smallvec@1.6.0");
        let report: Value = app
            .get_json("/api/v1/intel/exposure-report", Some(&c.group.token))
            .await;
        assert_eq!(report.as_array().unwrap().len(), 2);
        assert!(report
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["members"] == 1 && r.get("organization_id").is_none()));
        let flags: Value = app
            .get_json("/api/v1/intel/supplier-exposures", Some(&buyer.token))
            .await;
        assert_eq!(
            flags,
            json!([{ "supplier_id": c.member.id, "supplier_name": "Member Works", "object_id": "vulnerability--00000000-0000-4000-8000-0000000000c1", "object_name": "SmallVec overflow" }])
        );

        // Posting again tells nobody twice; a member who uploads later is matched then.
        add(
            &app,
            &c,
            &c.group.token,
            &format!(r#"{{"objects":[{green}]}}"#),
        )
        .await;
        assert_eq!(intel_notices(&app, &c.member.token).await.len(), 1);
        let late = app.signup("Late Joiner").await;
        join(&app, &c.group, &late).await;
        upload(&app, &late.token, "Cargo.lock", CARGO_LOCK).await;
        assert_eq!(intel_notices(&app, &late.token).await.len(), 1);
    }
}

#[tokio::test]
async fn a_red_vulnerability_tells_no_member_who_is_not_its_recipient() {
    for app in TestApp::all().await {
        write_index(&app);
        let c = community(&app, "read").await;
        upload(&app, &c.member.token, "Cargo.lock", CARGO_LOCK).await;
        let red = r#"{"type":"vulnerability","spec_version":"2.1","id":"vulnerability--00000000-0000-4000-8000-0000000000d1","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"CVE-2021-25900","object_marking_refs":["marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"]}"#;
        add(
            &app,
            &c,
            &c.group.token,
            &format!(r#"{{"objects":[{red}]}}"#),
        )
        .await;
        assert!(intel_notices(&app, &c.member.token).await.is_empty());
        let other = app.signup("Second").await;
        join(&app, &c.group, &other).await;
        upload(&app, &other.token, "Cargo.lock", CARGO_LOCK).await;
        assert!(
            intel_notices(&app, &other.token).await.is_empty(),
            "a new upload is matched only against what its organisation may read"
        );
    }
}

pub(crate) fn select(html: &str, css: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(css).unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

pub(crate) fn attr(html: &str, css: &str, name: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(css).unwrap();
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr(name).map(str::to_string))
}

pub(crate) async fn browser(app: &TestApp, org: &Org) -> reqwest::Client {
    let c = TestApp::client();
    let r = c
        .post(app.url("/login"))
        .header("origin", &app.base)
        .form(&[
            ("email", org.email.as_str()),
            ("password", "a long enough password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    c
}

#[tokio::test]
async fn the_group_creates_a_collection_on_its_page_and_a_member_sees_what_affects_it() {
    for app in TestApp::all().await {
        write_index(&app);
        let c = community(&app, "read").await;
        upload(&app, &c.member.token, "Cargo.lock", CARGO_LOCK).await;
        let green = r#"{"type":"vulnerability","spec_version":"2.1","id":"vulnerability--00000000-0000-4000-8000-0000000000e1","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"SmallVec overflow","external_references":[{"source_name":"cve","external_id":"CVE-2021-25900"}],"object_marking_refs":["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]}"#;
        add(
            &app,
            &c,
            &c.group.token,
            &format!(r#"{{"objects":[{green}]}}"#),
        )
        .await;

        let group = browser(&app, &c.group).await;
        let html = group
            .get(app.url("/intel"))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = attr(
            &html,
            "form[action='/intel/collections'] input[name=csrf_token]",
            "value",
        )
        .unwrap();
        let r = group
            .post(app.url("/intel/collections"))
            .header("origin", &app.base)
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("title", "Drop box"),
                ("description", ""),
                ("member_access", "write"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let html = group
            .get(app.url("/intel"))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(select(&html, "#intel-collections tbody tr").len(), 2);
        assert_eq!(select(&html, "#intel-report td.members"), vec!["1"]);
        let r = group
            .post(app.url("/intel/collections"))
            .header("origin", &app.base)
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("title", ""),
                ("member_access", "read"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let r = group
            .post(app.url("/intel/collections"))
            .header("origin", &app.base)
            .form(&[
                ("csrf_token", "wrong"),
                ("title", "x"),
                ("member_access", "read"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);

        let member = browser(&app, &c.member).await;
        let html = member
            .get(app.url("/intel"))
            .header("accept-language", "ja")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let rows = select(&html, "#intel-exposures tbody tr");
        assert_eq!(rows.len(), 1);
        assert!(
            rows[0].contains("SmallVec overflow") && rows[0].contains("smallvec@1.6.0"),
            "{rows:?}"
        );
        assert!(
            select(&html, "#intel-report").is_empty(),
            "members see no group report"
        );
        let outsider = browser(&app, &c.outsider).await;
        let html = outsider
            .get(app.url("/intel"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!select(&html, "#no-collections").is_empty());
    }
}

#[tokio::test]
async fn members_browse_a_collections_feed_and_an_objects_relationships_and_a_red_relationship_stays_hidden(
) {
    for app in TestApp::all().await {
        let c = community(&app, "read_write").await;
        let vuln = r#"{"type":"vulnerability","spec_version":"2.1","id":"vulnerability--00000000-0000-4000-8000-0000000000c1","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"CVE-2024-1111","description":"制御装置のファームウェアの欠陥","external_references":[{"source_name":"cve","external_id":"CVE-2024-1111","url":"https://www.cve.org/CVERecord?id=CVE-2024-1111"},{"source_name":"bad","url":"javascript:alert(1)"}],"object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]}"#;
        let ind = indicator(
            7,
            "2024-01-01T00:00:00Z",
            r#","name":"C2 server","object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]"#,
        );
        let rel = r#"{"type":"relationship","spec_version":"2.1","id":"relationship--00000000-0000-4000-8000-0000000000d1","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","relationship_type":"indicates","source_ref":"indicator--00000000-0000-4000-8000-000000000007","target_ref":"vulnerability--00000000-0000-4000-8000-0000000000c1","object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]}"#;
        // A RED relationship and a RED object the member is not a recipient of.
        let red_obj = r#"{"type":"malware","spec_version":"2.1","id":"malware--00000000-0000-4000-8000-0000000000e1","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","name":"Secret implant","is_family":false,"object_marking_refs":["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]}"#;
        let red_rel = r#"{"type":"relationship","spec_version":"2.1","id":"relationship--00000000-0000-4000-8000-0000000000d2","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","relationship_type":"exploits","source_ref":"malware--00000000-0000-4000-8000-0000000000e1","target_ref":"vulnerability--00000000-0000-4000-8000-0000000000c1","object_marking_refs":["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]}"#;
        add(
            &app,
            &c,
            &c.group.token,
            &format!(r#"{{"objects":[{vuln},{ind},{rel},{red_obj},{red_rel}]}}"#),
        )
        .await;

        let b = browser(&app, &c.member).await;
        let get = |path: String| {
            let b = b.clone();
            let url = app.url(&path);
            async move {
                let r = b.get(url).send().await.unwrap();
                (r.status(), r.text().await.unwrap())
            }
        };
        // The collection is linked from /intel, and its feed lists what the member may see.
        let (_, html) = get("/intel".into()).await;
        let feed = format!("/intel/{}/{}", c.group.id, c.collection);
        assert_eq!(
            attr(&html, "#intel-collections td a", "href").as_deref(),
            Some(feed.as_str())
        );
        let (status, html) = get(feed.clone()).await;
        assert_eq!(status, StatusCode::OK);
        let items = select(&html, "#intel-feed li");
        assert!(
            items.iter().any(|i| i.contains("CVE-2024-1111")
                && i.contains("脆弱性")
                && i.contains("TLP:GREEN")),
            "{items:?}"
        );
        assert!(
            !items.iter().any(|i| i.contains("Secret implant")),
            "RED stays hidden: {items:?}"
        );
        let (_, html) = get(format!("{feed}?type=vulnerability")).await;
        assert_eq!(select(&html, "#intel-feed li").len(), 1);

        // The vulnerability's page: its words, references (safe links only) and the
        // relationship the member may see, never the RED one.
        let (status, html) = get(format!(
            "{feed}/objects/vulnerability--00000000-0000-4000-8000-0000000000c1"
        ))
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(select(&html, "h1"), ["CVE-2024-1111"]);
        assert!(html.contains("制御装置のファームウェアの欠陥"));
        assert!(!html.contains("href=\"javascript:"), "no script links");
        assert_eq!(
            attr(&html, "main section a[rel~=noopener]", "href").as_deref(),
            Some("https://www.cve.org/CVERecord?id=CVE-2024-1111")
        );
        let related = select(&html, "#intel-related li");
        assert_eq!(related.len(), 1, "{related:?}");
        assert!(related[0].starts_with("示される: C2 server"), "{related:?}");
        // A RED object's page is not found for a non-recipient; an outsider finds nothing.
        let (status, _) = get(format!(
            "{feed}/objects/malware--00000000-0000-4000-8000-0000000000e1"
        ))
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let outsider = browser(&app, &c.outsider).await;
        let r = outsider.get(app.url(&feed)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        // The group sees the RED relationship too.
        let group = browser(&app, &c.group).await;
        let html = group
            .get(app.url(&format!(
                "{feed}/objects/vulnerability--00000000-0000-4000-8000-0000000000c1"
            )))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(select(&html, "#intel-related li").len(), 2);
    }
}
