//! Filtered, lazy access to environment variables.
//!
//! Nothing that looks like a secret ever leaves this module: neither a variable whose *name*
//! says it holds a credential, nor one whose *value* looks like a token or key. Names are
//! compared by word (split on `_`, `-`, `.` and camelCase), so `KEYBOARD_LAYOUT` and `MONKEY`
//! are kept while `OPENAI_API_KEY` and `GH_TOKEN` are dropped.

use std::collections::BTreeMap;

use once_cell::sync::Lazy;
use regex::Regex;

/// Read-only view of the environment that hides secrets.
#[derive(Clone, Debug)]
pub struct EnvView {
    source: Source,
}

#[derive(Clone, Debug)]
enum Source {
    /// Read from the process environment on demand.
    Process,
    /// A fixed set of variables (tests, benches, remote payloads).
    Fixed(BTreeMap<String, String>),
}

impl EnvView {
    pub fn from_process() -> EnvView {
        EnvView {
            source: Source::Process,
        }
    }

    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> EnvView {
        let map = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        EnvView {
            source: Source::Fixed(map),
        }
    }

    /// The raw value, secret or not. Only for caro's own `CARO_*` settings and `PATH`;
    /// everything that may be shown or sent goes through [`EnvView::get`].
    pub fn get_raw(&self, name: &str) -> Option<String> {
        match &self.source {
            Source::Process => std::env::var(name).ok(),
            Source::Fixed(map) => map.get(name).cloned(),
        }
    }

    /// A variable's value, or `None` when it is unset, not UTF-8, or looks like a secret.
    pub fn get(&self, name: &str) -> Option<String> {
        if is_secret_name(name) {
            return None;
        }
        self.get_raw(name).filter(|value| !is_secret_value(value))
    }

    /// All variables that are safe to show, sorted by name.
    pub fn safe_vars(&self) -> Vec<(String, String)> {
        let all: Vec<(String, String)> = match &self.source {
            Source::Process => std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
            Source::Fixed(map) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        };
        let mut safe: Vec<_> = all
            .into_iter()
            .filter(|(k, v)| !is_secret_name(k) && !is_secret_value(v))
            .collect();
        safe.sort();
        safe
    }

    /// Names of all variables, secret ones included (names alone are not secret).
    pub fn names(&self) -> Vec<String> {
        match &self.source {
            Source::Process => std::env::vars_os()
                .filter_map(|(k, _)| k.into_string().ok())
                .collect(),
            Source::Fixed(map) => map.keys().cloned().collect(),
        }
    }
}

/// Words that mark a credential when they appear as a whole word of a variable name.
/// Whole words, never substrings: `KEY` drops `AWS_ACCESS_KEY_ID` but keeps `MONKEY` and
/// `KEYBOARD_LAYOUT`.
const SECRET_WORDS: &[&str] = &[
    "TOKEN",
    "TOKENS",
    "KEY",
    "KEYS",
    "APIKEY",
    "SECRET",
    "SECRETS",
    "PASSWORD",
    "PASSWORDS",
    "PASSWD",
    "PASS",
    "SSHPASS",
    "PASSPHRASE",
    "CREDENTIAL",
    "CREDENTIALS",
    "CREDS",
    "AUTH",
    "PRIVATE",
    "COOKIE",
    "SESSION",
    "SIGNATURE",
    "SALT",
    "PAT",
    "DSN",
    "JWT",
    "HMAC",
    "TOTP",
    // Azure shared access signatures.
    "SAS",
    // Slack/Discord/Teams webhook URLs carry their secret in the path.
    "WEBHOOK",
    "BEARER",
];

/// Glued compounds (`GITHUBTOKEN`, `STRIPEAPIKEY`, `AZURESTORAGEACCOUNTKEY`): a word that
/// ends with one of these. `KEY` alone is not here, so `MONKEY` and `TURKEY` stay.
const SECRET_SUFFIXES: &[&str] = &[
    "TOKEN",
    "APIKEY",
    "ACCESSKEY",
    "ACCOUNTKEY",
    "PRIVATEKEY",
    "SECRETKEY",
    "AUTHKEY",
    "MASTERKEY",
    "SIGNINGKEY",
    "ENCRYPTIONKEY",
    "LICENSEKEY",
    "PASSPHRASE",
    "CREDENTIALS",
];

/// Names that contain a secret-looking word but are well known to be harmless.
const SAFE_NAMES: &[&str] = &[
    "SSH_AUTH_SOCK",
    "GPG_AGENT_INFO",
    "XDG_SESSION_TYPE",
    "XDG_SESSION_ID",
    "XDG_SESSION_CLASS",
    "XDG_SESSION_DESKTOP",
    "XDG_SESSION_PATH",
    "DESKTOP_SESSION",
    "TERM_SESSION_ID",
    "DBUS_SESSION_BUS_ADDRESS",
    "SESSION_MANAGER",
    "TMUX_PANE",
    "KEYTIMEOUT",
];

/// Whether a variable name says it holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    // Upper-cased on the stack: this runs for every variable when the whole environment is
    // listed, and allocating per name and per word was most of that cost.
    let mut buf = [0u8; 256];
    let heap;
    let upper: &[u8] = if name.len() <= buf.len() {
        let upper = &mut buf[..name.len()];
        upper.copy_from_slice(name.as_bytes());
        upper.make_ascii_uppercase();
        upper
    } else {
        heap = name.to_ascii_uppercase();
        heap.as_bytes()
    };
    if SAFE_NAMES.iter().any(|safe| safe.as_bytes() == upper) {
        return false;
    }
    // Substrings that are never part of a harmless word.
    const ALWAYS: [&[u8]; 5] = [
        b"SECRET",
        b"PASSWORD",
        b"PASSWD",
        b"CONNECTION_STRING",
        b"CONNECTIONSTRING",
    ];
    // One pass: a needle is only compared where its first letter occurs.
    let always = upper.iter().enumerate().any(|(i, &b)| {
        matches!(b, b'S' | b'P' | b'C')
            && ALWAYS
                .iter()
                .any(|needle| needle[0] == b && upper[i..].starts_with(needle))
    });
    if always {
        return true;
    }
    let mut words = 0;
    let mut has_pwd = false;
    let mut secret_word = false;
    for_each_word(name.as_bytes(), |range| {
        let word = &upper[range];
        words += 1;
        has_pwd |= word == b"PWD";
        secret_word = is_secret_word(word);
        !secret_word
    });
    // `PWD`/`OLDPWD` are directories, but `MYSQL_PWD` is MySQL's password variable.
    secret_word || (has_pwd && words > 1)
}

/// An upper-cased word that marks a credential, alone or as the end of a glued compound.
fn is_secret_word(word: &[u8]) -> bool {
    // The last letters any entry can end with: most words are rejected by this table
    // without a single comparison.
    static LAST: Lazy<[bool; 256]> = Lazy::new(|| {
        let mut last = [false; 256];
        for w in SECRET_WORDS.iter().chain(SECRET_SUFFIXES) {
            last[*w.as_bytes().last().expect("non-empty entry") as usize] = true;
        }
        last
    });
    match word.last() {
        Some(&b) if LAST[b as usize] => {
            SECRET_WORDS.iter().any(|w| w.as_bytes() == word)
                || SECRET_SUFFIXES.iter().any(|s| word.ends_with(s.as_bytes()))
        }
        _ => false,
    }
}

/// Call `visit` with the byte range of each word of an identifier (split on anything that is
/// not an ASCII letter or digit, and before an upper-case letter that follows a lower-case
/// letter or digit: `openaiApiKey` → `openai`, `Api`, `Key`). Stops when `visit` returns
/// false.
fn for_each_word(name: &[u8], mut visit: impl FnMut(std::ops::Range<usize>) -> bool) {
    let mut start: Option<usize> = None;
    let mut prev_lower = false;
    for (i, &b) in name.iter().enumerate() {
        if !b.is_ascii_alphanumeric() {
            if let Some(s) = start.take() {
                if !visit(s..i) {
                    return;
                }
            }
            prev_lower = false;
            continue;
        }
        if b.is_ascii_uppercase() && prev_lower {
            if let Some(s) = start.take() {
                if !visit(s..i) {
                    return;
                }
            }
        }
        start.get_or_insert(i);
        prev_lower = b.is_ascii_lowercase() || b.is_ascii_digit();
    }
    if let Some(s) = start {
        visit(s..name.len());
    }
}

/// Split an identifier into upper-case words: `openaiApiKey` → `OPENAI`, `API`, `KEY`.
#[cfg(test)]
fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    for_each_word(name.as_bytes(), |range| {
        words.push(name[range].to_ascii_uppercase());
        true
    });
    words
}

static SECRET_VALUE_PATTERNS: Lazy<Regex> = Lazy::new(|| {
    // ASCII word boundaries: every token format here is ASCII, and Unicode `\b` would keep
    // the regex engine off its fast path for every variable. Compiling this costs ~5 M
    // instructions, so [`may_hold_token`] keeps ordinary values (HOME, PATH) from ever
    // needing it.
    Regex::new(concat!(
        r"(?x)",
        r"-----BEGIN[\ A-Z]*PRIVATE\ KEY-----",
        r#"|"private_key"\s*:"#,
        r"|(?-u:\b)AGE-SECRET-KEY-1[0-9A-Z]{20,}",
        // GitHub, GitLab, npm, PyPI, Hugging Face.
        r"|(?-u:\b)(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}",
        r"|(?-u:\b)github_pat_[A-Za-z0-9_]{20,}",
        r"|(?-u:\b)glpat-[A-Za-z0-9_-]{16,}",
        r"|(?-u:\b)npm_[A-Za-z0-9]{30,}",
        r"|(?-u:\b)pypi-[A-Za-z0-9_-]{40,}",
        r"|(?-u:\b)hf_[A-Za-z0-9]{30,}",
        // OpenAI / Anthropic, Stripe, Slack, SendGrid, Vault, DigitalOcean, Shopify.
        r"|(?-u:\b)sk-(?:proj-|ant-)?[A-Za-z0-9_-]{16,}",
        r"|(?-u:\b)(?:[rs]k|whsec)_(?:live_|test_)?[A-Za-z0-9]{16,}",
        r"|(?-u:\b)xox[abprs]-[A-Za-z0-9-]{10,}",
        r"|(?-u:\b)SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}",
        r"|(?-u:\b)hv[sb]\.[A-Za-z0-9_-]{20,}",
        r"|(?-u:\b)dop_v1_[a-f0-9]{40,}",
        r"|(?-u:\b)shp(?:at|ss|ca)_[a-fA-F0-9]{32}",
        // AWS access key ids.
        r"|(?-u:\b)(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}(?-u:\b)",
        // Google: API keys, OAuth access and refresh tokens.
        r"|(?-u:\b)AIza[0-9A-Za-z_-]{30,}",
        r"|(?-u:\b)ya29\.[0-9A-Za-z_-]{20,}",
        r"|(?-u:\b)1//0[0-9A-Za-z_-]{20,}",
        // Azure AD client secrets (`abc8Q~…`) and SAS signatures.
        r"|(?-u:\b)[A-Za-z0-9_.-]{3}[0-9]Q~[A-Za-z0-9_.~-]{31,34}",
        r"|[?&]sig=[A-Za-z0-9%+/=]{16,}",
        // JSON web tokens.
        r"|(?-u:\b)eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        // Webhook URLs whose path is the secret.
        r"|hooks\.slack\.com/services/|discord(?:app)?\.com/api/webhooks/",
        // Credentials embedded in a URL: scheme://user:password@host
        r"|[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:[^/\s@]+@",
        // Authorization header values.
        r"|(?-u:\b)(?:Bearer|Basic)\ [A-Za-z0-9._~+/=-]{16,}",
        // key=value credentials in connection strings and query strings.
        r"|(?i:AccountKey|SharedAccessKey|password|passwd|pwd|secret|token|api_?key|access_?key)=[^;&\s]{4,}",
    ))
    .expect("secret value regex")
});

/// Whether a value looks like a credential: a known token format, a key block, a URL with a
/// password, or a long high-entropy string.
pub fn is_secret_value(value: &str) -> bool {
    if value.len() < 16 {
        return false;
    }
    if may_hold_token(value) && SECRET_VALUE_PATTERNS.is_match(value) {
        return true;
    }
    looks_like_aws_secret_key(value) || looks_random(value)
}

/// Whether `value` contains a literal that some alternative of [`SECRET_VALUE_PATTERNS`]
/// requires: a cheap scan that spares ordinary values the regex (and its compilation).
/// Every alternative must be represented here (`every_token_pattern_has_its_literal` checks
/// one example of each).
fn may_hold_token(value: &str) -> bool {
    const LITERALS: &[&str] = &[
        "-----BEGIN",
        "\"private_key\"",
        "AGE-SECRET-KEY-1",
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        "github_pat_",
        "glpat-",
        "npm_",
        "pypi-",
        "hf_",
        "sk-",
        "sk_",
        "rk_",
        "whsec_",
        "xox",
        "SG.",
        "hvs.",
        "hvb.",
        "dop_v1_",
        "shpat_",
        "shpss_",
        "shpca_",
        "AKIA",
        "ASIA",
        "ABIA",
        "ACCA",
        "AIza",
        "ya29.",
        "1//0",
        "Q~",
        "sig=",
        "hooks.slack.com/services/",
        "discord.com/api/webhooks/",
        "discordapp.com/api/webhooks/",
        "eyJ",
        "Bearer ",
        "Basic ",
    ];
    const KEYWORDS: &[&str] = &[
        "accountkey",
        "sharedaccesskey",
        "password",
        "passwd",
        "pwd",
        "secret",
        "token",
        "apikey",
        "api_key",
        "accesskey",
        "access_key",
    ];
    if LITERALS.iter().any(|l| value.contains(l)) {
        return true;
    }
    if value.contains("://") && value.contains('@') {
        return true;
    }
    value.contains('=') && {
        let lower = value.to_ascii_lowercase();
        KEYWORDS.iter().any(|k| lower.contains(k))
    }
}

/// AWS secret access keys: exactly 40 characters of base64 without padding. They may contain
/// `/`, which [`looks_random`] rejects to keep paths out, so they need their own test: mixed
/// case, digits, and an entropy that directory names do not reach (a 40-character path such
/// as `/home/alice/Documents/Project2024/Archive` scores about 4.2, a real key about 4.6).
fn looks_like_aws_secret_key(value: &str) -> bool {
    value.len() == 40
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+')
        && value.bytes().any(|b| b.is_ascii_uppercase())
        && value.bytes().any(|b| b.is_ascii_lowercase())
        && value.bytes().any(|b| b.is_ascii_digit())
        && entropy(value) >= 4.4
}

/// Shannon entropy in bits per byte.
fn entropy(value: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in value.bytes() {
        counts[b as usize] += 1;
    }
    let n = value.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Long runs of base64/hex-ish characters with letters *and* digits and high entropy.
/// Paths and sentences fail this test (they contain `/` or spaces, or repeat characters).
fn looks_random(value: &str) -> bool {
    if value.len() < 32 || value.len() > 4096 {
        return false;
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '=' | '_' | '-');
    if !value.chars().all(allowed) {
        return false;
    }
    let has_digit = value.chars().any(|c| c.is_ascii_digit());
    let has_alpha = value.chars().any(|c| c.is_ascii_alphabetic());
    if !(has_digit && has_alpha) {
        return false;
    }
    entropy(value) >= 3.8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_dropped() {
        for name in [
            "OPENAI_API_KEY",
            "GITHUB_TOKEN",
            "GH_TOKEN",
            "NPM_TOKEN",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "AZURE_CLIENT_SECRET",
            "AZURE_STORAGE_CONNECTION_STRING",
            "DB_PASSWORD",
            "MYSQL_PWD_HASH",
            "PGPASSWORD",
            "CLIENTSECRET",
            "openaiApiKey",
            "stripe-api-key",
            "SLACKBOTTOKEN",
            "PRIVATE_KEY",
            "SENTRY_DSN",
            "HTTP_AUTH",
            "VAULT_PASS",
            "ARM_CLIENT_SECRET",
            // AWS
            "AWS_SECRET_KEY",
            "AWS_SECURITY_TOKEN",
            "AWSSECRETACCESSKEY",
            // GCP
            "GOOGLE_API_KEY",
            "GOOGLE_CREDENTIALS",
            "CLOUDSDK_AUTH_ACCESS_TOKEN",
            "GOOGLE_OAUTH_ACCESS_TOKEN",
            // Azure
            "AZURE_STORAGE_KEY",
            "AZURE_STORAGE_ACCOUNT_KEY",
            "AZURE_STORAGE_SAS_TOKEN",
            "AZURE_STORAGE_SAS",
            "AZURE_DEVOPS_EXT_PAT",
            "ARM_ACCESS_KEY",
            "AZURE_CLIENT_CERTIFICATE_PASSWORD",
            "azureStorageAccountKey",
            // Everything else
            "HF_TOKEN",
            "HUGGING_FACE_HUB_TOKEN",
            "VAULT_TOKEN",
            "TWILIO_AUTH_TOKEN",
            "NPM_CONFIG__AUTH",
            "DOCKER_AUTH_CONFIG",
            "SLACK_WEBHOOK_URL",
            "JWT",
            "APP_JWT",
            "SSHPASS",
            "OP_SESSION_my",
            "ENCRYPTION_KEY",
            "MASTERKEY",
            "XAuthToken",
        ] {
            assert!(is_secret_name(name), "{name} should be secret");
        }
    }

    #[test]
    fn harmless_names_are_kept() {
        for name in [
            "KEYBOARD_LAYOUT",
            "MONKEY",
            "PATH",
            "HOME",
            "PWD",
            "OLDPWD",
            "TOKENIZERS_PARALLELISM",
            "SSH_AUTH_SOCK",
            "XDG_SESSION_TYPE",
            "EDITOR",
            "LANG",
            "TERM",
            "KEYTIMEOUT",
            "PASSENGER_ROOT",
            "AUTHOR_NAME",
            "DONKEY_KONG",
            "SHELL",
            "AWS_REGION",
            "AWS_PROFILE",
            "AWS_DEFAULT_REGION",
            "AZURE_SUBSCRIPTION_ID",
            "CLOUDSDK_CORE_PROJECT",
            "DESKTOP_SESSION",
            "TERM_SESSION_ID",
            "TURKEY",
            "HOCKEY_TEAM",
            "KEYMAP",
            "GIT_ASKPASS",
            "SSH_ASKPASS",
            "PGPASSFILE",
            "OTP_VERSION",
            "COMPASS_HOME",
            "PATHEXT",
            "LS_COLORS",
        ] {
            assert!(!is_secret_name(name), "{name} should be kept");
        }
    }

    #[test]
    fn secret_values_are_dropped() {
        for value in [
            "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
            "sk-proj-abcdefghijklmnop1234567890",
            "AKIAIOSFODNN7EXAMPLE",
            "postgres://admin:hunter2hunter2@db.internal:5432/app",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nabc",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "q8Zr3LmN0vX7pT2kW9sY4bH6jD1fG5cA",
            "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abcd1234efgh==",
            // AWS secret access key (the documentation example)
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "ASIAY34FZKBOKMUTVV7A",
            // GCP: OAuth access token, refresh token, service-account JSON
            "ya29.a0AfH6SMBx3v9Kq2Lr8Zt7Yw1Pn4Xs6",
            "1//0gLqWx7Zr3Kp9Tm2Yv8Bn5Cx1Dq4Ef",
            r#"{"type": "service_account", "private_key": "x"}"#,
            // Azure: client secret, SAS query string
            "abc8Q~Zr3LmN0vX7pT2kW9sY4bH6jD1fG5cAq",
            "https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&sig=Zr3LmN0vX7pT2kW9sY4bH6jD%3D",
            // Other common formats
            "hf_abcdefghijklmnopqrstuvwxyz0123456",
            "xoxb-1234567890-abcdefghij",
            "glpat-abcdefghij0123456789",
            "whsec_abcdefghijklmnop12345678",
            "hvs.CAESIJ3Zr3LmN0vX7pT2kW9sY4bH6",
            "SG.abcdefghijklmnop1234.qrstuvwxyz0123456789",
            "https://hooks.slack.com/services/T000/B000/XXXX",
            "Bearer abcdefghijklmnop123456",
            "https://api.example.com/v1?api_key=abcd1234",
        ] {
            assert!(is_secret_value(value), "{value} should be secret");
        }
    }

    #[test]
    fn every_token_pattern_has_its_literal() {
        // One example per alternative of SECRET_VALUE_PATTERNS, in its order.
        for value in [
            "-----BEGIN RSA PRIVATE KEY-----",
            r#"{"private_key": "x"}"#,
            "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQ",
            "ghs_abcdefghijklmnopqrstuvwxyz",
            "github_pat_abcdefghijklmnopqrstuvwxyz",
            "glpat-abcdefghij0123456789",
            "npm_abcdefghijklmnopqrstuvwxyz0123456789",
            "pypi-abcdefghijklmnopqrstuvwxyz0123456789abcdefgh",
            "hf_abcdefghijklmnopqrstuvwxyz0123456",
            "sk-ant-abcdefghijklmnop1234",
            "rk_live_abcdefghijklmnop1234",
            "xoxp-1234567890-abcdefghij",
            "SG.abcdefghijklmnop1234.qrstuvwxyz0123456789",
            "hvb.abcdefghijklmnopqrstuvwxyz",
            "dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef",
            "shpat_0123456789abcdef0123456789abcdef",
            "ABIAIOSFODNN7EXAMPLE",
            "AIzaSyA1234567890abcdefghijklmnopqrstu",
            "ya29.a0AfH6SMBx3v9Kq2Lr8Zt7Yw1Pn4Xs6",
            "1//0gLqWx7Zr3Kp9Tm2Yv8Bn5Cx1Dq4Ef",
            "abc8Q~Zr3LmN0vX7pT2kW9sY4bH6jD1fG5cAq",
            "https://x.net/c?sv=1&sig=Zr3LmN0vX7pT2kW9sY4bH6jD",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w",
            "https://discord.com/api/webhooks/123/abc",
            "https://deploy:s3cr3tpass@git.example.com/repo.git",
            "Basic dXNlcjpwYXNzd29yZDEyMzQ1Njc4",
            "Server=db;User Id=sa;Password=hunter22;",
        ] {
            assert!(
                SECRET_VALUE_PATTERNS.is_match(value),
                "{value} should match a token pattern"
            );
            assert!(may_hold_token(value), "the pre-check misses {value}");
            assert!(is_secret_value(value), "{value} should be secret");
        }
        // Ordinary long values never reach the regex.
        for value in [
            "/home/a-rather-long-user-name",
            "/usr/local/bin:/usr/bin:/bin",
        ] {
            assert!(!may_hold_token(value), "{value}");
        }
    }

    #[test]
    fn ordinary_values_are_kept() {
        for value in [
            "/usr/local/bin:/usr/bin:/bin",
            "en_US.UTF-8",
            "xterm-256color",
            "/home/alice/projects/caro",
            "https://example.com/path/to/thing",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "this is just a sentence with words",
            // 40 characters of the AWS-secret alphabet, but a path.
            "/home/alice/Documents/Project2024/Archiv",
            "/usr/local/Cellar/python3/3.12.4/Frameworks",
            "di=01;34:ln=01;36:so=01;35:pi=40;33:ex=01;32:bd=40;33;01",
            "https://example.com/search?q=tokens&page=2",
            "Mozilla/5.0 (X11; Linux x86_64)",
        ] {
            assert!(!is_secret_value(value), "{value} should be kept");
        }
    }

    #[test]
    fn view_filters_both_ways() {
        let env = EnvView::from_pairs([
            ("GITHUB_TOKEN", "abc"),
            ("NOTES", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            ("EDITOR", "nvim"),
        ]);
        assert_eq!(env.get("GITHUB_TOKEN"), None);
        assert_eq!(env.get("NOTES"), None);
        assert_eq!(env.get("EDITOR").as_deref(), Some("nvim"));
        assert_eq!(env.get_raw("GITHUB_TOKEN").as_deref(), Some("abc"));
        let safe = env.safe_vars();
        assert_eq!(safe, vec![("EDITOR".to_string(), "nvim".to_string())]);
    }

    #[test]
    fn the_last_letter_filter_admits_every_secret_word() {
        for word in SECRET_WORDS.iter().chain(SECRET_SUFFIXES) {
            assert!(is_secret_word(word.as_bytes()), "{word}");
        }
    }

    #[test]
    fn splits_camel_case() {
        assert_eq!(split_words("openaiApiKey"), ["OPENAI", "API", "KEY"]);
        assert_eq!(
            split_words("AWS_ACCESS_KEY_ID"),
            ["AWS", "ACCESS", "KEY", "ID"]
        );
        assert_eq!(split_words("__x2Go-é.TOKEN"), ["X2", "GO", "TOKEN"]);
        assert!(split_words("").is_empty());
        let long = format!("{}_TOKEN", "A".repeat(300));
        assert!(is_secret_name(&long), "names longer than the stack buffer");
    }
}
