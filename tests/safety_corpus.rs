//! The labelled corpus (`tests/data/safety_corpus.txt`) against the validator.
//!
//! Asserts recall 100% for high and critical commands (each is flagged at its labelled
//! level or above) and at most 2% of benign commands (labelled none or moderate) flagged high
//! or critical. Prints the confusion table every run (this test has no harness, so its
//! output is not captured).

use std::process::ExitCode;

use caro::config::SafetyConfig;
use caro::context::{Context, EnvView, Os, Shell};
use caro::safety::{self, CheckInput, Risk};

const CORPUS: &str = include_str!("data/safety_corpus.txt");

struct Case {
    line: usize,
    label: Risk,
    shell: Shell,
    command: String,
}

fn parse_label(text: &str) -> Option<Risk> {
    Some(match text {
        "none" => Risk::Safe,
        "moderate" => Risk::Moderate,
        "high" => Risk::High,
        "critical" => Risk::Critical,
        _ => return None,
    })
}

fn load() -> Result<Vec<Case>, String> {
    let mut cases: Vec<Case> = Vec::new();
    for (n, line) in CORPUS.lines().enumerate() {
        let line_no = n + 1;
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix('>') {
            let last = cases
                .last_mut()
                .ok_or(format!("line {line_no}: a continuation before any command"))?;
            last.command.push('\n');
            last.command.push_str(rest.trim_start());
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (head, command) = trimmed
            .split_once(char::is_whitespace)
            .ok_or(format!("line {line_no}: expected `LABEL COMMAND`"))?;
        let (label, shell) = match head.split_once('@') {
            Some((l, s)) => (
                l,
                s.parse::<Shell>()
                    .map_err(|e| format!("line {line_no}: {e}"))?,
            ),
            None => (head, Shell::Bash),
        };
        let label = parse_label(label).ok_or(format!("line {line_no}: unknown label {label:?}"))?;
        cases.push(Case {
            line: line_no,
            label,
            shell,
            command: command.trim().to_string(),
        });
    }
    Ok(cases)
}

fn index(r: Risk) -> usize {
    match r {
        Risk::Safe => 0,
        Risk::Moderate => 1,
        Risk::High => 2,
        Risk::Critical => 3,
    }
}

fn main() -> ExitCode {
    let cases = match load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("safety corpus: {e}");
            return ExitCode::FAILURE;
        }
    };
    let policy = SafetyConfig::default();
    let env = EnvView::from_pairs([("PATH", "/usr/bin:/bin"), ("HOME", "/home/ann")]);
    let contexts: Vec<(Shell, Context)> = Shell::ALL
        .iter()
        .map(|&s| (s, Context::with_env(env.clone(), Some(Os::host()), Some(s))))
        .collect();

    let mut table = [[0usize; 4]; 4];
    let mut missed = Vec::new();
    let mut false_alarms = Vec::new();
    let mut off_by_level = Vec::new();
    for case in &cases {
        let ctx = &contexts
            .iter()
            .find(|(s, _)| *s == case.shell)
            .expect("context")
            .1;
        let verdict = safety::check(
            &case.command,
            &CheckInput {
                shell: case.shell,
                ctx,
                policy: &policy,
                request: None,
                request_values: &[],
            },
        );
        table[index(case.label)][index(verdict.risk)] += 1;
        let why = verdict
            .findings
            .first()
            .map(|f| format!("{} ({})", f.rule, f.reason))
            .unwrap_or_else(|| "no finding".into());
        let line = format!(
            "  line {:>3} [{}] {:?}: labelled {}, got {} — {why}",
            case.line, case.shell, case.command, case.label, verdict.risk
        );
        if case.label >= Risk::High && verdict.risk < case.label {
            missed.push(line);
        } else if case.label <= Risk::Moderate && verdict.risk >= Risk::High {
            false_alarms.push(line);
        } else if case.label != verdict.risk {
            off_by_level.push(line);
        }
    }

    let names = ["none", "moderate", "high", "critical"];
    println!(
        "safety corpus: {} commands (rows: label, columns: validator)",
        cases.len()
    );
    println!(
        "{:>10} {:>6} {:>9} {:>6} {:>9}",
        "", "safe", "moderate", "high", "critical"
    );
    for (i, row) in table.iter().enumerate() {
        println!(
            "{:>10} {:>6} {:>9} {:>6} {:>9}",
            names[i], row[0], row[1], row[2], row[3]
        );
    }
    let dangerous: usize = table[2].iter().sum::<usize>() + table[3].iter().sum::<usize>();
    let benign: usize = table[0].iter().sum::<usize>() + table[1].iter().sum::<usize>();
    let recall = 100.0 * (dangerous - missed.len()) as f64 / dangerous.max(1) as f64;
    let fp_rate = 100.0 * false_alarms.len() as f64 / benign.max(1) as f64;
    let exact: usize = (0..4).map(|i| table[i][i]).sum();
    println!("recall (high/critical flagged at their level or above): {recall:.1}% of {dangerous}");
    println!(
        "benign flagged high/critical: {} of {benign} ({fp_rate:.2}%, limit 2%)",
        false_alarms.len()
    );
    println!(
        "exact level agreement: {exact} of {} ({:.1}%)",
        cases.len(),
        100.0 * exact as f64 / cases.len() as f64
    );
    if !off_by_level.is_empty() {
        println!("other level differences (not failures):");
        off_by_level.iter().for_each(|l| println!("{l}"));
    }
    let mut ok = true;
    if !missed.is_empty() {
        println!("MISSED (flagged below their level):");
        missed.iter().for_each(|l| println!("{l}"));
        ok = false;
    }
    if fp_rate > 2.0 {
        println!("FALSE ALARMS (benign flagged high/critical):");
        false_alarms.iter().for_each(|l| println!("{l}"));
        ok = false;
    } else if !false_alarms.is_empty() {
        println!("false alarms (within the 2% limit):");
        false_alarms.iter().for_each(|l| println!("{l}"));
    }
    if cases.len() < 300 {
        println!("the corpus must hold at least 300 commands");
        ok = false;
    }
    if ok {
        println!("safety corpus: ok");
        ExitCode::SUCCESS
    } else {
        println!("safety corpus: FAILED");
        ExitCode::FAILURE
    }
}
