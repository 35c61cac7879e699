//! `sagemaker-endpoint-configuration-kms-key-configured`: SageMaker endpoint
//! configurations use a KMS key.

use serde::Deserialize;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};
use crate::views::{configuration, de, View, ViewError};

use super::kms_key::allowed_key_verdict;

/// `sagemaker-endpoint-configuration-kms-key-configured` (AWS managed rule
/// SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED).
///
/// Documented logic: periodic; NON_COMPLIANT if `KmsKeyId` is not specified for the
/// endpoint configuration. `kmsKeyArns` (optional, comma-separated) lists the keys
/// allowed.
///
/// Divergence: the managed rule reads the SageMaker API (DescribeEndpointConfig); this
/// rule judges the recorded `AWS::SageMaker::EndpointConfig` items
/// (`configuration.KmsKeyId`), swept on schedule through the Config API.
///
/// Choices: with `kmsKeyArns`, a key not in the list is NON_COMPLIANT too; keys match by
/// key ID or key ARN, or the same alias; the keys of `DataCaptureConfig` and of the
/// production variants are not read.
pub struct SagemakerEndpointConfigurationKmsKeyConfigured;

/// `kmsKeyArns`.
const KMS_KEY_ARNS: ParamSpec = ParamSpec::optional(
    "kmsKeyArns",
    ParamKind::Csv,
    "KMS key ARNs allowed for endpoint configurations (comma-separated)",
);

static SPEC: RuleSpec = RuleSpec {
    name: "sagemaker-endpoint-configuration-kms-key-configured",
    description: "SageMaker endpoint configurations have a KMS key (one of kmsKeyArns when set).",
    resource_types: &["AWS::SageMaker::EndpointConfig"],
    parameters: &[KMS_KEY_ARNS],
    ..RuleSpec::PERIODIC
};

/// `AWS::SageMaker::EndpointConfig` (PascalCase).
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct SageMakerEndpointConfig {
    /// `KmsKeyId`.
    #[serde(default, deserialize_with = "de::opt_text")]
    kms_key_id: Option<String>,
}

impl View for SageMakerEndpointConfig {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        configuration(item)
    }
}

impl ItemRule for SagemakerEndpointConfigurationKmsKeyConfigured {
    type View = SageMakerEndpointConfig;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(
        &self,
        _item: &ConfigurationItem,
        ec: &SageMakerEndpointConfig,
        params: &Params,
    ) -> Verdict {
        let Some(key) = ec.kms_key_id.as_deref() else {
            return Verdict::non_compliant(
                "the endpoint configuration has no KMS key (KmsKeyId unset)",
            );
        };
        allowed_key_verdict(
            "the endpoint configuration's storage volumes are encrypted",
            Some(key),
            params.list(&KMS_KEY_ARNS),
            "kmsKeyArns",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/abcd-1234";

    fn ec(configuration: Value) -> Value {
        json!({"resourceType": "AWS::SageMaker::EndpointConfig", "configuration": configuration})
    }

    #[test]
    fn a_key_is_required() {
        let on = ec(json!({"EndpointConfigName": "ec1", "KmsKeyId": KEY}));
        assert_eq!(
            verdict(
                &SagemakerEndpointConfigurationKmsKeyConfigured,
                on,
                json!({})
            )
            .0,
            Compliant
        );
        // A data-capture key is not the endpoint's key.
        let capture =
            ec(json!({"EndpointConfigName": "ec2", "DataCaptureConfig": {"KmsKeyId": KEY}}));
        let (c, a) = verdict(
            &SagemakerEndpointConfigurationKmsKeyConfigured,
            capture,
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert!(a.contains("KmsKeyId unset"), "{a}");
    }

    #[test]
    fn the_key_must_be_one_of_kms_key_arns() {
        let on = ec(json!({"KmsKeyId": KEY}));
        let p = json!({"kmsKeyArns": format!("{KEY},arn:aws:kms:us-east-1:123456789012:key/b")});
        assert_eq!(
            verdict(
                &SagemakerEndpointConfigurationKmsKeyConfigured,
                on.clone(),
                p
            )
            .0,
            Compliant
        );
        let p = json!({"kmsKeyArns": "arn:aws:kms:us-east-1:123456789012:key/b"});
        let (c, a) = verdict(&SagemakerEndpointConfigurationKmsKeyConfigured, on, p);
        assert_eq!(c, NonCompliant);
        assert!(a.contains("not one of kmsKeyArns"), "{a}");
    }
}
