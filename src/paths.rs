//! Where caro keeps its files. XDG base directories on every OS (macOS too), so dotfiles
//! managers treat caro like any other CLI tool.
//!
//! - config: `$XDG_CONFIG_HOME/caro` (default `~/.config/caro`), file `config.toml`;
//!   `CARO_CONFIG` names the file directly.
//! - data: `$XDG_DATA_HOME/caro` (default `~/.local/share/caro`): models, ONNX Runtime,
//!   saved abbreviations, the last accepted suggestion.
//! - cache: `$XDG_CACHE_HOME/caro` (default `~/.cache/caro`): things caro can rebuild
//!   (the PATH tool list, converted `.ort` models, embedding tables).

use std::path::PathBuf;

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

fn xdg(var: &str, fallback: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        // The spec says relative values are invalid and must be ignored.
        Some(v) if PathBuf::from(&v).is_absolute() => Some(PathBuf::from(v)),
        _ => home().map(|h| h.join(fallback)),
    }
}

pub fn config_dir() -> Option<PathBuf> {
    xdg("XDG_CONFIG_HOME", ".config").map(|d| d.join("caro"))
}

/// The config file caro reads: `$CARO_CONFIG`, else `<config_dir>/config.toml`.
pub fn config_file() -> Option<PathBuf> {
    match std::env::var_os("CARO_CONFIG") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => config_dir().map(|d| d.join("config.toml")),
    }
}

pub fn data_dir() -> Option<PathBuf> {
    xdg("XDG_DATA_HOME", ".local/share").map(|d| d.join("caro"))
}

pub fn cache_dir() -> Option<PathBuf> {
    xdg("XDG_CACHE_HOME", ".cache").map(|d| d.join("caro"))
}

/// Where models live: `<data_dir>/models`.
pub fn models_dir() -> Option<PathBuf> {
    data_dir().map(|d| d.join("models"))
}

/// Small state files (last accepted suggestion, saved abbreviations).
pub fn state_file(name: &str) -> Option<PathBuf> {
    data_dir().map(|d| d.join(name))
}
