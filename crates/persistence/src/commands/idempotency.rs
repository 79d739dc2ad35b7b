//! Idempotent creation: a create that carries a key its subject has used before returns the first
//! result and creates nothing.
//!
//! The key is stored with the result in the transaction that creates it. Two concurrent creates
//! with one key (two replicas, say) both insert it; the database's primary key lets one commit
//! and fails the other, which then finds the winner's result.

use salkku_domain::DomainError;
use salkku_domain::ids::{
    AllocationId, ApplicationId, ChangeRequestId, CommitmentId, DeadlineId, DecisionId, DocumentId, GrantCallId,
    OrganizationId, PaymentId, ProgrammeId, RepaymentId, ReportId,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, Set, SqlErr};

use crate::Concerning;
use crate::entities::idempotency_key;
use crate::records::{
    Allocation, Application, ChangeRequest, Commitment, DeadlineView, Decision, Document, GrantCall, Organization,
    Payment, PlannedAllocation, Programme, Repayment, Report,
};
use crate::views;
use crate::{Actor, Change, Conn, Db, StoreError, StoreResult};

/// Longest key accepted.
pub const MAX_KEY: usize = 255;

async fn lookup<C: ConnectionTrait>(c: &C, actor: &Actor, operation: &str, key: &str) -> StoreResult<Option<i64>> {
    let found = idempotency_key::Entity::find_by_id((actor.subject.clone(), key.to_owned())).one(c).await?;
    match found {
        None => Ok(None),
        Some(row) if row.operation == operation => Ok(Some(row.result_id)),
        Some(row) => Err(StoreError::rule(Concerning::IdempotencyKey, {
            let operation = row.operation;
            DomainError::InvalidText(salkku_domain::message!(
                fi: "tämä idempotenssiavain on jo käytetty operaatiossa {operation}",
                sv: "den här idempotensnyckeln har redan använts för {operation}",
                en: "this idempotency key was already used for {operation}",
            ))
        })),
    }
}

/// What a create returns: an object that a replay of its key finds again.
pub(crate) trait Replayable: Sized {
    /// Its row's ID, remembered with the idempotency key.
    fn row_id(&self) -> i64;
    /// The object whose row has that ID.
    fn find(c: &Conn, id: i64) -> impl Future<Output = StoreResult<Option<Self>>> + Send;
}

macro_rules! replayable {
    ($($record:ty: $id:ident, $find:path;)*) => {$(
        impl Replayable for $record {
            fn row_id(&self) -> i64 {
                self.id.0
            }
            async fn find(c: &Conn, id: i64) -> StoreResult<Option<Self>> {
                $find(c, $id(id)).await
            }
        }
    )*};
}

replayable! {
    Organization: OrganizationId, views::organizations::get;
    Programme: ProgrammeId, views::programmes::get;
    GrantCall: GrantCallId, views::calls::get;
    Application: ApplicationId, views::applications::get;
    Commitment: CommitmentId, views::commitments::get;
    Allocation: AllocationId, views::allocations::get;
    Payment: PaymentId, views::allocations::payment_by_id;
    ChangeRequest: ChangeRequestId, views::change_requests::get;
    Decision: DecisionId, views::decisions::get;
    Document: DocumentId, views::documents::get;
    Report: ReportId, views::reports::get;
    Repayment: RepaymentId, views::final_accounts::repayment;
}

/// A deadline added by hand answers as a read shows it, with its project's status.
impl Replayable for DeadlineView {
    fn row_id(&self) -> i64 {
        self.deadline.id.0
    }
    async fn find(c: &Conn, id: i64) -> StoreResult<Option<Self>> {
        views::deadlines::view(c, DeadlineId(id)).await
    }
}

/// A plan of instalments answers as the allocation with its whole plan.
impl Replayable for PlannedAllocation {
    fn row_id(&self) -> i64 {
        self.allocation.id.0
    }
    async fn find(c: &Conn, id: i64) -> StoreResult<Option<Self>> {
        let Some(allocation) = views::allocations::get(c, AllocationId(id)).await? else { return Ok(None) };
        let plan = views::instalments::of_allocations(c, &[allocation.id]).await?;
        Ok(Some(PlannedAllocation { allocation, plan }))
    }
}

/// Runs `create` in a transaction once per (subject, key) for `change`'s author and mutation: a
/// replay returns what the first run created instead. Without a key, simply creates.
pub(crate) async fn create<T: Replayable>(
    db: &Db,
    change: &Change<'_>,
    key: Option<&str>,
    create: impl AsyncFnOnce(&DatabaseTransaction) -> StoreResult<T>,
) -> StoreResult<T> {
    let (actor, operation, now) = (change.actor, change.operation, change.at);
    let load =
        async |id: i64| T::find(db.conn(), id).await?.ok_or_else(|| StoreError::corrupt("a replayed object is gone"));
    let Some(key) = key else {
        let tx = db.begin_write().await?;
        let created = create(&tx).await?;
        tx.commit().await?;
        return Ok(created);
    };
    if key.is_empty() || key.chars().count() > MAX_KEY {
        return Err(StoreError::rule(
            Concerning::IdempotencyKey,
            DomainError::InvalidText(salkku_domain::message!(
                fi: "idempotenssiavaimessa on 1–{MAX_KEY} merkkiä",
                sv: "en idempotensnyckel har 1 till {MAX_KEY} tecken",
                en: "an idempotency key has 1 to {MAX_KEY} characters",
            )),
        ));
    }
    let tx = db.begin_write().await?;
    if let Some(id) = lookup(&*tx, actor, operation, key).await? {
        drop(tx);
        return load(id).await;
    }
    let created = create(&tx).await?;
    let remembered = idempotency_key::ActiveModel {
        subject: Set(actor.subject.clone()),
        key: Set(key.to_owned()),
        operation: Set(operation.to_owned()),
        result_id: Set(created.row_id()),
        created_at: Set(now),
    }
    .insert(&*tx)
    .await;
    let raced = match remembered {
        Ok(_) => match tx.commit().await {
            Ok(()) => return Ok(created),
            Err(StoreError::Database(e)) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => true,
            Err(e) => return Err(e),
        },
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            // Rolled back before the key is looked up on another connection: held meanwhile,
            // it would keep a connection from the pool that the lookup may be waiting for.
            drop(tx);
            true
        }
        Err(e) => return Err(e.into()),
    };
    debug_assert!(raced);
    // Another request with the same key committed first: ours is rolled back, theirs stands.
    let id = lookup(db.conn(), actor, operation, key)
        .await?
        .ok_or_else(|| StoreError::corrupt("an idempotency key vanished after a conflicting insert"))?;
    load(id).await
}
