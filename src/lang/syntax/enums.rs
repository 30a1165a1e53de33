//! TypeScript `enum` declarations, lowered to the object esbuild makes of them:
//!
//! ```text
//! enum Level { Low = 1, High, Named = 'n' }
//! ```
//!
//! is bound to the value of
//!
//! ```text
//! (() => {
//!     const Level = {};
//!     const Low = (Level["Low"] = 1); Level[Low] = "Low";
//!     const High = (Level["High"] = Level["Low"] + 1); Level[High] = "High";
//!     const Named = (Level["Named"] = 'n');
//!     return Level;
//! })()
//! ```
//!
//! A member without an initializer is the previous member plus one (the first is
//! 0), which TypeScript allows only when the previous member is a constant number;
//! a member whose value is not a constant string also maps its value back to its
//! name. Constants are folded as esbuild folds them: literals, arithmetic, and
//! earlier members of the same enum. Members are in scope, by name and as
//! `Level.X`, in the initializers after them, as in TypeScript.

use std::collections::{HashMap, HashSet};

use crate::lang::number::{js_number_to_string, to_int32};
use crate::lang::source::Span;
use crate::lang::syntax::ast::{
    ArrayItem, BinaryOp, ChainOp, Constructor, Expr, ExprKind, Function, FunctionBody, Ident, Stmt,
    StmtKind, UnaryOp,
};
use crate::lang::syntax::build::{
    assign, constant, expr, index, name as ident_expr, statement, string,
};

/// One member: its name (a name or a string), where it is written, its initializer.
pub(crate) struct Member {
    pub name: String,
    pub span: Span,
    pub init: Option<Expr>,
}

/// Why an enum cannot be lowered: where, and what to say.
pub(crate) struct EnumError {
    pub span: Span,
    pub message: String,
}

/// The value an enum named `name` is bound to (see the module's documentation).
pub(crate) fn lower(name: &Ident, members: Vec<Member>, span: Span) -> Result<Expr, EnumError> {
    let object = || ident_expr(&name.name, name.span);
    let mut body = vec![constant(
        &name.name,
        name.span,
        expr(ExprKind::Object(Vec::new()), span),
    )];
    // By name: an enum of many members stays linear to lower.
    let mut seen: HashSet<&str> = HashSet::new();
    let mut known: HashMap<&str, Constant> = HashMap::new();
    let mut previous: Option<Option<f64>> = None;
    for member in &members {
        if !seen.insert(&member.name) {
            return Err(EnumError {
                span: member.span,
                message: format!("duplicate enum member `{}`", member.name),
            });
        }
        let at = member.span;
        let folded = match &member.init {
            Some(init) => fold(init, &name.name, &known),
            None => match previous {
                None => Some(Constant::Number(0.0)),
                Some(Some(n)) => Some(Constant::Number(n + 1.0)),
                Some(None) => {
                    return Err(EnumError {
                        span: at,
                        message: format!(
                            "enum member `{}` needs an initializer: the member before it is not a constant number",
                            member.name
                        ),
                    })
                }
            },
        };
        let value = match (&member.init, &folded) {
            (Some(init), _) => init.clone(),
            (None, Some(Constant::Number(n))) => expr(ExprKind::Number(*n), at),
            // Unreachable: a member without an initializer is a number.
            (None, _) => expr(ExprKind::Ident("undefined".into()), at),
        };
        let is_string = matches!(folded, Some(Constant::String(_)));
        previous = Some(match &folded {
            Some(Constant::Number(n)) => Some(*n),
            _ => None,
        });
        if let Some(c) = folded {
            known.insert(&member.name, c);
        }
        let set = assign(index(object(), string(&member.name, at), at), value, at);
        let bound = crate::lang::syntax::is_binding_name(&member.name) && member.name != name.name;
        match (bound, is_string) {
            (true, true) => body.push(constant(&member.name, at, set)),
            (true, false) => {
                body.push(constant(&member.name, at, set));
                let back = index(object(), ident_expr(&member.name, at), at);
                body.push(statement(assign(back, string(&member.name, at), at)));
            }
            (false, true) => body.push(statement(set)),
            (false, false) => {
                let back = index(object(), set, at);
                body.push(statement(assign(back, string(&member.name, at), at)));
            }
        }
    }
    body.push(Stmt {
        kind: StmtKind::Return(Some(object())),
        span,
    });
    let function = Function {
        name: Some(name.clone()),
        params: Vec::new(),
        rest: None,
        body: FunctionBody::Block(body),
        is_async: false,
        is_arrow: true,
        constructor: Constructor::No,
        span,
    };
    Ok(expr(
        ExprKind::Call {
            callee: Box::new(expr(ExprKind::Function(Box::new(function)), span)),
            args: Vec::<ArrayItem>::new(),
            optional: false,
        },
        span,
    ))
}

/// A value known when the file compiles.
#[derive(Debug, Clone, PartialEq)]
enum Constant {
    Number(f64),
    String(String),
}

/// The constant value of an initializer, folded as esbuild folds enum members:
/// literals, `+ - ~`, arithmetic and bitwise operators, and earlier members of
/// the same enum (`A`, `E.A`, `E['A']`). `None` when it is only known at run time.
fn fold(e: &Expr, enum_name: &str, known: &HashMap<&str, Constant>) -> Option<Constant> {
    let member = |name: &str| known.get(name).cloned();
    let is_enum = |object: &Expr| matches!(&object.kind, ExprKind::Ident(n) if n == enum_name);
    match &e.kind {
        ExprKind::Number(n) => Some(Constant::Number(*n)),
        ExprKind::String(s) => Some(Constant::String(s.clone())),
        ExprKind::Template(chunks, substitutions) if substitutions.is_empty() => {
            Some(Constant::String(chunks.concat()))
        }
        ExprKind::Ident(name) => member(name),
        ExprKind::Member { object, name, .. } if is_enum(object) => member(name),
        ExprKind::Index { object, index, .. } if is_enum(object) => match &index.kind {
            ExprKind::String(name) => member(name),
            _ => None,
        },
        ExprKind::Unary(op, operand) => {
            let Constant::Number(n) = fold(operand, enum_name, known)? else {
                return None;
            };
            match op {
                UnaryOp::Neg => Some(Constant::Number(-n)),
                UnaryOp::Plus => Some(Constant::Number(n)),
                UnaryOp::BitNot => Some(Constant::Number(f64::from(!to_int32(n)))),
                _ => None,
            }
        }
        ExprKind::Binary(op, left, right) => binary(
            *op,
            fold(left, enum_name, known)?,
            fold(right, enum_name, known)?,
        ),
        ExprKind::Chain(first, links) => {
            let mut value = fold(first, enum_name, known)?;
            for link in links {
                let ChainOp::Binary(op) = link.op else {
                    return None;
                };
                value = binary(op, value, fold(&link.right, enum_name, known)?)?;
            }
            Some(value)
        }
        _ => None,
    }
}

fn binary(op: BinaryOp, left: Constant, right: Constant) -> Option<Constant> {
    use Constant::{Number, String};
    let text = |c: Constant| match c {
        Number(n) => js_number_to_string(n),
        String(s) => s,
    };
    if op == BinaryOp::Add && (matches!(left, String(_)) || matches!(right, String(_))) {
        return Some(String(text(left) + &text(right)));
    }
    let (Number(a), Number(b)) = (left, right) else {
        return None;
    };
    let int = |x: i32| Some(Number(f64::from(x)));
    // Shift counts are taken modulo 32, as ToUint32(b) & 31.
    let shift = (to_int32(b) as u32) & 31;
    match op {
        BinaryOp::Add => Some(Number(a + b)),
        BinaryOp::Sub => Some(Number(a - b)),
        BinaryOp::Mul => Some(Number(a * b)),
        BinaryOp::Div => Some(Number(a / b)),
        BinaryOp::Rem => Some(Number(a % b)),
        BinaryOp::BitAnd => int(to_int32(a) & to_int32(b)),
        BinaryOp::BitOr => int(to_int32(a) | to_int32(b)),
        BinaryOp::BitXor => int(to_int32(a) ^ to_int32(b)),
        BinaryOp::Shl => int(to_int32(a).wrapping_shl(shift)),
        BinaryOp::Shr => int(to_int32(a) >> shift),
        BinaryOp::UShr => Some(Number(f64::from((to_int32(a) as u32) >> shift))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::lang::program::{NoSources, Program};

    fn error(source: &str) -> String {
        match Program::load("e.ts", source, &NoSources) {
            Ok(_) => panic!("compiled: {source}"),
            Err(d) => d.to_string(),
        }
    }

    #[test]
    fn what_typescript_refuses_is_an_error_at_the_member() {
        let e = error("enum E { A = 'a', B }\nexport const x = E;\n");
        assert!(
            e.starts_with("e.ts:1:19: error: enum member `B` needs an initializer"),
            "{e}"
        );
        let e = error("enum E { A = 'abc'.length, B }\nexport const x = E;\n");
        assert!(e.contains("1:28: error: enum member `B` needs an initializer: the member before it is not a constant number"), "{e}");
        let e = error("enum E { A, 'A' }\nexport const x = E;\n");
        assert!(
            e.starts_with("e.ts:1:13: error: duplicate enum member `A`"),
            "{e}"
        );
    }

    #[test]
    fn a_declared_enum_is_a_type_only() {
        let e = error("declare enum E { A }\nexport const x = E;\n");
        assert!(e.contains("unknown name `E`"), "{e}");
        assert!(Program::load(
            "e.ts",
            "declare enum E { A }\nexport declare enum F { B }\n",
            &NoSources
        )
        .is_ok());
    }
}
