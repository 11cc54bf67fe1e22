// {{ header|comment }}
//! The hand-written part of the binding that every generated operation shares: the client,
//! errors, wire encoding and the id-or-object type. It is emitted from the generator's templates.

{%- if uses_clearable %}
mod clearable;
{%- endif %}
mod client;
mod error;
mod expandable;
mod json;
{%- if uses_form %}
mod form;
{%- endif %}
{%- if uses_list || uses_search %}
mod list;
{%- endif %}
{%- if uses_multipart %}
mod multipart;
{%- endif %}
mod options;
{%- if uses_path %}
mod path;
{%- endif %}
{%- if webhooks %}
#[cfg(feature = "webhooks")]
mod webhook;
{%- endif %}

{%- if uses_clearable %}
pub use clearable::Clearable;
{%- endif %}
pub use client::{Client, ClientBuilder, API_VERSION, DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT};
{%- if idempotency %}
pub use client::MAX_IDEMPOTENCY_KEY_LENGTH;
{%- endif %}
pub use options::{RequestOptions, ResponseMeta};
{%- if uses_body %}
pub(crate) use client::Body;
{%- endif %}
{%- if uses_operations %}
pub(crate) use client::Request;
{%- endif %}
{%- if uses_status_enum %}
pub(crate) use client::Answer;
{%- endif %}
{%- if uses_unions %}
pub(crate) use json::decode_member;
{%- endif %}
{%- if uses_objects %}
{%- if uses_required %}
pub(crate) use json::{deserialize_object, required, FromObject, Key};
{%- else %}
pub(crate) use json::{deserialize_object, FromObject, Key};
{%- endif %}
#[cfg(feature = "serialize")]
pub(crate) use json::undeclared;
{%- endif %}
{%- if uses_union_tags %}
pub(crate) use json::union_tag;
{%- endif %}
{%- if uses_discriminator %}
pub(crate) use json::discriminator;
{%- endif %}
{%- if uses_form %}
{%- if uses_form_body %}
pub(crate) use form::form_encode;
{%- endif %}
{%- if uses_query %}
pub(crate) use form::Query;
{%- endif %}
{%- endif %}
{%- if uses_list %}
pub use list::List;
{%- endif %}
{%- if uses_search %}
pub use list::SearchList;
{%- endif %}
{%- if uses_paging %}
pub(crate) use list::paginate;
{%- endif %}
{%- if uses_multipart %}
pub(crate) use multipart::multipart;
pub use multipart::UploadFile;
{%- endif %}
{%- if uses_path %}
pub(crate) use path::path_segment;
{%- endif %}
{%- if uses_param_headers %}
pub(crate) use options::ParamHeaders;
{%- endif %}
pub use error::{ApiError, ApiErrorBody, ApiErrorKind, DecodeError, Error, InvalidArgument, Result, TransportError};
pub use expandable::{Expandable, HasId};
{%- if webhooks %}
#[cfg(feature = "webhooks")]
pub use webhook::{Webhook, WebhookError, WebhookErrorKind, DEFAULT_WEBHOOK_TOLERANCE, WEBHOOK_SIGNATURE_HEADER};
{%- endif %}

/// Seconds since the Unix epoch, as the API sends times (`format: unix-time`).
pub type Timestamp = i64;
