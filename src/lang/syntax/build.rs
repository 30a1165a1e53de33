//! Syntax trees the compiler writes itself rather than parses: the modules of
//! JSON and text files and of packages made here, and the lowering of `enum`.
//! Each node carries the span it stands for, so errors still point at the
//! source.

use crate::lang::source::Span;
use crate::lang::syntax::ast::{
    AssignOp, Expr, ExprKind, Ident, Pattern, Stmt, StmtKind, VarDecl, VarKind,
};

/// An expression of `kind`.
pub(crate) fn expr(kind: ExprKind, span: Span) -> Expr {
    Expr { kind, span }
}

/// A name as written in a declaration or an import.
pub(crate) fn ident(name: &str, span: Span) -> Ident {
    Ident {
        name: name.to_owned(),
        span,
    }
}

/// A name read as a value.
pub(crate) fn name(name: &str, span: Span) -> Expr {
    expr(ExprKind::Ident(name.to_owned()), span)
}

/// A string literal.
pub(crate) fn string(text: &str, span: Span) -> Expr {
    expr(ExprKind::String(text.to_owned()), span)
}

/// `object.name`.
pub(crate) fn member(object: Expr, name: &str, span: Span) -> Expr {
    expr(
        ExprKind::Member {
            object: Box::new(object),
            name: name.to_owned(),
            name_span: span,
            optional: false,
        },
        span,
    )
}

/// `object[key]`.
pub(crate) fn index(object: Expr, key: Expr, span: Span) -> Expr {
    expr(
        ExprKind::Index {
            object: Box::new(object),
            index: Box::new(key),
            optional: false,
        },
        span,
    )
}

/// `target = value`, `target` a member or an index.
pub(crate) fn assign(target: Expr, value: Expr, span: Span) -> Expr {
    expr(
        ExprKind::Assign(
            AssignOp::Assign,
            Box::new(Pattern::Expr(Box::new(target))),
            Box::new(value),
        ),
        span,
    )
}

/// `e;`.
pub(crate) fn statement(e: Expr) -> Stmt {
    Stmt {
        span: e.span,
        kind: StmtKind::Expr(e),
    }
}

/// `const name = init;`.
pub(crate) fn constant(name: &str, span: Span, init: Expr) -> Stmt {
    Stmt {
        kind: StmtKind::Var(VarDecl {
            kind: VarKind::Const,
            declarators: vec![(Pattern::Ident(ident(name, span)), Some(init))],
        }),
        span,
    }
}

/// `export <declaration>`.
pub(crate) fn export(declaration: Stmt) -> Stmt {
    Stmt {
        span: declaration.span,
        kind: StmtKind::ExportDecl(Box::new(declaration)),
    }
}
