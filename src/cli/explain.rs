//! `caro explain`: what each part of a command does, then the safety verdict.
//!
//! Exit status: 0 when the command was explained (whatever its risk: explaining runs
//! nothing), 2 for usage errors, 5 when the built-in dictionary cannot be read.

use std::io::{IsTerminal, Read};

use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::config::{Config, SafetyLevel};
use crate::context::{Context, Os, Shell};
use crate::exit::{CliError, Exit};
use crate::explain::{self, Colours, ExplainError, Explanation, Target};
use crate::safety::{self, CheckInput, Decision, Finding, Risk, Verdict, Warning, WarningKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Plain,
    Json,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The command to explain, quoted as one argument (`-` reads it from stdin)
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

    /// OS whose flavour of the commands applies (GNU on linux, BSD on macos) [default:
    /// this machine's]
    #[arg(long, value_enum)]
    pub os: Option<Os>,

    /// Output format
    #[arg(long, value_enum, default_value_t = ExplainFormat::Plain)]
    pub format: ExplainFormat,
}

pub fn run(args: ExplainArgs) -> Result<Exit, CliError> {
    let command = read_command(&args.command)?;
    let loaded = Config::load();
    super::report_config_diagnostics(&loaded);
    let policy = loaded.config.safety.clone();
    let ctx = Context::capture(args.os, args.shell);
    let target = Target {
        shell: ctx.shell,
        os: ctx.os,
        flavour: ctx.flavour(),
    };
    let explanation = explain::explain(&command, target).map_err(|e| match e {
        ExplainError::Empty => CliError::usage(e.to_string()),
        ExplainError::Dictionary(_) => CliError::failure(e.to_string()),
    })?;
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
        ExplainFormat::Json => {
            let doc = JsonDoc {
                explanation: &explanation,
                safety: JsonSafety {
                    level: policy.level,
                    risk: verdict.risk,
                    decision: verdict.decision,
                    reasons: &verdict.findings,
                    warnings: &verdict.warnings,
                    rewritten: verdict.rewritten.as_deref(),
                },
            };
            let mut text = serde_json::to_string_pretty(&doc)
                .map_err(|e| CliError::failure(format!("could not encode the explanation: {e}")))?;
            text.push('\n');
            text
        }
        ExplainFormat::Plain => {
            let stdout = std::io::stdout();
            let tty = stdout.is_terminal();
            let colours = Colours {
                enabled: tty && colour_allowed(&ctx),
            };
            let columns = if tty { terminal_columns(&ctx) } else { None };
            let mut text = explain::render_plain(&explanation, colours, columns);
            text.push_str(&verdict_text(&verdict, policy.level, colours));
            text
        }
    };
    super::write_stdout(&text)?;
    Ok(Exit::Success)
}

/// `--format json`: the explanation's fields in order, then the verdict.
#[derive(Serialize)]
struct JsonDoc<'a> {
    #[serde(flatten)]
    explanation: &'a Explanation,
    safety: JsonSafety<'a>,
}

/// The same fields `caro check --format json` uses.
#[derive(Serialize)]
struct JsonSafety<'a> {
    level: SafetyLevel,
    risk: Risk,
    decision: Decision,
    reasons: &'a [Finding],
    warnings: &'a [Warning],
    rewritten: Option<&'a str>,
}

fn read_command(words: &[String]) -> Result<String, CliError> {
    let command = if words.len() == 1 && words[0] == "-" {
        let mut text = String::new();
        // The same bound as `check`: nobody reviews a longer command.
        std::io::stdin()
            .take(1 << 20)
            .read_to_string(&mut text)
            .map_err(|e| CliError::usage(format!("could not read the command from stdin: {e}")))?;
        text.trim_end_matches(['\n', '\r']).to_string()
    } else {
        words.join(" ")
    };
    if command.trim().is_empty() {
        return Err(CliError::usage(ExplainError::Empty.to_string()));
    }
    Ok(command)
}

/// <https://no-color.org>, and terminals that cannot show colour.
fn colour_allowed(ctx: &Context) -> bool {
    let no_color = ctx.env.get_raw("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = ctx.env.get_raw("TERM").is_some_and(|t| t == "dumb");
    !no_color && !dumb
}

/// The terminal's width: `COLUMNS` when the shell exports it, else the tty's own.
fn terminal_columns(ctx: &Context) -> Option<usize> {
    if let Some(n) = ctx
        .env
        .get_raw("COLUMNS")
        .and_then(|v| v.trim().parse().ok())
    {
        return Some(n);
    }
    let mut size = nix::libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ writes one `winsize` into the struct we own.
    let ok = unsafe { nix::libc::ioctl(1, nix::libc::TIOCGWINSZ, &mut size) } == 0;
    (ok && size.ws_col > 0).then_some(size.ws_col as usize)
}

fn level_name(level: SafetyLevel) -> &'static str {
    match level {
        SafetyLevel::Strict => "strict",
        SafetyLevel::Moderate => "moderate",
        SafetyLevel::Permissive => "permissive",
    }
}

fn verdict_text(v: &Verdict, level: SafetyLevel, c: Colours) -> String {
    let decision = match v.decision {
        Decision::Allow => c.green("allowed"),
        Decision::Warn => c.yellow("allowed with a warning"),
        Decision::Refuse => c.red("refused"),
    };
    let mut out = format!(
        "\n{} {decision}: {} risk (safety level {})\n",
        c.bold("safety:"),
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
        let kind = match w.kind {
            WarningKind::Syntax => "syntax:",
            WarningKind::NotInstalled => "missing:",
            WarningKind::Flavour => "flavour:",
            WarningKind::Quoting => "quoting:",
            WarningKind::Config => "config:",
        };
        out.push_str(&format!("  {kind:<9} {}\n", w.message));
    }
    if let Some(fixed) = &v.rewritten {
        out.push_str(&format!("  {:<9} {fixed}\n", "fix:"));
    }
    out
}
