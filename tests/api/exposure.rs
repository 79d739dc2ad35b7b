//! A municipality's exposure: what Seinäjoki has committed to across the demo's projects, to the
//! cent, what its board must decide next, and who may see it.

use salkku_domain::Role;
use salkku_domain::ids::OrganizationId;
use salkku_e2e::{TestApp, on_both};
use serde_json::{Value, json};

const EXPOSURE: &str = "query($id: ID!) { exposure(organizationId: $id) { organization { name } pledged requested \
    pledgedPerInhabitant requestedPerInhabitant byStatus { status kind amount count } \
    commitments { amount status dueDate application { acronym name } } \
    agenda { level commitments { amount dueDate } } realisedTotal } }";

async fn organization(app: &TestApp, token: &str, name: &str) -> String {
    let all = app.ok(token, "{ organizations(first: 100) { nodes { id name } } }", json!({})).await;
    let nodes = all["organizations"]["nodes"].as_array().unwrap();
    nodes.iter().find(|o| o["name"] == name).unwrap()["id"].as_str().unwrap().to_owned()
}

on_both! {
    async fn seinajoki_sees_what_it_has_committed_to_and_what_its_board_must_decide(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let finance = app.token(Role::Finance, None);
        let seinajoki = organization(&app, &finance, "Seinäjoen kaupunki").await;
        let answer = app.ok(&finance, EXPOSURE, json!({ "id": seinajoki })).await;
        let exposure = &answer["exposure"];
        // MONNI's 40 000 € approved, Kansa-koulu III's pledge without money, and the ombudsman
        // service's 45 000 € asked for by 30.9.2020; 64 000 inhabitants.
        assert_eq!((&exposure["pledged"], &exposure["requested"]), (&json!("40000.00"), &json!("45000.00")));
        assert_eq!((&exposure["pledgedPerInhabitant"], &exposure["requestedPerInhabitant"]), (&json!("0.63"), &json!("0.70")));
        assert_eq!(exposure["byStatus"], json!([
            { "status": "REQUESTED", "kind": "CASH", "amount": "45000.00", "count": 1 },
            { "status": "PROMISED", "kind": "CASH", "amount": "0.00", "count": 1 },
            { "status": "APPROVED", "kind": "CASH", "amount": "40000.00", "count": 1 },
        ]));
        let listed: Vec<(&str, &Value)> = exposure["commitments"].as_array().unwrap().iter().map(|c| (c["amount"].as_str().unwrap(), &c["dueDate"])).collect();
        assert_eq!(listed, [("40000.00", &json!("2020-06-18")), ("45000.00", &json!("2020-09-30")), ("0.00", &json!(null))]);
        assert_eq!(exposure["agenda"], json!([{ "level": "BOARD", "commitments": [{ "amount": "45000.00", "dueDate": "2020-09-30" }] }]));
        assert_eq!(exposure["realisedTotal"], "0.00");

        // Seinäjoki's coordinator and the ministry see it; Vaasa's coordinator does not.
        let own = app.token(Role::Coordinator, Some(OrganizationId::from_global(&seinajoki).unwrap()));
        app.ok(&own, EXPOSURE, json!({ "id": seinajoki })).await;
        app.ok(&app.token(Role::Ministry, None), EXPOSURE, json!({ "id": seinajoki })).await;
        let vaasa = organization(&app, &finance, "Vaasan kaupunki").await;
        let other = app.token(Role::Coordinator, Some(OrganizationId::from_global(&vaasa).unwrap()));
        app.graphql(Some(&other), EXPOSURE, json!({ "id": seinajoki })).await.error("FORBIDDEN");

        // The applications it leads or takes part in, in any role; and the portfolio of them.
        let all = app.ok(&finance, "{ applications(first: 100) { nodes { name lead { id } participants { organization { id } } } } }", json!({})).await;
        let mut expected: Vec<&str> = all["applications"]["nodes"].as_array().unwrap().iter()
            .filter(|a| a["lead"]["id"] == seinajoki.as_str() || a["participants"].as_array().unwrap().iter().any(|p| p["organization"]["id"] == seinajoki.as_str()))
            .map(|a| a["name"].as_str().unwrap()).collect();
        expected.sort_unstable();
        let taking_part = app.ok(&finance, "query($id: ID!) { applications(first: 100, filter: { participantId: $id }) { nodes { name } } portfolio(filter: { participantId: $id }) { applicationCount } }", json!({ "id": seinajoki })).await;
        let mut found: Vec<&str> = taking_part["applications"]["nodes"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
        found.sort_unstable();
        assert!(!found.is_empty());
        assert_eq!(found, expected);
        assert_eq!(taking_part["portfolio"]["applicationCount"], json!(expected.len()));

        // A period the projects do not reach holds none of their commitments.
        let later = app.ok(&finance, "query($id: ID!) { exposure(organizationId: $id, from: \"2040-01-01\") { pledged commitments { amount } } }", json!({ "id": seinajoki })).await;
        let left: Vec<&str> = later["exposure"]["commitments"].as_array().unwrap().iter().map(|c| c["amount"].as_str().unwrap()).collect();
        assert!(!left.contains(&"40000.00"), "MONNI ended in 2022: {left:?}");
        let backwards = app.graphql(Some(&finance), "query($id: ID!) { exposure(organizationId: $id, from: \"2022-01-01\", to: \"2021-01-01\") { pledged } }", json!({ "id": seinajoki })).await;
        assert_eq!(backwards.error("BAD_USER_INPUT")["extensions"]["field"], "to");
    }

    async fn the_portfolio_by_organisation_counts_each_project_under_everyone_taking_part(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let ministry = app.token(Role::Ministry, None);
        let seinajoki = organization(&app, &ministry, "Seinäjoen kaupunki").await;
        let answer = app.ok(&ministry, "query($id: ID!) { portfolio { applicationCount byOrganization { key label applicationCount totalCost stateAidRequested } } \
            mine: portfolio(filter: { participantId: $id }) { applicationCount totalCost stateAidRequested } }", json!({ "id": seinajoki })).await;
        let buckets = answer["portfolio"]["byOrganization"].as_array().unwrap();
        // Seinäjoki's bucket is the portfolio of the applications it takes part in, to the cent.
        let own = buckets.iter().find(|b| b["key"] == seinajoki.as_str()).unwrap();
        assert_eq!(own["label"], "Seinäjoen kaupunki");
        let mine = &answer["mine"];
        assert_eq!((&own["applicationCount"], &own["totalCost"], &own["stateAidRequested"]), (&mine["applicationCount"], &mine["totalCost"], &mine["stateAidRequested"]));
        assert!(mine["applicationCount"].as_i64().unwrap() >= 1, "{mine}");
        // Every application has a lead, so each counts at least once; by name.
        let counted: i64 = buckets.iter().map(|b| b["applicationCount"].as_i64().unwrap()).sum();
        assert!(counted > answer["portfolio"]["applicationCount"].as_i64().unwrap());
        let labels: Vec<&str> = buckets.iter().map(|b| b["label"].as_str().unwrap()).collect();
        assert!(labels.windows(2).all(|w| w[0] <= w[1]), "{labels:?}");
        // Filtered like any portfolio: by a year before any project, nobody.
        let none = app.ok(&ministry, "{ portfolio(filter: { year: 1990 }) { byOrganization { key } } }", json!({})).await;
        assert_eq!(none["portfolio"]["byOrganization"], json!([]));
    }
}
