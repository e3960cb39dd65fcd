//! Safety and validation: every candidate is parsed, judged and checked against this machine
//! before it can reach the user's buffer. `caro check` exposes the same verdict.
//!
//! # What [`check`] does
//!
//! 1. **Parse** the command for the target shell ([`parse`]; bash, zsh or fish syntax).
//!    A command that does not parse gets a [`WarningKind::Syntax`] warning and is still
//!    judged, from a lenient split of its text.
//! 2. **Analyse** what would run: every simple command, nested ones included (substitutions,
//!    function bodies, `sh -c '…'`, `eval`, `ssh host '…'`, a script piped into `bash`,
//!    base64 payloads with a known input), with wrappers looked through (`sudo`, `env`,
//!    `xargs`, `find -exec`) and earlier assignments, loop values and `cd` applied.
//! 3. **Judge** it with the rules in `data/safety/rules.toml` and, when the request is given,
//!    the intents in `data/safety/intent.toml`. Only the entries a command or request can
//!    concern are parsed, and a pattern is compiled only for text that has the literals it
//!    requires: caro is a fresh process on every key press (see `data.rs`). Each [`Finding`]
//!    carries a [`Risk`] and a reason a person understands.
//! 4. **Validate** against this machine: commands that are not installed (with the package
//!    to install), flags the local GNU/BSD userland lacks (with a rewrite when one is known),
//!    and request values that would not reach the command as inert data.
//! 5. **Decide** with the user's policy: `safety.allow` / `safety.deny` ([`crate::config`]),
//!    then the [`decide`] table for `safety.level`.
//!
//! # The parser for other modules
//!
//! [`parse`] returns a [`Script`]; [`Script::simple_commands`] walks every simple command
//! (nested ones included), each with its command word ([`SimpleCommand::name`]), arguments
//! ([`SimpleCommand::args`]), assignments and redirections. Every [`Word`] keeps its parts
//! (quotes, parameters, substitutions) and its byte [`Span`] in the source:
//!
//! ```
//! use caro::context::Shell;
//! let script = caro::safety::parse("sudo rm -rf \"$dir\" && echo done", Shell::Bash).unwrap();
//! let names: Vec<_> = script.simple_commands().iter().filter_map(|c| c.name()).collect();
//! assert_eq!(names, ["sudo", "echo"]);
//! ```

mod analyze;
mod data;
mod flavour;
mod installed;
mod intent;
mod lazy_regex;
#[cfg(test)]
mod literals;
mod paths;
mod policy;
mod rules;
pub mod syntax;
mod values;

use serde::{Deserialize, Serialize};

use crate::config::{SafetyConfig, SafetyLevel};
use crate::context::{Context, Shell};

pub use syntax::{
    parse, AndOr, AssignValue, Assignment, CaseArm, Command, Compound, CompoundCommand, Connector,
    FunctionDef, Item, Param, ParseError, Pipeline, RedirOp, Redirect, Script, SimpleCommand, Span,
    Word, WordPart,
};

/// How dangerous a command is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    Safe,
    Moderate,
    High,
    Critical,
}

impl Risk {
    pub fn parse(s: &str) -> Option<Risk> {
        Some(match s {
            "safe" => Risk::Safe,
            "moderate" => Risk::Moderate,
            "high" => Risk::High,
            "critical" => Risk::Critical,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Safe => "safe",
            Risk::Moderate => "moderate",
            Risk::High => "high",
            Risk::Critical => "critical",
        }
    }
}

impl std::fmt::Display for Risk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reason a command is risky.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule id (used by `safety.allow` / `safety.deny`).
    pub rule: String,
    pub risk: Risk,
    /// What it does, for a person: "deletes your home directory recursively".
    pub reason: String,
}

/// A problem that is not a risk: a missing tool, a flag the local flavour lacks, …
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub kind: WarningKind,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// The command does not parse for the target shell.
    Syntax,
    /// A command word is not installed.
    NotInstalled,
    /// A flag the local GNU/BSD flavour lacks.
    Flavour,
    /// A value from the request is not quoted safely.
    Quoting,
    /// A `safety.allow` / `safety.deny` entry is unusable (it is ignored).
    Config,
}

/// What the policy does with the command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// Insert it.
    Allow,
    /// Insert it, with the warning shown.
    Warn,
    /// Never insert it as runnable text.
    Refuse,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    pub risk: Risk,
    pub decision: Decision,
    pub findings: Vec<Finding>,
    pub warnings: Vec<Warning>,
    /// A corrected command when a known rewrite fixes a flavour problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rewritten: Option<String>,
}

/// What a check needs besides the command.
pub struct CheckInput<'a> {
    pub shell: Shell,
    pub ctx: &'a Context,
    pub policy: &'a SafetyConfig,
    /// The request the command answers, for the intent check (None for `caro check`).
    pub request: Option<&'a str>,
    /// Values the engine copied from the request (paths, patterns) that must reach the
    /// command as inert data.
    pub request_values: &'a [String],
}

/// Rule id of the finding added when a `safety.deny` entry refuses a command.
pub const DENY_RULE: &str = "config-deny";

/// Judge one command.
///
/// The verdict's risk is the highest finding (request intent included when
/// `input.request` is given). Syntax errors and unsafe request values make the decision at
/// least [`Decision::Warn`]; a `safety.deny` match makes it [`Decision::Refuse`].
pub fn check(command: &str, input: &CheckInput<'_>) -> Verdict {
    let verdict = judge(command, input, data::get());
    match data::defect() {
        // Only a broken build gets here (every entry is parsed by the tests); fail closed.
        Some(e) => Verdict {
            risk: Risk::High,
            decision: Decision::Refuse,
            findings: vec![Finding {
                rule: "internal".into(),
                risk: Risk::High,
                reason: format!("cannot be checked: {e}"),
            }],
            warnings: Vec::new(),
            rewritten: None,
        },
        None => verdict,
    }
}

fn judge(command: &str, input: &CheckInput<'_>, data: &'static data::Data) -> Verdict {
    let home = input.ctx.env.get("HOME");
    let analysis = analyze::analyze(command, input.shell, data, home.as_deref());
    let mcx = rules::MatchCx {
        src: command,
        analysis: &analysis,
        paths: &data.paths,
        home: home.as_deref(),
    };
    let mut findings = data.rules.evaluate(&mcx);
    if let Some(request) = input.request {
        for f in data.intents.check(request) {
            if !findings.iter().any(|g| g.rule == f.rule) {
                findings.push(f);
            }
        }
    }

    let mut warnings = Vec::new();
    if let Some(e) = &analysis.parse_error {
        warnings.push(Warning {
            kind: WarningKind::Syntax,
            message: format!("this is not valid {} syntax: {e}", input.shell),
        });
    }
    let flavour = data.flavour.check(&analysis, input.ctx.flavour(), &mcx);
    if input.policy.check_installed {
        warnings.extend(installed::check(
            &analysis,
            input.ctx,
            &data.shells,
            &data.packages,
            &flavour.explained,
        ));
    }
    warnings.extend(flavour.warnings);
    let quoting = values::check(command, analysis.script.as_ref(), input.request_values);
    let unsafe_values = !quoting.is_empty();
    warnings.extend(quoting);

    let applied = policy::apply(findings, command, input.policy, data);
    warnings.extend(applied.warnings);
    let mut findings = applied.findings;
    findings.sort_by_key(|f| std::cmp::Reverse(f.risk));
    let risk = findings.iter().map(|f| f.risk).max().unwrap_or(Risk::Safe);
    let mut decision = decide(risk, input.policy.level);
    if decision == Decision::Allow && (analysis.parse_error.is_some() || unsafe_values) {
        decision = Decision::Warn;
    }
    if let Some(entry) = applied.denied_by {
        decision = Decision::Refuse;
        findings.push(Finding {
            rule: DENY_RULE.into(),
            risk,
            reason: format!("is refused by your `safety.deny` entry `{entry}`"),
        });
    }
    let rewritten = if flavour.edits.is_empty() {
        None
    } else {
        flavour::apply_edits(command, &flavour.edits)
            .filter(|fixed| fixed != command && syntax::parse(fixed, input.shell).is_ok())
    };
    Verdict {
        risk,
        decision,
        findings,
        warnings,
        rewritten,
    }
}

/// Hooks for `benches/safety.rs`; not part of the interface.
#[doc(hidden)]
pub mod bench_support {
    /// Parse every data entry and compile every pattern from scratch: the most a process
    /// could spend on the data (a typical check uses a few entries).
    pub fn parse_every_entry() -> bool {
        super::data::Data::new().validate().is_ok()
    }
}

/// Judge the request's intent on its own ("wipe the disk", "fork bomb").
// Not inlined: with `check`, the two entry points `scripts/safety-callgrind` counts.
#[inline(never)]
pub fn check_intent(request: &str) -> Vec<Finding> {
    data::get().intents.check(request)
}

/// The policy table: which risk is inserted, inserted with a warning, or refused.
///
/// | level      | safe  | moderate | high   | critical |
/// |------------|-------|----------|--------|----------|
/// | strict     | allow | warn     | refuse | refuse   |
/// | moderate   | allow | allow    | warn   | refuse   |
/// | permissive | allow | allow    | allow  | refuse   |
///
/// Critical is refused at every level; only `safety.allow` with `safety.allow_critical`
/// can let a critical command through.
pub fn decide(risk: Risk, level: SafetyLevel) -> Decision {
    use Decision::*;
    match (level, risk) {
        (_, Risk::Safe) => Allow,
        (SafetyLevel::Strict, Risk::Moderate) => Warn,
        (SafetyLevel::Strict, _) => Refuse,
        (SafetyLevel::Moderate, Risk::Moderate) => Allow,
        (SafetyLevel::Moderate, Risk::High) => Warn,
        (SafetyLevel::Moderate, Risk::Critical) => Refuse,
        (SafetyLevel::Permissive, Risk::Critical) => Refuse,
        (SafetyLevel::Permissive, _) => Allow,
    }
}
