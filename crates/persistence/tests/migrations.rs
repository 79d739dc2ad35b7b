//! Migrations that change data, run from the schema before them on both stores.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed step should stop the test loudly

use salkku_migrations::{Migrator, MigratorTrait};
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
}
