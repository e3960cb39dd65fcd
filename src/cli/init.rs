//! `caro init <shell>`: print the shell integration script.

use clap::Args;

use crate::context::Shell;
use crate::exit::{CliError, Exit};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Shell to integrate with
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: InitArgs) -> Result<Exit, CliError> {
    let _ = args;
    Err(CliError::failure("init is not available in this build yet"))
}
