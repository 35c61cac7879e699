//! `resource-policy-no-public-access`: no resource policy grants anything to everyone.

use serde_json::Value;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::policy::PolicyDocument;
use crate::rule::{ItemRule, RuleSpec, Severity};
use crate::views::Untyped;

/// `resource-policy-no-public-access` (ferrule; the deploy-time IAM Access Analyzer
/// check, run on every change).
///
/// One rule over the resource policies of S3 buckets (`BucketPolicy.policyText`), SQS
/// queues (`configuration.Policy`), SNS topics (`configuration.Policy`), Lambda
/// functions (`supplementaryConfiguration.Policy`) and KMS keys
/// (`supplementaryConfiguration.Policy`). NON_COMPLIANT when an Allow statement grants a
/// public principal (`*`, `{"AWS": "*"}`, any `NotPrincipal`) any action without a
/// condition that pins it to an account, organization, VPC, VPC endpoint, IP range or
/// source, or lets `s3.amazonaws.com` use it for any account: the one decision of
/// [`crate::policy::PolicyDocument::exposures`], shared with
/// `lambda-function-public-access-prohibited`. The annotation names each statement and
/// its actions.
/// A resource without a policy is COMPLIANT.
pub struct ResourcePolicyNoPublicAccess;

static SPEC: RuleSpec = RuleSpec {
    name: "resource-policy-no-public-access",
    description: "Resource policies (S3, SQS, SNS, Lambda, KMS) grant nothing to everyone without a pinning condition.",
    resource_types: &["AWS::S3::Bucket", "AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::Lambda::Function", "AWS::KMS::Key"],
    severity: Severity::Critical,
    ..RuleSpec::CHANGE
};

fn policy_of(item: &ConfigurationItem) -> Option<&Value> {
    let v = match item.resource_type.as_str() {
        "AWS::S3::Bucket" => item.supplementary("BucketPolicy")?.get("policyText")?,
        "AWS::SQS::Queue" | "AWS::SNS::Topic" => item
            .configuration
            .get("Policy")
            .or_else(|| item.configuration.get("policy"))?,
        _ => item.supplementary("Policy")?,
    };
    (!v.is_null() && v.as_str() != Some("")).then_some(v)
}

impl ItemRule for ResourcePolicyNoPublicAccess {
    type View = Untyped;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, _view: &Untyped, _params: &Params) -> Verdict {
        let Some(policy) = policy_of(item) else {
            return Verdict::compliant("the resource has no resource policy");
        };
        match PolicyDocument::from_value(policy) {
            Err(e) => Verdict::non_compliant(format!("the resource policy cannot be read: {e}")),
            Ok(doc) => {
                let exposures = doc.exposures();
                if exposures.is_empty() {
                    Verdict::compliant("the resource policy grants nothing to everyone")
                } else {
                    Verdict::non_compliant(exposures.join("; "))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::json;

    const TYPES: [&str; 5] = [
        "AWS::S3::Bucket",
        "AWS::SQS::Queue",
        "AWS::SNS::Topic",
        "AWS::Lambda::Function",
        "AWS::KMS::Key",
    ];

    /// An item of this type with the policy (written as JSON text, as Config records
    /// it) where the type keeps it.
    fn item(resource_type: &str, policy: &Value) -> Value {
        let text = policy.to_string();
        let (configuration, supplementary) = match resource_type {
            "AWS::S3::Bucket" => (
                json!({"name": "b"}),
                json!({"BucketPolicy": {"policyText": text}}),
            ),
            "AWS::SQS::Queue" | "AWS::SNS::Topic" => (json!({"Policy": text}), json!({})),
            _ => (json!({"name": "x"}), json!({"Policy": text})),
        };
        json!({"resourceType": resource_type, "configuration": configuration,
               "supplementaryConfiguration": supplementary})
    }

    fn statement(principal: Value, condition: Value) -> Value {
        json!({"Sid": "s1", "Effect": "Allow", "Principal": principal,
               "Action": "sqs:SendMessage", "Resource": "*", "Condition": condition})
    }

    fn policy(statements: Vec<Value>) -> Value {
        json!({"Version": "2012-10-17", "Statement": statements})
    }

    fn judge(resource_type: &str, policy: &Value) -> (crate::evaluation::Compliance, String) {
        verdict(
            &ResourcePolicyNoPublicAccess,
            item(resource_type, policy),
            json!({}),
        )
    }

    fn public() -> Value {
        policy(vec![statement(json!("*"), json!({}))])
    }

    #[test]
    fn each_types_policy_is_read_where_the_type_keeps_it() {
        for t in TYPES {
            let (c, a) = judge(t, &public());
            assert_eq!(c, NonCompliant, "{t}");
            assert_eq!(a, "statement s1 allows sqs:SendMessage to everyone", "{t}");
        }
    }

    #[test]
    fn a_policy_elsewhere_than_where_the_type_keeps_it_is_not_read() {
        let text = public().to_string();
        let cases = [
            (
                "AWS::S3::Bucket",
                json!({"Policy": text}),
                json!({"Policy": text}),
            ),
            ("AWS::SQS::Queue", json!({}), json!({"Policy": text})),
            (
                "AWS::SNS::Topic",
                json!({}),
                json!({"BucketPolicy": {"policyText": text}}),
            ),
            ("AWS::Lambda::Function", json!({"Policy": text}), json!({})),
            ("AWS::KMS::Key", json!({"Policy": text}), json!({})),
        ];
        for (t, configuration, supplementary) in cases {
            let i = json!({"resourceType": t, "configuration": configuration,
                           "supplementaryConfiguration": supplementary});
            let (c, a) = verdict(&ResourcePolicyNoPublicAccess, i, json!({}));
            assert_eq!(c, Compliant, "{t}");
            assert_eq!(a, "the resource has no resource policy", "{t}");
        }
    }

    #[test]
    fn policies_are_read_as_objects_and_in_the_api_shape_too() {
        let s3 = json!({"resourceType": "AWS::S3::Bucket", "configuration": {},
            "supplementaryConfiguration": {"BucketPolicy":
                json!({"policyText": public().to_string()}).to_string()}});
        assert_eq!(
            verdict(&ResourcePolicyNoPublicAccess, s3, json!({})).0,
            NonCompliant
        );
        let sqs = json!({"resourceType": "AWS::SQS::Queue", "configuration": {"Policy": public()}});
        assert_eq!(
            verdict(&ResourcePolicyNoPublicAccess, sqs, json!({})).0,
            NonCompliant
        );
    }

    #[test]
    fn a_resource_without_a_policy_is_compliant() {
        for t in TYPES {
            let i = json!({"resourceType": t, "configuration": {"name": "x"}});
            let (c, a) = verdict(&ResourcePolicyNoPublicAccess, i, json!({}));
            assert_eq!(c, Compliant, "{t}");
            assert_eq!(a, "the resource has no resource policy");
        }
        let empty = json!({"resourceType": "AWS::SQS::Queue", "configuration": {"Policy": ""}});
        assert_eq!(
            verdict(&ResourcePolicyNoPublicAccess, empty, json!({})).1,
            "the resource has no resource policy"
        );
        let null = json!({"resourceType": "AWS::S3::Bucket", "configuration": {},
                          "supplementaryConfiguration": {"BucketPolicy": {"policyText": null}}});
        assert_eq!(
            verdict(&ResourcePolicyNoPublicAccess, null, json!({})).0,
            Compliant
        );
    }

    #[test]
    fn every_public_principal_form_is_public() {
        for principal in [
            json!("*"),
            json!({"AWS": "*"}),
            json!({"AWS": ["arn:aws:iam::111122223333:root", "*"]}),
        ] {
            let (c, _) = judge(
                "AWS::SQS::Queue",
                &policy(vec![statement(principal.clone(), json!({}))]),
            );
            assert_eq!(c, NonCompliant, "{principal}");
        }
        let not_principal = policy(vec![json!({"Sid": "np", "Effect": "Allow",
            "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "sns:Publish", "Resource": "*"})]);
        let (c, a) = judge("AWS::SNS::Topic", &not_principal);
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "statement np allows sns:Publish to everyone");
    }

    #[test]
    fn named_principals_and_deny_statements_expose_nothing() {
        let named = policy(vec![statement(
            json!({"AWS": "arn:aws:iam::111122223333:root"}),
            json!({}),
        )]);
        let (c, a) = judge("AWS::KMS::Key", &named);
        assert_eq!(c, Compliant);
        assert_eq!(a, "the resource policy grants nothing to everyone");
        let deny = policy(vec![json!({"Effect": "Deny", "Principal": "*",
            "Action": "s3:*", "Resource": "*"})]);
        assert_eq!(judge("AWS::S3::Bucket", &deny).0, Compliant);
    }

    #[test]
    fn a_condition_with_fixed_values_pinning_account_org_network_or_source_makes_it_not_public() {
        for condition in [
            json!({"StringEquals": {"aws:SourceAccount": "111122223333"}}),
            json!({"StringEquals": {"aws:PrincipalAccount": "111122223333"}}),
            json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}),
            json!({"StringEquals": {"aws:SourceVpc": "vpc-0abc"}}),
            json!({"StringEquals": {"aws:SourceVpce": "vpce-0abc"}}),
            json!({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}),
            json!({"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:t"}}),
        ] {
            let p = policy(vec![statement(json!("*"), condition.clone())]);
            assert_eq!(judge("AWS::SQS::Queue", &p).0, Compliant, "{condition}");
        }
    }

    #[test]
    fn wildcard_and_policy_variable_condition_values_pin_nothing() {
        for condition in [
            json!({"StringLike": {"aws:PrincipalOrgID": "o-*"}}),
            json!({"StringLike": {"aws:SourceVpce": "vpce-*"}}),
            json!({"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:*"}}),
            json!({"StringLike": {"aws:SourceAccount": "1111222233?3"}}),
            json!({"StringEquals": {"aws:SourceAccount": ["111122223333", "*"]}}),
            json!({"StringEquals": {"aws:SourceAccount": "${aws:PrincipalAccount}"}}),
            json!({"StringEquals": {"aws:PrincipalOrgID": "${aws:ResourceOrgID}"}}),
            json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}),
            json!({"StringEquals": {"aws:SourceAccount": ""}}),
        ] {
            let p = policy(vec![statement(json!({"AWS": "*"}), condition.clone())]);
            let (c, a) = judge("AWS::SQS::Queue", &p);
            assert_eq!(c, NonCompliant, "{condition}");
            assert_eq!(a, "statement s1 allows sqs:SendMessage to everyone");
        }
    }

    #[test]
    fn negated_if_exists_and_non_pinning_conditions_pin_nothing() {
        for condition in [
            json!({"StringNotEquals": {"aws:SourceAccount": "111122223333"}}),
            json!({"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}),
            json!({"Bool": {"aws:SecureTransport": "true"}}),
            json!({"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}),
        ] {
            let p = policy(vec![statement(json!("*"), condition.clone())]);
            assert_eq!(judge("AWS::S3::Bucket", &p).0, NonCompliant, "{condition}");
        }
    }

    #[test]
    fn the_s3_service_principal_without_a_fixed_source_is_non_compliant() {
        let s3 = json!({"Service": "s3.amazonaws.com"});
        for (condition, want) in [
            (json!({}), NonCompliant),
            (
                json!({"Bool": {"aws:SecureTransport": "true"}}),
                NonCompliant,
            ),
            (
                json!({"StringEquals": {"aws:SourceAccount": "${aws:PrincipalAccount}"}}),
                NonCompliant,
            ),
            (
                json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}}),
                NonCompliant,
            ),
            (
                json!({"StringEquals": {"aws:SourceAccount": "111122223333"}}),
                Compliant,
            ),
            (
                json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::my-bucket"}}),
                Compliant,
            ),
        ] {
            let p = policy(vec![statement(s3.clone(), condition.clone())]);
            for t in [
                "AWS::SNS::Topic",
                "AWS::SQS::Queue",
                "AWS::Lambda::Function",
            ] {
                let (c, a) = judge(t, &p);
                assert_eq!(c, want, "{t} {condition}");
                if want == NonCompliant {
                    assert_eq!(
                        a,
                        "statement s1 lets s3.amazonaws.com use it for any account \
                         (no aws:SourceAccount or aws:SourceArn with fixed values)"
                    );
                }
            }
        }
        let other = policy(vec![statement(
            json!({"Service": "events.amazonaws.com"}),
            json!({}),
        )]);
        assert_eq!(judge("AWS::SNS::Topic", &other).0, Compliant);
    }

    #[test]
    fn the_annotation_names_each_statement_and_its_actions() {
        let p = policy(vec![
            json!({"Sid": "Read", "Effect": "Allow", "Principal": "*",
                   "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}),
            json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                   "Action": "s3:*", "Resource": "*"}),
            json!({"Effect": "Allow", "Principal": {"AWS": "*"},
                   "NotAction": "s3:DeleteBucket", "Resource": "*"}),
        ]);
        let (c, a) = judge("AWS::S3::Bucket", &p);
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "statement Read allows s3:GetObject, s3:ListBucket to everyone; \
             statement #2 allows all but s3:DeleteBucket to everyone"
        );
    }

    #[test]
    fn an_unreadable_policy_is_non_compliant_and_says_why() {
        let i = json!({"resourceType": "AWS::SQS::Queue",
                       "configuration": {"Policy": "{\"Statement\": 5}"}});
        let (c, a) = verdict(&ResourcePolicyNoPublicAccess, i, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.starts_with("the resource policy cannot be read: "), "{a}");
        let i = json!({"resourceType": "AWS::SNS::Topic", "configuration": {"Policy": "not json"}});
        let (c, a) = verdict(&ResourcePolicyNoPublicAccess, i, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.starts_with("the resource policy cannot be read: "), "{a}");
    }

    #[test]
    fn other_resource_types_are_not_applicable() {
        let i = json!({"resourceType": "AWS::IAM::Role", "configuration": {}});
        assert_eq!(
            verdict(&ResourcePolicyNoPublicAccess, i, json!({})).0,
            NotApplicable
        );
    }
}
