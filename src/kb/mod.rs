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

static INDEX_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/kb.json"));
static RECIPES_BLOB: &str = include_str!(concat!(env!("OUT_DIR"), "/kb-recipes.json"));
static TEXTS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/kb-texts.json"));

/// The loaded knowledge base.
pub struct Kb {
    pub index: Compiled<'static>,
    recipes_blob: &'static str,
    texts_json: &'static str,
    recipes: Vec<OnceCell<Recipe>>,
    texts: OnceCell<Vec<String>>,
}

impl Kb {
    fn load() -> Kb {
        Kb::from_parts(INDEX_JSON, RECIPES_BLOB, TEXTS_JSON)
    }

    /// A knowledge base from the three documents the build script writes (the embedded
    /// ones, or a test's; see [`schema::CompiledOut`]).
    pub fn from_parts(
        index_json: &'static str,
        recipes_blob: &'static str,
        texts_json: &'static str,
    ) -> Kb {
        let index: Compiled<'static> =
            serde_json::from_str(index_json).expect("the embedded knowledge base is valid");
        let recipes = (0..index.recipe_ends.len())
            .map(|_| OnceCell::new())
            .collect();
        Kb {
            index,
            recipes_blob,
            texts_json,
            recipes,
            texts: OnceCell::new(),
        }
    }

    /// A knowledge base straight from the compiler's output (tests).
    #[cfg(test)]
    pub fn from_compiled(out: &schema::CompiledOut) -> Kb {
        fn leak(s: String) -> &'static str {
            Box::leak(s.into_boxed_str())
        }
        Kb::from_parts(
            leak(serde_json::to_string(out).expect("the compiled index serialises")),
            leak(out.recipes_blob.clone()),
            leak(out.texts_json.clone()),
        )
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
            let start = i
                .checked_sub(1)
                .map_or(0, |prev| self.index.recipe_ends[prev] as usize);
            let end = self.index.recipe_ends[i] as usize;
            serde_json::from_str(&self.recipes_blob[start..end])
                .expect("the embedded recipe is valid")
        })
    }

    /// Phrasing texts with example values, in phrasing order.
    pub fn texts(&self) -> &[String] {
        self.texts.get_or_init(|| {
            serde_json::from_str(self.texts_json).expect("the embedded phrasings are valid")
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

    #[test]
    fn the_compiled_index_survives_its_embedding_exactly() {
        let input = compile::Input {
            lexicon_toml: include_str!("../../data/kb/lexicon.toml"),
            recipe_files: vec![(
                "files.toml".into(),
                include_str!("../../data/kb/files.toml").into(),
            )],
        };
        let out = compile::compile(&input).unwrap();
        let kb = Kb::from_compiled(&out);
        assert_eq!(kb.index.phrasings.len(), out.phrasings.len());
        for (got, want) in kb.index.phrasings.iter().zip(&out.phrasings) {
            assert_eq!(got.recipe, want.recipe);
            assert_eq!(got.terms, want.terms);
            assert_eq!(got.norm.to_bits(), want.norm.to_bits());
        }
        assert_eq!(kb.len(), out.recipe_ends.len());
        // Every recipe's slice of the blob is its whole document: distinct ids, all parsed.
        let ids: std::collections::BTreeSet<&str> =
            (0..kb.len()).map(|i| kb.recipe(i).id.as_str()).collect();
        assert_eq!(ids.len(), kb.len());
        assert_eq!(kb.texts().len(), out.phrasings.len());
    }
}
