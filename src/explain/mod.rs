//! `caro explain`: what each part of a command does.
//!
//! The command is parsed with the safety module's parser ([`crate::safety::parse`]); every
//! simple command (pipelines, lists, substitutions, loop bodies, the commands `sudo`,
//! `xargs`, `find -exec` or `ssh` run) becomes one [`Step`], and every word of it a
//! [`Part`] with its meaning from the command dictionary (`data/commands.toml`, see
//! [`dict`]). What the dictionary does not know is reported as unknown, never guessed.
//!
//! [`explain`] builds the structured form (serialised as-is by `--format json`),
//! [`render_plain`] lays it out for a terminal, and [`one_line`] condenses it to one line
//! for a candidate's info line.

mod analyze;
mod describe;
pub mod dict;
mod render;

use serde::Serialize;

use crate::context::{Flavour, Os, Shell};

pub use render::{one_line_of, render_plain, Colours};

/// What to explain the command for.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    pub shell: Shell,
    pub os: Os,
    /// The userland whose flags apply (`Context::flavour`).
    pub flavour: Flavour,
}

/// The explanation of a whole command line.
#[derive(Clone, Debug, Serialize)]
pub struct Explanation {
    pub command: String,
    pub shell: Shell,
    pub os: Os,
    pub flavour: Flavour,
    /// Set when the command is not valid syntax for the shell; the steps then come from a
    /// plain split of the words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub syntax_error: Option<String>,
    /// Every command that would run, in order; nested ones follow the command they are
    /// part of, one level deeper.
    pub commands: Vec<Step>,
}

/// One command that would run (or a piece of shell syntax around commands).
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    /// Nesting: 0 for the command line's own commands, +1 inside a substitution, a loop
    /// body, or a command run by another (`sudo`, `xargs`, `find -exec`, `ssh`).
    pub depth: usize,
    /// How this step connects to the step before it at the same depth, or to its parent.
    pub relation: Relation,
    /// The command that runs this one, for nested steps (`sudo`, `find -exec`, `$(…)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    pub kind: StepKind,
    /// The source text.
    pub text: String,
    /// The dictionary entry that explains it, subcommands included (`git commit`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// What it does: the deepest entry's summary (`git commit`'s, not `git`'s).
    pub summary: Option<String>,
    /// Whether the dictionary knows the command.
    pub known: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Sent to the background with `&`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub background: bool,
    pub parts: Vec<Part>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// A simple command.
    Command,
    /// Shell syntax around commands: loops, conditionals, groups, function definitions.
    Syntax,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The first command of the line.
    First,
    /// After the previous one (`;` or a new line).
    Then,
    /// Only if the previous one succeeded (`&&`, fish `and`).
    And,
    /// Only if the previous one failed (`||`, fish `or`).
    Or,
    /// Reads the previous command's output (`|`).
    Pipe,
    /// Its output replaces `$(…)` in the parent.
    Substitution,
    /// Its output (or input) is a file name in the parent (`<(…)`, fish `psub`).
    ProcessSubstitution,
    /// Run by the parent command (`sudo CMD`, `xargs CMD`, `find -exec CMD`, `ssh host CMD`).
    Runs,
    /// The condition of an `if` / `while` / `until`.
    Condition,
    /// The body of a loop, a branch, a group or a function.
    Body,
    /// The `else` branch of an `if`.
    Else,
}

/// One word (or an option with its value) and what it means.
#[derive(Clone, Debug, Serialize)]
pub struct Part {
    /// As written (`-n 5`, `-rf`, `'*.log'`, `2>&1`).
    pub text: String,
    pub kind: PartKind,
    /// The option as looked up (`-n` for `-n5`, `--lines` for `--lines=5`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
    /// The option's value as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `None` when it is not known.
    pub meaning: Option<String>,
    pub known: bool,
    /// A GNU/BSD difference, a pattern the shell expands, a value computed at run time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The option exists, but not in the target's flavour of the command.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unavailable: bool,
    /// The single flags of a combined group (`-rf` → `-r`, `-f`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    Command,
    Subcommand,
    Option,
    /// A flag group (`-rf`); its flags are in `parts`.
    Flags,
    Operand,
    Assignment,
    Redirect,
    /// `--`.
    EndOfOptions,
    /// A value a loop iterates over, a case pattern, a test's words.
    Word,
}

impl Part {
    pub(crate) fn new(text: impl Into<String>, kind: PartKind, meaning: Option<String>) -> Part {
        let known = meaning.is_some();
        Part {
            text: text.into(),
            kind,
            flag: None,
            value: None,
            meaning,
            known,
            note: None,
            unavailable: false,
            parts: Vec::new(),
        }
    }
}

/// Why nothing can be explained.
#[derive(Debug)]
pub enum ExplainError {
    /// The command is empty or only blanks.
    Empty,
    /// The built-in dictionary does not load (a build defect).
    Dictionary(String),
}

impl std::fmt::Display for ExplainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExplainError::Empty => f.write_str(
                "the command to explain is empty: pass it as one quoted argument, or `-` to read stdin",
            ),
            ExplainError::Dictionary(e) => write!(f, "the command dictionary cannot be read: {e}"),
        }
    }
}

impl std::error::Error for ExplainError {}

/// Explain every part of `command` for `target`.
pub fn explain(command: &str, target: Target) -> Result<Explanation, ExplainError> {
    if command.trim().is_empty() {
        return Err(ExplainError::Empty);
    }
    let dict = dict::get().map_err(|e| ExplainError::Dictionary(e.to_string()))?;
    let (commands, syntax_error) = analyze::analyze(dict, command, target);
    Ok(Explanation {
        command: command.to_string(),
        shell: target.shell,
        os: target.os,
        flavour: target.flavour,
        syntax_error,
        commands,
    })
}

/// One line saying what a candidate does, from the dictionary alone: each top-level
/// command's summary with its options' meanings (`sort: sort lines of text (-r: reverse
/// the order) | head: print the first lines (-n 5: print the first 5 lines)`). `None`
/// when the dictionary knows none of its commands.
pub fn one_line(command: &str, target: Target) -> Option<String> {
    let e = explain(command, target).ok()?;
    one_line_of(&e)
}

/// Hooks for `benches/explain.rs`; not part of the interface.
#[doc(hidden)]
pub mod bench_support {
    use super::{analyze, dict, Target};

    /// Index the embedded dictionary from scratch, as the first explanation in a process
    /// does.
    pub fn load_dictionary_uncached() -> usize {
        dict::load_uncached().map(|d| d.keys().count()).unwrap_or(0)
    }

    /// Explain with a fresh dictionary: the whole cost of a one-shot `caro explain`.
    pub fn explain_cold(command: &str, target: Target) -> usize {
        match dict::load_uncached() {
            Ok(d) => analyze::analyze(&d, command, target).0.len(),
            Err(_) => 0,
        }
    }
}
