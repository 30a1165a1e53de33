//! Running statements.

use super::ops::truthy;
use super::{Fault, Flow, Vm, R};
use crate::lang::compile::ir::{Block, ForEach, ForLoop, Stmt, Switch, Try};
use crate::lang::value::Value;

impl Vm<'_> {
    /// Runs statements in order until one does not complete normally.
    pub(crate) fn run_block(&mut self, stmts: &[Stmt]) -> R<Flow> {
        for s in stmts {
            let f = self.exec(s)?;
            if f != Flow::Normal {
                return Ok(f);
            }
        }
        Ok(Flow::Normal)
    }

    fn block(&mut self, b: &Block) -> R<Flow> {
        self.with_env(b.env_size, 0, |vm| {
            for (place, code) in &b.hoisted {
                let c = vm.closure(*code, 0)?;
                vm.store(*place, c);
            }
            vm.run_block(&b.body)
        })
    }

    /// Runs one statement.
    pub(crate) fn exec(&mut self, s: &Stmt) -> R<Flow> {
        match s {
            Stmt::Expr(e) => {
                self.eval(e)?;
                Ok(Flow::Normal)
            }
            Stmt::Let(p, init) => {
                let v = match init {
                    Some(e) => self.eval(e)?,
                    None => Value::Undefined,
                };
                self.bind(p, v)?;
                Ok(Flow::Normal)
            }
            Stmt::If(branches, otherwise) => {
                for (test, then) in branches {
                    let t = self.eval(test)?;
                    if truthy(self, t) {
                        return self.exec(then);
                    }
                }
                match otherwise {
                    Some(o) => self.exec(o),
                    None => Ok(Flow::Normal),
                }
            }
            Stmt::Block(b) => self.block(b),
            Stmt::For(f) => self.for_loop(f),
            Stmt::ForEach(f) => self.for_each(f),
            Stmt::While(test, body) => {
                let label = std::mem::take(&mut self.loop_label);
                loop {
                    self.step(1, 0)?;
                    let t = self.eval(test)?;
                    if !truthy(self, t) {
                        break;
                    }
                    match after_body(self.exec(body)?, label) {
                        Next::Go => {}
                        Next::Stop => break,
                        Next::Exit(f) => return Ok(f),
                    }
                }
                Ok(Flow::Normal)
            }
            Stmt::DoWhile(body, test) => {
                let label = std::mem::take(&mut self.loop_label);
                loop {
                    self.step(1, 0)?;
                    match after_body(self.exec(body)?, label) {
                        Next::Go => {}
                        Next::Stop => break,
                        Next::Exit(f) => return Ok(f),
                    }
                    let t = self.eval(test)?;
                    if !truthy(self, t) {
                        break;
                    }
                }
                Ok(Flow::Normal)
            }
            Stmt::Switch(s) => self.switch(s),
            Stmt::Try(t) => self.try_stmt(t),
            Stmt::Return(e) => {
                let v = match e {
                    Some(e) => self.eval(e)?,
                    None => Value::Undefined,
                };
                Ok(Flow::Return(v))
            }
            Stmt::Throw(e, site) => {
                let v = self.eval(e)?;
                Err(Fault::Throw(v, *site))
            }
            Stmt::Break(label) => Ok(Flow::Break(*label)),
            Stmt::Continue(label) => Ok(Flow::Continue(*label)),
            Stmt::Labeled(label, body) => {
                if matches!(
                    **body,
                    Stmt::For(_) | Stmt::ForEach(_) | Stmt::While(..) | Stmt::DoWhile(..)
                ) {
                    // The loop takes its label as it starts: `continue label` is its own.
                    self.loop_label = *label;
                }
                let f = self.exec(body);
                self.loop_label = 0;
                match f? {
                    Flow::Break(l) if l == *label => Ok(Flow::Normal),
                    other => Ok(other),
                }
            }
            Stmt::Empty => Ok(Flow::Normal),
        }
    }

    fn for_loop(&mut self, f: &ForLoop) -> R<Flow> {
        let label = std::mem::take(&mut self.loop_label);
        self.with_env(f.env_size, 0, |vm| {
            if let Some(init) = &f.init {
                vm.exec(init)?;
            }
            loop {
                vm.step(1, 0)?;
                if let Some(test) = &f.test {
                    let t = vm.eval(test)?;
                    if !truthy(vm, t) {
                        break;
                    }
                }
                match after_body(vm.exec(&f.body)?, label) {
                    Next::Go => {}
                    Next::Stop => break,
                    Next::Exit(flow) => return Ok(flow),
                }
                if f.env_size > 0 {
                    // A fresh environment per iteration, holding the loop variables'
                    // current values: closures made in this iteration keep theirs.
                    let current = vm.current_env();
                    if let Some(e) = current {
                        let env = vm.heap.env(e).clone();
                        let r = vm.heap.alloc_env(env.parent, env.slots.len());
                        let fresh = vm.mem(r, 0)?;
                        vm.heap.env_mut(fresh).slots.copy_from_slice(&env.slots);
                        vm.set_env(Some(fresh));
                    }
                }
                if let Some(u) = &f.update {
                    vm.eval(u)?;
                }
            }
            Ok(Flow::Normal)
        })
    }

    fn for_each(&mut self, f: &ForEach) -> R<Flow> {
        let label = std::mem::take(&mut self.loop_label);
        let iterable = self.eval(&f.iterable)?;
        let items = if f.of {
            self.iterate(iterable, f.site)?
        } else {
            let keys = self.for_in_keys(iterable);
            let mut out = Vec::with_capacity(keys.len());
            for k in keys {
                let r = self.heap.atom_value(k);
                out.push(Value::Str(self.mem(r, f.site)?));
            }
            out
        };
        for item in items {
            self.step(1, f.site)?;
            let flow = self.with_env(f.env_size, f.site, |vm| {
                vm.bind(&f.target, item)?;
                vm.exec(&f.body)
            })?;
            match after_body(flow, label) {
                Next::Go => {}
                Next::Stop => break,
                Next::Exit(flow) => return Ok(flow),
            }
        }
        Ok(Flow::Normal)
    }

    fn switch(&mut self, s: &Switch) -> R<Flow> {
        let d = self.eval(&s.discriminant)?;
        self.with_env(s.env_size, 0, |vm| {
            for (place, code) in &s.hoisted {
                let c = vm.closure(*code, 0)?;
                vm.store(*place, c);
            }
            let mut start = None;
            for (test, at) in &s.cases {
                if let Some(t) = test {
                    let v = vm.eval(t)?;
                    if vm.strict_eq(d, v) {
                        start = Some(*at);
                        break;
                    }
                }
            }
            if start.is_none() {
                start = s.cases.iter().find(|(t, _)| t.is_none()).map(|(_, at)| *at);
            }
            let Some(start) = start else {
                return Ok(Flow::Normal);
            };
            for st in &s.body[start..] {
                match vm.exec(st)? {
                    Flow::Normal => {}
                    Flow::Break(0) => return Ok(Flow::Normal),
                    other => return Ok(other),
                }
            }
            Ok(Flow::Normal)
        })
    }

    fn try_stmt(&mut self, t: &Try) -> R<Flow> {
        let result = match self.block(&t.block) {
            Err(Fault::Throw(v, thrown_at)) => match &t.handler {
                Some((param, env_size, body)) => self.with_env(*env_size, 0, |vm| {
                    if let Some(p) = param {
                        vm.bind(p, v)?;
                    }
                    vm.block(body)
                }),
                None => Err(Fault::Throw(v, thrown_at)),
            },
            other => other,
        };
        match &t.finalizer {
            None => result,
            Some(f) => {
                // Budgets and suspensions pass through `finally` untouched.
                if matches!(result, Err(Fault::Limit(..) | Fault::Suspend)) {
                    return result;
                }
                match self.block(f)? {
                    Flow::Normal => result,
                    other => Ok(other),
                }
            }
        }
    }
}

/// What a loop does once its body ran.
enum Next {
    /// The next iteration.
    Go,
    /// Out of the loop.
    Stop,
    /// Out of the loop, and on out with this flow (`return`, or a `break`/`continue`
    /// of an outer label).
    Exit(Flow),
}

fn after_body(f: Flow, label: u32) -> Next {
    match f {
        Flow::Normal => Next::Go,
        Flow::Continue(l) if l == 0 || l == label => Next::Go,
        Flow::Break(l) if l == 0 || l == label => Next::Stop,
        other => Next::Exit(other),
    }
}
