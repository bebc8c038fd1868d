//! What every renderer derives from a [`HuntReport`]: the findings (one per result row), the
//! devices they concern and the tools seen, with first/last seen times and counts.
//!
//! Rules return whatever shape their query gives. Columns with a known meaning are looked up by
//! name, case-insensitively: `DeviceName`/`DeviceId` for the device, `FirstSeen` (or
//! `min_Timestamp`) and `LastSeen` (or `max_Timestamp`), or a lone `Timestamp` for both, and
//! `Count` (or `count_`) for the number of events a row stands for. Rows without a device are
//! still findings; they are listed apart ("other findings").

use std::collections::{BTreeMap, BTreeSet, HashMap};

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::compute::cast;
use arrow::datatypes::{DataType, TimeUnit, TimestampNanosecondType};
use quarry_hunt::Rule;
use quarry_hunt::hunt::{HuntReport, RuleRun, RuleStatus};

use crate::results::value::{format_datetime, to_display, to_json};

/// One result row of one rule.
pub struct Finding<'a> {
    /// Index of the rule in `report.rules`.
    pub rule: usize,
    pub run: &'a RuleRun,
    pub batch: &'a RecordBatch,
    pub row: usize,
    /// Index in [`Analysis::devices`], when the row names a device.
    pub device: Option<usize>,
    /// Earliest and latest time the row covers, in nanoseconds since the epoch.
    pub first: Option<i64>,
    pub last: Option<i64>,
    /// The events the row stands for: its `Count`, else one.
    pub events: u64,
}

/// When something was seen, and how much of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Activity {
    pub first: Option<i64>,
    pub last: Option<i64>,
    /// Result rows.
    pub findings: usize,
    /// Sum of the rows' events.
    pub events: u64,
    /// Indices of the rules that produced them (in `report.rules`).
    pub rules: BTreeSet<usize>,
}

impl Activity {
    fn add(&mut self, finding: &Finding<'_>) {
        self.first = min_opt(self.first, finding.first.or(finding.last));
        self.last = max_opt(self.last, finding.last.or(finding.first));
        self.findings += 1;
        self.events = self.events.saturating_add(finding.events);
        self.rules.insert(finding.rule);
    }
}

/// A device findings name.
#[derive(Clone, Debug, Default)]
pub struct Device {
    /// `DeviceName` as first seen (may be empty when only the id is known).
    pub name: String,
    /// `DeviceId` (may be empty when only the name is known).
    pub id: String,
    /// Per tool (see [`tool_label`]).
    pub tools: BTreeMap<String, Activity>,
    /// Across every tool.
    pub activity: Activity,
}

impl Device {
    /// The name, or the id when there is no name.
    pub fn label(&self) -> &str {
        if self.name.is_empty() { &self.id } else { &self.name }
    }
}

/// A tool seen on some device, or in findings without one.
#[derive(Clone, Debug, Default)]
pub struct Tool {
    pub name: String,
    /// Indices in [`Analysis::devices`].
    pub devices: BTreeSet<usize>,
    pub activity: Activity,
}

/// Everything the renderers need beyond the report itself.
pub struct Analysis<'a> {
    pub report: &'a HuntReport,
    /// In pack order: rule, then batch, then row.
    pub findings: Vec<Finding<'a>>,
    /// Sorted by label, case-insensitively.
    pub devices: Vec<Device>,
    /// Sorted by name, case-insensitively.
    pub tools: Vec<Tool>,
    pub ran: usize,
    pub skipped: usize,
    pub failed: usize,
}

impl<'a> Analysis<'a> {
    pub fn new(report: &'a HuntReport) -> Analysis<'a> {
        let (mut ran, mut skipped, mut failed) = (0, 0, 0);
        for run in &report.rules {
            match run.status {
                RuleStatus::Ran => ran += 1,
                RuleStatus::Skipped { .. } => skipped += 1,
                RuleStatus::Failed { .. } => failed += 1,
            }
        }

        let located: Vec<Vec<Located>> =
            report.rules.iter().map(|run| run.batches.iter().map(Located::new).collect()).collect();

        // A rule may return only DeviceName where another returns both: the name then finds
        // the id, so one device is not listed twice.
        let mut id_of_name: HashMap<String, String> = HashMap::new();
        for (run, batches) in report.rules.iter().zip(&located) {
            for (batch, columns) in run.batches.iter().zip(batches) {
                let (Some(name), Some(id)) = (columns.device_name, columns.device_id) else { continue };
                for row in 0..batch.num_rows() {
                    let (name, id) = (text(batch.column(name), row), text(batch.column(id), row));
                    if !name.is_empty() && !id.is_empty() {
                        id_of_name.entry(name.to_lowercase()).or_insert(id);
                    }
                }
            }
        }

        let mut findings = Vec::new();
        let mut device_index: HashMap<String, usize> = HashMap::new();
        let mut devices: Vec<Device> = Vec::new();
        for (rule, (run, batches)) in report.rules.iter().zip(&located).enumerate() {
            for (batch, columns) in run.batches.iter().zip(batches) {
                for row in 0..batch.num_rows() {
                    let name = columns.device_name.map(|c| text(batch.column(c), row)).unwrap_or_default();
                    let id = columns.device_id.map(|c| text(batch.column(c), row)).unwrap_or_default();
                    let key = if !id.is_empty() {
                        Some(format!("id:{id}"))
                    } else if !name.is_empty() {
                        Some(match id_of_name.get(&name.to_lowercase()) {
                            Some(id) => format!("id:{id}"),
                            None => format!("name:{}", name.to_lowercase()),
                        })
                    } else {
                        None
                    };
                    let device = key.map(|key| {
                        let index = *device_index.entry(key).or_insert_with(|| {
                            devices.push(Device::default());
                            devices.len() - 1
                        });
                        let device = &mut devices[index];
                        if device.name.is_empty() {
                            device.name = name;
                        }
                        if device.id.is_empty() {
                            device.id = if id.is_empty() {
                                id_of_name.get(&device.name.to_lowercase()).cloned().unwrap_or(id)
                            } else {
                                id
                            };
                        }
                        index
                    });
                    let first = columns.first.as_ref().and_then(|c| nanos(c, row));
                    let last = columns.last.as_ref().and_then(|c| nanos(c, row));
                    let events = columns.count.map_or(1, |c| count(batch.column(c), row));
                    findings.push(Finding { rule, run, batch, row, device, first, last, events });
                }
            }
        }

        let mut tools: BTreeMap<String, Tool> = BTreeMap::new();
        for finding in &findings {
            let label = tool_label(&finding.run.rule);
            let tool =
                tools.entry(label.to_owned()).or_insert_with(|| Tool { name: label.to_owned(), ..Tool::default() });
            tool.activity.add(finding);
            if let Some(index) = finding.device {
                tool.devices.insert(index);
                let device = &mut devices[index];
                device.activity.add(finding);
                device.tools.entry(label.to_owned()).or_default().add(finding);
            }
        }

        // Sort devices by label, then renumber every reference to them.
        let mut order: Vec<usize> = (0..devices.len()).collect();
        order.sort_by_cached_key(|&i| (devices[i].label().to_lowercase(), devices[i].id.clone()));
        let mut new_index = vec![0; devices.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        let mut slots: Vec<Option<Device>> = devices.into_iter().map(Some).collect();
        let devices: Vec<Device> = order.iter().filter_map(|&old| slots[old].take()).collect();
        for finding in &mut findings {
            finding.device = finding.device.map(|old| new_index[old]);
        }
        let mut tools: Vec<Tool> = tools.into_values().collect();
        for tool in &mut tools {
            tool.devices = tool.devices.iter().map(|&old| new_index[old]).collect();
        }
        tools.sort_by_cached_key(|t| (t.name.to_lowercase(), t.name.clone()));

        Analysis { report, findings, devices, tools, ran, skipped, failed }
    }

    /// The findings of rule `rule` (an index in `report.rules`).
    pub fn findings_of(&self, rule: usize) -> &[Finding<'a>] {
        // Findings are in rule order: this rule's are one run of them.
        let start = self.findings.partition_point(|f| f.rule < rule);
        let end = self.findings.partition_point(|f| f.rule <= rule);
        &self.findings[start..end]
    }

    /// The union of the result columns over every rule, in order of first appearance.
    pub fn columns(&self) -> Vec<String> {
        let mut seen = BTreeSet::new();
        let mut columns = Vec::new();
        for run in &self.report.rules {
            let schemas = run.schema.iter().cloned().chain(run.batches.iter().map(RecordBatch::schema));
            for schema in schemas {
                for field in schema.fields() {
                    if seen.insert(field.name().clone()) {
                        columns.push(field.name().clone());
                    }
                }
            }
        }
        columns
    }

    /// The total number of events the exclusions removed.
    pub fn suppressed_total(&self) -> u64 {
        self.report.rules.iter().map(RuleRun::suppressed_total).sum()
    }
}

/// The name a rule's findings are grouped under: its tool, or its own name when it has none.
pub fn tool_label(rule: &Rule) -> &str {
    rule.tool.as_deref().filter(|t| !t.is_empty()).unwrap_or(&rule.name)
}

/// A datetime in the contract's spelling, or `""`.
pub fn datetime(ns: Option<i64>) -> String {
    ns.map(|ns| format_datetime(ns, TimeUnit::Nanosecond)).unwrap_or_default()
}

/// One finding's row as a JSON object, keys in column order.
pub fn row_object(batch: &RecordBatch, row: usize) -> serde_json::Value {
    let mut object = serde_json::Map::with_capacity(batch.num_columns());
    for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
        object.insert(field.name().clone(), to_json(column.as_ref(), row));
    }
    serde_json::Value::Object(object)
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// The columns of one batch that the renderers give a meaning to.
struct Located {
    device_id: Option<usize>,
    device_name: Option<usize>,
    /// Already cast to nanosecond timestamps.
    first: Option<ArrayRef>,
    last: Option<ArrayRef>,
    count: Option<usize>,
}

impl Located {
    fn new(batch: &RecordBatch) -> Located {
        let schema = batch.schema();
        let find = |names: &[&str]| {
            names.iter().find_map(|name| schema.fields().iter().position(|f| f.name().eq_ignore_ascii_case(name)))
        };
        let time = |names: &[&str]| find(names).and_then(|i| as_nanos(batch.column(i)));
        let mut first = time(&["FirstSeen", "min_Timestamp", "FirstTimestamp"]);
        let mut last = time(&["LastSeen", "max_Timestamp", "LastTimestamp"]);
        if first.is_none() && last.is_none() {
            first = time(&["Timestamp", "TimeGenerated"]);
            last.clone_from(&first);
        }
        Located {
            device_id: find(&["DeviceId"]),
            device_name: find(&["DeviceName", "Computer"]),
            first,
            last,
            count: find(&["Count", "count_", "EventCount"]),
        }
    }
}

/// A datetime column (or a string column of ISO datetimes) as nanosecond timestamps; other
/// columns are not times. Values out of range become null rather than an error.
fn as_nanos(column: &ArrayRef) -> Option<ArrayRef> {
    let target = match column.data_type() {
        DataType::Timestamp(_, zone) => DataType::Timestamp(TimeUnit::Nanosecond, zone.clone()),
        DataType::Date32 | DataType::Date64 | DataType::Utf8 | DataType::Utf8View | DataType::LargeUtf8 => {
            DataType::Timestamp(TimeUnit::Nanosecond, None)
        }
        _ => return None,
    };
    cast(column, &target).ok()
}

fn nanos(column: &ArrayRef, row: usize) -> Option<i64> {
    let array = column.as_primitive_opt::<TimestampNanosecondType>()?;
    (!array.is_null(row)).then(|| array.value(row))
}

/// A cell as text (a null string is `""`).
fn text(column: &ArrayRef, row: usize) -> String {
    to_display(column.as_ref(), row).trim().to_owned()
}

/// A count cell; null, negative or non-numeric counts as zero.
fn count(column: &ArrayRef, row: usize) -> u64 {
    match to_json(column.as_ref(), row) {
        serde_json::Value::Number(n) => {
            n.as_u64().or_else(|| n.as_f64().filter(|v| *v > 0.0).map(|v| v as u64)).unwrap_or(0)
        }
        _ => 0,
    }
}

/// The ATT&CK page of a technique id (`T1219`, `T1021.001`), or `None` for anything else.
pub fn technique_url(technique: &str) -> Option<String> {
    let id = technique.trim().to_ascii_uppercase();
    let (main, sub) = match id.split_once('.') {
        Some((main, sub)) => (main, Some(sub)),
        None => (id.as_str(), None),
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let number = main.strip_prefix('T').filter(|n| digits(n, 4))?;
    match sub {
        None => Some(format!("https://attack.mitre.org/techniques/T{number}/")),
        Some(sub) if digits(sub, 3) => Some(format!("https://attack.mitre.org/techniques/T{number}/{sub}/")),
        Some(_) => None,
    }
}
