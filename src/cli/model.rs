//! `caro model`: manage the encoder model and ONNX Runtime.

use clap::Args;

use crate::exit::{CliError, Exit};

#[derive(Debug, Args)]
pub struct ModelArgs {}

pub fn run(args: ModelArgs) -> Result<Exit, CliError> {
    let _ = args;
    Err(CliError::failure(
        "model management is not available in this build yet",
    ))
}
