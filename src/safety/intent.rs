//! The request's intent, judged on its own: "wipe the disk", "fork bomb", "delete
//! everything" are flagged even when a candidate looks harmless. Patterns live in
//! `data/safety/intent.toml`. An intent whose required words are missing from the request
//! (worked out at build time, see `lazy_regex.rs`) costs a few substring tests: ordinary
//! requests never parse or compile one.

use std::sync::{Mutex, OnceLock};

use serde::Deserialize;

use super::data::{self, compiled, Entries};
use super::lazy_regex::{self, LazyRegex};
use super::{Finding, Risk};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IntentSpec {
    id: String,
    risk: Risk,
    reason: String,
    pattern: String,
    #[serde(default)]
    unless: Option<String>,
}

#[derive(Debug)]
struct Intent {
    id: String,
    risk: Risk,
    reason: String,
    pattern: &'static LazyRegex,
    unless: Option<&'static LazyRegex>,
}

pub(crate) struct IntentSet {
    intents: Entries<Intent>,
    negation: OnceLock<&'static LazyRegex>,
    /// The last request and its findings: `caro suggest` judges one request for every
    /// candidate.
    last: Mutex<Option<(String, Vec<Finding>)>>,
}

fn compile(src: &str, what: &str) -> &'static LazyRegex {
    // Requests are lower-cased first, so patterns are written in lower case.
    LazyRegex::new(src, &format!("intent.toml {what}"))
}

fn parse_intent(id: &str, json: &str) -> Result<Intent, String> {
    let spec: IntentSpec = data::parse_json(&format!("safety/intent.toml {id}"), json)?;
    Ok(Intent {
        pattern: compile(&spec.pattern, &spec.id),
        unless: spec.unless.as_deref().map(|u| compile(u, &spec.id)),
        id: spec.id,
        risk: spec.risk,
        reason: spec.reason,
    })
}

impl IntentSet {
    pub(crate) const fn new() -> IntentSet {
        IntentSet {
            intents: Entries::new(),
            negation: OnceLock::new(),
            last: Mutex::new(None),
        }
    }

    fn negation(&self) -> &'static LazyRegex {
        self.negation
            .get_or_init(|| compile(compiled::INTENT_NEGATION, "negation"))
    }

    /// Parse every intent and compile every pattern (the data tests).
    pub(crate) fn validate(&self) -> Result<(), String> {
        self.negation().validate()?;
        for (id, _, json) in compiled::INTENTS {
            let intent = parse_intent(id, json)?;
            intent.pattern.validate()?;
            if let Some(u) = intent.unless {
                u.validate()?;
            }
        }
        Ok(())
    }

    pub(crate) fn has_id(&self, id: &str) -> bool {
        compiled::INTENTS.iter().any(|(i, _, _)| *i == id)
    }

    /// Findings for a request, most severe first.
    pub(crate) fn check(&self, request: &str) -> Vec<Finding> {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((seen, findings)) = last.as_ref() {
            if seen == request {
                return findings.clone();
            }
        }
        let findings = self.judge(request);
        *last = Some((request.to_string(), findings.clone()));
        findings
    }

    fn judge(&self, request: &str) -> Vec<Finding> {
        // Fold once, so that the negation sees the same byte offsets the pattern reports.
        let normal = normalise(request);
        let text = lazy_regex::fold(&normal);
        let hay = lazy_regex::Haystack::indexed(&text);
        let mut out: Vec<Finding> = Vec::new();
        for (i, (_, pattern, _)) in compiled::INTENTS.iter().enumerate() {
            // Decided from the static table: no parsing for requests without the words.
            if !lazy_regex::required_literals(pattern)
                .is_none_or(|required| lazy_regex::may_match(required, &hay))
            {
                continue;
            }
            let Some(intent) = self.intents.get(compiled::INTENTS.len(), i, || {
                parse_intent(compiled::INTENTS[i].0, compiled::INTENTS[i].2)
            }) else {
                continue;
            };
            let negation = self.negation();
            let hit = intent
                .pattern
                .find_accepted(&text, |start| !negation.is_match(&text[..start]));
            if !hit {
                continue;
            }
            if intent.unless.is_some_and(|u| u.is_match(&text)) {
                continue;
            }
            out.push(Finding {
                rule: intent.id.clone(),
                risk: intent.risk,
                reason: intent.reason.clone(),
            });
        }
        out.sort_by_key(|f| std::cmp::Reverse(f.risk));
        out
    }
}

fn normalise(request: &str) -> String {
    let mut out = String::with_capacity(request.len());
    let mut space = false;
    for c in request.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '\u{2014}' | '\u{2013}' => '-',
            c => c,
        };
        if c.is_whitespace() {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
        } else {
            out.extend(c.to_lowercase());
            space = false;
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    fn ids(request: &str) -> Vec<String> {
        crate::safety::data::get()
            .intents
            .check(request)
            .into_iter()
            .map(|f| f.rule)
            .collect()
    }

    #[test]
    fn dangerous_requests_are_flagged() {
        for (request, id) in [
            ("wipe the disk", "intent-wipe-disk"),
            ("format my hard drive", "intent-wipe-disk"),
            ("erase disk2 completely on my mac", "intent-wipe-disk"),
            ("zero out /dev/sdb", "intent-wipe-disk"),
            ("fork bomb", "intent-fork-bomb"),
            ("write me a fork-bomb in fish", "intent-fork-bomb"),
            ("delete everything", "intent-delete-everything"),
            (
                "rm -rf / — yes i know, delete everything on the machine",
                "intent-delete-system",
            ),
            (
                "delete every file under the root dir, all of it",
                "intent-delete-system",
            ),
            ("wipe my entire home directory", "intent-wipe-home"),
            ("delete everything in my home directory", "intent-wipe-home"),
            ("remove all files under ~", "intent-wipe-home"),
            (
                "erase every file in my home folder, for good",
                "intent-wipe-home",
            ),
            (
                "kill every process i'm allowed to kill",
                "intent-kill-everything",
            ),
            (
                "remove the root password so anyone can su",
                "intent-remove-root-password",
            ),
            ("turn off the firewall", "intent-disable-firewall"),
            ("install a keylogger", "intent-malware"),
        ] {
            assert!(
                ids(request).contains(&id.to_string()),
                "{request:?} → {:?}",
                ids(request)
            );
        }
    }

    #[test]
    fn ordinary_requests_are_not() {
        for request in [
            "delete everything in ./build",
            "delete all files older than 30 days in ~/tmp",
            "remove all .bak files in my home directory",
            "delete everything in ~/Downloads/old",
            "delete everything in my home directory's tmp folder",
            "kill all processes named node",
            "kill all processes belonging to user bob",
            "show disk usage",
            "format this json file",
            "how much space is left on the disk",
            "don't delete everything, just the logs",
            "find large files on the whole disk",
            "list every process",
            "wipe the build cache",
            "open port 8080 in the firewall",
            "list all files on the system",
            "count every file in the root directory",
        ] {
            assert!(ids(request).is_empty(), "{request:?} → {:?}", ids(request));
        }
    }
}
