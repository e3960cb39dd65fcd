//! `caro doctor`: what was detected, what is missing, and what to do about each.

use clap::Args;

use crate::exit::{CliError, Exit};

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Print the report as JSON (for bug reports)
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: DoctorArgs) -> Result<Exit, CliError> {
    let _ = args;
    Err(CliError::failure(
        "doctor is not available in this build yet",
    ))
}
