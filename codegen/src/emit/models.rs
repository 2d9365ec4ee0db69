//! Models: a struct or enum per schema the responses reach, a re-export where the schema is
//! one the runtime defines once, and the `LongRunningOperation` impl of operation-shaped ones.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use crate::ir::{
    DoneShape, Enum, ErrorShape, Field, FieldName, OperationShape, ProgressField, Scalar, Shared,
    Struct, Type, TypeDef,
};

pub fn def(def: &TypeDef) -> TokenStream {
    match def {
        TypeDef::Struct(s) => structure(s),
        TypeDef::Enum(e) => enumeration(e),
        TypeDef::Shared(s) => shared(s),
    }
}

fn shared(s: &Shared) -> TokenStream {
    let runtime = s.model.rust_name();
    // The link is ours, added after the text is made safe for rustdoc.
    let mut lines = docs::nested_lines(&format!(
        "Discovery schema `{}`: exactly the runtime's",
        s.origin
    ));
    // Re-exported under its own name, the name links to it without a target.
    let link = if s.name == runtime {
        format!("[`{runtime}`]")
    } else {
        format!("[`{runtime}`](crate::{runtime})")
    };
    lines.push(format!(
        " {link}, which every service with this schema shares."
    ));
    let doc = docs::lines_attrs(&lines);
    let (runtime, name) = (format_ident!("{runtime}"), format_ident!("{}", s.name));
    if runtime == name {
        quote! {
            #doc
            pub use crate::#runtime;
        }
    } else {
        quote! {
            #doc
            pub use crate::#runtime as #name;
        }
    }
}

fn enumeration(e: &Enum) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let mut text = e.description.clone().unwrap_or_default();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("The values of `{}`.", e.origin));
    let doc = docs::nested_attrs(&text);
    let variants = e.variants.iter().map(|v| {
        let doc = docs::nested_attrs(&if v.description.is_empty() {
            format!("`{}`", v.wire)
        } else {
            format!("`{}`: {}", v.wire, v.description)
        });
        let variant = format_ident!("{}", v.rust_name);
        quote! {
            #doc
            #variant
        }
    });
    let values = e.variants.iter().map(|v| {
        let (variant, wire) = (format_ident!("{}", v.rust_name), &v.wire);
        quote!((#wire, Self::#variant))
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #variants, )*
            /// A value this version of the crate does not know, kept as received.
            Unknown(String),
        }

        impl crate::__private::WireEnum for #name {
            const VALUES: &'static [(&'static str, Self)] = &[#( #values ),*];

            fn unknown(value: String) -> Self {
                Self::Unknown(value)
            }

            fn as_unknown(&self) -> Option<&str> {
                match self {
                    Self::Unknown(value) => Some(value),
                    _ => None,
                }
            }
        }
    }
}

fn structure(s: &Struct) -> TokenStream {
    let name = format_ident!("{}", s.name);
    let mut text = s.description.clone().unwrap_or_default();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("Discovery schema `{}`.", s.origin));
    let doc = docs::nested_attrs(&text);
    let fields = s.fields.iter().map(field);
    let operation = s.operation.as_ref().map(|op| operation_impl(&name, op));
    let page = s.page.as_ref().map(|page| {
        let (items, next) = (
            format_ident!("{}", page.items),
            format_ident!("{}", page.next_page_token),
        );
        let item = format_ident!("{}", page.item_type);
        quote! {
            impl crate::Page for #name {
                type Item = #item;

                fn next_page_token(&self) -> Option<&str> {
                    self.#next.as_deref().filter(|token| !token.is_empty())
                }

                fn into_items(self) -> Vec<#item> {
                    self.#items.unwrap_or_default()
                }
            }
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(default)]
        #[non_exhaustive]
        pub struct #name {
            #( #fields, )*
            /// Properties the schema does not declare, kept as received.
            #[serde(flatten)]
            pub unknown_fields: crate::JsonObject,
        }

        #operation
        #page
    }
}

fn field(f: &Field) -> TokenStream {
    let (ty, codec) = f.ty.field_type();
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
    if f.rust_name != f.wire_name {
        notes.push(format!("Wire name: `{}`.", f.wire_name));
    }
    for note in notes {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&note);
    }
    if text.trim().is_empty() {
        text = format!("The `{}` property.", f.wire_name);
    }
    let doc = docs::nested_attrs(&text);
    let name = format_ident!("{}", f.rust_name);
    let rename = (f.rust_name != f.wire_name).then(|| {
        let wire = &f.wire_name;
        quote!(rename = #wire,)
    });
    let with = codec.map(|c| quote!(with = #c,));
    quote! {
        #doc
        #[serde(#rename #with skip_serializing_if = "Option::is_none")]
        pub #name: Option<#ty>
    }
}

/// `self.field.access`, or `None` when the operation has no such field.
fn optional(field: Option<&FieldName>, access: TokenStream) -> TokenStream {
    match field {
        Some(f) => {
            let f = format_ident!("{}", f.rust_name);
            quote!(self.#f.#access)
        }
        None => quote!(None),
    }
}

fn operation_impl(name: &proc_macro2::Ident, op: &OperationShape) -> TokenStream {
    let op_name = optional(op.name.as_ref(), quote!(as_deref()));
    let metadata = optional(op.metadata.as_ref(), quote!(as_ref()));
    let response = optional(op.response.as_ref(), quote!(as_ref()));
    let done = is_done(op);
    let error = error_body(op);
    let progress = progress_fn(op);
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

            fn error(&self) -> Option<crate::OperationError> {
                #error
            }

            #progress
        }
    }
}

/// Whether the operation is done, as an expression.
fn is_done(op: &OperationShape) -> TokenStream {
    match &op.done {
        DoneShape::Flag(field) => {
            let f = format_ident!("{}", field.rust_name);
            quote!(self.#f.unwrap_or(false))
        }
        DoneShape::Status {
            field, ty, variant, ..
        } => {
            let (f, ty, variant) = (
                format_ident!("{}", field.rust_name),
                format_ident!("{ty}"),
                format_ident!("{variant}"),
            );
            quote!(matches!(self.#f, Some(#ty::#variant)))
        }
    }
}

/// What says the operation failed: statements that set it up, and the expression.
fn structured_error(op: &OperationShape) -> (TokenStream, TokenStream) {
    match &op.error {
        Some(ErrorShape::Status(status)) => {
            let (error, code, message) = (
                format_ident!("{}", status.field.rust_name),
                format_ident!("{}", status.code),
                format_ident!("{}", status.message),
            );
            let details = match &status.details {
                Some(d) => {
                    let d = format_ident!("{d}");
                    quote!(e.#d.clone().unwrap_or_default())
                }
                None => quote!(Vec::new()),
            };
            let status = quote! {
                self.#error.as_ref().map(|e| {
                    crate::OperationError::Status(crate::Status::new(
                        e.#code,
                        e.#message.clone(),
                        #details,
                    ))
                })
            };
            (TokenStream::new(), status)
        }
        Some(ErrorShape::List {
            field,
            list,
            http_status_code,
            http_error_message,
        }) => {
            let (error, list) = (
                format_ident!("{}", field.rust_name),
                format_ident!("{}", list.rust_name),
            );
            let code = match http_status_code {
                Some(f) => {
                    let f = format_ident!("{}", f.rust_name);
                    quote!(self.#f)
                }
                None => quote!(None),
            };
            let message = optional(http_error_message.as_ref(), quote!(as_deref()));
            let errors =
                quote!(let errors = self.#error.as_ref().and_then(|e| e.#list.as_deref()););
            (
                errors,
                quote!(crate::OperationError::from_list(errors.unwrap_or_default(), #code, #message)),
            )
        }
        None => (TokenStream::new(), quote!(None)),
    }
}

/// The body of `error`: the structured error, or else a text field the schema describes as
/// the error's (GKE's `statusMessage`), which speaks when the operation is done without one.
fn error_body(op: &OperationShape) -> TokenStream {
    let (setup, error) = structured_error(op);
    match &op.error_text {
        Some(text) => {
            let (wire, field) = (&text.wire_name, format_ident!("{}", text.rust_name));
            quote! {
                #setup
                let error = #error;
                error.or_else(|| {
                    crate::OperationError::from_text(#wire, self.#field.as_deref(), self.is_done())
                })
            }
        }
        None => quote!(#setup #error),
    }
}

/// `progress`, from the operation's own fields, where it has some.
fn progress_fn(op: &OperationShape) -> Option<TokenStream> {
    (!op.progress.is_empty()).then(|| {
        let fields = op.progress.iter().map(|(what, field, ty)| {
            let (target, field) = (
                format_ident!("{}", what.name()),
                format_ident!("{}", field.rust_name),
            );
            let value = match ty {
                Type::Scalar(Scalar::F64) => quote!(self.#field),
                Type::Scalar(Scalar::I64Number) => quote!(self.#field.map(|n| n as f64)),
                Type::Scalar(Scalar::I32 | Scalar::U32 | Scalar::F32) => {
                    quote!(self.#field.map(f64::from))
                }
                Type::Enum(_) => {
                    quote!(self.#field.as_ref().map(|v| crate::__private::WireEnum::as_wire(v).to_owned()))
                }
                // An empty text tells nothing, as in a metadata message.
                _ => quote!(self.#field.clone().filter(|s| !s.is_empty())),
            };
            quote!(#target: #value)
        });
        let rest = (op.progress.len() < ProgressField::ALL.len()).then(|| quote!(..crate::Progress::default()));
        quote! {
            fn progress(&self) -> crate::Progress {
                crate::Progress {
                    #( #fields, )*
                    #rest
                }
            }
        }
    })
}
