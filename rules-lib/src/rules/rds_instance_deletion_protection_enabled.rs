//! `rds-instance-deletion-protection-enabled`: RDS instances cannot be deleted by accident.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::remediation::{Remediation, RemediationParam};
use crate::rule::{ItemRule, RuleSpec};
use crate::views::RdsInstance;

/// `rds-instance-deletion-protection-enabled` (AWS managed rule
/// RDS_INSTANCE_DELETION_PROTECTION_ENABLED).
///
/// Documented logic: NON_COMPLIANT when an Amazon RDS DB instance does not have deletion
/// protection enabled (`deletionProtection` false or absent). No parameters.
///
/// Choice: an instance that belongs to a cluster (`dBClusterIdentifier` set: Aurora,
/// Neptune, DocumentDB) is NOT_APPLICABLE, as the current documentation says: the
/// cluster's own setting protects it, and `rds-cluster-deletion-protection-enabled`
/// judges clusters.
pub struct RdsInstanceDeletionProtectionEnabled;

/// The remediation: AWSConfigRemediation-EnableRDSInstanceDeletionProtection. Turns on deletion protection. Automatic: it only refuses deletes until turned off.
static REMEDIATION: Remediation = Remediation {
    document: "AWSConfigRemediation-EnableRDSInstanceDeletionProtection",
    parameters: &[
        RemediationParam::ASSUME_ROLE,
        RemediationParam::resource_id("DbInstanceResourceId"),
    ],
    actions: &[
        "ssm:StartAutomationExecution",
        "ssm:GetAutomationExecution",
        "rds:DescribeDBInstances",
        "rds:ModifyDBInstance",
    ],
    automatic: true,
    source: "https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-aws-enable-rds-instance-deletion-protection.html",
};

static SPEC: RuleSpec = RuleSpec {
    name: "rds-instance-deletion-protection-enabled",
    description: "RDS DB instances have deletion protection enabled.",
    resource_types: &["AWS::RDS::DBInstance"],
    preventive: false,
    remediation: Some(&REMEDIATION),
    ..RuleSpec::CHANGE
};

impl ItemRule for RdsInstanceDeletionProtectionEnabled {
    type View = RdsInstance;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, db: &RdsInstance, _params: &Params) -> Verdict {
        if let Some(cluster) = &db.db_cluster_identifier {
            return Verdict::not_applicable(format!(
                "the instance belongs to cluster {cluster}, whose setting protects it"
            ));
        }
        match db.deletion_protection {
            Some(true) => Verdict::compliant("deletion protection is enabled"),
            _ => Verdict::non_compliant("deletion protection is not enabled"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::json;

    fn db(configuration: serde_json::Value) -> serde_json::Value {
        json!({"resourceType": "AWS::RDS::DBInstance", "configuration": configuration})
    }

    #[test]
    fn protection_on_is_compliant_and_off_or_absent_is_not() {
        let on = db(json!({"deletionProtection": true}));
        assert_eq!(verdict(&RdsInstanceDeletionProtectionEnabled, on, json!({})).0, Compliant);
        for off in [json!({"deletionProtection": false}), json!({})] {
            let (c, a) = verdict(&RdsInstanceDeletionProtectionEnabled, db(off), json!({}));
            assert_eq!(c, NonCompliant);
            assert_eq!(a, "deletion protection is not enabled");
        }
    }

    #[test]
    fn cluster_members_are_not_applicable() {
        let member = db(json!({"dBClusterIdentifier": "aurora-1", "deletionProtection": false}));
        let (c, a) = verdict(&RdsInstanceDeletionProtectionEnabled, member, json!({}));
        assert_eq!(c, NotApplicable);
        assert!(a.contains("aurora-1"), "{a}");
    }

    #[test]
    fn an_unreadable_setting_is_non_compliant_and_says_why() {
        let bad = db(json!({"deletionProtection": {"on": 1}}));
        let (c, a) = verdict(&RdsInstanceDeletionProtectionEnabled, bad, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("configuration cannot be read"), "{a}");
    }
}
