//! `api-gw-cache-enabled-and-encrypted`: REST API stages cache every method, encrypted.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec};

use super::network_services::RestStage;

/// `api-gw-cache-enabled-and-encrypted` (AWS managed rule
/// API_GW_CACHE_ENABLED_AND_ENCRYPTED).
///
/// Documented logic: checks if all methods in Amazon API Gateway stages have cache
/// enabled and cache encrypted; NON_COMPLIANT if any method in a stage is not configured
/// to cache or the cache is not encrypted. No parameters.
///
/// Data: `configuration.cacheClusterEnabled`, `configuration.methodSettings{k}.cachingEnabled`
/// and `.cacheDataEncrypted`.
///
/// Choices: the stage's cache cluster must be enabled (per-method caching does nothing
/// without one); a stage without method settings caches no method: NON_COMPLIANT;
/// absent flags are false (the API Gateway defaults).
pub struct ApiGwCacheEnabledAndEncrypted;

static SPEC: RuleSpec = RuleSpec {
    name: "api-gw-cache-enabled-and-encrypted",
    description: "Every method of a REST API stage caches responses, in an encrypted cache.",
    resource_types: &["AWS::ApiGateway::Stage"],
    preventive: false,
    ..RuleSpec::CHANGE
};

impl ItemRule for ApiGwCacheEnabledAndEncrypted {
    type View = RestStage;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, stage: &RestStage, _params: &Params) -> Verdict {
        if stage.cache_cluster_enabled != Some(true) {
            return Verdict::non_compliant("the stage has no cache cluster enabled");
        }
        if stage.method_settings.is_empty() {
            return Verdict::non_compliant("the stage has no method settings: no method caches");
        }
        let mut failing = Vec::new();
        for (k, m) in &stage.method_settings {
            if m.caching_enabled != Some(true) {
                failing.push(format!("{k} does not cache"));
            } else if m.cache_data_encrypted != Some(true) {
                failing.push(format!("{k} cache is not encrypted"));
            }
        }
        if failing.is_empty() {
            Verdict::compliant("every method caches, encrypted")
        } else {
            Verdict::non_compliant(failing.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn stage(cluster: bool, method_settings: Value) -> Value {
        json!({"resourceType": "AWS::ApiGateway::Stage",
               "configuration": {"stageName": "prod", "cacheClusterEnabled": cluster,
                                 "methodSettings": method_settings}})
    }

    #[test]
    fn every_method_caching_encrypted_is_compliant() {
        let s = stage(
            true,
            json!({"*/*": {"cachingEnabled": true, "cacheDataEncrypted": true}}),
        );
        assert_eq!(
            verdict(&ApiGwCacheEnabledAndEncrypted, s, json!({})).0,
            Compliant
        );
    }

    #[test]
    fn a_method_not_caching_or_unencrypted_is_non_compliant() {
        let s = stage(
            true,
            json!({"*/*": {"cachingEnabled": true, "cacheDataEncrypted": false},
                                   "~1a/GET": {"cachingEnabled": false}}),
        );
        let (c, a) = verdict(&ApiGwCacheEnabledAndEncrypted, s, json!({}));
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "*/* cache is not encrypted; ~1a/GET does not cache");
    }

    #[test]
    fn no_cache_cluster_or_no_method_settings_is_non_compliant() {
        let s = stage(
            false,
            json!({"*/*": {"cachingEnabled": true, "cacheDataEncrypted": true}}),
        );
        let (c, a) = verdict(&ApiGwCacheEnabledAndEncrypted, s, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("no cache cluster"), "{a}");
        let (c, a) = verdict(
            &ApiGwCacheEnabledAndEncrypted,
            stage(true, json!({})),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert!(a.contains("no method settings"), "{a}");
    }
}
