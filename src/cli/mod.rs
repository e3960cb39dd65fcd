//! Command-line interface: clap types and dispatch. Each subcommand lives in its own file
//! with its argument struct and a `run` function returning the exit code.

mod abbr;
mod check;
mod complete;
mod config_cmd;
mod doctor;
mod explain;
mod init;
mod model;
mod suggest;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use crate::exit::{CliError, Exit};

const AFTER_HELP: &str = "\
Set-up:   eval \"$(caro init zsh)\"   # or bash; fish: caro init fish | source
Then type a request at your prompt and press Ctrl-G.

Exit codes: 0 success, 1 no suggestion, 2 usage error, 3 blocked by safety,
            4 config error, 5 failure, 130 interrupted (SIGINT), 143 terminated (SIGTERM).
Environment: CARO_CONFIG (config file), CARO_<KEY> (any config key, e.g. CARO_ENGINE,
             CARO_SAFETY_LEVEL), CARO_LOG (off|error|warn|info|debug), CARO_LOG_FILE.";

#[derive(Debug, Parser)]
#[command(
    name = "caro",
    version,
    about = "Turn plain words into one validated shell command",
    after_help = AFTER_HELP,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Suggest a command for a request (`-` reads the request from stdin)
    Suggest(suggest::SuggestArgs),
    /// Explain what each part of a command does
    Explain(explain::ExplainArgs),
    /// Show the safety and validation verdict for a command
    Check(check::CheckArgs),
    /// Print the shell integration script (eval "$(caro init zsh)")
    Init(init::InitArgs),
    /// Show or change configuration
    Config(config_cmd::ConfigArgs),
    /// Check the installation and say what to fix
    Doctor(doctor::DoctorArgs),
    /// Manage the models caro uses (encoder)
    Model(model::ModelArgs),
    /// Fish abbreviations made from accepted suggestions
    Abbr(abbr::AbbrArgs),
}

/// Entry point used by `main.rs`.
pub fn main() -> ExitCode {
    // Dynamic completions: `COMPLETE=zsh caro` prints the registration script, and the
    // shell calls back into caro on Tab. Must run before anything writes to stdout.
    complete::handle_env();

    crate::log::init();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    Exit::Success
                }
                _ => Exit::Usage,
            };
            // clap formats and colours its own messages; stdout for help, stderr for errors.
            let _ = e.print();
            return code.into();
        }
    };
    match run(cli) {
        Ok(exit) => exit.into(),
        Err(e) => {
            if !e.message.is_empty() {
                eprintln!("caro: {}", e.message);
            }
            e.exit.into()
        }
    }
}

pub fn run(cli: Cli) -> Result<Exit, CliError> {
    match cli.command {
        Command::Suggest(args) => suggest::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Check(args) => check::run(args),
        Command::Init(args) => init::run(args),
        Command::Config(args) => config_cmd::run(args),
        Command::Doctor(args) => doctor::run(args),
        Command::Model(args) => model::run(args),
        Command::Abbr(args) => abbr::run(args),
    }
}

/// The clap command tree (completions, docs).
pub fn command() -> clap::Command {
    Cli::command()
}

/// Write to stdout, treating a closed pipe (`caro … | head`) as success rather than a panic.
pub(crate) fn write_stdout(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::failure(format!("could not write output: {e}"))),
    }
}

/// Print configuration problems once, on stderr, prefixed so they are recognisable.
pub(crate) fn report_config_diagnostics(loaded: &crate::config::Loaded) {
    for d in &loaded.diagnostics {
        eprintln!("caro: config: {d} (using defaults for it; see `caro doctor`)");
    }
}
