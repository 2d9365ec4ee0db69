//! Static descriptions of services, methods and OAuth scopes, as the Discovery documents state them.

/// An OAuth 2.0 scope a method accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Scope {
    /// The scope URL sent to the token endpoint, e.g. `https://www.googleapis.com/auth/cloud-platform`.
    pub url: &'static str,
    /// What the scope grants, from the Discovery document.
    pub description: &'static str,
}

/// One API service at one version, from its Discovery document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceInfo {
    /// Discovery `name`, e.g. `dataproc`.
    pub name: &'static str,
    /// Discovery `version`, e.g. `v1`.
    pub version: &'static str,
    /// Discovery `title`.
    pub title: &'static str,
    /// Discovery `revision` the code was generated from.
    pub revision: &'static str,
    /// Discovery `rootUrl`, ending in `/`.
    pub root_url: &'static str,
    /// Discovery `mtlsRootUrl`, where the document gives one.
    pub mtls_root_url: Option<&'static str>,
    /// Discovery `servicePath`, appended to the root URL before each method path.
    pub service_path: &'static str,
    /// Discovery `fullyEncodeReservedExpansion`.
    pub fully_encode_reserved_expansion: bool,
    /// Every OAuth scope the document declares.
    pub scopes: &'static [Scope],
}

/// One method, from its Discovery description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct MethodInfo {
    /// Discovery `id`, e.g. `dataproc.projects.regions.operations.get`.
    pub id: &'static str,
    /// HTTP method, e.g. `GET`.
    pub http_method: &'static str,
    /// Discovery `path` template, relative to the service path, e.g. `v1/{+name}`.
    pub path: &'static str,
    /// Discovery `flatPath`, where the document gives one.
    pub flat_path: Option<&'static str>,
    /// The OAuth scopes that grant access to the method; any one of them suffices.
    pub scopes: &'static [Scope],
    /// The service the method belongs to.
    pub service: &'static ServiceInfo,
}
