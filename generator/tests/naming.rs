//! Names the generator picks, as the `naming` snapshot binding's users see them.

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
