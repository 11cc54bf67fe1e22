//! The checked-in binding (`generated/`) against Stripe's own mock server, stripe-mock from
//! `../shared/stripe-mock`: the server the official SDKs test against, built from the same spec
//! and fixtures. It validates each request against the spec and answers with fixtures.
//!
//! Its own harness (libtest-mimic) so that one mock serves every test and is stopped when they
//! end, also after a failure. Every test is ignored by default: it needs `../shared`, and
//! `.ci/run` runs it (`cargo test --workspace -- --ignored`). Run alone with
//! `cargo test -p openapi-gen --test stripe_mock -- --ignored`.

#[path = "support/stripe_mock.rs"]
mod stripe_mock;

use std::future::Future;
use std::path::PathBuf;
use std::process::ExitCode;

use libtest_mimic::{Arguments, Trial};
use stripe_api::identity::verification_sessions::{self, RedactParams};
use stripe_api::types::{VerificationReportObject, VerificationSessionObject};
use stripe_api::{ApiError, ApiErrorKind, Client, Error, Expandable};
use stripe_mock::StripeMock;

/// A key the mock accepts: it wants anything that looks like a test-mode secret key.
const KEY: &str = "sk_test_mock";

/// Ignored trials named after their functions.
macro_rules! trials {
    ($base:expr; $($test:ident),* $(,)?) => {
        vec![$(trial(stringify!($test), $base, $test)),*]
    };
}

fn main() -> ExitCode {
    let args = Arguments::from_args();
    // Started only when a test will run, so `cargo test` on a clone without ../shared passes.
    let mock = (!args.list && (args.ignored || args.include_ignored)).then(|| {
        StripeMock::start(
            &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/stripe-mock/stripe-mock"),
        )
    });
    let base = mock.as_ref().map(StripeMock::base_url);
    let trials = trials![&base;
        redact_decodes_the_mocks_session,
        redact_expand_returns_the_report,
        ids_with_reserved_characters_reach_the_route,
        ids_the_route_refuses_arrive_intact,
        a_percent_in_an_id_arrives_escaped,
        keys_the_mock_rejects_are_typed_401s,
        a_missing_key_never_reaches_the_mock,
    ];
    let conclusion = libtest_mimic::run(&args, trials);
    drop(mock);
    conclusion.exit_code()
}

/// An ignored trial running `test` on its own single-threaded runtime against the mock.
fn trial<F, Fut>(name: &str, base: &Option<String>, test: F) -> Trial
where
    F: FnOnce(String) -> Fut + Send + 'static,
    Fut: Future<Output = ()>,
{
    let base = base.clone();
    Trial::test(name, move || {
        let base = base.ok_or("the mock was not started although a test runs")?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("tokio: {e}"))?;
        runtime.block_on(test(base));
        Ok(())
    })
    .with_ignored_flag(true)
}

fn client(base: &str, key: &str) -> Client {
    Client::builder(key)
        .base_url(base)
        // A failure should show as it happened, not after retries.
        .max_retries(0)
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"))
}

/// The error an answer with an error status became; panics on anything else.
fn api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> Box<ApiError> {
    match result {
        Err(Error::Api(e)) => e,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

async fn redact_decodes_the_mocks_session(base: String) {
    let client = client(&base, KEY).recording();
    let session =
        verification_sessions::redact(&client, "vs_1NtestRedact0001", &RedactParams::default())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        session.object,
        VerificationSessionObject::IdentityVerificationSession
    );
    assert!(session.id.starts_with("vs_"), "{}", session.id);
    match &session.last_verification_report {
        Some(Expandable::Id(id)) => assert!(id.starts_with("vr_"), "{id}"),
        other => panic!("not expanded, so an id: {other:?}"),
    }
    // What the mock sends besides the body reaches `last_response`.
    let meta = client.last_response().expect("a recorded answer");
    assert_eq!(meta.status, 200);
    assert_eq!(meta.request_id.as_deref(), Some("req_123"));
}

async fn redact_expand_returns_the_report(base: String) {
    let client = client(&base, KEY);
    let params = RedactParams {
        expand: Some(vec!["last_verification_report".into()]),
    };
    let session = verification_sessions::redact(&client, "vs_1NtestRedact0001", &params)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    match &session.last_verification_report {
        Some(Expandable::Object(report)) => {
            assert_eq!(
                report.object,
                VerificationReportObject::IdentityVerificationReport
            );
            assert!(report.id.starts_with("vr_"), "{}", report.id);
            assert!(report.document.is_some(), "the fixture's document report");
        }
        other => panic!("expand[0]=last_verification_report was not applied: {other:?}"),
    }
}

/// The mock routes an id made of unreserved characters and sub-delimiters: the request is
/// well-formed and the mock validated it against the spec.
async fn ids_with_reserved_characters_reach_the_route(base: String) {
    let client = client(&base, KEY);
    for id in ["vs_a:b@c+d", "vs_!$&'()*,;=", "vs_-._~"] {
        let session = verification_sessions::redact(&client, id, &RedactParams::default())
            .await
            .unwrap_or_else(|e| panic!("{id:?}: {e}"));
        assert_eq!(
            session.object,
            VerificationSessionObject::IdentityVerificationSession,
            "{id:?}"
        );
    }
}

/// Ids with `/ ? #`, spaces, quotes, brackets or non-ASCII letters match no route of the mock,
/// and its 404 quotes the path it decoded: the id comes back whole, as one segment (unencoded,
/// `?` and `#` would have cut the path short), and UTF-8 survives.
async fn ids_the_route_refuses_arrive_intact(base: String) {
    let client = client(&base, KEY);
    for id in ["vs_a/b", "vs_a?b#c", "vs_a b", "vs_\"[x]", "vs_é✓"] {
        let e =
            api_error(verification_sessions::redact(&client, id, &RedactParams::default()).await);
        assert_eq!(
            (e.status, e.kind()),
            (404, ApiErrorKind::InvalidRequest),
            "{id:?}: {e}"
        );
        assert_eq!(e.error_type(), Some("invalid_request_error"), "{id:?}");
        assert_eq!(
            e.message.as_deref(),
            Some(
                format!("Unrecognized request URL (POST: /v1/identity/verification_sessions/{id}/redact).")
                    .as_str()
            ),
            "{id:?}"
        );
        assert!(
            e.typed().is_some(),
            "{id:?}: the mock's error object decodes"
        );
    }
}

/// stripe-mock unescapes path parameters twice (once to route, once more to read them), so
/// `%` sent correctly as `%25` becomes an invalid escape to it: a mock quirk, a 400 with its
/// own message. Sent raw, `%b` would fail Go's URL parser first, with a plain-text 400.
async fn a_percent_in_an_id_arrives_escaped(base: String) {
    let client = client(&base, KEY);
    let e =
        api_error(verification_sessions::redact(&client, "vs_a%b", &RedactParams::default()).await);
    assert_eq!(
        (e.status, e.kind()),
        (400, ApiErrorKind::InvalidRequest),
        "{e}"
    );
    let message = e.message.as_deref().unwrap_or_default();
    assert!(
        message.contains("Failed to unescape path parameter") && message.contains("\"%b\""),
        "{e}"
    );
}

/// A key that is not a test-mode secret key: 401, classified as `Authentication` (the mock
/// calls it an `invalid_request_error`), and the key the mock echoes is scrubbed. The mock wants
/// `sk_test_` and one more part: a further `_` gets a 401 too.
async fn keys_the_mock_rejects_are_typed_401s(base: String) {
    for key in ["sk_test_", "sk_test_a_b", "sk_live_123", "pk_test_123"] {
        let client = client(&base, key);
        let e = api_error(
            verification_sessions::redact(&client, "vs_1", &RedactParams::default()).await,
        );
        assert_eq!(
            (e.status, e.kind()),
            (401, ApiErrorKind::Authentication),
            "{key}: {e}"
        );
        assert_eq!(e.error_type(), Some("invalid_request_error"), "{key}");
        let message = e.message.as_deref().unwrap_or_default();
        assert!(
            message.contains("Authorization was 'Bearer [redacted]'"),
            "{key}: {message}"
        );
        assert!(!format!("{e:?}").contains(key), "{key} leaked: {e:?}");
    }
}

/// The mock's answer to a missing key (a 401 like the ones above) cannot be reached through the
/// binding: an empty or blank key is refused when the client is built, before any request.
async fn a_missing_key_never_reaches_the_mock(base: String) {
    for key in ["", "   "] {
        match Client::builder(key).base_url(base.as_str()).build() {
            Err(Error::InvalidArgument(e)) => assert_eq!(e.param, "secret_key", "{key:?}"),
            other => panic!("{key:?}: expected InvalidArgument, got {other:?}"),
        }
    }
}
