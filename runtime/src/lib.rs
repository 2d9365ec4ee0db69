//! The hand-written runtime of the [`google-operations`](https://docs.rs/google-operations)
//! crate: what its generated service modules build on, and what users name beside them.
//!
//! Depend on `google-operations`, not on this crate: it re-exports everything here at its
//! root, beside one module per service (`google_operations::dataproc_v1`), and its docs are
//! the ones to read. This crate holds:
//! - requests: the [`Request`] trait every generated builder implements (its URL, query
//!   parameters and [`http::Request`]), and [`template`]: path templates and parameter
//!   patterns, read one way by the builders, the resolver and the generator;
//! - operations: [`Operation`] and [`Status`] (google.longrunning), the
//!   [`LongRunningOperation`] trait over every service's operation shape, [`OperationError`],
//!   typed metadata by `@type` ([`MetadataSet`]) and [`Progress`] (its fields listed once as
//!   [`ProgressField`]);
//! - responses and errors: [`decode_response`], [`ApiError`] read from Google's error envelope,
//!   and [`Error`];
//! - the resolver: [`resolve_among`], from an operation name or URL to the `get` of its
//!   collection ([`Collection`]);
//! - with the feature `client` (default): an async [`Client`] on reqwest and rustls (no
//!   OpenSSL) with token sources (a quota project and a universe domain), retries and a
//!   [`Poller`]; with `adc`, Application Default Credentials through Google's
//!   `google-cloud-auth`.
//!
//! Without `client` the crate is sans-io and depends only on serde, serde_json, http,
//! percent-encoding and regex-lite.
#![deny(missing_docs)]

mod api_error;
#[cfg(feature = "client")]
mod client;
mod codec;
mod error;
mod fields;
mod metadata;
mod operation;
mod request;
mod resolve;
mod response;
mod service;
pub mod template;
#[cfg(test)]
mod test_support;
mod url;

#[cfg(feature = "adc")]
pub use client::Adc;
#[cfg(feature = "client")]
pub use client::{
    AuthFuture, Client, ClientBuilder, DEFAULT_MAX_RESPONSE_SIZE, EnvToken, PollPolicy, PollState,
    Pollable, Poller, QUOTA_PROJECT_HEADER, RateLimit, RetryPolicy, Token, TokenCommand,
    TokenSource,
};
/// The `http` crate, whose `Request` and `Response` the sans-io core builds and reads.
pub use http;

pub use api_error::{ApiError, ErrorInfo, LegacyError};
pub use codec::JsonObject;
pub use error::{BodyProblem, BoxError, Error, ParamProblem, PollLimit, TransportKind};
pub use fields::{DoneField, ErrorField, OperationFields};
pub use metadata::{MetadataSet, MetadataType, Progress, ProgressField};
pub use operation::{
    Cancel, ErrorEntry, ErrorList, LongRunningOperation, NoContent, Operation, OperationError,
    Page, Status, WrongType, code_name, type_url,
};
pub use request::Request;
pub use resolve::{
    AnyOperation, Collection, ResolveError, Resolved, resolve_among, resolve_among_in_universe,
};
pub use response::decode_response;
pub use service::{
    DEFAULT_UNIVERSE_DOMAIN, Endpoint, EndpointKind, LOCATIONAL_BY_DEFAULT, MethodInfo, ParamInfo,
    ParamLocation, Pattern, Scope, ServiceInfo, check_universe_domain,
};

/// The traits whose methods every request and operation offers: `use
/// google_operations::prelude::*;` brings [`url`](Request::url), [`fields`](Request::fields),
/// [`to_http`](Request::to_http), [`is_done`](LongRunningOperation::is_done) and the others
/// into scope.
pub mod prelude {
    pub use crate::metadata::MetadataSet;
    pub use crate::operation::LongRunningOperation;
    pub use crate::request::Request;
}

/// What generated builders and models use beyond the public types; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::codec::{WireEnum, WireInt, int64, wire_enum};
    pub use crate::request::{Call, QueryValue};
}
