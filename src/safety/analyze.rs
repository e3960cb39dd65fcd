//! From syntax to what actually runs: every command a script would execute, with its
//! arguments resolved as far as they can be known before it runs.
//!
//! The walk follows the script in order and keeps what a reader would: variables assigned
//! earlier (`x=/; rm -rf $x`), the working directory (`cd / && rm -rf *`), loop values, and
//! the static output of `echo`/`printf`/`base64 -d` feeding a later stage. Wrappers are
//! looked through (`sudo`, `env`, `xargs`, `find -exec`, `timeout`), and text that another
//! shell will run (`sh -c '…'`, `eval`, `ssh host '…'`, a script piped into `bash`) is
//! parsed and walked too, up to [`MAX_PAYLOAD_DEPTH`] levels.

use std::collections::{HashMap, HashSet};

use super::data::{Data, SyntaxSpec};
use super::paths::UNKNOWN;
use super::syntax::{
    self, AssignValue, Command, Compound, ParseError, Pipeline, RedirOp, Script, SimpleCommand,
    Span, Word, WordPart,
};
use crate::context::Shell;

/// How many levels of "a string that another shell runs" are followed.
pub(crate) const MAX_PAYLOAD_DEPTH: u8 = 4;
/// Upper bound on invocations per check (a 10 KB command has a few hundred).
const MAX_INVOCATIONS: usize = 4000;
/// Upper bound on the words one word may expand to (brace expansion, loops).
const MAX_FIELDS: usize = 64;
/// Loop bodies are walked once per distinct item, up to this many.
const MAX_LOOP_PASSES: usize = 6;

/// One command that would run.
#[derive(Debug, Clone)]
pub(crate) struct Invocation {
    /// Basename of the command, wrappers removed; empty for a bare redirection or a name only
    /// known at run time.
    pub name: String,
    pub args: Vec<Arg>,
    pub redirects: Vec<RedirInfo>,
    /// Indices of the options among `args` (a value-taking option's value is in neither list).
    pub options: Vec<usize>,
    /// Indices of the positional arguments among `args`.
    pub positionals: Vec<usize>,
    /// Invocations of earlier stages of the same pipeline.
    pub upstream: Vec<usize>,
    /// Invocations inside command/process substitutions in this command's words.
    pub inner: Vec<usize>,
    /// What the command reads on stdin, when that is known (here-document, here-string, or the
    /// static output of the previous stage).
    pub stdin_text: Option<String>,
    /// What the command prints, when that is known without running anything.
    pub static_output: Option<String>,
    /// Wrappers it was found inside (`sudo`, `xargs`, `find`).
    pub via: Vec<String>,
    /// Its arguments come from another command (`xargs`, `find -exec`, `$(…)`).
    pub args_from_input: bool,
    /// Runs on another machine (`ssh host '…'`).
    pub remote: bool,
    /// An interpreter reading the script it runs from stdin (`curl … | sh`).
    pub reads_script_stdin: bool,
    /// Runs a file an earlier download in the same command wrote (`curl -o x.sh …; sh x.sh`).
    pub runs_downloaded: bool,
    /// 0 for the command as written; 1 and more for text run by another shell.
    pub depth: u8,
    /// Words of this invocation have spans in the checked command (rewrites are possible).
    pub top: bool,
    pub shell: Shell,
    pub name_span: Option<Span>,
    /// The function whose body contains it.
    pub function: Option<String>,
    pub background: bool,
    pub piped: bool,
    /// A wrapper looked through (`sudo`, `xargs`): kept for flag and existence checks, while
    /// risk rules judge the command it runs.
    pub is_wrapper: bool,
    /// The command word was a path (`./build.sh`, `/usr/bin/env`), not a name to look up.
    pub path_given: bool,
    /// The command's option syntax (`data/safety/commands.toml`).
    pub syntax: &'static SyntaxSpec,
    /// Arguments and known stdin as one text, built on first use by `text` rules.
    pub payload: std::cell::OnceCell<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Arg {
    /// Resolved text: `~` for home, [`UNKNOWN`] for run-time pieces.
    pub text: String,
    /// Where the word is in the checked command (top-level words only).
    pub span: Option<Span>,
    pub classes: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct RedirInfo {
    pub op: RedirOp,
    pub fd: Option<u32>,
    pub text: String,
    pub span: Option<Span>,
    pub classes: u32,
}

/// How a word reads, for messages: its source text when it has one, else its resolved text
/// with run-time pieces shown as `…`.
pub(crate) fn display(text: &str, span: Option<Span>, src: &str) -> String {
    match span.and_then(|s| src.get(s.start..s.end)) {
        Some(raw) => {
            // Show what a variable or substitution resolved to: `$x → /`.
            let bare: String = raw
                .chars()
                .filter(|c| !matches!(c, '\'' | '"' | '\\'))
                .collect();
            if bare != text && !text.contains(UNKNOWN) && text.len() <= 80 {
                format!("{raw} → {text}")
            } else {
                raw.to_string()
            }
        }
        None => text.replace(UNKNOWN, "…"),
    }
}

impl Arg {
    pub fn display(&self, src: &str) -> String {
        display(&self.text, self.span, src)
    }
}

impl RedirInfo {
    pub fn display(&self, src: &str) -> String {
        display(&self.text, self.span, src)
    }
}

/// Everything that would run.
pub(crate) struct Analysis {
    pub invocations: Vec<Invocation>,
    pub parse_error: Option<ParseError>,
    pub script: Option<Script>,
    /// Functions defined by the command (never "not installed").
    pub functions: HashSet<String>,
    /// Functions that call themselves in a pipeline or the background.
    pub fork_bombs: Vec<String>,
}

impl Analysis {
    pub fn get(&self, i: usize) -> Option<&Invocation> {
        self.invocations.get(i)
    }
}

#[derive(Clone)]
enum Var {
    Known(Vec<String>),
    Unknown,
}

#[derive(Clone)]
struct Cx {
    shell: Shell,
    depth: u8,
    top: bool,
    function: Option<String>,
    remote: bool,
    elevated: bool,
}

#[derive(Clone, Default)]
struct Stage {
    upstream: Vec<usize>,
    prev_output: Option<String>,
    piped: bool,
    background: bool,
}

struct Field {
    text: String,
    span: Option<Span>,
    dynamic: bool,
    /// Produced by a command substitution: the words come from another command's output.
    from_command: bool,
}

struct Walker {
    data: &'static Data,
    home: Option<String>,
    out: Vec<Invocation>,
    vars: HashMap<String, Var>,
    cwd: Option<String>,
    functions: HashSet<String>,
    fork_bombs: Vec<String>,
    /// Files written by downloads earlier in the command (`curl -o`, `wget -O`).
    downloaded: HashSet<String>,
}

/// Analyse `src`, written for `shell`. `home` is the user's home directory, so that
/// `/home/ann` is recognised as "your home".
pub(crate) fn analyze(
    src: &str,
    shell: Shell,
    data: &'static Data,
    home: Option<&str>,
) -> Analysis {
    let mut w = Walker {
        data,
        home: home.map(str::to_string),
        out: Vec::new(),
        vars: HashMap::new(),
        cwd: None,
        functions: HashSet::new(),
        fork_bombs: Vec::new(),
        downloaded: HashSet::new(),
    };
    let cx = Cx {
        shell,
        depth: 0,
        top: true,
        function: None,
        remote: false,
        elevated: false,
    };
    let (script, parse_error) = match syntax::parse(src, shell) {
        Ok(script) => {
            w.walk_script(&script, &cx);
            (Some(script), None)
        }
        Err(e) => {
            // Judge what it looks like anyway: a typo must not hide `rm -rf /`.
            w.walk_lenient(src, &Cx { top: false, ..cx });
            (None, Some(e))
        }
    };
    Analysis {
        invocations: w.out,
        parse_error,
        script,
        functions: w.functions,
        fork_bombs: w.fork_bombs,
    }
}

/// `${x%pat}`, `${x%%pat}`, `${x#pat}`, `${x##pat}` with `*` and `?` wildcards.
fn strip_pattern(value: &str, pattern: &str, op: &str) -> String {
    let suffix = op.starts_with('%');
    let longest = op.len() == 2;
    let mut candidates: Vec<usize> = (0..=value.len())
        .filter(|&i| value.is_char_boundary(i))
        .collect();
    // Shortest suffix starts late; longest prefix ends late: then try the end first.
    if suffix != longest {
        candidates.reverse();
    }
    for &i in &candidates {
        let (piece, rest) = if suffix {
            (&value[i..], &value[..i])
        } else {
            (&value[..i], &value[i..])
        };
        if glob_match(pattern, piece) {
            return rest.to_string();
        }
    }
    value.to_string()
}

fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Two pointers, backtracking to the last `*`.
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

fn strip_dot_slash(path: &str) -> &str {
    path.strip_prefix("./").unwrap_or(path)
}

fn basename(text: &str) -> &str {
    text.rsplit('/').next().unwrap_or(text)
}

fn is_assignment_text(t: &str) -> bool {
    t.split_once('=')
        .is_some_and(|(name, _)| syntax::is_name(name))
}

impl Walker {
    fn full(&self) -> bool {
        self.out.len() >= MAX_INVOCATIONS
    }

    fn classify(&self, text: &str) -> u32 {
        self.data
            .paths
            .classify(text, self.cwd.as_deref(), self.home.as_deref())
    }

    fn walk_script(&mut self, script: &Script, cx: &Cx) {
        for item in &script.items {
            if self.full() {
                return;
            }
            self.walk_pipeline(&item.list.first, cx, item.background);
            for (_, p) in &item.list.rest {
                self.walk_pipeline(p, cx, item.background);
            }
        }
    }

    fn walk_pipeline(&mut self, p: &Pipeline, cx: &Cx, background: bool) {
        let mut stage = Stage {
            piped: p.commands.len() > 1,
            background,
            ..Stage::default()
        };
        for cmd in &p.commands {
            let produced = self.walk_command(cmd, cx, &stage);
            stage.prev_output = produced
                .last()
                .and_then(|&i| self.out.get(i))
                .and_then(|inv| inv.static_output.clone());
            stage.upstream.extend(produced);
        }
    }

    /// Walk one command; returns the invocations that make up its output.
    fn walk_command(&mut self, cmd: &Command, cx: &Cx, stage: &Stage) -> Vec<usize> {
        match cmd {
            Command::Simple(s) => self.walk_simple(s, cx, stage),
            Command::Compound(cc) => {
                let start = self.out.len();
                match &cc.kind {
                    Compound::Group(s) | Compound::Subshell(s) => self.walk_script(s, cx),
                    Compound::If {
                        branches,
                        otherwise,
                    } => {
                        for (c, b) in branches {
                            self.walk_script(c, cx);
                            self.walk_script(b, cx);
                        }
                        if let Some(o) = otherwise {
                            self.walk_script(o, cx);
                        }
                    }
                    Compound::Loop { cond, body, .. } => {
                        self.walk_script(cond, cx);
                        self.walk_script(body, cx);
                    }
                    Compound::For { var, items, body } => {
                        let mut inner = Vec::new();
                        let values: Vec<String> = match items {
                            Some(words) => {
                                let mut fields = Vec::new();
                                for w in words {
                                    self.resolve_word(w, cx, &mut inner, &mut fields);
                                }
                                fields.into_iter().map(|f| f.text).collect()
                            }
                            None => vec![UNKNOWN.to_string()],
                        };
                        // One pass per value (a few at most): each iteration sees one value.
                        let mut seen = HashSet::new();
                        for value in values
                            .into_iter()
                            .filter(|v| seen.insert(v.clone()))
                            .take(MAX_LOOP_PASSES)
                        {
                            if self.full() {
                                break;
                            }
                            if !var.is_empty() {
                                self.vars.insert(var.clone(), Var::Known(vec![value]));
                            }
                            self.walk_script(body, cx);
                        }
                    }
                    Compound::Case { subject, arms } => {
                        let mut inner = Vec::new();
                        self.resolve_joined(subject, cx, &mut inner);
                        for arm in arms {
                            self.walk_script(&arm.body, cx);
                        }
                    }
                    Compound::Arith(w) => {
                        let mut inner = Vec::new();
                        self.resolve_joined(w, cx, &mut inner);
                    }
                    Compound::Test(words) => {
                        let mut inner = Vec::new();
                        let mut fields = Vec::new();
                        for w in words {
                            self.resolve_word(w, cx, &mut inner, &mut fields);
                        }
                    }
                }
                let mut produced: Vec<usize> = (start..self.out.len()).collect();
                if !cc.redirects.is_empty() {
                    // `{ …; } > /etc/passwd` writes like any other redirection.
                    let mut inner = Vec::new();
                    let (redirects, stdin_text) =
                        self.resolve_redirects(&cc.redirects, cx, &mut inner);
                    if !redirects.is_empty() {
                        let i = self.push_invocation(
                            String::new(),
                            Vec::new(),
                            redirects,
                            inner,
                            stdin_text,
                            cx,
                            stage,
                            None,
                        );
                        produced.push(i);
                    }
                }
                produced
            }
            Command::Function(f) => {
                self.functions.insert(f.name.clone());
                let start = self.out.len();
                let fcx = Cx {
                    function: Some(f.name.clone()),
                    ..cx.clone()
                };
                self.walk_command(&f.body, &fcx, &Stage::default());
                let calls: Vec<&Invocation> = self.out[start..]
                    .iter()
                    .filter(|inv| {
                        !inv.is_wrapper
                            && inv.name == f.name
                            && inv.function.as_deref() == Some(&f.name)
                    })
                    .collect();
                if calls.len() >= 2 || calls.iter().any(|c| c.background || c.piped) {
                    self.fork_bombs.push(f.name.clone());
                }
                Vec::new()
            }
        }
    }

    fn walk_simple(&mut self, cmd: &SimpleCommand, cx: &Cx, stage: &Stage) -> Vec<usize> {
        let mut inner = Vec::new();
        for a in &cmd.assignments {
            let values = match &a.value {
                AssignValue::Scalar(w) => vec![self.resolve_joined(w, cx, &mut inner)],
                AssignValue::Array(words) => {
                    let mut fields = Vec::new();
                    for w in words {
                        self.resolve_word(w, cx, &mut inner, &mut fields);
                    }
                    fields.into_iter().map(|f| f.text).collect()
                }
            };
            if cmd.words.is_empty() {
                self.vars.insert(a.name.clone(), Var::Known(values));
            }
        }
        let mut fields = Vec::new();
        for w in &cmd.words {
            self.resolve_word(w, cx, &mut inner, &mut fields);
        }
        let (redirects, stdin_text) = self.resolve_redirects(&cmd.redirects, cx, &mut inner);
        if fields.is_empty() {
            if redirects.is_empty() && stdin_text.is_none() {
                return Vec::new();
            }
            let i = self.push_invocation(
                String::new(),
                Vec::new(),
                redirects,
                inner,
                stdin_text,
                cx,
                stage,
                None,
            );
            return vec![i];
        }
        let name_span = cmd.words.first().map(|w| w.span).filter(|_| cx.top);
        let i = self.invoke(
            fields,
            redirects,
            inner,
            stdin_text,
            cx,
            stage,
            Vec::new(),
            false,
            name_span,
        );
        self.apply_side_effects(i, cx);
        vec![i]
    }

    /// Build the invocation for resolved `fields`, looking through wrappers; returns its index.
    #[allow(clippy::too_many_arguments)]
    fn invoke(
        &mut self,
        fields: Vec<Field>,
        redirects: Vec<RedirInfo>,
        inner: Vec<usize>,
        stdin_text: Option<String>,
        cx: &Cx,
        stage: &Stage,
        mut via: Vec<String>,
        mut args_from_input: bool,
        name_span: Option<Span>,
    ) -> usize {
        let mut idx = 0;
        let mut cx = cx.clone();
        let mut name_span = name_span;
        // Look through wrappers.
        loop {
            let name = basename(&fields[idx].text).to_string();
            let Some(spec) = self.data.commands.wrapper(name.as_str()) else {
                break;
            };
            let mut j = idx + 1;
            let mut query = false;
            let mut script_text: Option<String> = None;
            while j < fields.len() {
                let t = fields[j].text.as_str();
                if t == "--" {
                    j += 1;
                    break;
                }
                if spec.skip_assignments && is_assignment_text(t) {
                    j += 1;
                    continue;
                }
                if t.starts_with('-') && t.len() > 1 {
                    if spec.query_options.iter().any(|o| o == t) {
                        query = true;
                        break;
                    }
                    if spec.script_options.iter().any(|o| o == t) {
                        script_text = fields.get(j + 1).map(|f| f.text.clone());
                        j += 2;
                        continue;
                    }
                    if spec.value_options.iter().any(|o| o == t) {
                        j += 2;
                        continue;
                    }
                    j += 1;
                    continue;
                }
                break;
            }
            if query {
                break;
            }
            if spec.elevates {
                cx.elevated = true;
            }
            if spec.args_from_input {
                args_from_input = true;
            }
            let payload_shell = if spec.remote { Shell::Bash } else { cx.shell };
            if let Some(text) = script_text {
                let pcx = Cx {
                    remote: cx.remote || spec.remote,
                    ..cx.clone()
                };
                self.walk_payload(&text, payload_shell, &pcx);
            }
            if spec.script.as_deref() == Some("args") {
                let start = (j + spec.skip_positionals).min(fields.len());
                let text: Vec<&str> = fields[start..].iter().map(|f| f.text.as_str()).collect();
                if !text.is_empty() {
                    let pcx = Cx {
                        remote: cx.remote || spec.remote,
                        ..cx.clone()
                    };
                    self.walk_payload(&text.join(" "), payload_shell, &pcx);
                }
                break;
            }
            if !spec.script_options.is_empty() {
                // `su`: the rest are user names, not a command.
                break;
            }
            let next = j + spec.skip_positionals;
            if next >= fields.len() {
                break;
            }
            let own_args: Vec<Arg> = fields[idx + 1..next]
                .iter()
                .map(|f| Arg {
                    text: f.text.clone(),
                    span: f.span.filter(|_| cx.top),
                    classes: 0,
                })
                .collect();
            let w = self.push_invocation(
                name.clone(),
                own_args,
                Vec::new(),
                Vec::new(),
                None,
                &cx,
                &Stage::default(),
                name_span,
            );
            self.out[w].is_wrapper = true;
            via.push(name);
            idx = next;
            name_span = fields[idx].span;
        }

        let cmd_field = &fields[idx];
        let cmd_text = cmd_field.text.clone();
        let path_given = cmd_field.text.contains('/');
        let name = if cmd_field.text.contains(UNKNOWN) {
            String::new()
        } else {
            basename(&cmd_field.text).to_string()
        };
        let rest: Vec<Field> = fields.into_iter().skip(idx + 1).collect();
        args_from_input |= rest.iter().any(|f| f.from_command);

        // `find … -exec cmd {} ;` runs cmd too.
        let mut execs: Vec<Vec<Field>> = Vec::new();
        if name == "find" || name == "fd" {
            let mut k = 0;
            while k < rest.len() {
                let t = rest[k].text.as_str();
                let starts_exec = if name == "find" {
                    matches!(t, "-exec" | "-execdir" | "-ok" | "-okdir")
                } else {
                    matches!(t, "-x" | "--exec" | "-X" | "--exec-batch")
                };
                if starts_exec {
                    let mut sub = Vec::new();
                    k += 1;
                    while k < rest.len()
                        && rest[k].text != ";"
                        && !(rest[k].text == "+"
                            && sub.last().is_some_and(|f: &Field| f.text == "{}"))
                    {
                        sub.push(Field {
                            text: rest[k].text.clone(),
                            span: rest[k].span,
                            dynamic: rest[k].dynamic,
                            from_command: rest[k].from_command,
                        });
                        k += 1;
                    }
                    if !sub.is_empty() {
                        execs.push(sub);
                    }
                }
                k += 1;
            }
        }

        let args: Vec<Arg> = rest
            .into_iter()
            .map(|f| Arg {
                // Options are not paths (after `--` they could be, but nobody names a file so).
                classes: if f.text.starts_with('-') {
                    0
                } else {
                    self.classify(&f.text)
                },
                text: f.text,
                span: f.span.filter(|_| cx.top),
            })
            .collect();
        let i = self.push_invocation(
            name.clone(),
            args,
            redirects,
            inner,
            stdin_text,
            &cx,
            stage,
            name_span,
        );
        {
            let runs_file = path_given && self.downloaded.contains(strip_dot_slash(&cmd_text));
            let inv = &mut self.out[i];
            inv.via = via.clone();
            inv.args_from_input = args_from_input;
            inv.path_given = path_given;
            inv.runs_downloaded = runs_file;
        }
        self.note_download(i);
        for sub in execs {
            let mut v = via.clone();
            v.push(name.clone());
            self.invoke(
                sub,
                Vec::new(),
                Vec::new(),
                None,
                &cx,
                &Stage::default(),
                v,
                true,
                None,
            );
        }
        self.interpreter_payload(i, &cx);
        i
    }

    #[allow(clippy::too_many_arguments)]
    fn push_invocation(
        &mut self,
        name: String,
        args: Vec<Arg>,
        redirects: Vec<RedirInfo>,
        inner: Vec<usize>,
        stdin_text: Option<String>,
        cx: &Cx,
        stage: &Stage,
        name_span: Option<Span>,
    ) -> usize {
        let syntax = self.data.commands.syntax_for(&name);
        let (options, positionals) = layout(syntax, &args);
        let stdin_text = stdin_text.or_else(|| stage.prev_output.clone());
        let mut inv = Invocation {
            name,
            args,
            redirects,
            options,
            positionals,
            upstream: stage.upstream.clone(),
            inner,
            stdin_text,
            static_output: None,
            via: Vec::new(),
            args_from_input: false,
            remote: cx.remote,
            reads_script_stdin: false,
            runs_downloaded: false,
            depth: cx.depth,
            top: cx.top,
            shell: cx.shell,
            name_span,
            function: cx.function.clone(),
            background: stage.background,
            piped: stage.piped,
            is_wrapper: false,
            path_given: false,
            syntax,
            payload: std::cell::OnceCell::new(),
        };
        inv.static_output = static_output(&inv, self.cwd.as_deref(), self.user().as_deref());
        self.out.push(inv);
        self.out.len() - 1
    }

    /// Interpreters: walk the script they run when it is known.
    fn interpreter_payload(&mut self, i: usize, cx: &Cx) {
        let inv = &self.out[i];
        let name = inv.name.as_str();
        let mut script: Option<String> = None;
        let mut syntax_shell = None;
        let mut reads_stdin = false;
        let mut script_file_downloaded = false;
        if let Some(spec) = self.data.commands.interpreter(name) {
            syntax_shell = spec.shell();
            let is_shell = syntax_shell.is_some();
            let mut k = 0;
            let mut want_script = false;
            let mut explicit_stdin = false;
            let mut file = false;
            let mut script_file: Option<String> = None;
            while k < inv.args.len() {
                let t = inv.args[k].text.as_str();
                if want_script {
                    script = Some(t.to_string());
                    break;
                }
                if t == "--" {
                    k += 1;
                    if k < inv.args.len() && !want_script {
                        file = true;
                    }
                    break;
                }
                if t == "-" {
                    explicit_stdin = true;
                    break;
                }
                if t.starts_with('-') && t.len() > 1 {
                    if spec.script_options.iter().any(|o| o == t) {
                        script = inv.args.get(k + 1).map(|a| a.text.clone());
                        break;
                    }
                    if spec.program_options.iter().any(|o| o == t) {
                        // `python3 -m json.tool`: a module runs, stdin is its data.
                        file = true;
                        break;
                    }
                    if spec.value_options.iter().any(|o| o == t) {
                        k += 2;
                        continue;
                    }
                    if is_shell && !t.starts_with("--") {
                        if t.contains('c') {
                            want_script = true;
                        }
                        if t.contains('s') {
                            explicit_stdin = true;
                        }
                    }
                    k += 1;
                    continue;
                }
                file = true;
                script_file = Some(t.to_string());
                break;
            }
            reads_stdin = script.is_none() && !want_script && (explicit_stdin || !file);
            script_file_downloaded = script_file
                .as_deref()
                .is_some_and(|f| self.downloaded.contains(strip_dot_slash(f)));
        } else if matches!(name, "source" | ".") && inv.args.is_empty() {
            syntax_shell = Some(cx.shell);
            reads_stdin = true;
        }
        let stdin = inv.stdin_text.clone();
        self.out[i].reads_script_stdin = reads_stdin;
        if script_file_downloaded {
            self.out[i].runs_downloaded = true;
        }
        let Some(shell) = syntax_shell else { return };
        if let Some(text) = script {
            self.walk_payload(&text, shell, cx);
        } else if reads_stdin {
            if let Some(text) = stdin {
                self.walk_payload(&text, shell, cx);
            }
        }
    }

    fn walk_payload(&mut self, text: &str, shell: Shell, cx: &Cx) {
        if cx.depth >= MAX_PAYLOAD_DEPTH || self.full() || text.trim().is_empty() {
            return;
        }
        let pcx = Cx {
            shell,
            depth: cx.depth + 1,
            top: false,
            function: cx.function.clone(),
            remote: cx.remote,
            elevated: cx.elevated,
        };
        // Variables and the working directory belong to the other shell.
        let saved_vars = std::mem::take(&mut self.vars);
        let saved_cwd = self.cwd.take();
        match syntax::parse(text, shell) {
            Ok(script) => self.walk_script(&script, &pcx),
            Err(_) => self.walk_lenient(text, &pcx),
        }
        self.vars = saved_vars;
        self.cwd = saved_cwd;
    }

    /// For text that does not parse: split on obvious separators and quotes, and judge the
    /// pieces as commands.
    fn walk_lenient(&mut self, text: &str, cx: &Cx) {
        for segment in lenient_segments(text) {
            if segment.is_empty() || self.full() {
                continue;
            }
            let fields = segment
                .into_iter()
                .map(|t| Field {
                    text: t,
                    span: None,
                    dynamic: false,
                    from_command: false,
                })
                .collect();
            let i = self.invoke(
                fields,
                Vec::new(),
                Vec::new(),
                None,
                cx,
                &Stage::default(),
                Vec::new(),
                false,
                None,
            );
            self.apply_side_effects(i, cx);
        }
    }

    /// Remember the file a download writes, so running it later is recognised.
    fn note_download(&mut self, i: usize) {
        let inv = &self.out[i];
        let texts: Vec<&str> = inv.args.iter().map(|a| a.text.as_str()).collect();
        let mut files = Vec::new();
        match inv.name.as_str() {
            "curl" => {
                for (k, t) in texts.iter().enumerate() {
                    let cluster_o = (t.starts_with('-') && !t.starts_with("--"))
                        .then(|| t[1..].find('o'))
                        .flatten();
                    if matches!(*t, "-o" | "--output") {
                        files.extend(texts.get(k + 1).copied());
                    } else if let Some(at) = cluster_o {
                        // `-fsSLo FILE` or `-oFILE`.
                        let attached = &t[at + 2..];
                        if attached.is_empty() {
                            files.extend(texts.get(k + 1).copied());
                        } else {
                            files.push(attached);
                        }
                    } else if let Some(f) = t.strip_prefix("--output=") {
                        files.push(f);
                    } else if *t == "-O"
                        || *t == "--remote-name"
                        || (t.starts_with('-') && !t.starts_with("--") && t.ends_with('O'))
                    {
                        // `-O` names the file after the URL's last segment.
                        for &p in &inv.positionals {
                            if let Some(name) =
                                texts[p].rsplit('/').next().filter(|n| !n.is_empty())
                            {
                                files.push(name);
                            }
                        }
                    }
                }
            }
            "wget" => {
                let mut named = false;
                for (k, t) in texts.iter().enumerate() {
                    if matches!(*t, "-O" | "--output-document") {
                        files.extend(texts.get(k + 1).copied());
                        named = true;
                    } else if let Some(f) = t.strip_prefix("--output-document=") {
                        files.push(f);
                        named = true;
                    }
                }
                if !named {
                    for &p in &inv.positionals {
                        if let Some(name) = texts[p].rsplit('/').next().filter(|n| !n.is_empty()) {
                            files.push(name);
                        }
                    }
                }
            }
            _ => return,
        }
        let files: Vec<String> = files
            .into_iter()
            .filter(|f| *f != "-")
            .map(|f| strip_dot_slash(f).to_string())
            .collect();
        self.downloaded.extend(files);
    }

    /// Builtins that change what later commands mean: `cd`, `export`, fish `set`, `unset`.
    fn apply_side_effects(&mut self, i: usize, _cx: &Cx) {
        let inv = &self.out[i];
        if !inv.via.is_empty() || inv.depth > 0 && inv.remote {
            return;
        }
        const EFFECTFUL: &[&str] = &[
            "cd", "pushd", "chdir", "popd", "export", "declare", "typeset", "local", "readonly",
            "unset", "read", "set",
        ];
        if !EFFECTFUL.contains(&inv.name.as_str()) {
            return;
        }
        let name = inv.name.clone();
        let texts: Vec<String> = inv.args.iter().map(|a| a.text.clone()).collect();
        match name.as_str() {
            "cd" | "pushd" | "chdir" => {
                let target = texts
                    .iter()
                    .find(|t| !t.starts_with('-') || t.as_str() == "-")
                    .cloned()
                    .unwrap_or_else(|| "~".into());
                self.cwd = self.join_cwd(&target);
            }
            "popd" => self.cwd = None,
            "export" | "declare" | "typeset" | "local" | "readonly" => {
                for t in &texts {
                    if let Some((n, v)) = t.split_once('=') {
                        if syntax::is_name(n) {
                            self.vars
                                .insert(n.to_string(), Var::Known(vec![v.to_string()]));
                        }
                    }
                }
            }
            "unset" | "read" => {
                for t in texts.iter().filter(|t| syntax::is_name(t)) {
                    self.vars.insert(t.clone(), Var::Unknown);
                }
            }
            "set" if inv.shell == Shell::Fish => {
                let mut k = 0;
                let mut erase = false;
                let mut query = false;
                while k < texts.len() && texts[k].starts_with('-') {
                    let t = &texts[k];
                    if t == "-e" || t == "--erase" {
                        erase = true;
                    }
                    if t == "-q" || t == "--query" || t == "-n" || t == "--names" {
                        query = true;
                    }
                    k += 1;
                }
                if query {
                    return;
                }
                if let Some(var) = texts.get(k) {
                    let v = if erase {
                        Var::Unknown
                    } else {
                        Var::Known(texts[k + 1..].to_vec())
                    };
                    self.vars.insert(var.clone(), v);
                }
            }
            _ => {}
        }
    }

    fn join_cwd(&self, target: &str) -> Option<String> {
        if target.contains(UNKNOWN) || target == "-" {
            return None;
        }
        if target.starts_with('/') || target.starts_with('~') {
            return Some(target.to_string());
        }
        self.cwd.as_ref().map(|c| format!("{c}/{target}"))
    }

    fn resolve_redirects(
        &mut self,
        redirects: &[syntax::Redirect],
        cx: &Cx,
        inner: &mut Vec<usize>,
    ) -> (Vec<RedirInfo>, Option<String>) {
        let mut out = Vec::new();
        let mut stdin_text = None;
        for r in redirects {
            match r.op {
                RedirOp::HereString => {
                    let mut t = self.resolve_joined(&r.target, cx, inner);
                    t.push('\n');
                    stdin_text = Some(t);
                }
                RedirOp::Heredoc { .. } => {
                    if let Some(body) = &r.heredoc {
                        stdin_text = Some(self.resolve_joined(body, cx, inner));
                    }
                }
                op => {
                    let text = self.resolve_joined(&r.target, cx, inner);
                    let classes = if matches!(op, RedirOp::DupRead | RedirOp::DupWrite)
                        && text.chars().all(|c| c.is_ascii_digit() || c == '-')
                    {
                        0
                    } else {
                        self.classify(&text)
                    };
                    out.push(RedirInfo {
                        op,
                        fd: r.fd,
                        span: Some(r.target.span).filter(|s| cx.top && !s.is_empty()),
                        text,
                        classes,
                    });
                }
            }
        }
        (out, stdin_text)
    }

    /// A word as one string (assignment values, redirection targets): no splitting.
    fn resolve_joined(&mut self, w: &Word, cx: &Cx, inner: &mut Vec<usize>) -> String {
        let mut out = String::new();
        for p in &w.parts {
            let vals = self.resolve_part_quoted(p, cx, inner);
            out.push_str(&vals);
        }
        out
    }

    /// One part as it would read inside double quotes.
    fn resolve_part_quoted(&mut self, p: &WordPart, cx: &Cx, inner: &mut Vec<usize>) -> String {
        match p {
            WordPart::Literal(s) | WordPart::Quoted(s) => s.clone(),
            WordPart::Tilde(t) => self.tilde(t),
            WordPart::DoubleQuoted(parts) => {
                let mut s = String::new();
                for q in parts {
                    s.push_str(&self.resolve_part_quoted(q, cx, inner));
                }
                s
            }
            WordPart::Param(param) => self.param_values(param, cx, inner).join(" "),
            WordPart::CommandSub { script, .. } => self.command_sub(script, cx, inner),
            WordPart::ProcessSub { script, .. } => {
                let start = self.out.len();
                self.walk_script(script, cx);
                inner.extend(start..self.out.len());
                "/dev/fd/63".into()
            }
            WordPart::Arith { parts, .. } => {
                for q in parts {
                    self.resolve_part_quoted(q, cx, inner);
                }
                UNKNOWN.to_string()
            }
        }
    }

    fn tilde(&self, t: &str) -> String {
        match t {
            "~" => match self.vars.get("HOME") {
                Some(Var::Known(v)) if v.len() == 1 => v[0].clone(),
                Some(_) => UNKNOWN.to_string(),
                None => "~".into(),
            },
            "~+" => self.cwd.clone().unwrap_or_else(|| UNKNOWN.to_string()),
            "~-" => UNKNOWN.to_string(),
            other => other.to_string(),
        }
    }

    fn command_sub(&mut self, script: &Script, cx: &Cx, inner: &mut Vec<usize>) -> String {
        let start = self.out.len();
        self.walk_script(script, cx);
        inner.extend(start..self.out.len());
        let output = if self.out.len() > start {
            self.out.last().and_then(|inv| inv.static_output.clone())
        } else {
            None
        };
        match output {
            Some(text) if !text.contains(UNKNOWN) => text.trim_end_matches('\n').to_string(),
            _ => UNKNOWN.to_string(),
        }
    }

    fn param_values(&mut self, p: &syntax::Param, cx: &Cx, inner: &mut Vec<usize>) -> Vec<String> {
        let known: Option<Vec<String>> = match self.vars.get(&p.name) {
            Some(Var::Known(v)) => Some(v.clone()),
            Some(Var::Unknown) => None,
            None => match p.name.as_str() {
                // Operators work on the real text (`${HOME%/*}` is the directory above).
                "HOME" if !p.op.is_empty() && p.op != ":?" && p.op != "?" => {
                    self.home.clone().map(|h| vec![h])
                }
                "HOME" => Some(vec!["~".into()]),
                "PWD" => self.cwd.clone().map(|c| vec![c]),
                "USER" | "LOGNAME" => self.user().map(|u| vec![u]),
                _ => None,
            },
        };
        let mut arg = String::new();
        for q in &p.arg {
            arg.push_str(&self.resolve_part_quoted(q, cx, inner));
        }
        let unknown = || vec![UNKNOWN.to_string()];
        match p.op.as_str() {
            "" | ":?" | "?" => known.unwrap_or_else(unknown),
            ":-" | "-" | ":=" | "=" => match known {
                Some(v) if v.iter().any(|s| !s.is_empty()) => v,
                // Unknown: the default is what a careful reader must assume.
                _ => vec![arg],
            },
            ":+" | "+" => match known {
                Some(v) if v.iter().any(|s| !s.is_empty()) => vec![arg],
                Some(_) => vec![String::new()],
                None => unknown(),
            },
            op @ ("%" | "%%" | "#" | "##") => match known {
                Some(v) if !arg.contains(UNKNOWN) => {
                    v.iter().map(|s| strip_pattern(s, &arg, op)).collect()
                }
                _ => unknown(),
            },
            _ => unknown(),
        }
    }

    /// The user's login name, from the home directory's last component.
    fn user(&self) -> Option<String> {
        let home = self.home.as_deref()?.trim_end_matches('/');
        home.rsplit('/')
            .next()
            .filter(|u| !u.is_empty())
            .map(str::to_string)
    }

    /// Expand a word into fields, as the shell would before running the command.
    fn resolve_word(&mut self, w: &Word, cx: &Cx, inner: &mut Vec<usize>, out: &mut Vec<Field>) {
        // Fast path: one literal or quoted piece with nothing to expand.
        if let [WordPart::Literal(s) | WordPart::Quoted(s)] = w.parts.as_slice() {
            let braces = matches!(w.parts[0], WordPart::Literal(_)) && s.contains('{');
            if !braces {
                out.push(Field {
                    text: s.clone(),
                    span: Some(w.span).filter(|s| cx.top && !s.is_empty()),
                    dynamic: false,
                    from_command: false,
                });
                return;
            }
        }
        let mut done: Vec<String> = Vec::new();
        let mut cur: Vec<String> = vec![String::new()];
        let mut started = false;
        let mut dynamic = false;
        let mut from_command = false;
        let append = |cur: &mut Vec<String>, s: &str| {
            for c in cur.iter_mut() {
                c.push_str(s);
            }
        };
        for p in &w.parts {
            match p {
                WordPart::Literal(s) => {
                    started = true;
                    if s.contains('{') && (s.contains(',') || s.contains("..")) {
                        let alts = brace_expand(s);
                        let mut next = Vec::new();
                        for c in &cur {
                            for a in &alts {
                                if next.len() < MAX_FIELDS {
                                    next.push(format!("{c}{a}"));
                                }
                            }
                        }
                        cur = next;
                    } else {
                        append(&mut cur, s);
                    }
                }
                WordPart::Quoted(_) | WordPart::DoubleQuoted(_) | WordPart::Tilde(_) => {
                    started = true;
                    if let WordPart::DoubleQuoted(inner_parts) = p {
                        dynamic |= syntax_has_expansion(p);
                        from_command |= inner_parts
                            .iter()
                            .any(|q| matches!(q, WordPart::CommandSub { .. }));
                    }
                    let s = self.resolve_part_quoted(p, cx, inner);
                    append(&mut cur, &s);
                }
                WordPart::Param(_) | WordPart::CommandSub { .. } => {
                    dynamic = true;
                    from_command |= matches!(p, WordPart::CommandSub { .. });
                    let values: Vec<String> = match p {
                        WordPart::Param(param) => self.param_values(param, cx, inner),
                        WordPart::CommandSub { script, .. } => {
                            vec![self.command_sub(script, cx, inner)]
                        }
                        _ => unreachable!(),
                    };
                    let is_param = matches!(p, WordPart::Param(_));
                    // Field splitting of unquoted expansions differs between the shells.
                    let pieces: Vec<String> = match (cx.shell, is_param) {
                        (Shell::Fish, true) => values,
                        (Shell::Fish, false) => values
                            .iter()
                            .flat_map(|v| v.split('\n').map(str::to_string).collect::<Vec<_>>())
                            .collect(),
                        (Shell::Zsh, true) => values,
                        _ => values
                            .iter()
                            .flat_map(|v| {
                                v.split_whitespace().map(str::to_string).collect::<Vec<_>>()
                            })
                            .collect(),
                    };
                    for (k, piece) in pieces.iter().enumerate() {
                        if k > 0 {
                            if started {
                                done.append(&mut cur);
                            }
                            cur = vec![String::new()];
                        }
                        if !piece.is_empty() {
                            started = true;
                        }
                        append(&mut cur, piece);
                    }
                }
                WordPart::ProcessSub { .. } | WordPart::Arith { .. } => {
                    dynamic = true;
                    started = true;
                    let s = self.resolve_part_quoted(p, cx, inner);
                    append(&mut cur, &s);
                }
            }
        }
        if started {
            done.extend(cur);
        }
        let single = done.len() == 1;
        for text in done.into_iter().take(MAX_FIELDS) {
            out.push(Field {
                text,
                span: if single && cx.top && !w.span.is_empty() {
                    Some(w.span)
                } else {
                    None
                },
                dynamic,
                from_command,
            });
        }
    }
}

fn syntax_has_expansion(p: &WordPart) -> bool {
    Word {
        parts: vec![p.clone()],
        span: Span::default(),
    }
    .has_expansion()
}

/// Split options from positional arguments, using what the command's syntax entry says
/// about options that take a value.
fn layout(spec: &SyntaxSpec, args: &[Arg]) -> (Vec<usize>, Vec<usize>) {
    let mut options = Vec::new();
    let mut positionals = Vec::new();
    let mut i = 0;
    let mut end_of_options = false;
    while i < args.len() {
        let t = args[i].text.as_str();
        if end_of_options {
            positionals.push(i);
            i += 1;
            continue;
        }
        if t == "--" {
            end_of_options = true;
            i += 1;
            continue;
        }
        if spec.expression && (t.starts_with('-') || matches!(t, "(" | ")" | "!" | ",")) {
            options.extend(i..args.len());
            break;
        }
        if t.starts_with('-') && t.len() > 1 {
            options.push(i);
            if takes_value(spec, t) {
                i += 1;
            }
            i += 1;
            continue;
        }
        positionals.push(i);
        i += 1;
    }
    (options, positionals)
}

/// Whether option word `t` consumes the next word.
pub(crate) fn takes_value(spec: &SyntaxSpec, t: &str) -> bool {
    if t.contains('=') {
        return false;
    }
    if spec.value_options.iter().any(|o| o == t) {
        return true;
    }
    // A short cluster whose last letter takes a value: `-aG sudo`.
    if !t.starts_with("--") && t.len() > 2 {
        for (k, c) in t[1..].char_indices() {
            let opt = format!("-{c}");
            if spec.value_options.contains(&opt) {
                return k + c.len_utf8() == t.len() - 1;
            }
        }
    }
    false
}

/// What a command prints, when it needs nothing but its arguments or its known stdin.
fn static_output(inv: &Invocation, cwd: Option<&str>, user: Option<&str>) -> Option<String> {
    const PRINTERS: &[&str] = &[
        "echo", "printf", "cat", "pwd", "base64", "gbase64", "xxd", "rev", "whoami", "id",
    ];
    if !PRINTERS.contains(&inv.name.as_str()) || inv.args.iter().any(|a| a.text.contains(UNKNOWN)) {
        return None;
    }
    let texts = || inv.args.iter().map(|a| a.text.as_str());
    match inv.name.as_str() {
        "echo" => {
            let mut escapes = false;
            let mut newline = true;
            let mut words = Vec::new();
            let mut opts = true;
            for t in texts() {
                if opts && matches!(t, "-e" | "-n" | "-ne" | "-en" | "-E") {
                    escapes |= t.contains('e');
                    newline &= !t.contains('n');
                    continue;
                }
                opts = false;
                words.push(t);
            }
            let mut s = words.join(" ");
            if escapes || inv.shell == Shell::Zsh {
                s = c_unescape(&s);
            }
            if newline {
                s.push('\n');
            }
            Some(s)
        }
        "printf" => {
            let mut args = texts();
            let mut fmt = args.next()?;
            if fmt == "--" {
                fmt = args.next()?;
            }
            let rest: Vec<&str> = args.collect();
            let mut out = String::new();
            let mut k = 0;
            let mut chars = fmt.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '%' {
                    match chars.next() {
                        Some('%') => out.push('%'),
                        Some('s') | Some('b') | Some('d') => {
                            out.push_str(rest.get(k).copied().unwrap_or(""));
                            k += 1;
                        }
                        Some(other) => {
                            out.push('%');
                            out.push(other);
                        }
                        None => out.push('%'),
                    }
                } else {
                    out.push(c);
                }
            }
            Some(c_unescape(&out))
        }
        "cat" if inv.positionals.is_empty() => inv.stdin_text.clone(),
        "pwd" => cwd.map(|c| format!("{c}\n")),
        "whoami" => user.map(|u| format!("{u}\n")),
        "id" if texts().any(|t| t == "-un" || t == "-nu") => user.map(|u| format!("{u}\n")),
        "base64" | "gbase64" => {
            let decode = inv
                .args
                .iter()
                .any(|a| matches!(a.text.as_str(), "-d" | "--decode" | "-D"));
            if !decode || !inv.positionals.is_empty() {
                return None;
            }
            let input = inv.stdin_text.as_deref()?;
            let bytes = base64_decode(input)?;
            Some(String::from_utf8_lossy(&bytes).into_owned())
        }
        "xxd" => {
            let reverse = inv.args.iter().any(|a| a.text.starts_with("-r"));
            let plain = inv.args.iter().any(|a| a.text.contains('p'));
            if !(reverse && plain) {
                return None;
            }
            let input = inv.stdin_text.as_deref()?;
            let hex: String = input.chars().filter(|c| c.is_ascii_hexdigit()).collect();
            let bytes: Option<Vec<u8>> = (0..hex.len() / 2)
                .map(|k| u8::from_str_radix(&hex[2 * k..2 * k + 2], 16).ok())
                .collect();
            Some(String::from_utf8_lossy(&bytes?).into_owned())
        }
        "rev" if inv.positionals.is_empty() => {
            let input = inv.stdin_text.as_deref()?;
            Some(
                input
                    .lines()
                    .map(|l| l.chars().rev().collect::<String>())
                    .collect::<Vec<_>>()
                    .join("\n")
                    + "\n",
            )
        }
        _ => None,
    }
}

/// Decode C-style escapes (`\n`, `\x41`, `\101`) as echo -e and printf do.
fn c_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some('e') => out.push('\u{1b}'),
            Some('x') => {
                let mut v = 0u32;
                let mut n = 0;
                while n < 2 {
                    match chars.peek().and_then(|c| c.to_digit(16)) {
                        Some(d) => {
                            v = v * 16 + d;
                            chars.next();
                            n += 1;
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            Some(d @ '0'..='7') => {
                let mut v = d.to_digit(8).unwrap_or(0);
                let mut n = 1;
                while n < 4 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(x) => {
                            v = v * 8 + x;
                            chars.next();
                            n += 1;
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn base64_decode(input: &str) -> Option<Vec<u8>> {
    let mut buf = 0u32;
    let mut bits = 0;
    let mut out = Vec::new();
    for c in input.chars() {
        let v = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 26,
            '0'..='9' => c as u32 - '0' as u32 + 52,
            '+' | '-' => 62,
            '/' | '_' => 63,
            '=' => break,
            c if c.is_whitespace() => continue,
            _ => return None,
        };
        buf = (buf << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Brace expansion (`/{bin,etc}` → `/bin`, `/etc`; `{1..3}`), capped at [`MAX_FIELDS`].
fn brace_expand(s: &str) -> Vec<String> {
    let bytes = s.as_bytes();
    let Some(open) = s.find('{') else {
        return vec![s.to_string()];
    };
    let mut depth = 0;
    let mut close = None;
    let mut commas = Vec::new();
    for (i, &b) in bytes.iter().enumerate().skip(open) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(i);
                    break;
                }
            }
            b',' if depth == 1 => commas.push(i),
            _ => {}
        }
    }
    let Some(close) = close else {
        return vec![s.to_string()];
    };
    let prefix = &s[..open];
    let suffix = &s[close + 1..];
    let body = &s[open + 1..close];
    let alts: Vec<String> = if commas.is_empty() {
        match body.split_once("..") {
            Some((a, b)) => match (a.parse::<i64>(), b.parse::<i64>()) {
                (Ok(a), Ok(b)) if (a - b).abs() < MAX_FIELDS as i64 => {
                    if a <= b {
                        (a..=b).map(|n| n.to_string()).collect()
                    } else {
                        (b..=a).rev().map(|n| n.to_string()).collect()
                    }
                }
                _ => match (a.chars().next(), b.chars().next(), a.len(), b.len()) {
                    (Some(x), Some(y), 1, 1)
                        if x.is_ascii_alphabetic() && y.is_ascii_alphabetic() =>
                    {
                        let (lo, hi) = if x <= y { (x, y) } else { (y, x) };
                        (lo..=hi).map(|c| c.to_string()).collect()
                    }
                    _ => return vec![s.to_string()],
                },
            },
            None => return vec![s.to_string()],
        }
    } else {
        let mut parts = Vec::new();
        let mut last = open + 1;
        for &c in &commas {
            parts.push(s[last..c].to_string());
            last = c + 1;
        }
        parts.push(s[last..close].to_string());
        parts
    };
    let mut out = Vec::new();
    for a in alts {
        for expanded in brace_expand(&format!("{prefix}{a}{suffix}")) {
            if out.len() >= MAX_FIELDS {
                return out;
            }
            out.push(expanded);
        }
    }
    out
}

/// Commands in text that does not parse: split at unquoted `;`, `|`, `&` and newlines,
/// words at unquoted blanks, quotes removed.
fn lenient_segments(text: &str) -> Vec<Vec<String>> {
    let mut segments = Vec::new();
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == '\\' && q == '"' {
                if let Some(n) = chars.next() {
                    word.push(n);
                }
            } else {
                word.push(c);
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                in_word = true;
            }
            '\\' => {
                if let Some(n) = chars.next() {
                    word.push(n);
                    in_word = true;
                }
            }
            ';' | '|' | '&' | '\n' | '(' | ')' | '{' | '}' | '`' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
                if !words.is_empty() {
                    segments.push(std::mem::take(&mut words));
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    if !words.is_empty() {
        segments.push(words);
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(src: &str, shell: Shell) -> Analysis {
        analyze(src, shell, crate::safety::data::get(), Some("/home/ann"))
    }

    fn find<'a>(a: &'a Analysis, name: &str) -> &'a Invocation {
        a.invocations
            .iter()
            .find(|i| i.name == name)
            .unwrap_or_else(|| {
                panic!(
                    "no {name} in {:?}",
                    a.invocations.iter().map(|i| &i.name).collect::<Vec<_>>()
                )
            })
    }

    fn texts(inv: &Invocation) -> Vec<&str> {
        inv.args.iter().map(|a| a.text.as_str()).collect()
    }

    #[test]
    fn wrappers_are_looked_through() {
        let a = run("sudo -u root env A=1 nice -n 5 rm -rf /", Shell::Bash);
        let rm = find(&a, "rm");
        assert_eq!(texts(rm), vec!["-rf", "/"]);
        assert_eq!(rm.via, vec!["sudo", "env", "nice"]);
        assert_eq!(
            find(&run("command -v rm", Shell::Bash), "command")
                .args
                .len(),
            2
        );
        let a = run("find . -name '*.tmp' -exec rm -f {} \\;", Shell::Bash);
        assert!(find(&a, "rm").args_from_input);
    }

    #[test]
    fn variables_loops_and_cwd() {
        let a = run("x=/; rm -rf $x", Shell::Bash);
        assert_eq!(texts(find(&a, "rm")), vec!["-rf", "/"]);
        let a = run("set x /; rm -rf $x", Shell::Fish);
        assert_eq!(texts(find(&a, "rm")), vec!["-rf", "/"]);
        let a = run("x='-rf /'; rm $x", Shell::Bash);
        assert_eq!(texts(find(&a, "rm")), vec!["-rf", "/"]);
        // One pass per loop value, each seeing one value, quoted or not.
        let a = run("for d in / /tmp; do rm -rf \"$d\"; done", Shell::Bash);
        let rms: Vec<Vec<&str>> = a
            .invocations
            .iter()
            .filter(|i| i.name == "rm")
            .map(texts)
            .collect();
        assert_eq!(rms, vec![vec!["-rf", "/"], vec!["-rf", "/tmp"]]);
        let a = run("cd / && rm -rf *", Shell::Bash);
        assert!(find(&a, "rm").args[1].classes & super::super::paths::ROOT_GLOB != 0);
        let a = run("rm -rf /{bin,etc}", Shell::Bash);
        assert_eq!(texts(find(&a, "rm")), vec!["-rf", "/bin", "/etc"]);
        let a = run("rm -rf \"$HOME\"", Shell::Bash);
        assert_eq!(texts(find(&a, "rm")), vec!["-rf", "~"]);
        let a = run("rm -rf $(echo /)", Shell::Bash);
        assert_eq!(texts(find(&a, "rm")), vec!["-rf", "/"]);
        let a = run("rm -rf \"$DIR\"/*", Shell::Bash);
        assert!(find(&a, "rm").args[1].classes & super::super::paths::UNKNOWN_ROOT != 0);
    }

    #[test]
    fn payloads_are_walked() {
        for (src, shell) in [
            ("sh -c 'rm -rf /'", Shell::Bash),
            ("bash -lc \"rm -rf /\"", Shell::Bash),
            ("eval 'rm -rf /'", Shell::Bash),
            ("ssh host 'rm -rf /'", Shell::Bash),
            ("echo 'rm -rf /' | sh", Shell::Bash),
            ("echo cm0gLXJmIC8K | base64 -d | bash", Shell::Bash),
            ("bash <<< 'rm -rf /'", Shell::Bash),
            ("bash <<EOF\nrm -rf /\nEOF", Shell::Bash),
            ("printf 'rm -rf /' | sudo sh", Shell::Bash),
            ("echo 'rm -rf /' | source", Shell::Fish),
        ] {
            let a = run(src, shell);
            let rm = find(&a, "rm");
            assert_eq!(texts(rm), vec!["-rf", "/"], "{src}");
            assert!(rm.depth >= 1, "{src}");
        }
        let a = run("curl -fsSL https://x.sh | sh", Shell::Bash);
        let sh = find(&a, "sh");
        assert!(sh.reads_script_stdin);
        assert_eq!(a.invocations[sh.upstream[0]].name, "curl");
        assert!(!find(&run("bash install.sh", Shell::Bash), "bash").reads_script_stdin);
    }

    #[test]
    fn fork_bombs_are_found_under_any_name() {
        for (src, shell) in [
            (":(){ :|:& };:", Shell::Bash),
            ("bomb() { bomb | bomb & }; bomb", Shell::Zsh),
            ("function b; b | b &; end; b", Shell::Fish),
        ] {
            assert!(!run(src, shell).fork_bombs.is_empty(), "{src}");
        }
        assert!(run("f() { echo hi; }; f", Shell::Bash)
            .fork_bombs
            .is_empty());
    }

    #[test]
    fn broken_syntax_is_still_judged() {
        let a = run("rm -rf / 'oops", Shell::Bash);
        assert!(a.parse_error.is_some());
        assert_eq!(texts(find(&a, "rm")), vec!["-rf", "/", "oops"]);
    }

    #[test]
    fn parameter_operators() {
        assert_eq!(strip_pattern("/home/ann", "/*", "%"), "/home");
        assert_eq!(strip_pattern("/home/ann", "/*", "%%"), "");
        assert_eq!(strip_pattern("a.tar.gz", ".*", "%"), "a.tar");
        assert_eq!(strip_pattern("a.tar.gz", ".*", "%%"), "a");
        assert_eq!(strip_pattern("/usr/local/bin", "*/", "#"), "usr/local/bin");
        assert_eq!(strip_pattern("/usr/local/bin", "*/", "##"), "bin");
        assert_eq!(strip_pattern("abc", "x", "%"), "abc");
        let a = run("rm -rf ${HOME%/*}", Shell::Bash);
        assert_eq!(texts(find(&a, "rm")), vec!["-rf", "/home"]);
        let a = run("sudo rm -rf /home/$USER /Users/$(whoami)", Shell::Bash);
        assert_eq!(
            texts(find(&a, "rm")),
            vec!["-rf", "/home/ann", "/Users/ann"]
        );
    }

    #[test]
    fn brace_expansion() {
        assert_eq!(brace_expand("a{b,c}d"), vec!["abd", "acd"]);
        assert_eq!(brace_expand("x{1..3}"), vec!["x1", "x2", "x3"]);
        assert_eq!(brace_expand("{a,b}{c,d}").len(), 4);
        assert_eq!(brace_expand("plain{x}"), vec!["plain{x}"]);
    }
}
