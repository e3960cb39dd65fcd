//! Quoting values from the request for the target shell.
//!
//! Anything the user typed (paths, patterns, names, messages) reaches a command only through
//! these functions, so a request containing `$(rm -rf ~)` becomes inert text. Quoting is
//! minimal (`report.pdf` stays bare, `my file.txt` becomes `'my file.txt'`) because people
//! read the result before pressing Enter.
//!
//! Three flavours:
//! - [`quote`]: one literal word, nothing expands (so `*.log` for `find -name` becomes
//!   `'*.log'`: `*` is never a plain character).
//! - [`quote_path`]: like `quote`, but a leading `~` / `~/` / `$HOME/` stays live so the path
//!   means the user's home directory.
//! - [`quote_glob`]: a path whose `*`, `?` and `[...]` should be expanded by the shell; every
//!   other character is quoted.

use crate::context::Shell;

/// Characters that never need quoting in any of the three shells (anywhere in a word).
fn is_plain(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '_' | '@' | '%' | '+' | ':' | ',' | '.' | '/' | '-' | '=')
}

/// Whether a word can stand unquoted in `shell`.
fn needs_no_quotes(word: &str, shell: Shell) -> bool {
    if word.is_empty() || !word.chars().all(is_plain) {
        return false;
    }
    let first = word.chars().next().unwrap_or('a');
    // zsh expands a leading `=cmd` to a path (EQUALS option); fish 2 expanded `%name` to pids.
    // Quote those to stay literal everywhere.
    !(first == '=' || (first == '%' && shell == Shell::Fish))
}

/// Quote one literal word for `shell`.
pub fn quote(word: &str, shell: Shell) -> String {
    if needs_no_quotes(word, shell) {
        return word.to_string();
    }
    match shell {
        Shell::Bash | Shell::Zsh => {
            // 'it'\''s': close the quote, an escaped quote, reopen.
            let mut out = String::with_capacity(word.len() + 2);
            out.push('\'');
            for c in word.chars() {
                if c == '\'' {
                    out.push_str("'\\''");
                } else {
                    out.push(c);
                }
            }
            out.push('\'');
            out
        }
        Shell::Fish => {
            // Inside fish single quotes, `\\` and `\'` are the only escapes.
            let mut out = String::with_capacity(word.len() + 2);
            out.push('\'');
            for c in word.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\'' => out.push_str("\\'"),
                    c => out.push(c),
                }
            }
            out.push('\'');
            out
        }
    }
}

/// Split a home-relative prefix that should stay live: `~`, `~/`, `$HOME`, `$HOME/`.
fn split_home(path: &str) -> (&str, &str) {
    for prefix in ["~/", "$HOME/", "${HOME}/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            return (&path[..prefix.len()], rest);
        }
    }
    if matches!(path, "~" | "$HOME" | "${HOME}") {
        return (path, "");
    }
    ("", path)
}

/// Quote a path, keeping a leading home reference expandable.
pub fn quote_path(path: &str, shell: Shell) -> String {
    if path.is_empty() {
        // An empty value must stay one (empty) argument, not vanish from the command.
        return quote(path, shell);
    }
    let (home, rest) = split_home(path);
    let home = if home.starts_with("${HOME}") && shell == Shell::Fish {
        // fish has no ${VAR} syntax.
        home.replacen("${HOME}", "$HOME", 1)
    } else {
        home.to_string()
    };
    if rest.is_empty() {
        return home;
    }
    format!("{home}{}", quote(rest, shell))
}

fn is_glob_char(c: char) -> bool {
    matches!(c, '*' | '?')
}

/// Quote a path whose `*` and `?` should expand; every other run of characters is quoted
/// as needed. `[...]` classes are quoted too (zsh and fish treat them differently).
pub fn quote_glob(pattern: &str, shell: Shell) -> String {
    if pattern.is_empty() {
        return quote(pattern, shell);
    }
    let (home, rest) = split_home(pattern);
    let mut out = if home.is_empty() {
        String::new()
    } else {
        quote_path(home, shell)
    };
    let mut literal = String::new();
    for c in rest.chars() {
        if is_glob_char(c) {
            if !literal.is_empty() {
                out.push_str(&quote_segments(&literal, shell));
                literal.clear();
            }
            out.push(c);
        } else {
            literal.push(c);
        }
    }
    if !literal.is_empty() {
        out.push_str(&quote_segments(&literal, shell));
    }
    out
}

/// Quote each `/`-separated piece on its own, so only the pieces that need it get quotes:
/// `/var/log/my app/` → `/var/log/'my app'/`.
fn quote_segments(text: &str, shell: Shell) -> String {
    text.split('/')
        .map(|piece| {
            if piece.is_empty() {
                String::new()
            } else {
                quote(piece, shell)
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use Shell::*;

    #[test]
    fn plain_words_stay_bare() {
        for s in Shell::ALL {
            assert_eq!(quote("report.pdf", s), "report.pdf");
            assert_eq!(quote("user@host:/tmp/x", s), "user@host:/tmp/x");
            assert_eq!(quote("--max-depth=1", s), "--max-depth=1");
        }
    }

    #[test]
    fn dangerous_text_is_inert() {
        assert_eq!(quote("$(rm -rf ~)", Bash), "'$(rm -rf ~)'");
        assert_eq!(quote("`id`", Zsh), "'`id`'");
        assert_eq!(quote("a;b", Fish), "'a;b'");
        assert_eq!(quote("it's", Bash), "'it'\\''s'");
        assert_eq!(quote("it's", Fish), "'it\\'s'");
        assert_eq!(quote("a\\b", Fish), "'a\\\\b'");
        assert_eq!(quote("a\\b", Bash), "'a\\b'");
        assert_eq!(quote("", Bash), "''");
        assert_eq!(quote("=ls", Zsh), "'=ls'");
        assert_eq!(quote("*.log", Fish), "'*.log'");
        assert_eq!(quote("two\nlines", Bash), "'two\nlines'");
    }

    #[test]
    fn paths_keep_home_live() {
        assert_eq!(quote_path("~/Downloads", Bash), "~/Downloads");
        assert_eq!(quote_path("~/My Files", Zsh), "~/'My Files'");
        assert_eq!(quote_path("$HOME/x y", Fish), "$HOME/'x y'");
        assert_eq!(quote_path("${HOME}/x", Fish), "$HOME/x");
        assert_eq!(quote_path("~", Bash), "~");
        assert_eq!(quote_path("~root/x", Bash), "'~root/x'");
        assert_eq!(quote_path("/tmp/$(id)", Bash), "'/tmp/$(id)'");
    }

    #[test]
    fn empty_values_stay_one_argument() {
        for s in Shell::ALL {
            assert_eq!(quote("", s), "''");
            assert_eq!(quote_path("", s), "''");
            assert_eq!(quote_glob("", s), "''");
        }
    }

    #[test]
    fn globs_expand_only_wildcards() {
        assert_eq!(quote_glob("*.log", Bash), "*.log");
        assert_eq!(
            quote_glob("/var/log/my app/*.log", Bash),
            "/var/log/'my app'/*.log"
        );
        assert_eq!(quote_glob("~/pics/*.jp?g", Zsh), "~/pics/*.jp?g");
        assert_eq!(quote_glob("$(x)*", Bash), "'$(x)'*");
    }
}
