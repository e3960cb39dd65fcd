//! The validator's knowledge, compiled into the binary from `data/`: path classes, command
//! syntax, risk rules, request intents, GNU/BSD flag differences, shell builtins and the
//! packages that provide missing tools.
//!
//! caro is a fresh process on every key press, so nothing is parsed up front. The build
//! script (`build_data.rs`) turns every entry into a small JSON text in a static table, sorted
//! for lookup by name; an entry is parsed the first time a check needs it (a typical check
//! touches a handful), and a regular expression is compiled only for a text that has the
//! literals it requires (`lazy_regex.rs`).
//!
//! A broken entry is a build defect (the tests below parse every one). Should one slip
//! through, it is recorded and every check fails closed ([`defect`]).

use std::sync::OnceLock;

use once_cell::sync::Lazy;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::flavour::FlavourSet;
use super::installed::Packages;
use super::intent::IntentSet;
use super::paths::PathData;
use super::rules::RuleSet;
use crate::context::Shell;

/// The tables `build.rs` writes (see `build_data.rs`).
pub(crate) mod compiled {
    include!(concat!(env!("OUT_DIR"), "/safety_data.rs"));
}

pub(crate) struct Data {
    pub paths: Lazy<PathData>,
    pub commands: CommandData,
    pub shells: ShellData,
    pub rules: RuleSet,
    pub intents: IntentSet,
    pub flavour: FlavourSet,
    pub packages: Packages,
}

static DATA: Data = Data::new();

pub(crate) fn get() -> &'static Data {
    &DATA
}

static DEFECT: OnceLock<String> = OnceLock::new();

/// Record a broken entry (the first is kept).
pub(crate) fn report_defect(what: String) {
    let _ = DEFECT.set(what);
}

/// The first broken entry a check met, if any.
pub(crate) fn defect() -> Option<&'static str> {
    DEFECT.get().map(String::as_str)
}

impl Data {
    pub(crate) const fn new() -> Data {
        Data {
            paths: Lazy::new(load_paths),
            commands: CommandData::new(),
            shells: ShellData,
            rules: RuleSet::new(),
            intents: IntentSet::new(),
            flavour: FlavourSet::new(),
            packages: Packages::new(),
        }
    }

    /// Parse every entry and compile every pattern, reporting the first problem (for tests
    /// and the benchmark of the worst case).
    pub(crate) fn validate(&self) -> Result<(), String> {
        PathData::from_table(compiled::PATHS)?;
        self.commands.validate()?;
        self.rules.validate()?;
        self.intents.validate()?;
        self.flavour.validate()?;
        self.packages.validate()
    }
}

pub(crate) fn parse_json<T: DeserializeOwned>(what: &str, text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| format!("data/{what} is invalid: {e}"))
}

fn load_paths() -> PathData {
    PathData::from_table(compiled::PATHS).unwrap_or_else(|e| {
        report_defect(e);
        PathData::default()
    })
}

/// Entries of a static table, each parsed on first use.
pub(crate) struct Entries<T> {
    cells: OnceLock<Box<[OnceLock<Option<T>>]>>,
}

impl<T> Entries<T> {
    pub(crate) const fn new() -> Entries<T> {
        Entries {
            cells: OnceLock::new(),
        }
    }

    /// Entry `i` of a table of `len`, parsed by `parse` the first time; `None` if it is
    /// broken (recorded as a defect).
    pub(crate) fn get(
        &self,
        len: usize,
        i: usize,
        parse: impl FnOnce() -> Result<T, String>,
    ) -> Option<&T> {
        let cells = self
            .cells
            .get_or_init(|| (0..len).map(|_| OnceLock::new()).collect());
        cells
            .get(i)?
            .get_or_init(|| parse().map_err(report_defect).ok())
            .as_ref()
    }
}

/// Position of `name` in a table sorted by name.
pub(crate) fn find<T>(table: &[(&str, T)], name: &str) -> Option<usize> {
    table.binary_search_by(|(key, _)| (*key).cmp(name)).ok()
}

/// An entry of a table of `(name, json)` rows, parsed on first use.
fn keyed<'a, T: DeserializeOwned>(
    entries: &'a Entries<T>,
    table: &[(&str, &str)],
    name: &str,
    what: &str,
) -> Option<&'a T> {
    let i = find(table, name)?;
    entries.get(table.len(), i, || {
        parse_json(&format!("{what} {name}"), table[i].1)
    })
}

fn validate_keyed<T: DeserializeOwned>(table: &[(&str, &str)], what: &str) -> Result<(), String> {
    table
        .iter()
        .try_for_each(|(name, json)| parse_json::<T>(&format!("{what} {name}"), json).map(drop))
}

/// How commands take their arguments (`data/safety/commands.toml`), by command name.
pub(crate) struct CommandData {
    wrappers: Entries<WrapperSpec>,
    interpreters: Entries<InterpreterSpec>,
    syntax: Entries<SyntaxSpec>,
}

impl CommandData {
    const fn new() -> CommandData {
        CommandData {
            wrappers: Entries::new(),
            interpreters: Entries::new(),
            syntax: Entries::new(),
        }
    }

    /// The wrapper spec of `name` (`sudo`, `env`, `xargs`), if it runs another command.
    pub fn wrapper(&self, name: &str) -> Option<&WrapperSpec> {
        keyed(
            &self.wrappers,
            compiled::WRAPPERS,
            name,
            "safety/commands.toml wrapper",
        )
    }

    /// The interpreter spec of `name` (`bash`, `python3`), if it runs scripts.
    pub fn interpreter(&self, name: &str) -> Option<&InterpreterSpec> {
        keyed(
            &self.interpreters,
            compiled::INTERPRETERS,
            name,
            "safety/commands.toml interpreter",
        )
    }

    fn syntax(&self, name: &str) -> Option<&SyntaxSpec> {
        keyed(
            &self.syntax,
            compiled::SYNTAX,
            name,
            "safety/commands.toml syntax",
        )
    }

    fn validate(&self) -> Result<(), String> {
        validate_keyed::<WrapperSpec>(compiled::WRAPPERS, "safety/commands.toml wrapper")?;
        validate_keyed::<InterpreterSpec>(
            compiled::INTERPRETERS,
            "safety/commands.toml interpreter",
        )?;
        validate_keyed::<SyntaxSpec>(compiled::SYNTAX, "safety/commands.toml syntax")
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct WrapperSpec {
    pub value_options: Vec<String>,
    pub skip_positionals: usize,
    pub elevates: bool,
    pub args_from_input: bool,
    pub script: Option<String>,
    pub script_options: Vec<String>,
    pub remote: bool,
    pub query_options: Vec<String>,
    pub skip_assignments: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InterpreterSpec {
    pub syntax: String,
    #[serde(default)]
    pub value_options: Vec<String>,
    #[serde(default = "default_script_options")]
    pub script_options: Vec<String>,
    /// Options naming a program to run instead of a script (`python3 -m json.tool`).
    #[serde(default)]
    pub program_options: Vec<String>,
}

fn default_script_options() -> Vec<String> {
    vec!["-c".into()]
}

impl InterpreterSpec {
    /// The shell whose syntax scripts for this interpreter use (`None`: not a shell).
    pub fn shell(&self) -> Option<Shell> {
        self.syntax.parse().ok()
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct SyntaxSpec {
    pub value_options: Vec<String>,
    /// Positionals end at the first option and the rest is an expression (`find`).
    pub expression: bool,
}

static EMPTY_SYNTAX: SyntaxSpec = SyntaxSpec {
    value_options: Vec::new(),
    expression: false,
};

impl CommandData {
    pub fn syntax_for(&'static self, name: &str) -> &'static SyntaxSpec {
        if let Some(s) = self.syntax(name) {
            return s;
        }
        // `mkfs.ext4`, `mkfs.vfat`, … share mkfs's options.
        if let Some((base, _)) = name.split_once('.') {
            if let Some(s) = self.syntax(base) {
                return s;
            }
        }
        &EMPTY_SYNTAX
    }
}

/// Builtins and reserved words of each shell (`data/safety/shells.toml`), sorted at build time.
pub(crate) struct ShellData;

impl ShellData {
    /// Whether `name` is a builtin or reserved word of `shell`.
    pub fn is_builtin(&self, shell: Shell, name: &str) -> bool {
        compiled::SHELL_BUILTINS
            .iter()
            .find(|(s, _)| *s == shell.as_str())
            .is_some_and(|(_, names)| names.binary_search(&name).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::compiled;

    #[test]
    fn every_entry_parses_and_every_pattern_compiles() {
        super::Data::new().validate().unwrap();
        assert!(
            compiled::RULES.len() > 80,
            "rules: {}",
            compiled::RULES.len()
        );
        assert!(!compiled::WRAPPERS.is_empty());
    }

    #[test]
    fn lookups_find_entries_by_name() {
        let data = super::get();
        assert!(data.commands.wrapper("sudo").is_some_and(|w| w.elevates));
        assert!(data.commands.wrapper("ls").is_none());
        assert!(data.commands.interpreter("bash").is_some());
        assert!(data.commands.syntax_for("find").expression);
        // `mkfs.ext4` falls back to mkfs's options.
        assert!(std::ptr::eq(
            data.commands.syntax_for("mkfs.ext4"),
            data.commands.syntax_for("mkfs")
        ));
        assert!(!data.commands.syntax_for("no-such-command").expression);
        use crate::context::Shell;
        assert!(data.shells.is_builtin(Shell::Bash, "cd"));
        assert!(data.shells.is_builtin(Shell::Fish, "set"));
        assert!(!data.shells.is_builtin(Shell::Bash, "ls"));
        assert!(super::defect().is_none());
    }

    #[test]
    fn tables_are_sorted_for_binary_search() {
        fn sorted<T>(table: &[(&str, T)]) -> bool {
            table.windows(2).all(|w| w[0].0 < w[1].0)
        }
        assert!(sorted(compiled::WRAPPERS));
        assert!(sorted(compiled::INTERPRETERS));
        assert!(sorted(compiled::SYNTAX));
        assert!(sorted(compiled::PACKAGE_TOOLS));
        assert!(sorted(compiled::RULES_BY_COMMAND));
        assert!(sorted(compiled::FLAVOURS_BY_COMMAND));
        assert!(sorted(compiled::REQUIRED_LITERALS));
        for (_, names) in compiled::SHELL_BUILTINS {
            assert!(names.windows(2).all(|w| w[0] < w[1]));
        }
    }
}
