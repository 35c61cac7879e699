//! `eks-endpoint-no-public-access`: EKS cluster API endpoints are not public.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec, Severity};

use super::network_services::EksCluster;

/// `eks-endpoint-no-public-access` (AWS managed rule EKS_ENDPOINT_NO_PUBLIC_ACCESS).
///
/// Documented logic: checks if the Amazon EKS endpoint is not publicly accessible;
/// NON_COMPLIANT if the endpoint is publicly accessible. Periodic. No parameters.
///
/// Data: `configuration.ResourcesVpcConfig.EndpointPublicAccess` of the recorded
/// cluster (the item is in the CloudFormation shape, PascalCase); the periodic run reads
/// every recorded cluster through the Config API, so the rule needs no EKS permissions.
///
/// Choices: a public endpoint restricted by `PublicAccessCidrs` is still public
/// (NON_COMPLIANT; the annotation lists the CIDRs); an absent `EndpointPublicAccess` is
/// the EKS default, public: NON_COMPLIANT, and the annotation says it was not recorded.
pub struct EksEndpointNoPublicAccess;

static SPEC: RuleSpec = RuleSpec {
    name: "eks-endpoint-no-public-access",
    description: "EKS cluster API server endpoints are not publicly accessible.",
    resource_types: &["AWS::EKS::Cluster"],
    severity: Severity::High,
    ..RuleSpec::PERIODIC
};

impl ItemRule for EksEndpointNoPublicAccess {
    type View = EksCluster;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, cluster: &EksCluster, _params: &Params) -> Verdict {
        let vpc = cluster.resources_vpc_config.clone().unwrap_or_default();
        match vpc.endpoint_public_access {
            Some(false) => Verdict::compliant("the cluster endpoint is not publicly accessible"),
            Some(true) if !vpc.public_access_cidrs.is_empty() => Verdict::non_compliant(format!(
                "the cluster endpoint is publicly accessible from {}",
                vpc.public_access_cidrs.join(", ")
            )),
            Some(true) => Verdict::non_compliant("the cluster endpoint is publicly accessible"),
            None => Verdict::non_compliant(
                "EndpointPublicAccess is not recorded; the EKS default is a public endpoint",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn cluster(vpc: Value) -> Value {
        json!({"resourceType": "AWS::EKS::Cluster",
               "configuration": {"Name": "prod", "ResourcesVpcConfig": vpc}})
    }

    #[test]
    fn a_private_endpoint_is_compliant() {
        let c = cluster(json!({"EndpointPublicAccess": false, "EndpointPrivateAccess": true}));
        assert_eq!(
            verdict(&EksEndpointNoPublicAccess, c, json!({})).0,
            Compliant
        );
    }

    #[test]
    fn a_public_endpoint_is_non_compliant_even_with_cidrs() {
        let c =
            cluster(json!({"EndpointPublicAccess": true, "PublicAccessCidrs": ["203.0.113.0/24"]}));
        let (v, a) = verdict(&EksEndpointNoPublicAccess, c, json!({}));
        assert_eq!(v, NonCompliant);
        assert!(a.contains("203.0.113.0/24"), "{a}");
        let c = cluster(json!({"EndpointPublicAccess": "true"}));
        assert_eq!(
            verdict(&EksEndpointNoPublicAccess, c, json!({})).0,
            NonCompliant
        );
    }

    #[test]
    fn an_unrecorded_setting_is_the_public_default() {
        let c = cluster(json!({"SubnetIds": ["subnet-1"]}));
        let (v, a) = verdict(&EksEndpointNoPublicAccess, c, json!({}));
        assert_eq!(v, NonCompliant);
        assert!(a.contains("not recorded"), "{a}");
        let none = json!({"resourceType": "AWS::EKS::Cluster", "configuration": {"Name": "x"}});
        assert_eq!(
            verdict(&EksEndpointNoPublicAccess, none, json!({})).0,
            NonCompliant
        );
    }
}
