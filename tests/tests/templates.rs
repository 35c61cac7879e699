//! The CloudFormation templates: the committed rules template is exactly what
//! `rdk create-rule-template --all` generates, every template passes cfn-lint and
//! checkov (skips justified inline), and the properties users rely on hold.

use std::path::PathBuf;
use std::process::Command;

use ferrule_tests::{root, tool};
use serde_json::{json, Value};

const TEMPLATES: [&str; 4] = [
    "recorder.yaml",
    "rules.yaml",
    "alerts.yaml",
    "pipeline.yaml",
];

fn path(name: &str) -> PathBuf {
    root().join("cloudformation").join(name)
}

/// YAML → JSON, with CloudFormation's short-form tags (`!Ref`, `!GetAtt` ...) turned
/// into their long form.
fn to_json(v: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => serde_json::to_value(n).unwrap(),
        Y::String(s) => Value::String(s),
        Y::Sequence(s) => Value::Array(s.into_iter().map(to_json).collect()),
        Y::Mapping(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    (
                        k.as_str().map(str::to_string).unwrap_or_else(|| {
                            serde_yaml::to_string(&k).unwrap().trim().to_string()
                        }),
                        to_json(v),
                    )
                })
                .collect(),
        ),
        Y::Tagged(t) => {
            let tag = t.tag.to_string();
            let name = tag.trim_start_matches('!');
            let key = if name == "Ref" || name == "Condition" {
                name.to_string()
            } else {
                format!("Fn::{name}")
            };
            let mut inner = to_json(t.value);
            if name == "GetAtt" {
                if let Value::String(s) = &inner {
                    inner = json!(s.splitn(2, '.').collect::<Vec<_>>());
                }
            }
            json!({ key: inner })
        }
    }
}

fn load(name: &str) -> Value {
    let text = std::fs::read_to_string(path(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    to_json(serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}")))
}

fn resources<'a>(t: &'a Value, kind: &str) -> Vec<(&'a String, &'a Value)> {
    t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == kind)
        .collect()
}

/// Every value anywhere under `v` (to search policies for actions).
fn walk<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    out.push(v);
    match v {
        Value::Object(m) => m.values().for_each(|x| walk(x, out)),
        Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
        _ => {}
    }
}

#[test]
fn committed_rules_template_is_what_rdk_generates() {
    let generated =
        rdk::template::to_yaml(&rdk::template::rules_template(rules_lib::rules::catalog()));
    let committed = std::fs::read_to_string(path("rules.yaml")).unwrap();
    assert!(
        generated == committed,
        "cloudformation/rules.yaml is out of date: run `cargo run -p rdk -- create-rule-template --all --output-file cloudformation/rules.yaml` and commit it"
    );
}

#[test]
fn every_template_passes_cfn_lint() {
    let out = Command::new(tool("cfn-lint"))
        .args(TEMPLATES.map(path))
        .output()
        .expect("cfn-lint runs");
    assert!(
        out.status.success(),
        "cfn-lint found problems:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_template_passes_checkov_and_every_skip_says_why() {
    let mut cmd = Command::new(tool("checkov"));
    cmd.args([
        "--framework",
        "cloudformation",
        "--quiet",
        "--compact",
        "--skip-download",
        "--directory",
    ])
    .arg(root().join("cloudformation"));
    cmd.env("BC_SKIP_MAPPING", "TRUE")
        .env("CHECKOV_RUN_SCA_PACKAGE_SCAN_V2", "false");
    let out = cmd.output().expect("checkov runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "checkov failed checks:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Failed checks: 0"), "{text}");
    assert!(!text.contains("Parsing errors: 1"), "{text}");
    for name in TEMPLATES {
        let t = load(name);
        let mut all = Vec::new();
        walk(&t, &mut all);
        for v in all {
            if let Some(skips) = v
                .get("checkov")
                .and_then(|c| c.get("skip"))
                .and_then(Value::as_array)
            {
                for s in skips {
                    let comment = s["comment"].as_str().unwrap_or("");
                    assert!(
                        comment.len() > 20,
                        "{name}: checkov skip {} has no real justification",
                        s["id"]
                    );
                }
            }
        }
    }
}

#[test]
fn rules_template_has_one_function_and_rule_per_catalog_rule_with_least_privilege() {
    let t = load("rules.yaml");
    let catalog = rules_lib::rules::catalog();
    assert_eq!(resources(&t, "AWS::Lambda::Function").len(), catalog.len());
    assert_eq!(
        resources(&t, "AWS::Config::ConfigRule").len(),
        catalog.len()
    );
    assert_eq!(resources(&t, "AWS::Logs::LogGroup").len(), catalog.len());
    for (id, p) in resources(&t, "AWS::Lambda::Permission") {
        assert_eq!(p["Properties"]["Principal"], "config.amazonaws.com", "{id}");
        assert_eq!(
            p["Properties"]["SourceAccount"],
            json!({"Ref": "AWS::AccountId"}),
            "{id}"
        );
    }
    for (id, f) in resources(&t, "AWS::Lambda::Function") {
        let p = &f["Properties"];
        assert_eq!(
            (p["Runtime"].as_str(), p["Handler"].as_str()),
            (Some("provided.al2023"), Some("bootstrap")),
            "{id}"
        );
        assert_eq!(p["Architectures"], json!(["arm64"]), "{id}");
    }
    for (id, role) in resources(&t, "AWS::IAM::Role") {
        let mut all = Vec::new();
        walk(&role["Properties"]["Policies"], &mut all);
        for v in all {
            if let Some(actions) = v.get("Action") {
                for a in actions
                    .as_array()
                    .cloned()
                    .unwrap_or_else(|| vec![actions.clone()])
                {
                    let a = a.as_str().unwrap();
                    assert!(!a.contains('*'), "{id} grants a wildcard action {a}");
                }
            }
        }
        // sts:AssumeRole only under the cross-account condition.
        let text = role["Properties"]["Policies"].to_string();
        if text.contains("sts:AssumeRole") {
            assert!(
                text.contains("HasAssumeRoleArns"),
                "{id} grants sts:AssumeRole unconditionally"
            );
        }
    }
    for rule in catalog {
        let spec = rule.spec();
        let c = rdk::template::camel(spec.name);
        let cr = &t["Resources"][format!("{c}ConfigRule")]["Properties"];
        assert_eq!(cr["Source"]["Owner"], "CUSTOM_LAMBDA", "{}", spec.name);
        let kinds: Vec<&str> = cr["Source"]["SourceDetails"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["MessageType"].as_str().unwrap())
            .collect();
        if spec.trigger.on_change() {
            assert!(
                kinds.contains(&"OversizedConfigurationItemChangeNotification"),
                "{} does not subscribe oversized changes",
                spec.name
            );
            assert_eq!(
                cr["Scope"]["ComplianceResourceTypes"],
                json!(spec.resource_types),
                "{}",
                spec.name
            );
        }
        if spec.trigger.periodic() {
            let d = cr["Source"]["SourceDetails"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["MessageType"] == "ScheduledNotification")
                .unwrap();
            assert!(d["MaximumExecutionFrequency"].is_string(), "{}", spec.name);
        }
        for p in spec.parameters {
            assert!(
                cr["InputParameters"][p.name].is_object(),
                "{} parameter {} is not passed",
                spec.name,
                p.name
            );
        }
        let actions = t["Resources"][format!("{c}ExecutionRole")]["Properties"]["Policies"][0]
            ["PolicyDocument"]["Statement"][1]["Action"]
            .clone();
        assert_eq!(actions, json!(spec.all_permissions()), "{}", spec.name);
    }
    // IAM reads only for the IAM rules.
    let text = t["Resources"]["EncryptedVolumesExecutionRole"].to_string();
    assert!(
        !text.contains("iam:") && !text.contains("ListDiscoveredResources"),
        "{text}"
    );
}

#[test]
fn recorder_bucket_is_encrypted_private_versioned_and_tls_only() {
    let t = load("recorder.yaml");
    let b = &t["Resources"]["ConfigBucket"]["Properties"];
    assert!(b["BucketEncryption"]["ServerSideEncryptionConfiguration"].is_array());
    for k in [
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ] {
        assert_eq!(b["PublicAccessBlockConfiguration"][k], true, "{k}");
    }
    assert_eq!(b["VersioningConfiguration"]["Status"], "Enabled");
    assert!(!b["LifecycleConfiguration"]["Rules"]
        .as_array()
        .unwrap()
        .is_empty());
    let statements = t["Resources"]["ConfigBucketPolicy"]["Properties"]["PolicyDocument"]
        ["Statement"]
        .as_array()
        .unwrap()
        .clone();
    let deny_tls = statements.iter().find(|s| s["Effect"] == "Deny").unwrap();
    assert_eq!(
        deny_tls["Condition"]["Bool"]["aws:SecureTransport"],
        "false"
    );
    for s in statements
        .iter()
        .filter(|s| s["Principal"]["Service"] == "config.amazonaws.com")
    {
        assert!(
            s["Condition"]["StringEquals"]["aws:SourceAccount"].is_object(),
            "{s}"
        );
    }
    let role = &t["Resources"]["RecorderRole"]["Properties"];
    assert!(role["ManagedPolicyArns"]
        .to_string()
        .contains("service-role/AWS_ConfigRole"));
    for id in ["ConfigurationRecorder", "DeliveryChannel", "ConfigBucket"] {
        assert_eq!(
            t["Resources"][id]["Condition"], "CreateRecorder",
            "{id} must be skippable for Control Tower accounts"
        );
    }
    assert!(t["Parameters"]["RecordingFrequency"]["AllowedValues"]
        .to_string()
        .contains("DAILY"));
    assert!(
        t["Parameters"]["ResourceTypes"].is_object()
            && t["Parameters"]["DeliveryFrequency"].is_object()
    );
}

#[test]
fn alerts_topic_is_kms_encrypted_and_messages_say_what_to_act_on() {
    let t = load("alerts.yaml");
    assert_eq!(
        t["Resources"]["AlertsTopic"]["Properties"]["KmsMasterKeyId"],
        json!({"Ref": "AlertsKey"})
    );
    let key_policy = t["Resources"]["AlertsKey"]["Properties"]["KeyPolicy"].to_string();
    assert!(
        key_policy.contains("events.amazonaws.com") && key_policy.contains("kms:GenerateDataKey*")
    );
    assert_eq!(
        t["Resources"]["AlertsKey"]["Properties"]["EnableKeyRotation"],
        true
    );
    let rule = &t["Resources"]["NonCompliantRule"]["Properties"];
    assert_eq!(
        rule["EventPattern"]["detail-type"],
        json!(["Config Rules Compliance Change"])
    );
    assert_eq!(
        rule["EventPattern"]["detail"]["newEvaluationResult"]["complianceType"],
        json!(["NON_COMPLIANT"])
    );
    let template = rule["Targets"][0]["InputTransformer"]["InputTemplate"]
        .as_str()
        .unwrap();
    for needle in [
        "<rule>",
        "<type>",
        "<id>",
        "<account>",
        "<region>",
        "<annotation>",
        "console.aws.amazon.com/config",
    ] {
        assert!(
            template.contains(needle),
            "the alert message lacks {needle}"
        );
    }
    let topic_policy =
        t["Resources"]["AlertsTopicPolicy"]["Properties"]["PolicyDocument"].to_string();
    assert!(
        topic_policy.contains("events.amazonaws.com") && topic_policy.contains("aws:SourceArn")
    );
    assert_eq!(t["Resources"]["EmailSubscription"]["Condition"], "HasEmail");
}

#[test]
fn pipeline_is_v2_with_encrypted_artifacts_build_approval_and_three_deploys() {
    let t = load("pipeline.yaml");
    let p = &t["Resources"]["Pipeline"]["Properties"];
    assert_eq!(p["PipelineType"], "V2");
    assert_eq!(p["ArtifactStore"]["EncryptionKey"]["Type"], "KMS");
    let stages = p["Stages"].to_string();
    for needle in [
        "CodeStarSourceConnection",
        "\"Provider\":\"S3\"",
        "CodeBuild",
        "Manual",
        "recorder.yaml",
        "rules.yaml",
        "alerts.yaml",
    ] {
        assert!(stages.contains(needle), "pipeline lacks {needle}");
    }
    let bucket = &t["Resources"]["ArtifactBucket"]["Properties"];
    assert_eq!(
        bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
            ["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
        "aws:kms"
    );
    let buildspec = std::fs::read_to_string(path("buildspec.yml")).unwrap();
    for needle in [
        "bash tests/run-all.sh",
        "cargo-lambda lambda build --profile lambda --arm64",
        "create-rule-template --all",
        "aws s3 cp",
    ] {
        assert!(buildspec.contains(needle), "buildspec lacks {needle}");
    }
    let _: serde_yaml::Value = serde_yaml::from_str(&buildspec).expect("buildspec.yml is YAML");
}
