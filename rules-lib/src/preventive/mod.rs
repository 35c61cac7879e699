//! Preventive checks: the same rules, judging infrastructure code before it is deployed.
//!
//! `template text → positioned tree (`yaml`) → template sections (`template`) → values
//! resolved as far as they are known, unknowns marked (`resolve`) → configuration items
//! in the Config shape, related resources folded in (`translate`) → the same
//! [`crate::engine::evaluate_item`] → verdicts with positions, INSUFFICIENT_DATA where a
//! verdict depends on a value known only at deploy time (`judge`)`.
//!
//! ```
//! use rules_lib::preventive::{check_text, FileOutcome};
//! use rules_lib::{rules, Params};
//!
//! let template = "Resources:\n  Data:\n    Type: AWS::EC2::Volume\n    Properties:\n      Encrypted: false\n  Attach:\n    Type: AWS::EC2::VolumeAttachment\n    Properties:\n      VolumeId: !Ref Data\n      InstanceId: i-1\n      Device: /dev/sdf\n";
//! let rule = rules::find("encrypted-volumes").unwrap();
//! let FileOutcome::Judged(report) = check_text(template, &[(rule, Params::default())], &Default::default()) else { panic!() };
//! assert_eq!(report.evaluations[0].compliance.as_str(), "NON_COMPLIANT");
//! assert_eq!(report.evaluations[0].logical_id, "Data");
//! ```

pub mod judge;
pub mod plan;
pub mod resolve;
pub mod template;
pub mod translate;
pub mod yaml;

use std::collections::HashMap;

pub use judge::{judge_template, CheckCompliance, PropertyRef, TemplateEvaluation, TemplateReport};
pub use template::{Reading, Template, TemplateError};
pub use yaml::Pos;

use crate::params::Params;
use crate::rule::Rule;

/// What became of one input file.
#[derive(Debug)]
pub enum FileOutcome {
    /// A template, judged.
    Judged(TemplateReport),
    /// Not a template (a buildspec, a manifest): why it was skipped.
    NotATemplate(String),
    /// A template that cannot be read, with the position of the problem.
    Malformed(TemplateError),
}

/// Reads and judges one file's text: a CloudFormation template, a Terraform plan
/// (`terraform show -json`) or a Pulumi preview (`pulumi preview --json`), told apart by
/// their content. Parameter `overrides` apply to templates; a plan's values are already
/// decided.
pub fn check_text(
    text: &str,
    rules: &[(&'static dyn Rule, Params)],
    overrides: &HashMap<String, String>,
) -> FileOutcome {
    let root = match template::parse(text) {
        Ok(root) => root,
        Err(e) => return FileOutcome::Malformed(e),
    };
    if let Some(kind) = plan::detect(&root) {
        let resources = match kind {
            plan::PlanKind::Terraform => plan::terraform::read(&root),
            plan::PlanKind::Pulumi => plan::pulumi::read(&root),
        };
        return match resources {
            Err(e) => FileOutcome::Malformed(e),
            Ok(resources) => {
                let converted = plan::provider::to_template(&resources);
                let mut report = judge_template(&converted.template, rules, &HashMap::new());
                report.warnings.extend(converted.warnings);
                FileOutcome::Judged(report)
            }
        };
    }
    match Template::from_node(root) {
        Err(e) => FileOutcome::Malformed(e),
        Ok(Reading::NotATemplate(why)) => FileOutcome::NotATemplate(why),
        Ok(Reading::Template(t)) => FileOutcome::Judged(judge_template(&t, rules, overrides)),
    }
}
