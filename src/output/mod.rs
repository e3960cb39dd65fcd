//! Presenting a [`Suggestion`]: `plain` for people and pipes, `json` for programs, `widget`
//! for caro's own shell scripts. Stdout carries only the payload; messages go to stderr.

pub mod widget;

use serde::Serialize;

use crate::context::{Os, Shell};
use crate::engine::{Checked, Suggestion};
use crate::safety::{Decision, Finding, Risk};

/// Overall outcome of a suggestion, shared by every format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// At least one candidate may be inserted.
    Ok,
    /// Candidates exist but the safety policy refused all of them (or the intent).
    Blocked,
    /// No engine had a confident answer.
    None,
    /// Something failed (bad input, engine error).
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Blocked => "blocked",
            Status::None => "none",
            Status::Error => "error",
        }
    }

    pub fn exit(self) -> crate::exit::Exit {
        use crate::exit::Exit;
        match self {
            Status::Ok => Exit::Success,
            Status::Blocked => Exit::Blocked,
            Status::None => Exit::NoSuggestion,
            Status::Error => Exit::Failure,
        }
    }
}

/// The outcome of a suggestion, decided once for all formats.
pub struct Outcome<'a> {
    pub status: Status,
    /// Candidates that may be inserted, best first.
    pub allowed: Vec<&'a Checked>,
    /// One line saying why there is nothing to insert (for blocked / none).
    pub message: Option<String>,
}

/// Decide what to show. A critical intent ("wipe the disk") blocks every candidate.
pub fn outcome(s: &Suggestion) -> Outcome<'_> {
    let critical_intent = s.intent.iter().find(|f| f.risk == Risk::Critical);
    let allowed: Vec<&Checked> = if critical_intent.is_some() {
        Vec::new()
    } else {
        s.candidates.iter().filter(|c| !c.refused()).collect()
    };
    if !allowed.is_empty() {
        return Outcome {
            status: Status::Ok,
            allowed,
            message: None,
        };
    }
    if let Some(f) = critical_intent {
        return Outcome {
            status: Status::Blocked,
            allowed,
            message: Some(format!(
                "refused: the request asks to {} ({} risk)",
                f.reason, f.risk
            )),
        };
    }
    if let Some(refused) = s.candidates.first() {
        let reason = refused
            .verdict
            .findings
            .iter()
            .max_by_key(|f| f.risk)
            .map(|f| f.reason.clone())
            .unwrap_or_else(|| "refused by your safety policy".into());
        return Outcome {
            status: Status::Blocked,
            allowed,
            message: Some(format!("refused ({} risk): {reason}", refused.risk())),
        };
    }
    Outcome {
        status: Status::None,
        allowed,
        message: Some("no confident suggestion: try rephrasing with the tool or file names".into()),
    }
}

/// The one-line summary shown under the prompt: risk, then explanation, then the most
/// important warning.
pub fn info_line(c: &Checked) -> String {
    let mut line = format!("[{}] {}", c.risk(), c.candidate.explanation.trim());
    if c.verdict.decision == Decision::Warn {
        if let Some(f) = c.verdict.findings.iter().max_by_key(|f| f.risk) {
            line.push_str(&format!(" — warning: {}", f.reason));
        }
    }
    if let Some(w) = c.verdict.warnings.first() {
        line.push_str(&format!(" — {}", w.message));
    }
    // One line, always: the widget protocol and terminals both depend on it.
    line.replace(['\n', '\r'], " ")
}

/// Plain format: the best command on stdout; explanation (if asked) and warnings on stderr.
pub fn plain(s: &Suggestion, explain: bool) -> (String, Vec<String>, Status) {
    let o = outcome(s);
    let mut stderr = Vec::new();
    let stdout = match o.allowed.first() {
        Some(best) => {
            if explain {
                stderr.push(info_line(best));
            } else if let Some(f) = best
                .verdict
                .findings
                .iter()
                .filter(|_| best.verdict.decision == Decision::Warn)
                .max_by_key(|f| f.risk)
            {
                stderr.push(format!("caro: warning ({} risk): {}", f.risk, f.reason));
            }
            format!("{}\n", best.candidate.command)
        }
        None => {
            if let Some(m) = &o.message {
                stderr.push(format!("caro: {m}"));
            }
            String::new()
        }
    };
    // Notes (encoder unavailable, remote timed out) are for `--format json` and
    // `caro doctor`: repeating them on every plain suggestion would be noise.
    for note in &s.notes {
        crate::log::info(note);
    }
    (stdout, stderr, o.status)
}

/// Version of the JSON document; bumped only on incompatible changes.
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonCandidate<'a> {
    command: &'a str,
    risk: Risk,
    decision: Decision,
    reasons: &'a [Finding],
    warnings: &'a [crate::safety::Warning],
    explanation: &'a str,
    engine: &'static str,
    confidence: f32,
    #[serde(skip_serializing_if = "Option::is_none")]
    recipe: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonDoc<'a> {
    version: u32,
    status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    request: &'a str,
    shell: Shell,
    os: Os,
    candidates: Vec<JsonCandidate<'a>>,
    intent: &'a [Finding],
    engines: Vec<&'static str>,
    notes: &'a [String],
    timing_ms: Timing,
}

#[derive(Serialize)]
struct Timing {
    total: f64,
}

/// JSON format: every candidate, refused ones included (with `decision: "refuse"`).
pub fn json(s: &Suggestion, request: &str, shell: Shell, os: Os) -> (String, Status) {
    let o = outcome(s);
    let doc = JsonDoc {
        version: JSON_VERSION,
        status: o.status,
        message: o.message.as_deref(),
        request,
        shell,
        os,
        candidates: s
            .candidates
            .iter()
            .map(|c| JsonCandidate {
                command: &c.candidate.command,
                risk: c.verdict.risk,
                decision: c.verdict.decision,
                reasons: &c.verdict.findings,
                warnings: &c.verdict.warnings,
                explanation: &c.candidate.explanation,
                engine: c.candidate.engine.as_str(),
                confidence: (c.candidate.confidence * 1000.0).round() / 1000.0,
                recipe: c.candidate.recipe.as_deref(),
            })
            .collect(),
        intent: &s.intent,
        engines: s.engines.iter().map(|e| e.as_str()).collect(),
        notes: &s.notes,
        timing_ms: Timing {
            total: (s.elapsed_ms * 1000.0).round() / 1000.0,
        },
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("json output");
    text.push('\n');
    (text, o.status)
}

/// A JSON error document, for failures before any engine ran (bad input).
pub fn json_error(message: &str) -> String {
    let doc = serde_json::json!({
        "version": JSON_VERSION,
        "status": "error",
        "message": message,
        "candidates": [],
    });
    format!("{doc}\n")
}
