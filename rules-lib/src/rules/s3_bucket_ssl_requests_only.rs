//! `s3-bucket-ssl-requests-only`: the bucket policy denies requests without TLS.

use serde_json::Value;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::policy::{wildcard_match, Effect};
use crate::views::S3Bucket;
use crate::rule::{ItemRule, RuleSpec};


/// `s3-bucket-ssl-requests-only` (AWS managed rule S3_BUCKET_SSL_REQUESTS_ONLY).
///
/// Documented logic: COMPLIANT when the bucket policy explicitly denies HTTP requests:
/// a Deny for every principal, with the condition `aws:SecureTransport` = `false`.
/// No policy, or no such statement, is NON_COMPLIANT.
///
/// Choices: the Deny must cover both s3:GetObject and s3:PutObject (`s3:*` or `*` do);
/// the condition may be `Bool` or `BoolIfExists`, its value `false` as text or boolean.
pub struct S3BucketSslRequestsOnly;

static SPEC: RuleSpec = RuleSpec {
    name: "s3-bucket-ssl-requests-only",
    description:
        "S3 bucket policies deny requests that do not use TLS (aws:SecureTransport false).",
    resource_types: &["AWS::S3::Bucket"],
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
                return Verdict::non_compliant(format!(
                    "the bucket policy cannot be read: {e}"
                ))
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
            Some(s) => Verdict::compliant(format!(
                "statement {} denies requests without TLS",
                s.sid
            )),
            None => Verdict::non_compliant(
                "no bucket policy statement denies requests where aws:SecureTransport is false",
            ),
        }
    }
}
