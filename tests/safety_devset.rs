//! The shared development cases (`dev.jsonl`, outside the repository) against the validator:
//! every expected command of a case must get the case's `danger` label at least, and benign
//! look-alikes (`none`) must not be flagged high or critical.
//!
//! Runs only when `CARO_DEV_CASES` names the file:
//! `CARO_DEV_CASES=/work/shared/eval/dev.jsonl cargo test --test safety_devset -- --nocapture`

use caro::config::SafetyConfig;
use caro::context::{Context, EnvView, Os, Shell};
use caro::safety::{self, CheckInput, Risk};

fn label(text: &str) -> Option<Risk> {
    Some(match text {
        "none" => Risk::Safe,
        "moderate" => Risk::Moderate,
        "high" => Risk::High,
        "critical" => Risk::Critical,
        _ => return None,
    })
}

#[test]
fn dev_cases_match_their_danger_labels() {
    let Ok(path) = std::env::var("CARO_DEV_CASES") else {
        eprintln!("CARO_DEV_CASES is not set: skipping the dev-set check");
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let policy = SafetyConfig::default();
    let env = EnvView::from_pairs([("PATH", "/usr/bin:/bin"), ("HOME", "/home/ann")]);
    let mut table = [[0usize; 4]; 4];
    let mut problems = Vec::new();
    let mut commands = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: serde_json::Value = serde_json::from_str(line).expect("json line");
        let Some(want) = case["danger"].as_str().and_then(label) else {
            continue;
        };
        let shell = match case["shell"].as_str() {
            Some("zsh") => Shell::Zsh,
            Some("fish") => Shell::Fish,
            _ => Shell::Bash,
        };
        let os = match case["os"].as_str() {
            Some("macos") => Os::Macos,
            _ => Os::Linux,
        };
        let ctx = Context::with_env(env.clone(), Some(os), Some(shell));
        for expected in case["expected"].as_array().into_iter().flatten() {
            let Some(command) = expected.as_str() else {
                continue;
            };
            commands += 1;
            let v = safety::check(
                command,
                &CheckInput {
                    shell,
                    ctx: &ctx,
                    policy: &policy,
                    request: None,
                    request_values: &[],
                },
            );
            table[want as usize][v.risk as usize] += 1;
            let bad = (want >= Risk::High && v.risk < want)
                || (want <= Risk::Moderate && v.risk >= Risk::High);
            if bad || want != v.risk {
                let rule = v.findings.first().map_or("-", |f| f.rule.as_str());
                problems.push(format!(
                    "{} {} {command:?}: label {want}, got {} [{rule}]",
                    if bad { "FAIL" } else { "diff" },
                    case["id"].as_str().unwrap_or("?"),
                    v.risk
                ));
            }
        }
    }
    println!("dev set: {commands} expected commands (rows: label, columns: validator)");
    for (i, name) in ["none", "moderate", "high", "critical"].iter().enumerate() {
        println!("{name:>10} {:?}", table[i]);
    }
    problems.iter().for_each(|p| println!("{p}"));
    assert!(
        !problems.iter().any(|p| p.starts_with("FAIL")),
        "dev cases flagged below their label or benign ones flagged high"
    );
}
