//! URL building: path expansion, query strings and path-parameter checks.
//!
//! Path expansion is a security boundary. A value for `{+var}` keeps `/` and the unreserved
//! characters (`A-Z a-z 0-9 - . _ ~`) and percent-encodes every other byte, `%` included (the rule
//! `google/api/http.proto` gives for multi-segment variables); `{var}` encodes `/` too. Values with
//! an empty, `.` or `..` segment are refused before a request exists, so a parameter can never
//! change the query, the fragment or the path outside its own segments.

use std::collections::BTreeMap;
use std::sync::Mutex;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use regex_lite::Regex;

use crate::error::{Error, ParamProblem};
use crate::service::{MethodInfo, ParamInfo};

/// Bytes kept as they are by simple expansion `{var}` and in query strings: the unreserved set.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Bytes kept as they are by reserved expansion `{+var}`: the unreserved set and `/`.
const UNRESERVED_AND_SLASH: &AsciiSet = &UNRESERVED.remove(b'/');

/// Writes one request URL: root, service path, expanded path, then the query string. It owns
/// all encoding, so no request ever joins raw strings into a URL.
#[derive(Debug)]
pub(crate) struct UrlWriter {
    url: String,
    in_query: bool,
}

impl UrlWriter {
    /// Starts a URL at `root` (a trailing `/` is added when missing) followed by `service_path`,
    /// with room for `capacity` more bytes.
    pub(crate) fn new(root: &str, service_path: &str, capacity: usize) -> Self {
        let mut url = String::with_capacity(root.len() + service_path.len() + 1 + capacity);
        url.push_str(root);
        if !url.ends_with('/') {
            url.push('/');
        }
        url.push_str(service_path);
        UrlWriter {
            url,
            in_query: false,
        }
    }

    /// Appends a literal part of the path template, as it stands in the Discovery document.
    pub(crate) fn literal(&mut self, text: &str) {
        debug_assert!(!self.in_query, "path written after the query");
        self.url.push_str(text);
    }

    /// Appends a value by the given expansion: `{var}` encodes everything but unreserved bytes,
    /// `{+var}` keeps `/` too.
    pub(crate) fn expand(&mut self, expansion: Expansion, value: &str) {
        debug_assert!(!self.in_query, "path written after the query");
        let keep = match expansion {
            Expansion::Reserved => UNRESERVED_AND_SLASH,
            Expansion::Simple => UNRESERVED,
        };
        self.url.extend(utf8_percent_encode(value, keep));
    }

    /// Appends one `key=value` pair to the query string, both encoded.
    pub(crate) fn query(&mut self, key: &str, value: &str) {
        self.url.push(if self.in_query { '&' } else { '?' });
        self.in_query = true;
        self.url.extend(utf8_percent_encode(key, UNRESERVED));
        self.url.push('=');
        self.url.extend(utf8_percent_encode(value, UNRESERVED));
    }

    /// The finished URL.
    pub(crate) fn finish(self) -> String {
        self.url
    }
}

/// How a path parameter is expanded, which decides the checks beyond its pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expansion {
    /// Reserved expansion `{+name}`: `/` is kept and every segment is checked.
    Reserved,
    /// Simple expansion `{name}`: the whole value is one segment.
    Simple,
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
    static COMPILED: Mutex<BTreeMap<&'static str, Option<Regex>>> = Mutex::new(BTreeMap::new());
    let regex = {
        let mut compiled = COMPILED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        compiled
            .entry(pattern)
            // The generator compiled the same pattern with the same engine, so this succeeds;
            // were it ever to fail, every value is refused rather than let through unchecked.
            .or_insert_with(|| Regex::new(&format!("^(?:{pattern})$")).ok())
            .clone()
    };
    regex.is_some_and(|re| re.is_match(value))
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
    use crate::service::{ParamInfo, ServiceInfo};

    fn url(f: impl FnOnce(&mut UrlWriter)) -> String {
        let mut w = UrlWriter::new("https://x.googleapis.com", "", 0);
        f(&mut w);
        w.finish()
    }

    #[test]
    fn reserved_keeps_slash_and_encodes_the_rest() {
        let u = url(|w| {
            w.literal("v1/");
            w.expand(
                Expansion::Reserved,
                "projects/p/operations/o?alt=media#x%2F ü",
            );
        });
        assert_eq!(
            u,
            "https://x.googleapis.com/v1/projects/p/operations/o%3Falt%3Dmedia%23x%252F%20%C3%BC"
        );
    }

    #[test]
    fn simple_encodes_slash() {
        let u = url(|w| {
            w.literal("b/");
            w.expand(Expansion::Simple, "a/b~c-d_e.f");
        });
        assert_eq!(u, "https://x.googleapis.com/b/a%2Fb~c-d_e.f");
    }

    #[test]
    fn query_pairs_are_encoded_and_joined() {
        let u = url(|w| {
            w.literal("v1");
            w.query("$.xgafv", "2");
            w.query("fields", "a,b(c)");
            w.query("n", "-5");
        });
        assert_eq!(
            u,
            "https://x.googleapis.com/v1?%24.xgafv=2&fields=a%2Cb%28c%29&n=-5"
        );
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
