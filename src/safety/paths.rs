//! What a path argument points at: the root, the home directory, a system directory, a disk.
//!
//! The classes come from `data/safety/paths.toml`; rules refer to them as `@class`. Input is a
//! word as the analyser resolved it: `~` stands for the home directory, [`UNKNOWN`] for text
//! only known at run time (`$DIR`, `$(cmd)`), and glob characters are still in place.

/// Marks run-time text (an unset variable, a command substitution) inside a resolved word.
pub(crate) const UNKNOWN: char = '\0';

macro_rules! classes {
    ($($name:ident = $bit:expr, $text:expr;)*) => {
        $(pub(crate) const $name: u32 = 1 << $bit;)*
        /// `@name` → bit, for the rule files.
        pub(crate) fn class_bit(name: &str) -> Option<u32> {
            match name {
                $($text => Some($name),)*
                _ => None,
            }
        }
    };
}

classes! {
    ROOT = 0, "root";
    ROOT_GLOB = 1, "root-glob";
    HOME = 2, "home";
    HOME_GLOB = 3, "home-glob";
    HOME_IMPORTANT = 4, "home-important";
    HOME_SUB = 5, "home-sub";
    DOTFILE = 6, "dotfile";
    OTHER_HOME = 7, "other-home";
    SYSTEM = 8, "system";
    SYSTEM_GLOB = 9, "system-glob";
    PROTECTED = 10, "protected";
    CRITICAL_FILE = 11, "critical-file";
    DEVICE = 12, "device";
    NULL = 13, "null";
    ZERO_SOURCE = 14, "zero-source";
    TMP = 15, "tmp";
    CWD = 16, "cwd";
    CWD_ALL = 17, "cwd-all";
    PARENT = 18, "parent";
    RELATIVE = 19, "relative";
    ABSOLUTE = 20, "absolute";
    UNKNOWN_PATH = 21, "unknown";
    UNKNOWN_ROOT = 22, "unknown-root";
}

type List = &'static [&'static str];

/// The lists of `paths.toml`, compiled in as static tables (nothing to parse at start-up).
#[derive(Debug, Default)]
pub(crate) struct PathData {
    system_dirs: List,
    protected_prefixes: List,
    unprotected_prefixes: List,
    critical_files: List,
    dotfiles: List,
    home_important: List,
    devices: List,
    zero_sources: List,
    tmp_prefixes: List,
    home_parents: List,
}

fn matches_pattern(path: &str, pattern: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => path == pattern,
    }
}

fn under(path: &str, prefix: &str) -> bool {
    path == prefix || (path.starts_with(prefix) && path.as_bytes().get(prefix.len()) == Some(&b'/'))
}

/// A glob component that matches (nearly) every name: `*`, `.*`, `?*`, `*(D)`, `[!.]*`.
fn is_match_all(component: &str) -> bool {
    let core = match component.find('(') {
        Some(i) if component.ends_with(')') => &component[..i],
        _ => component,
    };
    let core = if core.starts_with('[') {
        match core.find(']') {
            Some(i) => &core[i + 1..],
            None => core,
        }
    } else {
        core
    };
    core.contains('*') && core.chars().all(|c| matches!(c, '*' | '?' | '.'))
}

fn has_glob(component: &str) -> bool {
    component.contains(['*', '?', '['])
}

impl PathData {
    /// The lists from the build script's `(key, list)` rows; every key must be known and
    /// present, as in the TOML file.
    pub(crate) fn from_table(rows: &[(&str, List)]) -> Result<PathData, String> {
        let mut data = PathData::default();
        let mut seen = Vec::new();
        for &(key, list) in rows {
            let field = match key {
                "system_dirs" => &mut data.system_dirs,
                "protected_prefixes" => &mut data.protected_prefixes,
                "unprotected_prefixes" => &mut data.unprotected_prefixes,
                "critical_files" => &mut data.critical_files,
                "dotfiles" => &mut data.dotfiles,
                "home_important" => &mut data.home_important,
                "devices" => &mut data.devices,
                "zero_sources" => &mut data.zero_sources,
                "tmp_prefixes" => &mut data.tmp_prefixes,
                "home_parents" => &mut data.home_parents,
                other => return Err(format!("data/safety/paths.toml: unknown key {other:?}")),
            };
            *field = list;
            seen.push(key);
        }
        if seen.len() != 10 {
            return Err(format!(
                "data/safety/paths.toml: expected the 10 lists, found {}",
                seen.len()
            ));
        }
        Ok(data)
    }

    /// The classes of one resolved path. `cwd` is the working directory when the analyser
    /// knows it (`~` for the home directory); `home` is the user's home as an absolute path.
    pub(crate) fn classify(&self, text: &str, cwd: Option<&str>, home: Option<&str>) -> u32 {
        if text.is_empty() {
            return 0;
        }
        // A plain relative name (`build`, `notes.txt`) with no known working directory.
        if cwd.is_none()
            && !text.starts_with(['/', '~', '.', UNKNOWN])
            && !text.contains(['/', '*', '?', '[', UNKNOWN])
        {
            return RELATIVE;
        }
        if let Some(rest) = text.strip_prefix(UNKNOWN) {
            if rest.starts_with('/') {
                return UNKNOWN_ROOT;
            }
            if rest.is_empty() || rest.chars().all(|c| c == UNKNOWN) {
                return UNKNOWN_PATH;
            }
        }
        // Assume run-time pieces in the middle are non-empty names.
        let owned;
        let text = if text.contains(UNKNOWN) {
            owned = text.replace(UNKNOWN, "x");
            owned.as_str()
        } else {
            text
        };
        let joined;
        let text = if !text.starts_with('/') && !text.starts_with('~') {
            match cwd {
                Some(dir) => {
                    joined = format!("{dir}/{text}");
                    joined.as_str()
                }
                None => return relative_classes(text),
            }
        } else {
            text
        };
        if let Some(user_path) = text.strip_prefix('~') {
            if !(user_path.is_empty() || user_path.starts_with('/')) {
                // `~user`: someone else's home.
                let (user, rest) = user_path.split_once('/').unwrap_or((user_path, ""));
                return self.classify_absolute(&format!("/home/{user}/{rest}"), home);
            }
        }
        self.classify_absolute(text, home)
    }

    fn classify_absolute(&self, text: &str, home: Option<&str>) -> u32 {
        // Normalise lexically, with the home directory as two virtual components so that
        // `~/..` lands in the directory that holds every home.
        let (mut comps, from_home): (Vec<&str>, bool) = match text.strip_prefix('~') {
            Some(_) => (vec!["home", "~"], true),
            None => (Vec::new(), false),
        };
        let body = if from_home { &text[1..] } else { text };
        for c in body.split('/') {
            match c {
                "" | "." => {}
                ".." => {
                    comps.pop();
                }
                c => comps.push(c),
            }
        }
        let in_home = from_home && comps.len() >= 2 && comps[0] == "home" && comps[1] == "~";
        // Split off a trailing glob: `/usr/*` is "everything in /usr".
        let glob_at = comps.iter().position(|c| has_glob(c));
        let (base, glob_all) = match glob_at {
            Some(i) => {
                let all = comps[i..].iter().all(|c| is_match_all(c));
                (&comps[..i], all)
            }
            None => (&comps[..], false),
        };
        let mut classes = 0;
        if in_home {
            let rest = &base[2..];
            let rest_path = format!("~/{}", rest.join("/"));
            let rest_path = rest_path.trim_end_matches('/');
            if glob_at.is_some() && glob_all && rest.is_empty() {
                return HOME_GLOB;
            }
            if glob_at.is_none() && rest.is_empty() {
                return HOME;
            }
            classes |= HOME_SUB;
            if (glob_at.is_none() || glob_all) && self.home_important.contains(&rest_path) {
                classes |= HOME_IMPORTANT;
            }
            let full = if glob_at.is_some() {
                format!("{rest_path}/x")
            } else {
                rest_path.to_string()
            };
            if self.dotfiles.iter().any(|p| matches_pattern(&full, p)) {
                classes |= DOTFILE;
            }
            return classes;
        }
        let abs = format!("/{}", base.join("/"));
        if let Some(h) = home {
            let h = h.trim_end_matches('/');
            if !h.is_empty() && h != "/" {
                if abs == h {
                    return if glob_at.is_some() {
                        if glob_all {
                            HOME_GLOB
                        } else {
                            HOME_SUB
                        }
                    } else {
                        HOME
                    };
                }
                if under(&abs, h) {
                    let rel = format!("~{}", &abs[h.len()..]);
                    return self.classify_absolute(&rel, None);
                }
            }
        }
        classes |= ABSOLUTE;
        if let Some(i) = glob_at {
            if glob_all {
                if base.is_empty() {
                    return classes | ROOT_GLOB;
                }
                if self.system_dirs.contains(&abs.as_str()) {
                    classes |= SYSTEM_GLOB;
                }
                if self.home_parents.contains(&abs.as_str()) {
                    classes |= SYSTEM_GLOB;
                }
            }
            // Files matched in a directory are below it.
            let inner = format!("{abs}/{}", comps[i]);
            return classes | self.plain_classes(&inner) & !(ROOT | SYSTEM);
        }
        classes | self.plain_classes(&abs)
    }

    fn plain_classes(&self, abs: &str) -> u32 {
        let mut classes = 0;
        if abs == "/" {
            return ROOT;
        }
        if self.system_dirs.contains(&abs) {
            classes |= SYSTEM;
        }
        let unprotected = self.unprotected_prefixes.iter().any(|p| under(abs, p));
        if !unprotected && self.protected_prefixes.iter().any(|p| under(abs, p)) {
            classes |= PROTECTED;
        }
        if self.critical_files.iter().any(|p| matches_pattern(abs, p)) {
            classes |= CRITICAL_FILE;
        }
        if self.devices.iter().any(|p| matches_pattern(abs, p)) {
            classes |= DEVICE;
        }
        if abs == "/dev/null" {
            classes |= NULL;
        }
        if self.zero_sources.contains(&abs) {
            classes |= ZERO_SOURCE;
        }
        if self.tmp_prefixes.iter().any(|p| under(abs, p)) {
            classes |= TMP;
        }
        for parent in self.home_parents {
            if let Some(rest) = abs.strip_prefix(parent) {
                if let Some(name) = rest.strip_prefix('/') {
                    if !name.is_empty() && !name.contains('/') {
                        classes |= OTHER_HOME;
                    }
                }
            }
        }
        classes
    }
}

fn relative_classes(text: &str) -> u32 {
    let trimmed = text.trim_end_matches('/');
    let mut comps: Vec<&str> = Vec::new();
    let mut ups = 0;
    for c in trimmed.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if comps.pop().is_none() {
                    ups += 1;
                }
            }
            c => comps.push(c),
        }
    }
    if ups > 0 && comps.iter().all(|c| is_match_all(c)) {
        return PARENT;
    }
    if ups > 0 {
        return RELATIVE;
    }
    if comps.is_empty() {
        return CWD;
    }
    if comps.iter().all(|c| is_match_all(c)) {
        return CWD_ALL;
    }
    RELATIVE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> &'static PathData {
        &crate::safety::data::get().paths
    }

    fn has(text: &str, class: u32) -> bool {
        data().classify(text, None, Some("/home/ann")) & class != 0
    }

    #[test]
    fn root_and_globs() {
        for p in ["/", "//", "/.", "/tmp/..", "/usr/../"] {
            assert!(has(p, ROOT), "{p}");
        }
        for p in ["/*", "/.*", "/*(D)", "/*/*", "/[a-z]*"] {
            assert!(has(p, ROOT_GLOB), "{p}");
        }
        assert!(!has("/*.log", ROOT_GLOB));
        assert!(has("/usr/*", SYSTEM_GLOB));
        assert!(has("/home/*", SYSTEM_GLOB));
    }

    #[test]
    fn home_forms() {
        for p in ["~", "~/", "/home/ann", "/home/ann/"] {
            assert!(has(p, HOME), "{p}");
        }
        for p in ["~/*", "~/.*", "/home/ann/*"] {
            assert!(has(p, HOME_GLOB), "{p}");
        }
        assert!(
            has("~/..", SYSTEM),
            "the parent of the home holds every home"
        );
        assert!(has("~/../..", ROOT));
        assert!(has("~/.bashrc", DOTFILE));
        assert!(has("~/.ssh/id_ed25519", DOTFILE));
        assert!(has("~/Documents", HOME_IMPORTANT));
        assert!(has("~/.cache/thumbnails", HOME_SUB));
        assert!(!has("~/.cache/thumbnails", HOME_IMPORTANT | DOTFILE | HOME));
        assert!(has("/home/bob", OTHER_HOME));
        assert!(has("~bob", OTHER_HOME));
    }

    #[test]
    fn system_devices_and_scratch() {
        assert!(has("/etc", SYSTEM));
        assert!(has("/etc/nginx/nginx.conf", PROTECTED));
        assert!(!has("/usr/local/bin/tool", PROTECTED));
        assert!(has("/etc/passwd", CRITICAL_FILE));
        assert!(has("/etc/sudoers.d/90-me", CRITICAL_FILE));
        assert!(has("/dev/sdb", DEVICE));
        assert!(has("/dev/nvme0n1p2", DEVICE));
        assert!(!has("/dev/null", DEVICE));
        assert!(has("/dev/null", NULL));
        assert!(has("/dev/urandom", ZERO_SOURCE));
        assert!(has("/tmp/myapp/cache", TMP));
        assert!(!has("/tmp/myapp/cache", SYSTEM | PROTECTED | ROOT));
    }

    #[test]
    fn relative_and_run_time_paths() {
        assert!(has("./build", RELATIVE));
        assert!(has("node_modules", RELATIVE));
        assert!(has(".", CWD));
        assert!(has("*", CWD_ALL));
        assert!(has("./*", CWD_ALL));
        assert!(has("..", PARENT));
        assert!(has("\0/", UNKNOWN_ROOT));
        assert!(has("\0/*", UNKNOWN_ROOT));
        assert!(has("\0", UNKNOWN_PATH));
        assert!(has("/usr/\0", PROTECTED));
        // A known working directory turns relative paths into absolute ones.
        assert!(data().classify("*", Some("/"), None) & ROOT_GLOB != 0);
        assert!(data().classify("usr", Some("/"), None) & SYSTEM != 0);
        assert!(data().classify("*", Some("~"), None) & HOME_GLOB != 0);
    }
}
