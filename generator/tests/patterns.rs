//! Stripe's API patterns, exercised on the wire through the `petstore` snapshot binding
//! (tests/specs/petstore.yaml, written by us in Stripe's style) against a loopback server.

mod support;

use futures_util::StreamExt;
use snapshot_petstore::pets::{self, photos, RangeQuerySpecs};
use snapshot_petstore::types::{AdoptionPet, Pet, PetBestFriend, PetFeedingInterval, PetToy};
use snapshot_petstore::{Clearable, Client, Error, Expandable, Method, UploadFile};
use support::server::{Reply, TestServer};

fn pet(id: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id, "object": "pet", "name": "Rex", "status": "available", "created": 1700000000,
        "weight": null, "metadata": {}, "photos": null, "owner": null, "toy": null, "best_friend": null
    })
}

fn page(ids: &[&str], has_more: bool) -> String {
    let data: Vec<_> = ids.iter().map(|id| pet(id)).collect();
    serde_json::json!({"object": "list", "data": data, "has_more": has_more, "url": "/v1/pets"})
        .to_string()
}

fn client(server: &TestServer) -> Client {
    Client::builder("sk_test_x")
        .base_url(server.base_url())
        .build()
        .unwrap()
}

#[tokio::test]
async fn query_parameters_use_their_declared_style() {
    let server = TestServer::start(vec![Reply::json(200, &page(&["p1"], false))]).await;
    let params = pets::ListParams {
        limit: Some(3),
        expand: Some(vec!["data.owner".into()]),
        created: Some(pets::ListParamsCreated::RangeQuerySpecs(Box::new(
            RangeQuerySpecs {
                gte: Some(1_700_000_000),
                ..Default::default()
            },
        ))),
        ..Default::default()
    };
    let list = pets::list(&client(&server), &params).await.unwrap();
    assert_eq!(list.data.len(), 1);
    let req = &server.requests()[0];
    assert_eq!(req.method, "GET");
    assert_eq!(
        req.target,
        "/v1/pets?limit=3&expand%5B0%5D=data.owner&created%5Bgte%5D=1700000000"
    );
    assert!(
        req.body.is_empty() && req.header("content-type").is_none(),
        "a GET sends no body"
    );
}

#[tokio::test]
async fn auto_paging_follows_starting_after_across_pages() {
    let server = TestServer::start(vec![
        Reply::json(200, &page(&["p1", "p2"], true)),
        Reply::json(200, &page(&["p3"], false)),
    ])
    .await;
    let params = pets::ListParams {
        limit: Some(2),
        ..Default::default()
    };
    let all: Vec<Pet> = pets::list_auto_paging(&client(&server), &params)
        .map(|r| r.unwrap())
        .collect()
        .await;
    let ids: Vec<&str> = all.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["p1", "p2", "p3"]);
    let targets: Vec<String> = server.requests().iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        targets,
        ["/v1/pets?limit=2", "/v1/pets?limit=2&starting_after=p2"]
    );
}

#[tokio::test]
async fn auto_paging_stops_at_the_first_error() {
    let server = TestServer::start(vec![
        Reply::json(200, &page(&["p1"], true)),
        // Not retryable, so the stream's second page fails at once.
        Reply::json(
            400,
            r#"{"error":{"type":"invalid_request_error","message":"boom"}}"#,
        ),
    ])
    .await;
    let items: Vec<Result<Pet, Error>> =
        pets::list_auto_paging(&client(&server), &Default::default())
            .collect()
            .await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    assert_eq!(items[1].as_ref().unwrap_err().status(), Some(400));
    assert_eq!(server.requests().len(), 2, "no request after the error");
}

#[tokio::test]
async fn search_pages_follow_next_page() {
    let result = |ids: &[&str], next: Option<&str>| {
        let data: Vec<_> = ids.iter().map(|id| pet(id)).collect();
        serde_json::json!({"object": "search_result", "data": data, "has_more": next.is_some(),
                           "next_page": next, "url": "/v1/pets/search"})
        .to_string()
    };
    let server = TestServer::start(vec![
        Reply::json(200, &result(&["a"], Some("cursor 2"))),
        Reply::json(200, &result(&["b"], None)),
    ])
    .await;
    let params = pets::SearchParams {
        query: Some("name:'Rex'".into()),
        ..Default::default()
    };
    let all: Vec<Pet> = pets::search_auto_paging(&client(&server), &params)
        .map(|r| r.unwrap())
        .collect()
        .await;
    assert_eq!(all.len(), 2);
    let second = &server.requests()[1].target;
    assert_eq!(
        second,
        "/v1/pets/search?query=name%3A%27Rex%27&page=cursor+2"
    );
}

#[tokio::test]
async fn a_missing_required_query_parameter_is_rejected_before_sending() {
    let server = TestServer::start(vec![]).await;
    let err = pets::search(&client(&server), &Default::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument(a) if a.param == "query"),
        "{err:?}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn clearable_fields_can_be_set_cleared_or_left_alone() {
    let server = TestServer::start(vec![Reply::json(200, &pet("p1").to_string())]).await;
    let params = pets::UpdateParams {
        nickname: Some(Clearable::Clear),
        metadata: Some(Clearable::Set([("a".to_owned(), "1".to_owned())].into())),
        ..Default::default()
    };
    pets::update(&client(&server), "p1", &params).await.unwrap();
    assert_eq!(
        server.requests()[0].body_str(),
        "metadata%5Ba%5D=1&nickname="
    );
}

#[tokio::test]
async fn a_field_that_takes_a_number_or_a_word_sends_either_bare() {
    let server = TestServer::start(vec![
        Reply::json(200, &pet("p1").to_string()),
        Reply::json(200, &pet("p2").to_string()),
    ])
    .await;
    let tier = |up_to| pets::CreateParamsTiers {
        up_to: Some(up_to),
        price: None,
    };
    let c = client(&server);
    let first = pets::CreateParams {
        name: Some("Rex".into()),
        tiers: Some(vec![
            tier(pets::CreateParamsTiersUpTo::Integer(1000)),
            tier(pets::CreateParamsTiersUpTo::Inf),
        ]),
        trial_end: Some(pets::CreateParamsTrialEnd::Now),
        chip: Some(pets::CreateParamsChip::String("A-12".into())),
        ..Default::default()
    };
    pets::create(&c, &first).await.unwrap();
    let second = pets::CreateParams {
        name: Some("Rex".into()),
        trial_end: Some(pets::CreateParamsTrialEnd::Timestamp(1_700_000_000)),
        chip: Some(pets::CreateParamsChip::Integer(981)),
        ..Default::default()
    };
    pets::create(&c, &second).await.unwrap();
    let reqs = server.requests();
    assert_eq!(
        reqs[0].body_str(),
        "chip=A-12&name=Rex&tiers%5B0%5D%5Bup_to%5D=1000&tiers%5B1%5D%5Bup_to%5D=inf&trial_end=now"
    );
    assert_eq!(reqs[1].body_str(), "chip=981&name=Rex&trial_end=1700000000");
}

#[tokio::test]
async fn a_number_or_a_word_in_the_query_is_sent_bare_too() {
    let server = TestServer::start(vec![
        Reply::json(200, &page(&["p1"], false)),
        Reply::json(200, &page(&["p1"], false)),
    ])
    .await;
    let c = client(&server);
    for born_before in [
        pets::ListParamsBornBefore::Now,
        pets::ListParamsBornBefore::Timestamp(1_700_000_000),
    ] {
        let params = pets::ListParams {
            born_before: Some(born_before),
            ..Default::default()
        };
        pets::list(&c, &params).await.unwrap();
    }
    let targets: Vec<String> = server.requests().iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        targets,
        [
            "/v1/pets?born_before=now",
            "/v1/pets?born_before=1700000000"
        ]
    );
}

#[tokio::test]
async fn a_clearable_number_or_word_can_be_either_or_cleared() {
    let server = TestServer::start(vec![
        Reply::json(200, &pet("p1").to_string()),
        Reply::json(200, &pet("p1").to_string()),
        Reply::json(200, &pet("p1").to_string()),
    ])
    .await;
    let c = client(&server);
    for expires_at in [
        Clearable::Set(pets::UpdateParamsExpiresAt::Now),
        Clearable::Set(pets::UpdateParamsExpiresAt::Timestamp(1_700_000_000)),
        Clearable::Clear,
    ] {
        let params = pets::UpdateParams {
            expires_at: Some(expires_at),
            ..Default::default()
        };
        pets::update(&c, "p1", &params).await.unwrap();
    }
    let bodies: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.body_str().to_owned())
        .collect();
    assert_eq!(
        bodies,
        ["expires_at=now", "expires_at=1700000000", "expires_at="]
    );
}

#[test]
fn a_number_or_a_word_decodes_into_its_variant_and_back() {
    for (json, expected) in [
        (serde_json::json!("on_demand"), PetFeedingInterval::OnDemand),
        (serde_json::json!(6), PetFeedingInterval::Integer(6)),
        (
            serde_json::json!("hourly"),
            PetFeedingInterval::Unknown(serde_json::json!("hourly")),
        ),
    ] {
        let mut v = pet("p1");
        v["feeding_interval"] = json.clone();
        let p: Pet = serde_json::from_value(v).unwrap();
        assert_eq!(p.feeding_interval.as_ref(), Some(&expected), "{json}");
        assert_eq!(serde_json::to_value(&p).unwrap()["feeding_interval"], json);
    }
}

#[test]
fn fields_of_the_same_shape_share_one_type_with_variants_named_after_their_members() {
    // `adoption.pet` is lowered after `pet`, `pet.best_friend` while `pet` still is: the same
    // shape either way, so one type (this only compiles if `PetBestFriend` is `AdoptionPet`),
    // with a variant named `Pet` however the member was reached.
    let mut v = pet("p1");
    v["best_friend"] = pet("p2");
    let p: Pet = serde_json::from_value(v).unwrap();
    let friend: Option<Expandable<AdoptionPet>> = p.best_friend;
    let friend = friend.as_ref().and_then(Expandable::as_object);
    assert!(
        matches!(friend, Some(AdoptionPet::Pet(p)) if p.id == "p2"),
        "{friend:?}"
    );
}

#[test]
fn unions_dispatch_on_the_object_tag_and_keep_unknown_shapes() {
    let mut v = pet("p1");
    v["toy"] = serde_json::json!({"object": "rope", "length": 2});
    let p: Pet = serde_json::from_value(v.clone()).unwrap();
    assert!(matches!(p.toy, Some(PetToy::Rope(ref r)) if r.length == 2));

    v["toy"] = serde_json::json!({"object": "frisbee", "colour": "red"});
    let p: Pet = serde_json::from_value(v.clone()).unwrap();
    assert!(
        matches!(&p.toy, Some(PetToy::Unknown(raw)) if raw["colour"] == "red"),
        "{:?}",
        p.toy
    );
    assert_eq!(
        serde_json::to_value(&p).unwrap()["toy"],
        v["toy"],
        "unknown shapes re-encode as they came"
    );

    // A malformed known member is an error naming the member, not a silent Unknown.
    v["toy"] = serde_json::json!({"object": "ball", "diameter": "big"});
    assert!(serde_json::from_value::<Pet>(v).is_err());
}

#[test]
fn expandable_fields_can_hold_a_deleted_object() {
    let mut v = pet("p1");
    v["best_friend"] = serde_json::json!({"id": "p9", "object": "pet", "deleted": true});
    let p: Pet = serde_json::from_value(v.clone()).unwrap();
    let Some(Expandable::Object(friend)) = &p.best_friend else {
        panic!("{:?}", p.best_friend)
    };
    assert!(matches!(friend.as_ref(), PetBestFriend::DeletedPet(_)));
    assert_eq!(p.best_friend.as_ref().unwrap().id(), "p9");

    v["best_friend"] = serde_json::json!("p8");
    let p: Pet = serde_json::from_value(v).unwrap();
    assert_eq!(p.best_friend.unwrap().id(), "p8");
}

#[tokio::test]
async fn file_uploads_are_multipart_and_go_to_the_overridden_base_url() {
    let server = TestServer::start(vec![Reply::json(200, &pet("p1").to_string())]).await;
    let params = photos::CreateParams {
        file: Some(UploadFile::new("rex.png", b"\x89PNG...".to_vec()).content_type("image/png")),
        caption: Some("Rex".into()),
        tags: Some(vec!["good".into()]),
    };
    photos::create(&client(&server), "p1", &params)
        .await
        .unwrap();
    let req = &server.requests()[0];
    assert_eq!(
        req.target, "/v1/pets/p1/photos",
        "the caller's base URL wins over the operation's server"
    );
    let content_type = req.header("content-type").unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = String::from_utf8_lossy(&req.body);
    assert!(body.contains("name=\"caption\"\r\n\r\nRex\r\n"), "{body}");
    assert!(body.contains("name=\"tags[0]\"\r\n\r\ngood\r\n"), "{body}");
    assert!(
        body.contains(
            "name=\"file\"; filename=\"rex.png\"\r\nContent-Type: image/png\r\n\r\n\u{FFFD}PNG..."
        ),
        "{body}"
    );
}

#[tokio::test]
async fn a_required_file_is_checked_before_sending() {
    let server = TestServer::start(vec![]).await;
    let err = photos::create(&client(&server), "p1", &Default::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument(a) if a.param == "file"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_binary_answer_comes_back_as_bytes() {
    let mut reply = Reply::json(200, "%PDF-1.7 ...");
    reply.headers = vec![("Content-Type".into(), "application/pdf".into())];
    let server = TestServer::start(vec![reply]).await;
    let pdf = pets::certificate::retrieve(&client(&server), "p1")
        .await
        .unwrap();
    assert_eq!(pdf, b"%PDF-1.7 ...");
}

#[tokio::test]
async fn raw_request_reaches_endpoints_without_a_function() {
    let server = TestServer::start(vec![
        Reply::json(200, r#"{"ok":true}"#),
        Reply::json(200, "{}"),
    ])
    .await;
    let c = client(&server);
    let v = c
        .raw_request(Method::POST, "/v1/pets/p1/feed", &[("amount", "2")])
        .await
        .unwrap();
    assert_eq!(v["ok"], true);
    c.raw_request(Method::GET, "/v1/pets", &[("limit", "1")])
        .await
        .unwrap();
    let reqs = server.requests();
    assert_eq!(reqs[0].body_str(), "amount=2");
    assert_eq!(reqs[1].target, "/v1/pets?limit=1");
}

#[tokio::test]
async fn a_retried_upload_sends_the_same_bytes_and_key() {
    let server = TestServer::start(vec![
        Reply::json(500, r#"{"error":{"type":"api_error","message":"x"}}"#),
        Reply::json(200, &pet("p1").to_string()),
    ])
    .await;
    let params = photos::CreateParams {
        file: Some(UploadFile::new("a\"b\r\n.png", b"bytes".to_vec()).content_type("image/png")),
        caption: Some("Rex".into()),
        tags: None,
    };
    photos::create(&client(&server), "p1", &params)
        .await
        .unwrap();
    let [first, second] = server.requests().try_into().unwrap();
    assert_eq!(first.body, second.body, "boundary included");
    assert_eq!(first.header("content-type"), second.header("content-type"));
    assert_eq!(
        first.header("idempotency-key"),
        second.header("idempotency-key")
    );
    let body = first.body_str();
    assert!(
        body.contains("filename=\"a%22b%0D%0A.png\"\r\n"),
        "a name cannot break the part's header: {body}"
    );
    let boundary = first
        .header("content-type")
        .unwrap()
        .split("boundary=")
        .nth(1)
        .unwrap();
    assert!(body.ends_with(&format!("--{boundary}--\r\n")), "{body}");

    let bad = photos::CreateParams {
        file: Some(UploadFile::new("x", b"1".to_vec()).content_type("image/png\r\nX: y")),
        ..Default::default()
    };
    let err = photos::create(&client(&server), "p1", &bad)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument(a) if a.param == "file"),
        "{err:?}"
    );
}
