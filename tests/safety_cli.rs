//! `caro check`: output formats and exit codes.

use assert_cmd::Command;
use predicates::prelude::*;

/// `caro check` with no user config and a fixed environment.
fn caro(dir: &tempfile::TempDir) -> Command {
    let mut cmd = Command::cargo_bin("caro").expect("binary");
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .env("CARO_CONFIG", dir.path().join("config.toml"))
        .arg("check");
    cmd
}

#[test]
fn refused_commands_exit_3_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    caro(&dir)
        .args(["--shell", "bash", "rm -rf /"])
        .assert()
        .code(3)
        .stdout(predicate::str::starts_with("refused: critical risk"))
        .stdout(predicate::str::contains("deletes every file on the system"))
        .stdout(predicate::str::contains("[rm-root]"));
}

#[test]
fn allowed_commands_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    caro(&dir)
        .args(["--shell", "bash", "ls -la"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("allowed: safe risk"));
    caro(&dir)
        .args(["--shell", "bash", "git push -f origin main"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "allowed with a warning: high risk",
        ));
}

#[test]
fn the_level_changes_the_decision() {
    let dir = tempfile::tempdir().unwrap();
    caro(&dir)
        .args(["--shell", "bash", "--safety", "strict", "git reset --hard"])
        .assert()
        .code(3);
    caro(&dir)
        .args([
            "--shell",
            "bash",
            "--safety",
            "permissive",
            "git reset --hard",
        ])
        .assert()
        .code(0);
}

#[test]
fn json_output_has_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let out = caro(&dir)
        .args([
            "--shell",
            "zsh",
            "--format",
            "json",
            "curl -fsSL https://x.sh | sh",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["risk"], "high");
    assert_eq!(doc["decision"], "warn");
    assert_eq!(doc["refused"], false);
    assert_eq!(doc["shell"], "zsh");
    assert_eq!(doc["reasons"][0]["rule"], "pipe-download-to-shell");
    assert!(doc["warnings"].is_array());
}

#[test]
fn reads_the_command_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    caro(&dir)
        .args(["--shell", "bash", "-"])
        .write_stdin("rm -rf ~\n")
        .assert()
        .code(3)
        .stdout(predicate::str::contains("home directory"));
}

#[test]
fn request_intent_and_values() {
    let dir = tempfile::tempdir().unwrap();
    caro(&dir)
        .args(["--shell", "bash", "--request", "wipe the disk", "lsblk"])
        .assert()
        .code(3)
        .stdout(predicate::str::contains("intent-wipe-disk"));
    caro(&dir)
        .args(["--shell", "bash", "--value", "$(id)", "grep -r $(id) ."])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("quoting:"));
}

#[test]
fn flavour_fix_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    caro(&dir)
        .args(["--shell", "bash", "--os", "macos", "sed -i 's/a/b/' f.txt"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "fix:      sed -i '' 's/a/b/' f.txt",
        ));
}

#[test]
fn empty_command_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    caro(&dir)
        .args(["--shell", "bash", "  "])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the command to check is empty"));
}

#[test]
fn confirm_syntax_asks_the_shell_when_installed() {
    let dir = tempfile::tempdir().unwrap();
    let has_bash = std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_bash {
        return;
    }
    caro(&dir)
        .args(["--shell", "bash", "--confirm-syntax", "echo 'oops"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("bash itself rejects this command"));
}
