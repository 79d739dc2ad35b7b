//! The second half of a grant's life in one go, as finance staff and a coordinator live it: submit,
//! a grant below the application, an extension and a reallocation asked for and previewed, decided
//! part by part by a decision on record, deadlines and the calendar feed moving at once, and the
//! decision's PDF attached and downloaded; with every refusal on the way.

use salkku_domain::Role;
use salkku_domain::ids::OrganizationId;
use salkku_e2e::{TestApp, on_both};
use serde_json::{Value, json};

use crate::fixtures::*;

const PROJECT: &str = "query($id: ID!) { application(id: $id) { version periodEnd reportDue budget { total } stateAidRequested budgetVersions { id kind inForce total stateAid decision { reference } } deadlines { kind localDue } } }";
const DECIDE: &str = "mutation($input: DecideChangeRequestInput!) { decideChangeRequest(input: $input) { version status parts { kind decision decisionOnRecord { reference } } } }";

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

fn local_due<'a>(project: &'a Value, kind: &str) -> &'a str {
    let deadlines = project["application"]["deadlines"].as_array().unwrap();
    deadlines.iter().find(|d| d["kind"] == kind).unwrap()["localDue"].as_str().unwrap()
}

on_both! {
    async fn a_grant_lives_from_submission_through_a_decided_change_request_with_its_documents(t: TestDatabase) {
        let app = TestApp::start_configured(t, salkku_demo::demo::demo_now(), |s| s.files.max_bytes = 64 * 1024).await;
        let g = ground(&app).await;
        let sonet = OrganizationId::from_global(&g.sonet).unwrap();
        let coordinator = app.token(Role::Coordinator, Some(sonet));
        let finance = app.token(Role::Finance, None);

        // The coordinator prepares MONNI; finance staff set its budget; it is submitted.
        let input = json!({ "name": "MONNI", "acronym": "MONNI", "callId": g.call80, "leadId": g.sonet, "periodStart": "2020-09-01", "periodEnd": "2022-12-31", "reportDue": "2023-04-30" });
        let monni = id(&application(&app, &coordinator, input).await);
        let lines = json!([
            { "category": "PERSONNEL", "year": 2021, "amount": "300000.00" },
            { "category": "PERSONNEL", "year": 2022, "amount": "300000.00" },
            { "category": "PURCHASED_SERVICES", "year": 2021, "amount": "200000.00" },
            { "category": "TRAVEL", "year": 2021, "amount": "100000.00" },
        ]);
        budget(&app, &finance, &monni, 1, lines, "720000.00").await;
        let pledge = json!({ "applicationId": monni, "organizationId": g.sonet, "amount": "180000.00", "status": "PROMISED" });
        app.ok(&coordinator, ADD_COMMITMENT, json!({ "input": pledge })).await;
        transition(&app, &coordinator, &monni, 2, "IN_PREPARATION").await;
        let submitted = transition(&app, &coordinator, &monni, 3, "SUBMITTED").await["version"].as_i64().unwrap();
        let frozen = json!({ "input": { "applicationId": monni, "expectedVersion": submitted, "lines": [], "stateAidRequested": "0.00" } });
        app.graphql(Some(&finance), SET_BUDGET, frozen).await.error("BAD_USER_INPUT");

        // STM decides: 820 000 € of costs and 656 000 € of aid, on record with its letter.
        let stm_decision = json!({ "input": { "organizationId": g.stm, "body": "sosiaali- ja terveysministeriö", "decidedOn": "2020-06-12", "reference": "VN/1234/2020", "summary": "Valtionavustus MONNI-hankkeelle", "applicationId": monni } });
        let grant_decision = app.ok(&finance, "mutation($input: RecordDecisionInput!) { recordDecision(input: $input) { id } }", stm_decision).await["recordDecision"]["id"].clone();
        let letter = app.upload(Some(&finance), grant_decision.as_str().unwrap(), "STM päätös VN-1234-2020.pdf", pdf()).await.data()["attachDocument"].clone();
        let granted_budget = json!({ "lines": [
            { "category": "PERSONNEL", "year": 2021, "amount": "300000.00" },
            { "category": "PERSONNEL", "year": 2022, "amount": "250000.00" },
            { "category": "PURCHASED_SERVICES", "year": 2021, "amount": "200000.00" },
            { "category": "TRAVEL", "year": 2021, "amount": "70000.00" },
        ], "stateAid": "656000.00" });
        let grant = json!({ "input": { "id": monni, "expectedVersion": submitted, "to": "GRANTED", "decisionRef": "VN/1234/2020", "decisionId": grant_decision, "grantedBudget": granted_budget } });
        app.ok(&finance, TRANSITION, grant).await;
        let project = app.ok(&coordinator, PROJECT, json!({ "id": monni })).await;
        assert_eq!(project["application"]["budget"]["total"], "820000.00");
        assert_eq!(project["application"]["budgetVersions"][1]["decision"]["reference"], "VN/1234/2020");

        // The coordinator subscribes to the project's deadlines.
        let feed = app.ok(&coordinator, "mutation($input: CreateCalendarFeedInput) { createCalendarFeed(input: $input) { url } }", json!({ "input": { "applicationId": monni } })).await;
        let feed_url = feed["createCalendarFeed"]["url"].as_str().unwrap().to_owned();

        // A reallocation that raises the total is refused; so is one that breaks the 80 % rate.
        let ask = |lines: Value| json!({ "input": { "applicationId": monni, "justification": "Rekrytointi viivästyi", "newEnd": "2023-06-30", "lines": lines } });
        let moved = |personnel_2022: &str, travel: &str| json!([
            { "category": "PERSONNEL", "year": 2021, "amount": "300000.00" },
            { "category": "PERSONNEL", "year": 2022, "amount": personnel_2022 },
            { "category": "PURCHASED_SERVICES", "year": 2021, "amount": "200000.00" },
            { "category": "TRAVEL", "year": 2021, "amount": travel },
        ]);
        let create = "mutation($input: CreateChangeRequestInput!) { createChangeRequest(input: $input) { id version } }";
        app.graphql(Some(&coordinator), create, ask(moved("280000.01", "40000.00"))).await.error("BAD_USER_INPUT");
        let too_little = app.ok(&coordinator, create, ask(moved("250000.00", "0.00"))).await["createChangeRequest"].clone();
        let submit = "mutation($input: ChangeRequestMoveInput!) { submitChangeRequest(input: $input) { version status } }";
        let refused = app.graphql(Some(&coordinator), submit, json!({ "input": { "id": too_little["id"], "expectedVersion": 1 } })).await;
        assert!(refused.error("BAD_USER_INPUT")["message"].as_str().unwrap().contains("by 56000.00"));
        app.ok(&coordinator, "mutation($input: ChangeRequestMoveInput!) { withdrawChangeRequest(input: $input) { status } }", json!({ "input": { "id": too_little["id"], "expectedVersion": 1 } })).await;

        // Six more months and 30 000 € from travel to 2022's personnel: submitted and previewed.
        let request = app.ok(&coordinator, create, ask(moved("280000.00", "40000.00"))).await["createChangeRequest"].clone();
        let submitted = app.ok(&coordinator, submit, json!({ "input": { "id": request["id"], "expectedVersion": 1 } })).await["submitChangeRequest"].clone();
        let preview = app.ok(&finance, "query($id: ID!) { changeRequest(id: $id) { preview { moved totalChange splitAfter { compliant } } } }", json!({ "id": request["id"] })).await;
        assert_eq!(preview["changeRequest"]["preview"], json!({ "moved": "30000.00", "totalChange": "0.00", "splitAfter": { "compliant": true } }));

        // STM decides part by part, each decision on record.
        let record = |on: &str, reference: &str| json!({ "input": { "organizationId": g.stm, "decidedOn": on, "reference": reference, "applicationId": monni } });
        let first = app.ok(&finance, "mutation($input: RecordDecisionInput!) { recordDecision(input: $input) { id } }", record("2022-11-15", "VN/5678/2022")).await["recordDecision"]["id"].clone();
        let extension = json!({ "input": { "id": request["id"], "expectedVersion": submitted["version"], "decisionId": first, "parts": [{ "kind": "EXTENSION", "decision": "APPROVED" }] } });
        let after_first = app.ok(&finance, DECIDE, extension).await["decideChangeRequest"].clone();
        assert_eq!(after_first["status"], "SUBMITTED");
        let project = app.ok(&coordinator, PROJECT, json!({ "id": monni })).await;
        assert_eq!((local_due(&project, "PROJECT_ENDS"), local_due(&project, "REPORT_DUE")), ("2023-06-30 23:59", "2023-10-31 23:59"));
        let calendar = reqwest::get(&feed_url).await.unwrap().text().await.unwrap();
        assert!(calendar.contains("20230630") && calendar.contains("20231031"), "{calendar}");
        let second = app.ok(&finance, "mutation($input: RecordDecisionInput!) { recordDecision(input: $input) { id } }", record("2022-12-01", "VN/5679/2022")).await["recordDecision"]["id"].clone();
        let reallocation = json!({ "input": { "id": request["id"], "expectedVersion": after_first["version"], "decisionId": second, "parts": [{ "kind": "BUDGET_REALLOCATION", "decision": "APPROVED" }] } });
        let closed = app.ok(&finance, DECIDE, reallocation).await["decideChangeRequest"].clone();
        assert_eq!(closed["status"], "CLOSED");
        assert_eq!(closed["parts"][1]["decisionOnRecord"]["reference"], "VN/5679/2022");
        let project = app.ok(&coordinator, PROJECT, json!({ "id": monni })).await;
        let kinds: Vec<(&str, bool)> = project["application"]["budgetVersions"].as_array().unwrap().iter().map(|v| (v["kind"].as_str().unwrap(), v["inForce"].as_bool().unwrap())).collect();
        assert_eq!(kinds, [("APPLIED", false), ("GRANTED", false), ("REVISED", true)]);
        assert_eq!((&project["application"]["budget"]["total"], &project["application"]["stateAidRequested"]), (&json!("820000.00"), &json!("656000.00")));

        // The decision's letter downloads as it was stored; a wrong type, a file too large and
        // someone else's decision are refused.
        let downloaded = app.client.get(letter["url"].as_str().unwrap()).bearer_auth(&coordinator).send().await.unwrap();
        assert_eq!(downloaded.headers()["content-disposition"].to_str().unwrap().split(';').next(), Some("attachment"));
        assert_eq!(downloaded.bytes().await.unwrap().to_vec(), pdf());
        let zip = [b'P', b'K', 3, 4, 20, 0, 0, 0, 8, 0].to_vec();
        assert_eq!(app.upload(Some(&finance), grant_decision.as_str().unwrap(), "paketti.pdf", zip).await.error("BAD_USER_INPUT")["extensions"]["field"], "file");
        assert_eq!(app.upload(Some(&finance), grant_decision.as_str().unwrap(), "iso.pdf", vec![b'%'; 64 * 1024 + 1]).await.status, 413);
        app.upload(Some(&coordinator), grant_decision.as_str().unwrap(), "oma.pdf", pdf()).await.error("FORBIDDEN");
    }
}
