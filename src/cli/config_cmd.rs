//! `caro config show|path|get|set|edit|default`.

use std::path::Path;

use clap::{Args, Subcommand};
use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter};

use crate::config::{self, Config, KEYS};
use crate::exit::{CliError, Exit};

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Print every key with its effective value (defaults, file, env applied)
    Show,
    /// Print the config file's path
    Path,
    /// Print one key's effective value
    Get {
        #[arg(add = ArgValueCandidates::new(super::complete::config_keys))]
        key: String,
    },
    /// Set a key in the config file (comments and layout are kept)
    Set {
        #[arg(add = ArgValueCandidates::new(super::complete::config_keys))]
        key: String,
        #[arg(add = ArgValueCompleter::new(super::complete::config_value))]
        value: String,
    },
    /// Open the config file in $VISUAL / $EDITOR (creates it from the example if missing)
    Edit,
    /// Print the documented example config with every default
    Default,
}

pub const EXAMPLE: &str = include_str!("../../config.example.toml");

pub fn run(args: ConfigArgs) -> Result<Exit, CliError> {
    match args.action {
        Action::Show => {
            let loaded = Config::load();
            let mut out = String::new();
            match &loaded.file {
                Some(p) if loaded.file_found => out.push_str(&format!("# file: {}\n", p.display())),
                Some(p) => {
                    out.push_str(&format!("# file: {} (not found; defaults)\n", p.display()))
                }
                None => out.push_str("# file: none ($HOME is not set)\n"),
            }
            for d in &loaded.diagnostics {
                out.push_str(&format!("# problem: {d}\n"));
            }
            for (key, value) in loaded.config.entries() {
                out.push_str(&format!("{key} = {value}\n"));
            }
            super::write_stdout(&out)?;
            Ok(if loaded.diagnostics.is_empty() {
                Exit::Success
            } else {
                Exit::Config
            })
        }
        Action::Path => {
            let path = crate::paths::config_file().ok_or_else(|| {
                CliError::new(Exit::Config, "cannot locate the config: $HOME is not set")
            })?;
            super::write_stdout(&format!("{}\n", path.display()))?;
            Ok(Exit::Success)
        }
        Action::Get { key } => {
            let loaded = Config::load();
            super::report_config_diagnostics(&loaded);
            match loaded.config.get(&key) {
                Some(v) => {
                    super::write_stdout(&format!("{v}\n"))?;
                    Ok(Exit::Success)
                }
                None => Err(CliError::new(Exit::Config, unknown_key(&key))),
            }
        }
        Action::Set { key, value } => {
            let path = crate::paths::config_file().ok_or_else(|| {
                CliError::new(Exit::Config, "cannot locate the config: $HOME is not set")
            })?;
            set_in_file(&path, &key, &value)?;
            eprintln!("caro: set {key} in {}", path.display());
            Ok(Exit::Success)
        }
        Action::Edit => {
            let path = crate::paths::config_file().ok_or_else(|| {
                CliError::new(Exit::Config, "cannot locate the config: $HOME is not set")
            })?;
            ensure_file(&path)?;
            let editor = std::env::var("VISUAL")
                .or_else(|_| std::env::var("EDITOR"))
                .unwrap_or_else(|_| "vi".into());
            let mut parts = shell_words::split(&editor)
                .map_err(|e| CliError::new(Exit::Config, format!("cannot parse $EDITOR: {e}")))?;
            if parts.is_empty() {
                parts.push("vi".into());
            }
            let status = std::process::Command::new(&parts[0])
                .args(&parts[1..])
                .arg(&path)
                .status()
                .map_err(|e| {
                    CliError::failure(format!("could not start editor '{}': {e}", parts[0]))
                })?;
            // Validate after editing so mistakes are caught now, not at the next Ctrl-G.
            let loaded = Config::load();
            super::report_config_diagnostics(&loaded);
            Ok(if !status.success() {
                Exit::Failure
            } else if loaded.diagnostics.is_empty() {
                Exit::Success
            } else {
                Exit::Config
            })
        }
        Action::Default => {
            super::write_stdout(EXAMPLE)?;
            Ok(Exit::Success)
        }
    }
}

fn unknown_key(key: &str) -> String {
    match config::KEYS
        .iter()
        .map(|k| k.path)
        .find(|p| p.starts_with(key))
    {
        Some(p) => format!("unknown key '{key}' (did you mean '{p}'?)"),
        None => format!(
            "unknown key '{key}'; known keys: {}",
            KEYS.iter().map(|k| k.path).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn ensure_file(path: &Path) -> Result<(), CliError> {
    if path.exists() {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::failure(format!("could not create {}: {e}", dir.display())))?;
    }
    std::fs::write(path, EXAMPLE)
        .map_err(|e| CliError::failure(format!("could not write {}: {e}", path.display())))
}

/// Validate the value, then edit the file line by line so comments survive.
fn set_in_file(path: &Path, key: &str, value: &str) -> Result<(), CliError> {
    let mut probe = Config::default();
    probe
        .set(key, value)
        .map_err(|e| CliError::new(Exit::Config, e))?;
    let rendered = probe.get(key).expect("key validated above");
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(CliError::failure(format!(
                "could not read {}: {e}",
                path.display()
            )))
        }
    };
    let updated = set_line(&text, key, &rendered);
    // Refuse to write a file that would not load cleanly.
    let mut diags = Vec::new();
    Config::from_toml(&updated, &path.display().to_string(), &mut diags);
    if let Some(d) = diags.first() {
        return Err(CliError::new(
            Exit::Config,
            format!("not saved: the file has a problem: {d}"),
        ));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::failure(format!("could not create {}: {e}", dir.display())))?;
    }
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, updated)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| CliError::failure(format!("could not write {}: {e}", path.display())))
}

/// Replace `leaf = …` inside the key's section (uncommenting nothing), or add it there.
pub fn set_line(text: &str, key: &str, rendered: &str) -> String {
    let (section, leaf) = match key.split_once('.') {
        Some((s, l)) => (Some(s), l),
        None => (None, key),
    };
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut current: Option<String> = None;
    let mut section_end: Option<usize> = None;
    let mut section_seen = section.is_none();
    for (i, line) in lines.iter_mut().enumerate() {
        let t = line.trim();
        if t.starts_with('[') && t.ends_with(']') {
            if current.as_deref() == section {
                section_end.get_or_insert(i);
            }
            current = Some(t.trim_matches(['[', ']']).trim().to_string());
            if current.as_deref() == section {
                section_seen = true;
                section_end = None;
            }
            continue;
        }
        if current.as_deref() != section {
            continue;
        }
        if let Some(rest) = t.strip_prefix(leaf) {
            if rest.trim_start().starts_with('=') {
                *line = format!("{leaf} = {rendered}");
                return join(lines);
            }
        }
    }
    let new_line = format!("{leaf} = {rendered}");
    match (section, section_seen) {
        // Top-level keys must come before the first table header.
        (None, _) => {
            let at = lines
                .iter()
                .position(|l| l.trim().starts_with('['))
                .unwrap_or(lines.len());
            lines.insert(at, new_line);
        }
        (Some(_), true) => {
            let at = section_end.unwrap_or(lines.len());
            lines.insert(at, new_line);
        }
        (Some(s), false) => {
            if lines.last().is_some_and(|l| !l.trim().is_empty()) {
                lines.push(String::new());
            }
            lines.push(format!("[{s}]"));
            lines.push(new_line);
        }
    }
    join(lines)
}

fn join(lines: Vec<String>) -> String {
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_line_keeps_comments_and_sections() {
        let text = "# top\ncount = 2\n\n[safety]\n# the level\nlevel = \"strict\"\n\n[shell]\nkey = \"ctrl-g\"\n";
        let out = set_line(text, "safety.level", "\"permissive\"");
        assert!(out.contains("# the level\nlevel = \"permissive\""));
        assert!(out.contains("# top"));
        let out = set_line(text, "engine", "\"builtin\"");
        assert!(
            out.starts_with("# top\ncount = 2\n\nengine = \"builtin\"\n[safety]")
                || out.contains("engine = \"builtin\"\n[safety]")
        );
        let out = set_line(text, "remote.url", "\"http://x\"");
        assert!(out.ends_with("[remote]\nurl = \"http://x\"\n"));
        let out = set_line(text, "shell.bind", "false");
        assert!(out.contains("[shell]\nkey = \"ctrl-g\"\nbind = false\n"));
        let out = set_line(text, "safety.deny", "[\"x\"]");
        assert!(
            out.contains("level = \"strict\"\n\ndeny = [\"x\"]\n[shell]")
                || out.contains("deny = [\"x\"]\n\n[shell]")
                || out.contains("deny = [\"x\"]\n[shell]"),
            "{out}"
        );
    }

    #[test]
    fn example_parses_to_defaults() {
        let mut d = Vec::new();
        let c = Config::from_toml(EXAMPLE, "example", &mut d);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c, Config::default());
    }
}
