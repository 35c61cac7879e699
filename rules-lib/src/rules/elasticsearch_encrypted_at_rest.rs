//! `elasticsearch-encrypted-at-rest`: Elasticsearch domains encrypt data at rest.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec};

use super::datastores::{enabled_verdict, ElasticsearchDomain};

/// `elasticsearch-encrypted-at-rest` (AWS managed rule ELASTICSEARCH_ENCRYPTED_AT_REST).
///
/// Documented logic: periodic; NON_COMPLIANT if the domain's `EncryptionAtRestOptions`
/// is not enabled. No parameters.
///
/// Divergence: the managed rule reads the Elasticsearch API (DescribeElasticsearchDomains);
/// this rule judges the recorded `AWS::Elasticsearch::Domain` items
/// (`configuration.encryptionAtRestOptions.enabled`), swept on schedule through the
/// Config API, so it sees only domains the recorder records.
///
/// Choice: the flag absent is not enabled; the key is not checked.
pub struct ElasticsearchEncryptedAtRest;

static SPEC: RuleSpec = RuleSpec {
    name: "elasticsearch-encrypted-at-rest",
    description: "Elasticsearch (OpenSearch Service) domains have encryption at rest enabled.",
    resource_types: &["AWS::Elasticsearch::Domain"],
    ..RuleSpec::PERIODIC
};

impl ItemRule for ElasticsearchEncryptedAtRest {
    type View = ElasticsearchDomain;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(
        &self,
        _item: &ConfigurationItem,
        d: &ElasticsearchDomain,
        _params: &Params,
    ) -> Verdict {
        let enabled = d
            .encryption_at_rest_options
            .as_ref()
            .and_then(|o| o.enabled);
        enabled_verdict(enabled, "encryption at rest")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::rule::Rule;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn domain(configuration: Value) -> Value {
        json!({"resourceType": "AWS::Elasticsearch::Domain", "configuration": configuration})
    }

    #[test]
    fn enabled_is_compliant_and_disabled_or_absent_is_not() {
        let on = domain(json!({"encryptionAtRestOptions": {"enabled": true, "kmsKeyId": "k"}}));
        assert_eq!(
            verdict(&ElasticsearchEncryptedAtRest, on, json!({})).0,
            Compliant
        );
        for off in [
            json!({"encryptionAtRestOptions": {"enabled": false}}),
            json!({"encryptionAtRestOptions": {}}),
            json!({}),
        ] {
            let (c, a) = verdict(&ElasticsearchEncryptedAtRest, domain(off), json!({}));
            assert_eq!(
                (c, a.as_str()),
                (NonCompliant, "encryption at rest is not enabled")
            );
        }
    }

    #[test]
    fn the_rule_is_periodic() {
        assert!(Rule::spec(&ElasticsearchEncryptedAtRest).trigger.periodic());
        assert!(!Rule::spec(&ElasticsearchEncryptedAtRest)
            .trigger
            .on_change());
    }
}
