//! `opensearch-in-vpc-only`: OpenSearch domains are reachable only inside a VPC.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec, Severity};

use super::datastores::{domain_vpc_verdict, OpenSearchDomain};

/// `opensearch-in-vpc-only` (AWS managed rule OPENSEARCH_IN_VPC_ONLY).
///
/// Documented logic: NON_COMPLIANT if an OpenSearch Service domain endpoint is public;
/// Elasticsearch domains are not evaluated. No parameters.
///
/// Choice: the domain is in a VPC when `VPCOptions.SubnetIds` is non-empty, which is
/// what makes its endpoint a VPC endpoint; the endpoint fields themselves are not a
/// dependable signal (a domain being created records none).
pub struct OpensearchInVpcOnly;

static SPEC: RuleSpec = RuleSpec {
    name: "opensearch-in-vpc-only",
    description: "OpenSearch Service domains are in a VPC (no public endpoint).",
    resource_types: &["AWS::OpenSearch::Domain"],
    severity: Severity::Critical,
    preventive: false,
    ..RuleSpec::CHANGE
};

impl ItemRule for OpensearchInVpcOnly {
    type View = OpenSearchDomain;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, d: &OpenSearchDomain, _params: &Params) -> Verdict {
        // The recorded VPC options name no VPC id: the subnets alone decide.
        domain_vpc_verdict(
            None,
            d.vpc_options.as_ref().map(|v| v.subnet_ids.as_slice()),
        )
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
    fn vpc_subnets_are_compliant() {
        let vpc = domain(
            json!({"VPCOptions": {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}}),
        );
        let (c, a) = verdict(&OpensearchInVpcOnly, vpc, json!({}));
        assert_eq!(c, Compliant);
        assert!(a.contains("subnet-1"), "{a}");
    }

    #[test]
    fn no_vpc_options_or_no_subnets_is_public() {
        for public in [
            json!({"DomainEndpoint": "search-pub-abc.us-east-2.es.amazonaws.com"}),
            json!({"VPCOptions": null}),
            json!({"VPCOptions": {}}),
            json!({"VPCOptions": {"SubnetIds": []}}),
        ] {
            let (c, a) = verdict(&OpensearchInVpcOnly, domain(public), json!({}));
            assert_eq!(c, NonCompliant);
            assert!(a.contains("public endpoint"), "{a}");
        }
    }
}
