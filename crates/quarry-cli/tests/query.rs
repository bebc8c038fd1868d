//! `quarry query` end to end: seed-shaped RMM hunting rules over a small data set with matching
//! events, events outside the time window, and near misses that KQL's term matching must reject.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn quarry(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quarry")).args(args).current_dir(fixtures()).output().expect("run quarry")
}

/// Runs a query file over `hunt-data` with now() pinned, and returns the parsed JSON output.
fn run_rule(file: &str) -> Value {
    let query = format!("hunt-queries/{file}");
    let output =
        quarry(&["query", "-f", &query, "-d", "hunt-data", "--now", "2024-05-03T00:00:00Z", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON output")
}

fn rows(result: &Value) -> &Vec<Value> {
    result["rows"].as_array().expect("rows")
}

#[test]
fn pulseway_process_rule_finds_the_two_recent_events_and_skips_the_near_miss() {
    let result = run_rule("pulseway_process.kql");
    let columns: Vec<(&str, &str)> = result["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["type"].as_str().unwrap()))
        .collect();
    assert_eq!(
        columns,
        [
            ("DeviceId", "string"),
            ("DeviceName", "string"),
            ("FirstSeen", "datetime"),
            ("LastSeen", "datetime"),
            ("Report", "dynamic"),
            ("Count", "long")
        ]
    );
    // dev-1 has a third Pulseway event 13 days before --now, outside the 5-day window; dev-2's
    // company "MMSoftDesign" is one term, so `has 'MMSoft Design'` must not match it.
    assert_eq!(
        rows(&result),
        &vec![json!(["dev-1", "ws-01.corp.local", "2024-05-01T10:00:00Z", "2024-05-02T11:30:00.5Z", [11, 12], 2])]
    );
}

#[test]
fn signature_rule_matches_the_signer_by_term() {
    let result = run_rule("pulseway_signature.kql");
    assert_eq!(
        rows(&result),
        &vec![json!(["dev-1", "ws-01.corp.local", "2024-05-01T10:00:01Z", "2024-05-01T10:00:01Z", [13], 1])]
    );
}

#[test]
fn has_any_matches_whole_terms_only() {
    // "ConnectWise, LLC" matches; "ScreenConnectX Labs" does not contain the term ScreenConnect.
    let result = run_rule("connectwise_process.kql");
    assert_eq!(
        rows(&result),
        &vec![json!(["dev-3", "srv-03.corp.local", "2024-05-01T12:00:00Z", "2024-05-01T12:05:00Z", [31, 32], 2])]
    );
}

#[test]
fn case_insensitive_equality_and_whole_term_has() {
    // FileName "PDQ-Connect-Agent.exe" =~ matches; the product "PDQConnectAgentService" is one
    // longer term, so `has 'PDQConnectAgent'` does not match dev-6.
    let result = run_rule("pdq_process.kql");
    assert_eq!(
        rows(&result),
        &vec![json!(["dev-5", "ws-05.corp.local", "2024-05-02T14:00:00Z", "2024-05-02T14:00:00Z", [51], 1])]
    );
}

#[test]
fn network_rule_needs_every_condition() {
    // dev-8 talks to "myserver.action1.com" (no term boundary before "server"); dev-9's process
    // is not Action1's.
    let result = run_rule("action1_network.kql");
    assert_eq!(
        rows(&result),
        &vec![json!([
            "dev-7",
            "ws-07.corp.local",
            "https://server.action1.com/agent",
            "2024-05-01T01:00:00Z",
            "2024-05-02T01:00:00Z",
            [71, 72],
            2
        ])]
    );
}

#[test]
fn a_wrong_query_exits_2_and_names_the_column() {
    let output = quarry(&["query", "-d", "hunt-data", "DeviceNetworkEvents | summarize count() by AccountUpn"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("DeviceNetworkEvents has no column AccountUpn; did you mean InitiatingProcessAccountUpn?"),
        "{stderr}"
    );
}

#[test]
fn csv_and_jsonl_print_the_same_rows() {
    let query = "DeviceProcessEvents | where DeviceId == 'dev-3' | project DeviceId, ReportId | sort by ReportId asc";
    let csv = quarry(&["query", "-d", "hunt-data", "--format", "csv", query]);
    assert_eq!(String::from_utf8_lossy(&csv.stdout), "DeviceId,ReportId\ndev-3,31\ndev-3,32\n");
    let jsonl = quarry(&["query", "-d", "hunt-data", "--format", "jsonl", query]);
    assert_eq!(
        String::from_utf8_lossy(&jsonl.stdout),
        "{\"DeviceId\":\"dev-3\",\"ReportId\":31}\n{\"DeviceId\":\"dev-3\",\"ReportId\":32}\n"
    );
}

#[test]
fn missing_data_is_a_data_error() {
    let output = quarry(&["query", "-d", "no-such-folder", "print 1"]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn the_shell_runs_multi_line_queries_and_dot_commands() {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_quarry"))
        .args(["query", "-d", "hunt-data", "--format", "csv"])
        .current_dir(fixtures())
        .env("HOME", std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start quarry");
    let input = ".tables\nDeviceProcessEvents\n| where DeviceId == 'dev-5'\n| project FileName\n\n.schema DeviceFileCertificateInfo\n.quit\n";
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write");
    let output = child.wait_with_output().expect("wait");
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("DeviceFileCertificateInfo\nDeviceNetworkEvents\nDeviceProcessEvents\n"), "{stdout}");
    assert!(stdout.contains("FileName\nPDQ-Connect-Agent.exe\n"), "{stdout}");
    assert!(stdout.contains("Signer: string"), "{stdout}");
}

#[test]
fn an_unsupported_operator_is_named_with_its_position() {
    let output = quarry(&["query", "-d", "hunt-data", "DeviceProcessEvents | fork (take 1) (take 2)"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("the `fork` operator is not supported by Quarry's engine yet"), "{stderr}");
    assert!(stderr.contains("<query>:1:23"), "{stderr}");
}

#[test]
fn explain_prints_the_plans_without_running_and_analyze_adds_row_counts() {
    let query = "DeviceProcessEvents | where FileName =~ 'pcmonitorsrv.exe' | summarize dcount(DeviceId)";
    let explained = quarry(&["query", "-d", "hunt-data", "--explain", query]);
    assert_eq!(explained.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&explained.stderr));
    let text = String::from_utf8_lossy(&explained.stdout);
    assert!(text.contains("== logical_plan ==") && text.contains("== physical_plan =="), "{text}");
    assert!(text.contains("kql_dcount") && !text.contains("output_rows"), "{text}");

    let analyzed = quarry(&["query", "-d", "hunt-data", "--analyze", query]);
    assert_eq!(analyzed.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&analyzed.stderr));
    let text = String::from_utf8_lossy(&analyzed.stdout);
    assert!(text.contains("output_rows=1,") || text.contains("output_rows=1]"), "{text}");

    let wrong = quarry(&["query", "-d", "hunt-data", "--explain", "DeviceProcessEvents | where NoSuchColumn == 1"]);
    assert_eq!(wrong.status.code(), Some(2));
}

#[test]
fn explain_and_analyze_a_bag_unpack_query() {
    // bag_unpack's columns come from its input's data: explain runs that input, then shows the
    // plan of the query with the columns it found.
    let query = r#"datatable(d:dynamic)[dynamic({"a":1,"b":"x"})] | evaluate bag_unpack(d)"#;
    let explained = quarry(&["query", "-d", "hunt-data", "--explain", query]);
    assert_eq!(explained.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&explained.stderr));
    let text = String::from_utf8_lossy(&explained.stdout);
    assert!(text.contains("== physical_plan ==") && text.contains("AS a") && text.contains("AS b"), "{text}");

    let analyzed = quarry(&["query", "-d", "hunt-data", "--analyze", query]);
    assert_eq!(analyzed.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&analyzed.stderr));
    let text = String::from_utf8_lossy(&analyzed.stdout);
    assert!(text.contains("output_rows=1,") || text.contains("output_rows=1]"), "{text}");
}

#[test]
fn datafusion_settings_come_from_the_environment() {
    let query = "DeviceProcessEvents | summarize count() by DeviceId";
    let plan = |partitions: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_quarry"))
            .args(["query", "-d", "hunt-data", "--explain", query])
            .env("DATAFUSION_EXECUTION_TARGET_PARTITIONS", partitions)
            .current_dir(fixtures())
            .output()
            .expect("run quarry");
        assert_eq!(output.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert!(plan("3").contains("Hash([DeviceId@0], 3)"), "{}", plan("3"));
    assert!(plan("5").contains("Hash([DeviceId@0], 5)"), "{}", plan("5"));
}
