//! Credentials from `securitySchemes` and server URL variables, on the wire through the `auth`
//! snapshot binding (tests/specs/auth.yaml).

mod support;

use snapshot_auth::{health, secrets, Client, ClientBuilder, Error};
use support::server::{Reply, TestServer};

const TOKEN: &str = "tok_secret_1234";

fn no_content() -> Reply {
    Reply {
        headers: Vec::new(),
        ..Reply::json(204, "")
    }
}

fn on(server: &TestServer, builder: ClientBuilder) -> Client {
    builder
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .unwrap()
}

/// The headers a request carried that hold credentials.
fn credential_headers(req: &support::server::RecordedRequest) -> Vec<(String, String)> {
    req.headers
        .iter()
        .filter(|(n, _)| ["authorization", "x-api-key", "cookie"].contains(&n.as_str()))
        .cloned()
        .collect()
}

#[tokio::test]
async fn each_scheme_sends_its_credential_where_the_spec_says() {
    let server = TestServer::start_repeating(no_content()).await;
    let client = on(
        &server,
        Client::builder()
            .bearer_auth(TOKEN)
            .basic_auth("AC123", "pass word")
            .header_key("hk_1")
            .query_key("q&k=1")
            .cookie_key("ck_1")
            .oauth("oauth_tok"),
    );
    let list = Reply::json(200, r#"["a"]"#);
    let listed = {
        let server = TestServer::start(vec![list]).await;
        let client = on(&server, Client::builder().bearer_auth(TOKEN));
        let out = secrets::list(&client).await.unwrap();
        let req = &server.requests()[0];
        assert_eq!(
            (req.method.as_str(), req.target.as_str()),
            ("GET", "/secrets")
        );
        assert_eq!(
            credential_headers(req),
            [("authorization".to_owned(), format!("Bearer {TOKEN}"))]
        );
        out
    };
    assert_eq!(listed, ["a"]);

    secrets::basic::retrieve(&client).await.unwrap();
    secrets::header::retrieve(&client).await.unwrap();
    secrets::query::retrieve(&client).await.unwrap();
    secrets::cookie::retrieve(&client).await.unwrap();
    secrets::both::retrieve(&client).await.unwrap();
    health::retrieve(&client).await.unwrap();
    let seen: Vec<(String, Vec<(String, String)>)> = server
        .requests()
        .iter()
        .map(|r| (r.target.clone(), credential_headers(r)))
        .collect();
    let h = |n: &str, v: &str| (n.to_owned(), v.to_owned());
    assert_eq!(
        seen,
        [
            // base64("AC123:pass word")
            (
                "/secrets/basic".to_owned(),
                vec![h("authorization", "Basic QUMxMjM6cGFzcyB3b3Jk")]
            ),
            ("/secrets/header".to_owned(), vec![h("x-api-key", "hk_1")]),
            ("/secrets/query?api+key=q%26k%3D1".to_owned(), vec![]),
            (
                "/secrets/cookie".to_owned(),
                vec![h("cookie", "session=ck_1")]
            ),
            // Both schemes of the first alternative, together.
            (
                "/secrets/both".to_owned(),
                vec![
                    h("x-api-key", "hk_1"),
                    h("authorization", "Bearer oauth_tok")
                ]
            ),
            // `security: []`: nothing, though the client holds every credential.
            ("/health".to_owned(), vec![]),
        ]
    );
}

#[tokio::test]
async fn an_alternative_is_chosen_by_the_credentials_the_client_has() {
    let server = TestServer::start_repeating(no_content()).await;
    let client = on(&server, Client::builder().basic_auth("AC123", "pw"));
    secrets::both::retrieve(&client).await.unwrap();
    let req = &server.requests()[0];
    assert_eq!(
        credential_headers(req),
        [("authorization".to_owned(), "Basic QUMxMjM6cHc=".to_owned())]
    );
}

#[tokio::test]
async fn a_missing_credential_is_refused_before_sending() {
    let server = TestServer::start_repeating(no_content()).await;
    let client = on(&server, Client::builder().header_key("hk_1"));
    let err = secrets::basic::retrieve(&client).await.unwrap_err();
    let Error::InvalidArgument(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.param, "credentials");
    assert!(e.reason.contains("`ClientBuilder::basic_auth`"), "{err}");
    // `both` wants the header key *and* the OAuth token, or basic: neither is complete.
    let err = secrets::both::retrieve(&client).await.unwrap_err();
    assert!(
        err.to_string().contains(
            "`ClientBuilder::header_key` and `ClientBuilder::oauth` or `ClientBuilder::basic_auth`"
        ),
        "{err}"
    );
    // A public operation needs none.
    health::retrieve(&client).await.unwrap();
    assert_eq!(server.requests().len(), 1, "only the public call was sent");
}

#[tokio::test]
async fn secrets_stay_out_of_debug_and_errors() {
    let secrets_given = [
        "tok_secret_1234",
        "pw_secret_5678",
        "hk_secret_9012",
        "qk_secret_3456",
        "ck_secret_7890",
    ];
    // The server echoes every credential back in an error body.
    let echo = format!(r#"{{"message":"bad {}"}}"#, secrets_given.join(" "));
    let server = TestServer::start_repeating(Reply::json(401, &echo)).await;
    let builder = Client::builder()
        .bearer_auth(secrets_given[0])
        .basic_auth("AC123", secrets_given[1])
        .header_key(secrets_given[2])
        .query_key(secrets_given[3])
        .cookie_key(secrets_given[4]);
    let builder_debug = format!("{builder:?}");
    let client = on(&server, builder);
    let mut texts = vec![builder_debug, format!("{client:?}")];
    for err in [
        secrets::list(&client).await.unwrap_err(),
        secrets::basic::retrieve(&client).await.unwrap_err(),
        secrets::query::retrieve(&client).await.unwrap_err(),
    ] {
        let Error::Api(api) = &err else {
            panic!("{err:?}")
        };
        texts.push(api.raw_body().to_owned());
        texts.push(format!("{err} {err:?}"));
    }
    for text in &texts {
        for secret in secrets_given {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert!(
            !text.contains("QUMxMjM6cHdfc2VjcmV0XzU2Nzg"),
            "basic token in {text}"
        );
    }
    assert!(
        texts[1].contains("bearer_auth: \"[redacted]\""),
        "{}",
        texts[1]
    );
    // The query key is in the URL: a transport error must not show it either.
    let client = Client::builder()
        .query_key(secrets_given[3])
        .base_url("http://127.0.0.1:1")
        .max_retries(0)
        .build()
        .unwrap();
    let err = secrets::query::retrieve(&client).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let text = format!("{err} {err:?}");
    assert!(!text.contains(secrets_given[3]), "{text}");
}

#[test]
fn credentials_are_checked_when_the_client_is_built() {
    let cases = [
        (Client::builder().bearer_auth(""), "bearer_auth"),
        (Client::builder().header_key("a\nb"), "header_key"),
        (Client::builder().basic_auth("a:b", "c"), "basic_auth"),
        (Client::builder().cookie_key("a;b"), "cookie_key"),
    ];
    for (builder, param) in cases {
        let err = builder.build().unwrap_err();
        let Error::InvalidArgument(e) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(e.param, param, "{err}");
    }
}

#[test]
fn server_variables_have_defaults_and_can_be_overridden() {
    assert_eq!(
        snapshot_auth::DEFAULT_BASE_URL,
        "https://eu.vault.example.test/v1"
    );
    let client = Client::new().unwrap();
    assert_eq!(client.base_url(), "https://eu.vault.example.test/v1");
    let client = Client::builder()
        .region("us")
        .version("v2")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://us.vault.example.test/v2");
    // `region` is an enum in the spec; a value outside it is refused.
    let err = Client::builder().region("mars").build().unwrap_err();
    assert!(
        err.to_string().contains("must be one of `eu`, `us`"),
        "{err}"
    );
    let err = Client::builder().version("v2/../x?y").build().unwrap_err();
    let Error::InvalidArgument(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.param, "version");
    // An explicit base URL wins over the variables.
    let client = Client::builder()
        .region("us")
        .base_url("https://proxy.example.test")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://proxy.example.test");
}
