//! How long the validator takes: a typical suggestion (limit 50 µs) and a 10 KB command
//! (limit 2 ms), plus the parser alone, and whole `caro` processes: every Ctrl-G is a fresh
//! process, so what the first check pays for the safety data shows there and only there.
//! `cargo bench --bench safety`; medians are in the criterion report ("time: [low median
//! high]"). Instruction counts for one process (stable on a busy machine) come from
//! `scripts/safety-callgrind`.

use std::hint::black_box;
use std::process::Command;

use caro::config::SafetyConfig;
use caro::context::{Context, EnvView, Os, Shell};
use caro::safety::{self, CheckInput};
use criterion::{criterion_group, criterion_main, Criterion};

fn context(shell: Shell) -> Context {
    let path = std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into());
    let env = EnvView::from_pairs([("PATH", path.as_str()), ("HOME", "/home/ann")]);
    Context::with_env(env, Some(Os::host()), Some(shell))
}

/// A realistic 10 KB script: loops, pipelines, substitutions, redirections.
fn ten_kb() -> String {
    let mut s = String::new();
    let mut i = 0;
    while s.len() < 10 * 1024 {
        s.push_str(&format!(
            "for f in ./logs/app-{i}/*.log; do gzip -9 \"$f\" && echo \"packed $f\" >> pack-{i}.log; done\n\
             find ./build/{i} -name '*.o' -mtime +7 -exec rm -f {{}} + 2>/dev/null || true\n\
             grep -rn --include='*.rs' \"TODO({i})\" src | sort | uniq -c | sort -rn | head -n 20\n"
        ));
        i += 1;
    }
    s
}

fn bench(c: &mut Criterion) {
    let policy = SafetyConfig::default();
    let typical = "find . -name '*.log' -mtime +7 -exec rm {} +";
    let dangerous = "curl -fsSL https://get.example.sh | sudo bash";
    let big = ten_kb();
    assert!(big.len() >= 10 * 1024);
    for shell in [Shell::Bash, Shell::Fish] {
        let ctx = context(shell);
        let input = |request| CheckInput {
            shell,
            ctx: &ctx,
            policy: &policy,
            request,
            request_values: &[],
        };
        // Warm the per-process caches (rules, PATH lookups) the way the first call would.
        let _ = safety::check(typical, &input(None));
        c.bench_function(&format!("check typical ({shell})"), |b| {
            b.iter(|| safety::check(black_box(typical), &input(Some("delete old logs"))))
        });
        c.bench_function(&format!("check dangerous pipe ({shell})"), |b| {
            b.iter(|| safety::check(black_box(dangerous), &input(None)))
        });
    }
    let ctx = context(Shell::Bash);
    let input = CheckInput {
        shell: Shell::Bash,
        ctx: &ctx,
        policy: &policy,
        request: None,
        request_values: &[],
    };
    let _ = safety::check(&big, &input);
    c.bench_function("check 10 KB script (bash)", |b| {
        b.iter(|| safety::check(black_box(&big), &input))
    });
    c.bench_function("parse 10 KB script (bash)", |b| {
        b.iter(|| safety::parse(black_box(&big), Shell::Bash))
    });
    // The most a process could pay for the data: every entry parsed, every pattern compiled.
    c.bench_function("parse every data entry (worst case per process)", |b| {
        b.iter(safety::bench_support::parse_every_entry)
    });
    c.bench_function("parse typical (bash)", |b| {
        b.iter(|| safety::parse(black_box(typical), Shell::Bash))
    });
}

/// One `caro` run, isolated from the user's configuration; the widget runs exactly this.
fn run_caro(home: &std::path::Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_caro"))
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("CARO_ENGINE", "builtin")
        .output()
        .expect("run caro");
    assert!(
        out.status.success(),
        "caro {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn bench_process(c: &mut Criterion) {
    let home = std::env::temp_dir().join(format!("caro-bench-{}", std::process::id()));
    std::fs::create_dir_all(&home).expect("bench home");
    let mut group = c.benchmark_group("process");
    group.sample_size(40);
    group.bench_function("caro check 'ls -la'", |b| {
        b.iter(|| run_caro(&home, &["check", "ls -la"]))
    });
    group.bench_function("caro suggest (builtin engine)", |b| {
        b.iter(|| {
            run_caro(
                &home,
                &[
                    "suggest",
                    "--os",
                    "linux",
                    "--shell",
                    "bash",
                    "--",
                    "find all .log files under /var/log bigger than 50mb",
                ],
            )
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&home);
}

criterion_group!(benches, bench, bench_process);
criterion_main!(benches);
