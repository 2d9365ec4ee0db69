//! The service's description and its OAuth scopes.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use crate::ir;

pub fn constants(s: &ir::Service) -> TokenStream {
    let ir::Service {
        name,
        version,
        title,
        revision,
        root_url,
        service_path,
        ..
    } = s;
    let mtls_root_url = match &s.mtls_root_url {
        Some(url) => quote!(Some(#url)),
        None => quote!(None),
    };
    let service_doc = docs::attrs(&format!(
        "The {title} {version}, as its Discovery document describes it."
    ));
    let scopes_doc = docs::attrs(&format!("The OAuth 2.0 scopes of the {title}."));
    let scopes = s.scopes.iter().map(|scope| {
        let mut text = format!("`{}`", scope.url);
        if !scope.description.trim().is_empty() {
            text.push_str(": ");
            text.push_str(scope.description.trim());
        }
        let doc = docs::attrs(&text);
        let (constant, url) = (format_ident!("{}", scope.const_name), &scope.url);
        quote! {
            #doc
            pub const #constant: crate::Scope = crate::Scope::new(#url);
        }
    });
    let all = s
        .scopes
        .iter()
        .map(|scope| format_ident!("{}", scope.const_name));
    let endpoints = s.endpoints.iter().map(|e| {
        let (location, url) = (&e.location, &e.url);
        if e.regional {
            quote!(crate::Endpoint::regional(#location, #url))
        } else {
            quote!(crate::Endpoint::locational(#location, #url))
        }
    });
    let metadata = if s.metadata.is_empty() {
        quote!(&[])
    } else {
        let name = format_ident!("{}", s.metadata_enum);
        quote!(<#name as crate::MetadataSet>::TYPES)
    };
    quote! {
        #service_doc
        pub const SERVICE: crate::ServiceInfo = crate::ServiceInfo {
            name: #name,
            version: #version,
            title: #title,
            revision: #revision,
            root_url: #root_url,
            mtls_root_url: #mtls_root_url,
            service_path: #service_path,
            endpoints: &[#( #endpoints ),*],
            scopes: scopes::ALL,
            metadata: #metadata,
        };

        #scopes_doc
        pub mod scopes {
            #( #scopes )*

            /// Every scope the service declares.
            pub const ALL: &[crate::Scope] = &[#( #all ),*];
        }
    }
}

/// `COLLECTIONS`: the `get` of each operations collection, for the resolver.
pub fn collections(s: &ir::Service) -> TokenStream {
    let entries = s.methods.iter().filter(|m| m.collection_get).map(|m| {
        let get = format_ident!("{}", m.type_name);
        let cancel = m.cancel.as_ref().map(|c| {
            let c = format_ident!("{c}");
            quote!(.cancel(<#c as crate::Request>::METHOD))
        });
        quote!(crate::Collection::of::<#get>() #cancel)
    });
    quote! {
        /// The operations collections of the service, by their `get`: what
        /// [`resolve`](crate::resolve) matches operation names and URLs against.
        pub const COLLECTIONS: &[crate::Collection] = &[#( #entries ),*];
    }
}
