//! Execution context: what machine and shell a suggestion is for.
//!
//! Capturing a [`Context`] must stay cheap (it runs on every Ctrl-G), so it performs a handful
//! of syscalls and nothing else: no subprocesses, no directory scans. Everything expensive
//! (which tools exist, the distribution, the environment) is computed lazily on first use.

mod env;
mod tools;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use once_cell::unsync::OnceCell;
use serde::Serialize;

pub use env::{is_secret_name, is_secret_value, EnvView};
pub use tools::Tools;

/// Operating-system family a command is rendered for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Os {
    Linux,
    Macos,
}

impl Os {
    /// The OS this binary runs on. Other Unixes are treated as the closest family:
    /// the BSDs share macOS's userland flags.
    pub fn host() -> Os {
        if cfg!(any(
            target_os = "macos",
            target_os = "freebsd",
            target_os = "openbsd",
            target_os = "netbsd"
        )) {
            Os::Macos
        } else {
            Os::Linux
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Os::Linux => "linux",
            Os::Macos => "macos",
        }
    }

    /// Default flavour of the core utilities on this OS.
    pub fn default_flavour(self) -> Flavour {
        match self {
            Os::Linux => Flavour::Gnu,
            Os::Macos => Flavour::Bsd,
        }
    }
}

impl fmt::Display for Os {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Os {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "linux" | "gnu" => Ok(Os::Linux),
            "macos" | "mac" | "darwin" | "osx" => Ok(Os::Macos),
            other => Err(format!("unknown os '{other}' (expected linux or macos)")),
        }
    }
}

/// Target shell. Its syntax decides quoting and idioms (fish differs the most).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

impl Shell {
    pub const ALL: [Shell; 3] = [Shell::Bash, Shell::Zsh, Shell::Fish];

    pub fn as_str(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
        }
    }

    /// Guess the user's shell without spawning anything: the widget exports `CARO_SHELL`,
    /// otherwise `$SHELL`'s basename, otherwise bash.
    pub fn detect(env: &EnvView) -> Shell {
        for var in ["CARO_SHELL", "SHELL"] {
            if let Some(value) = env.get(var) {
                let base = value.rsplit('/').next().unwrap_or(&value);
                if let Ok(shell) = base.parse() {
                    return shell;
                }
            }
        }
        Shell::Bash
    }
}

impl fmt::Display for Shell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Shell {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "bash" | "sh" => Ok(Shell::Bash),
            "zsh" => Ok(Shell::Zsh),
            "fish" => Ok(Shell::Fish),
            other => Err(format!(
                "unsupported shell '{other}' (expected bash, zsh or fish)"
            )),
        }
    }
}

/// Which dialect of the core utilities (`sed`, `find`, `date`, `stat`, …) is installed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Flavour {
    Gnu,
    Bsd,
    Busybox,
}

impl Flavour {
    pub fn as_str(self) -> &'static str {
        match self {
            Flavour::Gnu => "gnu",
            Flavour::Bsd => "bsd",
            Flavour::Busybox => "busybox",
        }
    }
}

/// Everything a suggestion may depend on about the machine and the user's session.
pub struct Context {
    pub os: Os,
    /// `true` when `--os` named an OS other than the host: then the local PATH says nothing
    /// about which tools exist on the target, and existence checks are skipped.
    pub os_overridden: bool,
    pub arch: &'static str,
    pub shell: Shell,
    pub cwd: PathBuf,
    pub is_root: bool,
    pub env: EnvView,
    pub tools: Tools,
    /// Functions, aliases and other names the user's shell knows that are not on PATH.
    /// The widget passes them in `CARO_KNOWN_COMMANDS` (whitespace-separated).
    pub known_commands: Vec<String>,
    flavour: OnceCell<Flavour>,
    distro: OnceCell<Option<String>>,
}

impl Context {
    /// Capture the context of this process. `os`/`shell` override detection.
    pub fn capture(os: Option<Os>, shell: Option<Shell>) -> Context {
        let env = EnvView::from_process();
        Context::with_env(env, os, shell)
    }

    /// Capture with an explicit environment (tests and benches inject one).
    pub fn with_env(env: EnvView, os: Option<Os>, shell: Option<Shell>) -> Context {
        let host = Os::host();
        let os_value = os.unwrap_or(host);
        let shell = shell.unwrap_or_else(|| Shell::detect(&env));
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let tools = Tools::new(env.get_raw("PATH").unwrap_or_default());
        let known_commands = env
            .get_raw("CARO_KNOWN_COMMANDS")
            .map(|s| s.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        Context {
            os: os_value,
            os_overridden: os_value != host,
            arch: std::env::consts::ARCH,
            shell,
            cwd,
            is_root: nix::unistd::geteuid().is_root(),
            env,
            tools,
            known_commands,
            flavour: OnceCell::new(),
            distro: OnceCell::new(),
        }
    }

    /// Flavour of the core utilities. On the host OS this looks at what `sed` resolves to
    /// (a busybox symlink, say); for an overridden OS it is that OS's default.
    pub fn flavour(&self) -> Flavour {
        *self.flavour.get_or_init(|| {
            if self.os_overridden {
                return self.os.default_flavour();
            }
            match self.tools.resolve("sed") {
                Some(sed) if links_to_busybox(&sed) => Flavour::Busybox,
                _ => self.os.default_flavour(),
            }
        })
    }

    /// Distribution id from `/etc/os-release` (`debian`, `fedora`, `arch`, …), read lazily.
    pub fn distro(&self) -> Option<&str> {
        self.distro
            .get_or_init(|| {
                if self.os != Os::Linux || self.os_overridden {
                    return None;
                }
                let text = std::fs::read_to_string("/etc/os-release").ok()?;
                parse_os_release_id(&text)
            })
            .as_deref()
    }

    /// Whether a command word can be run here. Unknown (always `true`) when the target OS
    /// was overridden, because this machine's PATH says nothing about the target's.
    pub fn has_tool(&self, name: &str) -> bool {
        self.os_overridden || self.known_commands.iter().any(|k| k == name) || self.tools.has(name)
    }

    /// Whether the tool is positively known to be installed (never assumed).
    pub fn tool_installed(&self, name: &str) -> bool {
        !self.os_overridden && self.tools.has(name)
    }
}

/// Whether `path` is a symlink (chain) ending at a file named `busybox`. One `readlink` per
/// link instead of `canonicalize`'s walk over every path component: for a plain binary (the
/// usual case) that is a single failing system call.
fn links_to_busybox(path: &std::path::Path) -> bool {
    let mut current = path.to_path_buf();
    // Distributions chain at most a couple of links (alternatives); stop well before loops.
    for _ in 0..8 {
        let Ok(target) = std::fs::read_link(&current) else {
            return false;
        };
        if target.file_name().is_some_and(|n| n == "busybox") {
            return true;
        }
        current = match current.parent() {
            Some(dir) if target.is_relative() => dir.join(target),
            _ => target,
        };
    }
    false
}

fn parse_os_release_id(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let value = line.strip_prefix("ID=")?;
        Some(value.trim().trim_matches('"').to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_os_and_shell_names() {
        assert_eq!("Darwin".parse::<Os>().unwrap(), Os::Macos);
        assert_eq!("linux".parse::<Os>().unwrap(), Os::Linux);
        assert!("windows".parse::<Os>().is_err());
        assert_eq!("fish".parse::<Shell>().unwrap(), Shell::Fish);
        assert!("pwsh".parse::<Shell>().is_err());
    }

    #[test]
    fn detects_shell_from_env() {
        let env = EnvView::from_pairs([("SHELL", "/usr/local/bin/fish")]);
        assert_eq!(Shell::detect(&env), Shell::Fish);
        let env = EnvView::from_pairs([("SHELL", "/bin/zsh"), ("CARO_SHELL", "bash")]);
        assert_eq!(Shell::detect(&env), Shell::Bash);
        let env = EnvView::from_pairs([("SHELL", "/bin/tcsh")]);
        assert_eq!(Shell::detect(&env), Shell::Bash);
    }

    #[test]
    fn busybox_is_recognised_through_symlinks() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("busybox"), "").unwrap();
        std::fs::write(d.join("gnu-sed"), "").unwrap();
        symlink("busybox", d.join("sed")).unwrap();
        symlink(d.join("sed"), d.join("sed-alt")).unwrap();
        symlink("gnu-sed", d.join("sed-gnu")).unwrap();
        assert!(links_to_busybox(&d.join("sed")));
        assert!(links_to_busybox(&d.join("sed-alt")));
        assert!(!links_to_busybox(&d.join("sed-gnu")));
        assert!(!links_to_busybox(&d.join("gnu-sed")));
        assert!(!links_to_busybox(&d.join("missing")));
    }

    #[test]
    fn os_release_id() {
        let text = "NAME=\"Debian GNU/Linux\"\nID=debian\nVERSION_ID=\"12\"\n";
        assert_eq!(parse_os_release_id(text).as_deref(), Some("debian"));
        assert_eq!(
            parse_os_release_id("ID=\"fedora\"").as_deref(),
            Some("fedora")
        );
        assert_eq!(parse_os_release_id("NAME=x"), None);
    }

    #[test]
    fn overridden_os_uses_its_default_flavour() {
        let other = match Os::host() {
            Os::Linux => Os::Macos,
            Os::Macos => Os::Linux,
        };
        let ctx = Context::with_env(
            EnvView::from_pairs([("PATH", "/usr/bin")]),
            Some(other),
            None,
        );
        assert!(ctx.os_overridden);
        assert_eq!(ctx.flavour(), other.default_flavour());
        assert!(ctx.has_tool("definitely-not-a-tool"));
        assert!(!ctx.tool_installed("definitely-not-a-tool"));
    }
}
