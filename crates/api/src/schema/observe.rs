//! A span, a log line and metrics per GraphQL operation, named as the client named it.

use std::future::Future;
use std::time::Instant;

use async_graphql::Response;
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use tracing::Instrument;

use crate::observe::Metrics;

/// The operation a request runs, as metrics and traces name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub name: Option<String>,
    pub kind: &'static str,
}

impl Operation {
    /// The operation of `doc` that `requested` names (or its only one).
    pub fn of(doc: &ExecutableDocument, requested: Option<&str>) -> Operation {
        let kind = match super::gate::operation(doc, requested).map(|op| op.node.ty) {
            Some(OperationType::Query) => "query",
            Some(OperationType::Mutation) => "mutation",
            Some(OperationType::Subscription) => "subscription",
            None => "unknown",
        };
        Operation { name: requested.map(logged_name), kind }
    }
}

/// Longest operation name a span or log line carries: a client's name for its operation, not a
/// place to write a hundred thousand characters into every log line.
pub const MAX_LOGGED_NAME: usize = 100;

/// An operation name as logs and traces show it: at most [`MAX_LOGGED_NAME`] characters, marked
/// when cut.
fn logged_name(name: &str) -> String {
    if name.chars().count() <= MAX_LOGGED_NAME {
        return name.to_owned();
    }
    let kept: String = name.chars().take(MAX_LOGGED_NAME).collect();
    format!("{kept}…")
}

/// Runs `execution` in a span named after the operation, then logs and counts it.
pub async fn observed(op: &Operation, metrics: &Metrics, execution: impl Future<Output = Response>) -> Response {
    let label = op.name.as_deref().unwrap_or("anonymous");
    let span = tracing::info_span!(
        "graphql",
        otel.name = %format!("{} {label}", op.kind),
        graphql.operation.name = %label,
        graphql.operation.type = op.kind,
    );
    let started = Instant::now();
    let response = execution.instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let errors = response.errors.len();
    span.in_scope(|| {
        tracing::info!(duration_ms = elapsed.as_millis() as u64, errors, "graphql operation finished");
    });
    metrics.operation(op.name.as_deref(), op.kind, errors > 0, elapsed);
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_operation_name_is_cut_for_the_log() {
        assert_eq!(super::logged_name("MonniPage"), "MonniPage");
        let long = super::logged_name(&"x".repeat(100_000));
        assert_eq!(long.chars().count(), super::MAX_LOGGED_NAME + 1);
        assert!(long.ends_with('…'));
    }
}
