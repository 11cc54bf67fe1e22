//! Request bodies and parameters beyond Stripe's form dialect, on the wire: the `requests`
//! snapshot binding (tests/specs/requests.yaml) against a loopback server, each test asserting
//! the exact request (method, target, headers, body bytes) and decoding the answer.

mod support;

use snapshot_requests::pets::{self, notes, photo};
use snapshot_requests::types::Pet;
use snapshot_requests::{blobs, labels, things, Client, Error};
use support::server::{RecordedRequest, Reply, TestServer};

const PET: &str = r#"{"id":"p1","name":"Rex"}"#;

fn client(server: &TestServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .unwrap()
}

async fn one(reply: &str) -> TestServer {
    TestServer::start(vec![Reply::json(200, reply)]).await
}

fn only(server: &TestServer) -> RecordedRequest {
    let mut requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.remove(0)
}

fn assert_rex(pet: Pet) {
    assert_eq!((pet.id.as_str(), pet.name.as_str()), ("p1", "Rex"));
}

fn new_pet() -> pets::NewPet {
    pets::NewPet {
        name: "Rex".into(),
        nickname: None,
        age: None,
        owner: None,
        toy: None,
    }
}

#[tokio::test]
async fn json_body_sends_required_members_leaves_out_unset_ones_and_sends_chosen_nulls() {
    let server = one(PET).await;
    let params = pets::CreateParams {
        trace_context: Some("abc 123".into()),
        session: Some("s1".into()),
    };
    let body = pets::NewPet {
        owner: Some(None),
        toy: Some(pets::Toy {
            kind: pets::ToyKind::Rope,
            photo: None,
        }),
        ..new_pet()
    };
    assert_rex(
        pets::create(&client(&server), &body, &params)
            .await
            .unwrap(),
    );
    let req = only(&server);
    assert_eq!(
        (req.method.as_str(), req.target.as_str()),
        ("POST", "/pets")
    );
    assert_eq!(req.header("content-type"), Some("application/json"));
    // `nickname` is required and nullable: `None` is sent as null; `owner` was chosen to be
    // null; `age` was left unset and is not sent.
    assert_eq!(
        req.body_str(),
        r#"{"name":"Rex","nickname":null,"owner":null,"toy":{"kind":"rope"}}"#
    );
    assert_eq!(
        req.header("content-length"),
        Some(req.body.len().to_string().as_str())
    );
    assert_eq!(req.header("trace-context"), Some("abc 123"));
    assert_eq!(req.header("cookie"), Some("session=s1"));
    // The client's own key, once: the spec's `Idempotency-Key` parameter is not generated.
    assert_eq!(req.header_all("idempotency-key").len(), 1);
}

#[tokio::test]
async fn merge_patch_body_goes_with_its_own_content_type_and_path_item_parameters() {
    let server = one(PET).await;
    let params = pets::UpdatePetParams {
        verbose: Some(true),
        x_region: Some(pets::UpdatePetParamsXRegion::Eu),
    };
    let patch = pets::PetPatch {
        name: None,
        owner: Some(None),
    };
    assert_rex(
        pets::update_pet(&client(&server), "p 1", &patch, &params)
            .await
            .unwrap(),
    );
    let req = only(&server);
    assert_eq!(req.method, "PATCH");
    assert_eq!(req.target, "/pets/p%201?verbose=true");
    assert_eq!(
        req.header("content-type"),
        Some("application/merge-patch+json")
    );
    assert_eq!(req.header("x-region"), Some("eu"));
    assert_eq!(req.body_str(), r#"{"owner":null}"#);
}

#[tokio::test]
async fn a_required_header_parameter_is_checked_before_sending() {
    let server = TestServer::start(vec![]).await;
    let err = pets::update_pet(
        &client(&server),
        "p1",
        &pets::PetPatch::default(),
        &pets::UpdatePetParams::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
    assert!(err.to_string().contains("X-Region"), "{err}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn top_level_array_and_map_bodies() {
    let server = TestServer::start(vec![Reply::json(200, PET), Reply::json(200, PET)]).await;
    let c = client(&server);
    let mut second = new_pet();
    second.name = "Tom".into();
    second.age = Some(3);
    assert_rex(pets::replace(&c, &[new_pet(), second]).await.unwrap());
    let labels_body = [("a".to_owned(), "x".to_owned())].into_iter().collect();
    assert_rex(labels::create(&c, &labels_body).await.unwrap());
    let reqs = server.requests();
    assert_eq!(
        (reqs[0].method.as_str(), reqs[0].target.as_str()),
        ("PUT", "/pets")
    );
    assert_eq!(
        reqs[0].body_str(),
        r#"[{"name":"Rex","nickname":null},{"age":3,"name":"Tom","nickname":null}]"#
    );
    assert_eq!(
        reqs[1].header("content-type"),
        Some("application/vnd.api+json")
    );
    assert_eq!(reqs[1].body_str(), r#"{"a":"x"}"#);
}

#[tokio::test]
async fn text_and_bytes_bodies_are_sent_as_given() {
    let server = TestServer::start(vec![Reply::json(200, PET), Reply::json(200, PET)]).await;
    let c = client(&server);
    assert_rex(notes::replace(&c, "p1", "good dog\n").await.unwrap());
    assert_rex(photo::replace(&c, "p1", &[0xff, 0xd8, 0x00]).await.unwrap());
    let reqs = server.requests();
    assert_eq!(reqs[0].target, "/pets/p1/notes");
    assert_eq!(reqs[0].header("content-type"), Some("text/plain"));
    assert_eq!(reqs[0].body, b"good dog\n");
    assert_eq!(reqs[1].method, "PUT");
    assert_eq!(reqs[1].header("content-type"), Some("image/jpeg"));
    assert_eq!(reqs[1].body, [0xff, 0xd8, 0x00]);
}

#[tokio::test]
async fn an_optional_body_may_be_left_out() {
    let server = TestServer::start(vec![
        Reply::json(200, PET),
        Reply::json(200, PET),
        Reply::json(200, PET),
        Reply::json(200, PET),
    ])
    .await;
    let c = client(&server);
    assert_rex(blobs::create(&c, None).await.unwrap());
    assert_rex(blobs::create(&c, Some(b"raw")).await.unwrap());
    let tag = pets::TagPetBody { tag: "cute".into() };
    let params = pets::TagPetParams::default();
    assert_rex(pets::tag_pet(&c, "p1", None, &params).await.unwrap());
    assert_rex(pets::tag_pet(&c, "p1", Some(&tag), &params).await.unwrap());
    let reqs = server.requests();
    assert_eq!(reqs[0].header("content-type"), None);
    assert!(reqs[0].body.is_empty());
    assert_eq!(
        reqs[1].header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(reqs[1].body, b"raw");
    assert_eq!(
        (reqs[2].method.as_str(), reqs[2].target.as_str()),
        ("POST", "/pets/p1")
    );
    assert_eq!(reqs[2].header("content-type"), None);
    assert!(reqs[2].body.is_empty());
    assert_eq!(reqs[3].header("content-type"), Some("application/json"));
    assert_eq!(reqs[3].body_str(), r#"{"tag":"cute"}"#);
}

#[tokio::test]
async fn query_styles_and_a_json_query_parameter() {
    let server = one("[]").await;
    let params = pets::ListParams {
        tags: Some(vec!["a b".into(), "c,d".into()]),
        colors: Some(vec!["red".into(), "blue".into()]),
        sizes: Some(vec![1, 2]),
        filter: Some(pets::ListParamsFilter {
            name: Some("Rex".into()),
            age: None,
        }),
        x_page_size: Some(25),
    };
    let list = pets::list(&client(&server), &params).await.unwrap();
    assert!(list.is_empty());
    let req = only(&server);
    assert_eq!(
        req.target,
        "/pets?tags=a+b,c%2Cd&colors=red%20blue&sizes=1%7C2&filter=%7B%22name%22%3A%22Rex%22%7D"
    );
    assert_eq!(req.header("x-page-size"), Some("25"));
    assert!(req.body.is_empty());
}

#[tokio::test]
async fn header_and_cookie_values_with_control_characters_are_refused_before_sending() {
    let server = TestServer::start(vec![]).await;
    let c = client(&server);
    for (header, cookie) in [(Some("a\r\nInjected: 1"), None), (None, Some("x;y=z"))] {
        let params = pets::CreateParams {
            trace_context: header.map(str::to_owned),
            session: cookie.map(str::to_owned),
        };
        let err = pets::create(&c, &new_pet(), &params).await.unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
        let name = if header.is_some() {
            "Trace-Context"
        } else {
            "session"
        };
        assert!(err.to_string().contains(name), "{err}");
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn colliding_names_each_go_where_they_belong() {
    let server = TestServer::start(vec![Reply::json(200, PET), Reply::json(200, PET)]).await;
    let c = client(&server);
    let params = things::RetrieveParams {
        id: Some("q".into()),
        client: Some("c".into()),
        request: Some("r".into()),
        params: Some("h".into()),
        id_2: Some("k".into()),
    };
    assert_rex(things::retrieve(&c, "p", "b", &params).await.unwrap());
    let update = things::UpdateParams {
        params: Some("x".into()),
    };
    assert_rex(things::update(&c, "p", "b", &7, &update).await.unwrap());
    let reqs = server.requests();
    assert_eq!(reqs[0].target, "/things/p/b?id=q&client=c&request=r");
    assert_eq!(reqs[0].header("params"), Some("h"));
    assert_eq!(reqs[0].header("cookie"), Some("id=k"));
    assert_eq!(reqs[1].target, "/things/p/b?params=x");
    assert_eq!(reqs[1].body_str(), "7");
}

#[tokio::test]
async fn an_undeclared_template_variable_is_a_required_argument() {
    let server = one(PET).await;
    assert_rex(
        snapshot_requests::owners::pets::retrieve(&client(&server), "o/1")
            .await
            .unwrap(),
    );
    assert_eq!(only(&server).target, "/owners/o%2F1/pets");
}

#[tokio::test]
async fn one_file_or_a_list_of_files_goes_as_parts_that_share_the_name() {
    let server = TestServer::start(vec![Reply::json(200, PET)]).await;
    let params = pets::AlbumParams {
        caption: Some("beach".into()),
        images: Some(vec![
            snapshot_requests::UploadFile::new("a.png", b"AA".to_vec()).content_type("image/png"),
            snapshot_requests::UploadFile::new("b.png", b"BB".to_vec()),
        ]),
    };
    assert_rex(pets::album(&client(&server), "p1", &params).await.unwrap());
    let req = only(&server);
    assert_eq!(req.target, "/pets/p1/album");
    let content_type = req.header("content-type").unwrap().to_owned();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("a multipart content type");
    let expected = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nbeach\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"images\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nAA\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"images\"; filename=\"b.png\"\r\n\r\nBB\r\n\
         --{b}--\r\n",
        b = boundary
    );
    assert_eq!(req.body_str(), expected);
}
