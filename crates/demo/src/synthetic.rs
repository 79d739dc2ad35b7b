//! `salkku seed --synthetic N [--seed S]`: a portfolio of N applications shaped like a ministry's
//! (calls per funder, 3–40 budget lines, 0–12 commitments, allocations and payments for granted
//! work, every automatic deadline and the status history), the same for the same seed, written
//! in bulk so that 100 000 applications take minutes. For load tests and benchmarks: every name
//! says it is synthetic.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use rand::distr::{Distribution, weighted::WeightedIndex};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use salkku_domain::deadline::end_of_day;
use salkku_domain::instalment::InstalmentStatus;
use salkku_domain::report::{ReportKind, ReportStatus};
use salkku_domain::{
    ApplicationStatus, BusinessId, CommitmentKind, CommitmentLevel, CommitmentStatus, CostCategory, DeadlineKind,
    OrganizationKind,
};
use salkku_persistence::commands::bulk::BulkLoad;
use salkku_persistence::entities::{
    allocation, application, application_region, budget_line, commitment, deadline, grant_call, instalment,
    organization, participant, payment, programme, report_obligation, status_change,
};
use salkku_persistence::{Db, Progress, StoreError};

/// Applications generated and written per round.
const CHUNK: usize = 2_000;
const BY: &str = "synthetic";

/// What was written.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub organizations: u64,
    pub calls: u64,
    pub applications: u64,
    pub budget_lines: u64,
    pub commitments: u64,
    pub allocations: u64,
    pub payments: u64,
    pub deadlines: u64,
}

/// Regions weighted by population (thousands, roughly): Uusimaa holds a third of Finland.
const REGION_WEIGHTS: [(&str, u32); 19] = [
    ("01", 1700),
    ("02", 480),
    ("04", 210),
    ("05", 170),
    ("06", 520),
    ("07", 200),
    ("08", 160),
    ("09", 170),
    ("10", 130),
    ("11", 250),
    ("12", 160),
    ("13", 275),
    ("14", 190),
    ("15", 175),
    ("16", 68),
    ("17", 415),
    ("18", 71),
    ("19", 178),
    ("21", 30),
];

/// Where applications stand, spread as in a portfolio of several years.
const STATUS_WEIGHTS: [(ApplicationStatus, u32); 8] = [
    (ApplicationStatus::Idea, 5),
    (ApplicationStatus::InPreparation, 15),
    (ApplicationStatus::Submitted, 15),
    (ApplicationStatus::Granted, 10),
    (ApplicationStatus::Rejected, 15),
    (ApplicationStatus::Withdrawn, 5),
    (ApplicationStatus::Active, 20),
    (ApplicationStatus::Closed, 15),
];

const RATES_BP: [i32; 5] = [5_000, 7_500, 8_000, 8_000, 10_000];

fn instant(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(hour, 0, 0).unwrap_or_default())
}

fn date(year: i32, day_of_year: u32) -> NaiveDate {
    NaiveDate::from_yo_opt(year, day_of_year.clamp(1, 365)).unwrap_or_default()
}

/// The statuses an application passed through to reach `to`.
fn path_to(to: ApplicationStatus) -> Vec<ApplicationStatus> {
    use ApplicationStatus::*;
    match to {
        Idea => vec![Idea],
        InPreparation => vec![Idea, InPreparation],
        Submitted => vec![Idea, InPreparation, Submitted],
        Granted => vec![Idea, InPreparation, Submitted, Granted],
        Rejected => vec![Idea, InPreparation, Submitted, Rejected],
        Withdrawn => vec![Idea, InPreparation, Withdrawn],
        Active => vec![Idea, InPreparation, Submitted, Granted, Active],
        Closed => vec![Idea, InPreparation, Submitted, Granted, Active, Closed],
    }
}

struct Call {
    id: i64,
    funder: i64,
    closes_at: DateTime<Utc>,
    rate_bp: i32,
    in_kind_counts: bool,
}

/// Keys handed out in order, per table.
#[derive(Default)]
struct Keys {
    application: i64,
    budget_line: i64,
    commitment: i64,
    allocation: i64,
    payment: i64,
    deadline: i64,
    status_change: i64,
    report: i64,
    instalment: i64,
}

fn next(key: &mut i64) -> i64 {
    *key += 1;
    *key
}

/// One round of applications and everything under them.
#[derive(Default)]
struct Rows {
    applications: Vec<application::Model>,
    participants: Vec<participant::Model>,
    regions: Vec<application_region::Model>,
    lines: Vec<budget_line::Model>,
    commitments: Vec<commitment::Model>,
    allocations: Vec<allocation::Model>,
    reports: Vec<report_obligation::Model>,
    instalments: Vec<instalment::Model>,
    payments: Vec<payment::Model>,
    deadlines: Vec<deadline::Model>,
    history: Vec<status_change::Model>,
}

fn derived(key: &mut i64, kind: DeadlineKind, title: String, due_at: DateTime<Utc>, source: String) -> deadline::Model {
    deadline::Model {
        id: next(key),
        kind: kind.as_str().to_owned(),
        title,
        due_at,
        tentative: false,
        application_id: None,
        call_id: None,
        commitment_id: None,
        source_key: Some(source),
        created_at: due_at,
        updated_at: due_at,
        version: 1,
        report_id: None,
    }
}

/// Writes a synthetic portfolio of `n` applications into the empty `db`.
pub async fn seed(db: &Db, n: u64, seed: u64, progress: Progress<'_>) -> Result<Summary, StoreError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let load = BulkLoad::begin(db).await?;
    let mut summary = Summary::default();
    let regions: Vec<&'static str> = REGION_WEIGHTS.iter().map(|(c, _)| *c).collect();
    let region_pick = WeightedIndex::new(REGION_WEIGHTS.iter().map(|(_, w)| *w)).map_err(corrupt)?;
    let status_pick = WeightedIndex::new(STATUS_WEIGHTS.iter().map(|(_, w)| *w)).map_err(corrupt)?;
    let base = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap_or_default();
    let created = instant(base, 8);

    // Organisations: funders, the regions' councils, municipalities and implementers.
    let mut orgs = Vec::new();
    let mut org_rows = Vec::new();
    let mut add_org = |name: String, kind: OrganizationKind, region: Option<&'static str>, population: Option<i64>| {
        let id = i64::try_from(org_rows.len()).unwrap_or(i64::MAX) + 1;
        org_rows.push(organization::Model {
            id,
            name: name.clone(),
            kind: kind.as_str().to_owned(),
            // Synthetic business IDs, well formed, from a block of numbers of their own.
            business_id: u32::try_from(id)
                .ok()
                .and_then(|n| BusinessId::with_check_digit(9_000_000 + n))
                .map(|b| b.as_str().to_owned()),
            region_code: region.map(str::to_owned),
            population,
            created_at: created,
            updated_at: created,
            version: 1,
        });
        orgs.push(name);
        id
    };
    let funders: Vec<i64> = [
        ("Synteettinen sosiaali- ja terveysministeriö", OrganizationKind::Ministry),
        ("Synteettinen opetus- ja kulttuuriministeriö", OrganizationKind::Ministry),
        ("Synteettinen työ- ja elinkeinoministeriö", OrganizationKind::Ministry),
        ("Synteettinen ympäristöministeriö", OrganizationKind::Ministry),
        ("Synteettinen avustusvirasto", OrganizationKind::Agency),
        ("Synteettinen EU-rahasto", OrganizationKind::EuFund),
    ]
    .into_iter()
    .map(|(name, kind)| add_org(name.to_owned(), kind, None, None))
    .collect();
    let municipalities_per_region = (n / 400).clamp(3, 20);
    let mut municipalities: Vec<Vec<i64>> = vec![Vec::new(); regions.len()];
    let mut implementers = Vec::new();
    for (r, code) in regions.iter().enumerate() {
        implementers.push(add_org(
            format!("Synteettinen maakunnan liitto {code}"),
            OrganizationKind::RegionalCouncil,
            Some(code),
            None,
        ));
        implementers.push(add_org(
            format!("Synteettinen hyvinvointialue {code}"),
            OrganizationKind::WellbeingServicesCounty,
            Some(code),
            None,
        ));
        implementers.push(add_org(
            format!("Synteettinen osaamiskeskus {code}"),
            OrganizationKind::CompetenceCentre,
            Some(code),
            None,
        ));
        for m in 1..=municipalities_per_region {
            let population = rng.random_range(800..120_000);
            let id = add_org(
                format!("Synteettinen kunta {code}-{m:02}"),
                OrganizationKind::Municipality,
                Some(code),
                Some(population),
            );
            municipalities[r].push(id);
            implementers.push(id);
        }
    }
    summary.organizations = org_rows.len() as u64;
    load.insert::<organization::Entity>(org_rows).await?;

    // Programmes and calls: each funder opens calls every year.
    let mut programme_rows = Vec::new();
    let mut calls = Vec::new();
    let mut call_rows = Vec::new();
    let mut deadline_rows = Vec::new();
    let mut keys = Keys::default();
    let calls_per_funder = (n / 100).clamp(4, 400);
    for (f, funder) in funders.iter().enumerate() {
        let programme_id = i64::try_from(f).unwrap_or(0) + 1;
        let rate = RATES_BP[f % RATES_BP.len()];
        programme_rows.push(programme::Model {
            id: programme_id,
            name: format!("Synteettinen ohjelma {programme_id}"),
            funder_id: *funder,
            max_aid_rate_bp: Some(rate),
            created_at: created,
            updated_at: created,
            version: 1,
        });
        for c in 0..calls_per_funder {
            let id = i64::try_from(call_rows.len()).unwrap_or(0) + 1;
            let year = 2019 + i32::try_from(c % 9).unwrap_or(0);
            let opens = date(year, rng.random_range(10..200));
            let closes_at = instant(opens + Duration::days(rng.random_range(30..120)), 13);
            let rate_bp = if rng.random_bool(0.8) { rate } else { RATES_BP[rng.random_range(0..RATES_BP.len())] };
            let title = format!("Synteettinen haku {id}");
            call_rows.push(grant_call::Model {
                id,
                title: title.clone(),
                funder_id: *funder,
                programme_id: Some(programme_id),
                opens_at: Some(instant(opens, 6)),
                closes_at,
                max_aid_rate_bp: rate_bp,
                in_kind_counts: rng.random_bool(0.3),
                envelope_cents: Some(rng.random_range(1_000_000..50_000_000) * 100),
                url: None,
                created_at: created,
                updated_at: created,
                version: 1,
                reallocation_tolerance_bp: 0,
                interim_report_month: None,
                interim_report_day: None,
                final_report_months: None,
            });
            let mut d = derived(&mut keys.deadline, DeadlineKind::CallCloses, title, closes_at, format!("call:{id}"));
            d.call_id = Some(id);
            deadline_rows.push(d);
            calls.push(Call {
                id,
                funder: *funder,
                closes_at,
                rate_bp,
                in_kind_counts: call_rows[call_rows.len() - 1].in_kind_counts,
            });
        }
    }
    summary.calls = call_rows.len() as u64;
    load.insert::<programme::Entity>(programme_rows).await?;
    load.insert::<grant_call::Entity>(call_rows).await?;
    summary.deadlines += deadline_rows.len() as u64;
    load.insert::<deadline::Entity>(deadline_rows).await?;

    let mut written = 0_u64;
    while written < n {
        let round = usize::try_from((n - written).min(CHUNK as u64)).unwrap_or(CHUNK);
        let mut rows = Rows::default();
        for _ in 0..round {
            application(
                &mut rng,
                &mut keys,
                &mut rows,
                &Context {
                    orgs: &orgs,
                    calls: &calls,
                    implementers: &implementers,
                    municipalities: &municipalities,
                    regions: &regions,
                    region_pick: &region_pick,
                    status_pick: &status_pick,
                },
            );
        }
        summary.applications += rows.applications.len() as u64;
        summary.budget_lines += rows.lines.len() as u64;
        summary.commitments += rows.commitments.len() as u64;
        summary.allocations += rows.allocations.len() as u64;
        summary.payments += rows.payments.len() as u64;
        summary.deadlines += rows.deadlines.len() as u64;
        load.insert::<application::Entity>(rows.applications).await?;
        load.insert::<participant::Entity>(rows.participants).await?;
        load.insert::<application_region::Entity>(rows.regions).await?;
        load.insert::<budget_line::Entity>(rows.lines).await?;
        load.insert::<commitment::Entity>(rows.commitments).await?;
        load.insert::<report_obligation::Entity>(rows.reports).await?;
        load.insert::<allocation::Entity>(rows.allocations).await?;
        load.insert::<instalment::Entity>(rows.instalments).await?;
        load.insert::<payment::Entity>(rows.payments).await?;
        load.insert::<deadline::Entity>(rows.deadlines).await?;
        load.insert::<status_change::Entity>(rows.history).await?;
        written += round as u64;
        progress("applications", written, Some(n));
    }
    load.finish().await?;
    Ok(summary)
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::corrupt(format!("the synthetic portfolio's weights: {e}"))
}

struct Context<'a> {
    /// Organisation names by key − 1.
    orgs: &'a [String],
    calls: &'a [Call],
    implementers: &'a [i64],
    municipalities: &'a [Vec<i64>],
    regions: &'a [&'static str],
    region_pick: &'a WeightedIndex<u32>,
    status_pick: &'a WeightedIndex<u32>,
}

fn application(rng: &mut ChaCha8Rng, keys: &mut Keys, rows: &mut Rows, cx: &Context<'_>) {
    let id = next(&mut keys.application);
    let status = STATUS_WEIGHTS[cx.status_pick.sample(rng)].0;
    let region_index = cx.region_pick.sample(rng);
    let region = cx.regions[region_index];
    let local = &cx.municipalities[region_index];
    let lead = if rng.random_bool(0.6) || local.is_empty() {
        cx.implementers[rng.random_range(0..cx.implementers.len())]
    } else {
        local[rng.random_range(0..local.len())]
    };
    let call = rng.random_bool(0.92).then(|| &cx.calls[rng.random_range(0..cx.calls.len())]);
    let start_year = call.map_or(2019 + rng.random_range(0..8), |c| c.closes_at.year());
    let period_start = date(start_year, rng.random_range(60..300));
    let period_end = period_start + Duration::days(rng.random_range(365..1100));
    let report_due =
        matches!(status, ApplicationStatus::Granted | ApplicationStatus::Active | ApplicationStatus::Closed)
            .then(|| period_end + Duration::days(90));
    let created = instant(period_start - Duration::days(rng.random_range(60..240)), 7);
    let acronym = format!("SYN{id}");

    // Budget: 3–40 lines within the period.
    let mut total = 0_i64;
    let line_count = rng.random_range(3..=40);
    let categories: Vec<CostCategory> = CostCategory::all().collect();
    for position in 0..line_count {
        // 1 000 € to 200 000 €, in cents.
        let amount = rng.random_range(100_000..20_000_000);
        total += amount;
        rows.lines.push(budget_line::Model {
            id: next(&mut keys.budget_line),
            application_id: id,
            position,
            category: categories[rng.random_range(0..categories.len())].as_str().to_owned(),
            year: period_start.year() + rng.random_range(0..=(period_end.year() - period_start.year())),
            description: None,
            amount_cents: amount,
            work_package: None,
        });
    }
    // State aid near the call's rate; one in ten asks a little too much.
    let rate_bp = i64::from(call.map_or(8_000, |c| c.rate_bp));
    let mut aid = total * rate_bp / 10_000;
    if rng.random_bool(0.1) {
        aid += rng.random_range(1..=total / 50 + 1);
    }
    aid = aid.min(total);
    let submitted_at = (!matches!(status, ApplicationStatus::Idea | ApplicationStatus::InPreparation))
        .then(|| call.map_or(created + Duration::days(30), |c| c.closes_at - Duration::days(rng.random_range(1..10))));
    rows.applications.push(application::Model {
        id,
        name: format!("Synteettinen hanke {id}"),
        acronym: Some(acronym.clone()),
        description: None,
        call_id: call.map(|c| c.id),
        status: status.as_str().to_owned(),
        lead_id: lead,
        period_start: Some(period_start),
        period_end: Some(period_end),
        report_due,
        submitted_at,
        state_aid_requested_cents: aid,
        total_cost_cents: total,
        // Computed from the allocations and commitments when the load finishes.
        state_aid_granted_cents: 0,
        self_funding_committed_cents: 0,
        created_by: BY.to_owned(),
        created_at: created,
        updated_at: created,
        version: 1,
    });

    // Regions: the lead's, sometimes a neighbour or two.
    let mut named = vec![region];
    for _ in 0..rng.random_range(0..3) {
        let other = cx.regions[cx.region_pick.sample(rng)];
        if !named.contains(&other) {
            named.push(other);
        }
    }
    for code in &named {
        rows.regions.push(application_region::Model { application_id: id, region_code: (*code).to_owned() });
    }
    // Co-implementers and partners, never the lead twice.
    let mut taken = vec![lead];
    for position in 0..rng.random_range(0..4) {
        let org = cx.implementers[rng.random_range(0..cx.implementers.len())];
        if taken.contains(&org) {
            continue;
        }
        taken.push(org);
        let role = if rng.random_bool(0.6) { "CO_IMPLEMENTER" } else { "PARTNER" };
        rows.participants.push(participant::Model {
            application_id: id,
            organization_id: org,
            role: role.to_owned(),
            position,
        });
    }

    // Commitments: 0–12 municipalities of the region pledge the self-funding share.
    let self_funding = total - aid;
    let pledgers = rng.random_range(0..=12_usize.min(local.len()));
    let statuses: [CommitmentStatus; 4] = [
        CommitmentStatus::Requested,
        CommitmentStatus::Promised,
        CommitmentStatus::Approved,
        CommitmentStatus::Declined,
    ];
    let levels: [CommitmentLevel; 3] =
        [CommitmentLevel::OfficeHolder, CommitmentLevel::Board, CommitmentLevel::Council];
    for (i, org) in local.iter().take(pledgers).enumerate() {
        let share = if pledgers == 0 { 0 } else { self_funding / i64::try_from(pledgers).unwrap_or(1) };
        let status = statuses[rng.random_range(0..statuses.len())];
        let due = period_start - Duration::days(rng.random_range(10..60));
        let commitment_id = next(&mut keys.commitment);
        let kind = if rng.random_bool(0.8) || call.is_some_and(|c| !c.in_kind_counts) {
            CommitmentKind::Cash
        } else {
            CommitmentKind::InKind
        };
        rows.commitments.push(commitment::Model {
            id: commitment_id,
            application_id: id,
            organization_id: *org,
            amount_cents: share.max(0),
            kind: kind.as_str().to_owned(),
            level: levels[i % levels.len()].as_str().to_owned(),
            status: status.as_str().to_owned(),
            due_date: Some(due),
            decided_at: (status != CommitmentStatus::Requested).then_some(due - Duration::days(3)),
            decision_ref: None,
            created_at: created,
            updated_at: created,
            version: 1,
            decision_id: None,
        });
        let org_name = &cx.orgs[usize::try_from(*org - 1).unwrap_or(0)];
        let mut d = derived(
            &mut keys.deadline,
            DeadlineKind::CommitmentDue,
            format!("{acronym}, {org_name}"),
            end_of_day(due),
            format!("commitment:{commitment_id}"),
        );
        d.application_id = Some(id);
        d.call_id = call.map(|c| c.id);
        d.commitment_id = Some(commitment_id);
        rows.deadlines.push(d);
    }

    // The final report a granted project owes: accepted once the project has closed.
    let report = report_due.map(|due_on| {
        let report_id = next(&mut keys.report);
        let accepted = status == ApplicationStatus::Closed;
        rows.reports.push(report_obligation::Model {
            id: report_id,
            application_id: id,
            kind: ReportKind::Final.as_str().to_owned(),
            title: None,
            due_on,
            months_after_end: None,
            from_schedule: false,
            // A closed project's report was accepted long ago, without its costs on record.
            states_costs: !accepted,
            status: if accepted { ReportStatus::Accepted } else { ReportStatus::Due }.as_str().to_owned(),
            submitted_at: accepted.then(|| end_of_day(due_on)),
            submitted_by: accepted.then(|| "synthetic".to_owned()),
            decided_at: accepted.then(|| end_of_day(due_on)),
            decided_by: accepted.then(|| "synthetic".to_owned()),
            return_reasons: None,
            times_returned: 0,
            decision_id: None,
            created_at: created,
            updated_at: created,
            version: 1,
        });
        (report_id, due_on)
    });

    // Granted work: the aid allocated in three instalments, the last held by the final report,
    // and paid as the project runs. A project still paid has requested the instalments not held
    // by its report that it has not been paid yet: finance staff have them to settle.
    if let (Some(call), Some((report_id, report_on))) = (call, report) {
        let still_paid = matches!(status, ApplicationStatus::Granted | ApplicationStatus::Active);
        let allocation_id = next(&mut keys.allocation);
        let paid_count: i64 = match status {
            ApplicationStatus::Closed => 3,
            ApplicationStatus::Active => rng.random_range(0..3),
            _ => 0,
        };
        let mut paid = 0;
        for k in 0..3 {
            let amount = if k == 2 { aid - 2 * (aid / 3) } else { aid / 3 };
            if amount <= 0 {
                continue;
            }
            let instalment_id = next(&mut keys.instalment);
            let last = k == 2;
            let paid_on = (k < paid_count).then(|| period_start + Duration::days(120 * k));
            let requested = paid_on.is_none() && still_paid && !last;
            rows.instalments.push(instalment::Model {
                id: instalment_id,
                allocation_id,
                due_on: if last { report_on } else { period_start + Duration::days(120 * k) },
                amount_cents: amount,
                condition_report_id: last.then_some(report_id),
                status: if paid_on.is_some() {
                    InstalmentStatus::Paid
                } else if requested {
                    InstalmentStatus::Requested
                } else {
                    InstalmentStatus::Planned
                }
                .as_str()
                .to_owned(),
                label: Some(format!("{}", k + 1)),
                requested_at: (paid_on.is_some() || requested).then_some(created),
                paid_on,
                created_at: created,
                updated_at: created,
                version: 1,
            });
            if let Some(paid_on) = paid_on {
                paid += amount;
                rows.payments.push(payment::Model {
                    id: next(&mut keys.payment),
                    allocation_id,
                    paid_on,
                    amount_cents: amount,
                    reference: None,
                    created_at: created,
                    instalment_id: Some(instalment_id),
                });
            }
        }
        rows.allocations.push(allocation::Model {
            id: allocation_id,
            funder_id: call.funder,
            recipient_id: lead,
            application_id: Some(id),
            year: period_start.year(),
            amount_cents: aid,
            paid_total_cents: paid,
            decision_date: Some(call.closes_at.date_naive() + Duration::days(60)),
            decision_ref: None,
            created_at: created,
            updated_at: created,
            version: 1,
            decision_id: None,
        });
    }

    // The automatic deadlines of the application itself: its end, and its final report.
    let mut ends = derived(
        &mut keys.deadline,
        DeadlineKind::ProjectEnds,
        acronym.clone(),
        end_of_day(period_end),
        format!("application-end:{id}"),
    );
    ends.application_id = Some(id);
    ends.call_id = call.map(|c| c.id);
    rows.deadlines.push(ends);
    if let Some((report_id, due_on)) = report {
        let mut d = derived(
            &mut keys.deadline,
            DeadlineKind::ReportDue,
            acronym.clone(),
            end_of_day(due_on),
            format!("report:{report_id}"),
        );
        d.application_id = Some(id);
        d.call_id = call.map(|c| c.id);
        d.report_id = Some(report_id);
        rows.deadlines.push(d);
    }

    // How it got where it is.
    let mut from = None;
    for (step, to) in path_to(status).into_iter().enumerate() {
        rows.history.push(status_change::Model {
            id: next(&mut keys.status_change),
            application_id: id,
            from_status: from.map(|s: ApplicationStatus| s.as_str().to_owned()),
            to_status: to.as_str().to_owned(),
            at: created + Duration::days(30 * i64::try_from(step).unwrap_or(0)),
            by_subject: BY.to_owned(),
            decision_ref: None,
            decision_id: None,
        });
        from = Some(to);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use salkku_domain::RegionCode;

    #[test]
    fn every_status_is_reached_by_legal_moves() {
        for (status, _) in STATUS_WEIGHTS {
            let path = path_to(status);
            assert_eq!(path.first(), Some(&ApplicationStatus::Idea));
            assert_eq!(path.last(), Some(&status));
            assert!(path.windows(2).all(|w| w[0].can_move_to(w[1])), "{path:?}");
        }
    }

    #[test]
    fn region_weights_cover_every_region() {
        let mut codes: Vec<&str> = REGION_WEIGHTS.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        let mut all: Vec<&str> = RegionCode::all().map(RegionCode::as_str).collect();
        all.sort_unstable();
        assert_eq!(codes, all);
    }
}
