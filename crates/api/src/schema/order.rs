//! The response in the order asked. async-graphql 7 gathers an object's fields concurrently and
//! writes each as it completes, so `{ regions { code } me { role } }` could answer `me` first;
//! the specification's serialisation keeps the order of the request, and clients that diff or
//! snapshot responses depend on it. After execution each object is put back in the order of its
//! selection set (fragments expanded in place), at every level; an object already in order is left
//! as it is.

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{ExecutableDocument, SelectionSet};
use async_graphql::{Name, Value};

/// Puts `value`, the answer to `sets` (one or more selection sets merged), in their order.
pub fn reorder(value: &mut Value, sets: &[&SelectionSet], doc: &ExecutableDocument) {
    match value {
        Value::List(items) => {
            for item in items {
                reorder(item, sets, doc);
            }
        }
        Value::Object(object) => {
            let mut keys: Vec<(&str, Vec<&SelectionSet>)> = Vec::new();
            for set in sets {
                collect(set, doc, &mut keys);
            }
            let in_order =
                object.keys().map(Name::as_str).eq(keys.iter().map(|(k, _)| *k).filter(|k| object.contains_key(*k)));
            if !in_order {
                let mut sorted: IndexMap<Name, Value> = IndexMap::with_capacity(object.len());
                for (key, _) in &keys {
                    if let Some((name, field)) = object.shift_remove_entry(*key) {
                        sorted.insert(name, field);
                    }
                }
                // Anything the selection does not name (it cannot happen) keeps its place after.
                sorted.extend(std::mem::take(object));
                *object = sorted;
            }
            for (key, subsets) in &keys {
                if !subsets.is_empty()
                    && let Some(field) = object.get_mut(*key)
                {
                    reorder(field, subsets, doc);
                }
            }
        }
        _ => {}
    }
}

/// The response keys of `set` in order, each with the selection sets under it.
fn collect<'a>(set: &'a SelectionSet, doc: &'a ExecutableDocument, keys: &mut Vec<(&'a str, Vec<&'a SelectionSet>)>) {
    let mut fields = Vec::new();
    super::gate::fields_of(doc, set, &mut fields, &mut Vec::new());
    for field in fields {
        let key = field.node.response_key().node.as_str();
        let sub = &field.node.selection_set.node;
        match keys.iter_mut().find(|(k, _)| *k == key) {
            Some((_, subsets)) => subsets.push(sub),
            None => keys.push((key, vec![sub])),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn object(keys: &[&str]) -> Value {
        Value::Object(keys.iter().map(|k| (Name::new(*k), Value::Null)).collect())
    }

    #[test]
    fn fields_come_back_in_the_order_asked_at_every_level_fragments_included() {
        let doc = parse_query(
            "{ regions { code name } ...F me { role } } fragment F on Query { application(id: \"x\") { id name } }",
        )
        .unwrap();
        let mut answer = object(&["me", "application", "regions"]);
        if let Value::Object(o) = &mut answer {
            o.insert(Name::new("regions"), Value::List(vec![object(&["name", "code"]), object(&["name", "code"])]));
        }
        let op = super::super::gate::operation(&doc, None).unwrap();
        reorder(&mut answer, &[&op.node.selection_set.node], &doc);
        let Value::Object(o) = &answer else { panic!() };
        assert_eq!(o.keys().map(Name::as_str).collect::<Vec<_>>(), ["regions", "application", "me"]);
        let Value::List(regions) = &o["regions"] else { panic!() };
        let Value::Object(first) = &regions[0] else { panic!() };
        assert_eq!(first.keys().map(Name::as_str).collect::<Vec<_>>(), ["code", "name"]);
    }
}
