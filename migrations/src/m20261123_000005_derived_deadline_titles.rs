//! Automatic deadlines keep only their subject as title ("MONNI"; "MONNI, Seinäjoen kaupunki"):
//! the service completes it in the reader's language from the deadline's kind. Titles written
//! before, in English ("MONNI: project ends"), are cut back to their subject.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The same SQL runs on SQLite and PostgreSQL: `substr`, `length` and `replace` mean the same.
const REWRITES: [&str; 3] = [
    "UPDATE deadlines SET title = substr(title, 1, length(title) - length(': project ends')) \
     WHERE source_key LIKE 'application-end:%' AND title LIKE '%: project ends'",
    "UPDATE deadlines SET title = substr(title, 1, length(title) - length(': final report due')) \
     WHERE source_key LIKE 'application-report:%' AND title LIKE '%: final report due'",
    "UPDATE deadlines SET title = replace(title, ': commitment of ', ', ') \
     WHERE source_key LIKE 'commitment:%' AND title LIKE '%: commitment of %'",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for sql in REWRITES {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // The subjects are what the service needs; the English suffixes are not worth restoring.
        Ok(())
    }
}
