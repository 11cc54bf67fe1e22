//! A broken spec gives every problem at once, each with the file and a JSON pointer, and never
//! panics.

use openapi_gen::config::{CrateConfig, Selection};
use openapi_gen::{Config, Provenance, SpecError};

const FILE: &str = "specs/broken.yaml";

fn config(selection: Selection) -> Config {
    Config {
        spec: "broken.yaml".into(),
        krate: CrateConfig {
            name: "broken".into(),
            version: "0.0.0".into(),
            description: None,
        },
        client: Default::default(),
        docs: Default::default(),
        webhooks: None,
        operations: selection,
    }
}

fn all() -> Selection {
    Selection {
        all: true,
        ..Selection::default()
    }
}

fn problems_with(text: &str, selection: Selection) -> Vec<SpecError> {
    let provenance = Provenance {
        spec_file: FILE.into(),
        command: "test".into(),
    };
    let result = openapi_gen::load(FILE, text).and_then(|spec| {
        openapi_gen::generate(&spec, &config(selection), "specs/codegen.toml", &provenance)
    });
    match result {
        Ok(_) => panic!("expected problems, got a binding"),
        Err(e) => e.0,
    }
}

fn problems(text: &str) -> Vec<SpecError> {
    problems_with(text, all())
}

/// Asserts one problem at `pointer` whose message contains `needle`.
fn has(problems: &[SpecError], pointer: &str, needle: &str) {
    assert!(
        problems
            .iter()
            .any(|p| p.pointer == pointer && p.message.contains(needle) && p.file == FILE),
        "no problem at #{pointer} mentioning {needle:?}; got:\n{}",
        problems
            .iter()
            .map(|p| format!("  {p}\n"))
            .collect::<String>()
    );
}

const HEAD: &str =
    "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: 'https://x.test/'}]\n";

fn spec(paths: &str, components: &str) -> String {
    format!("{HEAD}paths:\n{paths}components:\n  schemas:\n{components}")
}

const OK_RESPONSE: &str = "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: object, properties: {id: {type: string}}}\n";

#[test]
fn a_dangling_ref_is_located() {
    let text = spec(
        "  /v1/x:\n    post:\n      operationId: X\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/missing'}\n",
        "    present: {type: object}\n",
    );
    let p = problems(&text);
    has(
        &p,
        "/paths/~1v1~1x/post/responses/200/content/application~1json/schema/$ref",
        "points at nothing",
    );
    assert_eq!(
        p[0].to_string(),
        "specs/broken.yaml#/paths/~1v1~1x/post/responses/200/content/application~1json/schema/$ref: `$ref: #/components/schemas/missing` points at nothing in this file"
    );
}

/// The warnings of a spec that generates.
fn warnings(text: &str) -> Vec<SpecError> {
    let provenance = Provenance {
        spec_file: FILE.into(),
        command: "test".into(),
    };
    let spec = openapi_gen::load(FILE, text).unwrap();
    match openapi_gen::generate(&spec, &config(all()), "specs/codegen.toml", &provenance) {
        Ok(generated) => generated.warnings,
        Err(e) => panic!("expected a binding, got {e}"),
    }
}

#[test]
fn an_undeclared_path_parameter_is_a_located_warning() {
    let text = spec(
        &format!("  /v1/x/{{id}}/redact:\n    post:\n      operationId: X\n{OK_RESPONSE}"),
        "    a: {type: object}\n",
    );
    has(
        &warnings(&text),
        "/paths/~1v1~1x~1{id}~1redact/post",
        "names `{id}` but the operation declares no path parameter `id`; it is taken as a required string argument",
    );
}

#[test]
fn a_path_parameter_missing_from_the_template_is_a_located_warning() {
    let text = spec(
        &format!("  /v1/x:\n    post:\n      operationId: X\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n{OK_RESPONSE}"),
        "    a: {type: object}\n",
    );
    has(
        &warnings(&text),
        "/paths/~1v1~1x/post/parameters/0",
        "is not in the path template `/v1/x`; it is ignored",
    );
}

#[test]
fn a_yaml_syntax_error_gives_line_and_column() {
    let p = problems("openapi: 3.0.3\ninfo: {title: t, version: '1'\npaths: {}\n");
    assert_eq!(p.len(), 1);
    assert!(p[0].message.starts_with("YAML syntax error"), "{}", p[0]);
    let (line, _) = p[0].line_col.expect("a position");
    assert!((2..=3).contains(&line), "{}", p[0]);
    assert!(
        p[0].to_string().starts_with("specs/broken.yaml:"),
        "{}",
        p[0]
    );
}

#[test]
fn a_json_spec_with_a_syntax_error_is_reported_too() {
    let p = problems("{\"openapi\": \"3.0.3\", \"info\": }");
    assert!(p[0].message.starts_with("JSON syntax error"), "{}", p[0]);
    assert_eq!(p[0].line_col.map(|(l, _)| l), Some(1));
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = spec(
        &format!(
            "  /v1/a/{{id}}:\n    post:\n      operationId: A\n      parameters:\n        - {{name: id, in: path, schema: {{type: string}}}}\n{OK_RESPONSE}  /v1/b:\n    post:\n      operationId: A\n      requestBody:\n        content:\n          application/xml:\n            schema: {{type: object}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/nope'}}\n"
        ),
        "    a: {$ref: '#/components/schemas/a/nope'}\n",
    );
    let p = problems(&text);
    has(
        &p,
        "/paths/~1v1~1a~1{id}/post/parameters/0/required",
        "must be `required: true`",
    );
    has(&p, "/paths/~1v1~1b/post/operationId", "also used at");
    has(
        &p,
        "/paths/~1v1~1b/post/responses/200/content/application~1json/schema/$ref",
        "points at nothing",
    );
    has(&p, "/components/schemas/a/$ref", "points at nothing");
    assert_eq!(p.len(), 4, "{p:#?}");
}

#[test]
fn a_selected_operation_that_does_not_exist_points_into_the_config() {
    let text = spec(
        &format!("  /v1/x:\n    post:\n      operationId: X\n{OK_RESPONSE}"),
        "    a: {type: object}\n",
    );
    let selection = Selection {
        include: vec!["X".into(), "Nope".into()],
        ..Selection::default()
    };
    let p = problems_with(&text, selection);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].file, "specs/codegen.toml");
    assert_eq!(p[0].pointer, "/operations/include/1");
    assert!(p[0].message.contains("\"Nope\""), "{}", p[0]);
}

#[test]
fn unsupported_schemas_are_located() {
    let text = spec(
        "  /v1/x:\n    post:\n      operationId: X\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/thing'}\n",
        "    thing:\n      type: object\n      properties:\n        bad: {not: {type: string}}\n",
    );
    has(
        &problems(&text),
        "/components/schemas/thing/properties/bad",
        "`not` schemas are not supported",
    );
}

#[test]
fn a_bad_header_name_is_reported() {
    let text = spec(
        &format!("  /v1/x:\n    get:\n      operationId: X\n      parameters:\n        - {{name: 'a b', in: header, schema: {{type: integer}}}}\n{OK_RESPONSE}"),
        "    a: {type: object}\n",
    );
    let p = problems(&text);
    has(
        &p,
        "/paths/~1v1~1x/get/parameters/0/name",
        "cannot be sent as a header name",
    );
}

#[test]
fn wrong_shapes_and_versions_are_located() {
    let p = problems(&format!(
        "{HEAD}paths:\n  /v1/x:\n    get:\n      responses: 7\n"
    ));
    assert_eq!(p[0].pointer, "/paths/~1v1~1x/get/responses", "{}", p[0]);
    let p = problems("openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n");
    assert_eq!(p[0].pointer, "/openapi");
    let p = problems("swagger: '2.0'\n");
    assert!(
        p[0].message.contains("is this an OpenAPI document"),
        "{}",
        p[0]
    );
    let p = problems("");
    assert!(!p.is_empty());
}

/// Every prefix of a real spec is either accepted or rejected with problems; none panics.
#[test]
fn truncated_specs_never_panic() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/stripe.yaml"))
            .unwrap();
    let provenance = Provenance {
        spec_file: FILE.into(),
        command: "test".into(),
    };
    let mut cut = 0;
    let mut rejected = 0;
    while cut < text.len() {
        if text.is_char_boundary(cut) {
            let result = std::panic::catch_unwind(|| {
                openapi_gen::load(FILE, &text[..cut]).and_then(|spec| {
                    openapi_gen::generate(&spec, &config(all()), "specs/codegen.toml", &provenance)
                })
            });
            match result {
                Ok(Err(e)) => {
                    assert!(!e.0.is_empty());
                    rejected += 1;
                }
                Ok(Ok(_)) => {}
                Err(_) => panic!("panicked on the first {cut} bytes"),
            }
        }
        cut += 97;
    }
    assert!(
        rejected > 10,
        "most truncations must be rejected ({rejected})"
    );
}

/// With `skip_unsupported`, the operations the generator cannot map are left out and listed
/// (here and in the README), a problem in a shared component leaves out every operation that
/// reaches it, and the rest is generated; problems of the document itself still refuse it.
#[test]
fn skip_unsupported_leaves_out_what_cannot_be_mapped_and_lists_it() {
    let paths = [
        format!("  /v1/good:\n    get:\n      operationId: Good\n{OK_RESPONSE}"),
        format!("  /v1/not:\n    post:\n      operationId: NotBody\n      requestBody:\n        content:\n          application/x-www-form-urlencoded:\n            schema:\n              type: object\n              properties:\n                x:\n                  not: {{type: object}}\n{OK_RESPONSE}"),
        format!("  /v1/mixed/{{id}}:\n    get:\n      operationId: Mixed\n      parameters:\n        - {{name: id, in: path, schema: {{type: string}}}}\n{OK_RESPONSE}"),
        format!("  /v1/shared:\n    get:\n{SHARED_RESPONSE}"),
        format!("  /v1/shared2:\n    get:\n      operationId: Shared2\n{SHARED_RESPONSE}"),
        // Not an operation's shape: set aside by the loader, a problem for it alone.
        "  /v1/noresp:\n    get:\n      operationId: NoResponses\n".to_owned(),
    ]
    .concat();
    let text = spec(&paths, "    both:\n      not: {type: string}\n");
    // Strict, the default: every problem, nothing generated.
    let strict = problems(&text);
    has(
        &strict,
        "/paths/~1v1~1mixed~1{id}/get/parameters/0/required",
        "must be `required: true`",
    );

    let mut lenient = all();
    lenient.skip_unsupported = true;
    let provenance = Provenance {
        spec_file: FILE.into(),
        command: "test".into(),
    };
    let spec_doc = openapi_gen::load(FILE, &text).unwrap();
    let generated = openapi_gen::generate(
        &spec_doc,
        &config(lenient.clone()),
        "specs/codegen.toml",
        &provenance,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(generated.operations, 1, "only Good is left");
    let left: Vec<(&str, &str)> = generated
        .left_out
        .iter()
        .map(|op| (op.operation_id.as_str(), op.problems[0].pointer.as_str()))
        .collect();
    assert_eq!(
        left,
        [
            ("Mixed", "/paths/~1v1~1mixed~1{id}/get/parameters/0/required"),
            ("NotBody", "/paths/~1v1~1not/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/x"),
            ("get /v1/shared", "/components/schemas/both"),
            ("Shared2", "/components/schemas/both"),
            ("NoResponses", "/paths/~1v1~1noresp/get"),
        ]
    );
    let readme = &generated.files["README.md"];
    assert!(readme.contains("## Left out"), "{readme}");
    assert!(readme.contains("| `POST /v1/not` | `NotBody` | `specs/broken.yaml#/paths/~1v1~1not/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/x` |"), "{readme}");
    assert!(
        readme.contains("| `GET /v1/shared` | `get /v1/shared` |"),
        "{readme}"
    );

    // A problem of the document (a dangling `$ref`) is no one operation's: still refused.
    let broken = text.replace(
        "{type: object}\n",
        "{$ref: '#/components/schemas/missing'}\n",
    );
    let spec_doc = openapi_gen::load(FILE, &broken).unwrap();
    let e = openapi_gen::generate(
        &spec_doc,
        &config(lenient),
        "specs/codegen.toml",
        &provenance,
    )
    .unwrap_err();
    assert!(
        e.0.iter().any(|p| p.message.contains("points at nothing")),
        "{e}"
    );
}

const SHARED_RESPONSE: &str = "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/both'}\n";

#[test]
fn security_schemes_the_client_cannot_send_are_located_where_an_operation_uses_them() {
    let text = format!(
        "{HEAD}paths:\n  /v1/x:\n    get:\n      operationId: X\n      security: [{{digest: []}}, {{nowhere: []}}]\n{OK_RESPONSE}  /v1/y:\n    get:\n      operationId: Y\n      security: [{{key: []}}]\n{OK_RESPONSE}components:\n  securitySchemes:\n    digest: {{type: http, scheme: digest}}\n    key: {{type: apiKey, in: header, name: 'X Key'}}\n"
    );
    let p = problems(&text);
    has(
        &p,
        "/components/securitySchemes/digest",
        "the HTTP authentication scheme `digest` is not supported",
    );
    has(
        &p,
        "/paths/~1v1~1x/get/security/1/nowhere",
        "the security scheme `nowhere` is not declared",
    );
    has(
        &p,
        "/components/securitySchemes/key",
        "is not an HTTP token",
    );
}

#[test]
fn a_key_scheme_must_take_one_secret() {
    let text = format!(
        "{HEAD}paths:\n  /v1/x:\n    get:\n      operationId: X\n{OK_RESPONSE}components:\n  securitySchemes:\n    basicAuth: {{type: http, scheme: basic}}\n"
    );
    let provenance = Provenance {
        spec_file: FILE.into(),
        command: "test".into(),
    };
    let mut config = config(all());
    config.client.key_scheme = Some("basicAuth".into());
    let spec = openapi_gen::load(FILE, &text).unwrap();
    let Err(p) = openapi_gen::generate(&spec, &config, "specs/codegen.toml", &provenance) else {
        panic!("expected the key scheme to be refused");
    };
    let p = p.0;
    has(
        &p,
        "/components/securitySchemes/basicAuth",
        "names a `basic` scheme",
    );
}

#[test]
fn all_of_members_that_cannot_be_merged_are_located() {
    let response = |schema: &str| {
        format!("  /v1/{schema}:\n    get:\n      operationId: Get{schema}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/{schema}'}}\n")
    };
    let text = spec(
        &[response("scalar"), response("clash"), response("pets"), response("inline")].concat(),
        "    base:\n      type: object\n      properties:\n        size: {type: integer}\n\
         \x20   scalar:\n      allOf: [{$ref: '#/components/schemas/base'}, {type: string}]\n\
         \x20   clash:\n      allOf:\n        - $ref: '#/components/schemas/base'\n        - type: object\n          properties:\n            size: {type: string}\n\
         \x20   dog: {type: object, properties: {kind: {type: string}}}\n\
         \x20   pets:\n      oneOf: [{$ref: '#/components/schemas/dog'}, {$ref: '#/components/schemas/base'}]\n      discriminator:\n        propertyName: kind\n        mapping: {cat: '#/components/schemas/cat'}\n\
         \x20   inline:\n      oneOf: [{$ref: '#/components/schemas/dog'}, {type: object, properties: {kind: {type: string}}}]\n      discriminator: {propertyName: kind}\n",
    );
    let p = problems(&text);
    has(
        &p,
        "/components/schemas/scalar/allOf/1",
        "an `allOf` member must be an object schema to be merged, not a `string`",
    );
    has(
        &p,
        "/components/schemas/clash/allOf/1/properties/size",
        "`allOf` members give the property `size` conflicting types: `integer` (at /components/schemas/base/properties/size) and `string`",
    );
    has(
        &p,
        "/components/schemas/pets/discriminator/mapping/cat",
        "`#/components/schemas/cat` is not one of the union's `$ref` members",
    );
    has(
        &p,
        "/components/schemas/inline/oneOf/1",
        "needs a `mapping` entry (or a `$ref`) to give its `kind` value",
    );
}
