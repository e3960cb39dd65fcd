//! `safety::check` behaviour beyond risk levels: policy, allow/deny, GNU/BSD rewrites,
//! missing tools, intent, syntax and request values.

use std::os::unix::fs::PermissionsExt;

use caro::config::{SafetyConfig, SafetyLevel};
use caro::context::{Context, EnvView, Os, Shell};
use caro::quote::quote;
use caro::safety::{self, decide, CheckInput, Decision, Risk, Verdict, WarningKind};

fn ctx(os: Os, shell: Shell) -> Context {
    let env = EnvView::from_pairs([("PATH", "/usr/bin:/bin"), ("HOME", "/home/ann")]);
    Context::with_env(env, Some(os), Some(shell))
}

fn run(command: &str, ctx: &Context, policy: &SafetyConfig) -> Verdict {
    safety::check(
        command,
        &CheckInput {
            shell: ctx.shell,
            ctx,
            policy,
            request: None,
            request_values: &[],
        },
    )
}

fn check(command: &str) -> Verdict {
    run(
        command,
        &ctx(Os::Linux, Shell::Bash),
        &SafetyConfig::default(),
    )
}

fn rules(v: &Verdict) -> Vec<&str> {
    v.findings.iter().map(|f| f.rule.as_str()).collect()
}

/// The host's userland for "GNU": Linux targets on a Linux host.
fn gnu() -> Context {
    ctx(Os::Linux, Shell::Bash)
}

/// A macOS target: BSD userland, whatever the host.
fn bsd(shell: Shell) -> Context {
    ctx(Os::Macos, shell)
}

#[test]
fn policy_table() {
    use Decision::*;
    use Risk::*;
    let table = [
        (SafetyLevel::Strict, [Allow, Warn, Refuse, Refuse]),
        (SafetyLevel::Moderate, [Allow, Allow, Warn, Refuse]),
        (SafetyLevel::Permissive, [Allow, Allow, Allow, Refuse]),
    ];
    for (level, decisions) in table {
        for (risk, want) in [Safe, Moderate, High, Critical].into_iter().zip(decisions) {
            assert_eq!(decide(risk, level), want, "{risk} at {level:?}");
        }
    }
}

#[test]
fn reasons_are_for_people() {
    let v = check("rm -rf ~");
    assert_eq!(v.risk, Risk::Critical);
    assert_eq!(v.decision, Decision::Refuse);
    assert!(
        v.findings[0].reason.contains("home directory"),
        "{:?}",
        v.findings
    );
    let v = check("sudo dd if=/dev/zero of=/dev/sdb bs=1M");
    assert!(
        v.findings[0].reason.contains("/dev/sdb"),
        "{:?}",
        v.findings
    );
}

#[test]
fn allow_silences_but_not_critical_without_the_override() {
    let c = gnu();
    let mut policy = SafetyConfig {
        allow: vec!["git-reset-hard".into(), "rm-root".into()],
        ..SafetyConfig::default()
    };
    let v = run("git reset --hard HEAD~1", &c, &policy);
    assert_eq!((v.risk, v.decision), (Risk::Safe, Decision::Allow), "{v:?}");
    let v = run("rm -rf /", &c, &policy);
    assert_eq!(
        v.decision,
        Decision::Refuse,
        "allow alone cannot silence critical"
    );
    policy.allow_critical = true;
    let v = run("rm -rf /", &c, &policy);
    assert_ne!(
        v.decision,
        Decision::Refuse,
        "the documented override lets it through: {v:?}"
    );
    // A regex entry matches the whole command text.
    let policy = SafetyConfig {
        allow: vec!["^git push -f origin main$".into()],
        ..SafetyConfig::default()
    };
    assert_eq!(run("git push -f origin main", &c, &policy).risk, Risk::Safe);
}

#[test]
fn deny_refuses_by_rule_or_pattern() {
    let c = gnu();
    let policy = SafetyConfig {
        deny: vec!["git-force-push".into(), r"\bnpm publish\b".into()],
        ..SafetyConfig::default()
    };
    let v = run("git push -f origin feature", &c, &policy);
    assert_eq!(v.decision, Decision::Refuse);
    assert!(rules(&v).contains(&safety::DENY_RULE));
    assert_eq!(
        run("npm publish --access public", &c, &policy).decision,
        Decision::Refuse
    );
    assert_eq!(run("npm test", &c, &policy).decision, Decision::Allow);
    // Deny wins over allow.
    let policy = SafetyConfig {
        allow: vec!["git-force-push".into()],
        deny: vec!["git-force-push".into()],
        ..SafetyConfig::default()
    };
    assert_eq!(
        run("git push -f origin feature", &c, &policy).decision,
        Decision::Refuse
    );
}

#[test]
fn a_bad_regex_is_a_warning_not_a_panic() {
    let policy = SafetyConfig {
        allow: vec!["(unclosed".into()],
        deny: vec!["[z-a]".into()],
        ..SafetyConfig::default()
    };
    let v = run("ls", &gnu(), &policy);
    let config: Vec<_> = v
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::Config)
        .collect();
    assert_eq!(config.len(), 2, "{:?}", v.warnings);
    assert!(config[0].message.contains("(unclosed"));
    assert_eq!(v.decision, Decision::Allow);
}

#[test]
fn bsd_rewrites() {
    for (shell, before, after) in [
        (
            Shell::Bash,
            "sed -i 's/a/b/' notes.txt",
            "sed -i '' 's/a/b/' notes.txt",
        ),
        (
            Shell::Zsh,
            "sed -i -e 's/a/b/' -e 's/c/d/' f",
            "sed -i '' -e 's/a/b/' -e 's/c/d/' f",
        ),
        (
            Shell::Bash,
            "sed -r 's/(a+)/\\1/' f",
            "sed -E 's/(a+)/\\1/' f",
        ),
        (Shell::Bash, "date -d yesterday +%F", "date -v-1d +%F"),
        (Shell::Bash, "date -d '3 days ago' +%F", "date -v-3d +%F"),
        (Shell::Bash, "date -d @1700000000", "date -r 1700000000"),
        (
            Shell::Bash,
            "stat -c %s report.pdf",
            "stat -f %z report.pdf",
        ),
        (Shell::Bash, "stat -c '%U %a' f", "stat -f '%Su %Lp' f"),
        (Shell::Bash, "du -h --max-depth=1 .", "du -h -d 1 ."),
        (
            Shell::Bash,
            "grep -P '\\d+ errors' app.log",
            "grep -E '[0-9]+ errors' app.log",
        ),
        (
            Shell::Bash,
            "grep -oP 'id=\\w+' f",
            "grep -oE 'id=[[:alnum:]_]+' f",
        ),
        (Shell::Bash, "ls --color=auto -la", "ls -G -la"),
        (
            Shell::Bash,
            "ps aux --sort=-%mem | head",
            "ps aux -m | head",
        ),
        (
            Shell::Bash,
            "sha256sum app.tar.gz",
            "shasum -a 256 app.tar.gz",
        ),
        (
            Shell::Bash,
            "find . -name '*.tmp' | xargs -r rm",
            "find . -name '*.tmp' | xargs rm",
        ),
        (
            Shell::Bash,
            "tar --wildcards -xf a.tar '*.txt'",
            "tar -xf a.tar '*.txt'",
        ),
        (Shell::Bash, "tac app.log", "tail -r app.log"),
        (Shell::Fish, "sed -i 's/a/b/' f", "sed -i '' 's/a/b/' f"),
    ] {
        let v = run(before, &bsd(shell), &SafetyConfig::default());
        assert_eq!(
            v.rewritten.as_deref(),
            Some(after),
            "{before} ({shell}): {:?}",
            v.warnings
        );
        assert!(
            v.warnings.iter().any(|w| w.kind == WarningKind::Flavour),
            "{before}"
        );
    }
}

#[test]
fn gnu_rewrites() {
    for (before, after) in [
        ("sed -i '' 's/a/b/' f", "sed -i 's/a/b/' f"),
        ("date -v-1d +%F", "date -d '1 day ago' +%F"),
        ("date -v-2H -v+1d", "date -d '2 hours ago 1 day'"),
        ("date -r 1700000000", "date -d @1700000000"),
        ("stat -f %z report.pdf", "stat -c %s report.pdf"),
        ("tail -r app.log", "tac app.log"),
        ("ps aux -m | head", "ps aux --sort=-%mem | head"),
        ("base64 -D < in.b64", "base64 -d < in.b64"),
    ] {
        let v = run(before, &gnu(), &SafetyConfig::default());
        assert_eq!(
            v.rewritten.as_deref(),
            Some(after),
            "{before}: {:?}",
            v.warnings
        );
    }
}

#[test]
fn flavour_problems_without_a_known_fix_only_warn() {
    let v = run(
        "find . -printf '%s %p\\n'",
        &bsd(Shell::Bash),
        &SafetyConfig::default(),
    );
    assert!(v.rewritten.is_none());
    assert!(v
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::Flavour && w.message.contains("-printf")));
    // Lookarounds have no ERE form: warn, do not rewrite.
    let v = run(
        "grep -P 'a(?=b)' f",
        &bsd(Shell::Bash),
        &SafetyConfig::default(),
    );
    assert!(v.rewritten.is_none());
    // The same commands are fine on GNU.
    for cmd in [
        "find . -printf '%s %p\\n'",
        "grep -P 'a(?=b)' f",
        "sed -i 's/a/b/' f",
        "date -d yesterday",
    ] {
        let v = run(cmd, &gnu(), &SafetyConfig::default());
        assert!(
            !v.warnings.iter().any(|w| w.kind == WarningKind::Flavour),
            "{cmd}: {:?}",
            v.warnings
        );
    }
    // GNU stat -f (file system status) is not a BSD format.
    let v = run("stat -f /", &gnu(), &SafetyConfig::default());
    assert!(v.rewritten.is_none(), "{v:?}");
}

#[test]
fn missing_tools_name_their_package() {
    let dir = tempfile::tempdir().unwrap();
    for tool in ["ls", "grep"] {
        let p = dir.path().join(tool);
        std::fs::write(&p, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = dir.path().display().to_string();
    let env = EnvView::from_pairs([
        ("PATH", path.as_str()),
        ("CARO_KNOWN_COMMANDS", "gst myalias"),
    ]);
    let c = Context::with_env(env, None, Some(Shell::Bash));
    let v = run(
        "ls | rg foo && gst && cd /tmp && greet() { echo hi; }; greet",
        &c,
        &SafetyConfig::default(),
    );
    let missing: Vec<&str> = v
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::NotInstalled)
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(
        missing[0].starts_with("`rg` is not installed"),
        "{missing:?}"
    );
    if c.distro() == Some("debian") {
        assert!(
            missing[0].contains("sudo apt install ripgrep"),
            "{missing:?}"
        );
    }
    // A wrapper is a command too.
    let v = run("sudo ls", &c, &SafetyConfig::default());
    assert!(v
        .warnings
        .iter()
        .any(|w| w.message.starts_with("`sudo` is not installed")));
    let off = SafetyConfig {
        check_installed: false,
        ..SafetyConfig::default()
    };
    assert!(run("rg foo", &c, &off).warnings.is_empty());
    // Fish builtins are not tools.
    let c = Context::with_env(
        EnvView::from_pairs([("PATH", path.as_str())]),
        None,
        Some(Shell::Fish),
    );
    let v = run(
        "set -x FOO bar; string upper abc; ls",
        &c,
        &SafetyConfig::default(),
    );
    assert!(v.warnings.is_empty(), "{:?}", v.warnings);
}

#[test]
fn intent_blocks_harmless_looking_candidates() {
    let c = gnu();
    let policy = SafetyConfig::default();
    let v = safety::check(
        "ls -la /dev/sda",
        &CheckInput {
            shell: Shell::Bash,
            ctx: &c,
            policy: &policy,
            request: Some("wipe the disk"),
            request_values: &[],
        },
    );
    assert_eq!(v.risk, Risk::Critical);
    assert_eq!(v.decision, Decision::Refuse);
    assert!(rules(&v).contains(&"intent-wipe-disk"));
    assert_eq!(safety::check_intent("fork bomb")[0].risk, Risk::Critical);
    assert!(safety::check_intent("list files by size").is_empty());
}

#[test]
fn broken_syntax_warns_and_is_still_judged() {
    let v = check("echo 'unterminated");
    assert_eq!(v.decision, Decision::Warn);
    let w = v
        .warnings
        .iter()
        .find(|w| w.kind == WarningKind::Syntax)
        .expect("syntax warning");
    assert!(
        w.message.contains("unterminated single quote"),
        "{}",
        w.message
    );
    let v = check("rm -rf / \"oops");
    assert_eq!(v.risk, Risk::Critical);
    let v = run(
        "if test -f x; echo y",
        &ctx(Os::Linux, Shell::Fish),
        &SafetyConfig::default(),
    );
    assert!(v
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::Syntax && w.message.contains("end")));
}

#[test]
fn request_values_must_arrive_inert() {
    let c = gnu();
    let policy = SafetyConfig::default();
    let value = "$(rm -rf ~)".to_string();
    let with = |command: &str| {
        safety::check(
            command,
            &CheckInput {
                shell: Shell::Bash,
                ctx: &c,
                policy: &policy,
                request: None,
                request_values: std::slice::from_ref(&value),
            },
        )
    };
    let safe = with(&format!("grep -rn {} .", quote(&value, Shell::Bash)));
    assert_eq!(safe.risk, Risk::Safe, "{safe:?}");
    assert!(safe.warnings.is_empty());
    let bad = with("grep -rn $(rm -rf ~) .");
    assert!(bad.warnings.iter().any(|w| w.kind == WarningKind::Quoting));
    // And the substitution itself is judged: it would delete the home directory.
    assert_eq!(bad.risk, Risk::Critical);
}

#[test]
fn help_and_version_never_count() {
    for cmd in [
        "rm --help",
        "git reset --help",
        "terraform destroy --help",
        "kubectl delete --help",
    ] {
        assert_eq!(check(cmd).risk, Risk::Safe, "{cmd}");
    }
}
