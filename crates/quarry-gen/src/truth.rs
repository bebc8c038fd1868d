//! `ground-truth.json`: what the built-in rules should find in the generated data.
//!
//! For every device and tool whose indicators some planted row carries, per table: the rows
//! inside the lookback window that ends at `--end` (FirstSeen, LastSeen, Count and the set of
//! ReportIds, exactly what the seed rules' `summarize` returns with `--now` set to `--end`),
//! and the rows before it that a windowed rule must ignore. Decoy devices are listed with the
//! tools they imitate: no rule may report them.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::GenOptions;
use crate::fleet::Fleet;
use crate::plant::{Plan, PlantKind};
use crate::table::Table;
use crate::time::iso;

/// The whole file.
#[derive(Serialize)]
pub struct GroundTruth {
    /// File format version.
    pub version: u32,
    /// The options that made the data.
    pub generator: Generator,
    /// The `now()` to hunt with (`--now`): the generator's `--end`.
    pub now: String,
    /// The lookback window the counts are for.
    pub window: Window,
    /// Where the planted tools came from (`catalogue` or `built-in test list`).
    pub tools_source: String,
    /// Every (device, tool) with rows inside the window: what a rule of that tool finds.
    pub findings: Vec<Finding>,
    /// Plantings whose rows all lie before the window: a windowed rule finds nothing.
    pub outside_window: Vec<Finding>,
    /// Devices with only near misses: no rule may report them.
    pub decoy_devices: Vec<DecoyDevice>,
    /// Near-miss rows written, on decoy and on planted devices.
    pub decoy_rows: usize,
    /// Rows written per table.
    pub rows: BTreeMap<String, u64>,
}

/// Generator options.
#[derive(Serialize)]
pub struct Generator {
    /// Seed.
    pub seed: u64,
    /// Rows requested.
    pub events: u64,
    /// Devices.
    pub devices: usize,
    /// First instant.
    pub start: String,
    /// End instant (exclusive).
    pub end: String,
    /// Layout.
    pub format: String,
}

/// The lookback window.
#[derive(Serialize)]
pub struct Window {
    /// `now() - lookback`.
    pub start: String,
    /// `now()`.
    pub end: String,
    /// Lookback in days.
    pub days: f64,
}

/// What a rule of `tool` should report for one device.
#[derive(Serialize)]
pub struct Finding {
    /// Device id.
    #[serde(rename = "DeviceId")]
    pub device_id: String,
    /// Device name.
    #[serde(rename = "DeviceName")]
    pub device_name: String,
    /// Tool name (the rules' `tool`).
    pub tool: String,
    /// Tool slug.
    pub slug: String,
    /// Whether the tool was planted on the device (false: another tool's rows carry this
    /// tool's indicators too).
    pub planted: bool,
    /// Per table (the rule kinds that should fire): the window's summary.
    pub tables: BTreeMap<String, TableTruth>,
}

/// One table's summary for a (device, tool).
#[derive(Serialize, Clone)]
pub struct TableTruth {
    /// Rule kind: `process`, `network`, `signature`, `file`, `registry`.
    pub rule_kind: &'static str,
    /// The built-in pack's rule of this tool and table (with the built-in catalogue).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_name: Option<String>,
    /// `min(Timestamp)`.
    #[serde(rename = "FirstSeen")]
    pub first_seen: String,
    /// `max(Timestamp)`.
    #[serde(rename = "LastSeen")]
    pub last_seen: String,
    /// `count()`.
    #[serde(rename = "Count")]
    pub count: usize,
    /// `make_set(ReportId)`, sorted.
    #[serde(rename = "ReportIds")]
    pub report_ids: Vec<i64>,
    /// For network rows, the same per `RemoteUrl` (rules that also group by it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_remote_url: Vec<UrlTruth>,
    /// Rows of the same (device, tool, table) before the window.
    pub before_window: usize,
}

/// A network summary for one URL.
#[derive(Serialize, Clone)]
pub struct UrlTruth {
    /// The URL.
    #[serde(rename = "RemoteUrl")]
    pub remote_url: String,
    /// `min(Timestamp)`.
    #[serde(rename = "FirstSeen")]
    pub first_seen: String,
    /// `max(Timestamp)`.
    #[serde(rename = "LastSeen")]
    pub last_seen: String,
    /// `count()`.
    #[serde(rename = "Count")]
    pub count: usize,
    /// `make_set(ReportId)`.
    #[serde(rename = "ReportIds")]
    pub report_ids: Vec<i64>,
}

/// A decoy-only device.
#[derive(Serialize)]
pub struct DecoyDevice {
    /// Device id.
    #[serde(rename = "DeviceId")]
    pub device_id: String,
    /// Device name.
    #[serde(rename = "DeviceName")]
    pub device_name: String,
    /// Tools its near misses imitate.
    pub imitates: Vec<String>,
}

fn kind(table: Table) -> &'static str {
    match table {
        Table::Process => "process",
        Table::Network => "network",
        Table::Certificate => "signature",
        Table::File => "file",
        Table::Registry => "registry",
        Table::Logon | Table::Info => "none",
    }
}

struct Acc {
    rows: Vec<(i64, i64, String)>,
    before: usize,
}

fn summarize(table: Table, acc: &Acc) -> Option<TableTruth> {
    let first = acc.rows.iter().map(|r| r.0).min()?;
    let last = acc.rows.iter().map(|r| r.0).max()?;
    let mut ids: Vec<i64> = acc.rows.iter().map(|r| r.1).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut by_remote_url = Vec::new();
    if table == Table::Network {
        let mut urls: BTreeMap<&str, Vec<(i64, i64)>> = BTreeMap::new();
        for (ts, id, url) in &acc.rows {
            urls.entry(url).or_default().push((*ts, *id));
        }
        for (url, rows) in urls {
            let mut ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
            ids.sort_unstable();
            ids.dedup();
            by_remote_url.push(UrlTruth {
                remote_url: url.to_string(),
                first_seen: iso(rows.iter().map(|r| r.0).min().unwrap_or(first)),
                last_seen: iso(rows.iter().map(|r| r.0).max().unwrap_or(last)),
                count: rows.len(),
                report_ids: ids,
            });
        }
    }
    Some(TableTruth {
        rule_kind: kind(table),
        rule_id: None,
        rule_name: None,
        first_seen: iso(first),
        last_seen: iso(last),
        count: acc.rows.len(),
        report_ids: ids,
        by_remote_url,
        before_window: acc.before,
    })
}

/// Builds the ground truth from the plan and the ReportIds the planted rows got.
pub fn build(
    opts: &GenOptions,
    plan: &Plan,
    fleet: &Fleet,
    report_ids: &[i64],
    rows: &[u64; 7],
    source: &str,
) -> GroundTruth {
    // (device, tool) -> table -> rows
    let mut acc: BTreeMap<(usize, usize), BTreeMap<Table, Acc>> = BTreeMap::new();
    for (i, row) in plan.rows.iter().enumerate() {
        if row.decoy {
            continue;
        }
        let table = row.kind.table();
        for &t in &plan.row_tools[i] {
            let entry =
                acc.entry((row.device, t)).or_default().entry(table).or_insert(Acc { rows: Vec::new(), before: 0 });
            if row.ts >= plan.window_start && row.ts <= opts.end {
                let url = match &row.kind {
                    PlantKind::Network { url, .. } => url.clone(),
                    _ => String::new(),
                };
                entry.rows.push((row.ts, report_ids[i], url));
            } else {
                entry.before += 1;
            }
        }
    }
    let mut findings = Vec::new();
    let mut outside = Vec::new();
    for ((device, t), tables) in &acc {
        let dev = &fleet.devices[*device];
        let tool = &plan.tools[*t];
        let planted = plan.plantings.iter().any(|p| p.device == *device && p.tool == *t);
        let mut summaries: BTreeMap<String, TableTruth> = tables
            .iter()
            .filter_map(|(table, a)| summarize(*table, a).map(|s| (table.name().to_string(), s)))
            .collect();
        if source == "catalogue" {
            for (table, s) in summaries.iter_mut() {
                let rule = quarry_hunt::generate::builtin_pack().iter().find(|r| {
                    r.tool.as_deref() == Some(tool.name.as_str())
                        && r.data_connectors.iter().any(|c| c.data_types.iter().any(|d| d == table))
                });
                s.rule_id = rule.map(|r| r.id.clone());
                s.rule_name = rule.map(|r| r.name.clone());
            }
        }
        let finding = |tables| Finding {
            device_id: dev.id.clone(),
            device_name: dev.name.clone(),
            tool: tool.name.clone(),
            slug: tool.slug.clone(),
            planted,
            tables,
        };
        if summaries.is_empty() {
            let before: BTreeMap<String, TableTruth> = tables
                .iter()
                .map(|(table, a)| {
                    (
                        table.name().to_string(),
                        TableTruth {
                            rule_kind: kind(*table),
                            rule_id: None,
                            rule_name: None,
                            first_seen: String::new(),
                            last_seen: String::new(),
                            count: 0,
                            report_ids: Vec::new(),
                            by_remote_url: Vec::new(),
                            before_window: a.before,
                        },
                    )
                })
                .collect();
            outside.push(finding(before));
        } else {
            findings.push(finding(summaries));
        }
    }
    let decoy_devices = plan
        .decoy_devices
        .iter()
        .map(|(d, tools)| DecoyDevice {
            device_id: fleet.devices[*d].id.clone(),
            device_name: fleet.devices[*d].name.clone(),
            imitates: tools.iter().map(|t| plan.tools[*t].name.clone()).collect(),
        })
        .collect();
    GroundTruth {
        version: 1,
        generator: Generator {
            seed: opts.seed,
            events: opts.events,
            devices: opts.devices,
            start: iso(opts.start),
            end: iso(opts.end),
            format: opts.format.name().to_string(),
        },
        now: iso(opts.end),
        window: Window { start: iso(plan.window_start), end: iso(opts.end), days: opts.plant.lookback_days },
        tools_source: source.to_string(),
        findings,
        outside_window: outside,
        decoy_devices,
        decoy_rows: plan.rows.iter().filter(|r| r.decoy).count(),
        rows: Table::ALL.iter().map(|t| (t.name().to_string(), rows[t.index()])).collect(),
    }
}
