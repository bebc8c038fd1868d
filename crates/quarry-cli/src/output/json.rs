//! JSON Lines, as the command-line contract in DESIGN.md fixes it: one object per query
//!
//! `{"path","rule_id","name","ok","diagnostics":[{"severity","code","message","line","column",
//! "end_line","end_column","help"}]}`
//!
//! then one object per file that could not be loaded (same shape, `ok` false, rule_id and name
//! null, one `QH…` diagnostic at 1:1), then `{"summary":{..}}`. Fields after `column` are
//! additions to the contract.

use std::io::{self, Write};

use serde::Serialize;

use crate::report::{Finding, LoadFailure, QueryReport, Report, Summary};

#[derive(Serialize)]
struct QueryLine<'a> {
    path: String,
    rule_id: Option<&'a str>,
    name: Option<&'a str>,
    ok: bool,
    diagnostics: Vec<DiagnosticJson<'a>>,
}

#[derive(Serialize)]
struct DiagnosticJson<'a> {
    severity: &'static str,
    code: &'a str,
    message: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct SummaryLine {
    summary: Summary,
}

/// Writes the report as JSON Lines.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for query in &report.queries {
        write_line(out, &query_line(query))?;
    }
    for failure in &report.load_failures {
        write_line(out, &failure_line(failure))?;
    }
    write_line(out, &SummaryLine { summary: report.summary() })
}

fn write_line(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

fn query_line(query: &QueryReport) -> QueryLine<'_> {
    QueryLine {
        path: query.source.path.display().to_string(),
        rule_id: query.source.rule_id.as_deref(),
        name: query.source.name.as_deref(),
        ok: query.ok(),
        diagnostics: query.findings.iter().map(diagnostic).collect(),
    }
}

fn diagnostic(finding: &Finding) -> DiagnosticJson<'_> {
    DiagnosticJson {
        severity: finding.severity.as_str(),
        code: finding.code,
        message: &finding.message,
        line: finding.start.line,
        column: finding.start.column,
        end_line: finding.end.line,
        end_column: finding.end.column,
        help: finding.help.as_deref(),
    }
}

fn failure_line(failure: &LoadFailure) -> QueryLine<'_> {
    QueryLine {
        path: failure.path.display().to_string(),
        rule_id: None,
        name: None,
        ok: false,
        diagnostics: vec![DiagnosticJson {
            severity: "error",
            code: failure.code,
            message: &failure.message,
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            help: None,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_report;

    #[test]
    fn one_line_per_query_then_failures_then_summary() {
        let mut out = Vec::new();
        write(&sample_report(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                r#"{"path":"rules/demo.yaml","rule_id":"r-1","name":"Demo, rule","ok":false,"diagnostics":[{"severity":"error","code":"KS001","message":"expected an expression but found `has_any`","line":6,"column":30,"end_line":6,"end_column":37,"help":"remove one of the two operators"}]}"#,
                r#"{"path":"q.kql","rule_id":null,"name":null,"ok":true,"diagnostics":[]}"#,
                r#"{"path":"rules/empty.kql","rule_id":null,"name":null,"ok":false,"diagnostics":[{"severity":"error","code":"QH002","message":"no query found: the file is empty","line":1,"column":1,"end_line":1,"end_column":1,"help":null}]}"#,
                r#"{"summary":{"files":3,"queries":2,"ok":1,"failed":1,"errors":1,"warnings":0,"load_errors":1}}"#,
            ]
        );
    }
}
