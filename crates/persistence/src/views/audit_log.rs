//! The audit log as read back, newest first, in pages (see `commands::audit` for what it holds).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::StoreResult;
use crate::entities::audit::{entry, object};
use crate::store::paging::{Page, cut};
use crate::store::support::one_of;

/// One entry as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub subject: String,
    pub role: String,
    pub organization: Option<i64>,
    pub operation: String,
    pub objects: Vec<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Entries newest first, optionally only those about `object`; `after` is the id of the last entry
/// of the previous page.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    object: Option<&str>,
    first: u64,
    after: Option<i64>,
    counted: bool,
) -> StoreResult<Page<Entry>> {
    let mut query = entry::Entity::find();
    let mut count = entry::Entity::find();
    if let Some(object_id) = object {
        let ids: Vec<i64> = object::Entity::find()
            .select_only()
            .column(object::Column::EntryId)
            .filter(object::Column::ObjectId.eq(object_id))
            .into_tuple()
            .all(c)
            .await?;
        query = query.filter(one_of(c, entry::Column::Id, ids.clone()));
        count = count.filter(one_of(c, entry::Column::Id, ids));
    }
    let total = crate::store::paging::count_if(c, counted, count).await?;
    if let Some(last) = after {
        query = query.filter(entry::Column::Id.lt(last));
    }
    let rows = query.order_by_desc(entry::Column::Id).limit(first + 1).all(c).await?;
    let (rows, has_next) = cut(rows, first);
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut objects: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for o in object::Entity::find().filter(one_of(c, object::Column::EntryId, ids)).all(c).await? {
        objects.entry(o.entry_id).or_default().push(o.object_id);
    }
    let items = rows
        .into_iter()
        .map(|r| Entry {
            objects: objects.remove(&r.id).unwrap_or_default(),
            id: r.id,
            at: r.at,
            subject: r.subject,
            role: r.role,
            organization: r.organization_id,
            operation: r.operation,
            before: r.before,
            after: r.after,
        })
        .collect();
    Ok(Page { items, has_next, total })
}
