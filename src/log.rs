//! Minimal logging behind `CARO_LOG` (off|error|warn|info|debug), to stderr or to the file
//! named by `CARO_LOG_FILE`. Never to stdout: stdout belongs to the payload (the widget
//! protocol, JSON, the command).

use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;

use once_cell::sync::OnceCell;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Off = 0,
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
}

static LEVEL: AtomicU8 = AtomicU8::new(0);
static FILE: OnceCell<Option<Mutex<std::fs::File>>> = OnceCell::new();

fn parse_level(s: &str) -> Level {
    match s.trim().to_ascii_lowercase().as_str() {
        "error" => Level::Error,
        "warn" | "warning" => Level::Warn,
        "info" => Level::Info,
        "debug" | "trace" | "1" | "true" => Level::Debug,
        _ => Level::Off,
    }
}

/// Read `CARO_LOG` / `CARO_LOG_FILE`. Cheap when unset (one getenv).
pub fn init() {
    let Some(level) = std::env::var_os("CARO_LOG") else {
        return;
    };
    let level = parse_level(&level.to_string_lossy());
    LEVEL.store(level as u8, Ordering::Relaxed);
    if level == Level::Off {
        return;
    }
    FILE.get_or_init(|| {
        let path = std::env::var_os("CARO_LOG_FILE").filter(|p| !p.is_empty())?;
        match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
        {
            Ok(file) => Some(Mutex::new(file)),
            Err(e) => {
                // Said once, on stderr (never stdout, which may be the widget protocol).
                eprintln!(
                    "caro: cannot open CARO_LOG_FILE {}: {e}; logging to stderr instead",
                    std::path::Path::new(&path).display()
                );
                None
            }
        }
    });
}

pub fn enabled(level: Level) -> bool {
    level as u8 <= LEVEL.load(Ordering::Relaxed) && level != Level::Off
}

pub fn log(level: Level, message: &str) {
    if !enabled(level) {
        return;
    }
    let line = format!("caro[{}] {:?}: {message}\n", std::process::id(), level);
    if let Some(Some(file)) = FILE.get() {
        if let Ok(mut f) = file.lock() {
            let _ = f.write_all(line.as_bytes());
            return;
        }
    }
    let _ = std::io::stderr().write_all(line.as_bytes());
}

pub fn debug(message: &str) {
    log(Level::Debug, message);
}

pub fn info(message: &str) {
    log(Level::Info, message);
}

pub fn warn(message: &str) {
    log(Level::Warn, message);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse() {
        assert_eq!(parse_level("DEBUG"), Level::Debug);
        assert_eq!(parse_level("warn"), Level::Warn);
        assert_eq!(parse_level("nonsense"), Level::Off);
    }
}
