//! The GraphQL over HTTP specification's own audit (the npm package graphql-http) against the real
//! server: every MUST, SHOULD and MAY check passes.

use std::path::{Path, PathBuf};
use std::process::Command;

use salkku_e2e::{TestApp, on_both};
use serde_json::Value;

fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A directory whose `node_modules` holds the npm package `graphql-http`.
fn audit_package() -> Option<PathBuf> {
    let candidates = [
        std::env::var("SALKKU_CONTRACT_NODE_DIR").ok().map(PathBuf::from),
        std::env::var("HOME").ok().map(|h| Path::new(&h).join(".cache/salkku/node")),
    ];
    candidates.into_iter().flatten().find(|dir| dir.join("node_modules/graphql-http/package.json").exists())
}

on_both! {
    async fn the_graphql_over_http_audit_passes_every_check(t: TestDatabase) {
        let node_works = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
        let Some(dir) = audit_package().filter(|_| node_works) else {
            assert!(!under_ci(), "CI needs Node and the npm package graphql-http (.ci/run installs them)");
            eprintln!("note: Node or the npm package graphql-http is missing; skipping the audit");
            return;
        };
        let app = TestApp::start(t).await;
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("contract/graphql-http-audit.mjs");
        let url = format!("{}/graphql", app.url);
        let token = app.admin();
        // On the blocking pool: the server answers the audit from this test's runtime.
        let output = tokio::task::spawn_blocking(move || {
            Command::new("node").arg(&script).arg(&url).arg(&token).current_dir(&dir).output()
        })
        .await
        .unwrap()
        .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
        let report: Value = serde_json::from_str(stdout.trim()).unwrap();
        assert!(report["total"].as_u64() >= Some(40), "the audit ran: {report:#}");
        assert_eq!(report["ok"], report["total"], "{report:#}");
    }
}
