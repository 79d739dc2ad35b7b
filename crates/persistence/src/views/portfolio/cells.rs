//! Portfolios answered from the cells the portfolio is kept summed in (see
//! `derived::portfolio_cells`, which keeps them): a sum over a few hundred cells rather than a
//! scan of the applications, for every filter the cells know.

use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Func, SelectStatement, SimpleExpr};

use super::Wanted;
use crate::derived::portfolio_cells::{EVERY, FROM_YEAR, IN_YEAR, UP_TO_YEAR};
use crate::entities::portfolio_cell as cell;
use crate::store::support::constant;
use crate::views::application_list::ApplicationFilter;

/// Whether the cells answer `filter`: they know statuses, years, funders and regions, not calls,
/// leads or names; and since an application counts in every region it names, the regions of the
/// applications naming one region need the applications themselves.
pub(crate) fn answer(filter: &ApplicationFilter, wanted: Wanted) -> bool {
    let searching = filter.search.as_deref().is_some_and(|s| !s.trim().is_empty());
    filter.call.is_none()
        && filter.lead.is_none()
        && filter.participant.is_none()
        && !searching
        && !(filter.region.is_some() && wanted.by_region)
}

fn c(column: cell::Column) -> SimpleExpr {
    Expr::col((cell::Entity, column))
}

/// The cells of the filtered applications' year, statuses and funder.
fn covering(filter: &ApplicationFilter) -> Condition {
    let span = |code: &str| c(cell::Column::Span).eq(constant(code));
    let mut cond = Condition::all();
    cond = match filter.year {
        None => cond.add(span(EVERY)),
        Some(year) => cond.add(
            Condition::any()
                .add(span(IN_YEAR).and(c(cell::Column::Year).eq(year)))
                .add(span(FROM_YEAR).and(c(cell::Column::Year).lte(year)))
                .add(span(UP_TO_YEAR).and(c(cell::Column::Year).gte(year))),
        ),
    };
    if !filter.statuses.is_empty() {
        cond = cond.add(c(cell::Column::Status).is_in(filter.statuses.iter().map(|s| s.as_str())));
    }
    if let Some(funder) = filter.funder {
        cond = cond.add(c(cell::Column::FunderId).eq(funder.0));
    }
    cond
}

/// Sums of the cells under `cond`, grouped by `key` (all in one when `None`), in the portfolio's
/// bucket rows.
fn sums(part: &str, key: Option<SimpleExpr>, cond: Condition) -> SelectStatement {
    let sum = |column: cell::Column| Func::coalesce([c(column).sum(), constant(0)]).cast_as(Alias::new("BIGINT"));
    let mut query = crate::views::portfolio::bucket(part, key.clone());
    query
        .expr_as(sum(cell::Column::ApplicationCount), Alias::new("n"))
        .expr_as(sum(cell::Column::TotalCostCents), Alias::new("total"))
        .expr_as(sum(cell::Column::StateAidRequestedCents), Alias::new("aid"))
        .expr_as(sum(cell::Column::StateAidGrantedCents), Alias::new("granted"))
        .expr_as(sum(cell::Column::SelfFundingCommittedCents), Alias::new("committed"))
        .from(cell::Entity)
        .cond_where(cond);
    if key.is_some() {
        // Cells of applications that moved on stay behind at zero.
        query.group_by_col(Alias::new("key")).and_having(c(cell::Column::ApplicationCount).sum().gt(constant(0)));
    }
    query
}

/// The parts wanted (totals, by status, by region, by funder, in that order) as bucket rows.
pub(crate) fn parts(filter: &ApplicationFilter, wanted: Wanted) -> Vec<SelectStatement> {
    // The cells that count each application once: as itself, or in the region filtered by.
    let once = || {
        let region = filter.region.as_ref().map_or_else(|| constant(""), |r| Expr::val(r.as_str()));
        covering(filter).add(c(cell::Column::RegionCode).eq(region))
    };
    let funder = Expr::case(c(cell::Column::FunderId).eq(constant(0)), constant(Option::<String>::None))
        .finally(c(cell::Column::FunderId).cast_as(Alias::new("TEXT")));
    [
        (wanted.totals, sums("totals", None, once())),
        (wanted.by_status, sums("status", Some(c(cell::Column::Status)), once())),
        (
            wanted.by_region,
            sums(
                "region",
                Some(c(cell::Column::RegionCode)),
                covering(filter).add(c(cell::Column::RegionCode).ne(constant(""))),
            ),
        ),
        (wanted.by_funder, sums("funder", Some(funder.into()), once())),
    ]
    .into_iter()
    .filter_map(|(w, q)| w.then_some(q))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sea_query::Query;

    /// The statement of a year's portfolio, every part wanted, as PostgreSQL receives it.
    fn portfolio_of(year: i32) -> sea_orm::Statement {
        let filter = ApplicationFilter { year: Some(year), ..ApplicationFilter::default() };
        let wanted = Wanted::ALL;
        let mut parts = parts(&filter, wanted).into_iter();
        let mut all = parts.next().unwrap_or_else(Query::select);
        for part in parts {
            all.union(sea_orm::sea_query::UnionType::All, part);
        }
        sea_orm::DbBackend::Postgres.build(&all)
    }

    #[test]
    fn a_years_portfolio_binds_the_year_and_nothing_else() {
        // Bound constants made PostgreSQL plan the statement again on every run.
        let statement = portfolio_of(2022);
        let values = statement.values.map(|v| v.0).unwrap_or_default();
        assert!(!values.is_empty());
        assert!(values.iter().all(|v| *v == sea_orm::Value::Int(Some(2022))), "{values:?}");
        assert!(statement.sql.contains("'Y'") && statement.sql.contains("'region'"), "{}", statement.sql);
    }
}
