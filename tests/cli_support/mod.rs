//! Shared set-up for the CLI tests: every test runs the real `caro` binary in a sandbox (a temp
//! HOME, XDG directories and working directory) with a cleared environment, so nothing from
//! the developer's own config, shell or `CARO_*` variables leaks in.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::path::{Path, PathBuf};
use std::process::Output;

pub const BIN: &str = env!("CARGO_BIN_EXE_caro");

/// Every exit code caro documents (src/exit.rs, README).
pub const SUCCESS: i32 = 0;
pub const NO_SUGGESTION: i32 = 1;
pub const USAGE: i32 = 2;
pub const BLOCKED: i32 = 3;
pub const CONFIG: i32 = 4;
pub const FAILURE: i32 = 5;
pub const INTERRUPTED: i32 = 130;

pub struct Sandbox {
    root: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let root = tempfile::tempdir().expect("temp dir");
        for dir in ["home/.config", "home/.local/share", "home/.cache", "work"] {
            std::fs::create_dir_all(root.path().join(dir)).expect("sandbox dirs");
        }
        Sandbox { root }
    }

    pub fn root(&self) -> &Path {
        self.root.path()
    }
    pub fn home(&self) -> PathBuf {
        self.root.path().join("home")
    }
    pub fn work(&self) -> PathBuf {
        self.root.path().join("work")
    }
    pub fn config_file(&self) -> PathBuf {
        self.home().join(".config/caro/config.toml")
    }

    /// Write `~/.config/caro/config.toml` (the XDG default location).
    pub fn write_config(&self, text: &str) -> PathBuf {
        let path = self.config_file();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    /// `caro` with a clean environment rooted in the sandbox.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(BIN);
        cmd.env_clear()
            .current_dir(self.work())
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", self.home())
            .env("XDG_CONFIG_HOME", self.home().join(".config"))
            .env("XDG_DATA_HOME", self.home().join(".local/share"))
            .env("XDG_CACHE_HOME", self.home().join(".cache"))
            .env("SHELL", "/bin/bash")
            .env("LANG", "C.UTF-8");
        cmd
    }

    /// Same, as a `std::process::Command` (for tests that need to spawn and signal).
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(BIN);
        cmd.env_clear()
            .current_dir(self.work())
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", self.home())
            .env("XDG_CONFIG_HOME", self.home().join(".config"))
            .env("XDG_DATA_HOME", self.home().join(".local/share"))
            .env("XDG_CACHE_HOME", self.home().join(".cache"))
            .env("SHELL", "/bin/bash")
            .env("LANG", "C.UTF-8");
        cmd
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn code(o: &Output) -> i32 {
    o.status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {o:?}"))
}

/// No panic message, no backtrace: bad input must end in a message, never a crash.
pub fn assert_no_panic(o: &Output) {
    let err = stderr(o);
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "caro panicked: {err}"
    );
    assert!(o.status.code().is_some(), "caro died of a signal: {o:?}");
}

/// A widget document: the header, then only known records, each on one line.
pub fn assert_widget_protocol(text: &str) -> WidgetDoc {
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("caro-widget 1"),
        "widget stdout: {text:?}"
    );
    let mut doc = WidgetDoc::default();
    for line in lines {
        let (key, value) = line.split_once(' ').unwrap_or((line, ""));
        match key {
            "status" => doc.status = value.to_string(),
            "cmd" => doc.commands.push(value.to_string()),
            "info" => doc.infos.push(value.to_string()),
            "msg" => doc.message = Some(value.to_string()),
            other => panic!("unexpected widget record {other:?} in {text:?}"),
        }
    }
    assert!(
        ["ok", "blocked", "none", "error"].contains(&doc.status.as_str()),
        "bad status in {text:?}"
    );
    assert!(
        text.ends_with('\n'),
        "widget output must end with a newline"
    );
    doc
}

#[derive(Debug, Default)]
pub struct WidgetDoc {
    pub status: String,
    pub commands: Vec<String>,
    pub infos: Vec<String>,
    pub message: Option<String>,
}

/// The exit code every status maps to (the widgets branch on it).
pub fn exit_for_status(status: &str) -> i32 {
    match status {
        "ok" => SUCCESS,
        "none" => NO_SUGGESTION,
        "blocked" => BLOCKED,
        "error" => FAILURE,
        other => panic!("unknown status {other}"),
    }
}
