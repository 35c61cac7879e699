//! `rds-logging-enabled`: RDS instances publish their engine's logs to CloudWatch Logs.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};
use crate::views::RdsInstance;

use super::datastores::bad_parameter;

/// `rds-logging-enabled` (AWS managed rule RDS_LOGGING_ENABLED).
///
/// Documented logic: NON_COMPLIANT if any of the instance's log types is not enabled
/// (`enabledCloudwatchLogsExports`); instances whose status is not `available`,
/// `backing-up`, `storage-optimization` or `storage-full` are NOT_APPLICABLE.
/// `additionalLogs` (StringMap) adds log types per engine, written
/// `oracle: general, slowquery ; aurora: alert, slowquery`.
///
/// The rule page does not list the log types it requires; these are the ones Security
/// Hub RDS.9, which runs this rule without parameters, documents:
///
/// | engine | log types |
/// |---|---|
/// | `oracle-*` | alert, audit, trace, listener |
/// | `postgres` | postgresql, upgrade |
/// | `mysql`, `mariadb`, `aurora`, `aurora-mysql` | audit, error, general, slowquery |
/// | `sqlserver-*` | error, agent |
/// | `aurora-postgresql` | postgresql |
///
/// Choices:
/// - an item that records no `dBInstanceStatus` is judged (Config records it on every
///   instance; an item without it is a reduced one, from a template or a test);
/// - `additionalLogs` keys match the exact engine (`oracle-ee`) or its family (`oracle`,
///   `sqlserver`, `aurora`: `aurora` also covers `aurora-mysql`; `aurora-postgresql` is
///   its own family), case-insensitively; an entry without `engine:` makes the rule
///   NON_COMPLIANT with the parameter error, rather than pass every instance;
/// - an engine outside the table with no `additionalLogs` entry (docdb, neptune, db2,
///   custom engines) is NOT_APPLICABLE;
/// - log types compare case-insensitively; exports pending a reboot
///   (`pendingModifiedValues`) do not count;
/// - Aurora instances are judged on their own `enabledCloudwatchLogsExports`, as the
///   rule's resource type implies, although Aurora sets the exports on the cluster: the
///   annotation says so when such an instance fails.
pub struct RdsLoggingEnabled;

/// `additionalLogs`.
const ADDITIONAL_LOGS: ParamSpec = ParamSpec::optional(
    "additionalLogs",
    ParamKind::String,
    "Further log types per engine, e.g. oracle: general, slowquery ; aurora: alert, slowquery",
);

static SPEC: RuleSpec = RuleSpec {
    name: "rds-logging-enabled",
    description: "RDS DB instances publish their engine's log types to CloudWatch Logs.",
    resource_types: &["AWS::RDS::DBInstance"],
    parameters: &[ADDITIONAL_LOGS],
    preventive: false,
    ..RuleSpec::CHANGE
};

/// The statuses the rule judges.
const JUDGED_STATUSES: &[&str] = &[
    "available",
    "backing-up",
    "storage-optimization",
    "storage-full",
];

/// The engine family: the key of the required-logs table.
fn family(engine: &str) -> &str {
    if engine.starts_with("oracle-") {
        "oracle"
    } else if engine.starts_with("sqlserver-") {
        "sqlserver"
    } else {
        engine
    }
}

/// The log types an engine family must export.
fn required(family: &str) -> Option<&'static [&'static str]> {
    Some(match family {
        "oracle" => &["alert", "audit", "trace", "listener"],
        "postgres" => &["postgresql", "upgrade"],
        "mysql" | "mariadb" | "aurora" | "aurora-mysql" => {
            &["audit", "error", "general", "slowquery"]
        }
        "sqlserver" => &["error", "agent"],
        "aurora-postgresql" => &["postgresql"],
        _ => return None,
    })
}

/// `additionalLogs`: (engine key, log types), or the malformed entry.
fn parse_additional(text: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    text.split(';')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|entry| {
            let (engine, logs) = entry.split_once(':').ok_or_else(|| entry.to_string())?;
            let engine = engine.trim().to_ascii_lowercase();
            if engine.is_empty() {
                return Err(entry.to_string());
            }
            let logs = crate::params::split_csv(logs)
                .into_iter()
                .map(|l| l.to_ascii_lowercase())
                .collect();
            Ok((engine, logs))
        })
        .collect()
}

impl ItemRule for RdsLoggingEnabled {
    type View = RdsInstance;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, db: &RdsInstance, params: &Params) -> Verdict {
        if let Some(status) = db.db_instance_status.as_deref().filter(|s| !s.is_empty()) {
            if !JUDGED_STATUSES.contains(&status.to_ascii_lowercase().as_str()) {
                return Verdict::not_applicable(format!(
                    "the instance is {status}: only available, backing-up, storage-optimization \
                     and storage-full instances are judged"
                ));
            }
        }
        let engine = db.engine_lower();
        let fam = family(&engine);
        let additional = match params.str(&ADDITIONAL_LOGS).map(parse_additional) {
            None => Vec::new(),
            Some(Ok(a)) => a,
            Some(Err(entry)) => {
                return bad_parameter(
                    "additionalLogs",
                    &entry,
                    "engine: log, log entries separated by ;",
                )
            }
        };
        let extra: Vec<&String> = additional
            .iter()
            .filter(|(k, _)| *k == engine || k == fam || (k == "aurora" && fam == "aurora-mysql"))
            .flat_map(|(_, logs)| logs)
            .collect();
        let base = required(fam);
        if base.is_none() && extra.is_empty() {
            let shown = if engine.is_empty() {
                "unknown"
            } else {
                &engine
            };
            return Verdict::not_applicable(format!(
                "no log types are known for engine {shown} (add them with additionalLogs)"
            ));
        }
        let mut wanted: Vec<String> = Vec::new();
        for w in base
            .unwrap_or_default()
            .iter()
            .map(|s| s.to_string())
            .chain(extra.into_iter().cloned())
        {
            if !wanted.contains(&w) {
                wanted.push(w);
            }
        }
        let enabled: Vec<String> = db
            .enabled_cloudwatch_logs_exports
            .iter()
            .map(|l| l.to_ascii_lowercase())
            .collect();
        let mut missing: Vec<&str> = Vec::new();
        for w in &wanted {
            if !enabled.contains(w) {
                missing.push(w);
            }
        }
        if missing.is_empty() {
            return Verdict::compliant(format!(
                "the instance publishes {} to CloudWatch Logs",
                wanted.join(", ")
            ));
        }
        let mut why = format!(
            "the instance does not publish {} to CloudWatch Logs",
            missing.join(", ")
        );
        if db.is_aurora() {
            why.push_str(" (Aurora sets log exports on the DB cluster)");
        }
        Verdict::non_compliant(why)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn db(engine: &str, logs: Value) -> Value {
        json!({"resourceType": "AWS::RDS::DBInstance", "configuration": {
            "dBInstanceIdentifier": "db1", "engine": engine, "dBInstanceStatus": "available",
            "enabledCloudwatchLogsExports": logs}})
    }

    #[test]
    fn every_required_log_type_must_be_published() {
        let ok = db("postgres", json!(["postgresql", "upgrade"]));
        assert_eq!(verdict(&RdsLoggingEnabled, ok, json!({})).0, Compliant);
        let (c, a) = verdict(&RdsLoggingEnabled, db("mysql", json!(["error"])), json!({}));
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "the instance does not publish audit, general, slowquery to CloudWatch Logs"
        );
        let (c, _) = verdict(&RdsLoggingEnabled, db("mysql", json!(null)), json!({}));
        assert_eq!(c, NonCompliant);
    }

    #[test]
    fn engine_families_and_case() {
        let all = json!(["ALERT", "audit", "trace", "listener"]);
        assert_eq!(
            verdict(&RdsLoggingEnabled, db("oracle-ee", all), json!({})).0,
            Compliant
        );
        let sql = db("sqlserver-se", json!(["error", "agent"]));
        assert_eq!(verdict(&RdsLoggingEnabled, sql, json!({})).0, Compliant);
        let maria = db("mariadb", json!(["audit", "error", "general"]));
        let (c, a) = verdict(&RdsLoggingEnabled, maria, json!({}));
        assert_eq!((c, a.contains("slowquery")), (NonCompliant, true));
    }

    #[test]
    fn aurora_instances_are_judged_and_the_annotation_points_at_the_cluster() {
        let ok = db("aurora-postgresql", json!(["postgresql"]));
        assert_eq!(verdict(&RdsLoggingEnabled, ok, json!({})).0, Compliant);
        let (c, a) = verdict(&RdsLoggingEnabled, db("aurora-mysql", json!([])), json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("DB cluster"), "{a}");
    }

    #[test]
    fn other_statuses_are_not_applicable_and_no_status_is_judged() {
        for status in ["creating", "stopped", "modifying"] {
            let mut item = db("mysql", json!([]));
            item["configuration"]["dBInstanceStatus"] = json!(status);
            let (c, a) = verdict(&RdsLoggingEnabled, item, json!({}));
            assert_eq!(c, NotApplicable);
            assert!(a.contains(status), "{a}");
        }
        for status in ["backing-up", "storage-optimization", "Storage-Full"] {
            let mut item = db("mysql", json!([]));
            item["configuration"]["dBInstanceStatus"] = json!(status);
            assert_eq!(verdict(&RdsLoggingEnabled, item, json!({})).0, NonCompliant);
        }
        let mut item = db("mysql", json!([]));
        item["configuration"]
            .as_object_mut()
            .unwrap()
            .remove("dBInstanceStatus");
        assert_eq!(verdict(&RdsLoggingEnabled, item, json!({})).0, NonCompliant);
    }

    #[test]
    fn unknown_engines_are_not_applicable_unless_additional_logs_names_them() {
        let (c, a) = verdict(&RdsLoggingEnabled, db("docdb", json!(["audit"])), json!({}));
        assert_eq!(c, NotApplicable);
        assert!(a.contains("docdb"), "{a}");
        let p = json!({"additionalLogs": "docdb: audit, profiler"});
        let (c, a) = verdict(&RdsLoggingEnabled, db("docdb", json!(["audit"])), p.clone());
        assert_eq!((c, a.contains("profiler")), (NonCompliant, true));
        let both = db("docdb", json!(["audit", "profiler"]));
        assert_eq!(verdict(&RdsLoggingEnabled, both, p).0, Compliant);
    }

    #[test]
    fn additional_logs_match_the_engine_or_its_family() {
        let p = json!({"additionalLogs": "oracle: general, slowquery ; aurora: iam-db-auth-error"});
        let base = json!(["alert", "audit", "trace", "listener"]);
        let (c, a) = verdict(&RdsLoggingEnabled, db("oracle-se2", base), p.clone());
        assert_eq!(c, NonCompliant);
        assert!(a.contains("general, slowquery"), "{a}");
        let full = json!([
            "alert",
            "audit",
            "trace",
            "listener",
            "general",
            "slowquery"
        ]);
        assert_eq!(
            verdict(&RdsLoggingEnabled, db("oracle-se2", full), p.clone()).0,
            Compliant
        );
        let aur = json!(["audit", "error", "general", "slowquery"]);
        let (c, a) = verdict(&RdsLoggingEnabled, db("aurora-mysql", aur), p.clone());
        assert_eq!((c, a.contains("iam-db-auth-error")), (NonCompliant, true));
        // Other engines are untouched by the entries.
        let pg = db("postgres", json!(["postgresql", "upgrade"]));
        assert_eq!(verdict(&RdsLoggingEnabled, pg, p).0, Compliant);
        let exact = json!({"additionalLogs": "POSTGRES: iam-db-auth-error"});
        let pg = db("postgres", json!(["postgresql", "upgrade"]));
        assert_eq!(verdict(&RdsLoggingEnabled, pg, exact).0, NonCompliant);
    }

    #[test]
    fn a_malformed_additional_logs_entry_is_reported() {
        let p = json!({"additionalLogs": "oracle general"});
        let ok = db("postgres", json!(["postgresql", "upgrade"]));
        let (c, a) = verdict(&RdsLoggingEnabled, ok, p);
        assert_eq!(c, NonCompliant);
        assert!(a.contains("rule parameter `additionalLogs`"), "{a}");
    }
}
