//! `s3-bucket-public-read-prohibited`: no public read through ACL or bucket policy.

use serde_json::Value;

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::policy::PolicyDocument;
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

use super::as_bool;

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
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[],
    severity: Severity::Critical,
};

/// Actions that read a bucket's content.
pub(crate) const READ_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:ListBucket",
    "s3:ListBucketVersions",
];

/// The bucket-level Block Public Access flags: (ignorePublicAcls, restrictPublicBuckets).
pub(crate) fn public_access_block(item: &ConfigurationItem) -> (bool, bool) {
    let Some(pab) = item.supplementary("PublicAccessBlockConfiguration") else {
        return (false, false);
    };
    let flag = |k: &str| pab.get(k).and_then(as_bool).unwrap_or(false);
    (flag("ignorePublicAcls"), flag("restrictPublicBuckets"))
}

/// ACL grants to everyone (or every AWS user) with one of `permissions`.
pub(crate) fn public_acl_grants(
    item: &ConfigurationItem,
    permissions: &[&str],
) -> Result<Vec<String>, String> {
    let Some(acl) = item.supplementary("AccessControlList") else {
        return Ok(Vec::new());
    };
    if let Value::String(s) = acl {
        return Err(format!(
            "AccessControlList is not readable JSON: {}",
            s.chars().take(60).collect::<String>()
        ));
    }
    let grants = match acl.get("grantList") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(g)) => g,
        Some(_) => return Err("AccessControlList.grantList is not a list".into()),
    };
    let norm = |s: &str| s.to_ascii_lowercase().replace(['_', '-'], "");
    let mut out = Vec::new();
    for g in grants {
        let grantee = match g.get("grantee") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Object(o)) => ["uri", "URI", "identifier", "id"]
                .iter()
                .find_map(|k| o.get(*k).and_then(Value::as_str))
                .unwrap_or_default()
                .to_string(),
            _ => String::new(),
        };
        let group = if grantee.ends_with("AllUsers") {
            "AllUsers"
        } else if grantee.ends_with("AuthenticatedUsers") {
            "AuthenticatedUsers"
        } else {
            continue;
        };
        let perm = g
            .get("permission")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if permissions.iter().any(|p| norm(p) == norm(perm)) {
            out.push(format!("{perm} to {group}"));
        }
    }
    Ok(out)
}

/// Public grants of `actions` in the bucket policy: (sid, actions).
pub(crate) fn public_policy_grants(
    item: &ConfigurationItem,
    actions: &[&str],
) -> Result<Vec<(String, Vec<String>)>, String> {
    let Some(policy) = item.supplementary("BucketPolicy") else {
        return Ok(Vec::new());
    };
    let text = match policy.get("policyText") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(t) => t,
    };
    PolicyDocument::from_value(text).map(|doc| doc.public_grants(actions))
}

impl Rule for S3BucketPublicReadProhibited {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(
        &self,
        item: &ConfigurationItem,
        _params: &crate::params::Params,
    ) -> Result<Verdict, RuleError> {
        let (ignore_acls, restrict_policy) = public_access_block(item);
        let mut problems = Vec::new();
        if !ignore_acls {
            match public_acl_grants(item, &["Read", "FullControl"]) {
                Ok(g) if !g.is_empty() => {
                    problems.push(format!("the bucket ACL grants {}", g.join(", ")))
                }
                Ok(_) => {}
                Err(e) => problems.push(e),
            }
        }
        if !restrict_policy {
            match public_policy_grants(item, READ_ACTIONS) {
                Ok(g) => problems.extend(g.into_iter().map(|(sid, actions)| {
                    format!(
                        "bucket policy statement {sid} allows {} to everyone",
                        actions.join(", ")
                    )
                })),
                Err(e) => problems.push(format!("the bucket policy cannot be read: {e}")),
            }
        }
        if problems.is_empty() {
            let how = match (ignore_acls, restrict_policy) {
                (true, true) => "Block Public Access ignores public ACLs and restricts public policies",
                (true, false) => "Block Public Access ignores public ACLs and the bucket policy allows no public read",
                (false, true) => "the ACL allows no public read and Block Public Access restricts public policies",
                (false, false) => "neither the ACL nor the bucket policy allows public read",
            };
            Ok(Verdict::compliant(how))
        } else {
            Ok(Verdict::non_compliant(problems.join("; ")))
        }
    }
}
