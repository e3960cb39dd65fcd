//! Start-up costs paid on every Ctrl-G: loading and merging the configuration, and capturing
//! the execution context. Targets (issue 2): config load+merge <= 10 us, context capture
//! <= 20 us with 150 environment variables.
//!
//! Run: `cargo bench --bench config_context` (add `-- --quick` for a shorter run).
//!
//! The benches replace this process's environment with a synthetic one of a known size, since
//! both operations read it and the size of a real environment varies from shell to shell.

use std::hint::black_box;
use std::path::Path;

use caro::config::Config;
use caro::context::Context;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

/// A config file as a user would write it: 15 lines, comments, three sections.
const TYPICAL_FILE: &str = r#"# my caro settings
engine = "auto"
count = 3
explain = true

[safety]
level = "strict"
deny = ["^git push --force", "^kubectl delete"]

[shell]
key = "alt-g"
progress_delay_ms = 200

[remote]
url = "http://localhost:11434/v1"
"#;

/// Replace the whole environment with `n` variables shaped like an interactive session's:
/// the usual names first, then tool settings, then a few secrets the filter has to drop.
fn set_environment(n: usize, extra: &[(&str, &str)]) {
    for (name, _) in std::env::vars_os() {
        std::env::remove_var(name);
    }
    let usual: &[(&str, &str)] = &[
        (
            "PATH",
            "/home/alice/.local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ),
        ("HOME", "/home/alice"),
        ("SHELL", "/usr/bin/zsh"),
        ("USER", "alice"),
        ("LANG", "en_US.UTF-8"),
        ("TERM", "xterm-256color"),
        ("PWD", "/home/alice/src/caro"),
        ("EDITOR", "nvim"),
        ("GITHUB_TOKEN", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
        (
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
        ("DATABASE_URL", "postgres://app:hunter2hunter2@db:5432/app"),
        ("KEYBOARD_LAYOUT", "us"),
    ];
    let mut count = 0;
    for (k, v) in usual.iter().chain(extra) {
        std::env::set_var(k, v);
        count += 1;
    }
    let mut i = 0;
    while count < n {
        std::env::set_var(
            format!("TOOL_SETTING_{i:03}"),
            format!("/opt/tool{i}/share/value-{i}"),
        );
        count += 1;
        i += 1;
    }
}

/// (bench name, config file, extra environment variables).
type Case<'a> = (&'a str, &'a Path, &'a [(&'a str, &'a str)]);

fn config_load(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("config.toml");
    std::fs::write(&file, TYPICAL_FILE).expect("write config");
    let missing = dir.path().join("absent.toml");

    let mut group = c.benchmark_group("config_load_merge");
    let cases: [Case; 3] = [
        ("no_file", &missing, &[]),
        ("typical_15_line_file", &file, &[]),
        (
            "file_and_3_env_vars",
            &file,
            &[
                ("CARO_ENGINE", "builtin"),
                ("CARO_SAFETY_LEVEL", "permissive"),
                ("CARO_COUNT", "5"),
            ],
        ),
    ];
    for (name, path, vars) in cases {
        let mut extra = vec![("CARO_CONFIG", path.to_str().expect("utf-8 temp path"))];
        extra.extend_from_slice(vars);
        set_environment(50, &extra);
        // Sanity: the bench measures what it claims (file read, env applied, no problems).
        let loaded = Config::load();
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        assert_eq!(loaded.file_found, path == file.as_path());
        group.bench_function(name, |b| b.iter(|| black_box(Config::load())));
    }
    // For reading the numbers above: the system calls alone (open, read to the end, close),
    // which a sandbox can make cost more than everything else together...
    group.bench_function("read_file_only", |b| {
        use std::io::Read;
        b.iter(|| {
            let mut bytes = Vec::with_capacity(8 * 1024);
            let file = std::fs::File::open(&file).expect("config file");
            file.take(u64::MAX).read_to_end(&mut bytes).expect("read");
            black_box(bytes)
        })
    });
    // ...and the toml crate's parser alone (the borrowing parser caro falls back to for
    // unusual files, and the serde-based one it avoids).
    group.bench_function("toml_parse_only", |b| {
        b.iter(|| black_box(toml::de::DeTable::parse(TYPICAL_FILE).expect("valid toml")))
    });
    group.bench_function("toml_parse_to_table", |b| {
        b.iter(|| black_box(TYPICAL_FILE.parse::<toml::Table>().expect("valid toml")))
    });
    group.finish();
}

fn context_capture(c: &mut Criterion) {
    let mut group = c.benchmark_group("context_capture");
    for n in [50, 150] {
        set_environment(n, &[]);
        assert_eq!(std::env::vars_os().count(), n);
        group.bench_with_input(BenchmarkId::new("capture", n), &n, |b, _| {
            b.iter(|| black_box(Context::capture(None, None)))
        });
        // What `caro suggest` does: capture, then ask about a tool and the utilities' flavour.
        group.bench_with_input(BenchmarkId::new("capture_and_probe", n), &n, |b, _| {
            b.iter(|| {
                let ctx = Context::capture(None, None);
                black_box(ctx.has_tool("find"));
                black_box(ctx.flavour());
                ctx
            })
        });
        // The whole filtered environment (only `caro doctor` and remote payloads need it):
        // this is where the number of variables and the secret filter cost show.
        group.bench_with_input(BenchmarkId::new("filtered_env", n), &n, |b, _| {
            b.iter(|| black_box(Context::capture(None, None).env.safe_vars()))
        });
    }
    group.finish();
}

criterion_group!(benches, config_load, context_capture);
criterion_main!(benches);
