//! Real-terminal harness for the Ctrl-G widgets: each session is its own tmux server
//! (`-S` socket inside the session's temp dir, so nothing is left behind) running one rc-free shell with a temporary HOME, the widget loaded from
//! `caro init`, and a "dump" key (Ctrl-T) that writes the line editor's buffer and cursor to
//! a file. Everything polls with a deadline; nothing sleeps a fixed time.
//!
//! When tmux or the shell is missing the tests skip with a message, unless `CI` is set:
//! then they fail, because CI must run them.

#![allow(dead_code)]

pub mod cases;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const PROMPT: &str = "PROMPT> ";
const DEADLINE: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(15);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sh {
    Zsh,
    Bash,
    Fish,
}

impl Sh {
    pub fn name(self) -> &'static str {
        match self {
            Sh::Zsh => "zsh",
            Sh::Bash => "bash",
            Sh::Fish => "fish",
        }
    }

    /// The undo key of each shell's default emacs-style bindings.
    pub fn undo_key(self) -> &'static str {
        match self {
            Sh::Zsh | Sh::Bash => "C-_",
            Sh::Fish => "C-z",
        }
    }

    /// Keys that put a literal newline into the buffer.
    pub fn newline_keys(self) -> &'static [&'static str] {
        match self {
            Sh::Zsh | Sh::Bash => &["C-v", "C-j"],
            Sh::Fish => &["M-Enter"],
        }
    }
}

pub fn caro_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_caro"))
}

pub fn standin() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/caro-standin")
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Whether the tools for `sh` exist; without them: skip (or fail under CI).
pub fn available(tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools.iter().copied().filter(|t| !have(t)).collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("CI must install {missing:?} for the shell widget tests (apt-get install zsh fish tmux shellcheck)");
    }
    eprintln!("skipping: {missing:?} not installed (CI installs them; these tests then run)");
    false
}

/// Options for one session.
pub struct Setup {
    pub sh: Sh,
    /// Binary written into the init script (`caro init --bin`).
    pub helper: PathBuf,
    /// Extra environment for `caro init` and the shell (e.g. `CARO_TIMEOUT_MS`).
    pub env: Vec<(String, String)>,
    pub init_args: Vec<String>,
    /// Put `caro` (the real binary) on PATH and, in zsh, load compinit first.
    pub completion: bool,
    /// rc lines run after the widget is loaded (user options).
    pub rc_extra: String,
}

impl Setup {
    pub fn new(sh: Sh, helper: PathBuf) -> Setup {
        Setup {
            sh,
            helper,
            env: Vec::new(),
            init_args: Vec::new(),
            completion: false,
            rc_extra: String::new(),
        }
    }

    pub fn rc(mut self, lines: &str) -> Setup {
        self.rc_extra.push_str(lines);
        self.rc_extra.push('\n');
        self
    }

    pub fn with_completion(mut self) -> Setup {
        self.completion = true;
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Setup {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn init_arg(mut self, arg: &str) -> Setup {
        self.init_args.push(arg.into());
        self
    }

    /// Start the session, or `None` when the tools are missing (outside CI).
    pub fn start(self) -> Option<Session> {
        if !available(&["tmux", self.sh.name()]) {
            return None;
        }
        Some(Session::start(self))
    }
}

pub struct Session {
    pub sh: Sh,
    socket: String,
    pub dir: tempfile::TempDir,
    /// The shell's working directory (canary files would appear here).
    pub work: PathBuf,
    pub log: PathBuf,
    dump: PathBuf,
    /// The environment the shell (and so the helper) runs with.
    pub env: Vec<(String, String)>,
}

fn env_for(dir: &Path, extra: &[(String, String)]) -> Vec<(String, String)> {
    let d = |p: &str| dir.join(p).to_string_lossy().into_owned();
    let mut env = vec![
        ("HOME".to_string(), d("home")),
        ("XDG_CONFIG_HOME".to_string(), d("home/.config")),
        ("XDG_DATA_HOME".to_string(), d("home/.local/share")),
        ("XDG_CACHE_HOME".to_string(), d("home/.cache")),
        ("LANG".to_string(), "C.UTF-8".to_string()),
        ("CARO_STANDIN_LOG".to_string(), d("standin.log")),
        ("CARO_CONFIG".to_string(), d("home/caro-config.toml")),
        ("TERM".to_string(), "xterm-256color".to_string()),
    ];
    env.extend(extra.iter().cloned());
    env
}

impl Session {
    fn start(setup: Setup) -> Session {
        let dir = tempfile::tempdir().expect("temp dir");
        let work = dir.path().join("work");
        for sub in ["work", "home/.config/fish", "home/.local/share/fish"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        let mut env = env_for(dir.path(), &setup.env);
        let sh = setup.sh;
        if setup.completion {
            let bin_dir = dir.path().join("bin");
            std::fs::create_dir_all(&bin_dir).unwrap();
            std::os::unix::fs::symlink(caro_bin(), bin_dir.join("caro")).unwrap();
            let path = std::env::var("PATH").unwrap_or_default();
            env.push(("PATH".into(), format!("{}:{path}", bin_dir.display())));
        }
        let path = env
            .iter()
            .rev()
            .find(|(k, _)| k == "PATH")
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| std::env::var("PATH").unwrap_or_default());

        // The widget script, from the real `caro init`.
        let mut init = Command::new(caro_bin());
        init.arg("init")
            .arg(sh.name())
            .arg("--bin")
            .arg(&setup.helper)
            .args(&setup.init_args)
            .env_clear()
            .env("PATH", &path)
            .envs(env.iter().map(|(k, v)| (k, v)));
        let out = init.output().expect("run caro init");
        assert!(out.status.success(), "caro init failed: {out:?}");
        let script = dir.path().join(format!("init.{}", sh.name()));
        std::fs::write(&script, &out.stdout).unwrap();

        let dump = dir.path().join("dump");
        let rc = match sh {
            Sh::Zsh => format!(
                "PS1='{PROMPT}'\nRPS1=''\nalias ll='ls -l'\n{compinit}source '{script}'\n\
                 __t_dump() {{ print -rn -- \"$BUFFER<<CURSOR>>$CURSOR<<END>>\" >| '{dump}' }}\n\
                 zle -N __t_dump\nbindkey '^T' __t_dump\n",
                script = script.display(),
                dump = dump.display(),
                compinit = if setup.completion {
                    "autoload -Uz compinit && compinit -u -D\n"
                } else {
                    ""
                },
            ),
            Sh::Bash => format!(
                "PS1='{PROMPT}'\nalias ll='ls -l'\nsource '{script}'\n\
                 __t_dump() {{ printf '%s<<CURSOR>>%s<<END>>' \"$READLINE_LINE\" \"$READLINE_POINT\" >'{dump}'; }}\n\
                 bind -x '\"\\C-t\": __t_dump'\n",
                script = script.display(),
                dump = dump.display()
            ),
            Sh::Fish => format!(
                "set -g fish_greeting\n\
                 function fish_prompt; printf '%s' '{PROMPT}'; end\n\
                 function fish_right_prompt; end\n\
                 set -g fish_autosuggestion_enabled 0\n\
                 source '{script}'\n\
                 function __t_dump\n    set -l b (commandline | string collect)\n    \
                 printf '%s<<CURSOR>>%s<<END>>' \"$b\" (commandline -C) >'{dump}'\nend\n\
                 bind \\ct __t_dump\n",
                script = script.display(),
                dump = dump.display()
            ),
        };
        let rc = format!("{rc}{}", setup.rc_extra);
        let (rc_path, command) = match sh {
            Sh::Zsh => {
                let zdot = dir.path().join("zdot");
                std::fs::create_dir_all(&zdot).unwrap();
                std::fs::write(zdot.join(".zshrc"), rc).unwrap();
                (
                    zdot.clone(),
                    format!("env ZDOTDIR='{}' zsh --no-globalrcs -i", zdot.display()),
                )
            }
            Sh::Bash => {
                let path = dir.path().join("bashrc");
                std::fs::write(&path, rc).unwrap();
                (
                    path.clone(),
                    format!("bash --noprofile --rcfile '{}' -i", path.display()),
                )
            }
            Sh::Fish => {
                let path = dir.path().join("home/.config/fish/config.fish");
                std::fs::write(&path, rc).unwrap();
                (path, "fish -i".to_string())
            }
        };
        let _ = rc_path;

        let socket = dir.path().join("tmux.sock").to_string_lossy().into_owned();
        let session = Session {
            sh,
            socket,
            work: work.clone(),
            log: dir.path().join("standin.log"),
            dump,
            dir,
            env: env.clone(),
        };
        let mut tmux = Command::new("tmux");
        tmux.args([
            "-S",
            &session.socket,
            "-f",
            "/dev/null",
            "new-session",
            "-d",
        ])
        .args(["-x", "100", "-y", "30", "-c"])
        .arg(&work)
        .arg(command)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (k, v)));
        let out = tmux.output().expect("start tmux");
        assert!(out.status.success(), "tmux new-session failed: {out:?}");
        session.wait_screen("the first prompt", |s| s.contains(PROMPT.trim_end()));
        session
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-S", &self.socket])
            .args(args)
            .output()
            .expect("run tmux")
    }

    /// Type text literally.
    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
    }

    /// Press keys (tmux names: C-g, Enter, Up, M-Enter, …).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p"]).stdout).into_owned()
    }

    /// Poll the screen until `pred` holds; panics with the screen at the deadline.
    pub fn wait_screen(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            if start.elapsed() > DEADLINE {
                panic!(
                    "{}: timed out waiting for {what}; screen:\n{screen}",
                    self.sh.name()
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// The line editor's buffer and cursor, read through the dump key.
    pub fn buffer(&self) -> (String, usize) {
        let _ = std::fs::remove_file(&self.dump);
        self.keys(&["C-t"]);
        let start = Instant::now();
        loop {
            if let Ok(text) = std::fs::read_to_string(&self.dump) {
                if let Some(body) = text.strip_suffix("<<END>>") {
                    let (buf, cursor) = body.split_once("<<CURSOR>>").expect("dump format");
                    return (buf.to_string(), cursor.trim().parse().expect("cursor"));
                }
            }
            if start.elapsed() > DEADLINE {
                panic!(
                    "{}: the dump key did not answer; screen:\n{}",
                    self.sh.name(),
                    self.screen()
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// Poll until the buffer equals `want`; returns the cursor.
    pub fn wait_buffer(&self, want: &str) -> usize {
        let start = Instant::now();
        loop {
            let (buf, cursor) = self.buffer();
            if buf == want {
                return cursor;
            }
            if start.elapsed() > DEADLINE {
                panic!(
                    "{}: buffer is {buf:?}, expected {want:?}; screen:\n{}",
                    self.sh.name(),
                    self.screen()
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// Empty the line (works in all three shells' emacs bindings).
    pub fn clear_line(&self) {
        self.keys(&["End", "C-u"]);
        self.wait_buffer("");
    }

    /// Type a request (newlines become the shell's literal-newline keys).
    pub fn type_request(&self, text: &str) {
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.keys(self.sh.newline_keys());
            }
            if !line.is_empty() {
                self.type_text(line);
            }
        }
        self.wait_buffer(text);
    }

    /// The `CARO_*` context variables of the stand-in's last call.
    pub fn standin_env(&self) -> String {
        let mut path = self.log.clone().into_os_string();
        path.push(".env");
        std::fs::read_to_string(path).unwrap_or_default()
    }

    /// Every call the stand-in received, as argument lists.
    pub fn standin_calls(&self) -> Vec<Vec<String>> {
        let raw = std::fs::read(&self.log).unwrap_or_default();
        let text = String::from_utf8_lossy(&raw);
        text.split("\0\0")
            .filter(|call| !call.is_empty())
            .map(|call| {
                call.trim_end_matches('\0')
                    .split('\0')
                    .map(str::to_string)
                    .collect()
            })
            .collect()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

/// The real binary's answer for a request, parsed (engine-agnostic expectations).
pub fn real_answer(session: &Session, request: &str) -> caro::output::widget::Parsed {
    let out = Command::new(caro_bin())
        .args([
            "suggest",
            "--format",
            "widget",
            "--shell",
            session.sh.name(),
            "--",
            request,
        ])
        .envs(session.env.iter().map(|(k, v)| (k, v)))
        .current_dir(&session.work)
        .stdin(Stdio::null())
        .output()
        .expect("run caro suggest");
    caro::output::widget::parse(&String::from_utf8_lossy(&out.stdout)).expect("widget protocol")
}
