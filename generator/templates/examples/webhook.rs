// {{ header|comment }}
//! A webhook endpoint with axum: it checks the signature on the raw body, decodes the event and
//! handles {{ event_api|comment }}.
//!
//! Run it with the endpoint's signing secret, then point the API's webhooks (or a forwarding
//! tool) at `http://127.0.0.1:4242/webhook`:
//!
//! ```text
//! WEBHOOK_SECRET=whsec_... cargo run --example webhook
//! ```

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use {{ lib_name|ident }}::types::{ {{- object_enum|ident }}, {{ type_enum|ident -}} };
use {{ lib_name|ident }}::{Webhook, WEBHOOK_SIGNATURE_HEADER};

/// The handler takes the body as `Bytes`, exactly as sent. Never take `Json<…>` or a `String`
/// you re-encode: the signature covers the bytes, and re-encoded JSON does not match it.
pub async fn webhook(State(hook): State<Arc<Webhook>>, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
    let signature = headers.get(WEBHOOK_SIGNATURE_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
    let event = match hook.construct_event(&body, signature) {
        Ok(event) => event,
        // Signed, but not an event this binding can read (say, rendered in an API version
        // whose shape differs): acknowledge it, or it is sent again and again.
        Err(e) if e.is_authentic() => return (StatusCode::OK, format!("ignored: {e}")),
        // Not from the API, or too old: refuse. The message names no secret or signature.
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()),
    };
    match (&event.r#type, &event.data.object) {
{%- if let Some(object_variant) = object_variant %}
        ({{ type_enum|ident }}::{{ event_variant|ident }}, {{ object_enum|ident }}::{{ object_variant|ident }}(object)) => {
            (StatusCode::OK, format!("{}: {}", {{ event_api|rust_str }}, object.id))
        }
{%- else %}
        ({{ type_enum|ident }}::{{ event_variant|ident }}, _) => (StatusCode::OK, format!("{}: {}", {{ event_api|rust_str }}, event.id)),
{%- endif %}
        // Every other type, including types newer than this binding (`Unknown`).
        (other, _) => (StatusCode::OK, format!("not handled: {other}")),
    }
}

/// The router, with the verifier as shared state.
pub fn app(hook: Webhook) -> Router {
    Router::new().route("/webhook", post(webhook)).with_state(Arc::new(hook))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let secret = std::env::var("WEBHOOK_SECRET").unwrap_or_default();
    if secret.is_empty() {
        eprintln!("set WEBHOOK_SECRET to the endpoint's signing secret");
        std::process::exit(2);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:4242").await?;
    axum::serve(listener, app(Webhook::new(secret))).await
}
