{{ header }}
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::Method;
use serde::de::DeserializeOwned;

use super::error::{ApiError, DecodeError, Error, InvalidArgument, Result, TransportError};

/// Where requests go unless [`ClientBuilder::base_url`] says otherwise.
pub const DEFAULT_BASE_URL: &str = "{{ base_url }}";
/// The API version this binding was generated for{% if let Some(h) = version_header %}, sent as `{{ h }}` on every request{% endif %}.
pub const API_VERSION: &str = "{{ api_version }}";
/// How long one request may take, from connecting to the last byte of the response.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(80);

const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// A handle to {{ api_title }}.
///
/// Cheap to clone: clones share one connection pool, so build one `Client` and pass it around
/// (it is `Send + Sync`). Its `Debug` output never shows the secret key.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    /// Whether the caller chose `base_url`, which then also replaces operations' own servers.
    base_url_overridden: bool,
    /// `Bearer <key>`, marked sensitive so `reqwest` and `http` keep it out of their output.
    authorization: HeaderValue,
    timeout: Duration,
}

impl Client {
    /// A client with the default base URL and timeout.
    ///
    /// Fails with [`Error::InvalidArgument`] when the key is empty or is not a valid header
    /// value, and with [`Error::Transport`] when the TLS backend cannot start.
    pub fn new(secret_key: impl Into<String>) -> Result<Client> {
        Self::builder(secret_key).build()
    }

    /// Starts a client with settings other than the defaults.
    pub fn builder(secret_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder { secret_key: secret_key.into(), base_url: None, timeout: DEFAULT_TIMEOUT }
    }

    /// The URL requests are sent to, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The per-request timeout.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// Calls an endpoint this binding has no function for: `path` is appended to the base URL
    /// as given (percent-encode ids yourself), and `params` are form-encoded into the body of a
    /// POST, PUT or PATCH, or into the query string otherwise. Returns the JSON answer.
    pub async fn raw_request(&self, method: Method, path: &str, params: &[(&str, &str)]) -> Result<serde_json::Value> {
        if !path.starts_with('/') {
            return Err(InvalidArgument::new("path", "must start with `/`").into());
        }
        let encoded = form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish();
        let with_body = matches!(method, Method::POST | Method::PUT | Method::PATCH);
        let (query, body) = match (with_body, encoded.is_empty()) {
            (true, _) => (None, Some(Body::Form(encoded))),
            (false, true) => (None, None),
            (false, false) => (Some(encoded), None),
        };
        self.execute(Request { method, server: None, path, query, body }).await
    }

    /// Sends one request and decodes a successful answer as `T`.
    pub(crate) async fn execute<T: DeserializeOwned>(&self, request: Request<'_>) -> Result<T> {
        let (status, request_id, body) = self.send(request).await?;
        let decode_error = |path: String, e: serde_json::Error| {
            Error::Decode(Box::new(DecodeError { status, request_id: request_id.clone(), path, message: e.to_string() }))
        };
        let mut de = serde_json::Deserializer::from_slice(&body);
        let value = serde_path_to_error::deserialize(&mut de).map_err(|e| decode_error(e.path().to_string(), e.into_inner()))?;
        de.end().map_err(|e| decode_error(".".to_owned(), e))?;
        Ok(value)
    }
{%- if uses_bytes %}

    /// Sends one request and returns a successful answer's body as it came (a PDF, say).
    pub(crate) async fn execute_bytes(&self, request: Request<'_>) -> Result<Vec<u8>> {
        let (_, _, body) = self.send(request).await?;
        Ok(body.to_vec())
    }
{%- endif %}

    /// Sends one request; an answer with an error status becomes [`Error::Api`].
    async fn send(&self, request: Request<'_>) -> Result<(u16, Option<String>, bytes::Bytes)> {
        let Request { method, server, path, query, body } = request;
        // An operation may live on a server of its own (file uploads), unless the caller
        // pointed the whole client somewhere else (a mock, a proxy).
        let base = match server {
            Some(server) if !self.inner.base_url_overridden => server,
            _ => self.inner.base_url.as_str(),
        };
        let mut url = format!("{base}{path}");
        if let Some(query) = query {
            url.push('?');
            url.push_str(&query);
        }
        let mut builder = self
            .inner
            .http
            .request(method, url)
            .header(AUTHORIZATION, self.inner.authorization.clone()){% if let Some(h) = version_header %}
            .header("{{ h }}", API_VERSION){% endif %};
        builder = match body {
            None => builder,
            // Sent even when empty: the API rejects a POST without a form content type.
            Some(Body::Form(form)) => builder
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(CONTENT_LENGTH, form.len())
                .body(form),
{%- if uses_multipart %}
            Some(Body::Multipart(form)) => builder.multipart(form),
{%- endif %}
        };
        let response = builder.send().await.map_err(TransportError::from_reqwest)?;
        let status = response.status().as_u16();
        {% if let Some(h) = request_id_header -%}
        let request_id = response.headers().get("{{ h }}").and_then(|v| v.to_str().ok()).map(str::to_owned);
        {%- else -%}
        let request_id: Option<String> = None;
        {%- endif %}
        let body = response.bytes().await.map_err(TransportError::from_reqwest)?;
        if (200..300).contains(&status) {
            Ok((status, request_id, body))
        } else {
            Err(Error::Api(Box::new(ApiError::from_response(status, request_id, &body))))
        }
    }
}

/// One request, as an operation function describes it to [`Client`].
pub(crate) struct Request<'a> {
    pub(crate) method: Method,
    /// The operation's own server, if it has one.
    pub(crate) server: Option<&'static str>,
    /// The path, parameters already encoded.
    pub(crate) path: &'a str,
    /// The encoded query string, if any parameter was set.
    pub(crate) query: Option<String>,
    pub(crate) body: Option<Body>,
}

/// A request body.
pub(crate) enum Body {
    /// `application/x-www-form-urlencoded`, already encoded.
    Form(String),
{%- if uses_multipart %}
    /// `multipart/form-data`.
    Multipart(reqwest::multipart::Form),
{%- endif %}
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("api_version", &API_VERSION)
            .field("timeout", &self.inner.timeout)
            .field("secret_key", &"[redacted]")
            .finish()
    }
}

/// Settings for a [`Client`]; see [`Client::builder`].
pub struct ClientBuilder {
    secret_key: String,
    base_url: Option<String>,
    timeout: Duration,
}

impl ClientBuilder {
    /// Sends every request somewhere other than [`DEFAULT_BASE_URL`] (and other than the
    /// servers some operations name for themselves): a mock server in tests, a proxy.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Replaces [`DEFAULT_TIMEOUT`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Checks the settings and starts the connection pool.
    pub fn build(self) -> Result<Client> {
        let key = self.secret_key.trim();
        if key.is_empty() {
            return Err(InvalidArgument::new("secret_key", "is empty").into());
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(InvalidArgument::new("secret_key", "may contain only visible ASCII characters").into());
        }
        let mut authorization = HeaderValue::from_str(&format!("Bearer {key}"))
            .map_err(|_| InvalidArgument::new("secret_key", "is not a valid header value"))?;
        authorization.set_sensitive(true);

        let base_url_overridden = self.base_url.is_some();
        let base_url = self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL).trim_end_matches('/').to_owned();
        match reqwest::Url::parse(&base_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.query().is_none() => {}
            _ => {
                let reason = format!("{base_url:?} is not an http(s) URL without a query");
                return Err(InvalidArgument::new("base_url", reason).into());
            }
        }
        if self.timeout.is_zero() {
            return Err(InvalidArgument::new("timeout", "must be longer than zero").into());
        }

        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(self.timeout)
            .build()
            .map_err(TransportError::from_reqwest)?;
        Ok(Client { inner: Arc::new(Inner { http, base_url, base_url_overridden, authorization, timeout: self.timeout }) })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("secret_key", &"[redacted]")
            .finish()
    }
}
