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

use std::collections::hash_map::DefaultHasher;
use std::hash::BuildHasherDefault;

/// Maps and sets with a fixed hasher: their iteration order feeds float sums and tie-breaks,
/// and with std's per-process random seed the same request could rank differently from one
/// Ctrl-G to the next (a test caught two recipes with equal commands swapping places).
type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<DefaultHasher>>;
type HashSet<K> = std::collections::HashSet<K, BuildHasherDefault<DefaultHasher>>;

use super::schema::{Mod, Phrasing, Recipe, SYMBOL_ALIASES};
use super::slots::{self, Fit, Target};
use super::template;
use super::Kb;
use crate::context::{Context, Os, Shell};
use crate::nlu::{Analysis, Kind, Lexicon, Mention};

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
    /// Request words used as values (word index, the symbol of the slot's type).
    word_values: Vec<(usize, String)>,
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
    /// Values taken from words the knowledge base knows as ordinary words ("install" as
    /// a container name): a sign the recipe misread the request.
    pub vague: f32,
    /// File types, sizes, ages and modes the request gives but the command ignores: the
    /// recipe answers a different question ("delete every .log file" is not `rm -rf`).
    pub ignored: f32,
    /// Unknown words of the request (names) the recipe neither uses nor says.
    pub stray: f32,
    pub final_score: f32,
}

/// How many recipes are bound and rendered per request (the rest are too far behind).
const SHORTLIST: usize = 16;

/// Blend lexical and semantic similarity into one ranking score. The encoder's cosines for
/// related-but-wrong sentences sit around 0.3–0.5, so they are stretched from [0.25, 0.85]
/// onto [0, 1] first. The encoder lifts a recipe whose phrasings mean what the request says
/// in other words, but never lowers one below its lexical score: the lexical score (and the
/// penalties and calibration built on it) already holds when the words match, and the
/// encoder's near-misses ("copy key to clipboard" ~ "import a key") would otherwise pull
/// exact matches down. The 0.6 weight sits in the middle of a plateau (0.6–0.8 rank
/// dev.jsonl and eval/paraphrases.jsonl identically; 0.5 loses one paraphrase).
pub fn blend(lexical: f32, semantic: Option<f32>) -> f32 {
    match semantic {
        None => lexical,
        Some(s) => {
            let s = ((s - 0.25) / 0.6).clamp(0.0, 1.0);
            lexical.max(0.4 * lexical + 0.6 * s)
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
    /// Product names in the request ("install python"): a value and a word at once, as
    /// (term id, squared weight) of the word.
    products: Vec<(u32, f32)>,
    /// The request's `#name` symbol, if any: (term id, weight).
    name_symbol: Option<(u32, f32)>,
}

fn term_weights(kb: &Kb, a: &Analysis, terms: &[String]) -> TermWeights {
    let ix = &kb.index;
    let mut weights: HashMap<u32, f32> = HashMap::default();
    for t in terms {
        if let Some(id) = ix.term_id(t) {
            weights.insert(id, ix.idf[id as usize]);
        }
    }
    let norm = weights.values().map(|w| w * w).sum::<f32>().sqrt();
    // A product name ("install python") is a value and a word: for a phrasing that does
    // not name it, its word is just the value ("install {pkg}"), matched by `#name`, so
    // it does not count against that phrasing.
    let products: Vec<(u32, f32)> = a
        .words
        .iter()
        .filter(|w| a.mentions.iter().any(|m| m.first == w.token))
        .filter_map(|w| ix.term_id(&w.canon))
        .filter_map(|id| weights.get(&id).map(|&w| (id, w * w)))
        .collect();
    let name_symbol: Option<(u32, f32)> = ix
        .term_id(crate::nlu::Kind::Name.symbol())
        .and_then(|id| weights.get(&id).map(|&w| (id, w)));
    TermWeights {
        weights,
        norm,
        products,
        name_symbol,
    }
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

/// What scoring a phrasing needs from the knowledge base: each term's text (to tell words
/// from value symbols) and idf.
struct TermTable<'t> {
    terms: &'t [&'t str],
    idf: &'t [f32],
}

impl<'t> TermTable<'t> {
    fn of(kb: &'t Kb) -> TermTable<'t> {
        TermTable {
            terms: &kb.index.terms,
            idf: &kb.index.idf,
        }
    }
}

/// Lexical score of every allowed recipe (0 for the others).
pub fn lexical_scores(kb: &Kb, a: &Analysis, ctx: &Context) -> Vec<f32> {
    let tw = term_weights(kb, a, &a.terms);
    let syms = SymbolIds::of(kb);
    let table = TermTable::of(kb);
    let mut best = vec![0.0f32; kb.len()];
    if tw.norm == 0.0 {
        return best;
    }
    for p in &kb.index.phrasings {
        let cos = phrasing_cos(&table, &syms, p, &tw);
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
fn recipe_lexical(kb: &Kb, recipe: usize, a: &Analysis, terms: &[String]) -> f32 {
    let tw = term_weights(kb, a, terms);
    if tw.norm == 0.0 {
        return 0.0;
    }
    let syms = SymbolIds::of(kb);
    let table = TermTable::of(kb);
    kb.recipe(recipe)
        .phrasings
        .iter()
        .map(|&p| phrasing_cos(&table, &syms, &kb.index.phrasings[p as usize], &tw))
        .fold(0.0, f32::max)
}

/// Value symbols any word can turn into: they never make a match on their own.
const LOOSE_SYMBOLS: &[&str] = &["#name", "#num", "#path", "#str", "#glob"];

/// Whether the recipe's phrasing closest to the request uses `word` itself: then the word
/// is partly what the request and that phrasing share ("which version of pandas is
/// installed" against avoid "install"), not only a sign of another task.
fn said_by_best_phrasing(kb: &Kb, recipe: usize, a: &Analysis, word: &str) -> bool {
    let Some(id) = kb.index.term_id(word) else {
        return false;
    };
    let tw = term_weights(kb, a, &a.terms);
    let syms = SymbolIds::of(kb);
    let table = TermTable::of(kb);
    kb.recipe(recipe)
        .phrasings
        .iter()
        .map(|&p| &kb.index.phrasings[p as usize])
        .map(|p| (phrasing_cos(&table, &syms, p, &tw), p))
        .max_by(|x, y| x.0.total_cmp(&y.0))
        .is_some_and(|(cos, p)| cos > 0.0 && p.terms.contains(&id))
}

/// Idf-weighted cosine between the request and one phrasing (whose term ids are distinct).
fn phrasing_cos(table: &TermTable, syms: &SymbolIds, p: &Phrasing, tw: &TermWeights) -> f32 {
    if p.norm == 0.0 || tw.norm == 0.0 {
        return 0.0;
    }
    let mut dot = 0.0;
    let mut words_shared = false;
    let mut typed_symbols = 0;
    let mut unmatched: Vec<u32> = Vec::new();
    for &t in &p.terms {
        match tw.weights.get(&t) {
            Some(w) => {
                dot += w * w;
                let term = table.terms[t as usize];
                words_shared |= !term.starts_with('#');
                typed_symbols +=
                    usize::from(term.starts_with('#') && !LOOSE_SYMBOLS.contains(&term));
            }
            None => unmatched.push(t),
        }
    }
    // Values alone never make a match: "asdf" must not become `touch asdf`. Two values of
    // distinct, telling kinds can ("2025-03-10 09:30 PST in Europe/Berlin").
    if !words_shared && typed_symbols < 2 {
        return 0.0;
    }
    // A value of a related kind ("x.txt" where the phrasing has a glob) counts for
    // half, once per request value, and only if no phrasing term matched it exactly; the
    // phrasing's side weighs its own term (a rare request symbol must not outweigh a
    // common one). A symbol standing for several kinds (`#files`) counts in full for any.
    let mut credited: HashSet<u32> = HashSet::default();
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
                let own = table.idf.get(t as usize).copied().unwrap_or(0.0);
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
                dot += 0.5 * w * table.idf.get(t as usize).copied().unwrap_or(0.0);
            }
        }
    }
    let absent: f32 = tw
        .products
        .iter()
        .filter(|(id, _)| !p.terms.contains(id))
        .map(|(_, w2)| w2)
        .sum();
    // And the other way round: a phrasing that names the product ("connect to
    // postgres") has matched the value its `#name` stands for.
    if let Some((nid, nw)) = tw.name_symbol {
        if !p.terms.contains(&nid) && tw.products.iter().any(|(id, _)| p.terms.contains(id)) {
            dot += nw * nw;
        }
    }
    // Only half: the name still says what the request is about.
    let norm = (tw.norm * tw.norm - 0.5 * absent).max(0.0).sqrt();
    if norm == 0.0 {
        return 0.0;
    }
    dot / (norm * norm2.max(f32::EPSILON).sqrt())
}

/// Recipe `i`'s lexical score once the request's words its cues marked as values count as
/// values: in "grep warn or error", `error` is the pattern the phrasing's `{b}` stands for.
fn value_aware_lexical(kb: &Kb, a: &Analysis, i: usize, word_values: &[(usize, String)]) -> f32 {
    // Each such value is one word its cue marked: it reads as the value, not as the word.
    let valued: HashSet<usize> = word_values.iter().map(|(w, _)| *w).collect();
    let terms: Vec<String> = a
        .words
        .iter()
        .enumerate()
        .filter(|(k, w)| !w.stop && !valued.contains(k))
        .map(|(_, w)| w.canon.clone())
        .chain(a.mentions.iter().map(|m| m.kind.symbol().to_string()))
        .chain(word_values.iter().map(|(_, sym)| sym.clone()))
        .collect();
    recipe_lexical(kb, i, a, &terms)
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
    // A number is often the text to look for ("grep 404", "replace 8080 with 9090").
    ("#num", "#str"),
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
        if !asks_for(r, a, &kb.index.lexicon) {
            continue;
        }
        let Some(mut p) = realise(r, a, ctx, target, &kb.index.lexicon) else {
            continue;
        };
        let mut blended = blended;
        // Words this recipe took as values (a name, a typed command) are values, not
        // vocabulary: compare again with them standing as their slot's symbol, the way
        // the phrasings have them. Likewise one word a cue marked as a value.
        if let Some(terms) = &p.value_terms {
            let lex = lexical[i].max(recipe_lexical(kb, i, a, terms));
            blended = blend(lex, semantic_by_recipe.as_ref().map(|s| s[i])).max(blended);
        }
        if !p.word_values.is_empty() {
            let lex = value_aware_lexical(kb, a, i, &p.word_values);
            if lex > lexical[i] {
                blended = blend(lex, semantic_by_recipe.as_ref().map(|s| s[i])).max(blended);
            }
        }
        let coverage = p.score.coverage;
        let unexplained = p.score.unexplained;
        let mut score = blended + 0.2 * coverage - 0.25 * unexplained + 0.06 * p.score.fit
            - 0.1 * p.score.vague
            - 0.05 * p.score.stray
            - 0.1 * p.score.ignored.min(2.0);
        // A word naming the task outright ("install") that no phrasing of the recipe says:
        // the recipe answers another task ("install tmux" is not `tmux ls`).
        if a.words.iter().any(|w| {
            !w.stop && kb.index.lexicon.is_decisive(&w.canon) && !r.vocab.contains(&w.canon)
        }) {
            score -= 0.15;
        }
        // An avoided word the closest phrasing says itself counts half.
        let avoided: Vec<&str> = a
            .words
            .iter()
            .filter(|w| r.avoid.contains(&w.canon))
            .map(|w| w.canon.as_str())
            .collect();
        if !avoided.is_empty() {
            let own = avoided.iter().all(|w| said_by_best_phrasing(kb, i, a, w));
            score -= if own { 0.1 } else { 0.2 };
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
        // Two recipes may render the same command: keep the better-scored one, whichever
        // came first in the shortlist.
        match out.iter_mut().find(|o| o.command == p.command) {
            Some(o) if o.score.final_score < score => *o = p,
            Some(_) => {}
            None => out.push(p),
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

/// Whether the request asks for what the recipe does, as far as that matters: a recipe
/// that destroys (`requires` words) is offered only when the request says one of them
/// ("files belonging to www-data" never becomes `userdel -r www-data`). A typed command
/// counts by its name too ("userdel bob", "rm -rf build").
fn asks_for(r: &Recipe, a: &Analysis, lexicon: &Lexicon<'_>) -> bool {
    r.requires.is_empty() || a.says_any(&r.requires, lexicon)
}

/// Map a final score onto 0..1, roughly the chance the top command is acceptable.
/// Measured on the merged knowledge base: answers scoring 0.7 / 0.9 / 1.1 were acceptable
/// about 75% / 90% / 96% of the time; off-topic requests that share no real task with a
/// recipe score below 0.4, the weakest acceptable answers from 0.44. The curve crosses
/// `engine::MIN_CONFIDENCE` (0.35) at a score of 0.42, between the two.
fn calibrate(score: f32) -> f32 {
    (1.0 / (1.0 + (-(score - 0.508) * 7.0).exp())).clamp(0.0, 1.0)
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
    /// Each word a cue marked as a value, with the type of the slot it went to.
    word_slots: Vec<(usize, String)>,
    /// Slots filled with a last-resort guess.
    guessed: HashSet<String>,
    /// Left-over vocabulary words taken as names without a cue ("run make install" →
    /// `npx make`): bound, but not counted as explained.
    guessed_words: HashSet<usize>,
    /// Values a typed command swallowed (`http://x` in "curl http://x").
    command_mentions: HashSet<usize>,
    /// Left-over words a phrase slot soaked up as a run of several words ("error case
    /// insensitve"), and those slots: such a run is no evidence of a value, so ranking
    /// keeps its words as words.
    phrase_words: HashSet<usize>,
    phrase_slots: HashSet<String>,
    /// Slots filled with a word their cue pointed at ("database reports").
    cued_words: HashSet<String>,
    /// Bare words taken by position for slots of another kind (a folder, a pattern).
    loose_names: usize,
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
    // A required value nobody supplied: the command would be incomplete, whatever the
    // template's optional groups make of it. Likewise a modifier that needs a value.
    if b.missing.iter().any(|name| !vals.contains_key(name)) {
        return None;
    }
    // A slot's own default does not count: the request (or a modifier) must give it.
    let given = |n: &String| match vals.get(n) {
        Some(Bound::Raw(v)) => !r
            .slots
            .iter()
            .any(|s| &s.name == n && s.default.as_ref() == Some(v)),
        Some(_) => true,
        None => false,
    };
    if mods
        .iter()
        .any(|m| !m.needs.is_empty() && !m.needs.iter().any(given))
    {
        return None;
    }
    let template = select_template(r, target.os, target.shell)?;
    let slot_type: HashMap<&str, &str> = r
        .slots
        .iter()
        .map(|s| (s.name.as_str(), s.ty.as_str()))
        .collect();

    let mut printed = Vec::new();
    let command = render_traced(
        template,
        &vals,
        &slot_type,
        a,
        target,
        0,
        &RawTraces::default(),
        &mut printed,
    )
    .ok()?;
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

    // Coverage: share of the request's values that reach the command (a product name the
    // recipe has as a word counts as neither; a value an active modifier's cue names, `-f`
    // for "follow", is used by that modifier; a value bound to a slot whose part of the
    // template was dropped was not used). "here" / "this repo" name the default place of
    // nearly every command: leaving it unused costs nothing, so it counts only when bound.
    let dropped: HashSet<usize> = b
        .vals
        .iter()
        .filter_map(|(name, v)| match v {
            Bound::Mention(i) if !printed.contains(name) => Some(*i),
            _ => None,
        })
        .collect();
    let meaningful: Vec<usize> = (0..a.mentions.len())
        .filter(|&i| !own_word(r, a, i))
        .filter(|&i| !mod_words.contains(a.mentions[i].kind.symbol()))
        .filter(|&i| b.used_mentions.contains(&i) || !is_implicit_here(a, &a.mentions[i]))
        .collect();
    let ignored = meaningful
        .iter()
        .filter(|i| !b.used_mentions.contains(i) || dropped.contains(i))
        .filter(|&&i| {
            let m = &a.mentions[i];
            // A bare plural ("logs", "images") is as often a noun as a file type; a path
            // other than here or home is specific.
            matches!(
                m.kind,
                Kind::Glob | Kind::Size | Kind::Duration | Kind::Mode
            ) || (m.kind == Kind::Ext && (m.text.starts_with('.') || m.text.contains(' ')))
                || (matches!(m.kind, Kind::Path | Kind::File)
                    && !matches!(m.text.as_str(), "." | "~" | ".." | "/"))
        })
        .count() as f32;
    let coverage = if meaningful.is_empty() {
        1.0
    } else {
        meaningful
            .iter()
            .filter(|i| b.used_mentions.contains(i) && !dropped.contains(i))
            .count() as f32
            / meaningful.len() as f32
    };
    // Unexplained: content words neither in the recipe's phrasings, nor in an active
    // modifier's cue, nor used as a value.
    let content: Vec<(usize, &crate::nlu::Word)> = a
        .words
        .iter()
        .enumerate()
        .filter(|(_, w)| !w.stop)
        .collect();
    // Words inside a value the recipe used (a product name) are explained by it.
    // A URL's scheme word ("s3") is not: `curl` uploading to s3:// is no s3 command.
    let used_tokens: HashSet<usize> = b
        .used_mentions
        .iter()
        .filter(|&&i| a.mentions[i].kind != crate::nlu::Kind::Url)
        .flat_map(|&i| a.mentions[i].first..=a.mentions[i].last)
        .collect();
    // Unknown words the request typed (name mentions) that the recipe leaves unused: "who
    // won the world cup" is not `whoami`.
    let stray_names = (0..a.mentions.len())
        .filter(|i| a.mentions[*i].kind == crate::nlu::Kind::Name)
        .filter(|i| !b.used_mentions.contains(i) && !own_word(r, a, *i))
        .filter(|i| !a.words.iter().any(|w| w.token == a.mentions[*i].first))
        .count();
    let unexplained = if content.is_empty() {
        0.0
    } else {
        let n = content
            .iter()
            .filter(|(i, w)| {
                r.vocab.binary_search(&w.canon).is_err()
                    && !used_tokens.contains(&w.token)
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
            Bound::Words(_) if b.guessed.contains(name) => Some(0.0),
            Bound::Words(_) | Bound::Command(_) => Some(0.5),
            Bound::Raw(_) => None,
        })
        .collect();
    let fit = if fits.is_empty() {
        1.0
    } else {
        fits.iter().sum::<f32>() / fits.len() as f32
    };
    // A value made only of vocabulary words ("stop bisecting" read as a container) is
    // compared as if the request had left it out: that it fills a slot is no evidence the
    // phrasings match.
    let all_known = |w: &str| {
        w.split_whitespace()
            .all(|x| lexicon.knows(&lexicon.canonical(&x.to_lowercase())))
    };
    let value_symbols: Vec<String> = b
        .vals
        .iter()
        .filter(|(name, _)| !b.phrase_slots.contains(name.as_str()))
        .filter(|(_, v)| match v {
            Bound::Words(w) => !all_known(w),
            Bound::Command(_) => true,
            _ => false,
        })
        .filter_map(|(name, _)| slot_type.get(name.as_str()))
        .filter_map(|ty| super::schema::slot_type(ty).map(|(sym, _)| sym.to_string()))
        .collect();
    let any_words = b
        .vals
        .values()
        .any(|v| matches!(v, Bound::Words(_) | Bound::Command(_)));
    let value_terms = any_words.then(|| {
        // A run of words a phrase slot soaked up stays words.
        let valued = |i: &usize| {
            b.used_words.contains(i) && !b.guessed_words.contains(i) && !b.phrase_words.contains(i)
        };
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
    let vague = b
        .vals
        .iter()
        .filter(|(name, v)| match v {
            Bound::Words(w) if !b.cued_words.contains(name.as_str()) => w
                .split_whitespace()
                .all(|x| lexicon.knows(&lexicon.canonical(&x.to_lowercase()))),
            _ => false,
        })
        .count() as f32
        + b.loose_names as f32;
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
            vague,
            ignored,
            stray: stray_names as f32,
            ..Default::default()
        },
        word_values: b
            .word_slots
            .iter()
            .filter_map(|(w, ty)| {
                super::schema::slot_type(ty).map(|(sym, _)| (*w, sym.to_string()))
            })
            .collect(),
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

/// Whether mention `i` is a product name ("docker", "nginx"): a value and a word at once,
/// but never a path or a file pattern ("logs from nginx" is no folder).
fn product_as_path(s: &super::schema::Slot, a: &Analysis, i: usize) -> bool {
    let m = &a.mentions[i];
    (slots::takes_cued_word(&s.ty) || matches!(s.ty.as_str(), "glob" | "ext"))
        && m.kind == Kind::Name
        // A snake_case name ("node_modules") is a folder name, never a product.
        && !m.text.contains('_')
        && a.words
            .iter()
            .any(|w| w.token == m.first && w.lower == m.text.to_lowercase())
}

/// How well mention `m` fits slot `s`: its type, and its suffix filter if any.
fn slot_fit(s: &super::schema::Slot, m: &Mention) -> Fit {
    if !s.accepts(&m.text) {
        return Fit::No;
    }
    // Git ref names cannot hold a colon: `org/app:1.2` is an image reference, so "push
    // org/app:1.2" is not a git push.
    if s.ty == "branch" && m.text.contains(':') {
        return Fit::No;
    }
    // A file slot names one file to read or write: the root, home or current folder is a
    // folder ("delete every file under the root dir" is not a list of files to read).
    if s.ty == "file" && matches!(m.text.as_str(), "/" | "~" | "." | "..") {
        return Fit::No;
    }
    slots::fit(&s.ty, m.kind)
}

/// Whether mention `i` is a product name ("postgres") that this recipe uses as a word
/// ("connect to postgres database {db}"): then it is the recipe's subject, not a value.
fn own_word(r: &Recipe, a: &Analysis, i: usize) -> bool {
    let m = &a.mentions[i];
    m.kind == crate::nlu::Kind::Name
        && a.words
            .iter()
            .any(|w| w.token == m.first && r.vocab.binary_search(&w.canon).is_ok())
}

/// Bind mentions and left-over words to slots: cued values first, then by position.
fn bind(r: &Recipe, a: &Analysis, mod_words: &HashSet<&str>, lexicon: &Lexicon<'_>) -> Binding {
    let known = |canon: &str| lexicon.knows(canon);
    let mut vals: HashMap<String, Bound> = HashMap::default();
    // A product name the recipe itself talks about is never a value.
    let mut used: HashSet<usize> = (0..a.mentions.len())
        .filter(|&i| own_word(r, a, i))
        .collect();
    let own: HashSet<usize> = used.clone();
    let mut missing = Vec::new();
    let mut loose_names = 0usize;

    // Pass 1: slots with cues take mentions their cues point at. A mention that fits this
    // slot only loosely is left for another slot it fits properly ("excluding *.min.js"
    // is a file pattern to skip, not a directory to skip).
    // (Which cue marks a value more strongly is left to slot order: verbs never cue the
    // value before them, so "under backend change print" gives `backend` to "under".)
    let fits_better_elsewhere = |i: usize, me: &super::schema::Slot| -> bool {
        let m = &a.mentions[i];
        slot_fit(me, m) == Fit::Fallback
            && r.slots.iter().any(|o| {
                o.name != me.name
                    && slot_fit(o, m) == Fit::Primary
                    && (o.cues.is_empty() || m.cued_by(&o.cues))
            })
    };
    // Values held by optional slots, which a starving required slot may take back.
    let mut lent: Vec<(&str, usize)> = Vec::new();
    for s in r.slots.iter().filter(|s| !s.cues.is_empty()) {
        let pick = (0..a.mentions.len())
            .filter(|i| !used.contains(i))
            .filter(|&i| slot_fit(s, &a.mentions[i]) != Fit::No)
            .filter(|&i| !product_as_path(s, a, i))
            .filter(|&i| a.mentions[i].cued_by(&s.cues))
            .filter(|&i| !fits_better_elsewhere(i, s))
            .max_by_key(|&i| (slot_fit(s, &a.mentions[i]), std::cmp::Reverse(i)));
        if let Some(i) = pick {
            used.insert(i);
            vals.insert(s.name.clone(), Bound::Mention(i));
            if s.optional {
                lent.push((s.name.as_str(), i));
            }
        }
    }
    // A mention cued for some other slot of this recipe should not be taken by position,
    // unless it fits this slot better than that one.
    let cued_elsewhere = |i: usize, me: &super::schema::Slot| -> bool {
        let m = &a.mentions[i];
        r.slots.iter().any(|s| {
            s.name != me.name
                && !s.cues.is_empty()
                && slot_fit(s, m) != Fit::No
                && slot_fit(s, m) >= slot_fit(me, m)
                && m.cued_by(&s.cues)
        })
    };
    // Pass 2: remaining slots by position: required slots first, then slots with a
    // default, then optional slots without cues. Optional slots *with* cues only take
    // values their cues mark (pass 1): they are extras the user has to ask for.
    let rank = |s: &&super::schema::Slot| match (s.default.is_some(), s.optional) {
        (false, false) => 0,
        (false, true) => 1,
        (true, _) => 2,
    };
    // Values that fit a slot properly are handed out before loose fits, so a file pattern
    // goes to the pattern slot rather than to a directory slot that merely tolerates it.
    let mut positional: Vec<&super::schema::Slot> =
        r.slots.iter().filter(|s| !s.cue_only()).collect();
    positional.sort_by_key(|s| rank(s));
    for want in [Fit::Primary, Fit::Fallback] {
        for s in &positional {
            if vals.contains_key(&s.name) {
                continue;
            }
            // A command starts at a script by type; anything else is found by position
            // later (pass 3).
            if s.ty == "cmdline" && want != Fit::Primary {
                continue;
            }
            // A slot with a default (a place to search, a count) takes quoted text only
            // when a cue marks it: "grep for 'x'" gives no directory 'x'.
            // Nor does a product name become a path by position ("how much space is
            // docker taking up" is not `du -sh docker`).
            let pick = (0..a.mentions.len())
                .filter(|i| !used.contains(i))
                .filter(|&i| slot_fit(s, &a.mentions[i]) == want)
                .filter(|&i| s.default.is_none() || a.mentions[i].kind != Kind::Quoted)
                .filter(|&i| !product_as_path(s, a, i))
                // A command starts at a script by type, never at a folder or "here".
                .filter(|&i| s.ty != "cmdline" || looks_like_script(&a.mentions[i].text))
                .find(|&i| !cued_elsewhere(i, s));
            if let Some(i) = pick {
                // A bare word taken by position for a slot of another kind ("won" as the
                // folder of `find`) is a guess.
                if want == Fit::Fallback && a.mentions[i].kind == Kind::Name {
                    loose_names += 1;
                }
                used.insert(i);
                vals.insert(s.name.clone(), Bound::Mention(i));
                if rank(s) > 0 {
                    lent.push((s.name.as_str(), i));
                }
            }
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
    let mut used_words: HashSet<usize> = HashSet::default();
    let mut word_slots: Vec<(usize, String)> = Vec::new();
    let mut guessed: HashSet<String> = HashSet::default();
    let mut guessed_words: HashSet<usize> = HashSet::default();
    let mut command_mentions: HashSet<usize> = HashSet::default();
    let mut phrase_words: HashSet<usize> = HashSet::default();
    let mut phrase_slots: HashSet<String> = HashSet::default();
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
    let mut cued_words: HashSet<String> = HashSet::default();
    for s in &r.slots {
        if vals.contains_key(&s.name) {
            continue;
        }
        if slots::takes_words(&s.ty) && !s.cues.is_empty() && !slots::takes_phrase(&s.ty) {
            // A slot with cues takes the left-over word its cue marks: right after the cue
            // ("as admin", "with feature derive", "status of api"), or right before a kind
            // word ("the logs table"). Phrase slots take their run of words below.
            let is_cue = |t: usize| {
                s.cues
                    .iter()
                    .any(|c| a.tokens[t].text.eq_ignore_ascii_case(c))
            };
            let cued = leftovers.iter().copied().find(|&i| {
                !used_words.contains(&i) && s.accepts(&a.tokens[a.words[i].token].text) && {
                    let t = a.words[i].token;
                    let mut before = t;
                    // Skip articles and flags: "the logs of the api", "logs -f api".
                    while before > 0
                        && (matches!(
                            a.tokens[before - 1].text.to_ascii_lowercase().as_str(),
                            "the" | "a" | "an"
                        ) || a.tokens[before - 1].text.starts_with('-'))
                    {
                        before -= 1;
                    }
                    (before > 0 && is_cue(before - 1))
                        || (t + 1 < a.tokens.len()
                            && is_cue(t + 1)
                            && crate::nlu::extract::KIND_WORDS
                                .contains(&a.tokens[t + 1].text.to_ascii_lowercase().as_str()))
                }
            });
            if let Some(i) = cued {
                used_words.insert(i);
                cued_words.insert(s.name.clone());
                vals.insert(
                    s.name.clone(),
                    Bound::Words(a.tokens[a.words[i].token].text.clone()),
                );
                continue;
            }
        }
        if slots::takes_words(&s.ty) {
            // Words right after one of the slot's cues come first ("whose kind is cat":
            // `kind` for "whose", `cat` for "is"). A slot the user has to ask for
            // (optional, with cues) takes only those: "warn or error" fills an "or" slot.
            let cued_word = |i: &usize| {
                let tok = a.words[*i].token;
                tok > 0 && s.cues.contains(&a.tokens[tok - 1].text.to_lowercase())
            };
            let free: Vec<usize> = leftovers
                .iter()
                .copied()
                .filter(|i| !used_words.contains(i))
                .filter(|i| !s.cue_only() || cued_word(i))
                .collect();
            // A word its cue marks comes first ("to mirror"), else the first free word. Cue
            // words themselves ("named" in "a remote named fork") are never the value.
            let free: Vec<usize> = free
                .into_iter()
                .filter(|&w| !s.cues.contains(&a.words[w].lower))
                .collect();
            // So does the slot's own name right after the word: "the lint script" for a
            // slot named `script`, "the staging branch" for `branch`.
            let named_by_slot = |w: usize| {
                a.tokens.get(a.words[w].token + 1).is_some_and(|t| {
                    let next = t.text.to_lowercase();
                    next == s.name || next.strip_suffix('s') == Some(s.name.as_str())
                })
            };
            let cued_first = free.iter().copied().find(|&w| {
                cued_word(&w)
                    || word_cued(a, a.words[w].token, &s.cues, 2, false)
                    || named_by_slot(w)
            });
            if let Some(first) = cued_first.or_else(|| free.first().copied()) {
                let free: Vec<usize> = free.into_iter().filter(|&w| w >= first).collect();
                let mut span = vec![first];
                if slots::takes_phrase(&s.ty) {
                    // Extend over consecutive tokens (left-over or stopwords in between),
                    // but not across a word that cues another slot: in "warn or error",
                    // "or" starts the next value.
                    let other_cues: HashSet<&str> = r
                        .slots
                        .iter()
                        .filter(|o| o.name != s.name)
                        .flat_map(|o| o.cues.iter().map(String::as_str))
                        .collect();
                    // Only stopwords may sit inside a phrase value ("out of memory"), never
                    // a word the recipe itself uses ("in app change print to log").
                    let cue_between = |from: usize, to: usize| {
                        (from + 1..to).any(|t| {
                            let w = a.tokens[t].text.to_lowercase();
                            other_cues.contains(w.as_str())
                                || a.words.iter().any(|x| x.token == t && !x.stop)
                        })
                    };
                    let mut last_tok = a.words[first].token;
                    for &j in &free[1..] {
                        let tok = a.words[j].token;
                        if tok <= last_tok + 2 && !cue_between(last_tok, tok) {
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
                // Words pass the slot's filters like any value ("grep" is no device).
                if s.accepts(&text) {
                    // Only a value its cue marks counts as a value for ranking ("or error");
                    // words a slot merely soaked up do not make the recipe look better.
                    if cued_word(&span[0]) && span.len() == 1 {
                        word_slots.extend(span.iter().map(|&j| (j, s.ty.clone())));
                    }
                    if cued_first.is_some() {
                        cued_words.insert(s.name.clone());
                    } else if span.iter().all(|&j| known(&a.words[j].canon)) {
                        guessed_words.extend(span.iter().copied());
                    }
                    if span.len() > 1 {
                        phrase_words.extend(span.iter().copied());
                        phrase_slots.insert(s.name.clone());
                    }
                    used_words.extend(span);
                    vals.insert(s.name.clone(), Bound::Words(text));
                    continue;
                }
            }
        }
        if slots::takes_cued_word(&s.ty) {
            // A plain word right after one of the slot's cues names a path ("zip up
            // project", "under core") even when it is also an English word; elsewhere a
            // stray word never becomes a path.
            // After "called"/"named" even a stopword is the name ("a folder called out").
            let pick = (0..a.words.len()).find(|&i| {
                let w = &a.words[i];
                let text = a.tokens[w.token].text.to_lowercase();
                let after = preceding_word(a, w.token);
                let naming = after
                    .as_deref()
                    .is_some_and(|p| matches!(p, "called" | "named"));
                (leftovers.contains(&i) || (naming && w.stop))
                    && !used_words.contains(&i)
                    && !s.cues.contains(&text)
                    && text
                        .chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
                    && text.chars().any(|c| c.is_alphabetic())
                    && s.accepts(&text)
                    && after.is_some_and(|p| s.cues.contains(&p) && place_cue(&p))
            });
            if let Some(i) = pick {
                used_words.insert(i);
                word_slots.push((i, s.ty.clone()));
                let tok = a.words[i].token;
                vals.insert(s.name.clone(), Bound::Words(a.tokens[tok].text.clone()));
                continue;
            }
            // Last resort for a path the command cannot do without: a left-over word that
            // looks like a name ("mkdir build", where "build" is also an English word).
            // Never for optional slots, so a stray word never adds a path to a command.
            if !s.optional && s.default.is_none() {
                // Only in the object position: right after one of the recipe's own words
                // ("mkdir build", "the directory build") and before nothing or a stopword.
                let word_at = |t: usize| a.words.iter().find(|w| w.token == t);
                let pick = leftovers.iter().copied().find(|&i| {
                    let w = &a.words[i];
                    let text = &a.tokens[w.token].text;
                    let after_own_word = w.token > 0
                        && word_at(w.token - 1)
                            .is_some_and(|p| !p.stop && r.vocab.binary_search(&p.canon).is_ok());
                    let then_nothing = word_at(w.token + 1).is_none_or(|n| n.stop)
                        && a.mentions.iter().all(|m| m.first != w.token + 1);
                    !used_words.contains(&i)
                        && after_own_word
                        && then_nothing
                        && !s.cues.contains(&text.to_lowercase())
                        && w.lower == text.to_lowercase()
                        && text.len() > 1
                        && text
                            .chars()
                            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
                        && s.accepts(text)
                });
                if let Some(i) = pick {
                    // A guess: it fits loosely (no credit for type fit), but in the object
                    // position the word is explained.
                    guessed.insert(s.name.clone());
                    used_words.insert(i);
                    let tok = a.words[i].token;
                    vals.insert(s.name.clone(), Bound::Words(a.tokens[tok].text.clone()));
                    continue;
                }
            }
        }
        // Right after "called" / "named" any plain word is the name, vocabulary or not:
        // "a venv called venv", "a function named up".
        let named = (slots::is_identifier_type(&s.ty) || slots::is_path_type(&s.ty))
            .then(|| named_word(a, &s.cues, mod_words, &used_words))
            .flatten();
        if let Some(i) = named {
            used_words.insert(i);
            cued_words.insert(s.name.clone());
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
                cued_words.insert(s.name.clone());
                vals.insert(s.name.clone(), Bound::Words(text));
                continue;
            }
            None
        } else {
            None
        };
        if let Some(i) = cued_word {
            used_words.insert(i);
            cued_words.insert(s.name.clone());
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
    extend_command_args(r, a, &mut vals, &mut used);
    for i in &own {
        used.remove(i);
    }
    // A required slot never starves while an optional one holds a value it could take.
    missing.retain(|name| {
        let Some(s) = r.slots.iter().find(|s| &s.name == name) else {
            return true;
        };
        let donor = lent
            .iter()
            .position(|&(_, i)| slot_fit(s, &a.mentions[i]) != Fit::No);
        match donor {
            Some(k) => {
                let (owner, i) = lent.remove(k);
                vals.remove(owner);
                // The lender falls back to its default, if it has one.
                if let Some(d) = r
                    .slots
                    .iter()
                    .find(|o| o.name == owner)
                    .and_then(|o| o.default.clone())
                {
                    vals.insert(owner.to_string(), Bound::Raw(d));
                }
                vals.insert(s.name.clone(), Bound::Mention(i));
                false
            }
            None => true,
        }
    });
    Binding {
        vals,
        used_mentions: used,
        used_words,
        word_slots,
        guessed,
        guessed_words,
        command_mentions,
        phrase_words,
        phrase_slots,
        cued_words,
        loose_names,
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
    // The cue reaches over plain words, not over another value ("stop the docker daemon":
    // "docker" is what "stop" is about).
    let in_mention = |i: usize| a.mentions.iter().any(|m| m.first <= i && i <= m.last);
    let mut before = false;
    let mut seen = 0;
    for i in (0..tok).rev() {
        let w = a.tokens[i].text.to_lowercase();
        if crate::nlu::extract::is_article(&w) {
            continue;
        }
        if cues.contains(&w) {
            before = true;
            break;
        }
        seen += 1;
        if seen >= reach || in_mention(i) {
            break;
        }
    }
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

/// A command slot keeps the arguments typed right after it: in "rerun df -h every 10
/// seconds" the command is `df -h`, not `df`. Adjacent values nothing else took (flags,
/// numbers, paths) join the command.
fn extend_command_args(
    r: &Recipe,
    a: &Analysis,
    vals: &mut HashMap<String, Bound>,
    used: &mut HashSet<usize>,
) {
    use crate::nlu::Kind;
    for s in r.slots.iter().filter(|s| s.ty == "cmd") {
        let (first_tok, mut last_tok) = match vals.get(&s.name) {
            Some(Bound::Mention(i)) => (a.mentions[*i].first, a.mentions[*i].last),
            Some(Bound::Words(w)) => {
                // Recover the token span of a words-fill from its text.
                let n = w.split_whitespace().count();
                match (0..a.tokens.len()).find(|&t| {
                    t + n <= a.tokens.len()
                        && a.tokens[t..t + n]
                            .iter()
                            .map(|x| x.text.as_str())
                            .collect::<Vec<_>>()
                            .join(" ")
                            == *w
                }) {
                    Some(t) => (t, t + n - 1),
                    None => continue,
                }
            }
            _ => continue,
        };
        let start_last = last_tok;
        loop {
            let next = (0..a.mentions.len()).find(|&i| {
                !used.contains(&i)
                    && a.mentions[i].first == last_tok + 1
                    && matches!(
                        a.mentions[i].kind,
                        Kind::Flag | Kind::Number | Kind::Path | Kind::File | Kind::Glob
                    )
            });
            match next {
                Some(i) => {
                    used.insert(i);
                    last_tok = a.mentions[i].last;
                }
                None => break,
            }
        }
        if last_tok != start_last {
            let text = a.tokens[first_tok..=last_tok]
                .iter()
                .map(|t| t.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            vals.insert(s.name.clone(), Bound::Words(text));
        }
    }
}

/// Cues that put a location after them ("in", "under", "called"), unlike verbs and
/// negations ("without clobbering" is no folder).
fn place_cue(w: &str) -> bool {
    matches!(
        w,
        "in" | "into"
            | "to"
            | "from"
            | "under"
            | "inside"
            | "within"
            | "below"
            | "beneath"
            | "onto"
            | "of"
            | "up"
            | "called"
            | "named"
            | "folder"
            | "directory"
            | "dir"
    )
}

/// The lower-case word before token `tok`, skipping articles ("in the app" → "in").
fn preceding_word(a: &Analysis, tok: usize) -> Option<String> {
    (0..tok)
        .rev()
        .map(|t| a.tokens[t].text.to_lowercase())
        .find(|w| {
            !matches!(
                w.as_str(),
                "the" | "a" | "an" | "my" | "our" | "your" | "all" | "every" | "each"
            )
        })
}

/// Names whose values a raw (modifier) value printed, per name of that raw value.
type RawTraces = std::cell::RefCell<HashMap<String, Vec<String>>>;

/// Render, collecting in `printed` every name whose value reached the output, including
/// the slots a modifier's value printed ("-exec mv {} {dest}" prints `dest`).
#[allow(clippy::too_many_arguments)]
fn render_traced(
    t: &str,
    vals: &HashMap<String, Bound>,
    types: &HashMap<&str, &str>,
    a: &Analysis,
    target: Target,
    depth: usize,
    traces: &RawTraces,
    printed: &mut Vec<String>,
) -> Result<String, String> {
    let mut resolve = |name: &str, fmt: Option<&str>| -> Option<String> {
        let ty = types.get(name).copied().unwrap_or("name");
        match vals.get(name)? {
            Bound::Mention(i) => slots::render_mention(ty, fmt, &a.mentions[*i], target),
            Bound::Words(w) => slots::render_words(ty, fmt, w, target),
            Bound::Command(parts) => Some(slots::render_command(parts, fmt, target)),
            Bound::Raw(raw) if depth < 4 => {
                let mut inner = Vec::new();
                let out = render_traced(raw, vals, types, a, target, depth + 1, traces, &mut inner)
                    .ok()?;
                traces.borrow_mut().insert(name.to_string(), inner);
                Some(out)
            }
            Bound::Raw(_) => None,
        }
    };
    let out = template::render_traced(t, &mut resolve, printed)?;
    // Names printed through a printed raw value were printed too.
    let mut k = 0;
    while k < printed.len() {
        if let Some(inner) = traces.borrow().get(&printed[k]) {
            for n in inner {
                if !printed.contains(n) {
                    printed.push(n.clone());
                }
            }
        }
        k += 1;
    }
    Ok(out)
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

    #[test]
    fn confidence_separates_off_topic_scores_from_weak_answers() {
        let min = crate::engine::MIN_CONFIDENCE;
        // Off-topic requests sharing a word or two with a recipe score below 0.40.
        assert!(calibrate(0.40) < min, "{}", calibrate(0.40));
        // The weakest acceptable answers score from about 0.44.
        assert!(calibrate(0.44) > min, "{}", calibrate(0.44));
        // Monotone, and near-certain for a full match.
        assert!(calibrate(0.7) < calibrate(0.9));
        assert!(calibrate(1.2) > 0.95);
    }

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
    fn the_encoder_lifts_paraphrases_but_never_demotes_a_lexical_match() {
        // A strong lexical match keeps its score whatever the encoder says.
        assert_eq!(blend(0.9, Some(0.1)), 0.9);
        assert_eq!(blend(0.9, Some(0.5)), 0.9);
        // A weak lexical score with a close meaning is lifted, and ranks above one the
        // encoder finds unrelated.
        let paraphrase = blend(0.2, Some(0.8));
        assert!(paraphrase > 0.6, "{paraphrase}");
        assert!(paraphrase > blend(0.3, Some(0.3)));
        // No encoder: the lexical score as is.
        assert_eq!(blend(0.42, None), 0.42);
    }

    /// The top command for `request` from a knowledge base of just `recipes`.
    fn top(recipes: &str, request: &str) -> Option<String> {
        use crate::context::{Context, EnvView, Os, Shell};
        let input = super::super::compile::Input {
            lexicon_toml: include_str!("../../data/kb/lexicon.toml"),
            recipe_files: vec![("test.toml".into(), recipes.into())],
        };
        let out = super::super::compile::compile(&input).unwrap();
        let kb = super::super::Kb::from_compiled(&out);
        let a = crate::nlu::analyze(request, &kb.index.lexicon, false);
        let env = EnvView::from_pairs([("PATH", "/usr/bin:/bin")]);
        let ctx = Context::with_env(env, Some(Os::Linux), Some(Shell::Bash));
        propose(&kb, &a, &ctx, None, 1)
            .into_iter()
            .next()
            .map(|p| p.command)
    }

    const GREP: &str = r#"
[[recipe]]
id = "grep.tree"
say = ["search for {pattern} in {dir} except {skipdir} and {skipglob}"]
slots.pattern = { type = "pattern", cues = ["for"] }
slots.dir = { type = "dir", cues = ["in"], default = "." }
slots.skipdir = { type = "path", cues = ["excluding", "except"], optional = true }
slots.skipglob = { type = "glob", cues = ["excluding", "except"], optional = true }
run = "grep -rn {pattern}{[ --exclude={skipglob}]}{[ --exclude-dir={skipdir}]} {dir}"
explain = "search"

[[recipe]]
id = "grep.either"
say = ["grep {a} or {b} in {file}"]
slots.a = { type = "pattern", cues = ["grep"] }
slots.b = { type = "pattern", cues = ["or"], optional = true }
slots.file = { type = "file", cues = ["in"] }
run = "grep -E '{a:re}|{b:re}' {file}"
explain = "either"
"#;

    #[test]
    fn a_cued_value_goes_to_the_slot_it_fits_best() {
        // Both skip slots are cued by "excluding"; a glob fits the directory slot only
        // loosely, so it goes to the glob slot even though the directory slot comes first.
        assert_eq!(
            top(GREP, "search for foo in src excluding node_modules").as_deref(),
            Some("grep -rn foo --exclude-dir=node_modules src")
        );
        assert_eq!(
            top(GREP, "search for foo in src excluding *.min.js").as_deref(),
            Some("grep -rn foo --exclude='*.min.js' src")
        );
    }

    #[test]
    fn an_optional_cued_slot_takes_words_only_after_its_cue() {
        // "bright" and "dark" are plain words here (in the phrasing vocabulary), not names.
        let kb = format!("{GREP}\n[[recipe]]\nid = \"x\"\nsay = [\"bright dark colour palette theme settings\"]\nrun = \"true\"\nexplain = \"x\"\n");
        assert_eq!(
            top(&kb, "grep bright or dark in notes.txt").as_deref(),
            Some("grep -E 'bright|dark' notes.txt")
        );
        // Without the cue there is nothing for the "or" slot, so the recipe cannot render.
        assert_ne!(
            top(&kb, "grep bright dark in notes.txt").as_deref(),
            Some("grep -E 'bright|dark' notes.txt")
        );
    }

    #[test]
    fn a_phrase_value_stops_at_another_slots_cue() {
        let recipes = r#"
[[recipe]]
id = "sed.sub"
say = ["replace {old} with {new} in {file}"]
slots.old = { type = "text", cues = ["replace"] }
slots.new = { type = "text", cues = ["with"] }
slots.file = { type = "file", cues = ["in"] }
run = "sed 's/{old:sed}/{new:sedrep}/g' {file}"
explain = "substitute"

[[recipe]]
id = "x"
say = ["good morning good night greeting card printer setup"]
run = "true"
explain = "x"
"#;
        assert_eq!(
            top(recipes, "replace good morning with good night in notes.txt").as_deref(),
            Some("sed 's/good morning/good night/g' notes.txt")
        );
    }

    #[test]
    fn a_modifier_that_needs_a_value_it_lacks_rules_the_recipe_out() {
        let recipes = r#"
[[recipe]]
id = "find"
say = ["find {glob} files and delete them"]
slots.glob = { type = "glob", optional = true }
run = "find .{[ -name {glob}]}{[ {action}]}"
explain = "x"
[[recipe.mod]]
when = ["delete"]
set.action = "-delete"
needs = ["glob"]
"#;
        assert_eq!(
            top(recipes, "delete the *.tmp files").as_deref(),
            Some("find . -name '*.tmp' -delete")
        );
        // Nothing says which files: never "find . -delete".
        assert_eq!(top(recipes, "delete the files"), None);
    }

    #[test]
    fn slot_filters_apply_to_words_too() {
        let recipes = r#"
[[recipe]]
id = "smart"
say = ["health of disk {dev}"]
slots.dev = { type = "name", cues = ["disk"], prefixes = ["/dev/"] }
run = "smartctl -H {dev}"
explain = "x"
"#;
        assert_eq!(
            top(recipes, "health of disk /dev/sda").as_deref(),
            Some("smartctl -H /dev/sda")
        );
        // "health" and "disk" are plain words here; neither is a device.
        assert_eq!(top(recipes, "health of disk grep"), None);
    }

    #[test]
    fn a_required_path_takes_a_known_word_as_a_last_resort() {
        let recipes = r#"
[[recipe]]
id = "mkdir"
say = ["mkdir {path}"]
slots.path = { type = "path" }
run = "mkdir -p {path}"
explain = "x"

[[recipe]]
id = "words"
say = ["build the whole project with make and cmake"]
run = "make"
explain = "x"
"#;
        // "build" is a known word (another recipe uses it), not a name.
        assert_eq!(
            top(recipes, "mkdir build").as_deref(),
            Some("mkdir -p build")
        );
    }

    #[test]
    fn suffix_filters_take_and_refuse() {
        let slot = |suffixes: &[&str]| super::super::schema::Slot {
            name: "f".into(),
            ty: "file".into(),
            cues: vec![],
            default: None,
            optional: false,
            suffixes: suffixes.iter().map(|s| s.to_string()).collect(),
            prefixes: vec![],
        };
        assert!(slot(&[]).accepts("anything"));
        assert!(slot(&[".gz"]).accepts("'a b.GZ'"));
        assert!(!slot(&[".gz"]).accepts("a.zip"));
        assert!(!slot(&["!.tar.gz", ".gz"]).accepts("a.tar.gz"));
        // Only exclusions: everything else passes.
        assert!(slot(&["!.txt"]).accepts("/dev/sdb"));
        assert!(!slot(&["!.txt"]).accepts("notes.txt"));
        let dev = super::super::schema::Slot {
            prefixes: vec!["/dev/".into()],
            ..slot(&[])
        };
        assert!(dev.accepts("/dev/sdb"));
        assert!(!dev.accepts("disk.img"));
    }

    #[test]
    fn suffixes_route_archives_to_their_tool() {
        let recipes = r#"
[[recipe]]
id = "gz"
say = ["decompress {file}"]
slots.file = { type = "file", suffixes = ["!.tar.gz", ".gz"] }
run = "gunzip {file}"
explain = "x"

[[recipe]]
id = "tar"
say = ["decompress {file}"]
slots.file = { type = "file", suffixes = [".tar.gz", ".tgz"] }
run = "tar -xzf {file}"
explain = "x"
"#;
        assert_eq!(
            top(recipes, "decompress notes.txt.gz").as_deref(),
            Some("gunzip notes.txt.gz")
        );
        assert_eq!(
            top(recipes, "decompress site.TAR.GZ").as_deref(),
            Some("tar -xzf site.TAR.GZ")
        );
        // Neither takes a zip: nothing renders.
        assert_eq!(top(recipes, "decompress site.zip"), None);
    }

    #[test]
    fn path_slots_take_a_plain_word_only_after_their_cue() {
        let recipes = r#"
[[recipe]]
id = "du"
say = ["size of {dir}", "size of everything"]
slots.dir = { type = "dir", cues = ["of", "in"], default = "." }
run = "du -sh {dir}"
explain = "x"

[[recipe]]
id = "vocab"
say = ["project keeping"]
run = "true"
explain = "x"
"#;
        // "project" is a known word, but it follows the slot's place cue.
        assert_eq!(
            top(recipes, "size of everything in project").as_deref(),
            Some("du -sh project")
        );
        // A stray known word elsewhere never becomes a path.
        assert_eq!(top(recipes, "size keeping").as_deref(), Some("du -sh ."));
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
            suffixes: Vec::new(),
            prefixes: Vec::new(),
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
            requires: vec![],
            vocab: vec!["forc".into(), "push".into()],
            phrasings: vec![],
        };
        let remote = |text: &str| {
            let a = analyze(text, &lex, false);
            match bind(&recipe, &a, &HashSet::default(), &lex)
                .vals
                .get("remote")
            {
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
    fn cues_do_not_reach_over_values_and_slot_names_mark_words() {
        use crate::kb::schema::Slot;
        use crate::nlu::{analyze, Lexicon};
        let lex = Lexicon {
            vocab: vec!["daemon", "docker", "lint", "run", "script", "stop"],
            stop: vec!["the"],
            products: vec!["docker"],
            ..Default::default()
        };
        let recipe = |slot: Slot, vocab: &[&str]| Recipe {
            id: "t".into(),
            slots: vec![slot],
            run: [("any".to_string(), "x {v}".to_string())].into(),
            explain: String::new(),
            risk: None,
            os: vec![],
            shells: vec![],
            tools: vec![],
            mods: vec![],
            avoid: vec![],
            requires: vec![],
            vocab: {
                let mut v: Vec<String> = vocab.iter().map(|w| lex.canonical(w)).collect();
                v.sort();
                v
            },
            phrasings: vec![],
        };
        let bound = |r: &Recipe, text: &str| {
            let a = analyze(text, &lex, false);
            let b = bind(r, &a, &HashSet::default(), &lex);
            let name = &r.slots[0].name;
            let cued = b.cued_words.contains(name);
            match b.vals.get(name) {
                Some(Bound::Words(w)) => format!("{w}{}", if cued { " (cued)" } else { "" }),
                other => format!("{other:?}"),
            }
        };
        let stop = recipe(
            Slot {
                name: "v".into(),
                ty: "name".into(),
                cues: vec!["stop".into()],
                default: None,
                optional: true,
                suffixes: Vec::new(),
                prefixes: Vec::new(),
            },
            &["docker", "stop"],
        );
        // "stop" marks the word after it, but not across the product it is about.
        assert_eq!(bound(&stop, "stop the daemon"), "daemon (cued)");
        assert_eq!(bound(&stop, "stop the docker daemon"), "None");
        // A word right before the slot's own name is its value: "the lint script".
        let script = recipe(
            Slot {
                name: "script".into(),
                ty: "name".into(),
                cues: vec![],
                default: None,
                optional: false,
                suffixes: Vec::new(),
                prefixes: Vec::new(),
            },
            &["run", "script"],
        );
        assert_eq!(bound(&script, "run the lint script"), "lint (cued)");
    }

    /// Top proposals of the real knowledge base for a Linux bash request.
    fn top_commands(request: &str) -> Vec<String> {
        use crate::context::{Context, EnvView, Os, Shell};
        let kb = crate::kb::get();
        let ctx = Context::with_env(
            EnvView::from_pairs([("PATH", "/usr/bin:/bin")]),
            Some(Os::Linux),
            Some(Shell::Bash),
        );
        let a = crate::nlu::analyze(request, &kb.index.lexicon, false);
        propose(kb, &a, &ctx, None, SHORTLIST)
            .into_iter()
            .map(|p| p.command)
            .collect()
    }

    #[test]
    fn required_values_nobody_gave_leave_no_command() {
        // `datetime.epoch_to_date` needs the epoch; without one it must not offer
        // `date -u -d @` with nothing after the `@`.
        let got = top_commands("the date right now in utc, yyyy-mm-dd");
        assert!(
            got.iter()
                .all(|c| !c.contains("-d @ ") && !c.ends_with('@')),
            "{got:?}"
        );
        assert_eq!(got[0], "date -u +%F");
    }

    #[test]
    fn unknown_words_nothing_uses_lower_every_guess() {
        // Neither `whoami` nor `find won -name cup` answers this.
        let kb = crate::kb::get();
        let a = crate::nlu::analyze("who won the world cup in 1998", &kb.index.lexicon, false);
        let ctx = crate::context::Context::with_env(
            crate::context::EnvView::from_pairs([("PATH", "/usr/bin:/bin")]),
            Some(crate::context::Os::Linux),
            Some(crate::context::Shell::Bash),
        );
        let out = propose(kb, &a, &ctx, None, 3);
        assert!(
            out.iter().all(|p| p.score.final_score < 0.4),
            "{:?}",
            out[0]
        );
        let whoami = out.iter().find(|p| p.recipe == "user.whoami");
        assert!(whoami.is_none_or(|p| p.score.stray == 2.0));
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
                suffixes: Vec::new(),
                prefixes: Vec::new(),
            }],
            run: [("any".to_string(), "find {dir}".to_string())].into(),
            explain: String::new(),
            risk: None,
            os: vec![],
            shells: vec![],
            tools: vec![],
            mods: vec![],
            avoid: vec![],
            requires: vec![],
            vocab: vec!["count".into(), "fil".into()],
            phrasings: vec![],
        };
        let dir = |text: &str| {
            let a = analyze(text, &lex, false);
            match bind(&recipe, &a, &HashSet::default(), &lex).vals.get("dir") {
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
                suffixes: Vec::new(),
                prefixes: Vec::new(),
            }],
            run: [("any".to_string(), "npx {pkg}".to_string())].into(),
            explain: String::new(),
            risk: None,
            os: vec![],
            shells: vec![],
            tools: vec![],
            mods: vec![],
            avoid: vec![],
            requires: vec![],
            vocab: vec!["run".into()],
            phrasings: vec![],
        };
        let a = analyze("run make install", &lex, false);
        let b = bind(&recipe, &a, &HashSet::default(), &lex);
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
            suffixes: Vec::new(),
            prefixes: Vec::new(),
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
            requires: vec![],
            vocab: vec!["alia".into(), "session".into()],
            phrasings: vec![],
        };
        let target = Target {
            shell: Shell::Bash,
            os: Os::Linux,
        };
        let cmd = |text: &str| {
            let a = analyze(text, &lex, false);
            let b = bind(&recipe, &a, &HashSet::default(), &lex);
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
        TermWeights {
            weights,
            norm,
            products: vec![],
            name_symbol: None,
        }
    }

    const FIXTURE_TERMS: [&str; 7] = [
        "delet", "tag", "#version", "#name", "#glob", "#path", "#files",
    ];

    fn table(idf: &[f32]) -> TermTable<'_> {
        TermTable {
            terms: &FIXTURE_TERMS,
            idf,
        }
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
        let exact = phrasing_cos(&table(&idf), &syms, &phrasing(&idf, &[0, 1, 2]), &request);
        assert!((exact - 1.0).abs() < 1e-6, "{exact}");
        // A second value slot whose symbol is related to the first one may not count the
        // request's one version again.
        let extra = phrasing_cos(
            &table(&idf),
            &syms,
            &phrasing(&idf, &[0, 1, 2, 3]),
            &request,
        );
        assert!(extra < exact, "{extra}");
    }

    #[test]
    fn files_symbols_match_paths_and_globs_in_full() {
        let (idf, syms) = lexical_fixture();
        // `#files` weighs as little as its commonest kind when compiled (the `#path` weight).
        let p = phrasing(&idf, &[0, 6]);
        for request in [[0u32, 4], [0, 5]] {
            let score = phrasing_cos(&table(&idf), &syms, &p, &weights(&idf, &request));
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
