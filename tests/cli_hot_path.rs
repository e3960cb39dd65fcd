//! `caro suggest` runs on every key press of the widget: it must not spawn processes, write
//! files or touch the network. `caro doctor` must not run programs either.

mod cli_support;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use cli_support::*;

/// Executables that record being run. A PATH made of them catches any `which`, `sh -c`,
/// `uname`, `sed --version`, … that a lookup might do.
fn tripwires(dir: &Path, marks: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for name in [
        "sh",
        "bash",
        "zsh",
        "fish",
        "which",
        "command",
        "uname",
        "sed",
        "find",
        "grep",
        "awk",
        "ls",
        "git",
        "curl",
        "wget",
        "ps",
        "du",
        "xargs",
        "tar",
        "id",
        "whoami",
        "hostname",
        "lsb_release",
        "sw_vers",
        "busybox",
        "env",
        "readlink",
        "stat",
        "caro",
    ] {
        let path = dir.join(name);
        std::fs::write(
            &path,
            format!("#!/bin/sh\n: > '{}/{name}'\n", marks.display()),
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// Every file under `root` with its size and modification time.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (u64, SystemTime)> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                stack.push(entry.path());
            }
            files.insert(entry.path(), (meta.len(), meta.modified().unwrap()));
        }
    }
    files
}

#[test]
fn suggest_spawns_nothing_and_writes_nothing() {
    let sb = Sandbox::new();
    let bin = sb.root().join("tripwires");
    let marks = sb.root().join("marks");
    std::fs::create_dir_all(&marks).unwrap();
    tripwires(&bin, &marks);
    sb.write_config("count = 2\n[remote]\nurl = \"http://127.0.0.1:9/v1\"\n");
    let before = snapshot(&sb.home());
    for format in ["plain", "json", "widget"] {
        for request in ["list files by size", "find pdfs over 10mb", "zzkq vlorp"] {
            let out = sb
                .cmd()
                .env("PATH", &bin)
                .env("CARO_SHELL", "zsh")
                .args(["suggest", "--format", format, "--", request])
                .output()
                .unwrap();
            assert_no_panic(&out);
        }
    }
    let out = sb.cmd().env("PATH", &bin).arg("doctor").output().unwrap();
    assert_no_panic(&out);
    let ran: Vec<_> = std::fs::read_dir(&marks)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(ran.is_empty(), "caro ran programs: {ran:?}");
    assert_eq!(snapshot(&sb.home()), before, "caro wrote under HOME");
}

/// With strace (installed on CI): exactly one execve (caro itself), no sockets, and no file
/// but the terminal opened for writing. Skipped, with a note, where strace is missing or ptrace is not allowed.
#[test]
fn suggest_makes_no_syscalls_it_should_not() {
    let sb = Sandbox::new();
    let trace = sb.root().join("trace");
    let probe = std::process::Command::new("strace")
        .args(["-o", "/dev/null", "true"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("note: strace unavailable or not permitted; syscall audit skipped");
        return;
    }
    for format in ["plain", "json", "widget"] {
        let status = std::process::Command::new("strace")
            .arg("-f")
            .args([
                "-e",
                "trace=execve,clone3,fork,vfork,socket,connect,openat,creat",
            ])
            .arg("-o")
            .arg(&trace)
            .arg(BIN)
            // The widgets call it exactly so: with the progress indicator.
            .args(["suggest", "--format", format, "--progress"])
            .args(["--", "find pdfs over 10mb"])
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", sb.home())
            .env("CARO_LOG", "debug")
            .current_dir(sb.work())
            .output()
            .unwrap();
        assert!(status.status.code().is_some(), "{status:?}");
        let log = std::fs::read_to_string(&trace).unwrap();
        let calls: Vec<&str> = log.lines().collect();
        let execs = calls.iter().filter(|l| l.contains("execve(")).count();
        assert_eq!(execs, 1, "{format}: caro started programs:\n{log}");
        for forbidden in ["socket(", "connect(", "fork(", "vfork(", "creat("] {
            assert!(
                !calls.iter().any(|l| l.contains(forbidden)),
                "{format}: {forbidden} in\n{log}"
            );
        }
        // The progress indicator opens the terminal to draw on; nothing else is opened for
        // writing.
        for line in calls
            .iter()
            .filter(|l| l.contains("openat(") && !l.contains("\"/dev/tty\""))
        {
            let writes = ["O_WRONLY", "O_RDWR", "O_CREAT"]
                .iter()
                .any(|flag| line.contains(flag));
            assert!(!writes, "{format}: opened for writing: {line}");
        }
    }
}
