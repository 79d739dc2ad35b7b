//! The exported schema honours the public API contract (`shared/api-contract.graphql`), checked
//! by the contract's own tool (`contract-check.mjs`, Node and the npm package `graphql`).
//!
//! Copies of the contract and the tool live in `tests/contract/` so that a clone checks itself;
//! when `../shared/` sits beside the clone, the copies must equal it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed step should stop the test loudly

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

#[test]
fn the_vendored_contract_is_the_shared_one() {
    for (shared, vendored) in
        [("api-contract.graphql", "api-contract.graphql"), ("tools/contract-check.mjs", "contract-check.mjs")]
    {
        let shared = root().join("../shared").join(shared);
        let Ok(original) = std::fs::read_to_string(&shared) else {
            eprintln!("note: {} is not here; checking against the vendored copy only", shared.display());
            continue;
        };
        let copy = std::fs::read_to_string(root().join("tests/contract").join(vendored)).unwrap();
        assert!(
            original == copy,
            "{} changed: copy it into tests/contract/ and bring the schema in line",
            shared.display()
        );
    }
}

/// A directory whose `node_modules` holds the npm package `graphql`.
fn graphql_package() -> Option<PathBuf> {
    let candidates = [
        std::env::var("SALKKU_CONTRACT_NODE_DIR").ok().map(PathBuf::from),
        std::env::var("HOME").ok().map(|h| Path::new(&h).join(".cache/salkku/node")),
        Some(root()),
    ];
    candidates.into_iter().flatten().find(|dir| dir.join("node_modules/graphql/package.json").exists())
}

#[test]
fn schema_graphql_honours_the_contract() {
    let node_works = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    let Some(dir) = graphql_package().filter(|_| node_works) else {
        assert!(!under_ci(), "CI needs Node and the npm package graphql (.ci/run installs them)");
        eprintln!("note: Node or the npm package graphql is missing; skipping the contract check");
        return;
    };
    let output = Command::new("node")
        .arg(root().join("tests/contract/contract-check.mjs"))
        .arg(root().join("tests/contract/api-contract.graphql"))
        .arg(root().join("schema.graphql"))
        .current_dir(&dir)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the schema breaks the contract:\n{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(report.contains(" 0 problems"), "{report}");
}
