//! Safety and validation: every candidate is parsed, judged and checked against this machine
//! before it can reach the user's buffer. `caro check` exposes the same verdict.
//!
//! The public surface is [`check`] (one command, with the request it answers) and
//! [`check_intent`] (the request alone); everything else is internal.

use serde::Serialize;

use crate::config::{SafetyConfig, SafetyLevel};
use crate::context::{Context, Shell};

/// How dangerous a command is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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

/// Judge one command.
pub fn check(command: &str, input: &CheckInput<'_>) -> Verdict {
    let _ = (command, input.shell);
    // Placeholder until the validator lands: treat everything as unknown-but-allowed.
    Verdict {
        risk: Risk::Safe,
        decision: decide(Risk::Safe, input.policy.level),
        findings: Vec::new(),
        warnings: Vec::new(),
        rewritten: None,
    }
}

/// Judge the request's intent on its own ("wipe the disk", "fork bomb").
pub fn check_intent(request: &str) -> Vec<Finding> {
    let _ = request;
    Vec::new()
}

/// The policy table: which risk is inserted, inserted with a warning, or refused.
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
