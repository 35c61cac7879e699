//! `lambda-function-public-access-prohibited`: the function's resource policy does not
//! let anyone invoke it.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec, Severity};
use crate::views::LambdaFunction;

/// `lambda-function-public-access-prohibited` (AWS managed rule
/// LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED).
///
/// Documented logic: NON_COMPLIANT when the function's resource-based policy
/// (`supplementaryConfiguration.Policy`) allows public access. A function without a
/// policy is COMPLIANT.
///
/// Documented too: a policy that lets Amazon S3 invoke the function without a source
/// condition (`aws:SourceAccount`) is NON_COMPLIANT, since a bucket of any account could
/// invoke it.
///
/// Choices: what counts as public is decided in one place,
/// [`crate::policy::PolicyDocument::exposures`], shared with
/// `resource-policy-no-public-access`: an unpinned Allow to `*` / `{"AWS": "*"}`, and an
/// Allow to `s3.amazonaws.com` without a condition pinning the source with fixed values.
/// Other service principals (Secrets Manager rotation, EventBridge, ...) are not judged,
/// as by the managed rule. An unreadable policy is NON_COMPLIANT with the reason.
pub struct LambdaFunctionPublicAccessProhibited;

static SPEC: RuleSpec = RuleSpec {
    name: "lambda-function-public-access-prohibited",
    description: "Lambda function resource policies do not allow public invocation.",
    resource_types: &["AWS::Lambda::Function"],
    severity: Severity::Critical,
    ..RuleSpec::CHANGE
};

impl ItemRule for LambdaFunctionPublicAccessProhibited {
    type View = LambdaFunction;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, f: &LambdaFunction, _params: &Params) -> Verdict {
        match &f.policy {
            None => Verdict::compliant("the function has no resource-based policy"),
            Some(Err(e)) => {
                Verdict::non_compliant(format!("the function policy cannot be read: {e}"))
            }
            Some(Ok(doc)) => {
                let exposures = doc.exposures();
                if exposures.is_empty() {
                    Verdict::compliant("the function policy grants no public access")
                } else {
                    Verdict::non_compliant(exposures.join("; "))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::json;

    fn function(policy: serde_json::Value) -> serde_json::Value {
        json!({"resourceType": "AWS::Lambda::Function", "configuration": {"functionName": "f"},
               "supplementaryConfiguration": {"Policy": policy.to_string()}})
    }

    fn allow(principal: serde_json::Value, condition: serde_json::Value) -> serde_json::Value {
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "s1", "Effect": "Allow",
               "Principal": principal, "Action": "lambda:InvokeFunction",
               "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Condition": condition}]})
    }

    #[test]
    fn anyone_may_invoke_is_non_compliant() {
        let (c, a) = verdict(
            &LambdaFunctionPublicAccessProhibited,
            function(allow(json!("*"), json!({}))),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "statement s1 allows lambda:InvokeFunction to everyone");
    }

    #[test]
    fn s3_without_a_fixed_source_is_non_compliant_and_with_one_compliant() {
        let s3 = json!({"Service": "s3.amazonaws.com"});
        assert_eq!(
            verdict(
                &LambdaFunctionPublicAccessProhibited,
                function(allow(s3.clone(), json!({}))),
                json!({})
            )
            .0,
            NonCompliant
        );
        let var = json!({"StringEquals": {"AWS:SourceAccount": "${aws:PrincipalAccount}"}});
        assert_eq!(
            verdict(
                &LambdaFunctionPublicAccessProhibited,
                function(allow(s3.clone(), var)),
                json!({})
            )
            .0,
            NonCompliant
        );
        let not_eq = json!({"StringNotEquals": {"AWS:SourceAccount": "123456789012"}});
        assert_eq!(
            verdict(
                &LambdaFunctionPublicAccessProhibited,
                function(allow(s3.clone(), not_eq)),
                json!({})
            )
            .0,
            NonCompliant
        );
        let fixed = json!({"StringEquals": {"AWS:SourceAccount": "123456789012"}});
        assert_eq!(
            verdict(
                &LambdaFunctionPublicAccessProhibited,
                function(allow(s3, fixed)),
                json!({})
            )
            .0,
            Compliant
        );
    }

    #[test]
    fn other_service_principals_are_not_judged_as_the_managed_rule_does() {
        let sm = json!({"Service": "secretsmanager.amazonaws.com"});
        assert_eq!(
            verdict(
                &LambdaFunctionPublicAccessProhibited,
                function(allow(sm, json!({}))),
                json!({})
            )
            .0,
            Compliant
        );
    }

    #[test]
    fn this_rule_and_resource_policy_no_public_access_agree_on_every_policy() {
        let cases = [
            allow(json!("*"), json!({})),
            allow(
                json!({"AWS": "*"}),
                json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}),
            ),
            allow(
                json!({"AWS": "*"}),
                json!({"StringEquals": {"aws:PrincipalOrgID": "o-*"}}),
            ),
            allow(json!({"Service": "s3.amazonaws.com"}), json!({})),
            allow(json!({"Service": "events.amazonaws.com"}), json!({})),
            allow(json!({"AWS": "arn:aws:iam::111122223333:root"}), json!({})),
        ];
        for policy in cases {
            let a = verdict(
                &LambdaFunctionPublicAccessProhibited,
                function(policy.clone()),
                json!({}),
            );
            let b = verdict(
                &crate::rules::ResourcePolicyNoPublicAccess,
                function(policy.clone()),
                json!({}),
            );
            assert_eq!(a.0, b.0, "{policy}");
            if a.0 == NonCompliant {
                assert_eq!(a.1, b.1, "{policy}");
            }
        }
    }
}
