//! The seam between the knowledge base and a semantic encoder.
//!
//! The knowledge base publishes its phrasings (`crate::kb::phrasings()`); an encoder embeds
//! them once (cached per KB fingerprint and model) and, per request, returns how close the
//! request is to each phrasing by meaning. The builtin engine blends these scores with its
//! lexical ones; slot extraction and rendering do not change.

use super::EngineError;

pub trait SemanticScorer {
    /// Cosine similarity (-1..1) of the request to every phrasing, in
    /// `crate::kb::phrasings()` order.
    fn similarities(&self, request: &str) -> Result<Vec<f32>, EngineError>;

    /// Short description for `caro doctor` and JSON notes ("all-minilm-l6-v2 int8, ORT 1.32").
    fn describe(&self) -> String;
}
