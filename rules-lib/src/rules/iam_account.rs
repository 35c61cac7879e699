//! What the IAM account rules' unit tests share: a fake IAM.

#[cfg(test)]
pub(crate) mod fake {
    use crate::config_api::BoxFuture;
    use crate::error::ApiError;
    use crate::iam_api::{IamApi, IamUser, PasswordPolicy};

    /// Fixed IAM answers for unit tests (the end-to-end tests use moto's IAM).
    #[derive(Default)]
    pub struct FakeIam {
        pub root_keys: i64,
        pub users: Vec<(IamUser, usize)>,
        pub policy: Option<PasswordPolicy>,
    }

    impl IamApi for FakeIam {
        fn root_access_keys_present(&self) -> BoxFuture<'_, Result<i64, ApiError>> {
            Box::pin(async move { Ok(self.root_keys) })
        }
        fn list_users(&self) -> BoxFuture<'_, Result<Vec<IamUser>, ApiError>> {
            Box::pin(async move { Ok(self.users.iter().map(|(u, _)| u.clone()).collect()) })
        }
        fn mfa_devices<'a>(&'a self, user_name: &'a str) -> BoxFuture<'a, Result<usize, ApiError>> {
            Box::pin(async move {
                Ok(self
                    .users
                    .iter()
                    .find(|(u, _)| u.name == user_name)
                    .map_or(0, |(_, n)| *n))
            })
        }
        fn password_policy(&self) -> BoxFuture<'_, Result<Option<PasswordPolicy>, ApiError>> {
            Box::pin(async move { Ok(self.policy.clone()) })
        }
    }
}
