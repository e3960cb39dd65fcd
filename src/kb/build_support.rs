//! The parts of the knowledge base the build script compiles (see `build.rs`). Not part of
//! the crate's module tree: the crate declares these modules in `kb/mod.rs` itself.

pub mod compile;
pub mod schema;
pub mod template;
