//! Documents already admitted, by their text. Front ends send the same few queries again and
//! again; parsing one (async-graphql's parser is built on pest) was a large share of salkku's CPU
//! for the portfolio (see docs/benchmarks.md). The cache holds no data and no session, only what
//! a text parses to under this process's limits, so replicas need not share it.

use std::num::NonZeroUsize;
use std::sync::Arc;

use super::limits::Limits;
use crate::remembered::Remembered;
use async_graphql::ServerResult;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

/// Distinct query texts kept: a front end has tens.
const ENTRIES: NonZeroUsize = NonZeroUsize::MIN.saturating_add(127);
/// Longer texts are parsed every time, and never hashed under the lock.
pub(super) const LONGEST: usize = 4 * 1024;
/// Documents with more selections written are parsed every time. A parsed selection takes some
/// 200 bytes where its text may take two (`{a{b b b …}}`): with [`LONGEST`] and [`ENTRIES`] this,
/// not the text's length, bounds what the cache can be made to hold (about 20 MB at worst).
const SELECTIONS: usize = 400;

pub struct Documents {
    admitted: Remembered<String, Arc<ExecutableDocument>>,
}

impl Default for Documents {
    fn default() -> Self {
        Documents { admitted: Remembered::new(ENTRIES) }
    }
}

impl Documents {
    /// What [`Limits::admit_text`] answers for `query`: the document admitted when the same text
    /// came before, else admitted now (and kept, if short enough). Refused and unparsable texts
    /// are never kept: they are checked again each time.
    pub fn admit(&self, limits: &Limits, query: &str) -> ServerResult<Option<Arc<ExecutableDocument>>> {
        if query.len() > LONGEST {
            return Ok(limits.admit_text(query)?.map(Arc::new));
        }
        if let Some(doc) = self.admitted.get(query) {
            return Ok(Some(doc));
        }
        let Some(doc) = limits.admit_text(query)?.map(Arc::new) else { return Ok(None) };
        if written_selections(&doc) <= SELECTIONS {
            self.admitted.put(query.to_owned(), doc.clone());
        }
        Ok(Some(doc))
    }
}

/// Fields, spreads and inline fragments as written, in operations and fragment definitions alike
/// (an unused fragment takes memory too). The text's nesting was checked before it was parsed,
/// so the recursion is shallow.
fn written_selections(doc: &ExecutableDocument) -> usize {
    fn within(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(field) => 1 + within(&field.node.selection_set.node),
                Selection::FragmentSpread(_) => 1,
                Selection::InlineFragment(inline) => 1 + within(&inline.node.selection_set.node),
            })
            .sum()
    }
    let operations: usize = doc.operations.iter().map(|(_, op)| within(&op.node.selection_set.node)).sum();
    operations + doc.fragments.values().map(|f| within(&f.node.selection_set.node)).sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(documents: &Documents) -> usize {
        documents.admitted.len()
    }

    #[test]
    fn a_query_asked_again_is_the_document_admitted_the_first_time() {
        let (documents, limits) = (Documents::default(), Limits::default());
        let query = "query Portfolio { portfolio(filter: {year: 2022}) { applicationCount } }";
        let first = documents.admit(&limits, query).ok().flatten();
        let again = documents.admit(&limits, query).ok().flatten();
        assert!(first.is_some());
        assert_eq!(format!("{first:?}"), format!("{again:?}"));
        assert_eq!(kept(&documents), 1);
    }

    #[test]
    fn refused_unparsable_long_and_wide_texts_are_not_kept() {
        let (documents, limits) = (Documents::default(), Limits::default());
        let too_deep = format!("{{ {} }}", "a { ".repeat(limits.text_nesting()) + &"}".repeat(limits.text_nesting()));
        for _ in 0..2 {
            assert!(documents.admit(&limits, &too_deep).is_err(), "refused each time");
        }
        assert!(matches!(documents.admit(&limits, "{ portfolio {"), Ok(None)));
        let long = format!("{{ __typename # {}\n}}", "long ".repeat(LONGEST / 5));
        assert!(matches!(documents.admit(&limits, &long), Ok(Some(_))));
        // Short to write, large once parsed.
        let wide = format!("{{ a {{ {} }} }}", "b ".repeat(SELECTIONS));
        assert!(wide.len() <= LONGEST);
        assert!(matches!(documents.admit(&limits, &wide), Ok(Some(_))));
        assert_eq!(kept(&documents), 0);
    }
}
