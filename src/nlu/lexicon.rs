//! Word-level normalisation for matching: contractions, abbreviations, typos, light
//! stemming and synonyms. The word lists live in `data/kb/lexicon.toml`; this module only
//! applies them. Values (paths, names) never go through here: only the words around them.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// The lexicon as written in `data/kb/lexicon.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LexiconSource {
    /// Words that carry no meaning for matching ("the", "please").
    pub stopwords: Vec<String>,
    /// Shorthand → expansion (may be several words): `dirs = "directories"`.
    pub abbreviations: HashMap<String, String>,
    /// Canonical word → variants that mean the same here: `delete = ["remove", "erase"]`.
    pub synonyms: HashMap<String, Vec<String>>,
    /// Number words: `twelve = 12`, `dozen = 12`.
    pub numbers: HashMap<String, u64>,
    /// Words that name file types → extensions: `python = ["py"]`, `pdfs = ["pdf"]`.
    pub filetypes: HashMap<String, Vec<String>>,
    /// Words that denote the current directory, home, root, …: `"current directory" = "."`.
    pub places: HashMap<String, String>,
    /// Common misspellings the edit-distance correction would get wrong.
    #[serde(default)]
    pub misspellings: HashMap<String, String>,
    /// Sub-command words ("run", "test") that continue a command typed inside a request
    /// ("cargo run") even though recipes use them as words too.
    #[serde(default)]
    pub subcommands: Vec<String>,
    /// Places and abbreviations that name a time zone → IANA name: `"new york" =
    /// "America/New_York"`, `PST = "America/Los_Angeles"` (abbreviations, written in
    /// capitals, match only in capitals).
    #[serde(default)]
    pub timezones: HashMap<String, String>,
    /// Software that requests name as a value ("restart nginx", "pid of postgres") and
    /// recipes name as a word ("connect to postgres"): such a word is both.
    #[serde(default)]
    pub products: Vec<String>,
    /// Words that ask to destroy or remove something ("delete", "kill", "wipe"): a recipe
    /// whose command destroys is offered only to a request that says one of them.
    #[serde(default)]
    pub destructive: Vec<String>,
    /// Words that name the task outright ("install"): a recipe that never says one the
    /// request says answers another task.
    #[serde(default)]
    pub decisive: Vec<String>,
}

/// A sorted table of `(word, value)` pairs, looked up by binary search.
///
/// At run time the words borrow from the binary's embedded knowledge base (no allocation,
/// no hashing at start-up); the build script fills it from the TOML source.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Dict<'a, V> {
    #[serde(borrow)]
    entries: Vec<(&'a str, V)>,
}

impl<'a, V> Dict<'a, V> {
    pub fn from_pairs(mut entries: Vec<(&'a str, V)>) -> Self {
        entries.sort_by(|a, b| a.0.cmp(b.0));
        entries.dedup_by(|a, b| a.0 == b.0);
        Dict { entries }
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.entries
            .binary_search_by(|(k, _)| (*k).cmp(key))
            .ok()
            .map(|i| &self.entries[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = &(&'a str, V)> {
        self.entries.iter()
    }
}

/// The compiled lexicon used at run time (and by the build script).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Lexicon<'a> {
    #[serde(borrow)]
    pub stop: Vec<&'a str>,
    #[serde(borrow)]
    pub abbrev: Dict<'a, &'a str>,
    /// Stemmed variant → canonical stem.
    #[serde(borrow)]
    pub canon: Dict<'a, &'a str>,
    #[serde(borrow)]
    pub numbers: Dict<'a, u64>,
    #[serde(borrow)]
    pub filetypes: Dict<'a, Vec<&'a str>>,
    /// Place phrases (lower-case words) → path, longest phrases first.
    #[serde(borrow)]
    pub places: Vec<(Vec<&'a str>, &'a str)>,
    #[serde(borrow)]
    pub misspellings: Dict<'a, &'a str>,
    /// Sub-command words that may continue a typed command (sorted; see `LexiconSource`).
    #[serde(borrow, default)]
    pub subcommands: Vec<&'a str>,
    /// Time zone phrases (lower-case words) → IANA name, and whether the phrase is an
    /// abbreviation that matches only in capitals; longest phrases first.
    #[serde(borrow, default)]
    pub timezones: Vec<(Vec<&'a str>, &'a str, bool)>,
    /// Product names (sorted): a value and a word at once.
    #[serde(borrow, default)]
    pub products: Vec<&'a str>,
    /// Every canonical word the knowledge base knows (sorted); typo correction targets.
    #[serde(borrow)]
    pub vocab: Vec<&'a str>,
    /// Programs the recipes run (their `tools`, sorted): after "the command" / "program" such
    /// a word is the name asked about, not the tool to run ("does the command rg exist").
    #[serde(borrow, default)]
    pub commands: Vec<&'a str>,
    /// Canonical forms of the source's `decisive` words (sorted).
    #[serde(borrow, default)]
    pub decisive: Vec<&'a str>,
}

/// Strings of the lexicon outlive the build script's compile step: leak them (the build
/// script is a short-lived process; tests compile the lexicon once).
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

impl Lexicon<'static> {
    pub fn compile(src: LexiconSource) -> Lexicon<'static> {
        // Heads in a fixed order: a variant listed under two heads must map the same way in
        // every build (hash-map order is random).
        let mut synonyms: Vec<(&String, &Vec<String>)> = src.synonyms.iter().collect();
        synonyms.sort();
        let mut canon: Vec<(&'static str, &'static str)> = Vec::new();
        for &(head, variants) in &synonyms {
            let head_stem = leak(stem(&head.to_lowercase()));
            for v in variants {
                let v = v.to_lowercase();
                // Multi-word variants are handled as abbreviations (phrase → word).
                if v.contains(' ') {
                    continue;
                }
                canon.push((leak(stem(&v)), head_stem));
            }
        }
        let mut abbrev: Vec<(&'static str, &'static str)> = src
            .abbreviations
            .iter()
            .map(|(k, v)| (leak(k.to_lowercase()), leak(v.to_lowercase())))
            .collect();
        for &(head, variants) in &synonyms {
            for v in variants.iter().filter(|v| v.contains(' ')) {
                let key = v.to_lowercase();
                if !abbrev.iter().any(|(k, _)| *k == key) {
                    abbrev.push((leak(key), leak(head.to_lowercase())));
                }
            }
        }
        let mut places: Vec<(Vec<&'static str>, &'static str)> = src
            .places
            .into_iter()
            .map(|(k, v)| {
                (
                    k.split_whitespace()
                        .map(|w| leak(w.to_lowercase()))
                        .collect(),
                    leak(v),
                )
            })
            .collect();
        // Longest phrases first so "current directory tree" wins over "current directory".
        places.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        let mut stop: Vec<&'static str> = src
            .stopwords
            .into_iter()
            .map(|s| leak(s.to_lowercase()))
            .collect();
        stop.sort_unstable();
        stop.dedup();
        let mut subcommands: Vec<&'static str> = src
            .subcommands
            .iter()
            .map(|w| leak(w.to_lowercase()))
            .collect();
        subcommands.sort_unstable();
        subcommands.dedup();
        let mut timezones: Vec<(Vec<&'static str>, &'static str, bool)> = src
            .timezones
            .iter()
            .map(|(k, v)| {
                let abbreviation = k.chars().all(|c| c.is_ascii_uppercase());
                let words = k
                    .split_whitespace()
                    .map(|w| leak(w.to_lowercase()))
                    .collect();
                (words, leak(v.clone()), abbreviation)
            })
            .collect();
        timezones.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        let mut products: Vec<&'static str> = src
            .products
            .into_iter()
            .map(|s| leak(s.to_lowercase()))
            .collect();
        products.sort_unstable();
        products.dedup();
        Lexicon {
            products,
            stop,
            abbrev: Dict::from_pairs(abbrev),
            canon: Dict::from_pairs(canon),
            numbers: Dict::from_pairs(src.numbers.into_iter().map(|(k, v)| (leak(k), v)).collect()),
            filetypes: Dict::from_pairs(
                src.filetypes
                    .into_iter()
                    .map(|(k, v)| (leak(k), v.into_iter().map(leak).collect()))
                    .collect(),
            ),
            places,
            misspellings: Dict::from_pairs(
                src.misspellings
                    .into_iter()
                    .map(|(k, v)| (leak(k), leak(v)))
                    .collect(),
            ),
            subcommands,
            timezones,
            vocab: Vec::new(),
            commands: Vec::new(),
            decisive: Vec::new(),
        }
    }

    /// Set the vocabulary (canonical words, any order).
    pub fn set_decisive(&mut self, words: impl IntoIterator<Item = String>) {
        let mut decisive: Vec<&'static str> = words.into_iter().map(leak).collect();
        decisive.sort_unstable();
        decisive.dedup();
        self.decisive = decisive;
    }

    pub fn set_commands(&mut self, words: impl IntoIterator<Item = String>) {
        let mut commands: Vec<&'static str> = words.into_iter().map(leak).collect();
        commands.sort_unstable();
        commands.dedup();
        self.commands = commands;
    }

    pub fn set_vocab(&mut self, words: impl IntoIterator<Item = String>) {
        let mut vocab: Vec<&'static str> = words.into_iter().map(leak).collect();
        vocab.sort_unstable();
        vocab.dedup();
        self.vocab = vocab;
    }
}

impl LexiconSource {
    /// Variants whose stem falls under two different heads ("subfolder" as a directory and
    /// as recursion): each is reported once, with both heads.
    pub fn conflicts(&self) -> Vec<(String, String, String)> {
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut out = Vec::new();
        let mut heads: Vec<&String> = self.synonyms.keys().collect();
        heads.sort();
        for head in heads {
            let head_stem = stem(&head.to_lowercase());
            for v in self.synonyms[head].iter().filter(|v| !v.contains(' ')) {
                let v_stem = stem(&v.to_lowercase());
                if v_stem == head_stem {
                    continue;
                }
                match seen.get(&v_stem) {
                    Some(other) if *other != head_stem => {
                        out.push((v.clone(), other.clone(), head_stem.clone()))
                    }
                    _ => {
                        seen.insert(v_stem, head_stem.clone());
                    }
                }
            }
        }
        out
    }
}

impl Lexicon<'_> {
    /// Canonical form of one lower-case word: stem, then synonym head.
    pub fn canonical(&self, word: &str) -> String {
        let s = stem(word);
        match self.canon.get(&s) {
            Some(head) => head.to_string(),
            None => s,
        }
    }

    pub fn is_stop(&self, word: &str) -> bool {
        self.stop.binary_search(&word).is_ok()
    }

    /// Whether a word continues a typed command (see `LexiconSource::subcommands`).
    pub fn is_subcommand(&self, word: &str) -> bool {
        self.subcommands.binary_search(&word).is_ok()
    }

    pub fn is_decisive(&self, canon: &str) -> bool {
        self.decisive.binary_search(&canon).is_ok()
    }

    pub fn is_command(&self, word: &str) -> bool {
        self.commands.binary_search(&word).is_ok()
    }

    pub fn is_product(&self, word: &str) -> bool {
        self.products.binary_search(&word).is_ok()
    }

    /// Whether a canonical word is in the vocabulary.
    pub fn knows(&self, canon: &str) -> bool {
        self.vocab.binary_search(&canon).is_ok()
    }

    /// Fix a misspelt word against the vocabulary (edit distance 1, or 2 for long words).
    /// Returns `None` when the word is known or nothing is close enough.
    pub fn correct(&self, word: &str) -> Option<String> {
        if let Some(fixed) = self.misspellings.get(word) {
            return Some(fixed.to_string());
        }
        let len = word.chars().count();
        // A stopword is spelt right by definition ("that" is not a typo of "than").
        if len < 4 || !word.chars().all(|c| c.is_ascii_lowercase()) || self.is_stop(word) {
            return None;
        }
        let canon = self.canonical(word);
        if self.knows(&canon) || self.canon.contains_key(&stem(word)) {
            return None;
        }
        let max = if len >= 8 { 2 } else { 1 };
        let mut best: Option<(usize, &str)> = None;
        for cand in &self.vocab {
            let clen = cand.chars().count();
            if clen.abs_diff(len) > max || clen < 4 {
                continue;
            }
            // Compare against the stemmed word and the raw word: vocab entries are stems.
            let d = bounded_distance(&canon, cand, max).min(bounded_distance(word, cand, max));
            if d <= max && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, cand));
            }
        }
        best.map(|(_, w)| w.to_string())
    }
}

/// A deliberately light stemmer: the same function runs over recipe phrasings and requests,
/// so consistency matters more than linguistic accuracy.
pub fn stem(word: &str) -> String {
    let s = strip_suffixes(word);
    // Drop a final `e` so `delete`, `deleted` and `deleting` all become `delet`.
    if s.len() >= 4 && s.ends_with('e') && s.is_ascii() {
        return s[..s.len() - 1].to_string();
    }
    s
}

fn strip_suffixes(word: &str) -> String {
    let w = word;
    let n = w.len();
    if n <= 3 || !w.is_ascii() {
        return w.to_string();
    }
    let strip = |suffix: &str| &w[..n - suffix.len()];
    if w.ends_with("ies") && n > 4 {
        return format!("{}y", strip("ies"));
    }
    if w.ends_with("sses") {
        return strip("es").to_string();
    }
    if w.ends_with("xes") || w.ends_with("ches") || w.ends_with("shes") || w.ends_with("zes") {
        return strip("es").to_string();
    }
    if w.ends_with("ing") && n > 5 {
        let base = strip("ing");
        return undouble(base);
    }
    if w.ends_with("ied") && n > 4 {
        return format!("{}y", strip("ied"));
    }
    if w.ends_with("ed") && n > 4 && !w.ends_with("eed") {
        let base = strip("ed");
        return undouble(base);
    }
    if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        return strip("s").to_string();
    }
    w.to_string()
}

/// `runn` → `run`, `stopp` → `stop` (but keep `all`, `add`, `pull`).
fn undouble(base: &str) -> String {
    let b = base.as_bytes();
    let n = b.len();
    if n >= 3 && b[n - 1] == b[n - 2] && !matches!(b[n - 1], b'l' | b's' | b'z' | b'f' | b'd') {
        return base[..n - 1].to_string();
    }
    base.to_string()
}

/// Edit distance (optimal string alignment: insert, delete, substitute, swap neighbours)
/// with an early exit once it exceeds `max`.
pub fn bounded_distance(a: &str, b: &str, max: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let width = b.len() + 1;
    let mut before: Vec<usize> = vec![0; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur = vec![0; width];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(before[j - 2] + 1);
            }
            row_min = row_min.min(cur[j]);
        }
        if row_min > max {
            return max + 1;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lexicon_gives_every_variant_one_head() {
        let src: LexiconSource =
            toml::from_str(include_str!("../../data/kb/lexicon.toml")).unwrap();
        let conflicts = src.conflicts();
        assert!(
            conflicts.is_empty(),
            "variants under two synonym heads (matching would depend on hash order): {conflicts:?}"
        );
    }

    #[test]
    fn conflicting_variants_are_found() {
        let src: LexiconSource = toml::from_str(
            "stopwords = []\n[abbreviations]\n[numbers]\n[filetypes]\n[places]\n\
             [synonyms]\ndirectory = [\"subfolder\"]\nrecursive = [\"subfolders\"]\n",
        )
        .unwrap();
        assert_eq!(src.conflicts().len(), 1);
    }

    #[test]
    fn stems_consistently() {
        assert_eq!(stem("files"), "fil");
        assert_eq!(stem("file"), "fil");
        assert_eq!(stem("directories"), "directory");
        assert_eq!(stem("ignoring"), stem("ignore"));
        assert_eq!(stem("deleted"), stem("delete"));
        assert_eq!(stem("sizes"), stem("size"));
        assert_eq!(stem("running"), "run");
        assert_eq!(stem("modified"), "modify");
        assert_eq!(stem("modifies"), "modify");
        assert_eq!(stem("processes"), "process");
        assert_eq!(stem("status"), "status");
        assert_eq!(stem("pulling"), "pull");
        assert_eq!(stem("matches"), "match");
        assert_eq!(stem("moving"), stem("move"));
        assert_eq!(stem("ls"), "ls");
    }

    #[test]
    fn stopwords_are_never_corrected() {
        let mut l = Lexicon {
            stop: vec!["that"],
            ..Lexicon::default()
        };
        l.set_vocab(["than".to_string(), "delet".to_string()]);
        assert_eq!(l.correct("that"), None);
        assert_eq!(l.correct("thab"), Some("than".into()));
    }

    #[test]
    fn distance() {
        assert_eq!(bounded_distance("frist", "first", 2), 1);
        assert_eq!(bounded_distance("insensitve", "insensitive", 2), 1);
        assert_eq!(bounded_distance("abc", "xyz", 1), 2);
    }
}
