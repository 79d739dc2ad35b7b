//! Cash flow: state aid planned, requested, paid and returned per month, quarter or year, summed
//! by the database in integer cents. Instalments count by their due date (planned: every one not
//! cancelled; requested: those requested and not yet paid), payments by the day they were paid,
//! repayments by the day they came back.

use chrono::{Datelike, NaiveDate};
use salkku_domain::ids::OrganizationId;
use salkku_domain::instalment::InstalmentStatus;
use salkku_domain::{ApplicationStatus, DomainError, Money, RegionCode};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement, Value};

use crate::store::convert::money;
use crate::{StoreError, StoreResult};

/// The periods a cash flow is summed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    Month,
    Quarter,
    Year,
}

/// The most periods one cash flow holds.
pub const MAX_PERIODS: usize = 600;

/// Which money a cash flow counts: that of allocations from this funder, to this organisation,
/// for projects in this region or these statuses.
#[derive(Debug, Clone, Default)]
pub struct CashFlowFilter {
    pub funder: Option<OrganizationId>,
    pub organization: Option<OrganizationId>,
    pub region: Option<RegionCode>,
    pub statuses: Vec<ApplicationStatus>,
}

/// One period's sums.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Period {
    /// "2021-03", "2021-Q1" or "2021".
    pub key: String,
    pub starts: NaiveDate,
    pub ends: NaiveDate,
    pub planned: Money,
    pub requested: Money,
    pub paid: Money,
    pub returned: Money,
}

/// The periods from the one holding `from` to the one holding `to`, in order.
pub fn periods(
    from: NaiveDate,
    to: NaiveDate,
    interval: Interval,
) -> Result<Vec<(String, NaiveDate, NaiveDate)>, DomainError> {
    if to < from {
        return Err(DomainError::InvalidPeriod(salkku_domain::message!(
            fi: "kassavirran loppu ({to}) on ennen sen alkua ({from})",
            sv: "kassaflödets slut ({to}) är före dess början ({from})",
            en: "the cash flow's end ({to}) comes before its start ({from})",
        )));
    }
    let months = match interval {
        Interval::Month => 1,
        Interval::Quarter => 3,
        Interval::Year => 12,
    };
    let first_month = (from.month0() / months) * months;
    let mut start = NaiveDate::from_ymd_opt(from.year(), first_month + 1, 1).unwrap_or(from);
    let mut out = Vec::new();
    while start <= to {
        let next = start.checked_add_months(chrono::Months::new(months)).unwrap_or(NaiveDate::MAX);
        let key = match interval {
            Interval::Month => format!("{:04}-{:02}", start.year(), start.month()),
            Interval::Quarter => format!("{:04}-Q{}", start.year(), start.month0() / 3 + 1),
            Interval::Year => format!("{:04}", start.year()),
        };
        out.push((key, start, next.pred_opt().unwrap_or(next)));
        if out.len() > MAX_PERIODS {
            return Err(DomainError::InvalidPeriod(salkku_domain::message!(
                fi: "kassavirrassa on enintään {MAX_PERIODS} jaksoa: lyhennä aikaväliä tai pidennä jaksoa",
                sv: "ett kassaflöde har högst {MAX_PERIODS} perioder: korta tidsrymden eller förläng perioden",
                en: "a cash flow holds at most {MAX_PERIODS} periods: shorten the range or lengthen the interval",
            )));
        }
        start = next;
    }
    Ok(out)
}

/// The period key of a date column, written by the database.
fn bucket(backend: DbBackend, column: &str, interval: Interval) -> String {
    match (backend, interval) {
        (DbBackend::Postgres, Interval::Month) => format!("to_char({column}, 'YYYY-MM')"),
        (DbBackend::Postgres, Interval::Quarter) => format!("to_char({column}, 'YYYY-\"Q\"Q')"),
        (DbBackend::Postgres, Interval::Year) => format!("to_char({column}, 'YYYY')"),
        (_, Interval::Month) => format!("substr({column}, 1, 7)"),
        (_, Interval::Quarter) => {
            format!("substr({column}, 1, 4) || '-Q' || ((CAST(substr({column}, 6, 2) AS INTEGER) + 2) / 3)")
        }
        (_, Interval::Year) => format!("substr({column}, 1, 4)"),
    }
}

/// A statement's text and its values, with the backend's placeholders.
struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        match self.backend {
            DbBackend::Postgres => format!("${}", self.values.len()),
            _ => "?".to_owned(),
        }
    }
}

#[derive(Debug, FromQueryResult)]
struct Row {
    period: String,
    a: i64,
    b: i64,
}

/// The sums of one source: (period, first sum, second sum).
async fn sums<C: ConnectionTrait>(c: &C, sql: Sql) -> StoreResult<Vec<Row>> {
    let statement = Statement::from_sql_and_values(sql.backend, sql.text, sql.values);
    Ok(Row::find_by_statement(statement).all(c).await?)
}

/// Where a funder or a recipient is read: the allocation `a` of the row, or any allocation of the
/// project `p`.
#[derive(Clone, Copy)]
enum Party {
    Allocation(&'static str),
    OfProject(&'static str),
}

impl Party {
    fn is(self, at: &str) -> String {
        match self {
            Party::Allocation(column) => format!(" AND a.{column} = {at}"),
            Party::OfProject(column) => format!(
                " AND EXISTS (SELECT 1 FROM state_aid_allocations a WHERE a.application_id = p.id AND a.{column} = {at})"
            ),
        }
    }
}

/// The conditions of `filter` on the allocation `a` and the project `p`.
fn narrow(sql: &mut Sql, filter: &CashFlowFilter, funder: Party, recipient: Party) -> String {
    let mut out = String::new();
    if let Some(f) = filter.funder {
        let at = sql.bind(f.0);
        out.push_str(&funder.is(&at));
    }
    if let Some(o) = filter.organization {
        let at = sql.bind(o.0);
        out.push_str(&recipient.is(&at));
    }
    if let Some(region) = filter.region {
        let at = sql.bind(region.as_str());
        out.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM application_regions r WHERE r.application_id = p.id AND r.region_code = {at})"
        ));
    }
    if !filter.statuses.is_empty() {
        let list: Vec<String> = filter.statuses.iter().map(|s| sql.bind(s.as_str())).collect();
        out.push_str(&format!(" AND p.status IN ({})", list.join(", ")));
    }
    out
}

/// The cash flow from `from` to `to` by `interval`: every period, empty ones included.
pub async fn cash_flow<C: ConnectionTrait>(
    c: &C,
    from: NaiveDate,
    to: NaiveDate,
    interval: Interval,
    filter: &CashFlowFilter,
) -> StoreResult<Vec<Period>> {
    let slots = periods(from, to, interval)?;
    let (Some(first), Some(last)) = (slots.first(), slots.last()) else { return Ok(Vec::new()) };
    let (start, end) = (first.1, last.2);
    let backend = c.get_database_backend();
    let cents = |e: &str| format!("CAST(COALESCE(SUM({e}), 0) AS BIGINT)");

    let mut sql = Sql { backend, text: String::new(), values: Vec::new() };
    let (s, e) = (sql.bind(start), sql.bind(end));
    let cancelled = InstalmentStatus::Cancelled.as_str();
    let requested = InstalmentStatus::Requested.as_str();
    let where_ = narrow(&mut sql, filter, Party::Allocation("funder_id"), Party::Allocation("recipient_id"));
    sql.text = format!(
        "SELECT {period} AS period, {planned} AS a, {requested_sum} AS b FROM instalments i \
         JOIN state_aid_allocations a ON a.id = i.allocation_id LEFT JOIN applications p ON p.id = a.application_id \
         WHERE i.due_on >= {s} AND i.due_on <= {e}{where_} GROUP BY 1",
        period = bucket(backend, "i.due_on", interval),
        planned = cents(&format!("CASE WHEN i.status <> '{cancelled}' THEN i.amount_cents ELSE 0 END")),
        requested_sum = cents(&format!("CASE WHEN i.status = '{requested}' THEN i.amount_cents ELSE 0 END")),
    );
    let planned = sums(c, sql).await?;

    let mut sql = Sql { backend, text: String::new(), values: Vec::new() };
    let (s, e) = (sql.bind(start), sql.bind(end));
    let where_ = narrow(&mut sql, filter, Party::Allocation("funder_id"), Party::Allocation("recipient_id"));
    sql.text = format!(
        "SELECT {period} AS period, {paid} AS a, CAST(0 AS BIGINT) AS b FROM payments x \
         JOIN state_aid_allocations a ON a.id = x.allocation_id LEFT JOIN applications p ON p.id = a.application_id \
         WHERE x.paid_on >= {s} AND x.paid_on <= {e}{where_} GROUP BY 1",
        period = bucket(backend, "x.paid_on", interval),
        paid = cents("x.amount_cents"),
    );
    let paid = sums(c, sql).await?;

    // A repayment belongs to its project: it counts for any funder or recipient of its allocations.
    let mut sql = Sql { backend, text: String::new(), values: Vec::new() };
    let (s, e) = (sql.bind(start), sql.bind(end));
    let where_ = narrow(&mut sql, filter, Party::OfProject("funder_id"), Party::OfProject("recipient_id"));
    sql.text = format!(
        "SELECT {period} AS period, {returned} AS a, CAST(0 AS BIGINT) AS b FROM repayments x \
         JOIN applications p ON p.id = x.application_id \
         WHERE x.returned_on >= {s} AND x.returned_on <= {e}{where_} GROUP BY 1",
        period = bucket(backend, "x.returned_on", interval),
        returned = cents("x.amount_cents"),
    );
    let returned = sums(c, sql).await?;

    let find = |rows: &[Row], key: &str| rows.iter().find(|r| r.period == key).map_or((0, 0), |r| (r.a, r.b));
    slots
        .into_iter()
        .map(|(key, starts, ends)| {
            let (p, r) = find(&planned, &key);
            let (paid_cents, _) = find(&paid, &key);
            let (returned_cents, _) = find(&returned, &key);
            Ok(Period {
                key,
                starts,
                ends,
                planned: money(p)?,
                requested: money(r)?,
                paid: money(paid_cents)?,
                returned: money(returned_cents)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn quarters_run_from_the_one_holding_the_start_to_the_one_holding_the_end() {
        let q = periods(d(2020, 11, 15), d(2021, 4, 1), Interval::Quarter).unwrap();
        let keys: Vec<_> = q.iter().map(|(k, _, _)| k.as_str()).collect();
        assert_eq!(keys, ["2020-Q4", "2021-Q1", "2021-Q2"]);
        assert_eq!((q[1].1, q[1].2), (d(2021, 1, 1), d(2021, 3, 31)));
        assert!(periods(d(2021, 1, 1), d(2020, 1, 1), Interval::Year).is_err());
        assert!(periods(d(1990, 1, 1), d(2100, 1, 1), Interval::Month).is_err(), "too many periods");
    }
}
