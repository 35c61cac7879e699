//! `api-gw-xray-enabled`: REST API stages trace requests with AWS X-Ray.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::remediation::{Remediation, RemediationParam};
use crate::rule::{ItemRule, RuleSpec, Severity};

use super::network_services::RestStage;

/// `api-gw-xray-enabled` (AWS managed rule API_GW_XRAY_ENABLED).
///
/// Documented logic: checks if AWS X-Ray tracing is enabled on Amazon API Gateway REST
/// APIs; COMPLIANT if X-Ray tracing is enabled and NON_COMPLIANT otherwise. No
/// parameters.
///
/// Data: `configuration.tracingEnabled` of the stage. Choice: absent is false (the API
/// Gateway default).
pub struct ApiGwXrayEnabled;

/// The remediation: AWSConfigRemediation-EnableAPIGatewayTracing. Turns on X-Ray tracing of the REST API stage (the resource id Config records for a stage is its ARN). Automatic: tracing changes no request.
static REMEDIATION: Remediation = Remediation {
    document: "AWSConfigRemediation-EnableAPIGatewayTracing",
    parameters: &[
        RemediationParam::ASSUME_ROLE,
        RemediationParam::resource_id("StageArn"),
    ],
    actions: &[
        "ssm:StartAutomationExecution",
        "ssm:GetAutomationExecution",
        "config:GetResourceConfigHistory",
        "apigateway:GET",
        "apigateway:PATCH",
    ],
    automatic: true,
    source: "https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-aws-enable-apigw-tracing.html",
};

static SPEC: RuleSpec = RuleSpec {
    name: "api-gw-xray-enabled",
    description: "REST API stages have AWS X-Ray tracing enabled.",
    resource_types: &["AWS::ApiGateway::Stage"],
    severity: Severity::Low,
    preventive: false,
    remediation: Some(&REMEDIATION),
    ..RuleSpec::CHANGE
};

impl ItemRule for ApiGwXrayEnabled {
    type View = RestStage;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, stage: &RestStage, _params: &Params) -> Verdict {
        if stage.tracing_enabled == Some(true) {
            Verdict::compliant("X-Ray tracing is enabled")
        } else {
            Verdict::non_compliant("X-Ray tracing is not enabled")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn stage(configuration: Value) -> Value {
        json!({"resourceType": "AWS::ApiGateway::Stage", "configuration": configuration})
    }

    #[test]
    fn tracing_on_is_compliant_and_off_or_absent_is_not() {
        let on = stage(json!({"tracingEnabled": "true"}));
        assert_eq!(verdict(&ApiGwXrayEnabled, on, json!({})).0, Compliant);
        for off in [
            json!({"tracingEnabled": false}),
            json!({"stageName": "test"}),
        ] {
            let (c, a) = verdict(&ApiGwXrayEnabled, stage(off), json!({}));
            assert_eq!(c, NonCompliant);
            assert_eq!(a, "X-Ray tracing is not enabled");
        }
    }
}
