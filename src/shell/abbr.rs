//! Saved abbreviations (`caro abbr add NAME`) and the last suggestion a widget inserted.
//!
//! Abbreviations live in `<data_dir>/abbreviations.toml`, one `name = "command"` per line
//! under `[abbreviations]`; `caro init fish` turns each into `abbr --add`. The widgets write
//! the suggestion they insert to `<data_dir>/last-suggestion` (plain text, overwritten
//! each time): that is "the last accepted suggestion" for `!!caro` and `caro abbr add`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub const ABBREVIATIONS_FILE: &str = "abbreviations.toml";

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AbbrFile {
    #[serde(default)]
    abbreviations: BTreeMap<String, String>,
}

/// The abbreviation store at one path.
pub struct Store {
    path: PathBuf,
}

impl Store {
    /// The store in caro's data directory.
    pub fn default_location() -> Option<Store> {
        crate::paths::state_file(ABBREVIATIONS_FILE).map(Store::at)
    }

    pub fn at(path: impl Into<PathBuf>) -> Store {
        Store { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// All saved abbreviations, sorted by name. A missing file is an empty store.
    pub fn load(&self) -> Result<BTreeMap<String, String>, String> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(format!("could not read {}: {e}", self.path.display())),
        };
        let file: AbbrFile = toml::from_str(&text).map_err(|e| {
            format!(
                "could not parse {}: {} (fix or delete the file)",
                self.path.display(),
                e.message()
            )
        })?;
        Ok(file.abbreviations)
    }

    fn save(&self, abbreviations: BTreeMap<String, String>) -> Result<(), String> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("could not create {}: {e}", dir.display()))?;
        }
        let text = toml::to_string(&AbbrFile { abbreviations })
            .map_err(|e| format!("could not encode abbreviations: {e}"))?;
        let header = "# caro abbreviations: managed by `caro abbr add/remove`; \
                      `caro init fish` turns each into an fish abbreviation.\n";
        // Write a sibling and rename it over the file, so a crash never leaves half a file.
        let tmp = self.path.with_extension("toml.tmp");
        std::fs::write(&tmp, format!("{header}{text}"))
            .and_then(|_| std::fs::rename(&tmp, &self.path))
            .map_err(|e| format!("could not write {}: {e}", self.path.display()))
    }

    /// Add or replace one abbreviation; returns the command it replaced, if any.
    pub fn add(&self, name: &str, command: &str) -> Result<Option<String>, String> {
        validate_name(name)?;
        if command.trim().is_empty() {
            return Err(format!("abbreviation '{name}' needs a non-empty command"));
        }
        let mut all = self.load()?;
        let old = all.insert(name.to_string(), command.to_string());
        self.save(all)?;
        Ok(old)
    }

    /// Remove one abbreviation; returns its command.
    pub fn remove(&self, name: &str) -> Result<String, String> {
        let mut all = self.load()?;
        let old = all.remove(name).ok_or_else(|| {
            format!("no saved abbreviation named '{name}' (see `caro abbr list`)")
        })?;
        self.save(all)?;
        Ok(old)
    }
}

/// Names become fish abbreviation names and appear unquoted on the command line: keep them
/// to characters that need no quoting in any shell, and away from caro's own `!!caro`.
pub fn validate_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '+' | ','))
        && !name.starts_with('-');
    if !ok {
        return Err(format!(
            "abbreviation name '{name}' must be 1-64 letters, digits, or _ - . + , (not starting with -)"
        ));
    }
    if name.starts_with("__caro") {
        return Err(format!("abbreviation name '{name}' is reserved for caro"));
    }
    Ok(())
}

/// The last suggestion a widget inserted, if any.
pub fn last_suggestion(path: &Path) -> Result<String, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let text = text.trim_end_matches('\n').to_string();
            if text.trim().is_empty() {
                Err(no_last_suggestion())
            } else {
                Ok(text)
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(no_last_suggestion()),
        Err(e) => Err(format!("could not read {}: {e}", path.display())),
    }
}

fn no_last_suggestion() -> String {
    "no suggestion accepted yet: press Ctrl-G on a request first, or give the command: \
     caro abbr add NAME -- COMMAND"
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_list_remove_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("sub/abbreviations.toml"));
        assert!(store.load().unwrap().is_empty());
        assert_eq!(store.add("big", "du -sh * | sort -h").unwrap(), None);
        assert_eq!(
            store.add("big", "du -sh .[!.]* *\n# two lines").unwrap(),
            Some("du -sh * | sort -h".into())
        );
        store.add("gs", "git status").unwrap();
        let all = store.load().unwrap();
        assert_eq!(all.keys().collect::<Vec<_>>(), ["big", "gs"]);
        assert_eq!(all["big"], "du -sh .[!.]* *\n# two lines");
        assert_eq!(store.remove("gs").unwrap(), "git status");
        assert!(store
            .remove("gs")
            .unwrap_err()
            .contains("no saved abbreviation"));
    }

    #[test]
    fn names_are_checked() {
        for bad in ["", "a b", "-x", "$(id)", "x;y", "__caro_last", "é"] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
        for good in ["gs", "big-files", "k8s.logs", "a_b"] {
            validate_name(good).unwrap();
        }
    }

    #[test]
    fn broken_store_says_how_to_fix_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abbreviations.toml");
        std::fs::write(&path, "[abbreviations\n").unwrap();
        let err = Store::at(&path).load().unwrap_err();
        assert!(err.contains("fix or delete"), "{err}");
    }

    #[test]
    fn last_suggestion_needs_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("last-suggestion");
        assert!(last_suggestion(&path)
            .unwrap_err()
            .contains("no suggestion"));
        std::fs::write(&path, "ls -la\n").unwrap();
        assert_eq!(last_suggestion(&path).unwrap(), "ls -la");
    }
}
