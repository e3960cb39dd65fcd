//! A recipe that destroys (deletes users, files, processes, data) is proposed only when the
//! request asks for that; a request that does ask gets the destructive command itself, so
//! the safety layer can rate it.

use std::time::{Duration, Instant};

use caro::context::{Context, EnvView, Os, Shell};
use caro::engine::builtin::Builtin;
use caro::engine::Engine;
use caro::request::Request;

fn candidates(request: &str, shell: Shell) -> Vec<String> {
    let engine = Builtin::lexical();
    let ctx = Context::with_env(
        EnvView::from_pairs([("PATH", "/usr/bin:/bin")]),
        Some(Os::Linux),
        Some(shell),
    );
    engine
        .propose(
            &Request::new(request),
            &ctx,
            3,
            Instant::now() + Duration::from_secs(5),
        )
        .unwrap()
        .into_iter()
        .map(|c| c.command)
        .collect()
}

/// Commands that destroy something, by their first words.
const DESTRUCTIVE: &[&str] = &[
    "sudo userdel",
    "userdel",
    "rm ",
    "kill",
    "pkill",
    "sudo dd",
    "sudo mkfs",
    "mkfs",
    "docker rm",
    "docker volume prune",
    "kubectl delete",
    "git reset --hard",
    "git branch -D",
    "terraform state rm",
    "terraform destroy",
    "dropdb",
    "sudo apt remove",
];

#[test]
fn requests_that_ask_for_no_destruction_get_no_destructive_command() {
    let mut wrong = Vec::new();
    for request in [
        "files owned by the user deploy in /srv/site",
        "which files under /opt/app belong to the user builder",
        "give the uploads folder to the caddy user",
        "make the user jenkins the owner of the ci directory",
        "show what the process 3120 is doing",
        "how much space do docker volumes take",
        "list the pods in namespace staging",
        "what did the commit a1b2c3d change",
        "make a note of the user marta in users.txt",
    ] {
        for c in candidates(request, Shell::Bash) {
            if DESTRUCTIVE.iter().any(|d| c.starts_with(d)) {
                wrong.push(format!("{request:?} -> {c}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "destroyed what nobody asked to destroy:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn requests_that_ask_for_destruction_still_get_it() {
    for (request, want) in [
        (
            "delete the user marta and her home directory",
            "sudo userdel -r marta",
        ),
        ("kill process 3120", "kill 3120"),
        ("stop the process with pid 3120", "kill 3120"),
        ("force push the branch to origin", "git push --force"),
    ] {
        let got = candidates(request, Shell::Bash);
        assert!(
            got.first().is_some_and(|c| c.starts_with(want)),
            "{request:?}: wanted {want:?} first, got {got:?}"
        );
    }
}

#[test]
fn a_command_named_in_the_request_is_asked_about_not_run() {
    let got = candidates(
        "is the command jq available? print yes if it is",
        Shell::Fish,
    );
    assert_eq!(
        got.first().map(String::as_str),
        Some("type -q jq; and echo yes")
    );
    let got = candidates("check whether the program rsync exists", Shell::Bash);
    assert!(
        got.first()
            .is_some_and(|c| c.starts_with("command -v rsync")),
        "got {got:?}"
    );
}
