//! Which schemas are operation metadata, and where an operation or its metadata says how far
//! it has got.
//!
//! A schema is operation metadata when:
//! - its id ends in `Metadata`;
//! - no method of the document takes or returns it, directly or through other schemas; and
//! - its id has `Operation` in it, or its description is empty or speaks of an operation, a
//!   method, an LRO or something long-running, or its id ends in `<Verb><Item>Metadata` for
//!   a method that returns an operation, `<Verb>` being the method's name and `<Item>` one
//!   item of its collection (`…DeployIssueModelMetadata` for `issueModels.deploy`,
//!   `MoveFolderMetadata` for `folders.move`).
//!
//! Discovery documents list schemas that no method reaches mostly because operations carry
//! them, as the `@type`d object in `metadata` (Dataproc's `ClusterOperationMetadata`, Vertex
//! AI's `…CreateDatasetOperationMetadata`); schemas that methods reach are resources and their
//! parts, whatever they are called. The description test leaves out the other unreached
//! `…Metadata` schemas, such as Vertex AI's dataset schemas (`…SchemaTextDatasetMetadata`,
//! "The metadata of Datasets that contain Text DataItems").
//!
//! Progress is read from fields by name, as [`RULES`] lists them: a metadata message's own
//! fields first, then those of the status, progress or metadata objects it holds directly
//! (Dataproc's `status.state`, Vertex AI's `genericMetadata.createTime`); an operation's own
//! fields only.

use std::collections::BTreeSet;

use crate::discovery::{Document, Resource};
use crate::error::join;
use crate::ir::{Field, FieldName, ProgressField, Scalar, Struct, Type, TypeDef, struct_named};
use crate::names;

/// The wire names that give each progress field, in order of preference.
pub const RULES: [(ProgressField, &[&str]); ProgressField::ALL.len()] = [
    (
        ProgressField::Percent,
        &[
            "progressPercent",
            "progressPercentage",
            "percentComplete",
            "percentDone",
            "progress",
        ],
    ),
    (ProgressField::State, &["state", "status"]),
    (
        ProgressField::Stage,
        &[
            "statusMessage",
            "statusDetail",
            "stage",
            "progressMessage",
            "details",
        ],
    ),
    (
        ProgressField::StartTime,
        &["startTime", "createTime", "insertTime"],
    ),
    (ProgressField::UpdateTime, &["updateTime", "lastUpdateTime"]),
    (
        ProgressField::EndTime,
        &["endTime", "finishTime", "completeTime"],
    ),
];

/// The ids of the operation metadata schemas of `doc`, in id order; `operations` holds the
/// ids of its operation schemas.
pub fn schemas(doc: &Document<'_>, operations: &BTreeSet<String>) -> Vec<String> {
    let mut roots = Vec::new();
    // `DeployIssueModel` for `issueModels.deploy`, when it returns an operation.
    let mut method_names = BTreeSet::new();
    let mut stack: Vec<(String, &str, &Resource<'_>)> = doc
        .resources
        .iter()
        .map(|(name, r)| (join("resources", name), name.as_ref(), r))
        .collect();
    while let Some((path, collection, resource)) = stack.pop() {
        for (name, method) in &resource.methods {
            let response = method
                .response
                .as_ref()
                .and_then(|r| r.reference.as_deref());
            if response.is_some_and(|id| operations.contains(id)) {
                for item in items(collection) {
                    method_names.insert(names::camel(&format!("{name} {item}")));
                }
            }
            for schema in method.request.iter().chain(&method.response) {
                roots.extend(schema.references());
            }
        }
        for (name, r) in &resource.resources {
            stack.push((join(&join(&path, "resources"), name), name, r));
        }
    }
    let mut reached = BTreeSet::new();
    let mut queue = roots;
    while let Some(id) = queue.pop() {
        let Some(schema) = doc.schemas.get(id.as_str()) else {
            continue;
        };
        if reached.insert(id.clone()) {
            queue.extend(schema.references());
        }
    }
    let mut found = Vec::new();
    for (id, schema) in &doc.schemas {
        if !id.ends_with("Metadata") || reached.contains(id.as_ref()) {
            continue;
        }
        let text = schema
            .description
            .as_deref()
            .unwrap_or_default()
            .to_lowercase();
        let speaks_of_operations = ["operation", "method", "lro", "long-running", "long running"]
            .iter()
            .any(|word| text.contains(word));
        let stem = id.strip_suffix("Metadata").unwrap_or(id);
        let names_a_method = method_names.iter().any(|m| stem.ends_with(m.as_str()));
        if id.contains("Operation")
            || text.trim().is_empty()
            || speaks_of_operations
            || names_a_method
        {
            found.push(id.to_string());
        }
    }
    found
}

/// The names one item of a collection may have: the collection's own name, and the forms
/// English plurals drop (`issueModels` → `issueModel`, `policies` → `policy`, `indexes` →
/// `index`). A spare form is harmless: it counts only after the name of a method that
/// returns an operation.
fn items(collection: &str) -> Vec<String> {
    let mut out = vec![collection.to_owned()];
    if let Some(stem) = collection.strip_suffix("ies") {
        out.push(format!("{stem}y"));
    }
    if let Some(stem) = collection.strip_suffix("es") {
        out.push(stem.to_owned());
    }
    if let Some(stem) = collection.strip_suffix('s') {
        out.push(stem.to_owned());
    }
    out
}

/// Whether a field of type `ty` can give `what`.
fn fits(what: ProgressField, ty: &Type) -> bool {
    match what {
        ProgressField::Percent => matches!(
            ty,
            Type::Scalar(Scalar::I32 | Scalar::U32 | Scalar::I64Number | Scalar::F32 | Scalar::F64)
        ),
        ProgressField::State | ProgressField::Stage => {
            matches!(ty, Type::Scalar(Scalar::String) | Type::Enum(_))
        }
        ProgressField::StartTime | ProgressField::UpdateTime | ProgressField::EndTime => {
            ty == &Type::Scalar(Scalar::String)
        }
    }
}

/// The field of `s` that gives `what`, by [`RULES`].
fn own_field(s: &Struct, what: ProgressField) -> Option<&Field> {
    let (_, names) = RULES.iter().find(|(w, _)| *w == what)?;
    names.iter().find_map(|name| {
        s.fields
            .iter()
            .find(|f| f.wire_name == *name && fits(what, &f.ty))
    })
}

/// The fields of an operation itself that give progress: what each gives, its Rust name and
/// its type.
pub fn own(s: &Struct) -> Vec<(ProgressField, FieldName, Type)> {
    RULES
        .iter()
        .filter_map(|(what, _)| {
            let f = own_field(s, *what)?;
            Some((*what, FieldName::of(f), f.ty.clone()))
        })
        .collect()
}

/// Where in a metadata message's JSON each progress field is: its own fields, else those of
/// the objects it holds directly whose schema is a status, progress or metadata (its id ends
/// in `Status`, `Progress` or `Metadata`), in field order; not those of a resource it holds.
pub fn paths(s: &Struct, defs: &[TypeDef]) -> Vec<(ProgressField, Vec<String>)> {
    let nested = |what: ProgressField| {
        s.fields.iter().find_map(|f| {
            let Type::Named { name, .. } = &f.ty else {
                return None;
            };
            let inner = struct_named(defs, name)?;
            if !["Status", "Progress", "Metadata"]
                .iter()
                .any(|end| inner.origin.ends_with(end))
            {
                return None;
            }
            let g = own_field(inner, what)?;
            Some(vec![f.wire_name.clone(), g.wire_name.clone()])
        })
    };
    RULES
        .iter()
        .filter_map(|(what, _)| {
            let path = own_field(s, *what)
                .map(|f| vec![f.wire_name.clone()])
                .or_else(|| nested(*what))?;
            Some((*what, path))
        })
        .collect()
}
