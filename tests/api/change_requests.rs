//! Change requests through the API: a granted project asks for more time and a reallocation,
//! sees the consequences before anyone decides, and the funder decides part by part; deadlines,
//! calendar feeds and the budget in force follow at once. And the refusals.

use salkku_domain::Role;
use salkku_e2e::{TestApp, on_both};
use serde_json::{Value, json};

use crate::fixtures::*;

const CREATE: &str = "mutation($input: CreateChangeRequestInput!) { createChangeRequest(input: $input) { id version status kinds newEnd stateAid lines { category year amount } parts { kind decision } } }";
const SUBMIT: &str = "mutation($input: ChangeRequestMoveInput!) { submitChangeRequest(input: $input) { id version status submittedAt } }";
const WITHDRAW: &str =
    "mutation($input: ChangeRequestMoveInput!) { withdrawChangeRequest(input: $input) { id version status closedAt } }";
const DECIDE: &str = "mutation($input: DecideChangeRequestInput!) { decideChangeRequest(input: $input) { id version status closedAt parts { kind decision approvedEnd revisedVersionId decidedBy decisionRef note } } }";
const PREVIEW: &str = "query($id: ID!) { changeRequest(id: $id) { status preview { from { kind } to { kind } lines { category year before after change } totalBefore totalAfter totalChange stateAidBefore stateAidAfter moved splitAfter { stateAid maxStateAid compliant violations { code amount } } } } }";
const PROJECT: &str = "query($id: ID!) { application(id: $id) { version periodEnd reportDue budget { total lines { category year amount } } budgetVersions { number kind inForce decisionRef } deadlines { kind dueAt } participants { organization { name } role } fundingSplit { selfFundingCommitted } changeRequests { id status } } }";

/// MONNI granted as applied for: 900 000 € over 2021–2022, 80 % aid, to end 31.12.2022 with its
/// final report due 30.4.2023. (id, version)
async fn granted_monni(app: &TestApp, g: &Ground) -> (String, i64) {
    let input = json!({ "name": "MONNI", "acronym": "MONNI", "callId": g.call80, "leadId": g.sonet, "periodStart": "2020-09-01", "periodEnd": "2022-12-31", "reportDue": "2023-04-30" });
    let monni = id(&application(app, &g.admin, input).await);
    let lines = json!([
        { "category": "PERSONNEL", "year": 2021, "amount": "300000.00" },
        { "category": "PERSONNEL", "year": 2022, "amount": "300000.00" },
        { "category": "PURCHASED_SERVICES", "year": 2021, "amount": "200000.00" },
        { "category": "TRAVEL", "year": 2021, "amount": "100000.00" },
    ]);
    budget(app, &g.admin, &monni, 1, lines, "720000.00").await;
    let pledge =
        json!({ "applicationId": monni, "organizationId": g.sonet, "amount": "180000.00", "status": "PROMISED" });
    app.ok(&g.admin, ADD_COMMITMENT, json!({ "input": pledge })).await;
    transition(app, &g.admin, &monni, 2, "IN_PREPARATION").await;
    transition(app, &g.admin, &monni, 3, "SUBMITTED").await;
    let granted = transition(app, &g.admin, &monni, 4, "GRANTED").await;
    (monni, granted["version"].as_i64().unwrap())
}

/// 50 000 € from 2021's purchased services to 2022's personnel: the total stays.
fn reallocated() -> Value {
    json!([
        { "category": "PERSONNEL", "year": 2021, "amount": "300000.00" },
        { "category": "PERSONNEL", "year": 2022, "amount": "350000.00" },
        { "category": "PURCHASED_SERVICES", "year": 2021, "amount": "150000.00" },
        { "category": "TRAVEL", "year": 2021, "amount": "100000.00" },
    ])
}

fn due(project: &Value, kind: &str) -> String {
    let deadlines = project["application"]["deadlines"].as_array().unwrap();
    deadlines.iter().find(|d| d["kind"] == kind).unwrap()["dueAt"].as_str().unwrap().to_owned()
}

on_both! {
    async fn an_extension_and_a_reallocation_are_previewed_decided_part_by_part_and_take_effect_at_once(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let (monni, _) = granted_monni(&app, &g).await;
        let coordinator = app.token(Role::Coordinator, Some(salkku_domain::ids::OrganizationId::from_global(&g.sonet).unwrap()));
        let feed = app.ok(&coordinator, "mutation($input: CreateCalendarFeedInput) { createCalendarFeed(input: $input) { url } }", json!({ "input": { "applicationId": monni } })).await;
        let feed_url = feed["createCalendarFeed"]["url"].as_str().unwrap().to_owned();
        let before = reqwest::get(&feed_url).await.unwrap().text().await.unwrap();
        assert!(before.contains("20221231"), "{before}");

        // The coordinator asks for six more months and a reallocation, and submits.
        let input = json!({ "applicationId": monni, "justification": "Rekrytointi viivästyi", "newEnd": "2023-06-30", "lines": reallocated() });
        let drafted = app.ok(&coordinator, CREATE, json!({ "input": input })).await["createChangeRequest"].clone();
        assert_eq!(drafted["status"], "DRAFT");
        assert_eq!(drafted["kinds"], json!(["EXTENSION", "BUDGET_REALLOCATION"]));
        let submitted = app.ok(&coordinator, SUBMIT, json!({ "input": { "id": drafted["id"], "expectedVersion": 1 } })).await["submitChangeRequest"].clone();
        assert_eq!(submitted["status"], "SUBMITTED");

        // Before anyone decides: what would move, and the split it would give.
        let preview = app.ok(&g.admin, PREVIEW, json!({ "id": drafted["id"] })).await["changeRequest"]["preview"].clone();
        assert_eq!(preview["from"]["kind"], "GRANTED");
        assert_eq!(preview["to"], Value::Null);
        assert_eq!(preview["lines"][1], json!({ "category": "PERSONNEL", "year": 2022, "before": "300000.00", "after": "350000.00", "change": "50000.00" }));
        assert_eq!((&preview["totalChange"], &preview["moved"]), (&json!("0.00"), &json!("50000.00")));
        assert_eq!(preview["splitAfter"], json!({ "stateAid": "720000.00", "maxStateAid": "720000.00", "compliant": true, "violations": [] }));

        // The funder decides the extension first: the end, the report and their deadlines move.
        let finance = app.token(Role::Finance, None);
        let decide = |version: i64, kind: &str, decision: &str| json!({ "input": { "id": drafted["id"], "expectedVersion": version, "decisionRef": "STM 15.11.2022 VN/5678/2022", "parts": [{ "kind": kind, "decision": decision }] } });
        // A coordinator records no decisions.
        app.graphql(Some(&coordinator), DECIDE, decide(2, "EXTENSION", "APPROVED")).await.error("FORBIDDEN");
        let first = app.ok(&finance, DECIDE, decide(2, "EXTENSION", "APPROVED")).await["decideChangeRequest"].clone();
        assert_eq!(first["status"], "SUBMITTED", "the reallocation is still open");
        let project = app.ok(&g.admin, PROJECT, json!({ "id": monni })).await;
        assert_eq!((&project["application"]["periodEnd"], &project["application"]["reportDue"]), (&json!("2023-06-30"), &json!("2023-10-31")));
        assert_eq!(due(&project, "PROJECT_ENDS"), "2023-06-30T23:59:00+03:00");
        assert_eq!(due(&project, "REPORT_DUE"), "2023-10-31T23:59:00+02:00");
        let upcoming = app.ok(&coordinator, "{ upcomingDeadlines(withinDays: 3660) { kind localDue } }", json!({})).await;
        let ends: Vec<&Value> = upcoming["upcomingDeadlines"].as_array().unwrap().iter().filter(|d| d["kind"] == "PROJECT_ENDS").collect();
        assert_eq!(ends[0]["localDue"], "2023-06-30 23:59");
        let after = reqwest::get(&feed_url).await.unwrap().text().await.unwrap();
        assert!(after.contains("20230630") && !after.contains("20221231"), "{after}");
        // A part is decided once; a decided request cannot be withdrawn.
        app.graphql(Some(&finance), DECIDE, decide(3, "EXTENSION", "REJECTED")).await.error("BAD_USER_INPUT");
        app.graphql(Some(&coordinator), WITHDRAW, json!({ "input": { "id": drafted["id"], "expectedVersion": 3 } })).await.error("BAD_USER_INPUT");

        // Then the reallocation: a revised version in force, and the request closes.
        let last = app.ok(&finance, DECIDE, decide(3, "BUDGET_REALLOCATION", "APPROVED")).await["decideChangeRequest"].clone();
        assert_eq!(last["status"], "CLOSED");
        assert!(last["parts"][1]["revisedVersionId"].is_string());
        assert_eq!(last["parts"][0]["decidedBy"], "finance-tester");
        let project = app.ok(&g.admin, PROJECT, json!({ "id": monni })).await;
        let versions: Vec<(&Value, &Value)> = project["application"]["budgetVersions"].as_array().unwrap().iter().map(|v| (&v["kind"], &v["inForce"])).collect();
        assert_eq!(versions, [(&json!("APPLIED"), &json!(false)), (&json!("GRANTED"), &json!(false)), (&json!("REVISED"), &json!(true))]);
        assert_eq!(project["application"]["budgetVersions"][2]["decisionRef"], "STM 15.11.2022 VN/5678/2022");
        assert_eq!(project["application"]["budget"]["lines"][1]["amount"], "350000.00");
        // The audit log has every step.
        let log = app.ok(&g.admin, "query($id: ID!) { auditLog(objectId: $id) { nodes { operation } } }", json!({ "id": drafted["id"] })).await;
        let operations: Vec<&str> = log["auditLog"]["nodes"].as_array().unwrap().iter().map(|n| n["operation"].as_str().unwrap()).collect();
        assert_eq!(operations.iter().filter(|o| **o == "decideChangeRequest").count(), 2, "{operations:?}");
        assert!(operations.contains(&"createChangeRequest") && operations.contains(&"submitChangeRequest"), "{operations:?}");
    }

    async fn a_reallocation_that_raises_the_total_or_breaks_the_aid_rate_is_refused_with_the_amount(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let (monni, _) = granted_monni(&app, &g).await;
        let mut rising = reallocated();
        rising[1]["amount"] = json!("350000.01");
        let refused = app.graphql(Some(&g.admin), CREATE, json!({ "input": { "applicationId": monni, "lines": rising } })).await;
        let error = refused.error("BAD_USER_INPUT");
        assert_eq!(error["extensions"]["field"], "lines");
        assert!(error["message"].as_str().unwrap().contains("raise the total cost by 0.01"), "{error}");
        // Cutting the total to 800 000 € with the aid at 720 000 € breaks the 80 % rate by 80 000 €.
        let mut cut = reallocated();
        cut[1]["amount"] = json!("250000.00");
        let drafted = app.ok(&g.admin, CREATE, json!({ "input": { "applicationId": monni, "lines": cut } })).await["createChangeRequest"].clone();
        let preview = app.ok(&g.admin, PREVIEW, json!({ "id": drafted["id"] })).await["changeRequest"]["preview"].clone();
        assert_eq!(preview["splitAfter"]["violations"][0], json!({ "code": "AID_RATE_EXCEEDED", "amount": "80000.00" }));
        let refused = app.graphql(Some(&g.admin), SUBMIT, json!({ "input": { "id": drafted["id"], "expectedVersion": 1 } })).await;
        let error = refused.error("BAD_USER_INPUT");
        assert!(error["message"].as_str().unwrap().contains("maximum rate (80.00 %) by 80000.00"), "{error}");
        // Nothing changed: still a draft, which can be withdrawn.
        let withdrawn = app.ok(&g.admin, WITHDRAW, json!({ "input": { "id": drafted["id"], "expectedVersion": 1 } })).await;
        assert_eq!(withdrawn["withdrawChangeRequest"]["status"], "WITHDRAWN");
        let project = app.ok(&g.admin, PROJECT, json!({ "id": monni })).await;
        assert_eq!(project["application"]["budget"]["total"], "900000.00");
    }

    async fn only_granted_projects_take_change_requests_and_an_extension_moves_the_end_later(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let idea = id(&application(&app, &g.admin, json!({ "name": "Idea", "leadId": g.sonet, "periodEnd": "2022-12-31" })).await);
        let refused = app.graphql(Some(&g.admin), CREATE, json!({ "input": { "applicationId": idea, "newEnd": "2023-06-30" } })).await;
        assert_eq!(refused.error("BAD_USER_INPUT")["extensions"]["field"], "applicationId");
        let (monni, _) = granted_monni(&app, &g).await;
        let earlier = app.graphql(Some(&g.admin), CREATE, json!({ "input": { "applicationId": monni, "newEnd": "2022-06-30" } })).await;
        assert_eq!(earlier.error("BAD_USER_INPUT")["extensions"]["field"], "newEnd");
        let nothing = app.graphql(Some(&g.admin), CREATE, json!({ "input": { "applicationId": monni } })).await;
        assert_eq!(nothing.error("BAD_USER_INPUT")["extensions"]["field"], "input");
        let project = app.ok(&g.admin, PROJECT, json!({ "id": monni })).await;
        assert_eq!(project["application"]["changeRequests"], json!([]));
    }

    async fn an_aid_cut_below_the_allocations_already_recorded_is_not_approved(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let (monni, _) = granted_monni(&app, &g).await;
        let allocation = json!({ "input": { "funderId": g.stm, "recipientId": g.sonet, "applicationId": monni, "year": 2021, "amount": "700000.00" } });
        app.ok(&g.admin, "mutation($input: RecordAllocationInput!) { recordAllocation(input: $input) { id } }", allocation).await;
        let input = json!({ "applicationId": monni, "stateAid": "600000.00", "submit": true });
        let request = app.ok(&g.admin, CREATE, json!({ "input": input })).await["createChangeRequest"].clone();
        let decide = json!({ "input": { "id": request["id"], "expectedVersion": 2, "parts": [{ "kind": "STATE_AID_CHANGE", "decision": "APPROVED" }] } });
        let refused = app.graphql(Some(&g.admin), DECIDE, decide).await;
        let error = refused.error("BAD_USER_INPUT");
        assert_eq!(error["extensions"]["field"], "parts");
        assert!(error["message"].as_str().unwrap().contains("above its granted state aid (600000.00)"), "{error}");
        // Approved with changes instead: 700 000 € holds them.
        let with_changes = json!({ "input": { "id": request["id"], "expectedVersion": 2, "parts": [{ "kind": "STATE_AID_CHANGE", "decision": "APPROVED_WITH_CHANGES", "approvedStateAid": "700000.00" }] } });
        app.ok(&g.admin, DECIDE, with_changes).await;
        let project = app.ok(&g.admin, PROJECT, json!({ "id": monni })).await;
        assert_eq!(project["application"]["budget"]["total"], "900000.00");
        let aid = app.ok(&g.admin, "query($id: ID!) { application(id: $id) { stateAidRequested } }", json!({ "id": monni })).await;
        assert_eq!(aid["application"]["stateAidRequested"], "700000.00");
    }

    async fn the_funder_may_approve_with_changes_and_a_partner_joins_with_its_commitment(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let (monni, _) = granted_monni(&app, &g).await;
        let vaasa = org(&app, &g.admin, "Vaasan kaupunki", "MUNICIPALITY", Some("15")).await;
        let input = json!({ "applicationId": monni, "newEnd": "2023-12-31", "stateAid": "700000.00", "contentChange": "Vaasa mukaan", "partners": [{ "organizationId": vaasa, "joins": true, "commitment": "20000.00" }], "submit": true });
        let submitted = app.ok(&g.admin, CREATE, json!({ "input": input })).await["createChangeRequest"].clone();
        assert_eq!(submitted["status"], "SUBMITTED");
        assert_eq!(submitted["kinds"], json!(["EXTENSION", "STATE_AID_CHANGE", "CONTENT_CHANGE", "PARTNER_CHANGE"]));
        let parts = json!([
            { "kind": "EXTENSION", "decision": "APPROVED_WITH_CHANGES", "approvedEnd": "2023-06-30", "note": "puoli vuotta riittää" },
            { "kind": "STATE_AID_CHANGE", "decision": "REJECTED" },
            { "kind": "CONTENT_CHANGE", "decision": "APPROVED" },
            { "kind": "PARTNER_CHANGE", "decision": "APPROVED" },
        ]);
        // Approved with changes needs its value.
        let missing = json!({ "input": { "id": submitted["id"], "expectedVersion": 2, "parts": [{ "kind": "EXTENSION", "decision": "APPROVED_WITH_CHANGES" }] } });
        assert_eq!(app.graphql(Some(&g.admin), DECIDE, missing).await.error("BAD_USER_INPUT")["extensions"]["field"], "parts");
        let decided = app.ok(&g.admin, DECIDE, json!({ "input": { "id": submitted["id"], "expectedVersion": 2, "parts": parts } })).await["decideChangeRequest"].clone();
        assert_eq!(decided["status"], "CLOSED");
        assert_eq!(decided["parts"][0]["approvedEnd"], "2023-06-30");
        let project = app.ok(&g.admin, PROJECT, json!({ "id": monni })).await;
        let a = &project["application"];
        assert_eq!(a["periodEnd"], "2023-06-30");
        assert_eq!(a["budgetVersions"].as_array().unwrap().len(), 2, "the aid change was rejected: no revision");
        assert!(a["participants"].as_array().unwrap().iter().any(|p| p["organization"]["name"] == "Vaasan kaupunki" && p["role"] == "PARTNER"));
        assert_eq!(a["fundingSplit"]["selfFundingCommitted"], "200000.00");
    }
    async fn the_demo_shows_a_kaste_project_extended_by_a_change_request(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let ministry = app.token(Role::Ministry, None);
        let query = "{ applications(filter: { search: \"SOS-hanke\" }) { nodes { periodEnd changeRequests { status kinds newEnd parts { kind decision decisionRef } } } } }";
        let found = app.ok(&ministry, query, json!({})).await;
        let sos = &found["applications"]["nodes"][0];
        assert_eq!(sos["periodEnd"], "2015-10-31");
        assert_eq!(sos["changeRequests"], json!([{
            "status": "CLOSED", "kinds": ["EXTENSION"], "newEnd": "2015-10-31",
            "parts": [{ "kind": "EXTENSION", "decision": "APPROVED", "decisionRef": "STM:n päätös käyttöajan pidennyksestä" }],
        }]));
    }
}
