//! Real `salkku serve` processes: started, stopped with SIGTERM, killed with SIGKILL, restarted on
//! the same database — for the reliability suite.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use salkku_api::auth::Tokens;
use salkku_api::config::JwtSettings;
use salkku_domain::Role;
use serde_json::{Value, json};

/// The secret every process of a test shares.
pub const SECRET: &str = "reliability-suite-secret-0123456789abcdef";

/// A running server process.
pub struct Server {
    child: Option<Child>,
    pub url: String,
    log: PathBuf,
}

/// How a server is started.
#[derive(Debug, Clone)]
pub struct Launch {
    pub binary: PathBuf,
    pub database_url: String,
    pub dir: PathBuf,
    /// Extra environment, e.g. the shutdown timings.
    pub env: Vec<(String, String)>,
}

impl Launch {
    pub fn new(binary: &str, database_url: &str, dir: &Path) -> Launch {
        Launch { binary: binary.into(), database_url: database_url.to_owned(), dir: dir.to_owned(), env: Vec::new() }
    }

    pub fn with(mut self, key: &str, value: &str) -> Launch {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Starts a server and waits until it answers `/healthz`.
    pub async fn start(&self, name: &str) -> Server {
        let log = self.dir.join(format!("{name}-{}.log", Utc::now().timestamp_nanos_opt().unwrap_or(0)));
        let mut command = Command::new(&self.binary);
        command
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env("SALKKU_DATABASE_URL", &self.database_url)
            .env("SALKKU_JWT_SECRET", SECRET)
            .env("SALKKU_NOW", "system")
            .env("RUST_LOG", "info")
            .env_remove("SALKKU_ADDR")
            .current_dir(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::from(std::fs::File::create(&log).expect("a log file")));
        for (k, v) in &self.env {
            command.env(k, v);
        }
        let child = command.spawn().expect("start salkku");
        let deadline = Instant::now() + Duration::from_secs(30);
        let url = loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            // Plain logs say url=http://…, JSON logs "url":"http://…".
            let found =
                text.find("url=http://").map(|at| at + 4).or_else(|| text.find("\"url\":\"http://").map(|at| at + 7));
            if let Some(at) = found {
                let rest = &text[at..];
                let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || ":/.".contains(c))).unwrap_or(rest.len());
                break rest[..end].to_owned();
            }
            assert!(Instant::now() < deadline, "the server did not start:\n{text}");
            tokio::time::sleep(Duration::from_millis(25)).await;
        };
        Server { child: Some(child), url, log }
    }
}

impl Server {
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill").args([name, &self.pid().to_string()]).status().expect("kill");
        assert!(status.success(), "kill {name} failed");
    }

    /// SIGKILL: no chance to clean up.
    pub fn kill(&mut self) {
        self.signal("-KILL");
        if let Some(mut child) = self.child.take() {
            let _ = child.wait();
        }
    }

    /// SIGTERM: a graceful stop.
    pub fn terminate(&self) {
        self.signal("-TERM");
    }

    /// Waits for the process to end; its exit status and how long that took.
    pub async fn wait(&mut self, limit: Duration) -> (Option<std::process::ExitStatus>, Duration) {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                self.child = None;
                return (Some(status), started.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        (None, started.elapsed())
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A token every process accepts.
pub fn token(role: Role) -> String {
    let tokens = Tokens::new(&JwtSettings::hs256(SECRET)).expect("tokens");
    tokens.mint("reliability", role, None, chrono::Duration::hours(1), Utc::now()).expect("a token")
}

/// One GraphQL request; `None` when the server could not be reached at all.
pub async fn graphql(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> Option<(u16, Value)> {
    let response = client
        .post(format!("{url}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .ok()?;
    let status = response.status().as_u16();
    let body = response.json::<Value>().await.ok()?;
    Some((status, body))
}

/// The code of the first error, or "OK".
pub fn outcome(body: &Value) -> String {
    body["errors"][0]["extensions"]["code"].as_str().map_or_else(|| "OK".to_owned(), str::to_owned)
}
