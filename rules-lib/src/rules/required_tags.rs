//! `required-tags`: resources carry the required tags (and allowed values).

use std::collections::BTreeMap;

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

/// `required-tags` (AWS managed rule REQUIRED_TAGS).
///
/// Documented logic: NON_COMPLIANT when a resource lacks one of the tag keys
/// `tag1Key`..`tag6Key`, or when `tagNValue` (a comma-separated list of allowed values)
/// is given and the tag's value is not one of them. `tag1Key` is required. Keys and
/// values are case-sensitive.
///
/// Choices: tags are read from the item's `tags`, else `configuration.tags` /
/// `configuration.tagSet` / `supplementaryConfiguration.Tags` (objects or
/// `[{key, value}]` lists), since some resource types record them only there. The scope
/// is the resource types the managed rule documents, plus Lambda functions, SNS topics,
/// SQS queues, KMS keys and Secrets Manager secrets. A `tagNValue` without `tagNKey` is
/// ignored, as by the managed rule. This rule is change-triggered only: BatchGetResourceConfig
/// returns no tags, so a periodic sweep through it could not judge tags.
pub struct RequiredTags;

static SPEC: RuleSpec = RuleSpec {
    name: "required-tags",
    description: "Resources carry the required tag keys, with allowed values when set.",
    resource_types: &[
        "AWS::ACM::Certificate",
        "AWS::AutoScaling::AutoScalingGroup",
        "AWS::CloudFormation::Stack",
        "AWS::CodeBuild::Project",
        "AWS::DynamoDB::Table",
        "AWS::EC2::CustomerGateway",
        "AWS::EC2::Instance",
        "AWS::EC2::InternetGateway",
        "AWS::EC2::NetworkAcl",
        "AWS::EC2::NetworkInterface",
        "AWS::EC2::RouteTable",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::Subnet",
        "AWS::EC2::Volume",
        "AWS::EC2::VPC",
        "AWS::EC2::VPNConnection",
        "AWS::EC2::VPNGateway",
        "AWS::ElasticLoadBalancing::LoadBalancer",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "AWS::KMS::Key",
        "AWS::Lambda::Function",
        "AWS::RDS::DBInstance",
        "AWS::RDS::DBSecurityGroup",
        "AWS::RDS::DBSnapshot",
        "AWS::RDS::DBSubnetGroup",
        "AWS::RDS::EventSubscription",
        "AWS::Redshift::Cluster",
        "AWS::Redshift::ClusterParameterGroup",
        "AWS::Redshift::ClusterSecurityGroup",
        "AWS::Redshift::ClusterSnapshot",
        "AWS::Redshift::ClusterSubnetGroup",
        "AWS::S3::Bucket",
        "AWS::SecretsManager::Secret",
        "AWS::SNS::Topic",
        "AWS::SQS::Queue",
    ],
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[
        ParamSpec::required(
            "tag1Key",
            ParamKind::String,
            "A tag key every resource must have",
        ),
        ParamSpec::optional(
            "tag1Value",
            ParamKind::Csv,
            "Allowed values of tag1Key (comma-separated)",
        ),
        ParamSpec::optional("tag2Key", ParamKind::String, "A second required tag key"),
        ParamSpec::optional("tag2Value", ParamKind::Csv, "Allowed values of tag2Key"),
        ParamSpec::optional("tag3Key", ParamKind::String, "A third required tag key"),
        ParamSpec::optional("tag3Value", ParamKind::Csv, "Allowed values of tag3Key"),
        ParamSpec::optional("tag4Key", ParamKind::String, "A fourth required tag key"),
        ParamSpec::optional("tag4Value", ParamKind::Csv, "Allowed values of tag4Key"),
        ParamSpec::optional("tag5Key", ParamKind::String, "A fifth required tag key"),
        ParamSpec::optional("tag5Value", ParamKind::Csv, "Allowed values of tag5Key"),
        ParamSpec::optional("tag6Key", ParamKind::String, "A sixth required tag key"),
        ParamSpec::optional("tag6Value", ParamKind::Csv, "Allowed values of tag6Key"),
    ],
    severity: Severity::Low,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
};

const KEYS: [(&str, &str); 6] = [
    ("tag1Key", "tag1Value"),
    ("tag2Key", "tag2Value"),
    ("tag3Key", "tag3Value"),
    ("tag4Key", "tag4Value"),
    ("tag5Key", "tag5Value"),
    ("tag6Key", "tag6Value"),
];

/// The resource's tags, from wherever its type records them (borrowed when the item's
/// own `tags` has them, as it mostly does).
pub(crate) fn resource_tags(
    item: &ConfigurationItem,
) -> std::borrow::Cow<'_, BTreeMap<String, String>> {
    if !item.tags.is_empty() {
        return std::borrow::Cow::Borrowed(&item.tags);
    }
    for v in [
        item.configuration.get("tags"),
        item.configuration.get("tagSet"),
        item.configuration.get("Tags"),
        item.supplementary("Tags"),
    ]
    .into_iter()
    .flatten()
    {
        let t = crate::item::tags_from_value(v);
        if !t.is_empty() {
            return std::borrow::Cow::Owned(t);
        }
    }
    std::borrow::Cow::Owned(BTreeMap::new())
}

impl Rule for RequiredTags {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, RuleError> {
        let tags = resource_tags(item);
        let mut problems = Vec::new();
        for (key_param, value_param) in KEYS {
            let Some(key) = params.str(key_param) else {
                continue;
            };
            match tags.get(key) {
                None => problems.push(format!("tag {key} is missing")),
                Some(v) => {
                    if let Some(allowed) = params.list(value_param).filter(|a| !a.is_empty()) {
                        if !allowed.iter().any(|a| a == v) {
                            // The value itself is not echoed: tag values can hold
                            // what should not reach annotations and logs.
                            problems.push(format!(
                                "tag {key} has a value that is not one of {}",
                                allowed.join(", ")
                            ));
                        }
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(Verdict::compliant("all required tags are present"))
        } else {
            Ok(Verdict::non_compliant(problems.join("; ")))
        }
    }
}
