//! Decisions on record as read: by ID, and in pages newest first, filtered by who decided, the
//! project and the date.

use chrono::NaiveDate;
use salkku_domain::ids::{ApplicationId, DecisionId, OrganizationId};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::StoreResult;
use crate::entities::decision;
use crate::records::Decision;
use crate::store::convert::all;
use crate::store::paging::{Page, after, count_if, cut};
use crate::store::support::one_of;

pub async fn get<C: ConnectionTrait>(c: &C, id: DecisionId) -> StoreResult<Option<Decision>> {
    decision::Entity::find_by_id(id.0).one(c).await?.map(Decision::try_from).transpose()
}

pub async fn by_ids<C: ConnectionTrait>(c: &C, ids: &[DecisionId]) -> StoreResult<Vec<Decision>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    all(decision::Entity::find().filter(one_of(c, decision::Column::Id, keys)).all(c).await?)
}

/// Which decisions a list shows.
#[derive(Debug, Clone, Default)]
pub struct DecisionFilter {
    pub organization: Option<OrganizationId>,
    pub application: Option<ApplicationId>,
    /// Decided on this day or later.
    pub from: Option<NaiveDate>,
    /// Decided on this day or earlier.
    pub to: Option<NaiveDate>,
}

/// Where a page of decisions (newest first: by date, then id) starts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DecisionCursor {
    pub on: NaiveDate,
    pub id: i64,
}

impl DecisionCursor {
    pub fn of(d: &Decision) -> Self {
        DecisionCursor { on: d.decided_on, id: d.id.0 }
    }
}

fn condition(filter: &DecisionFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(org) = filter.organization {
        cond = cond.add(decision::Column::OrganizationId.eq(org.0));
    }
    if let Some(app) = filter.application {
        cond = cond.add(decision::Column::ApplicationId.eq(app.0));
    }
    if let Some(from) = filter.from {
        cond = cond.add(decision::Column::DecidedOn.gte(from));
    }
    if let Some(to) = filter.to {
        cond = cond.add(decision::Column::DecidedOn.lte(to));
    }
    cond
}

/// A page of decisions, newest first.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    filter: &DecisionFilter,
    first: u64,
    after_cursor: Option<&DecisionCursor>,
    counted: bool,
) -> StoreResult<Page<Decision>> {
    let total = count_if(c, counted, decision::Entity::find().filter(condition(filter))).await?;
    let mut query = decision::Entity::find().filter(condition(filter));
    if let Some(cursor) = after_cursor {
        query = query.filter(after(
            Expr::col((decision::Entity, decision::Column::DecidedOn)),
            Some(Expr::val(cursor.on)),
            Expr::col((decision::Entity, decision::Column::Id)),
            cursor.id,
            true,
            false,
        ));
    }
    let rows = query
        .order_by_desc(decision::Column::DecidedOn)
        .order_by_desc(decision::Column::Id)
        .limit(first + 1)
        .all(c)
        .await?;
    let (rows, has_next) = cut(rows, first);
    Ok(Page { items: all(rows)?, has_next, total })
}
