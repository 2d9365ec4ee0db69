//! Discovery path templates and parameter patterns, read one way for every use: the generator
//! checks and samples them, builders expand them into URLs, the resolver matches operation
//! names and URLs against them.
//!
//! A method's `path` (`v1/{+name}`, `compute/v1/projects/{project}/zones/{zone}/operations/{operation}`)
//! is literal text and variables: `{var}` (simple expansion, one segment, `/` encoded) and
//! `{+var}` (reserved expansion, `/` kept), as RFC 6570 level 2 and `google/api/http.proto`
//! define them. A parameter's `pattern` is a regular expression the whole value must match,
//! anchored or not in the document.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Mutex;

use regex_lite::Regex;

use crate::error::{Error, ParamProblem};
use crate::service::{MethodInfo, ParamInfo};
pub use crate::url::{Expansion, UrlWriter};

/// A Discovery path template, checked: every `{` is closed by a `}` around a variable name.
///
/// ```
/// use google_operations::template::{Expansion, Part, PathTemplate};
///
/// let template = PathTemplate::parse("v1/{+name}:wait")?;
/// assert_eq!(
///     template.parts().collect::<Vec<_>>(),
///     [
///         Part::Literal("v1/"),
///         Part::Variable(Expansion::Reserved, "name"),
///         Part::Literal(":wait"),
///     ]
/// );
/// assert_eq!(
///     template.match_path("v1/operations/1:wait"),
///     Some(vec![("name", "operations/1")])
/// );
/// # Ok::<(), google_operations::template::TemplateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathTemplate<'t> {
    text: &'t str,
}

/// A piece of a [`PathTemplate`], in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part<'t> {
    /// Text written as it is.
    Literal(&'t str),
    /// `{name}` or `{+name}`: a variable (a path parameter's wire name) and its expansion.
    Variable(Expansion, &'t str),
}

/// Why a text is no path template.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TemplateError {
    /// A `{` without its `}`.
    Unclosed {
        /// The template.
        template: String,
    },
    /// A `}` without its `{`.
    Unmatched {
        /// The template.
        template: String,
    },
    /// A variable without a name (`{}`, `{+}`), or whose name holds `{`.
    BadName {
        /// The template.
        template: String,
        /// What stands between the braces.
        name: String,
    },
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateError::Unclosed { template } => {
                write!(f, "unclosed `{{` in path template {template:?}")
            }
            TemplateError::Unmatched { template } => {
                write!(f, "unmatched `}}` in path template {template:?}")
            }
            TemplateError::BadName { template, name } => {
                write!(
                    f,
                    "path template {template:?} has a variable named {name:?}"
                )
            }
        }
    }
}

impl std::error::Error for TemplateError {}

impl<'t> PathTemplate<'t> {
    /// Checks `text` as a path template.
    ///
    /// # Errors
    ///
    /// [`TemplateError`] for an unclosed `{`, a `}` without its `{`, or a variable without a
    /// plain name.
    pub fn parse(text: &'t str) -> Result<Self, TemplateError> {
        let mut rest = text;
        while let Some(open) = rest.find(['{', '}']) {
            if rest[open..].starts_with('}') {
                return Err(TemplateError::Unmatched {
                    template: text.to_owned(),
                });
            }
            let close = rest[open..].find('}').map(|c| open + c).ok_or_else(|| {
                TemplateError::Unclosed {
                    template: text.to_owned(),
                }
            })?;
            let var = &rest[open + 1..close];
            let name = var.strip_prefix('+').unwrap_or(var);
            if name.is_empty() || name.contains(['{', '+']) {
                return Err(TemplateError::BadName {
                    template: text.to_owned(),
                    name: var.to_owned(),
                });
            }
            rest = &rest[close + 1..];
        }
        Ok(PathTemplate { text })
    }

    /// A template the generator checked with [`parse`](Self::parse): a [`MethodInfo`]'s
    /// `path`. Were it malformed after all, an unclosed variable runs to the end.
    ///
    /// [`MethodInfo`]: crate::MethodInfo
    pub(crate) const fn checked(text: &'t str) -> Self {
        PathTemplate { text }
    }

    /// The template as written.
    pub fn as_str(&self) -> &'t str {
        self.text
    }

    /// Its pieces in order.
    pub fn parts(&self) -> impl Iterator<Item = Part<'t>> + use<'t> {
        let mut rest = self.text;
        std::iter::from_fn(move || {
            if rest.is_empty() {
                return None;
            }
            let open = rest.find('{').unwrap_or(rest.len());
            if open > 0 {
                let (literal, tail) = rest.split_at(open);
                rest = tail;
                return Some(Part::Literal(literal));
            }
            let close = rest.find('}').unwrap_or(rest.len());
            let var = &rest[1..close];
            rest = rest.get(close + 1..).unwrap_or("");
            Some(match var.strip_prefix('+') {
                Some(name) => Part::Variable(Expansion::Reserved, name),
                None => Part::Variable(Expansion::Simple, var),
            })
        })
    }

    /// Its variables in order, with their expansions.
    pub fn variables(&self) -> impl Iterator<Item = (Expansion, &'t str)> + use<'t> {
        self.parts().filter_map(|part| match part {
            Part::Variable(expansion, name) => Some((expansion, name)),
            Part::Literal(_) => None,
        })
    }

    /// How the template expands the variable `name`, if it has one of that name.
    pub fn expansion(&self, name: &str) -> Option<Expansion> {
        self.variables()
            .find_map(|(expansion, var)| (var == name).then_some(expansion))
    }

    /// Writes the template's path into `url`, each variable's value (from `value`, by name)
    /// percent-encoded by its expansion.
    pub fn expand<'v>(&self, url: &mut UrlWriter, mut value: impl FnMut(&str) -> &'v str) {
        for part in self.parts() {
            match part {
                Part::Literal(text) => url.literal(text),
                Part::Variable(expansion, name) => url.expand(expansion, value(name)),
            }
        }
    }

    /// The values that make the template expand to `path` (as sent, before encoding), by
    /// variable name in template order; `None` when no values do.
    ///
    /// `{x}` takes one non-empty segment; `{+x}` takes one or more, and only at the end of the
    /// template or before a literal suffix of its last segment (`{+name}:wait`).
    pub fn match_path<'p>(&self, path: &'p str) -> Option<Vec<(&'t str, &'p str)>> {
        let mut values = Vec::new();
        let mut rest = path;
        let mut parts = self.parts().peekable();
        while let Some(part) = parts.next() {
            match part {
                Part::Literal(text) => rest = rest.strip_prefix(text)?,
                Part::Variable(expansion, name) => {
                    // The literal that follows, up to the next variable.
                    let literal = match parts.peek() {
                        Some(Part::Literal(text)) => *text,
                        _ => "",
                    };
                    let end = match (literal.is_empty(), expansion) {
                        (true, _) => rest.len(),
                        (false, Expansion::Reserved) => rest.rfind(literal)?,
                        (false, Expansion::Simple) => rest.find(literal)?,
                    };
                    let value = &rest[..end];
                    if value.is_empty() || (expansion == Expansion::Simple && value.contains('/')) {
                        return None;
                    }
                    values.push((name, value));
                    rest = &rest[end..];
                }
            }
        }
        rest.is_empty().then_some(values)
    }

    /// The template without the literal segments before its first variable when that is a
    /// reserved expansion (`v1/{+name}` gives `{+name}`), the form an operation's bare name
    /// takes; any other template as it is.
    pub fn without_literal_head(&self) -> PathTemplate<'t> {
        let text = self.text;
        let text = match text.find("{+") {
            Some(at) if !text[..at].contains('{') => text[..at]
                .rfind('/')
                .map_or(text, |slash| &text[slash + 1..]),
            _ => text,
        };
        PathTemplate { text }
    }

    /// The template without its literal head up to and including the segment `version`: the
    /// version alone (`v1/apps/{appsId}/…` gives `apps/{appsId}/…`) or after a service path
    /// (Deployment Manager's `deploymentmanager/v2/projects/{project}/…` and Cloud SQL's
    /// `sql/v1beta4/projects/{project}/…` give `projects/{project}/…`), the form bare names
    /// take, which never hold the version; `None` when the template has no such head, or what
    /// follows it is a simple variable.
    pub fn without_version(&self, version: &str) -> Option<PathTemplate<'t>> {
        let mut rest = self.text;
        loop {
            let (segment, after) = rest.split_once('/')?;
            if segment.contains('{') {
                return None;
            }
            rest = after;
            if segment == version {
                return (!rest.starts_with('{') || rest.starts_with("{+"))
                    .then_some(PathTemplate { text: rest });
            }
        }
    }
}

impl fmt::Display for PathTemplate<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)
    }
}

/// A parameter's Discovery `pattern`, compiled to match whole values only: the document's
/// `^projects/[^/]+$` and an unanchored `[a-z]{1,3}` alike must match all of a value.
#[derive(Debug, Clone)]
pub struct ValuePattern {
    regex: Regex,
}

/// Why a Discovery `pattern` does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    message: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a valid regular expression: {}", self.message)
    }
}

impl std::error::Error for PatternError {}

impl ValuePattern {
    /// Compiles `pattern`, anchored at both ends.
    ///
    /// # Errors
    ///
    /// [`PatternError`] when it is no regular expression the runtime's engine (`regex-lite`)
    /// takes.
    pub fn new(pattern: &str) -> Result<Self, PatternError> {
        Regex::new(&format!("^(?:{pattern})$"))
            .map(|regex| ValuePattern { regex })
            .map_err(|e| PatternError {
                message: e.to_string(),
            })
    }

    /// Whether `value`, all of it, matches.
    pub fn matches(&self, value: &str) -> bool {
        self.regex.is_match(value)
    }
}

/// Whether a Discovery resource of this name holds operations: `operations`, or a name ending
/// in `Operations` (Spanner's `databaseOperations`, Compute's `globalOperations`). The
/// generator looks for operations collections among these, and an operation's name or path
/// has one as its next-to-last segment.
pub fn is_operations_resource(name: &str) -> bool {
    name == "operations" || name.ends_with("Operations")
}

/// Whether `path` ends in `RESOURCE/ID`, `RESOURCE` holding operations
/// ([`is_operations_resource`]), as every operation's name does.
pub fn names_an_operation(path: &str) -> bool {
    let mut segments = path.rsplit('/');
    let id = segments.next().unwrap_or_default();
    let resource = segments.next().unwrap_or_default();
    !id.is_empty() && is_operations_resource(resource)
}

/// Checks a path parameter's `value` for what would move the request to another path: an
/// empty, `.` or `..` segment (the whole value is one segment for `{name}`).
pub(crate) fn check_segments(
    method: &MethodInfo,
    param: &ParamInfo,
    expansion: Expansion,
    value: &str,
) -> Result<(), Error> {
    let mut segments = value.split('/');
    let whole = [value];
    let segments: &mut dyn Iterator<Item = &str> = match expansion {
        Expansion::Reserved => &mut segments,
        Expansion::Simple => &mut whole.into_iter(),
    };
    for segment in segments {
        match segment {
            "" => return Err(refuse(method, param, value, ParamProblem::EmptySegment)),
            "." | ".." => return Err(refuse(method, param, value, ParamProblem::DotSegment)),
            _ => {}
        }
    }
    Ok(())
}

/// Checks `value` against the parameter's pattern, if it has one.
pub(crate) fn check_pattern(
    method: &MethodInfo,
    param: &ParamInfo,
    value: &str,
) -> Result<(), Error> {
    match &param.pattern {
        Some(pattern) if !matches(pattern.regex, value) => {
            Err(refuse(method, param, value, ParamProblem::PatternMismatch))
        }
        _ => Ok(()),
    }
}

/// Whether `value` as a whole matches `pattern`, compiled once per pattern.
fn matches(pattern: &'static str, value: &str) -> bool {
    static COMPILED: Mutex<BTreeMap<&'static str, Option<ValuePattern>>> =
        Mutex::new(BTreeMap::new());
    let compiled = {
        let mut compiled = COMPILED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        compiled
            .entry(pattern)
            // The generator compiled the same pattern the same way, so this succeeds; were it
            // ever to fail, every value is refused rather than let through unchecked.
            .or_insert_with(|| ValuePattern::new(pattern).ok())
            .clone()
    };
    compiled.is_some_and(|p| p.matches(value))
}

fn refuse(method: &MethodInfo, param: &ParamInfo, value: &str, problem: ParamProblem) -> Error {
    Error::InvalidParameter {
        method: method.id,
        parameter: param.name,
        value: value.to_owned(),
        problem,
        pattern: param.pattern,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::ServiceInfo;

    fn values(template: &str, path: &str) -> Option<Vec<String>> {
        PathTemplate::parse(template)
            .unwrap()
            .match_path(path)
            .map(|pairs| pairs.into_iter().map(|(_, v)| v.to_owned()).collect())
    }

    #[test]
    fn templates_match_paths() {
        assert_eq!(
            values("v1/{+name}", "v1/projects/p/operations/1"),
            Some(vec!["projects/p/operations/1".to_owned()])
        );
        assert_eq!(
            values(
                "compute/v1/projects/{project}/zones/{zone}/operations/{operation}",
                "compute/v1/projects/p/zones/z/operations/o"
            ),
            Some(vec!["p".to_owned(), "z".to_owned(), "o".to_owned()])
        );
        assert_eq!(
            values("projects/{project}/zones/{zone}", "projects/p/q/zones/z"),
            None
        );
        assert_eq!(values("v1/{+name}", "v2/projects/p"), None);
        assert_eq!(values("v1/{+name}", "v1/"), None);
        assert_eq!(
            values("v1/{+name}:wait", "v1/operations/1:wait"),
            Some(vec!["operations/1".to_owned()])
        );
        assert_eq!(values("v1/{+name}:wait", "v1/operations/1"), None);
    }

    #[test]
    fn heads_come_off() {
        let t = |text| PathTemplate::parse(text).unwrap();
        let bare = |text, version| t(text).without_version(version).map(|t| t.as_str());
        assert_eq!(
            bare("v1/apps/{appsId}/operations/{operationsId}", "v1"),
            Some("apps/{appsId}/operations/{operationsId}")
        );
        assert_eq!(
            bare(
                "deploymentmanager/v2/projects/{project}/global/operations/{operation}",
                "v2"
            ),
            Some("projects/{project}/global/operations/{operation}")
        );
        assert_eq!(
            bare(
                "sql/v1beta4/projects/{project}/operations/{operation}",
                "v1beta4"
            ),
            Some("projects/{project}/operations/{operation}")
        );
        assert_eq!(bare("{project}/v1/operations/{o}", "v1"), None);
        assert_eq!(bare("v1beta/apps/{appsId}", "v1"), None);
        assert_eq!(bare("projects/{project}", "v1"), None);
        assert_eq!(t("v1/{+name}").without_literal_head().as_str(), "{+name}");
        assert_eq!(
            t("projects/{project}/x").without_literal_head().as_str(),
            "projects/{project}/x"
        );
    }

    #[test]
    fn malformed_templates_are_refused_by_name() {
        for (text, message) in [
            ("v1/{+name", "unclosed `{` in path template \"v1/{+name\""),
            ("v1/name}", "unmatched `}` in path template \"v1/name}\""),
            ("v1/{}", "path template \"v1/{}\" has a variable named \"\""),
            (
                "v1/{+}",
                "path template \"v1/{+}\" has a variable named \"+\"",
            ),
            (
                "v1/{a{b}",
                "path template \"v1/{a{b}\" has a variable named \"a{b\"",
            ),
        ] {
            assert_eq!(PathTemplate::parse(text).unwrap_err().to_string(), message);
        }
    }

    #[test]
    fn expansion_encodes_by_variable() {
        let template = PathTemplate::parse("v1/{+name}/x/{id}").unwrap();
        let mut url = UrlWriter::new("https://x.googleapis.com", "", 0);
        let values = [("name", "a/b c"), ("id", "d/e")];
        let lookup = |name: &str| values.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        template.expand(&mut url, |name| lookup(name).unwrap_or_default());
        assert_eq!(url.finish(), "https://x.googleapis.com/v1/a/b%20c/x/d%2Fe");
        assert_eq!(template.expansion("id"), Some(Expansion::Simple));
        assert_eq!(template.expansion("name"), Some(Expansion::Reserved));
        assert_eq!(template.expansion("other"), None);
    }

    #[test]
    fn patterns_match_whole_values() {
        let p = ValuePattern::new("[a-z]{1,3}").unwrap();
        assert!(p.matches("abc"));
        assert!(!p.matches("abcd"));
        assert!(ValuePattern::new("^a|b$").unwrap().matches("b"));
        assert!(!ValuePattern::new("^a|b$").unwrap().matches("ab"));
        assert!(
            ValuePattern::new("(")
                .unwrap_err()
                .to_string()
                .starts_with("not a valid regular expression: ")
        );
    }

    #[test]
    fn operation_names_end_in_an_operations_resource() {
        assert!(names_an_operation("projects/p/operations/1"));
        assert!(names_an_operation("instances/i/databaseOperations/1"));
        assert!(!names_an_operation("projects/p/operations/"));
        assert!(!names_an_operation("projects/p/clusters/1"));
        assert!(is_operations_resource("globalOperations"));
        assert!(!is_operations_resource("operation"));
    }

    const SERVICE: ServiceInfo = ServiceInfo {
        name: "svc",
        version: "v1",
        title: "Service",
        revision: "1",
        root_url: "https://x.googleapis.com/",
        mtls_root_url: None,
        service_path: "",
        endpoints: &[],
        scopes: &[],
        metadata: &[],
    };

    const METHOD: MethodInfo = MethodInfo {
        id: "svc.operations.get",
        http_method: "GET",
        path: "v1/{+name}",
        params: &[],
        scopes: &[],
        service: &SERVICE,
    };

    fn check(param: &ParamInfo, expansion: Expansion, value: &str) -> Result<(), Error> {
        check_segments(&METHOD, param, expansion, value)?;
        check_pattern(&METHOD, param, value)
    }

    #[test]
    fn check_refuses_empty_and_dot_segments() {
        let p = ParamInfo::path("name");
        assert!(check(&p, Expansion::Reserved, "operations/a").is_ok());
        for bad in ["", "operations/", "/operations/a", "operations//a"] {
            let err = check(&p, Expansion::Reserved, bad).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidParameter {
                        problem: ParamProblem::EmptySegment,
                        ..
                    }
                ),
                "{bad:?}: {err}"
            );
        }
        for bad in ["operations/..", "../x", "operations/./a"] {
            let err = check(&p, Expansion::Reserved, bad).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidParameter {
                        problem: ParamProblem::DotSegment,
                        ..
                    }
                ),
                "{bad:?}: {err}"
            );
        }
        assert!(
            check(&p, Expansion::Simple, "a/b").is_ok(),
            "simple expansion encodes `/` instead"
        );
        assert!(check(&p, Expansion::Simple, "..").is_err());
        assert!(
            check_pattern(&METHOD, &ParamInfo::query("name"), "").is_ok(),
            "query values have no segments"
        );
    }

    #[test]
    fn check_matches_the_whole_value() {
        let anchored = ParamInfo::path("name").pattern(
            "^projects/[^/]+/operations/[^/]+$",
            Some("projects/*/operations/*"),
        );
        assert!(check(&anchored, Expansion::Reserved, "projects/p/operations/o").is_ok());
        let err = check(&anchored, Expansion::Reserved, "projects/p/operations/o/x").unwrap_err();
        assert_eq!(
            err.to_string(),
            "svc.operations.get: parameter `name` = \"projects/p/operations/o/x\" does not match \
             the parameter's pattern; expected projects/*/operations/* \
             (pattern `^projects/[^/]+/operations/[^/]+$`)"
        );
        // Unanchored patterns still have to match the whole value.
        let unanchored = ParamInfo::path("name").pattern("[a-z]{1,3}", None);
        assert!(check(&unanchored, Expansion::Simple, "abc").is_ok());
        let err = check(&unanchored, Expansion::Simple, "abcd").unwrap_err();
        assert_eq!(
            err.to_string(),
            "svc.operations.get: parameter `name` = \"abcd\" does not match the parameter's \
             pattern `[a-z]{1,3}`"
        );
    }
}
