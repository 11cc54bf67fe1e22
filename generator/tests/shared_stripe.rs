//! Checks against Stripe's real published spec and fixtures in `../shared` (read, never copied).
//! Ignored by default so a fresh clone's `cargo test` passes without it; `.ci/run` runs them.

use std::path::PathBuf;

use openapi_gen::config::{CrateConfig, Selection};
use openapi_gen::{Config, Provenance};
use stripe_api::types::VerificationSession;

fn shared(rel: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} (is ../shared beside the project?): {e}",
            path.display()
        )
    })
}

#[test]
#[ignore = "needs ../shared; run by .ci/run"]
fn stripes_fixture_for_a_verification_session_decodes() {
    let fixtures: serde_json::Value =
        serde_json::from_str(&shared("stripe/fixtures3.json")).unwrap();
    let sample = &fixtures["resources"]["identity.verification_session"];
    assert!(
        sample.is_object(),
        "fixtures3.json has no identity.verification_session"
    );
    let session: VerificationSession =
        serde_json::from_value(sample.clone()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(session.id, sample["id"].as_str().unwrap());
    // Round trip: the fixture leaves out `verified_outputs` (optional, nullable); we write it
    // back as `null`, the only normalisation.
    let mut expected = sample.clone();
    expected["verified_outputs"] = serde_json::Value::Null;
    assert_eq!(serde_json::to_value(&session).unwrap(), expected);
}

#[test]
#[ignore = "needs ../shared; run by .ci/run"]
fn the_real_spec_loads_and_generates_the_redact_operation() {
    let text = shared("stripe/spec3.yaml");
    let spec =
        openapi_gen::load("../shared/stripe/spec3.yaml", &text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(spec.api.info.version, "2023-08-16");
    let config = Config {
        spec: "spec3.yaml".into(),
        krate: CrateConfig {
            name: "stripe-redact".into(),
            version: "0.0.0".into(),
            description: None,
        },
        client: Default::default(),
        docs: Default::default(),
        webhooks: None,
        operations: Selection {
            include: vec!["PostIdentityVerificationSessionsSessionRedact".into()],
            ..Default::default()
        },
    };
    let provenance = Provenance {
        spec_file: "spec3.yaml".into(),
        command: "test".into(),
    };
    let generated = openapi_gen::generate(&spec, &config, "test", &provenance)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(generated.operations, 1);
    let ops = &generated.files["src/identity/verification_sessions.rs"];
    assert!(ops.contains("pub fn redact<'a>("), "{ops}");
}
