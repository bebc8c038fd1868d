//! `quarry hunt` end to end over fixture seed documents (`hunt-seeds`, the seed document format
//! with the seeds' filter lines) and events (`hunt-events`): matches inside the rules' 5-day
//! window, the same activity outside it, near misses for KQL's whole-term `has`, and benign
//! events the scenarios' exclusions describe. now = 2024-05-03T00:00:00Z.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const NOW: &str = "2024-05-03T00:00:00Z";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn quarry_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quarry")).args(args).current_dir(dir).output().expect("run quarry")
}

fn quarry(args: &[&str]) -> Output {
    quarry_in(&fixtures(), args)
}

fn hunt_json(extra: &[&str]) -> (Value, String, Option<i32>) {
    let mut args = vec!["hunt", "--rules", "hunt-seeds", "-d", "hunt-events", "--now", NOW, "--format", "json"];
    args.extend_from_slice(extra);
    let output = quarry(&args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (json, stderr, output.status.code())
}

/// The rule about `tool` (for Pulseway, its process rule).
fn rule<'a>(json: &'a Value, tool: &str) -> &'a Value {
    json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["tool"] == tool && !r["name"].as_str().unwrap().contains("Signature"))
        .unwrap()
}

/// (tool, device, sorted report ids, count) of each finding, sorted.
fn findings(json: &Value) -> Vec<(String, String, Vec<i64>, i64)> {
    let mut out: Vec<_> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let row = &f["row"];
            let mut ids: Vec<i64> = row["Report"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
            ids.sort_unstable();
            (
                f["tool"].as_str().unwrap().to_string(),
                row["DeviceId"].as_str().unwrap().to_string(),
                ids,
                row["Count"].as_i64().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn f(tool: &str, device: &str, ids: &[i64], count: i64) -> (String, String, Vec<i64>, i64) {
    (tool.to_string(), device.to_string(), ids.to_vec(), count)
}

#[test]
fn seed_rules_find_the_planted_activity_with_rule_metadata() {
    let (json, stderr, code) = hunt_json(&[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        findings(&json),
        [
            f("Action1", "dev-7", &[71, 72, 73], 3),
            f("ConnectWise", "dev-3", &[31, 32, 33, 34], 4),
            f("PDQ", "dev-5", &[51, 52, 53], 3),
            f("Pulseway", "dev-1", &[11, 12], 2),
            f("Pulseway", "dev-1", &[13], 1),
        ]
    );
    let first = &json["findings"][0];
    assert_eq!(first["tactics"], serde_json::json!(["CommandAndControl"]));
    assert_eq!(first["techniques"], serde_json::json!(["T1219"]));
    assert!(first["rule_id"].as_str().unwrap().starts_with("a0000000-"));
    let rules = json["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 5);
    for r in rules {
        assert_eq!(r["status"], "ran");
        assert_eq!(r["suppressed"], 0);
        assert!(r["elapsed_ms"].is_u64());
    }
}

#[test]
fn scenario_exclusions_report_exact_suppressed_counts() {
    let (json, stderr, code) = hunt_json(&["--scenario-exclusions"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        findings(&json),
        [
            f("Action1", "dev-7", &[71], 1),
            f("ConnectWise", "dev-3", &[34], 1),
            f("PDQ", "dev-5", &[53], 1),
            f("Pulseway", "dev-1", &[11, 12], 2),
            f("Pulseway", "dev-1", &[13], 1),
        ]
    );
    let suppressed: Vec<(String, i64)> = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["tool"].as_str().unwrap().to_string(), r["suppressed"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        suppressed,
        [
            ("Action1".to_string(), 2),
            ("ConnectWise".to_string(), 3),
            ("PDQ".to_string(), 2),
            ("Pulseway".to_string(), 0),
            ("Pulseway".to_string(), 0),
        ]
    );
}

#[test]
fn quarry_toml_allows_tools_and_names_an_exclusions_file() {
    let dir = fixtures().join("hunt-config");
    let seeds = fixtures().join("hunt-seeds");
    let events = fixtures().join("hunt-events");
    let output = quarry_in(
        &dir,
        &["hunt", "--rules", seeds.to_str().unwrap(), "-d", events.to_str().unwrap(), "--now", NOW, "--format", "json"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("--allow PDQ: skipping 1 rule about an approved tool"), "{stderr}");
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let pdq = rule(&json, "PDQ");
    assert_eq!(pdq["status"], "skipped");
    assert_eq!(pdq["reason"], "tool PDQ is allowed (--allow PDQ)");
    // 31 (parent ConnectWise) is excluded by tool; 73 (10.10.10.20) by table.
    assert_eq!(rule(&json, "ConnectWise")["suppressed"], 1);
    assert_eq!(rule(&json, "Action1")["suppressed"], 1);
    assert_eq!(
        findings(&json),
        [
            f("Action1", "dev-7", &[71, 72], 2),
            f("ConnectWise", "dev-3", &[32, 33, 34], 3),
            f("Pulseway", "dev-1", &[11, 12], 2),
            f("Pulseway", "dev-1", &[13], 1),
        ]
    );
}

#[test]
fn allow_matches_the_catalogues_aliases() {
    // ScreenConnect is another name of ConnectWise's remote-control product in the catalogue.
    let (json, stderr, code) = hunt_json(&["--allow", "screenconnect"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(rule(&json, "ConnectWise")["status"], "skipped");
}

#[test]
fn a_bad_exclusion_is_reported_at_its_line_and_the_good_ones_apply() {
    let (json, stderr, code) = hunt_json(&["--exclusions", "hunt-config/bad-exclusions.yaml"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("hunt-config/bad-exclusions.yaml:5:22: the `where` predicate is not valid KQL"),
        "{stderr}"
    );
    assert_eq!(rule(&json, "Action1")["suppressed"], 1);
}

#[test]
fn a_failing_rule_exits_1_names_its_line_and_the_others_still_report() {
    let output = quarry(&["hunt", "--rules", "hunt-failing", "-d", "hunt-events", "--now", NOW, "--format", "jsonl"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("hunt-failing/bad.yaml:5:11"), "{stderr}");
    assert!(stderr.contains("FileNam"), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // dev-1: 10, 11, 12; dev-2: 21 (its company is misspelt, its product is Pulseway).
    let mut counts: Vec<(String, i64)> = lines
        .iter()
        .map(|l| {
            assert_eq!(l["rule_id"], "good");
            (l["row"]["DeviceId"].as_str().unwrap().to_string(), l["row"]["Count"].as_i64().unwrap())
        })
        .collect();
    counts.sort();
    assert_eq!(counts, [("dev-1".to_string(), 3), ("dev-2".to_string(), 1)]);
}

#[test]
fn verbose_reports_one_scan_per_table() {
    let output =
        quarry(&["hunt", "--rules", "hunt-seeds", "-d", "hunt-events", "--now", NOW, "--format", "json", "-v"]);
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    // 9 rows the rules need and one near miss the widened scan filter keeps (see widen.rs). The
    // rules' window bounds the scan; JSON is read into memory, so every row is read.
    let window = "window 2024-04-28..2024-05-03";
    for line in [
        format!("table DeviceProcessEvents: 1 scan, {window}, 13 rows read, 10 kept, 3 rules"),
        format!("table DeviceNetworkEvents: 1 scan, {window}, 5 rows read, 3 kept, 1 rule"),
        format!("table DeviceFileCertificateInfo: 1 scan, {window}, 2 rows read, 1 kept, 1 rule"),
    ] {
        assert!(stderr.contains(&line), "{line}\n{stderr}");
    }
}

/// The fixture events ingested into a store: the day files outside the rules' 5-day window
/// (2024-04-10 and 2024-04-20) are not read, and the findings are those of the JSON export.
#[test]
fn over_a_store_the_day_files_outside_the_window_are_skipped_with_the_same_findings() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let store = store.to_str().unwrap();
    let output = quarry(&["ingest", "-q", "--store", store, "hunt-events"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let (from_json, _, code) = hunt_json(&[]);
    assert_eq!(code, Some(0));
    let output = quarry(&["hunt", "--rules", "hunt-seeds", "-d", store, "--now", NOW, "--format", "json", "-v"]);
    assert_eq!(output.status.code(), Some(0));
    let from_store: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(findings(&from_store), findings(&from_json));
    assert_eq!(from_store["findings"].as_array().map(Vec::len), Some(5));
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Process events on 2024-04-20, 05-01 and 05-02; network events on 04-10, 05-01 and 05-02.
    // (Whether DataFusion skips a file on its file statistics or on its row groups' after
    // reading the footer, the row groups read are the same.)
    for (start, end) in [
        (
            "table DeviceProcessEvents: 1 scan, window 2024-04-28..2024-05-03, 2 of 3 files, 2 of ",
            " row groups, 12 of 13 rows read, 10 kept, 3 rules",
        ),
        (
            "table DeviceNetworkEvents: 1 scan, window 2024-04-28..2024-05-03, 2 of 3 files, 2 of ",
            " row groups, 4 of 5 rows read, 3 kept, 1 rule",
        ),
    ] {
        assert!(stderr.lines().any(|l| l.contains(start) && l.ends_with(end)), "{start}..{end}\n{stderr}");
    }

    // --since/--until narrow the window further: only 2024-05-01 is read.
    let args = ["--since", "2024-05-01", "--until", "2024-05-02"];
    let (from_json, _, _) = hunt_json(&args);
    let mut hunt = vec!["hunt", "--rules", "hunt-seeds", "-d", store, "--now", NOW, "--format", "json", "-v"];
    hunt.extend_from_slice(&args);
    let output = quarry(&hunt);
    assert_eq!(output.status.code(), Some(0));
    let from_store: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(findings(&from_store), findings(&from_json));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = "table DeviceProcessEvents: 1 scan, window 2024-05-01..2024-05-01T23:59:59.999999999Z, 1 of 3 files";
    assert!(stderr.contains(line), "{line}\n{stderr}");
}

#[test]
fn the_built_in_pack_finds_the_same_rows_with_and_without_the_shared_scan() {
    let run = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["hunt", "-d", "hunt-events", "--now", NOW, "--format", "jsonl"];
        args.extend_from_slice(extra);
        let output = quarry(&args);
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        let mut lines: Vec<String> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|l| {
                let mut v: Value = serde_json::from_str(l).unwrap();
                if let Some(ids) = v["row"]["Report"].as_array_mut() {
                    ids.sort_by_key(|x| x.as_i64());
                }
                v.to_string()
            })
            .collect();
        lines.sort();
        lines
    };
    let shared = run(&[]);
    let direct = run(&["--no-shared-scan"]);
    assert_eq!(shared, direct);
    let tools: std::collections::BTreeSet<String> = shared
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["tool"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(tools.into_iter().collect::<Vec<_>>(), ["Action1", "ConnectWise", "PDQ", "Pulseway"]);
}

#[test]
fn since_and_until_take_datetimes_or_timespans_before_now() {
    let (json, stderr, code) = hunt_json(&["--since", "2d", "--until", "2024-05-02T12:00:00Z"]);
    assert_eq!(code, Some(0), "{stderr}");
    // From 2024-05-01T00:00Z to 2024-05-02T12:00Z: 11 and 12 (11:30) for Pulseway, not 51-53.
    let tools: Vec<String> = findings(&json).into_iter().map(|f| f.0).collect();
    assert_eq!(tools, ["Action1", "ConnectWise", "Pulseway", "Pulseway"]);
    let output = quarry(&["hunt", "-d", "hunt-events", "--since", "yesterday"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("`yesterday` is neither a datetime"));
}

#[test]
fn without_data_it_is_a_usage_error() {
    let output = quarry(&["hunt", "--rules", "hunt-seeds"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--data PATH"));
}

#[test]
fn rules_show_gives_each_seed_scenario_its_kql_exclusion_or_why_there_is_none() {
    // The built-in pack carries the five seed rules under their own ids.
    let seeds = [
        ("f6f5c4c8-d942-447b-aa61-9d6df846b17f", "prose-only"),
        ("6192b741-4540-4416-8dbb-ce0405166d0a", "unmappable"),
        ("83f7b313-b955-4988-b524-b2da55c67b43", "mapped"),
        ("262e8802-7dd0-4825-830f-3f0a034cc8b4", "mapped"),
        ("7da76b41-8c1d-4602-91c6-5d99738d38f4", "mapped"),
    ];
    for (id, status) in seeds {
        let output = quarry(&["rules", "show", id, "--format", "json"]);
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        let rule: Value = serde_json::from_slice(&output.stdout).unwrap();
        let scenarios = rule["scenarios"].as_array().unwrap();
        assert_eq!(scenarios.len(), 5, "{id}");
        for s in scenarios {
            assert_eq!(s["exclusion_status"], status, "{id}: {s}");
            match status {
                "mapped" => assert!(s["exclusion_kql"].as_str().is_some_and(|k| !k.is_empty()), "{s}"),
                _ => assert!(s["exclusion_note"].as_str().is_some_and(|n| !n.is_empty()), "{s}"),
            }
        }
    }
    let output = quarry(&["rules", "show", "6192b741-4540-4416-8dbb-ce0405166d0a"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(
            "exclusion (KQL): none, unmappable: DeviceFileCertificateInfo has no column for `process.name`, `event_id`"
        ),
        "{text}"
    );
}
