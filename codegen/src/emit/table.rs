//! How a user finds a service: the table of services in the crate docs.

use crate::ir;

use super::manifest::one_line;

/// A Markdown table of every service: its API and version, its module and feature (one name),
/// and how many builders it has.
pub fn table(services: &[ir::Service]) -> String {
    let mut out =
        String::from("| API | version | module and feature | builders |\n|---|---|---|---|\n");
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
