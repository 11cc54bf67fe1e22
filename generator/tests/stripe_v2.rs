//! Stripe's next spec, on the wire: the `stripe-v2` snapshot binding (tests/specs/stripe-v2.yaml,
//! shaped like Stripe's unified spec) sends a v2 call with a JSON body and a `Stripe-Context`
//! header, and a v1 call with a form body, from one client; v2's JSON error bodies decode.

mod support;

use snapshot_stripe_v2::core_api::event_destinations;
use snapshot_stripe_v2::types::{EventDestinationEventPayload, EventDestinationType};
use snapshot_stripe_v2::{customers, Client, Error};
use support::server::{Reply, TestServer};

const DESTINATION: &str = r#"{"id":"ed_1","object":"v2.core.event_destination","name":"orders","description":null,"type":"webhook_endpoint","status":"enabled","enabled_events":["v1.billing.meter.error_report_triggered"],"event_payload":"thin","created":"2025-01-27T10:00:00.000Z","livemode":false,"webhook_endpoint":{"signing_secret":null,"url":"https://example.com/hooks"}}"#;
const CUSTOMER: &str = r#"{"id":"cus_1","object":"customer","created":1737972000,"email":"jo@example.com","name":null}"#;

fn client(server: &TestServer) -> Client {
    Client::builder("sk_test_v2")
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .unwrap()
}

#[tokio::test]
async fn one_client_sends_a_v2_json_call_and_a_v1_form_call() {
    let server = TestServer::start(vec![
        Reply::json(200, DESTINATION),
        Reply::json(200, CUSTOMER),
    ])
    .await;
    let client = client(&server);

    let body = event_destinations::CreateBody {
        name: "orders".into(),
        description: None,
        r#type: EventDestinationType::WebhookEndpoint,
        event_payload: EventDestinationEventPayload::Thin,
        enabled_events: vec!["v1.billing.meter.error_report_triggered".into()],
        webhook_endpoint: Some(event_destinations::CreateBodyWebhookEndpoint {
            url: "https://example.com/hooks".into(),
        }),
        metadata: None,
    };
    let params = event_destinations::CreateParams {
        stripe_context: Some("acct_1Context".into()),
    };
    let created = event_destinations::create(&client, &body, &params)
        .await
        .unwrap();
    assert_eq!(created.id, "ed_1");
    assert_eq!(created.event_payload, EventDestinationEventPayload::Thin);
    assert_eq!(created.created, "2025-01-27T10:00:00.000Z");
    assert_eq!(
        created.webhook_endpoint.and_then(|w| w.url).as_deref(),
        Some("https://example.com/hooks")
    );

    let customer = customers::create(
        &client,
        &customers::CreateParams {
            email: Some("jo@example.com".into()),
            metadata: Some([("order".to_owned(), "6735".to_owned())].into()),
            name: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(customer.id, "cus_1");
    assert_eq!(customer.name, None);

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let (v2, v1) = (&requests[0], &requests[1]);

    assert_eq!(v2.method, "POST");
    assert_eq!(v2.target, "/v2/core/event_destinations");
    assert_eq!(v2.header("content-type"), Some("application/json"));
    assert_eq!(v2.header("stripe-context"), Some("acct_1Context"));
    assert_eq!(v2.header("authorization"), Some("Bearer sk_test_v2"));
    assert_eq!(v2.header("stripe-version"), Some("2025-01-27.acacia"));
    assert!(
        v2.header("idempotency-key").is_some(),
        "a POST carries a key"
    );
    // Members in declaration order, optional ones left out when unset.
    assert_eq!(
        v2.body_str(),
        r#"{"enabled_events":["v1.billing.meter.error_report_triggered"],"event_payload":"thin","name":"orders","type":"webhook_endpoint","webhook_endpoint":{"url":"https://example.com/hooks"}}"#
    );

    assert_eq!(v1.method, "POST");
    assert_eq!(v1.target, "/v1/customers");
    assert_eq!(
        v1.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(v1.header("stripe-context"), None, "v1 declares no context");
    assert_eq!(v1.header("authorization"), Some("Bearer sk_test_v2"));
    assert_eq!(
        v1.body_str(),
        "email=jo%40example.com&metadata%5Border%5D=6735"
    );
    assert_ne!(
        v1.header("idempotency-key"),
        v2.header("idempotency-key"),
        "each call has its own key"
    );
}

#[tokio::test]
async fn a_v2_update_can_clear_a_field_with_null_and_a_get_sends_no_body() {
    let server = TestServer::start(vec![
        Reply::json(200, DESTINATION),
        Reply::json(200, DESTINATION),
    ])
    .await;
    let client = client(&server);
    let body = event_destinations::UpdateBody {
        description: Some(None),
        name: Some("orders-eu".into()),
        enabled_events: None,
    };
    event_destinations::update(&client, "ed_1", &body, &Default::default())
        .await
        .unwrap();
    let params = event_destinations::RetrieveParams {
        stripe_context: None,
        include: Some(vec![
            event_destinations::RetrieveParamsInclude::WebhookEndpointUrl,
        ]),
    };
    event_destinations::retrieve(&client, "ed_1", &params)
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests[0].target, "/v2/core/event_destinations/ed_1");
    assert_eq!(
        requests[0].body_str(),
        r#"{"description":null,"name":"orders-eu"}"#
    );
    assert_eq!(requests[0].header("stripe-context"), None);
    assert_eq!(requests[1].method, "GET");
    assert_eq!(
        requests[1].target,
        "/v2/core/event_destinations/ed_1?include=webhook_endpoint.url"
    );
    assert!(requests[1].body.is_empty() && requests[1].header("content-type").is_none());
}

#[tokio::test]
async fn a_v2_json_error_decodes_as_the_error_type() {
    let server = TestServer::start(vec![Reply::json(
        404,
        r#"{"error":{"type":"invalid_request_error","code":"resource_missing","message":"No such destination: 'ed_missing'","user_message":null}}"#,
    )
    .header("Request-Id", "req_v2")])
    .await;
    let err = event_destinations::retrieve(&client(&server), "ed_missing", &Default::default())
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.status, 404);
    assert_eq!(api.code(), Some("resource_missing"));
    assert_eq!(api.request_id(), Some("req_v2"));
    let typed = api.typed().expect("the documented error object");
    assert_eq!(typed.error.r#type, "invalid_request_error");
    assert_eq!(typed.error.message, "No such destination: 'ed_missing'");
    assert!(err.to_string().contains("No such destination"), "{err}");
}
