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
