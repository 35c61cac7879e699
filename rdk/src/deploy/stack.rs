//! CloudFormation for `rdk deploy` and `rdk undeploy`, through aws-sdk-cloudformation:
//! the deployed stack's template and parameters, change sets (created, described,
//! executed or deleted), stack events followed as they come, and stack deletion.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use aws_sdk_cloudformation::types::{
    Capability, ChangeSetStatus, ChangeSetType, Parameter, StackStatus, TemplateStage,
};
use aws_sdk_cloudformation::Client;
use serde::Serialize;

use crate::commands::CliError;

/// How often stack and change-set states are polled.
const POLL: Duration = Duration::from_secs(2);

/// How far the local clock may run ahead of CloudFormation's without losing events.
const CLOCK_SLACK_SECS: i64 = 300;

/// How long to wait for the stack to show that the operation started before taking its
/// (settled) status as the result.
const START_GRACE: Duration = Duration::from_secs(30);

/// The deployed stack as `rdk deploy` compares it.
#[derive(Debug, Clone)]
pub struct Deployed {
    /// The stack's status (`UPDATE_COMPLETE`, ...).
    pub status: String,
    /// Its template, when it is JSON (ferrule deploys JSON; a YAML one came from
    /// elsewhere and counts as different everywhere).
    pub template: Option<serde_json::Value>,
    /// Its parameter values.
    pub parameters: BTreeMap<String, String>,
}

/// One resource a change set would add, modify or remove.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// `Add`, `Modify`, `Remove`, ...
    pub action: String,
    /// The resource's logical ID.
    pub logical_id: String,
    /// Its `AWS::…` type.
    pub resource_type: String,
    /// `True`, `False` or `Conditional` for a Modify.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
}

/// What a change set holds once CloudFormation has computed it.
#[derive(Debug)]
pub enum Computed {
    /// The changes, and the change set's ARN.
    Changes(String, Vec<Change>),
    /// CloudFormation found nothing to change (the change set was deleted).
    Nothing,
}

fn service_message<E: aws_sdk_cloudformation::error::ProvideErrorMetadata>(e: &E) -> String {
    match (e.code(), e.message()) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (None, Some(m)) => m.to_string(),
        (Some(c), None) => c.to_string(),
        (None, None) => "no error message".to_string(),
    }
}

fn sdk_error<E, R>(what: &str, e: aws_sdk_cloudformation::error::SdkError<E, R>) -> CliError
where
    E: aws_sdk_cloudformation::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let detail = match e.as_service_error() {
        Some(s) => service_message(s),
        None => aws_smithy_error_chain(&e),
    };
    CliError::failed(format!(
        "CloudFormation {what} failed: {detail}; check the credentials, the region and the cloudformation:* permissions of the caller"
    ))
}

/// The whole chain of an SDK error (the outer one says only "dispatch failure").
pub fn aws_smithy_error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// A deployed template: JSON (what rdk deploys), or YAML in long form (`rules.yaml`,
/// deployed by hand or by an older pipeline). None when it is neither, or YAML with
/// short-form tags (`!Ref`), which serde_yaml does not read as plain values.
pub fn parse_template(body: &str) -> Option<serde_json::Value> {
    serde_json::from_str(body)
        .ok()
        .or_else(|| serde_yaml::from_str::<serde_json::Value>(body).ok())
        .filter(serde_json::Value::is_object)
}

/// Whether CloudFormation answered that the stack does not exist: a `ValidationError`
/// whose message says so (the service has no error code of its own for it).
fn stack_missing<E, R>(e: &aws_sdk_cloudformation::error::SdkError<E, R>) -> bool
where
    E: aws_sdk_cloudformation::error::ProvideErrorMetadata,
{
    e.as_service_error()
        .and_then(|s| s.message())
        .is_some_and(|m| m.contains("does not exist"))
}

/// The stack, or None when it does not exist.
pub async fn deployed(cfn: &Client, stack: &str) -> Result<Option<Deployed>, CliError> {
    let described = match cfn.describe_stacks().stack_name(stack).send().await {
        Ok(d) => d,
        Err(e) => {
            if stack_missing(&e) {
                return Ok(None);
            }
            return Err(sdk_error("DescribeStacks", e));
        }
    };
    let Some(s) = described.stacks().first() else {
        return Ok(None);
    };
    let status = s
        .stack_status()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default();
    if status == StackStatus::DeleteComplete.as_str() {
        return Ok(None);
    }
    let parameters = s
        .parameters()
        .iter()
        .filter_map(|p| {
            Some((
                p.parameter_key()?.to_string(),
                p.parameter_value().unwrap_or_default().to_string(),
            ))
        })
        .collect();
    let template = if status == StackStatus::ReviewInProgress.as_str() {
        None
    } else {
        let t = cfn
            .get_template()
            .stack_name(stack)
            .template_stage(TemplateStage::Original)
            .send()
            .await
            .map_err(|e| sdk_error("GetTemplate", e))?;
        t.template_body().and_then(parse_template)
    };
    Ok(Some(Deployed {
        status,
        template,
        parameters,
    }))
}

/// Where the template comes from: its body (up to 51,200 bytes) or an S3 URL.
pub enum TemplateSource {
    /// `TemplateBody`.
    Body(String),
    /// `TemplateURL`.
    Url(String),
}

/// Creates a change set and waits until CloudFormation has computed it.
pub async fn create_change_set(
    cfn: &Client,
    stack: &str,
    create: bool,
    template: &TemplateSource,
    parameters: &BTreeMap<String, String>,
) -> Result<Computed, CliError> {
    let name = format!(
        "rdk-deploy-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default()
    );
    let mut req = cfn
        .create_change_set()
        .stack_name(stack)
        .change_set_name(&name)
        .change_set_type(if create {
            ChangeSetType::Create
        } else {
            ChangeSetType::Update
        })
        .capabilities(Capability::CapabilityNamedIam)
        .description("rdk deploy");
    req = match template {
        TemplateSource::Body(b) => req.template_body(b),
        TemplateSource::Url(u) => req.template_url(u),
    };
    for (k, v) in parameters {
        req = req.parameters(
            Parameter::builder()
                .parameter_key(k)
                .parameter_value(v)
                .build(),
        );
    }
    let created = req
        .send()
        .await
        .map_err(|e| sdk_error("CreateChangeSet", e))?;
    let id = created.id().unwrap_or(&name).to_string();
    loop {
        let mut changes = Vec::new();
        let mut token: Option<String> = None;
        let status;
        loop {
            let d = cfn
                .describe_change_set()
                .stack_name(stack)
                .change_set_name(&id)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| sdk_error("DescribeChangeSet", e))?;
            for c in d.changes() {
                if let Some(r) = c.resource_change() {
                    changes.push(Change {
                        action: r
                            .action()
                            .map(|a| a.as_str().to_string())
                            .unwrap_or_default(),
                        logical_id: r.logical_resource_id().unwrap_or_default().to_string(),
                        resource_type: r.resource_type().unwrap_or_default().to_string(),
                        replacement: r.replacement().map(|x| x.as_str().to_string()),
                    });
                }
            }
            let this = d.status().cloned();
            let reason = d.status_reason().unwrap_or_default().to_string();
            token = d.next_token().map(str::to_string);
            if token.is_none() {
                status = (this, reason);
                break;
            }
        }
        match status {
            (Some(ChangeSetStatus::CreateComplete), _) => {
                return Ok(Computed::Changes(id, changes))
            }
            (Some(ChangeSetStatus::Failed), reason)
                if reason.contains("didn't contain changes") || reason.contains("No updates") =>
            {
                delete_change_set(cfn, stack, &id).await?;
                return Ok(Computed::Nothing);
            }
            (Some(ChangeSetStatus::Failed), reason) => {
                return Err(CliError::failed(format!(
                    "CloudFormation could not create the change set of {stack}: {reason}"
                )))
            }
            _ => tokio::time::sleep(POLL).await,
        }
    }
}

/// Deletes a change set (a dry run, or one with nothing in it).
pub async fn delete_change_set(cfn: &Client, stack: &str, id: &str) -> Result<(), CliError> {
    cfn.delete_change_set()
        .stack_name(stack)
        .change_set_name(id)
        .send()
        .await
        .map_err(|e| sdk_error("DeleteChangeSet", e))?;
    Ok(())
}

/// Executes a change set and follows the stack's events until it settles; an error
/// when it ends rolled back or failed, with the failed resources' reasons.
pub async fn execute(cfn: &Client, stack: &str, id: &str) -> Result<String, CliError> {
    let since = aws_sdk_cloudformation::primitives::DateTime::from(std::time::SystemTime::now());
    let seen = seen_events(cfn, stack).await?;
    cfn.execute_change_set()
        .stack_name(stack)
        .change_set_name(id)
        .send()
        .await
        .map_err(|e| sdk_error("ExecuteChangeSet", e))?;
    follow(cfn, stack, seen, since).await
}

/// Deletes the stack and follows its events until it is gone.
pub async fn delete(cfn: &Client, stack: &str) -> Result<(), CliError> {
    let since = aws_sdk_cloudformation::primitives::DateTime::from(std::time::SystemTime::now());
    let seen = seen_events(cfn, stack).await?;
    cfn.delete_stack()
        .stack_name(stack)
        .send()
        .await
        .map_err(|e| sdk_error("DeleteStack", e))?;
    match follow(cfn, stack, seen, since).await {
        Ok(_) => Ok(()),
        Err(e) => Err(e),
    }
}

/// The IDs of the events the stack has now (so following prints only new ones).
async fn seen_events(cfn: &Client, stack: &str) -> Result<BTreeSet<String>, CliError> {
    let mut seen = BTreeSet::new();
    match cfn.describe_stack_events().stack_name(stack).send().await {
        Ok(page) => {
            for e in page.stack_events() {
                if let Some(id) = e.event_id() {
                    seen.insert(id.to_string());
                }
            }
        }
        Err(e) => {
            if !stack_missing(&e) {
                return Err(sdk_error("DescribeStackEvents", e));
            }
        }
    }
    Ok(seen)
}

/// A terminal stack status, and whether it is a success.
fn settled(status: &str) -> Option<bool> {
    match status {
        "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "DELETE_COMPLETE" | "IMPORT_COMPLETE" => Some(true),
        "CREATE_FAILED"
        | "ROLLBACK_COMPLETE"
        | "ROLLBACK_FAILED"
        | "DELETE_FAILED"
        | "UPDATE_ROLLBACK_COMPLETE"
        | "UPDATE_ROLLBACK_FAILED"
        | "UPDATE_FAILED"
        | "IMPORT_ROLLBACK_COMPLETE"
        | "IMPORT_ROLLBACK_FAILED" => Some(false),
        _ => None,
    }
}

/// Prints the stack's new events (oldest first) on stderr until the stack settles.
async fn follow(
    cfn: &Client,
    stack: &str,
    mut seen: BTreeSet<String>,
    since: aws_sdk_cloudformation::primitives::DateTime,
) -> Result<String, CliError> {
    let mut failures: Vec<String> = Vec::new();
    // Right after Execute/Delete, DescribeStacks may still show the previous settled
    // status: the result counts once the stack has logged an event of its own since.
    let mut started = false;
    let waiting_since = std::time::Instant::now();
    loop {
        // Newest first: read until an event already seen or older than the start.
        let mut fresh = Vec::new();
        let mut token: Option<String> = None;
        let mut gone = false;
        'pages: loop {
            let page = match cfn
                .describe_stack_events()
                .stack_name(stack)
                .set_next_token(token.take())
                .send()
                .await
            {
                Ok(p) => p,
                Err(e) => {
                    if stack_missing(&e) {
                        gone = true;
                        break 'pages;
                    }
                    return Err(sdk_error("DescribeStackEvents", e));
                }
            };
            for e in page.stack_events() {
                let id = e.event_id().unwrap_or_default().to_string();
                // Seen IDs decide; the time only stops paging through a long history
                // (with five minutes of slack for a local clock running fast).
                let old = e
                    .timestamp()
                    .is_some_and(|t| t.secs() < since.secs() - CLOCK_SLACK_SECS);
                if seen.contains(&id) || old {
                    break 'pages;
                }
                fresh.push(e.clone());
            }
            token = page.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        for e in fresh.iter().rev() {
            let id = e.event_id().unwrap_or_default().to_string();
            if !seen.insert(id) {
                continue;
            }
            let status = e.resource_status().map(|s| s.as_str()).unwrap_or_default();
            let reason = e.resource_status_reason().unwrap_or_default();
            let time = e
                .timestamp()
                .and_then(|t| {
                    t.fmt(aws_sdk_cloudformation::primitives::DateTimeFormat::DateTime)
                        .ok()
                })
                .unwrap_or_default();
            let time = time.get(11..19).unwrap_or(&time);
            eprintln!(
                "  {time}  {:<44} {:<32} {status}{}",
                e.logical_resource_id().unwrap_or_default(),
                e.resource_type().unwrap_or_default(),
                if reason.is_empty() {
                    String::new()
                } else {
                    format!("  {reason}")
                }
            );
            if e.logical_resource_id() == Some(stack)
                || e.resource_type() == Some("AWS::CloudFormation::Stack")
            {
                started = true;
            }
            if status.ends_with("_FAILED") && !reason.is_empty() {
                failures.push(format!(
                    "{}: {reason}",
                    e.logical_resource_id().unwrap_or_default()
                ));
            }
        }
        if gone {
            return Ok("DELETE_COMPLETE".into());
        }
        let now = deployed_status(cfn, stack).await?;
        if !started && now.is_some() && waiting_since.elapsed() < START_GRACE {
            tokio::time::sleep(POLL).await;
            continue;
        }
        match now.as_deref().map(settled) {
            None => return Ok("DELETE_COMPLETE".into()),
            Some(Some(true)) => return Ok(now.unwrap_or_default()),
            Some(Some(false)) => {
                let status = now.unwrap_or_default();
                return Err(CliError::failed(format!(
                    "stack {stack} ended {status}{}",
                    if failures.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", failures.join("; "))
                    }
                )));
            }
            Some(None) => tokio::time::sleep(POLL).await,
        }
    }
}

/// The stack's status only (None: it does not exist).
async fn deployed_status(cfn: &Client, stack: &str) -> Result<Option<String>, CliError> {
    match cfn.describe_stacks().stack_name(stack).send().await {
        Ok(d) => Ok(d
            .stacks()
            .first()
            .and_then(|s| s.stack_status())
            .map(|s| s.as_str().to_string())),
        Err(e) => {
            if stack_missing(&e) {
                Ok(None)
            } else {
                Err(sdk_error("DescribeStacks", e))
            }
        }
    }
}

/// Deletes a stack left in `REVIEW_IN_PROGRESS` by a dry run's CREATE change set (it
/// holds no resources).
pub async fn delete_review_stack(cfn: &Client, stack: &str) -> Result<(), CliError> {
    cfn.delete_stack()
        .stack_name(stack)
        .send()
        .await
        .map_err(|e| sdk_error("DeleteStack", e))?;
    Ok(())
}
