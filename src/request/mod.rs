//! The user's request: validated input text, analysed once (tokens, typed values, matching
//! terms). Engines receive a [`Request`] and never re-parse the raw text themselves.

mod input;

pub use input::{validate_input, InputError, MAX_REQUEST_BYTES};

use crate::nlu::Analysis;

/// A request as the engines see it.
#[derive(Clone, Debug)]
pub struct Request {
    /// The text as typed (validated: non-empty, no NUL/control characters, bounded size).
    pub raw: String,
    /// Tokens, typed values and matching terms, computed once.
    pub analysis: Analysis,
}

impl Request {
    /// Build a request from validated input text.
    pub fn new(raw: &str) -> Request {
        Request {
            raw: raw.to_string(),
            analysis: crate::kb::analyze(raw),
        }
    }
}
