//! Natural-language understanding of a request: tokens, typed values ("mentions") and the
//! terms used for matching.
//!
//! This module is self-contained (std and serde only) because the build script
//! compiles it too: recipe phrasings go through exactly the same analysis at build time as
//! requests do at run time, so both sides of a match always agree.

pub mod extract;
pub mod lexer;
pub mod lexicon;
pub mod mention;
pub mod shapes;

pub use lexer::Token;
pub use lexicon::{Dict, Lexicon, LexiconSource};
pub use mention::{Cmp, Kind, Mention, Rel, TimeUnit, Value};

/// One normalised word of the request (a token may yield several: "don't" → "do", "not").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// Index of the token it came from.
    pub token: usize,
    /// Lower-case surface form after contraction/abbreviation expansion and typo fixing.
    pub lower: String,
    /// Canonical form (stem, synonym head) used for matching.
    pub canon: String,
    pub stop: bool,
}

/// The analysis of a request or a phrasing.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    pub tokens: Vec<Token>,
    /// Words outside mentions.
    pub words: Vec<Word>,
    pub mentions: Vec<Mention>,
    /// Matching terms in order: canonical content words and mention symbols (`#path`).
    pub terms: Vec<String>,
}

impl Analysis {
    /// Whether the canonical words contain `phrase` (canonical words separated by spaces) as
    /// a contiguous run, stopwords included.
    pub fn has_phrase(&self, phrase: &[String]) -> bool {
        if phrase.is_empty() {
            return false;
        }
        let seq: Vec<&str> = self.sequence();
        seq.windows(phrase.len())
            .any(|w| w.iter().zip(phrase).all(|(a, b)| *a == b))
    }

    /// Canonical words and mention symbols in request order (stopwords included), the
    /// sequence cue phrases are matched against.
    pub fn sequence(&self) -> Vec<&str> {
        let mut items: Vec<(usize, &str)> = self
            .words
            .iter()
            .map(|w| (w.token, w.canon.as_str()))
            .chain(self.mentions.iter().map(|m| (m.first, m.kind.symbol())))
            .collect();
        items.sort_by_key(|(i, _)| *i);
        items.into_iter().map(|(_, s)| s).collect()
    }

    /// Lower-case words (not canonicalised) that are not part of a mention.
    pub fn lower_words(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(|w| w.lower.as_str())
    }
}

/// Contractions whose parts matter for meaning ("don't overwrite" must keep the "not").
fn expand_contraction(w: &str) -> Option<&'static [&'static str]> {
    Some(match w {
        "don't" | "dont" | "don’t" => &["do", "not"],
        "doesn't" | "doesnt" => &["does", "not"],
        "didn't" | "didnt" => &["did", "not"],
        "isn't" | "isnt" => &["is", "not"],
        "aren't" | "arent" => &["are", "not"],
        "can't" | "cant" | "cannot" => &["can", "not"],
        "won't" | "wont" => &["will", "not"],
        "shouldn't" => &["should", "not"],
        "wasn't" => &["was", "not"],
        "haven't" => &["have", "not"],
        "hasn't" => &["has", "not"],
        "what's" | "whats" => &["what", "is"],
        "where's" => &["where", "is"],
        "who's" => &["who", "is"],
        "it's" => &["it", "is"],
        "that's" => &["that", "is"],
        "there's" => &["there", "is"],
        "i'm" | "im" => &["i", "am"],
        "i've" => &["i", "have"],
        "let's" | "lets" => &["let", "us"],
        "i'd" => &["i", "would"],
        _ => return None,
    })
}

/// Analyse `text`. With `symbols`, tokens such as `#path` are taken as mention symbols
/// (recipe phrasings use them for their slots); requests never enable this.
pub fn analyze(text: &str, lexicon: &Lexicon, symbols: bool) -> Analysis {
    let tokens = lexer::tokenize(text);
    let scanner = extract::Scanner::new(&tokens, lexicon);
    let known = |w: &str| {
        let c = lexicon.canonical(w);
        lexicon.knows(&c) || lexicon.is_stop(w) || lexicon.abbrev.contains_key(w)
    };
    let mut words = Vec::new();
    let mut mentions = Vec::new();
    let mut terms = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let text = tokens[i].text.as_str();
        if symbols && text.starts_with('#') && text.len() > 1 && !tokens[i].is_quoted() {
            terms.push(text.to_string());
            // A phrasing's symbol stands for a mention: record it with a placeholder value
            // so cue phrases see it in the sequence too.
            mentions.push(Mention {
                kind: symbol_kind(text),
                text: text.to_string(),
                value: Value::Text,
                first: i,
                last: i,
                before: Vec::new(),
                after: None,
            });
            i += 1;
            continue;
        }
        // A compound the lexicon spells out ("force-delete" → "force delete", ".net" →
        // "dotnet") is words, not a value.
        let compound = (!tokens[i].is_quoted()
            && scanner.lower[i].contains(|c: char| !c.is_alphanumeric()))
        .then(|| lexicon.abbrev.get(scanner.lower[i].as_str()))
        .flatten();
        if let Some(exp) = compound {
            for part in exp.split_whitespace() {
                let stop = lexicon.is_stop(part);
                let canon = lexicon.canonical(part);
                if !stop {
                    terms.push(canon.clone());
                }
                words.push(Word {
                    token: i,
                    lower: part.to_string(),
                    canon,
                    stop,
                });
            }
            i += 1;
            continue;
        }
        if let Some((parts, used)) = phrase_abbreviation(&scanner.lower, &tokens, i, lexicon) {
            // "how many" → "count", "get rid of" → "delete": the phrase counts as its
            // expansion, attached to its first token.
            for part in parts {
                let stop = lexicon.is_stop(&part);
                let canon = lexicon.canonical(&part);
                if !stop {
                    terms.push(canon.clone());
                }
                words.push(Word {
                    token: i,
                    lower: part,
                    canon,
                    stop,
                });
            }
            i += used;
            continue;
        }
        if let Some(m) = scanner.at(i, &known) {
            terms.push(m.kind.symbol().to_string());
            i = m.last + 1;
            mentions.push(m);
            continue;
        }
        let lower = scanner.lower[i]
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
            .to_string();
        if lower.is_empty() {
            i += 1;
            continue;
        }
        for part in expand_word(&lower, lexicon) {
            let stop = lexicon.is_stop(&part);
            let canon = lexicon.canonical(&part);
            if !stop {
                terms.push(canon.clone());
            }
            words.push(Word {
                token: i,
                lower: part,
                canon,
                stop,
            });
        }
        i += 1;
    }
    Analysis {
        tokens,
        words,
        mentions,
        terms,
    }
}

/// A multi-word abbreviation ("how many", "get rid of") starting at token `i`: its
/// expansion and the number of tokens it spans. Only plain, unquoted words take part.
fn phrase_abbreviation(
    lower: &[String],
    tokens: &[Token],
    i: usize,
    lexicon: &Lexicon,
) -> Option<(Vec<String>, usize)> {
    const LONGEST: usize = 3;
    for n in (2..=LONGEST).rev() {
        if i + n > tokens.len() {
            continue;
        }
        let plain = (i..i + n).all(|k| {
            !tokens[k].is_quoted() && lower[k].chars().all(|c| c.is_alphabetic() || c == '\'')
        });
        if !plain {
            continue;
        }
        let phrase = lower[i..i + n].join(" ");
        if let Some(exp) = lexicon.abbrev.get(&phrase) {
            return Some((exp.split_whitespace().map(str::to_string).collect(), n));
        }
    }
    None
}

/// Contractions, abbreviations and typo fixes for one lower-case word.
fn expand_word(lower: &str, lexicon: &Lexicon) -> Vec<String> {
    if let Some(parts) = expand_contraction(lower) {
        return parts.iter().map(|s| s.to_string()).collect();
    }
    let stripped = lower.trim_end_matches(['\'', '’']);
    let base = stripped
        .strip_suffix("'s")
        .or_else(|| stripped.strip_suffix("’s"))
        .unwrap_or(stripped);
    if let Some(exp) = lexicon.abbrev.get(base) {
        return exp.split_whitespace().map(str::to_string).collect();
    }
    // A stopword is never a typo ("just" must not become "rust").
    if lexicon.is_stop(base) {
        return vec![base.to_string()];
    }
    if let Some(fixed) = lexicon.correct(base) {
        if let Some(exp) = lexicon.abbrev.get(&fixed) {
            return exp.split_whitespace().map(str::to_string).collect();
        }
        return vec![fixed];
    }
    vec![base.to_string()]
}

/// The mention kind a phrasing symbol stands for (the first kind with that symbol).
fn symbol_kind(symbol: &str) -> Kind {
    use Kind::*;
    // A `files` slot (a path or a pattern) reads as a path in cue phrases.
    if symbol == "#files" {
        return Path;
    }
    [
        Quoted, Url, Host, Path, Glob, Size, Duration, Date, Number, Range, Port, Mode, Signal,
        Commit, Version, EnvVar, Assign, Flag, TimeZone, Name,
    ]
    .into_iter()
    .find(|k| k.symbol() == symbol)
    .unwrap_or(Name)
}

#[cfg(test)]
mod tests {
    use super::lexicon::Dict;
    use super::*;

    fn lexicon() -> Lexicon<'static> {
        lexicon_with(&[], &["the"], &["commit", "grep", "log", "note"])
    }

    fn lexicon_with(
        abbrev: &[(&'static str, &'static str)],
        stop: &[&'static str],
        vocab: &[&'static str],
    ) -> Lexicon<'static> {
        let mut pairs = vec![("how many", "count"), ("get rid of", "delete")];
        pairs.extend_from_slice(abbrev);
        let mut stop = stop.to_vec();
        stop.sort_unstable();
        let mut vocab = vocab.to_vec();
        vocab.sort_unstable();
        Lexicon {
            abbrev: Dict::from_pairs(pairs),
            stop,
            vocab,
            ..Default::default()
        }
    }

    fn canon(text: &str) -> Vec<String> {
        analyze(text, &lexicon(), false)
            .words
            .into_iter()
            .map(|w| w.canon)
            .collect()
    }

    #[test]
    fn phrase_abbreviations_expand() {
        assert_eq!(canon("how many commits"), ["count", "commit"]);
        assert_eq!(canon("get rid of the logs"), ["delet", "the", "log"]);
        // Only whole, unquoted words: a quoted phrase stays a value.
        let a = analyze("grep 'how many' notes", &lexicon(), false);
        assert_eq!(a.mentions[0].text, "how many");
        // Hyphenated compounds the lexicon knows are words, not names.
        let l = lexicon_with(
            &[("force-delete", "force delete")],
            &["the"],
            &["commit", "grep", "log", "note"],
        );
        let a = analyze("force-delete it", &l, false);
        assert!(a.mentions.is_empty());
        assert_eq!(a.words[0].lower, "force");
        // Stopwords are never "corrected" into vocabulary words.
        let l = lexicon_with(&[], &["the", "just"], &["commit", "rust"]);
        let a = analyze("just commit", &l, false);
        assert_eq!(a.words[0].lower, "just");
        // A partial phrase is left alone.
        assert_eq!(canon("how do"), ["how", "do"]);
    }
}
