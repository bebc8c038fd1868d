//! The README's first command: `quarry hunt -d examples/data --now 2024-06-01T00:00:00Z` finds
//! exactly what the example export's ground truth says, and nothing on its decoy devices.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// A datetime as the JSON output writes it (fraction trimmed), padded to 7 fractional digits so
/// that texts compare in time order.
fn sortable(time: &str) -> String {
    let body = time.trim_end_matches('Z');
    let (seconds, fraction) = body.split_once('.').unwrap_or((body, ""));
    format!("{seconds}.{fraction:0<7}Z")
}

#[derive(Debug, Default, PartialEq)]
struct Seen {
    first: String,
    last: String,
    count: u64,
    reports: BTreeSet<i64>,
}

impl Seen {
    fn add(&mut self, first: &str, last: &str, count: u64, reports: impl IntoIterator<Item = i64>) {
        let (first, last) = (sortable(first), sortable(last));
        if self.first.is_empty() || first < self.first {
            self.first = first;
        }
        if last > self.last {
            self.last = last;
        }
        self.count += count;
        self.reports.extend(reports);
    }
}

#[test]
fn the_example_hunt_finds_the_ground_truth_and_no_decoy() {
    let dir = examples().join("data");
    let output = Command::new(env!("CARGO_BIN_EXE_quarry"))
        .args(["hunt", "-d", dir.to_str().unwrap(), "--now", "2024-06-01T00:00:00Z", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("ground-truth.json")).unwrap()).unwrap();

    // Per (rule, device): network rules give one row per remote URL, so rows are merged.
    let mut found: BTreeMap<(String, String), Seen> = BTreeMap::new();
    for finding in report["findings"].as_array().unwrap() {
        let row = &finding["row"];
        let key = (finding["rule_id"].as_str().unwrap().to_string(), row["DeviceId"].as_str().unwrap().to_string());
        let reports = row["Report"].as_array().unwrap().iter().map(|r| r.as_i64().unwrap());
        found.entry(key).or_default().add(
            row["FirstSeen"].as_str().unwrap(),
            row["LastSeen"].as_str().unwrap(),
            row["Count"].as_u64().unwrap(),
            reports,
        );
    }
    let mut expected: BTreeMap<(String, String), Seen> = BTreeMap::new();
    for finding in truth["findings"].as_array().unwrap() {
        let device = finding["DeviceId"].as_str().unwrap();
        for table in finding["tables"].as_object().unwrap().values() {
            let key = (table["rule_id"].as_str().unwrap().to_string(), device.to_string());
            let reports = table["ReportIds"].as_array().unwrap().iter().map(|r| r.as_i64().unwrap());
            expected.entry(key).or_default().add(
                table["FirstSeen"].as_str().unwrap(),
                table["LastSeen"].as_str().unwrap(),
                table["Count"].as_u64().unwrap(),
                reports,
            );
        }
    }
    assert!(expected.len() >= 20, "the example should plant a fair number of findings");
    assert_eq!(found, expected);

    let decoys: BTreeSet<&str> =
        truth["decoy_devices"].as_array().unwrap().iter().map(|d| d["DeviceId"].as_str().unwrap()).collect();
    assert!(!decoys.is_empty());
    assert!(found.keys().all(|(_, device)| !decoys.contains(device.as_str())));
}
