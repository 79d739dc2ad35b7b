//! Every limit, crossed by one and kept: depth, cost, aliases, root fields, batch size, body
//! size, time, and the shapes of query that would otherwise tire the parser or the validator.

use salkku_demo::demo::demo_now;
use salkku_e2e::{TestApp, on_both};
use serde_json::{Value, json};

/// A query nesting exactly `depth` fields: applications → nodes → call → applications → …, each
/// list asking for one item, ending in a scalar.
fn nested(depth: usize) -> String {
    let cycle = ["applications(first: 1)", "nodes", "call"];
    let mut open = Vec::new();
    for level in 0..depth - 1 {
        open.push(cycle[level % 3]);
    }
    // The innermost opened field decides the leaf: a connection has totalCount, an application
    // and a call have id.
    let leaf = match depth.checked_sub(2).map(|last| last % 3) {
        None => "me { subject }",
        Some(0) => "totalCount",
        Some(_) => "id",
    };
    let mut query = String::from("{ ");
    for field in &open {
        query.push_str(field);
        query.push_str(" { ");
    }
    query.push_str(leaf);
    for _ in &open {
        query.push_str(" }");
    }
    query.push_str(" }");
    query
}

/// What a finance front end shows for each of 100 projects: lead, call, regions, participants,
/// budget by year, commitments, allocations, split and deadlines.
const FINANCE_TABLE: &str = "{ applications(first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { \
    id name status version lead { id name } call { id title closesAt } regions { code name } \
    participants { role organization { id name } } budget { total byYear { year amount } } \
    commitments { id amount status organization { name } } allocations { id year amount } \
    fundingSplit { stateAid selfFundingCommitted selfFundingGap compliant } deadlines { kind title dueAt } } } }";

fn cost(answer: &Value, what: &str) -> i64 {
    answer["extensions"]["cost"][what].as_i64().unwrap_or(-1)
}

fn limit_error(answer: &salkku_e2e::Answer, words: &str) {
    let error = answer.error("LIMIT_EXCEEDED");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains(words), "{message}");
}

on_both! {
    async fn queries_may_nest_twelve_levels_not_thirteen(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let token = app.admin();
        let twelve = app.graphql(Some(&token), &nested(12), json!({})).await;
        assert_eq!(cost(&twelve.body, "depth"), 12, "{:#}", twelve.body);
        assert!(twelve.body.get("errors").is_none(), "{:#}", twelve.body);
        let thirteen = app.graphql(Some(&token), &nested(13), json!({})).await;
        limit_error(&thirteen, "depth limit exceeded: queries may nest 12 levels (this one nests 13)");
    }

    async fn a_query_may_cost_the_budget_not_one_more(t: TestDatabase) {
        let app = TestApp::start_configured(t, demo_now(), |s| s.limits.complexity = 100).await;
        let token = app.admin();
        let at_budget = app.graphql(Some(&token), "{ applications(first: 99) { totalCount } }", json!({})).await;
        assert_eq!(cost(&at_budget.body, "complexity"), 100, "{:#}", at_budget.body);
        at_budget.data();
        let over = app.graphql(Some(&token), "{ applications(first: 100) { totalCount } }", json!({})).await;
        limit_error(&over, "a query may cost 100 (this one costs 101)");
    }

    async fn a_request_admitted_before_is_judged_again_under_other_variables_sign_in_or_method(t: TestDatabase) {
        // Admissions are kept per text, operation, variables, sign-in and method: each request
        // below repeats one admitted just before it under one difference, twice.
        let app = TestApp::start_configured(t, demo_now(), |s| s.limits.complexity = 100).await;
        let token = app.admin();
        let page = "query Page($n: Int) { applications(first: $n) { totalCount } }";
        for _ in 0..2 {
            let fits = app.graphql(Some(&token), page, json!({ "n": 99 })).await;
            assert_eq!(cost(&fits.body, "complexity"), 100, "{:#}", fits.body);
            fits.data();
            limit_error(&app.graphql(Some(&token), page, json!({ "n": 100 })).await, "this one costs 101");
            app.graphql(None, page, json!({ "n": 99 })).await.error("UNAUTHENTICATED");
        }
        let get = |query: &'static str| {
            app.client.get(format!("{}/graphql", app.url)).query(&[("query", query)]).bearer_auth(&token).send()
        };
        let mutation = "mutation { __typename }";
        for _ in 0..2 {
            app.graphql(Some(&token), mutation, json!({})).await.data();
            assert_eq!(get(mutation).await.unwrap().status().as_u16(), 405);
        }
    }

    async fn a_finance_table_of_a_hundred_projects_fits_the_default_budget_and_nesting_pages_does_not(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let token = app.admin();
        // What a finance front end shows for each of 100 projects.
        let table = app.graphql(Some(&token), FINANCE_TABLE, json!({})).await;
        let nodes = table.data()["applications"]["nodes"].as_array().unwrap().clone();
        assert!(!nodes.is_empty());
        // Each nested list counts, per project, what the 100 projects with the most hold: the
        // demo holds fewer than 100, so the page shows every one and the sums are read off it.
        let held = |items: &dyn Fn(&Value) -> usize| nodes.iter().map(items).sum::<usize>().div_ceil(100);
        let listed = |list: &'static str| held(&move |n: &Value| n[list].as_array().unwrap().len());
        let years = held(&|n: &Value| n["budget"]["byYear"].as_array().unwrap().len());
        // The lead is a participant of every project, beside those the database lists.
        let participants = held(&|n: &Value| n["participants"].as_array().unwrap().len() - 1) + 1;
        let row = 4 + 3 + 4 + (2 * listed("regions") + 1) + (4 * participants + 1) + (1 + 1 + 2 * years + 1)
            + (5 * listed("commitments") + 1) + (3 * listed("allocations") + 1) + 5 + (3 * listed("deadlines") + 1);
        let expected = 100 * (1 + 3 + 1 + row) + 1;
        assert_eq!(cost(&table.body, "complexity"), expected as i64, "{:#}", table.body["extensions"]);
        assert!(expected <= 10_000, "{expected}");

        // A page within a page is what the limit is for: refused by default.
        let nested = "{ applications(first: 100) { nodes { call { applications(first: 100) { nodes { id name status } } } } } }";
        limit_error(&app.graphql(Some(&token), nested, json!({})).await, "complexity limit exceeded");
    }

    async fn a_list_costs_what_the_database_holds_as_measured_again_while_the_service_runs(t: TestDatabase) {
        let every = std::time::Duration::from_millis(100);
        let app = TestApp::start_configured(t, demo_now(), |s| s.limits.sizes_every = every).await;
        let token = app.admin();
        let query = "{ applications(first: 1) { nodes { commitments { id } } } }";
        // An empty portfolio: no project holds a commitment, so a project's commitments cost 1.
        let empty = app.graphql(Some(&token), query, json!({})).await;
        assert_eq!(cost(&empty.body, "complexity"), 1 + (1 + 1), "{:#}", empty.body);

        // The demo fills it; the service measures its lists again and the same query, admitted
        // before, costs what the projects hold.
        salkku_demo::demo::seed(app.db()).await.unwrap();
        let all = app.ok(&token, "{ applications(first: 100) { nodes { commitments { id } } } }", json!({})).await;
        let held = all["applications"]["nodes"].as_array().unwrap().iter().map(|n| n["commitments"].as_array().unwrap().len()).sum::<usize>();
        assert!(held > 0, "{all}");
        let mut seen = 0;
        for _ in 0..100 {
            seen = cost(&app.graphql(Some(&token), query, json!({})).await.body, "complexity");
            if seen > 3 {
                break;
            }
            tokio::time::sleep(every).await;
        }
        assert_eq!(seen, 1 + (1 + (held.div_ceil(100) as i64 + 1)));
    }

    async fn thirty_aliases_pass_thirty_one_do_not(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let token = app.admin();
        let aliases = |n: usize| format!("{{ regions {{ {} }} }}", (0..n).map(|i| format!("a{i}: code")).collect::<Vec<_>>().join(" "));
        app.graphql(Some(&token), &aliases(30), json!({})).await.data();
        limit_error(&app.graphql(Some(&token), &aliases(31), json!({})).await, "at most 30 aliases in a request (this one has 31)");
    }

    async fn thirty_root_fields_pass_thirty_one_do_not(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let token = app.admin();
        let roots = |n: usize| format!("{{ {} }}", vec!["me { subject }"; n].join(" "));
        app.graphql(Some(&token), &roots(30), json!({})).await.data();
        limit_error(&app.graphql(Some(&token), &roots(31), json!({})).await, "at most 30 root fields in an operation (this one has 31)");
    }

    async fn a_batch_holds_ten_operations_not_eleven(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let batch = |n: usize| json!(vec![json!({ "query": "{ me { subject } }" }); n]);
        let post = |body: Value| app.client.post(format!("{}/graphql", app.url)).bearer_auth(app.admin()).json(&body).send();
        let ten: Value = post(batch(10)).await.unwrap().json().await.unwrap();
        assert_eq!(ten.as_array().unwrap().len(), 10);
        let eleven = post(batch(11)).await.unwrap();
        assert_eq!(eleven.status().as_u16(), 400);
        let body: Value = eleven.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("at most 10 operations"));
    }

    async fn a_body_of_one_mebibyte_passes_one_byte_more_does_not(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let body = |size: usize| {
            let frame = json!({ "query": "{ me { subject } } #" }).to_string();
            let padding = "x".repeat(size - frame.len());
            json!({ "query": format!("{{ me {{ subject }} }} #{padding}") }).to_string()
        };
        let send = |text: String| {
            app.client.post(format!("{}/graphql", app.url)).bearer_auth(app.admin()).header("content-type", "application/json").body(text).send()
        };
        let exact = body(1024 * 1024);
        assert_eq!(exact.len(), 1024 * 1024);
        assert_eq!(send(exact).await.unwrap().status().as_u16(), 200);
        let over = send(body(1024 * 1024 + 1)).await.unwrap();
        assert_eq!(over.status().as_u16(), 413);
        let answer: Value = over.json().await.unwrap();
        assert_eq!(answer["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED");
    }

    async fn introspection_can_be_turned_off(t: TestDatabase) {
        let app = TestApp::start_configured(t, demo_now(), |s| s.introspection = false).await;
        let answer = app.graphql(Some(&app.admin()), "{ __schema { queryType { name } } }", json!({})).await;
        // The schema is not told: introspection answers nothing.
        assert_eq!(answer.body["data"]["__schema"], Value::Null, "{:#}", answer.body);
        let types = app.graphql(Some(&app.admin()), "{ __type(name: \"Application\") { name } }", json!({})).await;
        assert_eq!(types.body["data"]["__type"], Value::Null, "{:#}", types.body);
        app.graphql(Some(&app.admin()), "{ me { subject } }", json!({})).await.data();
    }

    async fn pathological_queries_are_refused_cheaply(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let token = app.admin();
        // A hundred thousand opening braces: refused before the parser recurses into them.
        let deep = "{".repeat(100_000);
        limit_error(&app.graphql(Some(&token), &deep, json!({})).await, "query nesting limit exceeded");
        // Over GET too, whose mutation check reads the document before the executor does.
        let over_get = app.client.get(format!("{}/graphql", app.url)).query(&[("query", "{".repeat(4_000))]).bearer_auth(&token);
        let over_get = over_get.send().await.unwrap().json::<Value>().await.unwrap();
        assert_eq!(over_get["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED", "{over_get:#}");
        // Fragments that spread each other twice, thirty levels: 2^30 fields once expanded,
        // counted without being walked — at the root, and deep inside a selection.
        let fragments = |on: &str, leaf: &str| {
            let mut text = format!("fragment F0 on {on} {{ {leaf} }}\n");
            for i in 1..=30 {
                text.push_str(&format!("fragment F{i} on {on} {{ ...F{} ...F{} }}\n", i - 1, i - 1));
            }
            text
        };
        let at_root = format!("{}{{ ...F30 }}", fragments("Query", "me { subject }"));
        limit_error(&app.graphql(Some(&token), &at_root, json!({})).await, "root field limit exceeded");
        let inside = format!("{}{{ applications(first: 1) {{ nodes {{ ...F30 }} }} }}", fragments("Application", "id"));
        limit_error(&app.graphql(Some(&token), &inside, json!({})).await, "query size limit exceeded");
        // The service still answers.
        app.graphql(Some(&token), "{ me { subject } }", json!({})).await.data();
    }

    async fn a_request_that_outlasts_the_time_limit_is_stopped_and_changes_nothing(t: TestDatabase) {
        use sea_orm::{ConnectionTrait, TransactionTrait};
        let app = TestApp::start_configured(t, demo_now(), |s| s.limits.timeout = std::time::Duration::from_millis(500)).await;
        let g = crate::fixtures::ground(&app).await;
        let monni = crate::fixtures::application(&app, &g.admin, json!({ "name": "MONNI", "leadId": g.sonet })).await;
        let rename = |name: &str| json!({ "input": { "id": monni["id"], "expectedVersion": 1, "name": name } });
        let update = "mutation($input: UpdateApplicationInput!) { updateApplication(input: $input) { name version } }";

        // Someone else holds the application's row (on SQLite, the write lock) for a while.
        let other = sea_orm::Database::connect(app.database_url()).await.unwrap();
        let immediate = sea_orm::TransactionOptions { sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate), ..Default::default() };
        let holder = other.begin_with_options(immediate).await.unwrap();
        holder.execute_unprepared("UPDATE applications SET name = name").await.unwrap();
        let started = std::time::Instant::now();
        let slow = app.graphql(Some(&g.admin), update, rename("Kesken jäänyt")).await;
        assert_eq!(slow.status, 503);
        limit_error(&slow, "time limit exceeded: a request may run 500 ms");
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "stopped at the limit, not when the lock went");
        holder.rollback().await.unwrap();

        // Within the limit the same change goes through; the stopped one left no trace.
        let done = app.graphql(Some(&g.admin), update, rename("MONNI 2020–2022")).await;
        assert_eq!(done.data()["updateApplication"], json!({ "name": "MONNI 2020–2022", "version": 2 }));
    }
}
