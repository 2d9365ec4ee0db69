//! [`ApiError`]: an error answer of a Google API, read from Google's error envelope
//! (`google.rpc.Status` or the older `errors` list) and its `Retry-After` header.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::Value;

use crate::codec::{JsonObject, parse_duration};
use crate::operation::details_named;

/// How much of a body that is not a JSON error envelope [`ApiError::body`] keeps: 1 KiB.
pub(crate) const BODY_EXCERPT_LIMIT: usize = 1024;

/// An error answer of a Google API: the HTTP status and what the body says.
///
/// Google APIs answer errors with `{"error": {"code", "message", "status", "details": [...]}}`
/// (the `google.rpc.Status` form, `$.xgafv=2`), which may also carry the older `errors` list
/// (the `$.xgafv=1` form). Both are read. A body that is neither (an HTML page from a proxy or
/// load balancer) is kept as text in [`body`](Self::body).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status of the response.
    pub http_status: StatusCode,
    /// The envelope's `code`: usually the HTTP status again.
    pub code: Option<i32>,
    /// The envelope's `message`, or the HTTP reason phrase when the body has no envelope.
    pub message: String,
    /// The envelope's `status`: the `google.rpc.Code` name, e.g. `RESOURCE_EXHAUSTED`.
    pub status: Option<String>,
    /// The envelope's `details`, each with an `@type` key; see [`error_info`](Self::error_info)
    /// and [`retry_info`](Self::retry_info).
    pub details: Vec<JsonObject>,
    /// The envelope's `errors` list, the `$.xgafv=1` form.
    pub errors: Vec<LegacyError>,
    /// The `Retry-After` header: a number of seconds, or an HTTP date, counted from when the
    /// answer was read (zero for a date already past).
    pub retry_after: Option<Duration>,
    /// When the body is not a JSON error envelope: its text, cut to at most
    /// 1 KiB on a character boundary.
    pub body: Option<String>,
}

impl ApiError {
    /// Reads an error answer from its status, headers and body. Never fails: what cannot be
    /// read as an envelope is kept as text.
    pub fn from_response(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        let retry_after = headers
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after(v, SystemTime::now()));
        let mut error = ApiError {
            http_status: status,
            code: None,
            message: status.canonical_reason().unwrap_or("").to_owned(),
            status: None,
            details: Vec::new(),
            errors: Vec::new(),
            retry_after,
            body: None,
        };
        match serde_json::from_slice::<Envelopes>(body) {
            Ok(Envelopes::One(envelope)) => error.fill(envelope),
            Ok(Envelopes::Many(mut list)) if !list.is_empty() => error.fill(list.swap_remove(0)),
            _ => error.body = Some(excerpt(body)),
        }
        error
    }

    fn fill(&mut self, envelope: Envelope) {
        match envelope.error {
            WireError::Status(s) => {
                self.code = s.code;
                if let Some(message) = s.message {
                    self.message = message;
                }
                self.status = s.status;
                self.details = s.details;
                self.errors = s.errors;
            }
            WireError::Text(text) => {
                self.message = match envelope.error_description {
                    Some(description) => format!("{text}: {description}"),
                    None => text,
                }
            }
        }
    }

    /// The details whose `@type` names the message `name` (e.g. `google.rpc.ErrorInfo`),
    /// whatever the type URL's prefix.
    pub fn details_of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a JsonObject> + 'a {
        details_named(&self.details, name)
    }

    /// The first `google.rpc.ErrorInfo` detail: why the call failed, in machine-readable form.
    pub fn error_info(&self) -> Option<ErrorInfo> {
        self.details_of("google.rpc.ErrorInfo")
            .find_map(|d| ErrorInfo::deserialize(&Value::Object(d.clone())).ok())
    }

    /// The `retryDelay` of the first `google.rpc.RetryInfo` detail: how long the server asks
    /// the client to wait before trying again.
    pub fn retry_info(&self) -> Option<Duration> {
        self.details_of("google.rpc.RetryInfo")
            .find_map(|d| d.get("retryDelay").and_then(parse_duration))
    }

    /// How long the server asks the client to wait: the longer of `Retry-After` and
    /// [`retry_info`](Self::retry_info).
    pub fn retry_delay(&self) -> Option<Duration> {
        self.retry_after.max(self.retry_info())
    }

    /// Whether the service is throttling: HTTP 429, or a 403 whose reason says a rate limit
    /// was exceeded (`rateLimitExceeded` or `userRateLimitExceeded` in the `errors` list, as
    /// Compute Engine and other older APIs send per-100-seconds quota; `RATE_LIMIT_EXCEEDED`
    /// in an `ErrorInfo`). Such answers are transient, and hold back every request of the
    /// `Client` like a 429. Any other 403 (a missing permission, a daily quota spent) is not.
    pub fn is_rate_limited(&self) -> bool {
        const LEGACY: &[&str] = &["rateLimitExceeded", "userRateLimitExceeded"];
        match self.http_status.as_u16() {
            429 => true,
            403 => {
                self.errors
                    .iter()
                    .any(|e| e.reason.as_deref().is_some_and(|r| LEGACY.contains(&r)))
                    || self
                        .error_info()
                        .is_some_and(|info| info.reason == "RATE_LIMIT_EXCEEDED")
            }
            _ => false,
        }
    }

    /// The machine-readable reason: `ErrorInfo.reason`, or else the first `errors[].reason`.
    pub fn reason(&self) -> Option<String> {
        self.error_info()
            .map(|info| info.reason)
            .or_else(|| self.errors.iter().find_map(|e| e.reason.clone()))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.http_status.as_u16())?;
        if let Some(status) = &self.status {
            write!(f, " {status}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(info) = self.details_of("google.rpc.ErrorInfo").next() {
            crate::operation::write_error_info(f, info)?;
        }
        if let Some(delay) = self.retry_delay() {
            write!(f, " (asks to wait {delay:?} before retrying)")?;
        }
        if let Some(body) = &self.body {
            // An HTML error page (a proxy's, a load balancer's, Google's front end's) says what
            // happened in its title; anything else is quoted from its start.
            match html_title(body) {
                Some(title) => write!(f, " (page title: {title:?})")?,
                None => {
                    let start = one_line(body);
                    write!(f, " (body: {:?})", &start[..cut(&start, 120)])?;
                }
            }
        }
        Ok(())
    }
}

/// How long a `Retry-After` value asks to wait at `now`: `delay-seconds` or an `HTTP-date`
/// (RFC 9110, section 10.2.3); `None` when it is neither.
pub(crate) fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// `text` with every run of white space made one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of an HTML page's `<title>`, on one line and at most 120 bytes; `None` when the
/// body has no non-empty title.
pub(crate) fn html_title(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find("</title")?;
    let title = one_line(&body[start..end]);
    (!title.is_empty()).then(|| title[..cut(&title, 120)].to_owned())
}

/// A `google.rpc.ErrorInfo` error detail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ErrorInfo {
    /// The reason of the error, an UPPER_SNAKE_CASE constant, e.g. `RATE_LIMIT_EXCEEDED`.
    pub reason: String,
    /// The logical grouping the reason belongs to, e.g. `googleapis.com`.
    pub domain: String,
    /// Further structured details, e.g. `service` and `quota_limit`.
    pub metadata: BTreeMap<String, String>,
}

/// One entry of the `errors` list of the `$.xgafv=1` error format.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct LegacyError {
    /// The error domain, e.g. `global` or `usageLimits`.
    pub domain: Option<String>,
    /// The reason, e.g. `notFound` or `rateLimitExceeded`.
    pub reason: Option<String>,
    /// A human-readable message.
    pub message: Option<String>,
    /// Where the error is, e.g. a parameter name.
    pub location: Option<String>,
    /// What `location` names, e.g. `parameter`.
    pub location_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Envelopes {
    One(Envelope),
    Many(Vec<Envelope>),
}

#[derive(Deserialize)]
struct Envelope {
    error: WireError,
    error_description: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum WireError {
    Status(WireStatus),
    Text(String),
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct WireStatus {
    code: Option<i32>,
    message: Option<String>,
    status: Option<String>,
    details: Vec<JsonObject>,
    errors: Vec<LegacyError>,
}

/// The byte length of the longest prefix of `s` of at most `limit` bytes on a char boundary.
pub(crate) fn cut(s: &str, limit: usize) -> usize {
    let mut end = limit.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// The start of `body` as text, at most [`BODY_EXCERPT_LIMIT`] bytes on a character boundary.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(BODY_EXCERPT_LIMIT + 4)]);
    text[..cut(&text, BODY_EXCERPT_LIMIT)].to_owned()
}
