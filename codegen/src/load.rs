//! Reading Discovery documents, with errors that name the file and the JSON path.

use std::path::Path;

use serde::Deserialize;

use crate::discovery::Document;
use crate::error::Error;

/// One Discovery document as read from disk: its display name and its text.
#[derive(Debug, Clone)]
pub struct Source {
    /// How errors and headers name the document, e.g. `discovery/dataproc.v1.json`.
    pub file: String,
    /// The document's JSON text.
    pub text: String,
}

/// Reads every `*.json` file of `dir`, in name order; `display` is the folder as messages show it.
pub fn read_dir(dir: &Path, display: &str) -> Result<Vec<Source>, Error> {
    let io = |e: std::io::Error| Error::new(display, "", format!("cannot read the folder: {e}"));
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") && entry.file_type().map_err(io)?.is_file() {
            names.push(name);
        }
    }
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let file = format!("{}/{name}", display.trim_end_matches('/'));
            let text = std::fs::read_to_string(dir.join(&name))
                .map_err(|e| Error::new(&file, "", format!("cannot read the file: {e}")))?;
            Ok(Source { file, text })
        })
        .collect()
}

/// Parses a whole document, in one pass, into the [`Document`] types.
pub fn document<'a>(file: &str, text: &'a str) -> Result<Document<'a>, Error> {
    parse(file, text)
}

fn parse<'a, T: Deserialize<'a>>(file: &str, text: &'a str) -> Result<T, Error> {
    // Well-formed documents are the rule: parse them directly, and pay for tracking the JSON
    // path only when there is an error to report.
    let mut de = serde_json::Deserializer::from_str(text);
    if let Ok(value) = T::deserialize(&mut de)
        && de.end().is_ok()
    {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        // `.` is the root; `?` is where a syntax error stopped before any key was known.
        let path = if path == "." || path == "?" {
            String::new()
        } else {
            path
        };
        Error::new(file, path, e.into_inner().to_string())
    })?;
    de.end().map_err(|e| Error::new(file, "", e.to_string()))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_field_names_file_and_path() {
        let text = r#"{"name":"x","version":"v1","rootUrl":"https://x/","schemas":{},
            "resources":{"operations":{"methods":{}}},
            "parameters":{"alt":{"type":"string"}}}"#;
        let err = document("discovery/x.v1.json", text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "discovery/x.v1.json: parameters.alt: missing field `location` at line 3 column 49"
        );
    }

    #[test]
    fn invalid_json_names_the_position() {
        let err = document("d.json", "{\"name\": ").unwrap_err();
        assert_eq!(err.file, "d.json");
        assert!(err.message.contains("line 1"), "{err}");
    }

    #[test]
    fn errors_deep_in_schemas_name_their_path() {
        let text = r#"{"name":"x","version":"v1","rootUrl":"https://x/","resources":{},
            "schemas":{"Op":{"properties":{"a":{"items":7}}}}}"#;
        let err = document("d.json", text).unwrap_err();
        assert_eq!(err.path, "schemas.Op.properties.a.items");
    }
}
