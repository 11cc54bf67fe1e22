//! Specs split over many files (`tests/specs/multifile/`): bundled at load time, problems named
//! by the file that holds them, and the binding generated from them right on the wire.

mod support;

use std::collections::BTreeMap;

use openapi_gen::{Config, SpecError};
use snapshot_multifile::types::{OrderObject, Status, Status2};
use snapshot_multifile::{orders, Client};
use support::server::{Reply, TestServer};

const HEAD: &str =
    "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: 'https://x.test/'}]\n";

/// Loads and checks `files` (name → text) entered at `api/openapi.yaml`; the problems found.
fn problems(files: &[(&str, &str)]) -> Vec<SpecError> {
    let files: BTreeMap<&str, &str> = files.iter().copied().collect();
    let mut read = |name: &str| {
        files
            .get(name)
            .map(|t| (*t).to_owned())
            .ok_or_else(|| "no such file".to_owned())
    };
    let spec = match openapi_gen::load_files("api/openapi.yaml", &mut read) {
        Ok(spec) => spec,
        Err(e) => return e.0,
    };
    let config = Config::all_operations("multi");
    match openapi_gen::build_model(&spec, &config, "codegen.toml") {
        Ok(_) => Vec::new(),
        Err(e) => e.0,
    }
}

/// The one problem, as `file#pointer: message`.
fn only(files: &[(&str, &str)]) -> SpecError {
    let p = problems(files);
    assert_eq!(p.len(), 1, "{p:#?}");
    p.into_iter().next().unwrap()
}

fn entry_with_path(reference: &str) -> String {
    format!("{HEAD}paths:\n  /v1/a:\n    $ref: '{reference}'\n")
}

const PATH_ITEM: &str = "get:\n  operationId: A\n  responses:\n    '200':\n      description: ok\n      content:\n        application/json:\n          schema: {$ref: '../schemas/a.yaml#/A'}\n";

#[test]
fn a_good_spec_over_several_files_has_no_problems() {
    let entry = entry_with_path("paths/a.yaml");
    let p = problems(&[
        ("api/openapi.yaml", &entry),
        ("api/paths/a.yaml", PATH_ITEM),
        (
            "api/schemas/a.yaml",
            "A: {type: object, properties: {b: {$ref: '#/A'}}}\n",
        ),
    ]);
    assert!(p.is_empty(), "{p:#?}");
}

#[test]
fn a_missing_file_is_named_where_it_is_referred_to() {
    let entry = entry_with_path("paths/a.yaml");
    let e = only(&[
        ("api/openapi.yaml", &entry),
        ("api/paths/a.yaml", PATH_ITEM),
    ]);
    assert_eq!(e.file, "api/paths/a.yaml");
    assert_eq!(
        e.pointer,
        "/get/responses/200/content/application~1json/schema/$ref"
    );
    assert!(
        e.message
            .contains("cannot read `api/schemas/a.yaml`: no such file"),
        "{e}"
    );
}

#[test]
fn a_pointer_to_nothing_in_another_file_is_located() {
    let entry = entry_with_path("paths/a.yaml");
    let e = only(&[
        ("api/openapi.yaml", &entry),
        ("api/paths/a.yaml", PATH_ITEM),
        ("api/schemas/a.yaml", "B: {type: string}\n"),
    ]);
    assert_eq!(e.file, "api/paths/a.yaml", "{e}");
    assert!(
        e.message
            .contains("points at nothing: `api/schemas/a.yaml` has no `#/A`"),
        "{e}"
    );
}

#[test]
fn a_problem_inside_another_file_names_that_file_and_its_pointer() {
    let entry = entry_with_path("paths/a.yaml");
    // A repeated operationId in the path file, a bad schema in the schema file.
    let path_item = format!(
        "{PATH_ITEM}post:\n  operationId: A\n  responses:\n    '200': {{description: ok}}\n"
    );
    let p = problems(&[
        ("api/openapi.yaml", &entry),
        ("api/paths/a.yaml", &path_item),
        (
            "api/schemas/a.yaml",
            "A: {type: object, properties: {n: {type: integer, format: int7}}}\n",
        ),
    ]);
    let located: Vec<String> = p
        .iter()
        .map(|e| format!("{}#{}", e.file, e.pointer))
        .collect();
    assert!(
        located.contains(&"api/paths/a.yaml#/post/operationId".to_owned()),
        "{p:#?}"
    );
    assert!(p.iter().all(|e| e.file != "api/openapi.yaml"), "{p:#?}");

    // A schema that does not have a schema's shape, two files away from the entry.
    let e = only(&[
        ("api/openapi.yaml", &entry),
        ("api/paths/a.yaml", PATH_ITEM),
        (
            "api/schemas/a.yaml",
            "A: {type: object, properties: {n: {type: 5}}}\n",
        ),
    ]);
    assert_eq!(e.file, "api/schemas/a.yaml", "{e}");
    assert!(e.pointer.starts_with("/A"), "{e}");

    // In a 3.1 document, what 3.0 cannot say is located in its file too.
    let entry31 = entry.replace("3.0.3", "3.1.0");
    let e = only(&[
        ("api/openapi.yaml", &entry31),
        ("api/paths/a.yaml", PATH_ITEM),
        (
            "api/schemas/a.yaml",
            "A: {type: object, properties: {n: {type: array, prefixItems: [{type: string}]}}}\n",
        ),
    ]);
    assert_eq!(
        (e.file.as_str(), e.pointer.as_str()),
        ("api/schemas/a.yaml", "/A/properties/n/prefixItems"),
        "{e}"
    );
}

#[test]
fn syntax_errors_in_other_files_carry_their_line() {
    let entry = entry_with_path("paths/a.yaml");
    let e = only(&[
        ("api/openapi.yaml", &entry),
        ("api/paths/a.yaml", "get: [\n"),
    ]);
    assert_eq!(e.file, "api/paths/a.yaml");
    assert!(
        e.line_col.is_some() && e.message.contains("YAML syntax"),
        "{e}"
    );
}

#[test]
fn a_url_reference_is_refused_where_it_stands() {
    let entry = entry_with_path("paths/a.yaml");
    let item = PATH_ITEM.replace(
        "../schemas/a.yaml#/A",
        "https://example.com/schemas.yaml#/A",
    );
    let e = only(&[("api/openapi.yaml", &entry), ("api/paths/a.yaml", &item)]);
    assert_eq!(e.file, "api/paths/a.yaml");
    assert!(e.pointer.ends_with("/schema/$ref"), "{e}");
    assert!(e.message.contains("is a URL; nothing is fetched"), "{e}");
}

#[test]
fn a_cycle_of_references_that_are_not_schemas_is_refused() {
    let entry = entry_with_path("paths/a.yaml");
    let e = only(&[
        ("api/openapi.yaml", &entry),
        ("api/paths/a.yaml", "$ref: b.yaml\n"),
        ("api/paths/b.yaml", "$ref: a.yaml\n"),
    ]);
    assert_eq!(e.file, "api/paths/b.yaml", "{e}");
    assert!(e.message.contains("leads back to itself"), "{e}");
}

#[test]
fn schemas_referring_to_each_other_across_files_are_fine() {
    let entry = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Root: {{$ref: 'schemas/a.json'}}\n"
    );
    let spec = openapi_gen::load_files("api/openapi.yaml", &mut |name: &str| match name {
        "api/openapi.yaml" => Ok(entry.clone()),
        "api/schemas/a.json" => {
            Ok(r#"{"type": "object", "properties": {"b": {"$ref": "deeper/b.yaml"}}}"#.into())
        }
        "api/schemas/deeper/b.yaml" => Ok("properties: {a: {$ref: '../a.json'}}\n".into()),
        _ => Err("no such file".into()),
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let schemas = &spec.raw["components"]["schemas"];
    // The entry's component keeps its name; the other file is hoisted beside it.
    assert_eq!(
        schemas["Root"]["properties"]["b"]["$ref"],
        "#/components/schemas/b"
    );
    assert_eq!(
        schemas["b"]["properties"]["a"]["$ref"],
        "#/components/schemas/Root"
    );
    assert_eq!(
        spec.files,
        [
            "api/openapi.yaml",
            "api/schemas/a.json",
            "api/schemas/deeper/b.yaml"
        ]
    );
}

#[test]
fn a_schema_file_with_its_own_defs() {
    let entry = entry_with_path("paths/a.yaml");
    let p = problems(&[
        ("api/openapi.yaml", &entry),
        ("api/paths/a.yaml", PATH_ITEM),
        (
            "api/schemas/a.yaml",
            "A:\n  properties: {m: {$ref: '#/$defs/Money'}}\n$defs:\n  Money: {type: integer}\n",
        ),
    ]);
    assert!(p.is_empty(), "{p:#?}");
}

#[test]
fn load_with_one_text_says_to_use_load_files() {
    let e = openapi_gen::load("api/openapi.yaml", &entry_with_path("paths/a.yaml")).unwrap_err();
    assert!(e.0[0].message.contains("load_files"), "{e}");
}

#[tokio::test]
async fn the_bundled_binding_decodes_objects_from_every_file() {
    let order = serde_json::json!({
        "id": "o_1", "object": "order", "status": "baked",
        "customer": {"id": "c_1", "name": "Ann", "referred_by": {"id": "c_0", "name": "Bo"}},
        "lines": [{"product": "rye", "quantity": 2, "status": "in_oven"}]
    });
    let server = TestServer::start(vec![Reply::json(200, &order.to_string())]).await;
    let client = Client::builder()
        .base_url(server.base_url())
        .build()
        .unwrap();
    let got = orders::retrieve(&client, "o_1").await.unwrap();
    let request = &server.requests()[0];
    assert_eq!(
        (request.method.as_str(), request.target.as_str()),
        ("GET", "/v1/orders/o_1")
    );
    assert_eq!(got.status, Status2::Baked);
    assert_eq!(got.object, OrderObject::Order);
    let customer = got.customer.unwrap();
    assert_eq!(customer.referred_by.unwrap().name, "Bo");
    assert_eq!(got.lines[0].status, Some(Status::InOven));
}

#[test]
fn references_that_multiply_are_refused_not_followed_forever() {
    // Each level refers to the next twice: 2^40 copies if nothing stopped it.
    let mut files: Vec<(String, String)> = (0..40)
        .map(|i| {
            (
                format!("api/r/{i}.yaml"),
                format!(
                    "a: {{$ref: '{n}.yaml'}}\nb: {{$ref: '{n}.yaml'}}\n",
                    n = i + 1
                ),
            )
        })
        .collect();
    files.push(("api/r/40.yaml".into(), "description: leaf\n".into()));
    let entry =
        format!("{HEAD}paths: {{}}\ncomponents:\n  responses:\n    R: {{$ref: 'r/0.yaml'}}\n");
    files.push(("api/openapi.yaml".into(), entry));
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let e = only(&borrowed);
    assert!(e.message.contains("copied in place"), "{e}");
}
