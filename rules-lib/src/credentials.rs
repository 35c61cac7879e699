//! Cross-account: which credentials a rule invocation uses.
//!
//! rdklib assumes `executionRoleArn` on every invocation unless `AssumeRoleMode` is
//! `false`. ferrule's default is *automatic*: the function's own role is used when the
//! rule runs in the function's own account (nothing to configure, least privilege),
//! and the execution role is assumed when the rule's account differs from the
//! function's (an organization rule backed by a central function). The rule parameters
//! change that exactly as in rdklib:
//!
//! - `AssumeRoleMode`: `true` always assumes, `false` never does.
//! - `ExecutionRoleName`: assume this role name in the rule's account instead of the
//!   role in `executionRoleArn` (setting it implies assuming).
//! - `ExecutionRoleRegion`: the region of the assumed-role clients.
//!
//! Sessions are named `configLambdaExecution` and last 900 s, as in rdklib, and are
//! cached per role and region for the life of the function instance.

use thiserror::Error;

use crate::event::Event;
use crate::params::RuntimeOptions;

/// The session name used for assumed roles (as rdklib).
pub const SESSION_NAME: &str = "configLambdaExecution";
/// Assumed-role session length in seconds (as rdklib).
pub const SESSION_SECONDS: u64 = 900;

/// Which credentials to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleChoice {
    /// The function's own execution role.
    Own,
    /// Assume this role.
    Assume {
        /// The role ARN.
        role_arn: String,
        /// The region for the clients, when `ExecutionRoleRegion` is set.
        region: Option<String>,
        /// Why this role was chosen (for the log and error messages).
        because: &'static str,
    },
}

/// The cross-account settings cannot be acted on.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CrossAccountError {
    /// Assuming was asked for but there is no role to assume.
    #[error(
        "{because}, but the event has no executionRoleArn to take the account from; set the rule \
         parameter ExecutionRoleName, or AssumeRoleMode=false to use the function's own role"
    )]
    NoRole {
        /// Why assuming was required.
        because: &'static str,
    },
    /// AssumeRole failed.
    #[error(
        "could not assume role {role_arn} (session {SESSION_NAME}, chosen because {because}): {reason}. \
         Check that the trust policy of {role_arn} allows this function's execution role to call \
         sts:AssumeRole, and that the function's role allows sts:AssumeRole on {role_arn}. To use another \
         role set the rule parameter ExecutionRoleName; to use the function's own role set AssumeRoleMode to false"
    )]
    AssumeFailed {
        /// The role.
        role_arn: String,
        /// Why this role was chosen.
        because: &'static str,
        /// What STS said.
        reason: String,
        /// Whether STS said AccessDenied.
        access_denied: bool,
    },
}

fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

fn arn_partition(arn: &str) -> &str {
    arn.split(':')
        .nth(1)
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
}

/// Decides the credentials for `event`. `own_account` is the function's account (from
/// its ARN), when known.
pub fn choose_role(
    event: &Event,
    opts: &RuntimeOptions,
    own_account: Option<&str>,
) -> Result<RoleChoice, CrossAccountError> {
    if opts.assume_role_mode == Some(false) {
        return Ok(RoleChoice::Own);
    }
    let exec = event
        .execution_role_arn
        .as_deref()
        .filter(|a| !a.is_empty());
    let rule_account = exec.and_then(arn_account).or(event.account_id.as_deref());
    let target = match (&opts.execution_role_name, exec) {
        (Some(name), _) => rule_account.map(|acct| {
            let partition = exec.map_or("aws", arn_partition);
            format!(
                "arn:{partition}:iam::{acct}:role/{}",
                name.trim_start_matches('/')
            )
        }),
        (None, Some(arn)) => Some(arn.to_string()),
        (None, None) => None,
    };
    let because = if opts.assume_role_mode == Some(true) {
        "AssumeRoleMode is true"
    } else if opts.execution_role_name.is_some() {
        "ExecutionRoleName is set"
    } else if matches!((rule_account, own_account), (Some(r), Some(o)) if r != o) {
        "the rule's account differs from the function's account"
    } else {
        return Ok(RoleChoice::Own);
    };
    let role_arn = target.ok_or(CrossAccountError::NoRole { because })?;
    Ok(RoleChoice::Assume {
        role_arn,
        region: opts.execution_role_region.clone(),
        because,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(exec: Option<&str>) -> Event {
        let mut v = json!({"invokingEvent": "{\"messageType\":\"ScheduledNotification\"}", "accountId": "222222222222"});
        if let Some(e) = exec {
            v["executionRoleArn"] = json!(e);
        }
        Event::from_value(&v).unwrap()
    }
    const EXEC: &str = "arn:aws:iam::222222222222:role/config-role";

    #[test]
    fn same_account_uses_own_role_by_default() {
        let c = choose_role(
            &event(Some(EXEC)),
            &RuntimeOptions::default(),
            Some("222222222222"),
        )
        .unwrap();
        assert_eq!(c, RoleChoice::Own);
    }

    #[test]
    fn other_account_assumes_the_execution_role() {
        let c = choose_role(
            &event(Some(EXEC)),
            &RuntimeOptions::default(),
            Some("111111111111"),
        )
        .unwrap();
        assert!(matches!(c, RoleChoice::Assume { ref role_arn, .. } if role_arn == EXEC));
    }

    #[test]
    fn execution_role_name_and_region_and_mode() {
        let opts = RuntimeOptions {
            execution_role_name: Some("audit".into()),
            execution_role_region: Some("eu-west-1".into()),
            assume_role_mode: None,
        };
        let c = choose_role(&event(Some(EXEC)), &opts, Some("222222222222")).unwrap();
        assert_eq!(
            c,
            RoleChoice::Assume {
                role_arn: "arn:aws:iam::222222222222:role/audit".into(),
                region: Some("eu-west-1".into()),
                because: "ExecutionRoleName is set"
            }
        );
        let off = RuntimeOptions {
            assume_role_mode: Some(false),
            ..opts
        };
        assert_eq!(
            choose_role(&event(Some(EXEC)), &off, Some("1")).unwrap(),
            RoleChoice::Own
        );
        let on = RuntimeOptions {
            assume_role_mode: Some(true),
            ..Default::default()
        };
        assert!(matches!(
            choose_role(&event(None), &on, None),
            Err(CrossAccountError::NoRole { .. })
        ));
    }
}
