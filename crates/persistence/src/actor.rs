//! Who makes a change: recorded in history and scoped idempotency keys.

use salkku_domain::Role;
use salkku_domain::ids::OrganizationId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The token's subject, e.g. "auli.romppainen".
    pub subject: String,
    pub role: Role,
    pub organization: Option<OrganizationId>,
}

impl Actor {
    /// The actor of commands run from the command line (`salkku seed`).
    pub fn system(subject: &str) -> Actor {
        Actor { subject: subject.to_owned(), role: Role::Admin, organization: None }
    }
}
