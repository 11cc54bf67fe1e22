//! What `[webhooks]` makes of a spec: the event's `type` and `data.object` enums, and located
//! errors when the config names what the spec does not have.

use openapi_gen::config::{CrateConfig, Selection, WebhookScheme, WebhooksConfig};
use openapi_gen::model::{Api, TypeDef, TypeRef};
use openapi_gen::Config;

const SPEC: &str = r##"
openapi: 3.0.3
info: {title: T, version: '1'}
servers: [{url: 'https://api.example.com/'}]
paths:
  /v1/things/{id}:
    get:
      operationId: GetThing
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/thing'}}}}
  /v1/hooks:
    post:
      operationId: PostHooks
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                events: {type: array, items: {type: string, enum: ['*', thing.created, thing.deleted]}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: object}}}}
components:
  schemas:
    thing:
      type: object
      properties:
        id: {type: string}
        object: {type: string, enum: [thing]}
        note: {$ref: '#/components/schemas/note'}
      required: [id, object]
    note:
      type: object
      properties: {text: {type: string}}
    gadget:
      type: object
      properties:
        id: {type: string}
        object: {type: string, enum: [gadget]}
      required: [id, object]
    event:
      type: object
      properties:
        id: {type: string}
        object: {type: string, enum: [event]}
        type: {type: string}
        data:
          type: object
          properties:
            object: {type: object}
            previous_attributes: {type: object}
          required: [object]
      required: [id, object, type, data]
"##;

const POINTER: &str =
    "/paths/~1v1~1hooks/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/events/items";

fn config(event_schema: &str, event_types: Option<&str>) -> Config {
    Config {
        spec: "t.yaml".into(),
        krate: CrateConfig {
            name: "t".into(),
            version: "0.0.0".into(),
            description: None,
        },
        client: Default::default(),
        docs: Default::default(),
        webhooks: Some(WebhooksConfig {
            scheme: WebhookScheme::Stripe,
            signature_header: "X-Signature".into(),
            event_schema: event_schema.into(),
            event_types: event_types.map(str::to_owned),
            tolerance_seconds: 300,
            example_event: None,
        }),
        operations: Selection {
            include: vec!["GetThing".into()],
            ..Default::default()
        },
    }
}

fn model(config: &Config) -> Result<Api, openapi_gen::SpecErrors> {
    let spec = openapi_gen::load("t.yaml", SPEC).unwrap();
    openapi_gen::build_model(&spec, config, "codegen.toml")
}

fn name(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(id) => api.types[api.resolve(*id).0].name().rust.clone(),
        other => format!("{other:?}"),
    }
}

#[test]
fn the_event_gets_a_type_enum_and_an_object_enum_of_tagged_objects() {
    let api = model(&config("event", Some(POINTER))).unwrap();
    let event = api.event.as_ref().expect("an event");
    let TypeDef::Enum(types) = &api.types[event.types.unwrap().0] else {
        panic!("the event types are not an enum")
    };
    let listed: Vec<(&str, &str)> = types
        .variants
        .iter()
        .map(|v| (v.api.as_str(), v.rust.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            ("thing.created", "ThingCreated"),
            ("thing.deleted", "ThingDeleted")
        ]
    );
    let TypeDef::Union(object) = &api.types[event.object.0] else {
        panic!("the event object is not a union")
    };
    // Tagged objects only: the operation's `Thing` and the event itself; `Note` has no tag,
    // and `Gadget` is reached by nothing the config selects.
    let variants: Vec<(&str, String)> = object
        .variants
        .iter()
        .map(|(v, t)| (v.as_str(), name(&api, t)))
        .collect();
    assert_eq!(
        variants,
        [("Event", "Event".to_owned()), ("Thing", "Thing".to_owned())]
    );
    let TypeDef::Struct(event_struct) = &api.types[event.event.0] else {
        panic!()
    };
    let field = |n: &str| {
        event_struct
            .fields
            .iter()
            .find(|f| f.name.api == n)
            .unwrap()
    };
    assert_eq!(name(&api, &field("type").ty), "EventType");
    let TypeRef::Named(data) = &field("data").ty else {
        panic!()
    };
    let TypeDef::Struct(data) = &api.types[data.0] else {
        panic!()
    };
    let object_field = data.fields.iter().find(|f| f.name.api == "object").unwrap();
    assert_eq!(name(&api, &object_field.ty), "EventDataObject");
    let previous = data
        .fields
        .iter()
        .find(|f| f.name.api == "previous_attributes")
        .unwrap();
    assert_eq!(
        previous.ty,
        TypeRef::JsonObject,
        "previous_attributes stays raw JSON"
    );
}

#[test]
fn without_a_list_of_types_the_type_stays_a_string() {
    let api = model(&config("event", None)).unwrap();
    let event = api.event.as_ref().unwrap();
    assert!(event.types.is_none());
    let TypeDef::Struct(s) = &api.types[event.event.0] else {
        panic!()
    };
    let ty = &s.fields.iter().find(|f| f.name.api == "type").unwrap().ty;
    assert_eq!(*ty, TypeRef::String);
}

#[test]
fn a_missing_event_schema_or_type_list_is_a_located_error() {
    let e = model(&config("evnt", Some(POINTER))).unwrap_err();
    assert_eq!(e.0.len(), 1, "{e}");
    assert_eq!(e.0[0].pointer, "/components/schemas/evnt", "{e}");
    assert!(e.0[0].message.contains("event_schema"), "{e}");

    let e = model(&config("event", Some("/paths/~1v1~1nothing"))).unwrap_err();
    assert_eq!(e.0.len(), 1, "{e}");
    assert!(e.0[0].message.contains("event_types"), "{e}");

    let e = model(&config("note", None)).unwrap_err();
    assert!(e.to_string().contains("`data`"), "{e}");
}
