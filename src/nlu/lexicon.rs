//! Word-level normalisation for matching: contractions, abbreviations, typos, light
//! stemming and synonyms. The word lists live in `data/kb/lexicon.toml`; this module only
//! applies them. Values (paths, names) never go through here: only the words around them.

use std::collections::{HashMap, HashSet};

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
    /// "America/New_York"`, `PST = "America/Los_Angeles"` (abbreviations match in capitals).
    #[serde(default)]
    pub timezones: HashMap<String, String>,
}

/// The compiled lexicon used at run time (and by the build script).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Lexicon {
    pub stop: HashSet<String>,
    pub abbrev: HashMap<String, String>,
    /// Stemmed variant → canonical stem.
    pub canon: HashMap<String, String>,
    pub numbers: HashMap<String, u64>,
    pub filetypes: HashMap<String, Vec<String>>,
    /// Place phrases (lower-case, space-separated words) → path.
    pub places: Vec<(Vec<String>, String)>,
    pub misspellings: HashMap<String, String>,
    /// Sub-command words that may continue a typed command (see `LexiconSource`).
    #[serde(default)]
    pub subcommands: Vec<String>,
    /// Time zone phrases (lower-case words) → IANA name, and whether the phrase is an
    /// abbreviation written in capitals (`PST`), which matches only in capitals; longest
    /// first.
    #[serde(default)]
    pub timezones: Vec<(Vec<String>, String, bool)>,
    /// Every canonical word the knowledge base knows; typo correction targets.
    pub vocab: Vec<String>,
}

impl Lexicon {
    pub fn compile(src: LexiconSource) -> Lexicon {
        let mut canon = HashMap::new();
        for (head, variants) in &src.synonyms {
            let head_stem = stem(&head.to_lowercase());
            for v in variants {
                let v = v.to_lowercase();
                // Multi-word variants are handled as abbreviations (phrase → word).
                if v.contains(' ') {
                    continue;
                }
                canon.insert(stem(&v), head_stem.clone());
            }
        }
        let mut abbrev: HashMap<String, String> = src
            .abbreviations
            .into_iter()
            .map(|(k, v)| (k.to_lowercase(), v.to_lowercase()))
            .collect();
        for (head, variants) in &src.synonyms {
            for v in variants.iter().filter(|v| v.contains(' ')) {
                abbrev
                    .entry(v.to_lowercase())
                    .or_insert_with(|| head.to_lowercase());
            }
        }
        let mut places: Vec<(Vec<String>, String)> = src
            .places
            .into_iter()
            .map(|(k, v)| (k.split_whitespace().map(str::to_lowercase).collect(), v))
            .collect();
        // Longest phrases first so "current directory tree" wins over "current directory".
        places.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        let mut timezones: Vec<(Vec<String>, String, bool)> = src
            .timezones
            .iter()
            .map(|(k, v)| {
                let abbreviation = k.chars().all(|c| c.is_ascii_uppercase());
                let words = k.split_whitespace().map(str::to_lowercase).collect();
                (words, v.clone(), abbreviation)
            })
            .collect();
        timezones.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        Lexicon {
            stop: src
                .stopwords
                .into_iter()
                .map(|s| s.to_lowercase())
                .collect(),
            abbrev,
            canon,
            numbers: src.numbers,
            filetypes: src.filetypes,
            places,
            misspellings: src.misspellings,
            subcommands: src.subcommands.iter().map(|w| w.to_lowercase()).collect(),
            timezones,
            vocab: Vec::new(),
        }
    }

    /// Canonical form of one lower-case word: stem, then synonym head.
    pub fn canonical(&self, word: &str) -> String {
        let s = stem(word);
        match self.canon.get(&s) {
            Some(head) => head.clone(),
            None => s,
        }
    }

    pub fn is_stop(&self, word: &str) -> bool {
        self.stop.contains(word)
    }

    /// Fix a misspelt word against the vocabulary (edit distance 1, or 2 for long words).
    /// Returns `None` when the word is known or nothing is close enough.
    pub fn correct(&self, word: &str) -> Option<String> {
        if let Some(fixed) = self.misspellings.get(word) {
            return Some(fixed.clone());
        }
        let len = word.chars().count();
        if len < 4 || !word.chars().all(|c| c.is_ascii_lowercase()) {
            return None;
        }
        let canon = self.canonical(word);
        if self.vocab.binary_search(&canon).is_ok() || self.canon.contains_key(&stem(word)) {
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
    fn distance() {
        assert_eq!(bounded_distance("frist", "first", 2), 1);
        assert_eq!(bounded_distance("insensitve", "insensitive", 2), 1);
        assert_eq!(bounded_distance("abc", "xyz", 1), 2);
    }
}
