//! `caro model`: manage the encoder model, its derived caches and see what ONNX Runtime is used.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use crate::config::{Config, EncoderConfig};
use crate::encoder::{self, pull, store};
use crate::exit::{CliError, Exit};

#[derive(Debug, Args)]
pub struct ModelArgs {
    #[command(subcommand)]
    pub command: ModelCommand,
}

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// List installed and downloadable models, and whether the encoder is ready
    List {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Download a model at its pinned revision, check its sha256 and install it
    Pull {
        /// Model name, or `encoder` for the configured one
        #[arg(default_value = encoder::ROLE)]
        name: String,
        /// Download from this base URL instead (a mirror; `file:///dir` for a local copy)
        #[arg(long, value_name = "URL")]
        from: Option<String>,
    },
    /// Install a model from a local directory holding model.onnx and vocab.txt (air-gapped machines)
    Import {
        /// Directory with model.onnx and vocab.txt (and optionally caro-model.json)
        dir: PathBuf,
        /// Install under this name [default: the configured encoder model]
        #[arg(long)]
        name: Option<String>,
    },
    /// Re-hash an installed model's files against its manifest
    Verify {
        #[arg(default_value = encoder::ROLE)]
        name: String,
    },
    /// Build the embedding table of the knowledge base (done after pull/import; needed after
    /// an upgrade changes the knowledge base)
    Index {
        #[arg(default_value = encoder::ROLE)]
        name: String,
    },
    /// Remove an installed model and its caches
    Rm { name: String },
    /// Print a model's directory (or, with --library, the ONNX Runtime library caro would load)
    Path {
        #[arg(default_value = encoder::ROLE)]
        name: String,
        #[arg(long)]
        library: bool,
    },
}

pub fn run(args: ModelArgs) -> Result<Exit, CliError> {
    let loaded = Config::load();
    super::report_config_diagnostics(&loaded);
    let config = &loaded.config.encoder;
    match args.command {
        ModelCommand::List { json } => list(config, json),
        ModelCommand::Pull { name, from } => pull_model(config, &name, from.as_deref()),
        ModelCommand::Import { dir, name } => import(config, &dir, name.as_deref()),
        ModelCommand::Verify { name } => verify(config, &name),
        ModelCommand::Index { name } => index(config, &name),
        ModelCommand::Rm { name } => remove(config, &name),
        ModelCommand::Path { name, library } => path(config, &name, library),
    }
}

fn name_of<'a>(config: &'a EncoderConfig, name: &'a str) -> Result<&'a str, CliError> {
    let name = encoder::resolve_name(config, Some(name));
    store::check_name(name).map_err(CliError::usage)?;
    Ok(name)
}

fn list(config: &EncoderConfig, json: bool) -> Result<Exit, CliError> {
    let status = encoder::status(config);
    let installed = store::installed();
    if json {
        let catalog: Vec<_> = pull::catalog()
            .into_iter()
            .map(|m| {
                serde_json::json!({
                    "name": m.name, "role": m.role, "repo": m.repo,
                    "revision": m.revision, "license": m.license,
                    "installed": installed.contains(&m.name),
                })
            })
            .collect();
        let mut models = Vec::new();
        for name in &installed {
            let manifest = store::model_dir(name)
                .ok()
                .and_then(|d| store::Manifest::read(&d).ok());
            models.push(serde_json::json!({ "name": name, "manifest": manifest }));
        }
        let doc = serde_json::json!({ "installed": models, "catalog": catalog, "encoder": status });
        super::write_stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).expect("json")
        ))?;
        return Ok(Exit::Success);
    }
    let mut out = String::new();
    if installed.is_empty() {
        out.push_str("no models installed\n");
    }
    for name in &installed {
        let dir = store::model_dir(name).map_err(CliError::failure)?;
        match store::Manifest::read(&dir) {
            Ok(m) => out.push_str(&format!(
                "{name}{}  {}  {:.1} MB  sha256 {}…  from {} {}\n",
                if *name == config.model {
                    " (encoder)"
                } else {
                    ""
                },
                dir.display(),
                m.size as f64 / 1e6,
                m.sha256.get(..12).unwrap_or(&m.sha256),
                m.source,
                m.revision.get(..12).unwrap_or(&m.revision),
            )),
            Err(e) => out.push_str(&format!("{name}  damaged: {e}\n")),
        }
    }
    for m in pull::catalog() {
        if !installed.contains(&m.name) {
            out.push_str(&format!(
                "{} (not installed: `caro model pull {}`, {} at {}, {})\n",
                m.name,
                m.name,
                m.repo,
                &m.revision[..12.min(m.revision.len())],
                m.license
            ));
        }
    }
    out.push_str(&match (&status.description, &status.reason) {
        (Some(d), _) if status.enabled => format!("encoder: ready: {d}\n"),
        (_, Some(r)) => format!("encoder: not used: {r}\n"),
        _ => "encoder: not used\n".to_string(),
    });
    super::write_stdout(&out)?;
    Ok(Exit::Success)
}

fn pull_model(config: &EncoderConfig, name: &str, from: Option<&str>) -> Result<Exit, CliError> {
    let Some(model) = pull::find(encoder::resolve_name(config, Some(name))) else {
        let known: Vec<String> = pull::catalog().into_iter().map(|m| m.name).collect();
        return Err(CliError::usage(format!(
            "no model named '{name}' in the catalog (known: {}); for other models use `caro model import DIR`",
            known.join(", ")
        )));
    };
    let from = from.map(|f| {
        if f.contains("://") {
            f.to_string()
        } else {
            format!("file://{}", absolute(Path::new(f)).display())
        }
    });
    let parent = crate::paths::cache_dir()
        .ok_or_else(|| {
            CliError::failure("cannot locate the cache directory: set HOME or XDG_CACHE_HOME")
        })?
        .join("downloads");
    let work = parent.join(format!("{}-{}", model.name, std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let result = pull::download(&model, from.as_deref(), &work, &mut |msg| {
        eprintln!("caro: {msg}")
    })
    .and_then(|provenance| store::install_from_dir(&work, &model.name, provenance));
    let _ = std::fs::remove_dir_all(&work);
    let manifest = result.map_err(CliError::failure)?;
    eprintln!(
        "caro: installed {} ({:.1} MB, sha256 {}) from {} at {}",
        manifest.name,
        manifest.size as f64 / 1e6,
        manifest.sha256,
        manifest.source,
        manifest.revision
    );
    finish_install(config, &manifest.name)
}

fn import(config: &EncoderConfig, dir: &Path, name: Option<&str>) -> Result<Exit, CliError> {
    let name = name_of(config, name.unwrap_or(encoder::ROLE))?;
    let fallback = store::Provenance {
        source: format!("import:{}", absolute(dir).display()),
        revision: String::new(),
    };
    let manifest = store::install_from_dir(dir, name, fallback).map_err(CliError::failure)?;
    eprintln!(
        "caro: installed {} ({:.1} MB, sha256 {}) from {}",
        manifest.name,
        manifest.size as f64 / 1e6,
        manifest.sha256,
        manifest.source
    );
    finish_install(config, name)
}

/// After an install: convert to ORT format and build the table now, not on the first Ctrl-G.
fn finish_install(config: &EncoderConfig, name: &str) -> Result<Exit, CliError> {
    remove_caches(name, false);
    match encoder::index(config, name) {
        Ok(report) => {
            eprintln!(
                "caro: embedded {} phrasings into {} in {:.1} s",
                report.rows,
                report.path.display(),
                report.seconds
            );
            Ok(Exit::Success)
        }
        Err(e) => Err(CliError::failure(format!(
            "the model is installed but could not be indexed: {e}"
        ))),
    }
}

fn verify(config: &EncoderConfig, name: &str) -> Result<Exit, CliError> {
    let name = name_of(config, name)?;
    let problems = store::verify(name).map_err(CliError::failure)?;
    if problems.is_empty() {
        super::write_stdout(&format!("{name}: all files match the manifest\n"))?;
        Ok(Exit::Success)
    } else {
        for p in &problems {
            eprintln!("caro: {p}");
        }
        Err(CliError::failure(format!(
            "{name} is damaged: reinstall it with `caro model pull {}` or `caro model import DIR`",
            encoder::ROLE
        )))
    }
}

fn index(config: &EncoderConfig, name: &str) -> Result<Exit, CliError> {
    let name = name_of(config, name)?;
    let report = encoder::index(config, name).map_err(CliError::failure)?;
    super::write_stdout(&format!(
        "{}: {} phrasings in {} ({})\n",
        name,
        report.rows,
        report.path.display(),
        if report.rebuilt {
            format!("built in {:.1} s", report.seconds)
        } else {
            "already current".to_string()
        }
    ))?;
    Ok(Exit::Success)
}

fn remove(config: &EncoderConfig, name: &str) -> Result<Exit, CliError> {
    let name = name_of(config, name)?;
    let dir = store::model_dir(name).map_err(CliError::failure)?;
    if !dir.exists() {
        return Err(CliError::failure(format!(
            "no model named {name} is installed (see `caro model list`)"
        )));
    }
    std::fs::remove_dir_all(&dir)
        .map_err(|e| CliError::failure(format!("cannot remove {}: {e}", dir.display())))?;
    remove_caches(name, true);
    eprintln!("caro: removed {name} ({})", dir.display());
    Ok(Exit::Success)
}

/// Drop derived files of `name`: converted models always, the table too when `table`.
fn remove_caches(name: &str, table: bool) {
    let Some(dir) = crate::paths::cache_dir().map(|d| d.join("encoder")) else {
        return;
    };
    let prefix = format!("{name}-");
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if file.starts_with(&prefix) && file.ends_with(".ort") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    if table {
        if let Some(p) = encoder::table_path(name) {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn path(config: &EncoderConfig, name: &str, library: bool) -> Result<Exit, CliError> {
    if library {
        let found = encoder::library::Places::from_process(&config.ort_library)
            .find()
            .map_err(CliError::failure)?;
        super::write_stdout(&format!("{}\n", found.path.display()))?;
        return Ok(Exit::Success);
    }
    let name = name_of(config, name)?;
    let dir = store::model_dir(name).map_err(CliError::failure)?;
    super::write_stdout(&format!("{}\n", dir.display()))?;
    Ok(Exit::Success)
}

fn absolute(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    })
}
