//! What an operator sees: request ids, spans and logs per operation, Prometheus metrics; and the
//! front ends' automatic persisted queries.

use salkku_api::config::Secret;
use salkku_domain::Role;
use salkku_e2e::process::{self, Launch};
use salkku_e2e::{TestApp, on_both};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const BINARY: &str = env!("CARGO_BIN_EXE_salkku-under-test");

async fn post(app: &TestApp, token: Option<&str>, body: Value, request_id: Option<&str>) -> (u16, String, Value) {
    let mut request = app.client.post(format!("{}/graphql", app.url)).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(id) = request_id {
        request = request.header("X-Request-Id", id);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let id = response.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    (status, id, response.json().await.unwrap())
}

async fn metrics(app: &TestApp) -> String {
    let response = app.get("/metrics").await;
    assert_eq!(response.status().as_u16(), 200);
    response.text().await.unwrap()
}

/// The value of the sample whose line starts with `series` (labels in Prometheus' sorted order).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
}

on_both! {
    async fn a_request_id_from_the_caller_comes_back_in_the_header_and_in_errors(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let (status, id, body) =
            post(&app, None, json!({ "query": "{ regions { code } }" }), Some("trace-4bf92f3577b34da6")).await;
        assert_eq!(status, 401);
        assert_eq!(id, "trace-4bf92f3577b34da6");
        assert_eq!(body["errors"][0]["extensions"]["requestId"], "trace-4bf92f3577b34da6");
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    }

    async fn without_a_request_id_each_request_gets_a_fresh_one(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let token = app.admin();
        let (_, first, _) = post(&app, Some(&token), json!({ "query": "{ regions { code } }" }), None).await;
        let (_, second, body) = post(&app, Some(&token), json!({ "query": "{ nope }" }), Some("bad id\twith tab")).await;
        assert_eq!(first.len(), 36, "a UUID: {first}");
        assert_ne!(first, second);
        assert_ne!(second, "bad id\twith tab", "an id that could forge log lines is replaced");
        assert_eq!(body["errors"][0]["extensions"]["requestId"], second.as_str());
        let health = app.get("/healthz").await;
        assert_eq!(health.headers()["x-request-id"].to_str().unwrap().len(), 36);
    }

    async fn metrics_count_requests_operations_errors_and_pool_use(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let ministry = app.token(Role::Ministry, None);
        for _ in 0..3 {
            let (status, _, _) =
                post(&app, Some(&ministry), json!({ "query": "query RegionList { regions { code } }" }), None).await;
            assert_eq!(status, 200);
        }
        let create = json!({
            "query": "mutation MakeOrg($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }",
            "variables": { "input": { "name": "Kunta", "kind": "MUNICIPALITY", "regionCode": "14" } }
        });
        let (_, _, refused) = post(&app, Some(&ministry), create, None).await;
        assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN", "{refused:#}");
        post(&app, None, json!({ "query": "{ regions { code } }" }), None).await;

        let text = metrics(&app).await;
        let ops = |name: &str, ty: &str, outcome: &str| {
            sample(&text, &format!("salkku_graphql_operations_total{{operation=\"{name}\",outcome=\"{outcome}\",type=\"{ty}\"}}"))
        };
        assert_eq!(ops("RegionList", "query", "ok"), Some(3.0), "{text}");
        assert_eq!(ops("MakeOrg", "mutation", "error"), Some(1.0), "{text}");
        assert_eq!(
            sample(&text, "salkku_graphql_operation_duration_seconds_count{operation=\"RegionList\",type=\"query\"}"),
            Some(3.0)
        );
        assert_eq!(sample(&text, "salkku_graphql_errors_total{code=\"FORBIDDEN\"}"), Some(1.0), "{text}");
        assert_eq!(sample(&text, "salkku_graphql_errors_total{code=\"UNAUTHENTICATED\"}"), Some(1.0), "{text}");
        assert_eq!(
            sample(&text, "salkku_http_requests_total{method=\"POST\",route=\"/graphql\",status=\"200\"}"),
            Some(4.0),
            "{text}"
        );
        assert_eq!(sample(&text, "salkku_http_requests_total{method=\"POST\",route=\"/graphql\",status=\"401\"}"), Some(1.0));
        assert!(sample(&text, "salkku_db_pool_max_connections").is_some_and(|n| n >= 1.0), "{text}");
        assert!(sample(&text, "salkku_db_pool_connections{state=\"idle\"}").is_some(), "{text}");
        assert!(text.contains("salkku_build_info{version="), "{text}");
    }

    async fn a_calendar_path_never_becomes_a_metrics_label(t: TestDatabase) {
        let app = TestApp::start(t).await;
        app.get("/calendar/some-secret-token.ics").await;
        app.get("/no/such/page").await;
        let text = metrics(&app).await;
        assert!(!text.contains("some-secret-token"), "{text}");
        assert!(!text.contains("/no/such/page"), "{text}");
    }

    async fn a_metrics_token_keeps_strangers_out(t: TestDatabase) {
        let app = TestApp::start_configured(t, salkku_demo::demo::demo_now(), |s| {
            s.metrics_token = Some(Secret::new("scrape-secret"));
        })
        .await;
        assert_eq!(app.get("/metrics").await.status().as_u16(), 401);
        let wrong = app.client.get(format!("{}/metrics", app.url)).bearer_auth("scrape-secreT").send().await.unwrap();
        assert_eq!(wrong.status().as_u16(), 401);
        let right = app.client.get(format!("{}/metrics", app.url)).bearer_auth("scrape-secret").send().await.unwrap();
        assert_eq!(right.status().as_u16(), 200);
        assert!(right.text().await.unwrap().contains("salkku_http_requests_total"));
    }

    async fn a_persisted_query_runs_by_its_hash_once_the_server_has_seen_it(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let token = app.token(Role::Ministry, None);
        let query = "query Regions { regions { code } }";
        let hash = format!("{:x}", Sha256::digest(query.as_bytes()));
        let by_hash = json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } });

        let (_, _, unknown) = post(&app, Some(&token), by_hash.clone(), None).await;
        assert_eq!(unknown["errors"][0]["message"], "PersistedQueryNotFound", "{unknown:#}");

        let mut register = by_hash.clone();
        register["query"] = json!(query);
        let (status, _, first) = post(&app, Some(&token), register, None).await;
        assert_eq!(status, 200, "{first:#}");
        assert_eq!(first["data"]["regions"].as_array().map(Vec::len), Some(19));

        let (status, _, again) = post(&app, Some(&token), by_hash, None).await;
        assert_eq!(status, 200, "{again:#}");
        assert_eq!(again["data"], first["data"]);

        // A hash that is not the query's own is refused rather than stored under a lie.
        let lie = json!({
            "query": "{ me { role } }",
            "extensions": { "persistedQuery": { "version": 1, "sha256Hash": format!("{:x}", Sha256::digest(b"other")) } }
        });
        let (_, _, refused) = post(&app, Some(&token), lie, None).await;
        assert!(refused["errors"][0]["message"].as_str().unwrap_or("").contains("provided sha does not match query"), "{refused:#}");
    }

    async fn a_persisted_query_meets_every_limit_and_get_still_only_reads(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let token = app.token(Role::Admin, None);
        let persisted = |query: &str| {
            let hash = format!("{:x}", Sha256::digest(query.as_bytes()));
            (json!({ "query": query, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } }), hash)
        };
        // An alias bomb is refused as a persisted query just as it is as text.
        let aliases: String = (0..31).map(|i| format!("a{i}: regions {{ code }} ")).collect();
        let (bomb, _) = persisted(&format!("{{ {aliases} }}"));
        let (_, _, refused) = post(&app, Some(&token), bomb, None).await;
        assert_eq!(refused["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED", "{refused:#}");

        // Only signed-in clients register documents, of a sensible size.
        let (anonymous, _) = persisted("{ regions { code } }");
        let (status, _, body) = post(&app, None, anonymous, None).await;
        assert_eq!((status, body["errors"][0]["extensions"]["code"].as_str()), (401, Some("UNAUTHENTICATED")));
        let huge = format!("{{ regions {{ code }} }} # {}", "x".repeat(70 * 1024));
        let (huge, _) = persisted(&huge);
        let (_, _, body) = post(&app, Some(&token), huge, None).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED", "{body:#}");

        // A mutation registered by POST does not run by its hash over GET.
        let mutation = "mutation { createOrganization(input: { name: \"Haamukunta\", kind: MUNICIPALITY }) { id } }";
        let (register, hash) = persisted(mutation);
        let (status, _, made) = post(&app, Some(&token), register, None).await;
        assert_eq!(status, 200, "{made:#}");
        let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } }).to_string();
        let response = app
            .client
            .get(format!("{}/graphql", app.url))
            .query(&[("extensions", extensions.as_str())])
            .bearer_auth(&token)
            .header("Accept", "application/json")
            .send()
            .await
            .unwrap();
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{body:#}");
        let count = app.ok(&token, "{ organizations { totalCount } }", json!({})).await;
        assert_eq!(count["organizations"]["totalCount"], 1, "the GET created nothing");
    }

    async fn json_logs_carry_the_request_id_and_the_operation_name(t: TestDatabase) {
        let dir = tempfile::tempdir().unwrap();
        let server = Launch::new(BINARY, &t.url, dir.path()).with("SALKKU_LOG_FORMAT", "json").start("json-logs").await;
        let client = reqwest::Client::new();
        let response = client
            .post(format!("{}/graphql", server.url))
            .bearer_auth(process::token(Role::Ministry))
            .header("X-Request-Id", "req-from-the-edge-42")
            .json(&json!({ "query": "query PortfolioGlance { regions { code } }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let mut lines: Vec<Value> = Vec::new();
        for _ in 0..100 {
            lines = server.log().lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
            if lines.iter().any(|l| l["fields"]["message"] == "request finished" && l["span"]["request_id"] == "req-from-the-edge-42") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let log = server.log();
        let operation = lines
            .iter()
            .find(|l| l["fields"]["message"] == "graphql operation finished")
            .unwrap_or_else(|| panic!("no operation line in\n{log}"));
        assert_eq!(operation["span"]["graphql.operation.name"], "PortfolioGlance", "{log}");
        let request_span = operation["spans"].as_array().and_then(|s| s.iter().find(|s| s["name"] == "request")).unwrap();
        assert_eq!(request_span["request_id"], "req-from-the-edge-42", "{log}");
        let finished = lines.iter().find(|l| l["fields"]["message"] == "request finished").unwrap();
        assert_eq!(finished["fields"]["status"], 200, "{log}");
        let token = process::token(Role::Ministry);
        assert!(!log.contains(&token), "tokens never reach the log");
    }

    async fn a_calendar_feeds_secret_address_stays_out_of_logs_and_metrics(t: TestDatabase) {
        let dir = tempfile::tempdir().unwrap();
        let server = Launch::new(BINARY, &t.url, dir.path())
            .with("SALKKU_LOG_FORMAT", "json")
            .with("RUST_LOG", "debug")
            .start("feed-logs")
            .await;
        let client = reqwest::Client::new();
        let created = process::graphql(&client, &server.url, &process::token(Role::Coordinator), "mutation { createCalendarFeed { url } }", json!({}))
            .await
            .unwrap();
        let url = created.1["data"]["createCalendarFeed"]["url"].as_str().unwrap().to_owned();
        let secret = url.rsplit('/').next().unwrap().trim_end_matches(".ics").to_owned();
        assert_eq!(client.get(&url).send().await.unwrap().status().as_u16(), 200);
        let metrics = client.get(format!("{}/metrics", server.url)).send().await.unwrap().text().await.unwrap();
        for _ in 0..100 {
            if server.log().contains("/calendar/{file}") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let log = server.log();
        assert!(log.contains("/calendar/{file}"), "the feed's request is logged by its route: {log}");
        assert!(!log.contains(&secret), "the feed's token never reaches the log");
        assert!(!metrics.contains(&secret), "nor a metric's label");
    }
}
