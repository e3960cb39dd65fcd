//! Bad requests for `caro suggest`, in every output format: each gets a clear message and a
//! defined exit code, never a panic, and nothing in a request is ever executed.

mod cli_support;

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use cli_support::*;

const FORMATS: [&str; 3] = ["plain", "json", "widget"];

/// How the request reaches caro.
enum Input {
    Argv(OsString),
    Stdin(Vec<u8>),
}

fn run(sb: &Sandbox, format: &str, input: &Input) -> std::process::Output {
    let mut cmd = sb.cmd();
    cmd.args(["suggest", "--format", format, "--"]);
    match input {
        Input::Argv(word) => cmd.arg(word).output().unwrap(),
        Input::Stdin(bytes) => cmd.arg("-").write_stdin(bytes.clone()).output().unwrap(),
    }
}

/// A rejected request: exit 2, the message on stderr, and each format's error document.
fn assert_rejected(out: &std::process::Output, format: &str, expect: &str, case: &str) {
    assert_no_panic(out);
    assert_eq!(code(out), USAGE, "{case} ({format}): {}", stderr(out));
    let err = stderr(out);
    assert!(err.starts_with("caro: "), "{case} ({format}): {err}");
    assert!(
        err.contains(expect),
        "{case} ({format}): expected {expect:?} in {err}"
    );
    match format {
        "plain" => assert_eq!(stdout(out), "", "{case}"),
        "json" => {
            let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("{case}: {e}: {}", stdout(out)));
            assert_eq!(doc["status"], "error", "{case}");
            assert!(doc["message"].as_str().unwrap().contains(expect), "{case}");
            assert_eq!(doc["candidates"], serde_json::json!([]));
        }
        "widget" => {
            let doc = assert_widget_protocol(&stdout(out));
            assert_eq!(doc.status, "error", "{case}");
            assert!(doc.commands.is_empty());
            assert!(doc.message.unwrap().contains(expect), "{case}");
        }
        _ => unreachable!(),
    }
}

#[test]
fn rejected_requests_in_every_format() {
    let sb = Sandbox::new();
    let big = "find my files ".repeat(100 * 1024 / 14 + 1);
    assert!(big.len() >= 100 * 1024);
    let cases: Vec<(&str, Input, &str)> = vec![
        ("empty argv", Input::Argv("".into()), "empty"),
        ("whitespace argv", Input::Argv(" \t \n ".into()), "empty"),
        ("empty stdin", Input::Stdin(Vec::new()), "empty"),
        (
            "whitespace stdin",
            Input::Stdin(b"  \n\t\n".to_vec()),
            "empty",
        ),
        ("100 KB argv", Input::Argv(big.clone().into()), "limit"),
        (
            "100 KB stdin",
            Input::Stdin(big.clone().into_bytes()),
            "longer than",
        ),
        (
            "invalid UTF-8 argv",
            Input::Argv(OsString::from_vec(b"list \xff\xfe files".to_vec())),
            "UTF-8",
        ),
        (
            "invalid UTF-8 stdin",
            Input::Stdin(b"list \xc3\x28 files".to_vec()),
            "UTF-8",
        ),
        ("NUL on stdin", Input::Stdin(b"list\0files".to_vec()), "NUL"),
        (
            "escape sequence argv",
            Input::Argv("list \x1b[31mred\x1b[0m files".into()),
            "control character",
        ),
        (
            "backspace on stdin",
            Input::Stdin(b"list files\x08\x08".to_vec()),
            "control character",
        ),
    ];
    for (case, input, expect) in &cases {
        for format in FORMATS {
            let out = run(&sb, format, input);
            assert_rejected(&out, format, expect, case);
        }
    }
}

/// Requests that try to run something. They are data: whatever caro answers, the files they
/// would create never appear, and the widget protocol stays intact.
#[test]
fn shell_syntax_in_requests_is_never_executed() {
    let sb = Sandbox::new();
    let canary = |name: &str| sb.work().join(name);
    let requests = [
        "delete $(touch CANARY1) old logs".to_string(),
        "list files `touch CANARY2`".to_string(),
        "show files; touch CANARY3".to_string(),
        "find \"it's\" \"\"\"'''\" \"a\\\"b\" 'x' in here && touch CANARY4".to_string(),
        "$(touch CANARY5)".to_string(),
        "| touch CANARY6 # ${IFS}touch${IFS}CANARY7".to_string(),
        "-rf --touch CANARY8".to_string(),
        format!("{} $(touch CANARY9)", "\"'`".repeat(200)),
    ];
    for request in &requests {
        for format in FORMATS {
            for input in [
                Input::Argv(request.into()),
                Input::Stdin(request.clone().into_bytes()),
            ] {
                let out = run(&sb, format, &input);
                assert_no_panic(&out);
                assert!(
                    [SUCCESS, NO_SUGGESTION, BLOCKED].contains(&code(&out)),
                    "{request:?} ({format}): exit {} {}",
                    code(&out),
                    stderr(&out)
                );
                if format == "widget" {
                    let doc = assert_widget_protocol(&stdout(&out));
                    assert_eq!(code(&out), exit_for_status(&doc.status));
                }
                if format == "json" {
                    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                    assert_eq!(doc["request"], request.as_str());
                }
            }
        }
    }
    for i in 1..=9 {
        let name = format!("CANARY{i}");
        assert!(!canary(&name).exists(), "{name} was created: a request ran");
        assert!(
            !sb.home().join(&name).exists(),
            "{name} was created in HOME"
        );
    }
}

#[test]
fn a_request_may_start_with_a_dash_after_double_dash() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .args([
            "suggest", "--format", "widget", "--", "-n", "--help", "files",
        ])
        .output()
        .unwrap();
    assert_no_panic(&out);
    let doc = assert_widget_protocol(&stdout(&out));
    assert_ne!(doc.status, "error", "{}", stderr(&out));
}

#[test]
fn multi_line_requests_are_accepted() {
    let sb = Sandbox::new();
    let out = run(
        &sb,
        "widget",
        &Input::Stdin(b"find pdf files\nbigger than 10mb\r\n".to_vec()),
    );
    assert_no_panic(&out);
    let doc = assert_widget_protocol(&stdout(&out));
    assert_ne!(doc.status, "error", "{}", stderr(&out));
}
