//! The encoder through the `caro` binary: fallbacks that must never fail a suggestion, and the
//! `caro model` commands. Every run is confined to a sandboxed data/cache home.

mod encoder_common;

use encoder_common::{install_or_skip, read_json, Sandbox, MODEL};

/// `caro suggest --format json` with the semantic engine: status, engines and notes.
fn suggest_json(s: &Sandbox, extra_env: &[(&str, &str)]) -> (Option<i32>, serde_json::Value) {
    let mut cmd = s.caro();
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let out = cmd
        .args([
            "suggest", "--format", "json", "--engine", "semantic", "show", "disk", "usage",
        ])
        .output()
        .unwrap();
    (out.status.code(), read_json(&out.stdout))
}

fn notes(doc: &serde_json::Value) -> String {
    doc["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Exit codes a fallback may end with: a suggestion or "nothing confident", never a failure.
fn assert_not_failed(code: Option<i32>, doc: &serde_json::Value) {
    assert!(matches!(code, Some(0) | Some(1)), "exit {code:?}: {doc}");
    assert_eq!(doc["engines"], serde_json::json!(["builtin"]), "{doc}");
}

#[test]
fn without_a_model_suggest_falls_back_and_says_how_to_install() {
    let s = Sandbox::new(None);
    let (code, doc) = suggest_json(&s, &[]);
    assert_not_failed(code, &doc);
    let n = notes(&doc);
    assert!(
        n.contains("not installed") && n.contains("caro model pull encoder"),
        "{n}"
    );
}

#[test]
fn auto_respects_a_disabled_encoder_silently() {
    let s = Sandbox::new(None);
    let out = s
        .caro()
        .env("CARO_ENCODER_ENABLED", "false")
        .args([
            "suggest", "--format", "json", "--engine", "auto", "list", "files",
        ])
        .output()
        .unwrap();
    let doc = read_json(&out.stdout);
    assert_eq!(doc["notes"], serde_json::json!([]), "{doc}");
}

#[test]
fn widget_output_never_fails_when_the_encoder_is_missing() {
    let s = Sandbox::new(None);
    let out = s
        .caro()
        .env("CARO_ENCODER_ORT_LIBRARY", "/nonexistent/libonnxruntime.so")
        .args([
            "suggest", "--format", "widget", "--engine", "semantic", "list", "files",
        ])
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0) | Some(1)), "{out:?}");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{out:?}"
    );
}

#[test]
fn a_missing_configured_library_is_named_in_the_note() {
    let Some(install) = install_or_skip("a_missing_configured_library_is_named_in_the_note") else {
        return;
    };
    let s = Sandbox::new(Some(&install));
    s.index();
    let (code, doc) = suggest_json(
        &s,
        &[("CARO_ENCODER_ORT_LIBRARY", "/nonexistent/libort.so")],
    );
    assert_not_failed(code, &doc);
    let n = notes(&doc);
    assert!(
        n.contains("encoder.ort_library") && n.contains("/nonexistent/libort.so"),
        "{n}"
    );
}

#[test]
fn the_encoder_is_used_when_everything_is_in_place() {
    let Some(install) = install_or_skip("the_encoder_is_used_when_everything_is_in_place") else {
        return;
    };
    let s = Sandbox::new(Some(&install));
    s.index();
    let (code, doc) = suggest_json(&s, &[]);
    assert!(matches!(code, Some(0) | Some(1)), "{doc}");
    assert_eq!(doc["engines"], serde_json::json!(["semantic"]), "{doc}");
    assert_eq!(doc["notes"], serde_json::json!([]), "{doc}");
    // ONNX Runtime's telemetry queue, written under $XDG_CACHE_HOME (or ~/.cache) unless it
    // is disabled before the environment is created.
    for cache in [s.cache(), s.root.path().join(".cache")] {
        let telemetry = cache.join("Microsoft");
        assert!(!telemetry.exists(), "{} was created", telemetry.display());
    }
}

#[test]
fn a_library_that_is_not_onnx_runtime_falls_back() {
    let Some(install) = install_or_skip("a_library_that_is_not_onnx_runtime_falls_back") else {
        return;
    };
    let s = Sandbox::new(Some(&install));
    s.index();
    let garbage = s.root.path().join("libonnxruntime.so");
    std::fs::write(&garbage, b"\x7fELF this is not a shared library").unwrap();
    let (code, doc) = suggest_json(
        &s,
        &[("CARO_ENCODER_ORT_LIBRARY", garbage.to_str().unwrap())],
    );
    assert_not_failed(code, &doc);
    assert!(
        notes(&doc).contains("cannot load ONNX Runtime"),
        "{}",
        notes(&doc)
    );
}

#[test]
fn a_stale_table_falls_back_and_says_to_reindex() {
    let Some(install) = install_or_skip("a_stale_table_falls_back_and_says_to_reindex") else {
        return;
    };
    let s = Sandbox::new(Some(&install));
    s.index();
    // Pretend the table was built with another model: rewrite the model digest in its header.
    let mut bytes = std::fs::read(s.table()).unwrap();
    bytes[88..152].copy_from_slice(&[b'0'; 64]);
    std::fs::write(s.table(), bytes).unwrap();
    let (code, doc) = suggest_json(&s, &[]);
    assert_not_failed(code, &doc);
    assert!(notes(&doc).contains("caro model index"), "{}", notes(&doc));
    // And the fix works.
    s.caro().args(["model", "index"]).assert().success();
    let (_, doc) = suggest_json(&s, &[]);
    assert_eq!(doc["engines"], serde_json::json!(["semantic"]), "{doc}");
}

#[test]
fn a_corrupt_model_falls_back_and_verify_finds_it() {
    let Some(install) = install_or_skip("a_corrupt_model_falls_back_and_verify_finds_it") else {
        return;
    };
    let s = Sandbox::new(Some(&install));
    s.index();
    let model = s.own("model.onnx");
    let mut bytes = std::fs::read(&model).unwrap();
    let mid = bytes.len() / 2;
    bytes.truncate(mid);
    std::fs::write(&model, bytes).unwrap();
    // The converted copy in the cache would still work: remove it, as a cache wipe would.
    std::fs::remove_dir_all(s.cache().join("caro").join("encoder")).unwrap();
    s.caro().args(["model", "index"]).assert().failure();
    let (code, doc) = suggest_json(&s, &[]);
    assert_not_failed(code, &doc);
    let verify = s.caro().args(["model", "verify"]).output().unwrap();
    assert_eq!(verify.status.code(), Some(5));
    let stderr = String::from_utf8_lossy(&verify.stderr);
    assert!(
        stderr.contains("model.onnx") && stderr.contains("damaged"),
        "{stderr}"
    );
}

#[test]
fn a_damaged_ort_cache_is_rebuilt() {
    let Some(install) = install_or_skip("a_damaged_ort_cache_is_rebuilt") else {
        return;
    };
    let s = Sandbox::new(Some(&install));
    s.index();
    // The first suggestion converts the model for this runtime.
    let (_, doc) = suggest_json(&s, &[]);
    assert_eq!(doc["engines"], serde_json::json!(["semantic"]), "{doc}");
    let dir = s.cache().join("caro").join("encoder");
    let ort = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "ort"))
        .expect("a converted model in the cache");
    std::fs::write(&ort, b"not a flatbuffer").unwrap();
    let (_, doc) = suggest_json(&s, &[]);
    assert_eq!(doc["engines"], serde_json::json!(["semantic"]), "{doc}");
    assert!(
        std::fs::metadata(&ort).unwrap().len() > 1_000_000,
        "the .ort was rewritten"
    );
}

#[test]
fn import_verify_path_list_and_rm() {
    let Some(install) = install_or_skip("import_verify_path_list_and_rm") else {
        return;
    };
    let s = Sandbox::new(None);
    std::fs::create_dir_all(s.data().join("caro").join("lib")).unwrap();
    std::os::unix::fs::symlink(
        &install.lib,
        s.data()
            .join("caro")
            .join("lib")
            .join(caro::encoder::library::LIB_NAME),
    )
    .unwrap();
    // An export directory as scripts/install/onnx.sh hands it over.
    let src = s.root.path().join("export");
    std::fs::create_dir_all(&src).unwrap();
    for f in ["model.onnx", "vocab.txt"] {
        std::fs::copy(install.model_dir.join(f), src.join(f)).unwrap();
    }
    std::fs::write(
        src.join("caro-model.json"),
        r#"{"source": "test:export", "revision": "r1"}"#,
    )
    .unwrap();
    s.caro()
        .args(["model", "import"])
        .arg(&src)
        .assert()
        .success();
    assert!(s.table().is_file(), "import builds the table");

    let manifest: serde_json::Value =
        read_json(&std::fs::read(s.model_dir().join("manifest.json")).unwrap());
    assert_eq!(manifest["name"], MODEL);
    assert_eq!(manifest["source"], "test:export");
    assert_eq!(manifest["revision"], "r1");
    assert_eq!(manifest["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(
        manifest["size"].as_u64().unwrap(),
        std::fs::metadata(src.join("model.onnx")).unwrap().len()
    );

    s.caro()
        .args(["model", "verify", "encoder"])
        .assert()
        .success();
    let path = s.caro().args(["model", "path"]).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&path.stdout).trim(),
        s.model_dir().to_str().unwrap()
    );

    let list = s.caro().args(["model", "list", "--json"]).output().unwrap();
    let doc = read_json(&list.stdout);
    assert_eq!(doc["installed"][0]["name"], MODEL, "{doc}");
    assert_eq!(doc["encoder"]["available"], true, "{doc}");
    assert_eq!(doc["encoder"]["table"]["state"], "fresh", "{doc}");

    // Tampering is caught.
    let vocab = s.model_dir().join("vocab.txt");
    let mut text = std::fs::read_to_string(&vocab).unwrap();
    text.push_str("extra\n");
    std::fs::write(&vocab, text).unwrap();
    s.caro().args(["model", "verify"]).assert().code(5);

    s.caro().args(["model", "rm", "encoder"]).assert().success();
    assert!(!s.model_dir().exists());
    assert!(!s.table().exists());
    s.caro().args(["model", "rm", "encoder"]).assert().code(5);
}

#[test]
fn import_refuses_a_directory_without_a_model() {
    let s = Sandbox::new(None);
    let src = s.root.path().join("empty");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("model.onnx"), b"<html>not a model</html>").unwrap();
    let out = s
        .caro()
        .args(["model", "import"])
        .arg(&src)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("vocab.txt"), "{err}");
    assert!(!s.model_dir().exists());

    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/encoder/testdata/vocab.txt"
        ),
        src.join("vocab.txt"),
    )
    .unwrap();
    let out = s
        .caro()
        .args(["model", "import"])
        .arg(&src)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not an ONNX model"), "{err}");
    assert!(!s.model_dir().exists());
}

#[test]
fn pull_checks_digests_and_installs_nothing_on_mismatch() {
    let s = Sandbox::new(None);
    // A local mirror laid out like the hub: the vocabulary has a pinned digest, so a
    // tampered copy must be refused; the ONNX export has none a file mirror could prove.
    let mirror = s.root.path().join("mirror");
    std::fs::create_dir_all(mirror.join("onnx")).unwrap();
    std::fs::write(mirror.join("vocab.txt"), b"[PAD]\n[UNK]\n[CLS]\n[SEP]\n").unwrap();
    for f in ["model_quint8_avx2.onnx", "model_qint8_arm64.onnx"] {
        std::fs::write(mirror.join("onnx").join(f), b"\x08\x08").unwrap();
    }
    let url = format!("file://{}", mirror.display());
    let out = s
        .caro()
        .args(["model", "pull", "encoder", "--from", &url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sha256") && err.contains("not installed"),
        "{err}"
    );
    assert!(!s.model_dir().exists());

    // With the genuine vocabulary, the unpinned model file is refused instead.
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/encoder/testdata/vocab.txt"
        ),
        mirror.join("vocab.txt"),
    )
    .unwrap();
    let out = s
        .caro()
        .args(["model", "pull", "--from", &url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no pinned sha256"), "{err}");
    assert!(!s.model_dir().exists());
}

#[test]
fn unknown_models_and_bad_names_are_usage_errors() {
    let s = Sandbox::new(None);
    let out = s.caro().args(["model", "pull", "gpt-17"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("caro model import"));
    s.caro()
        .args(["model", "verify", "../etc"])
        .assert()
        .code(2);
}
