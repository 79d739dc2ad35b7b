//! Reads from a PostgreSQL read replica (`SALKKU_DATABASE_READ_URL`) while writes go to the
//! primary. A mutation's own answer is read from the primary, in the same request. So that a
//! client reads its own writes afterwards too, the answer to a mutation names the primary's log
//! position (`X-Salkku-Written-At`); a query that sends it back (`X-Salkku-Read-After`) is
//! read from the replica only once the replica has replayed that far, from the primary
//! otherwise. Nothing is kept between requests: any instance can serve any request.

use actix_web::HttpRequest;
use async_graphql::BatchRequest;
use async_graphql::parser::types::OperationType;
use salkku_persistence::Db;

use crate::config::Limits;
use crate::schema::limits::text_nesting;
use crate::state::AppState;

/// Sent back by clients that want to read what they wrote.
pub const READ_AFTER: &str = "x-salkku-read-after";
/// Names the primary's log position after a mutation.
pub const WRITTEN_AT: &str = "x-salkku-written-at";

/// The type of the operation a request runs, when its document parses. Text nested deeper than
/// the limits allow is not parsed (the parser recurses on brackets): it is `None`, and the
/// executor refuses it.
pub fn operation_type(request: &async_graphql::Request, limits: &Limits) -> Option<OperationType> {
    if text_nesting(&request.query) > limits.text_nesting() {
        return None;
    }
    let document = async_graphql::parser::parse_query(&request.query).ok()?;
    let operation = match &request.operation_name {
        Some(name) => document.operations.iter().find(|(n, _)| n.is_some_and(|n| n.as_str() == name)).map(|(_, op)| op),
        None => document.operations.iter().next().map(|(_, op)| op),
    };
    operation.map(|op| op.node.ty)
}

/// Whether a batch may write: a mutation, or a document that cannot be read (the primary then
/// answers the error, as it would any other).
pub fn writes(batch: &BatchRequest, limits: &Limits) -> bool {
    let requests: Vec<&async_graphql::Request> = match batch {
        BatchRequest::Single(r) => vec![r],
        BatchRequest::Batch(rs) => rs.iter().collect(),
    };
    // A persisted query's document is not in the request; only the primary can be sure.
    requests
        .iter()
        .any(|r| r.query.is_empty() || operation_type(r, limits).is_none_or(|t| t == OperationType::Mutation))
}

/// A PostgreSQL log position as `pg_lsn` reads it: two hexadecimal parts.
fn is_lsn(text: &str) -> bool {
    text.split_once('/').is_some_and(|(high, low)| {
        [high, low].iter().all(|part| (1..=8).contains(&part.len()) && part.chars().all(|c| c.is_ascii_hexdigit()))
    })
}

/// The database a request uses: the replica for reads that may read it, the primary otherwise.
pub async fn choose(state: &AppState, req: &HttpRequest, writes: bool) -> Db {
    let Some(replica) = &state.read_db else { return state.db.clone() };
    if writes {
        return state.db.clone();
    }
    let Some(after) = req.headers().get(READ_AFTER) else { return replica.clone() };
    let after = after.to_str().unwrap_or("");
    let caught_up = is_lsn(after) && replica.caught_up(after).await.unwrap_or(false);
    if caught_up { replica.clone() } else { state.db.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_positions_are_two_hexadecimal_parts() {
        assert!(is_lsn("0/3000148"));
        assert!(is_lsn("16/B374D848"));
        assert!(!is_lsn("0/"));
        assert!(!is_lsn("0/30001480A"));
        assert!(!is_lsn("'; DROP TABLE x; --"));
        assert!(!is_lsn(""));
    }

    #[test]
    fn only_readable_queries_may_go_to_a_replica() {
        let single = |q: &str| BatchRequest::Single(async_graphql::Request::new(q));
        let writes = |batch: &BatchRequest| writes(batch, &Limits::default());
        assert!(!writes(&single("{ regions { code } }")));
        assert!(!writes(&single("query A { regions { code } }")));
        assert!(writes(&single("mutation { createOrganization(input: {}) { id } }")));
        assert!(writes(&single("{ regions ")), "an unreadable document goes to the primary");
        // Not parsed at all: the primary's executor refuses it with the limit's error.
        assert!(writes(&single(&format!("{}{}", "{ a ".repeat(100_000), "}".repeat(100_000)))));
        let mixed = BatchRequest::Batch(vec![
            async_graphql::Request::new("{ regions { code } }"),
            async_graphql::Request::new("mutation { x }"),
        ]);
        assert!(writes(&mixed));
    }
}
