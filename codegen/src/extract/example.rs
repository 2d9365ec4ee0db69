//! The generator's reading of path templates and Discovery patterns (through the runtime's
//! [`template`](google_operations_runtime::template) module, the one reading), and the sample
//! arguments of a builder and the URL they give.

use google_operations_runtime::template::{
    Expansion, Part, PathTemplate, TemplateError, UrlWriter, ValuePattern,
};

use crate::discovery::{self, Document};
use crate::error::Error;
use crate::ir::{self, Location, Scalar};
use crate::names;

/// `^projects/[^/]+/operations/[^/]+$` → `projects/*/operations/*`; `None` for patterns with
/// other parts.
pub(super) fn shape_of(pattern: &str) -> Option<String> {
    let inner = pattern.strip_prefix('^').unwrap_or(pattern);
    let inner = inner.strip_suffix('$').unwrap_or(inner);
    let shape = inner
        .replace("[^/]+", "*")
        .replace(".*", "**")
        .replace(".+", "**");
    (!shape.contains(|c: char| "[](){}|+?\\^$".contains(c))).then_some(shape)
}

/// Checks a method's path template (at `json_path` of `file`): well formed, and naming only
/// declared path parameters.
pub(super) fn path_template<'t>(
    file: &str,
    json_path: &str,
    template: &'t str,
    params: &[ir::Param],
) -> Result<PathTemplate<'t>, Error> {
    let parsed = PathTemplate::parse(template)
        .map_err(|e: TemplateError| Error::new(file, json_path, e.to_string()))?;
    for (_, name) in parsed.variables() {
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
    }
    Ok(parsed)
}

/// Sample arguments for a builder, and the URL they give, written by the runtime's URL writer
/// as the builder writes it; `None` when no sample fits a parameter's pattern and checks.
pub(super) fn example(
    doc: &Document<'_>,
    m: &discovery::Method<'_>,
    params: &[ir::Param],
    template: PathTemplate<'_>,
) -> Option<ir::Example> {
    let from_flat = flat_path_sample(template, m.flat_path.as_deref());
    let last_reserved = match template.parts().last() {
        Some(Part::Variable(Expansion::Reserved, name)) => Some(name),
        _ => None,
    };
    let mut args = Vec::new();
    for p in params.iter().filter(|p| p.required) {
        let flat = from_flat
            .as_ref()
            .filter(|_| last_reserved == Some(p.wire_name.as_str()));
        let sample = fitting(p, sample(p, flat))?;
        if sample
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
        {
            return None;
        }
        args.push(sample);
    }
    let required: Vec<(&ir::Param, &String)> =
        params.iter().filter(|p| p.required).zip(&args).collect();
    let value = |name: &str| {
        required
            .iter()
            .find(|(p, _)| p.wire_name == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let mut url = UrlWriter::new(doc.root_url.as_ref(), doc.service_path.as_ref(), 0);
    template.expand(&mut url, value);
    for (p, v) in required
        .iter()
        .filter(|(p, _)| p.location == Location::Query)
    {
        url.query(&p.wire_name, v);
    }
    let url = url.finish();
    Some(ir::Example { args, url })
}

/// A sample value for the parameter `p`: the flat path's, where it stands for the template's
/// last `{+name}`; a value of its pattern's shape; a word from its name; a listed value, `true`
/// or `1` for a query parameter.
fn sample(p: &ir::Param, flat: Option<&String>) -> String {
    match (p.location, p.ty) {
        (Location::Path, _) => match (flat, p.pattern.as_ref().and_then(|p| p.shape.as_deref())) {
            (Some(flat), _) => flat.clone(),
            (None, Some(shape)) => shape_sample(shape),
            (None, None) => sample_word(&p.wire_name),
        },
        (Location::Query, Scalar::String) => p
            .enum_values
            .first()
            .map(|(v, _)| v.clone())
            .unwrap_or_else(|| sample_word(&p.wire_name)),
        (Location::Query, Scalar::Bool) => "true".into(),
        (Location::Query, _) => "1".into(),
    }
}

/// `sample` when it matches `p`'s pattern, else the pattern's literal start and a number (for
/// patterns such as `folders/[0-9]{0,20}` that no word matches), if that does.
fn fitting(p: &ir::Param, sample: String) -> Option<String> {
    let Some(pattern) = &p.pattern else {
        return Some(sample);
    };
    let regex = pattern.regex.trim_start_matches('^');
    let literal = &regex[..regex
        .find(|c: char| !(c.is_ascii_alphanumeric() || "/-_".contains(c)))
        .unwrap_or(regex.len())];
    let compiled = ValuePattern::new(&pattern.regex).ok()?;
    [sample, format!("{literal}123456")]
        .into_iter()
        .find(|s| compiled.matches(s))
}

/// The part of `flatPath` that the template's one `{+name}`, its last part, stands for, with
/// sample words: for `v1/{+name}` and `v1/projects/{projectsId}/operations/{operationsId}`,
/// `projects/my-project/operations/my-operation`.
fn flat_path_sample(template: PathTemplate<'_>, flat: Option<&str>) -> Option<String> {
    let mut reserved = template
        .variables()
        .filter(|(expansion, _)| *expansion == Expansion::Reserved);
    let (Some((_, name)), None) = (reserved.next(), reserved.next()) else {
        return None;
    };
    let text = template.as_str();
    let prefix = text.strip_suffix(&format!("{{+{name}}}"))?;
    let rest = PathTemplate::parse(flat?.strip_prefix(prefix)?).ok()?;
    let sample = rest
        .parts()
        .map(|part| match part {
            Part::Literal(text) => text.to_owned(),
            Part::Variable(_, var) => sample_word(var),
        })
        .collect();
    Some(sample)
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
                PathTemplate::parse("v1/{+name}").unwrap(),
                Some("v1/projects/{projectsId}/regions/{regionsId}/operations/{operationsId}")
            )
            .as_deref(),
            Some("projects/my-project/regions/my-region/operations/my-operation")
        );
        let name = PathTemplate::parse("v1/{+name}").unwrap();
        assert_eq!(flat_path_sample(name, Some("v2/x")), None);
        let two = PathTemplate::parse("v1/{+parent}/x/{+name}").unwrap();
        assert_eq!(flat_path_sample(two, Some("v1/a/x/b")), None);
        assert_eq!(sample_word("operationId"), "my-operation");
        assert_eq!(
            shape_sample("projects/*/operations/*"),
            "projects/my-project/operations/my-operation"
        );
        assert_eq!(shape_sample("*/x/**"), "my-value/x/my-x");
        assert_eq!(sample_word("zone"), "my-zone");
    }
}
