//! `caro model pull`: download a catalogued model at its pinned revision, check every file's
//! sha256, then install it like `caro model import`.
//!
//! Downloads go through `curl` (present on macOS and nearly every Linux) rather than an HTTP
//! stack compiled into a helper that otherwise never touches the network.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use super::store;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    pub install_as: String,
    pub path: String,
    #[serde(default)]
    pub arch: Option<String>,
    #[serde(default)]
    pub sha256: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogModel {
    pub name: String,
    pub role: String,
    pub repo: String,
    pub revision: String,
    pub license: String,
    pub url: String,
    #[serde(rename = "file")]
    pub files: Vec<CatalogFile>,
}

#[derive(Deserialize)]
struct Catalog {
    model: Vec<CatalogModel>,
}

pub fn catalog() -> Vec<CatalogModel> {
    let catalog: Catalog =
        toml::from_str(include_str!("catalog.toml")).expect("the built-in model catalog parses");
    catalog.model
}

/// A catalogued model by name or role (`encoder`).
pub fn find(name: &str) -> Option<CatalogModel> {
    catalog()
        .into_iter()
        .find(|m| m.name == name || m.role == name)
}

impl CatalogModel {
    /// The files for this machine's architecture.
    pub fn files_for(&self, arch: &str) -> Result<Vec<&CatalogFile>, String> {
        let files: Vec<&CatalogFile> = self
            .files
            .iter()
            .filter(|f| f.arch.as_deref().is_none_or(|a| a == arch))
            .collect();
        for needed in [store::MODEL_FILE, store::VOCAB_FILE] {
            if !files.iter().any(|f| f.install_as == needed) {
                return Err(format!(
                    "no published {needed} of {} for {arch}: build it with scripts/install/onnx.sh and `caro model import`",
                    self.name
                ));
            }
        }
        Ok(files)
    }

    pub fn url(&self, base: Option<&str>, path: &str) -> String {
        match base {
            Some(b) => format!("{}/{path}", b.trim_end_matches('/')),
            None => self
                .url
                .replace("{repo}", &self.repo)
                .replace("{revision}", &self.revision)
                .replace("{path}", path),
        }
    }
}

/// Download the model's files into `dest` (a fresh directory), checking each sha256.
/// `base` replaces the catalogue URL (a mirror, or `file:///dir` for an offline copy).
pub fn download(
    model: &CatalogModel,
    base: Option<&str>,
    dest: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<store::Provenance, String> {
    let files = model.files_for(std::env::consts::ARCH)?;
    std::fs::create_dir_all(dest).map_err(|e| format!("cannot create {}: {e}", dest.display()))?;
    for file in files {
        let url = model.url(base, &file.path);
        let expected = match &file.sha256 {
            Some(sum) => sum.clone(),
            None => hub_sha256(&url)?,
        };
        progress(&format!("downloading {url}"));
        let target: PathBuf = dest.join(&file.install_as);
        curl(&url, &target)?;
        let (got, size) = store::sha256_file(&target)?;
        if got != expected {
            let _ = std::fs::remove_file(&target);
            return Err(format!(
                "{url} has sha256 {got} ({size} bytes), expected {expected}: not installed"
            ));
        }
    }
    Ok(store::Provenance {
        source: format!(
            "{}{}",
            base.map_or_else(|| "huggingface:".to_string(), |b| format!("mirror:{b}/")),
            model.repo
        ),
        revision: model.revision.clone(),
    })
}

fn curl(url: &str, target: &Path) -> Result<(), String> {
    let out = Command::new("curl")
        .args([
            "--fail",
            "--location",
            "--silent",
            "--show-error",
            "--retry",
            "2",
        ])
        .args(["--connect-timeout", "15", "--output"])
        .arg(target)
        .arg(url)
        .output()
        .map_err(|e| format!("cannot run curl to download {url}: {e} (install curl)"))?;
    if out.status.success() {
        Ok(())
    } else {
        let _ = std::fs::remove_file(target);
        Err(format!(
            "download of {url} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// The sha256 the hub records for an LFS file at a pinned revision: the `X-Linked-Etag`
/// header of the resolve URL.
fn hub_sha256(url: &str) -> Result<String, String> {
    if !url.starts_with("https://") {
        return Err(format!(
            "no pinned sha256 for {url} and only the hub can supply one: pin it in the catalog or use `caro model import`"
        ));
    }
    let out = Command::new("curl")
        .args([
            "--fail",
            "--silent",
            "--show-error",
            "--head",
            "--connect-timeout",
            "15",
        ])
        .arg(url)
        .output()
        .map_err(|e| format!("cannot run curl to query {url}: {e} (install curl)"))?;
    if !out.status.success() {
        return Err(format!(
            "cannot query {url}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    linked_etag(&String::from_utf8_lossy(&out.stdout))
        .ok_or_else(|| format!("{url} did not report a sha256 (no X-Linked-Etag): not installed"))
}

fn linked_etag(headers: &str) -> Option<String> {
    headers.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        if !name.trim().eq_ignore_ascii_case("x-linked-etag") {
            return None;
        }
        let v = value
            .trim()
            .trim_start_matches("W/")
            .trim_matches('"')
            .to_ascii_lowercase();
        (v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit())).then_some(v)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_has_a_complete_encoder_for_both_architectures() {
        let m = find("encoder").expect("an encoder is catalogued");
        assert_eq!(m.revision.len(), 40, "revisions are pinned commits");
        for arch in ["x86_64", "aarch64"] {
            let files = m.files_for(arch).unwrap();
            assert_eq!(files.len(), 2, "{arch}");
        }
        assert!(m.files_for("riscv64").is_err());
        assert!(m
            .url(None, "vocab.txt")
            .ends_with("/c9745ed1d9f207416be6d2e6f8de32d1f16199bf/vocab.txt"));
        assert_eq!(
            m.url(Some("file:///m/"), "onnx/x.onnx"),
            "file:///m/onnx/x.onnx"
        );
    }

    #[test]
    fn etag_header_is_read_as_a_sha256() {
        let sha = "a".repeat(64);
        let headers = format!("HTTP/2 302\r\nx-linked-etag: \"{sha}\"\r\nlocation: x\r\n");
        assert_eq!(linked_etag(&headers), Some(sha));
        assert_eq!(linked_etag("etag: \"abc\"\r\n"), None);
    }

    #[test]
    fn a_mirror_without_pinned_digests_is_refused() {
        let err = hub_sha256("file:///nowhere/model.onnx").unwrap_err();
        assert!(err.contains("no pinned sha256"), "{err}");
    }
}
