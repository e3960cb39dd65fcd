//! The command dictionary: what commands, subcommands, options and operands mean, from
//! `data/commands.toml` (see the comment at the top of that file for its format).
//!
//! `build.rs` converts the TOML to JSON. Loading indexes the top-level keys and keeps every
//! entry as raw JSON until it is first looked up, so explaining one command parses a
//! handful of entries, not the whole dictionary.

use std::collections::{BTreeMap, HashMap, HashSet};

use once_cell::sync::{Lazy, OnceCell};
use serde::{Deserialize, Deserializer};

use crate::context::{Flavour, Os, Shell};

const COMMANDS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/kb-commands.json"));

/// One command or subcommand (`ls`, `git commit`, `fish:set`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// One line: what it does.
    pub summary: String,
    /// Only on this OS (`linux`, `macos`).
    #[serde(default, deserialize_with = "os_name")]
    pub os: Option<Os>,
    /// Another command whose subcommands and options this one shares (`podman` → `docker`).
    #[serde(default)]
    pub same_as: Option<String>,
    /// `getopt` (default): `-abc` groups short flags; `words`: every `-word` is one option
    /// (`find -name`, `ffmpeg -i`, `terraform -auto-approve`).
    #[serde(default)]
    pub style: Style,
    /// The first argument may be a flag group without its dash (`tar czf`, `ps aux`).
    #[serde(default)]
    pub dashless: bool,
    /// Long options are GNU extensions: the BSD command has none (`rm`, `cp`, `du`).
    #[serde(default, deserialize_with = "flavour_name_de")]
    pub long: Option<Flavour>,
    /// Options end at the first operand (fish's `set NAME -R`: `-R` is a value).
    #[serde(default)]
    pub options_first: bool,
    /// What any option the entry does not list means, when the command treats every
    /// `-WORD` alike (`exiftool -TAG`).
    #[serde(default)]
    pub other_options: Option<String>,
    #[serde(default)]
    pub options: Vec<Opt>,
    /// Operands in order.
    #[serde(default)]
    pub args: Vec<Arg>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    #[default]
    Getopt,
    Words,
}

/// What an option's or operand's words are, beyond a plain value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Takes {
    /// The rest of the words (up to an `end` word) are a command run as its own process
    /// (`sudo CMD…`, `xargs CMD…`, `find -exec CMD… ;`).
    Command,
    /// The rest of the words are joined with spaces and run by a shell (`ssh host CMD…`,
    /// `watch CMD…`, `eval`).
    Words,
    /// One word holding shell code (`sh -c 'CODE'`).
    Script,
    /// Words of the form `NAME=VALUE` (`env A=1 B=2 CMD`).
    Assignment,
}

/// A built-in description of a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Describe {
    /// A signal number or name (`9`, `KILL`, `SIGTERM`).
    Signal,
    /// A file mode (`755`, `u+x`, `go-w`).
    Mode,
    /// A number compared by its sign, as `find` reads it: `+7` more than 7, `-7` less
    /// than 7, `7` exactly 7. Replaces the value in the meaning.
    Compare,
    /// A strftime format (`+%Y-%m-%d`): each conversion is named.
    Strftime,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Opt {
    /// Every spelling, space-separated in the file: `-n --lines`.
    #[serde(deserialize_with = "split_words")]
    pub flags: Vec<String>,
    /// The value's name when the option takes one; `means` refers to it as `{NAME}`.
    #[serde(default)]
    pub arg: Option<String>,
    /// The value is optional: only `--opt=VALUE` or `-oVALUE` give it one.
    #[serde(default)]
    pub optional: bool,
    /// An optional value may also be the next word, unless that is an option
    /// (`screen -r NAME`, `journalctl -b -1`).
    #[serde(default)]
    pub greedy: bool,
    pub means: String,
    /// For an optional value: the meaning when a value is given.
    #[serde(default)]
    pub means_value: Option<String>,
    /// The meaning when the value starts with + (`tail -n +2`: from line 2 on); `{NAME}`
    /// is the value without its sign.
    #[serde(default)]
    pub means_plus: Option<String>,
    /// The meaning when the value starts with - (`head -n -2`: all but the last 2).
    #[serde(default)]
    pub means_minus: Option<String>,
    /// Only this flavour of the command has it (`gnu` or `bsd`).
    #[serde(default, deserialize_with = "flavour_name_de")]
    pub only: Option<Flavour>,
    /// Meanings of particular values (`-type f` → regular files).
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    #[serde(default)]
    pub describe: Option<Describe>,
    #[serde(default)]
    pub takes: Option<Takes>,
    /// Words that end a `takes = "command"` value (`;` and `+` for `find -exec`).
    #[serde(default)]
    pub end: Vec<String>,
    /// Also valid after a subcommand (`kubectl -n`, `docker --context`).
    #[serde(default)]
    pub global: bool,
    /// The operand this option supplies instead (`grep -e PATTERN`: no PATTERN operand).
    #[serde(default)]
    pub fills: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Arg {
    /// `FILE`, `SOURCE`, `COMMAND`.
    pub name: String,
    pub means: String,
    /// Takes any number of words (at least one unless `optional`).
    #[serde(default)]
    pub many: bool,
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub takes: Option<Takes>,
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    #[serde(default)]
    pub describe: Option<Describe>,
    /// Operands starting with this go to this operand, wherever they are (`dig @SERVER`,
    /// `date +FORMAT`).
    #[serde(default)]
    pub prefix: Option<String>,
}

fn os_name<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Os>, D::Error> {
    match String::deserialize(d)?.as_str() {
        "linux" => Ok(Some(Os::Linux)),
        "macos" => Ok(Some(Os::Macos)),
        other => Err(serde::de::Error::custom(format!(
            "unknown os `{other}` (expected linux or macos)"
        ))),
    }
}

fn flavour_name_de<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Flavour>, D::Error> {
    match String::deserialize(d)?.as_str() {
        "gnu" => Ok(Some(Flavour::Gnu)),
        "bsd" => Ok(Some(Flavour::Bsd)),
        other => Err(serde::de::Error::custom(format!(
            "unknown flavour `{other}` (expected gnu or bsd)"
        ))),
    }
}

fn split_words<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let text = String::deserialize(d)?;
    Ok(text.split_whitespace().map(str::to_string).collect())
}

impl Opt {
    /// The meaning for a given value (or none), with `{ARG}` replaced by it.
    pub fn meaning(&self, value: Option<&str>) -> String {
        if let Some(v) = value {
            let bare = v.trim_matches(['\'', '"']);
            for (sign, template) in [('+', &self.means_plus), ('-', &self.means_minus)] {
                if let (Some(t), Some(rest)) = (template, bare.strip_prefix(sign)) {
                    return fill(t, self.arg.as_deref(), Some(rest));
                }
            }
        }
        let template = match (value, &self.means_value) {
            (Some(_), Some(with)) => with.as_str(),
            _ => self.means.as_str(),
        };
        fill(template, self.arg.as_deref(), value)
    }

    /// How many words the value takes (`jq --arg NAME VALUE` takes two).
    pub fn arity(&self) -> usize {
        self.arg
            .as_deref()
            .map_or(0, |a| a.split_whitespace().count())
    }

    /// The meaning for a value of several words: each `{NAME}` gets its own word.
    pub fn meaning_of_words(&self, values: &[String]) -> String {
        let mut text = self.means.clone();
        for (name, value) in self
            .arg
            .iter()
            .flat_map(|a| a.split_whitespace())
            .zip(values)
        {
            text = fill(&text, Some(name), Some(value));
        }
        text
    }

    pub fn is_available(&self, flavour: Flavour) -> bool {
        self.only.is_none_or(|only| only == normal(flavour))
    }
}

/// Replace `{NAME}` with the value, or with `NAME` when there is none (a reference line).
pub fn fill(template: &str, name: Option<&str>, value: Option<&str>) -> String {
    let Some(name) = name else {
        return template.to_string();
    };
    let placeholder = format!("{{{name}}}");
    template.replace(&placeholder, value.unwrap_or(name))
}

/// BusyBox follows GNU's options where it has them; the dictionary describes GNU and BSD.
pub fn normal(flavour: Flavour) -> Flavour {
    match flavour {
        Flavour::Bsd => Flavour::Bsd,
        Flavour::Gnu | Flavour::Busybox => Flavour::Gnu,
    }
}

/// A key resolved through aliases.
pub struct Resolved<'a> {
    /// Where options, operands and the parsing style come from.
    pub entry: &'a Entry,
    /// Where subcommands and options are looked up.
    pub key: String,
    /// What to show: the entry's own summary, even for an alias.
    pub summary: &'a str,
    pub os: Option<Os>,
}

/// An option found for a word, and whether the target flavour has it.
pub struct Found<'a> {
    pub opt: &'a Opt,
    pub available: bool,
    /// Said when the option is missing from, or means something else on, the target flavour.
    pub note: Option<String>,
}

/// An entry parsed on first use, or why it does not parse.
type Parsed = OnceCell<Result<Entry, String>>;

/// The loaded dictionary.
pub struct Dictionary {
    /// Each key's JSON, parsed into an entry on first lookup.
    raw: HashMap<&'static str, (&'static str, Parsed)>,
    /// Paths that have subcommands (`git`, `git stash`, `docker compose`).
    parents: HashSet<&'static str>,
}

static DICTIONARY: Lazy<Result<Dictionary, String>> = Lazy::new(|| Dictionary::load(COMMANDS_JSON));

/// A dictionary indexed from scratch (benches measure the first use in a process).
pub(crate) fn load_uncached() -> Result<Dictionary, String> {
    Dictionary::load(COMMANDS_JSON)
}

/// The dictionary compiled into this binary, or why it cannot be read (a build defect).
pub fn get() -> Result<&'static Dictionary, &'static str> {
    DICTIONARY.as_ref().map_err(String::as_str)
}

impl Dictionary {
    fn load(json: &'static str) -> Result<Dictionary, String> {
        let index =
            split_object(json).map_err(|e| format!("data/commands.toml is invalid: {e}"))?;
        let parents = index
            .iter()
            .filter_map(|(k, _)| k.rsplit_once(' ').map(|(parent, _)| parent))
            .collect();
        let raw = index
            .into_iter()
            .map(|(k, v)| (k, (v, OnceCell::new())))
            .collect();
        Ok(Dictionary { raw, parents })
    }

    /// Every key in the file.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.raw.keys().copied()
    }

    /// The entry stored under exactly this key.
    pub fn raw_entry(&self, key: &str) -> Option<Result<&Entry, &str>> {
        let (raw, cell) = self.raw.get(key)?;
        let parsed = cell.get_or_init(|| {
            serde_json::from_str(raw)
                .map_err(|e| format!("data/commands.toml: [{key}] is invalid: {e}"))
        });
        Some(parsed.as_ref().map_err(String::as_str))
    }

    fn entry_at(&self, key: &str) -> Option<&Entry> {
        self.raw_entry(key).and_then(Result::ok)
    }

    /// The key a command name resolves to in `shell`: a shell's own builtin (`fish:set`)
    /// before the common entry.
    pub fn command_key(&self, name: &str, shell: Shell) -> Option<String> {
        let own = format!("{}:{name}", shell.as_str());
        if self.raw.contains_key(own.as_str()) {
            return Some(own);
        }
        if self.raw.contains_key(name) {
            return Some(name.to_string());
        }
        None
    }

    /// What a key resolves to: the entry whose options and operands apply (an alias's
    /// target: `podman run` reads `docker run`, `npm i` reads `npm install`), the key its
    /// subcommands and options live under, and the summary to show (the alias's own).
    pub fn lookup(&self, key: &str) -> Option<Resolved<'_>> {
        self.resolve(key, 0)
    }

    fn resolve(&self, key: &str, depth: usize) -> Option<Resolved<'_>> {
        // Aliases of aliases are allowed, loops are not.
        if depth > 4 {
            return None;
        }
        if let Some(own) = self.entry_at(key) {
            return match &own.same_as {
                Some(target) => {
                    let t = self.resolve(target, depth + 1)?;
                    Some(Resolved {
                        summary: &own.summary,
                        os: own.os.or(t.os),
                        ..t
                    })
                }
                None => Some(Resolved {
                    entry: own,
                    key: key.to_string(),
                    summary: &own.summary,
                    os: own.os,
                }),
            };
        }
        // `podman run` has no entry of its own: `podman` is `docker`, so it is `docker run`.
        let (root, rest) = key.split_once(' ')?;
        let target = self.entry_at(root)?.same_as.as_deref()?;
        self.resolve(&format!("{target} {rest}"), depth + 1)
    }

    /// Whether `key` has subcommands.
    pub fn has_subcommands(&self, key: &str) -> bool {
        self.parents.contains(key)
    }

    /// The subcommand key for `word` under `key`, if there is one.
    pub fn subcommand(&self, key: &str, word: &str) -> Option<String> {
        let child = format!("{key} {word}");
        self.raw.contains_key(child.as_str()).then_some(child)
    }

    /// Find an option spelled `flag` for the command at `key` (its own options, then
    /// `global` options of the commands above it).
    pub fn option<'a>(&'a self, key: &str, flag: &str, flavour: Flavour) -> Option<Found<'a>> {
        let flavour = normal(flavour);
        let mut current = Some(key.to_string());
        let mut first = true;
        while let Some(k) = current {
            if let Some(entry) = self.entry_at(&k) {
                if let Some(found) = find_in(entry, flag, flavour, !first) {
                    return Some(found);
                }
            }
            current = k.rsplit_once(' ').map(|(parent, _)| parent.to_string());
            first = false;
        }
        None
    }

    /// Every problem in the data: parse errors, bad references, placeholders that do not
    /// match, duplicated spellings. Empty when the file is sound.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut keys: Vec<_> = self.keys().collect();
        keys.sort_unstable();
        for key in keys {
            let entry = match self.raw_entry(key) {
                Some(Ok(e)) => e,
                Some(Err(e)) => {
                    out.push(e.to_string());
                    continue;
                }
                None => continue,
            };
            check_entry(self, key, entry, &mut out);
        }
        out
    }
}

/// Split the top-level JSON object into its keys and the text of their values, without
/// parsing the values: indexing the whole dictionary this way costs a byte scan, and each
/// entry is parsed (and validated) by serde when it is first looked up. The JSON is
/// written by `build.rs`, so keys with escapes are refused rather than decoded.
fn split_object(json: &str) -> Result<Vec<(&str, &str)>, String> {
    let b = json.as_bytes();
    let ws = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    // The index just past the string starting at `i` (a `"`).
    let string_end = |mut i: usize| -> Result<usize, String> {
        i += 1;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                b'"' => return Ok(i + 1),
                _ => i += 1,
            }
        }
        Err("unterminated string".into())
    };
    let mut out = Vec::new();
    let mut i = ws(0);
    if b.get(i) != Some(&b'{') {
        return Err("not an object".into());
    }
    i = ws(i + 1);
    if b.get(i) == Some(&b'}') {
        return Ok(out);
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return Err(format!("expected a key at byte {i}"));
        }
        let end = string_end(i)?;
        let key = &json[i + 1..end - 1];
        if key.contains('\\') {
            return Err(format!("the key {key:?} has an escape"));
        }
        i = ws(end);
        if b.get(i) != Some(&b':') {
            return Err(format!("expected : at byte {i}"));
        }
        let start = ws(i + 1);
        let mut depth = 0usize;
        i = start;
        while i < b.len() {
            match b[i] {
                b'"' => {
                    i = string_end(i)?;
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' if depth == 0 => break,
                b'}' | b']' => depth -= 1,
                b',' if depth == 0 => break,
                _ => {}
            }
            i += 1;
        }
        out.push((key, json[start..i].trim_end()));
        match b.get(i) {
            Some(b',') => i = ws(i + 1),
            Some(b'}') => return Ok(out),
            _ => return Err(format!("unexpected end of the object at byte {i}")),
        }
    }
}

fn find_in<'a>(entry: &'a Entry, flag: &str, flavour: Flavour, globals: bool) -> Option<Found<'a>> {
    let mut other = None;
    for opt in &entry.options {
        if globals && !opt.global {
            continue;
        }
        if !opt.flags.iter().any(|f| f == flag) {
            continue;
        }
        if opt.is_available(flavour) {
            let mut found = Found {
                opt,
                available: true,
                note: None,
            };
            if entry.long == Some(Flavour::Gnu) && flag.starts_with("--") && opt.only.is_none() {
                if flavour == Flavour::Bsd {
                    found.available = false;
                    found.note = Some(format!(
                        "GNU (Linux) only: the BSD (macOS) version has no {flag}"
                    ));
                }
                return Some(found);
            }
            // A flag that means something else on the other flavour is worth knowing.
            if opt.only.is_some() {
                if let Some(theirs) = entry.options.iter().find(|o| {
                    !std::ptr::eq(*o, opt)
                        && o.only.is_some()
                        && o.only != opt.only
                        && o.flags.iter().any(|f| f == flag)
                }) {
                    found.note = Some(format!(
                        "on {}: {}",
                        flavour_label(theirs.only),
                        theirs.meaning(None)
                    ));
                }
            }
            return Some(found);
        }
        other.get_or_insert(opt);
    }
    other.map(|opt| Found {
        opt,
        available: false,
        note: Some(format!(
            "{} only: the {} version lacks it",
            flavour_label(opt.only),
            flavour_label(Some(flavour))
        )),
    })
}

/// How a flavour is shown to people: which systems have it.
pub fn flavour_label(f: Option<Flavour>) -> &'static str {
    match f {
        Some(Flavour::Bsd) => "BSD (macOS)",
        Some(Flavour::Gnu) => "GNU (Linux)",
        Some(Flavour::Busybox) => "BusyBox",
        None => "every",
    }
}

pub fn flavour_name(f: Option<Flavour>) -> &'static str {
    match f {
        Some(Flavour::Bsd) => "BSD",
        Some(Flavour::Gnu) => "GNU",
        Some(Flavour::Busybox) => "BusyBox",
        None => "every",
    }
}

/// Words that look like options but are patterns the option table matches as a class.
pub fn special_flag(flag: &str) -> Option<&'static str> {
    let rest = flag.strip_prefix('-')?;
    if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) {
        return Some("-NUM");
    }
    let name = rest.strip_prefix("SIG").unwrap_or(rest);
    if !name.is_empty()
        && name.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Some("-SIGNAL");
    }
    None
}

fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                if name.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
                {
                    out.push(name);
                }
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    out
}

fn check_entry(dict: &Dictionary, key: &str, entry: &Entry, out: &mut Vec<String>) {
    let mut problem = |msg: String| out.push(format!("[{key}] {msg}"));
    if entry.summary.trim().is_empty() {
        problem("has an empty summary".into());
    }
    if let Some((parent, _)) = key.rsplit_once(' ') {
        if !dict.raw.contains_key(parent) {
            problem(format!("is a subcommand of `{parent}`, which has no entry"));
        }
    }
    if let Some(target) = &entry.same_as {
        if !dict.raw.contains_key(target.as_str()) || dict.lookup(key).is_none() {
            problem(format!(
                "same_as `{target}` must name another entry (and make no loop)"
            ));
        }
    }
    let mut seen: HashMap<(&str, Option<Flavour>), usize> = HashMap::new();
    for (i, opt) in entry.options.iter().enumerate() {
        let label = opt.flags.join(" ");
        if opt.flags.is_empty() {
            problem(format!("option {i} has no flags"));
        }
        for f in &opt.flags {
            let valid = f.starts_with('-')
                || f.starts_with('+')
                || (entry.style == Style::Words && matches!(f.as_str(), "!" | "(" | ")" | ","))
                || (f.ends_with('=') && f.len() > 1)
                || (entry.dashless && f.len() == 1);
            if f.trim_end_matches('=').contains('=') {
                problem(format!(
                    "option `{f}`: a value goes in `arg`, not in the spelling"
                ));
            }
            if f == "--" {
                problem("`--` always ends the options; it needs no entry".into());
            }
            if !valid {
                problem(format!(
                    "option `{f}` must start with - or +, or end with = (dd's if=)"
                ));
            }
            for flavour in match opt.only {
                Some(fl) => vec![Some(fl)],
                None => vec![Some(Flavour::Gnu), Some(Flavour::Bsd)],
            } {
                if let Some(prev) = seen.insert((f.as_str(), flavour), i) {
                    if prev != i {
                        problem(format!(
                            "option `{f}` is listed twice ({} options {prev} and {i})",
                            flavour_name(flavour)
                        ));
                    }
                }
            }
        }
        check_text(
            &label,
            &opt.means,
            opt.arg.as_deref(),
            opt.optional,
            &mut problem,
        );
        for signed in [&opt.means_plus, &opt.means_minus].into_iter().flatten() {
            check_text(&label, signed, opt.arg.as_deref(), false, &mut problem);
        }
        if let Some(with) = &opt.means_value {
            if !opt.optional {
                problem(format!(
                    "`{label}`: means_value is only for optional values"
                ));
            }
            check_text(&label, with, opt.arg.as_deref(), false, &mut problem);
        }
        if opt.greedy && !opt.optional {
            problem(format!("`{label}`: greedy is only for optional values"));
        }
        if opt.optional && opt.arg.is_none() {
            problem(format!("`{label}`: optional needs an arg name"));
        }
        if !opt.values.is_empty() && opt.arg.is_none() {
            problem(format!("`{label}`: values need an arg"));
        }
        if opt.takes.is_some() && opt.arg.is_none() {
            problem(format!("`{label}`: takes needs an arg name"));
        }
        if let Some(name) = &opt.fills {
            if !entry.args.iter().any(|a| &a.name == name) {
                problem(format!(
                    "`{label}`: fills `{name}`, which is not an operand"
                ));
            }
        }
        if !opt.end.is_empty() && opt.takes != Some(Takes::Command) {
            problem(format!("`{label}`: end is only for takes = \"command\""));
        }
    }
    for (i, arg) in entry.args.iter().enumerate() {
        check_text(&arg.name, &arg.means, None, false, &mut problem);
        // After a plain `many` operand, an optional one never gets a word.
        let after_many = entry.args[..i]
            .iter()
            .any(|a| a.many && a.takes.is_none() && a.prefix.is_none());
        if after_many && arg.optional && arg.takes.is_none() && arg.prefix.is_none() {
            problem(format!(
                "operand {} is optional after a `many` operand, so it never gets a word",
                arg.name
            ));
        }
        let last = i + 1 == entry.args.len();
        if matches!(arg.takes, Some(Takes::Command | Takes::Words)) && !last {
            problem(format!(
                "operand {}: a command operand must be last",
                arg.name
            ));
        }
    }
}

fn check_text(
    label: &str,
    text: &str,
    arg: Option<&str>,
    optional: bool,
    problem: &mut impl FnMut(String),
) {
    if text.trim().is_empty() {
        problem(format!("`{label}` has an empty meaning"));
    }
    if text.contains('\n') {
        problem(format!("`{label}`: meanings are one line"));
    }
    let names = placeholders(text);
    let declared: Vec<&str> = arg
        .map(|a| a.split_whitespace().collect())
        .unwrap_or_default();
    for name in &names {
        if !declared.contains(name) {
            problem(format!("`{label}`: {{{name}}} is not its value's name"));
        }
    }
    for a in &declared {
        if !names.contains(a) && !optional {
            problem(format!(
                "`{label}`: the meaning must say where {{{a}}} goes"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dictionary_is_sound() {
        let dict = get().unwrap();
        let problems = dict.problems();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn the_index_matches_a_full_parse() {
        let full: HashMap<String, serde_json::Value> = serde_json::from_str(COMMANDS_JSON).unwrap();
        let split = split_object(COMMANDS_JSON).unwrap();
        assert_eq!(split.len(), full.len());
        for (key, text) in split {
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(Some(&value), full.get(key), "{key}");
        }
    }

    #[test]
    fn the_index_splits_nested_values_and_strings() {
        let json = r#" { "a": {"x": [1, {"y": "},]"}]}, "b c" : "s\"t,r" , "d":[] } "#;
        assert_eq!(
            split_object(json).unwrap(),
            [
                ("a", r#"{"x": [1, {"y": "},]"}]}"#),
                ("b c", r#""s\"t,r""#),
                ("d", "[]")
            ]
        );
        assert_eq!(split_object("{}").unwrap(), []);
        assert!(split_object("[]").is_err());
        assert!(split_object(r#"{"a": 1"#).is_err());
        assert!(split_object(r#"{"a" 1}"#).is_err());
        assert!(split_object(r#"{"a\n": 1}"#).is_err());
    }

    #[test]
    fn special_flags() {
        assert_eq!(special_flag("-9"), Some("-NUM"));
        assert_eq!(special_flag("-KILL"), Some("-SIGNAL"));
        assert_eq!(special_flag("-SIGTERM"), Some("-SIGNAL"));
        assert_eq!(special_flag("-f"), None);
        assert_eq!(special_flag("-"), None);
        assert_eq!(special_flag("--"), None);
    }

    #[test]
    fn placeholders_are_upper_case_names() {
        assert_eq!(placeholders("print the last {N} lines"), ["N"]);
        assert_eq!(placeholders("run {} on {FILE_2}"), ["FILE_2"]);
        assert!(placeholders("awk '{print $1}'").is_empty());
        assert!(placeholders("stash@{0}").is_empty());
    }

    #[test]
    fn fill_replaces_the_value() {
        assert_eq!(fill("last {N} lines", Some("N"), Some("5")), "last 5 lines");
        assert_eq!(fill("last {N} lines", Some("N"), None), "last N lines");
    }
}
