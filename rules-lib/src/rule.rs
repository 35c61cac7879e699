//! What a rule declares ([`RuleSpec`]) and the three kinds of rule, by what they judge:
//!
//! - [`ItemRule`]: one configuration item at a time, through a typed view of its
//!   configuration, returning a [`Verdict`] (nothing can fail: the engine has already
//!   handled scope, status and unreadable configuration);
//! - [`SetRule`]: the items of some resource types together (VPCs and their flow logs),
//!   read through an [`ItemSource`] that the Config API and a snapshot both implement;
//! - [`AccountRule`]: the account, through live APIs other than Config (IAM), with
//!   clients built once per set of credentials.
//!
//! The catalog holds every rule as a `&dyn` [`Rule`], which says which kind it is.

use std::collections::BTreeMap;

use crate::config_api::{BoxFuture, ConfigApi, MAX_BATCH_KEYS};
use crate::error::{ApiError, RuleError};
use crate::evaluation::{Evaluation, Verdict};
use crate::iam_api::IamApi;
use crate::item::{ConfigurationItem, Timestamp};
use crate::params::{ParamSpec, Params};
use crate::remediation::Remediation;
use crate::views::ViewError;

/// What invokes a rule; a schedule always has its frequency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// Configuration changes of the resource types in scope.
    Change,
    /// A schedule.
    Periodic(Frequency),
    /// Both.
    Both(Frequency),
}

impl Trigger {
    /// Whether configuration changes invoke the rule.
    pub fn on_change(&self) -> bool {
        matches!(self, Self::Change | Self::Both(_))
    }
    /// Whether a schedule invokes the rule.
    pub fn periodic(&self) -> bool {
        self.frequency().is_some()
    }
    /// `MaximumExecutionFrequency` of the schedule, if there is one.
    pub fn frequency(&self) -> Option<Frequency> {
        match self {
            Self::Change => None,
            Self::Periodic(f) | Self::Both(f) => Some(*f),
        }
    }
    /// `change`, `periodic` or `change+periodic`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Change => "change",
            Self::Periodic(_) => "periodic",
            Self::Both(_) => "change+periodic",
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
    /// Every frequency, shortest first.
    pub const ALL: [Frequency; 5] = [
        Self::OneHour,
        Self::ThreeHours,
        Self::SixHours,
        Self::TwelveHours,
        Self::TwentyFourHours,
    ];

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

    /// Reads the CloudFormation / API value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// Runs a day.
    pub fn runs_per_day(&self) -> u32 {
        match self {
            Self::OneHour => 24,
            Self::ThreeHours => 8,
            Self::SixHours => 4,
            Self::TwelveHours => 2,
            Self::TwentyFourHours => 1,
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
    /// Every severity, lowest first.
    pub const ALL: [Severity; 4] = [Self::Low, Self::Medium, Self::High, Self::Critical];

    /// Lower-case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }

    /// Reads the lower-case name (any case).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

/// Everything a rule declares about itself.
///
/// Change-triggered rules take the common defaults from [`RuleSpec::CHANGE`]:
///
/// ```
/// use rules_lib::{RuleSpec, Severity};
/// static SPEC: RuleSpec = RuleSpec {
///     name: "my-rule",
///     description: "What is compliant.",
///     resource_types: &["AWS::S3::Bucket"],
///     severity: Severity::High,
///     ..RuleSpec::CHANGE
/// };
/// assert_eq!(SPEC.memory_mb, 128);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RuleSpec {
    /// The rule name: the AWS managed rule's name where one exists.
    pub name: &'static str,
    /// One sentence: what is compliant.
    pub description: &'static str,
    /// The resource types in scope; anything else is NOT_APPLICABLE.
    pub resource_types: &'static [&'static str],
    /// What invokes the rule (with its frequency when scheduled).
    pub trigger: Trigger,
    /// The parameters, named as the managed rule names them.
    pub parameters: &'static [ParamSpec],
    /// How much a failure matters.
    pub severity: Severity,
    /// AWS API actions the rule itself calls, beyond what the engine needs for its kind
    /// and trigger (templates grant exactly these plus [`Rule::engine_permissions`]).
    pub permissions: &'static [&'static str],
    /// The function's memory size in MB.
    pub memory_mb: u32,
    /// The function's timeout in seconds (retries included: see
    /// [`crate::retry::RetryPolicy`]).
    pub timeout_seconds: u32,
    /// Whether `rdk check` judges templates with this rule: true when the template
    /// translation ([`crate::preventive`]) gives the rule's resource types the shape AWS
    /// Config records. A rule whose types are not translated yet is judged after deploy
    /// only, and `rdk check` lists it as not evaluated rather than guess.
    pub preventive: bool,
    /// What fixes a non-compliant resource, if AWS owns a runbook for it: the templates
    /// add a remediation configuration and the role it assumes (off unless deployed with
    /// `RemediationMode`).
    pub remediation: Option<&'static Remediation>,
}

impl RuleSpec {
    /// The defaults of a change-triggered rule: no parameters, medium severity, no
    /// permissions of its own, 128 MB and 60 s. Name, description and resource types
    /// are always the rule's own (a catalog test refuses empty ones).
    pub const CHANGE: RuleSpec = RuleSpec {
        name: "",
        description: "",
        resource_types: &[],
        trigger: Trigger::Change,
        parameters: &[],
        severity: Severity::Medium,
        permissions: &[],
        memory_mb: 128,
        timeout_seconds: 60,
        preventive: true,
        remediation: None,
    };

    /// The defaults of a scheduled rule (every 24 hours; 256 MB and 300 s, enough to
    /// page through a large account).
    pub const PERIODIC: RuleSpec = RuleSpec {
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        memory_mb: 256,
        timeout_seconds: 300,
        preventive: false,
        ..RuleSpec::CHANGE
    };

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
        if self.resource_types.contains(&ACCOUNT) {
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

    /// The declared parameter with this name.
    pub fn parameter(&self, name: &str) -> Option<&'static ParamSpec> {
        self.parameters.iter().find(|p| p.name == name)
    }
}

/// The resource type of account-level results.
pub const ACCOUNT: &str = "AWS::::Account";

/// A rule of the catalog, whatever it judges: its declaration and its kind. Item rules
/// get this from [`ItemRule`]; set and account rules implement it in two lines.
pub trait Rule: Send + Sync {
    /// The rule's declaration.
    fn spec(&self) -> &'static RuleSpec;

    /// What the rule judges, and how to call it.
    fn kind(&self) -> RuleKind<'_>;

    /// What the engine calls for this rule's kind and triggers: PutEvaluations always;
    /// GetResourceConfigHistory for oversized change notifications; for scheduled runs,
    /// GetComplianceDetailsByConfigRule (clean-up of vanished resources) and, for rules
    /// that read configuration items, ListDiscoveredResources and BatchGetResourceConfig.
    fn engine_permissions(&self) -> Vec<&'static str> {
        let spec = self.spec();
        let mut p = vec!["config:PutEvaluations"];
        if spec.trigger.on_change() {
            p.push("config:GetResourceConfigHistory");
        }
        if spec.trigger.periodic() {
            p.push("config:GetComplianceDetailsByConfigRule");
            if !matches!(self.kind(), RuleKind::Account(_)) {
                p.push("config:ListDiscoveredResources");
                p.push("config:BatchGetResourceConfig");
            }
        }
        p
    }

    /// Every action the rule's function needs, sorted and unique.
    fn all_permissions(&self) -> Vec<&'static str> {
        let mut p = self.engine_permissions();
        p.extend(self.spec().permissions.iter().copied());
        p.sort_unstable();
        p.dedup();
        p
    }

    /// Resource types a scan must keep for the end of the scan (a set rule's
    /// [`SetRule::source_types`]); nothing for other kinds.
    fn kept_types(&self) -> &'static [&'static str] {
        match self.kind() {
            RuleKind::Set(r) => r.source_types(),
            _ => &[],
        }
    }
}

/// What a rule judges.
#[derive(Clone, Copy)]
pub enum RuleKind<'a> {
    /// One configuration item at a time.
    Item(&'a dyn JudgeItem),
    /// The items of some resource types together.
    Set(&'a dyn SetRule),
    /// The account, through live APIs other than Config.
    Account(&'a dyn AccountRule),
}

/// A rule that judges one configuration item, through a typed view of its
/// configuration ([`crate::views`]). Implementing this makes the type a [`Rule`].
///
/// The engine calls [`ItemRule::judge`] only for an item in scope, with status OK or
/// ResourceDiscovered, whose configuration reads as `View`: everything else is decided
/// before, in one place ([`crate::engine`]). A scheduled item rule judges every recorded
/// resource of its types, read through the same [`ItemSource`] as set rules.
pub trait ItemRule: Send + Sync + 'static {
    /// The typed view of the configuration the rule reads, parsed once per item and
    /// shared with every other rule that reads the same view.
    type View: crate::views::View;

    /// The rule's declaration.
    fn spec(&self) -> &'static RuleSpec;

    /// The verdict on one item.
    fn judge(&self, item: &ConfigurationItem, view: &Self::View, params: &Params) -> Verdict;
}

/// The object-safe face of an [`ItemRule`]: reads the view, then judges.
pub trait JudgeItem: Send + Sync {
    /// The verdict, or why the configuration cannot be read as the rule's view.
    fn judge_item(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, ViewError>;
}

impl<R: ItemRule> JudgeItem for R {
    fn judge_item(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, ViewError> {
        let view = item.view::<R::View>()?;
        Ok(self.judge(item, &view, params))
    }
}

impl<R: ItemRule> Rule for R {
    fn spec(&self) -> &'static RuleSpec {
        ItemRule::spec(self)
    }
    fn kind(&self) -> RuleKind<'_> {
        RuleKind::Item(self)
    }
}

/// A rule that judges the items of some resource types together, such as every VPC
/// against every flow log. A scan feeds it the snapshot's items; a scheduled run, the
/// account's, through the Config API: both through [`ItemSource`].
pub trait SetRule: Send + Sync {
    /// The resource types it reads.
    fn source_types(&self) -> &'static [&'static str];

    /// The evaluations, stamped with `at`.
    fn judge(&self, items: &ItemSet, params: &Params, at: Timestamp) -> Vec<Evaluation>;
}

/// What an account rule may use: the clients are built once per set of credentials
/// (at init, or once per assumed role), never per invocation.
pub struct AccountContext<'a> {
    /// The account being evaluated.
    pub account_id: Option<&'a str>,
    /// `notificationCreationTime`: the ordering timestamp of scheduled evaluations.
    pub at: Timestamp,
    /// IAM, when the caller has credentials.
    pub iam: Option<&'a dyn IamApi>,
}

impl AccountContext<'_> {
    /// The IAM client, or why there is none.
    pub fn iam(&self) -> Result<&dyn IamApi, RuleError> {
        self.iam.ok_or_else(|| {
            RuleError::Failed(
                "this rule reads IAM and needs AWS credentials: run it as a deployed function \
                 (scans list it as not evaluated)"
                    .into(),
            )
        })
    }

    /// The account-level evaluation (`AWS::::Account`, the account id) of a verdict.
    pub fn account_evaluation(&self, verdict: Verdict) -> Result<Evaluation, RuleError> {
        let account = self.account_id.filter(|a| !a.is_empty()).ok_or_else(|| {
            RuleError::Failed(
                "the event carries no account id (awsAccountId / accountId) to report an \
                 account-level result on"
                    .into(),
            )
        })?;
        Ok(Evaluation::new(
            ACCOUNT,
            account,
            verdict.compliance,
            &verdict.annotation,
            self.at,
        ))
    }
}

/// A rule that judges the account through live APIs other than Config (IAM). Scans
/// cannot judge it and list it as not evaluated.
pub trait AccountRule: Send + Sync {
    /// The evaluations of one scheduled run.
    fn judge<'a>(
        &'a self,
        ctx: &'a AccountContext<'a>,
        params: &'a Params,
    ) -> BoxFuture<'a, Result<Vec<Evaluation>, RuleError>>;
}

/// Where recorded configuration items come from: the Config API of an account
/// ([`LiveItems`]) or a snapshot ([`SnapshotItems`]). Scheduled runs and scans read
/// through this one interface.
pub trait ItemSource: Send + Sync {
    /// Every recorded item of this type.
    fn items<'a>(
        &'a self,
        resource_type: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ConfigurationItem>, ApiError>>;
}

/// The items the Config API has recorded: ListDiscoveredResources, then
/// BatchGetResourceConfig 100 keys a call (unprocessed keys retried by the client).
pub struct LiveItems<'a>(pub &'a dyn ConfigApi);

impl ItemSource for LiveItems<'_> {
    fn items<'a>(
        &'a self,
        resource_type: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ConfigurationItem>, ApiError>> {
        Box::pin(async move {
            let keys = self.0.list_discovered_resources(resource_type).await?;
            let mut items = Vec::with_capacity(keys.len());
            for chunk in keys.chunks(MAX_BATCH_KEYS) {
                items.extend(self.0.batch_get_resource_config(chunk).await?);
            }
            Ok(items)
        })
    }
}

/// The items of a snapshot (what a scan kept).
pub struct SnapshotItems<'a>(pub &'a [ConfigurationItem]);

impl ItemSource for SnapshotItems<'_> {
    fn items<'a>(
        &'a self,
        resource_type: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ConfigurationItem>, ApiError>> {
        let items = self
            .0
            .iter()
            .filter(|i| i.resource_type == resource_type)
            .cloned()
            .collect();
        Box::pin(std::future::ready(Ok(items)))
    }
}

/// The evaluable items (status OK or ResourceDiscovered) of a set rule's types.
#[derive(Debug, Default)]
pub struct ItemSet {
    by_type: BTreeMap<&'static str, Vec<ConfigurationItem>>,
    /// The account the items belong to (the event's, or the items' own).
    pub account_id: Option<String>,
}

impl ItemSet {
    /// Reads every item of `types` from `source`; deleted and not-recorded items are left
    /// out.
    pub async fn collect(
        source: &dyn ItemSource,
        types: &'static [&'static str],
        account_id: Option<&str>,
    ) -> Result<Self, ApiError> {
        let mut set = Self {
            account_id: account_id.map(str::to_string),
            ..Self::default()
        };
        for t in types {
            let items: Vec<ConfigurationItem> = source
                .items(t)
                .await?
                .into_iter()
                .filter(ConfigurationItem::is_evaluable)
                .collect();
            if set.account_id.is_none() {
                set.account_id = items.iter().find_map(|i| i.account_id.clone());
            }
            set.by_type.insert(t, items);
        }
        Ok(set)
    }

    /// The evaluable items of one type.
    pub fn of_type(&self, resource_type: &str) -> &[ConfigurationItem] {
        self.by_type.get(resource_type).map_or(&[], Vec::as_slice)
    }

    /// The account-level evaluation of a verdict, or `None` when no account id is known
    /// (an empty snapshot).
    pub fn account_evaluation(&self, verdict: Verdict, at: Timestamp) -> Option<Evaluation> {
        let account = self.account_id.as_deref().filter(|a| !a.is_empty())?;
        Some(Evaluation::new(
            ACCOUNT,
            account,
            verdict.compliance,
            &verdict.annotation,
            at,
        ))
    }
}

/// Runs a future that never waits (a snapshot source) to completion on this thread.
pub fn now_or_never<F: std::future::Future>(fut: F) -> Option<F::Output> {
    let mut fut = std::pin::pin!(fut);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match fut.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => Some(v),
        std::task::Poll::Pending => None,
    }
}
