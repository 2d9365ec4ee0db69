//! From the IR to formatted Rust source: each service's module is written as `quote!`
//! templates that read like the code they produce, parsed once, printed by prettyplease, and
//! given a blank line between items.

mod builders;
pub mod catalog;
mod docs;
pub mod manifest;
mod metadata;
mod models;
mod root;
mod service;

pub use root::lib_file;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir;

/// Settings of the emitted crate.
#[derive(Debug, Clone)]
pub struct Options {
    /// The package name, e.g. `google-operations`.
    pub package: String,
    /// The crate name doc examples import from, e.g. `google_operations`.
    pub crate_name: String,
    /// The version of the package, and of the runtime it depends on (they are released
    /// together).
    pub version: String,
    /// The runtime's package name, e.g. `google-operations-runtime`.
    pub runtime: String,
    /// The runtime's folder as the manifest names it, relative to the generated crate's
    /// folder or absolute.
    pub runtime_path: String,
    /// The repository URL of the package.
    pub repository: String,
    /// The command that regenerates the files, for their headers.
    pub regenerate_command: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            package: "google-operations".to_owned(),
            crate_name: "google_operations".to_owned(),
            version: "0.1.0".to_owned(),
            runtime: "google-operations-runtime".to_owned(),
            runtime_path: "../runtime".to_owned(),
            repository: "https://github.com/google-operations/google-operations".to_owned(),
            regenerate_command: "cargo xtask regenerate".to_owned(),
        }
    }
}

/// The source of one service's module.
pub fn service_file(service: &ir::Service, options: &Options) -> String {
    let contents = if service.metadata.is_empty() {
        "the methods of its operations collections and the models they take and return"
    } else {
        "the methods of its operations collections, the models they take and return, and its \
         operation metadata messages"
    };
    let mut intro = format!(
        "{title} {version}: {contents}.\n\n\
         Generated from `{file}`, revision `{revision}`.",
        title = service.title,
        version = service.version,
        file = service.file,
        revision = service.revision,
    );
    if let Some(d) = service
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
    {
        intro.push_str("\n\n");
        intro.push_str(d.trim());
    }
    if let Some(link) = &service.documentation_link {
        intro.push_str(&format!("\n\nDocumentation: {link}"));
    }
    let intro = inner_docs(&docs::lines(&intro));
    let constants = service::constants(service);
    let collections = service::collections(service);
    let builders = service
        .methods
        .iter()
        .map(|m| builders::builder(service, m, options));
    let models = service.types.iter().map(models::def);
    let metadata = metadata::metadata_enum(service);
    render(
        &header(&service.file, &service.revision, options),
        quote! {
            #intro
            #constants
            #collections
            #( #builders )*
            #metadata
            #( #models )*
        },
    )
}

/// The source of `apis/mod.rs`, declaring every service module behind its feature.
pub fn index_file(services: &[ir::Service], options: &Options) -> String {
    let modules = services.iter().map(|s| {
        let doc = docs::attrs(&format!(
            "{} {}, with the feature `{}`.",
            s.title, s.version, s.module
        ));
        let (module, feature) = (format_ident!("{}", s.module), &s.module);
        quote! {
            #doc
            #[cfg(feature = #feature)]
            pub mod #module;
        }
    });
    let enabled = services.iter().map(|s| {
        let (module, feature) = (format_ident!("{}", s.module), &s.module);
        quote! {
            #[cfg(feature = #feature)]
            &#module::SERVICE
        }
    });
    let collections = services.iter().map(|s| {
        let (module, feature) = (format_ident!("{}", s.module), &s.module);
        quote! {
            #[cfg(feature = #feature)]
            #module::COLLECTIONS
        }
    });
    let intro = inner_docs(&docs::lines(
        "The generated service modules, each behind the cargo feature of its name, re-exported \
         at the crate root.",
    ));
    let collections_doc = docs::attrs(
        "The operations collections of the services this build includes, for the resolver.",
    );
    let services_doc = docs::attrs(
        "The services this build includes (those whose features are on), in module order.",
    );
    render(
        &header("every document", "", options),
        quote! {
            #intro
            #services_doc
            pub const SERVICES: &[&crate::ServiceInfo] = &[#( #enabled ),*];
            #collections_doc
            pub(crate) const COLLECTIONS: &[&[crate::Collection]] = &[#( #collections ),*];
            #( #modules )*
        },
    )
}

/// `#![doc]` attributes, which prettyplease prints as `//!` comments.
fn inner_docs(lines: &[String]) -> TokenStream {
    quote!(#( #![doc = #lines] )*)
}

fn header(file: &str, revision: &str, options: &Options) -> String {
    let from = if revision.is_empty() {
        file.to_owned()
    } else {
        format!("{file} (revision {revision})")
    };
    format!(
        "// @generated by the codegen crate from {from}.\n\
         // Do not edit: change the generator or the document, then run `{}`.\n\n",
        options.regenerate_command
    )
}

/// Parses the tokens of a whole file and prints them.
///
/// The tokens come from the generator's templates and the names module, not from a document,
/// so a failure to parse is a bug of the generator.
fn render(header: &str, tokens: TokenStream) -> String {
    let file: syn::File = match syn::parse2(tokens) {
        Ok(file) => file,
        Err(e) => panic!("the generator emitted tokens that do not parse as Rust: {e}"),
    };
    format!("{header}{}", separate_items(&prettyplease::unparse(&file)))
}

/// Puts a blank line between items, fields and variants that prettyplease prints back to back:
/// before every line that starts one at the indentation of a line that ended the previous
/// one, and after the module's `//!` docs.
fn separate_items(text: &str) -> String {
    const STARTS: &[&str] = &[
        "///", "#[", "pub ", "impl ", "impl<", "fn ", "const ", "type ", "mod ", "static ",
        "struct ", "enum ", "use ",
    ];
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut previous: Option<&str> = None;
    for line in text.lines() {
        if let Some(prev) = previous {
            let indent = |l: &str| l.len() - l.trim_start().len();
            let (p, l) = (prev.trim_start(), line.trim_start());
            let ends_item = !p.starts_with("//")
                && !p.starts_with("#[")
                && (p.ends_with('}') || p.ends_with(';') || p.ends_with(','));
            let starts_item = STARTS.iter().any(|s| l.starts_with(s));
            let after_inner_docs = p.starts_with("//!") && !l.starts_with("//!");
            if (ends_item && starts_item && indent(prev) == indent(line)) || after_inner_docs {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_fields_and_variants_get_a_blank_line_between_them() {
        let text = render(
            "",
            quote! {
                #![doc = " Module."]
                /// A.
                pub struct A {
                    /// X.
                    pub x: u8,
                    /// Y.
                    pub y: u8,
                }
                impl A {
                    fn f(&self) -> u8 {
                        let a = self.x;
                        a + self.y
                    }
                    fn g() {}
                }
                pub enum E { One, Two }
            },
        );
        assert_eq!(
            text,
            "//! Module.\n\n/// A.\npub struct A {\n    /// X.\n    pub x: u8,\n\n    /// Y.\n    \
             pub y: u8,\n}\n\nimpl A {\n    fn f(&self) -> u8 {\n        let a = self.x;\n        \
             a + self.y\n    }\n\n    fn g() {}\n}\n\npub enum E {\n    One,\n    Two,\n}\n"
        );
    }
}
