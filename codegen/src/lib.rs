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
use std::sync::atomic::{AtomicUsize, Ordering};

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
/// returned together. Documents are independent, so they are spread over one thread per
/// available core; the result does not depend on how many there are.
pub fn generate(sources: &[Source], options: &emit::Options) -> Result<Generated, Errors> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    generate_on(sources, options, threads)
}

/// [`generate`] on at most `threads` threads (at least one: the caller's).
pub fn generate_on(
    sources: &[Source],
    options: &emit::Options,
    threads: usize,
) -> Result<Generated, Errors> {
    let done = parallel_map(sources, threads, |source| one(source, options));
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut services: Vec<(ir::Service, String)> = Vec::new();
    for (source, (result, found)) in sources.iter().zip(done) {
        warnings.extend(found);
        match result {
            Ok((service, text)) => {
                if let Some((other, _)) = services.iter().find(|(s, _)| s.module == service.module)
                {
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
                    services.push((service, text));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(Errors(errors));
    }
    services.sort_by(|(a, _), (b, _)| a.module.cmp(&b.module));
    let mut files = BTreeMap::new();
    let mut modules = Vec::with_capacity(services.len());
    for (service, text) in services {
        files.insert(format!("{OUTPUT_DIR}/{}.rs", service.module), text);
        modules.push(service);
    }
    files.insert(
        format!("{OUTPUT_DIR}/mod.rs"),
        emit::index_file(&modules, options),
    );
    Ok(Generated { files, warnings })
}

/// What one document gives: its service and module source, or the error that stopped it;
/// and its warnings either way.
type Outcome = (Result<(ir::Service, String), Error>, Vec<Error>);

/// Loads, extracts and emits one document. A document without an `operations.get` method
/// is not emitted; [`generate_on`] warns about it.
fn one(source: &Source, options: &emit::Options) -> Outcome {
    let mut found = Vec::new();
    let result = load::document(&source.file, &source.text)
        .and_then(|doc| extract::service(&source.file, &doc, &mut found))
        .map(|service| {
            let text = if service.methods.is_empty() {
                String::new()
            } else {
                emit::service_file(&service, options)
            };
            (service, text)
        });
    (result, found.into_iter().map(|w| w.0).collect())
}

/// `f` of every item, in order, computed on up to `threads` threads that take the next
/// unclaimed item until none is left.
fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, f(item)));
        }
    };
    let mut all = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut all = work();
        for helper in helpers {
            match helper.join() {
                Ok(done) => all.extend(done),
                // A panic in `f` is a bug of the generator: let it surface as one.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}
