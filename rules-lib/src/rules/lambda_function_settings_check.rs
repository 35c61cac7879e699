//! `lambda-function-settings-check`: runtime, role, timeout and memory size as expected.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};
use crate::views::LambdaFunction;

/// `lambda-function-settings-check` (AWS managed rule LAMBDA_FUNCTION_SETTINGS_CHECK).
///
/// Documented logic: NON_COMPLIANT when the function's runtime, role, timeout or memory
/// size do not match the expected values. Functions with the `Image` package type are
/// ignored (NOT_APPLICABLE), and so are functions on OS-only runtimes (`provided`,
/// `provided.al2`, `provided.al2023`: custom runtimes, whose version the function owns).
/// `runtime` is required (a comma-separated list); `role`, `timeout` and `memorySize`
/// are optional.
///
/// Choices where the documentation is silent:
/// - Defaults (`timeout` 3, `memorySize` 128) are what templates fill in; when a
///   parameter is absent through the API, that setting is not checked, as with managed
///   rules created through the API.
/// - `role` may be a role name or a role ARN. A name matches the last segment of the
///   function's role ARN (paths such as `service-role/` are ignored); an ARN must match
///   exactly.
/// - The annotation lists every setting that differs, not only the first.
pub struct LambdaFunctionSettingsCheck;

/// `runtime`.
const RUNTIME: ParamSpec = ParamSpec::required(
    "runtime",
    ParamKind::Csv,
    "Comma-separated list of allowed runtimes, e.g. python3.12,nodejs20.x",
);
/// `role`.
const ROLE: ParamSpec = ParamSpec::optional(
    "role",
    ParamKind::String,
    "The execution role, as a role name or role ARN",
);
/// `timeout`.
const TIMEOUT: ParamSpec =
    ParamSpec::optional("timeout", ParamKind::Int, "Timeout in seconds").with_default("3");
/// `memorySize`.
const MEMORY_SIZE: ParamSpec =
    ParamSpec::optional("memorySize", ParamKind::Int, "Memory size in MB").with_default("128");

static SPEC: RuleSpec = RuleSpec {
    name: "lambda-function-settings-check",
    description:
        "Lambda functions use an allowed runtime and the expected role, timeout and memory size.",
    resource_types: &["AWS::Lambda::Function"],
    parameters: &[RUNTIME, ROLE, TIMEOUT, MEMORY_SIZE],
    ..RuleSpec::CHANGE
};

fn role_matches(expected: &str, actual_arn: &str) -> bool {
    if expected.starts_with("arn:") {
        return expected == actual_arn;
    }
    let name = actual_arn.rsplit('/').next().unwrap_or(actual_arn);
    name == expected
        .trim_start_matches("role/")
        .rsplit('/')
        .next()
        .unwrap_or(expected)
}

impl ItemRule for LambdaFunctionSettingsCheck {
    type View = LambdaFunction;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, f: &LambdaFunction, params: &Params) -> Verdict {
        if f.is_image() {
            return Verdict::not_applicable("container-image functions have no runtime setting");
        }
        if let Some(os_only) = f.runtime.as_deref().filter(|r| r.starts_with("provided")) {
            return Verdict::not_applicable(format!(
                "{os_only} is an OS-only runtime, which the managed rule does not judge"
            ));
        }
        let mut problems = Vec::new();
        if let Some(allowed) = params.list(&RUNTIME) {
            match f.runtime.as_deref() {
                Some(rt) if allowed.iter().any(|a| a == rt) => {}
                Some(rt) => {
                    problems.push(format!("runtime {rt} is not one of {}", allowed.join(", ")))
                }
                None => problems.push(format!(
                    "no runtime is set (allowed: {})",
                    allowed.join(", ")
                )),
            }
        }
        if let Some(expected) = params.str(&ROLE) {
            let actual = f.role.as_deref().unwrap_or("");
            if !role_matches(expected, actual) {
                problems.push(format!(
                    "role is {} not {expected}",
                    if actual.is_empty() { "unset" } else { actual }
                ));
            }
        }
        for (param, actual) in [(&TIMEOUT, f.timeout), (&MEMORY_SIZE, f.memory_size)] {
            let field = param.name;
            if let Some(expected) = params.int(param) {
                match actual {
                    Some(actual) if actual == expected => {}
                    Some(actual) => problems.push(format!("{field} is {actual} not {expected}")),
                    None => problems.push(format!("{field} is not recorded (expected {expected})")),
                }
            }
        }
        if problems.is_empty() {
            Verdict::compliant("runtime, role, timeout and memory size are as expected")
        } else {
            Verdict::non_compliant(problems.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::role_matches;

    #[test]
    fn role_by_name_or_arn() {
        let arn = "arn:aws:iam::123456789012:role/service-role/app";
        assert!(role_matches("app", arn));
        assert!(role_matches(arn, arn));
        assert!(!role_matches("arn:aws:iam::123456789012:role/app", arn));
        assert!(!role_matches("other", arn));
    }
}
