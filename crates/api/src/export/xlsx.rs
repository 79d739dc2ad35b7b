//! The export as an Excel workbook (rust_xlsxwriter): labels in the reader's language, money as
//! numeric cells with two decimals and a euro format, a totals row, and on request a sheet with
//! each application's budget.
//!
//! A spreadsheet cell holds an IEEE double: that is the file format, not a choice. Every amount
//! below 2^53 cents converts to the double nearest to it, which reads back to the same cent; the
//! totals are summed exactly here and stored as the formulas' results.

use std::collections::HashSet;

use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, Formula, Workbook, Worksheet, XlsxError, utility::row_col_to_cell};
use salkku_domain::Money;
use salkku_domain::labels::{self, Language};
use salkku_persistence::views::finance_report::ReportRow;

use super::columns::{COLUMNS, Cell, total_label};

const EURO: &str = "#,##0.00\\ \"€\"";

fn number(m: Money) -> Result<f64, XlsxError> {
    m.to_decimal().to_f64().ok_or_else(|| XlsxError::ParameterError(format!("{m} cannot be written as a number")))
}

struct Formats {
    header: Format,
    money: Format,
    total_money: Format,
    total: Format,
}

pub fn write(rows: &[ReportRow], language: Language, budgets: bool) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats {
        header: Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Top),
        money: Format::new().set_num_format(EURO),
        total_money: Format::new().set_num_format(EURO).set_bold(),
        total: Format::new().set_bold(),
    };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_title(language))?;
    applications(sheet, rows, language, &formats)?;
    if budgets {
        // Excel compares sheet names without case, and keeps "History" for itself.
        let mut taken = HashSet::from([sheet_title(language).to_lowercase(), "history".to_owned()]);
        for row in rows {
            let name = unique_name(row, &mut taken);
            let sheet = book.add_worksheet();
            sheet.set_name(name)?;
            budget(sheet, row, language, &formats)?;
        }
    }
    book.save_to_buffer()
}

fn sheet_title(language: Language) -> &'static str {
    match language {
        Language::Fi => "Hakemukset",
        Language::Sv => "Ansökningar",
        Language::En => "Applications",
    }
}

fn applications(sheet: &mut Worksheet, rows: &[ReportRow], language: Language, f: &Formats) -> Result<(), XlsxError> {
    for (col, column) in (0_u16..).zip(COLUMNS.iter()) {
        sheet.write_string_with_format(0, col, column.title(language), &f.header)?;
        sheet.set_column_width(col, column.width)?;
    }
    let mut last = 0_u32;
    for (r, row) in (1_u32..).zip(rows) {
        last = r;
        for (col, column) in (0_u16..).zip(COLUMNS.iter()) {
            match (column.value)(row, Some(language)) {
                Cell::Text(s) => sheet.write_string(r, col, s.as_ref())?,
                Cell::Money(m) => sheet.write_number_with_format(r, col, number(m)?, &f.money)?,
                Cell::Bool(b) => sheet.write_boolean(r, col, b)?,
            };
        }
    }
    let totals = last + 1;
    sheet.write_string_with_format(totals, 1, total_label(language), &f.total)?;
    for (col, column) in (0_u16..).zip(COLUMNS.iter()) {
        if !column.is_money() {
            continue;
        }
        let sum = Money::sum(rows.iter().filter_map(|row| match (column.value)(row, None) {
            Cell::Money(m) => Some(m),
            _ => None,
        }))
        .map_err(|e| XlsxError::ParameterError(e.to_string()))?;
        let formula = if last == 0 {
            Formula::new("=0").set_result("0")
        } else {
            Formula::new(format!("=SUM({}:{})", row_col_to_cell(1, col), row_col_to_cell(last, col)))
                .set_result(sum.to_decimal().to_string())
        };
        sheet.write_formula_with_format(totals, col, formula, &f.total_money)?;
    }
    sheet.set_freeze_panes(1, 2)?;
    let last_col = u16::try_from(COLUMNS.len().saturating_sub(1)).unwrap_or(0);
    sheet.autofilter(0, 0, last.max(1), last_col)?;
    Ok(())
}

fn budget_titles(language: Language) -> [&'static str; 4] {
    match language {
        Language::Fi => ["Vuosi", "Kustannuslaji", "Selite", "Summa"],
        Language::Sv => ["År", "Kostnadsslag", "Beskrivning", "Belopp"],
        Language::En => ["Year", "Cost category", "Description", "Amount"],
    }
}

fn budget(sheet: &mut Worksheet, row: &ReportRow, language: Language, f: &Formats) -> Result<(), XlsxError> {
    sheet.write_string_with_format(0, 0, &row.application.name, &f.total)?;
    for (col, title) in (0_u16..).zip(budget_titles(language)) {
        sheet.write_string_with_format(1, col, title, &f.header)?;
    }
    for (col, width) in [(0, 8), (1, 24), (2, 48), (3, 18)] {
        sheet.set_column_width(col, width)?;
    }
    let mut last = 1_u32;
    for (r, line) in (2_u32..).zip(&row.budget) {
        last = r;
        sheet.write_number(r, 0, line.line.year())?;
        sheet.write_string(r, 1, labels::cost_category(line.line.category(), language))?;
        sheet.write_string(r, 2, line.line.description().unwrap_or(""))?;
        sheet.write_number_with_format(r, 3, number(line.line.amount())?, &f.money)?;
    }
    let total =
        Money::sum(row.budget.iter().map(|l| l.line.amount())).map_err(|e| XlsxError::ParameterError(e.to_string()))?;
    sheet.write_string_with_format(last + 1, 2, total_label(language), &f.total)?;
    let formula = if last < 2 {
        Formula::new("=0").set_result("0")
    } else {
        Formula::new(format!("=SUM(D3:D{})", last + 1)).set_result(total.to_decimal().to_string())
    };
    sheet.write_formula_with_format(last + 1, 3, formula, &f.total_money)?;
    Ok(())
}

/// A sheet name from the application's acronym or name: at most 31 characters, none of
/// `[]:*?/\`, unique in the workbook (Excel's rules, case-insensitively).
fn unique_name(row: &ReportRow, taken: &mut HashSet<String>) -> String {
    let source = row.application.acronym.as_deref().filter(|a| !a.trim().is_empty()).unwrap_or(&row.application.name);
    let clean: String = source
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .collect::<String>()
        .trim()
        .trim_matches('\'')
        .to_owned();
    let base: String = if clean.is_empty() { row.application.id.0.to_string() } else { clean };
    for n in 1_u32.. {
        let suffix = if n == 1 { String::new() } else { format!(" ({n})") };
        let room = 31_usize.saturating_sub(suffix.chars().count());
        let name = format!("{}{suffix}", base.chars().take(room).collect::<String>().trim_end());
        if taken.insert(name.to_lowercase()) {
            return name;
        }
    }
    base
}
