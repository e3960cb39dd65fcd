//! The remote engine against a local stand-in for an OpenAI-compatible server.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use caro::config::RemoteConfig;
use caro::context::{Context, EnvView, Os, Shell};
use caro::engine::remote::Remote;
use caro::engine::Engine;
use caro::request::Request;

/// Serve one request with `reply` (the model's message content); return what was received.
fn fake_server(reply: &str) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let body =
        serde_json::json!({"choices": [{"message": {"role": "assistant", "content": reply}}]})
            .to_string();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        // Read headers, then Content-Length bytes of body.
        loop {
            let n = conn.read(&mut buf).unwrap();
            got.extend_from_slice(&buf[..n]);
            if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&got[..end]).to_string();
                let len: usize = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse().unwrap())
                    })
                    .unwrap_or(0);
                while got.len() < end + 4 + len {
                    let n = conn.read(&mut buf).unwrap();
                    got.extend_from_slice(&buf[..n]);
                }
                break;
            }
        }
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        conn.write_all(response.as_bytes()).unwrap();
        tx.send(String::from_utf8_lossy(&got).to_string()).unwrap();
    });
    (url, rx)
}

fn ctx(env: EnvView) -> Context {
    Context::with_env(env, Some(Os::Linux), Some(Shell::Bash))
}

#[test]
fn asks_the_server_and_returns_its_command() {
    let (url, rx) = fake_server(
        r#"{"command": "awk '{print $1}' access.log | sort | uniq -c", "explanation": "count hits per ip"}"#,
    );
    let env = EnvView::from_pairs([
        ("TEAM_LLM_KEY", "sk-test-1234567890abcdef"),
        ("GITHUB_TOKEN", "ghp_abcdefghijklmnopqrstuvwxyz012345"),
    ]);
    let cfg = RemoteConfig {
        url,
        model: "qwen2.5-coder".into(),
        api_key_env: "TEAM_LLM_KEY".into(),
        timeout_ms: 5000,
    };
    let c = ctx(env.clone());
    let remote = Remote::from_config(&cfg, &c.env).unwrap();
    let out = remote
        .propose(
            &Request::new("hits per ip in access.log"),
            &c,
            3,
            Instant::now() + Duration::from_secs(5),
        )
        .unwrap();
    assert_eq!(
        out[0].command,
        "awk '{print $1}' access.log | sort | uniq -c"
    );
    assert_eq!(out[0].explanation, "count hits per ip");
    let sent = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(
        sent.starts_with("POST /v1/chat/completions HTTP/1.1\r\n"),
        "{sent}"
    );
    assert!(sent.contains("Authorization: Bearer sk-test-1234567890abcdef"));
    assert!(sent.contains("hits per ip in access.log"));
    assert!(sent.contains("\"model\":\"qwen2.5-coder\""));
    // Nothing from the environment but the configured key leaves the machine.
    assert!(!sent.contains("ghp_"), "a secret leaked: {sent}");
    assert!(!sent.contains("GITHUB_TOKEN"));
}

#[test]
fn unusable_configuration_is_reported_not_fatal() {
    let c = ctx(EnvView::from_pairs([("PATH", "/usr/bin")]));
    let none = RemoteConfig {
        url: String::new(),
        ..RemoteConfig::default()
    };
    assert!(Remote::from_config(&none, &c.env).is_err());
    let ftp = RemoteConfig {
        url: "ftp://api.example.com/v1".into(),
        model: "m".into(),
        ..RemoteConfig::default()
    };
    let err = Remote::from_config(&ftp, &c.env).err().unwrap().to_string();
    assert!(err.contains("http:// or https://"), "{err}");
    let missing_key = RemoteConfig {
        url: "http://localhost:1/v1".into(),
        model: "m".into(),
        api_key_env: "NOPE_KEY".into(),
        timeout_ms: 100,
    };
    let err = Remote::from_config(&missing_key, &c.env)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("NOPE_KEY"), "{err}");
}

#[test]
fn a_dead_server_fails_fast() {
    // Bind then drop: nothing listens on this port any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = ctx(EnvView::from_pairs([("PATH", "/usr/bin")]));
    let cfg = RemoteConfig {
        url: format!("http://127.0.0.1:{port}/v1"),
        model: "m".into(),
        api_key_env: String::new(),
        timeout_ms: 500,
    };
    let remote = Remote::from_config(&cfg, &c.env).unwrap();
    let started = Instant::now();
    let err = remote.propose(
        &Request::new("list files"),
        &c,
        1,
        Instant::now() + Duration::from_secs(2),
    );
    assert!(err.is_err());
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn the_binary_blocks_a_dangerous_remote_answer() {
    let (url, _rx) = fake_server(r#"{"command": "rm -rf /", "explanation": "clean up"}"#);
    let out = assert_cmd::Command::cargo_bin("caro")
        .unwrap()
        .env("CARO_CONFIG", "/nonexistent/caro.toml")
        .env("CARO_ENGINE", "remote")
        .env("CARO_REMOTE_URL", &url)
        .env("CARO_REMOTE_MODEL", "m")
        .args([
            "suggest",
            "--format",
            "widget",
            "--shell",
            "bash",
            "--",
            "tidy up the disk",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("caro-widget 1\nstatus blocked\n"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("\ncmd "),
        "a refused command reached the widget: {stdout}"
    );
    assert_eq!(out.status.code(), Some(3));
}
