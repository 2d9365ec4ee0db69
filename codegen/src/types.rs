//! The schemas a response reaches, as Rust models.

use std::collections::{BTreeMap, BTreeSet};

use crate::discovery::{Document, Schema};
use crate::error::{Error, join};
use crate::ir::{
    DoneShape, Enum, ErrorShape, Field, FieldName, OperationShape, Scalar, Shared, SharedModel,
    StatusShape, Struct, Type, TypeDef, Variant,
};
use crate::names::{self, Namespace};

/// Maps a Discovery `type` and `format` to a scalar; an unknown format falls back to the plain
/// type and is reported in the second value.
pub fn scalar_or_warn(kind: &str, format: Option<&str>) -> Option<(Scalar, Option<String>)> {
    let plain = match kind {
        "boolean" => Scalar::Bool,
        "integer" => Scalar::I64Number,
        "number" => Scalar::F64,
        "string" => Scalar::String,
        _ => return None,
    };
    let typed = match (kind, format) {
        (_, None) => plain,
        ("integer", Some("int32")) => Scalar::I32,
        ("integer", Some("uint32")) => Scalar::U32,
        ("integer", Some("int64")) => Scalar::I64Number,
        ("number", Some("double")) => Scalar::F64,
        ("number", Some("float")) => Scalar::F32,
        ("string", Some("int64")) => Scalar::I64,
        ("string", Some("uint64")) => Scalar::U64,
        (
            "string",
            Some(
                "byte" | "date" | "date-time" | "google-datetime" | "google-duration"
                | "google-fieldmask",
            ),
        ) => Scalar::String,
        (_, Some(other)) => {
            return Some((
                plain,
                Some(format!(
                    "unknown format {other:?} for type {kind:?}; using the plain {kind}"
                )),
            ));
        }
    };
    Some((typed, None))
}

/// Like [`scalar_or_warn`] for parameters, where every type is a scalar.
pub fn scalar(file: &str, path: &str, kind: &str, format: Option<&str>) -> Result<Scalar, Error> {
    match scalar_or_warn(kind, format) {
        Some((s, _)) => Ok(s),
        None => Err(Error::new(
            file,
            join(path, "type"),
            format!(
                "unsupported parameter type {kind:?} (expected boolean, integer, number or string)"
            ),
        )),
    }
}

/// An enum of the given values (wire value, description); repeated values are listed once.
pub fn enumeration(
    name: String,
    origin: String,
    description: Option<String>,
    values: &[(String, String)],
) -> Enum {
    let mut variant_names = Namespace::with_reserved(&["Unknown"]);
    let mut variants: Vec<Variant> = Vec::new();
    for (wire, text) in values {
        if variants.iter().any(|v| v.wire == *wire) {
            continue;
        }
        variants.push(Variant {
            wire: wire.clone(),
            rust_name: variant_names.claim(names::camel(wire)),
            description: text.clone(),
        });
    }
    Enum {
        name,
        origin,
        description,
        variants,
    }
}

/// Whether schema `name` is an operation: google.longrunning-shaped (a `done` boolean and an
/// `error`) or Compute-shaped (a `status` string enum with a `DONE` value, in any letter
/// case, as Cloud DNS's `done`). `at` is the JSON path of the reference, for errors.
pub fn is_operation(file: &str, doc: &Document<'_>, name: &str, at: &str) -> Result<bool, Error> {
    let schema = schema(file, doc, name, at)?;
    let prop = |wire: &str| schema.properties.get(wire);
    let flag = prop("done").is_some_and(|p| p.kind.as_deref() == Some("boolean"));
    let status = prop("status").is_some_and(|p| {
        p.kind.as_deref() == Some("string")
            && p.enum_values.iter().any(|v| v.eq_ignore_ascii_case("DONE"))
    });
    Ok((flag && prop("error").is_some()) || status)
}

/// Schema `name` of `doc`; `at` is the JSON path of the reference, for errors.
fn schema<'d, 'a>(
    file: &str,
    doc: &'d Document<'a>,
    name: &str,
    at: &str,
) -> Result<&'d Schema<'a>, Error> {
    doc.schemas.get(name).ok_or_else(|| {
        Error::new(
            file,
            at,
            format!("refers to schema {name:?}, which the document does not define"),
        )
    })
}

/// Collects the closure of schemas that responses reach and turns it into models.
pub struct TypeBuilder<'d, 'a> {
    file: &'d str,
    doc: &'d Document<'a>,
    warnings: &'d mut Vec<Error>,
    /// The schemas of the closure, by wire id.
    closure: BTreeMap<String, &'d Schema<'a>>,
}

/// The models of one service.
pub struct Types {
    /// Every model, by Rust name.
    pub defs: Vec<TypeDef>,
    /// The Rust name of the model of each schema id that has one (objects; arrays and scalars
    /// stand inline).
    pub names: BTreeMap<String, String>,
}

impl<'d, 'a> TypeBuilder<'d, 'a> {
    /// A builder for the schemas of `doc`.
    pub fn new(file: &'d str, doc: &'d Document<'a>, warnings: &'d mut Vec<Error>) -> Self {
        TypeBuilder {
            file,
            doc,
            warnings,
            closure: BTreeMap::new(),
        }
    }

    /// Adds schema `name` and everything it reaches; `at` is the JSON path of the reference.
    pub fn require<'n>(&mut self, name: &'n str, at: &str) -> Result<&'n str, Error> {
        let mut queue = vec![(name.to_owned(), at.to_owned())];
        while let Some((name, at)) = queue.pop() {
            if self.closure.contains_key(&name) {
                continue;
            }
            let schema = schema(self.file, self.doc, &name, &at)?;
            schema.references_at(&join("schemas", &name), &mut queue);
            self.closure.insert(name, schema);
        }
        Ok(name)
    }

    /// Names and converts the closure; the schemas in `operations` (wire ids) are the responses
    /// of operations collections, and only they read as operations.
    pub fn finish(
        self,
        type_names: &mut Namespace,
        operations: &BTreeSet<String>,
    ) -> Result<Types, Error> {
        let mut names = BTreeMap::new();
        for (wire, schema) in &self.closure {
            if is_object(schema) {
                names.insert(wire.clone(), type_names.claim(names::camel(wire)));
            }
        }
        let warnings = self.warnings;
        let mut convert = Converter {
            file: self.file,
            closure: &self.closure,
            names: &names,
            type_names,
            warnings: &mut *warnings,
            defs: Vec::new(),
        };
        for (wire, schema) in &self.closure {
            if let Some(name) = names.get(wire) {
                convert.object(name.clone(), wire.clone(), schema, &join("schemas", wire))?;
            }
        }
        let mut defs = convert.defs;
        box_cycles(&mut defs);
        let operations: BTreeSet<String> = operations
            .iter()
            .filter_map(|wire| names.get(wire).cloned())
            .collect();
        mark_operations(&mut defs, &operations, self.file, warnings);
        let mut defs = share_runtime_models(defs);
        defs.sort_by(|a, b| a.name().cmp(b.name()));
        Ok(Types { defs, names })
    }
}

fn structs(defs: &[TypeDef]) -> impl Iterator<Item = &Struct> {
    defs.iter().filter_map(|d| match d {
        TypeDef::Struct(s) => Some(s),
        _ => None,
    })
}

fn structs_mut(defs: &mut [TypeDef]) -> impl Iterator<Item = &mut Struct> {
    defs.iter_mut().filter_map(|d| match d {
        TypeDef::Struct(s) => Some(s),
        _ => None,
    })
}

/// Replaces the structs that are, property for property (wire name and type), the runtime's
/// `Status` and `Operation` with re-exports of those; descriptions do not matter. The rule is
/// [`SharedModel::of`].
fn share_runtime_models(defs: Vec<TypeDef>) -> Vec<TypeDef> {
    let shared: BTreeMap<String, SharedModel> = structs(&defs)
        .filter_map(|s| Some((s.name.clone(), SharedModel::of(s, &defs)?)))
        .collect();
    defs.into_iter()
        .map(|def| match def {
            TypeDef::Struct(s) if shared.contains_key(&s.name) => TypeDef::Shared(Shared {
                model: shared[&s.name],
                name: s.name,
                origin: s.origin,
            }),
            other => other,
        })
        .collect()
}

/// What a property of a model of the runtime holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    /// A value of this type.
    Type(Type),
    /// A model that is the runtime's `Status` (`Operation.error`).
    Status,
}

/// Names what a property holds in plain words: `boolean`, `array of object`, `Status`.
impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expected::Type(ty) => f.write_str(&plain_type(ty)),
            Expected::Status => f.write_str("Status"),
        }
    }
}

/// One way a model differs from a model of the runtime; see [`SharedModel::differences`].
#[derive(Debug, Clone, PartialEq)]
pub enum Difference {
    /// The model is not read as a long-running operation, as the runtime's `Operation` is.
    NotAnOperation,
    /// The runtime's model has this property; the model does not.
    Missing {
        /// The property's wire name.
        property: String,
        /// What the runtime's model holds in it.
        expected: Expected,
    },
    /// The model has this property; the runtime's model does not.
    Extra {
        /// The property's wire name.
        property: String,
        /// Its type in the model.
        ty: Type,
    },
    /// The property holds another type than the runtime's.
    Retyped {
        /// The property's wire name.
        property: String,
        /// Its type in the model.
        ty: Type,
        /// What the runtime's model holds in it.
        expected: Expected,
    },
    /// The property holds a model of the service, where the runtime's holds its `Status`, and
    /// that model is not the runtime's `Status`.
    NotStatus {
        /// The property's wire name.
        property: String,
        /// The Rust name of the model it holds.
        model: String,
        /// How that model differs from the runtime's `Status` (empty when the service has no
        /// struct of that name).
        why: Vec<Difference>,
    },
}

impl Difference {
    /// The property the difference is about; none for [`Difference::NotAnOperation`].
    pub fn property(&self) -> Option<&str> {
        match self {
            Difference::NotAnOperation => None,
            Difference::Missing { property, .. }
            | Difference::Extra { property, .. }
            | Difference::Retyped { property, .. }
            | Difference::NotStatus { property, .. } => Some(property),
        }
    }
}

/// Tells the difference in plain words, e.g. `no property metadata (object)`.
impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::NotAnOperation => f.write_str("not read as a long-running operation"),
            Difference::Missing { property, expected } => {
                write!(f, "no property {property} ({expected})")
            }
            Difference::Extra { property, ty } => {
                write!(f, "an extra property {property} ({})", plain_type(ty))
            }
            Difference::Retyped {
                property,
                ty,
                expected,
            } => write!(
                f,
                "property {property} is {}, not {expected}",
                plain_type(ty)
            ),
            Difference::NotStatus {
                property,
                model,
                why,
            } => {
                write!(f, "property {property} is model {model}, not Status")?;
                if !why.is_empty() {
                    write!(f, " ({})", tell(why))?;
                }
                Ok(())
            }
        }
    }
}

/// Differences told one after the other, separated by semicolons: `no property metadata
/// (object); an extra property foo (string)`.
pub fn tell(differences: &[Difference]) -> String {
    differences
        .iter()
        .map(Difference::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A property type in plain words, as a document would say it: `boolean`, `int32`, `string`,
/// `object`, `array of object`, `model Status`.
pub fn plain_type(ty: &Type) -> String {
    match ty {
        Type::Scalar(s) => match s {
            Scalar::Bool => "boolean",
            Scalar::I32 => "int32",
            Scalar::U32 => "uint32",
            Scalar::I64Number => "integer",
            Scalar::I64 => "int64",
            Scalar::U64 => "uint64",
            Scalar::F32 => "float",
            Scalar::F64 => "double",
            Scalar::String => "string",
        }
        .to_owned(),
        Type::Any => "any value".to_owned(),
        Type::Object => "object".to_owned(),
        Type::Array(item) => format!("array of {}", plain_type(item)),
        Type::Map(value) => format!("map of {}", plain_type(value)),
        Type::Enum(name) => format!("enum {name}"),
        Type::Named { name, .. } => format!("model {name}"),
    }
}

/// The rule that makes a struct one of the runtime's models, told property by property.
impl SharedModel {
    /// The runtime model's properties, by wire name in order, and what each holds.
    pub fn properties(self) -> Vec<(&'static str, Expected)> {
        match self {
            SharedModel::Status => vec![
                ("code", Expected::Type(Type::Scalar(Scalar::I32))),
                (
                    "details",
                    Expected::Type(Type::Array(Box::new(Type::Object))),
                ),
                ("message", Expected::Type(Type::Scalar(Scalar::String))),
            ],
            SharedModel::Operation => vec![
                ("done", Expected::Type(Type::Scalar(Scalar::Bool))),
                ("error", Expected::Status),
                ("metadata", Expected::Type(Type::Object)),
                ("name", Expected::Type(Type::Scalar(Scalar::String))),
                ("response", Expected::Type(Type::Object)),
            ],
        }
    }

    /// How struct `s` of a service whose models are `defs` differs from this model of the
    /// runtime, by property name (with [`Difference::NotAnOperation`] first); none when `s` is
    /// this model, and the generator makes it a re-export of it. Descriptions do not matter.
    ///
    /// `defs` may hold the service's structs before they are shared, or after: the model of
    /// `Operation.error` is the runtime's `Status` when it is a [`TypeDef::Shared`] `Status`
    /// or a struct with no differences from it.
    pub fn differences(self, s: &Struct, defs: &[TypeDef]) -> Vec<Difference> {
        let mut out = Vec::new();
        if self == SharedModel::Operation && s.operation.is_none() {
            out.push(Difference::NotAnOperation);
        }
        let properties = self.properties();
        for (wire, expected) in &properties {
            match s.fields.iter().find(|f| f.wire_name == *wire) {
                None => out.push(Difference::Missing {
                    property: (*wire).to_owned(),
                    expected: expected.clone(),
                }),
                Some(f) => out.extend(retyped(wire, &f.ty, expected, defs)),
            }
        }
        for f in &s.fields {
            if !properties.iter().any(|(wire, _)| f.wire_name == *wire) {
                out.push(Difference::Extra {
                    property: f.wire_name.clone(),
                    ty: f.ty.clone(),
                });
            }
        }
        out.sort_by(|a, b| a.property().cmp(&b.property()));
        out
    }

    /// The model of the runtime that struct `s` of a service whose models are `defs` is, if
    /// any: the one from which it has no [`differences`](Self::differences).
    pub fn of(s: &Struct, defs: &[TypeDef]) -> Option<SharedModel> {
        [SharedModel::Status, SharedModel::Operation]
            .into_iter()
            .find(|model| model.differences(s, defs).is_empty())
    }
}

/// How property `wire` of type `ty` differs from what the runtime's model holds in it, if it
/// does; `defs` are the service's models.
fn retyped(wire: &str, ty: &Type, expected: &Expected, defs: &[TypeDef]) -> Option<Difference> {
    let named = match (expected, ty) {
        (Expected::Type(want), _) if want == ty => return None,
        (Expected::Status, Type::Named { name, boxed: false }) => name,
        _ => {
            return Some(Difference::Retyped {
                property: wire.to_owned(),
                ty: ty.clone(),
                expected: expected.clone(),
            });
        }
    };
    let why = match defs.iter().find(|d| d.name() == named) {
        Some(TypeDef::Shared(shared)) if shared.model == SharedModel::Status => return None,
        Some(TypeDef::Struct(model)) => {
            let why = SharedModel::Status.differences(model, defs);
            if why.is_empty() {
                return None;
            }
            why
        }
        _ => Vec::new(),
    };
    Some(Difference::NotStatus {
        property: wire.to_owned(),
        model: named.clone(),
        why,
    })
}

/// Whether a schema becomes a struct of its own.
fn is_object(s: &Schema<'_>) -> bool {
    s.reference.is_none()
        && (!s.properties.is_empty()
            || (s.kind.as_deref() == Some("object") && s.additional_properties.is_none()))
}

struct Converter<'c, 'd, 'a> {
    file: &'c str,
    closure: &'c BTreeMap<String, &'d Schema<'a>>,
    names: &'c BTreeMap<String, String>,
    type_names: &'c mut Namespace,
    warnings: &'c mut Vec<Error>,
    defs: Vec<TypeDef>,
}

impl Converter<'_, '_, '_> {
    fn object(
        &mut self,
        name: String,
        origin: String,
        s: &Schema<'_>,
        path: &str,
    ) -> Result<(), Error> {
        let mut field_names = Namespace::with_reserved(&["unknown_fields"]);
        let mut fields = Vec::new();
        for (wire, p) in &s.properties {
            let ppath = join(&join(path, "properties"), wire);
            let ty = self.ty(p, &ppath, &name, wire, 0)?;
            let enum_values = p
                .enum_values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    (
                        v.to_string(),
                        p.enum_descriptions
                            .get(i)
                            .map(|d| d.to_string())
                            .unwrap_or_default(),
                    )
                })
                .collect();
            fields.push(Field {
                wire_name: wire.to_string(),
                rust_name: field_names.claim(names::snake(wire)),
                ty,
                description: p.description.as_deref().map(str::to_owned),
                enum_values,
                read_only: p.read_only,
                deprecated: p.deprecated,
            });
        }
        self.defs.push(TypeDef::Struct(Struct {
            name,
            origin,
            description: s.description.as_deref().map(str::to_owned),
            fields,
            operation: None,
            page: None,
        }));
        Ok(())
    }

    /// The type of a property (or item, or map value) `s` of struct `owner`.
    fn ty(
        &mut self,
        s: &Schema<'_>,
        path: &str,
        owner: &str,
        prop: &str,
        depth: usize,
    ) -> Result<Type, Error> {
        if let Some(r) = &s.reference {
            if let Some(name) = self.names.get(r.as_ref()) {
                return Ok(Type::Named {
                    name: name.clone(),
                    boxed: false,
                });
            }
            // A schema that is not an object (an array, a map, a scalar) stands inline.
            if depth > 32 {
                return Err(Error::new(
                    self.file,
                    join(path, "$ref"),
                    "references form a loop that never reaches an object",
                ));
            }
            let target = &self.closure[r.as_ref()];
            return self.ty(target, &join("schemas", r), owner, prop, depth + 1);
        }
        let Some(kind) = s.kind.as_deref() else {
            return if s.properties.is_empty() {
                Ok(Type::Any)
            } else {
                self.nested(s, path, owner, prop)
            };
        };
        match kind {
            "any" => Ok(Type::Any),
            "array" => match &s.items {
                Some(items) => Ok(Type::Array(Box::new(self.ty(
                    items,
                    &join(path, "items"),
                    owner,
                    prop,
                    depth,
                )?))),
                None => Ok(Type::Array(Box::new(Type::Any))),
            },
            "object" => self.object_type(s, path, owner, prop, depth),
            _ => match scalar_or_warn(kind, s.format.as_deref()) {
                Some((scalar, warning)) => {
                    if let Some(w) = warning {
                        self.warnings
                            .push(Error::new(self.file, join(path, "format"), w));
                    }
                    if scalar == Scalar::String && !s.enum_values.is_empty() {
                        return Ok(self.enumeration(s, owner, prop));
                    }
                    Ok(Type::Scalar(scalar))
                }
                None => Err(Error::new(
                    self.file,
                    join(path, "type"),
                    format!(
                        "unknown type {kind:?} (expected any, array, boolean, integer, number, object or string)"
                    ),
                )),
            },
        }
    }

    /// The type of a `type: object` property: a nested struct, a map or any object.
    fn object_type(
        &mut self,
        s: &Schema<'_>,
        path: &str,
        owner: &str,
        prop: &str,
        depth: usize,
    ) -> Result<Type, Error> {
        if !s.properties.is_empty() {
            self.nested(s, path, owner, prop)
        } else if let Some(ap) = &s.additional_properties {
            match self.ty(
                ap,
                &join(path, "additionalProperties"),
                owner,
                &format!("{prop} value"),
                depth,
            )? {
                Type::Any => Ok(Type::Object),
                value => Ok(Type::Map(Box::new(value))),
            }
        } else {
            Ok(Type::Object)
        }
    }

    fn enumeration(&mut self, s: &Schema<'_>, owner: &str, prop: &str) -> Type {
        let name = self
            .type_names
            .claim(names::camel(&format!("{owner} {prop}")));
        let values: Vec<(String, String)> = s
            .enum_values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                (
                    v.to_string(),
                    s.enum_descriptions
                        .get(i)
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                )
            })
            .collect();
        self.defs.push(TypeDef::Enum(enumeration(
            name.clone(),
            format!("{owner}.{prop}"),
            s.description.as_deref().map(str::to_owned),
            &values,
        )));
        Type::Enum(name)
    }

    fn nested(
        &mut self,
        s: &Schema<'_>,
        path: &str,
        owner: &str,
        prop: &str,
    ) -> Result<Type, Error> {
        let name = self
            .type_names
            .claim(names::camel(&format!("{owner} {prop}")));
        self.object(name.clone(), format!("{owner}.{prop}"), s, path)?;
        Ok(Type::Named { name, boxed: false })
    }
}

/// Boxes every plain field through which a struct reaches itself.
fn box_cycles(defs: &mut [TypeDef]) {
    let edges: BTreeMap<String, BTreeSet<String>> = structs(defs)
        .map(|s| {
            let targets = s
                .fields
                .iter()
                .filter_map(|f| match &f.ty {
                    Type::Named { name, .. } => Some(name.clone()),
                    _ => None,
                })
                .collect();
            (s.name.clone(), targets)
        })
        .collect();
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                stack.extend(edges.get(&n).into_iter().flatten().cloned());
            }
        }
        false
    };
    for s in structs_mut(defs) {
        for f in &mut s.fields {
            if let Type::Named { name, boxed } = &mut f.ty {
                *boxed = reaches(name, &s.name);
            }
        }
    }
}

/// Gives each struct in `operations` (Rust names) its [`OperationShape`]: where it says it is
/// done, and where its error is. An operation whose failures cannot be read is reported in
/// `warnings`.
fn mark_operations(
    defs: &mut [TypeDef],
    operations: &BTreeSet<String>,
    file: &str,
    warnings: &mut Vec<Error>,
) {
    let parts = OperationParts::of(defs);
    for s in structs_mut(defs).filter(|s| operations.contains(&s.name)) {
        let Some(done) = parts.done(s) else {
            continue;
        };
        let error = parts.error(s);
        if error.is_none() && s.fields.iter().any(|f| f.wire_name == "error") {
            warnings.push(Error::new(
                file,
                join(&join("schemas", &s.origin), "properties.error"),
                "an operation's error of neither google.rpc.Status shape nor an `errors` list; \
                 the poller cannot report this operation's failures",
            ));
        }
        let string = Type::Scalar(Scalar::String);
        let find = |wire: &str, ty: &Type| field(s, wire, ty);
        let error_text = s
            .fields
            .iter()
            .find(|f| f.wire_name != "error" && f.ty == string && describes_an_error(f))
            .map(FieldName::of);
        let operation = OperationShape {
            name: find("name", &string).or_else(|| find("id", &string)),
            done,
            metadata: find("metadata", &Type::Object),
            response: find("response", &Type::Object),
            error,
            error_text,
            progress: crate::metadata::own(s),
        };
        s.operation = Some(Box::new(operation));
    }
}

/// The models an operation's done and error fields may be, by name.
struct OperationParts {
    /// Structs of `google.rpc.Status` shape.
    statuses: BTreeMap<String, StatusShape>,
    /// Structs holding an `errors: [object]` list.
    error_lists: BTreeMap<String, FieldName>,
    /// The variant of each enum that means done, `DONE` in any letter case, and its value.
    done_variants: BTreeMap<String, (String, String)>,
}

impl OperationParts {
    fn of(defs: &[TypeDef]) -> Self {
        let statuses = structs(defs)
            .filter_map(|s| Some((s.name.clone(), status_shape(s)?)))
            .collect();
        let error_lists = structs(defs)
            .filter_map(|s| {
                let f = s.fields.iter().find(|f| {
                    f.wire_name == "errors"
                        && matches!(&f.ty, Type::Array(item) if matches!(**item, Type::Named { .. }))
                })?;
                Some((s.name.clone(), FieldName::of(f)))
            })
            .collect();
        let done_variants = defs
            .iter()
            .filter_map(|d| match d {
                TypeDef::Enum(e) => {
                    let done = e
                        .variants
                        .iter()
                        .find(|v| v.wire.eq_ignore_ascii_case("DONE"))?;
                    Some((e.name.clone(), (done.rust_name.clone(), done.wire.clone())))
                }
                _ => None,
            })
            .collect();
        OperationParts {
            statuses,
            error_lists,
            done_variants,
        }
    }

    /// What says `s` is done: a `done` flag, or a `status` enum with a done value.
    fn done(&self, s: &Struct) -> Option<DoneShape> {
        let flag = field(s, "done", &Type::Scalar(Scalar::Bool)).map(DoneShape::Flag);
        let status = s.fields.iter().find_map(|f| match &f.ty {
            Type::Enum(ty) if f.wire_name == "status" => {
                self.done_variants
                    .get(ty)
                    .map(|(variant, value)| DoneShape::Status {
                        field: FieldName::of(f),
                        ty: ty.clone(),
                        variant: variant.clone(),
                        value: value.clone(),
                    })
            }
            _ => None,
        });
        flag.or(status)
    }

    /// Where `s` reports failure: a Status-shaped `error` (google.longrunning, GKE), or an
    /// `error.errors[]` list with the HTTP status beside it (Compute, Cloud SQL).
    fn error(&self, s: &Struct) -> Option<ErrorShape> {
        let find = |wire: &str, ty: &Type| field(s, wire, ty);
        s.fields.iter().find_map(|f| match &f.ty {
            Type::Named { name, boxed: false } if f.wire_name == "error" => {
                match (self.statuses.get(name), self.error_lists.get(name)) {
                    (Some(status), _) => Some(ErrorShape::Status(StatusShape {
                        field: FieldName::of(f),
                        ..status.clone()
                    })),
                    (None, Some(list)) => Some(ErrorShape::List {
                        field: FieldName::of(f),
                        list: list.clone(),
                        http_status_code: find("httpErrorStatusCode", &Type::Scalar(Scalar::I32)),
                        http_error_message: find("httpErrorMessage", &Type::Scalar(Scalar::String)),
                    }),
                    (None, None) => None,
                }
            }
            _ => None,
        })
    }
}

/// Whether a text field's description says it carries the operation's error: GKE's
/// `statusMessage`, "If an error has occurred, a textual description of the error"
/// (Terraform's GKE waiter reads it as the failure, hashicorp/magic-modules#1307).
fn describes_an_error(f: &Field) -> bool {
    f.description.as_deref().is_some_and(|d| {
        let d = d.to_ascii_lowercase();
        d.contains("if an error has occurred") || d.contains("textual description of the error")
    })
}

/// The names of field `wire` of `s`, when it has that type.
fn field(s: &Struct, wire: &str, ty: &Type) -> Option<FieldName> {
    s.fields
        .iter()
        .find(|f| f.wire_name == wire && f.ty == *ty)
        .map(FieldName::of)
}

/// The fields of `s` as a `google.rpc.Status` (`code`, `message`, maybe `details`), if it
/// has them; `field` is left empty for the operation's own field.
fn status_shape(s: &Struct) -> Option<StatusShape> {
    let rust = |f: FieldName| f.rust_name;
    Some(StatusShape {
        field: FieldName {
            wire_name: String::new(),
            rust_name: String::new(),
        },
        code: field(s, "code", &Type::Scalar(Scalar::I32)).map(rust)?,
        message: field(s, "message", &Type::Scalar(Scalar::String)).map(rust)?,
        details: field(s, "details", &Type::Array(Box::new(Type::Object))).map(rust),
    })
}
