//! Typed values found in a request ("mentions"): paths, sizes, durations, hosts, names, …
//!
//! Each mention keeps the exact text the user typed, a parsed value where one exists, and
//! the words around it (`before`, `after`), which recipes use as role cues: in
//! "copy dump.sql to /tmp", `/tmp` follows "to", so it binds to a destination slot.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Quoted,
    Url,
    /// `user@host`, `user@host:path`.
    UserHost,
    Ip,
    Host,
    Path,
    File,
    Glob,
    /// A file type: `.log files`, `pdfs`, `python files`.
    Ext,
    Size,
    Duration,
    Date,
    Clock,
    Number,
    Range,
    Port,
    /// `8080:80`, a host:container port pair.
    PortMap,
    Mode,
    Signal,
    Commit,
    Version,
    EnvVar,
    Assign,
    Flag,
    Name,
}

impl Kind {
    /// The term that stands for this kind of value when matching requests to phrasings.
    pub fn symbol(self) -> &'static str {
        match self {
            Kind::Quoted => "#str",
            Kind::Url => "#url",
            Kind::UserHost | Kind::Ip | Kind::Host => "#host",
            Kind::Path | Kind::File => "#path",
            Kind::Glob | Kind::Ext => "#glob",
            Kind::Size => "#size",
            Kind::Duration => "#time",
            Kind::Date | Kind::Clock => "#date",
            Kind::Number => "#num",
            Kind::Range => "#range",
            Kind::Port | Kind::PortMap => "#port",
            Kind::Mode => "#mode",
            Kind::Signal => "#signal",
            Kind::Commit => "#commit",
            Kind::Version => "#version",
            Kind::EnvVar => "#var",
            Kind::Assign => "#assign",
            Kind::Flag => "#flag",
            Kind::Name => "#name",
        }
    }
}

/// How a size compares: "over 10mb" is `Gt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cmp {
    Gt,
    Lt,
    Eq,
    Unspecified,
}

/// How a duration relates to now: "in the last 2 days" is `Within`, "older than 30 days"
/// is `Older`, "every 5 seconds" is `Every`, "for 2 hours" is `For`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rel {
    Within,
    Older,
    Ago,
    Every,
    For,
    Limit,
    Unspecified,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl TimeUnit {
    pub fn seconds(self) -> u64 {
        match self {
            TimeUnit::Second => 1,
            TimeUnit::Minute => 60,
            TimeUnit::Hour => 3600,
            TimeUnit::Day => 86_400,
            TimeUnit::Week => 7 * 86_400,
            TimeUnit::Month => 30 * 86_400,
            TimeUnit::Year => 365 * 86_400,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Second => "second",
            TimeUnit::Minute => "minute",
            TimeUnit::Hour => "hour",
            TimeUnit::Day => "day",
            TimeUnit::Week => "week",
            TimeUnit::Month => "month",
            TimeUnit::Year => "year",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// The text itself is the value (paths, names, patterns, …).
    Text,
    Size {
        bytes: u64,
        cmp: Cmp,
    },
    Duration {
        amount: f64,
        unit: TimeUnit,
        rel: Rel,
    },
    Number(f64),
    Range(i64, i64),
    UserHost {
        user: Option<String>,
        host: String,
        path: Option<String>,
    },
    /// File extensions without the dot.
    Ext(Vec<String>),
    /// A special day: "today", "yesterday", "tomorrow" (days relative to today).
    Day(i64),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub kind: Kind,
    /// The value as typed (quotes removed, sentence punctuation trimmed).
    pub text: String,
    pub value: Value,
    /// Token range [first, last] in the request.
    pub first: usize,
    pub last: usize,
    /// Lower-case words just before the mention, nearest first (articles skipped).
    pub before: Vec<String>,
    /// Lower-case word just after the mention.
    pub after: Option<String>,
}

/// Verbs and negations a request puts before what they act on ("skip node_modules",
/// "replace foo"): as cues they never mark the value in front of them.
pub fn leads_only(w: &str) -> bool {
    matches!(
        w,
        "excluding"
            | "exclude"
            | "skip"
            | "skipping"
            | "ignore"
            | "ignoring"
            | "outside"
            | "omit"
            | "omitting"
            | "not"
            | "only"
            | "just"
            | "every"
            | "all"
            | "each"
            | "any"
            | "replace"
            | "substitute"
            | "change"
            | "swap"
            | "rename"
            | "turn"
            | "give"
            | "grant"
            | "let"
            | "allow"
            | "make"
            | "set"
            | "remove"
            | "delete"
            | "take"
            | "copy"
            | "move"
            | "send"
            | "run"
            | "execute"
            | "apply"
            | "find"
            | "search"
            | "grep"
            | "extract"
            | "compress"
            | "archive"
            | "pack"
            | "bundle"
            | "transfer"
            | "pull"
            | "download"
            | "write"
            | "flash"
            | "burn"
            | "mount"
            | "unmount"
            | "umount"
            | "eject"
            | "erase"
            | "format"
            | "clone"
            | "insert"
            | "prepend"
            | "append"
            | "add"
            | "put"
            | "whose"
            | "where"
            | "is"
            | "equals"
            | "either"
            | "both"
            | "also"
            | "up"
    )
}

/// Words that introduce the value after them, never the one before them.
pub fn is_preposition(w: &str) -> bool {
    matches!(
        w,
        "in" | "into"
            | "to"
            | "from"
            | "under"
            | "inside"
            | "within"
            | "below"
            | "as"
            | "at"
            | "on"
            | "onto"
            | "by"
            | "with"
            | "for"
            | "of"
            | "via"
            | "through"
            | "over"
            | "beneath"
            | "across"
            | "than"
            | "named"
            | "called"
            | "containing"
            | "contain"
            | "contains"
            | "matching"
            | "like"
            | "mention"
            | "mentioning"
            | "throughout"
            | "and"
            | "or"
            | "then"
            | "but"
            | "without"
            | "except"
            | "after"
            | "before"
            | "between"
            | "against"
            | "toward"
            | "towards"
            | "behind"
            | "near"
            | "about"
    )
}

impl Mention {
    /// Whether any of the `cues` appears right before the mention (within two words) or,
    /// for kind words such as "branch", right after it.
    pub fn cued_by(&self, cues: &[String]) -> bool {
        cues.iter().any(|c| {
            let parts: Vec<&str> = c.split_whitespace().collect();
            match parts.len() {
                0 => false,
                1 => {
                    self.before.iter().take(2).any(|b| b == c)
                        // "main branch": a kind word may follow its value; a preposition
                        // after a value belongs to the next value ("a.txt to b.txt").
                        || (self.after.as_deref() == Some(c.as_str())
                            && !is_preposition(c)
                            && !leads_only(c))
                }
                n => {
                    // A multi-word cue must sit immediately before the mention, in order.
                    let mut want = parts.iter().rev();
                    let mut have = self.before.iter();
                    (0..n).all(|_| {
                        want.next().map(|w| Some(*w)) == Some(have.next().map(String::as_str))
                    })
                }
            }
        })
    }

    /// How strongly `cues` mark this mention: 3 when a cue is the word right before it,
    /// 2 when it is two words before, 1 when a kind word follows it, `None` otherwise.
    pub fn cue_strength(&self, cues: &[String]) -> Option<u8> {
        let single = |c: &String| !c.contains(' ');
        if cues.iter().any(|c| self.before.first() == Some(c))
            || cues
                .iter()
                .filter(|c| !single(c))
                .any(|c| self.cued_by(std::slice::from_ref(c)))
        {
            return Some(3);
        }
        if cues
            .iter()
            .filter(|c| single(c))
            .any(|c| self.before.get(1) == Some(c))
        {
            return Some(2);
        }
        self.cued_by(cues).then_some(1)
    }

    pub fn number(&self) -> Option<f64> {
        match self.value {
            Value::Number(n) => Some(n),
            _ => self.text.parse().ok(),
        }
    }
}
