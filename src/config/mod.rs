//! Configuration: defaults < `config.toml` < `CARO_*` environment < command-line flags.
//!
//! Loading never fails the caller. A malformed file or a bad value becomes a [`Diagnostic`]
//! (with line and column when the file is the culprit) and the affected layer falls back to
//! the defaults: a broken config must never leave the user without a suggestion, let alone
//! without their prompt.

mod fast;
mod keys;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

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

    /// Every set variable whose name starts with `CARO_`, as (name, value). The default asks
    /// for each known setting by name; [`ProcessEnv`] scans the environment once instead.
    fn caro_vars(&self) -> Vec<(String, String)> {
        keys::env_names()
            .iter()
            .filter_map(|name| Some((name.clone(), self.var(name)?)))
            .collect()
    }
}

/// The real process environment.
pub struct ProcessEnv;

impl EnvSource for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }

    fn caro_vars(&self) -> Vec<(String, String)> {
        process_caro_vars()
    }
}

/// One pass over `environ`, comparing five bytes per variable. Asking `getenv` for each of the
/// 22 settings instead scans the whole environment 22 times, which with the 150 variables of a
/// busy shell costs more than parsing the config file.
#[cfg(any(all(target_os = "linux", target_env = "gnu"), target_os = "macos"))]
fn process_caro_vars() -> Vec<(String, String)> {
    use std::ffi::CStr;
    use std::os::raw::c_char;

    const PREFIX: &[u8] = b"CARO_";
    let mut found = Vec::new();
    // SAFETY: `environ` is a NULL-terminated array of NUL-terminated strings owned by libc.
    // It is only invalidated by a concurrent setenv/putenv; caro changes its environment only
    // in the completion path (clap_complete), which exits before configuration is loaded.
    unsafe {
        #[cfg(target_os = "macos")]
        let mut entry = *nix::libc::_NSGetEnviron() as *const *const c_char;
        #[cfg(not(target_os = "macos"))]
        let mut entry = nix::libc::environ as *const *const c_char;
        if entry.is_null() {
            return found;
        }
        while !(*entry).is_null() {
            let var = *entry;
            // Stops at the first mismatch, so the NUL terminator is never passed.
            let matches = PREFIX
                .iter()
                .enumerate()
                .all(|(i, &b)| *var.add(i) as u8 == b);
            if matches {
                let bytes = CStr::from_ptr(var).to_bytes();
                if let Some(eq) = bytes.iter().position(|&b| b == b'=') {
                    if let (Ok(name), Ok(value)) = (
                        std::str::from_utf8(&bytes[..eq]),
                        std::str::from_utf8(&bytes[eq + 1..]),
                    ) {
                        found.push((name.to_string(), value.to_string()));
                    }
                }
            }
            entry = entry.add(1);
        }
    }
    found
}

#[cfg(not(any(all(target_os = "linux", target_env = "gnu"), target_os = "macos")))]
fn process_caro_vars() -> Vec<(String, String)> {
    keys::env_names()
        .iter()
        .filter_map(|name| Some((name.clone(), std::env::var(name).ok()?)))
        .collect()
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
            match read_config_text(path) {
                Ok(text) => {
                    file_found = true;
                    // The fast path first: the file name is only needed for messages.
                    config = match fast::load(&text) {
                        Some(config) => config,
                        None => Config::from_toml_full(
                            &text,
                            &path.display().to_string(),
                            &mut diagnostics,
                        ),
                    };
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

    /// Parse a config file's text. Unknown keys and bad values warn and are ignored (the
    /// rest of the file still applies); a syntax error yields the defaults for the whole
    /// file, with the position.
    pub fn from_toml(text: &str, name: &str, diagnostics: &mut Vec<Diagnostic>) -> Config {
        // Clean files in the common subset of TOML skip the complete parser (see `fast`).
        if let Some(config) = fast::load(text) {
            return config;
        }
        Config::from_toml_full(text, name, diagnostics)
    }

    /// The complete TOML parser, with positioned messages for every problem.
    fn from_toml_full(text: &str, name: &str, diagnostics: &mut Vec<Diagnostic>) -> Config {
        let mut config = Config::default();
        // The borrowing parser, not `text.parse::<toml::Table>()`: that one runs the document
        // through serde into owned maps, which costs more than the parse itself, and loses
        // the spans we want for messages.
        let document = match DeTable::parse(text) {
            Ok(d) => d,
            Err(e) => {
                diagnostics.push(file_diagnostic(name, text, e.span(), e.message()));
                return config;
            }
        };
        for_each_leaf(document.get_ref(), &mut |key, key_span, value| {
            let problem = match keys::lookup(key) {
                Some(doc) => {
                    let value_span = Some(value.span());
                    let checked = to_toml(value.get_ref()).and_then(|v| {
                        keys::check(doc, &v)?;
                        Ok(v)
                    });
                    match checked.and_then(|v| config.assign(doc, &v)) {
                        Ok(()) => None,
                        Err(msg) => Some((value_span, format!("{key}: {msg}"))),
                    }
                }
                None => {
                    let hint = keys::suggest(key)
                        .map(|s| format!(" (did you mean '{s}'?)"))
                        .unwrap_or_default();
                    Some((Some(key_span), format!("unknown key '{key}' ignored{hint}")))
                }
            };
            if let Some((span, message)) = problem {
                diagnostics.push(file_diagnostic(name, text, span, &message));
            }
        });
        config
    }

    /// Apply `CARO_<KEY>` variables (`safety.level` → `CARO_SAFETY_LEVEL`).
    pub fn apply_env(&mut self, env: &dyn EnvSource, diagnostics: &mut Vec<Diagnostic>) {
        let set = env.caro_vars();
        if set.is_empty() {
            return;
        }
        for (doc, name) in KEYS.iter().zip(keys::env_names()) {
            let Some((_, raw)) = set.iter().find(|(n, _)| n == name) else {
                continue;
            };
            let applied = keys::parse_value(doc, raw).and_then(|v| self.assign(doc, &v));
            if let Err(message) = applied {
                diagnostics.push(Diagnostic {
                    origin: Origin::Env,
                    location: name.clone(),
                    message: format!(
                        "{message}; using {}",
                        self.get(doc.path).unwrap_or_default()
                    ),
                });
            }
        }
        for (name, _) in &set {
            if let Some(meant) = keys::suggest_env(name) {
                diagnostics.push(Diagnostic {
                    origin: Origin::Env,
                    location: name.clone(),
                    message: format!("not a caro setting, ignored (did you mean {meant}?)"),
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
        self.assign(doc, &value)
    }

    /// The current value of a key, rendered as TOML.
    pub fn get(&self, key: &str) -> Option<String> {
        self.value_of(keys::lookup(key)?).map(|v| v.to_string())
    }

    /// All keys with their current values, in documentation order.
    pub fn entries(&self) -> Vec<(&'static str, String)> {
        KEYS.iter()
            .map(|d| (d.path, self.get(d.path).unwrap_or_default()))
            .collect()
    }

    /// Store a value that [`keys::check`] accepted for `doc` into its field.
    fn assign(&mut self, doc: &KeyDoc, value: &toml::Value) -> Result<(), String> {
        use toml::Value as V;
        let wrong = || format!("{}: unexpected value {value}", doc.path);
        let int = |v: &V| match v {
            V::Integer(i) if *i >= 0 => Ok(*i as u64),
            _ => Err(wrong()),
        };
        let boolean = |v: &V| v.as_bool().ok_or_else(wrong);
        let string = |v: &V| v.as_str().map(str::to_string).ok_or_else(wrong);
        let list = |v: &V| match v {
            V::Array(items) => items
                .iter()
                .map(|i| i.as_str().map(str::to_string).ok_or_else(wrong))
                .collect::<Result<Vec<_>, _>>(),
            _ => Err(wrong()),
        };
        fn choice(v: &toml::Value) -> Option<&str> {
            v.as_str()
        }
        match doc.path {
            "engine" => {
                self.engine = match choice(value).ok_or_else(wrong)? {
                    "auto" => EngineChoice::Auto,
                    "builtin" => EngineChoice::Builtin,
                    "semantic" => EngineChoice::Semantic,
                    "remote" => EngineChoice::Remote,
                    _ => return Err(wrong()),
                }
            }
            "count" => self.count = int(value)? as usize,
            "format" => {
                self.format = match choice(value).ok_or_else(wrong)? {
                    "plain" => Format::Plain,
                    "json" => Format::Json,
                    "widget" => Format::Widget,
                    _ => return Err(wrong()),
                }
            }
            "timeout_ms" => self.timeout_ms = int(value)?,
            "explain" => self.explain = boolean(value)?,
            "safety.level" => {
                self.safety.level = match choice(value).ok_or_else(wrong)? {
                    "strict" => SafetyLevel::Strict,
                    "moderate" => SafetyLevel::Moderate,
                    "permissive" => SafetyLevel::Permissive,
                    _ => return Err(wrong()),
                }
            }
            "safety.allow" => self.safety.allow = list(value)?,
            "safety.deny" => self.safety.deny = list(value)?,
            "safety.allow_critical" => self.safety.allow_critical = boolean(value)?,
            "safety.check_installed" => self.safety.check_installed = boolean(value)?,
            "shell.key" => self.shell.key = string(value)?,
            "shell.bind" => self.shell.bind = boolean(value)?,
            "shell.progress_delay_ms" => self.shell.progress_delay_ms = int(value)?,
            "shell.history" => self.shell.history = boolean(value)?,
            "encoder.enabled" => self.encoder.enabled = boolean(value)?,
            "encoder.model" => self.encoder.model = string(value)?,
            "encoder.ort_library" => self.encoder.ort_library = string(value)?,
            "encoder.threads" => self.encoder.threads = int(value)? as usize,
            "remote.url" => self.remote.url = string(value)?,
            "remote.model" => self.remote.model = string(value)?,
            "remote.api_key_env" => self.remote.api_key_env = string(value)?,
            "remote.timeout_ms" => self.remote.timeout_ms = int(value)?,
            other => return Err(format!("internal error: key '{other}' has no field")),
        }
        Ok(())
    }

    /// A key's current value as TOML (the inverse of [`Config::assign`]).
    fn value_of(&self, doc: &KeyDoc) -> Option<toml::Value> {
        use toml::Value as V;
        let s = |v: &str| V::String(v.to_string());
        let list = |v: &[String]| V::Array(v.iter().map(|i| s(i)).collect());
        let int = |v: u64| V::Integer(i64::try_from(v).unwrap_or(i64::MAX));
        Some(match doc.path {
            "engine" => s(self.engine.as_str()),
            "count" => int(self.count as u64),
            "format" => s(match self.format {
                Format::Plain => "plain",
                Format::Json => "json",
                Format::Widget => "widget",
            }),
            "timeout_ms" => int(self.timeout_ms),
            "explain" => V::Boolean(self.explain),
            "safety.level" => s(match self.safety.level {
                SafetyLevel::Strict => "strict",
                SafetyLevel::Moderate => "moderate",
                SafetyLevel::Permissive => "permissive",
            }),
            "safety.allow" => list(&self.safety.allow),
            "safety.deny" => list(&self.safety.deny),
            "safety.allow_critical" => V::Boolean(self.safety.allow_critical),
            "safety.check_installed" => V::Boolean(self.safety.check_installed),
            "shell.key" => s(&self.shell.key),
            "shell.bind" => V::Boolean(self.shell.bind),
            "shell.progress_delay_ms" => int(self.shell.progress_delay_ms),
            "shell.history" => V::Boolean(self.shell.history),
            "encoder.enabled" => V::Boolean(self.encoder.enabled),
            "encoder.model" => s(&self.encoder.model),
            "encoder.ort_library" => s(&self.encoder.ort_library),
            "encoder.threads" => int(self.encoder.threads as u64),
            "remote.url" => s(&self.remote.url),
            "remote.model" => s(&self.remote.model),
            "remote.api_key_env" => s(&self.remote.api_key_env),
            "remote.timeout_ms" => int(self.remote.timeout_ms),
            _ => return None,
        })
    }
}

/// The file's text in four system calls (open, read, the read that sees the end, close).
/// `fs::read_to_string` adds a `statx` and an `lseek` to size its buffer, and in sandboxes
/// where a system call costs a microsecond that was a tenth of a load.
fn read_config_text(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(8 * 1024);
    // Through `Take` because `File`'s own `read_to_end` asks for the size first; this one
    // reads straight into the spare capacity and grows it if the file is larger.
    file.take(u64::MAX).read_to_end(&mut bytes)?;
    String::from_utf8(bytes).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "the file is not valid UTF-8 (byte {}); save it as UTF-8",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// Called with a dotted key, the key's span and the value.
type LeafVisitor<'a> = dyn FnMut(&str, std::ops::Range<usize>, &Spanned<DeValue<'_>>) + 'a;

/// Visit every leaf of a parsed file as a dotted key with the key's span: `[safety] level =
/// …` and `safety.level = …` both arrive as `safety.level`. Tables that are not sections are
/// leaves (and so reported as unknown keys).
fn for_each_leaf(table: &DeTable<'_>, visit: &mut LeafVisitor<'_>) {
    // One buffer for every dotted key: `format!` per leaf was a measurable share of a load.
    let mut key = String::with_capacity(48);
    for (k, v) in table {
        match v.get_ref() {
            DeValue::Table(inner) if keys::is_section(k.get_ref()) => {
                for (leaf, value) in inner {
                    key.clear();
                    key.push_str(k.get_ref());
                    key.push('.');
                    key.push_str(leaf.get_ref());
                    visit(&key, leaf.span(), value);
                }
            }
            _ => visit(k.get_ref(), k.span(), v),
        }
    }
}

/// An owned value for the type checks. Only leaves of known keys are converted, and those
/// are small (a string, a number, a short list).
fn to_toml(value: &DeValue<'_>) -> Result<toml::Value, String> {
    Ok(match value {
        DeValue::String(s) => toml::Value::String(s.to_string()),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .map(toml::Value::Integer)
            .map_err(|_| format!("the number {} is out of range", i.as_str()))?,
        DeValue::Float(f) => toml::Value::Float(f.as_str().parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => toml::Value::Boolean(*b),
        DeValue::Datetime(d) => toml::Value::Datetime(*d),
        DeValue::Array(items) => toml::Value::Array(
            items
                .into_iter()
                .map(|item| to_toml(item.get_ref()))
                .collect::<Result<_, _>>()?,
        ),
        DeValue::Table(table) => {
            let mut out = toml::Table::new();
            for (k, v) in table {
                out.insert(k.get_ref().to_string(), to_toml(v.get_ref())?);
            }
            toml::Value::Table(out)
        }
    })
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
    fn unknown_keys_in_sections_and_tables_are_located_exactly() {
        let mut d = Vec::new();
        let text = "count = 2\n[shell]\n  keyy = \"alt-g\"\n[plugins]\nx = 1\n";
        let c = Config::from_toml(text, "c.toml", &mut d);
        assert_eq!(c.count, 2);
        assert_eq!(d.len(), 2, "{d:?}");
        // In file order (toml's `preserve_order`).
        assert_eq!(d[0].location, "c.toml:3:3");
        assert!(
            d[0].message.contains("did you mean 'shell.key'"),
            "{}",
            d[0]
        );
        assert_eq!(d[1].location, "c.toml:4:2");
        assert!(d[1].message.contains("unknown key 'plugins'"), "{}", d[1]);
    }

    #[test]
    fn reads_files_of_any_size_and_rejects_bad_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.toml");
        // Larger than the first read buffer, so the growth path runs.
        let mut text = "count = 4\n".to_string();
        while text.len() < 40 * 1024 {
            text.push_str("# padding comment line\n");
        }
        std::fs::write(&big, &text).unwrap();
        assert_eq!(read_config_text(&big).unwrap(), text);
        let loaded = Config::load_from(Some(&big), &|_: &str| None);
        assert_eq!(loaded.config.count, 4);

        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, b"count = 2\n# caf\xe9\n").unwrap();
        let loaded = Config::load_from(Some(&bad), &|_: &str| None);
        assert_eq!(loaded.config, Config::default());
        assert_eq!(loaded.diagnostics.len(), 1);
        assert!(
            loaded.diagnostics[0].message.contains("not valid UTF-8"),
            "{}",
            loaded.diagnostics[0]
        );
        // A directory is reported, not mistaken for a missing file.
        let loaded = Config::load_from(Some(dir.path()), &|_: &str| None);
        assert!(loaded.diagnostics[0].message.contains("could not read"));
    }

    #[test]
    fn bad_value_is_reported_at_its_line() {
        let mut d = Vec::new();
        let c = Config::from_toml("count = 2\n[safety]\nlevel = \"yolo\"\n", "c.toml", &mut d);
        assert_eq!(c.count, 2);
        assert_eq!(c.safety.level, SafetyLevel::Moderate);
        assert_eq!(d.len(), 1);
        // Points at the value, which is what needs changing.
        assert_eq!(d[0].location, "c.toml:3:9");
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
    fn every_value_of_every_key_survives_set_then_get() {
        for doc in KEYS {
            let samples: Vec<String> = match doc.kind {
                Kind::Bool => vec!["true".into(), "false".into()],
                Kind::Int { min } => vec![min.to_string(), (min + 7).to_string()],
                Kind::Str => vec!["some value".into(), String::new()],
                Kind::Choice(options) => options.iter().map(|o| o.to_string()).collect(),
                Kind::List => vec!["a, b".into(), "[\"x\"]".into()],
            };
            for raw in samples {
                let mut c = Config::default();
                c.set(doc.path, &raw)
                    .unwrap_or_else(|e| panic!("set {} = {raw}: {e}", doc.path));
                let mut d = Vec::new();
                let text = format!("{} = {}\n", doc.path, c.get(doc.path).unwrap());
                let reparsed = Config::from_toml(&text, "t.toml", &mut d);
                assert!(d.is_empty(), "{text}: {d:?}");
                assert_eq!(reparsed, c, "{text}");
            }
            if let Kind::Int { min } = doc.kind {
                let mut c = Config::default();
                assert!(
                    c.set(doc.path, &(min - 1).to_string()).is_err(),
                    "{}",
                    doc.path
                );
            }
        }
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
