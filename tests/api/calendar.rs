//! A coordinator subscribes a calendar: the secret feed URL works without headers in any calendar
//! client, keeps Helsinki wall-clock times across the change from summer time, and stops working
//! when revoked. Feeds are read back with an independent iCalendar parser (the `ical` crate).

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Europe::Helsinki;
use salkku_domain::Role;
use salkku_domain::deadline::helsinki;
use salkku_e2e::{TestApp, on_both};
use serde_json::json;

use crate::fixtures::*;

const CREATE: &str = "mutation($input: CreateCalendarFeedInput) { createCalendarFeed(input: $input) { id url kinds reminderDays language application { name } } }";
const LIST: &str = "{ calendarFeeds { id url kinds reminderDays } }";
const REVOKE: &str = "mutation($id: ID!) { revokeCalendarFeed(id: $id) { id url } }";
const ADD: &str = "mutation($input: AddDeadlineInput!) { addDeadline(input: $input) { id } }";

/// Fetches a feed as a calendar client does: no headers at all.
async fn fetch(url: &str) -> (u16, String, String) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    let media = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, media, response.text().await.unwrap())
}

fn property<'a>(properties: &'a [ical::property::Property], name: &str) -> Option<&'a str> {
    properties.iter().find(|p| p.name == name).and_then(|p| p.value.as_deref())
}

/// An event as the test reads it.
#[derive(Debug)]
struct Event {
    uid: String,
    summary: String,
    start: DateTime<Utc>,
    status: String,
    alarm: Option<String>,
}

/// Reads a feed with the `ical` crate: a parser independent of the `icalendar` crate that
/// writes it, so that a mistake of the writer is not hidden by the same mistake in its reader.
fn events(text: &str) -> (Vec<(String, String)>, Vec<Event>) {
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = calendars.next().expect("one calendar").expect("the feed is iCalendar");
    assert!(calendars.next().is_none(), "exactly one calendar");
    let head = calendar.properties.iter().map(|p| (p.name.clone(), p.value.clone().unwrap_or_default())).collect();
    let events = calendar
        .events
        .iter()
        .map(|e| {
            let start = property(&e.properties, "DTSTART").expect("DTSTART");
            Event {
                uid: property(&e.properties, "UID").expect("UID").to_owned(),
                summary: property(&e.properties, "SUMMARY").expect("SUMMARY").to_owned(),
                start: NaiveDateTime::parse_from_str(start, "%Y%m%dT%H%M%SZ").expect("a UTC instant").and_utc(),
                status: property(&e.properties, "STATUS").expect("STATUS").to_owned(),
                alarm: e.alarms.first().and_then(|a| property(&a.properties, "TRIGGER")).map(str::to_owned),
            }
        })
        .collect();
    (head, events)
}

/// A TRIGGER before the start ("-P3D", "-PT259200S") in seconds.
fn seconds_before(trigger: &str) -> i64 {
    let body = trigger.strip_prefix("-P").expect("a trigger before the start");
    if let Some(days) = body.strip_suffix('D') {
        return days.parse::<i64>().unwrap() * 86_400;
    }
    body.strip_prefix('T').and_then(|s| s.strip_suffix('S')).expect("days or seconds").parse().unwrap()
}

fn local(at: DateTime<Utc>) -> String {
    at.with_timezone(&Helsinki).format("%Y-%m-%d %H:%M").to_string()
}

on_both! {
    async fn a_calendar_feed_keeps_helsinki_time_across_the_end_of_summer_time(t: TestDatabase) {
        // 1 October 2020; the clocks went back on Sunday 25 October.
        let app = TestApp::start_at(t, helsinki(2020, 10, 1, 9, 0).unwrap()).await;
        let g = ground(&app).await;
        let monni = application(&app, &g.admin, json!({ "name": "MONNI", "leadId": g.sonet, "regionCodes": ["14"] })).await;
        let add = |title: &str, due: &str, tentative: bool| {
            json!({ "input": { "title": title, "dueAt": due, "tentative": tentative, "applicationId": monni["id"] } })
        };
        app.ok(&g.admin, ADD, add("Väliraportti", "2020-10-23T16:15:00+03:00", false)).await;
        app.ok(&g.admin, ADD, add("Ohjausryhmän päätös", "2020-10-26T16:15:00+02:00", true)).await;
        let coordinator = app.token(Role::Coordinator, None);
        let created = app.ok(&coordinator, CREATE, json!({ "input": { "applicationId": monni["id"], "reminderDays": 3 } })).await;
        let feed = &created["createCalendarFeed"];
        assert_eq!((feed["reminderDays"].as_i64(), feed["language"].as_str(), feed["application"]["name"].as_str()), (Some(3), Some("EN"), Some("MONNI")), "the request's language");
        let url = feed["url"].as_str().unwrap();
        assert!(url.starts_with(&format!("{}/calendar/", app.url)) && url.ends_with(".ics"), "{url}");

        let (status, media, text) = fetch(url).await;
        assert_eq!((status, media.as_str()), (200, "text/calendar; charset=utf-8"));
        assert!(text.contains("\r\n"), "lines end in CRLF");
        let (head, list) = events(&text);
        assert!(head.contains(&("X-WR-TIMEZONE".into(), "Europe/Helsinki".into())), "{head:?}");
        assert!(head.contains(&("PRODID".into(), "-//salkku//deadlines//FI".into())), "{head:?}");
        assert_eq!(list.len(), 2, "{list:#?}");
        let (summer, winter) = (&list[0], &list[1]);
        assert_eq!((summer.summary.as_str(), summer.start.to_rfc3339().as_str()), ("Väliraportti", "2020-10-23T13:15:00+00:00"));
        assert_eq!((winter.summary.as_str(), winter.start.to_rfc3339().as_str()), ("Ohjausryhmän päätös", "2020-10-26T14:15:00+00:00"));
        assert_eq!((local(summer.start), local(winter.start)), ("2020-10-23 16:15".into(), "2020-10-26 16:15".into()));
        assert_eq!((summer.status.as_str(), winter.status.as_str()), ("CONFIRMED", "TENTATIVE"));
        assert_eq!(summer.alarm.as_deref().map(seconds_before), Some(3 * 86_400), "a reminder three days before");

        // Fetched again, events keep their identity, so clients update rather than duplicate them.
        let (_, _, again) = fetch(url).await;
        let uids = |l: &[Event]| l.iter().map(|e| e.uid.clone()).collect::<Vec<_>>();
        assert_eq!(uids(&events(&again).1), uids(&list));
        assert!(uids(&list).iter().all(|u| u.starts_with("deadline-") && u.ends_with("@salkku")));
    }

    async fn a_feed_shows_the_kinds_asked_for_and_cancels_a_declined_commitment(t: TestDatabase) {
        let app = TestApp::start_at(t, helsinki(2020, 5, 19, 9, 0).unwrap()).await;
        let g = ground(&app).await;
        call(&app, &g.admin, &g.stm, "Kansa-koulu III", "2020-06-05T16:15:00+03:00", "100").await;
        let vaasa = org(&app, &g.admin, "Vaasan kaupunki", "MUNICIPALITY", Some("15")).await;
        let monni = application(&app, &g.admin, json!({ "name": "MONNI", "leadId": g.sonet, "regionCodes": ["14"] })).await;
        let pledge = app.ok(&g.admin, ADD_COMMITMENT, json!({ "input": { "applicationId": monni["id"], "organizationId": vaasa, "amount": "10000.00", "dueDate": "2020-06-18" } })).await;
        let update = "mutation($input: UpdateCommitmentInput!) { updateCommitment(input: $input) { status } }";
        app.ok(&g.admin, update, json!({ "input": { "id": pledge["addCommitment"]["id"], "expectedVersion": 1, "status": "DECLINED" } })).await;

        let finance = app.token(Role::Finance, None);
        let only_calls = app.ok(&finance, CREATE, json!({ "input": { "kinds": ["CALL_CLOSES"], "language": "SV" } })).await;
        let (_, _, text) = fetch(only_calls["createCalendarFeed"]["url"].as_str().unwrap()).await;
        let (head, list) = events(&text);
        assert!(head.contains(&("X-WR-CALNAME".into(), "salkku: tidsfrister".into())), "{head:?}");
        let summaries: Vec<&str> = list.iter().map(|e| e.summary.as_str()).collect();
        assert_eq!(summaries, ["Lastensuojelun kehittäminen", "Kansa-koulu III"], "the calls, not the commitment");
        assert_eq!(list[1].status, "CONFIRMED");
        assert_eq!(list[1].alarm.as_deref().map(seconds_before), Some(7 * 86_400), "seven days by default");

        let everything = app.ok(&finance, CREATE, json!({})).await;
        let (_, _, text) = fetch(everything["createCalendarFeed"]["url"].as_str().unwrap()).await;
        let (_, list) = events(&text);
        let declined = list.iter().find(|e| e.summary.contains("Vaasan kaupunki")).expect("the commitment's due date");
        assert_eq!((declined.status.as_str(), declined.alarm.as_deref()), ("CANCELLED", None), "{declined:?}");
        assert_eq!(local(declined.start), "2020-06-18 23:59");
    }

    async fn feeds_belong_to_their_owner_and_stop_working_when_revoked(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let coordinator = app.token(Role::Coordinator, None);
        let created = app.ok(&coordinator, CREATE, json!({ "input": { "reminderDays": 0 } })).await;
        let (id, url) = (created["createCalendarFeed"]["id"].clone(), created["createCalendarFeed"]["url"].as_str().unwrap().to_owned());
        assert_eq!(fetch(&url).await.0, 200);

        let mine = app.ok(&coordinator, LIST, json!({})).await;
        assert_eq!(mine["calendarFeeds"], json!([{ "id": id, "url": null, "kinds": [], "reminderDays": 0 }]), "the url is shown once");
        let finance = app.token(Role::Finance, None);
        assert_eq!(app.ok(&finance, LIST, json!({})).await["calendarFeeds"], json!([]));
        let theirs = app.graphql(Some(&finance), REVOKE, json!({ "id": id })).await;
        theirs.error("NOT_FOUND");
        assert_eq!(fetch(&url).await.0, 200, "someone else cannot revoke it");

        // Only a hash of the token is stored.
        let token = url.rsplit('/').next().unwrap().trim_end_matches(".ics");
        let mut export = Vec::new();
        salkku_persistence::commands::backup::export(app.db(), &mut export, Utc::now()).await.unwrap();
        let export = String::from_utf8(export).unwrap();
        assert!(export.contains("\"calendar_feeds\""), "feeds are part of a backup");
        assert!(!export.contains(token), "the token itself is nowhere in the database");

        let revoked = app.ok(&coordinator, REVOKE, json!({ "id": id })).await;
        assert_eq!(revoked["revokeCalendarFeed"], json!({ "id": id, "url": null }));
        let (status, _, body) = fetch(&url).await;
        assert_eq!(status, 404, "{body}");
        assert_eq!(app.ok(&coordinator, LIST, json!({})).await["calendarFeeds"], json!([]));
        app.graphql(Some(&coordinator), REVOKE, json!({ "id": id })).await.error("NOT_FOUND");
        let log = app.ok(&app.admin(), "query($id: ID!) { auditLog(objectId: $id) { nodes { operation subject } } }", json!({ "id": id })).await;
        assert_eq!(log["auditLog"]["nodes"], json!([{ "operation": "revokeCalendarFeed", "subject": "coordinator-tester" }, { "operation": "createCalendarFeed", "subject": "coordinator-tester" }]));
    }

    async fn a_feed_refuses_bad_settings_and_unknown_addresses(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let ministry = app.token(Role::Ministry, None);
        let too_far = app.graphql(Some(&ministry), CREATE, json!({ "input": { "reminderDays": 61 } })).await;
        assert_eq!(too_far.error("BAD_USER_INPUT")["extensions"]["field"], "reminderDays");
        let nowhere = app.graphql(Some(&ministry), CREATE, json!({ "input": { "applicationId": "QXBwbGljYXRpb246OTk5" } })).await;
        assert_eq!(nowhere.error("BAD_USER_INPUT")["extensions"]["field"], "applicationId");
        app.graphql(None, CREATE, json!({})).await.error("UNAUTHENTICATED");
        assert_eq!(app.ok(&ministry, LIST, json!({})).await["calendarFeeds"], json!([]), "refusals create nothing");
        assert_eq!(fetch(&format!("{}/calendar/{}.ics", app.url, "A".repeat(43))).await.0, 404);
        assert_eq!(fetch(&format!("{}/calendar/feed", app.url)).await.0, 404);
        // A ministry user reads deadlines, so it may subscribe to them.
        let ok = app.ok(&ministry, CREATE, json!({ "input": { "language": "EN" } })).await;
        assert_eq!(ok["createCalendarFeed"]["language"], "EN");
        // One user holds at most twenty feeds at a time.
        for _ in 1..20 {
            app.ok(&ministry, CREATE, json!({})).await;
        }
        let full = app.graphql(Some(&ministry), CREATE, json!({})).await;
        full.error("LIMIT_EXCEEDED");
        let id = app.ok(&ministry, LIST, json!({})).await["calendarFeeds"][0]["id"].clone();
        app.ok(&ministry, REVOKE, json!({ "id": id })).await;
        app.ok(&ministry, CREATE, json!({})).await;
    }
}
