//! `seed --synthetic`: a ministry-sized portfolio, the same for the same seed, that the real
//! server reads as consistently as one built through the API.

use salkku_domain::Role;
use salkku_e2e::{TestApp, on_both};
use salkku_test_db::TestDatabase;
use serde_json::{Value, json};

async fn export(app: &TestApp) -> Value {
    let mut bytes = Vec::new();
    salkku_persistence::commands::backup::export(app.db(), &mut bytes, salkku_demo::demo::demo_now()).await.unwrap();
    let mut document: Value = serde_json::from_slice(&bytes).unwrap();
    document["tables"].as_object_mut().unwrap().remove("audit_log");
    document["tables"].clone()
}

async fn seeded(t: TestDatabase, n: u64, seed: u64) -> TestApp {
    seeded_at(t, n, seed, salkku_demo::demo::demo_now()).await
}

async fn seeded_at(t: TestDatabase, n: u64, seed: u64, now: chrono::DateTime<chrono::Utc>) -> TestApp {
    let app = TestApp::start_at(t, now).await;
    let reports = std::sync::Mutex::new(Vec::new());
    let summary = salkku_demo::synthetic::seed(app.db(), n, seed, &|what, done, of| {
        reports.lock().unwrap().push((what, done, of));
    })
    .await
    .unwrap();
    assert_eq!(summary.applications, n);
    assert_eq!(reports.lock().unwrap().last(), Some(&("applications", n, Some(n))), "progress reaches the end");
    app
}

const FIGURES: &str = "{ portfolio { applicationCount totalCost stateAidRequested stateAidGranted byStatus { key applicationCount } byRegion { key applicationCount } } applications(first: 25, orderBy: { field: TOTAL_COST, direction: DESC }) { totalCount nodes { id status budget { total lines { amount } } fundingSplit { totalCost } allocations { id amount paidTotal payments { amount } instalments { id amount status held } } commitments { status } history { to } deadlines { kind } } } }";

fn cents(v: &Value) -> i64 {
    let s = v.as_str().unwrap();
    let (euros, c) = s.split_once('.').unwrap();
    euros.parse::<i64>().unwrap() * 100 + c.parse::<i64>().unwrap()
}

on_both! {
    async fn the_same_seed_gives_the_same_portfolio_and_another_seed_another(t: TestDatabase) {
        let app = seeded(t, 250, 42).await;
        let store = t_store(&app);
        let again = seeded(TestDatabase::new(store).await.unwrap(), 250, 42).await;
        assert_eq!(export(&app).await, export(&again).await);
        let other = seeded(TestDatabase::new(store).await.unwrap(), 250, 43).await;
        assert_ne!(export(&app).await, export(&other).await);
    }

    async fn the_server_reads_a_synthetic_portfolio_that_adds_up(t: TestDatabase) {
        let app = seeded(t, 600, 7).await;
        let ministry = app.token(Role::Ministry, None);
        let data = app.ok(&ministry, FIGURES, json!({})).await;
        let p = &data["portfolio"];
        assert_eq!(p["applicationCount"], 600);
        let by_status: i64 = p["byStatus"].as_array().unwrap().iter().map(|b| b["applicationCount"].as_i64().unwrap()).sum();
        assert_eq!(by_status, 600);
        assert!(p["byStatus"].as_array().unwrap().len() >= 7, "statuses are spread: {:#}", p["byStatus"]);
        assert!(p["byRegion"].as_array().unwrap().len() >= 15, "regions are spread");
        let nodes = data["applications"]["nodes"].as_array().unwrap();
        assert_eq!(data["applications"]["totalCount"], 600);
        for node in nodes {
            let lines = node["budget"]["lines"].as_array().unwrap();
            assert!((3..=40).contains(&lines.len()), "3–40 budget lines");
            assert_eq!(lines.iter().map(|l| cents(&l["amount"])).sum::<i64>(), cents(&node["budget"]["total"]), "the total is its lines");
            assert_eq!(node["budget"]["total"], node["fundingSplit"]["totalCost"]);
            assert!(node["commitments"].as_array().unwrap().len() <= 12);
            for allocation in node["allocations"].as_array().unwrap() {
                let paid: i64 = allocation["payments"].as_array().unwrap().iter().map(|x| cents(&x["amount"])).sum();
                assert_eq!(paid, cents(&allocation["paidTotal"]));
                assert!(paid <= cents(&allocation["amount"]));
            }
            let history: Vec<&str> = node["history"].as_array().unwrap().iter().map(|h| h["to"].as_str().unwrap()).collect();
            assert_eq!(history.first(), Some(&"IDEA"));
            assert_eq!(history.last().copied(), node["status"].as_str());
            assert!(node["deadlines"].as_array().unwrap().iter().any(|d| d["kind"] == "PROJECT_ENDS"));
        }
        // A project still paid has requested what its report does not hold, and finance staff
        // settle it through the server.
        let requested: Vec<(&Value, &Value)> = nodes
            .iter()
            .filter(|n| n["status"] == "GRANTED" || n["status"] == "ACTIVE")
            .flat_map(|n| n["allocations"].as_array().unwrap())
            .flat_map(|a| a["instalments"].as_array().unwrap().iter().map(move |i| (a, i)))
            .filter(|(_, i)| i["status"] == "REQUESTED")
            .collect();
        assert!(!requested.is_empty(), "instalments to settle");
        assert!(requested.iter().all(|(_, i)| i["held"] == false), "none held by a report");
        let finance = app.token(Role::Finance, None);
        // Two settlements of different allocations send the same statements: every key is bound,
        // so the database prepares and plans each once.
        let other = requested.iter().find(|(a, _)| a["id"] != requested[0].0["id"]).expect("two allocations to settle");
        let mut texts = Vec::new();
        for (allocation, instalment) in [requested[0], *other] {
            let from = app.statements();
            let settled = app
                .ok(
                    &finance,
                    "mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { amount instalment { status } } }",
                    json!({ "i": { "allocationId": allocation["id"], "instalmentId": instalment["id"], "paidOn": "2022-01-03", "amount": instalment["amount"] } }),
                )
                .await;
            assert_eq!(settled["recordPayment"]["instalment"]["status"], "PAID");
            texts.push(app.statement_texts(from));
        }
        assert_eq!(texts[0], texts[1], "the same statements for another instalment");
        // So do two budget diffs of different projects.
        let mut diffs = Vec::new();
        for node in nodes.iter().filter(|n| n["status"] == "ACTIVE").take(2) {
            let versions = app.ok(&ministry, "query($id: ID!) { application(id: $id) { budgetVersions { id kind } } }", json!({ "id": node["id"] })).await;
            let versions = versions["application"]["budgetVersions"].as_array().unwrap().clone();
            let of = |kind: &str| versions.iter().find(|v| v["kind"] == kind).unwrap()["id"].clone();
            let from = app.statements();
            let diff = app.ok(&ministry, "query($f: ID!, $t: ID!) { budgetDiff(fromVersionId: $f, toVersionId: $t) { totalChange } }", json!({ "f": of("APPLIED"), "t": of("GRANTED") })).await;
            assert_eq!(diff["budgetDiff"]["totalChange"], "0.00", "the synthetic seed grants what was applied for");
            diffs.push(app.statement_texts(from));
        }
        assert_eq!(diffs.len(), 2, "two active projects among the 25");
        assert_eq!(diffs[0], diffs[1], "the same statements for another project's budget diff");
        // Writes work on top of it: keys continue past the loaded ones.
        let admin = app.admin();
        let made = app.ok(&admin, "mutation { createOrganization(input: { name: \"Uusi kunta\", kind: MUNICIPALITY }) { id } }", json!({})).await;
        assert!(made["createOrganization"]["id"].is_string());
    }
}

on_both! {
    async fn a_full_calendar_feed_keeps_every_coming_deadline(t: TestDatabase) {
        // In the middle of the synthetic years, so that the past year is full too.
        let now = salkku_domain::deadline::helsinki(2023, 6, 1, 9, 0).unwrap();
        let app = seeded_at(t, 1100, 5, now).await;
        let (ahead, past) = {
            let conn = app.db().conn();
            let count = |sql: String| async move {
                use sea_orm::ConnectionTrait;
                let row = conn.query_one_raw(sea_orm::Statement::from_string(conn.get_database_backend(), sql)).await.unwrap().unwrap();
                row.try_get_by_index::<i64>(0).unwrap()
            };
            let at = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M:%S").to_string();
            let ahead = count(format!("SELECT COUNT(*) FROM deadlines WHERE due_at >= '{}' AND due_at <= '{}'", at(now), at(now + chrono::Duration::days(3660)))).await;
            let past = count(format!("SELECT COUNT(*) FROM deadlines WHERE due_at >= '{}' AND due_at < '{}'", at(now - chrono::Duration::days(366)), at(now))).await;
            (ahead, past)
        };
        assert!(ahead + past > 2000 && ahead < 2000, "the portfolio must overflow a feed: {ahead} ahead, {past} past");
        let admin = app.admin();
        let feed = app.ok(&admin, "mutation { createCalendarFeed { url } }", json!({})).await;
        let text = reqwest::get(feed["createCalendarFeed"]["url"].as_str().unwrap()).await.unwrap().text().await.unwrap();
        let starts: Vec<chrono::DateTime<chrono::Utc>> = text
            .lines()
            .filter_map(|l| l.strip_prefix("DTSTART:"))
            .map(|v| chrono::NaiveDateTime::parse_from_str(v.trim(), "%Y%m%dT%H%M%SZ").unwrap().and_utc())
            .collect();
        assert_eq!(starts.len(), 2000, "a feed holds at most 2 000 events");
        assert_eq!(starts.iter().filter(|s| **s >= now).count() as i64, ahead, "every coming deadline is in the feed");
        assert!(starts.windows(2).all(|w| w[0] <= w[1]), "earliest first");
    }
}

fn t_store(app: &TestApp) -> salkku_test_db::Store {
    if app.database_url().starts_with("postgres") {
        salkku_test_db::Store::Postgres
    } else {
        salkku_test_db::Store::Sqlite
    }
}

#[tokio::test]
async fn a_synthetic_seed_refuses_a_database_that_holds_data() {
    let Some(t) = TestDatabase::new(salkku_test_db::Store::Sqlite).await else { return };
    let app = TestApp::start_with_demo(t).await;
    let refused = salkku_demo::synthetic::seed(app.db(), 10, 1, &|_, _, _| {}).await;
    assert!(refused.is_err());
}
