//! Retries in a binding generated without an idempotency header (the `naming` snapshot). Kept
//! apart from `faults.rs`, which `cargo xtask stripe-full` also runs against the redact binding
//! generated from Stripe's real spec.

mod support;

use support::server::{Reply, TestServer};

const KEY: &str = "sk_test_x";

fn error(status: u16) -> Reply {
    Reply::json(
        status,
        r#"{"error":{"type":"api_error","message":"scripted"}}"#,
    )
}

/// The `naming` snapshot is generated without an idempotency header: there a request that may
/// change something is not retried once it may have arrived, while a GET still is.
#[tokio::test]
async fn without_idempotency_keys_only_safe_requests_are_retried() {
    let fail = || error(500);
    let server = TestServer::start(vec![fail(), fail(), fail()]).await;
    let client = snapshot_naming::Client::builder(KEY)
        .base_url(server.base_url())
        .max_retries(1)
        .build()
        .unwrap();
    let err = snapshot_naming::things::patch_things(&client)
        .await
        .unwrap_err();
    assert_eq!((err.status(), err.attempts()), (Some(500), 1));
    assert_eq!(server.requests().len(), 1, "a PATCH is not repeated");
    assert_eq!(server.requests()[0].header("idempotency-key"), None);

    let err = snapshot_naming::types_api::retrieve(&client, "t")
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 2, "a GET is retried");
    assert_eq!(server.requests().len(), 3);
}
