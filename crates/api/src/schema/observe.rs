//! A span, a log line and metrics per GraphQL operation, named as the client named it.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Response, ServerResult, Variables};
use tracing::Instrument;

use crate::observe::Metrics;

pub struct Observe;

impl ExtensionFactory for Observe {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ObserveExtension { operations: Mutex::new(Vec::new()) })
    }
}

struct ObserveExtension {
    /// The document's operations, by name, from the parse.
    operations: Mutex<Vec<(Option<String>, &'static str)>>,
}

fn kind(ty: OperationType) -> &'static str {
    match ty {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    }
}

impl ObserveExtension {
    /// The executed operation's name and type.
    fn operation(&self, requested: Option<&str>) -> (Option<String>, &'static str) {
        let Ok(operations) = self.operations.lock() else { return (requested.map(str::to_owned), "unknown") };
        let found = match requested {
            Some(name) => operations.iter().find(|(n, _)| n.as_deref() == Some(name)),
            None if operations.len() == 1 => operations.first(),
            None => None,
        };
        match found {
            Some((name, ty)) => (name.clone(), ty),
            None => (requested.map(str::to_owned), "unknown"),
        }
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for ObserveExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let operations = match &document.operations {
            DocumentOperations::Single(op) => vec![(None, kind(op.node.ty))],
            DocumentOperations::Multiple(ops) => {
                ops.iter().map(|(name, op)| (Some(name.to_string()), kind(op.node.ty))).collect()
            }
        };
        if let Ok(mut slot) = self.operations.lock() {
            *slot = operations;
        }
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let (name, ty) = self.operation(operation_name);
        let label = name.as_deref().unwrap_or("anonymous");
        let span = tracing::info_span!(
            "graphql",
            otel.name = %format!("{ty} {label}"),
            graphql.operation.name = %label,
            graphql.operation.type = ty,
        );
        let started = Instant::now();
        let response = next.run(ctx, operation_name).instrument(span.clone()).await;
        let elapsed = started.elapsed();
        let errors = response.errors.len();
        span.in_scope(|| {
            tracing::info!(duration_ms = elapsed.as_millis() as u64, errors, "graphql operation finished");
        });
        if let Some(metrics) = ctx.data_opt::<Arc<Metrics>>() {
            metrics.operation(name.as_deref(), ty, errors > 0, elapsed);
        }
        response
    }
}
