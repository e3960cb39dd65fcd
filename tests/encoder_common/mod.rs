//! Shared by the encoder tests: find the real ONNX Runtime library and the installed model
//! (put there by `scripts/install/onnx.sh`), and lay out an isolated data/cache home that
//! links to them, so tests never write into the user's own caro directories.
//!
//! Outside CI a missing install skips the tests that need it, with a message saying how to
//! install it; in CI (`CI` set) or with `CARO_REQUIRE_ONNX=1` a missing install fails them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub const MODEL: &str = "all-minilm-l6-v2";

#[derive(Clone, Debug)]
pub struct Install {
    /// Installed model directory (model.onnx, vocab.txt, manifest.json).
    pub model_dir: PathBuf,
    /// libonnxruntime.
    pub lib: PathBuf,
}

/// The real install, looked up in the environment the test process started with.
pub fn find_install() -> Result<Install, String> {
    let data = caro::paths::data_dir().ok_or("no HOME or XDG_DATA_HOME")?;
    let model_dir = data.join("models").join(MODEL);
    if !model_dir.join("manifest.json").is_file() {
        return Err(format!("no encoder model in {}", model_dir.display()));
    }
    let lib = caro::encoder::library::Places::from_process(
        &std::env::var("CARO_ENCODER_ORT_LIBRARY").unwrap_or_default(),
    )
    .find()?
    .path;
    Ok(Install { model_dir, lib })
}

/// `Some(install)`, or `None` after printing why the calling test is skipped; panics when
/// `CARO_REQUIRE_ONNX=1`.
pub fn install_or_skip(test: &str) -> Option<Install> {
    match find_install() {
        Ok(i) => Some(i),
        Err(why) => {
            if required() {
                panic!(
                    "{test}: the encoder must be installed here (CI or CARO_REQUIRE_ONNX=1) but {why}: run scripts/install/onnx.sh first"
                );
            }
            eprintln!(
                "skipping {test}: {why}; install it with scripts/install/onnx.sh (in CI, or with CARO_REQUIRE_ONNX=1, this is a failure)"
            );
            None
        }
    }
}

/// Tests may only skip outside CI: `.ci/run` sets CI, and CARO_REQUIRE_ONNX=1 forces it locally.
fn required() -> bool {
    let set = |name: &str| {
        std::env::var(name)
            .map(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
            .unwrap_or(false)
    };
    set("CARO_REQUIRE_ONNX") || set("CI")
}

/// A fresh home: `data/caro/models/<MODEL>/*` and `data/caro/lib/<lib>` link to the real
/// install (or are absent when `install` is `None`); `cache/` starts empty.
pub struct Sandbox {
    pub root: tempfile::TempDir,
}

impl Sandbox {
    pub fn new(install: Option<&Install>) -> Sandbox {
        let root = tempfile::tempdir().expect("tempdir");
        let s = Sandbox { root };
        std::fs::create_dir_all(s.cache()).unwrap();
        std::fs::create_dir_all(s.data().join("caro")).unwrap();
        if let Some(i) = install {
            let dir = s.model_dir();
            std::fs::create_dir_all(&dir).unwrap();
            for f in ["model.onnx", "vocab.txt", "manifest.json"] {
                std::os::unix::fs::symlink(i.model_dir.join(f), dir.join(f)).unwrap();
            }
            let lib_dir = s.data().join("caro").join("lib");
            std::fs::create_dir_all(&lib_dir).unwrap();
            std::os::unix::fs::symlink(&i.lib, lib_dir.join(caro::encoder::library::LIB_NAME))
                .unwrap();
        }
        s
    }

    pub fn data(&self) -> PathBuf {
        self.root.path().join("data")
    }

    pub fn cache(&self) -> PathBuf {
        self.root.path().join("cache")
    }

    pub fn model_dir(&self) -> PathBuf {
        self.data().join("caro").join("models").join(MODEL)
    }

    pub fn table(&self) -> PathBuf {
        self.cache()
            .join("caro")
            .join("encoder")
            .join(format!("{MODEL}.table"))
    }

    /// Build the embedding table here, or copy the one already built by this test process
    /// (same model, same knowledge base: the table is the same), so tests do not each pay
    /// for embedding the whole knowledge base.
    pub fn index(&self) {
        static BUILT: std::sync::Mutex<Option<Vec<u8>>> = std::sync::Mutex::new(None);
        let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
        match built.as_ref() {
            Some(bytes) => {
                std::fs::create_dir_all(self.table().parent().unwrap()).unwrap();
                std::fs::write(self.table(), bytes).unwrap();
            }
            None => {
                self.caro().args(["model", "index"]).assert().success();
                *built = Some(std::fs::read(self.table()).unwrap());
            }
        }
    }

    /// Replace a linked model file by a real copy, so a test may damage it.
    pub fn own(&self, file: &str) -> PathBuf {
        let p = self.model_dir().join(file);
        let bytes = std::fs::read(&p).unwrap();
        std::fs::remove_file(&p).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// A `caro` command confined to this sandbox (no config file, no ORT_DYLIB_PATH).
    pub fn caro(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::cargo_bin("caro").unwrap();
        cmd.env("XDG_DATA_HOME", self.data())
            .env("XDG_CACHE_HOME", self.cache())
            .env("XDG_CONFIG_HOME", self.root.path().join("config"))
            .env("HOME", self.root.path())
            .env_remove("CARO_CONFIG")
            .env_remove("CARO_ENGINE")
            .env_remove("CARO_ENCODER_ORT_LIBRARY")
            .env_remove("ORT_DYLIB_PATH");
        cmd
    }
}

pub fn read_json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(bytes)))
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}
