//! The recipe template language.
//!
//! - `{name}` inserts a slot (or mod value), rendered for the target shell;
//!   `{name:fmt}` picks a format (`{size:find}` → `+10M`, `{age:git}` → `'2 weeks ago'`).
//! - `{[ … ]}` is an optional group: it appears only when every name inside it has a value.
//! - `{?name}` inside a group requires `name` without printing it; `{!name}` requires its
//!   absence (for "otherwise" parts).
//! - Anything else, including `{}` and `{print $1}`, is literal text; `\{` is a literal
//!   brace where the text would otherwise read as a reference (`%\{http_code}`).
//!
//! Compiled by the build script too (for validation), so it depends only on std.

/// A reference: `{name}` or `{name:fmt}`; names are `[a-z_][a-z0-9_]*`.
fn parse_ref(s: &str) -> Option<(&str, Option<&str>, usize)> {
    // s starts at '{'
    let end = s.find('}')?;
    let inner = &s[1..end];
    let (marker, body) = match inner.chars().next()? {
        '?' | '!' => (true, &inner[1..]),
        _ => (false, inner),
    };
    let _ = marker;
    let (name, fmt) = match body.split_once(':') {
        Some((n, f)) => (n, Some(f)),
        None => (body, None),
    };
    let valid = |x: &str| {
        !x.is_empty()
            && x.chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && x.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    if !valid(name) || fmt.is_some_and(|f| !valid(f)) {
        return None;
    }
    Some((name, fmt, end + 1))
}

#[derive(Debug, PartialEq)]
enum Node<'a> {
    Text(&'a str),
    Ref { name: &'a str, fmt: Option<&'a str> },
    Present(&'a str),
    Absent(&'a str),
    Group(Vec<Node<'a>>),
}

fn parse(t: &str) -> Vec<Node<'_>> {
    fn parse_seq<'a>(t: &'a str, pos: &mut usize, in_group: bool) -> Vec<Node<'a>> {
        let mut nodes = Vec::new();
        let mut text_start = *pos;
        while *pos < t.len() {
            let rest = &t[*pos..];
            if in_group && rest.starts_with("]}") {
                if text_start < *pos {
                    nodes.push(Node::Text(&t[text_start..*pos]));
                }
                *pos += 2;
                return nodes;
            }
            if rest.starts_with("\\{") {
                // `\{` is a literal brace, for text that would read as a reference
                // (curl's `-w '%{http_code}'`).
                if text_start < *pos {
                    nodes.push(Node::Text(&t[text_start..*pos]));
                }
                nodes.push(Node::Text("{"));
                *pos += 2;
                text_start = *pos;
                continue;
            }
            if rest.starts_with("{[") {
                if text_start < *pos {
                    nodes.push(Node::Text(&t[text_start..*pos]));
                }
                *pos += 2;
                let inner = parse_seq(t, pos, true);
                nodes.push(Node::Group(inner));
                text_start = *pos;
                continue;
            }
            if rest.starts_with('{') {
                if let Some((name, fmt, len)) = parse_ref(rest) {
                    if text_start < *pos {
                        nodes.push(Node::Text(&t[text_start..*pos]));
                    }
                    nodes.push(match rest.as_bytes()[1] {
                        b'?' => Node::Present(name),
                        b'!' => Node::Absent(name),
                        _ => Node::Ref { name, fmt },
                    });
                    *pos += len;
                    text_start = *pos;
                    continue;
                }
            }
            *pos += rest.chars().next().map_or(1, char::len_utf8);
        }
        if text_start < *pos {
            nodes.push(Node::Text(&t[text_start..*pos]));
        }
        nodes
    }
    let mut pos = 0;
    parse_seq(t, &mut pos, false)
}

/// Every name a template refers to.
pub fn references(t: &str) -> Vec<String> {
    fn walk(nodes: &[Node<'_>], out: &mut Vec<String>) {
        for n in nodes {
            match n {
                Node::Ref { name, .. } | Node::Present(name) | Node::Absent(name) => {
                    out.push(name.to_string())
                }
                Node::Group(inner) => walk(inner, out),
                Node::Text(_) => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&parse(t), &mut out);
    out
}

/// Render a template. `resolve(name, fmt)` returns the rendered value or `None` when the
/// name has no value. A missing value outside any group is an error naming it.
pub fn render(
    t: &str,
    resolve: &mut dyn FnMut(&str, Option<&str>) -> Option<String>,
) -> Result<String, String> {
    render_traced(t, resolve, &mut Vec::new())
}

/// Like [`render`], also collecting the names whose values made it into the output (not
/// those of groups that were dropped).
pub fn render_traced(
    t: &str,
    resolve: &mut dyn FnMut(&str, Option<&str>) -> Option<String>,
    printed: &mut Vec<String>,
) -> Result<String, String> {
    fn render_seq(
        nodes: &[Node<'_>],
        resolve: &mut dyn FnMut(&str, Option<&str>) -> Option<String>,
        out: &mut String,
        printed: &mut Vec<String>,
    ) -> Result<(), String> {
        for n in nodes {
            match n {
                Node::Text(s) => out.push_str(s),
                Node::Ref { name, fmt } => match resolve(name, *fmt) {
                    Some(v) => {
                        out.push_str(&v);
                        printed.push(name.to_string());
                    }
                    None => return Err(name.to_string()),
                },
                Node::Present(name) => {
                    if resolve(name, None).is_none() {
                        return Err(name.to_string());
                    }
                }
                Node::Absent(name) => {
                    if resolve(name, None).is_some() {
                        return Err(name.to_string());
                    }
                }
                Node::Group(inner) => {
                    let mut buf = String::new();
                    let mut names = Vec::new();
                    if render_seq(inner, resolve, &mut buf, &mut names).is_ok() {
                        out.push_str(&buf);
                        printed.append(&mut names);
                    }
                }
            }
        }
        Ok(())
    }
    let mut out = String::new();
    render_seq(&parse(t), resolve, &mut out, printed)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracing_reports_only_printed_names() {
        let mut printed = Vec::new();
        let out = render_traced(
            "x {a}{[ {b} {missing}]}{[ {c}]}",
            &mut |n, _| (n != "missing").then(|| n.to_uppercase()),
            &mut printed,
        )
        .unwrap();
        assert_eq!(out, "x A C");
        assert_eq!(printed, ["a", "c"]);
    }

    fn r(t: &str, vals: &[(&str, &str)]) -> Result<String, String> {
        render(t, &mut |n, f| {
            vals.iter().find(|(k, _)| *k == n).map(|(_, v)| match f {
                Some(f) => format!("{v}:{f}"),
                None => v.to_string(),
            })
        })
    }

    #[test]
    fn groups_appear_only_with_values() {
        let t = "find {dir}{[ -name {glob}]}{[ -size {size:find}]} -print";
        assert_eq!(r(t, &[("dir", ".")]).unwrap(), "find . -print");
        assert_eq!(
            r(t, &[("dir", "."), ("size", "10M")]).unwrap(),
            "find . -size 10M:find -print"
        );
        assert_eq!(r(t, &[("glob", "x")]), Err("dir".to_string()));
    }

    #[test]
    fn presence_and_absence_tests() {
        let t = "ls{[{?long} -l]}{[{!long} -1]}";
        assert_eq!(r(t, &[("long", "")]).unwrap(), "ls -l");
        assert_eq!(r(t, &[]).unwrap(), "ls -1");
    }

    #[test]
    fn literal_braces_stay() {
        let t = "find . -exec rm {} + ; awk '{print $1}' {file}";
        assert_eq!(
            r(t, &[("file", "x")]).unwrap(),
            "find . -exec rm {} + ; awk '{print $1}' x"
        );
        assert_eq!(references(t), vec!["file".to_string()]);
    }

    #[test]
    fn escaped_brace_is_not_a_reference() {
        let t = "curl -w '%\\{http_code}' {url}";
        assert_eq!(r(t, &[("url", "u")]).unwrap(), "curl -w '%{http_code}' u");
        assert_eq!(references(t), vec!["url".to_string()]);
        assert_eq!(r("a \\{b} \\x", &[]).unwrap(), "a {b} \\x");
    }

    #[test]
    fn nested_groups() {
        let t = "a{[ b {x}{[ c {y}]}]}";
        assert_eq!(r(t, &[("x", "1")]).unwrap(), "a b 1");
        assert_eq!(r(t, &[("x", "1"), ("y", "2")]).unwrap(), "a b 1 c 2");
        assert_eq!(r(t, &[("y", "2")]).unwrap(), "a");
    }
}
