//! `quarry hunt`'s report formats end to end: the fixture seed rules (`hunt-seeds`) over the
//! fixture events (`hunt-events`), every format from one run of the same hunt, checked against
//! each other. The formats' details are unit-tested in `src/hunt_output/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const NOW: &str = "2024-05-03T00:00:00Z";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn hunt(format: &str, extra: &[&str]) -> Output {
    let mut args = vec!["hunt", "--rules", "hunt-seeds", "-d", "hunt-events", "--now", NOW, "--format", format];
    args.extend_from_slice(extra);
    let output = Command::new(env!("CARGO_BIN_EXE_quarry"))
        .args(&args)
        .current_dir(fixtures())
        .env_remove("COLUMNS")
        .output()
        .expect("run quarry");
    assert_eq!(output.status.code(), Some(0), "{format}: {}", String::from_utf8_lossy(&output.stderr));
    output
}

fn stdout(format: &str) -> String {
    String::from_utf8(hunt(format, &[]).stdout).unwrap()
}

/// (rule id, DeviceName) of every finding, from the json output.
fn findings() -> Vec<(String, String)> {
    let json: Value = serde_json::from_str(&stdout("json")).unwrap();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule_id"].as_str().unwrap().to_owned(), f["row"]["DeviceName"].as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn every_format_reports_the_same_findings() {
    let expected = findings();
    assert!(expected.len() >= 4, "the fixture hunt finds something: {expected:?}");

    let jsonl = stdout("jsonl");
    let from_jsonl: Vec<(String, String)> = jsonl
        .lines()
        .map(|line| {
            let f: Value = serde_json::from_str(line).unwrap();
            (f["rule_id"].as_str().unwrap().to_owned(), f["row"]["DeviceName"].as_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(from_jsonl, expected);

    let csv = stdout("csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[..5], ["rule_id", "rule_name", "tool", "tactics", "techniques"]);
    let name = header.iter().position(|h| *h == "DeviceName").unwrap();
    // (The fixture's values hold no line break, so one line is one record.)
    let from_csv: Vec<(String, String)> = lines
        .map(|line| {
            let fields = csv_fields(line);
            assert_eq!(fields.len(), header.len(), "{line}");
            (fields[0].to_owned(), fields[name].to_owned())
        })
        .collect();
    assert_eq!(from_csv, expected);

    let sarif: Value = serde_json::from_str(&stdout("sarif")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let from_sarif: Vec<(String, String)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let device = &r["locations"][0]["logicalLocations"][0];
            assert_eq!(device["kind"], "device");
            (r["ruleId"].as_str().unwrap().to_owned(), device["name"].as_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(from_sarif, expected);

    let table = stdout("table");
    assert!(table.starts_with("Hunt at 2024-05-03T00:00:00Z: "), "{table}");
    for (_, device) in &expected {
        assert!(table.lines().any(|l| l.starts_with("│ ") && l.contains(device.as_str())), "{device}:\n{table}");
    }
    assert!(!table.contains('\x1b'), "no colour when stdout is not a terminal");
}

/// The fields of one RFC 4180 record.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

#[test]
fn html_report_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    let output = hunt("html", &["-o", path.to_str().unwrap()]);
    assert!(output.stdout.is_empty(), "the report goes to the file only");
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    for section in ["summary", "devices", "evidence", "attack", "status"] {
        assert!(html.contains(&format!("<section id=\"{section}\">")), "{section}");
    }
    assert!(html.contains("<tr><th>now() (--now)</th><td>2024-05-03T00:00:00Z</td></tr>"));
    for (_, device) in findings() {
        assert!(html.contains(&format!("<article class=\"device\"><h3>{device}")), "{device}");
    }
    assert!(html.contains("https://attack.mitre.org/techniques/T1219/"));
    assert!(!html.contains("<link") && !html.contains(" src="), "self-contained");
}
