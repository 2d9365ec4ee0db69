//! The crate's error type.

use std::fmt;

/// Everything that can go wrong while building a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A parameter value was refused before any request was formed.
    #[error(
        "{method}: parameter `{parameter}` = {value:?} {problem}; expected {expected} (pattern `{pattern}`)"
    )]
    InvalidParameter {
        /// Discovery id of the method, e.g. `dataproc.projects.regions.operations.get`.
        method: &'static str,
        /// Wire name of the parameter, e.g. `name`.
        parameter: &'static str,
        /// The value that was refused.
        value: String,
        /// Why it was refused.
        problem: ParamProblem,
        /// The shape the value must have, e.g. `projects/*/regions/*/operations/*`.
        expected: &'static str,
        /// The Discovery `pattern` of the parameter (empty when it has none).
        pattern: &'static str,
    },
    /// The root URL (the service default or an override) did not form a valid request URI.
    #[error("{method}: the request URL {url:?} is not a valid URI: {source}")]
    InvalidUrl {
        /// Discovery id of the method.
        method: &'static str,
        /// The URL that was built.
        url: String,
        /// What `http` found wrong with it.
        source: http::Error,
    },
}

/// Why a parameter value was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParamProblem {
    /// The value does not match the parameter's pattern.
    PatternMismatch,
    /// The value is empty, or has an empty path segment (`a//b`, a leading or trailing `/`).
    EmptySegment,
    /// The value has a `.` or `..` path segment, which would move the request to another path.
    DotSegment,
}

impl fmt::Display for ParamProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParamProblem::PatternMismatch => "does not match the parameter's pattern",
            ParamProblem::EmptySegment => "is empty or has an empty path segment",
            ParamProblem::DotSegment => "has a `.` or `..` path segment",
        })
    }
}
