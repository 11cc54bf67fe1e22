//! The plain-data model between lowering and emitting: no `openapiv3` types, no tokens.
//! Every named thing carries its API name beside its Rust name.

/// A name as the API spells it and as the binding spells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub api: String,
    pub rust: String,
}

/// The whole binding to emit.
#[derive(Clone, Debug)]
pub struct Api {
    pub title: String,
    /// `info.version`, sent in the configured API-version header.
    pub version: String,
    /// The first server URL, without a trailing `/`, its variables filled with their defaults;
    /// empty when the spec gives none or a relative one (the caller must then give a base URL).
    pub base_url: String,
    /// The first server's URL as written (`https://{region}.example.com`), when it has
    /// variables to fill at run time; empty otherwise.
    pub server_template: String,
    /// The first server's URL variables, which the client builder can override.
    pub server_variables: Vec<ServerVariable>,
    /// `components.securitySchemes`, sorted by key; [`Operation::security`] indexes it.
    pub security_schemes: Vec<SecurityScheme>,
    /// The scheme whose credential `Client::new(key)` takes, if any (see `[client] key_scheme`).
    pub key_scheme: Option<usize>,
    /// The document's `security`, for calls without an operation (`Client::raw_request`).
    pub default_security: Vec<Vec<usize>>,
    /// Sorted by module path, then function name.
    pub operations: Vec<Operation>,
    /// The type arena; [`TypeId`] indexes it. Emitters sort by Rust name.
    pub types: Vec<TypeDef>,
    /// The body type shared by the operations' error (`default`) responses, if they agree.
    pub error_body: Option<TypeRef>,
    /// Component schema key → the shared (response) type lowered from it.
    pub components: std::collections::BTreeMap<String, TypeId>,
    /// Selected operations left out because the generator cannot map them (only with
    /// `skip_unsupported`), in document order.
    pub left_out: Vec<LeftOut>,
    /// What the generator worked around rather than refused (a path template variable no
    /// parameter declares, say), located; shown by `cargo xtask codegen` and in the README.
    pub warnings: Vec<crate::error::SpecError>,
    /// What a webhook request carries, when the config asks for webhooks.
    pub event: Option<EventDef>,
}

/// A selected operation that was not generated, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOut {
    /// `GET`, `POST`, …
    pub method: String,
    pub path: String,
    /// The operationId, or `method path` when the spec gives none.
    pub operation_id: String,
    /// Every problem that operation alone hits, located.
    pub problems: Vec<crate::error::SpecError>,
}

/// The event type webhooks deliver (see `lower/events.rs`).
#[derive(Clone, Debug)]
pub struct EventDef {
    /// The event struct.
    pub event: TypeId,
    /// The enum of event types (`identity.verification_session.redacted`), when the spec
    /// lists them.
    pub types: Option<TypeId>,
    /// The union `data.object` decodes into: every response object with an `object` tag.
    pub object: TypeId,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

impl StructDef {
    /// The `object` tag (and whether it is a `deleted_*` object) this struct can be told by: a
    /// required `object` field whose type is a one-value enum. `enum_of` finds the enum a type
    /// id stands for (through aliases, or in a lowering arena). Union decoders and the event's
    /// object enum both dispatch by it.
    pub fn object_tag<'a>(
        &self,
        enum_of: impl Fn(TypeId) -> Option<&'a EnumDef>,
    ) -> Option<(String, bool)> {
        let object = self
            .fields
            .iter()
            .find(|f| f.name.api == "object" && f.required)?;
        let TypeRef::Named(tag) = object.ty else {
            return None;
        };
        let [only] = enum_of(tag)?.variants.as_slice() else {
            return None;
        };
        let deleted = self
            .fields
            .iter()
            .any(|f| f.name.api == "deleted" && f.required);
        Some((only.api.clone(), deleted))
    }
}

impl TypeRef {
    /// A file to upload, or a list of them: sent as multipart parts of their own.
    pub fn is_file(&self) -> bool {
        match self {
            TypeRef::Binary => true,
            TypeRef::Array(inner) => **inner == TypeRef::Binary,
            _ => false,
        }
    }
}

impl Api {
    /// The type an alias stands for (aliases never name aliases), or `id` itself.
    pub fn resolve(&self, id: TypeId) -> TypeId {
        match &self.types[id.0] {
            TypeDef::Alias(a) => a.target,
            _ => id,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// One generated function.
#[derive(Clone, Debug)]
pub struct Operation {
    /// `api` is the operationId; `rust` the function name.
    pub name: Name,
    /// Whether the function is named by the path rule or, after a clash, by its operationId.
    pub name_origin: NameOrigin,
    /// The module the function lives in, outermost first (`["identity", "verification_sessions"]`).
    pub module: Vec<String>,
    pub method: Method,
    /// The path template as written in the spec.
    pub path: String,
    pub segments: Vec<PathSegment>,
    pub path_params: Vec<PathParam>,
    /// The `…Params` struct (query, header and cookie parameters, and form body fields), if the
    /// operation takes any.
    pub params: Option<TypeId>,
    /// How the request body is sent; `None` sends no body.
    pub body: Option<BodyEncoding>,
    /// What a successful answer decodes into.
    pub response: Response,
    /// Error bodies declared per status (`404`, `4XX`, `default`) that are JSON, for the
    /// operation's error enum; `None` when it declares none besides `default`.
    pub errors: Option<ErrorBodies>,
    /// Alternatives (any one will do) of scheme sets (all of them are sent), indexing
    /// [`Api::security_schemes`]; empty sends no credentials.
    pub security: Vec<Vec<usize>>,
    /// A server URL of the operation's own (`servers` on the operation), used unless the
    /// client's base URL was overridden.
    pub server: Option<String>,
    pub docs: Option<String>,
}

/// A `{variable}` of the server URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerVariable {
    /// `api` as the URL writes it; `rust` the builder method that sets it.
    pub name: Name,
    pub default: String,
    /// The values the spec allows (`enum`); empty allows any.
    pub allowed: Vec<String>,
    pub docs: Option<String>,
}

/// A way to authenticate, from `components.securitySchemes`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityScheme {
    /// `api` is the scheme's key; `rust` the client builder method that sets its credential.
    pub name: Name,
    pub kind: SchemeKind,
    pub docs: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`; also `oauth2` and `openIdConnect`, whose token the
    /// caller obtains.
    Bearer,
    /// `Authorization: Basic base64(user:password)`.
    Basic,
    /// An API key in a header, query parameter or cookie of this name.
    ApiKey { place: KeyPlace, name: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyPlace {
    Header,
    Query,
    Cookie,
}

/// What a successful answer decodes into.
#[derive(Clone, Debug, PartialEq)]
pub enum Response {
    /// Every 2xx answer carries this.
    One(Payload),
    /// 2xx statuses with different payloads: an enum in the operation's module, named `name`,
    /// with a variant per status.
    ByStatus {
        name: String,
        variants: Vec<StatusBody>,
    },
}

impl Response {
    /// The JSON types it mentions.
    pub fn type_refs(&self) -> Vec<&TypeRef> {
        match self {
            Response::One(p) => p.type_ref().into_iter().collect(),
            Response::ByStatus { variants, .. } => variants
                .iter()
                .filter_map(|v| v.payload.type_ref())
                .collect(),
        }
    }

    /// The single JSON type every success decodes into, if there is one.
    pub fn json(&self) -> Option<&TypeRef> {
        match self {
            Response::One(Payload::Json(t)) => Some(t),
            _ => None,
        }
    }
}

/// The enum an operation's API errors can be read as: `name` in its module, a variant per
/// status.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorBodies {
    pub name: String,
    pub variants: Vec<StatusBody>,
}

/// A body as it is read.
#[derive(Clone, Debug, PartialEq)]
pub enum Payload {
    /// No content (`204`, or a response without `content`): `()`.
    Empty,
    /// JSON (or `+json`), decoded as this type.
    Json(TypeRef),
    /// `text/*`: a `String`.
    Text,
    /// Anything else (including `text/event-stream`): the bytes as they came.
    Bytes,
}

impl Payload {
    pub fn type_ref(&self) -> Option<&TypeRef> {
        match self {
            Payload::Json(t) => Some(t),
            _ => None,
        }
    }
}

/// A response status as declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Code(u16),
    /// `2XX`, `4XX`, …: the first digit.
    Range(u16),
    Default,
}

/// One declared status, its enum variant name and its payload.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusBody {
    pub status: Status,
    pub variant: String,
    pub payload: Payload,
}

/// Which rule named an operation's function (see `naming::locate_operations`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameOrigin {
    /// The method and path (`accounts::people::list`).
    Path,
    /// The operationId in snake case, because the path rule gave another operation the same
    /// module and name.
    OperationId,
}

/// A piece of a path template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    Literal(String),
    /// Index into [`Operation::path_params`].
    Param(usize),
}

#[derive(Clone, Debug)]
pub struct PathParam {
    pub name: Name,
    pub docs: Option<String>,
    pub max_length: Option<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum BodyEncoding {
    /// `application/x-www-form-urlencoded`, nested as `a[b]=v`, arrays as `a[0]=v`; the
    /// body's fields are members of the `…Params` struct.
    Form,
    /// `multipart/form-data`: binary fields as file parts, the rest as text parts named the
    /// same way as form fields.
    Multipart,
    /// A body that is an argument of its own, sent with `media_type` as its `Content-Type`.
    Own(OwnBody),
}

/// A request body passed as its own argument (JSON, text or bytes).
#[derive(Clone, Debug, PartialEq)]
pub struct OwnBody {
    /// As the spec writes it (`application/merge-patch+json`); sent as `Content-Type`.
    pub media_type: String,
    pub kind: OwnBodyKind,
    /// `requestBody.required`: when false the argument is an `Option`.
    pub required: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum OwnBodyKind {
    /// `application/json` or `*/*+json`: the value serialized with serde_json.
    Json(TypeRef),
    /// `text/*`: a string sent as it is.
    Text,
    /// Anything else: bytes sent as they are.
    Bytes,
}

/// A type in the arena.
#[derive(Clone, Debug)]
pub enum TypeDef {
    Struct(StructDef),
    Enum(EnumDef),
    /// `anyOf`/`oneOf` of several schemas.
    Union(UnionDef),
    /// The same shape as another type, under this type's own name (see `dedupe.rs`).
    Alias(AliasDef),
}

impl TypeDef {
    pub fn name(&self) -> &Name {
        match self {
            TypeDef::Struct(s) => &s.name,
            TypeDef::Enum(e) => &e.name,
            TypeDef::Union(u) => &u.name,
            TypeDef::Alias(a) => &a.name,
        }
    }

    pub fn docs(&self) -> Option<&str> {
        match self {
            TypeDef::Struct(s) => s.docs.as_deref(),
            TypeDef::Enum(e) => e.docs.as_deref(),
            TypeDef::Union(u) => u.docs.as_deref(),
            TypeDef::Alias(a) => a.docs.as_deref(),
        }
    }

    pub fn home(&self) -> &Home {
        match self {
            TypeDef::Struct(s) => &s.home,
            TypeDef::Enum(e) => &e.home,
            TypeDef::Union(u) => &u.home,
            TypeDef::Alias(a) => &a.home,
        }
    }
}

/// Where a type is emitted.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Home {
    /// `crate::types`, shared by every operation.
    Shared,
    /// An operation module (request parameter types live next to their function).
    Module(Vec<String>),
}

/// Response objects deserialize (and re-serialize); request params only serialize.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    Response,
    /// Members of a `…Params` struct: every field an `Option`, required ones checked at run time.
    Request,
    /// A JSON request body: required members are plain fields, optional ones `Option`s left out
    /// when `None`, and optional nullable ones `Option<Option<T>>` (`Some(None)` sends `null`).
    JsonRequest,
}

impl Direction {
    /// Whether the type is only ever sent.
    pub fn is_request(self) -> bool {
        self != Direction::Response
    }
}

#[derive(Clone, Debug)]
pub struct StructDef {
    /// `api` is the schema key or the JSON path that produced it.
    pub name: Name,
    pub home: Home,
    pub direction: Direction,
    pub docs: Option<String>,
    pub fields: Vec<Field>,
    /// Whether the object has a required string `id` field (so `Expandable<T>::id()` works).
    pub has_id: bool,
    /// The type of the members besides the declared ones when the schema types them
    /// (`additionalProperties: <schema>` beside `properties`); `None` keeps them as JSON.
    pub additional: Option<TypeRef>,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub name: Name,
    pub docs: Option<String>,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    /// Where a request field travels; response fields are always `Body`.
    pub wire: Wire,
}

/// Where a request field is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wire {
    /// In the body (form-encoded), or in the JSON of a response.
    Body,
    /// In the query string: `deep` is OpenAPI's `deepObject` style (`a[b]=v`, `a[0]=v`);
    /// otherwise `form` style (`a=v`, arrays as repeated `a=v1&a=v2`).
    Query { deep: bool },
    /// In the query string as one value: arrays (and objects, as `k,v,…`) joined by `delimiter`
    /// (`,` for `explode: false`, `%20` for `spaceDelimited`, `%7C` for `pipeDelimited`).
    QueryJoined { delimiter: Delimiter },
    /// In the query string as JSON text (a parameter described by `content`).
    QueryJson,
    /// A request header of this name (`simple` style: arrays comma-joined).
    Header,
    /// A member of the `Cookie` header.
    Cookie,
}

/// How a non-exploded query array is joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delimiter {
    Comma,
    Space,
    Pipe,
}

#[derive(Clone, Debug)]
pub struct EnumDef {
    pub name: Name,
    pub home: Home,
    pub docs: Option<String>,
    /// For [`EnumKind::String`] `api` is the string itself; otherwise it is the value's JSON
    /// text (`1`, `true`, `"a"`).
    pub variants: Vec<Name>,
    pub kind: EnumKind,
}

/// What JSON values an enum's variants are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnumKind {
    String,
    Integer,
    /// Values of several JSON types (`["a", 1, false]`); an enum of booleans alone is a `bool`.
    Mixed,
}

/// One of several shapes. A JSON string that is one of `values` decodes as that variant;
/// otherwise decoding picks the member whose `object` tag (and `deleted` flag) matches when
/// every member is an object that has one, else the first member that decodes; anything else
/// is kept as JSON in an `Unknown` variant.
#[derive(Clone, Debug)]
pub struct UnionDef {
    pub name: Name,
    pub home: Home,
    pub direction: Direction,
    pub docs: Option<String>,
    /// The strings a string-enum member allows, each a variant of its own that carries
    /// nothing (`now` → `TrialEnd::Now`), in the spec's order; sent and read as the bare string.
    pub values: Vec<Name>,
    /// Variant names and what they hold, in the spec's order.
    pub variants: Vec<(String, TypeRef)>,
    /// OpenAPI's `discriminator`: decoding reads this member and picks the variant by value.
    pub discriminator: Option<Discriminator>,
}

/// A union told apart by one of its members' values (`petType: dog`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discriminator {
    /// The member that names the variant, as the API spells it.
    pub property: String,
    /// Each value and the index into [`UnionDef::variants`] it selects, sorted by value.
    pub values: Vec<(String, usize)>,
}

/// A name for a type that is the same as `target` in everything but name and docs.
#[derive(Clone, Debug)]
pub struct AliasDef {
    pub name: Name,
    pub home: Home,
    pub docs: Option<String>,
    pub target: TypeId,
}

/// A Rust integer type other than `i64`, chosen by `format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntegerWidth {
    I8,
    I16,
    I32,
    U8,
    U16,
    U32,
    U64,
}

impl IntegerWidth {
    /// The Rust type's name.
    pub fn rust(self) -> &'static str {
        match self {
            IntegerWidth::I8 => "i8",
            IntegerWidth::I16 => "i16",
            IntegerWidth::I32 => "i32",
            IntegerWidth::U8 => "u8",
            IntegerWidth::U16 => "u16",
            IntegerWidth::U32 => "u32",
            IntegerWidth::U64 => "u64",
        }
    }

    /// The width a `format` names; `None` for `int64`, no format and unknown formats (`i64`).
    pub fn from_format(format: &str) -> Option<Self> {
        Some(match format {
            "int8" => IntegerWidth::I8,
            "int16" => IntegerWidth::I16,
            "int32" => IntegerWidth::I32,
            "uint8" => IntegerWidth::U8,
            "uint16" => IntegerWidth::U16,
            "uint32" => IntegerWidth::U32,
            "uint64" | "uint" => IntegerWidth::U64,
            _ => return None,
        })
    }
}

/// How a value is typed, by reference into the arena for named types.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeRef {
    String,
    /// An integer without a format (or `int64`): `i64`.
    Integer,
    /// An integer whose `format` asks for another width or for no sign (`int32`, `uint64`).
    SizedInteger(IntegerWidth),
    /// An integer with `format: unix-time` (seconds since the epoch).
    Timestamp,
    /// A number without a format (or `double`): `f64`.
    Number,
    /// `format: float`: `f32`.
    Float,
    Boolean,
    /// Any JSON value.
    Json,
    /// Raw bytes (`format: binary`): a file to upload, or a non-JSON response body.
    Binary,
    /// A JSON object with free-form members.
    JsonObject,
    Named(TypeId),
    Array(Box<TypeRef>),
    /// `additionalProperties: <schema>`, keyed by string.
    Map(Box<TypeRef>),
    /// An id string, or the object it names once expanded.
    Expandable(TypeId),
    /// A request value that can also be sent as `""` to clear the field (`anyOf: [X, enum: [""]]`).
    Clearable(Box<TypeRef>),
    /// A page of a list (`object: list`): the runtime's `List<T>`.
    List(Box<TypeRef>),
    /// A page of search results (`object: search_result`): the runtime's `SearchList<T>`.
    SearchList(Box<TypeRef>),
}
