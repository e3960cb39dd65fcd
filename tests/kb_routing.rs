//! Requests that name a task outright ("install") or give a value only one tool takes
//! (an image reference, a video) reach that tool's recipes, not a neighbour's that shares
//! a word ("push", "strip", "tmux").

use std::time::{Duration, Instant};

use caro::context::{Context, EnvView, Os, Shell};
use caro::engine::builtin::Builtin;
use caro::engine::Engine;
use caro::request::Request;

fn top(request: &str) -> Option<String> {
    let ctx = Context::with_env(
        EnvView::from_pairs([("PATH", "/usr/bin:/bin")]),
        Some(Os::Linux),
        Some(Shell::Bash),
    );
    Builtin::lexical()
        .propose(
            &Request::new(request),
            &ctx,
            1,
            Instant::now() + Duration::from_secs(5),
        )
        .unwrap()
        .into_iter()
        .next()
        .map(|c| c.command)
}

#[test]
fn an_install_request_installs_rather_than_running_the_tool() {
    assert_eq!(
        top("install htop").as_deref(),
        Some("sudo apt install htop")
    );
    assert_eq!(
        top("install tmux").as_deref(),
        Some("sudo apt install tmux")
    );
}

#[test]
fn an_image_reference_is_never_a_git_branch() {
    assert_eq!(
        top("push acme/api:2.3").as_deref(),
        Some("docker push acme/api:2.3")
    );
    assert_eq!(
        top("pull redis:7.2").as_deref(),
        Some("docker pull redis:7.2")
    );
}

#[test]
fn text_filters_leave_media_files_to_media_tools() {
    let got = top("strip the sound from talk.mkv").unwrap_or_default();
    assert!(got.starts_with("ffmpeg "), "got {got:?}");
}

#[test]
fn a_folder_is_never_read_as_a_file_of_names() {
    let got = top("delete every file under the root folder, all of them").unwrap_or_default();
    assert!(got.starts_with("rm ") && !got.contains('<'), "got {got:?}");
}
