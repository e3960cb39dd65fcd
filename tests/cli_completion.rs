//! Tab completion of caro's own CLI, registered the way users do (`source <(COMPLETE=bash
//! caro)`, `COMPLETE=fish caro | source`) in real bash, zsh and fish, asked for candidates
//! through each shell's completion machinery.
//!
//! A missing shell skips its test with a note, except under CI (`CI` set), where the shells
//! are installed and a missing one is a failure.

mod cli_support;

use std::process::Command;

use cli_support::*;

fn shell_available(shell: &str) -> bool {
    let found = Command::new(shell)
        .args(["-c", "exit 0"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{shell} is required on CI (apt-get install {shell})"
        );
        eprintln!("note: {shell} not installed; its completion test is skipped");
    }
    found
}

/// Run a shell script with caro's sandbox environment and `$CARO` set; return stdout lines.
fn run_shell(sb: &Sandbox, shell: &str, args: &[&str], script: &str) -> Vec<String> {
    let out = Command::new(shell)
        .args(args)
        .arg(script)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", sb.home())
        .env("XDG_CONFIG_HOME", sb.home().join(".config"))
        .env("XDG_DATA_HOME", sb.home().join(".local/share"))
        .env("XDG_CACHE_HOME", sb.home().join(".cache"))
        .env("CARO", BIN)
        .env("TERM", "dumb")
        .current_dir(sb.work())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{shell} failed: {}\n{}",
        stderr(&out),
        stdout(&out)
    );
    stdout(&out).lines().map(str::to_string).collect()
}

/// The candidate values (descriptions dropped) for each command line in `cases`.
type Cases<'a> = &'a [(&'a [&'a str], &'a [&'a str])];

/// Lines typed so far → values that must be offered.
const CASES: Cases = &[
    (&["caro", "con"], &["config"]),
    (&["caro", "s"], &["suggest"]),
    (
        &["caro", "suggest", "--engine", ""],
        &["auto", "builtin", "semantic", "remote"],
    ),
    (
        &["caro", "suggest", "--shell", ""],
        &["bash", "zsh", "fish"],
    ),
    (
        &["caro", "suggest", "--format", ""],
        &["plain", "json", "widget"],
    ),
    (
        &["caro", "suggest", "--safety", ""],
        &["strict", "moderate", "permissive"],
    ),
    (&["caro", "init", ""], &["bash", "zsh", "fish"]),
    (
        &["caro", "config", "get", "safety."],
        &["safety.level", "safety.allow", "safety.deny"],
    ),
    (
        &["caro", "config", "set", "shell.bind", ""],
        &["true", "false"],
    ),
    (
        &["caro", "config", "set", "encoder.model", ""],
        &["all-minilm-l6-v2", "bge-small-en"],
    ),
];

fn sandbox_with_models() -> Sandbox {
    let sb = Sandbox::new();
    let models = sb.home().join(".local/share/caro/models");
    for name in ["all-minilm-l6-v2", "bge-small-en", ".partial-download"] {
        std::fs::create_dir_all(models.join(name)).unwrap();
    }
    sb
}

fn check(shell: &str, words: &[&str], got: &[String], want: &[&str]) {
    for value in want {
        assert!(
            got.iter().any(|g| g == value),
            "{shell}: `{}` should offer {value:?}; got {got:?}",
            words.join(" ")
        );
    }
    assert!(
        !got.iter().any(|g| g.starts_with('.')),
        "{shell}: hidden model directories are not models: {got:?}"
    );
}

fn sh_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[test]
fn bash_completes_through_the_registered_function() {
    if !shell_available("bash") {
        return;
    }
    let sb = sandbox_with_models();
    for (words, want) in CASES {
        let quoted: Vec<String> = words.iter().map(|w| sh_quote(w)).collect();
        let script = format!(
            r#"source <(COMPLETE=bash "$CARO")
fn=$(complete -p caro | sed -E 's/.* -F ([^ ]+) .*/\1/')
COMP_WORDS=({words})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
COMP_TYPE=9
"$fn" caro "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#,
            words = quoted.join(" ")
        );
        let got = run_shell(&sb, "bash", &["--norc", "--noprofile", "-c"], &script);
        check("bash", words, &got, want);
    }
}

#[test]
fn zsh_completes_through_compdef() {
    if !shell_available("zsh") {
        return;
    }
    let sb = sandbox_with_models();
    for (words, want) in CASES {
        let quoted: Vec<String> = words.iter().map(|w| sh_quote(w)).collect();
        // compinit and the registration are real; `_describe`, which would hand the
        // candidates to the line editor, prints them instead (there is no terminal).
        let script = format!(
            r#"autoload -Uz compinit && compinit -u -D
source <(COMPLETE=zsh "$CARO")
[[ $_comps[caro] == _clap_dynamic_completer_caro ]] || {{ print -u2 "not registered"; exit 1 }}
_describe() {{ local name=$3; print -rl -- ${{(P)name}} }}
words=({words})
CURRENT=${{#words}}
$_comps[caro]"#,
            words = quoted.join(" ")
        );
        let got: Vec<String> = run_shell(&sb, "zsh", &["-f", "-c"], &script)
            .into_iter()
            .map(|l| l.split(':').next().unwrap_or_default().to_string())
            .collect();
        check("zsh", words, &got, want);
    }
}

#[test]
fn fish_completes_through_complete_c() {
    if !shell_available("fish") {
        return;
    }
    let sb = sandbox_with_models();
    for (words, want) in CASES {
        let line = words.join(" ");
        let script = format!(
            "COMPLETE=fish $CARO | source; complete -C {}",
            sh_quote(&line)
        );
        let got: Vec<String> = run_shell(&sb, "fish", &["--no-config", "-c"], &script)
            .into_iter()
            .map(|l| l.split('\t').next().unwrap_or_default().to_string())
            .collect();
        check("fish", words, &got, want);
    }
}

#[test]
fn registration_is_silent_and_ignores_a_broken_config() {
    let sb = Sandbox::new();
    // A broken config must not matter: completion runs before config loading.
    sb.write_config("this is not toml = = =\n");
    for shell in ["bash", "zsh", "fish"] {
        let out = sb
            .cmd()
            .env("COMPLETE", shell)
            .env("CARO_LOG", "debug")
            .output()
            .unwrap();
        assert_eq!(code(&out), SUCCESS, "{shell}");
        assert!(stdout(&out).contains("caro"), "{shell}: {}", stdout(&out));
        assert_eq!(stderr(&out), "", "{shell}: completion must be silent");
    }
}

/// A tmux server on a private socket, killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(sb: &Sandbox, shell_cmd: &str) -> Tmux {
        let socket = format!("caro-test-{}-{}", std::process::id(), shell_cmd.len());
        let bin_dir = std::path::Path::new(BIN).parent().unwrap();
        let env = format!(
            "env -i HOME={home} PATH={bin}:/usr/bin:/bin TERM=xterm-256color \
             XDG_DATA_HOME={home}/.local/share {shell_cmd}",
            home = sb.home().display(),
            bin = bin_dir.display()
        );
        let status = Command::new("tmux")
            .args(["-L", &socket, "new-session", "-d", "-x", "160", "-y", "40"])
            .arg(env)
            .status()
            .unwrap();
        assert!(status.success());
        Tmux { socket }
    }

    fn send(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys"])
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn type_text(&self, text: &str) {
        self.send(&["-l", text]);
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p"])
            .output()
            .unwrap();
        stdout(&out)
    }

    /// Wait until the shell has drawn something (its prompt).
    fn wait_for_prompt(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while self.screen().trim().is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// Wait until every string is on screen; the screen when it times out.
    fn wait_for(&self, wanted: &[&str]) -> Result<String, String> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let screen = self.screen();
            if wanted.iter().all(|w| screen.contains(w)) {
                return Ok(screen);
            }
            if std::time::Instant::now() > deadline {
                return Err(screen);
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

/// The whole path a user takes: an interactive shell, the registration line, a Tab press,
/// and the candidates listed on the terminal by the shell's own completion system.
#[test]
fn tab_in_a_real_terminal_lists_candidates() {
    if !shell_available("tmux") {
        return;
    }
    let sb = sandbox_with_models();
    let sessions: Vec<(&str, &str, Vec<&str>)> = vec![
        (
            "zsh",
            "zsh -f",
            vec![
                "autoload -Uz compinit && compinit -u -D && source <(COMPLETE=zsh caro)",
                "caro config get safety.",
                "\t",
            ],
        ),
        (
            "bash",
            "bash --norc --noprofile -i",
            vec![
                "source <(COMPLETE=bash caro)",
                "caro config get safety.",
                "\t\t",
            ],
        ),
        (
            "fish",
            "fish --no-config",
            vec![
                "COMPLETE=fish caro | source",
                "caro config get safety.",
                "\t",
            ],
        ),
    ];
    for (shell, command, steps) in sessions {
        if !shell_available(shell) {
            continue;
        }
        let tmux = Tmux::start(&sb, command);
        tmux.wait_for_prompt();
        tmux.type_text(steps[0]);
        tmux.send(&["Enter"]);
        std::thread::sleep(std::time::Duration::from_millis(300));
        tmux.type_text(steps[1]);
        for _ in steps[2].chars() {
            tmux.send(&["Tab"]);
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        let wanted = ["safety.level", "safety.deny", "safety.check_installed"];
        if let Err(screen) = tmux.wait_for(&wanted) {
            panic!("{shell}: candidates not listed after Tab:\n{screen}");
        }
    }
}
