//! Names the generator picks, as the `naming` snapshot binding's users see them.

mod support;

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
