//! Process exit codes. They are part of caro's interface (scripts and the shell widgets
//! branch on them), so they are documented in the README and never renumbered.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// A command was produced (or, for `check`, the command would be allowed).
    Success = 0,
    /// No engine produced a confident suggestion.
    NoSuggestion = 1,
    /// Bad command-line usage or unusable input (empty request, invalid UTF-8, …).
    Usage = 2,
    /// Every candidate was refused by the safety policy (or `check` would refuse it).
    Blocked = 3,
    /// The configuration is invalid in a way caro cannot work around (config subcommands).
    Config = 4,
    /// An internal or environment failure (I/O, engine crash, timeout).
    Failure = 5,
    /// Interrupted by Ctrl-C / SIGINT.
    Interrupted = 130,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e.code())
    }
}

/// An error that carries its exit code and a message for the user.
#[derive(Debug)]
pub struct CliError {
    pub exit: Exit,
    pub message: String,
}

impl CliError {
    pub fn new(exit: Exit, message: impl Into<String>) -> CliError {
        CliError {
            exit,
            message: message.into(),
        }
    }
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError::new(Exit::Usage, message)
    }
    pub fn failure(message: impl Into<String>) -> CliError {
        CliError::new(Exit::Failure, message)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::failure(e.to_string())
    }
}
