//! The catalog: each service as plain data (its description, scopes, the methods of its
//! operations collections, where its operations and metadata messages tell their state and
//! progress), in `src/catalog/`, with no typed model. A service's catalog module compiles with
//! the feature `catalog` (every service's) or the service's own feature; the typed module
//! refers to it rather than repeat it, and `resolve` works from it, so that the
//! `google-operations-wait` program builds without the typed models.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{Options, docs, header, inner_docs, render};
use crate::ir::{
    self, DoneShape, ErrorShape, FieldName, Location, Method, OperationShape, Response, Service,
    SharedModel, Struct, TypeDef, struct_named,
};
use crate::names;

/// The feature that turns on every service's catalog module, and no typed module.
pub const FEATURE: &str = "catalog";

/// The catalog's folder, relative to the generated crate's.
pub const DIR: &str = "src/catalog";

/// `crate::catalog::MODULE`: the path of a service's catalog module.
pub fn module_path(s: &Service) -> TokenStream {
    let module = format_ident!("{}", s.module);
    quote!(crate::catalog::#module)
}

/// The name of the constant that describes method `m`, e.g. `PROJECTS_REGIONS_OPERATIONS_GET`
/// for the builder `ProjectsRegionsOperationsGet`.
fn method_const(m: &Method) -> Ident {
    format_ident!("{}", names::shouty(&m.type_name))
}

/// `&crate::catalog::MODULE::METHOD`: a `&'static MethodInfo` of method `m`.
pub fn method_ref(s: &Service, m: &Method) -> TokenStream {
    let (module, constant) = (module_path(s), method_const(m));
    quote!(&#module::#constant)
}

/// The source of one service's catalog module.
pub fn service_file(s: &Service, options: &Options) -> String {
    let intro = inner_docs(&docs::lines(&format!(
        "The {} {} as data, with the feature `{FEATURE}` or `{}`: its description, OAuth \
         scopes and operations collections, for [`resolve`](crate::resolve) and the poller, \
         without the typed models of the module `{}`, which refers to these.",
        s.title, s.version, s.module, s.module
    )));
    let constants = constants(s);
    let methods = s.methods.iter().map(|m| {
        let constant = method_const(m);
        let doc = docs::attrs(&format!(
            "`{} {}` (Discovery id `{}`): the method of the builder `{}`.",
            m.http_method, m.path, m.id, m.type_name
        ));
        let info = method_info(s, m);
        quote! {
            #doc
            pub const #constant: crate::MethodInfo = #info;
        }
    });
    let fields = operation_models(s).map(|(model, op)| {
        let (name, constant) = (&model.name, fields_const(&model.name));
        let doc = docs::attrs(&format!(
            "Where the JSON of the model `{name}` tells the operation's name, state, error and \
             progress."
        ));
        let value = operation_fields(model, op);
        quote! {
            #doc
            pub const #constant: crate::OperationFields = #value;
        }
    });
    let collections = collections(s);
    render(
        &header(&s.file, &s.revision, options),
        quote! {
            #intro
            #constants
            #( #fields )*
            #collections
            #( #methods )*
        },
    )
}

/// The source of `src/catalog/mod.rs`: every service's catalog module behind its features,
/// the services of the build and their collections.
pub fn index_file(services: &[Service], options: &Options) -> String {
    let cfg = |s: &Service| {
        let feature = &s.module;
        quote!(#[cfg(any(feature = #FEATURE, feature = #feature))])
    };
    let modules = services.iter().map(|s| {
        let (cfg, module) = (cfg(s), format_ident!("{}", s.module));
        quote! {
            #cfg
            pub mod #module;
        }
    });
    let enabled = services.iter().map(|s| {
        let (cfg, module) = (cfg(s), format_ident!("{}", s.module));
        quote! {
            #cfg
            &#module::SERVICE
        }
    });
    let collections = services.iter().map(|s| {
        let (cfg, module) = (cfg(s), format_ident!("{}", s.module));
        quote! {
            #cfg
            #module::COLLECTIONS
        }
    });
    let intro = inner_docs(&docs::lines(&format!(
        "Every service as plain data: its description, OAuth scopes and operations \
         collections, where its operations and metadata messages tell their state and \
         progress. A service's module here compiles with the feature `{FEATURE}` (every \
         service's, in seconds, with no typed model: what the `google-operations-wait` program \
         builds with) or with the service's own feature, whose typed module refers to it."
    )));
    let services_doc = docs::attrs(
        "The services this build includes (those whose catalog modules are on), in module \
         order.",
    );
    let collections_doc = docs::attrs(
        "The operations collections of the services this build includes, for the resolver.",
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

/// `SERVICE`, `scopes` and `METADATA`.
fn constants(s: &Service) -> TokenStream {
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
    let endpoints = s.endpoints.iter().map(|e| {
        let (location, url) = (&e.location, &e.url);
        if e.regional {
            quote!(crate::Endpoint::regional(#location, #url))
        } else {
            quote!(crate::Endpoint::locational(#location, #url))
        }
    });
    let scopes = scopes_module(s);
    let metadata = metadata_const(s);
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
            metadata: METADATA,
        };

        #scopes
        #metadata
    }
}

/// `scopes`: a constant per OAuth scope, and `ALL`.
fn scopes_module(s: &Service) -> TokenStream {
    let scopes_doc = docs::attrs(&format!("The OAuth 2.0 scopes of the {}.", s.title));
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
    quote! {
        #scopes_doc
        pub mod scopes {
            #( #scopes )*

            /// Every scope the service declares.
            pub const ALL: &[crate::Scope] = &[#( #all ),*];
        }
    }
}

/// `crate::ProgressField::StartTime` for the field `start_time`.
fn progress_field(what: crate::ir::ProgressField) -> TokenStream {
    let variant = format_ident!("{}", names::camel(what.name()));
    quote!(crate::ProgressField::#variant)
}

/// `METADATA`: the operation metadata messages, and where each tells progress.
fn metadata_const(s: &Service) -> TokenStream {
    let (title, version) = (&s.title, &s.version);
    let types = s.metadata.iter().map(|m| {
        let schema = &m.schema;
        let paths = m.progress.iter().map(|(what, path)| {
            let what = progress_field(*what);
            quote!(.with(#what, &[#( #path ),*]))
        });
        quote!(crate::MetadataType::new(#schema) #( #paths )*)
    });
    let metadata_doc = docs::attrs(&format!(
        "The operation metadata messages of the {title} {version}, and where each tells the \
         operation's progress: the schemas of the document whose name ends in `Metadata`, that \
         no method takes or returns, and whose name or description ties them to an operation."
    ));
    quote! {
        #metadata_doc
        pub const METADATA: &[crate::MetadataType] = &[#( #types ),*];
    }
}

/// The `MethodInfo` literal: path parameters first, then query parameters in the order the
/// query string lists them, then the top-level properties of the request body.
fn method_info(service: &Service, m: &Method) -> TokenStream {
    let Method {
        id,
        http_method,
        path,
        ..
    } = m;
    let params = m
        .params
        .iter()
        .filter(|p| p.location == Location::Path)
        .chain(m.params.iter().filter(|p| p.location == Location::Query))
        .map(|p| {
            let wire = &p.wire_name;
            let info = match p.location {
                Location::Path => quote!(crate::ParamInfo::path(#wire)),
                Location::Query => quote!(crate::ParamInfo::query(#wire)),
            };
            match &p.pattern {
                Some(pattern) => {
                    let regex = &pattern.regex;
                    let shape = match &pattern.shape {
                        Some(shape) => quote!(Some(#shape)),
                        None => quote!(None),
                    };
                    quote!(#info.pattern(#regex, #shape))
                }
                None => info,
            }
        });
    // The top-level properties of the request body, which the poller may set (a `wait`'s
    // `timeout`).
    let body_fields = m.request.iter().flat_map(|r| {
        let fields = struct_named(&service.types, r).map(|s| &s.fields);
        fields.into_iter().flatten().map(|f| {
            let wire = &f.wire_name;
            quote!(crate::ParamInfo::body(#wire))
        })
    });
    let params = params.chain(body_fields);
    let all_scopes: Vec<&String> = service.scopes.iter().map(|s| &s.const_name).collect();
    let scopes = if m.scopes.iter().eq(all_scopes.iter().copied()) {
        quote!(scopes::ALL)
    } else {
        let scopes = m.scopes.iter().map(|s| format_ident!("{s}"));
        quote!(&[#( scopes::#scopes ),*])
    };
    quote! {
        crate::MethodInfo {
            id: #id,
            http_method: #http_method,
            path: #path,
            params: &[#( #params ),*],
            scopes: #scopes,
            service: &SERVICE,
        }
    }
}

/// `COLLECTIONS`: the `get` of each operations collection, with its `wait` and `cancel`, and
/// where its operations tell their state.
fn collections(s: &Service) -> TokenStream {
    // A collection whose `get` answers neither the runtime's `Operation` nor a model read as an
    // operation cannot be read by the poller, so it is not among them.
    let entries = s.polled().into_iter().filter_map(|(_, m, poll)| {
        let get = method_const(m);
        let model = s
            .types
            .iter()
            .find(|t| Some(t.name()) == m.response.model())?;
        let fields = match model {
            TypeDef::Shared(shared) if shared.model == SharedModel::Operation => {
                quote!(&crate::OperationFields::LONGRUNNING)
            }
            TypeDef::Struct(st) if st.operation.is_some() => {
                let constant = fields_const(&st.name);
                quote!(&#constant)
            }
            _ => return None,
        };
        let related = |index: Option<usize>| index.map(|i| method_const(&s.methods[i]));
        let wait = related(poll.wait).map(|w| quote!(.wait(&#w)));
        let cancel = related(poll.cancel).map(|c| quote!(.cancel(&#c)));
        Some(quote!(crate::Collection::new(&#get, #fields) #wait #cancel))
    });
    quote! {
        /// The operations collections of the service, by their `get`: what
        /// [`resolve`](crate::resolve) matches operation names and URLs against.
        pub const COLLECTIONS: &[crate::Collection] = &[#( #entries ),*];
    }
}

/// The service's own operation models that some collection's `get` returns, with their shape,
/// each once, in the order of the collections.
fn operation_models(s: &Service) -> impl Iterator<Item = (&Struct, &OperationShape)> {
    let mut seen: Vec<&str> = Vec::new();
    s.polled()
        .into_iter()
        .filter_map(|(_, m, _)| match &m.response {
            Response::Model(name) => struct_named(&s.types, name),
            Response::Json | Response::NoContent => None,
        })
        .filter_map(move |st| {
            let op = st.operation.as_deref()?;
            if seen.contains(&st.name.as_str()) {
                return None;
            }
            seen.push(&st.name);
            Some((st, op))
        })
}

/// `OPERATION_FIELDS` for the model `Operation`.
fn fields_const(model: &str) -> Ident {
    format_ident!("{}_FIELDS", names::shouty(model))
}

/// The `OperationFields` literal of an operation model, read as `op` says.
fn operation_fields(model: &Struct, op: &OperationShape) -> TokenStream {
    let wire = |f: &FieldName| f.wire_name.clone();
    let done = match &op.done {
        DoneShape::Flag(f) => {
            let f = wire(f);
            quote!(crate::DoneField::Flag(#f))
        }
        DoneShape::Status { field, value, .. } => {
            let f = wire(field);
            quote!(crate::DoneField::Status { field: #f, value: #value })
        }
    };
    let optional = |name: &str, f: Option<&FieldName>| {
        f.map(|f| {
            let (setter, f) = (format_ident!("{name}"), wire(f));
            quote!(.#setter(#f))
        })
    };
    let some = |f: Option<&FieldName>| match f.map(wire) {
        Some(f) => quote!(Some(#f)),
        None => quote!(None),
    };
    let error = op.error.as_ref().map(|e| match e {
        ErrorShape::Status(status) => {
            let f = wire(&status.field);
            quote!(.error(crate::ErrorField::Status(#f)))
        }
        ErrorShape::List {
            field,
            list,
            http_status_code,
            http_error_message,
        } => {
            let (field, list) = (wire(field), wire(list));
            let (code, message) = (
                some(http_status_code.as_ref()),
                some(http_error_message.as_ref()),
            );
            quote!(.error(crate::ErrorField::List {
                field: #field,
                list: #list,
                http_status_code: #code,
                http_error_message: #message,
            }))
        }
    });
    let progress = (!op.progress.is_empty()).then(|| {
        let schema = &model.origin;
        let paths = op.progress.iter().map(|(what, f, _)| {
            let (what, f) = (progress_field(*what), wire(f));
            quote!(.with(#what, &[#f]))
        });
        quote!(.progress(crate::MetadataType::new(#schema) #( #paths )*))
    });
    let name = optional("name", op.name.as_ref());
    let error_text = optional("error_text", op.error_text.as_ref());
    let metadata = optional("metadata", op.metadata.as_ref());
    let response = optional("response", op.response.as_ref());
    quote! {
        crate::OperationFields::new(#done) #name #error #error_text #metadata #response #progress
    }
}
