//! Remediation in the rules template: every rule that declares a remediation gets an
//! `AWS::Config::RemediationConfiguration` for its own Config rule and a role that SSM
//! Automation of this account alone may assume, granted exactly its document's actions;
//! all of it is off unless `RemediationMode` says otherwise; the pipeline's boundary lets
//! only those roles use the runbooks' actions; and the template stays within
//! CloudFormation's limits and passes cfn-lint.

use std::collections::BTreeMap;
use std::process::Command;

use ferrule_tests::{resources_of_type as of_type, root, scratch_dir, tool};
use rules_lib::{ParamValue, Remediation, RuleSpec};
use serde_json::{json, Value};

fn template() -> Value {
    rdk::template::rules_template(rules_lib::rules::catalog()).unwrap()
}

/// The catalog's rules with a remediation.
fn remediating() -> Vec<(&'static RuleSpec, &'static Remediation)> {
    rules_lib::rules::catalog()
        .iter()
        .filter_map(|r| r.spec().remediation.map(|m| (r.spec(), m)))
        .collect()
}

/// The value of a condition expression for the given template parameter values
/// (`Fn::Not`, `Fn::And`, `Fn::Or`, `Fn::Equals` over `Ref`s and strings, `Condition`).
fn holds(t: &Value, expr: &Value, params: &BTreeMap<&str, &str>) -> bool {
    fn value(t: &Value, v: &Value, params: &BTreeMap<&str, &str>) -> Value {
        match v.get("Ref").and_then(Value::as_str) {
            Some(name) => match params.get(name) {
                Some(given) => json!(given),
                None => t["Parameters"][name]["Default"].clone(),
            },
            None => v.clone(),
        }
    }
    let o = expr.as_object().expect("a condition is an object");
    let (k, arg) = o.iter().next().unwrap();
    match k.as_str() {
        "Fn::Not" => !holds(t, &arg[0], params),
        "Fn::And" => arg.as_array().unwrap().iter().all(|e| holds(t, e, params)),
        "Fn::Or" => arg.as_array().unwrap().iter().any(|e| holds(t, e, params)),
        "Fn::Equals" => {
            let a = value(t, &arg[0], params);
            let b = value(t, &arg[1], params);
            a.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| a.to_string())
                == b.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| b.to_string())
        }
        "Condition" => holds(t, &t["Conditions"][arg.as_str().unwrap()], params),
        other => panic!("condition function {other} is not understood by this test"),
    }
}

/// Whether a resource exists for these parameter values.
fn deployed(t: &Value, resource: &Value, params: &BTreeMap<&str, &str>) -> bool {
    match resource["Condition"].as_str() {
        None => true,
        Some(c) => holds(t, &json!({"Condition": c}), params),
    }
}

#[test]
fn every_remediation_role_grants_exactly_its_documents_actions_and_trusts_only_ssm_of_this_account()
{
    let t = template();
    let with = remediating();
    assert!(with.len() >= 10, "{} rules remediate", with.len());
    let mut ssm_roles = 0;
    for (id, role) in of_type(&t, "AWS::IAM::Role") {
        let trust = &role["Properties"]["AssumeRolePolicyDocument"]["Statement"];
        if trust.to_string().contains("ssm.amazonaws.com") {
            ssm_roles += 1;
            assert!(id.ends_with("RemediationRole"), "{id} trusts SSM");
        }
    }
    assert_eq!(ssm_roles, with.len(), "one SSM role per remediation");
    for (spec, m) in with {
        let c = rdk::template::camel(spec.name);
        let role = &t["Resources"][format!("{c}RemediationRole")];
        assert_eq!(role["Type"], "AWS::IAM::Role", "{}", spec.name);
        let p = &role["Properties"];
        // Derived here from the RuleSpec: the document's listed actions, sorted, once each.
        let mut expected: Vec<&str> = m.actions.to_vec();
        expected.sort_unstable();
        expected.dedup();
        assert_eq!(
            expected.len(),
            m.actions.len(),
            "{}: an action twice",
            spec.name
        );
        let policies = p["Policies"].as_array().unwrap();
        assert_eq!(policies.len(), 1, "{}", spec.name);
        let statements = policies[0]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap();
        assert_eq!(statements.len(), 1, "{}: one statement", spec.name);
        assert_eq!(statements[0]["Effect"], "Allow");
        assert_eq!(statements[0]["Action"], json!(expected), "{}", spec.name);
        assert!(p.get("ManagedPolicyArns").is_none(), "{}", spec.name);
        // Trusted by SSM only, and only on behalf of this account's automations.
        let trust = p["AssumeRolePolicyDocument"]["Statement"]
            .as_array()
            .unwrap();
        assert_eq!(trust.len(), 1, "{}", spec.name);
        let s = &trust[0];
        assert_eq!(s["Effect"], "Allow");
        assert_eq!(s["Action"], "sts:AssumeRole");
        assert_eq!(
            s["Principal"],
            json!({"Service": "ssm.amazonaws.com"}),
            "{}",
            spec.name
        );
        assert_eq!(
            s["Condition"]["StringEquals"]["aws:SourceAccount"],
            json!({"Ref": "AWS::AccountId"}),
            "{}",
            spec.name
        );
        assert!(
            s["Condition"]["ArnLike"]["aws:SourceArn"]
                .to_string()
                .contains(":ssm:${AWS::Region}:${AWS::AccountId}:automation-execution/"),
            "{}",
            spec.name
        );
        // The pipeline's boundary, and the tag it grants the runbook actions by.
        assert!(p["PermissionsBoundary"]
            .to_string()
            .contains("PermissionsBoundary"));
        assert_eq!(
            p["Tags"],
            json!([{"Key": rdk::remediation::ROLE_TAG.0, "Value": rdk::remediation::ROLE_TAG.1}]),
            "{}",
            spec.name
        );
    }
    // The rule functions' roles never carry the remediation tag.
    for (id, role) in of_type(&t, "AWS::IAM::Role") {
        if id.ends_with("ExecutionRole") {
            assert!(
                !role["Properties"]
                    .to_string()
                    .contains(rdk::remediation::ROLE_TAG.0),
                "{id}"
            );
        }
    }
}

#[test]
fn every_remediation_is_conditional_off_by_default_and_automatic_only_where_marked_safe() {
    let t = template();
    assert_eq!(t["Parameters"]["RemediationMode"]["Default"], "off");
    assert_eq!(
        t["Parameters"]["RemediationMode"]["AllowedValues"],
        json!(["off", "manual", "automatic"])
    );
    let configs = of_type(&t, "AWS::Config::RemediationConfiguration");
    assert_eq!(configs.len(), remediating().len());
    for (id, r) in of_type(&t, "AWS::Config::RemediationConfiguration")
        .into_iter()
        .chain(
            of_type(&t, "AWS::IAM::Role")
                .into_iter()
                .filter(|(id, _)| id.ends_with("RemediationRole")),
        )
    {
        assert!(r["Condition"].is_string(), "{id} is not conditional");
        let off = BTreeMap::new();
        assert!(!deployed(&t, r, &off), "{id} is deployed by default");
        for mode in ["manual", "automatic"] {
            let on = BTreeMap::from([("RemediationMode", mode)]);
            assert!(deployed(&t, r, &on), "{id} is not deployed in {mode} mode");
        }
    }
    let automatic = |r: &Value, mode: &str| -> bool {
        let a = &r["Properties"]["Automatic"];
        match a {
            Value::Bool(b) => *b,
            _ => {
                let f = &a["Fn::If"];
                let params = BTreeMap::from([("RemediationMode", mode)]);
                let branch = if holds(&t, &json!({"Condition": f[0]}), &params) {
                    &f[1]
                } else {
                    &f[2]
                };
                branch.as_bool().expect("Automatic is a boolean")
            }
        }
    };
    let mut some_automatic = false;
    for (spec, m) in remediating() {
        let c = rdk::template::camel(spec.name);
        let r = &t["Resources"][format!("{c}Remediation")];
        assert!(
            !automatic(r, "manual"),
            "{} is automatic in manual mode",
            spec.name
        );
        assert_eq!(automatic(r, "automatic"), m.automatic, "{}", spec.name);
        some_automatic |= m.automatic;
    }
    assert!(some_automatic, "automatic mode would change nothing");
}

#[test]
fn every_remediation_configuration_targets_its_rule_and_document_with_its_parameters() {
    let t = template();
    for (spec, m) in remediating() {
        let c = rdk::template::camel(spec.name);
        let p = &t["Resources"][format!("{c}Remediation")]["Properties"];
        // The rule's own Config rule, by reference (so it is created first).
        let rule_id = format!("{c}ConfigRule");
        assert_eq!(
            p["ConfigRuleName"],
            json!({"Ref": rule_id}),
            "{}",
            spec.name
        );
        let rule = &t["Resources"][&rule_id];
        assert_eq!(rule["Type"], "AWS::Config::ConfigRule");
        assert!(
            rule["Properties"]["ConfigRuleName"]["Fn::Sub"]
                .as_str()
                .unwrap()
                .ends_with(spec.name),
            "{}",
            spec.name
        );
        assert_eq!(p["TargetType"], "SSM_DOCUMENT");
        assert_eq!(p["TargetId"], m.document);
        assert!(
            m.document.starts_with("AWS-") || m.document.starts_with("AWSConfigRemediation-"),
            "{} is not AWS-owned",
            m.document
        );
        assert_eq!(p["ResourceType"], spec.resource_types[0], "{}", spec.name);
        let given = p["Parameters"].as_object().unwrap();
        assert_eq!(given.len(), m.parameters.len(), "{}", spec.name);
        for rp in m.parameters {
            let v = &given[rp.name];
            let expected = match rp.value {
                ParamValue::ResourceId => json!({"ResourceValue": {"Value": "RESOURCE_ID"}}),
                ParamValue::Static(s) => json!({"StaticValue": {"Values": [s]}}),
                ParamValue::AssumeRole => json!({"StaticValue": {"Values": [
                    {"Fn::GetAtt": [format!("{c}RemediationRole"), "Arn"]}
                ]}}),
            };
            assert_eq!(v, &expected, "{} {}", spec.name, rp.name);
        }
        assert!(
            given["AutomationAssumeRole"]["StaticValue"].is_object(),
            "{}: AWS Config runs automatic remediations only with AutomationAssumeRole",
            spec.name
        );
        assert_eq!(
            p["MaximumAutomaticAttempts"],
            json!({"Ref": "RemediationMaximumAutomaticAttempts"})
        );
        assert_eq!(
            p["RetryAttemptSeconds"],
            json!({"Ref": "RemediationRetryAttemptSeconds"})
        );
    }
    // The retry parameters stay within what AWS Config takes (attempts 1-25,
    // seconds 1-2678000).
    let attempts = &t["Parameters"]["RemediationMaximumAutomaticAttempts"];
    assert_eq!(
        (attempts["MinValue"].as_i64(), attempts["MaxValue"].as_i64()),
        (Some(1), Some(25))
    );
    let seconds = &t["Parameters"]["RemediationRetryAttemptSeconds"];
    assert_eq!(
        (seconds["MinValue"].as_i64(), seconds["MaxValue"].as_i64()),
        (Some(1), Some(2_678_000))
    );
}

#[test]
fn a_template_of_rules_without_remediation_has_no_remediation_parameters() {
    let rule = rules_lib::rules::find("encrypted-volumes").unwrap();
    assert!(rule.spec().remediation.is_none());
    let t = rdk::template::rules_template(&[rule]).unwrap();
    let text = t.to_string();
    assert!(!text.contains("Remediation"), "{text}");
}

#[test]
fn the_pipeline_boundary_gives_the_runbook_actions_only_to_tagged_remediation_roles() {
    let text = std::fs::read_to_string(root().join("cloudformation/pipeline.yaml")).unwrap();
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let statements = doc["Resources"]["StackRoleBoundary"]["Properties"]["PolicyDocument"]
        ["Statement"]
        .as_sequence()
        .unwrap();
    let runbooks = statements
        .iter()
        .find(|s| s["Sid"].as_str() == Some("RemediationRunbooks"))
        .expect("the boundary has a RemediationRunbooks statement");
    let key = format!("aws:PrincipalTag/{}", rdk::remediation::ROLE_TAG.0);
    assert_eq!(
        runbooks["Condition"]["StringEquals"][key.as_str()].as_str(),
        Some(rdk::remediation::ROLE_TAG.1)
    );
    let allowed: Vec<&str> = runbooks["Action"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let mut needed: Vec<&str> = remediating()
        .iter()
        .flat_map(|(_, m)| m.actions.iter().copied())
        .collect();
    needed.sort_unstable();
    needed.dedup();
    assert_eq!(
        allowed, needed,
        "the RemediationRunbooks statement lists exactly the catalog's runbook actions, sorted"
    );
    // The deploy role manages the remediation configurations and passes no role to SSM
    // (AWS Config's remediation service-linked role does that).
    let deploy = serde_yaml::to_string(&doc["Resources"]["DeployRole"]).unwrap();
    assert!(deploy.contains("config:PutRemediationConfigurations"));
    assert!(deploy.contains("config:DeleteRemediationConfiguration"));
    assert!(!deploy.contains("ssm.amazonaws.com"), "{deploy}");
}

#[test]
fn the_whole_catalog_template_stays_within_cloudformation_limits_and_passes_cfn_lint() {
    let t = template();
    let parameters = t["Parameters"].as_object().unwrap().len();
    let resources = t["Resources"].as_object().unwrap().len();
    let outputs = t["Outputs"].as_object().unwrap().len();
    let yaml = rdk::template::to_yaml(&t);
    // CloudFormation: 200 parameters, 500 resources, 200 outputs, a 1 MB body (from S3).
    assert!(parameters <= 200, "{parameters} parameters");
    assert!(resources <= 500, "{resources} resources");
    assert!(outputs <= 200, "{outputs} outputs");
    assert!(yaml.len() <= 1_048_576, "{} bytes", yaml.len());
    let file = scratch_dir().join("rules-with-remediation.yaml");
    std::fs::write(&file, &yaml).unwrap();
    let out = Command::new(tool("cfn-lint"))
        .arg(&file)
        .output()
        .expect("cfn-lint runs");
    assert!(
        out.status.success(),
        "cfn-lint found problems:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..proptest::prelude::ProptestConfig::default() })]

    /// Any selection of rules (what `--rules` and `--rulesets` produce): each rule with a
    /// remediation gets exactly one role with its document's actions and one configuration
    /// for its own rule, no other rule gets any, and the remediation parameters exist only
    /// when some selected rule remediates.
    #[test]
    fn any_selection_of_rules_gets_exactly_its_remediations(
        picked in proptest::sample::subsequence(
            (0..rules_lib::rules::catalog().len()).collect::<Vec<_>>(),
            0..=rules_lib::rules::catalog().len(),
        )
    ) {
        let catalog = rules_lib::rules::catalog();
        let rules: Vec<&dyn rules_lib::Rule> = picked.iter().map(|&i| catalog[i]).collect();
        let t = rdk::template::rules_template(&rules).unwrap();
        let expected: Vec<&RuleSpec> = rules
            .iter()
            .map(|r| r.spec())
            .filter(|s| s.remediation.is_some())
            .collect();
        proptest::prop_assert_eq!(
            of_type(&t, "AWS::Config::RemediationConfiguration").len(),
            expected.len()
        );
        proptest::prop_assert_eq!(
            t["Parameters"].get("RemediationMode").is_some(),
            !expected.is_empty()
        );
        let mut roles = 0;
        for (id, role) in of_type(&t, "AWS::IAM::Role") {
            if !id.ends_with("RemediationRole") {
                continue;
            }
            roles += 1;
            let spec = expected
                .iter()
                .find(|s| format!("{}RemediationRole", rdk::template::camel(s.name)) == *id)
                .expect("a remediation role belongs to a selected remediating rule");
            let mut actions: Vec<&str> = spec.remediation.unwrap().actions.to_vec();
            actions.sort_unstable();
            proptest::prop_assert_eq!(
                &role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]["Action"],
                &json!(actions)
            );
            let c = rdk::template::camel(spec.name);
            proptest::prop_assert_eq!(
                &t["Resources"][format!("{c}Remediation")]["Properties"]["ConfigRuleName"],
                &json!({"Ref": format!("{c}ConfigRule")})
            );
        }
        proptest::prop_assert_eq!(roles, expected.len());
    }
}
