//! The shared scan's time window over a Quarry store: the day files and row groups outside the
//! loosest window holding every rule's are never read, and the findings are those of running
//! each rule straight over the whole data.
//!
//! Data: a store of DeviceProcessEvents over 14 days (2024-04-19 to 2024-05-02, one event an
//! hour, row groups of 6 rows), now = 2024-05-03T00:00:00Z. Each hour's event is one of
//! `AnyDesk.exe`, `rare.exe`, `noise.exe` on one of four devices, so every rule finds events on
//! every day it looks at.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use kql_engine::Engine;
use quarry_hunt::hunt::{Bounds, HuntOptions, HuntReport, RuleStatus, TableScan, hunt};
use quarry_hunt::{Rule, RuleSource};

mod common;
use common::rows_of;

const HOUR: i64 = 3_600_000_000_000;
const DAY: i64 = 24 * HOUR;

fn at(text: &str) -> i64 {
    kql_engine::plan::literal::parse_datetime(text).unwrap()
}

fn now() -> i64 {
    at("2024-05-03T00:00:00Z")
}

/// Writes the events as NDJSON and ingests them into a store under `dir`.
fn store(dir: &Path) -> Vec<(String, Vec<std::path::PathBuf>)> {
    let input = dir.join("input");
    std::fs::create_dir_all(&input).unwrap();
    let mut out = std::fs::File::create(input.join("DeviceProcessEvents.json")).unwrap();
    let start = at("2024-04-19T00:00:00Z");
    let names = ["AnyDesk.exe", "rare.exe", "noise.exe"];
    for hour in 0..14 * 24 {
        let t = start + hour * HOUR + 17_000_000_000;
        let (date, time) = (day_text(t), (t.rem_euclid(DAY)) / 1_000_000_000);
        let stamp = format!("{date}T{:02}:{:02}:{:02}Z", time / 3600, time % 3600 / 60, time % 60);
        let name = names[(hour % 3) as usize];
        writeln!(
            out,
            r#"{{"Timestamp": "{stamp}", "DeviceId": "dev-{}", "DeviceName": "dev-{}.corp", "ReportId": {hour}, "FileName": "{name}", "FolderPath": "C:\\Tools\\{name}", "ProcessCommandLine": "{name} --run"}}"#,
            hour % 4,
            hour % 4,
        )
        .unwrap();
    }
    drop(out);
    let store = dir.join("store");
    let options = quarry_data::IngestOptions { row_group_rows: 6, ..quarry_data::IngestOptions::default() };
    let catalog = kql_semantics::SchemaCatalog::defender();
    quarry_data::ingest(&[&input], &store, &catalog, &options, &quarry_data::NoProgress).unwrap();
    quarry_data::store::store_tables(&store).unwrap()
}

fn day_text(t: i64) -> String {
    let (y, m, d) = quarry_data::values::civil_from_days(t.div_euclid(DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

async fn engine(dir: &Path) -> Arc<Engine> {
    let mut engine = Engine::new(now());
    for (name, files) in store(dir) {
        assert_eq!(files.len(), 14, "{name}: one file a day");
        engine.register_parquet(&name, &files).await.unwrap();
    }
    Arc::new(engine)
}

fn rule(id: &str, query: &str) -> Arc<Rule> {
    Arc::new(Rule { source: RuleSource::BuiltIn, ..Rule::new(id, id, query) })
}

const LAST_5_DAYS: &str = "DeviceProcessEvents | where Timestamp between (ago(5d) .. now()) | where FileName =~ 'AnyDesk.exe' | project Timestamp, DeviceId, FileName, ReportId";
const LAST_3_DAYS: &str = "DeviceProcessEvents | where Timestamp > ago(3d) and FileName has 'rare' | summarize Events = count(), First = min(Timestamp), Last = max(Timestamp) by DeviceId";
const TWO_DAYS_FROM: &str = "DeviceProcessEvents | where Timestamp between (datetime(2024-04-25) .. 2d) | where FileName =~ 'noise.exe' | summarize Events = count() by DeviceId";
const NO_WINDOW: &str = "DeviceProcessEvents | where FileName =~ 'rare.exe' | summarize Events = count(), First = min(Timestamp), Last = max(Timestamp)";

async fn run(engine: &Arc<Engine>, rules: &[Arc<Rule>], options: &HuntOptions) -> HuntReport {
    let report = hunt(engine, rules, options, &mut |_| {}).await;
    for r in &report.rules {
        assert_eq!(r.status, RuleStatus::Ran, "{}: {:?}", r.rule.id, r.status);
    }
    report
}

/// Each rule's result rows as sorted text.
fn findings(report: &HuntReport) -> Vec<(String, Vec<String>)> {
    report.rules.iter().map(|r| (r.rule.id.clone(), rows_of(&r.batches))).collect()
}

fn scan(report: &HuntReport) -> &TableScan {
    assert_eq!(report.scans.len(), 1);
    &report.scans[0]
}

fn options() -> HuntOptions {
    HuntOptions { now: now(), ..HuntOptions::default() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn day_files_outside_the_rules_windows_are_not_read_and_findings_do_not_change() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    let rules = [rule("five", LAST_5_DAYS), rule("three", LAST_3_DAYS)];
    let shared = run(&engine, &rules, &options()).await;
    let direct = run(&engine, &rules, &HuntOptions { direct: true, ..options() }).await;
    assert_eq!(findings(&shared), findings(&direct));
    // 5 days of AnyDesk (one event in three), 3 days of rare.exe on four devices.
    assert_eq!(rows_of(&shared.rules[0].batches).len(), 40);
    assert_eq!(rows_of(&shared.rules[1].batches).len(), 4);

    // The loosest window starts 5 days ago (and has no end: `> ago(3d)` has none), 5 of the
    // 14 day files.
    let s = scan(&shared);
    assert_eq!(s.window, Some(Bounds { from: Some(now() - 5 * DAY), to: None }));
    assert_eq!(s.files, Some((5, 14)));
    assert_eq!(s.row_groups.map(|(read, _)| read), Some(20), "4 row groups a day");
    assert_eq!((s.rows_read, s.rows_total), (5 * 24, 14 * 24));
    // The scan keeps a superset: the 3-day rule's alternative is widened to its `has 'rare'`
    // (see widen.rs), so it keeps rare.exe of all 5 days read.
    assert_eq!(s.rows_kept, 40 + 40);
    let line = s.to_string();
    assert!(
        line.starts_with("table DeviceProcessEvents: 1 scan, window 2024-04-28.., 5 of 14 files, 20 of "),
        "{line}"
    );
    assert!(line.ends_with(" row groups, 120 of 336 rows read, 80 kept, 2 rules"), "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn windows_that_differ_are_covered_by_one_interval() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    // 2024-04-25 .. 2024-04-27 (a timespan after a datetime), and the last 3 days: the cover is
    // 2024-04-25 .. now, 8 day files, though the rules between them read only 5 days.
    let rules = [rule("three", LAST_3_DAYS), rule("two", TWO_DAYS_FROM)];
    let shared = run(&engine, &rules, &options()).await;
    let direct = run(&engine, &rules, &HuntOptions { direct: true, ..options() }).await;
    assert_eq!(findings(&shared), findings(&direct));
    assert_eq!(rows_of(&shared.rules[1].batches).len(), 4);
    let s = scan(&shared);
    assert_eq!(s.window, Some(Bounds { from: Some(at("2024-04-25T00:00:00Z")), to: None }));
    assert_eq!(s.files, Some((8, 14)));
    assert_eq!(s.rows_read, 8 * 24);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_without_a_time_filter_still_sees_the_whole_table() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    let rules = [rule("five", LAST_5_DAYS), rule("three", LAST_3_DAYS), rule("all", NO_WINDOW)];
    let shared = run(&engine, &rules, &options()).await;
    let direct = run(&engine, &rules, &HuntOptions { direct: true, ..options() }).await;
    assert_eq!(findings(&shared), findings(&direct));
    assert_eq!(rows_of(&shared.rules[2].batches), ["Events=112 First=2024-04-19T01:00:17 Last=2024-05-02T22:00:17"]);
    let s = scan(&shared);
    assert_eq!(s.window, None);
    assert_eq!(s.files, Some((14, 14)));
    assert_eq!((s.rows_read, s.rows_total), (336, 336));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn since_and_until_bound_the_scan_within_the_rules_windows() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    let rules = [rule("five", LAST_5_DAYS), rule("three", LAST_3_DAYS), rule("all", NO_WINDOW)];
    // Half past noon on 2024-04-30 to 2024-05-02: two day files, and in the first only the
    // row groups from noon on (6 hours each).
    let bounded =
        HuntOptions { since: Some(at("2024-04-30T12:30:00Z")), until: Some(at("2024-05-02T00:00:00Z")), ..options() };
    let shared = run(&engine, &rules, &bounded).await;
    let direct = run(&engine, &rules, &HuntOptions { direct: true, ..bounded.clone() }).await;
    assert_eq!(findings(&shared), findings(&direct));
    assert_eq!(rows_of(&shared.rules[2].batches), ["Events=12 First=2024-04-30T13:00:17 Last=2024-05-01T22:00:17"]);
    let s = scan(&shared);
    assert_eq!(s.window, Some(Bounds { from: bounded.since, to: Some(at("2024-05-02T00:00:00Z") - 1) }));
    assert_eq!(s.files, Some((2, 14)));
    assert_eq!(s.row_groups.map(|(read, _)| read), Some(6));
    assert_eq!(s.rows_read, 36);
    assert!(s.to_string().contains("window 2024-04-30T12:30:00Z..2024-05-01T23:59:59.999999999Z"), "{s}");

    // The same with the rules' windows alone narrowing the scan (the rule without one gone).
    let rules = [rule("five", LAST_5_DAYS), rule("three", LAST_3_DAYS)];
    let since = HuntOptions { since: Some(at("2024-04-20T00:00:00Z")), ..options() };
    let shared = run(&engine, &rules, &since).await;
    let direct = run(&engine, &rules, &HuntOptions { direct: true, ..since.clone() }).await;
    assert_eq!(findings(&shared), findings(&direct));
    assert_eq!(scan(&shared).files, Some((5, 14)));
}
