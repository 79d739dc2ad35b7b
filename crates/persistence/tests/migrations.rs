//! Migrations that change data, run from the schema before them on both stores.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed step should stop the test loudly

use salkku_domain::ids::OrganizationId;
use salkku_migrations::{Migrator, MigratorTrait};
use salkku_persistence::views;
use salkku_persistence::views::application_list::ApplicationFilter;
use salkku_persistence::views::deadlines::DeadlineFilter;
use salkku_persistence::views::portfolio::Wanted;
use salkku_persistence::{Db, DbSettings};
use salkku_test_db::on_both;
use sea_orm::{ConnectionTrait, Database, Statement};

on_both! {
    async fn english_titles_of_automatic_deadlines_are_cut_back_to_their_subjects(t: TestDatabase) {
        let conn = Database::connect(t.url.as_str()).await.unwrap();
        Migrator::up(&conn, Some(4)).await.unwrap();
        let rows = [
            (1, "PROJECT_ENDS", "MONNI: project ends", Some("application-end:1")),
            (2, "REPORT_DUE", "MONNI: final report due", Some("application-report:1")),
            (3, "COMMITMENT_DUE", "MONNI: commitment of Vaasan kaupunki", Some("commitment:1")),
            (4, "CALL_CLOSES", "Kansa-koulu III", Some("call:1")),
            (5, "CUSTOM", "Hankkeen loppuseminaari: project ends", None),
        ];
        for (id, kind, title, source) in rows {
            let source = source.map_or("NULL".to_owned(), |s| format!("'{s}'"));
            conn.execute_unprepared(&format!(
                "INSERT INTO deadlines (id, kind, title, due_at, tentative, source_key, created_at, updated_at, version) \
                 VALUES ({id}, '{kind}', '{title}', '2020-06-18 20:59:00+00:00', false, {source}, '2020-05-01 00:00:00+00:00', '2020-05-01 00:00:00+00:00', 1)"
            ))
            .await
            .unwrap();
        }
        Migrator::up(&conn, None).await.unwrap();
        let backend = conn.get_database_backend();
        let titles: Vec<String> = conn
            .query_all_raw(Statement::from_string(backend, "SELECT title FROM deadlines ORDER BY id"))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<String>("", "title").unwrap())
            .collect();
        assert_eq!(titles, ["MONNI", "MONNI", "MONNI, Vaasan kaupunki", "Kansa-koulu III", "Hankkeen loppuseminaari: project ends"]);
    }

    async fn applications_are_given_their_granted_aid_and_pledged_self_funding(t: TestDatabase) {
        let conn = Database::connect(t.url.as_str()).await.unwrap();
        Migrator::up(&conn, Some(5)).await.unwrap();
        let at = "'2020-05-01 00:00:00+00:00'";
        let rows = [
            format!("INSERT INTO organizations (id, name, kind, created_at, updated_at) VALUES (1, 'STM', 'MINISTRY', {at}, {at}), (2, 'Seinäjoki', 'MUNICIPALITY', {at}, {at})"),
            format!("INSERT INTO grant_calls (id, title, funder_id, closes_at, max_aid_rate_bp, in_kind_counts, created_at, updated_at) VALUES (1, 'Rahaa', 1, {at}, 8000, false, {at}, {at}), (2, 'Työtä', 1, {at}, 8000, true, {at}, {at})"),
            format!("INSERT INTO applications (id, name, status, lead_id, call_id, created_by, created_at, updated_at) VALUES (1, 'Rahalla', 'ACTIVE', 2, 1, 'x', {at}, {at}), (2, 'Työllä', 'ACTIVE', 2, 2, 'x', {at}, {at}), (3, 'Tyhjä', 'IDEA', 2, NULL, 'x', {at}, {at})"),
            format!("INSERT INTO state_aid_allocations (id, funder_id, recipient_id, application_id, year, amount_cents, created_at, updated_at) VALUES (1, 1, 2, 1, 2020, 100000, {at}, {at}), (2, 1, 2, 1, 2021, 5, {at}, {at}), (3, 1, 2, NULL, 2020, 999, {at}, {at})"),
            format!("INSERT INTO commitments (id, application_id, organization_id, amount_cents, kind, level, status, created_at, updated_at) VALUES \
                 (1, 1, 2, 1000, 'CASH', 'BOARD', 'PROMISED', {at}, {at}), (2, 1, 2, 20, 'IN_KIND', 'BOARD', 'APPROVED', {at}, {at}), \
                 (3, 1, 2, 300, 'CASH', 'BOARD', 'REQUESTED', {at}, {at}), (4, 2, 2, 4000, 'IN_KIND', 'BOARD', 'PROMISED', {at}, {at}), \
                 (5, 2, 2, 50000, 'CASH', 'BOARD', 'DECLINED', {at}, {at}), (6, 2, 2, 6, 'CASH', 'BOARD', 'APPROVED', {at}, {at})"),
        ];
        for sql in rows {
            conn.execute_unprepared(&sql).await.unwrap();
        }
        Migrator::up(&conn, None).await.unwrap();
        let backend = conn.get_database_backend();
        let sums: Vec<(i64, i64)> = conn
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT state_aid_granted_cents, self_funding_committed_cents FROM applications ORDER BY id",
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| (r.try_get::<i64>("", "state_aid_granted_cents").unwrap(), r.try_get::<i64>("", "self_funding_committed_cents").unwrap()))
            .collect();
        // Pledged: promised or approved; cash always, in kind where the call counts it.
        assert_eq!(sums, [(100_005, 1000), (0, 4006), (0, 0)]);
    }
    async fn applications_already_stored_are_counted_in_the_portfolio_kept_summed(t: TestDatabase) {
        let conn = Database::connect(t.url.as_str()).await.unwrap();
        Migrator::up(&conn, Some(6)).await.unwrap();
        let at = "'2020-05-01 00:00:00+00:00'";
        let rows = [
            format!("INSERT INTO organizations (id, name, kind, created_at, updated_at) VALUES (1, 'STM', 'MINISTRY', {at}, {at}), (2, 'Seinäjoki', 'MUNICIPALITY', {at}, {at})"),
            format!("INSERT INTO grant_calls (id, title, funder_id, closes_at, max_aid_rate_bp, in_kind_counts, created_at, updated_at) VALUES (1, 'Rahaa', 1, {at}, 8000, false, {at}, {at})"),
            format!("INSERT INTO applications (id, name, status, lead_id, call_id, period_start, period_end, total_cost_cents, state_aid_requested_cents, state_aid_granted_cents, created_by, created_at, updated_at) VALUES \
                 (1, 'MONNI', 'ACTIVE', 2, 1, '2020-09-01', '2022-12-31', 50000000, 40000000, 100, 'x', {at}, {at}), \
                 (2, 'Avoin', 'IDEA', 2, NULL, '2022-01-01', NULL, 7, 0, 0, 'x', {at}, {at}), \
                 (3, 'Vanha', 'CLOSED', 2, 1, '2010-01-01', '2011-12-31', 3, 0, 0, 'x', {at}, {at})"),
            "INSERT INTO application_regions (application_id, region_code) VALUES (1, '14'), (1, '15'), (2, '14')".to_owned(),
        ];
        for sql in rows {
            conn.execute_unprepared(&sql).await.unwrap();
        }
        let db = Db::connect(&DbSettings::new(t.url.clone())).await.unwrap();
        assert_eq!(db.migrate().await.unwrap(), 11);
        let all = Wanted::ALL;
        for year in [None, Some(2011), Some(2021), Some(2022), Some(2030)] {
            let filter = ApplicationFilter { year, ..Default::default() };
            let kept = views::portfolio::summary(db.conn(), &filter, all).await.unwrap();
            assert_eq!(kept, views::portfolio::summary_scanning(db.conn(), &filter, all).await.unwrap(), "{year:?}");
        }
        let in_2022 = views::portfolio::summary(db.conn(), &ApplicationFilter { year: Some(2022), ..Default::default() }, all).await.unwrap();
        assert_eq!((in_2022.totals.application_count, in_2022.totals.total_cost.cents()), (2, 50_000_007));
        let regions: Vec<(String, i64)> = in_2022.by_region.iter().map(|(r, f)| (r.as_str().to_owned(), f.application_count)).collect();
        assert_eq!(regions, [("14".to_owned(), 2), ("15".to_owned(), 1)]);
    }
    async fn deadlines_already_stored_are_listed_for_the_organisations_they_concern(t: TestDatabase) {
        let conn = Database::connect(t.url.as_str()).await.unwrap();
        Migrator::up(&conn, Some(7)).await.unwrap();
        let at = "'2020-05-01 00:00:00+00:00'";
        let rows = [
            format!("INSERT INTO organizations (id, name, kind, created_at, updated_at) VALUES (1, 'STM', 'MINISTRY', {at}, {at}), (2, 'Seinäjoki', 'MUNICIPALITY', {at}, {at}), (3, 'Vaasa', 'MUNICIPALITY', {at}, {at})"),
            format!("INSERT INTO grant_calls (id, title, funder_id, closes_at, max_aid_rate_bp, in_kind_counts, created_at, updated_at) VALUES (1, 'Rahaa', 1, {at}, 8000, false, {at}, {at})"),
            format!("INSERT INTO applications (id, name, status, lead_id, call_id, total_cost_cents, state_aid_requested_cents, state_aid_granted_cents, created_by, created_at, updated_at) VALUES (1, 'MONNI', 'ACTIVE', 2, 1, 0, 0, 0, 'x', {at}, {at})"),
            "INSERT INTO application_participants (application_id, organization_id, role) VALUES (1, 3, 'CO_IMPLEMENTER')".to_owned(),
            format!("INSERT INTO deadlines (id, kind, title, due_at, tentative, application_id, call_id, created_at, updated_at, version) VALUES \
                 (1, 'CALL_CLOSES', 'Rahaa', '2020-06-30 13:15:00+00:00', false, NULL, 1, {at}, {at}, 1), \
                 (2, 'PROJECT_ENDS', 'MONNI', '2022-12-31 21:59:59+00:00', false, 1, 1, {at}, {at}, 1)"),
        ];
        for sql in rows {
            conn.execute_unprepared(&sql).await.unwrap();
        }
        // The migration ran, but the process stopped before filling the table: the next start fills it.
        Migrator::up(&conn, None).await.unwrap();
        let db = Db::connect(&DbSettings::new(t.url.clone())).await.unwrap();
        assert_eq!(db.migrate().await.unwrap(), 0);
        let far = |y| salkku_domain::deadline::helsinki(y, 1, 1, 0, 0).unwrap();
        for (org, expected) in [(1, vec![1]), (2, vec![2]), (3, vec![2])] {
            let filter = DeadlineFilter { organization: Some(OrganizationId(org)), ..Default::default() };
            let listed = views::deadlines::in_window(db.conn(), far(2000), far(2100), &filter, 100, false).await.unwrap();
            let ids: Vec<i64> = listed.iter().map(|v| v.deadline.id.0).collect();
            assert_eq!(ids, expected, "organisation {org}");
        }
    }
    async fn deadlines_already_stored_are_marked_by_whether_they_still_call_for_action(t: TestDatabase) {
        let conn = Database::connect(t.url.as_str()).await.unwrap();
        Migrator::up(&conn, Some(8)).await.unwrap();
        let at = "'2020-05-01 00:00:00+00:00'";
        let rows = [
            format!("INSERT INTO organizations (id, name, kind, created_at, updated_at) VALUES (1, 'STM', 'MINISTRY', {at}, {at}), (2, 'Seinäjoki', 'MUNICIPALITY', {at}, {at})"),
            format!("INSERT INTO grant_calls (id, title, funder_id, closes_at, max_aid_rate_bp, in_kind_counts, created_at, updated_at) VALUES (1, 'Rahaa', 1, {at}, 8000, false, {at}, {at})"),
            format!("INSERT INTO applications (id, name, status, lead_id, call_id, total_cost_cents, state_aid_requested_cents, state_aid_granted_cents, created_by, created_at, updated_at) VALUES \
                 (1, 'MONNI', 'ACTIVE', 2, 1, 0, 0, 0, 'x', {at}, {at}), (2, 'Vanha', 'CLOSED', 2, 1, 0, 0, 0, 'x', {at}, {at})"),
            format!("INSERT INTO commitments (id, application_id, organization_id, amount_cents, kind, level, status, created_at, updated_at) VALUES \
                 (1, 1, 2, 1000, 'CASH', 'BOARD', 'APPROVED', {at}, {at}), (2, 1, 2, 20, 'CASH', 'BOARD', 'REQUESTED', {at}, {at})"),
            format!("INSERT INTO deadlines (id, kind, title, due_at, tentative, application_id, call_id, commitment_id, created_at, updated_at, version) VALUES \
                 (1, 'PROJECT_ENDS', 'MONNI', '2022-12-31 21:59:59+00:00', false, 1, 1, NULL, {at}, {at}, 1), \
                 (2, 'PROJECT_ENDS', 'Vanha', '2022-12-31 21:59:59+00:00', false, 2, 1, NULL, {at}, {at}, 1), \
                 (3, 'COMMITMENT_DUE', 'MONNI', '2021-06-30 20:59:59+00:00', false, 1, 1, 1, {at}, {at}, 1), \
                 (4, 'COMMITMENT_DUE', 'MONNI', '2021-07-31 20:59:59+00:00', false, 1, 1, 2, {at}, {at}, 1)"),
        ];
        for sql in rows {
            conn.execute_unprepared(&sql).await.unwrap();
        }
        let db = Db::connect(&DbSettings::new(t.url.clone())).await.unwrap();
        assert_eq!(db.migrate().await.unwrap(), 9);
        let day = |y| salkku_domain::deadline::helsinki(y, 1, 1, 0, 0).unwrap();
        let filter = DeadlineFilter { organization: Some(OrganizationId(2)), ..Default::default() };
        let ids = |listed: Vec<salkku_persistence::records::DeadlineView>| -> Vec<i64> { listed.iter().map(|v| v.deadline.id.0).collect() };
        // Upcoming: not the closed application's deadline, nor the approved commitment's.
        let upcoming = views::deadlines::upcoming(db.conn(), day(2021), day(2030), false, &filter, 100).await.unwrap();
        assert_eq!(ids(upcoming), [4, 1]);
        // A calendar still shows all four.
        let shown = views::deadlines::in_window(db.conn(), day(2021), day(2030), &filter, 100, false).await.unwrap();
        assert_eq!(ids(shown), [3, 4, 1, 2]);
    }
    async fn applications_already_stored_get_the_budget_versions_their_status_implies(t: TestDatabase) {
        let conn = Database::connect(t.url.as_str()).await.unwrap();
        Migrator::up(&conn, Some(9)).await.unwrap();
        let at = "'2020-05-01 00:00:00+00:00'";
        let rows = [
            format!("INSERT INTO organizations (id, name, kind, created_at, updated_at) VALUES (1, 'Seinäjoki', 'MUNICIPALITY', {at}, {at})"),
            format!("INSERT INTO applications (id, name, status, lead_id, submitted_at, total_cost_cents, state_aid_requested_cents, created_by, created_at, updated_at) VALUES \
                 (1, 'Idea', 'IDEA', 1, NULL, 1000, 800, 'x', {at}, {at}), \
                 (2, 'Jätetty', 'SUBMITTED', 1, '2020-04-30 12:15:00+00:00', 2000, 1600, 'x', {at}, {at}), \
                 (3, 'MONNI', 'ACTIVE', 1, '2020-04-30 12:15:00+00:00', 90000000, 72000000, 'x', {at}, {at}), \
                 (4, 'Luovuttu', 'WITHDRAWN', 1, NULL, 0, 0, 'x', {at}, {at})"),
            "INSERT INTO status_changes (application_id, from_status, to_status, at, by_subject, decision_ref) VALUES \
                 (3, 'SUBMITTED', 'GRANTED', '2020-06-12 09:00:00+00:00', 'stm', 'STM 12.6.2020')".to_owned(),
            "INSERT INTO budget_lines (application_id, position, category, year, amount_cents) VALUES \
                 (1, 0, 'TRAVEL', 2020, 1000), (2, 0, 'PERSONNEL', 2020, 2000), \
                 (3, 0, 'PERSONNEL', 2021, 60000000), (3, 1, 'PURCHASED_SERVICES', 2022, 30000000)".to_owned(),
        ];
        for sql in rows {
            conn.execute_unprepared(&sql).await.unwrap();
        }
        Migrator::up(&conn, None).await.unwrap();
        let backend = conn.get_database_backend();
        let versions: Vec<(i64, i32, String, bool, i64, Option<String>)> = conn
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT application_id, number, kind, in_force, state_aid_cents, decision_ref FROM budget_versions ORDER BY application_id, number",
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r.try_get("", "application_id").unwrap(),
                    r.try_get("", "number").unwrap(),
                    r.try_get("", "kind").unwrap(),
                    r.try_get("", "in_force").unwrap(),
                    r.try_get("", "state_aid_cents").unwrap(),
                    r.try_get("", "decision_ref").unwrap(),
                )
            })
            .collect();
        let v = |app, n, kind: &str, in_force, aid, decision: Option<&str>| (app, n, kind.to_owned(), in_force, aid, decision.map(str::to_owned));
        assert_eq!(versions, [
            v(1, 1, "DRAFT", true, 800, None),
            v(2, 1, "APPLIED", true, 1600, None),
            v(3, 1, "APPLIED", false, 72_000_000, None),
            v(3, 2, "GRANTED", true, 72_000_000, Some("STM 12.6.2020")),
            v(4, 1, "DRAFT", true, 0, None),
        ]);
        // Frozen versions hold their own lines; a draft's are its application's.
        let copied: Vec<(i32, i64)> = conn
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT v.number, COUNT(*) AS n FROM budget_version_lines l JOIN budget_versions v ON v.id = l.version_id \
                 GROUP BY v.application_id, v.number ORDER BY v.application_id, v.number",
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| (r.try_get("", "number").unwrap(), r.try_get("", "n").unwrap()))
            .collect();
        assert_eq!(copied, [(1, 1), (1, 2), (2, 2)]);
    }
}

on_both! {
    async fn an_applications_report_date_becomes_its_final_report_with_its_deadline(t: TestDatabase) {
        let conn = Database::connect(t.url.as_str()).await.unwrap();
        Migrator::up(&conn, Some(12)).await.unwrap();
        let at = "'2020-05-01 00:00:00+00:00'";
        let rows = [
            format!("INSERT INTO organizations (id, name, kind, created_at, updated_at) VALUES (1, 'STM', 'MINISTRY', {at}, {at}), (2, 'Seinäjoki', 'MUNICIPALITY', {at}, {at})"),
            format!("INSERT INTO applications (id, name, status, lead_id, period_end, report_due, total_cost_cents, state_aid_requested_cents, state_aid_granted_cents, created_by, created_at, updated_at) VALUES \
                 (1, 'MONNI', 'ACTIVE', 2, '2022-12-31', '2023-04-30', 0, 0, 0, 'x', {at}, {at}), (2, 'Vanha', 'CLOSED', 2, '2013-10-31', '2014-02-28', 0, 0, 0, 'x', {at}, {at}), \
                 (3, 'Idea', 'IDEA', 2, NULL, NULL, 0, 0, 0, 'x', {at}, {at})"),
            format!("INSERT INTO deadlines (id, kind, title, due_at, tentative, application_id, source_key, created_at, updated_at, version) VALUES \
                 (1, 'REPORT_DUE', 'MONNI', '2023-04-30 20:59:59+00:00', false, 1, 'application-report:1', {at}, {at}, 1), \
                 (2, 'REPORT_DUE', 'Vanha', '2014-02-28 21:59:59+00:00', false, 2, 'application-report:2', {at}, {at}, 1)"),
        ];
        for sql in rows {
            conn.execute_unprepared(&sql).await.unwrap();
        }
        let db = Db::connect(&DbSettings::new(t.url.clone())).await.unwrap();
        assert_eq!(db.migrate().await.unwrap(), 5);
        let ids = [salkku_domain::ids::ApplicationId(1), salkku_domain::ids::ApplicationId(2), salkku_domain::ids::ApplicationId(3)];
        let reports = views::reports::of_applications(db.conn(), &ids).await.unwrap();
        let found: Vec<(i64, &str, String, &str)> = reports.iter().map(|r| (r.application.0, r.kind.as_str(), r.due_on.to_string(), r.status.as_str())).collect();
        assert_eq!(found, [(1, "FINAL", "2023-04-30".to_owned(), "DUE"), (2, "FINAL", "2014-02-28".to_owned(), "ACCEPTED")]);
        let deadlines = views::deadlines::views_for_applications(db.conn(), &ids).await.unwrap();
        let linked: Vec<Option<i64>> = deadlines.iter().map(|d| d.deadline.report.map(|r| r.0)).collect();
        assert_eq!(linked, [Some(reports[1].id.0), Some(reports[0].id.0)], "each deadline is its report's now");
        assert!(deadlines[1].standing().is_relevant() && !deadlines[0].standing().is_relevant());
    }
}
