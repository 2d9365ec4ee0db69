//! The generated crate's root, `src/lib.rs`: the crate docs, the runtime re-exported, the
//! service modules, and `resolve` over the collections of the services a build enables.

use quote::quote;

use super::manifest::documented_on_docs_rs;
use super::{Options, header, render};
use crate::ir;

/// The crate docs before the table of services; `{crate}` is the crate name.
const CRATE_DOCS: &str = "\
Typed requests, models and pollers for the long-running operations of Google APIs, generated
from their Discovery documents.

Three ways in:
- a request builder of a service module, such as
  [`dataproc_v1::ProjectsRegionsOperationsGet`], polled with [`Client::poller`] or sent with any
  HTTP stack through `to_http`: each module's page opens with its operations collections and an
  example that waits for one;
- [`resolve`], from any operation name, URL or Compute `selfLink` to the `get` of its collection
  among the services of the build, polled the same way;
- the `google-operations-wait` program (`cargo install google-operations-wait`), which waits for
  any operation from a shell and shows its progress.

While a poller waits, each module's `SERVICE.progress(&op)` ([`ServiceInfo::progress`]) gives
the operation's typed [`Progress`] (percent, state, stage and times) from its own fields and its
metadata, and [`metadata_typed`](LongRunningOperation::metadata_typed) decodes that metadata
into the service's `AnyMetadata`, by its `@type`.

Each service and version has a module (for example [`dataproc_v1`]), behind the cargo feature of
the same name (the table below lists them all), with:
- a request builder per method of each operations collection (`get`, and `wait`, `cancel`,
  `delete` and `list` where the collection has them), named from its resource path, whose
  constructor checks the operation name against the method's pattern and refuses names that
  would change the URL: the module's structs;
- the models their requests and responses reach (the `Operation` and `Status` family), with the
  wire names kept and fields the schema does not know preserved, and the service's operation
  metadata messages with their `AnyMetadata`: in the module's `model` (such as
  [`dataproc_v1::model`]), each re-exported beside the builders
  (`dataproc_v1::ClusterOperationMetadata`);
- the service's root URLs, revision and OAuth scopes (`SERVICE`, `scopes`), and its collections
  for [`resolve`] (`COLLECTIONS`).

The core is sans-io: a builder turns into a URL or an [`http::Request`] for any HTTP stack, and
[`decode_response`] turns the [`http::Response`] back into the typed model, or into an
[`ApiError`] read from Google's error envelope. Everything that is not generated (requests,
operations, errors, the client, the poller and the resolver) comes from the
`google-operations-runtime` crate, re-exported here: depend on this crate alone.

# Features

- One per service module, named like it (`compute_v1`, `dataproc_v1`); the defaults are
  `apigateway_v1`, `cloudaicompanion_v1`, `dataproc_v1` and `workspaceevents_v1`, and
  `all-services` turns on every one. A build compiles only the modules it enables.
- `client` (default): an async `Client` on reqwest and rustls (the `ring` provider, no OpenSSL)
  that adds the `authorization` header (and `x-goog-user-project` for a quota project) from a
  `TokenSource` (`Token`, `EnvToken`, `TokenCommand`), retries transient failures with backoff
  (`RetryPolicy`), and polls an operation until it is done (`Client::until_done`, `Poller`,
  `PollPolicy`). Needs a tokio runtime. Without it the crate depends only on serde,
  serde_json, http, httpdate, percent-encoding and regex-lite.
- `adc`: `Adc`, a token source for Application Default Credentials through Google's
  `google-cloud-auth` crate (implies `client`).
- `catalog`: every service as plain data in [`catalog`] (its root URLs, scopes, the methods of
  its operations collections, where its operations and metadata tell their progress), so that
  [`resolve`] knows every service without compiling a typed module: what the
  `google-operations-wait` program builds with. A service's own feature also brings its
  catalog module, which its typed module refers to.

{docs.rs}

```
use {crate}::prelude::*;
use {crate}::dataproc_v1::ProjectsRegionsOperationsGet;

let get = ProjectsRegionsOperationsGet::new(\"projects/my-project/regions/us-central1/operations/1234\")?
    .fields(\"name,done,error\");
assert_eq!(
    get.url(),
    \"https://dataproc.googleapis.com/v1/projects/my-project/regions/us-central1/operations/1234?fields=name%2Cdone%2Cerror\",
);
let request: {crate}::http::Request<Vec<u8>> = get.to_http()?;
assert_eq!(request.method(), {crate}::http::Method::GET);

// A name that would climb out of its path is refused before any request exists.
assert!(ProjectsRegionsOperationsGet::new(\"projects/p/regions/../operations/1\").is_err());
# Ok::<(), {crate}::Error>(())
```

# Services

Every Google API whose Discovery document has an operations collection (a resource named
`operations`, or ending in `Operations`, whose `get` responds with an operation), by its module
and feature:
";

/// The docs of `resolve`; `{crate}` is the crate name.
const RESOLVE_DOCS: &str = "\
Resolves an operation name (`projects/p/regions/us-central1/operations/123`), a full operation
URL, or a Compute `selfLink`
(`https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/operations/operation-1`)
to the `get` of its collection, among the services of the build's [`catalog`] (those whose
features are on, or every one with the feature `catalog`); `service` (a
module name such as `compute_v1`, a Discovery name such as `compute`, which takes its most
stable version, or `compute.v1`) narrows the candidates.

A URL must be `https` on a Google API host (`googleapis.com` or a subdomain), with no userinfo,
port other than 443, query, fragment or percent escape. A URL on a host a service's document
names (its root URL or a published endpoint) is that service's, and is sent to that endpoint;
a name goes to the service's root URL, or to its location's locational endpoint for the
services that serve a location only there (`LOCATIONAL_BY_DEFAULT`: Vertex AI). Names and
paths may hold no empty, `.` or `..` segment, and every value must match its parameter's
pattern, or, tied to its service by `service` or the host, end in `operations/ID`. A URL of the form `https://SERVICE.googleapis.com/VERSION/…/operations/ID`
that no service of the build fits is polled as a plain google.longrunning operation at that
URL. [`resolve_among`] tells the rules in full and takes the collections to choose from.

```
# #[cfg(feature = \"dataproc_v1\")] {
let get = {crate}::resolve(
    \"https://dataproc.googleapis.com/v1/projects/p/regions/us-central1/operations/123\",
    None,
)?;
assert_eq!(get.method().id, \"dataproc.projects.regions.operations.get\");
let by_name = {crate}::resolve(
    \"projects/p/regions/us-central1/operations/123\",
    Some(\"dataproc_v1\"),
)?;
assert_eq!(by_name.url(), get.url());
// Another host is refused, never called.
assert!({crate}::resolve(\"https://dataproc.googleapis.com.evil.example/v1/projects/p/regions/r/operations/1\", None).is_err());
# }
# Ok::<(), {crate}::ResolveError>(())
```

# Errors

[`ResolveError`]: the input refused, no collection fitting it, or several.";

/// The docs of `resolve_in_universe`; `{crate}` is the crate name.
const RESOLVE_IN_UNIVERSE_DOCS: &str = "\
As [`resolve`], in the universe domain `universe` (`s3nsapis.fr` for S3NS's Trusted Partner
Cloud, as `GOOGLE_CLOUD_UNIVERSE_DOMAIN` names it): URLs must be on hosts of that universe,
where `googleapis.com` is replaced by it (`https://dataproc.s3nsapis.fr/…`), with the same
rules, and requests go to the services' hosts there; a URL on `googleapis.com` is refused.
[`resolve_among_in_universe`] tells the rules in full.

```
# #[cfg(feature = \"dataproc_v1\")] {
let get = {crate}::resolve_in_universe(
    \"projects/p/regions/u-france-east1/operations/123\",
    Some(\"dataproc\"),
    \"s3nsapis.fr\",
)?;
assert_eq!(get.url(), \"https://dataproc.s3nsapis.fr/v1/projects/p/regions/u-france-east1/operations/123\");
# }
# Ok::<(), {crate}::ResolveError>(())
```

# Errors

[`ResolveError`]: the input or the universe domain refused, no collection fitting it, or
several.";

/// The source of `src/lib.rs`.
pub fn lib_file(services: &[ir::Service], options: &Options) -> String {
    let documented = services
        .iter()
        .filter(|s| documented_on_docs_rs(&s.version))
        .count();
    let docs_rs = wrap(&format!(
        "docs.rs documents the crate with `client`, `adc`, `catalog` and every stable version \
         of each service (`v1`, `v2`, …: {documented} of the {} modules): every module at once takes \
         rustdoc more memory than docs.rs gives it. An alpha or beta module's docs build \
         locally with its feature, for example \
         `cargo doc -p {} --no-deps --features compute_beta --open`.",
        services.len(),
        options.package
    ));
    let docs = |text: &str| -> Vec<String> {
        text.replace("{crate}", &options.crate_name)
            .replace("{docs.rs}", &docs_rs)
            .lines()
            .map(|l| {
                if l.is_empty() {
                    String::new()
                } else {
                    format!(" {l}")
                }
            })
            .collect()
    };
    let crate_docs = docs(CRATE_DOCS);
    let resolve_docs = docs(RESOLVE_DOCS);
    let resolve_in_universe_docs = docs(RESOLVE_IN_UNIVERSE_DOCS);
    let runtime = quote::format_ident!("{}", options.runtime.replace('-', "_"));
    // Each module's docs, which say its feature, are in its file.
    let modules = services.iter().map(|s| {
        let (module, feature) = (quote::format_ident!("{}", s.module), &s.module);
        let path = format!("apis/{}.rs", s.module);
        quote! {
            #[cfg(feature = #feature)]
            #[rustfmt::skip]
            #[path = #path]
            pub mod #module;
        }
    });
    render(
        &header("every document", "", options),
        quote! {
            #( #![doc = #crate_docs] )*
            #![doc = include_str!("apis/services.md")]
            #![deny(missing_docs)]

            pub use #runtime::*;

            #[rustfmt::skip]
            pub mod catalog;

            pub use catalog::SERVICES;

            #( #[doc = #resolve_docs] )*
            pub fn resolve(input: &str, service: Option<&str>) -> Result<Resolved, ResolveError> {
                resolve_among(catalog::COLLECTIONS, input, service)
            }

            #( #[doc = #resolve_in_universe_docs] )*
            pub fn resolve_in_universe(
                input: &str,
                service: Option<&str>,
                universe: &str,
            ) -> Result<Resolved, ResolveError> {
                resolve_among_in_universe(catalog::COLLECTIONS, input, service, universe)
            }

            #( #modules )*
        },
    )
}

/// `text` as lines of at most 96 characters, broken between words: a paragraph of crate
/// docs, whose lines end by column 100 after `//! `.
fn wrap(text: &str) -> String {
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("never empty");
        if !line.is_empty() && line.len() + 1 + word.len() > 96 {
            lines.push(word.to_owned());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines.join("\n")
}
