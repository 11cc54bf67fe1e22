//! The generator's settings, usually read from `specs/codegen.toml`. Parsing takes text, so the
//! library never touches the file system.

use serde::Deserialize;

use crate::error::{Pointer, SpecError, SpecErrors};

/// Everything `generate` needs besides the spec itself.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The spec file, relative to the config file.
    pub spec: String,
    #[serde(rename = "crate")]
    pub krate: CrateConfig,
    #[serde(default)]
    pub client: ClientConfig,
    #[serde(default)]
    pub docs: DocsConfig,
    pub operations: Selection,
    /// Receiving webhooks: a signature check in the runtime and a typed event.
    #[serde(default)]
    pub webhooks: Option<WebhooksConfig>,
}

/// How the API signs the webhook requests it sends, and which schema describes them.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhooksConfig {
    /// The signature scheme the runtime checks.
    pub scheme: WebhookScheme,
    /// The request header carrying the signature (Stripe: `Stripe-Signature`).
    pub signature_header: String,
    /// The component schema of an event (Stripe: `event`). It is generated with what it
    /// reaches, and its `data.object` member becomes an enum of every generated response object
    /// that has an `object` tag.
    pub event_schema: String,
    /// A JSON pointer to a string enum schema listing the event types (Stripe lists them for
    /// `enabled_events` on `POST /v1/webhook_endpoints`); its values, less `*`, become the
    /// event's `type` enum. Without it `type` stays a `String`.
    #[serde(default)]
    pub event_types: Option<String>,
    /// How far a signature's timestamp may be from the receiver's clock, in seconds; callers
    /// can change it per verifier.
    #[serde(default = "default_tolerance")]
    pub tolerance_seconds: u64,
    /// An event type for the binding's example server (`examples/webhook.rs`) to handle, such
    /// as `identity.verification_session.redacted`; without it there is no example. The
    /// example reads the object whose `object` tag is the type less its last `.` part.
    #[serde(default)]
    pub example_event: Option<String>,
}

fn default_tolerance() -> u64 {
    300
}

/// Signature schemes the runtime knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookScheme {
    /// `t=<unix seconds>,v1=<hex>…`: HMAC-SHA256 of `"{t}.{body}"` under the endpoint secret.
    Stripe,
}

/// The binding crate's own metadata.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrateConfig {
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// Headers the generated client sends and reads; `None` leaves a header out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    /// Request header carrying the spec's `info.version` (Stripe: `Stripe-Version`).
    #[serde(default)]
    pub api_version_header: Option<String>,
    /// Response header with the server's request id (Stripe: `Request-Id`).
    #[serde(default)]
    pub request_id_header: Option<String>,
    /// Request header with a key that makes a retried POST take effect once (Stripe:
    /// `Idempotency-Key`). Every POST then carries a random UUID v4 unless the caller gives one.
    #[serde(default)]
    pub idempotency_header: Option<String>,
    /// Request header naming the account a call acts for (Stripe Connect: `Stripe-Account`).
    /// The option's method is the header's name in snake case (`stripe_account`).
    #[serde(default)]
    pub account_header: Option<String>,
    /// Response header by which the server says whether to retry (Stripe: `Stripe-Should-Retry`).
    #[serde(default)]
    pub should_retry_header: Option<String>,
    /// The security scheme (a key of `components.securitySchemes`) whose secret
    /// `Client::new(key)` takes (Stripe: `bearerAuth`). Without it, the only scheme the spec
    /// declares when there is one that takes a single secret; otherwise `Client::new()` takes no
    /// key and credentials are set with the builder's method per scheme. A spec that does not
    /// declare the scheme (the config's `[client]` applies to any spec given to `cargo xtask
    /// codegen --spec`) gets that rule too; one that declares it as `basic` is refused.
    #[serde(default)]
    pub key_scheme: Option<String>,
}

/// How descriptions become rustdoc.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocsConfig {
    /// Origin for relative links such as `/docs/x` (Stripe: `https://stripe.com`). Without it the
    /// origin of the spec's first server is used.
    #[serde(default)]
    pub site: Option<String>,
}

/// Which operations to generate.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// Every operation in the spec.
    #[serde(default)]
    pub all: bool,
    /// Operations by `operationId`.
    #[serde(default)]
    pub include: Vec<String>,
    /// Operations whose path starts with one of these (e.g. `/v1/identity/`).
    #[serde(default)]
    pub path_prefixes: Vec<String>,
    /// Leave out the selected operations the generator cannot map, listing each with its
    /// problems (in the command's output and the binding's README), instead of refusing the
    /// whole binding. Off by default: a checked-in binding should not lose operations quietly.
    #[serde(default)]
    pub skip_unsupported: bool,
}

impl Selection {
    pub fn selects(&self, operation_id: &str, path: &str) -> bool {
        self.all
            || self.include.iter().any(|id| id == operation_id)
            || self
                .path_prefixes
                .iter()
                .any(|p| path.starts_with(p.as_str()))
    }
}

impl Config {
    /// Every operation of a spec into the crate `crate_name`, with no client headers, docs site
    /// or webhooks: what tools and tests use when no config file is involved.
    pub fn all_operations(crate_name: &str) -> Config {
        Config {
            spec: String::new(),
            krate: CrateConfig {
                name: crate_name.to_owned(),
                version: "0.1.0".to_owned(),
                description: None,
            },
            client: ClientConfig::default(),
            docs: DocsConfig::default(),
            webhooks: None,
            operations: Selection {
                all: true,
                ..Selection::default()
            },
        }
    }

    /// Parses `codegen.toml` text; `file` is only used in error messages.
    pub fn from_toml(file: &str, text: &str) -> Result<Config, SpecErrors> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let message = e.message().to_owned();
            let line_col = e.span().map(|span| line_col(text, span.start));
            SpecErrors(vec![SpecError {
                file: file.to_owned(),
                pointer: Pointer::root().to_string(),
                line_col,
                message,
            }])
        })?;
        config.check(file)?;
        Ok(config)
    }

    /// Checks what the file's syntax cannot: the crate's name and version go into the binding's
    /// `Cargo.toml` and code, and header names into its client, so each must be what it claims
    /// to be (a package name, a semantic version, an HTTP token) rather than escaped text.
    pub fn check(&self, file: &str) -> Result<(), SpecErrors> {
        let mut errors = Vec::new();
        let at_crate = Pointer::root().push("crate");
        if let Some(why) = crate::escape::package_name_problem(&self.krate.name) {
            errors.push(SpecError::new(
                file,
                &at_crate.push("name"),
                format!(
                    "{:?} is not a Cargo package name: it {why}",
                    self.krate.name
                ),
            ));
        }
        if !is_semver(&self.krate.version) {
            errors.push(SpecError::new(
                file,
                &at_crate.push("version"),
                format!(
                    "{:?} is not a semantic version (such as `0.1.0` or `1.2.3-beta.1`)",
                    self.krate.version
                ),
            ));
        }
        let c = &self.client;
        let headers = [
            ("api_version_header", &c.api_version_header),
            ("request_id_header", &c.request_id_header),
            ("idempotency_header", &c.idempotency_header),
            ("account_header", &c.account_header),
            ("should_retry_header", &c.should_retry_header),
        ];
        let webhook_header = self
            .webhooks
            .as_ref()
            .map(|w| Some(w.signature_header.clone()));
        let webhook_header = webhook_header.iter().map(|h| ("signature_header", h));
        let located = headers
            .into_iter()
            .map(|(key, value)| ("client", key, value))
            .chain(webhook_header.map(|(key, value)| ("webhooks", key, value)));
        for (table, key, value) in located {
            let Some(name) = value else { continue };
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                errors.push(SpecError::new(
                    file,
                    &Pointer::root().push(table).push(key),
                    format!("{name:?} is not a header name (letters, digits and `-`)"),
                ));
            }
        }
        if let Some(method) = self.account_method() {
            if ["new", "timeout", "max_retries", "idempotency_key", "or"].contains(&method.as_str())
            {
                errors.push(SpecError::new(
                    file,
                    &Pointer::root().push("client").push("account_header"),
                    format!("the header's method name `{method}` is taken by another option"),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(SpecErrors(errors))
        }
    }

    /// The name of the per-call option and builder method that sets the account header.
    pub fn account_method(&self) -> Option<String> {
        self.client
            .account_header
            .as_deref()
            .map(crate::naming::field_name)
    }
}

/// Whether `v` is a semantic version as Cargo reads one: `MAJOR.MINOR.PATCH`, then optionally
/// `-pre.release` and `+build`, numbers without leading zeros.
fn is_semver(v: &str) -> bool {
    let ident_ok = |part: &str, numeric_no_zero: bool| {
        !part.is_empty()
            && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !(numeric_no_zero
                && part.len() > 1
                && part.starts_with('0')
                && part.bytes().all(|b| b.is_ascii_digit()))
    };
    let (rest, build) = match v.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (v, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    numbers.len() == 3
        && numbers
            .iter()
            .all(|n| n.bytes().all(|b| b.is_ascii_digit()) && ident_ok(n, true))
        && pre.is_none_or(|p| p.split('.').all(|i| ident_ok(i, true)))
        && build.is_none_or(|b| b.split('.').all(|i| ident_ok(i, false)))
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_config() {
        let c = Config::from_toml(
            "codegen.toml",
            r#"
spec = "x.yaml"
[crate]
name = "x-api"
version = "0.1.0"
[client]
api_version_header = "Stripe-Version"
key_scheme = "bearerAuth"
[operations]
include = ["A"]
path_prefixes = ["/v1/b/"]
skip_unsupported = true
[webhooks]
scheme = "stripe"
signature_header = "Stripe-Signature"
event_schema = "event"
"#,
        )
        .unwrap();
        assert!(c.operations.skip_unsupported);
        assert_eq!(c.client.key_scheme.as_deref(), Some("bearerAuth"));
        assert_eq!(c.krate.name, "x-api");
        assert!(c.operations.selects("A", "/v1/z"));
        assert!(c.operations.selects("Z", "/v1/b/1"));
        assert!(!c.operations.selects("Z", "/v1/c"));
        let hooks = c.webhooks.unwrap();
        assert_eq!(hooks.scheme, WebhookScheme::Stripe);
        assert_eq!(hooks.tolerance_seconds, 300);
        assert_eq!(hooks.event_types, None);
    }

    #[test]
    fn webhook_schemes_and_headers_are_checked() {
        let base = "spec = \"x\"\n[crate]\nname = \"a\"\nversion = \"1.0.0\"\n[operations]\nall = true\n[webhooks]\nevent_schema = \"event\"\n";
        let e = Config::from_toml(
            "c.toml",
            &format!("{base}scheme = \"hmac\"\nsignature_header = \"S\"\n"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("unknown variant"), "{e}");
        let e = Config::from_toml(
            "c.toml",
            &format!("{base}scheme = \"stripe\"\nsignature_header = \"A B\"\n"),
        )
        .unwrap_err();
        assert_eq!(e.0[0].pointer, "/webhooks/signature_header", "{e}");
    }

    #[test]
    fn versions_are_semantic() {
        for ok in ["0.1.0", "1.2.3-beta.1", "1.0.0+build.5", "10.20.30-rc-1+x"] {
            assert!(is_semver(ok), "{ok}");
        }
        for bad in [
            "",
            "1",
            "1.2",
            "01.2.3",
            "1.2.3-",
            "1.2.3-01",
            "1.2.3\"",
            "1.2.3\n[x]",
            "v1.2.3",
        ] {
            assert!(!is_semver(bad), "{bad:?}");
        }
    }

    #[test]
    fn names_and_versions_that_cannot_be_written_safely_are_located_errors() {
        let text = "spec = \"x\"\n[crate]\nname = \"a\\\"b\"\nversion = \"1\\n[x]\"\n[client]\naccount_header = \"A B\"\n[operations]\nall = true\n";
        let e = Config::from_toml("c.toml", text).unwrap_err();
        let pointers: Vec<&str> = e.0.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            ["/crate/name", "/crate/version", "/client/account_header"],
            "{e}"
        );
    }

    #[test]
    fn unknown_keys_are_errors_with_a_line() {
        let e = Config::from_toml("c.toml", "spec = \"x\"\nbogus = 1\n").unwrap_err();
        assert_eq!(e.0.len(), 1);
        assert_eq!(e.0[0].line_col.map(|(l, _)| l), Some(2), "{e}");
    }
}
