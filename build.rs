//! Build script: compiles the knowledge base (`data/kb/*.toml`) into `$OUT_DIR/kb.json`
//! (the index) with `kb-recipes.json` and `kb-texts.json` beside it.
//!
//! Recipe phrasings are analysed here with the same code that analyses requests at run
//! time (`src/nlu`), so the binary does no parsing of TOML and no analysis of phrasings
//! at start-up, and a malformed recipe fails the build with its file and id.

#[allow(dead_code, unused_imports)]
#[path = "src/nlu/mod.rs"]
mod nlu;

#[allow(dead_code)]
#[path = "src/kb/build_support.rs"]
mod kb;

#[path = "src/safety/build_data.rs"]
mod safety_data;

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=data/kb");
    println!("cargo:rerun-if-changed=src/nlu");
    println!("cargo:rerun-if-changed=src/kb/compile.rs");
    println!("cargo:rerun-if-changed=src/kb/schema.rs");
    println!("cargo:rerun-if-changed=src/kb/template.rs");

    let dir = Path::new("data/kb");
    let lexicon_toml =
        std::fs::read_to_string(dir.join("lexicon.toml")).expect("data/kb/lexicon.toml");
    let mut recipe_files = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("data/kb")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .filter(|p| !p.ends_with("lexicon.toml"))
        .collect();
    entries.sort();
    for path in entries {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).expect("recipe file");
        recipe_files.push((
            path.file_name().unwrap().to_string_lossy().into_owned(),
            text,
        ));
    }
    let input = kb::compile::Input {
        lexicon_toml: &lexicon_toml,
        recipe_files,
    };
    let compiled = match kb::compile::compile(&input) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("knowledge base error: {e}");
            panic!("knowledge base error: {e}");
        }
    };
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(
        out_dir.join("kb.json"),
        serde_json::to_string(&compiled).unwrap(),
    )
    .unwrap();
    std::fs::write(out_dir.join("kb-recipes.json"), &compiled.recipes_blob).unwrap();
    std::fs::write(out_dir.join("kb-texts.json"), &compiled.texts_json).unwrap();

    // The safety data: static tables of small JSON entries, parsed one by one as checks need
    // them, with each pattern's required literals (src/safety/build_data.rs).
    println!("cargo:rerun-if-changed=data/safety");
    println!("cargo:rerun-if-changed=data/packages.toml");
    println!("cargo:rerun-if-changed=src/safety/build_data.rs");
    println!("cargo:rerun-if-changed=src/safety/literals.rs");
    let safety = safety_data::generate(Path::new("data/safety"), Path::new("data/packages.toml"))
        .unwrap_or_else(|e| panic!("safety data error: {e}"));
    std::fs::write(out_dir.join("safety_data.rs"), safety).unwrap();
    // The command dictionary for `caro explain` (not recipes).
    convert("data/commands.toml", &out_dir.join("kb-commands.json"));
}

fn convert(source: &str, target: &Path) {
    println!("cargo:rerun-if-changed={source}");
    let text = std::fs::read_to_string(source).unwrap_or_else(|e| panic!("{source}: {e}"));
    let value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{source}: {e}"));
    std::fs::write(target, serde_json::to_string(&value).unwrap()).unwrap();
}
