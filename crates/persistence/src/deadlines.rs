//! Deadlines: those users add, and those that follow from other facts — a call's closing time, a
//! commitment's due date, a project's end and its report. The automatic ones are rows too, kept in
//! step by the transaction that changes their source (keyed by `source_key`), so that every
//! deadline question is one indexed range query.

use chrono::{DateTime, Utc};
use salkku_domain::DeadlineKind;
use salkku_domain::ids::{ApplicationId, CommitmentId, GrantCallId, NodeKind};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::convert::all;
use crate::entities::{application, deadline, grant_call};
use crate::records::Deadline;
use crate::support::referenced;
use crate::{Db, StoreResult};

#[derive(Debug, Clone)]
pub struct NewDeadline {
    pub kind: DeadlineKind,
    pub title: String,
    pub due_at: DateTime<Utc>,
    pub tentative: bool,
    pub application: Option<ApplicationId>,
    pub call: Option<GrantCallId>,
}

/// Adds a deadline by hand.
pub async fn add(db: &Db, new: NewDeadline, now: DateTime<Utc>) -> StoreResult<Deadline> {
    let tx = db.begin_write().await?;
    if let Some(app) = new.application {
        referenced::<application::Entity, _>(&*tx, "applicationId", NodeKind::Application, app.0).await?;
    }
    if let Some(call) = new.call {
        referenced::<grant_call::Entity, _>(&*tx, "callId", NodeKind::GrantCall, call.0).await?;
    }
    let row = deadline::ActiveModel {
        kind: Set(new.kind.as_str().to_owned()),
        title: Set(new.title),
        due_at: Set(new.due_at),
        tentative: Set(new.tentative),
        application_id: Set(new.application.map(|a| a.0)),
        call_id: Set(new.call.map(|c| c.0)),
        commitment_id: Set(None),
        source_key: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&*tx)
    .await?;
    tx.commit().await?;
    row.try_into()
}

/// Where an automatic deadline comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    CallCloses(GrantCallId),
    CommitmentDue(CommitmentId),
    ProjectEnds(ApplicationId),
    ReportDue(ApplicationId),
}

impl Source {
    fn key(self) -> String {
        match self {
            Source::CallCloses(id) => format!("call:{}", id.0),
            Source::CommitmentDue(id) => format!("commitment:{}", id.0),
            Source::ProjectEnds(id) => format!("application-end:{}", id.0),
            Source::ReportDue(id) => format!("application-report:{}", id.0),
        }
    }

    fn kind(self) -> DeadlineKind {
        match self {
            Source::CallCloses(_) => DeadlineKind::CallCloses,
            Source::CommitmentDue(_) => DeadlineKind::CommitmentDue,
            Source::ProjectEnds(_) => DeadlineKind::ProjectEnds,
            Source::ReportDue(_) => DeadlineKind::ReportDue,
        }
    }
}

/// What an automatic deadline says and whom it concerns.
#[derive(Debug, Clone)]
pub(crate) struct Derived {
    pub title: String,
    pub due_at: DateTime<Utc>,
    pub application: Option<ApplicationId>,
    pub call: Option<GrantCallId>,
    pub commitment: Option<CommitmentId>,
}

/// Makes the automatic deadline of `source` say `derived`, or removes it when `derived` is `None`.
pub(crate) async fn sync<C: ConnectionTrait>(
    c: &C,
    source: Source,
    derived: Option<Derived>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let key = source.key();
    let existing = deadline::Entity::find().filter(deadline::Column::SourceKey.eq(key.as_str())).one(c).await?;
    match (existing, derived) {
        (None, None) => {}
        (Some(row), None) => {
            deadline::Entity::delete_by_id(row.id).exec(c).await?;
        }
        (Some(row), Some(d)) => {
            if row.title != d.title || row.due_at != d.due_at || row.application_id != d.application.map(|a| a.0) {
                deadline::Entity::update_many()
                    .col_expr(deadline::Column::Title, Expr::value(d.title))
                    .col_expr(deadline::Column::DueAt, Expr::value(d.due_at))
                    .col_expr(deadline::Column::ApplicationId, Expr::value(d.application.map(|a| a.0)))
                    .col_expr(deadline::Column::UpdatedAt, Expr::value(now))
                    .col_expr(deadline::Column::Version, Expr::col(deadline::Column::Version).add(1))
                    .filter(deadline::Column::Id.eq(row.id))
                    .exec(c)
                    .await?;
            }
        }
        (None, Some(d)) => {
            deadline::ActiveModel {
                kind: Set(source.kind().as_str().to_owned()),
                title: Set(d.title),
                due_at: Set(d.due_at),
                tentative: Set(false),
                application_id: Set(d.application.map(|a| a.0)),
                call_id: Set(d.call.map(|c| c.0)),
                commitment_id: Set(d.commitment.map(|c| c.0)),
                source_key: Set(Some(key)),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            }
            .insert(c)
            .await?;
        }
    }
    Ok(())
}

/// The deadlines of these applications, soonest first.
pub async fn for_applications<C: ConnectionTrait>(c: &C, ids: &[ApplicationId]) -> StoreResult<Vec<Deadline>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    all(deadline::Entity::find()
        .filter(deadline::Column::ApplicationId.is_in(keys))
        .order_by_asc(deadline::Column::DueAt)
        .order_by_asc(deadline::Column::Id)
        .all(c)
        .await?)
}

/// The deadlines of these calls that concern no particular application, soonest first.
pub async fn for_calls<C: ConnectionTrait>(c: &C, ids: &[GrantCallId]) -> StoreResult<Vec<Deadline>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    all(deadline::Entity::find()
        .filter(deadline::Column::CallId.is_in(keys))
        .filter(deadline::Column::ApplicationId.is_null())
        .order_by_asc(deadline::Column::DueAt)
        .order_by_asc(deadline::Column::Id)
        .all(c)
        .await?)
}

/// Every deadline due in `[from, to]`, soonest first.
pub async fn due_between<C: ConnectionTrait>(
    c: &C,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<Deadline>> {
    all(deadline::Entity::find()
        .filter(deadline::Column::DueAt.gte(from))
        .filter(deadline::Column::DueAt.lte(to))
        .order_by_asc(deadline::Column::DueAt)
        .order_by_asc(deadline::Column::Id)
        .all(c)
        .await?)
}
