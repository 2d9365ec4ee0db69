//! The [`Request`] trait every generated builder implements, and the standard query
//! parameters every Google API accepts.

use std::fmt;

use crate::error::Error;
use crate::service::MethodInfo;
use crate::url::{QueryValue, UrlWriter};

/// A request ready to be sent: a typed builder for one Discovery method.
///
/// Builders check their path parameters when they are made, so every value of a type that
/// implements `Request` turns into a well-formed URL. The provided methods set the standard
/// parameters every Google API accepts (`fields`, `quotaUser`, `prettyPrint`, …) and override
/// the root URL; bring them into scope with `use google_operations::Request;`.
pub trait Request {
    /// The typed body of a successful response.
    type Response: serde::de::DeserializeOwned;

    /// What the Discovery document says of the method.
    const METHOD: &'static MethodInfo;

    /// The standard parameters and root URL override of this request.
    fn common(&self) -> &CommonParams;

    /// Mutable access to the standard parameters and root URL override.
    fn common_mut(&mut self) -> &mut CommonParams;

    /// Writes the expanded path (after the service path) into `url`.
    fn write_path(&self, url: &mut UrlWriter);

    /// Writes the method's own query parameters into `url`; methods without any write none.
    fn write_query(&self, url: &mut UrlWriter) {
        let _ = url;
    }

    /// The full request URL: root URL, service path, expanded path and query string.
    fn url(&self) -> String {
        let common = self.common();
        let service = Self::METHOD.service;
        let root = common.root_url.as_deref().unwrap_or(service.root_url);
        // Room for the path and query of nearly every real operation name (the longest seen
        // are about 130 bytes), so building the URL allocates once.
        let mut url = UrlWriter::new(root, service.service_path, 192);
        self.write_path(&mut url);
        self.write_query(&mut url);
        common.write_query(&mut url);
        url.finish()
    }

    /// The request as an [`http::Request`] with an empty body, for any HTTP stack.
    ///
    /// Sets `accept: application/json` and `x-goog-api-client` naming this crate and version.
    /// Authentication is the sender's: add an `authorization` header with a token for one of
    /// [`MethodInfo::scopes`].
    fn to_http(&self) -> Result<http::Request<()>, Error> {
        let url = self.url();
        let method = Self::METHOD;
        http::Request::builder()
            .method(method.http_method)
            .uri(url.as_str())
            .header(http::header::ACCEPT, "application/json")
            .header("x-goog-api-client", API_CLIENT_HEADER)
            .body(())
            .map_err(|source| Error::InvalidUrl {
                method: method.id,
                url,
                source,
            })
    }

    /// Sends the request to `root_url` instead of the service's Discovery `rootUrl`: a
    /// regional or private endpoint, the mTLS root, or an emulator. A missing trailing `/`
    /// is added.
    fn root_url(mut self, root_url: impl Into<String>) -> Self
    where
        Self: Sized,
    {
        self.common_mut().root_url = Some(root_url.into());
        self
    }

    /// `fields`: selector specifying which fields to include in a partial response.
    fn fields(mut self, fields: impl Into<String>) -> Self
    where
        Self: Sized,
    {
        self.common_mut().fields = Some(fields.into());
        self
    }

    /// `quotaUser`: an arbitrary string (at most 40 characters) that identifies a user for
    /// quota purposes in server-side applications.
    fn quota_user(mut self, quota_user: impl Into<String>) -> Self
    where
        Self: Sized,
    {
        self.common_mut().quota_user = Some(quota_user.into());
        self
    }

    /// `prettyPrint`: whether the response is indented (the server's default is `true`).
    fn pretty_print(mut self, pretty_print: bool) -> Self
    where
        Self: Sized,
    {
        self.common_mut().pretty_print = Some(pretty_print);
        self
    }

    /// `$.xgafv`: the error format of the response.
    fn xgafv(mut self, xgafv: Xgafv) -> Self
    where
        Self: Sized,
    {
        self.common_mut().xgafv = Some(xgafv);
        self
    }

    /// `alt`: the data format of the response (the server's default is JSON; the typed
    /// response decodes only JSON).
    fn alt(mut self, alt: Alt) -> Self
    where
        Self: Sized,
    {
        self.common_mut().alt = Some(alt);
        self
    }

    /// `key`: an API key, which identifies the project for quota and billing.
    fn key(mut self, key: impl Into<String>) -> Self
    where
        Self: Sized,
    {
        self.common_mut().key = Some(key.into());
        self
    }

    /// `access_token`: an OAuth access token in the query string. Prefer the `authorization`
    /// header, which stays out of logs of URLs.
    fn access_token(mut self, access_token: impl Into<String>) -> Self
    where
        Self: Sized,
    {
        self.common_mut().access_token = Some(access_token.into());
        self
    }

    /// `oauth_token`: an OAuth 2.0 token for the current user, in the query string.
    fn oauth_token(mut self, oauth_token: impl Into<String>) -> Self
    where
        Self: Sized,
    {
        self.common_mut().oauth_token = Some(oauth_token.into());
        self
    }

    /// `callback`: the JSONP callback name.
    fn callback(mut self, callback: impl Into<String>) -> Self
    where
        Self: Sized,
    {
        self.common_mut().callback = Some(callback.into());
        self
    }

    /// `uploadType`: the legacy upload protocol for media (e.g. `media`, `multipart`).
    fn upload_type(mut self, upload_type: impl Into<String>) -> Self
    where
        Self: Sized,
    {
        self.common_mut().upload_type = Some(upload_type.into());
        self
    }

    /// `upload_protocol`: the upload protocol for media (e.g. `raw`, `multipart`).
    fn upload_protocol(mut self, upload_protocol: impl Into<String>) -> Self
    where
        Self: Sized,
    {
        self.common_mut().upload_protocol = Some(upload_protocol.into());
        self
    }
}

/// The value of the `x-goog-api-client` header: this crate and its version.
pub(crate) const API_CLIENT_HEADER: &str =
    concat!("gl-rust/ google-operations/", env!("CARGO_PKG_VERSION"));

/// The standard query parameters of every Google API, and the root URL override.
///
/// Set them through the provided methods of [`Request`]. `Debug` hides the credentials
/// (`key`, `access_token`, `oauth_token`).
#[derive(Clone, Default, PartialEq)]
pub struct CommonParams {
    root_url: Option<String>,
    xgafv: Option<Xgafv>,
    access_token: Option<String>,
    alt: Option<Alt>,
    callback: Option<String>,
    fields: Option<String>,
    key: Option<String>,
    oauth_token: Option<String>,
    pretty_print: Option<bool>,
    quota_user: Option<String>,
    upload_type: Option<String>,
    upload_protocol: Option<String>,
}

impl CommonParams {
    /// The root URL override, if one was set.
    pub fn root_url(&self) -> Option<&str> {
        self.root_url.as_deref()
    }

    fn write_query(&self, url: &mut UrlWriter) {
        fn put<V: QueryValue + ?Sized>(url: &mut UrlWriter, key: &str, value: Option<&V>) {
            if let Some(value) = value {
                url.query(key, value);
            }
        }
        put(url, "$.xgafv", self.xgafv.map(Xgafv::as_str));
        put(url, "access_token", self.access_token.as_deref());
        put(url, "alt", self.alt.map(Alt::as_str));
        put(url, "callback", self.callback.as_deref());
        put(url, "fields", self.fields.as_deref());
        put(url, "key", self.key.as_deref());
        put(url, "oauth_token", self.oauth_token.as_deref());
        put(url, "prettyPrint", self.pretty_print.as_ref());
        put(url, "quotaUser", self.quota_user.as_deref());
        put(url, "uploadType", self.upload_type.as_deref());
        put(url, "upload_protocol", self.upload_protocol.as_deref());
    }
}

impl fmt::Debug for CommonParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "<hidden>");
        f.debug_struct("CommonParams")
            .field("root_url", &self.root_url)
            .field("xgafv", &self.xgafv)
            .field("access_token", &hidden(&self.access_token))
            .field("alt", &self.alt)
            .field("callback", &self.callback)
            .field("fields", &self.fields)
            .field("key", &hidden(&self.key))
            .field("oauth_token", &hidden(&self.oauth_token))
            .field("pretty_print", &self.pretty_print)
            .field("quota_user", &self.quota_user)
            .field("upload_type", &self.upload_type)
            .field("upload_protocol", &self.upload_protocol)
            .finish()
    }
}

/// Values of the standard `$.xgafv` parameter: the error format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Xgafv {
    /// `1`: v1 error format.
    V1,
    /// `2`: v2 error format.
    V2,
}

impl Xgafv {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Xgafv::V1 => "1",
            Xgafv::V2 => "2",
        }
    }
}

/// Values of the standard `alt` parameter: the data format of the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alt {
    /// `json`: responses with content type `application/json`.
    Json,
    /// `media`: media download with a context-dependent content type.
    Media,
    /// `proto`: responses with content type `application/x-protobuf`.
    Proto,
}

impl Alt {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Alt::Json => "json",
            Alt::Media => "media",
            Alt::Proto => "proto",
        }
    }
}
