//! `scripts/install/rc.sh`: one line per shell (fish: one conf.d file), idempotent, and
//! `uninstall` leaves the home directory exactly as it was.

mod shell_harness;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn rc_sh() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/install/rc.sh")
}

fn run(home: &Path, args: &[&str]) -> String {
    let out = Command::new("bash")
        .arg(rc_sh())
        .args(args)
        .env("HOME", home)
        .env_remove("ZDOTDIR")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_DATA_HOME")
        .output()
        .expect("run rc.sh");
    assert!(out.status.success(), "rc.sh {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every path under `root` with the bytes of each file.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path.clone());
                out.insert(path, None);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.insert(path, Some(bytes));
            }
        }
    }
    out
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn install_is_idempotent_and_uninstall_exact() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // An rc file without a final newline, and one that does not exist yet.
    std::fs::write(h.join(".bashrc"), "alias ll='ls -l'").unwrap();
    std::fs::create_dir_all(h.join(".config/fish")).unwrap();
    std::fs::write(h.join(".config/fish/config.fish"), "set -g x 1\n").unwrap();
    let before = snapshot(h);

    let args = [
        "install",
        "--bin",
        "/opt/caro/bin/caro",
        "--shells",
        "zsh bash fish",
    ];
    run(h, &args);
    let again = run(h, &args);
    assert_eq!(count(&again, "already loads caro"), 3, "{again}");

    let bashrc = std::fs::read_to_string(h.join(".bashrc")).unwrap();
    assert_eq!(
        bashrc,
        "alias ll='ls -l'\nif [ -x '/opt/caro/bin/caro' ]; then eval \"$('/opt/caro/bin/caro' init bash)\"; fi \
         # added by caro install.sh (install.sh --uninstall removes it)\n"
    );
    let zshrc = std::fs::read_to_string(h.join(".zshrc")).unwrap();
    assert_eq!(count(&zshrc, "init zsh"), 1);
    let fish = std::fs::read_to_string(h.join(".config/fish/conf.d/caro.fish")).unwrap();
    assert!(
        fish.contains("test -x '/opt/caro/bin/caro'; and '/opt/caro/bin/caro' init fish | source")
    );

    // A new binary path replaces the line in place rather than adding one.
    run(
        h,
        &[
            "install",
            "--bin",
            "/usr/local/bin/caro",
            "--shells",
            "zsh bash fish",
        ],
    );
    let bashrc = std::fs::read_to_string(h.join(".bashrc")).unwrap();
    assert_eq!(count(&bashrc, "init bash"), 1);
    assert!(bashrc.contains("/usr/local/bin/caro") && !bashrc.contains("/opt/caro"));

    // The line is harmless when the binary is gone.
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-c"])
        .arg(format!(
            "source '{}' && echo sourced",
            h.join(".bashrc").display()
        ))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "sourced\n", "{out:?}");

    run(h, &["uninstall"]);
    assert_eq!(
        snapshot(h),
        before,
        "uninstall must restore the home directory exactly"
    );
}

#[test]
fn foreign_fish_file_is_left_alone() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let conf = h.join(".config/fish/conf.d/caro.fish");
    std::fs::create_dir_all(conf.parent().unwrap()).unwrap();
    std::fs::write(&conf, "# my own\n").unwrap();
    run(h, &["install", "--bin", "/opt/caro", "--shells", "fish"]);
    run(h, &["uninstall"]);
    assert_eq!(std::fs::read_to_string(&conf).unwrap(), "# my own\n");
}
