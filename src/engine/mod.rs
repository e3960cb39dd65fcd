//! Engines turn a [`Request`] into ranked [`Candidate`] commands, and the pipeline runs every
//! candidate through the safety validator before anything is returned.
//!
//! ```text
//! Request + Context ──▶ engines (builtin KB [+ encoder ranking], remote) ──▶ candidates
//!                    ──▶ safety::check each ──▶ Suggestion (ranked, checked)
//! ```
//! Engines are interchangeable behind [`Engine`]; the pipeline does not know how they work.

pub mod builtin;
pub mod remote;
pub mod semantic;

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::config::{Config, EngineChoice};
use crate::context::Context;
use crate::request::Request;
use crate::safety::{self, CheckInput, Decision, Finding, Risk, Verdict};

/// Which engine produced a candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineId {
    /// Knowledge base, lexical ranking.
    Builtin,
    /// Knowledge base, ranked with the ONNX sentence encoder.
    Semantic,
    /// An OpenAI-compatible server.
    Remote,
}

impl EngineId {
    pub fn as_str(self) -> &'static str {
        match self {
            EngineId::Builtin => "builtin",
            EngineId::Semantic => "semantic",
            EngineId::Remote => "remote",
        }
    }
}

/// One proposed command, before safety checks.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Candidate {
    pub command: String,
    /// One line: what the command does, in words.
    pub explanation: String,
    pub engine: EngineId,
    /// Calibrated 0..1: how sure the engine is that this answers the request.
    pub confidence: f32,
    /// Knowledge-base recipe id, when the candidate came from one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipe: Option<String>,
    /// Values copied from the request into the command (paths, patterns, names); the
    /// validator checks they arrive as inert, correctly quoted data.
    #[serde(skip)]
    pub request_values: Vec<String>,
    /// The engine's own view of the risk (a recipe's hint); the validator's verdict is
    /// raised to at least this.
    #[serde(skip)]
    pub risk_hint: Option<Risk>,
}

#[derive(Debug)]
pub enum EngineError {
    /// The engine is not installed or not configured (a fallback, not a failure).
    Unavailable(String),
    /// It ran out of time.
    Timeout,
    /// It failed.
    Failed(String),
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::Unavailable(why) => write!(f, "unavailable: {why}"),
            EngineError::Timeout => write!(f, "timed out"),
            EngineError::Failed(why) => write!(f, "failed: {why}"),
        }
    }
}

impl std::error::Error for EngineError {}

/// What every engine implements.
pub trait Engine {
    fn id(&self) -> EngineId;
    /// Up to `limit` candidates, best first. An empty list means "nothing confident".
    fn propose(
        &self,
        request: &Request,
        ctx: &Context,
        limit: usize,
        deadline: Instant,
    ) -> Result<Vec<Candidate>, EngineError>;
}

/// A candidate with its safety verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Checked {
    #[serde(flatten)]
    pub candidate: Candidate,
    pub verdict: Verdict,
}

impl Checked {
    pub fn risk(&self) -> Risk {
        self.verdict.risk
    }
    pub fn refused(&self) -> bool {
        self.verdict.decision == Decision::Refuse
    }
}

/// Everything the output layer needs.
#[derive(Clone, Debug, Serialize)]
pub struct Suggestion {
    /// Checked candidates, best first; refused ones included (the output layer decides how
    /// to present them: never as runnable text).
    pub candidates: Vec<Checked>,
    /// Findings about the request itself ("fork bomb", "wipe the disk").
    pub intent: Vec<Finding>,
    /// Engines that were consulted, in order.
    pub engines: Vec<EngineId>,
    /// Things the user may want to know (encoder missing, remote timed out, …).
    pub notes: Vec<String>,
    pub elapsed_ms: f64,
}

impl Suggestion {
    /// The best candidate that may be inserted.
    pub fn best_allowed(&self) -> Option<&Checked> {
        self.candidates.iter().find(|c| !c.refused())
    }
}

/// Options for one suggestion run (already merged from CLI, env and config).
pub struct Options<'a> {
    pub config: &'a Config,
    pub engine: EngineChoice,
    pub count: usize,
}

/// Below this confidence a candidate is not worth showing.
pub const MIN_CONFIDENCE: f32 = 0.35;

/// Run the engines and check every candidate.
pub fn suggest(request: &Request, ctx: &Context, opts: &Options<'_>) -> Suggestion {
    let started = Instant::now();
    let deadline = started + Duration::from_millis(opts.config.timeout_ms);
    let mut notes = Vec::new();
    let mut engines = Vec::new();
    let mut candidates: Vec<Candidate> = Vec::new();

    for engine in select_engines(opts.engine, opts.config, ctx, &mut notes) {
        engines.push(engine.id());
        match engine.propose(request, ctx, opts.count.max(1), deadline) {
            Ok(found) => {
                for c in found {
                    if c.confidence >= MIN_CONFIDENCE
                        && !candidates.iter().any(|seen| seen.command == c.command)
                    {
                        candidates.push(c);
                    }
                }
            }
            Err(e) => notes.push(format!("{} engine {e}", engine.id().as_str())),
        }
        // Later engines are fallbacks: stop once something confident exists.
        if !candidates.is_empty() {
            break;
        }
        if Instant::now() >= deadline {
            notes.push("ran out of time (raise `timeout_ms`)".into());
            break;
        }
    }
    candidates.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    candidates.truncate(opts.count.max(1));

    let intent = safety::check_intent(&request.raw);
    let checked = candidates
        .into_iter()
        .map(|candidate| {
            let verdict = safety::check(
                &candidate.command,
                &CheckInput {
                    shell: ctx.shell,
                    ctx,
                    policy: &opts.config.safety,
                    request: Some(&request.raw),
                    request_values: &candidate.request_values,
                },
            );
            let mut verdict = verdict;
            if let Some(hint) = candidate.risk_hint {
                if hint > verdict.risk {
                    verdict.risk = hint;
                    verdict.decision =
                        safety::decide(hint, opts.config.safety.level).max(verdict.decision);
                }
            }
            let mut candidate = candidate;
            if let Some(fixed) = &verdict.rewritten {
                candidate.command = fixed.clone();
            }
            Checked { candidate, verdict }
        })
        .collect();

    Suggestion {
        candidates: checked,
        intent,
        engines,
        notes,
        elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
    }
}

/// The engines to consult, best first, for an engine choice. Later engines are only asked
/// when earlier ones have nothing confident.
fn select_engines(
    choice: EngineChoice,
    config: &Config,
    ctx: &Context,
    notes: &mut Vec<String>,
) -> Vec<Box<dyn Engine>> {
    let mut engines: Vec<Box<dyn Engine>> = Vec::new();
    let semantic = match choice {
        // `auto` honours `encoder.enabled`; asking for `semantic` by name always tries it.
        EngineChoice::Auto => config.encoder.enabled,
        EngineChoice::Semantic => true,
        EngineChoice::Builtin | EngineChoice::Remote => false,
    };
    if semantic {
        match crate::encoder::load(&config.encoder) {
            Ok(scorer) => engines.push(Box::new(builtin::Builtin::with_semantic(scorer))),
            Err(e) => notes.push(format!("encoder {e}; using lexical matching")),
        }
    }
    if choice != EngineChoice::Remote && engines.is_empty() {
        engines.push(Box::new(builtin::Builtin::lexical()));
    }
    let wants_remote = match choice {
        EngineChoice::Remote => true,
        // In auto mode a server is a fallback, and only when one is configured.
        EngineChoice::Auto => !config.remote.url.trim().is_empty(),
        _ => false,
    };
    if wants_remote {
        match remote::Remote::from_config(&config.remote, &ctx.env) {
            Ok(r) => engines.push(Box::new(r)),
            Err(e) => notes.push(format!("remote engine {e}")),
        }
    }
    engines
}
