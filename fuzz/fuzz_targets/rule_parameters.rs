//! Rule parameters: bytes → a JSON object → `Params::parse` for every catalog rule (as
//! `ruleParameters` arrives). Bytes that are not a JSON object are used as the value of
//! each declared parameter of each rule in turn, so every value parser (ints, ports,
//! port ranges, booleans, lists, choices) sees arbitrary text.
//!
//! Property: never panics; a parse that succeeds has every required parameter and
//! every given non-empty declared parameter.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rules_lib::params::{parse_port_ranges, split_csv};
use rules_lib::{rules, Params, Rule};
use serde_json::{Map, Value};

fn parse(rule: &dyn Rule, raw: &Map<String, Value>) {
    let spec = rule.spec();
    match Params::parse(spec.name, spec.parameters, raw) {
        Ok((params, _runtime)) => {
            for p in spec.parameters {
                if p.required {
                    assert!(params.has(p), "{}: required {} missing", spec.name, p.name);
                }
                let given = match raw.get(p.name) {
                    Some(Value::String(s)) => !s.trim().is_empty(),
                    Some(Value::Number(_) | Value::Bool(_)) => true,
                    _ => false,
                };
                if given {
                    assert!(params.has(p), "{}: given {} dropped", spec.name, p.name);
                }
            }
            let _ = params.candidate_values();
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(Value::Object(raw)) = serde_json::from_slice::<Value>(data) {
        for &rule in rules::catalog() {
            parse(rule, &raw);
        }
        for v in raw.values() {
            if let Value::String(s) = v {
                let _ = split_csv(s);
                let _ = parse_port_ranges(s);
            }
        }
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = split_csv(text);
    if let Ok(ranges) = parse_port_ranges(text) {
        for (a, b) in ranges {
            assert!(a <= b, "a port range {a}-{b} runs backwards");
        }
    }
    for &rule in rules::catalog() {
        let spec = rule.spec();
        for p in spec.parameters {
            // The others at valid values, this one at the fuzzed text.
            let mut raw = Params::required_examples(spec.parameters);
            raw.insert(p.name.to_string(), Value::String(text.to_string()));
            parse(rule, &raw);
        }
    }
});
