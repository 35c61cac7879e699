//! `s3-bucket-server-side-encryption-enabled`: default encryption, or a policy that
//! refuses unencrypted uploads.

use serde_json::Value;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::policy::{wildcard_match, Effect};
use crate::rule::{ItemRule, RuleSpec, Severity};
use crate::views::S3Bucket;

/// `s3-bucket-server-side-encryption-enabled` (AWS managed rule
/// S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED).
///
/// Documented logic: COMPLIANT when the bucket has default encryption enabled
/// (`ServerSideEncryptionConfiguration` with an `sseAlgorithm`: AES256, aws:kms or
/// aws:kms:dsse), or when its bucket policy explicitly denies s3:PutObject requests
/// without server-side encryption.
///
/// Choices: a denying statement counts when it is a Deny of s3:PutObject (or a wildcard
/// covering it) with a condition on `s3:x-amz-server-side-encryption` (`Null: true` or a
/// `StringNotEquals`). With no default encryption, an unreadable bucket policy is
/// NON_COMPLIANT and the annotation says it cannot be read.
pub struct S3BucketServerSideEncryptionEnabled;

static SPEC: RuleSpec = RuleSpec {
    name: "s3-bucket-server-side-encryption-enabled",
    description: "S3 buckets have default server-side encryption, or a policy that refuses unencrypted uploads.",
    resource_types: &["AWS::S3::Bucket"],
    severity: Severity::High,
    ..RuleSpec::CHANGE
};

fn default_algorithm(bucket: &S3Bucket) -> Option<&str> {
    bucket
        .encryption_rules
        .iter()
        .find_map(|r| r.sse_algorithm.as_deref())
}

/// `true`, as a boolean or text in any case (or a list holding one).
fn is_true(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::String(s) => s.eq_ignore_ascii_case("true"),
        Value::Array(a) => a.iter().any(is_true),
        _ => false,
    }
}

fn policy_denies_unencrypted_puts(bucket: &S3Bucket) -> bool {
    let Some(Ok(doc)) = &bucket.policy else {
        return false;
    };
    doc.statements.iter().any(|s| {
        s.effect == Effect::Deny
            && s.action.iter().any(|a| wildcard_match(a, "s3:PutObject"))
            && s.condition.iter().any(|(op, keys)| {
                let op = op.to_ascii_lowercase();
                keys.as_object().is_some_and(|k| {
                    k.iter().any(|(k, v)| {
                        k.eq_ignore_ascii_case("s3:x-amz-server-side-encryption")
                            // `Null: false` denies the encrypted requests instead.
                            && ((op == "null" && is_true(v)) || op.starts_with("stringnotequals"))
                    })
                })
            })
    })
}

impl ItemRule for S3BucketServerSideEncryptionEnabled {
    type View = S3Bucket;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, bucket: &S3Bucket, _params: &Params) -> Verdict {
        if let Some(alg) = default_algorithm(bucket) {
            return Verdict::compliant(format!("default encryption is enabled ({alg})"));
        }
        if policy_denies_unencrypted_puts(bucket) {
            return Verdict::compliant(
                "the bucket policy denies PutObject requests without server-side encryption",
            );
        }
        if let Some(Err(e)) = &bucket.policy {
            return Verdict::non_compliant(format!(
                "no default encryption is configured and the bucket policy cannot be read: {e}"
            ));
        }
        Verdict::non_compliant(
            "no default encryption is configured and the bucket policy does not deny unencrypted PutObject requests",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::{self, *};
    use crate::testing::verdict;
    use serde_json::json;

    const NONE: &str = "no default encryption is configured and the bucket policy does not deny \
                        unencrypted PutObject requests";

    fn bucket(supplementary: Value) -> Value {
        json!({"resourceType": "AWS::S3::Bucket", "resourceId": "data",
               "configuration": {"name": "data"}, "supplementaryConfiguration": supplementary})
    }

    fn encrypted(algorithm: &str) -> Value {
        bucket(json!({"ServerSideEncryptionConfiguration": {"rules": [
            {"applyServerSideEncryptionByDefault": {"sseAlgorithm": algorithm,
                                                    "kmsMasterKeyID": null},
             "bucketKeyEnabled": false}]}}))
    }

    fn with_policy(statement: Value) -> Value {
        let doc = json!({"Version": "2012-10-17", "Statement": [statement]});
        bucket(json!({"BucketPolicy": {"policyText": doc.to_string()}}))
    }

    fn deny_put(action: Value, condition: Value) -> Value {
        with_policy(
            json!({"Sid": "DenyUnencrypted", "Effect": "Deny", "Principal": "*",
                           "Action": action, "Resource": "arn:aws:s3:::data/*",
                           "Condition": condition}),
        )
    }

    fn judge(b: Value) -> (Compliance, String) {
        verdict(&S3BucketServerSideEncryptionEnabled, b, json!({}))
    }

    #[test]
    fn default_encryption_with_each_algorithm_is_compliant_and_named() {
        for alg in ["AES256", "aws:kms", "aws:kms:dsse"] {
            let (c, a) = judge(encrypted(alg));
            assert_eq!(c, Compliant, "{alg}");
            assert_eq!(a, format!("default encryption is enabled ({alg})"));
        }
    }

    #[test]
    fn no_default_encryption_and_no_policy_is_non_compliant() {
        for b in [
            bucket(json!({})),
            bucket(json!({"ServerSideEncryptionConfiguration": {"rules": []}})),
            bucket(json!({"ServerSideEncryptionConfiguration": {"rules": [
                {"applyServerSideEncryptionByDefault": null}]}})),
            encrypted(""),
        ] {
            let (c, a) = judge(b.clone());
            assert_eq!(c, NonCompliant, "{b}");
            assert_eq!(a, NONE);
        }
    }

    #[test]
    fn a_deny_of_put_object_when_the_encryption_header_is_null_is_compliant() {
        for is_null in [json!("true"), json!(true), json!("TRUE"), json!(["true"])] {
            let cond = json!({"Null": {"s3:x-amz-server-side-encryption": is_null}});
            let (c, a) = judge(deny_put(json!("s3:PutObject"), cond.clone()));
            assert_eq!(c, Compliant, "{cond}");
            assert_eq!(
                a,
                "the bucket policy denies PutObject requests without server-side encryption"
            );
        }
    }

    #[test]
    fn a_deny_of_put_object_when_the_header_is_not_a_given_algorithm_is_compliant() {
        for cond in [
            json!({"StringNotEquals": {"s3:x-amz-server-side-encryption": "AES256"}}),
            json!({"StringNotEquals": {"s3:x-amz-server-side-encryption": ["aws:kms", "AES256"]}}),
            json!({"StringNotEqualsIgnoreCase": {"S3:X-Amz-Server-Side-Encryption": "aws:kms"}}),
            json!({"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": "aws:kms"}}),
        ] {
            let (c, _) = judge(deny_put(json!("s3:PutObject"), cond.clone()));
            assert_eq!(c, Compliant, "{cond}");
        }
    }

    #[test]
    fn a_wildcard_action_covering_put_object_counts() {
        let cond = json!({"Null": {"s3:x-amz-server-side-encryption": "true"}});
        for action in [
            json!("s3:*"),
            json!("*"),
            json!("s3:Put*"),
            json!(["s3:GetObject", "s3:PutObject"]),
        ] {
            let (c, _) = judge(deny_put(action.clone(), cond.clone()));
            assert_eq!(c, Compliant, "{action}");
        }
        for action in [
            json!("s3:GetObject"),
            json!("s3:PutObjectAcl"),
            json!("s3:Delete*"),
        ] {
            let (c, a) = judge(deny_put(action.clone(), cond.clone()));
            assert_eq!(c, NonCompliant, "{action}");
            assert_eq!(a, NONE);
        }
    }

    #[test]
    fn a_statement_that_does_not_refuse_unencrypted_puts_does_not_count() {
        let null_true = json!({"Null": {"s3:x-amz-server-side-encryption": "true"}});
        // An Allow with the same condition.
        let allow = with_policy(
            json!({"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
                                       "Resource": "*", "Condition": null_true}),
        );
        // A Deny without a condition on the encryption header.
        let other_key = deny_put(
            json!("s3:PutObject"),
            json!({"Null": {"s3:x-amz-server-side-encryption-aws-kms-key-id": "true"}}),
        );
        let tls = deny_put(
            json!("s3:*"),
            json!({"Bool": {"aws:SecureTransport": "false"}}),
        );
        // Operators that do not refuse a missing header.
        let equals = deny_put(
            json!("s3:PutObject"),
            json!({"StringEquals": {"s3:x-amz-server-side-encryption": "AES256"}}),
        );
        // `Null: false` denies the encrypted requests, not the unencrypted ones.
        let null_false = deny_put(
            json!("s3:PutObject"),
            json!({"Null": {"s3:x-amz-server-side-encryption": "false"}}),
        );
        let no_condition = with_policy(json!({"Effect": "Deny", "Principal": "*",
                                              "Action": "s3:PutObject", "Resource": "*"}));
        for b in [allow, other_key, tls, equals, null_false, no_condition] {
            let (c, a) = judge(b.clone());
            assert_eq!(c, NonCompliant, "{b}");
            assert_eq!(a, NONE);
        }
    }

    #[test]
    fn default_encryption_wins_over_a_policy_that_does_not_deny() {
        let mut b = encrypted("aws:kms");
        b["supplementaryConfiguration"]["BucketPolicy"] = json!({"policyText": "{not json"});
        let (c, a) = judge(b);
        assert_eq!(c, Compliant);
        assert_eq!(a, "default encryption is enabled (aws:kms)");
    }

    #[test]
    fn an_unreadable_policy_without_default_encryption_says_it_cannot_be_read() {
        let b = bucket(json!({"BucketPolicy": {"policyText": "{not json"}}));
        let (c, a) = judge(b);
        assert_eq!(c, NonCompliant);
        assert!(
            a.starts_with(
                "no default encryption is configured and the bucket policy cannot be read: \
                 policy document is not valid JSON"
            ),
            "{a}"
        );
    }

    #[test]
    fn an_unreadable_encryption_configuration_is_non_compliant_and_names_it() {
        for bad in [
            json!({"rules": "AES256"}),
            json!({"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": 256}}]}),
        ] {
            let (c, a) = judge(bucket(json!({"ServerSideEncryptionConfiguration": bad})));
            assert_eq!(c, NonCompliant);
            assert!(
                a.starts_with(
                    "supplementaryConfiguration.ServerSideEncryptionConfiguration cannot be read"
                ),
                "{a}"
            );
        }
    }
}
