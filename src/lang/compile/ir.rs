//! The compiled form the evaluator runs: names resolved to slots, constants
//! interned, element checks done, every node that can fail carrying its source site.

use crate::lang::syntax::ast::{BinaryOp, ChainOp, LogicalOp, UnaryOp};
use crate::lang::value::{Atom, StrId, Value};
use serde::{Deserialize, Serialize};

/// An index into the program's table of source sites (file and span), for errors.
pub(crate) type Site = u32;

/// Where a variable lives: a slot of the running function's frame, or a slot of an
/// environment `hops` links up the chain (captured variables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Place {
    /// A frame slot.
    Local(u32),
    /// An environment slot.
    Env {
        /// How many parent links to follow from the current environment.
        hops: u16,
        /// The slot.
        slot: u32,
    },
}

/// A compiled function.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct FuncCode {
    /// Its name (for messages and `fn.name`).
    pub name: Option<StrId>,
    /// The parameters, bound in order.
    pub params: Vec<Param>,
    /// `...rest`.
    pub rest: Option<Pattern>,
    /// The body.
    pub body: Body,
    /// Frame slots the function needs (parameters and non-captured variables).
    pub frame_size: u32,
    /// Slots of the environment made at entry for captured parameters and variables
    /// of the function's top scope; 0 for none.
    pub env_size: u32,
    /// Function declarations of the top scope, made at entry: where each goes and
    /// its code.
    pub hoisted: Vec<(Place, u32)>,
    /// `async`.
    pub is_async: bool,
    /// The whole function, for messages.
    pub site: Site,
    /// How many parameters it declares (`fn.length`).
    pub arity: u32,
    /// Where its `this` is kept, when the body uses it (arrows have none: theirs is
    /// the enclosing function's).
    pub this_place: Option<Place>,
    /// Where its `arguments` object is kept, when the body uses it.
    pub arguments_place: Option<Place>,
    /// What calling it means.
    pub kind: FuncKind,
}

/// What calling a function means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum FuncKind {
    /// A function or method: called with the receiver as `this`.
    Normal,
    /// An arrow: `this` is the enclosing function's.
    Arrow,
    /// The constructor of a class without `extends`: only `new` calls it, with a
    /// new object as `this`.
    BaseConstructor,
    /// The constructor of a derived class: `this` is made by `super(…)`.
    DerivedConstructor,
}

/// A class definition.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ClassCode {
    /// Environment slots of the class scope (its inner name, the class itself for
    /// `super`).
    pub env_size: u32,
    /// `extends`.
    pub extends: Option<Expr>,
    /// The constructor's code.
    pub constructor: u32,
    /// Methods and accessors: on the class (`is_static`) or its prototype.
    pub methods: Vec<ClassMethodCode>,
    /// Static fields and blocks, run with `this` the class.
    pub statics: Option<u32>,
    /// Where the class itself is kept inside its scope.
    pub class_place: Option<Place>,
    /// Where its inner name is kept.
    pub name_place: Option<Place>,
    pub site: Site,
}

/// A method of a class.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ClassMethodCode {
    pub key: Key,
    pub is_static: bool,
    pub kind: crate::lang::syntax::ast::MethodKind,
    pub code: u32,
}

/// A parameter.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Param {
    /// What the argument binds to.
    pub pattern: Pattern,
    /// Used when the argument is `undefined`.
    pub default: Option<Expr>,
}

/// A function body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Body {
    /// `{ … }`.
    Block(Vec<Stmt>),
    /// An arrow's expression.
    Expr(Expr),
}

/// A binding pattern.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Pattern {
    /// A variable.
    Place(Place),
    /// A property or index target (destructuring assignment, `for (o.k of …)`).
    Target(Box<Expr>),
    /// `{ a, b: c = 1, ...rest }`.
    Object {
        /// Each property: its key, pattern and default.
        props: Vec<(Key, Pattern, Option<Expr>)>,
        /// `...rest`.
        rest: Option<Box<Pattern>>,
        /// The pattern's site (destructuring `undefined` fails here).
        site: Site,
    },
    /// `[a, , b = 1, ...rest]`.
    Array {
        /// Each element (`None` for a hole) and its default.
        elems: Vec<Option<(Pattern, Option<Expr>)>>,
        /// `...rest`.
        rest: Option<Box<Pattern>>,
        /// The pattern's site.
        site: Site,
    },
}

/// A property key in a literal or pattern.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Key {
    /// A name known at compile time.
    Static(Atom),
    /// `[expr]`.
    Computed(Box<Expr>),
}

/// One item of an array literal or argument list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Item {
    /// A value.
    Value(Expr),
    /// `...iterable`.
    Spread(Expr, Site),
}

/// One member of an object literal.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Member {
    /// `key: value`.
    Prop(Key, Expr),
    /// `...object`.
    Spread(Expr),
}

/// A JSX element of a ContentKit type.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ElementNode {
    /// Its `type` string.
    pub tag: StrId,
    /// The attributes, in written order (`key` dropped).
    pub attrs: Vec<Member>,
    /// The children as written; `None` when self-closing.
    pub children: Option<Vec<Child>>,
    /// 1-based index into the program's origins (where the element is written).
    pub origin: u32,
}

/// A JSX child.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Child {
    /// A value (text is a constant string).
    Value(Expr),
    /// `{...iterable}`.
    Spread(Expr, Site),
}

/// How a target is updated.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Target {
    /// A variable.
    Place(Place),
    /// `object.key`.
    Member(Box<Expr>, Atom, Site),
    /// `object[index]`.
    Index(Box<Expr>, Box<Expr>, Site),
    /// `object.#name`.
    Private(Box<Expr>, Atom, Site),
}

/// An expression.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Expr {
    /// A constant.
    Const(Value),
    /// A variable.
    Load(Place),
    /// `object.key`.
    Member {
        object: Box<Expr>,
        key: Atom,
        /// `?.`: `undefined` when the object is nullish.
        optional: bool,
        site: Site,
    },
    /// `object[index]`.
    Index {
        object: Box<Expr>,
        index: Box<Expr>,
        optional: bool,
        site: Site,
    },
    /// `callee(args)`.
    Call {
        callee: Box<Expr>,
        args: Vec<Item>,
        optional: bool,
        site: Site,
    },
    /// `object.key(args)`: a method call, with `object` as receiver.
    CallMethod {
        object: Box<Expr>,
        key: Atom,
        args: Vec<Item>,
        /// `object?.key(…)`.
        optional_object: bool,
        /// `object.key?.(…)`.
        optional_call: bool,
        site: Site,
    },
    /// `Global.key(args)` resolved at compile time (`Math.max(…)`, `JSON.parse(…)`).
    CallNative {
        native: u16,
        args: Vec<Item>,
        site: Site,
    },
    /// `new callee(args)`.
    New {
        callee: Box<Expr>,
        args: Vec<Item>,
        site: Site,
    },
    /// `new Global(args)` resolved at compile time.
    NewNative {
        native: u16,
        args: Vec<Item>,
        site: Site,
    },
    /// A unary operator (`typeof`, `!`, …).
    Unary(UnaryOp, Box<Expr>, Site),
    /// `delete target`.
    Delete(Box<Target>),
    /// A binary operator.
    Binary(BinaryOp, Box<Expr>, Box<Expr>, Site),
    /// `&&`, `||`, `??`.
    Logical(LogicalOp, Box<Expr>, Box<Expr>),
    /// A flat chain of left-associative operators, evaluated left to right.
    Chain(Box<Expr>, Vec<(ChainOp, Expr, Site)>),
    /// `test ? then : otherwise`.
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `target = value`.
    Assign(Box<Target>, Box<Expr>),
    /// `pattern = value` (destructuring assignment); the value is the result.
    AssignPattern(Box<Pattern>, Box<Expr>),
    /// `target op= value`.
    AssignOp(BinaryOp, Box<Target>, Box<Expr>, Site),
    /// `target &&= value`, `||=`, `??=`.
    AssignLogical(LogicalOp, Box<Target>, Box<Expr>),
    /// `++x`, `x--`, …
    Update {
        target: Box<Target>,
        increment: bool,
        prefix: bool,
        site: Site,
    },
    /// An object literal.
    Object(Vec<Member>),
    /// An array literal.
    Array(Vec<Item>),
    /// A template literal: constant chunks around substitutions.
    Template(Vec<StrId>, Vec<Expr>),
    /// A function (closure creation).
    Closure(u32),
    /// A ContentKit element.
    Element(Box<ElementNode>),
    /// A fragment: its children, normalized as the JSX runtime does.
    Fragment(Vec<Child>),
    /// `<Component …/>`: the function called with the props object.
    ComponentCall {
        callee: Box<Expr>,
        props: Vec<Member>,
        children: Option<Vec<Child>>,
        site: Site,
    },
    /// `await value`.
    Await(Box<Expr>, Site),
    /// `a, b`.
    Sequence(Vec<Expr>),
    /// A regular expression literal: a new RegExp object from program regex `n`.
    Regex(u32),
    /// The end of an optional chain.
    OptionalChain(Box<Expr>),
    /// A class definition: the class.
    Class(Box<ClassCode>),
    /// `super(args)`: constructs `this` with the parent class.
    SuperCall {
        /// Where the class is kept.
        class: Place,
        /// Where the constructor's `this` is kept.
        this: Place,
        args: Vec<Item>,
        site: Site,
    },
    /// `super.key`: the parent's property, read with `this` as receiver.
    SuperGet {
        class: Place,
        this: Place,
        key: Atom,
        /// In a static method (the parent class) or not (the parent's prototype).
        is_static: bool,
        site: Site,
    },
    /// `callee(args)` with an explicit receiver (`super.method(…)`).
    CallWith {
        callee: Box<Expr>,
        this: Box<Expr>,
        args: Vec<Item>,
        site: Site,
    },
    /// `this.key = value` with a field's meaning (no setter called).
    DefineField {
        this: Place,
        key: Key,
        private: bool,
        value: Box<Expr>,
        site: Site,
    },
    /// `object.#name`.
    GetPrivate(Box<Expr>, Atom, Site),
    /// The strings argument of a tagged template: cooked strings (`None` for
    /// `undefined`, a chunk with a malformed escape) with `raw`.
    TemplateStrings(Vec<Option<StrId>>, Vec<StrId>),
    /// An object literal with accessors: members in order, each an ordinary member
    /// or a getter/setter definition.
    ObjectWithAccessors(Vec<ObjectPart>),
}

/// A member of an object literal that has accessors.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum ObjectPart {
    /// An ordinary member.
    Member(Member),
    /// `get key() {}` (`getter`) or `set key(v) {}`.
    Accessor { key: Key, getter: bool, code: u32 },
}

/// A statement.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Stmt {
    /// An expression.
    Expr(Expr),
    /// A declaration: binds the pattern to the value (or `undefined`).
    Let(Pattern, Option<Expr>),
    /// `if … else if … else`.
    If(Vec<(Expr, Stmt)>, Option<Box<Stmt>>),
    /// A block; `env` slots when it declares captured variables; hoisted functions.
    Block(Box<Block>),
    /// `for (init; test; update) body`.
    For(Box<ForLoop>),
    /// `for (x of iterable)` / `for (k in object)`.
    ForEach(Box<ForEach>),
    /// `while (test) body`.
    While(Expr, Box<Stmt>),
    /// `do body while (test)`.
    DoWhile(Box<Stmt>, Expr),
    /// `switch`.
    Switch(Box<Switch>),
    /// `try/catch/finally`.
    Try(Box<Try>),
    /// `return`.
    Return(Option<Expr>),
    /// `throw`.
    Throw(Expr, Site),
    /// `break` (label 0: the innermost loop or switch).
    Break(u32),
    /// `continue` (label 0: the innermost loop).
    Continue(u32),
    /// `label: statement`.
    Labeled(u32, Box<Stmt>),
    /// Nothing.
    Empty,
}

/// A block with its scope.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Block {
    /// Environment slots for captured variables declared here (0: none).
    pub env_size: u32,
    /// Function declarations made at entry.
    pub hoisted: Vec<(Place, u32)>,
    /// The statements.
    pub body: Vec<Stmt>,
}

/// A `for (;;)` loop.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ForLoop {
    /// Environment slots for captured loop variables: a fresh environment per
    /// iteration, with the variables copied over (JavaScript's per-iteration binding).
    pub env_size: u32,
    pub init: Option<Box<Stmt>>,
    pub test: Option<Expr>,
    pub update: Option<Expr>,
    pub body: Stmt,
}

/// A `for…of` / `for…in` loop.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ForEach {
    /// `of` (values) or `in` (keys).
    pub of: bool,
    /// Environment slots for a captured loop variable (a fresh one per iteration).
    pub env_size: u32,
    pub target: Pattern,
    pub iterable: Expr,
    pub body: Stmt,
    pub site: Site,
}

/// A `switch`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Switch {
    pub discriminant: Expr,
    /// Environment slots for captured variables declared in the cases.
    pub env_size: u32,
    pub hoisted: Vec<(Place, u32)>,
    /// Each case's test (`None`: `default`) and where its statements start in `body`.
    pub cases: Vec<(Option<Expr>, usize)>,
    /// Every case's statements, in order (execution falls through).
    pub body: Vec<Stmt>,
}

/// A `try`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Try {
    pub block: Block,
    /// The handler: its parameter pattern, environment size and block.
    pub handler: Option<(Option<Pattern>, u32, Block)>,
    pub finalizer: Option<Block>,
}
