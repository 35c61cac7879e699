//! `db-instance-backup-enabled`: RDS instances keep automated backups.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::remediation::{Remediation, RemediationParam};
use crate::rule::{ItemRule, RuleSpec};
use crate::views::RdsInstance;

/// `db-instance-backup-enabled` (AWS managed rule DB_INSTANCE_BACKUP_ENABLED).
///
/// Documented logic: NON_COMPLIANT when automated backups are off
/// (`backupRetentionPeriod` 0). Optional parameters: `backupRetentionPeriod` (the
/// retention must equal it), `backupRetentionMinimum` (at least this many days),
/// `preferredBackupWindow` (must equal it, e.g. `03:30-04:00`), `checkReadReplicas`
/// (also check read replicas).
///
/// Choice: read replicas are NOT_APPLICABLE unless `checkReadReplicas` is `true`.
pub struct DbInstanceBackupEnabled;

/// `backupRetentionPeriod`.
const BACKUP_RETENTION_PERIOD: ParamSpec = ParamSpec::optional(
    "backupRetentionPeriod",
    ParamKind::Int,
    "Exact retention period in days (1-35)",
);

/// `backupRetentionMinimum`.
const BACKUP_RETENTION_MINIMUM: ParamSpec = ParamSpec::optional(
    "backupRetentionMinimum",
    ParamKind::Int,
    "Minimum retention period in days",
);

/// `preferredBackupWindow`.
const PREFERRED_BACKUP_WINDOW: ParamSpec = ParamSpec::optional(
    "preferredBackupWindow",
    ParamKind::String,
    "The backup window, e.g. 03:30-04:00 (UTC)",
);

/// `checkReadReplicas`.
const CHECK_READ_REPLICAS: ParamSpec = ParamSpec::optional(
    "checkReadReplicas",
    ParamKind::Bool,
    "Also check read replicas",
);

/// The remediation: AWSConfigRemediation-EnableRDSInstanceBackup. Turns on automated backups kept 7 days (BackupRetentionPeriod, required by the runbook; the resource id is the DbiResourceId Config records). Automatic: the change is applied in the next maintenance window (ApplyImmediately defaults to false).
static REMEDIATION: Remediation = Remediation {
    document: "AWSConfigRemediation-EnableRDSInstanceBackup",
    parameters: &[
        RemediationParam::ASSUME_ROLE,
        RemediationParam::resource_id("DbiResourceId"),
        RemediationParam::fixed("BackupRetentionPeriod", "7"),
    ],
    actions: &[
        "ssm:StartAutomationExecution",
        "ssm:GetAutomationExecution",
        "rds:DescribeDBInstances",
        "rds:ModifyDBInstance",
    ],
    automatic: true,
    source: "https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-aws-enable-rds-instance-backup.html",
};

static SPEC: RuleSpec = RuleSpec {
    name: "db-instance-backup-enabled",
    description:
        "RDS DB instances have automated backups, with the given retention and window when set.",
    resource_types: &["AWS::RDS::DBInstance"],
    parameters: &[
        BACKUP_RETENTION_PERIOD,
        BACKUP_RETENTION_MINIMUM,
        PREFERRED_BACKUP_WINDOW,
        CHECK_READ_REPLICAS,
    ],
    remediation: Some(&REMEDIATION),
    ..RuleSpec::CHANGE
};

impl ItemRule for DbInstanceBackupEnabled {
    type View = RdsInstance;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, db: &RdsInstance, params: &Params) -> Verdict {
        if db.is_read_replica() && params.bool(&CHECK_READ_REPLICAS) != Some(true) {
            return Verdict::not_applicable(
                "read replica (set checkReadReplicas to true to check it)",
            );
        }
        let days = db.backup_retention_period.unwrap_or(0);
        if days <= 0 {
            return Verdict::non_compliant(
                "automated backups are disabled (backupRetentionPeriod 0)",
            );
        }
        let mut problems = Vec::new();
        if let Some(want) = params.int(&BACKUP_RETENTION_PERIOD) {
            if days != want {
                problems.push(format!("backups are kept {days} days, not {want}"));
            }
        }
        if let Some(min) = params.int(&BACKUP_RETENTION_MINIMUM) {
            if days < min {
                problems.push(format!("backups are kept {days} days, fewer than {min}"));
            }
        }
        if let Some(want) = params.str(&PREFERRED_BACKUP_WINDOW) {
            let actual = db.preferred_backup_window.as_deref().unwrap_or("unset");
            if actual != want {
                problems.push(format!("the backup window is {actual}, not {want}"));
            }
        }
        if problems.is_empty() {
            Verdict::compliant(format!("automated backups are kept {days} days"))
        } else {
            Verdict::non_compliant(problems.join("; "))
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

    fn kept(days: i64) -> serde_json::Value {
        db(
            json!({"dBInstanceIdentifier": "db-1", "backupRetentionPeriod": days,
                  "preferredBackupWindow": "03:30-04:00"}),
        )
    }

    #[test]
    fn backups_on_without_parameters_are_compliant() {
        let (c, a) = verdict(&DbInstanceBackupEnabled, kept(7), json!({}));
        assert_eq!(c, Compliant);
        assert_eq!(a, "automated backups are kept 7 days");
    }

    #[test]
    fn backups_off_or_unrecorded_are_non_compliant() {
        for configuration in [json!({"backupRetentionPeriod": 0}), json!({})] {
            let (c, a) = verdict(&DbInstanceBackupEnabled, db(configuration), json!({}));
            assert_eq!(c, NonCompliant);
            assert_eq!(
                a,
                "automated backups are disabled (backupRetentionPeriod 0)"
            );
        }
    }

    #[test]
    fn backupRetentionPeriod_must_be_equalled_exactly() {
        let p = json!({"backupRetentionPeriod": "7"});
        assert_eq!(
            verdict(&DbInstanceBackupEnabled, kept(7), p.clone()).0,
            Compliant
        );
        for days in [6, 8] {
            let (c, a) = verdict(&DbInstanceBackupEnabled, kept(days), p.clone());
            assert_eq!(c, NonCompliant);
            assert_eq!(a, format!("backups are kept {days} days, not 7"));
        }
    }

    #[test]
    fn backupRetentionMinimum_is_a_lower_bound() {
        let p = json!({"backupRetentionMinimum": "7"});
        assert_eq!(
            verdict(&DbInstanceBackupEnabled, kept(7), p.clone()).0,
            Compliant
        );
        assert_eq!(
            verdict(&DbInstanceBackupEnabled, kept(35), p.clone()).0,
            Compliant
        );
        let (c, a) = verdict(&DbInstanceBackupEnabled, kept(3), p);
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "backups are kept 3 days, fewer than 7");
    }

    #[test]
    fn preferredBackupWindow_must_be_equalled() {
        let p = json!({"preferredBackupWindow": "03:30-04:00"});
        assert_eq!(
            verdict(&DbInstanceBackupEnabled, kept(7), p.clone()).0,
            Compliant
        );
        let (c, a) = verdict(
            &DbInstanceBackupEnabled,
            kept(7),
            json!({"preferredBackupWindow": "05:00-05:30"}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "the backup window is 03:30-04:00, not 05:00-05:30");
        let unset = db(json!({"backupRetentionPeriod": 7}));
        let (c, a) = verdict(&DbInstanceBackupEnabled, unset, p);
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "the backup window is unset, not 03:30-04:00");
    }

    #[test]
    fn every_failed_parameter_is_reported() {
        let p = json!({"backupRetentionPeriod": "14", "backupRetentionMinimum": "10",
                       "preferredBackupWindow": "05:00-05:30"});
        let (c, a) = verdict(&DbInstanceBackupEnabled, kept(7), p);
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "backups are kept 7 days, not 14; backups are kept 7 days, fewer than 10; \
             the backup window is 03:30-04:00, not 05:00-05:30"
        );
    }

    #[test]
    fn a_read_replica_is_not_applicable_unless_checkReadReplicas() {
        let replica = || {
            db(json!({"readReplicaSourceDBInstanceIdentifier": "db-0",
                      "backupRetentionPeriod": 0}))
        };
        for p in [json!({}), json!({"checkReadReplicas": "false"})] {
            let (c, a) = verdict(&DbInstanceBackupEnabled, replica(), p);
            assert_eq!(c, NotApplicable);
            assert_eq!(
                a,
                "read replica (set checkReadReplicas to true to check it)"
            );
        }
        let (c, _) = verdict(
            &DbInstanceBackupEnabled,
            replica(),
            json!({"checkReadReplicas": "true"}),
        );
        assert_eq!(c, NonCompliant);
    }

    #[test]
    fn an_unreadable_retention_is_non_compliant_and_says_why() {
        let bad = db(json!({"backupRetentionPeriod": "seven"}));
        let (c, a) = verdict(&DbInstanceBackupEnabled, bad, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("configuration cannot be read"), "{a}");
    }
}
