//! One configuration item from bytes: `ConfigurationItem::from_json_str` (either shape)
//! and `many_from_json_str` (an item, a list, a snapshot, a wrapping event), then every
//! read item judged by every catalog rule (required parameters filled with valid
//! values) and each evaluation serialized as PutEvaluations takes it.
//!
//! Property: never panics; the two readers agree on a single item; evaluations pass
//! `ferrule_fuzz::check_evaluation`; items read back from both JSON shapes.
#![no_main]

use ferrule_fuzz::{check_round_trip, evaluate_with_every_rule};
use libfuzzer_sys::fuzz_target;
use rules_lib::ConfigurationItem;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let one = ConfigurationItem::from_json_str(text);
    match &one {
        Ok(item) => {
            check_round_trip(item);
            evaluate_with_every_rule(item);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
    let many = match ConfigurationItem::many_from_json_str(text) {
        Ok(items) => items,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let v: Value = serde_json::from_str(text).expect("many_from_json_str parsed it");
    let wrapped = v.is_array()
        || v.get("configurationItems").is_some_and(Value::is_array)
        || v.get("configurationItem").is_some_and(Value::is_object);
    if !wrapped {
        // A bare item is a list of one, read the same way.
        let item = one
            .as_ref()
            .expect("many_from_json_str read a bare item that from_json_str refused");
        assert_eq!(many.len(), 1);
        assert_eq!(&many[0], item);
        return;
    }
    for item in &many {
        check_round_trip(item);
        evaluate_with_every_rule(item);
    }
});
