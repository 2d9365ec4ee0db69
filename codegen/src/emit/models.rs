//! Model structs, one per schema the responses reach.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident};
use crate::ir::{Field, OperationShape, Scalar, Struct, Type, TypeDef};

pub fn def(def: &TypeDef) -> TokenStream {
    match def {
        TypeDef::Struct(s) => structure(s),
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
    let (ty, int64) = rust_type(&f.ty);
    let mut text = f.description.clone().unwrap_or_default();
    let mut notes = Vec::new();
    if f.read_only {
        notes.push("Output only: set by the server.".to_owned());
    }
    if f.deprecated {
        notes.push("Deprecated by the API.".to_owned());
    }
    if !f.enum_values.is_empty() {
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
    let with = int64.then(|| quote!(with = "crate::support::int64",));
    quote! {
        #doc
        #[serde(#rename #with skip_serializing_if = "Option::is_none")]
        pub #name: Option<#ty>,
    }
}

/// The Rust type of a field (inside its `Option`), and whether it needs the int64 codec.
fn rust_type(ty: &Type) -> (TokenStream, bool) {
    match ty {
        Type::Scalar(s) => scalar(*s),
        Type::Array(item) => match item.as_ref() {
            Type::Scalar(s @ (Scalar::I64 | Scalar::U64)) => {
                let (t, _) = scalar(*s);
                (quote!(Vec<#t>), true)
            }
            other => {
                let t = nested(other);
                (quote!(Vec<#t>), false)
            }
        },
        other => (nested(other), false),
    }
}

/// A type below the top of a field. Strings carrying 64-bit integers stay `String` here, as
/// the int64 codec covers only a field and a list of them.
fn nested(ty: &Type) -> TokenStream {
    match ty {
        Type::Scalar(Scalar::I64 | Scalar::U64) => quote!(String),
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

fn scalar(s: Scalar) -> (TokenStream, bool) {
    match s {
        Scalar::Bool => (quote!(bool), false),
        Scalar::I32 => (quote!(i32), false),
        Scalar::U32 => (quote!(u32), false),
        Scalar::I64Number => (quote!(i64), false),
        Scalar::I64 => (quote!(i64), true),
        Scalar::U64 => (quote!(u64), true),
        Scalar::F32 => (quote!(f32), false),
        Scalar::F64 => (quote!(f64), false),
        Scalar::String => (quote!(String), false),
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
    let done = ident(&op.done);
    let op_name = optional(op.name.as_ref(), quote!(as_deref()));
    let metadata = optional(op.metadata.as_ref(), quote!(as_ref()));
    let response = optional(op.response.as_ref(), quote!(as_ref()));
    let error = ident(&op.error.field);
    let code = ident(&op.error.code);
    let message = ident(&op.error.message);
    let details = match &op.error.details {
        Some(d) => {
            let d = ident(d);
            quote!(e.#d.clone().unwrap_or_default())
        }
        None => quote!(Vec::new()),
    };
    quote! {
        impl crate::LongRunningOperation for #name {
            fn name(&self) -> Option<&str> {
                #op_name
            }
            fn is_done(&self) -> bool {
                self.#done.unwrap_or(false)
            }
            fn metadata(&self) -> Option<&crate::JsonObject> {
                #metadata
            }
            fn response(&self) -> Option<&crate::JsonObject> {
                #response
            }
            fn error(&self) -> Option<crate::RpcStatus> {
                self.#error
                    .as_ref()
                    .map(|e| crate::RpcStatus::new(e.#code, e.#message.clone(), #details))
            }
        }
    }
}
