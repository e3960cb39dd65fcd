//! Property tests: values quoted by `caro::quote` come back out of the safety parser as the
//! same literal text with nothing left to expand, in all three shells.

use caro::context::Shell;
use caro::quote::{quote, quote_glob, quote_path};
use caro::safety::{parse, Word, WordPart};
use proptest::prelude::*;

fn plain(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '_' | '@' | '%' | '+' | ':' | ',' | '.' | '/' | '-' | '=')
}

/// Parse `echo <quoted>` and return the single argument word.
fn argument(quoted: &str, shell: Shell) -> Word {
    let src = format!("echo {quoted}");
    let script =
        parse(&src, shell).unwrap_or_else(|e| panic!("{src:?} ({shell}) does not parse: {e}"));
    let cmds = script.simple_commands();
    assert_eq!(cmds.len(), 1, "{src:?} ({shell}) is one command");
    assert_eq!(
        cmds[0].words.len(),
        2,
        "{src:?} ({shell}) has exactly one argument"
    );
    cmds[0].words[1].clone()
}

/// Unquoted text may only hold characters with no meaning to the shell (and, for globs,
/// the wildcards themselves).
fn unquoted_is_inert(w: &Word, extra: &[char]) -> bool {
    w.parts.iter().all(|p| match p {
        WordPart::Literal(s) => s.chars().all(|c| plain(c) || extra.contains(&c)),
        WordPart::Quoted(_) => true,
        _ => false,
    })
}

/// Strings rich in characters the shells treat specially.
fn shellish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("'".to_string()),
            Just("\"".to_string()),
            Just("\\".to_string()),
            Just("$(".to_string()),
            Just("`".to_string()),
            Just("$HOME".to_string()),
            Just("~".to_string()),
            Just("*".to_string()),
            Just("?".to_string()),
            Just("[a]".to_string()),
            Just("{a,b}".to_string()),
            Just(";".to_string()),
            Just("|".to_string()),
            Just("&".to_string()),
            Just("(".to_string()),
            Just(")".to_string()),
            Just("#".to_string()),
            Just("!".to_string()),
            Just(" ".to_string()),
            Just("\n".to_string()),
            Just("\t".to_string()),
            Just("=".to_string()),
            Just("%".to_string()),
            Just("é".to_string()),
            "[a-z0-9./_-]{1,4}",
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), shellish()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn quote_round_trips(s in any_text()) {
        for shell in Shell::ALL {
            let quoted = quote(&s, shell);
            let w = argument(&quoted, shell);
            prop_assert_eq!(w.literal(), Some(s.clone()), "{} via {:?}", shell, quoted);
            prop_assert!(!w.has_expansion());
            prop_assert!(unquoted_is_inert(&w, &[]), "{} via {:?}: {:?}", shell, quoted, w.parts);
        }
    }

    #[test]
    fn quote_path_round_trips(rest in any_text(), home in prop::sample::select(vec!["", "~/", "~"])) {
        let path = if home == "~" { "~".to_string() } else { format!("{home}{rest}") };
        // A leading `$HOME` is kept live on purpose; the tilde forms are checked here.
        prop_assume!(!path.starts_with("$HOME") && !path.starts_with("${HOME}"));
        for shell in Shell::ALL {
            let quoted = quote_path(&path, shell);
            let w = argument(&quoted, shell);
            prop_assert_eq!(w.literal(), Some(path.clone()), "{} via {:?}", shell, quoted);
            // Only the leading tilde stays live.
            let live_tilde = w.parts.iter().position(|p| matches!(p, WordPart::Tilde(_)));
            prop_assert!(live_tilde.is_none() || live_tilde == Some(0));
            let rest_parts = Word { parts: w.parts.iter().filter(|p| !matches!(p, WordPart::Tilde(_))).cloned().collect(), span: w.span };
            prop_assert!(unquoted_is_inert(&rest_parts, &[]), "{} via {:?}", shell, quoted);
        }
    }

    #[test]
    fn quote_glob_keeps_only_wildcards_live(s in any_text()) {
        // A leading home reference is the path flavour's business.
        prop_assume!(!s.starts_with('~') && !s.starts_with("$HOME") && !s.starts_with("${HOME}"));
        for shell in Shell::ALL {
            let quoted = quote_glob(&s, shell);
            let w = argument(&quoted, shell);
            prop_assert_eq!(w.literal(), Some(s.clone()), "{} via {:?}", shell, quoted);
            prop_assert!(unquoted_is_inert(&w, &['*', '?']), "{} via {:?}: {:?}", shell, quoted, w.parts);
            // Quoting is minimal: nothing to quote, no quotes added.
            if !s.is_empty() && s.chars().all(|c| (plain(c) && c != '=' && c != '%') || c == '*' || c == '?') {
                prop_assert_eq!(&quoted, &s);
            }
        }
    }
}
