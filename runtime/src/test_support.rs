//! A hand-declared `operations.get` for the unit tests: Dataproc's, as its generated module
//! declares it, over the runtime's own [`Operation`](crate::Operation).

use crate::request::{Call, Request};
use crate::service::{MethodInfo, ParamInfo, Scope, ServiceInfo};

pub use crate::operation::Operation;

const SCOPES: &[Scope] = &[Scope::new("https://www.googleapis.com/auth/cloud-platform")];

/// The service of [`Get`].
pub static SERVICE: ServiceInfo = ServiceInfo {
    name: "dataproc",
    version: "v1",
    title: "Cloud Dataproc API",
    revision: "20261101",
    root_url: "https://dataproc.googleapis.com/",
    mtls_root_url: None,
    service_path: "",
    endpoints: &[],
    scopes: SCOPES,
    metadata: &[],
};

/// `dataproc.projects.regions.operations.get`.
pub struct Get(Call);

impl Request for Get {
    type Response = Operation;

    const METHOD: &'static MethodInfo = &MethodInfo {
        id: "dataproc.projects.regions.operations.get",
        http_method: "GET",
        path: "v1/{+name}",
        params: &[ParamInfo::path("name").pattern(
            "^projects/[^/]+/regions/[^/]+/operations/[^/]+$",
            Some("projects/*/regions/*/operations/*"),
        )],
        scopes: SCOPES,
        service: &SERVICE,
    };

    fn call(&self) -> &Call {
        &self.0
    }

    fn call_mut(&mut self) -> &mut Call {
        &mut self.0
    }
}
