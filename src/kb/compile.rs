//! Compiling `data/kb/*.toml` into the form the binary loads. Runs in the build script,
//! so a malformed recipe is a build error with the file and recipe named, never a runtime
//! surprise. Also compiled into the crate for tests.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::super::nlu::{self, Lexicon, LexiconSource};
use super::schema::*;

/// Names a template may use without declaring them as slots.
const BUILTIN_NAMES: &[&str] = &[];

pub struct Input<'a> {
    pub lexicon_toml: &'a str,
    /// (file name, contents) of every recipe file.
    pub recipe_files: Vec<(String, String)>,
}

pub fn compile(input: &Input<'_>) -> Result<CompiledOut, String> {
    let lex_src: LexiconSource =
        toml::from_str(input.lexicon_toml).map_err(|e| format!("lexicon.toml: {e}"))?;
    let destructive = lex_src.destructive.clone();
    let decisive = lex_src.decisive.clone();
    let mut lexicon = Lexicon::compile(lex_src);
    let decisive: Vec<String> = decisive
        .iter()
        .map(|w| lexicon.canonical(&w.to_lowercase()))
        .collect();
    lexicon.set_decisive(decisive);

    let mut sources: Vec<(String, RecipeSrc)> = Vec::new();
    for (name, text) in &input.recipe_files {
        let file: RecipeFile = toml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
        for r in file.recipe {
            sources.push((name.clone(), r));
        }
    }

    // Pass 1: the vocabulary. Every word of every phrasing is "known", so phrasing analysis
    // never mistakes a word for a name, and typo correction has targets.
    let mut vocab: BTreeSet<String> = BTreeSet::new();
    for (_, r) in &sources {
        for say in &r.say {
            for w in plain_words(say) {
                for part in expand(&w, &lexicon) {
                    if !lexicon.is_stop(&part) {
                        vocab.insert(lexicon.canonical(&part));
                    }
                }
            }
        }
        for m in &r.mods {
            for cue in m.when.iter().chain(&m.unless) {
                for w in plain_words(cue) {
                    for part in expand(&w, &lexicon) {
                        if !lexicon.is_stop(&part) {
                            vocab.insert(lexicon.canonical(&part));
                        }
                    }
                }
            }
        }
    }
    lexicon.set_vocab(vocab);
    lexicon.set_commands(
        sources
            .iter()
            .flat_map(|(_, r)| r.tools.iter().map(|t| t.to_lowercase())),
    );

    // Cue problems that only cost matching quality: reported, not fatal.
    let warnings = std::cell::RefCell::new(Vec::new());

    // Pass 2: recipes.
    let mut recipes = Vec::new();
    let mut phrasings = Vec::new();
    let mut ids = HashSet::new();
    // Reported all at once: fixing one at a time would take a build per phrasing.
    let mut undestructive: Vec<String> = Vec::new();
    for (file, src) in sources {
        let at = |msg: String| format!("{file}: recipe '{}': {msg}", src.id);
        if !ids.insert(src.id.clone()) {
            return Err(at("duplicate id".into()));
        }
        if src.say.is_empty() {
            return Err(at("needs at least one phrasing in `say`".into()));
        }
        let mut slots = Vec::new();
        for (name, s) in &src.slots {
            if super::schema::slot_type(&s.ty).is_none() {
                let known: Vec<&str> = SLOT_TYPES.iter().map(|t| t.0).collect();
                return Err(at(format!(
                    "slot '{name}' has unknown type '{}' (known: {})",
                    s.ty,
                    known.join(", ")
                )));
            }
            slots.push(Slot {
                name: name.clone(),
                ty: s.ty.clone(),
                cues: s.cues.iter().map(|c| c.to_lowercase()).collect(),
                default: s.default.clone(),
                optional: s.optional,
                suffixes: s.suffixes.clone(),
                prefixes: s.prefixes.clone(),
            });
        }
        let run: BTreeMap<String, String> = match &src.run {
            TemplateSrc::One(t) => BTreeMap::from([("any".to_string(), t.clone())]),
            TemplateSrc::Variants(v) => v.clone(),
        };
        for key in run.keys() {
            for part in key.split('+') {
                if !matches!(
                    part,
                    "any" | "linux" | "macos" | "bash" | "zsh" | "fish" | "posix"
                ) {
                    return Err(at(format!("unknown template variant '{key}'")));
                }
            }
        }
        let mut names: BTreeSet<String> = slots.iter().map(|s| s.name.clone()).collect();
        for m in &src.mods {
            names.extend(m.set.keys().cloned());
        }
        names.extend(BUILTIN_NAMES.iter().map(|s| s.to_string()));
        for (key, t) in &run {
            check_template(t, &names).map_err(|e| at(format!("template '{key}': {e}")))?;
        }
        check_template(&src.explain, &names).map_err(|e| at(format!("explain: {e}")))?;
        for m in &src.mods {
            for v in m.set.values() {
                check_template(v, &names).map_err(|e| at(format!("mod value: {e}")))?;
            }
            if let Some(n) = m.needs.iter().find(|n| !names.contains(*n)) {
                return Err(at(format!(
                    "mod needs '{n}', which is not a slot or mod value"
                )));
            }
            if m.when.is_empty() {
                return Err(at("a mod needs at least one `when` cue".into()));
            }
        }
        for level in src
            .risk
            .iter()
            .chain(src.mods.iter().filter_map(|m| m.risk.as_ref()))
        {
            if !matches!(level.as_str(), "safe" | "moderate" | "high" | "critical") {
                return Err(at(format!("unknown risk '{level}'")));
            }
        }
        for o in &src.os {
            if !matches!(o.as_str(), "linux" | "macos") {
                return Err(at(format!("unknown os '{o}'")));
            }
        }
        for s in &src.shells {
            if !matches!(s.as_str(), "bash" | "zsh" | "fish") {
                return Err(at(format!("unknown shell '{s}'")));
            }
        }

        let destroys = src.destroys.unwrap_or(matches!(
            src.risk.as_deref(),
            Some("high") | Some("critical")
        ));
        if !destroys && !src.triggers.is_empty() {
            return Err(at(
                "`triggers` only apply to a recipe that destroys: add `destroys = true`".into(),
            ));
        }
        let requires: Vec<String> = if destroys {
            let mut words: BTreeSet<String> = BTreeSet::new();
            for w in destructive.iter().chain(&src.triggers) {
                if w.split_whitespace().count() != 1 {
                    return Err(at(format!("trigger '{w}' must be one word")));
                }
                for part in expand(&w.to_lowercase(), &lexicon) {
                    words.insert(lexicon.canonical(&part));
                }
            }
            words.into_iter().collect()
        } else {
            Vec::new()
        };

        let index = recipes.len() as u32;
        let mut recipe_vocab = BTreeSet::new();
        let mut phrasing_ids = Vec::new();
        for say in &src.say {
            let (symbolic, example) = fill_slots(say, &src.slots).map_err(at)?;
            let a = nlu::analyze(&symbolic, &lexicon, true);
            if destroys && !a.says_any(&requires, &lexicon) {
                undestructive.push(at(format!(
                    "phrasing '{say}' asks for nothing destructive, yet the recipe destroys: \
                     say what it destroys with a destructive word, or add the word this \
                     phrasing uses to `triggers`"
                )));
            }
            for w in &a.words {
                recipe_vocab.insert(w.canon.clone());
            }
            phrasing_ids.push(phrasings.len() as u32);
            phrasings.push(Draft {
                recipe: index,
                text: example,
                terms: a.terms,
            });
        }
        let cue_seq = |cue: &str| -> Result<Vec<String>, String> {
            let symbolic = replace_placeholders(cue, &src.slots);
            let a = nlu::analyze(&symbolic, &lexicon, true);
            // A cue word that reads as a value ("passwd" is a file, ".bak" a dotfile) would
            // match any value of that kind; cues name values only as `#path`, `#glob`, ….
            // Flags are the exception: a cue "-i" matches the flag the user typed; so are
            // product names, which are a word and a value on both sides alike.
            if let Some(m) = a.mentions.iter().find(|m| {
                !m.text.starts_with('#')
                    && m.kind != nlu::Kind::Flag
                    && !lexicon.is_product(&m.text.to_lowercase())
            }) {
                warnings.borrow_mut().push(format!(
                    "{file}: recipe '{}': cue '{cue}': '{}' reads as a value ({}), so it \
                     matches any such value; reword the cue, or write {} to mean any value",
                    src.id,
                    m.text,
                    m.kind.symbol(),
                    m.kind.symbol()
                ));
            }
            Ok(a.sequence().into_iter().map(str::to_string).collect())
        };
        let mut mods = Vec::new();
        for m in &src.mods {
            mods.push(Mod {
                when: m
                    .when
                    .iter()
                    .map(|c| cue_seq(c))
                    .collect::<Result<_, _>>()
                    .map_err(at)?,
                unless: m
                    .unless
                    .iter()
                    .map(|c| cue_seq(c))
                    .collect::<Result<_, _>>()
                    .map_err(at)?,
                set: m.set.clone(),
                explain: m.explain.clone(),
                risk: m.risk.clone(),
                needs: m.needs.clone(),
            });
        }
        for (k, m) in mods.iter().enumerate() {
            if m.when.iter().any(|w| w.is_empty()) {
                return Err(at(format!("mod {k} has a cue that is only stopwords")));
            }
        }
        recipes.push(Recipe {
            id: src.id.clone(),
            slots,
            run,
            explain: src.explain.clone(),
            risk: src.risk.clone(),
            os: src.os.clone(),
            shells: src.shells.clone(),
            tools: src.tools.clone(),
            mods,
            avoid: src
                .avoid
                .iter()
                .map(|w| lexicon.canonical(&w.to_lowercase()))
                .collect(),
            requires,
            vocab: recipe_vocab.into_iter().collect(),
            phrasings: phrasing_ids,
        });
    }

    if !undestructive.is_empty() {
        return Err(undestructive.join("\n"));
    }

    // Document frequency per recipe, then idf and phrasing norms.
    let mut df: BTreeMap<String, u32> = BTreeMap::new();
    for r in &recipes {
        let terms: BTreeSet<&String> = r
            .phrasings
            .iter()
            .flat_map(|&p| phrasings[p as usize].terms.iter())
            .collect();
        for t in terms {
            *df.entry(t.clone()).or_default() += 1;
        }
    }
    let n = recipes.len().max(1) as f32;
    // BTreeMap order = sorted terms = term ids.
    let terms: Vec<String> = df.keys().cloned().collect();
    for t in &terms {
        if t.contains(['"', '\\']) || t.chars().any(char::is_control) {
            return Err(format!(
                "term {t:?} cannot be embedded (quotes, backslashes or control characters)"
            ));
        }
    }
    let mut idf: Vec<f32> = df.values().map(|&d| (1.0 + n / d as f32).ln()).collect();
    // A symbol that stands for several kinds weighs as little as the commonest of them when
    // nothing matches it; a match re-weighs it as the kind it matched (`matcher`).
    let position = |t: &str| terms.binary_search_by(|x| x.as_str().cmp(t)).ok();
    for (alias, kinds) in SYMBOL_ALIASES {
        if let Some(a) = position(alias) {
            let w = kinds
                .iter()
                .filter_map(|k| position(k).map(|i| idf[i]))
                .fold(f32::INFINITY, f32::min);
            if w.is_finite() {
                idf[a] = w;
            }
        }
    }
    let id_of = |t: &str| {
        terms
            .binary_search_by(|x| x.as_str().cmp(t))
            .expect("term indexed") as u32
    };
    let texts: Vec<&str> = phrasings.iter().map(|p| p.text.as_str()).collect();
    let texts_json = serde_json::to_string(&texts).map_err(|e| e.to_string())?;
    let compiled_phrasings: Vec<Phrasing> = phrasings
        .iter()
        .map(|p| {
            let ids: BTreeSet<u32> = p.terms.iter().map(|t| id_of(t)).collect();
            let norm = ids
                .iter()
                .map(|&i| idf[i as usize].powi(2))
                .sum::<f32>()
                .sqrt();
            Phrasing {
                recipe: p.recipe,
                terms: ids.into_iter().collect(),
                norm,
            }
        })
        .collect();
    let meta = recipes
        .iter()
        .map(|r| RecipeMeta {
            os: r.os.iter().fold(0, |m, o| m | RecipeMeta::os_bit(o)),
            shells: r.shells.iter().fold(0, |m, s| m | RecipeMeta::shell_bit(s)),
        })
        .collect();
    let mut recipes_blob = String::new();
    let mut recipe_ends = Vec::with_capacity(recipes.len());
    for r in &recipes {
        let json = serde_json::to_string(r).map_err(|e| format!("recipe '{}': {e}", r.id))?;
        recipes_blob.push_str(&json);
        recipe_ends.push(u32::try_from(recipes_blob.len()).map_err(|e| e.to_string())?);
    }
    for w in lexicon.vocab.iter().chain(&lexicon.stop) {
        if w.contains(['"', '\\']) || w.chars().any(char::is_control) {
            return Err(format!("lexicon word {w:?} cannot be embedded"));
        }
    }

    Ok(CompiledOut {
        warnings: warnings.into_inner(),
        fingerprint: fingerprint(input),
        lexicon,
        terms,
        idf,
        phrasings: compiled_phrasings,
        texts_json,
        meta,
        recipes_blob,
        recipe_ends,
    })
}

/// A phrasing before term ids exist.
struct Draft {
    recipe: u32,
    text: String,
    terms: Vec<String>,
}

fn fingerprint(input: &Input<'_>) -> String {
    // FNV-1a over every input byte: stable across builds and platforms.
    let mut h: u64 = 0xcbf29ce484222325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= *b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
    };
    feed(input.lexicon_toml.as_bytes());
    for (name, text) in &input.recipe_files {
        feed(name.as_bytes());
        feed(text.as_bytes());
    }
    format!("{h:016x}")
}

/// Lower-case words of a phrasing, placeholders removed.
fn plain_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| !w.starts_with('{'))
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

fn expand(word: &str, lexicon: &Lexicon) -> Vec<String> {
    match lexicon.abbrev.get(word) {
        Some(e) => e.split_whitespace().map(str::to_string).collect(),
        None => vec![word.to_string()],
    }
}

/// `{slot}` → its type's symbol (for matching) and its example value (for encoders).
fn fill_slots(say: &str, slots: &[(String, SlotSrc)]) -> Result<(String, String), String> {
    let mut symbolic = String::new();
    let mut example = String::new();
    let mut rest = say;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| format!("unclosed '{{' in phrasing '{say}'"))?
            + open;
        let name = &rest[open + 1..close];
        let slot = slots
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s)
            .ok_or_else(|| format!("phrasing '{say}' uses undeclared slot '{name}'"))?;
        let (symbol, ex) = slot_type(&slot.ty).expect("types checked before");
        symbolic.push_str(&rest[..open]);
        example.push_str(&rest[..open]);
        symbolic.push_str(symbol);
        example.push_str(ex);
        rest = &rest[close + 1..];
    }
    symbolic.push_str(rest);
    example.push_str(rest);
    Ok((symbolic, example))
}

fn replace_placeholders(cue: &str, slots: &[(String, SlotSrc)]) -> String {
    fill_slots(cue, slots)
        .map(|(s, _)| s)
        .unwrap_or_else(|_| cue.to_string())
}

/// Check a template's `{name}` references and `{[ … ]}` groups.
pub fn check_template(t: &str, names: &BTreeSet<String>) -> Result<(), String> {
    // The same reading as the renderer: `]}` closes a group only inside one, so shell text
    // such as `"${arr[@]}"` may stand outside groups.
    let mut depth = 0usize;
    let mut rest = t;
    while !rest.is_empty() {
        if rest.starts_with("{[") {
            depth += 1;
            rest = &rest[2..];
        } else if depth > 0 && rest.starts_with("]}") {
            depth -= 1;
            rest = &rest[2..];
        } else {
            rest = &rest[rest.chars().next().map_or(1, char::len_utf8)..];
        }
    }
    if depth != 0 {
        return Err(format!("unbalanced optional groups in '{t}'"));
    }
    for r in super::template::references(t) {
        if !names.contains(&r) {
            return Err(format!(
                "'{{{r}}}' is not a declared slot or mod value (in '{t}')"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile_one(recipe: &str) -> Result<CompiledOut, String> {
        compile(&Input {
            lexicon_toml: include_str!("../../data/kb/lexicon.toml"),
            recipe_files: vec![("t.toml".into(), recipe.into())],
        })
    }

    #[test]
    fn a_cue_that_reads_as_a_value_is_reported() {
        let recipe = |cue: &str| {
            format!(
                "[[recipe]]\nid = \"t.x\"\nsay = [\"show {{file}}\"]\nslots.file = {{ type = \"file\" }}\n\
                 run = \"cat {{file}}{{[ {{f}}]}}\"\nexplain = \"x\"\n[[recipe.mod]]\nwhen = [\"{cue}\"]\nset.f = \"-n\"\n"
            )
        };
        let warned = |cue: &str| compile_one(&recipe(cue)).unwrap().warnings;
        let w = warned("keep a .bak");
        assert!(
            w.len() == 1 && w[0].contains("cue 'keep a .bak'") && w[0].contains("#path"),
            "{w:?}"
        );
        assert!(warned("at once")[0].contains("#num"));
        // Symbols are how a cue names any value on purpose; flags stand for themselves.
        assert!(warned("copy #path").is_empty());
        assert!(warned("line numbers").is_empty());
        assert!(warned("-i").is_empty());
    }

    #[test]
    fn group_balance_reads_like_the_renderer() {
        let names: BTreeSet<String> = ["var", "x"].iter().map(|s| s.to_string()).collect();
        assert!(check_template("printf '%s\\n' \"${{var}[@]}\"", &names).is_ok());
        assert!(check_template("a{[ {x}]} b", &names).is_ok());
        assert!(check_template("a{[ {x} b", &names).is_err());
        assert!(check_template("a{[ {y}]}", &names).is_err());
    }
}
