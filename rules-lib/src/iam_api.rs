//! A small trait over the IAM calls periodic rules make, with the aws-sdk-iam
//! implementation. Calls are retried by [`RetryPolicy`] like every Config call.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_iam::error::ProvideErrorMetadata;

use crate::config_api::{classify_sdk_error, BoxFuture};
use crate::error::ApiError;
use crate::item::Timestamp;
use crate::retry::RetryPolicy;

/// An IAM user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamUser {
    /// `UserName`.
    pub name: String,
    /// `UserId` (the resource id AWS Config uses for `AWS::IAM::User`).
    pub id: String,
}

/// The account password policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// `RequireUppercaseCharacters`.
    pub require_uppercase: bool,
    /// `RequireLowercaseCharacters`.
    pub require_lowercase: bool,
    /// `RequireSymbols`.
    pub require_symbols: bool,
    /// `RequireNumbers`.
    pub require_numbers: bool,
    /// `MinimumPasswordLength`.
    pub minimum_length: Option<i64>,
    /// `PasswordReusePrevention`.
    pub reuse_prevention: Option<i64>,
    /// `MaxPasswordAge` (None: passwords never expire).
    pub max_age: Option<i64>,
}

/// One row of the IAM credential report: its columns by header name (`user`, `arn`,
/// `password_enabled`, `access_key_1_last_rotated`, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CredentialRow {
    /// Column values by header name, as the report writes them.
    pub fields: BTreeMap<String, String>,
}

impl CredentialRow {
    /// A row from (column, value) pairs (tests and fakes).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self {
            fields: pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// A column's value; `None` when absent, empty, `N/A`, `no_information` or
    /// `not_supported` (the report's ways of saying there is nothing).
    pub fn get(&self, column: &str) -> Option<&str> {
        self.fields
            .get(column)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty() && !matches!(*v, "N/A" | "no_information" | "not_supported"))
    }

    /// The `user` column (`<root_account>` for the root user).
    pub fn user(&self) -> &str {
        self.get("user").unwrap_or("")
    }

    /// Whether this is the root user's row.
    pub fn is_root(&self) -> bool {
        self.user() == "<root_account>"
    }

    /// A `true`/`false` column (`true` only when it says so).
    pub fn flag(&self, column: &str) -> bool {
        self.get(column)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// A date-time column; `None` when there is none or it does not read as one.
    pub fn time(&self, column: &str) -> Option<Timestamp> {
        self.get(column).and_then(|v| Timestamp::parse(v).ok())
    }
}

/// Reads the credential report's CSV text: a header line, then one line per user.
/// Fields may be quoted (`"a,b"`, with `""` for a quote); blank lines are skipped.
pub fn parse_credential_report(text: &str) -> Result<Vec<CredentialRow>, String> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = split_csv_line(lines.next().ok_or("the credential report is empty")?)?;
    if !header.iter().any(|h| h == "user") {
        return Err("the credential report has no `user` column".into());
    }
    lines
        .enumerate()
        .map(|(i, line)| {
            let values = split_csv_line(line).map_err(|e| format!("line {}: {e}", i + 2))?;
            if values.len() != header.len() {
                return Err(format!(
                    "line {} has {} fields, the header has {}",
                    i + 2,
                    values.len(),
                    header.len()
                ));
            }
            Ok(CredentialRow {
                fields: header.iter().cloned().zip(values).collect(),
            })
        })
        .collect()
}

fn split_csv_line(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => out.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    out.push(field);
    Ok(out)
}

/// The IAM reads the periodic IAM rules need.
pub trait IamApi: Send + Sync {
    /// Every IAM user (`ListUsers`, all pages).
    fn list_users(&self) -> BoxFuture<'_, Result<Vec<IamUser>, ApiError>>;
    /// How many MFA devices a user has (`ListMFADevices`).
    fn mfa_devices<'a>(&'a self, user_name: &'a str) -> BoxFuture<'a, Result<usize, ApiError>>;
    /// `GetAccountPasswordPolicy`; `None` when the account has none.
    fn password_policy(&self) -> BoxFuture<'_, Result<Option<PasswordPolicy>, ApiError>>;
    /// `GetAccountSummary`'s `SummaryMap` (`AccountMFAEnabled`, `AccountPasswordPresent`,
    /// `AccountAccessKeysPresent`, `AccountSigningCertificatesPresent`, `Users`, ...).
    fn account_summary(&self) -> BoxFuture<'_, Result<BTreeMap<String, i64>, ApiError>>;
    /// The credential report's rows, the root user's included: `GenerateCredentialReport`
    /// until its state is `COMPLETE`, then `GetCredentialReport`.
    fn credential_report(&self) -> BoxFuture<'_, Result<Vec<CredentialRow>, ApiError>>;
}

/// How long to wait between GenerateCredentialReport polls, and how many polls at most
/// (IAM usually completes a report in seconds; a function's timeout bounds the rest).
const REPORT_POLL: Duration = Duration::from_secs(2);
const REPORT_POLLS: u32 = 60;

/// [`IamApi`] over aws-sdk-iam.
pub struct SdkIamApi {
    client: aws_sdk_iam::Client,
    policy: RetryPolicy,
}

impl SdkIamApi {
    /// From an SDK configuration (SDK retries off: [`RetryPolicy`] retries).
    pub fn from_sdk_config(sdk: &aws_config::SdkConfig) -> Self {
        let conf = aws_sdk_iam::config::Builder::from(sdk)
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .build();
        Self {
            client: aws_sdk_iam::Client::from_conf(conf),
            policy: RetryPolicy::from_env(),
        }
    }
}

impl IamApi for SdkIamApi {
    fn list_users(&self) -> BoxFuture<'_, Result<Vec<IamUser>, ApiError>> {
        Box::pin(async move {
            let mut users = Vec::new();
            let mut marker: Option<String> = None;
            loop {
                let m = marker.clone();
                let out = self
                    .policy
                    .run(|| {
                        let m = m.clone();
                        async move {
                            self.client
                                .list_users()
                                .set_marker(m)
                                .send()
                                .await
                                .map_err(|e| classify_sdk_error("ListUsers", e))
                        }
                    })
                    .await?;
                users.extend(out.users().iter().map(|u| IamUser {
                    name: u.user_name().to_string(),
                    id: u.user_id().to_string(),
                }));
                match (out.is_truncated(), out.marker()) {
                    (true, Some(next)) => marker = Some(next.to_string()),
                    _ => return Ok(users),
                }
            }
        })
    }

    fn mfa_devices<'a>(&'a self, user_name: &'a str) -> BoxFuture<'a, Result<usize, ApiError>> {
        Box::pin(self.policy.run(move || async move {
            let out = self
                .client
                .list_mfa_devices()
                .user_name(user_name)
                .send()
                .await
                .map_err(|e| classify_sdk_error("ListMFADevices", e))?;
            Ok(out.mfa_devices().len())
        }))
    }

    fn password_policy(&self) -> BoxFuture<'_, Result<Option<PasswordPolicy>, ApiError>> {
        Box::pin(self.policy.run(move || async move {
            match self.client.get_account_password_policy().send().await {
                Ok(out) => Ok(out.password_policy().map(|p| PasswordPolicy {
                    require_uppercase: p.require_uppercase_characters(),
                    require_lowercase: p.require_lowercase_characters(),
                    require_symbols: p.require_symbols(),
                    require_numbers: p.require_numbers(),
                    minimum_length: p.minimum_password_length().map(i64::from),
                    reuse_prevention: p.password_reuse_prevention().map(i64::from),
                    max_age: p.max_password_age().map(i64::from),
                })),
                Err(e)
                    if e.code() == Some("NoSuchEntity")
                        || e.as_service_error()
                            .is_some_and(|s| s.is_no_such_entity_exception()) =>
                {
                    Ok(None)
                }
                Err(e) => Err(classify_sdk_error("GetAccountPasswordPolicy", e)),
            }
        }))
    }

    fn account_summary(&self) -> BoxFuture<'_, Result<BTreeMap<String, i64>, ApiError>> {
        Box::pin(self.policy.run(move || async move {
            let out = self
                .client
                .get_account_summary()
                .send()
                .await
                .map_err(|e| classify_sdk_error("GetAccountSummary", e))?;
            Ok(out
                .summary_map()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.as_str().to_string(), i64::from(*v)))
                        .collect()
                })
                .unwrap_or_default())
        }))
    }

    fn credential_report(&self) -> BoxFuture<'_, Result<Vec<CredentialRow>, ApiError>> {
        Box::pin(async move {
            let mut polls = 0;
            loop {
                let state = self
                    .policy
                    .run(|| async move {
                        self.client
                            .generate_credential_report()
                            .send()
                            .await
                            .map_err(|e| classify_sdk_error("GenerateCredentialReport", e))
                    })
                    .await?
                    .state()
                    .map(|s| s.as_str().to_string());
                if state.as_deref() == Some("COMPLETE") {
                    break;
                }
                polls += 1;
                if polls >= REPORT_POLLS {
                    return Err(ApiError::Retryable {
                        operation: "GenerateCredentialReport",
                        message: format!(
                            "the credential report is still {} after {polls} polls",
                            state.as_deref().unwrap_or("not ready")
                        ),
                    });
                }
                tokio::time::sleep(REPORT_POLL).await;
            }
            let out = self
                .policy
                .run(|| async move {
                    self.client
                        .get_credential_report()
                        .send()
                        .await
                        .map_err(|e| classify_sdk_error("GetCredentialReport", e))
                })
                .await?;
            let bytes = out.content().map(|b| b.as_ref()).unwrap_or_default();
            let text = std::str::from_utf8(bytes).map_err(|e| ApiError::Rejected {
                operation: "GetCredentialReport",
                code: "UnreadableReport".into(),
                message: format!("the credential report is not UTF-8 text: {e}"),
            })?;
            parse_credential_report(text).map_err(|message| ApiError::Rejected {
                operation: "GetCredentialReport",
                code: "UnreadableReport".into(),
                message,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_credential_report_is_read_by_header_name() {
        let text = "user,arn,password_enabled,password_last_used,mfa_active\n\
                    <root_account>,arn:aws:iam::1:root,not_supported,2024-01-01T00:00:00+00:00,true\r\n\
                    \"a,b\",arn:aws:iam::1:user/a,true,no_information,false\n\n";
        let rows = parse_credential_report(text).unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows[0].is_root());
        assert_eq!(rows[0].get("password_enabled"), None);
        assert!(rows[0].time("password_last_used").is_some());
        assert_eq!(rows[1].user(), "a,b");
        assert!(rows[1].flag("password_enabled"));
        assert!(!rows[1].flag("mfa_active"));
        assert_eq!(rows[1].time("password_last_used"), None);
    }

    #[test]
    fn a_broken_report_says_where() {
        assert!(parse_credential_report("").is_err());
        assert!(parse_credential_report("arn\nx\n")
            .unwrap_err()
            .contains("user"));
        let e = parse_credential_report("user,arn\na\n").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        let e = parse_credential_report("user,arn\n\"a,b\n").unwrap_err();
        assert!(e.contains("not closed"), "{e}");
    }
}
