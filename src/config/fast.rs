//! A fast path for the config files people actually write: `[section]` headers and
//! `key = value` lines with strings, whole numbers, booleans and one-line string arrays.
//!
//! The toml crate builds a full document (spans, maps, escapes) before caro looks at a key,
//! which was most of a config load. This reader accepts a strict subset of TOML and gives up
//! (returns `None`) on anything else: escapes, dotted or quoted keys, inline tables, floats,
//! multi-line values, duplicate keys or sections, unknown keys, bad values. The caller then
//! runs the complete parser, which also produces the positioned messages. So this path only
//! ever handles files that load cleanly, and must give exactly the config the complete path
//! gives for them (tests compare the two).

use super::keys;
use super::Config;

/// The config a clean file describes, or `None` when the file needs the complete parser.
pub(super) fn load(text: &str) -> Option<Config> {
    let mut config = Config::default();
    let mut section: Option<&str> = None;
    // Bit sets over the section names and KEYS, which are far fewer than 64.
    let mut seen_sections = 0u64;
    let mut seen_keys = 0u64;
    let mut key = String::with_capacity(48);
    for line in text.split('\n') {
        let line = line.trim_matches(|c| c == ' ' || c == '\t');
        if line.is_empty() {
            continue;
        }
        if line.starts_with('#') {
            if !is_comment_or_empty(line) {
                return None;
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let (name, after) = rest.split_once(']')?;
            let name = name.trim_matches(|c| c == ' ' || c == '\t');
            let bit = 1u64 << keys::section_index(name)?;
            if seen_sections & bit != 0 || !is_comment_or_empty(after) {
                return None;
            }
            seen_sections |= bit;
            section = Some(name);
            continue;
        }
        let (name, rest) = line.split_once('=')?;
        let name = name.trim_end_matches([' ', '\t']);
        if !is_bare_key(name) {
            return None;
        }
        key.clear();
        if let Some(s) = section {
            key.push_str(s);
            key.push('.');
        }
        key.push_str(name);
        let index = keys::KEYS.iter().position(|k| k.path == key)?;
        let doc = &keys::KEYS[index];
        let bit = 1u64 << index;
        if seen_keys & bit != 0 {
            return None;
        }
        seen_keys |= bit;
        let (value, after) = value(rest.trim_start_matches([' ', '\t']))?;
        if !is_comment_or_empty(after) {
            return None;
        }
        keys::check(doc, &value).ok()?;
        config.assign(doc, &value).ok()?;
    }
    Some(config)
}

fn is_bare_key(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn is_comment_or_empty(s: &str) -> bool {
    let s = s.trim_start_matches([' ', '\t']);
    s.is_empty() || (s.starts_with('#') && !s.bytes().any(is_forbidden_control))
}

/// Control characters TOML does not allow in strings and comments (tab is allowed). A `\r`
/// lands here too, so CRLF files take the complete path.
fn is_forbidden_control(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b == 0x7f
}

/// One value at the start of `s`, and what follows it.
fn value(s: &str) -> Option<(toml::Value, &str)> {
    match s.as_bytes().first()? {
        b'"' | b'\'' => {
            let (text, rest) = string(s)?;
            Some((toml::Value::String(text.to_string()), rest))
        }
        b'[' => {
            let mut items = Vec::new();
            let mut rest = s[1..].trim_start_matches([' ', '\t']);
            loop {
                if let Some(after) = rest.strip_prefix(']') {
                    return Some((toml::Value::Array(items), after));
                }
                let (text, after) = string(rest)?;
                items.push(toml::Value::String(text.to_string()));
                rest = after.trim_start_matches([' ', '\t']);
                if let Some(after) = rest.strip_prefix(',') {
                    rest = after.trim_start_matches([' ', '\t']);
                } else if !rest.starts_with(']') {
                    return None;
                }
            }
        }
        b't' if s.starts_with("true") => Some((toml::Value::Boolean(true), &s[4..])),
        b'f' if s.starts_with("false") => Some((toml::Value::Boolean(false), &s[5..])),
        b'0'..=b'9' => {
            let end = s
                .bytes()
                .position(|b| !b.is_ascii_digit())
                .unwrap_or(s.len());
            let digits = &s[..end];
            // TOML forbids leading zeros; `1_000`, `0x10`, `1.5`, `1e3` need the full parser.
            if digits.len() > 1 && digits.starts_with('0') {
                return None;
            }
            if matches!(
                s.as_bytes().get(end),
                Some(b'_' | b'.' | b'x' | b'o' | b'b' | b'e' | b'E' | b':' | b'-')
            ) {
                return None;
            }
            Some((toml::Value::Integer(digits.parse().ok()?), &s[end..]))
        }
        _ => None,
    }
}

/// A basic string without escapes (`"…"`) or a literal string (`'…'`), on one line.
fn string(s: &str) -> Option<(&str, &str)> {
    let quote = *s.as_bytes().first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    // `"""` and `'''` open multi-line strings.
    if s.as_bytes().get(1) == Some(&quote) && s.as_bytes().get(2) == Some(&quote) {
        return None;
    }
    let body = &s[1..];
    let end = body.bytes().position(|b| b == quote)?;
    let text = &body[..end];
    if text.bytes().any(is_forbidden_control) || (quote == b'"' && text.contains('\\')) {
        return None;
    }
    Some((text, &body[end + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The complete path, for comparison.
    fn full(text: &str) -> (Config, usize) {
        let mut d = Vec::new();
        let c = Config::from_toml_full(text, "t.toml", &mut d);
        (c, d.len())
    }

    fn agrees(text: &str) {
        if let Some(fast) = load(text) {
            let (slow, problems) = full(text);
            assert_eq!(
                problems, 0,
                "fast path accepted a file with problems: {text:?}"
            );
            assert_eq!(fast, slow, "{text:?}");
        }
    }

    #[test]
    fn typical_files_take_the_fast_path_and_agree() {
        let files = [
            "",
            "# only a comment\n",
            "engine = \"builtin\"\ncount = 5\n",
            "# mine\nengine = \"auto\" # comment\ncount = 3\nexplain = true\n\n[safety]\nlevel = 'strict'\ndeny = [\"^git push --force\", '^kubectl delete', ]\nallow = []\n\n[shell]\nkey = \"alt-g\"\nprogress_delay_ms = 200\n\n[remote]\nurl = \"http://localhost:11434/v1\"\n",
            "  [ encoder ]  # indented header\n\tthreads = 2\n\tmodel = \"grüße ✓\"\n",
            include_str!("../../config.example.toml"),
        ];
        for text in files {
            assert!(load(text).is_some(), "should be fast: {text:?}");
            agrees(text);
        }
    }

    #[test]
    fn anything_unusual_takes_the_complete_path() {
        for text in [
            "count = 1_000\n",
            "count = 0x10\n",
            "count = 007\n",
            "count = -1\n",
            "count = 1.5\n",
            "engine = \"built\\u0069n\"\n",
            "engine = \"\"\"auto\"\"\"\n",
            "safety.level = \"strict\"\n",
            "\"engine\" = \"auto\"\n",
            "[safety]\nlevel = \"strict\"\n[safety]\ndeny = []\n",
            "count = 2\ncount = 3\n",
            "engin = \"auto\"\n",
            "[plugins]\nx = 1\n",
            "count = \"three\"\n",
            "engine = \"yolo\"\n",
            "engine = \"auto\" trailing\n",
            "count = 2\r\n",
            "remote = { url = \"x\" }\n",
            "deny = [\"a\",\n\"b\"]\n",
            "[safety]\ndeny = [1, 2]\n",
            "count =\n",
            "[[safety]]\nlevel = \"strict\"\n",
        ] {
            assert!(
                load(text).is_none(),
                "should need the full parser: {text:?}"
            );
        }
    }

    fn value_strategy(kind: keys::Kind) -> BoxedStrategy<String> {
        let word = "[a-zA-Z0-9 ^$.*/_-]{0,12}";
        match kind {
            keys::Kind::Bool => {
                prop_oneof![Just("true".to_string()), Just("false".to_string())].boxed()
            }
            keys::Kind::Int { .. } => (0u32..100_000).prop_map(|n| n.to_string()).boxed(),
            keys::Kind::Str => word.prop_map(|w| format!("\"{w}\"")).boxed(),
            keys::Kind::Choice(options) => proptest::sample::select(options.to_vec())
                .prop_map(|o| format!("'{o}'"))
                .boxed(),
            keys::Kind::List => proptest::collection::vec(word, 0..4)
                .prop_map(|items| {
                    let quoted: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
                    format!("[{}]", quoted.join(", "))
                })
                .boxed(),
        }
    }

    /// One line's worth: a key (index into KEYS), a value of its type, and a comment or not.
    fn entry() -> impl Strategy<Value = (usize, String, bool)> {
        (0..keys::KEYS.len())
            .prop_flat_map(|i| (Just(i), value_strategy(keys::KEYS[i].kind), any::<bool>()))
    }

    proptest! {
        /// Random clean files (any subset of keys, random values, comments and blank lines)
        /// load to the same config on both paths.
        #[test]
        fn random_clean_files_agree(entries in proptest::collection::vec(entry(), 0..16)) {
            let mut top = String::new();
            let mut sections: Vec<(&str, String)> = Vec::new();
            let mut used = Vec::new();
            for (i, value, comment) in entries {
                let doc = &keys::KEYS[i];
                if used.contains(&doc.path) {
                    continue;
                }
                used.push(doc.path);
                let tail = if comment { " # note" } else { "" };
                match doc.path.split_once('.') {
                    None => top.push_str(&format!("{} = {value}{tail}\n", doc.path)),
                    Some((s, leaf)) => {
                        let line = format!("{leaf} = {value}{tail}\n");
                        match sections.iter_mut().find(|(name, _)| *name == s) {
                            Some((_, body)) => body.push_str(&line),
                            None => sections.push((s, line)),
                        }
                    }
                }
            }
            let mut text = top;
            for (name, body) in sections {
                text.push_str(&format!("\n[{name}]\n{body}"));
            }
            // Values below a key's minimum are problems, which the fast path leaves alone.
            let (_, problems) = full(&text);
            prop_assert_eq!(load(&text).is_some(), problems == 0, "{:?}", text);
            agrees(&text);
        }

        /// Files mixing valid and invalid pieces (known and unknown keys and sections,
        /// tricky values) never make the two paths disagree: the fast path either gives the
        /// complete parser's config or steps aside.
        #[test]
        fn mixed_files_never_disagree(lines in proptest::collection::vec(
            (
                proptest::sample::select(vec![
                    "engine", "count", "format", "explain", "level", "deny", "key", "bind",
                    "url", "threads", "safety.level", "engin", "\"count\"", "x-y",
                ]),
                proptest::sample::select(vec![
                    "\"auto\"", "'builtin'", "\"strict\"", "3", "007", "0", "1_0", "-2",
                    "true", "false", "True", "[]", "[ \"a\", 'b' ]", "[\"a\",]", "[1]",
                    "\"a\\\\b\"", "\"unterminated", "'it''s'", "\"\"\"x\"\"\"", "1.5",
                    "{ a = 1 }", "\"ctrl-g # not a comment\"", "",
                ]),
                proptest::sample::select(vec![
                    "", " # c", "#c", " x", "\r", " # \u{1}",
                ]),
                proptest::sample::select(vec![
                    "", "[safety]\n", "[shell]\n", "[remote]\n", "[encoder]\n", "[nope]\n",
                    "[ safety ] # s\n", "# comment\n", "\n",
                ]),
            ),
            0..10,
        )) {
            let mut text = String::new();
            for (key, value, tail, before) in lines {
                text.push_str(before);
                text.push_str(&format!("{key} = {value}{tail}\n"));
            }
            agrees(&text);
        }
    }
}
