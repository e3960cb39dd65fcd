//! Finding `libonnxruntime`. Precedence, first match wins:
//!
//! 1. `encoder.ort_library` (config file, or `CARO_ENCODER_ORT_LIBRARY`): an explicit choice;
//!    if it names a missing file that is an error, not a reason to quietly use another lib.
//! 2. next to the caro binary (`libonnxruntime.so` / `.dylib`): a self-contained install;
//! 3. `<data_dir>/lib/` (where `scripts/install/onnx.sh` puts it);
//! 4. `ORT_DYLIB_PATH`: ort's own variable, last because it is often set for some other
//!    program and may point at a runtime caro was not tested with.

use std::path::{Path, PathBuf};

use serde::Serialize;

pub const LIB_NAME: &str = if cfg!(target_os = "macos") {
    "libonnxruntime.dylib"
} else if cfg!(windows) {
    "onnxruntime.dll"
} else {
    "libonnxruntime.so"
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Config,
    NextToBinary,
    DataDir,
    OrtDylibPath,
}

impl Origin {
    pub fn describe(self) -> &'static str {
        match self {
            Origin::Config => "encoder.ort_library",
            Origin::NextToBinary => "next to the caro binary",
            Origin::DataDir => "caro's data directory",
            Origin::OrtDylibPath => "ORT_DYLIB_PATH",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    pub origin: Origin,
}

/// Where to look; injectable so the precedence is testable without touching the process.
pub struct Places {
    pub configured: Option<PathBuf>,
    pub exe_dir: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub ort_dylib_path: Option<PathBuf>,
}

impl Places {
    pub fn from_process(configured: &str) -> Places {
        Places {
            configured: (!configured.trim().is_empty()).then(|| expand_home(configured.trim())),
            exe_dir: std::env::current_exe()
                .ok()
                .and_then(|p| p.canonicalize().ok())
                .and_then(|p| p.parent().map(Path::to_path_buf)),
            data_dir: crate::paths::data_dir().map(|d| d.join("lib")),
            ort_dylib_path: std::env::var_os("ORT_DYLIB_PATH")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        }
    }

    /// Every location considered, in order (for `caro doctor`).
    pub fn candidates(&self) -> Vec<(PathBuf, Origin)> {
        let mut out = Vec::new();
        if let Some(p) = &self.configured {
            out.push((p.clone(), Origin::Config));
            // An explicit choice is final.
            return out;
        }
        if let Some(d) = &self.exe_dir {
            out.push((d.join(LIB_NAME), Origin::NextToBinary));
        }
        if let Some(d) = &self.data_dir {
            out.push((d.join(LIB_NAME), Origin::DataDir));
        }
        if let Some(p) = &self.ort_dylib_path {
            out.push((p.clone(), Origin::OrtDylibPath));
        }
        out
    }

    pub fn find(&self) -> Result<Found, String> {
        let candidates = self.candidates();
        if let Some((path, Origin::Config)) = candidates.first() {
            return if path.is_file() {
                Ok(Found {
                    path: path.clone(),
                    origin: Origin::Config,
                })
            } else {
                Err(format!(
                    "encoder.ort_library is set to {}, which does not exist: fix the path or unset it",
                    path.display()
                ))
            };
        }
        candidates
            .into_iter()
            .find(|(p, _)| p.is_file())
            .map(|(path, origin)| Found { path, origin })
            .ok_or_else(|| {
                format!(
                    "ONNX Runtime ({LIB_NAME}) not found next to caro, in {}, or via ORT_DYLIB_PATH: run scripts/install/onnx.sh",
                    self.data_dir
                        .as_deref()
                        .map_or_else(|| "<data dir>/lib".into(), |d| d.display().to_string())
                )
            })
    }
}

fn expand_home(p: &str) -> PathBuf {
    match (p.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(root: &Path) -> Places {
        Places {
            configured: None,
            exe_dir: Some(root.join("bin")),
            data_dir: Some(root.join("data")),
            ort_dylib_path: Some(root.join("env").join("libort.so.1")),
        }
    }

    fn touch(p: &Path) {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, b"x").unwrap();
    }

    #[test]
    fn binary_dir_beats_data_dir_beats_env() {
        let tmp = tempfile::tempdir().unwrap();
        let p = places(tmp.path());
        assert!(p
            .find()
            .unwrap_err()
            .contains("run scripts/install/onnx.sh"));
        touch(&tmp.path().join("env/libort.so.1"));
        assert_eq!(p.find().unwrap().origin, Origin::OrtDylibPath);
        touch(&tmp.path().join("data").join(LIB_NAME));
        assert_eq!(p.find().unwrap().origin, Origin::DataDir);
        touch(&tmp.path().join("bin").join(LIB_NAME));
        assert_eq!(p.find().unwrap().origin, Origin::NextToBinary);
    }

    #[test]
    fn an_explicit_path_is_final_even_when_missing() {
        let tmp = tempfile::tempdir().unwrap();
        touch(&tmp.path().join("bin").join(LIB_NAME));
        let mut p = places(tmp.path());
        p.configured = Some(tmp.path().join("nope.so"));
        let err = p.find().unwrap_err();
        assert!(
            err.contains("encoder.ort_library") && err.contains("nope.so"),
            "{err}"
        );
        touch(&tmp.path().join("nope.so"));
        assert_eq!(p.find().unwrap().origin, Origin::Config);
    }
}
