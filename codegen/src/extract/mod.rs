//! From a loaded Discovery document to the [`ir::Service`] of its operations collections.
//!
//! A resource is an operations collection when it is named `operations` or its name ends in
//! `Operations`, and its `get` responds with an operation (see [`types::is_operation`]); a
//! document without one makes no module. In a document with one, such a resource without
//! `get` is a collection too when its `list` holds operations (its `list`, `cancel` and
//! `delete` get builders), and a resource named `operations` without `get` gets builders for
//! its `cancel` and `delete`. The `get` of a resource
//! named `operations` that responds with something else still gets its builder, without a
//! poller; other resources are left alone.
//!
//! One pass: the methods are read, the scopes and then every type name are decided, the
//! models their responses reach are built, and then each builder, which by then can name
//! everything it refers to.

mod collections;
mod endpoints;
mod example;
mod methods;

use std::collections::{BTreeMap, BTreeSet};

use crate::discovery::Document;
use crate::error::{Error, join};
use crate::ir::{self, MethodKind};
use crate::metadata;
use crate::names::{self, Namespace};
use crate::types::{self, TypeBuilder, Types};

use collections::{Found, collection_methods, collections};
use endpoints::{endpoints, scopes};
use methods::method;

/// Type names a model or builder never takes as they are (a schema called `Option` becomes
/// `OptionValue`), so that generated code can name the standard library's types without paths.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Box", "Default", "Err", "None", "Ok", "Option", "Result", "Some", "String", "Vec",
];

/// Builds the service of one document, or `None` when it has no operations collection;
/// `warnings` collects what does not stop it.
pub fn service(
    file: &str,
    doc: &Document<'_>,
    warnings: &mut Vec<Error>,
) -> Result<Option<ir::Service>, Error> {
    let found = collection_methods(file, doc)?;
    if !found.iter().any(|f| f.collection) {
        return Ok(None);
    }
    let scopes = scopes(doc, &found);

    // Builder names are claimed first, in id order, so they never move when a schema is added.
    let mut type_names = Namespace::avoiding(RESERVED_TYPE_NAMES);
    let builder_names: Vec<String> = found
        .iter()
        .map(|f| {
            let words = format!("{} {}", f.chain.join(" "), f.kind.name());
            type_names.claim(names::camel(&words))
        })
        .collect();
    let mut models = TypeBuilder::new(file, doc, warnings);
    let operations = require_bodies(&mut models, &found)?;
    let metadata_schemas = metadata::schemas(doc, &operations);
    for id in &metadata_schemas {
        models.require(id, &join("schemas", id))?;
    }
    let Types { mut defs, names } = models.finish(&mut type_names, &operations)?;
    let metadata = metadata_types(&metadata_schemas, &names, &defs);
    let metadata_enum = type_names.claim("AnyMetadata".to_owned());

    let mut methods: Vec<ir::Method> = Vec::with_capacity(found.len());
    for (f, type_name) in found.iter().zip(builder_names) {
        let method = method(file, doc, f, type_name, &names, &scopes, &mut type_names)?;
        defs.extend(param_enums(&method));
        methods.push(method);
    }
    let collections = collections(&found, &names, &methods, &mut defs);
    defs.sort_by(|a, b| a.name().cmp(b.name()));

    Ok(Some(ir::Service {
        file: file.to_owned(),
        module: names::snake(&format!("{}_{}", doc.name, doc.version)),
        name: doc.name.to_string(),
        version: doc.version.to_string(),
        title: doc.title.as_deref().unwrap_or(&doc.name).to_owned(),
        description: doc.description.as_deref().map(str::to_owned),
        documentation_link: doc.documentation_link.as_deref().map(str::to_owned),
        revision: doc.revision.as_deref().unwrap_or_default().to_owned(),
        root_url: doc.root_url.to_string(),
        mtls_root_url: doc.mtls_root_url.as_deref().map(str::to_owned),
        service_path: doc.service_path.to_string(),
        endpoints: endpoints(file, doc, warnings),
        scopes,
        methods,
        collections,
        types: defs,
        metadata,
        metadata_enum,
    }))
}

/// Adds the request and response schemas of the `found` methods, and all they reach, to
/// `models`; returns the ids of the operation schemas: what the collections' `get`s respond
/// with, and what lists of collections without `get` hold.
fn require_bodies(
    models: &mut TypeBuilder<'_, '_>,
    found: &[Found<'_>],
) -> Result<BTreeSet<String>, Error> {
    let mut operations = BTreeSet::new();
    for f in found {
        if let Some(response) = f.response {
            let at = join(&join(&f.json_path, "response"), "$ref");
            models.require(response, &at)?;
            if f.collection && f.kind == MethodKind::Get {
                operations.insert(response.to_string());
            }
            if let Some(item) = &f.list_item {
                operations.insert(item.clone());
            }
        }
        if let Some(request) = f.request {
            let at = join(&join(&f.json_path, "request"), "$ref");
            models.require(request, &at)?;
        }
    }
    Ok(operations)
}

/// The operation metadata messages of the schemas `ids` that became structs, with where each
/// tells progress.
fn metadata_types(
    ids: &[String],
    names: &BTreeMap<String, String>,
    defs: &[ir::TypeDef],
) -> Vec<ir::MetadataType> {
    ids.iter()
        .filter_map(|id| {
            let type_name = names.get(id)?;
            let s = ir::struct_named(defs, type_name)?;
            Some(ir::MetadataType {
                schema: id.clone(),
                type_name: type_name.clone(),
                progress: metadata::paths(s, defs),
            })
        })
        .collect()
}

/// The enums of the parameters of `method` with listed values.
fn param_enums(method: &ir::Method) -> impl Iterator<Item = ir::TypeDef> + '_ {
    method.params.iter().filter_map(|p| {
        let name = p.enum_type.as_ref()?;
        Some(ir::TypeDef::Enum(types::enumeration(
            name.clone(),
            format!("{}.{}", method.id, p.wire_name),
            p.description.clone(),
            &p.enum_values,
        )))
    })
}
