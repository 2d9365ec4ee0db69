//! How a user finds a service and turns it on: the cargo feature of each module (the
//! generator's part of the crate's `Cargo.toml`) and the table of services in the crate docs.

use crate::ir;

/// The feature that turns on every service module.
pub const ALL_SERVICES: &str = "all-services";

/// The lines between the markers of the crate's `Cargo.toml`: one feature per module, named
/// like it, then [`ALL_SERVICES`].
pub fn features(services: &[ir::Service]) -> String {
    let mut out = String::new();
    for s in services {
        out.push_str(&format!(
            "## {} {}, from `{}`.\n{} = []\n",
            one_line(&s.title),
            one_line(&s.version),
            one_line(&s.file),
            s.module
        ));
    }
    out.push_str("## Every service module above.\n");
    out.push_str(&format!("{ALL_SERVICES} = [\n"));
    for s in services {
        out.push_str(&format!("    \"{}\",\n", s.module));
    }
    out.push_str("]\n");
    out
}

/// A Markdown table of every service: its API and version, its module and feature (one name),
/// and how many operations collections it has.
pub fn table(services: &[ir::Service]) -> String {
    let mut out = String::from(
        "| API | version | module and feature | `get` builders |\n|---|---|---|---|\n",
    );
    for s in services {
        out.push_str(&format!(
            "| {} | {} | `{}` | {} |\n",
            cell(&s.title),
            cell(&s.version),
            s.module,
            s.methods.len()
        ));
    }
    out
}

/// `text` as one cell of a Markdown table that rustdoc shows as written.
fn cell(text: &str) -> String {
    super::docs::escape(&one_line(text)).replace('|', "\\|")
}

/// `text` with every run of white space, line breaks included, made one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
