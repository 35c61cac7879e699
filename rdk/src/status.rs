//! `rdk status`: how the deployed rules are doing, from AWS Config itself: per rule, its
//! compliance and non-compliant count (DescribeComplianceByConfigRule), its last
//! successful and failed runs and the last error (DescribeConfigRuleEvaluationStatus),
//! and with `--details RULE` the non-compliant resources with their annotations
//! (GetComplianceDetailsByConfigRule). Every call is paginated to the end.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use aws_sdk_config::types::ComplianceType;
use serde::Serialize;

use crate::commands::{CliError, Format};

/// What to show.
#[derive(Debug, Clone, Default)]
pub struct StatusOptions {
    /// Config rule names as deployed (empty: every rule of the account and region).
    pub rules: Vec<String>,
    /// Also list this rule's non-compliant resources.
    pub details: Option<String>,
    /// Region (default: the environment's).
    pub region: Option<String>,
    /// Named profile.
    pub profile: Option<String>,
}

/// One rule's status.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleStatus {
    /// The Config rule name.
    pub name: String,
    /// COMPLIANT, NON_COMPLIANT, INSUFFICIENT_DATA, or empty when Config gave none.
    pub compliance: String,
    /// Non-compliant resources (Config caps the count at 100).
    pub non_compliant: Option<i32>,
    /// Whether the count is capped.
    pub cap_exceeded: bool,
    /// The last successful invocation (RFC 3339).
    pub last_success: Option<String>,
    /// The last failed invocation (RFC 3339).
    pub last_failure: Option<String>,
    /// The last error, `code: message`.
    pub last_error: Option<String>,
}

/// A non-compliant resource of `--details`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Resource type.
    pub resource_type: String,
    /// Resource id.
    pub resource_id: String,
    /// Why.
    pub annotation: Option<String>,
    /// When Config recorded the result (RFC 3339).
    pub recorded: Option<String>,
}

/// The report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StatusReport {
    /// Per rule, by name.
    pub rules: Vec<RuleStatus>,
    /// `--details`: the rule and its non-compliant resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<(String, Vec<Finding>)>,
}

fn time(t: Option<&aws_sdk_config::primitives::DateTime>) -> Option<String> {
    t.and_then(|t| {
        t.fmt(aws_sdk_config::primitives::DateTimeFormat::DateTime)
            .ok()
    })
}

/// Names the failed call, the error, and what to check.
fn failed<E>(call: &str, e: aws_sdk_config::error::SdkError<E>) -> CliError
where
    E: aws_sdk_config::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    let code = e.as_service_error().and_then(|s| s.code()).unwrap_or("");
    let message = e
        .as_service_error()
        .and_then(|s| s.message())
        .map(str::to_string)
        .unwrap_or_else(|| aws_sdk_config::error::DisplayErrorContext(&e).to_string());
    if code == "NoSuchConfigRuleException" {
        return CliError::input(format!(
            "{call}: {message}; rdk status takes the Config rule names as deployed (with the stack's RuleNamePrefix)"
        ));
    }
    CliError::failed(format!(
        "{call} failed: {code} {message}; check the credentials, the region and the config:{call} permission"
    ))
}

/// Reads the status from AWS Config.
pub async fn status(opts: &StatusOptions) -> Result<StatusReport, CliError> {
    let sdk = crate::commands::sdk_config(opts.region.clone(), opts.profile.clone()).await?;
    let client = aws_sdk_config::Client::new(&sdk);
    let mut by_name: BTreeMap<String, RuleStatus> = BTreeMap::new();

    // Compliance: at most 25 names a call.
    let chunks: Vec<Option<&[String]>> = if opts.rules.is_empty() {
        vec![None]
    } else {
        opts.rules.chunks(25).map(Some).collect()
    };
    for names in &chunks {
        let mut token = None;
        loop {
            let out = client
                .describe_compliance_by_config_rule()
                .set_config_rule_names(names.map(<[String]>::to_vec))
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| failed("DescribeComplianceByConfigRule", e))?;
            for c in out.compliance_by_config_rules() {
                let Some(name) = c.config_rule_name() else {
                    continue;
                };
                let s = by_name.entry(name.to_string()).or_default();
                s.name = name.to_string();
                if let Some(compliance) = c.compliance() {
                    s.compliance = compliance
                        .compliance_type()
                        .map(|t| t.as_str().to_string())
                        .unwrap_or_default();
                    if let Some(n) = compliance.compliance_contributor_count() {
                        s.non_compliant = Some(n.capped_count());
                        s.cap_exceeded = n.cap_exceeded();
                    }
                }
            }
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
    }

    // Runs: at most 50 names a call.
    let chunks: Vec<Option<&[String]>> = if opts.rules.is_empty() {
        vec![None]
    } else {
        opts.rules.chunks(50).map(Some).collect()
    };
    for names in &chunks {
        let mut token = None;
        loop {
            let out = client
                .describe_config_rule_evaluation_status()
                .set_config_rule_names(names.map(<[String]>::to_vec))
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| failed("DescribeConfigRuleEvaluationStatus", e))?;
            for r in out.config_rules_evaluation_status() {
                let Some(name) = r.config_rule_name() else {
                    continue;
                };
                let s = by_name.entry(name.to_string()).or_default();
                s.name = name.to_string();
                s.last_success = time(r.last_successful_invocation_time());
                s.last_failure = time(r.last_failed_invocation_time());
                s.last_error = r
                    .last_error_code()
                    .map(|code| format!("{code}: {}", r.last_error_message().unwrap_or_default()));
            }
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
    }

    let details = match &opts.details {
        None => None,
        Some(rule) => {
            let mut findings = Vec::new();
            let mut token = None;
            loop {
                let out = client
                    .get_compliance_details_by_config_rule()
                    .config_rule_name(rule)
                    .compliance_types(ComplianceType::NonCompliant)
                    .set_next_token(token.take())
                    .send()
                    .await
                    .map_err(|e| failed("GetComplianceDetailsByConfigRule", e))?;
                for r in out.evaluation_results() {
                    let q = r
                        .evaluation_result_identifier()
                        .and_then(|i| i.evaluation_result_qualifier());
                    findings.push(Finding {
                        resource_type: q
                            .and_then(|q| q.resource_type())
                            .unwrap_or_default()
                            .to_string(),
                        resource_id: q
                            .and_then(|q| q.resource_id())
                            .unwrap_or_default()
                            .to_string(),
                        annotation: r.annotation().map(str::to_string),
                        recorded: time(r.result_recorded_time()),
                    });
                }
                match out.next_token() {
                    Some(t) if !t.is_empty() => token = Some(t.to_string()),
                    _ => break,
                }
            }
            Some((rule.clone(), findings))
        }
    };
    Ok(StatusReport {
        rules: by_name.into_values().collect(),
        details,
    })
}

impl StatusReport {
    /// The report in `format`.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => serde_json::to_string_pretty(self).unwrap_or_default() + "\n",
            Format::Text => self.text(),
        }
    }

    fn text(&self) -> String {
        let mut s = String::new();
        if self.rules.is_empty() {
            s.push_str("no Config rules have results in this account and region\n");
        } else {
            let _ = writeln!(
                s,
                "{:<48} {:<18} {:>13}  {:<20}  {:<20}  last error",
                "rule", "compliance", "non-compliant", "last success", "last failure"
            );
        }
        for r in &self.rules {
            let count = match r.non_compliant {
                Some(n) if r.cap_exceeded => format!("{n}+"),
                Some(n) => n.to_string(),
                None => "-".into(),
            };
            let _ = writeln!(
                s,
                "{:<48} {:<18} {:>13}  {:<20}  {:<20}  {}",
                r.name,
                if r.compliance.is_empty() {
                    "-"
                } else {
                    &r.compliance
                },
                count,
                r.last_success.as_deref().unwrap_or("-"),
                r.last_failure.as_deref().unwrap_or("-"),
                r.last_error.as_deref().unwrap_or("-"),
            );
        }
        if let Some((rule, findings)) = &self.details {
            let _ = writeln!(s, "\n{rule}: {} non-compliant resources", findings.len());
            for f in findings {
                let _ = writeln!(
                    s,
                    "  {} {}: {}",
                    f.resource_type,
                    f.resource_id,
                    f.annotation.as_deref().unwrap_or("(no annotation)")
                );
            }
        }
        s
    }
}
