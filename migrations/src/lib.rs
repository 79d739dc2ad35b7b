//! The database schema of salkku, one migration per change, written with SeaQuery statements so
//! the same migration runs on SQLite and PostgreSQL. Migrations never use the application's
//! entities: those change, a migration must not.
//!
//! Conventions: money is integer cents (`*_cents`, BIGINT), rates are basis points (`*_bp`,
//! 0–10 000), codes are text checked against their closed lists, instants are timestamps with
//! time zone held to whole seconds, and every row that users change carries a `version`.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_portfolio;
mod m20261123_000002_reference_regions;
mod m20261123_000003_audit_log;
mod m20261123_000004_calendar_feeds;
mod m20261123_000005_derived_deadline_titles;
mod m20261123_000006_application_sums;
mod m20261123_000007_portfolio_cells;
mod m20261126_000008_deadline_parties;
mod m20261126_000009_deadlines_calling_for_action;
mod m20261203_000010_budget_versions;
mod m20261203_000011_change_requests;
mod m20261203_000012_decisions_and_documents;
mod m20261203_000013_reports_and_instalments;
mod m20261203_000014_reminders;
mod m20261204_000015_project_plans;
mod m20261204_000016_in_force_checked_at_commit;
mod m20261205_000017_row_as_read;

/// What migration 013 does to the data of its time: an import of an older export does it too.
pub use m20261203_000013_reports_and_instalments::BACKFILL as REPORTS_BACKFILL;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_portfolio::Migration),
            Box::new(m20261123_000002_reference_regions::Migration),
            Box::new(m20261123_000003_audit_log::Migration),
            Box::new(m20261123_000004_calendar_feeds::Migration),
            Box::new(m20261123_000005_derived_deadline_titles::Migration),
            Box::new(m20261123_000006_application_sums::Migration),
            Box::new(m20261123_000007_portfolio_cells::Migration),
            Box::new(m20261126_000008_deadline_parties::Migration),
            Box::new(m20261126_000009_deadlines_calling_for_action::Migration),
            Box::new(m20261203_000010_budget_versions::Migration),
            Box::new(m20261203_000011_change_requests::Migration),
            Box::new(m20261203_000012_decisions_and_documents::Migration),
            Box::new(m20261203_000013_reports_and_instalments::Migration),
            Box::new(m20261203_000014_reminders::Migration),
            Box::new(m20261204_000015_project_plans::Migration),
            Box::new(m20261204_000016_in_force_checked_at_commit::Migration),
            Box::new(m20261205_000017_row_as_read::Migration),
        ]
    }
}
