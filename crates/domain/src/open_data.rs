//! The portfolio in the open-data world's words: which projects are published, how their
//! organisations are identified, and the 360Giving and IATI codes for what salkku records. The
//! writers of the two formats (in `api`) take every code from here.

use chrono::{Datelike, NaiveDate};

use crate::budget_version::BudgetVersionKind;
use crate::{
    ApplicationStatus, BusinessId, CommitmentKind, CommitmentStatus, DomainError, Money, OrganizationKind,
    ParticipationRole,
};

/// The org-id.guide list of the Finnish trade register (Patentti- ja rekisterihallitus, the
/// Business Information System that issues business IDs).
pub const FINNISH_TRADE_REGISTER: &str = "FI-PRO";

/// Amounts are published in euros.
pub const CURRENCY: &str = "EUR";

/// Where every project is: Finland, by its ISO 3166-1 code.
pub const COUNTRY: &str = "FI";

/// What a grant is about: its description, or its name when it has none (both standards want one).
pub fn description<'a>(name: &'a str, description: Option<&'a str>) -> &'a str {
    description.filter(|d| !d.trim().is_empty()).unwrap_or(name)
}

/// A repayment as a transaction: aid flowing back, so negative.
pub fn returned(amount: Money) -> Result<Money, DomainError> {
    Money::ZERO.checked_sub(amount)
}

/// Publication is of granted projects: granted, under way or closed. An application still being
/// prepared or decided, rejected or withdrawn is nobody's grant.
pub fn is_published(status: ApplicationStatus) -> bool {
    matches!(status, ApplicationStatus::Granted | ApplicationStatus::Active | ApplicationStatus::Closed)
}

/// The statuses published, for a filter.
pub fn published_statuses() -> Vec<ApplicationStatus> {
    ApplicationStatus::all().filter(|s| is_published(*s)).collect()
}

/// An organisation's identifier: its business ID in the Finnish trade register's list
/// (`FI-PRO-0245962-4`), or, for one without a business ID, the publisher's own identifier for it
/// under the publisher's prefix (`360G-salkku-ORG-12`), as the Organisation Identifier guidance
/// says.
pub fn organisation_identifier(business_id: Option<&BusinessId>, prefix: &str, key: i64) -> String {
    match business_id {
        Some(id) => format!("{FINNISH_TRADE_REGISTER}-{id}"),
        None => format!("{prefix}-ORG-{key}"),
    }
}

/// A grant's or an activity's identifier: the prefix and the application's key.
pub fn grant_identifier(prefix: &str, key: i64) -> String {
    format!("{prefix}-{key}")
}

/// What was awarded: the state aid of the decided budget in force (the grant decision, or its
/// latest revision); where no decided budget is kept (projects stored before budget versions),
/// the allocations recorded for it.
pub fn awarded(decided_aid: Option<Money>, allocated: Money) -> Money {
    decided_aid.unwrap_or(allocated)
}

/// What was disbursed: the payments, less the aid returned.
pub fn disbursed(paid: Money, returned: Money) -> Result<Money, DomainError> {
    paid.checked_sub(returned)
}

/// The day the grant was awarded: the funder's earliest decision on its allocations, else the day
/// it was marked granted, else the day its record last changed.
pub fn award_date(decided_on: Option<NaiveDate>, marked_granted: Option<NaiveDate>, modified: NaiveDate) -> NaiveDate {
    decided_on.or(marked_granted).unwrap_or(modified)
}

/// Whether a commitment moves money: a pledge in kind (work, premises) is no transaction.
pub fn moves_money(kind: CommitmentKind) -> bool {
    kind == CommitmentKind::Cash
}

/// The date of a commitment's transaction: its decision, else its due date once come, else the
/// award (never a day still to come: a transaction has happened).
pub fn commitment_date(
    decided_at: Option<NaiveDate>,
    due_date: Option<NaiveDate>,
    award: NaiveDate,
    today: NaiveDate,
) -> NaiveDate {
    decided_at.or(due_date.filter(|d| *d <= today)).unwrap_or(award).min(today)
}

/// When a project actually began and ended, as far as it has: it began on its period's start once
/// under way and that day has come, and ended on its period's end once closed. Nothing in the
/// future is an actual date.
pub fn actual_dates(
    status: ApplicationStatus,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    today: NaiveDate,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let under_way = matches!(status, ApplicationStatus::Active | ApplicationStatus::Closed);
    let began = start.filter(|d| under_way && *d <= today);
    let ended = end.filter(|d| status == ApplicationStatus::Closed && *d <= today);
    (began, ended)
}

/// Whole months from `start` to the day after `end`: a project from 1.9.2020 to 31.12.2022 runs
/// 28 months.
pub fn months(start: NaiveDate, end: NaiveDate) -> u32 {
    let after = end.succ_opt().unwrap_or(end);
    let whole = (after.year() - start.year()) * 12 + after.month() as i32 - start.month() as i32;
    let whole = if after.day() < start.day() { whole - 1 } else { whole };
    u32::try_from(whole).unwrap_or(0)
}

/// The part of a budget year inside the project's period: a budget covers at most a year, and
/// none of it before the project starts or after it ends.
pub fn year_span(year: i32, start: Option<NaiveDate>, end: Option<NaiveDate>) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let from = start.filter(|s| *s > first && *s <= last).unwrap_or(first);
    let to = end.filter(|e| *e < last && *e >= from).unwrap_or(last);
    (from, to)
}

/// IATI ActivityStatus: implementation while granted or under way until the period ends, then
/// finalisation (the reports and the final account) until the project is closed.
pub fn iati_activity_status(
    status: ApplicationStatus,
    period_end: Option<NaiveDate>,
    today: NaiveDate,
) -> &'static str {
    match status {
        ApplicationStatus::Closed => "4",
        ApplicationStatus::Active if period_end.is_some_and(|end| end < today) => "3",
        ApplicationStatus::Rejected | ApplicationStatus::Withdrawn => "5",
        ApplicationStatus::Granted | ApplicationStatus::Active => "2",
        ApplicationStatus::Idea | ApplicationStatus::InPreparation | ApplicationStatus::Submitted => "1",
    }
}

/// IATI OrganisationType for a kind of organisation.
pub fn iati_organisation_type(kind: OrganizationKind) -> &'static str {
    match kind {
        OrganizationKind::Ministry | OrganizationKind::Agency => "10",
        OrganizationKind::Municipality
        | OrganizationKind::JointMunicipalAuthority
        | OrganizationKind::RegionalCouncil
        | OrganizationKind::WellbeingServicesCounty => "11",
        OrganizationKind::HospitalDistrict | OrganizationKind::CompetenceCentre => "15",
        OrganizationKind::Ngo => "22",
        OrganizationKind::EuFund => "40",
        OrganizationKind::Company => "70",
        OrganizationKind::University => "80",
        OrganizationKind::Other => "90",
    }
}

/// IATI OrganisationRole of an organisation's part in a project: the lead answers for it and
/// carries it out, co-implementers and partners carry it out, funders fund it.
pub fn iati_roles(role: ParticipationRole) -> &'static [&'static str] {
    match role {
        ParticipationRole::Lead => &["2", "4"],
        ParticipationRole::CoImplementer | ParticipationRole::Partner => &["4"],
        ParticipationRole::Funder => &["1"],
    }
}

/// IATI OrganisationRole of the grant's funder.
pub const IATI_FUNDING: &str = "1";

/// IATI BudgetType of a budget version: the decided budget is the original, every later decided
/// revision a revised budget; drafts and applied-for budgets are nobody's budget yet.
pub fn iati_budget_type(kind: BudgetVersionKind) -> Option<&'static str> {
    match kind {
        BudgetVersionKind::Granted => Some("1"),
        BudgetVersionKind::Revised => Some("2"),
        BudgetVersionKind::Draft | BudgetVersionKind::Applied => None,
    }
}

/// IATI ResultType of what an indicator measures: a work package's is an output, an objective's
/// an outcome.
pub fn iati_result_type(measures: &crate::plan::Measures) -> &'static str {
    match measures {
        crate::plan::Measures::WorkPackage(_) => "1",
        crate::plan::Measures::Objective(_) => "2",
    }
}

/// IATI IndicatorMeasure of a unit: counts and euros are units, a percentage a percentage, text
/// qualitative (its values go in comments, not in `value`).
pub fn iati_measure(unit: crate::indicator::IndicatorUnit) -> &'static str {
    use crate::indicator::IndicatorUnit::*;
    match unit {
        Count | Euros => "1",
        Percent => "2",
        Text => "5",
    }
}

/// IATI TransactionType of a municipality's commitment to a project's self-funding: a formally
/// approved one is an incoming commitment, a promise an incoming pledge; requests and declines
/// move no money.
pub fn iati_commitment_transaction(status: CommitmentStatus) -> Option<&'static str> {
    match status {
        CommitmentStatus::Approved => Some("11"),
        CommitmentStatus::Promised => Some("13"),
        CommitmentStatus::Requested | CommitmentStatus::Declined => None,
    }
}

/// IATI TransactionType of a payment of state aid (and, negative, of aid returned).
pub const IATI_DISBURSEMENT: &str = "3";

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn a_grant_without_a_description_is_described_by_its_name_and_repayments_are_negative() {
        assert_eq!(description("MONNI", Some("  ")), "MONNI");
        assert_eq!(description("MONNI", Some("Lastensuojelu")), "Lastensuojelu");
        assert_eq!(returned(Money::euros(44_000).unwrap_or(Money::ZERO)).map(Money::cents), Ok(-4_400_000));
    }

    #[test]
    fn only_granted_projects_are_published() {
        let published: Vec<_> = published_statuses();
        assert_eq!(published, [ApplicationStatus::Granted, ApplicationStatus::Active, ApplicationStatus::Closed]);
    }

    #[test]
    fn a_business_id_is_an_identifier_in_the_finnish_trade_register() {
        let stm = BusinessId::parse("0245962-4").ok();
        assert_eq!(organisation_identifier(stm.as_ref(), "360G-salkku", 3), "FI-PRO-0245962-4");
        assert_eq!(organisation_identifier(None, "360G-salkku", 3), "360G-salkku-ORG-3");
        assert_eq!(grant_identifier("360G-salkku", 42), "360G-salkku-42");
    }

    #[test]
    fn a_project_past_its_end_but_not_closed_is_in_finalisation() {
        let today = day(2023, 3, 1);
        assert_eq!(iati_activity_status(ApplicationStatus::Active, Some(day(2022, 12, 31)), today), "3");
        assert_eq!(iati_activity_status(ApplicationStatus::Active, Some(day(2023, 12, 31)), today), "2");
        assert_eq!(iati_activity_status(ApplicationStatus::Granted, None, today), "2");
        assert_eq!(iati_activity_status(ApplicationStatus::Closed, Some(day(2022, 12, 31)), today), "4");
    }

    #[test]
    fn monni_runs_28_months_and_its_budget_years_keep_inside_it() {
        assert_eq!(months(day(2020, 9, 1), day(2022, 12, 31)), 28);
        assert_eq!(months(day(2020, 9, 15), day(2020, 10, 13)), 0);
        assert_eq!(months(day(2020, 1, 31), day(2020, 2, 29)), 1);
        let (start, end) = (Some(day(2020, 9, 1)), Some(day(2022, 6, 30)));
        assert_eq!(year_span(2020, start, end), (day(2020, 9, 1), day(2020, 12, 31)));
        assert_eq!(year_span(2021, start, end), (day(2021, 1, 1), day(2021, 12, 31)));
        assert_eq!(year_span(2022, start, end), (day(2022, 1, 1), day(2022, 6, 30)));
        assert_eq!(year_span(2023, None, None), (day(2023, 1, 1), day(2023, 12, 31)));
    }

    #[test]
    fn actual_dates_are_never_in_the_future() {
        let (start, end) = (Some(day(2020, 9, 1)), Some(day(2022, 12, 31)));
        assert_eq!(actual_dates(ApplicationStatus::Granted, start, end, day(2021, 1, 1)), (None, None));
        assert_eq!(actual_dates(ApplicationStatus::Active, start, end, day(2020, 8, 1)), (None, None));
        assert_eq!(actual_dates(ApplicationStatus::Active, start, end, day(2021, 1, 1)), (start, None));
        assert_eq!(actual_dates(ApplicationStatus::Closed, start, end, day(2023, 3, 1)), (start, end));
    }

    #[test]
    fn the_award_is_the_decided_budgets_aid_and_disbursements_are_net_of_returns() {
        let euros = |n: i64| Money::euros(n).unwrap_or(Money::ZERO);
        assert_eq!(awarded(Some(euros(720_000)), euros(300_000)), euros(720_000));
        assert_eq!(awarded(None, euros(300_000)), euros(300_000));
        assert_eq!(disbursed(euros(656_000), euros(44_000)), Ok(euros(612_000)));
        assert_eq!(award_date(None, Some(day(2020, 9, 1)), day(2021, 1, 1)), day(2020, 9, 1));
        assert_eq!(award_date(Some(day(2020, 8, 20)), Some(day(2020, 9, 1)), day(2021, 1, 1)), day(2020, 8, 20));
    }

    #[test]
    fn a_commitment_is_dated_by_its_decision_and_never_in_the_future() {
        let (award, today) = (day(2020, 9, 1), day(2020, 10, 1));
        assert_eq!(commitment_date(Some(day(2020, 6, 18)), None, award, today), day(2020, 6, 18));
        assert_eq!(commitment_date(None, Some(day(2020, 9, 30)), award, today), day(2020, 9, 30));
        assert_eq!(commitment_date(None, Some(day(2020, 12, 31)), award, today), award);
        assert_eq!(commitment_date(None, None, day(2021, 1, 1), today), today);
        assert!(moves_money(CommitmentKind::Cash) && !moves_money(CommitmentKind::InKind));
    }

    #[test]
    fn the_decided_budget_is_the_original_and_revisions_are_revised() {
        assert_eq!(iati_budget_type(BudgetVersionKind::Granted), Some("1"));
        assert_eq!(iati_budget_type(BudgetVersionKind::Revised), Some("2"));
        assert_eq!(iati_budget_type(BudgetVersionKind::Applied), None);
    }

    #[test]
    fn approved_commitments_are_incoming_commitments_and_promises_pledges() {
        assert_eq!(iati_commitment_transaction(CommitmentStatus::Approved), Some("11"));
        assert_eq!(iati_commitment_transaction(CommitmentStatus::Promised), Some("13"));
        assert_eq!(iati_commitment_transaction(CommitmentStatus::Requested), None);
    }

    #[test]
    fn municipalities_are_local_government_and_the_lead_implements_and_answers() {
        assert_eq!(iati_organisation_type(OrganizationKind::Municipality), "11");
        assert_eq!(iati_organisation_type(OrganizationKind::Ministry), "10");
        assert_eq!(iati_roles(ParticipationRole::Lead), ["2", "4"]);
        assert_eq!(iati_roles(ParticipationRole::Funder), ["1"]);
    }
}
