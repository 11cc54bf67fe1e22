//! The binding's webhook example (`generated/examples/webhook.rs`, an axum endpoint) served on
//! loopback and sent real requests.

use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use stripe_api::Webhook;

// Generated code: the generator lays it out, not this crate's rustfmt.
#[allow(dead_code)]
#[path = "../../generated/examples/webhook.rs"]
#[rustfmt::skip]
mod example;

const SECRET: &str = "whsec_example_0123456789abcdef0123456789";

fn signature(secret: &str, body: &str) -> String {
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={t},v1={hex}")
}

fn event(event_type: &str) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/verification_session.json"
    );
    let mut session: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    session["redaction"] = serde_json::json!({"status": "redacted"});
    serde_json::json!({
        "id": "evt_1NexampleRedacted01",
        "object": "event",
        "api_version": "2023-08-16",
        "created": 1_700_000_000,
        "data": {"object": session},
        "livemode": false,
        "pending_webhooks": 1,
        "request": null,
        "type": event_type,
    })
    .to_string()
}

#[tokio::test]
async fn the_example_endpoint_verifies_and_handles_a_redaction() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhook", listener.local_addr().unwrap());
    let server =
        tokio::spawn(
            async move { axum::serve(listener, example::app(Webhook::new(SECRET))).await },
        );
    let client = reqwest::Client::new();
    let send = |body: String, signature: Option<String>| {
        let mut request = client.post(&url).body(body);
        if let Some(signature) = signature {
            request = request.header(stripe_api::WEBHOOK_SIGNATURE_HEADER, signature);
        }
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };

    let body = event("identity.verification_session.redacted");
    let (status, text) = send(body.clone(), Some(signature(SECRET, &body))).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        text,
        "identity.verification_session.redacted: vs_1NtestRedact0001"
    );

    let other = event("identity.verification_session.created");
    let (status, text) = send(other.clone(), Some(signature(SECRET, &other))).await;
    assert_eq!(
        (status, text.as_str()),
        (200, "not handled: identity.verification_session.created")
    );

    // Another secret, no header, a body changed after signing: refused.
    let (status, _) = send(body.clone(), Some(signature("whsec_other", &body))).await;
    assert_eq!(status, 400);
    let (status, _) = send(body.clone(), None).await;
    assert_eq!(status, 400);
    let (status, text) = send(body.replace("vs_1", "vs_2"), Some(signature(SECRET, &body))).await;
    assert_eq!(status, 400, "{text}");
    assert!(!text.contains(SECRET), "{text}");
    server.abort();
}
