//! The safety parser agrees with the shells themselves on what parses: every corpus command
//! plus tricky valid and invalid inputs go through `bash -n`, `zsh -n` and
//! `fish --no-execute` (each skipped when that shell is not installed).

use std::process::{Command, Stdio};

use caro::context::Shell;
use caro::safety::parse;

const CORPUS: &str = include_str!("data/safety_corpus.txt");

/// Inputs that probe the grammar, with the shells they are meant for.
const EXTRA: &[(&str, &[Shell])] = &[
    (
        "echo 'unterminated",
        &[Shell::Bash, Shell::Zsh, Shell::Fish],
    ),
    (
        "echo \"unterminated",
        &[Shell::Bash, Shell::Zsh, Shell::Fish],
    ),
    ("if true; then echo", &[Shell::Bash, Shell::Zsh]),
    ("for x in a b; echo $x", &[Shell::Bash]),
    ("echo $(ls", &[Shell::Bash, Shell::Zsh, Shell::Fish]),
    ("| grep x", &[Shell::Bash, Shell::Zsh, Shell::Fish]),
    ("echo a &&", &[Shell::Bash, Shell::Zsh, Shell::Fish]),
    ("fi", &[Shell::Bash, Shell::Zsh]),
    ("case x in a) echo;; esac", &[Shell::Bash, Shell::Zsh]),
    (
        "case x in (a|b) echo one;; *) echo two;; esac",
        &[Shell::Bash, Shell::Zsh],
    ),
    ("f() { echo hi; }; f", &[Shell::Bash, Shell::Zsh]),
    ("function f { echo hi; }", &[Shell::Bash, Shell::Zsh]),
    (
        "[[ -f a && ( -d b || -e c ) ]] && echo y",
        &[Shell::Bash, Shell::Zsh],
    ),
    (
        "(( i = 1 + 2 )) && echo $((i * 3))",
        &[Shell::Bash, Shell::Zsh],
    ),
    (
        "a=(1 2 3); echo ${a[1]} ${#a[@]}",
        &[Shell::Bash, Shell::Zsh],
    ),
    (
        "echo ${x:-default} ${x/a/b} ${x%%.*} ${x:0:2}",
        &[Shell::Bash, Shell::Zsh],
    ),
    ("cat <<EOF\nhello $USER\nEOF", &[Shell::Bash, Shell::Zsh]),
    ("cat <<-'EOF'\n\thello\n\tEOF", &[Shell::Bash, Shell::Zsh]),
    ("diff <(ls a) <(ls b)", &[Shell::Bash, Shell::Zsh]),
    ("echo `date` $(date)", &[Shell::Bash, Shell::Zsh]),
    (
        "while read -r l; do echo \"$l\"; done < f",
        &[Shell::Bash, Shell::Zsh],
    ),
    ("until false; do break; done", &[Shell::Bash, Shell::Zsh]),
    ("echo a >| b 2>&1 &>/dev/null", &[Shell::Bash, Shell::Zsh]),
    ("{ echo a; echo b; } | sort", &[Shell::Bash, Shell::Zsh]),
    ("echo )", &[Shell::Bash, Shell::Zsh, Shell::Fish]),
    ("echo (", &[Shell::Bash, Shell::Zsh]),
    (
        "if true; then :; elif false; then :; else :; fi",
        &[Shell::Bash, Shell::Zsh],
    ),
    (
        "for ((i=0; i<3; i++)); do echo $i; done",
        &[Shell::Bash, Shell::Zsh],
    ),
    ("echo $'a\\tb'", &[Shell::Bash, Shell::Zsh]),
    ("ls *(.)", &[Shell::Zsh]),
    ("for f (*.txt) echo $f", &[Shell::Zsh]),
    ("echo ${(U)x}", &[Shell::Zsh]),
    ("begin; echo a; end | sort", &[Shell::Fish]),
    (
        "if test -f a; echo y; else if test -d a; echo z; else; echo n; end",
        &[Shell::Fish],
    ),
    ("for x in a b; echo $x; end", &[Shell::Fish]),
    ("while true; break; end", &[Shell::Fish]),
    ("function f; echo hi; end", &[Shell::Fish]),
    (
        "switch $x; case a; echo a; case '*'; echo b; end",
        &[Shell::Fish],
    ),
    ("echo (date) \"$HOME\" $PATH[1]", &[Shell::Fish]),
    ("set -l x (seq 3); echo $x[2..3]", &[Shell::Fish]),
    ("not test -f a; and echo y; or echo n", &[Shell::Fish]),
    ("begin; echo", &[Shell::Fish]),
    ("if true; echo", &[Shell::Fish]),
    ("(date)", &[Shell::Fish]),
    ("cat <<EOF", &[Shell::Fish]),
    ("echo a; end", &[Shell::Fish]),
];

fn installed(shell: Shell) -> bool {
    Command::new(shell.as_str())
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn shell_accepts(shell: Shell, src: &str) -> bool {
    let mut cmd = match shell {
        Shell::Bash => {
            let mut c = Command::new("bash");
            c.args(["--norc", "--noprofile", "-n", "-c"]);
            c
        }
        Shell::Zsh => {
            let mut c = Command::new("zsh");
            c.args(["-f", "-n", "-c"]);
            c
        }
        Shell::Fish => {
            // `fish -n -c` reports errors but exits 0; from stdin it exits non-zero.
            let child = Command::new("fish")
                .args(["--no-config", "--no-execute"])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn();
            let Ok(mut child) = child else { return false };
            if let Some(mut stdin) = child.stdin.take() {
                use std::io::Write;
                let _ = stdin.write_all(src.as_bytes());
            }
            return child.wait().is_ok_and(|s| s.success());
        }
    };
    cmd.arg(src)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn corpus() -> Vec<(Shell, String)> {
    let mut out: Vec<(Shell, String)> = Vec::new();
    for line in CORPUS.lines() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix('>') {
            if let Some(last) = out.last_mut() {
                last.1.push('\n');
                last.1.push_str(rest.trim_start());
            }
            continue;
        }
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let Some((head, cmd)) = t.split_once(char::is_whitespace) else {
            continue;
        };
        let shell = head
            .split_once('@')
            .and_then(|(_, s)| s.parse().ok())
            .unwrap_or(Shell::Bash);
        out.push((shell, cmd.trim().to_string()));
    }
    out
}

#[test]
fn parser_agrees_with_the_shells() {
    let mut cases = corpus();
    for (src, shells) in EXTRA {
        for &s in *shells {
            cases.push((s, src.to_string()));
        }
    }
    let available: Vec<Shell> = Shell::ALL.into_iter().filter(|&s| installed(s)).collect();
    let mut checked = 0;
    let mut disagreements = Vec::new();
    for (shell, src) in &cases {
        if !available.contains(shell) {
            continue;
        }
        checked += 1;
        let ours = parse(src, *shell).is_ok();
        let theirs = shell_accepts(*shell, src);
        if ours != theirs {
            disagreements.push(format!(
                "{shell}: {src:?}: caro {}, {shell} {}",
                if ours { "accepts" } else { "rejects" },
                if theirs { "accepts" } else { "rejects" }
            ));
        }
    }
    println!("compared {checked} inputs with {available:?}");
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
