//! A process killed in the middle of writes keeps every answered change and no half-written
//! one; a process told to stop drains, finishes what it answered, and ends in time.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use salkku_domain::Role;
use salkku_e2e::on_both;
use salkku_e2e::process::{graphql, outcome, token};
use serde_json::{Value, json};

use crate::launch;

const CREATE_ORG: &str = "mutation($name: String!) { createOrganization(input: { name: $name, kind: NGO }) { id } }";
const LINES: usize = 6;

/// Writes until `stop`: organisations (each answered ID kept) and whole budgets of `LINES` equal
/// lines (each answered version kept).
async fn writer(
    client: reqwest::Client,
    url: String,
    app: String,
    stop: Instant,
    answered_orgs: Arc<Mutex<Vec<String>>>,
    answered_versions: Arc<Mutex<Vec<i64>>>,
) {
    let admin = token(Role::Admin);
    let mut round = 0_i64;
    while Instant::now() < stop {
        round += 1;
        let Some((_, body)) =
            graphql(&client, &url, &admin, CREATE_ORG, json!({ "name": format!("kunta-{round}") })).await
        else {
            return;
        };
        if outcome(&body) == "OK" {
            answered_orgs.lock().unwrap().push(body["data"]["createOrganization"]["id"].as_str().unwrap().to_owned());
        }
        let Some((_, current)) = graphql(
            &client,
            &url,
            &admin,
            "query($id: ID!) { application(id: $id) { version } }",
            json!({ "id": app }),
        )
        .await
        else {
            return;
        };
        let Some(version) = current["data"]["application"]["version"].as_i64() else { return };
        let lines: Vec<Value> = (0..LINES)
            .map(|_| json!({ "category": "PERSONNEL", "year": 2021, "amount": format!("{round}.00") }))
            .collect();
        let input =
            json!({ "applicationId": app, "expectedVersion": version, "lines": lines, "stateAidRequested": "0" });
        let Some((_, body)) = graphql(
            &client,
            &url,
            &admin,
            "mutation($input: SetBudgetInput!) { setBudget(input: $input) { version } }",
            json!({ "input": input }),
        )
        .await
        else {
            return;
        };
        if outcome(&body) == "OK" {
            answered_versions.lock().unwrap().push(body["data"]["setBudget"]["version"].as_i64().unwrap());
        }
    }
}

async fn setup(client: &reqwest::Client, url: &str) -> String {
    let admin = token(Role::Admin);
    let (_, lead) = graphql(client, url, &admin, CREATE_ORG, json!({ "name": "SONet BOTNIA" })).await.unwrap();
    let (_, app) = graphql(
        client,
        url,
        &admin,
        "mutation($lead: ID!) { createApplication(input: { name: \"Kuormitus\", leadId: $lead }) { id } }",
        json!({ "lead": lead["data"]["createOrganization"]["id"] }),
    )
    .await
    .unwrap();
    app["data"]["createApplication"]["id"].as_str().unwrap().to_owned()
}

/// Every answered organisation exists, and the budget is one whole budget at a version at least
/// as new as the last one answered.
async fn check_nothing_lost(client: &reqwest::Client, url: &str, app: &str, orgs: &[String], versions: &[i64]) {
    let admin = token(Role::Admin);
    for id in orgs {
        let (_, body) = graphql(client, url, &admin, "query($id: ID!) { node(id: $id) { id } }", json!({ "id": id }))
            .await
            .unwrap();
        assert_eq!(body["data"]["node"]["id"], id.as_str(), "an answered organisation is missing");
    }
    let (_, body) = graphql(
        client,
        url,
        &admin,
        "query($id: ID!) { application(id: $id) { version budget { total lines { amount } } } }",
        json!({ "id": app }),
    )
    .await
    .unwrap();
    let application = &body["data"]["application"];
    let amounts: Vec<&str> =
        application["budget"]["lines"].as_array().unwrap().iter().map(|l| l["amount"].as_str().unwrap()).collect();
    if let Some(last) = versions.iter().max() {
        assert!(application["version"].as_i64().unwrap() >= *last, "an answered budget is missing");
        assert_eq!(amounts.len(), LINES, "a budget is all its lines or none: {amounts:?}");
    }
    assert!(amounts.windows(2).all(|w| w[0] == w[1]), "lines of two budgets mixed: {amounts:?}");
    let each: i64 = amounts.first().map_or(0, |a| a.trim_end_matches(".00").parse().unwrap());
    assert_eq!(application["budget"]["total"], format!("{}.00", each * i64::try_from(amounts.len()).unwrap()));
}

on_both! {
    async fn a_process_killed_mid_write_keeps_every_answered_change_and_no_half_one(t: TestDatabase) {
        let dir = tempfile::tempdir().unwrap();
        let launch = launch(&t, dir.path());
        let mut server = launch.start("victim").await;
        let client = reqwest::Client::new();
        let app = setup(&client, &server.url).await;
        let (orgs, versions) = (Arc::new(Mutex::new(Vec::new())), Arc::new(Mutex::new(Vec::new())));
        let stop = Instant::now() + Duration::from_secs(10);
        let writers: Vec<_> = (0..4).map(|_| tokio::spawn(writer(client.clone(), server.url.clone(), app.clone(), stop, orgs.clone(), versions.clone()))).collect();
        tokio::time::sleep(Duration::from_millis(1500)).await;
        server.kill();
        for w in writers {
            w.await.unwrap();
        }
        let (orgs, versions) = (orgs.lock().unwrap().clone(), versions.lock().unwrap().clone());
        assert!(!orgs.is_empty() && !versions.is_empty(), "the writers were writing when the process died");

        let restarted = launch.start("restarted").await;
        check_nothing_lost(&client, &restarted.url, &app, &orgs, &versions).await;
        eprintln!("{} organisations and {} budgets answered before SIGKILL, all there", orgs.len(), versions.len());
    }

    async fn sigterm_drains_finishes_answered_requests_and_ends_in_time(t: TestDatabase) {
        let dir = tempfile::tempdir().unwrap();
        let launch = launch(&t, dir.path()).with("SALKKU_SHUTDOWN_DRAIN_MS", "700").with("SALKKU_SHUTDOWN_GRACE_MS", "5000");
        let mut server = launch.start("stopping").await;
        let client = reqwest::Client::new();
        let app = setup(&client, &server.url).await;
        let (orgs, versions) = (Arc::new(Mutex::new(Vec::new())), Arc::new(Mutex::new(Vec::new())));
        let stop = Instant::now() + Duration::from_secs(15);
        let writers: Vec<_> = (0..4).map(|_| tokio::spawn(writer(client.clone(), server.url.clone(), app.clone(), stop, orgs.clone(), versions.clone()))).collect();
        tokio::time::sleep(Duration::from_millis(700)).await;
        server.terminate();
        // While it drains, the readiness probe says no and requests are still served.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let ready = client.get(format!("{}/readyz", server.url)).send().await.unwrap();
        assert_eq!(ready.status().as_u16(), 503);
        let live = client.get(format!("{}/healthz", server.url)).send().await.unwrap();
        assert_eq!(live.status().as_u16(), 200);
        let (status, elapsed) = server.wait(Duration::from_secs(10)).await;
        assert!(status.is_some_and(|s| s.success()), "the process ends cleanly within its bound: {status:?} after {elapsed:?}\n{}", server.log());
        assert!(elapsed < Duration::from_millis(700 + 5_000 + 1_000), "{elapsed:?}");
        assert!(server.log().contains("in-flight requests finished"));
        for w in writers {
            w.await.unwrap();
        }
        let (orgs, versions) = (orgs.lock().unwrap().clone(), versions.lock().unwrap().clone());
        let restarted = launch.start("after").await;
        check_nothing_lost(&client, &restarted.url, &app, &orgs, &versions).await;
    }
}
