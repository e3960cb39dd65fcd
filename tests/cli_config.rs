//! Configuration through the real binary: where the file is found, layer precedence
//! (defaults < file < `CARO_*` env < flags), broken files, unknown keys, and the promise that
//! the widget's stdout carries nothing but the protocol.

mod cli_support;

use cli_support::*;

fn get(sb: &Sandbox, key: &str, env: &[(&str, &str)]) -> String {
    let mut cmd = sb.cmd();
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(["config", "get", key]).output().unwrap();
    assert_eq!(code(&out), SUCCESS, "{key}: {}", stderr(&out));
    stdout(&out).trim().to_string()
}

#[test]
fn layers_apply_in_order_defaults_file_env() {
    let sb = Sandbox::new();
    assert_eq!(get(&sb, "count", &[]), "3");
    assert_eq!(get(&sb, "safety.level", &[]), "\"moderate\"");

    sb.write_config("count = 5\n[safety]\nlevel = \"strict\"\ndeny = [\"^git push\"]\n");
    assert_eq!(get(&sb, "count", &[]), "5");
    assert_eq!(get(&sb, "safety.level", &[]), "\"strict\"");

    let env = [("CARO_COUNT", "7"), ("CARO_SAFETY_DENY", "^rm, ^dd")];
    assert_eq!(get(&sb, "count", &env), "7");
    assert_eq!(get(&sb, "safety.deny", &env), "[\"^rm\", \"^dd\"]");
    // Keys the environment does not name keep the file's value.
    assert_eq!(get(&sb, "safety.level", &env), "\"strict\"");
}

/// The output format is a config key whose effect is visible whatever the engines answer,
/// so it shows every layer of `caro suggest`, flags included.
#[test]
fn suggest_follows_flags_over_env_over_file_over_defaults() {
    let sb = Sandbox::new();
    let request = ["suggest", "zzkq", "vlorp"];
    let out = sb.cmd().args(request).output().unwrap();
    let plain = stdout(&out);
    // Plain: at most one command line, never a document.
    assert!(plain.lines().count() <= 1, "{plain}");
    assert!(
        !plain.starts_with('{') && !plain.starts_with("caro-widget"),
        "{plain}"
    );

    sb.write_config("format = \"json\"\n");
    let out = sb.cmd().args(request).output().unwrap();
    serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("file layer: json");

    let out = sb
        .cmd()
        .env("CARO_FORMAT", "widget")
        .args(request)
        .output()
        .unwrap();
    assert_widget_protocol(&stdout(&out));

    let out = sb
        .cmd()
        .env("CARO_FORMAT", "widget")
        .args(["suggest", "--format", "json", "zzkq", "vlorp"])
        .output()
        .unwrap();
    serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("flag layer: json");
}

#[test]
fn the_file_is_found_by_caro_config_then_xdg_then_home() {
    let sb = Sandbox::new();
    let xdg = sb.root().join("xdg");
    std::fs::create_dir_all(xdg.join("caro")).unwrap();
    std::fs::write(xdg.join("caro/config.toml"), "count = 11\n").unwrap();
    let explicit = sb.root().join("explicit.toml");
    std::fs::write(&explicit, "count = 12\n").unwrap();
    sb.write_config("count = 13\n"); // ~/.config/caro/config.toml

    let xdg_s = xdg.to_str().unwrap();
    let explicit_s = explicit.to_str().unwrap();
    assert_eq!(get(&sb, "count", &[("XDG_CONFIG_HOME", xdg_s)]), "11");
    assert_eq!(
        get(
            &sb,
            "count",
            &[("XDG_CONFIG_HOME", xdg_s), ("CARO_CONFIG", explicit_s)]
        ),
        "12"
    );
    // Without XDG_CONFIG_HOME (and with a relative one, which the spec says to ignore),
    // the file is ~/.config/caro/config.toml, on macOS too.
    let out = sb
        .cmd()
        .env_remove("XDG_CONFIG_HOME")
        .args(["config", "get", "count"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out).trim(), "13");
    assert_eq!(
        get(&sb, "count", &[("XDG_CONFIG_HOME", "relative/dir")]),
        "13"
    );

    let out = sb
        .cmd()
        .env("CARO_CONFIG", explicit_s)
        .args(["config", "path"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out).trim(), explicit_s);
}

#[test]
fn a_malformed_file_is_located_and_suggest_still_answers() {
    let sb = Sandbox::new();
    let path = sb.write_config("count = 4\n[safety]\nlevel = \"strict\nengine = \"builtin\"\n");
    for format in ["plain", "json", "widget"] {
        let out = sb
            .cmd()
            .args(["suggest", "--format", format, "list", "files"])
            .output()
            .unwrap();
        assert_no_panic(&out);
        assert!(
            [SUCCESS, NO_SUGGESTION].contains(&code(&out)),
            "{format}: a broken config must not stop suggestions: {}",
            stderr(&out)
        );
        match format {
            "widget" => {
                assert_widget_protocol(&stdout(&out));
            }
            "json" => {
                serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap();
            }
            _ => {}
        }
        if format != "widget" {
            let err = stderr(&out);
            let location = format!("{}:3:", path.display());
            assert!(
                err.contains(&location),
                "{format}: want {location} in {err}"
            );
        }
    }
    let out = sb.cmd().args(["config", "show"]).output().unwrap();
    assert_eq!(code(&out), CONFIG);
    // Defaults are used for the whole unreadable file.
    assert!(stdout(&out).contains("count = 3\n"), "{}", stdout(&out));
}

#[test]
fn unknown_keys_warn_with_a_suggestion_and_the_rest_applies() {
    let sb = Sandbox::new();
    let path =
        sb.write_config("count = 2\n[safety]\nlevle = \"strict\"\n[shell]\nkye = \"alt-g\"\n");
    let out = sb
        .cmd()
        .args(["suggest", "list", "files"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}:3:1", path.display()))
            && err.contains("did you mean 'safety.level'"),
        "{err}"
    );
    assert!(err.contains("did you mean 'shell.key'"), "{err}");
    assert_eq!(get(&sb, "count", &[]), "2");
}

#[test]
fn bad_environment_values_are_reported_and_ignored() {
    let sb = Sandbox::new();
    sb.write_config("count = 6\n");
    let out = sb
        .cmd()
        .env("CARO_COUNT", "many")
        .env("CARO_SAFETY_LEVEL", "yolo")
        .args(["config", "show"])
        .output()
        .unwrap();
    assert_eq!(code(&out), CONFIG);
    let text = stdout(&out);
    assert!(
        text.contains("CARO_COUNT") && text.contains("CARO_SAFETY_LEVEL"),
        "{text}"
    );
    assert!(
        text.contains("count = 6\n"),
        "the file's value stays: {text}"
    );
}

#[test]
fn widget_stdout_is_only_the_protocol_even_when_logging_and_broken() {
    let sb = Sandbox::new();
    sb.write_config("count = \"x\"\nbogus = 1\n");
    for (env, input) in [
        (vec![("CARO_LOG", "debug")], "list files"),
        (
            vec![("CARO_LOG", "debug"), ("CARO_COUNT", "nope")],
            "list files",
        ),
        (vec![("CARO_LOG", "debug")], ""),
    ] {
        let mut cmd = sb.cmd();
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let out = cmd
            .args(["suggest", "--format", "widget", "--", input])
            .output()
            .unwrap();
        assert_no_panic(&out);
        assert_widget_protocol(&stdout(&out));
        if !input.is_empty() {
            // The logging really was on, so the test shows it went to stderr.
            assert!(stderr(&out).contains("Debug"), "{}", stderr(&out));
        }
    }
}

#[test]
fn log_file_takes_the_log_off_stderr() {
    let sb = Sandbox::new();
    let log = sb.root().join("caro.log");
    let out = sb
        .cmd()
        .env("CARO_LOG", "debug")
        .env("CARO_LOG_FILE", &log)
        .args(["suggest", "--format", "widget", "list", "files"])
        .output()
        .unwrap();
    assert_widget_protocol(&stdout(&out));
    assert!(!stderr(&out).contains("Debug"), "{}", stderr(&out));
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("Debug: suggest"), "{text}");
}

#[test]
fn config_set_writes_the_file_and_keeps_comments() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .args(["config", "set", "safety.level", "strict"])
        .output()
        .unwrap();
    assert_eq!(code(&out), SUCCESS, "{}", stderr(&out));
    assert_eq!(get(&sb, "safety.level", &[]), "\"strict\"");

    let path = sb.write_config("# mine\ncount = 2 # two\n\n[shell]\n# my key\nkey = \"ctrl-g\"\n");
    let out = sb
        .cmd()
        .args(["config", "set", "shell.key", "alt-g"])
        .output()
        .unwrap();
    assert_eq!(code(&out), SUCCESS);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# mine\ncount = 2 # two\n"), "{text}");
    assert!(text.contains("# my key\nkey = \"alt-g\"\n"), "{text}");

    // A refused value leaves the file as it was.
    let out = sb
        .cmd()
        .args(["config", "set", "engine", "magic"])
        .output()
        .unwrap();
    assert_eq!(code(&out), CONFIG);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn an_unusable_log_file_falls_back_to_stderr_and_says_so() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .env("CARO_LOG", "debug")
        .env("CARO_LOG_FILE", sb.root().join("no/such/dir/caro.log"))
        .args(["suggest", "--format", "widget", "list", "files"])
        .output()
        .unwrap();
    assert_widget_protocol(&stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("cannot open CARO_LOG_FILE"), "{err}");
    assert!(err.contains("Debug: suggest"), "{err}");
}

#[test]
fn misspelt_environment_variables_are_reported() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .env("CARO_SAFTY_LEVEL", "strict")
        .env("CARO_WIDGET_SOMETHING", "1")
        .args(["suggest", "list", "files"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(
        err.contains(
            "CARO_SAFTY_LEVEL: not a caro setting, ignored (did you mean CARO_SAFETY_LEVEL?)"
        ),
        "{err}"
    );
    assert!(!err.contains("CARO_WIDGET_SOMETHING"), "{err}");
}
