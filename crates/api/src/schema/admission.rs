//! Admission, then execution: two schemas over the same types.
//!
//! The admission schema carries the request-level extensions — persisted queries, the limits,
//! and [`Admit`], which keeps the parsed document, checks sign-in on the operation's root fields
//! and stops before anything is resolved. The execution schema carries no extension and runs the
//! document admitted. Why two: as soon as one extension is installed, async-graphql sends every
//! field of every object through the extension chain (a `ResolveInfo` with registry lookups and a
//! boxed future per extension per field); a page of applications resolves thousands of fields,
//! and that chain cost a large share of its time (see docs/benchmarks.md). The document is parsed
//! once, here, after its text passed the limits; the execution schema validates it again only in
//! async-graphql's fast mode (the admission schema ran every rule on the same document and
//! variables).
//! A request admitted once is admitted again without the admission schema (see [`super::verdicts`]).

use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{BatchRequest, BatchResponse, Request, Response, ServerResult, Value, Variables};
use salkku_persistence::Db;

use super::documents::Documents;
use super::limits::Limits;
use super::observe::{Operation, observed};
use super::verdicts::{Admitted, Key, Verdicts};
use super::{RequestInfo, SalkkuSchema, gate, loaders};
use crate::auth::Viewer;
use crate::error::ApiError;
use crate::observe::Metrics;

/// What one request brings to the resolvers.
#[derive(Clone)]
pub struct RequestData {
    pub info: RequestInfo,
    pub viewer: Option<Viewer>,
    /// The database the request reads (a replica, or the primary).
    pub db: Db,
    pub metrics: Arc<Metrics>,
}

/// The admission schema and the execution schema.
#[derive(Clone)]
pub struct Schemas {
    pub(super) admission: SalkkuSchema,
    pub(super) execution: SalkkuSchema,
    pub(super) limits: Limits,
    pub(super) documents: Arc<Documents>,
    pub(super) verdicts: Arc<Verdicts>,
    /// The stored sizes of lists, which a query's cost counts them by.
    pub(super) sizes: Arc<super::sizes::KnownSizes>,
    /// Whether the schema answers introspection: when it does not, no error suggests names either.
    pub(super) introspection: bool,
    /// The declared type of every field, for the nulls a failed field leaves (see `nulls`).
    pub(super) field_types: Arc<super::nulls::FieldTypes>,
}

impl Schemas {
    /// Every request of a batch, concurrently, answers in order.
    pub async fn execute_batch(&self, batch: BatchRequest, data: &RequestData) -> BatchResponse {
        match batch {
            BatchRequest::Single(request) => BatchResponse::Single(self.execute(request, data).await),
            BatchRequest::Batch(requests) => BatchResponse::Batch(
                futures_util::future::join_all(requests.into_iter().map(|r| self.execute(r, data))).await,
            ),
        }
    }

    /// Admits `request`, then runs it; a request not admitted answers with why. Without
    /// introspection, and for anyone not signed in, errors suggest no names ("Did you mean …"):
    /// from suggestions alone a stranger could recover most of the schema.
    pub async fn execute(&self, request: Request, data: &RequestData) -> Response {
        let response = self.admit_and_run(request, data).await;
        if self.introspection && data.viewer.is_some() { response } else { without_suggestions(response) }
    }

    async fn admit_and_run(&self, mut request: Request, data: &RequestData) -> Response {
        let key = Key::of(&request, data.viewer.is_some(), data.info.read_only);
        // A text admitted before parses again; should it not, admission says why.
        let known = key.as_ref().and_then(|k| self.verdicts.get(k)).and_then(|admitted| {
            self.documents.admit(&self.limits, &request.query).ok().flatten().map(|doc| (doc, admitted))
        });
        let (doc, admitted) = match known {
            Some(known) => known,
            None => match self.admit(&request, data, key).await {
                Ok(admission) => admission,
                Err(refusal) => return refusal,
            },
        };
        // The one copy made of the document: async-graphql owns what it executes, and the answer is
        // put back in the order asked (see `order`) from the document shared.
        request.set_parsed_query(ExecutableDocument::clone(&doc));
        let asked = doc;
        let mut request = request
            .data(data.info.clone())
            .data(loaders::new(data.db.clone()))
            .data(data.db.clone())
            .data(data.metrics.clone());
        if let Some(viewer) = &data.viewer {
            request = request.data(viewer.clone());
        }
        let operation_name = request.operation_name.clone();
        let mut response = observed(&admitted.operation, &data.metrics, self.execution.execute(request)).await;
        if let Some(operation) = gate::operation(&asked, operation_name.as_deref()) {
            let root = match operation.node.ty {
                OperationType::Mutation => "Mutation",
                _ => "Query",
            };
            let selection = &operation.node.selection_set.node;
            super::nulls::propagate(&mut response, &self.field_types, root, selection, &asked);
            super::order::reorder(&mut response.data, &[selection], &asked);
        }
        // The limits measured the query's cost in admission; the client sees it with the answer.
        if let Some(cost) = admitted.cost {
            response.extensions.insert("cost".to_owned(), cost);
        }
        response
    }

    /// Runs `request` through the admission schema: its document and what admission found, kept
    /// under `key` when given, or the answer that refuses it.
    async fn admit(
        &self,
        request: &Request,
        data: &RequestData,
        key: Option<Key>,
    ) -> Result<(Arc<ExecutableDocument>, Admitted), Response> {
        let slot = Arc::new(Slot::default());
        let mut admission = Request::new(request.query.clone()).variables(request.variables.clone());
        if !request.query.is_empty() {
            match self.documents.admit(&self.limits, &request.query) {
                Ok(Some(doc)) => admission.set_parsed_query(ExecutableDocument::clone(&doc)),
                Ok(None) => {}
                Err(refusal) => return Err(Response::from_errors(vec![refusal])),
            }
        }
        admission.operation_name = request.operation_name.clone();
        admission.extensions = request.extensions.clone();
        admission.introspection_mode = request.introspection_mode;
        let mut admission = admission.data(slot.clone()).data(data.info.clone());
        if let Some(viewer) = &data.viewer {
            admission = admission.data(viewer.clone());
        }
        let measured = self.sizes.changes();
        let verdict = self.admission.execute(admission).await;
        match slot.take() {
            Kept { doc: Some(doc), verdict: Some(Verdict::Admitted(operation)) } => {
                let admitted = Admitted { operation, cost: verdict.extensions.get("cost").cloned() };
                // Mutations are rarer and their variables differ each time: they would only push
                // the queries a front end repeats out of the cache.
                // Nor an admission judged while the lists' sizes changed: its cost may be stale.
                let current = self.sizes.changes() == measured;
                if let Some(key) = key.filter(|_| admitted.operation.kind == "query" && current) {
                    self.verdicts.keep(key, admitted.clone());
                }
                Ok((Arc::new(doc), admitted))
            }
            Kept { verdict: Some(Verdict::Refused(operation)), .. } => {
                Err(observed(&operation, &data.metrics, std::future::ready(verdict)).await)
            }
            _ => Err(verdict),
        }
    }
}

/// How admission ended.
enum Verdict {
    Admitted(Operation),
    Refused(Operation),
}

/// What admission learnt about one request.
#[derive(Default)]
struct Kept {
    doc: Option<ExecutableDocument>,
    verdict: Option<Verdict>,
}

#[derive(Default)]
struct Slot(Mutex<Kept>);

impl Slot {
    fn with<T>(&self, f: impl FnOnce(&mut Kept) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn take(&self) -> Kept {
        self.with(std::mem::take)
    }
}

/// The last extension of the admission schema: keeps the document, refuses an operation that needs
/// a viewer without one (and one that asks for the schema when introspection is off), and never
/// executes.
#[derive(Clone, Copy)]
pub struct Admit {
    pub introspection: bool,
}

impl ExtensionFactory for Admit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Admit {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        if let Some(slot) = ctx.data_opt::<Arc<Slot>>() {
            slot.with(|kept| kept.doc = Some(doc.clone()));
        }
        Ok(doc)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        _next: NextExecute<'_>,
    ) -> Response {
        let signed_in = ctx.data_opt::<Viewer>().is_some();
        let Some(slot) = ctx.data_opt::<Arc<Slot>>() else { return lost() };
        slot.with(|kept| {
            let Some(doc) = &kept.doc else { return lost() };
            let operation = Operation::of(doc, operation_name);
            let mut refusal = gate::refusal(doc, operation_name, signed_in);
            if !self.introspection {
                refusal.extend(gate::introspection_refusal(doc, operation_name));
            }
            if refusal.is_empty() {
                kept.verdict = Some(Verdict::Admitted(operation));
                Response::new(Value::Null)
            } else {
                kept.verdict = Some(Verdict::Refused(operation));
                Response::from_errors(refusal)
            }
        })
    }
}

/// The errors of `response` without the names async-graphql suggests.
fn without_suggestions(mut response: Response) -> Response {
    for error in &mut response.errors {
        if let Some(at) = error.message.find(" Did you mean") {
            error.message.truncate(at);
        }
    }
    response
}

/// Admission ran without its slot or its document: a fault of this module, never of the request.
fn lost() -> Response {
    Response::from_errors(vec![super::limits::without_location(
        ApiError::internal(&"admission kept no document").into(),
    )])
}
