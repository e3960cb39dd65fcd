//! The user's `safety.allow` and `safety.deny` lists.
//!
//! An entry that names a rule id (`git-reset-hard`, `intent-fork-bomb`) matches that rule;
//! anything else is a regular expression searched for in the whole command (anchor it with
//! `^…$` to match the whole text). Allow silences matching findings, but never a critical
//! one unless `safety.allow_critical = true`. Deny refuses the command whatever its risk.
//! Regular expressions are compiled once per process; a bad one is a warning, never a panic.

use std::collections::HashMap;
use std::sync::Mutex;

use once_cell::sync::Lazy;
use regex::Regex;

use super::data::Data;
use super::{Finding, Risk, Warning, WarningKind};
use crate::config::SafetyConfig;

static COMPILED: Lazy<Mutex<HashMap<String, Result<Regex, String>>>> =
    Lazy::new(|| Mutex::new(HashMap::new()));

enum Entry {
    Rule(String),
    Pattern(Regex),
    Invalid(String),
}

fn entry(text: &str, data: &Data) -> Entry {
    if data.rules.has_id(text) || data.intents.has_id(text) {
        return Entry::Rule(text.to_string());
    }
    let mut cache = match COMPILED.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    let compiled = cache
        .entry(text.to_string())
        .or_insert_with(|| Regex::new(text).map_err(|e| e.to_string()));
    match compiled {
        Ok(re) => Entry::Pattern(re.clone()),
        Err(e) => Entry::Invalid(e.lines().last().unwrap_or_default().trim().to_string()),
    }
}

/// What the lists did to a verdict.
pub(crate) struct Applied {
    pub findings: Vec<Finding>,
    /// The deny entry that refused the command.
    pub denied_by: Option<String>,
    pub warnings: Vec<Warning>,
}

pub(crate) fn apply(
    findings: Vec<Finding>,
    command: &str,
    policy: &SafetyConfig,
    data: &Data,
) -> Applied {
    let mut warnings = Vec::new();
    let mut compile = |key: &str, text: &str| match entry(text, data) {
        Entry::Invalid(why) => {
            warnings.push(Warning {
                kind: WarningKind::Config,
                message: format!(
                    "safety.{key} entry `{text}` is neither a rule id nor a valid regular expression ({why}); it is ignored"
                ),
            });
            None
        }
        e => Some(e),
    };
    let allow: Vec<Entry> = policy
        .allow
        .iter()
        .filter_map(|t| compile("allow", t))
        .collect();
    let deny: Vec<(String, Entry)> = policy
        .deny
        .iter()
        .filter_map(|t| compile("deny", t).map(|e| (t.clone(), e)))
        .collect();

    let matches = |e: &Entry, f: Option<&Finding>| match e {
        Entry::Rule(id) => f.is_some_and(|f| f.rule == *id),
        Entry::Pattern(re) => re.is_match(command),
        Entry::Invalid(_) => false,
    };

    // Deny is judged on every finding: an allow entry cannot cancel a deny entry.
    let denied_by = deny
        .iter()
        .find(|(_, e)| match e {
            Entry::Rule(_) => findings.iter().any(|f| matches(e, Some(f))),
            _ => matches(e, None),
        })
        .map(|(text, _)| text.clone());
    let kept: Vec<Finding> = findings
        .into_iter()
        .filter(|f| {
            let allowed = allow.iter().any(|e| matches(e, Some(f)));
            !allowed || (f.risk == Risk::Critical && !policy.allow_critical)
        })
        .collect();
    Applied {
        findings: kept,
        denied_by,
        warnings,
    }
}
