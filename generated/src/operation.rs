//! What the poller needs to know of a long-running operation, whatever its schema is named.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::codec::JsonObject;

/// A `google.longrunning.Operation`-shaped model: `name`, `done`, `metadata`, `response` and an
/// `error` of `google.rpc.Status` shape.
///
/// The generator implements it for every response schema that has these properties, whatever
/// the schema is called (`Operation`, `GoogleLongrunningOperation`, `ApigatewayOperation`, …).
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
    fn error(&self) -> Option<RpcStatus>;

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

/// A `google.rpc.Status`: the error model of Google APIs, independent of the schema name a
/// service gives it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct RpcStatus {
    /// The status code, a value of `google.rpc.Code`.
    pub code: Option<i32>,
    /// A developer-facing error message, in English.
    pub message: Option<String>,
    /// Messages with the error details, each with an `@type` key.
    pub details: Vec<JsonObject>,
}

impl RpcStatus {
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
        RpcStatus {
            code: None,
            message: (!messages.is_empty()).then(|| messages.join("; ")),
            details,
        }
    }

    /// A status with these parts.
    pub fn new(code: Option<i32>, message: Option<String>, details: Vec<JsonObject>) -> Self {
        RpcStatus {
            code,
            message,
            details,
        }
    }
}
