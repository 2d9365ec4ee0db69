//! Turns Google API Discovery documents into the Rust of the `google-operations` crate.
//!
//! One way through: [`load`] reads a document into borrowed [`discovery`] types,
//! [`extract`] builds the [`ir`] of its `operations.get` methods and the schemas they reach,
//! and [`emit`] prints each service as a formatted Rust file. [`generate`] runs them all;
//! [`files`] writes or checks the results, so regenerating and verifying never disagree.

pub mod discovery;
pub mod emit;
pub mod error;
pub mod extract;
pub mod files;
pub mod ir;
pub mod load;
pub mod names;
pub mod types;

use std::collections::BTreeMap;

pub use error::{Error, Errors};
pub use load::Source;

/// Where the generated files go, relative to the generated crate's folder.
pub const OUTPUT_DIR: &str = "src/apis";

/// The files the generator makes, and what it noticed on the way.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    /// File contents by path relative to the generated crate, e.g. `src/apis/dataproc_v1.rs`.
    pub files: BTreeMap<String, String>,
    /// Problems that did not stop generation (an unknown `format`, say).
    pub warnings: Vec<Error>,
}

/// Generates the service modules of every document; nothing is written.
///
/// Every document is read and checked before any file is made, and all their errors are
/// returned together.
pub fn generate(sources: &[Source], options: &emit::Options) -> Result<Generated, Errors> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut services: Vec<ir::Service> = Vec::new();
    for source in sources {
        let mut found = Vec::new();
        let result = load::document(&source.file, &source.text)
            .and_then(|doc| extract::service(&source.file, &doc, &mut found));
        warnings.extend(found.into_iter().map(|w| w.0));
        match result {
            Ok(service) => {
                if let Some(other) = services.iter().find(|s| s.module == service.module) {
                    errors.push(Error::new(
                        &source.file,
                        "name",
                        format!(
                            "module `{}` would also be made from {}; each name and version needs one document",
                            service.module, other.file
                        ),
                    ));
                } else if service.methods.is_empty() {
                    warnings.push(Error::new(
                        &source.file,
                        "resources",
                        "no operations.get method; no module generated",
                    ));
                } else {
                    services.push(service);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(Errors(errors));
    }
    services.sort_by(|a, b| a.module.cmp(&b.module));
    let mut files = BTreeMap::new();
    for service in &services {
        files.insert(
            format!("{OUTPUT_DIR}/{}.rs", service.module),
            emit::service_file(service, options),
        );
    }
    files.insert(
        format!("{OUTPUT_DIR}/mod.rs"),
        emit::index_file(&services, options),
    );
    Ok(Generated { files, warnings })
}
