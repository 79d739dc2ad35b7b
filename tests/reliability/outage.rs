//! PostgreSQL goes away and comes back: requests fail fast with INTERNAL and `/readyz` says so
//! while it is gone; service resumes without restarting salkku. The outage is made by a TCP proxy
//! of the test's own between salkku and the shared server, so no other test is disturbed.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use salkku_domain::Role;
use salkku_e2e::process::{graphql, outcome, token};
use salkku_e2e::{Store, TestDatabase};
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::launch;

/// Forwards connections on `addr` to PostgreSQL until dropped or stopped.
struct Proxy {
    tasks: JoinSet<()>,
}

impl Proxy {
    async fn start(addr: SocketAddr, upstream: SocketAddr) -> Proxy {
        let listener = loop {
            // The port may take a moment to be free again after a stop.
            match TcpListener::bind(addr).await {
                Ok(l) => break l,
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        };
        let mut tasks = JoinSet::new();
        tasks.spawn(async move {
            let mut connections = JoinSet::new();
            while let Ok((mut client, _)) = listener.accept().await {
                connections.spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
        Proxy { tasks }
    }

    /// Closes the port and every connection through it.
    fn stop(mut self) {
        self.tasks.abort_all();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restart_fails_fast_and_recovers_without_restarting_salkku() {
    let Some(database) = TestDatabase::new(Store::Postgres).await else { return };
    let upstream: SocketAddr = "127.0.0.1:5432".parse().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let proxy = Proxy::start(port, upstream).await;
    let via_proxy = database.url.replace("127.0.0.1:5432", &port.to_string());
    assert_ne!(via_proxy, database.url, "the test database is reached through 127.0.0.1:5432");

    let dir = tempfile::tempdir().unwrap();
    let mut launch = launch(&database, dir.path());
    launch.database_url = via_proxy;
    let server = launch.start("through-proxy").await;
    let client = reqwest::Client::new();
    let admin = token(Role::Admin);
    let create = "mutation($name: String!) { createOrganization(input: { name: $name, kind: NGO }) { id } }";
    let (_, body) = graphql(&client, &server.url, &admin, create, json!({ "name": "ennen" })).await.unwrap();
    assert_eq!(outcome(&body), "OK");

    // The database goes away.
    proxy.stop();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    let (status, body) =
        graphql(&client, &server.url, &admin, create, json!({ "name": "katkon aikana" })).await.unwrap();
    assert_eq!(outcome(&body), "INTERNAL", "{status}: {body:#}");
    assert!(started.elapsed() < Duration::from_secs(5), "fails fast, not after a long hang: {:?}", started.elapsed());
    let ready = client.get(format!("{}/readyz", server.url)).send().await.unwrap();
    assert_eq!(ready.status().as_u16(), 503);

    // It comes back; salkku serves again by itself.
    let _proxy = Proxy::start(port, upstream).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, body) = graphql(&client, &server.url, &admin, create, json!({ "name": "jälkeen" })).await.unwrap();
        if outcome(&body) == "OK" {
            break;
        }
        assert!(Instant::now() < deadline, "no recovery: {body:#}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(client.get(format!("{}/readyz", server.url)).send().await.unwrap().status().as_u16(), 200);
    let (_, names) =
        graphql(&client, &server.url, &admin, "{ organizations { nodes { name } } }", json!({})).await.unwrap();
    let names: Vec<&str> = names["data"]["organizations"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ennen", "jälkeen"], "the write during the outage left nothing");
}
