//! Values whose meaning is computed rather than listed: signals and file modes.

use super::dict::Describe;

/// Describe a value of the given kind, or `None` when it is not one.
pub fn describe(kind: Describe, value: &str) -> Option<String> {
    match kind {
        Describe::Signal => signal(value).map(|(name, what)| format!("SIG{name}: {what}")),
        Describe::Mode => mode(value),
        Describe::Compare => compare(value),
        Describe::Strftime => strftime(value),
    }
}

/// The conversions `date +FORMAT` (strftime) understands, with what they print.
const STRFTIME: &[(char, &str)] = &[
    ('Y', "year"),
    ('y', "two-digit year"),
    ('C', "century"),
    ('G', "ISO year"),
    ('m', "month number"),
    ('B', "month name"),
    ('b', "short month name"),
    ('h', "short month name"),
    ('d', "day of the month"),
    ('e', "day of the month, space-padded"),
    ('j', "day of the year"),
    ('A', "weekday name"),
    ('a', "short weekday name"),
    ('u', "weekday number (1 is Monday)"),
    ('w', "weekday number (0 is Sunday)"),
    ('V', "ISO week number"),
    ('U', "week number (weeks start on Sunday)"),
    ('W', "week number (weeks start on Monday)"),
    ('H', "hour (00-23)"),
    ('I', "hour (01-12)"),
    ('k', "hour, space-padded"),
    ('l', "hour (1-12), space-padded"),
    ('M', "minute"),
    ('S', "second"),
    ('N', "nanoseconds (GNU)"),
    ('p', "AM or PM"),
    ('P', "am or pm (GNU)"),
    ('F', "the date as YYYY-MM-DD"),
    ('T', "the time as HH:MM:SS"),
    ('R', "the time as HH:MM"),
    ('D', "the date as MM/DD/YY"),
    ('c', "the locale's date and time"),
    ('x', "the locale's date"),
    ('X', "the locale's time"),
    ('s', "seconds since 1970 (the Unix epoch)"),
    ('Z', "time zone name"),
    ('z', "time zone offset (+hhmm)"),
    ('n', "a newline"),
    ('t', "a tab"),
    ('%', "a literal %"),
];

/// `+%Y-%m-%d` → `%Y year, %m month number, %d day of the month`.
fn strftime(value: &str) -> Option<String> {
    let format = value.strip_prefix('+').unwrap_or(value);
    let mut out: Vec<String> = Vec::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            continue;
        }
        // Flags and widths (`%-d`, `%03N`) come between % and the conversion.
        let mut spec = String::from("%");
        while let Some(&f) = chars.peek() {
            if matches!(f, '-' | '_' | '0' | '^' | '#' | ':') || f.is_ascii_digit() {
                spec.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let conv = chars.next()?;
        spec.push(conv);
        let what = STRFTIME.iter().find(|(k, _)| *k == conv)?.1;
        let item = format!("{spec} {what}");
        if !out.contains(&item) {
            out.push(item);
        }
    }
    (!out.is_empty()).then(|| out.join(", "))
}

/// `+7` → `more than 7`, `-7` → `less than 7`, `7` → `exactly 7`.
fn compare(value: &str) -> Option<String> {
    let (word, rest) = match value.as_bytes().first()? {
        b'+' => ("more than", &value[1..]),
        b'-' => ("less than", &value[1..]),
        _ => ("exactly", value),
    };
    if rest.is_empty() || !rest.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    Some(format!("{word} {rest}"))
}

/// The standard signals whose numbers are the same on Linux and macOS.
const SIGNALS: &[(u8, &str, &str)] = &[
    (1, "HUP", "hang up; many daemons reload their configuration"),
    (2, "INT", "interrupt, as Ctrl-C does"),
    (3, "QUIT", "quit and dump core, as Ctrl-\\ does"),
    (6, "ABRT", "abort"),
    (9, "KILL", "kill at once; it cannot be caught or ignored"),
    (14, "ALRM", "alarm clock"),
    (15, "TERM", "ask to terminate (the default)"),
];

/// Signals whose numbers differ between systems: known by name only.
const NAMED_SIGNALS: &[(&str, &str)] = &[
    ("STOP", "pause the process; it cannot be caught or ignored"),
    ("TSTP", "pause, as Ctrl-Z does"),
    ("CONT", "resume a paused process"),
    (
        "USR1",
        "user-defined signal 1 (its meaning depends on the program)",
    ),
    (
        "USR2",
        "user-defined signal 2 (its meaning depends on the program)",
    ),
    ("CHLD", "a child process stopped or exited"),
    ("WINCH", "the terminal window changed size"),
    ("PIPE", "write to a pipe nobody reads"),
];

fn signal(value: &str) -> Option<(&'static str, &'static str)> {
    let v = value.trim_start_matches('-');
    if let Ok(n) = v.parse::<u8>() {
        return SIGNALS
            .iter()
            .find(|(num, _, _)| *num == n)
            .map(|(_, name, what)| (*name, *what));
    }
    let upper = v.to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    SIGNALS
        .iter()
        .map(|(_, n, w)| (*n, *w))
        .chain(NAMED_SIGNALS.iter().copied())
        .find(|(n, _)| *n == name)
}

/// `755` → `rwxr-xr-x (owner rwx, group r-x, others r-x)`; `u+x` → `owner: add x`.
fn mode(value: &str) -> Option<String> {
    if !value.is_empty() && value.len() <= 4 && value.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return Some(octal_mode(value));
    }
    symbolic_mode(value)
}

fn octal_mode(value: &str) -> String {
    let digits: Vec<u8> = value.bytes().map(|b| b - b'0').collect();
    let (special, perms) = match digits.len() {
        4 => (digits[0], &digits[1..]),
        _ => (0, &digits[..]),
    };
    // Fewer than three digits are padded on the left, as chmod reads them.
    let mut rwx = [0u8; 3];
    let pad = 3 - perms.len().min(3);
    for (i, d) in perms.iter().take(3).enumerate() {
        rwx[pad + i] = *d;
    }
    let triple = |d: u8| -> String {
        let mut s = String::new();
        s.push(if d & 4 != 0 { 'r' } else { '-' });
        s.push(if d & 2 != 0 { 'w' } else { '-' });
        s.push(if d & 1 != 0 { 'x' } else { '-' });
        s
    };
    let text: Vec<String> = rwx.iter().map(|d| triple(*d)).collect();
    let mut out = format!(
        "{} (owner {}, group {}, others {})",
        text.concat(),
        text[0],
        text[1],
        text[2]
    );
    let mut extra = Vec::new();
    if special & 4 != 0 {
        extra.push("setuid: runs as the file's owner");
    }
    if special & 2 != 0 {
        extra.push("setgid: runs as the file's group");
    }
    if special & 1 != 0 {
        extra.push("sticky: only owners may delete entries");
    }
    if !extra.is_empty() {
        out.push_str(&format!("; {}", extra.join("; ")));
    }
    out
}

fn symbolic_mode(value: &str) -> Option<String> {
    let mut clauses = Vec::new();
    for clause in value.split(',') {
        let op_at = clause.find(['+', '-', '='])?;
        let (who, rest) = clause.split_at(op_at);
        if !who.bytes().all(|b| b"ugoa".contains(&b)) {
            return None;
        }
        let op = rest.as_bytes()[0];
        let perms = &rest[1..];
        if !perms.bytes().all(|b| b"rwxXstugo".contains(&b)) || perms.contains(['+', '-', '=']) {
            return None;
        }
        let whom = if who.is_empty() {
            "everyone (minus the umask)".to_string()
        } else {
            let names: Vec<&str> = who
                .bytes()
                .map(|b| match b {
                    b'u' => "owner",
                    b'g' => "group",
                    b'o' => "others",
                    _ => "everyone",
                })
                .collect();
            names.join(" and ")
        };
        let action = match op {
            b'+' => "add",
            b'-' => "remove",
            _ => "set exactly",
        };
        let words: Vec<&str> = perms
            .bytes()
            .map(|b| match b {
                b'r' => "read",
                b'w' => "write",
                b'x' => "execute",
                b'X' => "execute (directories, or files already executable)",
                b's' => "setuid/setgid",
                b't' => "sticky",
                b'u' => "the owner's permissions",
                b'g' => "the group's permissions",
                _ => "others' permissions",
            })
            .collect();
        let what = if words.is_empty() {
            "no permissions".to_string()
        } else {
            words.join(", ")
        };
        clauses.push(format!("{whom}: {action} {what}"));
    }
    Some(clauses.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_by_number_and_name() {
        assert_eq!(
            describe(Describe::Signal, "9").unwrap(),
            "SIGKILL: kill at once; it cannot be caught or ignored"
        );
        assert!(describe(Describe::Signal, "SIGTERM")
            .unwrap()
            .starts_with("SIGTERM"));
        assert!(describe(Describe::Signal, "hup")
            .unwrap()
            .starts_with("SIGHUP"));
        assert!(describe(Describe::Signal, "STOP")
            .unwrap()
            .starts_with("SIGSTOP"));
        assert_eq!(describe(Describe::Signal, "10"), None);
        assert_eq!(describe(Describe::Signal, "BOGUS"), None);
    }

    #[test]
    fn strftime_formats() {
        assert_eq!(
            describe(Describe::Strftime, "+%Y-%m-%d").unwrap(),
            "%Y year, %m month number, %d day of the month"
        );
        assert_eq!(
            describe(Describe::Strftime, "'+%A, %B %-d'").map(|_| ()),
            Some(())
        );
        assert_eq!(
            describe(Describe::Strftime, "+%s").unwrap(),
            "%s seconds since 1970 (the Unix epoch)"
        );
        assert_eq!(describe(Describe::Strftime, "+plain"), None);
        assert_eq!(describe(Describe::Strftime, "+%Q"), None);
    }

    #[test]
    fn comparisons() {
        assert_eq!(describe(Describe::Compare, "+7").unwrap(), "more than 7");
        assert_eq!(describe(Describe::Compare, "-30").unwrap(), "less than 30");
        assert_eq!(describe(Describe::Compare, "1").unwrap(), "exactly 1");
        assert_eq!(
            describe(Describe::Compare, "+100M").unwrap(),
            "more than 100M"
        );
        assert_eq!(describe(Describe::Compare, "x"), None);
    }

    #[test]
    fn octal_modes() {
        assert_eq!(
            describe(Describe::Mode, "755").unwrap(),
            "rwxr-xr-x (owner rwx, group r-x, others r-x)"
        );
        assert_eq!(
            describe(Describe::Mode, "600").unwrap(),
            "rw------- (owner rw-, group ---, others ---)"
        );
        assert!(describe(Describe::Mode, "4755")
            .unwrap()
            .ends_with("setuid: runs as the file's owner"));
        assert_eq!(describe(Describe::Mode, "9"), None);
    }

    #[test]
    fn symbolic_modes() {
        assert_eq!(
            describe(Describe::Mode, "u+x").unwrap(),
            "owner: add execute"
        );
        assert_eq!(
            describe(Describe::Mode, "go-w").unwrap(),
            "group and others: remove write"
        );
        assert_eq!(
            describe(Describe::Mode, "+x").unwrap(),
            "everyone (minus the umask): add execute"
        );
        assert_eq!(
            describe(Describe::Mode, "u=rw,go=r").unwrap(),
            "owner: set exactly read, write; group and others: set exactly read"
        );
        assert_eq!(describe(Describe::Mode, "file.txt"), None);
    }
}
