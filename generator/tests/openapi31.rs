//! OpenAPI 3.1 webhooks through the `openapi31` snapshot (tests/specs/openapi31.yaml): each
//! payload is a type a receiver decodes the request body into; and `$defs` become types.

use snapshot_openapi31::types::{ArtworkSoldPayload, Money};

#[test]
fn a_webhook_payload_decodes_into_its_generated_type() {
    let body = r#"{"artwork": "aw_1", "price": {"amount": 1200, "currency": "eur"},
                   "sale": {"total": {"amount": 1300, "currency": "eur"}}, "sold_at": null,
                   "note": "kept"}"#;
    let payload: ArtworkSoldPayload = serde_json::from_str(body).unwrap();
    assert_eq!(payload.artwork, "aw_1");
    // `Money` is `Sale`'s `$defs` entry, referred to from the payload and from `Sale`.
    assert_eq!(payload.price.amount, 1200);
    let total: &Money = &payload.sale.as_ref().unwrap().total;
    assert_eq!(total.currency, "eur");
    assert_eq!(payload.sold_at, None);
    assert_eq!(payload.extra["note"], "kept");

    let missing = serde_json::from_str::<ArtworkSoldPayload>(r#"{"artwork": "aw_1"}"#);
    assert!(
        missing.unwrap_err().to_string().contains("price"),
        "a required member is required"
    );
}
