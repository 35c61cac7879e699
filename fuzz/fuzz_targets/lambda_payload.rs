//! The Lambda payload AWS Config sends: bytes → `Event::from_json_str`, then for every
//! catalog rule the engine's parameter parse and, for change and oversized
//! notifications, the whole engine path (`engine::evaluate_event`) against a Config API
//! with nothing recorded.
//!
//! Property: never panics. For a change notification the engine answers exactly one
//! evaluation of the event's own item (or an error), and the item reads back from both
//! JSON shapes as the same resource.
#![no_main]

use ferrule_fuzz::{check_round_trip, check_serializes, run_ready, EmptyConfigApi};
use libfuzzer_sys::fuzz_target;
use rules_lib::{engine, rules, Event, InvokingEvent};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let event = match Event::from_json_str(text) {
        Ok(e) => e,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let _ = event.invoking_event.message_type();
    let _ = event.invoking_event.notification_creation_time();
    if let InvokingEvent::Change { item, .. } = &event.invoking_event {
        check_round_trip(item);
    }
    for &rule in rules::catalog() {
        match engine::parse_parameters(rule, &event) {
            Ok(_) => {}
            Err(e) => {
                let _ = e.to_string();
            }
        }
        if event.invoking_event.is_periodic() {
            // Periodic runs of rules that call IAM would need live clients.
            continue;
        }
        match run_ready(engine::evaluate_event(rule, &event, &EmptyConfigApi, None)) {
            Ok(evaluations) => {
                assert_eq!(evaluations.len(), 1, "{}", rule.spec().name);
                let e = &evaluations[0];
                if let InvokingEvent::Change { item, .. } = &event.invoking_event {
                    assert_eq!(e.compliance_resource_type, item.resource_type);
                    assert_eq!(e.compliance_resource_id, item.resource_id);
                    assert!(e.invalid_reason().is_none(), "{:?}", e.invalid_reason());
                }
                check_serializes(e);
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
});
