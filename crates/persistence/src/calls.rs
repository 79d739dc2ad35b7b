//! Grant calls (valtionavustushaut): funder, application period, maximum aid rate.

use chrono::{DateTime, Utc};
use salkku_domain::call::{GrantCallStatus, check_application_period};
use salkku_domain::ids::{GrantCallId, NodeKind, OrganizationId, ProgrammeId};
use salkku_domain::{Money, Rate};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::convert::all;
use crate::deadlines::{self, Derived, Source};
use crate::entities::{grant_call, organization, programme};
use crate::paging::{Page, after, cut};
use crate::records::GrantCall;
use crate::rows;
use crate::support::{one_of, referenced};
use crate::{Change, Db, StoreError, StoreResult, audit, idempotency};

#[derive(Debug, Clone)]
pub struct NewGrantCall {
    pub title: String,
    pub funder: OrganizationId,
    pub programme: Option<ProgrammeId>,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: DateTime<Utc>,
    pub max_aid_rate: Rate,
    pub in_kind_counts: bool,
    pub envelope: Option<Money>,
    pub url: Option<String>,
}

/// Creates the call and its closing deadline; a replay of `idempotency_key` returns the first one.
pub async fn create(
    db: &Db,
    change: &Change<'_>,
    new: NewGrantCall,
    idempotency_key: Option<&str>,
) -> StoreResult<GrantCall> {
    check_application_period(new.opens_at, new.closes_at).map_err(|e| StoreError::rule("closesAt", e))?;
    idempotency::once(
        db,
        idempotency::Request { actor: change.actor, operation: change.operation, key: idempotency_key, now: change.at },
        |x: &GrantCall| x.id.0,
        |tx| async move {
            let created = insert(&*tx, change, new).await?;
            Ok((created, tx))
        },
        |db, id| async move {
            get(db.conn(), GrantCallId(id)).await?.ok_or_else(|| StoreError::corrupt("a replayed object is gone"))
        },
    )
    .await
}

async fn insert<C: ConnectionTrait>(tx: &C, change: &Change<'_>, new: NewGrantCall) -> StoreResult<GrantCall> {
    let now = change.at;
    referenced::<organization::Entity, _>(tx, "funderId", NodeKind::Organization, new.funder.0).await?;
    if let Some(p) = new.programme {
        referenced::<programme::Entity, _>(tx, "programmeId", NodeKind::FundingProgramme, p.0).await?;
    }
    let row = grant_call::ActiveModel {
        title: Set(new.title),
        funder_id: Set(new.funder.0),
        programme_id: Set(new.programme.map(|p| p.0)),
        opens_at: Set(new.opens_at),
        closes_at: Set(new.closes_at),
        max_aid_rate_bp: Set(i32::from(new.max_aid_rate.basis_points())),
        in_kind_counts: Set(new.in_kind_counts),
        envelope_cents: Set(new.envelope.map(Money::cents)),
        url: Set(new.url),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    let call = GrantCall::try_from(row)?;
    let closing = Derived {
        title: call.title.clone(),
        due_at: call.closes_at,
        application: None,
        call: Some(call.id),
        commitment: None,
    };
    deadlines::sync(tx, Source::CallCloses(call.id), Some(closing), now).await?;
    audit::record(tx, change, &[call.id.global()], None::<&()>, Some(&call)).await?;
    Ok(call)
}

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
    let total = crate::paging::count_if(c, counted, grant_call::Entity::find().filter(condition(filter, now))).await?;
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
