//! `eks-secrets-encrypted`: EKS clusters encrypt Kubernetes secrets with KMS.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec, Severity};

use super::kms_key::allowed_key_verdict;
use super::network_services::EksCluster;

/// `eks-secrets-encrypted` (AWS managed rule EKS_SECRETS_ENCRYPTED).
///
/// Documented logic: COMPLIANT if an EKS cluster has an `encryptionConfig` with
/// `secrets` as one of the resources (and, with `kmsKeyArns`, the key used matches the
/// parameter); NON_COMPLIANT if it has no `encryptionConfig`, if its resources do not
/// include secrets, or if the key does not match the parameter. Periodic.
///
/// Data: `configuration.EncryptionConfig[].Resources` and `.Provider.KeyArn` (PascalCase,
/// CloudFormation shape), with `configuration.EncryptionConfigKeyArn` as the key when
/// the provider records none.
///
/// Choices: `secrets` compares case-insensitively; keys match by key ARN or key ID
/// ([`crate::kms::key_matches`]; an alias matches only the same alias); with
/// `kmsKeyArns` set and no key recorded, the key cannot be confirmed: NON_COMPLIANT.
pub struct EksSecretsEncrypted;

/// `kmsKeyArns`.
const KMS_KEY_ARNS: ParamSpec = ParamSpec::optional(
    "kmsKeyArns",
    ParamKind::Csv,
    "Comma separated list of Amazon Resource Name (ARN) of the KMS key that should be used for encrypted secrets in an EKS cluster",
);

static SPEC: RuleSpec = RuleSpec {
    name: "eks-secrets-encrypted",
    description:
        "EKS clusters encrypt Kubernetes secrets with a KMS key (one of kmsKeyArns when set).",
    resource_types: &["AWS::EKS::Cluster"],
    parameters: &[KMS_KEY_ARNS],
    severity: Severity::High,
    ..RuleSpec::PERIODIC
};

impl ItemRule for EksSecretsEncrypted {
    type View = EksCluster;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, cluster: &EksCluster, params: &Params) -> Verdict {
        if cluster.encryption_config.is_empty() {
            return Verdict::non_compliant("the cluster has no encryption config");
        }
        let Some(entry) = cluster.encryption_config.iter().find(|e| {
            e.resources
                .iter()
                .any(|r| r.trim().eq_ignore_ascii_case("secrets"))
        }) else {
            return Verdict::non_compliant(
                "the cluster's encryption config does not include secrets",
            );
        };
        let key = entry
            .provider
            .as_ref()
            .and_then(|p| p.key_arn.as_deref())
            .or(cluster.encryption_config_key_arn.as_deref());
        allowed_key_verdict(
            "secrets are encrypted",
            key,
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

    const KEY: &str = "arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn cluster(configuration: Value) -> Value {
        json!({"resourceType": "AWS::EKS::Cluster", "configuration": configuration})
    }

    fn encrypted(resources: Value) -> Value {
        cluster(json!({"Name": "prod",
                       "EncryptionConfig": [{"Resources": resources, "Provider": {"KeyArn": KEY}}]}))
    }

    #[test]
    fn secrets_encryption_is_compliant() {
        let (c, a) = verdict(
            &EksSecretsEncrypted,
            encrypted(json!(["secrets"])),
            json!({}),
        );
        assert_eq!(c, Compliant);
        assert!(a.contains(KEY), "{a}");
    }

    #[test]
    fn no_encryption_config_or_no_secrets_is_non_compliant() {
        for conf in [
            json!({"Name": "prod"}),
            json!({"Name": "prod", "EncryptionConfig": []}),
        ] {
            let (c, a) = verdict(&EksSecretsEncrypted, cluster(conf), json!({}));
            assert_eq!(c, NonCompliant);
            assert_eq!(a, "the cluster has no encryption config");
        }
        let (c, a) = verdict(
            &EksSecretsEncrypted,
            encrypted(json!(["configmaps"])),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert!(a.contains("does not include secrets"), "{a}");
    }

    #[test]
    fn kms_key_arns_must_list_the_key() {
        let id = "1234abcd-12ab-34cd-56ef-1234567890ab";
        let p =
            json!({"kmsKeyArns": format!("arn:aws:kms:us-east-2:123456789012:key/other, {id}")});
        assert_eq!(
            verdict(&EksSecretsEncrypted, encrypted(json!(["secrets"])), p).0,
            Compliant
        );
        let p = json!({"kmsKeyArns": "arn:aws:kms:us-east-2:123456789012:key/other"});
        assert_eq!(
            verdict(&EksSecretsEncrypted, encrypted(json!(["secrets"])), p).0,
            NonCompliant
        );
    }

    #[test]
    fn the_cluster_key_attribute_stands_in_for_a_missing_provider_key() {
        let c = cluster(json!({"EncryptionConfig": [{"Resources": ["Secrets"]}],
                               "EncryptionConfigKeyArn": KEY}));
        assert_eq!(
            verdict(&EksSecretsEncrypted, c, json!({"kmsKeyArns": KEY})).0,
            Compliant
        );
        let c = cluster(json!({"EncryptionConfig": [{"Resources": ["secrets"]}]}));
        let (v, a) = verdict(&EksSecretsEncrypted, c, json!({"kmsKeyArns": KEY}));
        assert_eq!(v, NonCompliant);
        assert!(a.contains("cannot be confirmed"), "{a}");
    }
}
