//! Every bundled fixture read, and every rule fixture judged as its name says.

use std::path::Path;

use ferrule_tests::{fixture, read_json};
use rules_lib::engine::evaluate_item;
use rules_lib::{rules, ConfigurationItem, Event, Params, Timestamp};

fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_example_item_parses_or_is_rejected_with_file_and_position() {
    let mut parsed = 0;
    let mut rejected = Vec::new();
    for path in files(&fixture("example-ci")) {
        let text = std::fs::read_to_string(&path).unwrap();
        match ConfigurationItem::many_from_json_str(&text) {
            Ok(items) => {
                assert!(!items.is_empty(), "{}", path.display());
                for item in &items {
                    assert!(
                        !item.resource_type.is_empty() && !item.resource_id.is_empty(),
                        "{}",
                        path.display()
                    );
                    // Writing either shape and reading it back gives the same item.
                    assert_eq!(
                        &ConfigurationItem::from_value(&item.to_api_json()).unwrap(),
                        item,
                        "{}",
                        path.display()
                    );
                    assert_eq!(
                        &ConfigurationItem::from_value(&item.to_event_json()).unwrap(),
                        item,
                        "{}",
                        path.display()
                    );
                }
                parsed += 1;
            }
            Err(e) => {
                let msg = format!("{}: {e}", path.file_name().unwrap().to_string_lossy());
                assert!(
                    msg.contains("line ") && msg.contains("column "),
                    "no position in: {msg}"
                );
                rejected.push(path.file_name().unwrap().to_string_lossy().into_owned());
            }
        }
    }
    rejected.sort();
    assert_eq!(
        rejected,
        [
            "AWS_EC2_NetworkInterface.json",
            "AWS_SSM_ManagedInstanceInventory_Linux.json"
        ]
    );
    assert_eq!(parsed, 78);
}

#[test]
fn supplementary_json_text_is_decoded() {
    let item = ConfigurationItem::from_json_str(
        &std::fs::read_to_string(fixture("example-ci/AWS_S3_Bucket.json")).unwrap(),
    )
    .unwrap();
    let acl = item.supplementary("AccessControlList").unwrap();
    assert_eq!(acl["grantList"][0]["permission"], "FullControl");
    let policy = &item.supplementary("BucketPolicy").unwrap()["policyText"];
    assert!(policy.as_str().unwrap().contains("aws:SecureTransport"));
}

#[test]
fn every_config_example_event_parses() {
    for (name, kind) in [
        (
            "change-triggered.json",
            "ConfigurationItemChangeNotification",
        ),
        (
            "oversized.json",
            "OversizedConfigurationItemChangeNotification",
        ),
        ("periodic.json", "ScheduledNotification"),
        (
            "snapshot-delivery.json",
            "ConfigurationSnapshotDeliveryCompleted",
        ),
    ] {
        let e = Event::from_json_str(
            &std::fs::read_to_string(fixture(&format!("events/{name}"))).unwrap(),
        )
        .unwrap();
        assert_eq!(e.invoking_event.message_type(), kind);
        assert_eq!(e.result_token, "myResultToken");
    }
}

/// Each `tests/fixtures/<rule>/<verdict>-*-{event,api}.json` gets the verdict its name
/// starts with, and both shapes read as the same item.
#[test]
fn rule_fixtures_get_the_verdict_their_name_says() {
    let mut checked = 0;
    for rule in rules::catalog() {
        let name = rule.spec().name;
        if !matches!(rule.kind(), rules_lib::RuleKind::Item(_)) {
            // Set and account rules judge many items or the account, not one item: their
            // tests are unit tests with a fake API and end-to-end runs against moto and
            // the local Config endpoint (tests/tests/periodic.rs).
            continue;
        }
        let dir = fixture(name);
        let all = files(&dir);
        let items: Vec<_> = all
            .iter()
            .filter(|p| !p.to_string_lossy().ends_with(".params.json"))
            .collect();
        for prefix in ["compliant-", "non-compliant-"] {
            assert!(
                items
                    .iter()
                    .any(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix)),
                "{name} has no {prefix}* fixture"
            );
        }
        for path in items {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let expected = if file.starts_with("non-compliant-") {
                "NON_COMPLIANT"
            } else if file.starts_with("not-applicable-") {
                "NOT_APPLICABLE"
            } else if file.starts_with("compliant-") {
                "COMPLIANT"
            } else {
                panic!("{name}/{file}: fixture names start with compliant-, non-compliant- or not-applicable-");
            };
            let stem = file
                .trim_end_matches(".json")
                .trim_end_matches("-event")
                .trim_end_matches("-api");
            let params_file = dir.join(format!("{stem}.params.json"));
            let raw = if params_file.exists() {
                read_json(&params_file).as_object().unwrap().clone()
            } else {
                Default::default()
            };
            let (params, _) = Params::parse(name, rule.spec().parameters, &raw)
                .unwrap_or_else(|e| panic!("{name}/{file}: {e}"));
            let item =
                ConfigurationItem::from_json_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let e = evaluate_item(*rule, &item, &params, Timestamp::now()).unwrap();
            assert_eq!(
                e.compliance_type.as_str(),
                expected,
                "{name}/{file}: {:?}",
                e.annotation
            );
            assert!(
                e.annotation.is_some(),
                "{name}/{file}: every verdict says why"
            );
            if file.ends_with("-event.json") {
                let api = dir.join(file.replace("-event.json", "-api.json"));
                let other =
                    ConfigurationItem::from_json_str(&std::fs::read_to_string(&api).unwrap())
                        .unwrap();
                assert_eq!(
                    other, item,
                    "{name}/{file}: both shapes must read as the same item"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} fixtures");
}

#[test]
fn unknown_parameters_are_rejected_for_every_rule() {
    for rule in rules::catalog() {
        let raw = serde_json::json!({"definitelyNotAParameter": "1"});
        let err = Params::parse(
            rule.spec().name,
            rule.spec().parameters,
            raw.as_object().unwrap(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("definitelyNotAParameter"), "{err}");
    }
}
