//! The columns of the applications export, shared by both formats: CSV takes the stable keys and
//! codes (for programs), the spreadsheet the labels in the reader's language (for people).

use std::borrow::Cow;

use salkku_domain::Money;
use salkku_domain::labels::{self, Language};
use salkku_persistence::views::finance_report::ReportRow;

/// One cell's value.
pub enum Cell<'a> {
    Text(Cow<'a, str>),
    Money(Money),
    Bool(bool),
}

pub struct Column {
    /// The CSV header: stable, whatever the language.
    pub key: &'static str,
    /// The spreadsheet header in fi, sv, en.
    pub titles: [&'static str; 3],
    /// Characters of width in the spreadsheet.
    pub width: u16,
    /// The cell: labels in `language`, or codes when none is given.
    pub value: for<'a> fn(&'a ReportRow, Option<Language>) -> Cell<'a>,
}

impl Column {
    pub fn title(&self, language: Language) -> &'static str {
        match language {
            Language::Fi => self.titles[0],
            Language::Sv => self.titles[1],
            Language::En => self.titles[2],
        }
    }

    pub fn is_money(&self) -> bool {
        MONEY_KEYS.contains(&self.key)
    }
}

const MONEY_KEYS: [&str; 6] = [
    "total_cost",
    "state_aid_requested",
    "state_aid_granted",
    "self_funding_required",
    "self_funding_committed",
    "self_funding_gap",
];

fn text(s: &str) -> Cell<'_> {
    Cell::Text(Cow::Borrowed(s))
}

pub const COLUMNS: [Column; 12] = [
    Column {
        key: "id",
        titles: ["ID", "ID", "ID"],
        width: 14,
        value: |r, _| Cell::Text(Cow::Owned(r.application.id.global())),
    },
    Column {
        key: "application",
        titles: ["Hakemus", "Ansökan", "Application"],
        width: 40,
        value: |r, _| text(&r.application.name),
    },
    Column {
        key: "call",
        titles: ["Haku", "Utlysning", "Call"],
        width: 32,
        value: |r, _| text(r.call_title.as_deref().unwrap_or("")),
    },
    Column {
        key: "lead",
        titles: ["Päähakija", "Huvudsökande", "Lead applicant"],
        width: 32,
        value: |r, _| text(&r.lead_name),
    },
    Column {
        key: "status",
        titles: ["Tila", "Status", "Status"],
        width: 16,
        value: |r, language| match language {
            Some(language) => text(labels::application_status(r.status, language)),
            None => text(r.status.as_str()),
        },
    },
    Column {
        key: "total_cost",
        titles: ["Kokonaiskustannukset", "Totala kostnader", "Total cost"],
        width: 18,
        value: |r, _| Cell::Money(r.split.total_cost),
    },
    Column {
        key: "state_aid_requested",
        titles: ["Haettu valtionavustus", "Sökt statsunderstöd", "State aid requested"],
        width: 18,
        value: |r, _| Cell::Money(r.application.state_aid_requested),
    },
    Column {
        key: "state_aid_granted",
        titles: ["Myönnetty valtionavustus", "Beviljat statsunderstöd", "State aid granted"],
        width: 18,
        value: |r, _| Cell::Money(r.state_aid_granted),
    },
    Column {
        key: "self_funding_required",
        titles: ["Omarahoitus, tarve", "Självfinansiering, behov", "Self-funding required"],
        width: 18,
        value: |r, _| Cell::Money(r.split.self_funding_required),
    },
    Column {
        key: "self_funding_committed",
        titles: ["Omarahoitus, sitoumukset", "Självfinansiering, åtaganden", "Self-funding committed"],
        width: 18,
        value: |r, _| Cell::Money(r.split.self_funding_committed),
    },
    Column {
        key: "self_funding_gap",
        titles: ["Omarahoitusvaje", "Självfinansieringsunderskott", "Self-funding gap"],
        width: 18,
        value: |r, _| Cell::Money(r.split.self_funding_gap),
    },
    Column {
        key: "compliant",
        titles: ["Rahoitusehdot täyttyvät", "Finansieringsvillkoren uppfylls", "Compliant"],
        width: 14,
        value: |r, _| Cell::Bool(r.split.compliant()),
    },
];

/// "Total" in the totals row.
pub fn total_label(language: Language) -> &'static str {
    match language {
        Language::Fi => "Yhteensä",
        Language::Sv => "Totalt",
        Language::En => "Total",
    }
}
