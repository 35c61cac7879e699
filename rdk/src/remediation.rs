//! The remediation half of the rules template: for every rule whose
//! [`RuleSpec`](rules_lib::RuleSpec) declares a [`Remediation`], an
//! `AWS::Config::RemediationConfiguration` running the rule's AWS-owned SSM Automation
//! document on a non-compliant resource, and the IAM role the automation assumes, granted
//! exactly the document's actions.
//!
//! All of it is off by default: the template parameter `RemediationMode` is `off`
//! (nothing is created), `manual` (remediations exist; a person starts one from the
//! console or `StartRemediationExecution`) or `automatic` (AWS Config runs the
//! remediations the rule marks safe unattended, retrying
//! `RemediationMaximumAutomaticAttempts` times within `RemediationRetryAttemptSeconds`;
//! the others stay manual).

use serde_json::{json, Map, Value};

use rules_lib::{ParamValue, Remediation, Rule};

/// `RemediationMode`: `off`, `manual` or `automatic`.
pub const MODE_PARAMETER: &str = "RemediationMode";
/// The values of `RemediationMode`, the default first.
pub const MODES: [&str; 3] = ["off", "manual", "automatic"];
/// `MaximumAutomaticAttempts` of every automatic remediation.
pub const ATTEMPTS_PARAMETER: &str = "RemediationMaximumAutomaticAttempts";
/// `RetryAttemptSeconds` of every automatic remediation.
pub const RETRY_SECONDS_PARAMETER: &str = "RemediationRetryAttemptSeconds";
/// The condition under which remediations exist (`RemediationMode` is not `off`).
pub const ON_CONDITION: &str = "RemediationOn";
/// The condition under which the safe remediations are automatic.
pub const AUTOMATIC_CONDITION: &str = "RemediationAutomatic";
/// The tag every remediation role carries; the pipeline's permissions boundary grants
/// the runbooks' actions only to principals with it.
pub const ROLE_TAG: (&str, &str) = ("ferrule-role", "remediation");

/// The logical id of a rule's remediation configuration (`camel` is the rule's
/// `template::camel` name).
pub fn configuration_id(camel: &str) -> String {
    format!("{camel}Remediation")
}

/// The logical id of the role a rule's remediation assumes.
pub fn role_id(camel: &str) -> String {
    format!("{camel}RemediationRole")
}

/// Adds the parameters and conditions every remediation uses, when any of `rules` has a
/// remediation.
pub fn add_parameters(
    rules: &[&dyn Rule],
    parameters: &mut Map<String, Value>,
    conditions: &mut Map<String, Value>,
) {
    if !rules.iter().any(|r| r.spec().remediation.is_some()) {
        return;
    }
    parameters.insert(MODE_PARAMETER.into(), json!({
        "Type": "String",
        "Default": MODES[0],
        "AllowedValues": MODES,
        "Description": "Remediation of the rules that declare one (an AWS-owned SSM Automation document): off (none created), manual (run by a person), automatic (AWS Config runs the remediations marked safe by itself; the others stay manual)"
    }));
    parameters.insert(ATTEMPTS_PARAMETER.into(), json!({
        "Type": "Number",
        "Default": 5,
        "MinValue": 1,
        "MaxValue": 25,
        "Description": "Automatic remediation: failed attempts on one resource before AWS Config stops retrying it"
    }));
    parameters.insert(RETRY_SECONDS_PARAMETER.into(), json!({
        "Type": "Number",
        "Default": 60,
        "MinValue": 1,
        "MaxValue": 2678000,
        "Description": "Automatic remediation: the window, in seconds, in which those attempts are counted"
    }));
    conditions.insert(
        ON_CONDITION.into(),
        json!({"Fn::Not": [{"Fn::Equals": [{"Ref": MODE_PARAMETER}, MODES[0]]}]}),
    );
    conditions.insert(
        AUTOMATIC_CONDITION.into(),
        json!({"Fn::Equals": [{"Ref": MODE_PARAMETER}, MODES[2]]}),
    );
}

/// The remediation resources of one rule (none without a remediation): its role and its
/// remediation configuration, under [`ON_CONDITION`] (and the rule's own `deploy`
/// condition, combined in a condition added to `conditions`).
pub fn resources(
    rule: &dyn Rule,
    camel: &str,
    deploy: Option<&str>,
    conditions: &mut Map<String, Value>,
) -> Vec<(String, Value)> {
    let spec = rule.spec();
    let Some(m) = spec.remediation else {
        return Vec::new();
    };
    let condition = match deploy {
        None => ON_CONDITION.to_string(),
        Some(d) => {
            let name = format!("Remediate{camel}");
            conditions.insert(
                name.clone(),
                json!({"Fn::And": [{"Condition": ON_CONDITION}, {"Condition": d}]}),
            );
            name
        }
    };
    let role = role_id(camel);
    vec![
        (
            role.clone(),
            json!({
                "Type": "AWS::IAM::Role",
                "Condition": condition,
                "Properties": {
                    "Description": format!("ferrule remediation of {}: SSM Automation {} assumes this role", spec.name, m.document),
                    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                        "Effect": "Allow",
                        "Principal": {"Service": "ssm.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                            "ArnLike": {"aws:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-execution/*"}}
                        }
                    }]},
                    "PermissionsBoundary": {"Fn::If": ["HasPermissionsBoundary", {"Ref": "PermissionsBoundary"}, {"Ref": "AWS::NoValue"}]},
                    "Tags": [{"Key": ROLE_TAG.0, "Value": ROLE_TAG.1}],
                    "Policies": [{"PolicyName": "runbook", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                        "Sid": "Runbook",
                        "Effect": "Allow",
                        "Action": m.sorted_actions(),
                        "Resource": "*"
                    }]}}]
                }
            }),
        ),
        (
            configuration_id(camel),
            json!({
                "Type": "AWS::Config::RemediationConfiguration",
                "Condition": condition,
                "Properties": configuration_properties(
                    rule,
                    m,
                    json!({"Ref": format!("{camel}ConfigRule")}),
                    json!({"Fn::GetAtt": [role, "Arn"]}),
                )
            }),
        ),
    ]
}

/// The properties of a rule's `AWS::Config::RemediationConfiguration`: the rule
/// (`rule_name`), the document, its parameters (the role as `role_arn`, the resource id
/// as `RESOURCE_ID`, fixed values), automatic only under [`AUTOMATIC_CONDITION`] for a
/// remediation marked safe, and the retries from the template parameters.
pub fn configuration_properties(
    rule: &dyn Rule,
    m: &Remediation,
    rule_name: Value,
    role_arn: Value,
) -> Value {
    let spec = rule.spec();
    let mut parameters = Map::new();
    for p in m.parameters {
        let value = match p.value {
            ParamValue::ResourceId => {
                json!({"ResourceValue": {"Value": rules_lib::remediation::RESOURCE_ID}})
            }
            ParamValue::Static(v) => json!({"StaticValue": {"Values": [v]}}),
            ParamValue::AssumeRole => json!({"StaticValue": {"Values": [role_arn.clone()]}}),
        };
        parameters.insert(p.name.to_string(), value);
    }
    let automatic = if m.automatic {
        json!({"Fn::If": [AUTOMATIC_CONDITION, true, false]})
    } else {
        json!(false)
    };
    let mut props = json!({
        "ConfigRuleName": rule_name,
        "TargetType": "SSM_DOCUMENT",
        "TargetId": m.document,
        "Parameters": parameters,
        "Automatic": automatic,
        "MaximumAutomaticAttempts": {"Ref": ATTEMPTS_PARAMETER},
        "RetryAttemptSeconds": {"Ref": RETRY_SECONDS_PARAMETER},
    });
    if let [only] = spec.resource_types {
        props["ResourceType"] = json!(only);
    }
    props
}
