//! `lambda-function-no-plaintext-secrets`: secret-looking environment variables hold
//! references, not literal values.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec, Severity};
use crate::views::LambdaFunction;

/// `lambda-function-no-plaintext-secrets` (ferrule; no AWS managed rule does this).
///
/// NON_COMPLIANT when an environment variable holds a literal secret:
///
/// - **by name**: the name, cut into words (`_`, `-`, `.` and camelCase: `dbPass`,
///   `DB_PASS`, `db-pass`), has a secret word: `PASS`, `PASSWORD`, `PASSWD`, `PWD`,
///   `PASSPHRASE`, `SECRET`, `SECRETS`, `TOKEN`, `APIKEY`, `PRIVATEKEY`, `CREDENTIAL`,
///   `CREDENTIALS`, `CREDS`, `DSN` (the long ones also inside a word: `GITHUBTOKEN`),
///   or a secret pair: `API KEY`, `PRIVATE KEY`,
///   `ACCESS KEY`, `SECRET KEY`, `SIGNING KEY`, `ENCRYPTION KEY`, `CLIENT SECRET`,
///   `AUTH KEY`, `CONN STR`, `CONNECTION STRING`; and its value is not a reference;
/// - **by value**, whatever the name: a connection string or URL with embedded
///   credentials (`postgres://app:s3cret@db:5432/app`, `...;Password=s3cret;...`).
///
/// Not secrets: names that only configure a secret's policy (a word among `MIN`,
/// `MAX`, `LENGTH`, `LEN`, `POLICY`, `EXPIRY`, `EXPIRES`, `EXPIRATION`, `TTL`,
/// `ROTATION`, `DAYS`, `AGE`, `COUNT`, `ENABLED`, `REQUIRED`, `COMPLEXITY`, `TIMEOUT`,
/// `RETRIES`, `HEADER`: `PASSWORD_MIN_LENGTH=12`, `TOKEN_TTL=3600`); names that refer
/// to a secret by name (ending `_ARN`, `_NAME`, `_ID`, `_PATH`, `_PARAM`, `_PARAMETER`,
/// `_KEY_ID`, `_ENDPOINT`, `_URL_NAME`: `DB_PASSWORD_SECRET_ARN`); empty values.
///
/// A reference is accepted only when well formed: a Secrets Manager ARN
/// (`arn:<partition>:secretsmanager:<region>:<12 digits>:secret:<name>`), an SSM
/// parameter ARN (`arn:<partition>:ssm:<region>:<12 digits>:parameter/<name>`), a
/// CloudFormation dynamic reference (`{{resolve:secretsmanager:...}}`,
/// `{{resolve:ssm-secure:...}}`, `{{resolve:ssm:...}}`), or an SSM parameter path of
/// at least two levels in SSM's characters (`/app/prod/db-password`). Anything else in
/// a secret-named variable (`arn:aws:ssm:::x`, `/hunter2`) is a literal value.
///
/// The annotation names the variables, never their values. Functions without
/// environment variables are COMPLIANT.
pub struct LambdaFunctionNoPlaintextSecrets;

static SPEC: RuleSpec = RuleSpec {
    name: "lambda-function-no-plaintext-secrets",
    description: "Lambda environment variables that look like secrets hold references (Secrets Manager, SSM), not values.",
    resource_types: &["AWS::Lambda::Function"],
    severity: Severity::High,
    ..RuleSpec::CHANGE
};

const SECRET_WORDS: &[&str] = &[
    "PASS",
    "PASSWORD",
    "PASSWD",
    "PWD",
    "PASSPHRASE",
    "SECRET",
    "SECRETS",
    "TOKEN",
    "APIKEY",
    "PRIVATEKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "CREDS",
    "DSN",
];
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("API", "KEY"),
    ("PRIVATE", "KEY"),
    ("ACCESS", "KEY"),
    ("SECRET", "KEY"),
    ("SIGNING", "KEY"),
    ("ENCRYPTION", "KEY"),
    ("CLIENT", "SECRET"),
    ("AUTH", "KEY"),
    ("CONN", "STR"),
    ("CONNECTION", "STRING"),
];
/// Secret words distinctive enough to count inside a longer word (`GITHUBTOKEN`,
/// `STRIPEAPIKEY`); the short ones (`PASS`, `PWD`, `DSN`) count only as whole words.
const LONG_SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "PRIVATEKEY",
    "CREDENTIAL",
];
/// Words of names that configure a secret's policy rather than hold one.
const POLICY_WORDS: &[&str] = &[
    "MIN",
    "MAX",
    "LENGTH",
    "LEN",
    "POLICY",
    "EXPIRY",
    "EXPIRES",
    "EXPIRATION",
    "TTL",
    "ROTATION",
    "DAYS",
    "AGE",
    "COUNT",
    "ENABLED",
    "REQUIRED",
    "COMPLEXITY",
    "TIMEOUT",
    "RETRIES",
    "HEADER",
];
const REFERENCE_SUFFIXES: &[&str] = &[
    "_ARN",
    "_NAME",
    "_ID",
    "_PATH",
    "_PARAM",
    "_PARAMETER",
    "_KEY_ID",
    "_ENDPOINT",
    "_URL_NAME",
];

/// A variable name cut into upper-case words at `_`, `-`, `.` and camelCase humps.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' || c == '.' {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_uppercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a variable name says it holds a secret (see the rule's documentation).
pub(crate) fn looks_secret(name: &str) -> bool {
    let w = words(name);
    let joined = w.join("_");
    if REFERENCE_SUFFIXES.iter().any(|s| joined.ends_with(s))
        || w.iter().any(|x| POLICY_WORDS.contains(&x.as_str()))
    {
        return false;
    }
    w.iter().any(|x| {
        SECRET_WORDS.contains(&x.as_str()) || LONG_SECRET_WORDS.iter().any(|l| x.contains(l))
    }) || w
        .windows(2)
        .any(|p| SECRET_PAIRS.iter().any(|(a, b)| p[0] == *a && p[1] == *b))
}

/// Whether a value embeds credentials, whatever its variable's name: a URL with a
/// password in its user information, or a key=value connection string with a password.
pub(crate) fn embeds_credentials(value: &str) -> bool {
    let v = value.trim();
    if let Some((_, rest)) = v.split_once("://") {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if let Some((userinfo, _)) = authority.rsplit_once('@') {
            if let Some((_, password)) = userinfo.split_once(':') {
                return !password.is_empty();
            }
        }
    }
    v.split(';').any(|part| {
        part.split_once('=').is_some_and(|(k, val)| {
            let k = k.trim().to_ascii_lowercase().replace(' ', "");
            matches!(k.as_str(), "password" | "pwd" | "passwd") && !val.trim().is_empty()
        })
    })
}

/// `arn:<partition>:<service>:<region>:<account>:<resource>` with a known partition, a
/// region and a 12-digit account: the resource part, if `service` matches.
fn arn_resource<'a>(v: &'a str, service: &str) -> Option<&'a str> {
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    let [arn, partition, svc, region, account, resource] = parts[..] else {
        return None;
    };
    (arn == "arn"
        && matches!(
            partition,
            "aws" | "aws-cn" | "aws-us-gov" | "aws-iso" | "aws-iso-b"
        )
        && svc == service
        && !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit()))
    .then_some(resource)
}

/// Whether a value is a well-formed reference to a secret store rather than a secret.
pub(crate) fn is_reference(value: &str) -> bool {
    let v = value.trim();
    let ssm_name = |n: &str| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-/".contains(&b))
    };
    v.is_empty()
        || arn_resource(v, "secretsmanager")
            .and_then(|r| r.strip_prefix("secret:"))
            .is_some_and(|n| !n.is_empty())
        || arn_resource(v, "ssm")
            .and_then(|r| r.strip_prefix("parameter/"))
            .is_some_and(ssm_name)
        || ([
            "{{resolve:secretsmanager:",
            "{{resolve:ssm-secure:",
            "{{resolve:ssm:",
        ]
        .iter()
        .any(|p| v.starts_with(p))
            && v.ends_with("}}"))
        || (v.starts_with('/')
            && ssm_name(v)
            && !v.contains("//")
            && v.trim_matches('/').contains('/'))
}

impl ItemRule for LambdaFunctionNoPlaintextSecrets {
    type View = LambdaFunction;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, f: &LambdaFunction, _params: &Params) -> Verdict {
        let vars = &f.environment;
        if vars.is_empty() {
            return Verdict::compliant("the function has no environment variables");
        }
        let mut found: Vec<&str> = vars
            .iter()
            .filter(|(name, value)| {
                let text = value.as_str().unwrap_or_default();
                (looks_secret(name) && !value.as_str().is_some_and(is_reference))
                    || embeds_credentials(text)
            })
            .map(|(name, _)| name.as_str())
            .collect();
        found.sort_unstable();
        if found.is_empty() {
            Verdict::compliant("no environment variable holds a literal secret")
        } else {
            Verdict::non_compliant(format!(
                "environment variables {} hold literal values; store them in Secrets Manager or SSM Parameter Store and pass the ARN",
                found.join(", ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_and_spellings_of_secret_names_are_caught() {
        for n in [
            "DB_PASS",
            "dbPass",
            "db-pwd",
            "PWD",
            "MYSQL_PASSWD",
            "APIKEY",
            "apiKey",
            "STRIPE_API_KEY",
            "PRIVATE_KEY",
            "jwtSigningKey",
            "CLIENT_SECRET",
            "AUTH_TOKEN",
            "SECRET",
            "DATABASE_DSN",
            "AWS_SECRET_ACCESS_KEY",
            "CONNECTION_STRING",
            "connStr",
            "SERVICE_CREDENTIALS",
        ] {
            assert!(looks_secret(n), "{n}");
        }
        for n in [
            "PASSWORD_MIN_LENGTH",
            "TOKEN_TTL",
            "PASSWORD_POLICY",
            "SECRET_ROTATION_DAYS",
            "PASSPORT_OFFICE",
            "COMPASS_URL",
            "BYPASS",
            "DB_PASSWORD_SECRET_ARN",
            "TOKEN_HEADER",
            "AUTH_MODE",
            "LOG_LEVEL",
            "TABLE_NAME",
            "KEY_ALIAS",
        ] {
            assert!(!looks_secret(n), "{n}");
        }
    }

    #[test]
    fn credentials_embedded_in_a_value_are_caught_whatever_the_name() {
        assert!(embeds_credentials(
            "postgres://app:s3cret@db.internal:5432/app"
        ));
        assert!(embeds_credentials(
            "Server=db;Database=app;User Id=app;Password=s3cret;"
        ));
        assert!(embeds_credentials("host=db;pwd=x"));
        assert!(!embeds_credentials("postgres://app@db.internal:5432/app"));
        assert!(!embeds_credentials("https://example.com/a:b@c"));
        assert!(!embeds_credentials("Server=db;Database=app;"));
    }

    #[test]
    fn only_well_formed_references_are_accepted() {
        for v in [
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
            "arn:aws-us-gov:ssm:us-gov-west-1:123456789012:parameter/app/db",
            "{{resolve:secretsmanager:db:SecretString:password}}",
            "{{resolve:ssm-secure:/app/db}}",
            "/app/prod/db-password",
            "",
        ] {
            assert!(is_reference(v), "{v}");
        }
        for v in [
            "arn:aws:ssm:::x",
            "arn:aws:secretsmanager:us-east-1:123:secret:db",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:",
            "{{resolve:secretsmanager:db",
            "/hunter2",
            "/a b/c",
            "hunter2",
            "sk_live_123",
        ] {
            assert!(!is_reference(v), "{v}");
        }
    }

    #[test]
    fn names_and_values() {
        assert!(
            looks_secret("DB_PASSWORD")
                && looks_secret("stripeApiKey".to_uppercase().as_str())
                && looks_secret("GITHUB_TOKEN")
        );
        assert!(
            !looks_secret("DB_PASSWORD_SECRET_ARN")
                && !looks_secret("LOG_LEVEL")
                && !looks_secret("TABLE_NAME")
        );
        assert!(is_reference(
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
        ));
        assert!(
            is_reference("{{resolve:secretsmanager:db:SecretString:password}}")
                && is_reference("/prod/db/password")
        );
        assert!(!looks_secret("KEY_ALIAS"));
        assert!(!is_reference("hunter2") && !is_reference("sk_live_123"));
    }
}
