//! The checked-in binding when the network or the server misbehaves: retries, idempotency keys,
//! per-call options, the error taxonomy and the safety rules, each against a scripted server on
//! loopback that counts what it was sent.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use stripe_api::identity::verification_sessions::{self, RedactParams};
use stripe_api::{ApiErrorBody, ApiErrorKind, Client, ClientBuilder, Error, RequestOptions};
use support::server::{RecordedRequest, Reply, TestServer};

const KEY: &str = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";
const REDACT_TEMPLATE: &str = "/v1/identity/verification_sessions/{session}/redact";

fn session_json() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/verification_session.json"
    ))
    .unwrap()
}

fn ok() -> Reply {
    Reply::json(200, &session_json()).header("Request-Id", "req_ok")
}

fn error(status: u16, kind: &str, code: &str) -> Reply {
    let body = format!(
        r#"{{"error":{{"type":"{kind}","code":"{code}","message":"scripted {status}","param":"session","doc_url":"https://stripe.com/docs/error-codes/{code}","request_log_url":"https://dashboard.stripe.com/logs/req_{status}"}}}}"#
    );
    Reply::json(status, &body).header("Request-Id", &format!("req_{status}"))
}

fn builder(server: &TestServer) -> ClientBuilder {
    Client::builder(KEY)
        .base_url(server.base_url())
        .timeout(Duration::from_secs(10))
}

async fn redact(client: &Client) -> Result<stripe_api::types::VerificationSession, Error> {
    verification_sessions::redact(client, "vs_1", &RedactParams::default()).await
}

/// Every request carried the same idempotency key, a v4 UUID unless `expected` names one, and
/// the same body.
fn same_key_on_every_attempt(requests: &[RecordedRequest], expected: Option<&str>) -> String {
    let key = requests[0]
        .header("idempotency-key")
        .expect("a POST carries an idempotency key")
        .to_owned();
    match expected {
        Some(k) => assert_eq!(key, k),
        None => {
            let parts: Vec<&str> = key.split('-').collect();
            assert_eq!(
                parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
                [8, 4, 4, 4, 12],
                "{key}"
            );
            assert!(parts[2].starts_with('4'), "version 4: {key}");
        }
    }
    for r in requests {
        assert_eq!(
            r.header("idempotency-key"),
            Some(key.as_str()),
            "{requests:#?}"
        );
        assert_eq!(r.body, requests[0].body);
        assert_eq!(r.target, requests[0].target);
    }
    key
}

#[tokio::test]
async fn a_reset_connection_is_retried_once_with_the_same_key() {
    let server = TestServer::start(vec![Reply::reset(), ok()]).await;
    let client = builder(&server).build().unwrap().recording();
    let session = redact(&client).await.expect("the retry succeeds");
    assert_eq!(session.id, "vs_1NtestRedact0001", "the scripted body");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        server.connections(),
        2,
        "the reset connection is not reused"
    );
    let key = same_key_on_every_attempt(&requests, None);
    let meta = client.last_response().expect("recorded");
    assert_eq!((meta.status, meta.attempts), (200, 2));
    assert_eq!(meta.request_id.as_deref(), Some("req_ok"));
    assert_eq!(meta.idempotency_key.as_deref(), Some(key.as_str()));
}

#[tokio::test]
async fn a_closed_connection_is_retried_the_same_way() {
    let server = TestServer::start(vec![Reply::close(), ok()]).await;
    redact(&builder(&server).build().unwrap()).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    same_key_on_every_attempt(&requests, None);
}

#[tokio::test]
async fn a_500_then_a_200_succeeds_on_the_retry() {
    let server = TestServer::start(vec![error(500, "api_error", "x"), ok()]).await;
    redact(&builder(&server).build().unwrap()).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    same_key_on_every_attempt(&requests, None);
}

#[tokio::test]
async fn a_429_lock_timeout_is_retried_but_other_429s_are_not() {
    let server = TestServer::start(vec![
        error(429, "invalid_request_error", "lock_timeout"),
        ok(),
    ])
    .await;
    redact(&builder(&server).build().unwrap()).await.unwrap();
    assert_eq!(server.requests().len(), 2);
    same_key_on_every_attempt(&server.requests(), None);

    let server = TestServer::start(vec![error(429, "rate_limit_error", "rate_limit"), ok()]).await;
    let err = redact(&builder(&server).build().unwrap())
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1, "{err}");
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.kind(), ApiErrorKind::RateLimit);
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_409_is_retried() {
    let server =
        TestServer::start(vec![error(409, "invalid_request_error", "conflict"), ok()]).await;
    redact(&builder(&server).build().unwrap()).await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn the_servers_should_retry_header_wins() {
    let no = error(500, "api_error", "x").header("Stripe-Should-Retry", "false");
    let server = TestServer::start(vec![no, ok()]).await;
    let err = redact(&builder(&server).build().unwrap())
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1, "`false` forbids the retry");
    same_key_on_every_attempt(&server.requests(), None);
    assert_eq!(
        (err.status(), err.attempts(), err.is_retryable()),
        (Some(500), 1, false)
    );

    let yes = error(400, "invalid_request_error", "x").header("Stripe-Should-Retry", "true");
    let server = TestServer::start(vec![yes, ok()]).await;
    redact(&builder(&server).build().unwrap()).await.unwrap();
    assert_eq!(server.requests().len(), 2, "`true` retries even a 400");
}

#[tokio::test]
async fn a_400_is_not_retried_and_says_what_was_wrong() {
    let server = TestServer::start(vec![
        error(400, "invalid_request_error", "resource_missing"),
        ok(),
    ])
    .await;
    let err = redact(&builder(&server).build().unwrap())
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1);
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.kind(), ApiErrorKind::InvalidRequest);
    same_key_on_every_attempt(&server.requests(), None);
    assert_eq!(api.error_type(), Some("invalid_request_error"));
    assert_eq!(api.code(), Some("resource_missing"));
    assert_eq!(api.param(), Some("session"));
    assert_eq!(
        api.doc_url(),
        Some("https://stripe.com/docs/error-codes/resource_missing")
    );
    assert_eq!(
        api.request_log_url(),
        Some("https://dashboard.stripe.com/logs/req_400")
    );
    assert_eq!(api.request_id(), Some("req_400"));
    assert_eq!((api.attempts(), api.is_retryable()), (1, false));
    assert!(api.typed().is_some(), "the documented shape decodes");
    let text = err.to_string();
    assert!(
        text.contains("scripted 400")
            && text.contains("[resource_missing]")
            && text.contains("req_400"),
        "{text}"
    );
}

#[tokio::test]
async fn a_slow_answer_times_out_is_retried_then_surfaces() {
    let slow = || ok().delayed(Duration::from_secs(3));
    let server = TestServer::start(vec![slow(), slow(), slow()]).await;
    let client = builder(&server)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = redact(&client).await.unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert!(t.is_timeout(), "{err}");
    assert_eq!(err.attempts(), 3);
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    same_key_on_every_attempt(&requests, None);
}

#[tokio::test]
async fn a_truncated_body_is_a_decode_error_and_not_retried() {
    let server = TestServer::start(vec![ok().truncated(), ok()]).await;
    let err = redact(&builder(&server).build().unwrap())
        .await
        .unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!((d.status, d.attempts), (200, 1));
    assert_eq!(d.request_id.as_deref(), Some("req_ok"));
    assert_eq!(
        server.requests().len(),
        1,
        "the API answered, so the call may have taken effect"
    );
    same_key_on_every_attempt(&server.requests(), None);
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn exhausted_retries_surface_the_last_error_with_the_attempt_count() {
    let server = TestServer::start(vec![
        error(500, "api_error", "first"),
        error(503, "api_error", "second"),
        error(502, "api_error", "last"),
        ok(),
    ])
    .await;
    let started = Instant::now();
    let err = redact(&builder(&server).build().unwrap())
        .await
        .unwrap_err();
    let waited = started.elapsed();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (api.status, api.code(), api.attempts()),
        (502, Some("last"), 3)
    );
    assert_eq!(api.kind(), ApiErrorKind::Server);
    assert!(err.is_retryable(), "more attempts might have helped");
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "default: two retries");
    same_key_on_every_attempt(&requests, None);
    // Waits are at least 0.5 s each (jitter only shortens the longer ones down to that).
    assert!(waited >= Duration::from_millis(1000), "{waited:?}");
}

#[tokio::test]
async fn retries_are_configurable_per_client_and_per_call() {
    let fail = || error(500, "api_error", "x");
    let server = TestServer::start(vec![fail(), fail()]).await;
    let client = builder(&server).max_retries(0).build().unwrap();
    assert_eq!(client.max_retries(), 0);
    assert_eq!(redact(&client).await.unwrap_err().attempts(), 1);
    assert_eq!(server.requests().len(), 1, "0 turns retries off");

    let server = TestServer::start(vec![fail(), fail(), ok()]).await;
    let client = builder(&server).max_retries(0).build().unwrap();
    let per_call = client.with_options(RequestOptions::new().max_retries(3));
    assert_eq!(per_call.max_retries(), 3);
    redact(&per_call).await.unwrap();
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_callers_idempotency_key_is_sent_on_every_attempt() {
    let server = TestServer::start(vec![error(500, "api_error", "x"), ok()]).await;
    let client = builder(&server).build().unwrap();
    let options = RequestOptions::new().idempotency_key("order-42-refund");
    redact(&client.with_options(options)).await.unwrap();
    same_key_on_every_attempt(&server.requests(), Some("order-42-refund"));

    // Two calls without a key get two different keys.
    let server = TestServer::start(vec![ok(), ok()]).await;
    let client = builder(&server).build().unwrap();
    redact(&client).await.unwrap();
    redact(&client).await.unwrap();
    let r = server.requests();
    assert_ne!(
        r[0].header("idempotency-key"),
        r[1].header("idempotency-key")
    );
}

#[tokio::test]
async fn requests_without_a_body_get_no_idempotency_key() {
    let server = TestServer::start(vec![Reply::json(200, "{}")]).await;
    let client = builder(&server).build().unwrap();
    client
        .raw_request(stripe_api::Method::GET, "/v1/balance", &[])
        .await
        .unwrap();
    assert_eq!(server.requests()[0].header("idempotency-key"), None);
}

#[tokio::test]
async fn unsafe_header_and_path_values_are_refused_before_sending() {
    let server = TestServer::start(vec![ok()]).await;
    let client = builder(&server).build().unwrap();
    let long = "k".repeat(stripe_api::MAX_IDEMPOTENCY_KEY_LENGTH + 1);
    let bad_options = [
        (RequestOptions::new().idempotency_key(""), "idempotency_key"),
        (
            RequestOptions::new().idempotency_key(long),
            "idempotency_key",
        ),
        (
            RequestOptions::new().idempotency_key("a\r\nX-Evil: 1"),
            "idempotency_key",
        ),
        (
            RequestOptions::new().stripe_account("acct_1\nX-Evil: 1"),
            "stripe_account",
        ),
        (
            RequestOptions::new().stripe_account("acct 1"),
            "stripe_account",
        ),
        (RequestOptions::new().timeout(Duration::ZERO), "timeout"),
    ];
    for (options, param) in bad_options {
        let err = redact(&client.with_options(options.clone()))
            .await
            .unwrap_err();
        let Error::InvalidArgument(arg) = &err else {
            panic!("{options:?}: {err:?}")
        };
        assert_eq!(arg.param, param, "{err}");
        assert_eq!(err.attempts(), 0);
    }
    let ok_key = "k".repeat(stripe_api::MAX_IDEMPOTENCY_KEY_LENGTH);
    for id in ["vs_1\r\nX-Evil: 1", "vs\0", "vs\u{7f}"] {
        let err = verification_sessions::redact(&client, id, &RedactParams::default())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidArgument(a) if a.param == "session"),
            "{id:?}: {err:?}"
        );
    }
    assert_eq!(server.connections(), 0, "nothing was sent");
    redact(&client.with_options(RequestOptions::new().idempotency_key(ok_key)))
        .await
        .unwrap();
}

#[tokio::test]
async fn stripe_account_has_a_client_default_and_a_per_call_override() {
    let server = TestServer::start(vec![ok(), ok(), ok()]).await;
    let plain = builder(&server).build().unwrap();
    redact(&plain).await.unwrap();
    let connect = builder(&server)
        .stripe_account("acct_default")
        .build()
        .unwrap();
    redact(&connect).await.unwrap();
    redact(&connect.with_options(RequestOptions::new().stripe_account("acct_other")))
        .await
        .unwrap();
    let requests = server.requests();
    let accounts: Vec<Option<&str>> = requests
        .iter()
        .map(|r| r.header("stripe-account"))
        .collect();
    assert_eq!(accounts, [None, Some("acct_default"), Some("acct_other")]);

    let err = builder(&server)
        .stripe_account("acct\r\n")
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument(a) if a.param == "stripe_account"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_per_call_timeout_overrides_the_clients() {
    let server = TestServer::start(vec![ok().delayed(Duration::from_secs(3))]).await;
    let client = builder(&server).build().unwrap();
    let quick = client.with_options(
        RequestOptions::new()
            .timeout(Duration::from_millis(200))
            .max_retries(0),
    );
    assert_eq!(quick.timeout(), Duration::from_millis(200));
    assert_eq!(client.timeout(), Duration::from_secs(10));
    let err = redact(&quick).await.unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if t.is_timeout()),
        "{err:?}"
    );
}

#[tokio::test]
async fn errors_are_classified_as_stripes_libraries_do() {
    let cases = [
        (
            400,
            "invalid_request_error",
            "parameter_missing",
            ApiErrorKind::InvalidRequest,
            false,
        ),
        (
            404,
            "invalid_request_error",
            "resource_missing",
            ApiErrorKind::InvalidRequest,
            false,
        ),
        (
            400,
            "idempotency_error",
            "idempotency_key_in_use",
            ApiErrorKind::Idempotency,
            false,
        ),
        (
            401,
            "invalid_request_error",
            "api_key_expired",
            ApiErrorKind::Authentication,
            false,
        ),
        (
            402,
            "card_error",
            "card_declined",
            ApiErrorKind::Card,
            false,
        ),
        (
            403,
            "invalid_request_error",
            "secret_key_required",
            ApiErrorKind::Permission,
            false,
        ),
        (
            409,
            "invalid_request_error",
            "conflict",
            ApiErrorKind::Conflict,
            true,
        ),
        (
            429,
            "rate_limit_error",
            "rate_limit",
            ApiErrorKind::RateLimit,
            false,
        ),
        (
            429,
            "invalid_request_error",
            "lock_timeout",
            ApiErrorKind::RateLimit,
            true,
        ),
        (500, "api_error", "x", ApiErrorKind::Server, true),
        (503, "api_error", "x", ApiErrorKind::Server, true),
        (418, "api_error", "x", ApiErrorKind::Other, false),
    ];
    for (status, kind, code, expected, retryable) in cases {
        let server = TestServer::start(vec![error(status, kind, code)]).await;
        let client = builder(&server).max_retries(0).build().unwrap();
        let err = redact(&client).await.unwrap_err();
        let Error::Api(api) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(
            (api.kind(), api.is_retryable()),
            (expected, retryable),
            "{status} {kind} {code}"
        );
        assert_eq!(api.code(), Some(code));
    }

    let declined = r#"{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds."}}"#;
    let server = TestServer::start(vec![Reply::json(402, declined)]).await;
    let err = redact(&builder(&server).build().unwrap())
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (api.kind(), api.decline_code()),
        (ApiErrorKind::Card, Some("insufficient_funds"))
    );
}

#[tokio::test]
async fn an_undecodable_error_body_is_kept_raw_and_bounded() {
    let huge = format!("<html>{}</html>", "é".repeat(40_000));
    let reply = Reply::json(502, &huge).header("Request-Id", "req_big");
    let server = TestServer::start(vec![reply]).await;
    let err = redact(&builder(&server).max_retries(0).build().unwrap())
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!((api.status, api.request_id()), (502, Some("req_big")));
    let ApiErrorBody::Raw(raw) = &api.body else {
        panic!("{api:?}")
    };
    assert!(
        raw.starts_with("<html>éé") && raw.ends_with('…'),
        "cut at a character"
    );
    assert!(raw.len() <= ApiErrorBody::MAX_RAW + '…'.len_utf8());
    assert!(
        err.to_string().chars().count() < 400,
        "the message shows a snippet: {err}"
    );
}

#[tokio::test]
async fn the_key_never_shows_even_when_the_server_echoes_it() {
    let echo = format!(
        r#"{{"error":{{"type":"invalid_request_error","message":"Invalid API Key provided: {KEY}"}}}}"#
    );
    let server = TestServer::start(vec![
        Reply::json(401, &echo),
        Reply::json(500, &format!("raw {KEY}")),
    ])
    .await;
    let client = builder(&server).max_retries(0).build().unwrap();
    for _ in 0..2 {
        let err = redact(&client).await.unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(KEY) && !shown.contains("4eC39"), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }
    let debug = format!(
        "{client:?} {:?}",
        client.with_options(RequestOptions::new().idempotency_key("k"))
    );
    assert!(!debug.contains("4eC39"), "{debug}");
}

#[test]
fn the_key_only_goes_over_plain_http_to_this_machine() {
    for url in [
        "http://127.0.0.1:9",
        "http://localhost:9",
        "http://[::1]:9",
        "https://api.example.com",
    ] {
        Client::builder(KEY)
            .base_url(url)
            .build()
            .unwrap_or_else(|e| panic!("{url}: {e}"));
    }
    for url in [
        "http://api.example.com",
        "http://10.0.0.1",
        "http://localhost.example.com",
    ] {
        let err = Client::builder(KEY).base_url(url).build().unwrap_err();
        assert!(
            matches!(&err, Error::InvalidArgument(a) if a.param == "base_url"),
            "{url}: {err:?}"
        );
        assert!(err.to_string().contains("allow_insecure_http"), "{err}");
        Client::builder(KEY)
            .base_url(url)
            .allow_insecure_http(true)
            .build()
            .unwrap();
    }
}

/// Collects what the client logs through `tracing`.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn each_attempt_is_logged_without_the_key_ids_or_form_values() {
    use tracing_subscriber::util::SubscriberInitExt;
    let logs = Logs::default();
    let sink = logs.clone();
    let _guard = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .set_default();

    let server = TestServer::start(vec![Reply::close(), error(500, "api_error", "x"), ok()]).await;
    let client = builder(&server).build().unwrap();
    let params = RedactParams {
        expand: Some(vec!["zz_form_value".into()]),
    };
    verification_sessions::redact(&client, "vs_private_id", &params)
        .await
        .unwrap();
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();

    assert_eq!(text.matches("retrying").count(), 2, "{text}");
    assert!(
        text.contains("no answer") && text.contains("status=500") && text.contains("status=200"),
        "{text}"
    );
    assert!(
        text.contains("attempt=3") && text.contains("request_id=\"req_ok\""),
        "{text}"
    );
    assert!(
        text.contains(REDACT_TEMPLATE) && text.contains("method=POST"),
        "{text}"
    );
    for secret in [KEY, "4eC39", "vs_private_id", "zz_form_value"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    let key = server.requests()[0]
        .header("idempotency-key")
        .unwrap()
        .to_owned();
    assert!(
        !text.contains(&key),
        "idempotency keys stay out of logs too"
    );
}
