//! Turns Google API Discovery documents into the Rust of the `google-operations` crate.
//!
//! One way through: [`load`] reads a document into borrowed [`discovery`] types,
//! [`extract`] builds the [`ir`] of its operations collections and the schemas they reach,
//! and [`emit`] prints each service as a formatted Rust file. [`generate`] runs them all;
//! [`files`] writes or checks the results, so regenerating and verifying never disagree.

pub mod discovery;
pub mod emit;
pub mod error;
pub mod extract;
pub mod files;
pub mod ir;
pub mod load;
pub mod metadata;
pub mod names;
pub mod types;

use std::collections::BTreeMap;

pub use error::{Error, Errors};
pub use load::Source;

/// Where the typed service modules go, relative to the generated crate's folder (their catalog
/// modules go to [`emit::catalog::DIR`]).
pub const OUTPUT_DIR: &str = "src/apis";

/// Why a document makes no module.
pub const NO_COLLECTION: &str = "no operations collection (a resource named `operations`, or \
     ending in `Operations`, whose `get` responds with an operation), so there is nothing to \
     generate";

/// The crate's manifest, relative to its folder.
pub const MANIFEST: &str = "Cargo.toml";

/// The crate's root module, relative to its folder.
pub const LIB: &str = "src/lib.rs";

/// The file of the table of services, included in the crate docs.
pub const SERVICES_TABLE: &str = "src/apis/services.md";

/// The files the generator makes, and what it noticed on the way.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    /// File contents by path relative to the generated crate, e.g. `src/apis/dataproc_v1.rs`:
    /// every file of the crate.
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
    let mut services: BTreeMap<String, (ir::Service, String)> = BTreeMap::new();
    for source in sources {
        let service = load::document(&source.file, &source.text)
            .and_then(|doc| extract::service(&source.file, &doc, &mut warnings));
        match service {
            Err(e) => errors.push(e),
            Ok(None) => errors.push(Error::new(&source.file, "resources", NO_COLLECTION)),
            Ok(Some(service)) => match services.get(&service.module) {
                Some((other, _)) => errors.push(Error::new(
                    &source.file,
                    "name",
                    format!(
                        "module `{}` would also be made from {}; each name and version needs one document",
                        service.module, other.file
                    ),
                )),
                None => {
                    let text = emit::service_file(&service, options);
                    services.insert(service.module.clone(), (service, text));
                }
            },
        }
    }
    if !errors.is_empty() {
        return Err(Errors(errors));
    }
    let mut files = BTreeMap::new();
    let mut modules = Vec::with_capacity(services.len());
    for (module, (service, text)) in services {
        files.insert(format!("{OUTPUT_DIR}/{module}.rs"), text);
        files.insert(
            format!("{}/{module}.rs", emit::catalog::DIR),
            emit::catalog::service_file(&service, options),
        );
        modules.push(service);
    }
    files.insert(
        format!("{}/mod.rs", emit::catalog::DIR),
        emit::catalog::index_file(&modules, options),
    );
    files.insert(SERVICES_TABLE.to_owned(), emit::table::table(&modules));
    files.insert(
        MANIFEST.to_owned(),
        emit::manifest::manifest(&modules, options),
    );
    files.insert(LIB.to_owned(), emit::lib_file(&modules, options));
    Ok(Generated { files, warnings })
}
