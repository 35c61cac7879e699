//! `resource-policy-no-public-access`: no resource policy grants anything to everyone.

use serde_json::Value;

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::policy::PolicyDocument;
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

/// `resource-policy-no-public-access` (ferrule; the deploy-time IAM Access Analyzer
/// check, run on every change).
///
/// One rule over the resource policies of S3 buckets (`BucketPolicy.policyText`), SQS
/// queues (`configuration.Policy`), SNS topics (`configuration.Policy`), Lambda
/// functions (`supplementaryConfiguration.Policy`) and KMS keys
/// (`supplementaryConfiguration.Policy`). NON_COMPLIANT when an Allow statement grants a
/// public principal (`*`, `{"AWS": "*"}`, any `NotPrincipal`) any action without a
/// condition that pins it to an account, organization, VPC, VPC endpoint, IP range or
/// source (see [`crate::policy`]). The annotation names each statement and its actions.
/// A resource without a policy is COMPLIANT.
pub struct ResourcePolicyNoPublicAccess;

static SPEC: RuleSpec = RuleSpec {
    name: "resource-policy-no-public-access",
    description: "Resource policies (S3, SQS, SNS, Lambda, KMS) grant nothing to everyone without a pinning condition.",
    resource_types: &["AWS::S3::Bucket", "AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::Lambda::Function", "AWS::KMS::Key"],
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[],
    severity: Severity::Critical,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
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

impl Rule for ResourcePolicyNoPublicAccess {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, _params: &Params) -> Result<Verdict, RuleError> {
        let Some(policy) = policy_of(item) else {
            return Ok(Verdict::compliant("the resource has no resource policy"));
        };
        match PolicyDocument::from_value(policy) {
            Err(e) => Ok(Verdict::non_compliant(format!(
                "the resource policy cannot be read: {e}"
            ))),
            Ok(doc) => {
                let public = doc.public_statements();
                if public.is_empty() {
                    Ok(Verdict::compliant(
                        "the resource policy grants nothing to everyone",
                    ))
                } else {
                    Ok(Verdict::non_compliant(
                        public
                            .into_iter()
                            .map(|(sid, a)| {
                                format!("statement {sid} allows {} to everyone", a.join(", "))
                            })
                            .collect::<Vec<_>>()
                            .join("; "),
                    ))
                }
            }
        }
    }
}
