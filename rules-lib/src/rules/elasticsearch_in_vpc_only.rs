//! `elasticsearch-in-vpc-only`: Elasticsearch domains are reachable only inside a VPC.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec, Severity};

use super::datastores::{domain_vpc_verdict, ElasticsearchDomain};

/// `elasticsearch-in-vpc-only` (AWS managed rule ELASTICSEARCH_IN_VPC_ONLY).
///
/// Documented logic: periodic; NON_COMPLIANT if an OpenSearch Service (Elasticsearch)
/// domain endpoint is public. No parameters.
///
/// Divergence: the managed rule reads the Elasticsearch API (DescribeElasticsearchDomains);
/// this rule judges the recorded `AWS::Elasticsearch::Domain` items, swept on schedule
/// through the Config API.
///
/// Choice: the domain is in a VPC when `configuration.vpcoptions` records a VPC
/// (`vpcid`) or subnets (`subnetIds`); a public domain records no `vpcoptions`.
pub struct ElasticsearchInVpcOnly;

static SPEC: RuleSpec = RuleSpec {
    name: "elasticsearch-in-vpc-only",
    description: "Elasticsearch (OpenSearch Service) domains are in a VPC (no public endpoint).",
    resource_types: &["AWS::Elasticsearch::Domain"],
    severity: Severity::Critical,
    ..RuleSpec::PERIODIC
};

impl ItemRule for ElasticsearchInVpcOnly {
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
        let vpc = d.vpc_options.as_ref();
        domain_vpc_verdict(
            vpc.and_then(|v| v.vpc_id.as_deref()),
            vpc.map(|v| v.subnet_ids.as_slice()),
        )
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
    fn a_vpc_or_subnets_are_compliant() {
        let vpc = domain(json!({"vpcoptions": {"subnetIds": ["subnet-1"], "vpcid": "vpc-1"}}));
        let (c, a) = verdict(&ElasticsearchInVpcOnly, vpc, json!({}));
        assert_eq!((c, a.as_str()), (Compliant, "the domain is in VPC vpc-1"));
        let subnets = domain(json!({"vpcoptions": {"subnetIds": ["subnet-1"]}}));
        assert_eq!(
            verdict(&ElasticsearchInVpcOnly, subnets, json!({})).0,
            Compliant
        );
        let camel = domain(json!({"vpcOptions": {"vpcId": "vpc-2"}}));
        assert_eq!(
            verdict(&ElasticsearchInVpcOnly, camel, json!({})).0,
            Compliant
        );
    }

    #[test]
    fn no_vpc_is_public() {
        for public in [
            json!({"endpoint": "search-pub-abc.us-east-2.es.amazonaws.com"}),
            json!({"vpcoptions": null}),
            json!({"vpcoptions": {"subnetIds": [], "vpcid": ""}}),
        ] {
            let (c, a) = verdict(&ElasticsearchInVpcOnly, domain(public), json!({}));
            assert_eq!(c, NonCompliant);
            assert!(a.contains("public endpoint"), "{a}");
        }
    }

    #[test]
    fn the_rule_is_periodic() {
        assert!(Rule::spec(&ElasticsearchInVpcOnly).trigger.periodic());
    }
}
