//! Arguments of `quarry rules`.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};

/// Arguments of `quarry rules`.
#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// What to do with the pack.
    #[command(subcommand)]
    pub command: RulesCommand,
}

/// The `quarry rules` subcommands.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the built-in rules, optionally filtered.
    ///
    /// Filters combine (all must match). Tool names are looked up in the RMM catalogue by
    /// name, slug or alias, ignoring case (`screenconnect` finds the ConnectWise rules).
    List(ListArgs),
    /// Show one rule: metadata, query, false-positive scenarios and their exclusions.
    Show(ShowArgs),
    /// Write the pack as Sentinel hunting-rule YAML, one file per rule (`<tool>-<kind>.yaml`).
    ///
    /// The files pass `quarry check` and load back with the same id, name, query, tactics and
    /// techniques.
    Export(ExportArgs),
}

/// Filters shared by `list` and `export`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RuleFilter {
    /// Only rules of this RMM tool (name, slug or alias).
    #[arg(long, value_name = "TOOL")]
    pub tool: Option<String>,
    /// Only rules reading this table (e.g. DeviceNetworkEvents) or of this kind (process,
    /// signature, network, file, registry).
    #[arg(long, value_name = "TABLE")]
    pub table: Option<String>,
    /// Only rules with this ATT&CK tactic (e.g. CommandAndControl).
    #[arg(long, value_name = "TACTIC")]
    pub tactic: Option<String>,
    /// Only rules with this ATT&CK technique or one of its sub-techniques (e.g. T1219).
    #[arg(long, value_name = "TECHNIQUE")]
    pub technique: Option<String>,
}

/// Arguments of `quarry rules list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Which rules.
    #[command(flatten)]
    pub filter: RuleFilter,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// Output of `quarry rules list` and `show`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// For a person: a table (`list`) or labelled text (`show`).
    Table,
    /// JSON: an array of rules (`list`) or one rule object (`show`).
    Json,
}

/// Arguments of `quarry rules show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The rule's id (or a unique prefix of it, at least 8 characters).
    #[arg(value_name = "ID")]
    pub id: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// Arguments of `quarry rules export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The folder to write to (created if missing).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Which rules (default: all).
    #[command(flatten)]
    pub filter: RuleFilter,
}
