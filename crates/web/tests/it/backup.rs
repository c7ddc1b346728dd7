//! Backup and restore at the store: the table list is the whole schema, and a world exported
//! from one backend and restored into a fresh one (SQLite → PostgreSQL when configured) serves
//! the same answers to the same tokens, with the audit chain intact.

use serde_json::{json, Value};
use shirube_store::{AuditVerification, BackupSink, Column, TABLES};

use crate::support::TestApp;

/// Keeps a backup in memory: (table, column names, rows).
#[derive(Default)]
struct Memory(Vec<(String, Vec<String>, Vec<Vec<Value>>)>);

impl BackupSink for Memory {
    fn table(&mut self, name: &str, columns: &[Column]) -> std::io::Result<()> {
        self.0.push((
            name.to_string(),
            columns.iter().map(|c| c.name.clone()).collect(),
            Vec::new(),
        ));
        Ok(())
    }

    fn row(&mut self, values: &[Value]) -> std::io::Result<()> {
        if let Some(t) = self.0.last_mut() {
            t.2.push(values.to_vec());
        }
        Ok(())
    }
}

#[tokio::test]
async fn the_backup_covers_every_table_of_the_schema() {
    for app in TestApp::all().await {
        let mut tables = app.state.store().schema_tables().await.unwrap();
        tables.sort();
        let mut listed: Vec<String> = TABLES.iter().map(|t| t.to_string()).collect();
        listed.sort();
        assert_eq!(tables, listed, "add new tables to shirube_store::TABLES");
    }
}

#[tokio::test]
async fn a_world_restored_into_a_fresh_database_answers_the_same() {
    let targets: Vec<TestApp> = TestApp::all().await;
    for target in targets {
        let source = TestApp::sqlite().await;
        let buyer = source.signup("大和自動車部品").await;
        let supplier = source.signup("みなと精工").await;
        let assessment = source.create_assessment(&supplier.token, 3).await;
        source
            .answer(
                &supplier.token,
                &assessment,
                "1-2-1-1",
                json!({ "status": "partial", "comment": "規程は作成中" }),
            )
            .await;
        let number = source
            .state
            .store()
            .organization(&supplier.id)
            .await
            .unwrap()
            .corporate_number;
        let r = source.post_json("/api/v1/suppliers", Some(&buyer.token), json!({ "corporate_number": number, "due_date": "2099-03-31", "decision": { "confidential_info": true, "business_interruption": false, "network_access": false } })).await;
        assert_eq!(r.status(), reqwest::StatusCode::CREATED);
        let r = source.post_json("/api/v1/shares", Some(&supplier.token), json!({ "assessment_id": assessment, "buyer_organization_id": buyer.id, "detail": "full" })).await;
        assert_eq!(r.status(), reqwest::StatusCode::CREATED);

        let mut backup = Memory::default();
        let rows = source.state.store().export(&mut backup).await.unwrap();
        assert!(rows > 10);
        assert_eq!(backup.0.len(), TABLES.len());

        let mut restore = target.state.store().begin_restore().await.unwrap();
        for (table, columns, rows) in &backup.0 {
            restore.rows(table, columns, rows).await.unwrap();
        }
        assert_eq!(restore.finish().await.unwrap(), rows);
        assert!(matches!(
            target.state.store().verify_audit().await.unwrap(),
            AuditVerification::Intact { .. }
        ));
        // The same tokens read the same data.
        for (path, token) in [
            ("/api/v1/portfolio".to_string(), &buyer.token),
            (format!("/api/v1/assessments/{assessment}"), &buyer.token),
            (format!("/api/v1/assessments/{assessment}"), &supplier.token),
        ] {
            assert_eq!(
                target.get_json(&path, Some(token)).await,
                source.get_json(&path, Some(token)).await,
                "{path}"
            );
        }
        // A second restore into the now populated database is refused.
        assert!(matches!(
            target.state.store().begin_restore().await,
            Err(shirube_store::StoreError::Conflict { .. })
        ));
    }
}
