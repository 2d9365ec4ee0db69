//! The service's constants: root URLs, revision, OAuth scopes.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident};
use crate::ir;

pub fn constants(s: &ir::Service) -> TokenStream {
    let scope_consts = s.scopes.iter().map(|scope| {
        let name = ident(&scope.const_name);
        let doc = docs::attrs(&format!("`{}`: {}", scope.url, scope.description));
        let (url, description) = (&scope.url, &scope.description);
        quote! {
            #doc
            pub const #name: crate::Scope = crate::Scope { url: #url, description: #description };
        }
    });
    let all = s.scopes.iter().map(|scope| ident(&scope.const_name));
    let mtls = match &s.mtls_root_url {
        Some(url) => quote!(Some(#url)),
        None => quote!(None),
    };
    let (name, version, title, revision) = (&s.name, &s.version, &s.title, &s.revision);
    let (root, service_path, fully) = (
        &s.root_url,
        &s.service_path,
        s.fully_encode_reserved_expansion,
    );
    let service_doc = docs::attrs(&format!(
        "The {title} {version}, as its Discovery document describes it."
    ));
    let scopes_doc = docs::attrs(&format!("The OAuth 2.0 scopes of the {title}."));
    quote! {
        /// Discovery `rootUrl`: where requests go unless a builder overrides it.
        pub const ROOT_URL: &str = #root;
        /// Discovery `mtlsRootUrl`: the root URL for clients that authenticate with mutual TLS.
        pub const MTLS_ROOT_URL: Option<&str> = #mtls;
        /// Discovery `servicePath`: the prefix of every method path.
        pub const SERVICE_PATH: &str = #service_path;
        /// Discovery `revision` this module was generated from.
        pub const REVISION: &str = #revision;
        #service_doc
        pub const SERVICE: crate::ServiceInfo = crate::ServiceInfo {
            name: #name,
            version: #version,
            title: #title,
            revision: REVISION,
            root_url: ROOT_URL,
            mtls_root_url: MTLS_ROOT_URL,
            service_path: SERVICE_PATH,
            fully_encode_reserved_expansion: #fully,
            scopes: scopes::ALL,
        };
        #scopes_doc
        pub mod scopes {
            #( #scope_consts )*
            /// Every scope the service declares.
            pub const ALL: &[crate::Scope] = &[#( #all ),*];
        }
    }
}
