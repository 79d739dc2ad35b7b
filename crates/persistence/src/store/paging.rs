//! Keyset pagination: a page is the rows after the last one seen, in a total order that ends in
//! the row's id, so that later pages cost what the first one does.

use sea_orm::sea_query::{Condition, Expr, ExprTrait, Func, LikeExpr, SimpleExpr};

/// One page of results.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next: bool,
    /// How many rows match the filter, across all pages; counted only when asked for, since
    /// a count reads every matching row and so grows with the portfolio where a page does not.
    pub total: Option<u64>,
}

/// Counts what `select` matches when `wanted`.
pub(crate) async fn count_if<C: sea_orm::ConnectionTrait, E: sea_orm::EntityTrait>(
    c: &C,
    wanted: bool,
    select: sea_orm::Select<E>,
) -> crate::StoreResult<Option<u64>>
where
    E::Model: Sync,
{
    if !wanted {
        return Ok(None);
    }
    Ok(Some(sea_orm::PaginatorTrait::count(select, c).await?))
}

/// Splits the `first + 1` rows fetched into the page and whether more follow.
pub(crate) fn cut<T>(mut rows: Vec<T>, first: u64) -> (Vec<T>, bool) {
    let limit = usize::try_from(first).unwrap_or(usize::MAX);
    let has_next = rows.len() > limit;
    rows.truncate(limit);
    (rows, has_next)
}

/// Rows after (`key`, `id`) in the order (`key`, `id`) ascending, or descending when `descending`.
/// A `nullable` key sorts its nulls last in either direction; `key_value` is `None` when the cursor
/// row's key was null.
pub(crate) fn after(
    key: SimpleExpr,
    key_value: Option<SimpleExpr>,
    id: SimpleExpr,
    id_value: i64,
    descending: bool,
    nullable: bool,
) -> Condition {
    let beyond = |a: SimpleExpr, b: SimpleExpr| if descending { a.lt(b) } else { a.gt(b) };
    match key_value {
        Some(value) => {
            let mut later = Condition::any()
                .add(beyond(key.clone(), value.clone()))
                .add(Condition::all().add(key.clone().eq(value)).add(beyond(id, Expr::val(id_value))));
            if nullable {
                later = later.add(key.is_null());
            }
            later
        }
        None => Condition::all().add(key.is_null()).add(beyond(id, Expr::val(id_value))),
    }
}

/// Case-insensitive "contains", with `%` and `_` in the term taken literally. (SQLite lowers
/// only ASCII letters, so there "Ä" matches "Ä" but not "ä".)
pub(crate) fn contains(column: SimpleExpr, term: &str) -> SimpleExpr {
    let escaped: String = term
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    SimpleExpr::from(Func::lower(column)).like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_knows_whether_more_follow() {
        assert_eq!(cut(vec![1, 2, 3], 2), (vec![1, 2], true));
        assert_eq!(cut(vec![1, 2], 2), (vec![1, 2], false));
        assert_eq!(cut(Vec::<i32>::new(), 20), (vec![], false));
    }
}
