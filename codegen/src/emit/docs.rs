//! Doc comments from Discovery descriptions, made safe for rustdoc.
//!
//! Descriptions are Markdown-ish text written for web pages. Left as they are, rustdoc would
//! turn indented lines into doctests, `[Output only]` into broken links, `<name>` into HTML and
//! bare URLs into warnings; this module keeps the text and defuses those.

use syn::Attribute;

use super::syntax;

/// `///` attributes for `text`, one per line.
pub fn attrs(text: &str) -> Vec<Attribute> {
    syntax::docs(&lines(text))
}

/// The lines of a doc comment for `text`, each with the leading space rustdoc expects.
pub fn lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    let text = text.trim();
    let cleaned;
    let text = if text.contains(['\r', '\t']) {
        cleaned = text
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .replace('\t', "    ");
        cleaned.as_str()
    } else {
        text
    };
    for raw in text.lines() {
        let trimmed = raw.trim_start();
        if trimmed.starts_with("```") {
            // Fenced blocks from descriptions are examples in other languages: never doctests.
            out.push(if in_fence {
                " ```".to_owned()
            } else {
                " ```text".to_owned()
            });
            in_fence = !in_fence;
            continue;
        }
        let line = if in_fence {
            raw.to_owned()
        } else {
            escape(trimmed)
        };
        out.push(if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        });
    }
    if in_fence {
        out.push(" ```".to_owned());
    }
    out
}

/// Escapes one line of prose: links that are not Markdown links, HTML-like tags, bare URLs.
fn escape(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    let mut in_code = false;
    while !rest.is_empty() {
        if in_code {
            // A code span is kept as it is, up to and with its closing backtick.
            let end = rest.find('`').map_or(rest.len(), |i| i + 1);
            out.push_str(&rest[..end]);
            in_code = !rest[..end].ends_with('`');
            rest = &rest[end..];
            continue;
        }
        // Plain text up to the next character that may need care is copied in one go.
        let plain = rest
            .find(['`', '[', ']', '<', '>', '&', 'h'])
            .unwrap_or(rest.len());
        out.push_str(&rest[..plain]);
        rest = &rest[plain..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        if c == '`' {
            in_code = true;
            out.push(c);
            rest = &rest[1..];
            continue;
        }
        if let Some(len) = markdown_link(rest) {
            let (link, tail) = rest.split_at(len);
            let text_end = link.find("](").unwrap_or(0);
            out.push('[');
            out.push_str(&escape(&link[1..text_end]));
            out.push_str(&link[text_end..]);
            rest = tail;
            continue;
        }
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"' || c == '`')
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', ')', '\'', '!', '?']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        match c {
            '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    if in_code {
        // An unclosed code span: close it so it does not swallow the next line.
        out.push('`');
    }
    out
}

/// The length of a Markdown link `[text](url)` at the start of `s`.
fn markdown_link(s: &str) -> Option<usize> {
    if !s.starts_with('[') {
        return None;
    }
    let close = s.find("](")?;
    if s[1..close].contains(['[', ']']) {
        return None;
    }
    let url_end = close + 2 + s[close + 2..].find(')')?;
    let url = &s[close + 2..url_end];
    if url.is_empty() || url.contains(char::is_whitespace) {
        return None;
    }
    Some(url_end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_is_defused() {
        assert_eq!(
            lines(
                "Uses [gRPC](https://github.com/grpc) and gRPC (https://github.com/grpc). [Output only] <b> a_b x*y"
            ),
            vec![
                " Uses [gRPC](https://github.com/grpc) and gRPC (<https://github.com/grpc>). \\[Output only\\] &lt;b&gt; a_b x*y"
            ]
        );
    }

    #[test]
    fn code_stays_code() {
        assert_eq!(
            lines("Set `a[0] <b>` to\n    indented"),
            vec![" Set `a[0] <b>` to", " indented"]
        );
        assert_eq!(lines("```\nx <y>\n```"), vec![" ```text", " x <y>", " ```"]);
        assert_eq!(lines("open `code"), vec![" open `code`"]);
    }
}
