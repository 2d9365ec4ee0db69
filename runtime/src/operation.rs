//! Long-running operations: what the poller needs to know of one, whatever its schema is named,
//! and the standard `google.longrunning.Operation` and `google.rpc.Status` that most services
//! share.

use serde::de::DeserializeOwned;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::codec::JsonObject;

/// A long-running operation as the poller reads it: a name, whether it is done, its metadata,
/// its response and its error.
///
/// Implemented by [`Operation`], which most services use, and by the response model of every
/// operations collection (a resource named `operations` or `…Operations` whose `get`
/// responds with an operation): `done` and an `error`, or a `status` enum with a `DONE` value
/// as in Compute Engine. Decided from the schema, whatever it is called; nested models that
/// merely look alike (GKE's `OperationProgress`) do not implement it.
pub trait LongRunningOperation {
    /// The server-assigned name of the operation.
    fn name(&self) -> Option<&str>;

    /// Whether the operation has finished; a missing `done` means it has not.
    fn is_done(&self) -> bool;

    /// Service-specific progress information, with an `@type` key naming its message.
    fn metadata(&self) -> Option<&JsonObject>;

    /// The result of a successful operation, with an `@type` key naming its message.
    fn response(&self) -> Option<&JsonObject>;

    /// The error of a failed or cancelled operation, as its service reports it.
    fn error(&self) -> Option<OperationError>;

    /// What the operation's own fields say of its progress (Compute's `progress`, `status`,
    /// `statusMessage` and times); empty for google.longrunning operations, whose progress is
    /// in their metadata: [`ServiceInfo::progress`](crate::ServiceInfo::progress) reads both.
    fn progress(&self) -> crate::Progress {
        crate::Progress::default()
    }

    /// Decodes [`metadata`](Self::metadata) by its `@type` into a service's `AnyMetadata` enum
    /// (e.g. `dataproc_v1::AnyMetadata`), which keeps a type it does not know as JSON.
    fn metadata_typed<M: crate::MetadataSet>(&self) -> Option<Result<M, serde_json::Error>> {
        self.metadata().map(M::decode)
    }

    /// Decodes [`metadata`](Self::metadata) into a type of the caller's, whatever its `@type`.
    fn metadata_as<T: DeserializeOwned>(&self) -> Option<Result<T, serde_json::Error>> {
        self.metadata().map(decode_object)
    }

    /// Decodes [`response`](Self::response) into a type of the caller's, after checking that
    /// its `@type` names `message`, the full name of the message the type mirrors (e.g.
    /// `google.cloud.dataproc.v1.Cluster`).
    ///
    /// # Errors
    ///
    /// [`WrongType`] when the `@type` is missing or names another message, or the decoder's
    /// error.
    fn response_as<T: DeserializeOwned>(&self, message: &str) -> Option<Result<T, WrongType>> {
        self.response().map(|object| {
            let found = type_url(object);
            if found.map(message_name) != Some(message) {
                return Err(WrongType {
                    expected: message.to_owned(),
                    found: found.map(str::to_owned),
                    source: None,
                });
            }
            decode_object(object).map_err(|e| WrongType {
                expected: message.to_owned(),
                found: found.map(str::to_owned),
                source: Some(e),
            })
        })
    }
}

/// A `response` that is not of the message the caller expected, or did not decode as it.
#[derive(Debug)]
#[non_exhaustive]
pub struct WrongType {
    /// The message asked for, e.g. `google.cloud.dataproc.v1.Cluster`.
    pub expected: String,
    /// The object's `@type`, if it has one.
    pub found: Option<String>,
    /// The decoder's error, when the type was right but the JSON did not decode.
    pub source: Option<serde_json::Error>,
}

impl fmt::Display for WrongType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.found, &self.source) {
            (_, Some(e)) => write!(f, "response of type {} did not decode: {e}", self.expected),
            (Some(found), None) => write!(f, "response is {found}, not {}", self.expected),
            (None, None) => write!(f, "response has no @type; expected {}", self.expected),
        }
    }
}

impl std::error::Error for WrongType {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as _)
    }
}

/// Decodes a JSON object into a model of the caller's, reading it where it is.
pub(crate) fn decode_object<T: DeserializeOwned>(
    object: &JsonObject,
) -> Result<T, serde_json::Error> {
    T::deserialize(object)
}

/// One page of a collection's `list`: its operations and the token of the next page.
///
/// Implemented by the `list` response model of every operations collection.
pub trait Page {
    /// The collection's operation model.
    type Item;

    /// The `nextPageToken`; `None` (or empty) on the last page.
    fn next_page_token(&self) -> Option<&str>;

    /// The operations of this page, in order.
    fn into_items(self) -> Vec<Self::Item>;
}

/// The request of a collection's `get` whose collection has a `cancel` that takes the same
/// path parameters; the poller's `cancel` sends it.
pub trait Cancel: crate::Request {
    /// The collection's `cancel` method.
    const CANCEL: &'static crate::MethodInfo;
}

/// The response of a method that declares none (a `delete` in some services): whatever body
/// comes, if any, is ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct NoContent;

impl<'de> Deserialize<'de> for NoContent {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer)?;
        Ok(NoContent)
    }
}

/// The `@type` of a `metadata`, `response` or error `details` object, e.g.
/// `type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata`.
pub fn type_url(object: &JsonObject) -> Option<&str> {
    object.get("@type").and_then(serde_json::Value::as_str)
}

/// The full message name a type URL names: `google.cloud.dataproc.v1.Cluster` for
/// `type.googleapis.com/google.cloud.dataproc.v1.Cluster`, whatever the URL's prefix.
pub(crate) fn message_name(type_url: &str) -> &str {
    type_url.rsplit('/').next().unwrap_or(type_url)
}

/// The objects of `details` whose `@type` names the message `name` (e.g.
/// `google.rpc.ErrorInfo`), whatever the type URL's prefix.
pub(crate) fn details_named<'a>(
    details: &'a [JsonObject],
    name: &'a str,
) -> impl Iterator<Item = &'a JsonObject> + 'a {
    details
        .iter()
        .filter(move |d| type_url(d).map(message_name) == Some(name))
}

/// `google.longrunning.Operation`: a long-running operation that is the result of a network
/// API call.
///
/// Every service module whose Discovery schema has exactly these properties names this type
/// (under the schema's own name, such as `GoogleLongrunningOperation`), so one type serves the
/// operations of all of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Operation {
    /// If the value is false, it means the operation is still in progress. If true, the
    /// operation is completed, and either `error` or `response` is available.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done: Option<bool>,

    /// The error result of the operation in case of failure or cancellation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Status>,

    /// Service-specific metadata associated with the operation, with an `@type` key naming its
    /// message. It typically contains progress information and common metadata such as create
    /// time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<JsonObject>,

    /// The server-assigned name, which is only unique within the same service that originally
    /// returns it, usually ending with `operations/{unique_id}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,

    /// The normal, successful response of the operation, with an `@type` key naming its
    /// message: the resource for standard Get/Create/Update methods, `google.protobuf.Empty`
    /// for methods that return no data such as Delete, `XxxResponse` for a method `Xxx`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<JsonObject>,

    /// Properties the schema does not declare, kept as received so that they survive a decode
    /// and re-encode.
    #[serde(flatten)]
    pub unknown_fields: JsonObject,
}

impl LongRunningOperation for Operation {
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    fn is_done(&self) -> bool {
        self.done.unwrap_or(false)
    }

    fn metadata(&self) -> Option<&JsonObject> {
        self.metadata.as_ref()
    }

    fn response(&self) -> Option<&JsonObject> {
        self.response.as_ref()
    }

    fn error(&self) -> Option<OperationError> {
        self.error.clone().map(OperationError::Status)
    }
}

/// `google.rpc.Status`: the error model of Google APIs, a code, a message and details.
///
/// Every service module whose Discovery schema has exactly these properties names this type,
/// and the poller reports every operation's error as one, whatever the service calls it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Status {
    /// The status code, which should be a value of `google.rpc.Code`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<i32>,

    /// A list of messages that carry the error details, each with an `@type` key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Vec<JsonObject>>,

    /// A developer-facing error message, which should be in English.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,

    /// Properties the schema does not declare, kept as received so that they survive a decode
    /// and re-encode.
    #[serde(flatten)]
    pub unknown_fields: JsonObject,
}

impl Status {
    /// A status with these parts.
    pub fn new(code: Option<i32>, message: Option<String>, details: Vec<JsonObject>) -> Self {
        Status {
            code,
            message,
            details: (!details.is_empty()).then_some(details),
            unknown_fields: JsonObject::new(),
        }
    }

    /// The error details, each with an `@type` key.
    pub fn details(&self) -> &[JsonObject] {
        self.details.as_deref().unwrap_or_default()
    }
}

impl fmt::Display for Status {
    /// `FAILED_PRECONDITION (9): Cluster is in ERROR state. [reason CLUSTER_ERROR, domain
    /// dataproc.googleapis.com]`: the code's name and number, the message, and the reason and
    /// domain of a `google.rpc.ErrorInfo` detail where there is one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            Some(code) => match code_name(code) {
                Some(name) => write!(f, "{name} ({code})")?,
                None => write!(f, "code {code}")?,
            },
            None => f.write_str("code (none)")?,
        }
        let message = self.message.as_deref().unwrap_or("(no message)");
        write!(f, ": {message}")?;
        if let Some(info) = details_named(self.details(), "google.rpc.ErrorInfo").next() {
            write_error_info(f, info)?;
        }
        Ok(())
    }
}

/// ` [reason R, domain D]` from a `google.rpc.ErrorInfo` detail, as far as it has them.
pub(crate) fn write_error_info(f: &mut fmt::Formatter<'_>, info: &JsonObject) -> fmt::Result {
    let text = |key: &str| info.get(key).and_then(serde_json::Value::as_str);
    match (text("reason"), text("domain")) {
        (Some(reason), Some(domain)) => write!(f, " [reason {reason}, domain {domain}]"),
        (Some(reason), None) => write!(f, " [reason {reason}]"),
        (None, Some(domain)) => write!(f, " [domain {domain}]"),
        (None, None) => Ok(()),
    }
}

/// The name of a `google.rpc.Code`, e.g. `FAILED_PRECONDITION` for 9.
pub fn code_name(code: i32) -> Option<&'static str> {
    const NAMES: [&str; 17] = [
        "OK",
        "CANCELLED",
        "UNKNOWN",
        "INVALID_ARGUMENT",
        "DEADLINE_EXCEEDED",
        "NOT_FOUND",
        "ALREADY_EXISTS",
        "PERMISSION_DENIED",
        "RESOURCE_EXHAUSTED",
        "FAILED_PRECONDITION",
        "ABORTED",
        "OUT_OF_RANGE",
        "UNIMPLEMENTED",
        "INTERNAL",
        "UNAVAILABLE",
        "DATA_LOSS",
        "UNAUTHENTICATED",
    ];
    usize::try_from(code)
        .ok()
        .and_then(|i| NAMES.get(i))
        .copied()
}

/// How an operation failed, as its service reports it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum OperationError {
    /// A `google.rpc.Status`: google.longrunning operations, and GKE's.
    Status(Status),
    /// A list of errors with string codes, as Compute Engine and Cloud SQL report them.
    List(ErrorList),
    /// The text of a field the operation's schema describes as its error's, on an operation
    /// done without a structured `error`: GKE's `statusMessage` ("If an error has occurred, a
    /// textual description of the error"), as in "Failed to create cluster: …".
    Text {
        /// The field's wire name, such as `statusMessage`.
        field: &'static str,
        /// What it says.
        message: String,
    },
}

impl OperationError {
    /// The error of a Compute-style operation: its `error.errors[]` entries (any serializable
    /// model; each must encode as a JSON object) and, where the operation has them, its
    /// `httpErrorStatusCode` and `httpErrorMessage`. `None` when the list is empty.
    pub fn from_list<T: Serialize>(
        errors: &[T],
        http_status_code: Option<i32>,
        http_error_message: Option<&str>,
    ) -> Option<OperationError> {
        let entries: Vec<ErrorEntry> = errors
            .iter()
            .filter_map(|e| match serde_json::to_value(e) {
                Ok(serde_json::Value::Object(object)) => Some(ErrorEntry::from_object(object)),
                _ => None,
            })
            .collect();
        (!entries.is_empty()).then(|| {
            OperationError::List(ErrorList {
                errors: entries,
                http_status_code,
                http_error_message: http_error_message.map(str::to_owned),
            })
        })
    }

    /// The error an operation's text `field` tells (GKE's `statusMessage`): its `text` when
    /// the operation is `done` and the text is not blank; `None` otherwise.
    pub fn from_text(
        field: &'static str,
        text: Option<&str>,
        done: bool,
    ) -> Option<OperationError> {
        let message = text.filter(|t| done && !t.trim().is_empty())?;
        Some(OperationError::Text {
            field,
            message: message.to_owned(),
        })
    }

    /// The `google.rpc.Status`, when the service reports one.
    pub fn status(&self) -> Option<&Status> {
        match self {
            OperationError::Status(status) => Some(status),
            OperationError::List(_) | OperationError::Text { .. } => None,
        }
    }

    /// The list of errors, when the service reports one.
    pub fn list(&self) -> Option<&ErrorList> {
        match self {
            OperationError::List(list) => Some(list),
            OperationError::Status(_) | OperationError::Text { .. } => None,
        }
    }

    /// Whether the operation ended because it was cancelled rather than because it failed:
    /// a `google.rpc.Status` with code 1 (`CANCELLED`, what google.longrunning's
    /// `Operations.CancelOperation` leaves), or a list with an entry of code
    /// [`CANCELLED_BY_USER`](ErrorList::CANCELLED_BY_USER) (what Compute Engine reports, with
    /// `httpErrorStatusCode` 409, for an operation its user cancelled).
    pub fn is_cancelled(&self) -> bool {
        match self {
            OperationError::Status(status) => status.code == Some(CANCELLED),
            OperationError::List(list) => list
                .errors
                .iter()
                .any(|e| e.code.as_deref() == Some(ErrorList::CANCELLED_BY_USER)),
            OperationError::Text { .. } => false,
        }
    }
}

/// `google.rpc.Code.CANCELLED`: "The operation was cancelled, typically by the caller."
const CANCELLED: i32 = 1;

impl fmt::Display for OperationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OperationError::Status(status) => status.fmt(f),
            OperationError::List(list) => list.fmt(f),
            OperationError::Text { field, message } => write!(f, "{message} ({field})"),
        }
    }
}

/// A Compute-style operation error: `error.errors[]`, with the HTTP status the operation's
/// request would have failed with.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ErrorList {
    /// The errors, in the order the service sent them.
    pub errors: Vec<ErrorEntry>,
    /// `httpErrorStatusCode`, such as `403`.
    pub http_status_code: Option<i32>,
    /// `httpErrorMessage`, such as `FORBIDDEN`.
    pub http_error_message: Option<String>,
}

impl ErrorList {
    /// The entry code of a Compute Engine operation that its user cancelled.
    pub const CANCELLED_BY_USER: &'static str = "OPERATION_CANCELED_BY_USER";
}

impl fmt::Display for ErrorList {
    /// `HTTP 403 FORBIDDEN: QUOTA_EXCEEDED: Quota 'CPUS' exceeded.; …`, one entry after
    /// another, each with its `location` where it has one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.http_status_code, &self.http_error_message) {
            (Some(code), Some(message)) => write!(f, "HTTP {code} {message}: ")?,
            (Some(code), None) => write!(f, "HTTP {code}: ")?,
            (None, Some(message)) => write!(f, "{message}: ")?,
            (None, None) => {}
        }
        for (i, entry) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            f.write_str(entry.code.as_deref().unwrap_or("(no code)"))?;
            if let Some(location) = &entry.location {
                write!(f, " at {location}")?;
            }
            let message = entry.message.as_deref().unwrap_or("(no message)");
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

/// One entry of an [`ErrorList`].
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ErrorEntry {
    /// The error type identifier, such as `QUOTA_EXCEEDED`.
    pub code: Option<String>,
    /// A human-readable message.
    pub message: Option<String>,
    /// Where in the request the error applies, where the service says.
    pub location: Option<String>,
    /// The entry as the service sent it, with what the fields above leave out (such as
    /// Compute's `errorDetails`).
    pub raw: JsonObject,
}

impl ErrorEntry {
    fn from_object(raw: JsonObject) -> ErrorEntry {
        let text = |key: &str| {
            raw.get(key)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        };
        ErrorEntry {
            code: text("code"),
            message: text("message"),
            location: text("location"),
            raw,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Entry {
        code: &'static str,
        message: Option<&'static str>,
        #[serde(rename = "errorDetails")]
        error_details: Vec<u8>,
    }

    #[test]
    fn a_list_keeps_string_codes_and_the_http_status() {
        let entries = [
            Entry {
                code: "QUOTA_EXCEEDED",
                message: Some("Quota 'CPUS' exceeded."),
                error_details: vec![1],
            },
            Entry {
                code: "RESOURCE_NOT_READY",
                message: None,
                error_details: vec![],
            },
        ];
        let error = OperationError::from_list(&entries, Some(403), Some("FORBIDDEN")).unwrap();
        assert_eq!(
            error.to_string(),
            "HTTP 403 FORBIDDEN: QUOTA_EXCEEDED: Quota 'CPUS' exceeded.; \
             RESOURCE_NOT_READY: (no message)"
        );
        let list = error.list().unwrap();
        assert_eq!(list.errors[0].code.as_deref(), Some("QUOTA_EXCEEDED"));
        assert_eq!(list.errors[0].raw["errorDetails"], serde_json::json!([1]));
        assert!(error.status().is_none());

        let empty: [Entry; 0] = [];
        assert_eq!(OperationError::from_list(&empty, Some(500), None), None);
        let no_status = OperationError::from_list(&entries[1..], None, None).unwrap();
        assert_eq!(no_status.to_string(), "RESOURCE_NOT_READY: (no message)");
        assert!(!error.is_cancelled());
    }

    #[test]
    fn cancelled_is_code_1_or_computes_canceled_by_user() {
        let status = |code| OperationError::Status(Status::new(Some(code), None, vec![]));
        assert!(status(1).is_cancelled());
        assert!(!status(9).is_cancelled());
        assert!(!OperationError::Status(Status::default()).is_cancelled());
        // As Compute Engine reports an operation cancelled by its user.
        let entries = [Entry {
            code: "OPERATION_CANCELED_BY_USER",
            message: Some("Operation was canceled by user."),
            error_details: vec![],
        }];
        let compute = OperationError::from_list(&entries, Some(409), Some("CONFLICT")).unwrap();
        assert!(compute.is_cancelled());
    }

    #[test]
    fn a_status_shows_its_code_name_message_and_reason() {
        let status = Status::new(Some(9), Some("Cluster is in ERROR state.".into()), vec![]);
        assert_eq!(
            OperationError::Status(status).to_string(),
            "FAILED_PRECONDITION (9): Cluster is in ERROR state."
        );
        let info = serde_json::json!({
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "QUOTA_EXCEEDED", "domain": "compute.googleapis.com"
        });
        let other = serde_json::json!({"@type": "type.googleapis.com/google.rpc.Help"});
        let details = [other, info]
            .into_iter()
            .map(|d| match d {
                serde_json::Value::Object(o) => o,
                _ => unreachable!("objects above"),
            })
            .collect();
        let status = Status::new(Some(8), Some("Quota exceeded.".into()), details);
        assert_eq!(
            status.to_string(),
            "RESOURCE_EXHAUSTED (8): Quota exceeded. [reason QUOTA_EXCEEDED, domain \
             compute.googleapis.com]"
        );
        assert_eq!(Status::default().to_string(), "code (none): (no message)");
        assert_eq!(
            Status::new(Some(99), None, vec![]).to_string(),
            "code 99: (no message)"
        );
        assert_eq!(code_name(16), Some("UNAUTHENTICATED"));
        assert_eq!(code_name(-1), None);
    }
}
