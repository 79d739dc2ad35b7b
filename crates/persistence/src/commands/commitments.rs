//! Commitments (sitoumukset): organisations' pledges towards an application's self-funding.

use chrono::{DateTime, NaiveDate, Utc};
use salkku_domain::deadline::end_of_day;
use salkku_domain::ids::{ApplicationId, CommitmentId, DecisionId, NodeKind, OrganizationId};
use salkku_domain::{Amount, CommitmentKind, CommitmentLevel, CommitmentStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

use crate::Concerning;
use crate::commands::audit;
use crate::commands::deadlines::{self, Derived, Source};
use crate::commands::{decisions, idempotency};
use crate::derived::{self, Changed};
use crate::entities::{application, commitment, organization};
use crate::records::Commitment;
use crate::store::support::{expect_version, referenced, target, versioned_update_returning};
use crate::{Change, Db, StoreResult};

#[derive(Debug, Clone)]
pub struct NewCommitment {
    pub application: ApplicationId,
    pub organization: OrganizationId,
    pub amount: Amount,
    pub kind: CommitmentKind,
    pub level: CommitmentLevel,
    pub status: CommitmentStatus,
    pub due_date: Option<NaiveDate>,
    pub decided_at: Option<NaiveDate>,
    pub decision_ref: Option<String>,
    /// The decision on record behind it (a board's approval).
    pub decision: Option<DecisionId>,
}

/// Changes to a commitment; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct CommitmentChanges {
    pub amount: Option<Amount>,
    pub status: Option<CommitmentStatus>,
    pub decided_at: Option<Option<NaiveDate>>,
    pub decision_ref: Option<Option<String>>,
    pub decision: Option<Option<DecisionId>>,
}

/// Adds a commitment, and its due date as a deadline.
pub async fn add(
    db: &Db,
    change: &Change<'_>,
    new: NewCommitment,
    idempotency_key: Option<&str>,
) -> StoreResult<Commitment> {
    let now = change.at;
    idempotency::create(db, change, idempotency_key, async move |tx| {
        let created = insert(tx, new, now).await?;
        let objects = [created.id.global(), created.application.global(), created.organization.global()];
        audit::record(tx, change, &objects, None::<&()>, Some(&created)).await?;
        Ok(created)
    })
    .await
}

pub(crate) async fn insert<C: ConnectionTrait>(
    c: &C,
    new: NewCommitment,
    now: DateTime<Utc>,
) -> StoreResult<Commitment> {
    let app =
        referenced::<application::Entity, _>(c, Concerning::Application, NodeKind::Application, new.application.0)
            .await?;
    let org =
        referenced::<organization::Entity, _>(c, Concerning::Organization, NodeKind::Organization, new.organization.0)
            .await?;
    decisions::check_fits(c, new.decision, Some(new.application), Some(new.organization)).await?;
    let row = commitment::ActiveModel {
        application_id: Set(new.application.0),
        organization_id: Set(new.organization.0),
        amount_cents: Set(new.amount.cents()),
        kind: Set(new.kind.as_str().to_owned()),
        level: Set(new.level.as_str().to_owned()),
        status: Set(new.status.as_str().to_owned()),
        due_date: Set(new.due_date),
        decided_at: Set(new.decided_at),
        decision_ref: Set(new.decision_ref),
        decision_id: Set(new.decision.map(|d| d.0)),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(c)
    .await?;
    let created = Commitment::try_from(row)?;
    derived::after(c, Changed::applications(&[created.application]).with_sums(true)).await?;
    let label = app.acronym.unwrap_or(app.name);
    let due = created.due_date.map(|d| Derived {
        title: format!("{label}, {}", org.name),
        due_at: end_of_day(d),
        application: Some(created.application),
        call: app.call_id.map(salkku_domain::ids::GrantCallId),
        commitment: Some(created.id),
        report: None,
    });
    deadlines::sync(c, Source::CommitmentDue(created.id), due, now).await?;
    Ok(created)
}

/// Applies changes if the commitment is still at `expected_version`.
pub async fn update(
    db: &Db,
    change: &Change<'_>,
    id: CommitmentId,
    expected_version: i32,
    changes: CommitmentChanges,
) -> StoreResult<Commitment> {
    let now = change.at;
    let tx = db.begin_write().await?;
    let current: Commitment = target::<commitment::Entity, _>(&*tx, NodeKind::Commitment, id.0).await?.try_into()?;
    expect_version(NodeKind::Commitment, expected_version, current.version)?;
    let mut update = commitment::Entity::update_many().col_expr(commitment::Column::UpdatedAt, Expr::value(now));
    if let Some(amount) = changes.amount {
        update = update.col_expr(commitment::Column::AmountCents, Expr::value(amount.cents()));
    }
    if let Some(status) = changes.status {
        update = update.col_expr(commitment::Column::Status, Expr::value(status.as_str()));
    }
    if let Some(decided_at) = changes.decided_at {
        update = update.col_expr(commitment::Column::DecidedAt, Expr::value(decided_at));
    }
    if let Some(decision) = changes.decision {
        decisions::check_fits(&*tx, decision, Some(current.application), Some(current.organization)).await?;
        update = update.col_expr(commitment::Column::DecisionId, Expr::value(decision.map(|d| d.0)));
    }
    if let Some(decision_ref) = changes.decision_ref {
        update = update.col_expr(commitment::Column::DecisionRef, Expr::value(decision_ref));
    }
    let updated: Commitment = versioned_update_returning(&*tx, id.0, expected_version, update).await?.try_into()?;
    // Whether its deadline still calls for action follows its status.
    let ids = [updated.application];
    let changed = Changed::applications(&ids).with_sums(true);
    derived::after(&*tx, changed.with_parties(updated.status != current.status)).await?;
    let objects = [id.global(), updated.application.global(), updated.organization.global()];
    audit::record(&*tx, change, &objects, Some(&current), Some(&updated)).await?;
    tx.commit().await?;
    Ok(updated)
}

/// Declines what an organisation leaving a project still pledged or was asked for: its
/// commitments stop counting towards the self-funding.
pub(crate) async fn decline_all_of<C: ConnectionTrait>(
    c: &C,
    application: ApplicationId,
    organization: OrganizationId,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    use sea_orm::sea_query::ExprTrait;
    use sea_orm::{ColumnTrait, QueryFilter};
    commitment::Entity::update_many()
        .col_expr(commitment::Column::Status, Expr::value(CommitmentStatus::Declined.as_str()))
        .col_expr(commitment::Column::UpdatedAt, Expr::value(now))
        .col_expr(commitment::Column::Version, Expr::col(commitment::Column::Version).add(1))
        .filter(commitment::Column::ApplicationId.eq(application.0))
        .filter(commitment::Column::OrganizationId.eq(organization.0))
        .filter(commitment::Column::Status.ne(CommitmentStatus::Declined.as_str()))
        .exec(c)
        .await?;
    Ok(())
}
