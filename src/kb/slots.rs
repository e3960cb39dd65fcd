//! Slot types: which mentions a slot accepts, and how a value is rendered for a shell.
//!
//! Every value that came from the request is quoted here (through `crate::quote`), so a
//! template cannot forget to: templates only ever see rendered, inert text.

use crate::context::{Os, Shell};
use crate::nlu::{Cmp, Kind, Mention, Rel, TimeUnit, Value};
use crate::quote::{quote, quote_glob, quote_path};

/// How well a mention kind fits a slot type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fit {
    No,
    Fallback,
    Primary,
}

/// Whether leftover words (request words the recipe does not explain) may fill the slot.
pub fn takes_words(ty: &str) -> bool {
    // Not paths: a stray English word ("keeping") must never become a directory.
    matches!(
        ty,
        "name"
            | "text"
            | "pattern"
            | "words"
            | "cmd"
            | "user"
            | "group"
            | "branch"
            | "var"
            | "ident"
    )
}

/// Whether a path-like slot may take one plain word that directly follows its cue.
pub fn takes_cued_word(ty: &str) -> bool {
    matches!(ty, "path" | "dir" | "file" | "files")
}

/// Whether a words-fill takes a run of words (a phrase) rather than one word.
pub fn takes_phrase(ty: &str) -> bool {
    matches!(ty, "text" | "words" | "cmd" | "pattern")
}

pub fn fit(ty: &str, kind: Kind) -> Fit {
    use Kind::*;
    let (primary, fallback): (&[Kind], &[Kind]) = match ty {
        "path" => (&[Path, File], &[Name, Quoted, Glob]),
        // A name with an extension is a file, so it fits a directory slot only loosely.
        "dir" => (&[Path], &[File, Name, Quoted, Glob]),
        // A path without an extension is more often a directory than a file.
        "file" => (&[File], &[Path, Name, Quoted, Glob]),
        // Files to act on: one file, a path, or a pattern the shell expands.
        "files" => (&[File, Glob, Ext, Path], &[Name, Quoted]),
        "glob" => (&[Glob, Ext], &[Quoted, File, Name]),
        "ext" => (&[Ext, Glob], &[Name]),
        // A bare identifier (script, context, key): never a file or path.
        "ident" => (&[Name, Quoted], &[Ext]),
        "name" => (
            &[Name, Quoted],
            &[File, Path, Version, Host, EnvVar, Commit, Ip, UserHost],
        ),
        // Numbers and dates are searched for too ("grep 500 in access.log").
        "text" | "words" => (
            &[Quoted],
            &[
                Name, File, EnvVar, Version, Glob, Number, Date, Clock, Host, Ip, Url, Assign,
                Path, Signal,
            ],
        ),
        "pattern" => (
            &[Quoted],
            &[
                Name, EnvVar, File, Glob, Version, Host, Url, Ip, Commit, Flag, Number, Date,
                Clock, Assign, Path, Signal,
            ],
        ),
        "cmd" => (&[Path, File], &[Name, Quoted]),
        "size" => (&[Size], &[]),
        "age" | "duration" => (&[Duration], &[]),
        "date" => (&[Date], &[Clock, Quoted]),
        "clock" => (&[Clock], &[Date]),
        "number" => (&[Number], &[Port, Range]),
        "range" => (&[Range], &[]),
        "port" => (&[Port], &[Number]),
        "portmap" => (&[PortMap], &[]),
        "pid" => (&[Number], &[]),
        "url" => (&[Url], &[Host, Ip]),
        "host" => (&[Host, Ip], &[UserHost, Name]),
        "userhost" => (&[UserHost], &[Host, Ip, Name]),
        "user" | "group" => (&[Name], &[Quoted, EnvVar]),
        "mode" => (&[Mode], &[]),
        "signal" => (&[Signal], &[Flag, Number]),
        "commit" => (&[Commit], &[Name, Version]),
        "branch" => (&[Name, Path], &[Version, Quoted]),
        "version" => (&[Version], &[Name, Number]),
        "var" => (&[EnvVar], &[Name, Assign]),
        "assign" => (&[Assign], &[]),
        "flag" => (&[Flag], &[]),
        _ => (&[], &[]),
    };
    if primary.contains(&kind) {
        Fit::Primary
    } else if fallback.contains(&kind) {
        Fit::Fallback
    } else {
        Fit::No
    }
}

/// Where a rendered command goes.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    pub shell: Shell,
    pub os: Os,
}

/// Render a mention for a slot of type `ty` with format `fmt`.
pub fn render_mention(ty: &str, fmt: Option<&str>, m: &Mention, t: Target) -> Option<String> {
    let sh = t.shell;
    let text = m.text.as_str();
    match ty {
        "size" => render_size(&m.value, fmt),
        "age" | "duration" => render_duration(&m.value, fmt, t),
        "number" | "pid" | "port" => {
            let n = match m.value {
                Value::Range(a, _) => a as f64,
                _ => m.number()?,
            };
            let n = match fmt {
                Some("plus1") => n + 1.0,
                Some("minus1") => n - 1.0,
                _ => n,
            };
            Some(format_number(n))
        }
        "range" => match m.value {
            Value::Range(a, b) => Some(match fmt {
                Some("sed") | Some("comma") => format!("{a},{b}"),
                Some("start") => a.to_string(),
                Some("end") => b.to_string(),
                Some("count") => (b - a + 1).to_string(),
                Some("space") => format!("{a} {b}"),
                _ => format!("{a}-{b}"),
            }),
            _ => None,
        },
        "glob" | "ext" => render_glob(m, fmt, sh),
        "files" => match m.kind {
            Kind::Glob | Kind::Ext => render_glob(m, Some(fmt.unwrap_or("shell")), sh),
            _ => render_path(text, fmt, sh),
        },
        "path" | "dir" | "file" | "cmd" => render_path(text, fmt, sh),
        "url" => Some(match m.kind {
            Kind::Url => quote(text, sh),
            _ => quote(&format!("https://{text}"), sh),
        }),
        "host" => match &m.value {
            Value::UserHost { user, host, .. } => Some(match fmt {
                Some("user") => quote(user.as_deref()?, sh),
                _ => quote(host, sh),
            }),
            _ => Some(quote(text, sh)),
        },
        // `remote`: a scp/rsync destination, `host:` unless the value already names a path.
        "userhost" => Some(match fmt {
            Some("remote") if !text.contains(':') => format!("{}:", quote(text, sh)),
            _ => quote(text, sh),
        }),
        "mode" => match fmt {
            Some("umask") => umask_for(text),
            _ => Some(quote(text, sh)),
        },
        "signal" => {
            let s = text.trim_start_matches('-');
            let s = s.strip_prefix("SIG").unwrap_or(s);
            Some(quote(s, sh))
        }
        "var" => {
            let name = text.trim_start_matches('$').trim_matches(['{', '}']);
            if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || name.is_empty() {
                return None;
            }
            Some(match fmt {
                Some("ref") => format!("${name}"),
                _ => name.to_string(),
            })
        }
        "assign" => {
            let (name, value) = text.split_once('=')?;
            Some(format!("{name}={}", quote(value, sh)))
        }
        "clock" => render_clock(text, fmt),
        _ => Some(render_text(text, fmt, sh)),
    }
}

/// Render words taken from the request (no mention): a name, a phrase, a command.
pub fn render_words(ty: &str, fmt: Option<&str>, words: &str, t: Target) -> Option<String> {
    match ty {
        "cmd" => Some(
            words
                .split_whitespace()
                .map(|w| quote_path(w, t.shell))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        "path" | "dir" | "file" | "files" => render_path(words, fmt, t.shell),
        "var" => render_mention(
            ty,
            fmt,
            &Mention {
                kind: Kind::Name,
                text: words.to_string(),
                value: Value::Text,
                first: 0,
                last: 0,
                before: vec![],
                after: None,
            },
            t,
        ),
        _ => Some(render_text(words, fmt, t.shell)),
    }
}

fn render_text(text: &str, fmt: Option<&str>, sh: Shell) -> String {
    match fmt {
        // Formats for a value embedded in a single-quoted script the template writes
        // (`sed -i 's/{old:sed}/{new:sedrep}/g'`, `grep -E '{a:re}|{b:re}'`): escaped for the
        // tool's syntax, then for the surrounding single quotes. The value stays literal.
        Some("sq") => in_single_quotes(text, sh),
        Some("re") => in_single_quotes(&escape_chars(text, r".[]{}()*+?^$|\"), sh),
        Some("bre") => in_single_quotes(&escape_chars(text, r".[]*^$\"), sh),
        Some("sed") => in_single_quotes(&escape_chars(text, r".[]*^$\/"), sh),
        Some("sedrep") => in_single_quotes(&escape_chars(text, r"\&/"), sh),
        Some("jqstr") => in_single_quotes(&escape_chars(text, r#""\"#), sh),
        Some("jqkey") => in_single_quotes(&jq_path(text), sh),
        // Always single-quoted, even plain words: messages and patterns read better quoted.
        Some("q") => {
            let q = quote(text, sh);
            if q.starts_with('\'') {
                q
            } else {
                format!("'{q}'")
            }
        }
        Some("lower") => quote(&text.to_lowercase(), sh),
        Some("upper") => quote(&text.to_uppercase(), sh),
        _ => quote(text, sh),
    }
}

/// tar's compression letter for an archive name: `z` (gzip), `j` (bzip2), `J` (xz); with
/// `create`, `a` (choose by suffix, GNU and BSD tar) for the others; empty for plain tar.
fn tar_letter(name: &str, create: bool) -> &'static str {
    let n = name.to_ascii_lowercase();
    let n = n.trim_end_matches(['/', '\'', '"']);
    let ends = |sfx: &[&str]| sfx.iter().any(|s| n.ends_with(s));
    if ends(&[".gz", ".tgz", ".taz"]) {
        "z"
    } else if ends(&[".bz2", ".tbz", ".tbz2", ".tb2"]) {
        "j"
    } else if ends(&[".xz", ".txz"]) {
        "J"
    } else if create && ends(&[".zst", ".tzst", ".lz4", ".lzma", ".lz"]) {
        "a"
    } else {
        ""
    }
}

fn render_path(text: &str, fmt: Option<&str>, sh: Shell) -> Option<String> {
    let t = match fmt {
        Some("tarz") => return Some(tar_letter(text, false).to_string()),
        Some("tarc") => return Some(tar_letter(text, true).to_string()),
        // The prefix of the matching cat/less: zcat, xzcat, bzcat, zstdcat.
        Some("catz") => {
            let n = text.to_ascii_lowercase();
            let n = n.trim_end_matches(['\'', '"']);
            return Some(
                [
                    (".gz", "z"),
                    (".xz", "xz"),
                    (".bz2", "bz"),
                    (".zst", "zstd"),
                ]
                .iter()
                .find(|(sfx, _)| n.ends_with(sfx))
                .map_or("", |(_, p)| p)
                .to_string(),
            );
        }
        Some("dir") => {
            if text.ends_with('/') {
                text.to_string()
            } else {
                format!("{text}/")
            }
        }
        Some("bare") => {
            let s = text.trim_end_matches('/');
            if s.is_empty() {
                "/".to_string()
            } else {
                s.to_string()
            }
        }
        Some("base") => text.trim_end_matches('/').rsplit('/').next()?.to_string(),
        Some("stem") => {
            let base = text.trim_end_matches('/').rsplit('/').next()?;
            match base.rsplit_once('.') {
                Some((stem, _)) if !stem.is_empty() => stem.to_string(),
                _ => base.to_string(),
            }
        }
        Some("parent") => {
            let s = text.trim_end_matches('/');
            match s.rsplit_once('/') {
                Some(("", _)) => "/".to_string(),
                Some((p, _)) => p.to_string(),
                None => ".".to_string(),
            }
        }
        Some("ext") => text.rsplit_once('.').map(|(_, e)| e.to_string())?,
        // The path without its extension, directory kept: a sibling output file
        // (`clips/a.mov` -> `clips/a`, then `.mp4` in the template).
        Some("noext") => {
            let base_start = text.rfind('/').map_or(0, |i| i + 1);
            match text[base_start..].rfind('.') {
                Some(dot) if dot > 0 => text[..base_start + dot].to_string(),
                _ => text.to_string(),
            }
        }
        _ => text.to_string(),
    };
    Some(quote_path(&t, sh))
}

fn exts_of(m: &Mention) -> Vec<String> {
    match &m.value {
        Value::Ext(e) => e.clone(),
        _ => Vec::new(),
    }
}

/// The glob for a mention: `*.log` for a file type, the pattern itself otherwise.
fn glob_patterns(m: &Mention) -> Vec<String> {
    let exts = exts_of(m);
    if !exts.is_empty() {
        return exts.iter().map(|e| format!("*.{e}")).collect();
    }
    vec![m.text.clone()]
}

fn render_glob(m: &Mention, fmt: Option<&str>, sh: Shell) -> Option<String> {
    let pats = glob_patterns(m);
    let one = |op: &str| -> String {
        if pats.len() == 1 {
            format!("-{op} {}", quote(&pats[0], sh))
        } else {
            let parts: Vec<String> = pats
                .iter()
                .map(|p| format!("-{op} {}", quote(p, sh)))
                .collect();
            format!("\\( {} \\)", parts.join(" -o "))
        }
    };
    Some(match fmt {
        Some("find") => one("name"),
        Some("ifind") => one("iname"),
        Some("include") => pats
            .iter()
            .map(|p| format!("--include={}", force_quote(p, sh)))
            .collect::<Vec<_>>()
            .join(" "),
        Some("exclude") => pats
            .iter()
            .map(|p| format!("--exclude={}", force_quote(p, sh)))
            .collect::<Vec<_>>()
            .join(" "),
        Some("shell") => pats
            .iter()
            .map(|p| quote_glob(p, sh))
            .collect::<Vec<_>>()
            .join(" "),
        Some("ext") => {
            let e = exts_of(m);
            let ext = match e.first() {
                Some(x) => x.clone(),
                None => m
                    .text
                    .trim_start_matches("*.")
                    .trim_start_matches('.')
                    .to_string(),
            };
            // Printed bare (templates put it inside globs and quoted strings), so only
            // plain extension characters are acceptable.
            if ext.is_empty()
                || !ext
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-'))
            {
                return None;
            }
            ext
        }
        Some("regex") => {
            // `*.log` → `\.log$` for tools that take regexes (rg -g is a glob, but grep -E).
            let e = exts_of(m);
            match e.as_slice() {
                [one] => format!("'\\.{one}$'"),
                [] => quote(&m.text, sh),
                many => format!("'\\.({})$'", many.join("|")),
            }
        }
        _ => pats
            .iter()
            .map(|p| quote(p, sh))
            .collect::<Vec<_>>()
            .join(" "),
    })
}

/// A jq path after the leading dot: `name`, `a.b`, or `["odd key"]` for keys that are not
/// identifiers.
fn jq_path(key: &str) -> String {
    let ident = |k: &str| {
        k.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let key = key.trim_start_matches('.');
    if !key.is_empty() && key.split('.').all(ident) {
        key.to_string()
    } else {
        format!("[\"{}\"]", escape_chars(key, r#""\"#))
    }
}

/// The umask that makes new files come out with octal mode `mode` ("640" → "027"):
/// directories get execute wherever files get read, and the umask removes the rest.
fn umask_for(mode: &str) -> Option<String> {
    let digits = format!("{:0>3}", mode.trim_start_matches('0'));
    if digits.len() != 3 || !digits.chars().all(|c| ('0'..='7').contains(&c)) {
        return None;
    }
    digits
        .chars()
        .map(|c| {
            let d = c.to_digit(8)?;
            let with_x = if d & 4 != 0 { d | 1 } else { d };
            char::from_digit(7 - with_x, 8)
        })
        .collect()
}

/// Backslash-escape every character of `text` found in `special`.
fn escape_chars(text: &str, special: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    for c in text.chars() {
        if special.contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The body of a single-quoted word (without the quotes) that reads back as `text`.
fn in_single_quotes(text: &str, sh: Shell) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    for c in text.chars() {
        match (c, sh) {
            ('\'', Shell::Fish) => out.push_str("\\'"),
            ('\\', Shell::Fish) => out.push_str("\\\\"),
            ('\'', _) => out.push_str("'\\''"),
            (c, _) => out.push(c),
        }
    }
    out
}

/// Quote even when no quoting is needed (`--include='*.py'` must stay quoted in every shell).
fn force_quote(s: &str, sh: Shell) -> String {
    let q = quote(s, sh);
    if q.starts_with('\'') {
        q
    } else {
        format!("'{q}'")
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// find's `-size`: `+N` means "more than N units" with N rounded up, so "over 1.5G" is
/// `+1536M`; "under N" needs bytes (`-size -1k` would mean "empty").
fn render_size(v: &Value, fmt: Option<&str>) -> Option<String> {
    let Value::Size { bytes, cmp } = *v else {
        return None;
    };
    let largest_exact = |b: u64| -> String {
        for (div, suffix) in [
            (1u64 << 40, "T"),
            (1 << 30, "G"),
            (1 << 20, "M"),
            (1 << 10, "k"),
        ] {
            if b >= div && b % div == 0 {
                return format!("{}{suffix}", b / div);
            }
        }
        format!("{b}c")
    };
    Some(match fmt {
        Some("bytes") => bytes.to_string(),
        Some("human") => largest_exact(bytes).trim_end_matches('c').replace('k', "K"),
        Some("k") => (bytes / 1024).to_string(),
        // Zero bytes: "zero byte files" are empty ones (nothing is smaller).
        _ if bytes == 0 && cmp != Cmp::Gt => "0c".to_string(),
        _ => match cmp {
            Cmp::Lt => format!("-{bytes}c"),
            Cmp::Eq => largest_exact(bytes),
            Cmp::Gt | Cmp::Unspecified => format!("+{}", largest_exact(bytes)),
        },
    })
}

fn unit_letter(u: TimeUnit) -> &'static str {
    match u {
        TimeUnit::Second => "s",
        TimeUnit::Minute => "m",
        TimeUnit::Hour => "h",
        TimeUnit::Day => "d",
        TimeUnit::Week => "w",
        TimeUnit::Month => "m",
        TimeUnit::Year => "y",
    }
}

fn render_duration(v: &Value, fmt: Option<&str>, t: Target) -> Option<String> {
    let sh = t.shell;
    if let Value::Day(d) = *v {
        return Some(match fmt {
            Some("find") => match d {
                0 => "-mtime 0".into(),
                -1 => "-mtime 1".into(),
                _ => return None,
            },
            Some("find_within") => format!("-mtime -{}", (-d + 1).max(1)),
            Some("git") | Some("since") => quote(day_word(d), sh),
            Some("gnudate") => quote(day_word(d), sh),
            Some("bsddate") => format!("-v{}{}d", if d < 0 { "-" } else { "+" }, d.abs()),
            Some("days") => d.abs().to_string(),
            _ => quote(day_word(d), sh),
        });
    }
    let Value::Duration { amount, unit, rel } = *v else {
        return None;
    };
    let secs = amount * unit.seconds() as f64;
    let whole = |x: f64| format_number(x.round());
    let phrase = || {
        let n = format_number(amount);
        let plural = if amount == 1.0 { "" } else { "s" };
        format!("{n} {}{plural}", unit.name())
    };
    Some(match fmt {
        Some("find") => {
            // Minutes for anything under a day or not a whole number of days.
            let older = matches!(rel, Rel::Older | Rel::Ago);
            let sign = if older { "+" } else { "-" };
            if secs < 86_400.0 || (secs % 86_400.0) != 0.0 {
                format!("-mmin {sign}{}", whole(secs / 60.0))
            } else {
                format!("-mtime {sign}{}", whole(secs / 86_400.0))
            }
        }
        Some("git") | Some("since") => quote(&format!("{} ago", phrase()), sh),
        Some("gnudate") => quote(&format!("{} ago", phrase()), sh),
        Some("gnudate_ahead") => quote(&phrase(), sh),
        Some("bsddate") => {
            let letter = match unit {
                TimeUnit::Second => "S",
                TimeUnit::Minute => "M",
                TimeUnit::Hour => "H",
                TimeUnit::Day => "d",
                TimeUnit::Week => "w",
                TimeUnit::Month => "m",
                TimeUnit::Year => "y",
            };
            format!("-v-{}{letter}", format_number(amount))
        }
        Some("bsddate_ahead") => format!(
            "-v+{}{}",
            format_number(amount),
            match unit {
                TimeUnit::Second => "S",
                TimeUnit::Minute => "M",
                TimeUnit::Hour => "H",
                TimeUnit::Day => "d",
                TimeUnit::Week => "w",
                TimeUnit::Month => "m",
                TimeUnit::Year => "y",
            }
        ),
        Some("seconds") => whole(secs),
        Some("minutes") => whole(secs / 60.0),
        Some("hours") => whole(secs / 3600.0),
        Some("days") => whole(secs / 86_400.0),
        Some("human") => phrase(),
        Some("systemd") => quote(&format!("{} ago", phrase()), sh),
        _ => {
            // Compact form understood by timeout, sleep (GNU), docker, journalctl: 30s, 5m, 2h.
            if unit == TimeUnit::Month || unit == TimeUnit::Week || unit == TimeUnit::Year {
                format!("{}d", whole(secs / 86_400.0))
            } else {
                format!("{}{}", format_number(amount), unit_letter(unit))
            }
        }
    })
}

fn day_word(d: i64) -> &'static str {
    match d {
        0 => "today",
        -1 => "yesterday",
        1 => "tomorrow",
        _ => "today",
    }
}

/// `2:30am` → cron fields `30 2`, or hours/minutes alone.
fn render_clock(text: &str, fmt: Option<&str>) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let (body, pm, am) = if let Some(b) = lower.strip_suffix("pm") {
        (b, true, false)
    } else if let Some(b) = lower.strip_suffix("am") {
        (b, false, true)
    } else {
        (lower.as_str(), false, false)
    };
    let mut parts = body.split(':');
    let mut h: u32 = parts.next()?.trim().parse().ok()?;
    let m: u32 = parts.next().map(|x| x.parse().ok()).unwrap_or(Some(0))?;
    if pm && h < 12 {
        h += 12;
    }
    if am && h == 12 {
        h = 0;
    }
    if h > 23 || m > 59 {
        return None;
    }
    Some(match fmt {
        Some("cron") => format!("{m} {h}"),
        Some("hour") => h.to_string(),
        Some("minute") => m.to_string(),
        Some("hms") => format!("{h:02}:{m:02}:00"),
        _ => format!("{h:02}:{m:02}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention(kind: Kind, text: &str, value: Value) -> Mention {
        Mention {
            kind,
            text: text.into(),
            value,
            first: 0,
            last: 0,
            before: vec![],
            after: None,
        }
    }

    const T: Target = Target {
        shell: Shell::Bash,
        os: Os::Linux,
    };

    #[test]
    fn remote_destinations_get_one_colon() {
        let m = |t: &str| mention(Kind::UserHost, t, Value::Text);
        let r = |t: &str| render_mention("userhost", Some("remote"), &m(t), T).unwrap();
        assert_eq!(r("deploy@web1"), "deploy@web1:");
        assert_eq!(r("deploy@web1:/srv/www"), "deploy@web1:/srv/www");
        assert_eq!(
            render_mention("userhost", None, &m("deploy@web1"), T).unwrap(),
            "deploy@web1"
        );
    }

    #[test]
    fn path_without_extension_keeps_directory() {
        let p = |t: &str| render_path(t, Some("noext"), Shell::Bash).unwrap();
        assert_eq!(p("clips/talk.mov"), "clips/talk");
        assert_eq!(p("talk.tar.gz"), "talk.tar");
        assert_eq!(p("v1.2/clip"), "v1.2/clip");
        assert_eq!(p(".bashrc"), ".bashrc");
        assert_eq!(p("my clip.mov"), "'my clip'");
    }

    #[test]
    fn sizes_for_find() {
        let s = |bytes, cmp| render_size(&Value::Size { bytes, cmp }, Some("find")).unwrap();
        assert_eq!(s(50 << 20, Cmp::Gt), "+50M");
        assert_eq!(s(1536 << 20, Cmp::Gt), "+1536M");
        assert_eq!(s(1 << 30, Cmp::Unspecified), "+1G");
        assert_eq!(s(1024, Cmp::Lt), "-1024c");
        assert_eq!(s(1500, Cmp::Gt), "+1500c");
        assert_eq!(s(0, Cmp::Unspecified), "0c");
        assert_eq!(s(0, Cmp::Gt), "+0c");
    }

    #[test]
    fn durations() {
        let d = |amount, unit, rel, fmt| {
            render_duration(&Value::Duration { amount, unit, rel }, Some(fmt), T).unwrap()
        };
        assert_eq!(d(24.0, TimeUnit::Hour, Rel::Within, "find"), "-mtime -1");
        assert_eq!(d(90.0, TimeUnit::Minute, Rel::Within, "find"), "-mmin -90");
        assert_eq!(d(30.0, TimeUnit::Day, Rel::Older, "find"), "-mtime +30");
        assert_eq!(d(2.0, TimeUnit::Week, Rel::Within, "git"), "'2 weeks ago'");
        assert_eq!(d(45.0, TimeUnit::Day, Rel::Ago, "bsddate"), "-v-45d");
        assert_eq!(d(2.0, TimeUnit::Hour, Rel::For, "seconds"), "7200");
        assert_eq!(d(30.0, TimeUnit::Second, Rel::Limit, "x"), "30s");
    }

    #[test]
    fn globs() {
        let m = mention(Kind::Ext, "python", Value::Ext(vec!["py".into()]));
        assert_eq!(
            render_glob(&m, Some("find"), Shell::Bash).unwrap(),
            "-name '*.py'"
        );
        assert_eq!(
            render_glob(&m, Some("include"), Shell::Bash).unwrap(),
            "--include='*.py'"
        );
        assert_eq!(render_glob(&m, None, Shell::Bash).unwrap(), "'*.py'");
        assert_eq!(render_glob(&m, Some("shell"), Shell::Bash).unwrap(), "*.py");
        assert_eq!(render_glob(&m, Some("ext"), Shell::Bash).unwrap(), "py");
        let dotted = mention(Kind::File, ".md", Value::Text);
        assert_eq!(
            render_glob(&dotted, Some("ext"), Shell::Bash).unwrap(),
            "md"
        );
        // A bare extension is printed unquoted, so anything else is refused.
        let hostile = mention(Kind::Quoted, "md; rm -rf ~", Value::Text);
        assert_eq!(render_glob(&hostile, Some("ext"), Shell::Bash), None);
        let m = mention(
            Kind::Ext,
            "images",
            Value::Ext(vec!["jpg".into(), "png".into()]),
        );
        assert_eq!(
            render_glob(&m, Some("find"), Shell::Bash).unwrap(),
            "\\( -name '*.jpg' -o -name '*.png' \\)"
        );
    }

    #[test]
    fn clocks() {
        assert_eq!(
            render_clock("2:30am", Some("cron")).as_deref(),
            Some("30 2")
        );
        assert_eq!(render_clock("3pm", Some("cron")).as_deref(), Some("0 15"));
        assert_eq!(render_clock("12am", None).as_deref(), Some("00:00"));
        assert_eq!(render_clock("25:00", None), None);
    }

    #[test]
    fn umask_from_the_mode_new_files_should_get() {
        let r = |mode: &str| {
            render_mention(
                "mode",
                Some("umask"),
                &mention(Kind::Mode, mode, Value::Text),
                T,
            )
        };
        assert_eq!(r("640").as_deref(), Some("027"));
        assert_eq!(r("644").as_deref(), Some("022"));
        assert_eq!(r("0600").as_deref(), Some("077"));
        assert_eq!(r("664").as_deref(), Some("002"));
        assert_eq!(r("750").as_deref(), Some("027"));
        assert_eq!(r("u+x"), None);
        assert_eq!(r("999"), None);
    }

    #[test]
    fn tar_compression_follows_the_archive_name() {
        let r = |name: &str, fmt: &str| {
            render_mention(
                "file",
                Some(fmt),
                &mention(Kind::File, name, Value::Text),
                T,
            )
            .unwrap()
        };
        assert_eq!(r("site.tar.gz", "tarz"), "z");
        assert_eq!(r("site.tgz", "tarz"), "z");
        assert_eq!(r("notes.tar.bz2", "tarz"), "j");
        assert_eq!(r("logs.TAR.XZ", "tarz"), "J");
        assert_eq!(r("plain.tar", "tarz"), "");
        // zstd: auto-compress when creating; both tars detect it when extracting.
        assert_eq!(r("db.tar.zst", "tarc"), "a");
        assert_eq!(r("db.tar.zst", "tarz"), "");
        assert_eq!(r("syslog.2.gz", "catz"), "z");
        assert_eq!(r("dump.sql.xz", "catz"), "xz");
    }

    #[test]
    fn values_embedded_in_quoted_scripts_stay_literal() {
        let m = |text: &str| mention(Kind::Quoted, text, Value::Text);
        let r = |text: &str, fmt: &str, shell: Shell| {
            let t = Target {
                shell,
                os: Os::Linux,
            };
            render_mention("pattern", Some(fmt), &m(text), t).unwrap()
        };
        assert_eq!(r("http://", "sed", Shell::Bash), "http:\\/\\/");
        assert_eq!(r("a.b*c", "sed", Shell::Bash), "a\\.b\\*c");
        assert_eq!(r("R&D/x", "sedrep", Shell::Bash), "R\\&D\\/x");
        assert_eq!(r("warn|x", "re", Shell::Bash), "warn\\|x");
        assert_eq!(r("it's", "sq", Shell::Bash), "it'\\''s");
        assert_eq!(r("it's", "sq", Shell::Fish), "it\\'s");
        // A backslash the tool needs survives fish's single quotes.
        assert_eq!(r("1.5", "re", Shell::Fish), "1\\\\.5");
        assert_eq!(r("say \"hi\"", "jqstr", Shell::Zsh), "say \\\"hi\\\"");
        assert_eq!(r("name", "jqkey", Shell::Bash), "name");
        assert_eq!(r(".scripts.build", "jqkey", Shell::Bash), "scripts.build");
        assert_eq!(r("dev-deps", "jqkey", Shell::Bash), "[\"dev-deps\"]");
        // Nothing a value holds can end the quoted script early.
        assert_eq!(
            r("'; rm -rf ~; '", "sq", Shell::Bash),
            "'\\''; rm -rf ~; '\\''"
        );
    }

    #[test]
    fn request_text_is_quoted() {
        let m = mention(Kind::Quoted, "$(rm -rf ~)", Value::Text);
        assert_eq!(
            render_mention("pattern", None, &m, T).unwrap(),
            "'$(rm -rf ~)'"
        );
        let m = mention(Kind::Path, "~/My Docs", Value::Text);
        assert_eq!(render_mention("dir", None, &m, T).unwrap(), "~/'My Docs'");
        assert_eq!(
            render_words("cmd", None, "npm start", T).unwrap(),
            "npm start"
        );
        assert_eq!(
            render_words("text", Some("q"), "build finished", T).unwrap(),
            "'build finished'"
        );
        assert_eq!(
            render_words("text", Some("q"), "done", T).unwrap(),
            "'done'"
        );
    }
}
