//! `rdk deploy` and `rdk undeploy`: the rules stack (functions, roles, log groups and
//! Config rules, the template `rdk create-rule-template` writes) created or updated
//! through a CloudFormation change set, its packages uploaded to S3 under content
//! hashes, and AWS Config asked to evaluate again the rules whose code or parameters
//! changed.
//!
//! - **Packages** ([`mod@package`]): built with cargo-lambda for Lambda arm64, only the
//!   functions whose inputs changed, or read from `--packages DIR`. A package's S3 key is
//!   `<CodeKeyPrefix><rule>/<sha256>.zip`; the template names each function's key, so an
//!   unchanged package is neither uploaded nor updated.
//! - **Stack** ([`stack`]): one stack, `<stack-prefix>-rules`. When its template and
//!   parameters equal the deployed ones nothing is created; otherwise a change set is
//!   created, listed, and executed (or deleted, with `--dry-run`), and the stack's events
//!   are printed as they come.
//! - **Evaluations**: a Config rule is evaluated by AWS Config when it is created, but an
//!   updated one keeps its old results until the next change or period. After the stack
//!   settles, `StartConfigRulesEvaluation` (25 rules a call) runs for every rule whose
//!   package or parameters changed.
//! - **Undeploy** removes the rules stack only: never the recorder, the alerts or the
//!   pipeline stacks, nor the code bucket.

pub mod package;
pub mod stack;
pub mod upload;

use std::collections::BTreeMap;
use std::path::PathBuf;

use rules_lib::Rule;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::commands::CliError;
use crate::template::camel;

/// The largest `TemplateBody` CloudFormation takes; a larger template goes through S3.
pub const TEMPLATE_BODY_MAX: usize = 51_200;

/// The most rule names one `StartConfigRulesEvaluation` call takes.
pub const START_EVALUATION_MAX: usize = 25;

/// Which template `rdk deploy` deploys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StackKind {
    /// Functions, roles, log groups and Config rules in this account (stack
    /// `<prefix>-rules`): `rdk create-rule-template`.
    Rules,
    /// The central account's functions for an organization (stack `<prefix>-functions`):
    /// `rdk create-rule-template --organization --functions-only`.
    FunctionsOnly,
    /// One account's Config rules calling a central account's functions (stack
    /// `<prefix>-rules`): `rdk create-rule-template --rules-only`. Nothing to build.
    RulesOnly,
}

impl StackKind {
    /// The stack's name.
    pub fn stack_name(self, prefix: &str) -> String {
        match self {
            StackKind::FunctionsOnly => format!("{prefix}-functions"),
            StackKind::Rules | StackKind::RulesOnly => stack_name(prefix),
        }
    }

    /// Whether the template holds functions (so packages are built and uploaded).
    pub fn has_functions(self) -> bool {
        self != StackKind::RulesOnly
    }

    /// The template for `rules`, each function naming its package.
    pub fn template(
        self,
        rules: &[&'static dyn Rule],
        packages: &[package::Package],
        prefix: &str,
    ) -> Result<Value, CliError> {
        let mut template = match self {
            StackKind::Rules => crate::template::rules_template(rules).map_err(CliError::input)?,
            StackKind::FunctionsOnly => {
                crate::template::organization::functions_template(rules).map_err(CliError::input)?
            }
            StackKind::RulesOnly => crate::template::organization::rules_only_template(rules)
                .map_err(CliError::input)?,
        };
        name_packages(&mut template, packages, prefix);
        Ok(template)
    }
}

/// What `rdk deploy` deploys, and where.
pub struct DeployOptions {
    /// The rules.
    pub rules: Vec<&'static dyn Rule>,
    /// The region (default: the environment's).
    pub region: Option<String>,
    /// A named profile.
    pub profile: Option<String>,
    /// Stack `<prefix>-rules`; functions and roles named `<prefix>-<rule>`.
    pub stack_prefix: String,
    /// Which stack: the rules with their functions, or one half of an organization.
    pub kind: StackKind,
    /// The bucket for packages (and the template, when it is over 51,200 bytes); not
    /// needed for [`StackKind::RulesOnly`] with a template under 51,200 bytes.
    pub code_bucket: Option<String>,
    /// Values of the template's own parameters (`MemberAccountIds`,
    /// `FunctionArnPrefix`, `LogRetentionDays`, ...).
    pub parameter_overrides: BTreeMap<String, String>,
    /// The key prefix in the bucket.
    pub code_key_prefix: String,
    /// Prefix of the Config rule names.
    pub rule_name_prefix: String,
    /// Rule parameters: `{"rule": {"param": "value"}}`.
    pub parameters: Map<String, Value>,
    /// Packages built elsewhere (none: build them).
    pub packages: Option<PathBuf>,
    /// The permissions boundary of every function role.
    pub permissions_boundary: Option<String>,
    /// Show the change set and the cost, deploy nothing.
    pub dry_run: bool,
}

/// The change set `rdk deploy` made.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeSetReport {
    /// Whether it was executed (false on a dry run).
    pub executed: bool,
    /// What it adds, modifies and removes.
    pub changes: Vec<stack::Change>,
}

/// What `rdk deploy` did.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployReport {
    /// The stack.
    pub stack: String,
    /// `create`, `update` or `none`.
    pub stack_action: String,
    /// True for `--dry-run`.
    pub dry_run: bool,
    /// Functions built by this run (none with `--packages`, or when all were up to date).
    pub built: Vec<String>,
    /// Packages uploaded (on a dry run: that would be uploaded).
    pub uploaded: Vec<String>,
    /// Packages already in the bucket.
    pub unchanged: Vec<String>,
    /// Bytes uploaded.
    pub bytes_uploaded: u64,
    /// `TemplateBody`, or the template's S3 URL.
    pub template: String,
    /// The change set, when one was created with changes in it.
    pub change_set: Option<ChangeSetReport>,
    /// Deployed rules whose package or parameters changed.
    pub changed_rules: Vec<String>,
    /// Config rules asked to evaluate again (StartConfigRulesEvaluation).
    pub evaluations_started: Vec<String>,
    /// Config rules AWS Config refused to start (the warnings say why); the command
    /// exits 1 when there is one.
    pub evaluations_not_started: Vec<String>,
    /// Rules not deployed because a required parameter is empty, with the parameter.
    pub not_deployed: Vec<String>,
    /// Things to know that did not stop the deploy.
    pub warnings: Vec<String>,
    /// The monthly cost estimate (dry run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<crate::cost::CostReport>,
}

impl DeployReport {
    /// The report for people.
    pub fn text(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let verb = if self.dry_run {
            "would upload"
        } else {
            "uploaded"
        };
        let _ = writeln!(
            s,
            "{}: packages: {} built, {} {verb} ({:.1} MiB), {} unchanged",
            self.stack,
            self.built.len(),
            self.uploaded.len(),
            self.bytes_uploaded as f64 / (1024.0 * 1024.0),
            self.unchanged.len()
        );
        match &self.change_set {
            None => {
                let _ = writeln!(s, "stack: no changes (nothing to deploy)");
            }
            Some(cs) => {
                let count = |a: &str| cs.changes.iter().filter(|c| c.action == a).count();
                let _ = writeln!(
                    s,
                    "stack: {} ({} to add, {} to modify, {} to remove){}",
                    self.stack_action,
                    count("Add"),
                    count("Modify"),
                    count("Remove"),
                    if cs.executed {
                        ""
                    } else {
                        ": dry run, not executed"
                    }
                );
                for c in &cs.changes {
                    let _ = writeln!(
                        s,
                        "  {:<7} {:<44} {}{}",
                        c.action,
                        c.logical_id,
                        c.resource_type,
                        c.replacement
                            .as_deref()
                            .filter(|r| *r == "True")
                            .map(|_| "  (replaced)")
                            .unwrap_or_default()
                    );
                }
            }
        }
        if !self.changed_rules.is_empty() {
            let _ = writeln!(s, "changed rules: {}", self.changed_rules.join(", "));
        }
        if !self.evaluations_started.is_empty() {
            let _ = writeln!(
                s,
                "evaluations started (StartConfigRulesEvaluation): {}",
                self.evaluations_started.join(", ")
            );
        }
        for n in &self.not_deployed {
            let _ = writeln!(s, "not deployed: {n}");
        }
        for w in &self.warnings {
            let _ = writeln!(s, "warning: {w}");
        }
        if let Some(c) = &self.cost {
            s.push('\n');
            s.push_str(&c.text());
        }
        s
    }
}

/// Stack prefixes: a letter, then letters, digits and hyphens; short enough for the
/// template's `NamePrefix` (20 characters with its hyphen).
pub fn check_stack_prefix(prefix: &str) -> Result<(), CliError> {
    let ok = prefix.len() <= 19
        && prefix
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(CliError::input(format!(
            "--stack-prefix {prefix:?}: give 1 to 19 letters, digits or hyphens starting with a letter (stacks are named <prefix>-rules, functions <prefix>-<rule>)"
        )))
    }
}

/// The rules stack's name.
pub fn stack_name(prefix: &str) -> String {
    format!("{prefix}-rules")
}

/// Per rule, its parameter values as text.
type RuleTexts = BTreeMap<&'static str, BTreeMap<&'static str, String>>;
/// Per rule, the required parameters left empty.
type RequiredLeftEmpty = BTreeMap<&'static str, Vec<&'static str>>;

/// The parameter values of each rule as text, checked against its spec: every name
/// must be one of its parameters, and when every required one is given the values must
/// parse. Returns the values by rule, and per rule the required parameters left empty.
fn rule_parameters(
    rules: &[&'static dyn Rule],
    given: &Map<String, Value>,
) -> Result<(RuleTexts, RequiredLeftEmpty), CliError> {
    let mut values = BTreeMap::new();
    let mut missing = BTreeMap::new();
    for rule in rules {
        let spec = rule.spec();
        let mine = given
            .get(spec.name)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut texts = BTreeMap::new();
        for (name, v) in &mine {
            let Some(p) = spec.parameters.iter().find(|p| p.name == name) else {
                let names: Vec<&str> = spec.parameters.iter().map(|p| p.name).collect();
                return Err(CliError::input(format!(
                    "--parameters-file: {} has no parameter `{name}`; its parameters are: {}",
                    spec.name,
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
                )));
            };
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null => continue,
                _ => {
                    return Err(CliError::input(format!(
                        "--parameters-file: {} parameter {name}: give it as text, like \"{}\" (AWS Config passes parameters as text)",
                        spec.name,
                        p.default.unwrap_or("value")
                    )))
                }
            };
            texts.insert(p.name, text);
        }
        let empty: Vec<&'static str> = spec
            .parameters
            .iter()
            .filter(|p| {
                p.required
                    && texts.get(p.name).is_none_or(|t| t.is_empty())
                    && p.default.unwrap_or("").is_empty()
            })
            .map(|p| p.name)
            .collect();
        if empty.is_empty() {
            // What the rule will receive: the given values, else the template defaults.
            let raw: Map<String, Value> = spec
                .parameters
                .iter()
                .filter_map(|p| {
                    let v = texts.get(p.name).map(String::as_str).or(p.default)?;
                    (!v.is_empty()).then(|| (p.name.to_string(), Value::String(v.to_string())))
                })
                .collect();
            rules_lib::params::Params::parse(spec.name, spec.parameters, &raw)
                .map_err(|e| CliError::input(format!("--parameters-file: {}: {e}", spec.name)))?;
        } else {
            missing.insert(spec.name, empty);
        }
        values.insert(spec.name, texts);
    }
    Ok((values, missing))
}

/// Every template parameter's value as the stack will have it: given, or the default.
fn effective_parameters(
    template: &Value,
    given: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(params) = template.get("Parameters").and_then(Value::as_object) {
        for (name, decl) in params {
            let value = given.get(name).cloned().or_else(|| {
                decl.get("Default").map(|d| match d {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
            });
            if let Some(v) = value {
                out.insert(name.clone(), v);
            }
        }
    }
    out
}

/// The S3 key a template gives a rule's function.
fn code_key<'a>(template: &'a Value, rule: &str) -> Option<&'a str> {
    template
        .pointer(&format!(
            "/Resources/{}Function/Properties/Code/S3Key",
            camel(rule)
        ))
        .and_then(Value::as_str)
}

/// Template parameters every rule of a template depends on (the organization halves):
/// a change to one is a change to every rule.
const SHARED_RULE_PARAMETERS: [&str; 2] = ["FunctionArnPrefix", "ExecutionRoleName"];

/// The catalog rules deployed both before and after whose package (`S3Key`) or
/// parameter values differ: the rules AWS Config should evaluate again. A rule only in
/// `after` is new (Config evaluates it when it is created); one whose required
/// parameter is empty after is not deployed. `before` without a template is a stack
/// whose template could not be read: every rule deployed after counts as changed.
pub fn changed_rules(
    before: (Option<&Value>, &BTreeMap<String, String>),
    after: (&Value, &BTreeMap<String, String>),
) -> Vec<String> {
    // What every rule of a template depends on besides its own function and parameters:
    // where the central functions are, and the member role they assume.
    let shared_changed = SHARED_RULE_PARAMETERS
        .iter()
        .any(|p| before.1.get(*p) != after.1.get(*p));
    let mut out = Vec::new();
    for rule in rules_lib::rules::catalog() {
        let spec = rule.spec();
        let c = camel(spec.name);
        let rule_in = |t: &Value| t.pointer(&format!("/Resources/{c}ConfigRule")).is_some();
        // A deployed template that could not be read: every rule counts as changed.
        if before.0.is_some_and(|t| !rule_in(t)) || !rule_in(after.0) {
            continue;
        }
        let value = |params: &BTreeMap<String, String>, p: &str| {
            params
                .get(&format!("{c}{}", camel(p)))
                .cloned()
                .unwrap_or_default()
        };
        let deployed_after = spec
            .parameters
            .iter()
            .filter(|p| p.required)
            .all(|p| !value(after.1, p.name).is_empty());
        if !deployed_after {
            continue;
        }
        let Some(before_template) = before.0 else {
            out.push(spec.name.to_string());
            continue;
        };
        let code_changed = code_key(before_template, spec.name) != code_key(after.0, spec.name);
        let params_changed = spec
            .parameters
            .iter()
            .any(|p| value(before.1, p.name) != value(after.1, p.name));
        if code_changed || params_changed || shared_changed {
            out.push(spec.name.to_string());
        }
    }
    out
}

/// A client config for S3: path-style addressing when an endpoint is set
/// (`AWS_ENDPOINT_URL[_S3]`, a local stand-in), virtual-hosted otherwise.
fn s3_client(sdk: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    let local = sdk.endpoint_url().is_some()
        || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some()
        || std::env::var_os("AWS_ENDPOINT_URL").is_some();
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(local)
            .build(),
    )
}

/// The packages: read from `dir`, or built in the checkout around the working directory.
/// Returns them and the rules built by this run.
pub fn collect_packages(
    dir: Option<&std::path::Path>,
    names: &[&'static str],
) -> Result<(Vec<package::Package>, Vec<&'static str>), CliError> {
    match dir {
        Some(dir) => Ok((package::from_dir(dir, names)?, Vec::new())),
        None => {
            let cwd = std::env::current_dir().unwrap_or_default();
            let root = package::workspace_root(&cwd).ok_or_else(|| {
                CliError::input(format!(
                    "{}: not inside a ferrule checkout, so rdk cannot build the functions; run it from the checkout, or pass --packages DIR with <rule>.zip packages built elsewhere",
                    cwd.display()
                ))
            })?;
            package::build(&root, names)
        }
    }
}

/// The rules template with each function's `S3Key` set to its package's content-hash
/// key, so only a function whose package changed is updated.
pub fn packaged_template(
    rules: &[&'static dyn Rule],
    packages: &[package::Package],
    prefix: &str,
) -> Result<Value, CliError> {
    StackKind::Rules.template(rules, packages, prefix)
}

/// Sets each function's `S3Key` to its package's content-hash key.
fn name_packages(template: &mut Value, packages: &[package::Package], prefix: &str) {
    for p in packages {
        if let Some(code) = template.pointer_mut(&format!(
            "/Resources/{}Function/Properties/Code",
            camel(p.rule)
        )) {
            code["S3Key"] = Value::String(p.key(prefix));
        }
    }
}

/// What [`upload_new`] found and did.
#[derive(Debug, Default)]
pub struct Uploads {
    /// Rules whose package was uploaded (or would be, on a dry run).
    pub uploaded: Vec<String>,
    /// Rules whose package was there already.
    pub unchanged: Vec<String>,
    /// Bytes uploaded.
    pub bytes: u64,
}

/// Uploads the packages the bucket does not hold yet (none on a dry run).
pub async fn upload_new(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    prefix: &str,
    packages: &[package::Package],
    dry_run: bool,
) -> Result<Uploads, CliError> {
    let mut out = Uploads::default();
    let mut to_upload = Vec::new();
    for p in packages {
        if upload::exists(s3, bucket, &p.key(prefix)).await? {
            out.unchanged.push(p.rule.to_string());
        } else {
            out.uploaded.push(p.rule.to_string());
            out.bytes += p.bytes.len() as u64;
            to_upload.push(p);
        }
    }
    if !dry_run && !to_upload.is_empty() {
        let bar = upload::progress(out.bytes, to_upload.len());
        for p in to_upload {
            upload::put(
                s3,
                bucket,
                &p.key(prefix),
                p.bytes.clone(),
                "application/zip",
            )
            .await?;
            bar.inc(p.bytes.len() as u64);
        }
        bar.finish_and_clear();
        eprintln!(
            "rdk: uploaded {} packages to s3://{bucket}/{prefix}",
            out.uploaded.len()
        );
    }
    Ok(out)
}

/// What [`start_evaluations`] achieved.
#[derive(Debug, Default)]
pub struct Started {
    /// Config rules whose evaluation started.
    pub started: Vec<String>,
    /// Config rules AWS Config would not start.
    pub not_started: Vec<String>,
    /// Why, with the fix.
    pub warnings: Vec<String>,
}

/// The wait between `StartConfigRulesEvaluation` calls: AWS Config refuses more than
/// one a minute (LimitExceededException), which the SDK's few quick retries do not
/// outlast.
pub const START_EVALUATION_INTERVAL: std::time::Duration = std::time::Duration::from_secs(61);

/// How often a call refused with LimitExceededException (one a minute, or an evaluation
/// of the rule still running) is tried, a minute apart.
const START_EVALUATION_ATTEMPTS: u32 = 5;

/// Asks AWS Config to evaluate these rules again, 25 a call and a minute apart, a call
/// refused with LimitExceededException tried again a minute later (five tries in all).
/// What is still refused is returned with the reason and the fix: the caller reports it
/// and fails.
pub async fn start_evaluations(
    config: &aws_sdk_config::Client,
    config_rule_names: &[String],
) -> Started {
    let mut out = Started::default();
    for (n, chunk) in config_rule_names.chunks(START_EVALUATION_MAX).enumerate() {
        if n > 0 {
            eprintln!(
                "rdk: waiting a minute before the next StartConfigRulesEvaluation (AWS Config takes one a minute)"
            );
            tokio::time::sleep(START_EVALUATION_INTERVAL).await;
        }
        let mut attempt = 1;
        loop {
            let sent = config
                .start_config_rules_evaluation()
                .set_config_rule_names(Some(chunk.to_vec()))
                .send()
                .await;
            let e = match sent {
                Ok(_) => {
                    out.started.extend(chunk.iter().cloned());
                    break;
                }
                Err(e) => e,
            };
            let code = e
                .as_service_error()
                .and_then(|s| aws_sdk_config::error::ProvideErrorMetadata::code(s))
                .unwrap_or("")
                .to_string();
            let detail = match e.as_service_error() {
                Some(s) => format!(
                    "{}: {}",
                    aws_sdk_config::error::ProvideErrorMetadata::code(s).unwrap_or("error"),
                    aws_sdk_config::error::ProvideErrorMetadata::message(s).unwrap_or("")
                ),
                None => stack::aws_smithy_error_chain(&e),
            };
            if code == "LimitExceededException" && attempt < START_EVALUATION_ATTEMPTS {
                eprintln!(
                    "rdk: AWS Config refused StartConfigRulesEvaluation ({detail}); trying again in a minute ({attempt}/{START_EVALUATION_ATTEMPTS})"
                );
                attempt += 1;
                tokio::time::sleep(START_EVALUATION_INTERVAL).await;
                continue;
            }
            out.not_started.extend(chunk.iter().cloned());
            out.warnings.push(format!(
                "StartConfigRulesEvaluation for {} failed ({detail}); their results stay as they are until the next change or period: run `aws configservice start-config-rules-evaluation --config-rule-names ...` (needs config:StartConfigRulesEvaluation)",
                chunk.join(", ")
            ));
            break;
        }
    }
    out
}

/// Deploys the rules. Progress goes to stderr; the report says what happened.
pub async fn deploy(opts: DeployOptions) -> Result<DeployReport, CliError> {
    check_stack_prefix(&opts.stack_prefix)?;
    if opts.rules.is_empty() {
        return Err(CliError::input(
            "no rules to deploy: choose them with --all, --rules or --rulesets",
        ));
    }
    let stack_name = opts.kind.stack_name(&opts.stack_prefix);
    let names: Vec<&'static str> = opts.rules.iter().map(|r| r.spec().name).collect();
    let (values, missing) = rule_parameters(&opts.rules, &opts.parameters)?;

    let bucket = match (&opts.code_bucket, opts.kind.has_functions()) {
        (Some(b), _) => Some(b.clone()),
        (None, false) => None,
        (None, true) => {
            return Err(CliError::input(
                "--code-bucket is required: an existing S3 bucket in the deploy region for the function packages (aws s3 mb s3://NAME)",
            ))
        }
    };
    // A template CloudFormation would refuse for its size stops here, before any build.
    opts.kind
        .template(&opts.rules, &[], &opts.code_key_prefix)?;
    // Packages first: a build error should not leave anything half-deployed.
    let (packages, built) = if opts.kind.has_functions() {
        collect_packages(opts.packages.as_deref(), &names)?
    } else {
        (Vec::new(), Vec::new())
    };

    let sdk = crate::commands::sdk_config(opts.region.clone(), opts.profile.clone()).await?;
    let region = sdk.region().map(|r| r.to_string()).ok_or_else(|| {
        CliError::input("no AWS region: pass --region or set AWS_REGION (or a profile's region)")
    })?;
    let s3 = s3_client(&sdk);
    let cfn = aws_sdk_cloudformation::Client::new(&sdk);
    if let Some(b) = &bucket {
        upload::check_bucket(&s3, b).await?;
    }

    // The template, with each function's package named by its hash.
    let template = opts
        .kind
        .template(&opts.rules, &packages, &opts.code_key_prefix)?;
    let mut given = BTreeMap::new();
    if let Some(b) = &bucket {
        given.insert("CodeBucket".to_string(), b.clone());
    }
    given.insert("CodeKeyPrefix".to_string(), opts.code_key_prefix.clone());
    given.insert("NamePrefix".to_string(), format!("{}-", opts.stack_prefix));
    given.insert("RuleNamePrefix".to_string(), opts.rule_name_prefix.clone());
    if let Some(b) = &opts.permissions_boundary {
        given.insert("PermissionsBoundary".to_string(), b.clone());
    }
    for rule in &opts.rules {
        let spec = rule.spec();
        for (p, v) in values.get(spec.name).into_iter().flatten() {
            given.insert(format!("{}{}", camel(spec.name), camel(p)), v.clone());
        }
    }
    let declared = |k: &str| template.pointer(&format!("/Parameters/{k}")).is_some();
    for (k, v) in &opts.parameter_overrides {
        if !declared(k) {
            let mut names: Vec<&String> = template
                .get("Parameters")
                .and_then(Value::as_object)
                .map(|m| m.keys().collect())
                .unwrap_or_default();
            names.sort();
            return Err(CliError::input(format!(
                "--parameter-overrides {k}={v}: the template of {stack_name} has no parameter {k}; its parameters are: {}",
                names.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", ")
            )));
        }
        given.insert(k.clone(), v.clone());
    }
    // Only the parameters this template declares (the organization halves have fewer).
    given.retain(|k, _| declared(k));
    let effective = effective_parameters(&template, &given);
    // Only what differs from a default is passed, so the stack's parameters read as the
    // deploy's choices.
    let passed: BTreeMap<String, String> = given
        .iter()
        .filter(|(k, v)| {
            template
                .pointer(&format!("/Parameters/{k}/Default"))
                .and_then(Value::as_str)
                != Some(v.as_str())
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();

    let deployed = stack::deployed(&cfn, &stack_name).await?;
    if let Some(d) = &deployed {
        if d.status == "ROLLBACK_COMPLETE" {
            return Err(CliError::input(format!(
                "stack {stack_name} is ROLLBACK_COMPLETE: its first deploy failed and it holds nothing; delete it (aws cloudformation delete-stack --stack-name {stack_name}) and deploy again"
            )));
        }
        if d.status.ends_with("_FAILED") {
            return Err(CliError::input(format!(
                "stack {stack_name} is {}: CloudFormation could not finish its last operation; see its events (aws cloudformation describe-stack-events --stack-name {stack_name}), then continue the rollback (aws cloudformation continue-update-rollback) or delete the stack, and deploy again",
                d.status
            )));
        }
        if d.status.ends_with("_IN_PROGRESS") && d.status != "REVIEW_IN_PROGRESS" {
            return Err(CliError::failed(format!(
                "stack {stack_name} is {}: another deploy is running; wait for it to finish and deploy again",
                d.status
            )));
        }
    }
    let creating = deployed
        .as_ref()
        .is_none_or(|d| d.status == "REVIEW_IN_PROGRESS");

    // Which deployed rules change: their package or a parameter.
    let changed_rules = match deployed.as_ref().filter(|_| !creating) {
        Some(d) => {
            let before = match &d.template {
                Some(t) => effective_parameters(t, &d.parameters),
                None => d.parameters.clone(),
            };
            changed_rules((d.template.as_ref(), &before), (&template, &effective))
        }
        None => Vec::new(),
    };

    // Packages not in the bucket yet.
    let mut report = DeployReport {
        stack: stack_name.clone(),
        stack_action: "none".into(),
        dry_run: opts.dry_run,
        built: built.iter().map(|s| s.to_string()).collect(),
        uploaded: Vec::new(),
        unchanged: Vec::new(),
        bytes_uploaded: 0,
        template: "TemplateBody".into(),
        change_set: None,
        changed_rules,
        evaluations_started: Vec::new(),
        evaluations_not_started: Vec::new(),
        not_deployed: missing
            .iter()
            .map(|(r, ps)| {
                format!(
                    "{r}: its required parameter {} is empty; give it in --parameters-file",
                    ps.join(", ")
                )
            })
            .collect(),
        warnings: Vec::new(),
        cost: None,
    };
    let uploads = match &bucket {
        Some(b) => upload_new(&s3, b, &opts.code_key_prefix, &packages, opts.dry_run).await?,
        None => Uploads::default(),
    };
    report.uploaded = uploads.uploaded;
    report.unchanged = uploads.unchanged;
    report.bytes_uploaded = uploads.bytes;

    // Nothing to do when the stack already has this template and these parameters.
    let unchanged_stack = deployed.as_ref().is_some_and(|d| {
        d.template.as_ref() == Some(&template)
            && effective_parameters(&template, &d.parameters) == effective
    });
    if !unchanged_stack {
        let body = serde_json::to_string(&template).map_err(|e| CliError::failed(e.to_string()))?;
        let source = if body.len() <= TEMPLATE_BODY_MAX {
            stack::TemplateSource::Body(body)
        } else if let Some(code_bucket) = &bucket {
            let key = format!(
                "{}templates/{}.json",
                opts.code_key_prefix,
                package::sha256_hex(body.as_bytes())
            );
            if !upload::exists(&s3, code_bucket, &key).await? {
                upload::put(
                    &s3,
                    code_bucket,
                    &key,
                    body.into_bytes(),
                    "application/json",
                )
                .await?;
            }
            let url = format!(
                "https://{code_bucket}.s3.{region}.{}/{key}",
                if region.starts_with("cn-") {
                    "amazonaws.com.cn"
                } else {
                    "amazonaws.com"
                }
            );
            report.template = url.clone();
            stack::TemplateSource::Url(url)
        } else {
            return Err(CliError::input(format!(
                "the template of {stack_name} is {} bytes, over CloudFormation's {TEMPLATE_BODY_MAX} for a template body; pass --code-bucket to send it through S3",
                body.len()
            )));
        };
        eprintln!("rdk: creating a change set for {stack_name}");
        match stack::create_change_set(&cfn, &stack_name, creating, &source, &passed).await? {
            stack::Computed::Nothing => {}
            stack::Computed::Changes(id, changes) => {
                report.stack_action = if creating { "create" } else { "update" }.into();
                if opts.dry_run {
                    stack::delete_change_set(&cfn, &stack_name, &id).await?;
                    if creating {
                        stack::delete_review_stack(&cfn, &stack_name).await?;
                    }
                    report.change_set = Some(ChangeSetReport {
                        executed: false,
                        changes,
                    });
                } else {
                    eprintln!("rdk: executing {} changes on {stack_name}", changes.len());
                    stack::execute(&cfn, &stack_name, &id).await?;
                    report.change_set = Some(ChangeSetReport {
                        executed: true,
                        changes,
                    });
                }
            }
        }
    }

    if opts.dry_run {
        match crate::cost::count_live(&opts.rules, opts.region.clone(), opts.profile.clone()).await
        {
            Ok(mut inputs) => {
                inputs.changes_per_day = 1.0;
                report.cost = Some(crate::cost::estimate(
                    &opts.rules,
                    inputs,
                    crate::cost::PRICES,
                ));
            }
            Err(e) => report
                .warnings
                .push(format!("no cost estimate: {}", e.message)),
        }
        return Ok(report);
    }

    // Evaluate again what changed, when the change was deployed.
    if report.change_set.as_ref().is_some_and(|c| c.executed) && !report.changed_rules.is_empty() {
        let config = aws_sdk_config::Client::new(&sdk);
        // The rule names as deployed: the effective prefix (an override included).
        let prefix = effective.get("RuleNamePrefix").cloned().unwrap_or_default();
        let config_names: Vec<String> = report
            .changed_rules
            .iter()
            .map(|r| format!("{prefix}{r}"))
            .collect();
        let outcome = start_evaluations(&config, &config_names).await;
        report.evaluations_started = outcome.started;
        report.evaluations_not_started = outcome.not_started;
        report.warnings.extend(outcome.warnings);
    }
    Ok(report)
}

/// What `rdk undeploy` removes.
#[derive(Debug)]
pub struct UndeployOptions {
    /// Stack `<prefix>-rules`.
    pub stack_prefix: String,
    /// The region.
    pub region: Option<String>,
    /// A named profile.
    pub profile: Option<String>,
}

/// What is in the stack `rdk undeploy` would remove: its Config rules (None: no stack).
pub async fn undeploy_plan(opts: &UndeployOptions) -> Result<Option<Vec<String>>, CliError> {
    check_stack_prefix(&opts.stack_prefix)?;
    let sdk = crate::commands::sdk_config(opts.region.clone(), opts.profile.clone()).await?;
    let cfn = aws_sdk_cloudformation::Client::new(&sdk);
    let Some(d) = stack::deployed(&cfn, &stack_name(&opts.stack_prefix)).await? else {
        return Ok(None);
    };
    let rules = d
        .template
        .as_ref()
        .and_then(|t| t.get("Resources"))
        .and_then(Value::as_object)
        .map(|r| {
            r.iter()
                .filter(|(_, v)| {
                    v.get("Type").and_then(Value::as_str) == Some("AWS::Config::ConfigRule")
                })
                .map(|(k, _)| {
                    // The logical ID is the rule's name in CamelCase.
                    let c = k.trim_end_matches("ConfigRule");
                    rules_lib::rules::catalog()
                        .iter()
                        .map(|r| r.spec().name)
                        .find(|n| camel(n) == c)
                        .map_or_else(|| c.to_string(), str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Some(rules))
}

/// Deletes the rules stack and waits until it is gone.
pub async fn undeploy(opts: &UndeployOptions) -> Result<(), CliError> {
    let sdk = crate::commands::sdk_config(opts.region.clone(), opts.profile.clone()).await?;
    let cfn = aws_sdk_cloudformation::Client::new(&sdk);
    stack::delete(&cfn, &stack_name(&opts.stack_prefix)).await
}

/// What `rdk package` packages, and where it puts the packages.
pub struct PackageOptions {
    /// The rules.
    pub rules: Vec<&'static dyn Rule>,
    /// The region (default: the environment's).
    pub region: Option<String>,
    /// A named profile.
    pub profile: Option<String>,
    /// The bucket for the packages.
    pub code_bucket: String,
    /// The key prefix in the bucket.
    pub code_key_prefix: String,
    /// Packages built elsewhere (none: build them).
    pub packages: Option<PathBuf>,
    /// Where to write the packaged template (JSON).
    pub output_template: PathBuf,
}

/// What `rdk package` did.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageReport {
    /// Functions built by this run.
    pub built: Vec<String>,
    /// Packages uploaded.
    pub uploaded: Vec<String>,
    /// Packages already in the bucket.
    pub unchanged: Vec<String>,
    /// Bytes uploaded.
    pub bytes_uploaded: u64,
    /// The template written.
    pub template: String,
}

/// Builds (or takes) the packages, uploads the new ones, and writes the rules template
/// naming them: `aws cloudformation package` for ferrule rules, which the pipeline's
/// CloudFormation action then deploys.
pub async fn package(opts: PackageOptions) -> Result<PackageReport, CliError> {
    if opts.rules.is_empty() {
        return Err(CliError::input(
            "no rules to package: choose them with --all, --rules or --rulesets",
        ));
    }
    let names: Vec<&'static str> = opts.rules.iter().map(|r| r.spec().name).collect();
    // A template CloudFormation would refuse for its size stops here, before any build.
    packaged_template(&opts.rules, &[], &opts.code_key_prefix)?;
    let (packages, built) = collect_packages(opts.packages.as_deref(), &names)?;
    let sdk = crate::commands::sdk_config(opts.region.clone(), opts.profile.clone()).await?;
    let s3 = s3_client(&sdk);
    upload::check_bucket(&s3, &opts.code_bucket).await?;
    let uploads = upload_new(
        &s3,
        &opts.code_bucket,
        &opts.code_key_prefix,
        &packages,
        false,
    )
    .await?;
    let template = packaged_template(&opts.rules, &packages, &opts.code_key_prefix)?;
    // Compact: the whole catalog is about half of CloudFormation's 1 MB limit this way,
    // near it pretty-printed.
    let text =
        serde_json::to_string(&template).map_err(|e| CliError::failed(e.to_string()))? + "\n";
    crate::commands::write_atomically(&opts.output_template, text.as_bytes())
        .map_err(CliError::failed)?;
    Ok(PackageReport {
        built: built.iter().map(|s| s.to_string()).collect(),
        uploaded: uploads.uploaded,
        unchanged: uploads.unchanged,
        bytes_uploaded: uploads.bytes,
        template: opts.output_template.display().to_string(),
    })
}

/// A deployed rules stack as `rdk reevaluate --save` records it: its template and its
/// parameter values (both absent when there was no stack).
#[derive(Debug, Default, Serialize, serde::Deserialize)]
pub struct StackState {
    /// Whether the stack existed.
    #[serde(default)]
    pub exists: bool,
    /// The template, if the stack existed and its template could be read.
    pub template: Option<Value>,
    /// The parameter values.
    pub parameters: BTreeMap<String, String>,
}

/// Reads the stack's template and parameters (an empty state when it does not exist).
pub async fn stack_state(
    stack: &str,
    region: Option<String>,
    profile: Option<String>,
) -> Result<StackState, CliError> {
    let sdk = crate::commands::sdk_config(region, profile).await?;
    let cfn = aws_sdk_cloudformation::Client::new(&sdk);
    Ok(match stack::deployed(&cfn, stack).await? {
        Some(d) => StackState {
            exists: d.status != "REVIEW_IN_PROGRESS",
            template: d.template,
            parameters: d.parameters,
        },
        None => StackState::default(),
    })
}

/// What `rdk reevaluate` did.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReevaluateReport {
    /// Rules whose package or parameters changed between the two states.
    pub changed_rules: Vec<String>,
    /// Config rules asked to evaluate again.
    pub evaluations_started: Vec<String>,
    /// Config rules AWS Config refused to start (the command exits 1).
    pub evaluations_not_started: Vec<String>,
    /// Refused calls, and a template that could not be read.
    pub warnings: Vec<String>,
}

/// Starts evaluations of the rules whose package or parameters differ between `before`
/// (recorded before a deploy) and the stack as it is now.
pub async fn reevaluate(
    stack: &str,
    before: &StackState,
    region: Option<String>,
    profile: Option<String>,
) -> Result<ReevaluateReport, CliError> {
    let now = stack_state(stack, region.clone(), profile.clone()).await?;
    let mut report = ReevaluateReport {
        changed_rules: Vec::new(),
        evaluations_started: Vec::new(),
        evaluations_not_started: Vec::new(),
        warnings: Vec::new(),
    };
    // A stack created by this deploy: AWS Config evaluates new rules by itself.
    let Some(new) = now.template.as_ref().filter(|_| before.exists) else {
        if now.exists && now.template.is_none() {
            report.warnings.push(format!(
                "{stack}: its template could not be read (JSON, or YAML without short-form tags), so no rule is known to have changed"
            ));
        }
        return Ok(report);
    };
    let old_params = match &before.template {
        Some(t) => effective_parameters(t, &before.parameters),
        None => before.parameters.clone(),
    };
    let new_params = effective_parameters(new, &now.parameters);
    report.changed_rules =
        changed_rules((before.template.as_ref(), &old_params), (new, &new_params));
    let prefix = new_params
        .get("RuleNamePrefix")
        .cloned()
        .unwrap_or_default();
    let names: Vec<String> = report
        .changed_rules
        .iter()
        .map(|r| format!("{prefix}{r}"))
        .collect();
    if !names.is_empty() {
        let sdk = crate::commands::sdk_config(region, profile).await?;
        let outcome = start_evaluations(&aws_sdk_config::Client::new(&sdk), &names).await;
        report.evaluations_started = outcome.started;
        report.evaluations_not_started = outcome.not_started;
        report.warnings = outcome.warnings;
    }
    Ok(report)
}
