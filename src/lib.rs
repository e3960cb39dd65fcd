//! caro: turn plain words into one validated shell command, right in the shell's line editor.
//!
//! Data flows one way, one module per arrow:
//! ```text
//! request text + context ─▶ request (validate, normalise, slots)
//!   ─▶ engine (knowledge base [+ encoder ranking], remote) ─▶ candidates
//!   ─▶ safety (parse, risk, intent, installed, GNU/BSD flags) ─▶ output (plain/json/widget)
//!   ─▶ the shell script writes the buffer
//! ```

pub mod cli;
pub mod config;
pub mod context;
pub mod encoder;
pub mod engine;
pub mod exit;
pub mod explain;
pub mod kb;
pub mod log;
pub mod nlu;
pub mod output;
pub mod paths;
pub mod progress;
pub mod quote;
pub mod request;
pub mod safety;
pub mod shell;
pub mod signal;
