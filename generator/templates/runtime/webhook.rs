// {{ header|comment }}
//! Receiving webhooks: checks a request's signature on the body exactly as it arrived, then
//! decodes the event. The scheme: the signature header is `t=<unix seconds>,v1=<hex>` (more
//! `v1` entries when several secrets are active, and entries of other schemes, which are
//! ignored); the signed text is `"{t}.{body}"`, signed with HMAC-SHA256 under the endpoint's
//! secret, whose text is the key as it is (`whsec_…` included).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::json::{decode_str, json_path_at};

/// The request header that carries the signature.
pub const WEBHOOK_SIGNATURE_HEADER: &str = {{ signature_header|header|rust_str }};

/// How far a signature's timestamp may be from this machine's clock, either way, unless
/// [`Webhook::tolerance`] says otherwise. Older requests are refused, so a recorded request
/// cannot be replayed later.
pub const DEFAULT_WEBHOOK_TOLERANCE: Duration = Duration::from_secs({{ tolerance_seconds|rust_code }});

/// Checks webhook signatures and decodes events. Build one per endpoint and keep it.
///
/// It takes the body as bytes, exactly as received: the signature covers those bytes, and
/// JSON that was parsed and written out again (other spacing, key order or escapes) no longer
/// matches it. `Debug` shows neither the secrets nor any signature.
#[derive(Clone)]
pub struct Webhook {
    secrets: Vec<Box<[u8]>>,
    tolerance: Duration,
}

impl Webhook {
    /// A verifier for one endpoint secret (`whsec_…`, as the dashboard or the API gave it). An
    /// empty secret matches no signature.
    pub fn new(secret: impl Into<String>) -> Webhook {
        Webhook::with_secrets([secret])
    }

    /// A verifier that accepts a signature made with any of `secrets`: while a secret is being
    /// rolled, requests are signed with the old and the new one.
    pub fn with_secrets<S: Into<String>>(secrets: impl IntoIterator<Item = S>) -> Webhook {
        Webhook {
            secrets: secrets.into_iter().map(|s| s.into().into_bytes().into_boxed_slice()).collect(),
            tolerance: DEFAULT_WEBHOOK_TOLERANCE,
        }
    }

    /// How far the signature's timestamp may be from the clock, either way (default
    /// [`DEFAULT_WEBHOOK_TOLERANCE`]).
    pub fn tolerance(mut self, tolerance: Duration) -> Webhook {
        self.tolerance = tolerance;
        self
    }

    /// Checks that `body` was signed by the API with one of the secrets, recently. `signature`
    /// is the value of the [`WEBHOOK_SIGNATURE_HEADER`] header (a `&str`, or an `http`
    /// header value's bytes).
    pub fn verify(&self, body: &[u8], signature: impl AsRef<[u8]>) -> Result<(), WebhookError> {
        self.verify_at(body, signature, SystemTime::now())
    }

    /// [`Webhook::verify`] as if the clock read `now`.
    pub fn verify_at(&self, body: &[u8], signature: impl AsRef<[u8]>, now: SystemTime) -> Result<(), WebhookError> {
        let header = Header::parse(signature.as_ref())?;
        if header.v1.is_empty() {
            return Err(WebhookError::new(
                WebhookErrorKind::NoV1Signature,
                "the signature header has no `v1` signature",
            ));
        }
        // An empty secret (an unset environment variable, say) would accept anyone's
        // signature made with an empty key, so it matches nothing.
        let matched = self.secrets.iter().filter(|secret| !secret.is_empty()).any(|secret| {
            let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
                return false;
            };
            mac.update(header.timestamp_text.as_bytes());
            mac.update(b".");
            mac.update(body);
            // `verify_slice` compares in constant time.
            header.v1.iter().any(|signature| mac.clone().verify_slice(signature).is_ok())
        });
        if !matched {
            return Err(WebhookError::new(
                WebhookErrorKind::NoMatch,
                "no signature matches the body under any of the secrets",
            ));
        }
        let now = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let now = i64::try_from(now).unwrap_or(i64::MAX);
        if now.abs_diff(header.timestamp) > self.tolerance.as_secs() {
            return Err(WebhookError::new(
                WebhookErrorKind::Timestamp,
                format!(
                    "the signature was made at {} but the clock reads {now}, more than {} s apart",
                    header.timestamp,
                    self.tolerance.as_secs()
                ),
            ));
        }
        Ok(())
    }

    /// Verifies `body` (see [`Webhook::verify`]) and decodes the event in it.
    pub fn construct_event(&self, body: &[u8], signature: impl AsRef<[u8]>) -> Result<{{ event_type|rust_path }}, WebhookError> {
        self.construct_event_at(body, signature, SystemTime::now())
    }

    /// [`Webhook::construct_event`] as if the clock read `now`.
    pub fn construct_event_at(
        &self,
        body: &[u8],
        signature: impl AsRef<[u8]>,
        now: SystemTime,
    ) -> Result<{{ event_type|rust_path }}, WebhookError> {
        self.verify_at(body, signature, now)?;
        let text = std::str::from_utf8(body)
            .map_err(|e| WebhookError::new(WebhookErrorKind::Payload, format!("the body is not UTF-8: {e}")))?;
        // Whether it is JSON at all is checked first, so that a type error early in a body
        // that breaks off later still counts as "not JSON".
        if let Err(e) = decode_str::<serde::de::IgnoredAny>(text) {
            return Err(WebhookError::new(WebhookErrorKind::Payload, format!("the body is not JSON: {e}")));
        }
        decode_str(text).map_err(|e| {
            let path = json_path_at(body, e.line(), e.column());
            WebhookError::new(WebhookErrorKind::Event, format!("the event does not decode at `{path}`: {e}"))
        })
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("secrets", &format_args!("[{} hidden]", self.secrets.len()))
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

/// A parsed signature header.
struct Header {
    timestamp: i64,
    /// The timestamp as sent: it is what was signed.
    timestamp_text: String,
    v1: Vec<Vec<u8>>,
}

impl Header {
    fn parse(value: &[u8]) -> Result<Header, WebhookError> {
        let garbled = |why: &str| WebhookError::new(WebhookErrorKind::Header, format!("the signature header {why}"));
        let value = std::str::from_utf8(value).map_err(|_| garbled("is not text"))?;
        if value.trim().is_empty() {
            return Err(garbled("is missing or empty"));
        }
        let mut timestamp = None;
        let mut v1 = Vec::new();
        for item in value.split(',') {
            let Some((key, value)) = item.split_once('=') else {
                return Err(garbled("has an entry that is not `key=value`"));
            };
            match key.trim() {
                "t" => {
                    if timestamp.is_some() {
                        return Err(garbled("has two timestamps"));
                    }
                    let text = value.trim();
                    let seconds = text
                        .parse::<i64>()
                        .ok()
                        .filter(|_| text.bytes().all(|b| b.is_ascii_digit()))
                        .ok_or_else(|| garbled("has a timestamp that is not a number of seconds"))?;
                    timestamp = Some((seconds, text.to_owned()));
                }
                // A signature that is not hex cannot match; it still counts as one given.
                "v1" => v1.push(hex(value.trim()).unwrap_or_default()),
                // `v0` and schemes newer than this binding.
                _ => {}
            }
        }
        let (timestamp, timestamp_text) = timestamp.ok_or_else(|| garbled("has no timestamp (`t=`)"))?;
        Ok(Header { timestamp, timestamp_text, v1 })
    }
}

/// Lower- or upper-case hex digits as bytes.
fn hex(text: &str) -> Option<Vec<u8>> {
    let digit = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = text.as_bytes();
    if bytes.len() % 2 != 0 {
        return None;
    }
    bytes.chunks(2).map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?)).collect()
}

/// Why a webhook request was refused. The message names what was wrong, never a secret or a
/// signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookError {
    kind: WebhookErrorKind,
    message: String,
}

/// What kind of problem a [`WebhookError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WebhookErrorKind {
    /// The signature header is missing, empty, or not `t=…,v1=…`.
    Header,
    /// The header carries no `v1` signature (only other schemes, such as `v0`).
    NoV1Signature,
    /// The signature is right but its timestamp is too far from the clock (a replay, or a
    /// clock that is off).
    Timestamp,
    /// No `v1` signature matches the body under any secret: a wrong secret, or a body that is
    /// not the one sent (changed, or parsed and written out again).
    NoMatch,
    /// The signed body is not UTF-8 or not JSON.
    Payload,
    /// The signed body is JSON but not an event this binding can decode.
    Event,
}

impl WebhookError {
    fn new(kind: WebhookErrorKind, message: impl Into<String>) -> WebhookError {
        WebhookError { kind, message: message.into() }
    }

    /// What kind of problem it is.
    pub fn kind(&self) -> WebhookErrorKind {
        self.kind
    }

    /// Whether the request was shown to come from the API (its body may still be unusable).
    pub fn is_authentic(&self) -> bool {
        matches!(self.kind, WebhookErrorKind::Payload | WebhookErrorKind::Event)
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "webhook refused: {}", self.message)
    }
}

impl std::error::Error for WebhookError {}
