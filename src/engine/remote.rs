//! The remote engine: an OpenAI-compatible chat-completions server (Ollama, vLLM,
//! llama.cpp's server, or OpenAI behind a local proxy) asked for one command.
//!
//! What is sent: the request text, the target OS, shell and core-utility flavour, and a
//! fixed instruction. Never environment variables, file names from the machine, or secrets;
//! the only credential is the API key named by `remote.api_key_env`, sent to the configured
//! server alone in an `Authorization` header.
//!
//! `http://` servers (a team network, `localhost`) get plain HTTP/1.1 over `std::net`.
//! `https://` servers (OpenAI and other hosted APIs) go through the system's `curl`: a TLS
//! stack in caro would double its build time for one optional path, and curl brings the
//! platform's certificates and proxy settings. The request, API key included, reaches curl
//! on stdin as a config file, never on its command line, where `ps` would show it. Only this
//! engine spawns anything, and only when it is configured and the local engines had no
//! confident answer. Every answer goes through the same safety checks as the built-in
//! engine's.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::{Candidate, Engine, EngineError, EngineId};
use crate::config::RemoteConfig;
use crate::context::Context;
use crate::request::Request;

pub struct Remote {
    url: Url,
    model: String,
    api_key: Option<String>,
    timeout: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Url {
    /// `https://`: sent through curl (see the module comment).
    tls: bool,
    host: String,
    port: u16,
    /// Path prefix such as `/v1` (no trailing slash).
    base_path: String,
}

/// The URL as it may appear in messages: any `user:password@` part masked.
fn display_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

fn parse_url(raw: &str) -> Result<Url, String> {
    let shown = display_url(raw);
    let url = shown.as_str();
    let (tls, rest) = if let Some(r) = raw.strip_prefix("http://") {
        (false, r)
    } else if let Some(r) = raw.strip_prefix("https://") {
        (true, r)
    } else {
        return Err(format!(
            "remote.url '{url}' must start with http:// or https://"
        ));
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if authority.is_empty() || authority.contains('@') {
        return Err(format!(
            "remote.url '{url}' needs a host (credentials belong in remote.api_key_env)"
        ));
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse::<u16>()
                .map_err(|_| format!("remote.url '{url}' has a bad port"))?,
        ),
        None => (authority, if tls { 443 } else { 80 }),
    };
    if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return Err(format!("remote.url '{url}' has a bad host"));
    }
    Ok(Url {
        tls,
        host: host.to_string(),
        port,
        base_path: path.trim_end_matches('/').to_string(),
    })
}

impl Remote {
    /// Build from config; `Unavailable` when not configured or misconfigured.
    pub fn from_config(
        cfg: &RemoteConfig,
        env: &crate::context::EnvView,
    ) -> Result<Remote, EngineError> {
        if cfg.url.trim().is_empty() {
            return Err(EngineError::Unavailable(
                "not configured (set remote.url)".into(),
            ));
        }
        let url = parse_url(cfg.url.trim()).map_err(EngineError::Unavailable)?;
        if cfg.model.trim().is_empty() {
            return Err(EngineError::Unavailable("remote.model is empty".into()));
        }
        // The key is read raw: it is the one secret caro sends, and only to this server.
        let api_key = match cfg.api_key_env.trim() {
            "" => None,
            name => Some(env.get_raw(name).ok_or_else(|| {
                EngineError::Unavailable(format!(
                    "remote.api_key_env names {name}, which is not set"
                ))
            })?),
        };
        Ok(Remote {
            url,
            model: cfg.model.trim().to_string(),
            api_key,
            timeout: Duration::from_millis(cfg.timeout_ms),
        })
    }

    fn prompt(&self, request: &Request, ctx: &Context) -> serde_json::Value {
        let system = format!(
            "You turn a request into ONE shell command for {shell} on {os} ({flavour} core \
             utilities). Answer with a JSON object only: {{\"command\": \"...\", \"explanation\": \
             \"one short line\"}}. The command must be a single line unless a loop needs more, \
             must not use placeholders when the request gives values, and must do exactly what \
             was asked. If the request is not a task for a shell, answer {{\"command\": \"\"}}.",
            shell = ctx.shell,
            os = ctx.os,
            flavour = ctx.flavour().as_str(),
        );
        serde_json::json!({
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": request.raw},
            ],
        })
    }

    fn post(&self, path: &str, body: &[u8], deadline: Instant) -> Result<Vec<u8>, EngineError> {
        let remaining = deadline
            .saturating_duration_since(Instant::now())
            .min(self.timeout);
        if remaining.is_zero() {
            return Err(EngineError::Timeout);
        }
        if self.url.tls {
            return self.post_with_curl(path, body, remaining);
        }
        let addr = (self.url.host.as_str(), self.url.port)
            .to_socket_addrs()
            .map_err(|e| EngineError::Failed(format!("cannot resolve {}: {e}", self.url.host)))?
            .next()
            .ok_or_else(|| EngineError::Failed(format!("no address for {}", self.url.host)))?;
        let mut stream =
            TcpStream::connect_timeout(&addr, remaining).map_err(|e| map_io(e, &self.url))?;
        stream.set_read_timeout(Some(remaining)).ok();
        stream.set_write_timeout(Some(remaining)).ok();
        let mut head = format!(
            "POST {}{path} HTTP/1.1\r\nHost: {}:{}\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: {}\r\nConnection: close\r\nUser-Agent: caro/{}\r\n",
            self.url.base_path,
            self.url.host,
            self.url.port,
            body.len(),
            env!("CARGO_PKG_VERSION"),
        );
        if let Some(key) = &self.api_key {
            head.push_str(&format!("Authorization: Bearer {key}\r\n"));
        }
        head.push_str("\r\n");
        stream
            .write_all(head.as_bytes())
            .and_then(|_| stream.write_all(body))
            .map_err(|e| map_io(e, &self.url))?;
        let mut response = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            if Instant::now() >= deadline {
                return Err(EngineError::Timeout);
            }
            match stream.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    response.extend_from_slice(&buf[..n]);
                    if response.len() > 4 << 20 {
                        return Err(EngineError::Failed("response larger than 4 MiB".into()));
                    }
                }
                Err(e) => return Err(map_io(e, &self.url)),
            }
        }
        parse_http_response(&response)
    }
}

impl Remote {
    fn post_with_curl(
        &self,
        path: &str,
        body: &[u8],
        remaining: Duration,
    ) -> Result<Vec<u8>, EngineError> {
        let url = format!(
            "https://{}:{}{}{path}",
            self.url.host, self.url.port, self.url.base_path
        );
        let body = std::str::from_utf8(body)
            .map_err(|_| EngineError::Failed("the request body is not UTF-8".into()))?;
        let mut config = String::new();
        curl_option(&mut config, "url", &url);
        curl_option(&mut config, "header", "Content-Type: application/json");
        curl_option(&mut config, "header", "Accept: application/json");
        let agent = concat!("caro/", env!("CARGO_PKG_VERSION"));
        curl_option(&mut config, "user-agent", agent);
        if let Some(key) = &self.api_key {
            curl_option(
                &mut config,
                "header",
                &format!("Authorization: Bearer {key}"),
            );
        }
        curl_option(&mut config, "data-binary", body);
        // Whole milliseconds, at least one: curl reads fractional seconds.
        let seconds = format!("{:.3}", remaining.as_secs_f64().max(0.001));
        let mut child = Command::new("curl")
            .args([
                "--silent",
                "--show-error",
                "--proto",
                "=https",
                "--max-time",
                &seconds,
                "--max-filesize",
                "4194304",
                "--write-out",
                "\n%{http_code}",
                "--config",
                "-",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    EngineError::Unavailable(
                        "https:// servers are reached through curl, which is not installed: \
                         install curl, or point remote.url at an http:// endpoint"
                            .into(),
                    )
                } else {
                    EngineError::Failed(format!("cannot run curl: {e}"))
                }
            })?;
        // curl reads the whole config before it connects, so writing first cannot deadlock.
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(config.as_bytes())
                .map_err(|e| EngineError::Failed(format!("cannot talk to curl: {e}")))?;
        }
        let out = child
            .wait_with_output()
            .map_err(|e| EngineError::Failed(format!("curl failed: {e}")))?;
        match out.status.code() {
            Some(0) => {}
            // CURLE_OPERATION_TIMEDOUT
            Some(28) => return Err(EngineError::Timeout),
            code => {
                let why = String::from_utf8_lossy(&out.stderr);
                let why = why.lines().next().unwrap_or("").trim();
                return Err(EngineError::Failed(format!(
                    "{}: curl exit {}: {why}",
                    self.url.host,
                    code.map_or("by signal".to_string(), |c| c.to_string())
                )));
            }
        }
        let (payload, status) = split_status(&out.stdout)?;
        if !(200..300).contains(&status) {
            let text = String::from_utf8_lossy(payload);
            let snippet: String = text.chars().take(200).collect();
            return Err(EngineError::Failed(format!(
                "server answered HTTP {status}: {snippet}"
            )));
        }
        Ok(payload.to_vec())
    }
}

/// One `name = "value"` line of a curl config file, quoted the way curl unquotes it.
fn curl_option(config: &mut String, name: &str, value: &str) {
    config.push_str(name);
    config.push_str(" = \"");
    for c in value.chars() {
        match c {
            '\\' => config.push_str("\\\\"),
            '"' => config.push_str("\\\""),
            '\n' => config.push_str("\\n"),
            '\r' => config.push_str("\\r"),
            '\t' => config.push_str("\\t"),
            c => config.push(c),
        }
    }
    config.push_str("\"\n");
}

/// curl's output with `--write-out "\n%{http_code}"`: the body, then the status.
fn split_status(out: &[u8]) -> Result<(&[u8], u16), EngineError> {
    let bad = || EngineError::Failed("curl gave no HTTP status".into());
    let nl = out.iter().rposition(|&b| b == b'\n').ok_or_else(bad)?;
    let status = std::str::from_utf8(&out[nl + 1..])
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(bad)?;
    Ok((&out[..nl], status))
}

fn map_io(e: std::io::Error, url: &Url) -> EngineError {
    match e.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => EngineError::Timeout,
        _ => EngineError::Failed(format!("{}:{}: {e}", url.host, url.port)),
    }
}

/// Status line, headers, then the body (plain or chunked).
fn parse_http_response(raw: &[u8]) -> Result<Vec<u8>, EngineError> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| EngineError::Failed("malformed HTTP response".into()))?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let body = &raw[split + 4..];
    let status: u16 = head
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| EngineError::Failed("malformed HTTP status line".into()))?;
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    let body = if chunked {
        dechunk(body)?
    } else {
        body.to_vec()
    };
    if !(200..300).contains(&status) {
        let text = String::from_utf8_lossy(&body);
        let snippet: String = text.chars().take(200).collect();
        return Err(EngineError::Failed(format!(
            "server answered HTTP {status}: {snippet}"
        )));
    }
    Ok(body)
}

fn dechunk(mut body: &[u8]) -> Result<Vec<u8>, EngineError> {
    let bad = || EngineError::Failed("malformed chunked response".into());
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n").ok_or_else(bad)?;
        let size_text = String::from_utf8_lossy(&body[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| bad())?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if body.len() < size + 2 {
            return Err(bad());
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size + 2..];
    }
}

#[derive(Deserialize)]
struct ChatResponse {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: Message,
}

#[derive(Deserialize)]
struct Message {
    content: Option<String>,
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    command: String,
    #[serde(default)]
    explanation: String,
}

/// Pull the command out of the model's text: a JSON object (possibly inside a code fence
/// or surrounded by prose), else a fenced code block, else nothing. Parsed with a real JSON
/// parser, so braces inside the command (`awk '{print $1}'`, `find -exec {} \;`) survive.
fn extract_answer(text: &str) -> Option<Answer> {
    let trimmed = text.trim();
    if let Ok(a) = serde_json::from_str::<Answer>(trimmed) {
        return Some(a);
    }
    // The first '{' that starts a valid JSON object with a command.
    for (i, _) in trimmed.match_indices('{') {
        let mut stream = serde_json::Deserializer::from_str(&trimmed[i..]).into_iter::<Answer>();
        if let Some(Ok(a)) = stream.next() {
            return Some(a);
        }
    }
    let fence = trimmed.find("```")?;
    let after = &trimmed[fence + 3..];
    let body_start = after.find('\n').map(|n| n + 1).unwrap_or(0);
    let body = &after[body_start..];
    let end = body.find("```").unwrap_or(body.len());
    Some(Answer {
        command: body[..end].trim().to_string(),
        explanation: String::new(),
    })
}

impl Engine for Remote {
    fn id(&self) -> EngineId {
        EngineId::Remote
    }

    fn propose(
        &self,
        request: &Request,
        ctx: &Context,
        _limit: usize,
        deadline: Instant,
    ) -> Result<Vec<Candidate>, EngineError> {
        let body = serde_json::to_vec(&self.prompt(request, ctx))
            .map_err(|e| EngineError::Failed(e.to_string()))?;
        let response = self.post("/chat/completions", &body, deadline)?;
        let chat: ChatResponse = serde_json::from_slice(&response).map_err(|e| {
            EngineError::Failed(format!("unexpected response from the server: {e}"))
        })?;
        let text = chat
            .choices
            .first()
            .and_then(|c| c.message.content.clone())
            .unwrap_or_default();
        let Some(answer) = extract_answer(&text) else {
            return Ok(Vec::new());
        };
        let command = answer.command.trim().to_string();
        if command.is_empty() || command.len() > 4096 {
            return Ok(Vec::new());
        }
        Ok(vec![Candidate {
            command,
            explanation: if answer.explanation.trim().is_empty() {
                format!("suggested by {}", self.model)
            } else {
                answer.explanation.trim().replace(['\n', '\r'], " ")
            },
            engine: EngineId::Remote,
            // A model's answer is plausible but unverified: below the KB's confident range,
            // above the display threshold.
            confidence: 0.6,
            recipe: None,
            request_values: Vec::new(),
            risk_hint: None,
        }])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            parse_url("http://localhost:11434/v1/").unwrap(),
            Url {
                tls: false,
                host: "localhost".into(),
                port: 11434,
                base_path: "/v1".into()
            }
        );
        assert_eq!(parse_url("http://gpu-box").unwrap().port, 80);
        let openai = parse_url("https://api.openai.com/v1").unwrap();
        assert!(openai.tls && openai.port == 443 && openai.base_path == "/v1");
        assert!(parse_url("ftp://x").is_err());
        let err = parse_url("http://user:hunter2@host/v1").unwrap_err();
        assert!(!err.contains("hunter2"), "{err}");
        let err = parse_url("https://user:hunter2@host/v1").unwrap_err();
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn curl_config_values_are_quoted_the_way_curl_reads_them() {
        let mut config = String::new();
        curl_option(&mut config, "data-binary", r#"{"a":"say \"hi\"\\n"}"#);
        curl_option(&mut config, "header", "X: tab\there");
        assert_eq!(
            config,
            "data-binary = \"{\\\"a\\\":\\\"say \\\\\\\"hi\\\\\\\"\\\\\\\\n\\\"}\"\n\
             header = \"X: tab\\there\"\n"
        );
    }

    #[test]
    fn curl_output_splits_into_body_and_status() {
        let (body, status) = split_status(b"{\"a\":1}\n200").unwrap();
        assert_eq!((body, status), (&b"{\"a\":1}"[..], 200));
        let (body, status) = split_status(b"line one\nline two\n503").unwrap();
        assert_eq!((body, status), (&b"line one\nline two"[..], 503));
        assert!(split_status(b"no status").is_err());
    }

    #[test]
    fn answers_with_braces_survive() {
        let a = extract_answer(r#"{"command": "awk '{print $1}' access.log | sort | uniq -c", "explanation": "count"}"#).unwrap();
        assert_eq!(a.command, "awk '{print $1}' access.log | sort | uniq -c");
        let a = extract_answer("Sure! ```json\n{\"command\": \"find . -exec rm {} \\\\;\"}\n```")
            .unwrap();
        assert_eq!(a.command, "find . -exec rm {} \\;");
        let a = extract_answer("```bash\nls -la\n```").unwrap();
        assert_eq!(a.command, "ls -la");
        assert!(extract_answer("I cannot help with that.").is_none());
    }

    #[test]
    fn http_bodies() {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"a\":1}";
        assert_eq!(parse_http_response(raw).unwrap(), b"{\"a\":1}");
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n";
        assert_eq!(parse_http_response(raw).unwrap(), b"{\"a\":1}");
        let raw = b"HTTP/1.1 401 Unauthorized\r\n\r\nbad key";
        assert!(
            matches!(parse_http_response(raw), Err(EngineError::Failed(m)) if m.contains("401"))
        );
    }
}
