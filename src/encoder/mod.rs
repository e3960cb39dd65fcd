//! The semantic encoder: a sentence embedding model (all-MiniLM-L6-v2) run by ONNX Runtime,
//! ranking knowledge-base phrasings by meaning.
//!
//! Per request (a short-lived `caro suggest`): read the model manifest, memory-map the
//! precomputed embedding table of every phrasing, load `libonnxruntime`, memory-map the model
//! in ORT format, embed the request once, and take one dot product per phrasing.
//!
//! Files:
//! - models: `<data_dir>/models/<name>/` (`model.onnx`, `vocab.txt`, `manifest.json`);
//! - derived caches: `<cache_dir>/encoder/` (`<name>-<sha>-ort<version>.ort`, `<name>.table`);
//! - the runtime: see [`library`] for where `libonnxruntime` is looked for.
//!
//! Anything missing, stale, corrupt or incompatible makes [`load`] return
//! `EngineError::Unavailable` with the reason and the fix; the caller falls back to lexical
//! matching. Nothing here panics on bad files, and embeddings of the knowledge base are never
//! computed on a request (that is `caro model index`).

pub mod library;
pub mod pull;
pub mod store;
pub mod table;
pub mod wordpiece;

#[cfg(feature = "onnx")]
pub mod runtime;

use std::path::PathBuf;

use serde::Serialize;

use crate::config::EncoderConfig;
use crate::engine::semantic::SemanticScorer;
use crate::engine::EngineError;

/// The role name users type (`caro model pull encoder`) for the configured model.
pub const ROLE: &str = "encoder";

/// The model a name or the role `encoder` refers to.
pub fn resolve_name<'a>(config: &'a EncoderConfig, name: Option<&'a str>) -> &'a str {
    match name {
        None | Some(ROLE) => &config.model,
        Some(n) => n,
    }
}

/// `<cache_dir>/encoder/<name>.table`.
pub fn table_path(name: &str) -> Option<PathBuf> {
    crate::paths::cache_dir().map(|d| d.join("encoder").join(format!("{name}.table")))
}

/// The key a table must carry for this build's knowledge base and the installed model.
fn table_key(manifest: &store::Manifest, dim: usize) -> table::Key {
    table::Key::new(
        crate::kb::fingerprint(),
        &manifest.sha256,
        crate::kb::phrasings().len(),
        dim,
    )
}

/// all-MiniLM-L6-v2's width; the table header records the actual one.
#[cfg(feature = "onnx")]
const DEFAULT_DIM: usize = 384;

fn unavailable(why: impl Into<String>) -> EngineError {
    EngineError::Unavailable(why.into())
}

/// The installed model `name`: its directory and manifest.
#[cfg(feature = "onnx")]
fn installed_model(name: &str) -> Result<(PathBuf, store::Manifest), String> {
    let dir = store::model_dir(name)?;
    if !dir.join(store::MANIFEST_FILE).is_file() {
        return Err(format!(
            "model {name} is not installed: run `caro model pull {ROLE}` (or scripts/install/onnx.sh offline)"
        ));
    }
    let manifest = store::Manifest::read(&dir).map_err(|e| {
        format!("model {name} is damaged ({e}): reinstall it with `caro model pull {ROLE}`")
    })?;
    Ok((dir, manifest))
}

/// Dimension recorded in a table file's header (0 when unreadable).
fn table_dim(bytes: &[u8]) -> usize {
    bytes.get(12..16).map_or(0, |b| {
        u32::from_le_bytes(b.try_into().expect("4 bytes")) as usize
    })
}

/// Load the encoder for suggestions: everything must already be in place.
pub fn load(config: &EncoderConfig) -> Result<Box<dyn SemanticScorer>, EngineError> {
    #[cfg(not(feature = "onnx"))]
    {
        let _ = config;
        Err(unavailable(
            "this caro was built without the `onnx` feature: rebuild with default features",
        ))
    }
    #[cfg(feature = "onnx")]
    {
        onnx::load(config).map(|s| Box::new(s) as Box<dyn SemanticScorer>)
    }
}

#[cfg(feature = "onnx")]
mod onnx {
    use super::*;
    use memmap2::Mmap;
    use runtime::{Encoder, Runtime, Tuning};
    use table::{Table, TableError};

    pub struct Scorer {
        encoder: Encoder,
        table: Table<Mmap>,
        description: String,
    }

    impl SemanticScorer for Scorer {
        fn similarities(&self, request: &str) -> Result<Vec<f32>, EngineError> {
            let query = self.encoder.embed(request).map_err(EngineError::Failed)?;
            if query.len() != self.table.dim() {
                return Err(EngineError::Failed(format!(
                    "the model makes {}-dimensional vectors but the table holds {}: run `caro model index`",
                    query.len(),
                    self.table.dim()
                )));
            }
            Ok(self.table.similarities(&query))
        }

        fn describe(&self) -> String {
            self.description.clone()
        }
    }

    pub fn open_table(
        name: &str,
        manifest: &store::Manifest,
    ) -> Result<Table<Mmap>, (TableError, PathBuf)> {
        let path = table_path(name).ok_or_else(|| {
            (
                TableError::Corrupt("cannot locate the cache directory".into()),
                PathBuf::new(),
            )
        })?;
        let file = std::fs::File::open(&path).map_err(|e| {
            let why = if e.kind() == std::io::ErrorKind::NotFound {
                "it does not exist".to_string()
            } else {
                format!("cannot open it: {e}")
            };
            (TableError::Stale(why), path.clone())
        })?;
        // SAFETY: tables are written to a temporary name and renamed into place, never
        // modified in place, so the mapped bytes cannot change under us.
        let map = unsafe { Mmap::map(&file) }.map_err(|e| {
            (
                TableError::Corrupt(format!("cannot map it: {e}")),
                path.clone(),
            )
        })?;
        let key = table_key(manifest, table_dim(&map));
        Table::open(map, &key).map_err(|e| (e, path))
    }

    pub fn load(config: &EncoderConfig) -> Result<Scorer, EngineError> {
        let started = std::time::Instant::now();
        let phase = |what: &str| {
            crate::log::debug(&format!(
                "encoder: {what} at {:.1} ms",
                started.elapsed().as_secs_f64() * 1000.0
            ));
        };
        let name = config.model.as_str();
        let (dir, manifest) = installed_model(name).map_err(unavailable)?;
        // The cheap checks first: a stale table needs no runtime to be reported.
        let table = open_table(name, &manifest).map_err(|(e, path)| match e {
            TableError::Stale(why) => unavailable(format!(
                "the embedding table {} is not usable ({why}): run `caro model index`",
                path.display()
            )),
            TableError::Corrupt(why) => unavailable(format!(
                "the embedding table {} is corrupt ({why}): run `caro model index`",
                path.display()
            )),
        })?;
        phase("table mapped");
        let rt = runtime::runtime(&config.ort_library).map_err(unavailable)?;
        phase("runtime loaded");
        let encoder = Encoder::open(
            rt,
            name,
            &dir,
            &manifest.sha256,
            Tuning::one_shot(config.threads),
        )
        .map_err(|e| unavailable(format!("{e}; check the model with `caro model verify`")))?;
        phase("session ready");
        if let Some(dim) = encoder.dim {
            if dim != table.dim() {
                return Err(unavailable(format!(
                    "the model makes {dim}-dimensional vectors but the table holds {}: run `caro model index`",
                    table.dim()
                )));
            }
        }
        Ok(Scorer {
            description: describe(&manifest, rt, config.threads),
            encoder,
            table,
        })
    }

    pub fn describe(manifest: &store::Manifest, rt: &Runtime, threads: usize) -> String {
        format!(
            "{} ({}), ONNX Runtime {}, {} thread{}",
            manifest.name,
            manifest.source,
            rt.version,
            threads.max(1),
            if threads > 1 { "s" } else { "" }
        )
    }

    /// Convert the model (if needed) and embed every knowledge-base phrasing into a fresh table.
    pub fn index(config: &EncoderConfig, name: &str) -> Result<IndexReport, String> {
        let started = std::time::Instant::now();
        let (dir, manifest) = installed_model(name)?;
        if let Ok(table) = open_table(name, &manifest) {
            return Ok(IndexReport {
                path: table_path(name).unwrap_or_default(),
                rows: table.rows(),
                rebuilt: false,
                seconds: started.elapsed().as_secs_f64(),
            });
        }
        let rt = runtime::runtime(&config.ort_library)?;
        let encoder = Encoder::open(rt, name, &dir, &manifest.sha256, Tuning::batch())?;
        let phrasings = crate::kb::phrasings();
        // One text per run, exactly as a request is embedded (see `Encoder::embed_batch`).
        let vectors = phrasings
            .iter()
            .map(|p| encoder.embed(p))
            .collect::<Result<Vec<_>, _>>()?;
        let dim = encoder
            .dim
            .or_else(|| vectors.first().map(Vec::len))
            .unwrap_or(DEFAULT_DIM);
        if let Some(bad) = vectors.iter().position(|v| v.len() != dim) {
            return Err(format!(
                "the encoder returned {} values for phrasing {bad}, expected {dim}",
                vectors[bad].len()
            ));
        }
        let key = table_key(&manifest, dim);
        let bytes = table::encode(&key, &vectors.concat());
        let path = table_path(name)
            .ok_or("cannot locate the cache directory: set HOME or XDG_CACHE_HOME")?;
        store::write_atomic(&path, &bytes)?;
        Ok(IndexReport {
            path,
            rows: phrasings.len(),
            rebuilt: true,
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// Embed arbitrary texts with the installed model (tests, benches, `caro model`).
    pub fn embedder(config: &EncoderConfig, name: &str, tuning: Tuning) -> Result<Encoder, String> {
        let (dir, manifest) = installed_model(name)?;
        let rt = runtime::runtime(&config.ort_library)?;
        Encoder::open(rt, name, &dir, &manifest.sha256, tuning)
    }
}

#[cfg(feature = "onnx")]
pub use onnx::{embedder, Scorer};

/// The result of `caro model index`.
#[derive(Clone, Debug, Serialize)]
pub struct IndexReport {
    pub path: PathBuf,
    pub rows: usize,
    /// False when the existing table was already current.
    pub rebuilt: bool,
    pub seconds: f64,
}

/// Build the embedding table of model `name` for this build's knowledge base (a no-op when the
/// current one matches).
pub fn index(config: &EncoderConfig, name: &str) -> Result<IndexReport, String> {
    #[cfg(feature = "onnx")]
    {
        onnx::index(config, name)
    }
    #[cfg(not(feature = "onnx"))]
    {
        let _ = (config, name);
        Err("this caro was built without the `onnx` feature: rebuild with default features".into())
    }
}

/// What `caro doctor` and `caro model list` show about the encoder.
#[derive(Clone, Debug, Serialize)]
pub struct EncoderStatus {
    /// `encoder.enabled` from the config.
    pub enabled: bool,
    /// Whether suggestions will use it (everything below is in place and loads).
    pub available: bool,
    /// Why not, with the fix; `None` when available.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What is used when available ("all-minilm-l6-v2 (…), ONNX Runtime 1.32.0, 1 thread").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub model: ModelStatus,
    pub library: LibraryStatus,
    pub table: TableStatus,
}

#[derive(Clone, Debug, Serialize)]
pub struct ModelStatus {
    pub name: String,
    pub dir: Option<PathBuf>,
    pub installed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest: Option<store::Manifest>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LibraryStatus {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found_via: Option<library::Origin>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Every place looked at, in order.
    pub searched: Vec<PathBuf>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TableStatus {
    pub path: Option<PathBuf>,
    /// `fresh`, `stale`, `missing` or `corrupt`.
    pub state: &'static str,
    pub phrasings: usize,
}

/// Inspect every piece and try a real load (so a corrupt model shows up here, not on Ctrl-G).
pub fn status(config: &EncoderConfig) -> EncoderStatus {
    let name = config.model.clone();
    let dir = store::model_dir(&name).ok();
    let manifest = dir.as_deref().and_then(|d| store::Manifest::read(d).ok());
    let places = library::Places::from_process(&config.ort_library);
    let found = places.find();
    let table_state = match &manifest {
        None => "missing",
        Some(m) => table_state(&name, m),
    };
    // Load the runtime on its own too, so its version shows even when the model is missing.
    let runtime_error = load_runtime(config).err();
    let loaded = load(config);
    let (available, reason, description) = match &loaded {
        Ok(s) => (true, None, Some(s.describe())),
        Err(EngineError::Unavailable(why) | EngineError::Failed(why)) => {
            (false, Some(why.clone()), None)
        }
        Err(e) => (false, Some(e.to_string()), None),
    };
    let reason = reason.map(|r| match &runtime_error {
        Some(rt) if !r.contains(rt.as_str()) => format!("{r} (also: {rt})"),
        _ => r,
    });
    EncoderStatus {
        enabled: config.enabled,
        available,
        reason: if config.enabled {
            reason
        } else {
            Some("disabled by encoder.enabled = false".into())
        },
        description,
        model: ModelStatus {
            name,
            installed: manifest.is_some(),
            dir,
            manifest,
        },
        library: LibraryStatus {
            path: found.as_ref().ok().map(|f| f.path.clone()),
            found_via: found.as_ref().ok().map(|f| f.origin),
            version: loaded_version(),
            searched: places.candidates().into_iter().map(|(p, _)| p).collect(),
        },
        table: TableStatus {
            path: table_path(&config.model),
            state: table_state,
            phrasings: crate::kb::phrasings().len(),
        },
    }
}

fn table_state(name: &str, manifest: &store::Manifest) -> &'static str {
    let Some(path) = table_path(name) else {
        return "missing";
    };
    let Ok(bytes) = std::fs::read(&path) else {
        return "missing";
    };
    let key = table_key(manifest, table_dim(&bytes));
    match table::Table::open(bytes, &key) {
        Ok(_) => "fresh",
        Err(table::TableError::Stale(_)) => "stale",
        Err(table::TableError::Corrupt(_)) => "corrupt",
    }
}

fn load_runtime(config: &EncoderConfig) -> Result<(), String> {
    #[cfg(feature = "onnx")]
    {
        runtime::runtime(&config.ort_library).map(|_| ())
    }
    #[cfg(not(feature = "onnx"))]
    {
        let _ = config;
        Err("this caro was built without the `onnx` feature".into())
    }
}

fn loaded_version() -> Option<String> {
    #[cfg(feature = "onnx")]
    {
        runtime::loaded().map(|rt| rt.version.clone())
    }
    #[cfg(not(feature = "onnx"))]
    {
        None
    }
}
