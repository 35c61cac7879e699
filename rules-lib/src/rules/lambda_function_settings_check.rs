//! `lambda-function-settings-check`: runtime, role, timeout and memory size as expected.

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

use super::{config_str, config_value};

/// `lambda-function-settings-check` (AWS managed rule LAMBDA_FUNCTION_SETTINGS_CHECK).
///
/// Documented logic: NON_COMPLIANT when the function's runtime, role, timeout or memory
/// size do not match the expected values. Functions with the `Image` package type are
/// ignored (NOT_APPLICABLE). `runtime` is required (a comma-separated list);
/// `role`, `timeout` and `memorySize` are optional.
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

static SPEC: RuleSpec = RuleSpec {
    name: "lambda-function-settings-check",
    description:
        "Lambda functions use an allowed runtime and the expected role, timeout and memory size.",
    resource_types: &["AWS::Lambda::Function"],
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[
        ParamSpec {
            name: "runtime",
            kind: ParamKind::Csv,
            required: true,
            default: None,
            description: "Comma-separated list of allowed runtimes, e.g. python3.12,nodejs20.x",
        },
        ParamSpec {
            name: "role",
            kind: ParamKind::String,
            required: false,
            default: None,
            description: "The execution role, as a role name or role ARN",
        },
        ParamSpec {
            name: "timeout",
            kind: ParamKind::Int,
            required: false,
            default: Some("3"),
            description: "Timeout in seconds",
        },
        ParamSpec {
            name: "memorySize",
            kind: ParamKind::Int,
            required: false,
            default: Some("128"),
            description: "Memory size in MB",
        },
    ],
    severity: Severity::Medium,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
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

impl Rule for LambdaFunctionSettingsCheck {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, RuleError> {
        if config_str(item, "packageType") == Some("Image") {
            return Ok(Verdict::not_applicable(
                "container-image functions have no runtime setting",
            ));
        }
        let mut problems = Vec::new();
        if let Some(allowed) = params.list("runtime") {
            match config_str(item, "runtime") {
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
        if let Some(expected) = params.str("role") {
            let actual = config_str(item, "role").unwrap_or("");
            if !role_matches(expected, actual) {
                problems.push(format!(
                    "role is {} not {expected}",
                    if actual.is_empty() { "unset" } else { actual }
                ));
            }
        }
        for (param, field) in [("timeout", "timeout"), ("memorySize", "memorySize")] {
            if let Some(expected) = params.int(param) {
                match config_value(item, field).and_then(|v| v.as_i64()) {
                    Some(actual) if actual == expected => {}
                    Some(actual) => problems.push(format!("{field} is {actual} not {expected}")),
                    None => problems.push(format!("{field} is not recorded (expected {expected})")),
                }
            }
        }
        if problems.is_empty() {
            Ok(Verdict::compliant(
                "runtime, role, timeout and memory size are as expected",
            ))
        } else {
            Ok(Verdict::non_compliant(problems.join("; ")))
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
