//! Ctrl-C and SIGTERM while `caro suggest` works: exit 128+signal after the cleanup hook ran.

mod cli_support;

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use cli_support::*;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

/// Wait until the process catches `signal` (its handler is installed), from /proc.
fn wait_until_caught(pid: u32, signal: Signal) {
    let bit = 1u64 << (signal as u32 - 1);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let caught = status
            .lines()
            .find_map(|l| l.strip_prefix("SigCgt:"))
            .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok());
        match caught {
            Some(mask) if mask & bit != 0 => return,
            None if !cfg!(target_os = "linux") => {
                std::thread::sleep(Duration::from_millis(500));
                return;
            }
            _ => {}
        }
        assert!(
            Instant::now() < deadline,
            "caro never installed its {signal} handler"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn interrupt_a_waiting_suggest(signal: Signal) -> std::process::Output {
    let sb = Sandbox::new();
    // `-` makes caro wait for the request on stdin, which the test keeps open: caro is busy
    // "working" when the signal arrives.
    let mut child = sb
        .std_cmd()
        .args(["suggest", "--format", "widget", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"list files").unwrap();
    wait_until_caught(child.id(), signal);
    kill(Pid::from_raw(child.id() as i32), signal).unwrap();
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    out
}

#[test]
fn ctrl_c_exits_130_and_prints_nothing() {
    let out = interrupt_a_waiting_suggest(Signal::SIGINT);
    assert_eq!(out.status.code(), Some(INTERRUPTED), "{out:?}");
    assert_eq!(
        stdout(&out),
        "",
        "an interrupted answer must not reach the widget"
    );
}

#[test]
fn sigterm_exits_143() {
    let out = interrupt_a_waiting_suggest(Signal::SIGTERM);
    assert_eq!(out.status.code(), Some(143), "{out:?}");
    assert_eq!(stdout(&out), "");
}

/// The cleanup hook runs inside the handler before the exit. Checked in a child process
/// (this test binary re-run) because the handler ends the process it runs in.
#[test]
fn cleanup_hook_runs_before_the_exit() {
    if std::env::var_os("CARO_SIGNAL_CHILD").is_some() {
        return;
    }
    for (signal, expected) in [("INT", 130), ("TERM", 143)] {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "signal_child", "--nocapture", "--test-threads=1"])
            .env("CARO_SIGNAL_CHILD", signal)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(expected), "{out:?}");
        let err = stderr(&out);
        assert_eq!(err.matches("erased\n").count(), 1, "{err}");
        assert!(!err.contains("after the signal"), "{err}");
    }
}

/// Only does something when started by `cleanup_hook_runs_before_the_exit`.
#[test]
fn signal_child() {
    let Some(which) = std::env::var_os("CARO_SIGNAL_CHILD") else {
        return;
    };
    fn erase() {
        // What the progress indicator does: one write(2) of static bytes to a held fd.
        let _ = nix::unistd::write(std::io::stderr(), b"erased\n");
    }
    caro::signal::install(caro::signal::no_cleanup).unwrap();
    // Installing again replaces the cleanup (progress registers its own when it draws).
    caro::signal::install(erase).unwrap();
    let signal = if which == "TERM" {
        Signal::SIGTERM
    } else {
        Signal::SIGINT
    };
    nix::sys::signal::raise(signal).unwrap();
    std::thread::sleep(Duration::from_secs(5));
    eprintln!("still running after the signal");
}
