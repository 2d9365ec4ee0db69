//! Doc comments from Discovery descriptions, made safe for rustdoc.
//!
//! Descriptions are Markdown-ish text written for web pages. Left as they are, rustdoc would
//! turn indented lines into doctests, `[Output only]` into broken links, `<name>` into HTML and
//! bare URLs into warnings; this module keeps the text and defuses those.

use proc_macro2::TokenStream;
use quote::quote;

/// How wide a doc line's text may be: with `/// ` and four spaces of indentation, lines end by
/// column 100.
const WIDTH: usize = 92;

/// `#[doc]` attributes for `text`, one per line, which prettyplease prints as `///` comments.
pub fn attrs(text: &str) -> TokenStream {
    lines_attrs(&lines(text))
}

/// `#[doc]` attributes for lines already made.
pub fn lines_attrs(lines: &[String]) -> TokenStream {
    quote!(#( #[doc = #lines] )*)
}

/// The lines of a doc comment for `text`, each with the leading space rustdoc expects,
/// wrapped at [`WIDTH`].
pub fn lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    // The indentation of the list item the current line continues, if any.
    let mut list_indent = 0;
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
        if in_fence {
            out.push(format!(" {raw}"));
            continue;
        }
        let line = escape(trimmed);
        if line.is_empty() {
            out.push(String::new());
            list_indent = 0;
            continue;
        }
        // A line after a list item's line goes on with that item, unless it opens a block.
        let opens_block = line.split(' ').next().is_some_and(starts_block);
        let indent = match list_marker_width(&line) {
            Some(width) => {
                list_indent = width;
                0
            }
            None if opens_block => {
                list_indent = 0;
                0
            }
            None => list_indent,
        };
        let pad = " ".repeat(indent);
        out.extend(
            wrap(&line, indent)
                .into_iter()
                .map(|l| format!(" {pad}{l}")),
        );
    }
    if in_fence {
        out.push(" ```".to_owned());
    }
    out
}

/// Breaks one Markdown line at spaces into lines of at most [`WIDTH`] characters, less the
/// `indent` they will be given, where the words allow. A list item's continuation lines are
/// indented under its text, and no continuation line starts with something Markdown would
/// read as a new block (a list marker, a heading, a quote).
pub(super) fn wrap(line: &str, indent: usize) -> Vec<String> {
    let width = WIDTH.saturating_sub(indent);
    let indent = list_marker_width(line).map_or(0, |w| w);
    let pad = " ".repeat(indent);
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        let fits = current.chars().count() + 1 + word.chars().count() <= width;
        if current.is_empty() || current.trim().is_empty() {
            current.push_str(word);
        } else if fits || starts_block(word) {
            current.push(' ');
            current.push_str(word);
        } else {
            out.push(std::mem::replace(&mut current, format!("{pad}{word}")));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The width of a list marker (`- `, `* `, `1. `) that opens `line`, if there is one.
fn list_marker_width(line: &str) -> Option<usize> {
    let marker = line.split(' ').next()?;
    (line.len() > marker.len() && starts_block(marker)).then_some(marker.len() + 1)
}

/// Whether a word at the start of a line would open a Markdown block.
fn starts_block(word: &str) -> bool {
    let digits = word.trim_end_matches(['.', ')']);
    matches!(word, "-" | "*" | "+" | ">" | "|")
        || word.starts_with('#')
        || word.starts_with("```")
        || word.chars().all(|c| c == '=' || c == '-') && word.len() > 1
        || (!digits.is_empty()
            && digits.len() < word.len()
            && digits.chars().all(|c| c.is_ascii_digit()))
}

/// Escapes one line of prose: links that are not Markdown links, HTML-like tags, bare URLs.
pub(super) fn escape(line: &str) -> String {
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
                " Uses [gRPC](https://github.com/grpc) and gRPC (<https://github.com/grpc>). \\[Output only\\]",
                " &lt;b&gt; a_b x*y"
            ]
        );
    }

    #[test]
    fn long_lines_wrap_at_spaces_and_keep_their_markdown() {
        let long = format!("{} - not a list 12. no", "word ".repeat(20));
        let wrapped = lines(&long);
        assert!(wrapped.iter().all(|l| l.len() <= WIDTH + 1), "{wrapped:#?}");
        assert!(
            wrapped[1..]
                .iter()
                .all(|l| !starts_block(l.trim_start().split(' ').next().unwrap())),
            "{wrapped:#?}"
        );
        assert_eq!(wrapped.join(" ").split_whitespace().count(), 26);

        let item = format!("- {}", "item ".repeat(30));
        let wrapped = lines(&item);
        assert!(wrapped.len() > 1);
        assert!(wrapped[1].starts_with("   item"), "{wrapped:#?}");

        let url = format!("See {}", "x".repeat(150));
        assert_eq!(
            lines(&url).len(),
            2,
            "an unbreakable word stands on its own line"
        );
    }

    #[test]
    fn a_line_after_a_list_item_goes_on_with_it() {
        assert_eq!(
            lines(
                "Kinds:\n- For global ones, use\nthe resource.\n1. Then\nthis.\n\nNot in the list."
            ),
            vec![
                " Kinds:",
                " - For global ones, use",
                "   the resource.",
                " 1. Then",
                "    this.",
                "",
                " Not in the list.",
            ]
        );
        let long = format!("- item\n{}", "more ".repeat(30));
        let wrapped = lines(&long);
        assert!(
            wrapped[1..].iter().all(|l| l.starts_with("   more")),
            "{wrapped:#?}"
        );
        assert!(wrapped.iter().all(|l| l.len() <= WIDTH + 1), "{wrapped:#?}");
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
