//! The export as CSV (RFC 4180, UTF-8): stable English keys in the header, codes for statuses,
//! money as exact decimal strings ("700000.00"), no totals row — a file for programs.

use super::columns::{COLUMNS, Cell};
use salkku_persistence::finance_report::ReportRow;

pub fn write(rows: &[ReportRow]) -> Result<Vec<u8>, ::csv::Error> {
    let mut out = ::csv::Writer::from_writer(Vec::new());
    out.write_record(COLUMNS.iter().map(|c| c.key))?;
    for row in rows {
        out.write_record(COLUMNS.iter().map(|c| match (c.value)(row, None) {
            Cell::Text(s) => s.into_owned(),
            Cell::Money(m) => m.to_string(),
            Cell::Bool(b) => b.to_string(),
        }))?;
    }
    out.into_inner().map_err(|e| ::csv::Error::from(e.into_error()))
}
