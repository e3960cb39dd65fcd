//! Fuzzing the validator: arbitrary bytes and shell-flavoured token soup go through the
//! parser and the whole check for all three shells. Nothing may panic, and every input must
//! be judged quickly.
//!
//! cargo-fuzz needs a nightly compiler, so this is proptest-driven. The case count comes
//! from `CARO_FUZZ_CASES` (default 300 per property, a few seconds); CI runs it briefly and
//! a long local run is `CARO_FUZZ_CASES=200000 cargo test --release --test safety_fuzz`.

use std::time::{Duration, Instant};

use caro::config::{SafetyConfig, SafetyLevel};
use caro::context::{Context, EnvView, Os, Shell};
use caro::safety::{self, CheckInput};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("CARO_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

/// Generous even for an unoptimised build on a loaded machine; a hang or blow-up is far
/// slower than this.
const PER_INPUT: Duration = Duration::from_secs(2);

fn contexts() -> Vec<Context> {
    let env = EnvView::from_pairs([("PATH", "/usr/bin:/bin"), ("HOME", "/home/ann")]);
    Shell::ALL
        .iter()
        .map(|&s| Context::with_env(env.clone(), Some(Os::host()), Some(s)))
        .collect()
}

fn judge(input: &str, ctxs: &[Context], policy: &SafetyConfig) {
    for ctx in ctxs {
        let started = Instant::now();
        let _ = safety::parse(input, ctx.shell);
        let verdict = safety::check(
            input,
            &CheckInput {
                shell: ctx.shell,
                ctx,
                policy,
                request: Some(input),
                request_values: &[input.to_string()],
            },
        );
        let _ = safety::check_intent(input);
        assert!(
            started.elapsed() < PER_INPUT,
            "{} took {:?} on {input:?}",
            ctx.shell,
            started.elapsed()
        );
        // The verdict is always consistent with its findings.
        let max = verdict.findings.iter().map(|f| f.risk).max();
        assert!(
            max.is_none_or(|m| m == verdict.risk)
                || verdict.findings.iter().any(|f| f.rule == safety::DENY_RULE)
        );
    }
}

/// Fragments that exercise every corner of the grammars.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            " ",
            "\n",
            "\t",
            ";",
            ";;",
            "&",
            "&&",
            "|",
            "||",
            "|&",
            "&|",
            "(",
            ")",
            "((",
            "))",
            "{",
            "}",
            "[[",
            "]]",
            "<",
            ">",
            ">>",
            "<<",
            "<<-",
            "<<<",
            "<>",
            ">&",
            "<&",
            "&>",
            "2>&1",
            ">|",
            ">?",
            "'",
            "\"",
            "`",
            "\\",
            "$",
            "$(",
            "${",
            "$((",
            "$'",
            "<(",
            ">(",
            "=(",
            "#",
            "~",
            "*",
            "?",
            "[",
            "]",
            "!",
            "=",
            "if",
            "then",
            "elif",
            "else",
            "fi",
            "for",
            "in",
            "do",
            "done",
            "while",
            "until",
            "case",
            "esac",
            "function",
            "begin",
            "end",
            "switch",
            "and",
            "or",
            "not",
            "select",
            "coproc",
            "time",
            "EOF",
            "rm",
            "-rf",
            "/",
            "sudo",
            "sh",
            "-c",
            "eval",
            "curl",
            "bash",
            "x=",
            "$x",
            "set",
            "cd",
            "find",
            "-exec",
            "{}",
            "\\;",
            "echo",
            "base64",
            "-d",
            "dd",
            "of=/dev/sda",
            ":()",
            "é",
            "\0",
        ])
        .prop_map(str::to_string),
        "[a-z]{1,3}",
    ]
}

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..40).prop_map(|t| t.concat())
}

fn nested() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            ("$(", ")"),
            ("`", "`"),
            ("(", ")"),
            ("{ ", "; }"),
            ("\"", "\""),
        ]),
        0usize..120,
        "[a-z ]{0,6}",
    )
        .prop_map(|((open, close), depth, core)| {
            format!("{}{core}{}", open.repeat(depth), close.repeat(depth))
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let input = String::from_utf8_lossy(&bytes);
        judge(&input, &contexts(), &SafetyConfig::default());
    }

    #[test]
    fn shell_soup_never_panics(input in soup()) {
        let policy = SafetyConfig {
            level: SafetyLevel::Strict,
            allow: vec!["rm-root".into(), "(".into()],
            deny: vec!["curl".into(), "[".into()],
            ..SafetyConfig::default()
        };
        judge(&input, &contexts(), &policy);
    }

    #[test]
    fn deep_nesting_never_panics(input in nested()) {
        judge(&input, &contexts(), &SafetyConfig::default());
    }
}
