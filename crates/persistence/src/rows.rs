//! Reading the rows of hot reads by position.
//!
//! sea-orm's derived decoding looks every column up by name and, for every NULL in an optional
//! column, formats an error message that it then throws away. A page of 50 applications reads
//! about 350 such rows (the applications, their commitments, calls and organisations), and that
//! decoding was two fifths of the instructions salkku spent on the page (measured with
//! callgrind). The entities read on that path decode their model by position instead, straight
//! from the driver's row; the columns are selected in the entity's own order.

use sea_orm::{ConnectionTrait, DbErr, EntityTrait, FromQueryResult, Iterable, QueryResult, QuerySelect, Select};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Decode, Postgres, Row, Sqlite, Type};

use crate::StoreResult;

/// A model read by position: its fields in the order of its entity's columns.
pub(crate) trait ByPosition: Sized {
    /// The fields in the order `decode` reads them (a test checks them against the columns).
    #[cfg(test)]
    const FIELDS: &'static [&'static str];
    fn decode(row: &mut Reader<'_>) -> Result<Self, DbErr>;
}

/// The models a select finds, decoded by position.
pub(crate) async fn models<E, C>(select: Select<E>, c: &C) -> StoreResult<Vec<E::Model>>
where
    E: EntityTrait,
    E::Model: ByPosition + Send + Sync,
    C: ConnectionTrait,
{
    let rows = select.select_only().columns(E::Column::iter()).into_model::<Positional<E::Model>>().all(c).await?;
    Ok(rows.into_iter().map(|p| p.0).collect())
}

struct Positional<M>(M);

impl<M: ByPosition + Send + Sync> FromQueryResult for Positional<M> {
    fn from_query_result(res: &QueryResult, _pre: &str) -> Result<Self, DbErr> {
        M::decode(&mut Reader::of(res)?).map(Positional)
    }
}

enum Driver<'r> {
    Postgres(&'r PgRow),
    Sqlite(&'r SqliteRow),
}

/// The next column of a row, one after another.
pub(crate) struct Reader<'r> {
    row: Driver<'r>,
    at: usize,
}

impl<'r> Reader<'r> {
    fn of(res: &'r QueryResult) -> Result<Self, DbErr> {
        let row = match (res.try_as_pg_row(), res.try_as_sqlite_row()) {
            (Some(row), _) => Driver::Postgres(row),
            (None, Some(row)) => Driver::Sqlite(row),
            (None, None) => return Err(DbErr::Type("a row from neither PostgreSQL nor SQLite".to_owned())),
        };
        Ok(Reader { row, at: 0 })
    }

    /// The next column's value; `Option<T>` reads NULL as `None`, `T` refuses it.
    pub(crate) fn next<T>(&mut self) -> Result<T, DbErr>
    where
        T: for<'a> Decode<'a, Postgres> + Type<Postgres> + for<'a> Decode<'a, Sqlite> + Type<Sqlite>,
    {
        let at = self.at;
        self.at += 1;
        let value = match self.row {
            Driver::Postgres(row) => row.try_get::<T, _>(at),
            Driver::Sqlite(row) => row.try_get::<T, _>(at),
        };
        value.map_err(|e| DbErr::Type(format!("column {at}: {e}")))
    }
}

/// Declares that an entity's model is read by position; list every field, in declaration order.
macro_rules! by_position {
    ($entity:ident: $($field:ident),+ $(,)?) => {
        impl ByPosition for crate::entities::$entity::Model {
            #[cfg(test)]
            const FIELDS: &'static [&'static str] = &[$(stringify!($field)),+];
            fn decode(row: &mut Reader<'_>) -> Result<Self, DbErr> {
                // Struct expressions evaluate their fields in the order written.
                Ok(Self { $($field: row.next()?),+ })
            }
        }
    };
}

by_position!(application: id, name, acronym, description, call_id, status, lead_id, period_start, period_end, report_due,
    submitted_at, state_aid_requested_cents, total_cost_cents, state_aid_granted_cents, self_funding_committed_cents,
    created_by, created_at, updated_at, version);
by_position!(commitment: id, application_id, organization_id, amount_cents, kind, level, status, due_date, decided_at,
    decision_ref, created_at, updated_at, version);
by_position!(grant_call: id, title, funder_id, programme_id, opens_at, closes_at, max_aid_rate_bp, in_kind_counts,
    envelope_cents, url, created_at, updated_at, version);
by_position!(organization: id, name, kind, business_id, region_code, population, created_at, updated_at, version);

#[cfg(test)]
mod tests {
    use sea_orm::{EntityTrait, IdenStatic, Iterable};

    use super::ByPosition;
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
}
