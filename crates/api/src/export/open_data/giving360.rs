//! A 360Giving data package: `{"version": "1.4", …, "grants": [grant, …]}`, one grant per granted
//! project, written with serde (the envelope's head and tail around the streamed grants).
//!
//! Amounts are JSON numbers, as the standard wants, written exactly from the cents
//! (`700000.00`), never through a float.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use salkku_domain::ids::OrganizationId;
use salkku_domain::labels::{self, Language};
use salkku_domain::{Money, open_data};
use salkku_persistence::StoreResult;
use salkku_persistence::views::open_data::{Grant, Page};
use serde::Serialize;
use serde_json::value::RawValue;

use super::{Publication, failed};

/// An exact amount as a JSON number.
fn number(money: Money) -> StoreResult<Box<RawValue>> {
    RawValue::from_string(money.to_string()).map_err(failed)
}

fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[derive(Serialize)]
struct Publisher<'a> {
    name: &'a str,
    identifier: String,
}

#[derive(Serialize)]
struct Head<'a> {
    version: &'static str,
    title: String,
    issued: String,
    publisher: Publisher<'a>,
}

pub(super) fn head(publication: &Publication, out: &mut Vec<u8>) -> StoreResult<()> {
    let settings = &publication.settings;
    let head = Head {
        version: "1.4",
        title: format!("{}: granted projects", settings.publisher),
        issued: instant(publication.now),
        publisher: Publisher { name: &settings.publisher, identifier: settings.publisher_ref() },
    };
    let mut text = serde_json::to_vec(&head).map_err(failed)?;
    // The head's object stays open for the grants that follow.
    text.pop();
    out.extend_from_slice(&text);
    out.extend_from_slice(b",\"grants\":[");
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Organization<'a> {
    id: String,
    name: &'a str,
    address_country: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dates {
    #[serde(skip_serializing_if = "Option::is_none")]
    start_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration: Option<u32>,
}

impl Dates {
    fn of(start: Option<NaiveDate>, end: Option<NaiveDate>) -> Option<Dates> {
        let duration = start.zip(end).map(|(s, e)| open_data::months(s, e));
        (start.is_some() || end.is_some()).then_some(Dates { start_date: start, end_date: end, duration })
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Programme<'a> {
    code: String,
    title: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    id: String,
    name: &'static str,
    country_code: &'static str,
    geo_code: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Transaction {
    id: String,
    transaction_date: NaiveDate,
    currency: &'static str,
    value: Box<RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider: Option<String>,
    recipient: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GrantJson<'a> {
    id: String,
    title: &'a str,
    description: &'a str,
    currency: &'static str,
    amount_applied_for: Box<RawValue>,
    amount_awarded: Box<RawValue>,
    amount_disbursed: Box<RawValue>,
    award_date: NaiveDate,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    planned_dates: Vec<Dates>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    actual_dates: Vec<Dates>,
    recipient_organization: Vec<Organization<'a>>,
    funding_organization: Vec<Organization<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    grant_programme: Vec<Programme<'a>>,
    from_open_call: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    beneficiary_location: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    disbursement_transaction: Vec<Transaction>,
    date_modified: String,
}

fn organization<'a>(publication: &Publication, page: &'a Page, id: OrganizationId) -> Option<Organization<'a>> {
    let org = page.organizations.get(&id)?;
    Some(Organization { id: identifier(publication, page, id)?, name: &org.name, address_country: open_data::COUNTRY })
}

fn identifier(publication: &Publication, page: &Page, id: OrganizationId) -> Option<String> {
    let org = page.organizations.get(&id)?;
    Some(open_data::organisation_identifier(org.business_id.as_ref(), &publication.settings.prefix, org.id.0))
}

pub(super) fn grant(publication: &Publication, grant: &Grant, page: &Page, out: &mut Vec<u8>) -> StoreResult<()> {
    let prefix = &publication.settings.prefix;
    let project = &grant.project;
    let id = open_data::grant_identifier(prefix, project.id.0);
    let funder = grant.funder(&page.calls);
    let call = grant.call.and_then(|c| page.calls.get(&c));
    let programme = call.and_then(|c| c.programme).and_then(|p| page.programmes.get(&p));
    let grant_programme = match (programme, call) {
        (Some(p), _) => vec![Programme { code: format!("{prefix}-PROG-{}", p.id.0), title: &p.name }],
        (None, Some(c)) => vec![Programme { code: format!("{prefix}-CALL-{}", c.id.0), title: &c.title }],
        (None, None) => Vec::new(),
    };
    let lead = organization(publication, page, project.lead);
    let lead_ref = lead.as_ref().map(|o| o.id.clone()).unwrap_or_default();
    let funder_org = funder.and_then(|f| organization(publication, page, f));
    let funder_ref = funder_org.as_ref().map(|o| o.id.clone());
    let (began, ended) =
        open_data::actual_dates(project.status, project.period_start, project.period_end, publication.today());
    let mut transactions = Vec::with_capacity(grant.payments.len() + grant.repayments.len());
    for payment in &grant.payments {
        // Paid under an allocation: from its funder to its recipient (a co-implementer's share
        // goes to the co-implementer).
        let allocation = grant.allocation(payment.allocation);
        transactions.push(Transaction {
            id: format!("{id}-PAY-{}", payment.id.0),
            transaction_date: payment.paid_on,
            currency: open_data::CURRENCY,
            value: number(payment.amount)?,
            description: None,
            provider: allocation.and_then(|a| identifier(publication, page, a.funder)).or_else(|| funder_ref.clone()),
            recipient: allocation
                .and_then(|a| identifier(publication, page, a.recipient))
                .unwrap_or_else(|| lead_ref.clone()),
        });
    }
    // Aid returned is the project's, to its funder.
    for repayment in &grant.repayments {
        let returned = open_data::returned(repayment.amount).map_err(failed)?;
        transactions.push(Transaction {
            id: format!("{id}-REP-{}", repayment.id.0),
            transaction_date: repayment.returned_on,
            currency: open_data::CURRENCY,
            value: number(returned)?,
            description: Some("Aid returned to the funder"),
            provider: funder_ref.clone(),
            recipient: lead_ref.clone(),
        });
    }
    let json = GrantJson {
        title: &project.name,
        description: open_data::description(&project.name, project.description.as_deref()),
        currency: open_data::CURRENCY,
        amount_applied_for: number(grant.applied_aid.unwrap_or(project.state_aid_requested))?,
        amount_awarded: number(grant.awarded()?)?,
        amount_disbursed: number(grant.disbursed()?)?,
        award_date: grant.award_date(),
        planned_dates: Dates::of(project.period_start, project.period_end).into_iter().collect(),
        actual_dates: Dates::of(began, ended).into_iter().collect(),
        recipient_organization: lead.into_iter().collect(),
        funding_organization: funder_org.into_iter().collect(),
        grant_programme,
        from_open_call: if call.is_some() { "Yes" } else { "No" },
        beneficiary_location: grant
            .regions
            .iter()
            .map(|code| Location {
                id: format!("FI-MK-{}", code.as_str()),
                name: labels::region(*code, Language::Fi),
                country_code: open_data::COUNTRY,
                geo_code: code.as_str(),
            })
            .collect(),
        disbursement_transaction: transactions,
        date_modified: instant(grant.updated_at),
        id,
    };
    serde_json::to_writer(&mut *out, &json).map_err(failed)
}
