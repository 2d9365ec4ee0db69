//! The intermediate representation: what the emitters need, with Rust names already decided.

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
    /// Discovery `fullyEncodeReservedExpansion`.
    pub fully_encode_reserved_expansion: bool,
    /// Every OAuth scope: those the document declares and those its methods name.
    pub scopes: Vec<Scope>,
    /// The `operations.get` methods, by id.
    pub methods: Vec<Method>,
    /// The models the methods' responses reach, by Rust name.
    pub types: Vec<TypeDef>,
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
    /// HTTP method.
    pub http_method: String,
    /// Discovery `path`.
    pub path: String,
    /// Discovery `flatPath`.
    pub flat_path: Option<String>,
    /// Discovery `description`.
    pub description: Option<String>,
    /// The path template, parsed.
    pub path_parts: Vec<PathPart>,
    /// Parameters: the required ones in `parameterOrder` first, then the optional ones by name.
    pub params: Vec<Param>,
    /// Constant names of the method's scopes.
    pub scopes: Vec<String>,
    /// Rust type of the response body; `None` when the method declares none or its schema
    /// is not an object (the builder then responds with any JSON value).
    pub response: Option<String>,
    /// A URL the doc example can assert, with the sample value of each required parameter.
    pub example: Option<Example>,
}

/// Sample constructor arguments for a builder's doc example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// One sample value per required parameter, in constructor order.
    pub args: Vec<String>,
    /// The URL the builder makes from them, when it is known at generation time.
    pub url: Option<String>,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Literal text.
    Literal(String),
    /// A parameter: `field` is its Rust field name; `reserved` is `{+x}` (keeps `/`).
    Var {
        /// Rust field name of the parameter.
        field: String,
        /// Reserved expansion `{+x}`.
        reserved: bool,
    },
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
    /// Rust name of the field, argument and setter.
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
    pub pattern: Option<String>,
    /// The shape values must have, for error messages (e.g. `projects/*/operations/*`).
    pub expected: String,
    /// Discovery `description`.
    pub description: Option<String>,
    /// Allowed values and their descriptions, where the document lists them.
    pub enum_values: Vec<(String, String)>,
    /// The generated enum type of a string parameter with listed values.
    pub enum_type: Option<String>,
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

/// A generated model.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDef {
    /// A struct.
    Struct(Struct),
    /// A string enum.
    Enum(Enum),
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

/// How a struct reads as a long-running operation, by Rust field names: either
/// `google.longrunning.Operation`-shaped (`done`, `error` of `google.rpc.Status` shape), or
/// Compute-shaped (`status` enum with `DONE`, `error.errors[]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationShape {
    /// `name: string`.
    pub name: Option<String>,
    /// What says the operation has finished.
    pub done: DoneShape,
    /// `metadata: object`.
    pub metadata: Option<String>,
    /// `response: object`.
    pub response: Option<String>,
    /// Where a failure is reported.
    pub error: Option<ErrorShape>,
}

/// What says an operation has finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DoneShape {
    /// `done: boolean`.
    Flag(String),
    /// A `status` enum whose `DONE` value means finished.
    Status {
        /// The field.
        field: String,
        /// The enum type.
        ty: String,
        /// The variant for `DONE`.
        variant: String,
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
        field: String,
        /// The error object's field holding the list.
        list: String,
    },
}

/// The fields of a `google.rpc.Status`-shaped struct, by Rust name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusShape {
    /// The operation's field holding it.
    pub field: String,
    /// `code: integer` (int32).
    pub code: String,
    /// `message: string`.
    pub message: String,
    /// `details: [object]`.
    pub details: Option<String>,
}
