//! Delivery: PutEvaluations in chunks of at most 100, with the same result token.
//!
//! Throttling and 5xx are retried by the [`ConfigApi`] the caller passes (wrap it in
//! [`crate::retry::Retrying`]). Evaluations the service returns as
//! `FailedEvaluations` are sent again, up to [`MAX_RESENDS`] times. Whatever still
//! could not be delivered comes back as [`DeliveryError`], listing every evaluation,
//! so the invocation fails (Lambda and Config retry it) instead of losing a result.

use thiserror::Error;

use crate::config_api::ConfigApi;
use crate::error::ApiError;
use crate::evaluation::{Evaluation, MAX_EVALUATIONS_PER_CALL};

/// The result token that turns on `TestMode` (the AWS RDK convention).
pub const TEST_MODE_TOKEN: &str = "TESTMODE";
/// How many times evaluations reported in `FailedEvaluations` are sent again.
pub const MAX_RESENDS: usize = 3;

/// What a delivery did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// PutEvaluations calls that the service accepted.
    pub calls: usize,
    /// Evaluations the service accepted.
    pub delivered: usize,
    /// Evaluations that had to be sent again after a `FailedEvaluations` answer.
    pub resent: usize,
    /// Whether TestMode was set.
    pub test_mode: bool,
}

/// Some evaluations could not be delivered.
#[derive(Debug, Error, Clone)]
#[error(
    "{} of {} evaluations were not delivered to AWS Config ({reason}); \
     the invocation fails so that it is retried. Undelivered: {}",
    undelivered.len(),
    undelivered.len() + report.delivered,
    undelivered.iter().map(|e| format!("{} {}", e.resource_key(), e.compliance_type)).collect::<Vec<_>>().join(", ")
)]
pub struct DeliveryError {
    /// Every evaluation that did not arrive.
    pub undelivered: Vec<Evaluation>,
    /// What did arrive.
    pub report: DeliveryReport,
    /// Why the rest did not.
    pub reason: String,
    /// The last API error, when one caused it.
    pub api_error: Option<ApiError>,
}

/// Sends `evaluations` with `result_token`. With none, sends one empty call so the
/// rule's last-run status updates (as rdklib does).
pub async fn deliver(
    api: &dyn ConfigApi,
    evaluations: &[Evaluation],
    result_token: &str,
) -> Result<DeliveryReport, DeliveryError> {
    let test_mode = result_token == TEST_MODE_TOKEN;
    let mut report = DeliveryReport {
        test_mode,
        ..Default::default()
    };
    if evaluations.is_empty() {
        return match api.put_evaluations(&[], result_token, test_mode).await {
            Ok(_) => {
                report.calls = 1;
                Ok(report)
            }
            Err(e) => Err(DeliveryError {
                undelivered: Vec::new(),
                reason: format!("the empty status update failed: {e}"),
                report,
                api_error: Some(e),
            }),
        };
    }

    // What the service would refuse is refused here, before anything is sent: the
    // invocation fails whole, naming each evaluation, instead of after a partial write.
    let invalid: Vec<(Evaluation, String)> = evaluations
        .iter()
        .filter_map(|e| e.invalid_reason().map(|r| (e.clone(), r)))
        .collect();
    if !invalid.is_empty() {
        let reason = format!(
            "PutEvaluations would refuse {} of them, so none was sent: {}",
            invalid.len(),
            invalid
                .iter()
                .take(5)
                .map(|(e, r)| format!(
                    "{}: {r}",
                    e.resource_key().chars().take(120).collect::<String>()
                ))
                .collect::<Vec<_>>()
                .join("; ")
        );
        return Err(DeliveryError {
            undelivered: evaluations.to_vec(),
            report,
            reason,
            api_error: None,
        });
    }

    let mut undelivered = Vec::new();
    let mut last_error = None;
    for chunk in evaluations.chunks(MAX_EVALUATIONS_PER_CALL) {
        let mut pending: Vec<Evaluation> = chunk.to_vec();
        let mut round = 0;
        loop {
            match api.put_evaluations(&pending, result_token, test_mode).await {
                Ok(failed) => {
                    report.calls += 1;
                    // Match the service's FailedEvaluations back to what we sent.
                    let (failed_sent, ok): (Vec<Evaluation>, Vec<Evaluation>) =
                        pending.into_iter().partition(|e| {
                            failed.iter().any(|f| {
                                f.compliance_resource_type == e.compliance_resource_type
                                    && f.compliance_resource_id == e.compliance_resource_id
                            })
                        });
                    report.delivered += ok.len();
                    if failed_sent.is_empty() {
                        break;
                    }
                    if round == MAX_RESENDS {
                        tracing::error!(
                            count = failed_sent.len(),
                            "AWS Config kept reporting evaluations as failed"
                        );
                        last_error.get_or_insert_with(|| ApiError::Rejected {
                            operation: "PutEvaluations",
                            code: "FailedEvaluations".into(),
                            message: format!(
                                "the service reported them as FailedEvaluations {} times",
                                MAX_RESENDS + 1
                            ),
                        });
                        undelivered.extend(failed_sent);
                        break;
                    }
                    tracing::warn!(
                        count = failed_sent.len(),
                        round = round + 1,
                        "re-sending FailedEvaluations"
                    );
                    report.resent += failed_sent.len();
                    pending = failed_sent;
                    round += 1;
                }
                Err(e) => {
                    tracing::error!(error = %e, count = pending.len(), "PutEvaluations failed");
                    undelivered.extend(pending);
                    last_error = Some(e);
                    break;
                }
            }
        }
    }
    if undelivered.is_empty() {
        return Ok(report);
    }
    for e in &undelivered {
        tracing::error!(
            resource_type = %e.compliance_resource_type,
            resource_id = %e.compliance_resource_id,
            compliance = %e.compliance_type,
            "evaluation not delivered"
        );
    }
    Err(DeliveryError {
        reason: last_error
            .as_ref()
            .map(|e| e.to_string())
            .unwrap_or_else(|| "unknown".into()),
        undelivered,
        report,
        api_error: last_error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance;
    use crate::item::Timestamp;
    use crate::retry::{RetryPolicy, Retrying};
    use crate::testing::FakeConfigApi;
    use std::time::Duration;

    fn evals(n: usize) -> Vec<Evaluation> {
        let t = Timestamp::parse("2024-01-01T00:00:00Z").unwrap();
        (0..n)
            .map(|i| {
                Evaluation::new(
                    "AWS::EC2::Volume",
                    format!("vol-{i}"),
                    Compliance::Compliant,
                    "",
                    t,
                )
            })
            .collect()
    }

    fn fast() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
        }
    }

    #[tokio::test]
    async fn two_hundred_fifty_evaluations_take_three_calls_with_one_token() {
        let api = FakeConfigApi::default();
        let r = deliver(&api, &evals(250), "tok").await.unwrap();
        assert_eq!(r.calls, 3);
        assert_eq!(r.delivered, 250);
        let calls = api.put_calls();
        assert_eq!(
            calls.iter().map(|c| c.0.len()).collect::<Vec<_>>(),
            [100, 100, 50]
        );
        assert!(calls.iter().all(|c| c.1 == "tok" && !c.2));
    }

    #[tokio::test]
    async fn no_evaluations_still_send_one_empty_call_and_testmode_token_sets_test_mode() {
        let api = FakeConfigApi::default();
        let r = deliver(&api, &[], TEST_MODE_TOKEN).await.unwrap();
        assert_eq!((r.calls, r.test_mode), (1, true));
        assert_eq!(api.put_calls()[0].0.len(), 0);
        assert!(api.put_calls()[0].2);
    }

    #[tokio::test]
    async fn throttling_is_retried_until_delivered() {
        let api = Retrying::new(FakeConfigApi::default().throttle_first(3), fast());
        let r = deliver(&api, &evals(5), "tok").await.unwrap();
        assert_eq!(r.delivered, 5);
        assert_eq!(api.inner().attempts(), 4);
        assert_eq!(api.inner().put_calls().len(), 1);
    }

    #[tokio::test]
    async fn failed_evaluations_are_resent_then_reported() {
        let api = FakeConfigApi::default().fail_first_evaluations(2);
        let r = deliver(&api, &evals(3), "tok").await.unwrap();
        assert_eq!((r.delivered, r.resent, r.calls), (3, 2, 3));

        let api = FakeConfigApi::default().fail_first_evaluations(1000);
        let err = deliver(&api, &evals(3), "tok").await.unwrap_err();
        assert_eq!(err.report.delivered, 2);
        assert_eq!(err.undelivered.len(), 1);
        assert_eq!(api.put_calls().len(), 1 + MAX_RESENDS);
        assert!(
            err.to_string().contains("AWS::EC2::Volume/vol-0 COMPLIANT"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_rejected_chunk_is_listed_and_the_others_still_go() {
        let api = FakeConfigApi::default().reject_call(1);
        let err = deliver(&api, &evals(250), "tok").await.unwrap_err();
        assert_eq!(err.report.delivered, 150);
        assert_eq!(err.undelivered.len(), 100);
        assert_eq!(err.undelivered[0].compliance_resource_id, "vol-100");
    }

    #[tokio::test]
    async fn a_resource_id_longer_than_768_characters_fails_delivery_before_any_call() {
        let api = FakeConfigApi::default();
        let mut list = evals(3);
        list[1].compliance_resource_id = "i".repeat(769);
        let err = deliver(&api, &list, "tok").await.unwrap_err();
        assert!(api.put_calls().is_empty(), "nothing may be sent");
        assert_eq!(err.undelivered.len(), 3);
        assert!(
            err.reason.contains(
                "ComplianceResourceId is 769 characters long; PutEvaluations takes 1 to 768"
            ),
            "{}",
            err.reason
        );
        list[1].compliance_resource_id = "i".repeat(768);
        assert_eq!(deliver(&api, &list, "tok").await.unwrap().delivered, 3);
    }
}
