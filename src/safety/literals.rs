//! Literals that every match of a regular expression contains, worked out at build time.
//!
//! Compiling a pattern costs far more than the check it serves (hundreds of thousands of
//! instructions against a few hundred bytes of text), and caro is a fresh process on every
//! key press. So the build script derives, for every safety pattern, a condition any
//! matching text must meet: a list of clauses, each a list of literals, where every clause
//! needs one of its literals somewhere in the text. `(delete|remove)\b.*\bfiles` gives
//! `[["delete", "remove"], ["files"]]`; a text without "files" cannot match, so the pattern
//! is never compiled for it. The condition is necessary, never sufficient: when it holds, the
//! pattern itself decides.
//!
//! Literals are lower-case ASCII and are looked for ignoring ASCII case, which keeps the
//! condition sound for `(?i)` patterns. The patterns are read as caro compiles them: bytes,
//! ASCII classes (`\w`, `\s`, `\b`).
//!
//! The same pass enforces what lets the runtime use a small regex engine on a copy of the
//! text with every non-ASCII byte replaced by DEL (0x7f): no pattern may tell DEL or a
//! non-ASCII byte from another (a class contains all of 0x7f..=0xff or none of it, and no
//! literal contains such a byte).

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// Every clause must have one of its literals in the text.
pub type Condition = Vec<Vec<String>>;

/// The most strings an exact set may hold before it is given up.
const MAX_SET: usize = 64;
/// The longest string an exact set may hold.
const MAX_LEN: usize = 64;
/// Alternations combine at most this many clause choices.
const MAX_PRODUCT: usize = 16;
/// Clauses kept per pattern: each costs a few substring searches per check.
const MAX_CLAUSES: usize = 4;

/// What a sub-expression tells about its matches.
struct Info {
    /// Every string it can match, when that set is small.
    exact: Option<Vec<Vec<u8>>>,
    /// Clauses every match satisfies.
    clauses: Vec<Vec<Vec<u8>>>,
}

/// Parse `src` the way caro compiles safety patterns.
pub fn parse(src: &str) -> Result<Hir, String> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(src)
        .map_err(|e| format!("invalid regular expression {src:?}: {e}"))
}

/// The condition every text that `src` matches meets (empty: nothing is required).
pub fn required(src: &str) -> Result<Condition, String> {
    let hir = parse(src)?;
    check_ascii(&hir).map_err(|e| format!("regular expression {src:?}: {e}"))?;
    let info = analyse(&hir);
    let mut clauses = info.clauses;
    if let Some(exact) = info.exact {
        clauses.push(exact);
    }
    Ok(finish(clauses))
}

/// Refuse what would make DEL and non-ASCII bytes distinguishable (see the module docs).
fn check_ascii(hir: &Hir) -> Result<(), String> {
    match hir.kind() {
        HirKind::Empty => Ok(()),
        HirKind::Literal(lit) => match lit.0.iter().find(|&&b| b >= 0x7f) {
            Some(b) => Err(format!("the literal byte {b:#04x} is not plain ASCII")),
            None => Ok(()),
        },
        HirKind::Class(Class::Bytes(class)) => {
            let high: usize = class
                .ranges()
                .iter()
                .map(|r| {
                    let (start, end) = (r.start().max(0x7f), r.end());
                    if end < start {
                        0
                    } else {
                        usize::from(end - start) + 1
                    }
                })
                .sum();
            if high == 0 || high == 0x81 {
                Ok(())
            } else {
                Err("a class names some non-ASCII bytes but not all".into())
            }
        }
        HirKind::Class(Class::Unicode(_)) => Err("Unicode classes are not supported".into()),
        HirKind::Look(look) => match look {
            Look::WordUnicode
            | Look::WordUnicodeNegate
            | Look::WordStartUnicode
            | Look::WordEndUnicode
            | Look::WordStartHalfUnicode
            | Look::WordEndHalfUnicode => Err("Unicode word boundaries are not supported".into()),
            _ => Ok(()),
        },
        HirKind::Repetition(rep) => check_ascii(&rep.sub),
        HirKind::Capture(cap) => check_ascii(&cap.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().try_for_each(check_ascii),
    }
}

fn analyse(hir: &Hir) -> Info {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Info {
            exact: Some(vec![Vec::new()]),
            clauses: Vec::new(),
        },
        HirKind::Literal(lit) => {
            let s = lit.0.to_ascii_lowercase();
            Info {
                exact: (s.len() <= MAX_LEN).then(|| vec![s.clone()]),
                clauses: vec![vec![s]],
            }
        }
        HirKind::Class(class) => {
            let exact =
                class_bytes(class).map(|bytes| bytes.into_iter().map(|b| vec![b]).collect());
            Info {
                exact,
                clauses: Vec::new(),
            }
        }
        HirKind::Capture(cap) => analyse(&cap.sub),
        HirKind::Repetition(rep) => {
            let sub = analyse(&rep.sub);
            if rep.min == 0 {
                let exact = match (rep.max, sub.exact) {
                    (Some(0), _) => Some(vec![Vec::new()]),
                    (Some(1), Some(mut set)) => {
                        set.push(Vec::new());
                        Some(dedup(set))
                    }
                    _ => None,
                };
                return Info {
                    exact,
                    clauses: Vec::new(),
                };
            }
            // At least one copy: whatever one copy requires is required.
            let exact = match (rep.max, &sub.exact) {
                (Some(max), Some(set)) if max == rep.min => {
                    (0..rep.min).try_fold(vec![Vec::new()], |acc, _| product(&acc, set))
                }
                _ => None,
            };
            let mut clauses = sub.clauses;
            if let Some(set) = sub.exact {
                clauses.push(set);
            }
            Info { exact, clauses }
        }
        HirKind::Concat(subs) => concat(subs),
        HirKind::Alternation(subs) => alternation(subs),
    }
}

/// The bytes a class matches, lower-cased, when there are few of them.
fn class_bytes(class: &Class) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    match class {
        Class::Bytes(c) => {
            for r in c.ranges() {
                if usize::from(r.end() - r.start()) >= MAX_SET {
                    return None;
                }
                out.extend((r.start()..=r.end()).map(|b| b.to_ascii_lowercase()));
            }
        }
        Class::Unicode(_) => return None,
    }
    out.sort_unstable();
    out.dedup();
    (out.len() <= MAX_SET).then_some(out)
}

fn concat(subs: &[Hir]) -> Info {
    let infos: Vec<Info> = subs.iter().map(analyse).collect();
    let mut clauses = Vec::new();
    // Consecutive parts with small exact sets spell out longer literals together:
    // `-(exec|ok)` is "-exec" or "-ok". A run too large to spell is cut in two.
    let mut run: Vec<Vec<u8>> = vec![Vec::new()];
    for info in &infos {
        clauses.extend(info.clauses.iter().cloned());
        match &info.exact {
            Some(set) => match product(&run, set) {
                Some(longer) => run = longer,
                None => {
                    clauses.push(std::mem::take(&mut run));
                    run = set.clone();
                }
            },
            None => {
                clauses.push(std::mem::replace(&mut run, vec![Vec::new()]));
            }
        }
    }
    let exact = infos.iter().try_fold(vec![Vec::new()], |acc, info| {
        product(&acc, info.exact.as_ref()?)
    });
    clauses.push(run);
    Info { exact, clauses }
}

fn alternation(subs: &[Hir]) -> Info {
    let infos: Vec<Info> = subs.iter().map(analyse).collect();
    let exact = infos
        .iter()
        .try_fold(Vec::new(), |mut acc: Vec<Vec<u8>>, info| {
            acc.extend(info.exact.iter().flatten().cloned());
            (info.exact.is_some() && acc.len() <= MAX_SET * 4).then_some(acc)
        })
        .map(dedup)
        .filter(|set| set.len() <= MAX_SET);
    // A match satisfies one branch's clauses, so (a1 ∧ a2) ∨ (b1) is (a1 ∨ b1) ∧ (a2 ∨ b1):
    // each combination of one clause per branch, united, is a clause.
    let mut options: Vec<Vec<Vec<Vec<u8>>>> = Vec::new();
    for info in infos {
        let mut own = info.clauses;
        if let Some(set) = info.exact {
            own.push(set);
        }
        let mut own = finish_bytes(own);
        if own.is_empty() {
            // A branch that requires nothing makes the alternation require nothing.
            return Info {
                exact,
                clauses: Vec::new(),
            };
        }
        own.truncate(MAX_PRODUCT);
        options.push(own);
    }
    // Keep the combinations few: drop the weakest choices of the branch with the most.
    while options.iter().map(Vec::len).product::<usize>() > MAX_PRODUCT {
        let widest = (0..options.len())
            .max_by_key(|&i| options[i].len())
            .expect("an alternation has branches");
        options[widest].pop();
    }
    let mut clauses: Vec<Vec<Vec<u8>>> = vec![Vec::new()];
    for choices in &options {
        clauses = clauses
            .iter()
            .flat_map(|partial| {
                choices.iter().map(move |choice| {
                    let mut united = partial.clone();
                    united.extend(choice.iter().cloned());
                    united
                })
            })
            .collect();
    }
    Info { exact, clauses }
}

/// Every concatenation of a string from `a` with one from `b`, if the result stays small.
fn product(a: &[Vec<u8>], b: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if a.len() * b.len() > MAX_SET {
        return None;
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            if x.len() + y.len() > MAX_LEN {
                return None;
            }
            let mut s = x.clone();
            s.extend_from_slice(y);
            out.push(s);
        }
    }
    Some(dedup(out))
}

fn dedup(mut set: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    set.sort();
    set.dedup();
    set
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// Simplify clauses and order them strongest first.
fn finish_bytes(clauses: Vec<Vec<Vec<u8>>>) -> Vec<Vec<Vec<u8>>> {
    let mut out: Vec<Vec<Vec<u8>>> = Vec::new();
    for clause in clauses {
        // A clause that an empty string satisfies requires nothing.
        if clause.iter().any(Vec::is_empty) {
            continue;
        }
        // "file" in the text covers "files": keep the shorter literal only.
        let mut lits = dedup(clause);
        let all = lits.clone();
        lits.retain(|l| !all.iter().any(|m| m != l && contains(l, m)));
        out.push(lits);
    }
    // A lone letter, digit or blank is in nearly every text: such a clause rules out nothing.
    out.retain(|c| {
        !c.iter()
            .any(|l| l.len() == 1 && (l[0].is_ascii_alphanumeric() || l[0].is_ascii_whitespace()))
    });
    out.sort_by_key(|c| (std::cmp::Reverse(c.iter().map(Vec::len).min()), c.len()));
    out.dedup();
    // A clause is redundant when a stronger one implies it: each literal of the stronger
    // contains one of its literals.
    let mut kept: Vec<Vec<Vec<u8>>> = Vec::new();
    for clause in out {
        let implied = kept
            .iter()
            .any(|k| k.iter().all(|l| clause.iter().any(|m| contains(l, m))));
        if !implied {
            kept.push(clause);
        }
    }
    kept
}

fn finish(clauses: Vec<Vec<Vec<u8>>>) -> Condition {
    let mut kept = finish_bytes(clauses);
    kept.truncate(MAX_CLAUSES);
    kept.into_iter()
        .map(|c| {
            c.into_iter()
                .map(|l| String::from_utf8(l).expect("literals are ASCII"))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::required;

    fn req(src: &str) -> Vec<Vec<String>> {
        required(src).unwrap()
    }

    fn v(clauses: &[&[&str]]) -> Vec<Vec<String>> {
        clauses
            .iter()
            .map(|c| c.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn literals_in_sequence_are_all_required() {
        assert_eq!(
            req(r"\bkill\s+(every|all)\s+process"),
            v(&[&["process"], &["kill"], &["all", "every"]])
        );
    }

    #[test]
    fn adjacent_small_sets_spell_longer_literals() {
        assert_eq!(req(r"-(exec|ok)\b"), v(&[&["-exec", "-ok"]]));
        assert_eq!(req(r"don'?t"), v(&[&["don't", "dont"]]));
    }

    #[test]
    fn optional_and_repeated_parts_require_nothing_of_their_own() {
        assert_eq!(req(r"(sudo\s+)?rm"), v(&[&["rm"]]));
        assert_eq!(req(r"x{0,3}ab"), v(&[&["ab"]]));
        assert!(req(r"(foo)*").is_empty());
        assert_eq!(req(r"(ab){2}"), v(&[&["abab"]]));
    }

    #[test]
    fn alternation_unites_one_clause_per_branch() {
        // (rm ∧ -r) ∨ delete = (rm ∨ delete) ∧ (-r ∨ delete); the longer literal stays.
        let got = req(r"\brm\s+-r|delete");
        assert!(got.contains(&vec!["delete".into(), "rm".into()]), "{got:?}");
        assert!(got.contains(&vec!["-r".into(), "delete".into()]), "{got:?}");
        // A branch that needs nothing makes the whole alternation need nothing.
        assert!(req(r"abc|\w+").is_empty());
        assert!(req(r"abc|").is_empty());
    }

    #[test]
    fn case_is_folded() {
        assert_eq!(req(r"(?i)drop\s+table"), v(&[&["table"], &["drop"]]));
        assert_eq!(req(r"NOPASSWD"), v(&[&["nopasswd"]]));
    }

    #[test]
    fn weak_and_redundant_clauses_are_dropped() {
        // Lone letters and "files" (implied by "file") are not worth a search.
        assert_eq!(req(r"a\s+b"), Vec::<Vec<String>>::new());
        assert_eq!(req(r"home|~"), v(&[&["home", "~"]]));
        assert_eq!(req(r"(file|files)\b"), v(&[&["file"]]));
    }

    #[test]
    fn patterns_that_see_non_ascii_bytes_are_refused() {
        assert!(required(r"(?-u:\xff)").is_err());
        assert!(required(r"[\x00-\x90]").is_err());
        assert!(required(r"(?u:\w)").is_err());
        // Negated and ASCII classes treat every non-ASCII byte alike: fine.
        assert!(required(r"[^a-z]\W\S.").is_ok());
    }
}
