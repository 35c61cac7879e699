//! Policy documents: bytes → `PolicyDocument::from_text` (JSON or URL-encoded JSON
//! text) and, when the bytes are JSON, `PolicyDocument::from_value`; every analysis
//! (public statements, admin statements, public grants, per-statement checks) on a read
//! document. Then the same text as the policy every policy-reading rule looks at (S3
//! bucket policy, SQS/SNS `Policy`, Lambda and KMS `Policy`, an IAM policy's default
//! version), judged by the rules in scope.
//!
//! Property: never panics; the text and the value of an object read the same;
//! resource-policy-no-public-access judges an SQS/SNS policy exactly as the analysis of
//! the document says (unreadable or public: NON_COMPLIANT).
#![no_main]

use ferrule_fuzz::{evaluate_and_check, fallback_time, rules_with_params};
use libfuzzer_sys::fuzz_target;
use rules_lib::policy::{wildcard_match, PolicyDocument};
use rules_lib::{engine, Compliance, ConfigurationItem};
use serde_json::{json, Value};

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "sqs:SendMessage",
    "sns:Publish",
    "lambda:InvokeFunction",
    "kms:Decrypt",
    "*",
];

fn analyse(doc: &PolicyDocument) {
    let _ = doc.public_statements();
    let _ = doc.admin_statements();
    let _ = doc.public_grants(ACTIONS);
    for s in &doc.statements {
        let _ = s.is_public_principal();
        let _ = s.is_pinned_by_condition();
        for a in ACTIONS {
            let _ = s.matches_action(a);
        }
        for p in s.action.iter().chain(&s.resource) {
            let _ = wildcard_match(p, "s3:GetObject");
            let _ = wildcard_match(p, p);
        }
    }
}

fn items(policy: &str) -> Vec<Value> {
    let base = |t: &str, id: &str, configuration: Value, supplementary: Value| {
        json!({
            "resourceType": t, "resourceId": id, "configurationItemStatus": "OK",
            "configurationItemCaptureTime": "2024-05-01T10:00:00.000Z",
            "configuration": configuration, "supplementaryConfiguration": supplementary,
        })
    };
    vec![
        base(
            "AWS::S3::Bucket",
            "fuzz-bucket",
            json!({"name": "fuzz-bucket"}),
            json!({"BucketPolicy": {"policyText": policy}}),
        ),
        base("AWS::SQS::Queue", "q", json!({"Policy": policy}), json!({})),
        base("AWS::SNS::Topic", "t", json!({"Policy": policy}), json!({})),
        base(
            "AWS::Lambda::Function",
            "f",
            json!({"functionName": "f"}),
            json!({"Policy": policy}),
        ),
        base(
            "AWS::KMS::Key",
            "k",
            json!({"keyId": "k"}),
            json!({"Policy": policy}),
        ),
        base(
            "AWS::IAM::Policy",
            "p",
            json!({"policyName": "p", "defaultVersionId": "v1",
                   "policyVersionList": [{"versionId": "v1", "isDefaultVersion": true, "document": policy}]}),
            json!({}),
        ),
    ]
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let from_text = PolicyDocument::from_text(text);
    if let Ok(doc) = &from_text {
        analyse(doc);
    }
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        let from_value = PolicyDocument::from_value(&v);
        if let Ok(doc) = &from_value {
            analyse(doc);
        }
        if v.is_object() && !text.trim_start().starts_with('%') {
            assert_eq!(
                from_text.as_ref().ok(),
                from_value.as_ref().ok(),
                "an object and its text read differently"
            );
        }
    }
    // What resource-policy-no-public-access must answer for an SQS queue or SNS topic
    // whose `Policy` is this text: it reads the text exactly as `from_text` does, and
    // exposure is the one decision of `PolicyDocument::exposures`.
    let expected = match &from_text {
        _ if text.is_empty() => Compliance::Compliant,
        Err(_) => Compliance::NonCompliant,
        Ok(d) if d.exposures().is_empty() => Compliance::Compliant,
        Ok(_) => Compliance::NonCompliant,
    };
    for v in items(text) {
        let item = match ConfigurationItem::from_value(&v) {
            Ok(item) => item,
            Err(e) => {
                let _ = e.to_string();
                continue;
            }
        };
        for (rule, params) in rules_with_params() {
            if !rule.spec().in_scope(&item.resource_type) {
                continue;
            }
            evaluate_and_check(*rule, &item, params);
            if rule.spec().name == "resource-policy-no-public-access"
                && matches!(
                    item.resource_type.as_str(),
                    "AWS::SQS::Queue" | "AWS::SNS::Topic"
                )
            {
                let e = engine::evaluate_item(*rule, &item, params, fallback_time())
                    .expect("an SQS or SNS item with a configuration is judged");
                assert_eq!(e.compliance_type, expected, "{e:?}");
            }
        }
    }
});
