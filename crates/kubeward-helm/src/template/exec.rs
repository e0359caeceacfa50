//! The executor, following `text/template/exec.go`: field and method evaluation, Go's
//! argument checks, pipelines, control structures, template calls, Helm's `include` and
//! `tpl`, and an output buffer that records where each output line came from.

use std::collections::HashMap;
use std::rc::Rc;

use super::builtins;
use super::parse::{self, Arg, Builtin, Command, Func, Node, Number, Pipe, Source, Tree};
use super::{ExecOptions, Templates};
use crate::funcs::{Sig, Ty};
use crate::value::{ElemType, MapType, Origin, Str, Value};

/// The name Helm's root template has; `include` errors and `tpl` templates use it.
pub(crate) const ROOT_NAME: &str = "gotpl";

/// State shared by every template executing in one call of [`Templates::execute`].
pub(crate) struct Shared<'t, 'o> {
    pub(crate) set: &'t Templates,
    pub(crate) overlays: Vec<HashMap<Rc<str>, Rc<Tree>>>,
    pub(crate) opts: &'o mut ExecOptions,
    pub(crate) include_counts: HashMap<Rc<str>, usize>,
    pub(crate) steps: u64,
    pub(crate) depth: usize,
    pub(crate) out_total: usize,
    /// Where the innermost error happened: (template source name, line, byte column).
    pub(crate) err_loc: Option<(Rc<str>, u32, u32)>,
}

impl Shared<'_, '_> {
    pub(crate) fn lookup(&self, name: &str) -> Option<Rc<Tree>> {
        for o in self.overlays.iter().rev() {
            if let Some(t) = o.get(name) {
                return Some(t.clone());
            }
        }
        self.set.trees.get(name).cloned()
    }
}

/// Output with one origin per line.
pub(crate) struct Out {
    pub(crate) text: String,
    pub(crate) origins: Vec<Option<Origin>>,
}

impl Out {
    pub(crate) fn new() -> Out {
        Out {
            text: String::new(),
            origins: vec![None],
        }
    }

    /// Appends `s`; `origin_at(segment, offset)` gives the origin of a line whose first
    /// non-blank character is at byte `offset` of `s` (segment = line index within `s`).
    fn push(&mut self, s: &str, mut origin_at: impl FnMut(usize, usize) -> Option<Origin>) {
        let mut off = 0;
        for (seg, part) in s.split('\n').enumerate() {
            if seg > 0 {
                self.origins.push(None);
            }
            let needs = matches!(self.origins.last(), Some(None));
            if needs {
                if let Some(i) = part
                    .bytes()
                    .position(|b| !matches!(b, b' ' | b'\t' | b'\r'))
                {
                    if let Some(o) = origin_at(seg, off + i) {
                        if let Some(last) = self.origins.last_mut() {
                            *last = Some(o);
                        }
                    }
                }
            }
            off += part.len() + 1;
        }
        self.text.push_str(s);
    }

    pub(crate) fn into_str(self) -> Str {
        Str::with_origins(self.text, self.origins)
    }
}

/// Control flow out of a walk.
pub(crate) enum Flow {
    Break,
    Continue,
    Err(String),
}

type R<T> = Result<T, Flow>;

/// A value with whether it sits in an `interface {}` (a map or slice element), which
/// changes Go's error texts.
#[derive(Clone)]
pub(crate) struct Dv {
    pub(crate) v: Value,
    pub(crate) iface: bool,
}

impl Dv {
    fn plain(v: Value) -> Dv {
        Dv { v, iface: false }
    }
}

struct Var {
    name: Rc<str>,
    value: Dv,
}

#[derive(Clone, Copy)]
enum Cur<'a> {
    None,
    Node(&'a Node),
    Pipe(&'a Pipe),
    Cmd(&'a Command),
    Arg(&'a Arg),
}

/// A parameter type: a Go type or `reflect.Value` (Go's builtins).
#[derive(Clone, Copy, PartialEq, Eq)]
enum PTy {
    Go(Ty),
    Rv,
    /// No type (the receiver of a chain).
    Untyped,
}

impl PTy {
    fn name(self) -> &'static str {
        match self {
            PTy::Go(t) => t.go_name(),
            PTy::Rv => "reflect.Value",
            PTy::Untyped => "<nil>",
        }
    }

    fn can_be_nil(self) -> bool {
        matches!(
            self,
            PTy::Rv | PTy::Go(Ty::Any | Ty::Map | Ty::List | Ty::StrList | Ty::Bytes)
        )
    }
}

pub(crate) struct St<'s, 't, 'o> {
    pub(crate) sh: &'s mut Shared<'t, 'o>,
    pub(crate) tree: &'s Tree,
    vars: Vec<Var>,
    node: Cur<'s>,
    pub(crate) out: &'s mut Out,
}

fn iface_type_name(d: &Dv) -> String {
    if d.iface || matches!(d.v, Value::Nil) {
        "interface {}".into()
    } else {
        d.v.type_name()
    }
}

/// Executes `tree` with `dot`, writing to `out`.
pub(crate) fn run(
    sh: &mut Shared<'_, '_>,
    tree: &Tree,
    dot: Value,
    out: &mut Out,
) -> Result<(), String> {
    let mut st = St {
        sh,
        tree,
        vars: vec![Var {
            name: Rc::from("$"),
            value: Dv::plain(dot.clone()),
        }],
        node: Cur::None,
        out,
    };
    match st.walk_list(&Dv::plain(dot), &tree.root.nodes) {
        Ok(()) | Err(Flow::Break | Flow::Continue) => Ok(()),
        Err(Flow::Err(e)) => Err(e),
    }
}

impl<'s, 't, 'o> St<'s, 't, 'o> {
    // ---- errors ----

    fn context(&self) -> Option<(u32, String)> {
        let (pos, s) = match self.node {
            Cur::None => return None,
            Cur::Node(n) => {
                let mut s = String::new();
                n.write(&self.tree.src, &mut s);
                (n.pos(), s)
            }
            Cur::Pipe(p) => {
                let mut s = String::new();
                p.write(&mut s);
                (p.pos, s)
            }
            Cur::Cmd(c) => {
                let mut s = String::new();
                c.write(&mut s);
                (c.pos, s)
            }
            Cur::Arg(a) => (a.pos(), a.string()),
        };
        Some((pos, s))
    }

    fn errorf(&mut self, msg: impl std::fmt::Display) -> Flow {
        // Go doubles `%` in the name and context and then formats the whole message once
        // more, which undoes it: both come out as written.
        let name = &self.tree.name;
        let text = match self.context() {
            None => format!("template: {name}: {msg}"),
            Some((pos, ctx)) => {
                let (line, col) = self.tree.src.line_byte_col(pos);
                if self.sh.err_loc.is_none() {
                    self.sh.err_loc = Some((Rc::from(&*self.tree.src.name), line, col));
                }
                format!(
                    "template: {}:{}:{}: executing {} at <{}>: {}",
                    self.tree.src.name,
                    line,
                    col,
                    super::fmt::go_quote(name),
                    ctx,
                    msg
                )
            }
        };
        Flow::Err(text)
    }

    /// Refuses a function result that is a string over the string limit, so that
    /// doubling a string in a loop (`$s = print $s $s`) stops in bounded memory.
    fn bounded(&self, v: Value) -> Result<Value, String> {
        if crate::value::budget::exhausted() {
            return Err(self.value_nodes_exceeded());
        }
        if let Value::String(s) = &v {
            self.sh.opts.funcs.check_string_len(s.as_str().len())?;
        }
        Ok(v)
    }

    fn value_nodes_exceeded(&self) -> String {
        format!(
            "exceeded the limit of {} value nodes printed, serialised, copied or compared \
             (limit max-template-values={})",
            self.sh.opts.limits.max_value_nodes, self.sh.opts.limits.max_value_nodes
        )
    }

    fn step(&mut self) -> R<()> {
        self.sh.steps += 1;
        if self.sh.steps > self.sh.opts.limits.max_steps {
            let max = self.sh.opts.limits.max_steps;
            return Err(self.errorf(format!(
                "execution exceeded the limit of {max} steps (limit max-template-steps={max})"
            )));
        }
        Ok(())
    }

    fn check_out(&mut self, n: usize) -> R<()> {
        self.sh.out_total = self.sh.out_total.saturating_add(n);
        if self.sh.out_total > self.sh.opts.limits.max_output_bytes {
            let max = self.sh.opts.limits.max_output_bytes;
            return Err(self.errorf(format!(
                "output exceeds the limit of {max} bytes (limit max-render-bytes={max})"
            )));
        }
        Ok(())
    }

    // ---- variables ----

    fn mark(&self) -> usize {
        self.vars.len()
    }

    fn pop(&mut self, mark: usize) {
        self.vars.truncate(mark);
    }

    fn set_var(&mut self, name: &str, value: Dv) -> R<()> {
        for v in self.vars.iter_mut().rev() {
            if &*v.name == name {
                v.value = value;
                return Ok(());
            }
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    fn set_top_var(&mut self, n: usize, value: Dv) {
        let len = self.vars.len();
        if let Some(v) = len.checked_sub(n).and_then(|i| self.vars.get_mut(i)) {
            v.value = value;
        }
    }

    fn var_value(&mut self, name: &str) -> R<Dv> {
        for v in self.vars.iter().rev() {
            if &*v.name == name {
                return Ok(v.value.clone());
            }
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    // ---- walking ----

    fn walk_list(&mut self, dot: &Dv, nodes: &'s [Node]) -> R<()> {
        let mut i = 0;
        while let Some(n) = nodes.get(i) {
            self.walk(dot, n)?;
            i += 1;
        }
        Ok(())
    }

    fn walk(&mut self, dot: &Dv, node: &'s Node) -> R<()> {
        self.node = Cur::Node(node);
        self.step()?;
        match node {
            Node::Text { pos, end } => {
                let src: &Source = &self.tree.src;
                let text = src.text.get(*pos as usize..*end as usize).unwrap_or("");
                self.check_out(text.len())?;
                let base = *pos;
                let name = src.name.clone();
                self.out.push(text, |_, off| {
                    let (line, column) = src.line_char_col(base + u32::try_from(off).unwrap_or(0));
                    Some(Origin {
                        template: name.clone(),
                        line,
                        column,
                        values_path: None,
                    })
                });
                Ok(())
            }
            Node::Action(a) => {
                let val = self.eval_pipeline(dot, &a.pipe)?;
                if a.pipe.decl.is_empty() {
                    self.node = Cur::Node(node);
                    self.print_value(a.pos, a.vpath.as_ref(), &val)?;
                }
                Ok(())
            }
            Node::If(b) | Node::With(b) => {
                self.enter()?;
                let mark = self.mark();
                let r = self.walk_if_with(dot, matches!(node, Node::With(_)), b);
                self.pop(mark);
                self.sh.depth -= 1;
                r
            }
            Node::Range(b) => {
                self.enter()?;
                let mark = self.mark();
                let r = self.walk_range(dot, b);
                self.pop(mark);
                self.sh.depth -= 1;
                match r {
                    Err(Flow::Break) => Ok(()),
                    other => other,
                }
            }
            Node::Template(t) => self.walk_template(dot, node, t),
            Node::Break(_) => Err(Flow::Break),
            Node::Continue(_) => Err(Flow::Continue),
        }
    }

    fn print_value(&mut self, pos: u32, vpath: Option<&std::sync::Arc<str>>, v: &Value) -> R<()> {
        let (line, column) = self.tree.src.line_char_col(pos);
        let origin = Origin {
            template: self.tree.src.name.clone(),
            line,
            column,
            values_path: vpath.cloned(),
        };
        // A value printed after text on the same line (`user: {{ .Values.x }}`) lends
        // its values path to the line's origin.
        if let (Some(vp), Some(Some(last))) = (vpath, self.out.origins.last_mut()) {
            if last.values_path.is_none() {
                last.values_path = Some(vp.clone());
            }
        }
        match v {
            Value::String(s) => {
                self.check_out(s.as_str().len())?;
                let origins = s.origins();
                self.out.push(s.as_str(), |seg, _| {
                    origins
                        .and_then(|o| o.get(seg).cloned().flatten())
                        .or_else(|| Some(origin.clone()))
                });
            }
            other => {
                let mut text = String::new();
                super::fmt::print_value_into(&mut text, other);
                if crate::value::budget::exhausted() {
                    return Err(self.errorf(self.value_nodes_exceeded()));
                }
                self.check_out(text.len())?;
                self.out.push(&text, |_, _| Some(origin.clone()));
            }
        }
        Ok(())
    }

    fn walk_if_with(&mut self, dot: &Dv, with: bool, b: &'s parse::Branch) -> R<()> {
        let val = self.eval_pipeline(dot, &b.pipe)?;
        if val.is_true() {
            if with {
                self.walk_list(&Dv::plain(val), &b.list.nodes)
            } else {
                self.walk_list(dot, &b.list.nodes)
            }
        } else if let Some(e) = &b.else_list {
            self.walk_list(dot, &e.nodes)
        } else {
            Ok(())
        }
    }

    fn one_iteration(&mut self, b: &'s parse::Branch, mark: usize, index: Dv, elem: Dv) -> R<()> {
        let decl = &b.pipe.decl;
        if !decl.is_empty() {
            if b.pipe.is_assign {
                if decl.len() > 1 {
                    self.set_var(&decl[0], index.clone())?;
                } else {
                    self.set_var(&decl[0], elem.clone())?;
                }
            } else {
                self.set_top_var(1, elem.clone());
            }
        }
        if decl.len() > 1 {
            if b.pipe.is_assign {
                self.set_var(&decl[1], elem.clone())?;
            } else {
                self.set_top_var(2, index);
            }
        }
        let r = self.walk_list(&elem, &b.list.nodes);
        self.pop(mark);
        match r {
            Err(Flow::Continue) => Ok(()),
            other => other,
        }
    }

    fn walk_range(&mut self, dot: &Dv, b: &'s parse::Branch) -> R<()> {
        let val = self.eval_pipeline(dot, &b.pipe)?;
        // Go ranges over map- and slice-kinded named types (`.Files`, `.Files.Glob`,
        // `.Capabilities.APIVersions`) like over their underlying map or slice.
        let val = match val {
            Value::Object(o) if matches!(o.kind(), "map" | "slice") => o.to_data(),
            v => v,
        };
        let mark = self.mark();
        let ran = match &val {
            Value::Int(n) | Value::Int64(n) => {
                if b.pipe.decl.len() > 1 {
                    let s = val.to_go_string();
                    return Err(self.errorf(format!(
                        "can't use {s} to iterate over more than one variable"
                    )));
                }
                let is64 = matches!(val, Value::Int64(_));
                for i in 0..(*n).max(0) {
                    self.step()?;
                    let v = if is64 { Value::Int64(i) } else { Value::Int(i) };
                    self.one_iteration(b, mark, Dv::plain(Value::Invalid), Dv::plain(v))?;
                }
                *n > 0
            }
            Value::List(l) => {
                let iface = l.elem == ElemType::Any;
                let len = l.items.borrow().len();
                let mut i = 0;
                while i < len {
                    self.step()?;
                    let Some(elem) = l.items.borrow().get(i).cloned() else {
                        break;
                    };
                    #[allow(clippy::cast_possible_wrap)]
                    let idx = Value::Int(i as i64);
                    self.one_iteration(b, mark, Dv::plain(idx), Dv { v: elem, iface })?;
                    i += 1;
                }
                len > 0
            }
            Value::Bytes(bytes) => {
                for (i, c) in bytes.iter().enumerate() {
                    self.step()?;
                    #[allow(clippy::cast_possible_wrap)]
                    let idx = Value::Int(i as i64);
                    self.one_iteration(
                        b,
                        mark,
                        Dv::plain(idx),
                        Dv::plain(Value::Int(i64::from(*c))),
                    )?;
                }
                !bytes.is_empty()
            }
            Value::Map(m) => {
                let iface = m.ty != MapType::String;
                let entries: Vec<(String, Value)> = m
                    .entries
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                for (k, v) in &entries {
                    self.step()?;
                    self.one_iteration(
                        b,
                        mark,
                        Dv::plain(Value::str(k.as_str())),
                        Dv {
                            v: v.clone(),
                            iface,
                        },
                    )?;
                }
                !entries.is_empty()
            }
            Value::Invalid | Value::Nil => false,
            Value::Object(o) if o.is_nil() => false,
            other => {
                let s = other.to_go_string();
                return Err(self.errorf(format!("range can't iterate over {s}")));
            }
        };
        if !ran {
            if let Some(e) = &b.else_list {
                return self.walk_list(dot, &e.nodes);
            }
        }
        Ok(())
    }

    fn enter(&mut self) -> R<()> {
        if self.sh.depth >= self.sh.opts.limits.max_exec_depth {
            let max = self.sh.opts.limits.max_exec_depth;
            return Err(self.errorf(format!(
                "exceeded the limit of {max} nested template calls and control structures (limit max-template-depth={max})"
            )));
        }
        self.sh.depth += 1;
        Ok(())
    }

    fn walk_template(&mut self, dot: &Dv, node: &'s Node, t: &'s parse::TemplateCall) -> R<()> {
        self.node = Cur::Node(node);
        let Some(tree) = self.sh.lookup(&t.name) else {
            let q = super::fmt::go_quote(&t.name);
            return Err(self.errorf(format!("template {q} not defined")));
        };
        self.enter()?;
        let newdot = match &t.pipe {
            Some(p) => self.eval_pipeline(dot, p),
            None => Ok(Value::Invalid),
        };
        let newdot = match newdot {
            Ok(v) => v,
            Err(e) => {
                self.sh.depth -= 1;
                return Err(e);
            }
        };
        let r = {
            let mut child = St {
                sh: &mut *self.sh,
                tree: &tree,
                vars: vec![Var {
                    name: Rc::from("$"),
                    value: Dv::plain(newdot.clone()),
                }],
                node: Cur::None,
                out: &mut *self.out,
            };
            child.walk_list(&Dv::plain(newdot), &tree.root.nodes)
        };
        self.sh.depth -= 1;
        match r {
            Err(Flow::Break | Flow::Continue) | Ok(()) => Ok(()),
            Err(e) => Err(e),
        }
    }

    // ---- evaluation ----

    pub(crate) fn eval_pipeline(&mut self, dot: &Dv, pipe: &'s Pipe) -> R<Value> {
        self.node = Cur::Pipe(pipe);
        let mut value: Option<Value> = None;
        for cmd in &pipe.cmds {
            let v = self.eval_command(dot, cmd, value.take())?;
            // Go unwraps an interface result: a nil interface becomes no value.
            value = Some(match v.v {
                Value::Nil => Value::Invalid,
                other => other,
            });
        }
        let value = value.unwrap_or(Value::Invalid);
        for name in &pipe.decl {
            if pipe.is_assign {
                self.set_var(name, Dv::plain(value.clone()))?;
            } else {
                self.vars.push(Var {
                    name: name.clone(),
                    value: Dv::plain(value.clone()),
                });
            }
        }
        Ok(value)
    }

    fn not_a_function(&mut self, args: &'s [Arg], final_: Option<&Value>) -> R<()> {
        if args.len() > 1 || final_.is_some() {
            let s = args.first().map(Arg::string).unwrap_or_default();
            return Err(self.errorf(format!("can't give argument to non-function {s}")));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Dv, cmd: &'s Command, final_: Option<Value>) -> R<Dv> {
        self.step()?;
        let Some(first) = cmd.args.first() else {
            return Err(self.errorf("empty command"));
        };
        match first {
            Arg::Field { idents, .. } => {
                self.node = Cur::Arg(first);
                self.eval_field_chain(dot, dot.clone(), first, idents, &cmd.args, final_)
            }
            Arg::Chain { node, fields, .. } => {
                self.eval_chain(dot, first, node, fields, &cmd.args, final_)
            }
            Arg::Ident { name, func, .. } => {
                self.node = Cur::Arg(first);
                self.eval_function(dot, name, *func, Cur::Cmd(cmd), &cmd.args[1..], final_)
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, final_.as_ref())?;
                Ok(Dv::plain(self.eval_pipeline(dot, p)?))
            }
            Arg::Variable { name, fields, .. } => {
                self.eval_variable(dot, first, name, fields, &cmd.args, final_)
            }
            _ => {
                self.node = Cur::Arg(first);
                self.not_a_function(&cmd.args, final_.as_ref())?;
                match first {
                    Arg::Bool(_, b) => Ok(Dv::plain(Value::Bool(*b))),
                    Arg::Dot(_) => Ok(dot.clone()),
                    Arg::Nil(_) => Err(self.errorf("nil is not a command")),
                    Arg::Number(n) => Ok(Dv::plain(self.ideal_constant(first, n)?)),
                    Arg::Str { value, .. } => Ok(Dv::plain(Value::String(value.clone()))),
                    _ => Err(self.errorf("can't evaluate command")),
                }
            }
        }
    }

    fn ideal_constant(&mut self, node: &'s Arg, n: &Number) -> R<Value> {
        self.node = Cur::Arg(node);
        if n.is_complex {
            return Err(self.errorf(format!("complex constant {} is not supported", n.text)));
        }
        let t = &*n.text;
        let is_hex_int = t.len() > 2
            && t.starts_with('0')
            && matches!(t.as_bytes()[1], b'x' | b'X')
            && !t.contains(['p', 'P']);
        let is_rune = t.starts_with('\'');
        if n.is_float && !is_hex_int && !is_rune && t.contains(['.', 'e', 'E', 'p', 'P']) {
            return Ok(Value::Float(n.float));
        }
        if n.is_int {
            return Ok(Value::Int(n.int));
        }
        Err(self.errorf(format!("{t} overflows int")))
    }

    fn eval_chain(
        &mut self,
        dot: &Dv,
        chain: &'s Arg,
        node: &'s Arg,
        fields: &'s [Rc<str>],
        args: &'s [Arg],
        final_: Option<Value>,
    ) -> R<Dv> {
        self.node = Cur::Arg(chain);
        if matches!(node, Arg::Nil(_)) {
            let s = chain.string();
            return Err(self.errorf(format!("indirection through explicit nil in {s}")));
        }
        let recv = self.eval_arg(dot, PTy::Untyped, node)?;
        self.eval_field_chain(dot, Dv::plain(recv), chain, fields, args, final_)
    }

    fn eval_variable(
        &mut self,
        dot: &Dv,
        node: &'s Arg,
        name: &str,
        fields: &'s [Rc<str>],
        args: &'s [Arg],
        final_: Option<Value>,
    ) -> R<Dv> {
        self.node = Cur::Arg(node);
        let value = self.var_value(name)?;
        if fields.is_empty() {
            self.not_a_function(args, final_.as_ref())?;
            return Ok(value);
        }
        self.eval_field_chain(dot, value, node, fields, args, final_)
    }

    fn eval_field_chain(
        &mut self,
        dot: &Dv,
        mut recv: Dv,
        node: &'s Arg,
        idents: &'s [Rc<str>],
        args: &'s [Arg],
        final_: Option<Value>,
    ) -> R<Dv> {
        let n = idents.len();
        for id in idents.iter().take(n.saturating_sub(1)) {
            recv = self.eval_field(dot, id, node, &[], None, recv)?;
        }
        match idents.last() {
            Some(last) => self.eval_field(dot, last, node, args, final_, recv),
            None => Ok(recv),
        }
    }

    fn eval_field(
        &mut self,
        dot: &Dv,
        field: &str,
        node: &'s Arg,
        args: &'s [Arg],
        final_: Option<Value>,
        recv: Dv,
    ) -> R<Dv> {
        let has_args = args.len() > 1 || final_.is_some();
        match &recv.v {
            Value::Invalid => {
                if self.sh.opts.missing_key_error {
                    let q = super::fmt::go_quote(field);
                    return Err(self.errorf(format!("nil data; no entry for key {q}")));
                }
                Ok(Dv::plain(Value::Invalid))
            }
            Value::Nil => {
                Err(self.errorf(format!("nil pointer evaluating interface {{}}.{field}")))
            }
            Value::Map(m) => {
                if has_args {
                    return Err(self.errorf(format!("{field} is not a method but has arguments")));
                }
                let got = m.entries.borrow().get(field).cloned();
                let iface = m.ty != MapType::String;
                match got {
                    Some(v) => Ok(Dv { v, iface }),
                    None => {
                        if self.sh.opts.missing_key_error {
                            let q = super::fmt::go_quote(field);
                            return Err(self.errorf(format!("map has no entry for key {q}")));
                        }
                        Ok(if iface {
                            Dv {
                                v: Value::Nil,
                                iface: true,
                            }
                        } else {
                            Dv::plain(Value::str(""))
                        })
                    }
                }
            }
            Value::Object(o) => {
                let o = o.clone();
                if o.is_nil() {
                    let t = iface_type_name(&recv);
                    return Err(self.errorf(format!("nil pointer evaluating {t}.{field}")));
                }
                if let Some(sig) = o.method(field) {
                    let argv = self.eval_call_args(
                        dot,
                        field,
                        sig,
                        Cur::Arg(node),
                        args.get(1..).unwrap_or(&[]),
                        final_,
                    )?;
                    return match o.call(field, argv) {
                        Ok(v) => Ok(Dv::plain(v)),
                        Err(e) => {
                            self.node = Cur::Arg(node);
                            Err(self.errorf(format!("error calling {field}: {e}")))
                        }
                    };
                }
                match o.field(field) {
                    Some(v) => {
                        if has_args {
                            return Err(self.errorf(format!(
                                "{field} has arguments but cannot be invoked as function"
                            )));
                        }
                        Ok(Dv::plain(v))
                    }
                    None => {
                        let t = iface_type_name(&recv);
                        Err(self.errorf(format!("can't evaluate field {field} in type {t}")))
                    }
                }
            }
            _ => {
                let t = iface_type_name(&recv);
                Err(self.errorf(format!("can't evaluate field {field} in type {t}")))
            }
        }
    }

    /// Evaluates and checks the arguments of a call against `sig`.
    fn eval_call_args(
        &mut self,
        dot: &Dv,
        name: &str,
        sig: &Sig,
        call_node: Cur<'s>,
        args: &'s [Arg],
        final_: Option<Value>,
    ) -> R<Vec<Value>> {
        let params: Vec<PTy> = sig.params.iter().map(|t| PTy::Go(*t)).collect();
        let variadic = sig.variadic.map(PTy::Go);
        self.eval_args_typed(dot, name, &params, variadic, call_node, args, final_)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_args_typed(
        &mut self,
        dot: &Dv,
        name: &str,
        params: &[PTy],
        variadic: Option<PTy>,
        _call_node: Cur<'s>,
        args: &'s [Arg],
        final_: Option<Value>,
    ) -> R<Vec<Value>> {
        let num_in = args.len() + usize::from(final_.is_some());
        let num_fixed = params.len();
        if variadic.is_some() {
            if num_in < num_fixed {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want at least {num_fixed} got {}",
                    args.len()
                )));
            }
        } else if num_in != num_fixed {
            return Err(self.errorf(format!(
                "wrong number of args for {name}: want {num_fixed} got {num_in}"
            )));
        }
        let mut argv = Vec::with_capacity(num_in);
        let mut i = 0;
        while i < num_fixed && i < args.len() {
            let v = self.eval_arg(dot, params[i], &args[i])?;
            argv.push(v);
            i += 1;
        }
        if let Some(rest) = variadic {
            while i < args.len() {
                let v = self.eval_arg(dot, rest, &args[i])?;
                argv.push(v);
                i += 1;
            }
        }
        if let Some(f) = final_ {
            let t = match variadic {
                Some(rest) => {
                    if num_in - 1 < num_fixed {
                        params.get(num_in - 1).copied().unwrap_or(rest)
                    } else {
                        rest
                    }
                }
                None => params.last().copied().unwrap_or(PTy::Go(Ty::Any)),
            };
            let v = self.validate_type(Dv::plain(f), t)?;
            argv.push(v);
        }
        Ok(argv)
    }

    fn eval_function(
        &mut self,
        dot: &Dv,
        name: &str,
        func: Func,
        call_node: Cur<'s>,
        args: &'s [Arg],
        final_: Option<Value>,
    ) -> R<Dv> {
        match func {
            Func::Native(def) => {
                let argv = self.eval_call_args(dot, name, &def.sig, call_node, args, final_)?;
                let r = match def.call {
                    Some(f) => f(&mut self.sh.opts.funcs, argv),
                    None => self.call_special(name, argv),
                };
                match r.and_then(|v| self.bounded(v)) {
                    Ok(v) => Ok(Dv::plain(v)),
                    Err(e) => {
                        self.node = call_node;
                        Err(self.errorf(format!("error calling {name}: {e}")))
                    }
                }
            }
            Func::Builtin(b) => self.eval_builtin(dot, name, b, call_node, args, final_),
        }
    }

    fn call_special(&mut self, name: &str, argv: Vec<Value>) -> Result<Value, String> {
        let mut it = argv.into_iter();
        let first = it.next().unwrap_or(Value::Invalid);
        let data = it.next().unwrap_or(Value::Nil);
        let text = first.as_str().unwrap_or("").to_string();
        match name {
            "include" => self.include(&text, data),
            "tpl" => self.tpl(&text, data),
            _ => Err(format!("function {name} is not available")),
        }
    }

    fn data_dot(data: Value) -> Value {
        // reflect.ValueOf(nil) is the invalid value.
        match data {
            Value::Nil => Value::Invalid,
            other => other,
        }
    }

    fn include(&mut self, name: &str, data: Value) -> Result<Value, String> {
        let max = self.sh.opts.limits.max_include_depth;
        let key: Rc<str> = Rc::from(name);
        let count = self.sh.include_counts.entry(key.clone()).or_insert(0);
        if *count > 0 && *count > max {
            return Err(format!(
                "rendering template has a nested reference name: {name}: unable to execute template"
            ));
        }
        *count += 1;
        let r = self.include_inner(name, data);
        if let Some(c) = self.sh.include_counts.get_mut(&key) {
            *c = c.saturating_sub(1);
        }
        r
    }

    fn include_inner(&mut self, name: &str, data: Value) -> Result<Value, String> {
        let Some(tree) = self.sh.lookup(name) else {
            return Err(format!(
                "template: no template {} associated with template {}",
                super::fmt::go_quote(name),
                super::fmt::go_quote(ROOT_NAME)
            ));
        };
        if self.sh.depth >= self.sh.opts.limits.max_exec_depth {
            let max = self.sh.opts.limits.max_exec_depth;
            return Err(format!(
                "exceeded the limit of {max} nested template calls and control structures (limit max-template-depth={max})"
            ));
        }
        self.sh.depth += 1;
        let mut out = Out::new();
        let r = run(self.sh, &tree, Self::data_dot(data), &mut out);
        self.sh.depth -= 1;
        r?;
        Ok(Value::String(out.into_str()))
    }

    fn tpl(&mut self, text: &str, data: Value) -> Result<Value, String> {
        let src = Rc::new(Source::new(std::sync::Arc::from(ROOT_NAME), Rc::from(text)));
        let parsed = match parse::parse_with_source(ROOT_NAME, src) {
            Ok(p) => p,
            Err(e) => {
                return Err(format!(
                    "cannot parse template {}: {}",
                    super::fmt::go_quote(text),
                    e.message
                ))
            }
        };
        let mut overlay: HashMap<Rc<str>, Rc<Tree>> = HashMap::new();
        let mut main = None;
        for tree in parsed.trees {
            let tree = Rc::new(tree);
            if &*tree.name == ROOT_NAME {
                main = Some(tree.clone());
            }
            if tree.is_empty() && self.sh.lookup(&tree.name).is_some() {
                continue;
            }
            overlay.insert(tree.name.clone(), tree);
        }
        let Some(main) = main else {
            return Ok(Value::str(""));
        };
        if self.sh.depth >= self.sh.opts.limits.max_exec_depth {
            let max = self.sh.opts.limits.max_exec_depth;
            return Err(format!(
                "exceeded the limit of {max} nested template calls and control structures (limit max-template-depth={max})"
            ));
        }
        self.sh.overlays.push(overlay);
        self.sh.depth += 1;
        let mut out = Out::new();
        let r = run(self.sh, &main, Self::data_dot(data), &mut out);
        self.sh.depth -= 1;
        self.sh.overlays.pop();
        if let Err(e) = r {
            return Err(format!(
                "error during tpl function execution for {}: {}",
                super::fmt::go_quote(text),
                e
            ));
        }
        let text = out.text.replace("<no value>", "");
        // Lines of a tpl result get the origin of the action that prints them.
        Ok(Value::str(text))
    }

    fn validate_type(&mut self, value: Dv, ty: PTy) -> R<Value> {
        let v = value.v;
        if matches!(v, Value::Invalid) {
            return match ty {
                PTy::Untyped | PTy::Rv => Ok(Value::Invalid),
                PTy::Go(Ty::Any) => Ok(Value::Nil),
                PTy::Go(Ty::Map) => Ok(Value::empty_map()),
                PTy::Go(Ty::List) => Ok(Value::list(Vec::new())),
                PTy::Go(Ty::StrList) => Ok(Value::str_list(Vec::new())),
                PTy::Go(Ty::Bytes) => Ok(Value::Bytes(Rc::from(&[][..]))),
                PTy::Go(t) => Err(self.errorf(format!("invalid value; expected {}", t.go_name()))),
            };
        }
        let ok = match ty {
            PTy::Untyped | PTy::Rv | PTy::Go(Ty::Any) => true,
            PTy::Go(Ty::String) => matches!(v, Value::String(_)),
            PTy::Go(Ty::Int) => matches!(v, Value::Int(_)),
            PTy::Go(Ty::Int64) => matches!(v, Value::Int64(_)),
            PTy::Go(Ty::Float64) => matches!(v, Value::Float(_)),
            PTy::Go(Ty::Bool) => matches!(v, Value::Bool(_)),
            PTy::Go(Ty::Map) => matches!(&v, Value::Map(m) if m.ty != MapType::String),
            PTy::Go(Ty::List) => matches!(&v, Value::List(l) if l.elem == ElemType::Any),
            PTy::Go(Ty::StrList) => matches!(&v, Value::List(l) if l.elem == ElemType::String),
            PTy::Go(Ty::Bytes) => matches!(v, Value::Bytes(_)),
        };
        if ok {
            return Ok(v);
        }
        let got = if matches!(v, Value::Nil) {
            "interface {}".to_string()
        } else {
            v.type_name()
        };
        Err(self.errorf(format!(
            "wrong type for value; expected {}; got {got}",
            ty.name()
        )))
    }

    fn eval_arg(&mut self, dot: &Dv, ty: PTy, n: &'s Arg) -> R<Value> {
        self.node = Cur::Arg(n);
        match n {
            Arg::Dot(_) => return self.validate_type(dot.clone(), ty),
            Arg::Nil(_) => {
                if ty.can_be_nil() || ty == PTy::Untyped {
                    return self.validate_type(Dv::plain(Value::Invalid), ty).map(|v| {
                        if ty == PTy::Rv {
                            Value::Invalid
                        } else {
                            v
                        }
                    });
                }
                return Err(self.errorf(format!("cannot assign nil to {}", ty.name())));
            }
            Arg::Field { idents, .. } => {
                let v = self.eval_field_chain(
                    dot,
                    dot.clone(),
                    n,
                    idents,
                    std::slice::from_ref(n),
                    None,
                )?;
                return self.validate_type(v, ty);
            }
            Arg::Variable { name, fields, .. } => {
                let v = self.eval_variable(dot, n, name, fields, &[], None)?;
                return self.validate_type(v, ty);
            }
            Arg::Pipe(p) => {
                let v = self.eval_pipeline(dot, p)?;
                return self.validate_type(Dv::plain(v), ty);
            }
            Arg::Ident { name, func, .. } => {
                let v = self.eval_function(dot, name, *func, Cur::Arg(n), &[], None)?;
                return self.validate_type(v, ty);
            }
            Arg::Chain { node, fields, .. } => {
                let v = self.eval_chain(dot, n, node, fields, &[], None)?;
                return self.validate_type(v, ty);
            }
            _ => {}
        }
        let ns = n.string();
        match ty {
            PTy::Go(Ty::Bool) => match n {
                Arg::Bool(_, b) => Ok(Value::Bool(*b)),
                _ => Err(self.errorf(format!("expected bool; found {ns}"))),
            },
            PTy::Go(Ty::Float64) => match n {
                Arg::Number(num) if num.is_float => Ok(Value::Float(num.float)),
                _ => Err(self.errorf(format!("expected float; found {ns}"))),
            },
            PTy::Go(Ty::Int | Ty::Int64) => match n {
                Arg::Number(num) if num.is_int => Ok(if ty == PTy::Go(Ty::Int) {
                    Value::Int(num.int)
                } else {
                    Value::Int64(num.int)
                }),
                _ => Err(self.errorf(format!("expected integer; found {ns}"))),
            },
            PTy::Go(Ty::String) => match n {
                Arg::Str { value, .. } => Ok(Value::String(value.clone())),
                _ => Err(self.errorf(format!("expected string; found {ns}"))),
            },
            PTy::Go(Ty::Any) | PTy::Rv | PTy::Untyped => match n {
                Arg::Bool(_, b) => Ok(Value::Bool(*b)),
                Arg::Number(num) => self.ideal_constant(n, num),
                Arg::Str { value, .. } => Ok(Value::String(value.clone())),
                _ => Err(self.errorf(format!(
                    "can't handle assignment of {ns} to empty interface argument"
                ))),
            },
            PTy::Go(t) => {
                Err(self.errorf(format!("can't handle {ns} for arg of type {}", t.go_name())))
            }
        }
    }

    fn eval_builtin(
        &mut self,
        dot: &Dv,
        name: &str,
        b: Builtin,
        call_node: Cur<'s>,
        args: &'s [Arg],
        final_: Option<Value>,
    ) -> R<Dv> {
        use PTy::{Go, Rv};
        if matches!(b, Builtin::And | Builtin::Or) {
            let num_in = args.len() + usize::from(final_.is_some());
            if num_in < 1 {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want at least 1 got {}",
                    args.len()
                )));
            }
            let is_or = b == Builtin::Or;
            let mut v = Value::Invalid;
            for a in args {
                v = self.eval_arg(dot, Rv, a)?;
                if v.is_true() == is_or {
                    return Ok(Dv::plain(v));
                }
            }
            if let Some(f) = final_ {
                v = f;
            }
            return Ok(Dv::plain(v));
        }
        let (params, variadic): (&[PTy], Option<PTy>) = match b {
            Builtin::Not | Builtin::Len => (&[Rv], None),
            Builtin::Index | Builtin::Eq | Builtin::Call => (&[Rv], Some(Rv)),
            Builtin::Ne | Builtin::Lt | Builtin::Le | Builtin::Gt | Builtin::Ge => {
                (&[Rv, Rv], None)
            }
            Builtin::Printf => (&[Go(Ty::String)], Some(Go(Ty::Any))),
            Builtin::Print | Builtin::Println | Builtin::Html | Builtin::Js | Builtin::Urlquery => {
                (&[], Some(Go(Ty::Any)))
            }
            Builtin::And | Builtin::Or => (&[], None),
        };
        let argv = self.eval_args_typed(dot, name, params, variadic, call_node, args, final_)?;
        let r = match b {
            Builtin::Call => {
                let callee = args.first().map(Arg::string).unwrap_or_default();
                builtins::call(&callee, &argv)
            }
            _ => builtins::call_builtin(b, argv),
        };
        match r.and_then(|v| {
            let bounded = self.bounded(v.v)?;
            Ok(Dv { v: bounded, ..v })
        }) {
            Ok(v) => Ok(v),
            Err(e) => {
                self.node = call_node;
                Err(self.errorf(format!("error calling {name}: {e}")))
            }
        }
    }
}
