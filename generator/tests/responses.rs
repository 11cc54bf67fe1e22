//! Every response shape, decoded on the wire through the `responses` snapshot binding
//! (tests/specs/responses.yaml), and a relative server URL.

mod support;

use snapshot_responses::jobs::{self, DeleteError, ReplaceResponse};
use snapshot_responses::{legacy, ping, Client, Error};
use support::server::{Reply, TestServer};

fn client(server: &TestServer) -> Client {
    Client::builder()
        .base_url(format!("{}/api/v3", server.base_url()))
        .max_retries(0)
        .build()
        .unwrap()
}

fn reply(status: u16, content_type: &str, body: &[u8]) -> Reply {
    Reply {
        headers: if content_type.is_empty() {
            Vec::new()
        } else {
            vec![("Content-Type".to_owned(), content_type.to_owned())]
        },
        body: body.to_vec(),
        ..Reply::json(status, "")
    }
}

#[test]
fn a_relative_server_url_means_the_caller_gives_the_base_url() {
    assert_eq!(snapshot_responses::DEFAULT_BASE_URL, "");
    let err = Client::new().unwrap_err();
    let Error::InvalidArgument(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.param, "base_url");
    assert!(e.reason.contains("ClientBuilder::base_url"), "{err}");
}

#[tokio::test]
async fn no_content_is_unit() {
    let server = TestServer::start(vec![reply(204, "", b"")]).await;
    let () = jobs::delete(&client(&server), "j1").await.unwrap();
    let req = &server.requests()[0];
    assert_eq!(
        (req.method.as_str(), req.target.as_str()),
        ("DELETE", "/api/v3/jobs/j1")
    );
}

#[tokio::test]
async fn several_2xx_bodies_are_an_enum_by_status() {
    let server = TestServer::start(vec![
        Reply::json(201, r#"{"id":"j1","state":"new"}"#),
        Reply::json(202, r#"{"ticket":"t9"}"#),
        reply(204, "", b""),
        Reply::json(200, r#"{}"#),
    ])
    .await;
    let c = client(&server);
    match jobs::replace(&c, "j1").await.unwrap() {
        ReplaceResponse::Created(job) => {
            assert_eq!((job.id.as_str(), job.state.as_str()), ("j1", "new"))
        }
        other => panic!("{other:?}"),
    }
    match jobs::replace(&c, "j1").await.unwrap() {
        ReplaceResponse::Accepted(t) => assert_eq!(t.ticket, "t9"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        jobs::replace(&c, "j1").await.unwrap(),
        ReplaceResponse::NoContent
    ));
    // A success status the spec does not declare is a decode error naming it.
    let err = jobs::replace(&c, "j1").await.unwrap_err();
    assert!(
        matches!(&err, Error::Decode(d) if d.status == 200),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("declares no answer with status 200"),
        "{err}"
    );
}

#[tokio::test]
async fn a_2xx_range_with_text_preferred_over_xml_is_a_string() {
    let server = TestServer::start(vec![reply(
        206,
        "text/plain; charset=utf-8",
        "line 1\nlíne 2".as_bytes(),
    )])
    .await;
    let log: String = jobs::log::retrieve(&client(&server), "j1").await.unwrap();
    assert_eq!(log, "line 1\nlíne 2");
}

#[tokio::test]
async fn other_media_are_bytes_and_json_wins_over_event_streams() {
    let server = TestServer::start(vec![
        reply(200, "application/octet-stream", &[0, 159, 255]),
        reply(200, "text/event-stream", b"data: 1\n\ndata: 2\n\n"),
        Reply::json(200, r#"{"id":"j1","state":"done"}"#),
    ])
    .await;
    let c = client(&server);
    let out: Vec<u8> = jobs::output::retrieve(&c, "j1").await.unwrap();
    assert_eq!(out, [0, 159, 255]);
    let events: Vec<u8> = jobs::stream::retrieve(&c, "j1").await.unwrap();
    assert_eq!(events, b"data: 1\n\ndata: 2\n\n");
    let job = jobs::events::retrieve(&c, "j1").await.unwrap();
    assert_eq!(job.state, "done");
}

#[tokio::test]
async fn error_bodies_are_typed_per_status_and_stay_raw() {
    let server = TestServer::start(vec![
        Reply::json(404, r#"{"missing":"j1"}"#),
        reply(
            409,
            "application/problem+json",
            br#"{"title":"busy","status":409}"#,
        ),
        Reply::json(500, r#"{"title":"down"}"#),
        Reply::json(404, "not json"),
    ])
    .await;
    let c = client(&server);
    let api_error = |e: Error| match e {
        Error::Api(api) => api,
        other => panic!("{other:?}"),
    };
    let e = api_error(jobs::delete(&c, "j1").await.unwrap_err());
    assert_eq!(e.raw_body(), r#"{"missing":"j1"}"#);
    match DeleteError::from_api_error(&e) {
        Some(DeleteError::NotFound(nf)) => assert_eq!(nf.missing, "j1"),
        other => panic!("{other:?}"),
    }
    let e = api_error(jobs::delete(&c, "j1").await.unwrap_err());
    match DeleteError::from_api_error(&e) {
        Some(DeleteError::ClientError(p)) => {
            assert_eq!((p.title.as_deref(), p.status), (Some("busy"), Some(409)))
        }
        other => panic!("{other:?}"),
    }
    let e = api_error(jobs::delete(&c, "j1").await.unwrap_err());
    assert!(
        matches!(DeleteError::from_api_error(&e), Some(DeleteError::Default(p)) if p.title.as_deref() == Some("down"))
    );
    let e = api_error(jobs::delete(&c, "j1").await.unwrap_err());
    assert!(DeleteError::from_api_error(&e).is_none());
    assert_eq!(e.raw_body(), "not json");
}

#[tokio::test]
async fn operations_without_a_2xx_still_answer() {
    let server = TestServer::start(vec![
        Reply::json(200, r#"{"ticket":"t1"}"#),
        reply(200, "text/html", b"<p>moved</p>"),
        Reply::json(403, r#"{"title":"no"}"#),
    ])
    .await;
    let c = client(&server);
    // Only `default`: it describes the success too.
    assert_eq!(ping::retrieve(&c).await.unwrap().ticket, "t1");
    // Only a redirect and errors: a success carries nothing declared.
    let () = legacy::retrieve(&c).await.unwrap();
    let err = legacy::retrieve(&c).await.unwrap_err();
    let Error::Api(e) = &err else {
        panic!("{err:?}")
    };
    assert!(
        matches!(legacy::RetrieveError::from_api_error(e), Some(legacy::RetrieveError::ClientError(p)) if p.title.as_deref() == Some("no"))
    );
}
