//! `caro abbr`: fish abbreviations made from accepted suggestions.

use clap::{Args, Subcommand};

use crate::exit::{CliError, Exit};
use crate::quote::quote;
use crate::shell::abbr::{last_suggestion, Store};
use crate::shell::LAST_SUGGESTION_FILE;

#[derive(Debug, Args)]
pub struct AbbrArgs {
    #[command(subcommand)]
    pub action: AbbrAction,
}

#[derive(Debug, Subcommand)]
pub enum AbbrAction {
    /// Save the last accepted suggestion (or the given command) under NAME
    Add {
        /// Abbreviation name: letters, digits, _ - . + ,
        name: String,
        /// The command to save [default: the last suggestion caro inserted]
        #[arg(last = true, value_name = "COMMAND")]
        command: Vec<String>,
    },
    /// List saved abbreviations
    List,
    /// Remove a saved abbreviation
    Remove {
        /// Abbreviation name
        name: String,
    },
}

fn store() -> Result<Store, CliError> {
    Store::default_location().ok_or_else(|| {
        CliError::failure("cannot locate caro's data directory: set HOME or XDG_DATA_HOME")
    })
}

pub fn run(args: AbbrArgs) -> Result<Exit, CliError> {
    match args.action {
        AbbrAction::Add { name, command } => {
            let command = if command.is_empty() {
                let path = crate::paths::state_file(LAST_SUGGESTION_FILE).ok_or_else(|| {
                    CliError::failure("cannot locate caro's data directory: set HOME")
                })?;
                last_suggestion(&path).map_err(CliError::usage)?
            } else {
                command.join(" ")
            };
            let store = store()?;
            let replaced = store.add(&name, &command).map_err(CliError::usage)?;
            if let Some(old) = replaced {
                eprintln!("caro: replaced '{name}' (was: {old})");
            }
            eprintln!(
                "caro: saved '{name}' → {command}\n\
                 caro: new fish sessions expand it; in this one run:  abbr --add {name} -- {}",
                quote(&command, crate::context::Shell::Fish)
            );
            Ok(Exit::Success)
        }
        AbbrAction::List => {
            let all = store()?.load().map_err(CliError::failure)?;
            let mut out = String::new();
            for (name, command) in all {
                out.push_str(&format!("{name}\t{}\n", command.replace('\n', "\\n")));
            }
            super::write_stdout(&out)?;
            Ok(Exit::Success)
        }
        AbbrAction::Remove { name } => {
            let store = store()?;
            let old = store.remove(&name).map_err(CliError::usage)?;
            eprintln!(
                "caro: removed '{name}' ({old}); in this fish session run:  abbr --erase {name}"
            );
            Ok(Exit::Success)
        }
    }
}
