//! Examples of builders made from the generator's sample arguments: the waiting example of a
//! module page, as lines of Markdown (without the leading space of a doc line), an `async fn`
//! nobody calls, behind the `client` feature: compiled, never run; and the source of the
//! workspace's test of every builder's URL ([`url_checks`]).

use super::Options;
use crate::ir::{Method, Service, TypeDef};

/// Rust source of one private function per service, named after its module, that makes every builder
/// of the service from its sample arguments and returns a `Check` of each (a struct the
/// includer defines, with the fields `builder`, the builder's path; `url`, what `new` gave,
/// mapped to the request's URL; and `expected`, the URL the generator wrote from the same
/// arguments), and `SERVICES`, each module with its function (a `Checks`, which the includer
/// defines as `fn() -> Vec<Check>`). The workspace's tests include it
/// to check every builder's URL, instead of a doc example on each.
pub fn url_checks(services: &[Service], options: &Options) -> String {
    let krate = &options.crate_name;
    let mut out = String::new();
    let mut listed = Vec::new();
    for service in services {
        let module = &service.module;
        let mut checks = Vec::new();
        for m in &service.methods {
            let (Some(example), Some(new)) = (&m.example, new(service, m, options)) else {
                continue;
            };
            checks.push(format!(
                "Check {{ builder: \"{module}::{}\", url: {krate}::{module}::{new}.map(|r| r.url()), expected: {:?} }},",
                m.type_name, example.url
            ));
        }
        out.push_str(&format!(
            "/// Every builder of `{module}` made from its sample arguments.\nfn {module}() -> Vec<Check> {{\n    vec![\n        {}\n    ]\n}}\n\n",
            checks.join("\n        ")
        ));
        listed.push(format!("(\"{module}\", {module})"));
    }
    out.push_str(&format!(
        "/// Each service's module and its checks.\nconst SERVICES: &[(&str, Checks)] = &[{}];\n",
        listed.join(", ")
    ));
    out
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
        format!("let get = {}?;", new(service, get, options)?),
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

/// `Builder::new(…)` with the method's sample arguments.
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
    Some(format!("{}::new({args})", m.type_name))
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
