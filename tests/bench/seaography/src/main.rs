//! seaography serving salkku's tables for the benchmark (`tests/bench/run`): POST /graphql on
//! 127.0.0.1:$PORT, reading PostgreSQL at $DATABASE_URL through a pool of 20 connections.
//!
//!   DATABASE_URL=postgres://postgres@127.0.0.1:5432/salkku_bench?sslmode=disable PORT=5060 \
//!     salkku-bench-seaography

mod entities;
mod operations;
mod schema;

use actix_web::{App, HttpServer, web};
use async_graphql::dynamic::Schema;
use async_graphql_actix_web::{GraphQLRequest, GraphQLResponse};
use sea_orm::{ConnectOptions, Database};

/// As salkku and PostGraphile in the benchmark.
const POOL_SIZE: u32 = 20;

async fn graphql(schema: web::Data<Schema>, request: GraphQLRequest) -> GraphQLResponse {
    schema.execute(request.into_inner()).await.into()
}

fn setting(name: &str, position: usize) -> Result<String, String> {
    std::env::args()
        .nth(position)
        .or_else(|| std::env::var(name).ok())
        .ok_or_else(|| format!("{name} is not set (environment, or argument {position})"))
}

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = setting("DATABASE_URL", 1)?;
    let port: u16 = setting("PORT", 2)?.parse()?;
    let mut options = ConnectOptions::new(url);
    options.max_connections(POOL_SIZE).min_connections(POOL_SIZE).sqlx_logging(false);
    let database = Database::connect(options).await?;
    let schema = schema::schema(database)?;
    HttpServer::new(move || {
        App::new().app_data(web::Data::new(schema.clone())).route("/graphql", web::post().to(graphql))
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await?;
    Ok(())
}
