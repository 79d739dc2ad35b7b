//! An IATI 2.03 activities file: one `iati-activity` per granted project, its elements in the
//! order the schema's sequence requires, written with quick-xml (which escapes text and
//! attributes). Codes come from `salkku_domain::open_data`.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{Datelike, NaiveDate, SecondsFormat};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use salkku_domain::ids::OrganizationId;
use salkku_domain::indicator::{IndicatorUnit, Measure};
use salkku_domain::plan::Measures;
use salkku_domain::{Money, open_data};
use salkku_persistence::StoreResult;
use salkku_persistence::views::open_data::{Grant, Page};

use super::{Publication, failed};

type Xml<'a> = Writer<&'a mut Vec<u8>>;

pub(super) fn head(publication: &Publication, out: &mut Vec<u8>) -> StoreResult<()> {
    let mut xml = Writer::new(out);
    xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))).map_err(failed)?;
    let generated = publication.now.to_rfc3339_opts(SecondsFormat::Secs, true);
    let start = quick_xml::events::BytesStart::new("iati-activities")
        .with_attributes([("version", "2.03"), ("generated-datetime", generated.as_str())]);
    xml.get_mut().push(b'\n');
    xml.write_event(Event::Start(start)).map_err(failed)?;
    xml.get_mut().push(b'\n');
    Ok(())
}

pub(super) fn tail(out: &mut Vec<u8>) -> StoreResult<()> {
    out.extend_from_slice(b"</iati-activities>\n");
    Ok(())
}

/// Text as XML 1.0 may hold it: a character outside its `Char` range (control characters, the
/// non-characters U+FFFE and U+FFFF) would make the file ill-formed, whatever a stored name
/// holds, so it becomes U+FFFD.
fn xml_text(text: &str) -> Cow<'_, str> {
    let allowed =
        |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().map(|c| if allowed(c) { c } else { '\u{FFFD}' }).collect())
    }
}

/// `<name><narrative>text</narrative></name>` with the attributes given.
fn narrated(xml: &mut Xml<'_>, name: &str, attributes: &[(&str, &str)], text: &str) -> std::io::Result<()> {
    let text = xml_text(text);
    let attributes: Vec<(&str, Cow<'_, str>)> = attributes.iter().map(|(k, v)| (*k, xml_text(v))).collect();
    xml.create_element(name)
        .with_attributes(attributes.iter().map(|(k, v)| (*k, v.as_ref())))
        .write_inner_content(|w| w.create_element("narrative").write_text_content(BytesText::new(&text)).map(|_| ()))?;
    Ok(())
}

fn dated(xml: &mut Xml<'_>, name: &str, day: NaiveDate) -> std::io::Result<()> {
    xml.create_element(name).with_attribute(("iso-date", day.to_string().as_str())).write_empty()?;
    Ok(())
}

fn value(xml: &mut Xml<'_>, amount: Money, on: NaiveDate) -> std::io::Result<()> {
    xml.create_element("value")
        .with_attributes([("currency", open_data::CURRENCY), ("value-date", on.to_string().as_str())])
        .write_text_content(BytesText::new(&amount.to_string()))?;
    Ok(())
}

/// An organisation's reference, type and name, as IATI names them.
struct Party<'a> {
    reference: String,
    kind: &'static str,
    name: &'a str,
}

fn party<'a>(publication: &Publication, page: &'a Page, id: OrganizationId) -> Option<Party<'a>> {
    let org = page.organizations.get(&id)?;
    Some(Party {
        reference: open_data::organisation_identifier(org.business_id.as_ref(), &publication.settings.prefix, org.id.0),
        kind: open_data::iati_organisation_type(org.kind),
        name: &org.name,
    })
}

/// `provider-org` or `receiver-org` of a transaction.
fn end(xml: &mut Xml<'_>, name: &str, party: Option<&Party<'_>>) -> std::io::Result<()> {
    if let Some(p) = party {
        narrated(xml, name, &[("ref", &p.reference), ("type", p.kind)], p.name)?;
    }
    Ok(())
}

struct Transaction<'p, 'a> {
    code: &'static str,
    on: NaiveDate,
    amount: Money,
    description: Option<&'static str>,
    provider: Option<&'p Party<'a>>,
    receiver: Option<&'p Party<'a>>,
}

fn transaction(xml: &mut Xml<'_>, t: &Transaction<'_, '_>) -> std::io::Result<()> {
    xml.create_element("transaction").write_inner_content(|w| {
        w.create_element("transaction-type").with_attribute(("code", t.code)).write_empty()?;
        dated(w, "transaction-date", t.on)?;
        value(w, t.amount, t.on)?;
        if let Some(text) = t.description {
            narrated(w, "description", &[], text)?;
        }
        end(w, "provider-org", t.provider)?;
        end(w, "receiver-org", t.receiver)
    })?;
    Ok(())
}

pub(super) fn activity(publication: &Publication, grant: &Grant, page: &Page, out: &mut Vec<u8>) -> StoreResult<()> {
    write_activity(publication, grant, page, out).map_err(failed)
}

fn write_activity(publication: &Publication, grant: &Grant, page: &Page, out: &mut Vec<u8>) -> std::io::Result<()> {
    let settings = &publication.settings;
    let project = &grant.project;
    let today = publication.today();
    let award = grant.award_date();
    let funder = grant.funder(&page.calls).and_then(|f| party(publication, page, f));
    let lead = party(publication, page, project.lead);
    let reporting_ref = settings.publisher_ref();
    let updated = grant.updated_at.to_rfc3339_opts(SecondsFormat::Secs, true);

    let mut xml = Writer::new_with_indent(out, b' ', 2);
    xml.create_element("iati-activity")
        .with_attributes([
            ("last-updated-datetime", updated.as_str()),
            ("xml:lang", "fi"),
            ("default-currency", open_data::CURRENCY),
        ])
        .write_inner_content(|w| {
            let identifier = open_data::grant_identifier(&reporting_ref, project.id.0);
            w.create_element("iati-identifier").write_text_content(BytesText::new(&xml_text(&identifier)))?;
            let publisher_kind = open_data::iati_organisation_type(settings.publisher_kind);
            narrated(w, "reporting-org", &[("ref", &reporting_ref), ("type", publisher_kind)], &settings.publisher)?;
            narrated(w, "title", &[], &project.name)?;
            let description = open_data::description(&project.name, project.description.as_deref());
            narrated(w, "description", &[("type", "1")], description)?;

            // Each organisation once in each role: the call's funder may also take part as a
            // funder, the lead also as a partner.
            let mut taking_part: Vec<(&Party<'_>, &str)> = Vec::new();
            if let Some(f) = &funder {
                taking_part.push((f, open_data::IATI_FUNDING));
            }
            if let Some(l) = &lead {
                let roles = open_data::iati_roles(salkku_domain::ParticipationRole::Lead);
                taking_part.extend(roles.iter().map(|r| (l, *r)));
            }
            let partners: Vec<(Party<'_>, salkku_domain::ParticipationRole)> = grant
                .participants
                .iter()
                .filter_map(|p| party(publication, page, p.organization).map(|party| (party, p.role)))
                .collect();
            for (partner, role) in &partners {
                taking_part.extend(open_data::iati_roles(*role).iter().map(|r| (partner, *r)));
            }
            let mut named: HashSet<(&str, &str)> = HashSet::new();
            for (p, role) in taking_part {
                if named.insert((p.reference.as_str(), role)) {
                    let attributes = [("ref", p.reference.as_str()), ("type", p.kind), ("role", role)];
                    narrated(w, "participating-org", &attributes, p.name)?;
                }
            }

            let status = open_data::iati_activity_status(project.status, project.period_end, today);
            w.create_element("activity-status").with_attribute(("code", status)).write_empty()?;
            // A project without a period starts, as planned, on the day it was awarded.
            let planned_start = project.period_start.unwrap_or(award);
            w.create_element("activity-date")
                .with_attributes([("type", "1"), ("iso-date", planned_start.to_string().as_str())])
                .write_empty()?;
            let (began, ended) =
                open_data::actual_dates(project.status, project.period_start, project.period_end, today);
            if let Some(day) = began {
                w.create_element("activity-date")
                    .with_attributes([("type", "2"), ("iso-date", day.to_string().as_str())])
                    .write_empty()?;
            }
            if let Some(day) = project.period_end {
                w.create_element("activity-date")
                    .with_attributes([("type", "3"), ("iso-date", day.to_string().as_str())])
                    .write_empty()?;
            }
            if let Some(day) = ended {
                w.create_element("activity-date")
                    .with_attributes([("type", "4"), ("iso-date", day.to_string().as_str())])
                    .write_empty()?;
            }
            w.create_element("recipient-country")
                .with_attributes([("code", open_data::COUNTRY), ("percentage", "100")])
                .write_empty()?;

            // The decided budget, and the latest revision beside it: a revision replaces the
            // budget before it for the same years, so the two are never added together.
            let original = grant.budgets.iter().find(|b| open_data::iati_budget_type(b.version.kind) == Some("1"));
            let revised = grant.budgets.iter().rev().find(|b| open_data::iati_budget_type(b.version.kind) == Some("2"));
            for (budget, kind) in [(original, "1"), (revised, "2")] {
                let Some(budget) = budget else { continue };
                for (year, amount) in &budget.by_year {
                    let (from, to) = open_data::year_span(*year, project.period_start, project.period_end);
                    w.create_element("budget").with_attributes([("type", kind), ("status", "2")]).write_inner_content(
                        |b| {
                            dated(b, "period-start", from)?;
                            dated(b, "period-end", to)?;
                            value(b, *amount, from)
                        },
                    )?;
                }
            }

            // Paid (and planned) under an allocation: from its funder to its recipient.
            let parties_of = |allocation| {
                let found = grant.allocation(allocation);
                let from = found.and_then(|a| party(publication, page, a.funder));
                let to = found.and_then(|a| party(publication, page, a.recipient));
                (from, to)
            };
            for instalment in &grant.planned {
                let (from, to) = parties_of(instalment.allocation);
                w.create_element("planned-disbursement").with_attribute(("type", "1")).write_inner_content(|p| {
                    dated(p, "period-start", instalment.due_on)?;
                    dated(p, "period-end", instalment.due_on)?;
                    value(p, instalment.amount, instalment.due_on)?;
                    end(p, "provider-org", from.as_ref().or(funder.as_ref()))?;
                    end(p, "receiver-org", to.as_ref().or(lead.as_ref()))
                })?;
            }

            for commitment in grant.commitments.iter().filter(|c| open_data::moves_money(c.kind)) {
                let Some(code) = open_data::iati_commitment_transaction(commitment.status) else { continue };
                let from = party(publication, page, commitment.organization);
                let on = open_data::commitment_date(commitment.decided_at, commitment.due_date, award, today);
                let pledged = Transaction {
                    code,
                    on,
                    amount: commitment.amount,
                    description: None,
                    provider: from.as_ref(),
                    receiver: lead.as_ref(),
                };
                transaction(w, &pledged)?;
            }
            for payment in &grant.payments {
                let (from, to) = parties_of(payment.allocation);
                let paid = Transaction {
                    code: open_data::IATI_DISBURSEMENT,
                    on: payment.paid_on,
                    amount: payment.amount,
                    description: None,
                    provider: from.as_ref().or(funder.as_ref()),
                    receiver: to.as_ref().or(lead.as_ref()),
                };
                transaction(w, &paid)?;
            }
            for repayment in &grant.repayments {
                let returned = open_data::returned(repayment.amount).map_err(std::io::Error::other)?;
                transaction(
                    w,
                    &Transaction {
                        code: open_data::IATI_DISBURSEMENT,
                        on: repayment.returned_on,
                        amount: returned,
                        description: Some("Aid returned to the funder"),
                        provider: funder.as_ref(),
                        receiver: lead.as_ref(),
                    },
                )?;
            }
            results(w, grant)
        })?;
    xml.get_mut().push(b'\n');
    Ok(())
}

/// The plan's results: one per objective (an outcome) and work package (an output) that has
/// indicators, each indicator with its baseline and a period per year of its target and actuals.
fn results(w: &mut Xml<'_>, grant: &Grant) -> std::io::Result<()> {
    let stored = &grant.plan;
    let plan = &stored.plan;
    let owners = plan
        .objectives()
        .iter()
        .map(|o| (Measures::Objective(o.key.clone()), o.text.as_str()))
        .chain(plan.work_packages().iter().map(|wp| (Measures::WorkPackage(wp.key.clone()), wp.title.as_str())));
    let start_year = grant.project.period_start.map(|d| d.year());
    for (owner, title) in owners {
        let indicators: Vec<_> = plan.indicators().iter().filter(|i| i.measures == owner).collect();
        if indicators.is_empty() {
            continue;
        }
        let result = w.create_element("result").with_attribute(("type", open_data::iati_result_type(&owner)));
        result.write_inner_content(|r| {
            narrated(r, "title", &[], title)?;
            for indicator in indicators {
                let measure = open_data::iati_measure(indicator.unit);
                let qualitative = indicator.unit == IndicatorUnit::Text;
                let row = stored.ids.get(&indicator.key).copied().unwrap_or_default();
                let actuals: BTreeMap<i32, &Measure> =
                    // Published: what the funder accepted.
                    stored.actuals.iter().filter(|a| a.indicator.0 == row && salkku_domain::indicator::locked(a.report_status)).map(|a| (a.year, &a.value)).collect();
                let target_year = indicator.target_on.map(|d| d.year());
                r.create_element("indicator").with_attribute(("measure", measure)).write_inner_content(|i| {
                    narrated(i, "title", &[], &indicator.name)?;
                    if indicator.illustrative {
                        narrated(i, "description", &[], "Illustrative figures: not from the project's documents")?;
                    }
                    if let (Some(baseline), Some(year)) = (&indicator.baseline, start_year.or(target_year)) {
                        let year = year.to_string();
                        measured(i, "baseline", &[("year", year.as_str())], baseline, qualitative)?;
                    }
                    let years: BTreeSet<i32> = actuals.keys().copied().chain(target_year).collect();
                    for year in years {
                        i.create_element("period").write_inner_content(|p| {
                            let (Some(first), Some(last)) =
                                (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31))
                            else {
                                return Ok(());
                            };
                            dated(p, "period-start", first)?;
                            dated(p, "period-end", last)?;
                            if let (Some(target), true) = (&indicator.target, target_year == Some(year)) {
                                measured(p, "target", &[], target, qualitative)?;
                            }
                            if let Some(actual) = actuals.get(&year) {
                                measured(p, "actual", &[], actual, qualitative)?;
                            }
                            Ok(())
                        })?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// A baseline, target or actual: a number in `value`, or a qualitative value as its comment.
fn measured(
    w: &mut Xml<'_>,
    name: &str,
    attributes: &[(&str, &str)],
    value: &Measure,
    qualitative: bool,
) -> std::io::Result<()> {
    let shown = value.to_string();
    let element = w.create_element(name).with_attributes(attributes.iter().copied());
    if qualitative {
        element.write_inner_content(|c| narrated(c, "comment", &[], &shown))?;
    } else {
        element.with_attribute(("value", shown.as_str())).write_empty()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::xml_text;

    #[test]
    fn characters_xml_cannot_hold_become_replacement_characters() {
        assert_eq!(xml_text("Seinäjoen kaupunki & <SONet>"), "Seinäjoen kaupunki & <SONet>");
        assert_eq!(xml_text("a\u{1}b\u{FFFE}c\td"), "a\u{FFFD}b\u{FFFD}c\td");
    }
}
