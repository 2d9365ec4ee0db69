//! Property test: arbitrary and mutated documents never make the generator panic, and whatever
//! it accepts comes out as Rust that `syn` parses.

use codegen::emit::Options;
use codegen::{Source, generate};
use proptest::prelude::*;
use serde_json::Value;

/// A small document, so that most mutations land on what the generator reads.
const SMALL: &str = r#"{"name":"demo","version":"v1","rootUrl":"https://demo.googleapis.com/","servicePath":"",
 "parameters":{"fields":{"type":"string","location":"query"}},
 "resources":{"operations":{"methods":{"get":{"id":"demo.operations.get","path":"v1/{+name}","httpMethod":"GET",
   "parameters":{"name":{"type":"string","location":"path","required":true,"pattern":"^operations/[^/]+$"},
                 "view":{"type":"string","location":"query","enum":["A","B"]}},
   "parameterOrder":["name"],"response":{"$ref":"Op"},"scopes":["https://www.googleapis.com/auth/x"]}}}},
 "schemas":{"Op":{"id":"Op","type":"object","properties":{"done":{"type":"boolean"},"error":{"$ref":"St"},
   "metadata":{"type":"object","additionalProperties":{"type":"any"}},"kind":{"type":"string","enum":["X"]}}},
  "St":{"id":"St","type":"object","properties":{"code":{"type":"integer","format":"int32"},"message":{"type":"string"},
   "next":{"$ref":"Op"}}}}}"#;

fn fixtures() -> Vec<Value> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/shapes");
    let mut docs: Vec<Value> = codegen::load::read_dir(&dir, "tests/shapes")
        .unwrap()
        .into_iter()
        .map(|s| serde_json::from_str(&s.text).unwrap())
        .collect();
    docs.push(serde_json::from_str(SMALL).unwrap());
    docs
}

/// One change somewhere in a document.
#[derive(Debug, Clone)]
enum Mutation {
    /// Remove the key at this position.
    Remove,
    /// Replace the value with another JSON value.
    Replace(Value),
    /// Rename the key.
    Rename(String),
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-zA-Z0-9_$@.{}+/^\\-\\[\\]()*?|\\\\ üß]{0,12}".prop_map(Value::String),
        Just(Value::String("object".into())),
        Just(Value::String("array".into())),
        Just(Value::String("{+name}".into())),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map("[a-z$@.]{1,6}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::Remove),
        value().prop_map(Mutation::Replace),
        "[a-zA-Z0-9_$@. -]{0,10}".prop_map(Mutation::Rename),
    ]
}

/// Applies `m` at the `index`-th object entry of `doc` (in document order, wrapping around).
fn apply(doc: &mut Value, index: usize, m: &Mutation) {
    fn count(v: &Value) -> usize {
        match v {
            Value::Object(map) => map.len() + map.values().map(count).sum::<usize>(),
            Value::Array(items) => items.iter().map(count).sum(),
            _ => 0,
        }
    }
    fn walk(v: &mut Value, target: &mut usize, m: &Mutation) -> bool {
        match v {
            Value::Object(map) => {
                let keys: Vec<String> = map.keys().cloned().collect();
                for key in keys {
                    if *target == 0 {
                        match m {
                            Mutation::Remove => {
                                map.remove(&key);
                            }
                            Mutation::Replace(new) => {
                                map.insert(key, new.clone());
                            }
                            Mutation::Rename(name) => {
                                if let Some(old) = map.remove(&key) {
                                    map.insert(name.clone(), old);
                                }
                            }
                        }
                        return true;
                    }
                    *target -= 1;
                    if walk(map.get_mut(&key).unwrap(), target, m) {
                        return true;
                    }
                }
                false
            }
            Value::Array(items) => items.iter_mut().any(|item| walk(item, target, m)),
            _ => false,
        }
    }
    let total = count(doc);
    if total > 0 {
        let mut target = index % total;
        walk(doc, &mut target, m);
    }
}

fn check(text: String) {
    let source = Source {
        file: "fuzz.json".into(),
        text,
    };
    if let Ok(out) = generate(&[source], &Options::default()) {
        for (path, text) in out.files.iter().filter(|(p, _)| p.ends_with(".rs")) {
            if let Err(e) = syn::parse_file(text) {
                panic!("{path} does not parse: {e}\n{text}");
            }
        }
        let manifest = &out.files[codegen::MANIFEST];
        if let Err(e) = manifest.parse::<toml::Table>() {
            panic!("the manifest does not parse as TOML: {e}\n{manifest}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_documents_never_panic(which in 0usize..3, edits in prop::collection::vec((any::<usize>(), mutation()), 1..6)) {
        let mut doc = fixtures()[which].clone();
        for (index, m) in &edits {
            apply(&mut doc, *index, m);
        }
        check(doc.to_string());
    }

    #[test]
    fn arbitrary_json_never_panics(doc in value()) {
        check(doc.to_string());
    }

    #[test]
    fn arbitrary_bytes_never_panic(text in "\\PC{0,64}") {
        check(text);
    }
}
