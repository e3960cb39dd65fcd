//! How long `caro explain` takes: loading the command dictionary (once per process),
//! explaining a typical candidate and a long pipeline with the dictionary warm, and the
//! one-line summary the output layer can show. `cargo bench --bench explain`; medians are
//! in the criterion report ("time: [low median high]").

use std::hint::black_box;

use caro::context::{Os, Shell};
use caro::explain::{self, Target};
use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let target = Target {
        shell: Shell::Bash,
        os: Os::Linux,
        flavour: Os::Linux.default_flavour(),
    };
    let typical = "find . -name '*.log' -mtime +7 -exec rm {} +";
    let pipeline = "ps aux --sort=-%mem | awk 'NR>1 {print $2, $11}' | head -n 10 \
                    && sudo -u deploy tar -czf \"backup-$(date +%F).tgz\" /srv/app 2>/dev/null";

    c.bench_function("dictionary load (first use in a process)", |b| {
        b.iter(explain::bench_support::load_dictionary_uncached)
    });
    // Warm: the entries these commands use are parsed once, as in a long-lived process.
    let _ = explain::explain(typical, target);
    let _ = explain::explain(pipeline, target);
    c.bench_function("explain typical candidate", |b| {
        b.iter(|| explain::explain(black_box(typical), target))
    });
    c.bench_function("explain pipeline with wrappers and substitution", |b| {
        b.iter(|| explain::explain(black_box(pipeline), target))
    });
    c.bench_function("one_line typical candidate", |b| {
        b.iter(|| explain::one_line(black_box(typical), target))
    });
    c.bench_function(
        "cold: first explain in a process (load + parse entries)",
        |b| b.iter(|| explain::bench_support::explain_cold(black_box(typical), target)),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
