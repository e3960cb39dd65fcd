//! The widget protocol: what `caro suggest --format widget` prints for caro's shell scripts.
//!
//! It is line-based so that zsh, bash and fish can parse it with builtins alone:
//!
//! ```text
//! caro-widget 1                 header: protocol name and version
//! status ok                     ok | blocked | none | error
//! cmd find . -name '*.pdf'      a candidate command (escaped, see below); best first
//! info [safe] Finds PDF files   its one-line info (risk + explanation), follows its cmd
//! cmd …                         further candidates, each followed by its info
//! msg no confident suggestion   for blocked / none / error: why, one line
//! ```
//!
//! Values are escaped so that each record is exactly one line: a backslash becomes `\\` and
//! a newline `\n`. Every shell decodes that with its builtin `printf '%b'`, which is safe
//! here because no other backslash sequence can occur. Lines end with `\n`; unknown keys
//! must be ignored by readers (forward compatibility). A refused command never appears.

use super::{info_line, outcome, Status};
use crate::engine::Suggestion;

pub const HEADER: &str = "caro-widget 1";

/// Escape a value so it fits on one protocol line.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for ch in value.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            // A lone CR would move the terminal cursor if a script ever echoed it.
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Inverse of [`escape`] (used by tests and by anything reading the protocol from Rust).
pub fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('\\') => out.push('\\'),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Render a suggestion.
pub fn render(s: &Suggestion) -> (String, Status) {
    let o = outcome(s);
    let mut out = format!("{HEADER}\nstatus {}\n", o.status.as_str());
    for c in &o.allowed {
        out.push_str(&format!("cmd {}\n", escape(&c.candidate.command)));
        out.push_str(&format!("info {}\n", escape(&info_line(c))));
    }
    if let Some(m) = &o.message {
        out.push_str(&format!("msg {}\n", escape(m)));
    }
    (out, o.status)
}

/// A protocol document for failures that happen before a suggestion exists.
pub fn render_status(status: Status, message: &str) -> String {
    let one_line = message.replace(['\n', '\r'], " ");
    format!(
        "{HEADER}\nstatus {}\nmsg {}\n",
        status.as_str(),
        escape(&one_line)
    )
}

/// A parsed widget document (for tests and for Rust consumers).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub status: String,
    pub commands: Vec<String>,
    pub infos: Vec<String>,
    pub message: Option<String>,
}

pub fn parse(text: &str) -> Result<Parsed, String> {
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return Err("missing or unsupported header".into());
    }
    let mut parsed = Parsed::default();
    for line in lines {
        let (key, value) = line.split_once(' ').unwrap_or((line, ""));
        let value = unescape(value);
        match key {
            "status" => parsed.status = value,
            "cmd" => parsed.commands.push(value),
            "info" => parsed.infos.push(value),
            "msg" => parsed.message = Some(value),
            _ => {}
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_round_trips() {
        for s in [
            "plain",
            "a\\nb",
            "two\nlines",
            "back\\slash\n\\n",
            "tab\there",
            "",
            "\\",
        ] {
            assert_eq!(unescape(&escape(s)), s.replace('\r', ""), "{s:?}");
            assert!(!escape(s).contains('\n'));
        }
    }

    #[test]
    fn status_document() {
        let doc = render_status(Status::Error, "bad\ninput");
        let p = parse(&doc).unwrap();
        assert_eq!(p.status, "error");
        assert_eq!(p.message.as_deref(), Some("bad input"));
        assert!(p.commands.is_empty());
    }
}
