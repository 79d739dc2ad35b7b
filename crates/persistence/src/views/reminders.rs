//! Reminders as read: a user's settings, everyone's (for the scheduler), a message's reminders
//! with their deadlines as they stand now, and the outbox for administrators.

use chrono::{DateTime, NaiveDate, Utc};
use salkku_domain::DeadlineKind;
use salkku_domain::ids::{DeadlineId, OrganizationId};
use salkku_domain::labels::Language;
use salkku_domain::reminder::{Delivery, EmailAddress, Lead, LeadTimes, MessageStatus};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entities::{reminder_item as item, reminder_message as message, reminder_setting as setting};
use crate::records::DeadlineView;
use crate::views::deadlines;
use crate::{StoreError, StoreResult};

/// How one user is reminded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReminderSettings {
    pub subject: String,
    pub email: EmailAddress,
    #[serde(serialize_with = "language_code")]
    pub language: Language,
    /// Whose deadlines: the organisation the user acts for; every deadline when `None`.
    pub organization: Option<OrganizationId>,
    /// Which kinds; all when empty.
    pub kinds: Vec<DeadlineKind>,
    #[serde(skip)]
    pub leads: LeadTimes,
    #[serde(skip)]
    pub delivery: Delivery,
    /// When they first asked: overdue reminders are of deadlines due after it.
    pub since: DateTime<Utc>,
    pub version: i32,
}

fn language_code<S: serde::Serializer>(language: &Language, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(language.code())
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::corrupt(e.to_string())
}

impl TryFrom<setting::Model> for ReminderSettings {
    type Error = StoreError;

    fn try_from(row: setting::Model) -> StoreResult<ReminderSettings> {
        let kinds = row
            .kinds
            .split(',')
            .filter(|k| !k.is_empty())
            .map(DeadlineKind::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(corrupt)?;
        let days = row
            .lead_days
            .split(',')
            .filter(|d| !d.is_empty())
            .map(|d| d.parse::<i64>().map_err(corrupt))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(ReminderSettings {
            email: EmailAddress::parse(&row.email).map_err(corrupt)?,
            language: Language::parse(&row.language).map_err(corrupt)?,
            organization: row.organization_id.map(OrganizationId),
            kinds,
            leads: LeadTimes::new(&days, row.overdue).map_err(corrupt)?,
            delivery: Delivery::parse(row.digest_at.as_deref()).map_err(corrupt)?,
            since: row.since,
            version: row.version,
            subject: row.subject,
        })
    }
}

pub async fn settings<C: ConnectionTrait>(c: &C, subject: &str) -> StoreResult<Option<ReminderSettings>> {
    setting::Entity::find_by_id(subject.to_owned()).one(c).await?.map(ReminderSettings::try_from).transpose()
}

/// Everyone's settings, for the scheduler: users who asked for reminders are tens or hundreds.
pub async fn all_settings<C: ConnectionTrait>(c: &C) -> StoreResult<Vec<ReminderSettings>> {
    setting::Entity::find()
        .order_by_asc(setting::Column::Subject)
        .all(c)
        .await?
        .into_iter()
        .map(ReminderSettings::try_from)
        .collect()
}

/// A message of the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: i64,
    pub subject: String,
    pub to: String,
    pub language: Language,
    /// The day of the digest it is; `None` for a single reminder.
    pub digest_day: Option<NaiveDate>,
    pub send_after: DateTime<Utc>,
    pub status: MessageStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<message::Model> for OutboxMessage {
    type Error = StoreError;

    fn try_from(row: message::Model) -> StoreResult<OutboxMessage> {
        Ok(OutboxMessage {
            id: row.id,
            subject: row.subject,
            to: row.to_address,
            language: Language::parse(&row.language).map_err(corrupt)?,
            digest_day: row.digest_day,
            send_after: row.send_after,
            status: MessageStatus::parse(&row.status).map_err(corrupt)?,
            attempts: row.attempts,
            next_attempt_at: row.next_attempt_at,
            last_error: row.last_error,
            sent_at: row.sent_at,
            created_at: row.created_at,
        })
    }
}

/// The outbox, newest first: all of it, or the messages in `status`; at most `limit`.
pub async fn outbox<C: ConnectionTrait>(
    c: &C,
    status: Option<MessageStatus>,
    limit: u64,
) -> StoreResult<Vec<OutboxMessage>> {
    let mut query = message::Entity::find();
    if let Some(status) = status {
        query = query.filter(message::Column::Status.eq(status.as_str()));
    }
    query
        .order_by_desc(message::Column::Id)
        .limit(limit)
        .all(c)
        .await?
        .into_iter()
        .map(OutboxMessage::try_from)
        .collect()
}

/// How the outbox stands at `now`: messages queued (waiting for their time or a retry), and since
/// when the oldest of those already due has waited (from its first due time, retries or not):
/// what alerts should watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Depth {
    pub queued: u64,
    pub oldest_due: Option<DateTime<Utc>>,
}

pub async fn depth<C: ConnectionTrait>(c: &C, now: DateTime<Utc>) -> StoreResult<Depth> {
    let queued = || message::Entity::find().filter(message::Column::Status.eq(MessageStatus::Queued.as_str()));
    let count = queued().count(c).await?;
    // From when it was first due: a retry's later time must not hide a mail server long away.
    let oldest = queued()
        .filter(message::Column::SendAfter.lte(now))
        .order_by_asc(message::Column::SendAfter)
        .one(c)
        .await?
        .map(|m| m.send_after);
    Ok(Depth { queued: count, oldest_due: oldest })
}

/// The reminders already queued for `subject` of these deadlines: (deadline, lead, due time).
pub async fn queued_keys<C: ConnectionTrait>(
    c: &C,
    subject: &str,
    deadlines: &[DeadlineId],
) -> StoreResult<Vec<(i64, i32, DateTime<Utc>)>> {
    let keys: Vec<i64> = deadlines.iter().map(|d| d.0).collect();
    Ok(item::Entity::find()
        .filter(item::Column::Subject.eq(subject))
        .filter(crate::store::support::one_of(c, item::Column::DeadlineId, keys))
        .all(c)
        .await?
        .into_iter()
        .map(|row| (row.deadline_id, row.lead, row.due_at))
        .collect())
}

/// One reminder of a message: the lead time and due time it was found at, and its deadline as it
/// stands now (`None` once deleted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemView {
    pub deadline: DeadlineId,
    pub lead: Lead,
    pub due_at: DateTime<Utc>,
    pub now: Option<DeadlineView>,
}

/// The reminders of a message.
pub async fn items<C: ConnectionTrait>(c: &C, message_id: i64) -> StoreResult<Vec<ItemView>> {
    let rows = item::Entity::find()
        .filter(Expr::col(item::Column::MessageId).eq(message_id))
        .order_by_asc(item::Column::DueAt)
        .order_by_asc(item::Column::Id)
        .all(c)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let lead = Lead::from_code(row.lead).ok_or_else(|| corrupt(format!("a lead time of {}", row.lead)))?;
        let id = DeadlineId(row.deadline_id);
        out.push(ItemView { deadline: id, lead, due_at: row.due_at, now: deadlines::view(c, id).await? });
    }
    Ok(out)
}
