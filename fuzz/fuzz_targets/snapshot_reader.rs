//! The scan's streaming reader of snapshot files: bytes → `rdk::scan::source::stream`
//! (a Config snapshot document, a list of items, one item, or an invoking event
//! wrapping one), counting the items it hands over and the ones it skips.
//!
//! Property: never panics. For a JSON list the stream reads the whole list, hands over
//! one result per element, and reads each element as `ConfigurationItem::from_value`
//! does (same items, same skips).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rules_lib::ConfigurationItem;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let mut read = Vec::new();
    let mut skipped = 0usize;
    let result = rdk::scan::source::stream(data, "fuzz.json", &mut |r| match r {
        Ok(item) => read.push(item),
        Err(s) => {
            assert!(s.source.starts_with("fuzz.json: item #"), "{s:?}");
            skipped += 1;
        }
    });
    if let Err(e) = &result {
        assert!(!e.is_empty());
    }
    for item in &read {
        ferrule_fuzz::check_round_trip(item);
    }
    if let Ok(Value::Array(list)) = serde_json::from_slice::<Value>(data) {
        assert!(result.is_ok(), "a JSON list does not stream: {result:?}");
        assert_eq!(read.len() + skipped, list.len(), "one result per element");
        let expected: Vec<ConfigurationItem> = list
            .iter()
            .filter_map(|v| ConfigurationItem::from_value(v).ok())
            .collect();
        assert_eq!(
            read, expected,
            "the stream and from_value read the list differently"
        );
    }
});
