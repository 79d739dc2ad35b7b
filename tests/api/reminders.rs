//! Reminders that arrive: set through the API, queued in the outbox by the server's own worker,
//! and sent through a real SMTP server (aiosmtpd on loopback), read back as received.

use std::collections::BTreeSet;
use std::time::Duration;

use salkku_api::config::{MailSettings, SmtpTls};
use salkku_domain::Role;
use salkku_domain::ids::OrganizationId;
use salkku_domain::reminder::EmailAddress;
use salkku_e2e::smtp::SmtpServer;
use salkku_e2e::{TestApp, on_both};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

const SET: &str = "mutation($input: SetReminderSettingsInput!) { setReminderSettings(input: $input) { email language leadDays overdue digestAt kinds organization { name } version } }";
const OUTBOX: &str = "{ reminderOutbox(first: 100) { id subject to status attempts lastError sentAt digestDay } }";

fn mail(server: &SmtpServer) -> MailSettings {
    MailSettings {
        host: "127.0.0.1".into(),
        port: server.port,
        tls: SmtpTls::None,
        user: None,
        password: None,
        from: EmailAddress::parse("salkku@example.fi").unwrap(),
        interval: Duration::from_millis(100),
        timeout: Duration::from_secs(5),
        retry: Duration::from_secs(60),
        ca_pem: None,
    }
}

async fn demo_with_mail(t: salkku_e2e::TestDatabase, server: &SmtpServer) -> TestApp {
    let settings = mail(server);
    let app = TestApp::start_configured(t, salkku_demo::demo::demo_now(), move |s| s.mail = Some(settings)).await;
    salkku_demo::demo::seed(app.db()).await.unwrap();
    app
}

async fn organization(app: &TestApp, name: &str) -> OrganizationId {
    let all = app.ok(&app.admin(), "{ organizations(first: 100) { nodes { id name } } }", json!({})).await;
    let id =
        all["organizations"]["nodes"].as_array().unwrap().iter().find(|o| o["name"] == name).unwrap()["id"].clone();
    OrganizationId::from_global(id.as_str().unwrap()).unwrap()
}

/// Waits until the outbox holds no queued message (or gives up after a while).
async fn settled(app: &TestApp) -> Value {
    for _ in 0..100 {
        let outbox = app.ok(&app.admin(), OUTBOX, json!({})).await;
        let queued = outbox["reminderOutbox"].as_array().unwrap().iter().any(|m| m["status"] == "QUEUED");
        if !queued {
            return outbox;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the outbox did not empty")
}

on_both! {
    async fn a_coordinator_is_reminded_once_of_each_deadline_coming_in_english_with_its_calendar(t: TestDatabase) {
        let server = SmtpServer::start();
        let app = demo_with_mail(t, &server).await;
        let sonet = organization(&app, "SONet BOTNIA").await;
        let coordinator = app.token(Role::Coordinator, Some(sonet));
        // Nothing is sent before anyone asks.
        assert_eq!(app.ok(&coordinator, "{ reminderSettings { email } }", json!({})).await["reminderSettings"], Value::Null);

        let input = json!({ "email": "auli.romppainen@example.fi", "language": "EN", "leadDays": [1, 30, 14] });
        let set = app.ok(&coordinator, SET, json!({ "input": input })).await;
        assert_eq!(set["setReminderSettings"], json!({
            "email": "auli.romppainen@example.fi", "language": "EN", "leadDays": [30, 14, 1], "overdue": true,
            "digestAt": null, "kinds": [], "organization": { "name": "SONet BOTNIA" }, "version": 1,
        }));

        // Every deadline of SONet's due within 30 days, each in a message of its own.
        let sonet_id = sonet.global();
        let upcoming = app.ok(&coordinator, "query($org: ID!) { upcomingDeadlines(withinDays: 30, includeOverdue: false, filter: { organizationId: $org }) { title localDue } }", json!({ "org": sonet_id })).await;
        let expected: BTreeSet<String> = upcoming["upcomingDeadlines"].as_array().unwrap().iter()
            .map(|d| format!("Reminder: {} {} (Helsinki time)", d["title"].as_str().unwrap(), d["localDue"].as_str().unwrap()))
            .collect();
        assert!(expected.len() >= 2, "{expected:?}");
        let received = server.wait_for(expected.len(), Duration::from_secs(30)).await;
        let subjects: BTreeSet<String> = received.iter().map(|m| m.subject.clone()).collect();
        assert_eq!(subjects, expected);
        let first = &received[0];
        assert_eq!(first.to, "auli.romppainen@example.fi");
        assert!(first.message_id.starts_with("<reminder-") && first.message_id.ends_with("@example.fi>"), "{}", first.message_id);
        assert!(first.body.contains("(Helsinki time)") && first.body.contains("in "), "{}", first.body);
        let calendar = first.calendar.as_deref().expect("the deadline as an iCalendar attachment");
        assert!(calendar.contains("BEGIN:VEVENT") && calendar.contains("METHOD:PUBLISH"), "{calendar}");

        // None twice: rounds go on, and nothing more arrives.
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(server.received().len(), expected.len());
        let outbox = settled(&app).await;
        let messages = outbox["reminderOutbox"].as_array().unwrap();
        assert_eq!(messages.len(), expected.len());
        assert!(messages.iter().all(|m| m["status"] == "SENT" && m["attempts"] == 1 && m["subject"] == "coordinator-tester"));
        let ids: BTreeSet<String> = received.iter().map(|m| m.message_id.clone()).collect();
        assert_eq!(ids.len(), received.len(), "every message its own Message-ID");

        // The outbox is the admins'.
        app.graphql(Some(&coordinator), OUTBOX, json!({})).await.error("FORBIDDEN");
        app.graphql(Some(&app.token(Role::Finance, None)), OUTBOX, json!({})).await.error("FORBIDDEN");

        // Bad settings are refused with the field at fault, and change nothing.
        for (input, field) in [
            (json!({ "email": "Auli <auli@example.fi>" }), "email"),
            (json!({ "email": "auli@example.fi", "leadDays": [400] }), "leadDays"),
            (json!({ "email": "auli@example.fi", "digestAt": "8am" }), "digestAt"),
        ] {
            let refused = app.graphql(Some(&coordinator), SET, json!({ "input": input })).await;
            assert_eq!(refused.error("BAD_USER_INPUT")["extensions"]["field"], field);
        }
        let kept = app.ok(&coordinator, "{ reminderSettings { email version } }", json!({})).await;
        assert_eq!(kept["reminderSettings"], json!({ "email": "auli.romppainen@example.fi", "version": 1 }));
        // Stopping them: nothing more is queued.
        assert_eq!(app.ok(&coordinator, "mutation { removeReminderSettings }", json!({})).await["removeReminderSettings"], true);
        assert_eq!(app.ok(&coordinator, "{ reminderSettings { email } }", json!({})).await["reminderSettings"], Value::Null);
    }

    async fn a_digest_leaves_out_what_was_decided_before_it_went_and_a_mail_server_away_is_waited_for(t: TestDatabase) {
        let mut server = SmtpServer::start();
        let app = demo_with_mail(t, &server).await;
        // Finance staff, for every organisation, commitments only, in a digest at 08:00: on the
        // demo's 19 May at 09:00 that is the next morning's.
        let finance = app.token(Role::Finance, None);
        let input = json!({ "email": "talous@example.fi", "language": "FI", "kinds": ["COMMITMENT_DUE"], "leadDays": [30], "digestAt": "08:00" });
        app.ok(&finance, SET, json!({ "input": input })).await;
        // The commitments asked for and due within 30 days: each has its deadline.
        let all = app.ok(&finance, "{ applications(first: 100) { nodes { commitments { id version status dueDate organization { name } } } } }", json!({})).await;
        let commitments: Vec<Value> = all["applications"]["nodes"].as_array().unwrap().iter()
            .flat_map(|a| a["commitments"].as_array().unwrap().clone())
            .filter(|c| c["status"] == "REQUESTED" && c["dueDate"].as_str().is_some_and(|d| ("2020-05-19"..="2020-06-18").contains(&d)))
            .collect();
        assert!(commitments.len() >= 2, "{commitments:?}");
        // The digest is queued for tomorrow 08:00, and nothing is sent today.
        let mut queued = Value::Null;
        for _ in 0..100 {
            queued = app.ok(&app.admin(), OUTBOX, json!({})).await;
            if !queued["reminderOutbox"].as_array().unwrap().is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(queued["reminderOutbox"][0]["digestDay"], "2020-05-20");
        assert_eq!(queued["reminderOutbox"].as_array().unwrap().len(), 1, "one digest");

        // One commitment is promised before the digest goes: it calls for no action any more.
        let decided = &commitments[0];
        let update = json!({ "input": { "id": decided["id"], "expectedVersion": decided["version"], "status": "PROMISED" } });
        app.ok(&finance, "mutation($input: UpdateCommitmentInput!) { updateCommitment(input: $input) { status } }", update).await;

        // Next morning the mail server is away: the digest waits, with the server's answer.
        server.stop();
        let morning = chrono::DateTime::parse_from_rfc3339("2020-05-20T08:00:30+03:00").unwrap().to_utc();
        let next_day = TestApp::start_on(app.database_url(), morning, |s| s.mail = Some(mail(&server))).await;
        let mut failed = Value::Null;
        for _ in 0..100 {
            failed = next_day.ok(&next_day.admin(), OUTBOX, json!({})).await;
            let digest = failed["reminderOutbox"].as_array().unwrap().iter().find(|m| m["digestDay"] == "2020-05-20").cloned();
            if digest.as_ref().is_some_and(|d| d["lastError"].is_string()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let digest = failed["reminderOutbox"].as_array().unwrap().iter().find(|m| m["digestDay"] == "2020-05-20").unwrap().clone();
        assert_eq!(digest["status"], "QUEUED", "tried again later: {digest}");
        assert!(digest["lastError"].is_string());
        assert!(server.received().is_empty());
        drop(next_day);

        // The server is back and the retry's time has come: the digest arrives once, without
        // the commitment decided meanwhile.
        server.resume();
        let later = morning + chrono::Duration::hours(2);
        let retried = TestApp::start_on(app.database_url(), later, |s| s.mail = Some(mail(&server))).await;
        let received = server.wait_for(1, Duration::from_secs(30)).await;
        assert_eq!(received.len(), 1);
        let digest = &received[0];
        assert_eq!(digest.to, "talous@example.fi");
        let left = commitments.len() - 1;
        if left == 1 {
            assert!(digest.subject.starts_with("Muistutus: "), "{}", digest.subject);
        } else {
            assert_eq!(digest.subject, format!("salkku: {left} määräaikaa"));
        }
        let name = |c: &Value| c["organization"]["name"].as_str().unwrap().to_owned();
        assert!(!digest.body.contains(&name(&commitments[0])), "{}", digest.body);
        for other in &commitments[1..] {
            assert!(digest.body.contains(&name(other)), "{}", digest.body);
        }
        assert!(digest.body.contains("Helsingin aikaa"), "{}", digest.body);
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(server.received().len(), 1);
        drop(retried);
    }

    async fn a_reminder_follows_its_deadline_when_the_date_moves_before_it_goes(t: TestDatabase) {
        let server = SmtpServer::start();
        let settings = mail(&server);
        let app = TestApp::start_configured(t, salkku_demo::demo::demo_now(), move |s| s.mail = Some(settings)).await;
        let admin = app.admin();
        let city = app.ok(&admin, "mutation { createOrganization(input: { name: \"Kaupunki\", kind: MUNICIPALITY }) { id } }", json!({})).await;
        let city = city["createOrganization"]["id"].as_str().unwrap().to_owned();
        // A project whose report is due on 8 June: its 30-day reminder falls due at once.
        let created = app.ok(&admin, "mutation($lead: ID!) { createApplication(input: { name: \"Raportoiva\", leadId: $lead, reportDue: \"2020-06-08\" }) { id version } }", json!({ "lead": city })).await;
        let project = created["createApplication"].clone();
        let coordinator = app.token(Role::Coordinator, Some(OrganizationId::from_global(&city).unwrap()));
        let input = json!({ "email": "raportit@example.fi", "language": "EN", "kinds": ["REPORT_DUE"], "leadDays": [30], "digestAt": "08:00" });
        app.ok(&coordinator, SET, json!({ "input": input })).await;
        let mut queued = 0;
        for _ in 0..100 {
            let outbox = app.ok(&admin, OUTBOX, json!({})).await;
            queued = outbox["reminderOutbox"].as_array().unwrap().len();
            if queued > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(queued, 1, "tomorrow's digest");

        // The report moves to 10 June before the digest goes: the reminder goes with it.
        let moved = json!({ "input": { "id": project["id"], "expectedVersion": project["version"], "reportDue": "2020-06-10" } });
        app.ok(&admin, "mutation($input: UpdateApplicationInput!) { updateApplication(input: $input) { reportDue } }", moved).await;
        // The worker finds the new date's reminder and puts it in the same digest.
        for _ in 0..100 {
            let items = salkku_persistence::entities::reminder_item::Entity::find().count(app.db().conn()).await.unwrap();
            if items == 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let morning = chrono::DateTime::parse_from_rfc3339("2020-05-20T08:00:30+03:00").unwrap().to_utc();
        let next_day = TestApp::start_on(app.database_url(), morning, |s| s.mail = Some(mail(&server))).await;
        let received = server.wait_for(1, Duration::from_secs(30)).await;
        assert_eq!(received.len(), 1);
        assert!(received[0].subject.starts_with("Reminder: Raportoiva – Final report 2020-06-10 23:59"), "{}", received[0].subject);
        assert!(!received[0].body.contains("2020-06-08"), "the old date is gone: {}", received[0].body);
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(server.received().len(), 1);

        // Moved out of reach (to September) before its next reminder: none comes.
        let current = app.ok(&admin, "query($id: ID!) { application(id: $id) { version } }", json!({ "id": project["id"] })).await;
        let away = json!({ "input": { "id": project["id"], "expectedVersion": current["application"]["version"], "reportDue": "2020-09-30" } });
        app.ok(&admin, "mutation($input: UpdateApplicationInput!) { updateApplication(input: $input) { reportDue } }", away).await;
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_eq!(server.received().len(), 1);
        drop(next_day);
    }

    async fn reminders_go_through_a_mail_server_that_wants_starttls_and_a_sign_in(t: TestDatabase) {
        through_a_secure_server(t, "starttls", SmtpTls::StartTls).await;
    }

    async fn reminders_go_through_a_mail_server_that_speaks_tls_from_the_first_byte(t: TestDatabase) {
        through_a_secure_server(t, "tls", SmtpTls::Tls).await;
    }
}

/// A reminder through a mail server that wants TLS (`mode`) and a sign-in, its certificate signed
/// by an authority trusted through the settings.
async fn through_a_secure_server(t: salkku_e2e::TestDatabase, mode: &'static str, tls: SmtpTls) {
    let server = SmtpServer::start_secure(mode, "salkku", "salasana-123");
    let settings = MailSettings {
        host: "localhost".into(),
        tls,
        user: Some("salkku".into()),
        password: Some(salkku_api::config::Secret::new("salasana-123")),
        ca_pem: Some(server.certificate()),
        ..mail(&server)
    };
    let app = TestApp::start_configured(t, salkku_demo::demo::demo_now(), move |s| s.mail = Some(settings)).await;
    salkku_demo::demo::seed(app.db()).await.unwrap();
    let sonet = organization(&app, "SONet BOTNIA").await;
    let coordinator = app.token(Role::Coordinator, Some(sonet));
    app.ok(&coordinator, SET, json!({ "input": { "email": "auli@example.fi", "leadDays": [30] } })).await;
    let received = server.wait_for(1, Duration::from_secs(30)).await;
    let outbox = app.ok(&app.admin(), OUTBOX, json!({})).await;
    assert!(!received.is_empty(), "mail went through {mode} with the user signed in: {outbox}");
    assert!(received[0].subject.starts_with("Reminder: "), "{}", received[0].subject);
}
