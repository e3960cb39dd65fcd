//! Every command, subcommand and flag the recipes in `data/kb/*.toml` write must have an
//! entry in the command dictionary (`data/commands.toml`), so `caro explain` can say
//! what each part of every suggestion does.
//!
//! Templates are rendered with their optional groups switched on and off (every slot as
//! the placeholder `SLOT`, every modifier value in turn), then explained; words that
//! contain a slot value are skipped, since the value decides what they are. The recipes'
//! own test commands are explained as written. The missing entries are printed.
//!
//! `EXPLAIN_KB_DIR=dir1:dir2` checks other recipe directories instead (work in progress in
//! other branches).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::PathBuf;

use caro::context::{Os, Shell};
use caro::explain::{explain, Part, PartKind, Step, StepKind, Target};
use caro::kb::schema::{RecipeFile, RecipeSrc, TemplateSrc};
use caro::kb::template;

const SLOT: &str = "SLOT";

fn recipe_files() -> Vec<PathBuf> {
    let dirs = std::env::var("EXPLAIN_KB_DIR").unwrap_or_else(|_| "data/kb".into());
    let mut files = Vec::new();
    for dir in dirs.split(':').filter(|d| !d.is_empty()) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir}: {e}"));
        for path in entries.flatten().map(|e| e.path()) {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            if name.ends_with(".toml") && name != "lexicon.toml" {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Where a template variant is meant to run (`macos+fish`, `posix`, `linux`, `any`).
fn variant_target(key: &str, recipe: &RecipeSrc) -> (Os, Shell) {
    let os = if key.contains("macos") || (!key.contains("linux") && recipe.os == ["macos"]) {
        Os::Macos
    } else {
        Os::Linux
    };
    let shell = if key.contains("fish") {
        Shell::Fish
    } else if key.contains("zsh") || (recipe.shells == ["zsh"] && !key.contains("bash")) {
        Shell::Zsh
    } else if !key.contains("bash") && !key.contains("posix") && recipe.shells == ["fish"] {
        Shell::Fish
    } else {
        Shell::Bash
    };
    (os, shell)
}

/// Values per name for one rendering: `None` leaves the name out.
type Values = BTreeMap<String, Option<String>>;

fn render(t: &str, values: &Values) -> Option<String> {
    template::render(t, &mut |name, _fmt| values.get(name).cloned().flatten()).ok()
}

/// The renderings that switch every optional part on and off at least once.
fn renderings(recipe: &RecipeSrc) -> Vec<(Os, Shell, String)> {
    let mut mods: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for m in &recipe.mods {
        for (k, v) in &m.set {
            mods.entry(k.clone()).or_default().push(v.clone());
        }
    }
    let mut slot_values = Values::new();
    for (name, _) in &recipe.slots {
        slot_values.insert(name.clone(), Some(SLOT.to_string()));
    }
    // Modifier values may use slots.
    let mods: BTreeMap<String, Vec<String>> = mods
        .into_iter()
        .map(|(k, vs)| {
            let rendered = vs.iter().filter_map(|v| render(v, &slot_values)).collect();
            (k, rendered)
        })
        .collect();
    let mut base = slot_values.clone();
    for (k, vs) in &mods {
        base.insert(k.clone(), vs.first().cloned());
    }
    let mut variants = vec![base.clone()];
    for name in base.keys() {
        let mut v = base.clone();
        v.insert(name.clone(), None);
        variants.push(v);
    }
    for (k, vs) in &mods {
        for value in vs.iter().skip(1) {
            let mut v = base.clone();
            v.insert(k.clone(), Some(value.clone()));
            variants.push(v);
        }
    }
    let mut bare = base.clone();
    for (name, slot) in &recipe.slots {
        if slot.optional || slot.default.is_some() {
            bare.insert(name.clone(), None);
        }
    }
    for k in mods.keys() {
        if !recipe.slots.iter().any(|(n, _)| n == k) {
            bare.insert(k.clone(), None);
        }
    }
    variants.push(bare);

    let templates: Vec<(String, String)> = match &recipe.run {
        TemplateSrc::One(t) => vec![("any".into(), t.clone())],
        TemplateSrc::Variants(map) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
    };
    let mut out = HashSet::new();
    for (key, t) in &templates {
        let (os, shell) = variant_target(key, recipe);
        for v in &variants {
            if let Some(cmd) = render(t, v) {
                out.insert((os, shell, cmd));
            }
        }
    }
    let mut out: Vec<_> = out.into_iter().collect();
    out.sort_by(|a, b| a.2.cmp(&b.2));
    for test in &recipe.tests {
        let os = match test.os.as_deref() {
            Some("macos") => Os::Macos,
            _ => Os::Linux,
        };
        let shell = test
            .shell
            .as_deref()
            .and_then(|s| s.parse().ok())
            .unwrap_or(Shell::Bash);
        out.push((os, shell, test.cmd.clone()));
    }
    out
}

fn gaps_in_part(step: &Step, part: &Part, missing: &mut BTreeSet<String>) {
    if part.text.contains(SLOT) {
        return;
    }
    let owner = step.entry.as_deref().unwrap_or("?");
    match part.kind {
        PartKind::Option if !part.known => {
            let flag = part.flag.as_deref().unwrap_or(&part.text);
            missing.insert(format!("{owner}: option {flag}"));
        }
        PartKind::Flags => {
            for sub in part.parts.iter().filter(|p| !p.known) {
                let flag = sub.flag.as_deref().unwrap_or(&sub.text);
                missing.insert(format!("{owner}: option {flag}"));
            }
        }
        PartKind::Subcommand if !part.known => {
            missing.insert(format!("{owner}: subcommand {}", part.text));
        }
        _ => {}
    }
}

#[test]
fn every_command_and_flag_in_the_recipes_is_explained() {
    let mut missing: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut unplaced: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut checked = 0;
    let mut unparsed = 0;
    for path in recipe_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let file: RecipeFile =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for recipe in &file.recipe {
            for (os, shell, cmd) in renderings(recipe) {
                let target = Target {
                    shell,
                    os,
                    flavour: os.default_flavour(),
                };
                let Ok(e) = explain(&cmd, target) else {
                    continue;
                };
                if e.syntax_error.is_some() {
                    // The recipe tests check the syntax; a placeholder can break it.
                    unparsed += 1;
                    continue;
                }
                checked += 1;
                let mut gaps = BTreeSet::new();
                for step in e.commands.iter().filter(|s| s.kind == StepKind::Command) {
                    let name = step
                        .parts
                        .iter()
                        .find(|p| p.kind == PartKind::Command)
                        .map(|p| p.text.as_str())
                        .unwrap_or("");
                    if !step.known {
                        // Paths, computed names (`"$f"`) and placeholders name no command.
                        let computed = name.contains(['$', '/', '"', '\'', '(']);
                        if !name.contains(SLOT) && !computed && !name.is_empty() {
                            gaps.insert(format!("command {name}"));
                        }
                        continue;
                    }
                    for part in &step.parts {
                        gaps_in_part(step, part, &mut gaps);
                        if part.kind == PartKind::Operand
                            && !part.known
                            && !part.text.contains(SLOT)
                        {
                            unplaced
                                .entry(format!(
                                    "{}: operand {}",
                                    step.entry.as_deref().unwrap_or("?"),
                                    part.text
                                ))
                                .or_default()
                                .insert(recipe.id.clone());
                        }
                    }
                }
                for g in gaps {
                    missing.entry(g).or_default().insert(recipe.id.clone());
                }
            }
        }
    }
    eprintln!("{checked} renderings explained, {unparsed} skipped as not valid syntax");
    assert!(checked > 0, "no recipe templates were found");
    let report = |map: &BTreeMap<String, BTreeSet<String>>| {
        map.iter()
            .map(|(gap, ids)| {
                let ids: Vec<_> = ids.iter().take(3).cloned().collect();
                format!("  {gap}   (used by {})", ids.join(", "))
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    if !unplaced.is_empty() {
        eprintln!(
            "operands the dictionary has no place for ({}):\n{}",
            unplaced.len(),
            report(&unplaced)
        );
    }
    assert!(
        missing.is_empty() && unplaced.is_empty(),
        "{} commands, subcommands or flags the recipes use have no entry in \
         data/commands.toml ({checked} renderings checked):\n{}",
        missing.len(),
        report(&missing)
    );
}
