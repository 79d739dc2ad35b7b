//! Many clients, two server processes, one database: no lost update, no overpayment, one result
//! per idempotency key.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use salkku_domain::Role;
use salkku_e2e::on_both;
use salkku_e2e::process::{graphql, outcome, token};
use serde_json::{Value, json};

use crate::launch;

const READ: &str = "query($id: ID!) { application(id: $id) { version budget { lines { amount } } } }";
const SET: &str = "mutation($input: SetBudgetInput!) { setBudget(input: $input) { version } }";

async fn ok(client: &reqwest::Client, url: &str, token: &str, query: &str, variables: Value) -> Value {
    let (status, body) = graphql(client, url, token, query, variables).await.expect("the server answers");
    assert!(status == 200 && body.get("errors").is_none(), "{status}: {body:#}");
    body["data"].clone()
}

on_both! {
    async fn concurrent_read_modify_write_loses_no_update(t: TestDatabase) {
        let dir = tempfile::tempdir().unwrap();
        let servers = [launch(&t, dir.path()).start("a").await, launch(&t, dir.path()).start("b").await];
        let client = reqwest::Client::new();
        let admin = token(Role::Admin);
        let urls: Vec<String> = servers.iter().map(|s| s.url.clone()).collect();

        let lead = ok(&client, &urls[0], &admin, "mutation { createOrganization(input: { name: \"SONet BOTNIA\", kind: COMPETENCE_CENTRE }) { id } }", json!({})).await;
        let app = ok(&client, &urls[1], &admin, "mutation($lead: ID!) { createApplication(input: { name: \"Laskuri\", leadId: $lead }) { id } }", json!({ "lead": lead["createOrganization"]["id"] })).await;
        let id = app["createApplication"]["id"].as_str().unwrap().to_owned();

        // Eight clients, each adding one euro to the budget line twelve times, every time reading
        // the budget first and writing it back with the version it read, through either process.
        let (clients, rounds) = (8_usize, 12_usize);
        let successes = Arc::new(AtomicUsize::new(0));
        let conflicts = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for c in 0..clients {
            let (client, admin, urls, id) = (client.clone(), admin.clone(), urls.clone(), id.clone());
            let (successes, conflicts) = (successes.clone(), conflicts.clone());
            tasks.push(tokio::spawn(async move {
                let mut done = 0;
                let mut attempt = c;
                while done < rounds {
                    attempt += 1;
                    let url = &urls[attempt % urls.len()];
                    let current = ok(&client, url, &admin, READ, json!({ "id": id })).await["application"].clone();
                    let euros = current["budget"]["lines"][0]["amount"].as_str().map_or(0, |a| a.trim_end_matches(".00").parse::<i64>().unwrap());
                    let input = json!({ "applicationId": id, "expectedVersion": current["version"], "stateAidRequested": "0", "lines": [{ "category": "OTHER", "year": 2021, "amount": format!("{}.00", euros + 1) }] });
                    let (status, body) = graphql(&client, url, &admin, SET, json!({ "input": input })).await.expect("an answer");
                    match outcome(&body).as_str() {
                        "OK" => { done += 1; successes.fetch_add(1, Ordering::SeqCst); }
                        "CONFLICT" => { conflicts.fetch_add(1, Ordering::SeqCst); }
                        other => panic!("a rejection other than CONFLICT: {other} ({status}) {body:#}"),
                    }
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let total = successes.load(Ordering::SeqCst);
        assert_eq!(total, clients * rounds);
        let end = ok(&client, &urls[0], &admin, READ, json!({ "id": id })).await["application"].clone();
        assert_eq!(end["budget"]["lines"][0]["amount"], format!("{total}.00"), "the counter equals the accepted writes");
        assert_eq!(end["version"], i64::try_from(total).unwrap() + 1);
        eprintln!("{total} writes accepted, {} refused with CONFLICT", conflicts.load(Ordering::SeqCst));
    }

    async fn concurrent_payments_never_exceed_their_allocation(t: TestDatabase) {
        let dir = tempfile::tempdir().unwrap();
        let servers = [launch(&t, dir.path()).start("a").await, launch(&t, dir.path()).start("b").await];
        let client = reqwest::Client::new();
        let finance = token(Role::Finance);
        let admin = token(Role::Admin);
        let org = |name: &str| format!("mutation {{ createOrganization(input: {{ name: \"{name}\", kind: MINISTRY }}) {{ id }} }}");
        let stm = ok(&client, &servers[0].url, &admin, &org("STM"), json!({})).await["createOrganization"]["id"].clone();
        let allocation = ok(&client, &servers[0].url, &finance, "mutation($stm: ID!) { recordAllocation(input: { funderId: $stm, recipientId: $stm, year: 2020, amount: \"100.00\" }) { id } }", json!({ "stm": stm })).await["recordAllocation"]["id"].clone();

        let mut tasks = Vec::new();
        for i in 0..20 {
            let (client, finance, url, allocation) = (client.clone(), finance.clone(), servers[i % 2].url.clone(), allocation.clone());
            tasks.push(tokio::spawn(async move {
                let input = json!({ "allocationId": allocation, "paidOn": "2020-06-01", "amount": "7.00" });
                let (_, body) = graphql(&client, &url, &finance, "mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { id } }", json!({ "input": input })).await.expect("an answer");
                outcome(&body)
            }));
        }
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.unwrap());
        }
        assert_eq!(outcomes.iter().filter(|o| *o == "OK").count(), 14, "{outcomes:?}");
        assert!(outcomes.iter().all(|o| o == "OK" || o == "BAD_USER_INPUT"), "{outcomes:?}");
        let paid = ok(&client, &servers[1].url, &finance, "query($id: ID!) { node(id: $id) { ... on StateAidAllocation { paidTotal payments { amount } } } }", json!({ "id": allocation })).await;
        assert_eq!(paid["node"]["paidTotal"], "98.00");
        assert_eq!(paid["node"]["payments"].as_array().unwrap().len(), 14);
    }

    async fn concurrent_replays_of_one_key_create_one_application(t: TestDatabase) {
        let dir = tempfile::tempdir().unwrap();
        let servers = [launch(&t, dir.path()).start("a").await, launch(&t, dir.path()).start("b").await];
        let client = reqwest::Client::new();
        let admin = token(Role::Admin);
        let lead = ok(&client, &servers[0].url, &admin, "mutation { createOrganization(input: { name: \"SONet BOTNIA\", kind: COMPETENCE_CENTRE }) { id } }", json!({})).await["createOrganization"]["id"].clone();
        let mut tasks = Vec::new();
        for i in 0..16 {
            let (client, admin, url, lead) = (client.clone(), admin.clone(), servers[i % 2].url.clone(), lead.clone());
            tasks.push(tokio::spawn(async move {
                let input = json!({ "name": "Kansa-koulu III", "leadId": lead, "idempotencyKey": "kk3-2020" });
                ok(&client, &url, &admin, "mutation($input: CreateApplicationInput!) { createApplication(input: $input) { id } }", json!({ "input": input })).await["createApplication"]["id"].clone()
            }));
        }
        let mut ids = Vec::new();
        for task in tasks {
            ids.push(task.await.unwrap());
        }
        assert!(ids.windows(2).all(|w| w[0] == w[1]), "one result for every replay: {ids:?}");
        let count = ok(&client, &servers[1].url, &admin, "{ applications { totalCount } }", json!({})).await;
        assert_eq!(count["applications"]["totalCount"], 1);
    }
}
