//! `caro doctor` on prepared homes: what it detects, the fixes it names, its exit code, and
//! that it never prints a secret.

mod cli_support;

use cli_support::*;

fn doctor(sb: &Sandbox, shell: &str, env: &[(&str, &str)], json: bool) -> std::process::Output {
    let mut cmd = sb.cmd();
    cmd.env("SHELL", format!("/bin/{shell}"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.arg("doctor");
    if json {
        cmd.arg("--json");
    }
    let out = cmd.output().unwrap();
    assert_no_panic(&out);
    out
}

fn write(sb: &Sandbox, rel: &str, text: &str) {
    let path = sb.home().join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_healthy_setup_exits_0_and_says_what_it_found() {
    let sb = Sandbox::new();
    write(
        &sb,
        ".zshrc",
        "export EDITOR=vim\neval \"$(caro init zsh)\"\n",
    );
    let out = doctor(&sb, "zsh", &[], false);
    assert_eq!(code(&out), SUCCESS, "{}", stdout(&out));
    let text = stdout(&out);
    for expected in [
        "[ok   ] shell        zsh (from $SHELL)",
        "zsh loads caro from",
        "no other binding of ctrl-g",
        "] encoder      ",
        "remote engine not configured",
        "not found; using the defaults",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
}

#[test]
fn config_problems_exit_4_with_their_position() {
    let sb = Sandbox::new();
    let path = sb.write_config("count = 2\nengin = \"builtin\"\n");
    let out = doctor(&sb, "bash", &[], false);
    assert_eq!(code(&out), CONFIG);
    let text = stdout(&out);
    assert!(
        text.contains(&format!("{}:2:1: unknown key 'engin'", path.display())),
        "{text}"
    );
    assert!(text.contains("did you mean 'engine'"), "{text}");
    assert!(text.contains("caro config edit"), "{text}");
}

#[test]
fn missing_integration_names_the_line_to_add() {
    let sb = Sandbox::new();
    for (shell, line) in [
        ("zsh", "eval \"$(caro init zsh)\""),
        ("bash", "eval \"$(caro init bash)\""),
        ("fish", "caro init fish | source"),
    ] {
        let out = doctor(&sb, shell, &[], false);
        assert_eq!(code(&out), SUCCESS, "warnings do not change the exit code");
        let text = stdout(&out);
        assert!(text.contains(&format!("add `{line}`")), "{shell}: {text}");
    }
}

#[test]
fn conflicting_bindings_are_found_in_each_shell() {
    let sb = Sandbox::new();
    write(
        &sb,
        ".zshrc",
        "eval \"$(caro init zsh)\"\n# bindkey '^G' commented-out\nbindkey '^G' fzf-cd-widget\n",
    );
    write(&sb, ".bashrc", "bind -x '\"\\C-g\": my_widget'\n");
    write(&sb, ".inputrc", "\"\\C-g\": abort\n");
    write(
        &sb,
        ".config/fish/conf.d/keys.fish",
        "bind \\cg my_fish_fn\n",
    );

    let out = doctor(&sb, "zsh", &[], false);
    let text = stdout(&out);
    assert!(text.contains(".zshrc:3 also binds ctrl-g"), "{text}");
    assert!(text.contains("caro config set shell.key alt-g"), "{text}");
    assert!(
        !text.contains(".zshrc:2"),
        "comments are not bindings: {text}"
    );

    let text = stdout(&doctor(&sb, "bash", &[], false));
    assert!(text.contains(".bashrc:1 also binds ctrl-g"), "{text}");
    assert!(text.contains(".inputrc:1 also binds ctrl-g"), "{text}");

    let text = stdout(&doctor(&sb, "fish", &[], false));
    assert!(text.contains("keys.fish:1 also binds ctrl-g"), "{text}");

    // With another key configured, the ctrl-g bindings no longer conflict.
    let text = stdout(&doctor(&sb, "zsh", &[("CARO_SHELL_KEY", "alt-g")], false));
    assert!(text.contains("no other binding of alt-g"), "{text}");
}

#[test]
fn remote_settings_are_checked_without_printing_secrets() {
    let sb = Sandbox::new();
    let secret = "sk-proj-abcdefghijklmnop1234567890";
    let env = [
        ("CARO_REMOTE_URL", "http://llm.internal:8080/v1"),
        ("CARO_REMOTE_MODEL", "qwen2.5-coder"),
        ("CARO_REMOTE_API_KEY_ENV", "MY_LLM_KEY"),
        ("MY_LLM_KEY", secret),
    ];
    let text = stdout(&doctor(&sb, "bash", &env, false));
    assert!(
        text.contains("remote engine at http://llm.internal:8080/v1, model qwen2.5-coder"),
        "{text}"
    );
    assert!(
        text.contains("API key variable MY_LLM_KEY is set"),
        "{text}"
    );

    let unset = &env[..3];
    let text = stdout(&doctor(&sb, "bash", unset, false));
    assert!(text.contains("MY_LLM_KEY, which is not set"), "{text}");
    assert!(text.contains("export MY_LLM_KEY="), "{text}");

    // A password in the URL and the key itself never appear, in either format, even in the
    // engine's own complaint about the URL.
    let with_password = [
        ("CARO_REMOTE_URL", "https://bob:hunter2@api.example.com/v1"),
        ("CARO_REMOTE_MODEL", "gpt-4o-mini"),
        ("CARO_REMOTE_API_KEY_ENV", "MY_LLM_KEY"),
        ("MY_LLM_KEY", secret),
    ];
    for json in [false, true] {
        let text = stdout(&doctor(&sb, "bash", &with_password, json));
        assert!(!text.contains(secret), "the key leaked: {text}");
        assert!(!text.contains("hunter2"), "the URL password leaked: {text}");
        assert!(text.contains("bob:***@api.example.com"), "{text}");
        assert!(text.contains("https"), "{text}");
    }
    let text = stdout(&doctor(&sb, "bash", &with_password, false));
    assert!(text.contains("remote engine unusable"), "{text}");
}

#[test]
fn json_report_for_bug_reports() {
    let sb = Sandbox::new();
    sb.write_config("[safety]\nlevel = \"nope\"\n");
    let out = doctor(&sb, "fish", &[("CARO_LOG", "debug")], true);
    assert_eq!(code(&out), CONFIG);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc["system"]["shell"], "fish");
    assert!(["gnu", "bsd", "busybox"].contains(&doc["system"]["flavour"].as_str().unwrap()));
    assert_eq!(doc["config"]["problems"][0]["origin"], "file");
    assert!(doc["config"]["problems"][0]["location"]
        .as_str()
        .unwrap()
        .ends_with("config.toml:2:9"));
    assert!(doc["tools"]["found"].as_array().unwrap().len() > 3);
    assert_eq!(doc["encoder"]["enabled"], true);
    assert!(doc["encoder"]["available"].is_boolean());
    assert_eq!(doc["encoder"]["model"]["name"], "all-minilm-l6-v2");
    assert!(doc["encoder"]["installed_models"].is_array());
    assert_eq!(doc["remote"]["configured"], false);
    let levels: Vec<&str> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["level"].as_str().unwrap())
        .collect();
    assert!(levels.contains(&"error"), "{levels:?}");
}

#[test]
fn missing_tools_are_listed_with_their_package() {
    let sb = Sandbox::new();
    // A PATH with only a few tools: the rest are reported with the package to install.
    let bin = sb.root().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for tool in ["find", "grep"] {
        std::os::unix::fs::symlink(format!("/usr/bin/{tool}"), bin.join(tool)).unwrap();
    }
    let out = doctor(&sb, "bash", &[("PATH", bin.to_str().unwrap())], false);
    let text = stdout(&out);
    assert!(
        text.contains("2 of 15 common tools found: find, grep"),
        "{text}"
    );
    assert!(
        text.contains("missing: sed (editing text in place)"),
        "{text}"
    );
    assert!(text.contains("install") && text.contains("gawk"), "{text}");
    assert!(text.contains("caro is not on your PATH"), "{text}");
}

#[test]
fn encoder_state_is_reported_with_what_to_do() {
    let sb = Sandbox::new();
    let text = stdout(&doctor(&sb, "bash", &[], false));
    // No model in the sandbox: optional, so information with the install command.
    assert!(
        text.contains("[info ] encoder      not in use") && text.contains("caro model pull"),
        "{text}"
    );
    let text = stdout(&doctor(
        &sb,
        "bash",
        &[("CARO_ENCODER_ENABLED", "false")],
        false,
    ));
    assert!(text.contains("off (encoder.enabled = false)"), "{text}");
}
