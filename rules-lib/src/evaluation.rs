//! Evaluations in the PutEvaluations shape, and the limits the service enforces.

use serde::Serialize;

use crate::item::Timestamp;

/// At most this many evaluations per PutEvaluations call.
pub const MAX_EVALUATIONS_PER_CALL: usize = 100;
/// Longest annotation the service accepts, in characters.
pub const MAX_ANNOTATION_CHARS: usize = 256;
/// Longest `ComplianceResourceType` PutEvaluations accepts, in characters.
pub const MAX_RESOURCE_TYPE_CHARS: usize = 256;
/// Longest `ComplianceResourceId` PutEvaluations accepts, in characters.
pub const MAX_RESOURCE_ID_CHARS: usize = 768;
/// What marks a truncated annotation.
pub const TRUNCATION_MARK: &str = " [...]";

/// A verdict a rule may report. INSUFFICIENT_DATA is refused by PutEvaluations, so it
/// is not representable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Compliance {
    /// `COMPLIANT`.
    #[serde(rename = "COMPLIANT")]
    Compliant,
    /// `NON_COMPLIANT`.
    #[serde(rename = "NON_COMPLIANT")]
    NonCompliant,
    /// `NOT_APPLICABLE`.
    #[serde(rename = "NOT_APPLICABLE")]
    NotApplicable,
}

impl Compliance {
    /// The wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Compliant => "COMPLIANT",
            Self::NonCompliant => "NON_COMPLIANT",
            Self::NotApplicable => "NOT_APPLICABLE",
        }
    }

    /// Reads the wire name; INSUFFICIENT_DATA and anything else is `None`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "COMPLIANT" => Some(Self::Compliant),
            "NON_COMPLIANT" => Some(Self::NonCompliant),
            "NOT_APPLICABLE" => Some(Self::NotApplicable),
            _ => None,
        }
    }
}

impl std::fmt::Display for Compliance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule decides about one resource; the engine adds the resource and time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The verdict.
    pub compliance: Compliance,
    /// Why, for a person; empty means none.
    pub annotation: String,
}

impl Verdict {
    /// COMPLIANT.
    pub fn compliant(annotation: impl Into<String>) -> Self {
        Self {
            compliance: Compliance::Compliant,
            annotation: annotation.into(),
        }
    }
    /// NON_COMPLIANT.
    pub fn non_compliant(annotation: impl Into<String>) -> Self {
        Self {
            compliance: Compliance::NonCompliant,
            annotation: annotation.into(),
        }
    }
    /// NOT_APPLICABLE.
    pub fn not_applicable(annotation: impl Into<String>) -> Self {
        Self {
            compliance: Compliance::NotApplicable,
            annotation: annotation.into(),
        }
    }
}

/// One evaluation, exactly as PutEvaluations takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Evaluation {
    /// `ComplianceResourceType` (1..256 chars).
    pub compliance_resource_type: String,
    /// `ComplianceResourceId` (1..768 chars).
    pub compliance_resource_id: String,
    /// `ComplianceType`.
    pub compliance_type: Compliance,
    /// `Annotation`: absent when empty, at most 256 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotation: Option<String>,
    /// `OrderingTimestamp`.
    pub ordering_timestamp: Timestamp,
}

impl Evaluation {
    /// Builds an evaluation, dropping an empty annotation and truncating a long one.
    pub fn new(
        resource_type: impl Into<String>,
        resource_id: impl Into<String>,
        compliance: Compliance,
        annotation: &str,
        ordering_timestamp: Timestamp,
    ) -> Self {
        Self {
            compliance_resource_type: resource_type.into(),
            compliance_resource_id: resource_id.into(),
            compliance_type: compliance,
            annotation: fit_annotation(annotation),
            ordering_timestamp,
        }
    }

    /// Why PutEvaluations would refuse this evaluation, if it would: an empty or too
    /// long resource type or id. Checked before anything is sent.
    pub fn invalid_reason(&self) -> Option<String> {
        let check = |what: &str, value: &str, max: usize| {
            let n = value.chars().count();
            (n == 0 || n > max)
                .then(|| format!("{what} is {n} characters long; PutEvaluations takes 1 to {max}"))
        };
        check(
            "ComplianceResourceType",
            &self.compliance_resource_type,
            MAX_RESOURCE_TYPE_CHARS,
        )
        .or_else(|| {
            check(
                "ComplianceResourceId",
                &self.compliance_resource_id,
                MAX_RESOURCE_ID_CHARS,
            )
        })
    }

    /// `type/id`, for logs.
    pub fn resource_key(&self) -> String {
        format!(
            "{}/{}",
            self.compliance_resource_type, self.compliance_resource_id
        )
    }
}

/// Trims an annotation, drops it when empty, and truncates it visibly to 256 characters.
pub fn fit_annotation(annotation: &str) -> Option<String> {
    let a = annotation.trim();
    if a.is_empty() {
        return None;
    }
    if a.chars().count() <= MAX_ANNOTATION_CHARS {
        return Some(a.to_string());
    }
    let keep = MAX_ANNOTATION_CHARS - TRUNCATION_MARK.chars().count();
    let mut out: String = a.chars().take(keep).collect();
    out.push_str(TRUNCATION_MARK);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_are_dropped_when_empty_and_truncated_visibly() {
        assert_eq!(fit_annotation("  "), None);
        assert_eq!(fit_annotation("ok").as_deref(), Some("ok"));
        let exact = "x".repeat(256);
        assert_eq!(fit_annotation(&exact).unwrap(), exact);
        let long = "é".repeat(300);
        let cut = fit_annotation(&long).unwrap();
        assert_eq!(cut.chars().count(), 256);
        assert!(cut.ends_with(TRUNCATION_MARK));
    }

    #[test]
    fn serializes_in_put_evaluations_shape() {
        let t = Timestamp::parse("2016-02-17T01:36:34.043Z").unwrap();
        let e = Evaluation::new("AWS::EC2::Volume", "vol-1", Compliance::Compliant, "", t);
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({
                "ComplianceResourceType": "AWS::EC2::Volume",
                "ComplianceResourceId": "vol-1",
                "ComplianceType": "COMPLIANT",
                "OrderingTimestamp": "2016-02-17T01:36:34.043Z"
            })
        );
    }
}
