//! The remote engine against a local HTTPS server (Python's `http.server` behind `ssl`, with a
//! throw-away self-signed certificate from `openssl`), reached through curl as for a hosted
//! API. Needs `curl`, `openssl` and `python3`; outside CI the test says what is missing and
//! passes, in CI (`CI` set) a missing tool fails it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use caro::config::RemoteConfig;
use caro::context::{Context, EnvView, Os, Shell};
use caro::engine::remote::Remote;
use caro::engine::{Engine, EngineError};
use caro::request::Request;

const SERVER: &str = r#"
import http.server, json, ssl, sys
cert, key, log, reply = sys.argv[1:5]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open(log, "w") as f:
            json.dump({"path": self.path, "auth": self.headers.get("Authorization"),
                       "body": json.loads(body)}, f)
        if self.path.startswith("/broken"):
            out, code = b'{"error": "model not loaded"}', 503
        else:
            out, code = json.dumps({"choices": [{"message": {"content": reply}}]}).encode(), 200
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
    def log_message(self, *a):
        pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(srv.server_address[1], flush=True)
srv.serve_forever()
"#;

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
        || Command::new(tool)
            .arg("version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
}

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &Path, reply: &str) -> Server {
    let status = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args([
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "openssl could not make a certificate");
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(SERVER)
        .arg(dir.join("cert.pem"))
        .arg(dir.join("key.pem"))
        .arg(dir.join("request.json"))
        .arg(reply)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line.trim().parse().expect("the server prints its port");
    Server { child, port }
}

#[test]
fn https_servers_are_reached_through_curl_with_the_key_and_nothing_else() {
    let missing: Vec<_> = ["curl", "openssl", "python3"]
        .into_iter()
        .filter(|t| !have(t))
        .collect();
    if !missing.is_empty() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install {missing:?}"
        );
        eprintln!("skipped: {missing:?} not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = start(
        dir.path(),
        r#"{"command": "du -sh ./*", "explanation": "sizes"}"#,
    );
    // curl trusts the throw-away certificate through its standard variable; this test binary
    // has no other test, so changing the process environment races with nothing.
    std::env::set_var("CURL_CA_BUNDLE", dir.path().join("cert.pem"));

    let env = EnvView::from_pairs([
        ("HOSTED_KEY", "sk-live-abc\"def\\ghi"),
        (
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
    ]);
    let ctx = Context::with_env(env, Some(Os::Linux), Some(Shell::Bash));
    let config = |path: &str| RemoteConfig {
        url: format!("https://127.0.0.1:{}{path}", server.port),
        model: "gpt-test".into(),
        api_key_env: "HOSTED_KEY".into(),
        timeout_ms: 10_000,
    };
    let remote = Remote::from_config(&config("/v1"), &ctx.env).unwrap();
    // Quotes, backslashes and a newline in the request must arrive as typed.
    let request = Request::new("how big is \"each\" dir \\ here\nplease");
    let deadline = Instant::now() + Duration::from_secs(10);
    let out = remote.propose(&request, &ctx, 1, deadline).unwrap();
    assert_eq!(out[0].command, "du -sh ./*");

    let seen: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("request.json")).unwrap())
            .unwrap();
    assert_eq!(seen["path"], "/v1/chat/completions");
    assert_eq!(seen["auth"], "Bearer sk-live-abc\"def\\ghi");
    assert_eq!(seen["body"]["model"], "gpt-test");
    assert_eq!(
        seen["body"]["messages"][1]["content"],
        "how big is \"each\" dir \\ here\nplease"
    );
    assert!(
        !seen.to_string().contains("wJalrXUtnFEMI"),
        "a secret leaked"
    );

    // A server error is a clear failure, not a panic or a hang.
    let broken = Remote::from_config(&config("/broken"), &ctx.env).unwrap();
    match broken.propose(&request, &ctx, 1, Instant::now() + Duration::from_secs(10)) {
        Err(EngineError::Failed(why)) => assert!(why.contains("HTTP 503"), "{why}"),
        other => panic!("expected a failure, got {other:?}"),
    }
}
