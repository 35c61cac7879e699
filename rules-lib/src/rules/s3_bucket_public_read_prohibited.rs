//! `s3-bucket-public-read-prohibited`: no public read through ACL or bucket policy.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{Frequency, ItemRule, RuleSpec, Severity, Trigger};
use crate::views::S3Bucket;

use super::s3::{judge_public_access, READ_ACTIONS};

/// `s3-bucket-public-read-prohibited` (AWS managed rule S3_BUCKET_PUBLIC_READ_PROHIBITED).
///
/// Documented logic: checks the Block Public Access settings, the bucket policy and the
/// bucket ACL. COMPLIANT when (public policies are restricted, or the policy does not
/// allow public read) and (public ACLs are restricted, or the ACL does not allow public
/// read). NON_COMPLIANT otherwise.
///
/// Choices where the documentation is silent:
/// - Only the bucket-level Block Public Access settings in the item
///   (`supplementaryConfiguration.PublicAccessBlockConfiguration`) are read; the
///   account-level settings are a separate resource type the item does not carry.
/// - "Restricts public policies" means `restrictPublicBuckets`; "restricts public ACLs"
///   means `ignorePublicAcls`. `blockPublicPolicy` and `blockPublicAcls` only stop
///   *new* grants, so existing ones are still judged.
/// - Public read in an ACL: a grant to AllUsers or AuthenticatedUsers of `Read` or
///   `FullControl`. In a policy: an Allow to `*` of s3:GetObject, s3:GetObjectVersion,
///   s3:ListBucket or s3:ListBucketVersions with no condition pinning it to an account,
///   organization, VPC, VPC endpoint, IP range or source (see [`crate::policy`]).
/// - An unreadable ACL or policy is NON_COMPLIANT with the reason, not an error: a
///   bucket whose exposure cannot be shown to be closed is not compliant.
pub struct S3BucketPublicReadProhibited;

static SPEC: RuleSpec = RuleSpec {
    name: "s3-bucket-public-read-prohibited",
    description: "S3 buckets do not allow public read access through their ACL or bucket policy.",
    resource_types: &["AWS::S3::Bucket"],
    severity: Severity::Critical,
    // AWS triggers the managed rule on changes and every 24 hours; the daily run
    // re-judges every recorded resource of the type, so it gets more time and memory.
    trigger: Trigger::Both(Frequency::TwentyFourHours),
    memory_mb: 256,
    timeout_seconds: 300,
    ..RuleSpec::CHANGE
};

impl ItemRule for S3BucketPublicReadProhibited {
    type View = S3Bucket;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, bucket: &S3Bucket, _params: &Params) -> Verdict {
        judge_public_access(bucket, &["Read", "FullControl"], READ_ACTIONS, "read")
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

    fn acl(grants: Value) -> Value {
        json!({"grantList": grants, "owner": {"id": "abc"}})
    }

    fn grant(grantee: &str, permission: &str) -> Value {
        json!({"grantee": grantee, "permission": permission})
    }

    fn policy(statement: Value) -> Value {
        json!({"Version": "2012-10-17", "Statement": [statement]})
    }

    fn public_get(condition: Value) -> Value {
        let mut s = json!({"Sid": "Public", "Effect": "Allow", "Principal": "*",
                           "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"});
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
        verdict(&S3BucketPublicReadProhibited, b, json!({}))
    }

    #[test]
    fn no_acl_grant_and_no_policy_is_compliant() {
        let (c, a) = judge(bucket(Value::Null, Value::Null, Value::Null));
        assert_eq!(c, Compliant);
        assert_eq!(
            a,
            "neither the ACL nor the bucket policy allows public read"
        );
        let owner_only = acl(json!([{"grantee": {"id": "abc"}, "permission": "FullControl"}]));
        let (c, _) = judge(bucket(owner_only, Value::Null, Value::Null));
        assert_eq!(c, Compliant);
    }

    #[test]
    fn an_acl_granting_read_or_full_control_to_everyone_is_non_compliant() {
        for (grantee, permission, named) in [
            ("AllUsers", "Read", "Read to AllUsers"),
            ("AuthenticatedUsers", "Read", "Read to AuthenticatedUsers"),
            ("AllUsers", "FullControl", "FullControl to AllUsers"),
            (
                "AuthenticatedUsers",
                "FULL_CONTROL",
                "FULL_CONTROL to AuthenticatedUsers",
            ),
        ] {
            let (c, a) = judge(bucket(
                acl(json!([grant(grantee, permission)])),
                Value::Null,
                Value::Null,
            ));
            assert_eq!(c, NonCompliant, "{grantee} {permission}");
            assert_eq!(a, format!("the bucket ACL grants {named}"));
        }
        // The grantee as the group URI, as S3 writes it.
        let uri = json!([{"grantee": {"uri": "http://acs.amazonaws.com/groups/global/AllUsers"},
                          "permission": "READ"}]);
        let (c, a) = judge(bucket(acl(uri), Value::Null, Value::Null));
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "the bucket ACL grants READ to AllUsers");
    }

    #[test]
    fn an_acl_granting_everyone_only_other_permissions_is_compliant() {
        for permission in ["Write", "WriteAcp", "ReadAcp"] {
            let (c, _) = judge(bucket(
                acl(json!([grant("AllUsers", permission)])),
                Value::Null,
                Value::Null,
            ));
            assert_eq!(c, Compliant, "{permission}");
        }
    }

    #[test]
    fn a_policy_allowing_each_read_action_to_everyone_is_non_compliant() {
        for action in [
            "s3:GetObject",
            "s3:GetObjectVersion",
            "s3:ListBucket",
            "s3:ListBucketVersions",
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
            json!({"Sid": "All", "Effect": "Allow", "Principal": {"AWS": "*"},
                              "Action": "s3:*", "Resource": "*"}),
        );
        let (c, a) = judge(bucket(Value::Null, p, Value::Null));
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "bucket policy statement All allows s3:GetObject, s3:GetObjectVersion, s3:ListBucket, \
             s3:ListBucketVersions to everyone"
        );
    }

    #[test]
    fn a_policy_allowing_everyone_only_other_actions_or_only_some_principal_is_compliant() {
        let p = policy(
            json!({"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
                              "Resource": "*"}),
        );
        assert_eq!(judge(bucket(Value::Null, p, Value::Null)).0, Compliant);
        let p = policy(json!({"Effect": "Allow",
                              "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                              "Action": "s3:GetObject", "Resource": "*"}));
        assert_eq!(judge(bucket(Value::Null, p, Value::Null)).0, Compliant);
        let p = policy(
            json!({"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
                              "Resource": "*"}),
        );
        assert_eq!(judge(bucket(Value::Null, p, Value::Null)).0, Compliant);
    }

    #[test]
    fn an_unconditional_public_deny_takes_the_grant_away() {
        let p = json!({"Statement": [
            {"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
            {"Sid": "Shut", "Effect": "Deny", "Principal": "*", "Action": "s3:Get*", "Resource": "*"}]});
        assert_eq!(judge(bucket(Value::Null, p, Value::Null)).0, Compliant);
    }

    #[test]
    fn conditions_that_pin_the_caller_to_fixed_values_make_the_grant_private() {
        for cond in [
            json!({"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}),
            json!({"StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}),
            json!({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
            json!({"StringEquals": {"aws:SourceAccount": ["111122223333", "444455556666"]}}),
            json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
            json!({"ArnEquals": {"aws:SourceArn": "arn:aws:cloudfront::111122223333:distribution/E1"}}),
        ] {
            let (c, a) = judge(bucket(Value::Null, public_get(cond.clone()), Value::Null));
            assert_eq!(c, Compliant, "{cond}");
            assert_eq!(
                a,
                "neither the ACL nor the bucket policy allows public read"
            );
        }
    }

    #[test]
    fn conditions_that_do_not_pin_leave_the_grant_public() {
        for cond in [
            // Wildcards anywhere in the value.
            json!({"StringLike": {"aws:PrincipalOrgID": "o-*"}}),
            json!({"StringLike": {"aws:SourceAccount": "1111*"}}),
            json!({"StringLike": {"aws:SourceVpce": "vpce-?"}}),
            // Policy variables: whatever the caller makes them.
            json!({"StringEquals": {"aws:SourceAccount": "${aws:PrincipalAccount}"}}),
            json!({"StringEquals": {"aws:PrincipalOrgID": "${aws:ResourceOrgID}"}}),
            // Negative and if-exists operators.
            json!({"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}),
            json!({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1a2b3c4d"}}),
            json!({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
            // An open network.
            json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}),
            // Keys that pin nothing.
            json!({"Bool": {"aws:SecureTransport": "true"}}),
            json!({"StringEquals": {"s3:prefix": "public/"}}),
        ] {
            let (c, a) = judge(bucket(Value::Null, public_get(cond.clone()), Value::Null));
            assert_eq!(c, NonCompliant, "{cond}");
            assert_eq!(
                a,
                "bucket policy statement Public allows s3:GetObject to everyone"
            );
        }
    }

    #[test]
    fn not_principal_and_not_action_are_public() {
        let p = policy(json!({"Sid": "AllButOne", "Effect": "Allow",
                              "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
                              "Action": "s3:GetObject", "Resource": "*"}));
        assert_eq!(judge(bucket(Value::Null, p, Value::Null)).0, NonCompliant);
        let p = policy(
            json!({"Sid": "AllButPut", "Effect": "Allow", "Principal": "*",
                              "NotAction": "s3:PutObject", "Resource": "*"}),
        );
        assert_eq!(judge(bucket(Value::Null, p, Value::Null)).0, NonCompliant);
    }

    #[test]
    fn ignore_public_acls_excuses_the_acl_but_not_the_policy() {
        let open_acl = acl(json!([grant("AllUsers", "Read")]));
        let (c, a) = judge(bucket(open_acl.clone(), Value::Null, block(true, false)));
        assert_eq!(c, Compliant);
        assert_eq!(
            a,
            "Block Public Access ignores public ACLs and the bucket policy allows no public read"
        );
        let (c, a) = judge(bucket(
            open_acl,
            public_get(Value::Null),
            block(true, false),
        ));
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "bucket policy statement Public allows s3:GetObject to everyone"
        );
    }

    #[test]
    fn restrict_public_buckets_excuses_the_policy_but_not_the_acl() {
        let (c, a) = judge(bucket(
            Value::Null,
            public_get(Value::Null),
            block(false, true),
        ));
        assert_eq!(c, Compliant);
        assert_eq!(
            a,
            "the ACL allows no public read and Block Public Access restricts public policies"
        );
        let open_acl = acl(json!([grant("AllUsers", "Read")]));
        let (c, a) = judge(bucket(
            open_acl,
            public_get(Value::Null),
            block(false, true),
        ));
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "the bucket ACL grants Read to AllUsers");
    }

    #[test]
    fn both_flags_excuse_everything() {
        let open_acl = acl(json!([grant("AllUsers", "FullControl")]));
        let (c, a) = judge(bucket(open_acl, public_get(Value::Null), block(true, true)));
        assert_eq!(c, Compliant);
        assert_eq!(
            a,
            "Block Public Access ignores public ACLs and restricts public policies"
        );
        // Flags recorded as text are read too.
        let text = json!({"ignorePublicAcls": "true", "restrictPublicBuckets": "TRUE"});
        let (c, _) = judge(bucket(
            acl(json!([grant("AllUsers", "Read")])),
            public_get(Value::Null),
            text,
        ));
        assert_eq!(c, Compliant);
    }

    #[test]
    fn block_public_acls_and_block_public_policy_do_not_excuse_existing_grants() {
        let only_new = json!({"blockPublicAcls": true, "ignorePublicAcls": false,
                              "blockPublicPolicy": true, "restrictPublicBuckets": false});
        let open_acl = acl(json!([grant("AllUsers", "Read")]));
        let (c, a) = judge(bucket(open_acl, public_get(Value::Null), only_new));
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "the bucket ACL grants Read to AllUsers; \
             bucket policy statement Public allows s3:GetObject to everyone"
        );
    }

    #[test]
    fn an_unreadable_acl_or_policy_is_non_compliant_with_the_reason() {
        let (c, a) = judge(bucket(
            json!("<AccessControlPolicy>"),
            Value::Null,
            Value::Null,
        ));
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "AccessControlList is not readable JSON: <AccessControlPolicy>"
        );
        let (c, a) = judge(bucket(
            json!({"grantList": "AllUsers"}),
            Value::Null,
            Value::Null,
        ));
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "AccessControlList.grantList is not a list");
        let unreadable = json!({"resourceType": "AWS::S3::Bucket", "configuration": {"name": "data"},
            "supplementaryConfiguration": {"BucketPolicy": {"policyText": "{not json"}}});
        let (c, a) = judge(unreadable.clone());
        assert_eq!(c, NonCompliant);
        assert!(a.starts_with("the bucket policy cannot be read: "), "{a}");
        // What Block Public Access excuses is not read at all.
        let mut excused = unreadable;
        excused["supplementaryConfiguration"]["PublicAccessBlockConfiguration"] = block(true, true);
        excused["supplementaryConfiguration"]["AccessControlList"] = json!("<AccessControlPolicy>");
        assert_eq!(judge(excused).0, Compliant);
    }

    #[test]
    fn an_unreadable_supplementary_value_is_non_compliant_and_names_it() {
        let bad = bucket(Value::Null, Value::Null, json!({"ignorePublicAcls": 7}));
        let (c, a) = judge(bad);
        assert_eq!(c, NonCompliant);
        assert!(
            a.starts_with(
                "supplementaryConfiguration.PublicAccessBlockConfiguration cannot be read"
            ),
            "{a}"
        );
        let bad = json!({"resourceType": "AWS::S3::Bucket", "configuration": {"name": "data"},
                         "supplementaryConfiguration": {"BucketPolicy": {"policyText": 5}}});
        let (c, a) = judge(bad);
        assert_eq!(c, NonCompliant);
        assert!(a.starts_with("the bucket policy cannot be read"), "{a}");
    }
}
