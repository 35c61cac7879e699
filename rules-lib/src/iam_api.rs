//! A small trait over the IAM calls periodic rules make, with the aws-sdk-iam
//! implementation. Calls are retried by [`RetryPolicy`] like every Config call.

use aws_sdk_iam::error::ProvideErrorMetadata;

use crate::config_api::{classify_sdk_error, BoxFuture};
use crate::error::ApiError;
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

/// The IAM reads the periodic IAM rules need.
pub trait IamApi: Send + Sync {
    /// `GetAccountSummary`'s `AccountAccessKeysPresent`.
    fn root_access_keys_present(&self) -> BoxFuture<'_, Result<i64, ApiError>>;
    /// Every IAM user (`ListUsers`, all pages).
    fn list_users(&self) -> BoxFuture<'_, Result<Vec<IamUser>, ApiError>>;
    /// How many MFA devices a user has (`ListMFADevices`).
    fn mfa_devices<'a>(&'a self, user_name: &'a str) -> BoxFuture<'a, Result<usize, ApiError>>;
    /// `GetAccountPasswordPolicy`; `None` when the account has none.
    fn password_policy(&self) -> BoxFuture<'_, Result<Option<PasswordPolicy>, ApiError>>;
}

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
    fn root_access_keys_present(&self) -> BoxFuture<'_, Result<i64, ApiError>> {
        Box::pin(self.policy.run(move || async move {
            let out = self
                .client
                .get_account_summary()
                .send()
                .await
                .map_err(|e| classify_sdk_error("GetAccountSummary", e))?;
            Ok(out
                .summary_map()
                .and_then(|m| {
                    m.iter()
                        .find(|(k, _)| k.as_str() == "AccountAccessKeysPresent")
                        .map(|(_, v)| *v as i64)
                })
                .unwrap_or(0))
        }))
    }

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
}
