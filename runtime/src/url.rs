//! URL building: the root URL, the expanded path and the query string, percent-encoded.
//!
//! Path expansion is a security boundary. A value for `{+var}` keeps `/` and the unreserved
//! characters (`A-Z a-z 0-9 - . _ ~`) and percent-encodes every other byte, `%` included (the rule
//! `google/api/http.proto` gives for multi-segment variables); `{var}` encodes `/` too. Values with
//! an empty, `.` or `..` segment are refused before a request exists, so a parameter can never
//! change the query, the fragment or the path outside its own segments.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

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
pub struct UrlWriter {
    url: String,
    in_query: bool,
}

impl UrlWriter {
    /// Starts a URL at `root` (a trailing `/` is added when missing) followed by `service_path`,
    /// with room for `capacity` more bytes.
    pub fn new(root: &str, service_path: &str, capacity: usize) -> Self {
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

    /// Appends a value by the given expansion: `{var}` encodes everything but unreserved bytes,
    /// `{+var}` keeps `/` too.
    pub fn expand(&mut self, expansion: Expansion, value: &str) {
        debug_assert!(!self.in_query, "path written after the query");
        let keep = match expansion {
            Expansion::Reserved => UNRESERVED_AND_SLASH,
            Expansion::Simple => UNRESERVED,
        };
        self.url.extend(utf8_percent_encode(value, keep));
    }

    /// Appends one `key=value` pair to the query string, both encoded.
    pub fn query(&mut self, key: &str, value: &str) {
        self.url.push(if self.in_query { '&' } else { '?' });
        self.in_query = true;
        self.url.extend(utf8_percent_encode(key, UNRESERVED));
        self.url.push('=');
        self.url.extend(utf8_percent_encode(value, UNRESERVED));
    }

    /// The finished URL.
    pub fn finish(self) -> String {
        self.url
    }
}

/// How a path parameter is expanded, which decides the checks beyond its pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expansion {
    /// Reserved expansion `{+name}`: `/` is kept and every segment is checked.
    Reserved,
    /// Simple expansion `{name}`: the whole value is one segment.
    Simple,
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
}
