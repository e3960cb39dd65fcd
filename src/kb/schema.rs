//! The knowledge base's data model, in two forms:
//! - the *source* form written by people in `data/kb/*.toml` (`RecipeSrc`, …), and
//! - the *compiled* form the build script emits and the binary loads (`Compiled`, …).
//!
//! This file is compiled by the build script too, so it depends only on serde and std.
//! See `data/kb/README.md` for how to write recipes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::super::nlu::Lexicon;

/// One `data/kb/<family>.toml` file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipeFile {
    #[serde(default)]
    pub recipe: Vec<RecipeSrc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipeSrc {
    /// Stable id: `family.intent` (`find.by_size`, `git.undo_commit`).
    pub id: String,
    /// Ways people ask for it; `{slot}` marks where a value goes.
    pub say: Vec<String>,
    /// Typed values the command needs, in the order they are written (the order matters
    /// for binding values by position).
    #[serde(default, deserialize_with = "ordered")]
    pub slots: Vec<(String, SlotSrc)>,
    /// The command template (one string, or variants per OS/shell).
    pub run: TemplateSrc,
    /// One line saying what the command does (same template language).
    pub explain: String,
    /// Risk hint: safe, moderate, high, critical. The validator may rate it higher.
    #[serde(default)]
    pub risk: Option<String>,
    /// Only offer on these OSes (`linux`, `macos`).
    #[serde(default)]
    pub os: Vec<String>,
    /// Only offer in these shells (`bash`, `zsh`, `fish`).
    #[serde(default)]
    pub shells: Vec<String>,
    /// Programs the command needs; when several recipes fit, installed ones win.
    #[serde(default)]
    pub tools: Vec<String>,
    /// Optional modifiers switched on by cue phrases.
    #[serde(default, rename = "mod")]
    pub mods: Vec<ModSrc>,
    /// Words that make this recipe a poor fit ("remote" for a local-only command).
    #[serde(default)]
    pub avoid: Vec<String>,
    /// Whether the command destroys or removes something (files, users, data, processes).
    /// Such a recipe is offered only when the request asks for that: it says one of the
    /// lexicon's `destructive` words or one of the recipe's `triggers`. Defaults to true
    /// for risk `high` and `critical`, false otherwise.
    #[serde(default)]
    pub destroys: Option<bool>,
    /// More words that ask for this recipe's destructive action ("flash" for `dd`).
    #[serde(default)]
    pub triggers: Vec<String>,
    /// Request → exact command examples, checked by the test suite.
    #[serde(default)]
    pub tests: Vec<TestSrc>,
}

/// Deserialise a table into (key, value) pairs in document order.
fn ordered<'de, D, V>(d: D) -> Result<Vec<(String, V)>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Visitor<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<V> {
        type Value = Vec<(String, V)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a table of slots")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((k, v)) = map.next_entry::<String, V>()? {
                out.push((k, v));
            }
            Ok(out)
        }
    }
    d.deserialize_map(Visitor(std::marker::PhantomData))
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum TemplateSrc {
    One(String),
    /// Keys: `any`, an OS (`linux`, `macos`), a shell (`bash`, `zsh`, `fish`, `posix` for
    /// bash+zsh), or `os+shell` (`macos+fish`). The most specific key wins.
    Variants(BTreeMap<String, String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlotSrc {
    #[serde(rename = "type")]
    pub ty: String,
    /// Words just before (or, for kind words, after) a value that mark it as this slot.
    #[serde(default)]
    pub cues: Vec<String>,
    /// Used when the request gives no value (rendered raw, not quoted).
    #[serde(default)]
    pub default: Option<String>,
    /// When true, a missing value is fine: optional groups using it disappear.
    #[serde(default)]
    pub optional: bool,
    /// Only values ending with one of these (case-insensitive) fit; an entry starting with
    /// `!` rules a suffix out: `["!.tar.gz", ".gz"]` takes `a.gz` but not `a.tar.gz`.
    #[serde(default)]
    pub suffixes: Vec<String>,
    /// Likewise for the start of the value: `["/dev/"]` takes device paths only.
    #[serde(default)]
    pub prefixes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModSrc {
    /// Cue phrases; any one switches the modifier on.
    pub when: Vec<String>,
    /// Phrases that veto it ("not recursive" vetoes a "recursive" cue).
    #[serde(default)]
    pub unless: Vec<String>,
    /// Values for template names (raw template text; may reference slots).
    #[serde(default)]
    pub set: BTreeMap<String, String>,
    #[serde(default)]
    pub explain: Option<String>,
    #[serde(default)]
    pub risk: Option<String>,
    /// Names of which at least one must have a value for this modifier to make sense;
    /// otherwise the recipe does not fit ("delete them" needs something that says which).
    #[serde(default)]
    pub needs: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestSrc {
    pub ask: String,
    pub cmd: String,
    #[serde(default)]
    pub os: Option<String>,
    #[serde(default)]
    pub shell: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Compiled form
// ---------------------------------------------------------------------------------------

/// What the build script writes: the index as `$OUT_DIR/kb.json`, and beside it the two
/// parts most requests never need, so loading the index does not have to scan past them:
/// `kb-recipes.json` (every recipe document back to back) and `kb-texts.json`.
#[derive(Debug, Serialize)]
pub struct CompiledOut {
    /// Problems that do not stop the build (the build script prints them).
    #[serde(skip)]
    pub warnings: Vec<String>,
    /// Hash of every data file: identifies this knowledge base.
    pub fingerprint: String,
    pub lexicon: Lexicon<'static>,
    /// Every matching term (words and value symbols), sorted; ids index into it.
    pub terms: Vec<String>,
    /// Inverse document frequency per term id (documents = recipes).
    pub idf: Vec<f32>,
    /// Every phrasing, flattened; `Recipe::phrasings` indexes into it.
    #[serde(serialize_with = "phrasing_codec::encode")]
    pub phrasings: Vec<Phrasing>,
    /// Phrasing texts with example values (what an encoder embeds), same order: a JSON
    /// array of strings (`kb-texts.json`).
    #[serde(skip)]
    pub texts_json: String,
    /// Per recipe: where it may be offered (checked for every recipe on every request).
    pub meta: Vec<RecipeMeta>,
    /// Every recipe's JSON document, back to back (`kb-recipes.json`); recipe `i` is
    /// `recipes_blob[recipe_ends[i - 1]..recipe_ends[i]]`, parsed only when shortlisted.
    #[serde(skip)]
    pub recipes_blob: String,
    pub recipe_ends: Vec<u32>,
}

/// What the binary loads: it borrows from the embedded document, so start-up allocates
/// almost nothing and recipes are parsed on demand.
#[derive(Debug, Deserialize)]
pub struct Compiled<'a> {
    #[serde(borrow)]
    pub fingerprint: &'a str,
    #[serde(borrow)]
    pub lexicon: Lexicon<'a>,
    #[serde(borrow)]
    pub terms: Vec<&'a str>,
    pub idf: Vec<f32>,
    #[serde(deserialize_with = "phrasing_codec::decode")]
    pub phrasings: Vec<Phrasing>,
    pub meta: Vec<RecipeMeta>,
    pub recipe_ends: Vec<u32>,
}

impl Compiled<'_> {
    /// The id of a term, if the knowledge base knows it.
    pub fn term_id(&self, term: &str) -> Option<u32> {
        self.terms.binary_search(&term).ok().map(|i| i as u32)
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Phrasing {
    pub recipe: u32,
    /// Distinct term ids.
    pub terms: Vec<u32>,
    /// Euclidean norm of the idf-weighted term vector.
    pub norm: f32,
}

/// Phrasings travel as one string, `recipe norm term term …;` per phrasing in hex (the norm
/// as its f32 bits, so it survives exactly): thousands of small JSON objects cost every
/// process most of its start-up in serde's generic parsing, this costs a split and a few
/// integer parses per phrasing.
mod phrasing_codec {
    use super::Phrasing;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::fmt::Write;

    pub fn encode<S: Serializer>(phrasings: &[Phrasing], s: S) -> Result<S::Ok, S::Error> {
        let mut out = String::new();
        for p in phrasings {
            let _ = write!(out, "{:x} {:x}", p.recipe, p.norm.to_bits());
            for t in &p.terms {
                let _ = write!(out, " {t:x}");
            }
            out.push(';');
        }
        s.serialize_str(&out)
    }

    pub fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Phrasing>, D::Error> {
        let text = <&str>::deserialize(d)?;
        // One pass over the bytes: this runs in every process, so no splitting into
        // substrings and no per-number parse calls.
        let mut out = Vec::with_capacity(text.len() / 16);
        let mut numbers: Vec<u32> = Vec::with_capacity(16);
        let mut value: u32 = 0;
        let mut digits = 0;
        for &b in text.as_bytes() {
            match b {
                b'0'..=b'9' | b'a'..=b'f' => {
                    let v = if b <= b'9' { b - b'0' } else { b - b'a' + 10 };
                    value = (value << 4) | u32::from(v);
                    digits += 1;
                }
                b' ' | b';' if digits > 0 && digits <= 8 => {
                    numbers.push(value);
                    (value, digits) = (0, 0);
                    if b == b';' {
                        if numbers.len() < 2 {
                            return Err(serde::de::Error::custom("bad phrasing: no norm"));
                        }
                        out.push(Phrasing {
                            recipe: numbers[0],
                            norm: f32::from_bits(numbers[1]),
                            terms: numbers[2..].to_vec(),
                        });
                        numbers.clear();
                    }
                }
                _ => {
                    return Err(serde::de::Error::custom(format!(
                        "bad phrasing byte {:?}",
                        b as char
                    )))
                }
            }
        }
        if digits > 0 || !numbers.is_empty() {
            return Err(serde::de::Error::custom("bad phrasing: unterminated"));
        }
        Ok(out)
    }
}

/// Where a recipe may be offered: bit sets (0 = anywhere).
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct RecipeMeta {
    /// Bit 0 linux, bit 1 macos.
    pub os: u8,
    /// Bit 0 bash, bit 1 zsh, bit 2 fish.
    pub shells: u8,
}

impl RecipeMeta {
    pub fn os_bit(os: &str) -> u8 {
        match os {
            "linux" => 1,
            "macos" => 2,
            _ => 0,
        }
    }

    pub fn shell_bit(shell: &str) -> u8 {
        match shell {
            "bash" => 1,
            "zsh" => 2,
            "fish" => 4,
            _ => 0,
        }
    }

    pub fn allows(&self, os: &str, shell: &str) -> bool {
        (self.os == 0 || self.os & Self::os_bit(os) != 0)
            && (self.shells == 0 || self.shells & Self::shell_bit(shell) != 0)
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Recipe {
    pub id: String,
    pub slots: Vec<Slot>,
    /// Variant key → template.
    pub run: BTreeMap<String, String>,
    pub explain: String,
    pub risk: Option<String>,
    pub os: Vec<String>,
    pub shells: Vec<String>,
    pub tools: Vec<String>,
    pub mods: Vec<Mod>,
    /// Canonical forms of `avoid` words.
    pub avoid: Vec<String>,
    /// For a recipe that destroys: canonical words of which the request must say one (the
    /// lexicon's destructive words and the recipe's triggers). Empty: no such condition.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<String>,
    /// Canonical words used anywhere in the recipe's phrasings (to tell which request words
    /// the recipe explains and which are left over as values).
    pub vocab: Vec<String>,
    pub phrasings: Vec<u32>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Slot {
    pub name: String,
    pub ty: String,
    pub cues: Vec<String>,
    pub default: Option<String>,
    pub optional: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suffixes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefixes: Vec<String>,
}

impl Slot {
    /// Optional slots with cues are extras the user must ask for explicitly: they only take
    /// values their cues mark, never values by position.
    /// Whether `value` passes the slot's suffix and prefix filters (always, without them).
    pub fn accepts(&self, value: &str) -> bool {
        let v = value.to_ascii_lowercase();
        let v = v.trim_matches(['\'', '"']);
        passes(&self.suffixes, |s| v.trim_end_matches('/').ends_with(s))
            && passes(&self.prefixes, |p| v.starts_with(p))
    }

    pub fn cue_only(&self) -> bool {
        self.optional && !self.cues.is_empty()
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Mod {
    /// Each cue as a canonical sequence (symbols for values).
    pub when: Vec<Vec<String>>,
    pub unless: Vec<Vec<String>>,
    pub set: BTreeMap<String, String>,
    pub explain: Option<String>,
    pub risk: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
}

/// Phrasing symbols that stand for any of several request symbols, in full: a `files` slot
/// takes a path (`notes.txt`) as readily as a pattern (`*.tmp`).
pub const SYMBOL_ALIASES: &[(&str, &[&str])] = &[
    ("#files", &["#glob", "#path"]),
    (
        "#value",
        &[
            "#str", "#url", "#path", "#name", "#num", "#host", "#version", "#glob", "#port",
            "#commit", "#var", "#size", "#time", "#date",
        ],
    ),
];

/// Slot types and the example value used when a phrasing is shown to an encoder.
pub const SLOT_TYPES: &[(&str, &str, &str)] = &[
    // (type, matching symbol, example value)
    ("path", "#path", "~/projects"),
    ("dir", "#path", "~/projects"),
    ("file", "#path", "notes.txt"),
    // Files to act on match a path or a glob in the request equally (see `matcher`).
    ("files", "#files", "*.log"),
    ("glob", "#glob", "*.log"),
    ("ext", "#glob", "*.log"),
    ("name", "#name", "myapp"),
    ("ident", "#name", "build"),
    ("text", "#str", "'hello world'"),
    ("pattern", "#str", "TODO"),
    ("cmd", "#path", "./script.sh"),
    // A whole command typed inside the request: "alias gs for git status".
    ("cmdline", "#path", "./build.sh"),
    ("size", "#size", "100MB"),
    ("age", "#time", "7 days"),
    ("duration", "#time", "5 minutes"),
    ("date", "#date", "2024-06-01"),
    ("clock", "#date", "2:30am"),
    ("number", "#num", "5"),
    ("range", "#range", "10-20"),
    ("port", "#port", "8080"),
    ("portmap", "#port", "8080:80"),
    ("pid", "#num", "4242"),
    ("url", "#url", "https://example.com/file.zip"),
    ("host", "#host", "server.example.com"),
    ("userhost", "#host", "deploy@server.example.com"),
    ("user", "#name", "alice"),
    ("group", "#name", "staff"),
    ("mode", "#mode", "644"),
    ("signal", "#signal", "SIGTERM"),
    ("commit", "#commit", "a1b2c3d"),
    ("branch", "#name", "feature/login"),
    ("version", "#version", "v1.2.0"),
    ("var", "#var", "API_URL"),
    ("assign", "#assign", "DEBUG=1"),
    ("flag", "#flag", "-v"),
    ("tz", "#tz", "Europe/Berlin"),
    ("words", "#str", "hello world"),
    ("value", "#value", "http://localhost:8000"),
];

pub fn slot_type(ty: &str) -> Option<(&'static str, &'static str)> {
    SLOT_TYPES
        .iter()
        .find(|(t, _, _)| *t == ty)
        .map(|(_, sym, ex)| (*sym, *ex))
}

/// A filter list: some plain entry must hold (when there are any) and no `!` entry may.
fn passes(filters: &[String], holds: impl Fn(&str) -> bool) -> bool {
    let mut wanted = filters.iter().filter(|f| !f.starts_with('!')).peekable();
    let any_wanted = wanted.peek().is_none() || wanted.any(|f| holds(&f.to_ascii_lowercase()));
    any_wanted
        && !filters
            .iter()
            .filter_map(|f| f.strip_prefix('!'))
            .any(|f| holds(&f.to_ascii_lowercase()))
}
