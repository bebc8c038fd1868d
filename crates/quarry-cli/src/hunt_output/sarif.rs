//! `--format sarif`: a SARIF 2.1.0 log in the style of `quarry check`'s (`output/sarif.rs`).
//!
//! One run, tool `quarry`. Every rule of the pack is in `tool.driver.rules` (id, name,
//! shortDescription, and the rule's tactics, techniques, tool and severity as properties), so a
//! `ruleIndex` always resolves. One result per finding; since findings are about devices, not
//! files, a result's location is a logical location of kind `device` (SARIF §3.33.7 lets a tool
//! name its own kinds), and the evidence row is in the result's properties. Skipped and failed
//! rules are tool execution notifications of the invocation, which is unsuccessful when a rule
//! failed. Objects carry only the properties the SARIF schema defines (it forbids others);
//! everything else goes in property bags.

use std::io::{self, Write};

use arrow::datatypes::TimeUnit;
use quarry_hunt::hunt::RuleStatus;
use serde_json::{Value, json};

use super::RenderOptions;
use super::model::{Analysis, Finding, row_object};
use crate::results::value::format_datetime;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn write(analysis: &Analysis<'_>, out: &mut dyn Write, options: &RenderOptions) -> io::Result<()> {
    // The log without its results, pretty-printed, is opened back up to stream the results one
    // per line: a hunt may have a great many, and they are never all held as JSON values.
    let head = serde_json::to_string_pretty(&log(analysis, options))?;
    let open = ["}", "]", "}"].iter().try_fold(head.as_str(), |text, close| text.trim_end().strip_suffix(close));
    let Some(open) = open else {
        return Err(io::Error::other("SARIF log does not end with its run"));
    };
    out.write_all(open.trim_end().as_bytes())?;
    out.write_all(b",\n      \"results\": [")?;
    for (i, finding) in analysis.findings.iter().enumerate() {
        out.write_all(if i == 0 { b"\n        " } else { b",\n        " })?;
        serde_json::to_writer(&mut *out, &result(analysis, finding))?;
    }
    out.write_all(b"\n      ]\n    }\n  ]\n}\n")
}

/// The log without its results (which [`write`] streams into its run).
fn log(analysis: &Analysis<'_>, options: &RenderOptions) -> Value {
    let report = analysis.report;
    let rules: Vec<Value> = report.rules.iter().map(|run| descriptor(&run.rule)).collect();
    let notifications: Vec<Value> = report
        .rules
        .iter()
        .enumerate()
        .filter_map(|(index, run)| {
            let level = match run.status {
                RuleStatus::Ran => return None,
                RuleStatus::Skipped { .. } => "note",
                RuleStatus::Failed { .. } => "error",
            };
            let reason = run.status.reason().unwrap_or_default();
            Some(json!({
                "level": level,
                "message": { "text": format!("rule {} {}: {reason}", run.rule.id, run.status.as_str()) },
                "associatedRule": { "id": run.rule.id, "index": index },
            }))
        })
        .collect();
    let time = |ns: i64| format_datetime(ns, TimeUnit::Nanosecond);
    let mut properties = json!({ "now": time(report.now), "suppressedEvents": analysis.suppressed_total() });
    if let Some(since) = report.since {
        properties["since"] = json!(time(since));
    }
    if let Some(until) = report.until {
        properties["until"] = json!(time(until));
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "quarry",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "invocations": [{
                "executionSuccessful": analysis.failed == 0,
                "endTimeUtc": time(options.generated_at()),
                "toolExecutionNotifications": notifications,
            }],
            "properties": properties,
        }],
    })
}

fn descriptor(rule: &quarry_hunt::Rule) -> Value {
    let mut tags: Vec<&str> = Vec::new();
    for tag in rule.tactics.iter().chain(&rule.techniques).map(String::as_str).chain(rule.tool.as_deref()) {
        // The schema wants the tags distinct.
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    let mut value = json!({
        "id": rule.id,
        "name": rule.name,
        "shortDescription": { "text": rule.name },
        "defaultConfiguration": { "level": level(rule.severity.as_deref()) },
        "properties": {
            "tactics": rule.tactics,
            "techniques": rule.techniques,
            "tool": rule.tool,
            "severity": rule.severity,
            "tags": tags,
        },
    });
    if !rule.description.trim().is_empty() {
        value["fullDescription"] = json!({ "text": rule.description });
    }
    if let Some(technique) = rule.techniques.first().and_then(|t| super::model::technique_url(t)) {
        value["helpUri"] = json!(technique);
    }
    value
}

fn result(analysis: &Analysis<'_>, finding: &Finding<'_>) -> Value {
    let rule = &finding.run.rule;
    let device = finding.device.map(|i| &analysis.devices[i]);
    let subject = rule.tool.as_deref().unwrap_or(&rule.name);
    let text = match device {
        Some(device) => format!("{subject} on {}: {}", device.label(), rule.name),
        None => format!("{subject}: {}", rule.name),
    };
    let mut value = json!({
        "ruleId": rule.id,
        "ruleIndex": finding.rule,
        "level": level(rule.severity.as_deref()),
        "message": { "text": text },
        "properties": {
            "tool": rule.tool,
            "tactics": rule.tactics,
            "techniques": rule.techniques,
            "row": row_object(finding.batch, finding.row),
        },
    });
    if let Some(device) = device {
        let mut location = json!({ "name": device.label(), "kind": "device" });
        if !device.id.is_empty() {
            location["fullyQualifiedName"] = json!(device.id);
        }
        value["locations"] = json!([{ "logicalLocations": [location] }]);
        // Lets a viewer match this finding across runs: same rule, same device.
        let key = if device.id.is_empty() { device.name.to_lowercase() } else { device.id.clone() };
        value["partialFingerprints"] = json!({ "ruleDevice/v1": format!("{}:{key}", rule.id) });
    }
    if let Some(first) = finding.first {
        value["properties"]["firstSeen"] = json!(format_datetime(first, TimeUnit::Nanosecond));
    }
    if let Some(last) = finding.last {
        value["properties"]["lastSeen"] = json!(format_datetime(last, TimeUnit::Nanosecond));
    }
    value
}

/// SARIF's level for a rule severity: high is an error, medium (or unset) a warning, low and
/// informational a note.
fn level(severity: Option<&str>) -> &'static str {
    match severity.map(str::to_ascii_lowercase).as_deref() {
        Some("high") | Some("critical") => "error",
        Some("low") | Some("informational") => "note",
        _ => "warning",
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::{Value, json};

    use super::super::test_support::*;
    use super::super::*;

    /// Properties the SARIF 2.1.0 schema (oasis-tcs/sarif-spec, Schemata/sarif-schema-2.1.0.json)
    /// allows on the objects written here (each has `additionalProperties: false`), and the ones
    /// it requires.
    fn check(value: &Value, allowed: &[&str], required: &[&str], what: &str) {
        let object = value.as_object().unwrap_or_else(|| panic!("{what} is not an object: {value}"));
        for key in object.keys() {
            assert!(allowed.contains(&key.as_str()), "{what} has `{key}`, which SARIF does not define");
        }
        for key in required {
            assert!(object.contains_key(*key), "{what} lacks required `{key}`");
        }
    }

    fn check_message(value: &Value, what: &str) {
        check(value, &["text", "markdown", "id", "arguments", "properties"], &["text"], what);
    }

    #[test]
    fn an_empty_hunt_is_a_valid_log() {
        let mut report = sample_report();
        report.rules.clear();
        let mut out = Vec::new();
        render(&report, HuntFormat::Sarif, &mut out, &RenderOptions::default()).unwrap();
        let log: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(log["runs"][0]["results"], json!([]));
        assert_eq!(log["runs"][0]["tool"]["driver"]["rules"], json!([]));
        assert_eq!(log["runs"][0]["invocations"][0]["executionSuccessful"], true);
    }

    #[test]
    fn log_has_the_required_fields_and_no_others() {
        let text = rendered(HuntFormat::Sarif, &RenderOptions { generated_at: Some(NOW), ..RenderOptions::default() });
        let log: Value = serde_json::from_str(&text).unwrap();
        check(
            &log,
            &["$schema", "version", "runs", "inlineExternalProperties", "properties"],
            &["version", "runs"],
            "log",
        );
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        check(run, &["tool", "invocations", "results", "properties"], &["tool"], "run");
        check(&run["tool"], &["driver", "extensions", "properties"], &["driver"], "tool");
        let driver = &run["tool"]["driver"];
        check(driver, &["name", "version", "rules"], &["name"], "driver");

        let rules = driver["rules"].as_array().unwrap();
        assert_eq!(rules.len(), 7);
        for rule in rules {
            check(
                rule,
                &["id", "name", "shortDescription", "fullDescription", "defaultConfiguration", "helpUri", "properties"],
                &["id"],
                "rule",
            );
            check(&rule["shortDescription"], &["text", "markdown", "properties"], &["text"], "shortDescription");
            let tags = rule["properties"]["tags"].as_array().unwrap();
            assert_eq!(
                tags.iter().map(|t| t.as_str().unwrap()).collect::<BTreeSet<_>>().len(),
                tags.len(),
                "tags are distinct"
            );
        }
        assert_eq!(
            rules[1],
            json!({
                "id": "rmm-screenconnect", "name": "ScreenConnect execution",
                "shortDescription": {"text": "ScreenConnect execution"},
                "defaultConfiguration": {"level": "error"},
                "properties": {"tactics": ["CommandAndControl"], "techniques": ["T1219"], "tool": "ScreenConnect",
                               "severity": "high", "tags": ["CommandAndControl", "T1219", "ScreenConnect"]},
                "fullDescription": {"text": "Detects ScreenConnect execution."},
                "helpUri": "https://attack.mitre.org/techniques/T1219/"
            })
        );

        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 6);
        for (i, result) in results.iter().enumerate() {
            check(
                result,
                &["ruleId", "ruleIndex", "level", "message", "locations", "partialFingerprints", "properties"],
                &["message"],
                "result",
            );
            check_message(&result["message"], "result message");
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"], "result {i}");
            if let Some(locations) = result.get("locations") {
                for location in locations.as_array().unwrap() {
                    check(
                        location,
                        &["id", "physicalLocation", "logicalLocations", "message", "properties"],
                        &[],
                        "location",
                    );
                    for logical in location["logicalLocations"].as_array().unwrap() {
                        check(
                            logical,
                            &[
                                "name",
                                "index",
                                "fullyQualifiedName",
                                "decoratedName",
                                "parentIndex",
                                "kind",
                                "properties",
                            ],
                            &[],
                            "logicalLocation",
                        );
                    }
                }
            }
        }
        let first = &results[0];
        assert_eq!(first["level"], "warning");
        assert_eq!(first["message"]["text"], "AnyDesk on host-a.contoso.local: AnyDesk execution");
        assert_eq!(
            first["locations"],
            json!([{"logicalLocations": [{"name": "host-a.contoso.local", "kind": "device", "fullyQualifiedName": "aaa111"}]}])
        );
        assert_eq!(first["properties"]["row"]["Report"], json!(["r1", "r2"]));
        assert_eq!(first["properties"]["firstSeen"], "2024-04-21T00:00:00.1234567Z");
        // Pulseway's row named the device by name only; the location still has its id.
        assert_eq!(results[3]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"], "bbb222");
        // No device: no location.
        assert!(results[4].get("locations").is_none());

        let invocation = &run["invocations"][0];
        check(
            invocation,
            &["executionSuccessful", "endTimeUtc", "toolExecutionNotifications"],
            &["executionSuccessful"],
            "invocation",
        );
        assert_eq!(invocation["executionSuccessful"], false);
        assert_eq!(invocation["endTimeUtc"], "2024-05-01T00:00:00Z");
        let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
        assert_eq!(notes.len(), 2);
        for note in notes {
            check(note, &["level", "message", "associatedRule"], &["message"], "notification");
            check_message(&note["message"], "notification message");
            check(&note["associatedRule"], &["id", "index", "guid", "toolComponent", "properties"], &[], "reference");
        }
        assert_eq!(notes[0]["level"], "note");
        assert_eq!(notes[1]["level"], "error");
        assert_eq!(notes[1]["associatedRule"], json!({"id": "broken", "index": 6}));
        assert!(notes[1]["message"]["text"].as_str().unwrap().contains("unknown column `Foo`"));
    }
}
