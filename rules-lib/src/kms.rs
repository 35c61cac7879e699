//! KMS key matching by key ID, key ARN or alias.

/// The key ID of a key ARN (`arn:aws:kms:r:a:key/<id>`), or the text itself.
pub fn key_id(reference: &str) -> &str {
    let r = reference.trim();
    match r.strip_prefix("arn:") {
        Some(rest) => rest.rsplit_once(":key/").map_or(r, |(_, id)| id),
        None => r.strip_prefix("key/").unwrap_or(r),
    }
}

/// Whether the key a resource uses (`actual`, an ID or ARN as the item records it)
/// is the `configured` one (key ID, key ARN, alias name or alias ARN).
///
/// Key IDs and key ARNs match each other on the key ID. An alias can only match an
/// item that records the same alias: resolving an alias to its key needs the KMS API,
/// which change-triggered rules do not call.
pub fn key_matches(configured: &str, actual: &str) -> bool {
    let (c, a) = (configured.trim(), actual.trim());
    if c.is_empty() || a.is_empty() {
        return false;
    }
    if c == a {
        return true;
    }
    let is_alias = |s: &str| s.starts_with("alias/") || s.contains(":alias/");
    if is_alias(c) || is_alias(a) {
        let alias_name = |s: &str| {
            s.rsplit_once(":alias/")
                .map_or(s.to_string(), |(_, n)| format!("alias/{n}"))
        };
        return is_alias(c) && is_alias(a) && alias_name(c) == alias_name(a);
    }
    key_id(c).eq_ignore_ascii_case(key_id(a))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    #[test]
    fn ids_arns_and_aliases() {
        assert!(key_matches("1234abcd-12ab-34cd-56ef-1234567890ab", ARN));
        assert!(key_matches(ARN, "1234abcd-12ab-34cd-56ef-1234567890ab"));
        assert!(key_matches(ARN, ARN));
        assert!(!key_matches("ffffffff-12ab-34cd-56ef-1234567890ab", ARN));
        assert!(key_matches(
            "alias/prod",
            "arn:aws:kms:us-east-1:111122223333:alias/prod"
        ));
        assert!(!key_matches("alias/prod", ARN));
        assert!(!key_matches("", ARN));
    }
}
