//! `caro suggest`: request in, one validated command out.

use std::ffi::OsString;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;

use clap::Args;

use crate::config::{Config, EngineChoice, Format, SafetyLevel};
use crate::context::{Context, Os, Shell};
use crate::engine::{self, Options};
use crate::exit::{CliError, Exit};
use crate::output::{self, widget, Status};
use crate::request::{validate_input, Request, MAX_REQUEST_BYTES};

#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// What you want to do, in plain words (`-` reads it from stdin)
    #[arg(
        value_name = "REQUEST",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub request: Vec<OsString>,

    /// Target shell [default: detected from $SHELL]
    #[arg(long, value_enum)]
    pub shell: Option<Shell>,

    /// Target OS [default: this machine's]
    #[arg(long, value_enum)]
    pub os: Option<Os>,

    /// Number of ranked candidates [default: config `count`, 3]
    #[arg(short = 'n', long, value_parser = clap::value_parser!(u16).range(1..=20))]
    pub count: Option<u16>,

    /// Output format [default: config `format`, plain]
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Also print a one-line explanation (stderr in plain format)
    #[arg(long)]
    pub explain: bool,

    /// Engine to use [default: config `engine`, auto]
    #[arg(long, value_enum)]
    pub engine: Option<EngineChoice>,

    /// Safety level [default: config `safety.level`, moderate]
    #[arg(long, value_enum)]
    pub safety: Option<SafetyLevel>,

    /// Draw a progress indicator on the terminal when the answer takes a while
    /// (used by the shell widgets)
    #[arg(long)]
    pub progress: bool,
}

pub fn run(args: SuggestArgs) -> Result<Exit, CliError> {
    // First, so that Ctrl-C at any later point exits 130 with the progress indicator erased
    // (the erase is a no-op while nothing is drawn).
    if let Err(e) = crate::signal::install(crate::progress::erase_from_signal_handler) {
        crate::log::warn(&e);
    }
    let loaded = Config::load();
    let mut config = loaded.config.clone();
    apply_cli(&mut config, &args);
    let format = config.format;

    let text = match read_request(&args.request) {
        Ok(text) => text,
        Err(message) => return fail(format, Exit::Usage, &message),
    };
    if format != Format::Widget {
        super::report_config_diagnostics(&loaded);
    }

    let _progress = args
        .progress
        .then(|| crate::progress::Progress::start(config.shell.progress_delay_ms));

    let ctx = Context::capture(args.os, args.shell);
    let request = Request::new(&text);
    let opts = Options {
        config: &config,
        engine: config.engine,
        count: config.count,
    };
    let suggestion = engine::suggest(&request, &ctx, &opts);
    crate::log::debug(&format!(
        "suggest: {} candidate(s) in {:.2} ms via {:?}",
        suggestion.candidates.len(),
        suggestion.elapsed_ms,
        suggestion.engines
    ));
    drop(_progress);

    let status = match format {
        Format::Plain => {
            let (stdout, stderr, status) = output::plain(&suggestion, config.explain);
            super::write_stdout(&stdout)?;
            for line in stderr {
                eprintln!("{line}");
            }
            status
        }
        Format::Json => {
            let (text, status) = output::json(&suggestion, &request.raw, ctx.shell, ctx.os);
            super::write_stdout(&text)?;
            status
        }
        Format::Widget => {
            let (text, status) = widget::render(&suggestion);
            super::write_stdout(&text)?;
            status
        }
    };
    Ok(status.exit())
}

/// CLI flags win over env and file.
fn apply_cli(config: &mut Config, args: &SuggestArgs) {
    if let Some(n) = args.count {
        config.count = n as usize;
    }
    if let Some(f) = args.format {
        config.format = f;
    }
    if let Some(e) = args.engine {
        config.engine = e;
    }
    if let Some(s) = args.safety {
        config.safety.level = s;
    }
    if args.explain {
        config.explain = true;
    }
}

/// Report a failure in the requested format, with its exit code.
fn fail(format: Format, exit: Exit, message: &str) -> Result<Exit, CliError> {
    match format {
        Format::Widget => {
            super::write_stdout(&widget::render_status(Status::Error, message))?;
            eprintln!("caro: {message}");
        }
        Format::Json => {
            super::write_stdout(&output::json_error(message))?;
            eprintln!("caro: {message}");
        }
        Format::Plain => eprintln!("caro: {message}"),
    }
    Ok(exit)
}

/// The request from argv words or stdin, validated.
fn read_request(words: &[OsString]) -> Result<String, String> {
    let bytes = if words.len() == 1 && words[0] == "-" {
        let mut buf = Vec::new();
        // Read one byte more than allowed so an oversized request is reported, not cut.
        std::io::stdin()
            .lock()
            .take(MAX_REQUEST_BYTES as u64 + 1)
            .read_to_end(&mut buf)
            .map_err(|e| format!("could not read the request from stdin: {e}"))?;
        if buf.len() > MAX_REQUEST_BYTES {
            // Only MAX+1 bytes were read, so the real size is unknown: say "longer than".
            return Err(format!(
                "the request on stdin is longer than {MAX_REQUEST_BYTES} bytes: describe the task in a sentence or two"
            ));
        }
        buf
    } else if words.is_empty() {
        return Err(
            "no request given: try `caro suggest find pdfs over 10mb` (or `-` to read stdin)"
                .into(),
        );
    } else {
        let mut buf = Vec::new();
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                buf.push(b' ');
            }
            buf.extend_from_slice(w.as_bytes());
        }
        buf
    };
    validate_input(&bytes).map_err(|e| e.to_string())
}
