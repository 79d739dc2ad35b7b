//! Idempotent creation: a create that carries a key its subject has used before returns the first
//! result and creates nothing.
//!
//! The key is stored with the result in the transaction that creates it. Two concurrent creates
//! with one key (two replicas, say) both insert it; the database's primary key lets one commit
//! and fails the other, which then finds the winner's result.

use std::future::Future;

use chrono::{DateTime, Utc};
use salkku_domain::DomainError;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set, SqlErr};

use crate::entities::idempotency_key;
use crate::{Actor, Db, StoreError, StoreResult, WriteTx};

/// Longest key accepted.
pub const MAX_KEY: usize = 255;

async fn lookup<C: ConnectionTrait>(c: &C, actor: &Actor, operation: &str, key: &str) -> StoreResult<Option<i64>> {
    let found = idempotency_key::Entity::find_by_id((actor.subject.clone(), key.to_owned())).one(c).await?;
    match found {
        None => Ok(None),
        Some(row) if row.operation == operation => Ok(Some(row.result_id)),
        Some(row) => Err(StoreError::rule("idempotencyKey", {
            let operation = row.operation;
            DomainError::InvalidText(salkku_domain::message!(
                fi: "tämä idempotenssiavain on jo käytetty operaatiossa {operation}",
                sv: "den här idempotensnyckeln har redan använts för {operation}",
                en: "this idempotency key was already used for {operation}",
            ))
        })),
    }
}

/// A create that may be a replay.
pub(crate) struct Request<'a> {
    pub actor: &'a Actor,
    /// The mutation's name, stored with the key.
    pub operation: &'static str,
    pub key: Option<&'a str>,
    pub now: DateTime<Utc>,
}

/// Runs `create` once per (subject, key): a replay loads the first result with `load` instead.
/// Without a key, simply creates.
pub(crate) async fn once<T, Create, CreateFut, Load, LoadFut>(
    db: &Db,
    request: Request<'_>,
    id_of: impl Fn(&T) -> i64,
    create: Create,
    load: Load,
) -> StoreResult<T>
where
    Create: FnOnce(WriteTx) -> CreateFut,
    CreateFut: Future<Output = StoreResult<(T, WriteTx)>>,
    Load: Fn(Db, i64) -> LoadFut,
    LoadFut: Future<Output = StoreResult<T>>,
{
    let Request { actor, operation, key, now } = request;
    let Some(key) = key else {
        let (created, tx) = create(db.begin_write().await?).await?;
        tx.commit().await?;
        return Ok(created);
    };
    if key.is_empty() || key.chars().count() > MAX_KEY {
        return Err(StoreError::rule(
            "idempotencyKey",
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
        return load(db.clone(), id).await;
    }
    let (created, tx) = create(tx).await?;
    let remembered = idempotency_key::ActiveModel {
        subject: Set(actor.subject.clone()),
        key: Set(key.to_owned()),
        operation: Set(operation.to_owned()),
        result_id: Set(id_of(&created)),
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
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => true,
        Err(e) => return Err(e.into()),
    };
    debug_assert!(raced);
    // Another request with the same key committed first: ours is rolled back, theirs stands.
    let id = lookup(db.conn(), actor, operation, key)
        .await?
        .ok_or_else(|| StoreError::corrupt("an idempotency key vanished after a conflicting insert"))?;
    load(db.clone(), id).await
}
