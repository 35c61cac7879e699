//! The `Rule` trait and `RuleSpec`: what every rule declares and implements.

use crate::config_api::{BoxFuture, ConfigApi};
use crate::error::RuleError;
use crate::evaluation::{Evaluation, Verdict};
use crate::item::{ConfigurationItem, Timestamp};
use crate::params::{ParamSpec, Params};

/// What invokes a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// Configuration changes of the resource types in scope.
    Change,
    /// A schedule.
    Periodic,
    /// Both.
    Both,
}

impl Trigger {
    /// Whether configuration changes invoke the rule.
    pub fn on_change(&self) -> bool {
        matches!(self, Self::Change | Self::Both)
    }
    /// Whether a schedule invokes the rule.
    pub fn periodic(&self) -> bool {
        matches!(self, Self::Periodic | Self::Both)
    }
    /// `change`, `periodic` or `change+periodic`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Change => "change",
            Self::Periodic => "periodic",
            Self::Both => "change+periodic",
        }
    }
}

/// `MaximumExecutionFrequency` of a periodic rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    /// `One_Hour`.
    OneHour,
    /// `Three_Hours`.
    ThreeHours,
    /// `Six_Hours`.
    SixHours,
    /// `Twelve_Hours`.
    TwelveHours,
    /// `TwentyFour_Hours`.
    TwentyFourHours,
}

impl Frequency {
    /// The CloudFormation / API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::OneHour => "One_Hour",
            Self::ThreeHours => "Three_Hours",
            Self::SixHours => "Six_Hours",
            Self::TwelveHours => "Twelve_Hours",
            Self::TwentyFourHours => "TwentyFour_Hours",
        }
    }
}

/// How much a failure of this control matters (for scan gates and alerts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Informational.
    Low,
    /// Should be fixed.
    Medium,
    /// Fix soon.
    High,
    /// Fix now: data exposure or account takeover.
    Critical,
}

impl Severity {
    /// Lower-case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

/// Everything a rule declares about itself.
#[derive(Debug, Clone, Copy)]
pub struct RuleSpec {
    /// The rule name: the AWS managed rule's name where one exists.
    pub name: &'static str,
    /// One sentence: what is compliant.
    pub description: &'static str,
    /// The resource types in scope; anything else is NOT_APPLICABLE.
    pub resource_types: &'static [&'static str],
    /// What invokes the rule.
    pub trigger: Trigger,
    /// For periodic rules, how often.
    pub maximum_frequency: Option<Frequency>,
    /// The parameters, named as the managed rule names them.
    pub parameters: &'static [ParamSpec],
    /// How much a failure matters.
    pub severity: Severity,
    /// AWS API actions the rule itself calls, beyond what the engine needs (templates
    /// grant exactly these plus [`RuleSpec::engine_permissions`]).
    pub permissions: &'static [&'static str],
    /// The function's memory size in MB.
    pub memory_mb: u32,
    /// The function's timeout in seconds (retries included: see
    /// [`crate::retry::RetryPolicy`]).
    pub timeout_seconds: u32,
}

impl RuleSpec {
    /// What the engine calls for this rule's triggers: PutEvaluations always;
    /// GetResourceConfigHistory for oversized change notifications; for periodic runs,
    /// GetComplianceDetailsByConfigRule (clean-up of vanished resources) and, for rules
    /// that judge items, ListDiscoveredResources and BatchGetResourceConfig.
    pub fn engine_permissions(&self) -> Vec<&'static str> {
        let mut p = vec!["config:PutEvaluations"];
        if self.trigger.on_change() {
            p.push("config:GetResourceConfigHistory");
        }
        if self.trigger.periodic() {
            p.push("config:GetComplianceDetailsByConfigRule");
        }
        if self.trigger.on_change() && self.trigger.periodic() {
            // An item rule on a schedule runs the default `Rule::evaluate_periodic`,
            // which lists the resources in scope and reads them in batches. Periodic-only
            // rules override it and declare what they call in `permissions`.
            p.push("config:ListDiscoveredResources");
            p.push("config:BatchGetResourceConfig");
        }
        p
    }

    /// Every action the rule's function needs, sorted and unique.
    pub fn all_permissions(&self) -> Vec<&'static str> {
        let mut p = self.engine_permissions();
        p.extend(self.permissions.iter().copied());
        p.sort_unstable();
        p.dedup();
        p
    }

    /// Rule sets the rule belongs to, for `--rulesets`: the services of its resource
    /// types (`s3`, `ec2`, `iam`, ...), its severity, and `periodic` or `change`.
    pub fn rulesets(&self) -> Vec<String> {
        let mut sets: Vec<String> = self
            .resource_types
            .iter()
            .filter_map(|t| t.split("::").nth(1))
            .filter(|s| !s.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        if self.resource_types.contains(&"AWS::::Account") {
            sets.push("account".into());
        }
        sets.push(self.severity.as_str().into());
        sets.push(if self.trigger.periodic() {
            "periodic".into()
        } else {
            "change".into()
        });
        sets.sort();
        sets.dedup();
        sets
    }

    /// Whether `resource_type` is in scope.
    pub fn in_scope(&self, resource_type: &str) -> bool {
        self.resource_types.contains(&resource_type)
    }
}

/// What a periodic evaluation may use.
pub struct PeriodicContext<'a> {
    /// The AWS Config API, with retries.
    pub config: &'a dyn ConfigApi,
    /// The account being evaluated.
    pub account_id: Option<&'a str>,
    /// `notificationCreationTime`: the ordering timestamp of periodic evaluations.
    pub ordering_timestamp: Timestamp,
    /// The SDK configuration (credentials and region) other clients should use.
    pub sdk_config: Option<&'a aws_config::SdkConfig>,
}

/// A Config rule. Implement [`Rule::evaluate`] for change-triggered rules; periodic
/// rules that judge something other than configuration items override
/// [`Rule::evaluate_periodic`].
pub trait Rule: Send + Sync {
    /// The rule's declaration.
    fn spec(&self) -> &'static RuleSpec;

    /// Judges one configuration item that is in scope and evaluable (status OK or
    /// ResourceDiscovered): the engine has already handled everything else.
    fn evaluate(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, RuleError>;

    /// Resource types a scan must collect for [`Rule::evaluate_snapshot`] (rules that
    /// judge relations between items, such as VPCs and their flow logs).
    fn snapshot_types(&self) -> &'static [&'static str] {
        &[]
    }

    /// Judges a whole snapshot from the items of [`Rule::snapshot_types`], for periodic
    /// rules that can be judged offline. `None`: this rule needs live APIs (IAM, say)
    /// and a snapshot cannot judge it.
    fn evaluate_snapshot(
        &self,
        _items: &[ConfigurationItem],
        _params: &Params,
        _at: Timestamp,
    ) -> Option<Vec<Evaluation>> {
        None
    }

    /// A periodic run. The default judges every recorded resource of the rule's types
    /// with [`Rule::evaluate`], reading them through the Config API
    /// (ListDiscoveredResources, then BatchGetResourceConfig 100 at a time).
    fn evaluate_periodic<'a>(
        &'a self,
        ctx: &'a PeriodicContext<'a>,
        params: &'a Params,
    ) -> BoxFuture<'a, Result<Vec<Evaluation>, RuleError>> {
        Box::pin(async move {
            let mut out = Vec::new();
            for resource_type in self.spec().resource_types {
                let keys = ctx.config.list_discovered_resources(resource_type).await?;
                for chunk in keys.chunks(crate::config_api::MAX_BATCH_KEYS) {
                    for item in ctx.config.batch_get_resource_config(chunk).await? {
                        let verdict = if item.is_evaluable() {
                            self.evaluate(&item, params)?
                        } else {
                            Verdict::not_applicable(format!(
                                "configuration item status is {}",
                                item.status.as_str()
                            ))
                        };
                        out.push(Evaluation::new(
                            item.resource_type.clone(),
                            item.resource_id.clone(),
                            verdict.compliance,
                            &verdict.annotation,
                            ctx.ordering_timestamp,
                        ));
                    }
                }
            }
            Ok(out)
        })
    }
}
