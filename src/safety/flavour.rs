//! GNU vs BSD (and BusyBox) differences: a candidate that uses a flag the local userland
//! lacks gets a warning, and where the fix is known, a rewritten command.
//!
//! The table lives in `data/safety/flavour.toml`; each entry names a rewrite implemented
//! here. Rewrites are edits on the original text (by word span), so everything the
//! engine wrote that is not part of the fix stays exactly as it was.

use serde::Deserialize;

use super::analyze::{Analysis, Invocation};
use super::data::{self, compiled, Entries};
use super::rules::{MatchCx, Matcher, MatcherSpec};
use super::syntax::Span;
use super::{Warning, WarningKind};
use crate::context::Flavour;
use crate::quote::quote;

/// An entry as the build script stores it: its own keys, its conditions under `when`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FlavourEntry {
    id: String,
    lacking: Vec<String>,
    message: String,
    #[serde(default)]
    rewrite: Option<String>,
    #[serde(default)]
    replacement: Option<String>,
    when: MatcherSpec,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rewrite {
    SedBsdSuffix,
    SedGnuSuffix,
    ReplaceFlag,
    RemoveFlag,
    GrepPcre,
    StatToBsd,
    StatToGnu,
    DateToBsd,
    DateToGnu,
    DateEpochToGnu,
    DuDepth,
    TailRToTac,
    CommandReplace,
    PsSortToBsd,
    PsSortToGnu,
}

impl Rewrite {
    fn parse(name: &str) -> Option<Rewrite> {
        Some(match name {
            "sed-bsd-suffix" => Rewrite::SedBsdSuffix,
            "sed-gnu-suffix" => Rewrite::SedGnuSuffix,
            "replace-flag" => Rewrite::ReplaceFlag,
            "remove-flag" => Rewrite::RemoveFlag,
            "grep-pcre" => Rewrite::GrepPcre,
            "stat-to-bsd" => Rewrite::StatToBsd,
            "stat-to-gnu" => Rewrite::StatToGnu,
            "date-to-bsd" => Rewrite::DateToBsd,
            "date-to-gnu" => Rewrite::DateToGnu,
            "date-epoch-to-gnu" => Rewrite::DateEpochToGnu,
            "du-depth" => Rewrite::DuDepth,
            "tail-r-to-tac" => Rewrite::TailRToTac,
            "command-replace" => Rewrite::CommandReplace,
            "ps-sort-to-bsd" => Rewrite::PsSortToBsd,
            "ps-sort-to-gnu" => Rewrite::PsSortToGnu,
            _ => return None,
        })
    }
}

#[derive(Debug)]
struct Entry {
    id: String,
    lacking: Vec<Flavour>,
    message: String,
    rewrite: Option<Rewrite>,
    replacement: String,
    matcher: Matcher,
}

/// The entries, each parsed the first time a command it names is checked; the build script
/// indexes them by command name (`FLAVOURS_BY_COMMAND`).
pub(crate) struct FlavourSet {
    entries: Entries<Entry>,
}

/// A replacement of one span of the checked command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Edit {
    pub span: Span,
    pub text: String,
}

/// What the flavour check found.
#[derive(Default)]
pub(crate) struct FlavourReport {
    pub warnings: Vec<Warning>,
    pub edits: Vec<Edit>,
    /// Commands a flavour entry already explained (no separate "not installed" warning).
    pub explained: Vec<String>,
}

/// A flavour's bit in the build script's index (`FLAVOURS_BY_COMMAND`).
fn flavour_bit(flavour: Flavour) -> u8 {
    match flavour {
        Flavour::Gnu => 1,
        Flavour::Bsd => 2,
        Flavour::Busybox => 4,
    }
}

fn flavour_name(name: &str) -> Option<Flavour> {
    match name {
        "gnu" => Some(Flavour::Gnu),
        "bsd" => Some(Flavour::Bsd),
        "busybox" => Some(Flavour::Busybox),
        _ => None,
    }
}

impl FlavourSet {
    pub(crate) const fn new() -> FlavourSet {
        FlavourSet {
            entries: Entries::new(),
        }
    }

    fn entry(&self, i: usize) -> Option<&Entry> {
        self.entries.get(compiled::FLAVOURS.len(), i, || {
            parse_entry(compiled::FLAVOURS[i])
        })
    }

    /// Parse every entry and compile its patterns (the data tests).
    pub(crate) fn validate(&self) -> Result<(), String> {
        for &row in compiled::FLAVOURS {
            parse_entry(row)?.matcher.validate_regexes()?;
        }
        Ok(())
    }

    /// Check every local command against the flavour of this machine's userland.
    pub(crate) fn check(
        &self,
        analysis: &Analysis,
        flavour: Flavour,
        cx: &MatchCx,
    ) -> FlavourReport {
        let mut report = FlavourReport::default();
        for inv in &analysis.invocations {
            if inv.remote || inv.name.is_empty() {
                continue;
            }
            let Some(k) = data::find(compiled::FLAVOURS_BY_COMMAND, &inv.name) else {
                continue;
            };
            let candidates = compiled::FLAVOURS_BY_COMMAND[k].1;
            let bit = flavour_bit(flavour);
            for entry in candidates
                .iter()
                .filter(|&&(_, lacking)| lacking & bit != 0)
                .filter_map(|&(i, _)| self.entry(usize::from(i)))
            {
                if !entry.lacking.contains(&flavour) || !entry.matcher.matches_invocation(inv, cx) {
                    continue;
                }
                let key = entry.matcher.key_word(inv, cx);
                let edits = match entry.rewrite {
                    Some(op) => match rewrite(op, inv, key, &entry.replacement) {
                        Outcome::Fixed(edits) => Some(edits),
                        Outcome::WarnOnly => None,
                        // The candidate already has the right form for this flavour.
                        Outcome::NotApplicable => continue,
                    },
                    None => None,
                };
                let fixable = edits.is_some() && inv.top;
                let message = format!("{} [{}]", entry.message, entry.id);
                if !report.warnings.iter().any(|w| w.message == message) {
                    report.warnings.push(Warning {
                        kind: WarningKind::Flavour,
                        message,
                    });
                }
                if entry.matcher.is_command_only() {
                    report.explained.push(inv.name.clone());
                }
                if fixable {
                    report.edits.extend(edits.unwrap_or_default());
                }
            }
        }
        report
    }
}

fn parse_entry((id, json): (&str, &str)) -> Result<Entry, String> {
    let head: FlavourEntry = data::parse_json(&format!("safety/flavour.toml entry {id}"), json)?;
    let what = format!("flavour.toml entry {id}");
    let lacking = head
        .lacking
        .iter()
        .map(|l| flavour_name(l).ok_or_else(|| format!("{what}: unknown flavour {l:?}")))
        .collect::<Result<Vec<_>, _>>()?;
    let rewrite = head
        .rewrite
        .as_deref()
        .map(|r| Rewrite::parse(r).ok_or_else(|| format!("{what}: unknown rewrite {r:?}")))
        .transpose()?;
    if matches!(
        rewrite,
        Some(Rewrite::ReplaceFlag | Rewrite::CommandReplace)
    ) && head.replacement.is_none()
    {
        return Err(format!("{what}: this rewrite needs a replacement"));
    }
    let matcher = Matcher::compile(&head.when, &what)?;
    if matcher.command_names().is_empty() {
        return Err(format!("{what}: name the commands it applies to"));
    }
    Ok(Entry {
        id: head.id,
        lacking,
        message: head.message,
        rewrite,
        replacement: head.replacement.unwrap_or_default(),
        matcher,
    })
}

enum Outcome {
    Fixed(Vec<Edit>),
    WarnOnly,
    NotApplicable,
}

fn span_of(inv: &Invocation, i: usize) -> Option<Span> {
    inv.args
        .get(i)
        .and_then(|a| a.span)
        .filter(|s| !s.is_empty())
}

/// Replace words `from..=to` (by index) with `text`.
fn replace_words(inv: &Invocation, from: usize, to: usize, text: String) -> Option<Edit> {
    let a = span_of(inv, from)?;
    let b = span_of(inv, to)?;
    Some(Edit {
        span: Span {
            start: a.start,
            end: b.end,
        },
        text,
    })
}

/// Remove word `i` together with the blank before it.
fn remove_word(inv: &Invocation, i: usize) -> Option<Edit> {
    let s = span_of(inv, i)?;
    let start = match i.checked_sub(1).and_then(|p| span_of(inv, p)) {
        Some(prev) => prev.end,
        None => inv.name_span.map_or(s.start, |n| n.end),
    };
    Some(Edit {
        span: Span { start, end: s.end },
        text: String::new(),
    })
}

fn fixed(edits: Option<Vec<Edit>>) -> Outcome {
    match edits {
        Some(e) if !e.is_empty() => Outcome::Fixed(e),
        _ => Outcome::WarnOnly,
    }
}

fn rewrite(op: Rewrite, inv: &Invocation, key: Option<usize>, replacement: &str) -> Outcome {
    let text = |i: usize| inv.args.get(i).map(|a| a.text.as_str());
    match op {
        Rewrite::SedBsdSuffix => {
            let Some(i) = (0..inv.args.len()).find(|&i| text(i) == Some("-i")) else {
                return Outcome::NotApplicable;
            };
            if text(i + 1) == Some("") {
                return Outcome::NotApplicable;
            }
            fixed(span_of(inv, i).map(|s| {
                vec![Edit {
                    span: Span {
                        start: s.end,
                        end: s.end,
                    },
                    text: " ''".into(),
                }]
            }))
        }
        Rewrite::SedGnuSuffix => {
            let Some(i) = (0..inv.args.len()).find(|&i| text(i) == Some("-i")) else {
                return Outcome::NotApplicable;
            };
            if text(i + 1) != Some("") {
                return Outcome::NotApplicable;
            }
            fixed(remove_word(inv, i + 1).map(|e| vec![e]))
        }
        Rewrite::ReplaceFlag => {
            let Some(i) = key else {
                return Outcome::WarnOnly;
            };
            let word = &inv.args[i].text;
            let letter_swap = !word.starts_with("--")
                && word.len() > 2
                && replacement.len() == 2
                && replacement.starts_with('-')
                && !word.contains('=');
            let new = if letter_swap {
                // `-rn` → `-En`: swap the one letter inside the cluster.
                let from = ['r', 'P', 'D', 'G']
                    .into_iter()
                    .find(|c| word[1..].contains(*c));
                match from {
                    Some(c) => word.replacen(c, &replacement[1..], 1),
                    None => replacement.to_string(),
                }
            } else {
                replacement.to_string()
            };
            fixed(replace_words(inv, i, i, new).map(|e| vec![e]))
        }
        Rewrite::RemoveFlag => {
            let Some(i) = key else {
                return Outcome::WarnOnly;
            };
            let word = &inv.args[i].text;
            if word.starts_with("--") || word.len() == 2 {
                return fixed(remove_word(inv, i).map(|e| vec![e]));
            }
            // `-0r` → `-0`.
            let rest: String = word[1..].chars().filter(|&c| c != 'r').collect();
            fixed(replace_words(inv, i, i, format!("-{rest}")).map(|e| vec![e]))
        }
        Rewrite::DuDepth => {
            let Some(i) = key else {
                return Outcome::WarnOnly;
            };
            let word = &inv.args[i].text;
            if let Some((_, n)) = word.split_once('=') {
                return fixed(replace_words(inv, i, i, format!("-d {n}")).map(|e| vec![e]));
            }
            match text(i + 1) {
                Some(n) => fixed(replace_words(inv, i, i + 1, format!("-d {n}")).map(|e| vec![e])),
                None => Outcome::WarnOnly,
            }
        }
        Rewrite::GrepPcre => grep_pcre(inv, key),
        Rewrite::StatToBsd => stat_rewrite(inv, true),
        Rewrite::StatToGnu => stat_rewrite(inv, false),
        Rewrite::DateToBsd => date_to_bsd(inv),
        Rewrite::DateToGnu => date_to_gnu(inv),
        Rewrite::DateEpochToGnu => {
            let Some(i) = (0..inv.args.len()).find(|&i| text(i) == Some("-r")) else {
                return Outcome::NotApplicable;
            };
            match text(i + 1) {
                Some(n) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => {
                    fixed(replace_words(inv, i, i + 1, format!("-d @{n}")).map(|e| vec![e]))
                }
                _ => Outcome::NotApplicable,
            }
        }
        Rewrite::TailRToTac => {
            let Some(i) = (0..inv.args.len()).find(|&i| text(i) == Some("-r")) else {
                return Outcome::NotApplicable;
            };
            if inv.options.len() > 1 {
                return Outcome::WarnOnly;
            }
            let (Some(name), Some(_)) = (inv.name_span, remove_word(inv, i)) else {
                return Outcome::WarnOnly;
            };
            let mut edits = vec![Edit {
                span: name,
                text: "tac".into(),
            }];
            edits.extend(remove_word(inv, i));
            Outcome::Fixed(edits)
        }
        Rewrite::CommandReplace => {
            let Some(name) = inv.name_span.filter(|s| !s.is_empty()) else {
                return Outcome::WarnOnly;
            };
            let mut edits = vec![Edit {
                span: name,
                text: replacement.to_string(),
            }];
            // `md5 -r` → `md5sum`: the flag belonged to the old command.
            if replacement == "md5sum" {
                if let Some(i) = (0..inv.args.len()).find(|&i| text(i) == Some("-r")) {
                    edits.extend(remove_word(inv, i));
                }
            }
            Outcome::Fixed(edits)
        }
        Rewrite::PsSortToBsd => {
            let Some(i) = key else {
                return Outcome::WarnOnly;
            };
            let word = inv.args[i].text.clone();
            let (value, last) = match word.split_once('=') {
                Some((_, v)) => (v.to_string(), i),
                None => match text(i + 1) {
                    Some(v) => (v.to_string(), i + 1),
                    None => return Outcome::WarnOnly,
                },
            };
            let flag = match value.as_str() {
                "-%mem" | "-pmem" | "-rss" | "-%MEM" => "-m",
                "-%cpu" | "-pcpu" | "-%CPU" => "-r",
                _ => return Outcome::WarnOnly,
            };
            fixed(replace_words(inv, i, last, flag.into()).map(|e| vec![e]))
        }
        Rewrite::PsSortToGnu => {
            let Some(i) = (0..inv.args.len()).find(|&i| matches!(text(i), Some("-m" | "-r")))
            else {
                return Outcome::NotApplicable;
            };
            let new = if text(i) == Some("-m") {
                "--sort=-%mem"
            } else {
                "--sort=-%cpu"
            };
            fixed(replace_words(inv, i, i, new.into()).map(|e| vec![e]))
        }
    }
}

/// GNU `stat -c` format codes and their BSD `stat -f` equivalents.
const STAT_CODES: &[(&str, &str)] = &[
    ("%s", "%z"),
    ("%n", "%N"),
    ("%N", "%N"),
    ("%Y", "%m"),
    ("%X", "%a"),
    ("%Z", "%c"),
    ("%W", "%B"),
    ("%U", "%Su"),
    ("%G", "%Sg"),
    ("%u", "%u"),
    ("%g", "%g"),
    ("%a", "%Lp"),
    ("%A", "%Sp"),
    ("%y", "%Sm"),
    ("%x", "%Sa"),
    ("%z", "%Sc"),
    ("%i", "%i"),
    ("%h", "%l"),
    ("%b", "%b"),
    ("%F", "%HT"),
    ("%d", "%d"),
    ("%t", "%Hr"),
    ("%%", "%%"),
];

/// Translate a format string; `None` when a code has no equivalent.
fn translate_stat(format: &str, to_bsd: bool) -> Option<String> {
    let mut out = String::new();
    let mut rest = format;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let pairs = STAT_CODES
            .iter()
            .map(|(g, b)| if to_bsd { (*g, *b) } else { (*b, *g) });
        // Longest code first (`%Su` before `%u` in BSD formats).
        let mut best: Option<(&str, &str)> = None;
        for (from, to) in pairs {
            if tail.starts_with(from) && best.is_none_or(|(f, _)| from.len() > f.len()) {
                best = Some((from, to));
            }
        }
        let (from, to) = best?;
        out.push_str(to);
        rest = &tail[from.len()..];
    }
    out.push_str(rest);
    Some(out)
}

fn stat_rewrite(inv: &Invocation, to_bsd: bool) -> Outcome {
    let text = |i: usize| inv.args.get(i).map(|a| a.text.as_str());
    let flags: &[&str] = if to_bsd {
        &["-c", "--format", "--printf"]
    } else {
        &["-f"]
    };
    for i in 0..inv.args.len() {
        let word = text(i).unwrap_or("");
        let (fmt, last) =
            if let Some((f, v)) = word.split_once('=').filter(|(f, _)| flags.contains(f)) {
                let _ = f;
                (v.to_string(), i)
            } else if flags.contains(&word) {
                match text(i + 1) {
                    Some(v) => (v.to_string(), i + 1),
                    None => return Outcome::WarnOnly,
                }
            } else {
                continue;
            };
        if !to_bsd && !fmt.contains('%') {
            return Outcome::NotApplicable;
        }
        let Some(translated) = translate_stat(&fmt, to_bsd) else {
            return Outcome::WarnOnly;
        };
        let flag = if to_bsd { "-f" } else { "-c" };
        let new = format!("{flag} {}", quote(&translated, inv.shell));
        return fixed(replace_words(inv, i, last, new).map(|e| vec![e]));
    }
    Outcome::WarnOnly
}

/// A relative time like `3 days ago`, `-2 hours`, `yesterday`, as (signed amount, unit letter
/// for BSD `-v`).
fn parse_relative(s: &str) -> Option<Vec<(i64, char)>> {
    let s = s.trim().to_ascii_lowercase();
    match s.as_str() {
        "yesterday" => return Some(vec![(-1, 'd')]),
        "tomorrow" => return Some(vec![(1, 'd')]),
        "now" | "today" => return Some(Vec::new()),
        _ => {}
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    let mut out = Vec::new();
    let mut k = 0;
    while k < words.len() {
        let mut amount: i64 = words[k].parse().ok()?;
        let unit = words.get(k + 1)?;
        let letter = match unit.trim_end_matches('s') {
            "sec" | "second" => 'S',
            "min" | "minute" => 'M',
            "hour" => 'H',
            "day" => 'd',
            "week" => 'w',
            "month" => 'm',
            "year" => 'y',
            _ => return None,
        };
        k += 2;
        if words.get(k) == Some(&"ago") {
            amount = -amount;
            k += 1;
        }
        out.push((amount, letter));
    }
    (!out.is_empty()).then_some(out)
}

fn date_to_bsd(inv: &Invocation) -> Outcome {
    let text = |i: usize| inv.args.get(i).map(|a| a.text.as_str());
    for i in 0..inv.args.len() {
        let word = text(i).unwrap_or("");
        let (value, last) = if let Some(v) = word.strip_prefix("--date=") {
            (v.to_string(), i)
        } else if word == "-d" || word == "--date" {
            match text(i + 1) {
                Some(v) => (v.to_string(), i + 1),
                None => return Outcome::WarnOnly,
            }
        } else if let Some(v) = word.strip_prefix("-d").filter(|v| !v.is_empty()) {
            (v.to_string(), i)
        } else {
            continue;
        };
        if let Some(epoch) = value
            .strip_prefix('@')
            .filter(|e| e.chars().all(|c| c.is_ascii_digit()))
        {
            return fixed(replace_words(inv, i, last, format!("-r {epoch}")).map(|e| vec![e]));
        }
        let Some(items) = parse_relative(&value) else {
            return Outcome::WarnOnly;
        };
        let new = items
            .iter()
            .map(|(n, u)| format!("-v{}{}{u}", if *n < 0 { '-' } else { '+' }, n.abs()))
            .collect::<Vec<_>>()
            .join(" ");
        if new.is_empty() {
            // `-d now`: the option is simply dropped.
            let edit = remove_word(inv, i)
                .zip(span_of(inv, last))
                .map(|(first, end)| Edit {
                    span: Span {
                        start: first.span.start,
                        end: end.end,
                    },
                    text: String::new(),
                });
            return fixed(edit.map(|e| vec![e]));
        }
        return fixed(replace_words(inv, i, last, new).map(|e| vec![e]));
    }
    Outcome::WarnOnly
}

fn date_to_gnu(inv: &Invocation) -> Outcome {
    let text = |i: usize| inv.args.get(i).map(|a| a.text.as_str());
    let mut items: Vec<(usize, usize, String)> = Vec::new();
    let mut i = 0;
    while i < inv.args.len() {
        let word = text(i).unwrap_or("");
        let (value, last) = if word == "-v" {
            match text(i + 1) {
                Some(v) => (v.to_string(), i + 1),
                None => return Outcome::WarnOnly,
            }
        } else if let Some(v) = word.strip_prefix("-v").filter(|v| !v.is_empty()) {
            (v.to_string(), i)
        } else {
            i += 1;
            continue;
        };
        items.push((i, last, value));
        i = last + 1;
    }
    if items.is_empty() {
        return Outcome::NotApplicable;
    }
    let mut parts = Vec::new();
    for (_, _, v) in &items {
        let (sign, rest) = match v.chars().next() {
            Some('-') => (-1, &v[1..]),
            Some('+') => (1, &v[1..]),
            // `-v3d` without a sign sets a field rather than adding: no GNU equivalent.
            _ => return Outcome::WarnOnly,
        };
        let unit = rest.chars().last().unwrap_or(' ');
        let amount: i64 = rest[..rest.len().saturating_sub(1)].parse().unwrap_or(-1);
        if amount < 0 {
            return Outcome::WarnOnly;
        }
        let word = match unit {
            'S' => "second",
            'M' => "minute",
            'H' => "hour",
            'd' => "day",
            'w' => "week",
            'm' => "month",
            'y' => "year",
            _ => return Outcome::WarnOnly,
        };
        let plural = if amount == 1 { "" } else { "s" };
        parts.push(if sign < 0 {
            format!("{amount} {word}{plural} ago")
        } else {
            format!("{amount} {word}{plural}")
        });
    }
    let value = quote(&parts.join(" "), inv.shell);
    let mut edits = Vec::new();
    let (first_start, first_last, _) = &items[0];
    match replace_words(inv, *first_start, *first_last, format!("-d {value}")) {
        Some(e) => edits.push(e),
        None => return Outcome::WarnOnly,
    }
    for (start, last, _) in &items[1..] {
        let (Some(a), Some(b)) = (remove_word(inv, *start), span_of(inv, *last)) else {
            return Outcome::WarnOnly;
        };
        edits.push(Edit {
            span: Span {
                start: a.span.start,
                end: b.end,
            },
            text: String::new(),
        });
    }
    Outcome::Fixed(edits)
}

/// PCRE shorthands with a POSIX ERE equivalent.
const PCRE_CLASSES: &[(&str, &str)] = &[
    ("\\d", "[0-9]"),
    ("\\D", "[^0-9]"),
    ("\\s", "[[:space:]]"),
    ("\\S", "[^[:space:]]"),
    ("\\w", "[[:alnum:]_]"),
    ("\\W", "[^[:alnum:]_]"),
];

fn pcre_to_ere(pattern: &str) -> Option<String> {
    // Lookarounds, \K, lazy or possessive quantifiers and named groups have no ERE form.
    for unsupported in [
        "(?", "\\K", "*?", "+?", "??", "}?", "*+", "++", "\\x", "\\p", "\\h",
    ] {
        if pattern.contains(unsupported) {
            return None;
        }
    }
    let mut out = String::new();
    let mut in_class = false;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let pair = format!("\\{n}");
                match PCRE_CLASSES.iter().find(|(p, _)| *p == pair) {
                    Some(_) if in_class => return None,
                    Some((_, ere)) => out.push_str(ere),
                    None => out.push_str(&pair),
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            c => out.push(c),
        }
    }
    Some(out)
}

fn grep_pcre(inv: &Invocation, key: Option<usize>) -> Outcome {
    let Some(flag) = key else {
        return Outcome::WarnOnly;
    };
    // The pattern: the value of -e, else the first positional.
    let pattern_idx = (0..inv.args.len())
        .find(|&i| inv.args[i].text == "-e")
        .map(|i| i + 1)
        .or_else(|| inv.positionals.first().copied());
    let Some(p) = pattern_idx.filter(|&p| p < inv.args.len()) else {
        return Outcome::WarnOnly;
    };
    let Some(ere) = pcre_to_ere(&inv.args[p].text) else {
        return Outcome::WarnOnly;
    };
    let word = &inv.args[flag].text;
    let new_flag = if word.starts_with("--") {
        "-E".to_string()
    } else {
        word.replacen('P', "E", 1)
    };
    let mut edits = Vec::new();
    match replace_words(inv, flag, flag, new_flag) {
        Some(e) => edits.push(e),
        None => return Outcome::WarnOnly,
    }
    if ere != inv.args[p].text {
        match replace_words(inv, p, p, quote(&ere, inv.shell)) {
            Some(e) => edits.push(e),
            None => return Outcome::WarnOnly,
        }
    }
    Outcome::Fixed(edits)
}

/// Apply non-overlapping edits to `src`; `None` when they overlap.
pub(crate) fn apply_edits(src: &str, edits: &[Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    sorted.dedup_by(|a, b| a == b);
    let mut out = String::with_capacity(src.len() + 16);
    let mut at = 0;
    for e in sorted {
        if e.span.start < at
            || e.span.end > src.len()
            || !src.is_char_boundary(e.span.start)
            || !src.is_char_boundary(e.span.end)
        {
            return None;
        }
        out.push_str(&src[at..e.span.start]);
        out.push_str(&e.text);
        at = e.span.end;
    }
    out.push_str(&src[at..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_formats_translate_both_ways() {
        assert_eq!(translate_stat("%s %n", true).as_deref(), Some("%z %N"));
        assert_eq!(translate_stat("%z %N", false).as_deref(), Some("%s %n"));
        assert_eq!(
            translate_stat("%U:%G %a", true).as_deref(),
            Some("%Su:%Sg %Lp")
        );
        assert_eq!(translate_stat("%Su", false).as_deref(), Some("%U"));
        assert_eq!(translate_stat("%C", true), None);
    }

    #[test]
    fn relative_dates() {
        assert_eq!(parse_relative("yesterday"), Some(vec![(-1, 'd')]));
        assert_eq!(parse_relative("3 days ago"), Some(vec![(-3, 'd')]));
        assert_eq!(parse_relative("2 hours"), Some(vec![(2, 'H')]));
        assert_eq!(
            parse_relative("1 week ago 2 days ago"),
            Some(vec![(-1, 'w'), (-2, 'd')])
        );
        assert_eq!(parse_relative("last friday"), None);
    }

    #[test]
    fn pcre_translation() {
        assert_eq!(
            pcre_to_ere("\\d+\\s\\w").as_deref(),
            Some("[0-9]+[[:space:]][[:alnum:]_]")
        );
        assert_eq!(pcre_to_ere("foo(?=bar)"), None);
        assert_eq!(pcre_to_ere("[\\d]"), None);
        assert_eq!(pcre_to_ere("a.*?b"), None);
        assert_eq!(pcre_to_ere("plain|text").as_deref(), Some("plain|text"));
    }

    #[test]
    fn edits_apply_in_order_and_refuse_overlaps() {
        let e = |s, t, x: &str| Edit {
            span: Span { start: s, end: t },
            text: x.into(),
        };
        assert_eq!(
            apply_edits("sed -i s/a/b/ f", &[e(6, 6, " ''")]).as_deref(),
            Some("sed -i '' s/a/b/ f")
        );
        assert_eq!(
            apply_edits("abcdef", &[e(0, 2, "X"), e(4, 6, "Y")]).as_deref(),
            Some("XcdY")
        );
        assert_eq!(apply_edits("abcdef", &[e(0, 3, "X"), e(2, 4, "Y")]), None);
    }
}

#[cfg(test)]
mod index_tests {
    use std::collections::BTreeMap;

    use super::*;

    /// The build script's index sends each command to exactly the entries that name it.
    #[test]
    fn build_index_matches_the_entries() {
        let mut by_command: BTreeMap<&str, Vec<(u16, u8)>> = BTreeMap::new();
        let entries: Vec<Entry> = compiled::FLAVOURS
            .iter()
            .map(|&row| parse_entry(row).unwrap())
            .collect();
        for (i, entry) in entries.iter().enumerate() {
            let lacking = entry.lacking.iter().fold(0, |m, &f| m | flavour_bit(f));
            for name in entry.matcher.command_names() {
                by_command
                    .entry(name)
                    .or_default()
                    .push((u16::try_from(i).unwrap(), lacking));
            }
        }
        let built: BTreeMap<&str, Vec<(u16, u8)>> = compiled::FLAVOURS_BY_COMMAND
            .iter()
            .map(|(name, list)| (*name, list.to_vec()))
            .collect();
        assert_eq!(built, by_command);
    }
}
