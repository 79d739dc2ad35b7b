//! Reminders: a user's settings, and the outbox. A reminder is queued once per (user, deadline,
//! lead time, due time) by whichever instance inserts that key first; the sender claims due
//! messages one at a time for a while (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so two senders
//! never take the same one; the one writer on SQLite), and marks each sent, to be tried again, or
//! failed.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use salkku_domain::DeadlineKind;
use salkku_domain::ids::{DeadlineId, OrganizationId};
use salkku_domain::labels::Language;
use salkku_domain::reminder::{self, Delivery, EmailAddress, Lead, LeadTimes, MessageStatus};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, LockBehavior, LockType, OnConflict, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, IntoActiveModel, QueryFilter,
    QueryResult, QuerySelect, QueryTrait, Set,
};

use crate::commands::audit;
use crate::entities::{reminder_item as item, reminder_message as message, reminder_setting as setting};
use crate::store::batch::Writes;
use crate::store::held::{self as store_held, Reference};
use crate::views::reminders::{OutboxMessage, ReminderSettings};
use crate::{Backend, Change, Concerning, Db, StoreError, StoreResult};

/// How a user asks to be reminded.
#[derive(Debug, Clone)]
pub struct NewSettings {
    pub email: EmailAddress,
    pub language: Language,
    pub organization: Option<OrganizationId>,
    pub kinds: Vec<DeadlineKind>,
    pub leads: LeadTimes,
    pub delivery: Delivery,
}

/// The audit log's name for a user's settings.
fn object(subject: &str) -> String {
    format!("ReminderSettings:{subject}")
}

/// Sets the actor's reminders, replacing what they had; `since` stays the first time they asked.
/// The organisation named and what the actor had are read in one statement; the settings, what
/// waits in the outbox and the audit entry are written as one more.
pub async fn set(db: &Db, change: &Change<'_>, new: NewSettings) -> StoreResult<ReminderSettings> {
    let tx = db.begin_write().await?;
    let subject = change.actor.subject.clone();
    let references: Vec<Reference> =
        new.organization.map(|org| Reference::organization(Concerning::Organization, org.0)).into_iter().collect();
    let mut query = Query::select();
    store_held::with_references(&mut query, &references);
    let (row, before) = with_settings_of(&*tx, query, &subject).await?;
    store_held::check_references(&row, &references)?;
    let mut kinds = new.kinds;
    kinds.sort();
    kinds.dedup();
    let saved = setting::Model {
        subject: subject.clone(),
        email: new.email.as_str().to_owned(),
        language: new.language.code().to_owned(),
        organization_id: new.organization.map(|o| o.0),
        kinds: kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(","),
        lead_days: new.leads.days().iter().map(u16::to_string).collect::<Vec<_>>().join(","),
        overdue: new.leads.overdue(),
        digest_at: new.delivery.code(),
        since: before.as_ref().map_or(change.at, |b| b.since),
        created_at: before.as_ref().map_or(change.at, |b| b.created_at),
        updated_at: change.at,
        version: before.as_ref().map_or(1, |b| b.version + 1),
    };
    let mut writes = Writes::new(tx.get_database_backend());
    // Written whether or not a concurrent removal took the row meanwhile: what the actor asked
    // for last is kept, and when they first asked.
    let every = [
        setting::Column::Email,
        setting::Column::Language,
        setting::Column::OrganizationId,
        setting::Column::Kinds,
        setting::Column::LeadDays,
        setting::Column::Overdue,
        setting::Column::DigestAt,
        setting::Column::UpdatedAt,
        setting::Column::Version,
    ];
    let upsert = OnConflict::column(setting::Column::Subject).update_columns(every).to_owned();
    writes.push(&setting::Entity::insert(saved.clone().into_active_model()).on_conflict(upsert).into_query());
    // What waits goes where, and in the language, the user says now.
    let waiting = message::Entity::update_many()
        .col_expr(message::Column::ToAddress, Expr::value(new.email.as_str()))
        .col_expr(message::Column::Language, Expr::value(new.language.code()))
        .filter(message::Column::Subject.eq(subject.as_str()))
        .filter(message::Column::Status.eq(MessageStatus::Queued.as_str()));
    writes.push(&waiting.into_query());
    let before = before.map(ReminderSettings::try_from).transpose()?;
    let after = ReminderSettings::try_from(saved)?;
    audit::add(&mut writes, change, &[object(&subject)], before.as_ref(), Some(&after))?;
    writes.run(&*tx).await?;
    tx.commit().await?;
    Ok(after)
}

/// Reads `query` (a read of no table) with the settings of `subject` beside it, if they have
/// any: one statement.
async fn with_settings_of<C: ConnectionTrait>(
    c: &C,
    mut query: SelectStatement,
    subject: &str,
) -> StoreResult<(QueryResult, Option<setting::Model>)> {
    let one = Query::select().expr_as(Expr::val(1), Alias::new("one")).to_owned();
    query
        .from_subquery(one, Alias::new("one"))
        .left_join(setting::Entity, Expr::col((setting::Entity, setting::Column::Subject)).eq(subject));
    store_held::with_columns_of(&mut query, setting::Entity, "settings_");
    let row = store_held::read_values(c, query).await?;
    let found: Option<String> = row.try_get("", &store_held::column_name("settings_", setting::Column::Subject))?;
    let before = found.map(|_| store_held::model_of::<setting::Entity>(&row, "settings_")).transpose()?;
    Ok((row, before))
}

/// Stops the actor's reminders: their settings go, and what was queued for them is cancelled.
/// What they had is read, then the settings, the queued messages and their reminders and the
/// audit entry are written in one statement.
pub async fn remove(db: &Db, change: &Change<'_>) -> StoreResult<bool> {
    let tx = db.begin_write().await?;
    let subject = change.actor.subject.as_str();
    let Some(before) = setting::Entity::find_by_id(subject.to_owned()).one(&*tx).await? else {
        return Ok(false);
    };
    let mut writes = Writes::new(tx.get_database_backend());
    writes.push(&setting::Entity::delete_by_id(subject.to_owned()).into_query());
    // What was waiting is cancelled, and its reminders forgotten: asked for again, they come
    // again. (The reminders' delete reads the messages as they were before the statement.)
    let waiting = Query::select()
        .column(message::Column::Id)
        .from(message::Entity)
        .and_where(Expr::col(message::Column::Subject).eq(subject))
        .and_where(Expr::col(message::Column::Status).eq(MessageStatus::Queued.as_str()))
        .to_owned();
    writes.push(
        &item::Entity::delete_many().filter(Expr::col(item::Column::MessageId).in_subquery(waiting)).into_query(),
    );
    let cancel = message::Entity::update_many()
        .col_expr(message::Column::Status, Expr::value(MessageStatus::Cancelled.as_str()))
        .filter(message::Column::Subject.eq(subject))
        .filter(message::Column::Status.eq(MessageStatus::Queued.as_str()));
    writes.push(&cancel.into_query());
    let before = ReminderSettings::try_from(before)?;
    audit::add(&mut writes, change, &[object(subject)], Some(&before), None::<&()>)?;
    writes.run(&*tx).await?;
    tx.commit().await?;
    Ok(true)
}

/// A reminder found due: for whom, of which deadline, at which lead time and due time.
#[derive(Debug, Clone)]
pub struct Found<'a> {
    pub settings: &'a ReminderSettings,
    pub deadline: DeadlineId,
    pub lead: Lead,
    pub due_at: DateTime<Utc>,
}

/// Queues a reminder unless it was queued before (by this instance or another): in its own
/// message, or in the user's digest of the day. Gives whether it was new.
pub async fn queue(db: &Db, found: &Found<'_>, now: DateTime<Utc>) -> StoreResult<bool> {
    let tx = db.begin_write().await?;
    let settings = found.settings;
    let mut insert = Query::insert();
    insert
        .into_table(item::Entity)
        .columns([
            item::Column::Subject,
            item::Column::DeadlineId,
            item::Column::Lead,
            item::Column::DueAt,
            item::Column::CreatedAt,
        ])
        .values([
            settings.subject.clone().into(),
            found.deadline.0.into(),
            found.lead.code().into(),
            found.due_at.into(),
            now.into(),
        ])
        .map_err(|e| StoreError::corrupt(e.to_string()))?
        .on_conflict(
            OnConflict::columns([
                item::Column::Subject,
                item::Column::DeadlineId,
                item::Column::Lead,
                item::Column::DueAt,
            ])
            .do_nothing()
            .to_owned(),
        );
    let inserted = tx.execute(&insert).await?.rows_affected();
    if inserted == 0 {
        return Ok(false);
    }
    let message_id = match settings.delivery {
        Delivery::Immediate => new_message(&*tx, settings, None, now, now).await?,
        Delivery::Digest(at) => {
            let (day, send_after) = reminder::digest(now, at);
            digest_message(&*tx, settings, day, send_after, now).await?
        }
    };
    item::Entity::update_many()
        .col_expr(item::Column::MessageId, Expr::value(message_id))
        .filter(item::Column::Subject.eq(settings.subject.as_str()))
        .filter(item::Column::DeadlineId.eq(found.deadline.0))
        .filter(item::Column::Lead.eq(found.lead.code()))
        .filter(item::Column::DueAt.eq(found.due_at))
        .exec(&*tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

async fn new_message<C: ConnectionTrait>(
    c: &C,
    settings: &ReminderSettings,
    digest_day: Option<NaiveDate>,
    send_after: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let row = message::ActiveModel {
        subject: Set(settings.subject.clone()),
        to_address: Set(settings.email.as_str().to_owned()),
        language: Set(settings.language.code().to_owned()),
        digest_day: Set(digest_day),
        send_after: Set(send_after),
        status: Set(MessageStatus::Queued.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(send_after),
        locked_until: Set(None),
        last_error: Set(None),
        sent_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(row.id)
}

/// The user's digest of `day`, still waiting (never claimed); made when there is none. Its row is
/// locked until this transaction ends (on PostgreSQL: a sender's claim skips it meanwhile), so a
/// reminder joins a digest no sender has read yet. A digest already on its way takes nothing
/// more: the reminder goes in a message of its own. Two instances making the same digest at once
/// both end up with the one row.
async fn digest_message<C: ConnectionTrait>(
    c: &C,
    settings: &ReminderSettings,
    day: NaiveDate,
    send_after: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let mut insert = Query::insert();
    insert
        .into_table(message::Entity)
        .columns([
            message::Column::Subject,
            message::Column::ToAddress,
            message::Column::Language,
            message::Column::DigestDay,
            message::Column::SendAfter,
            message::Column::Status,
            message::Column::Attempts,
            message::Column::NextAttemptAt,
            message::Column::CreatedAt,
        ])
        .values([
            settings.subject.clone().into(),
            settings.email.as_str().into(),
            settings.language.code().into(),
            day.into(),
            send_after.into(),
            MessageStatus::Queued.as_str().into(),
            0.into(),
            send_after.into(),
            now.into(),
        ])
        .map_err(|e| StoreError::corrupt(e.to_string()))?
        .on_conflict(
            OnConflict::columns([message::Column::Subject, message::Column::DigestDay]).do_nothing().to_owned(),
        );
    c.execute(&insert).await?;
    let mut find = message::Entity::find()
        .filter(message::Column::Subject.eq(settings.subject.as_str()))
        .filter(message::Column::DigestDay.eq(day));
    if c.get_database_backend() == sea_orm::DbBackend::Postgres {
        find = find.lock_exclusive();
    }
    let digest = find.one(c).await?.ok_or_else(|| StoreError::corrupt("a digest just made vanished"))?;
    let waiting =
        digest.status == MessageStatus::Queued.as_str() && digest.attempts == 0 && digest.locked_until.is_none();
    if waiting { Ok(digest.id) } else { new_message(c, settings, None, now, now).await }
}

/// Claims the next queued message due at `now` (the service's clock) for `lease` from `wall`
/// (the real time, as leases are: a sender that dies leaves its claim to run out), counting the
/// attempt. No other sender takes it meanwhile: on PostgreSQL the row is read `FOR UPDATE SKIP
/// LOCKED`, on SQLite the one writer claims in turn.
pub async fn claim(
    db: &Db,
    now: DateTime<Utc>,
    wall: DateTime<Utc>,
    lease: Duration,
) -> StoreResult<Option<OutboxMessage>> {
    let tx = db.begin_write().await?;
    let mut due = Query::select();
    due.column(message::Column::Id)
        .from(message::Entity)
        .and_where(Expr::col(message::Column::Status).eq(MessageStatus::Queued.as_str()))
        .and_where(Expr::col(message::Column::NextAttemptAt).lte(now))
        .and_where(
            Expr::col(message::Column::LockedUntil).is_null().or(Expr::col(message::Column::LockedUntil).lt(wall)),
        )
        .order_by(message::Column::NextAttemptAt, sea_orm::Order::Asc)
        .order_by(message::Column::Id, sea_orm::Order::Asc)
        .limit(1);
    if db.backend() == Backend::Postgres {
        due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let Some(Id { id }) = Id::find_by_statement(tx.get_database_backend().build(&due)).one(&*tx).await? else {
        return Ok(None);
    };
    message::Entity::update_many()
        .col_expr(message::Column::LockedUntil, Expr::value(wall + lease))
        .col_expr(message::Column::Attempts, Expr::col(message::Column::Attempts).add(1))
        .filter(message::Column::Id.eq(id))
        .exec(&*tx)
        .await?;
    let claimed = message::Entity::find_by_id(id).one(&*tx).await?.map(OutboxMessage::try_from).transpose()?;
    tx.commit().await?;
    Ok(claimed)
}

/// What became of a claimed message.
#[derive(Debug, Clone)]
pub enum Outcome {
    Sent,
    /// Nothing in it calls for action any more.
    Cancelled,
    /// The mail server refused it or could not be reached: tried again later, or given up.
    Failed(String),
}

/// Records what became of message `id`, claimed as its `attempts`-th try; a failure waits
/// [`reminder::backoff`] from `retry` before its next try. Only the claim's holder records it:
/// a message taken over by another sender (its lease ran out) or cancelled meanwhile keeps what
/// that said, and the status it has is given back.
pub async fn settle(
    db: &Db,
    id: i64,
    attempts: i32,
    outcome: Outcome,
    retry: Duration,
    now: DateTime<Utc>,
) -> StoreResult<MessageStatus> {
    let tx = db.begin_write().await?;
    let mut update =
        message::Entity::update_many().col_expr(message::Column::LockedUntil, Expr::value(None::<DateTime<Utc>>));
    let failed = |update: sea_orm::UpdateMany<message::Entity>, error: &str| {
        update.col_expr(message::Column::LastError, Expr::value(error.chars().take(500).collect::<String>()))
    };
    let status = match &outcome {
        Outcome::Sent => {
            update = update
                .col_expr(message::Column::SentAt, Expr::value(now))
                .col_expr(message::Column::LastError, Expr::value(None::<String>));
            MessageStatus::Sent
        }
        Outcome::Cancelled => MessageStatus::Cancelled,
        Outcome::Failed(error) => {
            update = failed(update, error);
            let tries = u32::try_from(attempts).unwrap_or(u32::MAX);
            if tries >= reminder::MAX_ATTEMPTS {
                MessageStatus::Failed
            } else {
                update =
                    update.col_expr(message::Column::NextAttemptAt, Expr::value(now + reminder::backoff(tries, retry)));
                MessageStatus::Queued
            }
        }
    };
    let recorded = update
        .col_expr(message::Column::Status, Expr::value(status.as_str()))
        .filter(message::Column::Id.eq(id))
        .filter(message::Column::Status.eq(MessageStatus::Queued.as_str()))
        .filter(message::Column::Attempts.eq(attempts))
        .exec(&*tx)
        .await?
        .rows_affected;
    let status = if recorded == 1 {
        status
    } else {
        let now_is = message::Entity::find_by_id(id).one(&*tx).await?.map(|m| m.status);
        MessageStatus::parse(now_is.as_deref().unwrap_or("CANCELLED"))
            .map_err(|e| StoreError::corrupt(e.to_string()))?
    };
    tx.commit().await?;
    Ok(status)
}
