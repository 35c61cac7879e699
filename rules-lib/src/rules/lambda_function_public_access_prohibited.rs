//! `lambda-function-public-access-prohibited`: the function's resource policy does not
//! let anyone invoke it.

use serde_json::Value;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::policy::{Effect, PolicyDocument};
use crate::views::Untyped;
use crate::rule::{ItemRule, RuleSpec, Severity};

/// `lambda-function-public-access-prohibited` (AWS managed rule
/// LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED).
///
/// Documented logic: NON_COMPLIANT when the function's resource-based policy
/// (`supplementaryConfiguration.Policy`) allows public access. A function without a
/// policy is COMPLIANT.
///
/// Choices: public is an unpinned Allow to `*` / `{"AWS": "*"}` (see
/// [`crate::policy`]), and also an Allow to an AWS *service* principal with no
/// `aws:SourceAccount` / `aws:SourceArn` condition, since any account's resource of that
/// service could then invoke the function (the confused-deputy case AWS warns about).
pub struct LambdaFunctionPublicAccessProhibited;

static SPEC: RuleSpec = RuleSpec {
    name: "lambda-function-public-access-prohibited",
    description: "Lambda function resource policies do not allow public invocation.",
    resource_types: &["AWS::Lambda::Function"],
    severity: Severity::Critical,
    ..RuleSpec::CHANGE
};

impl ItemRule for LambdaFunctionPublicAccessProhibited {
    type View = Untyped;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, _view: &Untyped, _params: &Params) -> Verdict {
        let Some(policy) = item
            .supplementary("Policy")
            .filter(|p| !matches!(p, Value::String(s) if s.is_empty()))
        else {
            return Verdict::compliant(
                "the function has no resource-based policy",
            );
        };
        let doc = match PolicyDocument::from_value(policy) {
            Ok(d) => d,
            Err(e) => {
                return Verdict::non_compliant(format!(
                    "the function policy cannot be read: {e}"
                ))
            }
        };
        let mut problems: Vec<String> = doc
            .public_statements()
            .into_iter()
            .map(|(sid, actions)| {
                format!("statement {sid} allows {} to everyone", actions.join(", "))
            })
            .collect();
        for s in doc
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow && !s.is_public_principal())
        {
            let services: Vec<&str> = s
                .principal
                .iter()
                .flatten()
                .filter(|(k, _)| k == "Service")
                .map(|(_, v)| v.as_str())
                .collect();
            let scoped = s
                .condition
                .values()
                .filter_map(Value::as_object)
                .flat_map(|m| m.keys())
                .any(|k| {
                    let k = k.to_ascii_lowercase();
                    k == "aws:sourceaccount" || k == "aws:sourcearn" || k == "aws:sourceowner"
                });
            if !services.is_empty() && !scoped {
                problems.push(format!("statement {} lets {} invoke it from any account (no aws:SourceAccount or aws:SourceArn)", s.sid, services.join(", ")));
            }
        }
        if problems.is_empty() {
            Verdict::compliant(
                "the function policy grants no public access",
            )
        } else {
            Verdict::non_compliant(problems.join("; "))
        }
    }
}
