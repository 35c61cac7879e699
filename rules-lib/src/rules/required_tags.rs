//! `required-tags`: resources carry the required tags (and allowed values).

use std::collections::BTreeMap;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec, Severity};
use crate::views::Untyped;

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
const TAG2_KEY: ParamSpec =
    ParamSpec::optional("tag2Key", ParamKind::String, "A second required tag key");

/// `tag2Value`.
const TAG2_VALUE: ParamSpec =
    ParamSpec::optional("tag2Value", ParamKind::Csv, "Allowed values of tag2Key");

/// `tag3Key`.
const TAG3_KEY: ParamSpec =
    ParamSpec::optional("tag3Key", ParamKind::String, "A third required tag key");

/// `tag3Value`.
const TAG3_VALUE: ParamSpec =
    ParamSpec::optional("tag3Value", ParamKind::Csv, "Allowed values of tag3Key");

/// `tag4Key`.
const TAG4_KEY: ParamSpec =
    ParamSpec::optional("tag4Key", ParamKind::String, "A fourth required tag key");

/// `tag4Value`.
const TAG4_VALUE: ParamSpec =
    ParamSpec::optional("tag4Value", ParamKind::Csv, "Allowed values of tag4Key");

/// `tag5Key`.
const TAG5_KEY: ParamSpec =
    ParamSpec::optional("tag5Key", ParamKind::String, "A fifth required tag key");

/// `tag5Value`.
const TAG5_VALUE: ParamSpec =
    ParamSpec::optional("tag5Value", ParamKind::Csv, "Allowed values of tag5Key");

/// `tag6Key`.
const TAG6_KEY: ParamSpec =
    ParamSpec::optional("tag6Key", ParamKind::String, "A sixth required tag key");

/// `tag6Value`.
const TAG6_VALUE: ParamSpec =
    ParamSpec::optional("tag6Value", ParamKind::Csv, "Allowed values of tag6Key");

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
    parameters: &[
        TAG1_KEY, TAG1_VALUE, TAG2_KEY, TAG2_VALUE, TAG3_KEY, TAG3_VALUE, TAG4_KEY, TAG4_VALUE,
        TAG5_KEY, TAG5_VALUE, TAG6_KEY, TAG6_VALUE,
    ],
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
    // Only the three fields are read from the configuration's text, not all of it.
    #[derive(serde::Deserialize, Default)]
    struct TagFields {
        tags: Option<serde_json::Value>,
        #[serde(rename = "tagSet")]
        tag_set: Option<serde_json::Value>,
        #[serde(rename = "Tags")]
        upper: Option<serde_json::Value>,
    }
    let fields: TagFields = item.configuration.read().unwrap_or_default();
    for v in [
        fields.tags.as_ref(),
        fields.tag_set.as_ref(),
        fields.upper.as_ref(),
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

#[cfg(test)]
#[allow(non_snake_case)] // test names spell parameters and fields as users write them
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::rule::Trigger;
    use crate::testing::verdict;
    use serde_json::json;

    fn tagged(tags: serde_json::Value) -> serde_json::Value {
        json!({"resourceType": "AWS::EC2::Instance", "configuration": {"instanceId": "i-1"},
               "tags": tags})
    }

    #[test]
    fn a_resource_with_tag1Key_is_compliant_and_without_it_not() {
        let (c, a) = verdict(
            &RequiredTags,
            tagged(json!({"Owner": "team-a"})),
            json!({"tag1Key": "Owner"}),
        );
        assert_eq!(c, Compliant);
        assert_eq!(a, "all required tags are present");
        let (c, a) = verdict(
            &RequiredTags,
            tagged(json!({"owner": "team-a"})),
            json!({"tag1Key": "Owner"}),
        );
        assert_eq!(c, NonCompliant, "keys are case-sensitive");
        assert_eq!(a, "tag Owner is missing");
    }

    #[test]
    fn an_untagged_resource_is_non_compliant() {
        let (c, a) = verdict(
            &RequiredTags,
            json!({"resourceType": "AWS::S3::Bucket", "configuration": {"name": "b"}}),
            json!({"tag1Key": "Owner"}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "tag Owner is missing");
    }

    #[test]
    fn tag1Value_lists_the_allowed_values_case_sensitively_without_echoing_the_value() {
        let p = json!({"tag1Key": "Env", "tag1Value": "prod, staging"});
        for ok in ["prod", "staging"] {
            let (c, _) = verdict(&RequiredTags, tagged(json!({"Env": ok})), p.clone());
            assert_eq!(c, Compliant, "{ok}");
        }
        for bad in ["Prod", "secret-dev-value"] {
            let (c, a) = verdict(&RequiredTags, tagged(json!({"Env": bad})), p.clone());
            assert_eq!(c, NonCompliant, "{bad}");
            assert_eq!(a, "tag Env has a value that is not one of prod, staging");
            assert!(!a.contains(bad), "{a}");
        }
    }

    #[test]
    fn tag2Key_to_tag6Key_and_their_values_are_checked_and_every_problem_reported() {
        let p = json!({"tag1Key": "A", "tag2Key": "B", "tag2Value": "b",
                       "tag3Key": "C", "tag4Key": "D", "tag4Value": "d1,d2",
                       "tag5Key": "E", "tag6Key": "F", "tag6Value": "f"});
        let all = json!({"A": "", "B": "b", "C": "c", "D": "d2", "E": "e", "F": "f"});
        assert_eq!(verdict(&RequiredTags, tagged(all), p.clone()).0, Compliant);
        let some = json!({"A": "a", "B": "x", "D": "x", "F": "f"});
        let (c, a) = verdict(&RequiredTags, tagged(some), p);
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "tag B has a value that is not one of b; tag C is missing; \
             tag D has a value that is not one of d1, d2; tag E is missing"
        );
        for n in 2..=6 {
            let (c, a) = verdict(
                &RequiredTags,
                tagged(json!({"A": "a"})),
                json!({"tag1Key": "A", (format!("tag{n}Key")): "Z"}),
            );
            assert_eq!(c, NonCompliant, "tag{n}Key");
            assert_eq!(a, "tag Z is missing");
        }
    }

    #[test]
    fn a_tagNValue_without_tagNKey_is_ignored() {
        let (c, _) = verdict(
            &RequiredTags,
            tagged(json!({"A": "a"})),
            json!({"tag1Key": "A", "tag2Value": "x", "tag6Value": "y"}),
        );
        assert_eq!(c, Compliant);
    }

    #[test]
    fn an_empty_tagNValue_allows_any_value() {
        let (c, _) = verdict(
            &RequiredTags,
            tagged(json!({"A": "anything"})),
            json!({"tag1Key": "A", "tag1Value": ""}),
        );
        assert_eq!(c, Compliant);
    }

    #[test]
    fn tags_are_read_from_the_configuration_or_supplementary_configuration_when_the_item_has_none()
    {
        let p = json!({"tag1Key": "Owner", "tag1Value": "team-a"});
        let cases = [
            (
                "AWS::Lambda::Function",
                json!({"tags": {"Owner": "team-a"}}),
                json!({}),
            ),
            (
                "AWS::S3::Bucket",
                json!({"tagSet": [{"key": "Owner", "value": "team-a"}]}),
                json!({}),
            ),
            (
                "AWS::SQS::Queue",
                json!({"tags": [{"Key": "Owner", "Value": "team-a"}]}),
                json!({}),
            ),
            (
                "AWS::KMS::Key",
                json!({"keyId": "k"}),
                json!({"Tags": [{"tagKey": "x"}, {"key": "Owner", "value": "team-a"}]}),
            ),
            (
                "AWS::SecretsManager::Secret",
                json!({"name": "s"}),
                json!({"Tags": {"Owner": "team-a"}}),
            ),
        ];
        for (resource_type, configuration, supplementary) in cases {
            let item = json!({"resourceType": resource_type, "configuration": configuration,
                              "supplementaryConfiguration": supplementary});
            let (c, a) = verdict(&RequiredTags, item, p.clone());
            assert_eq!(c, Compliant, "{resource_type}: {a}");
        }
    }

    #[test]
    fn the_items_own_tags_come_first() {
        let item = json!({"resourceType": "AWS::SNS::Topic",
                          "configuration": {"tags": {"Owner": "team-b"}},
                          "tags": {"Owner": "team-a"}});
        let (c, _) = verdict(
            &RequiredTags,
            item,
            json!({"tag1Key": "Owner", "tag1Value": "team-a"}),
        );
        assert_eq!(c, Compliant);
    }

    #[test]
    fn the_scope_is_the_managed_types_plus_lambda_sns_sqs_kms_and_secrets() {
        for t in [
            "AWS::EC2::Instance",
            "AWS::S3::Bucket",
            "AWS::RDS::DBInstance",
            "AWS::Lambda::Function",
            "AWS::SNS::Topic",
            "AWS::SQS::Queue",
            "AWS::KMS::Key",
            "AWS::SecretsManager::Secret",
        ] {
            assert!(SPEC.in_scope(t), "{t}");
        }
        let (c, _) = verdict(
            &RequiredTags,
            json!({"resourceType": "AWS::IAM::Role", "configuration": {}}),
            json!({"tag1Key": "Owner"}),
        );
        assert_eq!(c, NotApplicable);
    }

    #[test]
    fn tag1Key_is_required_and_the_rule_is_change_triggered_only() {
        assert!(SPEC.parameter("tag1Key").is_some_and(|p| p.required));
        assert!(SPEC
            .parameters
            .iter()
            .filter(|p| p.name != "tag1Key")
            .all(|p| !p.required));
        assert_eq!(SPEC.trigger, Trigger::Change);
    }
}
