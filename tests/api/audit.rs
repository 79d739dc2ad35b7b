//! The audit log: every successful mutation leaves who, when, what, and the values before and
//! after; a refused one leaves nothing; only admins and finance staff read it; nothing changes it.

use salkku_domain::Role;
use salkku_domain::ids::OrganizationId;
use salkku_e2e::{TestApp, on_both};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::fixtures::*;

const LOG: &str = "query($object: ID) { auditLog(objectId: $object, first: 50) { totalCount nodes { subject role organization { name } operation objectIds at before after } } }";

on_both! {
    async fn a_change_is_logged_with_who_when_what_before_and_after(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let sonet = OrganizationId::from_global(&g.sonet).unwrap();
        let coordinator = app.token(Role::Coordinator, Some(sonet));
        let monni = application(&app, &coordinator, json!({ "name": "MONNI", "leadId": g.sonet, "callId": g.call80 })).await;
        let finance = app.token(Role::Finance, Some(sonet));
        budget(&app, &finance, &id(&monni), 1, json!([{ "category": "PERSONNEL", "year": 2021, "amount": "500000.00" }]), "400000.00").await;

        let log = app.ok(&finance, LOG, json!({ "object": monni["id"] })).await["auditLog"].clone();
        assert_eq!(log["totalCount"], 2);
        let (budgeted, created) = (&log["nodes"][0], &log["nodes"][1]);
        assert_eq!(budgeted["operation"], "setBudget");
        assert_eq!(budgeted["subject"], "finance-tester");
        assert_eq!(budgeted["role"], "FINANCE");
        assert_eq!(budgeted["organization"]["name"], "SONet BOTNIA");
        assert_eq!(budgeted["at"], "2020-05-19T09:00:00+03:00");
        assert_eq!(budgeted["before"], json!({ "state_aid_requested": "0.00", "lines": [] }));
        assert_eq!(budgeted["after"]["state_aid_requested"], "400000.00");
        assert_eq!(budgeted["after"]["lines"][0]["amount"], "500000.00");
        assert_eq!(created["operation"], "createApplication");
        assert_eq!(created["role"], "COORDINATOR");
        assert_eq!(created["before"], Value::Null);
        assert_eq!(created["after"]["application"]["name"], "MONNI");
    }

    async fn refused_and_replayed_mutations_leave_no_entry(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let count = || async { app.ok(&app.admin(), "{ auditLog { totalCount } }", json!({})).await["auditLog"]["totalCount"].as_i64().unwrap() };
        let monni = application(&app, &g.admin, json!({ "name": "MONNI", "leadId": g.sonet, "idempotencyKey": "monni" })).await;
        let before = count().await;
        // Forbidden, conflicting, invalid, and a replay.
        app.graphql(Some(&app.token(Role::Ministry, None)), CREATE_ORG, json!({ "input": { "name": "X", "kind": "NGO" } })).await.error("FORBIDDEN");
        app.graphql(Some(&g.admin), TRANSITION, json!({ "input": { "id": monni["id"], "expectedVersion": 7, "to": "WITHDRAWN" } })).await.error("CONFLICT");
        app.graphql(Some(&g.admin), TRANSITION, json!({ "input": { "id": monni["id"], "expectedVersion": 1, "to": "CLOSED" } })).await.error("BAD_USER_INPUT");
        application(&app, &g.admin, json!({ "name": "MONNI", "leadId": g.sonet, "idempotencyKey": "monni" })).await;
        assert_eq!(count().await, before);
    }

    async fn only_admins_and_finance_staff_read_the_log(t: TestDatabase) {
        let app = TestApp::start(t).await;
        for (role, allowed) in [(Role::Admin, true), (Role::Finance, true), (Role::Coordinator, false), (Role::Ministry, false)] {
            let answer = app.graphql(Some(&app.token(role, None)), "{ auditLog { totalCount } }", json!({})).await;
            if allowed { answer.data(); } else { answer.error("FORBIDDEN"); }
        }
    }

    async fn the_database_keeps_the_log_append_only(t: TestDatabase) {
        let app = TestApp::start(t).await;
        ground(&app).await;
        let db = app.db().conn();
        for sql in ["UPDATE audit_log SET subject = 'someone else'", "DELETE FROM audit_log", "DELETE FROM audit_log_objects"] {
            assert!(db.execute_unprepared(sql).await.is_err(), "accepted: {sql}");
        }
        let log = app.ok(&app.admin(), "{ auditLog { totalCount nodes { subject } } }", json!({})).await;
        assert_eq!(log["auditLog"]["totalCount"], 3, "two organisations and a call");
        assert!(log["auditLog"]["nodes"].as_array().unwrap().iter().all(|n| n["subject"] == "admin-tester"));
    }
}
