//! Ranking recipes for a request, binding its values to slots, and rendering commands.
//!
//! 1. Lexical score: idf-weighted cosine between the request's terms and each phrasing's
//!    terms (values appear as symbols such as `#path`), best phrasing per recipe; blended with
//!    the encoder's similarity when one is available.
//! 2. For the best few recipes: bind mentions (and left-over words) to slots by type and cue,
//!    switch on modifiers whose cue phrases occur, render the template for the target
//!    shell and OS.
//! 3. Final score: the blend, adjusted for how much of the request the recipe used (values
//!    bound, words explained) and for missing values; mapped to a 0..1 confidence.

use std::collections::{HashMap, HashSet};

use super::schema::{Mod, Phrasing, Recipe, SYMBOL_ALIASES};
use super::slots::{self, Fit, Target};
use super::template;
use super::Kb;
use crate::context::{Context, Os, Shell};
use crate::nlu::{Analysis, Lexicon, Mention};

/// A rendered suggestion from one recipe.
#[derive(Clone, Debug)]
pub struct Proposal {
    pub recipe: String,
    pub command: String,
    pub explanation: String,
    pub confidence: f32,
    /// Values copied from the request into the command.
    pub values: Vec<String>,
    /// The recipe's own risk hint (max over active modifiers).
    pub risk_hint: Option<String>,
    /// Score details for `--explain`/debugging and calibration.
    pub score: ScoreParts,
    /// The request's terms with the words this recipe took as values replaced by their
    /// slots' symbols, when it took any.
    value_terms: Option<Vec<String>>,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct ScoreParts {
    pub lexical: f32,
    pub semantic: Option<f32>,
    pub coverage: f32,
    pub unexplained: f32,
    /// How well bound values fit their slots' types (1 = all primary kinds).
    pub fit: f32,
    pub final_score: f32,
}

/// How many recipes are bound and rendered per request (the rest are too far behind).
const SHORTLIST: usize = 16;

/// Blend lexical and semantic similarity into one ranking score. The encoder's cosines for
/// related-but-wrong sentences sit around 0.3–0.5, so they are stretched from [0.25, 0.85]
/// onto [0, 1] before blending.
pub fn blend(lexical: f32, semantic: Option<f32>) -> f32 {
    match semantic {
        None => lexical,
        Some(s) => {
            let s = ((s - 0.25) / 0.6).clamp(0.0, 1.0);
            0.5 * lexical + 0.5 * s
        }
    }
}

fn allowed(kb: &Kb, i: usize, ctx: &Context) -> bool {
    kb.index.meta[i].allows(ctx.os.as_str(), ctx.shell.as_str())
}

/// A request's term ids with their idf weights, and the norm of that vector.
struct TermWeights {
    weights: HashMap<u32, f32>,
    norm: f32,
}

fn term_weights(kb: &Kb, terms: &[String]) -> TermWeights {
    let ix = &kb.index;
    let mut weights: HashMap<u32, f32> = HashMap::new();
    for t in terms {
        if let Some(id) = ix.term_id(t) {
            weights.insert(id, ix.idf[id as usize]);
        }
    }
    let norm = weights.values().map(|w| w * w).sum::<f32>().sqrt();
    TermWeights { weights, norm }
}

/// Value symbols as term ids: pairs of related kinds, and symbols that stand for several
/// kinds (`#files`).
struct SymbolIds {
    related: Vec<(u32, u32)>,
    aliases: Vec<(u32, Vec<u32>)>,
}

impl SymbolIds {
    fn of(kb: &Kb) -> SymbolIds {
        let id = |t: &str| kb.index.term_id(t);
        SymbolIds {
            related: RELATED_SYMBOLS
                .iter()
                .filter_map(|&(a, b)| Some((id(a)?, id(b)?)))
                .collect(),
            aliases: SYMBOL_ALIASES
                .iter()
                .filter_map(|(alias, kinds)| {
                    Some((id(alias)?, kinds.iter().filter_map(|k| id(k)).collect()))
                })
                .collect(),
        }
    }
}

/// Lexical score of every allowed recipe (0 for the others).
pub fn lexical_scores(kb: &Kb, a: &Analysis, ctx: &Context) -> Vec<f32> {
    let tw = term_weights(kb, &a.terms);
    let syms = SymbolIds::of(kb);
    let mut best = vec![0.0f32; kb.len()];
    if tw.norm == 0.0 {
        return best;
    }
    for p in &kb.index.phrasings {
        let cos = phrasing_cos(&kb.index.idf, &syms, p, &tw);
        let slot = &mut best[p.recipe as usize];
        if cos > *slot {
            *slot = cos;
        }
    }
    for (i, b) in best.iter_mut().enumerate() {
        if !allowed(kb, i, ctx) {
            *b = 0.0;
        }
    }
    best
}

/// The lexical score of one recipe for a given list of request terms.
fn recipe_lexical(kb: &Kb, recipe: usize, terms: &[String]) -> f32 {
    let tw = term_weights(kb, terms);
    if tw.norm == 0.0 {
        return 0.0;
    }
    let syms = SymbolIds::of(kb);
    kb.recipe(recipe)
        .phrasings
        .iter()
        .map(|&p| phrasing_cos(&kb.index.idf, &syms, &kb.index.phrasings[p as usize], &tw))
        .fold(0.0, f32::max)
}

/// Idf-weighted cosine between the request and one phrasing (whose term ids are distinct).
fn phrasing_cos(idf: &[f32], syms: &SymbolIds, p: &Phrasing, tw: &TermWeights) -> f32 {
    if p.norm == 0.0 || tw.norm == 0.0 {
        return 0.0;
    }
    let mut dot = 0.0;
    let mut unmatched: Vec<u32> = Vec::new();
    for &t in &p.terms {
        match tw.weights.get(&t) {
            Some(w) => dot += w * w,
            None => unmatched.push(t),
        }
    }
    // A value of a related kind ("x.txt" where the phrasing has a glob) counts for
    // half, once per request value, and only if no phrasing term matched it exactly.
    // A symbol standing for several kinds (`#files`) counts in full for any of them.
    let mut credited: HashSet<u32> = HashSet::new();
    let mut norm2 = p.norm * p.norm;
    for t in unmatched {
        if let Some((_, kinds)) = syms.aliases.iter().find(|(alias, _)| *alias == t) {
            let best = kinds
                .iter()
                .filter(|k| !p.terms.contains(k) && !credited.contains(*k))
                .filter_map(|k| tw.weights.get(k).map(|w| (*k, *w)))
                .max_by(|x, y| x.1.total_cmp(&y.1));
            if let Some((k, w)) = best {
                // As if the phrasing had said that kind: it weighs what it matched.
                credited.insert(k);
                dot += w * w;
                let own = idf.get(t as usize).copied().unwrap_or(0.0);
                norm2 += w * w - own * own;
            }
            continue;
        }
        let partner = syms.related.iter().find_map(|&(a, b)| {
            let other = if a == t {
                b
            } else if b == t {
                a
            } else {
                return None;
            };
            tw.weights.get(&other).map(|w| (other, *w))
        });
        if let Some((other, w)) = partner {
            if !p.terms.contains(&other) && credited.insert(other) {
                dot += 0.5 * w * w;
            }
        }
    }
    dot / (tw.norm * norm2.max(f32::EPSILON).sqrt())
}

/// Symbols that stand for overlapping kinds of value.
const RELATED_SYMBOLS: &[(&str, &str)] = &[
    ("#path", "#glob"),
    ("#path", "#name"),
    ("#name", "#str"),
    ("#num", "#port"),
    ("#num", "#range"),
    ("#host", "#url"),
    ("#host", "#name"),
    ("#date", "#time"),
    ("#commit", "#name"),
    ("#version", "#name"),
    ("#var", "#name"),
    ("#str", "#path"),
];

/// Rank, bind and render: up to `limit` proposals, best first.
pub fn propose(
    kb: &Kb,
    a: &Analysis,
    ctx: &Context,
    semantic: Option<&[f32]>,
    limit: usize,
) -> Vec<Proposal> {
    let lexical = lexical_scores(kb, a, ctx);
    let semantic_by_recipe: Option<Vec<f32>> = semantic.map(|sims| {
        let mut best = vec![-1.0f32; kb.len()];
        for (i, p) in kb.index.phrasings.iter().enumerate() {
            if let Some(&s) = sims.get(i) {
                let slot = &mut best[p.recipe as usize];
                *slot = slot.max(s);
            }
        }
        best
    });
    let mut order: Vec<(usize, f32)> = (0..kb.len())
        .filter(|&i| allowed(kb, i, ctx))
        .map(|i| {
            (
                i,
                blend(lexical[i], semantic_by_recipe.as_ref().map(|s| s[i])),
            )
        })
        .filter(|(_, s)| *s > 0.05)
        .collect();
    order.sort_by(|x, y| y.1.total_cmp(&x.1));
    order.truncate(SHORTLIST);

    let target = Target {
        shell: ctx.shell,
        os: ctx.os,
    };
    let mut out: Vec<Proposal> = Vec::new();
    for (i, blended) in order {
        let r = kb.recipe(i);
        let Some(mut p) = realise(r, a, ctx, target, &kb.index.lexicon) else {
            continue;
        };
        // Words this recipe took as values (a name, a typed command) are values, not
        // vocabulary: compare again with them standing as their slot's symbol, the way
        // the phrasings have them.
        let blended = match &p.value_terms {
            Some(terms) => {
                let lex = lexical[i].max(recipe_lexical(kb, i, terms));
                blend(lex, semantic_by_recipe.as_ref().map(|s| s[i])).max(blended)
            }
            None => blended,
        };
        let coverage = p.score.coverage;
        let unexplained = p.score.unexplained;
        let mut score = blended + 0.2 * coverage - 0.25 * unexplained + 0.06 * p.score.fit;
        if !r.avoid.is_empty() && a.words.iter().any(|w| r.avoid.contains(&w.canon)) {
            score -= 0.2;
        }
        // A recipe written for this very shell or OS beats a generic one that also fits.
        if r.shells.iter().any(|x| x == ctx.shell.as_str())
            || r.os.iter().any(|x| x == ctx.os.as_str())
        {
            score += 0.04;
        }
        if !r.tools.is_empty()
            && !ctx.os_overridden
            && !r.tools.iter().all(|t| ctx.tool_installed(t))
        {
            score -= 0.03;
        }
        p.score.lexical = lexical[i];
        p.score.semantic = semantic_by_recipe.as_ref().map(|s| s[i]);
        p.score.final_score = score;
        p.confidence = calibrate(score);
        if !out.iter().any(|o| o.command == p.command) {
            out.push(p);
        }
    }
    out.sort_by(|x, y| y.score.final_score.total_cmp(&x.score.final_score));
    if crate::log::enabled(crate::log::Level::Debug) {
        crate::log::debug(&format!("terms {:?}", a.terms));
        for m in &a.mentions {
            crate::log::debug(&format!(
                "mention {:?} {:?} before={:?} after={:?}",
                m.kind, m.text, m.before, m.after
            ));
        }
        for p in &out {
            crate::log::debug(&format!(
                "{:.3} lex {:.3} sem {:?} cov {:.2} unexpl {:.2} {} => {}",
                p.score.final_score,
                p.score.lexical,
                p.score.semantic,
                p.score.coverage,
                p.score.unexplained,
                p.recipe,
                p.command
            ));
        }
    }
    out.truncate(limit);
    out
}

/// Map a final score onto 0..1. Scores from correct matches cluster above 0.6.
fn calibrate(score: f32) -> f32 {
    (1.0 / (1.0 + (-(score - 0.45) * 9.0).exp())).clamp(0.0, 1.0)
}

/// A value bound to a template name.
#[derive(Clone, Debug)]
enum Bound {
    Mention(usize),
    Words(String),
    /// A command the user typed inside the request (`cmdline` slots): its tokens as typed,
    /// with whether each was quoted.
    Command(Vec<(String, bool)>),
    /// Raw template text (slot defaults, modifier values).
    Raw(String),
}

struct Binding {
    vals: HashMap<String, Bound>,
    used_mentions: HashSet<usize>,
    used_words: HashSet<usize>,
    /// Left-over vocabulary words taken as names without a cue ("run make install" →
    /// `npx make`): bound, but not counted as explained.
    guessed_words: HashSet<usize>,
    /// Values a typed command swallowed (`http://x` in "curl http://x").
    command_mentions: HashSet<usize>,
    missing: Vec<String>,
}

/// Whether `cue` (a canonical sequence) occurs in `seq`, in order, allowing one extra word
/// between consecutive cue words ("delete all of them" matches "delete them").
fn cue_matches(seq: &[&str], cue: &[String]) -> bool {
    if cue.is_empty() {
        return false;
    }
    'start: for s in 0..seq.len() {
        if seq[s] != cue[0] {
            continue;
        }
        let mut pos = s;
        for want in &cue[1..] {
            let next = (pos + 1..(pos + 3).min(seq.len())).find(|&j| seq[j] == want.as_str());
            match next {
                Some(j) => pos = j,
                None => continue 'start,
            }
        }
        return true;
    }
    false
}

fn active_mods<'r>(r: &'r Recipe, seq: &[&str]) -> Vec<&'r Mod> {
    r.mods
        .iter()
        .filter(|m| {
            m.when.iter().any(|c| cue_matches(seq, c))
                && !m.unless.iter().any(|c| cue_matches(seq, c))
        })
        .collect()
}

/// Bind, render and score one recipe.
fn realise(
    r: &Recipe,
    a: &Analysis,
    ctx: &Context,
    target: Target,
    lexicon: &Lexicon<'_>,
) -> Option<Proposal> {
    let seq = a.sequence();
    let mods = active_mods(r, &seq);
    let mod_words: HashSet<&str> = mods
        .iter()
        .flat_map(|m| m.when.iter().flatten())
        .map(String::as_str)
        .collect();
    let b = bind(r, a, &mod_words, lexicon);

    let mut vals = b.vals.clone();
    for m in &mods {
        for (k, v) in &m.set {
            vals.entry(k.clone())
                .or_insert_with(|| Bound::Raw(v.clone()));
        }
    }
    let template = select_template(r, target.os, target.shell)?;
    let slot_type: HashMap<&str, &str> = r
        .slots
        .iter()
        .map(|s| (s.name.as_str(), s.ty.as_str()))
        .collect();

    let command = render_with(template, &vals, &slot_type, a, target, 0).ok()?;
    let command = tidy(&command);
    if command.is_empty() {
        return None;
    }
    let mut explanation = render_display(&r.explain, &vals, &slot_type, a, target)
        .unwrap_or_else(|_| r.explain.clone());
    for m in &mods {
        if let Some(e) = &m.explain {
            if let Ok(text) = render_display(e, &vals, &slot_type, a, target) {
                explanation.push_str(", ");
                explanation.push_str(&text);
            }
        }
    }

    // Coverage: share of the request's values the recipe used.
    // "here" / "this repo" name the default place of nearly every command: leaving it
    // unused costs nothing, so it counts only when a recipe binds it.
    let meaningful: Vec<usize> = (0..a.mentions.len())
        .filter(|&i| b.used_mentions.contains(&i) || !is_implicit_here(a, &a.mentions[i]))
        .collect();
    let coverage = if meaningful.is_empty() {
        1.0
    } else {
        b.used_mentions.len() as f32 / meaningful.len() as f32
    };
    // Unexplained: content words neither in the recipe's phrasings, nor in an active
    // modifier's cue, nor used as a value.
    let content: Vec<(usize, &crate::nlu::Word)> = a
        .words
        .iter()
        .enumerate()
        .filter(|(_, w)| !w.stop)
        .collect();
    let unexplained = if content.is_empty() {
        0.0
    } else {
        let n = content
            .iter()
            .filter(|(i, w)| {
                r.vocab.binary_search(&w.canon).is_err()
                    && !mod_words.contains(w.canon.as_str())
                    && (!b.used_words.contains(i) || b.guessed_words.contains(i))
            })
            .count();
        n as f32 / content.len() as f32
    };
    let risk_hint = std::iter::once(r.risk.clone())
        .chain(mods.iter().map(|m| m.risk.clone()))
        .flatten()
        .max_by_key(|r| risk_rank(r));
    // Never build a risky command on a guess: a vocabulary word taken as a value only by
    // position ("show disk free space" must not become `rm -rf show`).
    if risk_hint.as_deref().is_some_and(|h| risk_rank(h) >= 1) && !b.guessed_words.is_empty() {
        return None;
    }
    let mut values: Vec<String> = b
        .used_mentions
        .iter()
        .map(|&i| a.mentions[i].text.clone())
        .collect();
    for v in b.vals.values() {
        match v {
            Bound::Words(w) => values.push(w.clone()),
            Bound::Command(parts) => values.extend(parts.iter().map(|(t, _)| t.clone())),
            _ => {}
        }
    }
    let _ = ctx;
    let _ = &b.missing;
    let fits: Vec<f32> = b
        .vals
        .iter()
        .filter_map(|(name, v)| match v {
            Bound::Mention(i) => {
                let ty = slot_type.get(name.as_str()).copied().unwrap_or("name");
                Some(if slots::fit(ty, a.mentions[*i].kind) == Fit::Primary {
                    1.0
                } else {
                    0.4
                })
            }
            Bound::Words(_) | Bound::Command(_) => Some(0.5),
            Bound::Raw(_) => None,
        })
        .collect();
    let fit = if fits.is_empty() {
        1.0
    } else {
        fits.iter().sum::<f32>() / fits.len() as f32
    };
    let value_symbols: Vec<String> = b
        .vals
        .iter()
        .filter(|(_, v)| matches!(v, Bound::Words(_) | Bound::Command(_)))
        .filter_map(|(name, _)| slot_type.get(name.as_str()))
        .filter_map(|ty| super::schema::slot_type(ty).map(|(sym, _)| sym.to_string()))
        .collect();
    let value_terms = (!value_symbols.is_empty()).then(|| {
        let valued = |i: &usize| b.used_words.contains(i) && !b.guessed_words.contains(i);
        a.words
            .iter()
            .enumerate()
            .filter(|(i, w)| !w.stop && !valued(i))
            .map(|(_, w)| w.canon.clone())
            .chain(
                a.mentions
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !b.command_mentions.contains(i))
                    .map(|(_, m)| m.kind.symbol().to_string()),
            )
            .chain(value_symbols)
            .collect()
    });
    Some(Proposal {
        recipe: r.id.clone(),
        command,
        explanation: capitalise(&explanation),
        confidence: 0.0,
        values,
        risk_hint,
        score: ScoreParts {
            coverage,
            unexplained,
            fit,
            ..Default::default()
        },
        value_terms,
    })
}

/// A place phrase that means the current directory ("here", "this repo"), as opposed to a
/// literally typed `.`.
fn is_implicit_here(a: &Analysis, m: &Mention) -> bool {
    m.kind == crate::nlu::Kind::Path && m.text == "." && a.tokens[m.first].text != "."
}

fn risk_rank(r: &str) -> u8 {
    match r {
        "critical" => 3,
        "high" => 2,
        "moderate" => 1,
        _ => 0,
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Collapse doubled spaces left by empty groups; trim.
fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_single = false;
    let mut in_double = false;
    let mut prev_space = false;
    for ch in s.trim().chars() {
        match ch {
            '\'' if !in_double => in_single = !in_single,
            '"' if !in_single => in_double = !in_double,
            _ => {}
        }
        if ch == ' ' && !in_single && !in_double {
            if prev_space {
                continue;
            }
            prev_space = true;
        } else {
            prev_space = false;
        }
        out.push(ch);
    }
    out
}

/// Pick the most specific template variant for the target.
pub fn select_template(r: &Recipe, os: Os, shell: Shell) -> Option<&str> {
    let sh = shell.as_str();
    let os = os.as_str();
    let posix = shell != Shell::Fish;
    let candidates = [
        format!("{os}+{sh}"),
        if posix {
            format!("{os}+posix")
        } else {
            String::new()
        },
        sh.to_string(),
        if posix {
            "posix".to_string()
        } else {
            String::new()
        },
        os.to_string(),
        "any".to_string(),
    ];
    candidates
        .iter()
        .filter(|k| !k.is_empty())
        .find_map(|k| r.run.get(k).map(String::as_str))
}

/// Bind mentions and left-over words to slots: cued values first, then by position.
fn bind(r: &Recipe, a: &Analysis, mod_words: &HashSet<&str>, lexicon: &Lexicon<'_>) -> Binding {
    let known = |canon: &str| lexicon.knows(canon);
    let mut vals: HashMap<String, Bound> = HashMap::new();
    let mut used: HashSet<usize> = HashSet::new();
    let mut missing = Vec::new();

    // Pass 1: slots with cues take mentions their cues point at.
    for s in r.slots.iter().filter(|s| !s.cues.is_empty()) {
        let pick = (0..a.mentions.len())
            .filter(|i| !used.contains(i))
            .filter(|&i| slots::fit(&s.ty, a.mentions[i].kind) != Fit::No)
            .filter(|&i| a.mentions[i].cued_by(&s.cues))
            .max_by_key(|&i| (slots::fit(&s.ty, a.mentions[i].kind), std::cmp::Reverse(i)));
        if let Some(i) = pick {
            used.insert(i);
            vals.insert(s.name.clone(), Bound::Mention(i));
        }
    }
    // A mention cued for some other slot of this recipe should not be taken by position.
    let cued_elsewhere = |i: usize, me: &str| -> bool {
        r.slots.iter().any(|s| {
            s.name != me
                && !s.cues.is_empty()
                && slots::fit(&s.ty, a.mentions[i].kind) != Fit::No
                && a.mentions[i].cued_by(&s.cues)
        })
    };
    // Pass 2: remaining slots by position: required slots first, then slots with a
    // default, then optional slots without cues. Optional slots *with* cues only take
    // values their cues mark (pass 1): they are extras the user has to ask for.
    let rank = |s: &&super::schema::Slot| match (s.default.is_some(), s.optional) {
        (false, false) => 0,
        (true, _) => 1,
        (false, true) => 2,
    };
    let mut positional: Vec<&super::schema::Slot> =
        r.slots.iter().filter(|s| !s.cue_only()).collect();
    positional.sort_by_key(|s| rank(s));
    for s in positional {
        if vals.contains_key(&s.name) {
            continue;
        }
        let mut pick = None;
        // A command starts at a script by type; anything else is found by position later.
        let wants: &[Fit] = if s.ty == "cmdline" {
            &[Fit::Primary]
        } else {
            &[Fit::Primary, Fit::Fallback]
        };
        for &want in wants {
            pick = (0..a.mentions.len())
                .filter(|i| !used.contains(i))
                .filter(|&i| slots::fit(&s.ty, a.mentions[i].kind) == want)
                // A command starts at a script by type, never at a folder or "here".
                .filter(|&i| s.ty != "cmdline" || looks_like_script(&a.mentions[i].text))
                .find(|&i| !cued_elsewhere(i, &s.name));
            if pick.is_some() {
                break;
            }
        }
        if let Some(i) = pick {
            used.insert(i);
            vals.insert(s.name.clone(), Bound::Mention(i));
        }
    }
    // Pass 3: left-over words for name-like slots, then defaults.
    let leftovers: Vec<usize> = a
        .words
        .iter()
        .enumerate()
        .filter(|(_, w)| {
            !w.stop
                && r.vocab.binary_search(&w.canon).is_err()
                && !mod_words.contains(w.canon.as_str())
        })
        .filter(|(_, w)| w.lower.chars().any(|c| c.is_alphanumeric()))
        .map(|(i, _)| i)
        .collect();
    let mut used_words: HashSet<usize> = HashSet::new();
    let mut guessed_words: HashSet<usize> = HashSet::new();
    let mut command_mentions: HashSet<usize> = HashSet::new();
    let before_binding = vals.clone();
    for s in r.slots.iter().filter(|s| s.ty == "cmdline") {
        let before = used.clone();
        let words_before = used_words.clone();
        if let Some(cmd) =
            bind_command(a, s, &vals, &mut used, &leftovers, lexicon, &mut used_words)
        {
            vals.insert(s.name.clone(), cmd);
            let taken: Vec<usize> = used_words.difference(&words_before).copied().collect();
            // A command is certain when it starts at a script or right after its cue ("run
            // X", "time X"); found only by position it is a guess ("convert 2024-06-01 …"
            // is no command to time), and its words stay unexplained.
            let script = matches!(before_binding.get(&s.name), Some(Bound::Mention(_)));
            let cued = command_start(a, &used_words, &words_before, &used, &before)
                .is_some_and(|t| word_cued_by(a, t, &s.cues, 1));
            if !cued && !script {
                guessed_words.extend(taken);
            }
        }
        command_mentions.extend(used.difference(&before).copied());
    }
    for s in &r.slots {
        if vals.contains_key(&s.name) {
            continue;
        }
        if slots::takes_words(&s.ty) && !s.cue_only() {
            let free: Vec<usize> = leftovers
                .iter()
                .copied()
                .filter(|i| !used_words.contains(i))
                .collect();
            // A word its cue marks comes first ("to mirror"), else the first free word. Cue
            // words themselves ("named" in "a remote named fork") are never the value.
            let free: Vec<usize> = free
                .into_iter()
                .filter(|&w| !s.cues.contains(&a.words[w].lower))
                .collect();
            let cued_first = free
                .iter()
                .copied()
                .find(|&w| word_cued(a, a.words[w].token, &s.cues, 2, false));
            if let Some(first) = cued_first.or_else(|| free.first().copied()) {
                let free: Vec<usize> = free.into_iter().filter(|&w| w >= first).collect();
                let mut span = vec![first];
                if slots::takes_phrase(&s.ty) {
                    // Extend over consecutive tokens (left-over or stopwords in between).
                    let mut last_tok = a.words[first].token;
                    for &j in &free[1..] {
                        if a.words[j].token <= last_tok + 2 {
                            span.push(j);
                            last_tok = a.words[j].token;
                        } else {
                            break;
                        }
                    }
                }
                let first_tok = a.words[span[0]].token;
                let last_tok = a.words[*span.last().unwrap()].token;
                let text = a.tokens[first_tok..=last_tok]
                    .iter()
                    .map(|t| t.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                if cued_first.is_none() && span.iter().all(|&j| known(&a.words[j].canon)) {
                    guessed_words.extend(span.iter().copied());
                }
                used_words.extend(span);
                vals.insert(s.name.clone(), Bound::Words(text));
                continue;
            }
        }
        // Right after "called" / "named" any plain word is the name, vocabulary or not:
        // "a venv called venv", "a function named up".
        let named = (slots::is_identifier_type(&s.ty) || slots::is_path_type(&s.ty))
            .then(|| named_word(a, &s.cues, mod_words, &used_words))
            .flatten();
        if let Some(i) = named {
            used_words.insert(i);
            let text = a.tokens[a.words[i].token].text.clone();
            vals.insert(s.name.clone(), Bound::Words(text));
            continue;
        }
        let cued_word = if slots::takes_words(&s.ty) && s.cue_only() && !slots::takes_phrase(&s.ty)
        {
            // A cue-only name slot takes one left-over word its cue marks: in "force push to
            // upstream", "upstream" is a known word, yet "to" marks it as the remote.
            leftovers
                .iter()
                .copied()
                .filter(|i| !used_words.contains(i))
                .find(|&i| word_cued_by(a, a.words[i].token, &s.cues, 2))
        } else if slots::is_path_type(&s.ty) && !s.cues.is_empty() {
            // Likewise a folder named by a known word right after its cue: "in docs",
            // "under tests" ("docs" and "tests" are vocabulary, not paths, to the lexer).
            leftovers
                .iter()
                .copied()
                .filter(|i| !used_words.contains(i))
                .filter(|&i| looks_like_file_name(&a.tokens[a.words[i].token].text))
                .filter(|&i| !IN_IDIOMS.contains(&a.words[i].lower.as_str()))
                .find(|&i| word_cued_by(a, a.words[i].token, &s.cues, 1))
        } else if slots::takes_phrase(&s.ty) && s.cue_only() {
            // A cue-only phrase ("echo ok", "message fix typo") takes the words right after
            // its cue, whether or not they are vocabulary, up to a glue word.
            if let Some(text) = cued_phrase(a, &s.cues, mod_words, &mut used_words) {
                vals.insert(s.name.clone(), Bound::Words(text));
                continue;
            }
            None
        } else {
            None
        };
        if let Some(i) = cued_word {
            used_words.insert(i);
            let text = a.tokens[a.words[i].token].text.clone();
            vals.insert(s.name.clone(), Bound::Words(text));
            continue;
        }
        match &s.default {
            Some(d) => {
                vals.insert(s.name.clone(), Bound::Raw(d.clone()));
            }
            None if !s.optional => missing.push(s.name.clone()),
            None => {}
        }
    }
    Binding {
        vals,
        used_mentions: used,
        used_words,
        guessed_words,
        command_mentions,
        missing,
    }
}

/// Bind a `cmdline` slot: a command typed inside the request ("alias gs for git status",
/// "repeat 3 curl -s http://x"). It starts at the script pass 2 gave the slot, or else at
/// the earliest left-over word or name-like value (one right after a cue first, when the
/// slot has cues), and runs over the following left-over words, unused values and common
/// sub-commands ("cargo *run*"). Words the recipe itself uses, glue words and values
/// bound elsewhere end it.
fn bind_command(
    a: &Analysis,
    s: &super::schema::Slot,
    vals: &HashMap<String, Bound>,
    used: &mut HashSet<usize>,
    leftovers: &[usize],
    lexicon: &Lexicon<'_>,
    used_words: &mut HashSet<usize>,
) -> Option<Bound> {
    let word_at = |tok: usize, used_words: &HashSet<usize>| {
        leftovers
            .iter()
            .copied()
            .find(|&w| a.words[w].token == tok && !used_words.contains(&w))
    };
    let mention_at = |tok: usize, used: &HashSet<usize>| {
        (0..a.mentions.len()).find(|&i| a.mentions[i].first == tok && !used.contains(&i))
    };
    let mention_is_command =
        |i: usize| (a.mentions[i].first..=a.mentions[i].last).all(|t| command_token(&a.tokens[t]));
    let (mut start, mut end, mut taken_mentions) = match vals.get(&s.name) {
        Some(Bound::Mention(i)) => (a.mentions[*i].first, a.mentions[*i].last, vec![*i]),
        Some(_) => return None,
        None => {
            // Candidate starts, as token positions.
            let mut starts: Vec<usize> = leftovers
                .iter()
                .copied()
                .filter(|w| !used_words.contains(w))
                .filter(|&w| {
                    let typed = a.tokens[a.words[w].token].text.to_lowercase();
                    !request_verb(&a.words[w].canon, &typed)
                })
                .map(|w| a.words[w].token)
                .filter(|&t| command_token(&a.tokens[t]))
                .collect();
            starts.extend(
                (0..a.mentions.len())
                    .filter(|i| !used.contains(i))
                    .filter(|&i| slots::fit(&s.ty, a.mentions[i].kind) != slots::Fit::No)
                    .filter(|&i| !is_implicit_here(a, &a.mentions[i]))
                    .filter(|&i| mention_is_command(i))
                    .map(|i| a.mentions[i].first),
            );
            starts.sort_unstable();
            let cued = starts
                .iter()
                .copied()
                .find(|&t| word_cued_by(a, t, &s.cues, 1));
            let tok = match cued {
                Some(t) => t,
                None if s.cue_only() => return None,
                None => *starts.first()?,
            };
            match mention_at(tok, used) {
                Some(i) => (tok, a.mentions[i].last, vec![i]),
                None => (tok, tok, Vec::new()),
            }
        }
    };
    used.extend(taken_mentions.iter().copied());
    let mut taken_words: Vec<usize> = (start..=end)
        .filter_map(|t| word_at(t, used_words))
        .collect();
    // A value bound by type may be the middle of the command ("for git lg2": `lg2` is the
    // name-like part): take the left-over words right before it too.
    while start > 0 {
        let prev = start - 1;
        if let Some(i) = (0..a.mentions.len()).find(|&i| {
            a.mentions[i].last == prev
                && !used.contains(&i)
                && !is_implicit_here(a, &a.mentions[i])
                && mention_is_command(i)
        }) {
            taken_mentions.push(i);
            used.insert(i);
            start = a.mentions[i].first;
            continue;
        }
        match word_at(prev, used_words).filter(|_| command_token(&a.tokens[prev])) {
            Some(w) => {
                taken_words.push(w);
                start = prev;
            }
            None => break,
        }
    }
    let mut skipped: Vec<usize> = Vec::new();
    // Sub-command words the recipe also uses ("run", "test") continue a command only
    // when glue or the end of the request follows them: "cargo run with X" but not
    // "retry ./x every 5s".
    let subcommand_at = |tok: usize| {
        let w = (0..a.words.len()).find(|&w| a.words[w].token == tok)?;
        let word = &a.words[w];
        let glue_after = a.tokens.get(tok + 1).is_none_or(|t| {
            let next = t.text.to_lowercase();
            crate::nlu::mention::is_preposition(&next)
                || crate::nlu::extract::is_english_glue(&next)
        });
        (lexicon.is_subcommand(&word.lower) && glue_after).then_some(w)
    };
    loop {
        let next = end + 1;
        if next >= a.tokens.len() {
            break;
        }
        if let Some(i) = mention_at(next, used)
            .filter(|&i| mention_is_command(i) && !is_implicit_here(a, &a.mentions[i]))
        {
            taken_mentions.push(i);
            used.insert(i);
            end = a.mentions[i].last;
            continue;
        }
        // "run sort on names.txt": "on" joins a command to the file it works on.
        if a.tokens[next].text.eq_ignore_ascii_case("on") {
            if let Some(i) = mention_at(next + 1, used).filter(|&i| {
                matches!(
                    a.mentions[i].kind,
                    crate::nlu::Kind::File | crate::nlu::Kind::Path | crate::nlu::Kind::Glob
                ) && mention_is_command(i)
                    && !is_implicit_here(a, &a.mentions[i])
            }) {
                taken_mentions.push(i);
                used.insert(i);
                skipped.push(next);
                end = a.mentions[i].last;
                continue;
            }
        }
        let word = word_at(next, used_words)
            .or_else(|| subcommand_at(next))
            .filter(|_| command_token(&a.tokens[next]));
        match word {
            Some(w) => {
                taken_words.push(w);
                end = next;
            }
            None => break,
        }
    }
    used_words.extend(taken_words);
    Some(Bound::Command(
        (start..=end)
            .filter(|t| !skipped.contains(t))
            .map(|t| (a.tokens[t].text.clone(), a.tokens[t].is_quoted()))
            .collect(),
    ))
}

/// A plain word right after a naming cue ("called", "named") that the slot lists.
fn named_word(
    a: &Analysis,
    cues: &[String],
    mod_words: &HashSet<&str>,
    used_words: &HashSet<usize>,
) -> Option<usize> {
    const NAMING: &[&str] = &["called", "named"];
    (0..a.words.len()).find(|&w| {
        let word = &a.words[w];
        let tok = word.token;
        tok > 0
            && !used_words.contains(&w)
            && !mod_words.contains(word.canon.as_str())
            && !crate::nlu::mention::is_preposition(&word.lower)
            && !crate::nlu::extract::is_english_glue(&word.lower)
            && looks_like_file_name(&a.tokens[tok].text)
            && {
                let prev = a.tokens[tok - 1].text.to_lowercase();
                NAMING.contains(&prev.as_str()) && cues.contains(&prev)
            }
    })
}

/// The run of plain words (at most four) right after one of `cues`: not values, not glue
/// words or prepositions, not modifier cue words. Marks them used.
fn cued_phrase(
    a: &Analysis,
    cues: &[String],
    mod_words: &HashSet<&str>,
    used_words: &mut HashSet<usize>,
) -> Option<String> {
    const LONGEST: usize = 4;
    let phrase_word = |w: usize| {
        let word = &a.words[w];
        !used_words.contains(&w)
            && !crate::nlu::mention::is_preposition(&word.lower)
            && !crate::nlu::extract::is_english_glue(&word.lower)
            && !mod_words.contains(word.canon.as_str())
            && word.lower.chars().any(|c| c.is_alphanumeric())
    };
    let first = (0..a.words.len()).filter(|&w| phrase_word(w)).find(|&w| {
        word_cued(a, a.words[w].token, cues, 1, false) && !cues.contains(&a.words[w].lower)
    })?;
    let mut span = vec![first];
    for w in first + 1..a.words.len() {
        let last = a.words[*span.last().unwrap()].token;
        if span.len() == LONGEST || a.words[w].token != last + 1 || !phrase_word(w) {
            break;
        }
        span.push(w);
    }
    let (from, to) = (a.words[span[0]].token, a.words[*span.last().unwrap()].token);
    used_words.extend(span);
    Some(
        a.tokens[from..=to]
            .iter()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// The first token of what a command binding took: its earliest new word or value.
fn command_start(
    a: &Analysis,
    used_words: &HashSet<usize>,
    words_before: &HashSet<usize>,
    used: &HashSet<usize>,
    before: &HashSet<usize>,
) -> Option<usize> {
    let words = used_words
        .difference(words_before)
        .map(|&w| a.words[w].token);
    let values = used.difference(before).map(|&i| a.mentions[i].first);
    words.chain(values).min()
}

/// Whether a token can be inserted into a command as typed: quoted tokens (re-quoted when
/// rendered) and unquoted words free of shell syntax other than globs and `$NAME`.
fn command_token(t: &crate::nlu::Token) -> bool {
    if t.is_quoted() {
        return true;
    }
    let text = t.text.as_str();
    let var = text.strip_prefix('$').is_some_and(|v| {
        let v = v.trim_start_matches('{').trim_end_matches('}');
        !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    var || text.chars().all(|c| {
        c.is_alphanumeric()
            || matches!(
                c,
                '_' | '-'
                    | '.'
                    | '/'
                    | '~'
                    | ':'
                    | '='
                    | '@'
                    | '%'
                    | '+'
                    | ','
                    | '*'
                    | '?'
                    | '['
                    | ']'
            )
    })
}

/// Whether one of `cues` (single words) is among the `reach` words before token `tok`,
/// articles skipped, or is a kind word right after it ("the full feature"), the way a
/// mention's cues are read.
fn word_cued_by(a: &Analysis, tok: usize, cues: &[String], reach: usize) -> bool {
    word_cued(a, tok, cues, reach, true)
}

/// [`word_cued_by`], optionally without kind words after the word.
fn word_cued(a: &Analysis, tok: usize, cues: &[String], reach: usize, after: bool) -> bool {
    let before = a.tokens[..tok]
        .iter()
        .rev()
        .map(|t| t.text.to_lowercase())
        .filter(|w| !crate::nlu::extract::is_article(w))
        .take(reach)
        .any(|w| cues.contains(&w));
    let kind_after = after
        && a.tokens.get(tok + 1).is_some_and(|t| {
            let w = t.text.to_lowercase();
            !crate::nlu::mention::is_preposition(&w) && cues.contains(&w)
        });
    before || kind_after
}

/// Words that follow "in" as an idiom, not as a folder: "in parallel", "in conflict".
const IN_IDIOMS: &[&str] = &[
    "parallel",
    "order",
    "conflict",
    "place",
    "background",
    "foreground",
    "detail",
    "total",
    "bulk",
    "reverse",
    "progress",
    "use",
    "sync",
    "general",
    "particular",
    "case",
    "time",
    "full",
    "memory",
    "production",
    "debug",
    "release",
    "json",
    "yaml",
    "utc",
    "color",
];

/// Request verbs that introduce a command rather than start one ("print uptime every 10s"),
/// except the ones that are commands themselves.
fn request_verb(canon: &str, lower: &str) -> bool {
    canon == "show"
        && !matches!(
            lower,
            "echo" | "cat" | "ls" | "printf" | "less" | "head" | "tail"
        )
}

/// A path that names something to run: `./deploy.sh`, `bin/check`, `~/tools/x.py`.
fn looks_like_script(text: &str) -> bool {
    const SCRIPT_EXTS: &[&str] = &["sh", "bash", "zsh", "fish", "py", "rb", "pl", "js", "php"];
    let base = text.rsplit('/').next().unwrap_or(text);
    let ext_is_script = base
        .rsplit_once('.')
        .is_some_and(|(stem, ext)| !stem.is_empty() && SCRIPT_EXTS.contains(&ext));
    !text.ends_with('/')
        && (text.starts_with("./")
            || text.starts_with("../")
            || text.contains("bin/")
            || ext_is_script)
}

/// A plain word that can name a file or folder (`docs`, `build-output`), not a phrase.
fn looks_like_file_name(text: &str) -> bool {
    !text.is_empty()
        && text.chars().any(|c| c.is_alphabetic())
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn render_with(
    t: &str,
    vals: &HashMap<String, Bound>,
    types: &HashMap<&str, &str>,
    a: &Analysis,
    target: Target,
    depth: usize,
) -> Result<String, String> {
    let mut resolve = |name: &str, fmt: Option<&str>| -> Option<String> {
        let ty = types.get(name).copied().unwrap_or("name");
        match vals.get(name)? {
            Bound::Mention(i) => slots::render_mention(ty, fmt, &a.mentions[*i], target),
            Bound::Words(w) => slots::render_words(ty, fmt, w, target),
            Bound::Command(parts) => Some(slots::render_command(parts, fmt, target)),
            Bound::Raw(raw) if depth < 4 => {
                render_with(raw, vals, types, a, target, depth + 1).ok()
            }
            Bound::Raw(_) => None,
        }
    };
    template::render(t, &mut resolve)
}

/// Render an explanation: values as the user typed them, not shell-quoted.
fn render_display(
    t: &str,
    vals: &HashMap<String, Bound>,
    types: &HashMap<&str, &str>,
    a: &Analysis,
    target: Target,
) -> Result<String, String> {
    let mut resolve = |name: &str, fmt: Option<&str>| -> Option<String> {
        match vals.get(name)? {
            Bound::Mention(i) => {
                let m: &Mention = &a.mentions[*i];
                match fmt {
                    Some(_) => slots::render_mention(
                        types.get(name).copied().unwrap_or("name"),
                        fmt,
                        m,
                        target,
                    ),
                    None => Some(m.text.clone()),
                }
            }
            Bound::Words(w) => Some(w.clone()),
            Bound::Command(parts) => Some(
                parts
                    .iter()
                    .map(|(t, _)| t.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Bound::Raw(raw) => Some(raw.clone()),
        }
    };
    template::render(t, &mut resolve)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn cues_allow_one_gap() {
        let seq = ["delete", "every", "them"];
        assert!(cue_matches(&seq, &v("delete them")));
        assert!(!cue_matches(
            &["delete", "x", "y", "them"],
            &v("delete them")
        ));
        assert!(cue_matches(&["not", "recursive"], &v("not recursive")));
        assert!(!cue_matches(&["recursive", "not"], &v("not recursive")));
    }

    #[test]
    fn cue_only_name_slots_take_cued_known_words() {
        use crate::kb::schema::Slot;
        use crate::nlu::{analyze, Lexicon};
        let lex = Lexicon {
            vocab: vec!["forc", "push", "upstream"],
            stop: vec!["the", "to"],
            ..Default::default()
        };
        let slot = Slot {
            name: "remote".into(),
            ty: "name".into(),
            cues: vec!["to".into()],
            default: Some("origin".into()),
            optional: true,
        };
        let recipe = Recipe {
            id: "t.push".into(),
            slots: vec![slot],
            run: [("any".to_string(), "git push {remote}".to_string())].into(),
            explain: String::new(),
            risk: None,
            os: vec![],
            shells: vec![],
            tools: vec![],
            mods: vec![],
            avoid: vec![],
            vocab: vec!["forc".into(), "push".into()],
            phrasings: vec![],
        };
        let remote = |text: &str| {
            let a = analyze(text, &lex, false);
            match bind(&recipe, &a, &HashSet::new(), &lex).vals.get("remote") {
                Some(Bound::Words(w)) => w.clone(),
                Some(Bound::Raw(r)) => format!("default {r}"),
                other => format!("{other:?}"),
            }
        };
        assert_eq!(remote("force push to upstream"), "upstream");
        assert_eq!(remote("force push upstream to"), "default origin");
        assert_eq!(remote("force push to the upstream"), "upstream");
        // Not cued: the word is left alone and the default applies.
        assert_eq!(remote("force push upstream"), "default origin");
    }

    #[test]
    fn folder_slots_take_a_known_word_right_after_their_cue() {
        use crate::kb::schema::Slot;
        use crate::nlu::{analyze, Lexicon};
        let lex = Lexicon {
            vocab: vec!["count", "doc", "fil", "parallel"],
            stop: vec!["in", "the"],
            ..Default::default()
        };
        let recipe = Recipe {
            id: "t.count".into(),
            slots: vec![Slot {
                name: "dir".into(),
                ty: "dir".into(),
                cues: vec!["in".into()],
                default: Some(".".into()),
                optional: false,
            }],
            run: [("any".to_string(), "find {dir}".to_string())].into(),
            explain: String::new(),
            risk: None,
            os: vec![],
            shells: vec![],
            tools: vec![],
            mods: vec![],
            avoid: vec![],
            vocab: vec!["count".into(), "fil".into()],
            phrasings: vec![],
        };
        let dir = |text: &str| {
            let a = analyze(text, &lex, false);
            match bind(&recipe, &a, &HashSet::new(), &lex).vals.get("dir") {
                Some(Bound::Words(w)) => w.clone(),
                Some(Bound::Raw(r)) => format!("default {r}"),
                other => format!("{other:?}"),
            }
        };
        assert_eq!(dir("count files in docs"), "docs");
        assert_eq!(dir("count files in the docs"), "docs");
        // A word the recipe itself uses is never a folder name.
        assert_eq!(dir("count in files"), "default .");
        // Only right after the cue.
        assert_eq!(dir("count in files docs"), "default .");
    }

    #[test]
    fn known_words_taken_as_names_stay_unexplained() {
        use crate::kb::schema::Slot;
        use crate::nlu::{analyze, Lexicon};
        let lex = Lexicon {
            vocab: vec!["install", "mak", "run"],
            ..Default::default()
        };
        let recipe = Recipe {
            id: "t.npx".into(),
            slots: vec![Slot {
                name: "pkg".into(),
                ty: "name".into(),
                cues: vec![],
                default: None,
                optional: false,
            }],
            run: [("any".to_string(), "npx {pkg}".to_string())].into(),
            explain: String::new(),
            risk: None,
            os: vec![],
            shells: vec![],
            tools: vec![],
            mods: vec![],
            avoid: vec![],
            vocab: vec!["run".into()],
            phrasings: vec![],
        };
        let a = analyze("run make install", &lex, false);
        let b = bind(&recipe, &a, &HashSet::new(), &lex);
        assert!(matches!(b.vals.get("pkg"), Some(Bound::Words(w)) if w == "make"));
        assert_eq!(b.guessed_words.len(), 1);
    }

    #[test]
    fn command_slots_take_the_command_as_typed() {
        use crate::context::{Os, Shell};
        use crate::kb::schema::Slot;
        use crate::nlu::{analyze, Lexicon};
        let lex = Lexicon {
            vocab: vec!["alia", "git", "session", "status"],
            stop: vec!["for", "just", "this"],
            ..Default::default()
        };
        let slot = |name: &str, ty: &str, cues: &[&str]| Slot {
            name: name.into(),
            ty: ty.into(),
            cues: cues.iter().map(|c| c.to_string()).collect(),
            default: None,
            optional: false,
        };
        let recipe = Recipe {
            id: "t.alias".into(),
            slots: vec![
                slot("name", "name", &["alias"]),
                slot("cmd", "cmdline", &["for"]),
            ],
            run: [("any".to_string(), "alias {name}={cmd}".to_string())].into(),
            explain: String::new(),
            risk: None,
            os: vec![],
            shells: vec![],
            tools: vec![],
            mods: vec![],
            avoid: vec![],
            vocab: vec!["alia".into(), "session".into()],
            phrasings: vec![],
        };
        let target = Target {
            shell: Shell::Bash,
            os: Os::Linux,
        };
        let cmd = |text: &str| {
            let a = analyze(text, &lex, false);
            let b = bind(&recipe, &a, &HashSet::new(), &lex);
            match b.vals.get("cmd") {
                Some(Bound::Command(parts)) => slots::render_command(parts, None, target),
                other => format!("{other:?}"),
            }
        };
        // Known words, a flag and an unknown word all belong to the command.
        assert_eq!(cmd("alias gs for git status -sb"), "git status -sb");
        assert_eq!(cmd("alias gl for git lg2 just for this session"), "git lg2");
        // Quoted parts stay inert.
        assert_eq!(cmd("alias hi for echo 'a $(b)'"), "echo 'a $(b)'");
        // "on" joins a command to the file it works on.
        assert_eq!(cmd("alias s for sort on names.txt"), "sort names.txt");
        // Shell syntax typed bare ends the command.
        assert_eq!(cmd("alias x for ls;rm"), "None");
    }

    /// Term ids for the lexical tests: 0 delet, 1 tag, 2 #version, 3 #name, 4 #glob,
    /// 5 #path, 6 #files.
    fn lexical_fixture() -> (Vec<f32>, SymbolIds) {
        let idf = vec![1.0, 1.0, 1.0, 1.0, 2.0, 1.0, 1.0];
        let syms = SymbolIds {
            related: vec![(2, 3), (5, 4)],
            aliases: vec![(6, vec![4, 5])],
        };
        (idf, syms)
    }

    fn weights(idf: &[f32], ids: &[u32]) -> TermWeights {
        let weights: HashMap<u32, f32> = ids.iter().map(|&i| (i, idf[i as usize])).collect();
        let norm = weights.values().map(|w| w * w).sum::<f32>().sqrt();
        TermWeights { weights, norm }
    }

    fn phrasing(idf: &[f32], terms: &[u32]) -> Phrasing {
        Phrasing {
            recipe: 0,
            terms: terms.to_vec(),
            norm: terms
                .iter()
                .map(|&t| idf[t as usize].powi(2))
                .sum::<f32>()
                .sqrt(),
        }
    }

    #[test]
    fn related_symbols_credit_each_value_once() {
        let (idf, syms) = lexical_fixture();
        let request = weights(&idf, &[0, 1, 2]);
        let exact = phrasing_cos(&idf, &syms, &phrasing(&idf, &[0, 1, 2]), &request);
        assert!((exact - 1.0).abs() < 1e-6, "{exact}");
        // A second value slot whose symbol is related to the first one may not count the
        // request's one version again.
        let extra = phrasing_cos(&idf, &syms, &phrasing(&idf, &[0, 1, 2, 3]), &request);
        assert!(extra < exact, "{extra}");
    }

    #[test]
    fn files_symbols_match_paths_and_globs_in_full() {
        let (idf, syms) = lexical_fixture();
        // `#files` weighs as little as its commonest kind when compiled (the `#path` weight).
        let p = phrasing(&idf, &[0, 6]);
        for request in [[0u32, 4], [0, 5]] {
            let score = phrasing_cos(&idf, &syms, &p, &weights(&idf, &request));
            assert!((score - 1.0).abs() < 1e-5, "{request:?}: {score}");
        }
    }

    #[test]
    fn scripts_are_paths_to_run() {
        assert!(looks_like_script("./deploy.sh"));
        assert!(looks_like_script("../tools/run"));
        assert!(looks_like_script("worker.py"));
        assert!(looks_like_script("~/bin/backup"));
        assert!(!looks_like_script("/mnt/backup"));
        assert!(!looks_like_script("src/"));
        assert!(!looks_like_script("notes.txt"));
    }

    #[test]
    fn tidy_keeps_quoted_spaces() {
        assert_eq!(tidy("find  .   -name 'a  b' "), "find . -name 'a  b'");
    }
}
