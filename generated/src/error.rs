//! The crate's error type.

use std::fmt;
use std::time::Duration;

use crate::operation::RpcStatus;
use crate::response::ApiError;

/// A boxed error from another crate (the HTTP stack, a token source), kept as the source of an
/// [`Error`] so that the public API names no other crate's error types.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong while building a request, decoding its response, sending it
/// or waiting for an operation.
///
/// `attempts` fields count the HTTP exchanges made for one call, retries included; outside the
/// `Client` (decoding a response by hand) they are 1.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A parameter value was refused before any request was formed.
    #[error(
        "{method}: parameter `{parameter}` = {value:?} {problem}; expected {expected} (pattern `{pattern}`)"
    )]
    InvalidParameter {
        /// Discovery id of the method, e.g. `dataproc.projects.regions.operations.get`.
        method: &'static str,
        /// Wire name of the parameter, e.g. `name`.
        parameter: &'static str,
        /// The value that was refused.
        value: String,
        /// Why it was refused.
        problem: ParamProblem,
        /// The shape the value must have, e.g. `projects/*/regions/*/operations/*`.
        expected: &'static str,
        /// The Discovery `pattern` of the parameter (empty when it has none).
        pattern: &'static str,
    },
    /// The root URL (the service default or an override) did not form a valid request URI.
    #[error("{method}: the request URL {url:?} is not a valid URI: {source}")]
    InvalidUrl {
        /// Discovery id of the method.
        method: &'static str,
        /// The URL that was built.
        url: String,
        /// What `http` found wrong with it.
        source: http::Error,
    },
    /// The server answered with a status outside 2xx.
    #[error("{method}: {error} (after {attempts} attempt(s))")]
    Api {
        /// Discovery id of the method.
        method: &'static str,
        /// HTTP exchanges made, the last of which gave this answer.
        attempts: u32,
        /// The decoded error: Google's error envelope, or the start of a body that is not one.
        error: Box<ApiError>,
    },
    /// A successful (2xx) response body did not decode into the method's response type:
    /// invalid or truncated JSON, or JSON of another shape.
    #[error(
        "{method}: the response body is not a valid {type_name}: {message} (after {attempts} attempt(s))"
    )]
    Decode {
        /// Discovery id of the method.
        method: &'static str,
        /// Rust type the body was decoded into, e.g. `google_operations::dataproc_v1::Operation`.
        type_name: &'static str,
        /// HTTP exchanges made, the last of which gave this body.
        attempts: u32,
        /// 1-based line of the body where decoding stopped.
        line: usize,
        /// 1-based column of the body where decoding stopped (0 at the very start).
        column: usize,
        /// What the JSON decoder found wrong, with its position.
        message: String,
    },
    /// No HTTP response arrived: the connection failed or was reset, or the attempt timed out.
    #[error("{method}: {kind} (after {attempts} attempt(s)): {source}")]
    Transport {
        /// Discovery id of the method.
        method: &'static str,
        /// HTTP exchanges tried, the last of which failed this way.
        attempts: u32,
        /// What kind of failure it was.
        kind: TransportKind,
        /// The HTTP stack's error.
        source: BoxError,
    },
    /// The token source gave no access token.
    #[error("{method}: no access token: {source}")]
    Auth {
        /// Discovery id of the method.
        method: &'static str,
        /// The token source's error.
        source: BoxError,
    },
    /// The HTTP client could not be set up (its TLS configuration, for example).
    #[error("the HTTP client could not be set up: {source}")]
    Setup {
        /// The HTTP stack's error.
        source: BoxError,
    },
    /// The operation finished with an error.
    #[error(
        "{method}: operation {} failed with code {}: {}",
        name.as_deref().unwrap_or("(unnamed)"),
        status.code.map_or_else(|| "(none)".to_owned(), |c| c.to_string()),
        status.message.as_deref().unwrap_or("(no message)"),
    )]
    OperationFailed {
        /// Discovery id of the `operations.get` method that reported it.
        method: &'static str,
        /// The operation's name.
        name: Option<String>,
        /// The operation's `error`.
        status: RpcStatus,
    },
    /// The operation was still not done when polling stopped: the poll policy's deadline
    /// passed or its number of polls ran out. Polling never goes on past either.
    #[error(
        "{method}: operation {} is not done after {polls} poll(s) in {elapsed:?}: {limit}",
        name.as_deref().unwrap_or("(unnamed)")
    )]
    NotDone {
        /// Discovery id of the `operations.get` method.
        method: &'static str,
        /// The operation's name, from the last operation seen or else the request.
        name: Option<String>,
        /// `operations.get` calls made, a last one cut short by the deadline included.
        polls: u32,
        /// Time from the first poll until polling stopped.
        elapsed: Duration,
        /// Which limit stopped the polling.
        limit: PollLimit,
        /// The last operation seen, as JSON (unknown fields included); `None` when no poll was
        /// answered. [`Error::last_operation_as`] decodes it back into the typed model.
        last_operation: Option<Box<serde_json::Value>>,
    },
}

impl Error {
    /// The server's error, when the error is [`Error::Api`].
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Whether trying the same call again may succeed: a transport failure, or an HTTP status
    /// of 408, 429, 500, 502, 503 or 504. The `Client` retries exactly these.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Transport { .. } => true,
            Error::Api { error, .. } => {
                matches!(error.http_status.as_u16(), 408 | 429 | 500 | 502..=504)
            }
            _ => false,
        }
    }

    /// For [`Error::NotDone`], the last operation seen decoded into its typed model, e.g.
    /// `err.last_operation_as::<dataproc_v1::Operation>()`.
    pub fn last_operation_as<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        match self {
            Error::NotDone {
                last_operation: Some(op),
                ..
            } => T::deserialize(op.as_ref()).ok(),
            _ => None,
        }
    }
}

/// Why no HTTP response arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// The connection could not be made.
    Connect,
    /// No complete response within the per-attempt timeout or the call's deadline.
    Timeout,
    /// The connection broke: reset, closed before a response, or a malformed response.
    Broken,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Connect => "could not connect",
            TransportKind::Timeout => "timed out",
            TransportKind::Broken => "the connection broke",
        })
    }
}

/// The limit that stopped polling an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PollLimit {
    /// The poll policy's deadline, counted from the first poll.
    Deadline(Duration),
    /// The poll policy's maximum number of polls.
    Polls(u32),
}

impl fmt::Display for PollLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PollLimit::Deadline(d) => write!(f, "the deadline of {d:?} passed"),
            PollLimit::Polls(n) => write!(f, "the limit of {n} poll(s) was reached"),
        }
    }
}

/// Why a parameter value was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParamProblem {
    /// The value does not match the parameter's pattern.
    PatternMismatch,
    /// The value is empty, or has an empty path segment (`a//b`, a leading or trailing `/`).
    EmptySegment,
    /// The value has a `.` or `..` path segment, which would move the request to another path.
    DotSegment,
}

impl fmt::Display for ParamProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParamProblem::PatternMismatch => "does not match the parameter's pattern",
            ParamProblem::EmptySegment => "is empty or has an empty path segment",
            ParamProblem::DotSegment => "has a `.` or `..` path segment",
        })
    }
}
