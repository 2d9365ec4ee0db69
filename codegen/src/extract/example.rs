//! Path templates and Discovery patterns, and the doc example's sample arguments and the URL
//! they give.

use crate::discovery::{self, Document};
use crate::error::Error;
use crate::ir::{self, Location, Scalar};
use crate::names;

/// Compiles a Discovery pattern the way the runtime does: matched against the whole value.
pub fn compile_pattern(pattern: &str) -> Result<regex_lite::Regex, regex_lite::Error> {
    regex_lite::Regex::new(&format!("^(?:{pattern})$"))
}

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

/// A piece of a path template.
pub(super) enum PathPart<'t> {
    /// Literal text.
    Literal(&'t str),
    /// A parameter by wire name; `reserved` is `{+x}` (keeps `/`).
    Var { wire: &'t str, reserved: bool },
}

/// Parses `v1/{+name}` into literals and parameter references.
pub(super) fn path_template<'t>(
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
pub(super) fn example(
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
}
