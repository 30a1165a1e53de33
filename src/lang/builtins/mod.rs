//! The standard library: built-in functions, methods of built-in values, host
//! objects (URL, Map, Response, …) and the `@gitbook/runtime` functions.
//!
//! Every built-in that scans items counts them as steps; every one that allocates
//! counts the bytes first. Anything a JavaScript engine has and this library does not
//! is a compile error (see [`table`]), never a silent `undefined`.

mod array;
pub(crate) mod date;
mod descriptor;
pub(crate) mod json;
mod math;
mod methods;
mod number;
pub(crate) mod object;
mod promise;
pub(crate) mod regexp;
pub(crate) mod runtime;
mod sort;
mod string;
pub(crate) mod table;
pub(crate) mod url;

use crate::lang::compile::ir::Site;
use crate::lang::eval::{error_class, Vm, R};
use crate::lang::value::{Atom, HostKind, ObjId, ObjKind, Value};

pub(crate) use methods::{Method, METHOD_NAMES};
use table::Native;

/// The argument at `i`, or `undefined`.
#[inline]
pub(crate) fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).copied().unwrap_or(Value::Undefined)
}

/// Calls built-in `id`.
pub(crate) fn call_native(
    vm: &mut Vm<'_>,
    id: u16,
    this: Value,
    args: &[Value],
    site: Site,
) -> R<Value> {
    let Some(n) = Native::from_id(id) else {
        return Err(vm.type_error("unknown built-in", site));
    };
    use Native::*;
    match n {
        ParseInt | ParseFloat | IsNaN | IsFinite | NumberFn | NumberIsInteger | NumberIsFinite
        | NumberIsNaN | NumberIsSafeInteger | MathAbs | MathFloor | MathCeil | MathRound
        | MathTrunc | MathSign | MathMin | MathMax | MathPow | MathSqrt | MathCbrt | MathRandom
        | MathLog | MathLog2 | MathLog10 | MathExp | MathSin | MathCos | MathTan | MathAtan
        | MathAtan2 | MathHypot | MathClz32 | MathFround | MathImul | MathLog1p | MathExpm1
        | MathAsin | MathAcos | MathSinh | MathCosh | MathTanh | MathAsinh | MathAcosh
        | MathAtanh => number::call(vm, n, args, site),
        EncodeUriComponent | DecodeUriComponent | EncodeUri | DecodeUri => {
            url::call_uri(vm, n, args, site)
        }
        StringFn | StringFromCharCode | StringFromCodePoint | StringRaw | Btoa | Atob => {
            string::call(vm, n, args, site)
        }
        BooleanFn => Ok(Value::Bool(crate::lang::eval::ops::truthy(
            vm,
            arg(args, 0),
        ))),
        ArrayFn | ArrayIsArray | ArrayFrom | ArrayOf => array::call(vm, n, args, site),
        ObjectFn | ObjectKeys | ObjectValues | ObjectEntries | ObjectAssign | ObjectFromEntries
        | ObjectFreeze | ObjectIs | ObjectIsFrozen | ObjectHasOwn | StructuredClone => {
            object::call(vm, n, args, site)
        }
        ObjectDefineProperty
        | ObjectDefineProperties
        | ObjectCreate
        | ObjectGetOwnPropertyDescriptor => descriptor::call(vm, n, args, site),
        JsonParse | JsonStringify => json::call(vm, n, args, site),
        DateNow | DateUtc | DateParse => date::call(vm, n, args, site),
        PromiseAll | PromiseAllSettled | PromiseRace | PromiseResolve | PromiseReject => {
            promise::call(vm, n, args, site)
        }
        ConsoleLog => {
            let mut line = String::new();
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    line.push(' ');
                }
                let s = json::inspect(vm, *a, site)?;
                line.push_str(&s);
            }
            vm.host.log(line);
            Ok(Value::Undefined)
        }
        NewError | NewTypeError | NewRangeError | NewSyntaxError | NewUriError
        | NewExposableError | NewDate | NewUrl | NewUrlSearchParams | NewResponse | NewRequest
        | NewHeaders | NewMap | NewSet | NewRegExp => construct_native(vm, id, args, site),
        Fetch | ResponseJson | ResponseRedirect => runtime::call(vm, n, this, args, site),
        CreateComponent | CreateIntegration | CreateOAuthHandler | GetOAuthToken
        | ElementDynamicState | ElementSetCache | ContextWaitUntil | QueueTask | ApiRequest => {
            runtime::call(vm, n, this, args, site)
        }
        Method => Err(vm.type_error("a bound method was called without its receiver", site)),
    }
}

/// `new Native(args)`.
pub(crate) fn construct_native(vm: &mut Vm<'_>, id: u16, args: &[Value], site: Site) -> R<Value> {
    let Some(n) = Native::from_id(id) else {
        return Err(vm.type_error("unknown constructor", site));
    };
    use Native::*;
    match n {
        NewError | NewTypeError | NewRangeError | NewSyntaxError | NewUriError
        | NewExposableError => object::new_error(vm, n, args, site),
        NewDate => date::construct(vm, args, site),
        NewUrl | NewUrlSearchParams | NewHeaders => url::construct(vm, n, args, site),
        NewMap | NewSet => object::new_collection(vm, n, args, site),
        NewRegExp => regexp::construct(vm, args, site),
        NewResponse | NewRequest => runtime::construct(vm, n, args, site),
        ArrayFn => array::call(vm, n, args, site),
        _ => {
            let name = n.name();
            Err(vm.type_error(format!("{name} is not a constructor"), site))
        }
    }
}

/// `this.key(args)` for the methods of built-in values; `None` when the value has
/// no such method.
pub(crate) fn call_method(
    vm: &mut Vm<'_>,
    this: Value,
    key: Atom,
    args: &[Value],
    site: Site,
) -> R<Option<Value>> {
    let Some(m) = vm.p.method(key) else {
        return Ok(None);
    };
    match this {
        Value::Str(s) => string::method(vm, s, m, args, site),
        Value::Num(x) => number::method(vm, x, m, args, site),
        Value::Bool(b) => Ok(match m {
            Method::ToString => Some(crate::lang::eval::ops::known(
                vm,
                if b { Atom::S_TRUE } else { Atom::S_FALSE },
            )),
            Method::ValueOf => Some(this),
            _ => None,
        }),
        Value::Obj(o) => {
            let r = match &vm.heap.obj(o).kind {
                ObjKind::Array(_) => array::method(vm, o, m, args, site)?,
                ObjKind::Function(_) => object::function_method(vm, this, m, args, site)?,
                ObjKind::Date(_) => date::method(vm, o, m, args, site)?,
                ObjKind::RegExp { .. } => regexp::method(vm, o, m, args, site)?,
                ObjKind::Promise(_) => promise::method(vm, o, m, args, site)?,
                ObjKind::Host(..) => host_method(vm, o, m, args, site)?,
                ObjKind::Plain | ObjKind::Error { .. } | ObjKind::Accessor { .. } => None,
            };
            match r {
                Some(v) => Ok(Some(v)),
                None => object::common_method(vm, this, m, args, site),
            }
        }
        Value::Undefined | Value::Null => Ok(None),
    }
}

fn host_method(
    vm: &mut Vm<'_>,
    o: ObjId,
    m: Method,
    args: &[Value],
    site: Site,
) -> R<Option<Value>> {
    let ObjKind::Host(kind, _) = &vm.heap.obj(o).kind else {
        return Ok(None);
    };
    match kind {
        HostKind::Url | HostKind::SearchParams | HostKind::Headers => {
            url::method(vm, o, m, args, site)
        }
        HostKind::Map | HostKind::Set => object::collection_method(vm, o, m, args, site),
        HostKind::Response | HostKind::Request => runtime::response_method(vm, o, m, args, site),
    }
}

/// Reads a property a host object defines (`url.pathname`, `map.size`, …).
pub(crate) fn host_get(vm: &mut Vm<'_>, o: ObjId, key: Atom, site: Site) -> R<Value> {
    let ObjKind::Host(kind, _) = &vm.heap.obj(o).kind else {
        return Ok(Value::Undefined);
    };
    match kind {
        HostKind::Url | HostKind::SearchParams | HostKind::Headers => url::get(vm, o, key, site),
        HostKind::Map | HostKind::Set => object::collection_get(vm, o, key, site),
        HostKind::Response | HostKind::Request => runtime::response_get(vm, o, key, site),
    }
}

/// Writes a property a host object defines (`url.pathname = …`); whether it did.
pub(crate) fn host_set(vm: &mut Vm<'_>, o: ObjId, key: Atom, value: Value, site: Site) -> R<bool> {
    let ObjKind::Host(kind, _) = &vm.heap.obj(o).kind else {
        return Ok(false);
    };
    match kind {
        HostKind::Url => url::set(vm, o, key, value, site),
        _ => Ok(false),
    }
}

/// A callback argument that must be a function.
pub(crate) fn callback(vm: &mut Vm<'_>, f: Value, what: &str, site: Site) -> R<Value> {
    if vm.is_function(f) {
        Ok(f)
    } else {
        let d = vm.describe(f);
        Err(vm.throw(
            error_class::TYPE_ERROR,
            format!("{d} is not a function ({what})"),
            site,
        ))
    }
}

/// Running JavaScript in a component, for the built-ins' tests.
#[cfg(test)]
pub(crate) mod test_support {
    use crate::lang::eval::Limits;
    use crate::lang::host::HostState;
    use crate::lang::program::{NoSources, Program};
    use crate::lang::run::{ui_render, Outcome};

    /// `String(expr)` as a component computes it, or `throws Name: message`.
    pub(crate) fn js(expr: &str) -> String {
        let source = format!(
            "import {{ createComponent }} from '@gitbook/runtime';\n\
             export const t = createComponent({{\n\
             componentId: 't',\n\
             render: async () => {{\n\
             let out = '';\n\
             try {{ out = String({expr}); }} catch (e) {{ out = 'throws ' + e.name + ': ' + e.message; }}\n\
             return <block><text>{{'>' + out}}</text></block>;\n\
             }},\n\
             }});\n"
        );
        let program =
            Program::load("t.tsx", &source, &NoSources).unwrap_or_else(|d| panic!("{expr}: {d}"));
        let event = br#"{"componentId":"t","props":{},"context":{}}"#;
        let Outcome::Done(r) = ui_render(
            &program,
            event,
            b"{}",
            Limits::default(),
            HostState::default(),
        ) else {
            panic!("{expr}: suspended")
        };
        let body: serde_json::Value =
            serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("{expr}: {e}"));
        let text = body["element"]["children"][0]["children"][0].as_str();
        let text = text.unwrap_or_else(|| panic!("{expr}: {body}"));
        text.strip_prefix('>').unwrap_or(text).to_owned()
    }

    #[test]
    fn runs_expressions_and_reports_throws() {
        assert_eq!(js("1 + 1"), "2");
        assert_eq!(js("[1, 'a'].join('-')"), "1-a");
        assert!(
            js("null.x").starts_with("throws TypeError: "),
            "{}",
            js("null.x")
        );
    }

    /// Checks each expression against what Node printed for it.
    pub(crate) fn check(cases: &[(&str, &str)]) {
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|(expr, want)| {
                let got = js(expr);
                (got != *want).then(|| format!("{expr}\n   node: {want}\n   here: {got}"))
            })
            .collect();
        assert!(
            failures.is_empty(),
            "{} of {} differ from Node:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }
}
