//! `redshift-backup-enabled`: Redshift clusters keep automated snapshots.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};

use super::datastores::{bad_parameter, RedshiftCluster};

/// `redshift-backup-enabled` (AWS managed rule REDSHIFT_BACKUP_ENABLED).
///
/// Documented logic: NON_COMPLIANT if `automatedSnapshotRetentionPeriod` is 0, or
/// greater than `MaxRetentionPeriod`, or less than `MinRetentionPeriod` (both optional:
/// minimum value 1, maximum value 35).
///
/// Choices: an absent retention period counts as 0. A bound outside 1-35 is an invalid
/// parameter (refused before anything is judged, as AWS refuses it); a minimum above the
/// maximum makes the rule NON_COMPLIANT with the parameter error, rather than judge
/// against bounds no cluster can meet.
pub struct RedshiftBackupEnabled;

/// `MinRetentionPeriod`.
const MIN_RETENTION: ParamSpec = ParamSpec::optional(
    "MinRetentionPeriod",
    ParamKind::IntRange(1, 35),
    "Minimum retention period in days (at least 1)",
);

/// `MaxRetentionPeriod`.
const MAX_RETENTION: ParamSpec = ParamSpec::optional(
    "MaxRetentionPeriod",
    ParamKind::IntRange(1, 35),
    "Maximum retention period in days (at most 35)",
);

static SPEC: RuleSpec = RuleSpec {
    name: "redshift-backup-enabled",
    description:
        "Redshift clusters keep automated snapshots, within the retention bounds when set.",
    resource_types: &["AWS::Redshift::Cluster"],
    parameters: &[MIN_RETENTION, MAX_RETENTION],
    preventive: false,
    ..RuleSpec::CHANGE
};

/// `1 day`, `7 days`.
fn days_text(days: i64) -> String {
    if days == 1 {
        "1 day".into()
    } else {
        format!("{days} days")
    }
}

impl ItemRule for RedshiftBackupEnabled {
    type View = RedshiftCluster;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, c: &RedshiftCluster, params: &Params) -> Verdict {
        let min = params.int(&MIN_RETENTION);
        let max = params.int(&MAX_RETENTION);
        if let (Some(lo), Some(hi)) = (min, max) {
            if lo > hi {
                return bad_parameter(
                    "MinRetentionPeriod",
                    &lo.to_string(),
                    &format!("at most MaxRetentionPeriod ({hi})"),
                );
            }
        }
        let days = c.automated_snapshot_retention_period.unwrap_or(0);
        if days <= 0 {
            return Verdict::non_compliant(
                "automated snapshots are disabled (automatedSnapshotRetentionPeriod 0)",
            );
        }
        if let Some(lo) = min.filter(|lo| days < *lo) {
            return Verdict::non_compliant(format!(
                "automated snapshots are kept {}, fewer than MinRetentionPeriod {lo}",
                days_text(days)
            ));
        }
        if let Some(hi) = max.filter(|hi| days > *hi) {
            return Verdict::non_compliant(format!(
                "automated snapshots are kept {}, more than MaxRetentionPeriod {hi}",
                days_text(days)
            ));
        }
        Verdict::compliant(format!("automated snapshots are kept {}", days_text(days)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn cluster(days: Value) -> Value {
        json!({"resourceType": "AWS::Redshift::Cluster",
               "configuration": {"automatedSnapshotRetentionPeriod": days}})
    }

    #[test]
    fn zero_or_absent_retention_is_non_compliant() {
        for off in [json!(0), json!(null)] {
            let (c, a) = verdict(&RedshiftBackupEnabled, cluster(off), json!({}));
            assert_eq!(c, NonCompliant);
            assert!(a.contains("disabled"), "{a}");
        }
        let (c, a) = verdict(&RedshiftBackupEnabled, cluster(json!(1)), json!({}));
        assert_eq!(
            (c, a.as_str()),
            (Compliant, "automated snapshots are kept 1 day")
        );
    }

    #[test]
    fn the_bounds_are_inclusive() {
        let p = json!({"MinRetentionPeriod": "7", "MaxRetentionPeriod": "14"});
        for (days, want) in [
            (6, NonCompliant),
            (7, Compliant),
            (14, Compliant),
            (15, NonCompliant),
        ] {
            let (c, a) = verdict(&RedshiftBackupEnabled, cluster(json!(days)), p.clone());
            assert_eq!(c, want, "{days}: {a}");
        }
        let (_, a) = verdict(
            &RedshiftBackupEnabled,
            cluster(json!(3)),
            json!({"MinRetentionPeriod": "7"}),
        );
        assert!(a.contains("fewer than MinRetentionPeriod 7"), "{a}");
        let (_, a) = verdict(
            &RedshiftBackupEnabled,
            cluster(json!(30)),
            json!({"MaxRetentionPeriod": "7"}),
        );
        assert!(a.contains("more than MaxRetentionPeriod 7"), "{a}");
    }

    #[test]
    fn bounds_outside_1_to_35_are_refused_and_crossed_ones_reported() {
        for p in [
            json!({"MinRetentionPeriod": "0"}),
            json!({"MaxRetentionPeriod": "36"}),
        ] {
            let e =
                crate::params::Params::parse(SPEC.name, SPEC.parameters, p.as_object().unwrap())
                    .unwrap_err();
            assert!(e.to_string().contains("a whole number from 1 to 35"), "{e}");
        }
        let crossed = json!({"MinRetentionPeriod": "10", "MaxRetentionPeriod": "5"});
        let (c, a) = verdict(&RedshiftBackupEnabled, cluster(json!(7)), crossed);
        assert_eq!(c, NonCompliant);
        assert!(a.contains("rule parameter `"), "{a}");
    }
}
