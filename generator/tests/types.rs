//! Schema features beyond Stripe's dialect, through the `types` snapshot binding
//! (tests/specs/types.yaml): realistic JSON decoded and re-encoded byte for byte, decoding
//! errors that say where, and a form request with the request-side rules.

mod support;

use snapshot_types::types::{Gauge, Pet, Priority, Widget, WidgetLevel, WidgetMode, WidgetShade};
use snapshot_types::widgets::{self, CreateParams, CreateParamsDimensions};
use snapshot_types::{pets, Client, Error};
use support::server::{Reply, TestServer};

/// A widget as the server sends it, members in the binding's order so re-encoding gives the
/// same bytes. `serial` is beyond `i64`; `extra_member` is not in the spec.
const WIDGET: &str = r#"{"id":"wd_1","name":"Sprocket","byte_count":255,"count":-2147483648,"flags":4294967295,"plain":-9007199254740993,"port":65535,"price":9.99,"ratio":0.5,"serial":18446744073709551615,"small":-32768,"tiny":-128,"total":9223372036854775807,"unsigned":1,"weight":2.25,"active":true,"backup":null,"blob":"aGk=","created":"2024-01-01T00:00:00.123+02:00","labels":{"a":"b"},"legacy_code":"old","level":null,"mode":0,"priority":2,"shade":"dark","uid":"0b7c1d1e-2a3b-4c5d-8e9f-000000000001","extra_member":[1]}"#;

fn client(server: &TestServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .build()
        .unwrap()
}

#[test]
fn a_merged_widget_decodes_into_sized_types_and_re_encodes_byte_for_byte() {
    let w: Widget = serde_json::from_str(WIDGET).unwrap();
    // Fields from all three `allOf` members (and the nested one).
    assert_eq!((w.id.as_str(), w.name.as_str()), ("wd_1", "Sprocket"));
    let _: (Option<u8>, Option<i32>, Option<u32>, Option<u16>) =
        (w.byte_count, w.count, w.flags, w.port);
    assert_eq!(w.serial, Some(u64::MAX), "u64 beyond i64");
    assert_eq!(w.count, Some(i32::MIN));
    assert_eq!((w.tiny, w.small), (Some(i8::MIN), Some(i16::MIN)));
    assert_eq!(w.total, Some(i64::MAX));
    assert_eq!(w.plain, Some(-9007199254740993), "no format: i64, exact");
    assert_eq!(w.ratio, Some(0.5f32));
    assert_eq!(w.weight, Some(2.25f64));
    // Enums of integers and of mixed values; a string enum with `null` is nullable.
    assert_eq!(w.priority, Priority::V2);
    assert_eq!(w.priority.value(), 2);
    assert_eq!(w.mode, Some(WidgetMode::V0));
    assert_eq!(w.level, None);
    assert_eq!(
        w.backup, None,
        "`allOf: [$ref, {{nullable: true}}]` is nullable"
    );
    assert_eq!(w.shade, Some(WidgetShade::Dark));
    assert!(w.active, "a boolean enum is a bool");
    // Formats kept as the text sent (see the README): no precision or offset is lost.
    assert_eq!(w.created.as_deref(), Some("2024-01-01T00:00:00.123+02:00"));
    assert_eq!(w.extra["extra_member"], serde_json::json!([1]));
    assert_eq!(serde_json::to_string(&w).unwrap(), WIDGET);
}

#[test]
fn unknown_enum_values_are_kept_and_sent_back_as_they_came() {
    let json = WIDGET
        .replace(r#""priority":2"#, r#""priority":7"#)
        .replace(r#""mode":0"#, r#""mode":"manual""#)
        .replace(r#""level":null"#, r#""level":"high""#)
        .replace(r#""backup":null"#, r#""backup":1"#);
    let w: Widget = serde_json::from_str(&json).unwrap();
    assert_eq!(w.priority, Priority::Unknown(7));
    assert_eq!(
        w.mode,
        Some(WidgetMode::Unknown(serde_json::json!("manual")))
    );
    assert_eq!(w.level, Some(WidgetLevel::High));
    assert_eq!(w.backup, Some(Priority::V1));
    assert_eq!(serde_json::to_string(&w).unwrap(), json);
    // Each of the mixed enum's known values, read back as its variant.
    for (text, mode) in [("\"auto\"", WidgetMode::Auto), ("false", WidgetMode::False)] {
        let w: Widget =
            serde_json::from_str(&WIDGET.replace(r#""mode":0"#, &format!(r#""mode":{text}"#)))
                .unwrap();
        assert_eq!(w.mode, Some(mode));
    }
}

#[test]
fn a_null_in_an_enum_makes_the_field_nullable_not_a_variant() {
    let json = WIDGET.replace(r#""shade":"dark""#, r#""shade":null"#);
    let w: Widget = serde_json::from_str(&json).unwrap();
    assert_eq!(w.shade, None);
    assert_eq!(
        serde_json::to_string(&w).unwrap(),
        json,
        "written back as `null`"
    );
}

#[test]
fn write_only_members_are_not_response_fields() {
    // `secret` is writeOnly: a response that carries it anyway keeps it as an undeclared member.
    let json = WIDGET.replace(
        r#""name":"Sprocket","#,
        r#""name":"Sprocket","secret":"s","#,
    );
    let w: Widget = serde_json::from_str(&json).unwrap();
    assert_eq!(w.extra["secret"], "s");
}

#[test]
fn typed_additional_properties_sit_beside_the_declared_ones() {
    let json = r#"{"unit":"C","inside":21.5,"outside":-3.0}"#;
    let g: Gauge = serde_json::from_str(json).unwrap();
    assert_eq!(g.unit, "C");
    assert_eq!(g.extra["inside"], 21.5);
    assert_eq!(
        serde_json::to_string(&g).unwrap(),
        r#"{"unit":"C","inside":21.5,"outside":-3.0}"#
    );
    // A value of the wrong type is an error, not a silently untyped member.
    let e = serde_json::from_str::<Gauge>(r#"{"unit":"C","inside":"warm"}"#).unwrap_err();
    assert!(
        e.to_string()
            .contains("invalid type: string \"warm\", expected f64"),
        "{e}"
    );
}

#[test]
fn the_discriminator_picks_the_member_and_unknown_tags_are_kept() {
    let dog = r#"{"name":"Rex","pet_type":"dog","barks":true,"gauge":{"unit":"kg","now":30.5}}"#;
    let Pet::Dog(d) = serde_json::from_str::<Pet>(dog).unwrap() else {
        panic!("dog")
    };
    assert_eq!(d.barks, Some(true));
    assert_eq!(d.gauge.as_ref().unwrap().extra["now"], 30.5);
    assert_eq!(serde_json::to_string(&Pet::Dog(d)).unwrap(), dog);

    // `cat` comes from `mapping` by schema name; `Lizard` has no mapping: its schema name.
    let cat = r#"{"name":"Tom","pet_type":"cat","lives":9}"#;
    assert!(matches!(serde_json::from_str::<Pet>(cat).unwrap(), Pet::Cat(c) if c.lives == Some(9)));
    let lizard = r#"{"pet_type":"Lizard","name":"Liz","scales":100}"#;
    assert!(matches!(
        serde_json::from_str::<Pet>(lizard).unwrap(),
        Pet::Lizard(_)
    ));

    // A tag this binding does not know, or none, is kept as JSON and re-encoded as it came.
    let parrot = r#"{"name":"Polly","pet_type":"parrot","words":12}"#;
    let p: Pet = serde_json::from_str(parrot).unwrap();
    assert_eq!(p, Pet::Unknown(serde_json::from_str(parrot).unwrap()));
    assert_eq!(serde_json::to_string(&p).unwrap(), parrot);
    // A cat shape with a dog's tag is the dog's error, not a silent cat.
    let e =
        serde_json::from_str::<Pet>(r#"{"name":"Tom","pet_type":"dog","barks":"no"}"#).unwrap_err();
    assert!(e.to_string().contains("at `barks`"), "{e}");
}

#[tokio::test]
async fn a_wrong_typed_integer_is_a_decode_error_naming_the_member() {
    for (member, value) in [
        ("count", "2147483648"),
        ("port", "-1"),
        ("serial", "\"7\""),
        ("priority", "1.5"),
    ] {
        let body = WIDGET.replace(
            &format!("\"{member}\":"),
            &format!("\"{member}\":{value},\"x{member}\":"),
        );
        let server = TestServer::start(vec![Reply::json(200, &body)]).await;
        let err = widgets::retrieve(&client(&server), "wd_1")
            .await
            .unwrap_err();
        let Error::Decode(e) = err else {
            panic!("{member}: {err:?}")
        };
        assert_eq!(e.path, member, "{e}");
    }
}

#[tokio::test]
async fn a_request_leaves_out_read_only_members_and_sends_the_extra_ones_after_the_declared() {
    let server = TestServer::start(vec![Reply::json(200, WIDGET)]).await;
    let params = CreateParams {
        name: Some("Sprocket".into()),
        secret: Some("s3".into()),
        count: Some(-5),
        serial: Some(u64::MAX),
        priority: Some(Priority::V3),
        dimensions: Some(CreateParamsDimensions {
            width: Some(4),
            extra: [("depth".to_owned(), 1.5f32)].into(),
        }),
        extra: [("color".to_owned(), "red".to_owned())].into(),
    };
    let w = widgets::create(&client(&server), &params).await.unwrap();
    assert_eq!(w.serial, Some(u64::MAX));
    let req = &server.requests()[0];
    assert_eq!(
        (req.method.as_str(), req.target.as_str()),
        ("POST", "/widgets")
    );
    assert_eq!(
        req.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        req.body_str(),
        "name=Sprocket&secret=s3&count=-5&dimensions%5Bwidth%5D=4&dimensions%5Bdepth%5D=1.5\
         &priority=3&serial=18446744073709551615&color=red"
    );
}

#[tokio::test]
async fn a_discriminated_answer_decodes_on_the_wire() {
    let server =
        TestServer::start(vec![Reply::json(200, r#"{"pet_type":"cat","name":"Tom"}"#)]).await;
    let pet = pets::retrieve(&client(&server), "p1").await.unwrap();
    assert!(matches!(pet, Pet::Cat(c) if c.name == "Tom"));
    assert_eq!(server.requests()[0].target, "/pets/p1");
}
