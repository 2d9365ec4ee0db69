//! A service's operation metadata messages as one enum, decoded by `@type`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use crate::ir::Service;

/// The metadata enum and its `MetadataSet` impl; nothing when the service has no metadata
/// messages.
pub fn metadata_enum(s: &Service) -> TokenStream {
    if s.metadata.is_empty() {
        return TokenStream::new();
    }
    let name = format_ident!("{}", s.metadata_enum);
    let doc = docs::nested_attrs(&format!(
        "Any operation metadata message of the {} {}, decoded from an operation's `metadata` \
         by its `@type` with [`MetadataSet::decode`](crate::MetadataSet::decode) or \
         [`metadata_typed`](crate::LongRunningOperation::metadata_typed); a message of \
         another type is kept as JSON.\n\n\
         The messages are the schemas of the document whose name ends in `Metadata`, that no \
         method takes or returns, and whose name or description ties them to an operation.",
        s.title, s.version
    ));
    let variants = s.metadata.iter().map(|m| {
        // The link is ours, so it goes in as it is, not made safe like document text.
        let doc = docs::lines_attrs(&[format!(" A [`{}`].", m.type_name)]);
        let ty = format_ident!("{}", m.type_name);
        quote! {
            #doc
            #ty(Box<#ty>)
        }
    });
    let catalog = super::catalog::module_path(s);
    let arms = s.metadata.iter().map(|m| {
        let (schema, ty) = (&m.schema, format_ident!("{}", m.type_name));
        quote!(#schema => Self::#ty(Box::new(serde::Deserialize::deserialize(object)?)))
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #( #variants, )*
            /// A message of a type the service does not define here, or without `@type`,
            /// as received.
            Unknown(crate::JsonObject),
        }

        impl crate::MetadataSet for #name {
            const TYPES: &'static [crate::MetadataType] = #catalog::METADATA;

            fn decode_as<'de, D: serde::Deserializer<'de>>(
                message: &crate::MetadataType,
                object: D,
            ) -> Result<Self, D::Error> {
                Ok(match message.schema {
                    #( #arms, )*
                    _ => Self::Unknown(serde::Deserialize::deserialize(object)?),
                })
            }

            fn unknown(object: crate::JsonObject) -> Self {
                Self::Unknown(object)
            }
        }
    }
}
