//! `vpc-flow-logs-enabled`: every VPC has a flow log.

use std::collections::HashMap;

use serde_json::Value;

use crate::evaluation::{Evaluation, Verdict};
use crate::item::{ConfigurationItem, Timestamp};
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemSet, Rule, RuleKind, RuleSpec, SetRule};

use super::config_str;

/// `vpc-flow-logs-enabled` (AWS managed rule VPC_FLOW_LOGS_ENABLED).
///
/// Documented logic: periodic; NON_COMPLIANT for each VPC without a flow log; with
/// `trafficType` (`ACCEPT`, `REJECT` or `ALL`), the flow log must capture that traffic
/// type. One result per VPC.
///
/// Choices: VPCs and flow logs are read through the Config API (ListDiscoveredResources
/// and BatchGetResourceConfig for `AWS::EC2::VPC` and `AWS::EC2::FlowLog`), so the rule
/// needs no EC2 permissions; a flow log counts when its `resourceId` is the VPC and its
/// status is not `FAILED`/`INACTIVE`; `trafficType` matches case-insensitively and a
/// flow log of type `ALL` satisfies any requested type.
///
/// The recorder must record `AWS::EC2::FlowLog` (the managed rule calls EC2 instead): when
/// the account records no flow log at all, each VPC is NON_COMPLIANT and its annotation
/// says to check that the recorder records the type, since that cannot be told apart from
/// an account with no flow logs.
pub struct VpcFlowLogsEnabled;

/// `trafficType`.
const TRAFFIC_TYPE: ParamSpec = ParamSpec::optional(
    "trafficType",
    ParamKind::Choice(&["ACCEPT", "REJECT", "ALL"]),
    "The traffic type the flow logs must capture",
);

static SPEC: RuleSpec = RuleSpec {
    name: "vpc-flow-logs-enabled",
    description: "Every VPC has an active flow log (of trafficType when set).",
    resource_types: &["AWS::EC2::VPC"],
    parameters: &[TRAFFIC_TYPE],
    ..RuleSpec::PERIODIC
};

/// Judges VPCs against flow logs (shared by the periodic run and scans).
pub(crate) fn judge(
    vpcs: &[ConfigurationItem],
    flow_logs: &[ConfigurationItem],
    params: &Params,
    at: crate::item::Timestamp,
) -> Vec<Evaluation> {
    let wanted = params.str(&TRAFFIC_TYPE).map(str::to_ascii_uppercase);
    let mut by_vpc: HashMap<&str, Vec<String>> = HashMap::new();
    for fl in flow_logs {
        let status = config_str(fl, "flowLogStatus")
            .unwrap_or("ACTIVE")
            .to_ascii_uppercase();
        if status == "FAILED" || status == "INACTIVE" {
            continue;
        }
        if let Some(rid) = fl.configuration.get("resourceId").and_then(Value::as_str) {
            by_vpc.entry(rid).or_default().push(
                config_str(fl, "trafficType")
                    .unwrap_or("ALL")
                    .to_ascii_uppercase(),
            );
        }
    }
    vpcs.iter()
        .map(|vpc| {
            let types = by_vpc.get(vpc.resource_id.as_str());
            let v = match (types, &wanted) {
                (None, _) if flow_logs.is_empty() => Verdict::non_compliant(
                    "the VPC has no active flow log (no AWS::EC2::FlowLog is recorded in the \
                     account: if the recorder does not record that type, record it)",
                ),
                (None, _) => Verdict::non_compliant("the VPC has no active flow log"),
                (Some(t), Some(w)) if !t.iter().any(|x| x == w || x == "ALL") => {
                    Verdict::non_compliant(format!(
                        "the VPC's flow logs capture {} traffic, not {w}",
                        t.join(", ")
                    ))
                }
                (Some(t), _) => {
                    Verdict::compliant(format!("the VPC has a flow log ({})", t.join(", ")))
                }
            };
            Evaluation::new(
                vpc.resource_type.clone(),
                vpc.resource_id.clone(),
                v.compliance,
                &v.annotation,
                at,
            )
        })
        .collect()
}

impl Rule for VpcFlowLogsEnabled {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn kind(&self) -> RuleKind<'_> {
        RuleKind::Set(self)
    }
}

impl SetRule for VpcFlowLogsEnabled {
    fn source_types(&self) -> &'static [&'static str] {
        &["AWS::EC2::VPC", "AWS::EC2::FlowLog"]
    }

    fn judge(&self, items: &ItemSet, params: &Params, at: Timestamp) -> Vec<Evaluation> {
        judge(
            items.of_type("AWS::EC2::VPC"),
            items.of_type("AWS::EC2::FlowLog"),
            params,
            at,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::{self, *};
    use crate::rule::{now_or_never, SnapshotItems};
    use serde_json::json;

    const NO_FLOW_LOG: &str = "the VPC has no active flow log";

    fn vpc(id: &str) -> ConfigurationItem {
        ConfigurationItem::from_value(&json!({
            "resourceType": "AWS::EC2::VPC", "resourceId": id, "configurationItemStatus": "OK",
            "awsAccountId": "123456789012",
            "configuration": {"vpcId": id, "state": "available", "cidrBlock": "10.0.0.0/16"}}))
        .unwrap()
    }

    /// A flow log item with this configuration.
    fn flow_log_with(id: &str, configuration: Value) -> ConfigurationItem {
        ConfigurationItem::from_value(&json!({
            "resourceType": "AWS::EC2::FlowLog", "resourceId": id, "configurationItemStatus": "OK",
            "configuration": configuration}))
        .unwrap()
    }

    fn flow_log(id: &str, vpc: &str, traffic: &str, status: &str) -> ConfigurationItem {
        flow_log_with(
            id,
            json!({"flowLogId": id, "resourceId": vpc, "trafficType": traffic,
                   "flowLogStatus": status, "logDestinationType": "cloud-watch-logs"}),
        )
    }

    /// (VPC id, compliance, annotation) for each evaluation, in VPC order.
    fn run(items: &[ConfigurationItem], params: Value) -> Vec<(String, Compliance, String)> {
        let set = now_or_never(ItemSet::collect(
            &SnapshotItems(items),
            &["AWS::EC2::VPC", "AWS::EC2::FlowLog"],
            Some("123456789012"),
        ))
        .expect("snapshot items are ready at once")
        .expect("snapshot items are read");
        let (params, _) = Params::parse(SPEC.name, SPEC.parameters, params.as_object().unwrap())
            .expect("valid parameters");
        SetRule::judge(&VpcFlowLogsEnabled, &set, &params, Timestamp::now())
            .into_iter()
            .map(|e| {
                assert_eq!(e.compliance_resource_type, "AWS::EC2::VPC");
                (
                    e.compliance_resource_id,
                    e.compliance_type,
                    e.annotation.unwrap_or_default(),
                )
            })
            .collect()
    }

    fn one(items: &[ConfigurationItem], params: Value) -> (Compliance, String) {
        let mut r = run(items, params);
        assert_eq!(r.len(), 1, "{r:?}");
        let (_, c, a) = r.remove(0);
        (c, a)
    }

    #[test]
    fn a_vpc_with_an_active_flow_log_is_compliant() {
        let (c, a) = one(
            &[vpc("vpc-a"), flow_log("fl-1", "vpc-a", "ALL", "ACTIVE")],
            json!({}),
        );
        assert_eq!(c, Compliant);
        assert_eq!(a, "the VPC has a flow log (ALL)");
    }

    #[test]
    fn one_result_per_vpc_and_a_vpc_without_a_flow_log_is_non_compliant() {
        let r = run(
            &[
                vpc("vpc-a"),
                vpc("vpc-b"),
                flow_log("fl-1", "vpc-a", "REJECT", "ACTIVE"),
            ],
            json!({}),
        );
        assert_eq!(
            r,
            vec![
                (
                    "vpc-a".to_string(),
                    Compliant,
                    "the VPC has a flow log (REJECT)".to_string()
                ),
                ("vpc-b".to_string(), NonCompliant, NO_FLOW_LOG.to_string()),
            ]
        );
        // A flow log of a subnet or an interface is not the VPC's.
        let (c, a) = one(
            &[vpc("vpc-b"), flow_log("fl-2", "subnet-1", "ALL", "ACTIVE")],
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(a, NO_FLOW_LOG);
    }

    #[test]
    fn an_account_recording_no_flow_log_at_all_says_to_record_the_type() {
        for params in [json!({}), json!({"trafficType": "ALL"})] {
            let r = run(&[vpc("vpc-a"), vpc("vpc-b")], params);
            assert_eq!(r.len(), 2);
            for (_, c, a) in r {
                assert_eq!(c, NonCompliant);
                assert!(
                    a.starts_with(
                        "the VPC has no active flow log (no AWS::EC2::FlowLog is recorded"
                    ),
                    "{a}"
                );
                assert!(
                    a.contains("if the recorder does not record that type, record it"),
                    "{a}"
                );
            }
        }
    }

    #[test]
    fn deleted_flow_logs_are_left_out_like_unrecorded_ones() {
        let deleted = ConfigurationItem::from_value(&json!({
            "resourceType": "AWS::EC2::FlowLog", "resourceId": "fl-1",
            "configurationItemStatus": "ResourceDeleted", "configuration": null}))
        .unwrap();
        let (c, a) = one(&[vpc("vpc-a"), deleted], json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("no AWS::EC2::FlowLog is recorded"), "{a}");
    }

    #[test]
    fn failed_or_inactive_flow_logs_do_not_count_and_do_not_suggest_recording() {
        for status in ["FAILED", "INACTIVE", "failed"] {
            let (c, a) = one(
                &[vpc("vpc-a"), flow_log("fl-1", "vpc-a", "ALL", status)],
                json!({}),
            );
            assert_eq!(c, NonCompliant, "{status}");
            assert_eq!(a, NO_FLOW_LOG);
        }
        // An active one beside a failed one counts.
        let (c, _) = one(
            &[
                vpc("vpc-a"),
                flow_log("fl-1", "vpc-a", "ALL", "FAILED"),
                flow_log("fl-2", "vpc-a", "ALL", "ACTIVE"),
            ],
            json!({}),
        );
        assert_eq!(c, Compliant);
    }

    #[test]
    fn a_flow_log_without_status_or_traffic_type_is_active_and_captures_all() {
        let bare = flow_log_with("fl-1", json!({"flowLogId": "fl-1", "resourceId": "vpc-a"}));
        let (c, a) = one(
            &[vpc("vpc-a"), bare.clone()],
            json!({"trafficType": "REJECT"}),
        );
        assert_eq!(c, Compliant);
        assert_eq!(a, "the VPC has a flow log (ALL)");
        // A flow log whose resourceId cannot be read belongs to no VPC.
        let no_vpc = flow_log_with("fl-2", json!({"flowLogId": "fl-2", "resourceId": 5}));
        let (c, a) = one(&[vpc("vpc-a"), no_vpc], json!({}));
        assert_eq!(c, NonCompliant);
        assert_eq!(a, NO_FLOW_LOG);
    }

    #[test]
    fn traffic_type_requires_that_type_or_all() {
        for (wanted, logged, compliance) in [
            ("ACCEPT", "ACCEPT", Compliant),
            ("ACCEPT", "ALL", Compliant),
            ("ACCEPT", "REJECT", NonCompliant),
            ("REJECT", "REJECT", Compliant),
            ("REJECT", "ALL", Compliant),
            ("REJECT", "ACCEPT", NonCompliant),
            ("ALL", "ALL", Compliant),
            ("ALL", "ACCEPT", NonCompliant),
            ("ALL", "REJECT", NonCompliant),
        ] {
            let (c, a) = one(
                &[vpc("vpc-a"), flow_log("fl-1", "vpc-a", logged, "ACTIVE")],
                json!({"trafficType": wanted}),
            );
            assert_eq!(c, compliance, "{wanted} against {logged}");
            if compliance == NonCompliant {
                assert_eq!(
                    a,
                    format!("the VPC's flow logs capture {logged} traffic, not {wanted}")
                );
            }
        }
    }

    #[test]
    fn traffic_type_is_met_by_any_of_several_flow_logs_and_all_are_named() {
        let logs = [
            vpc("vpc-a"),
            flow_log("fl-1", "vpc-a", "ACCEPT", "ACTIVE"),
            flow_log("fl-2", "vpc-a", "REJECT", "ACTIVE"),
        ];
        let (c, a) = one(&logs, json!({"trafficType": "REJECT"}));
        assert_eq!(c, Compliant);
        assert!(a.starts_with("the VPC has a flow log ("), "{a}");
        assert!(a.contains("ACCEPT") && a.contains("REJECT"), "{a}");
        let (c, a) = one(&logs, json!({"trafficType": "ALL"}));
        assert_eq!(c, NonCompliant);
        assert!(
            a.contains("ACCEPT") && a.contains("REJECT") && a.ends_with("not ALL"),
            "{a}"
        );
    }

    #[test]
    fn traffic_type_matches_in_any_case() {
        let (c, _) = one(
            &[vpc("vpc-a"), flow_log("fl-1", "vpc-a", "accept", "active")],
            json!({"trafficType": "Accept"}),
        );
        assert_eq!(c, Compliant);
        let (c, a) = one(
            &[vpc("vpc-a"), flow_log("fl-1", "vpc-a", "reject", "ACTIVE")],
            json!({"trafficType": "accept"}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "the VPC's flow logs capture REJECT traffic, not ACCEPT");
    }

    #[test]
    fn an_unknown_traffic_type_is_refused_before_judging() {
        let e = Params::parse(
            SPEC.name,
            SPEC.parameters,
            json!({"trafficType": "SOME"}).as_object().unwrap(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("one of ACCEPT, REJECT, ALL"), "{e}");
    }

    #[test]
    fn deleted_or_absent_vpcs_get_no_result() {
        assert!(run(&[flow_log("fl-1", "vpc-a", "ALL", "ACTIVE")], json!({})).is_empty());
        assert!(run(&[], json!({})).is_empty());
        let deleted = ConfigurationItem::from_value(&json!({
            "resourceType": "AWS::EC2::VPC", "resourceId": "vpc-gone",
            "configurationItemStatus": "ResourceDeleted", "configuration": null}))
        .unwrap();
        let r = run(&[vpc("vpc-a"), deleted], json!({}));
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].0, "vpc-a");
    }
}
