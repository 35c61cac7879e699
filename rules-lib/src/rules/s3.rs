//! What S3 bucket rules share: Block Public Access flags, public ACL grants, public
//! bucket-policy grants.

use serde_json::Value;

use crate::views::S3Bucket;

/// Actions that read a bucket's content.
pub(crate) const READ_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:ListBucket",
    "s3:ListBucketVersions",
];

/// ACL grants to everyone (or every AWS user) with one of `permissions`.
pub(crate) fn public_acl_grants(
    bucket: &S3Bucket,
    permissions: &[&str],
) -> Result<Vec<String>, String> {
    let Some(acl) = &bucket.acl else {
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
    bucket: &S3Bucket,
    actions: &[&str],
) -> Result<Vec<(String, Vec<String>)>, String> {
    match &bucket.policy {
        None => Ok(Vec::new()),
        Some(doc) => doc
            .as_ref()
            .map(|d| d.public_grants(actions))
            .map_err(Clone::clone),
    }
}

/// The verdict of the public read / public write rules: the ACL is judged unless Block
/// Public Access ignores public ACLs; the policy unless it restricts public buckets.
pub(crate) fn judge_public_access(
    bucket: &S3Bucket,
    acl_permissions: &[&str],
    actions: &[&str],
    what: &str,
) -> crate::evaluation::Verdict {
    use crate::evaluation::Verdict;
    let pab = bucket.public_access_block;
    let (ignore_acls, restrict_policy) = (pab.ignore_public_acls, pab.restrict_public_buckets);
    let mut problems = Vec::new();
    if !ignore_acls {
        match public_acl_grants(bucket, acl_permissions) {
            Ok(g) if !g.is_empty() => {
                problems.push(format!("the bucket ACL grants {}", g.join(", ")))
            }
            Ok(_) => {}
            Err(e) => problems.push(e),
        }
    }
    if !restrict_policy {
        match public_policy_grants(bucket, actions) {
            Ok(g) => problems.extend(g.into_iter().map(|(sid, actions)| {
                format!(
                    "bucket policy statement {sid} allows {} to everyone",
                    actions.join(", ")
                )
            })),
            Err(e) => problems.push(format!("the bucket policy cannot be read: {e}")),
        }
    }
    if !problems.is_empty() {
        return Verdict::non_compliant(problems.join("; "));
    }
    Verdict::compliant(match (ignore_acls, restrict_policy) {
        (true, true) => {
            "Block Public Access ignores public ACLs and restricts public policies".to_string()
        }
        (true, false) => format!(
            "Block Public Access ignores public ACLs and the bucket policy allows no public {what}"
        ),
        (false, true) => format!(
            "the ACL allows no public {what} and Block Public Access restricts public policies"
        ),
        (false, false) => format!("neither the ACL nor the bucket policy allows public {what}"),
    })
}

/// Actions that change a bucket's content.
pub(crate) const WRITE_ACTIONS: &[&str] = &[
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutObjectAcl",
    "s3:RestoreObject",
    "s3:AbortMultipartUpload",
];
