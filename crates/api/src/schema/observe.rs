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
        Operation { name: requested.map(str::to_owned), kind }
    }
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
