//! Every rule, fed mutated versions of the fixtures (fields removed, nulled, given the
//! wrong type, or turned into huge strings), returns a verdict or a clean error: never
//! a panic, never an annotation over the service's limit.

use std::path::PathBuf;

use ferrule_tests::fixture;
use proptest::prelude::*;
use rules_lib::engine::evaluate_item;
use rules_lib::evaluation::MAX_ANNOTATION_CHARS;
use rules_lib::{rules, ConfigurationItem, Params, Timestamp};
use serde_json::Value;

/// Every item fixture in the repository, as JSON (event and API shapes, every rule,
/// and the RDK's example items that parse).
fn corpus() -> Vec<Value> {
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in std::fs::read_dir(fixture("")).unwrap().flatten() {
        // The rules' fixtures by verdict and the RDK's example items: configuration
        // items only (not the template and plan fixtures of `rdk check`).
        let name = dir.file_name().to_string_lossy().into_owned();
        if dir.path().is_dir() && (rules::find(&name).is_some() || name == "example-ci") {
            files.extend(
                std::fs::read_dir(dir.path())
                    .unwrap()
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| {
                        p.extension().is_some_and(|e| e == "json")
                            && !p.to_string_lossy().ends_with(".params.json")
                    }),
            );
        }
    }
    files.sort();
    files
        .iter()
        .filter_map(|p| serde_json::from_str::<Value>(&std::fs::read_to_string(p).ok()?).ok())
        .flat_map(|v| match v {
            Value::Array(a) => a,
            // An invoking event wrapping its item (some of the RDK's examples).
            Value::Object(mut o) if o.contains_key("configurationItem") => {
                vec![o.remove("configurationItem").unwrap_or_default()]
            }
            other => vec![other],
        })
        .collect()
}

/// Every path to a value inside `v` (object keys and array indices).
fn paths(v: &Value, prefix: Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let mut p = prefix.clone();
                p.push(PathStep::Key(k.clone()));
                out.push(p.clone());
                paths(child, p, out);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                let mut p = prefix.clone();
                p.push(PathStep::Index(i));
                out.push(p.clone());
                paths(child, p, out);
            }
        }
        // JSON text inside strings (configuration, policies, ACLs) is mutated too.
        Value::String(s) if s.starts_with('{') => {
            if let Ok(inner) = serde_json::from_str::<Value>(s) {
                let mut p = prefix.clone();
                p.push(PathStep::Embedded);
                paths(&inner, p, out);
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum PathStep {
    Key(String),
    Index(usize),
    Embedded,
}

#[derive(Clone, Copy, Debug)]
enum Mutation {
    Remove,
    Null,
    Number,
    Text,
    List,
    Object,
    Huge,
    Bool,
}

fn mutate(v: &mut Value, path: &[PathStep], m: Mutation) {
    let (last, parents) = path.split_last().unwrap();
    let mut cur = v;
    for (n, step) in parents.iter().enumerate() {
        cur = match step {
            PathStep::Key(k) => match cur.get_mut(k) {
                Some(c) => c,
                None => return,
            },
            PathStep::Index(i) => match cur.get_mut(*i) {
                Some(c) => c,
                None => return,
            },
            PathStep::Embedded => {
                // Decode, mutate the rest of the path inside, encode again.
                let Some(text) = cur.as_str() else { return };
                let Ok(mut inner) = serde_json::from_str::<Value>(text) else {
                    return;
                };
                mutate(&mut inner, &path[n + 1..], m);
                *cur = Value::String(inner.to_string());
                return;
            }
        };
    }
    let replacement = match m {
        Mutation::Null => Value::Null,
        Mutation::Number => Value::from(-1),
        Mutation::Text => Value::from("not what you expected"),
        Mutation::List => Value::Array(vec![Value::from(1), Value::Null]),
        Mutation::Object => serde_json::json!({"unexpected": true}),
        Mutation::Huge => Value::from("x".repeat(100_000)),
        Mutation::Bool => Value::from(true),
        Mutation::Remove => {
            match (cur, last) {
                (Value::Object(o), PathStep::Key(k)) => {
                    o.remove(k);
                }
                (Value::Array(a), PathStep::Index(i)) if *i < a.len() => {
                    a.remove(*i);
                }
                _ => {}
            }
            return;
        }
    };
    match (cur, last) {
        (Value::Object(o), PathStep::Key(k)) => {
            o.insert(k.clone(), replacement);
        }
        (Value::Array(a), PathStep::Index(i)) if *i < a.len() => a[*i] = replacement,
        _ => {}
    }
}

fn check_all_rules(v: &Value) {
    // Reading may fail cleanly; it must not panic.
    let Ok(item) = ConfigurationItem::from_value(v) else {
        return;
    };
    for rule in rules::catalog() {
        // Every rule is also run on an item re-typed into its scope, so the mutation
        // reaches the rule and not only the applicability check.
        let mut in_scope = item.clone();
        in_scope.resource_type = rule.spec().resource_types[0].to_string();
        for it in [&item, &in_scope] {
            if let Ok(e) = evaluate_item(*rule, it, &Params::default(), Timestamp::now()) {
                assert!(e
                    .annotation
                    .as_ref()
                    .is_none_or(|a| a.chars().count() <= MAX_ANNOTATION_CHARS));
            }
        }
    }
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::Remove),
        Just(Mutation::Null),
        Just(Mutation::Number),
        Just(Mutation::Text),
        Just(Mutation::List),
        Just(Mutation::Object),
        Just(Mutation::Huge),
        Just(Mutation::Bool),
    ]
}

#[test]
fn unmutated_corpus_is_judged_by_every_rule() {
    let corpus = corpus();
    assert!(corpus.len() > 150, "corpus has {} items", corpus.len());
    let mut verdicts = 0;
    for v in &corpus {
        // Every unmutated fixture is a real item: it reads, and every rule whose scope
        // holds its type gives a verdict (no error, no silent skip).
        let item = ConfigurationItem::from_value(v)
            .unwrap_or_else(|e| panic!("unmutated fixture {} does not read: {e}", v["resourceId"]));
        for rule in rules::catalog() {
            let spec = rule.spec();
            if !spec.in_scope(&item.resource_type) || !item.is_evaluable() {
                continue;
            }
            let params = fixture_params(spec);
            match evaluate_item(*rule, &item, &params, Timestamp::now()) {
                Ok(_) => verdicts += 1,
                Err(e) => panic!(
                    "{} could not judge unmutated fixture {} {}: {e}",
                    spec.name, item.resource_type, item.resource_id
                ),
            }
        }
        check_all_rules(v);
    }
    assert!(
        verdicts > corpus.len(),
        "only {verdicts} verdicts over {} items",
        corpus.len()
    );
}

/// Parameters a rule can run with: its required ones from the first `.params.json`
/// fixture of the rule that has them, else none.
fn fixture_params(spec: &rules_lib::RuleSpec) -> Params {
    let dir = fixture(spec.name);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    for f in files {
        if f.to_string_lossy().ends_with(".params.json") {
            let raw: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
            if let Ok((p, _)) = Params::parse(spec.name, spec.parameters, raw.as_object().unwrap())
            {
                return p;
            }
        }
    }
    Params::parse(spec.name, spec.parameters, &serde_json::Map::new())
        .map(|(p, _)| p)
        .unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_items_get_a_verdict_or_a_clean_error(item_index in any::<prop::sample::Index>(), path_index in any::<prop::sample::Index>(), m in mutation(), m2 in mutation(), path_index2 in any::<prop::sample::Index>()) {
        let corpus = corpus_cached();
        let mut v = item_index.get(corpus).clone();
        for (pi, mm) in [(path_index, m), (path_index2, m2)] {
            let mut all = Vec::new();
            paths(&v, Vec::new(), &mut all);
            if all.is_empty() { break; }
            let path = pi.get(&all).clone();
            mutate(&mut v, &path, mm);
        }
        check_all_rules(&v);
    }
}

fn corpus_cached() -> &'static [Value] {
    static CORPUS: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(corpus)
}
