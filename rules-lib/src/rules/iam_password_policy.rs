//! `iam-password-policy`: the account password policy is at least as strict as asked.

use crate::config_api::BoxFuture;
use crate::error::RuleError;
use crate::evaluation::{Evaluation, Verdict};
use crate::iam_api::{IamApi, PasswordPolicy};
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{AccountContext, AccountRule, Rule, RuleKind, RuleSpec, ACCOUNT};

/// `iam-password-policy` (AWS managed rule IAM_PASSWORD_POLICY).
///
/// Documented logic: periodic; NON_COMPLIANT when the account password policy does not
/// meet the parameters: `RequireUppercaseCharacters`, `RequireLowercaseCharacters`,
/// `RequireSymbols`, `RequireNumbers` (booleans, `true`/`false` case-sensitive as AWS
/// documents), `MinimumPasswordLength` (at least), `PasswordReusePrevention` (at
/// least), `MaxPasswordAge` (at most; passwords that never expire fail it). No policy at
/// all is NON_COMPLIANT. One result on `AWS::::Account`.
///
/// Choice: as for every ferrule rule, a parameter left out is not checked; the
/// documented defaults (true, 14, 24, 90) are what templates fill in. A boolean `false`
/// means "not required", never "must be off".
///
/// Divergence, deliberate: AWS documents that a boolean not spelt in lower case (`True`)
/// is treated as `false`, which silently stops checking what the writer meant to require.
/// ferrule refuses such a value as an invalid parameter (the invocation fails, naming the
/// parameter and what it expects) so the mistake is seen and fixed.
pub struct IamPasswordPolicy;

/// `RequireUppercaseCharacters`.
const REQUIRE_UPPERCASE_CHARACTERS: ParamSpec = ParamSpec::optional(
    "RequireUppercaseCharacters",
    ParamKind::Bool,
    "Require at least one uppercase letter",
)
.with_default("true");

/// `RequireLowercaseCharacters`.
const REQUIRE_LOWERCASE_CHARACTERS: ParamSpec = ParamSpec::optional(
    "RequireLowercaseCharacters",
    ParamKind::Bool,
    "Require at least one lowercase letter",
)
.with_default("true");

/// `RequireSymbols`.
const REQUIRE_SYMBOLS: ParamSpec = ParamSpec::optional(
    "RequireSymbols",
    ParamKind::Bool,
    "Require at least one symbol",
)
.with_default("true");

/// `RequireNumbers`.
const REQUIRE_NUMBERS: ParamSpec = ParamSpec::optional(
    "RequireNumbers",
    ParamKind::Bool,
    "Require at least one number",
)
.with_default("true");

/// `MinimumPasswordLength`.
const MINIMUM_PASSWORD_LENGTH: ParamSpec = ParamSpec::optional(
    "MinimumPasswordLength",
    ParamKind::Int,
    "Minimum password length",
)
.with_default("14");

/// `PasswordReusePrevention`.
const PASSWORD_REUSE_PREVENTION: ParamSpec = ParamSpec::optional(
    "PasswordReusePrevention",
    ParamKind::Int,
    "Number of previous passwords that cannot be reused",
)
.with_default("24");

/// `MaxPasswordAge`.
const MAX_PASSWORD_AGE: ParamSpec = ParamSpec::optional(
    "MaxPasswordAge",
    ParamKind::Int,
    "Days before a password must be changed",
)
.with_default("90");

static SPEC: RuleSpec = RuleSpec {
    name: "iam-password-policy",
    description:
        "The account password policy meets the required complexity, length, reuse and age settings.",
    resource_types: &[ACCOUNT],
    parameters: &[
        REQUIRE_UPPERCASE_CHARACTERS,
        REQUIRE_LOWERCASE_CHARACTERS,
        REQUIRE_SYMBOLS,
        REQUIRE_NUMBERS,
        MINIMUM_PASSWORD_LENGTH,
        PASSWORD_REUSE_PREVENTION,
        MAX_PASSWORD_AGE,
    ],
    permissions: &["iam:GetAccountPasswordPolicy"],
    ..RuleSpec::PERIODIC
};

/// The verdict for a policy (or none) under the parameters.
pub(crate) fn judge_policy(policy: Option<&PasswordPolicy>, params: &Params) -> Verdict {
    let Some(p) = policy else {
        return Verdict::non_compliant("the account has no password policy");
    };
    let mut problems = Vec::new();
    for (param, actual) in [
        (&REQUIRE_UPPERCASE_CHARACTERS, p.require_uppercase),
        (&REQUIRE_LOWERCASE_CHARACTERS, p.require_lowercase),
        (&REQUIRE_SYMBOLS, p.require_symbols),
        (&REQUIRE_NUMBERS, p.require_numbers),
    ] {
        if params.bool(param) == Some(true) && !actual {
            problems.push(format!("{} is off", param.name));
        }
    }
    for (param, actual) in [
        (&MINIMUM_PASSWORD_LENGTH, p.minimum_length),
        (&PASSWORD_REUSE_PREVENTION, p.reuse_prevention),
    ] {
        if let Some(min) = params.int(param) {
            let a = actual.unwrap_or(0);
            if a < min {
                problems.push(format!("{} is {a}, below {min}", param.name));
            }
        }
    }
    if let Some(max) = params.int(&MAX_PASSWORD_AGE) {
        match p.max_age {
            Some(a) if a <= max => {}
            Some(a) => problems.push(format!("MaxPasswordAge is {a} days, above {max}")),
            None => problems.push(format!(
                "passwords never expire (MaxPasswordAge {max} required)"
            )),
        }
    }
    if problems.is_empty() {
        Verdict::compliant("the password policy meets every parameter")
    } else {
        Verdict::non_compliant(problems.join("; "))
    }
}

pub(crate) async fn judge(iam: &dyn IamApi, params: &Params) -> Result<Verdict, RuleError> {
    Ok(judge_policy(iam.password_policy().await?.as_ref(), params))
}

impl Rule for IamPasswordPolicy {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn kind(&self) -> RuleKind<'_> {
        RuleKind::Account(self)
    }
}

impl AccountRule for IamPasswordPolicy {
    fn judge<'a>(
        &'a self,
        ctx: &'a AccountContext<'a>,
        params: &'a Params,
    ) -> BoxFuture<'a, Result<Vec<Evaluation>, RuleError>> {
        Box::pin(async move {
            Ok(vec![
                ctx.account_evaluation(judge(ctx.iam()?, params).await?)?
            ])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance;
    use serde_json::json;

    fn params(v: serde_json::Value) -> Params {
        Params::parse(SPEC.name, SPEC.parameters, v.as_object().unwrap())
            .unwrap()
            .0
    }

    #[test]
    fn every_parameter_is_checked_and_named() {
        let strict = params(
            json!({"RequireUppercaseCharacters": "true", "RequireSymbols": "true", "MinimumPasswordLength": "14", "PasswordReusePrevention": "24", "MaxPasswordAge": "90"}),
        );
        assert_eq!(
            judge_policy(None, &strict).compliance,
            Compliance::NonCompliant
        );
        let weak = PasswordPolicy {
            require_uppercase: true,
            minimum_length: Some(8),
            max_age: None,
            ..Default::default()
        };
        let v = judge_policy(Some(&weak), &strict);
        assert_eq!(v.compliance, Compliance::NonCompliant);
        assert_eq!(v.annotation, "RequireSymbols is off; MinimumPasswordLength is 8, below 14; PasswordReusePrevention is 0, below 24; passwords never expire (MaxPasswordAge 90 required)");
        let good = PasswordPolicy {
            require_uppercase: true,
            require_symbols: true,
            minimum_length: Some(16),
            reuse_prevention: Some(24),
            max_age: Some(60),
            ..Default::default()
        };
        assert_eq!(
            judge_policy(Some(&good), &strict).compliance,
            Compliance::Compliant
        );
    }

    #[test]
    fn booleans_are_case_sensitive() {
        let e = Params::parse(
            SPEC.name,
            SPEC.parameters,
            json!({"RequireSymbols": "True"}).as_object().unwrap(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("lower case"), "{e}");
    }
}
