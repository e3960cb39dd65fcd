//! `caro init <shell>`: print the shell integration script.
//!
//! Fail-safe by design: whatever goes wrong (bad key, broken config, unknown binary path),
//! init says so in one `#`-prefixed line on stderr, prints a script that still loads, and
//! exits 0. A broken rc file must never break the user's shell.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::config::Config;
use crate::context::Shell;
use crate::exit::{CliError, Exit};
use crate::shell::abbr::Store;
use crate::shell::{render, InitOptions, Key, LAST_SUGGESTION_FILE};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Shell to integrate with
    #[arg(value_enum)]
    pub shell: Shell,

    /// Key to bind, e.g. ctrl-g, alt-g, "ctrl-x ctrl-g" [default: config `shell.key`]
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,

    /// Define the widget without binding a key (bind `__caro_widget` yourself)
    #[arg(long)]
    pub no_bind: bool,

    /// Binary the widget calls [default: this caro]. For packagers and tests.
    #[arg(long, value_name = "PATH", hide = true)]
    pub bin: Option<PathBuf>,
}

fn warn(message: &str) {
    eprintln!("# caro: init: {message}");
}

pub fn run(args: InitArgs) -> Result<Exit, CliError> {
    let loaded = Config::load();
    for d in &loaded.diagnostics {
        warn(&format!(
            "config: {d} (using defaults for it; see `caro doctor`)"
        ));
    }
    let config = &loaded.config;

    let bin = args
        .bin
        .clone()
        .unwrap_or_else(|| match std::env::current_exe() {
            Ok(path) => path,
            Err(e) => {
                warn(&format!(
                    "could not find caro's own path ({e}); the widget will look for `caro` on PATH"
                ));
                PathBuf::from("caro")
            }
        });
    let mut opts = InitOptions::new(args.shell, bin);

    let spec = args.key.as_deref().unwrap_or(&config.shell.key);
    let key = spec.parse::<Key>().unwrap_or_else(|e| {
        warn(&format!("{e}; binding ctrl-g instead"));
        Key::default()
    });
    opts.key_label = key.label();
    opts.key = (config.shell.bind && !args.no_bind).then_some(key);

    opts.history = config.shell.history;
    opts.timeout_program = find_timeout_program();
    // Slightly longer than the helper's own deadline, so the helper normally reports its
    // own timeout; the script's deadline only catches a helper that hangs.
    let helper_ms = if config.remote.url.is_empty() {
        config.timeout_ms
    } else {
        config.timeout_ms.max(config.remote.timeout_ms)
    };
    opts.hard_timeout_ms = helper_ms + 1000;

    opts.last_file = crate::paths::state_file(LAST_SUGGESTION_FILE);
    if let Some(dir) = opts.last_file.as_deref().and_then(Path::parent) {
        // The scripts write the last suggestion with a plain redirection (no mkdir fork).
        if let Err(e) = std::fs::create_dir_all(dir) {
            warn(&format!(
                "could not create {}: {e}; `!!caro` and `caro abbr add` will have nothing to reuse",
                dir.display()
            ));
        }
    }

    if args.shell == Shell::Fish {
        if let Some(store) = Store::default_location() {
            match store.load() {
                Ok(saved) => opts.abbreviations = saved.into_iter().collect(),
                Err(e) => warn(&format!("{e}; saved abbreviations skipped")),
            }
        }
    }

    super::write_stdout(&render(&opts))?;
    Ok(Exit::Success)
}

/// coreutils `timeout` (`gtimeout` when installed from Homebrew on macOS).
fn find_timeout_program() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["timeout", "gtimeout"].iter().find_map(|name| {
        std::env::split_paths(&path)
            .filter(|dir| dir.is_absolute())
            .map(|dir| dir.join(name))
            .find(|p| is_executable(p))
    })
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}
