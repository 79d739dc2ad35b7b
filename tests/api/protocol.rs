//! GraphQL over HTTP to the letter, and what outside tools found: media types by Accept, no data
//! for a request that never ran, no schema recovered from suggestions, introspection refused
//! when off, one rule for list sizes, no 0:0 locations, messages that say what a body must be.

use salkku_e2e::{TestApp, on_both};
use serde_json::{Value, json};

/// A bare client: no Accept and no token unless given; English messages.
async fn post(app: &TestApp, accept: Option<&str>, token: Option<&str>, body: &str) -> (u16, String, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}/graphql", app.url))
        .header("content-type", "application/json")
        .header("accept-language", "en")
        .body(body.to_owned());
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let media = response.headers()["content-type"].to_str().unwrap().to_owned();
    (status, media, response.json().await.unwrap())
}

fn first_message(body: &Value) -> &str {
    body["errors"][0]["message"].as_str().unwrap()
}

on_both! {
    async fn a_client_that_names_no_media_type_or_any_gets_application_json(t: TestDatabase) {
        let app = TestApp::start(t).await;
        for accept in [None, Some("*/*"), Some("application/*"), Some("application/json")] {
            let (status, media, _) = post(&app, accept, None, r#"{"query":"{ __typename }"}"#).await;
            assert_eq!((status, media.as_str()), (200, "application/json"), "{accept:?}");
        }
        let (_, media, _) = post(&app, Some("application/graphql-response+json, application/json;q=0.9"), None, r#"{"query":"{ __typename }"}"#).await;
        assert_eq!(media, "application/graphql-response+json");
    }

    async fn a_document_that_never_ran_has_no_data_entry(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let token = app.admin();
        for query in ["{ regions { code ", "{ noSuchField }"] {
            let body = json!({ "query": query }).to_string();
            let (status, _, answer) = post(&app, Some("application/graphql-response+json"), Some(&token), &body).await;
            assert_eq!(status, 400, "{answer}");
            assert!(answer.get("data").is_none() && answer["errors"].is_array(), "{answer}");
        }
    }

    async fn suggestions_name_nothing_to_strangers_nor_when_introspection_is_off(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let body = json!({ "query": "{ applicaton(id: \"x\") { id } }" }).to_string();
        let (_, _, stranger) = post(&app, None, None, &body).await;
        assert!(!first_message(&stranger).contains("Did you mean"), "{stranger}");
        assert!(first_message(&stranger).contains("Unknown field"), "{stranger}");
        let (_, _, signed_in) = post(&app, None, Some(&app.admin()), &body).await;
        assert!(first_message(&signed_in).contains("Did you mean \"application\""), "{signed_in}");
    }

    async fn with_introspection_off_the_schema_is_refused_and_nothing_suggested(t: TestDatabase) {
        let app = TestApp::start_configured(t, salkku_demo::demo::demo_now(), |s| s.introspection = false).await;
        let token = app.admin();
        let (_, _, answer) = post(&app, None, Some(&token), r#"{"query":"{ __schema { queryType { name } } }"}"#).await;
        assert_eq!(answer["errors"][0]["extensions"]["code"], "FORBIDDEN", "{answer}");
        assert!(first_message(&answer).contains("introspection is off"), "{answer}");
        let body = json!({ "query": "{ applicaton(id: \"x\") { id } }" }).to_string();
        let (_, _, answer) = post(&app, None, Some(&token), &body).await;
        assert!(!first_message(&answer).contains("Did you mean"), "{answer}");
    }

    async fn every_list_refuses_a_negative_size_as_bad_input_and_limits_have_no_false_location(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let token = app.admin();
        let answer = app.graphql(Some(&token), "{ portfolio { atRisk(first: -1) { name } } }", json!({})).await;
        let error = answer.error("BAD_USER_INPUT");
        assert_eq!(error["extensions"]["field"], "first");
        let deep = "{ applications { nodes { call { applications { nodes { call { applications { nodes { call { applications { nodes { id } } } } } } } } } } } }";
        let refused = app.graphql(Some(&token), deep, json!({})).await;
        let error = refused.error("LIMIT_EXCEEDED");
        assert!(error.get("locations").is_none_or(|l| l.as_array().is_some_and(|a| a.iter().all(|p| p["line"].as_u64() >= Some(1)))), "{error}");
    }

    async fn a_failed_field_answers_null_up_to_its_nearest_nullable_parent(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let token = app.admin();
        // application(id:) may be null: it answers null, and regions answer beside it.
        let answer = app.graphql(Some(&token), "{ regions { code } application(id: \"nonsense\") { id } }", json!({})).await;
        answer.error("BAD_USER_INPUT");
        let data = &answer.body["data"];
        assert_eq!(data["application"], json!(null), "{data}");
        assert!(data["regions"].is_array(), "{data}");
        // atRisk and portfolio may not be null: the whole answer is.
        let answer = app.graphql(Some(&token), "{ portfolio { applicationCount atRisk(first: 501) { name } } }", json!({})).await;
        answer.error("LIMIT_EXCEEDED");
        assert_eq!(answer.body["data"], json!(null));
        // Asked alone, so that no other field answers: the same rule.
        let answer = app.graphql(Some(&token), "{ portfolio { atRisk(first: 501) { name } } }", json!({})).await;
        assert_eq!(answer.body["data"], json!(null));
        let answer = app.graphql(Some(&token), "{ c: grantCall(id: \"nonsense\") { title } }", json!({})).await;
        assert_eq!(answer.body["data"], json!({ "c": null }));
        // A mutation's change made before a later one failed stays in the answer.
        let two = "mutation { a: createOrganization(input: { name: \"Uusi\", kind: NGO }) { name } b: createOrganization(input: { name: \"\", kind: NGO }) { name } }";
        let answer = app.graphql(Some(&token), two, json!({})).await;
        answer.error("BAD_USER_INPUT");
        assert_eq!(answer.body["data"], json!({ "a": { "name": "Uusi" }, "b": null }));
    }

    async fn a_body_that_is_no_request_says_what_a_request_is(t: TestDatabase) {
        let app = TestApp::start(t).await;
        for body in ["null", r#""hello""#, r#"{"query":null}"#, r#"{"query":"{ __typename }","variables":"x"}"#] {
            let (status, _, answer) = post(&app, Some("application/graphql-response+json"), None, body).await;
            assert_eq!(status, 400, "{body}");
            assert!(first_message(&answer).starts_with("a request body is a JSON object with \"query\""), "{body}: {answer}");
            assert!(!first_message(&answer).contains("enum"), "{answer}");
        }
        let (_, _, answer) = post(&app, None, None, "[]").await;
        assert!(first_message(&answer).contains("the batch is empty"), "{answer}");
        for body in [r#"{"query":"  "}"#, r#"{"variables":{}}"#] {
            let (_, _, answer) = post(&app, None, None, body).await;
            assert!(first_message(&answer).contains("the query is missing"), "{answer}");
        }
        let missing = reqwest::Client::new()
            .get(format!("{}/graphql?variables=%7B%7D", app.url))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap();
        assert!(first_message(&missing).contains("the query is missing"), "{missing}");
    }
    async fn the_answer_keeps_the_order_of_the_request_at_every_level(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let token = app.admin();
        let order = |text: &str, keys: &[&str]| {
            let at: Vec<usize> = keys.iter().map(|k| text.find(&format!("\"{k}\"")).unwrap_or_else(|| panic!("{k} in {text}"))).collect();
            assert!(at.windows(2).all(|w| w[0] < w[1]), "{keys:?} out of order in {text}");
        };
        // The same document, many times: a concurrent gather must not decide the order.
        for _ in 0..20 {
            let body = json!({ "query": "{ regions { name code } me { subject role } codeLabels(list: \"ApplicationStatus\") { label code } }" }).to_string();
            let response = reqwest::Client::new().post(format!("{}/graphql", app.url)).bearer_auth(&token).header("content-type", "application/json").body(body).send().await.unwrap();
            let text = response.text().await.unwrap();
            order(&text, &["regions", "me", "codeLabels"]);
            order(&text, &["subject", "role"]);
            // Within the first region: name, then code.
            order(&text, &["name\":\"Uusimaa", "code\":\"01"]);
        }
    }
}
