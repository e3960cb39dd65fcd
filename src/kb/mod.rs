//! The command knowledge base: recipes from `data/kb/*.toml`, compiled at build time (see
//! `build.rs`) and loaded once per process from an embedded JSON document.

#[cfg(test)]
pub mod compile;
pub mod matcher;
pub mod schema;
pub mod slots;
pub mod template;

use once_cell::sync::Lazy;

use crate::nlu::{Analysis, Lexicon};
pub use schema::Compiled;

static COMPILED_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/kb.json"));

static KB: Lazy<Compiled> = Lazy::new(|| {
    serde_json::from_str(COMPILED_JSON).expect("the embedded knowledge base is valid")
});

static PHRASINGS: Lazy<Vec<String>> =
    Lazy::new(|| KB.phrasings.iter().map(|p| p.text.clone()).collect());

/// The compiled knowledge base.
pub fn get() -> &'static Compiled {
    &KB
}

pub fn lexicon() -> &'static Lexicon {
    &KB.lexicon
}

/// Analyse a request with the knowledge base's lexicon.
pub fn analyze(text: &str) -> Analysis {
    crate::nlu::analyze(text, lexicon(), false)
}

/// Every phrasing of every recipe, with example values in place of slots, in a stable
/// order (the encoder embeds these).
pub fn phrasings() -> &'static [String] {
    &PHRASINGS
}

/// Identifies this build's knowledge base; caches derived from it (embeddings) key on it.
pub fn fingerprint() -> &'static str {
    &KB.fingerprint
}
