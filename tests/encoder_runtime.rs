//! The encoder in-process, against the real ONNX Runtime library and the real model.
#![cfg(feature = "onnx")]

mod encoder_common;

use std::sync::OnceLock;

use caro::config::EncoderConfig;
use caro::encoder::{self, runtime::Tuning};
use encoder_common::{install_or_skip, Sandbox, MODEL};

/// One sandbox per test process: `caro::paths` reads XDG_* on every call, so the variables are
/// set once, before any test touches ONNX Runtime.
fn sandbox(test: &str) -> Option<&'static Sandbox> {
    static SANDBOX: OnceLock<Option<Sandbox>> = OnceLock::new();
    SANDBOX
        .get_or_init(|| {
            let install = install_or_skip("encoder_runtime")?;
            let s = Sandbox::new(Some(&install));
            std::env::set_var("XDG_DATA_HOME", s.data());
            std::env::set_var("XDG_CACHE_HOME", s.cache());
            std::env::remove_var("CARO_ENCODER_ORT_LIBRARY");
            Some(s)
        })
        .as_ref()
        .or_else(|| {
            eprintln!("skipping {test}: see above");
            None
        })
}

fn config() -> EncoderConfig {
    EncoderConfig::default()
}

fn embedder() -> encoder::runtime::Encoder {
    encoder::embedder(&config(), MODEL, Tuning::one_shot(1)).expect("the encoder loads")
}

fn cos(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[test]
fn embeddings_match_the_float64_reference_forward_pass() {
    let Some(_) = sandbox("embeddings_match_the_float64_reference_forward_pass") else {
        return;
    };
    let reference: serde_json::Value = serde_json::from_str(include_str!(
        "../src/encoder/testdata/reference_embeddings.json"
    ))
    .unwrap();
    let enc = embedder();
    for case in reference["cases"].as_array().unwrap() {
        let text = case["text"].as_str().unwrap();
        let want: Vec<f32> = case["embedding"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap() as f32)
            .collect();
        let got = enc.embed(text).unwrap();
        assert_eq!(got.len(), 384);
        let c = cos(&got, &want);
        // int8 against float64: the export's own bar is 0.99.
        assert!(c >= 0.99, "{text:?}: cosine {c}");
        let norm = cos(&got, &got).sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "not a unit vector: {norm}");
    }
}

#[test]
fn requests_are_closest_to_what_they_mean() {
    let Some(_) = sandbox("requests_are_closest_to_what_they_mean") else {
        return;
    };
    let enc = embedder();
    // (request, a phrasing with the same meaning and few shared words, unrelated phrasings)
    let cases = [
        (
            "which program is hogging port 8080",
            "show the process listening on a port",
            [
                "compress a directory into a tar archive",
                "count lines in a file",
            ],
        ),
        (
            "stuff eating my disk",
            "show what uses the most disk space",
            ["kill a process by name", "show my public ip address"],
        ),
        (
            "undo my last commit but keep the work",
            "git reset the previous commit softly",
            ["list files by size", "search text in files recursively"],
        ),
        (
            "how long has this box been up",
            "show system uptime",
            ["delete empty directories", "rename files in bulk"],
        ),
    ];
    for (request, right, wrong) in cases {
        let q = enc.embed(request).unwrap();
        let good = cos(&q, &enc.embed(right).unwrap());
        for w in wrong {
            let bad = cos(&q, &enc.embed(w).unwrap());
            assert!(
                good > bad + 0.05,
                "{request:?}: {right:?} scored {good:.3}, {w:?} scored {bad:.3}"
            );
        }
    }
}

#[test]
fn a_batch_keeps_each_text_close_to_its_single_run() {
    let Some(_) = sandbox("a_batch_keeps_each_text_close_to_its_single_run") else {
        return;
    };
    let enc = embedder();
    let texts = [
        "ls",
        "find files bigger than ten megabytes in my home directory",
        "disk usage",
    ];
    let batch = enc.embed_batch(&texts).unwrap();
    assert_eq!(batch.len(), texts.len());
    for (text, v) in texts.iter().zip(&batch) {
        // Padding is masked out; only the shared int8 activation scales differ.
        let c = cos(v, &enc.embed(text).unwrap());
        assert!(c > 0.98, "{text:?}: batch vs single cosine {c}");
    }
}

#[test]
fn the_scorer_returns_one_similarity_per_phrasing_and_finds_each_phrasing() {
    let Some(_) = sandbox("the_scorer_returns_one_similarity_per_phrasing_and_finds_each_phrasing")
    else {
        return;
    };
    let report = encoder::index(&config(), MODEL).expect("index builds");
    let phrasings = caro::kb::phrasings();
    assert_eq!(report.rows, phrasings.len());
    let scorer = encoder::load(&config()).unwrap_or_else(|e| panic!("load failed: {e}"));
    assert!(
        scorer.describe().contains("ONNX Runtime 1."),
        "{}",
        scorer.describe()
    );
    let sims = scorer.similarities("show disk usage").unwrap();
    assert_eq!(sims.len(), phrasings.len());
    // A phrasing asked verbatim is its own best match (ties with identical texts allowed).
    for (i, p) in phrasings
        .iter()
        .enumerate()
        .step_by(phrasings.len().max(1) / 25 + 1)
    {
        let sims = scorer.similarities(p).unwrap();
        let best = sims.iter().copied().fold(f32::MIN, f32::max);
        // The table row is the same run as the request; only its int8 storage differs.
        assert!(
            sims[i] >= 0.99 && sims[i] >= best - 0.01,
            "{p:?}: {} vs best {best}",
            sims[i]
        );
    }
}

#[test]
fn status_reports_a_ready_encoder_with_the_runtime_version() {
    let Some(_) = sandbox("status_reports_a_ready_encoder_with_the_runtime_version") else {
        return;
    };
    encoder::index(&config(), MODEL).expect("index builds");
    let status = encoder::status(&config());
    assert!(status.available, "{:?}", status.reason);
    assert_eq!(status.table.state, "fresh");
    assert!(status.model.installed);
    let version = status.library.version.clone().expect("a version");
    assert!(version.starts_with("1."), "{version}");
    let json = serde_json::to_value(&status).unwrap();
    assert_eq!(json["available"], true);
    assert_eq!(json["library"]["found_via"], "data_dir");
}
