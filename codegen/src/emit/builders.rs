//! Request builders, one per `operations.get` method.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{ImplItem, Item, Type};

use super::syntax::{
    self, array, attr, borrow, generic, ident, impl_constant, impl_type, implementation, method,
    option, static_reference, string, struct_literal, ty, value,
};
use super::{Options, docs};
use crate::ir::{Location, Method, Param, PathPart, Scalar, Service};

pub fn builder(service: &Service, m: &Method, options: &Options) -> Vec<Item> {
    let (required, optional): (Vec<&Param>, Vec<&Param>) =
        m.params.iter().partition(|p| p.required);

    let mut fields: Vec<syn::Field> = m
        .params
        .iter()
        .map(|p| {
            let t = value_type(p);
            let t = match (p.required, p.repeated) {
                (_, true) => generic("Vec", vec![t]),
                (true, false) => t,
                (false, false) => generic("Option", vec![t]),
            };
            syntax::field(Vec::new(), false, &p.rust_name, t)
        })
        .collect();
    fields.push(syntax::field(
        Vec::new(),
        false,
        "common",
        ty("crate::CommonParams"),
    ));
    let mut attrs = builder_doc(service, m, options);
    attrs.push(attr("derive", quote!(Debug, Clone, PartialEq)));

    let args = required.iter().map(|p| {
        let f = ident(&p.rust_name);
        match (p.repeated, is_text(p)) {
            (true, true) => quote!(#f: impl IntoIterator<Item = impl Into<String>>),
            (true, _) => {
                let t = value_type(p);
                quote!(#f: impl IntoIterator<Item = #t>)
            }
            (false, true) => quote!(#f: impl Into<String>),
            (false, _) => {
                let t = value_type(p);
                quote!(#f: #t)
            }
        }
    });
    let conversions = required.iter().map(|p| conversion(m, p));
    let inits = m.params.iter().map(|p| {
        let f = ident(&p.rust_name);
        match (p.required, p.repeated) {
            (true, _) => quote!(#f),
            (false, true) => quote!(#f: Vec::new()),
            (false, false) => quote!(#f: None),
        }
    });
    let mut inherent = vec![method(
        new_doc(m, &required),
        quote! {
            pub fn new(#( #args ),*) -> Result<Self, crate::Error> {
                #( #conversions )*
                Ok(Self {
                    #( #inits, )*
                    common: crate::CommonParams::default(),
                })
            }
        },
    )];
    inherent.extend(required.iter().map(|p| getter(p)));
    inherent.extend(optional.iter().map(|p| setter(p)));
    vec![
        syntax::structure(attrs, &m.type_name, fields),
        implementation(None, &m.type_name, inherent),
        request_impl(m),
    ]
}

/// The Rust type of one value of a parameter.
fn value_type(p: &Param) -> Type {
    if let Some(name) = &p.enum_type {
        return ty(name);
    }
    ty(match p.ty {
        Scalar::Bool => "bool",
        Scalar::I32 => "i32",
        Scalar::U32 => "u32",
        Scalar::I64Number | Scalar::I64 => "i64",
        Scalar::U64 => "u64",
        Scalar::F32 => "f32",
        Scalar::F64 => "f64",
        Scalar::String => "String",
    })
}

/// Turns a constructor argument into the field value, checking it where it has rules.
fn conversion(m: &Method, p: &Param) -> TokenStream {
    let f = ident(&p.rust_name);
    let convert = match (p.repeated, is_text(p)) {
        (true, true) => {
            quote!(let #f: Vec<String> = #f.into_iter().map(Into::into).collect();)
        }
        (true, _) => quote!(let #f: Vec<_> = #f.into_iter().collect();),
        (false, true) => quote!(let #f: String = #f.into();),
        (false, _) => quote!(),
    };
    let placement = match (p.location, reserved(m, p)) {
        (Location::Path, true) => quote!(Reserved),
        (Location::Path, false) => quote!(Simple),
        (Location::Query, _) => quote!(Query),
    };
    let needs_check = is_text(p) && (p.location == Location::Path || p.pattern.is_some());
    if !needs_check {
        return convert;
    }
    let (id, wire, expected) = (&m.id, &p.wire_name, &p.expected);
    let pattern = p.pattern.as_deref().unwrap_or_default();
    let check = if p.repeated {
        quote!(for value in &#f { CHECK.check(value)?; })
    } else {
        quote!(CHECK.check(&#f)?;)
    };
    quote! {
        #convert
        {
            static CHECK: crate::support::ParamCheck = crate::support::ParamCheck::new(
                #id, #wire, crate::support::Placement::#placement, #expected, #pattern,
            );
            #check
        }
    }
}

/// Whether values of `p` are free text (`String`), as opposed to numbers, booleans or enums.
fn is_text(p: &Param) -> bool {
    p.ty == Scalar::String && p.enum_type.is_none()
}

fn reserved(m: &Method, p: &Param) -> bool {
    m.path_parts.iter().any(
        |part| matches!(part, PathPart::Var { field, reserved: true } if *field == p.rust_name),
    )
}

fn param_text(p: &Param) -> String {
    let mut text = format!("`{}`", p.wire_name);
    if let Some(d) = p.description.as_deref().filter(|d| !d.trim().is_empty()) {
        text.push_str(": ");
        text.push_str(d.trim());
    }
    if p.pattern.is_some() {
        text.push_str(&format!(
            " Must match `{}`.",
            p.expected.trim_start_matches("a value matching ")
        ));
    }
    if !p.enum_values.is_empty() {
        text.push_str(" Values:");
        for (v, d) in &p.enum_values {
            text.push_str(&format!("\n  - `{v}`"));
            if !d.is_empty() {
                text.push_str(&format!(": {d}"));
            }
        }
    }
    text
}

fn new_doc(m: &Method, required: &[&Param]) -> Vec<syn::Attribute> {
    let mut text = format!("Starts a `{}` request.\n", m.id);
    for p in required {
        text.push_str(&format!("\n- {}", param_text(p)));
    }
    if m.params
        .iter()
        .any(|p| p.required && is_text(p) && (p.location == Location::Path || p.pattern.is_some()))
    {
        text.push_str(
            "\n\n# Errors\n\n`Error::InvalidParameter` when a value does not match its pattern, \
             or is empty or has an empty, `.` or `..` path segment.",
        );
    }
    docs::attrs(&text)
}

fn getter(p: &Param) -> ImplItem {
    let f = ident(&p.rust_name);
    let doc = docs::attrs(&format!("The `{}` parameter.", p.wire_name));
    match (p.repeated, is_text(p)) {
        (true, _) => {
            let t = value_type(p);
            method(doc, quote!(pub fn #f(&self) -> &[#t] { &self.#f }))
        }
        (false, true) => method(doc, quote!(pub fn #f(&self) -> &str { &self.#f })),
        (false, _) if p.enum_type.is_some() => {
            let t = value_type(p);
            method(doc, quote!(pub fn #f(&self) -> &#t { &self.#f }))
        }
        (false, _) => {
            let t = value_type(p);
            method(doc, quote!(pub fn #f(&self) -> #t { self.#f }))
        }
    }
}

fn setter(p: &Param) -> ImplItem {
    let f = ident(&p.rust_name);
    let doc = docs::attrs(&format!("Sets {}", param_text(p)));
    match (p.repeated, is_text(p)) {
        (true, true) => method(
            doc,
            quote! {
                pub fn #f(mut self, values: impl IntoIterator<Item = impl Into<String>>) -> Self {
                    self.#f = values.into_iter().map(Into::into).collect();
                    self
                }
            },
        ),
        (true, _) => {
            let t = value_type(p);
            method(
                doc,
                quote! {
                    pub fn #f(mut self, values: impl IntoIterator<Item = #t>) -> Self {
                        self.#f = values.into_iter().collect();
                        self
                    }
                },
            )
        }
        (false, true) => method(
            doc,
            quote! {
                pub fn #f(mut self, value: impl Into<String>) -> Self {
                    self.#f = Some(value.into());
                    self
                }
            },
        ),
        (false, _) => {
            let t = value_type(p);
            method(
                doc,
                quote! {
                    pub fn #f(mut self, value: #t) -> Self {
                        self.#f = Some(value);
                        self
                    }
                },
            )
        }
    }
}

fn request_impl(m: &Method) -> Item {
    let response = ty(m.response.as_deref().unwrap_or("serde_json::Value"));
    let info = struct_literal(
        "crate::MethodInfo",
        vec![
            ("id", string(&m.id)),
            ("http_method", string(&m.http_method)),
            ("path", string(&m.path)),
            ("flat_path", option(m.flat_path.as_deref().map(string))),
            (
                "scopes",
                borrow(array(
                    m.scopes
                        .iter()
                        .map(|s| value(&format!("scopes::{s}")))
                        .collect(),
                )),
            ),
            ("service", borrow(value("SERVICE"))),
        ],
    );
    let path_writes = m.path_parts.iter().map(|part| match part {
        PathPart::Literal(text) => quote!(url.literal(#text);),
        PathPart::Var {
            field,
            reserved: true,
        } => {
            let f = ident(field);
            quote!(url.reserved(&self.#f);)
        }
        PathPart::Var {
            field,
            reserved: false,
        } => {
            let f = ident(field);
            quote!(url.simple(&self.#f);)
        }
    });
    let query: Vec<TokenStream> = m
        .params
        .iter()
        .filter(|p| p.location == Location::Query)
        .map(|p| {
            let f = ident(&p.rust_name);
            let wire = &p.wire_name;
            // Enum values go on the wire as their wire strings.
            let value = |v: TokenStream| match p.enum_type {
                Some(_) => quote!(crate::support::WireEnum::as_wire(#v)),
                None => v,
            };
            match (p.required, p.repeated) {
                (_, true) => {
                    let v = value(quote!(value));
                    quote!(for value in &self.#f { url.query(#wire, #v); })
                }
                (true, false) => {
                    let v = value(quote!(&self.#f));
                    quote!(url.query(#wire, #v);)
                }
                (false, false) => {
                    let v = value(quote!(value));
                    quote!(if let Some(value) = &self.#f { url.query(#wire, #v); })
                }
            }
        })
        .collect();
    let mut items = vec![
        impl_type("Response", response),
        impl_constant(
            "METHOD",
            static_reference(ty("crate::MethodInfo")),
            borrow(info),
        ),
        method(
            Vec::new(),
            quote! {
                fn common(&self) -> &crate::CommonParams {
                    &self.common
                }
            },
        ),
        method(
            Vec::new(),
            quote! {
                fn common_mut(&mut self) -> &mut crate::CommonParams {
                    &mut self.common
                }
            },
        ),
        method(
            Vec::new(),
            quote! {
                fn write_path(&self, url: &mut crate::UrlWriter) {
                    #( #path_writes )*
                }
            },
        ),
    ];
    if !query.is_empty() {
        items.push(method(
            Vec::new(),
            quote! {
                fn write_query(&self, url: &mut crate::UrlWriter) {
                    #( #query )*
                }
            },
        ));
    }
    implementation(Some("crate::Request"), &m.type_name, items)
}

fn builder_doc(service: &Service, m: &Method, options: &Options) -> Vec<syn::Attribute> {
    let mut text = m.description.clone().unwrap_or_default();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "`{} {}` (Discovery id `{}`).",
        m.http_method, m.path, m.id
    ));
    let mut lines = docs::lines(&text);
    if let Some(r) = &m.response {
        // A link of ours, added after escaping.
        if let Some(last) = lines.last_mut() {
            last.push_str(&format!(" Responds with [`{r}`]."));
        }
    }
    lines.extend(
        example(service, m, options)
            .into_iter()
            .map(|l| if l.is_empty() { l } else { format!(" {l}") }),
    );
    syntax::docs(&lines)
}

/// A doc example that builds the request and checks its URL.
fn example(service: &Service, m: &Method, options: &Options) -> Vec<String> {
    let Some(example) = &m.example else {
        return Vec::new();
    };
    let krate = &options.crate_name;
    let args = m
        .params
        .iter()
        .filter(|p| p.required)
        .zip(&example.args)
        .map(|(p, v)| {
            let one = match &p.enum_type {
                Some(t) => format!(
                    "<{krate}::{}::{t} as {krate}::support::WireEnum>::from_wire({v:?})",
                    service.module
                ),
                None if is_text(p) => format!("{v:?}"),
                None => v.clone(),
            };
            if p.repeated { format!("[{one}]") } else { one }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut lines = vec![
        String::new(),
        "# Example".to_owned(),
        String::new(),
        "```".to_owned(),
        format!("use {krate}::Request as _;"),
        format!("use {krate}::{}::{};", service.module, m.type_name),
        String::new(),
        format!("let request = {}::new({args})?;", m.type_name),
    ];
    match &example.url {
        Some(url) => {
            lines.push("assert_eq!(".to_owned());
            lines.push("    request.url(),".to_owned());
            lines.push(format!("    {url:?},"));
            lines.push(");".to_owned());
        }
        None => lines.push("println!(\"{}\", request.url());".to_owned()),
    }
    lines.push(format!("# Ok::<(), {krate}::Error>(())"));
    lines.push("```".to_owned());
    lines
}
