//! Every `[[recipe.tests]]` example in `data/kb/*.toml`: the request must produce exactly
//! the given command as the top suggestion, from the recipe that declares it.

use std::time::{Duration, Instant};

use caro::context::{Context, EnvView, Os, Shell};
use caro::engine::builtin::Builtin;
use caro::engine::Engine;
use caro::kb::schema::RecipeFile;
use caro::request::Request;

#[test]
fn recipe_examples_render_exactly() {
    let mut failures = Vec::new();
    let mut total = 0;
    let mut files: Vec<_> = std::fs::read_dir("data/kb")
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .filter(|p| !p.ends_with("lexicon.toml"))
        .collect();
    files.sort();
    let engine = Builtin::lexical();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let file: RecipeFile = toml::from_str(&text).unwrap();
        for recipe in &file.recipe {
            for t in &recipe.tests {
                total += 1;
                let os: Os = t.os.as_deref().unwrap_or("linux").parse().unwrap();
                let shell: Shell = t.shell.as_deref().unwrap_or("bash").parse().unwrap();
                let env = EnvView::from_pairs([("PATH", "/usr/local/bin:/usr/bin:/bin")]);
                let ctx = Context::with_env(env, Some(os), Some(shell));
                let req = Request::new(&t.ask);
                let deadline = Instant::now() + Duration::from_secs(5);
                let got = engine.propose(&req, &ctx, 3, deadline).unwrap();
                let top = got.first();
                let ok = top.is_some_and(|c| {
                    c.command == t.cmd && c.recipe.as_deref() == Some(recipe.id.as_str())
                });
                if !ok {
                    failures.push(format!(
                        "{} [{}]: {:?} ({os}/{shell})\n    want {}\n    got  {}",
                        path.file_name().unwrap().to_string_lossy(),
                        recipe.id,
                        t.ask,
                        t.cmd,
                        top.map(|c| format!(
                            "{} (from {})",
                            c.command,
                            c.recipe.as_deref().unwrap_or("?")
                        ))
                        .unwrap_or_else(|| "nothing".into())
                    ));
                }
            }
        }
    }
    println!("{} of {total} recipe examples pass", total - failures.len());
    assert!(
        failures.is_empty(),
        "{} of {total} recipe examples fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
