//! Typed errors of the library. Each says what input was wrong, why, and what to do.

use thiserror::Error;

/// A configuration item could not be read.
#[derive(Debug, Error)]
pub enum ItemError {
    /// The text is not JSON.
    #[error("invalid JSON at line {line} column {column}: {reason}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde_json said.
        reason: String,
    },
    /// A field has the wrong type or a required one is missing.
    #[error("field `{field}` {reason}")]
    Field {
        /// The field's name, with its path inside the item.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An item inside a list of items.
    #[error("item #{index}: {source}")]
    InList {
        /// 0-based position in the list.
        index: usize,
        /// The item's own error.
        source: Box<ItemError>,
    },
}

/// The Lambda payload or its invoking event could not be read.
#[derive(Debug, Error)]
pub enum EventError {
    /// The payload or an embedded JSON text does not parse.
    #[error("{what} is not valid JSON (line {line} column {column}): {reason}")]
    Json {
        /// Which part: the payload, `invokingEvent`, `ruleParameters`.
        what: &'static str,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde_json said.
        reason: String,
    },
    /// A field is missing or has the wrong type.
    #[error("{field} {reason}")]
    Field {
        /// The field's path, e.g. `invokingEvent.messageType`.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `messageType` names nothing ferrule knows.
    #[error(
        "invokingEvent.messageType `{0}` is not one AWS Config sends to rules; expected \
         ConfigurationItemChangeNotification, OversizedConfigurationItemChangeNotification, \
         ScheduledNotification or ConfigurationSnapshotDeliveryCompleted"
    )]
    UnknownMessageType(String),
    /// The configuration item inside the event is malformed.
    #[error("invokingEvent.configurationItem: {0}")]
    Item(#[from] ItemError),
}

/// A rule parameter is missing, unknown or ill-typed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ParamError {
    /// The value does not parse as the parameter's type.
    #[error("rule parameter `{name}` has value `{value}`, expected {expected}")]
    Invalid {
        /// Parameter name.
        name: String,
        /// The value given (as text).
        value: String,
        /// What would be accepted.
        expected: String,
    },
    /// A required parameter is missing.
    #[error(
        "rule parameter `{name}` is required ({expected}); add it to the rule's InputParameters"
    )]
    Missing {
        /// Parameter name.
        name: String,
        /// What would be accepted.
        expected: String,
    },
    /// A parameter the rule does not take. An error, not a warning, as for the AWS
    /// managed rules (PutConfigRule refuses parameters a managed rule does not take): a
    /// misspelt parameter would otherwise leave its default in force without a word.
    /// AWS's example events carry `myParameterKey`; `rdk evaluate --parameters '{}'`
    /// replaces their parameters.
    #[error("rule parameter `{name}` is not a parameter of {rule}{hint}; it takes: {known}")]
    Unknown {
        /// Parameter name, exactly as given.
        name: String,
        /// ` (did you mean `x`?)` when a parameter differs only in case, else empty.
        hint: String,
        /// The rule's name.
        rule: String,
        /// The parameters it does take, comma-separated.
        known: String,
    },
    /// `ruleParameters` is not a JSON object.
    #[error("rule parameters must be a JSON object of names to values, found {found}")]
    NotAnObject {
        /// What was found instead.
        found: String,
    },
}

/// A call to the AWS Config API failed.
#[derive(Debug, Error, Clone)]
pub enum ApiError {
    /// Throttling, a 5xx, a timeout or a dropped connection: trying again may help.
    #[error("{operation} failed and may succeed if retried: {message}")]
    Retryable {
        /// The API operation, e.g. `PutEvaluations`.
        operation: &'static str,
        /// The service's error code and message.
        message: String,
    },
    /// The service refused the request; retrying will not help.
    #[error("{operation} was refused with {code}: {message}")]
    Rejected {
        /// The API operation.
        operation: &'static str,
        /// The service's error code, e.g. `InvalidResultTokenException`.
        code: String,
        /// The service's message.
        message: String,
    },
}

impl ApiError {
    /// Whether a retry with backoff may help.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Retryable { .. })
    }

    /// The error code AWS returned, when it refused the request.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Rejected { code, .. } => Some(code),
            Self::Retryable { .. } => None,
        }
    }
}

/// A rule could not judge a resource (for example a periodic rule's API call failed).
#[derive(Debug, Error)]
pub enum RuleError {
    /// An AWS API call the rule needs failed.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// Anything else the rule wants to say; the message names the resource and the fix.
    #[error("{0}")]
    Failed(String),
}
