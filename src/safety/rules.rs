//! Risk rules from `data/safety/rules.toml`, matched against the commands a script would run.
//! Each rule is parsed the first time a command it names is checked (see `data.rs`).
//!
//! A rule names a command (or none: it then applies to every command, for redirections) and
//! conditions that must all hold. Conditions look at structure: options (`-rf` contains
//! `-r`), positional arguments and the classes of the paths they name (`@root`), the
//! targets of redirections, what feeds the command's stdin, and what runs inside its
//! substitutions. Argument patterns are written as:
//!
//! - `@class`: a path class from `paths.toml` (`@root`, `@home-glob`, `@device`, …)
//! - `key=@class`: an operand `key=value` whose value has the class (`of=@device`)
//! - `/regex/`: a regular expression matched against the argument (`/regex/i` ignores case)
//! - `key=/regex/`: an operand whose value matches
//! - anything else: the exact argument
//!
//! Rules that share a `family` (default: their id) report only the most severe finding per
//! command, so `rm -rf /` says "deletes every file on the system" and not also "deletes
//! files".

use serde::Deserialize;

use super::analyze::{Analysis, Invocation};
use super::data::{self, compiled, Entries, SyntaxSpec};
use super::lazy_regex::LazyRegex;
use super::paths::{self, PathData};
use super::{Finding, Risk};

/// A rule as the build script stores it: its own keys, and its conditions under `when` (serde
/// cannot both flatten and reject unknown keys, and a typo in a condition must not silently
/// widen a rule).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    id: String,
    #[serde(default)]
    family: Option<String>,
    risk: Risk,
    reason: String,
    when: MatcherSpec,
}

/// One or several groups of alternatives. A flat list is one group.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(untagged)]
pub(crate) enum Groups {
    #[default]
    None,
    One(Vec<String>),
    Many(Vec<Vec<String>>),
}

impl Groups {
    fn into_vec(self) -> Vec<Vec<String>> {
        match self {
            Groups::None => Vec::new(),
            Groups::One(v) => vec![v],
            Groups::Many(v) => v,
        }
    }
}

#[derive(Debug, Deserialize, Default, Clone)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct MatcherSpec {
    /// Command names; `name*` matches a prefix (`mkfs*`). Empty: any command.
    pub command: Vec<String>,
    /// The first positional arguments, in order; `a|b` gives alternatives.
    pub subcommand: Vec<String>,
    /// Every group must have one of its options present.
    pub flags: Groups,
    /// None of these options may be present.
    pub not_flags: Vec<String>,
    /// Every group must match some positional argument (after the subcommand).
    pub args: Groups,
    /// No positional argument may match these.
    pub not_args: Vec<String>,
    /// Every group must match some positional argument other than the last.
    pub sources: Groups,
    /// The last positional argument must match one of these.
    pub last_arg: Vec<String>,
    /// Every group must match some argument word, options included.
    pub words: Groups,
    /// A regular expression over the arguments (joined by spaces) and the known stdin text.
    pub text: Option<String>,
    pub not_text: Option<String>,
    /// A truncating output redirection (`>`, `&>`, `>|`) whose target matches.
    pub writes: Vec<String>,
    /// An appending output redirection (`>>`) whose target matches.
    pub appends: Vec<String>,
    /// An input redirection (`<`) whose source matches.
    pub reads: Vec<String>,
    /// An earlier stage of the same pipeline matches.
    pub stdin_from: Option<Box<MatcherSpec>>,
    /// A command inside one of this command's substitutions matches.
    pub substitutes: Option<Box<MatcherSpec>>,
    /// The command is an interpreter reading its script from stdin.
    pub reads_script_stdin: Option<bool>,
    /// The command runs a file a download earlier in the command wrote.
    pub runs_downloaded: Option<bool>,
    /// The command's arguments come from another command (`xargs`, `$(…)`).
    pub args_from_input: Option<bool>,
    /// A structural detector implemented in code (`fork-bomb`).
    pub detector: Option<String>,
}

#[derive(Debug)]
enum Pattern {
    Class(u32),
    KeyClass(String, u32),
    Regex(&'static LazyRegex),
    KeyRegex(String, &'static LazyRegex),
    Exact(String),
}

#[derive(Debug)]
enum FlagSpec {
    /// `-r`: a short option, also inside clusters (`-rf`).
    Short(char),
    /// `--recursive` (and unambiguous abbreviations such as `--recur`).
    Long(String),
    /// `-delete`, `-auto-approve`, `-9`: a whole word.
    Word(String),
}

#[derive(Debug, Default)]
pub(crate) struct Matcher {
    commands: Vec<String>,
    command_prefixes: Vec<String>,
    subcommand: Vec<Vec<String>>,
    flags: Vec<Vec<FlagSpec>>,
    not_flags: Vec<FlagSpec>,
    args: Vec<Vec<Pattern>>,
    not_args: Vec<Pattern>,
    sources: Vec<Vec<Pattern>>,
    last_arg: Vec<Pattern>,
    words: Vec<Vec<Pattern>>,
    text: Option<&'static LazyRegex>,
    not_text: Option<&'static LazyRegex>,
    writes: Vec<Pattern>,
    appends: Vec<Pattern>,
    reads: Vec<Pattern>,
    stdin_from: Option<Box<Matcher>>,
    substitutes: Option<Box<Matcher>>,
    reads_script_stdin: Option<bool>,
    runs_downloaded: Option<bool>,
    args_from_input: Option<bool>,
    detector: Option<Detector>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detector {
    ForkBomb,
}

#[derive(Debug)]
pub(crate) struct Rule {
    pub id: String,
    pub family: String,
    pub risk: Risk,
    reason: String,
    matcher: Matcher,
}

/// The rules, each parsed on first use. Which rules a command needs comes from indexes the
/// build script sorted (`RULES_BY_COMMAND`, …), so ordinary commands parse a few rules.
pub(crate) struct RuleSet {
    rules: Entries<Rule>,
}

/// What the matcher needs besides the invocation.
pub(crate) struct MatchCx<'a> {
    /// The checked command (word spans point into it).
    pub src: &'a str,
    pub analysis: &'a Analysis,
    pub paths: &'a PathData,
    pub home: Option<&'a str>,
}

/// What a match captured, for the reason text.
#[derive(Default)]
struct Captures {
    arg: Option<String>,
    target: Option<String>,
}

fn compile_pattern(p: &str, what: &str) -> Result<Pattern, String> {
    let class = |name: &str| {
        paths::class_bit(name).ok_or_else(|| format!("{what}: unknown path class @{name}"))
    };
    if let Some(name) = p.strip_prefix('@') {
        return Ok(Pattern::Class(class(name)?));
    }
    if let Some(body) = regex_body(p) {
        return Ok(Pattern::Regex(LazyRegex::new(&body, what)));
    }
    if let Some((key, value)) = p.split_once('=') {
        if let Some(name) = value.strip_prefix('@') {
            return Ok(Pattern::KeyClass(key.to_string(), class(name)?));
        }
        if let Some(body) = regex_body(value) {
            return Ok(Pattern::KeyRegex(
                key.to_string(),
                LazyRegex::new(&body, what),
            ));
        }
    }
    Ok(Pattern::Exact(p.to_string()))
}

/// `/re/` → `^…` as written; `/re/i` → case-insensitive.
fn regex_body(p: &str) -> Option<String> {
    let rest = p.strip_prefix('/')?;
    if let Some(body) = rest.strip_suffix("/i") {
        return Some(format!("(?i){body}"));
    }
    rest.strip_suffix('/').map(str::to_string)
}

fn compile_flag(f: &str, what: &str) -> Result<FlagSpec, String> {
    if f.starts_with("--") && f.len() > 2 {
        return Ok(FlagSpec::Long(f.to_string()));
    }
    let mut chars = f.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some('-'), Some(c), None) if c.is_ascii_alphabetic() => Ok(FlagSpec::Short(c)),
        (Some('-'), Some(_), _) => Ok(FlagSpec::Word(f.to_string())),
        _ => Err(format!("{what}: option {f:?} must start with -")),
    }
}

fn compile_patterns(list: &[String], what: &str) -> Result<Vec<Pattern>, String> {
    list.iter().map(|p| compile_pattern(p, what)).collect()
}

impl Matcher {
    pub(crate) fn compile(spec: &MatcherSpec, what: &str) -> Result<Matcher, String> {
        let mut m = Matcher::default();
        for c in &spec.command {
            match c.strip_suffix('*') {
                Some(prefix) => m.command_prefixes.push(prefix.to_string()),
                None => m.commands.push(c.clone()),
            }
        }
        m.subcommand = spec
            .subcommand
            .iter()
            .map(|s| s.split('|').map(str::to_string).collect())
            .collect();
        for group in spec.flags.clone().into_vec() {
            m.flags.push(
                group
                    .iter()
                    .map(|f| compile_flag(f, what))
                    .collect::<Result<_, _>>()?,
            );
        }
        m.not_flags = spec
            .not_flags
            .iter()
            .map(|f| compile_flag(f, what))
            .collect::<Result<_, _>>()?;
        for group in spec.args.clone().into_vec() {
            m.args.push(compile_patterns(&group, what)?);
        }
        m.not_args = compile_patterns(&spec.not_args, what)?;
        for group in spec.sources.clone().into_vec() {
            m.sources.push(compile_patterns(&group, what)?);
        }
        m.last_arg = compile_patterns(&spec.last_arg, what)?;
        for group in spec.words.clone().into_vec() {
            m.words.push(compile_patterns(&group, what)?);
        }
        m.text = spec.text.as_deref().map(|t| LazyRegex::new(t, what));
        m.not_text = spec.not_text.as_deref().map(|t| LazyRegex::new(t, what));
        m.writes = compile_patterns(&spec.writes, what)?;
        m.appends = compile_patterns(&spec.appends, what)?;
        m.reads = compile_patterns(&spec.reads, what)?;
        if let Some(inner) = &spec.stdin_from {
            m.stdin_from = Some(Box::new(Matcher::compile(inner, what)?));
        }
        if let Some(inner) = &spec.substitutes {
            m.substitutes = Some(Box::new(Matcher::compile(inner, what)?));
        }
        m.reads_script_stdin = spec.reads_script_stdin;
        m.runs_downloaded = spec.runs_downloaded;
        m.args_from_input = spec.args_from_input;
        m.detector = match spec.detector.as_deref() {
            None => None,
            Some("fork-bomb") => Some(Detector::ForkBomb),
            Some(other) => return Err(format!("{what}: unknown detector {other:?}")),
        };
        Ok(m)
    }

    fn names_command(&self, name: &str) -> bool {
        (self.commands.is_empty() && self.command_prefixes.is_empty())
            || self.commands.iter().any(|c| c == name)
            || self
                .command_prefixes
                .iter()
                .any(|p| name.starts_with(p.as_str()))
    }

    /// Whether `inv` satisfies every condition.
    fn matches(&self, inv: &Invocation, cx: &MatchCx, caps: &mut Captures) -> bool {
        if !self.names_command(&inv.name) {
            return false;
        }
        let spec = inv.syntax;
        let pos = &inv.positionals;
        for (k, alts) in self.subcommand.iter().enumerate() {
            let Some(&i) = pos.get(k) else { return false };
            if !alts.iter().any(|a| *a == inv.args[i].text) {
                return false;
            }
        }
        let after_sub = &pos[self.subcommand.len().min(pos.len())..];
        for group in &self.flags {
            if !group.iter().any(|f| has_flag(inv, spec, f)) {
                return false;
            }
        }
        if self.not_flags.iter().any(|f| has_flag(inv, spec, f)) {
            return false;
        }
        for group in &self.args {
            let hit = after_sub
                .iter()
                .find(|&&i| group.iter().any(|p| arg_matches(p, inv, i, cx)));
            match hit {
                Some(&i) => {
                    caps.arg.get_or_insert_with(|| inv.args[i].display(cx.src));
                }
                None => return false,
            }
        }
        if after_sub
            .iter()
            .any(|&i| self.not_args.iter().any(|p| arg_matches(p, inv, i, cx)))
        {
            return false;
        }
        if !self.sources.is_empty() {
            let sources = &after_sub[..after_sub.len().saturating_sub(1)];
            for group in &self.sources {
                let hit = sources
                    .iter()
                    .find(|&&i| group.iter().any(|p| arg_matches(p, inv, i, cx)));
                match hit {
                    Some(&i) => {
                        caps.arg.get_or_insert_with(|| inv.args[i].display(cx.src));
                    }
                    None => return false,
                }
            }
        }
        if !self.last_arg.is_empty() {
            let Some(&last) = after_sub.last() else {
                return false;
            };
            if !self.last_arg.iter().any(|p| arg_matches(p, inv, last, cx)) {
                return false;
            }
            caps.arg
                .get_or_insert_with(|| inv.args[last].display(cx.src));
        }
        for group in &self.words {
            let hit =
                (0..inv.args.len()).find(|&i| group.iter().any(|p| arg_matches(p, inv, i, cx)));
            match hit {
                Some(i) => {
                    caps.arg.get_or_insert_with(|| inv.args[i].display(cx.src));
                }
                None => return false,
            }
        }
        if self.text.is_some() || self.not_text.is_some() {
            let text = inv.payload.get_or_init(|| payload_text(inv));
            if let Some(re) = &self.text {
                if !re.is_match(text) {
                    return false;
                }
            }
            if let Some(re) = &self.not_text {
                if re.is_match(text) {
                    return false;
                }
            }
        }
        for (list, want) in [(&self.writes, 0u8), (&self.appends, 1), (&self.reads, 2)] {
            if list.is_empty() {
                continue;
            }
            let hit = inv.redirects.iter().find(|r| {
                let kind_ok = match want {
                    0 => r.op.truncates() && r.fd != Some(0),
                    1 => r.op.appends(),
                    _ => matches!(r.op, super::syntax::RedirOp::Read),
                };
                kind_ok && list.iter().any(|p| text_matches(p, &r.text, r.classes, cx))
            });
            match hit {
                Some(r) => {
                    caps.target.get_or_insert_with(|| r.display(cx.src));
                }
                None => return false,
            }
        }
        if let Some(want) = self.reads_script_stdin {
            if inv.reads_script_stdin != want {
                return false;
            }
        }
        if let Some(want) = self.runs_downloaded {
            if inv.runs_downloaded != want {
                return false;
            }
        }
        if let Some(want) = self.args_from_input {
            if inv.args_from_input != want {
                return false;
            }
        }
        if let Some(m) = &self.stdin_from {
            let mut inner_caps = Captures::default();
            if !inv.upstream.iter().any(|&u| {
                cx.analysis
                    .get(u)
                    .is_some_and(|up| m.matches(up, cx, &mut inner_caps))
            }) {
                return false;
            }
        }
        if let Some(m) = &self.substitutes {
            let mut inner_caps = Captures::default();
            if !inv.inner.iter().any(|&u| {
                cx.analysis
                    .get(u)
                    .is_some_and(|up| m.matches(up, cx, &mut inner_caps))
            }) {
                return false;
            }
        }
        if caps.arg.is_none() {
            // Nothing captured: name the first operand after the subcommand.
            caps.arg = after_sub
                .iter()
                .map(|&i| inv.args[i].display(cx.src))
                .find(|d| !d.is_empty());
        }
        true
    }

    /// Whether `inv` satisfies every condition (used by the flavour checks).
    pub(crate) fn matches_invocation(&self, inv: &Invocation, cx: &MatchCx) -> bool {
        let mut caps = Captures::default();
        self.matches(inv, cx, &mut caps)
    }

    /// Compile every pattern now, reporting errors (the data tests).
    pub(crate) fn validate_regexes(&self) -> Result<(), String> {
        self.regexes().try_for_each(|re| re.validate())
    }

    /// Every pattern of the matcher, nested matchers included.
    pub(crate) fn regexes(&self) -> Box<dyn Iterator<Item = &'static LazyRegex> + '_> {
        let patterns = self
            .args
            .iter()
            .chain(&self.sources)
            .chain(&self.words)
            .flatten()
            .chain(&self.not_args)
            .chain(&self.last_arg)
            .chain(&self.writes)
            .chain(&self.appends)
            .chain(&self.reads);
        let own = patterns
            .filter_map(|p| match p {
                Pattern::Regex(re) | Pattern::KeyRegex(_, re) => Some(*re),
                _ => None,
            })
            .chain(self.text)
            .chain(self.not_text);
        Box::new(
            own.chain(
                self.stdin_from
                    .iter()
                    .chain(&self.substitutes)
                    .flat_map(|m| m.regexes()),
            ),
        )
    }

    /// The command names the matcher is limited to (empty: any command).
    pub(crate) fn command_names(&self) -> &[String] {
        &self.commands
    }

    /// Whether the matcher names commands and nothing else.
    pub(crate) fn is_command_only(&self) -> bool {
        self.subcommand.is_empty()
            && self.flags.is_empty()
            && self.not_flags.is_empty()
            && self.args.is_empty()
            && self.not_args.is_empty()
            && self.sources.is_empty()
            && self.last_arg.is_empty()
            && self.words.is_empty()
            && self.text.is_none()
            && self.writes.is_empty()
            && self.appends.is_empty()
            && self.reads.is_empty()
            && self.stdin_from.is_none()
            && self.substitutes.is_none()
            && self.runs_downloaded.is_none()
    }

    /// Index (in `inv.args`) of the first option named in `flags`, else of the first word
    /// matching `words`: the word a rewrite changes.
    pub(crate) fn key_word(&self, inv: &Invocation, cx: &MatchCx) -> Option<usize> {
        let spec = inv.syntax;
        for group in &self.flags {
            for &i in &inv.options {
                if group
                    .iter()
                    .any(|f| option_word_has(&inv.args[i].text, spec, f))
                {
                    return Some(i);
                }
            }
        }
        for group in &self.words {
            if let Some(i) =
                (0..inv.args.len()).find(|&i| group.iter().any(|p| arg_matches(p, inv, i, cx)))
            {
                return Some(i);
            }
        }
        None
    }
}

/// Arguments and known stdin as one text, for `text` conditions (SQL in `mysql -e`, a
/// here-document fed to `psql`).
fn payload_text(inv: &Invocation) -> String {
    let mut text = inv
        .args
        .iter()
        .map(|a| a.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(stdin) = &inv.stdin_text {
        text.push('\n');
        text.push_str(stdin);
    }
    text
}

fn arg_matches(p: &Pattern, inv: &Invocation, i: usize, cx: &MatchCx) -> bool {
    let arg = &inv.args[i];
    text_matches(p, &arg.text, arg.classes, cx)
}

fn text_matches(p: &Pattern, text: &str, classes: u32, cx: &MatchCx) -> bool {
    match p {
        Pattern::Class(bit) => classes & bit != 0,
        Pattern::Exact(s) => text == s,
        Pattern::Regex(re) => re.is_match(text),
        Pattern::KeyClass(key, bit) => {
            operand(text, key).is_some_and(|v| cx.paths.classify(v, None, cx.home) & bit != 0)
        }
        Pattern::KeyRegex(key, re) => operand(text, key).is_some_and(|v| re.is_match(v)),
    }
}

fn operand<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    text.strip_prefix(key)?.strip_prefix('=')
}

/// Whether the invocation has option `f`.
fn has_flag(inv: &Invocation, spec: &SyntaxSpec, f: &FlagSpec) -> bool {
    inv.options
        .iter()
        .any(|&i| option_word_has(&inv.args[i].text, spec, f))
}

fn option_word_has(word: &str, spec: &SyntaxSpec, f: &FlagSpec) -> bool {
    match f {
        FlagSpec::Word(w) => {
            word == w
                || operand(word, w).is_some()
                || (w.len() > 2 && word.strip_prefix('-') == Some(w.as_str()))
        }
        FlagSpec::Long(l) => {
            if !word.starts_with("--") {
                return false;
            }
            let name = word.split_once('=').map_or(word, |(n, _)| n);
            name == l || (name.len() >= 5 && l.starts_with(name))
        }
        FlagSpec::Short(c) => {
            if word.starts_with("--") || spec.expression || !word.starts_with('-') {
                return false;
            }
            for ch in word[1..].chars() {
                if ch == *c {
                    return true;
                }
                let opt = format!("-{ch}");
                if spec.value_options.contains(&opt) || !ch.is_ascii_alphanumeric() {
                    return false;
                }
            }
            false
        }
    }
}

impl RuleSet {
    pub(crate) const fn new() -> RuleSet {
        RuleSet {
            rules: Entries::new(),
        }
    }

    /// Rule `i` of `rules.toml`, parsed on first use (`None`: broken, recorded as a defect).
    fn rule(&self, i: usize) -> Option<&Rule> {
        self.rules
            .get(compiled::RULES.len(), i, || parse_rule(compiled::RULES[i]))
    }

    /// Parse every rule and compile its patterns (the data tests).
    pub(crate) fn validate(&self) -> Result<(), String> {
        for &row in compiled::RULES {
            parse_rule(row)?.matcher.validate_regexes()?;
        }
        Ok(())
    }

    /// Whether `id` names a rule (for `safety.allow` / `safety.deny`).
    pub(crate) fn has_id(&self, id: &str) -> bool {
        compiled::RULES.iter().any(|(i, _)| *i == id)
    }

    /// Every finding for the analysed command, most severe first.
    pub(crate) fn evaluate(&self, cx: &MatchCx) -> Vec<Finding> {
        let mut findings: Vec<Finding> = Vec::new();
        let mut push = |f: Finding| {
            if !findings.iter().any(|g| g.rule == f.rule) {
                findings.push(f);
            }
        };
        let mut candidates: Vec<u16> = Vec::new();
        for inv in &cx.analysis.invocations {
            if inv.is_wrapper || asks_for_help(inv) {
                continue;
            }
            candidates.clear();
            if let Some(k) = data::find(compiled::RULES_BY_COMMAND, &inv.name) {
                candidates.extend(compiled::RULES_BY_COMMAND[k].1);
            }
            for &(p, i) in compiled::RULES_BY_PREFIX {
                if inv.name.starts_with(p) {
                    candidates.push(i);
                }
            }
            // Rules without a command look at redirections and scripts read from stdin.
            if !inv.redirects.is_empty() || inv.reads_script_stdin || inv.runs_downloaded {
                candidates.extend(compiled::RULES_GENERIC);
            }
            // Per family, keep the most severe match (ties: the first in the file).
            let mut best: Vec<(&Rule, usize, Captures)> = Vec::new();
            for &i in &candidates {
                let i = usize::from(i);
                let Some(rule) = self.rule(i) else {
                    continue;
                };
                let mut caps = Captures::default();
                if !rule.matcher.matches(inv, cx, &mut caps) {
                    continue;
                }
                match best.iter_mut().find(|(r, _, _)| r.family == rule.family) {
                    Some(slot) => {
                        let current = slot.0;
                        if rule.risk > current.risk || (rule.risk == current.risk && i < slot.1) {
                            *slot = (rule, i, caps);
                        }
                    }
                    None => best.push((rule, i, caps)),
                }
            }
            for (rule, _, caps) in best {
                push(Finding {
                    rule: rule.id.clone(),
                    risk: rule.risk,
                    reason: render_reason(&rule.reason, inv, &caps, None),
                });
            }
        }
        // Detectors are structural: only a command with a fork bomb needs their rules.
        if let Some(name) = cx.analysis.fork_bombs.first() {
            for &i in compiled::RULES_DETECTORS {
                let Some(rule) = self.rule(usize::from(i)) else {
                    continue;
                };
                if rule.matcher.detector == Some(Detector::ForkBomb) {
                    push(Finding {
                        rule: rule.id.clone(),
                        risk: rule.risk,
                        reason: rule.reason.replace("{function}", &format!("`{name}`")),
                    });
                }
            }
        }
        findings.sort_by_key(|f| std::cmp::Reverse(f.risk));
        findings
    }
}

fn parse_rule((id, json): (&str, &str)) -> Result<Rule, String> {
    let entry: RuleEntry = data::parse_json(&format!("safety/rules.toml rule {id}"), json)?;
    let what = format!("rules.toml rule {id}");
    Ok(Rule {
        family: entry.family.unwrap_or_else(|| entry.id.clone()),
        matcher: Matcher::compile(&entry.when, &what)?,
        id: entry.id,
        risk: entry.risk,
        reason: entry.reason,
    })
}

/// `cmd --help` / `--version` print text and exit: nothing the command would do happens.
fn asks_for_help(inv: &Invocation) -> bool {
    inv.options
        .iter()
        .any(|&i| matches!(inv.args[i].text.as_str(), "--help" | "--version"))
}

fn render_reason(
    template: &str,
    inv: &Invocation,
    caps: &Captures,
    function: Option<&str>,
) -> String {
    let mut out = template.to_string();
    if out.contains("{arg}") {
        match caps.arg.as_deref() {
            Some(arg) => out = out.replace("{arg}", arg),
            // "stops processes ({arg})" reads fine without the parenthesis.
            None if out.contains(" ({arg})") => out = out.replace(" ({arg})", ""),
            None => out = out.replace("{arg}", "the files"),
        }
    }
    if out.contains("{target}") {
        out = out.replace("{target}", caps.target.as_deref().unwrap_or("a file"));
    }
    if out.contains("{name}") {
        out = out.replace("{name}", &inv.name);
    }
    if let Some(f) = function {
        out = out.replace("{function}", f);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// The build script's indexes send each command to exactly the rules that name it.
    #[test]
    fn build_indexes_match_the_rules() {
        let mut by_command: BTreeMap<&str, Vec<u16>> = BTreeMap::new();
        let mut by_prefix = Vec::new();
        let mut generic = Vec::new();
        let mut detectors = Vec::new();
        let rules: Vec<Rule> = compiled::RULES
            .iter()
            .map(|&row| parse_rule(row).unwrap())
            .collect();
        for (i, rule) in rules.iter().enumerate() {
            let i = u16::try_from(i).unwrap();
            assert_eq!(compiled::RULES[usize::from(i)].0, rule.id);
            let m = &rule.matcher;
            if m.detector.is_some() {
                detectors.push(i);
            } else if m.commands.is_empty() && m.command_prefixes.is_empty() {
                generic.push(i);
            } else {
                for c in &m.commands {
                    by_command.entry(c).or_default().push(i);
                }
                for p in &m.command_prefixes {
                    by_prefix.push((p.as_str(), i));
                }
            }
        }
        let built: BTreeMap<&str, Vec<u16>> = compiled::RULES_BY_COMMAND
            .iter()
            .map(|(name, list)| (*name, list.to_vec()))
            .collect();
        assert_eq!(built, by_command);
        assert_eq!(compiled::RULES_BY_PREFIX, by_prefix.as_slice());
        assert_eq!(compiled::RULES_GENERIC, generic.as_slice());
        assert_eq!(compiled::RULES_DETECTORS, detectors.as_slice());
        assert!(RuleSet::new().has_id("rm-root"));
        assert!(!RuleSet::new().has_id("no-such-rule"));
    }
}
