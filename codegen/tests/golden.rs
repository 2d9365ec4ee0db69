//! Golden tests: the small documents in `tests/shapes/` and the exact source the generator
//! makes of them, checked in under `tests/snapshots/`. A generator change that alters output
//! shows here as a diff to review; accept it with `cargo insta review` (or by running the
//! tests with `INSTA_UPDATE=always`) and commit the snapshots.

use std::path::Path;

use codegen::emit::Options;

#[test]
fn small_documents_generate_exactly_the_checked_in_source() {
    let shapes = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/shapes");
    let sources = codegen::load::read_dir(&shapes, "tests/shapes").unwrap();
    let generated = codegen::generate(&sources, &Options::default()).unwrap();
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    assert_eq!(
        generated.files.len(),
        2 * sources.len() + 4,
        "one module and one catalog module per document, the catalog's index, the table of \
         services, lib.rs and the manifest"
    );
    for (path, text) in &generated.files {
        let name = path
            .trim_start_matches(codegen::OUTPUT_DIR)
            .trim_start_matches("src/")
            .trim_start_matches('/')
            .trim_end_matches(".rs")
            .replace('/', "__");
        insta::assert_snapshot!(name, text);
    }
}
