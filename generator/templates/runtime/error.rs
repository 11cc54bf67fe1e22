{{ header }}
use std::fmt;

/// What every operation returns.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with a call. The secret key never appears in any of these.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status.
    Api(Box<ApiError>),
    /// No answer: the connection failed, TLS failed, or the request timed out.
    Transport(TransportError),
    /// The API answered with success, but the body does not match the expected type.
    Decode(Box<DecodeError>),
    /// An argument was rejected before any request was sent.
    InvalidArgument(InvalidArgument),
}

impl Error {
    /// The HTTP status, when the API answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::Transport(_) | Error::InvalidArgument(_) => None,
        }
    }

    /// The server's request id, when the API answered with one; quote it to support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Decode(e) => e.request_id.as_deref(),
            Error::Transport(_) | Error::InvalidArgument(_) => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::Transport(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::InvalidArgument(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(&e.source),
            Error::Api(_) | Error::Decode(_) | Error::InvalidArgument(_) => None,
        }
    }
}

impl From<InvalidArgument> for Error {
    fn from(e: InvalidArgument) -> Self {
        Error::InvalidArgument(e)
    }
}

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Self {
        Error::Transport(e)
    }
}

/// An error status from the API, with the error object it sent.
#[derive(Debug)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// The server's request id, if it sent one.
    pub request_id: Option<String>,
    /// The decoded error object, or the raw body when it was not the documented shape.
    pub body: ApiErrorBody,
    /// The human-readable message from the body (`error.message` or `message`), if any.
    pub message: Option<String>,
}

/// The body of an error response.
#[derive(Debug)]
#[non_exhaustive]
pub enum ApiErrorBody {
    /// The documented error object.
    Typed(Box<crate::types::ErrorBody>),
    /// The body as sent (lossily decoded as UTF-8), when it did not decode as the error object.
    Raw(String),
}

impl ApiError {
    pub(crate) fn from_response(status: u16, request_id: Option<String>, body: &[u8]) -> Self {
        let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let message = json.as_ref().and_then(|v| {
            v.pointer("/error/message").or_else(|| v.pointer("/message")).and_then(|m| m.as_str()).map(str::to_owned)
        });
        let body = match serde_json::from_slice(body) {
            Ok(typed) => ApiErrorBody::Typed(Box::new(typed)),
            Err(_) => ApiErrorBody::Raw(String::from_utf8_lossy(body).into_owned()),
        };
        ApiError { status, request_id, body, message }
    }

    /// The decoded error object, if the body had the documented shape.
    pub fn typed(&self) -> Option<&crate::types::ErrorBody> {
        match &self.body {
            ApiErrorBody::Typed(t) => Some(t),
            ApiErrorBody::Raw(_) => None,
        }
    }
}

/// How much of an undecodable body a message shows.
const SNIPPET: usize = 200;

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = reqwest::StatusCode::from_u16(self.status).ok().and_then(|s| s.canonical_reason()).unwrap_or("");
        write!(f, "the API answered HTTP {} {reason}", self.status)?;
        match (&self.message, &self.body) {
            (Some(m), _) => write!(f, ": {m}")?,
            (None, ApiErrorBody::Raw(raw)) if !raw.trim().is_empty() => {
                let snippet: String = raw.chars().take(SNIPPET).collect();
                let more = if raw.chars().count() > SNIPPET { "…" } else { "" };
                write!(f, " with an unexpected body: {snippet}{more}")?
            }
            (None, _) => {}
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// The request got no answer.
#[derive(Debug)]
pub struct TransportError {
    source: reqwest::Error,
}

impl TransportError {
    pub(crate) fn from_reqwest(source: reqwest::Error) -> Self {
        TransportError { source }
    }

    /// Whether the request ran out of time.
    pub fn is_timeout(&self) -> bool {
        self.source.is_timeout()
    }

    /// Whether the connection could not be made.
    pub fn is_connect(&self) -> bool {
        self.source.is_connect()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.source.is_timeout() {
            "the request timed out"
        } else if self.source.is_connect() {
            "could not connect to the API"
        } else {
            "the request failed before an answer arrived"
        };
        // reqwest's own text names the URL and the cause (never headers, so never the key).
        write!(f, "{what}: {}", self.source)
    }
}

/// A successful answer whose body does not match the expected type.
#[derive(Debug)]
#[non_exhaustive]
pub struct DecodeError {
    /// The HTTP status of the answer.
    pub status: u16,
    /// The server's request id, if it sent one.
    pub request_id: Option<String>,
    /// Where in the JSON it failed, e.g. `redaction.status` (`.` for the whole body).
    pub path: String,
    /// What was wrong there.
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not decode the HTTP {} answer at `{}`: {}", self.status, self.path, self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// An argument that cannot be sent; no request was made.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidArgument {
    /// The parameter's name as the API spells it.
    pub param: String,
    /// Why it was rejected.
    pub reason: String,
}

impl InvalidArgument {
    pub(crate) fn new(param: &str, reason: impl Into<String>) -> Self {
        InvalidArgument { param: param.to_owned(), reason: reason.into() }
    }
}

impl fmt::Display for InvalidArgument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid argument `{}`: {}; no request was sent", self.param, self.reason)
    }
}
