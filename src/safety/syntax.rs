//! Shell syntax: a parser for bash/zsh and fish command lines.
//!
//! [`parse`] turns a command line into a [`Script`]: lists of pipelines of commands, where a
//! command is a simple command (assignments, words, redirections), a compound command
//! (`{ }`, `( )`, `if`, loops, `case`/`switch`, `[[ ]]`, `(( ))`, fish `begin … end`) or a
//! function definition. Words keep their structure (quotes, parameters, command and process
//! substitutions, arithmetic, tildes), so a rule can tell `rm -rf /` from `echo "rm -rf /"`,
//! and every word and command carries its byte [`Span`] in the source for rewriting and
//! highlighting.
//!
//! The parser covers what people type at a prompt, not every corner of the three grammars:
//! it accepts a few things the shells reject (it is lenient about `$` in fish) and rejects a
//! few rarities the shells accept (zsh's `{ }` short loop bodies other than after `for`).
//! Nesting is capped at [`MAX_DEPTH`] so hostile input cannot exhaust the stack.

use std::fmt;

use crate::context::Shell;

/// Deepest nesting of lists, substitutions and compound commands the parser accepts.
pub const MAX_DEPTH: usize = 64;

/// Byte range of a piece of syntax in the parsed source. Empty (`0..0`) for syntax that was
/// re-parsed from a transformed string (the inside of a backquote substitution).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
}

/// A whole command line: `;`/`&`/newline-separated lists.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Script {
    pub items: Vec<Item>,
}

/// One list, possibly sent to the background with `&`.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub list: AndOr,
    pub background: bool,
}

/// Pipelines joined by `&&` / `||`.
#[derive(Clone, Debug, PartialEq)]
pub struct AndOr {
    pub first: Pipeline,
    pub rest: Vec<(Connector, Pipeline)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connector {
    And,
    Or,
}

/// Commands joined by `|`.
#[derive(Clone, Debug, PartialEq)]
pub struct Pipeline {
    pub negated: bool,
    pub commands: Vec<Command>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Simple(SimpleCommand),
    Compound(CompoundCommand),
    Function(FunctionDef),
}

#[derive(Clone, Debug, PartialEq)]
pub struct CompoundCommand {
    pub kind: Compound,
    pub redirects: Vec<Redirect>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Compound {
    /// `{ …; }` in bash/zsh, `begin; …; end` in fish.
    Group(Script),
    /// `( … )`.
    Subshell(Script),
    If {
        branches: Vec<(Script, Script)>,
        otherwise: Option<Script>,
    },
    /// `while`/`until` loops.
    Loop {
        until: bool,
        cond: Script,
        body: Script,
    },
    /// `for NAME in ITEMS` (items `None`: the positional parameters, or an arithmetic loop).
    For {
        var: String,
        items: Option<Vec<Word>>,
        body: Script,
    },
    /// `case … esac`, fish `switch … end`.
    Case { subject: Word, arms: Vec<CaseArm> },
    /// `(( … ))`.
    Arith(Word),
    /// `[[ … ]]`.
    Test(Vec<Word>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct CaseArm {
    pub patterns: Vec<Word>,
    pub body: Script,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FunctionDef {
    pub name: String,
    pub body: Box<Command>,
    pub span: Span,
}

/// `NAME=value … word word … >redirect`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SimpleCommand {
    pub assignments: Vec<Assignment>,
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
    pub span: Span,
}

impl SimpleCommand {
    /// The command word's literal text (`None` when it is computed, e.g. `$cmd`).
    pub fn name(&self) -> Option<String> {
        self.words.first().and_then(Word::literal)
    }

    /// Everything after the command word.
    pub fn args(&self) -> &[Word] {
        self.words.get(1..).unwrap_or(&[])
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    pub name: String,
    /// `+=` rather than `=`.
    pub append: bool,
    pub value: AssignValue,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum AssignValue {
    Scalar(Word),
    Array(Vec<Word>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Redirect {
    /// Explicit file descriptor (`2>`), if any.
    pub fd: Option<u32>,
    pub op: RedirOp,
    /// The file, descriptor, here-string or here-document delimiter.
    pub target: Word,
    /// A here-document's body (`None` for other redirections).
    pub heredoc: Option<Word>,
    pub span: Span,
    heredoc_id: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirOp {
    /// `<`
    Read,
    /// `>`
    Write,
    /// `>>`
    Append,
    /// `>|` (and fish's `>?`, which never overwrites)
    Clobber,
    /// `<>`
    ReadWrite,
    /// `<&`
    DupRead,
    /// `>&`
    DupWrite,
    /// `&>`
    WriteBoth,
    /// `&>>`
    AppendBoth,
    /// `<<<`
    HereString,
    /// `<<` / `<<-`
    Heredoc { strip_tabs: bool },
}

impl RedirOp {
    /// Whether the redirection truncates its target file.
    pub fn truncates(self) -> bool {
        matches!(
            self,
            RedirOp::Write | RedirOp::Clobber | RedirOp::WriteBoth | RedirOp::DupWrite
        )
    }

    /// Whether the redirection appends to its target file.
    pub fn appends(self) -> bool {
        matches!(self, RedirOp::Append | RedirOp::AppendBoth)
    }
}

/// One shell word, in parts.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Word {
    pub parts: Vec<WordPart>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum WordPart {
    /// Unquoted text (globs and braces still live).
    Literal(String),
    /// Text that stays exactly as written: single quotes, `$'…'`, a backslash escape.
    Quoted(String),
    /// `"…"`: literal pieces and expansions.
    DoubleQuoted(Vec<WordPart>),
    /// `~` or `~user` at the start of a word.
    Tilde(String),
    Param(Param),
    /// `$(…)`, `` `…` ``, fish `(…)`.
    CommandSub {
        script: Script,
        raw: String,
    },
    /// `<(…)` / `>(…)` (and zsh `=(…)`).
    ProcessSub {
        output: bool,
        script: Script,
        raw: String,
    },
    /// `$((…))`.
    Arith {
        parts: Vec<WordPart>,
        raw: String,
    },
}

/// A parameter expansion: `$x`, `${x:-default}`, fish `$x[1]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    /// The operator after the name (`:-`, `#`, `/`, …), empty when there is none.
    pub op: String,
    /// The operator's argument.
    pub arg: Vec<WordPart>,
    /// Source text, `$` included.
    pub raw: String,
}

impl Word {
    /// The word's text when nothing in it expands at run time (a tilde counts as text).
    pub fn literal(&self) -> Option<String> {
        let mut out = String::new();
        if parts_literal(&self.parts, &mut out) {
            Some(out)
        } else {
            None
        }
    }

    /// The source text of the word.
    pub fn raw<'s>(&self, src: &'s str) -> &'s str {
        src.get(self.span.start..self.span.end).unwrap_or("")
    }

    /// Whether any part expands at run time (parameters, substitutions, arithmetic).
    pub fn has_expansion(&self) -> bool {
        parts_expand(&self.parts)
    }

    /// Whether any part of the word was quoted or escaped.
    pub fn is_quoted(&self) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, WordPart::Quoted(_) | WordPart::DoubleQuoted(_)))
    }
}

fn parts_literal(parts: &[WordPart], out: &mut String) -> bool {
    for p in parts {
        match p {
            WordPart::Literal(s) | WordPart::Quoted(s) | WordPart::Tilde(s) => out.push_str(s),
            WordPart::DoubleQuoted(inner) => {
                if !parts_literal(inner, out) {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}

fn parts_expand(parts: &[WordPart]) -> bool {
    parts.iter().any(|p| match p {
        WordPart::DoubleQuoted(inner) => parts_expand(inner),
        WordPart::Literal(_) | WordPart::Quoted(_) | WordPart::Tilde(_) => false,
        _ => true,
    })
}

impl Script {
    /// Every simple command in the script, nested ones included (inside compound commands,
    /// function bodies, command and process substitutions), in source order.
    pub fn simple_commands(&self) -> Vec<&SimpleCommand> {
        let mut out = Vec::new();
        collect_script(self, &mut out);
        out
    }
}

fn collect_script<'a>(script: &'a Script, out: &mut Vec<&'a SimpleCommand>) {
    for item in &script.items {
        collect_pipeline(&item.list.first, out);
        for (_, p) in &item.list.rest {
            collect_pipeline(p, out);
        }
    }
}

fn collect_pipeline<'a>(p: &'a Pipeline, out: &mut Vec<&'a SimpleCommand>) {
    for c in &p.commands {
        collect_command(c, out);
    }
}

fn collect_command<'a>(c: &'a Command, out: &mut Vec<&'a SimpleCommand>) {
    match c {
        Command::Simple(s) => {
            out.push(s);
            for a in &s.assignments {
                match &a.value {
                    AssignValue::Scalar(w) => collect_word(w, out),
                    AssignValue::Array(ws) => ws.iter().for_each(|w| collect_word(w, out)),
                }
            }
            s.words.iter().for_each(|w| collect_word(w, out));
            for r in &s.redirects {
                collect_word(&r.target, out);
                if let Some(body) = &r.heredoc {
                    collect_word(body, out);
                }
            }
        }
        Command::Compound(cc) => {
            match &cc.kind {
                Compound::Group(s) | Compound::Subshell(s) => collect_script(s, out),
                Compound::If {
                    branches,
                    otherwise,
                } => {
                    for (c, b) in branches {
                        collect_script(c, out);
                        collect_script(b, out);
                    }
                    if let Some(o) = otherwise {
                        collect_script(o, out);
                    }
                }
                Compound::Loop { cond, body, .. } => {
                    collect_script(cond, out);
                    collect_script(body, out);
                }
                Compound::For { items, body, .. } => {
                    if let Some(items) = items {
                        items.iter().for_each(|w| collect_word(w, out));
                    }
                    collect_script(body, out);
                }
                Compound::Case { subject, arms } => {
                    collect_word(subject, out);
                    for arm in arms {
                        collect_script(&arm.body, out);
                    }
                }
                Compound::Arith(w) => collect_word(w, out),
                Compound::Test(ws) => ws.iter().for_each(|w| collect_word(w, out)),
            }
            for r in &cc.redirects {
                collect_word(&r.target, out);
            }
        }
        Command::Function(f) => collect_command(&f.body, out),
    }
}

fn collect_word<'a>(w: &'a Word, out: &mut Vec<&'a SimpleCommand>) {
    collect_parts(&w.parts, out);
}

fn collect_parts<'a>(parts: &'a [WordPart], out: &mut Vec<&'a SimpleCommand>) {
    for p in parts {
        match p {
            WordPart::DoubleQuoted(inner) => collect_parts(inner, out),
            WordPart::Param(param) => collect_parts(&param.arg, out),
            WordPart::CommandSub { script, .. } | WordPart::ProcessSub { script, .. } => {
                collect_script(script, out)
            }
            WordPart::Arith { parts, .. } => collect_parts(parts, out),
            _ => {}
        }
    }
}

/// Why a command does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    /// Byte offset in the source.
    pub offset: usize,
    /// 1-based line and column (in characters) of the offset.
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (line {}, column {})",
            self.message, self.line, self.column
        )
    }
}

impl std::error::Error for ParseError {}

type PResult<T> = Result<T, ParseError>;

/// Parse a command line written for `shell`.
pub fn parse(src: &str, shell: Shell) -> Result<Script, ParseError> {
    let mut p = Parser::new(src, shell);
    let mut script = p.parse_list(&[], false, false)?;
    if p.pos < p.end {
        return Err(p.unexpected());
    }
    if !p.pending.is_empty() {
        // A here-document on the last line with no body: bash warns and uses an empty body.
        p.read_heredoc_bodies();
    }
    if !p.bodies.is_empty() {
        let mut bodies: Vec<Option<Word>> = Vec::new();
        for (id, w) in p.bodies.drain(..) {
            if bodies.len() <= id {
                bodies.resize(id + 1, None);
            }
            bodies[id] = Some(w);
        }
        fill_script(&mut script, &mut bodies);
    }
    Ok(script)
}

struct PendingHeredoc {
    id: usize,
    delimiter: String,
    quoted: bool,
    strip_tabs: bool,
}

struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    end: usize,
    fish: bool,
    zsh: bool,
    shell: Shell,
    depth: usize,
    detached: bool,
    pending: Vec<PendingHeredoc>,
    bodies: Vec<(usize, Word)>,
    next_heredoc: usize,
    /// zsh: a word in argument position may start with a `(…)` glob group.
    glob_group_ok: bool,
}

const BASH_STOPPERS: &[&str] = &[
    "then", "elif", "else", "fi", "do", "done", "esac", "}", "]]",
];
const FISH_STOPPERS: &[&str] = &["end", "else", "case"];

impl<'a> Parser<'a> {
    fn new(src: &'a str, shell: Shell) -> Parser<'a> {
        Parser {
            src,
            b: src.as_bytes(),
            pos: 0,
            end: src.len(),
            fish: shell == Shell::Fish,
            zsh: shell == Shell::Zsh,
            shell,
            depth: 0,
            detached: false,
            pending: Vec::new(),
            bodies: Vec::new(),
            next_heredoc: 0,
            glob_group_ok: false,
        }
    }

    // ---- low-level helpers -------------------------------------------------------------

    fn at_end(&self) -> bool {
        self.pos >= self.end
    }

    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.b[self.pos])
    }

    fn peek_at(&self, n: usize) -> Option<u8> {
        let i = self.pos + n;
        (i < self.end).then(|| self.b[i])
    }

    fn starts_with(&self, s: &str) -> bool {
        self.b[self.pos..self.end].starts_with(s.as_bytes())
    }

    fn span(&self, start: usize) -> Span {
        if self.detached {
            Span::default()
        } else {
            Span {
                start,
                end: self.pos,
            }
        }
    }

    fn error_at(&self, offset: usize, message: impl Into<String>) -> ParseError {
        let offset = offset.min(self.src.len());
        let before = &self.src[..floor_char_boundary(self.src, offset)];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ParseError {
            message: message.into(),
            offset,
            line,
            column,
        }
    }

    fn unexpected(&self) -> ParseError {
        match self.peek() {
            None => self.error_at(self.pos, "unexpected end of the command"),
            Some(_) => {
                let rest = &self.src[self.pos..self.end];
                let token: String = rest
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .take(12)
                    .collect();
                self.error_at(self.pos, format!("unexpected `{token}`"))
            }
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_at(
                self.pos,
                format!("the command nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Push the character at `pos` onto `out` and advance past it.
    fn take_char(&mut self, out: &mut String) {
        let c = self.src[self.pos..].chars().next().unwrap_or('\u{fffd}');
        out.push(c);
        self.pos += c.len_utf8().max(1);
    }

    fn is_blank(c: u8) -> bool {
        c == b' ' || c == b'\t' || c == b'\r'
    }

    /// Spaces, tabs and backslash-newline continuations.
    fn skip_spaces(&mut self) {
        while let Some(c) = self.peek() {
            if Self::is_blank(c) {
                self.pos += 1;
            } else if c == b'\\' && self.peek_at(1) == Some(b'\n') {
                self.pos += 2;
            } else {
                break;
            }
        }
    }

    fn skip_comment(&mut self) {
        while let Some(c) = self.peek() {
            if c == b'\n' {
                break;
            }
            self.pos += 1;
        }
    }

    /// Spaces, newlines (reading any pending here-document bodies) and comments.
    fn skip_blank_lines(&mut self) {
        loop {
            self.skip_spaces();
            match self.peek() {
                Some(b'\n') => self.newline(),
                Some(b'#') => self.skip_comment(),
                _ => break,
            }
        }
    }

    fn newline(&mut self) {
        self.pos += 1;
        if !self.pending.is_empty() {
            self.read_heredoc_bodies();
        }
    }

    /// The plain word at `pos`, if it could be a reserved word (no quotes or expansions).
    fn peek_keyword(&self) -> Option<&'a str> {
        let start = self.pos;
        let mut i = start;
        while i < self.end {
            let c = self.b[i];
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b')' => break,
                b'(' => {
                    if i == start && !self.fish && self.b.get(i + 1) == Some(&b'(') {
                        return None;
                    }
                    break;
                }
                b'\'' | b'"' | b'\\' | b'$' | b'`' => return None,
                _ => i += 1,
            }
        }
        (i > start).then(|| &self.src[start..i])
    }

    fn at_keyword(&self, kw: &str) -> bool {
        self.peek_keyword() == Some(kw)
    }

    fn expect_keyword(&mut self, kw: &str, opener: &str, opened_at: usize) -> PResult<()> {
        self.skip_blank_lines();
        if self.at_keyword(kw) {
            self.pos += kw.len();
            Ok(())
        } else {
            let (line, col) = {
                let e = self.error_at(opened_at, "");
                (e.line, e.column)
            };
            Err(self.error_at(
                self.pos,
                format!(
                    "missing `{kw}` to close the `{opener}` opened at line {line}, column {col}"
                ),
            ))
        }
    }

    fn stoppers(&self) -> &'static [&'static str] {
        if self.fish {
            FISH_STOPPERS
        } else {
            BASH_STOPPERS
        }
    }

    // ---- lists, pipelines, commands -----------------------------------------------------

    fn parse_list(&mut self, stops: &[&str], close_paren: bool, case_arm: bool) -> PResult<Script> {
        self.enter()?;
        let mut items = Vec::new();
        loop {
            self.skip_blank_lines();
            let Some(c) = self.peek() else { break };
            if c == b')' {
                if close_paren {
                    break;
                }
                return Err(self.unexpected());
            }
            if c == b';' {
                if case_arm
                    && (self.starts_with(";;") || self.starts_with(";&") || self.starts_with(";|"))
                {
                    break;
                }
                if self.fish {
                    self.pos += 1;
                    continue;
                }
                return Err(self.unexpected());
            }
            if let Some(kw) = self.peek_keyword() {
                if stops.contains(&kw) {
                    break;
                }
                if self.stoppers().contains(&kw) {
                    return Err(self.error_at(self.pos, format!("unexpected `{kw}`")));
                }
            }
            let list = self.parse_and_or()?;
            self.skip_spaces();
            let mut background = false;
            match self.peek() {
                Some(b'&') => {
                    self.pos += 1;
                    background = true;
                }
                Some(b';') => {
                    let arm_end = case_arm
                        && (self.starts_with(";;")
                            || self.starts_with(";&")
                            || self.starts_with(";|"));
                    if !arm_end {
                        self.pos += 1;
                    }
                }
                Some(b'\n') => self.newline(),
                Some(b'#') => self.skip_comment(),
                None | Some(b')') => {}
                Some(_) => {
                    let at_stop = self.peek_keyword().is_some_and(|kw| stops.contains(&kw));
                    if !at_stop {
                        return Err(self.unexpected());
                    }
                }
            }
            items.push(Item { list, background });
        }
        self.leave();
        Ok(Script { items })
    }

    fn parse_and_or(&mut self) -> PResult<AndOr> {
        let first = self.parse_pipeline()?;
        let mut rest = Vec::new();
        loop {
            self.skip_spaces();
            let conn = if self.starts_with("&&") {
                Connector::And
            } else if self.starts_with("||") {
                Connector::Or
            } else {
                break;
            };
            self.pos += 2;
            self.skip_blank_lines();
            if self.zsh && self.at_end() {
                // zsh accepts a dangling `&&` / `||` at the end of the input.
                break;
            }
            rest.push((conn, self.parse_pipeline()?));
        }
        Ok(AndOr { first, rest })
    }

    fn parse_pipeline(&mut self) -> PResult<Pipeline> {
        self.skip_spaces();
        let mut negated = false;
        while let Some(kw) = self.peek_keyword() {
            let prefix = if self.fish {
                matches!(kw, "not" | "!" | "and" | "or" | "time")
            } else {
                matches!(kw, "!" | "time")
            };
            if !prefix {
                break;
            }
            if kw == "!" || kw == "not" {
                negated = !negated;
            }
            self.pos += kw.len();
            self.skip_spaces();
            if kw == "time" && self.at_keyword("-p") {
                self.pos += 2;
                self.skip_spaces();
            }
        }
        let mut commands = vec![self.parse_command()?];
        loop {
            self.skip_spaces();
            if self.starts_with("||") {
                break;
            }
            if self.starts_with("|&") || (self.fish && self.starts_with("&|")) {
                self.pos += 2;
            } else if self.peek() == Some(b'|') {
                self.pos += 1;
            } else {
                break;
            }
            self.skip_blank_lines();
            commands.push(self.parse_command()?);
        }
        Ok(Pipeline { negated, commands })
    }

    fn parse_command(&mut self) -> PResult<Command> {
        self.enter()?;
        self.skip_spaces();
        let result = self.parse_command_inner();
        self.leave();
        result
    }

    fn parse_command_inner(&mut self) -> PResult<Command> {
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Err(self.error_at(self.pos, "expected a command at the end"));
        };
        if matches!(c, b';' | b'|' | b'&' | b')' | b'\n') {
            return Err(self.unexpected());
        }
        if self.fish {
            if c == b'(' {
                return Err(self.error_at(
                    self.pos,
                    "fish does not allow a command substitution as the command name",
                ));
            }
            if let Some(kw) = self.peek_keyword() {
                match kw {
                    "begin" => {
                        self.pos += kw.len();
                        let body = self.parse_list(&["end"], false, false)?;
                        self.expect_keyword("end", "begin", start)?;
                        return self.finish_compound(Compound::Group(body), start);
                    }
                    "if" => return self.parse_fish_if(start),
                    "while" => {
                        self.pos += kw.len();
                        let cond = self.parse_fish_condition()?;
                        let body = self.parse_list(&["end"], false, false)?;
                        self.expect_keyword("end", "while", start)?;
                        return self.finish_compound(
                            Compound::Loop {
                                until: false,
                                cond,
                                body,
                            },
                            start,
                        );
                    }
                    "for" => return self.parse_fish_for(start),
                    "function" => return self.parse_fish_function(start),
                    "switch" => return self.parse_fish_switch(start),
                    _ => {}
                }
            }
            return self.parse_simple(start);
        }
        if c == b'(' {
            if self.peek_at(1) == Some(b'(') {
                self.pos += 2;
                let word = self.parse_arith_body(start)?;
                return self.finish_compound(Compound::Arith(word), start);
            }
            self.pos += 1;
            let body = self.parse_list(&[], true, false)?;
            if self.peek() != Some(b')') {
                return Err(self.error_at(self.pos, "missing `)` to close the subshell"));
            }
            self.pos += 1;
            return self.finish_compound(Compound::Subshell(body), start);
        }
        if let Some(kw) = self.peek_keyword() {
            match kw {
                "{" => {
                    self.pos += 1;
                    let body = self.parse_list(&["}"], false, false)?;
                    self.expect_keyword("}", "{", start)?;
                    return self.finish_compound(Compound::Group(body), start);
                }
                "if" => return self.parse_if(start),
                "while" | "until" => {
                    self.pos += kw.len();
                    let cond = self.parse_list(&["do"], false, false)?;
                    self.expect_keyword("do", kw, start)?;
                    let body = self.parse_list(&["done"], false, false)?;
                    self.expect_keyword("done", kw, start)?;
                    return self.finish_compound(
                        Compound::Loop {
                            until: kw == "until",
                            cond,
                            body,
                        },
                        start,
                    );
                }
                "for" | "select" | "foreach" => return self.parse_for(start, kw),
                "case" => return self.parse_case(start),
                "function" => return self.parse_function_keyword(start),
                "[[" => return self.parse_test(start),
                "coproc" => {
                    self.pos += kw.len();
                    return self.parse_command();
                }
                _ => {}
            }
        }
        self.parse_simple(start)
    }

    fn finish_compound(&mut self, kind: Compound, start: usize) -> PResult<Command> {
        let mut redirects = Vec::new();
        loop {
            self.skip_spaces();
            match self.try_redirect()? {
                Some(r) => redirects.push(r),
                None => break,
            }
        }
        Ok(Command::Compound(CompoundCommand {
            kind,
            redirects,
            span: self.span(start),
        }))
    }

    fn parse_if(&mut self, start: usize) -> PResult<Command> {
        self.pos += 2;
        let mut branches = Vec::new();
        let mut otherwise = None;
        loop {
            let cond = self.parse_list(&["then"], false, false)?;
            self.expect_keyword("then", "if", start)?;
            let body = self.parse_list(&["elif", "else", "fi"], false, false)?;
            branches.push((cond, body));
            self.skip_blank_lines();
            if self.at_keyword("elif") {
                self.pos += 4;
                continue;
            }
            if self.at_keyword("else") {
                self.pos += 4;
                otherwise = Some(self.parse_list(&["fi"], false, false)?);
            }
            self.expect_keyword("fi", "if", start)?;
            break;
        }
        self.finish_compound(
            Compound::If {
                branches,
                otherwise,
            },
            start,
        )
    }

    fn parse_for(&mut self, start: usize, kw: &str) -> PResult<Command> {
        self.pos += kw.len();
        self.skip_spaces();
        if kw == "for" && self.starts_with("((") {
            self.pos += 2;
            self.parse_arith_body(start)?;
            self.skip_spaces();
            if self.peek() == Some(b';') {
                self.pos += 1;
            }
            let body = self.parse_do_body(start, kw)?;
            return self.finish_compound(
                Compound::For {
                    var: String::new(),
                    items: None,
                    body,
                },
                start,
            );
        }
        let Some(name) = self.read_word()? else {
            return Err(self.error_at(self.pos, format!("missing the variable name after `{kw}`")));
        };
        let var = name.literal().unwrap_or_default();
        self.skip_spaces();
        let mut items = None;
        if self.zsh && self.peek() == Some(b'(') {
            self.pos += 1;
            let mut words = Vec::new();
            loop {
                self.skip_blank_lines();
                match self.peek() {
                    Some(b')') => {
                        self.pos += 1;
                        break;
                    }
                    None => return Err(self.error_at(self.pos, "missing `)` after the loop items")),
                    _ => match self.read_word()? {
                        Some(w) => words.push(w),
                        None => return Err(self.unexpected()),
                    },
                }
            }
            items = Some(words);
            self.skip_spaces();
            if !self.at_keyword("do") && !self.at_keyword("{") {
                // zsh short form: `for x (a b) cmd`.
                let cmd = self.parse_command()?;
                return self.finish_compound(
                    Compound::For {
                        var,
                        items,
                        body: single_command_script(cmd),
                    },
                    start,
                );
            }
        } else {
            self.skip_blank_lines();
            if self.at_keyword("in") {
                self.pos += 2;
                let mut words = Vec::new();
                loop {
                    self.skip_spaces();
                    match self.peek() {
                        None | Some(b';') | Some(b'\n') => break,
                        Some(b'#') => {
                            self.skip_comment();
                            break;
                        }
                        _ => match self.read_word()? {
                            Some(w) => words.push(w),
                            None => return Err(self.unexpected()),
                        },
                    }
                }
                items = Some(words);
            }
        }
        self.skip_spaces();
        if self.peek() == Some(b';') {
            self.pos += 1;
        }
        let body = self.parse_do_body(start, kw)?;
        self.finish_compound(Compound::For { var, items, body }, start)
    }

    fn parse_do_body(&mut self, start: usize, opener: &str) -> PResult<Script> {
        self.skip_blank_lines();
        if self.at_keyword("do") {
            self.pos += 2;
            let body = self.parse_list(&["done"], false, false)?;
            self.expect_keyword("done", opener, start)?;
            return Ok(body);
        }
        if self.zsh && self.at_keyword("{") {
            self.pos += 1;
            let body = self.parse_list(&["}"], false, false)?;
            self.expect_keyword("}", "{", start)?;
            return Ok(body);
        }
        Err(self.error_at(self.pos, format!("missing `do` in the `{opener}` loop")))
    }

    fn parse_case(&mut self, start: usize) -> PResult<Command> {
        self.pos += 4;
        self.skip_spaces();
        let Some(subject) = self.read_word()? else {
            return Err(self.error_at(self.pos, "missing the word after `case`"));
        };
        self.skip_blank_lines();
        if !self.at_keyword("in") {
            return Err(self.error_at(self.pos, "missing `in` after `case WORD`"));
        }
        self.pos += 2;
        let mut arms = Vec::new();
        loop {
            self.skip_blank_lines();
            if self.at_keyword("esac") {
                self.pos += 4;
                break;
            }
            if self.at_end() {
                return Err(self.error_at(self.pos, "missing `esac` to close `case`"));
            }
            if self.peek() == Some(b'(') {
                self.pos += 1;
            }
            let mut patterns = Vec::new();
            loop {
                self.skip_spaces();
                match self.read_word()? {
                    Some(w) => patterns.push(w),
                    None => return Err(self.error_at(self.pos, "missing a pattern in `case`")),
                }
                self.skip_spaces();
                match self.peek() {
                    Some(b'|') => self.pos += 1,
                    Some(b')') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.error_at(self.pos, "missing `)` after a `case` pattern")),
                }
            }
            let body = self.parse_list(&["esac"], false, true)?;
            arms.push(CaseArm { patterns, body });
            for term in [";;&", ";;", ";&", ";|"] {
                if self.starts_with(term) {
                    self.pos += term.len();
                    break;
                }
            }
        }
        self.finish_compound(Compound::Case { subject, arms }, start)
    }

    fn parse_function_keyword(&mut self, start: usize) -> PResult<Command> {
        self.pos += "function".len();
        self.skip_spaces();
        let Some(name) = self.read_word()? else {
            return Err(self.error_at(self.pos, "missing the function name"));
        };
        self.skip_spaces();
        if self.peek() == Some(b'(') {
            self.pos += 1;
            self.skip_spaces();
            if self.peek() != Some(b')') {
                return Err(self.error_at(self.pos, "missing `)` after `function NAME(`"));
            }
            self.pos += 1;
        }
        self.skip_blank_lines();
        let body = self.parse_command()?;
        Ok(Command::Function(FunctionDef {
            name: name.literal().unwrap_or_default(),
            body: Box::new(body),
            span: self.span(start),
        }))
    }

    fn parse_test(&mut self, start: usize) -> PResult<Command> {
        self.pos += 2;
        let mut words = Vec::new();
        loop {
            self.skip_spaces();
            if self.peek() == Some(b'\n') {
                self.newline();
                continue;
            }
            if self.at_keyword("]]") {
                self.pos += 2;
                break;
            }
            let wstart = self.pos;
            let op = ["&&", "||", "<", ">", "(", ")", "!"]
                .into_iter()
                .find(|op| self.starts_with(op));
            if let Some(op) = op {
                self.pos += op.len();
                words.push(Word {
                    parts: vec![WordPart::Literal(op.to_string())],
                    span: self.span(wstart),
                });
                continue;
            }
            match self.read_word()? {
                Some(w) => words.push(w),
                None if self.at_end() => {
                    return Err(self.error_at(self.pos, "missing `]]` to close `[[`"))
                }
                None => return Err(self.unexpected()),
            }
        }
        self.finish_compound(Compound::Test(words), start)
    }

    // ---- fish blocks --------------------------------------------------------------------

    fn parse_fish_condition(&mut self) -> PResult<Script> {
        self.skip_spaces();
        let list = self.parse_and_or()?;
        self.skip_spaces();
        match self.peek() {
            Some(b';') => self.pos += 1,
            Some(b'\n') => self.newline(),
            Some(b'#') => self.skip_comment(),
            None => return Err(self.error_at(self.pos, "missing the block body and `end`")),
            _ => return Err(self.unexpected()),
        }
        Ok(Script {
            items: vec![Item {
                list,
                background: false,
            }],
        })
    }

    fn parse_fish_if(&mut self, start: usize) -> PResult<Command> {
        self.pos += 2;
        let mut branches = Vec::new();
        let mut otherwise = None;
        loop {
            let cond = self.parse_fish_condition()?;
            let body = self.parse_list(&["else", "end"], false, false)?;
            branches.push((cond, body));
            self.skip_blank_lines();
            if self.at_keyword("else") {
                self.pos += 4;
                self.skip_spaces();
                if self.at_keyword("if") {
                    self.pos += 2;
                    continue;
                }
                otherwise = Some(self.parse_list(&["end"], false, false)?);
            }
            self.expect_keyword("end", "if", start)?;
            break;
        }
        self.finish_compound(
            Compound::If {
                branches,
                otherwise,
            },
            start,
        )
    }

    /// Words up to the end of the statement (`;`, newline, end of input).
    fn words_to_separator(&mut self) -> PResult<Vec<Word>> {
        let mut words = Vec::new();
        loop {
            self.skip_spaces();
            match self.peek() {
                None => break,
                Some(b';') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\n') => {
                    self.newline();
                    break;
                }
                Some(b'#') => {
                    self.skip_comment();
                }
                _ => match self.read_word()? {
                    Some(w) => words.push(w),
                    None => return Err(self.unexpected()),
                },
            }
        }
        Ok(words)
    }

    fn parse_fish_for(&mut self, start: usize) -> PResult<Command> {
        self.pos += 3;
        self.skip_spaces();
        let Some(name) = self.read_word()? else {
            return Err(self.error_at(self.pos, "missing the variable name after `for`"));
        };
        self.skip_spaces();
        if !self.at_keyword("in") {
            return Err(self.error_at(self.pos, "missing `in` after `for NAME`"));
        }
        self.pos += 2;
        let items = self.words_to_separator()?;
        let body = self.parse_list(&["end"], false, false)?;
        self.expect_keyword("end", "for", start)?;
        self.finish_compound(
            Compound::For {
                var: name.literal().unwrap_or_default(),
                items: Some(items),
                body,
            },
            start,
        )
    }

    fn parse_fish_function(&mut self, start: usize) -> PResult<Command> {
        self.pos += "function".len();
        let header = self.words_to_separator()?;
        let Some(name) = header.first() else {
            return Err(self.error_at(self.pos, "missing the function name"));
        };
        let name = name.literal().unwrap_or_default();
        let body = self.parse_list(&["end"], false, false)?;
        self.expect_keyword("end", "function", start)?;
        let span = self.span(start);
        let body_cmd = Command::Compound(CompoundCommand {
            kind: Compound::Group(body),
            redirects: Vec::new(),
            span,
        });
        Ok(Command::Function(FunctionDef {
            name,
            body: Box::new(body_cmd),
            span,
        }))
    }

    fn parse_fish_switch(&mut self, start: usize) -> PResult<Command> {
        self.pos += "switch".len();
        let header = self.words_to_separator()?;
        let subject = header.into_iter().next().unwrap_or_default();
        let mut arms = Vec::new();
        loop {
            self.skip_blank_lines();
            while self.peek() == Some(b';') {
                self.pos += 1;
                self.skip_blank_lines();
            }
            if self.at_keyword("end") {
                self.pos += 3;
                break;
            }
            if !self.at_keyword("case") {
                if self.at_end() {
                    return Err(self.error_at(self.pos, "missing `end` to close `switch`"));
                }
                return Err(self.unexpected());
            }
            self.pos += 4;
            let patterns = self.words_to_separator()?;
            let body = self.parse_list(&["case", "end"], false, false)?;
            arms.push(CaseArm { patterns, body });
        }
        self.finish_compound(Compound::Case { subject, arms }, start)
    }

    // ---- simple commands ---------------------------------------------------------------

    fn parse_simple(&mut self, start: usize) -> PResult<Command> {
        let mut cmd = SimpleCommand::default();
        loop {
            self.skip_spaces();
            let Some(c) = self.peek() else { break };
            match c {
                b'#' => {
                    self.skip_comment();
                    break;
                }
                b';' | b'\n' | b'|' | b')' => break,
                b'&' if self.peek_at(1) != Some(b'>') => break,
                _ => {}
            }
            if let Some(r) = self.try_redirect()? {
                cmd.redirects.push(r);
                continue;
            }
            if c == b'(' && !self.fish {
                let empty_parens = {
                    let rest = &self.b[self.pos + 1..self.end];
                    let skip = rest.iter().take_while(|c| Self::is_blank(**c)).count();
                    rest.get(skip) == Some(&b')')
                };
                let is_def = cmd.words.len() == 1
                    && cmd.assignments.is_empty()
                    && cmd.redirects.is_empty()
                    && cmd.words[0].literal().is_some()
                    && (empty_parens || !self.zsh);
                if is_def {
                    return self.finish_function_def(start, cmd);
                }
                if !self.zsh || cmd.words.is_empty() {
                    return Err(self.unexpected());
                }
                // zsh: `ls (a|b).txt` is a glob group.
                self.glob_group_ok = true;
            }
            if cmd.words.is_empty() && !self.fish {
                if let Some(a) = self.try_array_assignment()? {
                    cmd.assignments.push(a);
                    continue;
                }
            }
            let word = self.read_word();
            self.glob_group_ok = false;
            let Some(word) = word? else {
                return Err(self.unexpected());
            };
            if cmd.words.is_empty() {
                if let Some(a) = as_assignment(&word) {
                    cmd.assignments.push(a);
                    continue;
                }
            }
            cmd.words.push(word);
        }
        if cmd.words.is_empty() && cmd.assignments.is_empty() && cmd.redirects.is_empty() {
            return Err(self.unexpected());
        }
        cmd.span = self.span(start);
        Ok(Command::Simple(cmd))
    }

    fn finish_function_def(&mut self, start: usize, cmd: SimpleCommand) -> PResult<Command> {
        self.pos += 1;
        self.skip_spaces();
        if self.peek() != Some(b')') {
            return Err(self.error_at(self.pos, "missing `)` in the function definition `NAME()`"));
        }
        self.pos += 1;
        self.skip_blank_lines();
        if self.at_end() {
            return Err(self.error_at(self.pos, "missing the function body after `NAME()`"));
        }
        let body = self.parse_command()?;
        Ok(Command::Function(FunctionDef {
            name: cmd.words[0].literal().unwrap_or_default(),
            body: Box::new(body),
            span: self.span(start),
        }))
    }

    /// `NAME=(a b c)` / `NAME+=(…)`.
    fn try_array_assignment(&mut self) -> PResult<Option<Assignment>> {
        let start = self.pos;
        let mut i = start;
        while i < self.end && (self.b[i].is_ascii_alphanumeric() || self.b[i] == b'_') {
            i += 1;
        }
        if i == start || self.b[start].is_ascii_digit() {
            return Ok(None);
        }
        let name_end = i;
        let append = self.b.get(i) == Some(&b'+');
        if append {
            i += 1;
        }
        if self.b.get(i) != Some(&b'=') || self.b.get(i + 1) != Some(&b'(') || i + 1 >= self.end {
            return Ok(None);
        }
        let name = self.src[start..name_end].to_string();
        self.pos = i + 2;
        let mut words = Vec::new();
        loop {
            self.skip_blank_lines();
            match self.peek() {
                Some(b')') => {
                    self.pos += 1;
                    break;
                }
                None => {
                    return Err(self.error_at(start, "missing `)` to close the array assignment"))
                }
                _ => match self.read_word()? {
                    Some(w) => words.push(w),
                    None => return Err(self.unexpected()),
                },
            }
        }
        Ok(Some(Assignment {
            name,
            append,
            value: AssignValue::Array(words),
            span: self.span(start),
        }))
    }

    fn try_redirect(&mut self) -> PResult<Option<Redirect>> {
        // Most words are not redirections: only these bytes can start one.
        if !matches!(self.peek(), Some(b'0'..=b'9' | b'<' | b'>' | b'&' | b'{')) {
            return Ok(None);
        }
        let start = self.pos;
        let mut i = self.pos;
        let mut fd = None;
        while i < self.end && self.b[i].is_ascii_digit() {
            i += 1;
        }
        if i > start {
            if i < self.end && (self.b[i] == b'<' || self.b[i] == b'>') {
                fd = self.src[start..i].parse().ok();
            } else {
                return Ok(None);
            }
        } else if !self.fish && self.peek() == Some(b'{') {
            // bash's `{varname}>file`.
            let mut j = i + 1;
            while j < self.end && (self.b[j].is_ascii_alphanumeric() || self.b[j] == b'_') {
                j += 1;
            }
            if j > i + 1
                && self.b.get(j) == Some(&b'}')
                && matches!(self.b.get(j + 1), Some(b'<' | b'>'))
            {
                i = j + 1;
            } else {
                return Ok(None);
            }
        }
        let rest = &self.b[i..self.end];
        let ops: &[(&str, RedirOp)] = if self.fish {
            &[
                ("&>>", RedirOp::AppendBoth),
                ("&>", RedirOp::WriteBoth),
                (">>", RedirOp::Append),
                (">?", RedirOp::Clobber),
                (">&", RedirOp::DupWrite),
                ("<&", RedirOp::DupRead),
                (">", RedirOp::Write),
                ("<", RedirOp::Read),
            ]
        } else {
            &[
                ("&>>", RedirOp::AppendBoth),
                ("&>", RedirOp::WriteBoth),
                ("<<<", RedirOp::HereString),
                ("<<-", RedirOp::Heredoc { strip_tabs: true }),
                ("<<", RedirOp::Heredoc { strip_tabs: false }),
                ("<>", RedirOp::ReadWrite),
                ("<&", RedirOp::DupRead),
                (">>", RedirOp::Append),
                (">|", RedirOp::Clobber),
                (">!", RedirOp::Clobber),
                (">&", RedirOp::DupWrite),
                (">", RedirOp::Write),
                ("<", RedirOp::Read),
            ]
        };
        let Some(&(text, op)) = ops.iter().find(|(t, _)| rest.starts_with(t.as_bytes())) else {
            return Ok(None);
        };
        if text.starts_with('&') && fd.is_some() {
            return Ok(None);
        }
        if self.fish && text == "<" && rest.get(1) == Some(&b'<') {
            return Err(self.error_at(
                i,
                "fish has no here-documents (`<<`); pipe the text in instead",
            ));
        }
        // `<(…)` and `>(…)` are process substitutions, not redirections.
        if !self.fish && matches!(text, "<" | ">") && rest.get(1) == Some(&b'(') && fd.is_none() {
            return Ok(None);
        }
        // zsh's `>!` only; in bash `>!` is `>` followed by a word starting with `!`.
        if text == ">!" && !self.zsh {
            return Ok(None);
        }
        self.pos = i + text.len();
        self.skip_spaces();
        let Some(target) = self.read_word()? else {
            return Err(self.error_at(self.pos, format!("missing the target after `{text}`")));
        };
        let mut heredoc_id = None;
        if let RedirOp::Heredoc { strip_tabs } = op {
            let id = self.next_heredoc;
            self.next_heredoc += 1;
            let mut delimiter = String::new();
            parts_literal(&target.parts, &mut delimiter);
            self.pending.push(PendingHeredoc {
                id,
                delimiter,
                quoted: target.is_quoted(),
                strip_tabs,
            });
            heredoc_id = Some(id);
        }
        Ok(Some(Redirect {
            fd,
            op,
            target,
            heredoc: None,
            span: self.span(start),
            heredoc_id,
        }))
    }

    fn read_heredoc_bodies(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        for h in pending {
            let body_start = self.pos;
            let mut body_end = self.end;
            while self.pos < self.end {
                let line_end = self.b[self.pos..self.end]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(self.end, |n| self.pos + n);
                let line = &self.src[self.pos..line_end];
                let check = if h.strip_tabs {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                if check == h.delimiter {
                    body_end = self.pos;
                    self.pos = (line_end + 1).min(self.end);
                    break;
                }
                self.pos = (line_end + 1).min(self.end);
            }
            let body_end = body_end.max(body_start);
            let word = if h.quoted {
                Word {
                    parts: vec![WordPart::Quoted(self.src[body_start..body_end].to_string())],
                    span: self.span_between(body_start, body_end),
                }
            } else {
                self.parse_heredoc_text(body_start, body_end)
            };
            self.bodies.push((h.id, word));
        }
    }

    fn span_between(&self, start: usize, end: usize) -> Span {
        if self.detached {
            Span::default()
        } else {
            Span { start, end }
        }
    }

    /// An unquoted here-document body expands `$…` and `` `…` `` like double quotes do.
    fn parse_heredoc_text(&mut self, start: usize, end: usize) -> Word {
        let saved = (self.pos, self.end);
        self.pos = start;
        self.end = end;
        let parts = self
            .parse_dq_parts(None)
            .unwrap_or_else(|_| vec![WordPart::Quoted(self.src[start..end].to_string())]);
        self.pos = saved.0;
        self.end = saved.1;
        Word {
            parts: vec![WordPart::DoubleQuoted(parts)],
            span: self.span_between(start, end),
        }
    }

    // ---- words -------------------------------------------------------------------------

    /// Read one word at `pos`; `None` when `pos` is at an operator or the end.
    fn read_word(&mut self) -> PResult<Option<Word>> {
        let start = self.pos;
        let mut parts: Vec<WordPart> = Vec::new();
        let mut lit = String::new();
        let flush = |lit: &mut String, parts: &mut Vec<WordPart>| {
            if !lit.is_empty() {
                parts.push(WordPart::Literal(std::mem::take(lit)));
            }
        };
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'|' | b')' => break,
                b'&' => break,
                b'<' | b'>' => {
                    if !self.fish && self.peek_at(1) == Some(b'(') {
                        flush(&mut lit, &mut parts);
                        parts.push(self.parse_process_sub(c == b'>')?);
                    } else {
                        break;
                    }
                }
                b'(' => {
                    if self.fish {
                        flush(&mut lit, &mut parts);
                        let sub_start = self.pos;
                        self.pos += 1;
                        parts.push(self.parse_command_sub_body(sub_start)?);
                    } else if self.zsh && self.pos == start + 1 && lit == "=" {
                        // zsh `=(cmd)`: a temporary file holding cmd's output.
                        lit.clear();
                        self.pos -= 1;
                        parts.push(self.parse_process_sub(false)?);
                    } else if (self.pos > start || self.glob_group_ok)
                        && self.peek_at(1) != Some(b')')
                        && (self.zsh || lit.ends_with(['@', '!', '+', '*', '?']))
                    {
                        // `name()` is a function definition, never a pattern group.
                        // extglob `@(a|b)` / zsh glob qualifiers and groups `*(.)`.
                        self.take_balanced_parens(&mut lit)?;
                    } else {
                        break;
                    }
                }
                b'\'' => {
                    flush(&mut lit, &mut parts);
                    parts.push(self.parse_single_quoted()?);
                }
                b'"' => {
                    flush(&mut lit, &mut parts);
                    let q = self.pos;
                    self.pos += 1;
                    let inner = self.parse_dq_parts(Some(q))?;
                    parts.push(WordPart::DoubleQuoted(inner));
                }
                b'\\' => {
                    if self.peek_at(1) == Some(b'\n') {
                        self.pos += 2;
                        continue;
                    }
                    flush(&mut lit, &mut parts);
                    parts.push(self.parse_unquoted_escape());
                }
                b'$' => {
                    flush(&mut lit, &mut parts);
                    let part = self.parse_dollar(false)?;
                    push_part(&mut parts, part);
                }
                b'`' if !self.fish => {
                    flush(&mut lit, &mut parts);
                    parts.push(self.parse_backquote()?);
                }
                b'~' if parts.is_empty() && (self.pos == start || is_assignment_prefix(&lit)) => {
                    flush(&mut lit, &mut parts);
                    let mut t = String::from("~");
                    self.pos += 1;
                    while let Some(n) = self.peek() {
                        if n.is_ascii_alphanumeric() || matches!(n, b'.' | b'_' | b'-' | b'+') {
                            t.push(n as char);
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                    if matches!(
                        self.peek(),
                        None | Some(
                            b'/' | b' '
                                | b'\t'
                                | b'\n'
                                | b';'
                                | b'|'
                                | b'&'
                                | b')'
                                | b'<'
                                | b'>'
                                | b':'
                        )
                    ) {
                        parts.push(WordPart::Tilde(t));
                    } else {
                        lit.push_str(&t);
                    }
                }
                _ => {
                    // Copy a run of ordinary bytes at once.
                    let run_start = self.pos;
                    while let Some(n) = self.peek() {
                        if n < 0x80
                            && matches!(
                                n,
                                b' ' | b'\t'
                                    | b'\r'
                                    | b'\n'
                                    | b';'
                                    | b'|'
                                    | b')'
                                    | b'&'
                                    | b'<'
                                    | b'>'
                                    | b'('
                                    | b'\''
                                    | b'"'
                                    | b'\\'
                                    | b'$'
                                    | b'`'
                                    | b'~'
                            )
                        {
                            break;
                        }
                        self.pos += 1;
                    }
                    if self.pos == run_start {
                        // A `~` that is not a tilde prefix, or a stray backquote in fish.
                        self.take_char(&mut lit);
                    } else {
                        let end = ceil_char_boundary(self.src, self.pos);
                        self.pos = end;
                        lit.push_str(&self.src[run_start..end]);
                    }
                }
            }
        }
        flush(&mut lit, &mut parts);
        if self.pos == start {
            return Ok(None);
        }
        Ok(Some(Word {
            parts,
            span: self.span(start),
        }))
    }

    fn take_balanced_parens(&mut self, lit: &mut String) -> PResult<()> {
        let open = self.pos;
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            match c {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        lit.push(')');
                        self.pos += 1;
                        return Ok(());
                    }
                }
                b'\n' => break,
                _ => {}
            }
            self.take_char(lit);
        }
        if self.zsh {
            // zsh leaves an unclosed group to the glob at run time.
            return Ok(());
        }
        Err(self.error_at(open, "missing `)` to close the pattern group"))
    }

    fn parse_single_quoted(&mut self) -> PResult<WordPart> {
        let open = self.pos;
        self.pos += 1;
        if self.fish {
            let mut out = String::new();
            while let Some(c) = self.peek() {
                match c {
                    b'\'' => {
                        self.pos += 1;
                        return Ok(WordPart::Quoted(out));
                    }
                    b'\\' if matches!(self.peek_at(1), Some(b'\'' | b'\\')) => {
                        out.push(self.b[self.pos + 1] as char);
                        self.pos += 2;
                    }
                    _ => self.take_char(&mut out),
                }
            }
            return Err(self.error_at(open, "unterminated single quote"));
        }
        match self.b[self.pos..self.end].iter().position(|&c| c == b'\'') {
            Some(n) => {
                let text = self.src[self.pos..self.pos + n].to_string();
                self.pos += n + 1;
                Ok(WordPart::Quoted(text))
            }
            None => Err(self.error_at(open, "unterminated single quote")),
        }
    }

    fn parse_unquoted_escape(&mut self) -> WordPart {
        self.pos += 1;
        let Some(c) = self.peek() else {
            return WordPart::Literal("\\".into());
        };
        if self.fish {
            if let Some(decoded) = self.fish_escape() {
                return WordPart::Quoted(decoded);
            }
        }
        let _ = c;
        let mut s = String::new();
        self.take_char(&mut s);
        WordPart::Quoted(s)
    }

    /// fish's unquoted escapes (`\n`, `\x41`, `\u00e9`, …); `None` for a plain `\c` escape.
    fn fish_escape(&mut self) -> Option<String> {
        let c = self.peek()?;
        let simple = match c {
            b'n' => Some('\n'),
            b't' => Some('\t'),
            b'r' => Some('\r'),
            b'a' => Some('\u{7}'),
            b'b' => Some('\u{8}'),
            b'e' => Some('\u{1b}'),
            b'f' => Some('\u{c}'),
            b'v' => Some('\u{b}'),
            _ => None,
        };
        if let Some(ch) = simple {
            self.pos += 1;
            return Some(ch.to_string());
        }
        let (radix, max) = match c {
            b'x' | b'X' => (16, 2),
            b'u' => (16, 4),
            b'U' => (16, 8),
            b'0'..=b'7' => (8, 3),
            _ => return None,
        };
        let digits_start = if radix == 8 { self.pos } else { self.pos + 1 };
        let mut j = digits_start;
        while j < self.end && j - digits_start < max && (self.b[j] as char).is_digit(radix) {
            j += 1;
        }
        if j == digits_start {
            return None;
        }
        let value = u32::from_str_radix(&self.src[digits_start..j], radix).ok()?;
        self.pos = j;
        Some(char::from_u32(value).unwrap_or('\u{fffd}').to_string())
    }

    /// Parts of a double-quoted string (after the opening quote; `open` is its offset), or of
    /// a here-document body (`open` is `None`: runs to `end`, `"` is ordinary).
    fn parse_dq_parts(&mut self, open: Option<usize>) -> PResult<Vec<WordPart>> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        loop {
            let Some(c) = self.peek() else {
                if let Some(open) = open {
                    return Err(self.error_at(open, "unterminated double quote"));
                }
                break;
            };
            match c {
                b'"' if open.is_some() => {
                    self.pos += 1;
                    break;
                }
                b'\\' => {
                    let next = self.peek_at(1);
                    let escapable: &[u8] = if self.fish {
                        b"\"\\$\n"
                    } else if open.is_some() {
                        b"\"\\$`\n"
                    } else {
                        b"\\$`\n"
                    };
                    match next {
                        Some(b'\n') if escapable.contains(&b'\n') => self.pos += 2,
                        Some(n) if escapable.contains(&n) => {
                            lit.push(n as char);
                            self.pos += 2;
                        }
                        _ => {
                            lit.push('\\');
                            self.pos += 1;
                        }
                    }
                }
                b'$' => {
                    if !lit.is_empty() {
                        parts.push(WordPart::Literal(std::mem::take(&mut lit)));
                    }
                    let part = self.parse_dollar(true)?;
                    push_part(&mut parts, part);
                }
                b'`' if !self.fish => {
                    if !lit.is_empty() {
                        parts.push(WordPart::Literal(std::mem::take(&mut lit)));
                    }
                    parts.push(self.parse_backquote()?);
                }
                _ => self.take_char(&mut lit),
            }
        }
        if !lit.is_empty() {
            parts.push(WordPart::Literal(lit));
        }
        Ok(parts)
    }

    fn parse_dollar(&mut self, in_dq: bool) -> PResult<WordPart> {
        let start = self.pos;
        let next = self.peek_at(1);
        if self.fish {
            return self.parse_fish_dollar(start);
        }
        match next {
            Some(b'(') => {
                if self.peek_at(2) == Some(b'(') {
                    let saved = self.pos;
                    self.pos += 3;
                    match self.parse_arith_body(start) {
                        Ok(word) => {
                            return Ok(WordPart::Arith {
                                parts: word.parts,
                                raw: self.src[start..self.pos].to_string(),
                            })
                        }
                        // `$( (cmd) )` written without the space: a substitution of a subshell.
                        Err(_) => self.pos = saved,
                    }
                }
                self.pos += 2;
                self.parse_command_sub_body(start)
            }
            Some(b'{') => self.parse_braced_param(start),
            Some(b'\'') if !in_dq => {
                self.pos += 2;
                Ok(WordPart::Quoted(self.parse_ansi_c(start)?))
            }
            Some(b'"') if !in_dq => {
                self.pos += 2;
                Ok(WordPart::DoubleQuoted(
                    self.parse_dq_parts(Some(start + 1))?,
                ))
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                self.pos += 1;
                let name_start = self.pos;
                while let Some(n) = self.peek() {
                    if n.is_ascii_alphanumeric() || n == b'_' {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                Ok(WordPart::Param(Param {
                    name: self.src[name_start..self.pos].to_string(),
                    op: String::new(),
                    arg: Vec::new(),
                    raw: self.src[start..self.pos].to_string(),
                }))
            }
            Some(c) if c.is_ascii_digit() || b"@*#?$!-".contains(&c) => {
                self.pos += 2;
                Ok(WordPart::Param(Param {
                    name: (c as char).to_string(),
                    op: String::new(),
                    arg: Vec::new(),
                    raw: self.src[start..self.pos].to_string(),
                }))
            }
            _ => {
                self.pos += 1;
                Ok(WordPart::Literal("$".into()))
            }
        }
    }

    fn parse_fish_dollar(&mut self, start: usize) -> PResult<WordPart> {
        if self.peek_at(1) == Some(b'(') {
            self.pos += 2;
            return self.parse_command_sub_body(start);
        }
        self.pos += 1;
        while self.peek() == Some(b'$') {
            self.pos += 1;
        }
        let name_start = self.pos;
        while let Some(n) = self.peek() {
            if n.is_ascii_alphanumeric() || n == b'_' {
                self.pos += 1;
            } else {
                break;
            }
        }
        if self.pos == name_start {
            self.pos = start + 1;
            return Ok(WordPart::Literal("$".into()));
        }
        let indirect = name_start > start + 1;
        let name = self.src[name_start..self.pos].to_string();
        if self.peek() == Some(b'[') {
            let mut depth = 0usize;
            while let Some(c) = self.peek() {
                self.pos += 1;
                match c {
                    b'[' => depth += 1,
                    b']' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
        }
        Ok(WordPart::Param(Param {
            name: if indirect { String::new() } else { name },
            op: String::new(),
            arg: Vec::new(),
            raw: self.src[start..self.pos].to_string(),
        }))
    }

    fn parse_command_sub_body(&mut self, start: usize) -> PResult<WordPart> {
        let script = self.parse_list(&[], true, false)?;
        if self.peek() != Some(b')') {
            return Err(self.error_at(start, "missing `)` to close the command substitution"));
        }
        self.pos += 1;
        Ok(WordPart::CommandSub {
            script,
            raw: self.src[start..self.pos].to_string(),
        })
    }

    fn parse_process_sub(&mut self, output: bool) -> PResult<WordPart> {
        let start = self.pos;
        self.pos += 2;
        let script = self.parse_list(&[], true, false)?;
        if self.peek() != Some(b')') {
            return Err(self.error_at(start, "missing `)` to close the process substitution"));
        }
        self.pos += 1;
        Ok(WordPart::ProcessSub {
            output,
            script,
            raw: self.src[start..self.pos].to_string(),
        })
    }

    fn parse_backquote(&mut self) -> PResult<WordPart> {
        let open = self.pos;
        self.pos += 1;
        let mut inner = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error_at(open, "unterminated backquote"));
            };
            match c {
                b'`' => {
                    self.pos += 1;
                    break;
                }
                b'\\' if matches!(self.peek_at(1), Some(b'`' | b'\\' | b'$')) => {
                    inner.push(self.b[self.pos + 1] as char);
                    self.pos += 2;
                }
                _ => self.take_char(&mut inner),
            }
        }
        let mut sub = Parser::new(&inner, self.shell);
        sub.detached = true;
        sub.depth = self.depth;
        let script = sub.parse_list(&[], false, false).map_err(|e| {
            self.error_at(
                open,
                format!("inside a backquote substitution: {}", e.message),
            )
        })?;
        if sub.pos < sub.end {
            return Err(self.error_at(open, "unexpected `)` inside a backquote substitution"));
        }
        if !sub.pending.is_empty() {
            sub.read_heredoc_bodies();
        }
        let mut script = script;
        if !sub.bodies.is_empty() {
            let mut bodies: Vec<Option<Word>> = Vec::new();
            for (id, w) in sub.bodies.drain(..) {
                if bodies.len() <= id {
                    bodies.resize(id + 1, None);
                }
                bodies[id] = Some(w);
            }
            fill_script(&mut script, &mut bodies);
        }
        Ok(WordPart::CommandSub {
            script,
            raw: self.src[open..self.pos].to_string(),
        })
    }

    /// `$'…'` with its C escapes decoded (pos is just past the opening quote).
    fn parse_ansi_c(&mut self, start: usize) -> PResult<String> {
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error_at(start, "unterminated $'…' string"));
            };
            match c {
                b'\'' => {
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.pos += 1;
                    let Some(e) = self.peek() else { continue };
                    let simple = match e {
                        b'n' => Some('\n'),
                        b't' => Some('\t'),
                        b'r' => Some('\r'),
                        b'a' => Some('\u{7}'),
                        b'b' => Some('\u{8}'),
                        b'e' | b'E' => Some('\u{1b}'),
                        b'f' => Some('\u{c}'),
                        b'v' => Some('\u{b}'),
                        b'\\' => Some('\\'),
                        b'\'' => Some('\''),
                        b'"' => Some('"'),
                        b'?' => Some('?'),
                        _ => None,
                    };
                    if let Some(ch) = simple {
                        out.push(ch);
                        self.pos += 1;
                        continue;
                    }
                    let (radix, max, skip) = match e {
                        b'x' => (16, 2, 1),
                        b'u' => (16, 4, 1),
                        b'U' => (16, 8, 1),
                        b'0'..=b'7' => (8, 3, 0),
                        b'c' => {
                            self.pos += 1;
                            if let Some(ctl) = self.peek() {
                                out.push(((ctl & 0x1f) as char).to_owned());
                                self.pos += 1;
                            }
                            continue;
                        }
                        _ => {
                            out.push('\\');
                            continue;
                        }
                    };
                    let ds = self.pos + skip;
                    let mut j = ds;
                    while j < self.end && j - ds < max && (self.b[j] as char).is_digit(radix) {
                        j += 1;
                    }
                    if j == ds {
                        out.push('\\');
                        continue;
                    }
                    let v = u32::from_str_radix(&self.src[ds..j], radix).unwrap_or(0xfffd);
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                    self.pos = j;
                }
                _ => self.take_char(&mut out),
            }
        }
    }

    fn parse_braced_param(&mut self, start: usize) -> PResult<WordPart> {
        self.pos += 2;
        // zsh flags `${(L)x}` and modifiers `${=x}`, `${~x}`, `${^x}`.
        if self.zsh && self.peek() == Some(b'(') {
            while let Some(c) = self.peek() {
                self.pos += 1;
                if c == b')' {
                    break;
                }
            }
        }
        let mut prefix = String::new();
        while let Some(c) = self.peek() {
            if matches!(c, b'#' | b'!' | b'=' | b'~' | b'^' | b'+')
                && !matches!(self.peek_at(1), Some(b'}') | None)
            {
                prefix.push(c as char);
                self.pos += 1;
            } else {
                break;
            }
        }
        let name_start = self.pos;
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                while let Some(n) = self.peek() {
                    if n.is_ascii_alphanumeric() || n == b'_' {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
            }
            Some(c) if c.is_ascii_digit() => {
                while self.peek().is_some_and(|n| n.is_ascii_digit()) {
                    self.pos += 1;
                }
            }
            Some(c) if b"@*#?$!-".contains(&c) => self.pos += 1,
            _ => {}
        }
        let mut name = self.src[name_start..self.pos].to_string();
        if !prefix.is_empty() && name.is_empty() {
            // `${#}` is the number of positional parameters.
            name = prefix.clone();
        }
        if self.peek() == Some(b'[') {
            let mut depth = 0usize;
            while let Some(c) = self.peek() {
                self.pos += 1;
                match c {
                    b'[' => depth += 1,
                    b']' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
        }
        let ops = [
            ":-", ":=", ":?", ":+", "##", "%%", "//", "/#", "/%", "^^", ",,", "-", "=", "?", "+",
            "#", "%", "/", "^", ",", ":", "@",
        ];
        let mut op = ops
            .iter()
            .find(|o| self.starts_with(o))
            .map(|o| o.to_string())
            .unwrap_or_default();
        self.pos += op.len();
        if !prefix.is_empty() && prefix.contains('#') && op.is_empty() {
            op = "#len".into();
        }
        let arg = self.parse_brace_arg(start)?;
        Ok(WordPart::Param(Param {
            name,
            op,
            arg,
            raw: self.src[start..self.pos].to_string(),
        }))
    }

    /// The argument of `${name<op>…}` up to the matching `}`.
    fn parse_brace_arg(&mut self, start: usize) -> PResult<Vec<WordPart>> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut depth = 0usize;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error_at(start, "missing `}` to close `${`"));
            };
            match c {
                b'}' if depth == 0 => {
                    self.pos += 1;
                    break;
                }
                b'}' => {
                    depth -= 1;
                    self.take_char(&mut lit);
                }
                b'{' => {
                    depth += 1;
                    self.take_char(&mut lit);
                }
                b'\'' => {
                    if !lit.is_empty() {
                        parts.push(WordPart::Literal(std::mem::take(&mut lit)));
                    }
                    parts.push(self.parse_single_quoted()?);
                }
                b'"' => {
                    if !lit.is_empty() {
                        parts.push(WordPart::Literal(std::mem::take(&mut lit)));
                    }
                    let q = self.pos;
                    self.pos += 1;
                    parts.push(WordPart::DoubleQuoted(self.parse_dq_parts(Some(q))?));
                }
                b'\\' => {
                    if !lit.is_empty() {
                        parts.push(WordPart::Literal(std::mem::take(&mut lit)));
                    }
                    parts.push(self.parse_unquoted_escape());
                }
                b'$' => {
                    if !lit.is_empty() {
                        parts.push(WordPart::Literal(std::mem::take(&mut lit)));
                    }
                    let part = self.parse_dollar(false)?;
                    push_part(&mut parts, part);
                }
                b'`' => {
                    if !lit.is_empty() {
                        parts.push(WordPart::Literal(std::mem::take(&mut lit)));
                    }
                    parts.push(self.parse_backquote()?);
                }
                _ => self.take_char(&mut lit),
            }
        }
        if !lit.is_empty() {
            parts.push(WordPart::Literal(lit));
        }
        Ok(parts)
    }

    /// The inside of `((…))` / `$((…))` (pos just past the opening parentheses), up to and
    /// including the closing `))`.
    fn parse_arith_body(&mut self, start: usize) -> PResult<Word> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut depth = 0usize;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error_at(start, "missing `))` to close the arithmetic expression"));
            };
            match c {
                b'(' => {
                    depth += 1;
                    self.take_char(&mut lit);
                }
                b')' => {
                    if depth == 0 {
                        if self.peek_at(1) == Some(b')') {
                            self.pos += 2;
                            break;
                        }
                        return Err(self.error_at(
                            self.pos,
                            "missing `))` to close the arithmetic expression",
                        ));
                    }
                    depth -= 1;
                    self.take_char(&mut lit);
                }
                b'$' => {
                    if !lit.is_empty() {
                        parts.push(WordPart::Literal(std::mem::take(&mut lit)));
                    }
                    let part = self.parse_dollar(true)?;
                    push_part(&mut parts, part);
                }
                b'`' => {
                    if !lit.is_empty() {
                        parts.push(WordPart::Literal(std::mem::take(&mut lit)));
                    }
                    parts.push(self.parse_backquote()?);
                }
                b'\n' => {
                    lit.push('\n');
                    self.pos += 1;
                }
                _ => self.take_char(&mut lit),
            }
        }
        if !lit.is_empty() {
            parts.push(WordPart::Literal(lit));
        }
        Ok(Word {
            parts,
            span: self.span(start),
        })
    }
}

/// Merge a `$` that turned out to be literal into a neighbouring literal part.
fn push_part(parts: &mut Vec<WordPart>, part: WordPart) {
    if let WordPart::Literal(s) = &part {
        if let Some(WordPart::Literal(prev)) = parts.last_mut() {
            prev.push_str(s);
            return;
        }
    }
    parts.push(part);
}

fn single_command_script(cmd: Command) -> Script {
    Script {
        items: vec![Item {
            list: AndOr {
                first: Pipeline {
                    negated: false,
                    commands: vec![cmd],
                },
                rest: Vec::new(),
            },
            background: false,
        }],
    }
}

/// `NAME=` or `NAME+=` (so a following `~` is a tilde prefix).
fn is_assignment_prefix(lit: &str) -> bool {
    let Some(body) = lit.strip_suffix('=') else {
        return false;
    };
    let body = body.strip_suffix('+').unwrap_or(body);
    is_name(body)
}

pub(crate) fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A word of the form `NAME=value` before the command word.
fn as_assignment(word: &Word) -> Option<Assignment> {
    let WordPart::Literal(first) = word.parts.first()? else {
        return None;
    };
    let eq = first.find('=')?;
    let (name, append) = match first[..eq].strip_suffix('+') {
        Some(n) => (n, true),
        None => (&first[..eq], false),
    };
    if !is_name(name) {
        return None;
    }
    let mut parts = Vec::new();
    let rest = &first[eq + 1..];
    if !rest.is_empty() {
        parts.push(WordPart::Literal(rest.to_string()));
    }
    parts.extend(word.parts[1..].iter().cloned());
    let value_start = if word.span.is_empty() {
        0
    } else {
        word.span.start + eq + 1
    };
    Some(Assignment {
        name: name.to_string(),
        append,
        value: AssignValue::Scalar(Word {
            parts,
            span: Span {
                start: value_start,
                end: word.span.end.max(value_start),
            },
        }),
        span: word.span,
    })
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

// ---- here-document bodies are attached after parsing ----------------------------------

fn fill_script(s: &mut Script, bodies: &mut [Option<Word>]) {
    for item in &mut s.items {
        fill_pipeline(&mut item.list.first, bodies);
        for (_, p) in &mut item.list.rest {
            fill_pipeline(p, bodies);
        }
    }
}

fn fill_pipeline(p: &mut Pipeline, bodies: &mut [Option<Word>]) {
    for c in &mut p.commands {
        fill_command(c, bodies);
    }
}

fn fill_redirects(rs: &mut [Redirect], bodies: &mut [Option<Word>]) {
    for r in rs {
        if let Some(id) = r.heredoc_id {
            if let Some(slot) = bodies.get_mut(id) {
                r.heredoc = slot.take();
            }
            if r.heredoc.is_none() {
                r.heredoc = Some(Word::default());
            }
        }
        fill_word(&mut r.target, bodies);
        if let Some(body) = &mut r.heredoc {
            fill_word(body, bodies);
        }
    }
}

fn fill_command(c: &mut Command, bodies: &mut [Option<Word>]) {
    match c {
        Command::Simple(s) => {
            for a in &mut s.assignments {
                match &mut a.value {
                    AssignValue::Scalar(w) => fill_word(w, bodies),
                    AssignValue::Array(ws) => ws.iter_mut().for_each(|w| fill_word(w, bodies)),
                }
            }
            s.words.iter_mut().for_each(|w| fill_word(w, bodies));
            fill_redirects(&mut s.redirects, bodies);
        }
        Command::Compound(cc) => {
            match &mut cc.kind {
                Compound::Group(s) | Compound::Subshell(s) => fill_script(s, bodies),
                Compound::If {
                    branches,
                    otherwise,
                } => {
                    for (c, b) in branches {
                        fill_script(c, bodies);
                        fill_script(b, bodies);
                    }
                    if let Some(o) = otherwise {
                        fill_script(o, bodies);
                    }
                }
                Compound::Loop { cond, body, .. } => {
                    fill_script(cond, bodies);
                    fill_script(body, bodies);
                }
                Compound::For { items, body, .. } => {
                    if let Some(items) = items {
                        items.iter_mut().for_each(|w| fill_word(w, bodies));
                    }
                    fill_script(body, bodies);
                }
                Compound::Case { subject, arms } => {
                    fill_word(subject, bodies);
                    for arm in arms {
                        fill_script(&mut arm.body, bodies);
                    }
                }
                Compound::Arith(w) => fill_word(w, bodies),
                Compound::Test(ws) => ws.iter_mut().for_each(|w| fill_word(w, bodies)),
            }
            fill_redirects(&mut cc.redirects, bodies);
        }
        Command::Function(f) => fill_command(&mut f.body, bodies),
    }
}

fn fill_word(w: &mut Word, bodies: &mut [Option<Word>]) {
    fill_parts(&mut w.parts, bodies);
}

fn fill_parts(parts: &mut [WordPart], bodies: &mut [Option<Word>]) {
    for p in parts {
        match p {
            WordPart::DoubleQuoted(inner) => fill_parts(inner, bodies),
            WordPart::Param(param) => fill_parts(&mut param.arg, bodies),
            WordPart::CommandSub { script, .. } | WordPart::ProcessSub { script, .. } => {
                fill_script(script, bodies)
            }
            WordPart::Arith { parts, .. } => fill_parts(parts, bodies),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Shell::*;

    fn ok(src: &str, shell: Shell) -> Script {
        parse(src, shell).unwrap_or_else(|e| panic!("{src:?} should parse for {shell}: {e}"))
    }

    fn names(src: &str, shell: Shell) -> Vec<String> {
        ok(src, shell)
            .simple_commands()
            .iter()
            .map(|c| c.name().unwrap_or_else(|| "?".into()))
            .collect()
    }

    fn args(src: &str, shell: Shell) -> Vec<Option<String>> {
        let script = ok(src, shell);
        let cmds = script.simple_commands();
        cmds[0].words.iter().map(Word::literal).collect()
    }

    #[test]
    fn simple_words_and_quotes() {
        assert_eq!(
            args(r#"rm -r -f "a b" 'c d' e\ f"#, Bash),
            vec![
                Some("rm".into()),
                Some("-r".into()),
                Some("-f".into()),
                Some("a b".into()),
                Some("c d".into()),
                Some("e f".into())
            ]
        );
        assert_eq!(args(r"\rm -rf /", Bash)[0].as_deref(), Some("rm"));
        assert_eq!(args("$'\\x72\\x6d' x", Bash)[0].as_deref(), Some("rm"));
        assert_eq!(args(r"echo 'it\'s'", Fish)[1].as_deref(), Some("it's"));
        assert_eq!(args(r"echo \x41", Fish)[1].as_deref(), Some("A"));
    }

    #[test]
    fn lists_pipelines_and_substitutions() {
        assert_eq!(
            names("a && b || c; d | e & f", Bash),
            vec!["a", "b", "c", "d", "e", "f"]
        );
        assert_eq!(
            names("echo $(rm -rf ~) `id`", Bash),
            vec!["echo", "rm", "id"]
        );
        assert_eq!(
            names("diff <(ls a) >(tee b)", Bash),
            vec!["diff", "ls", "tee"]
        );
        assert_eq!(
            names("echo (date) $(pwd)", Fish),
            vec!["echo", "date", "pwd"]
        );
        assert_eq!(names("echo \"$(whoami)\"", Zsh), vec!["echo", "whoami"]);
        assert_eq!(names("echo \"(date)\"", Fish), vec!["echo"]);
        assert_eq!(names("echo ${x:-$(id)}", Bash), vec!["echo", "id"]);
    }

    #[test]
    fn compound_commands() {
        assert_eq!(
            names(
                "if [ -d x ]; then rm -r x; elif true; then :; else echo; fi",
                Bash
            ),
            vec!["[", "rm", "true", ":", "echo"]
        );
        assert_eq!(
            names("for f in *.log; do gzip \"$f\"; done", Bash),
            vec!["gzip"]
        );
        assert_eq!(
            names("while read l; do echo $l; done < f", Bash),
            vec!["read", "echo"]
        );
        assert_eq!(
            names("case $x in a|b) one;; *) two;; esac", Bash),
            vec!["one", "two"]
        );
        assert_eq!(
            names("{ a; b; } > log; (c; d)", Bash),
            vec!["a", "b", "c", "d"]
        );
        assert_eq!(names("[[ -f a && $b < c ]] && d", Bash), vec!["d"]);
        assert_eq!(names("(( i++ )) && e", Bash), vec!["e"]);
        assert_eq!(names("for x (a b) echo $x", Zsh), vec!["echo"]);
        assert_eq!(names("repeat 3 curl -s http://x", Zsh), vec!["repeat"]);
    }

    #[test]
    fn fish_blocks() {
        assert_eq!(names("for d in */; git -C $d pull; end", Fish), vec!["git"]);
        assert_eq!(
            names(
                "if test -f x; echo y; else if test -d x; echo z; else; echo w; end",
                Fish
            ),
            vec!["test", "echo", "test", "echo", "echo"]
        );
        assert_eq!(
            names(
                "function gco; git checkout $argv; end; and funcsave gco",
                Fish
            ),
            vec!["git", "funcsave"]
        );
        assert_eq!(names("begin; a; b; end | c", Fish), vec!["a", "b", "c"]);
        assert_eq!(
            names("switch $x; case a b; one; case '*'; two; end", Fish),
            vec!["one", "two"]
        );
        assert_eq!(
            names("set -x FOO bar; not true; or false", Fish),
            vec!["set", "true", "false"]
        );
    }

    #[test]
    fn functions_and_fork_bomb() {
        let s = ok(":(){ :|:& };:", Bash);
        assert!(matches!(
            &s.items[0].list.first.commands[0],
            Command::Function(f) if f.name == ":"
        ));
        assert_eq!(names(":(){ :|:& };:", Bash), vec![":", ":", ":"]);
        assert_eq!(
            names("function b { b | b & }; b", Bash),
            vec!["b", "b", "b"]
        );
        assert_eq!(
            names("function b; b | b &; end; b", Fish),
            vec!["b", "b", "b"]
        );
    }

    #[test]
    fn assignments_and_redirections() {
        let s = ok("x=/ y=~/a arr=(1 2) cmd >out 2>&1 <<<hi", Bash);
        let c = s.simple_commands()[0];
        assert_eq!(c.assignments.len(), 3);
        assert_eq!(c.assignments[0].name, "x");
        match &c.assignments[1].value {
            AssignValue::Scalar(w) => {
                assert!(matches!(&w.parts[0], WordPart::Tilde(t) if t == "~"))
            }
            _ => panic!("scalar expected"),
        }
        assert_eq!(c.name().as_deref(), Some("cmd"));
        let ops: Vec<RedirOp> = c.redirects.iter().map(|r| r.op).collect();
        assert_eq!(
            ops,
            vec![RedirOp::Write, RedirOp::DupWrite, RedirOp::HereString]
        );
        assert_eq!(c.redirects[1].fd, Some(2));
    }

    #[test]
    fn heredocs_keep_bodies_and_find_substitutions() {
        let s = ok("cat <<EOF > out\nhello $(id)\nEOF\necho done", Bash);
        assert_eq!(
            s.simple_commands()
                .iter()
                .map(|c| c.name().unwrap())
                .collect::<Vec<_>>(),
            vec!["cat", "id", "echo"]
        );
        let s = ok("bash <<'EOF'\nrm -rf /\nEOF", Bash);
        let body = s.simple_commands()[0].redirects[0].heredoc.clone().unwrap();
        assert_eq!(body.literal().as_deref(), Some("rm -rf /\n"));
    }

    #[test]
    fn spans_point_into_the_source() {
        let src = "sed -i 's/a/b/' f.txt";
        let s = ok(src, Bash);
        let c = s.simple_commands()[0];
        assert_eq!(c.words[2].raw(src), "'s/a/b/'");
        assert_eq!(c.words[3].raw(src), "f.txt");
    }

    #[test]
    fn rejects_broken_syntax_with_a_position() {
        for (src, shell, needle) in [
            ("echo 'oops", Bash, "unterminated single quote"),
            ("echo \"oops", Zsh, "unterminated double quote"),
            ("if true; then echo", Bash, "missing `fi`"),
            ("for x in a; echo $x", Bash, "missing `do`"),
            ("echo $(ls", Bash, "missing `)`"),
            ("begin; echo", Fish, "missing `end`"),
            ("cat <<EOF", Fish, "here-documents"),
            ("| grep x", Bash, "unexpected"),
            ("echo a &&", Bash, "expected a command"),
            ("(date)", Fish, "command name"),
            ("fi", Bash, "unexpected `fi`"),
        ] {
            let err = parse(src, shell).expect_err(src);
            assert!(err.message.contains(needle), "{src:?}: {err}");
        }
        let err = parse("echo ok\necho 'x", Bash).unwrap_err();
        assert_eq!((err.line, err.column), (2, 6));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let src = "$(".repeat(500) + &")".repeat(500);
        let err = parse(&format!("echo {src}"), Bash).unwrap_err();
        assert!(err.message.contains("nests deeper"));
    }
}
