//! Doc comments from Discovery descriptions, made safe for rustdoc.
//!
//! Descriptions are Markdown-ish text written for web pages. Left as they are, rustdoc would
//! turn indented lines into doctests, `[Output only]` into broken links, `<name>` into HTML and
//! bare URLs into warnings; this module keeps the text and defuses those.

use proc_macro2::TokenStream;
use quote::quote;

/// How wide a doc line's text may be: with `/// ` and four spaces of indentation, lines end by
/// column 100.
pub(super) const WIDTH: usize = 92;

/// How much narrower the docs of an item one inline module deeper are (the models of a
/// service's `model`), so that their lines end by column 100 too.
const NESTED: usize = 4;

/// `#[doc]` attributes for `text`, one per line, which prettyplease prints as `///` comments.
pub fn attrs(text: &str) -> TokenStream {
    lines_attrs(&lines(text))
}

/// `#[doc]` attributes for `text` on an item one inline module deeper.
pub fn nested_attrs(text: &str) -> TokenStream {
    lines_attrs(&nested_lines(text))
}

/// `#[doc]` attributes for lines already made.
pub fn lines_attrs(lines: &[String]) -> TokenStream {
    quote!(#( #[doc = #lines] )*)
}

/// The lines of a doc comment for `text`, each with the leading space rustdoc expects,
/// wrapped at [`WIDTH`].
pub fn lines(text: &str) -> Vec<String> {
    lines_within(text, WIDTH)
}

/// The lines of a doc comment for `text` on an item one inline module deeper.
pub fn nested_lines(text: &str) -> Vec<String> {
    lines_within(text, WIDTH - NESTED)
}

/// The lines of a doc comment for `text`, wrapped at `width`.
fn lines_within(text: &str, width: usize) -> Vec<String> {
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
            wrap(&line, width.saturating_sub(indent))
                .into_iter()
                .map(|l| format!(" {pad}{l}")),
        );
    }
    if in_fence {
        out.push(" ```".to_owned());
    }
    out
}

/// Splits a description into its first sentence, on one line, and the rest, for a summary
/// of one sentence: what rustdoc shows in a module's list of items.
///
/// The sentence ends at the first `.`, `?` or `!` outside code spans that ends the first
/// paragraph or is followed by a space and a capital letter, a code span or a link, and that
/// does not end an abbreviation such as `e.g.`; a first paragraph without one is the sentence,
/// given a period. The first paragraph ends at a blank line or at a line that opens a Markdown
/// block. `None` when the text is empty or opens with a block.
pub fn first_sentence(text: &str) -> Option<(String, String)> {
    let text = text.trim();
    let lines: Vec<&str> = text.lines().collect();
    let opens_block = |line: &str| line.split(' ').next().is_some_and(starts_block);
    let first = lines.first().map(|l| l.trim()).filter(|l| !l.is_empty())?;
    if opens_block(first) {
        return None;
    }
    let end = lines
        .iter()
        .skip(1)
        .position(|l| l.trim().is_empty() || opens_block(l.trim_start()))
        .map_or(lines.len(), |i| i + 1);
    let paragraph = lines[..end]
        .iter()
        .flat_map(|l| l.split_whitespace())
        .collect::<Vec<_>>()
        .join(" ");
    let (sentence, more) = match sentence_end(&paragraph) {
        Some(i) => (paragraph[..i].to_owned(), paragraph[i..].trim().to_owned()),
        None => {
            let bare = paragraph.trim_end_matches([':', ';', ',']);
            (format!("{bare}."), String::new())
        }
    };
    let after = lines[end..].join("\n");
    let rest = match (more.is_empty(), after.trim().is_empty()) {
        (_, true) => more,
        (true, false) => after.trim().to_owned(),
        (false, false) => format!("{more}\n{after}"),
    };
    Some((sentence, rest))
}

/// Where the first sentence of a paragraph on one line ends, just after its final stop.
fn sentence_end(paragraph: &str) -> Option<usize> {
    const ABBREVIATIONS: &[&str] = &["e.g.", "i.e.", "vs.", "cf."];
    let mut in_code = false;
    for (i, c) in paragraph.char_indices() {
        match c {
            '`' => in_code = !in_code,
            '.' | '?' | '!' if !in_code => {
                let after = &paragraph[i + 1..];
                let word = paragraph[..=i].rsplit(' ').next().unwrap_or_default();
                let word = word.trim_start_matches(|c: char| !c.is_alphanumeric());
                if ABBREVIATIONS.contains(&word.to_lowercase().as_str()) {
                    continue;
                }
                let next = after.strip_prefix(' ').and_then(|a| a.chars().next());
                if after.is_empty()
                    || next.is_some_and(|n| n.is_uppercase() || matches!(n, '`' | '[' | '"'))
                {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Breaks one Markdown line at spaces into lines of at most `width` characters where the
/// words allow. A list item's continuation lines are indented under its text, and no
/// continuation line starts with something Markdown would read as a new block (a list marker,
/// a heading, a quote).
pub(super) fn wrap(line: &str, width: usize) -> Vec<String> {
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
    fn summaries_are_the_first_sentence() {
        let split = |text: &str| first_sentence(text).unwrap();
        assert_eq!(
            split(
                "Gets the latest state of a long-running operation. Clients can use this \
                 method to poll."
            ),
            (
                "Gets the latest state of a long-running operation.".to_owned(),
                "Clients can use this method to poll.".to_owned()
            )
        );
        // Across lines, past abbreviations, dotted names and stops in code.
        assert_eq!(
            split("Lists things (e.g. Foo) within\nthe `a. B` zone. If google.rpc.Code.X is\nset, see below.\n\nMore.").0,
            "Lists things (e.g. Foo) within the `a. B` zone."
        );
        assert_eq!(
            split("Cancels it. Use `x.get` to check.\n\nNote:\n- one").1,
            "Use `x.get` to check.\n\nNote:\n- one"
        );
        // No stop: the first paragraph, given one; a list starts the rest.
        assert_eq!(
            split("Lists operations for a project\n\nMore."),
            (
                "Lists operations for a project.".to_owned(),
                "More.".to_owned()
            )
        );
        assert_eq!(
            split("Returns these:\n- a\n- b"),
            ("Returns these.".to_owned(), "- a\n- b".to_owned())
        );
        assert_eq!(
            split("Returns UNIMPLEMENTED.NOTE: see it").0,
            "Returns UNIMPLEMENTED.NOTE: see it."
        );
        assert_eq!(first_sentence("  "), None);
        assert_eq!(first_sentence("- a list"), None);
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
