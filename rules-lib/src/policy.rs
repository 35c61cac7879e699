//! IAM policy-document analysis shared by rules (public access, admin access).
//!
//! Documents arrive as objects, as JSON text, or as URL-encoded JSON text (IAM items);
//! [`PolicyDocument::from_value`] reads all three. Statement fields may be a single
//! value or a list.

use crate::item::json_kind;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

/// `Effect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// `Allow`.
    Allow,
    /// `Deny`.
    Deny,
}

/// One statement, normalised.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// `Sid`, or `#<index>` when absent.
    pub sid: String,
    /// `Effect`.
    pub effect: Effect,
    /// `Principal`, as (kind, value) pairs; `"*"` is (`*`, `*`). None when absent.
    pub principal: Option<Vec<(String, String)>>,
    /// `NotPrincipal`, likewise.
    pub not_principal: Option<Vec<(String, String)>>,
    /// `Action`.
    pub action: Vec<String>,
    /// `NotAction`.
    pub not_action: Vec<String>,
    /// `Resource`.
    pub resource: Vec<String>,
    /// `NotResource`.
    pub not_resource: Vec<String>,
    /// `Condition`: operator → key → values.
    pub condition: Map<String, Value>,
}

/// A parsed policy document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PolicyDocument {
    /// The statements, in order.
    pub statements: Vec<Statement>,
}

/// Condition keys that pin a public principal to something specific (an account, an
/// organization, a network, a calling resource). A statement restricted by one of them
/// (with a positive operator and a non-wildcard value) is not public.
const PINNING_KEYS: &[&str] = &[
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:userid",
    "aws:username",
    "aws:resourceorgid",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:principalservicename",
    "kms:calleraccount",
    "kms:viaservice",
    "lambda:functionurlauthtype",
    "s3:dataaccesspointaccount",
    "sns:endpoint",
];

impl PolicyDocument {
    /// Reads a document given as an object, JSON text, or URL-encoded JSON text (a
    /// list holding one document, as some IAM items carry, is read too).
    pub fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Object(o) => Self::from_object(o),
            Value::String(s) => Self::from_text(s),
            Value::Array(list) if list.len() == 1 => Self::from_value(&list[0]),
            other => Err(format!(
                "a policy document is an object or JSON text, found {}",
                json_kind(other)
            )),
        }
    }

    /// Reads JSON text, URL-decoding it first when it is URL-encoded.
    pub fn from_text(text: &str) -> Result<Self, String> {
        let t = text.trim();
        let decoded;
        let json_text = if t.starts_with('%') || (!t.starts_with('{') && t.contains("%7B")) {
            decoded = percent_decode_str(t)
                .decode_utf8()
                .map_err(|e| format!("URL-encoded policy is not UTF-8: {e}"))?
                .replace('+', " ");
            decoded.as_str()
        } else {
            t
        };
        let v: Value = serde_json::from_str(json_text).map_err(|e| {
            // serde_json's message names the kind of error and its place, never the text.
            format!(
                "policy document is not valid JSON (line {} column {}): {}",
                e.line(),
                e.column(),
                e.to_string()
                    .rsplit_once(" at line ")
                    .map_or_else(|| e.to_string(), |(m, _)| m.to_string())
            )
        })?;
        match v {
            Value::Object(o) => Self::from_object(&o),
            other => Err(format!(
                "a policy document is a JSON object, found {}",
                json_kind(&other)
            )),
        }
    }

    fn from_object(o: &Map<String, Value>) -> Result<Self, String> {
        let statements = match o.get("Statement") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(list)) => list.iter().collect(),
            Some(one @ Value::Object(_)) => vec![one],
            Some(other) => {
                return Err(format!(
                    "`Statement` must be a list or an object, found {}",
                    json_kind(other)
                ))
            }
        };
        let statements = statements
            .into_iter()
            .enumerate()
            .map(|(i, s)| Statement::from_value(i, s))
            .collect::<Result<_, _>>()?;
        Ok(Self { statements })
    }

    /// Allow statements open to everyone with no condition that pins them, whatever
    /// they allow: (sid, the actions as written, `NotAction` ones prefixed `all but`).
    /// A statement with neither `Action` nor `NotAction` allows nothing (AWS refuses
    /// such a policy as malformed), so it is not listed.
    pub fn public_statements(&self) -> Vec<(String, Vec<String>)> {
        self.statements
            .iter()
            .filter(|s| {
                s.effect == Effect::Allow
                    && s.is_public_principal()
                    && !s.is_pinned_by_condition()
                    && !(s.action.is_empty() && s.not_action.is_empty())
            })
            .map(|s| {
                let actions = if s.not_action.is_empty() {
                    s.action.clone()
                } else {
                    vec![format!("all but {}", s.not_action.join(", "))]
                };
                (s.sid.clone(), actions)
            })
            .collect()
    }

    /// How this resource policy exposes its resource: the one decision, with the one
    /// wording, that every rule reading resource policies reports. Two cases:
    /// - an Allow to a public principal (`*`, `{"AWS": "*"}`, any `NotPrincipal`) with no
    ///   condition that pins it ([`Statement::is_pinned_by_condition`]): "statement S
    ///   allows A to everyone";
    /// - an Allow to a service principal of [`ANY_ACCOUNT_SERVICES`] with no pinning
    ///   condition: "statement S lets s3.amazonaws.com use it for any account".
    ///
    /// Empty: the policy exposes nothing.
    pub fn exposures(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .public_statements()
            .into_iter()
            .map(|(sid, actions)| {
                format!("statement {sid} allows {} to everyone", actions.join(", "))
            })
            .collect();
        for s in self.statements.iter().filter(|s| {
            s.effect == Effect::Allow && !s.is_public_principal() && !s.is_pinned_by_condition()
        }) {
            let services: Vec<&str> = s
                .principal
                .iter()
                .flatten()
                .filter(|(k, v)| {
                    k == "Service"
                        && ANY_ACCOUNT_SERVICES
                            .iter()
                            .any(|x| x.eq_ignore_ascii_case(v))
                })
                .map(|(_, v)| v.as_str())
                .collect();
            if !services.is_empty() {
                out.push(format!(
                    "statement {} lets {} use it for any account (no aws:SourceAccount or aws:SourceArn with fixed values)",
                    s.sid,
                    services.join(", ")
                ));
            }
        }
        out
    }

    /// Allow statements granting every action (`*` or `*:*`) on every resource (`*`):
    /// full administrative access. Returns their sids.
    pub fn admin_statements(&self) -> Vec<String> {
        self.statements
            .iter()
            .filter(|s| {
                s.effect == Effect::Allow
                    && s.action.iter().any(|a| a == "*" || a == "*:*")
                    && s.resource.iter().any(|r| r == "*")
            })
            .map(|s| s.sid.clone())
            .collect()
    }

    /// Allow statements that grant a public principal one of `actions` without a
    /// condition that pins them, less what an unconditional public Deny takes away.
    /// Each hit is (statement sid, the actions it grants publicly).
    pub fn public_grants(&self, actions: &[&str]) -> Vec<(String, Vec<String>)> {
        let denied: Vec<&str> = actions
            .iter()
            .copied()
            .filter(|a| {
                self.statements.iter().any(|s| {
                    s.effect == Effect::Deny
                        && s.condition.is_empty()
                        && s.is_public_principal()
                        && s.matches_action(a)
                })
            })
            .collect();
        self.statements
            .iter()
            .filter(|s| {
                s.effect == Effect::Allow && s.is_public_principal() && !s.is_pinned_by_condition()
            })
            .filter_map(|s| {
                let granted: Vec<String> = actions
                    .iter()
                    .filter(|a| !denied.contains(a) && s.matches_action(a))
                    .map(|a| a.to_string())
                    .collect();
                (!granted.is_empty()).then(|| (s.sid.clone(), granted))
            })
            .collect()
    }
}

fn strings(v: Option<&Value>, field: &str) -> Result<Vec<String>, String> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(list)) => list
            .iter()
            .map(|x| match x {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!(
                    "`{field}` entries must be text, found {}",
                    json_kind(other)
                )),
            })
            .collect(),
        Some(other) => Err(format!(
            "`{field}` must be text or a list, found {}",
            json_kind(other)
        )),
    }
}

fn principals(v: Option<&Value>, field: &str) -> Result<Option<Vec<(String, String)>>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(vec![("*".into(), s.clone())])),
        Some(Value::Object(m)) => {
            let mut out = Vec::new();
            for (kind, vals) in m {
                for val in strings(Some(vals), field)? {
                    out.push((kind.clone(), val));
                }
            }
            Ok(Some(out))
        }
        Some(other) => Err(format!(
            "`{field}` must be \"*\" or an object, found {}",
            json_kind(other)
        )),
    }
}

impl Statement {
    fn from_value(index: usize, v: &Value) -> Result<Self, String> {
        let o = v
            .as_object()
            .ok_or_else(|| format!("statement #{index} is not an object"))?;
        let effect = match o.get("Effect").and_then(Value::as_str) {
            Some(e) if e.eq_ignore_ascii_case("allow") => Effect::Allow,
            Some(e) if e.eq_ignore_ascii_case("deny") => Effect::Deny,
            other => {
                return Err(format!(
                    "statement #{index} has Effect {other:?}; expected Allow or Deny"
                ))
            }
        };
        Ok(Self {
            sid: o
                .get("Sid")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map_or_else(|| format!("#{index}"), str::to_string),
            effect,
            principal: principals(o.get("Principal"), "Principal")?,
            not_principal: principals(o.get("NotPrincipal"), "NotPrincipal")?,
            action: strings(o.get("Action"), "Action")?,
            not_action: strings(o.get("NotAction"), "NotAction")?,
            resource: strings(o.get("Resource"), "Resource")?,
            not_resource: strings(o.get("NotResource"), "NotResource")?,
            condition: match o.get("Condition") {
                Some(Value::Object(c)) => c.clone(),
                _ => Map::new(),
            },
        })
    }

    /// Whether the statement applies to anyone: `Principal` `*`, `{"AWS": "*"}` (or
    /// `CanonicalUser` `*`), or any `NotPrincipal` (everyone but a few).
    pub fn is_public_principal(&self) -> bool {
        if self.not_principal.is_some() {
            return true;
        }
        self.principal.as_ref().is_some_and(|ps| {
            ps.iter().any(|(kind, val)| {
                val == "*" && matches!(kind.as_str(), "*" | "AWS" | "CanonicalUser")
            })
        })
    }

    /// Whether the statement covers `action` (Action wildcards, or not excluded by
    /// NotAction). Case-insensitive, `*` and `?` wildcards.
    pub fn matches_action(&self, action: &str) -> bool {
        if !self.not_action.is_empty() {
            return !self.not_action.iter().any(|p| wildcard_match(p, action));
        }
        self.action.iter().any(|p| wildcard_match(p, action))
    }

    /// Whether some condition pins the statement to a specific account, organization,
    /// network or source: a pinning key, a positive operator (not `...Not...`, not
    /// `...IfExists`, not `ForAllValues:...`), and fixed values only. As in S3's definition of "public", a value
    /// with a wildcard anywhere (`arn:aws:sns:*:*:*`, `o-*`, `vpce-*`, `123*`) pins
    /// nothing, nor does an open network (`0.0.0.0/0`, any zero prefix).
    pub fn is_pinned_by_condition(&self) -> bool {
        self.condition.iter().any(|(op, keys)| {
            let op_l = op.to_ascii_lowercase();
            // `ForAllValues:` is true when the key is absent from the request, so it
            // pins nothing (only `ForAnyValue:` and plain operators require a value).
            if op_l.contains("not")
                || op_l.starts_with("forallvalues:")
                || op_l.ends_with("ifexists")
                || op_l == "null"
                || op_l.starts_with("bool")
            {
                return false;
            }
            let Some(keys) = keys.as_object() else {
                return false;
            };
            keys.iter().any(|(k, vals)| {
                let key = k.to_ascii_lowercase();
                // A function URL condition restricts callers only when it requires IAM
                // authentication: `lambda:FunctionUrlAuthType: NONE` is a public URL.
                if key == "lambda:functionurlauthtype" {
                    return strings(Some(vals), k).is_ok_and(|vs| {
                        !vs.is_empty() && vs.iter().all(|v| v.eq_ignore_ascii_case("AWS_IAM"))
                    });
                }
                PINNING_KEYS.contains(&key.as_str())
                    && strings(Some(vals), k)
                        .map(|vs| !vs.is_empty() && vs.iter().all(|v| !is_open_value(v)))
                        .unwrap_or(false)
            })
        })
    }
}

/// A condition value that does not fix anything: empty, holding a wildcard anywhere, a
/// policy variable (`${aws:PrincipalAccount}`: S3 counts only fixed values, and a
/// variable is whatever the caller makes it), or a network that admits every address.
fn is_open_value(v: &str) -> bool {
    let v = v.trim();
    v.is_empty() || v.contains(['*', '?']) || v.contains("${") || crate::network::is_open_cidr(v)
}

/// Service principals that act for resources of any account: a grant to one of them
/// without a condition pinning the source (`aws:SourceAccount`, `aws:SourceArn`, ...)
/// lets another account's resource use this one (the confused deputy). S3 is the case
/// the managed rule `lambda-function-public-access-prohibited` documents: bucket ARNs
/// carry no account, so `SourceArn` alone does not fix the account either way, and any
/// pinning condition is accepted as AWS does.
pub const ANY_ACCOUNT_SERVICES: &[&str] = &["s3.amazonaws.com"];

/// IAM wildcard matching: `*` any run, `?` one character, case-insensitive.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let t: Vec<char> = text.to_ascii_lowercase().chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const READ: &[&str] = &["s3:GetObject", "s3:ListBucket"];

    #[test]
    fn for_all_values_and_policy_variables_pin_nothing_but_for_any_value_does() {
        let doc = |op: &str, value: &str| {
            PolicyDocument::from_value(&json!({"Statement": [{
                "Sid": "S", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Resource": "*", "Condition": {op: {"aws:SourceAccount": value}}
            }]}))
            .unwrap()
        };
        // True when the key is absent from the request: pins nothing.
        assert_eq!(
            doc("ForAllValues:StringEquals", "123456789012")
                .exposures()
                .len(),
            1
        );
        // Whatever the caller's account is: pins nothing.
        assert_eq!(
            doc("StringEquals", "${aws:PrincipalAccount}")
                .exposures()
                .len(),
            1
        );
        assert!(doc("ForAnyValue:StringEquals", "123456789012")
            .exposures()
            .is_empty());
        assert!(doc("StringEquals", "123456789012").exposures().is_empty());
    }

    #[test]
    fn a_condition_value_with_a_wildcard_pins_nothing() {
        let doc = |key: &str, value: &str| {
            PolicyDocument::from_value(&json!({"Statement": [{
                "Sid": "S", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Resource": "*", "Condition": {"StringLike": {key: value}}
            }]}))
            .unwrap()
        };
        for (key, value) in [
            ("aws:SourceArn", "arn:aws:sns:*:*:*"),
            ("aws:PrincipalOrgID", "o-*"),
            ("aws:SourceVpce", "vpce-*"),
            ("aws:SourceAccount", "123*"),
            ("aws:SourceAccount", "12345678901?"),
        ] {
            assert_eq!(
                doc(key, value).public_statements().len(),
                1,
                "{key}: {value}"
            );
        }
        for (key, value) in [
            ("aws:SourceArn", "arn:aws:sns:us-east-1:123456789012:topic"),
            ("aws:PrincipalOrgID", "o-a1b2c3d4e5"),
            ("aws:SourceAccount", "123456789012"),
        ] {
            assert!(
                doc(key, value).public_statements().is_empty(),
                "{key}: {value}"
            );
        }
    }

    #[test]
    fn a_public_statement_without_action_allows_nothing() {
        let doc = PolicyDocument::from_value(&json!({"Statement": [
            {"Sid": "NoAction", "Effect": "Allow", "Principal": "*", "Resource": "*"}
        ]}))
        .unwrap();
        assert!(doc.public_statements().is_empty());
        assert!(doc.public_grants(&["s3:GetObject"]).is_empty());
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("s3:*", "s3:GetObject"));
        assert!(wildcard_match("S3:get*", "s3:GetObject"));
        assert!(wildcard_match("*", "s3:GetObject"));
        assert!(wildcard_match("s3:Get?bject", "s3:GetObject"));
        assert!(!wildcard_match("s3:Put*", "s3:GetObject"));
    }

    #[test]
    fn a_function_url_with_auth_type_none_is_public_and_aws_iam_is_not() {
        let doc = |auth: &str| {
            PolicyDocument::from_value(&serde_json::json!({"Statement": [{"Sid": "url", "Effect": "Allow", "Principal": "*",
                "Action": "lambda:InvokeFunctionUrl", "Resource": "*",
                "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": auth}}}]}))
            .unwrap()
        };
        assert_eq!(doc("NONE").public_statements().len(), 1);
        assert!(doc("AWS_IAM").public_statements().is_empty());
    }

    #[test]
    fn reads_objects_json_text_and_url_encoded_text() {
        let doc = json!({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}});
        let a = PolicyDocument::from_value(&doc).unwrap();
        let b = PolicyDocument::from_value(&Value::String(doc.to_string())).unwrap();
        let encoded: String = percent_encoding::utf8_percent_encode(
            &doc.to_string(),
            percent_encoding::NON_ALPHANUMERIC,
        )
        .to_string();
        let c = PolicyDocument::from_value(&Value::String(encoded)).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(
            a.public_grants(READ),
            vec![("#0".to_string(), vec!["s3:GetObject".to_string()])]
        );
    }

    #[test]
    fn pinning_conditions_make_a_statement_private() {
        for cond in [
            json!({"StringEquals": {"aws:SourceVpce": "vpce-1"}}),
            json!({"StringEquals": {"AWS:SourceAccount": ["111122223333"]}}),
            json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
        ] {
            let doc = json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "*", "Condition": cond}]});
            assert!(
                PolicyDocument::from_value(&doc)
                    .unwrap()
                    .public_grants(READ)
                    .is_empty(),
                "{doc}"
            );
        }
        for cond in [
            json!({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}),
            json!({"StringLike": {"aws:SourceAccount": "*"}}),
            json!({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}),
            json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}),
            json!({"Bool": {"aws:SecureTransport": "true"}}),
        ] {
            let doc = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": cond}]});
            assert!(
                !PolicyDocument::from_value(&doc)
                    .unwrap()
                    .public_grants(READ)
                    .is_empty(),
                "{doc}"
            );
        }
    }

    #[test]
    fn unconditional_public_deny_and_not_action() {
        let doc = json!({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Deny", "Principal": "*", "Action": "s3:Get*", "Resource": "*"}]});
        assert!(PolicyDocument::from_value(&doc)
            .unwrap()
            .public_grants(READ)
            .is_empty());
        let doc = json!({"Statement": [{"Sid": "all-but-list", "Effect": "Allow", "Principal": "*", "NotAction": "s3:ListBucket", "Resource": "*"}]});
        assert_eq!(
            PolicyDocument::from_value(&doc)
                .unwrap()
                .public_grants(READ),
            vec![("all-but-list".to_string(), vec!["s3:GetObject".to_string()])]
        );
    }

    #[test]
    fn public_and_admin_statements() {
        let doc = json!({"Statement": [
            {"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "Open", "Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["sqs:SendMessage"], "Resource": "*"},
            {"Sid": "Org", "Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-123"}}}]});
        let d = PolicyDocument::from_value(&json!([doc])).unwrap();
        assert_eq!(d.admin_statements(), ["Admin"]);
        assert_eq!(
            d.public_statements(),
            vec![("Open".to_string(), vec!["sqs:SendMessage".to_string()])]
        );
    }

    #[test]
    fn malformed_documents_are_errors_not_panics() {
        assert!(PolicyDocument::from_value(&json!("{not json")).is_err());
        assert!(PolicyDocument::from_value(&json!({"Statement": [{"Effect": "Maybe"}]})).is_err());
        assert!(PolicyDocument::from_value(&json!(7)).is_err());
    }
}
