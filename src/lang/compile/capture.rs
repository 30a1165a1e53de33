//! The first compiler pass: which variables are captured by closures.
//!
//! A variable that a nested function reads or writes must outlive its frame, so it
//! lives in an environment object; every other variable lives in a frame slot, which
//! costs nothing to make and nothing to drop. This pass walks the module once with
//! the same scopes the lowering pass makes and records `(scope, name)` for each
//! captured variable. Scopes are named by their [`ScopeKey`], which both passes derive
//! from the syntax tree alone.

use std::collections::HashSet;

use crate::lang::syntax::ast::*;

/// Names a scope: the span of the node that makes it, and which kind of scope it is
/// (a `for` statement makes one scope for its head; its block body makes another).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ScopeKey {
    pub start: usize,
    pub end: usize,
    pub kind: u8,
}

pub(crate) const SCOPE_FUNCTION: u8 = 1;
pub(crate) const SCOPE_BLOCK: u8 = 2;
pub(crate) const SCOPE_LOOP: u8 = 3;
pub(crate) const SCOPE_SWITCH: u8 = 4;
pub(crate) const SCOPE_CATCH: u8 = 5;
pub(crate) const SCOPE_CLASS: u8 = 6;

/// The hidden name a class scope keeps the class under, for `super`.
pub(crate) const CLASS_BINDING: &str = "%class";

impl ScopeKey {
    pub(crate) fn new(span: Span, kind: u8) -> ScopeKey {
        ScopeKey {
            start: span.start,
            end: span.end,
            kind,
        }
    }
}

/// The captured variables of a module: `(scope, name)` pairs.
#[derive(Debug, Default)]
pub(crate) struct Captures {
    set: HashSet<(ScopeKey, String)>,
    /// The functions whose `this` or `arguments` is used: `(function scope, name)`.
    used: HashSet<(ScopeKey, &'static str)>,
}

impl Captures {
    /// Whether `name` declared in `scope` is captured.
    pub(crate) fn is_captured(&self, scope: ScopeKey, name: &str) -> bool {
        // Avoid allocating for the lookup in the common case of no captures.
        !self.set.is_empty() && self.set.contains(&(scope, name.to_owned()))
    }

    /// Whether the function of scope `scope` uses its `this` or `arguments`
    /// (`name`), directly or from an arrow function inside.
    pub(crate) fn uses(&self, scope: ScopeKey, name: &'static str) -> bool {
        self.used.contains(&(scope, name))
    }
}

struct Scope {
    key: Option<ScopeKey>,
    names: HashSet<String>,
    function_depth: usize,
}

/// Finds the captured variables of a module. Module-level variables are not tracked:
/// they always live in the module's environment.
pub(crate) fn analyze(module: &Module) -> Captures {
    let mut w = Walker::top();
    w.statements(&module.body);
    w.captures
}

/// [`analyze`] of a module whose one statement is the function `f` (the arrow that
/// wraps bare markup), without building that module around a copy of `f`.
pub(crate) fn analyze_function(f: &Function) -> Captures {
    let mut w = Walker::top();
    w.function(f);
    w.captures
}

struct Walker {
    scopes: Vec<Scope>,
    function_depth: usize,
    captures: Captures,
}

impl Walker {
    /// A walker at a module's top level.
    fn top() -> Walker {
        Walker {
            scopes: vec![Scope {
                key: None,
                names: HashSet::new(),
                function_depth: 0,
            }],
            function_depth: 0,
            captures: Captures::default(),
        }
    }
}

/// The names a block declares at its top level (let, const, function, class;
/// `var` belongs to the function, see [`var_declarations`]).
pub(crate) fn block_declarations(stmts: &[Stmt], out: &mut Vec<Ident>) {
    for s in stmts {
        declarations_of(s, out);
    }
}

/// The `var` names declared anywhere in a function's body (or a module's), outside
/// nested functions: they belong to the function's scope. Each name once.
pub(crate) fn var_declarations(stmts: &[Stmt], out: &mut Vec<Ident>) {
    fn decl(d: &VarDecl, out: &mut Vec<Ident>) {
        if d.kind == VarKind::Var {
            let mut names = Vec::new();
            for (p, _) in &d.declarators {
                pattern_names(p, &mut names);
            }
            for n in names {
                if !out.iter().any(|o| o.name == n.name) {
                    out.push(n);
                }
            }
        }
    }
    fn stmt(s: &Stmt, out: &mut Vec<Ident>, depth: usize) {
        // Statements nest as deep as the parser allows; this walk follows them.
        if depth > 512 {
            return;
        }
        match &s.kind {
            StmtKind::Var(d) => decl(d, out),
            StmtKind::Block(b) => b.iter().for_each(|x| stmt(x, out, depth + 1)),
            StmtKind::If {
                branches,
                otherwise,
            } => {
                for (_, b) in branches {
                    stmt(b, out, depth + 1);
                }
                if let Some(o) = otherwise {
                    stmt(o, out, depth + 1);
                }
            }
            StmtKind::For { init, body, .. } => {
                if let Some(ForInit::Var(d)) = init {
                    decl(d, out);
                }
                stmt(body, out, depth + 1);
            }
            StmtKind::ForEach { left, body, .. } => {
                if let ForTarget::Var(VarKind::Var, p) = left {
                    let mut names = Vec::new();
                    pattern_names(p, &mut names);
                    for n in names {
                        if !out.iter().any(|o| o.name == n.name) {
                            out.push(n);
                        }
                    }
                }
                stmt(body, out, depth + 1);
            }
            StmtKind::While { body, .. }
            | StmtKind::DoWhile { body, .. }
            | StmtKind::Labeled(_, body) => stmt(body, out, depth + 1),
            StmtKind::Switch { cases, .. } => {
                for (_, b) in cases {
                    b.iter().for_each(|x| stmt(x, out, depth + 1));
                }
            }
            StmtKind::Try {
                block,
                handler,
                finalizer,
            } => {
                block.iter().for_each(|x| stmt(x, out, depth + 1));
                if let Some((_, b)) = handler {
                    b.iter().for_each(|x| stmt(x, out, depth + 1));
                }
                if let Some(f) = finalizer {
                    f.iter().for_each(|x| stmt(x, out, depth + 1));
                }
            }
            StmtKind::ExportDecl(inner) => stmt(inner, out, depth + 1),
            _ => {}
        }
    }
    for s in stmts {
        stmt(s, out, 0);
    }
}

fn declarations_of(s: &Stmt, out: &mut Vec<Ident>) {
    match &s.kind {
        StmtKind::Var(d) if d.kind != VarKind::Var => {
            for (p, _) in &d.declarators {
                pattern_names(p, out);
            }
        }
        StmtKind::Function(f) => out.extend(f.name.clone()),
        StmtKind::Class(c) => out.extend(c.name.clone()),
        StmtKind::ExportDecl(inner) => declarations_of(inner, out),
        StmtKind::ExportDefaultFunction(f) => out.extend(f.name.clone()),
        StmtKind::Import(i) => {
            out.extend(i.default.clone());
            out.extend(i.namespace.clone());
            out.extend(i.named.iter().map(|(_, local)| local.clone()));
        }
        _ => {}
    }
}

/// The names a pattern binds.
pub(crate) fn pattern_names(p: &Pattern, out: &mut Vec<Ident>) {
    match p {
        Pattern::Ident(i) => out.push(i.clone()),
        Pattern::Object { props, rest, .. } => {
            for prop in props {
                pattern_names(&prop.value, out);
            }
            if let Some(r) = rest {
                pattern_names(r, out);
            }
        }
        Pattern::Array { elems, rest, .. } => {
            for (p, _) in elems.iter().flatten() {
                pattern_names(p, out);
            }
            if let Some(r) = rest {
                pattern_names(r, out);
            }
        }
        Pattern::Expr(_) => {}
    }
}

impl Walker {
    fn push(&mut self, key: ScopeKey, names: Vec<Ident>) {
        self.scopes.push(Scope {
            key: Some(key),
            names: names.into_iter().map(|i| i.name).collect(),
            function_depth: self.function_depth,
        });
    }

    fn pop(&mut self) {
        self.scopes.pop();
    }

    fn reference(&mut self, name: &str) {
        for scope in self.scopes.iter().rev() {
            if scope.names.contains(name) {
                if let (Some(key), Some(special)) = (scope.key, special_name(name)) {
                    self.captures.used.insert((key, special));
                }
                if scope.function_depth < self.function_depth {
                    if let Some(key) = scope.key {
                        self.captures.set.insert((key, name.to_owned()));
                    }
                }
                return;
            }
        }
    }

    fn statements(&mut self, stmts: &[Stmt]) {
        if self.scopes.len() == 1 {
            // Module level: its names shadow nothing tracked, but still resolve.
            let mut names = Vec::new();
            block_declarations(stmts, &mut names);
            var_declarations(stmts, &mut names);
            self.scopes[0]
                .names
                .extend(names.into_iter().map(|i| i.name));
        }
        for s in stmts {
            self.statement(s);
        }
    }

    fn block(&mut self, span: Span, stmts: &[Stmt]) {
        let mut names = Vec::new();
        block_declarations(stmts, &mut names);
        self.push(ScopeKey::new(span, SCOPE_BLOCK), names);
        for s in stmts {
            self.statement(s);
        }
        self.pop();
    }

    fn statement(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Expr(e) | StmtKind::Throw(e) | StmtKind::ExportDefault(e) => self.expr(e),
            StmtKind::Var(d) => self.var_decl(d),
            StmtKind::Function(f) | StmtKind::ExportDefaultFunction(f) => self.function(f),
            StmtKind::Block(stmts) => self.block(s.span, stmts),
            StmtKind::If {
                branches,
                otherwise,
            } => {
                for (test, then) in branches {
                    self.expr(test);
                    self.statement(then);
                }
                if let Some(o) = otherwise {
                    self.statement(o);
                }
            }
            StmtKind::For {
                init,
                test,
                update,
                body,
            } => {
                let mut names = Vec::new();
                if let Some(ForInit::Var(d)) = init
                    .as_ref()
                    .filter(|i| !matches!(i, ForInit::Var(d) if d.kind == VarKind::Var))
                {
                    for (p, _) in &d.declarators {
                        pattern_names(p, &mut names);
                    }
                }
                self.push(ScopeKey::new(s.span, SCOPE_LOOP), names);
                match init {
                    Some(ForInit::Var(d)) => self.var_decl(d),
                    Some(ForInit::Expr(e)) => self.expr(e),
                    None => {}
                }
                if let Some(t) = test {
                    self.expr(t);
                }
                if let Some(u) = update {
                    self.expr(u);
                }
                self.statement(body);
                self.pop();
            }
            StmtKind::ForEach {
                left, right, body, ..
            } => {
                self.expr(right);
                let mut names = Vec::new();
                if let ForTarget::Var(kind, p) = left {
                    if *kind != VarKind::Var {
                        pattern_names(p, &mut names);
                    }
                }
                self.push(ScopeKey::new(s.span, SCOPE_LOOP), names);
                match left {
                    ForTarget::Var(_, p) => self.pattern(p),
                    ForTarget::Expr(e) => self.expr(e),
                }
                self.statement(body);
                self.pop();
            }
            StmtKind::While { test, body } | StmtKind::DoWhile { body, test } => {
                self.expr(test);
                self.statement(body);
            }
            StmtKind::Switch {
                discriminant,
                cases,
            } => {
                self.expr(discriminant);
                let mut names = Vec::new();
                for (_, body) in cases {
                    block_declarations(body, &mut names);
                }
                self.push(ScopeKey::new(s.span, SCOPE_SWITCH), names);
                for (test, body) in cases {
                    if let Some(t) = test {
                        self.expr(t);
                    }
                    for st in body {
                        self.statement(st);
                    }
                }
                self.pop();
            }
            StmtKind::Try {
                block,
                handler,
                finalizer,
            } => {
                self.block(block_span(s.span, 0), block);
                if let Some((param, body)) = handler {
                    let mut names = Vec::new();
                    if let Some(p) = param {
                        pattern_names(p, &mut names);
                    }
                    self.push(ScopeKey::new(s.span, SCOPE_CATCH), names);
                    if let Some(p) = param {
                        self.pattern(p);
                    }
                    self.block(block_span(s.span, 1), body);
                    self.pop();
                }
                if let Some(f) = finalizer {
                    self.block(block_span(s.span, 2), f);
                }
            }
            StmtKind::Return(e) => {
                if let Some(e) = e {
                    self.expr(e);
                }
            }
            StmtKind::ExportDecl(inner) => self.statement(inner),
            StmtKind::Class(c) => self.class(c),
            StmtKind::Labeled(_, body) => self.statement(body),
            StmtKind::ExportNamed {
                specifiers, source, ..
            } => {
                if source.is_none() {
                    for (local, _) in specifiers {
                        self.reference(&local.name);
                    }
                }
            }
            StmtKind::Break(_)
            | StmtKind::Continue(_)
            | StmtKind::Empty
            | StmtKind::TypeOnly
            | StmtKind::ExportTypes(_)
            | StmtKind::Import(_)
            | StmtKind::ExportAll { .. } => {}
        }
    }

    fn var_decl(&mut self, d: &VarDecl) {
        for (p, init) in &d.declarators {
            self.pattern(p);
            if let Some(e) = init {
                self.expr(e);
            }
        }
    }

    /// A pattern: defaults and computed keys are expressions.
    fn pattern(&mut self, p: &Pattern) {
        match p {
            Pattern::Ident(i) => self.reference(&i.name),
            Pattern::Object { props, rest, .. } => {
                for prop in props {
                    if let PropKey::Computed(e) = &prop.key {
                        self.expr(e);
                    }
                    self.pattern(&prop.value);
                    if let Some(d) = &prop.default {
                        self.expr(d);
                    }
                }
                if let Some(r) = rest {
                    self.pattern(r);
                }
            }
            Pattern::Array { elems, rest, .. } => {
                for (p, d) in elems.iter().flatten() {
                    self.pattern(p);
                    if let Some(d) = d {
                        self.expr(d);
                    }
                }
                if let Some(r) = rest {
                    self.pattern(r);
                }
            }
            Pattern::Expr(e) => self.expr(e),
        }
    }

    fn function(&mut self, f: &Function) {
        self.function_depth += 1;
        let mut names = Vec::new();
        for p in &f.params {
            pattern_names(&p.pattern, &mut names);
        }
        if let Some(r) = &f.rest {
            pattern_names(r, &mut names);
        }
        if let FunctionBody::Block(stmts) = &f.body {
            block_declarations(stmts, &mut names);
            let mut vars = Vec::new();
            var_declarations(stmts, &mut vars);
            names.extend(
                vars.into_iter()
                    .filter(|v| !names.iter().any(|n| n.name == v.name))
                    .collect::<Vec<_>>(),
            );
        }
        if !f.is_arrow {
            for special in ["this", "arguments"] {
                names.push(Ident {
                    name: special.to_owned(),
                    span: f.span,
                });
            }
        }
        self.push(ScopeKey::new(f.span, SCOPE_FUNCTION), names);
        for p in &f.params {
            self.pattern(&p.pattern);
            if let Some(d) = &p.default {
                self.expr(d);
            }
        }
        if let Some(r) = &f.rest {
            self.pattern(r);
        }
        match &f.body {
            FunctionBody::Block(stmts) => {
                for s in stmts {
                    self.statement(s);
                }
            }
            FunctionBody::Expr(e) => self.expr(e),
        }
        self.pop();
        self.function_depth -= 1;
    }

    fn items(&mut self, items: &[ArrayItem]) {
        for item in items {
            match item {
                ArrayItem::Item(e) | ArrayItem::Spread(e) => self.expr(e),
                ArrayItem::Hole => {}
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Ident(name) => self.reference(name),
            ExprKind::Null
            | ExprKind::Bool(_)
            | ExprKind::Number(_)
            | ExprKind::String(_)
            | ExprKind::Regex { .. }
            | ExprKind::Unsupported(_) => {}
            ExprKind::Template(_, exprs) | ExprKind::Sequence(exprs) => {
                for x in exprs {
                    self.expr(x);
                }
            }
            ExprKind::Array(items) => self.items(items),
            ExprKind::Object(members) => {
                for m in members {
                    match m {
                        ObjectMember::Prop(key, value) => {
                            if let PropKey::Computed(k) = key {
                                self.expr(k);
                            }
                            self.expr(value);
                        }
                        ObjectMember::Spread(x) => self.expr(x),
                        ObjectMember::ShorthandDefault(id, d) => {
                            self.reference(&id.name);
                            self.expr(d);
                        }
                        ObjectMember::Accessor(key, _, f) => {
                            if let PropKey::Computed(k) = key {
                                self.expr(k);
                            }
                            self.function(f);
                        }
                    }
                }
            }
            ExprKind::Function(f) => self.function(f),
            ExprKind::Jsx(el) => self.jsx(el),
            ExprKind::Unary(_, x)
            | ExprKind::Await(x)
            | ExprKind::OptionalChain(x)
            | ExprKind::Update { target: x, .. } => self.expr(x),
            ExprKind::Binary(_, a, b) | ExprKind::Logical(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Chain(first, links) => {
                self.expr(first);
                for l in links {
                    self.expr(&l.right);
                }
            }
            ExprKind::Conditional(a, b, c) => {
                self.expr(a);
                self.expr(b);
                self.expr(c);
            }
            ExprKind::Assign(_, target, value) => {
                self.pattern(target);
                self.expr(value);
            }
            ExprKind::Member { object, .. } => self.expr(object),
            ExprKind::Index { object, index, .. } => {
                self.expr(object);
                self.expr(index);
            }
            ExprKind::Call { callee, args, .. } | ExprKind::New { callee, args } => {
                self.expr(callee);
                self.items(args);
            }
            ExprKind::This => self.reference("this"),
            ExprKind::SuperCall(args) => {
                self.reference("this");
                self.reference(CLASS_BINDING);
                self.items(args);
            }
            ExprKind::SuperMember { .. } => {
                self.reference("this");
                self.reference(CLASS_BINDING);
            }
            ExprKind::Class(c) => self.class(c),
            ExprKind::TaggedTemplate { tag, exprs, .. } => {
                self.expr(tag);
                for x in exprs {
                    self.expr(x);
                }
            }
            ExprKind::DefineField { key, value, .. } => {
                self.reference("this");
                if let PropKey::Computed(k) = key {
                    self.expr(k);
                }
                self.expr(value);
            }
        }
    }

    fn class(&mut self, c: &Class) {
        if let Some(e) = &c.extends {
            self.expr(e);
        }
        let mut names = vec![Ident {
            name: CLASS_BINDING.to_owned(),
            span: c.span,
        }];
        names.extend(c.name.clone());
        self.push(ScopeKey::new(c.span, SCOPE_CLASS), names);
        self.function(&c.constructor);
        for m in &c.methods {
            if let PropKey::Computed(k) = &m.key {
                self.expr(k);
            }
            self.function(&m.function);
        }
        if let Some(f) = &c.statics {
            self.function(f);
        }
        self.pop();
    }

    fn jsx(&mut self, el: &JsxElement) {
        if let Some(name) = &el.name {
            if !name.is_intrinsic() {
                let root = name.name.split('.').next().unwrap_or_default();
                self.reference(root);
            }
        }
        for a in &el.attrs {
            match a {
                JsxAttr::Named { value, .. } => {
                    if let Some(v) = value {
                        self.expr(v);
                    }
                }
                JsxAttr::Spread(e) => self.expr(e),
            }
        }
        for c in el.children.iter().flatten() {
            match c {
                JsxChild::Text(..) => {}
                JsxChild::Expr(e) | JsxChild::Spread(e) => self.expr(e),
                JsxChild::Element(e) => self.expr(e),
            }
        }
    }
}

/// The scope span of a `try`'s parts: the statement's span, told apart by `part`
/// (0 the block, 1 the handler's block, 2 the finalizer).
pub(crate) fn block_span(try_span: Span, part: usize) -> Span {
    Span::new(try_span.start + part, try_span.end)
}

/// `this` and `arguments`, which every non-arrow function declares implicitly.
pub(crate) fn special_name(name: &str) -> Option<&'static str> {
    match name {
        "this" => Some("this"),
        "arguments" => Some("arguments"),
        _ => None,
    }
}
