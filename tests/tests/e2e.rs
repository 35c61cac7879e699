//! End to end: the real function binaries behind `cargo lambda watch` (a real Lambda
//! Runtime API), talking through aws-sdk-config to the local Config endpoint. Every
//! assertion reads what the endpoint stored, through the SDK where the API allows.

use std::net::SocketAddr;

use aws_sdk_config::types::ComplianceType;
use ferrule_tests::{
    change_event, config_client, fixture, invoke, lambda_watch, payload, read_json, Service,
};
use rdk::local_config::{Faults, LocalConfig, Running};
use rules_lib::ConfigurationItem;
use serde_json::json;

struct Harness {
    endpoint: LocalConfig,
    running: Running,
    watch: Service,
}

async fn harness(items: Vec<ConfigurationItem>, extra_env: &[(&str, String)]) -> Harness {
    let endpoint = LocalConfig::new(items);
    let running = endpoint
        .serve(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("endpoint listens");
    let mut env = vec![("AWS_ENDPOINT_URL_CONFIG_SERVICE", running.url())];
    env.extend(extra_env.iter().cloned());
    let watch = lambda_watch(&env);
    Harness {
        endpoint,
        running,
        watch,
    }
}

fn item(rel: &str) -> ConfigurationItem {
    ConfigurationItem::from_value(&read_json(&fixture(rel))).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn change_events_of_three_rules_are_stored_with_capture_time_and_annotation() {
    let h = harness(Vec::new(), &[]).await;
    let cases = [
        ("encrypted-volumes", "encrypted-volumes/non-compliant-unencrypted-attached-event.json", json!({}), "NON_COMPLIANT", "vol-0a1b2c3d4e5f60003", "the attached volume is not encrypted"),
        ("lambda-function-settings-check", "lambda-function-settings-check/compliant-allowed-settings-event.json",
            read_json(&fixture("lambda-function-settings-check/compliant-allowed-settings.params.json")), "COMPLIANT", "orders-api", "runtime, role, timeout and memory size are as expected"),
        ("s3-bucket-public-read-prohibited", "s3-bucket-public-read-prohibited/non-compliant-policy-allows-public-getobject-event.json", json!({}), "NON_COMPLIANT", "acme-website",
            "bucket policy statement PublicRead allows s3:GetObject to everyone"),
    ];
    for (rule, file, params, compliance, id, annotation) in cases {
        let ci = read_json(&fixture(file));
        let token = format!("{rule}/change-1");
        let inv = invoke(
            &h.watch,
            rule,
            &payload(change_event(&ci), params, rule, &token),
        )
        .await;
        assert!(inv.ok, "{rule}: {inv:?}\n{}", h.watch.log_text());
        let response: serde_json::Value = serde_json::from_str(&inv.stdout)
            .unwrap_or_else(|e| panic!("{rule}: {e}: {}", inv.stdout));
        assert_eq!(response["putEvaluationsCalls"], 1);

        // Read back through the real SDK, as a user would.
        let client = config_client(&h.running.url()).await;
        let out = client
            .get_compliance_details_by_config_rule()
            .config_rule_name(rule)
            .send()
            .await
            .unwrap();
        let results = out.evaluation_results();
        assert_eq!(results.len(), 1, "{rule}");
        let r = &results[0];
        let q = r
            .evaluation_result_identifier()
            .unwrap()
            .evaluation_result_qualifier()
            .unwrap();
        assert_eq!(q.resource_id(), Some(id));
        assert_eq!(q.resource_type(), ci["resourceType"].as_str());
        assert_eq!(r.compliance_type().unwrap().as_str(), compliance);
        assert_eq!(r.annotation(), Some(annotation));
        let ts = r
            .evaluation_result_identifier()
            .unwrap()
            .ordering_timestamp()
            .unwrap();
        assert_eq!(
            ts.to_millis().unwrap(),
            rules_lib::Timestamp::parse(ci["configurationItemCaptureTime"].as_str().unwrap())
                .unwrap()
                .epoch_millis()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_event_fetches_the_item_from_config_history() {
    let vol = item("encrypted-volumes/compliant-encrypted-attached-api.json");
    let h = harness(vec![vol.clone()], &[]).await;
    let invoking = json!({
        "configurationItemSummary": {
            "changeType": "UPDATE", "configurationItemVersion": "1.3",
            "configurationItemCaptureTime": "2024-05-01T10:00:00.000Z", "configurationStateId": 0,
            "awsAccountId": "123456789012", "configurationItemStatus": "OK",
            "resourceType": "AWS::EC2::Volume", "resourceId": vol.resource_id, "resourceName": null,
            "ARN": vol.arn, "awsRegion": "us-east-1", "availabilityZone": "us-east-1c",
            "configurationStateMd5Hash": "8f1ee69b287895a0f8bc5753eca68e96"
        },
        "messageType": "OversizedConfigurationItemChangeNotification"
    });
    let inv = invoke(
        &h.watch,
        "encrypted-volumes",
        &payload(invoking, json!({}), "oversized-rule", "oversized-rule/1"),
    )
    .await;
    assert!(inv.ok, "{inv:?}\n{}", h.watch.log_text());
    let calls = h.endpoint.calls();
    assert!(
        calls
            .iter()
            .any(|c| c.action == "GetResourceConfigHistory" && c.status == 200),
        "{calls:?}"
    );
    let stored = h.endpoint.stored_for("oversized-rule");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].resource_id, vol.resource_id);
    assert_eq!(stored[0].compliance_type.as_str(), "COMPLIANT");
    assert_eq!(
        stored[0].ordering_timestamp.to_string(),
        "2024-05-01T10:00:00.000Z"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn periodic_and_snapshot_delivery_judge_every_resource_and_clear_vanished_ones() {
    let items = vec![
        item("encrypted-volumes/compliant-encrypted-attached-api.json"),
        item("encrypted-volumes/non-compliant-unencrypted-attached-event.json"),
        item("encrypted-volumes/not-applicable-unattached-api.json"),
    ];
    let h = harness(items, &[]).await;
    // An earlier result for a volume that no longer exists, stored through the SDK.
    let client = config_client(&h.running.url()).await;
    client
        .put_evaluations()
        .result_token("periodic-rule/earlier")
        .evaluations(
            aws_sdk_config::types::Evaluation::builder()
                .compliance_resource_type("AWS::EC2::Volume")
                .compliance_resource_id("vol-since-deleted")
                .compliance_type(ComplianceType::NonCompliant)
                .ordering_timestamp(aws_sdk_config::primitives::DateTime::from_secs(
                    1_700_000_000,
                ))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    for (n, invoking) in [
        json!({"awsAccountId": "123456789012", "notificationCreationTime": "2024-06-01T00:00:00.000Z", "messageType": "ScheduledNotification", "recordVersion": "1.0"}),
        json!({"configSnapshotId": "00000000-0000-0000-0000-000000000000", "s3ObjectKey": "AWSLogs/123456789012/Config/us-east-1/2024/6/2/ConfigSnapshot/x.json.gz",
               "s3Bucket": "config-bucket", "notificationCreationTime": "2024-06-02T00:00:00.000Z", "messageType": "ConfigurationSnapshotDeliveryCompleted", "recordVersion": "1.1"}),
    ]
    .into_iter()
    .enumerate()
    {
        let inv = invoke(&h.watch, "encrypted-volumes", &payload(invoking, json!({}), "periodic-rule", &format!("periodic-rule/run-{n}"))).await;
        assert!(inv.ok, "{inv:?}\n{}", h.watch.log_text());
        let mut got: Vec<(String, String, String)> = h
            .endpoint
            .stored_for("periodic-rule")
            .into_iter()
            .map(|e| (e.resource_id, e.compliance_type.as_str().to_string(), e.ordering_timestamp.to_string()))
            .collect();
        got.sort();
        let t = if n == 0 { "2024-06-01T00:00:00.000Z" } else { "2024-06-02T00:00:00.000Z" };
        assert_eq!(
            got,
            vec![
                ("vol-0a1b2c3d4e5f60001".into(), "COMPLIANT".into(), t.into()),
                ("vol-0a1b2c3d4e5f60003".into(), "NON_COMPLIANT".into(), t.into()),
                ("vol-0a1b2c3d4e5f60005".into(), "NOT_APPLICABLE".into(), t.into()),
                // cleared on the first run; the second run finds no earlier result to clear
                ("vol-since-deleted".into(), "NOT_APPLICABLE".into(), "2024-06-01T00:00:00.000Z".into()),
            ],
            "run {n}"
        );
    }
    let calls = h.endpoint.calls();
    for action in [
        "ListDiscoveredResources",
        "BatchGetResourceConfig",
        "GetComplianceDetailsByConfigRule",
    ] {
        assert!(
            calls.iter().any(|c| c.action == action),
            "{action} was not called: {calls:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleted_resource_is_not_applicable() {
    let h = harness(Vec::new(), &[]).await;
    let ci = read_json(&fixture(
        "encrypted-volumes/not-applicable-deleted-event.json",
    ));
    assert!(ci["configuration"].is_null());
    let inv = invoke(
        &h.watch,
        "encrypted-volumes",
        &payload(
            change_event(&ci),
            json!({}),
            "deleted-rule",
            "deleted-rule/1",
        ),
    )
    .await;
    assert!(inv.ok, "{inv:?}");
    let stored = h.endpoint.stored_for("deleted-rule");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].compliance_type.as_str(), "NOT_APPLICABLE");
    assert_eq!(
        stored[0].annotation.as_deref(),
        Some("configuration item status is ResourceDeleted")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_and_failed_evaluations_are_retried_until_delivered() {
    let h = harness(Vec::new(), &[]).await;
    let ci = read_json(&fixture(
        "encrypted-volumes/compliant-encrypted-attached-event.json",
    ));

    h.endpoint.set_faults(Faults {
        throttle_put: 3,
        server_error_put: 1,
        ..Default::default()
    });
    let inv = invoke(
        &h.watch,
        "encrypted-volumes",
        &payload(change_event(&ci), json!({}), "flaky-rule", "flaky-rule/1"),
    )
    .await;
    assert!(inv.ok, "{inv:?}\n{}", h.watch.log_text());
    let puts: Vec<_> = h
        .endpoint
        .calls()
        .into_iter()
        .filter(|c| c.action == "PutEvaluations")
        .collect();
    let errors: Vec<_> = puts
        .iter()
        .map(|c| c.error.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        errors,
        [
            "ThrottlingException",
            "ThrottlingException",
            "ThrottlingException",
            "InternalFailure",
            ""
        ]
    );
    assert_eq!(h.endpoint.stored_for("flaky-rule").len(), 1);

    h.endpoint.set_faults(Faults {
        fail_evaluations_put: 2,
        ..Default::default()
    });
    let inv = invoke(
        &h.watch,
        "encrypted-volumes",
        &payload(change_event(&ci), json!({}), "resend-rule", "resend-rule/1"),
    )
    .await;
    assert!(inv.ok, "{inv:?}");
    let response: serde_json::Value = serde_json::from_str(&inv.stdout).unwrap();
    assert_eq!(response["resent"], 2);
    assert_eq!(response["putEvaluationsCalls"], 3);
    assert_eq!(h.endpoint.stored_for("resend-rule").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permanent_failure_fails_the_invocation_and_claims_nothing() {
    let h = harness(Vec::new(), &[("FERRULE_MAX_ATTEMPTS", "3".into())]).await;
    let ci = read_json(&fixture(
        "encrypted-volumes/non-compliant-unencrypted-attached-event.json",
    ));
    h.endpoint.set_faults(Faults {
        server_error_put: 1000,
        ..Default::default()
    });
    let inv = invoke(
        &h.watch,
        "encrypted-volumes",
        &payload(change_event(&ci), json!({}), "down-rule", "down-rule/1"),
    )
    .await;
    assert!(!inv.ok, "the invocation must fail: {inv:?}");
    let text = format!("{}{}", inv.stdout, inv.stderr);
    assert!(text.contains("EvaluationDeliveryException"), "{text}");
    assert!(
        text.contains("vol-0a1b2c3d4e5f60003"),
        "the error names the undelivered evaluation: {text}"
    );
    assert!(h.endpoint.stored_for("down-rule").is_empty());
    assert_eq!(
        h.endpoint
            .calls()
            .iter()
            .filter(|c| c.action == "PutEvaluations")
            .count(),
        3
    );

    h.endpoint.set_faults(Faults {
        fail_evaluations_put: 1000,
        ..Default::default()
    });
    let inv = invoke(
        &h.watch,
        "encrypted-volumes",
        &payload(change_event(&ci), json!({}), "down-rule", "down-rule/2"),
    )
    .await;
    assert!(!inv.ok, "{inv:?}");
    assert!(h.endpoint.stored_for("down-rule").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_parameters_fail_with_invalid_parameter_value_and_send_nothing() {
    let h = harness(Vec::new(), &[]).await;
    let ci = read_json(&fixture(
        "lambda-function-settings-check/compliant-allowed-settings-event.json",
    ));
    let inv = invoke(
        &h.watch,
        "lambda-function-settings-check",
        &payload(
            change_event(&ci),
            json!({"runtime": "python3.12", "timeout": "soon"}),
            "bad-params",
            "bad-params/1",
        ),
    )
    .await;
    assert!(!inv.ok);
    let text = format!("{}{}", inv.stdout, inv.stderr);
    assert!(text.contains("InvalidParameterValueException"), "{text}");
    assert!(text.contains("timeout") && text.contains("soon"), "{text}");
    assert!(
        h.endpoint
            .calls()
            .iter()
            .all(|c| c.action != "PutEvaluations"),
        "{:?}",
        h.endpoint.calls()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_are_json_and_never_hold_the_configuration_item_at_info() {
    let h = harness(Vec::new(), &[("RUST_LOG", "info".into())]).await;
    let ci = read_json(&fixture(
        "s3-bucket-public-read-prohibited/non-compliant-acl-grants-allusers-read-event.json",
    ));
    let inv = invoke(
        &h.watch,
        "s3-bucket-public-read-prohibited",
        &payload(change_event(&ci), json!({}), "log-rule", "log-rule/1"),
    )
    .await;
    assert!(inv.ok, "{inv:?}");
    let log = h.watch.log_text();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ours: Vec<_> = lines
        .iter()
        .filter(|l| l["message"] == "NON_COMPLIANT" || l["message"] == "evaluations delivered")
        .collect();
    assert_eq!(ours.len(), 2, "{log}");
    assert_eq!(ours[0]["resource_id"], "acme-public-acl");
    // Every line of the invocation carries its request ID, and so does its metrics line.
    let request_id = ours[0]["span"]["request_id"].as_str().unwrap_or_default();
    assert!(!request_id.is_empty(), "no request ID on {}", ours[0]);
    assert_eq!(ours[1]["span"]["request_id"], request_id);
    let emf: Vec<_> = lines
        .iter()
        .filter(|l| l["_aws"].is_object() && l["RequestId"] == request_id)
        .collect();
    assert_eq!(emf.len(), 1, "one metrics line per invocation: {log}");
    let m = emf[0];
    assert_eq!(m["RuleName"], "s3-bucket-public-read-prohibited");
    assert_eq!(m["_aws"]["CloudWatchMetrics"][0]["Namespace"], "ferrule");
    assert_eq!(m["NonCompliant"], 1.0);
    assert_eq!(m["PutEvaluationsCalls"], 1.0);
    assert_eq!(m["FailedInvocations"], 0.0);
    assert_eq!(m["UndeliveredEvaluations"], 0.0);
    assert!(m["Duration"].as_f64().unwrap() > 0.0);
    assert!(
        !log.contains("8ac813c84b8ad4d9f3e35f80aaeb254f85922a902ce87ed6b49ccbfa188f5a12"),
        "the item's owner id leaked into the log"
    );
    assert!(!log.contains("ferrule-test-secret"));
}
