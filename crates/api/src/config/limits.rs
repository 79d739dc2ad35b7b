//! The limits every request is held to: nesting, cost, aliases, root fields, batch size, body
//! size and time. Each is a setting; how a query is checked against them is the schema's
//! (`schema::limits`).

use std::time::Duration;

/// The limits; every one is configurable, these are the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest field nesting.
    pub depth: usize,
    /// Highest query cost.
    pub complexity: usize,
    /// Most aliases in one request.
    pub aliases: usize,
    /// Most fields at the root of an operation.
    pub root_fields: usize,
    /// Most operations in one batch.
    pub batch: usize,
    /// Largest request body.
    pub body_bytes: usize,
    /// Longest a request may run; PostgreSQL cancels statements that outlast it.
    pub timeout: Duration,
    /// How often the stored sizes of lists, which the cost counts nested lists by, are measured
    /// again (and once at start-up).
    pub sizes_every: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            depth: 12,
            complexity: 10_000,
            aliases: 30,
            root_fields: 30,
            batch: 10,
            body_bytes: 1024 * 1024,
            timeout: Duration::from_secs(10),
            sizes_every: Duration::from_secs(60),
        }
    }
}

impl Limits {
    /// Brackets a query's text may nest: well above any query within the depth limit (fields,
    /// arguments and input lists), low enough that the parser's recursion stays shallow.
    pub fn text_nesting(&self) -> usize {
        self.depth.saturating_mul(3).saturating_add(16)
    }

    /// Fields a query may hold once every fragment is expanded.
    pub fn expanded_fields(&self) -> usize {
        self.complexity.saturating_mul(4).max(1_000)
    }
}
