//! Shell completion of caro's own CLI through clap_complete's dynamic engine.
//!
//! `caro init` registers it (`COMPLETE=zsh caro` prints the shell glue); on Tab the shell
//! calls caro again with `COMPLETE` set and this module answers. Static values (shells,
//! engines, formats) come from clap's `ValueEnum`s; config keys and model names are dynamic.

use clap_complete::engine::CompletionCandidate;
use clap_complete::env::CompleteEnv;

/// Answer a completion request and exit, if this process was started for one.
pub fn handle_env() {
    CompleteEnv::with_factory(super::command).complete();
}

/// Config keys with their docs.
pub fn config_keys() -> Vec<CompletionCandidate> {
    crate::config::KEYS
        .iter()
        .map(|k| CompletionCandidate::new(k.path).help(Some(k.doc.into())))
        .collect()
}
