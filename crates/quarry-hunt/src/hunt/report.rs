//! What a hunt produces: per rule, its status and result rows; per table, how often it was read.
//! Renderers (terminal, JSON, CSV, SARIF, HTML) live in the binary and read only these types.

use std::sync::Arc;
use std::time::Duration;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;

pub use super::window::Bounds;
use super::window::display_instant;
use crate::rule::Rule;

/// The outcome of one hunt.
#[derive(Clone, Debug)]
pub struct HuntReport {
    /// The instant `now()` stood for, in nanoseconds since the Unix epoch (UTC).
    pub now: i64,
    /// `--since`, in nanoseconds since the epoch, if given.
    pub since: Option<i64>,
    /// `--until`, in nanoseconds since the epoch, if given.
    pub until: Option<i64>,
    /// One entry per rule of the pack, in pack order, including skipped and failed rules.
    pub rules: Vec<RuleRun>,
    /// How each table of the data was read.
    pub scans: Vec<TableScan>,
}

/// One rule's run.
#[derive(Clone, Debug)]
pub struct RuleRun {
    /// The rule (id, name, tool, tactics, techniques, ...).
    pub rule: Arc<Rule>,
    /// Ran, skipped or failed, and why.
    pub status: RuleStatus,
    /// Events each exclusion removed before the rule's aggregation.
    pub suppressed: Vec<Suppression>,
    /// Wall time spent on this rule.
    pub elapsed: Duration,
    /// The result's schema, when the rule ran.
    pub schema: Option<SchemaRef>,
    /// The result rows (the findings), when the rule ran. Each row is one finding.
    pub batches: Vec<RecordBatch>,
}

impl RuleRun {
    /// The number of result rows.
    pub fn rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// The total number of events suppressed by exclusions.
    pub fn suppressed_total(&self) -> u64 {
        self.suppressed.iter().map(|s| s.events).sum()
    }
}

/// Whether a rule ran, and if not, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleStatus {
    /// The rule ran to completion (it may have found nothing).
    Ran,
    /// The rule was not run: its tables are absent from the data, or its tool is allowed.
    Skipped {
        /// Why, in a sentence, e.g. "table DeviceFileCertificateInfo is not in the data".
        reason: String,
    },
    /// The rule could not run: its query is wrong or failed while running.
    Failed {
        /// The diagnostic, with the rule file's line and column where known.
        reason: String,
    },
}

impl RuleStatus {
    /// `ran`, `skipped` or `failed`, as the JSON output spells it.
    pub fn as_str(&self) -> &'static str {
        match self {
            RuleStatus::Ran => "ran",
            RuleStatus::Skipped { .. } => "skipped",
            RuleStatus::Failed { .. } => "failed",
        }
    }

    /// The reason of a skipped or failed rule.
    pub fn reason(&self) -> Option<&str> {
        match self {
            RuleStatus::Ran => None,
            RuleStatus::Skipped { reason } | RuleStatus::Failed { reason } => Some(reason),
        }
    }
}

/// How many events one exclusion removed from one rule's input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The exclusion's KQL predicate, as applied.
    pub predicate: String,
    /// Why the exclusion exists (its scenario, or the exclusions file's `reason`).
    pub reason: String,
    /// Where the exclusion came from: the rule's scenario, or `FILE:LINE` of an exclusions file.
    pub origin: String,
    /// Events of the rule's table that matched the rule's filters and this exclusion.
    pub events: u64,
}

/// How one table was read during the hunt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableScan {
    /// The table, e.g. `DeviceProcessEvents`.
    pub table: String,
    /// How many times its data was scanned (one, with the shared scan).
    pub scans: u32,
    /// Rows read from the data: for Parquet, the rows of the files and row groups the scan's
    /// time window did not skip; for in-memory tables (JSON, CSV), every row.
    pub rows_read: u64,
    /// Rows kept by the union of the rules' filters, which the rules then ran over.
    pub rows_kept: u64,
    /// How many rules read this table.
    pub rules: u32,
    /// Rows in the table.
    pub rows_total: u64,
    /// The time bounds the scan applied before reading (the loosest window holding every
    /// rule's, within `--since`/`--until`), inclusive; `None` when it read the whole table.
    pub window: Option<Bounds>,
    /// Parquet files: (read, in the table); `None` for in-memory tables. A file is read when
    /// some row group of it is.
    pub files: Option<(u64, u64)>,
    /// Parquet row groups: (read, in the files opened); `None` for in-memory tables.
    pub row_groups: Option<(u64, u64)>,
}

impl TableScan {
    /// A scan that read every row of `table` (`scans` times).
    pub fn whole(table: &str, scans: u32, rows: u64, rules: u32) -> Self {
        TableScan {
            table: table.to_string(),
            scans,
            rows_read: rows,
            rows_kept: rows,
            rules,
            rows_total: rows,
            window: None,
            files: None,
            row_groups: None,
        }
    }
}

/// `table T: 1 scan, window 2024-05-27..2024-06-01, 6 of 14 files, 12 of 28 row groups,
/// 77906 of 180490 rows read, 10 kept, 198 rules`, as `quarry hunt -v` prints it.
impl std::fmt::Display for TableScan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: u64, one: &str, many: &str| if n == 1 { one.to_string() } else { many.to_string() };
        write!(f, "table {}: {} {}", self.table, self.scans, plural(u64::from(self.scans), "scan", "scans"))?;
        if let Some(window) = &self.window {
            let side = |v: Option<i64>| v.map(display_instant).unwrap_or_default();
            write!(f, ", window {}..{}", side(window.from), side(window.to))?;
        }
        if let Some((read, total)) = self.files {
            write!(f, ", {read} of {total} {}", plural(total, "file", "files"))?;
        }
        if let Some((read, total)) = self.row_groups {
            write!(f, ", {read} of {total} {}", plural(total, "row group", "row groups"))?;
        }
        if self.rows_read == self.rows_total {
            write!(f, ", {} rows read", self.rows_read)?;
        } else {
            write!(f, ", {} of {} rows read", self.rows_read, self.rows_total)?;
        }
        write!(f, ", {} kept, {} {}", self.rows_kept, self.rules, plural(u64::from(self.rules), "rule", "rules"))
    }
}
