//! What fixes what a rule finds: an AWS-owned SSM Automation document (a runbook) that
//! AWS Config runs on a non-compliant resource, with the values of its parameters and the
//! IAM actions the role it assumes needs.
//!
//! A rule declares one in its [`RuleSpec`](crate::RuleSpec) (`remediation: Some(&...)`);
//! `rdk create-rule-template` turns it into an `AWS::Config::RemediationConfiguration`
//! and the role the automation assumes, granted exactly [`Remediation::actions`].
//!
//! Every remediation here uses a runbook whose AWS reference page lists its parameters
//! and its "Required IAM permissions"; [`Remediation::source`] is that page, and the
//! actions are the ones it lists, no more.

/// The parameter of every AWS-owned runbook that names the role the automation assumes.
pub const ASSUME_ROLE_PARAMETER: &str = "AutomationAssumeRole";

/// The placeholder AWS Config replaces with the non-compliant resource's id
/// (`ResourceValue`).
pub const RESOURCE_ID: &str = "RESOURCE_ID";

/// The value a runbook parameter gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamValue {
    /// The non-compliant resource's id (the evaluation's `ComplianceResourceId`), as
    /// [`RESOURCE_ID`].
    ResourceId,
    /// A fixed value.
    Static(&'static str),
    /// The ARN of the role the automation assumes (the role the template creates).
    AssumeRole,
}

/// One runbook parameter and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemediationParam {
    /// The runbook's parameter name, exactly as the document spells it.
    pub name: &'static str,
    /// Its value.
    pub value: ParamValue,
}

impl RemediationParam {
    /// `name` gets the resource id.
    pub const fn resource_id(name: &'static str) -> Self {
        Self {
            name,
            value: ParamValue::ResourceId,
        }
    }
    /// `name` gets a fixed value.
    pub const fn fixed(name: &'static str, value: &'static str) -> Self {
        Self {
            name,
            value: ParamValue::Static(value),
        }
    }
    /// [`ASSUME_ROLE_PARAMETER`] gets the automation role's ARN.
    pub const ASSUME_ROLE: Self = Self {
        name: ASSUME_ROLE_PARAMETER,
        value: ParamValue::AssumeRole,
    };
}

/// A rule's remediation: an AWS-owned SSM Automation document and how to call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Remediation {
    /// The SSM document (`TargetId`), AWS-owned (`AWS-...` or `AWSConfigRemediation-...`).
    pub document: &'static str,
    /// Every parameter the remediation passes: the assume role, the resource id, and
    /// fixed values.
    pub parameters: &'static [RemediationParam],
    /// The IAM actions the role the automation assumes needs: exactly those the
    /// document's reference lists under "Required IAM permissions".
    pub actions: &'static [&'static str],
    /// Whether the fix is safe to run unattended (the template's `RemediationMode`
    /// `automatic` makes only these automatic; the others stay manual). False unless the
    /// rule says so: a fix that cuts access or deletes credentials waits for a person.
    pub automatic: bool,
    /// The document's reference page (its parameters and required permissions).
    pub source: &'static str,
}

impl Remediation {
    /// The defaults: manual only. Document, parameters, actions and source are always
    /// the remediation's own (the catalog test refuses empty ones).
    pub const MANUAL: Remediation = Remediation {
        document: "",
        parameters: &[],
        actions: &[],
        automatic: false,
        source: "",
    };

    /// The parameter that gets the resource id, if any.
    pub fn resource_id_parameter(&self) -> Option<&'static str> {
        self.parameters
            .iter()
            .find(|p| p.value == ParamValue::ResourceId)
            .map(|p| p.name)
    }

    /// The actions, sorted and unique (what the role's policy lists).
    pub fn sorted_actions(&self) -> Vec<&'static str> {
        let mut a = self.actions.to_vec();
        a.sort_unstable();
        a.dedup();
        a
    }

    /// Why this remediation cannot be deployed as declared, if it cannot: the document
    /// is not AWS-owned, the assume-role parameter is missing or mapped to something
    /// else, a parameter is named twice, the resource id goes to more than one
    /// parameter, an action is not `service:Action`, or the source is not a page.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !(self.document.starts_with("AWS-")
            || self.document.starts_with("AWSConfigRemediation-"))
        {
            out.push(format!(
                "document `{}` is not AWS-owned (AWS-... or AWSConfigRemediation-...)",
                self.document
            ));
        }
        let assume: Vec<_> = self
            .parameters
            .iter()
            .filter(|p| p.value == ParamValue::AssumeRole)
            .collect();
        if assume.len() != 1 || assume[0].name != ASSUME_ROLE_PARAMETER {
            out.push(format!(
                "the role must be passed once, as {ASSUME_ROLE_PARAMETER} (AWS Config runs automatic remediations only with it)"
            ));
        }
        let ids = self
            .parameters
            .iter()
            .filter(|p| p.value == ParamValue::ResourceId)
            .count();
        if ids > 1 {
            out.push(format!(
                "{ids} parameters get {RESOURCE_ID}; AWS Config passes it to one"
            ));
        }
        for (i, p) in self.parameters.iter().enumerate() {
            if p.name.is_empty() || !p.name.chars().all(|c| c.is_ascii_alphanumeric()) {
                out.push(format!(
                    "parameter name `{}` is not a runbook parameter name",
                    p.name
                ));
            }
            if self.parameters[..i].iter().any(|q| q.name == p.name) {
                out.push(format!("parameter {} is given twice", p.name));
            }
            if p.value == ParamValue::Static("") {
                out.push(format!("parameter {} has an empty fixed value", p.name));
            }
        }
        if self.actions.is_empty() {
            out.push("no IAM actions: the automation could do nothing".into());
        }
        for a in self.actions {
            if !well_formed_action(a) {
                out.push(format!("action `{a}` is not service:Action"));
            }
        }
        if self.sorted_actions().len() != self.actions.len() {
            out.push("an action is listed twice".into());
        }
        if !self.source.starts_with("https://docs.aws.amazon.com/") {
            out.push(format!(
                "source `{}` is not the document's AWS reference page",
                self.source
            ));
        }
        out
    }
}

/// `service:Action`: a lower-case service prefix, a colon, and an action name of letters
/// (no wildcard).
pub fn well_formed_action(a: &str) -> bool {
    match a.split_once(':') {
        Some((service, action)) => {
            !service.is_empty()
                && service
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !action.is_empty()
                && action.chars().all(|c| c.is_ascii_alphanumeric())
                && action.starts_with(|c: char| c.is_ascii_uppercase())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_must_be_service_colon_action_without_wildcards() {
        assert!(well_formed_action("s3:PutBucketPolicy"));
        assert!(well_formed_action("apigateway:GET"));
        assert!(!well_formed_action("s3:*"));
        assert!(!well_formed_action("PutBucketPolicy"));
        assert!(!well_formed_action("S3:PutBucketPolicy"));
        assert!(!well_formed_action("s3:"));
    }

    #[test]
    fn a_remediation_without_the_assume_role_or_with_two_resource_ids_is_refused() {
        const BAD: Remediation = Remediation {
            document: "Custom-Fix",
            parameters: &[
                RemediationParam::resource_id("A"),
                RemediationParam::resource_id("B"),
            ],
            actions: &["s3:*"],
            source: "https://example.com",
            ..Remediation::MANUAL
        };
        let p = BAD.problems().join("\n");
        for needle in [
            "not AWS-owned",
            "AutomationAssumeRole",
            "2 parameters get RESOURCE_ID",
            "`s3:*`",
            "reference page",
        ] {
            assert!(p.contains(needle), "{needle} missing from:\n{p}");
        }
        const GOOD: Remediation = Remediation {
            document: "AWS-DisableIncomingSSHOnPort22",
            parameters: &[
                RemediationParam::ASSUME_ROLE,
                RemediationParam::resource_id("SecurityGroupIds"),
            ],
            actions: &["ec2:DescribeSecurityGroups"],
            source: "https://docs.aws.amazon.com/x.html",
            ..Remediation::MANUAL
        };
        assert_eq!(GOOD.problems(), Vec::<String>::new());
        assert_eq!(GOOD.resource_id_parameter(), Some("SecurityGroupIds"));
    }
}
