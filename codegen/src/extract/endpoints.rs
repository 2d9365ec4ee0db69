//! A service's endpoints and OAuth scopes.

use std::collections::BTreeMap;

use super::collections::Found;
use crate::discovery::Document;
use crate::error::Error;
use crate::ir;
use crate::names::{self, Namespace};

/// The document's `endpoints`, told apart by their descriptions ("Locational Endpoint",
/// "Regional Endpoint"); one described otherwise, or whose URL is not https, is left out with a
/// warning.
pub(super) fn endpoints(
    file: &str,
    doc: &Document<'_>,
    warnings: &mut Vec<Error>,
) -> Vec<ir::Endpoint> {
    let mut out = Vec::new();
    for (i, e) in doc.endpoints.iter().enumerate() {
        let description = e
            .description
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let regional = match (
            description.contains("locational"),
            description.contains("regional"),
        ) {
            (true, false) => false,
            (false, true) => true,
            _ => {
                warnings.push(Error::new(
                    file,
                    format!("endpoints[{i}].description"),
                    "neither a locational nor a regional endpoint; left out",
                ));
                continue;
            }
        };
        if !e.endpoint_url.starts_with("https://") || !e.endpoint_url.ends_with('/') {
            warnings.push(Error::new(
                file,
                format!("endpoints[{i}].endpointUrl"),
                "not an https root URL ending in `/`; left out",
            ));
            continue;
        }
        out.push(ir::Endpoint {
            location: e.location.to_string(),
            url: e.endpoint_url.to_string(),
            regional,
        });
    }
    out
}

/// Every scope the document declares or a method names, in URL order, with its constant.
pub(super) fn scopes(doc: &Document<'_>, found: &[Found<'_>]) -> Vec<ir::Scope> {
    let mut all: BTreeMap<String, String> = doc
        .auth
        .oauth2
        .scopes
        .iter()
        .map(|(url, info)| {
            let description = info.description.as_deref().unwrap_or_default();
            (url.to_string(), description.to_owned())
        })
        .collect();
    for f in found {
        for scope in &f.method.scopes {
            all.entry(scope.to_string()).or_default();
        }
    }
    let mut const_names = Namespace::with_reserved(&["ALL"]);
    all.into_iter()
        .map(|(url, description)| ir::Scope {
            const_name: const_names.claim(scope_const(&url)),
            url,
            description,
        })
        .collect()
}

/// `https://www.googleapis.com/auth/cloud-platform` → `CLOUD_PLATFORM`.
fn scope_const(url: &str) -> String {
    let short = url
        .strip_prefix("https://www.googleapis.com/auth/")
        .or_else(|| url.strip_prefix("https://"))
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    names::shouty(short)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_constants() {
        assert_eq!(
            scope_const("https://www.googleapis.com/auth/dataproc.read-only"),
            "DATAPROC_READ_ONLY"
        );
        assert_eq!(scope_const("https://mail.google.com/"), "MAIL_GOOGLE_COM");
    }
}
