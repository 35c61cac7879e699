//! `redshift-require-tls-ssl`: Redshift clusters require TLS/SSL from SQL clients.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use crate::evaluation::{Evaluation, Verdict};
use crate::item::{ConfigurationItem, Timestamp};
use crate::params::Params;
use crate::rule::{ItemSet, Rule, RuleKind, RuleSpec, SetRule};
use crate::views::{configuration, de, supplementary, View, ViewError};

use super::datastores::RedshiftCluster;

/// `redshift-require-tls-ssl` (AWS managed rule REDSHIFT_REQUIRE_TLS_SSL).
///
/// Documented logic: NON_COMPLIANT if a Redshift cluster has parameter `require_SSL`
/// not set to true. Resource types: `AWS::Redshift::Cluster` and
/// `AWS::Redshift::ClusterParameterGroup`. No parameters.
///
/// A cluster's parameters live in its parameter groups
/// (`configuration.clusterParameterGroups[].parameterGroupName`), recorded as
/// `AWS::Redshift::ClusterParameterGroup` items whose
/// `supplementaryConfiguration.Parameters[]` holds `parameterName`/`parameterValue`. So
/// the rule reads both types together, one result per cluster: COMPLIANT when every
/// group of the cluster sets `require_ssl` to `true` (any case).
///
/// Divergences: the managed rule is change-triggered and calls
/// DescribeClusterParameters; here it is a set rule over recorded items, which the engine
/// runs on schedule (every 24 hours), and it reads only what Config recorded.
///
/// Choices:
/// - parameter-group items get no result of their own (the rule's results are about
///   clusters);
/// - a group that is not recorded: `default.redshift-1.0` counts as `require_ssl`
///   false, its engine default; any other makes the cluster NON_COMPLIANT with an
///   annotation naming the group, since nothing shows that it requires SSL (record
///   `AWS::Redshift::ClusterParameterGroup` to judge it);
/// - a cluster that records no parameter group is NON_COMPLIANT for the same reason;
/// - whether the group is applied (`parameterApplyStatus` `pending-reboot`) is not
///   considered;
/// - a cluster whose configuration cannot be read is NON_COMPLIANT, naming what could
///   not be read, as for item rules.
pub struct RedshiftRequireTlsSsl;

const CLUSTER: &str = "AWS::Redshift::Cluster";
const GROUP: &str = "AWS::Redshift::ClusterParameterGroup";
/// The default group whose engine default is `require_ssl` false.
const DEFAULT_GROUP: &str = "default.redshift-1.0";

static SPEC: RuleSpec = RuleSpec {
    name: "redshift-require-tls-ssl",
    description: "Redshift clusters require TLS/SSL (require_ssl true in every parameter group).",
    resource_types: &[CLUSTER, GROUP],
    ..RuleSpec::PERIODIC
};

/// `AWS::Redshift::ClusterParameterGroup`: its name and `require_ssl`.
#[derive(Debug, Default)]
pub struct RedshiftParameterGroup {
    /// `parameterGroupName`.
    name: Option<String>,
    /// The `require_ssl` value, as text; `None` when not listed.
    require_ssl: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawGroup {
    #[serde(default, deserialize_with = "de::opt_text")]
    parameter_group_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawParameter {
    #[serde(default, deserialize_with = "de::opt_text")]
    parameter_name: Option<String>,
    #[serde(default)]
    parameter_value: Option<Value>,
}

impl View for RedshiftParameterGroup {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        let raw: RawGroup = configuration(item)?;
        let params: Option<Vec<Option<RawParameter>>> = supplementary(item, "Parameters")?;
        let require_ssl = params
            .unwrap_or_default()
            .into_iter()
            .flatten()
            .find(|p| {
                p.parameter_name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case("require_ssl"))
            })
            .and_then(|p| p.parameter_value)
            .map(|v| match v {
                Value::String(s) => s,
                other => other.to_string(),
            });
        Ok(Self {
            name: raw.parameter_group_name,
            require_ssl,
        })
    }
}

/// What one group says about `require_ssl`: `Ok(())` when true, else why not.
fn group_requires_ssl(
    name: &str,
    groups: &HashMap<String, Result<std::sync::Arc<RedshiftParameterGroup>, ViewError>>,
) -> Result<(), String> {
    match groups.get(name) {
        Some(Ok(g)) => match g.require_ssl.as_deref() {
            Some(v) if v.trim().eq_ignore_ascii_case("true") => Ok(()),
            Some(v) => Err(format!("parameter group {name} sets require_ssl to {v}")),
            None => Err(format!("parameter group {name} does not list require_ssl")),
        },
        Some(Err(e)) => Err(format!("parameter group {name}: {e}")),
        None if name == DEFAULT_GROUP => Err(format!(
            "parameter group {name} has require_ssl false (engine default)"
        )),
        None => Err(format!(
            "parameter group {name} is not recorded, so require_ssl cannot be confirmed"
        )),
    }
}

/// Judges the clusters against the parameter groups.
fn judge_clusters(
    clusters: &[ConfigurationItem],
    group_items: &[ConfigurationItem],
    at: Timestamp,
) -> Vec<Evaluation> {
    let mut groups = HashMap::new();
    for g in group_items {
        let view = g.view::<RedshiftParameterGroup>();
        let name = view
            .as_ref()
            .ok()
            .and_then(|v| v.name.clone())
            .unwrap_or_else(|| g.resource_id.clone());
        groups.insert(name, view);
    }
    clusters
        .iter()
        .map(|c| {
            let v = match c.view::<RedshiftCluster>() {
                Err(e) => Verdict::non_compliant(format!(
                    "{e}; the rule cannot judge this cluster until its configuration has the \
                     recorded shape"
                )),
                Ok(cluster) if cluster.parameter_groups.is_empty() => Verdict::non_compliant(
                    "the cluster records no parameter group, so require_ssl cannot be confirmed",
                ),
                Ok(cluster) => {
                    let problems: Vec<String> = cluster
                        .parameter_groups
                        .iter()
                        .filter_map(|g| group_requires_ssl(g, &groups).err())
                        .collect();
                    if problems.is_empty() {
                        Verdict::compliant(format!(
                            "require_ssl is true in parameter group {}",
                            cluster.parameter_groups.join(", ")
                        ))
                    } else {
                        Verdict::non_compliant(problems.join("; "))
                    }
                }
            };
            Evaluation::new(
                c.resource_type.clone(),
                c.resource_id.clone(),
                v.compliance,
                &v.annotation,
                at,
            )
        })
        .collect()
}

impl Rule for RedshiftRequireTlsSsl {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn kind(&self) -> RuleKind<'_> {
        RuleKind::Set(self)
    }
}

impl SetRule for RedshiftRequireTlsSsl {
    fn source_types(&self) -> &'static [&'static str] {
        &[CLUSTER, GROUP]
    }

    fn judge(&self, items: &ItemSet, _params: &Params, at: Timestamp) -> Vec<Evaluation> {
        judge_clusters(items.of_type(CLUSTER), items.of_type(GROUP), at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::{self, *};
    use crate::rule::{now_or_never, SnapshotItems};
    use serde_json::json;

    fn cluster(id: &str, groups: &[&str]) -> ConfigurationItem {
        let groups: Vec<Value> = groups
            .iter()
            .map(|g| json!({"parameterGroupName": g, "parameterApplyStatus": "in-sync"}))
            .collect();
        ConfigurationItem::from_value(&json!({
            "resourceType": CLUSTER, "resourceId": id, "configurationItemStatus": "OK",
            "awsAccountId": "123456789012",
            "configuration": {"clusterIdentifier": id, "clusterParameterGroups": groups}}))
        .unwrap()
    }

    fn group(name: &str, require_ssl: Option<Value>) -> ConfigurationItem {
        let mut params = vec![json!({"parameterName": "datestyle", "parameterValue": "ISO, MDY"})];
        if let Some(v) = require_ssl {
            params.push(json!({"parameterName": "require_ssl", "parameterValue": v,
                               "source": "user", "dataType": "boolean"}));
        }
        ConfigurationItem::from_value(&json!({
            "resourceType": GROUP, "resourceId": name, "configurationItemStatus": "OK",
            "configuration": {"parameterGroupName": name, "parameterGroupFamily": "redshift-1.0"},
            "supplementaryConfiguration": {"Parameters": serde_json::to_string(&params).unwrap()}}))
        .unwrap()
    }

    fn run(items: &[ConfigurationItem]) -> Vec<(String, Compliance, String)> {
        let set = now_or_never(ItemSet::collect(
            &SnapshotItems(items),
            &[CLUSTER, GROUP],
            None,
        ))
        .unwrap()
        .unwrap();
        let (params, _) =
            Params::parse(SPEC.name, SPEC.parameters, &serde_json::Map::new()).unwrap();
        SetRule::judge(&RedshiftRequireTlsSsl, &set, &params, Timestamp::now())
            .into_iter()
            .map(|e| {
                assert_eq!(e.compliance_resource_type, CLUSTER);
                (
                    e.compliance_resource_id,
                    e.compliance_type,
                    e.annotation.unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn one_result_per_cluster_from_its_groups() {
        let r = run(&[
            cluster("secure", &["tls"]),
            cluster("plain", &["no-tls"]),
            group("tls", Some(json!("TRUE"))),
            group("no-tls", Some(json!("false"))),
        ]);
        assert_eq!(r.len(), 2);
        assert_eq!(
            r[0],
            (
                "secure".into(),
                Compliant,
                "require_ssl is true in parameter group tls".into()
            )
        );
        assert_eq!(r[1].1, NonCompliant);
        assert_eq!(r[1].2, "parameter group no-tls sets require_ssl to false");
    }

    #[test]
    fn every_group_of_the_cluster_must_require_ssl() {
        let r = run(&[
            cluster("c1", &["tls", "no-tls"]),
            group("tls", Some(json!("true"))),
            group("no-tls", Some(json!(false))),
        ]);
        assert_eq!(r[0].1, NonCompliant);
        assert!(
            r[0].2.contains("no-tls sets require_ssl to false"),
            "{}",
            r[0].2
        );
    }

    #[test]
    fn a_group_without_require_ssl_is_non_compliant() {
        let r = run(&[cluster("c1", &["g"]), group("g", None)]);
        assert_eq!(
            (r[0].1, r[0].2.as_str()),
            (NonCompliant, "parameter group g does not list require_ssl")
        );
    }

    #[test]
    fn unrecorded_groups() {
        let r = run(&[
            cluster("c1", &["default.redshift-1.0"]),
            cluster("c2", &["custom"]),
        ]);
        assert_eq!(r[0].1, NonCompliant);
        assert!(r[0].2.contains("engine default"), "{}", r[0].2);
        assert_eq!(r[1].1, NonCompliant);
        assert!(r[1].2.contains("custom is not recorded"), "{}", r[1].2);
        let r = run(&[cluster("c3", &[])]);
        assert_eq!(r[0].1, NonCompliant);
        assert!(r[0].2.contains("no parameter group"), "{}", r[0].2);
    }

    #[test]
    fn the_recorded_default_group_is_read() {
        // The real example: default group recorded with require_ssl engine-default false.
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/example-ci/AWS_Redshift_ClusterParameterGroup.json"
        ))
        .unwrap();
        let g = ConfigurationItem::from_json_str(&text).unwrap();
        let name = g.resource_id.clone();
        let r = run(&[cluster("c1", &[name.as_str()]), g]);
        assert_eq!(r[0].1, NonCompliant);
        assert!(r[0].2.contains("sets require_ssl to false"), "{}", r[0].2);
    }

    #[test]
    fn the_rule_is_a_periodic_set_rule() {
        assert!(matches!(RedshiftRequireTlsSsl.kind(), RuleKind::Set(_)));
        assert!(Rule::spec(&RedshiftRequireTlsSsl).trigger.periodic());
    }
}
