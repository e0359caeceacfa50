//! The lexer of Go's `text/template` (same items, positions, lines and error texts as
//! `text/template/parse/lex.go`), run to completion into a token vector.

/// An item type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum T {
    Error,
    Bool,
    Char,
    CharConstant,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords (Go's `itemKeyword` and after).
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl T {
    fn is_keyword(self) -> bool {
        matches!(
            self,
            T::Block
                | T::Break
                | T::Continue
                | T::Dot
                | T::Define
                | T::Else
                | T::End
                | T::If
                | T::Nil
                | T::Range
                | T::Template
                | T::With
        )
    }
}

/// One item: its type, byte span in the input and 1-based start line. Error items keep
/// their message in [`Lexed::error`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Item {
    pub(crate) typ: T,
    pub(crate) pos: u32,
    pub(crate) end: u32,
    pub(crate) line: u32,
}

/// The items of one input.
pub(crate) struct Lexed {
    pub(crate) items: Vec<Item>,
    pub(crate) error: String,
}

impl Lexed {
    /// The text of an item.
    pub(crate) fn val<'a>(&'a self, input: &'a str, it: &Item) -> &'a str {
        if it.typ == T::Error {
            return &self.error;
        }
        input.get(it.pos as usize..it.end as usize).unwrap_or("")
    }

    /// Go's `item.String()`, used in parse errors.
    pub(crate) fn describe(&self, input: &str, it: &Item) -> String {
        let val = self.val(input, it);
        match it.typ {
            T::Eof => "EOF".into(),
            T::Error => val.to_string(),
            t if t.is_keyword() => format!("<{val}>"),
            _ => {
                if val.len() > 10 {
                    let short: String = val.chars().take(10).collect();
                    format!("{}...", super::fmt::go_quote(&short))
                } else {
                    super::fmt::go_quote(val)
                }
            }
        }
    }
}

const LEFT: &str = "{{";
const RIGHT: &str = "}}";

struct Lexer<'a> {
    input: &'a str,
    pos: usize,
    start: usize,
    at_eof: bool,
    paren_depth: i32,
    line: u32,
    start_line: u32,
    items: Vec<Item>,
    error: Option<String>,
}

#[derive(Clone, Copy)]
enum State {
    Text,
    LeftDelim,
    Comment,
    RightDelim,
    InsideAction,
    Space,
    Identifier,
    Field,
    Variable,
    Char,
    Number,
    Quote,
    RawQuote,
    Done,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphabetic() || is_unicode_digit(c)
}

fn is_unicode_digit(c: char) -> bool {
    // Go's unicode.IsDigit is category Nd; Rust's is_numeric also takes Nl/No, an
    // approximation that only matters for exotic identifiers.
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

fn has_left_trim(s: &[u8]) -> bool {
    s.len() >= 2 && s[0] == b'-' && matches!(s[1], b' ' | b'\t' | b'\r' | b'\n')
}

fn has_right_trim(s: &[u8]) -> bool {
    s.len() >= 2 && matches!(s[0], b' ' | b'\t' | b'\r' | b'\n') && s[1] == b'-'
}

/// The offset of the first `{{` in `s`: a search for `{` (which the standard library does
/// with `memchr`), then a check of the next byte, which is faster than a substring search
/// on template text, where braces are rare.
fn find_left_delim(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(i) = s.get(from..).and_then(|rest| rest.find('{')) {
        let at = from + i;
        if bytes.get(at + 1) == Some(&b'{') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Runs the lexer over `input`.
pub(crate) fn lex(input: &str) -> Lexed {
    let mut l = Lexer {
        input,
        pos: 0,
        start: 0,
        at_eof: false,
        paren_depth: 0,
        line: 1,
        start_line: 1,
        items: Vec::with_capacity(input.len() / 8 + 4),
        error: None,
    };
    let mut state = State::Text;
    loop {
        state = match state {
            State::Text => l.lex_text(),
            State::LeftDelim => l.lex_left_delim(),
            State::Comment => l.lex_comment(),
            State::RightDelim => l.lex_right_delim(),
            State::InsideAction => l.lex_inside_action(),
            State::Space => l.lex_space(),
            State::Identifier => l.lex_identifier(),
            State::Field => l.lex_field_or_var(T::Field),
            State::Variable => {
                if l.at_terminator() {
                    l.emit(T::Variable);
                    State::InsideAction
                } else {
                    l.lex_field_or_var(T::Variable)
                }
            }
            State::Char => l.lex_char(),
            State::Number => l.lex_number(),
            State::Quote => l.lex_quote(),
            State::RawQuote => l.lex_raw_quote(),
            State::Done => break,
        };
    }
    Lexed {
        items: l.items,
        error: l.error.unwrap_or_default(),
    }
}

impl Lexer<'_> {
    fn rest(&self) -> &[u8] {
        self.input.as_bytes().get(self.pos..).unwrap_or(&[])
    }

    fn next(&mut self) -> Option<char> {
        let c = self.input.get(self.pos..).and_then(|s| s.chars().next());
        match c {
            None => {
                self.at_eof = true;
                None
            }
            Some(c) => {
                self.pos += c.len_utf8();
                if c == '\n' {
                    self.line += 1;
                }
                Some(c)
            }
        }
    }

    fn backup(&mut self) {
        if !self.at_eof && self.pos > 0 {
            if let Some(c) = self
                .input
                .get(..self.pos)
                .and_then(|s| s.chars().next_back())
            {
                self.pos -= c.len_utf8();
                if c == '\n' {
                    self.line -= 1;
                }
            }
        }
    }

    fn peek(&mut self) -> Option<char> {
        let c = self.next();
        self.backup();
        c
    }

    #[allow(clippy::cast_possible_truncation)]
    fn this_item(&mut self, typ: T) -> Item {
        let it = Item {
            typ,
            pos: self.start as u32,
            end: self.pos as u32,
            line: self.start_line,
        };
        self.start = self.pos;
        self.start_line = self.line;
        it
    }

    fn emit(&mut self, typ: T) {
        let it = self.this_item(typ);
        self.items.push(it);
    }

    fn count_nl(&self, a: usize, b: usize) -> u32 {
        let n = self
            .input
            .as_bytes()
            .get(a..b)
            .map_or(0, |s| s.iter().filter(|&&c| c == b'\n').count());
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    fn ignore(&mut self) {
        self.line += self.count_nl(self.start, self.pos);
        self.start = self.pos;
        self.start_line = self.line;
    }

    #[allow(clippy::cast_possible_truncation)]
    fn errorf(&mut self, msg: String) -> State {
        self.items.push(Item {
            typ: T::Error,
            pos: self.start as u32,
            end: self.start as u32,
            line: self.start_line,
        });
        self.error = Some(msg);
        State::Done
    }

    fn lex_text(&mut self) -> State {
        if let Some(x) = self.input.get(self.pos..).and_then(find_left_delim) {
            if x > 0 {
                self.pos += x;
                let mut trim = 0;
                let delim_end = self.pos + LEFT.len();
                if has_left_trim(self.input.as_bytes().get(delim_end..).unwrap_or(&[])) {
                    let s = self.input.get(self.start..self.pos).unwrap_or("");
                    trim = s.len() - s.trim_end_matches(is_space).len();
                }
                self.pos -= trim;
                self.line += self.count_nl(self.start, self.pos);
                let it = self.this_item(T::Text);
                self.pos += trim;
                self.ignore();
                if it.end > it.pos {
                    self.items.push(it);
                }
            }
            return State::LeftDelim;
        }
        self.pos = self.input.len();
        if self.pos > self.start {
            self.line += self.count_nl(self.start, self.pos);
            self.emit(T::Text);
        }
        self.emit(T::Eof);
        State::Done
    }

    fn at_right_delim(&self) -> (bool, bool) {
        let r = self.rest();
        if has_right_trim(r) && r.get(2..).is_some_and(|s| s.starts_with(RIGHT.as_bytes())) {
            return (true, true);
        }
        (r.starts_with(RIGHT.as_bytes()), false)
    }

    fn lex_left_delim(&mut self) -> State {
        self.pos += LEFT.len();
        let trim = has_left_trim(self.rest());
        let after = if trim { 2 } else { 0 };
        if self
            .rest()
            .get(after..)
            .is_some_and(|s| s.starts_with(b"/*"))
        {
            self.pos += after;
            self.ignore();
            return State::Comment;
        }
        self.emit(T::LeftDelim);
        self.pos += after;
        self.ignore();
        self.paren_depth = 0;
        State::InsideAction
    }

    fn lex_comment(&mut self) -> State {
        self.pos += 2;
        let Some(x) = self.input.get(self.pos..).and_then(|s| s.find("*/")) else {
            return self.errorf("unclosed comment".into());
        };
        self.pos += x + 2;
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return self.errorf("comment ends before closing delimiter".into());
        }
        self.line += self.count_nl(self.start, self.pos);
        let _comment = self.this_item(T::Text);
        if trim {
            self.pos += 2;
        }
        self.pos += RIGHT.len();
        if trim {
            let s = self.input.get(self.pos..).unwrap_or("");
            self.pos += s.len() - s.trim_start_matches(is_space).len();
        }
        self.ignore();
        State::Text
    }

    fn lex_right_delim(&mut self) -> State {
        let (_, trim) = self.at_right_delim();
        if trim {
            self.pos += 2;
            self.ignore();
        }
        self.pos += RIGHT.len();
        let it = self.this_item(T::RightDelim);
        if trim {
            let s = self.input.get(self.pos..).unwrap_or("");
            self.pos += s.len() - s.trim_start_matches(is_space).len();
            self.ignore();
        }
        self.items.push(it);
        State::Text
    }

    fn lex_inside_action(&mut self) -> State {
        let (delim, _) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return State::RightDelim;
            }
            return self.errorf("unclosed left paren".into());
        }
        let Some(r) = self.next() else {
            return self.errorf("unclosed action".into());
        };
        match r {
            c if is_space(c) => {
                self.backup();
                State::Space
            }
            '=' => {
                self.emit(T::Assign);
                State::InsideAction
            }
            ':' => {
                if self.next() != Some('=') {
                    return self.errorf("expected :=".into());
                }
                self.emit(T::Declare);
                State::InsideAction
            }
            '|' => {
                self.emit(T::Pipe);
                State::InsideAction
            }
            '"' => State::Quote,
            '`' => State::RawQuote,
            '$' => State::Variable,
            '\'' => State::Char,
            '.' => {
                let next = self.rest().first().copied();
                if next.is_some_and(|c| !c.is_ascii_digit()) {
                    return State::Field;
                }
                self.backup();
                State::Number
            }
            '+' | '-' | '0'..='9' => {
                self.backup();
                State::Number
            }
            c if is_alnum(c) => {
                self.backup();
                State::Identifier
            }
            '(' => {
                self.paren_depth += 1;
                self.emit(T::LeftParen);
                State::InsideAction
            }
            ')' => {
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.errorf("unexpected right paren".into());
                }
                self.emit(T::RightParen);
                State::InsideAction
            }
            c if c.is_ascii() && !c.is_ascii_control() => {
                self.emit(T::Char);
                State::InsideAction
            }
            c => self.errorf(format!(
                "unrecognized character in action: {}",
                unicode_sharp(c)
            )),
        }
    }

    fn lex_space(&mut self) -> State {
        let mut n = 0;
        while self.peek().is_some_and(is_space) {
            self.next();
            n += 1;
        }
        let b = self.input.as_bytes();
        let from = self.pos.saturating_sub(1);
        if has_right_trim(b.get(from..).unwrap_or(&[]))
            && b.get(from + 2..)
                .is_some_and(|s| s.starts_with(RIGHT.as_bytes()))
        {
            self.backup();
            if n == 1 {
                return State::RightDelim;
            }
        }
        self.emit(T::Space);
        State::InsideAction
    }

    fn at_terminator(&mut self) -> bool {
        match self.peek() {
            None => true,
            Some(c) if is_space(c) => true,
            Some('.' | ',' | '|' | ':' | ')' | '(') => true,
            Some(_) => self.rest().starts_with(RIGHT.as_bytes()),
        }
    }

    fn lex_identifier(&mut self) -> State {
        loop {
            let r = self.next();
            if r.is_some_and(is_alnum) {
                continue;
            }
            self.backup();
            let word = self.input.get(self.start..self.pos).unwrap_or("");
            if !self.at_terminator() {
                return self.errorf(format!("bad character {}", unicode_sharp_opt(r)));
            }
            let typ = match word {
                "block" => T::Block,
                "break" => T::Break,
                "continue" => T::Continue,
                "define" => T::Define,
                "else" => T::Else,
                "end" => T::End,
                "if" => T::If,
                "range" => T::Range,
                "nil" => T::Nil,
                "template" => T::Template,
                "with" => T::With,
                "." => T::Dot,
                "true" | "false" => T::Bool,
                _ => T::Identifier,
            };
            self.emit(typ);
            return State::InsideAction;
        }
    }

    fn lex_field_or_var(&mut self, typ: T) -> State {
        if self.at_terminator() {
            self.emit(if typ == T::Variable {
                T::Variable
            } else {
                T::Dot
            });
            return State::InsideAction;
        }
        let mut r;
        loop {
            r = self.next();
            if !r.is_some_and(is_alnum) {
                self.backup();
                break;
            }
        }
        if !self.at_terminator() {
            return self.errorf(format!("bad character {}", unicode_sharp_opt(r)));
        }
        self.emit(typ);
        State::InsideAction
    }

    fn lex_char(&mut self) -> State {
        loop {
            match self.next() {
                Some('\\') => {
                    if matches!(self.next(), Some(c) if c != '\n') {
                        continue;
                    }
                    return self.errorf("unterminated character constant".into());
                }
                None | Some('\n') => return self.errorf("unterminated character constant".into()),
                Some('\'') => break,
                Some(_) => {}
            }
        }
        self.emit(T::CharConstant);
        State::InsideAction
    }

    fn accept(&mut self, valid: &str) -> bool {
        if self.next().is_some_and(|c| valid.contains(c)) {
            return true;
        }
        self.backup();
        false
    }

    fn accept_run(&mut self, valid: &str) {
        while self.next().is_some_and(|c| valid.contains(c)) {}
        self.backup();
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if self.peek().is_some_and(is_alnum) {
            self.next();
            return false;
        }
        true
    }

    fn lex_number(&mut self) -> State {
        if !self.scan_number() {
            let s = self
                .input
                .get(self.start..self.pos)
                .unwrap_or("")
                .to_string();
            return self.errorf(format!("bad number syntax: {}", super::fmt::go_quote(&s)));
        }
        if matches!(self.peek(), Some('+' | '-')) {
            if !self.scan_number()
                || self.input.as_bytes().get(self.pos.wrapping_sub(1)) != Some(&b'i')
            {
                let s = self
                    .input
                    .get(self.start..self.pos)
                    .unwrap_or("")
                    .to_string();
                return self.errorf(format!("bad number syntax: {}", super::fmt::go_quote(&s)));
            }
            self.emit(T::Complex);
            return State::InsideAction;
        }
        self.emit(T::Number);
        State::InsideAction
    }

    fn lex_quote(&mut self) -> State {
        loop {
            match self.next() {
                Some('\\') => {
                    if matches!(self.next(), Some(c) if c != '\n') {
                        continue;
                    }
                    return self.errorf("unterminated quoted string".into());
                }
                None | Some('\n') => return self.errorf("unterminated quoted string".into()),
                Some('"') => break,
                Some(_) => {}
            }
        }
        self.emit(T::String);
        State::InsideAction
    }

    fn lex_raw_quote(&mut self) -> State {
        loop {
            match self.next() {
                None => return self.errorf("unterminated raw quoted string".into()),
                Some('`') => break,
                Some(_) => {}
            }
        }
        self.emit(T::RawString);
        State::InsideAction
    }
}

/// Go's `%#U`: `U+0023 '#'`.
fn unicode_sharp(c: char) -> String {
    let code = u32::from(c);
    if c.is_control() {
        format!("U+{code:04X}")
    } else {
        format!("U+{code:04X} '{c}'")
    }
}

fn unicode_sharp_opt(c: Option<char>) -> String {
    match c {
        Some(c) => unicode_sharp(c),
        // Go prints the EOF rune (-1) as U+FFFFFFFFFFFFFFFF.
        None => "U+FFFFFFFFFFFFFFFF".into(),
    }
}
