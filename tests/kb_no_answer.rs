//! Requests that are not shell tasks get "no confident suggestion", never a guess such as
//! `touch <word>` or a generic `ls`.

use std::time::{Duration, Instant};

use caro::context::{Context, EnvView, Os, Shell};
use caro::engine::builtin::Builtin;
use caro::engine::{Engine, MIN_CONFIDENCE};
use caro::request::Request;

#[test]
fn nonsense_and_off_topic_requests_get_no_suggestion() {
    let engine = Builtin::lexical();
    let ctx = Context::with_env(
        EnvView::from_pairs([("PATH", "/usr/bin:/bin")]),
        Some(Os::Linux),
        Some(Shell::Bash),
    );
    let mut wrong = Vec::new();
    for request in [
        "zzkq vlorp wubbix",
        "asdf",
        "qwerty uiop",
        "what is the meaning of life",
        "tell me a joke",
        "who won the world cup in 1998",
        "hello",
        "thanks!",
    ] {
        let got = engine
            .propose(
                &Request::new(request),
                &ctx,
                3,
                Instant::now() + Duration::from_secs(5),
            )
            .unwrap();
        if let Some(c) = got.iter().find(|c| c.confidence >= MIN_CONFIDENCE) {
            wrong.push(format!(
                "{request:?} -> {} ({:.2}, {})",
                c.command,
                c.confidence,
                c.recipe.as_deref().unwrap_or("?")
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "answered what it should not:\n{}",
        wrong.join("\n")
    );
}
