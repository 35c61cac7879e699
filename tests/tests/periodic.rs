//! Periodic rules end to end: the real functions behind `cargo lambda watch`, reading
//! the Config API from the local endpoint and IAM from moto's server.

use std::net::SocketAddr;

use ferrule_tests::{change_event, fixture, invoke, lambda_watch, moto_server, payload, read_json};
use rdk::local_config::LocalConfig;
use rules_lib::ConfigurationItem;
use serde_json::json;

fn scheduled() -> serde_json::Value {
    json!({"awsAccountId": "123456789012", "notificationCreationTime": "2024-06-01T00:00:00.000Z", "messageType": "ScheduledNotification", "recordVersion": "1.0"})
}

fn item(v: serde_json::Value) -> ConfigurationItem {
    ConfigurationItem::from_value(&v).unwrap()
}

fn by_id(endpoint: &LocalConfig, rule: &str) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = endpoint
        .stored_for(rule)
        .into_iter()
        .map(|e| {
            (
                e.resource_type,
                e.resource_id,
                e.compliance_type.as_str().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vpc_flow_logs_enabled_judges_every_vpc_through_the_config_api() {
    let vpc = |id: &str| {
        item(
            json!({"resourceType": "AWS::EC2::VPC", "resourceId": id, "configurationItemStatus": "OK", "configuration": {"vpcId": id}}),
        )
    };
    let flow = |id: &str, vpc: &str, t: &str| {
        item(
            json!({"resourceType": "AWS::EC2::FlowLog", "resourceId": id, "configurationItemStatus": "OK",
                    "configuration": {"flowLogId": id, "resourceId": vpc, "trafficType": t, "flowLogStatus": "ACTIVE"}}),
        )
    };
    let endpoint = LocalConfig::new(vec![
        vpc("vpc-a"),
        vpc("vpc-b"),
        vpc("vpc-c"),
        flow("fl-1", "vpc-a", "ALL"),
        flow("fl-2", "vpc-b", "ACCEPT"),
    ]);
    let running = endpoint
        .serve(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let watch = lambda_watch(&[("AWS_ENDPOINT_URL_CONFIG_SERVICE", running.url())]);
    let inv = invoke(
        &watch,
        "vpc-flow-logs-enabled",
        &payload(
            scheduled(),
            json!({"trafficType": "reject"}),
            "flow-logs",
            "flow-logs/1",
        ),
    )
    .await;
    assert!(inv.ok, "{inv:?}\n{}", watch.log_text());
    assert_eq!(
        by_id(&endpoint, "flow-logs"),
        [
            (
                "AWS::EC2::VPC".to_string(),
                "vpc-a".to_string(),
                "COMPLIANT".to_string()
            ),
            (
                "AWS::EC2::VPC".into(),
                "vpc-b".into(),
                "NON_COMPLIANT".into()
            ),
            (
                "AWS::EC2::VPC".into(),
                "vpc-c".into(),
                "NON_COMPLIANT".into()
            ),
        ]
    );
    let stored = endpoint.stored_for("flow-logs");
    assert_eq!(
        stored[1].annotation.as_deref(),
        Some("the VPC's flow logs capture ACCEPT traffic, not REJECT")
    );

    let bad = invoke(
        &watch,
        "vpc-flow-logs-enabled",
        &payload(
            scheduled(),
            json!({"trafficType": "SOME"}),
            "flow-logs",
            "flow-logs/2",
        ),
    )
    .await;
    assert!(!bad.ok);
    assert!(format!("{}{}", bad.stdout, bad.stderr).contains("InvalidParameterValueException"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iam_account_rules_read_iam_from_moto() {
    let moto = moto_server();
    let moto_url = format!("http://127.0.0.1:{}", moto.port);
    let conf = aws_sdk_iam::Config::builder()
        .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
        .region(aws_sdk_iam::config::Region::new("us-east-1"))
        .endpoint_url(&moto_url)
        .credentials_provider(aws_sdk_iam::config::Credentials::new(
            "testing", "testing", None, None, "tests",
        ))
        .build();
    let iam = aws_sdk_iam::Client::from_conf(conf);
    let alice = iam
        .create_user()
        .user_name("alice")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    let bob = iam
        .create_user()
        .user_name("bob")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    let mfa = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("alice-phone")
        .send()
        .await
        .unwrap();
    let serial = mfa.virtual_mfa_device.unwrap().serial_number;
    iam.enable_mfa_device()
        .user_name("alice")
        .serial_number(serial)
        .authentication_code1("123456")
        .authentication_code2("654321")
        .send()
        .await
        .unwrap();
    iam.update_account_password_policy()
        .minimum_password_length(8)
        .require_symbols(true)
        .send()
        .await
        .unwrap();

    let endpoint = LocalConfig::default();
    let running = endpoint
        .serve(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let watch = lambda_watch(&[
        ("AWS_ENDPOINT_URL_CONFIG_SERVICE", running.url()),
        ("AWS_ENDPOINT_URL_IAM", moto_url.clone()),
    ]);

    let inv = invoke(
        &watch,
        "iam-user-mfa-enabled",
        &payload(scheduled(), json!({}), "mfa", "mfa/1"),
    )
    .await;
    assert!(inv.ok, "{inv:?}\n{}", watch.log_text());
    assert_eq!(
        by_id(&endpoint, "mfa"),
        [
            (
                "AWS::IAM::User".to_string(),
                alice.user_id.clone(),
                "COMPLIANT".to_string()
            ),
            (
                "AWS::IAM::User".into(),
                bob.user_id.clone(),
                "NON_COMPLIANT".into()
            ),
        ]
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
    );

    let inv = invoke(
        &watch,
        "iam-password-policy",
        &payload(
            scheduled(),
            json!({"MinimumPasswordLength": "14", "RequireSymbols": "true"}),
            "pwd",
            "pwd/1",
        ),
    )
    .await;
    assert!(inv.ok, "{inv:?}");
    let stored = endpoint.stored_for("pwd");
    assert_eq!(
        (
            stored[0].resource_type.as_str(),
            stored[0].resource_id.as_str()
        ),
        ("AWS::::Account", "123456789012")
    );
    assert_eq!(stored[0].compliance_type.as_str(), "NON_COMPLIANT");
    assert_eq!(
        stored[0].annotation.as_deref(),
        Some("MinimumPasswordLength is 8, below 14")
    );

    let inv = invoke(
        &watch,
        "iam-root-access-key-check",
        &payload(scheduled(), json!({}), "root", "root/1"),
    )
    .await;
    assert!(inv.ok, "{inv:?}");
    assert_eq!(
        by_id(&endpoint, "root"),
        [(
            "AWS::::Account".to_string(),
            "123456789012".to_string(),
            "COMPLIANT".to_string()
        )]
    );

    // A user deleted since the last run: its earlier result is cleared.
    iam.delete_user().user_name("bob").send().await.unwrap();
    let inv = invoke(
        &watch,
        "iam-user-mfa-enabled",
        &payload(scheduled(), json!({}), "mfa", "mfa/2"),
    )
    .await;
    assert!(inv.ok, "{inv:?}");
    let bob_now = endpoint
        .stored_for("mfa")
        .into_iter()
        .find(|e| e.resource_id == bob.user_id)
        .unwrap();
    assert_eq!(bob_now.compliance_type.as_str(), "NOT_APPLICABLE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_catalog_rule_beyond_the_first_three_runs_as_a_function() {
    let endpoint = LocalConfig::default();
    let running = endpoint
        .serve(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let watch = lambda_watch(&[("AWS_ENDPOINT_URL_CONFIG_SERVICE", running.url())]);
    for (rule, file, compliance) in [
        ("restricted-ssh", "restricted-ssh/non-compliant-ssh-open-old-format-event.json", "NON_COMPLIANT"),
        ("resource-policy-no-public-access", "resource-policy-no-public-access/non-compliant-queue-open-to-everyone-event.json", "NON_COMPLIANT"),
        ("lambda-function-no-plaintext-secrets", "lambda-function-no-plaintext-secrets/non-compliant-literal-password-and-token-event.json", "NON_COMPLIANT"),
    ] {
        let ci = read_json(&fixture(file));
        let inv = invoke(&watch, rule, &payload(change_event(&ci), json!({}), rule, &format!("{rule}/1"))).await;
        assert!(inv.ok, "{rule}: {inv:?}");
        let stored = endpoint.stored_for(rule);
        assert_eq!(stored.len(), 1, "{rule}");
        assert_eq!(stored[0].compliance_type.as_str(), compliance, "{rule}");
    }
    // The secret's value never reaches the log, even at debug level.
    assert!(!watch.log_text().contains("hunter2"));
}

/// The account rules that read IAM's credential report and account summary, as deployed
/// functions against moto's IAM: the report is generated, polled and parsed through the
/// real aws-sdk-iam client.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credential_report_and_account_summary_rules_read_iam_from_moto() {
    let moto = moto_server();
    let moto_url = format!("http://127.0.0.1:{}", moto.port);
    let conf = aws_sdk_iam::Config::builder()
        .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
        .region(aws_sdk_iam::config::Region::new("us-east-1"))
        .endpoint_url(&moto_url)
        .credentials_provider(aws_sdk_iam::config::Credentials::new(
            "testing", "testing", None, None, "tests",
        ))
        .build();
    let iam = aws_sdk_iam::Client::from_conf(conf);
    // dave signs in to the console without MFA and has a fresh access key; erin has
    // neither a password nor a key.
    let dave = iam
        .create_user()
        .user_name("dave")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    let erin = iam
        .create_user()
        .user_name("erin")
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    iam.create_login_profile()
        .user_name("dave")
        .password("correct-horse-battery-1!")
        .send()
        .await
        .unwrap();
    iam.create_access_key()
        .user_name("dave")
        .send()
        .await
        .unwrap();

    let endpoint = LocalConfig::default();
    let running = endpoint
        .serve(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let watch = lambda_watch(&[
        ("AWS_ENDPOINT_URL_CONFIG_SERVICE", running.url()),
        ("AWS_ENDPOINT_URL_IAM", moto_url.clone()),
    ]);
    let verdict_of = |rule: &str, id: &str| {
        endpoint
            .stored_for(rule)
            .into_iter()
            .find(|e| e.resource_id == id)
            .map(|e| e.compliance_type.as_str().to_string())
    };

    // Runs `function` once as a scheduled invocation; its results are stored under `rule`.
    let run = |function: &'static str, params: serde_json::Value, rule: &'static str| {
        let watch = &watch;
        async move {
            let inv = invoke(
                watch,
                function,
                &payload(scheduled(), params, rule, &format!("{rule}/1")),
            )
            .await;
            assert!(inv.ok, "{function}: {inv:?}\n{}", watch.log_text());
        }
    };

    run(
        "mfa-enabled-for-iam-console-access",
        json!({}),
        "console-mfa",
    )
    .await;
    assert_eq!(
        verdict_of("console-mfa", &dave.user_id).as_deref(),
        Some("NON_COMPLIANT")
    );
    assert_eq!(
        verdict_of("console-mfa", &erin.user_id).as_deref(),
        Some("NOT_APPLICABLE")
    );
    run(
        "access-keys-rotated",
        json!({"maxAccessKeyAge": "90"}),
        "keys",
    )
    .await;
    assert_eq!(
        verdict_of("keys", &dave.user_id).as_deref(),
        Some("COMPLIANT")
    );
    run(
        "iam-user-unused-credentials-check",
        json!({"maxCredentialUsageAge": "90"}),
        "unused",
    )
    .await;
    assert_eq!(
        verdict_of("unused", &dave.user_id).as_deref(),
        Some("COMPLIANT")
    );
    run("root-account-mfa-enabled", json!({}), "root-mfa").await;
    let stored = endpoint.stored_for("root-mfa");
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(
        (
            stored[0].resource_type.as_str(),
            stored[0].resource_id.as_str()
        ),
        ("AWS::::Account", "123456789012")
    );
}
