//! The compiled form of a template: what the evaluator runs.
//!
//! Compared with the syntax tree, names are resolved (a root of the scope, an arrow
//! parameter's slot, a builtin), method calls are bound to the method they call,
//! constant subexpressions are pre-built values, and every element has an index into
//! the template's table of element sources (for error locations).

use serde_json::Value;

use super::ast::{BinaryOp, Span, UnaryOp};
use super::value::{JsStr, Val};

/// A compiled expression.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub(crate) enum NodeKind {
    /// A value known at compile time.
    Const(Const),
    /// `props`, `state`, `context`, `action`.
    Root(Root),
    /// `element` used as a value: `{props, state, context}`.
    ElementRoot,
    /// An arrow parameter, by its slot in the locals stack.
    Local(usize),
    Template {
        quasis: Vec<Box<str>>,
        exprs: Vec<Node>,
    },
    Array(Vec<Arg>),
    Object(Vec<Prop>),
    Unary {
        ops: Vec<(UnaryOp, Span)>,
        operand: Box<Node>,
    },
    Binary {
        first: Box<Node>,
        rest: Vec<(BinaryOp, Span, Node)>,
    },
    Cond {
        test: Box<Node>,
        then: Box<Node>,
        otherwise: Box<Node>,
    },
    Chain {
        base: Box<Node>,
        links: Vec<Link>,
    },
    /// A global function: `String(x)`, `JSON.stringify(x)`, `dynamicState(k)`, …
    Call {
        func: Builtin,
        args: Vec<Arg>,
    },
    Element(Box<ElementNode>),
    Fragment(Vec<ChildNode>),
}

/// A value known at compile time.
#[derive(Debug, Clone)]
pub(crate) enum Const {
    Undefined,
    Null,
    Bool(bool),
    Num(f64),
    Str(Box<str>),
    /// A pre-built array or object.
    Json(Value),
}

impl Const {
    pub fn as_val(&self) -> Val<'_> {
        match self {
            Const::Undefined => Val::Undefined,
            Const::Null => Val::Null,
            Const::Bool(b) => Val::Bool(*b),
            Const::Num(n) => Val::Num(*n),
            Const::Str(s) => Val::Str(JsStr::Borrowed(s)),
            Const::Json(v) => Val::Json(v),
        }
    }

    /// The JSON form, when the constant has one that reads back the same.
    pub fn to_json(&self) -> Option<Value> {
        match self {
            Const::Undefined => None,
            Const::Null => Some(Value::Null),
            Const::Bool(b) => Some(Value::Bool(*b)),
            Const::Num(n) if n.is_finite() => Some(super::number::js_number_value(*n)),
            Const::Num(_) => None,
            Const::Str(s) => Some(Value::String(s.to_string())),
            Const::Json(v) => Some(v.clone()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Root {
    Props,
    State,
    Context,
    Action,
}

/// An array item or call argument.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Expr(Node),
    Spread(Node),
}

/// An object literal member.
#[derive(Debug, Clone)]
pub(crate) enum Prop {
    Keyed(Box<str>, Node),
    Computed(Node, Node),
    Spread(Node),
}

/// One step of a chain.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub kind: LinkKind,
    /// Written with `?.`: a nullish value ends the whole chain with `undefined`.
    pub optional: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub(crate) enum LinkKind {
    Member(Box<str>),
    Index(Node),
    /// `.method(args)`; `optional_call` for `.method?.(args)`.
    Method {
        method: Method,
        args: Vec<MethodArg>,
        optional_call: bool,
    },
}

/// An argument of a method call: callbacks are compiled in place.
#[derive(Debug, Clone)]
pub(crate) enum MethodArg {
    Expr(Node),
    Spread(Node),
    /// `(x, i, array) => body`: the parameters take the slots `base..base + params`.
    Callback(Callback),
}

#[derive(Debug, Clone)]
pub(crate) enum Callback {
    Arrow {
        base: usize,
        params: usize,
        body: Box<Node>,
    },
    /// `Boolean`, `String`, `Number` passed by name (`.filter(Boolean)`).
    Builtin(Builtin),
}

macro_rules! names {
    ($(#[$m:meta])* $vis:vis enum $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        $vis enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            pub fn from_name(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

names! {
    /// The methods a value can be called with.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) enum Method {
        Map = "map",
        Filter = "filter",
        Find = "find",
        FindIndex = "findIndex",
        Some = "some",
        Every = "every",
        Includes = "includes",
        IndexOf = "indexOf",
        Join = "join",
        Slice = "slice",
        Concat = "concat",
        At = "at",
        Trim = "trim",
        TrimStart = "trimStart",
        TrimEnd = "trimEnd",
        ToUpperCase = "toUpperCase",
        ToLowerCase = "toLowerCase",
        StartsWith = "startsWith",
        EndsWith = "endsWith",
        Split = "split",
        ToString = "toString",
    }
}

impl Method {
    /// Whether the first argument is a callback.
    pub fn takes_callback(self) -> bool {
        matches!(
            self,
            Method::Map
                | Method::Filter
                | Method::Find
                | Method::FindIndex
                | Method::Some
                | Method::Every
        )
    }
}

names! {
    /// Global functions.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) enum Builtin {
        String = "String",
        Number = "Number",
        Boolean = "Boolean",
        DynamicState = "dynamicState",
        JsonStringify = "JSON.stringify",
        MathMin = "Math.min",
        MathMax = "Math.max",
        MathFloor = "Math.floor",
        MathCeil = "Math.ceil",
        MathRound = "Math.round",
        MathAbs = "Math.abs",
        ObjectKeys = "Object.keys",
        ObjectValues = "Object.values",
        ObjectEntries = "Object.entries",
        ArrayIsArray = "Array.isArray",
    }
}

/// A compiled element.
#[derive(Debug, Clone)]
pub(crate) struct ElementNode {
    pub tag: Box<str>,
    pub attrs: Vec<AttrNode>,
    /// `None` when written without children (then a `children` attribute, if any, is
    /// the children).
    pub children: Option<Vec<ChildNode>>,
    /// Index into the template's element table.
    pub id: u32,
    /// The tag name in the opening tag, for errors.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub(crate) enum AttrNode {
    /// A value known at compile time.
    Static(Box<str>, Const),
    Dynamic(Box<str>, Node),
    Spread(Node),
}

#[derive(Debug, Clone)]
pub(crate) enum ChildNode {
    Text(Box<str>),
    Expr(Node),
}

/// Where an element of the template is written, for error messages.
#[derive(Debug, Clone)]
pub(crate) struct ElementSource {
    /// The tag name in the opening tag.
    pub name_span: Span,
    /// Each written attribute's name and span.
    pub attrs: Vec<(Box<str>, Span)>,
}
