//! Serde support shared by every generated model.

use std::fmt::Display;
use std::marker::PhantomData;
use std::str::FromStr;
use std::time::Duration;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

/// A JSON object: the form of `type: object` properties whose values are `type: any`, such as
/// an operation's `metadata` and `response` (each with an `@type` key naming its message).
pub type JsonObject = serde_json::Map<String, serde_json::Value>;

/// An integer that Discovery formats `int64`/`uint64` carry as a JSON string: `i64` or `u64`.
pub trait WireInt: Copy + Display + FromStr + TryFrom<i64> + TryFrom<u64> {
    /// The Discovery format name, for error messages.
    const NAME: &'static str;
}

impl WireInt for i64 {
    const NAME: &'static str = "int64";
}

impl WireInt for u64 {
    const NAME: &'static str = "uint64";
}

/// One 64-bit integer: written as a string, read from a string or a number, range-checked.
struct Int64<T>(T);

impl<T: WireInt> Serialize for Int64<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de, T: WireInt> Deserialize<'de> for Int64<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IntVisitor<T>(PhantomData<T>);

        impl<T: WireInt> Visitor<'_> for IntVisitor<T> {
            type Value = Int64<T>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "an {} as a decimal string or a JSON number", T::NAME)
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                T::try_from(v)
                    .map(Int64)
                    .map_err(|_| E::custom(format_args!("{v} is out of range for {}", T::NAME)))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                T::try_from(v)
                    .map(Int64)
                    .map_err(|_| E::custom(format_args!("{v} is out of range for {}", T::NAME)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                v.parse()
                    .map(Int64)
                    .map_err(|_| E::custom(format_args!("{v:?} is not an {} in range", T::NAME)))
            }
        }

        deserializer.deserialize_any(IntVisitor(PhantomData))
    }
}

/// Serde support for Discovery's `int64`/`uint64` formats: use
/// `#[serde(default, with = "google_operations::__private::int64")]` on an `Option<i64>`,
/// `Option<u64>` or optional list of them. Values are written as JSON strings and read from
/// strings or numbers, range-checked.
pub mod int64 {
    use super::*;

    /// A field type that holds 64-bit integers carried as strings.
    pub trait Field: Sized {
        /// Writes the field.
        fn ser<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
        /// Reads the field.
        fn de<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
    }

    impl<T: WireInt> Field for Option<T> {
        fn ser<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            self.map(Int64).serialize(serializer)
        }
        fn de<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            Ok(Option::<Int64<T>>::deserialize(deserializer)?.map(|v| v.0))
        }
    }

    impl<T: WireInt> Field for Option<Vec<T>> {
        fn ser<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            self.as_ref()
                .map(|v| v.iter().copied().map(Int64).collect::<Vec<_>>())
                .serialize(serializer)
        }
        fn de<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let v = Option::<Vec<Int64<T>>>::deserialize(deserializer)?;
            Ok(v.map(|v| v.into_iter().map(|i| i.0).collect()))
        }
    }

    /// Writes an int64 field.
    pub fn serialize<F: Field, S: Serializer>(v: &F, s: S) -> Result<S::Ok, S::Error> {
        v.ser(s)
    }

    /// Reads an int64 field.
    pub fn deserialize<'de, F: Field, D: Deserializer<'de>>(d: D) -> Result<F, D::Error> {
        F::de(d)
    }
}

/// A generated string enum: known values as variants, any other value kept as received.
pub trait WireEnum: Sized + Clone + PartialEq + 'static {
    /// Every known value: its wire text and its variant.
    const VALUES: &'static [(&'static str, Self)];

    /// The variant that keeps a value the crate does not know.
    fn unknown(value: String) -> Self;

    /// The value kept by the unknown variant, when this is it.
    fn as_unknown(&self) -> Option<&str>;

    /// The variant for a wire value (the unknown one for a value the crate does not list).
    fn from_wire(value: &str) -> Self {
        Self::VALUES
            .iter()
            .find(|(wire, _)| *wire == value)
            .map_or_else(|| Self::unknown(value.to_owned()), |(_, v)| v.clone())
    }

    /// The wire value.
    fn as_wire(&self) -> &str {
        match self.as_unknown() {
            Some(value) => value,
            None => Self::VALUES
                .iter()
                .find(|(_, v)| v == self)
                .map_or("", |(wire, _)| wire),
        }
    }
}

/// A string enum on the wire.
struct Wire<T>(T);

impl<T: WireEnum> Serialize for Wire<&T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.as_wire())
    }
}

impl<'de, T: WireEnum> Deserialize<'de> for Wire<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EnumVisitor<T>(PhantomData<T>);

        impl<T: WireEnum> Visitor<'_> for EnumVisitor<T> {
            type Value = Wire<T>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Wire(T::from_wire(v)))
            }
        }

        deserializer.deserialize_str(EnumVisitor(PhantomData))
    }
}

/// Serde support for generated string enums: `#[serde(default, with =
/// "google_operations::__private::wire_enum")]` on an `Option<E>` or `Option<Vec<E>>` where
/// `E: WireEnum`.
pub mod wire_enum {
    use super::*;

    /// A field type that holds string enums.
    pub trait Field: Sized {
        /// Writes the field.
        fn ser<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
        /// Reads the field.
        fn de<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
    }

    impl<T: WireEnum> Field for Option<T> {
        fn ser<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            self.as_ref().map(Wire).serialize(serializer)
        }
        fn de<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            Ok(Option::<Wire<T>>::deserialize(deserializer)?.map(|v| v.0))
        }
    }

    impl<T: WireEnum> Field for Option<Vec<T>> {
        fn ser<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            self.as_ref()
                .map(|v| v.iter().map(Wire).collect::<Vec<_>>())
                .serialize(serializer)
        }
        fn de<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let v = Option::<Vec<Wire<T>>>::deserialize(deserializer)?;
            Ok(v.map(|v| v.into_iter().map(|w| w.0).collect()))
        }
    }

    /// Writes an enum field.
    pub fn serialize<F: Field, S: Serializer>(v: &F, s: S) -> Result<S::Ok, S::Error> {
        v.ser(s)
    }

    /// Reads an enum field.
    pub fn deserialize<'de, F: Field, D: Deserializer<'de>>(d: D) -> Result<F, D::Error> {
        F::de(d)
    }
}

/// A `google.protobuf.Duration` in JSON: `"1.5s"`, or `{"seconds": "1", "nanos": 500000000}`.
pub(crate) fn parse_duration(value: &Value) -> Option<Duration> {
    match value {
        Value::String(s) => {
            let s = s.strip_suffix('s')?;
            let (secs, frac) = s.split_once('.').unwrap_or((s, ""));
            if secs.is_empty() && frac.is_empty()
                || frac.len() > 9
                || !(secs.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit())
            {
                return None;
            }
            let secs: u64 = if secs.is_empty() {
                0
            } else {
                secs.parse().ok()?
            };
            let nanos: u32 = if frac.is_empty() {
                0
            } else {
                format!("{frac:0<9}").parse().ok()?
            };
            Some(Duration::new(secs, nanos))
        }
        Value::Object(o) => {
            let secs = match o.get("seconds") {
                None => 0,
                Some(Value::String(s)) => s.parse().ok()?,
                Some(v) => v.as_u64()?,
            };
            let nanos = o.get("nanos").map_or(Some(0), Value::as_u64)?;
            Some(Duration::new(
                secs,
                u32::try_from(nanos).ok().filter(|n| *n < 1_000_000_000)?,
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde::{Deserialize, Serialize};
    use serde_json::json;

    use super::parse_duration;

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    struct Sample {
        #[serde(with = "super::int64", skip_serializing_if = "Option::is_none")]
        signed: Option<i64>,
        #[serde(with = "super::int64", skip_serializing_if = "Option::is_none")]
        unsigned: Option<u64>,
        #[serde(with = "super::int64", skip_serializing_if = "Option::is_none")]
        list: Option<Vec<i64>>,
    }

    #[test]
    fn int64_reads_strings_and_numbers_and_writes_strings() {
        let s: Sample = serde_json::from_str(
            r#"{"signed":"-9223372036854775808","unsigned":18446744073709551615,"list":["1",2]}"#,
        )
        .unwrap();
        assert_eq!(s.signed, Some(i64::MIN));
        assert_eq!(s.unsigned, Some(u64::MAX));
        assert_eq!(s.list, Some(vec![1, 2]));
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"signed":"-9223372036854775808","unsigned":"18446744073709551615","list":["1","2"]}"#
        );
        let none: Sample = serde_json::from_str(r#"{"signed":null}"#).unwrap();
        assert_eq!(none, Sample::default());
    }

    #[derive(Debug, Clone, PartialEq)]
    enum Color {
        Red,
        Unknown(String),
    }

    impl super::WireEnum for Color {
        const VALUES: &'static [(&'static str, Self)] = &[("RED", Color::Red)];

        fn unknown(value: String) -> Self {
            Color::Unknown(value)
        }

        fn as_unknown(&self) -> Option<&str> {
            match self {
                Color::Unknown(v) => Some(v),
                Color::Red => None,
            }
        }
    }

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    struct Paint {
        #[serde(with = "super::wire_enum", skip_serializing_if = "Option::is_none")]
        color: Option<Color>,
        #[serde(with = "super::wire_enum", skip_serializing_if = "Option::is_none")]
        layers: Option<Vec<Color>>,
    }

    #[test]
    fn enums_keep_unknown_values() {
        let json = r#"{"color":"RED","layers":["RED","ULTRAVIOLET"]}"#;
        let paint: Paint = serde_json::from_str(json).unwrap();
        assert_eq!(paint.color, Some(Color::Red));
        assert_eq!(
            paint.layers,
            Some(vec![Color::Red, Color::Unknown("ULTRAVIOLET".into())])
        );
        assert_eq!(serde_json::to_string(&paint).unwrap(), json);
        let err = serde_json::from_str::<Paint>(r#"{"color":7}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("expected a string"), "{err}");
    }

    #[test]
    fn int64_range_is_checked() {
        for (json, want) in [
            (r#"{"unsigned":-1}"#, "-1 is out of range for uint64"),
            (r#"{"unsigned":"-1"}"#, "\"-1\" is not an uint64 in range"),
            (
                r#"{"signed":"9223372036854775808"}"#,
                "is not an int64 in range",
            ),
            (
                r#"{"signed":1.5}"#,
                "an int64 as a decimal string or a JSON number",
            ),
        ] {
            let err = serde_json::from_str::<Sample>(json)
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{json}: {err}");
        }
    }

    #[test]
    fn durations() {
        for (json, want) in [
            (json!("1.5s"), Some(Duration::from_millis(1500))),
            (json!("30s"), Some(Duration::from_secs(30))),
            (json!("0.000000001s"), Some(Duration::from_nanos(1))),
            (json!(".5s"), Some(Duration::from_millis(500))),
            (
                json!({"seconds": "2", "nanos": 5}),
                Some(Duration::new(2, 5)),
            ),
            (json!({"seconds": 3}), Some(Duration::from_secs(3))),
            (json!("-1s"), None),
            (json!("1.5"), None),
            (json!("s"), None),
            (json!("1.0000000001s"), None),
            (json!({"nanos": 1_000_000_000}), None),
            (json!(7), None),
        ] {
            assert_eq!(parse_duration(&json), want, "{json}");
        }
    }
}
