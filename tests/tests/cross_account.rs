//! Cross-account: the function assumes the execution role through STS (moto's server on
//! 127.0.0.1) and reports with the assumed credentials.

use std::net::SocketAddr;

use ferrule_tests::{change_event, fixture, invoke, lambda_watch, moto_server, payload, read_json};
use rdk::local_config::LocalConfig;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assume_role_modes_pick_the_credentials_put_evaluations_is_signed_with() {
    let moto = moto_server();
    let endpoint = LocalConfig::default();
    let running = endpoint
        .serve(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let watch = lambda_watch(&[
        ("AWS_ENDPOINT_URL_CONFIG_SERVICE", running.url()),
        (
            "AWS_ENDPOINT_URL_STS",
            format!("http://127.0.0.1:{}", moto.port),
        ),
    ]);
    let ci = read_json(&fixture(
        "encrypted-volumes/compliant-encrypted-attached-event.json",
    ));
    let signer = |token: &str| {
        endpoint
            .calls()
            .into_iter()
            .filter(|c| c.action == "PutEvaluations" && c.result_token.as_deref() == Some(token))
            .map(|c| c.access_key_id.unwrap_or_default())
            .collect::<Vec<_>>()
    };

    // Same account, no parameters: the function's own role.
    let inv = invoke(
        &watch,
        "encrypted-volumes",
        &payload(change_event(&ci), json!({}), "xacct", "xacct/own"),
    )
    .await;
    assert!(inv.ok, "{inv:?}\n{}", watch.log_text());
    assert_eq!(signer("xacct/own"), ["ferrule-test-key"]);

    // AssumeRoleMode=true: the executionRoleArn, through STS.
    let inv = invoke(
        &watch,
        "encrypted-volumes",
        &payload(
            change_event(&ci),
            json!({"AssumeRoleMode": "true"}),
            "xacct",
            "xacct/assume",
        ),
    )
    .await;
    assert!(inv.ok, "{inv:?}\n{}", watch.log_text());
    let keys = signer("xacct/assume");
    assert_eq!(keys.len(), 1);
    assert!(
        keys[0].starts_with("ASIA"),
        "not signed with assumed-role credentials: {keys:?}"
    );
    assert!(
        watch
            .log_text()
            .contains("arn:aws:iam::123456789012:role/config-role"),
        "the log names the assumed role"
    );

    // ExecutionRoleName: another role in the rule's account.
    let inv = invoke(
        &watch,
        "encrypted-volumes",
        &payload(
            change_event(&ci),
            json!({"ExecutionRoleName": "ferrule-audit"}),
            "xacct",
            "xacct/named",
        ),
    )
    .await;
    assert!(inv.ok, "{inv:?}");
    assert!(signer("xacct/named")[0].starts_with("ASIA"));
    assert!(watch
        .log_text()
        .contains("arn:aws:iam::123456789012:role/ferrule-audit"));

    // AssumeRoleMode=false wins over everything.
    let inv = invoke(
        &watch,
        "encrypted-volumes",
        &payload(
            change_event(&ci),
            json!({"AssumeRoleMode": "false", "ExecutionRoleName": "x"}),
            "xacct",
            "xacct/off",
        ),
    )
    .await;
    assert!(inv.ok, "{inv:?}");
    assert_eq!(signer("xacct/off"), ["ferrule-test-key"]);
    assert_eq!(endpoint.stored_for("xacct").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_sts_names_the_role_and_the_parameters_to_fix() {
    let endpoint = LocalConfig::default();
    let running = endpoint
        .serve(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let closed = ferrule_tests::free_port();
    let watch = lambda_watch(&[
        ("AWS_ENDPOINT_URL_CONFIG_SERVICE", running.url()),
        ("AWS_ENDPOINT_URL_STS", format!("http://127.0.0.1:{closed}")),
    ]);
    let ci = read_json(&fixture(
        "encrypted-volumes/compliant-encrypted-attached-event.json",
    ));
    let inv = invoke(
        &watch,
        "encrypted-volumes",
        &payload(
            change_event(&ci),
            json!({"ExecutionRoleName": "audit"}),
            "xacct2",
            "xacct2/1",
        ),
    )
    .await;
    assert!(!inv.ok);
    let text = format!("{}{}", inv.stdout, inv.stderr);
    for needle in [
        "arn:aws:iam::123456789012:role/audit",
        "trust policy",
        "ExecutionRoleName",
        "AssumeRoleMode",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in: {text}");
    }
    assert!(endpoint
        .calls()
        .iter()
        .all(|c| c.action != "PutEvaluations"));
}
