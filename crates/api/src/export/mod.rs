//! Exports. Spreadsheets for finance staff: `GET /export/applications.xlsx` and `.csv`, one row per
//! application with its funding figures, filtered and ordered exactly as the `applications`
//! query (the same input types parse the query string, so the same values are accepted and the
//! same errors given). And the granted portfolio as open data ([`open_data`]): 360Giving and
//! IATI, streamed.

mod columns;
pub(crate) mod csv;
pub mod open_data;
pub(crate) mod xlsx;

/// Most applications in one spreadsheet.
pub const MAX_ROWS: u64 = 100_000;
/// Most applications whose budgets get a sheet each.
pub const MAX_BUDGET_SHEETS: u64 = 250;
