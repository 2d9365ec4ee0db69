//! The crate's error type.

use std::fmt;
use std::time::Duration;

use crate::api_error::ApiError;
use crate::operation::OperationError;
use crate::service::Pattern;

/// A boxed error from another crate (the HTTP stack, a token source), kept as the source of an
/// [`Error`] so that the public API names no other crate's error types.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong while building a request, decoding its response, sending it
/// or waiting for an operation.
///
/// `attempts` fields count the HTTP exchanges made for one call, retries included; outside the
/// `Client` (decoding a response by hand) they are 1.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A parameter value was refused before any request was formed.
    InvalidParameter {
        /// Discovery id of the method, e.g. `dataproc.projects.regions.operations.get`.
        method: &'static str,
        /// Wire name of the parameter, e.g. `name`.
        parameter: &'static str,
        /// The value that was refused.
        value: String,
        /// Why it was refused.
        problem: ParamProblem,
        /// The Discovery `pattern` of the parameter, where it has one.
        pattern: Option<Pattern>,
    },
    /// The root URL (the service default or an override) did not form a valid request URI.
    InvalidUrl {
        /// Discovery id of the method.
        method: &'static str,
        /// The URL that was built.
        url: String,
        /// What `http` found wrong with it.
        source: http::Error,
    },
    /// The server answered with a status outside 2xx.
    Api {
        /// Discovery id of the method.
        method: &'static str,
        /// HTTP exchanges made, the last of which gave this answer.
        attempts: u32,
        /// The decoded error: Google's error envelope, or the start of a body that is not one.
        error: Box<ApiError>,
    },
    /// The call was not sent: every request of the client holds back after a 429 (or a
    /// rate-limit 403) that another request met, and the hold-back lasts past this call's
    /// deadline. Transient, like the answer that asked for it.
    HeldBack {
        /// Discovery id of the method.
        method: &'static str,
        /// The answer that asked the client to hold back.
        error: Box<ApiError>,
    },
    /// A successful (2xx) response body did not decode into the method's response: empty,
    /// cut short, not JSON (an HTML page, a body in an encoding the client did not ask for), or
    /// JSON of another shape. An empty or cut-short body is transient: the `Client` retries it.
    Decode {
        /// Discovery id of the method.
        method: &'static str,
        /// HTTP exchanges made, the last of which gave this body.
        attempts: u32,
        /// What is wrong with the body.
        problem: BodyProblem,
        /// 1-based line of the body where decoding stopped.
        line: usize,
        /// 1-based column of the body where decoding stopped (0 at the very start).
        column: usize,
        /// What the JSON decoder found wrong, with its position.
        message: String,
    },
    /// The server answered with a redirect (HTTP 3xx). Google APIs do not redirect these
    /// requests, and the client never follows one: the answer of a host the user did not
    /// choose is never taken for the operation's.
    Redirected {
        /// Discovery id of the method.
        method: &'static str,
        /// HTTP exchanges made, the last of which was answered with the redirect.
        attempts: u32,
        /// The HTTP status, such as 302.
        status: http::StatusCode,
        /// The `Location` header, where the answer has one (as sent, at most 1 KiB kept).
        location: Option<String>,
    },
    /// A response body was larger than the client's limit
    /// ([`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size)): it was
    /// read no further and the request is not retried.
    ResponseTooLarge {
        /// Discovery id of the method.
        method: &'static str,
        /// HTTP exchanges made, the last of which gave this body.
        attempts: u32,
        /// The limit, in bytes.
        limit: u64,
        /// The size the response announced (`Content-Length`), where it did; otherwise the
        /// body was read up to the limit and found to go on.
        announced: Option<u64>,
    },
    /// No HTTP response arrived: the connection failed or was reset, or the attempt timed out.
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
    Auth {
        /// Discovery id of the method.
        method: &'static str,
        /// The token source's error.
        source: BoxError,
    },
    /// The server refused the access token (HTTP 401) and no other could be had: the token
    /// source cannot renew its token (a static token that expired or was revoked), or a token
    /// it had just renewed was refused too.
    TokenRefused {
        /// Discovery id of the method.
        method: &'static str,
        /// How long the call had run when the token was refused; for a poller, how long the
        /// wait had run (from its first poll).
        elapsed: Duration,
        /// Whether the source had just given a new token, refused as well.
        refreshed: bool,
        /// The 401 answer.
        error: Box<ApiError>,
    },
    /// Application Default Credentials (or another token source) could not be set up: a
    /// credential file that cannot be read or used, or no credentials at all.
    Credentials {
        /// What is wrong, naming the file and its `type` where there is one.
        source: BoxError,
    },
    /// The credentials, or a request resolved from a URL, belong to another universe domain
    /// than the client's; nothing was sent.
    UniverseDomain {
        /// The client's universe domain.
        client: String,
        /// The other universe domain.
        found: String,
        /// Whose it is: `the credentials` or `the request`.
        of: &'static str,
    },
    /// A root URL (the client's, or a request's own) is not an `http://` or `https://` URL;
    /// refused when the client is built, or before the request is sent.
    NotHttp {
        /// The root URL.
        url: String,
    },
    /// The HTTP client could not be set up (its TLS configuration, for example).
    Setup {
        /// The HTTP stack's error.
        source: BoxError,
    },
    /// The operation's collection has no `cancel` method that takes the same path parameters.
    NoCancel {
        /// Discovery id of the collection's `get`.
        method: &'static str,
    },
    /// The operation finished with an error.
    OperationFailed {
        /// Discovery id of the collection's `get` whose poller saw it.
        method: &'static str,
        /// The operation's name.
        name: Option<String>,
        /// The operation's error, as its service reports it.
        error: OperationError,
    },
    /// The service answered 404 for an operation a poll had already seen: it is gone (deleted,
    /// or past the service's retention), so polling stops at once.
    OperationGone {
        /// Discovery id of the method that was answered 404.
        method: &'static str,
        /// The operation's name, as last seen.
        name: Option<String>,
        /// The 404 answer.
        error: Box<ApiError>,
    },

    /// The operation was still not done when polling stopped: the poll policy's deadline
    /// passed or its number of polls ran out. Polling never goes on past either.
    NotDone {
        /// Discovery id of the collection's `get` that was being polled.
        method: &'static str,
        /// The operation's name, from the last operation seen or else the request.
        name: Option<String>,
        /// Polls made (`get` or `wait` calls), a last one cut short by the deadline included.
        polls: u32,
        /// Time from the first poll until polling stopped.
        elapsed: Duration,
        /// Which limit stopped the polling.
        limit: PollLimit,
        /// The last operation seen, as JSON (unknown fields included); `None` when no poll was
        /// answered. [`Error::last_operation_as`] decodes it back into the typed model.
        last_operation: Option<Box<serde_json::Value>>,
        /// The transient failure of the last poll, when it failed (its retries spent): a wait
        /// rides such failures out until its deadline, and says what it last met.
        last_error: Option<Box<Error>>,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidParameter {
                method,
                parameter,
                value,
                problem,
                pattern,
            } => {
                write!(f, "{method}: parameter `{parameter}` = {value:?} {problem}")?;
                write_expected(f, *problem, pattern.as_ref())
            }
            Error::InvalidUrl {
                method,
                url,
                source,
            } => write!(
                f,
                "{method}: the request URL {url:?} is not a valid URI: {source}"
            ),
            Error::HeldBack { method, error } => write!(
                f,
                "{method}: not sent: every request of this client holds back, past this call's \
                 deadline, after an earlier answer: {error}"
            ),
            Error::Api {
                method,
                attempts,
                error,
            } => write!(f, "{method}: {error} (after {attempts} attempt(s))"),
            Error::Decode {
                method,
                attempts,
                problem,
                message,
                ..
            } => {
                write!(f, "{method}: the response body {problem}")?;
                if problem.shows_decoder_message() {
                    write!(f, ": {message}")?;
                }
                write!(f, " (after {attempts} attempt(s))")
            }
            Error::Redirected { .. } | Error::ResponseTooLarge { .. } | Error::Transport { .. } => {
                self.fmt_exchange(f)
            }
            Error::Auth { .. }
            | Error::TokenRefused { .. }
            | Error::Credentials { .. }
            | Error::UniverseDomain { .. } => self.fmt_credentials(f),
            Error::Setup { source } => write!(f, "the HTTP client could not be set up: {source}"),
            Error::NotHttp { url } => {
                write!(f, "the root URL {url:?} is not an http:// or https:// URL")
            }
            Error::NoCancel { .. }
            | Error::OperationFailed { .. }
            | Error::OperationGone { .. }
            | Error::NotDone { .. } => self.fmt_operation(f),
        }
    }
}

/// After a parameter's problem, what its pattern expected.
fn write_expected(
    f: &mut fmt::Formatter<'_>,
    problem: ParamProblem,
    pattern: Option<&Pattern>,
) -> fmt::Result {
    match pattern {
        Some(Pattern {
            regex,
            shape: Some(shape),
            ..
        }) => write!(f, "; expected {shape} (pattern `{regex}`)"),
        Some(Pattern { regex, .. }) if problem == ParamProblem::PatternMismatch => {
            write!(f, " `{regex}`")
        }
        Some(Pattern { regex, .. }) => write!(f, "; expected a match of `{regex}`"),
        None => Ok(()),
    }
}

impl Error {
    /// [`Display`](fmt::Display) of an exchange that gave no usable answer: a redirect, a body
    /// over the limit, a transport failure.
    fn fmt_exchange(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Redirected {
                method,
                attempts,
                status,
                location,
            } => {
                write!(f, "{method}: the server answered HTTP {}", status.as_u16())?;
                if let Some(reason) = status.canonical_reason() {
                    write!(f, " {reason}")?;
                }
                match location {
                    Some(location) => write!(f, ", a redirect to {location:?}")?,
                    None => f.write_str(", a redirect without a Location")?,
                }
                write!(
                    f,
                    " (after {attempts} attempt(s)); redirects are never followed, since Google \
                     APIs do not redirect these requests"
                )
            }
            Error::ResponseTooLarge {
                method,
                attempts,
                limit,
                announced,
            } => {
                write!(
                    f,
                    "{method}: the response body is larger than the limit of "
                )?;
                write_size(f, *limit)?;
                match announced {
                    Some(size) => {
                        f.write_str(" (it announced ")?;
                        write_size(f, *size)?;
                        f.write_str(")")?;
                    }
                    None => f.write_str(" (it has no announced size)")?,
                }
                write!(f, " and was not read further (after {attempts} attempt(s))")
            }
            Error::Transport {
                method,
                attempts,
                kind,
                source,
            } => {
                write!(
                    f,
                    "{method}: {kind} (after {attempts} attempt(s)): {source}"
                )?;
                write_causes(f, &**source)
            }
            _ => Ok(()),
        }
    }

    /// [`Display`](fmt::Display) of a failure to get or use credentials.
    fn fmt_credentials(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Auth { method, source } => write!(f, "{method}: no access token: {source}"),
            Error::TokenRefused {
                method,
                elapsed,
                refreshed: false,
                error,
            } => write!(
                f,
                "{method}: the access token was refused after {}: it expired or was revoked, \
                 and this token source cannot get another (a token given as such lasts about an \
                 hour). For long waits use a source that refreshes its tokens: Application \
                 Default Credentials, or a command that prints a token. The server said: {error}",
                human(*elapsed)
            ),
            Error::TokenRefused {
                method,
                elapsed,
                refreshed: true,
                error,
            } => write!(
                f,
                "{method}: the access token was refused after {}, and so was the new one \
                 fetched at once: the credentials are no longer accepted (revoked, or without \
                 access). The server said: {error}",
                human(*elapsed)
            ),
            Error::Credentials { source } => write!(f, "{source}"),
            Error::UniverseDomain { client, found, of } => write!(
                f,
                "the universe domain of {of} is {found:?}, but requests go to {client:?}: set \
                 the universe domain (GOOGLE_CLOUD_UNIVERSE_DOMAIN) to match; nothing was sent"
            ),
            _ => Ok(()),
        }
    }

    /// [`Display`](fmt::Display) of what became of an operation.
    fn fmt_operation(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NoCancel { method } => write!(
                f,
                "{method}: the collection has no cancel method for this operation"
            ),
            Error::OperationFailed {
                method,
                name,
                error,
            } => {
                let name = name.as_deref().unwrap_or("(unnamed)");
                write!(f, "{method}: operation {name} failed: {error}")
            }
            Error::OperationGone {
                method,
                name,
                error,
            } => {
                let name = name.as_deref().unwrap_or("(unnamed)");
                write!(
                    f,
                    "{method}: operation {name} was seen before and is now gone: {error}"
                )
            }
            Error::NotDone {
                method,
                name,
                polls,
                elapsed,
                limit,
                last_error,
                ..
            } => {
                let name = name.as_deref().unwrap_or("(unnamed)");
                let elapsed = Elapsed(*elapsed);
                match limit {
                    PollLimit::NextPollTooLate { .. } => write!(
                        f,
                        "{method}: operation {name} is not done; gave up after {polls} poll(s) \
                         in {elapsed}, since {limit}"
                    )?,
                    _ => write!(
                        f,
                        "{method}: operation {name} is not done after {polls} poll(s) in \
                         {elapsed}: {limit}"
                    )?,
                }
                if let Some(error) = last_error {
                    write!(f, "; the last poll failed: {error}")?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// The causes of a transport `source`: what happened (`Connection refused`), each one that the
/// text so far does not already say.
fn write_causes(
    f: &mut fmt::Formatter<'_>,
    source: &(dyn std::error::Error + 'static),
) -> fmt::Result {
    let mut shown = source.to_string();
    let mut cause = source.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !shown.contains(&text) {
            write!(f, ": {text}")?;
            shown.push_str(&text);
        }
        cause = c.source();
    }
    Ok(())
}

impl std::error::Error for Error {
    /// The wrapped error of [`Error::InvalidUrl`], [`Error::Transport`], [`Error::Auth`],
    /// [`Error::Credentials`] and [`Error::Setup`]; `None` for the others.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::InvalidUrl { source, .. } => Some(source),
            Error::Transport { source, .. }
            | Error::Auth { source, .. }
            | Error::Credentials { source }
            | Error::Setup { source, .. } => Some(&**source),
            Error::InvalidParameter { .. }
            | Error::NotHttp { .. }
            | Error::Api { .. }
            | Error::HeldBack { .. }
            | Error::Decode { .. }
            | Error::Redirected { .. }
            | Error::ResponseTooLarge { .. }
            | Error::NoCancel { .. }
            | Error::TokenRefused { .. }
            | Error::UniverseDomain { .. }
            | Error::OperationFailed { .. }
            | Error::OperationGone { .. }
            | Error::NotDone { .. } => None,
        }
    }
}

impl Error {
    /// The server's error, when the error is [`Error::Api`], [`Error::OperationGone`] or
    /// [`Error::TokenRefused`].
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api { error, .. }
            | Error::HeldBack { error, .. }
            | Error::OperationGone { error, .. }
            | Error::TokenRefused { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Whether trying the same call again may succeed: a transport failure other than an
    /// unreadable response ([`TransportKind::Unreadable`]), an HTTP status of 408, 500, 502,
    /// 503 or 504, throttling (429, or a 403 for a rate limit: see
    /// [`ApiError::is_rate_limited`]), or a successful answer whose body was empty or cut short
    /// ([`BodyProblem::Empty`], [`BodyProblem::Truncated`]). The `Client` retries exactly
    /// these; everything else (a redirect, a body over the size limit, any other status)
    /// would only be answered the same way again.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Transport { kind, .. } => *kind != TransportKind::Unreadable,
            Error::HeldBack { .. } => true,
            Error::Decode { problem, .. } => {
                matches!(problem, BodyProblem::Empty | BodyProblem::Truncated)
            }
            Error::Api { error, .. } => {
                error.is_rate_limited()
                    || matches!(error.http_status.as_u16(), 408 | 500 | 502..=504)
            }
            _ => false,
        }
    }

    /// Whether this is [`Error::OperationFailed`] for an operation that ended cancelled (see
    /// [`OperationError::is_cancelled`]).
    pub fn is_cancelled(&self) -> bool {
        matches!(self, Error::OperationFailed { error, .. } if error.is_cancelled())
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

/// `elapsed` for people: `1h 2m 3s`, `4m 5s`, `6s`, `700ms`.
fn human(elapsed: Duration) -> String {
    let secs = elapsed.as_secs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    match (h, m) {
        (0, 0) if secs == 0 => format!("{}ms", elapsed.as_millis()),
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m {s}s"),
        _ => format!("{h}h {m}m {s}s"),
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
    /// The connection broke: reset, or closed before a whole response.
    Broken,
    /// The response could not be read as HTTP: a head too large (too many or too long
    /// headers) or malformed. The same server would answer the same way again, so this is
    /// not retried.
    Unreadable,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Connect => "could not connect",
            TransportKind::Timeout => "timed out",
            TransportKind::Broken => "the connection broke",
            TransportKind::Unreadable => "the response could not be read as HTTP",
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
    /// Polling had already ended (done, failed or stopped) when another step was asked for.
    Ended,
    /// The next poll would have started after the deadline: polling gave up at once, rather
    /// than idle to the deadline. The wait is the poll policy's pause, or longer where the
    /// server asked for more (`Retry-After`, a `google.rpc.RetryInfo`, or the client's
    /// hold-back after a 429; the last poll's error then says what it asked).
    NextPollTooLate {
        /// The poll policy's deadline, counted from the first poll.
        deadline: Duration,
        /// How long after giving up the next poll would have started.
        wait: Duration,
    },
}

impl fmt::Display for PollLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PollLimit::Deadline(d) => write!(f, "the deadline of {d:?} passed"),
            PollLimit::Polls(n) => write!(f, "the limit of {n} poll(s) was reached"),
            PollLimit::Ended => f.write_str("polling had already ended"),
            PollLimit::NextPollTooLate { deadline, wait } => write!(
                f,
                "the next poll would come {wait:?} later, after the deadline of {deadline:?}"
            ),
        }
    }
}

/// What is wrong with a successful response's body ([`Error::Decode`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyProblem {
    /// The body is empty.
    Empty,
    /// The JSON ends before it is whole: the body was cut short.
    Truncated,
    /// The body is an HTML page (a proxy's, a load balancer's or a sign-in page), not JSON.
    Html {
        /// The page's `<title>`, on one line and at most 120 bytes, where it has one.
        title: Option<String>,
    },
    /// The body is compressed or encoded (`Content-Encoding`), which the client did not ask
    /// for.
    Encoded {
        /// The `Content-Encoding`, such as `gzip` (at most 64 bytes kept).
        encoding: String,
    },
    /// The body is not JSON.
    NotJson {
        /// The `Content-Type`, where the answer has one (at most 64 bytes kept).
        content_type: Option<String>,
    },
    /// The body is JSON, but not of the shape of the method's response.
    Shape,
}

impl BodyProblem {
    /// Whether the JSON decoder's own message says more than the problem does.
    fn shows_decoder_message(&self) -> bool {
        matches!(self, BodyProblem::NotJson { .. } | BodyProblem::Shape)
    }
}

impl fmt::Display for BodyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyProblem::Empty => f.write_str("is empty"),
            BodyProblem::Truncated => f.write_str("was cut short (its JSON is not whole)"),
            BodyProblem::Html { title: Some(title) } => {
                write!(f, "is an HTML page, not JSON (page title: {title:?})")
            }
            BodyProblem::Html { title: None } => f.write_str("is an HTML page, not JSON"),
            BodyProblem::Encoded { encoding } => write!(
                f,
                "is encoded as {encoding:?} (content-encoding), which the client did not ask for"
            ),
            BodyProblem::NotJson {
                content_type: Some(content_type),
            } => write!(f, "is not JSON (content-type {content_type:?})"),
            BodyProblem::NotJson { content_type: None } => f.write_str("is not JSON"),
            BodyProblem::Shape => f.write_str("is JSON, but not the method's response"),
        }
    }
}

/// A time a wait took, for a person: to the millisecond (`2.612s`, `0s`).
struct Elapsed(Duration);

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match u64::try_from(self.0.as_millis()).unwrap_or(u64::MAX) {
            0 => f.write_str("0s"),
            ms => write!(f, "{:?}", Duration::from_millis(ms)),
        }
    }
}

/// `bytes` for a person: `33554432 bytes (32 MiB)`, or `512 bytes`.
fn write_size(f: &mut fmt::Formatter<'_>, bytes: u64) -> fmt::Result {
    const MIB: u64 = 1024 * 1024;
    write!(f, "{bytes} bytes")?;
    if bytes >= MIB {
        write!(f, " ({:.1} MiB)", bytes as f64 / MIB as f64)?;
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use std::error::Error as _;
    use std::time::Duration;

    use super::{BodyProblem, BoxError, Error, ParamProblem, PollLimit, TransportKind};
    use crate::api_error::ApiError;
    use crate::operation::{OperationError, Status};
    use crate::service::ParamInfo;

    /// An error with a fixed text, to stand for another crate's error.
    #[derive(Debug)]
    struct Inner(&'static str);

    impl std::fmt::Display for Inner {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Inner {}

    fn boxed(text: &'static str) -> BoxError {
        Box::new(Inner(text))
    }

    /// The text of `err`'s `source()`, which must be there.
    fn source_text(err: &Error) -> String {
        err.source().expect("a source").to_string()
    }

    #[test]
    fn invalid_parameter() {
        let err = Error::InvalidParameter {
            method: "dataproc.projects.regions.operations.get",
            parameter: "name",
            value: "projects/p/\"x\"/..".to_owned(),
            problem: ParamProblem::DotSegment,
            pattern: ParamInfo::path("name")
                .pattern(
                    "^projects/[^/]+/regions/[^/]+/operations/[^/]+$",
                    Some("projects/*/regions/*/operations/*"),
                )
                .pattern,
        };
        assert_eq!(
            err.to_string(),
            "dataproc.projects.regions.operations.get: parameter `name` = \"projects/p/\\\"x\\\"/..\" \
             has a `.` or `..` path segment; expected projects/*/regions/*/operations/* \
             (pattern `^projects/[^/]+/regions/[^/]+/operations/[^/]+$`)"
        );
        assert!(err.source().is_none());
    }

    #[test]
    fn invalid_url() {
        let source = http::Request::builder()
            .uri("not a uri")
            .body(())
            .expect_err("an invalid URI");
        let err = Error::InvalidUrl {
            method: "m.get",
            url: "not a uri".to_owned(),
            source,
        };
        assert_eq!(
            err.to_string(),
            "m.get: the request URL \"not a uri\" is not a valid URI: invalid uri character"
        );
        assert_eq!(source_text(&err), "invalid uri character");
        assert!(err.source().unwrap().is::<http::Error>());
    }

    #[test]
    fn api() {
        let api = ApiError::from_response(
            http::StatusCode::TOO_MANY_REQUESTS,
            &http::HeaderMap::new(),
            br#"{"error": {"code": 429, "message": "Quota exceeded.", "status": "RESOURCE_EXHAUSTED"}}"#,
        );
        let err = Error::Api {
            method: "m.get",
            attempts: 3,
            error: Box::new(api),
        };
        assert_eq!(
            err.to_string(),
            "m.get: HTTP 429 RESOURCE_EXHAUSTED: Quota exceeded. (after 3 attempt(s))"
        );
        assert!(err.source().is_none());
    }

    #[test]
    fn decode() {
        let err = Error::Decode {
            method: "m.get",
            attempts: 1,
            problem: BodyProblem::Shape,
            line: 1,
            column: 9,
            message: "invalid type: integer `1`, expected a string at line 1 column 9".to_owned(),
        };
        assert_eq!(
            err.to_string(),
            "m.get: the response body is JSON, but not the method's response: invalid type: \
             integer `1`, expected a string at line 1 column 9 (after 1 attempt(s))"
        );
        assert!(err.source().is_none());
        assert!(!err.is_transient());
        for (problem, transient, text) in [
            (
                BodyProblem::Empty,
                true,
                "m.get: the response body is empty (after 1 attempt(s))",
            ),
            (
                BodyProblem::Html {
                    title: Some("Sign in".into()),
                },
                false,
                "m.get: the response body is an HTML page, not JSON (page title: \"Sign in\") \
                 (after 1 attempt(s))",
            ),
            (
                BodyProblem::Encoded {
                    encoding: "gzip".into(),
                },
                false,
                "m.get: the response body is encoded as \"gzip\" (content-encoding), which the \
                 client did not ask for (after 1 attempt(s))",
            ),
        ] {
            let err = Error::Decode {
                method: "m.get",
                attempts: 1,
                problem,
                line: 1,
                column: 1,
                message: "expected value at line 1 column 1".to_owned(),
            };
            assert_eq!(err.to_string(), text);
            assert_eq!(err.is_transient(), transient, "{err}");
        }
    }

    #[test]
    fn redirected_and_too_large() {
        let err = Error::Redirected {
            method: "m.get",
            attempts: 1,
            status: http::StatusCode::FOUND,
            location: Some("http://127.0.0.1:9/\u{1b}[2J".to_owned()),
        };
        assert_eq!(
            err.to_string(),
            "m.get: the server answered HTTP 302 Found, a redirect to \
             \"http://127.0.0.1:9/\\u{1b}[2J\" (after 1 attempt(s)); redirects are never \
             followed, since Google APIs do not redirect these requests"
        );
        assert!(!err.is_transient());
        let err = Error::ResponseTooLarge {
            method: "m.get",
            attempts: 1,
            limit: 32 * 1024 * 1024,
            announced: Some(500_000_000),
        };
        assert_eq!(
            err.to_string(),
            "m.get: the response body is larger than the limit of 33554432 bytes (32.0 MiB) \
             (it announced 500000000 bytes (476.8 MiB)) and was not read further (after 1 \
             attempt(s))"
        );
        assert!(!err.is_transient());
    }

    #[test]
    fn transport() {
        let err = Error::Transport {
            method: "m.get",
            attempts: 2,
            kind: TransportKind::Timeout,
            source: boxed("deadline elapsed"),
        };
        assert_eq!(
            err.to_string(),
            "m.get: timed out (after 2 attempt(s)): deadline elapsed"
        );
        assert_eq!(source_text(&err), "deadline elapsed");
        assert!(err.source().unwrap().is::<Inner>());

        // Causes down the chain are shown once each.
        #[derive(Debug)]
        struct Outer(std::io::Error);
        impl std::fmt::Display for Outer {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("error sending request for url (http://127.0.0.1:9/v1/x)")
            }
        }
        impl std::error::Error for Outer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let refused =
            std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused");
        let err = Error::Transport {
            method: "m.get",
            attempts: 1,
            kind: TransportKind::Connect,
            source: Box::new(Outer(refused)),
        };
        assert_eq!(
            err.to_string(),
            "m.get: could not connect (after 1 attempt(s)): error sending request for url \
             (http://127.0.0.1:9/v1/x): Connection refused"
        );
    }

    #[test]
    fn auth() {
        let err = Error::Auth {
            method: "m.get",
            source: boxed("GOOGLE_OAUTH_ACCESS_TOKEN is not set"),
        };
        assert_eq!(
            err.to_string(),
            "m.get: no access token: GOOGLE_OAUTH_ACCESS_TOKEN is not set"
        );
        assert_eq!(source_text(&err), "GOOGLE_OAUTH_ACCESS_TOKEN is not set");
        assert!(err.source().unwrap().is::<Inner>());
    }

    #[test]
    fn setup() {
        let err = Error::Setup {
            source: boxed("no root certificates"),
        };
        assert_eq!(
            err.to_string(),
            "the HTTP client could not be set up: no root certificates"
        );
        assert_eq!(source_text(&err), "no root certificates");
        assert!(err.source().unwrap().is::<Inner>());
    }

    #[test]
    fn operation_failed() {
        let status = Status::new(
            Some(9),
            Some("Cluster is in ERROR state.".to_owned()),
            Vec::new(),
        );
        let err = Error::OperationFailed {
            method: "m.operations.get",
            name: Some("projects/p/operations/1".to_owned()),
            error: OperationError::Status(status),
        };
        assert_eq!(
            err.to_string(),
            "m.operations.get: operation projects/p/operations/1 failed: FAILED_PRECONDITION (9): \
             Cluster is in ERROR state."
        );
        assert!(err.source().is_none());

        let err = Error::OperationFailed {
            method: "m.operations.get",
            name: None,
            error: OperationError::Status(Status::default()),
        };
        assert_eq!(
            err.to_string(),
            "m.operations.get: operation (unnamed) failed: code (none): (no message)"
        );
    }

    #[test]
    fn not_done() {
        let err = Error::NotDone {
            method: "m.operations.get",
            name: Some("projects/p/operations/1".to_owned()),
            polls: 4,
            elapsed: Duration::from_millis(1500),
            limit: PollLimit::Deadline(Duration::from_secs(1)),
            last_operation: None,
            last_error: Some(Box::new(Error::NotHttp {
                url: "ftp://x/".into(),
            })),
        };
        assert_eq!(
            err.to_string(),
            "m.operations.get: operation projects/p/operations/1 is not done after 4 poll(s) \
             in 1.5s: the deadline of 1s passed; the last poll failed: the root URL \
             \"ftp://x/\" is not an http:// or https:// URL"
        );
        assert!(err.source().is_none());

        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::RETRY_AFTER,
            http::HeaderValue::from_static("3600"),
        );
        let throttled = ApiError::from_response(
            http::StatusCode::TOO_MANY_REQUESTS,
            &headers,
            br#"{"error": {"code": 429, "message": "Quota exceeded.", "status": "RESOURCE_EXHAUSTED"}}"#,
        );
        let err = Error::NotDone {
            method: "m.operations.get",
            name: Some("operation-1".to_owned()),
            polls: 1,
            elapsed: Duration::from_micros(2_612_345),
            limit: PollLimit::NextPollTooLate {
                deadline: Duration::from_secs(4),
                wait: Duration::from_secs(3600),
            },
            last_operation: None,
            last_error: Some(Box::new(Error::Api {
                method: "m.operations.get",
                attempts: 1,
                error: Box::new(throttled),
            })),
        };
        assert_eq!(
            err.to_string(),
            "m.operations.get: operation operation-1 is not done; gave up after 1 poll(s) in \
             2.612s, since the next poll would come 3600s later, after the deadline of 4s; the \
             last poll failed: m.operations.get: HTTP 429 RESOURCE_EXHAUSTED: Quota exceeded. \
             (asks to wait 3600s before retrying) (after 1 attempt(s))"
        );

        let err = Error::NotDone {
            method: "m.operations.get",
            name: None,
            polls: 10,
            elapsed: Duration::from_secs(30),
            limit: PollLimit::Polls(10),
            last_operation: Some(Box::new(serde_json::json!({"done": false}))),
            last_error: None,
        };
        assert_eq!(
            err.to_string(),
            "m.operations.get: operation (unnamed) is not done after 10 poll(s) in 30s: \
             the limit of 10 poll(s) was reached"
        );
        assert!(err.source().is_none());
    }

    #[test]
    fn problems_and_kinds() {
        for (problem, text) in [
            (
                ParamProblem::PatternMismatch,
                "does not match the parameter's pattern",
            ),
            (
                ParamProblem::EmptySegment,
                "is empty or has an empty path segment",
            ),
            (ParamProblem::DotSegment, "has a `.` or `..` path segment"),
        ] {
            assert_eq!(problem.to_string(), text);
        }
        for (kind, text) in [
            (TransportKind::Connect, "could not connect"),
            (TransportKind::Timeout, "timed out"),
            (TransportKind::Broken, "the connection broke"),
            (
                TransportKind::Unreadable,
                "the response could not be read as HTTP",
            ),
        ] {
            assert_eq!(kind.to_string(), text);
            let err = Error::Transport {
                method: "m.get",
                attempts: 1,
                kind,
                source: boxed("x"),
            };
            assert_eq!(err.is_transient(), kind != TransportKind::Unreadable);
        }
    }
}
