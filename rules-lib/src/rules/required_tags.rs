//! `required-tags`: resources carry the required tags (and allowed values).

use std::collections::BTreeMap;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::views::Untyped;
use crate::rule::{ItemRule, RuleSpec, Severity};

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

/// `tag1Key`.
const TAG1_KEY: ParamSpec = ParamSpec::required(
        "tag1Key",
        ParamKind::String,
        "A tag key every resource must have",
    );

/// `tag1Value`.
const TAG1_VALUE: ParamSpec = ParamSpec::optional(
        "tag1Value",
        ParamKind::Csv,
        "Allowed values of tag1Key (comma-separated)",
    );

/// `tag2Key`.
const TAG2_KEY: ParamSpec = ParamSpec::optional("tag2Key", ParamKind::String, "A second required tag key");

/// `tag2Value`.
const TAG2_VALUE: ParamSpec = ParamSpec::optional("tag2Value", ParamKind::Csv, "Allowed values of tag2Key");

/// `tag3Key`.
const TAG3_KEY: ParamSpec = ParamSpec::optional("tag3Key", ParamKind::String, "A third required tag key");

/// `tag3Value`.
const TAG3_VALUE: ParamSpec = ParamSpec::optional("tag3Value", ParamKind::Csv, "Allowed values of tag3Key");

/// `tag4Key`.
const TAG4_KEY: ParamSpec = ParamSpec::optional("tag4Key", ParamKind::String, "A fourth required tag key");

/// `tag4Value`.
const TAG4_VALUE: ParamSpec = ParamSpec::optional("tag4Value", ParamKind::Csv, "Allowed values of tag4Key");

/// `tag5Key`.
const TAG5_KEY: ParamSpec = ParamSpec::optional("tag5Key", ParamKind::String, "A fifth required tag key");

/// `tag5Value`.
const TAG5_VALUE: ParamSpec = ParamSpec::optional("tag5Value", ParamKind::Csv, "Allowed values of tag5Key");

/// `tag6Key`.
const TAG6_KEY: ParamSpec = ParamSpec::optional("tag6Key", ParamKind::String, "A sixth required tag key");

/// `tag6Value`.
const TAG6_VALUE: ParamSpec = ParamSpec::optional("tag6Value", ParamKind::Csv, "Allowed values of tag6Key");

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
    parameters: &[TAG1_KEY, TAG1_VALUE, TAG2_KEY, TAG2_VALUE, TAG3_KEY, TAG3_VALUE, TAG4_KEY, TAG4_VALUE, TAG5_KEY, TAG5_VALUE, TAG6_KEY, TAG6_VALUE],
    severity: Severity::Low,
    ..RuleSpec::CHANGE
};

const KEYS: [(&ParamSpec, &ParamSpec); 6] = [
    (&TAG1_KEY, &TAG1_VALUE),
    (&TAG2_KEY, &TAG2_VALUE),
    (&TAG3_KEY, &TAG3_VALUE),
    (&TAG4_KEY, &TAG4_VALUE),
    (&TAG5_KEY, &TAG5_VALUE),
    (&TAG6_KEY, &TAG6_VALUE),
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

impl ItemRule for RequiredTags {
    type View = Untyped;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, _view: &Untyped, params: &Params) -> Verdict {
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
            Verdict::compliant("all required tags are present")
        } else {
            Verdict::non_compliant(problems.join("; "))
        }
    }
}
