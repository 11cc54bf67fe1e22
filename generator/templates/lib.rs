// {{ header|comment }}
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod runtime;
pub mod types;

{{ modules|rust_code }}
/// The HTTP method type [`Client::raw_request`] takes, re-exported so callers need no `reqwest`.
pub use reqwest::Method;
pub use runtime::{
    ApiError, ApiErrorBody, ApiErrorKind, Client, ClientBuilder, DecodeError, Error, Expandable, HasId, InvalidArgument,
    RequestOptions, ResponseMeta, Result, Timestamp, TransportError, API_VERSION, DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
};
{%- if idempotency %}
pub use runtime::MAX_IDEMPOTENCY_KEY_LENGTH;
{%- endif %}
{%- if webhooks %}
#[cfg(feature = "webhooks")]
pub use runtime::{Webhook, WebhookError, WebhookErrorKind, DEFAULT_WEBHOOK_TOLERANCE, WEBHOOK_SIGNATURE_HEADER};
{%- endif %}
{%- if uses_multipart %}
pub use runtime::UploadFile;
{%- endif %}
{%- if uses_clearable %}
pub use runtime::Clearable;
{%- endif %}
{%- if uses_list %}
pub use runtime::List;
{%- endif %}
{%- if uses_search %}
pub use runtime::SearchList;
{%- endif %}
