//! Real-terminal tests of the fish widget (tmux); see `tests/shell_harness`.

mod shell_harness;

use shell_harness::{cases, Sh};

const SH: Sh = Sh::Fish;

#[test]
fn replaces_buffer_then_undo_restores() {
    cases::replaces_buffer_then_undo_restores(SH);
}

#[test]
fn request_kept_in_history() {
    cases::request_kept_in_history(SH);
}

#[test]
fn failures_keep_the_line() {
    cases::failures_keep_the_line(SH);
}

#[test]
fn hung_helper_times_out() {
    cases::hung_helper_times_out(SH);
}

#[test]
fn missing_helper_is_reported() {
    cases::missing_helper_is_reported(SH);
}

#[test]
fn ctrl_c_keeps_the_line() {
    cases::ctrl_c_keeps_the_line(SH);
}

#[test]
fn slow_answer_progress_is_erased() {
    cases::slow_answer_progress_is_erased(SH);
}

#[test]
fn multi_line_request_and_command() {
    cases::multi_line_request_and_command(SH);
}

#[test]
fn request_is_never_executed() {
    cases::request_is_never_executed(SH);
}

#[test]
fn repeated_key_cycles_candidates() {
    cases::repeated_key_cycles_candidates(SH);
}

#[test]
fn empty_line_shows_a_hint() {
    cases::empty_line_shows_a_hint(SH);
}

#[test]
fn other_key_binds() {
    cases::other_key_binds(SH);
}

#[test]
fn real_binary() {
    cases::real_binary(SH);
}

#[test]
fn fish_abbreviations() {
    cases::fish_abbreviations(SH);
}

#[test]
fn completes_caros_own_cli() {
    cases::completes_caros_own_cli(SH);
}

#[test]
fn vi_mode_is_bound() {
    cases::vi_mode_is_bound(SH);
}

#[test]
fn survives_user_options() {
    cases::survives_user_options(SH);
}

#[test]
fn loading_twice_is_harmless() {
    cases::loading_twice_is_harmless(SH);
}
