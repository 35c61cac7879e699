//! `s3-bucket-ssl-requests-only`: the bucket policy denies requests without TLS.

use serde_json::Value;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::policy::{wildcard_match, Effect};
use crate::remediation::{Remediation, RemediationParam};
use crate::rule::{ItemRule, RuleSpec};
use crate::views::S3Bucket;

/// `s3-bucket-ssl-requests-only` (AWS managed rule S3_BUCKET_SSL_REQUESTS_ONLY).
///
/// Documented logic: COMPLIANT when the bucket policy explicitly denies HTTP requests:
/// a Deny for every principal, with the condition `aws:SecureTransport` = `false`.
/// No policy, or no such statement, is NON_COMPLIANT.
///
/// Choices: the Deny must cover both s3:GetObject and s3:PutObject (`s3:*` or `*` do);
/// the condition may be `Bool` or `BoolIfExists`, its value `false` as text or boolean.
pub struct S3BucketSslRequestsOnly;

/// The remediation: AWSConfigRemediation-RestrictBucketSSLRequestsOnly. Adds a statement denying requests without TLS to the bucket policy. Manual: clients still using plain HTTP stop working.
static REMEDIATION: Remediation = Remediation {
    document: "AWSConfigRemediation-RestrictBucketSSLRequestsOnly",
    parameters: &[
        RemediationParam::ASSUME_ROLE,
        RemediationParam::resource_id("BucketName"),
    ],
    actions: &[
        "ssm:StartAutomationExecution",
        "ssm:GetAutomationExecution",
        "s3:DeleteBucketPolicy",
        "s3:GetBucketPolicy",
        "s3:PutEncryptionConfiguration",
        "s3:PutBucketPolicy",
    ],
    source: "https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-aws-s3-deny-http.html",
    ..Remediation::MANUAL
};

static SPEC: RuleSpec = RuleSpec {
    name: "s3-bucket-ssl-requests-only",
    description:
        "S3 bucket policies deny requests that do not use TLS (aws:SecureTransport false).",
    resource_types: &["AWS::S3::Bucket"],
    remediation: Some(&REMEDIATION),
    ..RuleSpec::CHANGE
};

fn denies_insecure(cond: &serde_json::Map<String, Value>) -> bool {
    cond.iter().any(|(op, keys)| {
        matches!(op.to_ascii_lowercase().as_str(), "bool" | "boolifexists")
            && keys.as_object().is_some_and(|k| {
                k.iter().any(|(key, v)| {
                    key.eq_ignore_ascii_case("aws:SecureTransport")
                        && match v {
                            Value::Bool(b) => !b,
                            Value::String(s) => s.eq_ignore_ascii_case("false"),
                            Value::Array(a) => a.iter().any(|x| {
                                x == &Value::Bool(false)
                                    || x.as_str().is_some_and(|s| s.eq_ignore_ascii_case("false"))
                            }),
                            _ => false,
                        }
                })
            })
    })
}

impl ItemRule for S3BucketSslRequestsOnly {
    type View = S3Bucket;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, bucket: &S3Bucket, _params: &Params) -> Verdict {
        let doc = match &bucket.policy {
            None => {
                return Verdict::non_compliant(
                    "the bucket has no policy, so plain-HTTP requests are not denied",
                )
            }
            Some(Err(e)) => {
                return Verdict::non_compliant(format!("the bucket policy cannot be read: {e}"))
            }
            Some(Ok(doc)) => doc,
        };
        let found = doc.statements.iter().find(|s| {
            s.effect == Effect::Deny
                && s.is_public_principal()
                && ["s3:GetObject", "s3:PutObject"]
                    .iter()
                    .all(|a| s.action.iter().any(|p| wildcard_match(p, a)))
                && denies_insecure(&s.condition)
        });
        match found {
            Some(s) => {
                Verdict::compliant(format!("statement {} denies requests without TLS", s.sid))
            }
            None => Verdict::non_compliant(
                "no bucket policy statement denies requests where aws:SecureTransport is false",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::{self, *};
    use crate::testing::verdict;
    use serde_json::json;

    const NO_STATEMENT: &str =
        "no bucket policy statement denies requests where aws:SecureTransport is false";

    fn bucket(supplementary: Value) -> Value {
        json!({"resourceType": "AWS::S3::Bucket", "resourceId": "data",
               "configuration": {"name": "data"}, "supplementaryConfiguration": supplementary})
    }

    fn with_statements(statements: Value) -> Value {
        let doc = json!({"Version": "2012-10-17", "Statement": statements});
        bucket(json!({"BucketPolicy": {"policyText": doc.to_string()}}))
    }

    /// A Deny statement `TLS` of `action` for `principal` under `condition`.
    fn deny(principal: Value, action: Value, condition: Value) -> Value {
        with_statements(
            json!([{"Sid": "TLS", "Effect": "Deny", "Principal": principal,
                                "Action": action,
                                "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"],
                                "Condition": condition}]),
        )
    }

    fn insecure() -> Value {
        json!({"Bool": {"aws:SecureTransport": "false"}})
    }

    fn judge(b: Value) -> (Compliance, String) {
        verdict(&S3BucketSslRequestsOnly, b, json!({}))
    }

    #[test]
    fn a_deny_for_everyone_when_secure_transport_is_false_is_compliant() {
        let (c, a) = judge(deny(json!("*"), json!("s3:*"), insecure()));
        assert_eq!(c, Compliant);
        assert_eq!(a, "statement TLS denies requests without TLS");
        let (c, _) = judge(deny(json!({"AWS": "*"}), json!("s3:*"), insecure()));
        assert_eq!(c, Compliant);
    }

    #[test]
    fn no_policy_is_non_compliant_and_says_so() {
        for b in [
            bucket(json!({})),
            bucket(json!({"BucketPolicy": {"policyText": null}})),
            bucket(json!({"BucketPolicy": {"policyText": ""}})),
        ] {
            let (c, a) = judge(b);
            assert_eq!(c, NonCompliant);
            assert_eq!(
                a,
                "the bucket has no policy, so plain-HTTP requests are not denied"
            );
        }
    }

    #[test]
    fn a_policy_without_such_a_statement_is_non_compliant() {
        let b = with_statements(json!([{"Sid": "Read", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject",
            "Resource": "*"}]));
        let (c, a) = judge(b);
        assert_eq!(c, NonCompliant);
        assert_eq!(a, NO_STATEMENT);
    }

    #[test]
    fn the_deny_must_cover_get_object_and_put_object() {
        for action in [
            json!("*"),
            json!("s3:*"),
            json!(["s3:GetObject", "s3:PutObject"]),
            json!(["s3:Get*", "s3:Put*"]),
        ] {
            let (c, _) = judge(deny(json!("*"), action.clone(), insecure()));
            assert_eq!(c, Compliant, "{action}");
        }
        for action in [
            json!("s3:GetObject"),
            json!("s3:PutObject"),
            json!("s3:Get*"),
            json!(["s3:ListBucket", "s3:PutObject"]),
        ] {
            let (c, a) = judge(deny(json!("*"), action.clone(), insecure()));
            assert_eq!(c, NonCompliant, "{action}");
            assert_eq!(a, NO_STATEMENT);
        }
    }

    #[test]
    fn the_deny_must_apply_to_every_principal() {
        let (c, a) = judge(deny(
            json!({"AWS": "arn:aws:iam::111122223333:root"}),
            json!("s3:*"),
            insecure(),
        ));
        assert_eq!(c, NonCompliant);
        assert_eq!(a, NO_STATEMENT);
    }

    #[test]
    fn an_allow_with_the_condition_is_not_a_deny() {
        let b = with_statements(json!([{"Sid": "TLS", "Effect": "Allow", "Principal": "*",
            "Action": "s3:*", "Resource": "*", "Condition": insecure()}]));
        let (c, a) = judge(b);
        assert_eq!(c, NonCompliant);
        assert_eq!(a, NO_STATEMENT);
    }

    #[test]
    fn bool_or_bool_if_exists_with_false_as_text_or_boolean_counts() {
        for cond in [
            json!({"Bool": {"aws:SecureTransport": "false"}}),
            json!({"Bool": {"aws:SecureTransport": false}}),
            json!({"Bool": {"aws:SecureTransport": "False"}}),
            json!({"Bool": {"aws:SecureTransport": ["false"]}}),
            json!({"Bool": {"aws:SecureTransport": [false]}}),
            json!({"BoolIfExists": {"aws:SecureTransport": "false"}}),
            json!({"bool": {"AWS:SECURETRANSPORT": "false"}}),
        ] {
            let (c, _) = judge(deny(json!("*"), json!("s3:*"), cond.clone()));
            assert_eq!(c, Compliant, "{cond}");
        }
    }

    #[test]
    fn other_conditions_do_not_count() {
        for cond in [
            json!({"Bool": {"aws:SecureTransport": "true"}}),
            json!({"Bool": {"aws:SecureTransport": true}}),
            json!({"StringEquals": {"aws:SecureTransport": "false"}}),
            json!({"Bool": {"aws:MultiFactorAuthPresent": "false"}}),
            json!({"NumericLessThan": {"s3:TlsVersion": "1.2"}}),
            json!({"Bool": {"aws:SecureTransport": 0}}),
            json!({}),
        ] {
            let (c, a) = judge(deny(json!("*"), json!("s3:*"), cond.clone()));
            assert_eq!(c, NonCompliant, "{cond}");
            assert_eq!(a, NO_STATEMENT);
        }
    }

    #[test]
    fn the_matching_statement_is_named_among_others() {
        let b = with_statements(json!([
            {"Sid": "Read", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}},
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": false}}}]));
        let (c, a) = judge(b);
        assert_eq!(c, Compliant);
        assert_eq!(a, "statement #1 denies requests without TLS");
    }

    #[test]
    fn an_unreadable_policy_is_non_compliant_and_says_why() {
        for text in [json!("{not json"), json!("[1, 2]"), json!(5)] {
            let b = bucket(json!({"BucketPolicy": {"policyText": text}}));
            let (c, a) = judge(b);
            assert_eq!(c, NonCompliant, "{text}");
            assert!(a.starts_with("the bucket policy cannot be read: "), "{a}");
        }
    }

    #[test]
    fn an_unreadable_supplementary_value_is_non_compliant_and_names_it() {
        let (c, a) = judge(bucket(json!({"BucketPolicy": 5})));
        assert_eq!(c, NonCompliant);
        assert!(
            a.starts_with("supplementaryConfiguration.BucketPolicy cannot be read"),
            "{a}"
        );
    }
}
