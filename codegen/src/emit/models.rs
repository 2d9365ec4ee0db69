//! Model structs, one per schema the responses reach.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Item, Type as RustType};

use super::docs;
use super::syntax::{self, attr, attr_word, generic, ident, ty};
use crate::ir::{
    DoneShape, Enum, ErrorShape, Field, OperationShape, Scalar, Struct, Type, TypeDef,
};

pub fn def(def: &TypeDef) -> Vec<Item> {
    match def {
        TypeDef::Struct(s) => structure(s),
        TypeDef::Enum(e) => enumeration(e),
    }
}

fn enumeration(e: &Enum) -> Vec<Item> {
    let name = ident(&e.name);
    let mut text = e.description.clone().unwrap_or_default();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("The values of `{}`.", e.origin));
    let mut attrs = docs::attrs(&text);
    attrs.push(attr("derive", quote!(Debug, Clone, PartialEq, Eq, Hash)));
    attrs.push(attr_word("non_exhaustive"));
    let mut variants: Vec<syn::Variant> = e
        .variants
        .iter()
        .map(|v| {
            let doc = docs::attrs(&if v.description.is_empty() {
                format!("`{}`", v.wire)
            } else {
                format!("`{}`: {}", v.wire, v.description)
            });
            syntax::variant(doc, &v.rust_name, None)
        })
        .collect();
    variants.push(syntax::variant(
        syntax::docs(&[
            " A value this version of the crate does not know, kept as received.".to_owned(),
        ]),
        "Unknown",
        Some(ty("String")),
    ));
    let from_wire = e.variants.iter().map(|v| {
        let (variant, wire) = (ident(&v.rust_name), &v.wire);
        quote!(#wire => Self::#variant,)
    });
    let to_wire = e.variants.iter().map(|v| {
        let (variant, wire) = (ident(&v.rust_name), &v.wire);
        quote!(Self::#variant => #wire,)
    });
    let wire = syntax::parse(quote! {
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
    });
    vec![syntax::enumeration(attrs, &e.name, variants), wire]
}

fn structure(s: &Struct) -> Vec<Item> {
    let mut text = s.description.clone().unwrap_or_default();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("Discovery schema `{}`.", s.origin));
    let mut attrs = docs::attrs(&text);
    attrs.push(attr(
        "derive",
        quote!(
            Debug,
            Clone,
            Default,
            PartialEq,
            serde::Serialize,
            serde::Deserialize
        ),
    ));
    attrs.push(attr("serde", quote!(default)));
    attrs.push(attr_word("non_exhaustive"));
    let mut fields: Vec<syn::Field> = s.fields.iter().map(field).collect();
    let mut unknown = syntax::docs(&[
        " Properties the schema does not declare, kept as received so that they survive".to_owned(),
        " a decode and re-encode.".to_owned(),
    ]);
    unknown.push(attr("serde", quote!(flatten)));
    fields.push(syntax::field(
        unknown,
        true,
        "unknown_fields",
        ty("crate::JsonObject"),
    ));
    let mut items = vec![syntax::structure(attrs, &s.name, fields)];
    if let Some(op) = &s.operation {
        items.push(operation_impl(&ident(&s.name), op));
    }
    items
}

fn field(f: &Field) -> syn::Field {
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
    let mut attrs = docs::attrs(&text);
    let rename = (f.rust_name != f.wire_name).then(|| {
        let wire = &f.wire_name;
        quote!(rename = #wire,)
    });
    let with = codec.map(|c| quote!(with = #c,));
    attrs.push(attr(
        "serde",
        quote!(#rename #with skip_serializing_if = "Option::is_none"),
    ));
    syntax::field(attrs, true, &f.rust_name, generic("Option", vec![ty]))
}

/// The Rust type of a field (inside its `Option`), and the codec it needs, if any.
fn rust_type(t: &Type) -> (RustType, Option<&'static str>) {
    match t {
        Type::Scalar(s) => scalar(*s),
        Type::Enum(name) => (ty(name), Some("crate::support::wire_enum")),
        Type::Array(item) => match item.as_ref() {
            inner @ (Type::Scalar(Scalar::I64 | Scalar::U64) | Type::Enum(_)) => {
                let (t, codec) = rust_type(inner);
                (generic("Vec", vec![t]), codec)
            }
            other => (generic("Vec", vec![nested(other)]), None),
        },
        other => (nested(other), None),
    }
}

/// A type below the top of a field. Strings carrying 64-bit integers or enum values stay
/// `String` here, as the codecs cover only a field and a list of them.
fn nested(t: &Type) -> RustType {
    match t {
        Type::Scalar(Scalar::I64 | Scalar::U64) | Type::Enum(_) => ty("String"),
        Type::Scalar(s) => scalar(*s).0,
        Type::Any => ty("serde_json::Value"),
        Type::Object => ty("crate::JsonObject"),
        Type::Array(item) => generic("Vec", vec![nested(item)]),
        Type::Map(value) => generic(
            "std::collections::BTreeMap",
            vec![ty("String"), nested(value)],
        ),
        Type::Named { name, boxed } => {
            if *boxed {
                generic("Box", vec![ty(name)])
            } else {
                ty(name)
            }
        }
    }
}

fn scalar(s: Scalar) -> (RustType, Option<&'static str>) {
    const INT64: Option<&str> = Some("crate::support::int64");
    let (name, codec) = match s {
        Scalar::Bool => ("bool", None),
        Scalar::I32 => ("i32", None),
        Scalar::U32 => ("u32", None),
        Scalar::I64Number => ("i64", None),
        Scalar::I64 => ("i64", INT64),
        Scalar::U64 => ("u64", INT64),
        Scalar::F32 => ("f32", None),
        Scalar::F64 => ("f64", None),
        Scalar::String => ("String", None),
    };
    (ty(name), codec)
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

fn operation_impl(name: &proc_macro2::Ident, op: &OperationShape) -> Item {
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
    syntax::parse(quote! {
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
    })
}
