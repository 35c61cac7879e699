//! `opensearch-encrypted-at-rest`: OpenSearch domains encrypt data at rest.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec};

use super::datastores::{enabled_verdict, OpenSearchDomain};

/// `opensearch-encrypted-at-rest` (AWS managed rule OPENSEARCH_ENCRYPTED_AT_REST).
///
/// Documented logic: NON_COMPLIANT if `EncryptionAtRestOptions` is not enabled; the
/// rule does not evaluate Elasticsearch domains (`AWS::Elasticsearch::Domain`, judged by
/// `elasticsearch-encrypted-at-rest`). No parameters.
///
/// Choices: `EncryptionAtRestOptions.Enabled` absent (or the options absent) is not
/// enabled; the key (`KmsKeyId`) is not checked.
pub struct OpensearchEncryptedAtRest;

static SPEC: RuleSpec = RuleSpec {
    name: "opensearch-encrypted-at-rest",
    description: "OpenSearch Service domains have encryption at rest enabled.",
    resource_types: &["AWS::OpenSearch::Domain"],
    preventive: false,
    ..RuleSpec::CHANGE
};

impl ItemRule for OpensearchEncryptedAtRest {
    type View = OpenSearchDomain;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, d: &OpenSearchDomain, _params: &Params) -> Verdict {
        let enabled = d.encryption_at_rest.as_ref().and_then(|o| o.enabled);
        enabled_verdict(enabled, "encryption at rest")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn domain(configuration: Value) -> Value {
        json!({"resourceType": "AWS::OpenSearch::Domain", "configuration": configuration})
    }

    #[test]
    fn enabled_is_compliant_and_disabled_or_absent_is_not() {
        let on = domain(json!({"EncryptionAtRestOptions": {"Enabled": true, "KmsKeyId": "k"}}));
        assert_eq!(
            verdict(&OpensearchEncryptedAtRest, on, json!({})).0,
            Compliant
        );
        let text = domain(json!({"EncryptionAtRestOptions": {"Enabled": "true"}}));
        assert_eq!(
            verdict(&OpensearchEncryptedAtRest, text, json!({})).0,
            Compliant
        );
        for off in [
            json!({"EncryptionAtRestOptions": {"Enabled": false}}),
            json!({"EncryptionAtRestOptions": {}}),
            json!({"EncryptionAtRestOptions": null}),
            json!({}),
        ] {
            let (c, a) = verdict(&OpensearchEncryptedAtRest, domain(off), json!({}));
            assert_eq!(
                (c, a.as_str()),
                (NonCompliant, "encryption at rest is not enabled")
            );
        }
    }

    #[test]
    fn elasticsearch_domains_are_not_in_scope() {
        let es = json!({"resourceType": "AWS::Elasticsearch::Domain",
                        "configuration": {"encryptionAtRestOptions": {"enabled": false}}});
        assert_eq!(
            verdict(&OpensearchEncryptedAtRest, es, json!({})).0,
            NotApplicable
        );
    }
}
