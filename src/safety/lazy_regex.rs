//! The safety patterns' regular expressions, compiled only when a text could match.
//!
//! Compiling a pattern costs a hundred times more than matching it against a command's
//! few hundred bytes, and caro is a fresh process on every key press. So a pattern is first
//! ruled out with substring tests: the build script worked out the literals every match
//! contains (`literals.rs`), and a text that lacks them is answered without compiling. A
//! pattern that passes is compiled once per process with `regex-lite`, which compiles several
//! times faster than `regex` and matches a few hundred bytes in less time than `regex` takes
//! to compile. Once a pattern has scanned [`FULL_ENGINE_AFTER`] bytes in a process (a long
//! script, a big here-document), it moves to `regex`, whose lazy DFA scans far faster.
//!
//! The patterns are written for ASCII command syntax (`\w`, `\s`, `\b` are ASCII) and were
//! first compiled as `regex` byte patterns, where `é` is two non-word bytes. `regex-lite`
//! reads text by character, so it matches a copy with every non-ASCII byte replaced by DEL
//! (0x7f): the build refuses patterns that could tell DEL from a non-ASCII byte, so every
//! pattern matches exactly as it did, at the same byte offsets, in either engine.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use super::data::{self, compiled};

/// Bytes a pattern scans with `regex-lite` before it moves to `regex`. `regex-lite` spends
/// a few hundred instructions per byte, `regex` about a million to compile a pattern and a
/// few per byte after that: the switch pays off for texts far beyond a typical command.
pub(crate) const FULL_ENGINE_AFTER: usize = 8 * 1024;

pub(crate) struct LazyRegex {
    src: String,
    what: String,
    /// Every clause needs one of its literals in the text (ASCII case ignored).
    required: &'static [&'static [&'static str]],
    lite: OnceLock<Option<regex_lite::Regex>>,
    full: OnceLock<Option<regex::bytes::Regex>>,
    /// Bytes scanned with `regex-lite` so far.
    scanned: AtomicUsize,
}

/// The engine a match runs with.
enum Engine<'a> {
    Lite(&'a regex_lite::Regex),
    Full(&'a regex::bytes::Regex),
}

impl std::fmt::Debug for LazyRegex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("LazyRegex").field(&self.src).finish()
    }
}

static INTERNED: Mutex<Option<HashMap<String, &'static LazyRegex>>> = Mutex::new(None);

impl LazyRegex {
    /// The pattern `src` (used by `what`, for messages). Rules that share a pattern share
    /// one compiled regex.
    pub(crate) fn new(src: &str, what: &str) -> &'static LazyRegex {
        let mut guard = match INTERNED.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let map = guard.get_or_insert_with(HashMap::new);
        if let Some(re) = map.get(src) {
            return re;
        }
        let re: &'static LazyRegex = Box::leak(Box::new(LazyRegex {
            src: src.to_string(),
            what: what.to_string(),
            required: required_literals(src).unwrap_or(&[]),
            lite: OnceLock::new(),
            full: OnceLock::new(),
            scanned: AtomicUsize::new(0),
        }));
        map.insert(src.to_string(), re);
        re
    }

    fn lite(&self) -> Option<&regex_lite::Regex> {
        self.lite
            .get_or_init(|| {
                compile(&self.src, &self.what)
                    .map_err(data::report_defect)
                    .ok()
            })
            .as_ref()
    }

    fn full(&self) -> Option<&regex::bytes::Regex> {
        self.full
            .get_or_init(|| {
                compile_full(&self.src, &self.what)
                    .map_err(data::report_defect)
                    .ok()
            })
            .as_ref()
    }

    /// The engine for one more text of `len` bytes (`None`: the pattern is broken).
    fn engine(&self, len: usize) -> Option<Engine<'_>> {
        let before = self.scanned.fetch_add(len, Ordering::Relaxed);
        if before.saturating_add(len) > FULL_ENGINE_AFTER {
            self.full().map(Engine::Full)
        } else {
            self.lite().map(Engine::Lite)
        }
    }

    /// Whether the text has the literals every match needs.
    pub(crate) fn may_match(&self, text: &str) -> bool {
        self.required.is_empty() || may_match(self.required, &Haystack::new(text))
    }

    pub(crate) fn is_match(&self, text: &str) -> bool {
        if !self.may_match(text) {
            return false;
        }
        match self.engine(text.len()) {
            Some(Engine::Lite(re)) => re.is_match(&fold(text)),
            Some(Engine::Full(re)) => re.is_match(text.as_bytes()),
            None => false,
        }
    }

    /// Whether some match starts where `accept` approves (offsets are bytes of `text`).
    pub(crate) fn find_accepted(&self, text: &str, mut accept: impl FnMut(usize) -> bool) -> bool {
        if !self.may_match(text) {
            return false;
        }
        match self.engine(text.len()) {
            Some(Engine::Lite(re)) => re.find_iter(&fold(text)).any(|m| accept(m.start())),
            Some(Engine::Full(re)) => re.find_iter(text.as_bytes()).any(|m| accept(m.start())),
            None => false,
        }
    }

    /// Compile now, reporting errors (for the data tests).
    pub(crate) fn validate(&self) -> Result<(), String> {
        if required_literals(&self.src).is_none() {
            return Err(format!(
                "{}: the build did not analyse the pattern {:?} (see build_data.rs)",
                self.what, self.src
            ));
        }
        compile(&self.src, &self.what)?;
        compile_full(&self.src, &self.what).map(drop)
    }

    #[cfg(test)]
    pub(crate) fn source(&self) -> &str {
        &self.src
    }

    #[cfg(test)]
    pub(crate) fn required(&self) -> &'static [&'static [&'static str]] {
        self.required
    }
}

/// Every pattern created so far (after `Data::validate`: every pattern in the data).
#[cfg(test)]
pub(crate) fn interned() -> Vec<&'static LazyRegex> {
    let guard = INTERNED.lock().unwrap_or_else(|p| p.into_inner());
    let mut all: Vec<_> = guard.iter().flat_map(|m| m.values().copied()).collect();
    all.sort_by(|a, b| a.src.cmp(&b.src));
    all
}

fn compile(src: &str, what: &str) -> Result<regex_lite::Regex, String> {
    regex_lite::Regex::new(src)
        .map_err(|e| format!("{what}: invalid regular expression {src:?}: {e}"))
}

/// The pattern as `regex` compiles it: bytes, ASCII classes (what the patterns were written
/// for; Unicode `\w` and `\b` would also cost far more to compile).
fn compile_full(src: &str, what: &str) -> Result<regex::bytes::Regex, String> {
    regex::bytes::RegexBuilder::new(src)
        .unicode(false)
        .build()
        .map_err(|e| format!("{what}: invalid regular expression {src:?}: {e}"))
}

/// The literals the build found for `src` (`None`: the build did not see the pattern).
pub(crate) fn required_literals(src: &str) -> Option<&'static [&'static [&'static str]]> {
    data::find(compiled::REQUIRED_LITERALS, src).map(|i| compiled::REQUIRED_LITERALS[i].1)
}

/// Whether every clause has one of its (lower-case) literals in the text.
pub(crate) fn may_match(required: &[&[&str]], hay: &Haystack) -> bool {
    required
        .iter()
        .all(|clause| clause.iter().any(|lit| hay.contains(lit.as_bytes())))
}

/// A text prepared for literal searches: lower-cased and, when many literals will be looked
/// for, with a table of the byte pairs it contains, so that most absent literals are ruled out
/// by a few bit tests.
pub(crate) struct Haystack<'t> {
    lower: Cow<'t, [u8]>,
    pairs: Option<Box<[u64; 64]>>,
}

fn pair_bit(a: u8, b: u8) -> usize {
    (usize::from(a) * 31 + usize::from(b)) & 4095
}

impl<'t> Haystack<'t> {
    /// For the literals of one pattern.
    pub(crate) fn new(text: &'t str) -> Haystack<'t> {
        let bytes = text.as_bytes();
        let lower = if bytes.iter().any(u8::is_ascii_uppercase) {
            Cow::Owned(bytes.to_ascii_lowercase())
        } else {
            Cow::Borrowed(bytes)
        };
        Haystack { lower, pairs: None }
    }

    /// For the literals of many patterns (the intents, on one request).
    pub(crate) fn indexed(text: &'t str) -> Haystack<'t> {
        let mut hay = Haystack::new(text);
        let mut pairs = Box::new([0u64; 64]);
        for w in hay.lower.windows(2) {
            let bit = pair_bit(w[0], w[1]);
            pairs[bit / 64] |= 1 << (bit % 64);
        }
        hay.pairs = Some(pairs);
        hay
    }

    /// Whether the (lower-case) `needle` occurs in the text, ignoring ASCII case.
    fn contains(&self, needle: &[u8]) -> bool {
        let hay = &self.lower[..];
        if needle.len() > hay.len() {
            return false;
        }
        if let Some(pairs) = &self.pairs {
            let absent_pair = needle.windows(2).any(|w| {
                let bit = pair_bit(w[0], w[1]);
                pairs[bit / 64] & (1 << (bit % 64)) == 0
            });
            if absent_pair {
                return false;
            }
        }
        let Some((&first, _)) = needle.split_first() else {
            return true;
        };
        (0..=hay.len() - needle.len())
            .any(|i| hay[i] == first && &hay[i..i + needle.len()] == needle)
    }
}

/// `text` with every non-ASCII byte replaced by DEL (see the module docs).
pub(crate) fn fold(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.bytes()
            .map(|b| if b.is_ascii() { char::from(b) } else { '\x7f' })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_found_ignoring_ascii_case() {
        let required: &[&[&str]] = &[&["drop"], &["table", "view"]];
        assert!(may_match(required, &Haystack::new("DROP  View x")));
        assert!(!may_match(required, &Haystack::new("drop index")));
        assert!(may_match(&[], &Haystack::new("anything")));
        assert!(!Haystack::new("ab").contains(b"abc"));
        assert!(Haystack::new("xxABC").contains(b"abc"));
        assert!(Haystack::new("a~b").contains(b"~"));
        assert!(Haystack::indexed("xxABC").contains(b"abc"));
        assert!(Haystack::indexed("a~b").contains(b"~"));
        assert!(!Haystack::indexed("xyz").contains(b"abc"));
        // Every pair present, in the wrong order: the search still decides.
        assert!(!Haystack::indexed("bcab").contains(b"abc"));
    }

    /// Texts to match every pattern against: the corpus, its words, and texts generated from
    /// each pattern (boundaries dropped), with non-ASCII characters mixed in.
    fn texts(patterns: &[&LazyRegex]) -> Vec<String> {
        use proptest::strategy::{Strategy, ValueTree};
        let corpus = include_str!("../../tests/data/safety_corpus.txt");
        let mut texts: Vec<String> = Vec::new();
        for line in corpus.lines().filter(|l| !l.starts_with('#')) {
            let command = line
                .split_once(char::is_whitespace)
                .map_or(line, |(_, c)| c);
            texts.push(command.trim().to_string());
            texts.push(command.trim().to_lowercase());
            for word in command.split_whitespace() {
                let word = word.trim_matches(|c| c == '\'' || c == '"');
                texts.push(word.to_string());
                if let Some((_, value)) = word.split_once('=') {
                    texts.push(value.to_string());
                }
            }
        }
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        for re in patterns {
            // Every clause's first literal, in order: near-misses and matches.
            let words: Vec<&str> = re.required().iter().map(|c| c[0]).collect();
            texts.push(words.join(" "));
            texts.push(words.iter().rev().copied().collect::<Vec<_>>().join(" "));
            let Ok(hir) = super::super::literals::parse(re.source()) else {
                continue;
            };
            let Ok(strategy) = proptest::string::bytes_regex_parsed(&without_looks(&hir)) else {
                continue;
            };
            for _ in 0..16 {
                let Ok(tree) = strategy.new_tree(&mut runner) else {
                    break;
                };
                texts.push(String::from_utf8_lossy(&tree.current()).into_owned());
            }
        }
        let accented: Vec<String> = texts
            .iter()
            .step_by(5)
            .flat_map(|t| {
                let mid = (0..=t.len() / 2)
                    .rev()
                    .find(|&i| t.is_char_boundary(i))
                    .unwrap_or(0);
                [
                    format!("{}é{}", &t[..mid], &t[mid..]),
                    t.replace(' ', "\u{a0}"),
                    format!("—{t}ü"),
                ]
            })
            .collect();
        texts.extend(accented);
        texts.sort();
        texts.dedup();
        texts
    }

    fn without_looks(hir: &regex_syntax::hir::Hir) -> regex_syntax::hir::Hir {
        use regex_syntax::hir::{Capture, Hir, HirKind, Repetition};
        match hir.kind() {
            HirKind::Look(_) => Hir::empty(),
            HirKind::Repetition(r) => Hir::repetition(Repetition {
                sub: Box::new(without_looks(&r.sub)),
                ..r.clone()
            }),
            HirKind::Capture(c) => Hir::capture(Capture {
                sub: Box::new(without_looks(&c.sub)),
                ..c.clone()
            }),
            HirKind::Concat(subs) => Hir::concat(subs.iter().map(without_looks).collect()),
            HirKind::Alternation(subs) => {
                Hir::alternation(subs.iter().map(without_looks).collect())
            }
            _ => hir.clone(),
        }
    }

    /// The regex-lite patterns on folded text, behind their literal pre-checks, match exactly
    /// where the byte patterns (`regex`, Unicode off) they replaced matched.
    #[test]
    fn every_pattern_matches_as_the_byte_pattern_did() {
        crate::safety::data::Data::new().validate().unwrap();
        // The data's patterns (other tests may add their own).
        let patterns: Vec<_> = interned()
            .into_iter()
            .filter(|re| required_literals(re.source()).is_some())
            .collect();
        assert!(patterns.len() > 40, "{} patterns", patterns.len());
        let texts = texts(&patterns);
        let mut matched = 0;
        for re in &patterns {
            // The engine the patterns were written for, and the one a long text moves to.
            let oracle = compile_full(re.source(), "test").unwrap();
            let lite = compile(re.source(), "test").unwrap();
            let mut hits = 0;
            for text in &texts {
                let want = oracle.is_match(text.as_bytes());
                let passes = may_match(re.required(), &Haystack::new(text));
                assert!(
                    passes || !want,
                    "{:?}: the required literals {:?} reject {text:?}, which matches",
                    re.source(),
                    re.required()
                );
                // Whichever engine the pattern is on by now.
                assert_eq!(re.is_match(text), want, "{:?} on {text:?}", re.source());
                if !passes {
                    // Rejected texts never reach an engine.
                    continue;
                }
                let got = lite.is_match(&fold(text));
                assert_eq!(got, want, "{:?} on {text:?}", re.source());
                if !want {
                    continue;
                }
                hits += 1;
                let starts: Vec<usize> = oracle
                    .find_iter(text.as_bytes())
                    .map(|m| m.start())
                    .collect();
                let got: Vec<usize> = lite.find_iter(&fold(text)).map(|m| m.start()).collect();
                assert_eq!(got, starts, "{:?} on {text:?}", re.source());
            }
            if hits > 0 {
                matched += 1;
            }
        }
        // The texts must exercise the patterns, not just miss them.
        assert!(
            matched * 10 >= patterns.len() * 9,
            "only {matched} of {} patterns matched some text",
            patterns.len()
        );
    }

    /// A pattern moves to `regex` once it has scanned enough text, with the same answers.
    #[test]
    fn long_texts_move_to_the_full_engine() {
        let re = LazyRegex::new(r"\bsecret\s+(word|phrase)\b", "test");
        let filler = "x".repeat(FULL_ENGINE_AFTER / 4);
        let hit = format!("{filler} a secret  word é");
        let miss = format!("{filler} a secret é word");
        assert!(re.is_match(&hit));
        assert!(!re.is_match(&miss));
        assert!(re.full.get().is_none(), "short texts stay with regex-lite");
        for _ in 0..4 {
            assert!(re.is_match(&hit));
            assert!(!re.is_match(&miss));
        }
        assert!(re.full.get().is_some_and(Option::is_some));
        let mut starts = Vec::new();
        assert!(!re.find_accepted(&hit, |s| {
            starts.push(s);
            false
        }));
        assert_eq!(starts, [hit.find("secret").unwrap()]);
    }

    #[test]
    fn folding_keeps_byte_offsets() {
        let text = "rm é/x";
        let folded = fold(text);
        assert_eq!(folded.len(), text.len());
        assert_eq!(folded, "rm \x7f\x7f/x");
        assert!(matches!(fold("plain"), Cow::Borrowed(_)));
    }
}
