//! Is every command word runnable here? A missing tool gets a warning that names the package
//! to install with this machine's package manager (`data/packages.toml`).
//!
//! Existence is answered by the context (PATH lookups, memoised, no processes) plus the
//! target shell's builtins and the functions the command itself defines.

use std::collections::HashMap;

use once_cell::sync::Lazy;
use serde::Deserialize;

use super::analyze::Analysis;
use super::data::{self, compiled, Entries, ShellData};
use super::{Warning, WarningKind};
use crate::context::{Context, Os};

/// `data/packages.toml`, parsed only when a tool is missing, and then only that tool's row.
pub(crate) struct Packages {
    managers: Lazy<HashMap<String, Vec<String>>>,
    tools: Entries<PackageNames>,
}

fn load_managers() -> HashMap<String, Vec<String>> {
    data::parse_json("packages.toml managers", compiled::PACKAGE_MANAGERS).unwrap_or_else(|e| {
        data::report_defect(e);
        HashMap::new()
    })
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum PackageNames {
    Same(String),
    PerManager(HashMap<String, String>),
}

/// Package managers caro knows how to name, with their install command.
const INSTALL: &[(&str, &str)] = &[
    ("apt", "sudo apt install"),
    ("dnf", "sudo dnf install"),
    ("pacman", "sudo pacman -S"),
    ("brew", "brew install"),
];

impl Packages {
    pub(crate) const fn new() -> Packages {
        Packages {
            managers: Lazy::new(load_managers),
            tools: Entries::new(),
        }
    }

    fn tool(&self, name: &str) -> Option<&PackageNames> {
        let table = compiled::PACKAGE_TOOLS;
        let i = data::find(table, name)?;
        self.tools.get(table.len(), i, || {
            data::parse_json(&format!("packages.toml tools {name}"), table[i].1)
        })
    }

    /// Parse every row (the data tests).
    pub(crate) fn validate(&self) -> Result<(), String> {
        data::parse_json::<HashMap<String, Vec<String>>>(
            "packages.toml managers",
            compiled::PACKAGE_MANAGERS,
        )?;
        for (name, json) in compiled::PACKAGE_TOOLS {
            data::parse_json::<PackageNames>(&format!("packages.toml tools {name}"), json)?;
        }
        Ok(())
    }

    /// The package manager for this machine.
    fn manager(&self, ctx: &Context) -> Option<&'static str> {
        if ctx.os == Os::Macos {
            return Some("brew");
        }
        let distro = ctx.distro()?;
        INSTALL.iter().map(|(m, _)| *m).find(|m| {
            self.managers
                .get(*m)
                .is_some_and(|ids| ids.iter().any(|id| id == distro))
        })
    }

    /// "install it with `sudo apt install ripgrep`", when the package is known.
    pub(crate) fn install_hint(&self, tool: &str, ctx: &Context) -> Option<String> {
        let names = self.tool(tool)?;
        let manager = self.manager(ctx)?;
        let package = match names {
            PackageNames::Same(p) => p.clone(),
            PackageNames::PerManager(map) => map.get(manager)?.clone(),
        };
        let command = INSTALL.iter().find(|(m, _)| *m == manager)?.1;
        Some(format!("install it with `{command} {package}`"))
    }
}

/// Warnings for commands that are not installed.
pub(crate) fn check(
    analysis: &Analysis,
    ctx: &Context,
    shells: &ShellData,
    packages: &Packages,
    explained: &[String],
) -> Vec<Warning> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for inv in &analysis.invocations {
        let name = inv.name.as_str();
        if name.is_empty() || inv.remote || seen.contains(&name) {
            continue;
        }
        seen.push(name);
        // `./script.sh`, `/opt/x/bin/tool`: a path, not a name to look up on PATH.
        if inv.path_given {
            continue;
        }
        if shells.is_builtin(inv.shell, name)
            || analysis.functions.contains(name)
            || explained.iter().any(|e| e == name)
            || ctx.has_tool(name)
        {
            continue;
        }
        let message = match packages.install_hint(name, ctx) {
            Some(hint) => format!("`{name}` is not installed: {hint}"),
            None => format!("`{name}` is not installed (it is not on PATH)"),
        };
        out.push(Warning {
            kind: WarningKind::NotInstalled,
            message,
        });
    }
    out
}
