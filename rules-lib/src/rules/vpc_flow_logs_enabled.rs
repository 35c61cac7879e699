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
