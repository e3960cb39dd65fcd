//! The built-in engine's hot path: analysing a request (tokens and typed values), matching
//! one request and a mixed batch of 100 against the whole knowledge base, and rendering a
//! composed template. `cargo bench --bench kb`; medians are the middle value of criterion's
//! "time: [low median high]".
//!
//! The requests are written for this bench (everyday phrasings with varied values), not
//! taken from any evaluation set.

use std::hint::black_box;
use std::time::{Duration, Instant};

use caro::context::{Context, EnvView, Os, Shell};
use caro::engine::builtin::Builtin;
use caro::engine::Engine;
use caro::kb;
use caro::request::Request;
use criterion::{criterion_group, criterion_main, Criterion};

/// Phrasing shapes × values: 20 × 5 = 100 distinct requests across the families.
fn requests() -> Vec<String> {
    let shapes: [(&str, [&str; 5]); 20] = [
        (
            "find {} files bigger than 20mb",
            ["pdf", "log", "mp4", "iso", "zip"],
        ),
        (
            "delete {} files older than 30 days in /tmp",
            ["tmp", "log", "bak", "old", "swp"],
        ),
        (
            "search for {} in all python files",
            ["TODO", "import os", "def main", "self.x", "FIXME"],
        ),
        (
            "count lines in {}",
            ["main.rs", "notes.txt", "a.csv", "README.md", "log.txt"],
        ),
        (
            "compress the {} folder into a tar.gz",
            ["src", "photos", "build", "docs", "backup"],
        ),
        (
            "extract {} to /opt",
            ["app.tar.gz", "data.zip", "x.tar.xz", "y.tgz", "z.tar.zst"],
        ),
        (
            "what is using port {}",
            ["8080", "3000", "5432", "22", "443"],
        ),
        (
            "kill the process named {}",
            ["firefox", "node", "java", "python3", "nginx"],
        ),
        (
            "show disk usage of {} sorted by size",
            ["/var", "~/Downloads", ".", "/home", "/srv"],
        ),
        (
            "make {} executable",
            ["run.sh", "build.sh", "a.out", "deploy", "x.py"],
        ),
        (
            "change owner of {} to www-data",
            ["/var/www", "site", "html", "logs", "uploads"],
        ),
        (
            "download {} with curl",
            [
                "https://example.com/a.tgz",
                "https://example.org/x.iso",
                "http://h/f.txt",
                "https://e.com/y.zip",
                "https://d.net/z.json",
            ],
        ),
        (
            "copy {} to the server backup01 with rsync",
            ["site", "db.sql", "photos", "conf", "logs"],
        ),
        (
            "show the last {} lines of syslog",
            ["20", "50", "100", "5", "200"],
        ),
        (
            "replace {} with bar in config.yml",
            ["foo", "localhost", "debug", "8080", "true"],
        ),
        (
            "sort {} by the second column numerically",
            ["data.txt", "a.tsv", "out", "scores", "x"],
        ),
        (
            "install {} with apt",
            ["htop", "jq", "ripgrep", "tmux", "curl"],
        ),
        (
            "list running docker containers with name {}",
            ["web", "db", "cache", "api", "proxy"],
        ),
        (
            "ping {} 5 times",
            ["google.com", "10.0.0.1", "router", "example.org", "1.1.1.1"],
        ),
        (
            "show the {} biggest directories here",
            ["10", "5", "three", "20", "7"],
        ),
    ];
    shapes
        .iter()
        .flat_map(|(shape, values)| values.iter().map(move |v| shape.replace("{}", v)))
        .collect()
}

fn bench(c: &mut Criterion) {
    let env = EnvView::from_pairs([("PATH", "/usr/local/bin:/usr/bin:/bin")]);
    let ctx = Context::with_env(env, Some(Os::Linux), Some(Shell::Bash));
    let engine = Builtin::lexical();
    let far = || Instant::now() + Duration::from_secs(60);
    let typical = Request::new("find all .log files under /var/log bigger than 50mb");
    let batch: Vec<Request> = requests().iter().map(|r| Request::new(r)).collect();

    // Warm: recipes are parsed on first use, as after the first request of a process.
    for r in &batch {
        let _ = engine.propose(r, &ctx, 3, far());
    }

    c.bench_function("analyse request (tokens + typed values)", |b| {
        b.iter(|| {
            kb::analyze(black_box(
                "find all .log files under /var/log bigger than 50mb",
            ))
        })
    });
    c.bench_function("match one request (3 candidates)", |b| {
        b.iter(|| engine.propose(black_box(&typical), &ctx, 3, far()))
    });
    c.bench_function("match 100 requests (3 candidates each)", |b| {
        b.iter(|| {
            for r in &batch {
                let _ = black_box(engine.propose(r, &ctx, 3, far()));
            }
        })
    });
    // The shape of the composed `find.files` template in data/kb/files.toml.
    let template = "find {dir}{[ -maxdepth {depth}]}{[ -type {ftype}]}{[{!ci} {glob:find}]}\
                    {[{?ci} {glob:ifind}]}{[ -size {size:find}]}{[ {age:find}]}{[ -empty{?empty}]}\
                    {[ -user {owner}]}{[ {action}]}";
    c.bench_function("render a composed template", |b| {
        b.iter(|| {
            kb::template::render(black_box(template), &mut |name, _fmt| match name {
                "dir" => Some("/var/log".to_string()),
                "ftype" => Some("f".to_string()),
                "glob" => Some("-name '*.log'".to_string()),
                "size" => Some("+50M".to_string()),
                _ => None,
            })
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(4));
    targets = bench
}
criterion_main!(benches);
