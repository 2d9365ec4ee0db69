//! What changes for the generated crate between two versions of a service's document.
//!
//! Both versions are compared as the generator's [`ir::Service`], so only what the crate
//! exposes is reported: schemas no `operations.get` response reaches never show up.

use std::collections::BTreeMap;
use std::fmt;

use codegen::ir::{self, Method, Param, Service, SharedModel, Type, TypeDef};
use codegen::types::{Difference, plain_type, tell};

/// One reported change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Whether code using the crate may stop compiling or working.
    pub breaking: bool,
    /// What changed, e.g. `model Operation: property done removed`.
    pub text: String,
}

/// Every change between two versions of one service.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// The changes, in a fixed order: service, scopes, methods, models; each by name.
    pub changes: Vec<Change>,
    /// Some description (or title, or documentation link) changed.
    pub descriptions: bool,
    /// The generated code differs in something the lines above do not name.
    pub other: bool,
}

impl Summary {
    /// How many changes are breaking.
    pub fn breaking(&self) -> usize {
        self.changes.iter().filter(|c| c.breaking).count()
    }

    /// Nothing changes for the generated crate.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && !self.descriptions && !self.other
    }

    fn add(&mut self, breaking: bool, text: String) {
        self.changes.push(Change { breaking, text });
    }
}

/// One line per change, each indented by two spaces.
impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return writeln!(f, "  no changes to the generated crate");
        }
        for c in &self.changes {
            let mark = if c.breaking { "BREAKING: " } else { "" };
            writeln!(f, "  {mark}{}", c.text)?;
        }
        if self.descriptions {
            writeln!(f, "  descriptions changed")?;
        }
        if self.other {
            writeln!(f, "  other details of the generated code changed")?;
        }
        Ok(())
    }
}

/// The generator's view of a document: what the crate would be made from. `file` is how
/// messages name it.
pub fn service_of(file: &str, text: &str) -> Result<Service, codegen::Error> {
    let doc = codegen::load::document(file, text)?;
    let mut warnings = Vec::new();
    codegen::extract::service(file, &doc, &mut warnings)?
        .ok_or_else(|| codegen::Error::new(file, "resources", codegen::NO_COLLECTION))
}

/// What changes from `old` to `new`.
pub fn compare(old: &Service, new: &Service) -> Summary {
    let mut s = Summary::default();
    let settings = [
        ("root URL", &old.root_url, &new.root_url),
        ("service path", &old.service_path, &new.service_path),
    ];
    for (what, a, b) in settings {
        if a != b {
            s.add(false, format!("{what} changed: {a} → {b}"));
        }
    }
    if old.mtls_root_url != new.mtls_root_url {
        s.add(
            false,
            format!(
                "mTLS root URL changed: {} → {}",
                shown(&old.mtls_root_url),
                shown(&new.mtls_root_url)
            ),
        );
    }
    scopes(&mut s, old, new);
    for (id, pair) in pairs(&old.methods, &new.methods, |m| m.id.clone()) {
        match pair {
            (Some(a), None) => s.add(true, format!("method removed: {id} ({})", a.type_name)),
            (None, Some(b)) => s.add(false, format!("method added: {id} ({})", b.type_name)),
            (Some(a), Some(b)) => method(&mut s, a, b),
            (None, None) => {}
        }
    }
    for (name, pair) in pairs(&old.types, &new.types, |t| t.name().to_owned()) {
        match pair {
            (Some(a), None) => s.add(true, format!("{} removed: {name}", kind(a))),
            (None, Some(b)) => s.add(false, format!("{} added: {name}", kind(b))),
            (Some(a), Some(b)) => type_def(&mut s, &name, (a, &old.types), (b, &new.types)),
            (None, None) => {}
        }
    }
    let (old_docs, new_docs) = (descriptions(old), descriptions(new));
    s.descriptions = old_docs
        .iter()
        .any(|(k, v)| new_docs.get(k).is_some_and(|w| w != v));
    s.other = s.changes.is_empty() && without_descriptions(old) != without_descriptions(new);
    s
}

/// Items of both lists by key, in key order.
fn pairs<'a, T, K: Ord>(
    old: &'a [T],
    new: &'a [T],
    key: impl Fn(&T) -> K,
) -> BTreeMap<K, (Option<&'a T>, Option<&'a T>)> {
    let mut map: BTreeMap<K, (Option<&T>, Option<&T>)> = BTreeMap::new();
    for t in old {
        map.entry(key(t)).or_default().0 = Some(t);
    }
    for t in new {
        map.entry(key(t)).or_default().1 = Some(t);
    }
    map
}

fn shown(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("(none)")
}

fn scopes(s: &mut Summary, old: &Service, new: &Service) {
    for (url, pair) in pairs(&old.scopes, &new.scopes, |sc| sc.url.clone()) {
        match pair {
            (Some(a), None) => s.add(
                true,
                format!("scope removed: {url} (scopes::{})", a.const_name),
            ),
            (None, Some(b)) => s.add(
                false,
                format!("scope added: {url} (scopes::{})", b.const_name),
            ),
            (Some(a), Some(b)) if a.const_name != b.const_name => s.add(
                true,
                format!(
                    "scope {url} renamed: scopes::{} → scopes::{}",
                    a.const_name, b.const_name
                ),
            ),
            _ => {}
        }
    }
}

fn method(s: &mut Summary, a: &Method, b: &Method) {
    let at = format!("method {}", a.id);
    if a.type_name != b.type_name {
        s.add(
            true,
            format!("{at}: builder renamed: {} → {}", a.type_name, b.type_name),
        );
    }
    if a.http_method != b.http_method {
        s.add(
            false,
            format!(
                "{at}: HTTP method changed: {} → {}",
                a.http_method, b.http_method
            ),
        );
    }
    if a.path != b.path {
        s.add(
            false,
            format!("{at}: path changed: {} → {}", a.path, b.path),
        );
    }
    if a.response != b.response {
        let shown = |r: &codegen::ir::Response| match r {
            codegen::ir::Response::Model(name) => name.clone(),
            codegen::ir::Response::Json => "any JSON value".to_owned(),
            codegen::ir::Response::NoContent => "no content".to_owned(),
        };
        s.add(
            true,
            format!(
                "{at}: response changed: {} → {}",
                shown(&a.response),
                shown(&b.response)
            ),
        );
    }
    for (scope, pair) in pairs(&a.scopes, &b.scopes, String::clone) {
        match pair {
            (Some(_), None) => s.add(false, format!("{at}: scope removed: scopes::{scope}")),
            (None, Some(_)) => s.add(false, format!("{at}: scope added: scopes::{scope}")),
            _ => {}
        }
    }
    for (wire, pair) in pairs(&a.params, &b.params, |p| p.wire_name.clone()) {
        match pair {
            (Some(_), None) => s.add(true, format!("{at}: parameter removed: {wire}")),
            (None, Some(p)) if p.required => s.add(
                true,
                format!("{at}: parameter added: {wire} (required {})", param_type(p)),
            ),
            (None, Some(p)) => s.add(
                false,
                format!("{at}: parameter added: {wire} (optional {})", param_type(p)),
            ),
            (Some(p), Some(q)) => param(s, &format!("{at}: parameter {wire}"), p, q),
            (None, None) => {}
        }
    }
}

fn param(s: &mut Summary, at: &str, p: &Param, q: &Param) {
    if (p.ty, p.repeated, &p.enum_type) != (q.ty, q.repeated, &q.enum_type) {
        s.add(
            true,
            format!("{at} retyped: {} → {}", param_type(p), param_type(q)),
        );
    }
    match (p.required, q.required) {
        (false, true) => s.add(true, format!("{at} now required")),
        (true, false) => s.add(
            true,
            format!("{at} now optional (the constructor no longer takes it)"),
        ),
        _ => {}
    }
    if p.location != q.location {
        s.add(
            true,
            format!("{at} moved: {:?} → {:?}", p.location, q.location),
        );
    }
    if p.rust_name != q.rust_name {
        s.add(
            true,
            format!("{at} renamed in Rust: {} → {}", p.rust_name, q.rust_name),
        );
    }
    match (&p.pattern, &q.pattern) {
        (None, Some(b)) => s.add(true, format!("{at} pattern added: {}", b.regex)),
        (Some(a), None) => s.add(false, format!("{at} pattern removed (was {})", a.regex)),
        (Some(a), Some(b)) if a.regex != b.regex => s.add(
            true,
            format!("{at} pattern changed: {} → {}", a.regex, b.regex),
        ),
        _ => {}
    }
    // Values of a generated enum are reported with the enum.
    if p.enum_type.is_none() && q.enum_type.is_none() {
        values(s, at, &p.enum_values, &q.enum_values);
    }
}

/// Added and removed values of a closed list.
fn values(s: &mut Summary, at: &str, old: &[(String, String)], new: &[(String, String)]) {
    for (v, pair) in pairs(old, new, |(v, _)| v.clone()) {
        match pair {
            (Some(_), None) => s.add(true, format!("{at} value removed: {v}")),
            (None, Some(_)) => s.add(false, format!("{at} value added: {v}")),
            _ => {}
        }
    }
}

fn kind(t: &TypeDef) -> &'static str {
    match t {
        TypeDef::Struct(_) => "model",
        TypeDef::Enum(_) => "enum",
        TypeDef::Shared(_) => "model",
    }
}

/// What changes for model `name`, `a` of the old service's models and `b` of the new one's.
fn type_def(
    s: &mut Summary,
    name: &str,
    (a, old): (&TypeDef, &[TypeDef]),
    (b, new): (&TypeDef, &[TypeDef]),
) {
    match (a, b) {
        (TypeDef::Struct(a), TypeDef::Struct(b)) => model(s, &format!("model {name}"), a, b),
        (TypeDef::Enum(a), TypeDef::Enum(b)) => {
            let at = format!("enum {name}");
            for (wire, pair) in pairs(&a.variants, &b.variants, |v| v.wire.clone()) {
                match pair {
                    (Some(_), None) => s.add(true, format!("{at}: value removed: {wire}")),
                    (None, Some(_)) => s.add(false, format!("{at}: value added: {wire}")),
                    (Some(v), Some(w)) if v.rust_name != w.rust_name => s.add(
                        true,
                        format!(
                            "{at}: value {wire} renamed in Rust: {} → {}",
                            v.rust_name, w.rust_name
                        ),
                    ),
                    _ => {}
                }
            }
        }
        (TypeDef::Shared(a), TypeDef::Shared(b)) if a.model == b.model => {}
        (_, TypeDef::Shared(shared)) => s.add(
            true,
            format!(
                "model {name}: now the runtime's {}{}",
                shared.model.rust_name(),
                became_shared(shared.model, a, old)
            ),
        ),
        (TypeDef::Shared(shared), _) => s.add(
            true,
            format!(
                "{} {name}: no longer the runtime's {}, now one of its own{}",
                kind(b),
                shared.model.rust_name(),
                stopped_being_shared(shared.model, b, new)
            ),
        ),
        _ => s.add(true, format!("{} {name}: now {}", kind(a), kind(b))),
    }
}

/// Why model `def` of the new service (whose models are `defs`) is no longer the runtime's
/// `model`, which it was exactly: how its properties differ from the runtime's, after `: `
/// (nothing when it is not a struct).
fn stopped_being_shared(model: SharedModel, def: &TypeDef, defs: &[TypeDef]) -> String {
    let TypeDef::Struct(st) = def else {
        return String::new();
    };
    let runtime = model.rust_name();
    let told = model.differences(st, defs).into_iter().map(|d| match d {
        Difference::NotAnOperation => "no longer read as a long-running operation".to_owned(),
        Difference::Missing { property, expected } => format!(
            "property {property} removed (the runtime's {runtime} has {property}: {expected})"
        ),
        Difference::Extra { property, ty } => format!(
            "property {property} added: {} (the runtime's {runtime} has no {property})",
            plain_type(&ty)
        ),
        Difference::Retyped {
            property,
            ty,
            expected,
        } => format!(
            "property {property} is now {} (the runtime's {runtime} has {property}: {expected})",
            plain_type(&ty)
        ),
        Difference::NotStatus {
            property,
            model,
            why,
        } => format!(
            "property {property}: its model {model} is not the runtime's Status{}",
            reasons(&why)
        ),
    });
    listed(told)
}

/// Why model `def` of the old service (whose models are `defs`) was not the runtime's
/// `model`, which it now is exactly: what changed in its properties, after `: ` (nothing
/// when it was not a struct).
fn became_shared(model: SharedModel, def: &TypeDef, defs: &[TypeDef]) -> String {
    let TypeDef::Struct(st) = def else {
        return String::new();
    };
    let told = model.differences(st, defs).into_iter().map(|d| match d {
        Difference::NotAnOperation => "now read as a long-running operation".to_owned(),
        Difference::Missing { property, expected } => {
            format!("property {property} added: {expected}")
        }
        Difference::Extra { property, ty } => {
            format!("property {property} removed (it was {})", plain_type(&ty))
        }
        Difference::Retyped {
            property,
            ty,
            expected,
        } => format!(
            "property {property} retyped: {} → {expected}",
            plain_type(&ty)
        ),
        Difference::NotStatus {
            property,
            model,
            why,
        } => format!(
            "property {property}: its model {model} was not the runtime's Status{}",
            reasons(&why)
        ),
    });
    listed(told)
}

/// Why a model is not the runtime's `Status`, in parentheses after a space; nothing when
/// there is no reason to give.
fn reasons(why: &[Difference]) -> String {
    if why.is_empty() {
        String::new()
    } else {
        format!(" ({})", tell(why))
    }
}

/// The items after `: `, separated by semicolons; nothing when there are none.
fn listed(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        String::new()
    } else {
        format!(": {}", items.join("; "))
    }
}

fn model(s: &mut Summary, at: &str, a: &ir::Struct, b: &ir::Struct) {
    match (&a.operation, &b.operation) {
        (Some(_), None) => s.add(
            true,
            format!("{at}: no longer read as a long-running operation"),
        ),
        (None, Some(_)) => s.add(false, format!("{at}: now read as a long-running operation")),
        _ => {}
    }
    for (wire, pair) in pairs(&a.fields, &b.fields, |f| f.wire_name.clone()) {
        let (f, g) = match pair {
            (Some(_), None) => {
                s.add(true, format!("{at}: property removed: {wire}"));
                continue;
            }
            (None, Some(g)) => {
                s.add(
                    false,
                    format!("{at}: property added: {wire} ({})", type_text(&g.ty)),
                );
                continue;
            }
            (Some(f), Some(g)) => (f, g),
            (None, None) => continue,
        };
        let at = format!("{at}: property {wire}");
        if f.ty != g.ty {
            s.add(
                true,
                format!("{at} retyped: {} → {}", type_text(&f.ty), type_text(&g.ty)),
            );
        }
        if f.rust_name != g.rust_name {
            s.add(
                true,
                format!("{at} renamed in Rust: {} → {}", f.rust_name, g.rust_name),
            );
        }
        for (what, x, y) in [
            ("deprecated", f.deprecated, g.deprecated),
            ("read-only", f.read_only, g.read_only),
        ] {
            if x != y {
                let now = if y { "now" } else { "no longer" };
                s.add(false, format!("{at} {now} {what}"));
            }
        }
        // Values of a generated enum are reported with the enum.
        if !has_enum(&f.ty) && !has_enum(&g.ty) {
            values(s, &at, &f.enum_values, &g.enum_values);
        }
    }
}

fn has_enum(ty: &Type) -> bool {
    match ty {
        Type::Enum(_) => true,
        Type::Array(t) | Type::Map(t) => has_enum(t),
        _ => false,
    }
}

fn param_type(p: &Param) -> String {
    let t = p.enum_type.as_deref().unwrap_or(p.ty.rust_name());
    if p.repeated {
        format!("Vec<{t}>")
    } else {
        t.to_owned()
    }
}

/// A field's type, as the generated model has it.
fn type_text(ty: &Type) -> String {
    ty.field_type().0.to_string()
}

/// Every description-like text by what it describes.
fn descriptions(s: &Service) -> BTreeMap<String, Option<String>> {
    let mut out = BTreeMap::new();
    out.insert("title".to_owned(), Some(s.title.clone()));
    out.insert("description".to_owned(), s.description.clone());
    out.insert("documentationLink".to_owned(), s.documentation_link.clone());
    for sc in &s.scopes {
        out.insert(format!("scope {}", sc.url), Some(sc.description.clone()));
    }
    for m in &s.methods {
        out.insert(format!("method {}", m.id), m.description.clone());
        for p in &m.params {
            let at = format!("method {} param {}", m.id, p.wire_name);
            for (v, d) in &p.enum_values {
                out.insert(format!("{at} value {v}"), Some(d.clone()));
            }
            out.insert(at, p.description.clone());
        }
    }
    for t in &s.types {
        match t {
            TypeDef::Struct(st) => {
                out.insert(format!("type {}", st.name), st.description.clone());
                for f in &st.fields {
                    let at = format!("type {} field {}", st.name, f.wire_name);
                    for (v, d) in &f.enum_values {
                        out.insert(format!("{at} value {v}"), Some(d.clone()));
                    }
                    out.insert(at, f.description.clone());
                }
            }
            TypeDef::Enum(en) => {
                out.insert(format!("type {}", en.name), en.description.clone());
                for v in &en.variants {
                    out.insert(
                        format!("type {} value {}", en.name, v.wire),
                        Some(v.description.clone()),
                    );
                }
            }
            TypeDef::Shared(_) => {}
        }
    }
    out
}

/// The service with every description-like text, its file name and revision blanked.
fn without_descriptions(s: &Service) -> Service {
    let mut s = s.clone();
    s.file.clear();
    s.revision.clear();
    s.title.clear();
    s.description = None;
    s.documentation_link = None;
    for sc in &mut s.scopes {
        sc.description.clear();
    }
    for m in &mut s.methods {
        m.description = None;
        for p in &mut m.params {
            p.description = None;
            p.enum_values.iter_mut().for_each(|(_, d)| d.clear());
        }
    }
    for t in &mut s.types {
        match t {
            TypeDef::Struct(st) => {
                st.description = None;
                for f in &mut st.fields {
                    f.description = None;
                    f.enum_values.iter_mut().for_each(|(_, d)| d.clear());
                }
            }
            TypeDef::Enum(en) => {
                en.description = None;
                en.variants.iter_mut().for_each(|v| v.description.clear());
            }
            TypeDef::Shared(_) => {}
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const GET: &str = "/resources/projects/resources/operations/methods/get";

    /// A small document with two operations collections (`projects.operations`, whose
    /// response `edit` may change, and `zoneOperations`); `edit` changes it.
    fn doc(edit: impl FnOnce(&mut Value)) -> Service {
        let mut doc = json!({
            "kind": "discovery#restDescription",
            "name": "demo", "version": "v1", "revision": "20260101", "title": "Demo API",
            "rootUrl": "https://demo.googleapis.com/", "servicePath": "",
            "auth": {"oauth2": {"scopes": {
                "https://www.googleapis.com/auth/cloud-platform": {"description": "All."}
            }}},
            "resources": {
                "projects": {"resources": {"operations": {"methods": {"get": {
                "id": "demo.projects.operations.get",
                "path": "v1/{+name}",
                "httpMethod": "GET",
                "description": "Gets an operation.",
                "parameters": {
                    "name": {"type": "string", "location": "path", "required": true,
                             "pattern": "^projects/[^/]+/operations/[^/]+$",
                             "description": "The name."},
                    "view": {"type": "string", "location": "query",
                             "enum": ["BASIC", "FULL"], "enumDescriptions": ["Basic.", "Full."]}
                },
                "parameterOrder": ["name"],
                "response": {"$ref": "Op"},
                "scopes": ["https://www.googleapis.com/auth/cloud-platform"]
            }}}}},
                "zoneOperations": {"methods": {"get": {
                    "id": "demo.zoneOperations.get", "path": "zones/{zone}/operations/{op}",
                    "httpMethod": "GET",
                    "parameters": {
                        "zone": {"type": "string", "location": "path", "required": true},
                        "op": {"type": "string", "location": "path", "required": true}
                    },
                    "parameterOrder": ["zone", "op"],
                    "response": {"$ref": "ZoneOp"}
                }}}
            },
            "schemas": {
                "ZoneOp": {"id": "ZoneOp", "type": "object", "properties": {
                    "status": {"type": "string", "enum": ["RUNNING", "DONE"]}
                }},
                "Op": {"id": "Op", "type": "object", "description": "An operation.",
                       "properties": {
                    "name": {"type": "string", "description": "Its name."},
                    "done": {"type": "boolean"},
                    "state": {"type": "string", "enum": ["RUNNING", "DONE"],
                              "enumDescriptions": ["Running.", "Done."]},
                    "error": {"$ref": "Stat"},
                    "metadata": {"type": "object", "additionalProperties": {"type": "any"}},
                    "response": {"type": "object", "additionalProperties": {"type": "any"}}
                }},
                "Stat": {"id": "Stat", "type": "object", "properties": {
                    "code": {"type": "integer", "format": "int32"},
                    "message": {"type": "string"}
                }},
                "Unused": {"id": "Unused", "type": "object", "properties": {
                    "x": {"type": "string"}
                }}
            }
        });
        edit(&mut doc);
        service_of("demo.v1.json", &doc.to_string()).unwrap()
    }

    fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
        doc.pointer_mut(pointer)
            .unwrap_or_else(|| panic!("no {pointer}"))
    }

    /// The lines of the summary from the base document to the edited one.
    fn lines(edit: impl FnOnce(&mut Value)) -> Vec<String> {
        compare(&doc(|_| {}), &doc(edit))
            .to_string()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn the_same_document_has_no_changes() {
        let s = compare(&doc(|_| {}), &doc(|_| {}));
        assert!(s.is_empty());
        assert_eq!(s.to_string(), "  no changes to the generated crate\n");
        // A new revision alone changes nothing either.
        assert!(
            lines(|d| d["revision"] = json!("20270101")) == ["  no changes to the generated crate"]
        );
    }

    #[test]
    fn descriptions_only_is_one_line() {
        let got = lines(|d| {
            d["title"] = json!("Demo");
            at(d, GET)["description"] = json!("Gets it.");
            at(d, &format!("{GET}/parameters/name"))["description"] = json!("Name.");
            at(d, "/schemas/Op")["description"] = json!("An op.");
            at(d, "/schemas/Op/properties/name")["description"] = json!("Name.");
            at(d, "/schemas/Op/properties/state/enumDescriptions")[0] = json!("Busy.");
            at(
                d,
                "/auth/oauth2/scopes/https:~1~1www.googleapis.com~1auth~1cloud-platform",
            )["description"] = json!("Everything.");
        });
        assert_eq!(got, ["  descriptions changed"]);
    }

    #[test]
    fn changes_to_schemas_no_method_reaches_are_not_reported() {
        let got = lines(|d| {
            at(d, "/schemas/Unused/properties")["y"] = json!({"type": "integer"});
            at(d, "/schemas")["Other"] = json!({"id": "Other", "type": "object"});
        });
        assert_eq!(got, ["  no changes to the generated crate"]);
    }

    #[test]
    fn methods_added_and_removed() {
        let add = |d: &mut Value| {
            at(d, "/resources")["operations"] = json!({"methods": {"get": {
                "id": "demo.operations.get", "path": "v1/{+name}", "httpMethod": "GET",
                "parameters": {"name": {"type": "string", "location": "path", "required": true,
                                        "pattern": "^operations/.*$"}},
                "parameterOrder": ["name"], "response": {"$ref": "Op"}
            }}});
        };
        assert_eq!(
            lines(add),
            ["  method added: demo.operations.get (OperationsGet)"]
        );
        let s = compare(&doc(add), &doc(|_| {}));
        assert_eq!(
            s.to_string(),
            "  BREAKING: method removed: demo.operations.get (OperationsGet)\n"
        );
        assert_eq!(s.breaking(), 1);
    }

    #[test]
    fn parameters_added_removed_retyped_and_required() {
        let params = format!("{GET}/parameters");
        let m = "method demo.projects.operations.get";
        let got = lines(|d| {
            at(d, &params)["pageSize"] =
                json!({"type": "integer", "format": "int32", "location": "query"});
        });
        assert_eq!(
            got,
            [format!("  {m}: parameter added: pageSize (optional i32)")]
        );

        let got = lines(|d| {
            at(d, &params)["filter"] =
                json!({"type": "string", "location": "query", "required": true});
        });
        assert_eq!(
            got,
            [format!(
                "  BREAKING: {m}: parameter added: filter (required String)"
            )]
        );

        let got = lines(|d| {
            at(d, &params).as_object_mut().unwrap().remove("view");
        });
        assert_eq!(
            got,
            [
                format!("  BREAKING: {m}: parameter removed: view"),
                "  BREAKING: enum removed: ProjectsOperationsGetView".to_owned(),
            ]
        );

        let got = lines(|d| {
            at(d, &format!("{params}/view"))["repeated"] = json!(true);
        });
        assert_eq!(
            got,
            [format!(
                "  BREAKING: {m}: parameter view retyped: ProjectsOperationsGetView → Vec<ProjectsOperationsGetView>"
            )]
        );

        let got = lines(|d| {
            at(d, &format!("{params}/view"))["required"] = json!(true);
        });
        assert_eq!(
            got,
            [format!("  BREAKING: {m}: parameter view now required")]
        );

        let with_size = |required: bool| {
            doc(|d| {
                at(d, &format!("{GET}/parameters"))["pageSize"] = json!({"type": "integer", "format": "int32",
                                                    "location": "query", "required": required});
            })
        };
        assert_eq!(
            compare(&with_size(true), &with_size(false)).to_string(),
            format!(
                "  BREAKING: {m}: parameter pageSize now optional (the constructor no longer takes it)\n"
            )
        );
        let size_as = |kind: &str, format: &str| {
            doc(|d| {
                at(d, &format!("{GET}/parameters"))["pageSize"] =
                    json!({"type": kind, "format": format, "location": "query"});
            })
        };
        assert_eq!(
            compare(&size_as("integer", "int32"), &size_as("string", "int64")).to_string(),
            format!("  BREAKING: {m}: parameter pageSize retyped: i32 → i64\n")
        );
    }

    #[test]
    fn patterns_narrowed_changed_and_widened() {
        let name = format!("{GET}/parameters/name");
        let m = "method demo.projects.operations.get: parameter name";
        let got = lines(|d| {
            at(d, &name)["pattern"] = json!("^projects/[^/]+/operations/[a-z]+$");
        });
        assert_eq!(
            got,
            [format!(
                "  BREAKING: {m} pattern changed: ^projects/[^/]+/operations/[^/]+$ → ^projects/[^/]+/operations/[a-z]+$"
            )]
        );
        let got = lines(|d| {
            at(d, &name).as_object_mut().unwrap().remove("pattern");
        });
        assert_eq!(
            got,
            [format!(
                "  {m} pattern removed (was ^projects/[^/]+/operations/[^/]+$)"
            )]
        );
        let s = compare(
            &doc(|d| {
                at(d, &name).as_object_mut().unwrap().remove("pattern");
            }),
            &doc(|_| {}),
        );
        assert_eq!(
            s.to_string(),
            format!("  BREAKING: {m} pattern added: ^projects/[^/]+/operations/[^/]+$\n")
        );
    }

    #[test]
    fn scopes_added_and_removed() {
        let added = |d: &mut Value| {
            at(d, "/auth/oauth2/scopes")["https://www.googleapis.com/auth/demo.read"] =
                json!({"description": "Read."});
            at(d, &format!("{GET}/scopes"))
                .as_array_mut()
                .unwrap()
                .push(json!("https://www.googleapis.com/auth/demo.read"));
        };
        assert_eq!(
            lines(added),
            [
                "  scope added: https://www.googleapis.com/auth/demo.read (scopes::DEMO_READ)",
                "  method demo.projects.operations.get: scope added: scopes::DEMO_READ",
            ]
        );
        let s = compare(&doc(added), &doc(|_| {}));
        assert_eq!(
            s.to_string(),
            "  BREAKING: scope removed: https://www.googleapis.com/auth/demo.read (scopes::DEMO_READ)\n  \
             method demo.projects.operations.get: scope removed: scopes::DEMO_READ\n"
        );
    }

    #[test]
    fn models_properties_and_enum_values() {
        let got = lines(|d| {
            let op = at(d, "/schemas/Op/properties");
            op["progress"] = json!({"type": "integer", "format": "int32"});
            op["done"] = json!({"type": "string"});
            op.as_object_mut().unwrap().remove("name");
            op["stats"] = json!({"$ref": "Stats"});
            at(d, "/schemas")["Stats"] = json!({"id": "Stats", "type": "object", "properties": {"n": {"type": "string", "format": "int64"}}});
            let state = at(d, "/schemas/Op/properties/state");
            state["enum"] = json!(["RUNNING", "FAILED"]);
            state["enumDescriptions"] = json!(["Running.", "Failed."]);
            at(d, "/schemas/Op/properties")["error"] =
                json!({"type": "object", "additionalProperties": {"type": "any"}});
        });
        assert_eq!(
            got,
            [
                "  BREAKING: model Op: no longer read as a long-running operation",
                "  BREAKING: model Op: property done retyped: bool → String",
                "  BREAKING: model Op: property error retyped: Stat → crate::JsonObject",
                "  BREAKING: model Op: property removed: name",
                "  model Op: property added: progress (i32)",
                "  model Op: property added: stats (Stats)",
                "  BREAKING: enum OpState: value removed: DONE",
                "  enum OpState: value added: FAILED",
                "  BREAKING: model removed: Stat",
                "  model added: Stats",
            ]
        );
    }

    #[test]
    fn enum_values_of_parameters() {
        let got = lines(|d| {
            let view = at(d, &format!("{GET}/parameters/view"));
            view["enum"] = json!(["BASIC", "MINIMAL"]);
            view["enumDescriptions"] = json!(["Basic.", "Minimal."]);
        });
        assert_eq!(
            got,
            [
                "  BREAKING: enum ProjectsOperationsGetView: value removed: FULL",
                "  enum ProjectsOperationsGetView: value added: MINIMAL",
            ]
        );
        // A parameter whose values are no longer listed takes any string.
        let got = lines(|d| {
            let view = at(d, &format!("{GET}/parameters/view"));
            view.as_object_mut().unwrap().remove("enum");
        });
        assert_eq!(
            got,
            [
                "  BREAKING: method demo.projects.operations.get: parameter view retyped: ProjectsOperationsGetView → String",
                "  BREAKING: enum removed: ProjectsOperationsGetView",
            ]
        );
    }

    #[test]
    fn structural_changes_and_descriptions_are_both_listed_in_a_fixed_order() {
        let edit = |d: &mut Value| {
            d["rootUrl"] = json!("https://demo2.googleapis.com/");
            at(d, "/schemas/Op")["description"] = json!("Changed.");
            at(d, "/schemas/Stat/properties")["extra"] = json!({"type": "string"});
        };
        let first = compare(&doc(|_| {}), &doc(edit));
        let again = compare(&doc(|_| {}), &doc(edit));
        assert_eq!(first, again);
        assert_eq!(
            first.to_string(),
            "  root URL changed: https://demo.googleapis.com/ → https://demo2.googleapis.com/\n  \
             model Stat: property added: extra (String)\n  \
             descriptions changed\n"
        );
        assert_eq!(first.breaking(), 0);
    }

    /// `Op` made exactly the runtime's `Operation`, and `Stat` its `Status`.
    fn shared(d: &mut Value) {
        let props = at(d, "/schemas/Op/properties");
        props.as_object_mut().unwrap().remove("state");
        at(d, "/schemas/Stat/properties")["details"] = json!({"type": "array", "items":
            {"type": "object", "additionalProperties": {"type": "any"}}});
    }

    /// `shared`, then `edit`.
    fn shared_then(edit: impl FnOnce(&mut Value)) -> Service {
        doc(|d| {
            shared(d);
            edit(d);
        })
    }

    fn remove(d: &mut Value, pointer: &str, property: &str) {
        at(d, pointer).as_object_mut().unwrap().remove(property);
    }

    #[test]
    fn the_shared_models_are_shared() {
        let s = doc(shared);
        let model = |name: &str| match s.types.iter().find(|t| t.name() == name) {
            Some(TypeDef::Shared(shared)) => Some(shared.model),
            _ => None,
        };
        assert_eq!(model("Op"), Some(SharedModel::Operation));
        assert_eq!(model("Stat"), Some(SharedModel::Status));
        assert_eq!(model("ZoneOp"), None);
    }

    #[test]
    fn an_operation_losing_metadata_names_it() {
        let without = shared_then(|d| remove(d, "/schemas/Op/properties", "metadata"));
        assert_eq!(
            compare(&doc(shared), &without).to_string(),
            "  BREAKING: model Op: no longer the runtime's Operation, now one of its own: \
             property metadata removed (the runtime's Operation has metadata: object)\n"
        );
        // And back.
        assert_eq!(
            compare(&without, &doc(shared)).to_string(),
            "  BREAKING: model Op: now the runtime's Operation: property metadata added: object\n"
        );
    }

    #[test]
    fn an_extra_property_is_named() {
        let extra = shared_then(|d| {
            at(d, "/schemas/Op/properties")["progress"] =
                json!({"type": "integer", "format": "int32"});
        });
        assert_eq!(
            compare(&doc(shared), &extra).to_string(),
            "  BREAKING: model Op: no longer the runtime's Operation, now one of its own: \
             property progress added: int32 (the runtime's Operation has no progress)\n"
        );
        assert_eq!(
            compare(&extra, &doc(shared)).to_string(),
            "  BREAKING: model Op: now the runtime's Operation: property progress removed (it \
             was int32)\n"
        );
    }

    #[test]
    fn a_property_of_another_type_is_named() {
        let retyped = shared_then(|d| {
            at(d, "/schemas/Op/properties")["name"] = json!({"type": "integer", "format": "int32"});
        });
        assert_eq!(
            compare(&doc(shared), &retyped).to_string(),
            "  BREAKING: model Op: no longer the runtime's Operation, now one of its own: \
             property name is now int32 (the runtime's Operation has name: string)\n"
        );
        assert_eq!(
            compare(&retyped, &doc(shared)).to_string(),
            "  BREAKING: model Op: now the runtime's Operation: property name retyped: int32 → \
             string\n"
        );
    }

    /// A `Status` that is no longer the runtime's takes the operation holding it along, and
    /// both say why.
    #[test]
    fn an_error_model_that_is_no_longer_status_is_named_with_why() {
        let retyped = shared_then(|d| {
            at(d, "/schemas/Stat/properties")["code"] = json!({"type": "string"});
        });
        assert_eq!(
            compare(&doc(shared), &retyped).to_string(),
            "  BREAKING: model Op: no longer the runtime's Operation, now one of its own: \
             property error: its model Stat is not the runtime's Status (property code is \
             string, not int32)\n  \
             BREAKING: model Stat: no longer the runtime's Status, now one of its own: property \
             code is now string (the runtime's Status has code: int32)\n"
        );
        assert_eq!(
            compare(&retyped, &doc(shared)).to_string(),
            "  BREAKING: model Op: now the runtime's Operation: property error: its model Stat \
             was not the runtime's Status (property code is string, not int32)\n  \
             BREAKING: model Stat: now the runtime's Status: property code retyped: string → \
             int32\n"
        );
    }

    /// Every difference of a model that becomes shared is told, by property name.
    #[test]
    fn models_becoming_shared_tell_every_difference() {
        assert_eq!(
            compare(&doc(|_| {}), &doc(shared)).to_string(),
            "  BREAKING: model Op: now the runtime's Operation: property error: its model Stat \
             was not the runtime's Status (no property details (array of object)); property \
             state removed (it was enum OpState)\n  \
             BREAKING: enum removed: OpState\n  \
             BREAKING: model Stat: now the runtime's Status: property details added: array of \
             object\n"
        );
    }
}
