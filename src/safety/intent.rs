//! The request's intent, judged on its own: "wipe the disk", "fork bomb", "delete
//! everything" are flagged even when a candidate looks harmless. Patterns live in
//! `data/safety/intent.toml`.

use serde::Deserialize;

use super::rules::LazyRegex;
use super::{Finding, Risk};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IntentFile {
    negation: String,
    intent: Vec<IntentSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IntentSpec {
    id: String,
    risk: Risk,
    reason: String,
    /// Words of which at least one appears in every request the pattern can match: a plain
    /// substring test that spares compiling the pattern for ordinary requests.
    keywords: Vec<String>,
    pattern: String,
    #[serde(default)]
    unless: Option<String>,
}

#[derive(Debug)]
struct Intent {
    id: String,
    risk: Risk,
    reason: String,
    keywords: Vec<String>,
    pattern: LazyRegex,
    unless: Option<LazyRegex>,
}

#[derive(Debug)]
pub(crate) struct IntentSet {
    negation: LazyRegex,
    intents: Vec<Intent>,
}

fn compile(src: &str, what: &str) -> LazyRegex {
    // Requests are lower-cased first, so patterns are written in lower case.
    LazyRegex::new(src, &format!("intent.toml {what}"))
}

impl IntentSet {
    pub(crate) fn load(file: &IntentFile) -> Result<IntentSet, String> {
        let negation = compile(&file.negation, "negation");
        let mut intents = Vec::new();
        for spec in &file.intent {
            if spec.keywords.is_empty() {
                return Err(format!("intent.toml {}: list its keywords", spec.id));
            }
            intents.push(Intent {
                id: spec.id.clone(),
                risk: spec.risk,
                reason: spec.reason.clone(),
                keywords: spec.keywords.clone(),
                pattern: compile(&spec.pattern, &spec.id),
                unless: spec.unless.as_deref().map(|u| compile(u, &spec.id)),
            });
        }
        Ok(IntentSet { negation, intents })
    }

    /// Compile every pattern now (the data tests).
    #[cfg(test)]
    pub(crate) fn validate_regexes(&self) -> Result<(), String> {
        self.negation.validate()?;
        for i in &self.intents {
            i.pattern.validate()?;
            if let Some(u) = &i.unless {
                u.validate()?;
            }
        }
        Ok(())
    }

    pub(crate) fn has_id(&self, id: &str) -> bool {
        self.intents.iter().any(|i| i.id == id)
    }

    /// Findings for a request, most severe first.
    pub(crate) fn check(&self, request: &str) -> Vec<Finding> {
        let text = normalise(request);
        let mut out: Vec<Finding> = Vec::new();
        let bytes = text.as_bytes();
        for intent in &self.intents {
            if !intent.keywords.iter().any(|k| text.contains(k.as_str())) {
                continue;
            }
            let hit = intent
                .pattern
                .find_accepted(bytes, |start| !self.negation.is_match(&bytes[..start]));
            if !hit {
                continue;
            }
            if intent.unless.as_ref().is_some_and(|u| u.is_match(bytes)) {
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
