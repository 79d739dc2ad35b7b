//! The demo portfolio answers the questions each user asks — the ready queries of the README.

use salkku_domain::Money;
use salkku_e2e::{TestApp, on_both};
use serde_json::{Value, json};

/// The README's queries, kept in one place so the README and the tests cannot drift apart.
pub const DUE_IN_30_DAYS: &str =
    "{ upcomingDeadlines(withinDays: 30) { localDue daysLeft kind title tentative application { acronym name } } }";
pub const MONNI_SPLIT: &str = "{ applications(filter: { search: \"MONNI\" }) { nodes { name status fundingSplit { compliant stateAidRate selfFundingRequired selfFundingCommitted selfFundingGap violations { code message amount } } commitments { organization { name } amount kind status dueDate } } } }";
pub const EXPOSURE: &str = "query($org: ID!) { exposure(organizationId: $org, from: \"2020-01-01\", to: \"2022-12-31\") { pledged requested pledgedPerInhabitant byStatus { status kind amount count } agenda { level commitments { amount dueDate application { acronym } } } realisedTotal } portfolio { byOrganization { label applicationCount totalCost stateAidGranted } } }";
pub const PORTFOLIO_2020: &str = "{ portfolio(filter: { year: 2020 }) { applicationCount totalCost stateAidRequested stateAidGranted selfFundingRequired selfFundingCommitted byStatus { key label applicationCount totalCost stateAidRequested stateAidGranted } byRegion { key label applicationCount totalCost } byFunder { label applicationCount } atRisk { name } } }";

fn money(v: &Value) -> Money {
    Money::parse(v.as_str().unwrap()).unwrap()
}

fn sum(buckets: &Value, field: &str) -> Money {
    Money::sum(buckets.as_array().unwrap().iter().map(|b| money(&b[field]))).unwrap()
}

on_both! {
    async fn the_demo_shows_reports_owed_instalments_held_and_kaste_projects_closed_settled(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let finance = app.token(salkku_domain::Role::Finance, None);
        let sote = app.ok(&finance, "{ applications(first: 1, filter: { search: \"sosiaali- ja terveyskeskus -hanke\" }) { nodes { reportDue reports { kind dueOn status } allocations { paidTotal plannedTotal instalments { label amount status held condition { kind } } } } } }", json!({})).await;
        let project = &sote["applications"]["nodes"][0];
        assert_eq!(project["reports"], json!([
            { "kind": "INTERIM", "dueOn": "2021-02-28", "status": "DUE" },
            { "kind": "FINAL", "dueOn": "2023-04-30", "status": "DUE" },
        ]));
        assert_eq!(project["reportDue"], "2023-04-30");
        let allocation = &project["allocations"][0];
        assert_eq!((&allocation["paidTotal"], &allocation["plannedTotal"]), (&json!("600000.00"), &json!("1200000.00")));
        assert_eq!(allocation["instalments"], json!([
            { "label": "1. maksuerä", "amount": "600000.00", "status": "PAID", "held": false, "condition": null },
            { "label": "2. maksuerä", "amount": "600000.00", "status": "PLANNED", "held": true, "condition": { "kind": "FINAL" } },
        ]));
        let kaste = app.ok(&finance, "{ applications(first: 10, filter: { status: [CLOSED] }) { nodes { reports { status } finalAccount { settled aidEarned } } } }", json!({})).await;
        let closed = kaste["applications"]["nodes"].as_array().unwrap();
        assert_eq!(closed.len(), 7);
        for project in closed {
            assert_eq!(project["reports"], json!([{ "status": "ACCEPTED" }]));
            assert_eq!(project["finalAccount"], json!({ "settled": true, "aidEarned": "300000.00" }));
        }
    }

    async fn a_coordinator_sees_what_is_due_in_the_next_30_days(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let due = app.ok(&app.admin(), DUE_IN_30_DAYS, json!({})).await;
        let list = due["upcomingDeadlines"].as_array().unwrap();
        let shown: Vec<(&str, &str)> = list.iter().map(|d| (d["localDue"].as_str().unwrap(), d["kind"].as_str().unwrap())).collect();
        // As of 19 May 2020: the board decision on the ombudsman service, MONNI's call, three
        // mental-health calls, and the municipalities' board-level commitments due 18.6.
        assert_eq!(&shown[..5], &[
            ("2020-05-29 09:00", "DECISION_EXPECTED"),
            ("2020-05-29 16:15", "CALL_CLOSES"),
            ("2020-06-12 16:15", "CALL_CLOSES"),
            ("2020-06-12 16:15", "CALL_CLOSES"),
            ("2020-06-12 16:15", "CALL_CLOSES"),
        ]);
        let monni_due: Vec<&Value> = list.iter().filter(|d| d["kind"] == "COMMITMENT_DUE").collect();
        assert_eq!(monni_due.len(), 2, "the two MONNI commitments still requested");
        assert!(monni_due.iter().all(|d| d["localDue"] == "2020-06-18 23:59" && d["daysLeft"] == 30));
    }

    async fn finance_sees_whether_monni_is_compliant_and_what_is_missing(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let monni = app.ok(&app.admin(), MONNI_SPLIT, json!({})).await;
        let node = &monni["applications"]["nodes"][0];
        assert_eq!(node["fundingSplit"]["compliant"], false);
        assert_eq!(node["fundingSplit"]["selfFundingRequired"], "180000.00");
        assert_eq!(node["fundingSplit"]["selfFundingCommitted"], "110000.00");
        assert_eq!(node["fundingSplit"]["violations"], json!([{
            "code": "SELF_FUNDING_UNCOVERED",
            "message": "commitments cover 110000.00 of the required self-funding 180000.00: 70000.00 is missing",
            "amount": "70000.00",
        }]));
        assert_eq!(node["commitments"].as_array().unwrap().len(), 7);
    }

    async fn the_ministry_sees_the_2020_portfolio_by_status_and_region_adding_up_to_the_cent(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let ministry = app.token(salkku_domain::Role::Ministry, None);
        let p = app.graphql_in(None, Some(&ministry), PORTFOLIO_2020, json!({})).await.data()["portfolio"].clone();
        assert_eq!(p["applicationCount"], 3);
        assert_eq!((p["totalCost"].as_str(), p["stateAidRequested"].as_str(), p["stateAidGranted"].as_str()), (Some("3800000.00"), Some("3620000.00"), Some("1200000.00")));
        assert_eq!((p["selfFundingRequired"].as_str(), p["selfFundingCommitted"].as_str()), (Some("180000.00"), Some("110000.00")));
        let by_status = &p["byStatus"];
        assert_eq!(sum(by_status, "totalCost"), money(&p["totalCost"]));
        assert_eq!(sum(by_status, "stateAidRequested"), money(&p["stateAidRequested"]));
        assert_eq!(sum(by_status, "stateAidGranted"), money(&p["stateAidGranted"]));
        let keys: Vec<&str> = by_status.as_array().unwrap().iter().map(|b| b["key"].as_str().unwrap()).collect();
        assert_eq!(keys, ["ACTIVE", "IN_PREPARATION", "SUBMITTED"]);
        assert_eq!(by_status[1]["label"], "Valmistelussa");
        let regions: Vec<(&str, i64)> = p["byRegion"].as_array().unwrap().iter().map(|b| (b["key"].as_str().unwrap(), b["applicationCount"].as_i64().unwrap())).collect();
        assert_eq!(regions, [("05", 1), ("06", 1), ("14", 3), ("15", 1), ("16", 1)]);
        assert_eq!(p["atRisk"], json!([{ "name": "MONNI – Lastensuojelun monialainen kehittäminen Kanta-Hämeessä, Pirkanmaalla ja Etelä-Pohjanmaalla 2020–2022" }]));

        // The same figures, summed from the applications one by one.
        let apps = app.ok(&ministry, "{ applications(filter: { year: 2020 }, first: 100) { totalCount nodes { budget { total } stateAidRequested stateAidGranted } } }", json!({})).await;
        let nodes = &apps["applications"]["nodes"];
        assert_eq!(apps["applications"]["totalCount"], 3);
        let totals: Money = Money::sum(nodes.as_array().unwrap().iter().map(|n| money(&n["budget"]["total"]))).unwrap();
        assert_eq!(totals, money(&p["totalCost"]));
        assert_eq!(sum(nodes, "stateAidGranted"), money(&p["stateAidGranted"]));
    }

    async fn the_portfolio_sums_only_what_is_asked_and_each_figure_is_the_same_asked_alone(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let token = app.admin();
        let figures = "key applicationCount totalCost stateAidRequested stateAidGranted selfFundingRequired selfFundingCommitted";
        let totals = "applicationCount totalCost stateAidRequested stateAidGranted selfFundingRequired selfFundingCommitted";
        let everything = format!("{{ portfolio {{ {totals} byStatus {{ {figures} }} byRegion {{ {figures} }} byFunder {{ {figures} }} }} }}");
        let full = app.ok(&token, &everything, json!({})).await["portfolio"].clone();
        assert_eq!(full["applicationCount"], 14);
        for part in ["byStatus", "byRegion", "byFunder"] {
            let alone = app.ok(&token, &format!("{{ portfolio {{ {part} {{ {figures} }} }} }}"), json!({})).await;
            assert_eq!(alone["portfolio"][part], full[part], "{part} asked alone");
        }
        // Without byStatus the totals are summed by the database; with it, from its buckets.
        let alone = app.ok(&token, &format!("{{ portfolio {{ {totals} }} }}"), json!({})).await["portfolio"].clone();
        for field in totals.split(' ') {
            assert_eq!(alone[field], full[field], "{field} asked alone");
        }
        let granted: Vec<&str> = full["byStatus"].as_array().unwrap().iter().map(|b| b["stateAidGranted"].as_str().unwrap()).collect();
        assert!(granted.iter().any(|g| *g != "0.00"), "the demo has granted aid: {granted:?}");

        // One statement for the sums, however many parts; none when only atRisk is asked.
        let cost = |query: &'static str| {
            let (app, token) = (&app, &token);
            async move {
                let before = app.statements();
                app.ok(token, query, json!({})).await;
                app.statements() - before
            }
        };
        let at_risk = cost("{ portfolio { atRisk { name } } }").await;
        let with_sums = cost("{ portfolio { applicationCount stateAidGranted selfFundingCommitted byStatus { key } byRegion { key } atRisk { name } } }").await;
        assert_eq!(with_sums, at_risk + 1, "one statement for every sum: {at_risk} then {with_sums}");
    }

    async fn granted_aid_and_pledged_self_funding_follow_every_allocation_commitment_and_call(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let token = app.admin();
        // The portfolio's sums (kept on each application's row) against the same figures loaded
        // application by application (allocations and the funding split, computed afresh).
        let agree = |step: &'static str| {
            let (app, token) = (&app, &token);
            async move {
                let p = app.ok(token, "{ portfolio { stateAidGranted selfFundingCommitted } applications(first: 100) { nodes { stateAidGranted fundingSplit { selfFundingCommitted } } } }", json!({})).await;
                let nodes = p["applications"]["nodes"].as_array().unwrap().clone();
                let granted = Money::sum(nodes.iter().map(|n| money(&n["stateAidGranted"]))).unwrap();
                let committed = Money::sum(nodes.iter().map(|n| money(&n["fundingSplit"]["selfFundingCommitted"]))).unwrap();
                assert_eq!(money(&p["portfolio"]["stateAidGranted"]), granted, "granted aid after {step}");
                assert_eq!(money(&p["portfolio"]["selfFundingCommitted"]), committed, "pledged self-funding after {step}");
                (granted, committed)
            }
        };
        let (granted, committed) = agree("the demo").await;
        let monni = app.ok(&token, "{ applications(filter: { search: \"MONNI\" }) { nodes { id version lead { id } call { funder { id } } } } }", json!({})).await["applications"]["nodes"][0].clone();
        let (id, lead, funder) = (monni["id"].clone(), monni["lead"]["id"].clone(), monni["call"]["funder"]["id"].clone());

        app.ok(&token, "mutation($i: RecordAllocationInput!) { recordAllocation(input: $i) { id } }", json!({ "i": { "funderId": funder, "recipientId": lead, "applicationId": id, "year": 2021, "amount": "1000.01" } })).await;
        let (after, _) = agree("an allocation").await;
        assert_eq!(after, granted.checked_add(Money::parse("1000.01").unwrap()).unwrap());

        let add = "mutation($i: AddCommitmentInput!) { addCommitment(input: $i) { id version } }";
        let cash = app.ok(&token, add, json!({ "i": { "applicationId": id, "organizationId": lead, "amount": "500.00", "status": "PROMISED" } })).await["addCommitment"].clone();
        app.ok(&token, add, json!({ "i": { "applicationId": id, "organizationId": lead, "amount": "70.00", "kind": "IN_KIND", "status": "APPROVED" } })).await;
        let (_, pledged) = agree("two commitments").await;
        assert_eq!(pledged, committed.checked_add(Money::parse("500.00").unwrap()).unwrap(), "in kind does not count under MONNI's call");

        app.ok(&token, "mutation($i: UpdateCommitmentInput!) { updateCommitment(input: $i) { id } }", json!({ "i": { "id": cash["id"], "expectedVersion": cash["version"], "status": "DECLINED" } })).await;
        let (_, pledged) = agree("a declined commitment").await;
        assert_eq!(pledged, committed);

        let call = app.ok(&token, "mutation($i: CreateGrantCallInput!) { createGrantCall(input: $i) { id } }", json!({ "i": { "title": "Luontoisosuudet lasketaan", "funderId": funder, "closesAt": "2020-09-30T16:15:00+03:00", "maxAidRate": "80.00", "inKindCountsAsSelfFunding": true } })).await["createGrantCall"]["id"].clone();
        app.ok(&token, "mutation($i: UpdateApplicationInput!) { updateApplication(input: $i) { id } }", json!({ "i": { "id": id, "expectedVersion": monni["version"], "callId": call } })).await;
        let (_, pledged) = agree("a call that counts work in kind").await;
        let in_kind = app.ok(&token, "query($id: ID!) { application(id: $id) { commitments { amount kind status } } }", json!({ "id": id })).await;
        let in_kind = Money::sum(in_kind["application"]["commitments"].as_array().unwrap().iter().filter(|c| c["kind"] == "IN_KIND" && ["PROMISED", "APPROVED"].contains(&c["status"].as_str().unwrap())).map(|c| money(&c["amount"]))).unwrap();
        assert!(in_kind > Money::parse("70.00").unwrap(), "the new commitment and the demo's own work in kind: {in_kind:?}");
        assert_eq!(pledged, committed.checked_add(in_kind).unwrap());
    }

    async fn the_whole_portfolio_adds_up_and_its_at_risk_list_agrees_with_the_splits(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let token = app.admin();
        let p = app.ok(&token, "{ portfolio { applicationCount totalCost selfFundingCommitted byStatus { applicationCount totalCost } atRisk { name } } }", json!({})).await["portfolio"].clone();
        assert_eq!(p["applicationCount"], 14);
        assert_eq!(sum(&p["byStatus"], "totalCost"), money(&p["totalCost"]));
        let apps = app.ok(&token, "{ applications(first: 100) { nodes { name status fundingSplit { compliant } } } }", json!({})).await;
        let open_and_not_compliant: Vec<&str> = apps["applications"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| !["REJECTED", "WITHDRAWN", "CLOSED"].contains(&a["status"].as_str().unwrap()))
            .filter(|a| a["fundingSplit"]["compliant"] == false)
            .map(|a| a["name"].as_str().unwrap())
            .collect();
        let at_risk: Vec<&str> = p["atRisk"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
        assert_eq!(at_risk, open_and_not_compliant, "SQL and the domain agree on which splits fail");
    }

    async fn the_readmes_exposure_query_shows_seinajokis_pledges_and_its_boards_agenda(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let finance = app.token(salkku_domain::Role::Finance, None);
        let orgs = app.ok(&finance, "{ organizations(first: 100) { nodes { id name } } }", json!({})).await;
        let seinajoki = orgs["organizations"]["nodes"].as_array().unwrap().iter().find(|o| o["name"] == "Seinäjoen kaupunki").unwrap()["id"].clone();
        let answer = app.ok(&finance, EXPOSURE, json!({ "org": seinajoki })).await;
        let exposure = &answer["exposure"];
        assert_eq!((&exposure["pledged"], &exposure["pledgedPerInhabitant"]), (&json!("40000.00"), &json!("0.63")));
        assert_eq!(exposure["agenda"], json!([{ "level": "BOARD", "commitments": [{ "amount": "45000.00", "dueDate": "2020-09-30", "application": exposure["agenda"][0]["commitments"][0]["application"] }] }]));
        let buckets = answer["portfolio"]["byOrganization"].as_array().unwrap();
        assert!(buckets.iter().any(|b| b["label"] == "Seinäjoen kaupunki"));
    }

    async fn the_demo_figures_are_the_documents_figures(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let token = app.admin();
        let kk3 = app.ok(&token, "{ applications(filter: { search: \"Kansa-koulu\" }) { nodes { status submittedAt budget { total } fundingSplit { stateAidRate compliant } } } }", json!({})).await;
        assert_eq!(kk3["applications"]["nodes"][0], json!({
            "status": "SUBMITTED", "submittedAt": "2020-04-30T15:00:00+03:00", "budget": { "total": "700000.00" },
            "fundingSplit": { "stateAidRate": "100.00", "compliant": true },
        }));
        let statutory = app.ok(&token, "{ allocations(filter: { year: 2020 }) { nodes { amount paidTotal application { name } recipient { name } } } }", json!({})).await;
        let sonet: Vec<&Value> = statutory["allocations"]["nodes"].as_array().unwrap().iter().filter(|a| a["recipient"]["name"] == "SONet BOTNIA").collect();
        assert_eq!(sonet[0]["amount"], "225225.00", "8.19 % of 2 750 000 €");
        let kaste = app.ok(&token, "{ applications(filter: { search: \"SOS-hanke\" }) { nodes { status periodEnd version } } }", json!({})).await;
        assert_eq!(kaste["applications"]["nodes"][0]["periodEnd"], "2015-10-31");
        assert_eq!(kaste["applications"]["nodes"][0]["status"], "CLOSED");
    }
}

#[test]
fn the_readme_shows_the_ready_queries_the_tests_run() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    for query in [DUE_IN_30_DAYS, MONNI_SPLIT, PORTFOLIO_2020, EXPOSURE] {
        let shown = query.replace("\\\"", "\"");
        assert!(readme.contains(&shown), "README.md lacks the query {shown}");
    }
}
