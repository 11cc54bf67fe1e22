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
        ClientBuilder { secret_key: secret_key.into(), base_url: DEFAULT_BASE_URL.to_owned(), timeout: DEFAULT_TIMEOUT }
    }

    /// The URL requests are sent to, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The per-request timeout.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// Sends one request and decodes a successful answer as `T`. `query` is the encoded query
    /// string and `form` the encoded body; every POST carries a body, empty if need be, since
    /// the API rejects a POST without one.
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: Option<String>,
        form: Option<String>,
    ) -> Result<T> {
        let mut url = format!("{}{}", self.inner.base_url, path);
        if let Some(query) = query {
            url.push('?');
            url.push_str(&query);
        }
        let mut request = self
            .inner
            .http
            .request(method.clone(), url)
            .header(AUTHORIZATION, self.inner.authorization.clone()){% if let Some(h) = version_header %}
            .header("{{ h }}", API_VERSION){% endif %};
        if method == Method::POST || form.is_some() {
            let body = form.unwrap_or_default();
            request = request
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(CONTENT_LENGTH, body.len())
                .body(body);
        }
        let response = request.send().await.map_err(TransportError::from_reqwest)?;
        let status = response.status();
        {% if let Some(h) = request_id_header -%}
        let request_id = response.headers().get("{{ h }}").and_then(|v| v.to_str().ok()).map(str::to_owned);
        {%- else -%}
        let request_id: Option<String> = None;
        {%- endif %}
        let body = response.bytes().await.map_err(TransportError::from_reqwest)?;
        if status.is_success() {
            let decode_error = |path: String, e: serde_json::Error| {
                Error::Decode(Box::new(DecodeError { status: status.as_u16(), request_id: request_id.clone(), path, message: e.to_string() }))
            };
            let mut de = serde_json::Deserializer::from_slice(&body);
            let value = serde_path_to_error::deserialize(&mut de).map_err(|e| decode_error(e.path().to_string(), e.into_inner()))?;
            de.end().map_err(|e| decode_error(".".to_owned(), e))?;
            Ok(value)
        } else {
            Err(Error::Api(Box::new(ApiError::from_response(status.as_u16(), request_id, &body))))
        }
    }
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
    base_url: String,
    timeout: Duration,
}

impl ClientBuilder {
    /// Sends requests somewhere other than [`DEFAULT_BASE_URL`]: a mock server in tests, a proxy.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
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

        let base_url = self.base_url.trim_end_matches('/').to_owned();
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
        Ok(Client { inner: Arc::new(Inner { http, base_url, authorization, timeout: self.timeout }) })
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
