//! Every rendered variant of the init scripts passes the shells' own syntax checks and
//! shellcheck, loads silently in strict non-interactive shells, and init stays fail-safe.

mod shell_harness;

use std::process::{Command, Output};

use shell_harness::{available, caro_bin};

/// One way to call `caro init`: its flags and the `CARO_*` config it sees.
type Variant = (
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
);

/// The variants `caro init` can print: flags and config that change the script.
const VARIANTS: &[Variant] = &[
    (&[], &[]),
    (&["--no-bind"], &[]),
    (&["--key", "alt-g"], &[]),
    (&["--key", "ctrl-x ctrl-g"], &[]),
    (
        &[],
        &[("CARO_SHELL_HISTORY", "false"), ("CARO_SHELL_KEY", "alt-1")],
    ),
    (&[], &[("CARO_SHELL_BIND", "false")]),
];

fn init(shell: &str, args: &[&str], env: &[(&str, &str)]) -> (Output, tempfile::TempDir) {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(caro_bin())
        .arg("init")
        .arg(shell)
        .args(args)
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("CARO_CONFIG", home.path().join("config.toml"))
        .envs(env.iter().copied())
        .output()
        .expect("run caro init");
    (out, home)
}

fn rendered(shell: &str) -> Vec<(String, String)> {
    VARIANTS
        .iter()
        .map(|(args, env)| {
            let (out, _home) = init(shell, args, env);
            assert!(out.status.success(), "{shell} {args:?}: {out:?}");
            assert!(out.stderr.is_empty(), "{shell} {args:?}: {out:?}");
            (
                format!("{shell} {args:?} {env:?}"),
                String::from_utf8(out.stdout).unwrap(),
            )
        })
        .collect()
}

fn check(label: &str, program: &str, args: &[&str], script: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("init");
    std::fs::write(&file, script).unwrap();
    let out = Command::new(program)
        .args(args)
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
        "{label}: `{program} {args:?}` complained:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bash_passes_shellcheck_and_bash_n() {
    if !available(&["shellcheck"]) {
        return;
    }
    for (label, script) in rendered("bash") {
        check(
            &label,
            "shellcheck",
            &["--shell=bash", "--severity=style"],
            &script,
        );
        check(&label, "bash", &["-n"], &script);
    }
}

#[test]
fn zsh_passes_zsh_n() {
    if !available(&["zsh"]) {
        return;
    }
    for (label, script) in rendered("zsh") {
        check(&label, "zsh", &["-n"], &script);
    }
}

#[test]
fn fish_passes_no_execute() {
    if !available(&["fish"]) {
        return;
    }
    for (label, script) in rendered("fish") {
        check(&label, "fish", &["--no-execute"], &script);
    }
}

/// Sourced by a non-interactive shell under strict options (scripts, `ssh host cmd`): no
/// output, no error, nothing bound.
#[test]
fn loads_silently_in_strict_non_interactive_shells() {
    let shells: &[(&str, &[&str])] = &[
        ("bash", &["--noprofile", "--norc", "-euo", "pipefail", "-c"]),
        ("zsh", &["-f", "-euo", "pipefail", "-c"]),
        ("fish", &["--no-config", "-c"]),
    ];
    for (shell, args) in shells {
        if !available(&[shell]) {
            continue;
        }
        for (label, script) in rendered(shell) {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("init");
            std::fs::write(&file, &script).unwrap();
            let out = Command::new(shell)
                .args(*args)
                .arg(format!("source '{}'; echo loaded", file.display()))
                .output()
                .unwrap();
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                "loaded\n",
                "{label}: {out:?}"
            );
            assert!(out.stderr.is_empty(), "{label}: {out:?}");
        }
    }
}

/// bash with line editing off (Emacs shell-mode, `--noediting`): no `bind` errors.
#[test]
fn bash_is_silent_without_line_editing() {
    for (label, script) in rendered("bash") {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("init");
        std::fs::write(&file, &script).unwrap();
        let out = Command::new("bash")
            .args(["--noprofile", "--norc", "--noediting", "-i", "-c"])
            .arg(format!(
                "source '{}'; declare -F __caro_widget",
                file.display()
            ))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Without a terminal, bash -i itself warns about job control; nothing else may.
        let ours: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.contains("terminal process group") && !l.contains("no job control"))
            .collect();
        assert!(ours.is_empty(), "{label}: {stderr}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "__caro_widget\n",
            "{label}"
        );
    }
}

/// Fail-safe: a bad key or a broken config is one `#` comment on stderr, exit 0, and a
/// script that still binds the default key.
#[test]
fn init_is_fail_safe() {
    let (out, _home) = init("zsh", &["--key", "hyper-q"], &[]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("# caro: init: key 'hyper-q' needs a modifier")
            && stderr.contains("binding ctrl-g instead"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("bindkey -M emacs '^G' __caro_widget"));

    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(&config, "[shell\nkey = 3\n").unwrap();
    let out = Command::new(caro_bin())
        .args(["init", "bash"])
        .env("HOME", home.path())
        .env("CARO_CONFIG", &config)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .lines()
            .all(|l| l.starts_with("# caro: init: config:")),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("__caro_widget"));
}

/// The absolute binary path is written in, quoted for each shell.
#[test]
fn writes_the_absolute_binary_path() {
    let bin = caro_bin();
    for shell in ["zsh", "bash", "fish"] {
        let (out, _home) = init(shell, &[], &[]);
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(
            script.contains(&*bin.to_string_lossy()),
            "{shell}: binary path missing"
        );
    }
}
