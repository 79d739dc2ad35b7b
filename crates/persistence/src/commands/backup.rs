//! `salkku export` and `salkku import`: the whole portfolio as one JSON document, so that data
//! moves between SQLite and PostgreSQL and a backup can be restored, lossless to the cent (money is
//! integer cents, instants are RFC 3339 in UTC, keys are kept so every ID stays valid).
//!
//! The document: `{"format": "salkku-export", "version": 1, "exportedAt": …, "tables": {name:
//! [row, …], …}}`, tables in the order they can be inserted. Export reads one consistent snapshot
//! and writes rows as it pages through them; import fills an empty database in one transaction.

use std::io::{Read, Write};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, IntoActiveModel, QueryOrder, QuerySelect};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::derived;
use crate::entities::{
    allocation, application, application_region, audit, budget_line, budget_version, budget_version_line,
    calendar_feed, change_request, change_request_line, change_request_part, change_request_partner, commitment,
    deadline, decision, document, document_content, grant_call, idempotency_key, indicator_actual,
    indicator_definition, instalment, organization, participant, payment, plan_indicator, plan_objective,
    plan_work_package, programme, reminder_item, reminder_message, reminder_setting, repayment, report_cost_line,
    report_document, report_obligation, status_change,
};
use crate::{Db, Progress, StoreError, StoreResult};

pub const FORMAT: &str = "salkku-export";
pub const VERSION: u64 = 1;

/// Rows read per query while exporting.
const CHUNK: u64 = 1_000;

fn io(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backup(format!("writing the export failed: {e}"))
}

/// What was exported or imported: rows per table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub tables: Vec<(&'static str, u64)>,
}

impl Summary {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// Every table of the portfolio, in an order that satisfies the foreign keys; the regions come
/// from the migrations and are not exported.
macro_rules! each_table {
    ($visit:ident!($($args:tt)*)) => {
        $visit!($($args)* "organizations", organization::Entity, organization::Column::Id);
        $visit!($($args)* "funding_programmes", programme::Entity, programme::Column::Id);
        $visit!($($args)* "grant_calls", grant_call::Entity, grant_call::Column::Id);
        $visit!($($args)* "applications", application::Entity, application::Column::Id);
        $visit!($($args)* "application_participants", participant::Entity, participant::Column::ApplicationId, participant::Column::OrganizationId, participant::Column::Role);
        $visit!($($args)* "application_regions", application_region::Entity, application_region::Column::ApplicationId, application_region::Column::RegionCode);
        $visit!($($args)* "budget_lines", budget_line::Entity, budget_line::Column::Id);
        $visit!($($args)* "budget_versions", budget_version::Entity, budget_version::Column::Id);
        $visit!($($args)* "budget_version_lines", budget_version_line::Entity, budget_version_line::Column::Id);
        $visit!($($args)* "plan_objectives", plan_objective::Entity, plan_objective::Column::Id);
        $visit!($($args)* "plan_work_packages", plan_work_package::Entity, plan_work_package::Column::Id);
        $visit!($($args)* "plan_indicators", plan_indicator::Entity, plan_indicator::Column::Id);
        $visit!($($args)* "indicator_definitions", indicator_definition::Entity, indicator_definition::Column::Id);
        $visit!($($args)* "decisions", decision::Entity, decision::Column::Id);
        $visit!($($args)* "commitments", commitment::Entity, commitment::Column::Id);
        $visit!($($args)* "report_obligations", report_obligation::Entity, report_obligation::Column::Id);
        $visit!($($args)* "report_cost_lines", report_cost_line::Entity, report_cost_line::Column::Id);
        $visit!($($args)* "indicator_actuals", indicator_actual::Entity, indicator_actual::Column::Id);
        $visit!($($args)* "state_aid_allocations", allocation::Entity, allocation::Column::Id);
        $visit!($($args)* "instalments", instalment::Entity, instalment::Column::Id);
        $visit!($($args)* "payments", payment::Entity, payment::Column::Id);
        $visit!($($args)* "repayments", repayment::Entity, repayment::Column::Id);
        $visit!($($args)* "deadlines", deadline::Entity, deadline::Column::Id);
        $visit!($($args)* "status_changes", status_change::Entity, status_change::Column::Id);
        $visit!($($args)* "change_requests", change_request::Entity, change_request::Column::Id);
        $visit!($($args)* "change_request_lines", change_request_line::Entity, change_request_line::Column::Id);
        $visit!($($args)* "change_request_parts", change_request_part::Entity, change_request_part::Column::RequestId, change_request_part::Column::Kind);
        $visit!($($args)* "change_request_partners", change_request_partner::Entity, change_request_partner::Column::RequestId, change_request_partner::Column::OrganizationId);
        $visit!($($args)* "documents", document::Entity, document::Column::Id);
        $visit!($($args)* "document_contents", document_content::Entity, document_content::Column::DocumentId);
        $visit!($($args)* "report_documents", report_document::Entity, report_document::Column::ReportId, report_document::Column::DocumentId);
        $visit!($($args)* "calendar_feeds", calendar_feed::Entity, calendar_feed::Column::Id);
        $visit!($($args)* "idempotency_keys", idempotency_key::Entity, idempotency_key::Column::Subject, idempotency_key::Column::Key);
        $visit!($($args)* "audit_log", audit::entry::Entity, audit::entry::Column::Id);
        $visit!($($args)* "audit_log_objects", audit::object::Entity, audit::object::Column::EntryId, audit::object::Column::ObjectId);
        $visit!($($args)* "reminder_settings", reminder_setting::Entity, reminder_setting::Column::Subject);
        $visit!($($args)* "reminder_messages", reminder_message::Entity, reminder_message::Column::Id);
        $visit!($($args)* "reminder_items", reminder_item::Entity, reminder_item::Column::Id);
    };
}

async fn write_table<C, E, W>(
    c: &C,
    out: &mut W,
    first: &mut bool,
    name: &'static str,
    order: Vec<E::Column>,
    progress: Progress<'_>,
) -> StoreResult<u64>
where
    C: ConnectionTrait,
    E: EntityTrait,
    E::Model: Serialize + Sync,
    W: Write,
{
    write!(out, "{}\n  {}: [", if *first { "" } else { "," }, serde_json::to_string(name).map_err(io)?).map_err(io)?;
    *first = false;
    let mut written = 0_u64;
    // A document's bytes may be megabytes: those rows are read one at a time.
    let chunk = if name == "document_contents" { 1 } else { CHUNK };
    loop {
        let mut query = E::find();
        for column in &order {
            query = query.order_by_asc(*column);
        }
        let rows = query.offset(written).limit(chunk).all(c).await?;
        for row in &rows {
            write!(out, "{}\n    ", if written == 0 { "" } else { "," }).map_err(io)?;
            serde_json::to_writer(&mut *out, row).map_err(io)?;
            written += 1;
        }
        progress(name, written, None);
        if (rows.len() as u64) < chunk {
            break;
        }
    }
    write!(out, "{}]", if written == 0 { "" } else { "\n  " }).map_err(io)?;
    Ok(written)
}

/// Writes the whole portfolio to `out`, from one consistent snapshot of the database.
pub async fn export<W: Write>(db: &Db, out: W, now: DateTime<Utc>) -> StoreResult<Summary> {
    export_with_progress(db, out, now, &|_, _, _| {}).await
}

/// [`export`], telling `progress` the rows written so far of each table.
pub async fn export_with_progress<W: Write>(
    db: &Db,
    mut out: W,
    now: DateTime<Utc>,
    progress: Progress<'_>,
) -> StoreResult<Summary> {
    let tx = db.begin_snapshot().await?;
    write!(
        out,
        "{{\n\"format\": {},\n\"version\": {VERSION},\n\"exportedAt\": {},\n\"tables\": {{",
        serde_json::to_string(FORMAT).map_err(io)?,
        serde_json::to_string(&now).map_err(io)?
    )
    .map_err(io)?;
    let mut summary = Summary::default();
    let mut first = true;
    macro_rules! export_table {
        ($name:literal, $entity:ty, $($column:expr),+) => {
            let n = write_table::<_, $entity, _>(&*tx, &mut out, &mut first, $name, vec![$($column),+], progress).await?;
            summary.tables.push(($name, n));
        };
    }
    each_table!(export_table!());
    writeln!(out, "\n}}\n}}").map_err(io)?;
    out.flush().map_err(io)?;
    tx.commit().await?;
    Ok(summary)
}

/// The parsed document, tables as JSON rows.
#[derive(serde::Deserialize)]
struct Document {
    format: String,
    version: u64,
    tables: serde_json::Map<String, serde_json::Value>,
}

async fn insert_table<C, E>(
    c: &C,
    tables: &mut serde_json::Map<String, serde_json::Value>,
    name: &'static str,
    progress: Progress<'_>,
) -> StoreResult<u64>
where
    C: ConnectionTrait,
    E: EntityTrait,
    E::Model: DeserializeOwned + IntoActiveModel<E::ActiveModel>,
{
    let Some(value) = tables.remove(name) else { return Ok(0) };
    let rows: Vec<E::Model> =
        serde_json::from_value(value).map_err(|e| StoreError::Backup(format!("table {name} cannot be read: {e}")))?;
    let total = rows.len() as u64;
    crate::store::bulk::insert_models::<_, E, _>(c, rows, &|done| progress(name, done, Some(total))).await
}

/// Reads an export into an empty database (migrated first), in one transaction.
pub async fn import<R: Read>(db: &Db, input: R) -> StoreResult<Summary> {
    import_with_progress(db, input, &|_, _, _| {}).await
}

/// [`import`], telling `progress` the rows inserted so far of each table, and of how many.
pub async fn import_with_progress<R: Read>(db: &Db, input: R, progress: Progress<'_>) -> StoreResult<Summary> {
    let document: Document = serde_json::from_reader(std::io::BufReader::new(input))
        .map_err(|e| StoreError::Backup(format!("the file is not a salkku export: {e}")))?;
    if document.format != FORMAT || document.version != VERSION {
        return Err(StoreError::Backup(format!(
            "the file is a {} version {} document; this salkku reads {FORMAT} version {VERSION}",
            document.format, document.version
        )));
    }
    crate::store::bulk::ensure_empty(db).await?;
    let mut tables = document.tables;
    let had_reports = tables.contains_key("report_obligations");
    let tx = db.begin_write().await?;
    let mut summary = Summary::default();
    macro_rules! import_table {
        ($name:literal, $entity:ty, $($column:expr),+) => {
            let n = insert_table::<_, $entity>(&*tx, &mut tables, $name, progress).await?;
            summary.tables.push(($name, n));
        };
    }
    each_table!(import_table!());
    if let Some(unknown) = tables.keys().next() {
        return Err(StoreError::Backup(format!("the file holds a table this salkku does not know: {unknown}")));
    }
    // An export from before budget versions holds none: its applications get theirs as the
    // migration gave them.
    crate::commands::budget_versions::derive_for_loaded(&*tx).await?;
    // One from before report obligations: its applications' report dates become their final
    // reports, with their deadlines, as the migration made them.
    if !had_reports {
        for statement in salkku_migrations::REPORTS_BACKFILL {
            tx.execute_unprepared(statement).await?;
        }
    }
    // Keys were inserted as they were: move each sequence past the largest.
    crate::store::bulk::move_sequences(&*tx, db.backend()).await?;
    derived::rebuild(&*tx).await?;
    tx.commit().await?;
    Ok(summary)
}
