//! `--format json` and `--format jsonl`.
//!
//! json is one object, `{"rules":[..],"findings":[..]}` as the contract spells it, then what
//! the contract leaves room for: `now`, `since`, `until` and `scans`. Each rule and each finding
//! sits on a line of its own (still one JSON object), so the output is readable and diffable and
//! no large value is built whole. jsonl is one finding object per line, nothing else.
//!
//! Beyond the contract's fields, a rule carries `severity` and `exclusions` (each exclusion's
//! reason, predicate, origin and events; `suppressed` is their total), and a finding carries
//! `severity`. Key order relies on serde_json's `preserve_order`, which this crate enables.

use std::io::{self, Write};

use arrow::datatypes::TimeUnit;
use quarry_hunt::hunt::RuleRun;
use serde_json::{Value, json};

use super::model::{Analysis, Finding, row_object};
use crate::results::value::format_datetime;

pub fn write_json(analysis: &Analysis<'_>, out: &mut dyn Write) -> io::Result<()> {
    let report = analysis.report;
    out.write_all(b"{\"rules\":[")?;
    for (i, run) in report.rules.iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, &rule_json(run))?;
    }
    out.write_all(if report.rules.is_empty() { b"]" } else { b"\n]" })?;
    out.write_all(b",\"findings\":[")?;
    for (i, finding) in analysis.findings.iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, &finding_json(finding))?;
    }
    out.write_all(if analysis.findings.is_empty() { b"]" } else { b"\n]" })?;
    let time = |ns: Option<i64>| ns.map(|ns| format_datetime(ns, TimeUnit::Nanosecond));
    let scans: Vec<Value> = report
        .scans
        .iter()
        .map(|s| {
            json!({"table": s.table, "scans": s.scans, "rows_read": s.rows_read, "rows_kept": s.rows_kept,
                   "rules": s.rules})
        })
        .collect();
    let tail = json!({
        "now": time(Some(report.now)),
        "since": time(report.since),
        "until": time(report.until),
        "scans": scans,
    });
    // The tail object's members, appended to the open object.
    let tail = serde_json::to_string(&tail)?;
    out.write_all(b",\n")?;
    out.write_all(&tail.as_bytes()[1..])?;
    out.write_all(b"\n")
}

pub fn write_jsonl(analysis: &Analysis<'_>, out: &mut dyn Write) -> io::Result<()> {
    for finding in &analysis.findings {
        serde_json::to_writer(&mut *out, &finding_json(finding))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// A rule's entry of `rules`.
pub fn rule_json(run: &RuleRun) -> Value {
    let rule = &run.rule;
    let exclusions: Vec<Value> = run
        .suppressed
        .iter()
        .map(|s| json!({"reason": s.reason, "predicate": s.predicate, "origin": s.origin, "events": s.events}))
        .collect();
    json!({
        "id": rule.id,
        "name": rule.name,
        "tool": rule.tool,
        "status": run.status.as_str(),
        "reason": run.status.reason(),
        "rows": run.rows(),
        "suppressed": run.suppressed_total(),
        "elapsed_ms": u64::try_from(run.elapsed.as_millis()).unwrap_or(u64::MAX),
        "severity": rule.severity,
        "exclusions": exclusions,
    })
}

/// A finding's object.
pub fn finding_json(finding: &Finding<'_>) -> Value {
    let rule = &finding.run.rule;
    json!({
        "rule_id": rule.id,
        "rule_name": rule.name,
        "tool": rule.tool,
        "tactics": rule.tactics,
        "techniques": rule.techniques,
        "severity": rule.severity,
        "row": row_object(finding.batch, finding.row),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::test_support::*;
    use super::super::*;

    #[test]
    fn json_follows_the_contract() {
        let text = rendered(HuntFormat::Json, &RenderOptions::default());
        let value: Value = serde_json::from_str(&text).unwrap();
        let rules = value["rules"].as_array().unwrap();
        // Every rule is listed, skipped and failed ones too, in pack order.
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(
            ids,
            [
                "rmm-anydesk",
                "rmm-screenconnect",
                "rmm-pulseway",
                "rmm-anydesk-files",
                "rmm-quiet",
                "rmm-action1-cert",
                "broken"
            ]
        );
        assert_eq!(
            rules[0],
            json!({
                "id": "rmm-anydesk", "name": "AnyDesk execution", "tool": "AnyDesk", "status": "ran",
                "reason": null, "rows": 2, "suppressed": 12, "elapsed_ms": 12, "severity": "medium",
                "exclusions": [{"reason": "IT deploys AnyDesk with SCCM",
                                "predicate": "InitiatingProcessFileName =~ \"sccm.exe\"",
                                "origin": "exclusions.yaml:4", "events": 12}]
            })
        );
        assert_eq!(rules[4]["rows"], 0);
        assert_eq!(rules[5]["status"], "skipped");
        assert_eq!(rules[5]["reason"], "table DeviceFileCertificateInfo is not in the data");
        assert_eq!(rules[6]["status"], "failed");
        assert_eq!(rules[6]["tool"], Value::Null);
        assert_eq!(rules[6]["reason"], "broken.kql:3:5: unknown column `Foo`");
        for rule in rules {
            for key in ["id", "name", "tool", "status", "reason", "rows", "suppressed", "elapsed_ms"] {
                assert!(rule.get(key).is_some(), "{key} missing in {rule}");
            }
        }

        let findings = value["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 6);
        assert_eq!(
            findings[0],
            json!({
                "rule_id": "rmm-anydesk", "rule_name": "AnyDesk execution", "tool": "AnyDesk",
                "tactics": ["CommandAndControl"], "techniques": ["T1219"], "severity": "medium",
                "row": {
                    "DeviceId": "aaa111", "DeviceName": "host-a.contoso.local",
                    "FirstSeen": "2024-04-21T00:00:00.1234567Z", "LastSeen": "2024-04-29T00:00:00Z",
                    "Count": 5, "Report": ["r1", "r2"]
                }
            })
        );
        // Row keys keep the result's column order.
        let keys: Vec<&String> = findings[0]["row"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["DeviceId", "DeviceName", "FirstSeen", "LastSeen", "Count", "Report"]);
        // A zoned millisecond timestamp is still UTC with Z.
        assert_eq!(findings[3]["row"]["Timestamp"], "2024-04-27T00:00:00Z");
        assert_eq!(value["now"], "2024-05-01T00:00:00Z");
        assert_eq!(value["since"], "2024-04-01T00:00:00Z");
        assert_eq!(value["until"], Value::Null);
        assert_eq!(
            value["scans"][0],
            json!({"table": "DeviceProcessEvents", "scans": 1, "rows_read": 100000,
                                             "rows_kept": 40, "rules": 4})
        );
        // One rule or finding per line.
        assert_eq!(text.lines().count(), 1 + 7 + 1 + 6 + 1 + 1, "{text}");
    }

    #[test]
    fn jsonl_is_one_finding_per_line() {
        let text = rendered(HuntFormat::Jsonl, &RenderOptions::default());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 6, "{text}");
        let json_findings: Value =
            serde_json::from_str(&rendered(HuntFormat::Json, &RenderOptions::default())).unwrap();
        for (line, expected) in lines.iter().zip(json_findings["findings"].as_array().unwrap()) {
            assert_eq!(&serde_json::from_str::<Value>(line).unwrap(), expected);
        }
    }

    #[test]
    fn an_empty_hunt_is_valid_json() {
        let mut report = sample_report();
        report.rules.clear();
        report.scans.clear();
        let mut out = Vec::new();
        render(&report, HuntFormat::Json, &mut out, &RenderOptions::default()).unwrap();
        let value: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["rules"], json!([]));
        assert_eq!(value["findings"], json!([]));
        let mut out = Vec::new();
        render(&report, HuntFormat::Jsonl, &mut out, &RenderOptions::default()).unwrap();
        assert!(out.is_empty());
    }
}
