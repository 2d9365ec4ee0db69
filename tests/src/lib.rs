//! The tests that need the generated crate with every service: `tests/builder_urls.rs` checks
//! the URL of every builder from the generator's sample arguments (cases `build.rs` writes),
//! `tests/resolve.rs` resolves the example URL and name of every collection's `get`,
//! `tests/metadata.rs` decodes real operation metadata by `@type`, and the README's examples
//! run as this crate's doctests.
//! The crate itself holds nothing else.

/// The examples of the repository's README.md, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;
