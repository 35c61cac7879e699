//! `restricted-ssh`: no security group admits SSH from anywhere.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{Frequency, ItemRule, RuleSpec, Severity, Trigger};
use crate::views::SecurityGroup;

/// `restricted-ssh` (AWS managed rule INCOMING_SSH_DISABLED).
///
/// Documented logic: NON_COMPLIANT when an ingress rule admits TCP port 22 from
/// 0.0.0.0/0 or ::/0. Rules for all protocols (`-1`) and port ranges that include 22
/// count.
///
/// Choice: an unreadable `ipPermissions` is NON_COMPLIANT with the reason (the group
/// cannot be shown to be closed).
pub struct RestrictedSsh;

static SPEC: RuleSpec = RuleSpec {
    name: "restricted-ssh",
    description: "Security groups do not admit SSH (TCP 22) from 0.0.0.0/0 or ::/0.",
    resource_types: &["AWS::EC2::SecurityGroup"],
    severity: Severity::High,
    // AWS triggers the managed rule on changes and every 24 hours; the daily run
    // re-judges every recorded resource of the type, so it gets more time and memory.
    trigger: Trigger::Both(Frequency::TwentyFourHours),
    memory_mb: 256,
    timeout_seconds: 300,
    ..RuleSpec::CHANGE
};

impl ItemRule for RestrictedSsh {
    type View = SecurityGroup;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, group: &SecurityGroup, _params: &Params) -> Verdict {
        let perms = &group.ingress;
        let open: Vec<String> = perms
            .iter()
            .filter(|p| p.admits("tcp", 22) && p.is_open_to_world())
            .map(|p| format!("{} from {}", p.describe(), p.open_cidrs().join(" and ")))
            .collect();
        if open.is_empty() {
            Verdict::compliant("no ingress rule admits SSH from anywhere")
        } else {
            Verdict::non_compliant(format!("SSH is open to the world: {}", open.join("; ")))
        }
    }
}
