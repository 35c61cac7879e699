//! `rdk status` against the local Config endpoint, through the real SDK client: what the
//! endpoint holds (results stored by PutEvaluations, accepted and refused calls) is what
//! the command prints, every page of it.

use std::process::Command;

use aws_sdk_config::types::{ComplianceType, Evaluation};
use rdk::local_config::LocalConfig;
use serde_json::Value;

async fn client(url: &str) -> aws_sdk_config::Client {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(aws_sdk_config::config::Credentials::new(
            "k", "s", None, None, "tests",
        ))
        .load()
        .await;
    aws_sdk_config::Client::new(&sdk)
}

fn evaluation(id: &str, compliance: ComplianceType, annotation: Option<&str>) -> Evaluation {
    Evaluation::builder()
        .compliance_resource_type("AWS::EC2::Volume")
        .compliance_resource_id(id)
        .compliance_type(compliance)
        .set_annotation(annotation.map(str::to_string))
        .ordering_timestamp(aws_sdk_config::primitives::DateTime::from_secs(
            1_700_000_000,
        ))
        .build()
        .unwrap()
}

fn rdk(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rdk"))
        .args(args)
        .env("AWS_ENDPOINT_URL_CONFIG_SERVICE", url)
        .env("AWS_ACCESS_KEY_ID", "k")
        .env("AWS_SECRET_ACCESS_KEY", "s")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("rdk runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_prints_each_rules_compliance_runs_last_error_and_details_over_every_page() {
    let endpoint = LocalConfig::default();
    let running = endpoint
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let url = running.url();
    let c = client(&url).await;
    c.put_evaluations()
        .result_token("encrypted-volumes/1")
        .evaluations(evaluation(
            "vol-1",
            ComplianceType::NonCompliant,
            Some("not encrypted"),
        ))
        .evaluations(evaluation(
            "vol-2",
            ComplianceType::NonCompliant,
            Some("wrong key"),
        ))
        .evaluations(evaluation("vol-3", ComplianceType::Compliant, None))
        .send()
        .await
        .unwrap();
    c.put_evaluations()
        .result_token("restricted-ssh/1")
        .evaluations(evaluation("sg-1", ComplianceType::Compliant, None))
        .send()
        .await
        .unwrap();
    // A refused call: the rule's last error.
    let refused = c
        .put_evaluations()
        .result_token("restricted-ssh/2")
        .evaluations(evaluation("sg-1", ComplianceType::InsufficientData, None))
        .send()
        .await;
    assert!(refused.is_err());
    // More rules than one page of DescribeComplianceByConfigRule (25).
    for i in 0..30 {
        c.put_evaluations()
            .result_token(format!("rule-{i:02}/1"))
            .evaluations(evaluation("vol-9", ComplianceType::NotApplicable, None))
            .send()
            .await
            .unwrap();
    }

    let out = rdk(
        &url,
        &[
            "status",
            "--format",
            "json",
            "--details",
            "encrypted-volumes",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = v["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 32, "every page of rules: {v}");
    let rule = |name: &str| rules.iter().find(|r| r["name"] == name).unwrap();
    let ev = rule("encrypted-volumes");
    assert_eq!(ev["compliance"], "NON_COMPLIANT");
    assert_eq!(ev["nonCompliant"], 2);
    assert!(ev["lastSuccess"].is_string() && ev["lastFailure"].is_null());
    let ssh = rule("restricted-ssh");
    assert_eq!(ssh["compliance"], "COMPLIANT");
    assert!(ssh["lastFailure"].is_string());
    assert!(
        ssh["lastError"]
            .as_str()
            .unwrap()
            .contains("InvalidParameterValueException"),
        "{ssh}"
    );
    assert_eq!(rule("rule-29")["compliance"], "INSUFFICIENT_DATA");
    let details = &v["details"];
    assert_eq!(details[0], "encrypted-volumes");
    let ids: Vec<&str> = details[1]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resourceId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["vol-1", "vol-2"]);
    assert_eq!(details[1][0]["annotation"], "not encrypted");

    // Text, one rule.
    let out = rdk(&url, &["status", "--rules", "encrypted-volumes"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(
        text.contains("encrypted-volumes") && text.contains("NON_COMPLIANT"),
        "{text}"
    );
    assert!(!text.contains("restricted-ssh"), "{text}");

    // A rule that is not deployed: exit 2, naming it and the naming rule.
    let out = rdk(&url, &["status", "--rules", "no-such-rule"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no-such-rule") && err.contains("RuleNamePrefix"),
        "{err}"
    );

    // StartConfigRulesEvaluation is recorded (the endpoint invokes no function).
    c.start_config_rules_evaluation()
        .config_rule_names("encrypted-volumes")
        .config_rule_names("restricted-ssh")
        .send()
        .await
        .unwrap();
    assert_eq!(
        endpoint.evaluations_started(),
        [vec![
            "encrypted-volumes".to_string(),
            "restricted-ssh".to_string()
        ]]
    );
    running.task.abort();
}
