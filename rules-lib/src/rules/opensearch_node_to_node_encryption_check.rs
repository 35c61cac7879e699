//! `opensearch-node-to-node-encryption-check`: OpenSearch domains encrypt traffic
//! between nodes.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec};

use super::datastores::{enabled_verdict, OpenSearchDomain};

/// `opensearch-node-to-node-encryption-check` (AWS managed rule
/// OPENSEARCH_NODE_TO_NODE_ENCRYPTION_CHECK).
///
/// Documented logic: NON_COMPLIANT if node-to-node encryption is not enabled on the
/// domain (`NodeToNodeEncryptionOptions.Enabled`); Elasticsearch domains are not
/// evaluated. No parameters.
///
/// Choice: the flag absent (or the options absent) is not enabled.
pub struct OpensearchNodeToNodeEncryptionCheck;

static SPEC: RuleSpec = RuleSpec {
    name: "opensearch-node-to-node-encryption-check",
    description: "OpenSearch Service domains have node-to-node encryption enabled.",
    resource_types: &["AWS::OpenSearch::Domain"],
    preventive: false,
    ..RuleSpec::CHANGE
};

impl ItemRule for OpensearchNodeToNodeEncryptionCheck {
    type View = OpenSearchDomain;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, d: &OpenSearchDomain, _params: &Params) -> Verdict {
        let enabled = d.node_to_node.as_ref().and_then(|o| o.enabled);
        enabled_verdict(enabled, "node-to-node encryption")
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
        let on = domain(json!({"NodeToNodeEncryptionOptions": {"Enabled": true}}));
        assert_eq!(
            verdict(&OpensearchNodeToNodeEncryptionCheck, on, json!({})).0,
            Compliant
        );
        for off in [
            json!({"NodeToNodeEncryptionOptions": {"Enabled": false}}),
            json!({"NodeToNodeEncryptionOptions": {}}),
            json!({}),
        ] {
            let (c, a) = verdict(&OpensearchNodeToNodeEncryptionCheck, domain(off), json!({}));
            assert_eq!(
                (c, a.as_str()),
                (NonCompliant, "node-to-node encryption is not enabled")
            );
        }
    }
}
