//! Sans-io decoding of responses: a 2xx body into the method's typed response, anything else
//! into an [`ApiError`].

use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::api_error::{ApiError, cut, excerpt, html_title};
use crate::error::{BodyProblem, Error};
use crate::request::Request;

/// Decodes the response to `R` from any HTTP stack.
///
/// A 2xx body decodes into `R::Response`; a body that does not (truncated or invalid JSON, or
/// JSON of another shape) is [`Error::Decode`], with the line and column where decoding
/// stopped. Any other status is [`Error::Api`] with the [`ApiError`] the body holds.
///
/// ```
/// use google_operations::{Error, LongRunningOperation, decode_response, dataproc_v1};
///
/// type Get = dataproc_v1::ProjectsRegionsOperationsGet;
/// let ok = http::Response::new(r#"{"name":"projects/p/regions/r/operations/o","done":true}"#);
/// assert!(decode_response::<Get>(ok)?.is_done());
///
/// let denied = http::Response::builder().status(403).body(
///     r#"{"error":{"code":403,"message":"Permission denied","status":"PERMISSION_DENIED"}}"#,
/// )?;
/// let err = decode_response::<Get>(denied).unwrap_err();
/// assert_eq!(err.api_error().unwrap().status.as_deref(), Some("PERMISSION_DENIED"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decode_response<R: Request>(
    response: http::Response<impl AsRef<[u8]>>,
) -> Result<R::Response, Error> {
    let (parts, body) = response.into_parts();
    decode(R::METHOD.id, parts.status, &parts.headers, body.as_ref(), 1)
}

/// [`decode_response`] from the parts of a response, counting `attempts` exchanges.
pub(crate) fn decode<T: DeserializeOwned>(
    method: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    attempts: u32,
) -> Result<T, Error> {
    if status.is_redirection() {
        let location = headers
            .get(http::header::LOCATION)
            .map(|v| excerpt(v.as_bytes()));
        return Err(Error::Redirected {
            method,
            attempts,
            status,
            location,
        });
    }
    if !status.is_success() {
        return Err(Error::Api {
            method,
            attempts,
            error: Box::new(ApiError::from_response(status, headers, body)),
        });
    }
    let blank = body.iter().all(u8::is_ascii_whitespace);
    // An empty body reads as `{}` where no content is expected: a 204, or a method that
    // declares no response (`NoContent`). Elsewhere it is a decode error.
    let no_content = status == StatusCode::NO_CONTENT
        || std::any::type_name::<T>() == std::any::type_name::<crate::NoContent>();
    let body = if no_content && blank {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| Error::Decode {
        method,
        attempts,
        problem: body_problem(&e, headers, body),
        line: e.line(),
        column: e.column(),
        message: without_type_names(&e.to_string()),
    })
}

/// What is wrong with a successful answer's `body`, which did not decode with `error`.
fn body_problem(error: &serde_json::Error, headers: &HeaderMap, body: &[u8]) -> BodyProblem {
    use serde_json::error::Category;
    let header = |name| {
        headers
            .get(name)
            .map(|v: &http::HeaderValue| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .map(|v| v[..cut(&v, 64)].to_owned())
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return BodyProblem::Empty;
    }
    // The client asks for no encoding (it sends no `accept-encoding`), so any but `identity`
    // is one it cannot read.
    if let Some(encoding) = header(http::header::CONTENT_ENCODING)
        .filter(|e| !e.trim().eq_ignore_ascii_case("identity"))
    {
        return BodyProblem::Encoded { encoding };
    }
    match error.classify() {
        Category::Eof => BodyProblem::Truncated,
        Category::Data => BodyProblem::Shape,
        Category::Syntax | Category::Io => {
            let content_type = header(http::header::CONTENT_TYPE);
            let start = body.trim_ascii_start();
            let html = content_type
                .as_deref()
                .is_some_and(|t| t.to_ascii_lowercase().contains("html"))
                || start.first() == Some(&b'<');
            if html {
                BodyProblem::Html {
                    title: html_title(&excerpt(body)),
                }
            } else {
                BodyProblem::NotJson { content_type }
            }
        }
    }
}

/// The JSON decoder's `message` without the Rust names of the models it decoded into: serde
/// says "expected struct Operation" where a person expects "a JSON object".
pub(crate) fn without_type_names(message: &str) -> String {
    let Some(at) = message.find("expected struct ") else {
        return message.to_owned();
    };
    let rest = &message[at + "expected struct ".len()..];
    let after = rest.find(" at line ").map_or("", |i| &rest[i..]);
    format!("{}expected a JSON object{after}", &message[..at])
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::api_error::{BODY_EXCERPT_LIMIT, retry_after};
    use crate::test_support::{Get, Operation};
    use serde_json::json;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Vec<u8>> {
        let mut builder = http::Response::builder().status(status);
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(body.as_bytes().to_vec()).unwrap()
    }

    fn api_error(status: u16, headers: &[(&str, &str)], body: &str) -> ApiError {
        match decode_response::<Get>(response(status, headers, body)) {
            Err(Error::Api {
                method,
                attempts,
                error,
            }) => {
                assert_eq!(method, "dataproc.projects.regions.operations.get");
                assert_eq!(attempts, 1);
                *error
            }
            other => panic!("expected Error::Api, got {other:?}"),
        }
    }

    #[test]
    fn success_decodes_the_typed_model() {
        let op: Operation = decode_response::<Get>(response(
            200,
            &[],
            r#"{"name":"projects/p/regions/r/operations/o","done":false,"extra":1}"#,
        ))
        .unwrap();
        assert_eq!(
            op.name.as_deref(),
            Some("projects/p/regions/r/operations/o")
        );
        assert_eq!(op.unknown_fields.get("extra"), Some(&json!(1)));
    }

    #[test]
    fn a_body_that_does_not_decode_says_what_it_is() {
        use crate::error::BodyProblem as P;
        let html = "<!DOCTYPE html><html><head><title>Sign in - Google Accounts</title></head>";
        for (headers, body, problem, line, column) in [
            (
                &[][..],
                "{\"name\":\"projects/p/regions/r/operations/o\",\n\"done\":tr",
                P::Truncated,
                2,
                9,
            ),
            (&[], "", P::Empty, 1, 0),
            (&[], " \n", P::Empty, 2, 0),
            (&[], "{\"done\":\"yes\"}", P::Shape, 1, 13),
            (&[], "[]", P::Shape, 1, 0),
            (
                &[("content-type", "text/html; charset=UTF-8")][..],
                html,
                P::Html {
                    title: Some("Sign in - Google Accounts".into()),
                },
                1,
                1,
            ),
            (&[], "<html>", P::Html { title: None }, 1, 1),
            (
                &[("content-encoding", "gzip")][..],
                "\u{1f}\u{8b}\u{8}",
                P::Encoded {
                    encoding: "gzip".into(),
                },
                1,
                1,
            ),
            (
                &[("content-type", "text/plain")][..],
                "OK",
                P::NotJson {
                    content_type: Some("text/plain".into()),
                },
                1,
                1,
            ),
        ] {
            match decode_response::<Get>(response(200, headers, body)) {
                Err(
                    e @ Error::Decode {
                        method,
                        attempts: 1,
                        line: l,
                        column: c,
                        ..
                    },
                ) => {
                    assert_eq!(method, "dataproc.projects.regions.operations.get");
                    assert_eq!((l, c), (line, column), "{body:?}: {e}");
                    let Error::Decode { problem: p, .. } = &e else {
                        unreachable!()
                    };
                    assert_eq!(*p, problem, "{body:?}");
                    // No Rust type names: the user never wrote them.
                    let text = e.to_string();
                    assert!(!text.contains("::") && !text.contains("struct "), "{text}");
                    assert!(!text.contains("Map<"), "{text}");
                }
                other => panic!("{body:?}: expected Error::Decode, got {other:?}"),
            }
        }
        let shape = decode_response::<Get>(response(200, &[], "[]")).unwrap_err();
        assert_eq!(
            shape.to_string(),
            "dataproc.projects.regions.operations.get: the response body is JSON, but not the \
             method's response: invalid type: sequence, expected a JSON object at line 1 column \
             0 (after 1 attempt(s))"
        );
    }

    #[test]
    fn a_redirect_is_an_error_naming_its_location() {
        for status in [301, 302, 303, 307, 308] {
            let location = "http://127.0.0.1:1/v1/projects/p/regions/r/operations/o";
            match decode_response::<Get>(response(status, &[("location", location)], "")) {
                Err(Error::Redirected {
                    status: s,
                    location: Some(l),
                    attempts: 1,
                    ..
                }) => {
                    assert_eq!((s.as_u16(), l.as_str()), (status, location));
                }
                other => panic!("{status}: expected Redirected, got {other:?}"),
            }
        }
        let long = "x".repeat(5000);
        match decode_response::<Get>(response(302, &[("location", &long)], "")) {
            Err(Error::Redirected {
                location: Some(l), ..
            }) => assert_eq!(l.len(), BODY_EXCERPT_LIMIT),
            other => panic!("expected Redirected, got {other:?}"),
        }
    }

    #[test]
    fn retry_after_in_seconds_or_as_an_http_date() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        for (value, want) in [
            ("120", Some(Duration::from_secs(120))),
            (" 6 ", Some(Duration::from_secs(6))),
            (
                "Wed, 21 Oct 2015 07:28:06 GMT",
                Some(Duration::from_secs(6)),
            ),
            (
                "Wednesday, 21-Oct-15 07:29:00 GMT",
                Some(Duration::from_secs(60)),
            ),
            ("Wed Oct 21 07:28:30 2015", Some(Duration::from_secs(30))),
            ("Wed, 21 Oct 2015 07:27:00 GMT", Some(Duration::ZERO)),
            ("-1", None),
            ("soon", None),
        ] {
            assert_eq!(retry_after(value, now), want, "{value}");
        }
    }

    #[test]
    fn google_error_envelope_with_error_info_and_retry_info() {
        let body = json!({"error": {
            "code": 429,
            "message": "Quota exceeded for quota metric 'Read requests'.",
            "status": "RESOURCE_EXHAUSTED",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "RATE_LIMIT_EXCEEDED",
                    "domain": "googleapis.com",
                    "metadata": {"service": "dataproc.googleapis.com", "quota_limit": "ReadRequestsPerMinute"}
                },
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1.5s"},
                {"@type": "type.googleapis.com/google.rpc.Help", "links": []}
            ]
        }});
        let e = api_error(429, &[("retry-after", "1")], &body.to_string());
        assert_eq!(e.http_status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(e.code, Some(429));
        assert_eq!(e.status.as_deref(), Some("RESOURCE_EXHAUSTED"));
        assert_eq!(e.details.len(), 3);
        assert_eq!(e.body, None);
        let info = e.error_info().unwrap();
        assert_eq!(info.reason, "RATE_LIMIT_EXCEEDED");
        assert_eq!(info.domain, "googleapis.com");
        assert_eq!(info.metadata["service"], "dataproc.googleapis.com");
        assert_eq!(e.reason().as_deref(), Some("RATE_LIMIT_EXCEEDED"));
        assert_eq!(e.retry_info(), Some(Duration::from_millis(1500)));
        assert_eq!(e.retry_after, Some(Duration::from_secs(1)));
        assert_eq!(e.retry_delay(), Some(Duration::from_millis(1500)));
        assert_eq!(
            e.to_string(),
            "HTTP 429 RESOURCE_EXHAUSTED: Quota exceeded for quota metric 'Read requests'. \
             [reason RATE_LIMIT_EXCEEDED, domain googleapis.com] (asks to wait 1.5s before \
             retrying)"
        );
    }

    #[test]
    fn xgafv_v1_errors_list() {
        let body = r#"{"error":{"code":404,"message":"Not found","errors":[
            {"message":"Not found","domain":"global","reason":"notFound","location":"name","locationType":"parameter"}
        ]}}"#;
        let e = api_error(404, &[], body);
        assert_eq!(e.message, "Not found");
        assert_eq!(e.status, None);
        assert_eq!(e.errors.len(), 1);
        assert_eq!(e.errors[0].domain.as_deref(), Some("global"));
        assert_eq!(e.errors[0].location_type.as_deref(), Some("parameter"));
        assert_eq!(e.reason().as_deref(), Some("notFound"));
    }

    #[test]
    fn other_error_shapes() {
        let e = api_error(
            400,
            &[],
            r#"[{"error":{"code":400,"message":"bad","status":"INVALID_ARGUMENT"}}]"#,
        );
        assert_eq!((e.code, e.message.as_str()), (Some(400), "bad"));

        let e = api_error(
            401,
            &[],
            r#"{"error":"invalid_token","error_description":"expired"}"#,
        );
        assert_eq!(e.message, "invalid_token: expired");
        assert_eq!(e.body, None);
    }

    #[test]
    fn html_body_is_kept_as_bounded_text() {
        let page = format!(
            "<html><body><h1>502 Bad Gateway</h1>{}</body></html>",
            "é".repeat(2000)
        );
        let e = api_error(502, &[("content-type", "text/html")], &page);
        assert_eq!(e.message, "Bad Gateway");
        assert_eq!(e.code, None);
        let body = e.body.as_deref().unwrap();
        assert!(body.starts_with("<html><body><h1>502 Bad Gateway</h1>"));
        assert!(body.len() <= BODY_EXCERPT_LIMIT && body.len() >= BODY_EXCERPT_LIMIT - 1);
        assert!(
            e.to_string()
                .starts_with("HTTP 502: Bad Gateway (body: \"<html>")
        );
        // Google's front end's error page, as sent: its title says what happened.
        let google = "<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <meta name=viewport content=\"initial-scale=1, minimum-scale=1, width=device-width\">\n  <title>Error 502 (Server Error)!!1</title>\n  <style>\n    *{margin:0;padding:0}html,code{font:15px/22px arial,sans-serif}body{margin:0}\n  </style>\n  <p><b>502.</b> <ins>That\u{2019}s an error.</ins>\n  <p>The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds.  <ins>That\u{2019}s all we know.</ins>\n";
        let e = api_error(502, &[("content-type", "text/html")], google);
        assert_eq!(
            e.to_string(),
            "HTTP 502: Bad Gateway (page title: \"Error 502 (Server Error)!!1\")"
        );

        // A date already past asks for no wait.
        let e = api_error(503, &[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")], "");
        assert_eq!(
            (e.body.as_deref(), e.retry_after),
            (Some(""), Some(Duration::ZERO))
        );
    }

    #[test]
    fn transient_statuses() {
        for (status, transient) in [
            (408, true),
            (429, true),
            (500, true),
            (502, true),
            (503, true),
            (504, true),
            (400, false),
            (401, false),
            (404, false),
            (501, false),
        ] {
            let err = decode_response::<Get>(response(status, &[], "")).unwrap_err();
            assert_eq!(err.is_transient(), transient, "{status}");
        }
    }

    /// Compute Engine answers per-100-seconds read quota with a 403 (as recorded from real
    /// traffic, identifiers replaced); other 403s stay permanent.
    #[test]
    fn a_rate_limit_403_is_transient_and_other_403s_are_not() {
        let compute = r#"{"error": {"code": 403, "message": "Quota exceeded for quota group 'ReadGroup' and limit 'Read requests per 100 seconds' of service 'compute.googleapis.com' for consumer 'project_number:123456'.", "errors": [{"domain": "usageLimits", "reason": "rateLimitExceeded", "message": "Quota exceeded"}]}}"#;
        let user = r#"{"error": {"code": 403, "message": "User Rate Limit Exceeded", "errors": [{"domain": "usageLimits", "reason": "userRateLimitExceeded", "message": "User Rate Limit Exceeded"}]}}"#;
        let info = r#"{"error": {"code": 403, "message": "Rate limit.", "status": "PERMISSION_DENIED", "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED", "domain": "googleapis.com"}]}}"#;
        let denied = r#"{"error": {"code": 403, "message": "Permission 'dataproc.operations.get' denied.", "status": "PERMISSION_DENIED", "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "IAM_PERMISSION_DENIED", "domain": "iam.googleapis.com"}]}}"#;
        let daily = r#"{"error": {"code": 403, "message": "Daily Limit Exceeded", "errors": [{"domain": "usageLimits", "reason": "dailyLimitExceeded"}]}}"#;
        for (body, limited) in [
            (compute, true),
            (user, true),
            (info, true),
            (denied, false),
            (daily, false),
        ] {
            let error = api_error(403, &[], body);
            assert_eq!(error.is_rate_limited(), limited, "{body}");
            let err = decode_response::<Get>(response(403, &[], body)).unwrap_err();
            assert_eq!(err.is_transient(), limited, "{body}");
        }
        // The same reason under another status is that status's matter.
        assert!(!api_error(400, &[], user).is_rate_limited());
    }
}
