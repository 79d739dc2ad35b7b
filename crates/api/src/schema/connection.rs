//! Relay cursor connections: page sizes, opaque cursors, and the connection type with
//! `totalCount`.

use async_graphql::connection::EmptyFields;
use async_graphql::connection::{Connection, DefaultConnectionName, DefaultEdgeName, EnableNodesField};
use async_graphql::{OutputType, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ApiResult, at_least_zero};
use salkku_domain::message;

/// Page size when `first` is not given.
pub const DEFAULT_PAGE: u64 = 20;
/// Largest page.
pub const MAX_PAGE: u64 = 100;

#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct TotalCount {
    /// How many items match, across all pages.
    pub total_count: i32,
}

/// A connection as the contract shapes it: `edges`, `nodes`, `pageInfo`, `totalCount`.
pub type Page<N> =
    Connection<String, N, TotalCount, EmptyFields, DefaultConnectionName, DefaultEdgeName, EnableNodesField>;

/// `first` as a page size: 20 by default, at most 100.
pub fn page_size(first: Option<i32>) -> ApiResult<u64> {
    match first {
        None => Ok(DEFAULT_PAGE),
        Some(n) if n < 0 => Err(ApiError::bad_input("first", at_least_zero("first", n))),
        Some(n) if u64::try_from(n).unwrap_or(u64::MAX) > MAX_PAGE => Err(ApiError::limit(message!(
            fi: "sivukoko ylittyi: first on enintään {MAX_PAGE} (annettu {n})",
            sv: "sidstorleken överskreds: first är högst {MAX_PAGE} (angivet {n})",
            en: "page size limit exceeded: first may be at most {MAX_PAGE} (got {n})",
        ))),
        Some(n) => Ok(u64::try_from(n).unwrap_or(DEFAULT_PAGE)),
    }
}

pub fn encode<C: Serialize>(cursor: &C) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(cursor).unwrap_or_default())
}

/// Reads an `after` cursor issued by the same list.
pub fn decode<C: DeserializeOwned>(after: Option<&str>) -> ApiResult<Option<C>> {
    let Some(text) = after else { return Ok(None) };
    let invalid = || {
        ApiError::bad_input(
            "after",
            message!(
                fi: "after ei ole tämän luettelon kohdistin: anna saamasi endCursor",
                sv: "after är ingen markör för den här listan: skicka en endCursor du har fått",
                en: "after is not a cursor of this list: pass an endCursor you were given",
            ),
        )
    };
    if text.len() > 2048 {
        return Err(invalid());
    }
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
    serde_json::from_slice(&bytes).map(Some).map_err(|_| invalid())
}

/// Whether the connection field being resolved selects `totalCount` (through fragments too):
/// lists count only then.
pub fn wants_total(ctx: &async_graphql::Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
}

/// Builds a connection from a stored page.
pub fn connection<T, N: OutputType>(
    page: salkku_persistence::store::paging::Page<T>,
    had_cursor: bool,
    mut node: impl FnMut(T) -> (String, N),
) -> Page<N> {
    // Not counted means not selected, so the zero is never shown.
    let total = page.total.map_or(0, |t| i32::try_from(t).unwrap_or(i32::MAX));
    let mut connection =
        Connection::with_additional_fields(had_cursor, page.has_next, TotalCount { total_count: total });
    connection.edges.extend(page.items.into_iter().map(|item| {
        let (cursor, n) = node(item);
        async_graphql::connection::Edge::new(cursor, n)
    }));
    connection
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_defaults_to_twenty_and_stops_at_one_hundred() {
        assert_eq!(page_size(None).unwrap(), 20);
        assert_eq!(page_size(Some(100)).unwrap(), 100);
        assert_eq!(page_size(Some(101)).unwrap_err().code, crate::error::ErrorCode::LimitExceeded);
        assert_eq!(page_size(Some(-1)).unwrap_err().code, crate::error::ErrorCode::BadUserInput);
    }

    #[test]
    fn a_foreign_cursor_is_bad_input() {
        assert!(decode::<(String, i64)>(Some("garbage")).is_err());
        let cursor = encode(&("MONNI".to_owned(), 7_i64));
        assert_eq!(decode::<(String, i64)>(Some(&cursor)).unwrap(), Some(("MONNI".to_owned(), 7)));
    }
}
