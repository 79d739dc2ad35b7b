//! The `salkku` binary as people run it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed step should stop the test loudly

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn salkku() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_salkku"));
    for var in [
        "SALKKU_DATABASE_URL",
        "SALKKU_JWT_SECRET",
        "SALKKU_ADDR",
        "SALKKU_NOW",
        "SALKKU_JWT_ISSUER",
        "SALKKU_JWT_AUDIENCE",
    ] {
        command.env_remove(var);
    }
    command
}

#[test]
fn the_committed_schema_is_what_the_code_exports() {
    let output = salkku().arg("schema").output().unwrap();
    assert!(output.status.success());
    let exported = String::from_utf8(output.stdout).unwrap();
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../schema.graphql")).unwrap();
    assert!(
        exported == committed,
        "schema.graphql is out of date: run `cargo run -q -- schema > schema.graphql` and commit it"
    );
}

#[test]
fn a_token_is_printed_alone_on_stdout() {
    let output = salkku()
        .args(["token", "--role", "finance", "--subject", "arto", "--ttl", "60"])
        .env("SALKKU_JWT_SECRET", "a-test-secret-that-is-long-enough-for-hs256")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].split('.').count(), 3, "a JWT has three parts: {stdout}");
}

#[test]
fn serving_without_a_secret_is_refused_outside_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let output = salkku().args(["serve", "--addr", "127.0.0.1:0"]).current_dir(dir.path()).output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("SALKKU_JWT_SECRET"));
}

#[test]
fn a_token_with_an_unknown_role_is_refused() {
    let output = salkku().args(["token", "--role", "pirate"]).output().unwrap();
    assert!(!output.status.success());
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits until `file` holds a line that `find` accepts.
async fn wait_for_line(file: &std::path::Path, find: impl Fn(&str) -> Option<String>) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        if let Some(found) = text.lines().find_map(&find) {
            return found;
        }
        assert!(Instant::now() < deadline, "{} never said what was expected:\n{text}", file.display());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `salkku serve --demo` in `dir` with `env`: the server, its address and a ministry token.
async fn serve_demo(dir: &std::path::Path, env: &[(&str, &str)]) -> (Server, String, String) {
    let (out, err) = (dir.join("stdout.txt"), dir.join("stderr.txt"));
    let mut command = salkku();
    command.args(["serve", "--demo", "--addr", "127.0.0.1:0"]).env("RUST_LOG", "info").current_dir(dir);
    for (key, value) in env {
        command.env(key, value);
    }
    let child = command
        .stdout(Stdio::from(std::fs::File::create(&out).unwrap()))
        .stderr(Stdio::from(std::fs::File::create(&err).unwrap()))
        .spawn()
        .unwrap();
    let server = Server(child);
    // The log names the address once the server listens; the tokens follow on stdout.
    let url = wait_for_line(&err, |line| {
        let at = line.find("http://")?;
        let rest = &line[at..];
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || ":/.".contains(c))).unwrap_or(rest.len());
        Some(rest[..end].to_owned())
    })
    .await;
    let ministry = wait_for_line(&out, |line| line.strip_prefix("MINISTRY=").map(str::to_owned)).await;
    (server, url, ministry)
}

#[tokio::test]
async fn serve_demo_starts_on_an_empty_directory_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, url, ministry) = serve_demo(dir.path(), &[]).await;

    let client = reqwest::Client::new();
    let health = client.get(format!("{url}/healthz")).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
    let me: serde_json::Value = client
        .post(format!("{url}/graphql"))
        .bearer_auth(&ministry)
        .json(&serde_json::json!({ "query": "{ me { role organization { name } } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["data"]["me"]["role"], "MINISTRY");
    assert_eq!(me["data"]["me"]["organization"]["name"], "Sosiaali- ja terveysministeriö");
    assert!(dir.path().join("salkku.db").exists(), "the embedded default is salkku.db in the working directory");
}

#[test]
fn long_commands_report_progress_in_plain_lines_off_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let url = |name: &str| format!("sqlite://{}?mode=rwc", dir.path().join(name).display());
    let seeded =
        salkku().args(["--database-url", &url("a.db"), "seed", "--synthetic", "2500", "--seed", "3"]).output().unwrap();
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    let stderr = String::from_utf8_lossy(&seeded.stderr);
    assert!(stderr.contains("applications: 2000/2500") && stderr.contains("applications: 2500/2500"), "{stderr}");
    assert!(!stderr.contains('\r'), "no redrawing off a terminal");
    assert!(String::from_utf8_lossy(&seeded.stdout).contains("2500 applications"));

    let file = dir.path().join("export.json");
    let exported = salkku().args(["--database-url", &url("a.db"), "export", "--output"]).arg(&file).output().unwrap();
    assert!(exported.status.success());
    let stderr = String::from_utf8_lossy(&exported.stderr);
    assert!(stderr.contains("budget_lines: "), "{stderr}");

    let imported = salkku().args(["--database-url", &url("b.db"), "import"]).arg(&file).output().unwrap();
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let stderr = String::from_utf8_lossy(&imported.stderr);
    assert!(stderr.contains("applications: 2500/2500"), "{stderr}");

    let again = salkku().args(["--database-url", &url("b.db"), "seed", "--synthetic", "5"]).output().unwrap();
    assert!(!again.status.success(), "a database that holds data is refused");
}

/// A stand-in OpenTelemetry collector: answers every OTLP/HTTP POST with 200 and keeps the
/// paths and bodies it was sent.
/// What the collector was sent: (path, body) per request.
#[cfg(feature = "otel")]
type Posts = std::sync::Arc<std::sync::Mutex<Vec<(String, Vec<u8>)>>>;

#[cfg(feature = "otel")]
fn collector() -> (String, Posts) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = received.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap_or_default();
            let mut length = 0_usize;
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                    break;
                }
                if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap_or_default();
            let path = request_line.split_whitespace().nth(1).unwrap_or("").to_owned();
            keep.lock().unwrap().push((path, body));
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n");
        }
    });
    (url, received)
}

#[cfg(feature = "otel")]
#[tokio::test]
async fn with_the_otel_feature_spans_go_to_the_collector() {
    let (collector_url, received) = collector();
    let dir = tempfile::tempdir().unwrap();
    let env = [("OTEL_EXPORTER_OTLP_ENDPOINT", collector_url.as_str()), ("OTEL_BSP_SCHEDULE_DELAY", "100")];
    let (_server, url, ministry) = serve_demo(dir.path(), &env).await;
    let answer = reqwest::Client::new()
        .post(format!("{url}/graphql"))
        .bearer_auth(&ministry)
        .json(&serde_json::json!({ "query": "query PortfolioTotals { portfolio { totalCost } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let sent = received.lock().unwrap().clone();
        let traces: Vec<&Vec<u8>> = sent.iter().filter(|(path, _)| path == "/v1/traces").map(|(_, b)| b).collect();
        let has = |needle: &[u8]| traces.iter().any(|b| b.windows(needle.len()).any(|w| w == needle));
        if has(b"PortfolioTotals") && has(b"salkku") {
            break;
        }
        assert!(Instant::now() < deadline, "no span of the operation reached the collector: {} posts", sent.len());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
