//! `caro abbr`: fish abbreviations made from accepted suggestions.

use clap::Args;

use crate::exit::{CliError, Exit};

#[derive(Debug, Args)]
pub struct AbbrArgs {}

pub fn run(args: AbbrArgs) -> Result<Exit, CliError> {
    let _ = args;
    Err(CliError::failure(
        "abbreviations are not available in this build yet",
    ))
}
