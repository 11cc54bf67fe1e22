//! Our own sample payloads (tests/data, written by us) decode into the generated types and
//! re-encode to the same JSON.

use serde_json::Value;
use stripe_api::types::{
    Error as StripeError, VerificationSession, VerificationSessionRedactionStatus,
    VerificationSessionStatus,
};
use stripe_api::Expandable;

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// Decodes, re-encodes, and checks the round trip; returns the decoded value.
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(name: &str) -> (T, Value, Value) {
    let text = data(name);
    let decoded: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let input: Value = serde_json::from_str(&text).unwrap();
    let output = serde_json::to_value(&decoded).unwrap();
    (decoded, input, output)
}

#[test]
fn a_redacted_session_decodes_and_re_encodes_exactly() {
    let (session, input, output) = round_trip::<VerificationSession>("verification_session.json");
    assert_eq!(input, output, "re-encoding must give back the input");
    assert_eq!(session.status, VerificationSessionStatus::Verified);
    let redaction = session.redaction.expect("redaction is set");
    assert_eq!(
        redaction.status,
        VerificationSessionRedactionStatus::Processing
    );
    assert_eq!(session.metadata.len(), 2);
    match session.last_verification_report {
        Some(Expandable::Id(id)) => assert!(id.starts_with("vr_"), "{id}"),
        other => panic!("expected an id, got {other:?}"),
    }
    assert!(
        session.created > 1_600_000_000,
        "created is a unix timestamp"
    );
}

#[test]
fn an_expanded_report_decodes_as_the_object() {
    let (session, input, output) =
        round_trip::<VerificationSession>("verification_session_expanded.json");
    assert_eq!(input, output);
    let report = session.last_verification_report.expect("report present");
    assert!(report.is_object());
    let object = report.as_object().unwrap();
    assert_eq!(
        report.id(),
        object.id,
        "id() reads through to the expanded object"
    );
    assert!(session.redaction.is_none());
    assert!(session.last_error.is_some());
}

#[test]
fn values_and_members_from_a_newer_api_version_are_kept() {
    let text = data("verification_session_future.json");
    let session: VerificationSession =
        serde_json::from_str(&text).expect("unknown values must not fail decoding");
    // Unknown enum values are kept as sent...
    assert_eq!(
        session.redaction.as_ref().unwrap().status,
        VerificationSessionRedactionStatus::Unknown("validated".into())
    );
    assert_eq!(
        session.status,
        VerificationSessionStatus::Unknown("requires_review".into())
    );
    assert_eq!(session.status.as_str(), "requires_review");
    // ...and so are members the spec does not declare, at any depth.
    assert_eq!(
        session.extra.get("provided_details"),
        Some(&serde_json::json!({"email": "x@example.com"}))
    );
    let outputs = session.verified_outputs.as_ref().unwrap();
    assert_eq!(outputs.extra.len(), 1);
    assert_eq!(outputs.extra["email"], "x@example.com");
    assert!(session.redaction.as_ref().unwrap().extra.is_empty());
    // Re-encoding gives the input back, unknown values and undeclared members included.
    let input: serde_json::Value = serde_json::from_str(&text).unwrap();
    let output = serde_json::to_value(&session).unwrap();
    assert_eq!(output, input);
}

#[test]
fn the_error_body_decodes() {
    let (error, input, output) = round_trip::<StripeError>("error_invalid_request.json");
    assert_eq!(input, output);
    assert_eq!(error.error.r#type.as_str(), "invalid_request_error");
    assert!(error.error.message.is_some());
}

#[test]
fn enums_parse_and_print_their_api_spelling() {
    for s in [
        "canceled",
        "processing",
        "requires_input",
        "verified",
        "something_new",
    ] {
        let v = VerificationSessionStatus::from(s);
        assert_eq!(v.as_str(), s);
        assert_eq!(v.to_string(), s);
    }
    assert_eq!(
        VerificationSessionStatus::from("requires_input"),
        VerificationSessionStatus::RequiresInput
    );
}

/// Objects decode member by member with the generated `FromObject` code, not serde's derive:
/// the edge cases serde's derive handled must still come out the same or better.
#[test]
fn objects_decode_member_by_member() {
    use stripe_api::types::VerificationSessionRedaction;
    let redaction = |json: &str| serde_json::from_str::<VerificationSessionRedaction>(json);
    // An escaped key is the same key.
    assert_eq!(
        redaction(r#"{"st\u0061tus": "processing"}"#)
            .unwrap()
            .status
            .as_str(),
        "processing"
    );
    // A repeated key keeps its last value, as `serde_json::Value` does.
    let twice = redaction(r#"{"status": "processing", "status": "redacted"}"#).unwrap();
    assert_eq!(twice.status.as_str(), "redacted");
    assert!(twice.extra.is_empty());
    // A missing required member is named.
    let err = redaction(r#"{"other": 1}"#).unwrap_err().to_string();
    assert!(err.contains("missing field `status`"), "{err}");
    // Anything but an object names the type it should have been.
    for not_an_object in [r#"["processing"]"#, "\"processing\"", "7"] {
        let err = redaction(not_an_object).unwrap_err().to_string();
        assert!(
            err.contains("expected a `VerificationSessionRedaction` object"),
            "{not_an_object}: {err}"
        );
    }
    // A wrong value inside is reported at its place.
    let err = redaction(r#"{"status": 5}"#).unwrap_err();
    assert_eq!((err.line(), err.column()), (1, 12), "{err}");
}

/// Flattened into a caller's own type, an object takes only its declared members, as serde's
/// derive did; and a declared name put into `extra` by hand is not written twice.
#[test]
fn objects_flatten_and_never_repeat_a_key() {
    use stripe_api::types::VerificationSessionRedaction;
    #[derive(serde::Deserialize)]
    struct Wrapper {
        #[serde(flatten)]
        redaction: VerificationSessionRedaction,
        #[serde(flatten)]
        rest: std::collections::BTreeMap<String, Value>,
    }
    let wrapper: Wrapper = serde_json::from_str(r#"{"status": "processing", "mine": 1}"#).unwrap();
    assert_eq!(wrapper.redaction.status.as_str(), "processing");
    assert!(
        wrapper.redaction.extra.is_empty(),
        "{:?}",
        wrapper.redaction.extra
    );
    assert_eq!(wrapper.rest.keys().collect::<Vec<_>>(), ["mine"]);

    let mut redaction: VerificationSessionRedaction =
        serde_json::from_str(r#"{"status": "redacted", "new": true}"#).unwrap();
    redaction
        .extra
        .insert("status".into(), Value::from("shadow"));
    let text = serde_json::to_string(&redaction).unwrap();
    assert_eq!(text, r#"{"status":"redacted","new":true}"#);
}
