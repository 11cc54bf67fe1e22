// {{ header|comment }}
use std::fmt;
use std::time::Duration;

{%- if idempotency_header.is_some() || account_header.is_some() || uses_header_params || uses_cookie_params %}
use super::error::{InvalidArgument, Result};
{%- endif %}

/// Settings for the calls made through one view of a [`Client`](super::Client): anything left
/// unset falls back to the client's default. See [`Client::with_options`](super::Client::with_options).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
{%- if let Some(_) = idempotency_header %}
    pub(crate) idempotency_key: Option<String>,
{%- endif %}
{%- if let Some(_) = account_header %}
    pub(crate) {{ account_method|ident }}: Option<String>,
{%- endif %}
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
}

impl RequestOptions {
    /// No overrides: every setting comes from the client.
    pub fn new() -> Self {
        Self::default()
    }
{%- if let Some(h) = idempotency_header %}

    /// The `{{ h|header }}` to send instead of a random one: at most 255 visible ASCII characters.
    ///
    /// The API answers a repeated key with the first answer, so a key names one operation:
    /// use these options for one call, and reuse the key only to retry that same call.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }
{%- endif %}
{%- if let Some(h) = account_header %}

    /// Sends `{{ h|header }}`, so the call acts on that connected account.
    pub fn {{ account_method|ident }}(mut self, account: impl Into<String>) -> Self {
        self.{{ account_method|ident }} = Some(account.into());
        self
    }
{%- endif %}

    /// How long each attempt may take, from connecting to the last byte of the answer.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How many times a failed attempt is retried; `0` sends each request once.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Settings in `self` win; the rest come from `base`.
    pub(crate) fn or(&self, base: &RequestOptions) -> RequestOptions {
        RequestOptions {
{%- if let Some(_) = idempotency_header %}
            idempotency_key: self.idempotency_key.clone().or_else(|| base.idempotency_key.clone()),
{%- endif %}
{%- if let Some(_) = account_header %}
            {{ account_method|ident }}: self.{{ account_method|ident }}.clone().or_else(|| base.{{ account_method|ident }}.clone()),
{%- endif %}
            timeout: self.timeout.or(base.timeout),
            max_retries: self.max_retries.or(base.max_retries),
        }
    }
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("RequestOptions");
{%- if let Some(_) = idempotency_header %}
        s.field("idempotency_key", &self.idempotency_key);
{%- endif %}
{%- if let Some(_) = account_header %}
        s.field("{{ account_method|ident }}", &self.{{ account_method|ident }});
{%- endif %}
        s.field("timeout", &self.timeout).field("max_retries", &self.max_retries).finish()
    }
}

/// What the API said about a successful call besides its body; see
/// [`Client::recording`](super::Client::recording).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The HTTP status.
    pub status: u16,
    /// The server's request id, if it sent one; quote it to support.
    pub request_id: Option<String>,
{%- if let Some(h) = idempotency_header %}
    /// The `{{ h|header }}` the request carried, if any.
    pub idempotency_key: Option<String>,
{%- endif %}
    /// How many attempts the call took (1 when it was not retried).
    pub attempts: u32,
}

{%- if idempotency_header.is_some() || account_header.is_some() %}

/// Checks a value the caller gave for a request header: visible ASCII only, so no CR/LF can
/// split the header and nothing needs escaping.
pub(crate) fn header_value(param: &str, value: &str, max_length: Option<usize>) -> Result<reqwest::header::HeaderValue> {
    if value.is_empty() {
        return Err(InvalidArgument::new(param, "must not be empty").into());
    }
    if let Some(max) = max_length {
        if value.len() > max {
            return Err(InvalidArgument::new(param, format!("is {} characters long; at most {max} are allowed", value.len())).into());
        }
    }
    if let Some(bad) = value.chars().find(|c| !c.is_ascii_graphic()) {
        return Err(InvalidArgument::new(param, format!("contains {bad:?}; only visible ASCII characters can be sent in a header")).into());
    }
    reqwest::header::HeaderValue::from_str(value).map_err(|_| InvalidArgument::new(param, "is not a valid header value").into())
}
{%- endif %}
{%- if idempotency_header.is_some() || uses_multipart %}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// A random (version 4) UUID, e.g. `0f8a4c2e-7d1b-4e5f-9a3c-2b6d8e1f0a7c`.
pub(crate) fn uuid_v4() -> String {
    let mut b = random_bytes::<16>();
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let mut key = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            key.push('-');
        }
        key.push(char::from(HEX[usize::from(byte >> 4)]));
        key.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    key
}
{%- endif %}

/// The wait before retry number `retry` (1-based): 0.5 s doubling per retry, capped at 5 s, then
/// scaled by a random factor in [0.5, 1] so that clients that failed together do not retry
/// together, but never below 0.5 s.
pub(crate) fn retry_delay(retry: u32) -> Duration {
    const INITIAL: Duration = Duration::from_millis(500);
    const MAX: Duration = Duration::from_secs(5);
    let doubled = INITIAL.saturating_mul(1u32 << retry.saturating_sub(1).min(16));
    let capped = doubled.min(MAX);
    let unit = f64::from(u32::from_le_bytes(random_bytes::<4>())) / f64::from(u32::MAX);
    capped.mul_f64(0.5 + unit / 2.0).max(INITIAL)
}

/// Bytes from the operating system's generator. If it fails (it does not on supported
/// platforms), the clock stands in: keys stay unique enough and jitter stays jitter.
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if getrandom::getrandom(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (nanos >> ((i % 16) * 8)) as u8 ^ (i as u8).wrapping_mul(151);
        }
    }
    bytes
}
{%- if uses_header_params || uses_cookie_params %}

/// The header and cookie parameters of one request, checked as they are added: a value with a
/// control character (CR, LF, …) or outside ASCII is refused before anything is sent.
pub(crate) struct ParamHeaders {
    headers: Vec<(&'static str, reqwest::header::HeaderValue)>,
{%- if uses_cookie_params %}
    cookies: Vec<String>,
{%- endif %}
}

impl ParamHeaders {
    pub(crate) fn new() -> Self {
        ParamHeaders {
            headers: Vec::new(),
{%- if uses_cookie_params %}
            cookies: Vec::new(),
{%- endif %}
        }
    }
{%- if uses_header_params %}

    /// Adds header `name` (`simple` style: arrays comma-joined, objects as `k,v,…`).
    pub(crate) fn header<T: serde::Serialize>(&mut self, name: &'static str, value: Option<&T>) -> Result<()> {
        let Some(value) = value else { return Ok(()) };
        let text = param_text(name, value)?;
        let value = reqwest::header::HeaderValue::from_str(&text).map_err(|_| InvalidArgument::new(name, "is not a valid header value"))?;
        self.headers.push((name, value));
        Ok(())
    }
{%- endif %}
{%- if uses_cookie_params %}

    /// Adds `name=value` to the `Cookie` header; `;` and `,` would end the value, so they are refused.
    pub(crate) fn cookie<T: serde::Serialize>(&mut self, name: &'static str, value: Option<&T>) -> Result<()> {
        let Some(value) = value else { return Ok(()) };
        let text = param_text(name, value)?;
        if text.contains([';', ',']) {
            return Err(InvalidArgument::new(name, "contains `;` or `,`, which a cookie value cannot hold").into());
        }
        self.cookies.push(format!("{name}={text}"));
        Ok(())
    }
{%- endif %}

    /// The headers to send, the cookies as one `Cookie` header.
    pub(crate) fn finish(self) -> Result<Vec<(&'static str, reqwest::header::HeaderValue)>> {
        #[allow(unused_mut)]
        let mut headers = self.headers;
{%- if uses_cookie_params %}
        if !self.cookies.is_empty() {
            let value = reqwest::header::HeaderValue::from_str(&self.cookies.join("; ")).map_err(|_| InvalidArgument::new("cookie", "is not a valid header value"))?;
            headers.push(("cookie", value));
        }
{%- endif %}
        Ok(headers)
    }
}

/// A parameter's value as header text: strings as they are, numbers and booleans as JSON writes
/// them, arrays comma-joined and objects as `key,value,…` (OpenAPI's `simple` style).
fn param_text<T: serde::Serialize>(name: &str, value: &T) -> Result<String> {
    fn text(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Null => {}
            serde_json::Value::Array(items) => items.iter().for_each(|v| text(v, out)),
            serde_json::Value::Object(members) => members.iter().for_each(|(k, v)| {
                out.push(k.clone());
                text(v, out);
            }),
            other => out.push(other.to_string()),
        }
    }
    let value = serde_json::to_value(value).map_err(|e| InvalidArgument::new(name, e.to_string()))?;
    let mut parts = Vec::new();
    text(&value, &mut parts);
    let joined = parts.join(",");
    if let Some(bad) = joined.chars().find(|c| c.is_control() || !c.is_ascii()) {
        return Err(InvalidArgument::new(name, format!("contains {bad:?}, which a header cannot carry")).into());
    }
    Ok(joined)
}
{%- endif %}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_double_from_half_a_second_up_to_five() {
        for _ in 0..200 {
            let d: Vec<Duration> = (1..=6).map(retry_delay).collect();
            let ms: Vec<u128> = d.iter().map(Duration::as_millis).collect();
            assert!((500..=500).contains(&ms[0]), "{ms:?}");
            assert!((500..=1000).contains(&ms[1]), "{ms:?}");
            assert!((1000..=2000).contains(&ms[2]), "{ms:?}");
            assert!((2000..=4000).contains(&ms[3]), "{ms:?}");
            assert!((2500..=5000).contains(&ms[4]), "{ms:?}");
            assert!((2500..=5000).contains(&ms[5]), "{ms:?}");
        }
        assert!(retry_delay(u32::MAX) <= Duration::from_secs(5));
    }
{%- if let Some(_) = idempotency_header %}

    #[test]
    fn idempotency_keys_are_random_v4_uuids() {
        let a = uuid_v4();
        let b = uuid_v4();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12]);
        assert!(parts[2].starts_with('4'), "{a}");
        assert!(matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'), "{a}");
        assert!(a.bytes().all(|c| c == b'-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }
{%- endif %}

{%- if idempotency_header.is_some() || account_header.is_some() %}

    #[test]
    fn header_values_must_be_visible_ascii() {
        assert!(header_value("k", "abc-123_x", Some(255)).is_ok());
        for bad in ["", "a\r\nb", "a\nb", "tab\there", "space here", "é", "\u{7f}"] {
            let e = header_value("k", bad, Some(255)).unwrap_err().to_string();
            assert!(e.contains("no request was sent"), "{bad:?}: {e}");
        }
        assert!(header_value("k", &"x".repeat(255), Some(255)).is_ok());
        assert!(header_value("k", &"x".repeat(256), Some(255)).is_err());
    }
{%- endif %}
}
