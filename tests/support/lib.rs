//! The real application on a random port with a fresh database, and a client that speaks
//! GraphQL to it — the way a front end does.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test support: a broken harness should stop the test loudly

pub mod process;
pub mod smtp;

use std::net::SocketAddr;

use chrono::{DateTime, Duration, Utc};
use salkku_api::config::Clock;
use salkku_api::config::Settings;
use std::sync::Arc;
use std::sync::Mutex;

use salkku_api::{App, AppState, state_from};
use salkku_domain::Role;
use salkku_domain::ids::OrganizationId;
use salkku_persistence::Db;
use salkku_persistence::DbSettings;
pub use salkku_test_db::{Store, TestDatabase, on_both};
use serde_json::{Value, json};

/// Sends a request, with a bearer token when one is given, and reads the answer.
async fn send(mut request: reqwest::RequestBuilder, token: Option<&str>) -> Answer {
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("send the request");
    let status = response.status().as_u16();
    let body = response.json::<Value>().await.expect("a JSON body");
    Answer { status, body }
}

/// A running salkku and its database.
pub struct TestApp {
    pub url: String,
    pub client: reqwest::Client,
    pub state: AppState,
    statements: Arc<Mutex<Vec<u64>>>,
    database_url: String,
    /// The database lives as long as the app that made it; a second instance over the same
    /// database holds none.
    _database: Option<TestDatabase>,
}

/// A GraphQL answer: the HTTP status and the JSON body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    /// `data`, after checking there were no errors.
    pub fn data(&self) -> &Value {
        assert!(self.body.get("errors").is_none(), "unexpected errors: {:#}", self.body);
        &self.body["data"]
    }

    /// The codes of the errors, in order.
    pub fn codes(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors.iter().map(|e| e["extensions"]["code"].as_str().unwrap_or("(none)").to_owned()).collect()
            })
            .unwrap_or_default()
    }

    /// The first error, which must carry `code`.
    pub fn error(&self, code: &str) -> &Value {
        let first = &self.body["errors"][0];
        assert_eq!(first["extensions"]["code"], code, "{:#}", self.body);
        first
    }
}

/// A client that asks for English: tests read the English messages and labels; the tests of
/// Finnish (the default) and Swedish ask for those, or send no Accept-Language at all.
fn english_client() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::ACCEPT_LANGUAGE, reqwest::header::HeaderValue::from_static("en"));
    // As a GraphQL over HTTP client asks: the statuses tell request errors apart.
    headers.insert(
        reqwest::header::ACCEPT,
        reqwest::header::HeaderValue::from_static("application/graphql-response+json"),
    );
    reqwest::Client::builder().default_headers(headers).build().expect("an HTTP client")
}

impl TestApp {
    /// Starts salkku on `database` with its clock fixed at `now`.
    pub async fn start_at(database: TestDatabase, now: DateTime<Utc>) -> TestApp {
        Self::start_configured(database, now, |_| {}).await
    }

    /// Starts salkku with settings adjusted by `configure`.
    pub async fn start_configured(
        database: TestDatabase,
        now: DateTime<Utc>,
        configure: impl FnOnce(&mut Settings),
    ) -> TestApp {
        let mut app = Self::launch(&database.url, now, configure).await;
        app._database = Some(database);
        app
    }

    /// A further instance over a database another app holds: the two serve one portfolio.
    pub async fn start_configured_on(database_url: &str, now: DateTime<Utc>) -> TestApp {
        Self::launch(database_url, now, |_| {}).await
    }

    /// A further instance over a database another app holds, with settings adjusted by
    /// `configure` (a later clock, a mail server).
    pub async fn start_on(database_url: &str, now: DateTime<Utc>, configure: impl FnOnce(&mut Settings)) -> TestApp {
        Self::launch(database_url, now, configure).await
    }

    async fn launch(database_url: &str, now: DateTime<Utc>, configure: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = Settings::local(database_url.to_owned());
        settings.addr = SocketAddr::from(([127, 0, 0, 1], 0));
        settings.clock = Clock::Fixed(now);
        settings.workers = 2;
        // The lists' sizes are measured again only when a test asks (statements are counted).
        settings.limits.sizes_every = std::time::Duration::from_secs(3600);
        configure(&mut settings);
        let mut db = Db::connect(&DbSettings::new(settings.database_url.clone())).await.expect("connect");
        // Each statement's text, kept as a hash: a bulk load's statements are large.
        let statements = Arc::new(Mutex::new(Vec::new()));
        let seen = statements.clone();
        db.set_statement_observer(move |sql| {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            std::hash::Hash::hash(sql, &mut hasher);
            seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(std::hash::Hasher::finish(&hasher));
        });
        let state = state_from(db, &settings).await.expect("the app's state");
        let app =
            App::bind(state.clone(), settings.addr, settings.workers, settings.shutdown).expect("bind a free port");
        let url = format!("http://{}", app.addr());
        tokio::spawn(app.run_until_stopped());
        let database_url = database_url.to_owned();
        TestApp { url, client: english_client(), state, statements, database_url, _database: None }
    }

    /// Starts salkku as of 19 May 2020, the demo's present.
    pub async fn start(database: TestDatabase) -> TestApp {
        Self::start_at(database, salkku_demo::demo::demo_now()).await
    }

    /// Starts salkku with the demo portfolio.
    pub async fn start_with_demo(database: TestDatabase) -> TestApp {
        let app = Self::start(database).await;
        salkku_demo::demo::seed(app.db()).await.expect("seed the demo");
        // As `serve --demo` does: the lists' sizes, measured at start on an empty database,
        // measured again on the demo.
        app.state.schema.measure_lists(app.db()).await.expect("measure the lists");
        app
    }

    /// Where the app's database is, for a second connection of a test's own.
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// How many SQL statements the server has run so far.
    pub fn statements(&self) -> usize {
        self.statements.lock().unwrap_or_else(std::sync::PoisonError::into_inner).len()
    }

    /// The texts (as hashes) of the statements the server ran after the first `from`, in order:
    /// the same for two requests that differ only in the keys they name when every key is bound
    /// as a parameter, so that the database prepares and plans each statement once.
    pub fn statement_texts(&self, from: usize) -> Vec<u64> {
        let texts = self.statements.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        texts.get(from..).map(<[u64]>::to_vec).unwrap_or_default()
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// A token for `role`, acting for `org`.
    pub fn token(&self, role: Role, org: Option<OrganizationId>) -> String {
        let subject = format!("{role}-tester").to_lowercase();
        self.state.tokens.mint(&subject, role, org, Duration::hours(1), Utc::now()).expect("mint a token")
    }

    pub fn admin(&self) -> String {
        self.token(Role::Admin, None)
    }

    /// Sends a GraphQL request with POST and JSON, as a front end does.
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Answer {
        let request =
            self.client.post(format!("{}/graphql", self.url)).json(&json!({ "query": query, "variables": variables }));
        send(request, token).await
    }

    /// Attaches a file to `owner` by the GraphQL multipart request specification, as a browser's
    /// upload does.
    pub async fn upload(&self, token: Option<&str>, owner: &str, file_name: &str, bytes: Vec<u8>) -> Answer {
        let operations = json!({
            "query": "mutation($input: AttachDocumentInput!) { attachDocument(input: $input) { id fileName mediaType sizeBytes sha256 url } }",
            "variables": { "input": { "ownerId": owner, "file": null } },
        });
        let form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", json!({ "0": ["variables.input.file"] }).to_string())
            .part("0", reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()));
        send(self.client.post(format!("{}/graphql", self.url)).multipart(form), token).await
    }

    /// Sends a GraphQL request in `language` (an Accept-Language value), or with no
    /// Accept-Language at all.
    pub async fn graphql_in(
        &self,
        language: Option<&str>,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Answer {
        let body = json!({ "query": query, "variables": variables });
        let mut request = reqwest::Client::new()
            .post(format!("{}/graphql", self.url))
            .header(reqwest::header::ACCEPT, "application/graphql-response+json")
            .json(&body);
        if let Some(language) = language {
            request = request.header(reqwest::header::ACCEPT_LANGUAGE, language);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("send the request");
        let status = response.status().as_u16();
        Answer { status, body: response.json::<Value>().await.expect("a JSON body") }
    }

    /// Sends a request that must succeed; returns its `data`.
    pub async fn ok(&self, token: &str, query: &str, variables: Value) -> Value {
        let answer = self.graphql(Some(token), query, variables).await;
        assert_eq!(answer.status, 200, "{:#}", answer.body);
        answer.data().clone()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.url)).send().await.expect("send the request")
    }
}
