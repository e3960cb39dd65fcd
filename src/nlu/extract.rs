//! Recognisers that turn tokens into typed [`Mention`]s.
//!
//! They run left to right; at each token the first recogniser that matches claims one or
//! more tokens. Order matters: a URL is checked before a path, a size (`50mb`) before a
//! number, a quoted string before everything.

use super::lexer::Token;
use super::lexicon::Lexicon;
use super::mention::{Cmp, Kind, Mention, Rel, TimeUnit, Value};
use super::shapes;

/// Top-level domains that mark a host name (rather than a file with that extension).
const TLDS: &[&str] = &[
    "com",
    "org",
    "net",
    "io",
    "dev",
    "co",
    "uk",
    "de",
    "fr",
    "nl",
    "eu",
    "us",
    "ca",
    "au",
    "jp",
    "internal",
    "local",
    "lan",
    "example",
    "app",
    "ai",
    "me",
    "info",
    "edu",
    "gov",
    "cloud",
    "test",
    "localhost",
    "corp",
    "home",
    "site",
    "tech",
    "xyz",
    "ly",
    "gg",
    "tv",
    "us",
    "ru",
];

/// Extensions that mark a file even though they look like a TLD (`notes.sh`, `x.py`).
const FILE_EXTS: &[&str] = &[
    "txt",
    "log",
    "md",
    "csv",
    "tsv",
    "json",
    "yaml",
    "yml",
    "toml",
    "xml",
    "html",
    "htm",
    "css",
    "js",
    "jsx",
    "ts",
    "tsx",
    "py",
    "rb",
    "rs",
    "go",
    "c",
    "h",
    "cc",
    "cpp",
    "hpp",
    "java",
    "kt",
    "swift",
    "sh",
    "bash",
    "zsh",
    "fish",
    "pl",
    "php",
    "sql",
    "db",
    "sqlite",
    "dump",
    "bak",
    "tmp",
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "odt",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "svg",
    "webp",
    "bmp",
    "tif",
    "tiff",
    "heic",
    "ico",
    "mp3",
    "mp4",
    "mkv",
    "mov",
    "avi",
    "wav",
    "flac",
    "ogg",
    "m4a",
    "webm",
    "zip",
    "tar",
    "gz",
    "tgz",
    "bz2",
    "xz",
    "zst",
    "7z",
    "rar",
    "iso",
    "img",
    "dmg",
    "pkg",
    "deb",
    "rpm",
    "apk",
    "exe",
    "bin",
    "so",
    "dylib",
    "o",
    "a",
    "lock",
    "env",
    "ini",
    "cfg",
    "conf",
    "crt",
    "pem",
    "key",
    "pub",
    "csr",
    "p12",
    "gpg",
    "asc",
    "sig",
    "vim",
    "lua",
    "r",
    "jl",
    "ex",
    "exs",
    "erl",
    "hs",
    "ml",
    "scala",
    "clj",
    "dart",
    "vue",
    "svelte",
    "ipynb",
    "parquet",
    "avro",
    "proto",
    "tf",
    "tfvars",
    "hcl",
    "plist",
    "service",
    "socket",
    "timer",
    "patch",
    "diff",
    "orig",
    "rej",
    "swp",
    "pyc",
    "class",
    "jar",
    "war",
    "wasm",
    "gz",
    "whl",
    "gem",
    "mod",
    "sum",
    "out",
    "err",
    "pid",
    "sock",
    "rst",
    "tex",
    "bib",
    "epub",
    "mobi",
    "ttf",
    "otf",
    "woff",
    "woff2",
    "mjs",
    "cjs",
    "gradle",
    "properties",
    "sbt",
    "cmake",
    "mk",
    "in",
    "ps1",
    "bat",
    "cmd",
    "rtf",
    "ics",
    "vcf",
    "eml",
    "mbox",
    "srt",
    "vtt",
    "ass",
    "cue",
    "m3u",
    "m3u8",
    "torrent",
];

/// Extension-less file names people refer to by name.
const BARE_FILES: &[&str] = &[
    "Makefile",
    "Dockerfile",
    "Containerfile",
    "Vagrantfile",
    "Procfile",
    "Gemfile",
    "Rakefile",
    "Jenkinsfile",
    "Brewfile",
    "Justfile",
    "justfile",
    "README",
    "LICENSE",
    "CHANGELOG",
    "AUTHORS",
    "CODEOWNERS",
    "SHA256SUMS",
    "SHA1SUMS",
    "MD5SUMS",
    "go.mod",
    "go.sum",
    "Cargo.toml",
    "Cargo.lock",
    "makefile",
    "authorized_keys",
    "known_hosts",
    "hosts",
    "syslog",
    "fstab",
    "passwd",
    "shadow",
    "sudoers",
    "crontab",
    "resolv.conf",
];

/// Words after which an unknown token is a name of that kind ("pod web-0", "branch main").
pub const KIND_WORDS: &[&str] = &[
    "pod",
    "pods",
    "namespace",
    "ns",
    "container",
    "containers",
    "branch",
    "branches",
    "database",
    "db",
    "table",
    "tables",
    "user",
    "username",
    "group",
    "package",
    "packages",
    "service",
    "services",
    "deployment",
    "deploy",
    "image",
    "images",
    "bucket",
    "volume",
    "session",
    "tag",
    "remote",
    "secret",
    "called",
    "named",
    "name",
    "alias",
    "function",
    "abbreviation",
    "abbr",
    "variable",
    "var",
    "host",
    "hostname",
    "server",
    "machine",
    "repo",
    "repository",
    "app",
    "job",
    "cluster",
    "context",
    "topic",
    "queue",
    "index",
    "schema",
    "role",
    "profile",
    "network",
    "interface",
    "disk",
    "drive",
    "window",
    "key",
    "formula",
    "cask",
    "crate",
    "module",
    "gem",
    "library",
    "lib",
    "program",
    "process",
    "command",
    "cmd",
    "daemon",
    "unit",
    "timer",
    "vm",
    "node",
    "project",
    "folder",
    "dir",
    "directory",
    "file",
    "author",
    "by",
    "statefulset",
    "daemonset",
    "configmap",
    "cronjob",
    "replicaset",
    "ingress",
    "svc",
    "model",
    "stash",
    "worktree",
    "submodule",
    "keychain",
    "label",
    "field",
    "column",
    "key",
    "property",
    "setting",
    "env",
    "environment",
    "port",
    "device",
    "account",
    "org",
    "team",
    "channel",
    "release",
    "chart",
    "pipeline",
    "workflow",
    "target",
    "task",
    "account",
];

fn lower(s: &str) -> String {
    s.to_lowercase()
}

/// Words that are skipped when collecting a mention's `before` cues.
fn is_article(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "a"
            | "an"
            | "my"
            | "our"
            | "your"
            | "its"
            | "their"
            | "some"
            | "all"
            | "every"
            | "each"
            | "any"
    )
}

/// Words that can precede a number to give it a unit elsewhere ("port 80", "pid 42").
fn unit_of_word(w: &str) -> Option<TimeUnit> {
    Some(match w {
        "s" | "sec" | "secs" | "second" | "seconds" => TimeUnit::Second,
        "m" | "min" | "mins" | "minute" | "minutes" => TimeUnit::Minute,
        "h" | "hr" | "hrs" | "hour" | "hours" => TimeUnit::Hour,
        "d" | "day" | "days" => TimeUnit::Day,
        "w" | "wk" | "wks" | "week" | "weeks" | "fortnight" => TimeUnit::Week,
        "mo" | "month" | "months" => TimeUnit::Month,
        "y" | "yr" | "yrs" | "year" | "years" => TimeUnit::Year,
        _ => return None,
    })
}

fn size_multiplier(unit: &str) -> Option<u64> {
    let u = unit.to_ascii_lowercase();
    Some(match u.as_str() {
        "b" | "byte" | "bytes" => 1,
        "k" | "kb" | "kib" | "kilobyte" | "kilobytes" | "ki" => 1 << 10,
        "m" | "mb" | "mib" | "meg" | "megs" | "megabyte" | "megabytes" | "mi" => 1 << 20,
        "g" | "gb" | "gib" | "gig" | "gigs" | "gigabyte" | "gigabytes" | "gi" => 1 << 30,
        "t" | "tb" | "tib" | "terabyte" | "terabytes" | "ti" => 1 << 40,
        _ => return None,
    })
}

/// Size words that are unambiguous on their own (a bare `m` after a number is not).
fn is_size_unit_word(w: &str) -> bool {
    size_multiplier(w).is_some() && w.len() > 1
}

/// Everything the recognisers need to look at.
pub struct Scanner<'a> {
    pub tokens: &'a [Token],
    pub lower: Vec<String>,
    pub lexicon: &'a Lexicon<'a>,
    /// Whether the request talks about permissions (then `640` is a mode, not a number).
    pub permission_context: bool,
}

impl<'a> Scanner<'a> {
    pub fn new(tokens: &'a [Token], lexicon: &'a Lexicon<'a>) -> Scanner<'a> {
        let lower: Vec<String> = tokens.iter().map(|t| lower(&t.text)).collect();
        let permission_context = lower.iter().any(|w| {
            matches!(
                w.as_str(),
                "chmod"
                    | "umask"
                    | "permission"
                    | "permissions"
                    | "perms"
                    | "perm"
                    | "mode"
                    | "octal"
                    | "readable"
                    | "writable"
                    | "writeable"
                    | "executable"
                    | "rwx"
            )
        });
        Scanner {
            tokens,
            lower,
            lexicon,
            permission_context,
        }
    }

    fn word(&self, i: usize) -> Option<&str> {
        self.lower.get(i).map(String::as_str)
    }

    fn unquoted(&self, i: usize) -> bool {
        self.tokens.get(i).is_some_and(|t| !t.is_quoted())
    }

    /// Lower-case words before token `i`, nearest first, articles skipped.
    fn before(&self, i: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut j = i;
        while j > 0 && out.len() < 4 {
            j -= 1;
            let w = &self.lower[j];
            if is_article(w) {
                continue;
            }
            out.push(w.clone());
        }
        out
    }

    fn number_at(&self, i: usize) -> Option<f64> {
        let w = self.word(i)?;
        if !self.unquoted(i) {
            return None;
        }
        if shapes::is_number(w) {
            return w.parse().ok();
        }
        if let Some(n) = shapes::ordinal(w) {
            return n.parse().ok();
        }
        self.lexicon.numbers.get(w).map(|&n| n as f64)
    }

    pub(crate) fn make(&self, kind: Kind, first: usize, last: usize, value: Value) -> Mention {
        let text = if first == last {
            self.tokens[first].text.clone()
        } else {
            self.tokens[first..=last]
                .iter()
                .map(|t| t.text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        Mention {
            kind,
            text,
            value,
            first,
            last,
            before: self.before(first),
            after: self.lower.get(last + 1).cloned(),
        }
    }

    fn size_cmp(&self, i: usize) -> Cmp {
        let before = self.before(i);
        for w in before.iter().take(3) {
            match w.as_str() {
                "bigger" | "larger" | "greater" | "over" | "above" | "exceeding" | "exceed"
                | "exceeds" | ">" | "more" | "least" | "min" | "minimum" | "heavier" | "+" => {
                    return Cmp::Gt
                }
                "smaller" | "less" | "under" | "below" | "<" | "most" | "max" | "maximum"
                | "lighter" | "tinier" => return Cmp::Lt,
                "exactly" | "equal" | "=" => return Cmp::Eq,
                _ => {}
            }
        }
        Cmp::Unspecified
    }

    fn duration_rel(&self, first: usize, last: usize) -> Rel {
        let after = self.word(last + 1).unwrap_or("");
        let after2 = self.word(last + 2).unwrap_or("");
        if after == "ago" || after == "back" {
            return Rel::Ago;
        }
        if after == "old" || (after == "or" && after2 == "older") || after == "older" {
            let before = self.before(first);
            if before
                .iter()
                .take(3)
                .any(|w| w == "less" || w == "under" || w == "younger")
            {
                return Rel::Within;
            }
            return Rel::Older;
        }
        let before = self.before(first);
        // "untouched for more than 10 days": an age word anywhere in reach beats "for".
        let older = |w: &str| {
            matches!(
                w,
                "older"
                    | "before"
                    | "earlier"
                    | "prior"
                    | "stale"
                    | "untouched"
                    | "unmodified"
                    | "unused"
                    | "unchanged"
                    | "unaccessed"
                    | "inactive"
            )
        };
        if before.iter().take(4).any(|w| older(w)) {
            return Rel::Older;
        }
        for w in before.iter().take(4) {
            match w.as_str() {
                w if older(w) => return Rel::Older,
                "last" | "past" | "within" | "since" | "newer" | "recent" | "latest"
                | "previous" | "recently" | "younger" | "fresher" => return Rel::Within,
                "every" | "each" | "interval" => return Rel::Every,
                "for" | "during" => return Rel::For,
                "after" | "longer" | "timeout" | "exceeds" | "takes" | "limit" | "max" => {
                    return Rel::Limit
                }
                _ => {}
            }
        }
        Rel::Unspecified
    }

    /// Try every recogniser at token `i`; returns the mention and how many tokens it used.
    pub fn at(&self, i: usize, known_word: &dyn Fn(&str) -> bool) -> Option<Mention> {
        let tok = &self.tokens[i];
        let text = tok.text.as_str();
        let w = self.lower[i].as_str();

        if tok.is_quoted() {
            // A quoted path or glob keeps its meaning; anything else is a quoted string.
            let kind = if text.contains('*') && !text.contains(' ') {
                Kind::Glob
            } else {
                Kind::Quoted
            };
            return Some(self.make(kind, i, i, Value::Text));
        }
        if shapes::is_url(text) {
            return Some(self.make(Kind::Url, i, i, Value::Text));
        }
        if shapes::is_assignment(text) {
            return Some(self.make(Kind::Assign, i, i, Value::Text));
        }
        if let Some((user, host, path)) = shapes::user_host(text) {
            let value = Value::UserHost {
                user: Some(user.to_string()),
                host: host.to_string(),
                path: path.map(str::to_string),
            };
            return Some(self.make(Kind::UserHost, i, i, value));
        }
        if let Some((addr, _port)) = shapes::ipv4(text) {
            let value = Value::UserHost {
                user: None,
                host: addr.to_string(),
                path: None,
            };
            return Some(self.make(Kind::Ip, i, i, value));
        }
        if shapes::is_date(text) {
            // "2024-06-01 15:00" is one date-time.
            if self.word(i + 1).is_some_and(shapes::is_clock) {
                return Some(self.make(Kind::Date, i, i + 1, Value::Text));
            }
            return Some(self.make(Kind::Date, i, i, Value::Text));
        }
        if shapes::is_clock(w) {
            return Some(self.make(Kind::Clock, i, i, Value::Text));
        }
        if let Some(m) = self.size(i) {
            return Some(m);
        }
        if let Some(m) = self.duration(i) {
            return Some(m);
        }
        if let Some((a, b)) = shapes::range(text) {
            return Some(self.make(Kind::Range, i, i, Value::Range(a, b)));
        }
        if shapes::is_port_map(text) {
            return Some(self.make(Kind::PortMap, i, i, Value::Text));
        }
        if let Some(p) = shapes::colon_port(text) {
            let n: f64 = p.parse().unwrap_or(0.0);
            let mut m = self.make(Kind::Port, i, i, Value::Number(n));
            m.text = p.to_string();
            return Some(m);
        }
        // `-r` is a flag unless the request is about permissions (`chmod -w`).
        if shapes::is_symbolic_mode(text) && (!text.starts_with('-') || self.permission_context) {
            return Some(self.make(Kind::Mode, i, i, Value::Text));
        }
        if shapes::is_octal_mode(text) && self.permission_context {
            return Some(self.make(Kind::Mode, i, i, Value::Text));
        }
        if shapes::is_kill_option(text)
            && matches!(
                self.word(i.wrapping_sub(1)),
                Some("kill" | "pkill" | "killall")
            )
        {
            // `kill -9 4242`: the option is a signal, not a number or a flag.
            return Some(self.make(Kind::Signal, i, i, Value::Text));
        }
        if shapes::is_signal(text) {
            return Some(self.make(Kind::Signal, i, i, Value::Text));
        }
        if let Some(n) = shapes::unit_number(text).and_then(|n| n.parse::<f64>().ok()) {
            return Some(self.make(Kind::Number, i, i, Value::Number(n)));
        }
        if let Some(n) = self.number_at(i) {
            // "N to M" / "N through M" / "N-M" ranges of plain numbers.
            if matches!(self.word(i + 1), Some("to" | "through" | "thru" | "and"))
                && self.word(i).is_some_and(shapes::is_number)
                && matches!(
                    self.word(i.saturating_sub(1)),
                    Some("lines" | "line" | "from" | "between" | "numbers" | "range")
                )
            {
                if let Some(m) = self.number_at(i + 2) {
                    if self.word(i + 3).is_none_or(|u| unit_of_word(u).is_none()) {
                        return Some(self.make(
                            Kind::Range,
                            i,
                            i + 2,
                            Value::Range(n as i64, m as i64),
                        ));
                    }
                }
            }
            let prev = self.word(i.wrapping_sub(1)).unwrap_or("");
            if matches!(prev, "port" | "ports") || self.word(i + 1) == Some("port") {
                return Some(self.make(Kind::Port, i, i, Value::Number(n)));
            }
            return Some(self.make(Kind::Number, i, i, Value::Number(n)));
        }
        if shapes::is_commit(text) {
            return Some(self.make(Kind::Commit, i, i, Value::Text));
        }
        if shapes::is_version(text) {
            return Some(self.make(Kind::Version, i, i, Value::Text));
        }
        if shapes::is_shell_var(text) {
            return Some(self.make(Kind::EnvVar, i, i, Value::Text));
        }
        if shapes::is_upper_var(text)
            && text.len() >= 2
            && (text.contains('_') || is_known_env(text))
        {
            return Some(self.make(Kind::EnvVar, i, i, Value::Text));
        }
        if shapes::is_flag(text) {
            return Some(self.make(Kind::Flag, i, i, Value::Text));
        }
        if text.contains('*') || text.contains('?') && text.len() > 1 {
            return Some(self.make(Kind::Glob, i, i, Value::Text));
        }
        if let Some(m) = self.filetype(i) {
            return Some(m);
        }
        if let Some(m) = self.place(i) {
            return Some(m);
        }
        if let Some(m) = self.named_dir(i, known_word) {
            return Some(m);
        }
        if text.starts_with('/')
            || text.starts_with("~")
            || text.starts_with("./")
            || text.starts_with("../")
            || text == "."
            || text == ".."
            || (text.contains('/') && !text.starts_with('-') && !word_pair(text))
        {
            // `/var/log/app.log` names a file: its last part has a file extension or is a
            // well-known file name. A trailing slash always means a directory.
            let last = text.rsplit('/').next().unwrap_or("");
            let file_like = (shapes::file_ext(last).is_some() && has_known_ext(last))
                || BARE_FILES.contains(&last);
            let kind = if file_like { Kind::File } else { Kind::Path };
            return Some(self.make(kind, i, i, Value::Text));
        }
        if let Some(tld) = shapes::host_tld(text) {
            let tld = tld.to_ascii_lowercase();
            let is_file_ext = FILE_EXTS.contains(&tld.as_str());
            if TLDS.contains(&tld.as_str()) && !is_file_ext {
                let value = Value::UserHost {
                    user: None,
                    host: text.to_string(),
                    path: None,
                };
                return Some(self.make(Kind::Host, i, i, value));
            }
        }
        if text == "localhost" {
            let value = Value::UserHost {
                user: None,
                host: text.to_string(),
                path: None,
            };
            return Some(self.make(Kind::Host, i, i, value));
        }
        if HOME_DOTFILES.contains(&text) && self.unquoted(i) {
            // "my .bashrc" is the one in the home directory, wherever the shell is.
            let mut m = self.make(Kind::File, i, i, Value::Text);
            m.text = format!("~/{text}");
            return Some(m);
        }
        if (shapes::file_ext(text).is_some() && has_known_ext(text))
            || shapes::is_dotfile(text)
            || BARE_FILES.contains(&text)
        {
            return Some(self.make(Kind::File, i, i, Value::Text));
        }
        if shapes::file_ext(text).is_some() && !shapes::is_image_reference(text) {
            // name.unknownext: a file unless it looks like a host (handled above).
            return Some(self.make(Kind::File, i, i, Value::Text));
        }
        if self.is_name(i, known_word) {
            return Some(self.make(Kind::Name, i, i, Value::Text));
        }
        None
    }

    fn size(&self, i: usize) -> Option<Mention> {
        let text = self.tokens[i].text.as_str();
        if !self.unquoted(i) {
            return None;
        }
        let one = shapes::split_number(text).filter(|(_, u)| size_multiplier(u).is_some());
        let (amount, unit, last) = if let Some((num, unit)) = one {
            let unit = unit.to_string();
            // `5m` alone is ambiguous (minutes or megabytes): a size only after a comparison.
            if unit.eq_ignore_ascii_case("m") && self.size_cmp(i) == Cmp::Unspecified {
                return None;
            }
            (num.parse::<f64>().ok()?, unit, i)
        } else {
            let n = self.number_at(i)?;
            let next = self.word(i + 1)?;
            if !is_size_unit_word(next) || !self.unquoted(i + 1) {
                return None;
            }
            (n, next.to_string(), i + 1)
        };
        let mult = size_multiplier(&unit)?;
        let bytes = (amount * mult as f64).round() as u64;
        let cmp = self.size_cmp(i);
        Some(self.make(Kind::Size, i, last, Value::Size { bytes, cmp }))
    }

    fn duration(&self, i: usize) -> Option<Mention> {
        let w = self.word(i)?;
        if !self.unquoted(i) {
            return None;
        }
        let day = |d: i64| Some(self.make(Kind::Duration, i, i, Value::Day(d)));
        match w {
            "today" | "tonight" => return day(0),
            "yesterday" => return day(-1),
            "tomorrow" => return day(1),
            _ => {}
        }
        let one = shapes::split_number(w).and_then(|(n, u)| Some((n, unit_of_word(u)?)));
        let (amount, unit, last) = if let Some((num, unit)) = one {
            (num.parse::<f64>().ok()?, unit, i)
        } else if let Some(unit) = unit_of_word(w).filter(|_| w.len() > 2) {
            // "last week", "past hour", "an hour", "a day": one unit.
            let prev = self.word(i.wrapping_sub(1)).unwrap_or("");
            if matches!(
                prev,
                "last"
                    | "past"
                    | "an"
                    | "a"
                    | "one"
                    | "this"
                    | "per"
                    | "every"
                    | "each"
                    | "previous"
            ) {
                (1.0, unit, i)
            } else {
                return None;
            }
        } else {
            let n = self.number_at(i)?;
            let unit = unit_of_word(self.word(i + 1)?)?;
            // "2 m" is too ambiguous; require a real unit word.
            if self.word(i + 1).is_some_and(|u| u.len() == 1) {
                return None;
            }
            (n, unit, i + 1)
        };
        let rel = self.duration_rel(i, last);
        Some(self.make(
            Kind::Duration,
            i,
            last,
            Value::Duration { amount, unit, rel },
        ))
    }

    /// File types: `.log files`, `pdfs`, `python files`, `jpg images`.
    fn filetype(&self, i: usize) -> Option<Mention> {
        let w = self.word(i)?;
        let next = self.word(i + 1).unwrap_or("");
        let file_word = matches!(
            next,
            "file"
                | "files"
                | "document"
                | "documents"
                | "script"
                | "scripts"
                | "source"
                | "sources"
                | "image"
                | "images"
                | "photos"
                | "pictures"
                | "videos"
                | "archives"
                | "logs"
        );
        if let Some(ext) = w.strip_prefix('.') {
            // ".log files", or "every .log" (a known extension after a quantifier).
            let quantified = i > 0
                && matches!(self.lower[i - 1].as_str(), "every" | "all" | "each" | "any")
                && FILE_EXTS.contains(&ext);
            if (file_word || quantified)
                && !ext.is_empty()
                && ext.chars().all(|c| c.is_ascii_alphanumeric())
            {
                return Some(self.make(Kind::Ext, i, i, Value::Ext(vec![ext.to_string()])));
            }
            return None;
        }
        // "the photos dir" names a directory, not a file type.
        if matches!(
            next,
            "dir" | "directory" | "folder" | "dirs" | "directories" | "folders" | "repo"
        ) {
            return None;
        }
        let exts = self.lexicon.filetypes.get(w)?;
        // Singular type words ("python", "log") name a file type only before a file word or
        // after a quantifier ("every pdf"); plurals ("pdfs", "jpgs") do on their own.
        // Not right after a command name: "docker logs", "kubectl logs" are subcommands.
        let after_command = i > 0 && self.lexicon.is_product(self.lower[i - 1].as_str());
        let plural_type = w.ends_with('s') && !file_word && !after_command;
        let quantified = i > 0
            && matches!(self.lower[i - 1].as_str(), "every" | "each" | "any")
            && (exts.contains(&w) || FILE_EXTS.contains(&w));
        if file_word || plural_type || quantified {
            return Some(self.make(
                Kind::Ext,
                i,
                i,
                Value::Ext(exts.iter().map(|e| e.to_string()).collect()),
            ));
        }
        None
    }

    /// Place words: "here", "current directory", "my home", "the root".
    fn place(&self, i: usize) -> Option<Mention> {
        for (words, path) in &self.lexicon.places {
            let path: &str = path;
            let n = words.len();
            if i + n > self.lower.len() {
                continue;
            }
            if (0..n).all(|k| self.lower[i + k] == words[k] && self.unquoted(i + k)) {
                let mut m = self.make(Kind::Path, i, i + n - 1, Value::Text);
                m.text = path.to_string();
                return Some(m);
            }
        }
        None
    }

    /// "the photos folder", "directory build": a word next to a folder word names a path.
    fn named_dir(&self, i: usize, known_word: &dyn Fn(&str) -> bool) -> Option<Mention> {
        let w = self.word(i)?;
        let text = self.tokens[i].text.as_str();
        if !self.unquoted(i)
            || self.lexicon.is_stop(w)
            || is_english_glue(w)
            || !text
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            return None;
        }
        let folder = |x: Option<&str>| matches!(x, Some("dir" | "directory" | "folder"));
        let plural = w.len() > 3 && w.ends_with('s') && !w.ends_with("ss");
        // "the logs folder", "my photos dir": after an article a plural noun names the
        // folder even when it is a known word (adjectives like "leading" do not).
        let after_article =
            i > 0 && matches!(self.lower[i - 1].as_str(), "the" | "my" | "our" | "your") && plural;
        // "folder build": an unknown word after a folder word names it ("the uploads
        // folder writable" does not make a folder called "writable").
        let prev_is_folder = i > 0
            && folder(self.word(i - 1))
            && self.word(i + 1).is_none_or(|n| !folder(Some(n)))
            && (!known_word(w) || plural);
        let next_is_folder = folder(self.word(i + 1));
        // Words that describe a folder rather than name it.
        let descriptive = matches!(
            w,
            "current"
                | "this"
                | "that"
                | "home"
                | "root"
                | "parent"
                | "whole"
                | "entire"
                | "same"
                | "new"
                | "empty"
                | "build"
                | "temp"
                | "tmp"
                | "working"
                | "target"
                | "output"
                | "source"
                | "destination"
                | "other"
                | "each"
                | "every"
                | "nested"
                | "hidden"
                | "cache"
                | "log"
                | "config"
                | "project"
                | "download"
                | "downloads"
        );
        // A file-type word names its folder ("the photos dir", "music folder") even when the
        // knowledge base also knows it as a word; so does a plural after an article.
        let names_folder =
            !known_word(w) || self.lexicon.filetypes.contains_key(w) || after_article;
        if next_is_folder && !descriptive && names_folder
            || prev_is_folder
                && !matches!(
                    w,
                    "and"
                        | "or"
                        | "to"
                        | "into"
                        | "in"
                        | "with"
                        | "from"
                        | "tree"
                        | "recursively"
                        | "structure"
                        | "listing"
                        | "contents"
                        | "sizes"
                        | "size"
                )
        {
            return Some(self.make(Kind::Path, i, i, Value::Text));
        }
        None
    }

    /// An identifier-like token that is not a known word: `web-7d9f`, `api_v2`, `payments`
    /// after a kind word ("namespace payments").
    fn is_name(&self, i: usize, known_word: &dyn Fn(&str) -> bool) -> bool {
        let text = self.tokens[i].text.as_str();
        let w = self.lower[i].as_str();
        let prev = if i > 0 {
            self.lower[i - 1].as_str()
        } else {
            ""
        };
        // OS names are stopwords (the OS is context), but after "as" or "user" they are
        // account names ("ssh in as ubuntu"), and next to container words they are images
        // ("a debian container", "pull alpine").
        let next = self.lower.get(i + 1).map(String::as_str).unwrap_or("");
        if matches!(w, "ubuntu" | "debian" | "fedora" | "centos" | "alpine")
            && (matches!(prev, "as" | "user" | "username" | "run" | "pull" | "image")
                || matches!(next, "container" | "containers" | "image" | "images"))
        {
            return true;
        }
        // "open it in Preview", "with TextEdit": a capitalised word after in/with names an
        // application even when it is also an ordinary word.
        if text.starts_with(|c: char| c.is_uppercase())
            && text.chars().skip(1).all(|c| c.is_alphanumeric())
            && matches!(prev, "in" | "with" | "using" | "app" | "application")
            && !self.lexicon.is_stop(w)
        {
            return true;
        }
        // "named proxy", "called build", "name it proxy", "namespace ingress", "the symlink
        // live": the next word is a name even when the knowledge base knows it as a word.
        let named = matches!(prev, "named" | "called" | "namespace" | "symlink")
            || (prev == "it" && i > 1 && self.lower[i - 2] == "name");
        if named && !self.lexicon.is_stop(w) && !is_english_glue(w) {
            return true;
        }
        if text.starts_with('-')
            || text.is_empty()
            || known_word(w)
            || self.lexicon.is_stop(w)
            || self.lexicon.misspellings.contains_key(w)
        {
            return false;
        }
        let shaped = text
            .chars()
            .any(|c| c.is_ascii_digit() || matches!(c, '_' | '-' | '.' | ':' | '@' | '+'))
            || text.chars().skip(1).any(|c| c.is_uppercase());
        // At least one letter or digit: "+" or "--" alone is punctuation, not a name.
        let identifier = text.chars().any(char::is_alphanumeric)
            && text
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '@' | '+'));
        if !identifier {
            return false;
        }
        if shaped {
            return true;
        }
        // A known misspelling ("frist"), or a longer plain word one or two edits from a
        // known word ("insensitve"), is a typo, not a name; the word analysis corrects it.
        // Short words are too often real names one edit from a word ("dist", "docs").
        if self.lexicon.misspellings.contains_key(w)
            || (w.len() >= 6 && self.lexicon.correct(w).is_some())
        {
            return false;
        }
        let after_kind_word = i > 0 && KIND_WORDS.contains(&self.lower[i - 1].as_str());
        let stop = self.lexicon.is_stop(w);
        after_kind_word && !stop && !known_word(w)
            || (!stop
                && !known_word(w)
                && !self.lexicon.numbers.contains_key(w)
                && w.len() > 1
                && !is_english_glue(w))
    }
}

/// "read/write", "and/or": English word pairs written with a slash are words, not a path
/// (`src/lib` or `app/models` are paths, so this is a fixed list).
fn word_pair(text: &str) -> bool {
    matches!(
        text.to_ascii_lowercase().as_str(),
        "read/write"
            | "read/execute"
            | "write/execute"
            | "and/or"
            | "on/off"
            | "yes/no"
            | "true/false"
            | "input/output"
            | "start/stop"
            | "enable/disable"
            | "upload/download"
            | "r/w"
            | "rw/ro"
    )
}

/// Dotfiles that only ever live in the home directory.
const HOME_DOTFILES: &[&str] = &[
    ".bashrc",
    ".bash_profile",
    ".bash_history",
    ".bash_aliases",
    ".zshrc",
    ".zprofile",
    ".zshenv",
    ".zsh_history",
    ".profile",
    ".vimrc",
    ".gitconfig",
    ".inputrc",
    ".tmux.conf",
    ".npmrc",
    ".netrc",
];

/// Function words that are never names even when the KB vocabulary lacks them.
fn is_english_glue(w: &str) -> bool {
    matches!(
        w,
        "i" | "me"
            | "it"
            | "is"
            | "are"
            | "was"
            | "be"
            | "to"
            | "of"
            | "in"
            | "on"
            | "at"
            | "by"
            | "for"
            | "with"
            | "and"
            | "or"
            | "not"
            | "no"
            | "but"
            | "so"
            | "if"
            | "then"
            | "than"
            | "that"
            | "this"
            | "these"
            | "those"
            | "there"
            | "here"
            | "what"
            | "which"
            | "who"
            | "how"
            | "when"
            | "where"
            | "why"
            | "do"
            | "does"
            | "did"
            | "can"
            | "could"
            | "should"
            | "would"
            | "will"
            | "just"
            | "only"
            | "also"
            | "too"
            | "very"
            | "up"
            | "out"
            | "off"
            | "into"
            | "from"
            | "as"
            | "about"
            | "over"
            | "under"
            | "called"
            | "named"
            | "new"
            | "existing"
            | "whole"
            | "entire"
    )
}

fn has_known_ext(s: &str) -> bool {
    s.rsplit('.')
        .next()
        .is_some_and(|e| FILE_EXTS.contains(&e.to_ascii_lowercase().as_str()))
}

fn is_known_env(s: &str) -> bool {
    let s = s.trim_start_matches('$').trim_matches(['{', '}']);
    matches!(
        s,
        "PATH"
            | "HOME"
            | "USER"
            | "EDITOR"
            | "VISUAL"
            | "SHELL"
            | "LANG"
            | "TERM"
            | "DEBUG"
            | "PWD"
            | "TZ"
            | "PAGER"
            | "TMPDIR"
            | "HOSTNAME"
            | "DISPLAY"
            | "MANPATH"
            | "GOPATH"
            | "CC"
            | "CXX"
            | "CFLAGS"
            | "LDFLAGS"
            | "NODE_ENV"
            | "JAVA_HOME"
            | "PYTHONPATH"
            | "LOGNAME"
            | "OLDPWD"
            | "PS1"
            | "HISTFILE"
            | "HISTSIZE"
            | "BROWSER"
            | "VERBOSE"
            | "ENV"
            | "PORT"
            | "HOST"
            | "TOKEN"
    )
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokenize;
    use super::super::lexicon::Dict;
    use super::*;

    fn lex() -> Lexicon<'static> {
        Lexicon {
            filetypes: Dict::from_pairs(vec![("python", vec!["py"]), ("pdfs", vec!["pdf"])]),
            numbers: Dict::from_pairs(vec![("five", 5)]),
            products: vec!["docker"],
            places: vec![(vec!["current", "directory"], "."), (vec!["here"], ".")],
            ..Default::default()
        }
    }

    fn scan(text: &str) -> Vec<(Kind, String)> {
        let toks = tokenize(text);
        let l = lex();
        let s = Scanner::new(&toks, &l);
        // Every plain word is known except the ones the tests use as names.
        let known =
            |w: &str| !matches!(w, "payments") && w.chars().all(|c| c.is_ascii_alphabetic());
        let mut out = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            match s.at(i, &known) {
                Some(m) => {
                    i = m.last + 1;
                    out.push((m.kind, m.text));
                }
                None => i += 1,
            }
        }
        out
    }

    #[test]
    fn sizes_and_durations() {
        let toks = tokenize("find files bigger than 1.5G");
        let l = lex();
        let s = Scanner::new(&toks, &l);
        let m = s.at(4, &|_| true).unwrap();
        assert_eq!(
            m.value,
            Value::Size {
                bytes: 1536 << 20,
                cmp: Cmp::Gt
            }
        );
        assert_eq!(
            scan("files over 200 megs in /var"),
            [(Kind::Size, "200 megs".into()), (Kind::Path, "/var".into())]
        );
        let toks = tokenize("files older than 30 days");
        let s = Scanner::new(&toks, &l);
        let m = s.at(3, &|_| true).unwrap();
        assert_eq!(
            m.value,
            Value::Duration {
                amount: 30.0,
                unit: TimeUnit::Day,
                rel: Rel::Older
            }
        );
        let toks = tokenize("changed in the last 24 hours");
        let s = Scanner::new(&toks, &l);
        let m = s.at(4, &|_| true).unwrap();
        assert_eq!(
            m.value,
            Value::Duration {
                amount: 24.0,
                unit: TimeUnit::Hour,
                rel: Rel::Within
            }
        );
        let toks = tokenize("files smaller than 1k here");
        let s = Scanner::new(&toks, &l);
        assert_eq!(
            s.at(3, &|_| true).unwrap().value,
            Value::Size {
                bytes: 1024,
                cmp: Cmp::Lt
            }
        );
    }

    #[test]
    fn typos_of_known_words_are_not_names() {
        let toks = tokenize("frist lines of nginx");
        let mut l = lex();
        l.set_vocab(["first", "lin"].map(String::from));
        l.misspellings = super::super::lexicon::Dict::from_pairs(vec![("frist", "first")]);
        let s = Scanner::new(&toks, &l);
        let known = |w: &str| matches!(w, "lines" | "of");
        assert!(s.at(0, &known).is_none());
        assert_eq!(s.at(3, &known).map(|m| m.kind), Some(Kind::Name));
    }

    #[test]
    fn dash_letters_are_flags_unless_permissions_are_meant() {
        assert_eq!(
            scan("grep -r for foo_bar"),
            [(Kind::Flag, "-r".into()), (Kind::Name, "foo_bar".into())]
        );
        assert_eq!(
            scan("chmod -w notes_v2"),
            [(Kind::Mode, "-w".into()), (Kind::Name, "notes_v2".into())]
        );
        assert_eq!(scan("make it +x"), [(Kind::Mode, "+x".into())]);
    }

    #[test]
    fn ages_read_right() {
        let toks = tokenize("files untouched for more than 10 days");
        let l = lex();
        let s = Scanner::new(&toks, &l);
        assert_eq!(
            s.at(5, &|_| true).unwrap().value,
            Value::Duration {
                amount: 10.0,
                unit: TimeUnit::Day,
                rel: Rel::Older
            }
        );
    }

    #[test]
    fn known_words_joined_by_a_slash_are_not_a_path() {
        assert_eq!(scan("owner read/write only"), []);
        assert_eq!(scan("copy to src/lib"), [(Kind::Path, "src/lib".into())]);
    }

    #[test]
    fn paths_to_files_are_files() {
        assert_eq!(
            scan("grep x in /var/log/app.log and ~/notes/todo.md"),
            [
                (Kind::File, "/var/log/app.log".into()),
                (Kind::File, "~/notes/todo.md".into())
            ]
        );
        assert_eq!(
            scan("cat /etc/passwd"),
            [(Kind::File, "/etc/passwd".into())]
        );
        // Directories: no extension, a trailing slash, a dotted directory name.
        assert_eq!(
            scan("in src/components or lib/ or ~/.config or releases/v2.3"),
            [
                (Kind::Path, "src/components".into()),
                (Kind::Path, "lib/".into()),
                (Kind::Path, "~/.config".into()),
                (Kind::Path, "releases/v2.3".into())
            ]
        );
    }

    #[test]
    fn values_of_every_kind() {
        assert_eq!(
            scan("download https://example.com/a.zip"),
            [(Kind::Url, "https://example.com/a.zip".into())]
        );
        assert_eq!(
            scan("ssh deploy@web1"),
            [(Kind::UserHost, "deploy@web1".into())]
        );
        assert_eq!(scan("ping 10.0.0.1"), [(Kind::Ip, "10.0.0.1".into())]);
        assert_eq!(
            scan("which process is using port 8080"),
            [(Kind::Port, "8080".into())]
        );
        assert_eq!(
            scan("chmod 600 ~/.ssh/id_ed25519"),
            [
                (Kind::Mode, "600".into()),
                (Kind::Path, "~/.ssh/id_ed25519".into())
            ]
        );
        assert_eq!(
            scan("list pods in namespace payments"),
            [(Kind::Name, "payments".into())]
        );
        assert_eq!(
            scan("tail logs of pod api-7c9d"),
            [(Kind::Name, "api-7c9d".into())]
        );
        assert_eq!(scan("revert a1b2c3d"), [(Kind::Commit, "a1b2c3d".into())]);
        assert_eq!(scan("tag v1.4.0"), [(Kind::Version, "v1.4.0".into())]);
        assert_eq!(scan("grep in *.py"), [(Kind::Glob, "*.py".into())]);
        assert_eq!(scan("find .log files"), [(Kind::Ext, ".log".into())]);
        assert_eq!(scan("all python files"), [(Kind::Ext, "python".into())]);
        assert_eq!(
            scan("pdfs in current directory"),
            [(Kind::Ext, "pdfs".into()), (Kind::Path, ".".into())]
        );
        assert_eq!(
            scan("lookup example.com"),
            [(Kind::Host, "example.com".into())]
        );
        assert_eq!(scan("edit config.yml"), [(Kind::File, "config.yml".into())]);
        assert_eq!(scan("stop tracking .env"), [(Kind::File, ".env".into())]);
        assert_eq!(
            scan("set API_URL=http://x:8000"),
            [(Kind::Assign, "API_URL=http://x:8000".into())]
        );
        assert_eq!(
            scan("remove HTTP_PROXY"),
            [(Kind::EnvVar, "HTTP_PROXY".into())]
        );
        assert_eq!(
            scan("print lines 50 to 60"),
            [(Kind::Range, "50 to 60".into())]
        );
        assert_eq!(
            scan("blame -L 40-60"),
            [(Kind::Flag, "-L".into()), (Kind::Range, "40-60".into())]
        );
        assert_eq!(
            scan("kill it with SIGTERM"),
            [(Kind::Signal, "SIGTERM".into())]
        );
        assert_eq!(scan("run it five times"), [(Kind::Number, "five".into())]);
        assert_eq!(
            scan("date of 2024-12-25"),
            [(Kind::Date, "2024-12-25".into())]
        );
        assert_eq!(scan("at 2:30am"), [(Kind::Clock, "2:30am".into())]);
        assert_eq!(scan("map 8080:80"), [(Kind::PortMap, "8080:80".into())]);
        assert_eq!(
            scan("search for 'quarterly report'"),
            [(Kind::Quoted, "quarterly report".into())]
        );
    }

    #[test]
    fn file_type_words_name_folders() {
        // `scan` treats every plain word as known; "pdfs" is also a file type in `lex`.
        assert_eq!(
            scan("copy the pdfs dir to x/"),
            [(Kind::Path, "pdfs".into()), (Kind::Path, "x/".into())]
        );
        assert_eq!(scan("the largest folder"), []);
    }

    #[test]
    fn subcommands_are_not_file_types() {
        // `lex` knows "pdfs" as a file type and "docker" as a command name.
        assert_eq!(scan("delete old pdfs"), [(Kind::Ext, "pdfs".into())]);
        assert!(scan("docker pdfs api").iter().all(|(k, _)| *k != Kind::Ext));
    }

    #[test]
    fn kill_options_are_signals() {
        assert_eq!(
            scan("kill -9 4242"),
            [(Kind::Signal, "-9".into()), (Kind::Number, "4242".into())]
        );
        assert_eq!(scan("pkill -HUP nginx")[0], (Kind::Signal, "-HUP".into()));
        assert_eq!(scan("show -9 lines")[0], (Kind::Number, "-9".into()));
    }

    #[test]
    fn os_names_after_as_are_accounts() {
        assert_eq!(
            scan("ssh to 10.0.0.5 as ubuntu"),
            [(Kind::Ip, "10.0.0.5".into()), (Kind::Name, "ubuntu".into())]
        );
        assert_eq!(scan("install htop on ubuntu"), []);
        assert_eq!(scan("a debian container"), [(Kind::Name, "debian".into())]);
    }

    #[test]
    fn words_after_named_are_names() {
        // `scan` treats every plain word as known to the knowledge base.
        assert_eq!(
            scan("run caddy named proxy"),
            [(Kind::Name, "proxy".into())]
        );
        assert_eq!(scan("name it proxy"), [(Kind::Name, "proxy".into())]);
        assert_eq!(scan("run a proxy"), []);
        assert_eq!(scan("cert + key"), []);
        assert_eq!(
            scan("pods in namespace ingress"),
            [(Kind::Name, "ingress".into())]
        );
        assert_eq!(scan("open it in Preview"), [(Kind::Name, "Preview".into())]);
        assert_eq!(scan("open it in preview"), []);
    }

    #[test]
    fn numbers_with_media_units() {
        assert_eq!(
            scan("resize to 50% then 720p"),
            [(Kind::Number, "50%".into()), (Kind::Number, "720p".into())]
        );
        assert_eq!(scan("at 30fps")[0], (Kind::Number, "30fps".into()));
    }

    #[test]
    fn home_dotfiles_live_in_home() {
        assert_eq!(
            scan("truncate my .bashrc"),
            [(Kind::File, "~/.bashrc".into())]
        );
        assert_eq!(scan("cat .env"), [(Kind::File, ".env".into())]);
        assert_eq!(scan("cat ~/.zshrc"), [(Kind::Path, "~/.zshrc".into())]);
    }

    #[test]
    fn image_tags_are_names_not_files() {
        assert_eq!(
            scan("run ubuntu:22.04"),
            [(Kind::Name, "ubuntu:22.04".into())]
        );
        assert_eq!(
            scan("pull python:3.12"),
            [(Kind::Name, "python:3.12".into())]
        );
        assert_eq!(scan("open notes.txt"), [(Kind::File, "notes.txt".into())]);
    }

    #[test]
    fn permission_numbers_only_in_context() {
        assert_eq!(scan("show 640 lines"), [(Kind::Number, "640".into())]);
        assert_eq!(
            scan("set umask so files come out 640"),
            [(Kind::Mode, "640".into())]
        );
    }
}
