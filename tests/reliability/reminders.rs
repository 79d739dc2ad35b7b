//! Reminders across processes: two servers on one database, each with its reminder worker, and a
//! burst of deadlines crossing their lead times: every reminder arrives exactly once. A server
//! killed (SIGKILL) mid-batch again and again, and the mail server away for a while: nothing is
//! lost, and repeats are at most the kills.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use salkku_domain::Role;
use salkku_e2e::on_both;
use salkku_e2e::process::{Launch, graphql, outcome, token};
use salkku_e2e::smtp::{Received, SmtpServer};
use serde_json::json;

use crate::launch;

const ADD: &str = "mutation($input: AddDeadlineInput!) { addDeadline(input: $input) { id } }";

/// A server whose reminder worker sends through `smtp`, looking often; `timeout_ms` bounds an
/// exchange with the mail server, and a claim's lease is eight times it.
fn reminding(launch: Launch, smtp: &SmtpServer, timeout_ms: u64) -> Launch {
    launch
        .with("SALKKU_SMTP_HOST", "127.0.0.1")
        .with("SALKKU_SMTP_PORT", &smtp.port.to_string())
        .with("SALKKU_SMTP_TLS", "none")
        .with("SALKKU_SMTP_FROM", "salkku@example.fi")
        .with("SALKKU_SMTP_TIMEOUT_MS", &timeout_ms.to_string())
        .with("SALKKU_REMINDER_INTERVAL_MS", "100")
        .with("SALKKU_REMINDER_RETRY_MS", "200")
}

/// Sets the admin's reminders (every deadline, 14 days ahead, each at once) through `url`.
async fn remind_me(client: &reqwest::Client, url: &str) {
    let input = json!({ "email": "seuranta@example.fi", "language": "EN", "leadDays": [14], "overdue": false });
    let (_, body) = graphql(
        client,
        url,
        &token(Role::Admin),
        "mutation($input: SetReminderSettingsInput!) { setReminderSettings(input: $input) { version } }",
        json!({ "input": input }),
    )
    .await
    .unwrap();
    assert_eq!(outcome(&body), "OK", "{body}");
}

/// Adds `n` deadlines due in ten days (inside the 14-day lead time), named `prefix-1` …
async fn burst(client: &reqwest::Client, url: &str, prefix: &str, n: usize) {
    let due = (chrono::Utc::now() + chrono::Duration::days(10)).to_rfc3339();
    for i in 1..=n {
        let input = json!({ "title": format!("{prefix}-{i}"), "dueAt": due });
        let (_, body) = graphql(client, url, &token(Role::Admin), ADD, json!({ "input": input })).await.unwrap();
        assert_eq!(outcome(&body), "OK", "{body}");
    }
}

/// How many times each deadline's reminder arrived, by title.
fn tally(received: &[Received]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for message in received {
        let title = message.subject.trim_start_matches("Reminder: ").split(' ').next().unwrap_or("").to_owned();
        *counts.entry(title).or_insert(0) += 1;
    }
    counts
}

on_both! {
    async fn two_servers_send_every_reminder_of_a_burst_exactly_once(t: TestDatabase) {
        let dir = tempfile::tempdir().unwrap();
        let smtp = SmtpServer::start();
        // A long lease: no claim runs out under a loaded machine, so nothing may come twice.
        let first = reminding(launch(&t, dir.path()), &smtp, 2_000).start("first").await;
        let second = reminding(launch(&t, dir.path()), &smtp, 2_000).start("second").await;
        let client = reqwest::Client::new();
        // The deadlines first, then the reminders: every reminder falls due at once, for both.
        const N: usize = 40;
        burst(&client, &second.url, "burst", N).await;
        remind_me(&client, &first.url).await;

        let received = smtp.wait_for(N, Duration::from_secs(60)).await;
        // Both workers went on for a while: still nothing twice.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let received = if received.len() >= N { smtp.received() } else { received };
        let counts = tally(&received);
        assert_eq!(counts.len(), N, "every reminder arrived: {counts:?}");
        assert!(counts.values().all(|n| *n == 1), "none twice: {counts:?}");
        let ids: std::collections::BTreeSet<&str> = received.iter().map(|m| m.message_id.as_str()).collect();
        assert_eq!(ids.len(), N);
        assert!(first.log().contains("reminders by email are on") && second.log().contains("reminders by email are on"));
    }

    async fn a_sender_killed_again_and_again_and_a_mail_server_away_lose_nothing(t: TestDatabase) {
        let dir = tempfile::tempdir().unwrap();
        let mut smtp = SmtpServer::start();
        // A short lease, so that the claims of the killed run out within the test.
        let reminded = reminding(launch(&t, dir.path()), &smtp, 500);
        let client = reqwest::Client::new();
        let mut server = reminded.start("sender").await;
        const N: usize = 60;
        burst(&client, &server.url, "kill", N).await;
        remind_me(&client, &server.url).await;

        // Killed mid-batch, the first time as the first reminder arrives, and again and again;
        // the mail server away for a while in between.
        let first = smtp.wait_for(1, Duration::from_secs(30)).await.len();
        assert!(first < N, "the kills begin while reminders are being sent");
        let mut kills = 0;
        let started = Instant::now();
        for round in 0..6 {
            tokio::time::sleep(Duration::from_millis(20 + 60 * round)).await;
            server.kill();
            kills += 1;
            if round == 2 {
                smtp.stop();
            }
            if round == 4 {
                smtp.resume();
            }
            server = reminded.start("sender").await;
        }
        if started.elapsed() > Duration::from_secs(60) {
            panic!("the kills took too long");
        }
        // Left alone, it sends the rest: claims of the killed ones run out, failures are retried.
        // Repeats count among the messages received, so wait for every reminder, not a number.
        let waited = Instant::now();
        while tally(&smtp.received()).len() < N && waited.elapsed() < Duration::from_secs(90) {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let received = smtp.received();
        let counts = tally(&received);
        assert_eq!(counts.len(), N, "nothing lost: {counts:?}\n{}", server.log());
        let repeats: usize = counts.values().map(|n| n - 1).sum();
        assert!(repeats <= kills, "{repeats} repeats after {kills} kills: {counts:?}");
        // A repeat is the same message: the same Message-ID.
        let ids: std::collections::BTreeSet<&str> = received.iter().map(|m| m.message_id.as_str()).collect();
        assert_eq!(ids.len(), N);
    }
}
