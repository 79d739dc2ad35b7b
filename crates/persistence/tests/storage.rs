//! The storage layer on SQLite and PostgreSQL alike: each test runs on both, each on a fresh
//! database.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed step should stop the test loudly

use chrono::{DateTime, NaiveDate, Utc};
use salkku_domain::budget::{self, BudgetLine};
use salkku_domain::deadline::helsinki;
use salkku_domain::funding::ViolationCode;
use salkku_domain::ids::{ApplicationId, GrantCallId, NodeKind, OrganizationId};
use salkku_domain::report::{ReportKind, ReportStatus};
use salkku_domain::*;
use salkku_persistence::commands::allocations::{NewAllocation, NewPayment};
use salkku_persistence::commands::applications::{ApplicationChanges, NewApplication, NewParticipant};
use salkku_persistence::commands::calls::NewGrantCall;
use salkku_persistence::commands::change_requests::NewChangeRequest;
use salkku_persistence::commands::commitments::{CommitmentChanges, NewCommitment};
use salkku_persistence::commands::organizations::NewOrganization;
use salkku_persistence::commands::reports::{NewReport, Submission, Verdict};
use salkku_persistence::commands::transitions::Transition;
use salkku_persistence::entities;
use salkku_persistence::records::{Application, Organization};
use salkku_persistence::*;
use salkku_persistence::{commands, views};
use salkku_test_db::{TestDatabase, on_both};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};

async fn open(t: &TestDatabase) -> Db {
    let db = Db::connect(&DbSettings::new(t.url.clone())).await.expect("connect");
    db.migrate().await.expect("migrate");
    db
}

fn now() -> DateTime<Utc> {
    helsinki(2020, 5, 11, 10, 0).unwrap()
}

fn m(s: &str) -> Money {
    Money::parse(s).unwrap()
}

/// An amount as a user enters it.
fn a(s: &str) -> Amount {
    Amount::parse(s).unwrap()
}

fn budget(lines: Vec<BudgetLine>, state_aid_requested: Money) -> budget::Budget {
    budget::Budget::new(lines, Amount::new(state_aid_requested).unwrap()).unwrap()
}

fn d(y: i32, mo: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, mo, day).unwrap()
}

fn coordinator() -> Actor {
    Actor::system("auli.romppainen")
}

/// A change by `actor`, now.
fn by(actor: &Actor) -> Change<'_> {
    Change::new(actor, "test", now())
}

async fn org(db: &Db, name: &str, kind: OrganizationKind) -> Organization {
    let new = NewOrganization { name: name.into(), kind, business_id: None, region: None, population: None };
    commands::organizations::create(db, &by(&coordinator()), new, None).await.unwrap()
}

async fn call(db: &Db, funder: OrganizationId, rate: &str, in_kind: bool) -> GrantCallId {
    let new = NewGrantCall {
        title: "Lastensuojelun kehittäminen".into(),
        funder,
        programme: None,
        opens_at: Some(helsinki(2020, 4, 1, 8, 0).unwrap()),
        closes_at: helsinki(2020, 6, 30, 16, 15).unwrap(),
        max_aid_rate: Rate::parse(rate).unwrap(),
        in_kind_counts: in_kind,
        envelope: None,
        url: None,
        reallocation_tolerance: Rate::ZERO,
        report_schedule: None,
    };
    commands::calls::create(db, &by(&coordinator()), new, None).await.unwrap().id
}

async fn monni(db: &Db) -> (Application, Organization, GrantCallId) {
    let stm = org(db, "Sosiaali- ja terveysministeriö", OrganizationKind::Ministry).await;
    let sonet = org(db, "SONet BOTNIA", OrganizationKind::CompetenceCentre).await;
    let pikassos = org(db, "Pikassos Oy", OrganizationKind::Company).await;
    let call = call(db, stm.id, "80", false).await;
    let new = NewApplication {
        name: "MONNI – Lastensuojelun monialainen kehittäminen".into(),
        acronym: Some("MONNI".into()),
        description: None,
        call: Some(call),
        lead: sonet.id,
        participants: vec![NewParticipant { organization: pikassos.id, role: ParticipationRole::CoImplementer }],
        regions: vec![
            RegionCode::parse("05").unwrap(),
            RegionCode::parse("06").unwrap(),
            RegionCode::parse("14").unwrap(),
        ],
        period_start: Some(d(2020, 9, 1)),
        period_end: Some(d(2022, 12, 31)),
        report_due: None,
    };
    let app = commands::applications::create(db, &by(&coordinator()), new, None).await.unwrap();
    (app, sonet, call)
}

/// MONNI with an allocation of 100 € from STM, its call's funder.
async fn monni_allocated(db: &Db) -> (Application, salkku_persistence::records::Allocation) {
    let (monni, sonet, stm_call) = monni(db).await;
    let stm = views::calls::get(db.conn(), stm_call).await.unwrap().unwrap().funder;
    let new = NewAllocation {
        funder: stm,
        recipient: sonet.id,
        application: Some(monni.id),
        year: 2021,
        amount: a("100.00"),
        decision_date: None,
        decision_ref: None,
        decision: None,
    };
    let allocation = commands::allocations::record(db, &by(&coordinator()), new, None).await.unwrap();
    (monni, allocation)
}

/// What `command` answers, run on `db` in a task of its own: a command another transaction may
/// keep waiting.
fn in_task<T, F>(db: &Db, command: impl FnOnce(Db) -> F) -> tokio::task::JoinHandle<T>
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    tokio::spawn(command(db.clone()))
}

/// The value of `column` in the one row `sql` answers on PostgreSQL.
async fn postgres_value<T: sea_orm::TryGetable>(db: &Db, sql: &str, column: &str) -> T {
    let statement = sea_orm::Statement::from_string(sea_orm::DbBackend::Postgres, sql);
    db.conn().query_one_raw(statement).await.unwrap().unwrap().try_get("", column).unwrap()
}

/// Another session's transaction that has made `changes` and stays open: what a command under
/// test waits for until it commits.
async fn holding(t: &TestDatabase, changes: &[String]) -> sea_orm::DatabaseTransaction {
    use sea_orm::TransactionTrait;
    let other = sea_orm::Database::connect(&t.url).await.unwrap();
    let holder = other.begin().await.unwrap();
    for change in changes {
        holder.execute_unprepared(change).await.unwrap();
    }
    holder
}

/// A board-level cash pledge of `amount` by `organization` towards `application`, due 18.6.2020.
fn pledge_of(
    application: ApplicationId,
    organization: OrganizationId,
    amount: &str,
    status: CommitmentStatus,
) -> NewCommitment {
    NewCommitment {
        application,
        organization,
        amount: a(amount),
        kind: CommitmentKind::Cash,
        level: CommitmentLevel::Board,
        status,
        due_date: Some(d(2020, 6, 18)),
        decided_at: None,
        decision_ref: None,
        decision: None,
    }
}

/// What another pledge of `cents` more moves (see [`summed_meanwhile`]).
fn pledged_meanwhile(id: ApplicationId, cents: i64) -> Vec<String> {
    summed_meanwhile(id, "self_funding_committed_cents", cents)
}

/// What another change of `cents` more in the project's sum `column` moves, as a command would:
/// the sum on its row (which moves the row but not its version), what the portfolio counts it
/// as, and the cells (the project is the portfolio's only one).
fn summed_meanwhile(id: ApplicationId, column: &str, cents: i64) -> Vec<String> {
    let id = id.0;
    vec![
        format!("UPDATE applications SET {column} = {column} + {cents} WHERE id = {id}"),
        format!("UPDATE portfolio_counted SET {column} = {column} + {cents} WHERE application_id = {id}"),
        format!("UPDATE portfolio_cells SET {column} = {column} + {cents}"),
    ]
}

/// What another allocation of `cents` from `funder` to the project moves, as recordAllocation
/// would: the allocation, and the project's granted sum with what the portfolio counts.
fn allocated_meanwhile(project: &Application, funder: OrganizationId, cents: i64) -> Vec<String> {
    let mut changes = summed_meanwhile(project.id, "state_aid_granted_cents", cents);
    changes.push(format!(
        "INSERT INTO state_aid_allocations (funder_id, recipient_id, application_id, year, amount_cents, \
         paid_total_cents, created_at, updated_at, version) VALUES ({}, {}, {}, 2021, {cents}, 0, now(), now(), 1)",
        funder.0, project.lead.0, project.id.0
    ));
    changes
}

/// MONNI with a pledge of 60 000 € asked of Seinäjoki and one of 40 000 € promised by the hospital
/// district, which another transaction raises by 100 € (as updateCommitment would) and holds:
/// MONNI, its call's funder, Seinäjoki's pledge and that transaction.
async fn district_raised_meanwhile(
    t: &TestDatabase,
    db: &Db,
) -> (Application, OrganizationId, salkku_persistence::records::Commitment, sea_orm::DatabaseTransaction) {
    let (monni, _, stm_call) = monni(db).await;
    let stm = views::calls::get(db.conn(), stm_call).await.unwrap().unwrap().funder;
    let seinajoki = org(db, "Seinäjoen kaupunki", OrganizationKind::Municipality).await;
    let epshp = org(db, "Etelä-Pohjanmaan sairaanhoitopiiri", OrganizationKind::HospitalDistrict).await;
    let add = async |p| commands::commitments::add(db, &by(&coordinator()), p, None).await;
    let city = add(pledge_of(monni.id, seinajoki.id, "60000.00", CommitmentStatus::Requested)).await.unwrap();
    let district = add(pledge_of(monni.id, epshp.id, "40000.00", CommitmentStatus::Promised)).await.unwrap();
    let mut meanwhile = pledged_meanwhile(monni.id, 10_000);
    meanwhile.push(format!(
        "UPDATE commitments SET amount_cents = amount_cents + 10000, version = version + 1 WHERE id = {}",
        district.id.0
    ));
    let holder = holding(t, &meanwhile).await;
    (monni, stm, city, holder)
}

/// MONNI's budget set to 500 000 € of personnel costs at version 1, in a task of its own.
fn setting_monni_budget(db: &Db, id: ApplicationId) -> tokio::task::JoinHandle<StoreResult<Application>> {
    in_task(db, move |db| async move {
        let lines = vec![line(CostCategory::Personnel, 2021, "500000.00")];
        commands::budgets::set_budget(&db, &by(&coordinator()), id, 1, budget(lines, m("400000.00"))).await
    })
}

/// What `task` answers once `holder` commits: it must still be waiting for it until then (`what`
/// says for what).
async fn once_committed<T>(holder: sea_orm::DatabaseTransaction, task: tokio::task::JoinHandle<T>, what: &str) -> T {
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!task.is_finished(), "{what}");
    holder.commit().await.unwrap();
    task.await.unwrap()
}

/// MONNI, granted (as a decision would leave it), and six more months asked for it.
async fn extension_of_granted_monni(db: &Db) -> NewChangeRequest {
    let (monni, _, _) = monni(db).await;
    let granted = format!("UPDATE applications SET status = 'GRANTED' WHERE id = {}", monni.id.0);
    db.conn().execute_unprepared(&granted).await.unwrap();
    NewChangeRequest {
        application: monni.id,
        justification: Some("Rekrytointi viivästyi".into()),
        new_end: Some(d(2023, 6, 30)),
        lines: None,
        state_aid: None,
        content_change: None,
        plan: None,
        partners: Vec::new(),
        submit: false,
    }
}

fn line(category: CostCategory, year: i32, amount: &str) -> BudgetLine {
    BudgetLine::new(category, year, None, a(amount)).unwrap()
}

async fn count<E: EntityTrait>(db: &Db) -> u64
where
    E::Model: Sync,
{
    E::find().count(db.conn()).await.unwrap()
}

/// The deadlines that concern `org` by their relations (the rule `deadline_parties` keeps), and
/// the ones the storage lists for it: they must be the same.
async fn parties_agree(db: &Db, orgs: &[OrganizationId], step: &str) {
    use salkku_persistence::views::deadlines::{DeadlineFilter, in_window};
    use sea_orm::{FromQueryResult, Statement};
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    for org in orgs {
        let o = org.0;
        let sql = format!(
            "SELECT id FROM deadlines WHERE application_id IN (SELECT id FROM applications WHERE lead_id = {o} \
             UNION ALL SELECT application_id FROM application_participants WHERE organization_id = {o}) \
             UNION SELECT id FROM deadlines WHERE commitment_id IN (SELECT id FROM commitments WHERE organization_id = {o}) \
             UNION SELECT id FROM deadlines WHERE application_id IS NULL \
             AND call_id IN (SELECT id FROM grant_calls WHERE funder_id = {o})"
        );
        let backend = db.conn().get_database_backend();
        let rows = Id::find_by_statement(Statement::from_string(backend, sql)).all(db.conn()).await.unwrap();
        let mut expected: Vec<i64> = rows.into_iter().map(|r| r.id).collect();
        expected.sort_unstable();
        let filter = DeadlineFilter { organization: Some(*org), ..Default::default() };
        let far = |y| helsinki(y, 1, 1, 0, 0).unwrap();
        let listed = in_window(db.conn(), far(1990), far(2100), &filter, 10_000, false).await.unwrap();
        let mut ids: Vec<i64> = listed.iter().map(|v| v.deadline.id.0).collect();
        assert!(
            listed
                .windows(2)
                .all(|w| (w[0].deadline.due_at, w[0].deadline.id.0) < (w[1].deadline.due_at, w[1].deadline.id.0)),
            "{step}: in order, each once"
        );
        ids.sort_unstable();
        assert_eq!(ids, expected, "{step}: the deadlines of organisation {o}");
    }
    // And each says whether its deadline still calls for action as its sources do now.
    let quoted = |codes: Vec<&str>| codes.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ");
    let finals = quoted(ApplicationStatus::all().filter(|s| s.is_final()).map(ApplicationStatus::as_str).collect());
    let owed = quoted(ReportStatus::all().filter(|s| s.owed()).map(ReportStatus::as_str).collect());
    let sql = format!(
        "SELECT count(*) AS n FROM deadline_parties p JOIN deadlines d ON d.id = p.deadline_id WHERE p.calls_for_action <> \
         (NOT EXISTS (SELECT 1 FROM applications a WHERE a.id = d.application_id AND a.status IN ({finals})) \
         AND NOT EXISTS (SELECT 1 FROM commitments c WHERE c.id = d.commitment_id AND c.status <> 'REQUESTED') \
         AND NOT EXISTS (SELECT 1 FROM report_obligations r WHERE r.id = d.report_id AND r.status NOT IN ({owed})))"
    );
    let backend = db.conn().get_database_backend();
    let row = db.conn().query_one_raw(sea_orm::Statement::from_string(backend, sql)).await.unwrap().unwrap();
    assert_eq!(row.try_get::<i64>("", "n").unwrap(), 0, "{step}: whether each deadline calls for action");
    // And each is due when its deadline is.
    let sql = "SELECT count(*) AS n FROM deadline_parties p JOIN deadlines d ON d.id = p.deadline_id WHERE p.due_at <> d.due_at";
    let row = db.conn().query_one_raw(sea_orm::Statement::from_string(backend, sql)).await.unwrap().unwrap();
    assert_eq!(row.try_get::<i64>("", "n").unwrap(), 0, "{step}: each due when its deadline is");
}

/// Each application's sums, kept on its row, are what their rows sum to by the rule
/// (`derived/application_sums.rs`): the granted aid its allocations; the pledged self-funding its
/// commitments pledged, cash always, in kind where the call allows.
async fn sums_agree(db: &Db, step: &str) {
    let sql = "SELECT count(*) AS n FROM applications a WHERE a.self_funding_committed_cents <> \
               coalesce((SELECT sum(c.amount_cents) FROM commitments c WHERE c.application_id = a.id \
               AND c.status IN ('PROMISED', 'APPROVED') AND (c.kind = 'CASH' OR EXISTS \
               (SELECT 1 FROM grant_calls g WHERE g.id = a.call_id AND g.in_kind_counts))), 0) \
               OR a.state_aid_granted_cents <> \
               coalesce((SELECT sum(s.amount_cents) FROM state_aid_allocations s WHERE s.application_id = a.id), 0)";
    let backend = db.conn().get_database_backend();
    let row = db.conn().query_one_raw(sea_orm::Statement::from_string(backend, sql)).await.unwrap().unwrap();
    assert_eq!(row.try_get::<i64>("", "n").unwrap(), 0, "{step}: the pledged sums");
}

/// Every filter the portfolio's cells answer, and some they do not, summed from the cells and
/// from the applications themselves: they must agree to the cent.
async fn cells_agree_with_the_applications(db: &Db, funders: [OrganizationId; 2], step: &str) {
    use salkku_persistence::views::application_list::ApplicationFilter;
    use salkku_persistence::views::portfolio::{Wanted, summary, summary_scanning};
    let all = Wanted::ALL;
    let without_regions = Wanted { by_region: false, ..all };
    let statuses =
        [vec![], vec![ApplicationStatus::Idea], vec![ApplicationStatus::Idea, ApplicationStatus::InPreparation]];
    let years = [None, Some(1999), Some(2000), Some(2020), Some(2021), Some(2022), Some(2023), Some(2050), Some(2051)];
    for year in years {
        for statuses in &statuses {
            for funder in [None, Some(funders[0]), Some(funders[1])] {
                for region in [None, Some(RegionCode::parse("14").unwrap())] {
                    for wanted in [all, without_regions, Wanted::TOTALS] {
                        let filter = ApplicationFilter {
                            statuses: statuses.clone(),
                            region,
                            funder,
                            year,
                            ..Default::default()
                        };
                        let kept = summary(db.conn(), &filter, wanted).await.unwrap();
                        let scanned = summary_scanning(db.conn(), &filter, wanted).await.unwrap();
                        assert_eq!(kept, scanned, "{step}: {filter:?} {wanted:?}");
                    }
                }
            }
        }
    }
}

on_both! {
    async fn postgresql_sessions_run_without_parallel_workers_unless_the_url_says(t: TestDatabase) {
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        let show = |url: String| async move {
            let db = Db::connect(&DbSettings::new(url)).await.unwrap();
            let row = db
                .conn()
                .query_one_raw(sea_orm::Statement::from_string(db.conn().get_database_backend(), "SHOW max_parallel_workers_per_gather"))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<String>("", "max_parallel_workers_per_gather").unwrap()
        };
        assert_eq!(show(t.url.clone()).await, "0");
        let separator = if t.url.contains('?') { '&' } else { '?' };
        assert_eq!(show(format!("{}{separator}options=-c%20max_parallel_workers_per_gather%3D1", t.url)).await, "1");
    }

    async fn migrations_create_the_schema_with_every_region(t: TestDatabase) {
        let db = open(&t).await;
        assert_eq!(views::regions::all(db.conn()).await.unwrap().len(), 19);
        // A second run finds nothing to do.
        assert_eq!(db.migrate().await.unwrap(), 0);
        db.ping().await.unwrap();
    }

    async fn an_organisation_round_trips_and_a_business_id_is_taken_once(t: TestDatabase) {
        let db = open(&t).await;
        let new = NewOrganization {
            name: "Seinäjoen kaupunki".into(),
            kind: OrganizationKind::Municipality,
            business_id: Some(BusinessId::parse("0112038-9").unwrap()),
            region: Some(RegionCode::parse("14").unwrap()),
            population: Some(64_736),
        };
        let created = commands::organizations::create(&db, &by(&coordinator()), new.clone(), None).await.unwrap();
        assert_eq!(views::organizations::get(db.conn(), created.id).await.unwrap(), Some(created.clone()));
        let again = commands::organizations::create(&db, &by(&coordinator()), NewOrganization { name: "Toinen".into(), ..new }, None).await;
        assert!(matches!(again, Err(StoreError::Duplicate { concerning: Concerning::BusinessId, .. })), "{again:?}");
        assert_eq!(count::<entities::organization::Entity>(&db).await, 1);
    }

    async fn a_call_brings_its_closing_deadline(t: TestDatabase) {
        let db = open(&t).await;
        let stm = org(&db, "STM", OrganizationKind::Ministry).await;
        let id = call(&db, stm.id, "80", false).await;
        let due = views::deadlines::due_between(db.conn(), helsinki(2020, 6, 1, 0, 0).unwrap(), helsinki(2020, 7, 1, 0, 0).unwrap()).await.unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].kind, DeadlineKind::CallCloses);
        assert_eq!(due[0].call, Some(id));
        assert_eq!(salkku_domain::deadline::local_due(due[0].due_at), "2020-06-30 16:15");
    }

    async fn a_call_that_closes_before_it_opens_is_refused_and_not_stored(t: TestDatabase) {
        let db = open(&t).await;
        let stm = org(&db, "STM", OrganizationKind::Ministry).await;
        let closes = helsinki(2020, 4, 1, 8, 0).unwrap();
        let new = NewGrantCall {
            title: "Backwards".into(),
            funder: stm.id,
            programme: None,
            opens_at: Some(closes),
            closes_at: closes,
            max_aid_rate: Rate::FULL,
            in_kind_counts: false,
            envelope: None,
            url: None,
            reallocation_tolerance: Rate::ZERO,
            report_schedule: None,
        };
        assert!(matches!(commands::calls::create(&db, &by(&coordinator()), new, None).await, Err(StoreError::Rule { concerning: Some(Concerning::ApplicationPeriod), .. })));
        assert_eq!(count::<entities::grant_call::Entity>(&db).await, 0);
        assert_eq!(count::<entities::deadline::Entity>(&db).await, 0);
    }

    async fn the_database_itself_refuses_negative_money_bad_rates_and_unknown_codes(t: TestDatabase) {
        let db = open(&t).await;
        let stm = org(&db, "STM", OrganizationKind::Ministry).await;
        let now = "'2020-01-01T00:00:00+00:00'";
        for sql in [
            format!("INSERT INTO grant_calls (title, funder_id, closes_at, max_aid_rate_bp, in_kind_counts, created_at, updated_at, version) VALUES ('x', {}, {now}, 10001, false, {now}, {now}, 1)", stm.id.0),
            format!("INSERT INTO grant_calls (title, funder_id, closes_at, max_aid_rate_bp, in_kind_counts, envelope_cents, created_at, updated_at, version) VALUES ('x', {}, {now}, 8000, false, -1, {now}, {now}, 1)", stm.id.0),
            format!("INSERT INTO organizations (name, kind, created_at, updated_at, version) VALUES ('x', 'PIRATE', {now}, {now}, 1)"),
            format!("INSERT INTO organizations (name, kind, region_code, created_at, updated_at, version) VALUES ('x', 'NGO', '03', {now}, {now}, 1)"),
            format!("INSERT INTO grant_calls (title, funder_id, closes_at, max_aid_rate_bp, in_kind_counts, created_at, updated_at, version) VALUES ('x', 999, {now}, 8000, false, {now}, {now}, 1)"),
        ] {
            assert!(db.conn().execute_unprepared(&sql).await.is_err(), "accepted: {sql}");
        }
        assert_eq!(count::<entities::grant_call::Entity>(&db).await, 0);
    }

    async fn an_update_takes_the_keys_of_new_rows_only_when_it_makes_them(t: TestDatabase) {
        // On PostgreSQL a key read beforehand is a sequence's value, gone once taken.
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        let db = open(&t).await;
        let (monni, _, _) = monni(&db).await;
        let taken = async |table: &str| -> i64 {
            let sql = format!("SELECT coalesce(last_value, 0) AS n FROM pg_sequences WHERE sequencename = '{table}_id_seq'");
            let backend = db.conn().get_database_backend();
            let row = db.conn().query_one_raw(sea_orm::Statement::from_string(backend, sql)).await.unwrap().unwrap();
            row.try_get::<i64>("", "n").unwrap()
        };
        let before = (taken("deadlines").await, taken("report_obligations").await);
        // Renamed: its end's deadline is there already, and it has no report date.
        let renamed = ApplicationChanges { name: Some("MONNI 2020–2022".into()), ..Default::default() };
        commands::applications::update(&db, &by(&coordinator()), monni.id, 1, renamed).await.unwrap();
        assert_eq!((taken("deadlines").await, taken("report_obligations").await), before);
        // Given a report date: a final report and its deadline, one key each.
        let dated = ApplicationChanges { report_due: Some(Some(d(2023, 4, 30))), ..Default::default() };
        commands::applications::update(&db, &by(&coordinator()), monni.id, 2, dated).await.unwrap();
        assert_eq!((taken("deadlines").await, taken("report_obligations").await), (before.0 + 1, before.1 + 1));
    }

    async fn one_budget_version_is_in_force_however_it_is_written(t: TestDatabase) {
        use sea_orm::{ColumnTrait, QueryFilter};
        let db = open(&t).await;
        let (app, _, _) = monni(&db).await;
        let now = "'2020-01-01T00:00:00+00:00'";
        let second = format!(
            "INSERT INTO budget_versions (application_id, number, kind, in_force, total_cost_cents, state_aid_cents, \
             within_tolerance, created_at, created_by, plan_only) VALUES ({}, 2, 'GRANTED', true, 0, 0, false, {now}, 'x', false)",
            app.id.0
        );
        let tx = db.begin_write().await.unwrap();
        // PostgreSQL checks at the commit (a command steps the old version down in the statement
        // that writes the new one), SQLite at the row: either way it never lands.
        let refused = match (*tx).execute_unprepared(&second).await {
            Err(_) => true,
            Ok(_) => tx.commit().await.is_err(),
        };
        assert!(refused, "a second version in force was accepted");
        let in_force = entities::budget_version::Entity::find()
            .filter(entities::budget_version::Column::InForce.eq(true))
            .count(db.conn())
            .await
            .unwrap();
        assert_eq!(in_force, 1);
    }

    async fn an_application_starts_as_an_idea_with_history_regions_and_deadlines(t: TestDatabase) {
        let db = open(&t).await;
        let (app, sonet, _) = monni(&db).await;
        assert_eq!(app.status, ApplicationStatus::Idea);
        assert_eq!((app.version, app.lead), (1, sonet.id));
        let history = views::applications::history_of(db.conn(), &[app.id]).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!((history[0].from, history[0].to, history[0].by.as_str()), (None, ApplicationStatus::Idea, "auli.romppainen"));
        let regions: Vec<_> = views::applications::regions_of(db.conn(), &[app.id]).await.unwrap().into_iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(regions, ["05", "06", "14"]);
        let participants = views::applications::participants_of(db.conn(), &[app.id]).await.unwrap();
        assert_eq!(participants.len(), 1);
        let deadlines = views::deadlines::for_applications(db.conn(), &[app.id]).await.unwrap();
        assert_eq!(deadlines.iter().map(|d| d.kind).collect::<Vec<_>>(), [DeadlineKind::ProjectEnds]);
        assert_eq!(salkku_domain::deadline::local_due(deadlines[0].due_at), "2022-12-31 23:59");
    }

    async fn a_failed_create_leaves_nothing_behind(t: TestDatabase) {
        let db = open(&t).await;
        let (app, sonet, call) = monni(&db).await;
        let before = (count::<entities::application::Entity>(&db).await, count::<entities::status_change::Entity>(&db).await);
        let new = NewApplication {
            name: "Orpo".into(),
            acronym: None,
            description: None,
            call: Some(call),
            lead: sonet.id,
            participants: vec![NewParticipant { organization: OrganizationId(9999), role: ParticipationRole::Partner }],
            regions: vec![],
            period_start: None,
            period_end: Some(d(2021, 1, 1)),
            report_due: None,
        };
        let refused = commands::applications::create(&db, &by(&coordinator()), new, None).await;
        assert!(matches!(refused, Err(StoreError::UnknownReference { concerning: Concerning::Participants, .. })), "{refused:?}");
        let after = (count::<entities::application::Entity>(&db).await, count::<entities::status_change::Entity>(&db).await);
        assert_eq!(before, after);
        assert_eq!(views::deadlines::for_applications(db.conn(), &[app.id]).await.unwrap().len(), 1);
    }

    async fn a_stale_version_is_a_conflict_and_changes_nothing(t: TestDatabase) {
        let db = open(&t).await;
        let (app, _, _) = monni(&db).await;
        let renamed = commands::applications::update(&db, &by(&coordinator()), app.id, 1, ApplicationChanges { name: Some("MONNI 2020–2022".into()), ..Default::default() }).await.unwrap();
        assert_eq!((renamed.version, renamed.name.as_str()), (2, "MONNI 2020–2022"));
        let stale = commands::applications::update(&db, &by(&coordinator()), app.id, 1, ApplicationChanges { name: Some("Overwrite".into()), ..Default::default() }).await;
        assert!(matches!(stale, Err(StoreError::Conflict { kind: NodeKind::Application, expected: 1, actual: 2 })), "{stale:?}");
        assert_eq!(views::applications::get(db.conn(), app.id).await.unwrap().unwrap().name, "MONNI 2020–2022");
    }

    async fn moving_the_project_end_moves_its_deadline(t: TestDatabase) {
        let db = open(&t).await;
        let (app, _, _) = monni(&db).await;
        let changes = ApplicationChanges { period_end: Some(Some(d(2023, 6, 30))), report_due: Some(Some(d(2023, 10, 31))), ..Default::default() };
        commands::applications::update(&db, &by(&coordinator()), app.id, 1, changes).await.unwrap();
        let deadlines = views::deadlines::for_applications(db.conn(), &[app.id]).await.unwrap();
        let shown: Vec<_> = deadlines.iter().map(|d| (d.kind, salkku_domain::deadline::local_due(d.due_at))).collect();
        assert_eq!(shown, [(DeadlineKind::ProjectEnds, "2023-06-30 23:59".into()), (DeadlineKind::ReportDue, "2023-10-31 23:59".into())]);
        let cleared = ApplicationChanges { period_end: Some(None), ..Default::default() };
        commands::applications::update(&db, &by(&coordinator()), app.id, 2, cleared).await.unwrap();
        let kinds: Vec<_> = views::deadlines::for_applications(db.conn(), &[app.id]).await.unwrap().into_iter().map(|d| d.kind).collect();
        assert_eq!(kinds, [DeadlineKind::ReportDue]);
    }

    async fn a_project_cannot_end_before_it_starts(t: TestDatabase) {
        let db = open(&t).await;
        let (app, _, _) = monni(&db).await;
        let backwards = ApplicationChanges { period_end: Some(Some(d(2019, 1, 1))), ..Default::default() };
        let refused = commands::applications::update(&db, &by(&coordinator()), app.id, 1, backwards).await;
        assert!(matches!(refused, Err(StoreError::Rule { concerning: Some(Concerning::ProjectPeriod), .. })), "{refused:?}");
        assert_eq!(views::applications::get(db.conn(), app.id).await.unwrap().unwrap().version, 1);
    }

    async fn a_budget_replaces_the_lines_and_keeps_the_total_exact(t: TestDatabase) {
        let db = open(&t).await;
        let (app, _, _) = monni(&db).await;
        let first = vec![line(CostCategory::Personnel, 2020, "100000.00")];
        commands::budgets::set_budget(&db, &by(&coordinator()), app.id, 1, budget(first, m("80000.00"))).await.unwrap();
        let lines = vec![
            line(CostCategory::Personnel, 2020, "60000.00"),
            line(CostCategory::Personnel, 2021, "120000.00"),
            line(CostCategory::Personnel, 2022, "120000.00"),
            line(CostCategory::PurchasedServices, 2021, "30000.10"),
            line(CostCategory::Travel, 2020, "4999.95"),
        ];
        let updated = commands::budgets::set_budget(&db, &by(&coordinator()), app.id, 2, budget(lines, m("268000.04"))).await.unwrap();
        assert_eq!((updated.version, updated.total_cost.to_string(), updated.state_aid_requested.to_string()), (3, "335000.05".into(), "268000.04".into()));
        let stored = views::budgets::lines_of(db.conn(), &[app.id]).await.unwrap();
        assert_eq!(stored.len(), 5);
        assert_eq!(stored[3].line.amount(), m("30000.10"));
        // A stale budget changes nothing.
        let stale = commands::budgets::set_budget(&db, &by(&coordinator()), app.id, 2, budget(vec![], Money::ZERO)).await;
        assert!(matches!(stale, Err(StoreError::Conflict { .. })));
        assert_eq!(views::budgets::lines_of(db.conn(), &[app.id]).await.unwrap().len(), 5);
        assert_eq!(views::applications::get(db.conn(), app.id).await.unwrap().unwrap().total_cost, m("335000.05"));
    }

    async fn a_budget_is_set_without_a_transaction_unless_its_writes_are_too_many_for_one_statement(t: TestDatabase) {
        // On PostgreSQL setBudget writes in one statement without a transaction; a budget of
        // thousands of lines, more values than one statement takes, goes in a transaction, in
        // several. SQLite always writes in a transaction.
        let mut db = open(&t).await;
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let told = seen.clone();
        db.set_statement_observer(move |sql| told.lock().unwrap().push(sql.to_owned()));
        let (app, _, _) = monni(&db).await;
        let transactions = |from: usize| seen.lock().unwrap()[from..].iter().filter(|s| *s == "BEGIN").count();
        let from = seen.lock().unwrap().len();
        let few = vec![line(CostCategory::Personnel, 2021, "500000.00")];
        commands::budgets::set_budget(&db, &by(&coordinator()), app.id, 1, budget(few, m("400000.00"))).await.unwrap();
        let postgres = t.store == salkku_test_db::Store::Postgres;
        assert_eq!(transactions(from), usize::from(!postgres), "a budget of one line");
        let from = seen.lock().unwrap().len();
        let many: Vec<BudgetLine> = (0..4400).map(|_| line(CostCategory::Materials, 2021, "1.00")).collect();
        let set = commands::budgets::set_budget(&db, &by(&coordinator()), app.id, 2, budget(many, m("3520.00"))).await.unwrap();
        assert_eq!(transactions(from), 1, "a budget of 4 400 lines");
        assert_eq!((set.version, set.total_cost), (3, m("4400.00")));
        assert_eq!(views::budgets::lines_of(db.conn(), &[app.id]).await.unwrap().len(), 4400);
    }

    async fn the_largest_amount_survives_the_round_trip_to_the_cent(t: TestDatabase) {
        let db = open(&t).await;
        let (app, _, _) = monni(&db).await;
        let max = Money::from_cents(Money::MAX_CENTS).unwrap();
        let lines = vec![BudgetLine::new(CostCategory::Other, 2021, Some("kaikki".into()), Amount::new(max).unwrap()).unwrap()];
        let stored = commands::budgets::set_budget(&db, &by(&coordinator()), app.id, 1, budget(lines, m("0.01"))).await.unwrap();
        assert_eq!(stored.total_cost.to_string(), "999999999999.99");
        assert_eq!(stored.state_aid_requested.to_string(), "0.01");
    }

    async fn the_monni_split_goes_from_uncovered_to_compliant_as_commitments_are_approved(t: TestDatabase) {
        let db = open(&t).await;
        let (app, _, _) = monni(&db).await;
        let seinajoki = org(&db, "Seinäjoen kaupunki", OrganizationKind::Municipality).await;
        let epshp = org(&db, "Etelä-Pohjanmaan sairaanhoitopiiri", OrganizationKind::HospitalDistrict).await;
        let app = commands::budgets::set_budget(&db, &by(&coordinator()), app.id, 1, budget(vec![line(CostCategory::Personnel, 2021, "500000.00")], m("400000.00"))).await.unwrap();
        let pledge = |organization, amount: &str, kind, status| NewCommitment {
            application: app.id,
            organization,
            amount: a(amount),
            kind,
            level: CommitmentLevel::Board,
            status,
            due_date: Some(d(2020, 6, 18)),
            decided_at: None,
            decision_ref: None,
            decision: None,
        };
        let city = commands::commitments::add(&db, &by(&coordinator()), pledge(seinajoki.id, "60000.00", CommitmentKind::Cash, CommitmentStatus::Requested), None).await.unwrap();
        commands::commitments::add(&db, &by(&coordinator()), pledge(epshp.id, "40000.00", CommitmentKind::Cash, CommitmentStatus::Promised), None).await.unwrap();
        let split = views::splits::for_application(db.conn(), &app).await.unwrap();
        assert_eq!(split.self_funding_required, m("100000.00"));
        assert_eq!(split.self_funding_gap, m("60000.00"));
        assert!(split.has(ViolationCode::SelfFundingUncovered));

        let approved = CommitmentChanges { status: Some(CommitmentStatus::Approved), decided_at: Some(Some(d(2020, 6, 16))), decision_ref: Some(Some("Perusturvalautakunta § 7".into())), ..Default::default() };
        let city = commands::commitments::update(&db, &by(&coordinator()), city.id, 1, approved).await.unwrap();
        assert_eq!((city.version, city.status), (2, CommitmentStatus::Approved));
        let split = views::splits::for_application(db.conn(), &app).await.unwrap();
        assert!(split.compliant(), "{:?}", split.violations);

        let kinds: Vec<_> = views::deadlines::for_applications(db.conn(), &[app.id]).await.unwrap().into_iter().map(|d| d.kind).collect();
        assert_eq!(kinds, [DeadlineKind::CommitmentDue, DeadlineKind::CommitmentDue, DeadlineKind::ProjectEnds]);
    }

    async fn the_lifecycle_refuses_illegal_moves_and_submission_without_a_budget(t: TestDatabase) {
        let db = open(&t).await;
        let (app, _, _) = monni(&db).await;
        let to = |to| Transition { to, at: None, decision_ref: None, decision: None, granted: None };
        let illegal = commands::transitions::transition(&db, &by(&coordinator()), app.id, 1, to(ApplicationStatus::Granted)).await;
        assert!(matches!(illegal, Err(StoreError::Rule { concerning: Some(Concerning::Transition), source: DomainError::IllegalTransition { .. } })), "{illegal:?}");
        let app = commands::transitions::transition(&db, &by(&coordinator()), app.id, 1, to(ApplicationStatus::InPreparation)).await.unwrap();
        let blocked = commands::transitions::transition(&db, &by(&coordinator()), app.id, 2, to(ApplicationStatus::Submitted)).await;
        assert!(matches!(blocked, Err(StoreError::Rule { source: DomainError::SubmissionBlocked(_), .. })), "{blocked:?}");
        let app = commands::budgets::set_budget(&db, &by(&coordinator()), app.id, 2, budget(vec![line(CostCategory::Personnel, 2021, "500000.00")], m("400000.00"))).await.unwrap();
        let submitted_at = helsinki(2020, 6, 30, 15, 0).unwrap();
        let submit = Transition { to: ApplicationStatus::Submitted, at: Some(submitted_at), decision_ref: Some("johtoryhmä 15.5.2020".into()), decision: None, granted: None };
        let app = commands::transitions::transition(&db, &by(&coordinator()), app.id, 3, submit).await.unwrap();
        assert_eq!((app.status, app.version, app.submitted_at), (ApplicationStatus::Submitted, 4, Some(submitted_at)));
        let history = views::applications::history_of(db.conn(), &[app.id]).await.unwrap();
        let moves: Vec<_> = history.iter().map(|h| (h.from, h.to)).collect();
        assert_eq!(moves, [
            (None, ApplicationStatus::Idea),
            (Some(ApplicationStatus::Idea), ApplicationStatus::InPreparation),
            (Some(ApplicationStatus::InPreparation), ApplicationStatus::Submitted),
        ]);
        assert_eq!(history[2].decision_ref.as_deref(), Some("johtoryhmä 15.5.2020"));
        assert_eq!(history[2].at, submitted_at);
    }

    async fn an_allocation_names_an_unknown_funder_before_an_unknown_project(t: TestDatabase) {
        let db = open(&t).await;
        let stm = org(&db, "STM", OrganizationKind::Ministry).await;
        let nowhere = OrganizationId(stm.id.0 + 1_000);
        let project = salkku_domain::ids::ApplicationId(1_000_000);
        let new = |funder| NewAllocation { funder, recipient: stm.id, application: Some(project), year: 2020, amount: a("1.00"), decision_date: None, decision_ref: None, decision: None };
        let unknown = commands::allocations::record(&db, &by(&coordinator()), new(nowhere), None).await;
        assert!(matches!(unknown, Err(StoreError::UnknownReference { concerning: Concerning::Funder, .. })), "{unknown:?}");
        let unknown = commands::allocations::record(&db, &by(&coordinator()), new(stm.id), None).await;
        assert!(matches!(unknown, Err(StoreError::UnknownReference { concerning: Concerning::Application, .. })), "{unknown:?}");
        assert_eq!(count::<entities::allocation::Entity>(&db).await, 0);
    }

    async fn payments_never_exceed_their_allocation(t: TestDatabase) {
        let db = open(&t).await;
        let stm = org(&db, "STM", OrganizationKind::Ministry).await;
        let sonet = org(&db, "SONet BOTNIA", OrganizationKind::CompetenceCentre).await;
        let new = NewAllocation { funder: stm.id, recipient: sonet.id, application: None, year: 2020, amount: a("225225.00"), decision_date: None, decision_ref: None, decision: None };
        let allocation = commands::allocations::record(&db, &by(&coordinator()), new, None).await.unwrap();
        let pay = |amount: &str| NewPayment { allocation: allocation.id, paid_on: d(2020, 3, 1), amount: PaymentAmount::new(a(amount)).unwrap(), reference: None, instalment: None };
        commands::allocations::pay(&db, &by(&coordinator()), pay("112612.50"), None).await.unwrap();
        commands::allocations::pay(&db, &by(&coordinator()), pay("112612.50"), None).await.unwrap();
        let over = commands::allocations::pay(&db, &by(&coordinator()), pay("0.01"), None).await;
        assert!(matches!(over, Err(StoreError::Overpayment { .. })), "{over:?}");
        let stored = views::allocations::get(db.conn(), allocation.id).await.unwrap().unwrap();
        assert_eq!((stored.paid_total, stored.version), (m("225225.00"), 3));
        assert_eq!(views::allocations::payments_of(db.conn(), &[allocation.id]).await.unwrap().len(), 2);
        // The database holds the line too, whatever the code does.
        let raw = format!("UPDATE state_aid_allocations SET paid_total_cents = amount_cents + 1 WHERE id = {}", allocation.id.0);
        assert!(db.conn().execute_unprepared(&raw).await.is_err());
    }

    async fn an_idempotency_key_creates_once_per_subject(t: TestDatabase) {
        let db = open(&t).await;
        let (_, sonet, call) = monni(&db).await;
        let new = NewApplication {
            name: "Kansa-koulu III".into(),
            acronym: None,
            description: None,
            call: Some(call),
            lead: sonet.id,
            participants: vec![],
            regions: vec![],
            period_start: None,
            period_end: None,
            report_due: None,
        };
        let first = commands::applications::create(&db, &by(&coordinator()), new.clone(), Some("kk3")).await.unwrap();
        let replay = commands::applications::create(&db, &by(&coordinator()), new.clone(), Some("kk3")).await.unwrap();
        assert_eq!(first, replay);
        let someone_else = commands::applications::create(&db, &by(&Actor::system("someone.else")), new, Some("kk3")).await.unwrap();
        assert_ne!(first.id, someone_else.id);
        assert_eq!(count::<entities::application::Entity>(&db).await, 3);
    }
    async fn the_portfolio_kept_summed_agrees_with_its_applications_through_every_change(t: TestDatabase) {
        let db = open(&t).await;
        let (monni, sonet, stm_call) = monni(&db).await;
        let stm = views::calls::get(db.conn(), stm_call).await.unwrap().unwrap().funder;
        let okm = org(&db, "Opetus- ja kulttuuriministeriö", OrganizationKind::Ministry).await.id;
        let okm_call = call(&db, okm, "50", true).await;
        let funders = [stm, okm];
        let region = |code: &str| RegionCode::parse(code).unwrap();
        let new = |name: &str, call, regions: Vec<RegionCode>, start, end| NewApplication {
            name: name.into(), acronym: None, description: None, call, lead: sonet.id, participants: vec![],
            regions, period_start: start, period_end: end, report_due: None,
        };
        let who = coordinator();
        let open_ended = commands::applications::create(&db, &by(&who), new("Avoin loppu", None, vec![region("14")], Some(d(2021, 3, 1)), None), None).await.unwrap();
        let until = commands::applications::create(&db, &by(&who), new("Vain loppu", Some(okm_call), vec![], None, Some(d(2021, 6, 30))), None).await.unwrap();
        let unknown = commands::applications::create(&db, &by(&who), new("Ei aikaa", Some(okm_call), vec![region("15")], None, None), None).await.unwrap();
        let long = commands::applications::create(&db, &by(&who), new("Pitkä", Some(stm_call), vec![region("01"), region("14")], Some(d(2000, 1, 1)), Some(d(2050, 12, 31))), None).await.unwrap();
        cells_agree_with_the_applications(&db, funders, "created").await;

        commands::budgets::set_budget(&db, &by(&who), monni.id, 1, budget(vec![line(CostCategory::Personnel, 2021, "500000.00")], m("400000.00"))).await.unwrap();
        commands::budgets::set_budget(&db, &by(&who), until.id, 1, budget(vec![line(CostCategory::Personnel, 2021, "1000.01")], m("500.00"))).await.unwrap();
        commands::budgets::set_budget(&db, &by(&who), long.id, 1, budget(vec![line(CostCategory::Personnel, 2030, "77.77")], m("0.01"))).await.unwrap();
        let monni = commands::transitions::transition(&db, &by(&who), monni.id, 2, Transition { to: ApplicationStatus::InPreparation, at: None, decision_ref: None, decision: None, granted: None }).await.unwrap();
        cells_agree_with_the_applications(&db, funders, "budgets and a move").await;

        let pledge = |application, organization, amount: &str, kind| NewCommitment {
            application, organization, amount: a(amount), kind, level: CommitmentLevel::Board,
            status: CommitmentStatus::Promised, due_date: None, decided_at: None, decision_ref: None, decision: None,
        };
        let city = commands::commitments::add(&db, &by(&who), pledge(monni.id, sonet.id, "60000.00", CommitmentKind::Cash), None).await.unwrap();
        commands::commitments::add(&db, &by(&who), pledge(until.id, sonet.id, "250.00", CommitmentKind::InKind), None).await.unwrap();
        let in_kind = commands::commitments::add(&db, &by(&who), pledge(monni.id, sonet.id, "99.99", CommitmentKind::InKind), None).await.unwrap();
        sums_agree(&db, "pledges added").await;
        cells_agree_with_the_applications(&db, funders, "pledges added").await;
        let more = CommitmentChanges { amount: Some(a("70000.00")), ..Default::default() };
        commands::commitments::update(&db, &by(&who), city.id, 1, more).await.unwrap();
        sums_agree(&db, "a pledge raised").await;
        commands::commitments::update(&db, &by(&who), city.id, 2, CommitmentChanges { status: Some(CommitmentStatus::Declined), ..Default::default() }).await.unwrap();
        commands::commitments::update(&db, &by(&who), in_kind.id, 1, CommitmentChanges { status: Some(CommitmentStatus::Requested), ..Default::default() }).await.unwrap();
        sums_agree(&db, "pledges declined and asked again").await;
        cells_agree_with_the_applications(&db, funders, "pledges declined and asked again").await;
        let grant = NewAllocation { funder: stm, recipient: sonet.id, application: Some(monni.id), year: 2021, amount: a("123.45"), decision_date: None, decision_ref: None, decision: None };
        commands::allocations::record(&db, &by(&who), grant, None).await.unwrap();
        let second = NewAllocation { funder: stm, recipient: sonet.id, application: Some(monni.id), year: 2022, amount: a("0.55"), decision_date: None, decision_ref: None, decision: None };
        commands::allocations::record(&db, &by(&who), second, None).await.unwrap();
        sums_agree(&db, "allocations").await;
        cells_agree_with_the_applications(&db, funders, "commitments and an allocation").await;

        let moved = ApplicationChanges { call: Some(Some(okm_call)), regions: Some(vec![region("01"), region("02")]), period_end: Some(Some(d(2023, 1, 31))), ..Default::default() };
        commands::applications::update(&db, &by(&who), open_ended.id, 1, moved).await.unwrap();
        let dated = ApplicationChanges { period_start: Some(Some(d(2019, 12, 1))), period_end: Some(Some(d(2020, 1, 31))), call: Some(None), ..Default::default() };
        commands::applications::update(&db, &by(&who), unknown.id, 1, dated).await.unwrap();
        cells_agree_with_the_applications(&db, funders, "changed calls, regions and periods").await;
        // A pledge in kind counts only under a call that allows it: moved to STM's call, where it
        // does not, the project's pledged sum drops; moved back, it counts again.
        let to_stm = ApplicationChanges { call: Some(Some(stm_call)), ..Default::default() };
        let moved = commands::applications::update(&db, &by(&who), until.id, 2, to_stm).await.unwrap();
        assert_eq!(views::splits::for_application(db.conn(), &moved).await.unwrap().self_funding_committed, m("0.00"));
        sums_agree(&db, "a project with a pledge in kind moved to a call where it does not count").await;
        cells_agree_with_the_applications(&db, funders, "a pledge in kind no longer counted").await;
        let back = ApplicationChanges { call: Some(Some(okm_call)), ..Default::default() };
        let moved = commands::applications::update(&db, &by(&who), until.id, 3, back).await.unwrap();
        assert_eq!(views::splits::for_application(db.conn(), &moved).await.unwrap().self_funding_committed, m("250.00"));
        sums_agree(&db, "moved back").await;
        cells_agree_with_the_applications(&db, funders, "a pledge in kind counted again").await;

        // The portfolio reads its cells: a change behind the storage's back shows only in a scan.
        db.conn().execute_unprepared("UPDATE applications SET total_cost_cents = total_cost_cents + 1").await.unwrap();
        let filter = salkku_persistence::views::application_list::ApplicationFilter { year: Some(2021), ..Default::default() };
        let wanted = salkku_persistence::views::portfolio::Wanted::TOTALS;
        let kept = views::portfolio::summary(db.conn(), &filter, wanted).await.unwrap();
        let scanned = views::portfolio::summary_scanning(db.conn(), &filter, wanted).await.unwrap();
        assert_eq!(scanned.totals.total_cost.cents() - kept.totals.total_cost.cents(), kept.totals.application_count);
    }
    async fn a_budget_set_while_another_change_holds_the_project_counts_from_that_change(t: TestDatabase) {
        // PostgreSQL hands a statement that waited for a row lock the row as committed since, and
        // the rest as it was when the statement began; setBudget must count from the former. It
        // reads without a transaction and finds the row held only when it writes: its writes, made
        // from what it read before the change, must be kept not at all, and it reads again.
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        use sea_orm::TransactionTrait;
        let db = open(&t).await;
        let (monni, _, stm_call) = monni(&db).await;
        let stm = views::calls::get(db.conn(), stm_call).await.unwrap().unwrap().funder;
        // Another transaction changes what MONNI, the only project, counts for (its committed
        // self-funding), its counted row and its cells with it, as a command does, and holds the row.
        let other = sea_orm::Database::connect(&t.url).await.unwrap();
        let holder = other.begin().await.unwrap();
        let id = monni.id.0;
        for change in [
            format!("UPDATE applications SET self_funding_committed_cents = self_funding_committed_cents + 100 WHERE id = {id}"),
            format!("UPDATE portfolio_counted SET self_funding_committed_cents = self_funding_committed_cents + 100 WHERE application_id = {id}"),
            "UPDATE portfolio_cells SET self_funding_committed_cents = self_funding_committed_cents + 100".to_owned(),
        ] {
            holder.execute_unprepared(&change).await.unwrap();
        }
        let setting = setting_monni_budget(&db, monni.id);
        let set = once_committed(holder, setting, "setBudget waits for the row").await.unwrap();
        cells_agree_with_the_applications(&db, [stm, stm], "a budget set after a change it waited for").await;
        let counted = format!(
            "SELECT c.self_funding_committed_cents = a.self_funding_committed_cents AS same \
             FROM portfolio_counted c JOIN applications a ON a.id = c.application_id WHERE a.id = {id}"
        );
        let same: bool = postgres_value(&db, &counted, "same").await;
        assert!(same, "the portfolio counts the project's pledges as the change it waited for left them");
        // What the portfolio counts the project as is where the next change counts from: had
        // the budget been written from what was read before the other change, the next change
        // would count that change's 100 € once more.
        let lines = vec![line(CostCategory::Personnel, 2021, "600000.00")];
        commands::budgets::set_budget(&db, &by(&coordinator()), monni.id, set.version, budget(lines, m("480000.00")))
            .await
            .unwrap();
        cells_agree_with_the_applications(&db, [stm, stm], "the next budget, counted from there").await;
    }
    async fn a_budget_set_while_another_change_moves_the_project_on_is_a_conflict_that_keeps_nothing(t: TestDatabase) {
        // setBudget read version 1 before the other change committed version 2: its writes,
        // already sent, must be kept not at all, and the caller told of the conflict. (Its update
        // at version 1 misses the row whatever else narrows it: this holds the statement's check
        // of what it found and the second try to account; the test above, the narrowing.)
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        let db = open(&t).await;
        let (monni, _, _) = monni(&db).await;
        let entries = count::<entities::audit::entry::Entity>(&db).await;
        let lines = count::<entities::budget_line::Entity>(&db).await;
        let holder = holding(&t, &[format!("UPDATE applications SET version = version + 1 WHERE id = {}", monni.id.0)]).await;
        let setting = setting_monni_budget(&db, monni.id);
        let stale = once_committed(holder, setting, "setBudget waits for the row").await;
        assert!(matches!(stale, Err(StoreError::Conflict { expected: 1, actual: 2, .. })), "{stale:?}");
        assert_eq!(count::<entities::audit::entry::Entity>(&db).await, entries, "no entry for what was not done");
        assert_eq!(count::<entities::budget_line::Entity>(&db).await, lines, "no lines of the budget not set");
        let now = views::applications::get(db.conn(), monni.id).await.unwrap().unwrap();
        assert_eq!((now.version, now.total_cost), (2, monni.total_cost), "the project as the other change left it");
    }

    async fn a_pledge_changed_and_a_project_moved_are_written_without_a_transaction(t: TestDatabase) {
        // On PostgreSQL updateCommitment and transitionApplication read and write in one
        // statement each, no transaction; SQLite always writes in a transaction.
        let mut db = open(&t).await;
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let told = seen.clone();
        db.set_statement_observer(move |sql| told.lock().unwrap().push(sql.to_owned()));
        let (monni, _, _) = monni(&db).await;
        let seinajoki = org(&db, "Seinäjoen kaupunki", OrganizationKind::Municipality).await;
        let transactions = |from: usize| seen.lock().unwrap()[from..].iter().filter(|s| *s == "BEGIN").count();
        let postgres = t.store == salkku_test_db::Store::Postgres;
        let from = seen.lock().unwrap().len();
        let pledge = pledge_of(monni.id, seinajoki.id, "60000.00", CommitmentStatus::Requested);
        let pledge = commands::commitments::add(&db, &by(&coordinator()), pledge, None).await.unwrap();
        assert_eq!(transactions(from), usize::from(!postgres), "a pledge added without a key");
        // With a key, its transaction stores the key with the pledge; a replay adds nothing.
        let epshp = org(&db, "Etelä-Pohjanmaan sairaanhoitopiiri", OrganizationKind::HospitalDistrict).await;
        let keyed = || pledge_of(monni.id, epshp.id, "40000.00", CommitmentStatus::Promised);
        let from = seen.lock().unwrap().len();
        let first = commands::commitments::add(&db, &by(&coordinator()), keyed(), Some("sitoumus-1")).await.unwrap();
        assert_eq!(transactions(from), 1, "a pledge added with a key");
        let replay = commands::commitments::add(&db, &by(&coordinator()), keyed(), Some("sitoumus-1")).await.unwrap();
        assert_eq!(first, replay, "the key adds once");
        sums_agree(&db, "pledges added with and without a key").await;
        let from = seen.lock().unwrap().len();
        let approved = CommitmentChanges { status: Some(CommitmentStatus::Approved), ..Default::default() };
        let pledge = commands::commitments::update(&db, &by(&coordinator()), pledge.id, 1, approved).await.unwrap();
        assert_eq!(transactions(from), usize::from(!postgres), "a pledge approved");
        assert_eq!((pledge.version, pledge.status), (2, CommitmentStatus::Approved));
        // A change that leaves the pledged sum as it is: the project's sign is the check.
        let from = seen.lock().unwrap().len();
        let dated = CommitmentChanges { decided_at: Some(Some(d(2020, 6, 16))), ..Default::default() };
        let pledge = commands::commitments::update(&db, &by(&coordinator()), pledge.id, 2, dated).await.unwrap();
        assert_eq!(transactions(from), usize::from(!postgres), "a pledge dated");
        assert_eq!((pledge.version, pledge.decided_at), (3, Some(d(2020, 6, 16))));
        let from = seen.lock().unwrap().len();
        let to = Transition { to: ApplicationStatus::InPreparation, at: None, decision_ref: None, decision: None, granted: None };
        let moved = commands::transitions::transition(&db, &by(&coordinator()), monni.id, 1, to).await.unwrap();
        assert_eq!(transactions(from), usize::from(!postgres), "a project moved on");
        assert_eq!((moved.status, moved.version), (ApplicationStatus::InPreparation, 2));
        sums_agree(&db, "a pledge approved").await;
        // A stale change is a conflict either way, and changes nothing.
        let stale = CommitmentChanges { amount: Some(a("1.00")), ..Default::default() };
        let stale = commands::commitments::update(&db, &by(&coordinator()), pledge.id, 1, stale).await;
        assert!(matches!(stale, Err(StoreError::Conflict { expected: 1, actual: 3, .. })), "{stale:?}");
        let to = Transition { to: ApplicationStatus::Withdrawn, at: None, decision_ref: None, decision: None, granted: None };
        let stale = commands::transitions::transition(&db, &by(&coordinator()), monni.id, 1, to).await;
        assert!(matches!(stale, Err(StoreError::Conflict { expected: 1, actual: 2, .. })), "{stale:?}");
        let now = views::applications::get(db.conn(), monni.id).await.unwrap().unwrap();
        assert_eq!((now.status, now.version), (ApplicationStatus::InPreparation, 2));
    }

    async fn a_pledge_changed_while_another_pledge_holds_the_project_counts_from_that_pledge(t: TestDatabase) {
        // updateCommitment reads the project's pledged sum without holding the row and writes
        // the sum as read plus its own change: had another pledge's change been kept meanwhile
        // (which leaves the project's version as it is), the sum would lose it. Its writes wait
        // for the other, are kept not at all, and it reads again.
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        let db = open(&t).await;
        let (monni, stm, city, holder) = district_raised_meanwhile(&t, &db).await;
        let approving = in_task(&db, |db| async move {
            let approved = CommitmentChanges { status: Some(CommitmentStatus::Approved), ..Default::default() };
            commands::commitments::update(&db, &by(&coordinator()), city.id, 1, approved).await
        });
        let approved = once_committed(holder, approving, "the approval waits for the project").await.unwrap();
        assert_eq!((approved.version, approved.status), (2, CommitmentStatus::Approved));
        sums_agree(&db, "a pledge approved while another was raised").await;
        let pledged = format!("SELECT self_funding_committed_cents AS cents FROM applications WHERE id = {}", monni.id.0);
        let cents: i64 = postgres_value(&db, &pledged, "cents").await;
        assert_eq!(cents, 10_010_000, "60 000 € approved and 40 100 € promised");
        cells_agree_with_the_applications(&db, [stm, stm], "a pledge approved while another was raised").await;
    }

    async fn a_pledge_added_while_another_pledge_holds_the_project_counts_both(t: TestDatabase) {
        // addCommitment without a key reads the project's pledged sum without holding the row and
        // writes the sum as read plus the new pledge: had another pledge's change been kept
        // meanwhile, the sum would lose it.
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        let db = open(&t).await;
        let (monni, stm, city, holder) = district_raised_meanwhile(&t, &db).await;
        let adding = in_task(&db, |db| async move {
            let more = pledge_of(monni.id, city.organization, "60000.00", CommitmentStatus::Promised);
            commands::commitments::add(&db, &by(&coordinator()), more, None).await
        });
        let added = once_committed(holder, adding, "the pledge waits for the project").await.unwrap();
        assert_eq!(added.amount, m("60000.00"));
        sums_agree(&db, "a pledge added while another was raised").await;
        assert_eq!(count::<entities::commitment::Entity>(&db).await, 3, "the pledge added once");
        cells_agree_with_the_applications(&db, [stm, stm], "a pledge added while another was raised").await;
    }

    async fn a_pledge_asked_for_while_its_project_is_withdrawn_does_not_call_for_action(t: TestDatabase) {
        // A pledge asked for (which the project's pledged sum does not count, so the project's
        // sign is the statement's check) brings its due date as a deadline that calls for action
        // while the project is live. Withdrawn meanwhile, the project leaves it nothing to call
        // for: a pledge written from the project as read before would call for action on it.
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        let db = open(&t).await;
        let (monni, _, _) = monni(&db).await;
        let seinajoki = org(&db, "Seinäjoen kaupunki", OrganizationKind::Municipality).await;
        let id = monni.id.0;
        let holder = holding(&t, &[
            format!("UPDATE applications SET status = 'WITHDRAWN', version = version + 1 WHERE id = {id}"),
            format!("UPDATE portfolio_counted SET status = 'WITHDRAWN' WHERE application_id = {id}"),
        ])
        .await;
        let asking = in_task(&db, |db| async move {
            let asked = pledge_of(monni.id, seinajoki.id, "20000.00", CommitmentStatus::Requested);
            commands::commitments::add(&db, &by(&coordinator()), asked, None).await
        });
        let asked = once_committed(holder, asking, "the pledge waits for the project").await.unwrap();
        let calling = format!(
            "SELECT count(*) AS n FROM deadline_parties p JOIN deadlines d ON d.id = p.deadline_id \
             WHERE d.commitment_id = {} AND p.calls_for_action",
            asked.id.0
        );
        let n: i64 = postgres_value(&db, &calling, "n").await;
        assert_eq!(n, 0, "the pledge's due date calls for no action on a withdrawn project");
        assert_eq!(count::<entities::commitment::Entity>(&db).await, 1, "the pledge added once");
    }

    async fn an_allocation_recorded_while_another_holds_the_project_counts_both(t: TestDatabase) {
        // recordAllocation without a key reads its project's allocations so far without holding
        // the row, and writes the granted sum as read plus its own: had another allocation been
        // kept meanwhile, the sum would lose it. On PostgreSQL it writes without a transaction.
        let mut db = open(&t).await;
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let told = seen.clone();
        db.set_statement_observer(move |sql| told.lock().unwrap().push(sql.to_owned()));
        let (monni, _, stm_call) = monni(&db).await;
        let stm = views::calls::get(db.conn(), stm_call).await.unwrap().unwrap().funder;
        let from = seen.lock().unwrap().len();
        let allocation = NewAllocation { funder: stm, recipient: monni.lead, application: Some(monni.id), year: 2021, amount: a("100.00"), decision_date: None, decision_ref: None, decision: None };
        commands::allocations::record(&db, &by(&coordinator()), allocation.clone(), None).await.unwrap();
        let begun = seen.lock().unwrap()[from..].iter().filter(|s| *s == "BEGIN").count();
        let postgres = t.store == salkku_test_db::Store::Postgres;
        assert_eq!(begun, usize::from(!postgres), "an allocation without a key");
        if !postgres {
            return;
        }
        let holder = holding(&t, &allocated_meanwhile(&monni, stm, 5_000)).await;
        let more = NewAllocation { amount: a("10.00"), ..allocation };
        let recording = in_task(&db, |db| async move { commands::allocations::record(&db, &by(&coordinator()), more, None).await });
        let recorded = once_committed(holder, recording, "the allocation waits for the project").await.unwrap();
        assert_eq!(recorded.amount, m("10.00"));
        sums_agree(&db, "an allocation recorded while another was").await;
        cells_agree_with_the_applications(&db, [stm, stm], "an allocation recorded while another was").await;
    }

    async fn an_allocation_past_the_aid_with_one_recorded_meanwhile_is_refused_and_keeps_nothing(t: TestDatabase) {
        // A granted project's allocations stay within the aid in force. One read before another
        // allocation was kept would fit into a remainder that allocation took.
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        let db = open(&t).await;
        let (monni, _, stm_call) = monni(&db).await;
        let stm = views::calls::get(db.conn(), stm_call).await.unwrap().unwrap().funder;
        let lines = vec![line(CostCategory::Personnel, 2021, "500000.00")];
        commands::budgets::set_budget(&db, &by(&coordinator()), monni.id, 1, budget(lines, m("400000.00"))).await.unwrap();
        db.conn().execute_unprepared(&format!("UPDATE applications SET status = 'GRANTED' WHERE id = {}", monni.id.0)).await.unwrap();
        let allocation = NewAllocation { funder: stm, recipient: monni.lead, application: Some(monni.id), year: 2021, amount: a("300000.00"), decision_date: None, decision_ref: None, decision: None };
        commands::allocations::record(&db, &by(&coordinator()), allocation.clone(), None).await.unwrap();
        // 90 000 € more allocated meanwhile: 20 000 € more would pass the 400 000 € in force.
        let holder = holding(&t, &allocated_meanwhile(&monni, stm, 9_000_000)).await;
        let entries = count::<entities::audit::entry::Entity>(&db).await;
        let more = NewAllocation { amount: a("20000.00"), ..allocation };
        let recording = in_task(&db, |db| async move { commands::allocations::record(&db, &by(&coordinator()), more, None).await });
        let over = once_committed(holder, recording, "the allocation waits for the project").await;
        assert!(matches!(over, Err(StoreError::Rule { concerning: Some(Concerning::AllocationAmount), .. })), "{over:?}");
        assert_eq!(count::<entities::allocation::Entity>(&db).await, 2, "the allocation not recorded");
        assert_eq!(count::<entities::audit::entry::Entity>(&db).await, entries, "no entry for what was not done");
        sums_agree(&db, "an allocation refused").await;
    }

    async fn a_pledge_changed_behind_its_projects_back_meanwhile_is_a_conflict_that_keeps_nothing(t: TestDatabase) {
        // Every command changing a pledge changes its project's row too; should anything change
        // the pledge alone, its update at the version read finds no row, and the statement must
        // keep nothing of the rest (the sums, the audit entry) but read again.
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        let db = open(&t).await;
        let (monni, _, _) = monni(&db).await;
        let seinajoki = org(&db, "Seinäjoen kaupunki", OrganizationKind::Municipality).await;
        let pledge = pledge_of(monni.id, seinajoki.id, "60000.00", CommitmentStatus::Requested);
        let city = commands::commitments::add(&db, &by(&coordinator()), pledge, None).await.unwrap();
        let entries = count::<entities::audit::entry::Entity>(&db).await;
        let holder = holding(&t, &[format!("UPDATE commitments SET version = version + 1 WHERE id = {}", city.id.0)]).await;
        let approving = in_task(&db, |db| async move {
            let approved = CommitmentChanges { status: Some(CommitmentStatus::Approved), ..Default::default() };
            commands::commitments::update(&db, &by(&coordinator()), city.id, 1, approved).await
        });
        let stale = once_committed(holder, approving, "the approval waits for the pledge").await;
        assert!(matches!(stale, Err(StoreError::Conflict { expected: 1, actual: 2, .. })), "{stale:?}");
        assert_eq!(count::<entities::audit::entry::Entity>(&db).await, entries, "no entry for what was not done");
        sums_agree(&db, "a pledge not approved").await;
    }

    async fn a_project_moved_while_a_pledge_holds_it_counts_from_that_pledge(t: TestDatabase) {
        // transitionApplication reads where the portfolio counts the project without holding its
        // row; a pledge changed meanwhile (which leaves the project's version as it is) moves
        // what the portfolio counts it as, and the move must count from there.
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        let db = open(&t).await;
        let (monni, _, stm_call) = monni(&db).await;
        let stm = views::calls::get(db.conn(), stm_call).await.unwrap().unwrap().funder;
        let holder = holding(&t, &pledged_meanwhile(monni.id, 100)).await;
        let moving = in_task(&db, |db| async move {
            let to = Transition { to: ApplicationStatus::InPreparation, at: None, decision_ref: None, decision: None, granted: None };
            commands::transitions::transition(&db, &by(&coordinator()), monni.id, 1, to).await
        });
        let moved = once_committed(holder, moving, "the move waits for the project").await.unwrap();
        assert_eq!((moved.status, moved.version), (ApplicationStatus::InPreparation, 2));
        cells_agree_with_the_applications(&db, [stm, stm], "a project moved on while a pledge was changed").await;
        let id = monni.id.0;
        let counted = format!(
            "SELECT c.self_funding_committed_cents = a.self_funding_committed_cents AND c.status = a.status AS same \
             FROM portfolio_counted c JOIN applications a ON a.id = c.application_id WHERE a.id = {id}"
        );
        let same: bool = postgres_value(&db, &counted, "same").await;
        assert!(same, "the portfolio counts the project as moved, with the pledge changed meanwhile");
    }

    async fn a_project_withdrawn_while_a_deadline_is_added_leaves_none_calling_for_action(t: TestDatabase) {
        // A final status ends the calls for action of every deadline of the project, in the
        // statement that moves it. A deadline added meanwhile (by a command that holds the
        // project and changes its row) is not yet there when that statement begins; a move
        // made from the row as read before it must not be kept, or the new deadline would keep
        // calling for action on a withdrawn project.
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        let db = open(&t).await;
        let (monni, sonet, _) = monni(&db).await;
        let id = monni.id.0;
        let holder = holding(&t, &[
            format!(
                "WITH added AS (INSERT INTO deadlines (kind, title, due_at, tentative, application_id, created_at, updated_at, version) \
                 VALUES ('CUSTOM', 'Ohjausryhmä', '2021-02-01T10:00:00Z', false, {id}, now(), now(), 1) RETURNING id) \
                 INSERT INTO deadline_parties (organization_id, due_at, deadline_id, calls_for_action) \
                 SELECT {}, '2021-02-01T10:00:00Z', added.id, true FROM added",
                sonet.id.0
            ),
            format!("UPDATE applications SET id = id WHERE id = {id}"),
        ])
        .await;
        let withdrawing = in_task(&db, |db| async move {
            let to = Transition { to: ApplicationStatus::Withdrawn, at: None, decision_ref: None, decision: None, granted: None };
            commands::transitions::transition(&db, &by(&coordinator()), monni.id, 1, to).await
        });
        let withdrawn = once_committed(holder, withdrawing, "the move waits for the project").await.unwrap();
        assert_eq!(withdrawn.status, ApplicationStatus::Withdrawn);
        let calling = format!(
            "SELECT count(*) AS n FROM deadline_parties p JOIN deadlines d ON d.id = p.deadline_id \
             WHERE d.application_id = {id} AND p.calls_for_action"
        );
        let n: i64 = postgres_value(&db, &calling, "n").await;
        assert_eq!(n, 0, "no deadline of a withdrawn project calls for action");
    }

    async fn a_plan_that_waited_for_its_allocation_plans_against_what_was_planned_meanwhile(t: TestDatabase) {
        // A plan sums what its allocation's plan took in the statement that holds the allocation:
        // one that waited for another plan must count that plan's instalments.
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        use salkku_persistence::commands::instalments::{NewInstalment, Plan};
        let db = open(&t).await;
        let (monni, allocation) = monni_allocated(&db).await;
        let (project, id) = (monni.id.0, allocation.id.0);
        // Another plan of 60 € holds the project and the allocation, as a plan does.
        let holder = holding(&t, &[
            format!("UPDATE applications SET updated_at = updated_at WHERE id = {project}"),
            format!("UPDATE state_aid_allocations SET version = version + 1 WHERE id = {id}"),
            format!(
                "INSERT INTO instalments (allocation_id, due_on, amount_cents, status, created_at, updated_at, version) \
                 VALUES ({id}, '2021-03-01', 6000, 'PLANNED', now(), now(), 1)"
            ),
        ])
        .await;
        let planning = tokio::spawn(async move {
            let one = NewInstalment { due_on: d(2021, 6, 1), amount: PaymentAmount::new(a("60.00")).unwrap(), condition: None, label: None };
            commands::instalments::plan(&db, &by(&coordinator()), allocation.id, Plan::These(vec![one]), None).await
        });
        let over = once_committed(holder, planning, "the plan waits for the project").await;
        assert!(matches!(over, Err(StoreError::Rule { concerning: Some(Concerning::Amount), .. })), "60 € more than the 40 € left: {over:?}");
    }

    async fn a_default_plan_that_waited_for_its_project_follows_the_final_report_moved_meanwhile(t: TestDatabase) {
        // A plan of instalments holds its allocation and its project; the default plan's second
        // instalment falls due with the project's final report, read with them. Another holder
        // of the project (updateApplication moving the report date, say) changes the project's
        // row and not the allocation's: the plan that waited for it reads again and sees the
        // report where it now is.
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        use salkku_persistence::commands::instalments::Plan;
        let db = open(&t).await;
        let (monni, allocation) = monni_allocated(&db).await;
        let project = monni.id.0;
        db.conn().execute_unprepared(&format!("UPDATE applications SET status = 'GRANTED' WHERE id = {project}")).await.unwrap();
        let owed = NewReport { application: monni.id, kind: ReportKind::Final, due_on: d(2023, 4, 30), title: None, states_costs: None };
        let final_report = commands::reports::add(&db, &by(&coordinator()), owed, None).await.unwrap().id.0;
        let holder = holding(&t, &[
            format!("SELECT id FROM applications WHERE id = {project} FOR UPDATE"),
            format!("UPDATE applications SET report_due = '2023-06-30' WHERE id = {project}"),
            format!("UPDATE report_obligations SET due_on = '2023-06-30' WHERE id = {final_report}"),
        ])
        .await;
        let planning = tokio::spawn(async move {
            let plan = Plan::Default { today: d(2021, 1, 15) };
            commands::instalments::plan(&db, &by(&coordinator()), allocation.id, plan, None).await
        });
        let planned = once_committed(holder, planning, "the plan waits for the project").await.unwrap();
        let last = planned.plan.last().expect("the default plan");
        assert_eq!((last.due_on, last.condition.map(|r| r.0)), (d(2023, 6, 30), Some(final_report)));
    }

    async fn a_plan_that_waited_for_an_instalments_move_answers_with_it_moved(t: TestDatabase) {
        // An instalment's request or cancellation raises its allocation's version, as every
        // change to its plan does: a plan that waited for one reads the plan again, and answers
        // with the instalment as moved.
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        use salkku_domain::instalment::InstalmentStatus;
        use salkku_persistence::commands::instalments::{NewInstalment, Plan};
        let db = open(&t).await;
        let (monni, allocation) = monni_allocated(&db).await;
        let who = coordinator();
        let owed = |due_on, amount| NewInstalment { due_on, amount: PaymentAmount::new(a(amount)).unwrap(), condition: None, label: None };
        let two = Plan::These(vec![owed(d(2021, 3, 1), "30.00"), owed(d(2021, 4, 1), "10.00")]);
        let planned = commands::instalments::plan(&db, &by(&who), allocation.id, two, None).await.unwrap();
        assert_eq!(planned.allocation.version, allocation.version + 1);
        let cancelled = commands::instalments::cancel(&db, &by(&who), planned.plan[1].id, 1).await.unwrap();
        assert_eq!(cancelled.status, InstalmentStatus::Cancelled);
        let after = views::allocations::get(db.conn(), allocation.id).await.unwrap().unwrap();
        assert_eq!(after.version, allocation.version + 2, "a cancellation raises the allocation's version");
        // Another transaction requests the first as requestInstalment does: holding the project
        // (its row changed, as by every command holding it), moving the instalment and raising
        // its allocation's version.
        let (project, first) = (monni.id.0, planned.plan[0].id.0);
        let holder = holding(&t, &[
            format!("SELECT id FROM applications WHERE id = {project} FOR UPDATE"),
            format!("UPDATE applications SET id = id WHERE id = {project}"),
            format!("UPDATE instalments SET status = 'REQUESTED', version = version + 1 WHERE id = {first}"),
            format!("UPDATE state_aid_allocations SET version = version + 1 WHERE id = {}", allocation.id.0),
        ])
        .await;
        let planning = tokio::spawn(async move {
            let one = Plan::These(vec![owed(d(2021, 6, 1), "20.00")]);
            commands::instalments::plan(&db, &by(&coordinator()), allocation.id, one, None).await
        });
        let answered = once_committed(holder, planning, "the plan waits for the project").await.unwrap();
        let statuses: Vec<InstalmentStatus> = answered.plan.iter().map(|i| i.status).collect();
        assert_eq!(statuses, [InstalmentStatus::Requested, InstalmentStatus::Cancelled, InstalmentStatus::Planned]);
        assert_eq!(answered.allocation.version, allocation.version + 4);
    }

    async fn an_instalments_move_and_a_payment_hold_an_allocation_without_a_project_in_one_order(t: TestDatabase) {
        // A payment holds the allocation, then the instalment it settles; a move of the
        // instalment holds the allocation too (it raises its version), first: the two wait for
        // each other in turn, never in a circle.
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        use salkku_persistence::commands::instalments::{NewInstalment, Plan};
        use sea_orm::TransactionTrait;
        let db = open(&t).await;
        let (_, sonet, stm_call) = monni(&db).await;
        let stm = views::calls::get(db.conn(), stm_call).await.unwrap().unwrap().funder;
        let who = coordinator();
        let general = NewAllocation {
            funder: stm, recipient: sonet.id, application: None, year: 2021, amount: a("100.00"),
            decision_date: None, decision_ref: None, decision: None,
        };
        let allocation = commands::allocations::record(&db, &by(&who), general, None).await.unwrap();
        let one = NewInstalment { due_on: d(2021, 3, 1), amount: PaymentAmount::new(a("30.00")).unwrap(), condition: None, label: None };
        let planned = commands::instalments::plan(&db, &by(&who), allocation.id, Plan::These(vec![one]), None).await.unwrap();
        let instalment = planned.plan[0].id;
        // Another transaction pays as a payment does: the allocation first.
        let other = sea_orm::Database::connect(&t.url).await.unwrap();
        let holder = other.begin().await.unwrap();
        holder.execute_unprepared(&format!("UPDATE state_aid_allocations SET version = version WHERE id = {}", allocation.id.0)).await.unwrap();
        let cancelling = tokio::spawn(async move { commands::instalments::cancel(&db, &by(&coordinator()), instalment, 1).await });
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert!(!cancelling.is_finished(), "the cancellation waits for the allocation");
        // Then the instalment: free, as the cancellation waits before it holds it.
        holder.execute_unprepared(&format!("UPDATE instalments SET version = version WHERE id = {}", instalment.0)).await.unwrap();
        holder.commit().await.unwrap();
        let cancelled = cancelling.await.unwrap().unwrap();
        assert_eq!(cancelled.status, salkku_domain::instalment::InstalmentStatus::Cancelled);
    }

    async fn an_instalment_requested_while_its_report_was_being_accepted_sees_it_accepted(t: TestDatabase) {
        // A request waits for the project a report's acceptance holds, then reads the report as
        // accepted, not as the request's statement first saw it.
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        use salkku_persistence::commands::instalments::{NewInstalment, Plan};
        let db = open(&t).await;
        let (monni, allocation) = monni_allocated(&db).await;
        let owed = NewReport { application: monni.id, kind: ReportKind::Interim, due_on: d(2021, 2, 28), title: None, states_costs: None };
        let report = commands::reports::add(&db, &by(&coordinator()), owed, None).await.unwrap();
        let held = NewInstalment { due_on: d(2021, 4, 30), amount: PaymentAmount::new(a("40.00")).unwrap(), condition: Some(report.id), label: None };
        commands::instalments::plan(&db, &by(&coordinator()), allocation.id, Plan::These(vec![held]), None).await.unwrap();
        let instalment = views::instalments::of_allocations(db.conn(), &[allocation.id]).await.unwrap()[0].clone();
        let holder = holding(&t, &[
            format!("UPDATE applications SET updated_at = updated_at WHERE id = {}", monni.id.0),
            format!("UPDATE report_obligations SET status = 'ACCEPTED', version = version + 1 WHERE id = {}", report.id.0),
        ])
        .await;
        let requesting = tokio::spawn(async move {
            commands::instalments::request(&db, &by(&coordinator()), instalment.id, instalment.version).await
        });
        let requested = once_committed(holder, requesting, "the request waits for the project").await.unwrap();
        assert_eq!(requested.status, salkku_domain::instalment::InstalmentStatus::Requested);
    }

    async fn a_change_request_as_created_is_the_change_request_as_read(t: TestDatabase) {
        // The answer to a create is built from what was written, not read back: it must be
        // what a read gives, parts and lines included.
        let db = open(&t).await;
        let ask = extension_of_granted_monni(&db).await;
        let ask = NewChangeRequest { content_change: Some("Uusi työpaketti".into()), ..ask };
        let created = commands::change_requests::create(&db, &by(&coordinator()), ask, None).await.unwrap();
        assert_eq!(created.parts.len(), 2, "an extension and a content change");
        let read = views::change_requests::get(db.conn(), created.id).await.unwrap();
        assert_eq!(Some(created), read);
    }

    async fn a_decided_change_request_leaves_the_project_and_what_is_derived_from_it_as_a_rebuild_would(t: TestDatabase) {
        // A decision writes what it approves in one statement, computing the derived tables'
        // moves itself: the end moved with its final report and both deadlines, a partner gone
        // with its pledge declined (its deadline no longer calls for action), another joined with
        // its pledge, the budget reallocated; each derived table must agree with a rebuild.
        use salkku_domain::change_request::{ChangeKind, PartDecision};
        use salkku_persistence::commands::change_requests::{Decision, NewPartnerChange, PartDecisionInput};
        let db = open(&t).await;
        let who = coordinator();
        let (monni, sonet, stm_call) = monni(&db).await;
        let stm = views::calls::get(db.conn(), stm_call).await.unwrap().unwrap().funder;
        let okm = org(&db, "Opetus- ja kulttuuriministeriö", OrganizationKind::Ministry).await.id;
        let seinajoki = org(&db, "Seinäjoen kaupunki", OrganizationKind::Municipality).await.id;
        let pikassos = views::applications::participants_of(db.conn(), &[monni.id]).await.unwrap()[0].organization;
        let lines = vec![line(CostCategory::Personnel, 2021, "500000.00")];
        commands::budgets::set_budget(&db, &by(&who), monni.id, 1, budget(lines, m("400000.00"))).await.unwrap();
        let asked = NewCommitment {
            application: monni.id, organization: pikassos, amount: a("50000.00"), kind: CommitmentKind::Cash,
            level: CommitmentLevel::Board, status: CommitmentStatus::Requested, due_date: Some(d(2021, 3, 31)),
            decided_at: None, decision_ref: None, decision: None,
        };
        let pledged = commands::commitments::add(&db, &by(&who), asked.clone(), None).await.unwrap();
        let promised = NewCommitment { status: CommitmentStatus::Promised, due_date: None, amount: a("30000.00"), ..asked };
        commands::commitments::add(&db, &by(&who), promised, None).await.unwrap();
        db.conn().execute_unprepared(&format!("UPDATE applications SET status = 'GRANTED' WHERE id = {}", monni.id.0)).await.unwrap();
        let owed = NewReport { application: monni.id, kind: ReportKind::Final, due_on: d(2023, 4, 30), title: None, states_costs: None };
        let report = commands::reports::add(&db, &by(&who), owed, None).await.unwrap();
        let ask = NewChangeRequest {
            application: monni.id,
            justification: Some("Rekrytointi viivästyi".into()),
            new_end: Some(d(2023, 6, 30)),
            lines: Some(vec![line(CostCategory::Personnel, 2021, "400000.00"), line(CostCategory::Travel, 2021, "100000.00")]),
            state_aid: None,
            content_change: None,
            plan: None,
            partners: vec![
                NewPartnerChange { organization: pikassos, joins: false, role: ParticipationRole::CoImplementer, commitment: None },
                NewPartnerChange { organization: seinajoki, joins: true, role: ParticipationRole::Partner, commitment: Some(a("20000.00")) },
            ],
            submit: true,
        };
        let request = commands::change_requests::create(&db, &by(&who), ask, None).await.unwrap();
        let approve = |kind| PartDecisionInput {
            kind, decision: PartDecision::Approved, approved_end: None, approved_lines: None,
            approved_state_aid: None, approved_plan: None, note: None,
        };
        let parts = [ChangeKind::Extension, ChangeKind::BudgetReallocation, ChangeKind::PartnerChange].map(approve).to_vec();
        let decision = Decision { decision_ref: Some("VN/5678/2021".into()), decision: None, parts };
        let decided = commands::change_decisions::decide(&db, &by(&who), request.id, request.version, decision).await.unwrap();
        assert_eq!(Some(decided.clone()), views::change_requests::get(db.conn(), request.id).await.unwrap(), "answered as written");
        assert_eq!(decided.status, salkku_domain::change_request::ChangeRequestStatus::Closed);

        let project = views::applications::get(db.conn(), monni.id).await.unwrap().unwrap();
        assert_eq!(project.period_end, Some(d(2023, 6, 30)));
        assert_eq!(project.total_cost, m("500000.00"));
        // The final report keeps its distance from the end; the project's report date follows it.
        let reports = views::reports::of_applications(db.conn(), &[monni.id]).await.unwrap();
        let moved = reports.iter().find(|r| r.id == report.id).unwrap();
        assert_eq!(moved.due_on, d(2023, 10, 31));
        assert_eq!(project.report_due, Some(moved.due_on));
        let taking_part: Vec<OrganizationId> =
            views::applications::participants_of(db.conn(), &[monni.id]).await.unwrap().into_iter().map(|p| p.organization).collect();
        assert_eq!(taking_part, vec![seinajoki]);
        let pledges = views::commitments::of_applications(db.conn(), &[monni.id]).await.unwrap();
        let status_of = |org| pledges.iter().filter(|c| c.organization == org).map(|c| c.status).collect::<Vec<_>>();
        assert_eq!(status_of(pikassos), vec![CommitmentStatus::Declined, CommitmentStatus::Declined]);
        assert_eq!(status_of(seinajoki), vec![CommitmentStatus::Promised]);
        assert!(pledges.iter().any(|c| c.id == pledged.id));
        let split = views::splits::for_application(db.conn(), &project).await.unwrap();
        assert_eq!(split.self_funding_committed, m("20000.00"));
        sums_agree(&db, "a decided change request").await;
        cells_agree_with_the_applications(&db, [stm, okm], "a decided change request").await;
        parties_agree(&db, &[sonet.id, pikassos, seinajoki], "a decided change request").await;
        let version = views::budget_versions::in_force(db.conn(), monni.id).await.unwrap();
        let budget_in_force = views::budget_versions::budget(db.conn(), &version).await.unwrap();
        assert_eq!(budget_in_force.lines().len(), 2, "the reallocated lines in force");
        let lines = views::budgets::lines_of(db.conn(), &[monni.id]).await.unwrap();
        assert_eq!(lines.iter().map(|l| l.line.clone()).collect::<Vec<_>>(), budget_in_force.lines().to_vec());
    }

    async fn a_decision_that_waited_for_its_project_sees_a_deadline_added_meanwhile(t: TestDatabase) {
        // A command that holds the project changes its row, even when what it adds is elsewhere
        // (a deadline, as here): the decision's read, which waited for it, sees the row moved
        // and reads again, so that a partner leaving is taken off the deadline added meanwhile
        // too. The holder below does what every command holding a project does
        // (`Writes::holding`; tests/api/writes.rs checks that every mutation does).
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        use salkku_domain::change_request::{ChangeKind, PartDecision};
        use salkku_persistence::commands::change_requests::{Decision, NewPartnerChange, PartDecisionInput};
        use sea_orm::TransactionTrait;
        let db = open(&t).await;
        let ask = extension_of_granted_monni(&db).await;
        let monni = ask.application;
        let taking_part = views::applications::participants_of(db.conn(), &[monni]).await.unwrap();
        let pikassos = taking_part[0].organization;
        let lead = views::applications::get(db.conn(), monni).await.unwrap().unwrap().lead;
        let leaving = NewPartnerChange { organization: pikassos, joins: false, role: ParticipationRole::CoImplementer, commitment: None };
        let ask = NewChangeRequest { new_end: None, partners: vec![leaving], submit: true, ..ask };
        let request = commands::change_requests::create(&db, &by(&coordinator()), ask, None).await.unwrap();

        let other = sea_orm::Database::connect(&t.url).await.unwrap();
        let holder = other.begin().await.unwrap();
        let id = monni.0;
        holder.execute_unprepared(&format!("SELECT id FROM applications WHERE id = {id} FOR UPDATE")).await.unwrap();
        holder.execute_unprepared(&format!("UPDATE applications SET id = id WHERE id = {id}")).await.unwrap();
        holder.execute_unprepared(&format!(
            "INSERT INTO deadlines (id, kind, title, due_at, tentative, application_id, created_at, updated_at, version) \
             VALUES (9001, 'CUSTOM', 'Ohjausryhmä', '2021-03-01T10:00:00Z', false, {id}, now(), now(), 1)"
        )).await.unwrap();
        for org in [lead.0, pikassos.0] {
            holder.execute_unprepared(&format!(
                "INSERT INTO deadline_parties (organization_id, due_at, deadline_id, calls_for_action) \
                 VALUES ({org}, '2021-03-01T10:00:00Z', 9001, true)"
            )).await.unwrap();
        }
        let deciding = in_task(&db, |db| async move {
            let approve = PartDecisionInput {
                kind: ChangeKind::PartnerChange, decision: PartDecision::Approved, approved_end: None,
                approved_lines: None, approved_state_aid: None, approved_plan: None, note: None,
            };
            let decision = Decision { decision_ref: None, decision: None, parts: vec![approve] };
            commands::change_decisions::decide(&db, &by(&coordinator()), request.id, request.version, decision).await
        });
        once_committed(holder, deciding, "the decision waits for the project").await.unwrap();
        parties_agree(&db, &[lead, pikassos], "a partner left while a deadline was added").await;
    }

    async fn a_change_request_withdrawn_while_another_change_moved_it_is_a_conflict_and_logs_nothing(t: TestDatabase) {
        // A withdrawal checks its version in the update it sends with its audit entry: when the
        // request moved meanwhile, neither is kept.
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        use sea_orm::TransactionTrait;
        let db = open(&t).await;
        let ask = extension_of_granted_monni(&db).await;
        let request = commands::change_requests::create(&db, &by(&coordinator()), ask, None).await.unwrap();
        let entries = count::<entities::audit::entry::Entity>(&db).await;
        let other = sea_orm::Database::connect(&t.url).await.unwrap();
        let holder = other.begin().await.unwrap();
        let moved = format!("UPDATE change_requests SET version = version + 1 WHERE id = {}", request.id.0);
        holder.execute_unprepared(&moved).await.unwrap();
        let withdrawing = tokio::spawn(async move {
            let withdrawn = commands::change_requests::withdraw(&db, &by(&coordinator()), request.id, 1).await;
            (withdrawn, db)
        });
        let (withdrawn, db) = once_committed(holder, withdrawing, "the withdrawal waits for the request").await;
        assert!(matches!(withdrawn, Err(StoreError::Conflict { expected: 1, actual: 2, .. })), "{withdrawn:?}");
        assert_eq!(count::<entities::audit::entry::Entity>(&db).await, entries, "no entry for what was not done");
    }

    async fn a_payment_that_waited_for_its_project_pays_against_what_was_paid_and_closed_meanwhile(t: TestDatabase) {
        // A payment holds its project and its allocation in the statement that reads them: one
        // that waited for another change to them must see that change, not what it read before.
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        use sea_orm::TransactionTrait;
        let db = open(&t).await;
        let (monni, allocation) = monni_allocated(&db).await;
        let other = sea_orm::Database::connect(&t.url).await.unwrap();
        let waiting_for = |changes: Vec<String>, amount: &'static str| {
            let (db, other) = (db.clone(), other.clone());
            async move {
                let holder = other.begin().await.unwrap();
                for change in changes {
                    holder.execute_unprepared(&change).await.unwrap();
                }
                let paying = tokio::spawn(async move {
                    let pay = NewPayment { allocation: allocation.id, paid_on: d(2021, 3, 1), amount: PaymentAmount::new(a(amount)).unwrap(), reference: None, instalment: None };
                    commands::allocations::pay(&db, &by(&coordinator()), pay, None).await
                });
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                assert!(!paying.is_finished(), "the payment waits for the project");
                holder.commit().await.unwrap();
                paying.await.unwrap()
            }
        };
        let (project, id) = (monni.id.0, allocation.id.0);
        // 90 € paid meanwhile (as another payment would, holding the project): 20 € more is too much.
        let paid = vec![
            format!("UPDATE applications SET updated_at = updated_at WHERE id = {project}"),
            format!("UPDATE state_aid_allocations SET paid_total_cents = 9000, version = version + 1 WHERE id = {id}"),
        ];
        let over = waiting_for(paid, "20.00").await;
        assert!(matches!(over, Err(StoreError::Overpayment { .. })), "{over:?}");
        // The project closed meanwhile: nothing more is paid.
        let closed = vec![format!("UPDATE applications SET status = 'CLOSED' WHERE id = {project}")];
        let refused = waiting_for(closed, "1.00").await;
        assert!(matches!(refused, Err(StoreError::Rule { concerning: Some(Concerning::Allocation), .. })), "{refused:?}");
        let stored = views::allocations::get(db.conn(), allocation.id).await.unwrap().unwrap();
        assert_eq!(stored.paid_total, m("90.00"));
        assert!(views::allocations::payments_of(db.conn(), &[allocation.id]).await.unwrap().is_empty());
    }
    async fn a_payment_is_recorded_without_a_transaction_unless_it_carries_a_key(t: TestDatabase) {
        // On PostgreSQL a payment without an idempotency key reads and writes in one statement
        // each, no transaction; with a key, its transaction stores the key with the payment.
        // SQLite always writes in a transaction.
        let mut db = open(&t).await;
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let told = seen.clone();
        db.set_statement_observer(move |sql| told.lock().unwrap().push(sql.to_owned()));
        let (_, allocation) = monni_allocated(&db).await;
        let transactions = |from: usize| seen.lock().unwrap()[from..].iter().filter(|s| *s == "BEGIN").count();
        let pay = || NewPayment { allocation: allocation.id, paid_on: d(2021, 3, 1), amount: PaymentAmount::new(a("10.00")).unwrap(), reference: None, instalment: None };
        let from = seen.lock().unwrap().len();
        commands::allocations::pay(&db, &by(&coordinator()), pay(), None).await.unwrap();
        let postgres = t.store == salkku_test_db::Store::Postgres;
        assert_eq!(transactions(from), usize::from(!postgres), "a payment without a key");
        let from = seen.lock().unwrap().len();
        let keyed = commands::allocations::pay(&db, &by(&coordinator()), pay(), Some("maksu-2")).await.unwrap();
        assert_eq!(transactions(from), 1, "a payment with a key");
        let replay = commands::allocations::pay(&db, &by(&coordinator()), pay(), Some("maksu-2")).await.unwrap();
        assert_eq!(keyed, replay, "the key pays once");
        let stored = views::allocations::get(db.conn(), allocation.id).await.unwrap().unwrap();
        assert_eq!((stored.paid_total, stored.version), (m("20.00"), allocation.version + 2));
    }

    async fn a_payment_while_another_pays_the_same_allocation_counts_that_payment(t: TestDatabase) {
        // A payment reads its allocation without holding it and writes the new paid total, the
        // one read plus its own: had another payment been kept meanwhile, that total would lose
        // it. The allocation here funds no project, so only its own row's mark can tell.
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        let db = open(&t).await;
        let stm = org(&db, "STM", OrganizationKind::Ministry).await;
        let sonet = org(&db, "SONet BOTNIA", OrganizationKind::CompetenceCentre).await;
        let general = NewAllocation { funder: stm.id, recipient: sonet.id, application: None, year: 2021, amount: a("100.00"), decision_date: None, decision_ref: None, decision: None };
        let allocation = commands::allocations::record(&db, &by(&coordinator()), general, None).await.unwrap();
        let paying = |amount: &'static str| {
            let db = db.clone();
            tokio::spawn(async move {
                let pay = NewPayment { allocation: allocation.id, paid_on: d(2021, 3, 1), amount: PaymentAmount::new(a(amount)).unwrap(), reference: None, instalment: None };
                commands::allocations::pay(&db, &by(&coordinator()), pay, None).await
            })
        };
        let id = allocation.id.0;
        let other_payment = |cents: i64| vec![format!("UPDATE state_aid_allocations SET paid_total_cents = paid_total_cents + {cents}, version = version + 1 WHERE id = {id}")];
        // 90 € paid by another meanwhile: 5 € more makes 95 €, not 5 €.
        let holder = holding(&t, &other_payment(9000)).await;
        let paid = once_committed(holder, paying("5.00"), "the payment waits for the allocation").await.unwrap();
        assert_eq!(paid.amount, m("5.00"));
        let stored = views::allocations::get(db.conn(), allocation.id).await.unwrap().unwrap();
        assert_eq!((stored.paid_total, stored.version), (m("95.00"), allocation.version + 2));
        // 4 € more meanwhile: 2 € more would be 101 € of 100.
        let holder = holding(&t, &other_payment(400)).await;
        let over = once_committed(holder, paying("2.00"), "the payment waits for the allocation").await;
        assert!(matches!(over, Err(StoreError::Overpayment { .. })), "{over:?}");
        let stored = views::allocations::get(db.conn(), allocation.id).await.unwrap().unwrap();
        assert_eq!(stored.paid_total, m("99.00"));
        assert_eq!(views::allocations::payments_of(db.conn(), &[allocation.id]).await.unwrap().len(), 1);
    }

    async fn an_instalment_cancelled_while_a_payment_settles_it_is_not_paid(t: TestDatabase) {
        // The instalment is read without holding it; a cancellation moves it and its allocation
        // (raising the allocation's version) while the payment's writes wait: nothing of the
        // payment is kept, and the cancelled instalment is not paid.
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        use salkku_persistence::commands::instalments::{NewInstalment, Plan};
        let db = open(&t).await;
        let (_, allocation) = monni_allocated(&db).await;
        let one = NewInstalment { due_on: d(2021, 3, 1), amount: PaymentAmount::new(a("30.00")).unwrap(), condition: None, label: None };
        let planned = commands::instalments::plan(&db, &by(&coordinator()), allocation.id, Plan::These(vec![one]), None).await.unwrap();
        let instalment = planned.plan[0].id;
        commands::instalments::request(&db, &by(&coordinator()), instalment, 1).await.unwrap();
        let entries = count::<entities::audit::entry::Entity>(&db).await;
        let (id, project) = (instalment.0, allocation.application.unwrap().0);
        let holder = holding(&t, &[
            format!("UPDATE applications SET version = version WHERE id = {project}"),
            format!("UPDATE state_aid_allocations SET version = version + 1 WHERE id = {}", allocation.id.0),
            format!("UPDATE instalments SET status = 'CANCELLED', version = version + 1 WHERE id = {id}"),
        ]).await;
        let settling = in_task(&db, |db| async move {
            let pay = NewPayment { allocation: allocation.id, paid_on: d(2021, 3, 1), amount: PaymentAmount::new(a("30.00")).unwrap(), reference: None, instalment: Some(instalment) };
            commands::allocations::pay(&db, &by(&coordinator()), pay, None).await
        });
        let refused = once_committed(holder, settling, "the settlement waits for the project").await;
        assert!(matches!(refused, Err(StoreError::Rule { concerning: Some(Concerning::Instalment), .. })), "{refused:?}");
        assert!(views::allocations::payments_of(db.conn(), &[allocation.id]).await.unwrap().is_empty(), "no payment kept");
        assert_eq!(count::<entities::audit::entry::Entity>(&db).await, entries, "no entry for what was not done");
        assert_eq!(views::allocations::get(db.conn(), allocation.id).await.unwrap().unwrap().paid_total, Money::ZERO);
    }

    async fn a_settlement_checks_its_project_its_allocation_and_its_instalment_in_that_order(t: TestDatabase) {
        // The instalment is read without holding it. Here another transaction moves it alone and
        // holds it while the payment writes (no command does: each holds the allocation too),
        // so only the instalment's own check can tell: the payment must keep nothing of what it
        // wrote from the old version, and settle the instalment as committed since. Its checks
        // take the rows in the order every command takes them.
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        use salkku_domain::instalment::InstalmentStatus;
        use salkku_persistence::commands::instalments::{NewInstalment, Plan};
        let mut db = open(&t).await;
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let told = seen.clone();
        db.set_statement_observer(move |sql| told.lock().unwrap().push(sql.to_owned()));
        let (_, allocation) = monni_allocated(&db).await;
        let one = NewInstalment { due_on: d(2021, 3, 1), amount: PaymentAmount::new(a("30.00")).unwrap(), condition: None, label: None };
        let planned = commands::instalments::plan(&db, &by(&coordinator()), allocation.id, Plan::These(vec![one]), None).await.unwrap();
        let instalment = planned.plan[0].id;
        let requested = commands::instalments::request(&db, &by(&coordinator()), instalment, 1).await.unwrap();
        let holder = holding(&t, &[format!("UPDATE instalments SET version = version + 1 WHERE id = {}", instalment.0)]).await;
        let settling = in_task(&db, |db| async move {
            let pay = NewPayment { allocation: allocation.id, paid_on: d(2021, 3, 1), amount: PaymentAmount::new(a("30.00")).unwrap(), reference: None, instalment: Some(instalment) };
            commands::allocations::pay(&db, &by(&coordinator()), pay, None).await
        });
        once_committed(holder, settling, "the settlement waits for the instalment").await.unwrap();
        let plan = views::instalments::of_allocations(db.conn(), &[allocation.id]).await.unwrap();
        assert_eq!((plan[0].status, plan[0].version), (InstalmentStatus::Paid, requested.version + 2));
        assert_eq!(views::allocations::payments_of(db.conn(), &[allocation.id]).await.unwrap().len(), 1);
        assert_eq!(views::allocations::get(db.conn(), allocation.id).await.unwrap().unwrap().paid_total, m("30.00"));
        let statements = seen.lock().unwrap().clone();
        // The payment's first try: the checked statement that settles.
        let checked = statements.iter().rev().find(|s| s.contains("row_as_read") && s.contains("FROM settled)")).expect("the payment's checked statement");
        let at = |part: &str| checked.find(&format!("FROM {part})")).unwrap_or_else(|| panic!("{part} checked: {checked}"));
        assert!(at("held_sign") < at("paid") && at("paid") < at("settled"), "{checked}");
    }

    async fn a_repayment_that_waited_for_another_counts_it(t: TestDatabase) {
        // A repayment reads its project's final account with the project held: one that waited
        // for another repayment must count it, or the two together could return more than was
        // paid above the aid earned. The other writes only a repayment, yet changes the project's
        // row, as every command holding it does: the sign by which the waiting read reads again.
        if t.store != salkku_test_db::Store::Postgres {
            return;
        }
        use salkku_persistence::commands::repayments::NewRepayment;
        let db = open(&t).await;
        let (monni, allocation) = monni_allocated(&db).await;
        let project = monni.id.0;
        // 100 € paid, and an accepted final report of 10 € spent: at least 92 € is to be returned.
        for setup in [
            format!("UPDATE state_aid_allocations SET paid_total_cents = 10000 WHERE id = {}", allocation.id.0),
            format!(
                "INSERT INTO report_obligations (id, application_id, kind, due_on, from_schedule, states_costs, status, \
                 times_returned, created_at, updated_at, version) \
                 VALUES (9001, {project}, 'FINAL', '2022-12-31', FALSE, TRUE, 'ACCEPTED', 0, now(), now(), 1)"
            ),
            "INSERT INTO report_cost_lines (report_id, position, category, year, amount_cents) \
             VALUES (9001, 0, 'PERSONNEL', 2021, 1000)"
                .to_owned(),
        ] {
            db.conn().execute_unprepared(&setup).await.unwrap();
        }
        let repayment = |amount: &str| NewRepayment {
            application: monni.id,
            returned_on: d(2023, 2, 1),
            amount: PaymentAmount::new(a(amount)).unwrap(),
            reference: None,
            decision: None,
        };
        // 60 € returned meanwhile, as another repayment writes it while it holds the project (its
        // row changed, as by every command holding it: the sign the waiting read goes by).
        let holder = holding(&t, &[
            format!("SELECT id FROM applications WHERE id = {project} FOR UPDATE"),
            format!("UPDATE applications SET id = id WHERE id = {project}"),
            format!(
                "INSERT INTO repayments (application_id, returned_on, amount_cents, created_by, created_at) \
                 VALUES ({project}, '2023-01-15', 6000, 'other', now())"
            ),
        ])
        .await;
        let waiting = {
            let (db, fifty) = (db.clone(), repayment("50.00"));
            tokio::spawn(async move { commands::repayments::record(&db, &by(&coordinator()), fifty, None).await })
        };
        let over = once_committed(holder, waiting, "the repayment waits for the project").await;
        assert!(
            matches!(over, Err(StoreError::Rule { concerning: Some(Concerning::Amount), .. })),
            "50 € more than the at most 40 € left: {over:?}"
        );
        // Alone, after the other, 30 € fits.
        commands::repayments::record(&db, &by(&coordinator()), repayment("30.00"), None).await.unwrap();
    }

    async fn an_organisations_deadlines_are_those_that_concern_it_through_every_change(t: TestDatabase) {
        let db = open(&t).await;
        let (monni, sonet, stm_call) = monni(&db).await;
        let stm = views::calls::get(db.conn(), stm_call).await.unwrap().unwrap().funder;
        let pikassos = views::applications::participants_of(db.conn(), &[monni.id]).await.unwrap()[0].organization;
        let seinajoki = org(&db, "Seinäjoen kaupunki", OrganizationKind::Municipality).await.id;
        let vaasa = org(&db, "Vaasan kaupunki", OrganizationKind::Municipality).await.id;
        let orgs = [stm, sonet.id, pikassos, seinajoki, vaasa];
        let who = coordinator();
        parties_agree(&db, &orgs, "created with a lead, a participant and a call").await;

        let pledge = |organization, due: Option<NaiveDate>| NewCommitment {
            application: monni.id, organization, amount: a("10000.00"), kind: CommitmentKind::Cash, level: CommitmentLevel::Board,
            status: CommitmentStatus::Requested, due_date: due, decided_at: None, decision_ref: None, decision: None,
        };
        let asked = commands::commitments::add(&db, &by(&who), pledge(seinajoki, Some(d(2020, 6, 18))), None).await.unwrap();
        commands::commitments::add(&db, &by(&who), pledge(vaasa, None), None).await.unwrap();
        let custom = |application, call| commands::deadlines::NewDeadline {
            kind: DeadlineKind::Custom, title: "Ohjausryhmä".into(), due_at: helsinki(2021, 2, 1, 12, 0).unwrap(),
            tentative: false, application, call,
        };
        commands::deadlines::add(&db, &by(&who), custom(Some(monni.id), None), None).await.unwrap();
        commands::deadlines::add(&db, &by(&who), custom(None, Some(stm_call)), None).await.unwrap();
        parties_agree(&db, &orgs, "commitments and deadlines by hand").await;

        // Seinäjoki joins, Pikassos leaves; the project's end moves: its deadlines follow.
        let joined = ApplicationChanges {
            participants: Some(vec![NewParticipant { organization: seinajoki, role: ParticipationRole::CoImplementer }]),
            period_end: Some(Some(d(2023, 6, 30))),
            ..Default::default()
        };
        commands::applications::update(&db, &by(&who), monni.id, 1, joined).await.unwrap();
        let declined = CommitmentChanges { status: Some(CommitmentStatus::Declined), ..Default::default() };
        commands::commitments::update(&db, &by(&who), asked.id, 1, declined).await.unwrap();
        parties_agree(&db, &orgs, "changed participants and period, a declined commitment").await;
        let lead = ApplicationChanges { period_end: Some(None), ..Default::default() };
        commands::applications::update(&db, &by(&who), monni.id, 2, lead).await.unwrap();
        parties_agree(&db, &orgs, "a project end removed").await;

        // Reports added by hand are owed, each a deadline that calls for action; the first final
        // one is the project's report date (its version goes up). Submitted, a report calls for
        // nothing.
        let owed = |kind, due_on| NewReport { application: monni.id, kind, due_on, title: None, states_costs: None };
        let interim = commands::reports::add(&db, &by(&who), owed(ReportKind::Interim, d(2021, 2, 28)), None).await.unwrap();
        let first_final = commands::reports::add(&db, &by(&who), owed(ReportKind::Final, d(2023, 10, 31)), None).await.unwrap();
        let project = views::applications::get(db.conn(), monni.id).await.unwrap().unwrap();
        assert_eq!((project.report_due, project.version), (Some(d(2023, 10, 31)), 4), "the first final report is the report date");
        commands::reports::add(&db, &by(&who), owed(ReportKind::Final, d(2024, 4, 30)), None).await.unwrap();
        let project = views::applications::get(db.conn(), monni.id).await.unwrap().unwrap();
        assert_eq!((project.report_due, project.version), (Some(d(2023, 10, 31)), 4), "a second final report leaves it");
        parties_agree(&db, &orgs, "reports added by hand").await;
        commands::reports::submit(&db, &by(&who), interim.id, 1, Submission::default()).await.unwrap();
        parties_agree(&db, &orgs, "a report submitted").await;
        // The first final report returned with a new due date: owed again, its deadline moved,
        // and the project's report date with it; the interim one accepted.
        let costs = Submission { actual_costs: vec![line(CostCategory::Personnel, 2021, "1000.00")], ..Default::default() };
        commands::reports::submit(&db, &by(&who), first_final.id, 1, costs).await.unwrap();
        let back = Verdict::Return { reasons: "Tulokset puuttuvat".into(), new_due: d(2023, 12, 29) };
        commands::reports::decide(&db, &by(&who), first_final.id, 2, back).await.unwrap();
        let project = views::applications::get(db.conn(), monni.id).await.unwrap().unwrap();
        assert_eq!((project.report_due, project.version), (Some(d(2023, 12, 29)), 5), "the report date follows");
        let accepted = Verdict::Accept { decision_ref: None, decision: None };
        commands::reports::decide(&db, &by(&who), interim.id, 2, accepted).await.unwrap();
        parties_agree(&db, &orgs, "a report returned with a new due date, another accepted").await;

        // A project created with a report date and a partner: its end and its final report are
        // deadlines of its lead and partner from the start.
        let kansa = NewApplication {
            name: "Kansa-koulu III".into(), acronym: None, description: None, call: Some(stm_call), lead: sonet.id,
            participants: vec![NewParticipant { organization: vaasa, role: ParticipationRole::Partner }],
            regions: vec![RegionCode::parse("15").unwrap(), RegionCode::parse("15").unwrap()],
            period_start: Some(d(2020, 9, 1)), period_end: Some(d(2021, 12, 31)), report_due: Some(d(2022, 4, 30)),
        };
        let created = commands::applications::create(&db, &by(&who), kansa, None).await.unwrap();
        assert_eq!(views::reports::of_applications(db.conn(), &[created.id]).await.unwrap().len(), 1, "its final report");
        parties_agree(&db, &orgs, "a project created with a report date and a partner").await;
        // Its report date, partner, end and acronym changed at once: its final report and both
        // deadlines move and take the new name, and every deadline concerns the new parties.
        let changed = ApplicationChanges {
            participants: Some(vec![NewParticipant { organization: seinajoki, role: ParticipationRole::CoImplementer }]),
            period_end: Some(Some(d(2022, 3, 31))),
            report_due: Some(Some(d(2022, 7, 29))),
            acronym: Some(Some("KK III".into())),
            ..Default::default()
        };
        let changed = commands::applications::update(&db, &by(&who), created.id, 1, changed).await.unwrap();
        assert_eq!((changed.report_due, changed.version), (Some(d(2022, 7, 29)), 2));
        let owed = views::reports::of_applications(db.conn(), &[created.id]).await.unwrap();
        assert_eq!(owed.iter().map(|r| (r.due_on, r.version)).collect::<Vec<_>>(), [(d(2022, 7, 29), 2)]);
        let deadlines_of = async |id| {
            let mut seen: Vec<(DeadlineKind, String, DateTime<Utc>)> =
                views::deadlines::for_applications(db.conn(), &[id]).await.unwrap().into_iter().map(|d| (d.kind, d.title, d.due_at)).collect();
            seen.sort_by_key(|d| d.2);
            seen
        };
        let end_of = |y, m, day| helsinki(y, m, day, 23, 59).unwrap();
        assert_eq!(deadlines_of(created.id).await, [
            (DeadlineKind::ProjectEnds, "KK III".to_owned(), end_of(2022, 3, 31)),
            (DeadlineKind::ReportDue, "KK III".to_owned(), end_of(2022, 7, 29)),
        ]);
        parties_agree(&db, &orgs, "a project's report date, partner, end and acronym changed at once").await;
        // Its end cleared while a partner joins: the end's deadline goes, the report's concerns
        // the newcomer too.
        let joined = ApplicationChanges {
            participants: Some(vec![
                NewParticipant { organization: seinajoki, role: ParticipationRole::CoImplementer },
                NewParticipant { organization: pikassos, role: ParticipationRole::Partner },
            ]),
            period_end: Some(None),
            ..Default::default()
        };
        commands::applications::update(&db, &by(&who), created.id, 2, joined).await.unwrap();
        assert_eq!(deadlines_of(created.id).await, [(DeadlineKind::ReportDue, "KK III".to_owned(), end_of(2022, 7, 29))]);
        parties_agree(&db, &orgs, "its end cleared while a partner joins").await;
        let cleared = ApplicationChanges { report_due: Some(None), ..Default::default() };
        let cleared = commands::applications::update(&db, &by(&who), created.id, 3, cleared).await.unwrap();
        assert_eq!((cleared.report_due, cleared.period_end, cleared.version), (None, None, 4));
        assert!(views::reports::of_applications(db.conn(), &[created.id]).await.unwrap().is_empty(), "its final report gone");
        assert!(deadlines_of(created.id).await.is_empty(), "and its deadline");
        parties_agree(&db, &orgs, "its report date cleared").await;

        // A pledge asked for with a due date, of an organisation taking part, then the project
        // withdrawn: none of its deadlines calls for action any more.
        commands::commitments::add(&db, &by(&who), pledge(seinajoki, Some(d(2020, 9, 30))), None).await.unwrap();
        parties_agree(&db, &orgs, "a second pledge asked of a participant").await;
        let moving = |to| Transition { to, at: None, decision_ref: None, decision: None, granted: None };
        commands::transitions::transition(&db, &by(&who), monni.id, 5, moving(ApplicationStatus::InPreparation)).await.unwrap();
        parties_agree(&db, &orgs, "in preparation").await;
        commands::transitions::transition(&db, &by(&who), monni.id, 6, moving(ApplicationStatus::Withdrawn)).await.unwrap();
        parties_agree(&db, &orgs, "withdrawn").await;
    }
}
