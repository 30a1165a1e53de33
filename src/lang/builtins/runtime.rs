//! What `@gitbook/runtime` gives component files: `createComponent`,
//! `createIntegration`, the methods of the objects handlers receive, `fetch`,
//! `Response` and `Request`.

use super::table::Native;
use super::{arg, Method};
use crate::lang::compile::ir::Site;
use crate::lang::eval::{error_class, Vm, R};
use crate::lang::host::HostOp;
use crate::lang::value::{
    Atom, Func, HostData, HostKind, ObjId, ObjKind, Object, PromiseState, Props, Value,
};

/// `Logger(namespace)` of `@gitbook/runtime`: `{ info, debug, error }`, each logging
/// `[namespace] message` followed by its other arguments, as `console.log` does.
pub(super) fn logger(vm: &mut Vm<'_>, namespace: Value, site: Site) -> R<Value> {
    let namespace = vm.to_string(namespace, site)?;
    let prefix = format!("[{}] ", vm.heap.str_lossy(namespace));
    let prefix = vm.str_value(&prefix, site)?;
    let mut props = Props::with_capacity(3);
    for name in ["info", "debug", "error"] {
        let line = vm.alloc(
            Object {
                props: Props::new(),
                kind: ObjKind::Function(Func::Native {
                    id: Native::LoggerLine.id(),
                    this: prefix,
                }),
                origin: 0,
            },
            site,
        )?;
        let key = vm.intern(name, site)?;
        props.push_new_name(key, line);
    }
    vm.alloc(Object::plain(props), site)
}

/// One method of a [`logger`]: `prefix` is its `[namespace] `.
pub(super) fn logger_line(vm: &mut Vm<'_>, prefix: Value, args: &[Value], site: Site) -> R<Value> {
    let message = vm.to_string(arg(args, 0), site)?;
    let mut line = match prefix {
        Value::Str(p) => vm.heap.str_lossy(p).into_owned(),
        _ => String::new(),
    };
    line.push_str(&vm.heap.str_lossy(message));
    for a in args.iter().skip(1) {
        line.push(' ');
        line.push_str(&super::json::inspect(vm, *a, site)?);
    }
    vm.host.log(line);
    Ok(Value::Undefined)
}

/// Runtime functions.
pub(super) fn call(
    vm: &mut Vm<'_>,
    n: Native,
    _this: Value,
    args: &[Value],
    site: Site,
) -> R<Value> {
    match n {
        Native::CreateComponent => create_component(vm, arg(args, 0), site),
        Native::CreateIntegration => create_integration(vm, arg(args, 0), site),
        Native::ElementDynamicState => {
            let mut props = Props::with_capacity(1);
            props.push_new_name(Atom::DOLLAR_STATE, arg(args, 0));
            vm.alloc(Object::plain(props), site)
        }
        Native::ElementSetCache => {
            let opts = arg(args, 0);
            let age = if opts.is_nullish() {
                Value::Undefined
            } else {
                vm.get(opts, Atom::MAX_AGE, site)?
            };
            // `cache = newCache`: a falsy argument clears it.
            vm.host.cache_max_age = if crate::lang::eval::ops::truthy(vm, opts) {
                Some(age)
            } else {
                None
            };
            Ok(Value::Undefined)
        }
        Native::ContextWaitUntil => {
            if let Value::Obj(o) = arg(args, 0) {
                if let ObjKind::Promise(PromiseState::Pending(op)) = vm.heap.obj(o).kind {
                    vm.host.wait_until.push(op);
                }
            }
            Ok(Value::Undefined)
        }
        Native::Fetch => {
            let request = request_parts(vm, arg(args, 0), arg(args, 1), site)?;
            vm.host_op(request, site)
        }
        Native::ResponseJson => {
            let mut body = Vec::new();
            if !super::json::stringify_into(vm, &mut body, arg(args, 0), site)? {
                return Err(vm.type_error("Response.json: the value has no JSON form", site));
            }
            let (status, mut headers) = init(vm, arg(args, 1), site)?;
            if !headers.iter().any(|(k, _)| k == "content-type") {
                headers.push(("content-type".into(), "application/json".into()));
            }
            response(vm, status, headers, body, site)
        }
        Native::ResponseRedirect => {
            let u = vm.to_string(arg(args, 0), site)?;
            let location = vm.heap.str_lossy(u).into_owned();
            let status = match arg(args, 1) {
                Value::Undefined => 302,
                v => vm.to_number(v, site)? as u16,
            };
            if ![301, 302, 303, 307, 308].contains(&status) {
                return Err(vm.throw(error_class::RANGE_ERROR, "Invalid status code", site));
            }
            response(
                vm,
                status,
                vec![("location".into(), location)],
                Vec::new(),
                site,
            )
        }
        _ => Err(vm.type_error(format!("{} is not available here", n.name()), site)),
    }
}

fn create_component(vm: &mut Vm<'_>, def: Value, site: Site) -> R<Value> {
    let Value::Obj(_) = def else {
        return Err(vm.type_error(
            "createComponent takes an object: createComponent({ componentId, render })",
            site,
        ));
    };
    let id = vm.get(def, Atom::COMPONENT_ID, site)?;
    let Value::Str(id) = id else {
        return Err(vm.type_error("createComponent: componentId must be a string", site));
    };
    let render = vm.get(def, Atom::RENDER, site)?;
    if !vm.is_function(render) {
        return Err(vm.type_error("createComponent: render must be a function", site));
    }
    let id_text = vm.heap.str_lossy(id).into_owned();
    let mut props = Props::with_capacity(2);
    props.push_new_name(Atom::COMPONENT_ID, Value::Str(id));
    props.push_new_name(Atom::RENDER, render);
    let handle = vm.alloc(Object::plain(props), site)?;
    let Some(registry) = vm.registry.as_mut() else {
        return Err(vm.type_error(
            "createComponent may only be called while the file loads (at the top level of a module)",
            site,
        ));
    };
    if let Value::Obj(h) = handle {
        registry.components.push(crate::lang::program::Registered {
            handle: h,
            id: id_text,
            def,
            site,
        });
    }
    Ok(handle)
}

fn create_integration(vm: &mut Vm<'_>, def: Value, site: Site) -> R<Value> {
    let Value::Obj(_) = def else {
        return Err(vm.type_error(
            "createIntegration takes an object: createIntegration({ components })",
            site,
        ));
    };
    let fetch = vm.str_value("fetch", site)?;
    let mut props = Props::with_capacity(1);
    props.push_new_name(Atom::FETCH, fetch);
    let handle = vm.alloc(Object::plain(props), site)?;
    let Some(registry) = vm.registry.as_mut() else {
        return Err(vm.type_error(
            "createIntegration may only be called while the file loads",
            site,
        ));
    };
    if let Value::Obj(h) = handle {
        registry.integrations.push((h, def, site));
    }
    Ok(handle)
}

/// Status and headers from a `ResponseInit`.
fn init(vm: &mut Vm<'_>, init: Value, site: Site) -> R<(u16, Vec<(String, String)>)> {
    if init.is_nullish() {
        return Ok((200, Vec::new()));
    }
    let status = match vm.get(init, Atom::STATUS, site)? {
        Value::Undefined => 200,
        v => {
            let n = vm.to_number(v, site)?;
            if !(200.0..=599.0).contains(&n) || n.fract() != 0.0 {
                return Err(vm.throw(
                    error_class::RANGE_ERROR,
                    "The status provided is outside the range [200, 599]",
                    site,
                ));
            }
            n as u16
        }
    };
    let h = vm.get(init, Atom::HEADERS, site)?;
    let headers = headers_of(vm, h, site)?;
    Ok((status, headers))
}

fn headers_of(vm: &mut Vm<'_>, h: Value, site: Site) -> R<Vec<(String, String)>> {
    if h.is_nullish() {
        return Ok(Vec::new());
    }
    let items = match h {
        Value::Obj(o)
            if matches!(
                vm.heap.obj(o).kind,
                ObjKind::Host(HostKind::Headers, _) | ObjKind::Array(_)
            ) =>
        {
            vm.iterate(h, site)?
        }
        _ => {
            let entries = vm.own_entries(h, site)?;
            let mut out = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let k = vm.heap.atom_value(k);
                let k = vm.mem(k, site)?;
                out.push(vm.array(vec![Value::Str(k), v], site)?);
            }
            out
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let k = vm.get(item, Atom::index(0).unwrap_or(Atom::EMPTY), site)?;
        let v = vm.get(item, Atom::index(1).unwrap_or(Atom::EMPTY), site)?;
        let k = vm.to_string(k, site)?;
        let v = vm.to_string(v, site)?;
        out.push((
            vm.heap.str_lossy(k).to_ascii_lowercase(),
            vm.heap.str_lossy(v).into_owned(),
        ));
    }
    Ok(out)
}

fn body_bytes(vm: &mut Vm<'_>, body: Value, site: Site) -> R<Vec<u8>> {
    Ok(match body {
        Value::Undefined | Value::Null => Vec::new(),
        v => {
            let s = vm.to_string(v, site)?;
            crate::lang::value::string::wtf8_to_str_lossy(vm.heap.str_bytes(s))
                .into_owned()
                .into_bytes()
        }
    })
}

/// A `Response` object.
pub(crate) fn response(
    vm: &mut Vm<'_>,
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    site: Site,
) -> R<Value> {
    let r = vm.heap.charge(body.len() + 256);
    vm.mem(r, site)?;
    vm.alloc(
        Object {
            props: Props::new(),
            kind: ObjKind::Host(
                HostKind::Response,
                Box::new(HostData::Response {
                    status,
                    headers,
                    body,
                }),
            ),
            origin: 0,
        },
        site,
    )
}

fn request_parts(vm: &mut Vm<'_>, input: Value, opts: Value, site: Site) -> R<HostOp> {
    let u = vm.to_string(input, site)?;
    let url = vm.heap.str_lossy(u).into_owned();
    if url::Url::parse(&url).is_err() {
        return Err(vm.type_error(format!("Failed to parse URL from {url}"), site));
    }
    let (method, headers, body) = if opts.is_nullish() {
        ("GET".to_owned(), Vec::new(), Vec::new())
    } else {
        let m = vm.get(opts, Atom::METHOD, site)?;
        let method = if m == Value::Undefined {
            "GET".to_owned()
        } else {
            let s = vm.to_string(m, site)?;
            vm.heap.str_lossy(s).to_ascii_uppercase()
        };
        let h = vm.get(opts, Atom::HEADERS, site)?;
        let headers = headers_of(vm, h, site)?;
        let b = vm.get(opts, Atom::BODY, site)?;
        let body = body_bytes(vm, b, site)?;
        (method, headers, body)
    };
    Ok(HostOp::Fetch {
        method,
        url,
        headers,
        body,
    })
}

/// `new Response(body, init)`, `new Request(url, init)`.
pub(super) fn construct(vm: &mut Vm<'_>, n: Native, args: &[Value], site: Site) -> R<Value> {
    if n == Native::NewResponse {
        let body = body_bytes(vm, arg(args, 0), site)?;
        let (status, mut headers) = init(vm, arg(args, 1), site)?;
        if !body.is_empty()
            && matches!(arg(args, 0), Value::Str(_))
            && !headers.iter().any(|(k, _)| k == "content-type")
        {
            headers.push(("content-type".into(), "text/plain;charset=UTF-8".into()));
        }
        return response(vm, status, headers, body, site);
    }
    let HostOp::Fetch {
        method,
        url,
        headers,
        body,
    } = request_parts(vm, arg(args, 0), arg(args, 1), site)?;
    request(vm, method, url, headers, body, site)
}

/// A `Request` object.
pub(crate) fn request(
    vm: &mut Vm<'_>,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    site: Site,
) -> R<Value> {
    vm.alloc(
        Object {
            props: Props::new(),
            kind: ObjKind::Host(
                HostKind::Request,
                Box::new(HostData::Request {
                    method,
                    url,
                    headers,
                    body,
                }),
            ),
            origin: 0,
        },
        site,
    )
}

/// A response's or request's parts: status (0 for a request), headers, body, method
/// and URL (empty for a response).
type MessageParts = (u16, Vec<(String, String)>, Vec<u8>, String, String);

fn parts(vm: &Vm<'_>, o: ObjId) -> Option<MessageParts> {
    match &vm.heap.obj(o).kind {
        ObjKind::Host(_, d) => match &**d {
            HostData::Response {
                status,
                headers,
                body,
            } => Some((
                *status,
                headers.clone(),
                body.clone(),
                String::new(),
                String::new(),
            )),
            HostData::Request {
                method,
                url,
                headers,
                body,
            } => Some((
                0,
                headers.clone(),
                body.clone(),
                method.clone(),
                url.clone(),
            )),
            _ => None,
        },
        _ => None,
    }
}

/// Properties of responses and requests.
pub(crate) fn response_get(vm: &mut Vm<'_>, o: ObjId, key: Atom, site: Site) -> R<Value> {
    let Some((status, headers, _, method, url)) = parts(vm, o) else {
        return Ok(Value::Undefined);
    };
    Ok(match key {
        Atom::STATUS => Value::Num(f64::from(status)),
        Atom::OK => Value::Bool((200..300).contains(&status)),
        Atom::METHOD => vm.str_value(&method, site)?,
        Atom::URL => vm.str_value(&url, site)?,
        Atom::HEADERS => vm.alloc(
            Object {
                props: Props::new(),
                kind: ObjKind::Host(HostKind::Headers, Box::new(HostData::Pairs(headers, None))),
                origin: 0,
            },
            site,
        )?,
        _ => Value::Undefined,
    })
}

/// `json()`, `text()`, `clone()` of responses and requests.
pub(crate) fn response_method(
    vm: &mut Vm<'_>,
    o: ObjId,
    m: Method,
    _args: &[Value],
    site: Site,
) -> R<Option<Value>> {
    let Some((_, _, body, _, _)) = parts(vm, o) else {
        return Ok(None);
    };
    let v = match m {
        Method::Text => {
            let text = String::from_utf8_lossy(&body).into_owned();
            vm.str_value(&text, site)?
        }
        Method::Json => {
            let depth = vm.limits.max_value_depth;
            match crate::lang::value::json::parse(&mut vm.heap, &body, depth) {
                Ok(v) => v,
                Err(e) => {
                    let p = vm.throw(error_class::SYNTAX_ERROR, e.to_string(), site);
                    return match p {
                        crate::lang::eval::Fault::Throw(e, _) => {
                            vm.promise(PromiseState::Rejected(e), site).map(Some)
                        }
                        other => Err(other),
                    };
                }
            }
        }
        Method::Clone => return Ok(Some(Value::Obj(o))),
        _ => return Ok(None),
    };
    vm.promise(PromiseState::Fulfilled(v), site).map(Some)
}
