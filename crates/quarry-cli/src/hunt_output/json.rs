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

use arrow::array::RecordBatch;
use arrow::datatypes::TimeUnit;
use quarry_hunt::hunt::RuleRun;
use serde_json::{Value, json};

use super::model::{Analysis, Finding};
use crate::results::value::{format_datetime, to_json};

pub fn write_json(analysis: &Analysis<'_>, out: &mut dyn Write) -> io::Result<()> {
    let report = analysis.report;
    out.write_all(b"{\"rules\":[")?;
    for (i, run) in report.rules.iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, &rule_json(run))?;
    }
    out.write_all(if report.rules.is_empty() { b"]" } else { b"\n]" })?;
    out.write_all(b",\"findings\":[")?;
    let mut writer = FindingWriter::default();
    for (i, finding) in analysis.findings.iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        writer.write(out, finding)?;
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
    let mut writer = FindingWriter::default();
    for finding in &analysis.findings {
        writer.write(out, finding)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes finding objects, the same as [`finding_json`] gives, without building them: a hunt
/// over a large export may have a great many rows. What is the same for every finding of a rule
/// (its metadata) and of a batch (the encoded column names) is encoded once.
#[derive(Default)]
struct FindingWriter {
    /// The rule whose prefix is cached, and `{"rule_id":..,...,"row":`.
    rule: Option<(usize, Vec<u8>)>,
    /// The batch whose keys are cached (by address: findings come batch by batch), and its
    /// column names as JSON strings.
    batch: Option<(*const RecordBatch, Vec<String>)>,
}

impl FindingWriter {
    fn write(&mut self, out: &mut dyn Write, finding: &Finding<'_>) -> io::Result<()> {
        if self.rule.as_ref().is_none_or(|(index, _)| *index != finding.rule) {
            let mut head = serde_json::to_vec(&rule_fields(finding))?;
            head.pop(); // the closing brace
            head.extend_from_slice(b",\"row\":");
            self.rule = Some((finding.rule, head));
        }
        let batch: *const RecordBatch = finding.batch;
        if self.batch.as_ref().is_none_or(|(cached, _)| *cached != batch) {
            let keys = finding
                .batch
                .schema()
                .fields()
                .iter()
                .map(|f| serde_json::to_string(f.name()))
                .collect::<Result<Vec<_>, _>>()?;
            self.batch = Some((batch, keys));
        }
        let head: &[u8] = self.rule.as_ref().map(|(_, head)| head.as_slice()).unwrap_or_default();
        let keys: &[String] = self.batch.as_ref().map(|(_, keys)| keys.as_slice()).unwrap_or_default();
        out.write_all(head)?;
        out.write_all(b"{")?;
        for (i, (key, column)) in keys.iter().zip(finding.batch.columns()).enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            out.write_all(key.as_bytes())?;
            out.write_all(b":")?;
            serde_json::to_writer(&mut *out, &to_json(column.as_ref(), finding.row))?;
        }
        out.write_all(b"}}")
    }
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

/// The rule's part of a finding's object, in the contract's key order (before `row`).
fn rule_fields(finding: &Finding<'_>) -> Value {
    let rule = &finding.run.rule;
    json!({
        "rule_id": rule.id,
        "rule_name": rule.name,
        "tool": rule.tool,
        "tactics": rule.tactics,
        "techniques": rule.techniques,
        "severity": rule.severity,
    })
}

/// A finding's object (what [`FindingWriter`] writes).
#[cfg(test)]
pub fn finding_json(finding: &Finding<'_>) -> Value {
    let mut object = rule_fields(finding);
    if let Value::Object(fields) = &mut object {
        fields.insert("row".to_owned(), super::model::row_object(finding.batch, finding.row));
    }
    object
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
    fn streamed_findings_equal_built_ones() {
        use std::sync::Arc;

        use arrow::array::{ArrayRef, StringArray};

        use super::super::model::Analysis;
        let mut report = sample_report();
        // A rule with batches of different shapes, and one finding per batch.
        let a = batch(vec![("FileName", Arc::new(StringArray::from(vec!["a.exe", "b.exe"])) as ArrayRef)]);
        let b = batch(vec![("SHA1", Arc::new(StringArray::from(vec!["0a"])) as ArrayRef)]);
        report.rules[3].batches = vec![a, b.clone(), b];
        let analysis = Analysis::new(&report);
        let mut out = Vec::new();
        super::write_jsonl(&analysis, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), analysis.findings.len());
        for (line, finding) in lines.iter().zip(&analysis.findings) {
            assert_eq!(serde_json::from_str::<Value>(line).unwrap(), super::finding_json(finding), "{line}");
            // Same key order too.
            assert_eq!(*line, serde_json::to_string(&super::finding_json(finding)).unwrap());
        }
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
