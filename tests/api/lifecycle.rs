//! An application's life: an idea dropped, and a project from idea to close with every illegal
//! move refused and every move in its history.

use salkku_e2e::{TestApp, on_both};
use serde_json::json;

use crate::fixtures::*;

on_both! {
    async fn an_idea_is_withdrawn(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let tiesa = application(&app, &g.admin, json!({ "name": "TIESA", "leadId": g.sonet })).await;
        let input = json!({ "id": tiesa["id"], "expectedVersion": 1, "to": "WITHDRAWN", "decisionRef": "Keski-Pohjanmaan ohjausryhmä 15.3.2019: ei osallistu" });
        let withdrawn = app.ok(&g.admin, TRANSITION, json!({ "input": input })).await["transitionApplication"].clone();
        assert_eq!(withdrawn["status"], "WITHDRAWN");
        let history = withdrawn["history"].as_array().unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[1]["from"], "IDEA");
        assert_eq!(history[1]["decisionRef"], "Keski-Pohjanmaan ohjausryhmä 15.3.2019: ei osallistu");
        assert_eq!(history[1]["by"], "admin-tester");
        // Withdrawn is final.
        let again = app.graphql(Some(&g.admin), TRANSITION, json!({ "input": { "id": tiesa["id"], "expectedVersion": 2, "to": "IN_PREPARATION" } })).await;
        let error = again.error("BAD_USER_INPUT");
        assert_eq!(error["extensions"]["field"], "to");
        assert!(error["message"].as_str().unwrap().contains("it is final"), "{error}");
    }

    async fn a_full_lifecycle_refuses_every_illegal_move(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let created = application(&app, &g.admin, json!({ "name": "Potku III", "callId": g.call80, "leadId": g.sonet })).await;
        let id = id(&created);
        let mut version = 1;

        // Submission needs a budget: the split says NO_BUDGET.
        version = transition(&app, &g.admin, &id, version, "IN_PREPARATION").await["version"].as_i64().unwrap();
        let blocked = app.graphql(Some(&g.admin), TRANSITION, json!({ "input": { "id": id, "expectedVersion": version, "to": "SUBMITTED" } })).await;
        assert!(blocked.error("BAD_USER_INPUT")["message"].as_str().unwrap().contains("no budget"));
        let lines = json!([{ "category": "PERSONNEL", "year": 2021, "amount": "100000.00" }]);
        version = budget(&app, &g.admin, &id, version, lines, "80000.00").await["version"].as_i64().unwrap();

        let path = ["SUBMITTED", "GRANTED", "ACTIVE", "CLOSED"];
        let illegal = [("SUBMITTED", "ACTIVE"), ("GRANTED", "CLOSED"), ("ACTIVE", "IDEA")];
        for to in path {
            let current = app.ok(&g.admin, "query($id: ID!) { application(id: $id) { status } }", json!({ "id": id })).await["application"]["status"].as_str().unwrap().to_owned();
            for (from, wrong) in illegal {
                if from == current {
                    let refused = app.graphql(Some(&g.admin), TRANSITION, json!({ "input": { "id": id, "expectedVersion": version, "to": wrong } })).await;
                    refused.error("BAD_USER_INPUT");
                }
            }
            if to == "CLOSED" {
                version = settle(&app, &g, &id).await;
            }
            version = transition(&app, &g.admin, &id, version, to).await["version"].as_i64().unwrap();
        }
        let closed = app.ok(&g.admin, "query($id: ID!) { application(id: $id) { status version history { from to decisionRef } } }", json!({ "id": id })).await;
        let moves: Vec<(Option<&str>, &str)> = closed["application"]["history"].as_array().unwrap().iter().map(|h| (h["from"].as_str(), h["to"].as_str().unwrap())).collect();
        assert_eq!(moves, [
            (None, "IDEA"),
            (Some("IDEA"), "IN_PREPARATION"),
            (Some("IN_PREPARATION"), "SUBMITTED"),
            (Some("SUBMITTED"), "GRANTED"),
            (Some("GRANTED"), "ACTIVE"),
            (Some("ACTIVE"), "CLOSED"),
        ]);
        assert_eq!(closed["application"]["version"], version);
    }

    async fn a_project_closes_only_with_its_final_report_accepted_and_its_account_settled(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let created = application(&app, &g.admin, json!({ "name": "Potku IV", "callId": g.call80, "leadId": g.sonet })).await;
        let id = id(&created);
        let lines = json!([{ "category": "PERSONNEL", "year": 2021, "amount": "100000.00" }]);
        let mut version = budget(&app, &g.admin, &id, 1, lines, "80000.00").await["version"].as_i64().unwrap();
        for to in ["IN_PREPARATION", "SUBMITTED", "GRANTED", "ACTIVE"] {
            version = transition(&app, &g.admin, &id, version, to).await["version"].as_i64().unwrap();
        }
        let close = json!({ "input": { "id": id, "expectedVersion": version, "to": "CLOSED" } });
        let refused = app.graphql(Some(&g.admin), TRANSITION, close).await;
        assert!(refused.error("BAD_USER_INPUT")["message"].as_str().unwrap().contains("no final report"));
        let version = settle(&app, &g, &id).await;
        let close = json!({ "input": { "id": id, "expectedVersion": version, "to": "CLOSED" } });
        assert_eq!(app.ok(&g.admin, TRANSITION, close).await["transitionApplication"]["status"], "CLOSED");
    }

    async fn aid_above_the_call_rate_blocks_submission(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let created = application(&app, &g.admin, json!({ "name": "Ylimitoitettu", "callId": g.call80, "leadId": g.sonet })).await;
        let lines = json!([{ "category": "PERSONNEL", "year": 2021, "amount": "1000.00" }]);
        budget(&app, &g.admin, &id(&created), 1, lines, "800.01").await;
        transition(&app, &g.admin, &id(&created), 2, "IN_PREPARATION").await;
        let refused = app.graphql(Some(&g.admin), TRANSITION, json!({ "input": { "id": id(&created), "expectedVersion": 3, "to": "SUBMITTED" } })).await;
        assert!(refused.error("BAD_USER_INPUT")["message"].as_str().unwrap().contains("exceeds 80.00 %"));
    }
}

/// Gives a granted project of 100 000 € at 80 % what closing asks: its final report with the
/// actual costs, accepted, and its 80 000 € of aid paid. Answers the project's version, which its
/// new final report (its reportDue) raised.
async fn settle(app: &TestApp, g: &Ground, project: &str) -> i64 {
    let add = "mutation($input: AddReportObligationInput!) { addReportObligation(input: $input) { id version } }";
    let report = app
        .ok(&g.admin, add, json!({ "input": { "applicationId": project, "kind": "FINAL", "dueOn": "2022-04-30" } }))
        .await["addReportObligation"]
        .clone();
    let costs = json!([{ "category": "PERSONNEL", "year": 2021, "amount": "100000.00" }]);
    let submit = "mutation($input: SubmitReportInput!) { submitReport(input: $input) { version } }";
    let submitted = app
        .ok(
            &g.admin,
            submit,
            json!({ "input": { "id": report["id"], "expectedVersion": report["version"], "actualCosts": costs } }),
        )
        .await;
    let accept = "mutation($input: AcceptReportInput!) { acceptReport(input: $input) { status } }";
    app.ok(
        &g.admin,
        accept,
        json!({ "input": { "id": report["id"], "expectedVersion": submitted["submitReport"]["version"] } }),
    )
    .await;
    let allocate = json!({ "input": { "funderId": g.stm, "recipientId": g.sonet, "applicationId": project, "year": 2021, "amount": "80000.00" } });
    let allocation = app
        .ok(&g.admin, "mutation($input: RecordAllocationInput!) { recordAllocation(input: $input) { id } }", allocate)
        .await["recordAllocation"]["id"]
        .clone();
    let pay = json!({ "input": { "allocationId": allocation, "paidOn": "2022-06-01", "amount": "80000.00" } });
    app.ok(&g.admin, "mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { id } }", pay).await;
    let now = app.ok(&g.admin, "query($id: ID!) { application(id: $id) { version } }", json!({ "id": project })).await;
    now["application"]["version"].as_i64().unwrap()
}
