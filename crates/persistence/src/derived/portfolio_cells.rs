//! The portfolio kept summed, so that what a portfolio costs does not grow with the portfolio: a
//! ministry's year of tens of thousands of applications is a sum over a few hundred cells, not a
//! scan.
//!
//! A cell sums the applications of one status and funder that count in one year span, once as
//! themselves (region `""`) and once in every region they name. A year span reads: every
//! application (`A`, year 0), in that year (`Y`), from that year on (`F`) or up to that year
//! (`T`), so that the year filter's open-ended periods ([`salkku_domain::period::overlaps_year`])
//! sum exactly.
//!
//! `portfolio_counted` remembers what each application last added; a command reads it beside the
//! application's row, held or with its mark ([`select_standing`]), and [`Standing::sync`] adds to
//! its writes the difference between that and the application as the command leaves it, so it
//! needs no knowledge of what changed. The application's row orders the moves of one application:
//! its lock, or its mark, which the writes check before they move anything.
//! Cells are updated in key order, so that concurrent transactions never wait for each other in a
//! circle.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query, SelectStatement};
use sea_orm::{ConnectionTrait, EntityTrait, FromQueryResult, IntoActiveModel, QueryResult, QueryTrait};

use crate::entities::{
    application as app, application_region, grant_call, portfolio_cell as cell, portfolio_counted as counted,
};
use crate::store::batch::Writes;
use crate::{StoreError, StoreResult};

pub(crate) const EVERY: &str = "A";
pub(crate) const IN_YEAR: &str = "Y";
pub(crate) const FROM_YEAR: &str = "F";
pub(crate) const UP_TO_YEAR: &str = "T";

/// A closed period longer than this counts from its first year on, less from the year after its
/// last: a period of a century must not cost a century of cells on every change.
pub(crate) const YEARS_COUNTED_ONE_BY_ONE: i32 = 12;

/// Cells per statement: ten bound parameters each, well under SQLite's limit.
const CELLS_PER_STATEMENT: usize = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Sums {
    applications: i64,
    total: i64,
    aid: i64,
    granted: i64,
    committed: i64,
}

impl Sums {
    fn add(&mut self, other: Sums, sign: i64) {
        self.applications += sign * other.applications;
        self.total += sign * other.total;
        self.aid += sign * other.aid;
        self.granted += sign * other.granted;
        self.committed += sign * other.committed;
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct CellKey {
    span: &'static str,
    year: i32,
    status: String,
    funder: i64,
    region: String,
}

/// What one application adds to the cells.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Counted {
    status: String,
    /// 0 without a call.
    funder: i64,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    /// In order, each once.
    regions: Vec<String>,
    sums: Sums,
}

impl Counted {
    /// The year spans it counts in, with the sign it counts with.
    fn spans(&self) -> Vec<(&'static str, i32, i64)> {
        let mut spans = vec![(EVERY, 0, 1)];
        match (self.start.map(|d| d.year()), self.end.map(|d| d.year())) {
            (Some(first), Some(last)) if last - first < YEARS_COUNTED_ONE_BY_ONE => {
                spans.extend((first..=last).map(|year| (IN_YEAR, year, 1)));
            }
            (Some(first), Some(last)) => spans.extend([(FROM_YEAR, first, 1), (FROM_YEAR, last + 1, -1)]),
            (Some(first), None) => spans.push((FROM_YEAR, first, 1)),
            (None, Some(last)) => spans.push((UP_TO_YEAR, last, 1)),
            // A period not known overlaps no year.
            (None, None) => {}
        }
        spans
    }

    fn add_to(&self, cells: &mut BTreeMap<CellKey, Sums>, sign: i64) {
        for (span, year, span_sign) in self.spans() {
            for region in std::iter::once("").chain(self.regions.iter().map(String::as_str)) {
                let key =
                    CellKey { span, year, status: self.status.clone(), funder: self.funder, region: region.to_owned() };
                cells.entry(key).or_default().add(self.sums, sign * span_sign);
            }
        }
    }

    fn model(&self, application_id: i64) -> counted::Model {
        counted::Model {
            application_id,
            status: self.status.clone(),
            funder_id: self.funder,
            period_start: self.start,
            period_end: self.end,
            regions: self.regions.join(","),
            total_cost_cents: self.sums.total,
            state_aid_requested_cents: self.sums.aid,
            state_aid_granted_cents: self.sums.granted,
            self_funding_committed_cents: self.sums.committed,
        }
    }

    fn from_model(m: counted::Model) -> Counted {
        Counted {
            status: m.status,
            funder: m.funder_id,
            start: m.period_start,
            end: m.period_end,
            regions: m.regions.split(',').filter(|r| !r.is_empty()).map(str::to_owned).collect(),
            sums: Sums {
                applications: 1,
                total: m.total_cost_cents,
                aid: m.state_aid_requested_cents,
                granted: m.state_aid_granted_cents,
                committed: m.self_funding_committed_cents,
            },
        }
    }
}

#[derive(Debug, FromQueryResult)]
struct ApplicationRow {
    id: i64,
    status: String,
    funder_id: Option<i64>,
    period_start: Option<NaiveDate>,
    period_end: Option<NaiveDate>,
    total: i64,
    aid: i64,
    granted: i64,
    committed: i64,
    /// Its regions' codes, comma-separated, in no particular order; `None` when it names none.
    regions: Option<String>,
}

/// What an application last added to the cells, as `portfolio_counted` remembers it; all
/// `None` for an application not counted yet.
#[derive(Debug, FromQueryResult)]
struct CountedRow {
    was_status: Option<String>,
    was_funder_id: Option<i64>,
    was_period_start: Option<NaiveDate>,
    was_period_end: Option<NaiveDate>,
    was_regions: Option<String>,
    was_total: Option<i64>,
    was_aid: Option<i64>,
    was_granted: Option<i64>,
    was_committed: Option<i64>,
}

impl CountedRow {
    fn counted(self, application_id: i64) -> Option<Counted> {
        Some(Counted::from_model(counted::Model {
            application_id,
            status: self.was_status?,
            funder_id: self.was_funder_id?,
            period_start: self.was_period_start,
            period_end: self.was_period_end,
            regions: self.was_regions?,
            total_cost_cents: self.was_total?,
            state_aid_requested_cents: self.was_aid?,
            state_aid_granted_cents: self.was_granted?,
            self_funding_committed_cents: self.was_committed?,
        }))
    }
}

/// Adds to `query`, which reads `applications`, what an application counts for as it now is
/// (its call's funder, period, figures and regions) and, with `and_was`, what it last added.
pub(crate) fn select_standing(query: &mut SelectStatement, and_was: bool) {
    let a = |column: app::Column| Expr::col((app::Entity, column));
    query
        .expr_as(a(app::Column::Id), Alias::new("id"))
        .expr_as(a(app::Column::Status), Alias::new("status"))
        .expr_as(Expr::col((grant_call::Entity, grant_call::Column::FunderId)), Alias::new("funder_id"))
        .expr_as(a(app::Column::PeriodStart), Alias::new("period_start"))
        .expr_as(a(app::Column::PeriodEnd), Alias::new("period_end"));
    super::with_figures(query);
    // `string_agg`: PostgreSQL's, and SQLite's since 3.44.
    let regions = Query::select()
        .expr(Expr::cust("string_agg(application_regions.region_code, ',')"))
        .from(application_region::Entity)
        .and_where(
            Expr::col((application_region::Entity, application_region::Column::ApplicationId))
                .equals((app::Entity, app::Column::Id)),
        )
        .to_owned();
    query.expr_as(Expr::SubQuery(None, Box::new(regions.into())), Alias::new("regions"));
    query.left_join(
        grant_call::Entity,
        Expr::col((grant_call::Entity, grant_call::Column::Id)).equals((app::Entity, app::Column::CallId)),
    );
    if and_was {
        let was = |column: counted::Column, alias: &str| {
            (Expr::col((counted::Entity, column)), Alias::new(format!("was_{alias}")))
        };
        for (expr, alias) in [
            was(counted::Column::Status, "status"),
            was(counted::Column::FunderId, "funder_id"),
            was(counted::Column::PeriodStart, "period_start"),
            was(counted::Column::PeriodEnd, "period_end"),
            was(counted::Column::Regions, "regions"),
            was(counted::Column::TotalCostCents, "total"),
            was(counted::Column::StateAidRequestedCents, "aid"),
            was(counted::Column::StateAidGrantedCents, "granted"),
            was(counted::Column::SelfFundingCommittedCents, "committed"),
        ] {
            query.expr_as(expr, alias);
        }
        query.left_join(
            counted::Entity,
            Expr::col((counted::Entity, counted::Column::ApplicationId)).equals((app::Entity, app::Column::Id)),
        );
    }
}

/// What one application counts for as it now is, and what it last added to the cells (`None`
/// when it was not counted yet, or when that was not read).
#[derive(Debug)]
pub(crate) struct Standing {
    id: i64,
    is: Counted,
    was: Option<Counted>,
}

impl Standing {
    /// Reads a row of a query made with [`select_standing`].
    pub(crate) fn of(row: &QueryResult, and_was: bool) -> StoreResult<Standing> {
        let r = ApplicationRow::from_query_result(row, "")?;
        let was = if and_was { CountedRow::from_query_result(row, "")?.counted(r.id) } else { None };
        let is = Counted {
            status: r.status,
            funder: r.funder_id.unwrap_or(0),
            start: r.period_start,
            end: r.period_end,
            regions: r
                .regions
                .iter()
                .flat_map(|named| named.split(','))
                .filter(|code| !code.is_empty())
                .map(str::to_owned)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            sums: Sums { applications: 1, total: r.total, aid: r.aid, granted: r.granted, committed: r.committed },
        };
        Ok(Standing { id: r.id, is, was })
    }

    /// A new application, counted nowhere yet: of `status` under `funder`'s call (if it has
    /// one), over its period, in `regions`, with no money yet.
    pub(crate) fn new_application(
        id: i64,
        status: salkku_domain::ApplicationStatus,
        funder: Option<i64>,
        (start, end): (Option<NaiveDate>, Option<NaiveDate>),
        regions: &[String],
    ) -> Standing {
        let mut regions = regions.to_vec();
        regions.sort();
        regions.dedup();
        let sums = Sums { applications: 1, total: 0, aid: 0, granted: 0, committed: 0 };
        let is = Counted { status: status.as_str().to_owned(), funder: funder.unwrap_or(0), start, end, regions, sums };
        Standing { id, is, was: None }
    }

    /// As it stands once its budget says `total` and `aid` (in cents).
    pub(crate) fn with_budget(mut self, total: i64, aid: i64) -> Standing {
        self.is.sums.total = total;
        self.is.sums.aid = aid;
        self
    }

    /// As it stands once its status is `status`.
    pub(crate) fn with_status(mut self, status: salkku_domain::ApplicationStatus) -> Standing {
        self.is.status = status.as_str().to_owned();
        self
    }

    /// As it stands once its call is one of `funder`'s (`None`: no call).
    pub(crate) fn with_funder(mut self, funder: Option<i64>) -> Standing {
        self.is.funder = funder.unwrap_or(0);
        self
    }

    /// As it stands once its period runs from `start` to `end`.
    pub(crate) fn with_period(mut self, start: Option<NaiveDate>, end: Option<NaiveDate>) -> Standing {
        self.is.start = start;
        self.is.end = end;
        self
    }

    /// As it stands once it names the regions `codes` (in order, each once).
    pub(crate) fn with_regions(mut self, codes: Vec<String>) -> Standing {
        self.is.regions = codes;
        self
    }

    /// As it stands once the self-funding pledged to it sums to `committed` (in cents).
    pub(crate) fn with_committed(mut self, committed: i64) -> Standing {
        self.is.sums.committed = committed;
        self
    }

    /// As it stands once the state aid allocated to it sums to `granted` (in cents).
    pub(crate) fn with_granted(mut self, granted: i64) -> Standing {
        self.is.sums.granted = granted;
        self
    }

    /// The self-funding pledged to it, in cents, as it now stands.
    pub(crate) fn committed(&self) -> i64 {
        self.is.sums.committed
    }

    /// Adds to `writes` what moves the cells from what it last added to what it counts for now.
    pub(crate) fn sync(self, writes: &mut Writes) -> StoreResult<()> {
        sync_all(writes, [self])
    }
}

/// Adds to `writes` what moves the cells of each application from what it last added to what it
/// counts for now: its new count, and the difference in the cells.
fn sync_all(writes: &mut Writes, standings: impl IntoIterator<Item = Standing>) -> StoreResult<()> {
    let mut cells = BTreeMap::new();
    let mut now_counted = Vec::new();
    for Standing { id, is, was } in standings {
        if was.as_ref() == Some(&is) {
            continue;
        }
        if let Some(was) = was {
            was.add_to(&mut cells, -1);
        }
        is.add_to(&mut cells, 1);
        now_counted.push(is.model(id).into_active_model());
    }
    if now_counted.is_empty() {
        return Ok(());
    }
    let replaced = [
        counted::Column::Status,
        counted::Column::FunderId,
        counted::Column::PeriodStart,
        counted::Column::PeriodEnd,
        counted::Column::Regions,
        counted::Column::TotalCostCents,
        counted::Column::StateAidRequestedCents,
        counted::Column::StateAidGrantedCents,
        counted::Column::SelfFundingCommittedCents,
    ];
    let upsert = counted::Entity::insert_many(now_counted)
        .on_conflict(OnConflict::column(counted::Column::ApplicationId).update_columns(replaced).to_owned())
        .into_query();
    writes.push(&upsert);
    add_to_cells(writes, cells)
}

/// What every application counts for as it now is: one statement.
async fn as_they_are<C: ConnectionTrait>(c: &C) -> StoreResult<Vec<Standing>> {
    let mut query = Query::select();
    query.from(app::Entity);
    select_standing(&mut query, false);
    let statement = c.get_database_backend().build(&query);
    c.query_all_raw(statement).await?.iter().map(|row| Standing::of(row, false)).collect()
}

/// Counts every application afresh: after a migration that brought the cells, and after a bulk
/// load.
pub(crate) async fn rebuild<C: ConnectionTrait>(c: &C) -> StoreResult<()> {
    cell::Entity::delete_many().exec(c).await?;
    counted::Entity::delete_many().exec(c).await?;
    let all = as_they_are(c).await?;
    let mut cells = BTreeMap::new();
    for standing in &all {
        standing.is.add_to(&mut cells, 1);
    }
    let models = all.iter().map(|standing| standing.is.model(standing.id)).collect();
    crate::store::bulk::insert_models::<_, counted::Entity, _>(c, models, &|_| {}).await?;
    // Cells a chunk at a time: a whole portfolio's would be too large for one statement.
    let mut writes = Writes::new(c.get_database_backend());
    add_to_cells(&mut writes, cells)?;
    writes.run(c).await
}

const SUMMED: [cell::Column; 5] = [
    cell::Column::ApplicationCount,
    cell::Column::TotalCostCents,
    cell::Column::StateAidRequestedCents,
    cell::Column::StateAidGrantedCents,
    cell::Column::SelfFundingCommittedCents,
];

/// Adds to the cells (creating those not there yet), in key order.
fn add_to_cells(writes: &mut Writes, cells: BTreeMap<CellKey, Sums>) -> StoreResult<()> {
    let cells: Vec<(CellKey, Sums)> = cells.into_iter().filter(|(_, sums)| *sums != Sums::default()).collect();
    let key = [
        cell::Column::Span,
        cell::Column::Year,
        cell::Column::Status,
        cell::Column::FunderId,
        cell::Column::RegionCode,
    ];
    for chunk in cells.chunks(CELLS_PER_STATEMENT) {
        let mut insert = Query::insert();
        insert.into_table(cell::Entity).columns(key.into_iter().chain(SUMMED));
        for (k, s) in chunk {
            insert
                .values([
                    k.span.into(),
                    k.year.into(),
                    k.status.as_str().into(),
                    k.funder.into(),
                    k.region.as_str().into(),
                    s.applications.into(),
                    s.total.into(),
                    s.aid.into(),
                    s.granted.into(),
                    s.committed.into(),
                ])
                .map_err(|e| StoreError::corrupt(e.to_string()))?;
        }
        insert.on_conflict(
            OnConflict::columns(key)
                .values(SUMMED.map(|column| {
                    (column, Expr::col((cell::Entity, column)).add(Expr::col((Alias::new("excluded"), column))))
                }))
                .to_owned(),
        );
        writes.push(&insert);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(start: Option<(i32, u32)>, end: Option<(i32, u32)>) -> Counted {
        let date = |(y, m): (i32, u32)| NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default();
        Counted {
            status: "ACTIVE".into(),
            funder: 7,
            start: start.map(date),
            end: end.map(date),
            regions: vec!["14".into(), "15".into()],
            sums: Sums { applications: 1, total: 100, aid: 80, granted: 40, committed: 20 },
        }
    }

    /// The applications counted in `year` by the cells' rule, as the read side sums them.
    fn counted_in(cells: &BTreeMap<CellKey, Sums>, year: i32) -> i64 {
        cells
            .iter()
            .filter(|(k, _)| k.region.is_empty())
            .filter(|(k, _)| match k.span {
                IN_YEAR => k.year == year,
                FROM_YEAR => k.year <= year,
                UP_TO_YEAR => k.year >= year,
                _ => false,
            })
            .map(|(_, s)| s.applications)
            .sum()
    }

    #[test]
    fn an_application_counts_in_exactly_the_years_its_period_overlaps() {
        let periods = [
            (Some((2020, 3)), Some((2022, 10))),
            (Some((2000, 1)), Some((2090, 12))),
            (Some((2021, 5)), None),
            (None, Some((2021, 5))),
            (None, None),
            (Some((2021, 5)), Some((2021, 6))),
            (Some((2010, 1)), Some((2021, 12))),
            (Some((2010, 1)), Some((2022, 1))),
        ];
        for (start, end) in periods {
            let application = counted(start, end);
            let mut cells = BTreeMap::new();
            application.add_to(&mut cells, 1);
            for year in 1990..2100 {
                let expected =
                    i64::from(salkku_domain::period::overlaps_year(application.start, application.end, year));
                assert_eq!(counted_in(&cells, year), expected, "{start:?}–{end:?} in {year}");
            }
        }
    }

    #[test]
    fn a_century_long_period_costs_a_few_cells_not_a_hundred_years_of_them() {
        let mut cells = BTreeMap::new();
        counted(Some((2000, 1)), Some((2099, 12))).add_to(&mut cells, 1);
        // Every application, from 2000 on, less from 2100 on; each as itself and in two regions.
        assert_eq!(cells.len(), 3 * 3);
    }

    #[test]
    fn taking_an_application_out_leaves_every_cell_at_zero() {
        let mut cells = BTreeMap::new();
        let application = counted(Some((2020, 3)), Some((2022, 10)));
        application.add_to(&mut cells, 1);
        application.add_to(&mut cells, -1);
        assert!(cells.values().all(|s| *s == Sums::default()));
    }

    #[test]
    fn what_was_counted_reads_back_as_it_was_written() {
        let application = counted(Some((2020, 3)), None);
        assert_eq!(Counted::from_model(application.model(5)), application);
        let without_regions = Counted { regions: vec![], ..application };
        assert_eq!(Counted::from_model(without_regions.model(5)), without_regions);
    }
}
