//! Writes that do not read each other's rows, sent together. On PostgreSQL they become one
//! statement, each write a data-modifying `WITH` part of it: one round trip however many tables a
//! command changes. The parts see one snapshot and run in no set order, so a part may use another
//! only through what that one returns, by its name. Elsewhere (SQLite, embedded: a statement
//! costs no round trip) they run one after another, in the order given.

use salkku_domain::ids::ApplicationId;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, DbBackend, EntityTrait, IntoActiveModel, QueryResult,
    QueryTrait, Statement, Value,
};

use crate::StoreResult;
use crate::entities::application;

/// One write: its SQL (with `$n` placeholders on PostgreSQL), its values, and the name others
/// may read its `RETURNING` rows by.
struct Part {
    name: String,
    sql: String,
    values: Vec<Value>,
}

/// The writes of one command, in order.
pub(crate) struct Writes {
    backend: DbBackend,
    parts: Vec<Part>,
    /// The project whose row the command's read holds ([`Writes::holding`]).
    held: Option<ApplicationId>,
}

impl Writes {
    pub(crate) fn new(backend: DbBackend) -> Self {
        Writes { backend, parts: Vec::new(), held: None }
    }

    /// Says that the command's read holds the project `id` (`store::held`). On PostgreSQL its row
    /// then changes with these writes even where nothing the command does changes it (the
    /// update of its key to itself): a read that waited for the row is handed the row as
    /// committed since, and sees by its version that what it read beside it may be older
    /// (`store::held`), so every command holding a project leaves that sign. A part that
    /// updates the row already is the sign; the same row updated twice by one statement would
    /// keep one of the two.
    pub(crate) fn holding(&mut self, id: ApplicationId) {
        self.held = Some(id);
    }

    pub(crate) fn backend(&self) -> DbBackend {
        self.backend
    }

    /// Adds a write built by sea-query, unnamed.
    pub(crate) fn push(&mut self, statement: &impl sea_orm::StatementBuilder) {
        let name = format!("write_{}", self.parts.len());
        self.push_named(&name, statement);
    }

    /// Adds the insert of a row whose every value the command knows (its key read beforehand).
    pub(crate) fn insert<A>(&mut self, row: impl IntoActiveModel<A>)
    where
        A: ActiveModelTrait + ActiveModelBehavior + Send,
    {
        self.push(&<A::Entity as EntityTrait>::insert(row.into_active_model()).into_query());
    }

    /// Adds a write built by sea-query, under `name`.
    pub(crate) fn push_named(&mut self, name: &str, statement: &impl sea_orm::StatementBuilder) {
        let built = self.backend.build(statement);
        self.push_sql(name, built.sql, built.values.map(|v| v.0).unwrap_or_default());
    }

    /// Adds a write as SQL text for this store, under `name` (later parts may select from it on
    /// PostgreSQL, which runs them as one statement; SQLite runs it where it stands).
    pub(crate) fn push_sql(&mut self, name: &str, sql: String, values: Vec<Value>) {
        self.parts.push(Part { name: name.to_owned(), sql, values });
    }

    /// Runs every write.
    pub(crate) async fn run<C: ConnectionTrait>(self, c: &C) -> StoreResult<()> {
        self.run_returning(c, None).await.map(|_| ())
    }

    /// Runs every write and answers the rows the part `named` returns.
    pub(crate) async fn run_returning<C: ConnectionTrait>(
        mut self,
        c: &C,
        named: Option<&str>,
    ) -> StoreResult<Vec<QueryResult>> {
        if self.parts.is_empty() {
            return Ok(Vec::new());
        }
        if self.backend == DbBackend::Postgres
            && let Some(id) = self.held
            && !self.parts.iter().any(updates_applications)
        {
            let sign = Query::update()
                .table(application::Entity)
                .value(application::Column::Id, Expr::col(application::Column::Id))
                .and_where(Expr::col(application::Column::Id).eq(id.0))
                .to_owned();
            self.push_named("held_sign", &sign);
        }
        if self.backend != DbBackend::Postgres {
            let mut returned = Vec::new();
            for part in self.parts {
                let statement = Statement::from_sql_and_values(self.backend, part.sql, part.values);
                if named == Some(part.name.as_str()) {
                    returned = c.query_all_raw(statement).await?;
                } else {
                    c.execute_raw(statement).await?;
                }
            }
            return Ok(returned);
        }
        let mut returned = Vec::new();
        for group in groups(self.parts) {
            let answers = named.filter(|name| group.iter().any(|p| p.name == *name));
            let (sql, values) = one_statement(group, answers);
            let rows = c.query_all_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values)).await?;
            if answers.is_some() {
                returned = rows;
            }
        }
        Ok(returned)
    }
}

/// Whether a part updates rows of `applications`, as sea-query writes such an update (every
/// write is built by it): a command's update of its held project.
fn updates_applications(part: &Part) -> bool {
    part.sql.starts_with("UPDATE \"applications\" ")
}

/// Values one statement binds at most: PostgreSQL takes 65 535; a command's writes come nowhere
/// near, a bulk load's cells do.
const MAX_VALUES: usize = 30_000;

/// The parts in groups of at most [`MAX_VALUES`] values, each a statement, in order; a part that
/// names an earlier one stays in its group.
fn groups(parts: Vec<Part>) -> Vec<Vec<Part>> {
    let mut groups: Vec<Vec<Part>> = Vec::new();
    let mut values = 0;
    for part in parts {
        let reads_group = groups.last().is_some_and(|g| g.iter().any(|p| part.sql.contains(p.name.as_str())));
        match groups.last_mut() {
            Some(group) if reads_group || values + part.values.len() <= MAX_VALUES => {
                values += part.values.len();
                group.push(part);
            }
            _ => {
                values = part.values.len();
                groups.push(vec![part]);
            }
        }
    }
    groups
}

/// PostgreSQL: the parts as `WITH` parts of one statement, their placeholders numbered on, and
/// the rows of `named` (or none) as its answer.
fn one_statement(parts: Vec<Part>, named: Option<&str>) -> (String, Vec<Value>) {
    let mut sql = String::from("WITH ");
    let mut values = Vec::new();
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&part.name);
        sql.push_str(" AS (");
        sql.push_str(&renumbered(&part.sql, values.len()));
        sql.push(')');
        values.extend(part.values);
    }
    match named {
        Some(name) => sql.push_str(&format!(" SELECT * FROM {name}")),
        // Every part runs to completion whether or not the answer reads it.
        None => sql.push_str(" SELECT 1"),
    }
    (sql, values)
}

/// `sql` with each placeholder `$n` outside string literals and quoted names moved to `$n+by`.
fn renumbered(sql: &str, by: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                    digits.push(d);
                    chars.next();
                }
                let n: usize = digits.parse().unwrap_or(0);
                out.push('$');
                out.push_str(&(n + by).to_string());
            }
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_on_outside_quotes() {
        assert_eq!(
            renumbered("UPDATE t SET a = $1, b = $12 WHERE c = '$1' AND \"$2\" = $2", 3),
            "UPDATE t SET a = $4, b = $15 WHERE c = '$1' AND \"$2\" = $5"
        );
    }

    #[test]
    fn an_update_of_the_held_project_is_its_sign_and_nothing_else_is() {
        // A part updating the row is told apart by its text: were it missed, the row would be
        // updated twice by one statement and one of the two lost.
        use sea_orm::{ColumnTrait, QueryFilter};
        let mut writes = Writes::new(DbBackend::Postgres);
        let versioned = application::Entity::update_many()
            .col_expr(application::Column::Version, Expr::col(application::Column::Version).add(1))
            .filter(application::Column::Id.eq(7));
        writes.push(&versioned.into_query());
        crate::derived::set_sum(&mut writes, ApplicationId(7), crate::derived::Sum::Granted, 100);
        let others = crate::entities::commitment::Entity::update_many()
            .col_expr(crate::entities::commitment::Column::Version, Expr::value(2))
            .filter(crate::entities::commitment::Column::Id.eq(1));
        writes.push(&others.into_query());
        let told: Vec<bool> = writes.parts.iter().map(updates_applications).collect();
        assert_eq!(told, [true, true, false]);
    }

    #[test]
    fn a_bulk_load_is_split_where_no_part_reads_another() {
        let part = |name: &str, sql: &str, n: usize| Part {
            name: name.into(),
            sql: sql.into(),
            values: vec![Value::from(0); n],
        };
        let split = groups(vec![
            part("cells_0", "INSERT 1", 20_000),
            part("cells_1", "INSERT 2", 20_000),
            part("entry", "INSERT e", 1),
            part("objects", "INSERT o SELECT entry.id", 40_000),
        ]);
        let names: Vec<Vec<&str>> = split.iter().map(|g| g.iter().map(|p| p.name.as_str()).collect()).collect();
        assert_eq!(names, vec![vec!["cells_0"], vec!["cells_1", "entry", "objects"]]);
    }

    #[test]
    fn parts_become_one_statement_with_their_values_in_order() {
        let part = |name: &str, sql: &str, values: Vec<Value>| Part { name: name.into(), sql: sql.into(), values };
        let (sql, values) = one_statement(
            vec![
                part("upd", "UPDATE a SET x = $1 WHERE id = $2 RETURNING *", vec![1.into(), 2.into()]),
                part("write_1", "INSERT INTO b (y) SELECT $1 FROM upd", vec![3.into()]),
            ],
            Some("upd"),
        );
        assert_eq!(
            sql,
            "WITH upd AS (UPDATE a SET x = $1 WHERE id = $2 RETURNING *), write_1 AS (INSERT INTO b (y) SELECT $3 FROM upd) SELECT * FROM upd"
        );
        assert_eq!(values, vec![Value::from(1), Value::from(2), Value::from(3)]);
    }
}
