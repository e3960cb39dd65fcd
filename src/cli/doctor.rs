//! `caro doctor`: what was detected, what is missing, and what to do about each.
//!
//! Plain-language checks come first, each problem with the command or edit that fixes it;
//! `--json` prints the same facts as one document for bug reports. Exit 0 when the config is
//! clean (warnings do not change it), 4 when the config has problems.
//!
//! Doctor only reads: files, the environment, directory entries. It never runs a program and
//! never prints a secret (API keys, passwords in URLs).

use std::path::{Path, PathBuf};

use clap::Args;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::config::{Config, Diagnostic, RemoteConfig};
use crate::context::{Context, EnvView, Os, Shell};
use crate::exit::{CliError, Exit};

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Print the report as JSON (for bug reports)
    #[arg(long)]
    pub json: bool,
}

/// How a check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    Info,
    Warn,
    Error,
}

impl Level {
    fn tag(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

/// One plain-language finding.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    pub area: &'static str,
    pub level: Level,
    pub summary: String,
    /// What to do about it, when something should be done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    fn new(area: &'static str, level: Level, summary: impl Into<String>) -> Check {
        Check {
            area,
            level,
            summary: summary.into(),
            fix: None,
        }
    }
    fn fix(mut self, fix: impl Into<String>) -> Check {
        self.fix = Some(fix.into());
        self
    }
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub version: &'static str,
    pub system: SystemReport,
    pub config: ConfigReport,
    pub tools: ToolsReport,
    pub shell_integration: IntegrationReport,
    pub encoder: EncoderReport,
    pub remote: RemoteReport,
    pub checks: Vec<Check>,
}

#[derive(Debug, Serialize)]
pub struct SystemReport {
    pub os: Os,
    pub arch: &'static str,
    pub distro: Option<String>,
    pub flavour: &'static str,
    pub shell: Shell,
    /// Where the shell came from: `CARO_SHELL`, `SHELL`, or the bash fallback.
    pub shell_source: &'static str,
    pub root: bool,
    pub cwd: PathBuf,
    pub caro_binary: Option<PathBuf>,
    pub caro_on_path: Option<PathBuf>,
    pub log: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ConfigReport {
    pub file: Option<PathBuf>,
    pub found: bool,
    pub problems: Vec<Diagnostic>,
}

#[derive(Debug, Serialize)]
pub struct ToolsReport {
    pub found: Vec<String>,
    pub missing: Vec<MissingTool>,
}

#[derive(Debug, Serialize)]
pub struct MissingTool {
    pub name: String,
    pub purpose: String,
    pub optional: bool,
    pub package: String,
}

#[derive(Debug, Serialize)]
pub struct IntegrationReport {
    pub shell: Shell,
    pub key: String,
    pub init_found_in: Vec<PathBuf>,
    pub files_read: Vec<PathBuf>,
    pub conflicts: Vec<Conflict>,
}

/// Another binding of caro's key in a startup file.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Conflict {
    pub shell: Shell,
    pub file: PathBuf,
    pub line: usize,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct EncoderReport {
    #[serde(flatten)]
    pub status: crate::encoder::EncoderStatus,
    /// Every model directory present, whichever is configured.
    pub installed_models: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct RemoteReport {
    pub configured: bool,
    /// The URL with any password removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key_env: Option<String>,
    /// Whether the variable named by `api_key_env` is set (never its value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key_set: Option<bool>,
    /// Why the remote engine cannot be used as configured (checked without connecting).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

pub fn run(args: DoctorArgs) -> Result<Exit, CliError> {
    let report = diagnose(&EnvView::from_process());
    let config_broken = !report.config.problems.is_empty();
    let text = if args.json {
        let mut text = serde_json::to_string_pretty(&report)
            .map_err(|e| CliError::failure(format!("could not render the report: {e}")))?;
        text.push('\n');
        text
    } else {
        render_plain(&report)
    };
    super::write_stdout(&text)?;
    Ok(if config_broken {
        Exit::Config
    } else {
        Exit::Success
    })
}

/// Gather every fact and check. `env` is the environment to judge (injectable for tests).
pub fn diagnose(env: &EnvView) -> Report {
    let loaded = Config::load();
    let config = &loaded.config;
    let ctx = Context::with_env(env.clone(), None, None);
    let home = env
        .get_raw("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from);
    let mut checks = Vec::new();

    let system = system_report(&ctx, env);
    checks.push(Check::new(
        "system",
        Level::Ok,
        format!(
            "{} {}{}, {} core utilities",
            system.os,
            system.arch,
            system
                .distro
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default(),
            system.flavour.to_ascii_uppercase()
        ),
    ));
    let source = match system.shell_source {
        "fallback" => "assumed: $SHELL is not bash, zsh or fish".to_string(),
        var => format!("from ${var}"),
    };
    let shell_check = Check::new(
        "shell",
        Level::Ok,
        format!(
            "{} ({source}){}; cwd {}",
            system.shell,
            if system.root { "; running as root" } else { "" },
            system.cwd.display()
        ),
    );
    checks.push(if system.shell_source == "fallback" {
        Check {
            level: Level::Warn,
            ..shell_check
        }
        .fix("the widget tells caro its shell (`caro init <shell>` sets CARO_SHELL); elsewhere pass --shell")
    } else {
        shell_check
    });
    checks.push(binary_check(&system));

    let config_report = ConfigReport {
        file: loaded.file.clone(),
        found: loaded.file_found,
        problems: loaded.diagnostics.clone(),
    };
    checks.extend(config_checks(&config_report));

    let tools = tools_report(&ctx);
    checks.extend(tools_checks(&tools, ctx.os, ctx.distro()));

    let integration = integration_report(ctx.shell, &config.shell.key, home.as_deref(), env);
    checks.extend(integration_checks(&integration, config));

    let encoder = EncoderReport {
        status: crate::encoder::status(&config.encoder),
        installed_models: super::complete::installed_models(),
    };
    checks.push(encoder_check(&encoder));

    let remote = remote_report(&config.remote, env, ctx.tool_installed("curl"));
    checks.extend(remote_checks(&remote, config));

    Report {
        version: env!("CARGO_PKG_VERSION"),
        system,
        config: config_report,
        tools,
        shell_integration: integration,
        encoder,
        remote,
        checks,
    }
}

fn system_report(ctx: &Context, env: &EnvView) -> SystemReport {
    let shell_source = if env
        .get("CARO_SHELL")
        .is_some_and(|s| s.parse::<Shell>().is_ok())
    {
        "CARO_SHELL"
    } else if env
        .get("SHELL")
        .is_some_and(|s| s.rsplit('/').next().unwrap_or(&s).parse::<Shell>().is_ok())
    {
        "SHELL"
    } else {
        "fallback"
    };
    SystemReport {
        os: ctx.os,
        arch: ctx.arch,
        distro: ctx.distro().map(str::to_string),
        flavour: ctx.flavour().as_str(),
        shell: ctx.shell,
        shell_source,
        root: ctx.is_root,
        cwd: ctx.cwd.clone(),
        caro_binary: std::env::current_exe().ok(),
        caro_on_path: ctx.tools.resolve("caro"),
        log: env.get("CARO_LOG"),
    }
}

fn binary_check(system: &SystemReport) -> Check {
    let this = system
        .caro_binary
        .as_deref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "caro".into());
    match &system.caro_on_path {
        None => {
            let dir = system
                .caro_binary
                .as_deref()
                .and_then(Path::parent)
                .map(|d| d.display().to_string())
                .unwrap_or_else(|| "~/.local/bin".into());
            Check::new("binary", Level::Warn, format!("caro is not on your PATH ({this})"))
                .fix(format!(
                    "add its directory to PATH in your shell's startup file: export PATH=\"{dir}:$PATH\""
                ))
        }
        Some(on_path) => {
            let same = system.caro_binary.as_deref().is_some_and(|b| {
                std::fs::canonicalize(b).ok() == std::fs::canonicalize(on_path).ok()
            });
            if same {
                Check::new(
                    "binary",
                    Level::Ok,
                    format!("caro {} at {this}", env!("CARGO_PKG_VERSION")),
                )
            } else {
                Check::new(
                    "binary",
                    Level::Info,
                    format!(
                        "this is {this}, but `caro` on PATH is {}",
                        on_path.display()
                    ),
                )
                .fix("the shell widgets run the one on PATH; reinstall (./install.sh) if it is an old copy")
            }
        }
    }
}

fn config_checks(report: &ConfigReport) -> Vec<Check> {
    let mut checks = Vec::new();
    let Some(file) = report.file.as_deref().map(|p| p.display().to_string()) else {
        return vec![Check::new(
            "config",
            Level::Warn,
            "no config location ($HOME is not set); using the defaults",
        )
        .fix("set HOME, or CARO_CONFIG=/path/to/config.toml")];
    };
    if report.problems.is_empty() {
        let state = if report.found {
            "no problems"
        } else {
            "not found; using the defaults"
        };
        checks.push(Check::new("config", Level::Ok, format!("{file}: {state}")));
    }
    for problem in &report.problems {
        let fix = match problem.origin {
            crate::config::Origin::Env => format!(
                "fix or unset {} (`caro config show` lists every key and its value)",
                problem.location
            ),
            _ => "edit the file (`caro config edit`) and run `caro doctor` again; until then caro uses the defaults for what it could not read".to_string(),
        };
        checks.push(Check::new("config", Level::Error, problem.to_string()).fix(fix));
    }
    checks
}

/// One entry of `data/doctor-tools.toml`.
#[derive(Debug, Deserialize)]
struct ToolSpec {
    name: String,
    #[serde(default)]
    alternatives: Vec<String>,
    purpose: String,
    debian: String,
    brew: String,
    #[serde(default)]
    optional: bool,
}

#[derive(Debug, Deserialize)]
struct ToolList {
    tool: Vec<ToolSpec>,
}

const TOOLS_FILE: &str = include_str!("../../data/doctor-tools.toml");

fn tool_specs() -> Vec<ToolSpec> {
    // The file is part of the binary and covered by a test, so it always parses.
    toml::from_str::<ToolList>(TOOLS_FILE)
        .map(|l| l.tool)
        .unwrap_or_default()
}

fn tools_report(ctx: &Context) -> ToolsReport {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for spec in tool_specs() {
        let present = std::iter::once(&spec.name)
            .chain(&spec.alternatives)
            .find(|name| ctx.tools.has(name));
        match present {
            Some(name) => found.push(name.clone()),
            None => missing.push(MissingTool {
                package: match ctx.os {
                    Os::Linux => spec.debian.clone(),
                    Os::Macos => spec.brew.clone(),
                },
                name: spec.name,
                purpose: spec.purpose,
                optional: spec.optional,
            }),
        }
    }
    ToolsReport { found, missing }
}

fn tools_checks(tools: &ToolsReport, os: Os, distro: Option<&str>) -> Vec<Check> {
    let total = tools.found.len() + tools.missing.len();
    let mut checks = vec![Check::new(
        "tools",
        Level::Ok,
        format!(
            "{} of {total} common tools found: {}",
            tools.found.len(),
            tools.found.join(", ")
        ),
    )];
    for (optional, level) in [(false, Level::Warn), (true, Level::Info)] {
        let group: Vec<&MissingTool> = tools
            .missing
            .iter()
            .filter(|t| t.optional == optional)
            .collect();
        if group.is_empty() {
            continue;
        }
        let names: Vec<String> = group
            .iter()
            .map(|t| format!("{} ({})", t.name, t.purpose))
            .collect();
        let mut packages: Vec<&str> = group
            .iter()
            .map(|t| t.package.as_str())
            .filter(|p| !p.is_empty())
            .collect();
        packages.dedup();
        let installer = match (os, distro) {
            (Os::Macos, _) => "brew install",
            (Os::Linux, Some("fedora" | "rhel" | "centos")) => "sudo dnf install",
            (Os::Linux, Some("arch" | "manjaro")) => "sudo pacman -S",
            (Os::Linux, Some("alpine")) => "sudo apk add",
            _ => "sudo apt install",
        };
        let what = if optional {
            "optional, missing"
        } else {
            "missing"
        };
        let mut check = Check::new("tools", level, format!("{what}: {}", names.join(", ")));
        if !packages.is_empty() {
            let why = if optional {
                "suggestions that use them are shown only when they are installed"
            } else {
                "suggestions that need them will warn that they are not installed"
            };
            check = check.fix(format!("{installer} {} ({why})", packages.join(" ")));
        }
        checks.push(check);
    }
    checks
}

/// The startup files where a shell's init line and key bindings live.
fn startup_files(shell: Shell, home: Option<&Path>, env: &EnvView) -> Vec<PathBuf> {
    let Some(home) = home else {
        return Vec::new();
    };
    match shell {
        Shell::Zsh => {
            let dir = env
                .get("ZDOTDIR")
                .filter(|d| !d.is_empty())
                .map(PathBuf::from)
                .unwrap_or_else(|| home.to_path_buf());
            vec![dir.join(".zshrc")]
        }
        Shell::Bash => vec![
            home.join(".bashrc"),
            home.join(".bash_profile"),
            home.join(".inputrc"),
        ],
        Shell::Fish => {
            let config = env
                .get("XDG_CONFIG_HOME")
                .filter(|d| Path::new(d).is_absolute())
                .map(PathBuf::from)
                .unwrap_or_else(|| home.join(".config"))
                .join("fish");
            let mut files = vec![
                config.join("config.fish"),
                config.join("functions/fish_user_key_bindings.fish"),
            ];
            if let Ok(entries) = std::fs::read_dir(config.join("conf.d")) {
                let mut confd: Vec<PathBuf> = entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "fish"))
                    .collect();
                confd.sort();
                files.extend(confd);
            }
            files
        }
    }
}

fn integration_report(
    shell: Shell,
    key: &str,
    home: Option<&Path>,
    env: &EnvView,
) -> IntegrationReport {
    let mut report = IntegrationReport {
        shell,
        key: key.to_string(),
        init_found_in: Vec::new(),
        files_read: Vec::new(),
        conflicts: Vec::new(),
    };
    let init_line =
        Regex::new(&format!(r"\bcaro\b.*\binit\s+{}\b", shell.as_str())).expect("init regex");
    let binding = parse_key(key).map(|chords| binding_regex(shell, &chords));
    for file in startup_files(shell, home, env) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        report.files_read.push(file.clone());
        let is_inputrc = file.file_name().is_some_and(|n| n == ".inputrc");
        for (index, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with('#') {
                continue;
            }
            if init_line.is_match(code) {
                if !report.init_found_in.contains(&file) {
                    report.init_found_in.push(file.clone());
                }
                continue;
            }
            // caro's own lines (a wrapper around the init, say) are not conflicts.
            if code.contains("caro") {
                continue;
            }
            let Some(binding) = &binding else { continue };
            // Removing a binding (`bindkey -r`, `bind -r`, fish `bind -e`) is no conflict.
            if UNBIND.is_match(code) {
                continue;
            }
            let matched = if is_inputrc {
                binding.inputrc.is_match(code)
            } else {
                binding.rc.is_match(code)
            };
            if matched {
                report.conflicts.push(Conflict {
                    shell,
                    file: file.clone(),
                    line: index + 1,
                    text: code.trim_end().to_string(),
                });
            }
        }
    }
    report
}

fn integration_checks(report: &IntegrationReport, config: &Config) -> Vec<Check> {
    let mut checks = Vec::new();
    let shell = report.shell;
    let line = match shell {
        Shell::Fish => "caro init fish | source".to_string(),
        other => format!("eval \"$(caro init {other})\""),
    };
    let where_to = match shell {
        Shell::Zsh => "~/.zshrc",
        Shell::Bash => "~/.bashrc",
        Shell::Fish => "~/.config/fish/config.fish",
    };
    if report.init_found_in.is_empty() {
        checks.push(
            Check::new(
                "integration",
                Level::Warn,
                format!("no `{line}` line found in your {shell} startup files"),
            )
            .fix(format!(
                "add `{line}` at the end of {where_to}, then open a new terminal"
            )),
        );
    } else {
        let files: Vec<String> = report
            .init_found_in
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        checks.push(Check::new(
            "integration",
            Level::Ok,
            format!("{shell} loads caro from {}", files.join(", ")),
        ));
    }
    if !config.shell.bind {
        checks.push(
            Check::new(
                "key",
                Level::Info,
                "shell.bind is false: caro binds no key".to_string(),
            )
            .fix("bind one yourself, or `caro config set shell.bind true`"),
        );
        return checks;
    }
    if parse_key(&report.key).is_none() {
        checks.push(
            Check::new(
                "key",
                Level::Warn,
                format!("shell.key '{}' is not a key caro understands", report.key),
            )
            .fix("use ctrl-LETTER or alt-LETTER, optionally two of them: `caro config set shell.key alt-g`"),
        );
        return checks;
    }
    if report.conflicts.is_empty() {
        checks.push(Check::new(
            "key",
            Level::Ok,
            format!("no other binding of {} in your startup files", report.key),
        ));
    }
    for conflict in &report.conflicts {
        checks.push(
            Check::new(
                "key",
                Level::Warn,
                format!(
                    "{}:{} also binds {}: `{}` (whichever runs last wins)",
                    conflict.file.display(),
                    conflict.line,
                    report.key,
                    conflict.text
                ),
            )
            .fix(format!(
                "give caro another key: `caro config set shell.key {}` and open a new terminal, or remove that binding",
                alternative_key(&report.key)
            )),
        );
    }
    checks
}

/// A key the user could switch to.
fn alternative_key(current: &str) -> &'static str {
    if current == "alt-g" {
        "ctrl-x ctrl-g"
    } else {
        "alt-g"
    }
}

/// One chord of a key setting: `ctrl-g` → (Ctrl, 'g').
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Modifier {
    Ctrl,
    Alt,
}

/// `ctrl-g`, `alt-g`, `ctrl-x ctrl-g` → chords; `None` when the setting is not understood.
fn parse_key(key: &str) -> Option<Vec<(Modifier, char)>> {
    let chords: Option<Vec<_>> = key
        .split_whitespace()
        .map(|chord| {
            let chord = chord.to_ascii_lowercase();
            let (modifier, rest) = if let Some(rest) = chord.strip_prefix("ctrl-") {
                (Modifier::Ctrl, rest.to_string())
            } else if let Some(rest) = chord
                .strip_prefix("alt-")
                .or_else(|| chord.strip_prefix("meta-"))
            {
                (Modifier::Alt, rest.to_string())
            } else {
                return None;
            };
            let mut chars = rest.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if c.is_ascii_alphanumeric() => Some((modifier, c)),
                _ => None,
            }
        })
        .collect();
    chords.filter(|c| !c.is_empty() && c.len() <= 2)
}

static UNBIND: once_cell::sync::Lazy<Regex> = once_cell::sync::Lazy::new(|| {
    Regex::new(r"^(?:bindkey|bind)\s+(?:\S+\s+)*?(?:-r|-e|--erase)(?:\s|$)").expect("unbind regex")
});

struct BindingRegex {
    /// A line in a shell startup file that binds the key.
    rc: Regex,
    /// A line in `~/.inputrc` (readline syntax) that binds it.
    inputrc: Regex,
}

/// Every spelling of the key in a shell's binding syntax, as a regex alternation.
fn spellings(shell: Shell, chords: &[(Modifier, char)]) -> String {
    let per_chord = |(modifier, c): (Modifier, char)| -> Vec<String> {
        let lower = c.to_ascii_lowercase();
        match (shell, modifier) {
            (Shell::Zsh, Modifier::Ctrl) => vec![format!("^{lower}"), format!("\\C-{lower}")],
            (Shell::Zsh, Modifier::Alt) => vec![
                format!("^[{lower}"),
                format!("\\e{lower}"),
                format!("\\M-{lower}"),
            ],
            (Shell::Bash, Modifier::Ctrl) => vec![format!("\\C-{lower}")],
            (Shell::Bash, Modifier::Alt) => vec![format!("\\e{lower}"), format!("\\M-{lower}")],
            (Shell::Fish, Modifier::Ctrl) => vec![format!("\\c{lower}"), format!("ctrl-{lower}")],
            (Shell::Fish, Modifier::Alt) => vec![format!("\\e{lower}"), format!("alt-{lower}")],
        }
    };
    // Every combination of per-chord spellings (at most two chords, three spellings each).
    let mut combos: Vec<String> = vec![String::new()];
    for (i, chord) in chords.iter().enumerate() {
        let mut next = Vec::new();
        for prefix in &combos {
            for spelling in per_chord(*chord) {
                // fish 4 joins named keys with a comma: `ctrl-x,ctrl-g`.
                let joiner = if i > 0 && shell == Shell::Fish && !spelling.starts_with('\\') {
                    ","
                } else {
                    ""
                };
                next.push(format!("{prefix}{joiner}{spelling}"));
            }
        }
        combos = next;
    }
    combos
        .iter()
        .map(|s| regex::escape(s))
        .collect::<Vec<_>>()
        .join("|")
}

fn binding_regex(shell: Shell, chords: &[(Modifier, char)]) -> BindingRegex {
    let keys = spellings(shell, chords);
    // The key must be a whole argument: `^G` must not match inside `^Gx`.
    let rc = match shell {
        Shell::Zsh => format!(r#"(?i)^bindkey\b(?:.*\s)?['"]?(?:{keys})['"]?(?:\s|$)"#),
        Shell::Bash => format!(r#"(?i)^bind\b.*['"]?"(?:{keys})"\s*:"#),
        Shell::Fish => format!(r#"(?i)^bind\b(?:.*\s)?['"]?(?:{keys})['"]?(?:\s|$)"#),
    };
    let bash = spellings(Shell::Bash, chords);
    let inputrc = format!(r#"(?i)^"(?:{bash})"\s*:"#);
    BindingRegex {
        rc: Regex::new(&rc).expect("binding regex"),
        inputrc: Regex::new(&inputrc).expect("inputrc regex"),
    }
}

fn encoder_check(report: &EncoderReport) -> Check {
    let status = &report.status;
    if !status.enabled {
        return Check::new(
            "encoder",
            Level::Info,
            "off (encoder.enabled = false); suggestions use lexical matching",
        )
        .fix("`caro config set encoder.enabled true` to rank by meaning");
    }
    if status.available {
        let what = status
            .description
            .clone()
            .unwrap_or_else(|| status.model.name.clone());
        return Check::new(
            "encoder",
            Level::Ok,
            format!("ranking by meaning with {what}"),
        );
    }
    let reason = status
        .reason
        .clone()
        .unwrap_or_else(|| "unavailable".into());
    // Not installed is a choice (caro works without it); installed but broken needs a fix.
    if status.model.installed {
        Check::new(
            "encoder",
            Level::Warn,
            format!(
                "model {} is installed but cannot be used: {reason}",
                status.model.name
            ),
        )
    } else {
        Check::new(
            "encoder",
            Level::Info,
            format!("not in use, suggestions use lexical matching: {reason}"),
        )
    }
}

fn remote_report(config: &RemoteConfig, env: &EnvView, curl: bool) -> RemoteReport {
    if config.url.trim().is_empty() {
        return RemoteReport {
            configured: false,
            url: None,
            model: None,
            api_key_env: None,
            api_key_set: None,
            problem: None,
        };
    }
    let key_env = config.api_key_env.trim();
    // The engine's own validation (URL form, model, key variable); it never connects. Its
    // messages quote the URL, so the password in it is masked here.
    let problem = crate::engine::remote::Remote::from_config(config, env)
        .err()
        .map(|e| e.to_string().replace(&config.url, &redact_url(&config.url)))
        .or_else(|| {
            (config.url.trim().starts_with("https://") && !curl).then(|| {
                "https:// servers are reached through curl, which is not on PATH".to_string()
            })
        });
    RemoteReport {
        configured: true,
        url: Some(redact_url(&config.url)),
        model: Some(config.model.clone()),
        api_key_env: (!key_env.is_empty()).then(|| key_env.to_string()),
        // Raw access on purpose: the value is a secret, so only its presence is reported.
        api_key_set: (!key_env.is_empty())
            .then(|| env.get_raw(key_env).is_some_and(|v| !v.trim().is_empty())),
        problem,
    }
}

fn remote_checks(report: &RemoteReport, config: &Config) -> Vec<Check> {
    use crate::config::EngineChoice;
    let Some(url) = &report.url else {
        let mut check = Check::new(
            "remote",
            Level::Ok,
            "remote engine not configured (optional; caro works offline)",
        );
        if config.engine == EngineChoice::Remote {
            check = Check::new(
                "remote",
                Level::Warn,
                "engine is \"remote\" but remote.url is empty, so nothing can answer",
            )
            .fix("`caro config set remote.url http://localhost:11434/v1`, or `caro config set engine auto`");
        }
        return vec![check];
    };
    let model = report
        .model
        .as_deref()
        .filter(|m| !m.is_empty())
        .unwrap_or("(no model set)");
    let mut checks = vec![Check::new(
        "remote",
        Level::Ok,
        format!("remote engine at {url}, model {model}"),
    )];
    if let Some(problem) = &report.problem {
        let fix = if problem.contains("api_key_env") {
            let name = report.api_key_env.as_deref().unwrap_or("THE_VARIABLE");
            format!("export {name}=... in your shell's startup file (the key never goes in config.toml)")
        } else if problem.contains("remote.model") {
            "`caro config set remote.model NAME` (a model your server serves)".to_string()
        } else if problem.contains("curl") {
            "install curl (e.g. `sudo apt install curl`), or use the server's http:// endpoint"
                .to_string()
        } else {
            "correct remote.url: `caro config set remote.url http://HOST:PORT/v1`".to_string()
        };
        checks.push(
            Check::new(
                "remote",
                Level::Warn,
                format!("remote engine unusable: {problem}"),
            )
            .fix(fix),
        );
        return checks;
    }
    match (&report.api_key_env, report.api_key_set) {
        (Some(name), Some(false)) => checks.push(
            Check::new("remote", Level::Warn, format!("{name} is set but empty"))
                .fix(format!("export {name}=... with the server's API key")),
        ),
        (Some(name), Some(true)) => checks.push(Check::new(
            "remote",
            Level::Ok,
            format!("API key variable {name} is set"),
        )),
        _ if !is_local_url(url) => checks.push(
            Check::new("remote", Level::Info, "no API key configured").fix(
                "if the server needs one: `caro config set remote.api_key_env NAME_OF_VARIABLE`",
            ),
        ),
        _ => {}
    }
    checks
}

/// The URL without a password (`https://user:secret@host` → `https://user:***@host`).
fn redact_url(url: &str) -> String {
    static USERINFO: once_cell::sync::Lazy<Regex> = once_cell::sync::Lazy::new(|| {
        Regex::new(r"^([a-zA-Z][a-zA-Z0-9+.-]*://[^/@:]*):[^/@]*@").expect("url regex")
    });
    let redacted = USERINFO.replace(url, "$1:***@").into_owned();
    // Query strings carry keys too (`?api_key=…`).
    match redacted.split_once('?') {
        Some((base, _)) => format!("{base}?…"),
        None => redacted,
    }
}

fn is_local_url(url: &str) -> bool {
    let after_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let host = after_scheme
        .split(['/', '?'])
        .next()
        .unwrap_or("")
        .rsplit('@')
        .next()
        .unwrap_or("");
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.split_once(']'))
        .map(|(h, _)| h)
        .unwrap_or_else(|| host.split(':').next().unwrap_or(host));
    matches!(host, "localhost" | "127.0.0.1" | "::1") || host.starts_with("127.")
}

/// The report as text: one line per check, fixes indented under it, a verdict at the end.
pub fn render_plain(report: &Report) -> String {
    let mut out = format!("caro doctor (caro {})\n\n", report.version);
    for check in &report.checks {
        out.push_str(&format!(
            "[{:<5}] {:<12} {}\n",
            check.level.tag(),
            check.area,
            check.summary
        ));
        if let Some(fix) = &check.fix {
            if check.level >= Level::Info {
                out.push_str(&format!("{:22}fix: {fix}\n", ""));
            }
        }
    }
    let errors = report
        .checks
        .iter()
        .filter(|c| c.level == Level::Error)
        .count();
    let warnings = report
        .checks
        .iter()
        .filter(|c| c.level == Level::Warn)
        .count();
    out.push('\n');
    out.push_str(&match (errors, warnings) {
        (0, 0) => "everything looks fine\n".to_string(),
        (0, w) => format!("{w} warning(s); caro works, but see the fixes above\n"),
        (e, w) => format!(
            "{e} config problem(s), {w} warning(s): caro uses defaults where the config is broken (exit 4)\n"
        ),
    });
    out.push_str("for a bug report, attach the output of `caro doctor --json`\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_list_parses_and_names_packages() {
        let specs = tool_specs();
        assert!(specs.len() >= 10, "{specs:?}");
        for s in &specs {
            assert!(!s.purpose.is_empty() && !s.debian.is_empty(), "{s:?}");
        }
    }

    #[test]
    fn keys_parse() {
        assert_eq!(parse_key("ctrl-g"), Some(vec![(Modifier::Ctrl, 'g')]));
        assert_eq!(
            parse_key("ctrl-x ctrl-G"),
            Some(vec![(Modifier::Ctrl, 'x'), (Modifier::Ctrl, 'g')])
        );
        assert_eq!(parse_key("alt-g"), Some(vec![(Modifier::Alt, 'g')]));
        for bad in [
            "",
            "g",
            "ctrl-",
            "ctrl-gg",
            "super-g",
            "ctrl-a ctrl-b ctrl-c",
        ] {
            assert_eq!(parse_key(bad), None, "{bad}");
        }
    }

    fn binds(shell: Shell, key: &str, line: &str) -> bool {
        binding_regex(shell, &parse_key(key).unwrap())
            .rc
            .is_match(line)
    }

    #[test]
    fn finds_bindings_in_each_syntax() {
        assert!(binds(Shell::Zsh, "ctrl-g", "bindkey '^G' fzf-widget"));
        assert!(binds(Shell::Zsh, "ctrl-g", "bindkey -M viins \"^g\" other"));
        assert!(binds(Shell::Zsh, "ctrl-g", r"bindkey '\C-g' other"));
        assert!(!binds(Shell::Zsh, "ctrl-g", "bindkey '^Gx' other"));
        assert!(!binds(Shell::Zsh, "ctrl-g", "bindkey '^R' history"));
        assert!(binds(Shell::Zsh, "alt-g", r"bindkey '\eg' thing"));
        assert!(binds(Shell::Zsh, "ctrl-x ctrl-g", "bindkey '^X^G' thing"));

        assert!(binds(Shell::Bash, "ctrl-g", r#"bind '"\C-g": abort'"#));
        assert!(binds(Shell::Bash, "ctrl-g", r#"bind -x '"\C-g": my_fn'"#));
        assert!(binds(
            Shell::Bash,
            "ctrl-g",
            r#"bind -m vi-insert -x '"\C-g": f'"#
        ));
        assert!(!binds(Shell::Bash, "ctrl-g", r#"bind '"\C-r": reverse'"#));
        assert!(binds(Shell::Bash, "alt-g", r#"bind '"\eg": x'"#));

        assert!(binds(Shell::Fish, "ctrl-g", r"bind \cg my_fn"));
        assert!(binds(Shell::Fish, "ctrl-g", "bind -M insert ctrl-g my_fn"));
        assert!(binds(Shell::Fish, "ctrl-x ctrl-g", "bind ctrl-x,ctrl-g f"));
        assert!(binds(Shell::Fish, "ctrl-x ctrl-g", r"bind \cx\cg f"));
        assert!(!binds(Shell::Fish, "ctrl-g", r"bind \cr history"));
        for unbind in [
            "bindkey -r '^G'",
            r#"bind -r "\C-g""#,
            r"bind -e \cg",
            "bind --erase -M insert ctrl-g",
        ] {
            assert!(UNBIND.is_match(unbind), "{unbind}");
        }
        assert!(!UNBIND.is_match("bindkey '^G' widget"));
        assert!(!UNBIND.is_match(r"bind -M insert \cg f"));

        let inputrc = binding_regex(Shell::Bash, &parse_key("ctrl-g").unwrap()).inputrc;
        assert!(inputrc.is_match(r#""\C-g": abort"#));
        assert!(!inputrc.is_match(r#""\C-a": beginning-of-line"#));
    }

    #[test]
    fn urls_lose_their_secrets() {
        assert_eq!(
            redact_url("https://bob:hunter2@api.example.com/v1"),
            "https://bob:***@api.example.com/v1"
        );
        assert_eq!(
            redact_url("https://api.example.com/v1?key=abc"),
            "https://api.example.com/v1?…"
        );
        assert_eq!(
            redact_url("http://localhost:11434/v1"),
            "http://localhost:11434/v1"
        );
        assert!(is_local_url("http://localhost:11434/v1"));
        assert!(is_local_url("http://127.0.0.1:8080"));
        assert!(is_local_url("http://[::1]:8080/v1"));
        assert!(!is_local_url("https://api.openai.com/v1"));
    }
}
