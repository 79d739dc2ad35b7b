//! Indicator actuals: the values a project reached, stated with its interim and final reports.
//! A submission states its report's actuals anew (a returned report is corrected by submitting
//! it again); once the report is accepted they are locked, as the report can no longer move.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Datelike, Utc};
use salkku_domain::DomainError;
use salkku_domain::ids::{IndicatorId, ReportId};
use salkku_domain::indicator::{self, IndicatorUnit, Measure};
use sea_orm::sea_query::{OnConflict, SelectStatement};
use sea_orm::{ColumnTrait, Condition, DbBackend, EntityTrait, QueryFilter, QueryResult, QueryTrait, Set};

use crate::entities::{indicator_actual, plan_indicator};
use crate::records::{Application, Report};
use crate::store::batch::Writes;
use crate::store::nested::{Children, children, with_children_of};
use crate::store::support::any_of;
use crate::{Concerning, StoreError, StoreResult};

/// An actual as a submission states it.
#[derive(Debug, Clone)]
pub struct NewActual {
    pub indicator: IndicatorId,
    pub year: i32,
    /// The value as written, read in the indicator's unit.
    pub value: String,
    pub note: Option<String>,
}

/// An actual as the audit log shows it.
#[derive(Debug, serde::Serialize)]
pub(crate) struct Stated {
    indicator: IndicatorId,
    year: i32,
    value: String,
    note: Option<String>,
}

fn at(i: usize, field: &str) -> impl FnOnce(DomainError) -> StoreError {
    let field = format!("actuals[{i}].{field}");
    move |source| StoreError::RuleAt { field, source }
}

/// Adds to `query`, which reads the report (`report_obligations`), the indicators `actuals` name
/// and the years other reports stated for them, as [`check`] reads them back; nothing when there
/// are none.
pub(crate) fn with_reads(backend: DbBackend, query: &mut SelectStatement, actuals: &[NewActual]) {
    if actuals.is_empty() {
        return;
    }
    let ids: Vec<i64> = actuals.iter().map(|a| a.indicator.0).collect();
    let (named_sql, named_ids) = any_of(backend, "t.id", &ids);
    let named = Children { child: plan_indicator::Entity, filter: named_sql, order: None };
    with_children_of(backend, query, NAMED, named, named_ids);
    let (taken_sql, taken_ids) = any_of(backend, "t.indicator_id", &ids);
    let taken = Children {
        child: indicator_actual::Entity,
        filter: format!("{taken_sql} AND t.report_id <> report_obligations.id"),
        order: None,
    };
    with_children_of(backend, query, TAKEN, taken, taken_ids);
}

const NAMED: &str = "actuals_indicators";
const TAKEN: &str = "actuals_taken";

/// Checks the actuals a report states: each on an indicator of the report's own project, in the
/// indicator's unit, for a year the project runs in, and for a year no other report has stated
/// for that indicator (the indicators named and those years read with [`with_reads`] in `row`).
/// The project's row is held by the caller, as a decision on a change request holds it: an
/// indicator is not removed by a decision while its actuals are being stated, nor stated while
/// it is removed.
pub(crate) fn check(
    row: &QueryResult,
    report: &Report,
    project: &Application,
    actuals: &[NewActual],
) -> StoreResult<Vec<Stated>> {
    indicator::check_report_takes_actuals(report.kind, actuals.len())
        .map_err(|e| StoreError::rule(Concerning::Actuals, e))?;
    if actuals.is_empty() {
        return Ok(Vec::new());
    }
    indicator::check_project_takes_actuals(project.status).map_err(|e| StoreError::rule(Concerning::Actuals, e))?;
    let indicators: HashMap<i64, plan_indicator::Model> =
        children::<plan_indicator::Model>(row, NAMED)?.into_iter().map(|i| (i.id, i)).collect();
    let taken: BTreeSet<(i64, i32)> =
        children::<indicator_actual::Model>(row, TAKEN)?.into_iter().map(|a| (a.indicator_id, a.year)).collect();
    let mut seen = BTreeSet::new();
    let mut stated = Vec::with_capacity(actuals.len());
    for (i, a) in actuals.iter().enumerate() {
        let Some(row) = indicators.get(&a.indicator.0) else {
            return Err(at(i, "indicatorId")(DomainError::InvalidId(salkku_domain::message!(
                fi: "mittaria ei ole",
                sv: "indikatorn finns inte",
                en: "no such indicator exists",
            ))));
        };
        if row.application_id != project.id.0 {
            return Err(at(i, "indicatorId")(DomainError::InvalidCode(salkku_domain::message!(
                fi: "selvitys raportoi vain oman hankkeensa mittareita",
                sv: "en redovisning rapporterar bara sitt eget projekts indikatorer",
                en: "a report states actuals only for its own project's indicators",
            ))));
        }
        let unit = IndicatorUnit::parse(&row.unit).map_err(|e| StoreError::corrupt(e.to_string()))?;
        let value = Measure::parse(unit, &a.value).map_err(at(i, "value"))?;
        let (first, last) = (project.period_start.map(|d| d.year()), project.period_end.map(|d| d.year()));
        indicator::check_actual_year(a.year, first, last).map_err(at(i, "year"))?;
        let twice = !seen.insert((a.indicator.0, a.year)) || taken.contains(&(a.indicator.0, a.year));
        indicator::check_period_free(&row.key, a.year, twice).map_err(at(i, "year"))?;
        stated.push(Stated { indicator: a.indicator, year: a.year, value: value.to_string(), note: a.note.clone() });
    }
    Ok(stated)
}

/// Adds to `writes` the actuals `stated` in place of those the report stated before. A period
/// is stated once (a unique index on indicator and year): a resubmission that states a period
/// again updates its row, and the report's other periods go. The two touch different rows, so on
/// PostgreSQL they may run in one statement in either order.
pub(crate) fn add_writes(writes: &mut Writes, report: ReportId, stated: &[Stated], now: DateTime<Utc>) {
    let mut kept = Condition::any();
    for s in stated {
        kept = kept.add(
            Condition::all()
                .add(indicator_actual::Column::IndicatorId.eq(s.indicator.0))
                .add(indicator_actual::Column::Year.eq(s.year)),
        );
    }
    let mut gone = indicator_actual::Entity::delete_many().filter(indicator_actual::Column::ReportId.eq(report.0));
    if !stated.is_empty() {
        gone = gone.filter(kept.not());
    }
    writes.push(&gone.into_query());
    if stated.is_empty() {
        return;
    }
    let rows = stated.iter().map(|s| indicator_actual::ActiveModel {
        indicator_id: Set(s.indicator.0),
        report_id: Set(report.0),
        year: Set(s.year),
        value: Set(s.value.clone()),
        note: Set(s.note.clone()),
        created_at: Set(now),
        ..Default::default()
    });
    let again = OnConflict::columns([indicator_actual::Column::IndicatorId, indicator_actual::Column::Year])
        .update_columns([
            indicator_actual::Column::ReportId,
            indicator_actual::Column::Value,
            indicator_actual::Column::Note,
            indicator_actual::Column::CreatedAt,
        ])
        .to_owned();
    writes.push(&indicator_actual::Entity::insert_many(rows).on_conflict(again).into_query());
}
