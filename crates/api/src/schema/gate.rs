//! Authentication in one place: every field of `Query` and `Mutation` needs a signed-in viewer.
//! Introspection (`__schema`, `__type`, `__typename`) stays open so tools can read the schema,
//! which is public anyway (`schema.graphql`). Checked on the admitted document's root fields
//! (fragments expanded) before anything runs.

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Field, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{PathSegment, Positioned, ServerError};

use crate::error::ApiError;

/// One sign-in error per root field that needs a viewer, when there is none.
pub fn refusal(doc: &ExecutableDocument, operation_name: Option<&str>, signed_in: bool) -> Vec<ServerError> {
    if signed_in {
        return Vec::new();
    }
    let mut fields = Vec::new();
    match operation(doc, operation_name) {
        Some(operation) => fields_of(doc, &operation.node.selection_set.node, &mut fields, &mut Vec::new()),
        // async-graphql chose the operation before this runs; should it ever not be found, the
        // whole document is refused rather than let through.
        None => {
            for (_, operation) in doc.operations.iter() {
                fields_of(doc, &operation.node.selection_set.node, &mut fields, &mut Vec::new());
            }
        }
    }
    fields
        .into_iter()
        .filter(|f| !f.node.name.node.starts_with("__"))
        .map(|f| {
            let error: async_graphql::Error = ApiError::sign_in().into();
            let mut error = error.into_server_error(f.node.name.pos);
            error.path = vec![PathSegment::Field(f.node.response_key().node.to_string())];
            error
        })
        .collect()
}

/// With introspection off, one error per root `__schema` or `__type` field: they would answer
/// null in a non-null field, silently.
pub fn introspection_refusal(doc: &ExecutableDocument, operation_name: Option<&str>) -> Vec<ServerError> {
    let mut fields = Vec::new();
    if let Some(operation) = operation(doc, operation_name) {
        fields_of(doc, &operation.node.selection_set.node, &mut fields, &mut Vec::new());
    }
    fields
        .into_iter()
        .filter(|f| matches!(f.node.name.node.as_str(), "__schema" | "__type"))
        .map(|f| {
            let error: async_graphql::Error = ApiError::forbidden(salkku_domain::message!(
                fi: "introspektio on tällä palvelimella pois päältä: skeema on julkaistu tiedostona schema.graphql",
                sv: "introspektion är avstängd på den här servern: schemat är publicerat som schema.graphql",
                en: "introspection is off on this server: the schema is published as schema.graphql",
            ))
            .into();
            let mut error = error.into_server_error(f.node.name.pos);
            error.path = vec![PathSegment::Field(f.node.response_key().node.to_string())];
            error
        })
        .collect()
}

/// The operation a request runs: the one named, or the only one.
pub fn operation<'a>(doc: &'a ExecutableDocument, name: Option<&str>) -> Option<&'a Positioned<OperationDefinition>> {
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op),
        (DocumentOperations::Multiple(ops), Some(name)) => {
            ops.iter().find(|(n, _)| n.as_str() == name).map(|(_, op)| op)
        }
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// The fields of `set` in document order, fragments expanded in place (each fragment once).
pub(crate) fn fields_of<'a>(
    doc: &'a ExecutableDocument,
    set: &'a SelectionSet,
    out: &mut Vec<&'a Positioned<Field>>,
    spread: &mut Vec<&'a str>,
) {
    let mut typed = Vec::new();
    typed_fields(doc, set, None, &mut typed, spread);
    out.extend(typed.into_iter().map(|(field, _)| field));
}

/// The fields of `set` in document order, fragments expanded in place (each once), each with the
/// type condition of the innermost fragment around it: under an interface, the type a field is
/// declared on.
pub(crate) fn typed_fields<'a>(
    doc: &'a ExecutableDocument,
    set: &'a SelectionSet,
    condition: Option<&'a str>,
    out: &mut Vec<(&'a Positioned<Field>, Option<&'a str>)>,
    spread: &mut Vec<&'a str>,
) {
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => out.push((f, condition)),
            Selection::InlineFragment(i) => {
                let inner = i.node.type_condition.as_ref().map(|c| c.node.on.node.as_str()).or(condition);
                typed_fields(doc, &i.node.selection_set.node, inner, out, spread);
            }
            Selection::FragmentSpread(s) => {
                let name = s.node.fragment_name.node.as_str();
                if spread.contains(&name) {
                    continue;
                }
                spread.push(name);
                if let Some(fragment) = doc.fragments.get(&s.node.fragment_name.node) {
                    let inner = fragment.node.type_condition.node.on.node.as_str();
                    typed_fields(doc, &fragment.node.selection_set.node, Some(inner), out, spread);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(query: &str, operation: Option<&str>) -> Vec<String> {
        let doc = async_graphql::parser::parse_query(query).unwrap();
        refusal(&doc, operation, false).into_iter().map(|e| format!("{:?}", e.path)).collect()
    }

    #[test]
    fn without_a_viewer_only_introspection_passes() {
        assert!(refused("{ __typename __schema { types { name } } }", None).is_empty());
        assert_eq!(refused("{ __typename regions { code } }", None), vec![r#"[Field("regions")]"#]);
    }

    #[test]
    fn fields_behind_fragments_and_aliases_need_a_viewer_too() {
        let query = "query A { ...F ... on Query { m: me { subject } } } fragment F on Query { regions { code } }";
        assert_eq!(refused(query, None), vec![r#"[Field("regions")]"#, r#"[Field("m")]"#]);
    }

    #[test]
    fn only_the_operation_that_runs_is_checked() {
        let query = "query Open { __typename } query Closed { regions { code } }";
        assert!(refused(query, Some("Open")).is_empty());
        assert_eq!(refused(query, Some("Closed")).len(), 1);
    }

    #[test]
    fn an_operation_not_found_is_refused_whole() {
        let query = "query A { __typename } query B { regions { code } }";
        assert_eq!(refused(query, Some("C")), vec![r#"[Field("regions")]"#]);
        assert_eq!(refused(query, None), vec![r#"[Field("regions")]"#]);
    }

    #[test]
    fn a_viewer_passes_everything() {
        let doc = async_graphql::parser::parse_query("{ regions { code } }").unwrap();
        assert!(refusal(&doc, None, true).is_empty());
    }
}
