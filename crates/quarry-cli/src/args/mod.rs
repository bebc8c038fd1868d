//! Command-line arguments, as clap parses them. Raw values only, no I/O: each command converts
//! its arguments into its own options type once, so nothing below the binary sees clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::commands::check::CheckOptions;
use crate::output::Format;

mod generate;
mod hunt;
mod ingest;
mod rules;

pub use generate::GenArgs;
pub use hunt::HuntArgs;
pub use ingest::IngestArgs;
pub use rules::{ListFormat, RuleFilter, RulesArgs, RulesCommand};

/// Run KQL threat-hunting rules offline.
#[derive(Debug, Parser)]
#[command(name = "quarry", version, propagate_version = true)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check KQL queries and rules for errors without running them.
    ///
    /// Reads .kql/.csl/.kusto files, Sentinel rule YAML (id, name, query) and seed documents
    /// (.txt with a `KQL Query` line). Folders are searched recursively. Files named directly
    /// are read whatever their extension. Every diagnostic points at the line and column of
    /// the file itself, also for queries inside YAML.
    ///
    /// Exit status: 0 when no query has an error, 1 when one has or a file could not be
    /// loaded, 2 on a usage error.
    Check(CheckArgs),
    /// Run a KQL query over data files and print the result.
    ///
    /// Data (-d) is NDJSON per table (`DeviceProcessEvents.json`, table name from the file
    /// name) or Parquet (`X.parquet`, or a folder of them), or folders of such files.
    ///
    /// Exit status: 0 on success, 2 when the query is wrong (syntax, unknown names,
    /// unsupported), 1 when the data could not be read or the query failed while running.
    Query(QueryArgs),
    /// Run hunting rules (by default the built-in RMM pack) over data and report findings.
    Hunt(HuntArgs),
    /// List, show and export the built-in rule pack.
    Rules(RulesArgs),
    /// Convert telemetry exports into a Quarry store (Parquet per table, by day).
    Ingest(IngestArgs),
    /// Generate realistic synthetic Defender telemetry, with planted RMM activity.
    Gen(GenArgs),
}

/// Arguments of `quarry query`.
#[derive(Debug, clap::Args)]
pub struct QueryArgs {
    /// The query text (or use -f FILE).
    #[arg(value_name = "QUERY")]
    pub query: Option<String>,

    /// Read the query from a file.
    #[arg(short = 'f', long = "file", value_name = "FILE", conflicts_with = "query")]
    pub file: Option<PathBuf>,

    /// Data files or folders; may be repeated.
    #[arg(short = 'd', long = "data", value_name = "PATH")]
    pub data: Vec<PathBuf>,

    /// Pin `now()` (and so `ago()`) to this UTC time, e.g. 2024-05-01T12:00:00Z, to hunt in
    /// old exports.
    #[arg(long, value_name = "TIME", value_parser = parse_now)]
    pub now: Option<i64>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ResultFormatArg::Table, value_name = "FORMAT")]
    pub format: ResultFormatArg,

    /// Print the query's plan (logical, optimized, physical) instead of running it.
    #[arg(long, conflicts_with = "analyze")]
    pub explain: bool,

    /// Run the query and print its physical plan with each operator's rows and time, instead
    /// of the result.
    #[arg(long)]
    pub analyze: bool,
}

/// The spellings of `quarry query --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ResultFormatArg {
    /// A table that fits the terminal.
    Table,
    /// One JSON object with `columns` and `rows`.
    Json,
    /// One JSON object per row.
    Jsonl,
    /// CSV with a header row.
    Csv,
}

/// Parses `--now`: an ISO-8601 UTC datetime, as nanoseconds since the epoch.
fn parse_now(text: &str) -> Result<i64, String> {
    kql_engine::plan::literal::parse_datetime(text)
        .ok_or_else(|| format!("`{text}` is not a datetime; write it like 2024-05-01T12:00:00Z"))
}

impl From<QueryArgs> for crate::commands::query::QueryOptions {
    fn from(args: QueryArgs) -> Self {
        crate::commands::query::QueryOptions {
            query: args.query,
            file: args.file,
            data: args.data,
            now: args.now,
            explain: match (args.explain, args.analyze) {
                (_, true) => Some(kql_engine::Explain::Analyze),
                (true, false) => Some(kql_engine::Explain::Plan),
                (false, false) => None,
            },
            format: match args.format {
                ResultFormatArg::Table => crate::results::ResultFormat::Table,
                ResultFormatArg::Json => crate::results::ResultFormat::Json,
                ResultFormatArg::Jsonl => crate::results::ResultFormat::Jsonl,
                ResultFormatArg::Csv => crate::results::ResultFormat::Csv,
            },
        }
    }
}

/// Arguments of `quarry check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Only check syntax: skip the semantic checks (unknown tables, columns and functions,
    /// types) and the rule-metadata checks (id, tactics, techniques, data connectors).
    #[arg(long)]
    pub syntax_only: bool,

    /// Add or override tables from a schema file: JSON `{"Table": [["Column", "type"], ...]}`.
    /// May be given several times; later files win.
    #[arg(long, value_name = "FILE")]
    pub schema: Vec<PathBuf>,

    /// Use only the tables of --schema files, not the built-in Defender XDR and Sentinel tables.
    #[arg(long)]
    pub no_builtin_schema: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human, value_name = "FORMAT")]
    pub format: FormatArg,

    /// Files and folders to check.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// The spellings of `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Source excerpts with carets, like rustc.
    Human,
    /// JSON Lines.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub Actions workflow commands.
    Github,
}

impl From<FormatArg> for Format {
    fn from(arg: FormatArg) -> Self {
        match arg {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Github => Format::Github,
        }
    }
}

impl From<CheckArgs> for CheckOptions {
    fn from(args: CheckArgs) -> Self {
        CheckOptions {
            paths: args.paths,
            syntax_only: args.syntax_only,
            schema_files: args.schema,
            builtin_schema: !args.no_builtin_schema,
            format: args.format.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    fn check(argv: &[&str]) -> Result<CheckArgs, clap::Error> {
        let args = Args::try_parse_from(argv)?;
        let Command::Check(check) = args.command else { panic!("not check") };
        Ok(check)
    }

    #[test]
    fn definitions_are_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn check_defaults() {
        let args = check(&["quarry", "check", "rules"]).unwrap();
        assert!(!args.syntax_only);
        assert_eq!(args.format, FormatArg::Human);
        assert_eq!(args.paths, [PathBuf::from("rules")]);
    }

    #[test]
    fn syntax_only_flag() {
        assert!(check(&["quarry", "check", "--syntax-only", "a.kql"]).unwrap().syntax_only);
    }

    #[test]
    fn format_flag_takes_the_four_spellings() {
        for (name, format) in [
            ("human", FormatArg::Human),
            ("json", FormatArg::Json),
            ("sarif", FormatArg::Sarif),
            ("github", FormatArg::Github),
        ] {
            assert_eq!(check(&["quarry", "check", "--format", name, "x"]).unwrap().format, format);
        }
        assert!(check(&["quarry", "check", "--format", "xml", "x"]).is_err());
    }

    #[test]
    fn paths_are_required() {
        let err = check(&["quarry", "check"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
        let args = check(&["quarry", "check", "a", "b/"]).unwrap();
        assert_eq!(args.paths, [PathBuf::from("a"), PathBuf::from("b/")]);
    }
}
