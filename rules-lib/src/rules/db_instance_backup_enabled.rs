//! `db-instance-backup-enabled`: RDS instances keep automated backups.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
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
