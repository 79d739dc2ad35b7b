//! What seaography cannot generate: the portfolio's buckets, an organisation's deadlines and
//! setting a budget. As for PostGraphile, each is a custom operation that runs the same SQL
//! function (`tests/bench/sql/postgraphile.sql`), here through a sea-orm raw statement.

use crate::entities::deadlines;
use async_graphql::Context;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, FromQueryResult, Statement, Value};
use seaography::{CustomFields, CustomOutputType};

/// One bucket of the portfolio (`bench.bucket`).
#[derive(Clone, Debug, CustomOutputType, FromQueryResult)]
pub struct Bucket {
    pub key: String,
    pub applications: i64,
    pub total_cost_cents: i64,
    pub state_aid_cents: i64,
}

async fn buckets(ctx: &Context<'_>, function: &str, year: i32) -> async_graphql::Result<Vec<Bucket>> {
    let db = ctx.data::<DatabaseConnection>()?;
    let sql = format!("SELECT key, applications, total_cost_cents, state_aid_cents FROM bench.{function}($1)");
    let statement = Statement::from_sql_and_values(DbBackend::Postgres, sql, [year.into()]);
    Ok(Bucket::find_by_statement(statement).all(db).await?)
}

pub struct Queries;

#[CustomFields]
impl Queries {
    async fn portfolio_by_status(ctx: &Context<'_>, year: i32) -> async_graphql::Result<Vec<Bucket>> {
        buckets(ctx, "portfolio_by_status", year).await
    }

    async fn portfolio_by_region(ctx: &Context<'_>, year: i32) -> async_graphql::Result<Vec<Bucket>> {
        buckets(ctx, "portfolio_by_region", year).await
    }

    /// `since` and `until` are RFC 3339 strings, cast by PostgreSQL: seaography rc.9 panics
    /// parsing a `DateTimeWithTimeZone` argument of a custom operation (`ValueTypeErr`).
    async fn upcoming_deadlines(
        ctx: &Context<'_>,
        org: i64,
        since: String,
        until: String,
    ) -> async_graphql::Result<Vec<deadlines::Model>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let statement = Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT * FROM bench.upcoming_deadlines($1, $2::timestamptz, $3::timestamptz)",
            [org.into(), since.into(), until.into()],
        );
        Ok(deadlines::Entity::find().from_raw_sql(statement).all(db).await?)
    }
}

pub struct Mutations;

#[CustomFields]
impl Mutations {
    /// Replaces an application's budget if it is still at version `expected`; the new version.
    async fn set_budget(
        ctx: &Context<'_>,
        app: i64,
        expected: i32,
        amounts: Vec<i64>,
        aid: i64,
    ) -> async_graphql::Result<i32> {
        let db = ctx.data::<DatabaseConnection>()?;
        let statement = Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT bench.set_budget($1, $2, $3, $4) AS version",
            [app.into(), expected.into(), Value::from(amounts), aid.into()],
        );
        let row = db
            .query_one_raw(statement)
            .await?
            .ok_or_else(|| async_graphql::Error::new("set_budget returned no row"))?;
        Ok(row.try_get::<i32>("", "version")?)
    }
}
