//! Budget versions through the API: the draft frozen at submission, a grant below the application,
//! the diff between them with the splits, allocations held to the granted aid, and a revision
//! within the call's tolerance.

use salkku_domain::Role;
use salkku_e2e::{TestApp, on_both};
use serde_json::{Value, json};

use crate::fixtures::*;

const VERSIONS: &str = "query($id: ID!) { application(id: $id) { version status budget { total lines { category year amount } } stateAidRequested fundingSplit { stateAid totalCost } budgetVersions { id number kind inForce total stateAid withinTolerance decisionRef lines { category year amount } } } }";
const DIFF: &str = "query($from: ID!, $to: ID!) { budgetDiff(fromVersionId: $from, toVersionId: $to) { from { kind } to { kind } lines { category year before after change } totalBefore totalAfter totalChange stateAidBefore stateAidAfter stateAidChange moved splitBefore { stateAid compliant } splitAfter { stateAid maxStateAid compliant violations { code amount } } } }";
const REVISE: &str = "mutation($input: ReviseBudgetInput!) { reviseBudget(input: $input) { number kind inForce withinTolerance total stateAid } }";
const ALLOCATE: &str = "mutation($input: RecordAllocationInput!) { recordAllocation(input: $input) { id amount } }";

/// MONNI as applied: 900 000 € over three years, 80 % state aid, fully pledged self-funding.
fn monni_lines() -> Value {
    json!([
        { "category": "PERSONNEL", "year": 2021, "amount": "300000.00" },
        { "category": "PERSONNEL", "year": 2022, "amount": "300000.00" },
        { "category": "PURCHASED_SERVICES", "year": 2021, "amount": "200000.00" },
        { "category": "TRAVEL", "year": 2021, "amount": "100000.00" },
    ])
}

/// A submitted MONNI: (id, version).
async fn submitted_monni(app: &TestApp, g: &Ground, call: &str) -> (String, i64) {
    let created = application(app, &g.admin, json!({ "name": "MONNI", "callId": call, "leadId": g.sonet })).await;
    let monni = id(&created);
    budget(app, &g.admin, &monni, 1, monni_lines(), "720000.00").await;
    let input =
        json!({ "applicationId": monni, "organizationId": g.sonet, "amount": "180000.00", "status": "PROMISED" });
    app.ok(&g.admin, ADD_COMMITMENT, json!({ "input": input })).await;
    transition(app, &g.admin, &monni, 2, "IN_PREPARATION").await;
    let submitted = transition(app, &g.admin, &monni, 3, "SUBMITTED").await;
    (monni, submitted["version"].as_i64().unwrap())
}

fn versions(answer: &Value) -> Vec<(i64, &str, bool, &str)> {
    answer["application"]["budgetVersions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["number"].as_i64().unwrap(),
                v["kind"].as_str().unwrap(),
                v["inForce"].as_bool().unwrap(),
                v["stateAid"].as_str().unwrap(),
            )
        })
        .collect()
}

on_both! {
    async fn the_draft_is_frozen_at_submission_and_set_budget_is_refused_after_it(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let created = application(&app, &g.admin, json!({ "name": "MONNI", "callId": g.call80, "leadId": g.sonet })).await;
        let monni = id(&created);
        let draft = app.ok(&g.admin, VERSIONS, json!({ "id": monni })).await;
        assert_eq!(versions(&draft), [(1, "DRAFT", true, "0.00")]);
        budget(&app, &g.admin, &monni, 1, monni_lines(), "720000.00").await;
        let draft = app.ok(&g.admin, VERSIONS, json!({ "id": monni })).await;
        assert_eq!(versions(&draft), [(1, "DRAFT", true, "720000.00")]);
        assert_eq!(draft["application"]["budgetVersions"][0]["lines"].as_array().unwrap().len(), 4);

        let input = json!({ "applicationId": monni, "organizationId": g.sonet, "amount": "180000.00", "status": "PROMISED" });
        app.ok(&g.admin, ADD_COMMITMENT, json!({ "input": input })).await;
        transition(&app, &g.admin, &monni, 2, "IN_PREPARATION").await;
        let submitted = transition(&app, &g.admin, &monni, 3, "SUBMITTED").await;
        let applied = app.ok(&g.admin, VERSIONS, json!({ "id": monni })).await;
        assert_eq!(versions(&applied), [(1, "APPLIED", true, "720000.00")]);
        assert_eq!(applied["application"]["budgetVersions"][0]["lines"][3], json!({ "category": "TRAVEL", "year": 2021, "amount": "100000.00" }));

        // The budget as applied for is frozen: setBudget is refused and changes nothing.
        let input = json!({ "applicationId": monni, "expectedVersion": submitted["version"], "lines": [], "stateAidRequested": "0.00" });
        let refused = app.graphql(Some(&g.admin), SET_BUDGET, json!({ "input": input })).await;
        let error = refused.error("BAD_USER_INPUT");
        assert_eq!(error["extensions"]["field"], "applicationId");
        assert!(error["message"].as_str().unwrap().contains("use a change request"), "{error}");
        let after = app.ok(&g.admin, VERSIONS, json!({ "id": monni })).await;
        assert_eq!(after, applied);
    }

    async fn a_draft_compared_with_itself_shows_its_own_lines_unchanged(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let created = application(&app, &g.admin, json!({ "name": "MONNI", "callId": g.call80, "leadId": g.sonet })).await;
        let monni = id(&created);
        budget(&app, &g.admin, &monni, 1, monni_lines(), "720000.00").await;
        let now = app.ok(&g.admin, VERSIONS, json!({ "id": monni })).await;
        assert_eq!(versions(&now), [(1, "DRAFT", true, "720000.00")]);
        let draft = &now["application"]["budgetVersions"][0]["id"];
        let diff = app.ok(&g.admin, DIFF, json!({ "from": draft, "to": draft })).await["budgetDiff"].clone();
        assert_eq!((&diff["from"]["kind"], &diff["to"]["kind"]), (&json!("DRAFT"), &json!("DRAFT")));
        assert_eq!(diff["lines"].as_array().unwrap().len(), 4, "the draft's lines are the application's own");
        let travel = diff["lines"].as_array().unwrap().iter().find(|l| l["category"] == "TRAVEL").unwrap().clone();
        assert_eq!(travel, json!({ "category": "TRAVEL", "year": 2021, "before": "100000.00", "after": "100000.00", "change": "0.00" }));
        assert_eq!((&diff["totalBefore"], &diff["totalChange"]), (&json!("900000.00"), &json!("0.00")));
        // No pledge yet: 180 000 € of self-funding is uncovered before as after.
        assert_eq!(diff["splitAfter"]["compliant"], false);
    }

    async fn a_grant_below_the_application_puts_the_granted_budget_in_force_and_shows_what_was_cut(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let (monni, version) = submitted_monni(&app, &g, &g.call80).await;
        let finance = app.token(Role::Finance, None);
        // STM grants 820 000 € of costs and 656 000 € of aid: 2022 personnel and travel cut.
        let granted = json!({
            "lines": [
                { "category": "PERSONNEL", "year": 2021, "amount": "300000.00" },
                { "category": "PERSONNEL", "year": 2022, "amount": "250000.00" },
                { "category": "PURCHASED_SERVICES", "year": 2021, "amount": "200000.00" },
                { "category": "TRAVEL", "year": 2021, "amount": "70000.00" },
            ],
            "stateAid": "656000.00",
        });
        let input = json!({ "id": monni, "expectedVersion": version, "to": "GRANTED", "decisionRef": "STM 12.6.2020 VN/1234/2020", "grantedBudget": granted });
        // A coordinator may move the application but not record a granted budget.
        let coordinator = app.token(Role::Coordinator, None);
        app.graphql(Some(&coordinator), TRANSITION, json!({ "input": input })).await.error("FORBIDDEN");
        app.ok(&finance, TRANSITION, json!({ "input": input })).await;

        let now = app.ok(&g.admin, VERSIONS, json!({ "id": monni })).await;
        assert_eq!(versions(&now), [(1, "APPLIED", false, "720000.00"), (2, "GRANTED", true, "656000.00")]);
        let a = &now["application"];
        assert_eq!(a["budgetVersions"][1]["decisionRef"], "STM 12.6.2020 VN/1234/2020");
        // The version in force is what the application's budget and split read.
        assert_eq!(a["budget"]["total"], "820000.00");
        assert_eq!(a["stateAidRequested"], "656000.00");
        assert_eq!(a["fundingSplit"], json!({ "stateAid": "656000.00", "totalCost": "820000.00" }));
        // Superseded versions count towards nothing: the portfolio sums the granted budget once.
        let portfolio = app.ok(&g.admin, "{ portfolio { totalCost stateAidRequested } }", json!({})).await;
        assert_eq!(portfolio["portfolio"], json!({ "totalCost": "820000.00", "stateAidRequested": "656000.00" }));

        let (applied, granted) = (&a["budgetVersions"][0]["id"], &a["budgetVersions"][1]["id"]);
        let before = app.statements();
        let diff = app.ok(&g.admin, DIFF, json!({ "from": applied, "to": granted })).await["budgetDiff"].clone();
        // Both versions, their lines, the call and the pledges the splits need: one statement.
        assert_eq!(app.statements() - before, 1, "the budget diff in one statement");
        assert_eq!((&diff["from"]["kind"], &diff["to"]["kind"]), (&json!("APPLIED"), &json!("GRANTED")));
        assert_eq!(diff["lines"][1], json!({ "category": "PERSONNEL", "year": 2022, "before": "300000.00", "after": "250000.00", "change": "-50000.00" }));
        assert_eq!(diff["lines"][2], json!({ "category": "TRAVEL", "year": 2021, "before": "100000.00", "after": "70000.00", "change": "-30000.00" }));
        assert_eq!((&diff["totalBefore"], &diff["totalAfter"], &diff["totalChange"]), (&json!("900000.00"), &json!("820000.00"), &json!("-80000.00")));
        assert_eq!((&diff["stateAidBefore"], &diff["stateAidAfter"], &diff["stateAidChange"]), (&json!("720000.00"), &json!("656000.00"), &json!("-64000.00")));
        assert_eq!(diff["moved"], "0.00");
        assert_eq!(diff["splitBefore"], json!({ "stateAid": "720000.00", "compliant": true }));
        assert_eq!(diff["splitAfter"]["maxStateAid"], "656000.00");
        assert_eq!(diff["splitAfter"]["compliant"], true);
        // Versions of two applications are not compared.
        let (other, _) = submitted_monni(&app, &g, &g.call80).await;
        let other_versions = app.ok(&g.admin, VERSIONS, json!({ "id": other })).await;
        let foreign = &other_versions["application"]["budgetVersions"][0]["id"];
        let refused = app.graphql(Some(&g.admin), DIFF, json!({ "from": applied, "to": foreign })).await;
        assert_eq!(refused.error("BAD_USER_INPUT")["extensions"]["field"], "toVersionId");
    }

    async fn allocations_of_a_granted_project_add_up_to_its_granted_aid_and_no_further(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let (monni, version) = submitted_monni(&app, &g, &g.call80).await;
        // Granted as applied for: 720 000 € of aid.
        let input = json!({ "id": monni, "expectedVersion": version, "to": "GRANTED", "decisionRef": "STM 12.6.2020" });
        app.ok(&g.admin, TRANSITION, json!({ "input": input })).await;
        let allocate = |year: i32, amount: &str| json!({ "input": { "funderId": g.stm, "recipientId": g.sonet, "applicationId": monni, "year": year, "amount": amount } });
        app.ok(&g.admin, ALLOCATE, allocate(2021, "400000.00")).await;
        let refused = app.graphql(Some(&g.admin), ALLOCATE, allocate(2022, "320000.01")).await;
        let error = refused.error("BAD_USER_INPUT");
        assert_eq!(error["extensions"]["field"], "amount");
        assert!(error["message"].as_str().unwrap().contains("0.01 above its granted state aid (720000.00)"), "{error}");
        app.ok(&g.admin, ALLOCATE, allocate(2022, "320000.00")).await;
        let granted = app.ok(&g.admin, "query($id: ID!) { application(id: $id) { stateAidGranted allocations { year } } }", json!({ "id": monni })).await;
        assert_eq!(granted["application"]["stateAidGranted"], "720000.00");
    }

    async fn a_grant_below_the_allocations_already_recorded_is_refused(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let (monni, version) = submitted_monni(&app, &g, &g.call80).await;
        let allocation = json!({ "input": { "funderId": g.stm, "recipientId": g.sonet, "applicationId": monni, "year": 2021, "amount": "700000.00" } });
        app.ok(&g.admin, ALLOCATE, allocation).await;
        let granted = json!({ "lines": monni_lines(), "stateAid": "656000.00" });
        let input = json!({ "id": monni, "expectedVersion": version, "to": "GRANTED", "grantedBudget": granted });
        let refused = app.graphql(Some(&g.admin), TRANSITION, json!({ "input": input })).await;
        assert_eq!(refused.error("BAD_USER_INPUT")["extensions"]["field"], "grantedBudget");
        let still = app.ok(&g.admin, VERSIONS, json!({ "id": monni })).await;
        assert_eq!(still["application"]["status"], "SUBMITTED");
        assert_eq!(versions(&still), [(1, "APPLIED", true, "720000.00")]);
        // A grant above the call's rate is refused, and a coordinator records no grant at all.
        let above = json!({ "lines": monni_lines(), "stateAid": "720000.01" });
        let input = json!({ "id": monni, "expectedVersion": version, "to": "GRANTED", "grantedBudget": above });
        let refused = app.graphql(Some(&g.admin), TRANSITION, json!({ "input": input })).await;
        assert!(refused.error("BAD_USER_INPUT")["message"].as_str().unwrap().contains("by 0.01"), "{:?}", refused.body);
        let sonet = salkku_domain::ids::OrganizationId::from_global(&g.sonet).unwrap();
        let coordinator = app.token(Role::Coordinator, Some(sonet));
        let input = json!({ "id": monni, "expectedVersion": version, "to": "GRANTED" });
        app.graphql(Some(&coordinator), TRANSITION, json!({ "input": input })).await.error("FORBIDDEN");
        // A granted budget goes only with the grant decision.
        let input = json!({ "id": monni, "expectedVersion": version, "to": "REJECTED", "grantedBudget": granted });
        let refused = app.graphql(Some(&g.admin), TRANSITION, json!({ "input": input })).await;
        assert_eq!(refused.error("BAD_USER_INPUT")["extensions"]["field"], "grantedBudget");
    }

    async fn a_revision_within_the_calls_tolerance_is_recorded_directly_and_one_beyond_it_is_refused(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        // A call that lets 5 % of the approved total move between categories: 45 000 € of 900 000 €.
        let input = json!({ "title": "Joustava haku", "funderId": g.stm, "closesAt": "2020-05-29T16:15:00+03:00", "maxAidRate": "80", "reallocationTolerance": "5" });
        let call = app.ok(&g.admin, "mutation($input: CreateGrantCallInput!) { createGrantCall(input: $input) { id reallocationTolerance } }", json!({ "input": input })).await["createGrantCall"].clone();
        assert_eq!(call["reallocationTolerance"], "5.00");
        let (monni, version) = submitted_monni(&app, &g, &id(&call)).await;
        let revise = |version: i64, travel: &str, services: &str| json!({ "input": { "applicationId": monni, "expectedVersion": version, "lines": [
            { "category": "PERSONNEL", "year": 2021, "amount": "300000.00" },
            { "category": "PERSONNEL", "year": 2022, "amount": "300000.00" },
            { "category": "PURCHASED_SERVICES", "year": 2021, "amount": services },
            { "category": "TRAVEL", "year": 2021, "amount": travel },
        ] } });
        // Before the grant there is nothing to revise.
        let early = app.graphql(Some(&g.admin), REVISE, revise(version, "55000.00", "245000.00")).await;
        assert_eq!(early.error("BAD_USER_INPUT")["extensions"]["field"], "lines");
        let granted = transition(&app, &g.admin, &monni, version, "GRANTED").await["version"].as_i64().unwrap();

        let beyond = app.graphql(Some(&g.admin), REVISE, revise(granted, "54999.99", "245000.01")).await;
        assert!(beyond.error("BAD_USER_INPUT")["message"].as_str().unwrap().contains("make a change request"));
        let rising = app.graphql(Some(&g.admin), REVISE, revise(granted, "100000.00", "200000.01")).await;
        rising.error("BAD_USER_INPUT");
        let revised = app.ok(&g.admin, REVISE, revise(granted, "55000.00", "245000.00")).await["reviseBudget"].clone();
        assert_eq!(revised, json!({ "number": 3, "kind": "REVISED", "inForce": true, "withinTolerance": true, "total": "900000.00", "stateAid": "720000.00" }));
        let now = app.ok(&g.admin, VERSIONS, json!({ "id": monni })).await;
        assert_eq!(versions(&now), [(1, "APPLIED", false, "720000.00"), (2, "GRANTED", false, "720000.00"), (3, "REVISED", true, "720000.00")]);
        assert_eq!(now["application"]["budget"]["lines"][2]["amount"], "245000.00");
        // A stale version is a conflict, as everywhere.
        app.graphql(Some(&g.admin), REVISE, revise(granted, "55000.00", "245000.00")).await.error("CONFLICT");
        // The tolerance holds for the revisions together: one more cent moved from the granted
        // budget is refused, however small the step from the last revision.
        let version = app.ok(&g.admin, VERSIONS, json!({ "id": monni })).await["application"]["version"].as_i64().unwrap();
        let again = app.graphql(Some(&g.admin), REVISE, revise(version, "54999.99", "245000.01")).await;
        assert!(again.error("BAD_USER_INPUT")["message"].as_str().unwrap().contains("make a change request"));
        app.ok(&g.admin, REVISE, revise(version, "60000.00", "240000.00")).await;
    }
    async fn the_demo_shows_a_grant_below_the_application(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let ministry = app.token(Role::Ministry, None);
        let query = "{ applications(filter: { search: \"Tulevaisuuden sosiaali\" }) { nodes { budget { total } budgetVersions { kind inForce total stateAid decisionRef } } } }";
        let found = app.ok(&ministry, query, json!({})).await;
        let sote = &found["applications"]["nodes"][0];
        assert_eq!(sote["budget"]["total"], "2200000.00");
        assert_eq!(sote["budgetVersions"], json!([
            { "kind": "APPLIED", "inForce": false, "total": "2400000.00", "stateAid": "2400000.00", "decisionRef": null },
            { "kind": "GRANTED", "inForce": true, "total": "2200000.00", "stateAid": "2200000.00", "decisionRef": "STM:n valtionavustuspäätös" },
        ]));
    }
}
