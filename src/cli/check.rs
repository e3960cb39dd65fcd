//! `caro check`: the safety and validation verdict for a command, alone.

use std::io::Read;

use clap::{Args, ValueEnum};

use crate::config::{Config, SafetyLevel};
use crate::context::{Context, Os, Shell};
use crate::exit::{CliError, Exit};
use crate::safety::{self, CheckInput, Decision, Verdict};

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
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::usage(format!("could not read the command from stdin: {e}")))?;
        text
    } else {
        args.command.join(" ")
    };
    if command.trim().is_empty() {
        return Err(CliError::usage("the command to check is empty"));
    }
    let ctx = Context::capture(args.os, args.shell);
    let verdict = safety::check(
        &command,
        &CheckInput {
            shell: ctx.shell,
            ctx: &ctx,
            policy: &policy,
            request: None,
            request_values: &[],
        },
    );
    let text = match args.format {
        CheckFormat::Json => {
            let doc = serde_json::json!({
                "command": command,
                "shell": ctx.shell,
                "os": ctx.os,
                "risk": verdict.risk,
                "decision": verdict.decision,
                "refused": verdict.decision == Decision::Refuse,
                "reasons": verdict.findings,
                "warnings": verdict.warnings,
                "rewritten": verdict.rewritten,
            });
            format!("{}\n", serde_json::to_string_pretty(&doc).expect("json"))
        }
        CheckFormat::Plain => render_plain(&verdict),
    };
    super::write_stdout(&text)?;
    Ok(if verdict.decision == Decision::Refuse {
        Exit::Blocked
    } else {
        Exit::Success
    })
}

fn render_plain(v: &Verdict) -> String {
    let decision = match v.decision {
        Decision::Allow => "allowed",
        Decision::Warn => "allowed with a warning",
        Decision::Refuse => "refused",
    };
    let mut out = format!("risk: {} ({decision})\n", v.risk);
    for f in &v.findings {
        out.push_str(&format!("  - {} [{}]: {}\n", f.risk, f.rule, f.reason));
    }
    for w in &v.warnings {
        out.push_str(&format!("  ! {}\n", w.message));
    }
    if let Some(fixed) = &v.rewritten {
        out.push_str(&format!("suggested fix: {fixed}\n"));
    }
    out
}
