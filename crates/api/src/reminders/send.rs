//! Sending what is due: claim the outbox a message at a time, check its reminders against
//! their deadlines as they stand now (resolved or moved: dropped), write and send the rest, and
//! record what became of each.

use chrono::{DateTime, Duration, Utc};
use lettre::AsyncTransport;
use salkku_domain::deadline::title;
use salkku_domain::ids::ApplicationId;
use salkku_domain::reminder::{self, EmailAddress, Item, MessageStatus};
use salkku_persistence::commands::reminders::{Outcome, claim, settle};
use salkku_persistence::records::DeadlineView;
use salkku_persistence::views::reminders::{ItemView, OutboxMessage};
use salkku_persistence::views::{self};
use salkku_persistence::{Db, StoreResult};

use super::mail::{self, Transport};
use crate::calendar::ics;
use crate::config::MailSettings;
use crate::observe::Metrics;

/// Most messages one round sends: the rest wait for the next round.
const PER_ROUND: usize = 200;

/// How long a claim holds: longer than the mail server may take over the message (connecting,
/// greeting, securing, signing in, sender, recipient, data: each within the timeout), so that no
/// other sender takes a message this one is still sending. A sender that dies leaves its claim to
/// run out.
fn lease(mail: &MailSettings) -> Duration {
    Duration::from_std(mail.timeout).unwrap_or(Duration::seconds(10)) * 8
}

/// How long one message's whole exchange with the server may take: half the lease.
fn exchange(mail: &MailSettings) -> std::time::Duration {
    mail.timeout * 4
}

fn retry(mail: &MailSettings) -> Duration {
    Duration::from_std(mail.retry).unwrap_or(Duration::minutes(1))
}

/// The deadline of a reminder that still stands (see [`reminder::stands`]); none once deleted.
fn stands(item: &ItemView, now: DateTime<Utc>) -> Option<&DeadlineView> {
    let view = item.now.as_ref()?;
    reminder::stands(item.lead, item.due_at, view.deadline.due_at, view.standing(), now).then_some(view)
}

/// Sends what is due at `now` (the service's clock), a message at a time, each claimed for its
/// lease in real time; gives how many were sent.
pub async fn run(
    db: &Db,
    mail: &MailSettings,
    transport: &Transport,
    metrics: &Metrics,
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    let mut sent = 0;
    for _ in 0..PER_ROUND {
        let Some(message) = claim(db, now, Utc::now(), lease(mail)).await? else { break };
        let status = send_one(db, mail, transport, &message, now).await?;
        metrics.reminder(match status {
            MessageStatus::Sent => "sent",
            MessageStatus::Queued => "retried",
            MessageStatus::Failed => "failed",
            MessageStatus::Cancelled => "cancelled",
        });
        if status == MessageStatus::Sent {
            sent += 1;
        }
    }
    Ok(sent)
}

async fn send_one(
    db: &Db,
    mail: &MailSettings,
    transport: &Transport,
    message: &OutboxMessage,
    now: DateTime<Utc>,
) -> StoreResult<MessageStatus> {
    let items = views::reminders::items(db.conn(), message.id).await?;
    let standing: Vec<(&ItemView, &DeadlineView)> =
        items.iter().filter_map(|i| stands(i, now).map(|view| (i, view))).collect();
    if standing.is_empty() {
        return settle(db, message.id, message.attempts, Outcome::Cancelled, retry(mail), now).await;
    }
    let language = message.language;
    let apps: Vec<ApplicationId> = standing.iter().filter_map(|(_, v)| v.deadline.application).collect();
    let projects = views::applications::by_ids(db.conn(), &apps).await?;
    let named = |id: Option<ApplicationId>| {
        let project = projects.iter().find(|p| Some(p.id) == id)?;
        Some(project.acronym.clone().unwrap_or_else(|| project.name.clone()))
    };
    let reminders: Vec<Item> = standing
        .iter()
        .map(|(item, view)| {
            let d = &view.deadline;
            Item {
                title: title(d.kind, &d.title, d.derived, view.report.map(|(kind, _)| kind), language),
                application: named(d.application),
                due_at: d.due_at,
                lead: item.lead,
            }
        })
        .collect();
    let written = reminder::compose(&reminders, language, now);
    let calendar = ics::attachment(&standing.iter().map(|(_, v)| (*v).clone()).collect::<Vec<_>>(), language, now);
    let outcome = match EmailAddress::parse(&message.to) {
        Err(e) => Outcome::Failed(e.to_string()),
        Ok(to) => match mail::message(&mail.from, &to, mail::message_id(message.id, &mail.from), &written, calendar) {
            Err(e) => Outcome::Failed(e),
            // lettre bounds only the connection by its timeout: the whole exchange is bounded
            // here, well inside the claim's lease.
            Ok(email) => match tokio::time::timeout(exchange(mail), transport.send(email)).await {
                Ok(Ok(_)) => Outcome::Sent,
                Ok(Err(e)) => {
                    tracing::warn!(message = message.id, error = %e, "a reminder could not be sent; it is tried again");
                    Outcome::Failed(e.to_string())
                }
                Err(_) => {
                    tracing::warn!(message = message.id, "the mail server took too long; the reminder is tried again");
                    Outcome::Failed("the mail server did not finish in time".into())
                }
            },
        },
    };
    settle(db, message.id, message.attempts, outcome, retry(mail), now).await
}
