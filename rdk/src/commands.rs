//! The commands behind `rdk`, writing to any `Write` so tests run them in-process.

use std::io::Write;
use std::path::PathBuf;

use rules_lib::config_api::SdkConfigApi;
use rules_lib::engine::{self, EngineError};
use rules_lib::retry::{RetryPolicy, Retrying};
use rules_lib::{rules, ConfigurationItem, Evaluation, Event, InvokingEvent, Rule, Timestamp};
use serde_json::{json, Value};

/// A command failed. `code` 2 means bad input (unknown rule, invalid parameters,
/// unreadable file); 1 means the work itself failed.
#[derive(Debug)]
pub struct CliError {
    /// The process exit code.
    pub code: i32,
    /// One line for stderr: the input, the problem, the fix.
    pub message: String,
}

impl CliError {
    /// Bad input: exit 2.
    pub fn input(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: message.into(),
        }
    }
    /// A failure while working: exit 1.
    pub fn failed(message: impl Into<String>) -> Self {
        Self {
            code: 1,
            message: message.into(),
        }
    }
}

/// The SDK configuration of the commands that call AWS: credentials and region from the
/// environment, `region` and `profile` when given (`AWS_ENDPOINT_URL_*` honoured).
///
/// Without a region from any of those, this fails at once (exit 2) instead of letting
/// every call fail to sign and be retried as if the service were unavailable.
pub async fn sdk_config(
    region: Option<String>,
    profile: Option<String>,
) -> Result<aws_config::SdkConfig, CliError> {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(r) = region {
        loader = loader.region(aws_config::Region::new(r));
    }
    let profile_hint = match &profile {
        Some(p) => format!(", or `region` in profile {p} of ~/.aws/config"),
        None => ", or `region` in the profile of ~/.aws/config (AWS_PROFILE, --profile)".into(),
    };
    if let Some(p) = profile {
        loader = loader.profile_name(p);
    }
    let sdk = loader.load().await;
    if sdk.region().is_none() {
        return Err(CliError::input(format!(
            "no AWS region is set for this command: pass --region, set AWS_REGION{profile_hint}"
        )));
    }
    Ok(sdk)
}

/// A rules-lib [`Severity`](rules_lib::Severity) as a command-line value: clap's choices and their spelling
/// are rules-lib's own (`Severity::ALL`, `Severity::as_str`), not a second list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeverityArg(pub rules_lib::Severity);

/// A rules-lib [`Frequency`](rules_lib::Frequency) as a command-line value
/// (`Frequency::ALL`, spelled as AWS Config spells `MaximumExecutionFrequency`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrequencyArg(pub rules_lib::Frequency);

const SEVERITIES: [SeverityArg; 4] = {
    let all = rules_lib::Severity::ALL;
    let mut out = [SeverityArg(all[0]); 4];
    let mut i = 0;
    while i < all.len() {
        out[i] = SeverityArg(all[i]);
        i += 1;
    }
    out
};

const FREQUENCIES: [FrequencyArg; 5] = {
    let all = rules_lib::Frequency::ALL;
    let mut out = [FrequencyArg(all[0]); 5];
    let mut i = 0;
    while i < all.len() {
        out[i] = FrequencyArg(all[i]);
        i += 1;
    }
    out
};

impl clap::ValueEnum for SeverityArg {
    fn value_variants<'a>() -> &'a [Self] {
        &SEVERITIES
    }
    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.0.as_str()))
    }
}

impl clap::ValueEnum for FrequencyArg {
    fn value_variants<'a>() -> &'a [Self] {
        &FREQUENCIES
    }
    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.0.as_str()))
    }
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// For scripts.
    Json,
}

/// The rule with this name, or an error naming the closest ones.
pub fn find_rule(name: &str) -> Result<&'static dyn Rule, CliError> {
    rules::find(name).ok_or_else(|| {
        let names: Vec<&str> = rules::catalog().iter().map(|r| r.spec().name).collect();
        let close = closest(name, &names);
        let hint = if close.is_empty() {
            "run `rdk rules` to list them".to_string()
        } else {
            format!("did you mean {}?", close.join(" or "))
        };
        CliError::input(format!("unknown rule `{name}`: {hint}"))
    })
}

/// The candidates nearest to `wanted`: within a small edit distance (the best ones
/// only), else those that contain it.
pub fn closest<'a>(wanted: &str, candidates: &[&'a str]) -> Vec<&'a str> {
    let mut scored: Vec<(usize, &str)> = candidates
        .iter()
        .map(|c| (edit_distance(wanted, c), *c))
        .collect();
    scored.sort();
    let limit = (wanted.len() / 4).clamp(1, 4);
    match scored.first() {
        Some((best, _)) if *best <= limit => scored
            .iter()
            .take_while(|(d, _)| d == best)
            .map(|(_, c)| *c)
            .take(3)
            .collect(),
        _ => candidates
            .iter()
            .copied()
            .filter(|c| wanted.len() >= 3 && (c.contains(wanted) || wanted.contains(c)))
            .take(3)
            .collect(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.to_ascii_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.to_ascii_lowercase().chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// What a remediation does when the template's `RemediationMode` is `automatic`.
fn remediation_mode(m: &rules_lib::Remediation) -> &'static str {
    if m.automatic {
        "automatic"
    } else {
        "manual"
    }
}

/// A rule's remediation in `rdk rules --format json`: the document, its mode under
/// `RemediationMode=automatic`, its parameters and the actions its role gets.
fn remediation_json(m: &'static rules_lib::Remediation) -> Value {
    let parameters: serde_json::Map<String, Value> = m
        .parameters
        .iter()
        .map(|p| {
            let v = match p.value {
                rules_lib::ParamValue::ResourceId => {
                    json!({"resourceValue": rules_lib::remediation::RESOURCE_ID})
                }
                rules_lib::ParamValue::Static(v) => json!({"staticValue": v}),
                rules_lib::ParamValue::AssumeRole => json!({"assumeRole": true}),
            };
            (p.name.to_string(), v)
        })
        .collect();
    json!({
        "document": m.document,
        "mode": remediation_mode(m),
        "parameters": parameters,
        "actions": m.sorted_actions(),
        "source": m.source,
    })
}

/// `rdk rules`: the catalog.
pub fn list_rules(format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Json => {
            let list: Vec<Value> = rules::catalog()
                .iter()
                .map(|r| {
                    let s = r.spec();
                    json!({
                        "name": s.name,
                        "description": s.description,
                        "trigger": s.trigger.as_str(),
                        "maximumFrequency": s.trigger.frequency().map(|f| f.as_str()),
                        "resourceTypes": s.resource_types,
                        "severity": s.severity.as_str(),
                        "parameters": s.parameters.iter().map(|p| json!({
                            "name": p.name, "type": p.kind.name(), "required": p.required,
                            "default": p.default, "description": p.description,
                        })).collect::<Vec<_>>(),
                        "remediation": s.remediation.map(remediation_json),
                    })
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&list)?)
        }
        Format::Text => {
            for r in rules::catalog() {
                let s = r.spec();
                let trigger = match s.trigger.frequency() {
                    Some(f) => format!("{} ({})", s.trigger.as_str(), f.as_str()),
                    None => s.trigger.as_str().to_string(),
                };
                let flag = if s.remediation.is_some() {
                    ", remediates"
                } else {
                    ""
                };
                writeln!(
                    out,
                    "{}  [{}, {}{flag}]",
                    s.name,
                    trigger,
                    s.severity.as_str()
                )?;
                writeln!(out, "    {}", s.description)?;
                writeln!(out, "    resource types: {}", s.resource_types.join(", "))?;
                if let Some(m) = s.remediation {
                    writeln!(
                        out,
                        "    remediation: {} ({} when RemediationMode is automatic)",
                        m.document,
                        remediation_mode(m)
                    )?;
                }
                if s.parameters.is_empty() {
                    writeln!(out, "    parameters: none")?;
                }
                for p in s.parameters {
                    let req = if p.required { "required" } else { "optional" };
                    let default = p
                        .default
                        .map(|d| format!(", default {d}"))
                        .unwrap_or_default();
                    writeln!(
                        out,
                        "    - {} ({}, {req}{default}): {}",
                        p.name,
                        p.kind.name(),
                        p.description
                    )?;
                }
            }
            Ok(())
        }
    }
}

/// What `rdk evaluate` reads.
#[derive(Debug, Clone)]
pub enum EvaluateInput {
    /// `--item FILE`: one item, a list, or a snapshot file, in either shape.
    Item(PathBuf),
    /// `--event FILE`: a whole Lambda payload.
    Event(PathBuf),
}

/// `rdk evaluate`: evaluations in the PutEvaluations shape.
///
/// With `--event`, oversized and periodic events need the Config API: the SDK is
/// configured from the environment (`AWS_ENDPOINT_URL_CONFIG_SERVICE` points it at
/// `rdk local-config`). Nothing is sent to PutEvaluations.
pub async fn evaluate(
    rule_name: &str,
    input: &EvaluateInput,
    parameters: Option<&str>,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let rule = find_rule(rule_name)?;
    let params_override = parameters
        .map(|p| match serde_json::from_str::<Value>(p) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(other) => Err(CliError::input(format!("--parameters must be a JSON object such as '{{\"kmsId\": \"...\"}}', found {other}"))),
            Err(e) => Err(CliError::input(format!("--parameters is not valid JSON ({e}); pass an object such as '{{\"kmsId\": \"...\"}}'"))),
        })
        .transpose()?;
    let evaluations = match input {
        EvaluateInput::Item(path) => {
            let items = crate::input::read_items_file(path).map_err(CliError::input)?;
            let raw = params_override.unwrap_or_default();
            let spec = rule.spec();
            let (params, _) = rules_lib::Params::parse(spec.name, spec.parameters, &raw)
                .map_err(|e| CliError::input(e.to_string()))?;
            let now = Timestamp::now();
            items
                .iter()
                .map(|item| engine::evaluate_item(rule, item, &params, now))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| CliError::failed(format!("{}: {e}", path.display())))?
        }
        EvaluateInput::Event(path) => {
            let text = crate::input::read_capped(path)
                .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
            let mut event = Event::from_json_str(&text)
                .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
            if let Some(p) = params_override {
                event.rule_parameters = p;
            }
            engine::parse_parameters(rule, &event).map_err(|e| CliError::input(e.to_string()))?;
            evaluate_event(rule, &event).await.map_err(|e| match e {
                EngineError::InvalidParameters(p) => CliError::input(p.to_string()),
                other => CliError::failed(format!("{}: {other}", path.display())),
            })?
        }
    };
    write_evaluations(&evaluations, format, out)
        .map_err(|e| CliError::failed(format!("cannot write output: {e}")))
}

async fn evaluate_event(rule: &dyn Rule, event: &Event) -> Result<Vec<Evaluation>, EngineError> {
    let needs_api = !matches!(event.invoking_event, InvokingEvent::Change { .. });
    if !needs_api {
        // An ordinary change never calls the API; do not load AWS configuration.
        let unused = OfflineApi;
        return engine::evaluate_event(rule, event, &unused, None).await;
    }
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let api = Retrying::new(SdkConfigApi::from_sdk_config(&sdk), RetryPolicy::from_env());
    let iam = rules_lib::iam_api::SdkIamApi::from_sdk_config(&sdk);
    engine::evaluate_event(rule, event, &api, Some(&iam)).await
}

/// Writes evaluations as a JSON array or as text lines.
pub fn write_evaluations(
    evaluations: &[Evaluation],
    format: Format,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(evaluations)?),
        Format::Text => {
            for e in evaluations {
                write!(
                    out,
                    "{:<15} {} {}",
                    e.compliance_type.as_str(),
                    e.compliance_resource_type,
                    e.compliance_resource_id
                )?;
                match &e.annotation {
                    Some(a) => writeln!(out, ": {a}")?,
                    None => writeln!(out)?,
                }
            }
            Ok(())
        }
    }
}

/// Stands in for the Config API where an ordinary change event needs none; any call
/// is a bug and says so.
struct OfflineApi;

impl rules_lib::config_api::ConfigApi for OfflineApi {
    fn get_latest_item<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: Option<Timestamp>,
    ) -> rules_lib::config_api::BoxFuture<'a, Result<Option<ConfigurationItem>, rules_lib::ApiError>>
    {
        Box::pin(async { Err(offline("GetResourceConfigHistory")) })
    }
    fn list_discovered_resources<'a>(
        &'a self,
        _: &'a str,
    ) -> rules_lib::config_api::BoxFuture<
        'a,
        Result<Vec<rules_lib::config_api::ResourceKey>, rules_lib::ApiError>,
    > {
        Box::pin(async { Err(offline("ListDiscoveredResources")) })
    }
    fn batch_get_resource_config<'a>(
        &'a self,
        _: &'a [rules_lib::config_api::ResourceKey],
    ) -> rules_lib::config_api::BoxFuture<'a, Result<Vec<ConfigurationItem>, rules_lib::ApiError>>
    {
        Box::pin(async { Err(offline("BatchGetResourceConfig")) })
    }
    fn compliance_results<'a>(
        &'a self,
        _: &'a str,
    ) -> rules_lib::config_api::BoxFuture<
        'a,
        Result<Vec<rules_lib::config_api::ComplianceRecord>, rules_lib::ApiError>,
    > {
        Box::pin(async { Err(offline("GetComplianceDetailsByConfigRule")) })
    }
    fn put_evaluations<'a>(
        &'a self,
        _: &'a [Evaluation],
        _: &'a str,
        _: bool,
    ) -> rules_lib::config_api::BoxFuture<'a, Result<Vec<Evaluation>, rules_lib::ApiError>> {
        Box::pin(async { Err(offline("PutEvaluations")) })
    }
}

fn offline(operation: &'static str) -> rules_lib::ApiError {
    rules_lib::ApiError::Rejected {
        operation,
        code: "Offline".into(),
        message: "rdk evaluate does not call AWS for a change event".into(),
    }
}

/// Writes `bytes` to `path` whole or not at all: into `<path>.tmp` beside it, then
/// renamed over `path`. On any failure the temporary file is removed, so neither a
/// half-written file nor a `.tmp` is left behind. The error names the path.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<(), String> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    let result = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!("{}: cannot write: {e}", path.display()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn severity_and_frequency_choices_are_rules_libs_own() {
        let severities: Vec<_> = SeverityArg::value_variants().iter().map(|s| s.0).collect();
        assert_eq!(severities, rules_lib::Severity::ALL);
        let frequencies: Vec<_> = FrequencyArg::value_variants().iter().map(|f| f.0).collect();
        assert_eq!(frequencies, rules_lib::Frequency::ALL);
        assert_eq!(
            FrequencyArg::from_str("TwentyFour_Hours", false).map(|f| f.0),
            Ok(rules_lib::Frequency::TwentyFourHours)
        );
        assert_eq!(
            SeverityArg::from_str("critical", false).map(|s| s.0),
            Ok(rules_lib::Severity::Critical)
        );
        assert!(SeverityArg::from_str("urgent", false).is_err());
    }
}
