//! The `rdk` binary's contract: output, exit codes, one-line errors with empty stdout.

use std::path::PathBuf;
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn rdk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rdk"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("rdk runs")
}

fn assert_input_error(out: &Output, needle: &str) {
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        out.stdout.is_empty(),
        "stdout must be empty on error: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "one stderr line: {err}");
    assert!(err.contains(needle), "{needle:?} not in {err}");
}

#[test]
fn evaluate_bundled_volume_prints_one_compliant_evaluation() {
    let out = rdk(&[
        "evaluate",
        "--rule",
        "encrypted-volumes",
        "--item",
        "tests/fixtures/example-ci/AWS_EC2_Volume.json",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["ComplianceType"], "COMPLIANT");
    assert_eq!(v[0]["ComplianceResourceType"], "AWS::EC2::Volume");
    assert_eq!(v[0]["ComplianceResourceId"], "vol-a416b170");
    assert_eq!(v[0]["OrderingTimestamp"], "2016-10-28T00:41:34.826Z");
}

#[test]
fn evaluate_reads_both_shapes_and_takes_parameters() {
    for shape in ["event", "api"] {
        let file =
            format!("tests/fixtures/encrypted-volumes/compliant-encrypted-attached-{shape}.json");
        let out = rdk(&[
            "evaluate",
            "--rule",
            "encrypted-volumes",
            "--item",
            &file,
            "--parameters",
            r#"{"kmsId": "ffffffff-0000-0000-0000-000000000000"}"#,
            "--format",
            "json",
        ]);
        assert!(out.status.success(), "{out:?}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v[0]["ComplianceType"], "NON_COMPLIANT", "{shape}");
        assert!(v[0]["Annotation"]
            .as_str()
            .unwrap()
            .contains("ffffffff-0000-0000-0000-000000000000"));
    }
}

#[test]
fn evaluate_event_payload_and_text_format() {
    let out = rdk(&[
        "evaluate",
        "--rule",
        "encrypted-volumes",
        "--event",
        "tests/fixtures/events/change-triggered.json",
        "--parameters",
        "{}",
    ]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("NOT_APPLICABLE"),
        "an EC2 instance is out of scope: {text}"
    );
    assert!(text.contains("AWS::EC2::Instance i-00000000"));
}

#[test]
fn errors_exit_2_with_one_line_and_nothing_on_stdout() {
    assert_input_error(
        &rdk(&["evaluate", "--rule", "encrypted-volume", "--item", "x.json"]),
        "unknown rule `encrypted-volume`: did you mean encrypted-volumes?",
    );
    assert_input_error(
        &rdk(&[
            "evaluate",
            "--rule",
            "encrypted-volumes",
            "--item",
            "tests/fixtures/example-ci/AWS_EC2_NetworkInterface.json",
        ]),
        "AWS_EC2_NetworkInterface.json: invalid JSON at line 88 column 0",
    );
    assert_input_error(
        &rdk(&[
            "evaluate",
            "--rule",
            "encrypted-volumes",
            "--item",
            "no/such/file.json",
        ]),
        "no/such/file.json: cannot read",
    );
    assert_input_error(
        &rdk(&[
            "evaluate",
            "--rule",
            "lambda-function-settings-check",
            "--item",
            "tests/fixtures/example-ci/AWS_LAMBDA_FUNCTION.json",
        ]),
        "rule parameter `runtime` is required",
    );
    assert_input_error(
        &rdk(&[
            "evaluate",
            "--rule",
            "lambda-function-settings-check",
            "--item",
            "tests/fixtures/example-ci/AWS_LAMBDA_FUNCTION.json",
            "--parameters",
            r#"{"runtime": "python3.12", "timeout": "3s"}"#,
        ]),
        "rule parameter `timeout` has value `3s`, expected a whole number",
    );
    assert_input_error(
        &rdk(&[
            "evaluate",
            "--rule",
            "encrypted-volumes",
            "--item",
            "tests/fixtures/example-ci/AWS_EC2_Volume.json",
            "--parameters",
            "kmsId=1",
        ]),
        "--parameters is not valid JSON",
    );
    // The example event carries a parameter no rule takes.
    assert_input_error(
        &rdk(&[
            "evaluate",
            "--rule",
            "encrypted-volumes",
            "--event",
            "tests/fixtures/events/change-triggered.json",
        ]),
        "`myParameterKey` is not a parameter of encrypted-volumes",
    );
}

#[test]
fn rules_lists_the_catalog_in_text_and_json() {
    let out = rdk(&["rules", "--format", "json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    for n in [
        "encrypted-volumes",
        "lambda-function-settings-check",
        "s3-bucket-public-read-prohibited",
    ] {
        assert!(names.contains(&n), "{n}");
    }
    let lambda = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "lambda-function-settings-check")
        .unwrap();
    assert_eq!(lambda["parameters"][0]["name"], "runtime");
    assert_eq!(lambda["parameters"][0]["required"], true);
    let text = String::from_utf8_lossy(&rdk(&["rules"]).stdout).into_owned();
    assert!(text.contains("resource types: AWS::EC2::Volume"));
    assert!(text.contains("- kmsId (csv, optional)"));
}

#[test]
fn rules_shows_which_rules_remediate_with_their_document_and_mode() {
    let out = rdk(&["rules", "--format", "json"]);
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = v.as_array().unwrap();
    let remediating: Vec<&serde_json::Value> = rules
        .iter()
        .filter(|r| r["remediation"].is_object())
        .collect();
    assert!(remediating.len() >= 10, "{}", remediating.len());
    // Rules without one say so with null, not by leaving the field out.
    let volumes = rules
        .iter()
        .find(|r| r["name"] == "encrypted-volumes")
        .unwrap();
    assert!(volumes["remediation"].is_null(), "{volumes}");
    let ssh = rules
        .iter()
        .find(|r| r["name"] == "restricted-ssh")
        .unwrap();
    let m = &ssh["remediation"];
    assert_eq!(m["document"], "AWS-DisableIncomingSSHOnPort22");
    assert_eq!(m["mode"], "manual", "cutting SSH access waits for a person");
    assert_eq!(
        m["parameters"]["SecurityGroupIds"]["resourceValue"],
        "RESOURCE_ID"
    );
    assert_eq!(m["parameters"]["AutomationAssumeRole"]["assumeRole"], true);
    assert_eq!(
        m["actions"],
        serde_json::json!([
            "ec2:DescribeSecurityGroups",
            "ec2:RevokeSecurityGroupIngress"
        ])
    );
    let rotation = rules
        .iter()
        .find(|r| r["name"] == "cmk-backing-key-rotation-enabled")
        .unwrap();
    assert_eq!(rotation["remediation"]["mode"], "automatic");
    let text = String::from_utf8_lossy(&rdk(&["rules"]).stdout).into_owned();
    assert!(
        text.contains("restricted-ssh  [change+periodic (TwentyFour_Hours), high, remediates]"),
        "{text}"
    );
    assert!(text.contains(
        "    remediation: AWS-DisableIncomingSSHOnPort22 (manual when RemediationMode is automatic)"
    ));
    assert!(text.contains("encrypted-volumes  [change, "));
    assert!(!text
        .lines()
        .any(|l| l.starts_with("encrypted-volumes ") && l.contains("remediates")));
}

#[test]
fn local_config_serves_items_to_the_sdk() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rdk"))
        .current_dir(root())
        .args([
            "local-config",
            "--items",
            "tests/fixtures/encrypted-volumes",
            "--port",
            &port.to_string(),
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let result = rt.block_on(async {
        let conf = aws_sdk_config::Config::builder()
            .behavior_version(aws_sdk_config::config::BehaviorVersion::latest())
            .region(aws_sdk_config::config::Region::new("us-east-1"))
            .endpoint_url(format!("http://127.0.0.1:{port}"))
            .credentials_provider(aws_sdk_config::config::Credentials::new(
                "a", "b", None, None, "test",
            ))
            .build();
        let client = aws_sdk_config::Client::from_conf(conf);
        for _ in 0..100 {
            match client
                .list_discovered_resources()
                .resource_type(aws_sdk_config::types::ResourceType::Volume)
                .send()
                .await
            {
                Ok(out) => return Ok(out.resource_identifiers().len()),
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            }
        }
        Err("the endpoint never answered")
    });
    let _ = child.kill();
    let _ = child.wait();
    // Six volumes, each in two shapes; the deleted one is not listed.
    assert_eq!(result, Ok(5));
}
