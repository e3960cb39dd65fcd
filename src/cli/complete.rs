//! Shell completion of caro's own CLI through clap_complete's dynamic engine.
//!
//! `caro init` registers it (`COMPLETE=zsh caro` prints the shell glue); on Tab the shell
//! calls caro again with `COMPLETE` set and this module answers. Static values (shells,
//! engines, formats, safety levels) come from clap's `ValueEnum`s; config keys, config values
//! and model names are computed here.
//!
//! Tab must feel instant, so this path runs before logging and config loading and reads at
//! most one directory (the models directory). Nothing here writes anything.

use std::ffi::{OsStr, OsString};

use clap_complete::engine::CompletionCandidate;
use clap_complete::env::CompleteEnv;

use crate::config::{Kind, KEYS};

/// Answer a completion request and exit, if this process was started for one.
pub fn handle_env() {
    CompleteEnv::with_factory(super::command).complete();
}

/// Config keys with their docs.
pub fn config_keys() -> Vec<CompletionCandidate> {
    KEYS.iter()
        .map(|k| CompletionCandidate::new(k.path).help(Some(k.doc.into())))
        .collect()
}

/// Installed encoder models: the directory names under `paths::models_dir()`. For model
/// NAME arguments (`#[arg(add = ArgValueCandidates::new(super::complete::model_names))]`);
/// `config set encoder.model <Tab>` already uses the same list.
#[allow(dead_code)] // until `caro model` (encoder branch) takes NAME arguments
pub fn model_names() -> Vec<CompletionCandidate> {
    installed_models()
        .into_iter()
        .map(CompletionCandidate::new)
        .collect()
}

/// Model directory names, sorted; empty when the directory does not exist.
pub(crate) fn installed_models() -> Vec<String> {
    let Some(dir) = crate::paths::models_dir() else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        // Hidden directories are partial downloads or caches, not models.
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// Values for `caro config set KEY <Tab>`, chosen by the key's type.
///
/// clap_complete hands a value completer only the word under the cursor, so the key is read
/// from the words the shell passed to this process (`caro -- caro config set KEY VALUE`).
pub fn config_value(current: &OsStr) -> Vec<CompletionCandidate> {
    let words: Vec<OsString> = std::env::args_os().collect();
    let Some(key) = key_being_set(&words) else {
        return Vec::new();
    };
    let prefix = current.to_string_lossy();
    values_for_key(&key)
        .into_iter()
        .filter(|v| v.starts_with(prefix.as_ref()))
        .map(CompletionCandidate::new)
        .collect()
}

/// The KEY of `config set KEY …` in a completion request's words.
fn key_being_set(words: &[OsString]) -> Option<String> {
    let config_at = words.iter().position(|w| w == "config")?;
    let rest = &words[config_at + 1..];
    let set_at = rest.iter().position(|w| w == "set")?;
    rest.get(set_at + 1)?.to_str().map(str::to_string)
}

fn values_for_key(key: &str) -> Vec<String> {
    let Some(doc) = KEYS.iter().find(|k| k.path == key) else {
        return Vec::new();
    };
    match doc.kind {
        Kind::Bool => vec!["true".into(), "false".into()],
        Kind::Choice(options) => options.iter().map(|o| o.to_string()).collect(),
        Kind::Str if key == "encoder.model" => installed_models(),
        Kind::Str if key == "shell.key" => ["ctrl-g", "alt-g", "ctrl-x ctrl-g"]
            .iter()
            .map(|k| k.to_string())
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(ws: &[&str]) -> Vec<OsString> {
        ws.iter().map(OsString::from).collect()
    }

    #[test]
    fn finds_the_key_being_set() {
        let w = words(&["caro", "--", "caro", "config", "set", "safety.level", "st"]);
        assert_eq!(key_being_set(&w).as_deref(), Some("safety.level"));
        let w = words(&["caro", "--", "caro", "config", "get", "engine"]);
        assert_eq!(key_being_set(&w), None);
    }

    #[test]
    fn values_follow_the_key_type() {
        assert_eq!(values_for_key("shell.bind"), ["true", "false"]);
        assert!(values_for_key("engine").contains(&"remote".to_string()));
        assert!(values_for_key("safety.level").contains(&"strict".to_string()));
        assert!(values_for_key("count").is_empty());
        assert!(values_for_key("no.such.key").is_empty());
    }
}
