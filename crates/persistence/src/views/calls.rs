//! Grant calls (valtionavustushaut) as read: by ID, by closing time, and in filtered pages.

use chrono::{DateTime, Utc};
use salkku_domain::call::GrantCallStatus;
use salkku_domain::ids::{GrantCallId, OrganizationId, ProgrammeId};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::StoreResult;
use crate::entities::grant_call;
use crate::records::GrantCall;
use crate::store::convert::all;
use crate::store::paging::{Page, after, cut};
use crate::store::rows;
use crate::store::support::one_of;

pub async fn get<C: ConnectionTrait>(c: &C, id: GrantCallId) -> StoreResult<Option<GrantCall>> {
    grant_call::Entity::find_by_id(id.0).one(c).await?.map(GrantCall::try_from).transpose()
}

pub async fn by_ids<C: ConnectionTrait>(c: &C, ids: &[GrantCallId]) -> StoreResult<Vec<GrantCall>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    rows::records(grant_call::Entity::find().filter(one_of(c, grant_call::Column::Id, keys)), c).await
}

/// Every call, by closing time.
pub async fn all_by_closing<C: ConnectionTrait>(c: &C) -> StoreResult<Vec<GrantCall>> {
    all(grant_call::Entity::find()
        .order_by_asc(grant_call::Column::ClosesAt)
        .order_by_asc(grant_call::Column::Id)
        .all(c)
        .await?)
}

/// Which calls a list shows.
#[derive(Debug, Clone, Default)]
pub struct GrantCallFilter {
    /// Any of these statuses (as of the request's now); all when empty.
    pub statuses: Vec<GrantCallStatus>,
    pub funder: Option<OrganizationId>,
    pub programme: Option<ProgrammeId>,
}

/// Where a page of calls (ordered by closing time, then id) starts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GrantCallCursor {
    pub closes_at: DateTime<Utc>,
    pub id: i64,
}

impl GrantCallCursor {
    pub fn of(call: &GrantCall) -> Self {
        GrantCallCursor { closes_at: call.closes_at, id: call.id.0 }
    }
}

/// The SQL form of [`GrantCallStatus::at`].
fn status_condition(status: GrantCallStatus, now: DateTime<Utc>) -> Condition {
    let opens = || Expr::col((grant_call::Entity, grant_call::Column::OpensAt));
    let closes = || Expr::col((grant_call::Entity, grant_call::Column::ClosesAt));
    match status {
        GrantCallStatus::Closed => Condition::all().add(closes().lte(now)),
        GrantCallStatus::Upcoming => {
            Condition::all().add(closes().gt(now)).add(opens().is_not_null()).add(opens().gt(now))
        }
        GrantCallStatus::Open => {
            Condition::all().add(closes().gt(now)).add(Condition::any().add(opens().is_null()).add(opens().lte(now)))
        }
    }
}

fn condition(filter: &GrantCallFilter, now: DateTime<Utc>) -> Condition {
    let mut cond = Condition::all();
    if !filter.statuses.is_empty() {
        cond = cond.add(filter.statuses.iter().fold(Condition::any(), |any, s| any.add(status_condition(*s, now))));
    }
    if let Some(funder) = filter.funder {
        cond = cond.add(grant_call::Column::FunderId.eq(funder.0));
    }
    if let Some(programme) = filter.programme {
        cond = cond.add(grant_call::Column::ProgrammeId.eq(programme.0));
    }
    cond
}

/// A page of calls by closing time.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    filter: &GrantCallFilter,
    now: DateTime<Utc>,
    first: u64,
    after_cursor: Option<&GrantCallCursor>,
    counted: bool,
) -> StoreResult<Page<GrantCall>> {
    let total =
        crate::store::paging::count_if(c, counted, grant_call::Entity::find().filter(condition(filter, now))).await?;
    let mut query = grant_call::Entity::find().filter(condition(filter, now));
    if let Some(cursor) = after_cursor {
        query = query.filter(after(
            Expr::col((grant_call::Entity, grant_call::Column::ClosesAt)),
            Some(Expr::val(cursor.closes_at)),
            Expr::col((grant_call::Entity, grant_call::Column::Id)),
            cursor.id,
            false,
            false,
        ));
    }
    let rows = query
        .order_by_asc(grant_call::Column::ClosesAt)
        .order_by_asc(grant_call::Column::Id)
        .limit(first + 1)
        .all(c)
        .await?;
    let (rows, has_next) = cut(rows, first);
    Ok(Page { items: all(rows)?, has_next, total })
}
