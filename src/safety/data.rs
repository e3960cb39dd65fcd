//! The validator's knowledge, compiled into the binary from `data/` and parsed once per
//! process: path classes, command syntax, risk rules, request intents, GNU/BSD flag
//! differences, shell builtins and the packages that provide missing tools.

use std::collections::HashMap;

use once_cell::sync::Lazy;
use serde::Deserialize;

use super::flavour::FlavourSet;
use super::installed::Packages;
use super::intent::IntentSet;
use super::paths::PathData;
use super::rules::RuleSet;
use crate::context::Shell;

// `build.rs` converts the TOML files to JSON, which parses several times faster.
const PATHS: &str = include_str!(concat!(env!("OUT_DIR"), "/safety-paths.json"));
const COMMANDS: &str = include_str!(concat!(env!("OUT_DIR"), "/safety-commands.json"));
const SHELLS: &str = include_str!(concat!(env!("OUT_DIR"), "/safety-shells.json"));
const RULES: &str = include_str!(concat!(env!("OUT_DIR"), "/safety-rules.json"));
const INTENT: &str = include_str!(concat!(env!("OUT_DIR"), "/safety-intent.json"));
const FLAVOUR: &str = include_str!(concat!(env!("OUT_DIR"), "/safety-flavour.json"));
const PACKAGES: &str = include_str!(concat!(env!("OUT_DIR"), "/packages.json"));

pub(crate) struct Data {
    pub paths: PathData,
    pub commands: CommandData,
    pub shells: ShellData,
    pub rules: RuleSet,
    pub intents: IntentSet,
    pub flavour: FlavourSet,
    pub packages: Packages,
}

static DATA: Lazy<Result<Data, String>> = Lazy::new(load);

/// The loaded data, or why it failed to load (a build defect: the unit tests load it).
pub(crate) fn try_get() -> Result<&'static Data, &'static str> {
    DATA.as_ref().map_err(String::as_str)
}

#[cfg(test)]
pub(crate) fn get() -> &'static Data {
    try_get().unwrap_or_else(|e| panic!("{e}"))
}

fn parse_toml<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| format!("data/{name} is invalid: {e}"))
}

pub(crate) fn load_uncached() -> Result<Data, String> {
    load()
}

fn load() -> Result<Data, String> {
    let paths: PathData = parse_toml("safety/paths.toml", PATHS)?;
    let commands: CommandData = parse_toml("safety/commands.toml", COMMANDS)?;
    let shells: ShellData = parse_toml("safety/shells.toml", SHELLS)?;
    let rules = RuleSet::load(&parse_toml("safety/rules.toml", RULES)?, &commands)?;
    let intents = IntentSet::load(&parse_toml("safety/intent.toml", INTENT)?)?;
    let flavour = FlavourSet::load(&parse_toml("safety/flavour.toml", FLAVOUR)?, &commands)?;
    let packages: Packages = parse_toml("packages.toml", PACKAGES)?;
    Ok(Data {
        paths,
        commands,
        shells,
        rules,
        intents,
        flavour,
        packages,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CommandData {
    #[serde(default)]
    pub wrapper: HashMap<String, WrapperSpec>,
    #[serde(default)]
    pub interpreter: HashMap<String, InterpreterSpec>,
    #[serde(default)]
    pub syntax: HashMap<String, SyntaxSpec>,
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

static EMPTY_SYNTAX: Lazy<SyntaxSpec> = Lazy::new(SyntaxSpec::default);

impl CommandData {
    pub fn syntax_for(&'static self, name: &str) -> &'static SyntaxSpec {
        if let Some(s) = self.syntax.get(name) {
            return s;
        }
        // `mkfs.ext4`, `mkfs.vfat`, … share mkfs's options.
        if let Some((base, _)) = name.split_once('.') {
            if let Some(s) = self.syntax.get(base) {
                return s;
            }
        }
        &EMPTY_SYNTAX
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ShellData {
    bash: ShellNames,
    zsh: ShellNames,
    fish: ShellNames,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShellNames {
    names: std::collections::HashSet<String>,
}

impl ShellData {
    /// Whether `name` is a builtin or reserved word of `shell`.
    pub fn is_builtin(&self, shell: Shell, name: &str) -> bool {
        let list = match shell {
            Shell::Bash => &self.bash,
            Shell::Zsh => &self.zsh,
            Shell::Fish => &self.fish,
        };
        list.names.contains(name)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_data_file_loads() {
        let data = super::get();
        assert!(data.rules.len() > 80, "rules: {}", data.rules.len());
        assert!(!data.commands.wrapper.is_empty());
    }

    #[test]
    fn every_regular_expression_compiles() {
        let data = super::get();
        data.rules.validate_regexes().unwrap();
        data.intents.validate_regexes().unwrap();
        data.flavour.validate_regexes().unwrap();
    }
}
