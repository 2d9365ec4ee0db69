//! The [`Request`] trait every generated builder implements, and [`Call`], the parameter values
//! every builder holds.

use std::fmt;

use crate::codec::WireEnum;
use crate::error::Error;
use crate::service::{
    DEFAULT_UNIVERSE_DOMAIN, EndpointKind, MethodInfo, ParamInfo, ParamLocation, in_universe,
};
use crate::template::{Expansion, PathTemplate, UrlWriter, check_pattern, check_segments};

/// A request ready to be sent: a typed builder for one Discovery method.
///
/// Builders check their path parameters when they are made, so every value of a type that
/// implements `Request` turns into a well-formed URL. The provided methods read the URL, make
/// an [`http::Request`], set the standard parameters that make sense for these methods
/// (`fields`, `quotaUser`, `prettyPrint`) and override the root URL. They need the trait in
/// scope: `use google_operations::prelude::*;`.
///
/// # Constructors
///
/// A builder's `new` takes the method's required parameters in the order its page lists them,
/// and checks each value it takes as the method's path template and the document say:
///
/// - a value for a parameter with a Discovery `pattern` must match all of the pattern (the
///   pattern's shape, such as `projects/*/operations/*`, is on the parameter's line);
/// - a path value may not be empty, and may not have an empty, `.` or `..` segment (for
///   `{+name}`, which keeps `/`; for `{name}`, the whole value is one segment and `/` is
///   encoded).
///
/// A value that fails is [`Error::InvalidParameter`], naming the method, the parameter, the
/// value and what was wrong; no request exists until every value passes. The values are
/// percent-encoded when the URL is written, so a value can never change the query, the
/// fragment or the path outside its own segments.
///
/// ```
/// use google_operations::dataproc_v1::ProjectsRegionsOperationsGet;
/// use google_operations::{Error, ParamProblem};
///
/// let err = ProjectsRegionsOperationsGet::new("projects/p/regions/r/operations/../x")
///     .unwrap_err();
/// assert!(matches!(
///     err,
///     Error::InvalidParameter { problem: ParamProblem::DotSegment, .. }
/// ));
/// assert!(ProjectsRegionsOperationsGet::new("projects/p/clusters/c").is_err());
/// ```
pub trait Request {
    /// The typed body of a successful response.
    type Response: serde::de::DeserializeOwned;

    /// What the Discovery document says of the method.
    const METHOD: &'static MethodInfo;

    /// The parameter values of this request.
    #[doc(hidden)]
    fn call(&self) -> &Call;

    /// Mutable access to the parameter values of this request.
    #[doc(hidden)]
    fn call_mut(&mut self) -> &mut Call;

    /// The full request URL: root URL, service path, expanded path and query string.
    ///
    /// ```
    /// use google_operations::dataproc_v1::ProjectsRegionsOperationsGet;
    /// use google_operations::prelude::*;
    ///
    /// let get = ProjectsRegionsOperationsGet::new("projects/p/regions/us-central1/operations/1")?;
    /// assert_eq!(
    ///     get.fields("name,done").url(),
    ///     "https://dataproc.googleapis.com/v1/projects/p/regions/us-central1/operations/1\
    ///      ?fields=name%2Cdone"
    /// );
    /// # Ok::<(), google_operations::Error>(())
    /// ```
    fn url(&self) -> String {
        self.call().url(&Defaults::NONE)
    }

    /// The request as an [`http::Request`] for any HTTP stack: its body is the JSON of
    /// the method's request body (set with the builder's `body`), or empty.
    ///
    /// Sets `accept: application/json`, `content-type: application/json` when there is a body,
    /// and `x-goog-api-client` naming the Rust version, this crate and its version.
    /// Authentication is the sender's: add an `authorization` header with a token for one of
    /// [`MethodInfo::scopes`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidUrl`] when the root URL (an override) does not make a valid URI.
    fn to_http(&self) -> Result<http::Request<Vec<u8>>, Error> {
        self.call().to_http(&Defaults::NONE)
    }

    /// For a collection's `get`: its `wait` method, which the poller calls instead of `get`
    /// where the collection has one (same path parameters, same response).
    #[doc(hidden)]
    const WAIT: Option<&'static MethodInfo> = None;

    /// Sends the request to `root_url` instead of the service's Discovery `rootUrl`: a
    /// regional or private endpoint, the mTLS root, or an emulator. A missing trailing `/`
    /// is added.
    fn root_url(mut self, root_url: impl Into<String>) -> Self
    where
        Self: Sized,
    {
        self.call_mut().root_url = Some(root_url.into());
        self
    }

    /// Sends the request to the service's regional endpoint for the location its path names
    /// (`https://dataproc.europe-west3.rep.googleapis.com/` for `…/locations/europe-west3/…`),
    /// where the Discovery document publishes one; otherwise as without it. A root URL given
    /// with [`root_url`](Self::root_url) or to the client wins.
    fn regional_endpoint(mut self) -> Self
    where
        Self: Sized,
    {
        self.call_mut().endpoint = Some(EndpointKind::Regional);
        self
    }

    /// Sends the request to the service's locational endpoint for the location its path names
    /// (`https://us-central1-run.googleapis.com/` for `…/locations/us-central1/…`), where the
    /// Discovery document publishes one; otherwise to its root URL. Requests of services that
    /// serve a location only there go there without asking
    /// ([`LOCATIONAL_BY_DEFAULT`](crate::LOCATIONAL_BY_DEFAULT)). A root URL given with
    /// [`root_url`](Self::root_url) or to the client wins.
    fn locational_endpoint(mut self) -> Self
    where
        Self: Sized,
    {
        self.call_mut().endpoint = Some(EndpointKind::Locational);
        self
    }

    /// `fields`: which fields to include in a partial response, e.g. `name,done,error`.
    fn fields(mut self, fields: impl Into<String>) -> Self
    where
        Self: Sized,
    {
        self.call_mut().fields = Some(fields.into());
        self
    }

    /// `quotaUser`: an arbitrary string (at most 40 characters) that identifies a user for
    /// quota purposes in server-side applications.
    fn quota_user(mut self, quota_user: impl Into<String>) -> Self
    where
        Self: Sized,
    {
        self.call_mut().quota_user = Some(quota_user.into());
        self
    }

    /// `prettyPrint`: whether the response is indented (the server's default is `true`).
    fn pretty_print(mut self, pretty_print: bool) -> Self
    where
        Self: Sized,
    {
        self.call_mut().pretty_print = Some(pretty_print);
        self
    }
}

/// The value of the `x-goog-api-client` header: the Rust version the crate was built with, and
/// this crate and its version.
pub(crate) const API_CLIENT_HEADER: &str = concat!(
    "gl-rust/",
    env!("GOOGLE_OPERATIONS_RUSTC_VERSION"),
    " google-operations/",
    env!("CARGO_PKG_VERSION")
);

/// What a client sets for all its requests, which a request's own settings override.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Defaults<'a> {
    /// The root URL of every request.
    pub(crate) root_url: Option<&'a str>,
    /// Which kind of endpoint to prefer, where the request does not say.
    pub(crate) endpoint: Option<EndpointKind>,
    /// The universe domain that replaces `googleapis.com` in the documents' URLs; `None` for
    /// `googleapis.com` itself.
    pub(crate) universe: Option<&'a str>,
}

impl Defaults<'_> {
    /// No client-wide settings: the sans-io core's.
    pub(crate) const NONE: Defaults<'static> = Defaults {
        root_url: None,
        endpoint: None,
        universe: None,
    };
}

/// The parameter values of one request: its path parameters (checked when the request is
/// made), its query parameters, the standard parameters and a root URL override.
///
/// Generated builders hold one and describe their method with a [`MethodInfo`]; this type
/// expands the path template, writes the query string and checks values against it, once for
/// every builder.
#[doc(hidden)]
#[derive(Clone, PartialEq)]
pub struct Call {
    method: &'static MethodInfo,
    /// Values of the path parameters, in the order of [`MethodInfo::params`].
    path: Vec<String>,
    /// Query parameters: wire name and value, several values of a repeated one in order.
    query: Vec<(&'static str, String)>,
    pub(crate) root_url: Option<String>,
    /// The root URL the resolver took from the URL the user gave: one of the service's
    /// published endpoints, or the host of an API the build does not have. Below a root URL
    /// given to the request or to the client.
    pub(crate) resolved_root: Option<String>,
    /// Which kind of the service's endpoints for the path's location to prefer.
    pub(crate) endpoint: Option<EndpointKind>,
    /// The universe domain the resolver found the request in, when it is not `googleapis.com`:
    /// it replaces `googleapis.com` in the document's URLs, over the client's.
    pub(crate) universe: Option<String>,
    fields: Option<String>,
    quota_user: Option<String>,
    pretty_print: Option<bool>,
    /// The JSON of the request body, for methods that take one.
    body: Option<Vec<u8>>,
}

impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path: Vec<_> = self.path_params().map(|p| p.name).zip(&self.path).collect();
        f.debug_struct("Call")
            .field("method", &self.method.id)
            .field("path", &path)
            .field("query", &self.query)
            .field("root_url", &self.root_url)
            .field("fields", &self.fields)
            .field("quota_user", &self.quota_user)
            .field("pretty_print", &self.pretty_print)
            .finish()
    }
}

impl Call {
    /// The values of a new request to `R`'s method: `path` holds one value per path
    /// parameter, in order. Each is checked for its expansion and its pattern.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] naming the first value refused.
    pub fn new<R: Request>(path: impl Into<Vec<String>>) -> Result<Self, Error> {
        Call::for_values(R::METHOD, path.into())
    }

    /// The values of a new request to `method`, checked as [`new`](Self::new) checks them.
    pub(crate) fn for_values(
        method: &'static MethodInfo,
        path: Vec<String>,
    ) -> Result<Self, Error> {
        let call = Call::for_values_beyond_pattern(method, path)?;
        for (param, value) in call.path_params().zip(&call.path) {
            check_pattern(method, param, value)?;
        }
        Ok(call)
    }

    /// The values of a new request to `method`, checked for every segment that would move the
    /// request elsewhere but not against the parameters' patterns: for names a service
    /// returns and serves although its document's pattern does not cover them.
    pub(crate) fn for_values_beyond_pattern(
        method: &'static MethodInfo,
        path: Vec<String>,
    ) -> Result<Self, Error> {
        let call = Call {
            method,
            path,
            query: Vec::new(),
            root_url: None,
            resolved_root: None,
            endpoint: None,
            universe: None,
            fields: None,
            quota_user: None,
            pretty_print: None,
            body: None,
        };
        assert_eq!(
            call.path.len(),
            call.path_params().count(),
            "{}: one value per path parameter",
            method.id
        );
        for (param, value) in call.path_params().zip(&call.path) {
            let expansion = PathTemplate::checked(method.path)
                .expansion(param.name)
                .unwrap_or(Expansion::Simple);
            check_segments(method, param, expansion, value)?;
        }
        Ok(call)
    }

    fn path_params(&self) -> impl Iterator<Item = &'static ParamInfo> {
        self.method
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Path)
    }

    /// The value of the path parameter `name`.
    pub fn path(&self, name: &str) -> &str {
        self.path_params()
            .zip(&self.path)
            .find(|(p, _)| p.name == name)
            .map_or("", |(_, value)| value)
    }

    /// Sets the request body to the JSON of `body`.
    pub fn body<T: serde::Serialize>(mut self, body: &T) -> Self {
        // Models serialize to JSON objects, which cannot fail.
        self.body = serde_json::to_vec(body).ok();
        self
    }

    /// The operation this call names: the value of its last path parameter (a
    /// google.longrunning operation's whole `name`, a Compute operation's ID).
    #[cfg(feature = "client")]
    pub(crate) fn operation_name(&self) -> Option<&str> {
        self.path.last().map(String::as_str)
    }

    /// The same values for another method of the same collection that takes the same path
    /// parameters (a `get`'s `wait` or `cancel`), without query parameters or body.
    #[cfg(feature = "client")]
    pub(crate) fn for_method(&self, method: &'static MethodInfo) -> Call {
        Call {
            method,
            path: self.path.clone(),
            query: Vec::new(),
            root_url: self.root_url.clone(),
            resolved_root: self.resolved_root.clone(),
            endpoint: self.endpoint,
            universe: self.universe.clone(),
            fields: None,
            quota_user: self.quota_user.clone(),
            pretty_print: None,
            body: None,
        }
    }

    /// The value of query parameter `name`, its first if it has several.
    #[cfg(feature = "client")]
    pub(crate) fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The method these values are for.
    #[cfg(feature = "client")]
    pub(crate) fn method(&self) -> &'static MethodInfo {
        self.method
    }

    /// Sets the query parameter `name` to `value`, replacing any value it had.
    pub fn set(self, name: &'static str, value: impl QueryValue) -> Self {
        self.set_all(name, [value])
    }

    /// Sets the repeated query parameter `name` to `values`, replacing those it had.
    pub fn set_all<V: QueryValue>(
        mut self,
        name: &'static str,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.query.retain(|(key, _)| *key != name);
        self.query
            .extend(values.into_iter().map(|v| (name, v.to_query())));
        self
    }

    /// Sets a required query parameter that has a pattern, checking the value against it.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] when the value does not match.
    pub fn require(self, name: &'static str, value: String) -> Result<Self, Error> {
        if let Some(param) = self.method.param(name) {
            check_pattern(self.method, param, &value)?;
        }
        Ok(self.set(name, value))
    }

    /// The location the request's path names: the id after a `locations` or `regions`
    /// collection of a whole-name parameter (`projects/p/locations/europe-west4/operations/1`:
    /// collections and ids alternate), or the value of a parameter named for one
    /// (`{location}`, `{locationsId}`, `{region}`).
    pub(crate) fn location(&self) -> Option<&str> {
        for (param, value) in self.path_params().zip(&self.path) {
            if matches!(
                param.name,
                "location" | "locationsId" | "locationId" | "region" | "regionsId"
            ) {
                return Some(value);
            }
            let segments: Vec<&str> = value.split('/').collect();
            for pair in segments.chunks_exact(2) {
                if pair[0] == "locations" || pair[0] == "regions" {
                    return Some(pair[1]);
                }
            }
        }
        None
    }

    /// The universe domain the request goes to: the resolver's, else the client's, else
    /// `googleapis.com`.
    pub(crate) fn universe<'a>(&'a self, defaults: &Defaults<'a>) -> &'a str {
        self.universe
            .as_deref()
            .or(defaults.universe)
            .unwrap_or(DEFAULT_UNIVERSE_DOMAIN)
    }

    /// The full URL. Its root: the request's own override, else `defaults.root_url`, else the
    /// root the resolver took from the user's URL, else the published endpoint for the path's
    /// location ([`ServiceInfo::root_url_for`], of the kind the request or `defaults` asks
    /// for); a root from the document or the resolver with `googleapis.com` replaced by the
    /// universe domain (the resolver's, else `defaults.universe`).
    pub(crate) fn url(&self, defaults: &Defaults<'_>) -> String {
        let (method, service) = (self.method, self.method.service);
        let root = match self.root_url.as_deref().or(defaults.root_url) {
            Some(root) => std::borrow::Cow::Borrowed(root),
            None => {
                let root = self.resolved_root.as_deref().unwrap_or_else(|| {
                    service.root_url_for(self.location(), self.endpoint.or(defaults.endpoint))
                });
                in_universe(root, self.universe(defaults))
            }
        };
        // Room for the path and query of nearly every real operation name (the longest seen
        // are about 130 bytes), so building the URL allocates once.
        let mut url = UrlWriter::new(&root, service.service_path, 192);
        PathTemplate::checked(method.path).expand(&mut url, |name| self.path(name));
        for param in method.params {
            for (_, value) in self.query.iter().filter(|(key, _)| *key == param.name) {
                url.query(param.name, value);
            }
        }
        let standard = [
            ("fields", self.fields.as_deref()),
            ("prettyPrint", self.pretty_print.map(bool_text)),
            ("quotaUser", self.quota_user.as_deref()),
        ];
        for (key, value) in standard {
            if let Some(value) = value {
                url.query(key, value);
            }
        }
        url.finish()
    }

    /// The request; `defaults` as for [`url`](Self::url).
    pub(crate) fn to_http(&self, defaults: &Defaults<'_>) -> Result<http::Request<Vec<u8>>, Error> {
        let url = self.url(defaults);
        let mut builder = http::Request::builder()
            .method(self.method.http_method)
            .uri(url.as_str())
            .header(http::header::ACCEPT, "application/json")
            .header("x-goog-api-client", API_CLIENT_HEADER);
        if self.body.is_some() {
            builder = builder.header(http::header::CONTENT_TYPE, "application/json");
        }
        builder
            .body(self.body.clone().unwrap_or_default())
            .map_err(|source| Error::InvalidUrl {
                method: self.method.id,
                url,
                source,
            })
    }
}

fn bool_text(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

/// A value that can stand in a query string: text, a number, a boolean or a generated enum.
#[doc(hidden)]
pub trait QueryValue {
    /// The value as the query string carries it, before encoding.
    fn to_query(&self) -> String;
}

impl QueryValue for String {
    fn to_query(&self) -> String {
        self.clone()
    }
}

impl QueryValue for &str {
    fn to_query(&self) -> String {
        (*self).to_owned()
    }
}

macro_rules! display_query_value {
    ($($ty:ty),*) => {$(
        impl QueryValue for $ty {
            fn to_query(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_query_value!(bool, i32, u32, i64, u64, f32, f64);

impl<T: WireEnum> QueryValue for T {
    fn to_query(&self) -> String {
        self.as_wire().to_owned()
    }
}
