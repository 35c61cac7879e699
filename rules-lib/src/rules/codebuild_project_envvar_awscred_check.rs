//! `codebuild-project-envvar-awscred-check`: no plaintext AWS keys in CodeBuild projects.

use serde::Deserialize;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec, Severity};
use crate::views::{configuration, de, View, ViewError};

/// The credential variables the rule looks for.
const CREDENTIALS: [&str; 2] = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"];

/// `codebuild-project-envvar-awscred-check` (AWS managed rule
/// CODEBUILD_PROJECT_ENVVAR_AWSCRED_CHECK).
///
/// Documented logic: checks if the project contains environment variables
/// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`; NON_COMPLIANT when the project
/// environment variables contain plaintext credentials. No parameters.
///
/// Data: `configuration.environment.environmentVariables[]` (`name`, `type`).
///
/// Choices: either variable alone is NON_COMPLIANT ("contains plaintext credentials");
/// a variable counts when its type is `PLAINTEXT` or absent (the CodeBuild default),
/// while `PARAMETER_STORE` and `SECRETS_MANAGER` hold only a reference and are
/// COMPLIANT; names compare case-insensitively (stricter than the SDKs, which read the
/// upper-case names only).
pub struct CodebuildProjectEnvvarAwscredCheck;

static SPEC: RuleSpec = RuleSpec {
    name: "codebuild-project-envvar-awscred-check",
    description: "CodeBuild projects hold no AWS access keys in plaintext environment variables.",
    resource_types: &["AWS::CodeBuild::Project"],
    severity: Severity::Critical,
    preventive: false,
    ..RuleSpec::CHANGE
};

/// `AWS::CodeBuild::Project`: its environment variables.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeBuildProject {
    #[serde(default)]
    environment: Option<Environment>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Environment {
    #[serde(default, deserialize_with = "de::list")]
    environment_variables: Vec<EnvVar>,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct EnvVar {
    #[serde(default, deserialize_with = "de::opt_text")]
    name: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "de::opt_text")]
    kind: Option<String>,
}

impl View for CodeBuildProject {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        configuration(item)
    }
}

impl ItemRule for CodebuildProjectEnvvarAwscredCheck {
    type View = CodeBuildProject;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(
        &self,
        _item: &ConfigurationItem,
        project: &CodeBuildProject,
        _params: &Params,
    ) -> Verdict {
        let vars = project
            .environment
            .as_ref()
            .map_or(&[][..], |e| e.environment_variables.as_slice());
        let plaintext: Vec<&str> = vars
            .iter()
            .filter(|v| {
                v.kind
                    .as_deref()
                    .is_none_or(|k| k.trim().eq_ignore_ascii_case("PLAINTEXT"))
            })
            .filter_map(|v| v.name.as_deref())
            .filter(|n| CREDENTIALS.iter().any(|c| c.eq_ignore_ascii_case(n.trim())))
            .collect();
        if plaintext.is_empty() {
            Verdict::compliant("no AWS credentials are held in plaintext environment variables")
        } else {
            Verdict::non_compliant(format!(
                "plaintext environment variables hold AWS credentials: {}",
                plaintext.join(", ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn project(vars: Value) -> Value {
        json!({"resourceType": "AWS::CodeBuild::Project",
               "configuration": {"name": "build", "environment": {"type": "LINUX_CONTAINER",
                                 "environmentVariables": vars}}})
    }

    #[test]
    fn no_credentials_or_referenced_ones_are_compliant() {
        assert_eq!(
            verdict(
                &CodebuildProjectEnvvarAwscredCheck,
                project(json!([])),
                json!({})
            )
            .0,
            Compliant
        );
        let refs = project(json!([
            {"name": "AWS_ACCESS_KEY_ID", "value": "/ci/key-id", "type": "PARAMETER_STORE"},
            {"name": "AWS_SECRET_ACCESS_KEY", "value": "ci/secret:key", "type": "SECRETS_MANAGER"},
            {"name": "STAGE", "value": "prod", "type": "PLAINTEXT"}]));
        assert_eq!(
            verdict(&CodebuildProjectEnvvarAwscredCheck, refs, json!({})).0,
            Compliant
        );
        let none =
            json!({"resourceType": "AWS::CodeBuild::Project", "configuration": {"name": "b"}});
        assert_eq!(
            verdict(&CodebuildProjectEnvvarAwscredCheck, none, json!({})).0,
            Compliant
        );
    }

    #[test]
    fn plaintext_credentials_are_non_compliant() {
        let p = project(json!([
            {"name": "AWS_ACCESS_KEY_ID", "value": "AKIAEXAMPLE", "type": "PLAINTEXT"},
            {"name": "aws_secret_access_key", "value": "x"}]));
        let (c, a) = verdict(&CodebuildProjectEnvvarAwscredCheck, p, json!({}));
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "plaintext environment variables hold AWS credentials: AWS_ACCESS_KEY_ID, aws_secret_access_key"
        );
    }
}
