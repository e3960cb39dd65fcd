//! Configuration: defaults < `config.toml` < `CARO_*` environment < command-line flags.
//!
//! Loading never fails the caller. A malformed file or a bad value becomes a [`Diagnostic`]
//! (with line and column when the file is the culprit) and the affected layer falls back to
//! the defaults: a broken config must never leave the user without a suggestion, let alone
//! without their prompt.

mod keys;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use keys::{KeyDoc, Kind, KEYS};

/// Which engines answer a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum EngineChoice {
    /// Best available: knowledge base ranked semantically when the encoder is installed,
    /// then the remote server (if configured) when nothing local is confident.
    Auto,
    /// The built-in knowledge base with lexical matching only.
    Builtin,
    /// The knowledge base ranked by the ONNX sentence encoder (falls back to builtin).
    Semantic,
    /// Only the configured OpenAI-compatible server.
    Remote,
}

impl EngineChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            EngineChoice::Auto => "auto",
            EngineChoice::Builtin => "builtin",
            EngineChoice::Semantic => "semantic",
            EngineChoice::Remote => "remote",
        }
    }
}

/// How much risk the user accepts in a suggestion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum SafetyLevel {
    /// Insert safe commands; moderate ones with a warning; refuse high and critical.
    Strict,
    /// Insert safe and moderate; high with a warning; refuse critical.
    Moderate,
    /// Insert everything but critical without warnings; critical is still refused.
    Permissive,
}

/// Output format of `caro suggest`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Plain,
    Json,
    Widget,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Engine selection (`auto`, `builtin`, `semantic`, `remote`).
    pub engine: EngineChoice,
    /// How many ranked candidates to produce (the widget cycles through them).
    pub count: usize,
    /// Default output format of `caro suggest`.
    pub format: Format,
    /// Overall deadline for producing a suggestion, in milliseconds.
    pub timeout_ms: u64,
    /// Print a one-line explanation with plain output.
    pub explain: bool,
    pub safety: SafetyConfig,
    pub shell: ShellConfig,
    pub encoder: EncoderConfig,
    pub remote: RemoteConfig,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SafetyConfig {
    pub level: SafetyLevel,
    /// Rule ids or regular expressions (matched against the whole command) whose findings
    /// are ignored. They cannot silence a critical finding unless `allow_critical` is set.
    pub allow: Vec<String>,
    /// Rule ids or regular expressions that always refuse a command.
    pub deny: Vec<String>,
    /// Explicit override: let `allow` rules silence critical findings too.
    pub allow_critical: bool,
    /// Warn when a command word is not installed.
    pub check_installed: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShellConfig {
    /// Key bound by `caro init` (`ctrl-g`, `alt-g`, `ctrl-x`, …).
    pub key: String,
    /// Whether `caro init` binds the key at all.
    pub bind: bool,
    /// Show the progress indicator when the helper takes longer than this (ms).
    pub progress_delay_ms: u64,
    /// Keep the typed request in the shell history.
    pub history: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EncoderConfig {
    /// Use the sentence encoder when it is installed.
    pub enabled: bool,
    /// Name of the encoder model under the models directory.
    pub model: String,
    /// Path to `libonnxruntime` (empty: next to the binary, caro's data dir, `ORT_DYLIB_PATH`).
    pub ort_library: String,
    /// Intra-op threads for ONNX Runtime (1 is fastest for one-shot calls).
    pub threads: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RemoteConfig {
    /// Base URL of an OpenAI-compatible server (`http://localhost:11434/v1`); empty = off.
    pub url: String,
    /// Model name sent to the server.
    pub model: String,
    /// Name of the environment variable that holds the API key (the key itself never
    /// belongs in the config file).
    pub api_key_env: String,
    /// Deadline for one remote request, in milliseconds.
    pub timeout_ms: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            engine: EngineChoice::Auto,
            count: 3,
            format: Format::Plain,
            timeout_ms: 5000,
            explain: false,
            safety: SafetyConfig::default(),
            shell: ShellConfig::default(),
            encoder: EncoderConfig::default(),
            remote: RemoteConfig::default(),
        }
    }
}

impl Default for SafetyConfig {
    fn default() -> Self {
        SafetyConfig {
            level: SafetyLevel::Moderate,
            allow: Vec::new(),
            deny: Vec::new(),
            allow_critical: false,
            check_installed: true,
        }
    }
}

impl Default for ShellConfig {
    fn default() -> Self {
        ShellConfig {
            key: "ctrl-g".into(),
            bind: true,
            progress_delay_ms: 150,
            history: true,
        }
    }
}

impl Default for EncoderConfig {
    fn default() -> Self {
        EncoderConfig {
            enabled: true,
            model: "all-minilm-l6-v2".into(),
            ort_library: String::new(),
            threads: 1,
        }
    }
}

impl Default for RemoteConfig {
    fn default() -> Self {
        RemoteConfig {
            url: String::new(),
            model: String::new(),
            api_key_env: String::new(),
            timeout_ms: 8000,
        }
    }
}

/// Where a problem was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    File,
    Env,
    Cli,
}

/// A problem found while loading configuration. Never fatal for suggestions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub origin: Origin,
    /// `path:line:column` for file problems, the variable name for env problems.
    pub location: String,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// The result of loading: the effective config plus every problem met on the way.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub config: Config,
    pub file: Option<PathBuf>,
    /// Whether the file existed and was read.
    pub file_found: bool,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads variables for the env layer; injectable for tests and benches.
pub trait EnvSource {
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment.
pub struct ProcessEnv;

impl EnvSource for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

impl<F: Fn(&str) -> Option<String>> EnvSource for F {
    fn var(&self, name: &str) -> Option<String> {
        self(name)
    }
}

impl Config {
    /// Load from the default file location and the process environment.
    pub fn load() -> Loaded {
        let file = crate::paths::config_file();
        Config::load_from(file.as_deref(), &ProcessEnv)
    }

    /// Load from an explicit file (which may not exist) and environment.
    pub fn load_from(file: Option<&Path>, env: &dyn EnvSource) -> Loaded {
        let mut diagnostics = Vec::new();
        let mut file_found = false;
        let mut config = Config::default();
        if let Some(path) = file {
            match std::fs::read_to_string(path) {
                Ok(text) => {
                    file_found = true;
                    config =
                        Config::from_toml(&text, &path.display().to_string(), &mut diagnostics);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => diagnostics.push(Diagnostic {
                    origin: Origin::File,
                    location: path.display().to_string(),
                    message: format!("could not read config file: {e}"),
                }),
            }
        }
        config.apply_env(env, &mut diagnostics);
        Loaded {
            config,
            file: file.map(Path::to_path_buf),
            file_found,
            diagnostics,
        }
    }

    /// Parse a config file's text. Unknown keys warn and are ignored; a syntax error or a
    /// bad value anywhere yields the defaults for the whole file, with the position.
    pub fn from_toml(text: &str, name: &str, diagnostics: &mut Vec<Diagnostic>) -> Config {
        let table: toml::Table = match text.parse() {
            Ok(t) => t,
            Err(e) => {
                diagnostics.push(file_diagnostic(name, text, e.span(), e.message()));
                return Config::default();
            }
        };
        let mut known = toml::Table::new();
        for (key, value) in flatten(&table) {
            match keys::lookup(&key) {
                Some(doc) => match keys::coerce(doc, value) {
                    Ok(v) => keys::insert(&mut known, &key, v),
                    Err(msg) => {
                        let span = find_key_span(text, &key);
                        diagnostics.push(file_diagnostic(
                            name,
                            text,
                            span,
                            &format!("{key}: {msg}"),
                        ));
                    }
                },
                None => {
                    let span = find_key_span(text, &key);
                    let hint = keys::suggest(&key)
                        .map(|s| format!(" (did you mean '{s}'?)"))
                        .unwrap_or_default();
                    diagnostics.push(file_diagnostic(
                        name,
                        text,
                        span,
                        &format!("unknown key '{key}' ignored{hint}"),
                    ));
                }
            }
        }
        match Config::deserialize(toml::Value::Table(known)) {
            Ok(c) => c,
            Err(e) => {
                diagnostics.push(Diagnostic {
                    origin: Origin::File,
                    location: name.to_string(),
                    message: e.to_string(),
                });
                Config::default()
            }
        }
    }

    /// Apply `CARO_<KEY>` variables (`safety.level` → `CARO_SAFETY_LEVEL`).
    pub fn apply_env(&mut self, env: &dyn EnvSource, diagnostics: &mut Vec<Diagnostic>) {
        for doc in KEYS {
            let name = doc.env_var();
            let Some(raw) = env.var(&name) else { continue };
            if let Err(message) = self.set(doc.path, &raw) {
                diagnostics.push(Diagnostic {
                    origin: Origin::Env,
                    location: name,
                    message: format!(
                        "{message}; using {}",
                        self.get(doc.path).unwrap_or_default()
                    ),
                });
            }
        }
    }

    /// Set one key from its string form (env vars, `caro config set`, CLI).
    pub fn set(&mut self, key: &str, raw: &str) -> Result<(), String> {
        let doc = keys::lookup(key).ok_or_else(|| match keys::suggest(key) {
            Some(s) => format!("unknown key '{key}' (did you mean '{s}'?)"),
            None => format!("unknown key '{key}' (see `caro config show`)"),
        })?;
        let value = keys::parse_value(doc, raw)?;
        let mut table = match toml::Value::try_from(&*self) {
            Ok(toml::Value::Table(t)) => t,
            _ => return Err("internal error: config is not a table".into()),
        };
        keys::insert(&mut table, key, value);
        *self = Config::deserialize(toml::Value::Table(table)).map_err(|e| e.to_string())?;
        Ok(())
    }

    /// The current value of a key, rendered as TOML.
    pub fn get(&self, key: &str) -> Option<String> {
        keys::lookup(key)?;
        let value = toml::Value::try_from(self).ok()?;
        let mut cur = &value;
        for part in key.split('.') {
            cur = cur.get(part)?;
        }
        Some(cur.to_string())
    }

    /// All keys with their current values, in documentation order.
    pub fn entries(&self) -> Vec<(&'static str, String)> {
        KEYS.iter()
            .map(|d| (d.path, self.get(d.path).unwrap_or_default()))
            .collect()
    }
}

/// Flatten nested tables into dotted keys; arrays and scalars are leaves.
fn flatten(table: &toml::Table) -> Vec<(String, toml::Value)> {
    let mut out = Vec::new();
    fn walk(prefix: &str, table: &toml::Table, out: &mut Vec<(String, toml::Value)>) {
        for (k, v) in table {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                toml::Value::Table(t) if keys::is_section(&key) => walk(&key, t, out),
                other => out.push((key, other.clone())),
            }
        }
    }
    walk("", table, &mut out);
    out
}

/// Best-effort position of a key's definition, for messages about values.
fn find_key_span(text: &str, dotted: &str) -> Option<std::ops::Range<usize>> {
    let leaf = dotted.rsplit('.').next().unwrap_or(dotted);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        for candidate in [dotted, leaf] {
            if let Some(rest) = trimmed.strip_prefix(candidate) {
                if rest.trim_start().starts_with('=') {
                    let start = offset + indent;
                    return Some(start..start + candidate.len());
                }
            }
        }
        offset += line.len();
    }
    None
}

fn file_diagnostic(
    name: &str,
    text: &str,
    span: Option<std::ops::Range<usize>>,
    message: &str,
) -> Diagnostic {
    let location = match span {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            format!("{name}:{line}:{col}")
        }
        None => name.to_string(),
    };
    // toml's messages may span lines; the first line is the useful one.
    let message = message.lines().next().unwrap_or(message).trim().to_string();
    Diagnostic {
        origin: Origin::File,
        location,
        message,
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary_compat(offset)];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

trait FloorCharBoundary {
    fn floor_char_boundary_compat(&self, i: usize) -> usize;
}

impl FloorCharBoundary for str {
    fn floor_char_boundary_compat(&self, mut i: usize) -> usize {
        while i > 0 && !self.is_char_boundary(i) {
            i -= 1;
        }
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn defaults_without_file() {
        let loaded = Config::load_from(None, &no_env);
        assert_eq!(loaded.config, Config::default());
        assert!(loaded.diagnostics.is_empty());
    }

    #[test]
    fn file_values_apply() {
        let mut d = Vec::new();
        let c = Config::from_toml(
            "engine = \"builtin\"\ncount = 5\n[safety]\nlevel = \"strict\"\ndeny = [\"^git push\"]\n",
            "c.toml",
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.engine, EngineChoice::Builtin);
        assert_eq!(c.count, 5);
        assert_eq!(c.safety.level, SafetyLevel::Strict);
        assert_eq!(c.safety.deny, vec!["^git push".to_string()]);
        assert_eq!(c.shell, ShellConfig::default());
    }

    #[test]
    fn dotted_keys_work_too() {
        let mut d = Vec::new();
        let c = Config::from_toml("safety.level = \"permissive\"\n", "c.toml", &mut d);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.safety.level, SafetyLevel::Permissive);
    }

    #[test]
    fn malformed_file_reports_line_and_column_and_uses_defaults() {
        let mut d = Vec::new();
        let c = Config::from_toml("count = 4\nengine = \n", "/x/config.toml", &mut d);
        assert_eq!(c, Config::default());
        assert_eq!(d.len(), 1);
        assert!(
            d[0].location.starts_with("/x/config.toml:2:"),
            "{}",
            d[0].location
        );
    }

    #[test]
    fn unknown_key_warns_with_suggestion_and_keeps_the_rest() {
        let mut d = Vec::new();
        let c = Config::from_toml("engin = \"builtin\"\ncount = 2\n", "c.toml", &mut d);
        assert_eq!(c.count, 2);
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message.contains("did you mean 'engine'"),
            "{}",
            d[0].message
        );
        assert_eq!(d[0].location, "c.toml:1:1");
    }

    #[test]
    fn bad_value_is_reported_at_its_line() {
        let mut d = Vec::new();
        let c = Config::from_toml("count = 2\n[safety]\nlevel = \"yolo\"\n", "c.toml", &mut d);
        assert_eq!(c.count, 2);
        assert_eq!(c.safety.level, SafetyLevel::Moderate);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].location, "c.toml:3:1");
        assert!(d[0].message.contains("strict"), "{}", d[0].message);
    }

    #[test]
    fn env_overrides_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "engine = \"builtin\"\ncount = 5\n").unwrap();
        let env = |name: &str| match name {
            "CARO_ENGINE" => Some("remote".to_string()),
            "CARO_SAFETY_LEVEL" => Some("strict".to_string()),
            "CARO_COUNT" => Some("many".to_string()),
            _ => None,
        };
        let loaded = Config::load_from(Some(&file), &env);
        assert_eq!(loaded.config.engine, EngineChoice::Remote);
        assert_eq!(loaded.config.safety.level, SafetyLevel::Strict);
        // A bad env value keeps the file's value and says so.
        assert_eq!(loaded.config.count, 5);
        assert_eq!(loaded.diagnostics.len(), 1);
        assert_eq!(loaded.diagnostics[0].location, "CARO_COUNT");
    }

    #[test]
    fn set_and_get_round_trip() {
        let mut c = Config::default();
        c.set("safety.allow", "git-force-push, ^docker").unwrap();
        assert_eq!(
            c.safety.allow,
            vec!["git-force-push".to_string(), "^docker".to_string()]
        );
        c.set("shell.progress_delay_ms", "300").unwrap();
        assert_eq!(c.get("shell.progress_delay_ms").as_deref(), Some("300"));
        assert!(c.set("nope", "1").is_err());
        assert!(c.set("count", "-1").is_err());
        assert_eq!(c.get("engine").as_deref(), Some("\"auto\""));
    }

    #[test]
    fn every_key_has_a_default_that_round_trips() {
        let c = Config::default();
        for doc in KEYS {
            let v = c
                .get(doc.path)
                .unwrap_or_else(|| panic!("no value for {}", doc.path));
            assert_eq!(
                v, doc.default,
                "default of {} differs from its doc",
                doc.path
            );
        }
    }
}
