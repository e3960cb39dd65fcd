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

    /// Whether the request says one of `words` (canonical forms): as a word, or as the
    /// unquoted text of a value ("userdel" in "userdel bob", "-f" in "push -f").
    pub fn says_any(&self, words: &[String], lexicon: &Lexicon<'_>) -> bool {
        let said = |w: &str| words.iter().any(|q| q == w);
        self.words.iter().any(|w| said(&w.canon))
            || self
                .tokens
                .iter()
                .filter(|t| !t.is_quoted())
                .any(|t| said(&lexicon.canonical(&t.text.to_lowercase())))
    }

    /// Canonical words and mention symbols in request order (stopwords included), the
    /// sequence cue phrases are matched against.
    /// A flag the user typed stands for itself, one entry per short flag (`-rn` gives `-r`,
    /// `-n`), so cues can name flags: `when = ["-i"]`.
    pub fn sequence(&self) -> Vec<&str> {
        let mut items: Vec<(usize, &str)> = self
            .words
            .iter()
            .map(|w| (w.token, w.canon.as_str()))
            .collect();
        for m in &self.mentions {
            match m.kind {
                Kind::Flag if !m.text.starts_with("--") && m.text.len() > 2 => {
                    let letters = m.text.trim_start_matches('-');
                    items.extend(letters.chars().filter_map(short_flag).map(|f| (m.first, f)));
                }
                Kind::Flag => items.push((m.first, m.text.as_str())),
                _ => items.push((m.first, m.kind.symbol())),
            }
        }
        items.sort_by_key(|(i, _)| *i);
        items.into_iter().map(|(_, s)| s).collect()
    }

    /// Lower-case words (not canonicalised) that are not part of a mention.
    pub fn lower_words(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(|w| w.lower.as_str())
    }
}

/// One short flag as its own string (`'r'` → `"-r"`), so a combined flag can be split into
/// entries that borrow nothing from the request.
fn short_flag(c: char) -> Option<&'static str> {
    const LOWER: [&str; 26] = [
        "-a", "-b", "-c", "-d", "-e", "-f", "-g", "-h", "-i", "-j", "-k", "-l", "-m", "-n", "-o",
        "-p", "-q", "-r", "-s", "-t", "-u", "-v", "-w", "-x", "-y", "-z",
    ];
    const UPPER: [&str; 26] = [
        "-A", "-B", "-C", "-D", "-E", "-F", "-G", "-H", "-I", "-J", "-K", "-L", "-M", "-N", "-O",
        "-P", "-Q", "-R", "-S", "-T", "-U", "-V", "-W", "-X", "-Y", "-Z",
    ];
    const DIGITS: [&str; 10] = ["-0", "-1", "-2", "-3", "-4", "-5", "-6", "-7", "-8", "-9"];
    match c {
        'a'..='z' => Some(LOWER[c as usize - 'a' as usize]),
        'A'..='Z' => Some(UPPER[c as usize - 'A' as usize]),
        '0'..='9' => Some(DIGITS[c as usize - '0' as usize]),
        _ => None,
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
        lexicon.knows(&c)
            || lexicon.is_stop(w)
            || lexicon.abbrev.contains_key(w)
            || expand_contraction(w).is_some()
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
        let spelled_out = (!tokens[i].is_quoted()
            && scanner.lower[i].contains(|c: char| !c.is_alphanumeric()))
        .then(|| lexicon.abbrev.get(scanner.lower[i].as_str()))
        .flatten();
        if let Some(exp) = spelled_out {
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
        // Multi-word shorthands ("how many" → count, "get rid of" → delete) are words, even
        // when a part of them alone would read as a name ("rid").
        let phrase = phrase_at(&tokens, &scanner.lower, i, lexicon);
        let compound = descriptive_compound(&scanner.lower[i]).filter(|_| !tokens[i].is_quoted());
        if phrase.is_none() && compound.is_none() {
            if let Some(m) = scanner.at(i, &known) {
                // "case-insensitive", "git-tracked": a hyphenated token made of known words
                // reads as those words; after a kind word ("the symlink app-live", "branch
                // fix-login") it is a name as well.
                let compound = m.kind == Kind::Name
                    && m.first == m.last
                    && m.text.contains('-')
                    && m.text.split('-').all(|p| {
                        p.len() > 1
                            && p.chars().all(|c| c.is_ascii_alphabetic())
                            && known(&p.to_lowercase())
                    });
                if compound {
                    for part in m.text.split('-') {
                        let lower = part.to_lowercase();
                        let stop = lexicon.is_stop(&lower);
                        let canon = lexicon.canonical(&lower);
                        if !stop {
                            terms.push(canon.clone());
                        }
                        words.push(Word {
                            token: i,
                            lower,
                            canon,
                            stop,
                        });
                    }
                    let after_kind_word = i > 0
                        && (extract::KIND_WORDS.contains(&scanner.lower[i - 1].as_str())
                            || matches!(scanner.lower[i - 1].as_str(), "symlink" | "link"));
                    if !after_kind_word {
                        i = m.last + 1;
                        continue;
                    }
                }
                terms.push(m.kind.symbol().to_string());
                // A zone abbreviation ("utc", "PST") is a value and a word at once, so a cue
                // can ask for that very zone ("in utc" → `date -u`) rather than any zone. So is
                // a URL's scheme when it names a service ("s3://bucket" is about s3); web
                // schemes say nothing.
                let zone = (m.kind == Kind::TimeZone && m.first == m.last)
                    .then(|| scanner.lower[i].clone())
                    .filter(|w| w.len() <= 5 && w.chars().all(|c| c.is_ascii_alphabetic()));
                let scheme = (m.kind == Kind::Url)
                    .then(|| {
                        m.text
                            .split_once("://")
                            .map(|(s, _)| s.to_ascii_lowercase())
                    })
                    .flatten()
                    .filter(|s| {
                        !s.is_empty()
                            && s.chars().all(|c| c.is_ascii_alphanumeric())
                            && !matches!(s.as_str(), "http" | "https" | "file")
                    });
                let token = m.first;
                i = m.last + 1;
                mentions.push(m);
                if let Some(w) = zone.or(scheme) {
                    let stop = lexicon.is_stop(&w);
                    let canon = lexicon.canonical(&w);
                    if !stop {
                        terms.push(canon.clone());
                    }
                    words.push(Word {
                        token,
                        lower: w,
                        canon,
                        stop,
                    });
                }
                continue;
            }
        }
        let lower = scanner.lower[i]
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
            .to_string();
        if lower.is_empty() {
            i += 1;
            continue;
        }
        // A product that is also a verb ("make a merge commit", "free up space") is the
        // verb when an article or particle follows it.
        let as_verb = scanner.lower.get(i + 1).is_some_and(|n| {
            matches!(
                n.as_str(),
                "a" | "an" | "the" | "up" | "sure" | "it" | "some"
            )
        });
        // A snake_case name the recipes also use as a word ("node_modules", "__pycache__")
        // is a folder or file name all the same: a value and a word at once, like a product.
        let identifier = lower.contains('_')
            && lower.chars().any(|c| c.is_alphabetic())
            && lower.chars().all(|c| c.is_alphanumeric() || c == '_');
        // A program named after "the command" / "program" is what the request asks about
        // ("does the command rg exist?", "is the program jq installed"): a name, not the
        // tool to run, so it is a value only.
        let named_program = i > 0
            && matches!(
                scanner.lower[i - 1].as_str(),
                "command" | "program" | "binary" | "executable" | "utility"
            )
            && (lexicon.is_command(&lower) || lexicon.is_product(&lower))
            && !tokens[i].is_quoted();
        if named_program {
            terms.push(Kind::Name.symbol().to_string());
            mentions.push(scanner.make(Kind::Name, i, i, Value::Text));
            i += 1;
            continue;
        }
        if phrase.is_none()
            && (lexicon.is_product(&lower) || identifier)
            && !tokens[i].is_quoted()
            && !as_verb
        {
            // A product name is a value and a word at once: "pid of postgres" binds it,
            // "connect to postgres" matches on it.
            terms.push(Kind::Name.symbol().to_string());
            mentions.push(scanner.make(Kind::Name, i, i, Value::Text));
        }
        let (parts, used) = match (phrase, compound) {
            (Some((exp, n)), _) => (exp.split_whitespace().map(str::to_string).collect(), n),
            (None, Some(words)) => (
                words.iter().flat_map(|w| expand_word(w, lexicon)).collect(),
                1,
            ),
            // "read/write" reads as two words.
            (None, None) if lower.contains('/') => (
                lower
                    .split('/')
                    .filter(|p| !p.is_empty())
                    .flat_map(|p| expand_word(p, lexicon))
                    .collect(),
                1,
            ),
            (None, None) => (expand_word(&lower, lexicon), 1),
        };
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
    }
    Analysis {
        tokens,
        words,
        mentions,
        terms,
    }
}

/// A multi-word abbreviation starting at token `i`: its expansion and how many tokens it
/// spans (the longest match wins).
fn phrase_at<'a>(
    tokens: &[Token],
    lower: &[String],
    i: usize,
    lexicon: &Lexicon<'a>,
) -> Option<(&'a str, usize)> {
    // Plain words only (trailing punctuation aside): ".log in" is a file type and a
    // preposition, not "log in".
    let word = |k: usize| {
        let quoted = tokens.get(k).is_some_and(|t| t.is_quoted());
        lower
            .get(k)
            .filter(|_| !quoted)
            .map(|w| w.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '\''))
            .filter(|w| w.chars().next().is_some_and(char::is_alphabetic))
    };
    lexicon
        .abbrev
        .iter()
        .filter(|(k, _)| k.contains(' '))
        .filter_map(|(k, v)| {
            let n = k.split_whitespace().count();
            let hit = k
                .split_whitespace()
                .enumerate()
                .all(|(j, part)| word(i + j) == Some(part));
            hit.then_some((*v, n))
        })
        .max_by_key(|&(_, n)| n)
}

/// "memory-consuming", "cpu-intensive", "gzip-compressed": a describing compound, read as
/// its words. The second part is one of a few adjectives that never end a resource name
/// the way "-cache" or "-api" do.
fn descriptive_compound(lower: &str) -> Option<Vec<&str>> {
    let (head, tail) = lower.split_once('-')?;
    let describing = matches!(
        tail,
        "consuming"
            | "intensive"
            | "hungry"
            | "heavy"
            | "compressed"
            | "signed"
            | "only"
            | "wide"
            | "time"
            | "based"
            | "encoded"
            | "separated"
            | "sensitive"
            | "insensitive"
    );
    (describing && !head.is_empty() && head.chars().all(|c| c.is_ascii_lowercase()))
        .then(|| vec![head, tail])
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
    // Stopwords are never typos of content words ("with" is not "width").
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
        let mut l = Lexicon {
            stop: vec!["how", "of", "the", "with"],
            abbrev: lexicon::Dict::from_pairs(vec![
                ("how many", "count"),
                ("get rid of", "delete"),
            ]),
            ..Lexicon::default()
        };
        l.set_vocab(["big", "count", "delet", "junk", "length", "lin", "width"].map(String::from));
        l
    }

    fn canon(text: &str) -> Vec<String> {
        analyze(text, &lexicon(), false)
            .words
            .into_iter()
            .map(|w| w.canon)
            .collect()
    }

    #[test]
    fn multi_word_shorthands_expand() {
        assert_eq!(canon("how many lines"), ["count", "lin"]);
        assert_eq!(canon("get rid of junk"), ["delet", "junk"]);
        // Only the whole phrase counts, made of plain words.
        assert_eq!(canon("how big"), ["how", "big"]);
        assert_ne!(canon("how, .many"), ["count"]);
    }

    #[test]
    fn hyphenated_known_words_read_as_words() {
        let a = analyze("big-junk", &lexicon(), false);
        assert!(a.mentions.is_empty());
        assert_eq!(canon("big-junk"), ["big", "junk"]);
        // After a kind word the compound is a name too.
        let a = analyze("branch big-junk", &lexicon(), false);
        assert!(a.mentions.iter().any(|m| m.text == "big-junk"));
        // Parts the lexicon does not know: only a name.
        assert_eq!(canon("web-7d9f"), Vec::<String>::new());
    }

    #[test]
    fn any_text_is_analysed_without_panicking() {
        for text in [
            "rm -rf / — yes",
            "—",
            "a—",
            "3—",
            "1½ gigs",
            "ünïcödé ñame 3rd",
            "日本語のファイル.txt を削除",
            "emoji 🎉🎉 files",
            "\u{0}\u{7f}",
            "'unterminated",
        ] {
            let _ = analyze(text, &lexicon(), false);
        }
    }

    #[test]
    fn typed_flags_appear_in_the_cue_sequence() {
        let a = analyze("grep -rn foo_bar --include x", &lexicon(), false);
        let seq = a.sequence();
        assert!(seq.contains(&"-r") && seq.contains(&"-n"), "{seq:?}");
        assert!(seq.contains(&"--include"), "{seq:?}");
        assert!(!seq.contains(&"#flag"));
    }

    #[test]
    fn stopwords_are_not_typo_corrected() {
        // "with" is one edit away from the vocabulary word "width".
        assert_eq!(canon("with"), ["with"]);
        assert_eq!(canon("lentgh"), ["length"]);
    }

    fn dev_lexicon() -> Lexicon<'static> {
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

    fn dev_canon(text: &str) -> Vec<String> {
        analyze(text, &dev_lexicon(), false)
            .words
            .into_iter()
            .map(|w| w.canon)
            .collect()
    }

    #[test]
    fn phrase_abbreviations_expand() {
        assert_eq!(dev_canon("how many commits"), ["count", "commit"]);
        assert_eq!(dev_canon("get rid of the logs"), ["delet", "the", "log"]);
        // Only whole, unquoted words: a quoted phrase stays a value.
        let a = analyze("grep 'how many' notes", &dev_lexicon(), false);
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
        assert_eq!(dev_canon("how do"), ["how", "do"]);
    }

    #[test]
    fn describing_compounds_are_words() {
        let lexicon = Lexicon::default();
        let a = analyze("top memory-consuming processes", &lexicon, false);
        assert!(a.mentions.iter().all(|m| m.text != "memory-consuming"));
        assert!(a.words.iter().any(|w| w.lower == "memory"));
        assert!(a.words.iter().any(|w| w.lower == "consuming"));
        let a = analyze("restart redis-cache", &lexicon, false);
        assert!(a.mentions.iter().any(|m| m.text == "redis-cache"));
    }

    #[test]
    fn a_program_named_after_command_is_a_value_only() {
        let mut lexicon = Lexicon {
            stop: vec!["does", "the"],
            ..Lexicon::default()
        };
        lexicon.set_vocab(["command", "exist", "line", "rg"].map(str::to_string));
        lexicon.set_commands(["rg".to_string()]);
        let a = analyze("does the command rg exist", &lexicon, false);
        assert_eq!(a.mentions.len(), 1);
        assert_eq!(a.mentions[0].kind, Kind::Name);
        assert_eq!(a.mentions[0].text, "rg");
        assert!(!a.terms.iter().any(|t| t == "rg"));
        // After a word that is not "command", it stays the tool's word.
        let a = analyze("the rg line", &lexicon, false);
        assert!(a.terms.iter().any(|t| t == "rg"));
        assert!(!a.mentions.iter().any(|m| m.text == "rg"));
    }

    #[test]
    fn product_names_are_values_and_words() {
        let mut lexicon = Lexicon {
            products: vec!["nginx"],
            ..Lexicon::default()
        };
        lexicon.set_vocab(["restart".to_string(), "nginx".to_string()]);
        let a = analyze("restart nginx", &lexicon, false);
        assert_eq!(a.mentions.len(), 1);
        assert_eq!(a.mentions[0].kind, Kind::Name);
        assert_eq!(a.mentions[0].text, "nginx");
        assert!(a.terms.iter().any(|t| t == "nginx"));
        assert!(a.terms.iter().any(|t| t == "#name"));
        // Quoted, it is only a value.
        let a = analyze("restart 'nginx'", &lexicon, false);
        assert!(!a.terms.iter().any(|t| t == "nginx"));
        // A product used as a verb ("make a …") is the verb.
        let mut lexicon = Lexicon {
            products: vec!["make"],
            ..Lexicon::default()
        };
        let words = ["make", "merge", "commit", "time", "test"].map(|w| lexicon.canonical(w));
        lexicon.set_vocab(words);
        let a = analyze("make a merge commit", &lexicon, false);
        assert!(a.mentions.iter().all(|m| m.text != "make"));
        let a = analyze("time make test", &lexicon, false);
        assert!(a.mentions.iter().any(|m| m.text == "make"));
    }

    #[test]
    fn zone_abbreviations_and_service_schemes_are_also_words() {
        let lexicon = Lexicon {
            timezones: vec![(vec!["utc"], "UTC", false)],
            ..dev_lexicon()
        };
        let a = analyze("current time in utc", &lexicon, false);
        assert!(a.mentions.iter().any(|m| m.kind == Kind::TimeZone));
        assert!(a.terms.iter().any(|t| t == "#tz"));
        assert!(a.words.iter().any(|w| w.lower == "utc"));
        // A full zone name is only a value.
        let a = analyze("current time in Europe/Madrid", &lexicon, false);
        assert!(!a.words.iter().any(|w| w.lower.contains("europe")));
        let a = analyze("upload x.csv to s3://bucket/key", &lexicon, false);
        assert!(a.words.iter().any(|w| w.lower == "s3"));
        let a = analyze("fetch https://example.com/x", &lexicon, false);
        assert!(!a.words.iter().any(|w| w.lower == "https"));
    }
}
