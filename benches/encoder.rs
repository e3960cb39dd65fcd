//! Criterion benches for the encoder's three per-request costs: tokenisation, one encoder run
//! (warm, in-process) and the similarity search over the embedding table.
//!
//! `cargo bench --bench encoder`. The encoder-run bench needs ONNX Runtime and the model
//! installed (scripts/install/onnx.sh); without them it is skipped with a message. Whole-process
//! latency and memory are measured by `scripts/bench-encoder`.

use std::hint::black_box;
use std::path::Path;

use caro::encoder::table::{self, Table};
use caro::encoder::wordpiece::WordPiece;
use criterion::{criterion_group, criterion_main, Criterion};

const REQUEST: &str = "which program is hogging port 8080 on this machine";
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/encoder/testdata");

fn tokenizer(c: &mut Criterion) {
    let vocab = format!("{DATA}/vocab.txt");
    c.bench_function("tokenizer/load vocab.txt", |b| {
        b.iter(|| WordPiece::from_file(black_box(Path::new(&vocab))).unwrap())
    });
    let tok = WordPiece::from_file(Path::new(&vocab)).unwrap();
    c.bench_function("tokenizer/encode 10-word request", |b| {
        b.iter(|| tok.encode(black_box(REQUEST)))
    });
}

fn similarity(c: &mut Criterion) {
    let dim = 384;
    for rows in [1_000usize, 5_000] {
        let mut x = 12345u64;
        let mut vectors = Vec::with_capacity(rows * dim);
        for _ in 0..rows * dim {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            vectors.push(((x >> 40) as f32 / (1u64 << 24) as f32) - 0.5);
        }
        for row in vectors.chunks_mut(dim) {
            let n = row.iter().map(|v| v * v).sum::<f32>().sqrt();
            row.iter_mut().for_each(|v| *v /= n);
        }
        let key = table::Key::new("bench", "model", rows, dim);
        let t = Table::open(table::encode(&key, &vectors), &key).unwrap();
        let query = vectors[..dim].to_vec();
        c.bench_function(&format!("similarity/{rows} phrasings x {dim}"), |b| {
            b.iter(|| t.similarities(black_box(&query)))
        });
    }
}

#[cfg(feature = "onnx")]
fn encoder_run(c: &mut Criterion) {
    let config = caro::config::EncoderConfig::default();
    let tuning = caro::encoder::runtime::Tuning::one_shot(1);
    match caro::encoder::embedder(&config, &config.model, tuning) {
        Ok(enc) => {
            c.bench_function(
                "encoder/one run, 10-word request (1 thread, no prepack)",
                |b| b.iter(|| enc.embed(black_box(REQUEST)).unwrap()),
            );
        }
        Err(e) => {
            eprintln!("skipping the encoder-run bench: {e} (install with scripts/install/onnx.sh)")
        }
    }
}

#[cfg(not(feature = "onnx"))]
fn encoder_run(_: &mut Criterion) {
    eprintln!("skipping the encoder-run bench: built without the `onnx` feature");
}

criterion_group!(benches, tokenizer, similarity, encoder_run);
criterion_main!(benches);
