//! ferrule's rule library: AWS Config custom rules, written once, run everywhere.
//!
//! One evaluation path serves the Lambda functions, the `rdk` CLI and the tests:
//!
//! ```
//! use rules_lib::{engine, rules, ConfigurationItem, Params, Timestamp};
//!
//! let item = ConfigurationItem::from_json_str(r#"{
//!     "resourceType": "AWS::EC2::Volume", "resourceId": "vol-1",
//!     "configurationItemStatus": "OK",
//!     "configurationItemCaptureTime": "2024-05-01T10:00:00.000Z",
//!     "configuration": {"encrypted": false, "attachments": [{"instanceId": "i-1"}]}
//! }"#).unwrap();
//! let rule = rules::find("encrypted-volumes").unwrap();
//! let evaluation = engine::evaluate_item(rule, &item, &Params::default(), Timestamp::now()).unwrap();
//! assert_eq!(evaluation.compliance_type.as_str(), "NON_COMPLIANT");
//! ```
//!
//! A Lambda function for a rule is `rules_lib::lambda::run(&MyRule)` in `main`.
#![warn(missing_docs)]

pub mod config_api;
pub mod credentials;
pub mod deliver;
pub mod engine;
pub mod error;
pub mod evaluation;
pub mod event;
pub mod iam_api;
pub mod item;
pub mod kms;
pub mod lambda;
pub mod metrics;
pub mod network;
pub mod params;
pub mod policy;
pub mod preventive;
pub mod remediation;
pub mod retry;
pub mod rule;
pub mod rules;
pub mod scan;
#[cfg(test)]
pub(crate) mod testing;
pub mod views;

pub use error::{ApiError, EventError, ItemError, ParamError, RuleError};
pub use evaluation::{Compliance, Evaluation, Verdict};
pub use event::{Event, InvokingEvent};
pub use item::{ConfigurationItem, Timestamp};
pub use params::{ParamKind, ParamSpec, Params};
pub use remediation::{ParamValue, Remediation, RemediationParam};
pub use rule::{Frequency, ItemRule, Rule, RuleKind, RuleSpec, Severity, Trigger};

/// Writes the `main` of a rule's Lambda function.
///
/// ```no_run
/// rules_lib::lambda_main!(rules_lib::rules::EncryptedVolumes);
/// ```
#[macro_export]
macro_rules! lambda_main {
    ($rule:expr) => {
        #[tokio::main]
        async fn main() -> Result<(), $crate::lambda::LambdaError> {
            $crate::lambda::run(&$rule).await
        }
    };
}
