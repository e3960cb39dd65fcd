//! Key specs for `caro init --key` and `shell.key`: `ctrl-g`, `alt-g`, `ctrl-x ctrl-g`.
//! One spec renders to each shell's notation (zsh `^G`, bash `\C-g`, fish 3 `\cg`,
//! fish 4 `ctrl-g`).

use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Modifier {
    Ctrl,
    Alt,
}

/// One key press: a modifier and a letter or digit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Chord {
    modifier: Modifier,
    key: char,
}

/// A key or a two-key sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    chords: Vec<Chord>,
}

impl Default for Key {
    fn default() -> Key {
        Key {
            chords: vec![Chord {
                modifier: Modifier::Ctrl,
                key: 'g',
            }],
        }
    }
}

impl FromStr for Key {
    type Err = String;

    fn from_str(spec: &str) -> Result<Key, String> {
        let words: Vec<&str> = spec.split_whitespace().collect();
        if words.is_empty() || words.len() > 2 {
            return Err(format!(
                "key '{spec}' is not one or two key presses: use e.g. ctrl-g, alt-g or \"ctrl-x ctrl-g\""
            ));
        }
        let chords = words
            .iter()
            .map(|w| parse_chord(w))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Key { chords })
    }
}

fn parse_chord(word: &str) -> Result<Chord, String> {
    let lower = word.to_ascii_lowercase();
    let (modifier, rest) = if let Some(rest) = lower
        .strip_prefix("ctrl-")
        .or_else(|| lower.strip_prefix("c-"))
        .or_else(|| lower.strip_prefix("control-"))
    {
        (Modifier::Ctrl, rest)
    } else if let Some(rest) = lower
        .strip_prefix("alt-")
        .or_else(|| lower.strip_prefix("meta-"))
        .or_else(|| lower.strip_prefix("m-"))
    {
        (Modifier::Alt, rest)
    } else {
        return Err(format!(
            "key '{word}' needs a modifier: ctrl-<letter> or alt-<letter or digit>"
        ));
    };
    let mut chars = rest.chars();
    let (Some(key), None) = (chars.next(), chars.next()) else {
        return Err(format!(
            "key '{word}': after the modifier comes one letter (or digit with alt-)"
        ));
    };
    let ok = match modifier {
        Modifier::Ctrl => key.is_ascii_lowercase(),
        Modifier::Alt => key.is_ascii_lowercase() || key.is_ascii_digit(),
    };
    if !ok {
        return Err(format!(
            "key '{word}': after the modifier comes one letter (or digit with alt-)"
        ));
    }
    // The terminal sends the same byte for these as for Tab, Enter and newline.
    if modifier == Modifier::Ctrl && matches!(key, 'i' | 'j' | 'm') {
        return Err(format!(
            "key '{word}' is the same key as Tab or Enter in a terminal; pick another"
        ));
    }
    Ok(Chord { modifier, key })
}

impl Key {
    /// zsh `bindkey` notation: `^G`, `^[g`, `^X^G`.
    pub fn zsh(&self) -> String {
        self.chords
            .iter()
            .map(|c| match c.modifier {
                Modifier::Ctrl => format!("^{}", c.key.to_ascii_uppercase()),
                Modifier::Alt => format!("^[{}", c.key),
            })
            .collect()
    }

    /// readline notation: `\C-g`, `\eg`, `\C-x\C-g`.
    pub fn bash(&self) -> String {
        self.chords
            .iter()
            .map(|c| match c.modifier {
                Modifier::Ctrl => format!("\\C-{}", c.key),
                Modifier::Alt => format!("\\e{}", c.key),
            })
            .collect()
    }

    /// fish 3 notation (unquoted in the script): `\cg`, `\eg`, `\cx\cg`.
    pub fn fish3(&self) -> String {
        self.chords
            .iter()
            .map(|c| match c.modifier {
                Modifier::Ctrl => format!("\\c{}", c.key),
                Modifier::Alt => format!("\\e{}", c.key),
            })
            .collect()
    }

    /// fish 4 notation: `ctrl-g`, `alt-g`, `ctrl-x,ctrl-g` (a sequence is comma-separated).
    pub fn fish4(&self) -> String {
        self.to_string().replace(' ', ",")
    }

    /// For messages: `Ctrl-G`, `Alt-G`, `Ctrl-X Ctrl-G`.
    pub fn label(&self) -> String {
        self.chords
            .iter()
            .map(|c| {
                let m = match c.modifier {
                    Modifier::Ctrl => "Ctrl",
                    Modifier::Alt => "Alt",
                };
                format!("{m}-{}", c.key.to_ascii_uppercase())
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words: Vec<String> = self
            .chords
            .iter()
            .map(|c| match c.modifier {
                Modifier::Ctrl => format!("ctrl-{}", c.key),
                Modifier::Alt => format!("alt-{}", c.key),
            })
            .collect();
        f.write_str(&words.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Key {
        s.parse().unwrap()
    }

    #[test]
    fn renders_each_notation() {
        let k = key("ctrl-g");
        assert_eq!(
            (k.zsh(), k.bash(), k.fish3(), k.fish4(), k.label()),
            (
                "^G".into(),
                "\\C-g".into(),
                "\\cg".into(),
                "ctrl-g".into(),
                "Ctrl-G".into()
            )
        );
        let k = key("Alt-G");
        assert_eq!(
            (k.zsh(), k.bash(), k.fish3(), k.fish4()),
            ("^[g".into(), "\\eg".into(), "\\eg".into(), "alt-g".into())
        );
        let k = key("ctrl-x  c-g");
        assert_eq!(
            (k.zsh(), k.bash(), k.fish3(), k.fish4(), k.label()),
            (
                "^X^G".into(),
                "\\C-x\\C-g".into(),
                "\\cx\\cg".into(),
                "ctrl-x,ctrl-g".into(),
                "Ctrl-X Ctrl-G".into()
            )
        );
        assert_eq!(key("alt-1").zsh(), "^[1");
    }

    #[test]
    fn rejects_what_cannot_be_bound_safely() {
        for bad in [
            "",
            "g",
            "ctrl-",
            "ctrl-gg",
            "ctrl-1",
            "ctrl-m",
            "ctrl-i",
            "ctrl-j",
            "shift-g",
            "ctrl-x ctrl-y ctrl-z",
            "alt-'",
            "ctrl-;",
        ] {
            let err = bad.parse::<Key>().unwrap_err();
            assert!(err.contains("key"), "{bad}: {err}");
        }
    }
}
