//! Every `[[recipe.tests]]` request, rendered for bash, zsh and fish, must produce a
//! command that the target shell parses (`bash -n`, `zsh -n`, `fish --no-execute`).
//! A shell that is not installed is skipped with a note; CI installs all three.

use std::process::Command;
use std::time::{Duration, Instant};

use caro::context::{Context, EnvView, Os, Shell};
use caro::engine::builtin::Builtin;
use caro::engine::Engine;
use caro::kb::schema::RecipeFile;
use caro::request::Request;

fn installed(shell: &str) -> bool {
    Command::new(shell)
        .arg("-c")
        .arg("true")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The shell's own verdict on `command`: `None` when it parses.
fn parse_error(shell: Shell, command: &str) -> Option<String> {
    let out = match shell {
        Shell::Bash => Command::new("bash").args(["-n", "-c", command]).output(),
        Shell::Zsh => Command::new("zsh").args(["-n", "-c", command]).output(),
        Shell::Fish => Command::new("fish")
            .args(["--no-config", "--no-execute", "-c", command])
            .output(),
    }
    .ok()?;
    (!out.status.success()).then(|| String::from_utf8_lossy(&out.stderr).trim().to_string())
}

#[test]
fn recipe_examples_parse_in_every_shell() {
    let shells: Vec<Shell> = [Shell::Bash, Shell::Zsh, Shell::Fish]
        .into_iter()
        .filter(|s| {
            let ok = installed(s.as_str());
            if !ok {
                println!("note: {} is not installed, skipped", s.as_str());
            }
            ok
        })
        .collect();
    let mut files: Vec<_> = std::fs::read_dir("data/kb")
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && !p.ends_with("lexicon.toml"))
        .collect();
    files.sort();
    let mut examples = Vec::new();
    for path in files {
        let file: RecipeFile = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for recipe in file.recipe {
            for t in recipe.tests {
                examples.push((recipe.id.clone(), t));
            }
        }
    }
    // One thread per shell: each spawns its shell once per example.
    let results: Vec<(usize, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = shells
            .iter()
            .map(|&shell| {
                let examples = &examples;
                scope.spawn(move || {
                    let engine = Builtin::lexical();
                    let mut failures = Vec::new();
                    let mut checked = 0;
                    for (id, t) in examples {
                        let os: Os = t.os.as_deref().unwrap_or("linux").parse().unwrap();
                        let env = EnvView::from_pairs([("PATH", "/usr/local/bin:/usr/bin:/bin")]);
                        let ctx = Context::with_env(env, Some(os), Some(shell));
                        let deadline = Instant::now() + Duration::from_secs(5);
                        let got = engine
                            .propose(&Request::new(&t.ask), &ctx, 1, deadline)
                            .unwrap();
                        let Some(top) = got.first() else { continue };
                        checked += 1;
                        if let Some(err) = parse_error(shell, &top.command) {
                            failures.push(format!(
                                "[{id}] {:?} ({os}/{}): {}\n    {err}",
                                t.ask,
                                shell.as_str(),
                                top.command
                            ));
                        }
                    }
                    (checked, failures)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let checked: usize = results.iter().map(|(n, _)| n).sum();
    let failures: Vec<String> = results.into_iter().flat_map(|(_, f)| f).collect();
    println!("{checked} rendered commands parsed");
    assert!(
        failures.is_empty(),
        "{} commands do not parse:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
