//! The command knowledge base: recipes from `data/kb/*.toml`, compiled at build time (see
//! `build.rs`) into one embedded JSON document.
//!
//! Loading is cheap by design: the index (terms, idf, phrasing term ids) is read eagerly,
//! borrowing its strings from the embedded document; each recipe stays unparsed until the
//! matcher shortlists it.

#[cfg(test)]
pub mod compile;
pub mod matcher;
pub mod schema;
pub mod slots;
pub mod template;

use once_cell::sync::{Lazy, OnceCell};

use crate::nlu::{Analysis, Lexicon};
pub use schema::{Compiled, Recipe};

static COMPILED_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/kb.json"));

/// The loaded knowledge base.
pub struct Kb {
    pub index: Compiled<'static>,
    recipes: Vec<OnceCell<Recipe>>,
    texts: OnceCell<Vec<String>>,
}

impl Kb {
    fn load() -> Kb {
        Kb::from_json(COMPILED_JSON)
    }

    /// A knowledge base from a compiled document (the embedded one, or a test's).
    pub fn from_json(json: &'static str) -> Kb {
        let index: Compiled<'static> =
            serde_json::from_str(json).expect("the embedded knowledge base is valid");
        let recipes = (0..index.recipes.len()).map(|_| OnceCell::new()).collect();
        Kb {
            index,
            recipes,
            texts: OnceCell::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.recipes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.recipes.is_empty()
    }

    /// Recipe `i`, parsed on first use.
    pub fn recipe(&self, i: usize) -> &Recipe {
        self.recipes[i].get_or_init(|| {
            serde_json::from_str(self.index.recipes[i].get()).expect("the embedded recipe is valid")
        })
    }

    /// Phrasing texts with example values, in phrasing order.
    pub fn texts(&self) -> &[String] {
        self.texts.get_or_init(|| {
            serde_json::from_str(self.index.texts.get()).expect("the embedded phrasings are valid")
        })
    }
}

static KB: Lazy<Kb> = Lazy::new(Kb::load);

/// The knowledge base.
pub fn get() -> &'static Kb {
    &KB
}

pub fn lexicon() -> &'static Lexicon<'static> {
    &KB.index.lexicon
}

/// Analyse a request with the knowledge base's lexicon.
pub fn analyze(text: &str) -> Analysis {
    crate::nlu::analyze(text, lexicon(), false)
}

/// Every phrasing of every recipe, with example values in place of slots, in a stable
/// order (the encoder embeds these).
pub fn phrasings() -> &'static [String] {
    KB.texts()
}

/// Identifies this build's knowledge base; caches derived from it (embeddings) key on it.
pub fn fingerprint() -> &'static str {
    KB.index.fingerprint
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_knowledge_base_loads_and_every_recipe_parses() {
        let kb = get();
        assert!(!kb.is_empty());
        for i in 0..kb.len() {
            let r = kb.recipe(i);
            assert!(!r.id.is_empty());
            for &p in &r.phrasings {
                assert_eq!(kb.index.phrasings[p as usize].recipe as usize, i);
            }
        }
        assert_eq!(phrasings().len(), kb.index.phrasings.len());
        assert_eq!(kb.index.terms.len(), kb.index.idf.len());
        assert!(
            kb.index.terms.windows(2).all(|w| w[0] < w[1]),
            "terms are sorted"
        );
    }
}
