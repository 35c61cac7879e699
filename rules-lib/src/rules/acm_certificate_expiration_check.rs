//! `acm-certificate-expiration-check`: ACM certificates are not about to expire.

use serde::Deserialize;
use serde_json::Value;

use crate::evaluation::Verdict;
use crate::item::{ConfigurationItem, Timestamp};
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{Frequency, ItemRule, RuleSpec, Trigger};
use crate::views::{configuration, de, View, ViewError};

/// `daysToExpiration` when not given, as AWS documents it.
const DEFAULT_DAYS: i64 = 14;

const DAY_MILLIS: i64 = 24 * 60 * 60 * 1000;

/// `acm-certificate-expiration-check` (AWS managed rule ACM_CERTIFICATE_EXPIRATION_CHECK).
///
/// Documented logic: checks if ACM certificates are marked for expiration within the
/// specified number of days; NON_COMPLIANT if they are about to expire. Configuration
/// changes and periodic. Parameter `daysToExpiration` (optional int, default 14).
///
/// Data: `configuration.notAfter` (ISO-8601 text, or epoch seconds or milliseconds).
///
/// Choices:
/// - "Now" is the evaluation's wall clock ([`Timestamp::now`]), not the item's capture
///   time: the daily run re-judges every recorded certificate against the day it runs,
///   which is what makes a certificate approach expiry without any configuration
///   change. (A scan of an old snapshot therefore judges the recorded dates against
///   today.)
/// - NON_COMPLIANT when `notAfter` is at or before now + `daysToExpiration` days
///   (already expired included); the rule applies the default 14 itself when the
///   parameter is absent; any whole number is taken as given (0 flags only expired
///   certificates).
/// - A certificate without `notAfter` (pending validation, failed, never issued) has no
///   expiry to judge: NOT_APPLICABLE. An unreadable `notAfter` is a view error
///   (NON_COMPLIANT with the reason, like every unreadable configuration).
pub struct AcmCertificateExpirationCheck;

/// `daysToExpiration`.
const DAYS_TO_EXPIRATION: ParamSpec = ParamSpec::optional(
    "daysToExpiration",
    ParamKind::Int,
    "Specify the number of days before the rule flags the ACM Certificate as noncompliant",
)
.with_default("14");

static SPEC: RuleSpec = RuleSpec {
    name: "acm-certificate-expiration-check",
    description: "ACM certificates do not expire within daysToExpiration days (14 by default).",
    resource_types: &["AWS::ACM::Certificate"],
    parameters: &[DAYS_TO_EXPIRATION],
    trigger: Trigger::Both(Frequency::TwentyFourHours),
    ..RuleSpec::PERIODIC
};

/// `AWS::ACM::Certificate`: its expiry.
#[derive(Debug, Clone, Default)]
pub struct AcmCertificate {
    /// `notAfter`.
    not_after: Option<Timestamp>,
    /// `status` (`ISSUED`, `EXPIRED`, `PENDING_VALIDATION`, ...).
    status: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawCertificate {
    #[serde(default)]
    not_after: Option<Value>,
    #[serde(default, deserialize_with = "de::opt_text")]
    status: Option<String>,
}

/// A time as Config may write it: ISO-8601 text, or epoch seconds, or epoch
/// milliseconds (a number too large to be seconds).
fn time(v: &Value) -> Result<Option<Timestamp>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::Number(n) if n.as_f64().is_some_and(|f| f.abs() > 1e11) => n
            .as_f64()
            .map(|f| Timestamp::from_epoch_secs(f / 1000.0))
            .transpose(),
        other => Timestamp::from_json(other).map(Some),
    }
}

impl View for AcmCertificate {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        let raw: RawCertificate = configuration(item)?;
        let not_after = match raw.not_after.as_ref() {
            None => None,
            Some(v) => time(v).map_err(|reason| ViewError {
                what: "configuration.notAfter".into(),
                reason,
            })?,
        };
        Ok(Self {
            not_after,
            status: raw.status,
        })
    }
}

impl ItemRule for AcmCertificateExpirationCheck {
    type View = AcmCertificate;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, cert: &AcmCertificate, params: &Params) -> Verdict {
        judge_at(cert, params, Timestamp::now())
    }
}

/// The verdict with `now` given (tests fix it).
fn judge_at(cert: &AcmCertificate, params: &Params, now: Timestamp) -> Verdict {
    let Some(not_after) = cert.not_after else {
        return Verdict::not_applicable(format!(
            "the certificate has no expiry date (status {})",
            cert.status.as_deref().unwrap_or("not recorded")
        ));
    };
    let days = params.int(&DAYS_TO_EXPIRATION).unwrap_or(DEFAULT_DAYS);
    let left = not_after.epoch_millis().saturating_sub(now.epoch_millis());
    if left <= 0 {
        return Verdict::non_compliant(format!("the certificate expired at {not_after}"));
    }
    if left <= days.saturating_mul(DAY_MILLIS) {
        Verdict::non_compliant(format!(
            "the certificate expires at {not_after}, within {days} days"
        ))
    } else {
        Verdict::compliant(format!(
            "the certificate expires at {not_after}, {} days from now",
            left / DAY_MILLIS
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::json;

    fn cert(not_after: Value) -> Value {
        json!({"resourceType": "AWS::ACM::Certificate",
               "configuration": {"domainName": "www.example.com", "status": "ISSUED",
                                 "type": "IMPORTED", "notAfter": not_after}})
    }

    fn params(raw: Value) -> Params {
        Params::parse(SPEC.name, SPEC.parameters, raw.as_object().unwrap())
            .unwrap()
            .0
    }

    fn at(days_from_now: i64) -> AcmCertificate {
        let now = Timestamp::now();
        AcmCertificate {
            not_after: Some(
                Timestamp::from_epoch_secs(
                    (now.epoch_millis() + days_from_now * DAY_MILLIS) as f64 / 1000.0,
                )
                .unwrap(),
            ),
            status: Some("ISSUED".into()),
        }
    }

    #[test]
    fn a_far_expiry_is_compliant_and_a_past_one_is_not() {
        let (c, a) = verdict(
            &AcmCertificateExpirationCheck,
            cert(json!("2099-01-01T00:00:00.000Z")),
            json!({}),
        );
        assert_eq!(c, Compliant);
        assert!(a.contains("days from now"), "{a}");
        let (c, a) = verdict(
            &AcmCertificateExpirationCheck,
            cert(json!("2021-05-22T12:00:00Z")),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert!(a.contains("expired"), "{a}");
    }

    #[test]
    fn the_default_window_is_fourteen_days() {
        let now = Timestamp::now();
        let p = params(json!({}));
        assert_eq!(judge_at(&at(13), &p, now).compliance, NonCompliant);
        assert_eq!(judge_at(&at(15), &p, now).compliance, Compliant);
    }

    #[test]
    fn days_to_expiration_sets_the_window() {
        let now = Timestamp::now();
        let p = params(json!({"daysToExpiration": "30"}));
        let v = judge_at(&at(20), &p, now);
        assert_eq!(v.compliance, NonCompliant);
        assert!(v.annotation.contains("within 30 days"), "{}", v.annotation);
        assert_eq!(judge_at(&at(31), &p, now).compliance, Compliant);
        let p = params(json!({"daysToExpiration": "0"}));
        assert_eq!(judge_at(&at(1), &p, now).compliance, Compliant);
    }

    #[test]
    fn epoch_numbers_are_read_as_seconds_or_milliseconds() {
        let (c, _) = verdict(
            &AcmCertificateExpirationCheck,
            cert(json!(4_070_908_800_i64)),
            json!({}),
        );
        assert_eq!(c, Compliant);
        let (c, _) = verdict(
            &AcmCertificateExpirationCheck,
            cert(json!(1_621_684_800_000_i64)),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
    }

    #[test]
    fn no_expiry_is_not_applicable_and_an_unreadable_one_says_why() {
        let (c, a) = verdict(&AcmCertificateExpirationCheck, cert(Value::Null), json!({}));
        assert_eq!(c, NotApplicable);
        assert!(a.contains("no expiry date"), "{a}");
        let (c, a) = verdict(
            &AcmCertificateExpirationCheck,
            cert(json!("soon")),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert!(a.contains("notAfter"), "{a}");
    }
}
