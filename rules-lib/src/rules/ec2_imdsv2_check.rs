//! `ec2-imdsv2-check`: instances require IMDSv2 (session tokens).

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::views::Ec2Instance;
use crate::rule::{ItemRule, RuleSpec, Severity};

/// `ec2-imdsv2-check` (AWS managed rule EC2_IMDSV2_CHECK).
///
/// Documented logic, followed exactly by default: NON_COMPLIANT when
/// `metadataOptions.httpTokens` is `optional` (IMDSv1 allowed); COMPLIANT otherwise
/// (`required`). The metadata endpoint's state does not enter into it.
///
/// Where the documentation is silent: an item that records no `httpTokens` is
/// NON_COMPLIANT, read as EC2's historical default (`optional`): EC2 always reports
/// metadata options, so their absence means the item lost them, and IMDSv2 cannot be
/// shown to be required.
///
/// Looser, off by default: with `treatDisabledEndpointAsCompliant` = `true`, an
/// instance whose metadata endpoint is `disabled` is COMPLIANT whatever `httpTokens`
/// says (no IMDSv1 to abuse while the endpoint is off; it can be turned on later
/// without a new launch, which is why the managed rule does not excuse it).
pub struct Ec2Imdsv2Check;

/// `treatDisabledEndpointAsCompliant`.
const TREAT_DISABLED_ENDPOINT_AS_COMPLIANT: ParamSpec = ParamSpec::optional(
    "treatDisabledEndpointAsCompliant",
    ParamKind::Bool,
    "ferrule's looser choice, off by default: an instance with its metadata endpoint disabled is COMPLIANT whatever httpTokens says",
    );

static SPEC: RuleSpec = RuleSpec {
    name: "ec2-imdsv2-check",
    description: "EC2 instances require IMDSv2 (metadataOptions.httpTokens is required).",
    resource_types: &["AWS::EC2::Instance"],
    parameters: &[TREAT_DISABLED_ENDPOINT_AS_COMPLIANT],
    severity: Severity::High,
    ..RuleSpec::CHANGE
};

impl ItemRule for Ec2Imdsv2Check {
    type View = Ec2Instance;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, instance: &Ec2Instance, params: &Params) -> Verdict {
        if params.bool(&TREAT_DISABLED_ENDPOINT_AS_COMPLIANT) == Some(true)
            && instance.metadata_option("httpEndpoint") == Some("disabled")
        {
            return Verdict::compliant(
                "the instance metadata endpoint is disabled",
            );
        }
        match instance.metadata_option("httpTokens") {
            Some("required") => Verdict::compliant(
                "IMDSv2 is required (httpTokens required)",
            ),
            Some(other) => Verdict::non_compliant(format!(
                "httpTokens is {other}: IMDSv1 requests are accepted"
            )),
            None => Verdict::non_compliant(
                "the item records no metadataOptions, so IMDSv2 cannot be shown to be required",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn judge(options: serde_json::Value, params: serde_json::Value) -> String {
        let item = ConfigurationItem::from_value(&json!({
            "resourceType": "AWS::EC2::Instance", "resourceId": "i-1",
            "configuration": {"metadataOptions": options}
        }))
        .unwrap();
        let (p, _) =
            Params::parse(SPEC.name, SPEC.parameters, params.as_object().unwrap()).unwrap();
        crate::engine::evaluate_item(&Ec2Imdsv2Check, &item, &p, crate::Timestamp::now())
            .unwrap()
            .compliance_type
            .as_str()
            .to_string()
    }

    #[test]
    fn the_documented_logic_by_default_and_the_looser_choice_only_when_asked() {
        let disabled_optional = json!({"httpTokens": "optional", "httpEndpoint": "disabled"});
        assert_eq!(
            judge(json!({"httpTokens": "required"}), json!({})),
            "COMPLIANT"
        );
        assert_eq!(
            judge(json!({"httpTokens": "optional"}), json!({})),
            "NON_COMPLIANT"
        );
        assert_eq!(judge(disabled_optional.clone(), json!({})), "NON_COMPLIANT");
        assert_eq!(judge(json!({}), json!({})), "NON_COMPLIANT");
        assert_eq!(
            judge(
                disabled_optional,
                json!({"treatDisabledEndpointAsCompliant": "true"})
            ),
            "COMPLIANT"
        );
    }
}
