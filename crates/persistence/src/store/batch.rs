//! Writes that do not read each other's rows, sent together. On PostgreSQL they become one
//! statement, each write a data-modifying `WITH` part of it: one round trip however many tables a
//! command changes. The parts see one snapshot and run in no set order, so a part may use another
//! only through what that one returns, by its name. Elsewhere (SQLite, embedded: a statement
//! costs no round trip) they run one after another, in the order given.
//!
//! On PostgreSQL that one statement may also stand without a transaction, after a read made
//! without one ([`Writes::unless_moved`], [`Writes::unheld`]): it checks that the rows it depends
//! on are still as read and fails whole when one is not, so that it is kept entire or not at all.

use salkku_domain::ids::ApplicationId;
use sea_orm::sea_query::{Expr, ExprTrait, Query, UpdateStatement};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryResult, QueryTrait, RuntimeErr, Statement, UpdateMany, Value,
};

use crate::entities::application;
use crate::{StoreError, StoreResult};

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
    /// The project whose row the command's read holds ([`Writes::holding`]), or read as it was
    /// ([`Writes::unless_moved`]).
    held: Option<ApplicationId>,
    /// The mark of the project's row as a read without a transaction saw it
    /// ([`Writes::unless_moved`]).
    as_read: Option<String>,
    /// Whether the writes stand without a transaction, as one checked statement
    /// ([`Writes::unheld`]).
    unheld: bool,
    /// The parts that must each find a row for the writes to be kept ([`Writes::must_find`]).
    checks: Vec<String>,
}

impl Writes {
    pub(crate) fn new(backend: DbBackend) -> Self {
        Writes { backend, parts: Vec::new(), held: None, as_read: None, unheld: false, checks: Vec::new() }
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

    /// Says that the command read the project `id` without holding it, outside a transaction, on
    /// PostgreSQL, and found its row marked `mark` (`store::held::read_unheld`). The writes are
    /// then one statement that takes effect only while the row still bears the mark: its update
    /// of the project's row (made with [`Writes::as_read`], or else the sign of
    /// [`Writes::holding`]) finds the row only then, and the statement fails whole when it did
    /// not: [`StoreError::InTransaction`], as when the writes are too many for one statement. A
    /// concurrent command that changed the row before the statement reached it moved the mark;
    /// one still holding it makes the statement wait and then see the row as committed.
    pub(crate) fn unless_moved(&mut self, id: ApplicationId, mark: String) {
        self.held = Some(id);
        self.as_read = Some(mark);
        self.unheld = true;
    }

    /// The project `id` as [`crate::store::held::read_held_or_marked`] read it: held
    /// ([`Writes::holding`]) when no mark was read, otherwise kept only while its row bears the
    /// mark ([`Writes::unless_moved`]).
    pub(crate) fn held_or_marked(&mut self, id: ApplicationId, mark: Option<String>) {
        match mark {
            Some(mark) => self.unless_moved(id, mark),
            None => self.holding(id),
        }
    }

    /// Says that the command read what it depends on without holding it, outside a transaction,
    /// on PostgreSQL: the writes are then one statement kept only when every part named with
    /// [`Writes::must_find`] (and the project's row, when [`Writes::unless_moved`]) found its row,
    /// and failing whole otherwise ([`StoreError::InTransaction`]).
    pub(crate) fn unheld(&mut self) {
        self.unheld = true;
    }

    /// Says that the part `name` (an update narrowed to a row as read, answering what it found
    /// with `RETURNING`) must find its row for writes made [`Writes::unheld`] to be kept: the
    /// check of a row other than the project's. In a transaction, where the rows are held, it
    /// changes nothing.
    pub(crate) fn must_find(&mut self, name: &str) {
        self.checks.push(name.to_owned());
    }

    /// `update` of the row of the application `id`, narrowed to the row as read when `id` is the
    /// project the writes are made [`Writes::unless_moved`] from: the command's own update of its
    /// project is then the check.
    pub(crate) fn as_read(
        &self,
        id: ApplicationId,
        update: UpdateMany<application::Entity>,
    ) -> UpdateMany<application::Entity> {
        match (&self.as_read, self.held == Some(id)) {
            (Some(mark), true) => update.filter(Expr::cust(AS_READ).eq(mark.as_str())),
            _ => update,
        }
    }

    /// `update` of the row of the application `id` (a statement built by sea-query's own
    /// builder), narrowed to the row as read and answering it when `id` is the project the
    /// writes are made [`Writes::unless_moved`] from: the update is then the check.
    pub(crate) fn statement_as_read(&self, id: ApplicationId, update: &mut UpdateStatement) {
        if let (Some(mark), true) = (&self.as_read, self.held == Some(id)) {
            update.and_where(Expr::cust(AS_READ).eq(mark.as_str())).returning_col(application::Column::Id);
        }
    }

    /// On PostgreSQL, the sign that the held project changed ([`Writes::holding`]) where no part
    /// updates its row already; made [`Writes::unless_moved`], it is the check too.
    fn sign(&mut self) {
        if self.backend != DbBackend::Postgres || self.parts.iter().any(updates_applications) {
            return;
        }
        let Some(id) = self.held else { return };
        let mut sign = Query::update()
            .table(application::Entity)
            .value(application::Column::Id, Expr::col(application::Column::Id))
            .and_where(Expr::col(application::Column::Id).eq(id.0))
            .to_owned();
        self.statement_as_read(id, &mut sign);
        self.push_named("held_sign", &sign);
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
        self.sign();
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
        if self.unheld {
            let (sql, values) = checked_statement(self.parts, self.as_read.is_some(), &self.checks, named)?;
            let statement = Statement::from_sql_and_values(DbBackend::Postgres, sql, values);
            return c
                .query_all_raw(statement)
                .await
                .map_err(|e| if moved(&e) { StoreError::InTransaction } else { e.into() });
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

/// The condition that the project's row is as read: the transaction that wrote it, as text.
const AS_READ: &str = "\"applications\".xmin::text";

/// PostgreSQL: `parts` as one statement outside a transaction, kept only while the rows it
/// depends on are as read ([`Writes::unheld`]), with the rows of `named` (or none) as its answer.
/// Each check is a part narrowed to a row as read that answers the row it found: with `project`,
/// the part that updates the project's row (narrowed to its mark, [`Writes::unless_moved`]), then
/// the parts `checks` names, in that order. The answer asks `row_as_read` (a function of migration
/// 017) whether each found one, one after another, and that function fails the statement at the
/// first that did not. PostgreSQL runs a part the answer reads when the answer reads it, so the
/// rows are taken in the order of the checks (the project's first, as every command holding a
/// project takes it), none after a check that failed, and the parts no one reads after them. The
/// question stands on its own in the answer's first table, so that it is asked whatever the rows
/// of `named`.
fn checked_statement(
    parts: Vec<Part>,
    project: bool,
    checks: &[String],
    named: Option<&str>,
) -> StoreResult<(String, Vec<Value>)> {
    let project_check = |p: &Part| updates_applications(p) && p.sql.contains(AS_READ) && p.sql.contains(" RETURNING ");
    let mut checked = Vec::new();
    if project {
        let Some(part) = parts.iter().find(|p| project_check(p)) else {
            return Err(StoreError::corrupt("writes unless moved need an update of the project's row as read"));
        };
        checked.push(part.name.clone());
    }
    for name in checks {
        if !parts.iter().any(|p| p.name == *name && p.sql.contains(" RETURNING ")) {
            return Err(StoreError::corrupt(format!("the check {name} is no part answering what it found")));
        }
        checked.push(name.clone());
    }
    let Some((last, before)) = checked.split_last() else {
        return Err(StoreError::corrupt("writes without a transaction need a check of what they depend on"));
    };
    // More values than one statement binds (a budget of thousands of lines): the transaction's
    // path splits them between statements.
    if parts.iter().map(|p| p.values.len()).sum::<usize>() > MAX_VALUES {
        return Err(StoreError::InTransaction);
    }
    let (mut sql, values) = with_parts(parts);
    // One check after another, the next asked only when the one before found its row: the rows
    // are taken in the checks' order, and none after one that moved.
    let count = |name: &String| format!("(SELECT count(*) FROM {name})");
    let found = if before.is_empty() {
        count(last)
    } else {
        let earlier: String = before.iter().map(|name| format!("WHEN {} = 0 THEN 0 ", count(name))).collect();
        format!("CASE {earlier}ELSE {} END", count(last))
    };
    let check = format!("(SELECT row_as_read({found})) AS as_read");
    match named {
        Some(name) => sql.push_str(&format!(" SELECT {name}.* FROM {check} LEFT JOIN {name} ON true")),
        None => sql.push_str(&format!(" SELECT * FROM {check}")),
    }
    Ok((sql, values))
}

/// Whether `error` is PostgreSQL's serialization_failure (what `row_as_read` raises when a write
/// made [`Writes::unheld`] found a row moved) or deadlock_detected (the statement took a row
/// another transaction held while that one waited for a row the statement had taken). Either has
/// rolled the statement back, whatever its cause (a server whose transactions are not read
/// committed, say): the command makes it again in a transaction.
fn moved(error: &DbErr) -> bool {
    let (DbErr::Query(RuntimeErr::SqlxError(e)) | DbErr::Exec(RuntimeErr::SqlxError(e))) = error else {
        return false;
    };
    matches!(&**e, sea_orm::sqlx::Error::Database(d) if matches!(d.code().as_deref(), Some("40001" | "40P01")))
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
    let (mut sql, values) = with_parts(parts);
    match named {
        Some(name) => sql.push_str(&format!(" SELECT * FROM {name}")),
        // Every part runs to completion whether or not the answer reads it.
        None => sql.push_str(" SELECT 1"),
    }
    (sql, values)
}

/// The parts as the `WITH` of one statement, which its answer follows.
fn with_parts(parts: Vec<Part>) -> (String, Vec<Value>) {
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
    use sea_orm::ColumnTrait;
    use sea_orm::sea_query::PostgresQueryBuilder;

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

    /// Writes on PostgreSQL made unless the project 7's row moved from the mark 4711.
    fn unless_moved_from_4711() -> Writes {
        let mut writes = Writes::new(DbBackend::Postgres);
        writes.unless_moved(ApplicationId(7), "4711".into());
        writes
    }

    #[test]
    fn only_the_projects_own_update_is_narrowed_to_its_row_as_read() {
        let writes = unless_moved_from_4711();
        let update =
            || application::Entity::update_many().col_expr(application::Column::TotalCostCents, Expr::value(1));
        let narrowed = |id| writes.as_read(ApplicationId(id), update()).into_query().to_string(PostgresQueryBuilder);
        assert!(narrowed(7).contains(AS_READ), "{}", narrowed(7));
        assert!(!narrowed(8).contains(AS_READ), "{}", narrowed(8));
        let mut sum = Query::update().table(application::Entity).value(application::Column::Id, 8).to_owned();
        writes.statement_as_read(ApplicationId(8), &mut sum);
        assert!(!sum.to_string(PostgresQueryBuilder).contains(AS_READ));
        writes.statement_as_read(ApplicationId(7), &mut sum);
        assert!(sum.to_string(PostgresQueryBuilder).contains(AS_READ));
    }

    /// Writes made unless the project 7's row moved from the mark 4711, and its update, under
    /// "budgeted": narrowed to the row as read when `checked`.
    fn budgeted(checked: bool) -> Writes {
        let mut writes = unless_moved_from_4711();
        let update = application::Entity::update_many()
            .col_expr(application::Column::TotalCostCents, Expr::value(100))
            .filter(application::Column::Id.eq(7));
        let update = if checked { writes.as_read(ApplicationId(7), update) } else { update };
        writes.push_named("budgeted", update.into_query().returning_all());
        writes
    }

    #[test]
    fn writes_unless_moved_are_one_statement_that_asks_whether_the_row_was_as_read() {
        let mut writes = budgeted(true);
        let lines = crate::entities::budget_line::Entity::delete_many()
            .filter(crate::entities::budget_line::Column::ApplicationId.eq(7));
        writes.push(&lines.into_query());
        writes.sign();
        let (sql, values) = checked_statement(writes.parts, true, &[], Some("budgeted")).unwrap();
        assert!(sql.contains("AND (\"applications\".xmin::text) = $3 RETURNING"), "{sql}");
        assert!(values.contains(&Value::from("4711")), "the mark bound: {values:?}");
        assert!(!sql.contains("held_sign"), "the update is the check: {sql}");
        assert!(
            sql.ends_with(
                " SELECT budgeted.* FROM (SELECT row_as_read((SELECT count(*) FROM budgeted))) AS as_read \
                 LEFT JOIN budgeted ON true"
            ),
            "{sql}"
        );
    }

    #[test]
    fn writes_unless_moved_that_do_not_update_the_project_check_with_its_sign() {
        let mut writes = unless_moved_from_4711();
        let others = crate::entities::commitment::Entity::update_many()
            .col_expr(crate::entities::commitment::Column::Version, Expr::value(2))
            .filter(crate::entities::commitment::Column::Id.eq(1));
        writes.push(&others.into_query());
        writes.sign();
        let (sql, _) = checked_statement(writes.parts, true, &[], None).unwrap();
        assert!(sql.contains("held_sign AS (UPDATE \"applications\""), "{sql}");
        assert!(
            sql.ends_with(" SELECT * FROM (SELECT row_as_read((SELECT count(*) FROM held_sign))) AS as_read"),
            "{sql}"
        );
    }

    #[test]
    fn writes_unheld_check_every_row_they_depend_on_the_projects_first() {
        // A payment: its project's sign, its allocation's update and its instalment's, each
        // narrowed to the row as read; the statement asks about all three, the project first.
        let mut writes = unless_moved_from_4711();
        let paid = crate::entities::allocation::Entity::update_many()
            .col_expr(crate::entities::allocation::Column::Version, Expr::value(2))
            .filter(crate::entities::allocation::Column::Id.eq(3))
            .filter(crate::store::held::allocation_is_as_read("815"));
        writes.push_named("paid", paid.into_query().returning_col(crate::entities::allocation::Column::Id));
        writes.must_find("paid");
        writes.push_sql("settled", "UPDATE instalments SET version = 2 WHERE id = 1 RETURNING id".into(), vec![]);
        writes.must_find("settled");
        writes.sign();
        let (sql, values) = checked_statement(writes.parts, true, &writes.checks, Some("settled")).unwrap();
        assert!(sql.contains("(state_aid_allocations.xmin::text) = $"), "{sql}");
        assert!(values.contains(&Value::from("815")) && values.contains(&Value::from("4711")), "{values:?}");
        assert!(
            sql.ends_with(
                " SELECT settled.* FROM (SELECT row_as_read(CASE WHEN (SELECT count(*) FROM held_sign) = 0 THEN 0 \
                 WHEN (SELECT count(*) FROM paid) = 0 THEN 0 ELSE (SELECT count(*) FROM settled) END)) AS as_read \
                 LEFT JOIN settled ON true"
            ),
            "{sql}"
        );
    }

    #[test]
    fn writes_unheld_without_a_project_check_their_other_rows() {
        let mut writes = Writes::new(DbBackend::Postgres);
        writes.unheld();
        writes.push_sql("paid", "UPDATE state_aid_allocations SET version = 2 WHERE id = 3".into(), vec![]);
        writes.must_find("paid");
        writes.sign();
        // A check that answers nothing could not tell whether it found its row.
        assert!(matches!(checked_statement(writes.parts, false, &writes.checks, None), Err(StoreError::Corrupt(_))));
        let mut writes = Writes::new(DbBackend::Postgres);
        writes.unheld();
        writes.push_sql("write_0", "INSERT INTO payments SELECT 1".into(), vec![]);
        writes.sign();
        // Nothing checked at all: refused, never written unchecked.
        assert!(matches!(checked_statement(writes.parts, false, &writes.checks, None), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn writes_unless_moved_are_refused_when_nothing_checks_the_row() {
        // An update of the project's row not narrowed to the mark would let the writes through
        // after another command changed the project.
        let mut writes = budgeted(false);
        writes.sign();
        assert!(matches!(checked_statement(writes.parts, true, &[], Some("budgeted")), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn writes_unless_moved_too_many_for_one_statement_are_made_in_a_transaction() {
        let mut writes = budgeted(true);
        writes.push_sql("lines", "INSERT INTO budget_lines SELECT 1".into(), vec![Value::from(0); MAX_VALUES]);
        assert!(matches!(checked_statement(writes.parts, true, &[], Some("budgeted")), Err(StoreError::InTransaction)));
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
