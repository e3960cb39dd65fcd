//! ONNX Runtime through `ort` (load-dynamic): loading the library, converting the model to ORT
//! format once, and running it.
//!
//! The configuration is tuned for a process that lives for one request (measured in
//! `shared/notes/onnx-runtime.md`): the model is converted once to an `.ort` file with the
//! installed runtime, then memory-mapped and handed to ORT without a copy; prepacking is off
//! (it costs more at session creation than it saves on one run) and one intra-op thread.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use memmap2::Mmap;
use ort::environment::Environment;
use ort::session::builder::{GraphOptimizationLevel, SessionBuilder};
use ort::session::{InMemorySession, Session, SessionInputValue};
use ort::value::TensorRef;

use super::library::{Found, Places};
use super::store;
use super::wordpiece::WordPiece;

/// The loaded runtime: ort can bind one library per process, so this is process-wide.
pub struct Runtime {
    pub lib: Found,
    pub version: String,
    env: Environment,
}

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

/// Load `libonnxruntime` (once per process) and create the ORT environment.
pub fn runtime(ort_library: &str) -> Result<&'static Runtime, String> {
    let places = Places::from_process(ort_library);
    let wanted = places.find()?;
    let loaded = RUNTIME.get_or_init(|| init(wanted.clone()));
    let rt = loaded.as_ref().map_err(Clone::clone)?;
    if rt.lib.path != wanted.path {
        return Err(format!(
            "ONNX Runtime was already loaded from {} in this process; cannot switch to {}",
            rt.lib.path.display(),
            wanted.path.display()
        ));
    }
    Ok(rt)
}

/// The runtime if this process loaded one.
pub fn loaded() -> Option<&'static Runtime> {
    RUNTIME.get().and_then(|r| r.as_ref().ok())
}

fn init(lib: Found) -> Result<Runtime, String> {
    // The PyPI builds write a telemetry database (with fsyncs) on every environment creation
    // unless this is set before it; ort's `with_telemetry(false)` comes too late.
    if std::env::var_os("ORT_DISABLE_TELEMETRY").is_none() {
        std::env::set_var("ORT_DISABLE_TELEMETRY", "1");
    }
    let builder = ort::init_from(&lib.path).map_err(|e| {
        format!(
            "cannot load ONNX Runtime from {} ({}): {e}",
            lib.path.display(),
            lib.origin.describe()
        )
    })?;
    let env = builder
        .with_name("caro")
        .with_telemetry(false)
        .build()
        .map_err(|e| {
            format!(
                "ONNX Runtime from {} failed to start: {e}",
                lib.path.display()
            )
        })?;
    let version = version_of(&lib.path).unwrap_or_else(|| "unknown".into());
    Ok(Runtime { lib, version, env })
}

/// The library's own version string (`OrtGetApiBase()->GetVersionString()`), which ort keeps
/// private. Called after ort loaded the library, so this only bumps its reference count.
fn version_of(path: &Path) -> Option<String> {
    // SAFETY: the library was already loaded and initialised by ort from the same path, and
    // `OrtGetApiBase` has this signature in every ONNX Runtime release.
    unsafe {
        let lib = libloading::Library::new(path).ok()?;
        let get: libloading::Symbol<'_, unsafe extern "C" fn() -> *const ort::sys::OrtApiBase> =
            lib.get(b"OrtGetApiBase\0").ok()?;
        let base = get();
        if base.is_null() {
            return None;
        }
        let text = ((*base).GetVersionString)();
        if text.is_null() {
            return None;
        }
        let version = std::ffi::CStr::from_ptr(text).to_str().ok()?.to_string();
        (!version.is_empty()).then_some(version)
    }
}

/// How a session is configured.
#[derive(Clone, Copy, Debug)]
pub struct Tuning {
    pub threads: usize,
    /// Prepacking speeds up runs but slows session creation: on for indexing, off per request.
    pub prepack: bool,
}

impl Tuning {
    pub fn one_shot(threads: usize) -> Tuning {
        Tuning {
            threads: threads.max(1),
            prepack: false,
        }
    }

    pub fn batch() -> Tuning {
        Tuning {
            threads: std::thread::available_parallelism().map_or(1, |n| n.get().min(4)),
            prepack: true,
        }
    }
}

fn builder(env: &Environment, tuning: Tuning) -> ort::Result<SessionBuilder> {
    let b = Session::builder(env)?
        .with_intra_threads(tuning.threads)?
        .with_inter_threads(1)?
        .with_prepacking(tuning.prepack)?;
    #[cfg(target_os = "macos")]
    let b = {
        // Without `error_on_failure` ORT falls back to the CPU when CoreML cannot take the graph.
        let mut coreml = ort::ep::CoreML::default();
        if let Some(dir) = crate::paths::cache_dir() {
            coreml = coreml.with_model_cache_dir(dir.join("coreml").display());
        }
        b.with_execution_providers([coreml.build()])?
    };
    Ok(b)
}

/// `<cache>/encoder/<name>-<sha16>-ort<version>.ort`: one conversion per model and runtime.
pub fn ort_path(name: &str, model_sha256: &str, version: &str) -> Option<PathBuf> {
    let short = model_sha256.get(..16).unwrap_or(model_sha256);
    crate::paths::cache_dir().map(|d| {
        d.join("encoder")
            .join(format!("{name}-{short}-ort{version}.ort"))
    })
}

/// Convert `onnx` to ORT format at `out` with the loaded runtime (what it will run).
fn convert(env: &Environment, onnx: &Path, out: &Path) -> Result<(), String> {
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let tmp = store::tmp_sibling(out);
    let run = || -> ort::Result<()> {
        // Extended (level 2) fusions are portable across CPUs; level 3 layouts are not.
        Session::builder(env)?
            .with_optimization_level(GraphOptimizationLevel::Level2)?
            .with_config_entry("session.save_model_format", "ORT")?
            .with_optimized_model_path(&tmp)?
            .commit_from_file(onnx)?;
        Ok(())
    };
    run().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("ONNX Runtime cannot load {}: {e}", onnx.display())
    })?;
    if !tmp.is_file() {
        return Err(format!(
            "ONNX Runtime did not write {} (is the cache directory writable?)",
            out.display()
        ));
    }
    std::fs::rename(&tmp, out).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write {}: {e}", out.display())
    })
}

/// Where the sentence vector comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Output {
    /// Our export pools and normalises in the graph.
    SentenceEmbedding,
    /// Plain transformer exports (e.g. the published ones): mean-pool here.
    LastHiddenState,
}

/// A loaded encoder: tokenizer + ORT session over a memory-mapped `.ort` model.
pub struct Encoder {
    // Field order matters: the session borrows the map and must be dropped first.
    session: Mutex<InMemorySession<'static>>,
    _map: Mmap,
    tokenizer: WordPiece,
    output: Output,
    token_types: bool,
    /// Output width when the model declares it.
    pub dim: Option<usize>,
    pub ort_file: PathBuf,
}

impl Encoder {
    /// Open model `name` (installed in `dir`, `model_sha256` from its manifest), converting it
    /// to ORT format first if this runtime has not yet done so.
    pub fn open(
        rt: &Runtime,
        name: &str,
        dir: &Path,
        model_sha256: &str,
        tuning: Tuning,
    ) -> Result<Encoder, String> {
        let tokenizer = WordPiece::from_file(&dir.join(store::VOCAB_FILE))?;
        let ort_file = ort_path(name, model_sha256, &rt.version)
            .ok_or("cannot locate the cache directory: set HOME or XDG_CACHE_HOME")?;
        if !ort_file.is_file() {
            convert(&rt.env, &dir.join(store::MODEL_FILE), &ort_file)?;
        }
        match Encoder::from_ort(rt, &ort_file, tokenizer, tuning) {
            Ok(e) => Ok(e),
            Err((tokenizer, first)) => {
                // A damaged cache file or one from another runtime build: convert again once.
                crate::log::debug(&format!("encoder: reconverting after: {first}"));
                let _ = std::fs::remove_file(&ort_file);
                convert(&rt.env, &dir.join(store::MODEL_FILE), &ort_file)?;
                Encoder::from_ort(rt, &ort_file, tokenizer, tuning).map_err(|(_, e)| e)
            }
        }
    }

    fn from_ort(
        rt: &Runtime,
        ort_file: &Path,
        tokenizer: WordPiece,
        tuning: Tuning,
    ) -> Result<Encoder, (WordPiece, String)> {
        let map = match std::fs::File::open(ort_file).and_then(|f| {
            // SAFETY: the cache file is written once under a temporary name and renamed into
            // place, never modified in place; a concurrent `caro model rm` unlinks it, which
            // keeps the mapped pages valid.
            unsafe { Mmap::map(&f) }
        }) {
            Ok(m) => m,
            Err(e) => return Err((tokenizer, format!("cannot map {}: {e}", ort_file.display()))),
        };
        // SAFETY: the slice points into `map`, which lives in the same struct and is dropped
        // after the session (field order); moving an `Mmap` does not move the mapping.
        let bytes: &'static [u8] = unsafe { std::mem::transmute::<&[u8], &'static [u8]>(&map[..]) };
        let session =
            builder(&rt.env, tuning).and_then(|mut b| b.commit_from_memory_directly(bytes));
        let session = match session {
            Ok(s) => s,
            Err(e) => {
                return Err((
                    tokenizer,
                    format!("ONNX Runtime cannot load {}: {e}", ort_file.display()),
                ))
            }
        };
        let has_input = |n: &str| session.inputs().iter().any(|i| i.name() == n);
        if !has_input("input_ids") || !has_input("attention_mask") {
            return Err((
                tokenizer,
                "the model has no input_ids/attention_mask inputs: not a BERT sentence encoder"
                    .into(),
            ));
        }
        let token_types = has_input("token_type_ids");
        let find_output = |n: &str| session.outputs().iter().find(|o| o.name() == n);
        let (output, outlet) = match (
            find_output("sentence_embedding"),
            find_output("last_hidden_state"),
        ) {
            (Some(o), _) => (Output::SentenceEmbedding, o),
            (None, Some(o)) => (Output::LastHiddenState, o),
            (None, None) => {
                return Err((
                    tokenizer,
                    "the model has neither a sentence_embedding nor a last_hidden_state output"
                        .into(),
                ))
            }
        };
        let dim = outlet
            .dtype()
            .tensor_shape()
            .and_then(|s| s.last().copied())
            .filter(|&d| d > 0)
            .map(|d| d as usize);
        Ok(Encoder {
            session: Mutex::new(session),
            _map: map,
            tokenizer,
            output,
            token_types,
            dim,
            ort_file: ort_file.to_path_buf(),
        })
    }

    pub fn tokenizer(&self) -> &WordPiece {
        &self.tokenizer
    }

    /// The unit sentence vector of `text`.
    pub fn embed(&self, text: &str) -> Result<Vec<f32>, String> {
        let mut out = self.embed_batch(&[text])?;
        Ok(out.pop().unwrap_or_default())
    }

    /// Unit vectors of several texts in one run (padded to the longest).
    ///
    /// With a dynamically quantised model the rows of a batch share activation scales, so a
    /// text's vector differs slightly (cosine ~0.99) from its single run: the index embeds one
    /// text per run so that table rows equal what a request would produce.
    pub fn embed_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, String> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let encoded: Vec<Vec<i64>> = texts.iter().map(|t| self.tokenizer.encode(t)).collect();
        let batch = encoded.len();
        let width = encoded.iter().map(Vec::len).max().unwrap_or(2);
        let mut ids = vec![0i64; batch * width];
        let mut mask = vec![0i64; batch * width];
        for (row, seq) in encoded.iter().enumerate() {
            ids[row * width..row * width + seq.len()].copy_from_slice(seq);
            mask[row * width..row * width + seq.len()].fill(1);
        }
        let types = vec![0i64; batch * width];
        let shape = [batch, width];
        let run = || -> ort::Result<Vec<Vec<f32>>> {
            let mut inputs: Vec<(&str, SessionInputValue<'_>)> = vec![
                (
                    "input_ids",
                    TensorRef::from_array_view((shape, &ids[..]))?.into(),
                ),
                (
                    "attention_mask",
                    TensorRef::from_array_view((shape, &mask[..]))?.into(),
                ),
            ];
            if self.token_types {
                inputs.push((
                    "token_type_ids",
                    TensorRef::from_array_view((shape, &types[..]))?.into(),
                ));
            }
            let mut session = self
                .session
                .lock()
                .map_err(|_| ort::Error::new("the encoder session was poisoned by a panic"))?;
            let outputs = session.run(inputs)?;
            Ok(match self.output {
                Output::SentenceEmbedding => {
                    let (dims, data) = outputs["sentence_embedding"].try_extract_tensor::<f32>()?;
                    let dim = dims.last().copied().unwrap_or(0).max(0) as usize;
                    data.chunks_exact(dim.max(1)).map(<[f32]>::to_vec).collect()
                }
                Output::LastHiddenState => {
                    let (dims, data) = outputs["last_hidden_state"].try_extract_tensor::<f32>()?;
                    let dim = dims.last().copied().unwrap_or(0).max(0) as usize;
                    mean_pool(data, &mask, batch, width, dim)
                }
            })
        };
        let vectors = run().map_err(|e| format!("the encoder failed: {e}"))?;
        if vectors.len() != batch {
            return Err(format!(
                "the encoder returned {} vectors for {batch} texts",
                vectors.len()
            ));
        }
        Ok(vectors.into_iter().map(normalized).collect())
    }
}

/// Mean of the token vectors under the attention mask, per row.
pub(crate) fn mean_pool(
    hidden: &[f32],
    mask: &[i64],
    batch: usize,
    width: usize,
    dim: usize,
) -> Vec<Vec<f32>> {
    (0..batch)
        .map(|row| {
            let mut sum = vec![0f32; dim];
            let mut count = 0f32;
            for t in 0..width {
                if mask[row * width + t] == 0 {
                    continue;
                }
                count += 1.0;
                let token = &hidden[(row * width + t) * dim..(row * width + t + 1) * dim];
                sum.iter_mut().zip(token).for_each(|(s, v)| *s += v);
            }
            sum.iter_mut().for_each(|s| *s /= count.max(1e-9));
            sum
        })
        .collect()
}

fn normalized(mut v: Vec<f32>) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    v.iter_mut().for_each(|x| *x /= norm);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_pool_ignores_padding() {
        // Two rows of width 3, dim 2; row 1 has one padded token holding garbage.
        let hidden = [
            1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 1.0, 1.0, 3.0, 3.0, 100.0, 100.0,
        ];
        let mask = [1, 1, 1, 1, 1, 0];
        let pooled = mean_pool(&hidden, &mask, 2, 3, 2);
        assert_eq!(pooled, vec![vec![3.0, 4.0], vec![2.0, 2.0]]);
    }

    #[test]
    fn normalized_vectors_have_unit_length() {
        let v = normalized(vec![3.0, 4.0]);
        assert!((v[0] - 0.6).abs() < 1e-6 && (v[1] - 0.8).abs() < 1e-6);
        assert_eq!(normalized(vec![0.0, 0.0]), vec![0.0, 0.0]);
    }
}
