//! Token shapes (URL, IPv4, date, version, …) recognised by hand-written matchers.
//!
//! These used to be regular expressions; compiling two dozen of them dominated every
//! `caro suggest` process (over 80% of its instructions), so they are plain functions now.
//! Each mirrors the pattern in its doc comment.

fn all(s: &str, f: impl Fn(char) -> bool) -> bool {
    !s.is_empty() && s.chars().all(f)
}

fn digits(s: &str) -> bool {
    all(s, |c| c.is_ascii_digit())
}

/// Split a leading decimal number (`12`, `1.5`) from the rest.
pub fn split_number(s: &str) -> Option<(&str, &str)> {
    let int_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if int_end == 0 {
        return None;
    }
    let mut end = int_end;
    if s[end..].starts_with('.') {
        let frac = s[end + 1..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(s.len() - end - 1);
        if frac > 0 {
            end += 1 + frac;
        }
    }
    Some((&s[..end], &s[end..]))
}

/// `[a-z][a-z0-9+.-]*://\S+`
pub fn is_url(s: &str) -> bool {
    let Some(pos) = s.find("://") else {
        return false;
    };
    let scheme = &s[..pos];
    let rest = &s[pos + 3..];
    scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && all(scheme, |c| {
            c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-')
        })
        && !rest.is_empty()
        && !rest.chars().any(char::is_whitespace)
}

/// `[A-Za-z_][A-Za-z0-9_]*=\S*`
pub fn is_assignment(s: &str) -> bool {
    let Some((name, value)) = s.split_once('=') else {
        return false;
    };
    is_identifier(name) && !value.chars().any(char::is_whitespace)
}

fn is_identifier(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && all(s, |c| c.is_ascii_alphanumeric() || c == '_')
}

fn host_chars(s: &str) -> bool {
    all(s, |c| {
        c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
    })
}

/// `user@host` or `user@host:path` → (user, host, path).
pub fn user_host(s: &str) -> Option<(&str, &str, Option<&str>)> {
    let (user, rest) = s.split_once('@')?;
    let (host, path) = match rest.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    (host_chars(user)
        && host_chars(host)
        && path.is_none_or(|p| !p.chars().any(char::is_whitespace)))
    .then_some((user, host, path))
}

/// `d.d.d.d` or `d.d.d.d:port` with 1–3 digit parts → (address, port).
pub fn ipv4(s: &str) -> Option<(&str, Option<&str>)> {
    let (addr, port) = match s.split_once(':') {
        Some((a, p)) if digits(p) && p.len() <= 5 => (a, Some(p)),
        Some(_) => return None,
        None => (s, None),
    };
    let parts: Vec<&str> = addr.split('.').collect();
    (parts.len() == 4 && parts.iter().all(|p| digits(p) && p.len() <= 3)).then_some((addr, port))
}

/// `dddd-d(d)-d(d)` or with `/`.
pub fn is_date(s: &str) -> bool {
    let sep = if s.contains('-') { '-' } else { '/' };
    let parts: Vec<&str> = s.split(sep).collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts.iter().all(|p| digits(p))
        && (1..=2).contains(&parts[1].len())
        && (1..=2).contains(&parts[2].len())
}

/// `h:mm`, `hh:mm:ss`, optionally `am`/`pm`; or `3pm`. Case-insensitive.
pub fn is_clock(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let body = lower
        .strip_suffix("am")
        .or_else(|| lower.strip_suffix("pm"));
    let had_suffix = body.is_some();
    let body = body.unwrap_or(&lower);
    let parts: Vec<&str> = body.split(':').collect();
    match parts.as_slice() {
        [h] => had_suffix && digits(h) && h.len() <= 2,
        [h, m] => digits(h) && h.len() <= 2 && digits(m) && m.len() == 2,
        [h, m, sec] => {
            digits(h) && h.len() <= 2 && digits(m) && m.len() == 2 && digits(sec) && sec.len() == 2
        }
        _ => false,
    }
}

/// `a-b` with digits on both sides → (a, b).
pub fn range(s: &str) -> Option<(i64, i64)> {
    let (a, b) = s.split_once('-').or_else(|| s.split_once('–'))?;
    if !(digits(a) && digits(b)) {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// `0?[0-7]{3}`
pub fn is_octal_mode(s: &str) -> bool {
    let body = if s.len() == 4 {
        s.strip_prefix('0').unwrap_or("x")
    } else {
        s
    };
    body.len() == 3 && all(body, |c| ('0'..='7').contains(&c))
}

/// `[ugoa]*[-+=][rwxXst]+` clauses joined by commas: `+x`, `g+w`, `u=rw,go=r`.
pub fn is_symbolic_mode(s: &str) -> bool {
    !s.is_empty()
        && s.split(',').all(|clause| {
            let Some(op) = clause.find(['+', '-', '=']) else {
                return false;
            };
            let (who, perms) = (&clause[..op], &clause[op + 1..]);
            (who.is_empty() || all(who, |c| matches!(c, 'u' | 'g' | 'o' | 'a')))
                && all(perms, |c| matches!(c, 'r' | 'w' | 'x' | 'X' | 's' | 't'))
        })
}

/// `SIGTERM`, `HUP`, … (upper case only, so the English word "term" is not a signal).
pub fn is_signal(s: &str) -> bool {
    (s.len() > 3
        && s.starts_with("SIG")
        && all(&s[3..], |c| c.is_ascii_uppercase() || c.is_ascii_digit()))
        || matches!(
            s,
            "HUP" | "INT" | "QUIT" | "KILL" | "TERM" | "USR1" | "USR2" | "STOP" | "CONT" | "WINCH"
        )
}

/// `-9`, `-HUP`, `-SIGKILL`: `-(\d{1,2}|SIG[A-Z0-9]+|[A-Z][A-Z0-9]+)` (a kill option).
pub fn is_kill_option(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('-') else {
        return false;
    };
    (digits(rest) && rest.len() <= 2)
        || (rest.len() >= 2
            && rest.starts_with(|c: char| c.is_ascii_uppercase())
            && all(rest, |c| c.is_ascii_uppercase() || c.is_ascii_digit()))
}

/// `50%`, `720p`, `800px`, `30fps`: `(\d+(\.\d+)?)(%|p|px|fps)`; returns the number.
pub fn unit_number(s: &str) -> Option<&str> {
    let (num, unit) = split_number(s)?;
    matches!(unit.to_ascii_lowercase().as_str(), "%" | "p" | "px" | "fps").then_some(num)
}

/// `ubuntu:22.04`, `python:3.12`: a name with a numeric version tag (not a file `*.04`).
pub fn is_image_reference(s: &str) -> bool {
    match s.rsplit_once(':') {
        Some((name, tag)) => !name.is_empty() && tag.split('.').all(digits),
        None => false,
    }
}

/// A commit: 7–40 hex digits with at least one digit and one letter, `HEAD`, `HEAD~3`,
/// `HEAD^`, `@{1}`.
pub fn is_commit(s: &str) -> bool {
    if let Some(rest) = s.strip_prefix("HEAD") {
        return all(rest, |c| c.is_ascii_digit() || c == '~' || c == '^') || rest.is_empty();
    }
    if let Some(inner) = s.strip_prefix("@{").and_then(|r| r.strip_suffix('}')) {
        return digits(inner);
    }
    (7..=40).contains(&s.len())
        && all(s, |c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars().any(|c| c.is_ascii_alphabetic())
}

/// `v1`, `v1.2.3`, `v2.0-rc1`, or an un-prefixed `1.2.3` (three parts).
pub fn is_version(s: &str) -> bool {
    let (core, _suffix) = match s.find(['-', '+']) {
        Some(i) if i > 0 => (&s[..i], &s[i..]),
        _ => (s, ""),
    };
    match core.strip_prefix('v') {
        Some(rest) => !rest.is_empty() && rest.split('.').all(digits),
        None => {
            let parts: Vec<&str> = core.split('.').collect();
            parts.len() == 3 && parts.iter().all(|p| digits(p))
        }
    }
}

/// `:8080` → 8080.
pub fn colon_port(s: &str) -> Option<&str> {
    let p = s.strip_prefix(':')?;
    (digits(p) && p.len() <= 5).then_some(p)
}

/// `8080:80`.
pub fn is_port_map(s: &str) -> bool {
    s.split_once(':')
        .is_some_and(|(a, b)| digits(a) && digits(b) && a.len() <= 5 && b.len() <= 5)
}

/// `[-+]?\d+(\.\d+)?`
pub fn is_number(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    matches!(split_number(body), Some((_, "")))
}

/// `3rd`, `21st` → 3, 21.
pub fn ordinal(s: &str) -> Option<&str> {
    let lower = s.len().checked_sub(2)?;
    // Not a char boundary: the token ends in a multi-byte character ("—"), no ordinal.
    let (n, suffix) = s.split_at_checked(lower)?;
    (digits(n)
        && matches!(
            suffix.to_ascii_lowercase().as_str(),
            "st" | "nd" | "rd" | "th"
        ))
    .then_some(n)
}

/// `$name`, `${name}`.
pub fn is_shell_var(s: &str) -> bool {
    let Some(body) = s.strip_prefix('$') else {
        return false;
    };
    let body = body
        .strip_prefix('{')
        .and_then(|b| b.strip_suffix('}'))
        .unwrap_or(body);
    is_identifier(body)
}

/// An upper-case variable name, optionally `$`-prefixed: `HTTP_PROXY`, `$PATH`.
pub fn is_upper_var(s: &str) -> bool {
    let body = s.strip_prefix('$').unwrap_or(s);
    let body = body
        .strip_prefix('{')
        .and_then(|b| b.strip_suffix('}'))
        .unwrap_or(body);
    body.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && all(body, |c| {
            c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'
        })
}

/// `-x`, `--long`, `--opt=value`.
pub fn is_flag(s: &str) -> bool {
    let body = s.strip_prefix("--").or_else(|| s.strip_prefix('-'));
    let Some(body) = body else { return false };
    let (name, value) = match body.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (body, None),
    };
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && all(name, |c| c.is_alphanumeric() || c == '_' || c == '-')
        && value.is_none_or(|v| !v.chars().any(char::is_whitespace))
}

/// A dotted host name → its top-level label: `api.example.com` → `com`.
pub fn host_tld(s: &str) -> Option<&str> {
    let labels: Vec<&str> = s.split('.').collect();
    if labels.len() < 2 {
        return None;
    }
    let (tld, rest) = labels.split_last()?;
    let label_ok = |l: &str| {
        !l.is_empty()
            && all(l, |c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    ((2..=12).contains(&tld.len())
        && all(tld, |c| c.is_ascii_alphabetic())
        && rest.iter().all(|l| label_ok(l)))
    .then_some(tld)
}

/// `name.ext` without `/` → `ext` (1–10 alphanumerics after a final dot that follows
/// a character other than `.`).
pub fn file_ext(s: &str) -> Option<&str> {
    if s.contains('/') || s.chars().any(char::is_whitespace) {
        return None;
    }
    let (stem, ext) = s.rsplit_once('.')?;
    let ok_stem = stem.chars().last().is_some_and(|c| c != '.');
    (ok_stem && (1..=10).contains(&ext.len()) && all(ext, |c| c.is_ascii_alphanumeric()))
        .then_some(ext)
}

/// `.bashrc`, `.env`, `.git-credentials`.
pub fn is_dotfile(s: &str) -> bool {
    let Some(body) = s.strip_prefix('.') else {
        return false;
    };
    body.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && all(body, |c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(
            is_url("https://example.com/a?b=1")
                && is_url("s3://bucket/key")
                && !is_url("example.com")
        );
        assert!(
            is_assignment("API_URL=http://x:1") && !is_assignment("a b=c") && !is_assignment("=x")
        );
        assert_eq!(
            user_host("deploy@web1:/srv"),
            Some(("deploy", "web1", Some("/srv")))
        );
        assert_eq!(user_host("a@b"), Some(("a", "b", None)));
        assert_eq!(ipv4("10.0.0.1:22"), Some(("10.0.0.1", Some("22"))));
        assert_eq!(ipv4("1.2.3"), None);
        assert!(is_date("2024-06-01") && is_date("2024/6/1") && !is_date("24-06-01"));
        assert!(
            is_clock("2:30am")
                && is_clock("15:00")
                && is_clock("3pm")
                && !is_clock("3")
                && !is_clock("1:5")
        );
        assert_eq!(range("40-60"), Some((40, 60)));
        assert!(
            is_octal_mode("640")
                && is_octal_mode("0755")
                && !is_octal_mode("800")
                && !is_octal_mode("64")
        );
        assert!(
            is_symbolic_mode("+x")
                && is_symbolic_mode("g+w")
                && is_symbolic_mode("u=rw,go=r")
                && !is_symbolic_mode("x+")
                && !is_symbolic_mode("-v")
        );
        assert!(is_signal("SIGTERM") && is_signal("HUP") && !is_signal("term"));
        assert!(
            is_commit("a1b2c3d")
                && is_commit("HEAD~3")
                && is_commit("HEAD")
                && !is_commit("deadbeef")
                && !is_commit("1234567")
        );
        assert!(
            is_version("v1.4.0")
                && is_version("v2")
                && is_version("1.2.3-rc1")
                && !is_version("1.5")
                && !is_version("v")
        );
        assert_eq!(colon_port(":8080"), Some("8080"));
        assert!(is_port_map("8080:80") && !is_port_map("a:80"));
        assert!(is_number("42") && is_number("-1.5") && !is_number("4a") && !is_number("."));
        assert_eq!(ordinal("3rd"), Some("3"));
        assert!(is_shell_var("$name") && is_shell_var("${HOME}") && !is_shell_var("$("));
        assert!(is_upper_var("HTTP_PROXY") && is_upper_var("$PATH") && !is_upper_var("Path"));
        assert!(is_flag("-L") && is_flag("--max-depth=1") && !is_flag("-9") && !is_flag("--"));
        assert_eq!(host_tld("api.stripe.com"), Some("com"));
        assert_eq!(host_tld("notes.txt"), Some("txt"));
        assert_eq!(host_tld("a..com"), None);
        assert_eq!(file_ext("notes.txt"), Some("txt"));
        assert_eq!(file_ext("a/b.txt"), None);
        assert_eq!(file_ext("..txt"), None);
        assert!(is_dotfile(".env") && is_dotfile(".git-credentials") && !is_dotfile("."));
        assert_eq!(split_number("1.5G"), Some(("1.5", "G")));
        assert_eq!(split_number("50mb"), Some(("50", "mb")));
        assert_eq!(split_number("1."), Some(("1", ".")));
    }
}
