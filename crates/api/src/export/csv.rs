//! The export as CSV (RFC 4180, UTF-8): stable English keys in the header, codes for statuses,
//! money as exact decimal strings ("700000.00"), no totals row — a file for programs. Text that a
//! spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, carriage return first) is
//! prefixed with `'`, as OWASP advises: names are typed by users, and finance opens CSV in Excel.

use super::columns::{COLUMNS, Cell};
use salkku_persistence::views::finance_report::ReportRow;

fn defused(text: String) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text }
}

pub fn write(rows: &[ReportRow]) -> Result<Vec<u8>, ::csv::Error> {
    let mut out = ::csv::Writer::from_writer(Vec::new());
    out.write_record(COLUMNS.iter().map(|c| c.key))?;
    for row in rows {
        out.write_record(COLUMNS.iter().map(|c| match (c.value)(row, None) {
            Cell::Text(s) => defused(s.into_owned()),
            Cell::Money(m) => m.to_string(),
            Cell::Bool(b) => b.to_string(),
        }))?;
    }
    out.into_inner().map_err(|e| ::csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::defused;

    #[test]
    fn a_name_that_looks_like_a_formula_stays_text() {
        assert_eq!(defused("=HYPERLINK(\"http://x\")".into()), "'=HYPERLINK(\"http://x\")");
        assert_eq!(defused("@SUM(A1)".into()), "'@SUM(A1)");
        assert_eq!(defused("-1+2".into()), "'-1+2");
        assert_eq!(defused("MONNI".into()), "MONNI");
    }
}
