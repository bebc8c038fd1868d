//! A SARIF 2.1.0 log: one run, tool `quarry`, one result per finding and per file that could
//! not be loaded. Code-scanning services (GitHub, Azure DevOps) read this.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::Path;

use serde_json::{Value, json};

use crate::report::{Finding, Report};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Writes the report as one pretty-printed SARIF log.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(report))?;
    out.write_all(b"\n")
}

fn log(report: &Report) -> Value {
    let mut results = Vec::new();
    let mut codes = BTreeSet::new();
    for query in &report.queries {
        for finding in &query.findings {
            codes.insert(finding.code);
            results.push(result(&query.source.path, finding));
        }
    }
    for failure in &report.load_failures {
        codes.insert(failure.code);
        results.push(json!({
            "ruleId": failure.code,
            "level": "error",
            "message": { "text": failure.message },
            "locations": [{
                "physicalLocation": { "artifactLocation": { "uri": uri(&failure.path) } }
            }],
        }));
    }
    let rules: Vec<Value> = codes.into_iter().map(|code| json!({ "id": code })).collect();
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
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn result(path: &Path, finding: &Finding) -> Value {
    let mut value = json!({
        "ruleId": finding.code,
        "level": finding.severity.as_str(),
        "message": { "text": finding.message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri(path) },
                "region": {
                    "startLine": finding.start.line,
                    "startColumn": finding.start.column,
                    "endLine": finding.end.line,
                    "endColumn": finding.end.column,
                }
            }
        }],
    });
    if let Some(help) = &finding.help {
        value["properties"] = json!({ "help": help });
    }
    value
}

/// A relative URI reference for a path: `/` separators, reserved characters percent-encoded.
fn uri(path: &Path) -> String {
    let text = path.display().to_string().replace('\\', "/");
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char);
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_report;

    #[test]
    fn sarif_log_shape() {
        let log = log(&sample_report());
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "quarry");
        assert_eq!(run["tool"]["driver"]["rules"], json!([{ "id": "KS001" }, { "id": "QH002" }]));
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 2);
        let first = &results[0];
        assert_eq!(first["ruleId"], "KS001");
        assert_eq!(first["level"], "error");
        let location = &first["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "rules/demo.yaml");
        assert_eq!(location["region"], json!({ "startLine": 6, "startColumn": 30, "endLine": 6, "endColumn": 37 }));
        assert_eq!(first["properties"]["help"], "remove one of the two operators");
        assert_eq!(results[1]["ruleId"], "QH002");
    }

    #[test]
    fn uris_are_encoded() {
        assert_eq!(uri(Path::new("rules/Any Desk/r#1.yaml")), "rules/Any%20Desk/r%231.yaml");
    }
}
