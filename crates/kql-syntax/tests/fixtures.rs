//! Parser fixtures whose expected outcome was confirmed with Kusto's own parser.
//!
//! - `fixtures/ok/*.kql`: Kusto.Language reports no syntax error for these, so Quarry must parse
//!   them with no diagnostic at all.
//! - `fixtures/err/*.kql`: Kusto rejects these. The first line of each is
//!   `// kusto: LINE:COLUMN MESSAGE`, Kusto's earliest syntax error. Quarry must report at least
//!   one error, and its first error must be on the same line.
//!   Where Quarry deliberately reports elsewhere, the file says so with a line
//!   `// quarry-line: N <why>`, which must not move other lines: put it at the end of the file,
//!   or in place of the description comment on line 2 when the end is inside an unterminated
//!   string. The first error must then be on line N.
//!
//! The headers are written and checked by `scripts/verify-fixtures.py`, which runs the oracle in
//! `scripts/oracle/` (Node); these tests need only the files.

use std::fs;
use std::path::{Path, PathBuf};

use kql_syntax::{Diagnostic, LineIndex, Severity, parse};

fn fixture_dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("fixtures").join(kind)
}

fn kql_files(kind: &str) -> Vec<PathBuf> {
    let dir = fixture_dir(kind);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "kql"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .kql fixtures in {}", dir.display());
    files
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn describe(text: &str, index: &LineIndex, d: &Diagnostic) -> String {
    let at = index.line_col(text, d.span.start);
    format!("{}:{} {} {}", at.line, at.column, d.code, d.message)
}

#[test]
fn ok_fixtures_parse_without_diagnostics() {
    let mut failures = Vec::new();
    let files = kql_files("ok");
    for path in &files {
        let text = read(path);
        let parsed = parse(&text);
        if !parsed.diagnostics.is_empty() {
            let index = LineIndex::new(&text);
            let listed: Vec<String> = parsed.diagnostics.iter().take(3).map(|d| describe(&text, &index, d)).collect();
            failures.push(format!("ok/{}: {}", name(path), listed.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} ok fixtures have diagnostics:\n  {}",
        failures.len(),
        files.len(),
        failures.join("\n  ")
    );
}

/// The expected line of the first error: `// quarry-line: N` if present, else the `// kusto:`
/// header's line.
fn expected_error_line(path: &Path, text: &str) -> Result<(u32, String), String> {
    let first = text.lines().next().unwrap_or("");
    let header = first
        .strip_prefix("// kusto: ")
        .ok_or_else(|| format!("err/{}: first line is not a `// kusto:` header", name(path)))?;
    let line_text = header.split(':').next().unwrap_or("");
    let kusto_line: u32 =
        line_text.parse().map_err(|_| format!("err/{}: bad `// kusto:` header {first:?}", name(path)))?;
    for line in text.lines() {
        if let Some(rest) = line.trim_start().strip_prefix("// quarry-line:") {
            let n = rest
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| format!("err/{}: bad `// quarry-line:` override {line:?}", name(path)))?;
            return Ok((n, format!("quarry-line override (Kusto: {header})")));
        }
    }
    Ok((kusto_line, format!("Kusto: {header}")))
}

#[test]
fn err_fixtures_report_an_error_on_kustos_line() {
    let mut failures = Vec::new();
    let files = kql_files("err");
    for path in &files {
        let text = read(path);
        let (want_line, why) = match expected_error_line(path, &text) {
            Ok(x) => x,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let parsed = parse(&text);
        let index = LineIndex::new(&text);
        let first_error = parsed
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .min_by_key(|d| (d.span.start, d.span.end));
        match first_error {
            None => failures.push(format!("err/{}: no error reported ({why})", name(path))),
            Some(d) => {
                let got = index.line_col(&text, d.span.start).line;
                if got != want_line {
                    failures.push(format!(
                        "err/{}: first error on line {got}, expected line {want_line}: {} ({why})",
                        name(path),
                        describe(&text, &index, d)
                    ));
                }
            }
        }
        if !parsed.has_errors() && !parsed.diagnostics.is_empty() {
            failures.push(format!("err/{}: only warnings, has_errors() is false", name(path)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} err fixtures fail:\n  {}",
        failures.len(),
        files.len(),
        failures.join("\n  ")
    );
}

#[test]
fn fixture_sets_are_not_trivially_small() {
    // Guards against a fixture folder being emptied or moved by mistake.
    assert!(kql_files("ok").len() >= 60);
    assert!(kql_files("err").len() >= 20);
}
