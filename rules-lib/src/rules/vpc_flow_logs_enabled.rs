//! `vpc-flow-logs-enabled`: every VPC has a flow log.

use std::collections::HashMap;

use serde_json::Value;

use crate::config_api::BoxFuture;
use crate::error::RuleError;
use crate::evaluation::{Evaluation, Verdict};
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{Frequency, PeriodicContext, Rule, RuleSpec, Severity, Trigger};

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
pub struct VpcFlowLogsEnabled;

static SPEC: RuleSpec = RuleSpec {
    name: "vpc-flow-logs-enabled",
    description: "Every VPC has an active flow log (of trafficType when set).",
    resource_types: &["AWS::EC2::VPC"],
    trigger: Trigger::Periodic,
    maximum_frequency: Some(Frequency::TwentyFourHours),
    parameters: &[ParamSpec::optional(
        "trafficType",
        ParamKind::Choice(&["ACCEPT", "REJECT", "ALL"]),
        "The traffic type the flow logs must capture",
    )],
    severity: Severity::Medium,
    permissions: &[
        "config:ListDiscoveredResources",
        "config:BatchGetResourceConfig",
    ],
    memory_mb: 256,
    timeout_seconds: 300,
};

/// Judges VPCs against flow logs (shared by the periodic run and scans).
pub(crate) fn judge(
    vpcs: &[ConfigurationItem],
    flow_logs: &[ConfigurationItem],
    params: &Params,
    at: crate::item::Timestamp,
) -> Vec<Evaluation> {
    let wanted = params.str("trafficType").map(str::to_ascii_uppercase);
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

async fn all_items(
    ctx: &PeriodicContext<'_>,
    resource_type: &str,
) -> Result<Vec<ConfigurationItem>, RuleError> {
    let keys = ctx.config.list_discovered_resources(resource_type).await?;
    let mut items = Vec::new();
    for chunk in keys.chunks(crate::config_api::MAX_BATCH_KEYS) {
        items.extend(ctx.config.batch_get_resource_config(chunk).await?);
    }
    Ok(items)
}

impl Rule for VpcFlowLogsEnabled {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, _item: &ConfigurationItem, _params: &Params) -> Result<Verdict, RuleError> {
        Ok(Verdict::not_applicable(
            "this rule is periodic: it judges every VPC against every flow log",
        ))
    }

    fn snapshot_types(&self) -> &'static [&'static str] {
        &["AWS::EC2::VPC", "AWS::EC2::FlowLog"]
    }

    fn evaluate_snapshot(
        &self,
        items: &[ConfigurationItem],
        params: &Params,
        at: crate::item::Timestamp,
    ) -> Option<Vec<Evaluation>> {
        let live = |t: &str| {
            items
                .iter()
                .filter(|i| i.resource_type == t && i.is_evaluable())
                .cloned()
                .collect::<Vec<_>>()
        };
        Some(judge(
            &live("AWS::EC2::VPC"),
            &live("AWS::EC2::FlowLog"),
            params,
            at,
        ))
    }

    fn evaluate_periodic<'a>(
        &'a self,
        ctx: &'a PeriodicContext<'a>,
        params: &'a Params,
    ) -> BoxFuture<'a, Result<Vec<Evaluation>, RuleError>> {
        Box::pin(async move {
            let vpcs = all_items(ctx, "AWS::EC2::VPC").await?;
            let flow_logs = all_items(ctx, "AWS::EC2::FlowLog").await?;
            Ok(judge(&vpcs, &flow_logs, params, ctx.ordering_timestamp))
        })
    }
}
