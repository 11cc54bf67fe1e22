//! The checked-in binding against a real HTTP server on loopback: the exact request on the
//! wire, and how each kind of answer comes back.

mod support;

use std::time::Duration;

use stripe_api::identity::verification_sessions::{self, RedactParams};
use stripe_api::types::VerificationSessionRedactionStatus;
use stripe_api::{ApiErrorBody, Client, Error};
use support::server::{RecordedRequest, Reply, TestServer};

const KEY: &str = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";

fn session_json(id: &str) -> String {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/verification_session.json"
    ))
    .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["id"] = id.into();
    v.to_string()
}

/// A client that sends each request once: these tests look at single exchanges; retries are
/// tested in `faults.rs`.
fn client(server: &TestServer) -> Client {
    Client::builder(KEY)
        .base_url(server.base_url())
        .timeout(Duration::from_secs(10))
        .max_retries(0)
        .build()
        .unwrap()
}

async fn redact_once(
    id: &str,
    params: &RedactParams,
    reply: Reply,
) -> (
    Result<stripe_api::types::VerificationSession, Error>,
    Vec<RecordedRequest>,
) {
    let server = TestServer::start(vec![reply]).await;
    let result = verification_sessions::redact(&client(&server), id, params).await;
    (result, server.requests())
}

#[tokio::test]
async fn the_request_is_exactly_what_stripe_expects() {
    let reply = Reply::json(200, &session_json("vs_123")).header("Request-Id", "req_ok1");
    let (result, requests) = redact_once("vs_123", &RedactParams::default(), reply).await;
    let session = result.expect("a 200 decodes");
    assert_eq!(session.id, "vs_123");
    assert_eq!(
        session.redaction.unwrap().status,
        VerificationSessionRedactionStatus::Processing
    );

    let [req] = requests.as_slice() else {
        panic!("expected one request, got {requests:?}")
    };
    assert_eq!(req.method, "POST");
    assert_eq!(
        req.target,
        "/v1/identity/verification_sessions/vs_123/redact"
    );
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(req.header("stripe-version"), Some("2023-08-16"));
    assert_eq!(
        req.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        req.header_all("content-length"),
        vec!["0"],
        "an empty body still says so, once"
    );
    assert!(req.body.is_empty());
    let agent = req.header("user-agent").unwrap_or_default();
    assert!(
        agent.starts_with("stripe-api/"),
        "user agent names the crate: {agent}"
    );
}

#[tokio::test]
async fn params_are_form_encoded() {
    let params = RedactParams {
        expand: Some(vec!["last_verification_report".into(), "a b".into()]),
    };
    let (result, requests) =
        redact_once("vs_1", &params, Reply::json(200, &session_json("vs_1"))).await;
    result.unwrap();
    let body = requests[0].body_str();
    assert_eq!(
        body,
        "expand%5B0%5D=last_verification_report&expand%5B1%5D=a+b"
    );
    assert_eq!(
        requests[0].header("content-length"),
        Some(body.len().to_string().as_str())
    );
}

/// The call prepares the request at once: the future borrows only the client, so the id and
/// the params may be gone before it is awaited, and nothing is sent until it is.
#[tokio::test]
async fn the_future_borrows_only_the_client() {
    let server = TestServer::start(vec![Reply::json(200, &session_json("vs_9"))]).await;
    let client = client(&server);
    let future = {
        let id = String::from("vs_9");
        let params = RedactParams {
            expand: Some(vec!["last_verification_report".into()]),
        };
        verification_sessions::redact(&client, &id, &params)
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        server.connections(),
        0,
        "nothing is sent before the future is polled"
    );
    let session = future.await.unwrap();
    assert_eq!(session.id, "vs_9");
    let requests = server.take_requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].target,
        "/v1/identity/verification_sessions/vs_9/redact"
    );
    assert_eq!(
        requests[0].body_str(),
        "expand%5B0%5D=last_verification_report"
    );
}

#[tokio::test]
async fn odd_ids_stay_one_path_segment() {
    for (id, wire) in [
        ("vs_1/../x", "vs_1%2F..%2Fx"),
        ("a?b=c#d", "a%3Fb%3Dc%23d"),
        ("100%", "100%25"),
        ("with space", "with%20space"),
        ("ünï", "%C3%BCn%C3%AF"),
        ("...", "..."),
    ] {
        let (result, requests) = redact_once(
            id,
            &RedactParams::default(),
            Reply::json(200, &session_json(id)),
        )
        .await;
        result.unwrap_or_else(|e| panic!("{id:?}: {e}"));
        assert_eq!(
            requests[0].target,
            format!("/v1/identity/verification_sessions/{wire}/redact"),
            "{id:?}"
        );
    }
}

#[tokio::test]
async fn bad_ids_are_rejected_before_any_request() {
    let server = TestServer::start(vec![]).await;
    let client = client(&server);
    let too_long = "x".repeat(5001);
    for id in ["", ".", "..", too_long.as_str()] {
        let err = verification_sessions::redact(&client, id, &RedactParams::default())
            .await
            .unwrap_err();
        let Error::InvalidArgument(arg) = &err else {
            panic!("{id:?}: expected InvalidArgument, got {err:?}")
        };
        assert_eq!(arg.param, "session");
        assert!(err.to_string().contains("no request was sent"), "{err}");
    }
    assert!(
        server.requests().is_empty(),
        "no request may reach the server"
    );
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn an_error_answer_becomes_an_api_error() {
    let body = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/error_invalid_request.json"
    ))
    .unwrap();
    let reply = Reply::json(400, &body).header("Request-Id", "req_abc123");
    let (result, _) = redact_once("vs_1", &RedactParams::default(), reply).await;
    let err = result.unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.request_id(), Some("req_abc123"));
    let Error::Api(api) = &err else {
        panic!("expected Api, got {err:?}")
    };
    let typed = api.typed().expect("the documented error object decodes");
    assert_eq!(typed.error.r#type.as_str(), "invalid_request_error");
    let text = err.to_string();
    assert!(text.contains("HTTP 400 Bad Request"), "{text}");
    assert!(text.contains("req_abc123"), "{text}");
    assert!(
        text.contains(typed.error.message.as_deref().unwrap()),
        "{text}"
    );
    assert!(!text.contains(KEY) && !format!("{err:?}").contains(KEY));
}

#[tokio::test]
async fn an_undocumented_error_body_is_kept_raw() {
    let reply = Reply::json(502, "<html>bad gateway</html>").header("Request-Id", "req_x");
    let (result, _) = redact_once("vs_1", &RedactParams::default(), reply).await;
    let err = result.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert!(
        matches!(&api.body, ApiErrorBody::Raw(raw) if raw.contains("bad gateway")),
        "{api:?}"
    );
    assert!(err.to_string().contains("bad gateway"), "{err}");
}

#[tokio::test]
async fn a_malformed_200_names_the_field_that_failed() {
    let mut v: serde_json::Value = serde_json::from_str(&session_json("vs_1")).unwrap();
    v["redaction"]["status"] = 5.into();
    let reply = Reply::json(200, &v.to_string()).header("Request-Id", "req_dec");
    let (result, _) = redact_once("vs_1", &RedactParams::default(), reply).await;
    let err = result.unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("expected Decode, got {err:?}")
    };
    assert_eq!(d.path, "redaction.status");
    assert_eq!(d.status, 200);
    assert_eq!(d.request_id.as_deref(), Some("req_dec"));
    assert!(err.to_string().contains("`redaction.status`"), "{err}");

    let mut v: serde_json::Value = serde_json::from_str(&session_json("vs_1")).unwrap();
    v.as_object_mut().unwrap().remove("livemode");
    let (result, _) = redact_once(
        "vs_1",
        &RedactParams::default(),
        Reply::json(200, &v.to_string()),
    )
    .await;
    let err = result.unwrap_err();
    assert!(
        err.to_string().contains("livemode"),
        "a missing required field is named: {err}"
    );
}

#[tokio::test]
async fn a_dead_server_is_a_transport_error() {
    let server = TestServer::start(vec![Reply::close()]).await;
    let err = verification_sessions::redact(&client(&server), "vs_1", &RedactParams::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(!err.to_string().contains(KEY));
}

#[tokio::test]
async fn a_slow_answer_times_out() {
    let server = TestServer::start(vec![
        Reply::json(200, &session_json("vs_1")).delayed(Duration::from_secs(5))
    ])
    .await;
    let client = Client::builder(KEY)
        .base_url(server.base_url())
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .build()
        .unwrap();
    let err = verification_sessions::redact(&client, "vs_1", &RedactParams::default())
        .await
        .unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert!(t.is_timeout(), "{err}");
}

#[test]
fn the_client_is_shareable_and_keeps_its_key_secret() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<Client>();
    let client = Client::builder(KEY)
        .base_url("http://127.0.0.1:1/")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:1");
    assert_eq!(client.timeout(), stripe_api::DEFAULT_TIMEOUT);
    assert_eq!(stripe_api::DEFAULT_TIMEOUT, Duration::from_secs(80));
    let debug = format!("{client:?} {:?}", Client::builder(KEY));
    assert!(!debug.contains(KEY) && !debug.contains("4eC39"), "{debug}");
    assert!(debug.contains("[redacted]"));
}

#[test]
fn bad_client_settings_are_clear_errors() {
    for (builder, param) in [
        (Client::builder(""), "secret_key"),
        (Client::builder("sk_test_a\nb"), "secret_key"),
        (Client::builder(KEY).base_url("not a url"), "base_url"),
        (Client::builder(KEY).base_url("ftp://x"), "base_url"),
        (Client::builder(KEY).timeout(Duration::ZERO), "timeout"),
    ] {
        let err = builder.build().unwrap_err();
        let Error::InvalidArgument(arg) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(arg.param, param, "{err}");
        assert!(!err.to_string().contains(KEY));
    }
}
