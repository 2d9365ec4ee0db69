//! From a loaded Discovery document to the [`ir::Service`] of its `operations.get` methods.

use std::collections::BTreeMap;

use crate::discovery::{self, Document, Resource};
use crate::error::{Error, join};
use crate::ir::{self, Location, PathPart, Scalar};
use crate::load;
use crate::names::{self, Namespace};
use crate::types::TypeBuilder;

/// Something worth telling the user that does not stop generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning(pub Error);

/// The standard parameters the runtime's `CommonParams` sets, with their enum values.
const STANDARD_PARAMS: &[(&str, &[&str])] = &[
    ("$.xgafv", &["1", "2"]),
    ("access_token", &[]),
    ("alt", &["json", "media", "proto"]),
    ("callback", &[]),
    ("fields", &[]),
    ("key", &[]),
    ("oauth_token", &[]),
    ("prettyPrint", &[]),
    ("quotaUser", &[]),
    ("uploadType", &[]),
    ("upload_protocol", &[]),
];

/// Builds the service of one document.
pub fn service(
    file: &str,
    doc: &Document<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<ir::Service, Error> {
    check_standard_params(file, doc, warnings);
    let mut found = Vec::new();
    find_operations_get(&doc.resources, "resources", &mut Vec::new(), &mut found);

    let mut types = TypeBuilder::new(file, doc, warnings);
    let mut type_names = Namespace::default();
    let mut scopes = declared_scopes(doc);
    let mut methods = Vec::new();
    let mut ids = BTreeMap::new();
    // Builder names are claimed first, in id order, so they never move when a schema is added.
    let mut parsed = Vec::new();
    for (chain, json_path, raw) in &found {
        let method: discovery::Method<'_> = load::part(file, json_path, raw)?;
        if let Some(other) = ids.insert(method.id.to_string(), json_path.clone()) {
            return Err(Error::new(
                file,
                join(json_path, "id"),
                format!("duplicate method id {:?}, also at {other}", method.id),
            ));
        }
        parsed.push((chain, json_path, method));
    }
    parsed.sort_by(|a, b| a.2.id.cmp(&b.2.id));
    let builder_names: Vec<String> = parsed
        .iter()
        .map(|(chain, _, _)| type_names.claim(names::camel(&format!("{} get", chain.join(" ")))))
        .collect();
    for ((_, json_path, method), type_name) in parsed.into_iter().zip(builder_names) {
        methods.push(self::method(
            file,
            json_path,
            &method,
            type_name,
            doc,
            &mut scopes,
            &mut types,
        )?);
    }
    let types = types.finish(&mut type_names)?;
    let mut defs = types.defs.clone();
    let methods = methods
        .into_iter()
        .map(|(mut m, response)| {
            m.response = response.and_then(|wire| types.name_of(&wire).map(str::to_owned));
            // Parameters with listed values get an enum of their own, named after the builder.
            for p in m
                .params
                .iter_mut()
                .filter(|p| p.ty == Scalar::String && !p.enum_values.is_empty())
            {
                let name =
                    type_names.claim(names::camel(&format!("{} {}", m.type_name, p.wire_name)));
                defs.push(ir::TypeDef::Enum(crate::types::enumeration(
                    name.clone(),
                    format!("{}.{}", m.id, p.wire_name),
                    p.description.clone(),
                    &p.enum_values,
                )));
                p.enum_type = Some(name);
            }
            m
        })
        .collect();

    let mut scope_names = Namespace::with_reserved(&["ALL"]);
    let scopes = scopes
        .into_iter()
        .map(|(url, description)| {
            let const_name = scope_names.claim(scope_const(&url));
            ir::Scope {
                url,
                description,
                const_name,
            }
        })
        .collect::<Vec<_>>();
    let mut methods: Vec<ir::Method> = methods;
    for m in &mut methods {
        for s in &mut m.scopes {
            *s = scopes
                .iter()
                .find(|scope| scope.url == *s)
                .map(|scope| scope.const_name.clone())
                .expect("every method scope was added to the service scopes");
        }
    }

    Ok(ir::Service {
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
        fully_encode_reserved_expansion: doc.fully_encode_reserved_expansion,
        scopes,
        methods,
        types: defs,
    })
}

/// Warns about standard parameters the runtime does not set the way the document says.
fn check_standard_params(file: &str, doc: &Document<'_>, warnings: &mut Vec<Warning>) {
    for (name, param) in &doc.parameters {
        let path = join("parameters", name);
        match STANDARD_PARAMS.iter().find(|(known, _)| known == name) {
            None => warnings.push(Warning(Error::new(
                file,
                path,
                "standard parameter not supported by the runtime; builders cannot set it",
            ))),
            Some((_, values))
                if !param.enum_values.is_empty()
                    && param
                        .enum_values
                        .iter()
                        .map(|v| v.as_ref())
                        .ne(values.iter().copied()) =>
            {
                warnings.push(Warning(Error::new(
                    file,
                    join(&path, "enum"),
                    format!("values differ from the runtime's {values:?}"),
                )))
            }
            Some(_) => {}
        }
    }
}

type Found<'a> = (Vec<String>, String, &'a serde_json::value::RawValue);

/// Every `get` method of a resource named `operations`, at any depth, with its resource chain.
fn find_operations_get<'a>(
    resources: &'a BTreeMap<discovery::Str<'a>, Resource<'a>>,
    path: &str,
    chain: &mut Vec<String>,
    found: &mut Vec<Found<'a>>,
) {
    for (name, resource) in resources {
        let here = join(path, name);
        chain.push(name.to_string());
        if name == "operations" {
            if let Some(raw) = resource.methods.get("get") {
                found.push((chain.clone(), join(&join(&here, "methods"), "get"), raw));
            }
        }
        find_operations_get(&resource.resources, &join(&here, "resources"), chain, found);
        chain.pop();
    }
}

fn declared_scopes(doc: &Document<'_>) -> BTreeMap<String, String> {
    doc.auth
        .oauth2
        .scopes
        .iter()
        .map(|(url, info)| {
            (
                url.to_string(),
                info.description.as_deref().unwrap_or_default().to_owned(),
            )
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
    json_path: &str,
    m: &discovery::Method<'_>,
    type_name: String,
    doc: &Document<'_>,
    scopes: &mut BTreeMap<String, String>,
    types: &mut TypeBuilder<'_, '_>,
) -> Result<(ir::Method, Option<String>), Error> {
    let params_path = join(json_path, "parameters");
    // Field names: `common` holds the standard parameters.
    let mut fields = Namespace::with_reserved(&["common"]);
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

    let mut params = Vec::new();
    for wire in order {
        let p = &m.parameters[wire];
        let path = join(&params_path, wire);
        params.push(param(file, &path, wire, p, &mut fields)?);
    }
    // Required parameters first (constructor arguments), keeping their order.
    params.sort_by_key(|p: &ir::Param| !p.required);

    let path_parts = path_template(file, &join(json_path, "path"), &m.path, &params)?;
    for p in params.iter().filter(|p| p.location == Location::Path) {
        if !path_parts
            .iter()
            .any(|part| matches!(part, PathPart::Var { field, .. } if *field == p.rust_name))
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

    for scope in &m.scopes {
        scopes.entry(scope.to_string()).or_default();
    }
    let response = match &m.response {
        Some(r) => Some(types.require(&r.reference, &join(&join(json_path, "response"), "$ref"))?),
        None => None,
    };
    let example = example(doc, m, &params, &path_parts);
    Ok((
        ir::Method {
            id: m.id.to_string(),
            type_name,
            http_method: m.http_method.to_string(),
            path: m.path.to_string(),
            flat_path: m.flat_path.as_deref().map(str::to_owned),
            description: m.description.as_deref().map(str::to_owned),
            path_parts,
            params,
            scopes: m.scopes.iter().map(|s| s.to_string()).collect(),
            response: None,
            example,
        },
        response.map(str::to_owned),
    ))
}

fn param(
    file: &str,
    path: &str,
    wire: &str,
    p: &discovery::Parameter<'_>,
    fields: &mut Namespace,
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
    let ty = crate::types::scalar(file, path, &p.kind, p.format.as_deref())?;
    if location == Location::Path && ty != Scalar::String {
        // Path values are text on the wire; other types would need their own checks.
        return Err(Error::new(
            file,
            join(path, "type"),
            "path parameters must be strings",
        ));
    }
    if let Some(pattern) = &p.pattern {
        compile_pattern(pattern).map_err(|e| {
            Error::new(
                file,
                join(path, "pattern"),
                format!("not a valid regular expression: {e}"),
            )
        })?;
    }
    let enum_values = p
        .enum_values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let d = p
                .enum_descriptions
                .get(i)
                .map(|d| d.to_string())
                .unwrap_or_default();
            (v.to_string(), d)
        })
        .collect();
    Ok(ir::Param {
        wire_name: wire.to_owned(),
        rust_name: fields.claim(names::snake(wire)),
        location,
        // A path parameter is always needed to form the URL.
        required: p.required || location == Location::Path,
        repeated: p.repeated,
        ty,
        expected: p
            .pattern
            .as_deref()
            .map(expected_shape)
            .unwrap_or_else(|| "any value".to_owned()),
        pattern: p.pattern.as_deref().map(str::to_owned),
        description: p.description.as_deref().map(str::to_owned),
        enum_values,
        enum_type: None,
    })
}

/// Compiles a Discovery pattern the way the runtime does: matched against the whole value.
pub fn compile_pattern(pattern: &str) -> Result<regex_lite::Regex, regex_lite::Error> {
    regex_lite::Regex::new(&format!("^(?:{pattern})$"))
}

/// `^projects/[^/]+/operations/[^/]+$` → `projects/*/operations/*`; other patterns as they are.
fn expected_shape(pattern: &str) -> String {
    let inner = pattern.strip_prefix('^').unwrap_or(pattern);
    let inner = inner.strip_suffix('$').unwrap_or(inner);
    let shape = inner
        .replace("[^/]+", "*")
        .replace(".*", "**")
        .replace(".+", "**");
    if shape.contains(|c: char| "[](){}|+?\\^$".contains(c)) {
        format!("a value matching `{pattern}`")
    } else {
        shape
    }
}

/// Parses `v1/{+name}` into literals and parameter references.
fn path_template(
    file: &str,
    json_path: &str,
    template: &str,
    params: &[ir::Param],
) -> Result<Vec<PathPart>, Error> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            parts.push(PathPart::Literal(rest[..open].to_owned()));
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
        let param = params
            .iter()
            .find(|p| p.wire_name == name && p.location == Location::Path)
            .ok_or_else(|| {
                Error::new(
                    file,
                    json_path,
                    format!("path template {template:?} names {name:?}, which is not a declared path parameter"),
                )
            })?;
        parts.push(PathPart::Var {
            field: param.rust_name.clone(),
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
        parts.push(PathPart::Literal(rest.to_owned()));
    }
    Ok(parts)
}

/// Sample arguments for the doc example, and the URL they give when that is easy to know.
fn example(
    doc: &Document<'_>,
    m: &discovery::Method<'_>,
    params: &[ir::Param],
    parts: &[PathPart],
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
                            field,
                        },
                    ],
                ) if *field == p.rust_name => s.clone(),
                _ => sample_word(&p.wire_name),
            },
            (Location::Query, Scalar::String) => p
                .enum_values
                .first()
                .map(|(v, _)| v.clone())
                .unwrap_or_else(|| sample_word(&p.wire_name)),
            (Location::Query, Scalar::Bool) => "true".into(),
            (Location::Query, _) => "1".into(),
        };
        if let Some(pattern) = &p.pattern {
            if !compile_pattern(pattern).is_ok_and(|re| re.is_match(&sample)) {
                return None;
            }
        }
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
            PathPart::Var { field, reserved } => {
                let (_, value) = params
                    .iter()
                    .filter(|p| p.required)
                    .zip(&args)
                    .find(|(p, _)| p.rust_name == *field)?;
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
            expected_shape("^projects/[^/]+/regions/[^/]+/operations/[^/]+$"),
            "projects/*/regions/*/operations/*"
        );
        assert_eq!(expected_shape("^operations/.*$"), "operations/**");
        assert_eq!(
            expected_shape("[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?"),
            "a value matching `[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?`"
        );
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
