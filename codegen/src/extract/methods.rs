//! A builder's method and its parameters.

use std::collections::BTreeMap;

use super::collections::Found;
use google_operations_runtime::template::ValuePattern;

use super::example::{example, path_template, shape_of};
use crate::discovery::{self, Document};
use crate::error::{Error, join};
use crate::ir::{self, Location, Scalar};
use crate::names::{self, Namespace};
use crate::types;

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

/// The builder of the `found` method, named `type_name`; `models` names the model of each
/// schema id, and `type_names` gives the names of its parameters' enums.
pub(super) fn method(
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

    let mut method_names = Namespace::default();
    let mut params = Vec::new();
    for wire in param_order(file, json_path, m)? {
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
        if template.expansion(&p.wire_name).is_none() {
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
        kind: found.kind,
        http_method: m.http_method.to_string(),
        path: m.path.to_string(),
        description: m.description.as_deref().map(str::to_owned),
        example: example(doc, m, &params, template),
        params,
        scopes: method_scopes,
        response,
        request,
    })
}

/// The wire names of `m`'s parameters in the order its builder takes them: `parameterOrder`,
/// then the other path parameters, then the rest by name.
fn param_order<'m>(
    file: &str,
    json_path: &str,
    m: &'m discovery::Method<'_>,
) -> Result<Vec<&'m str>, Error> {
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
    Ok(order)
}

/// Parameter `wire` of a method, at JSON path `path`, its Rust name claimed in `method_names`.
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
            ValuePattern::new(regex)
                .map_err(|e| Error::new(file, join(path, "pattern"), e.to_string()))?;
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
