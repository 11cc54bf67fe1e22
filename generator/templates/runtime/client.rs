// {{ header|comment }}
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

{%- if has_schemes %}
use reqwest::header::{HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, COOKIE};
{%- if uses_bearer || uses_basic %}
use reqwest::header::AUTHORIZATION;
{%- endif %}
{%- else %}
use reqwest::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
{%- endif %}
use reqwest::Method;
use serde::de::DeserializeOwned;

use super::error::{ApiError, DecodeError, Error, InvalidArgument, Result, TransportError};
{%- if idempotency_header.is_some() || account_header.is_some() %}
use super::options::header_value;
{%- endif %}
use super::options::{retry_delay, RequestOptions, ResponseMeta};

/// Where requests go unless [`ClientBuilder::base_url`] says otherwise{% if base_url.is_empty() %}: empty, because the
/// spec gives no absolute server URL, so [`ClientBuilder::base_url`] is required{% endif %}.
pub const DEFAULT_BASE_URL: &str = {{ base_url|rust_str }};
/// The API version this binding was generated for{% if let Some(h) = version_header %}, sent as `{{ h|header }}` on every request{% endif %}.
pub const API_VERSION: &str = {{ api_version|rust_str }};
/// How long one attempt may take, from connecting to the last byte of the response.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(80);
/// How many times a failed request is retried unless the client or the call says otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
{%- if let Some(_) = idempotency_header %}
/// The longest idempotency key the API accepts.
pub const MAX_IDEMPOTENCY_KEY_LENGTH: usize = 255;
{%- endif %}

const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// A handle to {{ api_title|md_text }}.
///
/// Cheap to clone: clones share one connection pool, so build one `Client` and pass it around
/// (it is `Send + Sync`). Its `Debug` output never shows a credential.
///
/// Failed requests are retried (see [`ClientBuilder::max_retries`]){% if let Some(h) = idempotency_header %}, and every POST carries an
/// `{{ h|header }}` so that a retried request takes effect at most once{% endif %}. Per-call settings go
/// through [`Client::with_options`]; the request id of a successful answer through
/// [`Client::recording`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// This view's overrides of the client's defaults.
    options: RequestOptions,
    /// Where this view records the last successful answer, if it was made by [`Client::recording`].
    recorder: Option<Arc<Mutex<Option<ResponseMeta>>>>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    /// Whether the caller chose `base_url`, which then also replaces operations' own servers.
    base_url_overridden: bool,
{%- if has_schemes %}
    /// Per security scheme (as `SCHEMES` lists them), the credential the caller gave.
    credentials: Vec<Option<Credential>>,
{%- endif %}
    /// The client-wide defaults; every field is set.
    defaults: RequestOptions,
    allow_insecure_http: bool,
}

impl Client {
{%- if let Some(method) = key_method %}
    /// A client with the default base URL, timeout and retries, sending `secret_key` as
    /// [`ClientBuilder::{{ method|ident }}`] does.
    ///
    /// Fails with [`Error::InvalidArgument`] when the key is empty or is not a valid header
    /// value, and with [`Error::Transport`] when the TLS backend cannot start.
    pub fn new(secret_key: impl Into<String>) -> Result<Client> {
        Self::builder(secret_key).build()
    }

    /// Starts a client with settings other than the defaults.
    pub fn builder(secret_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder::empty().{{ method|ident }}(secret_key).renamed_key()
    }
{%- else %}
    /// A client with the default base URL, timeout and retries{% if has_schemes %}, and no credentials: set
    /// them with [`Client::builder`]'s method per security scheme{% endif %}.
    ///
    /// Fails with [`Error::InvalidArgument`] when a setting is refused, and with
    /// [`Error::Transport`] when the TLS backend cannot start.
    pub fn new() -> Result<Client> {
        Self::builder().build()
    }

    /// Starts a client with settings other than the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::empty()
    }
{%- endif %}

    /// The URL requests are sent to, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The timeout of each attempt made through this view.
    pub fn timeout(&self) -> Duration {
        self.options.timeout.or(self.inner.defaults.timeout).unwrap_or(DEFAULT_TIMEOUT)
    }

    /// How many times a failed request made through this view is retried.
    pub fn max_retries(&self) -> u32 {
        self.options.max_retries.or(self.inner.defaults.max_retries).unwrap_or(DEFAULT_MAX_RETRIES)
    }

    /// A view of this client whose calls use `options` where they are set, and this client's
    /// settings elsewhere. It shares the connection pool, so making one per call is cheap:
    ///
    /// ```no_run
    /// # async fn f(client: &{{ lib_name|ident }}::Client) {
    /// use std::time::Duration;
    /// let options = {{ lib_name|ident }}::RequestOptions::new().timeout(Duration::from_secs(10)).max_retries(0);
    /// let client = client.with_options(options);
    /// // pass `&client` to an operation function
    /// # }
    /// ```
    pub fn with_options(&self, options: RequestOptions) -> Client {
        Client { inner: Arc::clone(&self.inner), options: options.or(&self.options), recorder: self.recorder.clone() }
    }

    /// A view of this client that remembers the last successful answer it got, for
    /// [`Client::last_response`]. Use one per call (views are cheap): operation functions return
    /// the decoded body alone, so that the common call stays one line, and this is how the
    /// status and request id of a success are read.
    pub fn recording(&self) -> Client {
        Client { inner: Arc::clone(&self.inner), options: self.options.clone(), recorder: Some(Arc::new(Mutex::new(None))) }
    }

    /// What the last successful call through this [`recording`](Client::recording) view got
    /// besides its body; `None` before one succeeded, or on a view that does not record.
    pub fn last_response(&self) -> Option<ResponseMeta> {
        let recorder = self.recorder.as_ref()?;
        recorder.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Calls an endpoint this binding has no function for: `path` is appended to the base URL
    /// as given (percent-encode ids yourself), and `params` are form-encoded into the body of a
    /// POST, PUT or PATCH, or into the query string otherwise. Returns the JSON answer.
    pub async fn raw_request(&self, method: Method, path: &str, params: &[(&str, &str)]) -> Result<serde_json::Value> {
        if !path.starts_with('/') {
            return Err(InvalidArgument::new("path", "must start with `/`").into());
        }
        if let Some(bad) = path.chars().find(|c| c.is_control() || *c == ' ') {
            return Err(InvalidArgument::new("path", format!("contains {bad:?}; percent-encode it")).into());
        }
        let encoded = form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish();
        let with_body = matches!(method, Method::POST | Method::PUT | Method::PATCH);
        let (query, body) = match (with_body, encoded.is_empty()) {
            (true, _) => (None, Some(Body::Form(encoded))),
            (false, true) => (None, None),
            (false, false) => (Some(encoded), None),
        };
        let path = path.to_owned();
        self.execute(Ok(Request { method, server: None, template: "(raw request)", path, query, headers: Vec::new(), body, security: DEFAULT_SECURITY })).await
    }

    /// Sends one request (unless preparing it failed) and decodes a successful answer as `T`.
    ///
    /// Not an `async fn`, and operations are not either: sending is one future for every
    /// operation, and only decoding is per response type, so a binding of hundreds of
    /// operations compiles one state machine rather than one per operation and per type.
    pub(crate) fn execute<T: DeserializeOwned>(&self, request: Result<Request>) -> Execute<'_, T> {
        Execute { answer: Box::pin(self.send(request)), decode: PhantomData }
    }
{%- if uses_bytes %}

    /// Sends one request and returns a successful answer's body as it came (a PDF, say).
    pub(crate) fn execute_bytes(&self, request: Result<Request>) -> impl Future<Output = Result<Vec<u8>>> + Send + '_ {
        let answer = self.send(request);
        async move { Ok(answer.await?.bytes()) }
    }
{%- endif %}
{%- if uses_text %}

    /// Sends one request and returns a successful answer's body as text.
    pub(crate) fn execute_text(&self, request: Result<Request>) -> impl Future<Output = Result<String>> + Send + '_ {
        let answer = self.send(request);
        async move { answer.await?.text() }
    }
{%- endif %}
{%- if uses_unit %}

    /// Sends one request whose successful answer carries nothing to read (`204`).
    pub(crate) fn execute_unit(&self, request: Result<Request>) -> impl Future<Output = Result<()>> + Send + '_ {
        let answer = self.send(request);
        async move { answer.await.map(drop) }
    }
{%- endif %}
{%- if uses_status_enum %}

    /// Sends one request and reads the answer with `decode`, which looks at the status.
    pub(crate) fn execute_with<'a, T: 'a>(&'a self, request: Result<Request>, decode: fn(Answer) -> Result<T>) -> impl Future<Output = Result<T>> + Send + 'a {
        let answer = self.send(request);
        async move { decode(answer.await?) }
    }
{%- endif %}

    /// Sends one request, retrying as the options allow; an answer with an error status
    /// becomes [`Error::Api`].
    async fn send(&self, request: Result<Request>) -> Result<Answer> {
        let Request { method, server, template, path, query, headers, body, security } = request?;
        {%- if has_schemes %}
        let credentials = self.credentials_for(security)?;
        {%- else %}
        let _ = security;
        {%- endif %}
        let options = self.options.or(&self.inner.defaults);
        let timeout = options.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let max_retries = options.max_retries.unwrap_or(DEFAULT_MAX_RETRIES);
        if timeout.is_zero() {
            return Err(InvalidArgument::new("timeout", "must be longer than zero").into());
        }
        {%- if let Some(h) = idempotency_header %}
        // One key for every attempt of this call, so the API applies it at most once.
        let idempotency_key = match (&options.idempotency_key, &method) {
            (Some(key), _) => Some(key.clone()),
            (None, &Method::POST) => Some(super::options::uuid_v4()),
            (None, _) => None,
        };
        let idempotency_header = match &idempotency_key {
            Some(key) => Some(header_value("idempotency_key", key, Some(MAX_IDEMPOTENCY_KEY_LENGTH))?),
            None => None,
        };
        {%- endif %}
        {%- if let Some(_) = account_header %}
        let account_header = match &options.{{ account_method|ident }} {
            Some(account) => Some(header_value("{{ account_method|ident }}", account, None)?),
            None => None,
        };
        {%- endif %}
        {%- if idempotency_header.is_none() %}
        // Without idempotency keys the API cannot tell a retry from a new request, so a request
        // that may change something is retried only when it surely never arrived.
        let repeatable = matches!(method, Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE);
        {%- endif %}
        // An operation may live on a server of its own (file uploads), unless the caller
        // pointed the whole client somewhere else (a mock, a proxy).
        let base = match server {
            Some(server) if !self.inner.base_url_overridden => server,
            _ => self.inner.base_url.as_str(),
        };
        // The client's own base URL was checked when it was built; an operation's server is
        // checked here.
        if server.is_some() && !self.inner.base_url_overridden && !self.inner.allow_insecure_http && !is_safe_base(base) {
            let reason = format!("{base:?} is plain http:// to a host that is not loopback; see ClientBuilder::allow_insecure_http");
            return Err(InvalidArgument::new("base_url", reason).into());
        }
        let mut url = format!("{base}{path}");
        if let Some(query) = query {
            url.push('?');
            url.push_str(&query);
        }
        {%- if has_schemes %}
        // API keys that travel in the query; reqwest's errors would show the URL, so theirs
        // leave it out (see `transport`).
        let mut key_in_url = false;
        for pair in credentials.iter().filter_map(|c| c.query.as_deref()) {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(pair);
            key_in_url = true;
        }
        let cookies: Vec<&str> = credentials.iter().filter_map(|c| c.cookie.as_deref()).collect();
        let cookie = if cookies.is_empty() {
            None
        } else {
            let mut value = HeaderValue::from_str(&cookies.join("; ")).map_err(|_| InvalidArgument::new("cookie", "is not a valid header value"))?;
            value.set_sensitive(true);
            Some(value)
        };
        let transport = |e: reqwest::Error| TransportError::from_reqwest(if key_in_url { e.without_url() } else { e });
        {%- else %}
        let transport = TransportError::from_reqwest;
        {%- endif %}

        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut builder = self
                .inner
                .http
                .request(method.clone(), url.as_str())
                .timeout(timeout){% if let Some(h) = version_header %}
                .header("{{ h|header }}", API_VERSION){% endif %};
            {%- if has_schemes %}
            for (name, value) in credentials.iter().filter_map(|c| c.header.as_ref()) {
                builder = builder.header(name.clone(), value.clone());
            }
            if let Some(cookie) = &cookie {
                builder = builder.header(COOKIE, cookie.clone());
            }
            {%- endif %}
            {%- if let Some(h) = idempotency_header %}
            if let Some(key) = &idempotency_header {
                builder = builder.header("{{ h|header }}", key.clone());
            }
            {%- endif %}
            {%- if let Some(h) = account_header %}
            if let Some(account) = &account_header {
                builder = builder.header("{{ h|header }}", account.clone());
            }
            {%- endif %}
            // Header parameters, after the client's own headers: a name the client sends
            // itself is never a parameter (see the generator's `managed_headers`).
            for (name, value) in &headers {
                builder = builder.header(*name, value.clone());
            }
            builder = match &body {
                None => builder,
                // Sent even when empty: the API rejects a POST without a form content type.
                Some(Body::Form(form)) => builder
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(CONTENT_LENGTH, form.len())
                    .body(form.clone()),
{%- if uses_multipart %}
                Some(Body::Multipart(multipart)) => builder
                    .header(CONTENT_TYPE, multipart.content_type.as_str())
                    .header(CONTENT_LENGTH, multipart.body.len())
                    .body(multipart.body.clone()),
{%- endif %}
{%- if uses_own_body %}
                Some(Body::Raw { content_type, bytes }) => builder
                    .header(CONTENT_TYPE, *content_type)
                    .header(CONTENT_LENGTH, bytes.len())
                    .body(bytes.clone()),
{%- endif %}
            };
            let error = match builder.send().await {
                Err(e) => Error::Transport(transport(e).with_attempts(attempt)),
                Ok(response) => {
                    let status = response.status().as_u16();
                    {%- if let Some(h) = request_id_header %}
                    let request_id = header_text(&response, "{{ h|header }}");
                    {%- else %}
                    let request_id: Option<String> = None;
                    {%- endif %}
                    {%- if let Some(h) = should_retry_header %}
                    let should_retry = match header_text(&response, "{{ h|header }}").as_deref() {
                        Some("true") => Some(true),
                        Some("false") => Some(false),
                        _ => None,
                    };
                    {%- else %}
                    let should_retry = None;
                    {%- endif %}
                    // The API answered, so the request may have taken effect: a body that cannot
                    // be read is not retried.
                    let body = match response.bytes().await {
                        Ok(body) => body,
                        Err(e) if e.is_timeout() => {
                            return Err(Error::Transport(transport(e).with_attempts(attempt)));
                        }
                        Err(e) => {
                            return Err(Error::Decode(Box::new(DecodeError {
                                status,
                                request_id,
                                path: ".".to_owned(),
                                message: format!("the body was cut short: {e}"),
                                attempts: attempt,
                            })));
                        }
                    };
                    tracing::debug!(method = %method, path = template, attempt, status, request_id = request_id.as_deref(), "answer");
                    if (200..300).contains(&status) {
                        if let Some(recorder) = &self.recorder {
                            *recorder.lock().unwrap_or_else(|e| e.into_inner()) = Some(ResponseMeta {
                                status,
                                request_id: request_id.clone(),
                                {%- if let Some(_) = idempotency_header %}
                                idempotency_key: idempotency_key.clone(),
                                {%- endif %}
                                attempts: attempt,
                            });
                        }
                        return Ok(Answer { status, request_id, body, attempts: attempt });
                    }
                    Error::Api(Box::new(ApiError::from_response(status, request_id, should_retry, &body, &self.secrets()).with_attempts(attempt)))
                }
            };
            if let Error::Transport(e) = &error {
                tracing::debug!(method = %method, path = template, attempt, error = %e.summary(), "no answer");
            }
            if attempt > max_retries || !error.is_retryable() {
                return Err(error);
            }
            {%- if idempotency_header.is_none() %}
            if !repeatable && !matches!(&error, Error::Transport(e) if e.is_connect()) {
                return Err(error);
            }
            {%- endif %}
            let delay = retry_delay(attempt);
            tracing::info!(method = %method, path = template, attempt, delay_ms = delay.as_millis() as u64, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    /// Every secret the client holds, for scrubbing them from anything a server echoes back.
    fn secrets(&self) -> Vec<&str> {
        {%- if has_schemes %}
        self.inner.credentials.iter().flatten().flat_map(|c| c.secrets.iter().map(String::as_str)).collect()
        {%- else %}
        Vec::new()
        {%- endif %}
    }
{%- if has_schemes %}

    /// The credentials to send for an operation's `security`: the first alternative whose
    /// schemes all have one. An operation that needs credentials the client lacks fails here,
    /// before anything is sent: the API would only refuse it.
    fn credentials_for(&self, security: &[&[usize]]) -> Result<Vec<&Credential>> {
        if security.is_empty() {
            return Ok(Vec::new());
        }
        for alternative in security {
            let found: Option<Vec<&Credential>> = alternative.iter().map(|i| self.inner.credentials.get(*i).and_then(Option::as_ref)).collect();
            if let Some(found) = found {
                return Ok(found);
            }
        }
        let wanted: Vec<String> = security
            .iter()
            .map(|alternative| alternative.iter().map(|i| format!("`ClientBuilder::{}`", SCHEMES[*i].method)).collect::<Vec<_>>().join(" and "))
            .collect();
        Err(InvalidArgument::new("credentials", format!("this operation needs credentials set with {}", wanted.join(" or "))).into())
    }
{%- endif %}
}

/// A successful answer.
pub(crate) struct Answer {
    pub(crate) status: u16,
    request_id: Option<String>,
    body: bytes::Bytes,
    attempts: u32,
}

impl Answer {
    fn decode_error(&self, path: String, message: String) -> Error {
        Error::Decode(Box::new(DecodeError { status: self.status, request_id: self.request_id.clone(), path, message, attempts: self.attempts }))
    }

    /// The body as `T`.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T> {
        // Plain serde_json, compiled once per response type; the path of a failure is worked
        // out afterwards from the error's position (see `json_path_at`) rather than tracked
        // during every decode, which would double the decoding code of thousands of types.
        let text = std::str::from_utf8(&self.body).map_err(|e| self.decode_error(".".to_owned(), format!("the body is not UTF-8: {e}")))?;
        super::json::decode_str(text).map_err(|e| self.decode_error(super::json::json_path_at(&self.body, e.line(), e.column()), e.to_string()))
    }
{%- if uses_text %}

    /// The body as text.
    pub(crate) fn text(&self) -> Result<String> {
        String::from_utf8(self.body.to_vec()).map_err(|e| self.decode_error(".".to_owned(), format!("the body is not UTF-8: {e}")))
    }
{%- endif %}
{%- if uses_bytes %}

    /// The body as it came.
    pub(crate) fn bytes(&self) -> Vec<u8> {
        self.body.to_vec()
    }
{%- endif %}
{%- if uses_status_enum %}

    /// The error for a success status the spec does not declare for the operation.
    pub(crate) fn undeclared(&self) -> Error {
        self.decode_error(".".to_owned(), format!("the spec declares no answer with status {} for this operation", self.status))
    }
{%- endif %}
}

{%- if request_id_header.is_some() || should_retry_header.is_some() %}

fn header_text(response: &reqwest::Response, name: &str) -> Option<String> {
    response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}
{%- endif %}

/// Whether the key may be sent to `base`: over https, or over http to this machine only (a mock).
fn is_safe_base(base: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(base) else { return false };
    let host = url.host_str().unwrap_or("").trim_start_matches('[').trim_end_matches(']');
    match url.scheme() {
        "https" => true,
        "http" => {
            host == "localhost"
                || host.ends_with(".localhost")
                || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
        _ => false,
    }
}

/// The future [`Client::execute`] returns: the answer, then decoding it.
pub(crate) struct Execute<'a, T> {
    answer: Pin<Box<dyn Future<Output = Result<Answer>> + Send + 'a>>,
    decode: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Future for Execute<'_, T> {
    type Output = Result<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        self.answer.as_mut().poll(cx).map(|answer| answer?.json())
    }
}

/// One request, as an operation function describes it to [`Client`].
pub(crate) struct Request {
    pub(crate) method: Method,
    /// The operation's own server, if it has one.
    pub(crate) server: Option<&'static str>,
    /// The path as the spec writes it, e.g. `/v1/customers/{customer}`: logged instead of
    /// `path`, whose ids may be private.
    pub(crate) template: &'static str,
    /// The path, parameters already encoded.
    pub(crate) path: String,
    /// The encoded query string, if any parameter was set.
    pub(crate) query: Option<String>,
    /// Header parameters (and the `Cookie` header), already checked.
    pub(crate) headers: Vec<(&'static str, HeaderValue)>,
    pub(crate) body: Option<Body>,
    /// The operation's `security`: alternatives of indexes into `SCHEMES`, any one of which
    /// will do; empty sends no credentials.
    pub(crate) security: &'static [&'static [usize]],
}

/// A request body.
pub(crate) enum Body {
    /// `application/x-www-form-urlencoded`, already encoded.
    Form(String),
{%- if uses_multipart %}
    /// `multipart/form-data`, kept as parts so each attempt can send it again.
    Multipart(super::multipart::Multipart),
{%- endif %}
{%- if uses_own_body %}
    /// A body of its own (JSON, text or bytes), sent with the spec's media type.
    Raw { content_type: &'static str, bytes: Vec<u8> },
{%- endif %}
}
{%- if uses_json_body %}

impl Body {
    /// `value` as JSON, sent as `content_type` (`application/json`, or one of the `+json` family).
    pub(crate) fn json<T: serde::Serialize + ?Sized>(content_type: &'static str, value: &T) -> Result<Body> {
        let bytes = serde_json::to_vec(value).map_err(|e| InvalidArgument::new("body", e.to_string()))?;
        Ok(Body::Raw { content_type, bytes })
    }
}
{%- endif %}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Client");
        d.field("base_url", &self.inner.base_url)
            .field("api_version", &API_VERSION)
            .field("defaults", &self.inner.defaults)
            .field("options", &self.options)
            .field("recording", &self.recorder.is_some());
        {%- if has_schemes %}
        // Which credentials are set, never what they are.
        for (scheme, credential) in SCHEMES.iter().zip(&self.inner.credentials) {
            if credential.is_some() {
                d.field(scheme.method, &"[redacted]");
            }
        }
        {%- endif %}
        d.finish()
    }
}
{%- if has_schemes %}

/// A security scheme the spec declares: the builder method that sets its credential.
pub(crate) struct Scheme {
    pub(crate) method: &'static str,
}

/// A credential, ready to send; validated when the builder method took it.
#[derive(Clone)]
pub(crate) struct Credential {
    /// A header to send (`Authorization`, an API key's header), marked sensitive so `reqwest`
    /// and `http` keep it out of their output.
    header: Option<(HeaderName, HeaderValue)>,
    /// A query parameter, encoded: `name=value`.
    query: Option<String>,
    /// A cookie: `name=value`.
    cookie: Option<String>,
    /// Everything to scrub from what a server echoes back.
    secrets: Vec<String>,
}

impl Credential {
    fn empty() -> Credential {
        Credential { header: None, query: None, cookie: None, secrets: Vec::new() }
    }

    /// A secret as given: trimmed, not empty, visible ASCII only.
    fn checked(method: &str, secret: &str) -> std::result::Result<String, InvalidArgument> {
        let secret = secret.trim();
        if secret.is_empty() {
            return Err(InvalidArgument::new(method, "is empty"));
        }
        if !secret.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(InvalidArgument::new(method, "may contain only visible ASCII characters"));
        }
        Ok(secret.to_owned())
    }

{%- if uses_bearer || uses_basic || uses_header_key %}

    fn sensitive(method: &str, text: &str) -> std::result::Result<HeaderValue, InvalidArgument> {
        let mut value = HeaderValue::from_str(text).map_err(|_| InvalidArgument::new(method, "is not a valid header value"))?;
        value.set_sensitive(true);
        Ok(value)
    }
{%- endif %}
{%- if uses_bearer %}

    /// `Authorization: Bearer <token>`.
    pub(crate) fn bearer(method: &str, token: &str) -> std::result::Result<Credential, InvalidArgument> {
        let token = Self::checked(method, token)?;
        let value = Self::sensitive(method, &format!("Bearer {token}"))?;
        Ok(Credential { header: Some((AUTHORIZATION, value)), secrets: vec![token], ..Self::empty() })
    }
{%- endif %}
{%- if uses_basic %}

    /// `Authorization: Basic base64(username:password)`.
    pub(crate) fn basic(method: &str, username: &str, password: &str) -> std::result::Result<Credential, InvalidArgument> {
        let username = Self::checked(method, username)?;
        if username.contains(':') {
            return Err(InvalidArgument::new(method, "the user name may not contain `:`"));
        }
        if password.chars().any(char::is_control) {
            return Err(InvalidArgument::new(method, "the password may not contain control characters"));
        }
        let encoded = base64(format!("{username}:{password}").as_bytes());
        let value = Self::sensitive(method, &format!("Basic {encoded}"))?;
        // A key sent as the user name with no password (Stripe's style) is the secret itself.
        let mut secrets = vec![encoded];
        secrets.push(if password.is_empty() { username } else { password.to_owned() });
        Ok(Credential { header: Some((AUTHORIZATION, value)), secrets, ..Self::empty() })
    }
{%- endif %}
{%- if uses_header_key %}

    /// An API key in the header `name`.
    pub(crate) fn header(method: &str, name: &'static str, key: &str) -> std::result::Result<Credential, InvalidArgument> {
        let key = Self::checked(method, key)?;
        let value = Self::sensitive(method, &key)?;
        Ok(Credential { header: Some((HeaderName::from_static(name), value)), secrets: vec![key], ..Self::empty() })
    }
{%- endif %}
{%- if uses_query_key %}

    /// An API key in the query parameter `name`.
    pub(crate) fn query(method: &str, name: &str, key: &str) -> std::result::Result<Credential, InvalidArgument> {
        let key = Self::checked(method, key)?;
        let pair = form_urlencoded::Serializer::new(String::new()).append_pair(name, &key).finish();
        let encoded = pair.split_once('=').map(|(_, v)| v.to_owned()).unwrap_or_default();
        Ok(Credential { query: Some(pair), secrets: vec![key, encoded], ..Self::empty() })
    }
{%- endif %}
{%- if uses_cookie_key %}

    /// An API key in the cookie `name`.
    pub(crate) fn cookie(method: &str, name: &str, key: &str) -> std::result::Result<Credential, InvalidArgument> {
        let key = Self::checked(method, key)?;
        // Cookie values may not hold `;`, `,`, quotes or backslashes (RFC 6265).
        if key.bytes().any(|b| matches!(b, b';' | b',' | b'"' | b'\\')) {
            return Err(InvalidArgument::new(method, "may not contain `;`, `,`, `\"` or `\\` (it is sent as a cookie)"));
        }
        Ok(Credential { cookie: Some(format!("{name}={key}")), secrets: vec![key], ..Self::empty() })
    }
{%- endif %}
}
{%- endif %}
{%- if uses_basic %}

/// Standard base64 with padding, for `Authorization: Basic`.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
{%- endif %}

/// Settings for a [`Client`]; see [`Client::builder`].
pub struct ClientBuilder {
    base_url: Option<String>,
    defaults: RequestOptions,
    allow_insecure_http: bool,
    {%- if has_schemes %}
    /// Per security scheme, the credential given (or why it was refused, reported by `build`).
    credentials: Vec<Option<std::result::Result<Credential, InvalidArgument>>>,
    {%- endif %}
    {%- if has_server_variables %}
    /// Per server variable, the value given instead of its default.
    server_variables: Vec<Option<String>>,
    {%- endif %}
}

impl ClientBuilder {
    fn empty() -> ClientBuilder {
        ClientBuilder {
            base_url: None,
            defaults: RequestOptions::new().timeout(DEFAULT_TIMEOUT).max_retries(DEFAULT_MAX_RETRIES),
            allow_insecure_http: false,
            {%- if has_schemes %}
            credentials: vec![None; SCHEMES.len()],
            {%- endif %}
            {%- if has_server_variables %}
            server_variables: vec![None; SERVER_VARIABLES.len()],
            {%- endif %}
        }
    }
{%- if key_method.is_some() %}

    /// The constructor's key is reported as `secret_key` when refused.
    fn renamed_key(mut self) -> Self {
        for credential in self.credentials.iter_mut().flatten() {
            if let Err(e) = credential {
                e.param = "secret_key".to_owned();
            }
        }
        self
    }
{%- endif %}

    /// Sends every request somewhere other than [`DEFAULT_BASE_URL`] (and other than the
    /// servers some operations name for themselves): a mock server in tests, a proxy.
    ///
    /// It must be `https://`, or `http://` to a loopback address (`localhost`, `127.0.0.1`,
    /// `[::1]`), unless [`allow_insecure_http`](Self::allow_insecure_http) is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Replaces [`DEFAULT_TIMEOUT`], the time each attempt may take.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.defaults.timeout = Some(timeout);
        self
    }

    /// Replaces [`DEFAULT_MAX_RETRIES`]; `0` turns retries off.
    ///
    /// A request is retried when the answer says so{% if let Some(h) = should_retry_header %} (`{{ h|header }}: true`; `false` forbids it){% endif %},
    /// and otherwise after a connection error or timeout with no answer, `409`, `429` with code
    /// `lock_timeout`, or `5xx`; never after another `4xx`. Waits start at 0.5 s and double up to
    /// 5 s, less a random part of up to half.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.defaults.max_retries = Some(retries);
        self
    }
{%- if let Some(h) = account_header %}

    /// Sends `{{ h|header }}` on every request, so calls act on that connected account unless a call's
    /// [`RequestOptions`] names another.
    pub fn {{ account_method|ident }}(mut self, account: impl Into<String>) -> Self {
        self.defaults.{{ account_method|ident }} = Some(account.into());
        self
    }
{%- endif %}

    /// Allows a plain `http://` base URL to a host other than this machine. Credentials then
    /// cross the network unencrypted: only for a trusted proxy on a private network.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Checks the settings and starts the connection pool.
    pub fn build(self) -> Result<Client> {
        {%- if has_schemes %}
        let mut credentials = Vec::with_capacity(self.credentials.len());
        for credential in self.credentials {
            credentials.push(credential.transpose()?);
        }
        {%- endif %}
        let base_url_overridden = self.base_url.is_some();
        {%- if has_server_variables %}
        let default_base = server_url(&self.server_variables)?;
        let base_url = self.base_url.as_deref().unwrap_or(&default_base).trim_end_matches('/').to_owned();
        {%- else %}
        let base_url = self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL).trim_end_matches('/').to_owned();
        {%- endif %}
        {%- if base_url.is_empty() %}
        if base_url.is_empty() {
            return Err(InvalidArgument::new("base_url", "the spec gives no absolute server URL, so the API's address must be set with ClientBuilder::base_url").into());
        }
        {%- endif %}
        match reqwest::Url::parse(&base_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.query().is_none() => {}
            _ => {
                let reason = format!("{base_url:?} is not an http(s) URL without a query");
                return Err(InvalidArgument::new("base_url", reason).into());
            }
        }
        if !self.allow_insecure_http && !is_safe_base(&base_url) {
            let reason = format!(
                "{base_url:?} would send the secret key unencrypted: use https://, a loopback address, or ClientBuilder::allow_insecure_http"
            );
            return Err(InvalidArgument::new("base_url", reason).into());
        }
        if self.defaults.timeout.is_some_and(|t| t.is_zero()) {
            return Err(InvalidArgument::new("timeout", "must be longer than zero").into());
        }
        {%- if let Some(_) = account_header %}
        if let Some(account) = &self.defaults.{{ account_method|ident }} {
            header_value("{{ account_method|ident }}", account, None)?;
        }
        {%- endif %}

        let http = reqwest::Client::builder().user_agent(USER_AGENT).build().map_err(TransportError::from_reqwest)?;
        let inner = Inner {
            http,
            base_url,
            base_url_overridden,
            {%- if has_schemes %}
            credentials,
            {%- endif %}
            defaults: self.defaults,
            allow_insecure_http: self.allow_insecure_http,
        };
        Ok(Client { inner: Arc::new(inner), options: RequestOptions::new(), recorder: None })
    }
}
{%- if has_server_variables %}

/// A `{variable}` of the server URL.
struct ServerVariable {
    name: &'static str,
    default: &'static str,
    /// The values the spec allows; empty allows any.
    allowed: &'static [&'static str],
}

/// The server URL with each variable set to the value given, else its default.
fn server_url(given: &[Option<String>]) -> Result<String> {
    let mut url = SERVER_URL_TEMPLATE.to_owned();
    for (variable, value) in SERVER_VARIABLES.iter().zip(given) {
        let value = match value {
            None => variable.default,
            Some(value) => {
                if value.is_empty() || value.chars().any(|c| c.is_control() || c.is_whitespace() || "?#@{}".contains(c)) {
                    return Err(InvalidArgument::new(variable.name, "must be non-empty, without spaces, control characters, `?`, `#`, `@` or braces").into());
                }
                if !variable.allowed.is_empty() && !variable.allowed.contains(&value.as_str()) {
                    let allowed = variable.allowed.join("`, `");
                    return Err(InvalidArgument::new(variable.name, format!("must be one of `{allowed}`")).into());
                }
                value.as_str()
            }
        };
        url = url.replace(&["{", variable.name, "}"].concat(), value);
    }
    Ok(url)
}
{%- endif %}

{{ auth_code|rust_code }}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ClientBuilder");
        d.field("base_url", &self.base_url)
            .field("defaults", &self.defaults)
            .field("allow_insecure_http", &self.allow_insecure_http);
        {%- if has_server_variables %}
        d.field("server_variables", &self.server_variables);
        {%- endif %}
        {%- if has_schemes %}
        for (scheme, credential) in SCHEMES.iter().zip(&self.credentials) {
            if credential.is_some() {
                d.field(scheme.method, &"[redacted]");
            }
        }
        {%- endif %}
        d.finish()
    }
}
