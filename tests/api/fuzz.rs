//! Fuzzing the endpoint with generated queries and bodies: the server never panics, and every
//! answer is a well-formed GraphQL response whose errors carry one of the contract's codes.
//! Bounded for CI: `SALKKU_FUZZ_CASES` inputs of each kind (200 by default).

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use salkku_e2e::{TestApp, on_both};
use serde_json::{Value, json};

const CODES: [&str; 7] =
    ["UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT", "NOT_FOUND", "CONFLICT", "LIMIT_EXCEEDED", "INTERNAL"];

fn cases() -> usize {
    std::env::var("SALKKU_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(200)
}

/// `count` values of `strategy`, from a fixed seed so a failure can be replayed.
fn samples<S: Strategy>(strategy: S, count: usize) -> Vec<S::Value> {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        proptest::test_runner::TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha),
    );
    (0..count).map(|_| strategy.new_tree(&mut runner).unwrap().current()).collect()
}

/// Field names, arguments and values the schema knows, and some it does not.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("applications".to_owned()),
        Just("nodes".to_owned()),
        Just("edges".to_owned()),
        Just("node".to_owned()),
        Just("totalCount".to_owned()),
        Just("fundingSplit".to_owned()),
        Just("violations".to_owned()),
        Just("budget".to_owned()),
        Just("portfolio".to_owned()),
        Just("byRegion".to_owned()),
        Just("upcomingDeadlines".to_owned()),
        Just("regions".to_owned()),
        Just("me".to_owned()),
        Just("organizations".to_owned()),
        Just("grantCalls".to_owned()),
        Just("apportion".to_owned()),
        Just("name".to_owned()),
        Just("id".to_owned()),
        Just("code".to_owned()),
        Just("__schema".to_owned()),
        Just("__typename".to_owned()),
        Just("createApplication".to_owned()),
        Just("setBudget".to_owned()),
        Just("mutation".to_owned()),
        Just("fragment".to_owned()),
        "[a-zA-Z_][a-zA-Z0-9_]{0,12}",
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        "\"[^\"\\\\]{0,20}\"",
        Just("\"700000.005\"".to_owned()),
        Just("\"-1\"".to_owned()),
        Just("\"2020-02-30\"".to_owned()),
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("[1, \"a\", null]".to_owned()),
        Just("{ first: 101 }".to_owned()),
        Just("$v".to_owned()),
        Just("DESC".to_owned()),
    ]
}

/// Documents shaped like GraphQL, built from the schema's words: they reach parsing,
/// validation and resolvers alike.
fn document() -> impl Strategy<Value = String> {
    let leaf = word();
    let field = leaf.prop_recursive(6, 64, 6, |inner| {
        (
            word(),
            proptest::option::of(proptest::collection::vec((word(), value()), 0..3)),
            proptest::collection::vec(inner, 0..4),
            any::<bool>(),
        )
            .prop_map(|(name, args, children, alias)| {
                let mut out = if alias { format!("a{}: {name}", name.len()) } else { name };
                if let Some(args) = args {
                    let list: Vec<String> = args.into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
                    out.push_str(&format!("({})", list.join(", ")));
                }
                if !children.is_empty() {
                    out.push_str(&format!(" {{ {} }}", children.join(" ")));
                }
                out
            })
    });
    (
        prop_oneof![Just(""), Just("query "), Just("mutation "), Just("query($v: Int) ")],
        proptest::collection::vec(field, 1..5),
    )
        .prop_map(|(kind, fields)| format!("{kind}{{ {} }}", fields.join(" ")))
}

fn check_answer(status: u16, body: &[u8], input: &str) {
    assert!([200, 400, 401, 405, 413, 415, 503].contains(&status), "status {status} for {input:?}");
    let json: Value = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("not JSON ({e}) for {input:?}: {}", String::from_utf8_lossy(body)));
    let responses = match &json {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    for response in responses {
        let object = response.as_object().unwrap_or_else(|| panic!("not an object for {input:?}: {response}"));
        assert!(
            object.contains_key("data") || object.contains_key("errors"),
            "neither data nor errors for {input:?}: {response}"
        );
        for error in object.get("errors").and_then(Value::as_array).into_iter().flatten() {
            assert!(error["message"].is_string(), "an error without a message for {input:?}: {error}");
            let code = error["extensions"]["code"].as_str().unwrap_or("");
            assert!(CODES.contains(&code), "code {code:?} for {input:?}: {error}");
        }
    }
}

on_both! {
    async fn generated_requests_never_break_the_server(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let token = app.admin();
        let post = |body: Vec<u8>| app.client.post(format!("{}/graphql", app.url)).bearer_auth(&token).header("content-type", "application/json").body(body).send();

        // GraphQL-shaped documents, with variables of any JSON shape.
        let documents = samples((document(), proptest::option::of(any::<i32>())), cases());
        for (query, v) in documents {
            let response = post(json!({ "query": query, "variables": { "v": v } }).to_string().into_bytes()).await.unwrap();
            let status = response.status().as_u16();
            check_answer(status, &response.bytes().await.unwrap(), &query);
        }
        // Any text as a query.
        for query in samples("[{}()\\[\\]a-zA-Z0-9_:$!@.,\"#\\\\ \\n-]{0,300}", cases()) {
            let response = post(json!({ "query": query }).to_string().into_bytes()).await.unwrap();
            let status = response.status().as_u16();
            check_answer(status, &response.bytes().await.unwrap(), &query);
        }
        // Any bytes as a body.
        for body in samples(proptest::collection::vec(any::<u8>(), 0..400), cases()) {
            let response = post(body.clone()).await.unwrap();
            let status = response.status().as_u16();
            check_answer(status, &response.bytes().await.unwrap(), &String::from_utf8_lossy(&body));
        }
        // JSON of any shape as a body.
        let json_values = any::<i64>().prop_map(Value::from).boxed().prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::vec((prop_oneof![Just("query".to_owned()), Just("variables".to_owned()), Just("operationName".to_owned()), "[a-z]{1,6}"], inner), 0..4)
                    .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
                "[^\\u{0}]{0,20}".prop_map(Value::from),
            ]
        });
        for value in samples(json_values, cases()) {
            let response = post(value.to_string().into_bytes()).await.unwrap();
            let status = response.status().as_u16();
            check_answer(status, &response.bytes().await.unwrap(), &value.to_string());
        }
        // Still standing.
        assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
        app.ok(&token, "{ me { subject } }", json!({})).await;
    }
}
