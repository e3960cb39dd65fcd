//! The command knowledge base: recipes loaded from `data/kb/*.toml`, indexed at build time.

/// Every phrasing of every recipe, in a stable order (the encoder embeds these).
pub fn phrasings() -> &'static [String] {
    &[]
}

/// Identifies this build's knowledge base; caches derived from it (embeddings) key on it.
pub fn fingerprint() -> &'static str {
    "empty"
}
