//! Names the generator picks, as the `naming` snapshot binding's users see them.

mod support;

use openapi_gen::config::{CrateConfig, Selection};
use openapi_gen::{Config, Provenance};
use support::server::{Reply, TestServer};

/// A field the spec names `extra` keeps its name; the map of undeclared members yields.
#[test]
fn a_field_named_extra_keeps_its_name() {
    let card: snapshot_naming::types::Card =
        serde_json::from_str(r#"{"id": "c1", "extra": "declared", "brand": "undeclared"}"#)
            .unwrap();
    assert_eq!(card.extra.as_deref(), Some("declared"));
    assert_eq!(card.extra_2.len(), 1);
    assert_eq!(card.extra_2["brand"], "undeclared");
}

/// Path parameters named `request` and `query` (like the operation function's own helpers) are
/// encoded into the path, and the query string still carries the query parameters.
#[tokio::test]
async fn path_parameters_named_like_the_function_s_locals() {
    let server = TestServer::start(vec![Reply::json(200, r#"{"id": "c1"}"#)]).await;
    let client = snapshot_naming::Client::builder("sk_test_x")
        .base_url(server.base_url())
        .build()
        .unwrap();
    let params = snapshot_naming::requests::queries::RetrieveParams { limit: Some(3) };
    let card = snapshot_naming::requests::queries::retrieve(&client, "r 1", "q/2", &params)
        .await
        .unwrap();
    assert_eq!(card.id, "c1");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].target,
        "/v1/requests/r%201/queries/q%2F2?limit=3"
    );
}

/// The binding generated from `tests/specs/naming.yaml` with the given selection.
fn generate(operations: Selection) -> openapi_gen::Generated {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/naming.yaml");
    let text = std::fs::read_to_string(path).expect("tests/specs/naming.yaml");
    let spec = openapi_gen::load("naming.yaml", &text).unwrap_or_else(|e| panic!("{e}"));
    let config = Config {
        spec: "naming.yaml".into(),
        krate: CrateConfig {
            name: "naming".into(),
            version: "0.0.0".into(),
            description: None,
        },
        client: Default::default(),
        docs: Default::default(),
        webhooks: None,
        operations,
    };
    let provenance = Provenance {
        spec_file: "naming.yaml".into(),
        command: "test".into(),
    };
    openapi_gen::generate(&spec, &config, "test", &provenance).unwrap_or_else(|e| panic!("{e}"))
}

/// `PATCH /v1/things` and `POST /v1/things/{id}` both ask for `things::update`, so both are
/// named after their operationIds, the library lists them, and a selection of one of them
/// names it the same way: names come from the whole document.
#[test]
fn names_that_fell_back_to_operation_ids_are_listed() {
    let fallbacks = |generated: &openapi_gen::Generated| -> Vec<(&str, String, String)> {
        generated
            .name_fallbacks
            .iter()
            .map(|f| (f.method, f.path.clone(), f.function.clone()))
            .collect()
    };
    let all = generate(Selection {
        all: true,
        ..Selection::default()
    });
    assert_eq!(
        fallbacks(&all),
        [
            ("PATCH", "/v1/things".into(), "things::patch_things".into()),
            (
                "POST",
                "/v1/things/{id}".into(),
                "things::update_thing".into()
            ),
        ]
    );
    assert_eq!(all.name_fallbacks[1].operation_id, "UpdateThing");
    let one = generate(Selection {
        include: vec!["UpdateThing".into()],
        ..Selection::default()
    });
    assert_eq!(
        fallbacks(&one),
        [(
            "POST",
            "/v1/things/{id}".into(),
            "things::update_thing".into()
        )]
    );
    let unclashed = generate(Selection {
        include: vec!["GetType".into()],
        ..Selection::default()
    });
    assert!(unclashed.name_fallbacks.is_empty());
}
