//! `caro explain` end to end: plain and JSON output from the real binary, exit codes, stdin,
//! alignment, colour only on a terminal.

mod cli_support;

use cli_support::{assert_no_panic, code, stderr, stdout, Sandbox, SUCCESS, USAGE};

fn explain(sb: &Sandbox, args: &[&str]) -> std::process::Output {
    let out = sb.cmd().arg("explain").args(args).output().unwrap();
    assert_no_panic(&out);
    out
}

fn json(sb: &Sandbox, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = explain(sb, &all);
    assert_eq!(code(&out), SUCCESS, "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)))
}

/// The column where each row's meaning starts, for the rows right under a header.
fn meaning_columns(block: &str) -> Vec<usize> {
    block
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("  ") && !l.starts_with("    "))
        .map(|l| {
            let body = &l[2..];
            let gap = body
                .find("  ")
                .expect("two spaces between a part and its meaning");
            let rest = &body[gap..];
            2 + gap + (rest.len() - rest.trim_start().len())
        })
        .collect()
}

#[test]
fn plain_output_is_aligned_and_ends_with_the_verdict() {
    let sb = Sandbox::new();
    let out = explain(
        &sb,
        &["--os", "linux", "--shell", "bash", "tail -n 5 app.log"],
    );
    assert_eq!(code(&out), SUCCESS);
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("tail -n 5 app.log"));
    assert!(text.contains("  -n 5     print the last 5 lines"), "{text}");
    let cols = meaning_columns(text.split("\n\n").next().unwrap());
    assert_eq!(cols.len(), 3, "{text}");
    assert!(cols.iter().all(|c| *c == cols[0]), "{cols:?}\n{text}");
    assert!(
        text.trim_end()
            .ends_with("safety: allowed: safe risk (safety level moderate)"),
        "{text}"
    );
    // Not a terminal: no escape sequences.
    assert!(!text.contains('\x1b'), "{text:?}");
}

#[test]
fn plain_output_shows_connectors_nesting_and_unknowns() {
    let sb = Sandbox::new();
    let out = explain(
        &sb,
        &[
            "--os",
            "linux",
            "--shell",
            "bash",
            "sudo frobnicate -x | sort -rn && echo ok",
        ],
    );
    let text = stdout(&out);
    assert!(text.starts_with("sudo frobnicate -x\n"), "{text}");
    assert!(
        text.contains("\n  frobnicate -x  (run by sudo; not in caro's command dictionary)\n"),
        "{text}"
    );
    assert!(text.contains("    frobnicate  unknown command\n"), "{text}");
    assert!(text.contains("    -x          unknown option\n"), "{text}");
    assert!(
        text.contains("\n| sort -rn  (reads the output of the command before)\n"),
        "{text}"
    );
    assert!(text.contains("  -rn   -r  reverse the order"), "{text}");
    assert!(text.contains("        -n  compare as numbers"), "{text}");
    assert!(
        text.contains("\n&& echo ok  (runs only if the command before succeeds)\n"),
        "{text}"
    );
}

#[test]
fn json_output_has_the_explanation_and_the_verdict() {
    let sb = Sandbox::new();
    let v = json(&sb, &["--os", "macos", "--shell", "zsh", "rm -rf /"]);
    assert_eq!(v["command"], "rm -rf /");
    assert_eq!(v["shell"], "zsh");
    assert_eq!(v["os"], "macos");
    assert_eq!(v["flavour"], "bsd");
    assert_eq!(v["commands"][0]["entry"], "rm");
    let group = &v["commands"][0]["parts"][1];
    assert_eq!(group["kind"], "flags");
    assert_eq!(group["parts"][0]["flag"], "-r");
    assert_eq!(group["parts"][1]["flag"], "-f");
    // Explaining runs nothing: a refused command still exits 0, and says it is refused.
    assert_eq!(v["safety"]["decision"], "refuse");
    assert_eq!(v["safety"]["risk"], "critical");
    assert!(v["safety"]["reasons"]
        .as_array()
        .is_some_and(|r| !r.is_empty()));
    assert!(v.get("syntax_error").is_none_or(|e| e.is_null()));
}

#[test]
fn os_flag_picks_the_flavour() {
    let sb = Sandbox::new();
    let linux = json(&sb, &["--os", "linux", "date -d yesterday"]);
    let macos = json(&sb, &["--os", "macos", "date -d yesterday"]);
    let opt = |v: &serde_json::Value| v["commands"][0]["parts"][1].clone();
    assert_eq!(opt(&linux)["unavailable"], serde_json::Value::Null);
    assert_eq!(opt(&macos)["unavailable"], true);
    assert!(opt(&macos)["note"]
        .as_str()
        .unwrap()
        .contains("GNU (Linux) only"));
}

#[test]
fn the_command_may_come_from_stdin_or_several_words() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .args(["explain", "--format", "json", "-"])
        .write_stdin("git status -s\n")
        .output()
        .unwrap();
    assert_eq!(code(&out), SUCCESS, "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["command"], "git status -s");
    assert_eq!(v["commands"][0]["entry"], "git status");

    let v = json(&sb, &["ls", "-la", "/tmp"]);
    assert_eq!(v["command"], "ls -la /tmp");
}

#[test]
fn bad_input_gets_a_clear_error() {
    let sb = Sandbox::new();
    for args in [&["   "][..], &["-"][..]] {
        let out = sb
            .cmd()
            .arg("explain")
            .args(args)
            .write_stdin("")
            .output()
            .unwrap();
        assert_no_panic(&out);
        assert_eq!(code(&out), USAGE, "{args:?}");
        assert!(
            stderr(&out).contains("the command to explain is empty"),
            "{}",
            stderr(&out)
        );
    }
    let out = explain(&sb, &["--format", "yaml", "ls"]);
    assert_eq!(code(&out), USAGE);
    // Not valid syntax: explained anyway, with the error said first.
    let out = explain(&sb, &["--shell", "bash", "echo \"open"]);
    assert_eq!(code(&out), SUCCESS);
    assert!(
        stdout(&out).starts_with("this is not valid bash syntax:"),
        "{}",
        stdout(&out)
    );
}

/// On a terminal (through `script`, which gives the command a pty) the output is coloured;
/// `NO_COLOR` turns that off.
#[test]
fn colour_only_on_a_terminal() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    }
    let sb = Sandbox::new();
    let run = |no_color: bool| {
        let inner = format!(
            "{}{} explain --os linux --shell bash 'ls -la'",
            if no_color { "NO_COLOR=1 " } else { "" },
            cli_support::BIN
        );
        let out = std::process::Command::new("script")
            .args(["-qec", &inner, "/dev/null"])
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", sb.home())
            .env("TERM", "xterm")
            .env("COLUMNS", "100")
            .current_dir(sb.work())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let coloured = run(false);
    assert!(coloured.contains("\x1b[1mls -la\x1b[0m"), "{coloured:?}");
    let plain = run(true);
    assert!(
        plain.contains("ls -la") && !plain.contains('\x1b'),
        "{plain:?}"
    );
}
