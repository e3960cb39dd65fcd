//! The documented list of config keys: their types, defaults and one-line docs.
//!
//! This table drives unknown-key warnings, `CARO_*` environment variables, `caro config
//! get/set`, shell completion of key names, and a test that keeps `config.example.toml` and
//! the defaults in agreement.

/// The type of a key's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Bool,
    /// A non-negative integer with a minimum.
    Int {
        min: i64,
    },
    Str,
    /// One of a fixed set of strings.
    Choice(&'static [&'static str]),
    /// A list of strings (comma-separated in env vars and `config set`).
    List,
}

#[derive(Debug)]
pub struct KeyDoc {
    pub path: &'static str,
    pub kind: Kind,
    /// The default, rendered as TOML.
    pub default: &'static str,
    pub doc: &'static str,
}

impl KeyDoc {
    /// `safety.level` → `CARO_SAFETY_LEVEL`.
    pub fn env_var(&self) -> String {
        format!("CARO_{}", self.path.replace('.', "_").to_ascii_uppercase())
    }
}

/// `CARO_*` variable names in [`KEYS`] order, computed once: the env layer looks each one
/// up on every run.
pub fn env_names() -> &'static [String] {
    static NAMES: once_cell::sync::Lazy<Vec<String>> =
        once_cell::sync::Lazy::new(|| KEYS.iter().map(KeyDoc::env_var).collect());
    &NAMES
}

const ENGINES: &[&str] = &["auto", "builtin", "semantic", "remote"];
const LEVELS: &[&str] = &["strict", "moderate", "permissive"];
const FORMATS: &[&str] = &["plain", "json", "widget"];

pub const KEYS: &[KeyDoc] = &[
    KeyDoc { path: "engine", kind: Kind::Choice(ENGINES), default: "\"auto\"",
        doc: "Which engines answer: auto (best available), builtin, semantic, remote" },
    KeyDoc { path: "count", kind: Kind::Int { min: 1 }, default: "3",
        doc: "How many ranked candidates to produce; the widget cycles through them" },
    KeyDoc { path: "format", kind: Kind::Choice(FORMATS), default: "\"plain\"",
        doc: "Default output format of `caro suggest`: plain, json or widget" },
    KeyDoc { path: "timeout_ms", kind: Kind::Int { min: 10 }, default: "5000",
        doc: "Overall deadline for a suggestion, in milliseconds" },
    KeyDoc { path: "explain", kind: Kind::Bool, default: "false",
        doc: "Print a one-line explanation after the command (plain format)" },
    KeyDoc { path: "safety.level", kind: Kind::Choice(LEVELS), default: "\"moderate\"",
        doc: "strict refuses high and critical, moderate warns on high, permissive warns on nothing; critical is always refused" },
    KeyDoc { path: "safety.allow", kind: Kind::List, default: "[]",
        doc: "Rule ids or regexes whose findings are ignored (never critical ones, see allow_critical)" },
    KeyDoc { path: "safety.deny", kind: Kind::List, default: "[]",
        doc: "Rule ids or regexes that always refuse a command" },
    KeyDoc { path: "safety.allow_critical", kind: Kind::Bool, default: "false",
        doc: "Let `allow` silence critical findings too (explicit override)" },
    KeyDoc { path: "safety.check_installed", kind: Kind::Bool, default: "true",
        doc: "Warn when a command in a suggestion is not installed" },
    KeyDoc { path: "shell.key", kind: Kind::Str, default: "\"ctrl-g\"",
        doc: "Key bound by `caro init` (ctrl-g, alt-g, ctrl-x ctrl-g, ...)" },
    KeyDoc { path: "shell.bind", kind: Kind::Bool, default: "true",
        doc: "Whether `caro init` binds the key at all" },
    KeyDoc { path: "shell.progress_delay_ms", kind: Kind::Int { min: 0 }, default: "150",
        doc: "Show the progress indicator after this many milliseconds" },
    KeyDoc { path: "shell.history", kind: Kind::Bool, default: "true",
        doc: "Keep the typed request in shell history" },
    KeyDoc { path: "encoder.enabled", kind: Kind::Bool, default: "true",
        doc: "Use the ONNX sentence encoder when it is installed" },
    KeyDoc { path: "encoder.model", kind: Kind::Str, default: "\"all-minilm-l6-v2\"",
        doc: "Encoder model name (see `caro model list`)" },
    KeyDoc { path: "encoder.ort_library", kind: Kind::Str, default: "\"\"",
        doc: "Path to libonnxruntime; empty searches next to caro, the data dir, ORT_DYLIB_PATH" },
    KeyDoc { path: "encoder.threads", kind: Kind::Int { min: 1 }, default: "1",
        doc: "ONNX Runtime intra-op threads (1 is fastest for one-shot calls)" },
    KeyDoc { path: "remote.url", kind: Kind::Str, default: "\"\"",
        doc: "Base URL of an OpenAI-compatible server, e.g. http://localhost:11434/v1 or https://api.openai.com/v1 (https through curl); empty = off" },
    KeyDoc { path: "remote.model", kind: Kind::Str, default: "\"\"",
        doc: "Model name sent to the remote server" },
    KeyDoc { path: "remote.api_key_env", kind: Kind::Str, default: "\"\"",
        doc: "Name of the env var holding the API key (never put the key itself here)" },
    KeyDoc { path: "remote.timeout_ms", kind: Kind::Int { min: 10 }, default: "8000",
        doc: "Deadline for one remote request, in milliseconds" },
];

const SECTIONS: &[&str] = &["safety", "shell", "encoder", "remote"];

pub fn is_section(path: &str) -> bool {
    SECTIONS.contains(&path)
}

/// Position of a section name in the section list.
pub fn section_index(name: &str) -> Option<usize> {
    SECTIONS.iter().position(|s| *s == name)
}

pub fn lookup(path: &str) -> Option<&'static KeyDoc> {
    KEYS.iter().find(|k| k.path == path)
}

/// The closest known key, for "did you mean" hints.
pub fn suggest(path: &str) -> Option<&'static str> {
    KEYS.iter()
        .map(|k| (edit_distance(path, k.path), k.path))
        .filter(|(d, p)| *d <= 2.max(p.len() / 4))
        .min()
        .map(|(_, p)| p)
}

/// `CARO_*` variables that are not config keys but are read elsewhere (paths, logging, the
/// widget's context). Never reported as typos.
pub const OTHER_ENV_VARS: &[&str] = &[
    "CARO_CONFIG",
    "CARO_LOG",
    "CARO_LOG_FILE",
    "CARO_SHELL",
    "CARO_KNOWN_COMMANDS",
];

/// For a `CARO_*` variable that is no setting: the setting it was probably meant to be.
/// Only close misspellings are reported, so unrelated `CARO_*` variables stay quiet.
pub fn suggest_env(name: &str) -> Option<&'static str> {
    if OTHER_ENV_VARS.contains(&name) || env_names().iter().any(|n| n == name) {
        return None;
    }
    env_names()
        .iter()
        .map(|n| (edit_distance(name, n), n.as_str()))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, n)| n)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn describe(kind: Kind) -> String {
    match kind {
        Kind::Bool => "expected true or false".into(),
        Kind::Int { min } => format!("expected a whole number >= {min}"),
        Kind::Str => "expected a string".into(),
        Kind::Choice(options) => format!("expected one of: {}", options.join(", ")),
        Kind::List => "expected a list of strings".into(),
    }
}

/// Check a TOML value from the file against the key's type.
pub fn check(doc: &KeyDoc, value: &toml::Value) -> Result<(), String> {
    let ok = match (&doc.kind, value) {
        (Kind::Bool, toml::Value::Boolean(_)) => true,
        (Kind::Int { min }, toml::Value::Integer(i)) => i >= min,
        (Kind::Str, toml::Value::String(_)) => true,
        (Kind::Choice(options), toml::Value::String(s)) => options.contains(&s.as_str()),
        (Kind::List, toml::Value::Array(items)) => items.iter().all(|i| i.is_str()),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{}, found {}", describe(doc.kind), value))
    }
}

/// Parse a key's value from a string (env var or `caro config set`).
pub fn parse_value(doc: &KeyDoc, raw: &str) -> Result<toml::Value, String> {
    let raw = raw.trim();
    let value = match doc.kind {
        Kind::Bool => match raw.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => toml::Value::Boolean(true),
            "false" | "0" | "no" | "off" => toml::Value::Boolean(false),
            _ => return Err(format!("'{raw}': {}", describe(doc.kind))),
        },
        Kind::Int { .. } => match raw.parse::<i64>() {
            Ok(i) => toml::Value::Integer(i),
            Err(_) => return Err(format!("'{raw}': {}", describe(doc.kind))),
        },
        Kind::Str => toml::Value::String(raw.trim_matches('"').to_string()),
        Kind::Choice(_) => toml::Value::String(raw.trim_matches('"').to_ascii_lowercase()),
        Kind::List => {
            if raw.starts_with('[') {
                match format!("v = {raw}").parse::<toml::Table>() {
                    Ok(mut t) => t.remove("v").unwrap_or(toml::Value::Array(vec![])),
                    Err(_) => return Err(format!("'{raw}': {}", describe(doc.kind))),
                }
            } else {
                toml::Value::Array(
                    raw.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| toml::Value::String(s.to_string()))
                        .collect(),
                )
            }
        }
    };
    check(doc, &value).map_err(|e| format!("'{raw}': {e}"))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_enough_keys_for_the_fast_path_bit_sets() {
        assert!(KEYS.len() <= 64 && SECTIONS.len() <= 64);
    }

    #[test]
    fn env_names() {
        assert_eq!(
            lookup("safety.level").unwrap().env_var(),
            "CARO_SAFETY_LEVEL"
        );
        assert_eq!(lookup("engine").unwrap().env_var(), "CARO_ENGINE");
    }

    #[test]
    fn misspelt_environment_variables() {
        assert_eq!(suggest_env("CARO_SAFTY_LEVEL"), Some("CARO_SAFETY_LEVEL"));
        assert_eq!(suggest_env("CARO_ENGIN"), Some("CARO_ENGINE"));
        assert_eq!(suggest_env("CARO_ENGINE"), None);
        assert_eq!(suggest_env("CARO_LOG"), None);
        assert_eq!(suggest_env("CARO_WIDGET_STATE"), None);
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("engin"), Some("engine"));
        assert_eq!(suggest("safety.levle"), Some("safety.level"));
        assert_eq!(suggest("completely-different"), None);
    }

    #[test]
    fn example_file_documents_every_key() {
        let example = include_str!("../../config.example.toml");
        for doc in KEYS {
            let leaf = doc.path.rsplit('.').next().unwrap();
            let line = format!("# {leaf} = {}", doc.default);
            assert!(
                example.contains(&line),
                "config.example.toml lacks `{line}`"
            );
        }
    }
}
