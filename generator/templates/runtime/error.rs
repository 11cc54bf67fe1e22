// {{ header|comment }}
use std::fmt;

/// What every operation returns.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with a call. No credential ever appears in any of these.
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

    /// Whether sending the same request again might succeed. The client has already retried
    /// such errors as often as its `max_retries` allows; this says whether more would help.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.is_retryable(),
            Error::Transport(e) => e.is_retryable(),
            Error::Decode(_) | Error::InvalidArgument(_) => false,
        }
    }

    /// How many attempts were made before this error was returned (`0` when none was sent).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Api(e) => e.attempts,
            Error::Transport(e) => e.attempts,
            Error::Decode(e) => e.attempts,
            Error::InvalidArgument(_) => 0,
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

/// What kind of failure an [`ApiError`] reports, from its HTTP status and the error's `type`, the
/// way the API's official libraries classify them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 400 or 404: the request was malformed or named something that does not exist.
    InvalidRequest,
    /// An `idempotency_error`: the idempotency key was reused with different parameters, or
    /// its first request is still running.
    Idempotency,
    /// 401: the secret key is wrong, revoked or missing.
    Authentication,
    /// 402: a card was declined or could not be charged; see [`ApiError::decline_code`].
    Card,
    /// 403: the key may not do this.
    Permission,
    /// 409: the request conflicts with another one (often a concurrent update).
    Conflict,
    /// 429: too many requests, or a lock on the object timed out (`lock_timeout`).
    RateLimit,
    /// 5xx: the API failed; the request may or may not have taken effect.
    Server,
    /// Any other status.
    Other,
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
    kind: ApiErrorKind,
    details: Details,
    should_retry: Option<bool>,
    attempts: u32,
    /// The whole body, credentials scrubbed, for [`ApiError::raw_body`] and
    /// [`ApiError::decode_body`].
    raw: String,
}

/// The fields of an error object that callers branch on, read from the JSON so they are there
/// even when the body as a whole does not match the documented type.
#[derive(Debug, Default)]
struct Details {
    error_type: Option<String>,
    code: Option<String>,
    decline_code: Option<String>,
    param: Option<String>,
    doc_url: Option<String>,
    request_log_url: Option<String>,
}

/// The body of an error response.
#[derive(Debug)]
#[non_exhaustive]
pub enum ApiErrorBody {
    /// The documented error object.
    Typed(Box<crate::types::ErrorBody>),
    /// The body as sent (lossily decoded as UTF-8, at most [`ApiErrorBody::MAX_RAW`] bytes), when
    /// it did not decode as the error object.
    Raw(String),
}

impl ApiErrorBody {
    /// How much of an undecodable body is kept; the rest is cut at a character boundary and
    /// replaced by `…`.
    pub const MAX_RAW: usize = 16 * 1024;
}

impl ApiError {
    /// Builds the error for an answer with an error status. `secrets` are scrubbed from every
    /// text kept, in case a server echoes a credential back.
    pub(crate) fn from_response(
        status: u16,
        request_id: Option<String>,
        should_retry: Option<bool>,
        body: &[u8],
        secrets: &[&str],
    ) -> Self {
        let scrub = |s: &str| secrets.iter().filter(|secret| !secret.is_empty()).fold(s.to_owned(), |s, secret| s.replace(secret, "[redacted]"));
        let utf8 = std::str::from_utf8(body).ok();
        let json: Option<serde_json::Value> = utf8.and_then(|t| super::json::decode_str(t).ok());
        // Stripe-style `{"error": {...}}`, or the fields at the top level.
        let field = |name: &str| {
            json.as_ref().and_then(|v| {
                v.get("error")
                    .and_then(|e| e.get(name))
                    .or_else(|| v.get(name))
                    .and_then(serde_json::Value::as_str)
                    .map(scrub)
            })
        };
        let message = field("message");
        let details = Details {
            error_type: field("type"),
            code: field("code"),
            decline_code: field("decline_code"),
            param: field("param"),
            doc_url: field("doc_url"),
            request_log_url: field("request_log_url"),
        };
        let kind = match (status, details.error_type.as_deref()) {
            (400 | 404 | 409, Some("idempotency_error")) => ApiErrorKind::Idempotency,
            (400 | 404, _) => ApiErrorKind::InvalidRequest,
            (401, _) => ApiErrorKind::Authentication,
            (402, _) => ApiErrorKind::Card,
            (403, _) => ApiErrorKind::Permission,
            (409, _) => ApiErrorKind::Conflict,
            (429, _) => ApiErrorKind::RateLimit,
            (500..=599, _) => ApiErrorKind::Server,
            _ => ApiErrorKind::Other,
        };
        let text = String::from_utf8_lossy(body);
        let echoed = secrets.iter().any(|secret| !secret.is_empty() && text.contains(secret));
        let raw = scrub(&text);
        let body = match utf8.map(super::json::decode_str) {
            Some(Ok(typed)) if !echoed => ApiErrorBody::Typed(Box::new(typed)),
            _ => ApiErrorBody::Raw(truncate(&raw, ApiErrorBody::MAX_RAW)),
        };
        ApiError { status, request_id, body, message, kind, details, should_retry, attempts: 1, raw }
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts;
        self
    }

    /// The decoded error object, if the body had the documented shape.
    pub fn typed(&self) -> Option<&crate::types::ErrorBody> {
        match &self.body {
            ApiErrorBody::Typed(t) => Some(t),
            ApiErrorBody::Raw(_) => None,
        }
    }

    /// The body as the API sent it (lossily decoded as UTF-8, credentials scrubbed), whatever
    /// its shape.
    pub fn raw_body(&self) -> &str {
        &self.raw
    }

    /// The body decoded as `T`, e.g. the type an operation declares for this status (each
    /// operation that declares error bodies per status has an `…Error` enum that picks it);
    /// `None` when it does not decode as one.
    pub fn decode_body<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        super::json::decode_str(&self.raw).ok()
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ApiErrorKind {
        self.kind
    }

    /// The error's `type`, e.g. `card_error` or `invalid_request_error`.
    pub fn error_type(&self) -> Option<&str> {
        self.details.error_type.as_deref()
    }

    /// The machine-readable `code`, e.g. `resource_missing` or `lock_timeout`.
    pub fn code(&self) -> Option<&str> {
        self.details.code.as_deref()
    }

    /// For card errors, why the card issuer declined, e.g. `insufficient_funds`.
    pub fn decline_code(&self) -> Option<&str> {
        self.details.decline_code.as_deref()
    }

    /// The request parameter the error is about, e.g. `amount`.
    pub fn param(&self) -> Option<&str> {
        self.details.param.as_deref()
    }

    /// A page that explains the `code`.
    pub fn doc_url(&self) -> Option<&str> {
        self.details.doc_url.as_deref()
    }

    /// The dashboard page for this request's log entry.
    pub fn request_log_url(&self) -> Option<&str> {
        self.details.request_log_url.as_deref()
    }

    /// The server's request id, if it sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// How many attempts were made, this answer's included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Whether the same request might succeed if sent again: the server's own say when it gave
    /// one{% if let Some(h) = should_retry_header %} (`{{ h|header }}`){% endif %}, else `409`, `429` with code `lock_timeout`, and `5xx`.
    pub fn is_retryable(&self) -> bool {
        match self.should_retry {
            Some(said) => said,
            None => self.status == 409 || (self.status == 429 && self.code() == Some("lock_timeout")) || self.status >= 500,
        }
    }
}

/// Keeps at most `max` bytes of `text`, cut at a character boundary.
fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
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
        if let Some(code) = self.code() {
            write!(f, " [{code}]")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        Ok(())
    }
}

/// The request got no answer.
#[derive(Debug)]
pub struct TransportError {
    source: reqwest::Error,
    attempts: u32,
}

impl TransportError {
    pub(crate) fn from_reqwest(source: reqwest::Error) -> Self {
        TransportError { source, attempts: 0 }
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts;
        self
    }

    /// Whether the request ran out of time.
    pub fn is_timeout(&self) -> bool {
        self.source.is_timeout()
    }

    /// Whether the connection could not be made.
    pub fn is_connect(&self) -> bool {
        self.source.is_connect()
    }

    /// Whether sending again might help: anything but a request that could not be built.
    pub fn is_retryable(&self) -> bool {
        !self.source.is_builder()
    }

    /// How many attempts were made, this one included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl TransportError {
    fn what(&self) -> &'static str {
        if self.source.is_timeout() {
            "the request timed out"
        } else if self.source.is_connect() {
            "could not connect to the API"
        } else {
            "the request failed before an answer arrived"
        }
    }

    /// For logs: what happened and its cause, without the URL (which holds ids).
    pub(crate) fn summary(&self) -> String {
        let mut text = self.what().to_owned();
        let mut cause = std::error::Error::source(&self.source);
        while let Some(c) = cause {
            text.push_str(": ");
            text.push_str(&c.to_string());
            cause = c.source();
        }
        text
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = self.what();
        // reqwest's own text names the URL and the cause (never headers, so never the key).
        write!(f, "{what}: {}", self.source)?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
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
    /// How many attempts were made, this answer's included.
    pub attempts: u32,
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
