//! Scale beyond one machine: queries from a read replica, writes and read-your-writes on the
//! primary; and two API instances over one primary serve the same data.
//!
//! A streaming replica cannot be set up inside a test, so a second database stands in for it,
//! holding a marker the primary lacks: which database answered is then plain to see.

use salkku_domain::Role;
use salkku_e2e::{TestApp, on_both};
use salkku_persistence::{Db, DbSettings};
use salkku_test_db::TestDatabase;
use serde_json::{Value, json};

const NAMES: &str = "{ organizations(first: 100) { nodes { name } } }";
const MAKE_ORG: &str =
    "mutation($name: String!) { createOrganization(input: { name: $name, kind: MUNICIPALITY }) { id name } }";

fn names(body: &Value) -> Vec<String> {
    body["data"]["organizations"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn post(
    app: &TestApp,
    token: &str,
    query: &str,
    variables: Value,
    read_after: Option<&str>,
) -> (Value, Option<String>) {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.url))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(lsn) = read_after {
        request = request.header("X-Salkku-Read-After", lsn);
    }
    let response = request.send().await.unwrap();
    let written = response.headers().get("x-salkku-written-at").map(|v| v.to_str().unwrap().to_owned());
    (response.json().await.unwrap(), written)
}

on_both! {
    async fn queries_read_the_replica_and_mutations_write_the_primary(t: TestDatabase) {
        let store = t.store;
        let replica = TestDatabase::new(store).await.unwrap();
        let stand_in = Db::connect(&DbSettings::new(replica.url.clone())).await.unwrap();
        stand_in.migrate().await.unwrap();
        let admin_actor = salkku_persistence::Actor::system("test");
        let change = salkku_persistence::Change::new(&admin_actor, "createOrganization", chrono::Utc::now());
        let marker = salkku_persistence::commands::organizations::NewOrganization {
            name: "Vain replikassa".into(),
            kind: salkku_domain::OrganizationKind::Other,
            business_id: None,
            region: None,
            population: None,
        };
        salkku_persistence::commands::organizations::create(&stand_in, &change, marker, None).await.unwrap();
        let replica_url = replica.url.clone();
        let app = TestApp::start_configured(t, salkku_demo::demo::demo_now(), move |s| s.database_read_url = Some(replica_url)).await;
        let admin = app.token(Role::Admin, None);

        let (read, _) = post(&app, &admin, NAMES, json!({}), None).await;
        assert_eq!(names(&read), ["Vain replikassa"], "a query reads the replica");

        let (made, written) = post(&app, &admin, MAKE_ORG, json!({ "name": "Uusi kunta" }), None).await;
        assert_eq!(made["data"]["createOrganization"]["name"], "Uusi kunta", "a mutation answers from the primary: {made:#}");
        let (still, _) = post(&app, &admin, NAMES, json!({}), None).await;
        assert_eq!(names(&still), ["Vain replikassa"], "the write went to the primary, not the replica");

        // Reading one's own write: the replica has not replayed the primary's log (it is no
        // standby at all), so the primary answers.
        if store == salkku_test_db::Store::Postgres {
            let lsn = written.expect("a mutation names the primary's log position on PostgreSQL");
            let (own, _) = post(&app, &admin, NAMES, json!({}), Some(&lsn)).await;
            assert_eq!(names(&own), ["Uusi kunta"]);
        } else {
            assert_eq!(written, None, "SQLite has no log position to name");
        }
        let (unreadable, _) = post(&app, &admin, NAMES, json!({}), Some("not-a-position")).await;
        assert_eq!(names(&unreadable), ["Uusi kunta"], "an unreadable position is read from the primary, to be safe");

        // A report is a read: it comes from the replica too.
        let csv = app.client.get(format!("{}/export/applications.csv", app.url)).bearer_auth(&admin).send().await.unwrap();
        assert_eq!(csv.status().as_u16(), 200);
        let ready = app.get("/readyz").await;
        assert_eq!(ready.status().as_u16(), 200, "ready while both answer");
    }

    async fn two_instances_over_one_primary_serve_the_same_data(t: TestDatabase) {
        let url = t.url.clone();
        let first = TestApp::start_with_demo(t).await;
        // A second instance over the same database (the `_keep` guard stays with the first).
        let second = TestApp::start_configured_on(&url, salkku_demo::demo::demo_now()).await;
        let admin = first.token(Role::Admin, None);
        let (made, _) = post(&first, &admin, MAKE_ORG, json!({ "name": "Yhteinen kunta" }), None).await;
        assert!(made["data"]["createOrganization"]["id"].is_string(), "{made:#}");
        let token = second.token(Role::Ministry, None);
        let (seen, _) = post(&second, &token, NAMES, json!({}), None).await;
        assert!(names(&seen).contains(&"Yhteinen kunta".to_owned()), "the other instance sees the write at once");
        let portfolio = "{ portfolio { applicationCount totalCost } }";
        let (a, _) = post(&first, &token, portfolio, json!({}), None).await;
        let (b, _) = post(&second, &token, portfolio, json!({}), None).await;
        assert_eq!(a["data"], b["data"]);
    }
}
