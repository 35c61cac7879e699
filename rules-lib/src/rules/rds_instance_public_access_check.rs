//! `rds-instance-public-access-check`: RDS instances are not publicly accessible.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::remediation::{Remediation, RemediationParam};
use crate::rule::{ItemRule, RuleSpec, Severity};
use crate::views::RdsInstance;

/// `rds-instance-public-access-check` (AWS managed rule RDS_INSTANCE_PUBLIC_ACCESS_CHECK).
///
/// Documented logic: NON_COMPLIANT when `publiclyAccessible` is true.
pub struct RdsInstancePublicAccessCheck;

/// The remediation: AWSConfigRemediation-DisablePublicAccessToRDSInstance. Makes the instance not publicly accessible. Manual: clients outside the VPC lose their connection.
static REMEDIATION: Remediation = Remediation {
    document: "AWSConfigRemediation-DisablePublicAccessToRDSInstance",
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
    source: "https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-aws-disable-rds-instance-public-access.html",
    ..Remediation::MANUAL
};

static SPEC: RuleSpec = RuleSpec {
    name: "rds-instance-public-access-check",
    description: "RDS DB instances are not publicly accessible.",
    resource_types: &["AWS::RDS::DBInstance"],
    severity: Severity::Critical,
    remediation: Some(&REMEDIATION),
    ..RuleSpec::CHANGE
};

impl ItemRule for RdsInstancePublicAccessCheck {
    type View = RdsInstance;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, db: &RdsInstance, _params: &Params) -> Verdict {
        if db.publicly_accessible == Some(true) {
            Verdict::non_compliant("the DB instance is publicly accessible")
        } else {
            Verdict::compliant("the DB instance is not publicly accessible")
        }
    }
}

#[cfg(test)]
#[allow(non_snake_case)] // test names spell parameters and fields as users write them
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::json;

    fn db(configuration: serde_json::Value) -> serde_json::Value {
        json!({"resourceType": "AWS::RDS::DBInstance", "configuration": configuration})
    }

    #[test]
    fn publiclyAccessible_true_is_non_compliant() {
        for on in [json!(true), json!("true")] {
            let (c, a) = verdict(
                &RdsInstancePublicAccessCheck,
                db(json!({"publiclyAccessible": on})),
                json!({}),
            );
            assert_eq!(c, NonCompliant);
            assert_eq!(a, "the DB instance is publicly accessible");
        }
    }

    #[test]
    fn publiclyAccessible_false_or_absent_is_compliant() {
        for configuration in [
            json!({"publiclyAccessible": false}),
            json!({"publiclyAccessible": null}),
            json!({}),
        ] {
            let (c, a) = verdict(&RdsInstancePublicAccessCheck, db(configuration), json!({}));
            assert_eq!(c, Compliant);
            assert_eq!(a, "the DB instance is not publicly accessible");
        }
    }

    #[test]
    fn an_unreadable_setting_is_non_compliant_and_says_why() {
        let bad = db(json!({"publiclyAccessible": [true]}));
        let (c, a) = verdict(&RdsInstancePublicAccessCheck, bad, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("configuration cannot be read"), "{a}");
    }
}
