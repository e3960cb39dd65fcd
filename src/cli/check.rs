//! `caro check`: the safety and validation verdict for a command, alone.
//!
//! Exit status: 0 when the command would be inserted (with or without a warning), 3 when the
//! policy refuses it, 2 for usage errors.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};

use crate::config::{Config, SafetyLevel};
use crate::context::{Context, Os, Shell};
use crate::exit::{CliError, Exit};
use crate::safety::{self, CheckInput, Decision, Verdict, Warning, WarningKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Plain,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The command to check, quoted as one argument (`-` reads it from stdin)
    #[arg(
        value_name = "COMMAND",
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub command: Vec<String>,

    /// Shell whose syntax the command uses [default: detected]
    #[arg(long, value_enum)]
    pub shell: Option<Shell>,

    /// OS the command is meant for [default: this machine's]
    #[arg(long, value_enum)]
    pub os: Option<Os>,

    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Plain)]
    pub format: CheckFormat,

    /// Safety level to judge by [default: config `safety.level`]
    #[arg(long, value_enum)]
    pub safety: Option<SafetyLevel>,

    /// The request the command answers: its intent is judged too ("wipe the disk")
    #[arg(long, value_name = "TEXT")]
    pub request: Option<String>,

    /// A value copied from the request that must reach the command as inert data
    /// (repeatable)
    #[arg(long = "value", value_name = "TEXT")]
    pub values: Vec<String>,

    /// Also ask the shell itself to parse the command (bash -n, zsh -n, fish --no-execute)
    /// when it is installed
    #[arg(long)]
    pub confirm_syntax: bool,
}

pub fn run(args: CheckArgs) -> Result<Exit, CliError> {
    let loaded = Config::load();
    super::report_config_diagnostics(&loaded);
    let mut policy = loaded.config.safety.clone();
    if let Some(level) = args.safety {
        policy.level = level;
    }
    let command = if args.command.len() == 1 && args.command[0] == "-" {
        let mut text = String::new();
        // Bounded like `suggest`: a command longer than this is not one anybody reviews.
        std::io::stdin()
            .take(1 << 20)
            .read_to_string(&mut text)
            .map_err(|e| CliError::usage(format!("could not read the command from stdin: {e}")))?;
        // A trailing newline from `echo cmd | caro check -` is not part of the command.
        text.trim_end_matches(['\n', '\r']).to_string()
    } else {
        args.command.join(" ")
    };
    if command.trim().is_empty() {
        return Err(CliError::usage(
            "the command to check is empty: pass it as one quoted argument, or `-` to read stdin",
        ));
    }
    let ctx = Context::capture(args.os, args.shell);
    let mut verdict = safety::check(
        &command,
        &CheckInput {
            shell: ctx.shell,
            ctx: &ctx,
            policy: &policy,
            request: args.request.as_deref(),
            request_values: &args.values,
        },
    );
    if args.confirm_syntax {
        if let Some(w) = native_syntax_check(&command, ctx.shell) {
            verdict.warnings.insert(0, w);
        }
    }
    let text = match args.format {
        CheckFormat::Json => {
            let doc = serde_json::json!({
                "command": command,
                "shell": ctx.shell,
                "os": ctx.os,
                "level": policy.level,
                "risk": verdict.risk,
                "decision": verdict.decision,
                "refused": verdict.decision == Decision::Refuse,
                "reasons": verdict.findings,
                "warnings": verdict.warnings,
                "rewritten": verdict.rewritten,
            });
            let mut text = serde_json::to_string_pretty(&doc)
                .map_err(|e| CliError::failure(format!("could not encode the verdict: {e}")))?;
            text.push('\n');
            text
        }
        CheckFormat::Plain => render_plain(&verdict, policy.level),
    };
    super::write_stdout(&text)?;
    Ok(if verdict.decision == Decision::Refuse {
        Exit::Blocked
    } else {
        Exit::Success
    })
}

fn level_name(level: SafetyLevel) -> &'static str {
    match level {
        SafetyLevel::Strict => "strict",
        SafetyLevel::Moderate => "moderate",
        SafetyLevel::Permissive => "permissive",
    }
}

fn kind_name(kind: WarningKind) -> &'static str {
    match kind {
        WarningKind::Syntax => "syntax",
        WarningKind::NotInstalled => "missing",
        WarningKind::Flavour => "flavour",
        WarningKind::Quoting => "quoting",
        WarningKind::Config => "config",
    }
}

fn render_plain(v: &Verdict, level: SafetyLevel) -> String {
    let decision = match v.decision {
        Decision::Allow => "allowed",
        Decision::Warn => "allowed with a warning",
        Decision::Refuse => "refused",
    };
    let mut out = format!(
        "{decision}: {} risk (safety level {})\n",
        v.risk,
        level_name(level)
    );
    for f in &v.findings {
        out.push_str(&format!(
            "  {:<9} {} [{}]\n",
            f.risk.as_str(),
            f.reason,
            f.rule
        ));
    }
    for w in &v.warnings {
        out.push_str(&format!(
            "  {:<9} {}\n",
            format!("{}:", kind_name(w.kind)),
            w.message
        ));
    }
    if let Some(fixed) = &v.rewritten {
        out.push_str(&format!("  fix:      {fixed}\n"));
    }
    out
}

/// Ask the real shell to parse the command without running it. `None` when it parses, the
/// shell is not installed, or it does not answer within a second.
fn native_syntax_check(command: &str, shell: Shell) -> Option<Warning> {
    // fish reports errors in `-c` text but still exits 0, so it reads the command on stdin.
    let (program, flags): (&str, &[&str]) = match shell {
        Shell::Bash => ("bash", &["--norc", "--noprofile", "-n", "-c"]),
        Shell::Zsh => ("zsh", &["-f", "-n", "-c"]),
        Shell::Fish => ("fish", &["--no-config", "--no-execute"]),
    };
    let mut process = Command::new(program);
    process.args(flags);
    if shell != Shell::Fish {
        process.arg(command);
    }
    let mut child = process
        .stdin(if shell == Shell::Fish {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        let _ = stdin.write_all(command.as_bytes());
    }
    let deadline = Instant::now() + Duration::from_secs(1);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    };
    if status.success() {
        return None;
    }
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    let first = stderr
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    Some(Warning {
        kind: WarningKind::Syntax,
        message: format!("{program} itself rejects this command: {first}"),
    })
}
