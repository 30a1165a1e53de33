//! The syntax tree of a module: what the parser builds and the compiler reads.
//!
//! TypeScript's types are parsed and dropped: they leave no node here. Every node
//! that can fail or be reported carries the [`Span`] of its source text.

pub use crate::lang::source::Span;
use serde::{Deserialize, Serialize};

/// A parsed file: its statements, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    /// The top-level statements (imports and exports included).
    pub body: Vec<Stmt>,
}

/// An identifier with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    /// What it is.
    pub kind: StmtKind,
    /// Where it is written.
    pub span: Span,
}

/// `const`, `let` or `var`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarKind {
    /// `const`.
    Const,
    /// `let`.
    Let,
    /// `var` (function-scoped in JavaScript; here it is scoped like `let`, which only
    /// differs for code that reads a variable before its declaration).
    Var,
}

/// A variable declaration: `const a = 1, { b } = c`.
#[derive(Debug, Clone, PartialEq)]
pub struct VarDecl {
    /// `const`, `let` or `var`.
    pub kind: VarKind,
    /// Each `pattern = init`.
    pub declarators: Vec<(Pattern, Option<Expr>)>,
}

/// The kinds of statements.
#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// An expression evaluated for its effects.
    Expr(Expr),
    /// `const`/`let`/`var`.
    Var(VarDecl),
    /// `function name(…) {…}` (hoisted).
    Function(Box<Function>),
    /// `class Name { … }`.
    Class(Box<Class>),
    /// `label: statement`.
    Labeled(Ident, Box<Stmt>),
    /// `{ … }`.
    Block(Vec<Stmt>),
    /// `;`.
    Empty,
    /// `if (test) then else-if… else`.
    If {
        /// Each `(test, statement)`: the `if` and every `else if`.
        branches: Vec<(Expr, Stmt)>,
        /// The final `else`.
        otherwise: Option<Box<Stmt>>,
    },
    /// `for (init; test; update) body`.
    For {
        /// The initializer.
        init: Option<ForInit>,
        /// The test (absent: always true).
        test: Option<Expr>,
        /// The update.
        update: Option<Expr>,
        /// The body.
        body: Box<Stmt>,
    },
    /// `for (left of right) body` and `for (left in right) body`.
    ForEach {
        /// `of` (values) or `in` (keys).
        of: bool,
        /// What each item binds to.
        left: ForTarget,
        /// The iterated value.
        right: Expr,
        /// The body.
        body: Box<Stmt>,
    },
    /// `while (test) body`.
    While {
        /// The test.
        test: Expr,
        /// The body.
        body: Box<Stmt>,
    },
    /// `do body while (test)`.
    DoWhile {
        /// The body.
        body: Box<Stmt>,
        /// The test.
        test: Expr,
    },
    /// `switch (discriminant) { case …: … default: … }`.
    Switch {
        /// The value compared with each case (`===`).
        discriminant: Expr,
        /// Each case: its test (`None` for `default`) and its statements.
        cases: Vec<(Option<Expr>, Vec<Stmt>)>,
    },
    /// `try { … } catch (param) { … } finally { … }`.
    Try {
        /// The guarded block.
        block: Vec<Stmt>,
        /// The handler: its parameter and body.
        handler: Option<(Option<Pattern>, Vec<Stmt>)>,
        /// The finalizer.
        finalizer: Option<Vec<Stmt>>,
    },
    /// `return value`.
    Return(Option<Expr>),
    /// `throw value`.
    Throw(Expr),
    /// `break label`.
    Break(Option<Ident>),
    /// `continue label`.
    Continue(Option<Ident>),
    /// `import … from 'source'`.
    Import(Import),
    /// `export const …`, `export function …`: the declaration, exported under its names.
    ExportDecl(Box<Stmt>),
    /// `export default expr`.
    ExportDefault(Expr),
    /// `export default function name() {…}`.
    ExportDefaultFunction(Box<Function>),
    /// `export { a, b as c }` (optionally `from 'source'`).
    ExportNamed {
        /// Each `(local, exported)`.
        specifiers: Vec<(Ident, Ident)>,
        /// `from 'source'`: a re-export.
        source: Option<(String, Span)>,
        /// The names exported as types (`export { type A }`): no effect.
        types: Vec<Ident>,
    },
    /// `export * from 'source'` / `export * as name from 'source'`.
    ExportAll {
        /// `as name`.
        name: Option<Ident>,
        /// The module re-exported.
        source: (String, Span),
    },
    /// A TypeScript declaration (`type`, `interface`, `declare …`): no effect.
    TypeOnly,
    /// An exported TypeScript declaration (`export interface A`, `export type B = …`,
    /// `export type { C }`): no effect, but the names are exports an import may name
    /// without `type`, as TypeScript allows.
    ExportTypes(Vec<Ident>),
}

/// An `import` declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    /// The module name as written (`'@gitbook/runtime'`, `'./helpers'`).
    pub source: String,
    /// Where the module name is written.
    pub source_span: Span,
    /// `import x from …`.
    pub default: Option<Ident>,
    /// `import * as ns from …`.
    pub namespace: Option<Ident>,
    /// `import { a, b as c } from …`: each `(imported, local)`.
    pub named: Vec<(Ident, Ident)>,
}

/// The first clause of a `for`.
#[derive(Debug, Clone, PartialEq)]
pub enum ForInit {
    /// `let i = 0`.
    Var(VarDecl),
    /// `i = 0`.
    Expr(Expr),
}

/// What a `for…of`/`for…in` binds each item to.
#[derive(Debug, Clone, PartialEq)]
pub enum ForTarget {
    /// `const x`, `let [a, b]`.
    Var(VarKind, Pattern),
    /// An existing variable or member: `x`, `o.k`.
    Expr(Expr),
}

/// A binding pattern: a name, or a destructuring.
#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    /// `x`.
    Ident(Ident),
    /// `{ a, b: c = 1, ...rest }`.
    Object {
        /// Each property: its key, the pattern bound to its value, a default.
        props: Vec<PatternProp>,
        /// `...rest`.
        rest: Option<Box<Pattern>>,
        /// The whole pattern.
        span: Span,
    },
    /// `[a, , b = 1, ...rest]`.
    Array {
        /// Each element (`None` for a hole), with its default.
        elems: Vec<Option<(Pattern, Option<Expr>)>>,
        /// `...rest`.
        rest: Option<Box<Pattern>>,
        /// The whole pattern.
        span: Span,
    },
    /// An assignment target that is not a name (`o.k`, `a[i]`), in `for (o.k of …)`
    /// or a destructuring assignment.
    Expr(Box<Expr>),
}

impl Pattern {
    /// Where the pattern is written.
    pub fn span(&self) -> Span {
        match self {
            Pattern::Ident(i) => i.span,
            Pattern::Object { span, .. } | Pattern::Array { span, .. } => *span,
            Pattern::Expr(e) => e.span,
        }
    }
}

/// A property of an object pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternProp {
    /// The key.
    pub key: PropKey,
    /// The pattern its value binds to.
    pub value: Pattern,
    /// `= default`.
    pub default: Option<Expr>,
}

/// A property key: a name, or a computed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum PropKey {
    /// `a`, `'a'`, `1` (numbers are keyed by their string form).
    Named(String, Span),
    /// `[expr]`.
    Computed(Box<Expr>),
}

/// A function: `function f(…) {…}`, an arrow, or a method.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// Its name (`function f`, a method's key, or the variable an arrow is bound to).
    pub name: Option<Ident>,
    /// The parameters.
    pub params: Vec<Param>,
    /// `...rest`.
    pub rest: Option<Pattern>,
    /// The body.
    pub body: FunctionBody,
    /// `async`.
    pub is_async: bool,
    /// An arrow function (no `this`, no `arguments`).
    pub is_arrow: bool,
    /// Whether it is a class's constructor.
    pub constructor: Constructor,
    /// The whole function.
    pub span: Span,
}

/// A parameter: a pattern and its default.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// What the argument binds to.
    pub pattern: Pattern,
    /// `= default`.
    pub default: Option<Expr>,
}

/// A function's body.
#[derive(Debug, Clone, PartialEq)]
pub enum FunctionBody {
    /// `{ … }`.
    Block(Vec<Stmt>),
    /// An arrow's expression body.
    Expr(Box<Expr>),
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is written.
    pub span: Span,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Exp,
    Eq,
    NotEq,
    StrictEq,
    StrictNotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
    UShr,
    In,
    InstanceOf,
}

impl BinaryOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Rem => "%",
            Exp => "**",
            Eq => "==",
            NotEq => "!=",
            StrictEq => "===",
            StrictNotEq => "!==",
            Lt => "<",
            LtEq => "<=",
            Gt => ">",
            GtEq => ">=",
            BitAnd => "&",
            BitOr => "|",
            BitXor => "^",
            Shl => "<<",
            Shr => ">>",
            UShr => ">>>",
            In => "in",
            InstanceOf => "instanceof",
        }
    }
}

/// `&&`, `||`, `??`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LogicalOp {
    /// `&&`.
    And,
    /// `||`.
    Or,
    /// `??`.
    Nullish,
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum UnaryOp {
    Not,
    Neg,
    Plus,
    BitNot,
    TypeOf,
    Void,
    Delete,
}

/// Assignment operators: `=` or a compound one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssignOp {
    /// `=`.
    Assign,
    /// `op=` with a binary operator.
    Binary(BinaryOp),
    /// `&&=`, `||=`, `??=`.
    Logical(LogicalOp),
}

/// An operator of a chain (see [`ExprKind::Chain`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChainOp {
    /// A binary operator.
    Binary(BinaryOp),
    /// `&&`, `||`, `??`.
    Logical(LogicalOp),
}

/// One step of a chain: `op right`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainLink {
    /// The operator.
    pub op: ChainOp,
    /// Where the operator is written.
    pub op_span: Span,
    /// The operand on its right.
    pub right: Expr,
}

/// One item of an array literal or argument list.
#[derive(Debug, Clone, PartialEq)]
pub enum ArrayItem {
    /// A value.
    Item(Expr),
    /// `...iterable`.
    Spread(Expr),
    /// A hole (`[a, , b]`): `undefined` here.
    Hole,
}

/// One member of an object literal.
#[derive(Debug, Clone, PartialEq)]
pub enum ObjectMember {
    /// `key: value` (shorthand `a` is `a: a`; methods are functions).
    Prop(PropKey, Expr),
    /// `...object`.
    Spread(Expr),
    /// `a = default` in an object literal: only valid as a destructuring pattern.
    ShorthandDefault(Ident, Expr),
    /// `get name() {}` / `set name(v) {}`.
    Accessor(PropKey, MethodKind, Box<Function>),
}

/// A JSX element or fragment.
#[derive(Debug, Clone, PartialEq)]
pub struct JsxElement {
    /// The tag (`None` for a fragment `<>…</>`).
    pub name: Option<JsxName>,
    /// The attributes, in written order.
    pub attrs: Vec<JsxAttr>,
    /// The children; `None` when self-closing (`<a/>`).
    pub children: Option<Vec<JsxChild>>,
    /// The opening tag.
    pub open_span: Span,
}

/// A tag name: lowercase tags are ContentKit elements, capitalized or dotted ones
/// are functions in scope (function components).
#[derive(Debug, Clone, PartialEq)]
pub struct JsxName {
    /// The name as written (`button`, `Row`, `ui.Row`).
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

impl JsxName {
    /// Whether the tag names an intrinsic element (lowercase, no dot), as JSX decides.
    pub fn is_intrinsic(&self) -> bool {
        self.name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase())
            && !self.name.contains('.')
    }
}

/// A JSX attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum JsxAttr {
    /// `name`, `name="text"`, `name={expr}`, `name=<el/>`.
    Named {
        /// The name.
        name: Ident,
        /// The value; `None` for a bare attribute (`true`).
        value: Option<Expr>,
    },
    /// `{...object}`.
    Spread(Expr),
}

/// A JSX child.
#[derive(Debug, Clone, PartialEq)]
pub enum JsxChild {
    /// Text, already cooked (JSX whitespace rules, entities).
    Text(String, Span),
    /// `{expr}`.
    Expr(Expr),
    /// `{...expr}`.
    Spread(Expr),
    /// A nested element or fragment.
    Element(Box<Expr>),
}

/// The kinds of expressions.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A name.
    Ident(String),
    /// `undefined` is a global name; `null` is a literal.
    Null,
    /// `true`/`false`.
    Bool(bool),
    /// A number literal.
    Number(f64),
    /// A string literal (cooked).
    String(String),
    /// A template literal: cooked chunks (one more than substitutions) and substitutions.
    Template(Vec<String>, Vec<Expr>),
    /// `/pattern/flags`.
    Regex {
        /// The pattern as written.
        pattern: String,
        /// The flags.
        flags: String,
    },
    /// `[…]`.
    Array(Vec<ArrayItem>),
    /// `{…}`.
    Object(Vec<ObjectMember>),
    /// An arrow or function expression.
    Function(Box<Function>),
    /// A JSX element or fragment.
    Jsx(Box<JsxElement>),
    /// `op arg`.
    Unary(UnaryOp, Box<Expr>),
    /// `++x`, `x--`, …
    Update {
        /// `++` (else `--`).
        increment: bool,
        /// Written before the operand.
        prefix: bool,
        /// The target.
        target: Box<Expr>,
    },
    /// `left op right`.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `left && right`, `||`, `??`.
    Logical(LogicalOp, Box<Expr>, Box<Expr>),
    /// `a + b - c + …`: three or more operands joined by left-associative operators
    /// of one precedence, kept flat so that a long chain costs no depth.
    Chain(Box<Expr>, Vec<ChainLink>),
    /// `test ? then : otherwise`.
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `target op= value`.
    Assign(AssignOp, Box<Pattern>, Box<Expr>),
    /// `object.name` (`?.` when optional).
    Member {
        /// The object.
        object: Box<Expr>,
        /// The property name.
        name: String,
        /// Where the name is written.
        name_span: Span,
        /// `?.`.
        optional: bool,
    },
    /// `object[index]` (`?.[` when optional).
    Index {
        /// The object.
        object: Box<Expr>,
        /// The key.
        index: Box<Expr>,
        /// `?.[`.
        optional: bool,
    },
    /// `callee(args)` (`?.(` when optional).
    Call {
        /// The function.
        callee: Box<Expr>,
        /// The arguments.
        args: Vec<ArrayItem>,
        /// `?.(`.
        optional: bool,
    },
    /// `new callee(args)`.
    New {
        /// The constructor.
        callee: Box<Expr>,
        /// The arguments.
        args: Vec<ArrayItem>,
    },
    /// The end of an optional chain: a `?.` inside it short-circuits the whole chain
    /// to `undefined`.
    OptionalChain(Box<Expr>),
    /// `await value`.
    Await(Box<Expr>),
    /// `a, b` (the last value).
    Sequence(Vec<Expr>),
    /// A construct the language does not support, named for the error.
    Unsupported(&'static str),
    /// `this`.
    This,
    /// `super(args)`, in a derived class's constructor.
    SuperCall(Vec<ArrayItem>),
    /// `super.name`, in a class's methods.
    SuperMember {
        /// The property name.
        name: String,
        /// Where the name is written.
        name_span: Span,
    },
    /// A class expression.
    Class(Box<Class>),
    /// ``tag`text ${x}` ``: the tag, each chunk cooked and raw, the substitutions.
    TaggedTemplate {
        /// The function.
        tag: Box<Expr>,
        /// The chunks as strings are cooked (one more than substitutions); `None` for a
        /// chunk with an escape that cooks to nothing (`\unicode`): a tag may still read
        /// its raw text, as `String.raw` does.
        cooked: Vec<Option<String>>,
        /// The chunks as written.
        raw: Vec<String>,
        /// The substitutions.
        exprs: Vec<Expr>,
    },
    /// Defines an own property of `this`, as a class field does (no setter is called).
    DefineField {
        /// The key.
        key: PropKey,
        /// Whether the key is a private name (`#x`, written in `key` with its `#`).
        private: bool,
        /// The value.
        value: Box<Expr>,
    },
}

/// A class.
#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    /// Its name, if written.
    pub name: Option<Ident>,
    /// `extends Base`.
    pub extends: Option<Box<Expr>>,
    /// The constructor: the written one with parameter properties and instance fields
    /// moved into its body where JavaScript runs them, or a default one.
    pub constructor: Box<Function>,
    /// Methods and accessors, instance and static, in written order.
    pub methods: Vec<ClassMethod>,
    /// What runs once the class is made, with `this` the class: static fields and
    /// static blocks, in written order.
    pub statics: Option<Box<Function>>,
    /// The whole class.
    pub span: Span,
}

/// A method or accessor of a class.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassMethod {
    /// Its key.
    pub key: PropKey,
    /// A private name (`#helper`, written in `key` with its `#`).
    pub private: bool,
    /// On the class itself rather than on its instances.
    pub is_static: bool,
    /// A method, a getter or a setter.
    pub kind: MethodKind,
    /// The function.
    pub function: Box<Function>,
}

/// What a method-like member is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MethodKind {
    /// `name() {}`.
    Method,
    /// `get name() {}`.
    Getter,
    /// `set name(v) {}`.
    Setter,
}

/// Whether a function is a class's constructor, and of which kind of class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Constructor {
    /// Not a constructor.
    #[default]
    No,
    /// The constructor of a class without `extends`.
    Base,
    /// The constructor of a class with `extends`: `this` exists once `super()` ran.
    Derived,
}
