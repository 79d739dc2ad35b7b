//! Export and import: the demo portfolio moves from SQLite to PostgreSQL and back, lossless to the
//! cent, and the service goes on from where it was.

use salkku_e2e::{Store, TestApp, TestDatabase, on_both};
use salkku_persistence::commands;
use salkku_persistence::{Db, DbSettings};
use serde_json::{Value, json};

async fn exported(db: &Db) -> Value {
    let mut out = Vec::new();
    commands::backup::export(db, &mut out, salkku_demo::demo::demo_now()).await.unwrap();
    let mut document: Value = serde_json::from_slice(&out).unwrap();
    document["exportedAt"] = Value::Null;
    document
}

const FIGURES: &str = "{ portfolio { applicationCount totalCost stateAidRequested stateAidGranted selfFundingCommitted byRegion { key totalCost } } applications(first: 100) { nodes { id version fundingSplit { selfFundingGap } } } auditLog { totalCount } }";

on_both! {
    async fn the_portfolio_moves_to_the_other_store_and_back_unchanged(t: TestDatabase) {
        let source = TestApp::start_with_demo(t).await;
        let other_store = match source.state.db.backend() {
            salkku_persistence::Backend::Sqlite => Store::Postgres,
            salkku_persistence::Backend::Postgres => Store::Sqlite,
        };
        let Some(target_db) = TestDatabase::new(other_store).await else { return };
        let original = exported(source.db()).await;
        assert_eq!(original["format"], "salkku-export");
        assert_eq!(original["tables"]["applications"].as_array().unwrap().len(), 14);
        // The second half of a grant's life moves too: versions, change requests, decisions and
        // their documents, bytes included, reports with their actual costs, and instalments.
        for (table, rows) in [("budget_versions", 22), ("change_requests", 1), ("change_request_parts", 1), ("decisions", 3), ("documents", 1), ("document_contents", 1), ("report_obligations", 9), ("report_cost_lines", 7), ("instalments", 2), ("state_aid_allocations", 11)] {
            assert_eq!(original["tables"][table].as_array().map(Vec::len), Some(rows), "{table}");
        }

        let mut bytes = Vec::new();
        commands::backup::export(source.db(), &mut bytes, salkku_demo::demo::demo_now()).await.unwrap();
        let target = Db::connect(&DbSettings::new(target_db.url.clone())).await.unwrap();
        target.migrate().await.unwrap();
        let summary = commands::backup::import(&target, bytes.as_slice()).await.unwrap();
        assert!(summary.rows() > 100, "{summary:?}");
        // A second import into the same database is refused and changes nothing.
        assert!(commands::backup::import(&target, bytes.as_slice()).await.is_err());
        assert_eq!(exported(&target).await, original, "the round trip is lossless");
        target.close().await.unwrap();

        // The service on the imported database answers as the original did, and goes on.
        let moved = TestApp::start(target_db).await;
        let token = source.admin();
        assert_eq!(moved.ok(&token, FIGURES, json!({})).await, source.ok(&token, FIGURES, json!({})).await);
        let created = moved.ok(&token, "mutation { createOrganization(input: { name: \"Uusi\", kind: NGO }) { id } }", json!({})).await;
        let fresh = source.ok(&token, "mutation { createOrganization(input: { name: \"Uusi\", kind: NGO }) { id } }", json!({})).await;
        assert_eq!(created, fresh, "keys continue from where the source left off");
    }
}
