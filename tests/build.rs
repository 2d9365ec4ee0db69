//! Writes `builder_urls.rs` into `OUT_DIR`: every builder of every saved document made from the
//! generator's sample arguments, beside the URL the generator wrote from them
//! (`codegen::emit::examples::url_checks`), for `tests/builder_urls.rs`.

use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("../discovery");
    println!("cargo::rerun-if-changed={}", dir.display());
    let sources = codegen::load::read_dir(&dir, "discovery")
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    let mut services = Vec::new();
    let mut warnings = Vec::new();
    for source in &sources {
        let doc =
            codegen::load::document(&source.file, &source.text).unwrap_or_else(|e| panic!("{e}"));
        if let Some(service) = codegen::extract::service(&source.file, &doc, &mut warnings)
            .unwrap_or_else(|e| panic!("{e}"))
        {
            services.push(service);
        }
    }
    let code = codegen::emit::examples::url_checks(&services, &codegen::emit::Options::default());
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builder_urls.rs");
    std::fs::write(&out, code).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
}
