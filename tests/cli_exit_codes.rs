//! Every documented exit code, produced by the real binary.

mod cli_support;

use cli_support::*;

#[test]
fn success_from_check_of_a_harmless_command() {
    let sb = Sandbox::new();
    let out = sb.cmd().args(["check", "ls -la"]).output().unwrap();
    assert_no_panic(&out);
    assert_eq!(code(&out), SUCCESS, "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("allowed: safe risk"),
        "{}",
        stdout(&out)
    );

    let out = sb
        .cmd()
        .args(["check", "--format", "json", "ls -la"])
        .output()
        .unwrap();
    assert_eq!(code(&out), SUCCESS);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["refused"], false);
    assert!(doc["reasons"].is_array());
    assert!(
        ["safe", "moderate", "high", "critical"].contains(&doc["risk"].as_str().unwrap()),
        "{doc}"
    );
}

#[test]
fn success_from_config_and_help() {
    let sb = Sandbox::new();
    let out = sb.cmd().args(["config", "path"]).output().unwrap();
    assert_eq!(code(&out), SUCCESS);
    assert_eq!(stdout(&out).trim(), sb.config_file().display().to_string());
    let out = sb.cmd().args(["config", "get", "count"]).output().unwrap();
    assert_eq!(code(&out), SUCCESS);
    assert_eq!(stdout(&out), "3\n");
    let out = sb.cmd().arg("--help").output().unwrap();
    assert_eq!(code(&out), SUCCESS);
    assert!(stdout(&out).contains("Exit codes"));
}

/// Engine-agnostic: whatever the engines answer, the exit code must match the status the
/// JSON and widget documents report, in every format.
#[test]
fn suggest_exit_code_matches_its_reported_status() {
    let sb = Sandbox::new();
    for request in [
        "list files in the current directory",
        "find pdf files larger than 10mb",
        "show disk usage of this folder",
        "zzkq vlorp wubbix",
    ] {
        let json = sb
            .cmd()
            .args(["suggest", "--format", "json", "--", request])
            .output()
            .unwrap();
        assert_no_panic(&json);
        let doc: serde_json::Value = serde_json::from_slice(&json.stdout)
            .unwrap_or_else(|e| panic!("{request}: {e}: {}", stdout(&json)));
        let status = doc["status"].as_str().unwrap().to_string();
        assert_eq!(code(&json), exit_for_status(&status), "{request}: {doc}");

        let widget = sb
            .cmd()
            .args(["suggest", "--format", "widget", "--", request])
            .output()
            .unwrap();
        let w = assert_widget_protocol(&stdout(&widget));
        assert_eq!(w.status, status, "{request}");
        assert_eq!(code(&widget), exit_for_status(&status));
        assert_eq!(w.commands.is_empty(), status != "ok");

        let plain = sb.cmd().args(["suggest", "--", request]).output().unwrap();
        assert_eq!(code(&plain), exit_for_status(&status));
        if status == "ok" {
            let first = doc["candidates"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["decision"] != "refuse")
                .unwrap();
            assert_eq!(
                stdout(&plain),
                format!("{}\n", first["command"].as_str().unwrap())
            );
        } else {
            assert_eq!(stdout(&plain), "", "{request}");
        }
    }
}

/// Engine-agnostic: the remote engine alone, with no server configured, cannot answer.
#[test]
fn no_suggestion_when_no_engine_can_answer() {
    let sb = Sandbox::new();
    for format in ["plain", "json", "widget"] {
        let out = sb
            .cmd()
            .args(["suggest", "--engine", "remote", "--format", format])
            .args(["list", "files"])
            .output()
            .unwrap();
        assert_no_panic(&out);
        assert_eq!(code(&out), NO_SUGGESTION, "{format}: {}", stderr(&out));
        match format {
            "plain" => {
                assert_eq!(stdout(&out), "");
                assert!(
                    stderr(&out).contains("no confident suggestion"),
                    "{}",
                    stderr(&out)
                );
            }
            "json" => {
                let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                assert_eq!(doc["status"], "none");
            }
            _ => assert_eq!(assert_widget_protocol(&stdout(&out)).status, "none"),
        }
    }
}

#[test]
fn usage_errors() {
    let sb = Sandbox::new();
    for args in [
        vec!["suggest", "--format", "yaml", "x"],
        vec!["suggest", "--count", "0", "list files"],
        vec!["suggest", "--shell", "tcsh", "list files"],
        vec!["suggest"],
        vec!["check"],
        vec!["no-such-subcommand"],
        vec!["config", "get"],
    ] {
        let out = sb.cmd().args(&args).output().unwrap();
        assert_no_panic(&out);
        assert_eq!(code(&out), USAGE, "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).is_empty(), "{args:?} said nothing");
    }
}

#[test]
fn blocked_by_safety() {
    let sb = Sandbox::new();
    let out = sb.cmd().args(["check", "rm -rf /"]).output().unwrap();
    assert_eq!(code(&out), BLOCKED, "{}", stdout(&out));
    let out = sb
        .cmd()
        .args(["check", "--format", "json", "rm -rf --no-preserve-root /"])
        .output()
        .unwrap();
    assert_eq!(code(&out), BLOCKED);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["risk"], "critical");
    assert_eq!(doc["refused"], true);
    // A suggestion whose only candidates are refused exits 3 too, and prints no command.
    let out = sb
        .cmd()
        .args([
            "suggest",
            "--format",
            "widget",
            "--",
            "wipe my entire home directory",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), BLOCKED, "{}", stdout(&out));
    assert!(
        stdout(&out).starts_with("caro-widget 1\nstatus blocked\n"),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains("\ncmd "), "{}", stdout(&out));
}

#[test]
fn config_errors() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .args(["config", "get", "safety.levle"])
        .output()
        .unwrap();
    assert_eq!(code(&out), CONFIG);
    assert!(stderr(&out).contains("safety.level"), "{}", stderr(&out));

    let out = sb
        .cmd()
        .args(["config", "set", "count", "zero"])
        .output()
        .unwrap();
    assert_eq!(code(&out), CONFIG);
    assert!(stderr(&out).contains("whole number"), "{}", stderr(&out));
    assert!(
        !sb.config_file().exists(),
        "a refused value must not create the file"
    );

    sb.write_config("count = \n");
    for args in [vec!["config", "show"], vec!["doctor"]] {
        let out = sb.cmd().args(&args).output().unwrap();
        assert_eq!(code(&out), CONFIG, "{args:?}");
        assert!(
            stdout(&out).contains("config.toml:1:"),
            "{args:?}: {}",
            stdout(&out)
        );
    }
}

#[test]
fn failure_when_the_config_cannot_be_written() {
    let sb = Sandbox::new();
    let blocker = sb.work().join("not-a-dir");
    std::fs::write(&blocker, "").unwrap();
    let out = sb
        .cmd()
        .env("CARO_CONFIG", blocker.join("config.toml"))
        .args(["config", "set", "count", "4"])
        .output()
        .unwrap();
    assert_no_panic(&out);
    assert_eq!(code(&out), FAILURE, "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("caro: could not"),
        "{}",
        stderr(&out)
    );
}
