//! Laying an [`Explanation`] out for people: aligned rows per command, colour only on a
//! terminal, long meanings wrapped under their column.

use super::{Explanation, Part, PartKind, Relation, Step, StepKind};
use crate::context::Shell;

/// ANSI styling, or none (pipes, files, `NO_COLOR`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Colours {
    pub enabled: bool,
}

impl Colours {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.enabled && !s.is_empty() {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    pub fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    pub fn yellow(&self, s: &str) -> String {
        self.paint("33", s)
    }
    pub fn red(&self, s: &str) -> String {
        self.paint("31", s)
    }
    pub fn green(&self, s: &str) -> String {
        self.paint("32", s)
    }
    pub fn cyan(&self, s: &str) -> String {
        self.paint("36", s)
    }
}

/// The widest left column; longer words put their meaning on the next line.
const MAX_COLUMN: usize = 24;
/// Part texts longer than this are shortened (a here-document, a long script).
const MAX_TEXT: usize = 60;

fn width(s: &str) -> usize {
    s.chars().count()
}

fn shorten(s: &str, max: usize) -> String {
    let one_line = s.lines().next().unwrap_or("");
    let cut = one_line.chars().count() > max || one_line.len() < s.trim_end().len();
    if !cut {
        return one_line.to_string();
    }
    let mut out: String = one_line.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Split `text` into lines of at most `room` characters (never breaking a word).
fn wrap(text: &str, room: Option<usize>) -> Vec<String> {
    let Some(room) = room.filter(|r| *r >= 20) else {
        return vec![text.to_string()];
    };
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && width(&line) + 1 + width(word) > room {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

fn relation_marker(r: Relation, shell: Shell) -> &'static str {
    match (r, shell) {
        (Relation::Pipe, _) => "| ",
        (Relation::And, Shell::Fish) => "and ",
        (Relation::And, _) => "&& ",
        (Relation::Or, Shell::Fish) => "or ",
        (Relation::Or, _) => "|| ",
        (Relation::Then, _) => "; ",
        _ => "",
    }
}

fn relation_label(step: &Step) -> Option<String> {
    let via = step.via.as_deref().unwrap_or("");
    let label = match step.relation {
        Relation::First | Relation::Then => return None,
        Relation::Pipe => "reads the output of the command before".to_string(),
        Relation::And => "runs only if the command before succeeds".to_string(),
        Relation::Or => "runs only if the command before fails".to_string(),
        Relation::Substitution => format!("runs first; its output replaces {}", shorten(via, 30)),
        Relation::ProcessSubstitution => {
            format!("its output is passed as a file name: {}", shorten(via, 30))
        }
        Relation::Runs => format!("run by {via}"),
        Relation::Condition => "the condition".to_string(),
        Relation::Body => "the body".to_string(),
        Relation::Else => "otherwise".to_string(),
    };
    Some(label)
}

/// The explanation as aligned text. `columns` is the terminal width to wrap to, if any.
pub fn render_plain(e: &Explanation, colours: Colours, columns: Option<usize>) -> String {
    let c = colours;
    let mut out = String::new();
    if let Some(err) = &e.syntax_error {
        out.push_str(&c.yellow(&format!(
            "this is not valid {} syntax: {err}; the words are explained as one command\n",
            e.shell
        )));
    }
    for step in &e.commands {
        render_step(&mut out, step, e.shell, c, columns);
    }
    out
}

fn render_step(out: &mut String, step: &Step, shell: Shell, c: Colours, columns: Option<usize>) {
    let indent = "  ".repeat(step.depth);
    let marker = relation_marker(step.relation, shell);
    let mut labels: Vec<String> = relation_label(step).into_iter().collect();
    if step.background {
        labels.push("runs in the background (&)".into());
    }
    if let Some(n) = &step.note {
        labels.push(n.clone());
    }
    let header = shorten(&step.text, 72);
    out.push_str(&indent);
    out.push_str(marker);
    out.push_str(&if step.depth == 0 {
        c.bold(&header)
    } else {
        header
    });
    if !labels.is_empty() {
        out.push_str("  ");
        out.push_str(&c.dim(&format!("({})", labels.join("; "))));
    }
    out.push('\n');

    let row_indent = format!("{indent}  ");
    if step.kind == StepKind::Syntax {
        if let Some(s) = &step.summary {
            row(out, &row_indent, "", 0, "", &c.cyan(s), columns);
        }
    }
    let col = step
        .parts
        .iter()
        .map(|p| width(&shorten(&p.text, MAX_TEXT)))
        .filter(|w| *w <= MAX_COLUMN)
        .max()
        .unwrap_or(0);
    for part in &step.parts {
        render_part(out, &row_indent, part, col, c, columns);
    }
}

/// One aligned row: `left` padded to `col`, then `label` (a flag of a group, or blanks)
/// and `right`, wrapped to the terminal with continuation lines under `right`.
fn row(
    out: &mut String,
    indent: &str,
    left: &str,
    col: usize,
    label: &str,
    right: &str,
    columns: Option<usize>,
) {
    let lw = width(&strip_ansi(left));
    let gap = if col == 0 { 0 } else { 2 };
    if lw > col {
        // Too wide: the meaning goes on its own line under the column.
        out.push_str(indent);
        out.push_str(left);
        out.push('\n');
    }
    let body_col = col + gap;
    let hang = width(label);
    let room = columns.map(|w| w.saturating_sub(width(indent) + body_col + hang));
    let lines = wrap(&strip_ansi(right), room);
    let styled: Vec<String> = if lines.len() == 1 {
        vec![right.to_string()]
    } else {
        // Re-apply the style per line so a wrapped line keeps its colour.
        let (open, close) = ansi_frame(right);
        lines.iter().map(|l| format!("{open}{l}{close}")).collect()
    };
    for (i, l) in styled.iter().enumerate() {
        out.push_str(indent);
        if i == 0 && lw <= col {
            out.push_str(left);
            out.push_str(&" ".repeat(body_col - lw));
        } else {
            out.push_str(&" ".repeat(body_col));
        }
        if i == 0 {
            out.push_str(label);
        } else {
            out.push_str(&" ".repeat(hang));
        }
        out.push_str(l);
        out.push('\n');
    }
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(ch) = chars.next() {
        if ch == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(ch);
        }
    }
    out
}

fn ansi_frame(s: &str) -> (String, String) {
    if let Some(rest) = s.strip_prefix("\x1b[") {
        if let Some(end) = rest.find('m') {
            return (format!("\x1b[{}m", &rest[..end]), "\x1b[0m".to_string());
        }
    }
    (String::new(), String::new())
}

fn unknown_label(part: &Part) -> &'static str {
    match part.kind {
        PartKind::Command => "unknown command",
        PartKind::Subcommand => "unknown subcommand",
        PartKind::Option | PartKind::Flags => "unknown option",
        _ => "unknown",
    }
}

fn meaning_text(part: &Part, c: Colours) -> String {
    match &part.meaning {
        Some(m) if part.unavailable => c.yellow(m),
        Some(m) if part.kind == PartKind::Command => c.cyan(m),
        Some(m) if part.known => m.clone(),
        Some(m) => c.yellow(m),
        None => c.yellow(unknown_label(part)),
    }
}

fn render_part(
    out: &mut String,
    indent: &str,
    part: &Part,
    col: usize,
    c: Colours,
    columns: Option<usize>,
) {
    let text = shorten(&part.text, MAX_TEXT);
    let left = if part.kind == PartKind::Command || part.kind == PartKind::Subcommand {
        c.bold(&text)
    } else {
        text.clone()
    };
    if part.kind == PartKind::Flags && !part.parts.is_empty() {
        // The group on the left, each flag with its meaning in the right column.
        let sub_col = part.parts.iter().map(|p| width(&p.text)).max().unwrap_or(0);
        for (i, sub) in part.parts.iter().enumerate() {
            let label = format!("{}{}  ", sub.text, " ".repeat(sub_col - width(&sub.text)));
            let l = if i == 0 { left.as_str() } else { "" };
            row(out, indent, l, col, &label, &meaning_text(sub, c), columns);
            if let Some(n) = &sub.note {
                let blank = " ".repeat(sub_col + 2);
                row(out, indent, "", col, &blank, &c.dim(n), columns);
            }
        }
        if let Some(n) = &part.note {
            row(out, indent, "", col, "", &c.dim(n), columns);
        }
        return;
    }
    row(out, indent, &left, col, "", &meaning_text(part, c), columns);
    if let Some(n) = &part.note {
        row(out, indent, "", col, "", &c.dim(n), columns);
    }
}

/// One line for a candidate: each top-level command's summary with what its options do.
pub fn one_line_of(e: &Explanation) -> Option<String> {
    let mut pieces = Vec::new();
    let mut any_known = false;
    for step in e.commands.iter().filter(|s| s.depth == 0) {
        let name = step
            .entry
            .clone()
            .unwrap_or_else(|| shorten(&step.text, 20));
        let summary = match &step.summary {
            Some(s) => {
                any_known |= step.known;
                s.clone()
            }
            None => "unknown command".to_string(),
        };
        let opts: Vec<String> = step
            .parts
            .iter()
            .filter(|p| matches!(p.kind, PartKind::Option | PartKind::Flags) && p.known)
            .flat_map(|p| {
                if p.parts.is_empty() {
                    vec![(p.text.clone(), p.meaning.clone().unwrap_or_default())]
                } else {
                    p.parts
                        .iter()
                        .filter(|s| s.known)
                        .map(|s| (s.text.clone(), s.meaning.clone().unwrap_or_default()))
                        .collect()
                }
            })
            .map(|(t, m)| format!("{}: {m}", shorten(&t, 24)))
            .collect();
        let mut piece = match step.kind {
            StepKind::Syntax => summary,
            StepKind::Command => format!("{name}: {summary}"),
        };
        if !opts.is_empty() {
            piece.push_str(&format!(" ({})", opts.join("; ")));
        }
        let marker = relation_marker(step.relation, e.shell);
        pieces.push(format!("{marker}{piece}"));
    }
    if !any_known {
        return None;
    }
    Some(pieces.join(" ").replace(['\n', '\r'], " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_whole() {
        assert_eq!(
            wrap("one two three four five six seven", Some(20)),
            ["one two three four", "five six seven"]
        );
        assert_eq!(wrap("short", None), ["short"]);
    }

    #[test]
    fn shorten_marks_the_cut() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 4), "abc");
        assert_eq!(shorten("line one\nline two", 40), "line one…");
    }

    #[test]
    fn wrapped_meanings_hang_under_their_column() {
        use crate::context::{Os, Shell};
        let target = crate::explain::Target {
            shell: Shell::Bash,
            os: Os::Linux,
            flavour: Os::Linux.default_flavour(),
        };
        let e =
            crate::explain::explain("curl -fsL https://example.com -o page.html", target).unwrap();
        let text = render_plain(&e, Colours::default(), Some(60));
        assert!(text.lines().all(|l| l.chars().count() <= 60), "{text}");
        // A flag of a group continues under its own meaning, not under the flag.
        let lines: Vec<&str> = text.lines().collect();
        let at = lines.iter().position(|l| l.starts_with("  -fsL ")).unwrap();
        let meaning_col = lines[at].find("fail on").unwrap();
        let next = lines[at + 1];
        assert_eq!(next.len() - next.trim_start().len(), meaning_col, "{text}");
        assert!(next.trim_start().starts_with("instead"), "{text}");
        // Without a width nothing wraps.
        let text = render_plain(&e, Colours::default(), None);
        assert!(text
            .contains("-f  fail on HTTP errors (4xx, 5xx) instead of printing the error page\n"));
    }

    #[test]
    fn colours_off_means_plain_text() {
        let c = Colours { enabled: false };
        assert_eq!(c.bold("x"), "x");
        let c = Colours { enabled: true };
        assert_eq!(c.bold("x"), "\x1b[1mx\x1b[0m");
        assert_eq!(strip_ansi(&c.yellow("ab")), "ab");
    }
}
