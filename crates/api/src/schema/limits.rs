//! Limits that hold under attack: query depth, query cost, aliases, root fields, the size of a
//! query once its fragments are expanded, and how deeply its text nests. Each refusal is
//! `LIMIT_EXCEEDED` and names the limit and its value.
//!
//! The cost model: every field costs 1 plus what it selects; a paginated list costs its `first`
//! times what each item selects; a list without pagination counts as many items as its bound in
//! the schema (the regions there are, the cost categories) or as the database holds (per parent,
//! what the 100 parents with the most hold; see [`super::sizes`]), whichever is fewer. The cost and depth of each query are reported in the response's
//! `extensions.cost`, so a client can see how close to the budget it is.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, FragmentSpread, OperationType, Selection, SelectionSet};
use async_graphql::{Positioned, Response, ServerError, ServerResult, ValidationResult, Value, Variables};

use salkku_domain::message;
use salkku_domain::messages::Message;

pub use crate::config::Limits;
use crate::error::ApiError;

pub use super::sizes::{NESTED_LIST_ITEMS, bounded_list_cost};

impl Limits {
    /// Checks a query's text and parses it, once, for the whole request: its brackets' nesting
    /// first (the parser recurses on them), then, on the document, its shape — before any of
    /// async-graphql's own checks, some of which walk fragments without memoising, which a fan-out
    /// of spreads makes exponential. `None` when the text does not parse: the executor reports
    /// the syntax error as it would any other.
    pub fn admit_text(&self, query: &str) -> ServerResult<Option<ExecutableDocument>> {
        let nesting = text_nesting(query);
        if nesting > self.text_nesting() {
            let limit = self.text_nesting();
            return Err(exceeded(message!(
                fi: "kyselyn sisäkkäisyysraja ylittyi: sulkeet saavat olla {limit} tasoa syvällä (tässä {nesting})",
                sv: "gränsen för frågans nästling överskreds: parenteser får nästlas {limit} nivåer (den här nästlas {nesting})",
                en: "query nesting limit exceeded: brackets may nest {limit} deep (this query nests {nesting})",
            )));
        }
        let Ok(doc) = async_graphql::parser::parse_query(query) else { return Ok(None) };
        self.check_shape(&shape(&doc))?;
        Ok(Some(doc))
    }

    fn check_shape(&self, shape: &Shape) -> ServerResult<()> {
        if shape.aliases > self.aliases {
            let (limit, found) = (self.aliases, shape.aliases);
            return Err(exceeded(message!(
                fi: "aliasraja ylittyi: pyynnössä saa olla enintään {limit} aliasta (tässä on {found})",
                sv: "aliasgränsen överskreds: högst {limit} alias i en begäran (den här har {found})",
                en: "alias limit exceeded: at most {limit} aliases in a request (this one has {found})",
            )));
        }
        if shape.root_fields > self.root_fields {
            let (limit, found) = (self.root_fields, shape.root_fields);
            return Err(exceeded(message!(
                fi: "juurikenttien raja ylittyi: operaatiossa saa olla enintään {limit} juurikenttää (tässä on {found})",
                sv: "gränsen för rotfält överskreds: högst {limit} rotfält i en operation (den här har {found})",
                en: "root field limit exceeded: at most {limit} root fields in an operation (this one has {found})",
            )));
        }
        if shape.expanded_fields > self.expanded_fields() {
            let (limit, found) = (self.expanded_fields(), shape.expanded_fields);
            return Err(exceeded(message!(
                fi: "kyselyn kokoraja ylittyi: enintään {limit} kenttää fragmenttien avaamisen jälkeen (tässä on {found})",
                sv: "gränsen för frågans storlek överskreds: högst {limit} fält när fragmenten är utvecklade (den här har {found})",
                en: "query size limit exceeded: at most {limit} fields once fragments are expanded (this query has {found})",
            )));
        }
        Ok(())
    }
}

/// The cost of a paginated list: `first` items (20 when not given, at most `max`).
pub fn page_cost(first: Option<i32>, default: i32, max: i32, child: usize) -> usize {
    let items = usize::try_from(first.unwrap_or(default).clamp(0, max)).unwrap_or(0);
    items.saturating_mul(child).saturating_add(1)
}

/// The cost of a nested list without pagination.
pub fn list_cost(child: usize) -> usize {
    NESTED_LIST_ITEMS.saturating_mul(child).saturating_add(1)
}

fn exceeded(message: Message) -> ServerError {
    let error: async_graphql::Error = ApiError::limit(message).into();
    without_location(error)
}

/// An error about the whole request: it has no place in the document (lines and columns start at
/// 1, so none is better than 0:0).
pub(crate) fn without_location(error: async_graphql::Error) -> ServerError {
    let mut error = error.into_server_error(async_graphql::Pos::default());
    error.locations.clear();
    error
}

/// How deeply brackets nest in a query's text, outside strings and comments.
pub fn text_nesting(query: &str) -> usize {
    let text = query.as_bytes();
    let (mut depth, mut deepest, mut i) = (0_usize, 0_usize, 0_usize);
    while let Some(&c) = text.get(i) {
        i += 1;
        match c {
            b'#' => {
                while text.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            // A block string: it ends at the first `"""` not escaped as `\"""`, and may hold
            // quotes and brackets of its own.
            b'"' if text[i..].starts_with(b"\"\"") => {
                i += 2;
                while i < text.len() && !text[i..].starts_with(b"\"\"\"") {
                    i += if text[i..].starts_with(b"\\\"\"\"") { 4 } else { 1 };
                }
                i += 3;
            }
            b'"' => {
                while let Some(&c) = text.get(i) {
                    i += 1;
                    match c {
                        b'\\' => i += 1,
                        b'"' => break,
                        _ => {}
                    }
                }
            }
            b'{' | b'(' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b')' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// What a document holds: aliases, root fields per operation, and fields once expanded.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Shape {
    pub aliases: usize,
    pub root_fields: usize,
    pub expanded_fields: usize,
    /// How deeply fields nest, where an introspection `ofType` does not count: that chain
    /// wraps one type in another (`[Int!]!`) and cannot branch, and GraphiQL's own schema query
    /// follows it seven deep.
    pub depth: usize,
}

pub fn shape(doc: &ExecutableDocument) -> Shape {
    let mut aliases = 0;
    for fragment in doc.fragments.values() {
        aliases += count_aliases(&fragment.node.selection_set);
    }
    let mut root_fields = 0;
    let mut expanded = 0_usize;
    let (mut shallow, mut deep, mut nesting) = (Fragments::new(doc), Fragments::new(doc), Fragments::new(doc));
    let mut deepest = 0;
    for (_, operation) in doc.operations.iter() {
        aliases += count_aliases(&operation.node.selection_set);
        root_fields = root_fields.max(expand(&mut shallow, &operation.node.selection_set, true));
        expanded = expanded.saturating_add(expand(&mut deep, &operation.node.selection_set, false));
        deepest = deepest.max(depth(&mut nesting, &operation.node.selection_set));
    }
    Shape { aliases, root_fields, expanded_fields: expanded, depth: deepest }
}

/// One measure of named fragments, each measured once: a malicious fan-out of spreads costs its
/// real size without being walked exponentially. A cycle (the validator's to report) counts 0.
struct Fragments<'a> {
    doc: &'a ExecutableDocument,
    memo: HashMap<&'a str, usize>,
    visiting: Vec<&'a str>,
}

impl<'a> Fragments<'a> {
    fn new(doc: &'a ExecutableDocument) -> Self {
        Self { doc, memo: HashMap::new(), visiting: Vec::new() }
    }

    fn measure(
        &mut self,
        spread: &'a Positioned<FragmentSpread>,
        measure: impl FnOnce(&mut Self, &'a Positioned<SelectionSet>) -> usize,
    ) -> usize {
        let name = spread.node.fragment_name.node.as_str();
        if let Some(n) = self.memo.get(name) {
            return *n;
        }
        let doc = self.doc;
        match doc.fragments.get(&spread.node.fragment_name.node) {
            Some(fragment) if !self.visiting.contains(&name) => {
                self.visiting.push(name);
                let n = measure(self, &fragment.node.selection_set);
                self.visiting.pop();
                self.memo.insert(name, n);
                n
            }
            _ => 0,
        }
    }
}

/// The nesting of fields below a selection set (see [`Shape::depth`]).
fn depth<'a>(fragments: &mut Fragments<'a>, set: &'a Positioned<SelectionSet>) -> usize {
    let mut deepest = 0_usize;
    for selection in &set.node.items {
        let n = match &selection.node {
            Selection::Field(f) => {
                let below = depth(fragments, &f.node.selection_set);
                if f.node.name.node == "ofType" { below } else { below.saturating_add(1) }
            }
            Selection::InlineFragment(i) => depth(fragments, &i.node.selection_set),
            Selection::FragmentSpread(spread) => fragments.measure(spread, depth),
        };
        deepest = deepest.max(n);
    }
    deepest
}

fn count_aliases(set: &Positioned<SelectionSet>) -> usize {
    set.node
        .items
        .iter()
        .map(|s| match &s.node {
            Selection::Field(f) => usize::from(f.node.alias.is_some()) + count_aliases(&f.node.selection_set),
            Selection::InlineFragment(i) => count_aliases(&i.node.selection_set),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// Fields in a selection set with fragments expanded (only its own level when `shallow`; one
/// [`Fragments`] per mode).
fn expand<'a>(fragments: &mut Fragments<'a>, set: &'a Positioned<SelectionSet>, shallow: bool) -> usize {
    let mut total = 0_usize;
    for selection in &set.node.items {
        let n = match &selection.node {
            Selection::Field(_) if shallow => 1,
            Selection::Field(f) => 1_usize.saturating_add(expand(fragments, &f.node.selection_set, false)),
            Selection::InlineFragment(i) => expand(fragments, &i.node.selection_set, shallow),
            Selection::FragmentSpread(spread) => fragments.measure(spread, |w, set| expand(w, set, shallow)),
        };
        total = total.saturating_add(n);
    }
    total
}

/// The extension that enforces the limits on each request.
pub struct Guard {
    pub limits: Limits,
    pub sizes: Arc<super::sizes::KnownSizes>,
}

impl ExtensionFactory for Guard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(GuardExtension {
            limits: self.limits,
            sizes: self.sizes.now(),
            cost: Mutex::new(None),
            depth: Mutex::new(None),
        })
    }
}

struct GuardExtension {
    limits: Limits,
    /// The lists' stored sizes as the request found them.
    sizes: super::sizes::ListSizes,
    cost: Mutex<Option<(usize, usize)>>,
    /// The document's depth by [`Shape::depth`], from the parse.
    depth: Mutex<Option<usize>>,
}

impl GuardExtension {
    fn check_shape(&self, doc: &ExecutableDocument) -> ServerResult<()> {
        let shape = shape(doc);
        if let Ok(mut depth) = self.depth.lock() {
            *depth = Some(shape.depth);
        }
        self.limits.check_shape(&shape)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for GuardExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        // The text was checked and parsed by `Limits::admit_text` (see `admission`); a persisted
        // query arrives parsed (async-graphql's APQ). Either way the document's shape is checked
        // here, on the document itself, before validation.
        let doc = next.run(ctx, query, variables).await.map_err(|e| {
            // The parser's own guard against deep recursion (fragments within fragments) is a
            // limit too.
            if e.message.starts_with("The recursion depth of the query cannot be greater than") {
                let detail = e.message;
                exceeded(message!(
                    fi: "kyselyn sisäkkäisyysraja ylittyi: valinnat ja fragmentit saavat olla 32 tasoa syvällä ({detail})",
                    sv: "gränsen för frågans nästling överskreds: urval och fragment får nästlas 32 nivåer ({detail})",
                    en: "query nesting limit exceeded: selections and fragments may nest 32 deep ({detail})",
                ))
            } else {
                e
            }
        })?;
        self.check_shape(&doc)?;
        // GET may only read, whether the document came as text or by its hash.
        let read_only = ctx.data_opt::<super::RequestInfo>().is_some_and(|r| r.read_only);
        if read_only && doc.operations.iter().any(|(_, op)| op.node.ty == OperationType::Mutation) {
            return Err(without_location(ApiError::post_only().into()));
        }
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = super::sizes::measured_with(self.sizes, next.run(ctx)).await?;
        let depth = self.depth.lock().ok().and_then(|d| *d).unwrap_or(result.depth);
        if let Ok(mut cost) = self.cost.lock() {
            *cost = Some((result.complexity, depth));
        }
        if depth > self.limits.depth {
            let limit = self.limits.depth;
            return Err(vec![exceeded(message!(
                fi: "syvyysraja ylittyi: kyselyt saavat olla {limit} tasoa syviä (tämä on {depth})",
                sv: "djupgränsen överskreds: frågor får nästlas {limit} nivåer (den här nästlas {depth})",
                en: "depth limit exceeded: queries may nest {limit} levels (this one nests {depth})",
            ))]);
        }
        if result.complexity > self.limits.complexity {
            let (limit, cost) = (self.limits.complexity, result.complexity);
            return Err(vec![exceeded(message!(
                fi: "kustannusraja ylittyi: kysely saa maksaa {limit} (tämä maksaa {cost}); pyydä vähemmän rivejä first-argumentilla",
                sv: "komplexitetsgränsen överskreds: en fråga får kosta {limit} (den här kostar {cost}); be om färre poster med first",
                en: "complexity limit exceeded: a query may cost {limit} (this one costs {cost}); ask for fewer items with first",
            ))]);
        }
        Ok(result)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        let cost = self.cost.lock().ok().and_then(|c| *c);
        if let Some((complexity, depth)) = cost {
            let mut fields = async_graphql::indexmap::IndexMap::new();
            fields.insert(async_graphql::Name::new("complexity"), Value::from(complexity));
            fields.insert(async_graphql::Name::new("depth"), Value::from(depth));
            fields.insert(async_graphql::Name::new("complexityLimit"), Value::from(self.limits.complexity));
            response.extensions.insert("cost".to_owned(), Value::Object(fields));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_nesting_ignores_strings_and_comments() {
        assert_eq!(text_nesting("{ a { b } }"), 2);
        assert_eq!(text_nesting("{ a(s: \"{{{{\") # {{{{\n }"), 2);
        assert_eq!(text_nesting(&"{".repeat(10_000)), 10_000);
    }

    #[test]
    fn text_nesting_reads_block_strings_as_the_parser_does() {
        // A lone quote inside a block string does not hide the brackets after it.
        assert_eq!(text_nesting("{ a(s: \"\"\" \" \"\"\") { b { c } } }"), 3);
        assert_eq!(text_nesting("{ a(s: \"\"\" {{{ \\\"\"\" }}} \"\"\") }"), 2);
        assert_eq!(text_nesting("{ a(s: \"\"\"unterminated {{{{"), 2);
    }

    #[test]
    fn fragments_are_expanded_without_exponential_work() {
        // Each fragment spreads the previous one twice: 2^40 fields once expanded.
        let mut query = String::from("fragment F0 on Query { regions { code } }\n");
        for i in 1..=40 {
            query.push_str(&format!("fragment F{i} on Query {{ ...F{} ...F{} }}\n", i - 1, i - 1));
        }
        query.push_str("{ ...F40 }");
        let doc = async_graphql::parser::parse_query(&query).unwrap();
        let shape = shape(&doc);
        assert!(shape.expanded_fields > 1_000_000_000, "{shape:?}");
        assert!(shape.root_fields > 1_000_000_000, "{shape:?}");
    }

    #[test]
    fn aliases_and_root_fields_are_counted() {
        let doc = async_graphql::parser::parse_query("{ a: regions { c: code } b: regions { code } me { subject } }")
            .unwrap();
        assert_eq!(shape(&doc), Shape { aliases: 3, root_fields: 3, expanded_fields: 6, depth: 2 });
    }

    #[test]
    fn an_of_type_chain_adds_no_depth_but_fields_of_types_do() {
        let chain = "{ __type(name: \"X\") { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } }";
        assert_eq!(shape(&async_graphql::parser::parse_query(chain).unwrap()).depth, 4);
        let branching = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
        assert_eq!(shape(&async_graphql::parser::parse_query(branching).unwrap()).depth, 8);
    }

    #[test]
    fn depth_follows_fragments() {
        let doc = async_graphql::parser::parse_query(
            "query { me { ...A } } fragment A on Viewer { organization { ...B } } fragment B on Organization { name }",
        )
        .unwrap();
        assert_eq!(shape(&doc).depth, 3);
    }
}
