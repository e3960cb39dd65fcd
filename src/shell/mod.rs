//! Shell integration: the init scripts in `shell/`, rendered for `caro init`.
//!
//! The scripts are whole files (lintable, diffable) embedded at compile time. Rendering only
//! substitutes `__CARO_*__` placeholders with values quoted for the target shell, then
//! appends the key bindings, the completion glue for caro's own CLI and (fish) the
//! abbreviations. Everything that can go wrong here degrades to a warning and a script
//! that still loads: a broken rc file must never break the user's shell.

pub mod abbr;
pub mod key;

use std::path::{Path, PathBuf};

use crate::context::Shell;
use crate::quote::quote;

pub use key::Key;

pub const ZSH_SCRIPT: &str = include_str!("../../shell/caro.zsh");
pub const BASH_SCRIPT: &str = include_str!("../../shell/caro.bash");
pub const FISH_SCRIPT: &str = include_str!("../../shell/caro.fish");

/// The file holding the last suggestion a widget inserted (`!!caro`, `caro abbr add`).
pub const LAST_SUGGESTION_FILE: &str = "last-suggestion";

/// Everything `caro init` decides; rendering is a pure function of it.
#[derive(Clone, Debug)]
pub struct InitOptions {
    pub shell: Shell,
    /// Absolute path of the caro binary the widget calls.
    pub bin: PathBuf,
    /// The key to bind; `None` defines the widget without binding it.
    pub key: Option<Key>,
    /// Used in messages even when nothing is bound (the user binds it themselves).
    pub key_label: String,
    /// `timeout`-style program (coreutils `timeout` or `gtimeout`), if installed; fish
    /// wraps the helper in it (zsh and bash enforce the deadline themselves).
    pub timeout_program: Option<PathBuf>,
    /// The hard deadline the script enforces, in milliseconds.
    pub hard_timeout_ms: u64,
    /// Keep the request in shell history.
    pub history: bool,
    /// Where the last inserted suggestion is written (empty: nowhere).
    pub last_file: Option<PathBuf>,
    /// Register clap_complete's completion of caro's own CLI.
    pub completions: bool,
    /// Saved abbreviations (fish only), name → command.
    pub abbreviations: Vec<(String, String)>,
}

impl InitOptions {
    /// The defaults for a shell: bound to Ctrl-G, history on, no timeout program.
    pub fn new(shell: Shell, bin: impl Into<PathBuf>) -> InitOptions {
        let key = Key::default();
        InitOptions {
            shell,
            bin: bin.into(),
            key_label: key.label(),
            key: Some(key),
            timeout_program: None,
            hard_timeout_ms: 6000,
            history: true,
            last_file: None,
            completions: true,
            abbreviations: Vec::new(),
        }
    }
}

fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Seconds for `timeout(1)` and messages: whole when possible, else one decimal.
pub fn seconds(ms: u64) -> String {
    if ms % 1000 == 0 {
        (ms / 1000).to_string()
    } else {
        format!("{:.1}", ms as f64 / 1000.0)
    }
}

/// The `timeout` words: `timeout --foreground -s INT -k 1 6`. `--foreground` keeps the
/// helper in the terminal's process group so Ctrl-C still reaches it; INT lets it erase
/// its progress indicator; `-k 1` kills it if it ignores that.
fn timeout_words(opts: &InitOptions) -> Vec<String> {
    match &opts.timeout_program {
        Some(program) => vec![
            quote(&path_str(program), opts.shell),
            "--foreground".into(),
            "-s".into(),
            "INT".into(),
            "-k".into(),
            "1".into(),
            seconds(opts.hard_timeout_ms),
        ],
        None => Vec::new(),
    }
}

/// Render the whole init script.
pub fn render(opts: &InitOptions) -> String {
    let sh = opts.shell;
    let template = match sh {
        Shell::Zsh => ZSH_SCRIPT,
        Shell::Bash => BASH_SCRIPT,
        Shell::Fish => FISH_SCRIPT,
    };
    let last_file = opts.last_file.as_deref().map(path_str).unwrap_or_default();
    let mut out = template
        .replace("__CARO_BIN__", &quote(&path_str(&opts.bin), sh))
        .replace(
            "__CARO_TIMEOUT_S__",
            &quote(&seconds(opts.hard_timeout_ms), sh),
        )
        .replace("__CARO_TIMEOUT__", &timeout_words(opts).join(" "))
        .replace("__CARO_HISTORY__", if opts.history { "1" } else { "0" })
        .replace("__CARO_LAST_FILE__", &quote(&last_file, sh))
        .replace("__CARO_KEY_LABEL__", &quote(&opts.key_label, sh));
    if let Some(key) = &opts.key {
        out.push('\n');
        out.push_str(&bindings(sh, key));
    }
    if sh == Shell::Fish {
        out.push('\n');
        out.push_str(&fish_abbreviations(&opts.abbreviations));
    }
    if opts.completions {
        out.push('\n');
        out.push_str(&completions(sh, &opts.bin));
    }
    out
}

fn bindings(sh: Shell, key: &Key) -> String {
    match sh {
        Shell::Zsh => {
            let seq = quote(&key.zsh(), sh);
            // Emacs and both vi keymaps (viins for typing, vicmd after Esc).
            format!(
                "# Key bindings (caro init --key KEY, or --no-bind to bind it yourself).\n\
                 bindkey -M emacs {seq} __caro_widget\n\
                 bindkey -M viins {seq} __caro_widget\n\
                 bindkey -M vicmd {seq} __caro_widget\n"
            )
        }
        Shell::Bash => {
            let seq = key.bash();
            let unbind = quote(&seq, sh);
            let bind = quote(&format!("\"{seq}\": __caro_widget"), sh);
            // `bind` complains when line editing is off (Emacs shell-mode, dumb terminals):
            // stay silent there. bash 5.1 corrupts other `bind -x` bindings when one is
            // overwritten, so unbind first.
            format!(
                "# Key bindings (caro init --key KEY, or --no-bind to bind it yourself).\n\
                 if [[ -o emacs || -o vi ]]; then\n    \
                     for __caro_keymap in emacs vi-insert vi-command; do\n        \
                         bind -m \"$__caro_keymap\" -r {unbind} 2>/dev/null\n        \
                         bind -m \"$__caro_keymap\" -x {bind}\n    \
                     done\n    \
                     unset __caro_keymap\n\
                 fi\n"
            )
        }
        Shell::Fish => {
            let old = key.fish3();
            let new = key.fish4();
            format!(
                "# Key bindings (caro init --key KEY, or --no-bind to bind it yourself).\n\
                 # fish 4 names keys (ctrl-g); fish 3 uses escapes (\\cg).\n\
                 if status is-interactive\n    \
                     if string match -qr '^[0-3]\\.' -- $version\n        \
                         bind {old} __caro_widget\n        \
                         bind -M insert {old} __caro_widget\n    \
                     else\n        \
                         bind {new} __caro_widget\n        \
                         bind -M insert {new} __caro_widget\n    \
                     end\n\
                 end\n",
                new = quote(&new, sh),
            )
        }
    }
}

/// `!!caro` and the user's saved abbreviations. `--regex` and `--function` need fish 3.6.
fn fish_abbreviations(saved: &[(String, String)]) -> String {
    let mut out = String::from(
        "# Abbreviations (fish 3.6+): never ask a model, only reuse what caro wrote.\n\
         if string match -qr '^(3\\.([6-9]|[1-9][0-9])|[4-9]|[1-9][0-9])' -- $version\n    \
             abbr --add __caro_last --position anywhere --regex '!!caro' --function __caro_abbr_last\n",
    );
    for (name, command) in saved {
        out.push_str(&format!(
            "    abbr --add {} -- {}\n",
            quote(name, Shell::Fish),
            quote(command, Shell::Fish)
        ));
    }
    out.push_str("end\n");
    out
}

/// Completion of caro's own CLI, through clap_complete's dynamic mode: the shell calls
/// `COMPLETE=<shell> caro -- words…` on Tab and caro answers.
fn completions(sh: Shell, bin: &Path) -> String {
    use clap_complete::env::EnvCompleter;
    let completer = path_str(bin);
    let mut buf = Vec::new();
    let written = match sh {
        Shell::Zsh => clap_complete::env::Zsh
            .write_registration("COMPLETE", "caro", "caro", &completer, &mut buf),
        Shell::Bash => clap_complete::env::Bash
            .write_registration("COMPLETE", "caro", "caro", &completer, &mut buf),
        Shell::Fish => clap_complete::env::Fish
            .write_registration("COMPLETE", "caro", "caro", &completer, &mut buf),
    };
    if written.is_err() {
        return String::new();
    }
    let glue = String::from_utf8_lossy(&buf).into_owned();
    let header = "# Tab completion of caro's own command line (clap_complete).\n";
    match sh {
        Shell::Zsh => {
            // `compdef` exists only after compinit, which many rc files run after this
            // line: register now if possible, else once, at the first prompt.
            let body: Vec<&str> = glue
                .lines()
                .filter(|l| !l.starts_with("#compdef") && !l.starts_with("compdef "))
                .collect();
            format!(
                "{header}{}\n\
                 __caro_register_completion() {{\n    \
                     (( $+functions[compdef] )) || return 0\n    \
                     compdef _clap_dynamic_completer_caro caro\n    \
                     add-zsh-hook -d precmd __caro_register_completion 2>/dev/null\n\
                 }}\n\
                 if (( $+functions[compdef] )); then\n    \
                     compdef _clap_dynamic_completer_caro caro\n\
                 else\n    \
                     autoload -Uz add-zsh-hook && add-zsh-hook precmd __caro_register_completion\n\
                 fi\n",
                body.join("\n").trim()
            )
        }
        // clap's generated function word-splits on purpose (IFS is set to a separator).
        Shell::Bash => format!(
            "{header}# shellcheck disable=SC2207,SC2181\n{}\n",
            glue.trim()
        ),
        Shell::Fish => format!("{header}{}\n", glue.trim()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(shell: Shell) -> InitOptions {
        let mut o = InitOptions::new(shell, "/opt/my tools/caro");
        o.timeout_program = Some("/usr/bin/timeout".into());
        o.hard_timeout_ms = 6500;
        o.last_file = Some("/home/u/.local/share/caro/last-suggestion".into());
        o
    }

    #[test]
    fn every_placeholder_is_filled() {
        for sh in Shell::ALL {
            let script = render(&opts(sh));
            assert!(!script.contains("__CARO_"), "{sh}: {script}");
        }
    }

    #[test]
    fn binary_path_is_quoted_per_shell() {
        assert!(render(&opts(Shell::Zsh)).contains("__caro_bin='/opt/my tools/caro'"));
        assert!(render(&opts(Shell::Bash)).contains("__caro_bin='/opt/my tools/caro'"));
        assert!(render(&opts(Shell::Fish)).contains("set -g __caro_bin '/opt/my tools/caro'"));
    }

    #[test]
    fn deadlines_are_written_in() {
        // zsh and bash wait with a deadline themselves; fish has no read timeout and
        // wraps the helper in `timeout` when it is installed.
        for sh in [Shell::Zsh, Shell::Bash] {
            let script = render(&opts(sh));
            assert!(script.contains("__caro_timeout_s=6.5\n"), "{sh}: {script}");
            assert!(!script.contains("/usr/bin/timeout"), "{sh}");
        }
        let script = render(&opts(Shell::Fish));
        assert!(
            script
                .contains("set -g __caro_timeout /usr/bin/timeout --foreground -s INT -k 1 6.5\n"),
            "{script}"
        );
        let mut o = opts(Shell::Fish);
        o.timeout_program = None;
        assert!(render(&o).contains("set -g __caro_timeout \n"));
    }

    #[test]
    fn no_bind_leaves_out_every_binding() {
        for sh in Shell::ALL {
            let mut o = opts(sh);
            o.key = None;
            let script = render(&o);
            assert!(!script.contains("bindkey -M"), "{sh}");
            assert!(!script.contains("bind -m"), "{sh}");
            assert!(!script.contains("bind -M insert"), "{sh}");
        }
    }

    #[test]
    fn bindings_cover_emacs_and_vi_keymaps() {
        let zsh = render(&opts(Shell::Zsh));
        for map in ["emacs", "viins", "vicmd"] {
            assert!(
                zsh.contains(&format!("bindkey -M {map} '^G' __caro_widget")),
                "{zsh}"
            );
        }
        let bash = render(&opts(Shell::Bash));
        assert!(
            bash.contains("bind -m \"$__caro_keymap\" -r '\\C-g'"),
            "{bash}"
        );
        assert!(bash.contains("-x '\"\\C-g\": __caro_widget'"), "{bash}");
        let fish = render(&opts(Shell::Fish));
        assert!(fish.contains("bind \\cg __caro_widget"), "{fish}");
        assert!(
            fish.contains("bind -M insert ctrl-g __caro_widget"),
            "{fish}"
        );
    }

    #[test]
    fn saved_abbreviations_are_quoted() {
        let mut o = opts(Shell::Fish);
        o.abbreviations = vec![("lsbig".into(), "du -sh * | sort -h; echo 'done'".into())];
        let script = render(&o);
        assert!(
            script.contains("abbr --add lsbig -- 'du -sh * | sort -h; echo \\'done\\''"),
            "{script}"
        );
    }

    #[test]
    fn seconds_are_compact() {
        assert_eq!(seconds(6000), "6");
        assert_eq!(seconds(6500), "6.5");
    }
}
