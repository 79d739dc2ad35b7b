//! sea-orm entities for the tables the benchmark's requests read, written by hand as
//! `sea-orm-cli generate entity --seaography` would write them: every column of each table,
//! and the relations the page follows (an application's lead organisation, its call and its
//! commitments; a commitment's organisation).

pub mod applications;
pub mod commitments;
pub mod deadlines;
pub mod grant_calls;
pub mod organizations;
