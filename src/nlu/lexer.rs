//! Splitting a request into tokens that keep their original text and position.
//!
//! Values (paths, patterns, names) must reach the command exactly as typed, so tokens keep
//! their surface form; only the matching side (`norm`) is lower-cased and canonicalised.

/// One token of the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Surface text, with sentence punctuation trimmed and quotes removed.
    pub text: String,
    /// Byte range in the request (quotes included for quoted tokens).
    pub start: usize,
    pub end: usize,
    /// Which quote delimited it (`'`, `"` or a backtick), if any.
    pub quote: Option<char>,
}

impl Token {
    pub fn is_quoted(&self) -> bool {
        self.quote.is_some()
    }
}

fn is_quote(c: char) -> bool {
    matches!(c, '\'' | '"' | '`' | '‘' | '’' | '“' | '”')
}

fn closing_for(open: char) -> &'static [char] {
    match open {
        '\'' | '‘' | '’' => &['\'', '’'],
        '"' | '“' | '”' => &['"', '”'],
        _ => &['`'],
    }
}

/// Tokenise. Quoted spans (`'a b'`, `"a b"`, `` `a b` ``) become one token; an apostrophe
/// inside a word (`don't`, `others'`) is not a quote.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let byte_at = |i: usize| if i < n { chars[i].0 } else { text.len() };
    let mut i = 0;
    while i < n {
        let (_, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        // A quote opens a quoted token when it starts a word and a closing quote follows
        // at the end of a word.
        if is_quote(c) {
            let closers = closing_for(c);
            let mut j = i + 1;
            let mut close = None;
            while j < n {
                let (_, d) = chars[j];
                if closers.contains(&d) {
                    let next = chars.get(j + 1).map(|p| p.1);
                    let ends_word = next.is_none_or(|x| x.is_whitespace() || ",.;:!?)".contains(x));
                    if ends_word {
                        close = Some(j);
                        break;
                    }
                }
                j += 1;
            }
            if let Some(j) = close {
                let inner: String = chars[i + 1..j].iter().map(|p| p.1).collect();
                tokens.push(Token {
                    text: inner,
                    start: byte_at(i),
                    end: byte_at(j + 1),
                    quote: Some(match c {
                        '‘' | '’' => '\'',
                        '“' | '”' => '"',
                        other => other,
                    }),
                });
                i = j + 1;
                continue;
            }
        }
        // A plain word runs to the next whitespace.
        let mut j = i;
        while j < n && !chars[j].1.is_whitespace() {
            j += 1;
        }
        let word: String = chars[i..j].iter().map(|p| p.1).collect();
        // `NAME='a b c'`: an assignment whose quoted value holds spaces is one token, its
        // text `NAME=a b c`, marked quoted so the value stays inert.
        if let Some((name, open)) = quoted_assignment_start(&word) {
            let closers = closing_for(open);
            let value_start = i + name.chars().count() + 2;
            let close = (value_start..n).find(|&k| {
                closers.contains(&chars[k].1)
                    && chars
                        .get(k + 1)
                        .is_none_or(|p| p.1.is_whitespace() || ",.;:!?)".contains(p.1))
            });
            if let Some(k) = close {
                let value: String = chars[value_start..k].iter().map(|p| p.1).collect();
                tokens.push(Token {
                    text: format!("{name}={value}"),
                    start: byte_at(i),
                    end: byte_at(k + 1),
                    quote: Some(open),
                });
                i = k + 1;
                continue;
            }
        }
        let (lead, trimmed, _) = trim_punct(&word);
        if !trimmed.is_empty() {
            let start = byte_at(i) + lead;
            tokens.push(Token {
                text: trimmed.to_string(),
                start,
                end: start + trimmed.len(),
                quote: None,
            });
        }
        i = j;
    }
    tokens
}

/// `NAME='…` or `NAME="…`: the variable name and the quote that opens its value.
fn quoted_assignment_start(word: &str) -> Option<(&str, char)> {
    let (name, rest) = word.split_once('=')?;
    let open = rest.chars().next().filter(|c| matches!(c, '\'' | '"'))?;
    let valid_name = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid_name.then_some((name, open))
}

/// Trim sentence punctuation around a word, keeping what belongs to values: a path's
/// trailing `/`, a `./` prefix, a glob's `*`, a flag's leading `-`, `~`. Returns the number of
/// leading bytes removed, the trimmed word, and the trailing bytes removed.
fn trim_punct(word: &str) -> (usize, &str, usize) {
    let mut s = word;
    let mut lead = 0;
    while let Some(c) = s.chars().next() {
        if matches!(c, '(' | '[' | '{' | '<' | '«' | '¿' | '¡') && !balanced_inside(s) {
            lead += c.len_utf8();
            s = &s[c.len_utf8()..];
        } else {
            break;
        }
    }
    let mut trail = 0;
    while let Some(c) = s.chars().last() {
        let strip = match c {
            ',' | ';' | '!' | '?' | '»' => true,
            ')' | ']' | '}' | '>' => !balanced_inside(s),
            ':' => !s.ends_with("::") && s.len() > 1 && !s.contains("://"),
            // A final dot ends a sentence unless the word is `.`/`..` or ends in `/.`.
            '.' => !(s == "." || s == ".." || s.ends_with("/.") || s.ends_with("..")),
            '\'' | '"' | '’' | '”' => !s.starts_with(['\'', '"']) && !s.ends_with("s'"),
            _ => false,
        };
        if strip {
            trail += c.len_utf8();
            s = &s[..s.len() - c.len_utf8()];
        } else {
            break;
        }
    }
    (lead, s, trail)
}

/// Whether brackets in the word are balanced (then they belong to it: `f(x)`, `[1,5]`).
fn balanced_inside(s: &str) -> bool {
    let mut depth: i32 = 0;
    for c in s.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0 && s.chars().any(|c| matches!(c, '(' | '[' | '{'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        tokenize(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn words_and_punctuation() {
        assert_eq!(
            texts("find pdfs, in ~/Downloads."),
            ["find", "pdfs", "in", "~/Downloads"]
        );
        assert_eq!(
            texts("show files (not subdirs)"),
            ["show", "files", "not", "subdirs"]
        );
        assert_eq!(
            texts("what's eating space in /var?"),
            ["what's", "eating", "space", "in", "/var"]
        );
        assert_eq!(texts("cd .. and ls ."), ["cd", "..", "and", "ls", "."]);
        assert_eq!(texts("spotlight: search"), ["spotlight", "search"]);
        assert_eq!(texts("url http://x.io/a.sh."), ["url", "http://x.io/a.sh"]);
    }

    #[test]
    fn quoted_spans_are_one_token() {
        let t = tokenize("spotlight: search for text 'quarterly report' now");
        assert_eq!(t[4].text, "quarterly report");
        assert_eq!(t[4].quote, Some('\''));
        let t = tokenize("tag it \"release 1.4.0\"");
        assert_eq!(t[2].text, "release 1.4.0");
        let t = tokenize("don't overwrite others' work");
        assert_eq!(
            t.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(),
            ["don't", "overwrite", "others'", "work"]
        );
        let t = tokenize("grep for 'a.b*c' in notes.txt");
        assert_eq!(t[2].text, "a.b*c");
        assert_eq!(t[4].text, "notes.txt");
    }

    #[test]
    fn keeps_value_punctuation() {
        assert_eq!(texts("move into archive/"), ["move", "into", "archive/"]);
        assert_eq!(texts("sort -k2 data.txt"), ["sort", "-k2", "data.txt"]);
        assert_eq!(texts("*.py files"), ["*.py", "files"]);
        assert_eq!(texts("zsh: print -l *(/)"), ["zsh", "print", "-l", "*(/)"]);
    }

    #[test]
    fn quoted_assignments_are_one_token() {
        let t = tokenize("alias gl='git log --oneline' for now");
        assert_eq!(t[1].text, "gl=git log --oneline");
        assert_eq!(t[1].quote, Some('\''));
        assert_eq!(t[2].text, "for");
        let t = tokenize("run it with GREETING=\"hi there\"");
        assert_eq!(t[3].text, "GREETING=hi there");
        // A plain assignment is unchanged.
        assert_eq!(texts("set X=1 now"), ["set", "X=1", "now"]);
    }

    #[test]
    fn spans_point_into_the_text() {
        let s = "copy 'my file.txt' to /tmp.";
        for t in tokenize(s) {
            let slice = &s[t.start..t.end];
            assert!(slice.contains(&t.text), "{slice:?} vs {:?}", t.text);
        }
    }
}
