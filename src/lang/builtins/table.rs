//! The names of the standard library: every built-in function, the globals, their
//! static members and constructors, and the methods each kind of value has. The
//! compiler resolves names against these tables (and reports what is missing, with
//! suggestions); the evaluator dispatches on [`Native`].

macro_rules! natives {
    ($($variant:ident = $name:literal),+ $(,)?) => {
        /// A built-in function.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u16)]
        #[allow(missing_docs)]
        pub(crate) enum Native {
            $($variant),+
        }

        impl Native {
            const ALL: &'static [Native] = &[$(Native::$variant),+];

            /// The function's name as JavaScript shows it (`Math.max`, `map`).
            pub(crate) fn name(self) -> &'static str {
                match self { $(Native::$variant => $name),+ }
            }

            /// The built-in with this id.
            pub(crate) fn from_id(id: u16) -> Option<Native> {
                Self::ALL.get(usize::from(id)).copied()
            }

            /// Its id, as held in function values.
            pub(crate) fn id(self) -> u16 {
                self as u16
            }
        }
    };
}

natives! {
    // ---- global functions
    ParseInt = "parseInt",
    ParseFloat = "parseFloat",
    IsNaN = "isNaN",
    IsFinite = "isFinite",
    EncodeUriComponent = "encodeURIComponent",
    DecodeUriComponent = "decodeURIComponent",
    EncodeUri = "encodeURI",
    DecodeUri = "decodeURI",
    StringFn = "String",
    NumberFn = "Number",
    BooleanFn = "Boolean",
    ArrayFn = "Array",
    ObjectFn = "Object",
    Btoa = "btoa",
    Atob = "atob",
    StructuredClone = "structuredClone",
    Fetch = "fetch",
    // ---- Math
    MathAbs = "Math.abs",
    MathFloor = "Math.floor",
    MathCeil = "Math.ceil",
    MathRound = "Math.round",
    MathTrunc = "Math.trunc",
    MathSign = "Math.sign",
    MathMin = "Math.min",
    MathMax = "Math.max",
    MathPow = "Math.pow",
    MathSqrt = "Math.sqrt",
    MathCbrt = "Math.cbrt",
    MathRandom = "Math.random",
    MathLog = "Math.log",
    MathLog2 = "Math.log2",
    MathLog10 = "Math.log10",
    MathExp = "Math.exp",
    MathSin = "Math.sin",
    MathCos = "Math.cos",
    MathTan = "Math.tan",
    MathAtan = "Math.atan",
    MathAtan2 = "Math.atan2",
    MathHypot = "Math.hypot",
    MathClz32 = "Math.clz32",
    MathFround = "Math.fround",
    MathImul = "Math.imul",
    MathLog1p = "Math.log1p",
    MathExpm1 = "Math.expm1",
    MathAsin = "Math.asin",
    MathAcos = "Math.acos",
    MathSinh = "Math.sinh",
    MathCosh = "Math.cosh",
    MathTanh = "Math.tanh",
    MathAsinh = "Math.asinh",
    MathAcosh = "Math.acosh",
    MathAtanh = "Math.atanh",
    // ---- JSON
    JsonParse = "JSON.parse",
    JsonStringify = "JSON.stringify",
    // ---- Object
    ObjectKeys = "Object.keys",
    ObjectValues = "Object.values",
    ObjectEntries = "Object.entries",
    ObjectAssign = "Object.assign",
    ObjectFromEntries = "Object.fromEntries",
    ObjectFreeze = "Object.freeze",
    ObjectIs = "Object.is",
    ObjectIsFrozen = "Object.isFrozen",
    ObjectHasOwn = "Object.hasOwn",
    ObjectDefineProperty = "Object.defineProperty",
    ObjectDefineProperties = "Object.defineProperties",
    ObjectCreate = "Object.create",
    ObjectGetOwnPropertyDescriptor = "Object.getOwnPropertyDescriptor",
    // ---- Array
    ArrayIsArray = "Array.isArray",
    ArrayFrom = "Array.from",
    ArrayOf = "Array.of",
    // ---- Number
    NumberIsInteger = "Number.isInteger",
    NumberIsFinite = "Number.isFinite",
    NumberIsNaN = "Number.isNaN",
    NumberIsSafeInteger = "Number.isSafeInteger",
    // ---- String
    StringFromCharCode = "String.fromCharCode",
    StringFromCodePoint = "String.fromCodePoint",
    StringRaw = "String.raw",
    // ---- Date
    DateNow = "Date.now",
    DateUtc = "Date.UTC",
    DateParse = "Date.parse",
    // ---- Promise
    PromiseAll = "Promise.all",
    PromiseAllSettled = "Promise.allSettled",
    PromiseResolve = "Promise.resolve",
    PromiseReject = "Promise.reject",
    PromiseRace = "Promise.race",
    // ---- Response
    ResponseJson = "Response.json",
    ResponseRedirect = "Response.redirect",
    // ---- console
    ConsoleLog = "console.log",
    // ---- constructors
    NewDate = "Date",
    NewUrl = "URL",
    NewUrlSearchParams = "URLSearchParams",
    NewError = "Error",
    NewTypeError = "TypeError",
    NewRangeError = "RangeError",
    NewSyntaxError = "SyntaxError",
    NewUriError = "URIError",
    NewExposableError = "ExposableError",
    NewResponse = "Response",
    NewRequest = "Request",
    NewHeaders = "Headers",
    NewMap = "Map",
    NewSet = "Set",
    NewRegExp = "RegExp",
    // ---- @gitbook/runtime
    CreateComponent = "createComponent",
    CreateIntegration = "createIntegration",
    CreateOAuthHandler = "createOAuthHandler",
    GetOAuthToken = "getOAuthToken",
    Logger = "Logger",
    DefaultOAuthExtractCredentials = "defaultOAuthExtractCredentials",
    // ---- methods of the objects the runtime passes
    ElementDynamicState = "dynamicState",
    ElementSetCache = "setCache",
    ContextWaitUntil = "waitUntil",
    QueueTask = "queueTask",
    ApiRequest = "api",
    OAuthHandler = "oauthHandler",
    LoggerLine = "logger",
    // ---- @gitbook/api
    NewGitBookApi = "GitBookAPI",
    NewGitBookApiError = "GitBookAPIError",
    // ---- methods (dispatched by receiver; these ids name them as values)
    Method = "method",
}

/// A static member of a global namespace.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Static {
    /// A function.
    Fn(Native),
    /// A number constant.
    Num(f64),
}

/// A global name that is no variable.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GlobalDef {
    /// Its name.
    pub name: &'static str,
    /// Calling it (`String(x)`).
    pub call: Option<Native>,
    /// `new` on it.
    pub construct: Option<Native>,
    /// Its static members.
    pub statics: &'static [(&'static str, Static)],
    /// A plain value (`undefined`, `NaN`, `Infinity`).
    pub value: Option<GlobalValue>,
}

/// The globals that are plain values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum GlobalValue {
    Undefined,
    Number(f64),
}

const fn def(name: &'static str) -> GlobalDef {
    GlobalDef {
        name,
        call: None,
        construct: None,
        statics: &[],
        value: None,
    }
}

const fn function(name: &'static str, f: Native) -> GlobalDef {
    GlobalDef {
        call: Some(f),
        ..def(name)
    }
}

const fn class(name: &'static str, c: Native) -> GlobalDef {
    GlobalDef {
        construct: Some(c),
        ..def(name)
    }
}

/// Every global name, in the order of their ids.
pub(crate) const GLOBALS: &[GlobalDef] = &[
    GlobalDef {
        value: Some(GlobalValue::Undefined),
        ..def("undefined")
    },
    GlobalDef {
        value: Some(GlobalValue::Number(f64::NAN)),
        ..def("NaN")
    },
    GlobalDef {
        value: Some(GlobalValue::Number(f64::INFINITY)),
        ..def("Infinity")
    },
    function("parseInt", Native::ParseInt),
    function("parseFloat", Native::ParseFloat),
    function("isNaN", Native::IsNaN),
    function("isFinite", Native::IsFinite),
    function("encodeURIComponent", Native::EncodeUriComponent),
    function("decodeURIComponent", Native::DecodeUriComponent),
    function("encodeURI", Native::EncodeUri),
    function("decodeURI", Native::DecodeUri),
    function("btoa", Native::Btoa),
    function("atob", Native::Atob),
    function("structuredClone", Native::StructuredClone),
    function("fetch", Native::Fetch),
    GlobalDef {
        statics: &[
            ("abs", Static::Fn(Native::MathAbs)),
            ("floor", Static::Fn(Native::MathFloor)),
            ("ceil", Static::Fn(Native::MathCeil)),
            ("round", Static::Fn(Native::MathRound)),
            ("trunc", Static::Fn(Native::MathTrunc)),
            ("sign", Static::Fn(Native::MathSign)),
            ("min", Static::Fn(Native::MathMin)),
            ("max", Static::Fn(Native::MathMax)),
            ("pow", Static::Fn(Native::MathPow)),
            ("sqrt", Static::Fn(Native::MathSqrt)),
            ("cbrt", Static::Fn(Native::MathCbrt)),
            ("random", Static::Fn(Native::MathRandom)),
            ("log", Static::Fn(Native::MathLog)),
            ("log2", Static::Fn(Native::MathLog2)),
            ("log10", Static::Fn(Native::MathLog10)),
            ("exp", Static::Fn(Native::MathExp)),
            ("sin", Static::Fn(Native::MathSin)),
            ("cos", Static::Fn(Native::MathCos)),
            ("tan", Static::Fn(Native::MathTan)),
            ("atan", Static::Fn(Native::MathAtan)),
            ("atan2", Static::Fn(Native::MathAtan2)),
            ("hypot", Static::Fn(Native::MathHypot)),
            ("clz32", Static::Fn(Native::MathClz32)),
            ("fround", Static::Fn(Native::MathFround)),
            ("imul", Static::Fn(Native::MathImul)),
            ("log1p", Static::Fn(Native::MathLog1p)),
            ("expm1", Static::Fn(Native::MathExpm1)),
            ("asin", Static::Fn(Native::MathAsin)),
            ("acos", Static::Fn(Native::MathAcos)),
            ("sinh", Static::Fn(Native::MathSinh)),
            ("cosh", Static::Fn(Native::MathCosh)),
            ("tanh", Static::Fn(Native::MathTanh)),
            ("asinh", Static::Fn(Native::MathAsinh)),
            ("acosh", Static::Fn(Native::MathAcosh)),
            ("atanh", Static::Fn(Native::MathAtanh)),
            ("PI", Static::Num(std::f64::consts::PI)),
            ("E", Static::Num(std::f64::consts::E)),
            ("LN2", Static::Num(std::f64::consts::LN_2)),
            ("LN10", Static::Num(std::f64::consts::LN_10)),
            ("SQRT2", Static::Num(std::f64::consts::SQRT_2)),
            ("SQRT1_2", Static::Num(std::f64::consts::FRAC_1_SQRT_2)),
            ("LOG2E", Static::Num(std::f64::consts::LOG2_E)),
            ("LOG10E", Static::Num(std::f64::consts::LOG10_E)),
        ],
        ..def("Math")
    },
    GlobalDef {
        statics: &[
            ("parse", Static::Fn(Native::JsonParse)),
            ("stringify", Static::Fn(Native::JsonStringify)),
        ],
        ..def("JSON")
    },
    GlobalDef {
        call: Some(Native::ObjectFn),
        statics: &[
            ("keys", Static::Fn(Native::ObjectKeys)),
            ("values", Static::Fn(Native::ObjectValues)),
            ("entries", Static::Fn(Native::ObjectEntries)),
            ("assign", Static::Fn(Native::ObjectAssign)),
            ("fromEntries", Static::Fn(Native::ObjectFromEntries)),
            ("freeze", Static::Fn(Native::ObjectFreeze)),
            ("is", Static::Fn(Native::ObjectIs)),
            ("isFrozen", Static::Fn(Native::ObjectIsFrozen)),
            ("hasOwn", Static::Fn(Native::ObjectHasOwn)),
            ("defineProperty", Static::Fn(Native::ObjectDefineProperty)),
            (
                "defineProperties",
                Static::Fn(Native::ObjectDefineProperties),
            ),
            ("create", Static::Fn(Native::ObjectCreate)),
            (
                "getOwnPropertyDescriptor",
                Static::Fn(Native::ObjectGetOwnPropertyDescriptor),
            ),
        ],
        ..def("Object")
    },
    GlobalDef {
        call: Some(Native::ArrayFn),
        construct: Some(Native::ArrayFn),
        statics: &[
            ("isArray", Static::Fn(Native::ArrayIsArray)),
            ("from", Static::Fn(Native::ArrayFrom)),
            ("of", Static::Fn(Native::ArrayOf)),
        ],
        ..def("Array")
    },
    GlobalDef {
        call: Some(Native::NumberFn),
        statics: &[
            ("isInteger", Static::Fn(Native::NumberIsInteger)),
            ("isFinite", Static::Fn(Native::NumberIsFinite)),
            ("isNaN", Static::Fn(Native::NumberIsNaN)),
            ("isSafeInteger", Static::Fn(Native::NumberIsSafeInteger)),
            ("parseInt", Static::Fn(Native::ParseInt)),
            ("parseFloat", Static::Fn(Native::ParseFloat)),
            ("MAX_SAFE_INTEGER", Static::Num(9_007_199_254_740_991.0)),
            ("MIN_SAFE_INTEGER", Static::Num(-9_007_199_254_740_991.0)),
            ("EPSILON", Static::Num(f64::EPSILON)),
            ("MAX_VALUE", Static::Num(f64::MAX)),
            ("MIN_VALUE", Static::Num(5e-324)),
            ("POSITIVE_INFINITY", Static::Num(f64::INFINITY)),
            ("NEGATIVE_INFINITY", Static::Num(f64::NEG_INFINITY)),
            ("NaN", Static::Num(f64::NAN)),
        ],
        ..def("Number")
    },
    GlobalDef {
        call: Some(Native::StringFn),
        statics: &[
            ("fromCharCode", Static::Fn(Native::StringFromCharCode)),
            ("fromCodePoint", Static::Fn(Native::StringFromCodePoint)),
            ("raw", Static::Fn(Native::StringRaw)),
        ],
        ..def("String")
    },
    function("Boolean", Native::BooleanFn),
    GlobalDef {
        construct: Some(Native::NewDate),
        statics: &[
            ("now", Static::Fn(Native::DateNow)),
            ("UTC", Static::Fn(Native::DateUtc)),
            ("parse", Static::Fn(Native::DateParse)),
        ],
        ..def("Date")
    },
    GlobalDef {
        statics: &[
            ("all", Static::Fn(Native::PromiseAll)),
            ("allSettled", Static::Fn(Native::PromiseAllSettled)),
            ("resolve", Static::Fn(Native::PromiseResolve)),
            ("reject", Static::Fn(Native::PromiseReject)),
            ("race", Static::Fn(Native::PromiseRace)),
        ],
        ..def("Promise")
    },
    GlobalDef {
        construct: Some(Native::NewResponse),
        statics: &[
            ("json", Static::Fn(Native::ResponseJson)),
            ("redirect", Static::Fn(Native::ResponseRedirect)),
        ],
        ..def("Response")
    },
    GlobalDef {
        statics: &[
            ("log", Static::Fn(Native::ConsoleLog)),
            ("info", Static::Fn(Native::ConsoleLog)),
            ("warn", Static::Fn(Native::ConsoleLog)),
            ("error", Static::Fn(Native::ConsoleLog)),
            ("debug", Static::Fn(Native::ConsoleLog)),
        ],
        ..def("console")
    },
    class("URL", Native::NewUrl),
    class("URLSearchParams", Native::NewUrlSearchParams),
    GlobalDef {
        call: Some(Native::NewError),
        ..class("Error", Native::NewError)
    },
    GlobalDef {
        call: Some(Native::NewTypeError),
        ..class("TypeError", Native::NewTypeError)
    },
    GlobalDef {
        call: Some(Native::NewRangeError),
        ..class("RangeError", Native::NewRangeError)
    },
    GlobalDef {
        call: Some(Native::NewSyntaxError),
        ..class("SyntaxError", Native::NewSyntaxError)
    },
    GlobalDef {
        call: Some(Native::NewUriError),
        ..class("URIError", Native::NewUriError)
    },
    class("Request", Native::NewRequest),
    class("Headers", Native::NewHeaders),
    class("Map", Native::NewMap),
    class("Set", Native::NewSet),
    GlobalDef {
        call: Some(Native::NewRegExp),
        ..class("RegExp", Native::NewRegExp)
    },
];

/// The global named `name`, with its id.
pub(crate) fn global(name: &str) -> Option<(u16, &'static GlobalDef)> {
    GLOBALS
        .iter()
        .position(|g| g.name == name)
        .map(|i| (i as u16, &GLOBALS[i]))
}

/// The names `@gitbook/runtime` exports that this language provides, and what each is.
pub(crate) const RUNTIME_EXPORTS: &[(&str, RuntimeExport)] = &[
    (
        "createComponent",
        RuntimeExport::Fn(Native::CreateComponent),
    ),
    (
        "createIntegration",
        RuntimeExport::Fn(Native::CreateIntegration),
    ),
    (
        "createOAuthHandler",
        RuntimeExport::Fn(Native::CreateOAuthHandler),
    ),
    ("getOAuthToken", RuntimeExport::Fn(Native::GetOAuthToken)),
    ("Logger", RuntimeExport::Fn(Native::Logger)),
    (
        "defaultOAuthExtractCredentials",
        RuntimeExport::Fn(Native::DefaultOAuthExtractCredentials),
    ),
    (
        "ExposableError",
        RuntimeExport::Class(Native::NewExposableError),
    ),
];

/// The classes of `@gitbook/api`, which its module (`crate::lang::package`)
/// imports from [`PACKAGE_NATIVES`](crate::lang::package::PACKAGE_NATIVES).
pub(crate) const API_CLASSES: &[(&str, RuntimeExport)] = &[
    ("GitBookAPI", RuntimeExport::Class(Native::NewGitBookApi)),
    (
        "GitBookAPIError",
        RuntimeExport::Class(Native::NewGitBookApiError),
    ),
];

/// The types `@gitbook/runtime` exports: an import of one (without `type`, as
/// TypeScript allows) binds nothing at run time, and using it as a value is an error.
pub(crate) const RUNTIME_TYPES: &[&str] = &[
    "ComponentAction",
    "ComponentDefinition",
    "ComponentInstance",
    "ComponentRenderCache",
    "ConfigureContentSourceProps",
    "ContentSourceDefinition",
    "ContentSourceInput",
    "EventByType",
    "EventCallback",
    "EventCallbackMap",
    "EventType",
    "ExtractTaskPayload",
    "FetchEventCallback",
    "FetchPublishScriptEventCallback",
    "FetchVisitorAuthenticationEventCallback",
    "InstallationConfigurationProps",
    "IntegrationRuntimeDefinition",
    "IntegrationTaskEventCallback",
    "NonFetchEvent",
    "OAuthConfig",
    "OAuthConfiguration",
    "OAuthResponse",
    "PlainObject",
    "RuntimeCallback",
    "RuntimeContext",
    "RuntimeEnvironment",
    "SpaceInstallationConfigurationProps",
];

/// What an export of `@gitbook/runtime` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RuntimeExport {
    /// A function.
    Fn(Native),
    /// A class (`new ExposableError(…)`).
    Class(Native),
}

/// Globals and runtime names that exist in JavaScript or `@gitbook/runtime` but not
/// here, with what to do instead.
pub(crate) fn unsupported_global(name: &str) -> Option<&'static str> {
    Some(match name {
        "Symbol" => "symbols are not supported",
        "Proxy" | "Reflect" => "proxies and reflection are not supported",
        "WeakMap" | "WeakSet" | "WeakRef" | "FinalizationRegistry" => {
            "weak collections are not supported: use Map or an object"
        }
        "BigInt" => "BigInt is not supported",
        "Intl" => "Intl is not supported: format numbers and dates with their own methods",
        "setTimeout" | "setInterval" | "clearTimeout" | "clearInterval" | "queueMicrotask" => {
            "timers are not supported: handlers run to completion"
        }
        "eval" | "Function" => "evaluating code at run time is not supported",
        "arguments" => "`arguments` is not supported: use a rest parameter `(...args)`",
        "globalThis" | "window" | "self" | "global" => "the global object is not supported",
        "require" | "module" | "exports" => "CommonJS is not supported: use import/export",
        "crypto" | "TextEncoder" | "TextDecoder" | "AbortController" | "AbortSignal"
        | "ReadableStream" | "WritableStream" | "FormData" | "Blob" | "File" => {
            "this Web API is not supported"
        }
        "ArrayBuffer" | "Uint8Array" | "Int8Array" | "Uint16Array" | "Int32Array"
        | "Float64Array" | "DataView" => "binary data is not supported",
        _ => return None,
    })
}

/// Every method name a value can have here, by the kind of receiver. The compiler
/// uses these to tell a misspelled or missing standard method from a user's own.
pub(crate) const STRING_METHODS: &[&str] = &[
    "at",
    "charAt",
    "charCodeAt",
    "codePointAt",
    "concat",
    "endsWith",
    "includes",
    "indexOf",
    "lastIndexOf",
    "localeCompare",
    "match",
    "matchAll",
    "padEnd",
    "padStart",
    "repeat",
    "replace",
    "replaceAll",
    "search",
    "slice",
    "split",
    "startsWith",
    "substring",
    "substr",
    "toLowerCase",
    "toUpperCase",
    "toLocaleLowerCase",
    "toLocaleUpperCase",
    "toString",
    "trim",
    "trimEnd",
    "trimStart",
    "valueOf",
    "normalize",
    "isWellFormed",
    "toWellFormed",
];

/// Array methods.
pub(crate) const ARRAY_METHODS: &[&str] = &[
    "at",
    "concat",
    "entries",
    "every",
    "fill",
    "filter",
    "find",
    "findIndex",
    "findLast",
    "findLastIndex",
    "flat",
    "flatMap",
    "forEach",
    "includes",
    "indexOf",
    "join",
    "keys",
    "lastIndexOf",
    "map",
    "pop",
    "push",
    "reduce",
    "reduceRight",
    "reverse",
    "shift",
    "slice",
    "some",
    "sort",
    "splice",
    "toReversed",
    "toSorted",
    "toSpliced",
    "unshift",
    "values",
    "toString",
    "with",
    "copyWithin",
];

/// Number methods.
pub(crate) const NUMBER_METHODS: &[&str] = &[
    "toFixed",
    "toString",
    "valueOf",
    "toPrecision",
    "toExponential",
];

/// Methods of other built-in objects (dates, URLs, maps, promises, responses, …).
pub(crate) const OTHER_METHODS: &[&str] = &[
    "hasOwnProperty",
    "call",
    "apply",
    "bind",
    "test",
    "exec",
    "getTime",
    "toISOString",
    "toJSON",
    "getFullYear",
    "getMonth",
    "getDate",
    "getDay",
    "getHours",
    "getMinutes",
    "getSeconds",
    "getMilliseconds",
    "getUTCFullYear",
    "getUTCMonth",
    "getUTCDate",
    "getUTCDay",
    "getUTCHours",
    "getUTCMinutes",
    "getUTCSeconds",
    "getUTCMilliseconds",
    "getTimezoneOffset",
    "toUTCString",
    "setTime",
    "setFullYear",
    "setMonth",
    "setDate",
    "setHours",
    "setMinutes",
    "setSeconds",
    "setMilliseconds",
    "setUTCFullYear",
    "setUTCMonth",
    "setUTCDate",
    "setUTCHours",
    "setUTCMinutes",
    "setUTCSeconds",
    "setUTCMilliseconds",
    "append",
    "delete",
    "get",
    "getAll",
    "has",
    "set",
    "add",
    "clear",
    "forEach",
    "then",
    "catch",
    "finally",
    "json",
    "text",
    "arrayBuffer",
    "clone",
];

/// Standard JavaScript methods this language does not have, with what to use.
pub(crate) fn unsupported_method(name: &str) -> Option<&'static str> {
    Some(match name {
        "toLocaleString" | "toLocaleDateString" | "toLocaleTimeString" => {
            "locale-dependent formatting is not supported: format explicitly (toFixed, toISOString, padStart)"
        }
        "getYear" => "getYear is not supported: use getFullYear",
        _ => return None,
    })
}
