//! Long-running operations: what the poller needs to know of one, whatever its schema is named,
//! and the standard `google.longrunning.Operation` and `google.rpc.Status` that most services
//! share.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::codec::JsonObject;

/// A long-running operation as the poller reads it: a name, whether it is done, its metadata,
/// its response and its error.
///
/// Implemented by [`Operation`], which most services use, and by every service model that has
/// the shape of one: `done` and an `error` of `google.rpc.Status` shape, or Compute's `status`
/// enum with a `DONE` value. Decided from the schema, whatever it is called.
pub trait LongRunningOperation {
    /// The server-assigned name of the operation.
    fn name(&self) -> Option<&str>;

    /// Whether the operation has finished; a missing `done` means it has not.
    fn is_done(&self) -> bool;

    /// Service-specific progress information, with an `@type` key naming its message.
    fn metadata(&self) -> Option<&JsonObject>;

    /// The result of a successful operation, with an `@type` key naming its message.
    fn response(&self) -> Option<&JsonObject>;

    /// The error of a failed or cancelled operation.
    fn error(&self) -> Option<Status>;

    /// Decodes [`metadata`](Self::metadata) into a type of the caller's.
    fn metadata_as<T: DeserializeOwned>(&self) -> Option<Result<T, serde_json::Error>> {
        self.metadata().map(decode_object)
    }

    /// Decodes [`response`](Self::response) into a type of the caller's.
    fn response_as<T: DeserializeOwned>(&self) -> Option<Result<T, serde_json::Error>> {
        self.response().map(decode_object)
    }
}

fn decode_object<T: DeserializeOwned>(object: &JsonObject) -> Result<T, serde_json::Error> {
    T::deserialize(serde_json::Value::Object(object.clone()))
}

/// The `@type` of a `metadata`, `response` or error `details` object, e.g.
/// `type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata`.
pub fn type_url(object: &JsonObject) -> Option<&str> {
    object.get("@type").and_then(serde_json::Value::as_str)
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

    fn error(&self) -> Option<Status> {
        self.error.clone()
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

    /// A status from a Compute-style `error.errors[]` list: no code, the messages joined by
    /// `; `, and each error object kept in `details`.
    pub fn from_error_list<T: Serialize>(errors: &[T]) -> Self {
        let details: Vec<JsonObject> = errors
            .iter()
            .filter_map(|e| match serde_json::to_value(e) {
                Ok(serde_json::Value::Object(object)) => Some(object),
                _ => None,
            })
            .collect();
        let messages: Vec<&str> = details
            .iter()
            .filter_map(|d| d.get("message").and_then(serde_json::Value::as_str))
            .collect();
        let message = (!messages.is_empty()).then(|| messages.join("; "));
        Status::new(None, message, details)
    }

    /// The error details, each with an `@type` key.
    pub fn details(&self) -> &[JsonObject] {
        self.details.as_deref().unwrap_or_default()
    }
}
