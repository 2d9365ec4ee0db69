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

use std::collections::{BTreeMap, BTreeSet};

use crate::discovery::{self, Document, Resource};
use crate::error::{Error, join};
use crate::ir::{self, Location, MethodKind, Scalar};
use crate::metadata;
use crate::names::{self, Namespace};
use crate::types::{self, TypeBuilder, Types};

/// Type names a model or builder never takes as they are (a schema called `Option` becomes
/// `OptionValue`), so that generated code can name the standard library's types without paths.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Box", "Default", "Err", "None", "Ok", "Option", "Result", "Some", "String", "Vec",
];

/// Method names of every builder, from the runtime's `Request` trait and the derived traits;
/// a parameter whose Rust name would be one of them gets a `_param` suffix instead.
const BUILDER_METHODS: &[&str] = &[
    "body",
    "call",
    "call_mut",
    "clone",
    "eq",
    "fields",
    "fmt",
    "ne",
    "new",
    "pretty_print",
    "quota_user",
    "root_url",
    "to_http",
    "url",
];

/// One `get` method of an operations resource, parsed, with where it was found.
struct Found<'a> {
    /// The resource names from the top, e.g. `["projects", "regions", "operations"]`.
    chain: Vec<String>,
    /// Its JSON path, for errors.
    json_path: String,
    method: &'a discovery::Method<'a>,
    /// The schema id of its response, if it has one.
    response: Option<&'a str>,
    /// The schema id of its request body, if it takes one.
    request: Option<&'a str>,
    /// Whether its collection's `get` responds with an operation, which makes the resource a
    /// collection.
    collection: bool,
    /// For the `list` of a collection without `get`: the schema id of the operations it
    /// holds.
    list_item: Option<String>,
    /// Which method of its resource it is.
    kind: MethodKind,
}

/// The methods of an operations collection that become builders, in this order; a resource
/// named `operations` that is no collection gets its `get` only.
const LIFECYCLE: [MethodKind; 5] = MethodKind::ALL;

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
    let mut operations = BTreeSet::new();
    for f in &found {
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
    let metadata_schemas = metadata::schemas(doc, &operations);
    for id in &metadata_schemas {
        models.require(id, &join("schemas", id))?;
    }
    let Types { mut defs, names } = models.finish(&mut type_names, &operations)?;
    let metadata: Vec<ir::MetadataType> = metadata_schemas
        .iter()
        .filter_map(|id| {
            let type_name = names.get(id)?;
            let s = ir::struct_named(&defs, type_name)?;
            Some(ir::MetadataType {
                schema: id.clone(),
                type_name: type_name.clone(),
                progress: metadata::paths(s, &defs),
            })
        })
        .collect();
    let metadata_enum = type_names.claim("AnyMetadata".to_owned());

    let mut methods: Vec<ir::Method> = Vec::with_capacity(found.len());
    for (f, type_name) in found.iter().zip(builder_names) {
        let method = method(file, doc, f, type_name, &names, &scopes, &mut type_names)?;
        for p in &method.params {
            if let Some(name) = &p.enum_type {
                defs.push(ir::TypeDef::Enum(types::enumeration(
                    name.clone(),
                    format!("{}.{}", method.id, p.wire_name),
                    p.description.clone(),
                    &p.enum_values,
                )));
            }
        }
        methods.push(method);
    }
    link_collections(&found, &names, &mut methods, &mut defs);
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
        types: defs,
        metadata,
        metadata_enum,
    }))
}

/// The [`LIFECYCLE`] methods of every operations collection, and the `get` of any other
/// resource named `operations`, at any depth, parsed, in id order.
fn collection_methods<'a>(file: &str, doc: &'a Document<'a>) -> Result<Vec<Found<'a>>, Error> {
    fn walk<'a>(
        resources: &'a BTreeMap<discovery::Str<'a>, Resource<'a>>,
        path: &str,
        chain: &mut Vec<String>,
        out: &mut Vec<(Vec<String>, MethodKind, String, &'a discovery::Method<'a>)>,
    ) {
        for (name, resource) in resources {
            let here = join(path, name);
            chain.push(name.to_string());
            if name == "operations" || name.ends_with("Operations") {
                for kind in LIFECYCLE {
                    if let Some(method) = resource.methods.get(kind.name()) {
                        let at = join(&join(&here, "methods"), kind.name());
                        out.push((chain.clone(), kind, at, method));
                    }
                }
            }
            walk(&resource.resources, &join(&here, "resources"), chain, out);
            chain.pop();
        }
    }
    let mut methods = Vec::new();
    walk(&doc.resources, "resources", &mut Vec::new(), &mut methods);
    let mut parsed = Vec::with_capacity(methods.len());
    for (chain, kind, json_path, method) in methods {
        let response = schema_id(file, &json_path, "response", method.response.as_ref())?;
        let request = schema_id(file, &json_path, "request", method.request.as_ref())?;
        parsed.push((chain, kind, json_path, method, response, request));
    }
    // The `get` of each resource decides whether the resource is a collection.
    let mut collections: BTreeSet<Vec<String>> = BTreeSet::new();
    let mut with_get: BTreeSet<Vec<String>> = BTreeSet::new();
    for (chain, kind, json_path, _, response, _) in &parsed {
        if *kind != MethodKind::Get {
            continue;
        }
        with_get.insert(chain.clone());
        if let Some(response) = response {
            let at = join(&join(json_path, "response"), "$ref");
            if types::is_operation(file, doc, response, &at)? {
                collections.insert(chain.clone());
            }
        }
    }
    // A resource without `get` whose `list` holds operations is a collection too (Spanner's
    // `databaseOperations`, Bigtable's `operations.projects.operations`): its `list`,
    // `cancel` and `delete` get builders, the `list` reading as pages of those operations.
    let mut list_items: BTreeMap<Vec<String>, String> = BTreeMap::new();
    for (chain, kind, json_path, _, response, _) in &parsed {
        if *kind != MethodKind::List || with_get.contains(chain) {
            continue;
        }
        if let Some(item) = operations_listed(file, doc, json_path, *response)? {
            list_items.insert(chain.clone(), item);
        }
    }
    // A resource named `operations` without `get` in a document with operations collections
    // manages those operations by name: its `cancel` and `delete` get builders (Document AI's
    // and Text-to-Speech's top-level `operations`).
    let manages_operations = |chain: &Vec<String>, kind: MethodKind| {
        !collections.is_empty()
            && !with_get.contains(chain)
            && chain.last().is_some_and(|name| name == "operations")
            && matches!(kind, MethodKind::Cancel | MethodKind::Delete)
    };
    let mut found: Vec<Found<'a>> = Vec::with_capacity(parsed.len());
    for (chain, kind, json_path, method, response, request) in parsed {
        let collection = collections.contains(&chain);
        let listed = list_items.contains_key(&chain) && kind != MethodKind::Wait;
        let named_operations = chain.last().is_some_and(|name| name == "operations");
        if !(collection
            || listed
            || manages_operations(&chain, kind)
            || (named_operations && kind == MethodKind::Get))
        {
            continue;
        }
        if let Some(other) = found.iter().find(|f| f.method.id == method.id) {
            return Err(Error::new(
                file,
                join(&json_path, "id"),
                format!(
                    "duplicate method id {:?}, also at {}",
                    method.id, other.json_path
                ),
            ));
        }
        let list_item = match (kind, list_items.get(&chain)) {
            (MethodKind::List, Some(item)) => Some(item.clone()),
            _ => None,
        };
        found.push(Found {
            chain,
            json_path,
            method,
            response,
            request,
            collection,
            list_item,
            kind,
        });
    }
    found.sort_by(|a, b| a.method.id.cmp(&b.method.id));
    Ok(found)
}

/// The schema id of the operations a `list` response holds: the items of its first array
/// property whose items are operation-shaped.
fn operations_listed(
    file: &str,
    doc: &Document<'_>,
    json_path: &str,
    response: Option<&str>,
) -> Result<Option<String>, Error> {
    let Some(page) = response.and_then(|id| doc.schemas.get(id)) else {
        return Ok(None);
    };
    for property in page.properties.values() {
        let Some(item) = property.items.as_ref().and_then(|i| i.reference.as_deref()) else {
            continue;
        };
        if property.kind.as_deref() != Some("array") {
            continue;
        }
        let at = join(&join(json_path, "response"), "$ref");
        if doc.schemas.contains_key(item) && types::is_operation(file, doc, item, &at)? {
            return Ok(Some(item.to_owned()));
        }
    }
    Ok(None)
}

/// The schema id a lifecycle method's `response` or `request` (`part`) refers to; an error
/// naming its JSON path when it is an inline schema, which the generator does not model.
fn schema_id<'a>(
    file: &str,
    json_path: &str,
    part: &str,
    schema: Option<&'a discovery::Schema<'a>>,
) -> Result<Option<&'a str>, Error> {
    match schema {
        None => Ok(None),
        Some(schema) => match &schema.reference {
            Some(id) => Ok(Some(id.as_ref())),
            None => Err(Error::new(
                file,
                join(json_path, part),
                "missing field `$ref`: a method of an operations collection must refer to a \
                 schema",
            )),
        },
    }
}

/// The document's `endpoints`, told apart by their descriptions ("Locational Endpoint",
/// "Regional Endpoint"); one described otherwise, or whose URL is not https, is left out with a
/// warning.
fn endpoints(file: &str, doc: &Document<'_>, warnings: &mut Vec<Error>) -> Vec<ir::Endpoint> {
    let mut out = Vec::new();
    for (i, e) in doc.endpoints.iter().enumerate() {
        let description = e
            .description
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let regional = match (
            description.contains("locational"),
            description.contains("regional"),
        ) {
            (true, false) => false,
            (false, true) => true,
            _ => {
                warnings.push(Error::new(
                    file,
                    format!("endpoints[{i}].description"),
                    "neither a locational nor a regional endpoint; left out",
                ));
                continue;
            }
        };
        if !e.endpoint_url.starts_with("https://") || !e.endpoint_url.ends_with('/') {
            warnings.push(Error::new(
                file,
                format!("endpoints[{i}].endpointUrl"),
                "not an https root URL ending in `/`; left out",
            ));
            continue;
        }
        out.push(ir::Endpoint {
            location: e.location.to_string(),
            url: e.endpoint_url.to_string(),
            regional,
        });
    }
    out
}

/// Every scope the document declares or a method names, in URL order, with its constant.
fn scopes(doc: &Document<'_>, found: &[Found<'_>]) -> Vec<ir::Scope> {
    let mut all: BTreeMap<String, String> = doc
        .auth
        .oauth2
        .scopes
        .iter()
        .map(|(url, info)| {
            let description = info.description.as_deref().unwrap_or_default();
            (url.to_string(), description.to_owned())
        })
        .collect();
    for f in found {
        for scope in &f.method.scopes {
            all.entry(scope.to_string()).or_default();
        }
    }
    let mut const_names = Namespace::with_reserved(&["ALL"]);
    all.into_iter()
        .map(|(url, description)| ir::Scope {
            const_name: const_names.claim(scope_const(&url)),
            url,
            description,
        })
        .collect()
}

/// `https://www.googleapis.com/auth/cloud-platform` → `CLOUD_PLATFORM`.
fn scope_const(url: &str) -> String {
    let short = url
        .strip_prefix("https://www.googleapis.com/auth/")
        .or_else(|| url.strip_prefix("https://"))
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    names::shouty(short)
}

fn method(
    file: &str,
    doc: &Document<'_>,
    found: &Found<'_>,
    type_name: String,
    models: &BTreeMap<String, String>,
    scopes: &[ir::Scope],
    type_names: &mut Namespace,
) -> Result<ir::Method, Error> {
    let (m, json_path) = (&found.method, found.json_path.as_str());
    let model = |id: &str| models.get(id).cloned();
    let response = match found.response {
        None => ir::Response::NoContent,
        Some(id) => model(id).map_or(ir::Response::Json, ir::Response::Model),
    };
    let request = found.request.and_then(model);
    let params_path = join(json_path, "parameters");
    let mut order: Vec<&str> = Vec::new();
    for (i, name) in m.parameter_order.iter().enumerate() {
        if !m.parameters.contains_key(name) {
            return Err(Error::new(
                file,
                format!("{}[{i}]", join(json_path, "parameterOrder")),
                format!("names {name:?}, which is not among the method's parameters"),
            ));
        }
        if !order.contains(&name.as_ref()) {
            order.push(name);
        }
    }
    for (name, p) in &m.parameters {
        if p.location == "path" && !order.contains(&name.as_ref()) {
            order.push(name);
        }
    }
    for name in m.parameters.keys() {
        if !order.contains(&name.as_ref()) {
            order.push(name);
        }
    }

    let mut method_names = Namespace::default();
    let mut params = Vec::new();
    for wire in order {
        let p = &m.parameters[wire];
        let path = join(&params_path, wire);
        let enum_type = (p.kind == "string" && !p.enum_values.is_empty())
            .then(|| type_names.claim(names::camel(&format!("{type_name} {wire}"))));
        params.push(param(file, &path, wire, p, &mut method_names, enum_type)?);
    }
    // Required parameters first (constructor arguments), keeping their order.
    params.sort_by_key(|p: &ir::Param| !p.required);

    let template = path_template(file, &join(json_path, "path"), &m.path, &params)?;
    for p in params.iter().filter(|p| p.location == Location::Path) {
        if !template
            .iter()
            .any(|part| matches!(part, PathPart::Var { wire, .. } if *wire == p.wire_name))
        {
            return Err(Error::new(
                file,
                join(&params_path, &p.wire_name),
                format!(
                    "path parameter is missing from the path template {:?}",
                    m.path
                ),
            ));
        }
    }

    let method_scopes = scopes
        .iter()
        .filter(|s| m.scopes.iter().any(|url| *url == s.url))
        .map(|s| s.const_name.clone())
        .collect();
    Ok(ir::Method {
        id: m.id.to_string(),
        type_name,
        resource: found.chain.join("."),
        kind: found.kind,
        http_method: m.http_method.to_string(),
        path: m.path.to_string(),
        description: m.description.as_deref().map(str::to_owned),
        example: example(doc, m, &params, &template),
        params,
        scopes: method_scopes,
        response,
        request,
        collection_get: false,
        wait: None,
        cancel: None,
    })
}

/// Links each collection's `get` to its `wait` and `cancel` where they take the same path
/// parameters (and `wait` gives the same operation), and marks each `list` response as a page
/// of the collection's operations: those its `get` gives, or (without `get`) those the list
/// holds.
fn link_collections(
    found: &[Found<'_>],
    names: &BTreeMap<String, String>,
    methods: &mut [ir::Method],
    defs: &mut [ir::TypeDef],
) {
    let path_params = |m: &ir::Method| -> Vec<String> {
        m.params
            .iter()
            .filter(|p| p.location == Location::Path)
            .map(|p| p.wire_name.clone())
            .collect()
    };
    for get in (0..found.len()).filter(|&i| found[i].collection && found[i].kind == MethodKind::Get)
    {
        methods[get].collection_get = true;
        let sibling = |kind: MethodKind| {
            (0..found.len()).find(|&j| found[j].kind == kind && found[j].chain == found[get].chain)
        };
        if let Some(wait) = sibling(MethodKind::Wait)
            && path_params(&methods[wait]) == path_params(&methods[get])
            && methods[wait].response == methods[get].response
        {
            methods[get].wait = Some(methods[wait].type_name.clone());
        }
        if let Some(cancel) = sibling(MethodKind::Cancel)
            && path_params(&methods[cancel]) == path_params(&methods[get])
        {
            methods[get].cancel = Some(methods[cancel].type_name.clone());
        }
        if let (Some(list), Some(item)) = (sibling(MethodKind::List), methods[get].response.model())
        {
            let item = item.to_owned();
            mark_page(defs, methods[list].response.model(), &item);
        }
    }
    for (i, f) in found.iter().enumerate() {
        if let Some(item) = f.list_item.as_ref().and_then(|wire| names.get(wire)) {
            mark_page(defs, methods[i].response.model(), item);
        }
    }
}

/// Marks the struct `page` as a page of `item`s: its array of them and its `nextPageToken`.
fn mark_page(defs: &mut [ir::TypeDef], page: Option<&str>, item: &str) {
    let Some(page) = page else {
        return;
    };
    let Some(s) = defs.iter_mut().find_map(|d| match d {
        ir::TypeDef::Struct(s) if s.name == page => Some(s),
        _ => None,
    }) else {
        return;
    };
    let items = s.fields.iter().find(|f| {
        matches!(&f.ty, ir::Type::Array(t) if matches!(&**t, ir::Type::Named { name, .. } if name == item))
    });
    let next = s
        .fields
        .iter()
        .find(|f| f.wire_name == "nextPageToken" && f.ty == ir::Type::Scalar(Scalar::String));
    if let (Some(items), Some(next)) = (items, next) {
        s.page = Some(ir::PageShape {
            items: items.rust_name.clone(),
            item_type: item.to_owned(),
            next_page_token: next.rust_name.clone(),
        });
    }
}

fn param(
    file: &str,
    path: &str,
    wire: &str,
    p: &discovery::Parameter<'_>,
    method_names: &mut Namespace,
    enum_type: Option<String>,
) -> Result<ir::Param, Error> {
    let location = match p.location.as_ref() {
        "path" => Location::Path,
        "query" => Location::Query,
        other => {
            return Err(Error::new(
                file,
                join(path, "location"),
                format!("unsupported location {other:?} (expected \"path\" or \"query\")"),
            ));
        }
    };
    if location == Location::Path && p.repeated {
        return Err(Error::new(
            file,
            join(path, "repeated"),
            "a path parameter cannot be repeated",
        ));
    }
    let ty = types::scalar(file, path, &p.kind, p.format.as_deref())?;
    if location == Location::Path && (ty != Scalar::String || enum_type.is_some()) {
        // Path values are text on the wire; other types would need their own checks.
        return Err(Error::new(
            file,
            join(path, "type"),
            "path parameters must be strings without listed values",
        ));
    }
    let pattern = match &p.pattern {
        Some(regex) => {
            compile_pattern(regex).map_err(|e| {
                Error::new(
                    file,
                    join(path, "pattern"),
                    format!("not a valid regular expression: {e}"),
                )
            })?;
            Some(ir::Pattern {
                regex: regex.to_string(),
                shape: shape_of(regex),
            })
        }
        None => None,
    };
    let enum_values = p
        .enum_values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let d = p.enum_descriptions.get(i).map(|d| d.to_string());
            (v.to_string(), d.unwrap_or_default())
        })
        .collect();
    let rust_name = names::snake(wire);
    let rust_name = if BUILDER_METHODS.contains(&rust_name.as_str()) {
        format!("{rust_name}_param")
    } else {
        rust_name
    };
    Ok(ir::Param {
        wire_name: wire.to_owned(),
        rust_name: method_names.claim(rust_name),
        location,
        // A path parameter is always needed to form the URL.
        required: p.required || location == Location::Path,
        repeated: p.repeated,
        ty,
        pattern,
        description: p.description.as_deref().map(str::to_owned),
        enum_values,
        enum_type,
    })
}

/// Compiles a Discovery pattern the way the runtime does: matched against the whole value.
pub fn compile_pattern(pattern: &str) -> Result<regex_lite::Regex, regex_lite::Error> {
    regex_lite::Regex::new(&format!("^(?:{pattern})$"))
}

/// `^projects/[^/]+/operations/[^/]+$` → `projects/*/operations/*`; `None` for patterns with
/// other parts.
fn shape_of(pattern: &str) -> Option<String> {
    let inner = pattern.strip_prefix('^').unwrap_or(pattern);
    let inner = inner.strip_suffix('$').unwrap_or(inner);
    let shape = inner
        .replace("[^/]+", "*")
        .replace(".*", "**")
        .replace(".+", "**");
    (!shape.contains(|c: char| "[](){}|+?\\^$".contains(c))).then_some(shape)
}

/// A piece of a path template.
enum PathPart<'t> {
    /// Literal text.
    Literal(&'t str),
    /// A parameter by wire name; `reserved` is `{+x}` (keeps `/`).
    Var { wire: &'t str, reserved: bool },
}

/// Parses `v1/{+name}` into literals and parameter references.
fn path_template<'t>(
    file: &str,
    json_path: &str,
    template: &'t str,
    params: &[ir::Param],
) -> Result<Vec<PathPart<'t>>, Error> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            parts.push(PathPart::Literal(&rest[..open]));
        }
        let close = rest[open..].find('}').map(|c| open + c).ok_or_else(|| {
            Error::new(
                file,
                json_path,
                format!("unclosed `{{` in path template {template:?}"),
            )
        })?;
        let var = &rest[open + 1..close];
        let (reserved, name) = match var.strip_prefix('+') {
            Some(name) => (true, name),
            None => (false, var),
        };
        if !params
            .iter()
            .any(|p| p.wire_name == name && p.location == Location::Path)
        {
            return Err(Error::new(
                file,
                json_path,
                format!(
                    "path template {template:?} names {name:?}, which is not a declared path parameter"
                ),
            ));
        }
        parts.push(PathPart::Var {
            wire: name,
            reserved,
        });
        rest = &rest[close + 1..];
    }
    if rest.contains('}') {
        return Err(Error::new(
            file,
            json_path,
            format!("unmatched `}}` in path template {template:?}"),
        ));
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest));
    }
    Ok(parts)
}

/// Sample arguments for the doc example, and the URL they give when that is easy to know.
fn example(
    doc: &Document<'_>,
    m: &discovery::Method<'_>,
    params: &[ir::Param],
    parts: &[PathPart<'_>],
) -> Option<ir::Example> {
    let from_flat = flat_path_sample(&m.path, m.flat_path.as_deref());
    let mut args = Vec::new();
    for p in params.iter().filter(|p| p.required) {
        let sample = match (p.location, p.ty) {
            (Location::Path, _) => match (&from_flat, parts) {
                (
                    Some(s),
                    [
                        ..,
                        PathPart::Var {
                            reserved: true,
                            wire,
                        },
                    ],
                ) if *wire == p.wire_name => s.clone(),
                _ => match p.pattern.as_ref().and_then(|p| p.shape.as_deref()) {
                    Some(shape) => shape_sample(shape),
                    None => sample_word(&p.wire_name),
                },
            },
            (Location::Query, Scalar::String) => p
                .enum_values
                .first()
                .map(|(v, _)| v.clone())
                .unwrap_or_else(|| sample_word(&p.wire_name)),
            (Location::Query, Scalar::Bool) => "true".into(),
            (Location::Query, _) => "1".into(),
        };
        let sample = match &p.pattern {
            Some(pattern) => {
                // The pattern's literal start and a number, for patterns such as
                // `folders/[0-9]{0,20}` that no word matches.
                let regex = pattern.regex.trim_start_matches('^');
                let literal = &regex[..regex
                    .find(|c: char| !(c.is_ascii_alphanumeric() || "/-_".contains(c)))
                    .unwrap_or(regex.len())];
                let re = compile_pattern(&pattern.regex).ok()?;
                [sample, format!("{literal}123456")]
                    .into_iter()
                    .find(|s| re.is_match(s))?
            }
            None => sample,
        };
        if sample
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
        {
            return None;
        }
        args.push(sample);
    }
    let mut url = format!("{}{}", doc.root_url, doc.service_path);
    if !doc.root_url.ends_with('/') {
        url.insert(doc.root_url.len(), '/');
    }
    for part in parts {
        match part {
            PathPart::Literal(text) => url.push_str(text),
            PathPart::Var { wire, reserved } => {
                let (_, value) = params
                    .iter()
                    .filter(|p| p.required)
                    .zip(&args)
                    .find(|(p, _)| p.wire_name == *wire)?;
                if !*reserved && value.contains('/') {
                    return Some(ir::Example { args, url: None });
                }
                url.push_str(value);
            }
        }
    }
    let mut sep = '?';
    let required = params.iter().filter(|p| p.required).zip(&args);
    for (p, value) in required.filter(|(p, _)| p.location == Location::Query) {
        if !p
            .wire_name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Some(ir::Example { args, url: None });
        }
        url.push(sep);
        sep = '&';
        url.push_str(&format!("{}={value}", p.wire_name));
    }
    let plain = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~/:?&=".contains(&b))
    };
    let url = plain(&url).then_some(url);
    Some(ir::Example { args, url })
}

/// The part of `flatPath` that `{+name}` stands for, with sample words: for `v1/{+name}` and
/// `v1/projects/{projectsId}/operations/{operationsId}`, `projects/my-project/operations/my-operation`.
fn flat_path_sample(path: &str, flat: Option<&str>) -> Option<String> {
    let prefix = &path[..path.find("{+")?];
    if !path.ends_with('}') || path[prefix.len()..].matches('{').count() != 1 {
        return None;
    }
    let rest = flat?.strip_prefix(prefix)?;
    let mut out = String::new();
    let mut tail = rest;
    while let Some(open) = tail.find('{') {
        out.push_str(&tail[..open]);
        let close = open + tail[open..].find('}')?;
        out.push_str(&sample_word(&tail[open + 1..close]));
        tail = &tail[close + 1..];
    }
    out.push_str(tail);
    Some(out)
}

/// A value of a pattern's shape: `projects/*/operations/*` → `projects/my-project/operations/my-operation`.
fn shape_sample(shape: &str) -> String {
    let mut previous = "value";
    let segments: Vec<String> = shape
        .split('/')
        .map(|segment| {
            let sample = match segment {
                "*" | "**" => sample_word(previous),
                literal => literal.to_owned(),
            };
            previous = segment;
            sample
        })
        .collect();
    segments.join("/")
}

/// `projectsId` → `my-project`, `operationId` → `my-operation`.
fn sample_word(var: &str) -> String {
    let base = var.strip_suffix("Id").unwrap_or(var);
    let base = base
        .strip_suffix('s')
        .filter(|b| !b.is_empty())
        .unwrap_or(base);
    let kebab: String = heck::ToKebabCase::to_kebab_case(names::snake(base).as_str());
    format!("my-{kebab}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_from_patterns() {
        assert_eq!(
            shape_of("^projects/[^/]+/regions/[^/]+/operations/[^/]+$").as_deref(),
            Some("projects/*/regions/*/operations/*")
        );
        assert_eq!(
            shape_of("^operations/.*$").as_deref(),
            Some("operations/**")
        );
        assert_eq!(shape_of("[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?"), None);
    }

    #[test]
    fn samples_follow_the_flat_path() {
        assert_eq!(
            flat_path_sample(
                "v1/{+name}",
                Some("v1/projects/{projectsId}/regions/{regionsId}/operations/{operationsId}")
            )
            .as_deref(),
            Some("projects/my-project/regions/my-region/operations/my-operation")
        );
        assert_eq!(flat_path_sample("v1/{+name}", Some("v2/x")), None);
        assert_eq!(sample_word("operationId"), "my-operation");
        assert_eq!(
            shape_sample("projects/*/operations/*"),
            "projects/my-project/operations/my-operation"
        );
        assert_eq!(shape_sample("*/x/**"), "my-value/x/my-x");
        assert_eq!(sample_word("zone"), "my-zone");
    }

    #[test]
    fn scope_constants() {
        assert_eq!(
            scope_const("https://www.googleapis.com/auth/dataproc.read-only"),
            "DATAPROC_READ_ONLY"
        );
        assert_eq!(scope_const("https://mail.google.com/"), "MAIL_GOOGLE_COM");
    }
}
