//! SIGINT/SIGTERM while caro works: erase what was drawn on the terminal, then exit at once.
//!
//! # Contract
//!
//! [`install`] registers one cleanup function and installs the handlers (once per process;
//! later calls only replace the cleanup). When SIGINT or SIGTERM arrives, the handler:
//!
//! 1. calls the registered cleanup exactly once, with both signals blocked, then
//! 2. ends the process with `_exit(128 + signal)`: **130** for Ctrl-C (documented as
//!    "interrupted" in `crate::exit`), 143 for SIGTERM, the codes a shell reports for a child
//!    killed by those signals. `_exit` skips destructors and stdio flushing on purpose: the
//!    interrupted answer is abandoned, and nothing half-written may reach the widget.
//!
//! The cleanup runs *inside a signal handler*, so it may only do async-signal-safe work:
//! load atomics and call `write(2)`/`close(2)` on a file descriptor it already holds (e.g. an
//! `AtomicI32` tty fd plus a `static` erase sequence such as `b"\r\x1b[K"`). It must not
//! allocate, lock a mutex (that includes `println!`, `eprintln!` and the logger), open files
//! or panic. `caro suggest` registers `crate::progress::erase_from_signal_handler`, which
//! keeps its `/dev/tty` fd in an atomic while it draws and erases with one `write(2)`.
//!
//! The handlers are installed at the start of `caro suggest` only; the other subcommands
//! either finish instantly or (like `caro config edit`) hand the terminal to a child that
//! must see the default behaviour.

use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

use nix::libc;
use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};

/// The registered cleanup, stored as a raw pointer so the handler can read it lock-free.
/// Null means "nothing to clean up".
static CLEANUP: AtomicPtr<()> = AtomicPtr::new(std::ptr::null_mut());
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// Exit status for a process ended by `signal`, as shells report it.
pub fn exit_code_for(signal: Signal) -> i32 {
    128 + signal as i32
}

/// A cleanup that does nothing: for callers that draw nothing on the terminal.
pub fn no_cleanup() {}

/// Register `cleanup` and install the SIGINT/SIGTERM handlers (idempotent).
///
/// Returns an error message when the handlers could not be installed; the caller may go on
/// without them (Ctrl-C then kills caro with the default action, which is still safe: the
/// shell widgets treat a killed helper like a cancelled one).
pub fn install(cleanup: fn()) -> Result<(), String> {
    CLEANUP.store(cleanup as *mut (), Ordering::SeqCst);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return Ok(());
    }
    // Block both signals while the handler runs, so a second Ctrl-C (or a TERM from the
    // widget's timeout) cannot interrupt the cleanup half-way and leave a glyph behind.
    let mut mask = SigSet::empty();
    mask.add(Signal::SIGINT);
    mask.add(Signal::SIGTERM);
    let action = SigAction::new(SigHandler::Handler(on_signal), SaFlags::SA_RESTART, mask);
    for signal in [Signal::SIGINT, Signal::SIGTERM] {
        // SAFETY: `on_signal` only performs async-signal-safe operations (atomic loads, the
        // registered cleanup whose contract is documented above, and `_exit`).
        if let Err(e) = unsafe { sigaction(signal, &action) } {
            INSTALLED.store(false, Ordering::SeqCst);
            return Err(format!("could not install the {signal} handler: {e}"));
        }
    }
    Ok(())
}

extern "C" fn on_signal(signo: libc::c_int) {
    let cleanup = CLEANUP.swap(std::ptr::null_mut(), Ordering::SeqCst);
    if !cleanup.is_null() {
        // SAFETY: only `install` stores into CLEANUP, always a valid `fn()` cast to a pointer.
        let cleanup: fn() = unsafe { std::mem::transmute::<*mut (), fn()>(cleanup) };
        cleanup();
    }
    // SAFETY: `_exit` is async-signal-safe and never returns.
    unsafe { libc::_exit(128 + signo) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_shell_convention() {
        assert_eq!(exit_code_for(Signal::SIGINT), 130);
        assert_eq!(
            exit_code_for(Signal::SIGINT),
            crate::exit::Exit::Interrupted.code() as i32
        );
        assert_eq!(exit_code_for(Signal::SIGTERM), 143);
    }
}
