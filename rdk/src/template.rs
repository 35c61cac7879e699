//! `rdk create-rule-template`: the CloudFormation template of the rules, generated from
//! the catalog so it can never drift from the code.
//!
//! Per rule: its own IAM role (exactly the actions its RuleSpec needs, plus logs and,
//! when cross-account roles are given, sts:AssumeRole on those only), a log group with
//! retention, the function (provided.al2023, arm64, `bootstrap`, code from S3, memory and
//! timeout from the RuleSpec, JSON logs), the permission for config.amazonaws.com limited
//! to this account, and the AWS::Config::ConfigRule (CUSTOM_LAMBDA; change rules subscribe
//! to changes *and* oversized changes and are scoped by resource type; periodic rules run
//! at their maximum frequency). Rule parameters become template parameters whose defaults
//! are the RuleSpec defaults; a rule with a required parameter left empty is not deployed.
//!
//! The per-rule pieces ([`rule_inputs`], [`function_resources`], [`config_rule_properties`])
//! are the one place every template writes them: the rules template, conformance packs and
//! the organization templates ([`organization`]).
//!
//! A rule with a remediation also gets its remediation configuration and the role its
//! runbook assumes, off unless `RemediationMode` says otherwise ([`crate::remediation`]).

use serde_json::{json, Map, Value};

use rules_lib::{ParamKind, Rule};

pub mod organization;

/// `encrypted-volumes` → `EncryptedVolumes` (logical ids and parameter names).
pub fn camel(name: &str) -> String {
    name.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn skip(id: &str, comment: &str) -> Value {
    json!({"id": id, "comment": comment})
}

/// Resources CloudFormation allows in one stack.
pub const MAX_STACK_RESOURCES: usize = 500;
/// Parameters CloudFormation allows in one template.
pub const MAX_STACK_PARAMETERS: usize = 200;
/// Outputs CloudFormation allows in one template.
pub const MAX_STACK_OUTPUTS: usize = 200;
/// The largest template CloudFormation takes, through S3 (`TemplateURL`), in bytes.
pub const MAX_TEMPLATE_BYTES: usize = 1_000_000;

/// Refuses a template CloudFormation would refuse for its size: more resources,
/// parameters or outputs than one stack may hold, or a body (compact JSON, as `rdk
/// deploy` sends it) over 1 MB. Checked when the template is made, so `rdk deploy`
/// stops before it builds or uploads anything and `create-rule-template` never writes
/// a template that cannot be deployed.
pub fn check_stack_quotas(what: &str, template: &Value) -> Result<(), String> {
    let count = |section: &str| template[section].as_object().map_or(0, Map::len);
    let fix = "split the rules over two stacks: run the command once per part with --rules or --rulesets, each with its own stack name or prefix";
    for (section, max) in [
        ("Resources", MAX_STACK_RESOURCES),
        ("Parameters", MAX_STACK_PARAMETERS),
        ("Outputs", MAX_STACK_OUTPUTS),
    ] {
        let n = count(section);
        if n > max {
            return Err(format!(
                "the {what} template would hold {n} {}, more than the {max} CloudFormation allows in one stack; {fix}",
                section.to_lowercase()
            ));
        }
    }
    let bytes = serde_json::to_string(template).map_or(0, |s| s.len());
    if bytes > MAX_TEMPLATE_BYTES {
        return Err(format!(
            "the {what} template would be {bytes} bytes, more than the {MAX_TEMPLATE_BYTES} CloudFormation takes; {fix}"
        ));
    }
    Ok(())
}

/// The rules template for `rules`, or why CloudFormation could not deploy it in one
/// stack ([`check_stack_quotas`]).
pub fn rules_template(rules: &[&dyn Rule]) -> Result<Value, String> {
    let mut parameters = Map::new();
    let mut conditions = Map::new();
    let mut resources = Map::new();
    let mut outputs = Map::new();

    for (name, decl) in function_parameters() {
        parameters.insert(name, decl);
    }
    parameters.insert("RuleNamePrefix".into(), json!({"Type": "String", "Default": "", "AllowedPattern": "^[a-zA-Z0-9-_]{0,40}$", "Description": "Prefix of Config rule names (empty: the managed rule's name)"}));
    parameters.insert("AssumeRoleArns".into(), json!({"Type": "CommaDelimitedList", "Default": "", "Description": "Roles the functions may assume for cross-account evaluation (empty: none; functions get no sts:AssumeRole)"}));
    for (name, expr) in function_conditions() {
        conditions.insert(name, expr);
    }
    conditions.insert(
        "HasAssumeRoleArns".into(),
        json!({"Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "AssumeRoleArns"}]}, ""]}]}),
    );
    crate::remediation::add_parameters(rules, &mut parameters, &mut conditions);

    for rule in rules {
        let spec = rule.spec();
        let c = camel(spec.name);
        let RuleInputs {
            parameters: rule_params,
            input,
            condition,
        } = rule_inputs(*rule);
        parameters.extend(rule_params);
        let condition = condition.map(|(name, expr)| {
            conditions.insert(name.clone(), expr);
            name
        });

        let statements = vec![
            json!({"Sid": "WriteOwnLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": {"Fn::GetAtt": [format!("{c}LogGroup"), "Arn"]}}),
            json!({"Sid": "ConfigRule", "Effect": "Allow", "Action": rule.all_permissions(), "Resource": "*"}),
            json!({"Fn::If": ["HasAssumeRoleArns", {"Sid": "CrossAccount", "Effect": "Allow", "Action": ["sts:AssumeRole"], "Resource": {"Ref": "AssumeRoleArns"}}, {"Ref": "AWS::NoValue"}]}),
        ];
        let role = FunctionRole {
            statements,
            path: None,
            skips: vec![skip("CKV_AWS_111", "config:PutEvaluations and the Config/IAM read actions support no resource-level permissions; the actions are exactly the rule's own")],
        };
        let mut res = function_resources(*rule, role);
        res.push((
            format!("{c}Permission"),
            json!({
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "FunctionName": {"Fn::GetAtt": [format!("{c}Function"), "Arn"]},
                    "Action": "lambda:InvokeFunction",
                    "Principal": "config.amazonaws.com",
                    "SourceAccount": {"Ref": "AWS::AccountId"},
                    // Rules of this account and region only. Not the rule's own ARN:
                    // the rule depends on this permission, and its ARN carries an id
                    // Config generates.
                    "SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:config:${AWS::Region}:${AWS::AccountId}:config-rule/*"}
                }
            }),
        ));
        let props = config_rule_properties(
            *rule,
            json!({"Fn::Sub": format!("${{RuleNamePrefix}}{}", spec.name)}),
            json!({"Fn::GetAtt": [format!("{c}Function"), "Arn"]}),
            input,
        );
        res.push((format!("{c}ConfigRule"), json!({"Type": "AWS::Config::ConfigRule", "DependsOn": format!("{c}Permission"), "Properties": props})));
        for (id, mut body) in res {
            if let Some(cond) = &condition {
                body["Condition"] = json!(cond);
            }
            resources.insert(id, body);
        }
        // The remediation, if the rule has one: conditional on its own (RemediationMode).
        resources.extend(crate::remediation::resources(
            *rule,
            &c,
            condition.as_deref(),
            &mut conditions,
        ));
        let mut out = json!({"Description": format!("{} function", spec.name), "Value": {"Fn::GetAtt": [format!("{c}Function"), "Arn"]}});
        if let Some(cond) = &condition {
            out["Condition"] = json!(cond);
        }
        outputs.insert(format!("{c}FunctionArn"), out);
    }
    let mut t = Map::new();
    t.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
    t.insert(
        "Description".into(),
        json!("ferrule: AWS Config custom rules as Rust Lambda functions. Generated by `rdk create-rule-template`; do not edit by hand."),
    );
    t.insert("Parameters".into(), Value::Object(parameters));
    t.insert("Conditions".into(), Value::Object(conditions));
    t.insert("Resources".into(), Value::Object(resources));
    t.insert("Outputs".into(), Value::Object(outputs));
    let t = Value::Object(t);
    check_stack_quotas("rules", &t)?;
    Ok(t)
}

/// The template parameters [`function_resources`] uses.
pub fn function_parameters() -> Vec<(String, Value)> {
    vec![
        (
            "CodeBucket".into(),
            json!({"Type": "String", "Description": "S3 bucket holding the function packages (<CodeKeyPrefix><rule-name>.zip)", "MinLength": 3}),
        ),
        (
            "CodeKeyPrefix".into(),
            json!({"Type": "String", "Default": "ferrule/", "Description": "Key prefix of the function packages in CodeBucket"}),
        ),
        (
            "NamePrefix".into(),
            json!({"Type": "String", "Default": "ferrule-", "AllowedPattern": "^[a-zA-Z0-9-_]{0,20}$", "Description": "Prefix of function and role names"}),
        ),
        (
            "LogRetentionDays".into(),
            json!({"Type": "Number", "Default": 90, "AllowedValues": [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], "Description": "Days to keep function logs"}),
        ),
        (
            "LogKmsKeyArn".into(),
            json!({"Type": "String", "Default": "", "Description": "KMS key ARN to encrypt the function log groups (empty: CloudWatch Logs default encryption)"}),
        ),
        (
            "PermissionsBoundary".into(),
            json!({"Type": "String", "Default": "", "Description": "Managed policy ARN set as the permissions boundary of every function role (the pipeline passes its StackRoleBoundary); empty: none"}),
        ),
    ]
}

/// The conditions [`function_resources`] uses.
pub fn function_conditions() -> Vec<(String, Value)> {
    vec![
        (
            "HasPermissionsBoundary".into(),
            json!({"Fn::Not": [{"Fn::Equals": [{"Ref": "PermissionsBoundary"}, ""]}]}),
        ),
        (
            "HasLogKmsKey".into(),
            json!({"Fn::Not": [{"Fn::Equals": [{"Ref": "LogKmsKeyArn"}, ""]}]}),
        ),
    ]
}

/// A rule's template parameters (one per rule parameter, named `<Rule><Param>`, with
/// the RuleSpec default), its InputParameters (each a `Ref` to its template parameter)
/// and, when it has required parameters, the condition that deploys it only once they
/// are given (`Deploy<Rule>`). The one place every template that carries rule
/// parameters declares them.
pub struct RuleInputs {
    /// Template parameters: name and declaration.
    pub parameters: Vec<(String, Value)>,
    /// InputParameters: parameter name → `{"Ref": template parameter}`.
    pub input: Map<String, Value>,
    /// The condition's name and expression, for a rule with required parameters.
    pub condition: Option<(String, Value)>,
}

/// The [`RuleInputs`] of `rule`.
pub fn rule_inputs(rule: &dyn Rule) -> RuleInputs {
    let spec = rule.spec();
    let c = camel(spec.name);
    let mut parameters = Vec::new();
    let mut input = Map::new();
    let mut required = Vec::new();
    for p in spec.parameters {
        let pname = format!("{c}{}", camel(p.name));
        let mut decl = json!({
            "Type": "String",
            "Default": p.default.unwrap_or(""),
            "Description": format!("{} {}: {} ({}{})", spec.name, p.name, p.description, p.kind.expected(), if p.required { ", required: the rule is not deployed while empty" } else { ", optional: empty means not checked" }),
        });
        if let ParamKind::Choice(words) = p.kind {
            let mut allowed: Vec<&str> = vec![""];
            allowed.extend(words.iter().copied());
            decl["AllowedValues"] = json!(allowed);
        }
        parameters.push((pname.clone(), decl));
        input.insert(p.name.to_string(), json!({"Ref": pname}));
        if p.required {
            required.push(json!({"Fn::Not": [{"Fn::Equals": [{"Ref": pname}, ""]}]}));
        }
    }
    let condition = match required.len() {
        0 => None,
        1 => Some((format!("Deploy{c}"), required.remove(0))),
        _ => Some((format!("Deploy{c}"), json!({"Fn::And": required}))),
    };
    RuleInputs {
        parameters,
        input,
        condition,
    }
}

/// What a rule function's role may do, and where it lives.
pub struct FunctionRole {
    /// The statements of its one inline policy.
    pub statements: Vec<Value>,
    /// Its IAM path (`/` when `None`).
    pub path: Option<Value>,
    /// checkov skips, each with its reason.
    pub skips: Vec<Value>,
}

/// A rule's role (`<Rule>ExecutionRole`), log group (`<Rule>LogGroup`) and function
/// (`<Rule>Function`): provided.al2023 on arm64, code from `CodeBucket`/`CodeKeyPrefix`,
/// memory and timeout from the RuleSpec, JSON logs. The template declares the
/// parameters they use (`CodeBucket`, `CodeKeyPrefix`, `NamePrefix`, `LogRetentionDays`,
/// `LogKmsKeyArn`, `PermissionsBoundary`) and the conditions `HasLogKmsKey` and
/// `HasPermissionsBoundary`. Shared by the rules template and the organization's
/// central functions.
pub fn function_resources(rule: &dyn Rule, role: FunctionRole) -> Vec<(String, Value)> {
    let spec = rule.spec();
    let c = camel(spec.name);
    let function_name = json!({"Fn::Sub": format!("${{NamePrefix}}{}", spec.name)});
    let log_group_name = json!({"Fn::Sub": format!("/aws/lambda/${{NamePrefix}}{}", spec.name)});
    let mut role_props = json!({
        "Description": format!("ferrule rule function {} (least privilege)", spec.name),
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "PermissionsBoundary": {"Fn::If": ["HasPermissionsBoundary", {"Ref": "PermissionsBoundary"}, {"Ref": "AWS::NoValue"}]},
        "Policies": [{"PolicyName": "rule", "PolicyDocument": {"Version": "2012-10-17", "Statement": role.statements}}]
    });
    if let Some(path) = role.path {
        role_props["Path"] = path;
    }
    let mut role_resource = json!({"Type": "AWS::IAM::Role", "Properties": role_props});
    if !role.skips.is_empty() {
        role_resource["Metadata"] = json!({"checkov": {"skip": role.skips}});
    }
    vec![
        (format!("{c}ExecutionRole"), role_resource),
        (
            format!("{c}LogGroup"),
            json!({
                "Type": "AWS::Logs::LogGroup",
                "DeletionPolicy": "Delete",
                "UpdateReplacePolicy": "Delete",
                "Metadata": {"checkov": {"skip": [skip("CKV_AWS_158", "KMS encryption is the LogKmsKeyArn parameter's choice; CloudWatch Logs encrypts at rest by default")]}},
                "Properties": {
                    "LogGroupName": log_group_name,
                    "RetentionInDays": {"Ref": "LogRetentionDays"},
                    "KmsKeyId": {"Fn::If": ["HasLogKmsKey", {"Ref": "LogKmsKeyArn"}, {"Ref": "AWS::NoValue"}]}
                }
            }),
        ),
        (
            format!("{c}Function"),
            json!({
                "Type": "AWS::Lambda::Function",
                "Metadata": {"checkov": {"skip": [
                    skip("CKV_AWS_115", "AWS Config paces invocations per rule; reserved concurrency would take from the account pool for no gain"),
                    skip("CKV_AWS_116", "AWS Config re-invokes a rule whose invocation failed, and the function fails whenever an evaluation was not delivered; a DLQ would hold nothing to replay"),
                    skip("CKV_AWS_117", "the function only calls AWS APIs; a VPC would add NAT or endpoints and cold-start latency"),
                    skip("CKV_AWS_173", "the function has no environment variables")
                ]}},
                "Properties": {
                    "FunctionName": function_name,
                    "Description": spec.description,
                    "Runtime": "provided.al2023",
                    "Architectures": ["arm64"],
                    "Handler": "bootstrap",
                    "Code": {"S3Bucket": {"Ref": "CodeBucket"}, "S3Key": {"Fn::Sub": format!("${{CodeKeyPrefix}}{}.zip", spec.name)}},
                    "MemorySize": spec.memory_mb,
                    "Timeout": spec.timeout_seconds,
                    "Role": {"Fn::GetAtt": [format!("{c}ExecutionRole"), "Arn"]},
                    "LoggingConfig": {"LogFormat": "JSON", "ApplicationLogLevel": "INFO", "SystemLogLevel": "WARN", "LogGroup": {"Ref": format!("{c}LogGroup")}},
                    "TracingConfig": {"Mode": "PassThrough"}
                }
            }),
        ),
    ]
}

/// The properties of a rule's `AWS::Config::ConfigRule` (a custom Lambda rule): its
/// name, description, function, triggers (change notifications with the rule's resource
/// types as scope, and the schedule) and InputParameters. The one place both the rules
/// template and conformance packs write them.
pub fn config_rule_properties(
    rule: &dyn Rule,
    name: Value,
    function_arn: Value,
    input: Map<String, Value>,
) -> Value {
    let spec = rule.spec();
    let mut source_details = Vec::new();
    if spec.trigger.on_change() {
        for m in [
            "ConfigurationItemChangeNotification",
            "OversizedConfigurationItemChangeNotification",
        ] {
            source_details.push(json!({"EventSource": "aws.config", "MessageType": m}));
        }
    }
    if spec.trigger.periodic() {
        source_details.push(json!({"EventSource": "aws.config", "MessageType": "ScheduledNotification", "MaximumExecutionFrequency": spec.trigger.frequency().map(|f| f.as_str())}));
    }
    let mut props = json!({
        "ConfigRuleName": name,
        "Description": spec.description,
        "Source": {"Owner": "CUSTOM_LAMBDA", "SourceIdentifier": function_arn, "SourceDetails": source_details},
    });
    if spec.trigger.on_change() {
        props["Scope"] = json!({"ComplianceResourceTypes": spec.resource_types});
    }
    if !input.is_empty() {
        props["InputParameters"] = Value::Object(input);
    }
    props
}

/// The rule choice a command takes: `--all`, `--rules`, `--rulesets` (see [`select`]).
#[derive(Debug, Clone, clap::Args)]
pub struct RuleSelection {
    /// Every rule of the catalog.
    #[arg(long)]
    pub all: bool,
    /// These rules (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub rules: Vec<String>,
    /// Rules of these sets (comma-separated): services (s3, ec2, iam, ...), severities, change, periodic.
    #[arg(long, value_delimiter = ',')]
    pub rulesets: Vec<String>,
}

impl RuleSelection {
    /// Whether no rule was chosen at all (no --all, --rules or --rulesets).
    pub fn is_empty(&self) -> bool {
        !self.all && self.rules.is_empty() && self.rulesets.is_empty()
    }

    /// The chosen rules, or why the choice is not valid.
    pub fn select(&self) -> Result<Vec<&'static dyn Rule>, String> {
        select(self.all, &self.rules, &self.rulesets)
    }
}

/// Which rules: `--all`, `--rules a,b`, `--rulesets s3,critical` (union).
pub fn select(
    all: bool,
    names: &[String],
    rulesets: &[String],
) -> Result<Vec<&'static dyn Rule>, String> {
    if !all && names.is_empty() && rulesets.is_empty() {
        return Err("choose the rules: --all, --rules NAME[,NAME], or --rulesets SET[,SET] (e.g. s3, iam, critical, periodic)".into());
    }
    let catalog = rules_lib::rules::catalog();
    for n in names {
        if rules_lib::rules::find(n).is_none() {
            return Err(crate::commands::find_rule(n)
                .err()
                .map(|e| e.message)
                .unwrap_or_default());
        }
    }
    let known: Vec<String> = {
        let mut k: Vec<String> = catalog.iter().flat_map(|r| r.spec().rulesets()).collect();
        k.sort();
        k.dedup();
        k
    };
    for s in rulesets {
        if !known.contains(s) {
            return Err(format!(
                "unknown rule set `{s}`; rule sets are: {}",
                known.join(", ")
            ));
        }
    }
    Ok(catalog
        .iter()
        .copied()
        .filter(|r| {
            all || names.iter().any(|n| n == r.spec().name)
                || r.spec().rulesets().iter().any(|s| rulesets.contains(s))
        })
        .collect())
}

/// Writes a JSON value as block-style YAML (keys in insertion order, strings quoted
/// when YAML would read them as something else).
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    write_yaml(v, 0, &mut out, false);
    out.trim_start_matches('\n').to_string()
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => quote(s),
        _ => unreachable!("scalar() is only called on scalars"),
    }
}

fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " -_./:,()${}*<>+=@".contains(c))
        && !s.starts_with([' ', '-', ':', '{', '}', '*', '<', '>', '@', '$', '(', ','])
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !s.contains(" #")
        && s.parse::<f64>().is_err()
        && !s.chars().all(|c| c.is_ascii_digit() || "-.:+ ".contains(c))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n"
        );
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("a string serializes")
    }
}

fn write_yaml(v: &Value, indent: usize, out: &mut String, in_list: bool) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) if m.is_empty() => out.push_str(" {}\n"),
        Value::Array(a) if a.is_empty() => out.push_str(" []\n"),
        Value::Object(m) => {
            if !in_list {
                out.push('\n');
            }
            for (i, (k, val)) in m.iter().enumerate() {
                if !(in_list && i == 0) {
                    out.push_str(&pad);
                }
                out.push_str(&quote(k));
                out.push(':');
                match val {
                    Value::Object(_) | Value::Array(_) => write_yaml(val, indent + 2, out, false),
                    _ => {
                        out.push(' ');
                        out.push_str(&scalar(val));
                        out.push('\n');
                    }
                }
            }
        }
        Value::Array(a) => {
            out.push('\n');
            for item in a {
                out.push_str(&pad);
                out.push_str("- ");
                match item {
                    Value::Object(m) if !m.is_empty() => write_yaml(item, indent + 2, out, true),
                    Value::Array(inner) if !inner.is_empty() => {
                        // A list inside a list: write it inline as JSON (valid YAML flow).
                        out.push_str(&serde_json::to_string(item).expect("serializes"));
                        out.push('\n');
                    }
                    _ => {
                        out.push_str(&match item {
                            Value::Object(_) => "{}".to_string(),
                            Value::Array(_) => "[]".to_string(),
                            other => scalar(other),
                        });
                        out.push('\n');
                    }
                }
            }
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_quotas_refuse_too_many_outputs_or_parameters_and_a_body_over_1_mb() {
        let many = |n: usize| -> Map<String, Value> {
            (0..n).map(|i| (format!("X{i}"), json!({}))).collect()
        };
        let ok = json!({"Resources": many(500), "Parameters": many(200), "Outputs": many(200)});
        assert_eq!(check_stack_quotas("test", &ok), Ok(()));
        for (section, n) in [("Resources", 501), ("Parameters", 201), ("Outputs", 201)] {
            let mut t = ok.clone();
            t[section] = Value::Object(many(n));
            let err = check_stack_quotas("test", &t).unwrap_err();
            assert!(
                err.contains(&format!("would hold {n} {}", section.to_lowercase())),
                "{err}"
            );
        }
        let big = json!({"Resources": {"Big": {"Type": "AWS::SNS::Topic", "Metadata": "x".repeat(MAX_TEMPLATE_BYTES)}}});
        let err = check_stack_quotas("test", &big).unwrap_err();
        assert!(err.contains("bytes, more than the 1000000"), "{err}");
    }

    #[test]
    fn parameter_names_never_collide_with_resource_names() {
        let t = rules_template(rules_lib::rules::catalog()).unwrap();
        let params = t["Parameters"].as_object().unwrap();
        for id in t["Resources"].as_object().unwrap().keys() {
            assert!(
                !params.contains_key(id),
                "{id} is both a parameter and a resource"
            );
        }
    }

    #[test]
    fn camel_case_ids() {
        assert_eq!(
            camel("s3-bucket-public-read-prohibited"),
            "S3BucketPublicReadProhibited"
        );
        assert_eq!(camel("kmsId"), "KmsId");
        assert_eq!(camel("tag1Key"), "Tag1Key");
    }

    #[test]
    fn yaml_quotes_what_yaml_would_misread() {
        let y = to_yaml(
            &json!({"a": "true", "b": "0123", "c": "plain text", "d": ["x", {"k": "v", "l": 1}], "e": {}, "f": "", "g": "a: b"}),
        );
        assert_eq!(y, "a: \"true\"\nb: \"0123\"\nc: plain text\nd:\n  - x\n  - k: v\n    l: 1\ne: {}\nf: \"\"\ng: \"a: b\"\n");
    }
}
