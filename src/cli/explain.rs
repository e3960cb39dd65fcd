//! `caro explain`: what each part of a command does.

use clap::Args;

use crate::exit::{CliError, Exit};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The command to explain, quoted as one argument
    #[arg(
        value_name = "COMMAND",
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub command: Vec<String>,
}

pub fn run(args: ExplainArgs) -> Result<Exit, CliError> {
    let _ = args;
    Err(CliError::failure(
        "explain is not available in this build yet",
    ))
}
