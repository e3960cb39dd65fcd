//! The behaviour every shell's widget must show, written once and run per shell from
//! `tests/shell_{zsh,bash,fish}.rs`.

use super::*;

fn standin(sh: Sh) -> Option<Session> {
    Setup::new(sh, super::standin()).start()
}

/// Ctrl-G replaces the request with the command, cursor at the end, info line shown; the
/// helper got the request as one argument after `--`, for this shell; one undo restores.
pub fn replaces_buffer_then_undo_restores(sh: Sh) {
    let Some(s) = standin(sh) else { return };
    s.type_request("ok list the files");
    s.keys(&["C-g"]);
    let cursor = s.wait_buffer("echo ok-1");
    assert_eq!(cursor, "echo ok-1".len(), "{sh:?}: cursor at the end");
    s.wait_screen("the info line", |scr| {
        scr.contains("caro: [safe] Prints ok-1")
    });

    let calls = s.standin_calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(
        calls[0],
        [
            "suggest",
            "--format",
            "widget",
            "--shell",
            sh.name(),
            "--progress",
            "--",
            "ok list the files"
        ]
    );

    // Context for the helper: the shell, and names it knows that are not on PATH.
    let env = s.standin_env();
    assert!(
        env.contains(&format!("CARO_SHELL={}\n", sh.name())),
        "{env}"
    );
    let known = env.split("CARO_KNOWN_COMMANDS=").nth(1).unwrap_or_default();
    let names: Vec<&str> = known.split_whitespace().collect();
    match sh {
        Sh::Zsh => assert!(
            names.contains(&"ll") && names.contains(&"__caro_widget"),
            "{env}"
        ),
        Sh::Bash => assert!(names.contains(&"ll"), "{env}"),
        Sh::Fish => assert!(names.contains(&"fish_prompt"), "{env}"),
    }

    // The inserted command is the "last accepted suggestion" (`!!caro`, `caro abbr add`).
    let last = s.dir.path().join("home/.local/share/caro/last-suggestion");
    assert_eq!(std::fs::read_to_string(&last).unwrap(), "echo ok-1\n");

    s.keys(&[sh.undo_key()]);
    s.wait_buffer("ok list the files");
}

/// The request is kept in history, commented out so Enter on it runs nothing.
pub fn request_kept_in_history(sh: Sh) {
    let Some(s) = standin(sh) else { return };
    s.type_request("ok remember me");
    s.keys(&["C-g"]);
    s.wait_buffer("echo ok-1");
    s.keys(&["Enter"]);
    s.wait_screen("the command's output", |scr| {
        scr.lines().any(|l| l.trim_end() == "ok-1")
    });
    s.wait_buffer("");
    // Two steps back: the command that ran, then the request. (No dump in between: in
    // fish another binding would end the history search.)
    s.keys(&["Up", "Up"]);
    s.wait_buffer("# ok remember me");
    // Ctrl-G on the recalled entry asks for the request itself again.
    s.keys(&["C-g"]);
    s.wait_buffer("echo ok-1");
    let calls = s.standin_calls();
    assert_eq!(calls.last().unwrap().last().unwrap(), "ok remember me");
}

/// Every failure leaves the line exactly as typed and says why in one line; a blocked
/// command never reaches the buffer.
pub fn failures_keep_the_line(sh: Sh) {
    let Some(s) = standin(sh) else { return };
    let cases: &[(&str, &str)] = &[
        ("none of that", "no confident suggestion: try rephrasing"),
        ("error in here", "request too long: shorten it"),
        (
            "blocked wipe it",
            "blocked: refused (critical risk): deletes everything",
        ),
        // zsh cannot see the exit status of a process substitution.
        (
            "crash now",
            if sh == Sh::Zsh {
                "the helper failed without an answer"
            } else {
                "the helper failed (exit 101)"
            },
        ),
        ("bogus mode", "stand-in: unknown mode bogus"),
    ];
    for (request, message) in cases {
        s.type_request(request);
        s.keys(&["C-g"]);
        s.wait_screen(message, |scr| scr.contains(message));
        let (buf, _) = s.buffer();
        assert_eq!(&buf, request, "{sh:?}: the line must stay as typed");
        assert!(
            !s.screen().contains("rm -rf /"),
            "a refused command was shown"
        );
        assert!(
            !s.screen().contains("standin busy"),
            "{sh:?}: the crashed helper's indicator is still on screen:\n{}",
            s.screen()
        );
        s.clear_line();
    }
}

/// A helper that never answers is stopped by the script's own deadline.
pub fn hung_helper_times_out(sh: Sh) {
    // CARO_TIMEOUT_MS=300 makes init write a 1.3 s hard deadline.
    let Some(s) = Setup::new(sh, super::standin())
        .env("CARO_TIMEOUT_MS", "300")
        .start()
    else {
        return;
    };
    s.type_request("hang forever");
    s.keys(&["C-g"]);
    s.wait_screen("the timeout message", |scr| {
        scr.contains("no answer within 1.3s (timed out)")
    });
    assert_eq!(s.buffer().0, "hang forever");
    assert!(!s.screen().contains("standin busy"), "{}", s.screen());
}

/// A missing helper is reported, the line kept.
pub fn missing_helper_is_reported(sh: Sh) {
    let Some(s) = Setup::new(sh, PathBuf::from("/nonexistent/caro")).start() else {
        return;
    };
    s.type_request("ok anything");
    s.keys(&["C-g"]);
    s.wait_screen("the message", |scr| {
        scr.contains("helper not found at /nonexistent/caro")
    });
    assert_eq!(s.buffer().0, "ok anything");
}

/// Ctrl-C while the helper works cancels it; the line stays, no glyph remains, and the
/// editor keeps working.
pub fn ctrl_c_keeps_the_line(sh: Sh) {
    let Some(s) = standin(sh) else { return };
    s.type_request("wait for me");
    s.keys(&["C-g"]);
    s.wait_screen("the stand-in's indicator", |scr| {
        scr.contains("standin busy")
    });
    s.keys(&["C-c"]);
    s.wait_screen("the indicator to go", |scr| !scr.contains("standin busy"));
    s.wait_buffer("wait for me");
    // Cancelled at once, not at the deadline (fish cancels the widget without a word).
    let screen = s.screen();
    assert!(!screen.contains("timed out"), "{screen}");
    if sh != Sh::Fish {
        assert!(
            screen.contains("caro: cancelled; your line is unchanged"),
            "{screen}"
        );
    }
    s.type_text("!");
    s.wait_buffer("wait for me!");
    let screen = s.screen();
    assert!(screen.contains("wait for me!"), "{screen}");
    assert!(!screen.contains("standin busy"), "{screen}");

    // A helper that dies on SIGINT without erasing its indicator: the shell cleans up.
    s.clear_line();
    s.type_request("hang on");
    s.keys(&["C-g"]);
    s.wait_screen("the stand-in's indicator", |scr| {
        scr.contains("standin busy")
    });
    s.keys(&["C-c"]);
    s.wait_buffer("hang on");
    s.type_text("!");
    s.wait_buffer("hang on!");
    let screen = s.wait_screen("the indicator to go", |scr| !scr.contains("standin busy"));
    assert!(screen.contains("hang on!"), "{screen}");
}

/// A slow helper's progress indicator is fully gone once the answer is in.
pub fn slow_answer_progress_is_erased(sh: Sh) {
    let Some(s) = standin(sh) else { return };
    s.type_request("slow one");
    s.keys(&["C-g"]);
    s.wait_screen("the indicator", |scr| scr.contains("standin busy"));
    s.wait_buffer("echo slow-1");
    let screen = s.wait_screen("a clean screen", |scr| scr.contains("Prints slow-1"));
    assert!(!screen.contains("standin busy"), "{screen}");
}

/// A multi-line request goes to the helper whole, and a multi-line command comes back.
pub fn multi_line_request_and_command(sh: Sh) {
    let Some(s) = standin(sh) else { return };
    s.type_request("multiline first part\nand the second");
    s.keys(&["C-g"]);
    s.wait_buffer("echo first\necho second");
    let calls = s.standin_calls();
    assert_eq!(
        calls[0].last().unwrap(),
        "multiline first part\nand the second"
    );
}

/// `$(…)`, backticks, `;`, quotes in the request are data: nothing runs.
pub fn request_is_never_executed(sh: Sh) {
    let Some(s) = standin(sh) else { return };
    let request =
        "ok $(touch canary1) `touch canary2`; touch canary3 'q' \"dq\" \\ | touch canary4";
    s.type_request(request);
    s.keys(&["C-g"]);
    s.wait_buffer("echo ok-1");
    assert_eq!(s.standin_calls()[0].last().unwrap(), request);
    for n in 1..=4 {
        let canary = s.work.join(format!("canary{n}"));
        assert!(!canary.exists(), "{sh:?}: {} was created", canary.display());
    }
}

/// Ctrl-G again right after a suggestion cycles through the candidates, then back to the
/// request. (Intermediate states are read from the screen: the dump key is a widget too,
/// and pressing it would end the cycle.)
pub fn repeated_key_cycles_candidates(sh: Sh) {
    let Some(s) = standin(sh) else { return };
    let line = |text: &str| format!("{PROMPT}{text}");
    let shows = |scr: &str, text: &str| scr.lines().any(|l| l.trim_end() == line(text));
    s.type_request("multi choice");
    s.keys(&["C-g"]);
    s.wait_screen("the first candidate", |scr| shows(scr, "echo one"));
    s.keys(&["C-g"]);
    // zsh lists every candidate with its info (the menu); the others show the current one.
    let info = if sh == Sh::Zsh {
        "echo two  -- [safe] second of three"
    } else {
        "second of three  (2/3, Ctrl-G: next)"
    };
    s.wait_screen("the second candidate and its info", |scr| {
        shows(scr, "echo two") && scr.contains(info)
    });
    s.keys(&["C-g"]);
    s.wait_screen("the third candidate", |scr| shows(scr, "echo three"));
    s.keys(&["C-g"]);
    s.wait_screen("the request again", |scr| shows(scr, "multi choice"));
    let cursor = s.wait_buffer("multi choice");
    assert_eq!(cursor, "multi choice".len());
    assert_eq!(s.standin_calls().len(), 1, "cycling must not ask again");
    // The cycle is over: the next press asks again.
    s.keys(&["C-g"]);
    s.wait_buffer("echo one");
    assert_eq!(s.standin_calls().len(), 2);
}

/// zsh only: several candidates are also offered as a completion menu, Tab moves on.
pub fn tab_moves_through_the_menu(sh: Sh) {
    let Some(s) = standin(sh) else { return };
    s.type_request("multi choice");
    s.keys(&["C-g"]);
    s.wait_screen("the menu with infos", |scr| {
        scr.contains("third of three")
            && scr
                .lines()
                .any(|l| l.trim_end() == format!("{PROMPT}echo one"))
    });
    s.keys(&["Tab"]);
    s.wait_screen("the second entry", |scr| {
        scr.lines()
            .any(|l| l.trim_end() == format!("{PROMPT}echo two"))
    });
    // Each press is one undo step: back to the first candidate, then to the request.
    s.keys(&[sh.undo_key()]);
    s.wait_buffer("echo one");
    s.keys(&[sh.undo_key()]);
    s.wait_buffer("multi choice");
    // Tab is itself again once the menu is over.
    s.clear_line();
    s.type_text("bindkey '^I'");
    s.keys(&["Enter"]);
    s.wait_screen("the restored Tab binding", |scr| {
        scr.contains("\"^I\" expand-or-complete")
    });
}

/// Ctrl-G on an empty line shows a hint and leaves the line empty.
pub fn empty_line_shows_a_hint(sh: Sh) {
    let Some(s) = standin(sh) else { return };
    s.keys(&["C-g"]);
    s.wait_screen("the hint", |scr| {
        scr.contains("caro: type what you want to do in plain words, then press Ctrl-G")
    });
    assert_eq!(s.buffer().0, "");
    assert!(
        s.standin_calls().is_empty(),
        "an empty line must not call the helper"
    );
}

/// `--key` binds another key and leaves Ctrl-G alone.
pub fn other_key_binds(sh: Sh) {
    let Some(s) = Setup::new(sh, super::standin())
        .init_arg("--key")
        .init_arg("alt-g")
        .start()
    else {
        return;
    };
    s.type_request("ok via alt");
    s.keys(&["M-g"]);
    s.wait_buffer("echo ok-1");
    drop(s);

    // A two-key sequence.
    let Some(s) = Setup::new(sh, super::standin())
        .init_arg("--key")
        .init_arg("ctrl-x ctrl-g")
        .start()
    else {
        return;
    };
    s.type_request("ok via sequence");
    s.keys(&["C-x", "C-g"]);
    s.wait_buffer("echo ok-1");
}

/// The real binary, engine-agnostic: whatever it answers for the request outside the
/// shell is what the widget must do inside it. The progress indicator is forced to draw at
/// once and must be gone afterwards; the request must not run.
pub fn real_binary(sh: Sh) {
    let Some(s) = Setup::new(sh, caro_bin())
        .env("CARO_SHELL_PROGRESS_DELAY_MS", "0")
        .start()
    else {
        return;
    };
    for request in [
        "list files in this directory",
        "show disk usage $(touch canary) `touch canary2`",
    ] {
        let answer = real_answer(&s, request);
        s.type_request(request);
        s.keys(&["C-g"]);
        if answer.status == "ok" {
            s.wait_buffer(&answer.commands[0]);
        } else {
            let message = answer.message.clone().unwrap_or_default();
            let shown: String = message.chars().take(40).collect();
            s.wait_screen("the helper's message", |scr| scr.contains(&shown));
            assert_eq!(s.buffer().0, request);
        }
        let screen = s.screen();
        assert!(!screen.contains("caro is thinking"), "{screen}");
        assert!(!s.work.join("canary").exists() && !s.work.join("canary2").exists());
        s.clear_line();
    }
}

/// fish: `!!caro` expands to the last accepted suggestion, and `caro abbr add NAME` saves
/// it as an abbreviation that `caro init fish` registers.
pub fn fish_abbreviations(sh: Sh) {
    let Some(s) = standin(sh) else { return };
    s.type_request("ok save this");
    s.keys(&["C-g"]);
    s.wait_buffer("echo ok-1");
    s.clear_line();
    s.type_text("!!caro");
    s.keys(&["Space"]);
    s.wait_buffer("echo ok-1 ");
    s.clear_line();

    let run = |args: &[&str]| {
        Command::new(caro_bin())
            .args(args)
            .envs(s.env.iter().map(|(k, v)| (k, v)))
            .output()
            .expect("run caro")
    };
    let added = run(&["abbr", "add", "okay"]);
    assert!(added.status.success(), "{added:?}");
    let listed = run(&["abbr", "list"]);
    assert_eq!(String::from_utf8_lossy(&listed.stdout), "okay\techo ok-1\n");
    let init = run(&["init", "fish", "--bin", &super::standin().to_string_lossy()]);
    let script = s.dir.path().join("reinit.fish");
    std::fs::write(&script, &init.stdout).unwrap();
    s.type_text(&format!("source '{}'", script.display()));
    s.keys(&["Enter"]);
    s.wait_buffer("");
    s.type_text("okay");
    s.keys(&["Space"]);
    s.wait_buffer("echo ok-1 ");
}

/// Tab completes caro's own command line (clap_complete, registered by `caro init`).
pub fn completes_caros_own_cli(sh: Sh) {
    let Some(s) = Setup::new(sh, caro_bin()).with_completion().start() else {
        return;
    };
    s.type_text("caro sugg");
    s.keys(&["Tab"]);
    s.wait_buffer("caro suggest ");
    s.clear_line();
    s.type_text("caro init fi");
    s.keys(&["Tab"]);
    s.wait_buffer("caro init fish ");
}

/// Vi keymaps are bound too: insert mode, and command mode after Esc.
pub fn vi_mode_is_bound(sh: Sh) {
    let Some(s) = standin(sh) else { return };
    let vi_on = match sh {
        Sh::Zsh => "bindkey -v",
        Sh::Bash => "set -o vi",
        Sh::Fish => "fish_vi_key_bindings",
    };
    s.type_text(vi_on);
    s.keys(&["Enter"]);
    s.wait_screen("vi mode", |scr| scr.matches(PROMPT.trim_end()).count() >= 2);
    // Insert mode (the dump key is bound in the default keymap only: read the screen).
    let shows = |scr: &str, text: &str| {
        scr.lines()
            .any(|l| l.trim_end().ends_with(&format!("{PROMPT}{text}")))
    };
    s.type_text("ok in insert mode");
    s.keys(&["C-g"]);
    s.wait_screen("the insert-mode answer", |scr| shows(scr, "echo ok-1"));
    s.keys(&["Escape"]);
    s.type_text("ccok in command mode");
    s.keys(&["Escape", "C-g"]);
    s.wait_screen("the command-mode answer", |scr| {
        scr.lines()
            .filter(|l| l.trim_end().ends_with("echo ok-1"))
            .count()
            >= 1
            && s.standin_calls().len() == 2
    });
    assert_eq!(s.standin_calls()[1].last().unwrap(), "ok in command mode");
}

/// Options users set in their rc files must not break the widget.
pub fn survives_user_options(sh: Sh) {
    let options = match sh {
        Sh::Zsh => "setopt ksh_arrays sh_word_split no_clobber err_exit no_unset extended_glob",
        Sh::Bash => "set -u; shopt -s failglob nullglob extglob; set -o noclobber",
        Sh::Fish => "set -g fish_history caro_test",
    };
    let Some(s) = Setup::new(sh, super::standin()).rc(options).start() else {
        return;
    };
    s.type_request("multi * ? [x] $HOME");
    s.keys(&["C-g"]);
    s.wait_screen("the first candidate", |scr| {
        scr.lines()
            .any(|l| l.trim_end() == format!("{PROMPT}echo one"))
    });
    s.keys(&["C-g"]);
    s.wait_screen("the second candidate", |scr| {
        scr.lines()
            .any(|l| l.trim_end() == format!("{PROMPT}echo two"))
    });
    s.keys(&["C-g", "C-g"]);
    s.wait_buffer("multi * ? [x] $HOME");
    assert_eq!(s.standin_calls()[0].last().unwrap(), "multi * ? [x] $HOME");
    // The last suggestion is rewritten even with noclobber.
    s.clear_line();
    s.type_request("ok again");
    s.keys(&["C-g"]);
    s.wait_buffer("echo ok-1");
    let last = s.dir.path().join("home/.local/share/caro/last-suggestion");
    assert_eq!(std::fs::read_to_string(last).unwrap(), "echo ok-1\n");
    if sh == Sh::Fish {
        // A custom history name is honoured.
        let hist = s
            .dir
            .path()
            .join("home/.local/share/fish/caro_test_history");
        let text = std::fs::read_to_string(hist).unwrap_or_default();
        assert!(text.contains("- cmd: # ok again"), "{text}");
    }
}

/// rc files get sourced again (`source ~/.zshrc`): loading the widget twice is harmless.
pub fn loading_twice_is_harmless(sh: Sh) {
    let Some(s) = standin(sh) else { return };
    let script = s.dir.path().join(format!("init.{}", sh.name()));
    s.type_text(&format!("source '{}'", script.display()));
    s.keys(&["Enter"]);
    s.wait_buffer("");
    s.type_request("ok twice");
    s.keys(&["C-g"]);
    s.wait_buffer("echo ok-1");
    assert_eq!(s.standin_calls().len(), 1, "one press, one call");
    let screen = s.screen();
    for noise in ["error", "warning", "not found", "unknown"] {
        assert!(!screen.to_lowercase().contains(noise), "{screen}");
    }
}
