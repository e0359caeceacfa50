//! The parser of Go's `text/template` (`text/template/parse/parse.go`): the same grammar,
//! node positions and error texts, producing the trees the executor walks.

use std::rc::Rc;

use super::lex::{lex, Item, Lexed, T};
use crate::funcs::FuncDef;

/// A byte offset in a template's text.
pub(crate) type Pos = u32;

/// A parsed template: a file or a `define`.
pub(crate) struct Tree {
    /// The template name.
    pub(crate) name: Rc<str>,
    /// The source it was parsed from (shared by the file and its `define`s).
    pub(crate) src: Rc<Source>,
    /// The body.
    pub(crate) root: List,
}

/// A template source: its name (Go's `ParseName`), text and line starts.
pub(crate) struct Source {
    pub(crate) name: std::sync::Arc<str>,
    pub(crate) text: Rc<str>,
    line_starts: Vec<u32>,
}

impl Source {
    pub(crate) fn new(name: std::sync::Arc<str>, text: Rc<str>) -> Source {
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        Source {
            name,
            text,
            line_starts,
        }
    }

    /// Go's `ErrorContext` location: 1-based line and 0-based byte column.
    pub(crate) fn line_byte_col(&self, pos: Pos) -> (u32, u32) {
        let idx = match self.line_starts.binary_search(&pos) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(idx).copied().unwrap_or(0);
        (
            u32::try_from(idx + 1).unwrap_or(u32::MAX),
            pos - start.min(pos),
        )
    }

    /// 1-based line and 1-based character column of a position.
    pub(crate) fn line_char_col(&self, pos: Pos) -> (u32, u32) {
        let (line, bcol) = self.line_byte_col(pos);
        let start = (pos - bcol) as usize;
        let chars = self
            .text
            .get(start..pos as usize)
            .map_or(bcol as usize, |s| s.chars().count());
        (line, u32::try_from(chars + 1).unwrap_or(u32::MAX))
    }
}

/// A list of nodes.
pub(crate) struct List {
    pub(crate) nodes: Vec<Node>,
}

/// A node of a template body.
pub(crate) enum Node {
    Text { pos: Pos, end: Pos },
    Action(Box<Action>),
    If(Box<Branch>),
    Range(Box<Branch>),
    With(Box<Branch>),
    Template(Box<TemplateCall>),
    Break(Pos),
    Continue(Pos),
}

/// `{{pipeline}}`.
pub(crate) struct Action {
    pub(crate) pos: Pos,
    pub(crate) pipe: Pipe,
    /// The values path the action prints, when it reads `.Values...` or `$.Values...`.
    pub(crate) vpath: Option<std::sync::Arc<str>>,
}

/// `if`, `range`, `with`.
pub(crate) struct Branch {
    pub(crate) pipe: Pipe,
    pub(crate) list: List,
    pub(crate) else_list: Option<List>,
}

/// `{{template "name" pipeline}}`.
pub(crate) struct TemplateCall {
    pub(crate) pos: Pos,
    pub(crate) name: Rc<str>,
    pub(crate) pipe: Option<Pipe>,
}

/// A pipeline with optional declarations.
pub(crate) struct Pipe {
    pub(crate) pos: Pos,
    pub(crate) is_assign: bool,
    pub(crate) decl: Vec<Rc<str>>,
    pub(crate) cmds: Vec<Command>,
}

/// One command of a pipeline.
pub(crate) struct Command {
    pub(crate) pos: Pos,
    pub(crate) args: Vec<Arg>,
}

/// A function reference resolved at parse time.
#[derive(Clone, Copy)]
pub(crate) enum Func {
    Builtin(Builtin),
    Native(&'static FuncDef),
}

/// Go's built-in template functions (without `slice`, which Sprig's shadows in Helm).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Builtin {
    And,
    Or,
    Not,
    Len,
    Index,
    Print,
    Printf,
    Println,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Html,
    Js,
    Urlquery,
    Call,
}

impl Builtin {
    fn lookup(name: &str) -> Option<Builtin> {
        Some(match name {
            "and" => Builtin::And,
            "or" => Builtin::Or,
            "not" => Builtin::Not,
            "len" => Builtin::Len,
            "index" => Builtin::Index,
            "print" => Builtin::Print,
            "printf" => Builtin::Printf,
            "println" => Builtin::Println,
            "eq" => Builtin::Eq,
            "ne" => Builtin::Ne,
            "lt" => Builtin::Lt,
            "le" => Builtin::Le,
            "gt" => Builtin::Gt,
            "ge" => Builtin::Ge,
            "html" => Builtin::Html,
            "js" => Builtin::Js,
            "urlquery" => Builtin::Urlquery,
            "call" => Builtin::Call,
            _ => return None,
        })
    }
}

/// Resolves a function name as Helm's template does: the function map first, then Go's
/// builtins.
pub(crate) fn find_func(name: &str) -> Option<Func> {
    if let Some(def) = crate::funcs::lookup(name) {
        return Some(Func::Native(def));
    }
    Builtin::lookup(name).map(Func::Builtin)
}

/// A number literal with Go's flags.
pub(crate) struct Number {
    pub(crate) pos: Pos,
    pub(crate) text: Box<str>,
    pub(crate) is_int: bool,
    pub(crate) is_uint: bool,
    pub(crate) is_float: bool,
    pub(crate) is_complex: bool,
    pub(crate) int: i64,
    pub(crate) float: f64,
}

/// An operand.
pub(crate) enum Arg {
    Field {
        pos: Pos,
        idents: Box<[Rc<str>]>,
    },
    Variable {
        pos: Pos,
        name: Rc<str>,
        fields: Box<[Rc<str>]>,
    },
    Ident {
        pos: Pos,
        name: Rc<str>,
        func: Func,
    },
    Dot(Pos),
    Nil(Pos),
    Bool(Pos, bool),
    Number(Box<Number>),
    Str {
        pos: Pos,
        quoted: Box<str>,
        value: crate::value::Str,
    },
    Pipe(Box<Pipe>),
    Chain {
        pos: Pos,
        node: Box<Arg>,
        fields: Box<[Rc<str>]>,
    },
}

impl Arg {
    pub(crate) fn pos(&self) -> Pos {
        match self {
            Arg::Field { pos, .. }
            | Arg::Variable { pos, .. }
            | Arg::Ident { pos, .. }
            | Arg::Dot(pos)
            | Arg::Nil(pos)
            | Arg::Bool(pos, _)
            | Arg::Str { pos, .. }
            | Arg::Chain { pos, .. } => *pos,
            Arg::Number(n) => n.pos,
            Arg::Pipe(p) => p.pos,
        }
    }

    /// Go's `Node.String()`.
    pub(crate) fn write(&self, out: &mut String) {
        match self {
            Arg::Field { idents, .. } => {
                for id in idents.iter() {
                    out.push('.');
                    out.push_str(id);
                }
            }
            Arg::Variable { name, fields, .. } => {
                out.push_str(name);
                for id in fields.iter() {
                    out.push('.');
                    out.push_str(id);
                }
            }
            Arg::Ident { name, .. } => out.push_str(name),
            Arg::Dot(_) => out.push('.'),
            Arg::Nil(_) => out.push_str("nil"),
            Arg::Bool(_, b) => out.push_str(if *b { "true" } else { "false" }),
            Arg::Number(n) => out.push_str(&n.text),
            Arg::Str { quoted, .. } => out.push_str(quoted),
            Arg::Pipe(p) => p.write(out),
            Arg::Chain { node, fields, .. } => {
                if let Arg::Pipe(p) = &**node {
                    out.push('(');
                    p.write(out);
                    out.push(')');
                } else {
                    node.write(out);
                }
                for id in fields.iter() {
                    out.push('.');
                    out.push_str(id);
                }
            }
        }
    }

    pub(crate) fn string(&self) -> String {
        let mut s = String::new();
        self.write(&mut s);
        s
    }
}

impl Command {
    pub(crate) fn write(&self, out: &mut String) {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            if let Arg::Pipe(p) = a {
                out.push('(');
                p.write(out);
                out.push(')');
            } else {
                a.write(out);
            }
        }
    }
}

impl Pipe {
    pub(crate) fn write(&self, out: &mut String) {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(v);
            }
            out.push_str(if self.is_assign { " = " } else { " := " });
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                out.push_str(" | ");
            }
            c.write(out);
        }
    }
}

impl List {
    pub(crate) fn write(&self, src: &Source, out: &mut String) {
        for n in &self.nodes {
            n.write(src, out);
        }
    }

    fn is_empty_tree(&self, src: &Source) -> bool {
        self.nodes.iter().all(|n| match n {
            Node::Text { pos, end } => src
                .text
                .get(*pos as usize..*end as usize)
                .is_none_or(|s| s.trim_matches(is_go_space).is_empty()),
            _ => false,
        })
    }
}

fn is_go_space(c: char) -> bool {
    // bytes.TrimSpace: Unicode white space.
    c.is_whitespace()
}

impl Node {
    pub(crate) fn pos(&self) -> Pos {
        match self {
            Node::Text { pos, .. } | Node::Break(pos) | Node::Continue(pos) => *pos,
            Node::Action(a) => a.pos,
            Node::If(b) | Node::Range(b) | Node::With(b) => b.pipe.pos,
            Node::Template(t) => t.pos,
        }
    }

    pub(crate) fn write(&self, src: &Source, out: &mut String) {
        match self {
            Node::Text { pos, end } => {
                out.push_str(src.text.get(*pos as usize..*end as usize).unwrap_or(""));
            }
            Node::Action(a) => {
                out.push_str("{{");
                a.pipe.write(out);
                out.push_str("}}");
            }
            Node::If(b) | Node::Range(b) | Node::With(b) => {
                let name = match self {
                    Node::If(_) => "if",
                    Node::Range(_) => "range",
                    _ => "with",
                };
                out.push_str("{{");
                out.push_str(name);
                out.push(' ');
                b.pipe.write(out);
                out.push_str("}}");
                b.list.write(src, out);
                if let Some(e) = &b.else_list {
                    out.push_str("{{else}}");
                    e.write(src, out);
                }
                out.push_str("{{end}}");
            }
            Node::Template(t) => {
                out.push_str("{{template ");
                out.push_str(&super::fmt::go_quote(&t.name));
                if let Some(p) = &t.pipe {
                    out.push(' ');
                    p.write(out);
                }
                out.push_str("}}");
            }
            Node::Break(_) => out.push_str("{{break}}"),
            Node::Continue(_) => out.push_str("{{continue}}"),
        }
    }
}

/// A parse error: Go's message (`template: NAME:LINE: msg`) and the line.
pub(crate) struct ParseError {
    pub(crate) message: String,
    pub(crate) line: u32,
}

/// What parsing one text yields: the main tree and the `define`d ones, in order.
pub(crate) struct Parsed {
    pub(crate) trees: Vec<Tree>,
}

/// An item the parser has read or pushed back.
struct Parser<'a> {
    input: &'a str,
    lexed: Lexed,
    idx: usize,
    furthest: usize,
    vars: Vec<Rc<str>>,
    range_depth: u32,
    stack_depth: u32,
    action_line: u32,
    src: Rc<Source>,
    /// Trees of this parse: (name, tree, empty?).
    trees: Vec<Tree>,
}

type PResult<T> = Result<T, ParseError>;

/// Nesting bound for parenthesised pipelines and control structures together. Go bounds
/// only parentheses (10 000); a lower common bound keeps the recursive parser within a
/// small stack. Real charts nest a few levels.
const MAX_STACK_DEPTH: u32 = 1_000;

/// Parses `text` as the template `name`, with its `define`s and `block`s.
pub(crate) fn parse(name: &str, text: &str) -> Result<Parsed, ParseError> {
    parse_with_source(name, Rc::new(Source::new(name.into(), text.into())))
}

/// Parses the text of `src` as the template `name`.
pub(crate) fn parse_with_source(name: &str, src: Rc<Source>) -> Result<Parsed, ParseError> {
    let text = src.text.clone();
    let lexed = lex(&text);
    let mut p = Parser {
        input: &text,
        lexed,
        idx: 0,
        furthest: 0,
        vars: vec![Rc::from("$")],
        range_depth: 0,
        stack_depth: 0,
        action_line: 0,
        src,
        trees: Vec::new(),
    };
    let root = p.parse_top()?;
    let tree = Tree {
        name: name.into(),
        src: p.src.clone(),
        root,
    };
    p.add(tree)?;
    Ok(Parsed { trees: p.trees })
}

impl Tree {
    /// Go's `IsEmptyTree`: only whitespace text (and comments).
    pub(crate) fn is_empty(&self) -> bool {
        self.root.is_empty_tree(&self.src)
    }
}

impl Parser<'_> {
    fn item(&self, i: usize) -> Item {
        self.lexed.items.get(i).copied().unwrap_or(Item {
            typ: T::Eof,
            pos: u32::try_from(self.input.len()).unwrap_or(u32::MAX),
            end: u32::try_from(self.input.len()).unwrap_or(u32::MAX),
            line: self.lexed.items.last().map_or(1, |i| i.line),
        })
    }

    fn next(&mut self) -> Item {
        let it = self.item(self.idx);
        if self.idx > self.furthest {
            self.furthest = self.idx;
        }
        if self.idx < self.lexed.items.len() {
            self.idx += 1;
        }
        it
    }

    fn backup(&mut self) {
        self.idx = self.idx.saturating_sub(1);
    }

    fn peek(&mut self) -> Item {
        let it = self.next();
        self.backup();
        it
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let it = self.next();
            if it.typ != T::Space {
                return it;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let it = self.next_non_space();
        self.backup();
        it
    }

    fn val(&self, it: &Item) -> &str {
        self.lexed.val(self.input, it)
    }

    fn errorf(&self, msg: impl std::fmt::Display) -> ParseError {
        let line = self.item(self.furthest).line;
        ParseError {
            message: format!("template: {}:{}: {}", self.src.name, line, msg),
            line,
        }
    }

    fn unexpected(&self, it: &Item, context: &str) -> ParseError {
        let desc = self.lexed.describe(self.input, it);
        if it.typ == T::Error {
            let mut extra = String::new();
            if self.action_line != 0 && self.action_line != it.line {
                extra = format!(
                    " in action started at {}:{}",
                    self.src.name, self.action_line
                );
                if desc.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.errorf(format!("{desc}{extra}"));
        }
        self.errorf(format!("unexpected {desc} in {context}"))
    }

    fn expect(&mut self, typ: T, context: &str) -> PResult<Item> {
        let it = self.next_non_space();
        if it.typ != typ {
            return Err(self.unexpected(&it, context));
        }
        Ok(it)
    }

    /// Adds a tree of this parse, with Go's rule for two definitions in one text.
    fn add(&mut self, tree: Tree) -> PResult<()> {
        if let Some(i) = self.trees.iter().position(|t| t.name == tree.name) {
            if self.trees[i].is_empty() {
                self.trees[i] = tree;
                return Ok(());
            }
            if !tree.is_empty() {
                return Err(self.errorf(format!(
                    "template: multiple definition of template {}",
                    super::fmt::go_quote(&tree.name)
                )));
            }
            return Ok(());
        }
        self.trees.push(tree);
        Ok(())
    }

    fn parse_top(&mut self) -> PResult<List> {
        let mut root = List { nodes: Vec::new() };
        while self.peek().typ != T::Eof {
            if self.peek().typ == T::LeftDelim {
                let save = self.idx;
                self.next();
                if self.next_non_space().typ == T::Define {
                    self.parse_definition()?;
                    continue;
                }
                self.idx = save;
            }
            match self.text_or_action()? {
                Parsed1::End => return Err(self.errorf("unexpected {{end}}")),
                Parsed1::Else => return Err(self.errorf("unexpected {{else}}")),
                Parsed1::Node(n) => push_node(&mut root, n),
                Parsed1::Nothing => {}
            }
        }
        Ok(root)
    }

    fn parse_definition(&mut self) -> PResult<()> {
        let context = "define clause";
        let it = self.next_non_space();
        if it.typ != T::String && it.typ != T::RawString {
            return Err(self.unexpected(&it, context));
        }
        let name = unquote(self.val(&it)).map_err(|e| self.errorf(e))?;
        self.expect(T::RightDelim, context)?;
        let saved_vars = std::mem::replace(&mut self.vars, vec![Rc::from("$")]);
        let saved_depth = (self.range_depth, self.stack_depth);
        self.range_depth = 0;
        self.stack_depth = 0;
        let (list, end) = self.item_list()?;
        self.vars = saved_vars;
        (self.range_depth, self.stack_depth) = saved_depth;
        if !matches!(end, Parsed1::End) {
            return Err(self.errorf(format!("unexpected {} in {context}", end.describe())));
        }
        let tree = Tree {
            name: name.into(),
            src: self.src.clone(),
            root: list,
        };
        self.add(tree)
    }

    fn item_list(&mut self) -> PResult<(List, Parsed1)> {
        let mut list = List { nodes: Vec::new() };
        while self.peek_non_space().typ != T::Eof {
            match self.text_or_action()? {
                n @ (Parsed1::End | Parsed1::Else) => return Ok((list, n)),
                Parsed1::Node(n) => push_node(&mut list, n),
                Parsed1::Nothing => {}
            }
        }
        Err(self.errorf("unexpected EOF"))
    }

    fn text_or_action(&mut self) -> PResult<Parsed1> {
        let it = self.next_non_space();
        match it.typ {
            T::Text => Ok(Parsed1::Node(Node::Text {
                pos: it.pos,
                end: it.end,
            })),
            T::LeftDelim => {
                self.action_line = it.line;
                let r = self.action();
                self.action_line = 0;
                r
            }
            _ => Err(self.unexpected(&it, "input")),
        }
    }

    fn action(&mut self) -> PResult<Parsed1> {
        let it = self.next_non_space();
        match it.typ {
            T::Block => return self.block_control().map(Parsed1::Node),
            T::Break | T::Continue => {
                let word = if it.typ == T::Break {
                    "break"
                } else {
                    "continue"
                };
                let tok = self.next_non_space();
                if tok.typ != T::RightDelim {
                    return Err(self.unexpected(&tok, &format!("{{{{{word}}}}}")));
                }
                if self.range_depth == 0 {
                    return Err(self.errorf(format!("{{{{{word}}}}} outside {{{{range}}}}")));
                }
                return Ok(Parsed1::Node(if it.typ == T::Break {
                    Node::Break(it.pos)
                } else {
                    Node::Continue(it.pos)
                }));
            }
            T::Else => {
                let peek = self.peek_non_space();
                if peek.typ == T::If || peek.typ == T::With {
                    return Ok(Parsed1::Else);
                }
                self.expect(T::RightDelim, "else")?;
                return Ok(Parsed1::Else);
            }
            T::End => {
                self.expect(T::RightDelim, "end")?;
                return Ok(Parsed1::End);
            }
            T::If => return self.control("if").map(Parsed1::Node),
            T::Range => return self.control("range").map(Parsed1::Node),
            T::With => return self.control("with").map(Parsed1::Node),
            T::Template => return self.template_control().map(Parsed1::Node),
            _ => {}
        }
        self.backup();
        let tok = self.peek();
        let pipe = self.pipeline("command", T::RightDelim)?;
        let vpath = if pipe.decl.is_empty() {
            values_path(&pipe).map(|p| std::sync::Arc::from(&*p))
        } else {
            None
        };
        Ok(Parsed1::Node(Node::Action(Box::new(Action {
            pos: tok.pos,
            pipe,
            vpath,
        }))))
    }

    fn control(&mut self, context: &str) -> PResult<Node> {
        if self.stack_depth >= MAX_STACK_DEPTH {
            return Err(self.errorf("max expression depth exceeded"));
        }
        self.stack_depth += 1;
        let nvars = self.vars.len();
        let r = self.control_inner(context);
        self.vars.truncate(nvars);
        self.stack_depth -= 1;
        let (pipe, list, else_list) = r?;
        let b = Box::new(Branch {
            pipe,
            list,
            else_list,
        });
        Ok(match context {
            "if" => Node::If(b),
            "range" => Node::Range(b),
            _ => Node::With(b),
        })
    }

    fn control_inner(&mut self, context: &str) -> PResult<(Pipe, List, Option<List>)> {
        let pipe = self.pipeline(context, T::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let r = self.item_list();
        if context == "range" {
            self.range_depth -= 1;
        }
        let (list, next) = r?;
        let mut else_list = None;
        if matches!(next, Parsed1::Else) {
            let peek = self.peek();
            if context == "if" && peek.typ == T::If {
                self.next();
                let n = self.control("if")?;
                else_list = Some(List { nodes: vec![n] });
            } else if context == "with" && peek.typ == T::With {
                self.next();
                let n = self.control("with")?;
                else_list = Some(List { nodes: vec![n] });
            } else {
                let (l, next) = self.item_list()?;
                if !matches!(next, Parsed1::End) {
                    return Err(self.errorf(format!("expected end; found {}", next.describe())));
                }
                else_list = Some(l);
            }
        }
        Ok((pipe, list, else_list))
    }

    fn template_name(&mut self, it: &Item, context: &str) -> PResult<Rc<str>> {
        match it.typ {
            T::String | T::RawString => {
                let s = unquote(self.val(it)).map_err(|e| self.errorf(e))?;
                Ok(s.into())
            }
            _ => Err(self.unexpected(it, context)),
        }
    }

    fn template_control(&mut self) -> PResult<Node> {
        let context = "template clause";
        let tok = self.next_non_space();
        let name = self.template_name(&tok, context)?;
        let mut pipe = None;
        if self.next_non_space().typ != T::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(context, T::RightDelim)?);
        }
        Ok(Node::Template(Box::new(TemplateCall {
            pos: tok.pos,
            name,
            pipe,
        })))
    }

    fn block_control(&mut self) -> PResult<Node> {
        let context = "block clause";
        let tok = self.next_non_space();
        let name = self.template_name(&tok, context)?;
        let pipe = self.pipeline(context, T::RightDelim)?;
        let saved_vars = std::mem::replace(&mut self.vars, vec![Rc::from("$")]);
        let saved_depth = (self.range_depth, self.stack_depth);
        self.range_depth = 0;
        self.stack_depth = 0;
        let r = self.item_list();
        self.vars = saved_vars;
        (self.range_depth, self.stack_depth) = saved_depth;
        let (list, end) = r?;
        if !matches!(end, Parsed1::End) {
            return Err(self.errorf(format!("unexpected {} in {context}", end.describe())));
        }
        self.add(Tree {
            name: name.clone(),
            src: self.src.clone(),
            root: list,
        })?;
        Ok(Node::Template(Box::new(TemplateCall {
            pos: tok.pos,
            name,
            pipe: Some(pipe),
        })))
    }

    fn pipeline(&mut self, context: &str, end: T) -> PResult<Pipe> {
        let tok = self.peek_non_space();
        let mut pipe = Pipe {
            pos: tok.pos,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        'decls: loop {
            let v = self.peek_non_space();
            if v.typ != T::Variable {
                break;
            }
            let save = self.idx;
            self.next_non_space();
            let after = self.peek();
            let next = self.peek_non_space();
            match next.typ {
                T::Assign | T::Declare => {
                    pipe.is_assign = next.typ == T::Assign;
                    self.next_non_space();
                    let name: Rc<str> = self.val(&v).into();
                    pipe.decl.push(name.clone());
                    self.vars.push(name);
                }
                T::Char if self.val(&next) == "," => {
                    self.next_non_space();
                    let name: Rc<str> = self.val(&v).into();
                    pipe.decl.push(name.clone());
                    self.vars.push(name);
                    if context == "range" && pipe.decl.len() < 2 {
                        match self.peek_non_space().typ {
                            T::Variable | T::RightDelim | T::RightParen => continue 'decls,
                            _ => return Err(self.errorf("range can only initialize variables")),
                        }
                    }
                    return Err(self.errorf(format!("too many declarations in {context}")));
                }
                _ => {
                    let _ = after;
                    self.idx = save;
                }
            }
            break;
        }
        loop {
            let tok = self.next_non_space();
            if tok.typ == end {
                self.check_pipeline(&pipe, context)?;
                return Ok(pipe);
            }
            match tok.typ {
                T::Bool
                | T::CharConstant
                | T::Complex
                | T::Dot
                | T::Field
                | T::Identifier
                | T::Number
                | T::Nil
                | T::RawString
                | T::String
                | T::Variable
                | T::LeftParen => {
                    self.backup();
                    let c = self.command()?;
                    pipe.cmds.push(c);
                }
                _ => return Err(self.unexpected(&tok, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return Err(self.errorf(format!("missing value for {context}")));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if matches!(
                c.args.first(),
                Some(Arg::Bool(..) | Arg::Dot(_) | Arg::Nil(_) | Arg::Number(_) | Arg::Str { .. })
            ) {
                return Err(self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                )));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<Command> {
        let pos = self.peek_non_space().pos;
        let mut cmd = Command {
            pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                cmd.args.push(op);
            }
            let tok = self.next();
            match tok.typ {
                T::Space => continue,
                T::RightDelim | T::RightParen => self.backup(),
                T::Pipe => {}
                _ => return Err(self.unexpected(&tok, "operand")),
            }
            break;
        }
        if cmd.args.is_empty() {
            return Err(self.errorf("empty command"));
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().typ != T::Field {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().pos;
        let mut fields: Vec<Rc<str>> = Vec::new();
        while self.peek().typ == T::Field {
            let it = self.next();
            let v = self.val(&it);
            fields.push(v.get(1..).unwrap_or("").into());
        }
        Ok(Some(match node {
            Arg::Field { idents, .. } => {
                let mut all: Vec<Rc<str>> = idents.into_vec();
                all.extend(fields);
                Arg::Field {
                    pos: chain_pos,
                    idents: all.into(),
                }
            }
            Arg::Variable {
                name, fields: f0, ..
            } => {
                let mut all: Vec<Rc<str>> = f0.into_vec();
                all.extend(fields);
                Arg::Variable {
                    pos: chain_pos,
                    name,
                    fields: all.into(),
                }
            }
            Arg::Bool(..) | Arg::Str { .. } | Arg::Number(_) | Arg::Nil(_) | Arg::Dot(_) => {
                return Err(self.errorf(format!(
                    "unexpected . after term {}",
                    super::fmt::go_quote(&node.string())
                )));
            }
            other => Arg::Chain {
                pos: chain_pos,
                node: Box::new(other),
                fields: fields.into(),
            },
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let tok = self.next_non_space();
        let arg = match tok.typ {
            T::Identifier => {
                let name = self.val(&tok);
                let Some(func) = find_func(name) else {
                    return Err(self.errorf(format!(
                        "function {} not defined",
                        super::fmt::go_quote(name)
                    )));
                };
                Arg::Ident {
                    pos: tok.pos,
                    name: name.into(),
                    func,
                }
            }
            T::Dot => Arg::Dot(tok.pos),
            T::Nil => Arg::Nil(tok.pos),
            T::Variable => {
                let full = self.val(&tok);
                let mut parts = full.split('.');
                let name = parts.next().unwrap_or("");
                if !self.vars.iter().any(|v| &**v == name) {
                    return Err(
                        self.errorf(format!("undefined variable {}", super::fmt::go_quote(name)))
                    );
                }
                Arg::Variable {
                    pos: tok.pos,
                    name: name.into(),
                    fields: parts.map(Rc::from).collect(),
                }
            }
            T::Field => {
                let v = self.val(&tok);
                Arg::Field {
                    pos: tok.pos,
                    idents: v.split('.').skip(1).map(Rc::from).collect(),
                }
            }
            T::Bool => Arg::Bool(tok.pos, self.val(&tok) == "true"),
            T::CharConstant | T::Complex | T::Number => {
                let text = self.val(&tok).to_string();
                let n = new_number(tok.pos, &text, tok.typ).map_err(|e| self.errorf(e))?;
                Arg::Number(Box::new(n))
            }
            T::LeftParen => {
                if self.stack_depth >= MAX_STACK_DEPTH {
                    return Err(self.errorf("max expression depth exceeded"));
                }
                self.stack_depth += 1;
                let r = self.pipeline("parenthesized pipeline", T::RightParen);
                self.stack_depth -= 1;
                Arg::Pipe(Box::new(r?))
            }
            T::String | T::RawString => {
                let quoted = self.val(&tok);
                let s = unquote(quoted).map_err(|e| self.errorf(e))?;
                Arg::Str {
                    pos: tok.pos,
                    quoted: quoted.into(),
                    value: crate::value::Str::new(s),
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        };
        Ok(Some(arg))
    }
}

/// One result of `textOrAction`.
enum Parsed1 {
    Node(Node),
    End,
    /// `{{else}}`.
    Else,
    #[allow(dead_code)]
    Nothing,
}

impl Parsed1 {
    fn describe(&self) -> &'static str {
        match self {
            Parsed1::End => "{{end}}",
            Parsed1::Else => "{{else}}",
            _ => "node",
        }
    }
}

fn push_node(list: &mut List, n: Node) {
    list.nodes.push(n);
}

/// The values path an action prints: the first field chain rooted at `.Values` or
/// `$.Values` in its pipeline.
fn values_path(pipe: &Pipe) -> Option<Rc<str>> {
    for c in &pipe.cmds {
        for a in &c.args {
            if let Some(p) = arg_values_path(a) {
                return Some(p);
            }
        }
    }
    None
}

fn arg_values_path(a: &Arg) -> Option<Rc<str>> {
    let idents: &[Rc<str>] = match a {
        Arg::Field { idents, .. } => idents,
        Arg::Variable { name, fields, .. } if &**name == "$" => fields,
        Arg::Pipe(p) => return values_path(p),
        Arg::Chain { node, .. } => return arg_values_path(node),
        _ => return None,
    };
    if idents.len() >= 2 && &*idents[0] == "Values" {
        let mut s = String::new();
        for (i, id) in idents[1..].iter().enumerate() {
            if i > 0 {
                s.push('.');
            }
            s.push_str(id);
        }
        return Some(s.into());
    }
    None
}

// ---- literals ----

/// Go's `strconv.Unquote` for the literal forms the lexer accepts.
pub(crate) fn unquote(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    if bytes.len() < 2 {
        return Err("invalid syntax".into());
    }
    let quote = bytes[0];
    if bytes[bytes.len() - 1] != quote {
        return Err("invalid syntax".into());
    }
    let body = &s[1..s.len() - 1];
    match quote {
        b'`' => {
            if body.contains('`') {
                return Err("invalid syntax".into());
            }
            Ok(body.replace('\r', ""))
        }
        b'"' => {
            let mut out: Vec<u8> = Vec::with_capacity(body.len());
            let mut rest = body;
            while !rest.is_empty() {
                if rest.starts_with('"') {
                    return Err("invalid syntax".into());
                }
                let (c, tail) = unquote_char(rest, b'"')?;
                match c {
                    Ch::Rune(r) => {
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(r.encode_utf8(&mut buf).as_bytes());
                    }
                    Ch::Byte(b) => out.push(b),
                }
                rest = tail;
            }
            Ok(String::from_utf8(out)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
        }
        _ => Err("invalid syntax".into()),
    }
}

enum Ch {
    Rune(char),
    Byte(u8),
}

/// Go's `strconv.UnquoteChar`.
fn unquote_char(s: &str, quote: u8) -> Result<(Ch, &str), String> {
    let err = || "invalid syntax".to_string();
    let mut chars = s.chars();
    let c = chars.next().ok_or_else(err)?;
    if c != '\\' {
        if c as u32 == u32::from(quote) && (quote == b'\'' || quote == b'"') {
            return Err(err());
        }
        return Ok((Ch::Rune(c), chars.as_str()));
    }
    let e = chars.next().ok_or_else(err)?;
    let tail = chars.as_str();
    let simple = match e {
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\u{b}'),
        '\\' => Some('\\'),
        '\'' | '"' => {
            if e as u32 != u32::from(quote) {
                return Err(err());
            }
            Some(e)
        }
        _ => None,
    };
    if let Some(c) = simple {
        return Ok((Ch::Rune(c), tail));
    }
    match e {
        'x' | 'u' | 'U' => {
            let n = match e {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            let hex = tail.get(..n).ok_or_else(err)?;
            let v = u32::from_str_radix(hex, 16).map_err(|_| err())?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(err());
            }
            if e == 'x' {
                #[allow(clippy::cast_possible_truncation)]
                return Ok((Ch::Byte(v as u8), &tail[n..]));
            }
            let c = char::from_u32(v).ok_or_else(err)?;
            Ok((Ch::Rune(c), &tail[n..]))
        }
        '0'..='7' => {
            let oct = s.get(1..4).ok_or_else(err)?;
            if !oct.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
                return Err(err());
            }
            let v = u32::from_str_radix(oct, 8).map_err(|_| err())?;
            if v > 255 {
                return Err(err());
            }
            #[allow(clippy::cast_possible_truncation)]
            Ok((Ch::Byte(v as u8), &s[4..]))
        }
        _ => Err(err()),
    }
}

/// Go's `parse.newNumber`.
fn new_number(pos: Pos, text: &str, typ: T) -> Result<Number, String> {
    let mut n = Number {
        pos,
        text: text.into(),
        is_int: false,
        is_uint: false,
        is_float: false,
        is_complex: false,
        int: 0,
        float: 0.0,
    };
    if typ == T::CharConstant {
        let inner = text.get(1..).unwrap_or("");
        let (c, tail) = unquote_char(inner, b'\'')?;
        if tail != "'" {
            return Err(format!("malformed character constant: {text}"));
        }
        let v = match c {
            Ch::Rune(r) => i64::from(u32::from(r)),
            Ch::Byte(b) => i64::from(b),
        };
        n.int = v;
        n.is_int = true;
        n.is_uint = true;
        #[allow(clippy::cast_precision_loss)]
        {
            n.float = v as f64;
        }
        n.is_float = true;
        return Ok(n);
    }
    if typ == T::Complex || text.ends_with('i') {
        // Complex constants: kept only when the imaginary part is zero is not possible
        // for a literal ending in `i`; flag them so the executor reports them.
        if let Some(f) = text.strip_suffix('i').and_then(parse_go_float) {
            n.is_complex = true;
            if f == 0.0 {
                n.is_float = true;
                n.is_int = true;
            }
            return Ok(n);
        }
        if typ == T::Complex {
            return Err(format!("expected complex; found {text}"));
        }
    }
    let u = parse_go_uint(text);
    if let Some(u) = u {
        n.is_uint = true;
        let _ = u;
    }
    if let Some(i) = parse_go_int(text) {
        n.is_int = true;
        n.int = i;
        if i == 0 {
            n.is_uint = true;
        }
    }
    #[allow(clippy::cast_precision_loss)]
    if n.is_int {
        n.is_float = true;
        n.float = n.int as f64;
    } else if let Some(u) = u {
        n.is_float = true;
        n.float = u as f64;
    } else if let Some(f) = parse_go_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", super::fmt::go_quote(text)));
        }
        n.is_float = true;
        n.float = f;
        #[allow(clippy::cast_possible_truncation)]
        let i = f as i64;
        if i as f64 == f && f.is_finite() && f.abs() < 9.2e18 {
            n.is_int = true;
            n.int = i;
        }
        if f >= 0.0 && f.fract() == 0.0 && f < 1.8e19 {
            n.is_uint = true;
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!(
            "illegal number syntax: {}",
            super::fmt::go_quote(text)
        ));
    }
    Ok(n)
}

/// Splits a Go integer literal (base 0) into sign, radix and digits, checking `_` rules.
fn int_parts(text: &str) -> Option<(bool, u32, String)> {
    let (neg, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if body.is_empty() {
        return None;
    }
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d, true)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d, true)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d, true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..], true)
    } else {
        (10, lower.as_str(), false)
    };
    // Underscores: only between digits or after a base prefix (Go's underscoreOK).
    if digits.contains('_') {
        let mut prev = if prefixed { '_' } else { '!' };
        let mut first = true;
        for c in digits.chars() {
            if c == '_' {
                if prev == '_' && !(prefixed && first) {
                    return None;
                }
                if first && !prefixed {
                    return None;
                }
            }
            prev = c;
            first = false;
        }
        if prev == '_' {
            return None;
        }
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    if clean.is_empty() {
        return if radix == 8 && !lower.starts_with("0o") {
            Some((neg, 10, "0".into()))
        } else {
            None
        };
    }
    Some((neg, radix, clean))
}

fn parse_go_uint(text: &str) -> Option<u64> {
    let (neg, radix, digits) = int_parts(text)?;
    if neg || text.starts_with('+') {
        return None;
    }
    u64::from_str_radix(&digits, radix).ok()
}

fn parse_go_int(text: &str) -> Option<i64> {
    let (neg, radix, digits) = int_parts(text)?;
    let u = u64::from_str_radix(&digits, radix).ok()?;
    if neg {
        if u <= 1u64 << 63 {
            #[allow(clippy::cast_possible_wrap)]
            return Some((u as i64).wrapping_neg());
        }
        None
    } else {
        i64::try_from(u).ok()
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for literal syntax (decimal and hex floats, `_`).
pub(crate) fn parse_go_float(text: &str) -> Option<f64> {
    let (neg, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    let lower = clean.to_ascii_lowercase();
    let v = if let Some(hex) = lower.strip_prefix("0x") {
        let (mant, exp) = hex.split_once('p')?;
        let exp: i32 = exp.parse().ok()?;
        let (ip, fp) = mant.split_once('.').unwrap_or((mant, ""));
        if ip.is_empty() && fp.is_empty() {
            return None;
        }
        let mut v = 0f64;
        for c in ip.chars() {
            v = v * 16.0 + f64::from(c.to_digit(16)?);
        }
        let mut scale = 1.0 / 16.0;
        for c in fp.chars() {
            v += f64::from(c.to_digit(16)?) * scale;
            scale /= 16.0;
        }
        v * 2f64.powi(exp)
    } else {
        if lower.is_empty()
            || !lower
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_digit() || b == b'.')
        {
            return None;
        }
        if lower.contains(|c: char| {
            !(c.is_ascii_digit() || c == '.' || c == 'e' || c == '-' || c == '+')
        }) {
            return None;
        }
        lower.parse::<f64>().ok()?
    };
    Some(if neg { -v } else { v })
}
