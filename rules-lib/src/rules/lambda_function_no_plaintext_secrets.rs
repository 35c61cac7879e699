//! `lambda-function-no-plaintext-secrets`: secret-looking environment variables hold
//! references, not literal values.

use serde_json::Value;

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

use super::config_value;

/// `lambda-function-no-plaintext-secrets` (ferrule; no AWS managed rule does this).
///
/// NON_COMPLIANT when an environment variable whose name suggests a secret (contains
/// PASSWORD, PASSWD, SECRET, TOKEN, API_KEY/APIKEY, PRIVATE_KEY, ACCESS_KEY, CREDENTIAL,
/// AUTH, CONN_STR / CONNECTION_STRING, DSN) holds a literal value. References are fine:
/// Secrets Manager or SSM Parameter Store ARNs, `{{resolve:...}}`, parameter paths
/// (`/app/prod/db-password`), and empty values. The annotation names the variables,
/// never their values. Functions without environment variables are COMPLIANT.
///
/// Choice: names ending in `_ARN`, `_NAME`, `_ID`, `_PATH`, `_PARAM`, `_PARAMETER`,
/// `_URL`... of a secret (`DB_PASSWORD_SECRET_ARN`) are references by name and skipped.
pub struct LambdaFunctionNoPlaintextSecrets;

static SPEC: RuleSpec = RuleSpec {
    name: "lambda-function-no-plaintext-secrets",
    description: "Lambda environment variables that look like secrets hold references (Secrets Manager, SSM), not values.",
    resource_types: &["AWS::Lambda::Function"],
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[],
    severity: Severity::High,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
};

const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "API_KEY",
    "PRIVATE_KEY",
    "PRIVATEKEY",
    "ACCESS_KEY",
    "CREDENTIAL",
    "AUTH",
    "CONN_STR",
    "CONNECTION_STRING",
    "DSN",
];
const REFERENCE_SUFFIXES: &[&str] = &[
    "_ARN",
    "_NAME",
    "_ID",
    "_PATH",
    "_PARAM",
    "_PARAMETER",
    "_KEY_ID",
    "_ENDPOINT",
    "_HEADER",
    "_TTL",
    "_URL_NAME",
];

/// Whether a variable name suggests it holds a secret.
pub(crate) fn looks_secret(name: &str) -> bool {
    let n = name.to_ascii_uppercase().replace('-', "_");
    SECRET_WORDS.iter().any(|w| n.contains(w)) && !REFERENCE_SUFFIXES.iter().any(|s| n.ends_with(s))
}

/// Whether a value is a reference to a secret store rather than a secret.
pub(crate) fn is_reference(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || v.starts_with("arn:aws:secretsmanager:")
        || v.starts_with("arn:aws:ssm:")
        || v.starts_with("arn:aws-us-gov:secretsmanager:")
        || v.starts_with("arn:aws-cn:secretsmanager:")
        || v.starts_with("{{resolve:")
        || (v.starts_with('/') && !v.contains(char::is_whitespace))
}

impl Rule for LambdaFunctionNoPlaintextSecrets {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, _params: &Params) -> Result<Verdict, RuleError> {
        let Some(Value::Object(vars)) = config_value(item, "environment.variables") else {
            return Ok(Verdict::compliant(
                "the function has no environment variables",
            ));
        };
        let mut found: Vec<&str> = vars
            .iter()
            .filter(|(name, value)| looks_secret(name) && !value.as_str().is_some_and(is_reference))
            .map(|(name, _)| name.as_str())
            .collect();
        found.sort_unstable();
        if found.is_empty() {
            Ok(Verdict::compliant(
                "no environment variable holds a literal secret",
            ))
        } else {
            Ok(Verdict::non_compliant(format!(
                "environment variables {} hold literal values; store them in Secrets Manager or SSM Parameter Store and pass the ARN",
                found.join(", ")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_values() {
        assert!(
            looks_secret("DB_PASSWORD")
                && looks_secret("stripeApiKey".to_uppercase().as_str())
                && looks_secret("GITHUB_TOKEN")
        );
        assert!(
            !looks_secret("DB_PASSWORD_SECRET_ARN")
                && !looks_secret("LOG_LEVEL")
                && !looks_secret("TABLE_NAME")
        );
        assert!(is_reference(
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
        ));
        assert!(
            is_reference("{{resolve:secretsmanager:db:SecretString:password}}")
                && is_reference("/prod/db/password")
        );
        assert!(!is_reference("hunter2") && !is_reference("sk_live_123"));
    }
}
