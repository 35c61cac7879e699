//! `s3-bucket-public-write-prohibited`: no public write through ACL or bucket policy.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{Frequency, ItemRule, RuleSpec, Severity, Trigger};
use crate::views::S3Bucket;

use super::s3::{judge_public_access, WRITE_ACTIONS};

/// `s3-bucket-public-write-prohibited` (AWS managed rule S3_BUCKET_PUBLIC_WRITE_PROHIBITED).
///
/// Documented logic: as `s3-bucket-public-read-prohibited`, for write access: COMPLIANT
/// when (public policies are restricted, or the policy allows no public write) and
/// (public ACLs are restricted, or the ACL allows no public write).
///
/// Choices: public write in an ACL is a grant to AllUsers or AuthenticatedUsers of
/// `Write`, `WriteAcp` or `FullControl`; in a policy an unpinned Allow to `*` of
/// s3:PutObject, s3:DeleteObject, s3:DeleteObjectVersion, s3:PutObjectAcl,
/// s3:RestoreObject or s3:AbortMultipartUpload. Block Public Access flags are read as in
/// the read rule (bucket level, `ignorePublicAcls` and `restrictPublicBuckets`).
pub struct S3BucketPublicWriteProhibited;

static SPEC: RuleSpec = RuleSpec {
    name: "s3-bucket-public-write-prohibited",
    description: "S3 buckets do not allow public write access through their ACL or bucket policy.",
    resource_types: &["AWS::S3::Bucket"],
    severity: Severity::Critical,
    // AWS triggers the managed rule on changes and every 24 hours; the daily run
    // re-judges every recorded resource of the type, so it gets more time and memory.
    trigger: Trigger::Both(Frequency::TwentyFourHours),
    memory_mb: 256,
    timeout_seconds: 300,
    ..RuleSpec::CHANGE
};

impl ItemRule for S3BucketPublicWriteProhibited {
    type View = S3Bucket;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, bucket: &S3Bucket, _params: &Params) -> Verdict {
        judge_public_access(
            bucket,
            &["Write", "WriteAcp", "FullControl"],
            WRITE_ACTIONS,
            "write",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::{self, *};
    use crate::testing::verdict;
    use serde_json::{json, Value};

    /// A bucket with these supplementary values (absent when null).
    fn bucket(acl: Value, policy: Value, block: Value) -> Value {
        let mut supp = json!({});
        if !acl.is_null() {
            supp["AccessControlList"] = acl;
        }
        if !policy.is_null() {
            supp["BucketPolicy"] = json!({"policyText": policy.to_string()});
        }
        if !block.is_null() {
            supp["PublicAccessBlockConfiguration"] = block;
        }
        json!({"resourceType": "AWS::S3::Bucket", "resourceId": "data",
               "configuration": {"name": "data"}, "supplementaryConfiguration": supp})
    }

    fn acl(grantee: &str, permission: &str) -> Value {
        json!({"grantList": [{"grantee": grantee, "permission": permission}],
               "owner": {"id": "abc"}})
    }

    fn policy(statement: Value) -> Value {
        json!({"Version": "2012-10-17", "Statement": [statement]})
    }

    fn public_put(condition: Value) -> Value {
        let mut s = json!({"Sid": "Upload", "Effect": "Allow", "Principal": "*",
                           "Action": "s3:PutObject", "Resource": "arn:aws:s3:::data/*"});
        if !condition.is_null() {
            s["Condition"] = condition;
        }
        policy(s)
    }

    fn block(ignore_public_acls: bool, restrict_public_buckets: bool) -> Value {
        json!({"blockPublicAcls": false, "ignorePublicAcls": ignore_public_acls,
               "blockPublicPolicy": false, "restrictPublicBuckets": restrict_public_buckets})
    }

    fn judge(b: Value) -> (Compliance, String) {
        verdict(&S3BucketPublicWriteProhibited, b, json!({}))
    }

    #[test]
    fn no_acl_grant_and_no_policy_is_compliant() {
        let (c, a) = judge(bucket(Value::Null, Value::Null, Value::Null));
        assert_eq!(c, Compliant);
        assert_eq!(
            a,
            "neither the ACL nor the bucket policy allows public write"
        );
    }

    #[test]
    fn an_acl_granting_write_write_acp_or_full_control_to_everyone_is_non_compliant() {
        for grantee in ["AllUsers", "AuthenticatedUsers"] {
            for permission in ["Write", "WriteAcp", "FullControl", "WRITE_ACP"] {
                let (c, a) = judge(bucket(acl(grantee, permission), Value::Null, Value::Null));
                assert_eq!(c, NonCompliant, "{grantee} {permission}");
                assert_eq!(
                    a,
                    format!("the bucket ACL grants {permission} to {grantee}")
                );
            }
        }
    }

    #[test]
    fn an_acl_granting_everyone_only_read_is_compliant() {
        for permission in ["Read", "ReadAcp"] {
            let (c, _) = judge(bucket(
                acl("AllUsers", permission),
                Value::Null,
                Value::Null,
            ));
            assert_eq!(c, Compliant, "{permission}");
        }
        // A write grant to someone else is not public.
        let (c, _) = judge(bucket(
            acl("LogDelivery", "Write"),
            Value::Null,
            Value::Null,
        ));
        assert_eq!(c, Compliant);
    }

    #[test]
    fn a_policy_allowing_each_write_action_to_everyone_is_non_compliant() {
        for action in [
            "s3:PutObject",
            "s3:DeleteObject",
            "s3:DeleteObjectVersion",
            "s3:PutObjectAcl",
            "s3:RestoreObject",
            "s3:AbortMultipartUpload",
        ] {
            let p = policy(json!({"Sid": "Open", "Effect": "Allow", "Principal": "*",
                                  "Action": action, "Resource": "*"}));
            let (c, a) = judge(bucket(Value::Null, p, Value::Null));
            assert_eq!(c, NonCompliant, "{action}");
            assert_eq!(
                a,
                format!("bucket policy statement Open allows {action} to everyone")
            );
        }
        let p = policy(
            json!({"Sid": "Deletes", "Effect": "Allow", "Principal": {"AWS": "*"},
                              "Action": "s3:Delete*", "Resource": "*"}),
        );
        let (c, a) = judge(bucket(Value::Null, p, Value::Null));
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "bucket policy statement Deletes allows s3:DeleteObject, s3:DeleteObjectVersion to everyone"
        );
    }

    #[test]
    fn a_policy_allowing_everyone_only_reads_or_only_some_principal_is_compliant() {
        let p = policy(json!({"Effect": "Allow", "Principal": "*",
                              "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}));
        assert_eq!(judge(bucket(Value::Null, p, Value::Null)).0, Compliant);
        let p = policy(json!({"Effect": "Allow",
                              "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                              "Action": "s3:PutObject", "Resource": "*"}));
        assert_eq!(judge(bucket(Value::Null, p, Value::Null)).0, Compliant);
    }

    #[test]
    fn an_unconditional_public_deny_takes_the_grant_away() {
        let p = json!({"Statement": [
            {"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "*"},
            {"Sid": "Shut", "Effect": "Deny", "Principal": "*", "Action": "s3:Put*", "Resource": "*"}]});
        assert_eq!(judge(bucket(Value::Null, p, Value::Null)).0, Compliant);
        // A conditional Deny takes nothing away.
        let p = json!({"Statement": [
            {"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "*"},
            {"Sid": "Tls", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]});
        assert_eq!(judge(bucket(Value::Null, p, Value::Null)).0, NonCompliant);
    }

    #[test]
    fn conditions_that_pin_the_caller_to_fixed_values_make_the_grant_private() {
        for cond in [
            json!({"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}),
            json!({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
            json!({"StringEquals": {"aws:SourceAccount": "111122223333"}}),
            json!({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.7/32"]}}),
        ] {
            let (c, _) = judge(bucket(Value::Null, public_put(cond.clone()), Value::Null));
            assert_eq!(c, Compliant, "{cond}");
        }
    }

    #[test]
    fn conditions_that_do_not_pin_leave_the_grant_public() {
        for cond in [
            json!({"StringLike": {"aws:SourceVpce": "vpce-*"}}),
            json!({"StringLike": {"aws:SourceAccount": "11112222333?"}}),
            json!({"StringEquals": {"aws:SourceAccount": "${aws:PrincipalAccount}"}}),
            json!({"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
            json!({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1a2b3c4d"}}),
            json!({"IpAddress": {"aws:SourceIp": "::/0"}}),
            json!({"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}),
        ] {
            let (c, a) = judge(bucket(Value::Null, public_put(cond.clone()), Value::Null));
            assert_eq!(c, NonCompliant, "{cond}");
            assert_eq!(
                a,
                "bucket policy statement Upload allows s3:PutObject to everyone"
            );
        }
    }

    #[test]
    fn ignore_public_acls_excuses_the_acl_but_not_the_policy() {
        let (c, a) = judge(bucket(
            acl("AllUsers", "Write"),
            Value::Null,
            block(true, false),
        ));
        assert_eq!(c, Compliant);
        assert_eq!(
            a,
            "Block Public Access ignores public ACLs and the bucket policy allows no public write"
        );
        let (c, a) = judge(bucket(
            acl("AllUsers", "Write"),
            public_put(Value::Null),
            block(true, false),
        ));
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "bucket policy statement Upload allows s3:PutObject to everyone"
        );
    }

    #[test]
    fn restrict_public_buckets_excuses_the_policy_but_not_the_acl() {
        let (c, a) = judge(bucket(
            Value::Null,
            public_put(Value::Null),
            block(false, true),
        ));
        assert_eq!(c, Compliant);
        assert_eq!(
            a,
            "the ACL allows no public write and Block Public Access restricts public policies"
        );
        let (c, a) = judge(bucket(
            acl("AllUsers", "Write"),
            public_put(Value::Null),
            block(false, true),
        ));
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "the bucket ACL grants Write to AllUsers");
    }

    #[test]
    fn both_flags_excuse_everything() {
        let (c, a) = judge(bucket(
            acl("AllUsers", "FullControl"),
            public_put(Value::Null),
            block(true, true),
        ));
        assert_eq!(c, Compliant);
        assert_eq!(
            a,
            "Block Public Access ignores public ACLs and restricts public policies"
        );
    }

    #[test]
    fn block_public_acls_and_block_public_policy_do_not_excuse_existing_grants() {
        let only_new = json!({"blockPublicAcls": true, "ignorePublicAcls": false,
                              "blockPublicPolicy": true, "restrictPublicBuckets": false});
        let (c, a) = judge(bucket(
            acl("AllUsers", "Write"),
            public_put(Value::Null),
            only_new,
        ));
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "the bucket ACL grants Write to AllUsers; \
             bucket policy statement Upload allows s3:PutObject to everyone"
        );
    }

    #[test]
    fn an_unreadable_acl_or_policy_is_non_compliant_with_the_reason() {
        let (c, a) = judge(bucket(json!({"grantList": 3}), Value::Null, Value::Null));
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "AccessControlList.grantList is not a list");
        let bad = json!({"resourceType": "AWS::S3::Bucket", "configuration": {"name": "data"},
            "supplementaryConfiguration": {"BucketPolicy": {"policyText":
                "{\"Statement\": [{\"Effect\": \"Maybe\"}]}"}}});
        let (c, a) = judge(bad);
        assert_eq!(c, NonCompliant);
        assert!(a.starts_with("the bucket policy cannot be read: "), "{a}");
        assert!(a.contains("Maybe"), "{a}");
    }

    #[test]
    fn an_unreadable_supplementary_value_is_non_compliant_and_names_it() {
        let bad = bucket(
            Value::Null,
            Value::Null,
            json!({"restrictPublicBuckets": {"on": true}}),
        );
        let (c, a) = judge(bad);
        assert_eq!(c, NonCompliant);
        assert!(
            a.starts_with(
                "supplementaryConfiguration.PublicAccessBlockConfiguration cannot be read"
            ),
            "{a}"
        );
    }
}
