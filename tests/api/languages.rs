//! Finnish, Swedish and English: messages and labels follow Accept-Language (Finnish when it
//! names none of them); codes and fields never change with the language.

use salkku_domain::Role;
use salkku_e2e::{TestApp, on_both};
use serde_json::{Value, json};

use crate::fixtures::*;

const MAKE_ORG: &str = "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }";

fn first_error(body: &Value) -> (String, String, String) {
    let e = &body["errors"][0];
    let s = |v: &Value| v.as_str().unwrap_or("").to_owned();
    (s(&e["message"]), s(&e["extensions"]["code"]), s(&e["extensions"]["field"]))
}

on_both! {
    async fn an_error_speaks_the_requests_language_and_keeps_its_code(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let admin = app.admin();
        let bad = json!({ "input": { "name": "Kunta", "kind": "MUNICIPALITY", "businessId": "0116297-5" } });
        let mut seen = Vec::new();
        for language in [None, Some("fi-FI"), Some("sv-FI,sv;q=0.9"), Some("en-GB"), Some("de-DE")] {
            let answer = app.graphql_in(language, Some(&admin), MAKE_ORG, bad.clone()).await;
            seen.push(first_error(&answer.body));
        }
        let codes: Vec<(&str, &str)> = seen.iter().map(|(_, c, f)| (c.as_str(), f.as_str())).collect();
        assert!(codes.iter().all(|c| *c == ("BAD_USER_INPUT", "businessId")), "{codes:?}");
        assert_eq!(seen[0].0, "\"0116297-5\" ei ole kelvollinen Y-tunnus: tarkistusnumeron pitäisi olla 6", "Finnish by default");
        assert_eq!(seen[1].0, seen[0].0);
        assert_eq!(seen[2].0, "\"0116297-5\" är inget giltigt FO-nummer: kontrollsiffran borde vara 6");
        assert_eq!(seen[3].0, "\"0116297-5\" is not a valid business ID: the check digit should be 6");
        assert_eq!(seen[4].0, seen[0].0, "a language salkku does not speak falls back to Finnish");
    }

    async fn refusals_from_the_server_and_the_policy_are_translated_too(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let anonymous = app.graphql_in(Some("sv"), None, "{ regions { code } }", json!({})).await;
        assert_eq!(anonymous.status, 401);
        assert_eq!(first_error(&anonymous.body).0, "logga in: skicka Authorization: Bearer <token>");
        let ministry = app.token(Role::Ministry, None);
        let refused = app.graphql_in(None, Some(&ministry), MAKE_ORG, json!({ "input": { "name": "Kunta", "kind": "MUNICIPALITY" } })).await;
        assert_eq!(first_error(&refused.body), ("ministeriön käyttäjät lukevat salkkua; he eivät voi muuttaa sitä".into(), "FORBIDDEN".into(), String::new()));
        let missing = app.graphql_in(Some("sv"), Some(&ministry), "{ node(id: \"QXBwbGljYXRpb246OTk5\") { id } }", json!({})).await;
        assert_eq!(missing.data()["node"], Value::Null, "node answers null, not an error");
        let revoke = "mutation { revokeCalendarFeed(id: \"Q2FsZW5kYXJGZWVkOjk5\") { id } }";
        let gone = app.graphql_in(Some("sv"), Some(&ministry), revoke, json!({})).await;
        assert_eq!(first_error(&gone.body).0, "det finns inget objekt av typen kalenderflöde med det ID:t");
        let deep = app.graphql_in(Some("fi"), Some(&ministry), "{ upcomingDeadlines(withinDays: -1) { id } }", json!({})).await;
        assert_eq!(first_error(&deep.body), ("withinDays on 0–3660 (annettu -1)".into(), "BAD_USER_INPUT".into(), "withinDays".into()));
    }

    async fn funding_rules_and_labels_speak_swedish_in_osterbotten(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let monni = application(&app, &g.admin, json!({ "name": "MONNI", "leadId": g.sonet, "regionCodes": ["15"] })).await;
        let query = "query($id: ID!) { node(id: $id) { ... on Application { regions { name } fundingSplit { violations { code message } } } } }";
        let sv = app.graphql_in(Some("sv"), Some(&g.admin), query, json!({ "id": monni["id"] })).await;
        let node = &sv.data()["node"];
        assert_eq!(node["regions"], json!([{ "name": "Österbotten" }]));
        let violations = node["fundingSplit"]["violations"].as_array().unwrap();
        assert_eq!(violations[0]["code"], "NO_CALL");
        assert_eq!(violations[0]["message"], "ansökan svarar inte på någon utlysning, så det finns ingen stödandel att kontrollera mot");
        let fi = app.graphql_in(None, Some(&g.admin), query, json!({ "id": monni["id"] })).await;
        assert_eq!(fi.data()["node"]["regions"], json!([{ "name": "Pohjanmaa" }]));
        assert_eq!(fi.data()["node"]["fundingSplit"]["violations"][0]["code"], "NO_CALL");
    }

    async fn automatic_deadlines_read_in_the_readers_language(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let vaasa = org(&app, &g.admin, "Vaasan kaupunki", "MUNICIPALITY", Some("15")).await;
        let monni = application(&app, &g.admin, json!({ "name": "Monialainen", "acronym": "MONNI", "leadId": g.sonet, "regionCodes": ["15"], "periodEnd": "2022-12-31" })).await;
        app.ok(&g.admin, ADD_COMMITMENT, json!({ "input": { "applicationId": monni["id"], "organizationId": vaasa, "amount": "10000.00", "dueDate": "2020-06-18" } })).await;
        let query = "query($id: ID!) { node(id: $id) { ... on Application { deadlines { kind title } } } }";
        let titles = |answer: &salkku_e2e::Answer| -> Vec<String> {
            answer.data()["node"]["deadlines"].as_array().unwrap().iter().map(|d| d["title"].as_str().unwrap().to_owned()).collect()
        };
        let fi = app.graphql_in(None, Some(&g.admin), query, json!({ "id": monni["id"] })).await;
        assert_eq!(titles(&fi), ["MONNI, Vaasan kaupunki – Sitoumuksen määräpäivä", "MONNI – Hanke päättyy"]);
        let sv = app.graphql_in(Some("sv"), Some(&g.admin), query, json!({ "id": monni["id"] })).await;
        assert_eq!(titles(&sv), ["MONNI, Vaasan kaupunki – Sista dag för åtagande", "MONNI – Projektet avslutas"]);
        let en = app.graphql_in(Some("en"), Some(&g.admin), query, json!({ "id": monni["id"] })).await;
        assert_eq!(titles(&en), ["MONNI, Vaasan kaupunki – Commitment due", "MONNI – Project ends"]);
    }

    async fn every_code_has_a_label_in_each_language(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let admin = app.admin();
        let query = "query($list: String) { codeLabels(list: $list) { list code label } }";
        let sv = app.graphql_in(Some("sv"), Some(&admin), query, json!({})).await;
        let labels = sv.data()["codeLabels"].as_array().unwrap().clone();
        let find = |list: &str, code: &str| {
            labels.iter().find(|l| l["list"] == list && l["code"] == code).map(|l| l["label"].as_str().unwrap().to_owned())
        };
        assert_eq!(find("RegionCode", "15").as_deref(), Some("Österbotten"));
        assert_eq!(find("CommitmentLevel", "BOARD").as_deref(), Some("Nämnd"));
        assert_eq!(find("OrganizationKind", "JOINT_MUNICIPAL_AUTHORITY").as_deref(), Some("Samkommun"));
        // Every enum's codes, exactly as the schema has them.
        let mut lists: Vec<String> = labels.iter().map(|l| l["list"].as_str().unwrap().to_owned()).collect();
        lists.dedup();
        for list in lists.iter().filter(|l| *l != "RegionCode") {
            let schema = app.ok(&admin, "query($name: String!) { __type(name: $name) { enumValues { name } } }", json!({ "name": list })).await;
            let mut want: Vec<String> = schema["__type"]["enumValues"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap().to_owned()).collect();
            let mut got: Vec<String> = labels.iter().filter(|l| l["list"] == list.as_str()).map(|l| l["code"].as_str().unwrap().to_owned()).collect();
            want.sort();
            got.sort();
            assert_eq!(got, want, "{list}");
        }
        let fi = app.graphql_in(None, Some(&admin), query, json!({ "list": "CommitmentStatus" })).await;
        let fi: Vec<&str> = fi.data()["codeLabels"].as_array().unwrap().iter().map(|l| l["label"].as_str().unwrap()).collect();
        assert_eq!(fi, ["Pyydetty", "Luvattu", "Hyväksytty", "Kieltäytynyt"]);
    }

    async fn the_export_refuses_in_the_readers_language(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let finance = app.token(Role::Finance, None);
        let response = reqwest::Client::new()
            .get(format!("{}/export/applications.csv?colour=red", app.url))
            .bearer_auth(&finance)
            .header("Accept-Language", "sv")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400);
        let body: Value = response.json().await.unwrap();
        let (message, code, field) = first_error(&body);
        assert_eq!((code.as_str(), field.as_str()), ("BAD_USER_INPUT", "colour"));
        assert!(message.starts_with("\"colour\" är ingen parameter för den här exporten"), "{message}");
    }
}
