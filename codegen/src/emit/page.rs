//! A service module's page, as rustdoc shows it first: the module's summary, its operations
//! collections and how to wait for their operations, then where the module comes from; and
//! the one line of its `model` module.

use super::{Options, docs, examples};
use crate::ir::{Collection, Method, MethodKind, Service};

/// The lines of the module's docs.
pub fn intro(service: &Service, options: &Options) -> Vec<String> {
    let Service { title, version, .. } = service;
    let mut lines = docs::lines(&format!(
        "{title} {version}, with the feature `{}`.",
        service.module
    ));
    heading(&mut lines, "Operations collections");
    ours(
        &mut lines,
        "Each collection by the builder of its `get`, which the client's poller waits on (or, \
         without one, by its Discovery resource), with the builders of its other methods:",
    );
    lines.push(String::new());
    for c in &service.collections {
        item(&mut lines, &collection(service, c));
    }
    let polled = service.polled();
    if !polled.is_empty() {
        heading(&mut lines, "Waiting for an operation");
        let metadata = if service.metadata.is_empty() {
            ""
        } else {
            ", whose messages [`AnyMetadata`] decodes by their `@type`"
        };
        ours(
            &mut lines,
            &format!(
                "With the feature `client` (on by default), a `Client` polls an operation \
                 through its collection's `get`, or its server-side `wait` where the collection \
                 has one, until it is done, with the pauses, retries and limits of its \
                 `PollPolicy`. [`SERVICE.progress`](crate::ServiceInfo::progress) reads how far \
                 the operation has got from its own fields and its metadata{metadata}."
            ),
        );
        let example = polled
            .iter()
            .find_map(|(_, get, _)| examples::wait(service, get, options));
        if let Some(example) = example {
            lines.push(String::new());
            lines.extend(example.into_iter().map(|l| format!(" {l}")));
        }
    }
    heading(&mut lines, "About this module");
    if let Some(d) = service
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
    {
        lines.extend(docs::lines(d));
        lines.push(String::new());
    }
    let mut source = format!(
        "Generated from `{}`, revision `{}`.",
        service.file, service.revision
    );
    if let Some(link) = &service.documentation_link {
        source.push_str(&format!(" Documentation: {link}"));
    }
    lines.extend(docs::lines(&source));
    lines.push(String::new());
    let metadata = if service.metadata.is_empty() {
        ""
    } else {
        ", and the service's operation metadata messages,"
    };
    ours(
        &mut lines,
        &format!(
            "The builders are this module's structs, beside the service's description \
             ([`SERVICE`]), its OAuth [`scopes`] and its [`COLLECTIONS`]. The models they take \
             and return{metadata} are in [`model`], and re-exported here."
        ),
    );
    lines
}

/// The one line of the service's `model` module.
pub fn model_doc(service: &Service) -> Vec<String> {
    let metadata = if service.metadata.is_empty() {
        ""
    } else {
        ", and its operation metadata messages"
    };
    docs::lines(&format!(
        "The models of the {} {}, re-exported by its module: what its builders take and \
         return{metadata}.",
        service.title, service.version
    ))
}

/// Appends a line of Markdown of the generator's own, which may hold links, wrapped as the
/// rest.
fn ours(lines: &mut Vec<String>, text: &str) {
    lines.extend(
        docs::wrap(text, docs::WIDTH)
            .into_iter()
            .map(|l| format!(" {l}")),
    );
}

/// Appends a list item of Markdown of the generator's own: `- ` and the text, wrapped with
/// its next lines indented under the text (never a marker alone on a line, where a word is
/// longer than the width).
fn item(lines: &mut Vec<String>, text: &str) {
    for (i, line) in docs::wrap(text, docs::WIDTH - 2).into_iter().enumerate() {
        let marker = if i == 0 { "-" } else { " " };
        lines.push(format!(" {marker} {line}"));
    }
}

/// Appends a blank line, a heading and a blank line.
fn heading(lines: &mut Vec<String>, text: &str) {
    lines.extend([String::new(), format!(" # {text}"), String::new()]);
}

/// One collection's line: its `get` (or, without one, the resource), then the builders of its
/// other methods.
fn collection(service: &Service, c: &Collection) -> String {
    let mut line = match (service.method(c, MethodKind::Get), &c.poll) {
        (Some(get), Some(_)) => format!("[`{}`]{}", get.type_name, shape(get)),
        (Some(get), None) => format!(
            "[`{}`] (its response is no operation, so no poller)",
            get.type_name
        ),
        (None, _) => format!("`{}` (no `get`)", c.resource),
    };
    let others: Vec<String> = MethodKind::ALL
        .into_iter()
        .filter(|&kind| kind != MethodKind::Get)
        .filter_map(|kind| service.method(c, kind))
        .map(|m| format!("[`{}`]({})", m.kind.name(), m.type_name))
        .collect();
    // Never `[`Get`]: …`, which Markdown reads as a link reference definition.
    if let Some((last, first)) = others.split_last() {
        line.push_str(", with ");
        if !first.is_empty() {
            line.push_str(&first.join(", "));
            line.push_str(" and ");
        }
        line.push_str(last);
    }
    line
}

/// ` (`projects/*/operations/*`)`: the shape of the name a `get` takes, where it takes one.
fn shape(get: &Method) -> String {
    let mut required = get.params.iter().filter(|p| p.required);
    let shape = match (required.next(), required.next()) {
        (Some(p), None) => p.pattern.as_ref().and_then(|p| p.shape.as_deref()),
        _ => None,
    };
    match shape {
        Some(shape) if !shape.contains('`') => format!(" (`{shape}`)"),
        _ => String::new(),
    }
}
