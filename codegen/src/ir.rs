//! The intermediate representation: what the emitters need, with Rust names already decided.

use std::fmt;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{ToTokens, quote};

/// One service at one version: everything its module holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// The document the service came from, as messages name it.
    pub file: String,
    /// Rust module name, e.g. `dataproc_v1`.
    pub module: String,
    /// Discovery `name`.
    pub name: String,
    /// Discovery `version`.
    pub version: String,
    /// Discovery `title` (the name when there is none).
    pub title: String,
    /// Discovery `description`.
    pub description: Option<String>,
    /// Discovery `documentationLink`.
    pub documentation_link: Option<String>,
    /// Discovery `revision` (empty when the document has none).
    pub revision: String,
    /// Discovery `rootUrl`.
    pub root_url: String,
    /// Discovery `mtlsRootUrl`.
    pub mtls_root_url: Option<String>,
    /// Discovery `servicePath`.
    pub service_path: String,
    /// Discovery `endpoints`: the service's locational and regional endpoints, in document
    /// order.
    pub endpoints: Vec<Endpoint>,
    /// Every OAuth scope: those the document declares and those its methods name.
    pub scopes: Vec<Scope>,
    /// The methods of the operations collections (`get`, `wait`, `cancel`, `delete`,
    /// `list`), by id.
    pub methods: Vec<Method>,
    /// The operations collections, each with its methods by role (as indexes into
    /// `methods`), in the order of their first method.
    pub collections: Vec<Collection>,
    /// The models the methods' responses reach, and the operation metadata messages with
    /// theirs, by Rust name.
    pub types: Vec<TypeDef>,
    /// The operation metadata messages: schemas whose id ends in `Metadata` that no method
    /// takes or returns and that speak of an operation, by schema id.
    pub metadata: Vec<MetadataType>,
    /// The Rust name of the enum of the metadata messages, e.g. `AnyMetadata`.
    pub metadata_enum: String,
}

impl Service {
    /// The collections whose `get` responds with an operation, with that `get` and how the
    /// poller reads them, in the order of the `get`s' ids.
    pub fn polled(&self) -> Vec<(&Collection, &Method, &Poll)> {
        let mut out: Vec<(usize, (&Collection, &Method, &Poll))> = self
            .collections
            .iter()
            .filter_map(|c| {
                let (get, poll) = (c.get?, c.poll.as_ref()?);
                Some((get, (c, &self.methods[get], poll)))
            })
            .collect();
        out.sort_by_key(|(get, _)| *get);
        out.into_iter().map(|(_, polled)| polled).collect()
    }

    /// The method of collection `c` that plays `role`, if it has one.
    pub fn method(&self, c: &Collection, role: MethodKind) -> Option<&Method> {
        c.method(role).map(|i| &self.methods[i])
    }
}

/// An operations collection: a Discovery resource and those of its methods that became
/// builders, by the role each plays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    /// The resource by its names from the top, e.g. `projects.regions.operations`.
    pub resource: String,
    /// Its `get`, by index in the service's `methods`.
    pub get: Option<usize>,
    /// Its `wait`, by index in the service's `methods`.
    pub wait: Option<usize>,
    /// Its `cancel`, by index in the service's `methods`.
    pub cancel: Option<usize>,
    /// Its `delete`, by index in the service's `methods`.
    pub delete: Option<usize>,
    /// Its `list`, by index in the service's `methods`.
    pub list: Option<usize>,
    /// How a client polls the collection's operations, when its `get` responds with one.
    pub poll: Option<Poll>,
}

impl Collection {
    /// The index of its method that plays `role`, if it has one.
    pub fn method(&self, role: MethodKind) -> Option<usize> {
        match role {
            MethodKind::Get => self.get,
            MethodKind::Wait => self.wait,
            MethodKind::Cancel => self.cancel,
            MethodKind::Delete => self.delete,
            MethodKind::List => self.list,
        }
    }

    /// Its methods with their roles, in the order of [`MethodKind::ALL`].
    pub fn methods(&self) -> impl Iterator<Item = (MethodKind, usize)> + '_ {
        MethodKind::ALL
            .into_iter()
            .filter_map(|role| Some((role, self.method(role)?)))
    }
}

/// How a client polls an operation through its collection's `get`: which of the collection's
/// other methods it may use instead, by index in the service's `methods`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poll {
    /// The collection's `wait`, when it waits for the same operation as `get` (same path
    /// parameters, same response).
    pub wait: Option<usize>,
    /// The collection's `cancel`, when it takes the same path parameters as `get`.
    pub cancel: Option<usize>,
}

/// An operation metadata message of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataType {
    /// The schema id.
    pub schema: String,
    /// Rust name of its model, and of its variant in the service's metadata enum.
    pub type_name: String,
    /// Where its progress fields are: a path of wire names for each.
    pub progress: Vec<(ProgressField, Vec<String>)>,
}

/// One field of the runtime's `Progress`: the runtime's own list of them.
pub use google_operations_runtime::ProgressField;

/// A locational or regional endpoint of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The location it serves, e.g. `europe-west4`.
    pub location: String,
    /// Its root URL, e.g. `https://europe-west4-aiplatform.googleapis.com/`.
    pub url: String,
    /// Whether it is regional (`https://dataproc.europe-west3.rep.googleapis.com/`) rather
    /// than locational.
    pub regional: bool,
}

/// An OAuth scope and the constant that names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The scope URL.
    pub url: String,
    /// What it grants.
    pub description: String,
    /// Rust constant name, e.g. `CLOUD_PLATFORM`.
    pub const_name: String,
}

/// One `operations.get` method, as a request builder.
#[derive(Debug, Clone, PartialEq)]
pub struct Method {
    /// Discovery `id`.
    pub id: String,
    /// Builder type name, e.g. `ProjectsRegionsOperationsGet`.
    pub type_name: String,
    /// Which method of its resource it is: its role in its collection.
    pub kind: MethodKind,
    /// HTTP method.
    pub http_method: String,
    /// Discovery `path`, whose every `{x}` and `{+x}` names a path parameter.
    pub path: String,
    /// Discovery `description`.
    pub description: Option<String>,
    /// Parameters: the required ones in `parameterOrder` first, then the optional ones by name.
    pub params: Vec<Param>,
    /// Constant names of the method's scopes, in the service's order.
    pub scopes: Vec<String>,
    /// What the response body decodes into.
    pub response: Response,
    /// Rust type of the request body, when the method has one.
    pub request: Option<String>,
    /// Sample constructor arguments for the doc example, and the URL they give.
    pub example: Option<Example>,
}

/// Which method of an operations resource a builder is: the resource's methods that become
/// builders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MethodKind {
    /// `get`: the operation's latest state.
    Get,
    /// `wait`: the operation's state once it is done or a server-side timeout has passed.
    Wait,
    /// `cancel`.
    Cancel,
    /// `delete`.
    Delete,
    /// `list`: a page of the resource's operations.
    List,
}

impl MethodKind {
    /// Every kind, in the order a collection's methods are told.
    pub const ALL: [MethodKind; 5] = [
        MethodKind::Get,
        MethodKind::Wait,
        MethodKind::Cancel,
        MethodKind::Delete,
        MethodKind::List,
    ];

    /// The method's name in its resource, e.g. `get`.
    pub fn name(self) -> &'static str {
        match self {
            MethodKind::Get => "get",
            MethodKind::Wait => "wait",
            MethodKind::Cancel => "cancel",
            MethodKind::Delete => "delete",
            MethodKind::List => "list",
        }
    }
}

/// What a method's response body decodes into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// A model of the service, by Rust name.
    Model(String),
    /// Any JSON: the response schema is not an object.
    Json,
    /// The method declares no response; the body, if any, is ignored.
    NoContent,
}

impl Response {
    /// The model's name, for a [`Response::Model`].
    pub fn model(&self) -> Option<&str> {
        match self {
            Response::Model(name) => Some(name),
            Response::Json | Response::NoContent => None,
        }
    }
}

/// Sample constructor arguments for a builder's doc example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// One sample value per required parameter, in constructor order.
    pub args: Vec<String>,
    /// The URL the builder makes from them (its root URL, path and required query
    /// parameters), written by the runtime's URL writer as the builder writes it.
    pub url: String,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// In the path.
    Path,
    /// In the query string.
    Query,
}

/// A method parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The name on the wire.
    pub wire_name: String,
    /// Rust name of the constructor argument, getter or setter.
    pub rust_name: String,
    /// Path or query.
    pub location: Location,
    /// Whether the constructor takes it.
    pub required: bool,
    /// Whether it takes several values (each its own `key=value`).
    pub repeated: bool,
    /// Its scalar type.
    pub ty: Scalar,
    /// Discovery `pattern`.
    pub pattern: Option<Pattern>,
    /// Discovery `description`.
    pub description: Option<String>,
    /// Allowed values and their descriptions, where the document lists them.
    pub enum_values: Vec<(String, String)>,
    /// The generated enum type of a string parameter with listed values.
    pub enum_type: Option<String>,
}

impl Param {
    /// Whether its values are free text (`String`), as opposed to numbers, booleans or enums.
    pub fn is_text(&self) -> bool {
        self.ty == Scalar::String && self.enum_type.is_none()
    }
}

/// A Discovery `pattern`: a regular expression values must match as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// The expression, as the document gives it.
    pub regex: String,
    /// The same rule for people, e.g. `projects/*/operations/*`, where the expression is only
    /// literal segments and `[^/]+` (`*`) or `.*` / `.+` (`**`).
    pub shape: Option<String>,
}

impl Pattern {
    /// The shape where there is one, the expression otherwise.
    pub fn describe(&self) -> &str {
        self.shape.as_deref().unwrap_or(&self.regex)
    }
}

/// A scalar JSON value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    /// `boolean`.
    Bool,
    /// `integer`/`int32`.
    I32,
    /// `integer`/`uint32`.
    U32,
    /// `integer` without a format: a JSON number.
    I64Number,
    /// `int64`: carried as a JSON string.
    I64,
    /// `uint64`: carried as a JSON string.
    U64,
    /// `number`/`float`.
    F32,
    /// `number`/`double`.
    F64,
    /// `string` (and its text formats: dates, durations, bytes, field masks).
    String,
}

impl Scalar {
    /// The Rust type of one value, e.g. `i64`: the one table from Discovery scalars to Rust,
    /// for builders, models and change reports alike.
    pub fn rust_name(self) -> &'static str {
        match self {
            Scalar::Bool => "bool",
            Scalar::I32 => "i32",
            Scalar::U32 => "u32",
            Scalar::I64Number | Scalar::I64 => "i64",
            Scalar::U64 => "u64",
            Scalar::F32 => "f32",
            Scalar::F64 => "f64",
            Scalar::String => "String",
        }
    }

    /// The serde codec a model field of it needs: 64-bit integers travel as JSON strings.
    pub fn codec(self) -> Option<Codec> {
        matches!(self, Scalar::I64 | Scalar::U64).then_some(Codec::Int64)
    }
}

impl ToTokens for Scalar {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        Ident::new(self.rust_name(), Span::call_site()).to_tokens(tokens);
    }
}

/// A serde codec of the generated crate, for a model field whose wire form is not serde's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// `crate::__private::int64`: a 64-bit integer carried as a JSON string.
    Int64,
    /// `crate::__private::wire_enum`: a generated enum, by its wire values.
    WireEnum,
}

impl Codec {
    /// The path of its module in the generated crate.
    pub fn module(self) -> &'static str {
        match self {
            Codec::Int64 => "crate::__private::int64",
            Codec::WireEnum => "crate::__private::wire_enum",
        }
    }
}

/// The codec as serde's `with` attribute takes it: its module's path as a string literal.
impl ToTokens for Codec {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        Literal::string(self.module()).to_tokens(tokens);
    }
}

/// A Rust type as generated code names it: a path and its generic arguments, e.g.
/// `std::collections::BTreeMap<String, Vec<i64>>`. Its tokens are what the emitters print;
/// its `Display` form is for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustType<'a> {
    /// The path's segments, e.g. `["serde_json", "Value"]`.
    pub path: Vec<&'a str>,
    /// The generic arguments.
    pub args: Vec<RustType<'a>>,
}

impl<'a> RustType<'a> {
    /// The type at `path` without generic arguments.
    fn plain(path: &[&'a str]) -> Self {
        RustType {
            path: path.to_vec(),
            args: Vec::new(),
        }
    }

    /// The generic type at `path` of `args`.
    fn generic(path: &[&'a str], args: Vec<RustType<'a>>) -> Self {
        RustType {
            path: path.to_vec(),
            args,
        }
    }
}

impl ToTokens for RustType<'_> {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let segments = self
            .path
            .iter()
            .map(|segment| Ident::new(segment, Span::call_site()));
        tokens.extend(quote!(#( #segments )::*));
        if !self.args.is_empty() {
            let args = &self.args;
            tokens.extend(quote!(<#( #args ),*>));
        }
    }
}

impl fmt::Display for RustType<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path.join("::"))?;
        if let Some((first, rest)) = self.args.split_first() {
            write!(f, "<{first}")?;
            for arg in rest {
                write!(f, ", {arg}")?;
            }
            f.write_str(">")?;
        }
        Ok(())
    }
}

/// The type of a model field.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// A scalar.
    Scalar(Scalar),
    /// `type: any`: any JSON value.
    Any,
    /// An object of `type: any` values (`metadata`, `response`, `details` items).
    Object,
    /// `type: array`.
    Array(Box<Type>),
    /// `type: object` with typed `additionalProperties`.
    Map(Box<Type>),
    /// A generated enum.
    Enum(String),
    /// A generated model; `boxed` when it sits on a cycle of plain fields.
    Named {
        /// Rust type name.
        name: String,
        /// Held in a `Box`.
        boxed: bool,
    },
}

impl Type {
    /// The Rust type of a model field holding this type (inside its `Option`), and the serde
    /// codec the field needs, if any.
    pub fn field_type(&self) -> (RustType<'_>, Option<Codec>) {
        match self {
            Type::Scalar(s) => (RustType::plain(&[s.rust_name()]), s.codec()),
            Type::Enum(name) => (RustType::plain(&[name]), Some(Codec::WireEnum)),
            Type::Array(item) => match item.as_ref() {
                inner @ (Type::Scalar(Scalar::I64 | Scalar::U64) | Type::Enum(_)) => {
                    let (ty, codec) = inner.field_type();
                    (RustType::generic(&["Vec"], vec![ty]), codec)
                }
                other => (RustType::generic(&["Vec"], vec![other.nested_type()]), None),
            },
            other => (other.nested_type(), None),
        }
    }

    /// The Rust type below the top of a field. Strings carrying 64-bit integers or enum values
    /// stay `String` here, as the codecs cover only a field and a list of them.
    fn nested_type(&self) -> RustType<'_> {
        match self {
            Type::Scalar(Scalar::I64 | Scalar::U64) | Type::Enum(_) => {
                RustType::plain(&[Scalar::String.rust_name()])
            }
            Type::Scalar(s) => RustType::plain(&[s.rust_name()]),
            Type::Any => RustType::plain(&["serde_json", "Value"]),
            Type::Object => RustType::plain(&["crate", "JsonObject"]),
            Type::Array(item) => RustType::generic(&["Vec"], vec![item.nested_type()]),
            Type::Map(value) => RustType::generic(
                &["std", "collections", "BTreeMap"],
                vec![
                    RustType::plain(&[Scalar::String.rust_name()]),
                    value.nested_type(),
                ],
            ),
            Type::Named { name, boxed: true } => {
                RustType::generic(&["Box"], vec![RustType::plain(&[name])])
            }
            Type::Named { name, boxed: false } => RustType::plain(&[name]),
        }
    }
}

/// A generated model.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDef {
    /// A struct.
    Struct(Struct),
    /// A string enum.
    Enum(Enum),
    /// A schema with exactly the shape of a model the runtime defines once for every service,
    /// named by a re-export.
    Shared(Shared),
}

/// A schema that is, property for property, a model of the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    /// Rust name in the service module, e.g. `GoogleLongrunningOperation`.
    pub name: String,
    /// The schema id.
    pub origin: String,
    /// Which runtime model it is.
    pub model: SharedModel,
}

/// The models the runtime defines once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharedModel {
    /// `google.longrunning.Operation`: `done`, `error`, `metadata`, `name`, `response`.
    Operation,
    /// `google.rpc.Status`: `code`, `details`, `message`.
    Status,
}

impl SharedModel {
    /// The runtime type's name.
    pub fn rust_name(self) -> &'static str {
        match self {
            SharedModel::Operation => "Operation",
            SharedModel::Status => "Status",
        }
    }
}

impl TypeDef {
    /// The Rust name of the model.
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Struct(s) => &s.name,
            TypeDef::Enum(e) => &e.name,
            TypeDef::Shared(s) => &s.name,
        }
    }
}

/// The struct of `defs` with Rust name `name`.
pub fn struct_named<'d>(defs: &'d [TypeDef], name: &str) -> Option<&'d Struct> {
    defs.iter().find_map(|d| match d {
        TypeDef::Struct(s) if s.name == name => Some(s),
        _ => None,
    })
}

/// A string property with a closed list of values; values it does not list are kept in
/// `Unknown`.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// Rust type name.
    pub name: String,
    /// Where it comes from: `Schema.property`.
    pub origin: String,
    /// Discovery `description` of the property.
    pub description: Option<String>,
    /// The values: wire value, Rust variant name, description.
    pub variants: Vec<Variant>,
}

/// One value of an [`Enum`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The value on the wire.
    pub wire: String,
    /// Rust variant name.
    pub rust_name: String,
    /// Discovery `enumDescriptions` entry.
    pub description: String,
}

/// A model struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// Rust type name.
    pub name: String,
    /// Where it comes from: a schema id, or `Schema.property` for an inline object.
    pub origin: String,
    /// Discovery `description`.
    pub description: Option<String>,
    /// Its properties.
    pub fields: Vec<Field>,
    /// How it reads as a long-running operation, when it has that shape.
    pub operation: Option<Box<OperationShape>>,
    /// How it reads as one page of a collection's `list`, when it is that response.
    pub page: Option<PageShape>,
}

/// A model field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The property name on the wire.
    pub wire_name: String,
    /// Rust field name.
    pub rust_name: String,
    /// Its type (always optional on the wire).
    pub ty: Type,
    /// Discovery `description`.
    pub description: Option<String>,
    /// Allowed values, where the document lists them.
    pub enum_values: Vec<(String, String)>,
    /// Discovery `readOnly`.
    pub read_only: bool,
    /// Discovery `deprecated`.
    pub deprecated: bool,
}

/// How a `list` response reads as a page, by Rust field names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageShape {
    /// The array of operations (`operations`, or Compute's `items`).
    pub items: String,
    /// Its element type: the collection's operation model.
    pub item_type: String,
    /// `nextPageToken`.
    pub next_page_token: String,
}

/// How a struct reads as a long-running operation, by field (wire and Rust names): either
/// `google.longrunning.Operation`-shaped (`done`, `error` of `google.rpc.Status` shape), or
/// Compute-shaped (`status` enum with `DONE`, `error.errors[]`).
#[derive(Debug, Clone, PartialEq)]
pub struct OperationShape {
    /// `name: string`.
    pub name: Option<FieldName>,
    /// What says the operation has finished.
    pub done: DoneShape,
    /// `metadata: object`.
    pub metadata: Option<FieldName>,
    /// `response: object`.
    pub response: Option<FieldName>,
    /// Where a failure is reported.
    pub error: Option<ErrorShape>,
    /// A text field that says what went wrong, by its description ("If an error has
    /// occurred, a textual description of the error": GKE's `statusMessage`): an operation
    /// done with it set and no `error` has failed.
    pub error_text: Option<FieldName>,
    /// The operation's own fields that say how far it has got (Compute's `progress`,
    /// `status`, `statusMessage`…): the progress field each gives, its names and its type.
    pub progress: Vec<(ProgressField, FieldName, Type)>,
}

/// A field's wire and Rust names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldName {
    /// The property name on the wire.
    pub wire_name: String,
    /// Rust field name.
    pub rust_name: String,
}

impl FieldName {
    /// The names of `field`.
    pub fn of(field: &Field) -> Self {
        FieldName {
            wire_name: field.wire_name.clone(),
            rust_name: field.rust_name.clone(),
        }
    }
}

/// What says an operation has finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DoneShape {
    /// `done: boolean`.
    Flag(FieldName),
    /// A `status` enum whose `DONE` value means finished.
    Status {
        /// The field.
        field: FieldName,
        /// The enum type.
        ty: String,
        /// The variant for `DONE`.
        variant: String,
        /// The value for `DONE` on the wire.
        value: String,
    },
}

/// Where an operation reports its failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorShape {
    /// `error` of `google.rpc.Status` shape.
    Status(StatusShape),
    /// `error.errors[]`: a list of error objects (Compute style).
    List {
        /// The operation's field holding the error object.
        field: FieldName,
        /// The error object's field holding the list.
        list: FieldName,
        /// The operation's `httpErrorStatusCode: integer` (int32).
        http_status_code: Option<FieldName>,
        /// The operation's `httpErrorMessage: string`.
        http_error_message: Option<FieldName>,
    },
}

/// The fields of a `google.rpc.Status`-shaped struct, by Rust name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusShape {
    /// The operation's field holding it.
    pub field: FieldName,
    /// `code: integer` (int32).
    pub code: String,
    /// `message: string`.
    pub message: String,
    /// `details: [object]`.
    pub details: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_types_print_as_rust_and_as_text() {
        let map = Type::Map(Box::new(Type::Array(Box::new(Type::Enum("E".into())))));
        let (ty, codec) = map.field_type();
        assert_eq!(
            ty.to_string(),
            "std::collections::BTreeMap<String, Vec<String>>"
        );
        assert_eq!(codec, None);
        let list = Type::Array(Box::new(Type::Scalar(Scalar::U64)));
        let (ty, codec) = list.field_type();
        assert_eq!(ty.to_string(), "Vec<u64>");
        assert_eq!(quote!(#ty).to_string(), quote!(Vec<u64>).to_string());
        assert_eq!(
            quote!(#codec).to_string(),
            "\"crate::__private::int64\"".to_owned()
        );
        let boxed = Type::Named {
            name: "Node".into(),
            boxed: true,
        };
        let (ty, _) = boxed.field_type();
        assert_eq!(quote!(#ty).to_string(), quote!(Box<Node>).to_string());
    }
}
