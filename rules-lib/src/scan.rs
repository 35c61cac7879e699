//! Scans: every applicable rule of a selection over a stream of configuration items.
//!
//! [`Scanner::evaluate`] judges one item with each selected item rule (change-triggered
//! or scheduled) whose scope includes the item's type (other rules do not apply and
//! produce nothing), through the same [`crate::engine::evaluate_item`] the functions use.
//! Set rules declare the types they read; the scanner keeps only those items and judges
//! them at the end ([`Scanner::finish`]) through the same [`crate::rule::ItemSource`]
//! interface a scheduled run reads the Config API through. Account rules need live APIs
//! and are reported as not evaluated.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::engine::{evaluate_item, EngineError};
use crate::evaluation::{Compliance, Evaluation};
use crate::item::{ConfigurationItem, Timestamp};
use crate::params::Params;
use crate::rule::{now_or_never, ItemSet, Rule, RuleKind, Severity, SnapshotItems, ACCOUNT};
use crate::ParamError;

/// One evaluation of a scan: the PutEvaluations fields plus the rule. A scan holds every
/// evaluation until it reports, so this is the compact form of [`Evaluation`]: the
/// resource type is the rule's own `&'static` name where it can be (it nearly always
/// can), and the texts are boxed without spare capacity. It serializes with the same
/// field names as [`Evaluation`], plus `ConfigRuleName`, and `AccountId` and
/// `AwsRegion` when the scan read several accounts and regions (an aggregator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScanEvaluation {
    /// `ConfigRuleName`.
    pub config_rule_name: &'static str,
    /// `ComplianceResourceType`.
    pub compliance_resource_type: Cow<'static, str>,
    /// `ComplianceResourceId`.
    pub compliance_resource_id: Box<str>,
    /// `ComplianceType`.
    pub compliance_type: Compliance,
    /// `Annotation`: absent when empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotation: Option<Box<str>>,
    /// `OrderingTimestamp`.
    pub ordering_timestamp: Timestamp,
    /// The resource's account and region (`AccountId`, `AwsRegion`): set by scans that
    /// read several accounts and regions, absent otherwise.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// The rule's severity (not a PutEvaluations field; for gates and reports).
    #[serde(skip)]
    pub severity: Severity,
}

/// The account and region a resource lives in, shared by every evaluation of that
/// account and region (a pointer per evaluation, however many there are).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin(Arc<(Box<str>, Box<str>)>);

impl Origin {
    /// An account and region.
    pub fn new(account_id: &str, aws_region: &str) -> Self {
        Self(Arc::new((account_id.into(), aws_region.into())))
    }

    /// The account id (`accountId` of the item).
    pub fn account_id(&self) -> &str {
        &self.0 .0
    }

    /// The region (`awsRegion` of the item).
    pub fn aws_region(&self) -> &str {
        &self.0 .1
    }

    /// Whether `account_id` and `aws_region` are this origin's.
    pub fn is(&self, account_id: &str, aws_region: &str) -> bool {
        self.account_id() == account_id && self.aws_region() == aws_region
    }
}

impl Serialize for Origin {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Origin", 2)?;
        s.serialize_field("AccountId", self.account_id())?;
        s.serialize_field("AwsRegion", self.aws_region())?;
        s.end()
    }
}

impl ScanEvaluation {
    /// The compact form of a rule's evaluation.
    pub fn new(rule: &'static dyn Rule, evaluation: Evaluation) -> Self {
        let spec = rule.spec();
        let t = evaluation.compliance_resource_type;
        let compliance_resource_type = spec
            .resource_types
            .iter()
            .chain([&ACCOUNT])
            .find(|known| **known == t)
            .map_or(Cow::Owned(t), |known| Cow::Borrowed(*known));
        Self {
            config_rule_name: spec.name,
            compliance_resource_type,
            compliance_resource_id: evaluation.compliance_resource_id.into_boxed_str(),
            compliance_type: evaluation.compliance_type,
            annotation: evaluation.annotation.map(String::into_boxed_str),
            ordering_timestamp: evaluation.ordering_timestamp,
            origin: None,
            severity: spec.severity,
        }
    }
}

/// A selection of rules with validated parameters, ready to judge items.
pub struct Scanner {
    rules: Vec<(&'static dyn Rule, Params)>,
    by_type: HashMap<&'static str, Vec<usize>>,
    snapshot_types: Vec<&'static str>,
    at: Timestamp,
}

impl Scanner {
    /// Validates each rule's parameters (`parameters[rule name]`, a JSON object like a
    /// template's InputParameters) and indexes the rules by resource type.
    pub fn new(
        rules: &[&'static dyn Rule],
        parameters: &Map<String, Value>,
        at: Timestamp,
    ) -> Result<Self, ParamError> {
        let mut selected = Vec::new();
        let mut by_type: HashMap<&'static str, Vec<usize>> = HashMap::new();
        let mut snapshot_types = Vec::new();
        for rule in rules {
            let spec = rule.spec();
            let raw = match parameters.get(spec.name) {
                None => Map::new(),
                Some(Value::Object(m)) => m.clone(),
                Some(other) => {
                    return Err(ParamError::NotAnObject {
                        found: format!("{other} for rule {}", spec.name),
                    });
                }
            };
            let (params, _) = Params::parse(spec.name, spec.parameters, &raw)?;
            let index = selected.len();
            if matches!(rule.kind(), RuleKind::Item(_)) {
                for t in spec.resource_types {
                    by_type.entry(*t).or_default().push(index);
                }
            }
            snapshot_types.extend(rule.kept_types().iter().copied());
            selected.push((*rule, params));
        }
        snapshot_types.sort_unstable();
        snapshot_types.dedup();
        Ok(Self {
            rules: selected,
            by_type,
            snapshot_types,
            at,
        })
    }

    /// The rules of the scan.
    pub fn rules(&self) -> impl Iterator<Item = &'static dyn Rule> + '_ {
        self.rules.iter().map(|(r, _)| *r)
    }

    /// Whether the scan must keep items of this type for [`Scanner::finish`].
    pub fn keeps(&self, resource_type: &str) -> bool {
        self.snapshot_types.contains(&resource_type)
    }

    /// Judges one item with every applicable rule.
    pub fn evaluate(&self, item: &ConfigurationItem) -> Result<Vec<ScanEvaluation>, EngineError> {
        let Some(indices) = self.by_type.get(item.resource_type.as_str()) else {
            return Ok(Vec::new());
        };
        indices
            .iter()
            .map(|&i| {
                let (rule, params) = &self.rules[i];
                evaluate_item(*rule, item, params, self.at)
                    .map(|evaluation| ScanEvaluation::new(*rule, evaluation))
            })
            .collect()
    }

    /// Judges the snapshot-level rules over the kept items. Returns the evaluations and
    /// the periodic rules that could not be judged offline.
    pub fn finish(&self, kept: &[ConfigurationItem]) -> (Vec<ScanEvaluation>, Vec<&'static str>) {
        self.finish_for(kept, None)
    }

    /// [`Scanner::finish`] for the items of one account (and region), named even when
    /// none of its items is of a set rule's types: an account without a trail is judged
    /// too.
    pub fn finish_for(
        &self,
        kept: &[ConfigurationItem],
        account_id: Option<&str>,
    ) -> (Vec<ScanEvaluation>, Vec<&'static str>) {
        let mut out = Vec::new();
        let mut not_evaluated = Vec::new();
        for (rule, params) in &self.rules {
            let spec = rule.spec();
            let evals = match rule.kind() {
                // A scheduled item rule judges each item as it streams by (below it is
                // indexed by type like a change-triggered one).
                RuleKind::Item(_) => continue,
                RuleKind::Set(r) => {
                    let source = SnapshotItems(kept);
                    match now_or_never(ItemSet::collect(&source, r.source_types(), account_id)) {
                        Some(Ok(set)) => r.judge(&set, params, self.at),
                        _ => {
                            not_evaluated.push(spec.name);
                            continue;
                        }
                    }
                }
                RuleKind::Account(_) => {
                    not_evaluated.push(spec.name);
                    continue;
                }
            };
            out.extend(
                evals
                    .into_iter()
                    .map(|evaluation| ScanEvaluation::new(*rule, evaluation)),
            );
        }
        (out, not_evaluated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evaluation(origin: Option<Origin>) -> ScanEvaluation {
        ScanEvaluation {
            config_rule_name: "encrypted-volumes",
            compliance_resource_type: Cow::Borrowed("AWS::EC2::Volume"),
            compliance_resource_id: "vol-1".into(),
            compliance_type: Compliance::Compliant,
            annotation: None,
            ordering_timestamp: Timestamp::from_epoch_secs(0.0).unwrap(),
            origin,
            severity: Severity::Medium,
        }
    }

    #[test]
    fn an_origin_adds_account_id_and_aws_region_and_no_origin_adds_nothing() {
        let with = serde_json::to_value(evaluation(Some(Origin::new("111122223333", "eu-west-1"))))
            .unwrap();
        assert_eq!(with["AccountId"], "111122223333");
        assert_eq!(with["AwsRegion"], "eu-west-1");
        assert_eq!(with["ComplianceResourceId"], "vol-1");
        let without = serde_json::to_value(evaluation(None)).unwrap();
        let keys: Vec<&str> = without
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "ComplianceResourceId",
                "ComplianceResourceType",
                "ComplianceType",
                "ConfigRuleName",
                "OrderingTimestamp"
            ]
        );
    }
}
