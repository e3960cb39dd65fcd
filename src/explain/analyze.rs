//! From a parsed command line to [`Step`]s: walking the syntax tree, and reading each simple
//! command's words against the dictionary (subcommands, options with their values,
//! operands, the commands wrappers run).

use crate::context::{Flavour, Shell};
use crate::safety::{
    parse, AndOr, AssignValue, Assignment, Command, Compound, CompoundCommand, Connector,
    FunctionDef, Param, Pipeline, RedirOp, Redirect, Script, SimpleCommand, Span, Word, WordPart,
};

use super::describe::describe;
use super::dict::{self, Arg, Describe, Dictionary, Entry, Found, Style, Takes};
use super::{Part, PartKind, Relation, Step, StepKind, Target};

/// Nesting deeper than this is not explained (hostile input cannot make output explode).
const MAX_DEPTH: usize = 12;
/// At most this many steps per command line.
const MAX_STEPS: usize = 400;

pub(super) fn analyze(
    dict: &Dictionary,
    command: &str,
    target: Target,
) -> (Vec<Step>, Option<String>) {
    let mut cx = Cx {
        dict,
        flavour: target.flavour,
        os: target.os,
        shell: target.shell,
        steps: Vec::new(),
        loop_vars: Vec::new(),
    };
    match parse(command, target.shell) {
        Ok(script) => {
            cx.script(command, &script, 0, Relation::First, None);
            (cx.steps, None)
        }
        Err(e) => {
            // Still say what the words are: the user asked about this text.
            let words = shell_words::split(command)
                .unwrap_or_else(|_| command.split_whitespace().map(str::to_string).collect());
            let cmd = SimpleCommand {
                words: words
                    .into_iter()
                    .map(|w| Word {
                        parts: vec![WordPart::Literal(w)],
                        span: Span::default(),
                    })
                    .collect(),
                ..SimpleCommand::default()
            };
            cx.simple(command, &cmd, 0, Relation::First, None, false);
            (cx.steps, Some(e.to_string()))
        }
    }
}

struct Cx<'d> {
    dict: &'d Dictionary,
    flavour: Flavour,
    os: crate::context::Os,
    /// The shell whose syntax and builtins apply (changes inside `fish -c '…'`).
    shell: Shell,
    steps: Vec<Step>,
    /// Variables of the `for` loops around the current command.
    loop_vars: Vec<String>,
}

/// Work found while explaining a step, explained right after it, one level deeper.
enum Nested {
    Script {
        src: String,
        script: Script,
        shell: Shell,
        relation: Relation,
        via: String,
    },
    Simple {
        src: String,
        cmd: SimpleCommand,
        relation: Relation,
        via: String,
    },
}

/// The source text of a span, when it has one.
fn span_text(src: &str, span: Span) -> Option<&str> {
    if span.is_empty() {
        None
    } else {
        src.get(span.start..span.end)
    }
}

/// A word as written.
fn word_text(src: &str, w: &Word) -> String {
    match span_text(src, w.span) {
        Some(t) => t.to_string(),
        None => rebuild(&w.parts),
    }
}

fn rebuild(parts: &[WordPart]) -> String {
    let mut out = String::new();
    for p in parts {
        match p {
            WordPart::Literal(s) | WordPart::Tilde(s) => out.push_str(s),
            WordPart::Quoted(s) => out.push_str(&crate::quote::quote(s, Shell::Bash)),
            WordPart::DoubleQuoted(inner) => {
                out.push('"');
                out.push_str(&rebuild(inner));
                out.push('"');
            }
            WordPart::Param(p) => out.push_str(&p.raw),
            WordPart::CommandSub { raw, .. }
            | WordPart::ProcessSub { raw, .. }
            | WordPart::Arith { raw, .. } => out.push_str(raw),
        }
    }
    out
}

/// The unquoted literal text a word starts with (`-j` in `-j"$(nproc)"`).
fn literal_prefix(w: &Word) -> String {
    let mut out = String::new();
    for p in &w.parts {
        match p {
            WordPart::Literal(s) => out.push_str(s),
            _ => break,
        }
    }
    out
}

fn has_glob(w: &Word) -> bool {
    w.parts.iter().any(|p| match p {
        WordPart::Literal(s) => s.contains(['*', '?']) || (s.contains('[') && s.contains(']')),
        _ => false,
    })
}

fn params<'w>(parts: &'w [WordPart], out: &mut Vec<&'w Param>) {
    for p in parts {
        match p {
            WordPart::Param(p) if !out.iter().any(|q| q.raw == p.raw) => out.push(p),
            WordPart::DoubleQuoted(inner) => params(inner, out),
            _ => {}
        }
    }
}

/// What a parameter expansion with an operator gives (`${f%.txt}` → `$f without the
/// shortest suffix matching .txt`); `None` for a plain `$x`.
fn param_operation(p: &Param) -> Option<String> {
    let name = &p.name;
    let arg = rebuild(&p.arg);
    let text = match p.op.as_str() {
        "" => return None,
        "#len" => format!("the length of ${name}"),
        "%" => format!("${name} without the shortest suffix matching {arg}"),
        "%%" => format!("${name} without the longest suffix matching {arg}"),
        "#" => format!("${name} without the shortest prefix matching {arg}"),
        "##" => format!("${name} without the longest prefix matching {arg}"),
        "/" => format!("${name} with the first match of a pattern replaced ({arg})"),
        "//" => format!("${name} with every match of a pattern replaced ({arg})"),
        ":-" => format!("${name}, or {arg} when it is unset or empty"),
        "-" => format!("${name}, or {arg} when it is unset"),
        ":=" => format!("${name}, set to {arg} first when it is unset or empty"),
        ":+" => format!("{arg} when ${name} is set and not empty, otherwise nothing"),
        "+" => format!("{arg} when ${name} is set, otherwise nothing"),
        ":?" => format!("${name}, or an error when it is unset or empty"),
        "^^" => format!("${name} in upper case"),
        ",," => format!("${name} in lower case"),
        ":" => format!("part of ${name} (offset:length {arg})"),
        _ => return None,
    };
    Some(text)
}

fn has_substitution(parts: &[WordPart]) -> bool {
    parts.iter().any(|p| match p {
        WordPart::CommandSub { .. } | WordPart::ProcessSub { .. } => true,
        WordPart::DoubleQuoted(inner) => has_substitution(inner),
        _ => false,
    })
}

fn is_assignment(text: &str) -> bool {
    match text.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => false,
    }
}

fn join_notes(notes: Vec<String>) -> Option<String> {
    if notes.is_empty() {
        None
    } else {
        Some(notes.join("; "))
    }
}

fn add_note(part: &mut Part, note: Option<String>) {
    if let Some(n) = note {
        part.note = Some(match part.note.take() {
            Some(old) => format!("{old}; {n}"),
            None => n,
        });
    }
}

/// What a command line's `fish` connector words or `time` before a pipeline were: the
/// parser folds them into the list structure, so they are read back from the source.
fn prefix_words(src: &str, start: usize) -> Vec<&str> {
    let before = src.get(..start).unwrap_or("");
    let cut = before
        .rfind([';', '\n', '|', '&', '(', '{'])
        .map_or(0, |i| i + 1);
    before[cut..].split_whitespace().collect()
}

impl<'d> Cx<'d> {
    fn full(&self, depth: usize) -> bool {
        depth > MAX_DEPTH || self.steps.len() >= MAX_STEPS
    }

    fn script(
        &mut self,
        src: &str,
        s: &Script,
        depth: usize,
        first: Relation,
        via: Option<String>,
    ) {
        for (i, item) in s.items.iter().enumerate() {
            let relation = if i == 0 { first } else { Relation::Then };
            let via = if i == 0 { via.clone() } else { None };
            self.and_or(src, &item.list, depth, relation, via, item.background);
        }
    }

    fn and_or(
        &mut self,
        src: &str,
        list: &AndOr,
        depth: usize,
        relation: Relation,
        via: Option<String>,
        background: bool,
    ) {
        self.pipeline(src, &list.first, depth, relation, via, background);
        for (conn, p) in &list.rest {
            let relation = match conn {
                Connector::And => Relation::And,
                Connector::Or => Relation::Or,
            };
            self.pipeline(src, p, depth, relation, None, background);
        }
    }

    fn pipeline(
        &mut self,
        src: &str,
        p: &Pipeline,
        depth: usize,
        relation: Relation,
        via: Option<String>,
        background: bool,
    ) {
        for (j, c) in p.commands.iter().enumerate() {
            let start = self.steps.len();
            let mut relation = if j == 0 { relation } else { Relation::Pipe };
            let mut notes = Vec::new();
            if j == 0 {
                if let Some(at) = command_start(c) {
                    for word in prefix_words(src, at) {
                        match word {
                            "and" if self.shell == Shell::Fish && relation == Relation::Then => {
                                relation = Relation::And
                            }
                            "or" if self.shell == Shell::Fish && relation == Relation::Then => {
                                relation = Relation::Or
                            }
                            "time" => {
                                notes.push("timed: the shell reports how long it took".to_string())
                            }
                            _ => {}
                        }
                    }
                }
                if p.negated {
                    notes.push("! inverts its exit status: success becomes failure".into());
                }
            }
            let via = if j == 0 { via.clone() } else { None };
            self.command(src, c, depth, relation, via, background);
            if let Some(step) = self.steps.get_mut(start) {
                if let Some(n) = join_notes(notes) {
                    step.note = Some(match step.note.take() {
                        Some(old) => format!("{n}; {old}"),
                        None => n,
                    });
                }
            }
        }
    }

    fn command(
        &mut self,
        src: &str,
        c: &Command,
        depth: usize,
        relation: Relation,
        via: Option<String>,
        background: bool,
    ) {
        match c {
            Command::Simple(s) => self.simple(src, s, depth, relation, via, background),
            Command::Compound(cc) => self.compound(src, cc, depth, relation, via, background),
            Command::Function(f) => self.function(src, f, depth, relation, via),
        }
    }

    // ---- syntax around commands -------------------------------------------------------

    fn syntax_step(&mut self, at: Place, text: String, summary: &str, parts: Vec<Part>) {
        let Place {
            depth,
            relation,
            via,
            background,
        } = at;
        if self.full(depth) {
            return;
        }
        self.steps.push(Step {
            depth,
            relation,
            via,
            kind: StepKind::Syntax,
            text,
            entry: None,
            summary: Some(summary.to_string()),
            known: true,
            note: None,
            background,
            parts,
        });
    }

    fn compound(
        &mut self,
        src: &str,
        cc: &CompoundCommand,
        depth: usize,
        relation: Relation,
        via: Option<String>,
        background: bool,
    ) {
        let whole = span_text(src, cc.span).unwrap_or("").to_string();
        let mut nested = Vec::new();
        let mut parts: Vec<Part> = Vec::new();
        let body = depth + 1;
        match &cc.kind {
            Compound::Group(s) => {
                let redirects = self.redirects(src, &cc.redirects, &mut nested);
                let text = if self.shell == Shell::Fish {
                    "begin … end"
                } else {
                    "{ … }"
                };
                self.syntax_step(
                    Place {
                        depth,
                        relation,
                        via,
                        background,
                    },
                    text.into(),
                    "a group: the commands below run as one unit, sharing its redirections",
                    redirects,
                );
                self.script(src, s, body, Relation::Body, None);
            }
            Compound::Subshell(s) => {
                let redirects = self.redirects(src, &cc.redirects, &mut nested);
                self.syntax_step(Place { depth, relation, via, background }, "( … )".into(),
                    "a subshell: the commands below run in a copy of the shell, so `cd` and variables set there do not last",
                    redirects);
                self.script(src, s, body, Relation::Body, None);
            }
            Compound::If {
                branches,
                otherwise,
            } => {
                parts.extend(self.redirects(src, &cc.redirects, &mut nested));
                self.syntax_step(
                    Place {
                        depth,
                        relation,
                        via,
                        background,
                    },
                    if self.shell == Shell::Fish {
                        "if … end".to_string()
                    } else {
                        "if … then … fi".to_string()
                    },
                    "a conditional: runs the first branch whose condition succeeds",
                    parts,
                );
                for (cond, then) in branches {
                    self.script(src, cond, body, Relation::Condition, None);
                    self.script(src, then, body, Relation::Body, None);
                }
                if let Some(o) = otherwise {
                    self.script(src, o, body, Relation::Else, None);
                }
            }
            Compound::Loop {
                until,
                cond,
                body: b,
            } => {
                parts.extend(self.redirects(src, &cc.redirects, &mut nested));
                let (text, summary) = if *until {
                    (
                        "until … do … done",
                        "a loop: runs the body until the condition succeeds",
                    )
                } else if self.shell == Shell::Fish {
                    (
                        "while … end",
                        "a loop: runs the body while the condition succeeds",
                    )
                } else {
                    (
                        "while … do … done",
                        "a loop: runs the body while the condition succeeds",
                    )
                };
                self.syntax_step(
                    Place {
                        depth,
                        relation,
                        via,
                        background,
                    },
                    text.into(),
                    summary,
                    parts,
                );
                self.script(src, cond, body, Relation::Condition, None);
                self.script(src, b, body, Relation::Body, None);
            }
            Compound::For {
                var,
                items,
                body: b,
            } => {
                let text;
                let summary;
                match items {
                    Some(items) => {
                        for w in items {
                            let mut p = Part::new(
                                word_text(src, w),
                                PartKind::Word,
                                Some(format!("a value for ${var}")),
                            );
                            add_note(&mut p, self.word_notes(w, None));
                            self.subs_in(src, w, &mut nested);
                            parts.push(p);
                        }
                        let values: Vec<String> = items.iter().map(|w| word_text(src, w)).collect();
                        text = format!("for {var} in {}", values.join(" "));
                        summary = format!("a loop: runs the body once for each value below, with ${var} set to it");
                    }
                    None => {
                        text = whole.lines().next().unwrap_or("for").to_string();
                        summary =
                            format!("a loop: runs the body repeatedly, setting ${var} each time");
                    }
                }
                parts.extend(self.redirects(src, &cc.redirects, &mut nested));
                self.syntax_step(
                    Place {
                        depth,
                        relation,
                        via,
                        background,
                    },
                    text,
                    &summary,
                    parts,
                );
                self.nested(nested, body);
                self.loop_vars.push(var.clone());
                self.script(src, b, body, Relation::Body, None);
                self.loop_vars.pop();
                return;
            }
            Compound::Case { subject, arms } => {
                let subject_text = word_text(src, subject);
                self.subs_in(src, subject, &mut nested);
                for arm in arms {
                    let pats: Vec<String> =
                        arm.patterns.iter().map(|w| word_text(src, w)).collect();
                    parts.push(Part::new(
                        pats.join(" | "),
                        PartKind::Word,
                        Some("a pattern: the branch after it runs when the value matches".into()),
                    ));
                }
                parts.extend(self.redirects(src, &cc.redirects, &mut nested));
                let summary =
                    format!("a case: runs the branch whose pattern matches {subject_text}");
                self.syntax_step(
                    Place {
                        depth,
                        relation,
                        via,
                        background,
                    },
                    format!("case {subject_text} …"),
                    &summary,
                    parts,
                );
                self.nested(nested, body);
                for arm in arms {
                    self.script(src, &arm.body, body, Relation::Body, None);
                }
                return;
            }
            Compound::Arith(w) => {
                self.subs_in(src, w, &mut nested);
                parts.extend(self.redirects(src, &cc.redirects, &mut nested));
                self.syntax_step(
                    Place {
                        depth,
                        relation,
                        via,
                        background,
                    },
                    whole,
                    "arithmetic: evaluates the expression; succeeds when the result is not zero",
                    parts,
                );
            }
            Compound::Test(words) => {
                for w in words {
                    self.subs_in(src, w, &mut nested);
                }
                parts.extend(self.redirects(src, &cc.redirects, &mut nested));
                self.syntax_step(Place { depth, relation, via, background }, whole,
                    "a test: succeeds when the condition holds (string comparisons, file tests, patterns)",
                    parts);
            }
        }
        self.nested(nested, body);
    }

    fn function(
        &mut self,
        src: &str,
        f: &FunctionDef,
        depth: usize,
        relation: Relation,
        via: Option<String>,
    ) {
        let summary = format!(
            "defines the function {}: the body below runs each time `{}` is called",
            f.name, f.name
        );
        self.syntax_step(
            Place {
                depth,
                relation,
                via,
                background: false,
            },
            if self.shell == Shell::Fish {
                format!("function {} … end", f.name)
            } else {
                format!("{}() {{ … }}", f.name)
            },
            &summary,
            Vec::new(),
        );
        // The braces of `name() { …; }` are part of the definition, not a separate group.
        match f.body.as_ref() {
            Command::Compound(CompoundCommand {
                kind: Compound::Group(body),
                redirects,
                ..
            }) if redirects.is_empty() => self.script(src, body, depth + 1, Relation::Body, None),
            other => self.command(src, other, depth + 1, Relation::Body, None, false),
        }
    }

    fn nested(&mut self, nested: Vec<Nested>, depth: usize) {
        for n in nested {
            if self.full(depth) {
                return;
            }
            match n {
                Nested::Script {
                    src,
                    script,
                    shell,
                    relation,
                    via,
                } => {
                    let outer = std::mem::replace(&mut self.shell, shell);
                    self.script(&src, &script, depth, relation, Some(via));
                    self.shell = outer;
                }
                Nested::Simple {
                    src,
                    cmd,
                    relation,
                    via,
                } => self.simple(&src, &cmd, depth, relation, Some(via), false),
            }
        }
    }

    /// Queue the commands inside a word's substitutions.
    fn subs_in(&self, src: &str, w: &Word, nested: &mut Vec<Nested>) {
        self.subs_in_parts(src, &w.parts, nested);
    }

    fn subs_in_parts(&self, src: &str, parts: &[WordPart], nested: &mut Vec<Nested>) {
        for p in parts {
            match p {
                WordPart::CommandSub { script, raw } => {
                    let relation = Relation::Substitution;
                    self.queue_sub(src, script, raw, relation, nested);
                }
                WordPart::ProcessSub { script, raw, .. } => {
                    self.queue_sub(src, script, raw, Relation::ProcessSubstitution, nested);
                }
                WordPart::DoubleQuoted(inner) => self.subs_in_parts(src, inner, nested),
                WordPart::Param(p) => self.subs_in_parts(src, &p.arg, nested),
                _ => {}
            }
        }
    }

    fn queue_sub(
        &self,
        src: &str,
        script: &Script,
        raw: &str,
        relation: Relation,
        nested: &mut Vec<Nested>,
    ) {
        // Backquotes are re-parsed from transformed text, so their spans are empty: parse
        // the inside again to have text to show.
        if raw.starts_with('`') {
            let inner = raw.trim_start_matches('`').trim_end_matches('`');
            let inner = inner
                .replace("\\`", "`")
                .replace("\\$", "$")
                .replace("\\\\", "\\");
            if let Ok(script) = parse(&inner, self.shell) {
                nested.push(Nested::Script {
                    src: inner,
                    script,
                    shell: self.shell,
                    relation,
                    via: raw.to_string(),
                });
            }
            return;
        }
        nested.push(Nested::Script {
            src: src.to_string(),
            script: script.clone(),
            shell: self.shell,
            relation,
            via: raw.to_string(),
        });
    }

    // ---- simple commands ------------------------------------------------------------------

    fn simple(
        &mut self,
        src: &str,
        cmd: &SimpleCommand,
        depth: usize,
        relation: Relation,
        via: Option<String>,
        background: bool,
    ) {
        if self.full(depth) {
            return;
        }
        let mut nested = Vec::new();
        let mut parts = Vec::new();
        let has_command = !cmd.words.is_empty();
        for a in &cmd.assignments {
            parts.push(self.assignment(src, a, has_command, &mut nested));
        }
        let head = if has_command {
            self.words(src, &cmd.words, via.as_deref(), &mut parts, &mut nested)
        } else {
            Head {
                entry: None,
                summary: Some(if cmd.assignments.is_empty() {
                    "redirections without a command: opens (and may create or empty) the files"
                        .into()
                } else {
                    "sets shell variables".into()
                }),
                known: true,
                note: None,
            }
        };
        parts.extend(self.redirects(src, &cmd.redirects, &mut nested));
        let text = match span_text(src, cmd.span) {
            Some(t) => t.trim_end().to_string(),
            None => cmd
                .assignments
                .iter()
                .map(|a| a.name.clone() + "=…")
                .chain(cmd.words.iter().map(|w| word_text(src, w)))
                .collect::<Vec<_>>()
                .join(" "),
        };
        self.steps.push(Step {
            depth,
            relation,
            via,
            kind: StepKind::Command,
            text,
            entry: head.entry,
            summary: head.summary,
            known: head.known,
            note: head.note,
            background,
            parts,
        });
        self.nested(nested, depth + 1);
    }

    fn assignment(
        &self,
        src: &str,
        a: &Assignment,
        for_command: bool,
        nested: &mut Vec<Nested>,
    ) -> Part {
        let text = span_text(src, a.span)
            .map(str::to_string)
            .unwrap_or_else(|| format!("{}=…", a.name));
        let what = self.variable(&a.name);
        let verb = if a.append { "append to" } else { "set" };
        let meaning = if for_command {
            format!("{verb} {} in the environment of this command only", what)
        } else {
            format!("{verb} the shell variable {}", what)
        };
        match &a.value {
            AssignValue::Scalar(w) => self.subs_in(src, w, nested),
            AssignValue::Array(ws) => ws.iter().for_each(|w| self.subs_in(src, w, nested)),
        }
        Part::new(text, PartKind::Assignment, Some(meaning))
    }

    /// `PATH (the directories searched for commands)` when the dictionary knows it.
    fn variable(&self, name: &str) -> String {
        match self.dict.lookup(&format!("${name}")) {
            Some(r) => format!("{name} ({})", r.summary),
            None => name.to_string(),
        }
    }

    /// Notes for a word: patterns, expansions, home directory, stdin.
    fn word_notes(&self, w: &Word, via: Option<&str>) -> Option<String> {
        let mut notes = Vec::new();
        let lit = w.literal();
        if has_glob(w) {
            let url = literal_prefix(w).contains("://");
            notes.push(if url {
                "?, * and [ are pattern characters to the shell: quote the URL (zsh stops when no file matches)".to_string()
            } else {
                "a pattern: the shell replaces it with the matching file names".to_string()
            });
        }
        if matches!(w.parts.first(), Some(WordPart::Tilde(t)) if t == "~") {
            notes.push("~ is your home directory".to_string());
        }
        let mut found = Vec::new();
        params(&w.parts, &mut found);
        for p in found {
            let operation = param_operation(p);
            let has_op = operation.is_some();
            if let Some(op) = operation {
                notes.push(format!("{} is {op}", p.raw));
            }
            let name = p.name.clone();
            if self.loop_vars.contains(&name) {
                notes.push(format!("${name} is the loop's current value"));
                continue;
            }
            match self.dict.lookup(&format!("${name}")) {
                Some(r) => notes.push(format!("${name} is {}", r.summary)),
                None if !has_op => notes.push(format!("${name} is replaced by its value")),
                None => {}
            }
        }
        if has_substitution(&w.parts) {
            notes.push("contains the output of the command explained below".to_string());
        }
        if lit.as_deref() == Some("-") {
            notes.push("- means standard input (or output)".to_string());
        }
        if lit.as_deref() == Some("{}") && via.is_some_and(|v| v.starts_with("find")) {
            notes.push("find puts the path of each file found here".to_string());
        }
        join_notes(notes)
    }

    // ---- redirections -------------------------------------------------------------------

    fn redirects(&self, src: &str, rs: &[Redirect], nested: &mut Vec<Nested>) -> Vec<Part> {
        rs.iter()
            .map(|r| {
                self.subs_in(src, &r.target, nested);
                let text = span_text(src, r.span)
                    .map(str::to_string)
                    .unwrap_or_else(|| word_text(src, &r.target));
                // A here-document's span covers its body: show the first line only.
                let text = text.lines().next().unwrap_or("").to_string();
                Part::new(text, PartKind::Redirect, Some(redirect_meaning(r, src)))
            })
            .collect()
    }

    // ---- a command's words ---------------------------------------------------------------

    fn words(
        &mut self,
        src: &str,
        words: &[Word],
        via: Option<&str>,
        parts: &mut Vec<Part>,
        nested: &mut Vec<Nested>,
    ) -> Head {
        let first = &words[0];
        let name_text = word_text(src, first);
        self.subs_in(src, first, nested);
        let rest = &words[1..];
        let Some(name) = first.literal() else {
            let mut p = Part::new(name_text, PartKind::Command, None);
            p.note = Some("the command name is computed when it runs".into());
            parts.push(p);
            self.unknown_rest(src, rest, parts, nested);
            return Head {
                entry: None,
                summary: None,
                known: false,
                note: Some(
                    "the command name is computed when it runs, so it cannot be explained".into(),
                ),
            };
        };
        let key = self.dict.command_key(&name, self.shell).or_else(|| {
            // `/usr/bin/env`, `/bin/ls`: the program's name, unless it is a relative path
            // (`./build.sh` is the user's own script).
            let base = name.rsplit('/').next().unwrap_or(&name);
            (name.starts_with('/') && !base.is_empty())
                .then(|| self.dict.command_key(base, self.shell))
                .flatten()
        });
        let Some(key) = key else {
            let (summary, note) = if name.contains('/') {
                (
                    Some("runs the program or script at this path".to_string()),
                    Some("caro cannot tell what this program does".to_string()),
                )
            } else {
                (None, Some("not in caro's command dictionary".to_string()))
            };
            let mut p = Part::new(name_text, PartKind::Command, summary.clone());
            p.known = false;
            parts.push(p);
            self.unknown_rest(src, rest, parts, nested);
            return Head {
                entry: None,
                summary,
                known: false,
                note,
            };
        };
        let Some(resolved) = self.dict.lookup(&key) else {
            let mut p = Part::new(name_text, PartKind::Command, None);
            p.note = Some("its dictionary entry cannot be read".into());
            parts.push(p);
            self.unknown_rest(src, rest, parts, nested);
            return Head {
                entry: None,
                summary: None,
                known: false,
                note: None,
            };
        };
        let entry = resolved.entry;
        let lookup_key = resolved.key;
        let mut head_note = None;
        if let Some(os) = resolved.os {
            if os != self.os {
                head_note = Some(format!(
                    "{} only",
                    if os == crate::context::Os::Macos {
                        "macOS"
                    } else {
                        "Linux"
                    }
                ));
            }
        }
        let mut p = Part::new(
            name_text,
            PartKind::Command,
            Some(resolved.summary.to_string()),
        );
        p.note = head_note.clone();
        parts.push(p);
        let shown = key
            .split_once(':')
            .map_or(key.as_str(), |(_, n)| n)
            .to_string();
        let mut reader = Reader {
            key: lookup_key,
            shown,
            entry,
            summary: resolved.summary.to_string(),
            pending: Vec::new(),
            spec_pos: 0,
            options_done: false,
            operand_seen: false,
            doubtful: false,
            filled: Vec::new(),
        };
        self.read(&mut reader, src, rest, via, parts, nested);
        Head {
            entry: Some(reader.shown.clone()),
            summary: Some(reader.summary.clone()),
            known: true,
            note: head_note,
        }
    }

    /// Words after an unknown command or subcommand: nothing can be said about them.
    fn unknown_rest(
        &self,
        src: &str,
        rest: &[Word],
        parts: &mut Vec<Part>,
        nested: &mut Vec<Nested>,
    ) {
        for w in rest {
            let text = word_text(src, w);
            let kind = if literal_prefix(w).starts_with('-') {
                PartKind::Option
            } else {
                PartKind::Operand
            };
            let mut p = Part::new(text, kind, None);
            add_note(&mut p, self.word_notes(w, None));
            self.subs_in(src, w, nested);
            parts.push(p);
        }
    }

    fn read(
        &mut self,
        r: &mut Reader<'d>,
        src: &str,
        rest: &[Word],
        via: Option<&str>,
        parts: &mut Vec<Part>,
        nested: &mut Vec<Nested>,
    ) {
        let mut i = 0;
        while i < rest.len() {
            let w = &rest[i];
            let lit = w.literal();
            let key_text = lit.clone().unwrap_or_else(|| literal_prefix(w));
            // A subcommand spelled like an option (`brew --prefix`) wins over options.
            if !r.operand_seen {
                if let Some(l) = lit.as_deref().filter(|l| l.starts_with('-')) {
                    if self.enter_subcommand(r, src, w, l, parts) {
                        i += 1;
                        continue;
                    }
                }
            }
            if r.entry.options_first && r.operand_seen {
                r.options_done = true;
            }
            if !r.options_done {
                if lit.as_deref() == Some("--") {
                    parts.push(Part::new(
                        "--",
                        PartKind::EndOfOptions,
                        Some("end of options: the words after it are operands, even if they start with -".into()),
                    ));
                    r.options_done = true;
                    i += 1;
                    continue;
                }
                if r.entry.dashless && i == 0 && !r.operand_seen {
                    if let Some(l) = &lit {
                        if let Some(used) = self.dashless(r, src, l, rest, parts, nested) {
                            i += 1 + used;
                            continue;
                        }
                    }
                }
                if let Some(used) = self.option(r, src, w, &key_text, rest, i, via, parts, nested) {
                    self.subs_in(src, w, nested);
                    i += 1 + used;
                    continue;
                }
            }
            // A subcommand is the first operand of a command that has them.
            if !r.operand_seen && self.dict.has_subcommands(&r.key) {
                if let Some(l) = &lit {
                    if self.enter_subcommand(r, src, w, l, parts) {
                        i += 1;
                        continue;
                    }
                }
                if r.entry.args.is_empty() {
                    let mut p = Part::new(word_text(src, w), PartKind::Subcommand, None);
                    p.note = Some(format!("not a `{}` subcommand caro knows", r.shown));
                    self.subs_in(src, w, nested);
                    parts.push(p);
                    // Its options are unknown too: reading them as the parent's would mislead.
                    self.unknown_rest(src, &rest[i + 1..], parts, nested);
                    break;
                }
            }
            r.operand_seen = true;
            // Which operand is this? Commands run by this one end the reading.
            let mut spec = r.entry.args.get(r.spec_pos);
            while let Some(s) = spec {
                if s.takes == Some(Takes::Assignment) && !lit.as_deref().is_some_and(is_assignment)
                {
                    r.spec_pos += 1;
                    spec = r.entry.args.get(r.spec_pos);
                } else {
                    break;
                }
            }
            match spec.and_then(|s| s.takes.map(|t| (s, t))) {
                Some((s, Takes::Command)) => {
                    self.run_command(r, src, s, &rest[i..], parts, nested);
                    break;
                }
                Some((s, Takes::Words)) => {
                    self.run_words(r, src, s, &rest[i..], parts, nested);
                    break;
                }
                Some((s, Takes::Script)) => {
                    let mut p =
                        Part::new(word_text(src, w), PartKind::Operand, Some(s.means.clone()));
                    self.queue_script(r, w, &mut p, nested);
                    parts.push(p);
                    r.spec_pos += 1;
                }
                Some((_, Takes::Assignment)) => {
                    r.pending.push(Pending {
                        part: parts.len(),
                        spec: Some(r.spec_pos),
                        doubtful: r.doubtful,
                    });
                    parts.push(Part::new(word_text(src, w), PartKind::Operand, None));
                    add_note(parts.last_mut().unwrap(), self.word_notes(w, via));
                    self.subs_in(src, w, nested);
                }
                None => {
                    r.pending.push(Pending {
                        part: parts.len(),
                        spec: None,
                        doubtful: r.doubtful,
                    });
                    let mut p = Part::new(word_text(src, w), PartKind::Operand, None);
                    add_note(&mut p, self.word_notes(w, via));
                    self.subs_in(src, w, nested);
                    parts.push(p);
                    if spec.is_some_and(|s| !s.many) {
                        r.spec_pos += 1;
                    }
                }
            }
            i += 1;
        }
        self.allocate(r, parts);
    }

    /// Switch the reader to the subcommand `word` names, if the command has it.
    fn enter_subcommand(
        &self,
        r: &mut Reader<'d>,
        src: &str,
        w: &Word,
        word: &str,
        parts: &mut Vec<Part>,
    ) -> bool {
        let Some(child) = self
            .dict
            .subcommand(&r.key, word)
            .and_then(|k| self.dict.lookup(&k))
        else {
            return false;
        };
        parts.push(Part::new(
            word_text(src, w),
            PartKind::Subcommand,
            Some(child.summary.to_string()),
        ));
        r.shown = format!("{} {word}", r.shown);
        r.key = child.key;
        r.entry = child.entry;
        r.summary = child.summary.to_string();
        r.spec_pos = 0;
        true
    }

    /// Give the collected operands their meanings, now that their number is known.
    fn allocate(&self, r: &Reader<'_>, parts: &mut [Part]) {
        let specs: Vec<(usize, &Arg)> = r
            .entry
            .args
            .iter()
            .enumerate()
            .filter(|(_, a)| a.takes.is_none() && !r.filled.contains(&a.name))
            .collect();
        // Operands marked by a prefix (`dig @SERVER`, `date +FORMAT`) go to their spec.
        let mut by_prefix = Vec::new();
        let mut free: Vec<&Pending> = Vec::new();
        for p in r.pending.iter().filter(|p| p.spec.is_none()) {
            let text = parts[p.part].text.trim_start_matches(['\'', '"']);
            let spec = r
                .entry
                .args
                .iter()
                .find(|a| a.prefix.as_deref().is_some_and(|pre| text.starts_with(pre)));
            match spec {
                Some(a) => by_prefix.push((p, a)),
                None => free.push(p),
            }
        }
        let specs: Vec<(usize, &Arg)> = specs
            .into_iter()
            .filter(|(_, a)| a.prefix.is_none())
            .collect();
        let mut remaining = free.len();
        let mut slots: Vec<Option<&Arg>> = Vec::new();
        for (k, (_, spec)) in specs.iter().enumerate() {
            let later_min: usize = specs[k + 1..].iter().filter(|(_, s)| !s.optional).count();
            let spare = remaining.saturating_sub(later_min);
            let take = match (spec.many, spec.optional) {
                (true, true) => spare,
                (true, false) => spare.max(remaining.min(1)),
                (false, true) => spare.min(1),
                (false, false) => remaining.min(1),
            };
            for _ in 0..take {
                slots.push(Some(spec));
            }
            remaining -= take;
        }
        for (pending, spec) in free
            .iter()
            .zip(slots.into_iter().chain(std::iter::repeat(None)))
        {
            let part = &mut parts[pending.part];
            self.fill_operand(part, spec, pending.doubtful);
        }
        for (pending, spec) in by_prefix {
            self.fill_operand(&mut parts[pending.part], Some(spec), pending.doubtful);
        }
        for pending in r.pending.iter().filter(|p| p.spec.is_some()) {
            let spec = pending.spec.and_then(|k| r.entry.args.get(k));
            let part = &mut parts[pending.part];
            self.fill_operand(part, spec, pending.doubtful);
        }
    }

    fn fill_operand(&self, part: &mut Part, spec: Option<&Arg>, doubtful: bool) {
        let Some(spec) = spec else {
            part.meaning = None;
            part.known = false;
            add_note(part, Some("an extra operand caro cannot place".into()));
            return;
        };
        let value = part.text.trim_matches(['\'', '"']).to_string();
        let mut meaning = spec.means.clone();
        if spec.takes == Some(Takes::Assignment) {
            if let Some((name, _)) = value.split_once('=') {
                meaning = format!("{meaning}: {}", self.variable(name));
            }
        }
        if let Some(v) = spec.values.get(&value) {
            meaning = format!("{meaning}: {v}");
        } else if let Some(d) = spec.describe.and_then(|d| describe(d, &value)) {
            meaning = format!("{meaning}: {d}");
        }
        part.meaning = Some(meaning);
        part.known = true;
        if doubtful {
            add_note(
                part,
                Some("it may instead be the value of the unknown option before it".into()),
            );
        }
    }

    /// `sudo CMD…`, `xargs CMD…`, `env A=1 CMD…`: the command is explained as its own step.
    fn run_command(
        &mut self,
        r: &Reader<'_>,
        src: &str,
        spec: &Arg,
        words: &[Word],
        parts: &mut Vec<Part>,
        nested: &mut Vec<Nested>,
    ) {
        let text = join_text(src, words);
        let mut p = Part::new(text, PartKind::Operand, Some(spec.means.clone()));
        p.note = Some("explained below".into());
        parts.push(p);
        nested.push(Nested::Simple {
            src: src.to_string(),
            cmd: synthetic(words),
            relation: Relation::Runs,
            via: r.shown.clone(),
        });
    }

    /// `ssh host CMD…`, `watch CMD…`: the words are joined and run by a shell.
    fn run_words(
        &mut self,
        r: &Reader<'_>,
        src: &str,
        spec: &Arg,
        words: &[Word],
        parts: &mut Vec<Part>,
        nested: &mut Vec<Nested>,
    ) {
        let text = join_text(src, words);
        let mut p = Part::new(text, PartKind::Operand, Some(spec.means.clone()));
        let literal: Option<Vec<String>> = words.iter().map(Word::literal).collect();
        match literal {
            Some(ws) => {
                let code = ws.join(" ");
                match parse(&code, Shell::Bash) {
                    Ok(script) => {
                        p.note = Some("explained below".into());
                        nested.push(Nested::Script {
                            src: code,
                            script,
                            shell: Shell::Bash,
                            relation: Relation::Runs,
                            via: r.shown.clone(),
                        });
                    }
                    Err(e) => p.note = Some(format!("not valid shell code: {e}")),
                }
            }
            None => {
                for w in words {
                    self.subs_in(src, w, nested);
                }
                p.note = Some("computed when it runs, so it cannot be explained".into());
            }
        }
        parts.push(p);
    }

    /// `sh -c 'CODE'`: parse the code with the interpreter's syntax.
    fn queue_script(&self, r: &Reader<'_>, w: &Word, p: &mut Part, nested: &mut Vec<Nested>) {
        let shell = match r
            .key
            .split(' ')
            .next()
            .unwrap_or("")
            .trim_start_matches("fish:")
        {
            "fish" => Shell::Fish,
            "zsh" => Shell::Zsh,
            _ => Shell::Bash,
        };
        match w.literal() {
            Some(code) => match parse(&code, shell) {
                Ok(script) => {
                    add_note(p, Some("explained below".into()));
                    nested.push(Nested::Script {
                        src: code,
                        script,
                        shell,
                        relation: Relation::Runs,
                        via: r.shown.clone(),
                    });
                }
                Err(e) => add_note(p, Some(format!("not valid {shell} code: {e}"))),
            },
            None => add_note(
                p,
                Some("computed when it runs, so it cannot be explained".into()),
            ),
        }
    }

    /// An option word (or group), if `key_text` is one. Returns how many following words
    /// it used as values.
    #[allow(clippy::too_many_arguments)]
    fn option(
        &mut self,
        r: &mut Reader<'_>,
        src: &str,
        w: &Word,
        key_text: &str,
        rest: &[Word],
        i: usize,
        via: Option<&str>,
        parts: &mut Vec<Part>,
        nested: &mut Vec<Nested>,
    ) -> Option<usize> {
        let text = word_text(src, w);
        let next = &rest[i + 1..];
        let lit = w.literal();
        // The text after the literal key (`"$(nproc)"` in `-j"$(nproc)"`), as written.
        let tail_raw = |consumed: usize| -> String {
            match &lit {
                // As written when the option itself is unquoted: `--since="2 weeks ago"`
                // shows its quotes, like a value in the next word does.
                Some(l)
                    if text.get(..consumed).is_some()
                        && text.get(..consumed) == l.get(..consumed) =>
                {
                    text[consumed..].to_string()
                }
                Some(l) => l.get(consumed..).unwrap_or("").to_string(),
                None => text.get(consumed..).unwrap_or("").to_string(),
            }
        };
        let flavour = self.flavour;
        if let Some(long) = key_text.strip_prefix("--").filter(|l| !l.is_empty()) {
            let (name, value) = match long.split_once('=') {
                Some((n, _)) => (format!("--{n}"), Some(tail_raw(n.len() + 3))),
                None => (key_text.to_string(), None),
            };
            let found = self.dict.option(&r.key, &name, flavour);
            let (part, used) =
                self.option_part(r, src, &text, &name, found, value, next, via, nested);
            self.note_unknown(r, &part);
            parts.push(part);
            return Some(used);
        }
        if key_text.starts_with('+') && key_text.len() > 1 {
            let found = self.dict.option(&r.key, key_text, flavour)?;
            let (part, used) = self.option_part(
                r,
                src,
                &text,
                key_text,
                Some(found),
                None,
                next,
                via,
                nested,
            );
            parts.push(part);
            return Some(used);
        }
        if r.entry.style == Style::Words && matches!(key_text, "!" | "(" | ")" | ",") {
            // `find`'s operators.
            let found = self.dict.option(&r.key, key_text, flavour)?;
            let (part, used) = self.option_part(
                r,
                src,
                &text,
                key_text,
                Some(found),
                None,
                next,
                via,
                nested,
            );
            parts.push(part);
            return Some(used);
        }
        if !key_text.starts_with('-') || key_text.len() < 2 {
            // `dd if=FILE`: an option spelled `key=`.
            let (k, _) = key_text.split_once('=')?;
            let flag = format!("{k}=");
            let found = self.dict.option(&r.key, &flag, flavour)?;
            let value = tail_raw(flag.len());
            let (part, used) = self.option_part(
                r,
                src,
                &text,
                &flag,
                Some(found),
                Some(value),
                next,
                via,
                nested,
            );
            parts.push(part);
            return Some(used);
        }
        // The whole word as one option (`-maxdepth`, `-9`), when all of it is literal: a
        // computed tail (`-j"$(nproc)"`) is a value attached to a short flag.
        let whole = lit
            .is_some()
            .then(|| self.dict.option(&r.key, key_text, flavour))
            .flatten();
        if let Some(found) = whole {
            let (part, used) = self.option_part(
                r,
                src,
                &text,
                key_text,
                Some(found),
                None,
                next,
                via,
                nested,
            );
            parts.push(part);
            return Some(used);
        }
        if r.entry.style == Style::Words {
            let (name, value) = match key_text.split_once('=') {
                Some((n, _)) => (n.to_string(), Some(tail_raw(n.len() + 1))),
                None => (key_text.to_string(), None),
            };
            let found = if value.is_some() {
                self.dict.option(&r.key, &name, flavour)
            } else {
                None
            };
            let (part, used) =
                self.option_part(r, src, &text, &name, found, value, next, via, nested);
            self.note_unknown(r, &part);
            parts.push(part);
            return Some(used);
        }
        if let Some(class) = dict::special_flag(key_text).filter(|_| lit.is_some()) {
            if let Some(found) = self.dict.option(&r.key, class, flavour) {
                let value = key_text[1..].to_string();
                let mut part = self.value_part(&text, class, found, Some(value));
                part.text = text.clone();
                parts.push(part);
                return Some(0);
            }
            let digits = key_text[1..].bytes().all(|b| b.is_ascii_digit());
            let all_flags = key_text[1..].chars().all(|c| {
                self.dict
                    .option(&r.key, &format!("-{c}"), flavour)
                    .is_some()
            });
            if digits && !all_flags {
                // `-5` for a command without `-NUM` or digit flags: a negative number.
                return None;
            }
        }
        // A group of single-letter flags: `-rf`, `-n5`, `-czf FILE`.
        let letters: Vec<(usize, char)> = key_text.char_indices().skip(1).collect();
        let mut subs = Vec::new();
        let mut used = 0;
        let mut group_text = text.clone();
        for (pos, c) in &letters {
            let flag = format!("-{c}");
            let found = self.dict.option(&r.key, &flag, flavour);
            let takes_value = found.as_ref().is_some_and(|f| f.opt.arg.is_some());
            if takes_value {
                let end = pos + c.len_utf8();
                let attached = tail_raw(end);
                let attached = (!attached.is_empty() || lit.is_none() && end < text.len())
                    .then_some(attached)
                    .filter(|a| !a.is_empty());
                let shown = format!("-{c}{}", attached.clone().unwrap_or_default());
                let (part, u) =
                    self.option_part(r, src, &shown, &flag, found, attached, next, via, nested);
                if u > 0 {
                    group_text = format!("{group_text} {}", join_text(src, &next[..u]));
                }
                used = u;
                subs.push(part);
                break;
            }
            let (part, _) = self.option_part(r, src, &flag, &flag, found, None, &[], via, nested);
            subs.push(part);
        }
        if subs.len() == 1 {
            let mut part = subs.pop().unwrap();
            part.text = group_text;
            self.note_unknown(r, &part);
            parts.push(part);
            return Some(used);
        }
        if subs.iter().all(|p| !p.known) {
            let mut part = Part::new(text, PartKind::Option, None);
            part.flag = Some(key_text.to_string());
            self.note_unknown(r, &part);
            parts.push(part);
            return Some(0);
        }
        let known = subs.iter().all(|p| p.known);
        let meaning = subs
            .iter()
            .map(|p| format!("{}: {}", p.text, p.meaning.as_deref().unwrap_or("unknown")))
            .collect::<Vec<_>>()
            .join("; ");
        let mut part = Part::new(group_text, PartKind::Flags, Some(meaning));
        part.known = known;
        part.unavailable = subs.iter().any(|p| p.unavailable);
        part.parts = subs;
        self.note_unknown(r, &part);
        parts.push(part);
        Some(used)
    }

    /// `tar czf FILE`, `ps aux`: flags without a dash as the first argument.
    fn dashless(
        &mut self,
        r: &mut Reader<'_>,
        src: &str,
        lit: &str,
        rest: &[Word],
        parts: &mut Vec<Part>,
        nested: &mut Vec<Nested>,
    ) -> Option<usize> {
        if lit.is_empty() || lit.starts_with('-') || !lit.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let mut found_all = Vec::new();
        for c in lit.chars() {
            let bare = c.to_string();
            let found = self
                .dict
                .option(&r.key, &bare, self.flavour)
                .or_else(|| self.dict.option(&r.key, &format!("-{c}"), self.flavour))?;
            found_all.push((c, found));
        }
        // Flags that take values use the following words, in order (`tar cfb FILE 20`).
        let mut used = 0;
        let mut subs = Vec::new();
        let mut text = word_text(src, &rest[0]);
        for (c, found) in found_all {
            let value_word = if found.opt.arg.is_some() {
                rest.get(1 + used)
            } else {
                None
            };
            let value = value_word.map(|w| word_text(src, w));
            let shown = match &value {
                Some(v) => format!("{c} {v}"),
                None => c.to_string(),
            };
            if let Some(w) = value_word {
                self.subs_in(src, w, nested);
                text = format!("{text} {}", word_text(src, w));
                used += 1;
            }
            let mut part = self.value_part(&shown, &format!("-{c}"), found, value);
            part.flag = Some(c.to_string());
            subs.push(part);
        }
        let meaning = subs
            .iter()
            .map(|p| format!("{}: {}", p.text, p.meaning.as_deref().unwrap_or("unknown")))
            .collect::<Vec<_>>()
            .join("; ");
        let mut part = Part::new(text, PartKind::Flags, Some(meaning));
        part.note = Some("flags without a leading dash".into());
        part.parts = subs;
        parts.push(part);
        r.operand_seen = false;
        Some(used)
    }

    /// An option the entry describes as a class (`exiftool -TAG`) rather than one by one.
    fn other_option(&self, r: &Reader<'_>, text: &str) -> Option<Part> {
        let meaning = r.entry.other_options.as_ref()?;
        let mut p = Part::new(text, PartKind::Option, Some(meaning.clone()));
        p.flag = Some(text.to_string());
        Some(p)
    }

    fn note_unknown(&self, r: &mut Reader<'_>, part: &Part) {
        if !part.known && part.kind != PartKind::Flags {
            r.doubtful = true;
        }
    }

    /// The part for one option: its value (attached or the next word), the command or
    /// script it runs, and its flavour notes.
    #[allow(clippy::too_many_arguments)]
    fn option_part(
        &mut self,
        r: &mut Reader<'_>,
        src: &str,
        shown: &str,
        flag: &str,
        found: Option<Found<'_>>,
        attached: Option<String>,
        next: &[Word],
        via: Option<&str>,
        nested: &mut Vec<Nested>,
    ) -> (Part, usize) {
        let Some(found) = found else {
            if let Some(part) = self.other_option(r, shown) {
                return (part, 0);
            }
            let mut p = Part::new(shown, PartKind::Option, None);
            p.flag = Some(flag.to_string());
            p.note = Some(format!("not an option caro knows for {}", r.shown));
            return (p, 0);
        };
        let opt = found.opt;
        if let Some(name) = &opt.fills {
            r.filled.push(name.clone());
        }
        match opt.takes {
            Some(Takes::Command) => {
                // The words up to an end word (`;`, `+`) are the command.
                let end = next
                    .iter()
                    .position(|w| w.literal().is_some_and(|l| opt.end.contains(&l)));
                let (cmd_words, used, end_word) = match end {
                    Some(e) => (&next[..e], e + 1, next[e].literal()),
                    None => (next, next.len(), None),
                };
                let cmd_text = join_text(src, cmd_words);
                let mut text = format!("{shown} {}", join_text(src, &next[..used]));
                if used == 0 {
                    text = shown.to_string();
                }
                let mut p = self.value_part(&text, flag, found, Some(cmd_text));
                if let Some(e) = end_word.and_then(|e| opt.values.get(&e).map(|m| (e, m))) {
                    add_note(&mut p, Some(format!("{} at the end: {}", e.0, e.1)));
                }
                if !cmd_words.is_empty() {
                    nested.push(Nested::Simple {
                        src: src.to_string(),
                        cmd: synthetic(cmd_words),
                        relation: Relation::Runs,
                        via: format!("{} {flag}", r.shown),
                    });
                }
                (p, used)
            }
            _ if opt.arity() > 1 && attached.is_none() => {
                // `jq --arg NAME VALUE`: several words, each filling its own placeholder.
                let used = opt.arity().min(next.len());
                let values: Vec<String> = next[..used].iter().map(|w| word_text(src, w)).collect();
                for w in &next[..used] {
                    self.subs_in(src, w, nested);
                }
                let text = std::iter::once(shown.to_string())
                    .chain(values.iter().cloned())
                    .collect::<Vec<_>>()
                    .join(" ");
                let mut p = Part::new(text, PartKind::Option, Some(opt.meaning_of_words(&values)));
                p.flag = Some(flag.to_string());
                p.value = Some(values.join(" "));
                p.unavailable = !found.available;
                p.note = found.note;
                if used < opt.arity() {
                    add_note(&mut p, Some("part of its value is missing".into()));
                }
                (p, used)
            }
            _ if opt.arg.is_some() => {
                let (value_word, used) = match (&attached, opt.optional) {
                    (Some(_), _) => (None, 0),
                    (None, true) => match next.first() {
                        // `screen -r NAME`, `journalctl -b -1`: the next word, unless it
                        // is another option.
                        Some(w) if opt.greedy && looks_like_value(w) => (Some(w), 1),
                        _ => (None, 0),
                    },
                    (None, false) => (next.first(), usize::from(!next.is_empty())),
                };
                let value = attached
                    .clone()
                    .or_else(|| value_word.map(|w| word_text(src, w)));
                let text = match value_word {
                    Some(w) => format!("{shown} {}", word_text(src, w)),
                    None => shown.to_string(),
                };
                let mut p = self.value_part(&text, flag, found, value);
                if let Some(w) = value_word {
                    self.subs_in(src, w, nested);
                    add_note(&mut p, self.word_notes(w, via));
                    if opt.takes == Some(Takes::Script) || opt.takes == Some(Takes::Words) {
                        self.queue_script(r, w, &mut p, nested);
                    }
                } else if attached.is_none() && !opt.optional {
                    add_note(&mut p, Some("its value is missing".into()));
                }
                (p, used)
            }
            _ => {
                let mut p = self.value_part(shown, flag, found, None);
                if attached.is_some() {
                    add_note(&mut p, Some("this option takes no value".into()));
                }
                (p, 0)
            }
        }
    }

    /// A known option with its meaning filled in for `value`.
    fn value_part(&self, text: &str, flag: &str, found: Found<'_>, value: Option<String>) -> Part {
        let opt = found.opt;
        let bare = value
            .as_deref()
            .map(|v| v.trim_matches(['\'', '"']).to_string());
        let compared = match (opt.describe, bare.as_deref()) {
            (Some(Describe::Compare), Some(v)) => describe(Describe::Compare, v),
            _ => None,
        };
        let mut meaning = opt.meaning(compared.as_deref().or(value.as_deref()));
        if opt.takes != Some(Takes::Command) && compared.is_none() {
            if let Some(v) = bare.as_deref() {
                if let Some(m) = opt.values.get(v) {
                    meaning = format!("{meaning} ({m})");
                } else if let Some(d) = opt.describe.and_then(|d| describe(d, v)) {
                    meaning = format!("{meaning} ({d})");
                }
            }
        }
        let mut p = Part::new(text, PartKind::Option, Some(meaning));
        p.flag = Some(flag.to_string());
        p.value = value;
        p.unavailable = !found.available;
        p.note = found.note;
        p
    }
}

/// Where a step goes: its depth, how it connects, what runs it, and `&`.
struct Place {
    depth: usize,
    relation: Relation,
    via: Option<String>,
    background: bool,
}

struct Head {
    entry: Option<String>,
    summary: Option<String>,
    known: bool,
    note: Option<String>,
}

/// Reading one simple command's words.
struct Reader<'d> {
    /// Where options and subcommands are looked up (an alias's target).
    key: String,
    /// The command as typed, subcommands included (`podman run`).
    shown: String,
    entry: &'d Entry,
    summary: String,
    /// Operands waiting for their meaning.
    pending: Vec<Pending>,
    /// The operand spec the next operand belongs to, as far as wrappers are concerned.
    spec_pos: usize,
    options_done: bool,
    operand_seen: bool,
    /// An unknown option came before: the next operands may be its value.
    doubtful: bool,
    /// Operands an option supplied instead (`grep -e PATTERN`).
    filled: Vec<String>,
}

struct Pending {
    part: usize,
    spec: Option<usize>,
    doubtful: bool,
}

/// Whether a word can be an optional value: not an option, but a negative number may be.
fn looks_like_value(w: &Word) -> bool {
    let prefix = literal_prefix(w);
    match prefix.strip_prefix('-') {
        Some(rest) => !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()),
        None => true,
    }
}

fn join_text(src: &str, words: &[Word]) -> String {
    words
        .iter()
        .map(|w| word_text(src, w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A simple command made of some of another command's words (`sudo`'s command).
fn synthetic(words: &[Word]) -> SimpleCommand {
    let span = match (words.first(), words.last()) {
        (Some(a), Some(b)) if !a.span.is_empty() && !b.span.is_empty() => Span {
            start: a.span.start,
            end: b.span.end,
        },
        _ => Span::default(),
    };
    SimpleCommand {
        assignments: Vec::new(),
        words: words.to_vec(),
        redirects: Vec::new(),
        span,
    }
}

fn command_start(c: &Command) -> Option<usize> {
    let span = match c {
        Command::Simple(s) => s.span,
        Command::Compound(cc) => cc.span,
        Command::Function(f) => f.span,
    };
    (!span.is_empty()).then_some(span.start)
}

fn fd_name(fd: u32) -> String {
    match fd {
        0 => "standard input".into(),
        1 => "standard output".into(),
        2 => "error messages (standard error)".into(),
        n => format!("file descriptor {n}"),
    }
}

fn redirect_meaning(r: &Redirect, src: &str) -> String {
    let target = r
        .target
        .literal()
        .unwrap_or_else(|| word_text(src, &r.target));
    let null = target == "/dev/null";
    let out_fd = r.fd.unwrap_or(1);
    match r.op {
        RedirOp::Read => format!("{} reads from {target}", fd_name(r.fd.unwrap_or(0))),
        RedirOp::Write | RedirOp::Clobber if null => format!("discard {}", fd_name(out_fd)),
        RedirOp::Write => format!(
            "write {} to {target}, replacing its contents",
            fd_name(out_fd)
        ),
        RedirOp::Clobber => format!(
            "write {} to {target}, replacing it even when noclobber is set",
            fd_name(out_fd)
        ),
        RedirOp::Append if null => format!("discard {}", fd_name(out_fd)),
        RedirOp::Append => format!("append {} to {target}", fd_name(out_fd)),
        RedirOp::ReadWrite => format!(
            "open {target} for reading and writing as {}",
            fd_name(r.fd.unwrap_or(0))
        ),
        RedirOp::DupRead | RedirOp::DupWrite if target == "-" => {
            format!(
                "close {}",
                fd_name(r.fd.unwrap_or(if r.op == RedirOp::DupRead { 0 } else { 1 }))
            )
        }
        RedirOp::DupRead => format!(
            "{} reads from where {} reads",
            fd_name(r.fd.unwrap_or(0)),
            target.parse().map(fd_name).unwrap_or(target.clone())
        ),
        RedirOp::DupWrite => match target.parse::<u32>() {
            Ok(to) => format!(
                "send {} to the same place as {}",
                fd_name(out_fd),
                fd_name(to)
            ),
            // bash's `>& FILE` is `&> FILE`.
            Err(_) => format!("write standard output and error messages to {target}"),
        },
        RedirOp::WriteBoth if null => "discard all output (standard output and errors)".into(),
        RedirOp::WriteBoth => {
            format!("write standard output and error messages to {target}, replacing its contents")
        }
        RedirOp::AppendBoth if null => "discard all output (standard output and errors)".into(),
        RedirOp::AppendBoth => format!("append standard output and error messages to {target}"),
        RedirOp::HereString => format!("feed {target} (and a newline) to standard input"),
        RedirOp::Heredoc { strip_tabs } => format!(
            "feed the lines that follow, up to {}, to standard input{}",
            target.trim_matches(['\'', '"']),
            if strip_tabs {
                " (leading tabs removed)"
            } else {
                ""
            }
        ),
    }
}
