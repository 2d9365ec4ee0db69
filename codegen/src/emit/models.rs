//! Model structs, one per schema the responses reach.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident};
use crate::ir::{
    DoneShape, Enum, ErrorShape, Field, OperationShape, Scalar, Struct, Type, TypeDef,
};

pub fn def(def: &TypeDef) -> TokenStream {
    match def {
        TypeDef::Struct(s) => structure(s),
        TypeDef::Enum(e) => enumeration(e),
    }
}

fn enumeration(e: &Enum) -> TokenStream {
    let name = ident(&e.name);
    let mut text = e.description.clone().unwrap_or_default();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("The values of `{}`.", e.origin));
    let doc = docs::attrs(&text);
    let variants = e.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let doc = docs::attrs(&if v.description.is_empty() {
            format!("`{}`", v.wire)
        } else {
            format!("`{}`: {}", v.wire, v.description)
        });
        quote!(#doc #variant,)
    });
    let from_wire = e.variants.iter().map(|v| {
        let (variant, wire) = (ident(&v.rust_name), &v.wire);
        quote!(#wire => Self::#variant,)
    });
    let to_wire = e.variants.iter().map(|v| {
        let (variant, wire) = (ident(&v.rust_name), &v.wire);
        quote!(Self::#variant => #wire,)
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #variants )*
            /// A value this version of the crate does not know, kept as received.
            Unknown(String),
        }
        impl crate::support::WireEnum for #name {
            fn from_wire(value: &str) -> Self {
                match value {
                    #( #from_wire )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
            fn as_wire(&self) -> &str {
                match self {
                    #( #to_wire )*
                    Self::Unknown(value) => value,
                }
            }
        }
    }
}

fn structure(s: &Struct) -> TokenStream {
    let name = ident(&s.name);
    let mut text = s.description.clone().unwrap_or_default();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("Discovery schema `{}`.", s.origin));
    let doc = docs::attrs(&text);
    let fields = s.fields.iter().map(field);
    let operation = s.operation.as_ref().map(|op| operation_impl(&name, op));
    quote! {
        #doc
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(default)]
        #[non_exhaustive]
        pub struct #name {
            #( #fields )*
            /// Properties the schema does not declare, kept as received so that they survive
            /// a decode and re-encode.
            #[serde(flatten)]
            pub unknown_fields: crate::JsonObject,
        }
        #operation
    }
}

fn field(f: &Field) -> TokenStream {
    let name = ident(&f.rust_name);
    let (ty, codec) = rust_type(&f.ty);
    let mut text = f.description.clone().unwrap_or_default();
    let mut notes = Vec::new();
    if f.read_only {
        notes.push("Output only: set by the server.".to_owned());
    }
    if f.deprecated {
        notes.push("Deprecated by the API.".to_owned());
    }
    if !f.enum_values.is_empty() && !matches!(&f.ty, Type::Enum(_)) {
        let mut values = "Values:".to_owned();
        for (v, d) in &f.enum_values {
            values.push_str(&format!("\n- `{v}`"));
            if !d.is_empty() {
                values.push_str(&format!(": {}", d.replace('\n', " ")));
            }
        }
        notes.push(values);
    }
    notes.push(format!("Wire name: `{}`.", f.wire_name));
    for note in notes {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&note);
    }
    let doc = docs::attrs(&text);
    let rename = (f.rust_name != f.wire_name).then(|| {
        let wire = &f.wire_name;
        quote!(rename = #wire,)
    });
    let with = codec.map(|c| quote!(with = #c,));
    quote! {
        #doc
        #[serde(#rename #with skip_serializing_if = "Option::is_none")]
        pub #name: Option<#ty>,
    }
}

/// The Rust type of a field (inside its `Option`), and the codec it needs, if any.
fn rust_type(ty: &Type) -> (TokenStream, Option<&'static str>) {
    match ty {
        Type::Scalar(s) => scalar(*s),
        Type::Enum(name) => {
            let t = ident(name);
            (quote!(#t), Some("crate::support::wire_enum"))
        }
        Type::Array(item) => match item.as_ref() {
            inner @ (Type::Scalar(Scalar::I64 | Scalar::U64) | Type::Enum(_)) => {
                let (t, codec) = rust_type(inner);
                (quote!(Vec<#t>), codec)
            }
            other => {
                let t = nested(other);
                (quote!(Vec<#t>), None)
            }
        },
        other => (nested(other), None),
    }
}

/// A type below the top of a field. Strings carrying 64-bit integers or enum values stay
/// `String` here, as the codecs cover only a field and a list of them.
fn nested(ty: &Type) -> TokenStream {
    match ty {
        Type::Scalar(Scalar::I64 | Scalar::U64) | Type::Enum(_) => quote!(String),
        Type::Scalar(s) => scalar(*s).0,
        Type::Any => quote!(serde_json::Value),
        Type::Object => quote!(crate::JsonObject),
        Type::Array(item) => {
            let t = nested(item);
            quote!(Vec<#t>)
        }
        Type::Map(value) => {
            let t = nested(value);
            quote!(std::collections::BTreeMap<String, #t>)
        }
        Type::Named { name, boxed } => {
            let t = ident(name);
            if *boxed { quote!(Box<#t>) } else { quote!(#t) }
        }
    }
}

fn scalar(s: Scalar) -> (TokenStream, Option<&'static str>) {
    const INT64: Option<&str> = Some("crate::support::int64");
    match s {
        Scalar::Bool => (quote!(bool), None),
        Scalar::I32 => (quote!(i32), None),
        Scalar::U32 => (quote!(u32), None),
        Scalar::I64Number => (quote!(i64), None),
        Scalar::I64 => (quote!(i64), INT64),
        Scalar::U64 => (quote!(u64), INT64),
        Scalar::F32 => (quote!(f32), None),
        Scalar::F64 => (quote!(f64), None),
        Scalar::String => (quote!(String), None),
    }
}

/// The `Option<&T>` accessor of an optional field, or `None`.
fn optional(field: Option<&String>, access: TokenStream) -> TokenStream {
    match field {
        Some(f) => {
            let f = ident(f);
            quote!(self.#f.#access)
        }
        None => quote!(None),
    }
}

fn operation_impl(name: &proc_macro2::Ident, op: &OperationShape) -> TokenStream {
    let op_name = optional(op.name.as_ref(), quote!(as_deref()));
    let metadata = optional(op.metadata.as_ref(), quote!(as_ref()));
    let response = optional(op.response.as_ref(), quote!(as_ref()));
    let done = match &op.done {
        DoneShape::Flag(field) => {
            let f = ident(field);
            quote!(self.#f.unwrap_or(false))
        }
        DoneShape::Status { field, ty, variant } => {
            let (f, ty, variant) = (ident(field), ident(ty), ident(variant));
            quote!(matches!(self.#f, Some(#ty::#variant)))
        }
    };
    let error = match &op.error {
        Some(ErrorShape::Status(status)) => {
            let (error, code, message) = (
                ident(&status.field),
                ident(&status.code),
                ident(&status.message),
            );
            let details = match &status.details {
                Some(d) => {
                    let d = ident(d);
                    quote!(e.#d.clone().unwrap_or_default())
                }
                None => quote!(Vec::new()),
            };
            quote! {
                self.#error
                    .as_ref()
                    .map(|e| crate::RpcStatus::new(e.#code, e.#message.clone(), #details))
            }
        }
        Some(ErrorShape::List { field, list }) => {
            let (error, list) = (ident(field), ident(list));
            quote! {
                self.#error
                    .as_ref()
                    .and_then(|e| e.#list.as_deref())
                    .filter(|errors| !errors.is_empty())
                    .map(crate::RpcStatus::from_error_list)
            }
        }
        None => quote!(None),
    };
    quote! {
        impl crate::LongRunningOperation for #name {
            fn name(&self) -> Option<&str> {
                #op_name
            }
            fn is_done(&self) -> bool {
                #done
            }
            fn metadata(&self) -> Option<&crate::JsonObject> {
                #metadata
            }
            fn response(&self) -> Option<&crate::JsonObject> {
                #response
            }
            fn error(&self) -> Option<crate::RpcStatus> {
                #error
            }
        }
    }
}
