//! Static descriptions of services, methods, parameters and OAuth scopes, as the Discovery
//! documents state them.

/// An OAuth 2.0 scope a method accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Scope {
    /// The scope URL sent to the token endpoint, e.g.
    /// `https://www.googleapis.com/auth/cloud-platform`.
    pub url: &'static str,
}

impl Scope {
    /// The scope with this URL. What it grants is in the docs of the constant that names it.
    pub const fn new(url: &'static str) -> Self {
        Scope { url }
    }
}

/// The universe domain of Google Cloud's public APIs, which every Discovery document's root URLs
/// and endpoints name: `https://SERVICE.googleapis.com/`.
pub const DEFAULT_UNIVERSE_DOMAIN: &str = "googleapis.com";

/// Checks that `universe` can stand for `googleapis.com` in a host: labels of ASCII letters,
/// digits and `-`, at least two of them (`s3nsapis.fr`).
///
/// # Errors
///
/// What is wrong with it, for a message naming where it came from.
pub fn check_universe_domain(universe: &str) -> Result<(), String> {
    if plain_labels(universe) && universe.contains('.') {
        Ok(())
    } else {
        Err(format!(
            "the universe domain {universe:?} is not a domain such as `googleapis.com` \
             (labels of letters, digits and `-`, separated by dots)"
        ))
    }
}

/// `url` in the universe `universe`: its host's `googleapis.com` (the host itself, or its
/// last two labels) replaced by `universe`. Any other URL is returned as it is.
/// Whether `host` is labels of letters, digits and `-` (none empty, none starting with `-`)
/// separated by dots: nothing an HTTP stack could read another host or a port out of.
pub(crate) fn plain_labels(host: &str) -> bool {
    host.split('.').all(|label| {
        !label.is_empty()
            && !label.starts_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

pub(crate) fn in_universe<'a>(url: &'a str, universe: &str) -> std::borrow::Cow<'a, str> {
    use std::borrow::Cow;
    if universe == DEFAULT_UNIVERSE_DOMAIN {
        return Cow::Borrowed(url);
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Cow::Borrowed(url);
    };
    let end = rest.find('/').unwrap_or(rest.len());
    let (host, path) = rest.split_at(end);
    let prefix = if host.eq_ignore_ascii_case(DEFAULT_UNIVERSE_DOMAIN) {
        ""
    } else {
        match host.len().checked_sub(DEFAULT_UNIVERSE_DOMAIN.len() + 1) {
            Some(at)
                if host.is_char_boundary(at)
                    && host[at..].eq_ignore_ascii_case(".googleapis.com") =>
            {
                &host[..=at]
            }
            _ => return Cow::Borrowed(url),
        }
    };
    Cow::Owned(format!("{scheme}://{prefix}{universe}{path}"))
}

/// One API service at one version, from its Discovery document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// Discovery `endpoints`: the locational and regional endpoints the document publishes.
    pub endpoints: &'static [Endpoint],
    /// Every OAuth scope the document declares.
    pub scopes: &'static [Scope],
    /// The service's operation metadata messages (see [`MetadataType`](crate::MetadataType)).
    pub metadata: &'static [crate::MetadataType],
}

impl ServiceInfo {
    /// The root URL a request naming `location` goes to, among the endpoints the document
    /// publishes: asked for a `kind` of endpoint, the one of that kind for the location where
    /// there is one; otherwise, for a service that serves a location only at its locational
    /// endpoint ([`LOCATIONAL_BY_DEFAULT`]), that endpoint where there is one; else
    /// [`root_url`](Self::root_url), as Google's own clients send. Never a host the document
    /// does not name.
    pub fn root_url_for(&self, location: Option<&str>, kind: Option<EndpointKind>) -> &'static str {
        let find = |kind: EndpointKind| {
            location.and_then(|l| {
                self.endpoints
                    .iter()
                    .find(|e| e.kind == kind && e.location == l)
                    .map(|e| e.url)
            })
        };
        let default = || {
            LOCATIONAL_BY_DEFAULT
                .iter()
                .any(|(name, _)| *name == self.name)
                .then(|| find(EndpointKind::Locational))
                .flatten()
        };
        kind.and_then(find)
            .or_else(default)
            .unwrap_or(self.root_url)
    }

    /// Whether `host` is one of the service's own, by its document: its root URL's, its mTLS
    /// root URL's or an endpoint's; and the root URL to send to for it.
    pub fn root_url_of_host(&self, host: &str) -> Option<&'static str> {
        self.root_url_of_host_in(host, DEFAULT_UNIVERSE_DOMAIN)
    }

    /// As [`root_url_of_host`](Self::root_url_of_host), in the universe `universe`: whether
    /// `host` is one of the service's own with `googleapis.com` replaced by `universe`; and
    /// the root URL, as the document gives it, to send to for it.
    pub fn root_url_of_host_in(&self, host: &str, universe: &str) -> Option<&'static str> {
        let mut roots = std::iter::once(self.root_url)
            .chain(self.mtls_root_url)
            .chain(self.endpoints.iter().map(|e| e.url));
        roots.find(|root| {
            let root = in_universe(root, universe);
            let rest = root.split_once("://").map_or(&*root, |(_, rest)| rest);
            rest.split('/')
                .next()
                .is_some_and(|h| h.eq_ignore_ascii_case(host))
        })
    }
}

/// The services (by Discovery name) whose requests naming a location go to that location's
/// locational endpoint by default, each with where that comes from: they serve a location's
/// resources only there. Every other service's requests go to its root URL unless an endpoint
/// is asked for ([`Request::regional_endpoint`](crate::Request::regional_endpoint),
/// [`Request::locational_endpoint`](crate::Request::locational_endpoint), or client-wide), as
/// Google's own clients send them: Cloud Run's and Cloud Composer's Go and Python clients use
/// `run.googleapis.com` and `composer.googleapis.com` unless told otherwise, although their
/// documents publish locational endpoints too.
pub const LOCATIONAL_BY_DEFAULT: &[(&str, &str)] = &[(
    "aiplatform",
    "Vertex AI: Google's Vertex AI SDKs always send to https://LOCATION-aiplatform.googleapis.com/ \
     (google-cloud-aiplatform's initializer builds the API endpoint from the location), and \
     another host answers 400 \"location ID doesn't match the endpoint\"",
)];

/// A locational or regional endpoint of a service, as its Discovery document publishes it.
///
/// A *locational* endpoint (`https://europe-west4-aiplatform.googleapis.com/`) serves one
/// location's resources; some services (Vertex AI) serve a location only there, and requests
/// naming that location go there by default ([`LOCATIONAL_BY_DEFAULT`]); for others they go
/// there when asked. A *regional* endpoint
/// (`https://dataproc.europe-west3.rep.googleapis.com/`) keeps the request and its data in the
/// region; requests go there when asked (`Request::regional_endpoint`, or client-wide).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Endpoint {
    /// The location it serves, e.g. `europe-west4`.
    pub location: &'static str,
    /// Its root URL, ending in `/`.
    pub url: &'static str,
    /// Locational or regional.
    pub kind: EndpointKind,
}

impl Endpoint {
    /// A locational endpoint.
    pub const fn locational(location: &'static str, url: &'static str) -> Self {
        Endpoint {
            location,
            url,
            kind: EndpointKind::Locational,
        }
    }

    /// A regional endpoint.
    pub const fn regional(location: &'static str, url: &'static str) -> Self {
        Endpoint {
            location,
            url,
            kind: EndpointKind::Regional,
        }
    }
}

/// Which kind an [`Endpoint`] is, by its description in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EndpointKind {
    /// "Locational Endpoint": `https://LOCATION-SERVICE.googleapis.com/`.
    Locational,
    /// "Regional Endpoint": `https://SERVICE.LOCATION.rep.googleapis.com/`.
    Regional,
}

/// One method, from its Discovery description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodInfo {
    /// Discovery `id`, e.g. `dataproc.projects.regions.operations.get`.
    pub id: &'static str,
    /// HTTP method, e.g. `GET`.
    pub http_method: &'static str,
    /// Discovery `path` template, relative to the service path, e.g. `v1/{+name}`.
    pub path: &'static str,
    /// The method's parameters: those in the path, then those in the query string, in the
    /// order the query string lists them.
    pub params: &'static [ParamInfo],
    /// The OAuth scopes that grant access to the method; any one of them suffices.
    pub scopes: &'static [Scope],
    /// The service the method belongs to.
    pub service: &'static ServiceInfo,
}

impl MethodInfo {
    /// The parameter with this wire name.
    pub fn param(&self, name: &str) -> Option<&'static ParamInfo> {
        self.params.iter().find(|p| p.name == name)
    }
}

/// One parameter of a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParamInfo {
    /// The name on the wire, e.g. `name` or `pageSize`.
    pub name: &'static str,
    /// Where the value goes.
    pub location: ParamLocation,
    /// The Discovery `pattern` values must match, where the document gives one.
    pub pattern: Option<Pattern>,
}

impl ParamInfo {
    /// A parameter in the path.
    pub const fn path(name: &'static str) -> Self {
        ParamInfo {
            name,
            location: ParamLocation::Path,
            pattern: None,
        }
    }

    /// A parameter in the query string.
    pub const fn query(name: &'static str) -> Self {
        ParamInfo {
            name,
            location: ParamLocation::Query,
            pattern: None,
        }
    }

    /// A top-level property of the request body.
    pub const fn body(name: &'static str) -> Self {
        ParamInfo {
            name,
            location: ParamLocation::Body,
            pattern: None,
        }
    }

    /// The same parameter, whose values must match `regex` (described as `shape` where it
    /// has a simpler form, such as `projects/*/operations/*`).
    pub const fn pattern(self, regex: &'static str, shape: Option<&'static str>) -> Self {
        ParamInfo {
            pattern: Some(Pattern { regex, shape }),
            ..self
        }
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParamLocation {
    /// In the path, by the expansion the path template gives it.
    Path,
    /// In the query string.
    Query,
    /// A top-level property of the JSON request body (set with the builder's `body`).
    Body,
}

/// A Discovery `pattern`: the regular expression a value must match as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Pattern {
    /// The expression as the document gives it, e.g.
    /// `^projects/[^/]+/operations/[^/]+$`.
    pub regex: &'static str,
    /// The same rule in a form for people, e.g. `projects/*/operations/*`, where the expression
    /// has one.
    pub shape: Option<&'static str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn universe_domains_replace_googleapis_in_hosts() {
        let s3ns = "s3nsapis.fr";
        assert_eq!(
            in_universe("https://dataproc.googleapis.com/", s3ns),
            "https://dataproc.s3nsapis.fr/"
        );
        assert_eq!(
            in_universe("https://dataproc.europe-west3.rep.googleapis.com/", s3ns),
            "https://dataproc.europe-west3.rep.s3nsapis.fr/"
        );
        assert_eq!(
            in_universe("https://www.googleapis.com/compute/v1/", s3ns),
            "https://www.s3nsapis.fr/compute/v1/"
        );
        assert_eq!(
            in_universe("https://googleapis.com/", s3ns),
            "https://s3nsapis.fr/"
        );
        // Only the host's own suffix, never a lookalike or the path.
        assert_eq!(
            in_universe("https://x.notgoogleapis.com/googleapis.com/", s3ns),
            "https://x.notgoogleapis.com/googleapis.com/"
        );
        assert_eq!(
            in_universe("https://dataproc.googleapis.com/", DEFAULT_UNIVERSE_DOMAIN),
            "https://dataproc.googleapis.com/"
        );
        assert!(check_universe_domain(s3ns).is_ok());
        for bad in [
            "",
            "fr",
            "s3nsapis.fr/",
            "a..b",
            "evil.example:8080",
            "-x.fr",
            "s3ns apis.fr",
        ] {
            assert!(check_universe_domain(bad).is_err(), "{bad:?}");
        }
    }
}
