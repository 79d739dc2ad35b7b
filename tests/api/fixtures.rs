//! Building a portfolio through the API, as an admin and a finance officer would.

use salkku_e2e::TestApp;
use serde_json::{Value, json};

pub const CREATE_ORG: &str =
    "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id name } }";
pub const CREATE_CALL: &str =
    "mutation($input: CreateGrantCallInput!) { createGrantCall(input: $input) { id status closesAt maxAidRate } }";
pub const CREATE_APP: &str =
    "mutation($input: CreateApplicationInput!) { createApplication(input: $input) { id version status } }";
pub const SET_BUDGET: &str = "mutation($input: SetBudgetInput!) { setBudget(input: $input) { id version budget { total } fundingSplit { compliant violations { code amount } } } }";
pub const TRANSITION: &str = "mutation($input: TransitionApplicationInput!) { transitionApplication(input: $input) { id version status submittedAt history { from to by decisionRef at } } }";
pub const ADD_COMMITMENT: &str =
    "mutation($input: AddCommitmentInput!) { addCommitment(input: $input) { id version status amount } }";

pub fn id(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_owned()
}

pub async fn org(app: &TestApp, token: &str, name: &str, kind: &str, region: Option<&str>) -> String {
    let data =
        app.ok(token, CREATE_ORG, json!({ "input": { "name": name, "kind": kind, "regionCode": region } })).await;
    id(&data["createOrganization"])
}

pub async fn call(app: &TestApp, token: &str, funder: &str, title: &str, closes_at: &str, rate: &str) -> String {
    let input = json!({ "title": title, "funderId": funder, "opensAt": "2020-03-02T08:00:00+02:00", "closesAt": closes_at, "maxAidRate": rate });
    id(&app.ok(token, CREATE_CALL, json!({ "input": input })).await["createGrantCall"])
}

pub async fn application(app: &TestApp, token: &str, input: Value) -> Value {
    app.ok(token, CREATE_APP, json!({ "input": input })).await["createApplication"].clone()
}

pub async fn budget(app: &TestApp, token: &str, application: &str, version: i64, lines: Value, aid: &str) -> Value {
    let input =
        json!({ "applicationId": application, "expectedVersion": version, "lines": lines, "stateAidRequested": aid });
    app.ok(token, SET_BUDGET, json!({ "input": input })).await["setBudget"].clone()
}

pub async fn transition(app: &TestApp, token: &str, application: &str, version: i64, to: &str) -> Value {
    let input = json!({ "id": application, "expectedVersion": version, "to": to, "decisionRef": format!("→ {to}") });
    app.ok(token, TRANSITION, json!({ "input": input })).await["transitionApplication"].clone()
}

/// STM, SONet BOTNIA and an 80 % call: the ground most tests stand on.
pub struct Ground {
    pub admin: String,
    pub stm: String,
    pub sonet: String,
    pub call80: String,
}

pub async fn ground(app: &TestApp) -> Ground {
    let admin = app.admin();
    let stm = org(app, &admin, "Sosiaali- ja terveysministeriö", "MINISTRY", None).await;
    let sonet = org(app, &admin, "SONet BOTNIA", "COMPETENCE_CENTRE", Some("14")).await;
    let call80 = call(app, &admin, &stm, "Lastensuojelun kehittäminen", "2020-05-29T16:15:00+03:00", "80").await;
    Ground { admin, stm, sonet, call80 }
}
