//! Lists: Relay cursors with totalCount, filters and orders, `node`, and a constant number of SQL
//! statements however many applications a page holds.

use chrono::Duration;
use salkku_domain::budget::{Budget, BudgetLine};
use salkku_domain::deadline::helsinki;
use salkku_domain::{
    Amount, CommitmentKind, CommitmentLevel, CommitmentStatus, CostCategory, Money, OrganizationKind,
    ParticipationRole, PaymentAmount, Rate, RegionCode,
};
use salkku_e2e::{TestApp, on_both};
use salkku_persistence::commands;
use salkku_persistence::commands::allocations::{NewAllocation, NewPayment};
use salkku_persistence::commands::applications::{NewApplication, NewParticipant};
use salkku_persistence::commands::calls::NewGrantCall;
use salkku_persistence::commands::commitments::NewCommitment;
use salkku_persistence::commands::organizations::NewOrganization;
use salkku_persistence::{Actor, Change};
use serde_json::{Value, json};

/// Whole euros, as a user would enter them.
fn eur(euros: i64) -> Amount {
    Amount::new(Money::euros(euros).unwrap()).unwrap()
}

const PAGE: &str = "query($first: Int, $after: String, $order: ApplicationOrder) { applications(first: $first, after: $after, orderBy: $order) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor startCursor } edges { cursor node { name budget { total } call { closesAt } } } } }";

async fn walk(app: &TestApp, token: &str, order: Value, first: i64) -> Vec<Value> {
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = app.ok(token, PAGE, json!({ "first": first, "after": after, "order": order })).await["applications"]
            .clone();
        assert_eq!(page["totalCount"], 14);
        assert_eq!(page["pageInfo"]["hasPreviousPage"], after.is_some());
        seen.extend(page["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()));
        if page["pageInfo"]["hasNextPage"] == false {
            return seen;
        }
        after = Some(page["pageInfo"]["endCursor"].as_str().unwrap().to_owned());
    }
}

fn cents(v: &Value) -> i64 {
    Money::parse(v.as_str().unwrap()).unwrap().cents()
}

on_both! {
    async fn cursors_walk_every_application_once_in_every_order(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let token = app.admin();
        let by_name = walk(&app, &token, json!(null), 5).await;
        assert_eq!(by_name.len(), 14);
        let names: Vec<&str> = by_name.iter().map(|a| a["name"].as_str().unwrap()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 14, "no application twice");

        let by_cost = walk(&app, &token, json!({ "field": "TOTAL_COST", "direction": "DESC" }), 4).await;
        let costs: Vec<i64> = by_cost.iter().map(|a| cents(&a["budget"]["total"])).collect();
        assert!(costs.windows(2).all(|w| w[0] >= w[1]), "{costs:?}");
        assert_eq!(costs.len(), 14);

        let by_closing = walk(&app, &token, json!({ "field": "CLOSES_AT" }), 3).await;
        let closing: Vec<Option<&str>> = by_closing.iter().map(|a| a["call"]["closesAt"].as_str()).collect();
        let first_without = closing.iter().position(Option::is_none).unwrap();
        assert!(closing[first_without..].iter().all(Option::is_none), "applications without a call come last: {closing:?}");
        assert_eq!(closing.len(), 14);

        let by_created = walk(&app, &token, json!({ "field": "CREATED_AT", "direction": "DESC" }), 6).await;
        assert_eq!(by_created.len(), 14);

        // A cursor from one order does not fit another.
        let first = app.ok(&token, PAGE, json!({ "first": 1 })).await;
        let cursor = first["applications"]["pageInfo"]["endCursor"].clone();
        let mixed = app.graphql(Some(&token), PAGE, json!({ "first": 1, "after": cursor, "order": { "field": "TOTAL_COST" } })).await;
        assert_eq!(mixed.error("BAD_USER_INPUT")["extensions"]["field"], "after");
    }

    async fn filters_narrow_every_list(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let token = app.admin();
        let cities = app.ok(&token, "{ organizations(filter: { search: \"KAUPUNKI\", kind: [MUNICIPALITY] }) { totalCount nodes { name region { code } } } }", json!({})).await;
        assert_eq!(cities["organizations"]["totalCount"], 5);
        let open = app.ok(&token, "{ grantCalls(filter: { status: [OPEN] }) { totalCount nodes { title status } } }", json!({})).await;
        assert_eq!(open["grantCalls"]["totalCount"], 4, "MONNI's call and the three mental-health calls, on 19 May 2020");
        assert!(open["grantCalls"]["nodes"].as_array().unwrap().iter().all(|c| c["status"] == "OPEN"));
        let closed = app.ok(&token, "{ grantCalls(filter: { status: [CLOSED, UPCOMING] }) { totalCount } }", json!({})).await;
        assert_eq!(closed["grantCalls"]["totalCount"], 6);
        let region = app.ok(&token, "{ applications(filter: { regionCode: \"05\" }) { nodes { acronym } } }", json!({})).await;
        assert_eq!(region["applications"]["nodes"], json!([{ "acronym": "MONNI" }]));
        let statuses = app.ok(&token, "{ applications(filter: { status: [CLOSED] }) { totalCount } }", json!({})).await;
        assert_eq!(statuses["applications"]["totalCount"], 7);
        let stm_calls = app.ok(&token, "{ organizations(filter: { search: \"terveysministeriö\" }) { nodes { id } } }", json!({})).await;
        let stm = stm_calls["organizations"]["nodes"][0]["id"].clone();
        let funded = app.ok(&token, "query($stm: ID!) { applications(filter: { funderId: $stm }) { totalCount } grantCalls(filter: { funderId: $stm }) { totalCount } }", json!({ "stm": stm })).await;
        assert_eq!(funded["applications"]["totalCount"], 10);
        assert_eq!(funded["grantCalls"]["totalCount"], 8);
    }

    async fn node_resolves_every_kind(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let token = app.admin();
        let ids = app.ok(&token, "{ applications(first: 1, filter: { search: \"MONNI\" }) { nodes { id lead { id } call { id programme { id } } commitments { id } } } allocations(first: 1) { nodes { id } } }", json!({})).await;
        let monni = &ids["applications"]["nodes"][0];
        for (id, typename) in [
            (&monni["id"], "Application"),
            (&monni["lead"]["id"], "Organization"),
            (&monni["call"]["id"], "GrantCall"),
            (&monni["call"]["programme"]["id"], "FundingProgramme"),
            (&monni["commitments"][0]["id"], "Commitment"),
            (&ids["allocations"]["nodes"][0]["id"], "StateAidAllocation"),
        ] {
            let node = app.ok(&token, "query($id: ID!) { node(id: $id) { __typename id } }", json!({ "id": id })).await;
            assert_eq!(node["node"], json!({ "__typename": typename, "id": id }));
        }
    }

    async fn lists_count_their_rows_only_when_asked_for_total_count(t: TestDatabase) {
        // A count reads every row the filter selects, so a page that does not show totalCount
        // must not pay for it (on a large portfolio it was most of a page's time).
        let app = TestApp::start_with_demo(t).await;
        let token = app.admin();
        for list in ["applications", "organizations", "grantCalls", "allocations", "auditLog"] {
            let cost = |with_total: bool| {
                let (app, token) = (&app, &token);
                let query = format!("{{ {list}(first: 2) {{ {} pageInfo {{ hasNextPage }} }} }}", if with_total { "totalCount" } else { "" });
                async move {
                    let before = app.statements();
                    let data = app.ok(token, &query, json!({})).await;
                    (app.statements() - before, data[list].clone())
                }
            };
            let (without, page) = cost(false).await;
            let (with, counted) = cost(true).await;
            assert_eq!(with, without + 1, "{list}: one count when totalCount is asked for");
            assert_eq!(page["pageInfo"], counted["pageInfo"]);
            assert!(counted["totalCount"].as_i64().unwrap() > 2, "{list}: {counted}");
        }
        let fragment = app.ok(&token, "{ applications(first: 1) { ...counted } } fragment counted on ApplicationConnection { totalCount }", json!({})).await;
        assert_eq!(fragment["applications"]["totalCount"], 14, "through a fragment too");
    }

    async fn a_page_of_applications_costs_the_same_statements_for_10_or_100(t: TestDatabase) {
        // A hundred applications with every nested field cost about 38 000 by the complexity model;
        // this test is about SQL statements, so it lifts the cost limit.
        let app = TestApp::start_configured(t, helsinki(2020, 5, 19, 9, 0).unwrap(), |s| s.limits.complexity = 100_000).await;
        let db = app.db();
        let now = helsinki(2020, 5, 19, 9, 0).unwrap();
        let actor = Actor::system("seed");
        let change = Change::new(&actor, "seed", now);
        let new_org = |name: String| NewOrganization { name, kind: OrganizationKind::Municipality, business_id: None, region: Some(RegionCode::parse("14").unwrap()), population: None };
        let stm = commands::organizations::create(db, &change, new_org("STM".into()), None).await.unwrap();
        let call = commands::calls::create(db, &change, NewGrantCall { title: "Haku".into(), funder: stm.id, programme: None, opens_at: None, closes_at: now + Duration::days(10), max_aid_rate: Rate::percent(80).unwrap(), in_kind_counts: false, envelope: None, url: None, reallocation_tolerance: Rate::ZERO, report_schedule: None }, None).await.unwrap();
        for i in 0..100 {
            let lead = commands::organizations::create(db, &change, new_org(format!("Kunta {i:03}")), None).await.unwrap();
            let new = NewApplication {
                name: format!("Hanke {i:03}"), acronym: None, description: None, call: Some(call.id), lead: lead.id,
                participants: vec![NewParticipant { organization: stm.id, role: ParticipationRole::Funder }],
                regions: vec![RegionCode::parse("14").unwrap()], period_start: None, period_end: Some(now.date_naive() + Duration::days(400)), report_due: None,
            };
            let created = commands::applications::create(db, &change, new, None).await.unwrap();
            let lines = vec![BudgetLine::new(CostCategory::Personnel, 2021, None, eur(1000)).unwrap(), BudgetLine::new(CostCategory::Travel, 2022, None, eur(10)).unwrap()];
            commands::budgets::set_budget(db, &change, created.id, 1, Budget::new(lines, eur(808)).unwrap()).await.unwrap();
            let commitment = NewCommitment { application: created.id, organization: lead.id, amount: eur(202), kind: CommitmentKind::Cash, level: CommitmentLevel::Board, status: CommitmentStatus::Promised, due_date: Some(now.date_naive()), decided_at: None, decision_ref: None, decision: None };
            commands::commitments::add(db, &change, commitment, None).await.unwrap();
            let allocation = commands::allocations::record(db, &change, NewAllocation { funder: stm.id, recipient: lead.id, application: Some(created.id), year: 2021, amount: eur(808), decision_date: None, decision_ref: None, decision: None }, None).await.unwrap();
            commands::allocations::pay(db, &change, NewPayment { allocation: allocation.id, paid_on: now.date_naive(), amount: PaymentAmount::new(eur(100)).unwrap(), reference: None, instalment: None }, None).await.unwrap();
        }
        let query = "query($first: Int) { applications(first: $first) { totalCount nodes { id name status version lead { name region { name } } participants { role organization { name } } regions { code name } call { title status funder { name } programme { name } } budget { total lines { amount } byYear { year amount } byCategory { category amount } } stateAidRequested stateAidGranted commitments { amount organization { name } } allocations { amount paidTotal payments { amount } funder { name } } fundingSplit { compliant violations { code } } deadlines { kind localDue overdue application { id } } history { to by } } } }";
        let token = app.admin();
        let mut costs = Vec::new();
        for first in [10, 100] {
            let before = app.statements();
            let data = app.ok(&token, query, json!({ "first": first })).await;
            costs.push(app.statements() - before);
            assert_eq!(data["applications"]["nodes"].as_array().unwrap().len(), usize::try_from(first).unwrap());
            assert_eq!(data["applications"]["nodes"][0]["fundingSplit"]["compliant"], true);
        }
        assert_eq!(costs[0], costs[1], "statements for 10 and for 100 applications: {costs:?}");
        assert!(costs[1] <= 15, "a small constant number of statements: {costs:?}");

        // The page a front end shows most, whose commitments and calls load side by side: the
        // same four statements for 10 or 100 applications too.
        let shown = "query($first: Int) { applications(first: $first) { nodes { name lead { name } call { title } commitments { amount organization { name } } } } }";
        let mut costs = Vec::new();
        for first in [10, 100] {
            let before = app.statements();
            let data = app.ok(&token, shown, json!({ "first": first })).await;
            costs.push(app.statements() - before);
            let nodes = data["applications"]["nodes"].as_array().unwrap();
            assert_eq!(nodes.len(), usize::try_from(first).unwrap());
            for (i, node) in nodes.iter().enumerate() {
                assert_eq!(node["lead"]["name"], format!("Kunta {i:03}"));
                assert_eq!(node["commitments"][0]["organization"]["name"], format!("Kunta {i:03}"));
            }
        }
        assert_eq!(costs, [4, 4], "the page, then its commitments, calls and organisations");
    }

    async fn a_page_names_the_same_organisations_as_each_application_alone(t: TestDatabase) {
        // A page reads what it shows ahead (some of it side by side); one application at a time
        // reads it through the loaders. Both must name the same organisations and calls.
        let app = TestApp::start_with_demo(t).await;
        let token = app.admin();
        let fields = "id name lead { name } call { title } commitments { amount status organization { id name } }";
        let page = app.ok(&token, &format!("{{ applications(first: 50) {{ nodes {{ {fields} }} }} }}"), json!({})).await;
        let nodes = page["applications"]["nodes"].as_array().unwrap();
        assert!(nodes.iter().any(|n| n["commitments"].as_array().is_some_and(|c| c.len() > 1)), "{page:#}");
        for node in nodes {
            let alone = app.ok(&token, &format!("query($id: ID!) {{ application(id: $id) {{ {fields} }} }}"), json!({ "id": node["id"] })).await;
            assert_eq!(&alone["application"], node);
        }
    }
}
