//! The CloudFormation templates: the committed rules template is exactly what
//! `rdk create-rule-template --all` generates, every template passes cfn-lint and
//! checkov (skips justified inline), and the properties users rely on hold.

use std::path::PathBuf;
use std::process::Command;

use ferrule_tests::{
    load_template as load, resources_of_type as resources, root, strings, template_path as path,
    tool,
};
use serde_json::{json, Value};

const TEMPLATES: [&str; 4] = [
    "recorder.yaml",
    "rules.yaml",
    "alerts.yaml",
    "pipeline.yaml",
];

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
    let generated = rdk::template::to_yaml(
        &rdk::template::rules_template(rules_lib::rules::catalog()).unwrap(),
    );
    let committed = std::fs::read_to_string(path("rules.yaml")).unwrap();
    assert!(
        generated == committed,
        "cloudformation/rules.yaml is out of date: run `cargo run -p rdk -- create-rule-template --all --output-file cloudformation/rules.yaml` and commit it"
    );
}

/// Runs cfn-lint over `files`; fails with what it found.
fn assert_cfn_lint_passes(files: &[PathBuf]) {
    let out = Command::new(tool("cfn-lint"))
        .args(files)
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
fn every_template_passes_cfn_lint() {
    assert_cfn_lint_passes(&TEMPLATES.map(path));
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
        // Derived here from the trigger and the kind, as the Config protocol requires,
        // not by calling the function that writes the template.
        let mut expected: Vec<&str> = vec!["config:PutEvaluations"];
        if spec.trigger.on_change() {
            // Oversized change notifications carry no item: the function reads it.
            expected.push("config:GetResourceConfigHistory");
        }
        if spec.trigger.periodic() {
            // Periodic runs report resources that disappeared (read back what was said).
            expected.push("config:GetComplianceDetailsByConfigRule");
            if !matches!(rule.kind(), rules_lib::RuleKind::Account(_)) {
                // ...and list and batch-read the resources they judge.
                expected.push("config:ListDiscoveredResources");
                expected.push("config:BatchGetResourceConfig");
            }
        }
        expected.extend(spec.permissions.iter().copied());
        expected.sort_unstable();
        expected.dedup();
        assert_eq!(actions, json!(expected), "{}", spec.name);
    }
    // A rule with both triggers (what `rdk create --maximum-frequency` scaffolds) lists and
    // batch-reads for its periodic runs.
    let both = t["Resources"]["RestrictedSshExecutionRole"].to_string();
    assert!(
        both.contains("config:ListDiscoveredResources")
            && both.contains("config:BatchGetResourceConfig")
            && both.contains("config:GetResourceConfigHistory"),
        "{both}"
    );
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
fn alerts_alarms_watch_metrics_the_functions_emit_and_may_publish_to_the_topic() {
    let t = load("alerts.yaml");
    let emitted: Vec<&str> = rules_lib::metrics::InvocationMetrics::default()
        .values()
        .iter()
        .map(|(name, _, _)| *name)
        .collect();
    let alarms: Vec<&serde_json::Value> = t["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["Type"] == "AWS::CloudWatch::Alarm")
        .collect();
    let watched: Vec<&str> = alarms
        .iter()
        .map(|a| a["Properties"]["MetricName"].as_str().unwrap())
        .collect();
    assert_eq!(watched.len(), 2);
    for a in &alarms {
        let p = &a["Properties"];
        let metric = p["MetricName"].as_str().unwrap();
        assert!(
            emitted.contains(&metric),
            "{metric} is not a metric the functions emit"
        );
        assert_eq!(p["Namespace"], rules_lib::metrics::NAMESPACE);
        // The metric without dimensions: every rule together (the EMF line declares it).
        assert!(p["Dimensions"].is_null());
        assert_eq!(p["AlarmActions"], json!([{"Ref": "AlertsTopic"}]));
        assert_eq!(p["TreatMissingData"], "notBreaching");
        assert!(p["AlarmName"].to_string().contains("${AWS::StackName}-"));
    }
    for metric in ["UndeliveredEvaluations", "FailedInvocations"] {
        assert!(watched.contains(&metric), "no alarm on {metric}");
    }
    let line = rules_lib::metrics::InvocationMetrics::new("r").emf_line("id", 0);
    let line: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert!(line["_aws"]["CloudWatchMetrics"][0]["Dimensions"]
        .as_array()
        .unwrap()
        .contains(&json!([])));
    let topic_policy =
        t["Resources"]["AlertsTopicPolicy"]["Properties"]["PolicyDocument"].to_string();
    assert!(topic_policy.contains("cloudwatch.amazonaws.com"));
    assert!(topic_policy.contains(":alarm:${AWS::StackName}-*"));
    let key_policy = t["Resources"]["AlertsKey"]["Properties"]["KeyPolicy"].to_string();
    assert!(key_policy.contains("cloudwatch.amazonaws.com"));
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
        "rules-packaged.json",
        "alerts.yaml",
        "reevaluate --stack-name",
    ] {
        assert!(
            stages.contains(needle) || t.to_string().contains(needle),
            "pipeline lacks {needle}"
        );
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
        "rdk package --all",
        "rules-packaged.json",
        "target/lambda/**/*",
    ] {
        assert!(buildspec.contains(needle), "buildspec lacks {needle}");
    }
    let _: serde_yaml::Value = serde_yaml::from_str(&buildspec).expect("buildspec.yml is YAML");
}

// --- Least privilege of the pipeline (pipeline.yaml, buildspec.yml) ---------------------

/// `*` and `?` wildcards, case-insensitive (IAM action matching).
fn glob(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

/// Every policy statement under `v` (including both branches of an `Fn::If`).
fn statements(v: &Value) -> Vec<&Value> {
    let mut all = Vec::new();
    walk(v, &mut all);
    all.into_iter()
        .filter(|s| s.get("Effect").is_some() && s.get("Action").is_some())
        .collect()
}

/// The `Allow` statements of `id`'s permission policies (inline policies of a role, the
/// document of a managed policy).
fn allow_statements<'a>(t: &'a Value, id: &str) -> Vec<&'a Value> {
    let r = &t["Resources"][id]["Properties"];
    let mut out = statements(&r["Policies"]);
    out.extend(statements(&r["PolicyDocument"]));
    out.retain(|s| s["Effect"] == "Allow");
    out
}

/// The text of a resource: the `Fn::Sub` string, `*`, or the JSON of anything else.
fn resource_texts(s: &Value) -> Vec<String> {
    let r = &s["Resource"];
    let items = match r {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    items
        .iter()
        .map(|x| match x {
            Value::String(s) => s.clone(),
            Value::Object(m) if m.contains_key("Fn::Sub") => match &m["Fn::Sub"] {
                Value::String(s) => s.clone(),
                other => other[0].as_str().unwrap_or_default().to_string(),
            },
            other => other.to_string(),
        })
        .collect()
}

/// Actions that hand out code execution, resource policies or IAM power: never on
/// `Resource: "*"` without a condition.
const MUTATING: [&str; 9] = [
    "lambda:Create*",
    "lambda:Update*",
    "lambda:Delete*",
    "lambda:AddPermission",
    "s3:PutBucketPolicy",
    "kms:PutKeyPolicy",
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:CreateRole",
];
/// One concrete action per pattern above, so a wildcard action (`lambda:*`, `*`) in a
/// policy counts as granting it.
const MUTATING_EXAMPLES: [&str; 9] = [
    "lambda:CreateFunction",
    "lambda:UpdateFunctionCode",
    "lambda:DeleteFunction",
    "lambda:AddPermission",
    "s3:PutBucketPolicy",
    "kms:PutKeyPolicy",
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:CreateRole",
];

fn is_mutating(action: &str) -> bool {
    MUTATING.iter().any(|p| glob(p, action)) || MUTATING_EXAMPLES.iter().any(|e| glob(action, e))
}

#[test]
fn pipeline_grants_no_mutating_action_on_every_resource_without_a_condition() {
    assert!(is_mutating("lambda:UpdateFunctionConfiguration") && is_mutating("iam:*"));
    assert!(!is_mutating("lambda:GetFunction") && !is_mutating("s3:GetBucketPolicy"));
    let t = load("pipeline.yaml");
    let mut checked = 0;
    for (id, _) in t["Resources"].as_object().unwrap() {
        for s in allow_statements(&t, id) {
            checked += 1;
            let on_everything = resource_texts(s).iter().any(|r| r == "*");
            let mutating: Vec<String> = strings(&s["Action"])
                .into_iter()
                .filter(|a| is_mutating(a))
                .collect();
            assert!(
                !on_everything || mutating.is_empty() || s["Condition"].is_object(),
                "{id} grants {mutating:?} on Resource \"*\" with no condition: {s}"
            );
        }
    }
    assert!(
        checked > 30,
        "only {checked} statements found in pipeline.yaml"
    );
}

#[test]
fn deploy_role_limits_every_write_to_the_stacks_resources() {
    let t = load("pipeline.yaml");
    // The actions with no resource-level permissions (or read-only listings): the only
    // ones allowed on "*".
    let anywhere = [
        "config:DescribeConfigRules",
        "config:DescribeComplianceByConfigRule",
        "config:PutConfigurationRecorder",
        "config:DeleteConfigurationRecorder",
        "config:DescribeConfigurationRecorders",
        "config:DescribeConfigurationRecorderStatus",
        "config:StartConfigurationRecorder",
        "config:StopConfigurationRecorder",
        "config:PutDeliveryChannel",
        "config:DeleteDeliveryChannel",
        "config:DescribeDeliveryChannels",
        "config:ListTagsForResource",
        "logs:DescribeLogGroups",
        "logs:DescribeIndexPolicies",
        "logs:DescribeResourcePolicies",
        "kms:CreateKey",
        "kms:ListAliases",
    ];
    let statements = allow_statements(&t, "DeployRole");
    assert!(!statements.is_empty());
    for s in &statements {
        let actions = strings(&s["Action"]);
        for a in &actions {
            assert!(!a.contains('*'), "DeployRole grants a wildcard action {a}");
        }
        for r in resource_texts(s) {
            if r == "*" {
                for a in &actions {
                    assert!(
                        anywhere.contains(&a.as_str()),
                        "DeployRole grants {a} on Resource \"*\": {s}"
                    );
                }
                if actions.iter().any(|a| a == "kms:CreateKey") {
                    assert!(
                        s["Condition"]
                            .to_string()
                            .contains("BypassPolicyLockoutSafetyCheck"),
                        "{s}"
                    );
                }
            } else if ["iam", "lambda", "logs", "s3", "sns", "events"]
                .iter()
                .any(|svc| r.starts_with(&format!("arn:${{AWS::Partition}}:{svc}:")))
            {
                assert!(
                    r.contains("${StackPrefix}-"),
                    "DeployRole reaches {r}, which is not one of the stacks' resources: {s}"
                );
            } else {
                // The pipeline's own artifact bucket, key and recorder role, or
                // account-and-region-scoped ARNs (config rules, KMS keys and aliases).
                assert!(
                    r.contains("ArtifactBucket")
                        || r.contains("ArtifactKey")
                        || r.contains("ConfigRecorderRole")
                        || r.contains("${AWS::Region}:${AWS::AccountId}:"),
                    "DeployRole reaches {r}: {s}"
                );
            }
        }
        // No way around the boundary, no managed policy attached, and no key policy of
        // an existing key changed.
        for a in [
            "iam:DeleteRolePermissionsBoundary",
            "iam:AttachRolePolicy",
            "iam:CreatePolicy",
            "iam:CreatePolicyVersion",
            "kms:PutKeyPolicy",
            "kms:TagResource",
        ] {
            assert!(
                !actions.iter().any(|x| x == a),
                "DeployRole grants {a}: {s}"
            );
        }
        if actions.iter().any(|a| a == "iam:DetachRolePolicy") {
            assert!(
                s["Condition"]["ArnEquals"]["iam:PolicyARN"].is_object(),
                "{s}"
            );
        }
        if actions.iter().any(|a| a == "lambda:AddPermission") {
            assert_eq!(
                s["Condition"]["StringEquals"]["lambda:Principal"], "config.amazonaws.com",
                "{s}"
            );
        }
    }
}

#[test]
fn every_service_trust_policy_requires_the_source_account() {
    for name in ["pipeline.yaml", "recorder.yaml"] {
        let t = load(name);
        let roles = resources(&t, "AWS::IAM::Role");
        assert!(!roles.is_empty(), "{name}");
        for (id, role) in roles {
            for s in statements(&role["Properties"]["AssumeRolePolicyDocument"]) {
                let services = strings(&s["Principal"]["Service"]);
                if services.is_empty() {
                    continue;
                }
                assert_eq!(
                    s["Condition"]["StringEquals"]["aws:SourceAccount"],
                    json!({"Ref": "AWS::AccountId"}),
                    "{name}: {id} trusts {services:?} from any account"
                );
                if services
                    .iter()
                    .any(|x| x == "codebuild.amazonaws.com" || x == "codepipeline.amazonaws.com")
                {
                    assert!(
                        s["Condition"]["ArnLike"]["aws:SourceArn"].is_object(),
                        "{name}: {id} trusts {services:?} for any project or pipeline"
                    );
                }
            }
        }
    }
}

#[test]
fn deploy_role_creates_roles_only_with_the_boundary_and_passes_them_to_one_service() {
    let t = load("pipeline.yaml");
    assert_eq!(
        t["Resources"]["StackRoleBoundary"]["Type"],
        "AWS::IAM::ManagedPolicy"
    );
    let gated = [
        "iam:CreateRole",
        "iam:PutRolePolicy",
        "iam:PutRolePermissionsBoundary",
        "iam:AttachRolePolicy",
    ];
    let mut creates = false;
    for s in allow_statements(&t, "DeployRole") {
        let actions = strings(&s["Action"]);
        if actions.iter().any(|a| a == "iam:CreateRole") {
            creates = true;
        }
        if actions.iter().any(|a| gated.contains(&a.as_str())) {
            assert_eq!(
                s["Condition"]["StringEquals"]["iam:PermissionsBoundary"],
                json!({"Ref": "StackRoleBoundary"}),
                "a role could get a policy without the boundary: {s}"
            );
        }
    }
    assert!(
        creates,
        "the deploy role no longer creates the rule function roles"
    );
    // Every role in the pipeline passes roles to one named service only.
    for (id, _) in resources(&t, "AWS::IAM::Role") {
        for s in allow_statements(&t, id) {
            if strings(&s["Action"]).iter().any(|a| a == "iam:PassRole") {
                assert!(
                    s["Condition"]["StringEquals"]["iam:PassedToService"].is_string(),
                    "{id} passes a role to any service: {s}"
                );
                assert!(!resource_texts(s).iter().any(|r| r == "*"), "{id}: {s}");
            }
        }
    }
    // The boundary leaves the rule functions everything the generated template gives them.
    let boundary: Vec<(Vec<String>, Vec<String>)> = allow_statements(&t, "StackRoleBoundary")
        .into_iter()
        .map(|s| (strings(&s["Action"]), resource_texts(s)))
        .collect();
    let rules = load("rules.yaml");
    let mut seen = 0;
    for (id, role) in resources(&rules, "AWS::IAM::Role") {
        for s in statements(&role["Properties"]["Policies"]) {
            for a in strings(&s["Action"]) {
                seen += 1;
                assert!(
                    boundary
                        .iter()
                        .any(|(actions, _)| actions.iter().any(|p| glob(p, &a))),
                    "rules.yaml {id} needs {a}, which StackRoleBoundary in pipeline.yaml does not allow"
                );
            }
        }
    }
    assert!(seen > 0);
    let logs = boundary
        .iter()
        .find(|(actions, _)| actions.iter().any(|a| a == "logs:PutLogEvents"))
        .expect("the boundary lets the functions write their logs");
    assert!(
        logs.1
            .iter()
            .all(|r| r.contains("log-group:/aws/lambda/${StackPrefix}-")),
        "{:?}",
        logs.1
    );
}

#[test]
fn deploy_stage_names_resources_the_way_the_deploy_role_allows() {
    let t = load("pipeline.yaml");
    let stages = t["Resources"]["Pipeline"]["Properties"]["Stages"].to_string();
    assert!(
        stages.contains("TopicName") && stages.contains("${StackPrefix}-noncompliance"),
        "{stages}"
    );
    assert!(stages.contains("RecorderRoleArn"), "{stages}");
    let recorder = load("recorder.yaml");
    assert!(recorder["Parameters"]["RecorderRoleArn"].is_object());
    assert!(
        recorder["Resources"]["ConfigurationRecorder"]["Properties"]["RoleARN"]
            .to_string()
            .contains("RecorderRoleArn")
    );
    let buildspec = std::fs::read_to_string(path("buildspec.yml")).unwrap();
    for needle in [
        "\"NamePrefix\"",
        "STACK_PREFIX",
        "\"PermissionsBoundary\"",
        "ROLE_BOUNDARY_ARN",
    ] {
        assert!(
            buildspec.contains(needle),
            "rules-config.json lacks {needle}"
        );
    }
    let env = t["Resources"]["BuildProject"]["Properties"]["Environment"]["EnvironmentVariables"]
        .to_string();
    assert!(
        env.contains("STACK_PREFIX") && env.contains("ROLE_BOUNDARY_ARN"),
        "{env}"
    );
}

/// The shell of a buildspec's commands, as one text, and its `env.variables`.
fn buildspec(name: &str) -> (String, serde_yaml::Value) {
    let text = std::fs::read_to_string(path(name)).unwrap();
    let y: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let mut shell = String::new();
    for (_, phase) in y["phases"].as_mapping().unwrap() {
        for c in phase["commands"].as_sequence().into_iter().flatten() {
            shell.push_str(c.as_str().unwrap());
            shell.push('\n');
        }
    }
    (shell, y["env"]["variables"].clone())
}

#[test]
fn buildspecs_install_rust_only_with_a_rustup_init_matching_a_pinned_sha256() {
    let is_sha256 = |v: &serde_yaml::Value| {
        v.as_str()
            .is_some_and(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    let (_, main_vars) = buildspec("buildspec.yml");
    for name in ["buildspec.yml", "policy-check-buildspec.yml"] {
        let (shell, vars) = buildspec(name);
        assert!(
            !shell.contains("sh.rustup.rs")
                && !shell.contains("| sh ")
                && !shell.contains("| sh\n")
                && !shell.contains("| bash"),
            "{name} pipes a download into a shell"
        );
        let download = shell
            .find("https://static.rust-lang.org/rustup/archive/${RUSTUP_VERSION}/")
            .unwrap_or_else(|| panic!("{name} does not download a versioned rustup-init"));
        let check = shell
            .find("sha256sum --check --strict")
            .unwrap_or_else(|| panic!("{name} does not verify rustup-init's SHA-256"));
        let run = shell
            .find("/tmp/rustup-init -y")
            .unwrap_or_else(|| panic!("{name} does not run the verified rustup-init"));
        assert!(
            download < check && check < run,
            "{name}: download, verify, then run"
        );
        assert!(
            shell.contains("--default-toolchain \"$RUST_TOOLCHAIN\""),
            "{name} does not pin the toolchain"
        );
        assert_eq!(vars["RUST_TOOLCHAIN"].as_str(), Some("1.95.0"), "{name}");
        assert!(
            vars["RUSTUP_VERSION"]
                .as_str()
                .is_some_and(|v| v.split('.').count() == 3),
            "{name}"
        );
        for arch in ["RUSTUP_SHA256_X86_64", "RUSTUP_SHA256_AARCH64"] {
            assert!(is_sha256(&vars[arch]), "{name}: {arch} is not a SHA-256");
            // Both buildspecs pin the same rustup.
            assert_eq!(vars[arch], main_vars[arch], "{name}: {arch}");
        }
        assert_eq!(
            vars["RUSTUP_VERSION"], main_vars["RUSTUP_VERSION"],
            "{name}"
        );
        assert!(
            shell.contains("aarch64-unknown-linux-gnu")
                && shell.contains("x86_64-unknown-linux-gnu")
        );
    }
}

/// A rule of the given spec that finds everything compliant: for templates of rules the
/// catalog does not have.
struct SpecOnly(&'static rules_lib::RuleSpec);

impl rules_lib::ItemRule for SpecOnly {
    type View = rules_lib::views::Untyped;
    fn spec(&self) -> &'static rules_lib::RuleSpec {
        self.0
    }
    fn judge(
        &self,
        _: &rules_lib::ConfigurationItem,
        _: &rules_lib::views::Untyped,
        _: &rules_lib::Params,
    ) -> rules_lib::Verdict {
        rules_lib::Verdict::compliant("ok")
    }
}

/// A rule judged on changes and on a schedule, as `rdk create --maximum-frequency`
/// scaffolds: its periodic runs list and batch-read the resources in scope.
static BOTH_SPEC: rules_lib::RuleSpec = rules_lib::RuleSpec {
    name: "both-triggers-example",
    description: "An item rule that also runs every day.",
    resource_types: &["AWS::EC2::Volume"],
    trigger: rules_lib::Trigger::Both(rules_lib::Frequency::TwentyFourHours),
    severity: rules_lib::Severity::Low,
    ..rules_lib::RuleSpec::CHANGE
};

#[test]
fn a_rule_with_both_triggers_may_list_and_batch_read_what_its_periodic_runs_judge() {
    let t = rdk::template::rules_template(&[&SpecOnly(&BOTH_SPEC)]).unwrap();
    let statements = &t["Resources"]["BothTriggersExampleExecutionRole"]["Properties"]["Policies"]
        [0]["PolicyDocument"]["Statement"];
    let config = statements
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == "ConfigRule")
        .expect("the rule's own statement");
    // Written out here, not derived from the code that generates the role: what the
    // engine calls for a change (PutEvaluations, GetResourceConfigHistory for oversized
    // items) and for a periodic run of an item rule (list, batch-read, and the previous
    // results to clear vanished resources).
    assert_eq!(
        config["Action"],
        json!([
            "config:BatchGetResourceConfig",
            "config:GetComplianceDetailsByConfigRule",
            "config:GetResourceConfigHistory",
            "config:ListDiscoveredResources",
            "config:PutEvaluations"
        ])
    );
}

/// `n` distinct rules (each [`BOTH_SPEC`] under its own name), leaked: each needs a
/// `'static` spec.
fn grown_catalog(n: usize) -> Vec<&'static dyn rules_lib::Rule> {
    (0..n)
        .map(|i| {
            let spec: &'static rules_lib::RuleSpec = Box::leak(Box::new(rules_lib::RuleSpec {
                name: Box::leak(format!("grown-rule-{i}").into_boxed_str()),
                ..BOTH_SPEC
            }));
            &*Box::leak(Box::new(SpecOnly(spec))) as &'static dyn rules_lib::Rule
        })
        .collect()
}

#[test]
fn a_rules_template_over_cloudformations_500_resources_is_refused_naming_the_count_and_the_fix() {
    // Each rule is at least a function, its role, log group, permission and Config
    // rule: 120 of them do not fit in one stack, 90 (the catalog's size) do.
    assert!(rdk::template::rules_template(&grown_catalog(90)).is_ok());
    let err = rdk::template::rules_template(&grown_catalog(120)).unwrap_err();
    assert!(err.contains("the rules template would hold"), "{err}");
    assert!(err.contains("resources, more than the 500"), "{err}");
    assert!(err.contains("--rules or --rulesets"), "{err}");
}

/// The catalog! list is the one list: every rule has exactly one function binary whose
/// `main` runs that rule, and no binary runs a rule the catalog lacks (`rdk create` and
/// the list write both).
#[test]
fn every_catalog_rule_has_one_function_binary_and_every_binary_a_rule() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../functions/src/bin");
    let mut bins: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    bins.sort();
    let mut want: Vec<String> = rules_lib::rules::catalog()
        .iter()
        .map(|r| format!("{}.rs", r.spec().name))
        .collect();
    want.sort();
    assert_eq!(bins, want);
    for rule in rules_lib::rules::catalog() {
        let name = rule.spec().name;
        let text = std::fs::read_to_string(dir.join(format!("{name}.rs"))).unwrap();
        let ty: String = name
            .split('-')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect();
        assert!(
            text.contains(&format!("rules_lib::lambda_main!(rules_lib::rules::{ty});")),
            "functions/src/bin/{name}.rs does not run rules::{ty}:\n{text}"
        );
    }
}

// --- Conformance packs (rdk create-conformance-pack) ------------------------------------

fn sample_parameters() -> serde_json::Map<String, Value> {
    serde_json::from_str(rdk::scan::source::SAMPLE_PARAMETERS).unwrap()
}

#[test]
fn a_conformance_pack_holds_only_config_rules_each_with_its_trigger_scope_and_parameters() {
    let catalog: Vec<&'static dyn rules_lib::Rule> = rules_lib::rules::catalog().to_vec();
    let managed = rdk::conformance::managed_rules(
        &[
            "SECURITYHUB_ENABLED".to_string(),
            "GUARDDUTY_ENABLED_CENTRALIZED".to_string(),
        ],
        &sample_parameters(),
    )
    .unwrap();
    let (pack, left_out) =
        rdk::conformance::pack_template(&catalog, &managed, &sample_parameters(), false).unwrap();
    // The sample parameters give every required parameter.
    assert!(left_out.is_empty(), "{left_out:?}");
    let obj = pack.as_object().unwrap();
    // What the pack format allows: no Outputs, few parameters, Config rules only.
    for key in obj.keys() {
        assert!(
            ["Description", "Parameters", "Resources", "Conditions"].contains(&key.as_str()),
            "a conformance pack takes no {key}"
        );
    }
    assert!(obj["Parameters"].as_object().unwrap().len() <= rdk::conformance::MAX_PARAMETERS);
    let resources = obj["Resources"].as_object().unwrap();
    for (id, r) in resources {
        assert!(
            [
                "AWS::Config::ConfigRule",
                "AWS::Config::RemediationConfiguration"
            ]
            .contains(&r["Type"].as_str().unwrap()),
            "{id}"
        );
    }
    assert_eq!(resources.len(), catalog.len() + managed.len());
    let params = sample_parameters();
    for rule in &catalog {
        let spec = rule.spec();
        let r = &resources[&format!("{}ConfigRule", rdk::template::camel(spec.name))]["Properties"];
        assert_eq!(r["ConfigRuleName"], spec.name);
        assert_eq!(r["Source"]["Owner"], "CUSTOM_LAMBDA");
        assert_eq!(
            r["Source"]["SourceIdentifier"],
            json!({"Fn::Sub": format!("${{FunctionArnPrefix}}{}", spec.name)})
        );
        let kinds: Vec<&str> = r["Source"]["SourceDetails"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["MessageType"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds.contains(&"ConfigurationItemChangeNotification"),
            spec.trigger.on_change(),
            "{}",
            spec.name
        );
        assert_eq!(
            kinds.contains(&"ScheduledNotification"),
            spec.trigger.periodic(),
            "{}",
            spec.name
        );
        if spec.trigger.on_change() {
            assert_eq!(
                r["Scope"]["ComplianceResourceTypes"],
                json!(spec.resource_types)
            );
        }
        // Parameters are written as the file's values (not as pack parameters).
        for p in spec.parameters {
            let given = params.get(spec.name).and_then(|g| g.get(p.name));
            match given {
                Some(v) if v.as_str().is_some_and(|s| !s.is_empty()) => {
                    assert_eq!(&r["InputParameters"][p.name], v, "{} {}", spec.name, p.name)
                }
                _ => assert!(
                    r["InputParameters"][p.name].is_null(),
                    "{} {}",
                    spec.name,
                    p.name
                ),
            }
        }
    }
    let hub = &resources["SecurityhubEnabledConfigRule"]["Properties"];
    assert_eq!(
        hub["Source"],
        json!({"Owner": "AWS", "SourceIdentifier": "SECURITYHUB_ENABLED"})
    );
    assert_eq!(hub["ConfigRuleName"], "securityhub-enabled");
}

#[test]
fn a_rule_without_its_required_parameter_is_left_out_and_named() {
    let rule = rules_lib::rules::find("required-tags").unwrap();
    let volumes = rules_lib::rules::find("encrypted-volumes").unwrap();
    let (pack, left_out) =
        rdk::conformance::pack_template(&[rule, volumes], &[], &serde_json::Map::new(), false)
            .unwrap();
    assert_eq!(left_out.len(), 1);
    assert_eq!(left_out[0].rule, "required-tags");
    assert!(
        left_out[0].reason.contains("tag1Key") && left_out[0].reason.contains("--parameters-file")
    );
    assert!(pack["Resources"]["EncryptedVolumesConfigRule"].is_object());
    assert!(pack["Resources"]["RequiredTagsConfigRule"].is_null());
    let err =
        rdk::conformance::pack_template(&[rule], &[], &serde_json::Map::new(), false).unwrap_err();
    assert!(err.contains("required-tags"), "{err}");
}

#[test]
fn the_generated_organization_pack_passes_cfn_lint_and_names_its_size_limit() {
    let dir = root().join("target/ferrule-tests/conformance");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("pack.yaml");
    let catalog: Vec<&'static dyn rules_lib::Rule> = rules_lib::rules::catalog().to_vec();
    let (pack, _) =
        rdk::conformance::pack_template(&catalog, &[], &sample_parameters(), true).unwrap();
    assert!(pack["Parameters"]["FunctionArnPrefix"]["Description"]
        .as_str()
        .unwrap()
        .contains("member accounts"));
    let yaml = rdk::template::to_yaml(&pack);
    std::fs::write(&file, &yaml).unwrap();
    assert_cfn_lint_passes(std::slice::from_ref(&file));
    // The whole catalog is larger than TemplateBody takes, and fits TemplateS3Uri.
    assert!(yaml.len() > rdk::conformance::MAX_TEMPLATE_BODY);
    let warning = rdk::conformance::check_size(&yaml).unwrap().unwrap();
    assert!(warning.contains("TemplateS3Uri"), "{warning}");
    assert!(
        rdk::conformance::check_size(&"x".repeat(rdk::conformance::MAX_TEMPLATE_S3 + 1)).is_err()
    );
}
