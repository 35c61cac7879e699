//! `rdk create-conformance-pack`: a conformance pack template of ferrule rules (custom
//! Lambda rules calling the deployed functions) and AWS managed rules, for
//! `PutConformancePack` or, with `--organization`, `PutOrganizationConformancePack`.
//!
//! What the pack format allows, and what this writes within it:
//! - resources of type `AWS::Config::ConfigRule` (and `RemediationConfiguration`) only:
//!   no functions, roles or permissions, so the functions are deployed first (the
//!   rules template, or the central account's functions for an organization);
//! - at most 60 template parameters: rule parameters are written as values from the
//!   parameters file, and the one template parameter is `FunctionArnPrefix` (the
//!   deployed functions' ARN up to the rule name, e.g.
//!   `arn:aws:lambda:us-east-1:111122223333:function:ferrule-`);
//! - a template body of at most 51,200 bytes for `TemplateBody` (300 KB through
//!   `TemplateS3Uri`): the size is checked and named;
//! - no `Outputs`.
//!
//! A ferrule rule with a required parameter not given in the parameters file cannot be
//! deployed (Config would refuse it as it refuses a managed rule without its parameter):
//! it is left out and named, with the parameter to add; `rdk create-conformance-pack`
//! refuses the pack when the rule was asked for by name.

use serde_json::{json, Map, Value};

use rules_lib::Rule;

/// The largest template `PutConformancePack` takes as `TemplateBody`.
pub const MAX_TEMPLATE_BODY: usize = 51_200;
/// The largest template it takes through `TemplateS3Uri`.
pub const MAX_TEMPLATE_S3: usize = 300 * 1024;
/// The most parameters a conformance pack takes.
pub const MAX_PARAMETERS: usize = 60;

/// An AWS managed rule to add: `IDENTIFIER` (e.g. `IAM_PASSWORD_POLICY`), named after
/// it in kebab case, with its InputParameters.
#[derive(Debug, Clone, PartialEq)]
pub struct ManagedRule {
    /// The managed rule's identifier.
    pub identifier: String,
    /// InputParameters, as text values.
    pub parameters: Map<String, Value>,
}

impl ManagedRule {
    /// The rule name: the identifier in lower kebab case (`iam-password-policy`).
    pub fn name(&self) -> String {
        self.identifier.to_ascii_lowercase().replace('_', "-")
    }
}

/// A rule left out of the pack: its name, and what to add.
#[derive(Debug, Clone, PartialEq)]
pub struct LeftOut {
    /// The rule.
    pub rule: &'static str,
    /// Why, and the fix.
    pub reason: String,
}

/// The pack template, and the rules left out of it for a missing required parameter.
pub fn pack_template(
    rules: &[&'static dyn Rule],
    managed: &[ManagedRule],
    parameters: &Map<String, Value>,
    organization: bool,
) -> Result<(Value, Vec<LeftOut>), String> {
    let mut resources = Map::new();
    let mut left_out = Vec::new();
    'rules: for rule in rules {
        let spec = rule.spec();
        let given = parameters.get(spec.name).and_then(Value::as_object);
        let mut input = Map::new();
        for p in spec.parameters {
            match given.and_then(|g| g.get(p.name)) {
                Some(Value::String(v)) if !v.is_empty() => {
                    input.insert(p.name.to_string(), json!(v));
                }
                Some(other) if !other.is_null() && !other.is_string() => {
                    return Err(format!(
                        "{} parameter {}: give it as text, like \"{}\" (AWS Config passes parameters as text)",
                        spec.name,
                        p.name,
                        other
                    ));
                }
                _ if p.required => {
                    left_out.push(LeftOut {
                        rule: spec.name,
                        reason: format!(
                            "needs its parameter {} ({}); add it to --parameters-file, e.g. {{\"{}\": {{\"{}\": \"{}\"}}}}",
                            p.name,
                            p.description,
                            spec.name,
                            p.name,
                            p.kind.example()
                        ),
                    });
                    continue 'rules;
                }
                _ => {}
            }
        }
        let props = crate::template::config_rule_properties(
            *rule,
            json!(spec.name),
            json!({"Fn::Sub": format!("${{FunctionArnPrefix}}{}", spec.name)}),
            input,
        );
        resources.insert(
            format!("{}ConfigRule", crate::template::camel(spec.name)),
            json!({"Type": "AWS::Config::ConfigRule", "Properties": props}),
        );
    }
    for m in managed {
        let id = format!("{}ConfigRule", crate::template::camel(&m.name()));
        if resources.contains_key(&id) {
            return Err(format!(
                "managed rule {} has the name of a ferrule rule in the pack; leave one of them out",
                m.identifier
            ));
        }
        let mut props = json!({
            "ConfigRuleName": m.name(),
            "Source": {"Owner": "AWS", "SourceIdentifier": m.identifier},
        });
        if !m.parameters.is_empty() {
            props["InputParameters"] = Value::Object(m.parameters.clone());
        }
        resources.insert(
            id,
            json!({"Type": "AWS::Config::ConfigRule", "Properties": props}),
        );
    }
    if resources.is_empty() {
        return Err(match left_out.first() {
            Some(l) => format!("no rule can go in the pack: {} {}", l.rule, l.reason),
            None => {
                "the pack has no rules: give --rules, --all, --rulesets or --managed-rules".into()
            }
        });
    }
    let mut params = Map::new();
    if resources
        .values()
        .any(|r| r["Properties"]["Source"]["Owner"] == "CUSTOM_LAMBDA")
    {
        params.insert(
            "FunctionArnPrefix".into(),
            json!({
                "Type": "String",
                "AllowedPattern": "^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]*$",
                "Description": if organization {
                    "ARN of the central account's ferrule functions up to the rule name (arn:aws:lambda:REGION:ACCOUNT:function:<NamePrefix>); their permissions must admit AWS Config from the member accounts"
                } else {
                    "ARN of the deployed ferrule functions up to the rule name (arn:aws:lambda:REGION:ACCOUNT:function:<NamePrefix>)"
                },
            }),
        );
    }
    let mut t = Map::new();
    t.insert(
        "Description".into(),
        json!(if organization {
            "ferrule conformance pack (PutOrganizationConformancePack). Generated by `rdk create-conformance-pack --organization`."
        } else {
            "ferrule conformance pack (PutConformancePack). Generated by `rdk create-conformance-pack`."
        }),
    );
    if !params.is_empty() {
        t.insert("Parameters".into(), Value::Object(params));
    }
    t.insert("Resources".into(), Value::Object(resources));
    Ok((Value::Object(t), left_out))
}

/// Reads `--managed-rules IDENTIFIER,...`: upper-case identifiers; parameters for them
/// come from the parameters file under the kebab-case name.
pub fn managed_rules(
    identifiers: &[String],
    parameters: &Map<String, Value>,
) -> Result<Vec<ManagedRule>, String> {
    let mut out = Vec::new();
    for id in identifiers {
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(format!(
                "--managed-rules `{id}`: give the managed rule's identifier, like IAM_PASSWORD_POLICY"
            ));
        }
        let mut m = ManagedRule {
            identifier: id.clone(),
            parameters: Map::new(),
        };
        if let Some(p) = parameters.get(&m.name()).and_then(Value::as_object) {
            m.parameters = p.clone();
        }
        out.push(m);
    }
    Ok(out)
}

/// Checks the written template against the pack's size limits: `Ok(Some(warning))` when
/// it is too large for `TemplateBody` but fits `TemplateS3Uri`.
pub fn check_size(yaml: &str) -> Result<Option<String>, String> {
    let n = yaml.len();
    if n > MAX_TEMPLATE_S3 {
        return Err(format!(
            "the pack template is {n} bytes, more than the {MAX_TEMPLATE_S3} bytes a conformance pack takes even from S3; split the rules over two packs (--rulesets)"
        ));
    }
    if n > MAX_TEMPLATE_BODY {
        return Ok(Some(format!(
            "the pack template is {n} bytes: too large for TemplateBody ({MAX_TEMPLATE_BODY} bytes); upload it to S3 and deploy it with TemplateS3Uri"
        )));
    }
    Ok(None)
}
