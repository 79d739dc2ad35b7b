//! The endpoint itself: health, authentication, GraphQL over HTTP.

use salkku_domain::Role;
use salkku_e2e::{TestApp, on_both};
use serde_json::{Value, json};

on_both! {
    async fn health_answers_when_the_database_does(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let response = app.get("/healthz").await;
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(app.get("/readyz").await.status().as_u16(), 200);
    }

    async fn a_ministry_token_sees_who_it_is(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let token = app.token(Role::Ministry, None);
        let answer = app.graphql(Some(&token), "{ me { subject role organization { name } } }", json!({})).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.data()["me"], json!({ "subject": "ministry-tester", "role": "MINISTRY", "organization": null }));
    }

    async fn regions_list_every_current_region(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let answer = app.graphql_in(None, Some(&app.admin()), "{ regions { code name } }", json!({})).await;
        let regions = answer.data()["regions"].as_array().unwrap().clone();
        assert_eq!(regions.len(), 19);
        assert_eq!(regions[12], json!({ "code": "14", "name": "Etelä-Pohjanmaa" }));
    }

    async fn without_a_token_data_is_refused_but_the_schema_is_readable(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let answer = app.graphql(None, "{ regions { code } }", json!({})).await;
        assert_eq!(answer.status, 401);
        answer.error("UNAUTHENTICATED");
        let schema = app.graphql(None, "{ __schema { queryType { name } } }", json!({})).await;
        assert_eq!(schema.data()["__schema"]["queryType"]["name"], "Query");
        // Data hidden behind a fragment or an alias, next to introspection, is refused as well.
        let hidden = app
            .graphql(None, "{ __typename ...F r: regions { code } } fragment F on Query { me { subject } }", json!({}))
            .await;
        assert_eq!(hidden.status, 401);
        let paths: Vec<&Value> = hidden.body["errors"].as_array().unwrap().iter().map(|e| &e["path"]).collect();
        assert_eq!(paths, [&json!(["me"]), &json!(["r"])]);
        assert_eq!(hidden.body["data"], Value::Null);
    }

    async fn a_bad_token_is_refused_with_what_to_fix(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let answer = app.graphql(Some("not.a.token"), "{ me { subject } }", json!({})).await;
        assert_eq!(answer.status, 401);
        let error = answer.error("UNAUTHENTICATED");
        assert!(error["message"].as_str().unwrap().contains("malformed"), "{error}");
    }

    async fn a_malformed_request_is_a_400_with_a_code(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let token = app.admin();
        let broken = app.graphql(Some(&token), "{ regions { code ", json!({})).await;
        assert_eq!(broken.status, 400);
        broken.error("BAD_USER_INPUT");
        let not_json = app
            .client
            .post(format!("{}/graphql", app.url))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(not_json.status().as_u16(), 400);
        assert_eq!(not_json.headers()["content-type"], "application/graphql-response+json");
    }

    async fn a_client_that_accepts_only_json_gets_json(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let response = app
            .client
            .post(format!("{}/graphql", app.url))
            .bearer_auth(app.admin())
            .header("accept", "application/json")
            .json(&json!({ "query": "{ regions { nope } }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "legacy clients read errors from the body");
        assert_eq!(response.headers()["content-type"], "application/json");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    }

    async fn get_serves_queries_but_not_mutations(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let query = app.client.get(format!("{}/graphql", app.url)).query(&[("query", "{ regions { code } }")]).bearer_auth(app.admin()).send().await.unwrap();
        assert_eq!(query.status().as_u16(), 200);
        let mutation = app.client.get(format!("{}/graphql", app.url)).query(&[("query", "mutation { __typename }")]).bearer_auth(app.admin()).send().await.unwrap();
        assert_eq!(mutation.status().as_u16(), 405);
    }
}

on_both! {
    async fn graphiql_is_served_from_the_binary_with_no_cdn(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let page = app.client.get(format!("{}/graphql", app.url)).header("accept", "text/html,application/xhtml+xml").send().await.unwrap();
        assert_eq!(page.status().as_u16(), 200);
        let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(page.headers()["x-frame-options"], "DENY");
        let html = page.text().await.unwrap();
        let sources: Vec<&str> = html.split(['"', '\'']).filter(|s| s.starts_with('/') || s.starts_with("http")).collect();
        assert!(sources.iter().all(|s| s.starts_with("/graphiql/")), "only assets of this server: {sources:?}");
        assert!(sources.len() >= 5);
        for source in sources {
            let asset = app.get(source).await;
            assert_eq!(asset.status().as_u16(), 200, "{source}");
            let kind = asset.headers()["content-type"].to_str().unwrap().to_owned();
            assert!(kind.starts_with("text/javascript") || kind.starts_with("text/css"), "{source}: {kind}");
            assert!(asset.bytes().await.unwrap().len() > 500, "{source}");
        }
        assert_eq!(app.get("/graphiql/../../Cargo.toml").await.status().as_u16(), 404);
    }

    async fn cors_is_closed_by_default_and_open_to_configured_origins(t: TestDatabase) {
        let app = TestApp::start_configured(t, salkku_demo::demo::demo_now(), |s| s.cors_origins = vec!["https://salkku.example.fi".into()]).await;
        let preflight = |origin: &'static str| {
            app.client
                .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.url))
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "authorization, content-type")
                .send()
        };
        let allowed = preflight("https://salkku.example.fi").await.unwrap();
        assert_eq!(allowed.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap()), Some("https://salkku.example.fi"));
        let other = preflight("https://evil.example").await.unwrap();
        assert!(other.headers().get("access-control-allow-origin").is_none());
    }
}
