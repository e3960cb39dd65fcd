//! Values the engine copied from the request (paths, patterns, names) must reach the command
//! as inert data: a request containing `$(rm -rf ~)` may never produce a command that runs it.
//!
//! Each character of each word is classed by how the shell treats it. A value is inert when
//! every occurrence of it sits in quoted or plain characters; globs are allowed (a pattern
//! the user gave is meant to match), and so is a leading `~` or `$HOME` when the value
//! itself starts with one (a home-relative path).

use super::syntax::{AssignValue, Command, Compound, Script, Word, WordPart};
use super::{Warning, WarningKind};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Live {
    /// Quoted or escaped: exactly as written.
    Inert,
    /// Unquoted, no special meaning.
    Plain,
    /// Unquoted `*`, `?`, `[`, `]`.
    Glob,
    /// A tilde prefix or `$HOME`.
    Home,
    /// Expands at run time: parameters, substitutions, arithmetic, brace lists.
    Expand,
}

fn push_str(out: &mut Vec<(char, Live)>, s: &str, live: Live) {
    out.extend(s.chars().map(|c| (c, live)));
}

fn classify_parts(parts: &[WordPart], quoted: bool, out: &mut Vec<(char, Live)>) {
    for p in parts {
        match p {
            WordPart::Literal(s) if quoted => push_str(out, s, Live::Inert),
            WordPart::Literal(s) => out.extend(s.chars().map(|c| {
                let live = match c {
                    '*' | '?' | '[' | ']' => Live::Glob,
                    '{' | '}' => Live::Expand,
                    _ => Live::Plain,
                };
                (c, live)
            })),
            WordPart::Quoted(s) => push_str(out, s, Live::Inert),
            WordPart::DoubleQuoted(inner) => classify_parts(inner, true, out),
            WordPart::Tilde(t) => push_str(out, t, Live::Home),
            WordPart::Param(param) => {
                let home = param.op.is_empty() && param.name == "HOME";
                push_str(
                    out,
                    &param.raw,
                    if home { Live::Home } else { Live::Expand },
                );
            }
            WordPart::CommandSub { raw, .. }
            | WordPart::ProcessSub { raw, .. }
            | WordPart::Arith { raw, .. } => push_str(out, raw, Live::Expand),
        }
    }
}

fn words_of<'a>(script: &'a Script, out: &mut Vec<&'a Word>) {
    for cmd in script.simple_commands() {
        out.extend(cmd.words.iter());
        for a in &cmd.assignments {
            match &a.value {
                AssignValue::Scalar(w) => out.push(w),
                AssignValue::Array(ws) => out.extend(ws.iter()),
            }
        }
        out.extend(cmd.redirects.iter().map(|r| &r.target));
    }
    for item in &script.items {
        for p in std::iter::once(&item.list.first).chain(item.list.rest.iter().map(|(_, p)| p)) {
            for c in &p.commands {
                if let Command::Compound(cc) = c {
                    if let Compound::For {
                        items: Some(items), ..
                    } = &cc.kind
                    {
                        out.extend(items.iter());
                    }
                }
            }
        }
    }
}

/// Quoting warnings for `values` in the parsed command.
pub(crate) fn check(src: &str, script: Option<&Script>, values: &[String]) -> Vec<Warning> {
    let mut out = Vec::new();
    let Some(script) = script.filter(|_| values.iter().any(|v| !v.is_empty())) else {
        return out;
    };
    let mut words = Vec::new();
    words_of(script, &mut words);
    let classified: Vec<Vec<(char, Live)>> = words
        .iter()
        .map(|w| {
            let mut chars = Vec::new();
            classify_parts(&w.parts, false, &mut chars);
            chars
        })
        .collect();
    for value in values {
        if value.is_empty() {
            continue;
        }
        let needle: Vec<char> = value.chars().collect();
        let home_prefix =
            value.starts_with('~') || value.starts_with("$HOME") || value.starts_with("${HOME}");
        let mut found = false;
        let mut live_hit: Option<String> = None;
        for chars in &classified {
            if chars.len() < needle.len() {
                continue;
            }
            for start in 0..=chars.len() - needle.len() {
                let window = &chars[start..start + needle.len()];
                if !window.iter().zip(&needle).all(|((c, _), n)| c == n) {
                    continue;
                }
                found = true;
                let mut leading = true;
                for (c, live) in window {
                    let ok = match live {
                        Live::Inert | Live::Plain | Live::Glob => true,
                        Live::Home => home_prefix && leading,
                        Live::Expand => false,
                    };
                    if *live != Live::Home {
                        leading = false;
                    }
                    if !ok {
                        live_hit.get_or_insert_with(|| c.to_string());
                        break;
                    }
                }
            }
        }
        if live_hit.is_some() && !inert_anywhere(value) {
            out.push(Warning {
                kind: WarningKind::Quoting,
                message: format!(
                    "`{}` from your request is not quoted: the shell would expand parts of it; quote it as one literal word",
                    shorten(value)
                ),
            });
        } else if !found && src.contains(value.as_str()) {
            out.push(Warning {
                kind: WarningKind::Quoting,
                message: format!(
                    "`{}` from your request is split into several words or operators: quote it as one word",
                    shorten(value)
                ),
            });
        }
    }
    out
}

/// Whether no shell (bash, zsh, fish) gives any character of `value` a meaning, wherever it
/// stands: a port or a plain file name inside `$(…)` is as literal as outside it.
fn inert_anywhere(value: &str) -> bool {
    value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_.,:/@%+=-".contains(c))
}

fn shorten(value: &str) -> String {
    let one_line = value.replace(['\n', '\r'], " ");
    if one_line.chars().count() > 40 {
        format!("{}…", one_line.chars().take(40).collect::<String>())
    } else {
        one_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Shell;
    use crate::quote::{quote, quote_glob, quote_path};

    fn warns(cmd: &str, value: &str, shell: Shell) -> bool {
        let script = crate::safety::syntax::parse(cmd, shell).unwrap();
        !check(cmd, Some(&script), &[value.to_string()]).is_empty()
    }

    #[test]
    fn plain_values_inside_substitutions_are_not_flagged() {
        for shell in [Shell::Bash, Shell::Zsh] {
            assert!(!warns("kill $(lsof -t -i :8080)", "8080", shell), "{shell}");
            assert!(
                !warns("wc -l $(cat list.txt)", "list.txt", shell),
                "{shell}"
            );
            // A value the shell would expand is still flagged there.
            assert!(warns("wc -l $(cat *.txt)", "*.txt", shell), "{shell}");
        }
        assert!(!warns("kill (lsof -t -i :8080)", "8080", Shell::Fish));
    }

    #[test]
    fn quoted_values_are_inert() {
        for shell in Shell::ALL {
            let v = "$(rm -rf ~)";
            assert!(
                !warns(&format!("grep -r {} .", quote(v, shell)), v, shell),
                "{shell}"
            );
            let v = "~/My Files";
            assert!(
                !warns(&format!("ls {}", quote_path(v, shell)), v, shell),
                "{shell}"
            );
            let v = "*.log";
            assert!(
                !warns(&format!("find . -name {}", quote(v, shell)), v, shell),
                "{shell}"
            );
            assert!(
                !warns(&format!("ls {}", quote_glob(v, shell)), v, shell),
                "{shell}"
            );
        }
        assert!(!warns("ls report.pdf", "report.pdf", Shell::Bash));
        assert!(!warns("ls $HOME/'x y'", "$HOME/x y", Shell::Fish));
    }

    #[test]
    fn live_values_are_reported() {
        assert!(warns("grep -r $(rm -rf ~) .", "$(rm -rf ~)", Shell::Bash));
        assert!(warns(
            "grep -r \"$(rm -rf ~)\" .",
            "$(rm -rf ~)",
            Shell::Bash
        ));
        assert!(warns("echo (rm -rf ~)", "(rm -rf ~)", Shell::Fish));
        assert!(warns("ls my file.txt", "my file.txt", Shell::Bash));
        assert!(warns("touch a;b", "a;b", Shell::Zsh));
        assert!(warns("echo {a,b}", "{a,b}", Shell::Bash));
    }
}
