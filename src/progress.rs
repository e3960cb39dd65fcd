//! Progress indicator for slow answers, drawn on the terminal (`/dev/tty`) so it works the
//! same in every shell (bash blanks the line during `bind -x`, so the script cannot draw it).
//!
//! What appears: after `delay_ms`, ` ⠋ caro is thinking… (Ctrl-C cancels)` is drawn at the
//! terminal cursor, which the widgets leave where the user's line is being edited. Every
//! frame saves and restores the cursor (`ESC 7` / `ESC 8`) and turns auto-wrap off while it
//! writes, so a frame never moves the cursor, wraps or scrolls: the line editor's idea of the
//! screen stays right. Erasing clears from the cursor to the end of that row; the widgets
//! redraw their line right after the helper returns (zsh `zle reset-prompt`, fish
//! `commandline -f repaint`, bash by itself), so anything right of the cursor comes back.
//!
//! Ctrl-C: the SIGINT handler (in `signal.rs`) calls [`erase_from_signal_handler`], which is
//! async-signal-safe: the terminal's fd and "something is drawn" live in atomics, and the
//! erase sequence is a static byte string written with one `write(2)`.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Time between two animation frames.
const FRAME_INTERVAL: Duration = Duration::from_millis(80);

const FRAMES_UTF8: &[&str] = &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const FRAMES_ASCII: &[&str] = &["-", "\\", "|", "/"];

/// Re-enable auto-wrap (in case a frame was cut short), save the cursor, clear to the end of
/// the row, restore the cursor.
pub const ERASE: &[u8] = b"\x1b[?7h\x1b7\x1b[K\x1b8";

/// The terminal fd the indicator draws on, or -1. Read by the signal handler.
static TTY_FD: AtomicI32 = AtomicI32::new(-1);
/// Whether a frame is on screen right now (so the handler erases only when needed).
static DRAWN: AtomicBool = AtomicBool::new(false);

/// Erase the indicator if one is on screen. Async-signal-safe: only atomics and one
/// `write(2)` of a static buffer, no allocation, no locks. Call it from a SIGINT/SIGTERM
/// handler before exiting, so a cancelled helper leaves no glyphs behind.
pub fn erase_from_signal_handler() {
    let fd = TTY_FD.load(Ordering::SeqCst);
    if fd >= 0 && DRAWN.swap(false, Ordering::SeqCst) {
        // SAFETY: the fd stays open while TTY_FD holds it (it is reset before closing).
        let fd = unsafe { BorrowedFd::borrow_raw(fd) };
        let _ = nix::unistd::write(fd, ERASE);
    }
}

/// One frame: save cursor, auto-wrap off, the text, auto-wrap on, restore cursor.
pub fn frame(glyph: &str, utf8: bool) -> String {
    let dots = if utf8 { "…" } else { "..." };
    format!("\x1b7\x1b[?7l {glyph} caro is thinking{dots} (Ctrl-C cancels)\x1b[?7h\x1b8")
}

/// Whether the terminal can show the braille spinner (a UTF-8 locale).
fn utf8_locale(var: impl Fn(&str) -> Option<String>) -> bool {
    // The first of these that is set and non-empty decides, as in setlocale(3).
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|name| var(name).filter(|v| !v.is_empty()))
        .map(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("utf-8") || v.contains("utf8")
        })
        .unwrap_or(false)
}

/// Where frames go. `/dev/tty` in real use; tests pass a pipe or a pty.
pub trait Surface: Send + 'static {
    /// Write one frame or erase sequence.
    fn put(&mut self, bytes: &[u8]) -> io::Result<()>;
}

/// The controlling terminal, opened only once the delay has passed (fast answers never
/// touch the terminal at all).
struct Tty {
    fd: OwnedFd,
}

impl Tty {
    fn open() -> io::Result<Tty> {
        use nix::fcntl::{open, OFlag};
        use nix::sys::stat::Mode;
        let fd = open(
            "/dev/tty",
            OFlag::O_WRONLY | OFlag::O_NOCTTY | OFlag::O_CLOEXEC,
            Mode::empty(),
        )
        .map_err(io::Error::from)?;
        TTY_FD.store(fd.as_raw_fd(), Ordering::SeqCst);
        Ok(Tty { fd })
    }
}

impl Surface for Tty {
    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut rest = bytes;
        while !rest.is_empty() {
            match nix::unistd::write(&self.fd, rest) {
                Ok(n) => rest = &rest[n..],
                Err(nix::errno::Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }
}

impl Drop for Tty {
    fn drop(&mut self) {
        // Forget the fd before it is closed, so the signal handler never writes to a
        // descriptor number that has been reused.
        TTY_FD.store(-1, Ordering::SeqCst);
    }
}

/// Any `Write` can be a surface (tests).
pub struct WriteSurface<W: io::Write + Send + 'static>(pub W);

impl<W: io::Write + Send + 'static> Surface for WriteSurface<W> {
    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.0.write_all(bytes)?;
        self.0.flush()
    }
}

struct Shared {
    stop: Mutex<bool>,
    wake: Condvar,
}

/// Shows a spinner after `delay_ms` until dropped; erases it completely when dropped.
pub struct Progress {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Draw on `/dev/tty`. Without a terminal (cron, CI, pipes) nothing is drawn.
    pub fn start(delay_ms: u64) -> Progress {
        let utf8 = utf8_locale(|name| std::env::var(name).ok());
        Progress::spawn(delay_ms, utf8, || Tty::open().ok())
    }

    /// Draw on a given surface (tests).
    pub fn start_on<S: Surface>(delay_ms: u64, utf8: bool, surface: S) -> Progress {
        Progress::spawn(delay_ms, utf8, move || Some(surface))
    }

    fn spawn<S, F>(delay_ms: u64, utf8: bool, open: F) -> Progress
    where
        S: Surface,
        F: FnOnce() -> Option<S> + Send + 'static,
    {
        let shared = Arc::new(Shared {
            stop: Mutex::new(false),
            wake: Condvar::new(),
        });
        let worker = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("caro-progress".into())
            .spawn(move || animate(&worker, Duration::from_millis(delay_ms), utf8, open))
            .ok();
        Progress { shared, thread }
    }
}

/// Wait up to `timeout` for the stop flag; true when asked to stop.
fn wait_stop(shared: &Shared, timeout: Duration) -> bool {
    let Ok(stop) = shared.stop.lock() else {
        return true;
    };
    match shared.wake.wait_timeout_while(stop, timeout, |stop| !*stop) {
        Ok((stop, _)) => *stop,
        Err(_) => true,
    }
}

fn animate<S, F>(shared: &Shared, delay: Duration, utf8: bool, open: F)
where
    S: Surface,
    F: FnOnce() -> Option<S>,
{
    if wait_stop(shared, delay) {
        return;
    }
    let Some(mut surface) = open() else { return };
    let frames = if utf8 { FRAMES_UTF8 } else { FRAMES_ASCII };
    for glyph in frames.iter().cycle() {
        DRAWN.store(true, Ordering::SeqCst);
        if surface.put(frame(glyph, utf8).as_bytes()).is_err() {
            break;
        }
        if wait_stop(shared, FRAME_INTERVAL) {
            break;
        }
    }
    DRAWN.store(false, Ordering::SeqCst);
    let _ = surface.put(ERASE);
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Ok(mut stop) = self.shared.stop.lock() {
            *stop = true;
        }
        self.shared.wake.notify_all();
        // Joining guarantees the erase sequence is on the terminal before the caller prints
        // its answer (and before the process exits).
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    /// A surface that reports every write.
    struct Recorder(mpsc::Sender<Vec<u8>>);

    impl Surface for Recorder {
        fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
            let _ = self.0.send(bytes.to_vec());
            Ok(())
        }
    }

    fn collect(rx: &mpsc::Receiver<Vec<u8>>) -> Vec<String> {
        rx.try_iter()
            .map(|b| String::from_utf8(b).unwrap())
            .collect()
    }

    #[test]
    fn fast_answers_draw_nothing() {
        let (tx, rx) = mpsc::channel();
        let p = Progress::start_on(10_000, true, Recorder(tx));
        drop(p);
        assert!(collect(&rx).is_empty());
    }

    #[test]
    fn slow_answers_animate_then_erase_last() {
        let (tx, rx) = mpsc::channel();
        let p = Progress::start_on(0, true, Recorder(tx));
        // Wait for the first frame rather than sleeping a fixed time.
        let first = rx.recv_timeout(Duration::from_secs(5)).unwrap();
        assert!(String::from_utf8(first).unwrap().contains('⠋'));
        drop(p);
        let rest = collect(&rx);
        assert_eq!(rest.last().map(String::as_bytes), Some(ERASE));
        assert!(rest[..rest.len() - 1]
            .iter()
            .all(|f| f.starts_with("\x1b7")));
    }

    #[test]
    fn frames_never_move_the_cursor_or_wrap() {
        let f = frame("⠋", true);
        assert!(f.starts_with("\x1b7\x1b[?7l"), "{f:?}");
        assert!(f.ends_with("\x1b[?7h\x1b8"), "{f:?}");
        assert!(!f.contains('\n') && !f.contains('\r'));
    }

    #[test]
    fn ascii_spinner_outside_utf8_locales() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(utf8_locale(env(&[("LANG", "en_US.UTF-8")])));
        assert!(utf8_locale(env(&[("LC_ALL", "C.utf8"), ("LANG", "C")])));
        assert!(!utf8_locale(env(&[
            ("LC_ALL", "C"),
            ("LANG", "en_US.UTF-8")
        ])));
        assert!(!utf8_locale(env(&[("LC_ALL", ""), ("LANG", "POSIX")])));
        assert!(!utf8_locale(env(&[])));

        let (tx, rx) = mpsc::channel();
        let p = Progress::start_on(0, false, Recorder(tx));
        let first = String::from_utf8(rx.recv_timeout(Duration::from_secs(5)).unwrap()).unwrap();
        drop(p);
        assert!(first.is_ascii(), "{first:?}");
        assert!(first.contains(" - caro"), "{first:?}");
    }

    #[test]
    fn signal_erase_is_a_no_op_without_a_terminal() {
        // Nothing drawn: must not write anywhere (fd -1) nor panic.
        erase_from_signal_handler();
    }
}
