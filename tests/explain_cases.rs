//! What `caro explain` says about each part of a command, across families: combined flags,
//! option values, GNU/BSD differences, pipelines and lists, wrappers, substitutions,
//! redirections, subcommands, aliases, fish, and things it does not know.
//!
//! Each case explains one command for a target and checks parts by their text: the kind,
//! the option looked up, its value, and words its meaning must (or must not) contain.

use caro::context::{Os, Shell};
use caro::explain::{explain, one_line, Explanation, Part, PartKind, Relation, Step, Target};

fn target(os: Os, shell: Shell) -> Target {
    Target {
        shell,
        os,
        flavour: os.default_flavour(),
    }
}

fn linux() -> Target {
    target(Os::Linux, Shell::Bash)
}

fn macos() -> Target {
    target(Os::Macos, Shell::Bash)
}

fn run(command: &str, t: Target) -> Explanation {
    explain(command, t).unwrap_or_else(|e| panic!("{command}: {e}"))
}

/// Every part of every step, flag groups' own flags included, with its step.
fn all_parts(e: &Explanation) -> Vec<(&Step, &Part)> {
    let mut out = Vec::new();
    for s in &e.commands {
        for p in &s.parts {
            out.push((s, p));
            for sub in &p.parts {
                out.push((s, sub));
            }
        }
    }
    out
}

fn part<'e>(e: &'e Explanation, text: &str) -> &'e Part {
    all_parts(e)
        .into_iter()
        .map(|(_, p)| p)
        .find(|p| p.text == text)
        .unwrap_or_else(|| panic!("no part {text:?} in {:#?}", texts(e)))
}

fn texts(e: &Explanation) -> Vec<String> {
    all_parts(e).iter().map(|(_, p)| p.text.clone()).collect()
}

fn meaning(p: &Part) -> &str {
    p.meaning.as_deref().unwrap_or("")
}

/// One expectation about one part.
struct Expect {
    text: &'static str,
    kind: Option<PartKind>,
    flag: Option<&'static str>,
    value: Option<&'static str>,
    /// Words the meaning contains.
    says: &'static [&'static str],
    known: bool,
    unavailable: bool,
    /// Words the note contains.
    note: &'static [&'static str],
}

const fn expect(text: &'static str, says: &'static [&'static str]) -> Expect {
    Expect {
        text,
        kind: None,
        flag: None,
        value: None,
        says,
        known: true,
        unavailable: false,
        note: &[],
    }
}

impl Expect {
    const fn kind(mut self, k: PartKind) -> Self {
        self.kind = Some(k);
        self
    }
    const fn flag(mut self, f: &'static str) -> Self {
        self.flag = Some(f);
        self
    }
    const fn value(mut self, v: &'static str) -> Self {
        self.value = Some(v);
        self
    }
    const fn unknown(mut self) -> Self {
        self.known = false;
        self
    }
    const fn unavailable(mut self, note: &'static [&'static str]) -> Self {
        self.unavailable = true;
        self.note = note;
        self
    }
    const fn note(mut self, note: &'static [&'static str]) -> Self {
        self.note = note;
        self
    }
}

fn check(command: &str, t: Target, expects: &[Expect]) {
    let e = run(command, t);
    for x in expects {
        let p = part(&e, x.text);
        let ctx = format!("{command} / {:?}: {p:#?}", x.text);
        assert_eq!(p.known, x.known, "known: {ctx}");
        if !x.known {
            assert!(
                p.meaning.is_none() || p.kind == PartKind::Command,
                "invented: {ctx}"
            );
        }
        if let Some(k) = x.kind {
            assert_eq!(p.kind, k, "kind: {ctx}");
        }
        if let Some(f) = x.flag {
            assert_eq!(p.flag.as_deref(), Some(f), "flag: {ctx}");
        }
        if let Some(v) = x.value {
            assert_eq!(p.value.as_deref(), Some(v), "value: {ctx}");
        }
        for w in x.says {
            assert!(meaning(p).contains(w), "meaning lacks {w:?}: {ctx}");
        }
        assert_eq!(p.unavailable, x.unavailable, "unavailable: {ctx}");
        for w in x.note {
            let note = p.note.as_deref().unwrap_or("");
            assert!(note.contains(w), "note lacks {w:?}: {ctx}");
        }
    }
}

#[test]
fn combined_short_flags() {
    use PartKind::*;
    check(
        "rm -rf build",
        linux(),
        &[
            expect("-rf", &["-r:", "-f:"]).kind(Flags),
            expect("-r", &["recursively"]).flag("-r"),
            expect("-f", &["never ask"]).flag("-f"),
            expect("build", &["remove"]).kind(Operand),
        ],
    );
    check(
        "ss -tlnp",
        linux(),
        &[
            expect("-t", &["TCP"]),
            expect("-l", &["listening"]),
            expect("-n", &["numbers"]),
            expect("-p", &["process"]),
        ],
    );
    // The last flag of a group takes the next word as its value.
    check(
        "tar -czf out.tgz src",
        linux(),
        &[
            expect("-czf out.tgz", &["-c: create", "-f out.tgz"]).kind(Flags),
            expect("-f out.tgz", &["the archive file is out.tgz"])
                .flag("-f")
                .value("out.tgz"),
            expect("src", &["to add"]).kind(Operand),
        ],
    );
    // Old-style tar flags without a dash.
    check(
        "tar xzf backup.tar.gz",
        linux(),
        &[
            expect("xzf backup.tar.gz", &["extract"]).kind(Flags),
            expect("f backup.tar.gz", &["backup.tar.gz"]).value("backup.tar.gz"),
        ],
    );
    check(
        "ps aux",
        linux(),
        &[
            expect("a", &["all users"]),
            expect("u", &["user-oriented"]),
            expect("x", &["without a terminal"]),
        ],
    );
}

#[test]
fn option_values_in_every_spelling() {
    for cmd in [
        "tail -n 5 app.log",
        "tail -n5 app.log",
        "tail --lines=5 app.log",
    ] {
        let e = run(cmd, linux());
        let opt = all_parts(&e)
            .into_iter()
            .map(|(_, p)| p)
            .find(|p| p.kind == PartKind::Option)
            .unwrap();
        assert_eq!(opt.value.as_deref(), Some("5"), "{cmd}: {opt:#?}");
        assert_eq!(meaning(opt), "print the last 5 lines", "{cmd}");
        assert_eq!(part(&e, "app.log").kind, PartKind::Operand, "{cmd}");
    }
    check(
        "head -20 notes.txt",
        linux(),
        &[expect("-20", &["first 20 lines"]).value("20")],
    );
    // A sign changes what the count means.
    check(
        "tail -n +2 data.csv",
        linux(),
        &[expect("-n +2", &["print from line 2 on"])],
    );
    check(
        "head -n -3 data.csv",
        linux(),
        &[expect("-n -3", &["all but the last 3 lines"])],
    );
    check(
        "jq --arg name Ada '.users[] | select(.name == $name)' users.json",
        linux(),
        &[
            expect("--arg name Ada", &["set $name to the string Ada"]).value("name Ada"),
            expect("users.json", &["JSON file"]),
        ],
    );
    check(
        "dd if=/dev/zero of=disk.img bs=1M count=100 status=progress",
        linux(),
        &[
            expect("if=/dev/zero", &["read from /dev/zero"]).value("/dev/zero"),
            expect("of=disk.img", &["write to disk.img"]),
            expect("status=progress", &["progress while copying"]),
        ],
    );
    // A value computed at run time is still the option's value.
    check(
        "make -j\"$(nproc)\"",
        linux(),
        &[
            expect("-j\"$(nproc)\"", &["run \"$(nproc)\" jobs in parallel"])
                .flag("-j")
                .value("\"$(nproc)\""),
        ],
    );
}

#[test]
fn values_described_by_caro() {
    check(
        "kill -9 4242",
        linux(),
        &[expect("-9", &["SIGKILL", "cannot be caught"])],
    );
    check("kill -TERM 4242", linux(), &[expect("-TERM", &["SIGTERM"])]);
    check(
        "chmod 750 deploy.sh",
        linux(),
        &[expect("750", &["rwxr-x---"]).kind(PartKind::Operand)],
    );
    check(
        "chmod u+x run.sh",
        linux(),
        &[expect("u+x", &["owner: add execute"])],
    );
    check(
        "find . -mtime +7 -size -10k",
        linux(),
        &[
            expect("-mtime +7", &["more than 7 days ago"]),
            expect("-size -10k", &["less than 10k"]),
        ],
    );
    check(
        "find . -type d",
        linux(),
        &[expect("-type d", &["(directory)"]).value("d")],
    );
    check(
        "date +%Y-%m-%d",
        linux(),
        &[expect("+%Y-%m-%d", &["%Y year", "%m month", "%d day"])],
    );
}

#[test]
fn gnu_and_bsd_differences() {
    // The same flag, two meanings: the target's first, the other in the note.
    check(
        "ls -G",
        linux(),
        &[expect("-G", &["leave out the group"]).note(&["BSD (macOS)", "colour"])],
    );
    check(
        "ls -G",
        macos(),
        &[expect("-G", &["colour the output"]).note(&["GNU (Linux)", "group"])],
    );
    check(
        "sed -i.bak 's/a/b/' notes.txt",
        linux(),
        &[expect("-i.bak", &["in place", "suffix .bak"]).value(".bak")],
    );
    check(
        "sed -i '' 's/a/b/' notes.txt",
        macos(),
        &[expect("-i ''", &["in place", "'' keeps no backup"]).value("''")],
    );
    // GNU sed reads '' as the script: it is an operand there, not -i's value.
    check(
        "sed -i '' notes.txt",
        linux(),
        &[expect("''", &["sed script"]).kind(PartKind::Operand)],
    );
    // Flags one flavour lacks are marked, with what they mean where they exist.
    check(
        "date -d yesterday +%F",
        macos(),
        &[expect("-d yesterday", &["yesterday"]).unavailable(&["GNU (Linux) only"])],
    );
    check(
        "stat -c %s file.bin",
        macos(),
        &[expect("-c %s", &["%s"]).unavailable(&["GNU (Linux) only"])],
    );
    check(
        "stat -f %z file.bin",
        macos(),
        &[expect("-f %z", &["%z size"]).value("%z")],
    );
    // GNU long options on a BSD command.
    check(
        "rm --recursive old",
        macos(),
        &[expect("--recursive", &["recursively"]).unavailable(&["GNU (Linux) only"])],
    );
    check(
        "grep -P '\\d+' log.txt",
        macos(),
        &[expect("-P", &["Perl"]).unavailable(&["GNU (Linux) only"])],
    );
    check(
        "tail -r notes.txt",
        macos(),
        &[expect("-r", &["reverse order"])],
    );
}

#[test]
fn pipelines_and_lists_keep_their_order_and_connectors() {
    let e = run(
        "ps aux | grep -i nginx | wc -l && echo found || echo none; ls",
        linux(),
    );
    let steps: Vec<(&str, Relation)> = e
        .commands
        .iter()
        .map(|s| (s.entry.as_deref().unwrap_or(""), s.relation))
        .collect();
    assert_eq!(
        steps,
        [
            ("ps", Relation::First),
            ("grep", Relation::Pipe),
            ("wc", Relation::Pipe),
            ("echo", Relation::And),
            ("echo", Relation::Or),
            ("ls", Relation::Then),
        ]
    );
    assert!(e.commands.iter().all(|s| s.depth == 0));
    let e = run("sleep 30 &", linux());
    assert!(e.commands[0].background);
}

#[test]
fn wrappers_run_their_command_as_a_nested_step() {
    let e = run("sudo -u deploy rm -rf /srv/app/cache", linux());
    assert_eq!(e.commands.len(), 2, "{:#?}", e.commands);
    let (outer, inner) = (&e.commands[0], &e.commands[1]);
    assert_eq!(outer.entry.as_deref(), Some("sudo"));
    assert_eq!(
        meaning(part(&e, "-u deploy")),
        "run as deploy instead of root"
    );
    assert_eq!(inner.entry.as_deref(), Some("rm"));
    assert_eq!((inner.depth, inner.relation), (1, Relation::Runs));
    assert_eq!(inner.via.as_deref(), Some("sudo"));
    // -rf belongs to rm, not sudo.
    assert!(outer.parts.iter().all(|p| p.text != "-rf"));

    for (cmd, via, runs) in [
        ("env TZ=UTC date", "env", "date"),
        ("xargs -0 rm -f", "xargs", "rm"),
        ("find . -name '*.tmp' -exec rm {} +", "find -exec", "rm"),
        ("nohup ./server.sh", "nohup", "./server.sh"),
        ("timeout 5 curl -s example.com", "timeout", "curl"),
        ("nice -n 19 make", "nice", "make"),
        ("watch -n 2 'df -h'", "watch", "df"),
        ("ssh deploy@web1 'tail -f /var/log/app.log'", "ssh", "tail"),
        ("sh -c 'echo hi | wc -c'", "sh", "echo"),
        ("docker exec -it web sh", "docker exec", "sh"),
        ("kubectl exec -it api -- bash", "kubectl exec", "bash"),
        ("npx eslint --fix .", "npx", "eslint"),
    ] {
        let e = run(cmd, linux());
        let nested = e
            .commands
            .iter()
            .find(|s| s.depth == 1)
            .unwrap_or_else(|| panic!("{cmd}: no nested step in {:#?}", e.commands));
        assert_eq!(nested.relation, Relation::Runs, "{cmd}");
        assert_eq!(nested.via.as_deref(), Some(via), "{cmd}");
        let name = nested
            .parts
            .iter()
            .find(|p| p.kind == PartKind::Command)
            .unwrap();
        assert_eq!(name.text, runs, "{cmd}");
    }
    // The assignment env sets is explained with the variable's meaning.
    let e = run("env TZ=Asia/Tokyo date", linux());
    assert!(meaning(part(&e, "TZ=Asia/Tokyo")).contains("time zone"));
    // find's placeholder is recognised.
    let e = run("find . -exec rm {} \\;", linux());
    let p = part(&e, "{}");
    assert!(p
        .note
        .as_deref()
        .unwrap_or("")
        .contains("path of each file"));
    assert!(part(&e, "-exec rm {} \\;")
        .note
        .as_deref()
        .unwrap()
        .contains("once for each file"));
}

#[test]
fn substitutions_redirections_and_assignments() {
    let e = run(
        "cp db.sqlite \"backup-$(date +%F).sqlite\" 2>/dev/null",
        linux(),
    );
    let date = e
        .commands
        .iter()
        .find(|s| s.entry.as_deref() == Some("date"))
        .unwrap();
    assert_eq!((date.depth, date.relation), (1, Relation::Substitution));
    assert!(meaning(part(&e, "2>/dev/null")).contains("discard error messages"));

    let e = run("diff <(sort a.txt) <(sort b.txt)", linux());
    assert_eq!(
        e.commands
            .iter()
            .filter(|s| s.relation == Relation::ProcessSubstitution)
            .count(),
        2
    );

    for (cmd, text, says) in [
        (
            "make > build.log 2>&1",
            "> build.log",
            "replacing its contents",
        ),
        (
            "make > build.log 2>&1",
            "2>&1",
            "same place as standard output",
        ),
        (
            "echo x >> notes.txt",
            ">> notes.txt",
            "append standard output",
        ),
        ("sort < names.txt", "< names.txt", "reads from names.txt"),
        (
            "cmd &> all.log",
            "&> all.log",
            "standard output and error messages",
        ),
        ("grep -c x <<< 'a x b'", "<<< 'a x b'", "feed"),
    ] {
        let e = run(cmd, linux());
        let p = part(&e, text);
        assert_eq!(p.kind, PartKind::Redirect, "{cmd}");
        assert!(meaning(p).contains(says), "{cmd}: {p:#?}");
    }

    let e = run("RUST_LOG=debug cargo run", linux());
    let p = part(&e, "RUST_LOG=debug");
    assert_eq!(p.kind, PartKind::Assignment);
    assert!(meaning(p).contains("of this command only"), "{p:#?}");
    let e = run("count=3", linux());
    assert!(meaning(part(&e, "count=3")).contains("shell variable count"));
}

#[test]
fn subcommands_globals_and_aliases() {
    check(
        "git commit -am 'fix typo'",
        linux(),
        &[
            expect("commit", &["new commit"]).kind(PartKind::Subcommand),
            expect("-m 'fix typo'", &["commit message"]).value("'fix typo'"),
        ],
    );
    check(
        "docker compose up -d --build",
        linux(),
        &[
            expect("compose", &["multi-container"]).kind(PartKind::Subcommand),
            expect("up", &["start the services"]).kind(PartKind::Subcommand),
            expect("-d", &["background"]),
        ],
    );
    // kubectl's -n applies after any subcommand.
    check(
        "kubectl get pods -n kube-system",
        linux(),
        &[expect("-n kube-system", &["namespace kube-system"])],
    );
    // An alias keeps its own summary and borrows the target's options.
    let e = run("podman run --rm -it alpine sh", linux());
    assert!(meaning(part(&e, "podman")).contains("daemonless"));
    assert!(meaning(part(&e, "--rm")).contains("remove the container"));
    assert_eq!(e.commands[0].entry.as_deref(), Some("podman run"));
    // Subcommand aliases and option-like subcommands.
    check(
        "npm i -D vitest",
        linux(),
        &[expect("-D", &["development"])],
    );
    check(
        "python3 -m http.server 8000 --bind 127.0.0.1",
        linux(),
        &[
            expect("http.server", &["HTTP"]).kind(PartKind::Subcommand),
            expect("--bind 127.0.0.1", &["listen on 127.0.0.1"]),
            expect("8000", &["port"]),
        ],
    );
    check(
        "python3 -m pip install -r requirements.txt",
        linux(),
        &[expect(
            "-r requirements.txt",
            &["listed in requirements.txt"],
        )],
    );
    // A global option before the subcommand.
    check(
        "git -C ~/src/app log --oneline -5",
        linux(),
        &[
            expect("-C ~/src/app", &["started in ~/src/app"]),
            expect("-5", &["at most 5 commits"]),
        ],
    );
}

#[test]
fn fish_builtins_and_connectors() {
    let fish = target(Os::Linux, Shell::Fish);
    let e = run("set -gx EDITOR nvim; and echo ok", fish);
    assert!(meaning(part(&e, "set")).contains("fish variables"));
    assert!(meaning(part(&e, "-gx")).contains("global"));
    assert_eq!(e.commands[1].relation, Relation::And);
    // Options end at the variable's name: -R is a value.
    let e = run("set -Ux LESS -R", fish);
    assert_eq!(part(&e, "-R").kind, PartKind::Operand);
    // bash's set is another command.
    let e = run("set -e", linux());
    assert!(meaning(part(&e, "-e")).contains("exit at once"));
    let e = run("string replace -a foo bar $x", fish);
    assert!(meaning(part(&e, "-a")).contains("every occurrence"));
}

#[test]
fn loops_conditionals_and_functions() {
    let e = run("for f in *.log; do gzip \"$f\"; done", linux());
    assert_eq!(e.commands[0].text, "for f in *.log");
    let body = &e.commands[1];
    assert_eq!((body.depth, body.relation), (1, Relation::Body));
    let p = part(&e, "\"$f\"");
    assert!(p.note.as_deref().unwrap().contains("loop's current value"));
    let p = part(&e, "*.log");
    assert!(p.note.as_deref().unwrap().contains("pattern"));

    let e = run("if [ -f .env ]; then source .env; fi", linux());
    let test = e
        .commands
        .iter()
        .find(|s| s.relation == Relation::Condition)
        .unwrap();
    assert_eq!(test.entry.as_deref(), Some("["));
    assert!(meaning(part(&e, "-f .env")).contains(".env is a regular file"));

    let e = run("mkcd() { mkdir -p \"$1\" && cd \"$1\"; }", linux());
    assert!(e.commands[0]
        .summary
        .as_deref()
        .unwrap()
        .contains("defines the function mkcd"));
    assert!(e
        .commands
        .iter()
        .any(|s| s.entry.as_deref() == Some("cd") && s.depth == 1));
}

#[test]
fn unknown_things_are_said_to_be_unknown() {
    let e = run("frobnicate --hard x", linux());
    let s = &e.commands[0];
    assert!(!s.known && s.summary.is_none(), "{s:#?}");
    assert!(s
        .note
        .as_deref()
        .unwrap()
        .contains("not in caro's command dictionary"));
    assert!(s.parts.iter().all(|p| p.meaning.is_none()), "{s:#?}");

    // An unknown option of a known command: no meaning, and later operands are doubtful.
    check(
        "ls --frobnicate /tmp",
        linux(),
        &[
            expect("--frobnicate", &[]).unknown().kind(PartKind::Option),
            expect("/tmp", &["to list"]).note(&["may instead be the value"]),
        ],
    );
    // Flags in a group are judged one by one.
    let e = run("ls -lQ", linux());
    let group = part(&e, "-lQ");
    assert!(!group.known);
    assert!(part(&e, "-l").known && !part(&e, "-Q").known);

    // An unknown subcommand: nothing after it is read as the parent's options.
    let e = run("git frobnicate -p", linux());
    let sub = part(&e, "frobnicate");
    assert!(!sub.known && sub.kind == PartKind::Subcommand);
    assert!(
        !part(&e, "-p").known,
        "git's own -p must not explain a subcommand's"
    );

    // Computed command names and paths to programs.
    let e = run("$EDITOR notes.md", linux());
    assert!(!e.commands[0].known);
    let e = run("./deploy.sh --prod", linux());
    assert_eq!(
        e.commands[0].summary.as_deref(),
        Some("runs the program or script at this path")
    );
    assert!(!part(&e, "--prod").known);
    // An absolute path to a known program is that program.
    let e = run("/usr/bin/env python3 app.py", linux());
    assert_eq!(e.commands[0].entry.as_deref(), Some("env"));
}

#[test]
fn commands_for_the_other_os_are_marked() {
    let e = run("pbcopy < notes.txt", linux());
    assert_eq!(e.commands[0].note.as_deref(), Some("macOS only"));
    let e = run("pbcopy < notes.txt", macos());
    assert_eq!(e.commands[0].note, None);
    let e = run("systemctl restart nginx", macos());
    assert_eq!(e.commands[0].note.as_deref(), Some("Linux only"));
}

#[test]
fn syntax_errors_still_explain_the_words() {
    let e = run("echo \"unterminated", linux());
    assert!(e.syntax_error.is_some());
    assert_eq!(e.commands[0].entry.as_deref(), Some("echo"));
}

#[test]
fn hostile_input_is_bounded() {
    let long = vec!["echo a"; 2000].join(" | ");
    let e = run(&long, linux());
    assert!(e.commands.len() <= 400, "{}", e.commands.len());
    let deep = format!("{}echo x{}", "$(".repeat(60), ")".repeat(60));
    let e = run(&deep, linux());
    assert!(e.commands.iter().all(|s| s.depth <= 13));
    assert!(explain("   ", linux()).is_err());
}

#[test]
fn one_line_summaries() {
    let line = one_line("sort -rn counts.txt | head -n 5", linux()).unwrap();
    assert!(line.starts_with("sort: sort lines of text"), "{line}");
    assert!(line.contains("-n 5: print the first 5 lines"), "{line}");
    assert!(line.contains(" | head: "), "{line}");
    assert!(!line.contains('\n'));
    assert_eq!(one_line("frobnicate --x", linux()), None);
}

#[test]
fn the_explanation_serialises_for_json_output() {
    let e = run("tail -n 5 app.log", linux());
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(v["shell"], "bash");
    assert_eq!(v["os"], "linux");
    assert_eq!(v["flavour"], "gnu");
    let step = &v["commands"][0];
    assert_eq!(step["relation"], "first");
    assert_eq!(step["kind"], "command");
    assert_eq!(step["entry"], "tail");
    let opt = &step["parts"][1];
    assert_eq!(opt["kind"], "option");
    assert_eq!(opt["flag"], "-n");
    assert_eq!(opt["value"], "5");
    assert_eq!(opt["meaning"], "print the last 5 lines");
    assert_eq!(opt["known"], true);
    let unknown = serde_json::to_value(run("ls --frobnicate", linux())).unwrap();
    assert_eq!(
        unknown["commands"][0]["parts"][1]["meaning"],
        serde_json::Value::Null
    );
    assert_eq!(unknown["commands"][0]["parts"][1]["known"], false);
}
