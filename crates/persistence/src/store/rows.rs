//! Reading the rows of hot reads by position.
//!
//! sea-orm's derived decoding looks every column up by name and, for every NULL in an optional
//! column, formats an error message that it then throws away. A page of applications reads
//! hundreds of such rows (the applications, their commitments, calls and organisations), and that
//! decoding was a large share of the instructions salkku spent on the page (see
//! docs/benchmarks.md). The entities read on that path decode their model by position instead,
//! straight from the driver's row; the columns are selected in the entity's own order.

use chrono::{DateTime, NaiveDate, Utc};
use salkku_domain::report::{ReportKind, ReportStatus};
use salkku_domain::{ApplicationStatus, CommitmentStatus, DeadlineKind};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Iterable, QueryResult, QuerySelect, QueryTrait, Select, Statement};
use sqlx::postgres::{PgRow, PgValueFormat, Postgres};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row as _, ValueRef as _};

use crate::{StoreError, StoreResult};

/// A model read by position: its fields in the order of its entity's columns.
pub(crate) trait ByPosition: Sized {
    /// The fields in the order `decode` reads them (a test checks them against the columns).
    #[cfg(test)]
    const FIELDS: &'static [&'static str];
    fn decode(row: &mut Reader<'_>) -> Result<Self, DbErr>;
}

/// The records a select finds, their rows decoded by position.
pub(crate) async fn records<E, R, C>(select: Select<E>, c: &C) -> StoreResult<Vec<R>>
where
    E: EntityTrait,
    E::Model: ByPosition + Send + Sync,
    R: TryFrom<E::Model, Error = StoreError>,
    C: ConnectionTrait,
{
    decoded::<E::Model, R, C>(every_column(select, c), c).await
}

/// The first `limit` records a select finds, in its order. The limit is written into the
/// statement: bound as a parameter, it kept PostgreSQL planning a page afresh on every run, since
/// a generic plan cannot know how much of the order it will read. `select` must end with its
/// ORDER BY: no limit, offset or lock of its own.
pub(crate) async fn first_records<E, R, C>(select: Select<E>, limit: u64, c: &C) -> StoreResult<Vec<R>>
where
    E: EntityTrait,
    E::Model: ByPosition + Send + Sync,
    R: TryFrom<E::Model, Error = StoreError>,
    C: ConnectionTrait,
{
    let mut statement = every_column(select, c);
    statement.sql.push_str(&format!(" LIMIT {limit}"));
    decoded::<E::Model, R, C>(statement, c).await
}

/// `select` naming every column of its entity, in their order: what [`ByPosition`] reads.
fn every_column<E: EntityTrait, C: ConnectionTrait>(select: Select<E>, c: &C) -> Statement {
    select.select_only().columns(E::Column::iter()).build(c.get_database_backend())
}

/// The records `statement` finds, its rows decoded by position: for a statement of its own
/// (joins, aliases) whose columns are selected in the order of `M`'s fields.
pub(crate) async fn decoded<M, R, C>(statement: Statement, c: &C) -> StoreResult<Vec<R>>
where
    M: ByPosition + Send + Sync,
    R: TryFrom<M, Error = StoreError>,
    C: ConnectionTrait,
{
    read::<M, C>(statement, c).await?.into_iter().map(R::try_from).collect()
}

/// The rows `statement` finds, decoded by position.
pub(crate) async fn read<M, C>(statement: Statement, c: &C) -> StoreResult<Vec<M>>
where
    M: ByPosition + Send + Sync,
    C: ConnectionTrait,
{
    let rows = c.query_all_raw(statement).await?;
    // Every row of a result has the columns of the first, so the first row's types, once checked,
    // hold for the rest.
    Ok(rows.iter().enumerate().map(|(i, row)| M::decode(&mut Reader::of(row, i == 0)?)).collect::<Result<_, _>>()?)
}

pub(crate) enum Driver<'r> {
    Postgres(&'r PgRow),
    Sqlite(&'r SqliteRow),
}

/// The next column of a row, one after another.
pub(crate) struct Reader<'r> {
    row: Driver<'r>,
    at: usize,
    /// Whether each column's type is checked against the field's before decoding.
    checked: bool,
}

impl<'r> Reader<'r> {
    fn of(res: &'r QueryResult, checked: bool) -> Result<Self, DbErr> {
        let row = match (res.try_as_pg_row(), res.try_as_sqlite_row()) {
            (Some(row), _) => Driver::Postgres(row),
            (None, Some(row)) => Driver::Sqlite(row),
            (None, None) => return Err(DbErr::Type("a row from neither PostgreSQL nor SQLite".to_owned())),
        };
        Ok(Reader { row, at: 0, checked })
    }

    /// The next column's value; `Option<T>` reads NULL as `None`, `T` refuses it.
    pub(crate) fn next<T: Field>(&mut self) -> Result<T, DbErr> {
        let at = self.at;
        self.at += 1;
        T::read(&self.row, at, self.checked).map_err(|e| DbErr::Type(format!("column {at}: {e}")))
    }
}

/// A column type read by position: the types the entities read this way hold, each also as an
/// `Option`. The driver alone reads a NULL on SQLite as 0, "" or false; a field that may not be
/// NULL refuses it, as sea-orm does.
pub(crate) trait Field: Sized {
    fn read(row: &Driver<'_>, at: usize, checked: bool) -> Result<Self, sqlx::Error>;
}

/// A field that may not be NULL: its `Option` read, NULL refused.
macro_rules! required {
    ($t:ty) => {
        impl Field for $t {
            fn read(row: &Driver<'_>, at: usize, checked: bool) -> Result<Self, sqlx::Error> {
                <Option<$t>>::read(row, at, checked)?
                    .ok_or_else(|| sqlx::Error::Decode("NULL where a value is required".into()))
            }
        }
    };
}

/// On PostgreSQL, only the first row of a result compares each column's type with the one its
/// field decodes: those comparisons, on every value, were a ninth of salkku's work on a page of
/// 50 applications. SQLite, whose values may each be of any type, compares them everywhere.
macro_rules! fields {
    ($($t:ty),+) => {$(
        impl Field for Option<$t> {
            fn read(row: &Driver<'_>, at: usize, checked: bool) -> Result<Self, sqlx::Error> {
                match row {
                    Driver::Postgres(row) if !checked => row.try_get_unchecked(at),
                    Driver::Postgres(row) => row.try_get(at),
                    Driver::Sqlite(row) => row.try_get(at),
                }
            }
        }

        required!($t);
    )+};
}

fields!(i64, i32, bool, String, NaiveDate);

/// Instants: on PostgreSQL, read as they come, microseconds since 2000-01-01 UTC, big-endian
/// (the first row of a result checks the column's type first). sqlx's decoding goes through a
/// fixed offset and adds a duration to an epoch it builds for every value, and panics on
/// PostgreSQL's infinities; read this way, a page of applications costs fewer instructions (see
/// docs/benchmarks.md).
impl Field for Option<DateTime<Utc>> {
    fn read(row: &Driver<'_>, at: usize, checked: bool) -> Result<Self, sqlx::Error> {
        match row {
            Driver::Postgres(row) => postgres_instant(row, at, checked),
            Driver::Sqlite(row) => row.try_get(at),
        }
    }
}

required!(DateTime<Utc>);

/// Microseconds from the Unix epoch to PostgreSQL's, 2000-01-01 00:00 UTC.
const POSTGRES_EPOCH_MICROS: i64 = 946_684_800_000_000;

fn postgres_instant(row: &PgRow, at: usize, checked: bool) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let value = row.try_get_raw(at)?;
    if value.is_null() {
        return Ok(None);
    }
    if checked && !<DateTime<Utc> as sqlx::Type<Postgres>>::compatible(&value.type_info()) {
        return Err(sqlx::Error::Decode(format!("a {} column where an instant is read", value.type_info()).into()));
    }
    if value.format() != PgValueFormat::Binary {
        return row.try_get_unchecked(at);
    }
    let micros = value.as_bytes().ok().and_then(|b| <[u8; 8]>::try_from(b).ok()).map(i64::from_be_bytes);
    // PostgreSQL's infinities, and anything else chrono cannot hold, are refused, not wrapped.
    micros
        .and_then(|m| m.checked_add(POSTGRES_EPOCH_MICROS))
        .and_then(DateTime::from_timestamp_micros)
        .map(Some)
        .ok_or_else(|| sqlx::Error::Decode("not an instant chrono can hold".into()))
}

/// The codes a row may hold (kinds, statuses), parsed from the text the driver holds: read into
/// a `String` first, each was an allocation and a copy, three to a deadline against its one title.
macro_rules! codes {
    ($($t:ty),+) => {$(
        impl Field for Option<$t> {
            fn read(row: &Driver<'_>, at: usize, checked: bool) -> Result<Self, sqlx::Error> {
                let text: Option<&str> = match row {
                    Driver::Postgres(row) if !checked => row.try_get_unchecked(at)?,
                    Driver::Postgres(row) => row.try_get(at)?,
                    Driver::Sqlite(row) => row.try_get(at)?,
                };
                text.map(<$t>::parse).transpose().map_err(|e| sqlx::Error::Decode(e.to_string().into()))
            }
        }

        required!($t);
    )+};
}

codes!(ApplicationStatus, CommitmentStatus, DeadlineKind, ReportKind, ReportStatus);

/// Declares that a row type (an entity's model, or a row of a statement of its own) is read by
/// position; list every field, in the order of the columns.
macro_rules! by_position {
    ($entity:ident: $($field:ident),+ $(,)?) => {
        by_position!(type crate::entities::$entity::Model: $($field),+);
    };
    (type $row:ty: $($field:ident),+ $(,)?) => {
        impl $crate::store::rows::ByPosition for $row {
            #[cfg(test)]
            const FIELDS: &'static [&'static str] = &[$(stringify!($field)),+];
            fn decode(row: &mut $crate::store::rows::Reader<'_>) -> Result<Self, sea_orm::DbErr> {
                // Struct expressions evaluate their fields in the order written.
                Ok(Self { $($field: row.next()?),+ })
            }
        }
    };
}

pub(crate) use by_position;

by_position!(application: id, name, acronym, description, call_id, status, lead_id, period_start, period_end, report_due,
    submitted_at, state_aid_requested_cents, total_cost_cents, state_aid_granted_cents, self_funding_committed_cents,
    created_by, created_at, updated_at, version);
by_position!(commitment: id, application_id, organization_id, amount_cents, kind, level, status, due_date, decided_at,
    decision_ref, created_at, updated_at, version, decision_id);
by_position!(grant_call: id, title, funder_id, programme_id, opens_at, closes_at, max_aid_rate_bp, in_kind_counts,
    envelope_cents, url, created_at, updated_at, version, reallocation_tolerance_bp, interim_report_month,
    interim_report_day, final_report_months);
by_position!(organization: id, name, kind, business_id, region_code, population, created_at, updated_at, version);

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, IdenStatic, Iterable, Statement};

    use super::{ByPosition, Reader};
    use crate::entities::{application, commitment, grant_call, organization};

    fn columns<E: EntityTrait>() -> Vec<&'static str> {
        E::Column::iter().map(|c| c.as_str()).collect()
    }

    #[test]
    fn models_read_by_position_name_their_columns_in_order() {
        assert_eq!(application::Model::FIELDS, columns::<application::Entity>());
        assert_eq!(commitment::Model::FIELDS, columns::<commitment::Entity>());
        assert_eq!(grant_call::Model::FIELDS, columns::<grant_call::Entity>());
        assert_eq!(organization::Model::FIELDS, columns::<organization::Entity>());
    }

    #[tokio::test]
    async fn a_null_is_none_where_a_field_may_be_null_and_refused_where_it_may_not() {
        // SQLite's driver alone would read this NULL as 0.
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        let select = Statement::from_string(DbBackend::Sqlite, "SELECT NULL, 7");
        let row = db.query_one_raw(select).await.unwrap().unwrap();
        let mut read = Reader::of(&row, true).unwrap();
        assert_eq!(read.next::<Option<i64>>().unwrap(), None);
        assert_eq!(read.next::<i64>().unwrap(), 7);
        assert!(Reader::of(&row, true).unwrap().next::<i64>().is_err());
    }

    /// Two columns read by position, for the tests below.
    #[derive(Debug, PartialEq)]
    struct Pair {
        n: i64,
        s: Option<String>,
    }

    by_position!(type Pair: n, s);

    salkku_test_db::on_both! {
        async fn instants_read_as_they_come_decode_as_sqlx_decodes_them(t: TestDatabase) {
            let db = sea_orm::Database::connect(t.url.as_str()).await.unwrap();
            let backend = db.get_database_backend();
            let cast = if backend == DbBackend::Postgres { "CAST(x AS TIMESTAMPTZ)" } else { "x" };
            let instants = ["2022-01-02 21:59:00.123456+00:00", "1999-12-31 23:59:59.999999+00:00", "1970-01-01 00:00:00+00:00",
                "1917-12-06 10:00:00+00:00", "2000-01-01 00:00:00+00:00", "9999-12-31 23:59:59+00:00"];
            let rows: Vec<String> = instants.iter().map(|i| format!("SELECT '{i}' AS x")).collect();
            let sql = format!("SELECT {cast} FROM ({}) AS t", rows.join(" UNION ALL "));
            // On SQLite both are sqlx's reading; the test holds there as a check of the field.
            for row in db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap() {
                let by_sqlx: chrono::DateTime<chrono::Utc> = row.try_get_by_index(0).unwrap();
                for checked in [true, false] {
                    let read: chrono::DateTime<chrono::Utc> = Reader::of(&row, checked).unwrap().next().unwrap();
                    assert_eq!(read, by_sqlx);
                }
            }
            if backend == DbBackend::Postgres {
                let infinity = "SELECT CAST('infinity' AS TIMESTAMPTZ)";
                let row = db.query_one_raw(Statement::from_string(backend, infinity)).await.unwrap().unwrap();
                for checked in [true, false] {
                    assert!(Reader::of(&row, checked).unwrap().next::<chrono::DateTime<chrono::Utc>>().is_err());
                }
                // A column of another type is refused where the first row checks the types.
                let number = "SELECT CAST(1 AS BIGINT)";
                let row = db.query_one_raw(Statement::from_string(backend, number)).await.unwrap().unwrap();
                assert!(Reader::of(&row, true).unwrap().next::<chrono::DateTime<chrono::Utc>>().is_err());
            }
        }

        async fn every_row_of_a_result_decodes_and_a_column_of_another_type_is_refused(t: TestDatabase) {
            let db = sea_orm::Database::connect(t.url.as_str()).await.unwrap();
            let backend = db.get_database_backend();
            // The first row is checked, the rest read unchecked on PostgreSQL: both decode alike.
            let sql = "SELECT CAST(1 AS BIGINT), CAST(NULL AS TEXT) UNION ALL SELECT CAST(2 AS BIGINT), 'two' ORDER BY 1";
            let pairs = super::super::read::<Pair, _>(Statement::from_string(backend, sql), &db).await.unwrap();
            assert_eq!(pairs, [Pair { n: 1, s: None }, Pair { n: 2, s: Some("two".into()) }]);
            let text = Statement::from_string(backend, "SELECT 'one', 'two'");
            assert!(super::super::read::<Pair, _>(text, &db).await.is_err());
        }
    }
}
