//! Doc examples, as lines of Markdown (without the leading space of a doc line): one that builds
//! a request and checks its URL, which runs, and one that waits for an operation with the
//! client's poller, which only compiles.
//!
//! Every example of the crate is a doctest, and all of them are compiled as one merged crate:
//! they stay small, alike, and free of crate attributes, so that they merge. The waiting one is
//! an `async fn` nobody calls, behind the `client` feature: compiled, never run.

use super::Options;
use crate::ir::{Method, Service, TypeDef};

/// The example that builds `m` from sample arguments and checks its URL (or prints it, when
/// the generator cannot know it).
pub fn url(service: &Service, m: &Method, options: &Options) -> Option<Vec<String>> {
    let example = m.example.as_ref()?;
    let krate = &options.crate_name;
    let mut lines = vec![
        "```".to_owned(),
        format!("use {krate}::prelude::*;"),
        format!("use {krate}::{}::{};", service.module, m.type_name),
        String::new(),
        format!("let request = {};", new(service, m, options)?),
    ];
    match &example.url {
        Some(url) => {
            lines.push("assert_eq!(".to_owned());
            lines.push("    request.url(),".to_owned());
            lines.push(format!("    {url:?},"));
            lines.push(");".to_owned());
        }
        None => lines.push("println!(\"{}\", request.url());".to_owned()),
    }
    lines.push(format!("# Ok::<(), {krate}::Error>(())"));
    lines.push("```".to_owned());
    Some(lines)
}

/// The example that waits for an operation of `get`, the `get` of a collection the client
/// polls, with a client and its poller, printing the operation's progress as it goes; `None`
/// where there are no sample arguments.
pub fn wait(service: &Service, get: &Method, options: &Options) -> Option<Vec<String>> {
    let krate = &options.crate_name;
    let lines = [
        "```no_run".to_owned(),
        "# #[cfg(feature = \"client\")]".to_owned(),
        format!("# async fn run() -> Result<(), {krate}::Error> {{"),
        format!(
            "use {krate}::{}::{{{}, SERVICE}};",
            service.module, get.type_name
        ),
        format!("use {krate}::{{Client, EnvToken}};"),
        String::new(),
        "let client = Client::builder().token_source(EnvToken::new()).build()?;".to_owned(),
        format!("let get = {};", new(service, get, options)?),
        "let operation = client".to_owned(),
        "    .poller(&get)".to_owned(),
        "    .on_progress(|op| println!(\"{:?}\", SERVICE.progress(op)))".to_owned(),
        "    .wait()".to_owned(),
        "    .await?;".to_owned(),
        "# Ok(())".to_owned(),
        "# }".to_owned(),
        "```".to_owned(),
    ];
    Some(lines.into())
}

/// `Builder::new(…)?` with the method's sample arguments.
fn new(service: &Service, m: &Method, options: &Options) -> Option<String> {
    let example = m.example.as_ref()?;
    let krate = &options.crate_name;
    let args = m
        .params
        .iter()
        .filter(|p| p.required)
        .zip(&example.args)
        .map(|(p, v)| {
            let one = match &p.enum_type {
                Some(t) => format!(
                    "{krate}::{}::{t}::{}",
                    service.module,
                    variant(service, t, v)
                ),
                None if p.is_text() => format!("{v:?}"),
                None => v.clone(),
            };
            if p.repeated { format!("[{one}]") } else { one }
        })
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!("{}::new({args})?", m.type_name))
}

/// The Rust name of the variant of enum `ty` for the wire value `wire`.
fn variant<'s>(service: &'s Service, ty: &str, wire: &str) -> &'s str {
    service
        .types
        .iter()
        .find_map(|d| match d {
            TypeDef::Enum(e) if e.name == ty => e.variants.iter().find(|v| v.wire == wire),
            _ => None,
        })
        .map_or("Unknown", |v| v.rust_name.as_str())
}
