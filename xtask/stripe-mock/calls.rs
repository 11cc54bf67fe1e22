//! The whole-Stripe binding against Stripe's own mock server (stripe-mock): a couple of dozen
//! calls covering Stripe's patterns. `cargo xtask stripe-full` copies this file into
//! `target/stripe-full/stripe-mock-tests/tests/calls.rs` and runs it with the binding it
//! generated there (crate `stripe_full`); it is not compiled in place. To rerun it after
//! editing, copy it there and run `CARGO_INCREMENTAL=0 cargo test --workspace --test calls` in
//! `target/stripe-full` (with `--workspace`, so the binding keeps the features it was built with).
//!
//! The mock validates every request against the spec (unknown parameters, wrong shapes such
//! as a map where an array belongs, bad enum values and missing required ones are 400s) and
//! answers with fixtures: ids are random, nothing is stored, top-level scalars it was sent are
//! echoed, and an object's own id is echoed from the path. So each call checks that the mock
//! accepted the request, that the answer decodes into the typed response, and whatever the
//! mock echoes or expands. All calls are in this one file so that renamed operations or
//! changed parameter types are adapted in one place.

use std::collections::BTreeMap;
use std::future::Future;
use std::process::ExitCode;
use std::time::Duration;

use futures_util::StreamExt;
use libtest_mimic::{Arguments, Trial};
use stripe_full::types::{
    BalanceTransactionObject, CardCustomer, ChargeObject, CustomerObject, FilePurpose,
    ProductObject,
};
use stripe_full::{
    accounts, balance, charges, checkout, customers, files, invoices, payment_intents, prices,
    products, subscriptions,
};
use stripe_full::{
    ApiError, ApiErrorKind, Clearable, Client, Error, Expandable, Method, RequestOptions,
    UploadFile,
};
use stripe_mock_tests::stripe_mock::StripeMock;

/// A key the mock accepts: `sk_test_` and letters or digits (one more `_` and it refuses it).
const KEY: &str = "sk_test_stripeFull";

/// Trials named after their functions.
macro_rules! trials {
    ($base:expr; $($test:ident),* $(,)?) => {
        vec![$(trial(stringify!($test), $base, $test)),*]
    };
}

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let mock = (!args.list).then(|| StripeMock::start(stripe_mock_tests::STRIPE_MOCK.as_ref()));
    let base = mock.as_ref().map(StripeMock::base_url);
    let trials = trials![&base;
        // create / retrieve / update (with clearing) / delete
        customers_create_nested_objects_and_arrays,
        customers_retrieve_decodes_the_union,
        customers_update_sets_and_clears,
        customers_delete,
        products_create_nested_price_data,
        products_update_clears_fields,
        products_delete,
        prices_create,
        prices_create_tiered,
        payment_intents_create,
        subscriptions_create_items,
        subscriptions_create_trial_ends_now,
        customers_discount_delete,
        balance_history_list_and_auto_paging,
        accounts_people_create,
        subscriptions_update_clears,
        checkout_sessions_create_line_items,
        // lists, search, auto-paging, deepObject filters
        customers_list_created_range,
        customers_list_auto_paging_ends,
        charges_search_and_auto_paging,
        invoices_upcoming_arrays_in_query,
        // expand, expanded unions
        charges_retrieve_expands_unions,
        charges_list_expands_data_customer,
        payment_intents_expand_nested,
        // multipart upload on the operation's own server
        files_create_multipart_reaches_the_mock,
        // Connect
        accounts_create_nested_capabilities,
        connect_with_options_on_an_account,
        // errors
        unknown_enum_value_is_a_typed_400,
        unknown_query_parameter_is_a_typed_400,
        unknown_route_is_a_typed_404,
    ];
    let conclusion = libtest_mimic::run(&args, trials);
    drop(mock);
    conclusion.exit_code()
}

/// A trial running `test` against the mock on a single-threaded runtime of its own.
fn trial<F, Fut>(name: &str, base: &Option<String>, test: F) -> Trial
where
    F: FnOnce(Client) -> Fut + Send + 'static,
    Fut: Future<Output = ()>,
{
    let base = base.clone();
    Trial::test(name, move || {
        let base = base.ok_or("the mock was not started although a test runs")?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("tokio: {e}"))?;
        let client = Client::builder(KEY)
            .base_url(base)
            // A failure should show as it happened, not after retries.
            .max_retries(0)
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| format!("client: {e}"))?;
        runtime.block_on(test(client));
        Ok(())
    })
}

/// The value of a call that must succeed; the error in full otherwise.
fn ok<T>(what: &str, result: Result<T, Error>) -> T {
    result.unwrap_or_else(|e| panic!("{what}: {e}\n{e:?}"))
}

/// The error an answer with an error status became; panics on anything else.
fn api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> Box<ApiError> {
    match result {
        Err(Error::Api(e)) => e,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

fn expand(fields: &[&str]) -> Option<Vec<String>> {
    Some(fields.iter().map(|f| f.to_string()).collect())
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

// ---- create / retrieve / update / delete ------------------------------------------------

/// Nested objects (`address[city]`), arrays of scalars (`preferred_locales[0]`), arrays of
/// objects (`tax_id_data[0][type]`) and arrays of objects inside objects
/// (`invoice_settings[custom_fields][0][name]`): the mock checks each shape against the spec
/// (a map where an array belongs is a 400) and echoes the top-level scalars.
async fn customers_create_nested_objects_and_arrays(client: Client) {
    let address = customers::CreateParamsAddress {
        city: Some("Paris".into()),
        country: Some("FR".into()),
        line1: Some("1 rue de Rivoli".into()),
        ..Default::default()
    };
    let params = customers::CreateParams {
        email: Some("jenny@example.com".into()),
        name: Some("Jenny Rosen".into()),
        preferred_locales: Some(vec!["fr".into(), "en".into()]),
        metadata: Some(Clearable::Set(map(&[("order", "42")]))),
        address: Some(Clearable::Set(address.clone())),
        shipping: Some(Clearable::Set(customers::CreateParamsShipping {
            name: Some("Jenny Rosen".into()),
            address: Some(address),
            ..Default::default()
        })),
        tax_id_data: Some(vec![customers::CreateParamsTaxIdData {
            r#type: Some(customers::CreateParamsTaxIdDataType::EuVat),
            value: Some("FR12345678901".into()),
        }]),
        invoice_settings: Some(customers::CreateParamsInvoiceSettings {
            custom_fields: Some(Clearable::Set(vec![
                customers::CreateParamsInvoiceSettingsCustomFields {
                    name: Some("PO".into()),
                    value: Some("1234".into()),
                },
            ])),
            footer: Some("Thanks".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let customer = ok(
        "customers::create",
        customers::create(&client, &params).await,
    );
    assert_eq!(customer.object, CustomerObject::Customer);
    assert_eq!(customer.email.as_deref(), Some("jenny@example.com"));
    assert_eq!(customer.name.as_deref(), Some("Jenny Rosen"));
    assert_eq!(
        customer.preferred_locales,
        Some(vec!["fr".to_string(), "en".to_string()])
    );
}

/// `GET /v1/customers/{id}` answers `customer` or `deleted_customer`: an enum over both.
async fn customers_retrieve_decodes_the_union(client: Client) {
    let params = customers::RetrieveParams::default();
    let answer = ok(
        "customers::retrieve",
        customers::retrieve(&client, "cus_mock1", &params).await,
    );
    match answer {
        customers::RetrieveResponse::Customer(customer) => assert_eq!(customer.id, "cus_mock1"),
        other => panic!("the mock's fixture is a live customer: {other:?}"),
    }
}

/// Setting nested values and clearing others (`address=`, `metadata=`, `shipping=`) in one
/// update: the mock accepts `""` only where the spec declares it.
async fn customers_update_sets_and_clears(client: Client) {
    let params = customers::UpdateParams {
        address: Some(Clearable::Clear),
        shipping: Some(Clearable::Clear),
        metadata: Some(Clearable::Clear),
        invoice_settings: Some(customers::UpdateParamsInvoiceSettings {
            custom_fields: Some(Clearable::Clear),
            rendering_options: Some(Clearable::Clear),
            ..Default::default()
        }),
        description: Some("updated".into()),
        ..Default::default()
    };
    let customer = ok(
        "customers::update",
        customers::update(&client, "cus_mock1", &params).await,
    );
    assert_eq!(customer.id, "cus_mock1");
    assert_eq!(customer.description.as_deref(), Some("updated"));
}

async fn customers_delete(client: Client) {
    let deleted = ok(
        "customers::delete",
        customers::delete(&client, "cus_mock1").await,
    );
    assert!(deleted.deleted);
    assert_eq!(deleted.id, "cus_mock1");
}

async fn products_create_nested_price_data(client: Client) {
    let params = products::CreateParams {
        name: Some("Widget".into()),
        description: Some("A widget".into()),
        features: Some(vec![
            products::CreateParamsFeatures {
                name: Some("fast".into()),
            },
            products::CreateParamsFeatures {
                name: Some("small".into()),
            },
        ]),
        default_price_data: Some(products::CreateParamsDefaultPriceData {
            currency: Some("eur".into()),
            unit_amount: Some(500),
            recurring: Some(products::CreateParamsDefaultPriceDataRecurring {
                interval: Some(
                    checkout::sessions::CreateParamsLineItemsPriceDataRecurringInterval::Month,
                ),
                interval_count: Some(1),
            }),
            ..Default::default()
        }),
        metadata: Some(map(&[("sku", "W-1")])),
        ..Default::default()
    };
    let product = ok("products::create", products::create(&client, &params).await);
    assert_eq!(product.object, ProductObject::Product);
    assert_eq!(product.name, "Widget");
    assert_eq!(product.description.as_deref(), Some("A widget"));
}

/// `Clearable::Clear` sends `field=`; the mock echoes the empty strings, where leaving the
/// fields out would have given the fixture's values.
async fn products_update_clears_fields(client: Client) {
    let params = products::UpdateParams {
        description: Some(Clearable::Clear),
        url: Some(Clearable::Clear),
        images: Some(Clearable::Clear),
        metadata: Some(Clearable::Clear),
        ..Default::default()
    };
    let product = ok(
        "products::update",
        products::update(&client, "prod_mock1", &params).await,
    );
    assert_eq!(product.id, "prod_mock1");
    assert_eq!(product.description.as_deref(), Some(""));
    assert_eq!(product.url.as_deref(), Some(""));
}

async fn products_delete(client: Client) {
    let deleted = ok(
        "products::delete",
        products::delete(&client, "prod_mock1").await,
    );
    assert!(deleted.deleted);
    assert_eq!(deleted.id, "prod_mock1");
}

async fn prices_create(client: Client) {
    let params = prices::CreateParams {
        currency: Some("eur".into()),
        unit_amount: Some(1234),
        product: Some("prod_mock1".into()),
        recurring: Some(prices::CreateParamsRecurring {
            interval: Some(prices::CreateParamsRecurringInterval::Year),
            ..Default::default()
        }),
        nickname: Some("yearly".into()),
        ..Default::default()
    };
    let price = ok("prices::create", prices::create(&client, &params).await);
    assert_eq!(price.currency, "eur");
    assert_eq!(price.unit_amount, Some(1234));
    assert_eq!(price.nickname.as_deref(), Some("yearly"));
    // `product` is id-or-object; the mock echoes the id it was sent.
    assert_eq!(price.product.id(), "prod_mock1");
}

/// Tiers are an array of objects; the mock checks each `up_to` against the spec, and the
/// last tier says `inf` (what the real API requires of a tiered price).
async fn prices_create_tiered(client: Client) {
    use prices::CreateParamsTiersUpTo as UpTo;
    let tier = |up_to, unit_amount| prices::CreateParamsTiers {
        up_to: Some(up_to),
        unit_amount: Some(unit_amount),
        ..Default::default()
    };
    let params = prices::CreateParams {
        currency: Some("usd".into()),
        product: Some("prod_mock1".into()),
        billing_scheme: Some(prices::CreateParamsBillingScheme::Tiered),
        tiers_mode: Some(prices::CreateParamsTiersMode::Graduated),
        tiers: Some(vec![
            tier(UpTo::Integer(10), 500),
            tier(UpTo::Integer(100), 400),
            tier(UpTo::Inf, 300),
        ]),
        recurring: Some(prices::CreateParamsRecurring {
            interval: Some(prices::CreateParamsRecurringInterval::Month),
            ..Default::default()
        }),
        ..Default::default()
    };
    let price = ok(
        "prices::create tiered",
        prices::create(&client, &params).await,
    );
    assert_eq!(price.billing_scheme.as_str(), "tiered");
    assert_eq!(
        price.tiers_mode.as_ref().map(|m| m.as_str()),
        Some("graduated")
    );
}

async fn payment_intents_create(client: Client) {
    let params = payment_intents::CreateParams {
        amount: Some(4242),
        currency: Some("eur".into()),
        payment_method_types: Some(vec!["card".into(), "sepa_debit".into()]),
        metadata: Some(map(&[("order", "42")])),
        description: Some("order 42".into()),
        ..Default::default()
    };
    let intent = ok(
        "payment_intents::create",
        payment_intents::create(&client, &params).await,
    );
    assert_eq!((intent.amount, intent.currency.as_str()), (4242, "eur"));
    assert_eq!(intent.payment_method_types, ["card", "sepa_debit"]);
    assert_eq!(intent.description.as_deref(), Some("order 42"));
}

/// An array of objects with nested maps (`items[0][metadata][k]`) and a clearable array set.
async fn subscriptions_create_items(client: Client) {
    let params = subscriptions::CreateParams {
        customer: Some("cus_mock1".into()),
        items: Some(vec![
            subscriptions::CreateParamsItems {
                price: Some("price_mock1".into()),
                quantity: Some(2),
                metadata: Some(map(&[("seat", "a")])),
                ..Default::default()
            },
            subscriptions::CreateParamsItems {
                price: Some("price_mock2".into()),
                tax_rates: Some(Clearable::Set(vec!["txr_mock1".into()])),
                ..Default::default()
            },
        ]),
        default_tax_rates: Some(Clearable::Set(vec!["txr_mock1".into()])),
        description: Some("two seats".into()),
        // A timestamp; `subscriptions_create_trial_ends_now` sends `now`.
        trial_end: Some(subscriptions::CreateParamsTrialEnd::Timestamp(
            1_900_000_000,
        )),
        ..Default::default()
    };
    let subscription = ok(
        "subscriptions::create",
        subscriptions::create(&client, &params).await,
    );
    assert_eq!(subscription.customer.id(), "cus_mock1");
    assert_eq!(subscription.description.as_deref(), Some("two seats"));
    assert_eq!(subscription.trial_end, Some(1_900_000_000));
    assert!(!subscription.items.data.is_empty(), "the fixture's items");
}

/// `trial_end=now`: the word beside the timestamp. The mock validates it against the spec and
/// answers its fixture (it keeps no state), so success and the decoded answer are what can be
/// checked here; `patterns.rs` checks the bytes on the wire.
async fn subscriptions_create_trial_ends_now(client: Client) {
    let params = subscriptions::CreateParams {
        customer: Some("cus_mock1".into()),
        items: Some(vec![subscriptions::CreateParamsItems {
            price: Some("price_mock1".into()),
            ..Default::default()
        }]),
        trial_end: Some(subscriptions::CreateParamsTrialEnd::Now),
        ..Default::default()
    };
    let subscription = ok(
        "subscriptions::create trial_end=now",
        subscriptions::create(&client, &params).await,
    );
    assert_eq!(subscription.customer.id(), "cus_mock1");
}

/// A sub-resource of a customer, deleted: `DELETE /v1/customers/{customer}/discount`.
async fn customers_discount_delete(client: Client) {
    let deleted = ok(
        "customers::discount::delete",
        customers::discount::delete(&client, "cus_mock1").await,
    );
    assert!(deleted.deleted);
}

/// `GET /v1/balance/history`, a collection under a singleton, listed and auto-paged.
async fn balance_history_list_and_auto_paging(client: Client) {
    let params = balance::history::ListParams {
        limit: Some(3),
        ..Default::default()
    };
    let page = ok(
        "balance::history::list",
        balance::history::list(&client, &params).await,
    );
    assert!(!page.data.is_empty(), "the fixture's transaction");
    let items: Vec<_> = balance::history::list_auto_paging(&client, &params)
        .take(5)
        .collect()
        .await;
    assert!(
        !items.is_empty() && items.iter().all(Result::is_ok),
        "{items:?}"
    );
}

/// A person on a connected account: `POST /v1/accounts/{account}/people`, with nested objects.
async fn accounts_people_create(client: Client) {
    let params = accounts::people::CreateParams {
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        email: Some("ada@example.com".into()),
        dob: Some(Clearable::Set(accounts::people::CreateParamsDob {
            day: Some(10),
            month: Some(12),
            year: Some(1815),
        })),
        ..Default::default()
    };
    let person = ok(
        "accounts::people::create",
        accounts::people::create(&client, "acct_mock1", &params).await,
    );
    assert_eq!(person.first_name.as_deref(), Some("Ada"));
    assert_eq!(person.last_name.as_deref(), Some("Lovelace"));
}

/// Clearing a timestamp (`cancel_at=`), an array (`default_tax_rates=`), an object
/// (`pause_collection=`) and a string (`description=`, echoed).
async fn subscriptions_update_clears(client: Client) {
    let params = subscriptions::UpdateParams {
        cancel_at: Some(Clearable::Clear),
        default_tax_rates: Some(Clearable::Clear),
        pause_collection: Some(Clearable::Clear),
        description: Some(Clearable::Clear),
        ..Default::default()
    };
    let subscription = ok(
        "subscriptions::update",
        subscriptions::update(&client, "sub_mock1", &params).await,
    );
    assert_eq!(subscription.id, "sub_mock1");
    assert_eq!(subscription.description.as_deref(), Some(""));
}

/// `line_items[0][price_data][product_data][name]`: three levels inside an array.
async fn checkout_sessions_create_line_items(client: Client) {
    use checkout::sessions::{
        CreateParams, CreateParamsLineItems, CreateParamsLineItemsPriceData,
        CreateParamsLineItemsPriceDataProductData, CreateParamsMode,
    };
    let params = CreateParams {
        mode: Some(CreateParamsMode::Payment),
        success_url: Some("https://example.com/ok".into()),
        cancel_url: Some("https://example.com/cancel".into()),
        line_items: Some(vec![CreateParamsLineItems {
            quantity: Some(1),
            price_data: Some(CreateParamsLineItemsPriceData {
                currency: Some("usd".into()),
                unit_amount: Some(1500),
                product_data: Some(CreateParamsLineItemsPriceDataProductData {
                    name: Some("T-shirt".into()),
                    metadata: Some(map(&[("size", "M")])),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let session = ok(
        "checkout::sessions::create",
        checkout::sessions::create(&client, &params).await,
    );
    assert_eq!(session.mode, CreateParamsMode::Payment);
    assert_eq!(
        session.success_url.as_deref(),
        Some("https://example.com/ok")
    );
}

// ---- lists, search, auto-paging, deepObject filters --------------------------------------

/// `created[gte]=…&created[lt]=…` (deepObject) with `limit` and `expand[0]`.
async fn customers_list_created_range(client: Client) {
    let params = customers::ListParams {
        created: Some(customers::ListParamsCreated::RangeQuerySpecs(Box::new(
            customers::RangeQuerySpecs {
                gte: Some(1_600_000_000),
                lt: Some(1_900_000_000),
                ..Default::default()
            },
        ))),
        limit: Some(3),
        email: Some("jenny@example.com".into()),
        expand: expand(&["data.default_source"]),
        ..Default::default()
    };
    let page = ok("customers::list", customers::list(&client, &params).await);
    assert_eq!(
        (page.object.as_str(), page.url.as_str()),
        ("list", "/v1/customers")
    );
    assert!(!page.data.is_empty());
    for customer in &page.data {
        assert_eq!(customer.object, CustomerObject::Customer);
    }
}

/// The mock answers one page with `has_more: false`: the stream yields that page's items and
/// ends, rather than asking again (which `take(5)` would show as repeated items).
async fn customers_list_auto_paging_ends(client: Client) {
    let params = customers::ListParams {
        limit: Some(2),
        ..Default::default()
    };
    let first_page = ok("customers::list", customers::list(&client, &params).await);
    assert!(!first_page.has_more);
    let stream = customers::list_auto_paging(&client, &params).take(5);
    let items: Vec<_> = tokio::time::timeout(Duration::from_secs(20), stream.collect::<Vec<_>>())
        .await
        .expect("the stream ends");
    let items: Vec<_> = items
        .into_iter()
        .map(|item| ok("customers::list_auto_paging", item))
        .collect();
    assert_eq!(items.len(), first_page.data.len());
}

async fn charges_search_and_auto_paging(client: Client) {
    let params = charges::SearchParams {
        query: Some("amount>999 AND metadata['order_id']:'6735'".into()),
        limit: Some(5),
        ..Default::default()
    };
    let page = ok("charges::search", charges::search(&client, &params).await);
    assert_eq!(
        (page.object.as_str(), page.url.as_str()),
        ("search_result", "/v1/charges/search")
    );
    assert_eq!(page.next_page, None);
    assert!(!page.data.is_empty());
    let items: Vec<_> = tokio::time::timeout(
        Duration::from_secs(20),
        charges::search_auto_paging(&client, &params)
            .take(5)
            .collect::<Vec<_>>(),
    )
    .await
    .expect("the stream ends");
    assert_eq!(items.len(), page.data.len());
    for item in items {
        assert_eq!(ok("search_auto_paging", item).object, ChargeObject::Charge);
    }
}

/// A GET whose query holds an array of objects (`subscription_items[0][price]=…`): the mock
/// rejects the other shapes (`subscription_items[price]`) as "must be a slice".
async fn invoices_upcoming_arrays_in_query(client: Client) {
    let params = invoices::upcoming::RetrieveParams {
        customer: Some("cus_mock1".into()),
        subscription_items: Some(vec![invoices::upcoming::RetrieveParamsSubscriptionItems {
            price: Some("price_mock1".into()),
            quantity: Some(3),
            ..Default::default()
        }]),
        subscription_default_tax_rates: Some(Clearable::Clear),
        ..Default::default()
    };
    let invoice = ok(
        "invoices::upcoming::retrieve",
        invoices::upcoming::retrieve(&client, &params).await,
    );
    assert!(!invoice.lines.data.is_empty(), "the fixture's lines");
}

// ---- expand, expanded unions ------------------------------------------------------------

/// Without `expand` a charge's `balance_transaction` is an id; with it, the object, and
/// `customer` (id, `customer` or `deleted_customer`) the customer variant of its union.
async fn charges_retrieve_expands_unions(client: Client) {
    let plain = ok(
        "charges::retrieve",
        charges::retrieve(&client, "ch_mock1", &Default::default()).await,
    );
    assert_eq!(plain.id, "ch_mock1");
    match &plain.balance_transaction {
        Some(Expandable::Id(id)) => assert!(id.starts_with("txn_"), "{id}"),
        other => panic!("not expanded: {other:?}"),
    }
    let params = charges::RetrieveParams {
        expand: expand(&["customer", "balance_transaction"]),
    };
    let charge = ok(
        "charges::retrieve expanded",
        charges::retrieve(&client, "ch_mock1", &params).await,
    );
    match &charge.balance_transaction {
        Some(Expandable::Object(txn)) => {
            assert_eq!(txn.object, BalanceTransactionObject::BalanceTransaction);
            assert!(txn.id.starts_with("txn_"), "{}", txn.id);
        }
        other => panic!("balance_transaction not expanded: {other:?}"),
    }
    match charge.customer.as_ref().and_then(Expandable::as_object) {
        Some(CardCustomer::Customer(customer)) => {
            assert_eq!(customer.object, CustomerObject::Customer)
        }
        other => panic!("customer not expanded to a customer: {other:?}"),
    }
}

/// `expand[0]=data.customer` expands inside each item of a list.
async fn charges_list_expands_data_customer(client: Client) {
    let params = charges::ListParams {
        expand: expand(&["data.customer"]),
        created: Some(charges::ListParamsCreated::Integer(1_234_567_890)),
        limit: Some(1),
        ..Default::default()
    };
    let page = ok("charges::list", charges::list(&client, &params).await);
    let charge = page.data.first().expect("the fixture's charge");
    assert!(
        matches!(
            charge.customer.as_ref().and_then(Expandable::as_object),
            Some(CardCustomer::Customer(_))
        ),
        "{:?}",
        charge.customer
    );
}

/// A nested expansion (`latest_charge.balance_transaction`) and an expanded union
/// (`customer`); both are `null` in the fixture until expanded.
async fn payment_intents_expand_nested(client: Client) {
    let params = payment_intents::RetrieveParams {
        expand: expand(&["latest_charge.balance_transaction", "customer"]),
        ..Default::default()
    };
    let intent = ok(
        "payment_intents::retrieve",
        payment_intents::retrieve(&client, "pi_mock1", &params).await,
    );
    assert_eq!(intent.id, "pi_mock1");
    let charge = match &intent.latest_charge {
        Some(Expandable::Object(charge)) => charge,
        other => panic!("latest_charge not expanded: {other:?}"),
    };
    assert_eq!(charge.object, ChargeObject::Charge);
    assert!(
        matches!(charge.balance_transaction, Some(Expandable::Object(_))),
        "nested expansion: {:?}",
        charge.balance_transaction
    );
    assert!(
        matches!(
            intent.customer.as_ref().and_then(Expandable::as_object),
            Some(CardCustomer::Customer(_))
        ),
        "{:?}",
        intent.customer
    );
}

// ---- multipart upload --------------------------------------------------------------------

/// `files::create` names its own server (`https://files.stripe.com`); a client whose base URL
/// was set sends it there instead, so it reaches the mock (whose `Request-Id` is `req_123`).
/// The nested `file_link_data[create]` travels as a multipart part too.
async fn files_create_multipart_reaches_the_mock(client: Client) {
    let client = client.recording();
    let params = files::CreateParams {
        file: Some(
            UploadFile::new("logo.png", b"\x89PNG\r\n\x1a\nnot really".to_vec())
                .content_type("image/png"),
        ),
        purpose: Some(files::CreateParamsPurpose::BusinessLogo),
        file_link_data: Some(files::CreateParamsFileLinkData {
            create: Some(true),
            metadata: Some(Clearable::Set(map(&[("k", "v")]))),
            ..Default::default()
        }),
        ..Default::default()
    };
    let file = ok("files::create", files::create(&client, &params).await);
    assert_eq!(file.purpose, FilePurpose::BusinessLogo);
    let meta = client.last_response().expect("a recorded answer");
    assert_eq!(meta.request_id.as_deref(), Some("req_123"));
}

// ---- Connect -----------------------------------------------------------------------------

async fn accounts_create_nested_capabilities(client: Client) {
    let requested = accounts::CreateParamsCapabilitiesCardPayments {
        requested: Some(true),
    };
    let params = accounts::CreateParams {
        r#type: Some(accounts::CreateParamsType::Custom),
        country: Some("FR".into()),
        email: Some("shop@example.com".into()),
        capabilities: Some(accounts::CreateParamsCapabilities {
            card_payments: Some(requested.clone()),
            transfers: Some(requested),
            ..Default::default()
        }),
        business_profile: Some(accounts::CreateParamsBusinessProfile {
            support_address: Some(accounts::CreateParamsBusinessProfileSupportAddress {
                city: Some("Lyon".into()),
                country: Some("FR".into()),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let account = ok("accounts::create", accounts::create(&client, &params).await);
    assert_eq!(account.r#type, Some(accounts::CreateParamsType::Custom));
    assert_eq!(account.country.as_deref(), Some("FR"));
    assert_eq!(account.email.as_deref(), Some("shop@example.com"));
}

/// Calls on behalf of a connected account through a view of the client. The mock ignores
/// `Stripe-Account` (the scripted-server tests check the header itself); here the calls must
/// succeed through the view, and the view's own idempotency key is the one recorded.
async fn connect_with_options_on_an_account(client: Client) {
    let on_account = client
        .with_options(
            RequestOptions::new()
                .stripe_account("acct_mock1")
                .idempotency_key("connect-create-1"),
        )
        .recording();
    let params = customers::CreateParams {
        email: Some("connected@example.com".into()),
        ..Default::default()
    };
    let customer = ok(
        "customers::create on an account",
        customers::create(&on_account, &params).await,
    );
    assert_eq!(customer.email.as_deref(), Some("connected@example.com"));
    let meta = on_account.last_response().expect("a recorded answer");
    assert_eq!(meta.idempotency_key.as_deref(), Some("connect-create-1"));
    let again = ok(
        "customers::retrieve on an account",
        customers::retrieve(&on_account, "cus_mock1", &Default::default()).await,
    );
    assert!(matches!(again, customers::RetrieveResponse::Customer(_)));
}

// ---- errors ------------------------------------------------------------------------------

/// An enum value newer than the spec (`Unknown`) is sent as given; the mock, which knows only
/// the spec's values, refuses it: a typed 400 naming the property. (The mock's errors carry no
/// `param`, so `ApiError::param()` is `None` here, unlike the real API.)
async fn unknown_enum_value_is_a_typed_400(client: Client) {
    let params = customers::CreateParams {
        tax_exempt: Some(customers::CreateParamsTaxExempt::Unknown(
            "sometimes".into(),
        )),
        ..Default::default()
    };
    let e = api_error(customers::create(&client, &params).await);
    assert_eq!(
        (e.status, e.kind()),
        (400, ApiErrorKind::InvalidRequest),
        "{e}"
    );
    assert_eq!(e.error_type(), Some("invalid_request_error"));
    let message = e.message.as_deref().unwrap_or_default();
    assert!(
        message.contains("'tax_exempt'") && message.contains("not in enumeration"),
        "{message}"
    );
    assert!(!e.is_retryable());
}

/// `Client::raw_request` for a parameter the spec does not have: the mock's validation error.
async fn unknown_query_parameter_is_a_typed_400(client: Client) {
    let e = api_error(
        client
            .raw_request(Method::GET, "/v1/customers", &[("not_a_parameter", "1")])
            .await,
    );
    assert_eq!(
        (e.status, e.kind()),
        (400, ApiErrorKind::InvalidRequest),
        "{e}"
    );
    let message = e.message.as_deref().unwrap_or_default();
    assert!(
        message.contains("additional properties are not allowed"),
        "{message}"
    );
}

async fn unknown_route_is_a_typed_404(client: Client) {
    let e = api_error(
        client
            .raw_request(Method::POST, "/v1/not_a_resource", &[("a", "b")])
            .await,
    );
    assert_eq!(
        (e.status, e.kind()),
        (404, ApiErrorKind::InvalidRequest),
        "{e}"
    );
    assert_eq!(
        e.message.as_deref(),
        Some("Unrecognized request URL (POST: /v1/not_a_resource).")
    );
}
