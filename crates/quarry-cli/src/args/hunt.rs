//! Arguments of `quarry hunt`.

use std::path::PathBuf;

use clap::builder::TypedValueParser;

use crate::hunt_output::HuntFormat;

/// Arguments of `quarry hunt`.
///
/// Runs a rule pack (the built-in RMM pack unless --rules is given) over the data and reports
/// every finding with its rule's id, name, tool, tactics and techniques. Each table is read
/// once, however many rules read it.
///
/// Exit status: 0 when every rule ran or was skipped (findings are not errors), 1 when a rule
/// failed to run, a rule file could not be loaded, an exclusion was rejected or the data could
/// not be read, 2 on a usage error.
#[derive(Debug, clap::Args)]
pub struct HuntArgs {
    /// Rule files or folders (.kql, Sentinel rule YAML, seed documents); may be repeated.
    /// Without it, the built-in RMM pack.
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,

    /// Data files or folders; may be repeated.
    #[arg(short = 'd', long = "data", value_name = "PATH")]
    pub data: Vec<PathBuf>,

    /// Pin `now()` (and so the rules' look-back windows) to this UTC time, e.g.
    /// 2024-05-01T12:00:00Z, to hunt in old exports.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub now: Option<i64>,

    /// Only events at or after this time: a UTC datetime, or a timespan before --now (`7d`).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,

    /// Only events before this time: a UTC datetime, or a timespan before --now.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,

    /// Exclusions file (YAML: rule or tool, table, where, reason, expires).
    #[arg(long, value_name = "FILE")]
    pub exclusions: Option<PathBuf>,

    /// Also apply the rules' own false-positive scenarios whose filters translate to KQL
    /// (see `quarry rules show ID`).
    #[arg(long)]
    pub scenario_exclusions: bool,

    /// An approved RMM tool: its rules are skipped. May be repeated; also read from the
    /// `allow` list of quarry.toml.
    #[arg(long, value_name = "TOOL")]
    pub allow: Vec<String>,

    /// Settings file (default: ./quarry.toml when it exists).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Output format.
    #[arg(long, default_value = "table", value_name = "FORMAT",
          value_parser = clap::builder::PossibleValuesParser::new(["table", "json", "jsonl", "csv", "sarif", "html"])
              .map(|s| s.parse::<HuntFormat>().unwrap_or(HuntFormat::Table)))]
    pub format: HuntFormat,

    /// Write the report to this file instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also report the scans per table, each exclusion and every rule's evidence (on stderr
    /// for machine formats).
    #[arg(short = 'v', long)]
    pub verbose: bool,

    /// Run each rule straight over the data, reading each table once per rule (to compare with
    /// the shared scan).
    #[arg(long, hide = true)]
    pub no_shared_scan: bool,
}

fn parse_time(text: &str) -> Result<i64, String> {
    kql_engine::plan::literal::parse_datetime(text)
        .ok_or_else(|| format!("`{text}` is not a datetime; write it like 2024-05-01T12:00:00Z"))
}
