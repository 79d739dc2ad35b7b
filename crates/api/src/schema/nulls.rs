//! The specification's rule for a field that fails: its key answers null, or, where the field is
//! non-null, the nearest nullable position above it does (up to `data` itself). async-graphql 7
//! leaves a failed field's key out of its object instead, so `portfolio { atRisk(first: 501) }`
//! answered `portfolio` without `atRisk`. After execution, each error's path is walked through
//! the answer with the field types of the schema, and the null put where the rule puts it.

use std::collections::HashMap;

use async_graphql::parser::types::{BaseType, ExecutableDocument, SelectionSet, Type, TypeKind, TypeSystemDefinition};
use async_graphql::{Name, PathSegment, Response, Value};

/// The declared type of every field of every object and interface type, from the schema's SDL.
#[derive(Debug, Default)]
pub struct FieldTypes {
    fields: HashMap<String, HashMap<String, Type>>,
}

impl FieldTypes {
    pub fn from_sdl(sdl: &str) -> FieldTypes {
        let mut fields: HashMap<String, HashMap<String, Type>> = HashMap::new();
        let Ok(document) = async_graphql::parser::parse_schema(sdl) else { return FieldTypes::default() };
        for definition in document.definitions {
            let TypeSystemDefinition::Type(ty) = definition else { continue };
            let declared = match &ty.node.kind {
                TypeKind::Object(object) => &object.fields,
                TypeKind::Interface(interface) => &interface.fields,
                _ => continue,
            };
            let of_type = fields.entry(ty.node.name.node.to_string()).or_default();
            for field in declared {
                of_type.insert(field.node.name.node.to_string(), field.node.ty.node.clone());
            }
        }
        FieldTypes { fields }
    }

    /// The type of `field` on `parent`; when the parent is not known exactly (a fragment on an
    /// interface's implementation), the field's type wherever it is declared, if it is the same.
    fn of(&self, parent: Option<&str>, field: &str) -> Option<Type> {
        if let Some(ty) = parent.and_then(|p| self.fields.get(p)).and_then(|f| f.get(field)) {
            return Some(ty.clone());
        }
        let mut found = self.fields.values().filter_map(|f| f.get(field));
        let first = found.next()?;
        found.all(|other| other == first).then(|| first.clone())
    }
}

/// One step from `data` to a value: an object's key or a list's index.
#[derive(Debug, Clone)]
enum Step {
    Key(Name),
    Index(usize),
}

/// A position on an error's path: how to reach it, and whether it may hold null.
#[derive(Debug)]
struct Position {
    steps: Vec<Step>,
    nullable: bool,
}

/// Puts the nulls the errors of `response` call for, for the operation whose selection is `root`
/// on the type `root_type` ("Query" or "Mutation").
///
/// async-graphql answers an object whose selected fields all failed as null, and `data` as null
/// when every root field failed: such a null is taken apart again to put the failed keys in it.
/// A mutation's root fields count as nullable here: async-graphql runs every one of them, and a
/// change already made must not disappear from the answer because a later one failed.
pub fn propagate(
    response: &mut Response,
    types: &FieldTypes,
    root_type: &str,
    root: &SelectionSet,
    doc: &ExecutableDocument,
) {
    let paths: Vec<Vec<PathSegment>> =
        response.errors.iter().map(|e| e.path.clone()).filter(|p| !p.is_empty()).collect();
    if paths.is_empty() {
        return;
    }
    if matches!(response.data, Value::Null) {
        response.data = Value::Object(Default::default());
    }
    let mutation = root_type == "Mutation";
    let mut nulled: Vec<Vec<Step>> = Vec::new();
    for path in &paths {
        let Some(mut positions) = positions(path, types, root_type, root, doc) else { continue };
        if let Some(first) = positions.first_mut() {
            first.nullable |= mutation;
        }
        let steps = positions.last().map(|p| p.steps.clone()).unwrap_or_default();
        if nulled.iter().any(|done| steps.len() >= done.len() && same(&steps[..done.len()], done)) {
            continue;
        }
        // The failed field answered after all (a value, or null where it may): nothing to do.
        match value_at(&response.data, &steps) {
            Some(Value::Null) if positions.last().is_some_and(|p| p.nullable) => continue,
            Some(Value::Null) | None => {}
            Some(_) => continue,
        }
        match positions.iter().rposition(|p| p.nullable) {
            Some(at) => {
                put_null(&mut response.data, &positions[at].steps);
                nulled.push(positions[at].steps.clone());
            }
            None => {
                response.data = Value::Null;
                return;
            }
        }
    }
}

fn same(a: &[Step], b: &[Step]) -> bool {
    a.iter().zip(b).all(|(x, y)| match (x, y) {
        (Step::Key(x), Step::Key(y)) => x == y,
        (Step::Index(x), Step::Index(y)) => x == y,
        _ => false,
    })
}

/// The value at `steps`, if the answer reaches it.
fn value_at<'a>(data: &'a Value, steps: &[Step]) -> Option<&'a Value> {
    let mut value = data;
    for step in steps {
        value = match (step, value) {
            (Step::Key(k), Value::Object(o)) => o.get(k)?,
            (Step::Index(i), Value::List(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(value)
}

/// The positions along `path` with whether each may hold null, from the selection and the field
/// types alone; `None` when the path does not fit the selection.
fn positions(
    path: &[PathSegment],
    types: &FieldTypes,
    root_type: &str,
    root: &SelectionSet,
    doc: &ExecutableDocument,
) -> Option<Vec<Position>> {
    let mut out: Vec<Position> = Vec::new();
    let mut steps: Vec<Step> = Vec::new();
    let mut parent: Option<String> = Some(root_type.to_owned());
    let mut sets: Vec<&SelectionSet> = vec![root];
    // The type still to unwrap at a list's items.
    let mut pending: Option<Type> = None;
    for segment in path {
        match segment {
            PathSegment::Field(key) => {
                let (field_name, condition, subsets) = field_at(&sets, doc, key)?;
                let ty = types.of(condition.as_deref().or(parent.as_deref()), &field_name);
                steps.push(Step::Key(Name::new(key)));
                out.push(Position { steps: steps.clone(), nullable: ty.as_ref().is_none_or(|t| t.nullable) });
                sets = subsets;
                parent = ty.as_ref().map(named);
                pending = ty;
            }
            PathSegment::Index(i) => {
                let item_type = match pending.as_ref().map(|t| &t.base) {
                    Some(BaseType::List(inner)) => Some((**inner).clone()),
                    _ => None,
                };
                steps.push(Step::Index(*i));
                out.push(Position { steps: steps.clone(), nullable: item_type.as_ref().is_none_or(|t| t.nullable) });
                pending = item_type;
            }
        }
    }
    Some(out)
}

/// The name of the type a field's type wraps.
fn named(ty: &Type) -> String {
    match &ty.base {
        BaseType::Named(name) => name.to_string(),
        BaseType::List(inner) => named(inner),
    }
}

/// The field behind response key `key` in `sets`: its name, the type condition of the innermost
/// fragment it stands in (if any), and the selection sets under it.
fn field_at<'a>(
    sets: &[&'a SelectionSet],
    doc: &'a ExecutableDocument,
    key: &str,
) -> Option<(String, Option<String>, Vec<&'a SelectionSet>)> {
    let mut found: Option<(String, Option<String>)> = None;
    let mut subsets = Vec::new();
    for set in sets {
        let mut fields = Vec::new();
        super::gate::typed_fields(doc, set, None, &mut fields, &mut Vec::new());
        for (field, condition) in fields.into_iter().filter(|(f, _)| f.node.response_key().node.as_str() == key) {
            found.get_or_insert_with(|| (field.node.name.node.to_string(), condition.map(str::to_owned)));
            subsets.push(&field.node.selection_set.node);
        }
    }
    found.map(|(name, condition)| (name, condition, subsets))
}

/// Writes null at `steps`. An object on the way that async-graphql answered as null because all
/// its fields failed is made an object again, to hold the failed key.
fn put_null(data: &mut Value, steps: &[Step]) {
    let Some((last, above)) = steps.split_last() else { return };
    let mut container = data;
    for (n, step) in above.iter().enumerate() {
        let next_is_key = matches!(steps.get(n + 1), Some(Step::Key(_)));
        let next = match (step, container) {
            (Step::Key(k), Value::Object(o)) => o.get_mut(k),
            (Step::Index(i), Value::List(items)) => items.get_mut(*i),
            _ => None,
        };
        let Some(next) = next else { return };
        if matches!(next, Value::Null) && next_is_key {
            *next = Value::Object(Default::default());
        }
        container = next;
    }
    match (last, container) {
        (Step::Key(k), Value::Object(o)) => {
            // Inserted where it was asked; `order` puts it in its place afterwards.
            o.insert(k.clone(), Value::Null);
        }
        (Step::Index(i), Value::List(items)) => {
            if let Some(item) = items.get_mut(*i) {
                *item = Value::Null;
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::ServerError;
    use async_graphql::parser::parse_query;

    const SDL: &str = "type Mutation { portfolio: Portfolio! }
        interface Node { key: String! }
        type Other implements Node { key: String! top: Application }
        type Query { portfolio: Portfolio! regions: [Region!]! me: Viewer node: Node }
        type Portfolio { applicationCount: Int! atRisk: [Application!]! byStatus: [Bucket!] }
        type Bucket implements Node { key: String! top: Application! }
        type Application { name: String! }
        type Region { code: String! }
        type Viewer { role: String }";

    fn failing(query: &str, data: serde_json::Value, path: &[&str]) -> serde_json::Value {
        failing_on("Query", query, data, path)
    }

    fn failing_on(root: &str, query: &str, data: serde_json::Value, path: &[&str]) -> serde_json::Value {
        let doc = parse_query(query).unwrap();
        let op = super::super::gate::operation(&doc, None).unwrap();
        let mut response = Response::new(Value::from_json(data).unwrap());
        let mut error = ServerError::new("failed", None);
        error.path = path
            .iter()
            .map(|p| p.parse::<usize>().map_or_else(|_| PathSegment::Field((*p).to_owned()), PathSegment::Index))
            .collect();
        response.errors.push(error);
        propagate(&mut response, &FieldTypes::from_sdl(SDL), root, &op.node.selection_set.node, &doc);
        response.data.into_json().unwrap()
    }

    #[test]
    fn a_failed_non_null_field_nulls_its_nearest_nullable_ancestor() {
        use serde_json::json;
        // portfolio is non-null too: the whole answer is null.
        let data = failing(
            "{ portfolio { applicationCount atRisk { name } } }",
            json!({ "portfolio": { "applicationCount": 14 } }),
            &["portfolio", "atRisk"],
        );
        assert_eq!(data, json!(null));
        // A nullable field that failed answers null under its own key.
        let data = failing("{ regions { code } me { role } }", json!({ "regions": [] }), &["me"]);
        assert_eq!(data, json!({ "regions": [], "me": null }));
        // byStatus may be null: it is where the failure of a non-null field under it stops.
        let data = failing(
            "{ portfolio { applicationCount s: byStatus { key top { name } } } }",
            json!({ "portfolio": { "applicationCount": 1, "s": [{ "key": "IDEA" }] } }),
            &["portfolio", "s", "0", "top"],
        );
        assert_eq!(data, json!({ "portfolio": { "applicationCount": 1, "s": null } }));
        // async-graphql answers an object whose fields all failed as null: the rule still holds.
        let data = failing("{ portfolio { atRisk { name } } }", json!({ "portfolio": null }), &["portfolio", "atRisk"]);
        assert_eq!(data, json!(null));
        let data = failing("{ me { role } }", json!(null), &["me"]);
        assert_eq!(data, json!({ "me": null }));
        let data = failing("{ me { role } }", json!({ "me": null }), &["me", "role"]);
        assert_eq!(data, json!({ "me": { "role": null } }));
        // Under an interface, a fragment's type condition says which declaration a field has.
        let data = failing(
            "{ node { ... on Bucket { top { name } } } regions { code } }",
            json!({ "node": { }, "regions": [] }),
            &["node", "top"],
        );
        assert_eq!(data, json!({ "node": null, "regions": [] }));
    }

    #[test]
    fn a_failed_mutation_field_leaves_the_changes_made_before_it_in_the_answer() {
        use serde_json::json;
        let data = failing_on(
            "Mutation",
            "mutation { a: portfolio { applicationCount } b: portfolio { applicationCount } }",
            json!({ "a": { "applicationCount": 1 } }),
            &["b"],
        );
        assert_eq!(data, json!({ "a": { "applicationCount": 1 }, "b": null }));
    }
}
