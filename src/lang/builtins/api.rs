//! `context.api`, `context.integration.api` and `context.integration.queueTask`: the
//! GitBook API client of `@gitbook/api`, in component files.
//!
//! A client is a host object. Reading a namespace from it (`api.integrations`) gives
//! another, and reading an operation from that (`updateIntegrationInstallation`) a
//! function; the operations and their argument orders are those of `@gitbook/api`
//! ([`super::api_table`]). Calling one records an HTTP request as a host operation
//! (`crate::lang::host`), built as `@gitbook/api` builds it: `{apiEndpoint}/v1`, the
//! operation's path with its path arguments (percent-encoded here, so an id cannot
//! reach another path), the query arguments as a query string, the body as JSON, and
//! with a token the bearer `Authorization` and the integration's `User-Agent`. Its
//! promise resolves to the response with the answer's JSON as `data`, or rejects with
//! a `GitBookAPIError` (`code`: the status; the message quotes GitBook's error) when
//! the status is not 2xx.
//!
//! `context.api` sends the installation's token when the request carries one, else the
//! integration's; `context.integration.api` the integration's (as `createContext` in
//! `@gitbook/runtime`). `createInstallationClient(name, installationId)` asks for an
//! installation token and answers a client sending it.

use super::api_table::{NAMESPACES, OPERATIONS};
use super::{arg, Method};
use crate::lang::compile::ir::Site;
use crate::lang::eval::{error_class, Fault, Vm, R};
use crate::lang::host::{HostOp, OpKind};
use crate::lang::value::{
    Atom, Func, HostData, HostKind, ObjId, ObjKind, Object, PromiseState, Props, Value,
};

/// Where `@gitbook/api` sends requests when the environment names no endpoint.
pub(crate) const DEFAULT_ENDPOINT: &str = "https://api.gitbook.com";

/// An argument of an operation, in the order the client takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arg {
    /// A path parameter, filling the next `{name}` of the path.
    Path,
    /// The request body, sent as JSON.
    Data,
    /// The query parameters, an object.
    Query,
}

/// An operation of the API.
#[derive(Debug)]
pub(crate) struct Operation {
    /// The client's object holding it (`integrations`); `""` for the client's own.
    pub namespace: &'static str,
    /// Its name (`updateIntegrationInstallation`).
    pub name: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path after `/v1`, with `{param}` placeholders.
    pub path: &'static str,
    /// The arguments it takes.
    pub args: &'static [Arg],
}

/// The token a client sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// The installation's when the request has one, else the integration's.
    Installation,
    /// The integration's.
    Integration,
    /// One given (a client of `createInstallationClient`).
    Given(String),
    /// A client made with `new GitBookAPI(options)`: its own endpoint, user
    /// agent and token, nothing of the environment's.
    Made(Box<MadeClient>),
}

/// The options of `new GitBookAPI({ endpoint, authToken, userAgent })`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MadeClient {
    /// Without a trailing `/`.
    endpoint: String,
    auth_token: Option<String>,
    user_agent: String,
}

/// What an API host object stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The client.
    Client,
    /// One of its namespaces, by index in [`NAMESPACES`].
    Namespace(u16),
    /// An operation, by index in [`OPERATIONS`].
    Operation(u16),
    /// `createInstallationClient`.
    InstallationClient,
}

/// The data of an API host object: which client, and what of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRef {
    token: Token,
    target: Target,
}

impl ApiRef {
    /// Approximate bytes held, for the memory budget.
    pub(crate) fn bytes(&self) -> usize {
        64 + match &self.token {
            Token::Given(t) => t.len(),
            Token::Made(m) => {
                64 + m.endpoint.len()
                    + m.user_agent.len()
                    + m.auth_token.as_ref().map_or(0, String::len)
            }
            _ => 0,
        }
    }
}

/// A client sending `token`.
pub(crate) fn client(vm: &mut Vm<'_>, token: Token, site: Site) -> R<Value> {
    host(
        vm,
        ApiRef {
            token,
            target: Target::Client,
        },
        site,
    )
}

/// `@gitbook/api`'s package name and version: the user agent of a client made
/// without one.
const PACKAGE_USER_AGENT: &str = "@gitbook/api/0.202.0";

/// `new GitBookAPI({ endpoint, authToken, userAgent })`: a client of its own,
/// sending the token (and the user agent) when there is one.
pub(crate) fn construct_client(vm: &mut Vm<'_>, options: Value, site: Site) -> R<Value> {
    let option = |vm: &mut Vm<'_>, name: &str| -> R<Option<String>> {
        if options.is_nullish() {
            return Ok(None);
        }
        let key = vm.intern(name, site)?;
        match vm.get(options, key, site)? {
            Value::Undefined => Ok(None),
            v => {
                let s = vm.to_string(v, site)?;
                Ok(Some(vm.heap.str_lossy(s).into_owned()))
            }
        }
    };
    let endpoint = option(vm, "endpoint")?.unwrap_or_else(|| DEFAULT_ENDPOINT.to_owned());
    let auth_token = option(vm, "authToken")?;
    let user_agent = option(vm, "userAgent")?.unwrap_or_else(|| PACKAGE_USER_AGENT.to_owned());
    let endpoint = endpoint.strip_suffix('/').unwrap_or(&endpoint).to_owned();
    let made = MadeClient {
        endpoint,
        auth_token,
        user_agent,
    };
    client(vm, Token::Made(Box::new(made)), site)
}

/// `new GitBookAPIError(errorMessage, response)`, as the client throws it: the
/// message names the status and URL; `response`, `name`, `code` and
/// `errorMessage` are own properties, in that order.
pub(crate) fn new_error(
    vm: &mut Vm<'_>,
    error_message: Value,
    response: Value,
    site: Site,
) -> R<Value> {
    let status = vm.get(response, Atom::STATUS, site)?;
    let url = vm.get(response, Atom::URL, site)?;
    let text = |vm: &mut Vm<'_>, v: Value| -> R<String> {
        let s = vm.to_string(v, site)?;
        Ok(vm.heap.str_lossy(s).into_owned())
    };
    let message = format!(
        "GitBook API failed with [{}] {}: {}",
        text(vm, status)?,
        text(vm, url)?,
        text(vm, error_message)?
    );
    api_error(vm, &message, response, status, error_message, site)
}

/// A `GitBookAPIError` with its own properties set as the class sets them.
fn api_error(
    vm: &mut Vm<'_>,
    message: &str,
    response: Value,
    code: Value,
    error_message: Value,
    site: Site,
) -> R<Value> {
    let error = vm.error_object(error_class::GITBOOK_API_ERROR, message, site)?;
    let key = vm.intern("response", site)?;
    vm.set(error, key, response, site)?;
    let name = vm.str_value("GitBookAPIError", site)?;
    vm.set(error, Atom::NAME, name, site)?;
    vm.set(error, Atom::CODE, code, site)?;
    let key = vm.intern("errorMessage", site)?;
    vm.set(error, key, error_message, site)?;
    Ok(error)
}

/// Whether an API host object is a client (`instanceof GitBookAPI`).
pub(crate) fn is_client(data: &HostData) -> bool {
    matches!(
        data,
        HostData::Api(ApiRef {
            target: Target::Client,
            ..
        })
    )
}

/// `client.endpoint`, `client.userAgent`, `client.authToken`: what a client sends
/// (a copy of `context.api` is often made with `context.api.userAgent`).
fn identity(vm: &mut Vm<'_>, token: &Token, name: &str, site: Site) -> R<Option<Value>> {
    let MadeClient {
        endpoint,
        auth_token,
        user_agent,
    } = sent(vm, token);
    let text = match name {
        "endpoint" => Some(endpoint),
        "userAgent" => Some(user_agent),
        "authToken" => auth_token,
        _ => return Ok(None),
    };
    Ok(Some(match text {
        Some(t) => vm.str_value(&t, site)?,
        None => Value::Undefined,
    }))
}

/// What a client sends: its endpoint (without a trailing `/`), its token and its
/// user agent; the runtime's clients take them from the request's environment.
fn sent(vm: &Vm<'_>, token: &Token) -> MadeClient {
    if let Token::Made(m) = token {
        return MadeClient::clone(m);
    }
    let env = environment(vm);
    let endpoint = env["apiEndpoint"].as_str().unwrap_or(DEFAULT_ENDPOINT);
    MadeClient {
        endpoint: endpoint.strip_suffix('/').unwrap_or(endpoint).to_owned(),
        auth_token: env_token(&env, token),
        user_agent: integration_user_agent(&env),
    }
}

/// The user agent of the runtime's clients: `integration-{name}/{version}`.
fn integration_user_agent(env: &serde_json::Value) -> String {
    let integration = &env["integration"];
    let version = match &integration["version"] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "undefined".to_owned(),
        other => other.to_string(),
    };
    format!(
        "integration-{}/{version}",
        integration["name"].as_str().unwrap_or("undefined")
    )
}

/// The token a client of the runtime sends, from the environment.
fn env_token(env: &serde_json::Value, token: &Token) -> Option<String> {
    let tokens = &env["apiTokens"];
    match token {
        Token::Installation => tokens["installation"]
            .as_str()
            .or_else(|| tokens["integration"].as_str())
            .map(str::to_owned),
        Token::Integration => tokens["integration"].as_str().map(str::to_owned),
        Token::Given(t) => Some(t.clone()),
        Token::Made(m) => m.auth_token.clone(),
    }
}

fn host(vm: &mut Vm<'_>, data: ApiRef, site: Site) -> R<Value> {
    vm.alloc(
        Object {
            props: Props::new(),
            kind: ObjKind::Host(HostKind::Api, Box::new(HostData::Api(data))),
            origin: 0,
        },
        site,
    )
}

fn api_ref(vm: &Vm<'_>, v: Value) -> Option<ApiRef> {
    let Value::Obj(o) = v else { return None };
    match &vm.heap.obj(o).kind {
        ObjKind::Host(HostKind::Api, data) => match &**data {
            HostData::Api(r) => Some(r.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The operation `name` of `namespace`.
fn find(namespace: &str, name: &str) -> Option<u16> {
    OPERATIONS
        .binary_search_by(|o| (o.namespace, o.name).cmp(&(namespace, name)))
        .ok()
        .map(|i| i as u16)
}

/// A function calling `target` of the client sending `token`.
fn function(vm: &mut Vm<'_>, token: Token, target: Target, site: Site) -> R<Value> {
    let this = host(vm, ApiRef { token, target }, site)?;
    vm.alloc(
        Object {
            props: Props::new(),
            kind: ObjKind::Function(Func::Native {
                id: super::table::Native::ApiRequest.id(),
                this,
            }),
            origin: 0,
        },
        site,
    )
}

/// `client.namespace`, `namespace.operation`.
pub(crate) fn get(vm: &mut Vm<'_>, o: ObjId, key: Atom, site: Site) -> R<Value> {
    let Some(ApiRef { token, target }) = api_ref(vm, Value::Obj(o)) else {
        return Ok(Value::Undefined);
    };
    let name = vm.key_text(key);
    match target {
        Target::Client => {
            if let Ok(i) = NAMESPACES.binary_search(&name.as_str()) {
                return host(
                    vm,
                    ApiRef {
                        token,
                        target: Target::Namespace(i as u16),
                    },
                    site,
                );
            }
            if name == "createInstallationClient" {
                return function(vm, token, Target::InstallationClient, site);
            }
            if let Some(value) = identity(vm, &token, &name, site)? {
                return Ok(value);
            }
            match find("", &name) {
                Some(op) => function(vm, token, Target::Operation(op), site),
                None => Ok(Value::Undefined),
            }
        }
        Target::Namespace(ns) => {
            let namespace = NAMESPACES.get(usize::from(ns)).copied().unwrap_or("");
            match find(namespace, &name) {
                Some(op) => function(vm, token, Target::Operation(op), site),
                None => Ok(Value::Undefined),
            }
        }
        Target::Operation(_) | Target::InstallationClient => Ok(Value::Undefined),
    }
}

/// `client.namespace.operation(args)` written as a method call.
pub(crate) fn call_method(
    vm: &mut Vm<'_>,
    o: ObjId,
    key: Atom,
    args: &[Value],
    site: Site,
) -> R<Option<Value>> {
    let f = get(vm, o, key, site)?;
    if !vm.is_function(f) {
        return Ok(None);
    }
    vm.call(f, Value::Obj(o), args, site).map(Some)
}

/// Methods of API objects that share a name with a built-in method: none are
/// operations, so they are what every object has.
pub(crate) fn method(_m: Method) -> Option<Value> {
    None
}

/// Calls the operation a function of [`function`] stands for.
pub(crate) fn call(vm: &mut Vm<'_>, this: Value, args: &[Value], site: Site) -> R<Value> {
    let Some(ApiRef { token, target }) = api_ref(vm, this) else {
        return Err(vm.type_error("an API operation was called without its client", site));
    };
    match target {
        Target::Operation(op) => {
            let Some(operation) = OPERATIONS.get(usize::from(op)) else {
                return Err(vm.type_error("unknown API operation", site));
            };
            request(vm, &token, operation, args, OpKind::Api, site)
        }
        Target::InstallationClient => installation_client(vm, &token, args, site),
        Target::Client | Target::Namespace(_) => {
            Err(vm.type_error("an API client is not a function", site))
        }
    }
}

/// `context.integration.queueTask({ task, schedule })`: `queueIntegrationTask` with
/// the integration's token; resolves to `undefined`.
pub(crate) fn queue_task(vm: &mut Vm<'_>, input: Value, site: Site) -> R<Value> {
    let name = environment(vm)["integration"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let name = vm.str_value(&name, site)?;
    let Some(op) = find("integrations", "queueIntegrationTask") else {
        return Err(vm.type_error("the API has no queueIntegrationTask", site));
    };
    request(
        vm,
        &Token::Integration,
        &OPERATIONS[usize::from(op)],
        &[name, input],
        OpKind::ApiVoid,
        site,
    )
}

/// `createInstallationClient(integrationName, installationId)`: an installation
/// token, then a client sending it.
fn installation_client(vm: &mut Vm<'_>, token: &Token, args: &[Value], site: Site) -> R<Value> {
    let Some(op) = find("integrations", "createIntegrationInstallationToken") else {
        return Err(vm.type_error("the API has no createIntegrationInstallationToken", site));
    };
    let pending = request(
        vm,
        token,
        &OPERATIONS[usize::from(op)],
        &[arg(args, 0), arg(args, 1)],
        OpKind::Api,
        site,
    )?;
    let response = vm.await_value(pending, site)?;
    let key = vm.intern("data", site)?;
    let data = vm.get(response, key, site)?;
    let answered = if data.is_nullish() {
        Value::Undefined
    } else {
        let key = vm.intern("token", site)?;
        vm.get(data, key, site)?
    };
    let Value::Str(s) = answered else {
        return Err(vm.type_error("the API answered no installation token", site));
    };
    let given = vm.heap.str_lossy(s).into_owned();
    // A made client's copy keeps its endpoint and user agent.
    let token = match token {
        Token::Made(m) => Token::Made(Box::new(MadeClient {
            auth_token: Some(given),
            ..MadeClient::clone(m)
        })),
        _ => Token::Given(given),
    };
    let c = client(vm, token, site)?;
    vm.promise(PromiseState::Fulfilled(c), site)
}

/// The request's environment as JSON (`null` when it is not JSON).
pub(crate) fn environment(vm: &Vm<'_>) -> serde_json::Value {
    serde_json::from_slice(&vm.host.environment_json).unwrap_or(serde_json::Value::Null)
}

/// Records the HTTP request of `operation` called with `args`.
pub(crate) fn request(
    vm: &mut Vm<'_>,
    token: &Token,
    operation: &Operation,
    args: &[Value],
    kind: OpKind,
    site: Site,
) -> R<Value> {
    let mut path_args = Vec::new();
    let (mut data, mut query) = (Value::Undefined, Value::Undefined);
    for (i, a) in operation.args.iter().enumerate() {
        match a {
            Arg::Path => path_args.push(arg(args, i)),
            Arg::Data => data = arg(args, i),
            Arg::Query => query = arg(args, i),
        }
    }
    let mut path = String::with_capacity(operation.path.len() + 32);
    let mut rest = operation.path;
    let mut values = path_args.into_iter();
    while let Some(start) = rest.find('{') {
        path.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |e| start + e + 1);
        let v = values.next().unwrap_or(Value::Undefined);
        let s = vm.to_string(v, site)?;
        let text = vm.heap.str_lossy(s).into_owned();
        encode_component(&mut path, &text);
        rest = &rest[end.min(rest.len())..];
    }
    path.push_str(rest);
    let query = query_string(vm, query, site)?;
    let body = match data {
        Value::Undefined | Value::Null => None,
        Value::Str(_) | Value::Obj(_) => {
            let mut out = Vec::new();
            super::json::stringify_into(vm, &mut out, data, site)?;
            Some(out)
        }
        other => {
            let s = vm.to_string(other, site)?;
            Some(vm.heap.str_bytes(s).to_vec())
        }
    };
    let op = http_request(vm, token, operation.method, &format!("{path}{query}"), body);
    vm.host_op_as(op, kind, site)
}

/// The HTTP request of an API call: `method` of `{apiEndpoint}/v1{path}` (`path` with
/// its query), with the client's token and user agent, and `body` as JSON.
pub(crate) fn http_request(
    vm: &Vm<'_>,
    token: &Token,
    method: &str,
    path: &str,
    body: Option<Vec<u8>>,
) -> HostOp {
    let MadeClient {
        endpoint,
        auth_token: token,
        user_agent,
    } = sent(vm, token);
    let url = format!("{endpoint}/v1{path}");
    let mut headers = Vec::new();
    if let Some(token) = token.filter(|t| !t.is_empty()) {
        headers.push(("authorization".to_owned(), format!("Bearer {token}")));
        headers.push(("user-agent".to_owned(), user_agent));
    }
    if body.is_some() {
        headers.push(("content-type".to_owned(), "application/json".to_owned()));
    }
    HostOp::Fetch {
        method: method.to_owned(),
        url,
        headers,
        body: body.unwrap_or_default(),
    }
}

/// `encodeURIComponent`.
pub(crate) fn encode_component(out: &mut String, text: &str) {
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// `?a=1&b=x&b=y` from a query object, as `@gitbook/api` writes it: keys whose value
/// is `undefined` left out, arrays repeated, values encoded as by
/// `encodeURIComponent`; `""` when nothing is left.
fn query_string(vm: &mut Vm<'_>, query: Value, site: Site) -> R<String> {
    if !matches!(query, Value::Obj(_)) {
        return Ok(String::new());
    }
    let mut out = String::new();
    for (k, v) in vm.own_entries(query, site)? {
        if v == Value::Undefined {
            continue;
        }
        let key = vm.key_text(k);
        let values = match v {
            Value::Obj(o) if matches!(vm.heap.obj(o).kind, ObjKind::Array(_)) => {
                vm.iterate(v, site)?
            }
            _ => vec![v],
        };
        for item in values {
            let s = vm.to_string(item, site)?;
            let text = vm.heap.str_lossy(s).into_owned();
            out.push(if out.is_empty() { '?' } else { '&' });
            encode_component(&mut out, &key);
            out.push('=');
            encode_component(&mut out, &text);
        }
    }
    Ok(out)
}

/// The value of an API call's answer: the response with `data` (and `error: null`),
/// `undefined` for [`OpKind::ApiVoid`], or a thrown `GitBookAPIError`.
pub(crate) fn settle(
    vm: &mut Vm<'_>,
    op: u32,
    kind: OpKind,
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    site: Site,
) -> R<Value> {
    if !(200..300).contains(&status) {
        let message = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
            .unwrap_or_else(|| reason(status).to_owned());
        let url = match vm.host.requested.get(op as usize) {
            Some(HostOp::Fetch { url, .. }) => url.clone(),
            None => String::new(),
        };
        let text = vm.str_value(&message, site)?;
        let response = super::runtime::response(vm, status, headers, body, site)?;
        let error = api_error(
            vm,
            &format!("GitBook API failed with [{status}] {url}: {message}"),
            response,
            Value::Num(f64::from(status)),
            text,
            site,
        )?;
        return Err(Fault::Throw(error, site));
    }
    if kind == OpKind::ApiVoid {
        return Ok(Value::Undefined);
    }
    let data = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        let depth = vm.limits.max_value_depth;
        match crate::lang::value::json::parse(&mut vm.heap, &body, depth) {
            Ok(v) => v,
            Err(crate::lang::value::json::JsonError::Memory) => {
                return Err(Fault::Limit(crate::lang::eval::Limit::Memory, site))
            }
            Err(e) => return Err(vm.throw(error_class::SYNTAX_ERROR, e.to_string(), site)),
        }
    };
    let response = super::runtime::response(vm, status, headers, body, site)?;
    let key = vm.intern("data", site)?;
    vm.set(response, key, data, site)?;
    let key = vm.intern("error", site)?;
    vm.set(response, key, Value::Null, site)?;
    Ok(response)
}

/// The reason phrase of common statuses (`response.statusText`).
pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        410 => "Gone",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_finds_operations() {
        assert!(OPERATIONS
            .windows(2)
            .all(|w| (w[0].namespace, w[0].name) < (w[1].namespace, w[1].name)));
        assert!(NAMESPACES.windows(2).all(|w| w[0] < w[1]));
        let op = &OPERATIONS
            [usize::from(find("integrations", "updateIntegrationInstallation").unwrap())];
        assert_eq!(op.method, "PATCH");
        assert_eq!(op.args, &[Arg::Path, Arg::Path, Arg::Data]);
        assert!(find("", "getApiInformation").is_some());
        assert!(find("integrations", "nope").is_none());
    }

    #[test]
    fn components_are_encoded_as_encode_uri_component_does() {
        let mut out = String::new();
        encode_component(&mut out, "a b/c?d=é!*");
        assert_eq!(out, "a%20b%2Fc%3Fd%3D%C3%A9!*");
    }
}
