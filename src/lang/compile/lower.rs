//! The second compiler pass: syntax tree to IR.

use std::collections::{HashMap, HashSet};

use super::capture::{
    self, block_declarations, pattern_names, var_declarations, Captures, ScopeKey, CLASS_BINDING,
    SCOPE_BLOCK, SCOPE_CATCH, SCOPE_CLASS, SCOPE_FUNCTION, SCOPE_LOOP, SCOPE_SWITCH,
};
use super::elements::{self, Place as ElPlace};
use super::ir::{self, Site};
use super::scope::{resolve, Binding, BindingKind, Resolved, Scope, Slot};
use super::{
    Builder, ImportBinding, ImportName, ModuleCode, Origin, ReExport, RegexSource, MARKUP_PARAMS,
};
use crate::element::slots::Slots;
use crate::element::ElementKind;
use crate::lang::builtins::table::{self, GlobalValue, Native, RuntimeExport};
use crate::lang::diagnostic::{suggest, Diagnostic, DiagnosticKind, Diagnostics};
use crate::lang::source::{SourceFile, Span};
use crate::lang::syntax::ast::{self, *};
use crate::lang::value::{Atom, MemoryExceeded, Value};

/// The module every ContentKit integration imports its runtime from.
pub(crate) const RUNTIME_MODULE: &str = "@gitbook/runtime";

struct FnState {
    frame_size: u32,
    /// An arrow: `this`, `super` and `arguments` are the enclosing function's.
    arrow: bool,
    /// A class's constructor, and of which kind.
    constructor: Constructor,
    /// A class's method (`super.x` is allowed), static or not.
    method: Option<bool>,
}

impl FnState {
    fn top() -> FnState {
        FnState {
            frame_size: 0,
            arrow: true,
            constructor: Constructor::No,
            method: None,
        }
    }
}

struct Lower<'b> {
    b: &'b mut Builder,
    file_idx: u16,
    file: SourceFile,
    errors: Diagnostics,
    scopes: Vec<Scope>,
    funcs: Vec<FnState>,
    captures: Captures,
    /// `createComponent` and friends may be used without an import (`.ckx` files).
    implicit_runtime: bool,
    /// Bare markup: the root must be a root element.
    require_root: bool,
    /// Check JSX against the element types (off for plain JSX markup).
    check_elements: bool,
    /// Bare markup whose root is an element not yet lowered: the next JSX is it.
    root_pending: bool,
    memory_exceeded: bool,
    /// The labels of the statements being lowered, innermost last, with their ids.
    labels: Vec<(String, u32)>,
    label_count: u32,
    /// The next function lowered is a class method (static or not).
    next_method: Option<bool>,
    /// Where the bindings read as values were declared (imports read only in
    /// types are not: they may name another file's types).
    value_reads: HashSet<Span>,
    /// Imports of packages: the module name, where it is written, and where each
    /// name it binds is declared.
    package_imports: Vec<(String, Span, Vec<Span>)>,
}

/// Compiles a module.
pub(crate) fn lower_module(
    b: &mut Builder,
    file_idx: u16,
    module: &ast::Module,
    implicit_runtime: bool,
) -> Result<ModuleCode, Diagnostics> {
    let file = b.files[usize::from(file_idx)].clone();
    let captures = capture::analyze(module);
    let mut l = Lower {
        b,
        file_idx,
        file,
        errors: Diagnostics::new(),
        scopes: Vec::new(),
        funcs: vec![FnState::top()],
        labels: Vec::new(),
        label_count: 0,
        next_method: None,
        captures,
        implicit_runtime,
        require_root: false,
        check_elements: true,
        root_pending: false,
        memory_exceeded: false,
        value_reads: HashSet::new(),
        package_imports: Vec::new(),
    };
    // The module scope: every binding in the module environment.
    l.scopes.push(Scope {
        key: None,
        bindings: HashMap::new(),
        env_size: 0,
        has_env: true,
        function: 0,
    });
    let mut imports = Vec::new();
    let mut runtime_imports = Vec::new();
    for s in &module.body {
        if let StmtKind::Import(i) = &s.kind {
            l.declare_import(i, &mut imports, &mut runtime_imports);
        }
    }
    let mut names = Vec::new();
    for s in &module.body {
        if !matches!(s.kind, StmtKind::Import(_)) {
            collect_decl(s, &mut names);
        }
    }
    let mut vars = Vec::new();
    var_declarations(&module.body, &mut vars);
    names.extend(
        vars.into_iter()
            .filter(|v| !names.iter().any(|n| n.name == v.name))
            .collect::<Vec<_>>(),
    );
    let hoisted_fns = l.declare_names(&names, &module.body);
    let default_slot = l.env_slot_for("*default*", Span::default());
    let mut body = Vec::new();
    // Runtime imports are constants: store them first.
    for (slot, value) in runtime_imports {
        body.push(ir::Stmt::Expr(ir::Expr::Assign(
            Box::new(ir::Target::Place(ir::Place::Env { hops: 0, slot })),
            Box::new(ir::Expr::Const(value)),
        )));
    }
    let hoisted = l.hoisted_functions(&hoisted_fns);
    let mut exports: Vec<(String, u32)> = Vec::new();
    let mut reexports = Vec::new();
    let mut type_exports = Vec::new();
    for s in &module.body {
        match &s.kind {
            StmtKind::ExportTypes(names) => {
                type_exports.extend(names.iter().map(|n| n.name.clone()));
            }
            StmtKind::ExportDecl(inner) => {
                let mut exported = Vec::new();
                collect_decl(inner, &mut exported);
                for id in exported {
                    if let Some(slot) = l.module_slot(&id.name) {
                        exports.push((id.name.clone(), slot));
                    }
                }
                l.statement(inner, &mut body);
            }
            StmtKind::ExportDefault(e) => {
                let value = l.expr(e);
                body.push(ir::Stmt::Expr(ir::Expr::Assign(
                    Box::new(ir::Target::Place(ir::Place::Env {
                        hops: 0,
                        slot: default_slot,
                    })),
                    Box::new(value),
                )));
                exports.push(("default".into(), default_slot));
            }
            StmtKind::ExportDefaultFunction(f) => match &f.name {
                Some(name) => {
                    if let Some(slot) = l.module_slot(&name.name) {
                        exports.push(("default".into(), slot));
                    }
                }
                None => {
                    let idx = l.function(f, None);
                    body.push(ir::Stmt::Expr(ir::Expr::Assign(
                        Box::new(ir::Target::Place(ir::Place::Env {
                            hops: 0,
                            slot: default_slot,
                        })),
                        Box::new(ir::Expr::Closure(idx)),
                    )));
                    exports.push(("default".into(), default_slot));
                }
            },
            StmtKind::ExportNamed {
                specifiers,
                source,
                types,
            } => {
                type_exports.extend(types.iter().map(|n| n.name.clone()));
                match source {
                    None => {
                        for (local, exported) in specifiers {
                            let kind = l.scopes[0].bindings.get(&local.name).map(|b| b.kind);
                            match (kind, l.module_slot(&local.name)) {
                                // A type imported without `type` is exported as one.
                                (Some(BindingKind::TypeOnly), _) => {
                                    type_exports.push(exported.name.clone());
                                }
                                // What a package stands for is not here: exporting
                                // it reads it.
                                (Some(BindingKind::Package), _) => {
                                    if let Some(b) = l.scopes[0].bindings.get(&local.name) {
                                        l.value_reads.insert(b.span);
                                    }
                                }
                                (_, Some(slot)) => exports.push((exported.name.clone(), slot)),
                                (_, None) => l.error(
                                    DiagnosticKind::UnknownIdentifier,
                                    local.span,
                                    format!(
                                        "cannot export `{}`: it is not declared in this file",
                                        local.name
                                    ),
                                ),
                            }
                        }
                    }
                    Some((from, span)) => {
                        for (local, exported) in specifiers {
                            reexports.push(ReExport {
                                from: from.clone(),
                                names: Some((local.name.clone(), exported.name.clone())),
                                span: *span,
                            });
                        }
                    }
                }
            }
            StmtKind::ExportAll { name, source } => {
                if let Some(n) = name {
                    l.error(
                        DiagnosticKind::Unsupported,
                        n.span,
                        "`export * as name` is not supported: import the namespace, then export it",
                    );
                }
                reexports.push(ReExport {
                    from: source.0.clone(),
                    names: None,
                    span: source.1,
                });
            }
            _ => l.statement(s, &mut body),
        }
    }
    let env_size = l.scopes[0].env_size;
    let frame_size = l.funcs[0].frame_size;
    let site = l.site(Span::new(0, 0));
    let init = ir::FuncCode {
        name: None,
        params: Vec::new(),
        rest: None,
        body: ir::Body::Block(body),
        frame_size,
        env_size: 0,
        hoisted,
        is_async: false,
        site,
        arity: 0,
        this_place: None,
        arguments_place: None,
        kind: ir::FuncKind::Normal,
    };
    if l.memory_exceeded {
        l.error(
            DiagnosticKind::TooLarge,
            Span::new(0, 0),
            "the program's constants exceed its memory budget",
        );
    }
    l.package_import_errors();
    let errors = std::mem::take(&mut l.errors);
    let b = l.b;
    b.functions.push(init);
    let init = (b.functions.len() - 1) as u32;
    for imp in &mut imports {
        imp.as_value = l.value_reads.contains(&imp.span);
    }
    errors.into_result(ModuleCode {
        file: file_idx,
        init,
        env_size,
        exports,
        reexports,
        imports,
        type_exports,
    })
}

/// Compiles bare markup into a function of [`MARKUP_PARAMS`].
pub(crate) fn lower_markup(
    b: &mut Builder,
    file_idx: u16,
    expr: ast::Expr,
    require_root: bool,
    check_elements: bool,
) -> Result<u32, Diagnostics> {
    let file = b.files[usize::from(file_idx)].clone();
    // Wrap the expression in an arrow of the markup parameters, so captures resolve.
    let span = expr.span;
    let root_pending = matches!(expr.kind, ExprKind::Jsx(_));
    let params = MARKUP_PARAMS
        .iter()
        .map(|n| Param {
            pattern: Pattern::Ident(Ident {
                name: (*n).to_owned(),
                span: Span::new(span.start, span.start),
            }),
            default: None,
        })
        .collect();
    let f = Function {
        name: None,
        params,
        rest: None,
        body: FunctionBody::Expr(Box::new(expr)),
        is_async: false,
        is_arrow: true,
        constructor: Constructor::No,
        span,
    };
    // The markup's tree is moved into its wrapper, never copied (a 250 KB page was
    // copied twice, for the wrapper and for the capture analysis).
    let captures = capture::analyze_function(&f);
    let mut l = Lower {
        b,
        file_idx,
        file,
        errors: Diagnostics::new(),
        scopes: vec![Scope {
            key: None,
            bindings: HashMap::new(),
            env_size: 0,
            has_env: false,
            function: 0,
        }],
        funcs: vec![FnState::top()],
        labels: Vec::new(),
        label_count: 0,
        next_method: None,
        captures,
        implicit_runtime: true,
        require_root,
        check_elements,
        root_pending,
        memory_exceeded: false,
        value_reads: HashSet::new(),
        package_imports: Vec::new(),
    };
    if let (true, FunctionBody::Expr(expr)) = (require_root, &f.body) {
        root_shape(&mut l, expr);
    }
    let idx = l.function(&f, None);
    let errors = std::mem::take(&mut l.errors);
    errors.into_result(idx)
}

/// Markup asked to hold a root element holds one element, not a fragment or
/// another expression (the element's own tag is checked with its placement).
fn root_shape(l: &mut Lower<'_>, expr: &ast::Expr) {
    let file = l.file.clone();
    let (span, message, help) = match &expr.kind {
        ExprKind::Jsx(el) if el.name.is_some() => return,
        ExprKind::Jsx(_) => (
            Span::new(expr.span.start, (expr.span.start + 2).min(expr.span.end)),
            "the root must be one element, not a fragment",
            "wrap the children in a <block>, <modal> or <configuration>",
        ),
        _ => (
            expr.span,
            "the root must be one element",
            "a markup file holds a single element such as <block>…</block>",
        ),
    };
    l.errors
        .push(Diagnostic::new(&file, DiagnosticKind::Placement, span, message).with_help(help));
}

/// Declarations of one statement at the module's top level.
fn collect_decl(s: &Stmt, out: &mut Vec<Ident>) {
    block_declarations(std::slice::from_ref(s), out);
}

/// Collects the property names a module defines: object literal keys, methods,
/// assigned members.
pub(crate) fn collect_names(module: &ast::Module, out: &mut HashSet<String>) {
    fn expr(e: &Expr, out: &mut HashSet<String>) {
        match &e.kind {
            ExprKind::Object(members) => {
                for m in members {
                    match m {
                        ObjectMember::Prop(PropKey::Named(n, _), v) => {
                            out.insert(n.clone());
                            expr(v, out);
                        }
                        ObjectMember::Prop(PropKey::Computed(k), v) => {
                            expr(k, out);
                            expr(v, out);
                        }
                        ObjectMember::Spread(v) | ObjectMember::ShorthandDefault(_, v) => {
                            expr(v, out)
                        }
                        ObjectMember::Accessor(key, _, f) => {
                            if let PropKey::Named(n, _) = key {
                                out.insert(n.clone());
                            }
                            function(f, out);
                        }
                    }
                }
            }
            ExprKind::Assign(_, target, value) => {
                if let Pattern::Expr(t) = &**target {
                    if let ExprKind::Member { name, object, .. } = &t.kind {
                        out.insert(name.clone());
                        expr(object, out);
                    }
                }
                expr(value, out);
            }
            ExprKind::Template(_, xs) | ExprKind::Sequence(xs) => {
                xs.iter().for_each(|x| expr(x, out))
            }
            ExprKind::Array(items) => items.iter().for_each(|i| item(i, out)),
            ExprKind::Function(f) => function(f, out),
            ExprKind::Jsx(el) => {
                for a in &el.attrs {
                    match a {
                        JsxAttr::Named { value: Some(v), .. } | JsxAttr::Spread(v) => expr(v, out),
                        JsxAttr::Named { value: None, .. } => {}
                    }
                }
                for c in el.children.iter().flatten() {
                    match c {
                        JsxChild::Expr(x) | JsxChild::Spread(x) => expr(x, out),
                        JsxChild::Element(x) => expr(x, out),
                        JsxChild::Text(..) => {}
                    }
                }
            }
            ExprKind::Unary(_, x)
            | ExprKind::Await(x)
            | ExprKind::OptionalChain(x)
            | ExprKind::Update { target: x, .. } => expr(x, out),
            ExprKind::Binary(_, a, b) | ExprKind::Logical(_, a, b) => {
                expr(a, out);
                expr(b, out);
            }
            ExprKind::Chain(first, links) => {
                expr(first, out);
                for l in links {
                    expr(&l.right, out);
                }
            }
            ExprKind::Conditional(a, b, c) => {
                expr(a, out);
                expr(b, out);
                expr(c, out);
            }
            ExprKind::Member { object, .. } => expr(object, out),
            ExprKind::Index { object, index, .. } => {
                expr(object, out);
                expr(index, out);
            }
            ExprKind::Call { callee, args, .. } | ExprKind::New { callee, args } => {
                expr(callee, out);
                args.iter().for_each(|i| item(i, out));
            }
            ExprKind::Class(c) => class(c, out),
            ExprKind::DefineField { key, value, .. } => {
                if let PropKey::Named(n, _) = key {
                    out.insert(n.clone());
                }
                expr(value, out);
            }
            ExprKind::TaggedTemplate { tag, exprs, .. } => {
                expr(tag, out);
                exprs.iter().for_each(|x| expr(x, out));
            }
            _ => {}
        }
    }
    fn class(c: &Class, out: &mut HashSet<String>) {
        if let Some(e) = &c.extends {
            expr(e, out);
        }
        function(&c.constructor, out);
        for m in &c.methods {
            if let PropKey::Named(n, _) = &m.key {
                out.insert(n.clone());
            }
            function(&m.function, out);
        }
        if let Some(f) = &c.statics {
            function(f, out);
        }
    }
    fn item(i: &ArrayItem, out: &mut HashSet<String>) {
        if let ArrayItem::Item(e) | ArrayItem::Spread(e) = i {
            expr(e, out);
        }
    }
    fn function(f: &Function, out: &mut HashSet<String>) {
        match &f.body {
            FunctionBody::Block(stmts) => stmts.iter().for_each(|s| stmt(s, out)),
            FunctionBody::Expr(e) => expr(e, out),
        }
    }
    fn stmt(s: &Stmt, out: &mut HashSet<String>) {
        match &s.kind {
            StmtKind::Expr(e)
            | StmtKind::Throw(e)
            | StmtKind::ExportDefault(e)
            | StmtKind::Return(Some(e)) => expr(e, out),
            StmtKind::Var(d) => d
                .declarators
                .iter()
                .flat_map(|(_, i)| i)
                .for_each(|e| expr(e, out)),
            StmtKind::Function(f) | StmtKind::ExportDefaultFunction(f) => function(f, out),
            StmtKind::Block(b) => b.iter().for_each(|s| stmt(s, out)),
            StmtKind::If {
                branches,
                otherwise,
            } => {
                for (t, b) in branches {
                    expr(t, out);
                    stmt(b, out);
                }
                if let Some(o) = otherwise {
                    stmt(o, out);
                }
            }
            StmtKind::For { body, .. }
            | StmtKind::ForEach { body, .. }
            | StmtKind::While { body, .. }
            | StmtKind::DoWhile { body, .. } => stmt(body, out),
            StmtKind::Switch { cases, .. } => {
                cases.iter().flat_map(|(_, b)| b).for_each(|s| stmt(s, out))
            }
            StmtKind::Try {
                block,
                handler,
                finalizer,
            } => {
                block.iter().for_each(|s| stmt(s, out));
                if let Some((_, b)) = handler {
                    b.iter().for_each(|s| stmt(s, out));
                }
                if let Some(f) = finalizer {
                    f.iter().for_each(|s| stmt(s, out));
                }
            }
            StmtKind::ExportDecl(inner) | StmtKind::Labeled(_, inner) => stmt(inner, out),
            StmtKind::Class(c) => class(c, out),
            _ => {}
        }
    }
    for s in &module.body {
        stmt(s, out);
    }
}

impl Lower<'_> {
    fn error(&mut self, kind: DiagnosticKind, span: Span, message: impl Into<String>) {
        let file = &self.file;
        self.errors
            .push_with(|| Diagnostic::new(file, kind, span, message));
    }

    fn push_diag(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }

    fn site(&mut self, span: Span) -> Site {
        self.b.site(self.file_idx, span)
    }

    fn mem<T: Default>(&mut self, r: Result<T, MemoryExceeded>) -> T {
        r.unwrap_or_else(|_| {
            self.memory_exceeded = true;
            T::default()
        })
    }

    fn atom(&mut self, name: &str) -> Atom {
        let r = self.b.heap.intern(name.as_bytes());
        match r {
            Ok(a) => a,
            Err(_) => {
                self.memory_exceeded = true;
                Atom::EMPTY
            }
        }
    }

    fn string_value(&mut self, s: &str) -> Value {
        match self.b.string(s) {
            Ok(id) => Value::Str(id),
            Err(_) => {
                self.memory_exceeded = true;
                Value::Undefined
            }
        }
    }

    fn current_fn(&self) -> usize {
        self.funcs.len() - 1
    }

    // ------------------------------------------------------------ declarations

    fn module_slot(&self, name: &str) -> Option<u32> {
        match self.scopes[0].bindings.get(name)?.slot {
            Slot::Env(s) => Some(s),
            Slot::Frame(_) => None,
        }
    }

    fn env_slot_for(&mut self, name: &str, span: Span) -> u32 {
        let scope = &mut self.scopes[0];
        let slot = scope.env_size;
        scope.env_size += 1;
        scope.bindings.insert(
            name.to_owned(),
            Binding {
                slot: Slot::Env(slot),
                kind: BindingKind::Const,
                span,
            },
        );
        slot
    }

    /// Binds an imported name that has no value at run time (a type, a package):
    /// no slot, only a kind that says what reading it means.
    fn bind_no_value(&mut self, local: &Ident, kind: BindingKind) {
        let binding = Binding {
            slot: Slot::Env(u32::MAX),
            kind,
            span: local.span,
        };
        self.scopes[0].bindings.insert(local.name.clone(), binding);
    }

    /// Whether the module already binds the name an import binds (reported).
    fn imported_twice(&mut self, local: &Ident) -> bool {
        if !self.scopes[0].bindings.contains_key(&local.name) {
            return false;
        }
        self.error(
            DiagnosticKind::InvalidDeclaration,
            local.span,
            format!("`{}` is declared twice", local.name),
        );
        true
    }

    /// The error of an import of a package the file reads as a value.
    fn package_import_error(&mut self, source: &str, source_span: Span) {
        let help = if source.starts_with("@gitbook/api") {
            "types from @gitbook/api need no import at run time: use them in types only"
        } else {
            "only @gitbook/runtime and files of this integration (./name) can be imported"
        };
        self.push_diag(
            Diagnostic::new(
                &self.file,
                DiagnosticKind::UnknownImport,
                source_span,
                format!(
                    "cannot import \"{source}\": packages other than @gitbook/runtime are not available"
                ),
            )
            .with_help(help),
        );
    }

    /// Reports the imports of packages the file read as values.
    fn package_import_errors(&mut self) {
        for (source, span, locals) in std::mem::take(&mut self.package_imports) {
            if crate::lang::package::is_package(&source) {
                // Some of its names are values: say which one is not.
                let read: Vec<Span> = locals
                    .into_iter()
                    .filter(|l| self.value_reads.contains(l))
                    .collect();
                for local in &read {
                    let name = self.file.text().get(local.start..local.end).unwrap_or("");
                    let d = Diagnostic::new(
                        &self.file,
                        DiagnosticKind::UnknownImport,
                        *local,
                        format!("{source} has no value `{name}` here: it is read as a value"),
                    )
                    .with_help("of @gitbook/api, its enums (ContentKitIcon, …), ContentType and GITBOOK_DEFAULT_ENDPOINT are values here; its types need no import at run time");
                    self.push_diag(d);
                }
            } else if locals.iter().any(|l| self.value_reads.contains(l)) {
                self.package_import_error(&source, span);
            }
        }
    }

    fn declare_import(
        &mut self,
        i: &Import,
        imports: &mut Vec<ImportBinding>,
        runtime: &mut Vec<(u32, Value)>,
    ) {
        // `@gitbook/api`'s module takes its classes from the built-ins this way.
        let classes = i.source == crate::lang::package::CLASSES
            && self.file.name() == crate::lang::package::GITBOOK_API;
        let is_runtime =
            classes || i.source == RUNTIME_MODULE || i.source.starts_with("@gitbook/runtime/");
        let relative = i.source.starts_with("./") || i.source.starts_with("../");
        // A package made here (`@gitbook/api`): its values are a module's exports, its
        // other names types.
        let package = crate::lang::package::is_package(&i.source);
        let module = relative || (package && crate::lang::package::reads_module(i));
        if !is_runtime && !module {
            // Its names stand for nothing here: fine while only types read them
            // (`import { ContentKitBlock } from '@gitbook/api'`), reported at the
            // import once the file reads one as a value (`package_import_errors`).
            let locals: Vec<&Ident> = i
                .default
                .iter()
                .chain(i.namespace.iter())
                .chain(i.named.iter().map(|(_, local)| local))
                .collect();
            if locals.is_empty() {
                self.package_import_error(&i.source, i.source_span);
                return;
            }
            for local in &locals {
                if !self.imported_twice(local) {
                    self.bind_no_value(local, BindingKind::Package);
                }
            }
            let spans = locals.iter().map(|l| l.span).collect();
            self.package_imports
                .push((i.source.clone(), i.source_span, spans));
            return;
        }
        let mut types = Vec::new();
        let mut bind = |l: &mut Self, local: &Ident, name: ImportName| {
            if l.imported_twice(local) {
                return;
            }
            let value = match &name {
                ImportName::Named(n) => crate::lang::package::is_api_value(n),
                ImportName::Namespace => true,
                ImportName::Default => false,
            };
            if package && !value {
                // A type of the package: nothing, unless read as a value.
                l.bind_no_value(local, BindingKind::Package);
                types.push(local.span);
                return;
            }
            if is_runtime {
                let imported = match &name {
                    ImportName::Named(n) => n.as_str(),
                    _ => {
                        l.error(
                            DiagnosticKind::UnknownImport,
                            local.span,
                            "@gitbook/runtime has no default export: import its names, `import { createComponent } from '@gitbook/runtime'`",
                        );
                        return;
                    }
                };
                if table::RUNTIME_TYPES.contains(&imported) && !classes {
                    l.bind_no_value(local, BindingKind::TypeOnly);
                    return;
                }
                let exports = if classes {
                    table::API_CLASSES
                } else {
                    table::RUNTIME_EXPORTS
                };
                let Some((_, export)) = exports.iter().find(|(n, _)| *n == imported) else {
                    let s = suggest(imported, table::RUNTIME_EXPORTS.iter().map(|(n, _)| *n));
                    let d = Diagnostic::new(
                        &l.file,
                        DiagnosticKind::UnknownImport,
                        local.span,
                        format!("@gitbook/runtime has no export `{imported}` here"),
                    )
                    .with_suggestion_or(s, "the runtime's values here are createComponent, createIntegration, createOAuthHandler, getOAuthToken, Logger and ExposableError");
                    l.push_diag(d);
                    return;
                };
                let native = match export {
                    RuntimeExport::Fn(n) | RuntimeExport::Class(n) => *n,
                };
                let value = l.b.native_value(native);
                let value = l.mem(value);
                let slot = l.scopes[0].env_size;
                l.scopes[0].env_size += 1;
                l.scopes[0].bindings.insert(
                    local.name.clone(),
                    Binding {
                        slot: Slot::Env(slot),
                        kind: BindingKind::Runtime(*export),
                        span: local.span,
                    },
                );
                runtime.push((slot, value));
            } else {
                let slot = l.scopes[0].env_size;
                l.scopes[0].env_size += 1;
                l.scopes[0].bindings.insert(
                    local.name.clone(),
                    Binding {
                        slot: Slot::Env(slot),
                        kind: BindingKind::Const,
                        span: local.span,
                    },
                );
                imports.push(ImportBinding {
                    slot,
                    from: i.source.clone(),
                    name,
                    span: local.span,
                    as_value: false,
                });
            }
        };
        if let Some(d) = &i.default {
            bind(self, d, ImportName::Default);
        }
        if let Some(n) = &i.namespace {
            bind(self, n, ImportName::Namespace);
        }
        for (imported, local) in &i.named {
            bind(self, local, ImportName::Named(imported.name.clone()));
        }
        if !types.is_empty() {
            self.package_imports
                .push((i.source.clone(), i.source_span, types));
        }
    }

    /// Declares the names of the innermost scope; returns the function declarations
    /// to hoist (already declared).
    fn declare_names<'s>(&mut self, names: &[Ident], stmts: &'s [Stmt]) -> Vec<&'s Function> {
        let kinds = declaration_kinds(stmts);
        for id in names {
            let kind = kinds
                .get(id.name.as_str())
                .copied()
                .unwrap_or(BindingKind::Mutable);
            self.declare(id, kind);
        }
        let mut fns = Vec::new();
        for s in stmts {
            let s = match &s.kind {
                StmtKind::ExportDecl(inner) => inner,
                _ => s,
            };
            match &s.kind {
                StmtKind::Function(f) | StmtKind::ExportDefaultFunction(f) if f.name.is_some() => {
                    fns.push(&**f)
                }
                _ => {}
            }
        }
        fns
    }

    fn declare(&mut self, id: &Ident, kind: BindingKind) {
        let function = self.current_fn();
        let scope_idx = self.scopes.len() - 1;
        let key = self.scopes[scope_idx].key;
        if let Some(prev) = self.scopes[scope_idx].bindings.get(&id.name) {
            let (line, col) = self.file.line_col(prev.span.start);
            let d = Diagnostic::new(
                &self.file,
                DiagnosticKind::InvalidDeclaration,
                id.span,
                format!("`{}` is declared twice in the same scope", id.name),
            )
            .with_help(format!("the first declaration is at {line}:{col}"));
            self.push_diag(d);
            return;
        }
        let in_env = match key {
            None => self.scopes[scope_idx].has_env,
            Some(k) => self.captures.is_captured(k, &id.name),
        };
        let slot = if in_env {
            let scope = &mut self.scopes[scope_idx];
            let s = scope.env_size;
            scope.env_size += 1;
            scope.has_env = true;
            Slot::Env(s)
        } else {
            let f = &mut self.funcs[function];
            let s = f.frame_size;
            f.frame_size += 1;
            Slot::Frame(s)
        };
        self.scopes[scope_idx].bindings.insert(
            id.name.clone(),
            Binding {
                slot,
                kind,
                span: id.span,
            },
        );
    }

    fn hoisted_functions(&mut self, fns: &[&Function]) -> Vec<(ir::Place, u32)> {
        let mut out = Vec::new();
        for f in fns {
            let Some(name) = &f.name else { continue };
            let idx = self.function(f, None);
            if let Resolved::Var(place, _) = resolve(&self.scopes, self.current_fn(), &name.name) {
                out.push((place, idx));
            }
        }
        out
    }

    /// Opens a block scope with its declarations; returns the hoisted functions.
    fn open_scope(&mut self, key: ScopeKey, stmts: &[Stmt]) -> Vec<(ir::Place, u32)> {
        self.scopes.push(Scope {
            key: Some(key),
            bindings: HashMap::new(),
            env_size: 0,
            has_env: false,
            function: self.current_fn(),
        });
        let mut names = Vec::new();
        block_declarations(stmts, &mut names);
        // Whether the scope will have an environment must be known before any name
        // resolves through it: decide it from the captures first.
        let has_env = names
            .iter()
            .any(|n| self.captures.is_captured(key, &n.name));
        if let Some(s) = self.scopes.last_mut() {
            s.has_env = has_env;
        }
        let fns = self.declare_names(&names, stmts);
        self.hoisted_functions(&fns)
    }

    fn close_scope(&mut self) -> u32 {
        self.scopes.pop().map_or(0, |s| s.env_size)
    }

    // ------------------------------------------------------------ statements

    fn block(&mut self, span: Span, stmts: &[Stmt]) -> ir::Block {
        let hoisted = self.open_scope(ScopeKey::new(span, SCOPE_BLOCK), stmts);
        let mut body = Vec::new();
        for s in stmts {
            self.statement(s, &mut body);
        }
        let env_size = self.close_scope();
        ir::Block {
            env_size,
            hoisted,
            body,
        }
    }

    fn single(&mut self, s: &Stmt) -> ir::Stmt {
        let mut out = Vec::new();
        self.statement(s, &mut out);
        match out.len() {
            0 => ir::Stmt::Empty,
            1 => out.pop().unwrap_or(ir::Stmt::Empty),
            _ => ir::Stmt::Block(Box::new(ir::Block {
                env_size: 0,
                hoisted: Vec::new(),
                body: out,
            })),
        }
    }

    fn statement(&mut self, s: &Stmt, out: &mut Vec<ir::Stmt>) {
        if self.errors.is_full() {
            return;
        }
        match &s.kind {
            StmtKind::Expr(e) => {
                let e = self.expr(e);
                out.push(ir::Stmt::Expr(e));
            }
            StmtKind::Var(d) => self.var_decl(d, out),
            // Hoisted at scope entry.
            StmtKind::Function(_) | StmtKind::ExportDefaultFunction(_) => {}
            StmtKind::Block(stmts) => {
                let b = self.block(s.span, stmts);
                out.push(ir::Stmt::Block(Box::new(b)));
            }
            StmtKind::Empty
            | StmtKind::TypeOnly
            | StmtKind::ExportTypes(_)
            | StmtKind::Import(_) => {}
            StmtKind::If {
                branches,
                otherwise,
            } => {
                let branches = branches
                    .iter()
                    .map(|(t, b)| (self.expr(t), self.single(b)))
                    .collect();
                let otherwise = otherwise.as_ref().map(|o| Box::new(self.single(o)));
                out.push(ir::Stmt::If(branches, otherwise));
            }
            StmtKind::For {
                init,
                test,
                update,
                body,
            } => {
                let key = ScopeKey::new(s.span, SCOPE_LOOP);
                let mut names = Vec::new();
                if let Some(ForInit::Var(d)) = init {
                    // `var` belongs to the function: no binding per iteration.
                    if d.kind != VarKind::Var {
                        for (p, _) in &d.declarators {
                            pattern_names(p, &mut names);
                        }
                    }
                }
                self.scopes.push(Scope {
                    key: Some(key),
                    bindings: HashMap::new(),
                    env_size: 0,
                    has_env: names
                        .iter()
                        .any(|n| self.captures.is_captured(key, &n.name)),
                    function: self.current_fn(),
                });
                let kind = match init {
                    Some(ForInit::Var(d)) if d.kind == VarKind::Const => BindingKind::Const,
                    _ => BindingKind::Mutable,
                };
                for n in &names {
                    self.declare(n, kind);
                }
                let init = init.as_ref().map(|i| {
                    let mut v = Vec::new();
                    match i {
                        ForInit::Var(d) => self.var_decl(d, &mut v),
                        ForInit::Expr(e) => {
                            let e = self.expr(e);
                            v.push(ir::Stmt::Expr(e));
                        }
                    }
                    Box::new(if v.len() == 1 {
                        v.pop().unwrap_or(ir::Stmt::Empty)
                    } else {
                        ir::Stmt::Block(Box::new(ir::Block {
                            env_size: 0,
                            hoisted: Vec::new(),
                            body: v,
                        }))
                    })
                });
                let test = test.as_ref().map(|t| self.expr(t));
                let update = update.as_ref().map(|u| self.expr(u));
                let body = self.single(body);
                let env_size = self.close_scope();
                out.push(ir::Stmt::For(Box::new(ir::ForLoop {
                    env_size,
                    init,
                    test,
                    update,
                    body,
                })));
            }
            StmtKind::ForEach {
                of,
                left,
                right,
                body,
            } => {
                let iterable = self.expr(right);
                let key = ScopeKey::new(s.span, SCOPE_LOOP);
                let mut names = Vec::new();
                if let ForTarget::Var(kind, p) = left {
                    if *kind != VarKind::Var {
                        pattern_names(p, &mut names);
                    }
                }
                self.scopes.push(Scope {
                    key: Some(key),
                    bindings: HashMap::new(),
                    env_size: 0,
                    has_env: names
                        .iter()
                        .any(|n| self.captures.is_captured(key, &n.name)),
                    function: self.current_fn(),
                });
                let kind = match left {
                    ForTarget::Var(VarKind::Const, _) => BindingKind::Const,
                    _ => BindingKind::Mutable,
                };
                for n in &names {
                    self.declare(n, kind);
                }
                let target = match left {
                    ForTarget::Var(_, p) => self.binding_pattern(p),
                    ForTarget::Expr(e) => self.assign_pattern_from_expr(e),
                };
                let body = self.single(body);
                let env_size = self.close_scope();
                let site = self.site(right.span);
                out.push(ir::Stmt::ForEach(Box::new(ir::ForEach {
                    of: *of,
                    env_size,
                    target,
                    iterable,
                    body,
                    site,
                })));
            }
            StmtKind::While { test, body } => {
                let t = self.expr(test);
                let b = self.single(body);
                out.push(ir::Stmt::While(t, Box::new(b)));
            }
            StmtKind::DoWhile { body, test } => {
                let b = self.single(body);
                let t = self.expr(test);
                out.push(ir::Stmt::DoWhile(Box::new(b), t));
            }
            StmtKind::Switch {
                discriminant,
                cases,
            } => {
                let discriminant = self.expr(discriminant);
                let all: Vec<Stmt> = cases.iter().flat_map(|(_, b)| b.iter().cloned()).collect();
                let hoisted = self.open_scope(ScopeKey::new(s.span, SCOPE_SWITCH), &all);
                let mut body = Vec::new();
                let mut ir_cases = Vec::new();
                for (test, stmts) in cases {
                    let t = test.as_ref().map(|t| self.expr(t));
                    ir_cases.push((t, body.len()));
                    for st in stmts {
                        self.statement(st, &mut body);
                    }
                }
                let env_size = self.close_scope();
                out.push(ir::Stmt::Switch(Box::new(ir::Switch {
                    discriminant,
                    env_size,
                    hoisted,
                    cases: ir_cases,
                    body,
                })));
            }
            StmtKind::Try {
                block,
                handler,
                finalizer,
            } => {
                let b = self.block(capture::block_span(s.span, 0), block);
                let handler = handler.as_ref().map(|(param, body)| {
                    let key = ScopeKey::new(s.span, SCOPE_CATCH);
                    let mut names = Vec::new();
                    if let Some(p) = param {
                        pattern_names(p, &mut names);
                    }
                    self.scopes.push(Scope {
                        key: Some(key),
                        bindings: HashMap::new(),
                        env_size: 0,
                        has_env: names
                            .iter()
                            .any(|n| self.captures.is_captured(key, &n.name)),
                        function: self.current_fn(),
                    });
                    for n in &names {
                        self.declare(n, BindingKind::Mutable);
                    }
                    let p = param.as_ref().map(|p| self.binding_pattern(p));
                    let blk = self.block(capture::block_span(s.span, 1), body);
                    let env_size = self.close_scope();
                    (p, env_size, blk)
                });
                let finalizer = finalizer
                    .as_ref()
                    .map(|f| self.block(capture::block_span(s.span, 2), f));
                out.push(ir::Stmt::Try(Box::new(ir::Try {
                    block: b,
                    handler,
                    finalizer,
                })));
            }
            StmtKind::Return(e) => {
                let e = e.as_ref().map(|e| self.expr(e));
                out.push(ir::Stmt::Return(e));
            }
            StmtKind::Throw(e) => {
                let site = self.site(s.span);
                let e = self.expr(e);
                out.push(ir::Stmt::Throw(e, site));
            }
            StmtKind::Break(label) | StmtKind::Continue(label) => {
                let id = match label {
                    None => 0,
                    Some(l) => match self.labels.iter().rev().find(|(n, _)| *n == l.name) {
                        Some((_, id)) => *id,
                        None => {
                            let names: Vec<&str> =
                                self.labels.iter().map(|(n, _)| n.as_str()).collect();
                            let mut d = Diagnostic::new(
                                &self.file,
                                DiagnosticKind::UnknownIdentifier,
                                l.span,
                                format!("no enclosing statement is labeled `{}`", l.name),
                            );
                            if let Some(s) = suggest(&l.name, names.iter().copied()) {
                                d = d.with_help(format!("did you mean `{s}`?"));
                            }
                            self.push_diag(d);
                            0
                        }
                    },
                };
                out.push(if matches!(s.kind, StmtKind::Break(_)) {
                    ir::Stmt::Break(id)
                } else {
                    ir::Stmt::Continue(id)
                });
            }
            StmtKind::Labeled(label, body) => {
                self.label_count += 1;
                let id = self.label_count;
                self.labels.push((label.name.clone(), id));
                let inner = self.single(body);
                self.labels.pop();
                out.push(ir::Stmt::Labeled(id, Box::new(inner)));
            }
            StmtKind::Class(c) => {
                let Some(name) = &c.name else { return };
                let v = self.class(c);
                let p = self.binding_pattern(&Pattern::Ident(name.clone()));
                out.push(ir::Stmt::Let(p, Some(v)));
            }
            StmtKind::ExportDecl(inner) => self.statement(inner, out),
            StmtKind::ExportDefault(_)
            | StmtKind::ExportNamed { .. }
            | StmtKind::ExportAll { .. } => {
                self.error(
                    DiagnosticKind::Syntax,
                    s.span,
                    "exports are only allowed at the top level of a file",
                );
            }
        }
    }

    fn var_decl(&mut self, d: &VarDecl, out: &mut Vec<ir::Stmt>) {
        for (pattern, init) in &d.declarators {
            if d.kind == VarKind::Const && init.is_none() {
                self.error(
                    DiagnosticKind::InvalidDeclaration,
                    pattern.span(),
                    "a `const` needs a value",
                );
            }
            // `var x;` declares only (the function's scope already has `x`): run
            // again in a loop, it must not reset `x`.
            if d.kind == VarKind::Var && init.is_none() {
                continue;
            }
            // Name a function after the variable it is assigned to (`fn.name`).
            let init = init.as_ref().map(|e| match (&e.kind, pattern) {
                (ExprKind::Function(f), Pattern::Ident(id)) if f.name.is_none() => {
                    ir::Expr::Closure(self.function(f, Some(&id.name)))
                }
                _ => self.expr(e),
            });
            let p = self.binding_pattern(pattern);
            out.push(ir::Stmt::Let(p, init));
        }
    }

    // ------------------------------------------------------------ patterns

    fn binding_pattern(&mut self, p: &Pattern) -> ir::Pattern {
        match p {
            Pattern::Ident(id) => match resolve(&self.scopes, self.current_fn(), &id.name) {
                Resolved::Var(place, _) => ir::Pattern::Place(place),
                _ => {
                    self.error(
                        DiagnosticKind::UnknownIdentifier,
                        id.span,
                        format!("internal: `{}` is not declared in its scope", id.name),
                    );
                    ir::Pattern::Place(ir::Place::Local(0))
                }
            },
            Pattern::Object { props, rest, span } => {
                let props = props
                    .iter()
                    .map(|prop| {
                        let key = self.key(&prop.key);
                        let value = self.binding_pattern(&prop.value);
                        let default = prop.default.as_ref().map(|d| self.expr(d));
                        (key, value, default)
                    })
                    .collect();
                let rest = rest.as_ref().map(|r| Box::new(self.binding_pattern(r)));
                let site = self.site(*span);
                ir::Pattern::Object { props, rest, site }
            }
            Pattern::Array { elems, rest, span } => {
                let elems = elems
                    .iter()
                    .map(|e| {
                        e.as_ref().map(|(p, d)| {
                            let p = self.binding_pattern(p);
                            let d = d.as_ref().map(|d| self.expr(d));
                            (p, d)
                        })
                    })
                    .collect();
                let rest = rest.as_ref().map(|r| Box::new(self.binding_pattern(r)));
                let site = self.site(*span);
                ir::Pattern::Array { elems, rest, site }
            }
            Pattern::Expr(e) => self.assign_pattern_from_expr(e),
        }
    }

    /// A pattern of an assignment (`[a, b] = …`, `for (o.k of …)`): names must be
    /// assignable variables.
    fn assign_pattern(&mut self, p: &Pattern) -> ir::Pattern {
        match p {
            Pattern::Ident(id) => match self.target_place(id) {
                Some(place) => ir::Pattern::Place(place),
                None => ir::Pattern::Place(ir::Place::Local(0)),
            },
            Pattern::Object { props, rest, span } => {
                let props = props
                    .iter()
                    .map(|prop| {
                        let key = self.key(&prop.key);
                        let value = self.assign_pattern(&prop.value);
                        let default = prop.default.as_ref().map(|d| self.expr(d));
                        (key, value, default)
                    })
                    .collect();
                let rest = rest.as_ref().map(|r| Box::new(self.assign_pattern(r)));
                let site = self.site(*span);
                ir::Pattern::Object { props, rest, site }
            }
            Pattern::Array { elems, rest, span } => {
                let elems = elems
                    .iter()
                    .map(|e| {
                        e.as_ref().map(|(p, d)| {
                            let p = self.assign_pattern(p);
                            let d = d.as_ref().map(|d| self.expr(d));
                            (p, d)
                        })
                    })
                    .collect();
                let rest = rest.as_ref().map(|r| Box::new(self.assign_pattern(r)));
                let site = self.site(*span);
                ir::Pattern::Array { elems, rest, site }
            }
            Pattern::Expr(e) => self.assign_pattern_from_expr(e),
        }
    }

    fn assign_pattern_from_expr(&mut self, e: &Expr) -> ir::Pattern {
        match &e.kind {
            ExprKind::Ident(name) => {
                let id = Ident {
                    name: name.clone(),
                    span: e.span,
                };
                match self.target_place(&id) {
                    Some(place) => ir::Pattern::Place(place),
                    None => ir::Pattern::Place(ir::Place::Local(0)),
                }
            }
            _ => {
                let t = self.target(e);
                ir::Pattern::Target(Box::new(match t {
                    ir::Target::Member(o, k, site) => ir::Expr::Member {
                        object: o,
                        key: k,
                        optional: false,
                        site,
                    },
                    ir::Target::Index(o, i, site) => ir::Expr::Index {
                        object: o,
                        index: i,
                        optional: false,
                        site,
                    },
                    ir::Target::Place(p) => ir::Expr::Load(p),
                    ir::Target::Private(o, k, site) => ir::Expr::GetPrivate(o, k, site),
                }))
            }
        }
    }

    /// The place of an assignable variable, or an error.
    fn target_place(&mut self, id: &Ident) -> Option<ir::Place> {
        match resolve(&self.scopes, self.current_fn(), &id.name) {
            Resolved::Var(place, b) => {
                if b.kind != BindingKind::Mutable {
                    let (line, col) = self.file.line_col(b.span.start);
                    let d = Diagnostic::new(
                        &self.file,
                        DiagnosticKind::InvalidDeclaration,
                        id.span,
                        format!("cannot assign to `{}`: it is a constant", id.name),
                    )
                    .with_help(format!(
                        "declared at {line}:{col}; declare it with `let` to change it"
                    ));
                    self.push_diag(d);
                    return None;
                }
                Some(place)
            }
            Resolved::Unreachable => {
                self.error(
                    DiagnosticKind::UnknownIdentifier,
                    id.span,
                    format!("internal: `{}` is not reachable here", id.name),
                );
                None
            }
            Resolved::NotFound => {
                self.unknown_name(&id.name, id.span);
                None
            }
        }
    }

    fn key(&mut self, k: &PropKey) -> ir::Key {
        match k {
            PropKey::Named(n, _) => ir::Key::Static(self.atom(n)),
            PropKey::Computed(e) => ir::Key::Computed(Box::new(self.expr(e))),
        }
    }

    fn target(&mut self, e: &Expr) -> ir::Target {
        match &e.kind {
            ExprKind::Ident(name) => {
                let id = Ident {
                    name: name.clone(),
                    span: e.span,
                };
                ir::Target::Place(self.target_place(&id).unwrap_or(ir::Place::Local(0)))
            }
            ExprKind::Member {
                object,
                name,
                name_span,
                ..
            } => {
                let o = self.expr(object);
                let k = self.atom(name);
                let site = self.site(*name_span);
                if name.starts_with('#') {
                    return ir::Target::Private(Box::new(o), k, site);
                }
                ir::Target::Member(Box::new(o), k, site)
            }
            ExprKind::Index { object, index, .. } => {
                let o = self.expr(object);
                let i = self.expr(index);
                let site = self.site(e.span);
                ir::Target::Index(Box::new(o), Box::new(i), site)
            }
            _ => {
                self.error(DiagnosticKind::Syntax, e.span, "invalid assignment target");
                ir::Target::Place(ir::Place::Local(0))
            }
        }
    }

    // ------------------------------------------------------------ functions

    fn function(&mut self, f: &Function, name: Option<&str>) -> u32 {
        let key = ScopeKey::new(f.span, SCOPE_FUNCTION);
        let method = self.next_method.take();
        self.funcs.push(FnState {
            frame_size: 0,
            arrow: f.is_arrow,
            constructor: f.constructor,
            method: if f.constructor == Constructor::No {
                method
            } else {
                Some(false)
            },
        });
        let specials: &[&'static str] = if f.is_arrow {
            &[]
        } else {
            &["this", "arguments"]
        };
        let mut names = Vec::new();
        for p in &f.params {
            pattern_names(&p.pattern, &mut names);
        }
        if let Some(r) = &f.rest {
            pattern_names(r, &mut names);
        }
        let body_stmts: &[Stmt] = match &f.body {
            FunctionBody::Block(stmts) => stmts,
            FunctionBody::Expr(_) => &[],
        };
        let mut body_names = Vec::new();
        block_declarations(body_stmts, &mut body_names);
        let mut vars = Vec::new();
        var_declarations(body_stmts, &mut vars);
        body_names.extend(
            vars.into_iter()
                .filter(|v| !body_names.iter().any(|n| n.name == v.name))
                .collect::<Vec<_>>(),
        );
        let has_env = names
            .iter()
            .chain(body_names.iter())
            .any(|n| self.captures.is_captured(key, &n.name))
            || specials.iter().any(|n| self.captures.is_captured(key, n));
        self.scopes.push(Scope {
            key: Some(key),
            bindings: HashMap::new(),
            env_size: 0,
            has_env,
            function: self.current_fn(),
        });
        // `this` and `arguments`, when the body uses them.
        let mut special_places = [None, None];
        for (i, special) in specials.iter().enumerate() {
            if self.captures.uses(key, special) {
                let id = Ident {
                    name: (*special).to_owned(),
                    span: f.span,
                };
                self.declare(&id, BindingKind::Const);
                if let Resolved::Var(place, _) = resolve(&self.scopes, self.current_fn(), special) {
                    special_places[i] = Some(place);
                }
            }
        }
        for n in &names {
            // A parameter may be redeclared by `var` in the body; JavaScript allows it.
            if !self
                .scopes
                .last()
                .is_some_and(|s| s.bindings.contains_key(&n.name))
            {
                self.declare(n, BindingKind::Mutable);
            } else {
                self.error(
                    DiagnosticKind::InvalidDeclaration,
                    n.span,
                    format!("duplicate parameter `{}`", n.name),
                );
            }
        }
        let body_names: Vec<Ident> = body_names
            .into_iter()
            .filter(|n| !names.iter().any(|p| p.name == n.name))
            .collect();
        let fns = self.declare_names(&body_names, body_stmts);
        let params: Vec<ir::Param> = f
            .params
            .iter()
            .map(|p| {
                let pattern = self.binding_pattern(&p.pattern);
                let default = p.default.as_ref().map(|d| self.expr(d));
                ir::Param { pattern, default }
            })
            .collect();
        let rest = f.rest.as_ref().map(|r| self.binding_pattern(r));
        let hoisted = self.hoisted_functions(&fns);
        let body = match &f.body {
            FunctionBody::Block(stmts) => {
                let mut out = Vec::new();
                for s in stmts {
                    self.statement(s, &mut out);
                }
                ir::Body::Block(out)
            }
            FunctionBody::Expr(e) => ir::Body::Expr(self.expr(e)),
        };
        let env_size = self.close_scope();
        let frame_size = self.funcs.pop().map_or(0, |f| f.frame_size);
        let name = f
            .name
            .as_ref()
            .map(|n| n.name.as_str())
            .or(name)
            .map(|n| self.string_value(n))
            .and_then(|v| match v {
                Value::Str(s) => Some(s),
                _ => None,
            });
        let site = self.site(Span::new(f.span.start, f.span.start + 1));
        let arity = f.params.iter().take_while(|p| p.default.is_none()).count() as u32;
        let kind = match (f.is_arrow, f.constructor) {
            (true, _) => ir::FuncKind::Arrow,
            (false, Constructor::No) => ir::FuncKind::Normal,
            (false, Constructor::Base) => ir::FuncKind::BaseConstructor,
            (false, Constructor::Derived) => ir::FuncKind::DerivedConstructor,
        };
        self.b.functions.push(ir::FuncCode {
            this_place: special_places[0],
            arguments_place: special_places[1],
            kind,
            name,
            params,
            rest,
            body,
            frame_size,
            env_size,
            hoisted,
            is_async: f.is_async,
            site,
            arity,
        });
        (self.b.functions.len() - 1) as u32
    }

    // ------------------------------------------------------------ expressions

    fn items(&mut self, items: &[ArrayItem]) -> Vec<ir::Item> {
        items
            .iter()
            .map(|i| match i {
                ArrayItem::Item(e) => ir::Item::Value(self.expr(e)),
                ArrayItem::Spread(e) => {
                    let site = self.site(e.span);
                    ir::Item::Spread(self.expr(e), site)
                }
                ArrayItem::Hole => ir::Item::Value(ir::Expr::Const(Value::Undefined)),
            })
            .collect()
    }

    fn unknown_name(&mut self, name: &str, span: Span) {
        if self.errors.is_full() {
            // Past the cap, an error is only counted: locating it and matching the name
            // against every name in scope would cost each of thousands of them a scan.
            self.errors.omit();
            return;
        }
        if let Some(help) = table::unsupported_global(name) {
            self.push_diag(
                Diagnostic::new(
                    &self.file,
                    DiagnosticKind::Unsupported,
                    span,
                    format!("`{name}` is not available"),
                )
                .with_help(help),
            );
            return;
        }
        if table::RUNTIME_EXPORTS.iter().any(|(n, _)| *n == name) {
            self.push_diag(
                Diagnostic::new(
                    &self.file,
                    DiagnosticKind::UnknownIdentifier,
                    span,
                    format!("`{name}` is not imported"),
                )
                .with_help(format!("import {{ {name} }} from '@gitbook/runtime';")),
            );
            return;
        }
        let mut candidates: Vec<String> = self
            .scopes
            .iter()
            .flat_map(|s| s.bindings.keys().cloned())
            .filter(|n| !n.starts_with('*'))
            .collect();
        candidates.extend(table::GLOBALS.iter().map(|g| g.name.to_owned()));
        let s = suggest(name, candidates.iter().map(String::as_str)).map(str::to_owned);
        let d = Diagnostic::new(
            &self.file,
            DiagnosticKind::UnknownIdentifier,
            span,
            format!("unknown name `{name}`"),
        )
        .with_suggestion(s.as_deref());
        self.push_diag(d);
    }

    /// A name used as a value.
    fn ident(&mut self, name: &str, span: Span) -> ir::Expr {
        match resolve(&self.scopes, self.current_fn(), name) {
            Resolved::Var(
                _,
                Binding {
                    kind: BindingKind::TypeOnly,
                    ..
                },
            ) => {
                self.push_diag(
                    Diagnostic::new(
                        &self.file,
                        DiagnosticKind::UnknownIdentifier,
                        span,
                        format!("`{name}` is a type of @gitbook/runtime, not a value"),
                    )
                    .with_help("use it in type positions only"),
                );
                ir::Expr::Const(Value::Undefined)
            }
            Resolved::Var(
                _,
                b @ Binding {
                    kind: BindingKind::Package,
                    ..
                },
            ) => {
                // Reported once, at the import (`package_import_errors`).
                self.value_reads.insert(b.span);
                ir::Expr::Const(Value::Undefined)
            }
            Resolved::Var(place, b) => {
                self.value_reads.insert(b.span);
                ir::Expr::Load(place)
            }
            Resolved::Unreachable => {
                self.error(
                    DiagnosticKind::UnknownIdentifier,
                    span,
                    format!("internal: `{name}` is not reachable here"),
                );
                ir::Expr::Const(Value::Undefined)
            }
            Resolved::NotFound => {
                if let Some((id, def)) = table::global(name) {
                    return match def.value {
                        Some(GlobalValue::Undefined) => ir::Expr::Const(Value::Undefined),
                        Some(GlobalValue::Number(x)) => ir::Expr::Const(Value::Num(x)),
                        None => {
                            let v = self.b.global_value(id);
                            ir::Expr::Const(self.mem(v))
                        }
                    };
                }
                if self.implicit_runtime {
                    if let Some((_, export)) =
                        table::RUNTIME_EXPORTS.iter().find(|(n, _)| *n == name)
                    {
                        let native = match export {
                            RuntimeExport::Fn(n) | RuntimeExport::Class(n) => *n,
                        };
                        let v = self.b.native_value(native);
                        return ir::Expr::Const(self.mem(v));
                    }
                }
                self.unknown_name(name, span);
                ir::Expr::Const(Value::Undefined)
            }
        }
    }

    /// The global a name refers to, when it is not shadowed.
    fn global_of(&self, e: &Expr) -> Option<(u16, &'static table::GlobalDef)> {
        let ExprKind::Ident(name) = &e.kind else {
            return None;
        };
        match resolve(&self.scopes, self.current_fn(), name) {
            Resolved::NotFound => table::global(name),
            _ => None,
        }
    }

    /// The runtime export a name refers to (an import of `@gitbook/runtime`, or
    /// implicitly in `.ckx` files).
    fn runtime_of(&self, e: &Expr) -> Option<RuntimeExport> {
        let ExprKind::Ident(name) = &e.kind else {
            return None;
        };
        match resolve(&self.scopes, self.current_fn(), name) {
            Resolved::Var(
                _,
                Binding {
                    kind: BindingKind::Runtime(r),
                    ..
                },
            ) => Some(r),
            Resolved::NotFound if self.implicit_runtime => table::RUNTIME_EXPORTS
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, r)| *r),
            _ => None,
        }
    }

    fn static_member(
        &mut self,
        g: &'static table::GlobalDef,
        name: &str,
        span: Span,
    ) -> Option<table::Static> {
        match g.statics.iter().find(|(n, _)| *n == name) {
            Some((_, s)) => Some(*s),
            None => {
                let s = suggest(name, g.statics.iter().map(|(n, _)| *n));
                let d = Diagnostic::new(
                    &self.file,
                    DiagnosticKind::UnknownFunction,
                    span,
                    format!("`{}.{name}` is not supported", g.name),
                )
                .with_suggestion_or(
                    s,
                    format!(
                        "{} has {}",
                        g.name,
                        g.statics
                            .iter()
                            .map(|(n, _)| *n)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                self.push_diag(d);
                None
            }
        }
    }

    fn check_method(&mut self, name: &str, span: Span) {
        if let Some(help) = table::unsupported_method(name) {
            self.push_diag(
                Diagnostic::new(
                    &self.file,
                    DiagnosticKind::UnknownFunction,
                    span,
                    format!("`.{name}()` is not supported"),
                )
                .with_help(help),
            );
            return;
        }
        let known = table::STRING_METHODS
            .iter()
            .chain(table::ARRAY_METHODS)
            .chain(table::NUMBER_METHODS)
            .chain(table::OTHER_METHODS);
        if known.clone().any(|m| *m == name) || self.b.defined_names.contains(name) {
            return;
        }
        if let Some(s) = suggest(name, known.copied()) {
            let d = Diagnostic::new(
                &self.file,
                DiagnosticKind::UnknownFunction,
                span,
                format!("unknown method `.{name}()`"),
            )
            .with_suggestion(Some(s));
            self.push_diag(d);
        }
    }

    fn expr(&mut self, e: &Expr) -> ir::Expr {
        match &e.kind {
            ExprKind::Ident(name) => self.ident(name, e.span),
            ExprKind::Null => ir::Expr::Const(Value::Null),
            ExprKind::Bool(b) => ir::Expr::Const(Value::Bool(*b)),
            ExprKind::Number(n) => ir::Expr::Const(Value::Num(*n)),
            ExprKind::String(s) => ir::Expr::Const(self.string_value(s)),
            ExprKind::Template(quasis, exprs) => {
                let q = quasis
                    .iter()
                    .map(|s| match self.string_value(s) {
                        Value::Str(id) => id,
                        _ => crate::lang::value::StrId(0),
                    })
                    .collect();
                let xs = exprs.iter().map(|x| self.expr(x)).collect();
                ir::Expr::Template(q, xs)
            }
            ExprKind::Regex { pattern, flags } => {
                let site = self.site(e.span);
                if let Err(message) = crate::lang::builtins::regexp::validate(pattern, flags) {
                    self.push_diag(
                        Diagnostic::new(&self.file, DiagnosticKind::Unsupported, e.span, message)
                            .with_help(
                                "regular expressions follow JavaScript's syntax (as V8 reads it)",
                            ),
                    );
                }
                self.b.regexes.push(RegexSource {
                    pattern: pattern.clone(),
                    flags: flags.clone(),
                    site,
                });
                ir::Expr::Regex((self.b.regexes.len() - 1) as u32)
            }
            ExprKind::Array(items) => ir::Expr::Array(self.items(items)),
            ExprKind::Object(members)
                if members
                    .iter()
                    .any(|m| matches!(m, ObjectMember::Accessor(..))) =>
            {
                let mut parts = Vec::with_capacity(members.len());
                for m in members {
                    match m {
                        ObjectMember::Accessor(key, kind, f) => {
                            let k = self.key(key);
                            let code = self.function(f, None);
                            parts.push(ir::ObjectPart::Accessor {
                                key: k,
                                getter: *kind == MethodKind::Getter,
                                code,
                            });
                        }
                        ObjectMember::Prop(key, value) => {
                            let v = self.expr(value);
                            let k = self.key(key);
                            parts.push(ir::ObjectPart::Member(ir::Member::Prop(k, v)));
                        }
                        ObjectMember::Spread(x) => {
                            let v = self.expr(x);
                            parts.push(ir::ObjectPart::Member(ir::Member::Spread(v)));
                        }
                        ObjectMember::ShorthandDefault(id, _) => {
                            self.error(
                                DiagnosticKind::Syntax,
                                id.span,
                                "`name = value` is only valid in a destructuring pattern",
                            );
                        }
                    }
                }
                ir::Expr::ObjectWithAccessors(parts)
            }
            ExprKind::Object(members) => {
                let mut out = Vec::with_capacity(members.len());
                for m in members {
                    match m {
                        ObjectMember::Accessor(..) => {}
                        ObjectMember::Prop(key, value) => {
                            let v = match (&value.kind, key) {
                                (ExprKind::Function(f), PropKey::Named(n, _))
                                    if f.name.is_none() =>
                                {
                                    ir::Expr::Closure(self.function(f, Some(n)))
                                }
                                _ => self.expr(value),
                            };
                            let k = self.key(key);
                            out.push(ir::Member::Prop(k, v));
                        }
                        ObjectMember::Spread(x) => out.push(ir::Member::Spread(self.expr(x))),
                        ObjectMember::ShorthandDefault(id, _) => {
                            self.error(
                                DiagnosticKind::Syntax,
                                id.span,
                                "`name = value` is only valid in a destructuring pattern",
                            );
                        }
                    }
                }
                ir::Expr::Object(out)
            }
            ExprKind::Function(f) => ir::Expr::Closure(self.function(f, None)),
            ExprKind::Jsx(el) => {
                let place = if std::mem::take(&mut self.root_pending) {
                    ElPlace::Root
                } else {
                    ElPlace::Nested
                };
                self.jsx(el, e.span, place)
            }
            ExprKind::Unary(op, x) => {
                let site = self.site(e.span);
                if *op == UnaryOp::Delete {
                    let t = self.target(x);
                    return ir::Expr::Delete(Box::new(t));
                }
                ir::Expr::Unary(*op, Box::new(self.expr(x)), site)
            }
            ExprKind::Update {
                increment,
                prefix,
                target,
            } => {
                let site = self.site(e.span);
                let t = self.target(target);
                ir::Expr::Update {
                    target: Box::new(t),
                    increment: *increment,
                    prefix: *prefix,
                    site,
                }
            }
            ExprKind::Binary(op, a, b) => {
                let site = self.site(e.span);
                ir::Expr::Binary(*op, Box::new(self.expr(a)), Box::new(self.expr(b)), site)
            }
            ExprKind::Logical(op, a, b) => {
                ir::Expr::Logical(*op, Box::new(self.expr(a)), Box::new(self.expr(b)))
            }
            ExprKind::Chain(first, links) => {
                let first = self.expr(first);
                let links = links
                    .iter()
                    .map(|l| {
                        let site = self.site(l.op_span);
                        (l.op, self.expr(&l.right), site)
                    })
                    .collect();
                ir::Expr::Chain(Box::new(first), links)
            }
            ExprKind::Conditional(a, b, c) => ir::Expr::Cond(
                Box::new(self.expr(a)),
                Box::new(self.expr(b)),
                Box::new(self.expr(c)),
            ),
            ExprKind::Assign(op, target, value) => self.assign(*op, target, value, e.span),
            ExprKind::Member {
                object,
                name,
                name_span,
                optional,
            } => {
                if let Some((_, g)) = self.global_of(object) {
                    if !*optional {
                        return match self.static_member(g, name, *name_span) {
                            Some(table::Static::Num(x)) => ir::Expr::Const(Value::Num(x)),
                            Some(table::Static::Fn(n)) => {
                                let v = self.b.native_value(n);
                                ir::Expr::Const(self.mem(v))
                            }
                            None => ir::Expr::Const(Value::Undefined),
                        };
                    }
                }
                let o = self.expr(object);
                let key = self.atom(name);
                let site = self.site(*name_span);
                if name.starts_with('#') {
                    return ir::Expr::GetPrivate(Box::new(o), key, site);
                }
                ir::Expr::Member {
                    object: Box::new(o),
                    key,
                    optional: *optional,
                    site,
                }
            }
            ExprKind::Index {
                object,
                index,
                optional,
            } => {
                let site = self.site(e.span);
                let o = self.expr(object);
                // `o["name"]` reads like `o.name`.
                if let ExprKind::String(s) = &index.kind {
                    let key = self.atom(s);
                    return ir::Expr::Member {
                        object: Box::new(o),
                        key,
                        optional: *optional,
                        site,
                    };
                }
                let i = self.expr(index);
                ir::Expr::Index {
                    object: Box::new(o),
                    index: Box::new(i),
                    optional: *optional,
                    site,
                }
            }
            ExprKind::Call {
                callee,
                args,
                optional,
            } => self.call(callee, args, *optional, e.span),
            ExprKind::New { callee, args } => {
                let site = self.site(e.span);
                let args = self.items(args);
                if let Some((_, g)) = self.global_of(callee) {
                    return match g.construct {
                        Some(n) => ir::Expr::NewNative {
                            native: n.id(),
                            args,
                            site,
                        },
                        None => {
                            let message = format!("`new {}` is not supported", g.name);
                            if g.name == "Promise" {
                                // Promises come from async functions: nothing here
                                // settles a promise later (no timers, no callbacks).
                                let d = Diagnostic::new(
                                    &self.file,
                                    DiagnosticKind::UnknownFunction,
                                    callee.span,
                                    message,
                                )
                                .with_help("use an async function, Promise.resolve(value) or Promise.reject(error)");
                                self.push_diag(d);
                            } else {
                                self.error(DiagnosticKind::UnknownFunction, callee.span, message);
                            }
                            ir::Expr::Const(Value::Undefined)
                        }
                    };
                }
                if let Some(RuntimeExport::Class(n)) = self.runtime_of(callee) {
                    return ir::Expr::NewNative {
                        native: n.id(),
                        args,
                        site,
                    };
                }
                let c = self.expr(callee);
                ir::Expr::New {
                    callee: Box::new(c),
                    args,
                    site,
                }
            }
            ExprKind::OptionalChain(x) => ir::Expr::OptionalChain(Box::new(self.expr(x))),
            ExprKind::Await(x) => {
                let site = self.site(e.span);
                ir::Expr::Await(Box::new(self.expr(x)), site)
            }
            ExprKind::Sequence(xs) => ir::Expr::Sequence(xs.iter().map(|x| self.expr(x)).collect()),
            ExprKind::Unsupported(_) => ir::Expr::Const(Value::Undefined),
            ExprKind::This => match resolve(&self.scopes, self.current_fn(), "this") {
                Resolved::Var(place, _) => ir::Expr::Load(place),
                // Outside any function (modules are strict): `undefined`.
                _ => ir::Expr::Const(Value::Undefined),
            },
            ExprKind::Class(c) => self.class(c),
            ExprKind::SuperCall(args) => {
                let site = self.site(e.span);
                let in_derived = self
                    .enclosing_function()
                    .is_some_and(|f| f.constructor == Constructor::Derived);
                let places = self.super_places();
                let args = self.items(args);
                match (in_derived, places) {
                    (true, Some((class, this))) => ir::Expr::SuperCall {
                        class,
                        this,
                        args,
                        site,
                    },
                    _ => {
                        self.push_diag(
                            Diagnostic::new(
                                &self.file,
                                DiagnosticKind::Syntax,
                                e.span,
                                "`super(…)` is only valid in the constructor of a class that extends another",
                            )
                            .with_help("add `extends Parent` to the class, or remove the call"),
                        );
                        ir::Expr::Const(Value::Undefined)
                    }
                }
            }
            ExprKind::SuperMember { name, name_span } => self.super_get(name, *name_span, e.span),
            ExprKind::TaggedTemplate {
                tag,
                cooked,
                raw,
                exprs,
            } => self.tagged_template(tag, cooked, raw, exprs, e.span),
            ExprKind::DefineField {
                key,
                private,
                value,
            } => {
                let site = self.site(e.span);
                let k = self.key(key);
                let v = self.expr(value);
                match resolve(&self.scopes, self.current_fn(), "this") {
                    Resolved::Var(this, _) => ir::Expr::DefineField {
                        this,
                        key: k,
                        private: *private,
                        value: Box::new(v),
                        site,
                    },
                    _ => ir::Expr::Const(Value::Undefined),
                }
            }
        }
    }

    /// The innermost function that is not an arrow: whose `this` and `super` an
    /// expression sees.
    fn enclosing_function(&self) -> Option<&FnState> {
        self.funcs.iter().skip(1).rev().find(|f| !f.arrow)
    }

    /// Where `super` finds the class and `this`.
    fn super_places(&self) -> Option<(ir::Place, ir::Place)> {
        let class = match resolve(&self.scopes, self.current_fn(), CLASS_BINDING) {
            Resolved::Var(p, _) => p,
            _ => return None,
        };
        match resolve(&self.scopes, self.current_fn(), "this") {
            Resolved::Var(p, _) => Some((class, p)),
            _ => None,
        }
    }

    /// `super.name`.
    fn super_get(&mut self, name: &str, name_span: Span, span: Span) -> ir::Expr {
        let site = self.site(name_span);
        let is_static = self.enclosing_function().and_then(|f| f.method);
        match (is_static, self.super_places()) {
            (Some(is_static), Some((class, this))) => {
                let key = self.atom(name);
                ir::Expr::SuperGet {
                    class,
                    this,
                    key,
                    is_static,
                    site,
                }
            }
            _ => {
                self.error(
                    DiagnosticKind::Syntax,
                    span,
                    "`super.name` is only valid in the methods of a class",
                );
                ir::Expr::Const(Value::Undefined)
            }
        }
    }

    /// A class: its scope holds the class itself (for `super`) and its inner name.
    fn class(&mut self, c: &Class) -> ir::Expr {
        let site = self.site(Span::new(c.span.start, c.span.start + 5));
        let extends = c.extends.as_ref().map(|e| self.expr(e));
        let key = ScopeKey::new(c.span, SCOPE_CLASS);
        let mut names = vec![Ident {
            name: CLASS_BINDING.to_owned(),
            span: c.span,
        }];
        names.extend(c.name.clone());
        let has_env = names
            .iter()
            .any(|n| self.captures.is_captured(key, &n.name));
        self.scopes.push(Scope {
            key: Some(key),
            bindings: HashMap::new(),
            env_size: 0,
            has_env,
            function: self.current_fn(),
        });
        for n in &names {
            self.declare(n, BindingKind::Const);
        }
        let class_name = c.name.as_ref().map(|n| n.name.clone());
        let constructor = self.function(&c.constructor, class_name.as_deref());
        let mut methods = Vec::with_capacity(c.methods.len());
        for m in &c.methods {
            let key = self.key(&m.key);
            self.next_method = Some(m.is_static);
            let code = self.function(&m.function, None);
            methods.push(ir::ClassMethodCode {
                key,
                is_static: m.is_static,
                kind: m.kind,
                code,
            });
        }
        let statics = c.statics.as_ref().map(|f| {
            self.next_method = Some(true);
            self.function(f, None)
        });
        let place_of = |l: &Self, n: &str| match resolve(&l.scopes, l.current_fn(), n) {
            Resolved::Var(p, _) => Some(p),
            _ => None,
        };
        let class_place = place_of(self, CLASS_BINDING);
        let name_place = class_name.as_deref().and_then(|n| place_of(self, n));
        let env_size = self.close_scope();
        ir::Expr::Class(Box::new(ir::ClassCode {
            env_size,
            extends,
            constructor,
            methods,
            statics,
            class_place,
            name_place,
            site,
        }))
    }

    /// ``tag`…` ``: the tag called with the strings (cooked, with `raw`) and the
    /// substitutions.
    fn tagged_template(
        &mut self,
        tag: &Expr,
        cooked: &[Option<String>],
        raw: &[String],
        exprs: &[Expr],
        span: Span,
    ) -> ir::Expr {
        let site = self.site(span);
        let id = |l: &mut Self, s: &str| match l.string_value(s) {
            Value::Str(id) => id,
            _ => crate::lang::value::StrId(0),
        };
        let cooked = cooked
            .iter()
            .map(|c| c.as_deref().map(|s| id(self, s)))
            .collect();
        let raw = raw.iter().map(|s| id(self, s)).collect();
        let strings = ir::Expr::TemplateStrings(cooked, raw);
        let mut args = vec![ir::Item::Value(strings)];
        args.extend(exprs.iter().map(|x| ir::Item::Value(self.expr(x))));
        if let ExprKind::Member {
            object,
            name,
            name_span,
            ..
        } = &tag.kind
        {
            if let Some((_, g)) = self.global_of(object) {
                if let Some(table::Static::Fn(n)) = self.static_member(g, name, *name_span) {
                    return ir::Expr::CallNative {
                        native: n.id(),
                        args,
                        site,
                    };
                }
                return ir::Expr::Const(Value::Undefined);
            }
            let o = self.expr(object);
            let key = self.atom(name);
            return ir::Expr::CallMethod {
                object: Box::new(o),
                key,
                args,
                optional_object: false,
                optional_call: false,
                site,
            };
        }
        let callee = self.expr(tag);
        self.b
            .callee_texts
            .insert(site, callee_text(tag).into_boxed_str());
        ir::Expr::Call {
            callee: Box::new(callee),
            args,
            optional: false,
            site,
        }
    }

    fn assign(&mut self, op: AssignOp, target: &Pattern, value: &Expr, span: Span) -> ir::Expr {
        let site = self.site(span);
        match op {
            AssignOp::Assign => match target {
                Pattern::Ident(_) | Pattern::Expr(_) => {
                    let t = match target {
                        Pattern::Ident(id) => {
                            ir::Target::Place(self.target_place(id).unwrap_or(ir::Place::Local(0)))
                        }
                        Pattern::Expr(e) => self.target(e),
                        _ => ir::Target::Place(ir::Place::Local(0)),
                    };
                    let v = self.expr(value);
                    ir::Expr::Assign(Box::new(t), Box::new(v))
                }
                _ => {
                    let v = self.expr(value);
                    let p = self.assign_pattern(target);
                    ir::Expr::AssignPattern(Box::new(p), Box::new(v))
                }
            },
            AssignOp::Binary(_) | AssignOp::Logical(_)
                if !matches!(target, Pattern::Ident(_) | Pattern::Expr(_)) =>
            {
                self.error(
                    DiagnosticKind::Syntax,
                    span,
                    "invalid compound assignment target",
                );
                ir::Expr::Const(Value::Undefined)
            }
            AssignOp::Binary(b) => {
                let t = match target {
                    Pattern::Ident(id) => {
                        ir::Target::Place(self.target_place(id).unwrap_or(ir::Place::Local(0)))
                    }
                    Pattern::Expr(e) => self.target(e),
                    _ => ir::Target::Place(ir::Place::Local(0)),
                };
                let v = self.expr(value);
                ir::Expr::AssignOp(b, Box::new(t), Box::new(v), site)
            }
            AssignOp::Logical(l) => {
                let t = match target {
                    Pattern::Ident(id) => {
                        ir::Target::Place(self.target_place(id).unwrap_or(ir::Place::Local(0)))
                    }
                    Pattern::Expr(e) => self.target(e),
                    _ => ir::Target::Place(ir::Place::Local(0)),
                };
                let v = self.expr(value);
                ir::Expr::AssignLogical(l, Box::new(t), Box::new(v))
            }
        }
    }

    fn call(&mut self, callee: &Expr, args: &[ArrayItem], optional: bool, span: Span) -> ir::Expr {
        let site = self.site(span);
        // `super.method(…)`: called with this function's `this`.
        if let ExprKind::SuperMember { name, name_span } = &callee.kind {
            let f = self.super_get(name, *name_span, callee.span);
            let this = match resolve(&self.scopes, self.current_fn(), "this") {
                Resolved::Var(p, _) => ir::Expr::Load(p),
                _ => ir::Expr::Const(Value::Undefined),
            };
            let args = self.items(args);
            self.b.callee_texts.insert(
                site,
                format!("(intermediate value).{name}").into_boxed_str(),
            );
            return ir::Expr::CallWith {
                callee: Box::new(f),
                this: Box::new(this),
                args,
                site,
            };
        }
        // `Global(…)`: String(x), parseInt(s), …
        if let Some((_, g)) = self.global_of(callee) {
            let args = self.items(args);
            return match g.call {
                Some(n) => ir::Expr::CallNative {
                    native: n.id(),
                    args,
                    site,
                },
                None => {
                    let help = if g.construct.is_some() {
                        format!("write `new {}(…)`", g.name)
                    } else {
                        format!("{} is not a function", g.name)
                    };
                    self.push_diag(
                        Diagnostic::new(
                            &self.file,
                            DiagnosticKind::UnknownFunction,
                            callee.span,
                            format!("`{}` cannot be called", g.name),
                        )
                        .with_help(help),
                    );
                    ir::Expr::Const(Value::Undefined)
                }
            };
        }
        if let Some(RuntimeExport::Fn(n)) = self.runtime_of(callee) {
            if n == Native::CreateComponent {
                self.check_component_definition(callee, args);
            }
            let args = self.items(args);
            return ir::Expr::CallNative {
                native: n.id(),
                args,
                site,
            };
        }
        if let ExprKind::Member {
            object,
            name,
            name_span,
            optional: optional_object,
        } = &callee.kind
        {
            // `Global.member(…)`: Math.max, JSON.parse, Object.keys, …
            if let Some((_, g)) = self.global_of(object) {
                let args = self.items(args);
                return match self.static_member(g, name, *name_span) {
                    Some(table::Static::Fn(n)) => ir::Expr::CallNative {
                        native: n.id(),
                        args,
                        site,
                    },
                    Some(table::Static::Num(_)) => {
                        self.error(
                            DiagnosticKind::UnknownFunction,
                            *name_span,
                            format!("`{}.{name}` is a number, not a function", g.name),
                        );
                        ir::Expr::Const(Value::Undefined)
                    }
                    None => ir::Expr::Const(Value::Undefined),
                };
            }
            self.check_method(name, *name_span);
            let o = self.expr(object);
            let key = self.atom(name);
            let args = self.items(args);
            let msite = self.site(*name_span);
            let _ = site;
            self.b
                .callee_texts
                .insert(msite, callee_text(callee).into_boxed_str());
            return ir::Expr::CallMethod {
                object: Box::new(o),
                key,
                args,
                optional_object: *optional_object,
                optional_call: optional,
                site: msite,
            };
        }
        let c = self.expr(callee);
        let args = self.items(args);
        self.b
            .callee_texts
            .insert(site, callee_text(callee).into_boxed_str());
        ir::Expr::Call {
            callee: Box::new(c),
            args,
            optional,
            site,
        }
    }

    /// `createComponent({ … })` written with an object literal: its fields checked
    /// at compile time, with suggestions.
    fn check_component_definition(&mut self, callee: &Expr, args: &[ArrayItem]) {
        const FIELDS: &[&str] = &["componentId", "initialState", "action", "render", "cache"];
        let Some(ArrayItem::Item(Expr {
            kind: ExprKind::Object(members),
            span,
        })) = args.first()
        else {
            return;
        };
        let mut seen = Vec::new();
        let mut spread = false;
        for m in members {
            match m {
                ObjectMember::Prop(PropKey::Named(name, nspan), _) => {
                    if !FIELDS.contains(&name.as_str()) {
                        let s = suggest(name, FIELDS.iter().copied());
                        let d = Diagnostic::new(
                            &self.file,
                            DiagnosticKind::InvalidComponent,
                            *nspan,
                            format!("unknown component field \"{name}\""),
                        )
                        .with_suggestion_or(s, format!("a component has {}", FIELDS.join(", ")));
                        self.push_diag(d);
                    }
                    seen.push(name.as_str());
                }
                _ => spread = true,
            }
        }
        if spread {
            return;
        }
        for required in ["componentId", "render"] {
            if !seen.contains(&required) {
                self.error(
                    DiagnosticKind::InvalidComponent,
                    Span::new(
                        callee.span.start,
                        span.end.min(callee.span.end + 1).max(callee.span.end),
                    ),
                    format!("createComponent is missing {required}"),
                );
            }
        }
    }

    // ------------------------------------------------------------ JSX

    fn jsx(&mut self, el: &JsxElement, span: Span, place: ElPlace<'_>) -> ir::Expr {
        let Some(name) = &el.name else {
            let children = self.jsx_children(el, None);
            return ir::Expr::Fragment(children);
        };
        if !name.is_intrinsic() {
            return self.component_call(el, span);
        }
        if self.check_elements {
            // An unknown tag is reported; its attributes and children are still
            // compiled so that their own mistakes are reported in the same pass.
            elements::check(&self.file, &mut self.errors, el, place, self.require_root);
        }
        let tag = match self.string_value(&name.name) {
            Value::Str(s) => s,
            _ => crate::lang::value::StrId(0),
        };
        let mut attrs = Vec::with_capacity(el.attrs.len());
        let mut attr_sites = Vec::new();
        let mut spread = false;
        for a in &el.attrs {
            match a {
                JsxAttr::Named { name: an, value } => {
                    if an.name == "key" {
                        // Taken by the JSX runtime; evaluated for its effects only by
                        // nobody: dropped, as esbuild's transform drops it.
                        continue;
                    }
                    let v = match value {
                        None => ir::Expr::Const(Value::Bool(true)),
                        Some(v) => match &v.kind {
                            ExprKind::Jsx(inner) => {
                                self.jsx(inner, v.span, ElPlace::AttrOf(&name.name, &an.name))
                            }
                            _ => self.expr(v),
                        },
                    };
                    let k = self.atom(&an.name);
                    let at = self.site(an.span);
                    attr_sites.push((an.name.clone().into_boxed_str(), at));
                    attrs.push(ir::Member::Prop(ir::Key::Static(k), v));
                }
                JsxAttr::Spread(x) => {
                    spread = true;
                    attrs.push(ir::Member::Spread(self.expr(x)));
                }
            }
        }
        let slots = match ElementKind::from_name(&name.name) {
            Some(kind) if !spread => {
                let names: Vec<&str> = attr_sites.iter().map(|(n, _)| &**n).collect();
                Slots::for_element(kind, &names)
            }
            _ => None,
        };
        let children = el
            .children
            .as_ref()
            .filter(|c| !c.is_empty())
            .map(|_| self.jsx_children(el, Some(&name.name)));
        let site = self.site(name.span);
        self.b.origins.push(Origin {
            site,
            attrs: attr_sites.into_boxed_slice(),
            slots,
        });
        let origin = self.b.origins.len() as u32;
        let _ = span;
        ir::Expr::Element(Box::new(ir::ElementNode {
            tag,
            attrs,
            children,
            origin,
        }))
    }

    fn jsx_children(&mut self, el: &JsxElement, parent: Option<&str>) -> Vec<ir::Child> {
        let mut out = Vec::new();
        for c in el.children.iter().flatten() {
            match c {
                JsxChild::Text(t, _) => {
                    out.push(ir::Child::Value(ir::Expr::Const(self.string_value(t))))
                }
                JsxChild::Expr(x) => out.push(ir::Child::Value(self.expr(x))),
                JsxChild::Spread(x) => {
                    let site = self.site(x.span);
                    out.push(ir::Child::Spread(self.expr(x), site));
                }
                JsxChild::Element(x) => {
                    let v = match &x.kind {
                        ExprKind::Jsx(inner) => {
                            let place = match parent {
                                Some(p) => ElPlace::ChildOf(p),
                                None => ElPlace::Nested,
                            };
                            self.jsx(inner, x.span, place)
                        }
                        _ => self.expr(x),
                    };
                    out.push(ir::Child::Value(v));
                }
            }
        }
        out
    }

    fn component_call(&mut self, el: &JsxElement, span: Span) -> ir::Expr {
        let Some(name) = &el.name else {
            return ir::Expr::Const(Value::Undefined);
        };
        let mut parts = name.name.split('.');
        let head = parts.next().unwrap_or_default();
        let mut callee = self.ident(
            head,
            Span::new(name.span.start, name.span.start + head.len()),
        );
        for p in parts {
            let key = self.atom(p);
            let site = self.site(name.span);
            callee = ir::Expr::Member {
                object: Box::new(callee),
                key,
                optional: false,
                site,
            };
        }
        let mut props = Vec::new();
        for a in &el.attrs {
            match a {
                JsxAttr::Named { name: an, value } => {
                    if an.name == "key" {
                        continue;
                    }
                    let v = match value {
                        None => ir::Expr::Const(Value::Bool(true)),
                        Some(v) => self.expr(v),
                    };
                    let k = self.atom(&an.name);
                    props.push(ir::Member::Prop(ir::Key::Static(k), v));
                }
                JsxAttr::Spread(x) => props.push(ir::Member::Spread(self.expr(x))),
            }
        }
        let children = el
            .children
            .as_ref()
            .filter(|c| !c.is_empty())
            .map(|_| self.jsx_children(el, None));
        let site = self.site(span);
        ir::Expr::ComponentCall {
            callee: Box::new(callee),
            props,
            children,
            site,
        }
    }
}

/// The binding kind of each name a block declares.
fn declaration_kinds(stmts: &[Stmt]) -> HashMap<&str, BindingKind> {
    let mut out = HashMap::new();
    for s in stmts {
        let s = match &s.kind {
            StmtKind::ExportDecl(inner) => inner,
            _ => s,
        };
        match &s.kind {
            StmtKind::Var(d) => {
                let kind = if d.kind == VarKind::Const {
                    BindingKind::Const
                } else {
                    BindingKind::Mutable
                };
                for (p, _) in &d.declarators {
                    collect_kinds(p, kind, &mut out);
                }
            }
            StmtKind::Function(f) | StmtKind::ExportDefaultFunction(f) => {
                if let Some(n) = &f.name {
                    out.insert(n.name.as_str(), BindingKind::Const);
                }
            }
            _ => {}
        }
    }
    out
}

fn collect_kinds<'a>(p: &'a Pattern, kind: BindingKind, out: &mut HashMap<&'a str, BindingKind>) {
    match p {
        Pattern::Ident(i) => {
            out.insert(i.name.as_str(), kind);
        }
        Pattern::Object { props, rest, .. } => {
            for prop in props {
                collect_kinds(&prop.value, kind, out);
            }
            if let Some(r) = rest {
                collect_kinds(r, kind, out);
            }
        }
        Pattern::Array { elems, rest, .. } => {
            for (p, _) in elems.iter().flatten() {
                collect_kinds(p, kind, out);
            }
            if let Some(r) = rest {
                collect_kinds(r, kind, out);
            }
        }
        Pattern::Expr(_) => {}
    }
}

/// How a JavaScript engine names a callee in "… is not a function": names and member
/// chains as written, calls as `f(...)`, anything else as `(intermediate value)`.
fn callee_text(e: &Expr) -> String {
    fn go(e: &Expr, out: &mut String, depth: usize) {
        if depth > 16 {
            out.push_str("(intermediate value)");
            return;
        }
        match &e.kind {
            ExprKind::Ident(n) => out.push_str(n),
            ExprKind::This => out.push_str("this"),
            ExprKind::Member {
                object,
                name,
                optional,
                ..
            } => {
                go(object, out, depth + 1);
                out.push_str(if *optional { "?." } else { "." });
                out.push_str(name);
            }
            ExprKind::Index {
                object,
                index,
                optional,
            } => {
                go(object, out, depth + 1);
                if *optional {
                    out.push_str("?.");
                }
                match &index.kind {
                    ExprKind::String(k) => {
                        out.push('.');
                        out.push_str(k);
                        return;
                    }
                    _ => out.push('['),
                }
                match &index.kind {
                    ExprKind::Number(n) => {
                        out.push_str(&crate::lang::number::js_number_to_string(*n))
                    }
                    _ => go(index, out, depth + 1),
                }
                out.push(']');
            }
            ExprKind::Call { callee, .. } => {
                go(callee, out, depth + 1);
                out.push_str("(...)");
            }
            ExprKind::OptionalChain(inner) => go(inner, out, depth),
            _ => out.push_str("(intermediate value)"),
        }
    }
    let mut out = String::new();
    go(e, &mut out, 0);
    out
}
