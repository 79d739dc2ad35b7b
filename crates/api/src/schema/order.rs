//! The response in the order asked. async-graphql 7 gathers an object's fields concurrently and
//! writes each as it completes, so `{ regions { code } me { role } }` could answer `me` first;
//! the specification's serialisation keeps the order of the request, and clients that diff or
//! snapshot responses depend on it. After execution each object is put back in the order of its
//! selection set (fragments expanded in place), at every level; an object already in order is left
//! as it is.

use std::cell::OnceCell;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{ExecutableDocument, SelectionSet};
use async_graphql::{Name, Value};

/// Puts `value`, the answer to `sets` (one or more selection sets merged), in their order.
pub fn reorder(value: &mut Value, sets: &[&SelectionSet], doc: &ExecutableDocument) {
    put_in_order(value, &Keys::of(sets, doc), doc);
}

/// The response keys of one or more merged selection sets, in order, each with the selection
/// sets under it and, once an answer has needed them, their own keys. Every object answering the
/// same selection (each item of a list, at every level) is put in order by the same keys: walking
/// the document's fragments again for every row was most of this module's work on a long list.
struct Keys<'a> {
    keys: Vec<Key<'a>>,
}

struct Key<'a> {
    name: &'a str,
    subsets: Vec<&'a SelectionSet>,
    under: OnceCell<Keys<'a>>,
}

impl<'a> Keys<'a> {
    fn of(sets: &[&'a SelectionSet], doc: &'a ExecutableDocument) -> Self {
        let mut keys: Vec<Key<'a>> = Vec::new();
        for set in sets {
            let mut fields = Vec::new();
            super::gate::fields_of(doc, set, &mut fields, &mut Vec::new());
            for field in fields {
                let name = field.node.response_key().node.as_str();
                let sub = &field.node.selection_set.node;
                match keys.iter_mut().find(|k| k.name == name) {
                    Some(key) => key.subsets.push(sub),
                    None => keys.push(Key { name, subsets: vec![sub], under: OnceCell::new() }),
                }
            }
        }
        Keys { keys }
    }
}

impl Keys<'_> {
    /// Whether `object`'s keys come in this order: each found after the one before it.
    fn in_order(&self, object: &IndexMap<Name, Value>) -> bool {
        let mut names = self.keys.iter().map(|k| k.name);
        object.keys().all(|key| names.any(|name| name == key.as_str()))
    }
}

fn put_in_order<'a>(value: &mut Value, keys: &Keys<'a>, doc: &'a ExecutableDocument) {
    match value {
        Value::List(items) => {
            for item in items {
                put_in_order(item, keys, doc);
            }
        }
        Value::Object(object) => {
            if !keys.in_order(object) {
                let mut sorted: IndexMap<Name, Value> = IndexMap::with_capacity(object.len());
                for key in &keys.keys {
                    if let Some((name, field)) = object.shift_remove_entry(key.name) {
                        sorted.insert(name, field);
                    }
                }
                // Anything the selection does not name (it cannot happen) keeps its place after.
                sorted.extend(std::mem::take(object));
                *object = sorted;
            }
            for key in &keys.keys {
                if key.subsets.iter().all(|s| s.items.is_empty()) {
                    continue;
                }
                if let Some(field) = object.get_mut(key.name) {
                    put_in_order(field, key.under.get_or_init(|| Keys::of(&key.subsets, doc)), doc);
                }
            }
        }
        _ => {}
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

    fn keys_of(value: &Value) -> Vec<&str> {
        let Value::Object(o) = value else { panic!("an object") };
        o.keys().map(Name::as_str).collect()
    }

    #[test]
    fn every_item_of_a_list_is_put_in_order_nested_objects_and_merged_fields_too() {
        let doc = parse_query("{ deadlines { id lead { name code } title lead { id } } }").unwrap();
        let item = |keys: &[&str], lead: &[&str]| {
            let mut o = object(keys);
            if let Value::Object(o) = &mut o {
                o.insert(Name::new("lead"), object(lead));
            }
            o
        };
        let items = vec![
            item(&["id", "lead", "title"], &["name", "code", "id"]),
            item(&["title", "lead", "id"], &["id", "code", "name"]),
            item(&["lead", "id", "title"], &["code", "name", "id"]),
        ];
        let mut answer = Value::Object([(Name::new("deadlines"), Value::List(items))].into_iter().collect());
        let op = super::super::gate::operation(&doc, None).unwrap();
        reorder(&mut answer, &[&op.node.selection_set.node], &doc);
        let Value::Object(o) = &answer else { panic!() };
        let Value::List(items) = &o["deadlines"] else { panic!() };
        for item in items {
            assert_eq!(keys_of(item), ["id", "lead", "title"]);
            let Value::Object(fields) = item else { panic!() };
            assert_eq!(keys_of(&fields["lead"]), ["name", "code", "id"]);
        }
    }

    #[test]
    fn an_object_missing_a_key_asked_is_in_order_when_the_rest_are() {
        let doc = parse_query("{ a b c }").unwrap();
        let op = super::super::gate::operation(&doc, None).unwrap();
        let keys = Keys::of(&[&op.node.selection_set.node], &doc);
        let Value::Object(in_order) = object(&["a", "c"]) else { panic!() };
        let Value::Object(out_of_order) = object(&["c", "a"]) else { panic!() };
        assert!(keys.in_order(&in_order));
        assert!(!keys.in_order(&out_of_order));
    }
}
