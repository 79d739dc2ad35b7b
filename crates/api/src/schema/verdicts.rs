//! Requests already admitted. Admission (see [`super::admission`]) runs every validation rule,
//! measures the query's depth and cost and checks sign-in: for the portfolio that was a large
//! share of salkku's instructions (see docs/benchmarks.md), spent again on every request of a
//! front end that sends the same few operations. What admission answers depends only on the
//! text, the operation, the variables, whether the caller is signed in and whether the request
//! may only read (the schema and the limits are fixed for the process), so an admission, once
//! given, is kept under exactly those.
//! Only queries are kept (mutations differ in their variables each time), never refusals, and
//! nothing a request asks of a persisted-query cache or of introspection, since admission's
//! extensions act on those.

use std::num::NonZeroUsize;

use async_graphql::{IntrospectionMode, Request, Value};

use super::documents::LONGEST;
use super::observe::Operation;
use crate::remembered::Remembered;

/// Distinct requests kept: a front end has tens of operations, a few variables each.
const ENTRIES: NonZeroUsize = NonZeroUsize::MIN.saturating_add(255);
/// Requests whose variables take more JSON than this are admitted every time.
const VARIABLES: usize = 1024;

/// What a request is admitted under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    query: String,
    operation: Option<String>,
    /// The variables as JSON, names in order.
    variables: String,
    signed_in: bool,
    read_only: bool,
}

impl Key {
    /// The key `request` is admitted under, or `None` for one admitted every time.
    pub fn of(request: &Request, signed_in: bool, read_only: bool) -> Option<Key> {
        let plain = !request.query.is_empty()
            && request.query.len() <= LONGEST
            && request.extensions.is_empty()
            && request.uploads.is_empty()
            && request.introspection_mode == IntrospectionMode::Enabled;
        if !plain {
            return None;
        }
        let variables = serde_json::to_string(&request.variables).ok().filter(|v| v.len() <= VARIABLES)?;
        Some(Key {
            query: request.query.clone(),
            operation: request.operation_name.clone(),
            variables,
            signed_in,
            read_only,
        })
    }
}

/// An admission: the operation it admitted and what the query costs.
#[derive(Debug, Clone)]
pub struct Admitted {
    pub operation: Operation,
    pub cost: Option<Value>,
}

pub struct Verdicts {
    admitted: Remembered<Key, Admitted>,
}

impl Default for Verdicts {
    fn default() -> Self {
        Verdicts { admitted: Remembered::new(ENTRIES) }
    }
}

impl Verdicts {
    pub fn get(&self, key: &Key) -> Option<Admitted> {
        self.admitted.get(key)
    }

    pub fn keep(&self, key: Key, admitted: Admitted) {
        self.admitted.put(key, admitted);
    }

    /// Forgets every admission: what a query costs has changed.
    pub fn forget(&self) {
        self.admitted.clear();
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::Variables;
    use serde_json::json;

    use super::*;

    const QUERY: &str = "query Page($n: Int) { applications(first: $n) { totalCount } }";

    fn with(n: i64) -> Request {
        Request::new(QUERY).variables(Variables::from_json(json!({ "n": n })))
    }

    #[test]
    fn the_same_request_from_a_caller_of_the_same_standing_has_the_same_key() {
        assert_eq!(Key::of(&with(10), true, false), Key::of(&with(10), true, false));
        assert!(Key::of(&with(10), true, false).is_some());
    }

    #[test]
    fn other_variables_operation_standing_or_method_make_another_key() {
        let key = Key::of(&with(10), true, false);
        assert_ne!(key, Key::of(&with(11), true, false));
        assert_ne!(key, Key::of(&with(10), false, false));
        assert_ne!(key, Key::of(&with(10), true, true));
        assert_ne!(key, Key::of(&with(10).operation_name("Page"), true, false));
    }

    #[test]
    fn persisted_introspection_only_long_and_heavy_requests_are_admitted_every_time() {
        let mut persisted = with(10);
        persisted.extensions.insert("persistedQuery".to_owned(), Value::Null);
        assert_eq!(Key::of(&persisted, true, false), None);
        let mut introspection = with(10);
        introspection.introspection_mode = IntrospectionMode::IntrospectionOnly;
        assert_eq!(Key::of(&introspection, true, false), None);
        let long = format!("{{ __typename # {}\n}}", "x".repeat(LONGEST));
        assert_eq!(Key::of(&Request::new(long), true, false), None);
        let heavy = Request::new(QUERY).variables(Variables::from_json(json!({ "n": "x".repeat(VARIABLES) })));
        assert_eq!(Key::of(&heavy, true, false), None);
        assert_eq!(Key::of(&Request::new(""), true, false), None);
    }
}
