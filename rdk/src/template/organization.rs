//! Templates for an AWS Organization: one central account (the AWS Config delegated
//! administrator) runs the functions, every member account has an execution role they
//! assume, and the rules are organization Config rules (or, with `--rules-only`, plain
//! Config rules of one account calling the central functions).
//!
//! How the pieces fit the runtime ([`rules_lib::credentials::choose_role`]): every rule
//! these templates write passes the rule parameter `ExecutionRoleName`, so the function
//! assumes `arn:<partition>:iam::<the rule's account>:role/<ExecutionRoleName>` (the
//! account taken from the event's `executionRoleArn`), session `configLambdaExecution`,
//! and reads and reports (PutEvaluations) with those credentials. So:
//!
//! - [`functions_template`] (central account): per rule a function, its log group and a
//!   role (under the IAM path `FunctionRolePath`) that may write its own logs and call
//!   `sts:AssumeRole` on `arn:<partition>:iam::*:role/<ExecutionRoleName>` only, in
//!   accounts of the organization (`aws:ResourceOrgID`), and nothing else: every read
//!   happens as the member role. Each function's resource policy
//!   (`AWS::Lambda::ResourcePolicy`) admits `config.amazonaws.com` only for the accounts in
//!   `MemberAccountIds` (`aws:SourceAccount`, the key Lambda's `SourceAccount` writes and
//!   AWS Config's documentation asks for). Lambda's `PrincipalOrgID` is not usable here:
//!   it compares the organization of the calling IAM principal, and AWS Config calls as a
//!   service principal; one `AWS::Lambda::Permission` per account would put
//!   rules × accounts resources in one stack (CloudFormation allows 500), where one policy
//!   per function lists every account in one condition.
//! - [`member_role_template`] (every member account): the role named `ExecutionRoleName`,
//!   trusted only by roles under `FunctionRolePath` in `CentralAccountId`, allowed exactly
//!   the union of the selected rules' actions (each rule's declared permissions and what
//!   the engine calls for its kind and trigger, [`rules_lib::Rule::all_permissions`], the
//!   source the rules template uses too).
//! - [`member_role_stackset_template`]: that role deployed to every account of the given
//!   organizational units by a service-managed StackSet with automatic deployment, in one
//!   region (IAM is global).
//! - [`organization_rules_template`] (central account): one
//!   `AWS::Config::OrganizationConfigRule` per rule with `OrganizationCustomRuleMetadata`
//!   (function ARN, trigger types, InputParameters as JSON text, frequency, resource
//!   types scope) and `ExcludedAccounts`.
//! - [`rules_only_template`] (one member account, without organization rules): the rules
//!   template's Config rules calling the central functions, and no function or role.

use serde_json::{json, Map, Value};

use rules_lib::Rule;

use super::{
    camel, check_stack_quotas, config_rule_properties, function_conditions, function_parameters,
    function_resources, rule_inputs, skip, FunctionRole, RuleInputs,
};

/// The member role's default name (`ExecutionRoleName`).
pub const DEFAULT_EXECUTION_ROLE_NAME: &str = "ferrule-execution";
/// The IAM path of the central functions' roles, which member roles trust.
pub const DEFAULT_FUNCTION_ROLE_PATH: &str = "/ferrule/";
/// `OrganizationConfigRuleName`: at most 64 characters.
pub const MAX_ORGANIZATION_RULE_NAME: usize = 64;
/// `OrganizationCustomRuleMetadata.InputParameters`: at most 1,024 characters (the
/// CloudFormation resource schema; the API reference allows more, CloudFormation
/// enforces this).
pub const MAX_INPUT_PARAMETERS: usize = 1024;
/// `OrganizationCustomRuleMetadata.ResourceTypesScope`: at most 100 types.
pub const MAX_RESOURCE_TYPES_SCOPE: usize = 100;
/// `OrganizationCustomRuleMetadata.Description`: at most 256 characters.
pub const MAX_DESCRIPTION: usize = 256;
/// The pattern of an organization rule's parameter values: what can go into JSON text
/// as it is (no `"`, `\` or control character).
pub const JSON_SAFE_VALUE: &str = "^[^\"\\\\\\x00-\\x1f]*$";

fn execution_role_name_parameter() -> Value {
    json!({
        "Type": "String",
        "Default": DEFAULT_EXECUTION_ROLE_NAME,
        "AllowedPattern": "^[A-Za-z0-9+=,.@_-]{1,64}$",
        "Description": "Name of the execution role in every member account (member-role.yaml); the rules pass it as the rule parameter ExecutionRoleName, and the functions assume arn:<partition>:iam::<rule account>:role/<ExecutionRoleName>. The same value in every ferrule organization stack"
    })
}

fn function_role_path_parameter() -> Value {
    json!({
        "Type": "String",
        "Default": DEFAULT_FUNCTION_ROLE_PATH,
        "AllowedPattern": "^/([A-Za-z0-9+=,.@_-]+/)*$",
        "Description": "IAM path of the central functions' roles; member roles trust only roles under this path in the central account. The same value in the functions stack and the member role"
    })
}

fn function_arn_prefix_parameter() -> Value {
    json!({
        "Type": "String",
        "AllowedPattern": "^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]*$",
        "Description": "ARN of the central account's ferrule functions up to the rule name (the functions stack's FunctionArnPrefix output, arn:aws:lambda:REGION:ACCOUNT:function:<NamePrefix>)"
    })
}

fn no_value_unless(condition: &str, value: Value) -> Value {
    json!({"Fn::If": [condition, value, {"Ref": "AWS::NoValue"}]})
}

/// A template of `sections`, or why CloudFormation could not deploy it in one stack.
fn template(
    what: &str,
    description: &str,
    sections: Vec<(&str, Map<String, Value>)>,
) -> Result<Value, String> {
    let t = assemble(description, sections);
    check_stack_quotas(what, &t)?;
    Ok(t)
}

/// A template of `sections` (the empty ones left out).
fn assemble(description: &str, sections: Vec<(&str, Map<String, Value>)>) -> Value {
    let mut t = Map::new();
    t.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
    t.insert("Description".into(), json!(description));
    for (name, section) in sections {
        if !section.is_empty() {
            t.insert(name.into(), Value::Object(section));
        }
    }
    Value::Object(t)
}

/// The central account's functions: per rule its function, log group, role (logs and
/// `sts:AssumeRole` on the member role name only) and the resource policy admitting AWS
/// Config from the member accounts.
pub fn functions_template(rules: &[&dyn Rule]) -> Result<Value, String> {
    let mut parameters: Map<String, Value> = function_parameters().into_iter().collect();
    let mut conditions: Map<String, Value> = function_conditions().into_iter().collect();
    let mut resources = Map::new();
    let mut outputs = Map::new();
    parameters.insert("ExecutionRoleName".into(), execution_role_name_parameter());
    parameters.insert("FunctionRolePath".into(), function_role_path_parameter());
    parameters.insert(
        "OrganizationId".into(),
        json!({
            "Type": "String",
            "AllowedPattern": "^o-[a-z0-9]{10,32}$",
            "Description": "The organization's id (aws organizations describe-organization): the functions may assume roles only in its accounts"
        }),
    );
    parameters.insert(
        "MemberAccountIds".into(),
        json!({
            "Type": "CommaDelimitedList",
            "Description": "Every account whose AWS Config rules may invoke the functions (12-digit ids, comma-separated; the central account too when rules run there). Lambda keeps at most 20 KB of resource policy per function, room for about 1,000 ids"
        }),
    );
    conditions.insert(
        "HasMemberAccounts".into(),
        json!({"Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "MemberAccountIds"}]}, ""]}]}),
    );
    for rule in rules {
        let spec = rule.spec();
        let c = camel(spec.name);
        let function_arn = json!({"Fn::GetAtt": [format!("{c}Function"), "Arn"]});
        let role = FunctionRole {
            statements: vec![
                json!({"Sid": "WriteOwnLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": {"Fn::GetAtt": [format!("{c}LogGroup"), "Arn"]}}),
                json!({
                    "Sid": "AssumeTheMemberRole",
                    "Effect": "Allow",
                    "Action": ["sts:AssumeRole"],
                    "Resource": {"Fn::Sub": "arn:${AWS::Partition}:iam::*:role/${ExecutionRoleName}"},
                    "Condition": {"StringEquals": {"aws:ResourceOrgID": {"Ref": "OrganizationId"}}}
                }),
            ],
            path: Some(json!({"Ref": "FunctionRolePath"})),
            skips: Vec::new(),
        };
        let mut res = function_resources(*rule, role);
        res.push((
            format!("{c}InvokePolicy"),
            json!({
                "Type": "AWS::Lambda::ResourcePolicy",
                "Condition": "HasMemberAccounts",
                "Properties": {
                    "ResourceArn": function_arn,
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{
                            "Sid": "ConfigRulesOfTheMemberAccounts",
                            "Effect": "Allow",
                            "Principal": {"Service": "config.amazonaws.com"},
                            "Action": "lambda:InvokeFunction",
                            "Resource": function_arn,
                            "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "MemberAccountIds"}}}
                        }]
                    }
                }
            }),
        ));
        resources.extend(res);
    }
    outputs.insert(
        "FunctionArnPrefix".into(),
        json!({
            "Description": "The functions' ARN up to the rule name: the FunctionArnPrefix of the organization rules template (and of --rules-only and conformance packs)",
            "Value": {"Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${NamePrefix}"}
        }),
    );
    outputs.insert(
        "CentralAccountId".into(),
        json!({"Description": "The member role template's CentralAccountId", "Value": {"Ref": "AWS::AccountId"}}),
    );
    template(
        "organization functions",
        "ferrule: the central account's rule functions for an AWS Organization (the member accounts' Config rules invoke them; they assume ExecutionRoleName in the rule's account). Generated by `rdk create-rule-template --organization --functions-only`; do not edit by hand.",
        vec![
            ("Parameters", parameters),
            ("Conditions", conditions),
            ("Resources", resources),
            ("Outputs", outputs),
        ],
    )
}

/// The union of the actions `rules` need, sorted: what the member role grants.
pub fn member_permissions(rules: &[&dyn Rule]) -> Vec<&'static str> {
    let mut all: Vec<&'static str> = rules.iter().flat_map(|r| r.all_permissions()).collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// The member account's execution role: named `ExecutionRoleName`, trusted only by the
/// central functions' roles, allowed exactly [`member_permissions`].
pub fn member_role_template(rules: &[&dyn Rule]) -> Value {
    let mut parameters = Map::new();
    parameters.insert(
        "CentralAccountId".into(),
        json!({
            "Type": "String",
            "AllowedPattern": "^[0-9]{12}$",
            "Description": "The account that runs the ferrule functions (the functions stack's CentralAccountId output)"
        }),
    );
    parameters.insert("FunctionRolePath".into(), function_role_path_parameter());
    parameters.insert("ExecutionRoleName".into(), execution_role_name_parameter());
    let mut resources = Map::new();
    resources.insert(
        "ExecutionRole".into(),
        json!({
            "Type": "AWS::IAM::Role",
            "Metadata": {"checkov": {"skip": [skip("CKV_AWS_111", "config:PutEvaluations and the Config/IAM read actions support no resource-level permissions; the actions are exactly the union of the rules' own")]}},
            "Properties": {
                "RoleName": {"Ref": "ExecutionRoleName"},
                "Description": "ferrule: the central account's rule functions read this account and report to AWS Config with this role",
                "MaxSessionDuration": 3600,
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Sid": "OnlyTheCentralRuleFunctions",
                        "Effect": "Allow",
                        "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${CentralAccountId}:root"}},
                        "Action": "sts:AssumeRole",
                        "Condition": {"ArnLike": {"aws:PrincipalArn": {"Fn::Sub": "arn:${AWS::Partition}:iam::${CentralAccountId}:role${FunctionRolePath}*"}}}
                    }]
                },
                "Policies": [{
                    "PolicyName": "rules",
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{"Sid": "RuleReadsAndEvaluations", "Effect": "Allow", "Action": member_permissions(rules), "Resource": "*"}]
                    }
                }]
            }
        }),
    );
    let mut outputs = Map::new();
    outputs.insert(
        "ExecutionRoleArn".into(),
        json!({"Description": "The role the central functions assume in this account", "Value": {"Fn::GetAtt": ["ExecutionRole", "Arn"]}}),
    );
    assemble(
        "ferrule: the execution role of a member account, assumed by the central account's rule functions. Generated by `rdk create-rule-template --member-role`; do not edit by hand.",
        vec![
            ("Parameters", parameters),
            ("Resources", resources),
            ("Outputs", outputs),
        ],
    )
}

/// A service-managed StackSet (automatic deployment) that deploys
/// [`member_role_template`] to every account of the given organizational units, in one
/// region (IAM roles are global).
pub fn member_role_stackset_template(rules: &[&dyn Rule]) -> Value {
    let body = super::to_yaml(&member_role_template(rules));
    let mut parameters = Map::new();
    parameters.insert(
        "OrganizationalUnitIds".into(),
        json!({
            "Type": "CommaDelimitedList",
            "Description": "Organizational units (ou-... or the root r-...) whose accounts get the role, now and when they join"
        }),
    );
    parameters.insert(
        "RoleRegion".into(),
        json!({
            "Type": "String",
            "Default": "us-east-1",
            "AllowedPattern": "^[a-z]{2}(-[a-z]+)+-[0-9]$",
            "Description": "The one region the role's stack instances go to (an IAM role is global: one region gives every region the role)"
        }),
    );
    parameters.insert(
        "CentralAccountId".into(),
        json!({"Type": "String", "AllowedPattern": "^[0-9]{12}$", "Description": "The account that runs the ferrule functions"}),
    );
    parameters.insert("FunctionRolePath".into(), function_role_path_parameter());
    parameters.insert("ExecutionRoleName".into(), execution_role_name_parameter());
    parameters.insert(
        "CallAs".into(),
        json!({
            "Type": "String",
            "Default": "SELF",
            "AllowedValues": ["SELF", "DELEGATED_ADMIN"],
            "Description": "SELF in the management account; DELEGATED_ADMIN in an account registered as CloudFormation StackSets delegated administrator"
        }),
    );
    let stack_parameters: Vec<Value> =
        ["CentralAccountId", "FunctionRolePath", "ExecutionRoleName"]
            .iter()
            .map(|p| json!({"ParameterKey": p, "ParameterValue": {"Ref": p}}))
            .collect();
    let mut resources = Map::new();
    resources.insert(
        "MemberRoleStackSet".into(),
        json!({
            "Type": "AWS::CloudFormation::StackSet",
            "Properties": {
                "StackSetName": {"Fn::Sub": "${AWS::StackName}"},
                "Description": "ferrule execution role in every member account",
                "PermissionModel": "SERVICE_MANAGED",
                "AutoDeployment": {"Enabled": true, "RetainStacksOnAccountRemoval": false},
                "CallAs": {"Ref": "CallAs"},
                "Capabilities": ["CAPABILITY_NAMED_IAM"],
                "ManagedExecution": {"Active": true},
                "OperationPreferences": {"FailureTolerancePercentage": 10, "MaxConcurrentPercentage": 25, "RegionConcurrencyType": "PARALLEL"},
                "Parameters": stack_parameters,
                "StackInstancesGroup": [{
                    "DeploymentTargets": {"OrganizationalUnitIds": {"Ref": "OrganizationalUnitIds"}},
                    "Regions": [{"Ref": "RoleRegion"}]
                }],
                "TemplateBody": body
            }
        }),
    );
    assemble(
        "ferrule: the member accounts' execution role, deployed to every account of the organizational units by a service-managed StackSet (new accounts get it when they join). Generated by `rdk create-rule-template --member-role-stackset`; do not edit by hand.",
        vec![("Parameters", parameters), ("Resources", resources)],
    )
}

/// A rule's inputs with its parameters restricted so that their values can go into
/// JSON text as they are (no `"`, `\` or control character) within `max_len`.
fn json_safe_inputs(rule: &dyn Rule, max_len: usize) -> RuleInputs {
    let mut inputs = rule_inputs(rule);
    for (_, decl) in &mut inputs.parameters {
        if decl.get("AllowedValues").is_none() {
            decl["AllowedPattern"] = json!(JSON_SAFE_VALUE);
        }
        decl["MaxLength"] = json!(max_len);
    }
    inputs
}

/// What the rule's `AWS::Config::ConfigRule` would subscribe to, read from
/// [`config_rule_properties`] (the one place triggers and scope are decided): the
/// message types, the frequency and the resource types scope.
fn triggers(rule: &dyn Rule) -> (Vec<Value>, Option<Value>, Option<Value>) {
    let props = config_rule_properties(rule, Value::Null, Value::Null, Map::new());
    let details = props["Source"]["SourceDetails"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let types = details.iter().map(|d| d["MessageType"].clone()).collect();
    let frequency = details
        .iter()
        .find_map(|d| d.get("MaximumExecutionFrequency").filter(|f| !f.is_null()))
        .cloned();
    let scope = props
        .get("Scope")
        .map(|s| s["ComplianceResourceTypes"].clone());
    (types, frequency, scope)
}

/// One `AWS::Config::OrganizationConfigRule` per rule, calling the central functions
/// (`FunctionArnPrefix`) with `ExecutionRoleName` and the rule's parameters.
pub fn organization_rules_template(rules: &[&dyn Rule]) -> Result<Value, String> {
    let longest = rules.iter().map(|r| r.spec().name.len()).max().unwrap_or(0);
    if longest > MAX_ORGANIZATION_RULE_NAME {
        return Err(format!(
            "a rule name has {longest} characters; an organization Config rule name has at most {MAX_ORGANIZATION_RULE_NAME}"
        ));
    }
    let prefix_room = MAX_ORGANIZATION_RULE_NAME - longest;
    let mut parameters = Map::new();
    let mut conditions = Map::new();
    let mut resources = Map::new();
    parameters.insert("FunctionArnPrefix".into(), function_arn_prefix_parameter());
    parameters.insert("ExecutionRoleName".into(), execution_role_name_parameter());
    parameters.insert(
        "RuleNamePrefix".into(),
        json!({
            "Type": "String",
            "Default": "",
            "AllowedPattern": format!("^[a-zA-Z0-9-_]{{0,{prefix_room}}}$"),
            "Description": format!("Prefix of the organization rule names (at most {prefix_room} characters, so the longest name stays within {MAX_ORGANIZATION_RULE_NAME}); empty: the managed rule's name")
        }),
    );
    parameters.insert(
        "ExcludedAccounts".into(),
        json!({
            "Type": "CommaDelimitedList",
            "Default": "",
            "Description": "Accounts that get none of the rules (12-digit ids, comma-separated, at most 1,000); empty: every account"
        }),
    );
    conditions.insert(
        "HasExcludedAccounts".into(),
        json!({"Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "ExcludedAccounts"}]}, ""]}]}),
    );
    for rule in rules {
        let spec = rule.spec();
        let c = camel(spec.name);
        if spec.description.len() > MAX_DESCRIPTION {
            return Err(format!(
                "{}: its description has {} characters; an organization rule's has at most {MAX_DESCRIPTION}",
                spec.name,
                spec.description.len()
            ));
        }
        // InputParameters is JSON text: ExecutionRoleName, then the rule's parameters,
        // each value from its template parameter.
        let probe = rule_inputs(*rule);
        let mut text = String::from("{\"ExecutionRoleName\":\"${ExecutionRoleName}\"");
        let mut fixed = "{\"ExecutionRoleName\":\"\"".len();
        for (name, value) in &probe.input {
            let pname = value["Ref"].as_str().unwrap_or_default();
            text.push_str(&format!(",\"{name}\":\"${{{pname}}}\""));
            fixed += format!(",\"{name}\":\"\"").len();
        }
        text.push('}');
        fixed += 1;
        // ExecutionRoleName takes up to 64 characters of what is left.
        let room = MAX_INPUT_PARAMETERS.checked_sub(fixed + 64).ok_or_else(|| {
            format!(
                "{}: its InputParameters need {} characters with every value empty; an organization rule takes at most {MAX_INPUT_PARAMETERS}",
                spec.name, fixed
            )
        })?;
        let RuleInputs {
            parameters: rule_params,
            condition,
            ..
        } = json_safe_inputs(*rule, room);
        parameters.extend(rule_params);
        let condition = condition.map(|(name, expr)| {
            conditions.insert(name.clone(), expr);
            name
        });
        let (types, frequency, scope) = triggers(*rule);
        let mut metadata = json!({
            "Description": spec.description,
            "LambdaFunctionArn": {"Fn::Sub": format!("${{FunctionArnPrefix}}{}", spec.name)},
            "OrganizationConfigRuleTriggerTypes": types,
            "InputParameters": {"Fn::Sub": text},
        });
        if let Some(f) = frequency {
            metadata["MaximumExecutionFrequency"] = f;
        }
        if let Some(scope) = scope {
            let n = scope.as_array().map_or(0, Vec::len);
            if n > MAX_RESOURCE_TYPES_SCOPE {
                return Err(format!(
                    "{}: {n} resource types; an organization rule's ResourceTypesScope takes at most {MAX_RESOURCE_TYPES_SCOPE}",
                    spec.name
                ));
            }
            metadata["ResourceTypesScope"] = scope;
        }
        let mut body = json!({
            "Type": "AWS::Config::OrganizationConfigRule",
            "Properties": {
                "OrganizationConfigRuleName": {"Fn::Sub": format!("${{RuleNamePrefix}}{}", spec.name)},
                "OrganizationCustomRuleMetadata": metadata,
                "ExcludedAccounts": no_value_unless("HasExcludedAccounts", json!({"Ref": "ExcludedAccounts"})),
            }
        });
        if let Some(cond) = condition {
            body["Condition"] = json!(cond);
        }
        resources.insert(format!("{c}OrganizationConfigRule"), body);
    }
    template(
        "organization rules",
        "ferrule: organization Config rules calling the central account's functions (deploy in the management account or the AWS Config delegated administrator). Generated by `rdk create-rule-template --organization`; do not edit by hand.",
        vec![
            ("Parameters", parameters),
            ("Conditions", conditions),
            ("Resources", resources),
        ],
    )
}

/// One account's Config rules calling the central functions (`FunctionArnPrefix`), with
/// `ExecutionRoleName` among their InputParameters; no function, role or permission.
pub fn rules_only_template(rules: &[&dyn Rule]) -> Result<Value, String> {
    let mut parameters = Map::new();
    let mut conditions = Map::new();
    let mut resources = Map::new();
    parameters.insert("FunctionArnPrefix".into(), function_arn_prefix_parameter());
    parameters.insert("ExecutionRoleName".into(), execution_role_name_parameter());
    parameters.insert("RuleNamePrefix".into(), json!({"Type": "String", "Default": "", "AllowedPattern": "^[a-zA-Z0-9-_]{0,40}$", "Description": "Prefix of Config rule names (empty: the managed rule's name)"}));
    for rule in rules {
        let spec = rule.spec();
        let RuleInputs {
            parameters: rule_params,
            mut input,
            condition,
        } = rule_inputs(*rule);
        parameters.extend(rule_params);
        input.insert(
            "ExecutionRoleName".into(),
            json!({"Ref": "ExecutionRoleName"}),
        );
        let props = config_rule_properties(
            *rule,
            json!({"Fn::Sub": format!("${{RuleNamePrefix}}{}", spec.name)}),
            json!({"Fn::Sub": format!("${{FunctionArnPrefix}}{}", spec.name)}),
            input,
        );
        let mut body = json!({"Type": "AWS::Config::ConfigRule", "Properties": props});
        if let Some((name, expr)) = condition {
            conditions.insert(name.clone(), expr);
            body["Condition"] = json!(name);
        }
        resources.insert(format!("{}ConfigRule", camel(spec.name)), body);
    }
    template(
        "rules-only",
        "ferrule: this account's Config rules, calling the central account's functions (which must admit this account in MemberAccountIds). Generated by `rdk create-rule-template --rules-only`; do not edit by hand.",
        vec![
            ("Parameters", parameters),
            ("Conditions", conditions),
            ("Resources", resources),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_parameters_are_json_once_the_values_are_filled_in() {
        let rule = rules_lib::rules::find("encrypted-volumes").unwrap();
        let t = organization_rules_template(&[rule]).unwrap();
        let text = t["Resources"]["EncryptedVolumesOrganizationConfigRule"]["Properties"]
            ["OrganizationCustomRuleMetadata"]["InputParameters"]["Fn::Sub"]
            .as_str()
            .unwrap()
            .replace("${ExecutionRoleName}", "audit")
            .replace("${EncryptedVolumesKmsId}", "alias/x");
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v, json!({"ExecutionRoleName": "audit", "kmsId": "alias/x"}));
    }

    #[test]
    fn the_rule_name_prefix_leaves_room_for_the_longest_rule_name() {
        let t = organization_rules_template(rules_lib::rules::catalog()).unwrap();
        let pattern = t["Parameters"]["RuleNamePrefix"]["AllowedPattern"]
            .as_str()
            .unwrap();
        let longest = rules_lib::rules::catalog()
            .iter()
            .map(|r| r.spec().name.len())
            .max()
            .unwrap();
        assert_eq!(
            pattern,
            format!(
                "^[a-zA-Z0-9-_]{{0,{}}}$",
                MAX_ORGANIZATION_RULE_NAME - longest
            )
        );
    }
}
