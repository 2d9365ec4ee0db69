//! Where an operation model's JSON tells what a poller reads of it: [`OperationFields`], the
//! catalog's description of each collection's operations, read without their typed model.

use serde::de::DeserializeOwned;

use crate::codec::JsonObject;
use crate::metadata::{MetadataType, Progress};
use crate::operation::{OperationError, Status};

/// Where an operation model's JSON tells what a poller reads of it, by wire names: its name,
/// whether it is done, its error, its metadata and response, and its own progress fields.
///
/// Each operations collection of the catalog ([`Collection`](crate::Collection)) has one, so
/// that an operation is read from its JSON without its typed model (the `google-operations-wait`
/// program builds without them). For the fields it names it says what the typed model's
/// [`LongRunningOperation`](crate::LongRunningOperation) implementation says, both generated
/// from the same schema, and refuses what that model refuses there; the typed model also
/// refuses other fields of the wrong type (a Compute `insertTime` that is a number, a
/// `progress` of 40.5 where the schema says int32), which this reads past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperationFields {
    /// The operation's name (`name`; Cloud DNS's `id`).
    pub name: Option<&'static str>,
    /// What says the operation has finished.
    pub done: DoneField,
    /// Where its failure is reported.
    pub error: Option<ErrorField>,
    /// A text field that tells a failure when the operation is done with it set and no
    /// `error` (GKE's `statusMessage`): see [`OperationError::from_text`].
    pub error_text: Option<&'static str>,
    /// `metadata`, an object with an `@type`.
    pub metadata: Option<&'static str>,
    /// `response`, an object with an `@type`.
    pub response: Option<&'static str>,
    /// Where the operation's own fields tell its progress (Compute's `progress`, `status`,
    /// `statusMessage` and times), as for a metadata message.
    pub progress: MetadataType,
}

/// What says an operation has finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DoneField {
    /// A boolean (`done`); missing means not done.
    Flag(&'static str),
    /// A status field (`status`) whose value `value` (`DONE`) means done.
    Status {
        /// The field.
        field: &'static str,
        /// The value that means done.
        value: &'static str,
    },
}

/// Where an operation reports its failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorField {
    /// A `google.rpc.Status` (`error`).
    Status(&'static str),
    /// A list of error objects inside an object (Compute's `error.errors[]`), with the
    /// operation's HTTP status fields where it has them.
    List {
        /// The operation's field holding the object (`error`).
        field: &'static str,
        /// The object's field holding the list (`errors`).
        list: &'static str,
        /// `httpErrorStatusCode`.
        http_status_code: Option<&'static str>,
        /// `httpErrorMessage`.
        http_error_message: Option<&'static str>,
    },
}

impl OperationFields {
    /// `google.longrunning.Operation`'s: `name`, `done`, `error`, `metadata`, `response`,
    /// and no progress of its own.
    pub const LONGRUNNING: OperationFields = OperationFields {
        name: Some("name"),
        done: DoneField::Flag("done"),
        error: Some(ErrorField::Status("error")),
        error_text: None,
        metadata: Some("metadata"),
        response: Some("response"),
        progress: MetadataType::new("Operation"),
    };

    /// Fields with `done` and nothing else; the other methods add the rest.
    pub const fn new(done: DoneField) -> Self {
        OperationFields {
            name: None,
            done,
            error: None,
            error_text: None,
            metadata: None,
            response: None,
            progress: MetadataType::new("Operation"),
        }
    }

    /// With its name in `field`.
    pub const fn name(self, field: &'static str) -> Self {
        OperationFields {
            name: Some(field),
            ..self
        }
    }

    /// With its failure reported in `error`.
    pub const fn error(self, error: ErrorField) -> Self {
        OperationFields {
            error: Some(error),
            ..self
        }
    }

    /// With a failure told by the text of `field` when done.
    pub const fn error_text(self, field: &'static str) -> Self {
        OperationFields {
            error_text: Some(field),
            ..self
        }
    }

    /// With `metadata` in `field`.
    pub const fn metadata(self, field: &'static str) -> Self {
        OperationFields {
            metadata: Some(field),
            ..self
        }
    }

    /// With `response` in `field`.
    pub const fn response(self, field: &'static str) -> Self {
        OperationFields {
            response: Some(field),
            ..self
        }
    }

    /// With its own progress fields where `progress` says.
    pub const fn progress(self, progress: MetadataType) -> Self {
        OperationFields { progress, ..self }
    }

    /// Reads an operation's JSON: each field these name must have its JSON type (a string, a
    /// boolean, an object…), as its typed model would require.
    pub(crate) fn read(&self, json: &JsonObject) -> Result<OperationReading, serde_json::Error> {
        let name: Option<String> = field(json, self.name)?;
        let done = match self.done {
            DoneField::Flag(f) => field::<bool>(json, Some(f))?.unwrap_or(false),
            DoneField::Status { field: f, value } => {
                field::<String>(json, Some(f))?.as_deref() == Some(value)
            }
        };
        field::<JsonObject>(json, self.metadata)?;
        field::<JsonObject>(json, self.response)?;
        let error = match self.error {
            Some(ErrorField::Status(f)) => {
                field::<Status>(json, Some(f))?.map(OperationError::Status)
            }
            Some(ErrorField::List {
                field: f,
                list,
                http_status_code,
                http_error_message,
            }) => {
                let object: Option<JsonObject> = field(json, Some(f))?;
                let errors: Option<Vec<JsonObject>> = match &object {
                    Some(object) => field(object, Some(list))?,
                    None => None,
                };
                OperationError::from_list(
                    errors.as_deref().unwrap_or_default(),
                    field(json, http_status_code)?,
                    field::<String>(json, http_error_message)?.as_deref(),
                )
            }
            None => None,
        };
        let error = match (error, self.error_text) {
            (None, Some(f)) => {
                OperationError::from_text(f, field::<String>(json, Some(f))?.as_deref(), done)
            }
            (error, _) => error,
        };
        self.progress.check(json)?;
        Ok(OperationReading {
            name,
            done,
            error,
            progress: self.progress.progress(json),
        })
    }
}

/// What [`OperationFields::read`] finds: what the poller needs of an operation whose type is
/// known only at run time.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct OperationReading {
    pub(crate) name: Option<String>,
    pub(crate) done: bool,
    pub(crate) error: Option<OperationError>,
    pub(crate) progress: Progress,
}

/// The value of `key` in `object` as a `T`, or `None` where there is no key, or it is `null`.
fn field<T: DeserializeOwned>(
    object: &JsonObject,
    key: Option<&str>,
) -> Result<Option<T>, serde_json::Error> {
    match key.and_then(|k| object.get(k)) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(value) => T::deserialize(value).map(Some),
    }
}
