//! The syntax tree of a markup file, exactly as written (literals cooked, JSX text
//! cleaned), with byte spans into the source.
//!
//! Nothing here is resolved: identifiers are names, calls are calls. The compiler turns
//! this tree into the form the evaluator runs.

use std::fmt;

/// A byte range `start..end` in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<pest::Span<'_>> for Span {
    fn from(s: pest::Span<'_>) -> Span {
        Span::new(s.start(), s.end())
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `1.5`, `0x1F`.
    Number(f64),
    /// `"text"`, `'text'` (escapes cooked).
    String(String),
    /// `true`, `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// `undefined`.
    Undefined,
    /// `` `a ${b} c` ``: `quasis.len() == exprs.len() + 1`.
    Template {
        /// The cooked text chunks.
        quasis: Vec<String>,
        /// The substitutions between them.
        exprs: Vec<Expr>,
    },
    /// A name: `props`, an arrow parameter, `String`, …
    Ident(String),
    /// `[a, ...b]`.
    Array(Vec<Item>),
    /// `{ a: 1, b, ...c, [k]: v }`.
    Object(Vec<Property>),
    /// Prefix operators, innermost last: `!-x` is `ops = [Not, Neg]`.
    Unary {
        /// The operators, in source order.
        ops: Vec<(UnaryOp, Span)>,
        /// What they apply to.
        operand: Box<Expr>,
    },
    /// A left-associative chain of operators of one precedence level:
    /// `a + b - c` is `first = a, rest = [(Add, b), (Sub, c)]`. Chains keep long
    /// sums flat, so evaluating them never recurses deeply.
    Binary {
        /// The leftmost operand.
        first: Box<Expr>,
        /// Each operator with its right operand.
        rest: Vec<(BinaryOp, Span, Expr)>,
    },
    /// `test ? then : otherwise`.
    Conditional {
        /// The condition.
        test: Box<Expr>,
        /// Its value when truthy.
        then: Box<Expr>,
        /// Its value when falsy.
        otherwise: Box<Expr>,
    },
    /// `(x, i) => body`.
    Arrow {
        /// Parameter names with their spans.
        params: Vec<(String, Span)>,
        /// The expression body.
        body: Box<Expr>,
    },
    /// A primary expression followed by accesses and calls: `a.b?.[c](d)`.
    /// Kept flat so that `a.b.c.…` never recurses deeply.
    Chain {
        /// The expression the chain starts from.
        base: Box<Expr>,
        /// The accesses and calls, in order.
        links: Vec<Link>,
    },
    /// A JSX element.
    Element(Box<Element>),
    /// A JSX fragment `<>…</>`.
    Fragment(Vec<Child>),
}

/// One step of a [`ExprKind::Chain`].
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// What it does.
    pub kind: LinkKind,
    /// Whether it was written with `?.`.
    pub optional: bool,
    /// From the `.`/`?.`/`[`/`(` to the end of the step.
    pub span: Span,
}

/// The kinds of chain step.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkKind {
    /// `.name`.
    Member(String),
    /// `[expr]`.
    Index(Expr),
    /// `(args)`.
    Call(Vec<Item>),
}

/// An array element or call argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A plain expression.
    Expr(Expr),
    /// `...expr`.
    Spread(Expr, Span),
}

/// An object literal member.
#[derive(Debug, Clone, PartialEq)]
pub enum Property {
    /// `key: value` (including `"key": value` and `1: value`).
    Keyed {
        /// The key, already a string.
        key: String,
        /// The key's span.
        key_span: Span,
        /// The value.
        value: Expr,
    },
    /// `[key]: value`.
    Computed {
        /// The key expression.
        key: Expr,
        /// The value.
        value: Expr,
    },
    /// `name`, short for `name: name`.
    Shorthand(String, Span),
    /// `...expr`.
    Spread(Expr, Span),
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `!`.
    Not,
    /// `-`.
    Neg,
    /// `+`.
    Plus,
    /// `typeof`.
    Typeof,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `??`.
    Coalesce,
    /// `||`.
    Or,
    /// `&&`.
    And,
    /// `===`.
    StrictEq,
    /// `!==`.
    StrictNe,
    /// `==`.
    LooseEq,
    /// `!=`.
    LooseNe,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Rem,
}

impl BinaryOp {
    /// The operator from its source text.
    pub fn from_token(s: &str) -> Option<BinaryOp> {
        use BinaryOp::*;
        Some(match s {
            "??" => Coalesce,
            "||" => Or,
            "&&" => And,
            "===" => StrictEq,
            "!==" => StrictNe,
            "==" => LooseEq,
            "!=" => LooseNe,
            "<" => Lt,
            "<=" => Le,
            ">" => Gt,
            ">=" => Ge,
            "+" => Add,
            "-" => Sub,
            "*" => Mul,
            "/" => Div,
            "%" => Rem,
            _ => return None,
        })
    }

    /// Binding strength, as in JavaScript: `??`/`||` bind loosest, `* / %` tightest.
    pub fn precedence(self) -> u8 {
        use BinaryOp::*;
        match self {
            Coalesce | Or => 0,
            And => 1,
            StrictEq | StrictNe | LooseEq | LooseNe => 2,
            Lt | Le | Gt | Ge => 3,
            Add | Sub => 4,
            Mul | Div | Rem => 5,
        }
    }

    /// The number of precedence levels.
    pub const LEVELS: u8 = 6;

    /// The source text.
    pub fn token(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Coalesce => "??",
            Or => "||",
            And => "&&",
            StrictEq => "===",
            StrictNe => "!==",
            LooseEq => "==",
            LooseNe => "!=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Rem => "%",
        }
    }
}

/// A JSX element.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    /// The tag, `button`.
    pub name: String,
    /// The tag's span in the opening tag.
    pub name_span: Span,
    /// The attributes, in written order.
    pub attributes: Vec<Attribute>,
    /// The children; `None` for a self-closing element, `Some(vec![])` for `<a></a>`.
    pub children: Option<Vec<Child>>,
    /// The whole element, from `<` to the end of its closing tag.
    pub span: Span,
}

/// A JSX attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum Attribute {
    /// `name`, `name="text"`, `name={expr}`, `name=<element/>`.
    Named {
        /// The attribute name.
        name: String,
        /// Its span.
        name_span: Span,
        /// The value; `None` for a bare attribute (which means `true`).
        value: Option<AttrValue>,
        /// The whole attribute.
        span: Span,
    },
    /// `{...expr}`.
    Spread(Expr, Span),
}

/// The value of a named attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    /// `"text"` with entities decoded (and Babel's newline folding applied).
    String(String, Span),
    /// `{expr}`, or an element or fragment written directly.
    Expr(Expr),
}

/// A JSX child.
#[derive(Debug, Clone, PartialEq)]
pub enum Child {
    /// Text, cleaned by the JSX whitespace rule (never empty).
    Text(String, Span),
    /// `{expr}`.
    Expr(Expr),
}
