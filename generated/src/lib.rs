//! Typed requests and models for the long-running operations of Google APIs, generated from
//! their Discovery documents.
//!
//! Each service and version has a module (for example [`dataproc_v1`]), behind the cargo
//! feature of the same name (the table below lists them all), with:
//! - a request builder per method of each operations collection (`get`, and `wait`, `cancel`,
//!   `delete` and `list` where the collection has them), named from its resource path
//!   ([`dataproc_v1::ProjectsRegionsOperationsGet`], `compute_v1::ZoneOperationsWait`), whose
//!   constructor checks the operation name against the method's pattern and refuses names
//!   that would change the URL;
//! - the models their requests and responses reach (the `Operation` and `Status` family),
//!   with the wire names kept and fields the schema does not know preserved;
//! - the service's root URLs, revision and OAuth scopes.
//!
//! The core is sans-io: a builder turns into a URL or an [`http::Request`] for any HTTP stack,
//! and [`decode_response`] turns the [`http::Response`] back into the typed model, or into an
//! [`ApiError`] read from Google's error envelope.
//!
//! # Features
//!
//! - One per service module, named like it (`compute_v1`, `dataproc_v1`); the defaults are
//!   `apigateway_v1`, `cloudaicompanion_v1`, `dataproc_v1` and `workspaceevents_v1`, and
//!   `all-services` turns on every one. A build compiles only the modules it enables.
//! - `client` (default): an async `Client` on reqwest and rustls (the `ring` provider, no
//!   OpenSSL) that adds the `authorization` header from a `TokenSource` (`Token`,
//!   `EnvToken`), retries transient failures with backoff (`RetryPolicy`), and polls an
//!   operation until it is done (`Client::until_done`, `Poller`, `PollPolicy`). Needs a
//!   tokio runtime. Without it the crate depends only on serde, serde_json, http,
//!   percent-encoding and regex-lite.
//! - `adc`: `Adc`, a token source for Application Default Credentials through the `gcp_auth`
//!   crate (implies `client`).
//!
//! ```
//! use google_operations::prelude::*;
//! use google_operations::dataproc_v1::ProjectsRegionsOperationsGet;
//!
//! let get = ProjectsRegionsOperationsGet::new("projects/my-project/regions/us-central1/operations/1234")?
//!     .fields("name,done,error");
//! assert_eq!(
//!     get.url(),
//!     "https://dataproc.googleapis.com/v1/projects/my-project/regions/us-central1/operations/1234?fields=name%2Cdone%2Cerror",
//! );
//! let request: http::Request<Vec<u8>> = get.to_http()?;
//! assert_eq!(request.method(), http::Method::GET);
//!
//! // A name that would climb out of its path is refused before any request exists.
//! assert!(ProjectsRegionsOperationsGet::new("projects/p/regions/../operations/1").is_err());
//! # Ok::<(), google_operations::Error>(())
//! ```
//!
//! # Services
//!
//! Every Google API whose Discovery document has an operations collection (a resource named
//! `operations`, or ending in `Operations`, whose `get` responds with an operation), by its
//! module and feature:
//!
#![doc = include_str!("apis/services.md")]
#![deny(missing_docs)]

#[rustfmt::skip]
mod apis;
#[cfg(feature = "client")]
mod client;
mod codec;
mod error;
mod metadata;
mod operation;
mod request;
mod resolve;
mod response;
mod service;
mod url;

pub use apis::*;
#[cfg(feature = "adc")]
pub use client::Adc;
#[cfg(feature = "client")]
pub use client::{
    Client, ClientBuilder, EnvToken, PollPolicy, PollState, Pollable, Poller, RetryPolicy, Token,
    TokenFuture, TokenSource,
};
pub use codec::JsonObject;
pub use error::{BoxError, Error, ParamProblem, PollLimit, TransportKind};
pub use metadata::{MetadataSet, MetadataType, Progress};
pub use operation::{
    Cancel, ErrorEntry, ErrorList, LongRunningOperation, NoContent, Operation, OperationError,
    Page, Status, WrongType, code_name, type_url,
};
pub use request::Request;
pub use resolve::{AnyOperation, Collection, ResolveError, Resolved, resolve};
pub use response::{ApiError, ErrorInfo, LegacyError, decode_response};
pub use service::{MethodInfo, ParamInfo, ParamLocation, Pattern, Scope, ServiceInfo};

/// The traits whose methods every request and operation offers: `use
/// google_operations::prelude::*;` brings [`url`](Request::url), [`fields`](Request::fields),
/// [`to_http`](Request::to_http), [`is_done`](LongRunningOperation::is_done) and the others
/// into scope.
pub mod prelude {
    pub use crate::metadata::MetadataSet;
    pub use crate::operation::LongRunningOperation;
    pub use crate::request::Request;
}

/// The examples of the repository's README.md, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;

/// What generated builders and models use beyond the public types; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::codec::{WireEnum, WireInt, int64, wire_enum};
    pub use crate::request::{Call, QueryValue};
}
