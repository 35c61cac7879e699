//! The organization templates: central functions, organization rules, the member role
//! and its StackSet, and one account's rules calling central functions. What each rule
//! should look like is derived here from its RuleSpec (triggers, scope, parameters,
//! kind and declared permissions), not read back from the generator; the committed
//! templates are exactly what rdk generates; every template passes cfn-lint and checkov.

use std::process::Command;

use ferrule_tests::{
    load_template as load, resources_of_type as of_type, strings, template_path as path, tool,
};
use proptest::prelude::*;
use rdk::template::organization::{
    functions_template, member_role_stackset_template, member_role_template,
    organization_rules_template, rules_only_template, DEFAULT_EXECUTION_ROLE_NAME,
    DEFAULT_FUNCTION_ROLE_PATH, JSON_SAFE_VALUE, MAX_DESCRIPTION, MAX_INPUT_PARAMETERS,
    MAX_ORGANIZATION_RULE_NAME, MAX_RESOURCE_TYPES_SCOPE,
};
use rdk::template::{camel, to_yaml};
use rules_lib::{Rule, RuleKind};
use serde_json::{json, Value};

/// The committed file, the command that writes it, and its generator.
type Generated = (&'static str, &'static str, fn() -> Value);

const COMMITTED: [Generated; 4] = [
    (
        "organization-functions.yaml",
        "--organization --functions-only",
        || functions_template(rules_lib::rules::catalog()).unwrap(),
    ),
    ("organization-rules.yaml", "--organization", || {
        organization_rules_template(rules_lib::rules::catalog()).unwrap()
    }),
    ("member-role.yaml", "--member-role", || {
        member_role_template(rules_lib::rules::catalog())
    }),
    (
        "member-role-stackset.yaml",
        "--member-role-stackset",
        || member_role_stackset_template(rules_lib::rules::catalog()),
    ),
];

/// The actions a rule's function needs, from its trigger, kind and declared permissions.
fn expected_actions(rule: &dyn Rule) -> Vec<String> {
    let spec = rule.spec();
    let mut a = vec!["config:PutEvaluations".to_string()];
    if spec.trigger.on_change() {
        a.push("config:GetResourceConfigHistory".into());
    }
    if spec.trigger.periodic() {
        a.push("config:GetComplianceDetailsByConfigRule".into());
        if !matches!(rule.kind(), RuleKind::Account(_)) {
            a.push("config:ListDiscoveredResources".into());
            a.push("config:BatchGetResourceConfig".into());
        }
    }
    a.extend(spec.permissions.iter().map(|p| p.to_string()));
    a
}

/// Checks the organization rule of each of `rules` in `t`, and that `t` holds no other.
fn assert_organization_rules(t: &Value, rules: &[&dyn Rule]) {
    assert_eq!(
        of_type(t, "AWS::Config::OrganizationConfigRule").len(),
        rules.len()
    );
    assert_eq!(
        t["Parameters"]["ExecutionRoleName"]["Default"],
        DEFAULT_EXECUTION_ROLE_NAME
    );
    for rule in rules {
        let spec = rule.spec();
        let c = camel(spec.name);
        let r = &t["Resources"][format!("{c}OrganizationConfigRule")];
        assert_eq!(
            r["Type"], "AWS::Config::OrganizationConfigRule",
            "{}",
            spec.name
        );
        let p = &r["Properties"];
        assert_eq!(
            p["OrganizationConfigRuleName"]["Fn::Sub"],
            format!("${{RuleNamePrefix}}{}", spec.name)
        );
        assert!(spec.name.len() <= MAX_ORGANIZATION_RULE_NAME);
        assert_eq!(
            p["ExcludedAccounts"]["Fn::If"],
            json!(["HasExcludedAccounts", {"Ref": "ExcludedAccounts"}, {"Ref": "AWS::NoValue"}])
        );
        let m = &p["OrganizationCustomRuleMetadata"];
        assert_eq!(
            m["LambdaFunctionArn"]["Fn::Sub"],
            format!("${{FunctionArnPrefix}}{}", spec.name)
        );
        assert_eq!(m["Description"], spec.description);
        assert!(spec.description.len() <= MAX_DESCRIPTION);
        let mut triggers = Vec::new();
        if spec.trigger.on_change() {
            triggers.push("ConfigurationItemChangeNotification");
            triggers.push("OversizedConfigurationItemChangeNotification");
        }
        if spec.trigger.periodic() {
            triggers.push("ScheduledNotification");
        }
        assert_eq!(
            m["OrganizationConfigRuleTriggerTypes"],
            json!(triggers),
            "{}",
            spec.name
        );
        match spec.trigger.frequency() {
            Some(f) if spec.trigger.periodic() => {
                assert_eq!(m["MaximumExecutionFrequency"], f.as_str(), "{}", spec.name)
            }
            _ => assert!(
                m.get("MaximumExecutionFrequency").is_none(),
                "{}",
                spec.name
            ),
        }
        if spec.trigger.on_change() {
            assert_eq!(m["ResourceTypesScope"], json!(spec.resource_types));
            assert!(spec.resource_types.len() <= MAX_RESOURCE_TYPES_SCOPE);
        } else {
            assert!(m.get("ResourceTypesScope").is_none(), "{}", spec.name);
        }
        // InputParameters: JSON text holding ExecutionRoleName and exactly the rule's
        // parameters, each filled from its template parameter.
        let mut text = m["InputParameters"]["Fn::Sub"]
            .as_str()
            .unwrap()
            .replace("${ExecutionRoleName}", "audit-role");
        let mut expected = json!({"ExecutionRoleName": "audit-role"});
        let mut required = Vec::new();
        for param in spec.parameters {
            let pname = format!("{c}{}", camel(param.name));
            let decl = &t["Parameters"][&pname];
            assert_eq!(decl["Type"], "String", "{pname}");
            assert_eq!(decl["Default"], param.default.unwrap_or(""), "{pname}");
            // Its value goes into JSON text as it is: only values that need no escaping.
            assert!(
                decl["AllowedValues"].is_array() || decl["AllowedPattern"] == JSON_SAFE_VALUE,
                "{pname}: {decl}"
            );
            assert!(decl["MaxLength"].as_u64().unwrap() <= MAX_INPUT_PARAMETERS as u64);
            let value = format!("value of {pname}");
            text = text.replace(&format!("${{{pname}}}"), &value);
            expected[param.name] = json!(value);
            if param.required {
                required.push(pname);
            }
        }
        let filled: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: InputParameters is not JSON ({e}): {text}", spec.name));
        assert_eq!(filled, expected, "{}", spec.name);
        let empty_len = m["InputParameters"]["Fn::Sub"]
            .as_str()
            .unwrap()
            .split("${")
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part.len()
                } else {
                    part.split_once('}').unwrap().1.len()
                }
            })
            .sum::<usize>();
        assert!(empty_len + 64 <= MAX_INPUT_PARAMETERS, "{}", spec.name);
        if required.is_empty() {
            assert!(r.get("Condition").is_none(), "{}", spec.name);
        } else {
            let cond = r["Condition"].as_str().unwrap();
            let text = t["Conditions"][cond].to_string();
            for p in required {
                assert!(text.contains(&p), "{cond} does not wait for {p}");
            }
        }
    }
}

fn expected_union(rules: &[&dyn Rule]) -> Vec<String> {
    let mut all: Vec<String> = rules.iter().flat_map(|r| expected_actions(*r)).collect();
    all.sort();
    all.dedup();
    all
}

fn assert_member_role(t: &Value, rules: &[&dyn Rule]) {
    let roles = of_type(t, "AWS::IAM::Role");
    assert_eq!(roles.len(), 1);
    let p = &roles[0].1["Properties"];
    assert_eq!(p["RoleName"], json!({"Ref": "ExecutionRoleName"}));
    assert_eq!(
        t["Parameters"]["ExecutionRoleName"]["Default"],
        DEFAULT_EXECUTION_ROLE_NAME
    );
    assert_eq!(
        t["Parameters"]["FunctionRolePath"]["Default"],
        DEFAULT_FUNCTION_ROLE_PATH
    );
    let trust = p["AssumeRolePolicyDocument"]["Statement"]
        .as_array()
        .unwrap();
    assert_eq!(trust.len(), 1, "one trust statement");
    let s = &trust[0];
    assert_eq!(s["Effect"], "Allow");
    assert_eq!(s["Action"], "sts:AssumeRole");
    assert_eq!(
        s["Principal"],
        json!({"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${CentralAccountId}:root"}})
    );
    assert_eq!(
        s["Condition"],
        json!({"ArnLike": {"aws:PrincipalArn": {"Fn::Sub": "arn:${AWS::Partition}:iam::${CentralAccountId}:role${FunctionRolePath}*"}}})
    );
    let statements = p["Policies"][0]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap();
    assert_eq!(p["Policies"].as_array().unwrap().len(), 1);
    assert_eq!(statements.len(), 1);
    let mut granted = strings(&statements[0]["Action"]);
    granted.sort();
    assert_eq!(granted, expected_union(rules));
    assert!(p.get("ManagedPolicyArns").is_none());
}

/// The catalog's rules picked by `keep`.
fn pick(keep: &[bool]) -> Vec<&'static dyn Rule> {
    rules_lib::rules::catalog()
        .iter()
        .zip(keep)
        .filter_map(|(r, k)| k.then_some(*r))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_selected_rule_is_an_organization_rule_with_its_parameters_triggers_and_scope(
        keep in proptest::collection::vec(any::<bool>(), rules_lib::rules::catalog().len())
    ) {
        let rules = pick(&keep);
        let t = organization_rules_template(&rules).unwrap();
        assert_organization_rules(&t, &rules);
    }

    #[test]
    fn the_member_role_grants_exactly_the_union_of_the_selected_rules_actions(
        keep in proptest::collection::vec(any::<bool>(), rules_lib::rules::catalog().len())
    ) {
        let rules = pick(&keep);
        assert_member_role(&member_role_template(&rules), &rules);
    }
}

#[test]
fn every_catalog_rule_is_in_the_committed_organization_template() {
    let catalog = rules_lib::rules::catalog();
    assert_organization_rules(&organization_rules_template(catalog).unwrap(), catalog);
    assert_member_role(&member_role_template(catalog), catalog);
}

#[test]
fn committed_organization_templates_are_what_rdk_generates() {
    for (name, flags, generate) in COMMITTED {
        let committed =
            std::fs::read_to_string(path(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            to_yaml(&generate()) == committed,
            "cloudformation/{name} is out of date: run `cargo run -p rdk -- create-rule-template --all {flags} --output-file cloudformation/{name}` and commit it"
        );
    }
}

#[test]
fn central_functions_assume_only_the_member_role_and_admit_only_config_from_the_member_accounts() {
    let catalog = rules_lib::rules::catalog();
    let t = functions_template(catalog).unwrap();
    assert_eq!(of_type(&t, "AWS::Lambda::Function").len(), catalog.len());
    assert!(of_type(&t, "AWS::Config::ConfigRule").is_empty());
    assert!(of_type(&t, "AWS::Lambda::Permission").is_empty());
    assert_eq!(
        t["Parameters"]["ExecutionRoleName"]["Default"],
        DEFAULT_EXECUTION_ROLE_NAME
    );
    assert_eq!(
        t["Parameters"]["FunctionRolePath"]["Default"],
        DEFAULT_FUNCTION_ROLE_PATH
    );
    for rule in catalog {
        let c = camel(rule.spec().name);
        let role = &t["Resources"][format!("{c}ExecutionRole")]["Properties"];
        // Under the path the member role trusts.
        assert_eq!(role["Path"], json!({"Ref": "FunctionRolePath"}));
        let statements = role["Policies"][0]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap();
        assert_eq!(statements.len(), 2, "{c}: {statements:?}");
        let logs = &statements[0];
        assert_eq!(
            strings(&logs["Action"]),
            ["logs:CreateLogStream", "logs:PutLogEvents"]
        );
        assert_eq!(
            logs["Resource"],
            json!({"Fn::GetAtt": [format!("{c}LogGroup"), "Arn"]})
        );
        let assume = &statements[1];
        assert_eq!(strings(&assume["Action"]), ["sts:AssumeRole"]);
        assert_eq!(
            assume["Resource"],
            json!({"Fn::Sub": "arn:${AWS::Partition}:iam::*:role/${ExecutionRoleName}"})
        );
        assert_eq!(
            assume["Condition"],
            json!({"StringEquals": {"aws:ResourceOrgID": {"Ref": "OrganizationId"}}})
        );
        // Invoked by AWS Config only, from the listed accounts only.
        let policy = &t["Resources"][format!("{c}InvokePolicy")];
        assert_eq!(policy["Type"], "AWS::Lambda::ResourcePolicy");
        let function = json!({"Fn::GetAtt": [format!("{c}Function"), "Arn"]});
        assert_eq!(policy["Properties"]["ResourceArn"], function);
        let s = policy["Properties"]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(
            s[0]["Principal"],
            json!({"Service": "config.amazonaws.com"})
        );
        assert_eq!(s[0]["Action"], "lambda:InvokeFunction");
        assert_eq!(s[0]["Resource"], function);
        assert_eq!(
            s[0]["Condition"],
            json!({"StringEquals": {"aws:SourceAccount": {"Ref": "MemberAccountIds"}}})
        );
    }
}

#[test]
fn the_role_the_runtime_assumes_is_the_member_role_the_central_functions_may_assume() {
    // What the function does with an organization rule's event: the rule parameter
    // ExecutionRoleName in the member account of executionRoleArn.
    let event = rules_lib::Event::from_value(&json!({
        "invokingEvent": "{\"messageType\":\"ScheduledNotification\"}",
        "executionRoleArn": "arn:aws:iam::222222222222:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
        "accountId": "222222222222"
    }))
    .unwrap();
    let opts = rules_lib::params::RuntimeOptions {
        execution_role_name: Some(DEFAULT_EXECUTION_ROLE_NAME.into()),
        ..Default::default()
    };
    let choice = rules_lib::credentials::choose_role(&event, &opts, Some("111111111111")).unwrap();
    let rules_lib::credentials::RoleChoice::Assume { role_arn, .. } = choice else {
        panic!("an organization rule's invocation must assume the member role");
    };
    assert_eq!(
        role_arn,
        format!("arn:aws:iam::222222222222:role/{DEFAULT_EXECUTION_ROLE_NAME}")
    );
    // The central roles may assume exactly that ARN (any account, that name) ...
    let functions = functions_template(rules_lib::rules::catalog()).unwrap();
    let pattern = functions["Resources"]["EncryptedVolumesExecutionRole"]["Properties"]["Policies"]
        [0]["PolicyDocument"]["Statement"][1]["Resource"]["Fn::Sub"]
        .as_str()
        .unwrap()
        .replace("${AWS::Partition}", "aws")
        .replace("${ExecutionRoleName}", DEFAULT_EXECUTION_ROLE_NAME);
    let (head, tail) = pattern.split_once('*').unwrap();
    assert!(
        role_arn.starts_with(head) && role_arn.ends_with(tail),
        "{pattern} vs {role_arn}"
    );
    assert_eq!(head, "arn:aws:iam::");
    assert_eq!(tail, format!(":role/{DEFAULT_EXECUTION_ROLE_NAME}"));
    // ... and the member role carries that name.
    let member = member_role_template(rules_lib::rules::catalog());
    assert_eq!(
        member["Resources"]["ExecutionRole"]["Properties"]["RoleName"],
        json!({"Ref": "ExecutionRoleName"})
    );
}

#[test]
fn the_member_role_stackset_is_service_managed_deploys_automatically_and_holds_the_member_role() {
    let catalog = rules_lib::rules::catalog();
    let t = member_role_stackset_template(catalog);
    let sets = of_type(&t, "AWS::CloudFormation::StackSet");
    assert_eq!(sets.len(), 1);
    let p = &sets[0].1["Properties"];
    assert_eq!(p["PermissionModel"], "SERVICE_MANAGED");
    assert_eq!(p["AutoDeployment"]["Enabled"], true);
    assert_eq!(p["Capabilities"], json!(["CAPABILITY_NAMED_IAM"]));
    let groups = p["StackInstancesGroup"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(
        groups[0]["DeploymentTargets"]["OrganizationalUnitIds"],
        json!({"Ref": "OrganizationalUnitIds"})
    );
    assert_eq!(
        groups[0]["Regions"],
        json!([{"Ref": "RoleRegion"}]),
        "a role is global: one region"
    );
    let body: serde_yaml::Value =
        serde_yaml::from_str(p["TemplateBody"].as_str().unwrap()).unwrap();
    let body: Value = serde_json::to_value(body).unwrap();
    assert_eq!(body, member_role_template(catalog));
    let passed: Vec<&str> = p["Parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["ParameterKey"].as_str().unwrap())
        .collect();
    for key in body["Parameters"].as_object().unwrap().keys() {
        assert!(
            passed.contains(&key.as_str()),
            "the StackSet does not pass {key}"
        );
    }
}

#[test]
fn rules_only_template_has_config_rules_calling_the_central_functions_and_nothing_else() {
    let catalog = rules_lib::rules::catalog();
    let t = rules_only_template(catalog).unwrap();
    let rules = of_type(&t, "AWS::Config::ConfigRule");
    assert_eq!(rules.len(), catalog.len());
    assert_eq!(rules.len(), t["Resources"].as_object().unwrap().len());
    for rule in catalog {
        let spec = rule.spec();
        let p = &t["Resources"][format!("{}ConfigRule", camel(spec.name))]["Properties"];
        assert_eq!(
            p["Source"]["SourceIdentifier"]["Fn::Sub"],
            format!("${{FunctionArnPrefix}}{}", spec.name)
        );
        assert_eq!(
            p["InputParameters"]["ExecutionRoleName"],
            json!({"Ref": "ExecutionRoleName"})
        );
        assert_eq!(
            p["InputParameters"].as_object().unwrap().len(),
            spec.parameters.len() + 1
        );
    }
}

/// Every checkov skip in `t` says why.
fn assert_skips_say_why(name: &str, v: &Value) {
    match v {
        Value::Object(m) => {
            if let Some(skips) = m.get("checkov").and_then(|c| c["skip"].as_array()) {
                for s in skips {
                    assert!(
                        s["comment"].as_str().unwrap_or("").len() > 20,
                        "{name}: checkov skip {} has no real justification",
                        s["id"]
                    );
                }
            }
            m.values().for_each(|x| assert_skips_say_why(name, x));
        }
        Value::Array(a) => a.iter().for_each(|x| assert_skips_say_why(name, x)),
        _ => {}
    }
}

#[test]
fn organization_templates_pass_cfn_lint_and_checkov_with_every_skip_justified() {
    let dir = std::env::temp_dir().join(format!("ferrule-org-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for (name, _, generate) in COMMITTED {
        let t = generate();
        assert_skips_say_why(name, &t);
        files.push(path(name));
    }
    let rules_only = rules_only_template(rules_lib::rules::catalog()).unwrap();
    assert_skips_say_why("rules-only", &rules_only);
    let rules_only_file = dir.join("rules-only.yaml");
    std::fs::write(&rules_only_file, to_yaml(&rules_only)).unwrap();
    files.push(rules_only_file);
    let out = Command::new(tool("cfn-lint"))
        .args(&files)
        .output()
        .expect("cfn-lint runs");
    assert!(
        out.status.success(),
        "cfn-lint found problems:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for f in &files[..COMMITTED.len()] {
        std::fs::copy(f, dir.join(f.file_name().unwrap())).unwrap();
    }
    let out = Command::new(tool("checkov"))
        .args([
            "--framework",
            "cloudformation",
            "--quiet",
            "--compact",
            "--skip-download",
            "--directory",
        ])
        .arg(&dir)
        .env("BC_SKIP_MAPPING", "TRUE")
        .env("CHECKOV_RUN_SCA_PACKAGE_SCAN_V2", "false")
        .output()
        .expect("checkov runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        out.status.success() && text.contains("Failed checks: 0"),
        "checkov failed checks:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("Parsing errors"), "{text}");
}

// --- Many regions -----------------------------------------------------------------------

/// The value of a condition operand: a literal, a `Ref` to a parameter (the given value,
/// else its default) or to `AWS::Region`.
fn operand(t: &Value, v: &Value, given: &[(&str, &str)], region: &str) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(m) if m.contains_key("Ref") => {
            let name = m["Ref"].as_str().unwrap();
            if name == "AWS::Region" {
                return region.to_string();
            }
            given
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
                .unwrap_or_else(|| {
                    t["Parameters"][name]["Default"]
                        .as_str()
                        .unwrap_or_else(|| panic!("{name} has no default and no value"))
                        .to_string()
                })
        }
        other => panic!("operand {other} is not evaluated here"),
    }
}

/// Evaluates the condition `name` of `t` with the parameter values `given` in `region`.
fn condition(t: &Value, name: &str, given: &[(&str, &str)], region: &str) -> bool {
    fn eval(t: &Value, c: &Value, given: &[(&str, &str)], region: &str) -> bool {
        let (op, args) = c.as_object().unwrap().iter().next().unwrap();
        match op.as_str() {
            "Condition" => condition(t, args.as_str().unwrap(), given, region),
            "Fn::Not" => !eval(t, &args[0], given, region),
            "Fn::And" => args
                .as_array()
                .unwrap()
                .iter()
                .all(|a| eval(t, a, given, region)),
            "Fn::Or" => args
                .as_array()
                .unwrap()
                .iter()
                .any(|a| eval(t, a, given, region)),
            "Fn::Equals" => {
                operand(t, &args[0], given, region) == operand(t, &args[1], given, region)
            }
            other => panic!("condition function {other} is not evaluated here"),
        }
    }
    eval(t, &t["Conditions"][name], given, region)
}

#[test]
fn the_recorder_records_global_types_in_one_region_and_never_when_told_a_recorder_exists() {
    let t = load("recorder.yaml");
    assert_eq!(
        t["Resources"]["ConfigurationRecorder"]["Properties"]["RecordingGroup"]
            ["IncludeGlobalResourceTypes"],
        json!({"Fn::If": ["IncludeGlobal", true, false]})
    );
    let everywhere = [("GlobalResourceTypesRegion", "us-east-1")];
    assert!(condition(&t, "IncludeGlobal", &everywhere, "us-east-1"));
    assert!(!condition(&t, "IncludeGlobal", &everywhere, "eu-west-1"));
    assert!(!condition(&t, "IncludeGlobal", &everywhere, "us-east-2"));
    // Not chosen: IncludeGlobalResourceTypes alone decides, as before.
    assert!(condition(&t, "IncludeGlobal", &[], "eu-west-1"));
    assert!(!condition(
        &t,
        "IncludeGlobal",
        &[("IncludeGlobalResourceTypes", "false")],
        "us-east-1"
    ));
    // Recording chosen types only: IncludeGlobalResourceTypes does not apply.
    assert!(!condition(
        &t,
        "IncludeGlobal",
        &[
            ("RecordAllSupported", "false"),
            ("GlobalResourceTypesRegion", "us-east-1")
        ],
        "us-east-1"
    ));
    // CreateRecorder=false (Control Tower, or a recorder made elsewhere): no recorder,
    // channel, bucket or role.
    let existing = [("CreateRecorder", "false")];
    for (id, r) in t["Resources"].as_object().unwrap() {
        let cond = r["Condition"]
            .as_str()
            .unwrap_or_else(|| panic!("{id} is created whatever CreateRecorder says"));
        assert!(!condition(&t, cond, &existing, "us-east-1"), "{id}");
    }
}

#[test]
fn a_pipeline_per_region_names_nothing_global_and_passes_the_global_types_region_on() {
    let t = load("pipeline.yaml");
    // IAM, S3 bucket names and managed policies are global: a fixed name would make the
    // second region's pipeline fail on the first's.
    for (id, r) in t["Resources"].as_object().unwrap() {
        for fixed in ["RoleName", "ManagedPolicyName", "BucketName"] {
            assert!(
                r["Properties"].get(fixed).is_none(),
                "{id} has a fixed {fixed}: a pipeline in a second region would collide"
            );
        }
    }
    // Every ARN of a regional service is this region's.
    let mut all = Vec::new();
    fn subs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                if let Some(s) = m.get("Fn::Sub") {
                    let text = s.as_str().or_else(|| s[0].as_str()).unwrap_or_default();
                    out.push(text);
                }
                m.values().for_each(|x| subs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| subs(x, out)),
            _ => {}
        }
    }
    subs(&t["Resources"], &mut all);
    let mut regional = 0;
    for arn in all
        .iter()
        .filter(|s| s.starts_with("arn:${AWS::Partition}:"))
    {
        let service = arn["arn:${AWS::Partition}:".len()..]
            .split(':')
            .next()
            .unwrap();
        if !["iam", "s3"].contains(&service) {
            regional += 1;
            assert!(
                arn.contains(&format!("{service}:${{AWS::Region}}:")),
                "{arn} is not scoped to the pipeline's region"
            );
        }
    }
    assert!(regional > 10, "only {regional} regional ARNs found");
    let stages = t["Resources"]["Pipeline"]["Properties"]["Stages"].to_string();
    assert!(
        stages.contains("\\\"GlobalResourceTypesRegion\\\": \\\"${GlobalResourceTypesRegion}\\\""),
        "the recorder stack does not get GlobalResourceTypesRegion: {stages}"
    );
    let check = t["Resources"]["PolicyCheckProject"]["Properties"]["Environment"].to_string();
    assert!(
        check.contains("GlobalResourceTypesRegion=${GlobalResourceTypesRegion}"),
        "{check}"
    );
    assert_eq!(
        t["Parameters"]["GlobalResourceTypesRegion"]["AllowedPattern"],
        load("recorder.yaml")["Parameters"]["GlobalResourceTypesRegion"]["AllowedPattern"]
    );
}

#[test]
fn the_runtime_accepts_every_organization_rules_input_parameters_with_their_defaults() {
    let catalog = rules_lib::rules::catalog();
    let t = organization_rules_template(catalog).unwrap();
    for rule in catalog {
        let spec = rule.spec();
        let c = camel(spec.name);
        let m = &t["Resources"][format!("{c}OrganizationConfigRule")]["Properties"]
            ["OrganizationCustomRuleMetadata"];
        // The text as CloudFormation writes it: every template parameter at its
        // default, a required one at an example value (the rule is not deployed empty).
        let mut text = m["InputParameters"]["Fn::Sub"]
            .as_str()
            .unwrap()
            .replace("${ExecutionRoleName}", DEFAULT_EXECUTION_ROLE_NAME);
        for p in spec.parameters {
            let pname = format!("{c}{}", camel(p.name));
            let value = match p.default {
                Some(d) => d.to_string(),
                None if p.required => p.kind.example(),
                None => String::new(),
            };
            text = text.replace(&format!("${{{pname}}}"), &value);
        }
        let raw: serde_json::Map<String, Value> = serde_json::from_str(&text).unwrap();
        let (_, runtime) = rules_lib::Params::parse(spec.name, spec.parameters, &raw)
            .unwrap_or_else(|e| panic!("{}: the runtime refuses {text}: {e}", spec.name));
        assert_eq!(
            runtime.execution_role_name.as_deref(),
            Some(DEFAULT_EXECUTION_ROLE_NAME),
            "{}",
            spec.name
        );
    }
}
