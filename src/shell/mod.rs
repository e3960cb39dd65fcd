//! Shell integration: the init scripts in `shell/`, rendered for `caro init`.
