//! Running an integration's other handlers for one request, as `createIntegration`
//! in `@gitbook/runtime` runs them: `fetch`, `fetch_published_script`,
//! `fetch_visitor_authentication`, `task`, and the handlers of `events`.
//!
//! | event | handler | answer |
//! | --- | --- | --- |
//! | `fetch` | `fetch(request, context)` | its `Response` |
//! | `fetch_published_script` | `fetch_published_script(event, context)` | its `Response`; 200 `/** no-op */` (`application/javascript`) for none |
//! | `fetch_visitor_authentication` | `fetch_visitor_authentication(event, context)` | its `Response` |
//! | `task` | `task(event.task, context)` | 200 `OK` |
//! | any other | `events[type](event, context)` (or each of an array) | 200 `OK` |
//!
//! Without the handler: 400 `{"error":"Integration does not handle HTTP requests"}`
//! (`… does not handle <type>`, `… does not handle tasks`), 406 for other events, 404
//! for content sources (none are defined here). A thrown error is a 500
//! `{"error":"Internal server error"}` (an `ExposableError` gives its code and
//! message), with the located diagnostic beside it.
//!
//! Every handler gets the runtime context: `{environment, api, integration: {api,
//! queueTask}, waitUntil}`. Handlers that await host operations suspend the run as in
//! [`crate::lang::run`]: the outcome lists them, the caller performs them and runs
//! again with the results.
//!
//! ```
//! use contentkit::lang::handlers::{integration_event, HandlerOutcome};
//! use contentkit::lang::program::{NoSources, Program};
//! use contentkit::lang::{eval::Limits, host::HostState};
//!
//! let program = Program::load("index.tsx", r#"
//!     import { createIntegration } from '@gitbook/runtime';
//!     export default createIntegration({
//!         fetch: async (request, context) =>
//!             new Response(`${request.method} ${new URL(request.url).pathname} for ${context.environment.integration.name}`),
//!     });
//! "#, &NoSources).unwrap();
//! let event = br#"{"type":"fetch","request":{"method":"get","url":"https://x.example/hello","headers":{}}}"#;
//! let environment = br#"{"integration":{"name":"demo"}}"#;
//! let (outcome, _) = integration_event(&program, event, b"", environment, Limits::default(), HostState::default());
//! let HandlerOutcome::Done(reply) = outcome else { panic!() };
//! assert_eq!((reply.status, reply.body.as_slice()), (200, &b"GET /hello for demo"[..]));
//! ```

use crate::lang::builtins::api::{self, Token};
use crate::lang::builtins::table::Native;
use crate::lang::compile::ir::Site;
use crate::lang::diagnostic::Diagnostic;
use crate::lang::eval::{ops::truthy, Fault, Limit, Limits, Vm, R};
use crate::lang::host::{HostOp, HostState};
use crate::lang::program::Program;
use crate::lang::run::{error_body, native, Outcome};
use crate::lang::value::{Atom, HostData, HostKind, ObjKind, Object, Props, Value};

/// A handler's answer: an HTTP response.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The status.
    pub status: u16,
    /// The headers, names as written (a `Response`'s in lowercase).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// Why it failed, located in the source, when it did.
    pub diagnostics: Vec<Diagnostic>,
}

impl Reply {
    fn error(status: u16, message: &str) -> Reply {
        Reply {
            status,
            headers: vec![json_type()],
            body: error_body(message),
            diagnostics: Vec::new(),
        }
    }

    /// The reply of a `ui_render` response: JSON, with its `Cache-Control`.
    pub fn from_render(r: crate::lang::run::Response) -> Reply {
        let mut headers = vec![json_type()];
        if let Some(c) = r.cache_control {
            headers.push(("Cache-Control".into(), c));
        }
        Reply {
            status: r.status,
            headers,
            body: r.body,
            diagnostics: r.diagnostics,
        }
    }
}

fn json_type() -> (String, String) {
    ("Content-Type".into(), "application/json".into())
}

/// What a handler run came to.
#[derive(Debug, Clone, PartialEq)]
pub enum HandlerOutcome {
    /// Done: the reply.
    Done(Reply),
    /// The handler awaits host operations: perform these (all of `host.requested`
    /// from index `results.len()` on), record their results, and run again.
    NeedsHost(Vec<HostOp>),
}

/// Whether the program defines an integration (`createIntegration`) whose handlers
/// [`integration_event`] runs.
pub fn has_integration(program: &Program) -> bool {
    program.integration.is_some()
}

/// Answers a runtime event other than `ui_render` (its JSON bytes) with the handlers
/// of the program's integration; `fetch_body` is the raw body of a `fetch` event's
/// request. Gives back the host state the run left: its operations (those not
/// awaited included, for `waitUntil`), logs and results.
pub fn integration_event(
    program: &Program,
    event: &[u8],
    fetch_body: &[u8],
    environment: &[u8],
    limits: Limits,
    host: HostState,
) -> (HandlerOutcome, HostState) {
    let mut vm = Vm::new(program, limits, host);
    vm.host.environment_json = environment.to_vec();
    let outcome = match answer(&mut vm, event, fetch_body) {
        Ok(reply) => HandlerOutcome::Done(reply),
        Err(f) => match crate::lang::run::failure(&mut vm, f) {
            Outcome::Done(r) => HandlerOutcome::Done(Reply::from_render(r)),
            Outcome::NeedsHost(ops) => HandlerOutcome::NeedsHost(ops),
        },
    };
    let host = std::mem::take(&mut vm.host);
    (outcome, host)
}

fn get(vm: &mut Vm<'_>, v: Value, key: Atom) -> R<Value> {
    if v.is_nullish() {
        return Ok(Value::Undefined);
    }
    vm.get(v, key, 0)
}

fn get_named(vm: &mut Vm<'_>, v: Value, name: &str) -> R<Value> {
    let key = vm.intern(name, 0)?;
    get(vm, v, key)
}

fn answer(vm: &mut Vm<'_>, event: &[u8], fetch_body: &[u8]) -> R<Reply> {
    let Some(def) = vm.p.integration else {
        return Ok(Reply::error(406, "The integration defines no handlers"));
    };
    let depth = vm.limits.max_value_depth;
    let event = match crate::lang::value::json::parse(&mut vm.heap, event, depth) {
        Ok(v) => v,
        Err(crate::lang::value::json::JsonError::Memory) => {
            return Err(Fault::Limit(Limit::Memory, 0))
        }
        Err(e) => {
            let message = format!("Invalid JSON in \"event\" field: {e}");
            return Ok(Reply::error(400, &message));
        }
    };
    let site = integration_site(vm);
    let context = match runtime_context(vm, site, None)? {
        Ok(c) => c,
        Err(message) => {
            let message = format!("Invalid JSON in \"environment\" field: {message}");
            return Ok(Reply::error(400, &message));
        }
    };
    let ty = get(vm, event, Atom::TYPE)?;
    let ty = match ty {
        Value::Str(s) => vm.heap.str_lossy(s).into_owned(),
        _ => String::new(),
    };
    vm.site = site;
    match ty.as_str() {
        "fetch" => {
            let handler = get(vm, def, Atom::FETCH)?;
            if !vm.is_function(handler) {
                return Ok(Reply::error(
                    400,
                    "Integration does not handle HTTP requests",
                ));
            }
            let request = request(vm, event, fetch_body, site)?;
            let r = vm.call(handler, Value::Undefined, &[request, context], site)?;
            let v = vm.await_value(r, site)?;
            response_reply(vm, v, "fetch", site)
        }
        "fetch_published_script" | "fetch_visitor_authentication" => {
            let key = if ty == "fetch_published_script" {
                Atom::FETCH_PUBLISHED_SCRIPT
            } else {
                Atom::FETCH_VISITOR_AUTHENTICATION
            };
            let handler = get(vm, def, key)?;
            if !vm.is_function(handler) {
                return Ok(Reply::error(
                    400,
                    &format!("Integration does not handle {ty}"),
                ));
            }
            let r = vm.call(handler, Value::Undefined, &[event, context], site)?;
            let v = vm.await_value(r, site)?;
            if key == Atom::FETCH_PUBLISHED_SCRIPT && !truthy(vm, v) {
                return Ok(Reply {
                    status: 200,
                    headers: vec![("content-type".into(), "application/javascript".into())],
                    body: b"/** no-op */".to_vec(),
                    diagnostics: Vec::new(),
                });
            }
            response_reply(vm, v, &ty, site)
        }
        "task" => {
            let handler = get(vm, def, Atom::TASK)?;
            if !vm.is_function(handler) {
                return Ok(Reply::error(400, "Integration does not handle tasks"));
            }
            let task = get(vm, event, Atom::TASK)?;
            let r = vm.call(handler, Value::Undefined, &[task, context], site)?;
            vm.await_value(r, site)?;
            Ok(handled())
        }
        "content_compute_revision" | "content_compute_document" => {
            let source = get_named(vm, event, "sourceId")?;
            let source = vm.to_string(source, site)?;
            let source = vm.heap.str_lossy(source).into_owned();
            Ok(Reply::error(
                404,
                &format!("Content source {source} not found"),
            ))
        }
        _ => {
            let events = get(vm, def, Atom::EVENTS)?;
            let handler = if ty.is_empty() {
                Value::Undefined
            } else {
                get_named(vm, events, &ty)?
            };
            let handlers = match handler {
                Value::Obj(o) if matches!(vm.heap.obj(o).kind, ObjKind::Array(_)) => {
                    vm.iterate(handler, site)?
                }
                h if vm.is_function(h) => vec![h],
                _ => {
                    let message = format!("Integration does not handle \"{ty}\" events");
                    return Ok(Reply::error(406, &message));
                }
            };
            // `Promise.all(cb.map((c) => c(event, context)))`: every handler starts,
            // then each is awaited.
            let mut pending = Vec::with_capacity(handlers.len());
            for h in handlers {
                pending.push(vm.call(h, Value::Undefined, &[event, context], site)?);
            }
            for p in pending {
                vm.await_value(p, site)?;
            }
            Ok(handled())
        }
    }
}

/// Where the integration is defined, for diagnostics of the runtime's own calls.
fn integration_site(vm: &Vm<'_>) -> Site {
    vm.p.components.first().map_or(0, |c| c.site)
}

/// `new Response("OK")`.
fn handled() -> Reply {
    Reply {
        status: 200,
        headers: vec![("content-type".into(), "text/plain;charset=UTF-8".into())],
        body: b"OK".to_vec(),
        diagnostics: Vec::new(),
    }
}

/// The `Request` a fetch handler gets: the event's method (in capitals), URL and
/// headers, and the raw body.
fn request(vm: &mut Vm<'_>, event: Value, body: &[u8], site: Site) -> R<Value> {
    let req = get_named(vm, event, "request")?;
    let method = get(vm, req, Atom::METHOD)?;
    let method = match method {
        Value::Undefined => "GET".to_owned(),
        m => {
            let s = vm.to_string(m, site)?;
            vm.heap.str_lossy(s).to_ascii_uppercase()
        }
    };
    let url = get(vm, req, Atom::URL)?;
    let url = vm.to_string(url, site)?;
    let url = vm.heap.str_lossy(url).into_owned();
    let h = get(vm, req, Atom::HEADERS)?;
    let mut headers = Vec::new();
    if let Value::Obj(_) = h {
        for (k, v) in vm.own_entries(h, site)? {
            let v = vm.to_string(v, site)?;
            headers.push((
                vm.key_text(k).to_ascii_lowercase(),
                vm.heap.str_lossy(v).into_owned(),
            ));
        }
    }
    let r = vm.heap.charge(body.len() + 256);
    vm.mem(r, site)?;
    crate::lang::builtins::runtime::request(vm, method, url, headers, body.to_vec(), site)
}

/// A handler's `Response` as the reply; anything else is an error.
fn response_reply(vm: &mut Vm<'_>, v: Value, what: &str, site: Site) -> R<Reply> {
    if let Value::Obj(o) = v {
        if let ObjKind::Host(HostKind::Response, data) = &vm.heap.obj(o).kind {
            if let HostData::Response {
                status,
                headers,
                body,
            } = &**data
            {
                return Ok(Reply {
                    status: *status,
                    headers: headers.clone(),
                    body: body.clone(),
                    diagnostics: Vec::new(),
                });
            }
        }
    }
    let found = vm.describe(v);
    Err(vm.type_error(
        format!("the {what} handler must return a Response, not {found}"),
        site,
    ))
}

/// The runtime context handlers get, as `createContext` in `@gitbook/runtime` makes
/// it: `{environment, api, integration: {api, queueTask}, waitUntil}`; `Err` with a
/// message when the environment is not JSON. `environment` is the request's
/// environment when it was already read (the program keeps each distinct one read).
pub(crate) fn runtime_context(
    vm: &mut Vm<'_>,
    site: Site,
    environment: Option<Value>,
) -> R<Result<Value, String>> {
    let env_json = std::mem::take(&mut vm.host.environment_json);
    let depth = vm.limits.max_value_depth;
    let environment = if let Some(v) = environment {
        v
    } else if env_json.is_empty() {
        vm.alloc(Object::plain(Props::new()), site)?
    } else {
        match crate::lang::value::json::parse(&mut vm.heap, &env_json, depth) {
            Ok(v) => v,
            Err(crate::lang::value::json::JsonError::Memory) => {
                return Err(Fault::Limit(Limit::Memory, site))
            }
            Err(e) => return Ok(Err(e.to_string())),
        }
    };
    vm.host.environment_json = env_json;
    let api = api::client(vm, Token::Installation, site)?;
    let integration_api = api::client(vm, Token::Integration, site)?;
    let queue_task = native(vm, Native::QueueTask, site)?;
    let mut integration = Props::with_capacity(2);
    integration.push_new_name(Atom::API, integration_api);
    integration.push_new_name(Atom::QUEUE_TASK, queue_task);
    let integration = vm.alloc(Object::plain(integration), site)?;
    let wait_until = native(vm, Native::ContextWaitUntil, site)?;
    let mut p = Props::with_capacity(4);
    p.push_new_name(Atom::ENVIRONMENT, environment);
    p.push_new_name(Atom::API, api);
    p.push_new_name(Atom::INTEGRATION, integration);
    p.push_new_name(Atom::WAIT_UNTIL, wait_until);
    vm.alloc(Object::plain(p), site).map(Ok)
}
