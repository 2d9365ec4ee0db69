//! Typed operation metadata: each service's metadata messages, found by an operation's
//! `@type`, and the [`Progress`] they and the operation report.

use crate::codec::JsonObject;
use crate::operation::{LongRunningOperation, message_name, type_url};

/// One operation metadata message of a service: its Discovery schema, and where in its JSON
/// the [`Progress`] fields are (each a path of wire names, e.g. `["status", "state"]`).
///
/// A service's metadata messages are the schemas of its Discovery document whose name ends in
/// `Metadata`, that no method takes or returns, and whose name or description ties them to an
/// operation (it has `Operation` in it, speaks of one, or names a method that returns one,
/// such as `DeployIssueModelMetadata`): the document lists them only because its operations
/// carry them in `metadata`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetadataType {
    /// The Discovery schema id, e.g. `ClusterOperationMetadata` or
    /// `GoogleCloudAiplatformV1CreateDatasetOperationMetadata`.
    pub schema: &'static str,
    /// Where each [`ProgressField`] is, by its place in [`ProgressField::ALL`].
    paths: [Option<&'static [&'static str]>; ProgressField::ALL.len()],
}

/// One field of [`Progress`]: what a service's operations and metadata messages may tell of
/// how far an operation has got. The one list of them, for the runtime's tables and readers
/// and the generator alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProgressField {
    /// [`Progress::percent`]: a number from 0 to 100.
    Percent,
    /// [`Progress::state`]: a state such as `RUNNING`.
    State,
    /// [`Progress::stage`]: a description of the current stage.
    Stage,
    /// [`Progress::start_time`]: when the operation started (RFC 3339).
    StartTime,
    /// [`Progress::update_time`]: when the operation was last updated (RFC 3339).
    UpdateTime,
    /// [`Progress::end_time`]: when the operation ended (RFC 3339).
    EndTime,
}

impl ProgressField {
    /// Every progress field, in the order [`Progress`] lists them.
    pub const ALL: [ProgressField; 6] = [
        ProgressField::Percent,
        ProgressField::State,
        ProgressField::Stage,
        ProgressField::StartTime,
        ProgressField::UpdateTime,
        ProgressField::EndTime,
    ];

    /// Its name as a field of [`Progress`]: `percent`, `start_time`, ….
    pub const fn name(self) -> &'static str {
        match self {
            ProgressField::Percent => "percent",
            ProgressField::State => "state",
            ProgressField::Stage => "stage",
            ProgressField::StartTime => "start_time",
            ProgressField::UpdateTime => "update_time",
            ProgressField::EndTime => "end_time",
        }
    }

    /// Whether its JSON value is a number ([`Percent`](Self::Percent)) rather than text.
    pub const fn is_number(self) -> bool {
        matches!(self, ProgressField::Percent)
    }
}

impl MetadataType {
    /// The message of schema `schema`, with no progress fields.
    pub const fn new(schema: &'static str) -> Self {
        MetadataType {
            schema,
            paths: [None; ProgressField::ALL.len()],
        }
    }

    /// The same, with `field` at `path` (wire names, e.g. `["status", "state"]`).
    pub const fn with(mut self, field: ProgressField, path: &'static [&'static str]) -> Self {
        self.paths[field as usize] = Some(path);
        self
    }

    /// Where `field` is in the message's JSON: a path of wire names; `None` where the
    /// message does not tell it.
    pub const fn path(&self, field: ProgressField) -> Option<&'static [&'static str]> {
        self.paths[field as usize]
    }

    /// The message among `types` that the type URL `type_url` names, e.g.
    /// `type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata`.
    ///
    /// A Discovery schema is named after its message `M`, either alone or after a run of the
    /// package's segments in Pascal case: `google.cloud.aiplatform.v1.M` is
    /// `GoogleCloudAiplatformV1M`, `google.cloud.apigateway.v1.M` is `ApigatewayM`. Where
    /// several schemas fit, the one with the longest such prefix wins, so that a document
    /// holding both `…V1alphaM` and `…V1M` gives each version its own.
    pub fn find(types: &'static [MetadataType], type_url: &str) -> Option<&'static MetadataType> {
        let full_name = message_name(type_url);
        let (package, message) = full_name.rsplit_once('.').unwrap_or(("", full_name));
        if message.is_empty() {
            return None;
        }
        let segments: Vec<&str> = package.split('.').filter(|s| !s.is_empty()).collect();
        types
            .iter()
            .filter_map(|t| {
                let prefix = t.schema.strip_suffix(message)?;
                prefix_fits(prefix, &segments).then_some((prefix.len(), t))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, t)| t)
    }

    /// The progress this message reports, read from its JSON.
    pub fn progress(&self, object: &JsonObject) -> Progress {
        let mut progress = Progress::default();
        for field in ProgressField::ALL {
            let Some(value) = self.path(field).and_then(|path| lookup(object, path)) else {
                continue;
            };
            match progress.text_mut(field) {
                Some(slot) => *slot = text(value),
                None => progress.percent = number(value),
            }
        }
        progress
    }

    /// Checks that each progress field present in `object` has the JSON type a typed model
    /// gives it: a number for the percentage, a string for the rest.
    pub(crate) fn check(&self, object: &JsonObject) -> Result<(), serde_json::Error> {
        use serde::Deserialize as _;
        for field in ProgressField::ALL {
            let Some(value) = self
                .path(field)
                .and_then(|p| lookup(object, p))
                .filter(|v| !v.is_null())
            else {
                continue;
            };
            if !field.is_number() {
                String::deserialize(value)?;
            } else if !value.is_number() {
                let unexpected = match value {
                    serde_json::Value::String(s) => serde::de::Unexpected::Str(s),
                    serde_json::Value::Bool(b) => serde::de::Unexpected::Bool(*b),
                    serde_json::Value::Array(_) => serde::de::Unexpected::Seq,
                    _ => serde::de::Unexpected::Map,
                };
                return Err(serde::de::Error::invalid_type(unexpected, &"a number"));
            }
        }
        Ok(())
    }
}

/// Whether `prefix` is empty or, letter case aside, a run of consecutive `segments` joined.
fn prefix_fits(prefix: &str, segments: &[&str]) -> bool {
    if prefix.is_empty() {
        return true;
    }
    (0..segments.len()).any(|start| {
        let mut joined = String::new();
        segments[start..].iter().any(|segment| {
            joined.push_str(segment);
            joined.eq_ignore_ascii_case(prefix)
        })
    })
}

fn lookup<'a>(object: &'a JsonObject, path: &[&str]) -> Option<&'a serde_json::Value> {
    let (last, parents) = path.split_last()?;
    let mut object = object;
    for key in parents {
        object = object.get(*key)?.as_object()?;
    }
    object.get(*last)
}

fn text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn number(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// A service's operation metadata messages as one enum, decoded by `@type`: implemented by the
/// `AnyMetadata` enum of each service module that has such messages.
///
/// ```
/// # #[cfg(feature = "dataproc_v1")] {
/// use google_operations::prelude::*;
/// use google_operations::dataproc_v1::{AnyMetadata, Operation};
///
/// let op: Operation = serde_json::from_str(r#"{
///     "name": "projects/p/regions/us-central1/operations/1",
///     "metadata": {
///         "@type": "type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata",
///         "clusterName": "analytics",
///         "status": {"state": "RUNNING", "details": "Creating 2 workers"}
///     }
/// }"#)?;
/// match op.metadata_typed::<AnyMetadata>() {
///     Some(Ok(AnyMetadata::ClusterOperationMetadata(m))) => {
///         assert_eq!(m.cluster_name.as_deref(), Some("analytics"));
///     }
///     other => panic!("{other:?}"),
/// }
/// # }
/// # Ok::<(), serde_json::Error>(())
/// ```
pub trait MetadataSet: Sized {
    /// The messages, by schema id.
    const TYPES: &'static [MetadataType];

    /// Decodes `object` as the message `message` (one of [`TYPES`](Self::TYPES)). Generic, so
    /// that only crates that decode metadata compile the decoders of its messages.
    #[doc(hidden)]
    fn decode_as<'de, D: serde::Deserializer<'de>>(
        message: &MetadataType,
        object: D,
    ) -> Result<Self, D::Error>;

    /// Keeps `object`, of a type the service does not define, as it is.
    #[doc(hidden)]
    fn unknown(object: JsonObject) -> Self;

    /// Decodes a `metadata` object by its `@type`: into the variant of its message, or kept
    /// as JSON in the `Unknown` variant when the service defines no message of that type (or
    /// the object has no `@type`).
    ///
    /// # Errors
    ///
    /// When the object is of a known type but does not decode as it.
    fn decode(object: &JsonObject) -> Result<Self, serde_json::Error> {
        match type_url(object).and_then(|url| MetadataType::find(Self::TYPES, url)) {
            Some(message) => Self::decode_as(message, object),
            None => Ok(Self::unknown(object.clone())),
        }
    }
}

/// How far an operation has got, as far as it or its metadata says: a small view of the
/// fields services use for it (Compute's `progress` and `status`, Vertex AI's
/// `progressPercentage`, Dataproc's `status.state`, create and update times).
///
/// Get one with [`ServiceInfo::progress`](crate::ServiceInfo::progress), which reads the
/// operation's own fields and then its metadata by `@type`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    /// Percentage done, from 0 to 100.
    pub percent: Option<f64>,
    /// The state, such as `RUNNING`, as the service names it.
    pub state: Option<String>,
    /// What the operation is doing now, in the service's words.
    pub stage: Option<String>,
    /// When it started (RFC 3339).
    pub start_time: Option<String>,
    /// When it last changed (RFC 3339).
    pub update_time: Option<String>,
    /// When it ended (RFC 3339).
    pub end_time: Option<String>,
}

impl Progress {
    /// Whether nothing is known.
    pub fn is_empty(&self) -> bool {
        *self == Progress::default()
    }

    /// Fills what `self` lacks from `other`.
    pub(crate) fn or(mut self, mut other: Progress) -> Progress {
        self.percent = self.percent.or(other.percent);
        for field in ProgressField::ALL {
            if let (Some(mine @ None), Some(theirs)) = (self.text_mut(field), other.text_mut(field))
            {
                *mine = theirs.take();
            }
        }
        self
    }

    /// The text that `field` gives; `None` for [`ProgressField::Percent`], a number.
    fn text_mut(&mut self, field: ProgressField) -> Option<&mut Option<String>> {
        match field {
            ProgressField::Percent => None,
            ProgressField::State => Some(&mut self.state),
            ProgressField::Stage => Some(&mut self.stage),
            ProgressField::StartTime => Some(&mut self.start_time),
            ProgressField::UpdateTime => Some(&mut self.update_time),
            ProgressField::EndTime => Some(&mut self.end_time),
        }
    }
}

impl crate::ServiceInfo {
    /// The progress of `operation`, an operation of this service: what its own fields say
    /// (Compute's `progress`, `status`, `statusMessage`…), completed by its metadata when the
    /// `@type` of that is one of the service's [`metadata`](Self::metadata) messages.
    pub fn progress(&self, operation: &impl LongRunningOperation) -> Progress {
        let metadata = operation
            .metadata()
            .and_then(|m| Some((MetadataType::find(self.metadata, type_url(m)?)?, m)))
            .map(|(message, m)| message.progress(m))
            .unwrap_or_default();
        operation.progress().or(metadata)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TYPES: &[MetadataType] = &[
        MetadataType::new("ClusterOperationMetadata")
            .with(ProgressField::State, &["status", "state"])
            .with(ProgressField::Percent, &["progressPercent"]),
        MetadataType::new("GoogleCloudDiscoveryengineV1alphaImportDocumentsMetadata"),
        MetadataType::new("GoogleCloudDiscoveryengineV1ImportDocumentsMetadata"),
        MetadataType::new("ApigatewayOperationMetadata"),
    ];

    fn schema(url: &str) -> Option<&'static str> {
        MetadataType::find(TYPES, url).map(|t| t.schema)
    }

    #[test]
    fn type_urls_find_their_schema() {
        assert_eq!(
            schema("type.googleapis.com/google.cloud.dataproc.v1.ClusterOperationMetadata"),
            Some("ClusterOperationMetadata")
        );
        assert_eq!(
            schema(
                "type.googleapis.com/google.cloud.discoveryengine.v1alpha.ImportDocumentsMetadata"
            ),
            Some("GoogleCloudDiscoveryengineV1alphaImportDocumentsMetadata")
        );
        assert_eq!(
            schema("type.googleapis.com/google.cloud.discoveryengine.v1.ImportDocumentsMetadata"),
            Some("GoogleCloudDiscoveryengineV1ImportDocumentsMetadata")
        );
        assert_eq!(
            schema("type.googleapis.com/google.cloud.apigateway.v1.OperationMetadata"),
            Some("ApigatewayOperationMetadata")
        );
        // A prefix that is no run of the package's segments does not fit.
        assert_eq!(
            schema("type.googleapis.com/google.cloud.dataproc.v1.OperationMetadata"),
            None
        );
        assert_eq!(
            schema("type.googleapis.com/google.cloud.dataproc.v1.Other"),
            None
        );
        assert_eq!(schema("type.googleapis.com/"), None);
    }

    #[test]
    fn progress_reads_the_paths() {
        let object: JsonObject =
            serde_json::from_str(r#"{"status": {"state": "RUNNING"}, "progressPercent": 40}"#)
                .unwrap();
        let progress = TYPES[0].progress(&object);
        assert_eq!(progress.state.as_deref(), Some("RUNNING"));
        assert_eq!(progress.percent, Some(40.0));
        assert_eq!(progress.stage, None);
    }
}
