//! The portfolio in figures: totals and buckets by status, region, funder and organisation,
//! computed by the database, never by loading every row.
//!
//! Each application contributes its total cost, its requested state aid, the allocations
//! recorded for it, and the commitments that count towards its self-funding, all kept on its row
//! (see `application_sums`). Those figures are also kept summed in cells by year, status, funder
//! and region (see `portfolio_cells`), which answer most portfolios at a cost that does not grow
//! with the portfolio; a filter the cells do not know sums the applications themselves.

mod cells;

use chrono::NaiveDate;
use salkku_domain::ids::{ApplicationId, OrganizationId};
use salkku_domain::{ApplicationStatus, CommitmentStatus, Money, RegionCode};
use sea_orm::sea_query::{
    Alias, Condition, Expr, ExprTrait, Func, Order, Query, SelectStatement, SimpleExpr, UnionType,
};
use sea_orm::{ConnectionTrait, FromQueryResult, Statement};
use std::num::NonZeroUsize;
use std::sync::LazyLock;

use crate::derived::with_figures;
use crate::entities::{application as app, application_region, commitment, grant_call, participant};
use crate::store::convert::money;
use crate::store::rows::{self, by_position};
use crate::store::statements::Built;
use crate::store::support::constant;
use crate::views::application_list::{ApplicationFilter, condition};
use crate::{StoreError, StoreResult};

/// Sums over a set of applications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Figures {
    pub application_count: i64,
    pub total_cost: Money,
    pub state_aid_requested: Money,
    pub state_aid_granted: Money,
    pub self_funding_committed: Money,
}

impl Figures {
    fn plus(self, other: &Figures) -> StoreResult<Figures> {
        let add = |a: Money, b: Money| a.checked_add(b).map_err(|e| StoreError::corrupt(e.to_string()));
        Ok(Figures {
            application_count: self.application_count + other.application_count,
            total_cost: add(self.total_cost, other.total_cost)?,
            state_aid_requested: add(self.state_aid_requested, other.state_aid_requested)?,
            state_aid_granted: add(self.state_aid_granted, other.state_aid_granted)?,
            self_funding_committed: add(self.self_funding_committed, other.self_funding_committed)?,
        })
    }

    /// Total cost less requested state aid: what the applicants must fund themselves.
    pub fn self_funding_required(&self) -> Result<Money, salkku_domain::DomainError> {
        self.total_cost.checked_sub(self.state_aid_requested)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Portfolio {
    pub totals: Figures,
    pub by_status: Vec<(ApplicationStatus, Figures)>,
    /// An application counts in every region it names.
    pub by_region: Vec<(RegionCode, Figures)>,
    /// By the funder of the application's call; `None` for applications without a call.
    pub by_funder: Vec<(Option<OrganizationId>, Figures)>,
    /// An application counts under every organisation that leads it or takes part in it, in any
    /// role, once.
    pub by_organization: Vec<(OrganizationId, Figures)>,
}

/// What a request asks of the portfolio: the parts not wanted are not computed, since each reads
/// the whole filtered portfolio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Wanted {
    pub totals: bool,
    pub by_status: bool,
    pub by_region: bool,
    pub by_funder: bool,
    pub by_organization: bool,
}

impl Wanted {
    /// Every part.
    pub const ALL: Wanted =
        Wanted { totals: true, by_status: true, by_region: true, by_funder: true, by_organization: true };
    /// The totals alone.
    pub const TOTALS: Wanted =
        Wanted { totals: true, by_status: false, by_region: false, by_funder: false, by_organization: false };
}

fn f(column: &str) -> SimpleExpr {
    Expr::col((Alias::new("f"), Alias::new(column)))
}

fn a(column: app::Column) -> SimpleExpr {
    Expr::col((app::Entity, column))
}

/// One row per filtered application with its figures, all kept on its row.
fn per_application(filter: &ApplicationFilter) -> SelectStatement {
    let mut query = Query::select()
        .expr_as(a(app::Column::Id), Alias::new("id"))
        .expr_as(a(app::Column::Name), Alias::new("name"))
        .expr_as(a(app::Column::Status), Alias::new("status"))
        .expr_as(a(app::Column::CallId), Alias::new("call_id"))
        .to_owned();
    with_figures(&mut query);
    query.from(app::Entity).cond_where(condition(filter)).to_owned()
}

/// One bucket's figures as the statement selects them, read by position.
#[derive(Debug)]
struct BucketRow {
    /// Which bucket list the row belongs to: totals, status, region or funder.
    part: String,
    key: Option<String>,
    n: i64,
    total: i64,
    aid: i64,
    granted: i64,
    committed: i64,
}

by_position!(type BucketRow: part, key, n, total, aid, granted, committed);

impl BucketRow {
    fn figures(&self) -> StoreResult<Figures> {
        Ok(Figures {
            application_count: self.n,
            total_cost: money(self.total)?,
            state_aid_requested: money(self.aid)?,
            state_aid_granted: money(self.granted)?,
            self_funding_committed: money(self.committed)?,
        })
    }
}

/// Portfolio statements by filter: front ends ask for the same few portfolios again and again.
static STATEMENTS: LazyLock<Built<(ApplicationFilter, Wanted, bool), Option<Statement>>> =
    LazyLock::new(|| Built::new(NonZeroUsize::MIN.saturating_add(63)));

/// Whether a filter's statement is worth keeping: not one searching for a text (users type those,
/// rarely twice alike), nor one naming more statuses than there are.
fn memorable(filter: &ApplicationFilter) -> bool {
    filter.search.is_none() && filter.statuses.len() <= ApplicationStatus::all().count()
}

/// A select of one part's bucket rows, begun: the part and the bucket's key (none for totals).
pub(crate) fn bucket(part: &str, key: Option<SimpleExpr>) -> SelectStatement {
    Query::select()
        .expr_as(constant(part), Alias::new("part"))
        .expr_as(
            key.map_or_else(|| constant(Option::<String>::None), |k| k.cast_as(Alias::new("TEXT"))),
            Alias::new("key"),
        )
        .to_owned()
}

/// Sums over the filtered applications' figures `f`, grouped by `key` (all of them when `None`).
fn sums(filter: &ApplicationFilter, part: &str, key: Option<SimpleExpr>) -> SelectStatement {
    let sum = |column: &str| Func::coalesce([f(column).sum(), constant(0)]).cast_as(Alias::new("BIGINT"));
    let mut query = bucket(part, key.clone());
    query
        .expr_as(Expr::col(sea_orm::sea_query::Asterisk).count().cast_as(Alias::new("BIGINT")), Alias::new("n"))
        .expr_as(sum("total"), Alias::new("total"))
        .expr_as(sum("aid"), Alias::new("aid"))
        .expr_as(sum("granted"), Alias::new("granted"))
        .expr_as(sum("committed"), Alias::new("committed"))
        .from_subquery(per_application(filter), Alias::new("f"));
    if key.is_some() {
        query.group_by_col(Alias::new("key"));
    }
    query
}

/// Keys in ascending order, the bucket without a key (no call, so no funder) last.
fn ordered(mut rows: Vec<BucketRow>) -> Vec<BucketRow> {
    rows.sort_by(|a, b| match (&a.key, &b.key) {
        (Some(x), Some(y)) => x.cmp(y),
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, None) => std::cmp::Ordering::Equal,
    });
    rows
}

/// The parts wanted (totals, by status, by region, by funder, in that order) summed over the
/// filtered applications themselves. Each part reads them in a subquery of its own rather than a
/// common table expression shared by all: PostgreSQL cannot estimate the rows of a materialised
/// CTE, and hashed every region of the portfolio to join them instead of the far fewer
/// applications of a year, which made the portfolio much slower (see docs/benchmarks.md).
fn scanned(filter: &ApplicationFilter, wanted: Wanted) -> Vec<SelectStatement> {
    let region = Expr::col((application_region::Entity, application_region::Column::RegionCode));
    let mut by_region = sums(filter, "region", Some(region));
    by_region.inner_join(
        application_region::Entity,
        Expr::col((application_region::Entity, application_region::Column::ApplicationId))
            .equals((Alias::new("f"), Alias::new("id"))),
    );
    let funder = Expr::col((grant_call::Entity, grant_call::Column::FunderId));
    let mut by_funder = sums(filter, "funder", Some(funder));
    by_funder.left_join(
        grant_call::Entity,
        Expr::col((grant_call::Entity, grant_call::Column::Id)).equals((Alias::new("f"), Alias::new("call_id"))),
    );
    [
        (wanted.totals, sums(filter, "totals", None)),
        (wanted.by_status, sums(filter, "status", Some(f("status")))),
        (wanted.by_region, by_region),
        (wanted.by_funder, by_funder),
    ]
    .into_iter()
    .filter_map(|(w, q)| w.then_some(q))
    .collect()
}

/// The organisations of the filtered applications, each once per application: its lead, and
/// whoever takes part in it in any role. Both halves are narrowed by the filter before the union
/// removes repeats, so a year's portfolio reads that year's parties, not everyone's.
fn taking_part(filter: &ApplicationFilter) -> SelectStatement {
    let filtered = Query::select().expr(a(app::Column::Id)).from(app::Entity).cond_where(condition(filter)).to_owned();
    let mut parties = Query::select()
        .expr_as(a(app::Column::Id), Alias::new("application_id"))
        .expr_as(a(app::Column::LeadId), Alias::new("organization_id"))
        .from(app::Entity)
        .cond_where(condition(filter))
        .to_owned();
    parties.union(
        UnionType::Distinct,
        Query::select()
            .column(participant::Column::ApplicationId)
            .column(participant::Column::OrganizationId)
            .from(participant::Entity)
            .and_where(Expr::col(participant::Column::ApplicationId).in_subquery(filtered))
            .to_owned(),
    );
    parties
}

/// Sums by organisation, over the filtered applications themselves: the cells do not know who
/// takes part.
fn by_organization(filter: &ApplicationFilter) -> SelectStatement {
    let key = Expr::col((Alias::new("p"), Alias::new("organization_id")));
    let mut query = sums(filter, "organization", Some(key));
    query.join_subquery(
        sea_orm::sea_query::JoinType::InnerJoin,
        taking_part(filter),
        Alias::new("p"),
        Expr::col((Alias::new("p"), Alias::new("application_id"))).equals((Alias::new("f"), Alias::new("id"))),
    );
    query
}

/// The figures of the applications `filter` covers: every bucket `wanted` in one statement, from
/// the portfolio's cells where they can answer (see `portfolio_cells`), else from the
/// applications. Parts not wanted are empty.
pub async fn summary<C: ConnectionTrait>(c: &C, filter: &ApplicationFilter, wanted: Wanted) -> StoreResult<Portfolio> {
    summary_from(c, filter, wanted, cells::answer(filter, wanted)).await
}

/// The same figures always summed over the applications themselves: what the cells must agree
/// with, whatever happened to the portfolio.
pub async fn summary_scanning<C: ConnectionTrait>(
    c: &C,
    filter: &ApplicationFilter,
    wanted: Wanted,
) -> StoreResult<Portfolio> {
    summary_from(c, filter, wanted, false).await
}

async fn summary_from<C: ConnectionTrait>(
    c: &C,
    filter: &ApplicationFilter,
    wanted: Wanted,
    from_cells: bool,
) -> StoreResult<Portfolio> {
    let empty = Portfolio {
        totals: Figures::default(),
        by_status: vec![],
        by_region: vec![],
        by_funder: vec![],
        by_organization: vec![],
    };
    // Every application has exactly one status, so the status buckets add up to the totals
    // exactly: one sum fewer.
    let totals_from_statuses = wanted.totals && wanted.by_status;
    let asked = Wanted { totals: wanted.totals && !totals_from_statuses, ..wanted };
    let build = || {
        let mut parts = if from_cells { cells::parts(filter, asked) } else { scanned(filter, asked) };
        if asked.by_organization {
            parts.push(by_organization(filter));
        }
        let mut selected = parts.into_iter();
        let mut all = selected.next()?;
        for part in selected {
            all.union(UnionType::All, part);
        }
        Some(c.get_database_backend().build(&all))
    };
    let backend = c.get_database_backend();
    let statement =
        if memorable(filter) { STATEMENTS.get(backend, (filter.clone(), asked, from_cells), build) } else { build() };
    let Some(statement) = statement else { return Ok(empty) };
    let rows = rows::read::<BucketRow, C>(statement, c).await?;

    let (mut totals, mut by_status, mut by_region, mut by_funder) =
        (Figures::default(), Vec::new(), Vec::new(), Vec::new());
    let mut parts: [Vec<BucketRow>; 4] = Default::default();
    for row in rows {
        match row.part.as_str() {
            "totals" => totals = row.figures()?,
            "status" => parts[0].push(row),
            "region" => parts[1].push(row),
            "funder" => parts[2].push(row),
            "organization" => parts[3].push(row),
            other => return Err(StoreError::corrupt(format!("an unknown bucket list {other:?}"))),
        }
    }
    let [statuses, regions, funders, organizations] = parts;
    for row in ordered(statuses) {
        let status = ApplicationStatus::parse(row.key.as_deref().unwrap_or(""))
            .map_err(|e| StoreError::corrupt(e.to_string()))?;
        let figures = row.figures()?;
        if totals_from_statuses {
            totals = totals.plus(&figures)?;
        }
        by_status.push((status, figures));
    }
    for row in ordered(regions) {
        let code =
            RegionCode::parse(row.key.as_deref().unwrap_or("")).map_err(|e| StoreError::corrupt(e.to_string()))?;
        by_region.push((code, row.figures()?));
    }
    for row in ordered(funders) {
        let funder = row
            .key
            .as_deref()
            .map(|k| k.parse::<i64>().map(OrganizationId).map_err(|_| StoreError::corrupt("funder id is not a number")))
            .transpose()?;
        by_funder.push((funder, row.figures()?));
    }
    let mut by_organization = Vec::with_capacity(organizations.len());
    for row in organizations {
        let id = row.key.as_deref().and_then(|k| k.parse::<i64>().ok()).map(OrganizationId);
        let id = id.ok_or_else(|| StoreError::corrupt("organisation id is not a number"))?;
        by_organization.push((id, row.figures()?));
    }
    by_organization.sort_by_key(|(id, _)| *id);
    Ok(Portfolio { totals, by_status, by_region, by_funder, by_organization })
}

/// Applications still under way whose split is not compliant (no call, no budget, aid above the
/// call's rate, self-funding not covered) or that have a requested commitment past its due date
/// on `today`; by name, at most `limit`. The SQL form of
/// [`salkku_domain::funding::FundingSplit::compliant`].
pub async fn at_risk<C: ConnectionTrait>(
    c: &C,
    filter: &ApplicationFilter,
    today: NaiveDate,
    limit: u64,
) -> StoreResult<Vec<ApplicationId>> {
    let rate = Query::select()
        .column(grant_call::Column::MaxAidRateBp)
        .from(grant_call::Entity)
        .and_where(Expr::col((grant_call::Entity, grant_call::Column::Id)).equals((app::Entity, app::Column::CallId)))
        .to_owned();
    let overdue = Query::select()
        .expr(Expr::val(1))
        .from(commitment::Entity)
        .and_where(
            Expr::col((commitment::Entity, commitment::Column::ApplicationId)).equals((app::Entity, app::Column::Id)),
        )
        .and_where(Expr::col((commitment::Entity, commitment::Column::Status)).eq(CommitmentStatus::Requested.as_str()))
        .and_where(Expr::col((commitment::Entity, commitment::Column::DueDate)).lt(today))
        .to_owned();
    let mut figures = per_application(filter);
    figures.expr_as(SimpleExpr::from(rate), Alias::new("bp")).expr_as(Expr::exists(overdue), Alias::new("overdue"));

    let finals: Vec<&str> = ApplicationStatus::all().filter(|s| s.is_final()).map(ApplicationStatus::as_str).collect();
    let max_aid = f("total").mul(f("bp")).div(10_000);
    let query = Query::select()
        .expr_as(f("id"), Alias::new("id"))
        .from_subquery(figures, Alias::new("f"))
        .and_where(f("status").is_not_in(finals))
        .cond_where(
            Condition::any()
                .add(f("call_id").is_null())
                .add(f("total").eq(0))
                .add(f("aid").gt(max_aid))
                .add(f("committed").lt(f("total").sub(f("aid"))))
                .add(f("overdue")),
        )
        .order_by_expr(f("name"), Order::Asc)
        .order_by_expr(f("id"), Order::Asc)
        .limit(limit)
        .to_owned();
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let rows = Id::find_by_statement(c.get_database_backend().build(&query)).all(c).await?;
    Ok(rows.into_iter().map(|r| ApplicationId(r.id)).collect())
}
