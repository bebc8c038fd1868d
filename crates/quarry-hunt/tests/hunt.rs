//! The hunt over fixture data: the fixture seed rules' findings, the shared scan giving the same
//! rows as running each rule alone, exclusions with exact suppressed counts, --allow, missing
//! tables, failing rules and --since/--until.
//!
//! Data (tests/fixtures/data, now = 2024-05-03T00:00:00Z, the rules look back 5 days): matching
//! events inside the window, the same events outside it, and near misses that KQL's whole-term
//! `has` must reject (`MMSoftDesign`, `ScreenConnectX`, `PDQConnectAgentService`,
//! `myserver.action1.com`). See the comments on each test for the events that matter.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kql_engine::Engine;
use quarry_data::{ReadOptions, discover_all, read_table};
use quarry_hunt::exclusion::parse_exclusions;
use quarry_hunt::hunt::{AllowedTool, HuntOptions, HuntReport, RuleRun, RuleStatus, hunt};
use quarry_hunt::load::load_rules;
use quarry_hunt::{Rule, RuleSource};

mod common;
use common::rows_of;

const NOW: &str = "2024-05-03T00:00:00Z";
const PULSEWAY_PROCESS: &str = "a0000000-0000-4000-8000-000000000001";
const PULSEWAY_SIGNATURE: &str = "a0000000-0000-4000-8000-000000000002";
const CONNECTWISE: &str = "a0000000-0000-4000-8000-000000000003";
const PDQ: &str = "a0000000-0000-4000-8000-000000000004";
const ACTION1: &str = "a0000000-0000-4000-8000-000000000005";

fn fixtures(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

fn now() -> i64 {
    kql_engine::plan::literal::parse_datetime(NOW).unwrap()
}

fn engine(tables: &[&str]) -> Arc<Engine> {
    let mut engine = Engine::new(now());
    let catalog = kql_semantics::SchemaCatalog::defender();
    for source in discover_all(&[fixtures("data")]).unwrap() {
        if !tables.contains(&source.name.as_str()) {
            continue;
        }
        let data = read_table(&source, &catalog, &ReadOptions::default()).unwrap();
        assert_eq!(data.rejected_count, 0);
        engine.register_batches(&data.name, data.schema, data.batches).unwrap();
    }
    Arc::new(engine)
}

fn all_tables() -> Arc<Engine> {
    engine(&["DeviceProcessEvents", "DeviceNetworkEvents", "DeviceFileCertificateInfo"])
}

fn seeds() -> Vec<Arc<Rule>> {
    let loaded = load_rules(&[fixtures("seeds")]);
    assert!(loaded.problems.is_empty());
    loaded.rules
}

fn options() -> HuntOptions {
    HuntOptions { now: now(), ..HuntOptions::default() }
}

async fn run(engine: &Arc<Engine>, rules: &[Arc<Rule>], options: &HuntOptions) -> HuntReport {
    hunt(engine, rules, options, &mut |_| {}).await
}

fn rule<'a>(report: &'a HuntReport, id: &str) -> &'a RuleRun {
    report.rules.iter().find(|r| r.rule.id == id).unwrap()
}

/// The result rows as sorted lines of `column=value` text; sets (`[..]`) sorted too, since
/// make_set's order is not specified.
fn rows(run: &RuleRun) -> Vec<String> {
    rows_of(&run.batches)
}

#[tokio::test]
async fn seed_rules_find_the_planted_activity_and_nothing_else() {
    let report = run(&all_tables(), &seeds(), &options()).await;
    assert!(report.rules.iter().all(|r| r.status == RuleStatus::Ran), "{:#?}", report.rules);
    let summary: BTreeMap<&str, Vec<String>> = report
        .rules
        .iter()
        .map(|r| {
            let short: Vec<String> = rows(r)
                .into_iter()
                .map(|row| {
                    row.split(' ')
                        .filter(|c| c.starts_with("DeviceId=") || c.starts_with("Count=") || c.starts_with("Report="))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            (r.rule.tool.as_deref().unwrap_or(""), short)
        })
        .collect();
    // Pulseway appears twice: process and signature rules; the map keeps the later one.
    assert_eq!(rows(rule(&report, PULSEWAY_PROCESS)).len(), 1);
    assert!(rows(rule(&report, PULSEWAY_PROCESS))[0].contains("DeviceId=dev-1"));
    assert!(rows(rule(&report, PULSEWAY_PROCESS))[0].contains("Report=[11,12]"));
    assert!(rows(rule(&report, PULSEWAY_PROCESS))[0].contains("Count=2"));
    assert_eq!(summary["Pulseway"], ["DeviceId=dev-1 Report=[13] Count=1"]);
    assert_eq!(summary["ConnectWise"], ["DeviceId=dev-3 Report=[31,32,33,34] Count=4"]);
    assert_eq!(summary["PDQ"], ["DeviceId=dev-5 Report=[51,52,53] Count=3"]);
    assert_eq!(summary["Action1"], ["DeviceId=dev-7 Report=[71,72,73] Count=3"]);
    let action1 = rows(rule(&report, ACTION1));
    assert!(action1[0].contains("RemoteUrl=https://server.action1.com/agent"), "{action1:?}");
    assert!(action1[0].contains("FirstSeen=2024-05-01T01:00:00"), "{action1:?}");
}

#[tokio::test]
async fn the_shared_scan_reads_each_table_once_and_gives_the_same_rows_as_running_each_rule_alone() {
    let engine = all_tables();
    let mut rules = seeds();
    // Shapes the scan cannot narrow: an open result (all columns), a subquery on the same
    // table, a filter behind a let function, a table read only in a join.
    let extra = [
        ("open", "DeviceProcessEvents | where FileName endswith '.exe' and ReportId > 50"),
        (
            "subquery",
            "DeviceProcessEvents | where DeviceId in ((DeviceProcessEvents | where ReportId == 21 | project DeviceId)) | project ReportId",
        ),
        (
            "letsource",
            "let pw = DeviceProcessEvents | where ProcessVersionInfoProductName has 'Pulseway'; pw | summarize count() by DeviceId",
        ),
        (
            "join",
            "DeviceProcessEvents | where ReportId < 30 | join kind=inner (DeviceFileCertificateInfo | project DeviceId, Signer) on DeviceId | project ReportId, Signer",
        ),
        ("star", "DeviceProcessEvents | where ReportId < 12 | summarize arg_max(Timestamp, *) by DeviceId"),
        (
            "shadow",
            "let FileName = 'cmd.exe'; DeviceProcessEvents | where FileName == 'cmd.exe' | summarize count() by DeviceId",
        ),
    ];
    for (id, query) in extra {
        rules.push(Arc::new(Rule {
            source: RuleSource::File(PathBuf::from(format!("{id}.kql"))),
            ..Rule::new(id, id, query)
        }));
    }
    let shared = run(&engine, &rules, &options()).await;
    let direct = run(&engine, &rules, &HuntOptions { direct: true, ..options() }).await;
    for (a, b) in shared.rules.iter().zip(&direct.rules) {
        assert_eq!(a.status, RuleStatus::Ran, "{}: {:?}", a.rule.id, a.status);
        assert_eq!(rows(a), rows(b), "{}", a.rule.id);
        assert_eq!(a.schema.as_ref().map(|s| s.fields().len()), b.schema.as_ref().map(|s| s.fields().len()));
    }
    assert!(!rows(rule(&shared, "open")).is_empty());
    assert_eq!(rows(rule(&shared, "subquery")), ["ReportId=21"]);
    assert_eq!(rows(rule(&shared, "join")).len(), 4);
    let scans: Vec<(&str, u32, u64, u32)> =
        shared.scans.iter().map(|s| (s.table.as_str(), s.scans, s.rows_read, s.rules)).collect();
    assert_eq!(
        scans,
        [("DeviceFileCertificateInfo", 1, 2, 2), ("DeviceNetworkEvents", 1, 5, 1), ("DeviceProcessEvents", 1, 13, 9)]
    );
    // Direct execution reads each table once per rule.
    let direct_scans: Vec<(&str, u32)> = direct.scans.iter().map(|s| (s.table.as_str(), s.scans)).collect();
    assert_eq!(
        direct_scans,
        [("DeviceFileCertificateInfo", 2), ("DeviceNetworkEvents", 1), ("DeviceProcessEvents", 9)]
    );
}

#[tokio::test]
async fn the_scan_keeps_only_rows_some_rule_wants_when_every_rule_is_analysable() {
    let report = run(&all_tables(), &seeds(), &options()).await;
    let kept: Vec<(&str, u64, u64)> =
        report.scans.iter().map(|s| (s.table.as_str(), s.rows_read, s.rows_kept)).collect();
    // Process: 11, 12 (Pulseway), 31-34 (ConnectWise), 51-53 (PDQ), plus one near miss the scan
    // keeps because it tests one conjunct of a rule (the company, not the product; the rule itself
    // then drops it); network: 71-73; signer: 13.
    assert_eq!(
        kept,
        [("DeviceFileCertificateInfo", 2, 1), ("DeviceNetworkEvents", 5, 3), ("DeviceProcessEvents", 13, 10)]
    );
}

#[tokio::test]
async fn scenario_exclusions_suppress_exact_counts_attributed_to_the_first_match() {
    let report = run(&all_tables(), &seeds(), &HuntOptions { scenario_exclusions: true, ..options() }).await;
    for r in &report.rules {
        assert_eq!(r.status, RuleStatus::Ran, "{}", r.rule.id);
    }
    let counts = |id: &str| -> Vec<(String, u64)> {
        rule(&report, id)
            .suppressed
            .iter()
            .map(|s| (s.origin.rsplit(' ').next().unwrap().to_string(), s.events))
            .collect()
    };
    // ConnectWise: 31 (parent ConnectWise) and 32 (scheduled_job) by scenario 1; scenario 2 is
    // a narrower form of 1, so nothing is left for it; 33 (path ends connectwise_agent.exe,
    // in upper case) by 3; 34 (`scheduledXjob`: `_` is not a wildcard) stays.
    let connectwise: Vec<(String, u64)> = ["1", "2", "3", "4", "5"].iter().map(|n| (n.to_string(), 0)).collect();
    let mut expected = connectwise;
    expected[0].1 = 2;
    expected[2].1 = 1;
    assert_eq!(counts(CONNECTWISE), expected);
    assert_eq!(rows(rule(&report, CONNECTWISE)).len(), 1);
    assert!(rows(rule(&report, CONNECTWISE))[0].contains("Report=[34]"));
    // PDQ: 52 (schtasks.exe) by 1, 51 (account ITAdminsGroup-svc) by 2; 53 stays.
    assert_eq!(counts(PDQ), [("1".into(), 1), ("2".into(), 1), ("3".into(), 0), ("4".into(), 0), ("5".into(), 0)]);
    assert!(rows(rule(&report, PDQ))[0].contains("Report=[53]"));
    // Action1: 72 (SETUP.EXE) by 1, 73 (10.10.10.20) by 2; 71 stays.
    assert_eq!(counts(ACTION1), [("1".into(), 1), ("2".into(), 1), ("3".into(), 0), ("4".into(), 0), ("5".into(), 0)]);
    assert!(rows(rule(&report, ACTION1))[0].contains("Report=[71]"));
    assert_eq!(rule(&report, ACTION1).suppressed_total(), 2);
    // Prose-only and unmappable scenarios are reported, not applied.
    let pulseway = &rule(&report, PULSEWAY_PROCESS).suppressed;
    assert_eq!(pulseway.len(), 5);
    assert!(pulseway.iter().all(|s| s.events == 0 && s.reason.starts_with("not applied: prose only")));
    let signature = &rule(&report, PULSEWAY_SIGNATURE).suppressed;
    assert!(signature[4].reason.contains("`event_id`"), "{}", signature[4].reason);
    assert_eq!(rows(rule(&report, PULSEWAY_SIGNATURE)).len(), 1);
}

#[tokio::test]
async fn exclusions_file_targets_rules_tools_and_all_with_expiry() {
    let text = r#"
- rule: a0000000-0000-4000-8000-000000000003
  where: ProcessCommandLine has "scheduled_job"
  reason: nightly job
- tool: pdq
  where: AccountName startswith "ITAdmins"
  reason: admins deploy with PDQ
- rule: "*"
  table: DeviceNetworkEvents
  where: RemoteIP == "10.10.10.20"
  reason: internal relay
- rule: "*"
  where: DeviceId == "dev-1"
  reason: lab machine
  expires: 2024-05-01
- rule: a0000000-0000-4000-8000-000000000004
  where: NoSuchColumn == 1
  reason: typo
- rule: "*"
  where: RemoteIP == "52.1.1.1" and InitiatingProcessFileName =~ "SETUP.exe"
  reason: only network tables have RemoteIP
"#;
    let file = parse_exclusions(Path::new("exclusions.yaml"), text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let report = run(&all_tables(), &seeds(), &HuntOptions { exclusions: file.exclusions, ..options() }).await;
    for r in &report.rules {
        assert_eq!(r.status, RuleStatus::Ran, "{}", r.rule.id);
    }
    let summary = |id: &str| -> Vec<(String, u64)> {
        rule(&report, id).suppressed.iter().map(|s| (s.origin.clone(), s.events)).collect()
    };
    assert_eq!(summary(CONNECTWISE), [("exclusions.yaml:2".to_string(), 1), ("exclusions.yaml:12".to_string(), 0)]);
    assert_eq!(
        summary(PDQ),
        [
            ("exclusions.yaml:5".to_string(), 1),
            ("exclusions.yaml:12".to_string(), 0),
            ("exclusions.yaml:16".to_string(), 0)
        ]
    );
    // The last entry names no table: it applies where its columns exist (72) and is not
    // reported against the process and certificate rules. Applied exclusions come first, then
    // those not applied (the expired one).
    assert_eq!(
        summary(ACTION1),
        [
            ("exclusions.yaml:8".to_string(), 1),
            ("exclusions.yaml:19".to_string(), 1),
            ("exclusions.yaml:12".to_string(), 0)
        ]
    );
    let pdq = &rule(&report, PDQ).suppressed;
    assert!(pdq[1].reason.starts_with("not applied: expired 2024-05-01"), "{}", pdq[1].reason);
    assert!(pdq[2].reason.contains("NoSuchColumn"), "{}", pdq[2].reason);
    // The expired exclusion did not remove dev-1's Pulseway events.
    assert!(rows(rule(&report, PULSEWAY_PROCESS))[0].contains("Count=2"));
    assert!(rows(rule(&report, CONNECTWISE))[0].contains("Count=3"));
}

#[tokio::test]
async fn allowed_tools_and_missing_tables_are_skipped_with_why() {
    let engine = engine(&["DeviceProcessEvents", "DeviceNetworkEvents"]);
    let options = HuntOptions { allow: vec![AllowedTool::new("connectwise")], ..options() };
    let report = run(&engine, &seeds(), &options).await;
    assert_eq!(
        rule(&report, CONNECTWISE).status,
        RuleStatus::Skipped { reason: "tool ConnectWise is allowed (--allow connectwise)".into() }
    );
    assert_eq!(
        rule(&report, PULSEWAY_SIGNATURE).status,
        RuleStatus::Skipped { reason: "table DeviceFileCertificateInfo is not in the data".into() }
    );
    assert_eq!(rule(&report, PDQ).status, RuleStatus::Ran);
    assert_eq!(report.rules.len(), 5, "skipped rules stay in the report, in pack order");
    // Folder order: action1_network.txt comes first.
    assert_eq!(report.rules[0].rule.id, ACTION1);
}

#[tokio::test]
async fn a_failing_rule_is_reported_at_its_file_line_and_column_and_the_others_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.yaml"),
        "id: bad\nname: Bad\nquery: |\n  DeviceProcessEvents\n  | where FileNam == 'x'\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("good.kql"), "DeviceProcessEvents | summarize count()").unwrap();
    std::fs::write(
        dir.path().join("unsupported.kql"),
        "DeviceProcessEvents\n| make-series count() on Timestamp step 1d",
    )
    .unwrap();
    let rules = load_rules(&[dir.path().to_path_buf()]).rules;
    let report = run(&all_tables(), &rules, &options()).await;
    let RuleStatus::Failed { reason } = &rule(&report, "bad").status else {
        panic!("{:?}", rule(&report, "bad").status)
    };
    assert!(reason.contains("bad.yaml:5:11: error["), "{reason}");
    assert!(reason.contains("FileNam"), "{reason}");
    assert_eq!(rows(rule(&report, "good")), ["count_=13"]);
    let RuleStatus::Failed { reason } = &rule(&report, "unsupported").status else { panic!("should fail") };
    assert!(reason.contains("unsupported.kql:2:3: error[KE001]"), "{reason}");
    assert!(reason.contains("make-series"), "{reason}");
}

#[tokio::test]
async fn since_and_until_narrow_every_table() {
    let since = kql_engine::plan::literal::parse_datetime("2024-05-01T12:00:00Z").unwrap();
    let until = kql_engine::plan::literal::parse_datetime("2024-05-01T12:10:00Z").unwrap();
    let report =
        run(&all_tables(), &seeds(), &HuntOptions { since: Some(since), until: Some(until), ..options() }).await;
    // Only 31 and 32 fall in [12:00, 12:10); 33 at 12:10 is excluded (until is exclusive).
    assert!(rows(rule(&report, CONNECTWISE))[0].contains("Report=[31,32]"));
    assert!(rows(rule(&report, PDQ)).is_empty());
    assert!(rows(rule(&report, PULSEWAY_SIGNATURE)).is_empty());
    assert_eq!(report.since, Some(since));
}
