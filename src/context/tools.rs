//! Which executables are on PATH, found without spawning `which`.
//!
//! The hot path asks about a few names per suggestion, so lookups are per name: one `stat`
//! per PATH directory, memoised for the life of the process. Listing *every* tool (for
//! `caro doctor` and for preferring installed tools) reads each PATH directory once and caches
//! the result on disk, keyed by PATH and the directories' modification times so it refreshes
//! when PATH changes or a package is installed.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct Tools {
    path: String,
    memo: RefCell<HashMap<String, Option<PathBuf>>>,
}

impl Tools {
    pub fn new(path: String) -> Tools {
        Tools {
            path,
            memo: RefCell::new(HashMap::new()),
        }
    }

    /// The PATH string the lookups use.
    pub fn path_var(&self) -> &str {
        &self.path
    }

    fn dirs(&self) -> impl Iterator<Item = &Path> {
        self.path
            .split(':')
            .filter(|d| !d.is_empty())
            .map(Path::new)
    }

    /// Absolute path of an executable named `name`, if one is on PATH.
    pub fn resolve(&self, name: &str) -> Option<PathBuf> {
        if name.is_empty() || name.contains('\0') {
            return None;
        }
        if name.contains('/') {
            let p = PathBuf::from(name);
            return is_executable(&p).then_some(p);
        }
        if let Some(hit) = self.memo.borrow().get(name) {
            return hit.clone();
        }
        let found = self.dirs().map(|d| d.join(name)).find(|p| is_executable(p));
        self.memo
            .borrow_mut()
            .insert(name.to_string(), found.clone());
        found
    }

    pub fn has(&self, name: &str) -> bool {
        self.resolve(name).is_some()
    }

    /// Every executable name on PATH, from a cache file when it is still fresh.
    pub fn all(&self, cache_dir: Option<&Path>) -> BTreeSet<String> {
        let key = self.cache_key();
        let cache_file = cache_dir.map(|d| d.join("tools.cache"));
        if let Some(file) = &cache_file {
            if let Ok(text) = std::fs::read_to_string(file) {
                let mut lines = text.lines();
                if lines.next() == Some(key.as_str()) {
                    return lines.map(str::to_string).collect();
                }
            }
        }
        let mut names = BTreeSet::new();
        for dir in self.dirs() {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            for entry in entries.flatten() {
                if let Ok(name) = entry.file_name().into_string() {
                    if is_executable(&entry.path()) {
                        names.insert(name);
                    }
                }
            }
        }
        if let Some(file) = cache_file {
            let mut text = key;
            text.push('\n');
            for name in &names {
                text.push_str(name);
                text.push('\n');
            }
            // A cache is an optimisation: failing to write it is not worth a message.
            if let Some(parent) = file.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let tmp = file.with_extension("tmp");
            if std::fs::write(&tmp, text).is_ok() {
                let _ = std::fs::rename(&tmp, &file);
            }
        }
        names
    }

    /// PATH plus each directory's mtime: installing or removing a binary changes its
    /// directory's mtime, so the key changes with it.
    fn cache_key(&self) -> String {
        let mut key = format!("v1 {}", self.path);
        for dir in self.dirs() {
            let mtime = std::fs::metadata(dir)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            key.push_str(&format!(" {mtime}"));
        }
        key
    }
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn make_exe(dir: &Path, name: &str) {
        let p = dir.join(name);
        fs::write(&p, "#!/bin/sh\n").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn resolves_and_lists_executables() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        make_exe(a.path(), "alpha");
        make_exe(b.path(), "beta");
        fs::write(b.path().join("notexec"), "x").unwrap();
        let tools = Tools::new(format!("{}:{}", a.path().display(), b.path().display()));
        assert!(tools.has("alpha"));
        assert!(tools.has("beta"));
        assert!(!tools.has("notexec"));
        assert!(!tools.has("gamma"));
        let cache = tempfile::tempdir().unwrap();
        let all = tools.all(Some(cache.path()));
        assert!(all.contains("alpha") && all.contains("beta") && !all.contains("notexec"));
        // A new binary changes the directory mtime, so the cache refreshes.
        std::thread::sleep(std::time::Duration::from_millis(20));
        make_exe(a.path(), "gamma");
        let all = tools.all(Some(cache.path()));
        assert!(all.contains("gamma"));
    }
}
