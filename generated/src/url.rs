//! URL building: path expansion, query strings and path-parameter checks.
//!
//! Path expansion is a security boundary. A value for `{+var}` keeps `/` and the unreserved
//! characters (`A-Z a-z 0-9 - . _ ~`) and percent-encodes every other byte, `%` included (the rule
//! `google/api/http.proto` gives for multi-segment variables); `{var}` encodes `/` too. Values with
//! an empty, `.` or `..` segment are refused before a request exists, so a parameter can never
//! change the query, the fragment or the path outside its own segments.

use std::fmt::Write as _;
use std::sync::OnceLock;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use regex_lite::Regex;

use crate::error::{Error, ParamProblem};

/// Bytes kept as they are by simple expansion `{var}` and in query strings: the unreserved set.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Bytes kept as they are by reserved expansion `{+var}`: the unreserved set and `/`.
const UNRESERVED_AND_SLASH: &AsciiSet = &UNRESERVED.remove(b'/');

/// Writes one request URL: root, service path, expanded path, then the query string.
///
/// Generated request builders drive it from [`Request::write_path`](crate::Request::write_path)
/// and [`Request::write_query`](crate::Request::write_query); it owns all encoding, so no
/// builder ever joins raw strings into a URL.
#[derive(Debug)]
pub struct UrlWriter {
    url: String,
    in_query: bool,
}

impl UrlWriter {
    /// Starts a URL at `root` (a trailing `/` is added when missing) followed by `service_path`.
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
    pub fn literal(&mut self, text: &str) {
        debug_assert!(!self.in_query, "path written after the query");
        self.url.push_str(text);
    }

    /// Appends a value by simple expansion `{var}`: everything but unreserved bytes is encoded.
    pub fn simple(&mut self, value: &str) {
        debug_assert!(!self.in_query, "path written after the query");
        self.url.extend(utf8_percent_encode(value, UNRESERVED));
    }

    /// Appends a value by reserved expansion `{+var}`: `/` is kept, everything else but
    /// unreserved bytes is encoded.
    pub fn reserved(&mut self, value: &str) {
        debug_assert!(!self.in_query, "path written after the query");
        self.url
            .extend(utf8_percent_encode(value, UNRESERVED_AND_SLASH));
    }

    /// Appends one `key=value` pair to the query string, both encoded.
    pub fn query<V: QueryValue + ?Sized>(&mut self, key: &str, value: &V) {
        self.url.push(if self.in_query { '&' } else { '?' });
        self.in_query = true;
        self.url.extend(utf8_percent_encode(key, UNRESERVED));
        self.url.push('=');
        value.write_to(&mut self.url);
    }

    /// The finished URL.
    pub(crate) fn finish(self) -> String {
        self.url
    }
}

/// A value that can stand in a query string.
pub trait QueryValue {
    /// Appends the value, percent-encoded, to `out`.
    fn write_to(&self, out: &mut String);
}

impl QueryValue for str {
    fn write_to(&self, out: &mut String) {
        out.extend(utf8_percent_encode(self, UNRESERVED));
    }
}

impl QueryValue for String {
    fn write_to(&self, out: &mut String) {
        self.as_str().write_to(out);
    }
}

macro_rules! display_query_value {
    ($($ty:ty),*) => {$(
        impl QueryValue for $ty {
            fn write_to(&self, out: &mut String) {
                // Numbers and booleans print only unreserved bytes (digits, `-`, `.`, letters).
                let _ = write!(out, "{self}");
            }
        }
    )*};
}
display_query_value!(bool, i32, u32, i64, u64, f32, f64);

/// Where a checked parameter goes, which decides the checks beyond its pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// In the path by reserved expansion `{+name}`: every `/`-separated segment is checked.
    Reserved,
    /// In the path by simple expansion `{name}`: the whole value is one segment.
    Simple,
    /// In the query string: only the pattern applies.
    Query,
}

/// The static description of one parameter with rules, used to check values before a
/// request exists.
#[derive(Debug)]
pub struct ParamCheck {
    /// Discovery id of the method.
    method: &'static str,
    /// Wire name of the parameter.
    name: &'static str,
    /// Where the value goes.
    placement: Placement,
    /// Human form of the expected shape, e.g. `projects/*/regions/*/operations/*`.
    expected: &'static str,
    /// The Discovery `pattern`, matched against the whole value; empty when there is none.
    pattern: &'static str,
    /// The compiled pattern, built on first use.
    regex: OnceLock<Option<Regex>>,
}

impl ParamCheck {
    /// Describes a parameter; `pattern` is empty when the document gives none.
    pub const fn new(
        method: &'static str,
        name: &'static str,
        placement: Placement,
        expected: &'static str,
        pattern: &'static str,
    ) -> Self {
        ParamCheck {
            method,
            name,
            placement,
            expected,
            pattern,
            regex: OnceLock::new(),
        }
    }

    /// Checks `value`: its segments, then the pattern against the whole value.
    pub fn check(&self, value: &str) -> Result<(), Error> {
        let segments: &mut dyn Iterator<Item = &str> = match self.placement {
            Placement::Reserved => &mut value.split('/'),
            Placement::Simple => &mut std::iter::once(value),
            Placement::Query => &mut std::iter::empty(),
        };
        for segment in segments {
            match segment {
                "" => return Err(self.refuse(value, ParamProblem::EmptySegment)),
                "." | ".." => return Err(self.refuse(value, ParamProblem::DotSegment)),
                _ => {}
            }
        }
        if !self.pattern.is_empty() && !self.matches(value) {
            return Err(self.refuse(value, ParamProblem::PatternMismatch));
        }
        Ok(())
    }

    fn matches(&self, value: &str) -> bool {
        let regex = self.regex.get_or_init(|| {
            // The generator compiled the same pattern with the same engine, so this succeeds;
            // were it ever to fail, every value is refused rather than let through unchecked.
            Regex::new(&format!("^(?:{})$", self.pattern)).ok()
        });
        regex.as_ref().is_some_and(|re| re.is_match(value))
    }

    fn refuse(&self, value: &str, problem: ParamProblem) -> Error {
        Error::InvalidParameter {
            method: self.method,
            parameter: self.name,
            value: value.to_owned(),
            problem,
            expected: self.expected,
            pattern: self.pattern,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(f: impl FnOnce(&mut UrlWriter)) -> String {
        let mut w = UrlWriter::new("https://x.googleapis.com", "", 0);
        f(&mut w);
        w.finish()
    }

    #[test]
    fn reserved_keeps_slash_and_encodes_the_rest() {
        let u = url(|w| {
            w.literal("v1/");
            w.reserved("projects/p/operations/o?alt=media#x%2F ü");
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
            w.simple("a/b~c-d_e.f");
        });
        assert_eq!(u, "https://x.googleapis.com/b/a%2Fb~c-d_e.f");
    }

    #[test]
    fn query_pairs_are_encoded_and_joined() {
        let u = url(|w| {
            w.literal("v1");
            w.query("$.xgafv", "2");
            w.query("fields", "a,b(c)");
            w.query("n", &-5i64);
            w.query("b", &true);
        });
        assert_eq!(
            u,
            "https://x.googleapis.com/v1?%24.xgafv=2&fields=a%2Cb%28c%29&n=-5&b=true"
        );
    }

    fn param(placement: Placement, pattern: &'static str) -> ParamCheck {
        ParamCheck::new(
            "svc.operations.get",
            "name",
            placement,
            "operations/*",
            pattern,
        )
    }

    #[test]
    fn check_refuses_empty_and_dot_segments() {
        let p = param(Placement::Reserved, "");
        assert!(p.check("operations/a").is_ok());
        for bad in ["", "operations/", "/operations/a", "operations//a"] {
            let err = p.check(bad).unwrap_err();
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
            let err = p.check(bad).unwrap_err();
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
        let simple = param(Placement::Simple, "");
        assert!(
            simple.check("a/b").is_ok(),
            "simple expansion encodes `/` instead"
        );
        assert!(simple.check("..").is_err());
        assert!(
            param(Placement::Query, "").check("").is_ok(),
            "query values have no segments"
        );
    }

    #[test]
    fn check_matches_the_whole_value() {
        let anchored = param(Placement::Reserved, "^projects/[^/]+/operations/[^/]+$");
        assert!(anchored.check("projects/p/operations/o").is_ok());
        assert!(anchored.check("projects/p/operations/o/x").is_err());
        // Unanchored patterns still have to match the whole value.
        let unanchored = param(Placement::Simple, "[a-z]{1,3}");
        assert!(unanchored.check("abc").is_ok());
        let err = unanchored.check("abcd").unwrap_err();
        assert_eq!(
            err.to_string(),
            "svc.operations.get: parameter `name` = \"abcd\" does not match the parameter's \
             pattern; expected operations/* (pattern `[a-z]{1,3}`)"
        );
    }
}
