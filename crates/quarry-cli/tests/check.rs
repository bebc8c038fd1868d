//! `quarry check` end to end: the built binary run on the fixtures in `tests/fixtures/`, from
//! that folder so paths in the output are short and stable.
//!
//! - `valid/`: a .kql, a Sentinel rule YAML, a seed document, a .csl in a subfolder, plus files
//!   a folder walk must skip (notes.txt, `.hidden/`, `target/`).
//! - `invalid/`: an unbalanced parenthesis, a doubled operator in a YAML rule, and a rule that
//!   is invalid YAML but whose query is fine.
//! - `load/`: files that give no query.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn quarry(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quarry"))
        .args(args)
        .current_dir(fixtures())
        .env_remove("NO_COLOR")
        .output()
        .expect("run quarry")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn status(output: &Output) -> i32 {
    output.status.code().expect("exit status")
}

/// The JSON Lines of `quarry check --format json ARGS`: the query lines and the summary.
fn check_json(args: &[&str]) -> (i32, Vec<Value>, Value) {
    let mut argv = vec!["check", "--format", "json"];
    argv.extend_from_slice(args);
    let output = quarry(&argv);
    let mut lines: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let summary = lines.pop().expect("a summary line");
    assert!(summary.get("summary").is_some(), "last line is the summary: {summary}");
    (status(&output), lines, summary["summary"].clone())
}

/// The 1-based line and column of the first `needle` in a fixture file.
fn position_of(fixture: &str, needle: &str) -> (u64, u64) {
    let text = std::fs::read_to_string(fixtures().join(fixture)).unwrap();
    for (i, line) in text.lines().enumerate() {
        if let Some(byte) = line.find(needle) {
            return (i as u64 + 1, line[..byte].chars().count() as u64 + 1);
        }
    }
    panic!("{needle:?} not in {fixture}");
}

#[test]
fn valid_folder_passes_with_one_line_per_query() {
    let (code, lines, summary) = check_json(&["valid"]);
    assert_eq!(code, 0, "{lines:?}");
    let got: Vec<(&str, Option<&str>, Option<&str>, bool)> = lines
        .iter()
        .map(|l| (l["path"].as_str().unwrap(), l["rule_id"].as_str(), l["name"].as_str(), l["ok"] == true))
        .collect();
    assert_eq!(
        got,
        [
            (
                "valid/netconn.yaml",
                Some("3f1c9a7e-2222-4d6b-8e1f-00000000a001"),
                Some("RMM tool - ZetaDesk - Network Connection"),
                true
            ),
            ("valid/process.kql", None, None, true),
            (
                "valid/seed.txt",
                Some("0b6e2a5c-1111-4c2b-9a3e-00000000a002"),
                Some("RMM tool - ZetaDesk - File Signature"),
                true
            ),
            ("valid/sub/registry.csl", None, None, true),
        ]
    );
    for line in &lines {
        assert!(line["rule_id"].is_null() || line["rule_id"].is_string());
        assert_eq!(line["diagnostics"], serde_json::json!([]), "{line}");
    }
    assert_eq!(
        summary,
        serde_json::json!({"files": 4, "queries": 4, "ok": 4, "failed": 0, "errors": 0,
                           "warnings": 0, "load_errors": 0})
    );
}

#[test]
fn each_valid_file_passes_alone() {
    for file in ["valid/process.kql", "valid/netconn.yaml", "valid/seed.txt"] {
        let (code, lines, summary) = check_json(&["--syntax-only", file]);
        assert_eq!(code, 0, "{file}: {lines:?}");
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0]["path"], file);
        assert_eq!(summary["queries"], 1);
    }
}

#[test]
fn a_file_named_directly_is_read_whatever_its_extension() {
    // A folder walk skips notes.txt; named directly it is read as KQL, and it is broken.
    let (code, lines, _) = check_json(&["valid/notes.txt"]);
    assert_eq!(code, 1);
    assert_eq!(lines[0]["ok"], false);
}

#[test]
fn unbalanced_parenthesis_fails() {
    let (code, lines, summary) = check_json(&["invalid/unbalanced.kql"]);
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 1);
    let query = &lines[0];
    assert_eq!(query["path"], "invalid/unbalanced.kql");
    assert_eq!(query["ok"], false);
    let diagnostic = &query["diagnostics"][0];
    assert_eq!(diagnostic["severity"], "error");
    assert!(diagnostic["code"].as_str().unwrap().starts_with("KS"), "{diagnostic}");
    // The error is reported on the line of the `(` or the line where it should have closed.
    let line = diagnostic["line"].as_u64().unwrap();
    assert!((2..=4).contains(&line), "{diagnostic}");
    assert_eq!(summary["failed"], 1);
}

#[test]
fn doubled_operator_is_reported_at_the_yaml_files_line() {
    let (code, lines, summary) = check_json(&["invalid/doubled_operator.yaml"]);
    assert_eq!(code, 1);
    let query = &lines[0];
    assert_eq!(query["rule_id"], "5d0a7b3c-3333-4e7a-9c2d-00000000a003");
    assert_eq!(query["name"], "RMM tool - ZetaDesk - Create Process");
    assert_eq!(query["ok"], false);
    let diagnostic = &query["diagnostics"][0];
    let (line, column) = position_of("invalid/doubled_operator.yaml", "has_any");
    assert_eq!(line, 13);
    assert_eq!(diagnostic["line"].as_u64(), Some(line), "{diagnostic}");
    assert_eq!(diagnostic["column"].as_u64(), Some(column), "{diagnostic}");
    assert_eq!(diagnostic["end_line"].as_u64(), Some(line), "{diagnostic}");
    assert_eq!(summary["errors"], 1);
}

#[test]
fn human_output_points_at_the_original_file() {
    let output = quarry(&["check", "invalid/doubled_operator.yaml"]);
    assert_eq!(status(&output), 1);
    let text = stdout(&output);
    let (line, column) = position_of("invalid/doubled_operator.yaml", "has_any");
    assert!(text.starts_with("error[KS"), "{text}");
    assert!(text.contains(&format!(" --> invalid/doubled_operator.yaml:{line}:{column}\n")), "{text}");
    // The YAML file's own line, indentation included, with carets under `has_any`.
    let source_line = "  | where FolderPath has_all has_any ('a', 'b')";
    let rendered: Vec<&str> = text.lines().collect();
    let at = rendered
        .iter()
        .position(|l| l.ends_with(source_line) && l.starts_with(&format!("{line} |")))
        .unwrap_or_else(|| panic!("source line missing:\n{text}"));
    let carets = rendered[at + 1];
    let gutter = rendered[at].len() - source_line.len();
    let caret_column = carets.find('^').expect("a caret line") - gutter + 1;
    assert_eq!(caret_column as u64, column, "\n{}\n{}", rendered[at], carets);
    assert!(carets.trim_end().ends_with("^^^^^^^"), "{carets}");
    assert!(!text.contains('\u{1b}'), "no colour when stdout is not a terminal");
    assert!(text.ends_with("checked 1 query in 1 file: 0 passed, 1 failed\n"), "{text}");
}

#[test]
fn human_output_for_clean_files_is_just_the_summary() {
    let output = quarry(&["check", "valid"]);
    assert_eq!(status(&output), 0);
    assert_eq!(stdout(&output), "checked 4 queries in 4 files: 4 passed, 0 failed\n");
}

#[test]
fn invalid_yaml_with_a_good_query_is_a_warning_only() {
    let (code, lines, summary) = check_json(&["invalid/broken_yaml.yaml"]);
    assert_eq!(code, 0, "{lines:?}");
    let query = &lines[0];
    assert_eq!(query["rule_id"], "7e2b9d4f-4444-4a1b-8c3d-00000000a004");
    assert_eq!(query["ok"], true);
    let diagnostics = query["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "QH003");
    assert_eq!(diagnostics[0]["severity"], "warning");
    assert_eq!(diagnostics[0]["line"], 8);
    assert_eq!(summary["warnings"], 1);
}

#[test]
fn load_failures_are_reported_and_fail_the_check() {
    let (code, lines, summary) = check_json(&["load", "valid/process.kql", "missing.kql"]);
    assert_eq!(code, 1);
    let got: Vec<(&str, bool, &str)> = lines
        .iter()
        .map(|l| {
            let code = l["diagnostics"][0]["code"].as_str().unwrap_or("");
            (l["path"].as_str().unwrap(), l["ok"] == true, code)
        })
        .collect();
    assert_eq!(
        got,
        [
            ("valid/process.kql", true, ""),
            ("load/empty.kql", false, "QH002"),
            ("load/no_query.yaml", false, "QH002"),
            ("missing.kql", false, "QH001"),
        ]
    );
    assert_eq!(summary["load_errors"], 3);
    assert_eq!(summary["queries"], 1);

    let output = quarry(&["check", "load/empty.kql"]);
    assert_eq!(status(&output), 1);
    let text = stdout(&output);
    assert!(text.contains("error[QH002]: load/empty.kql: no query found"), "{text}");
    assert!(text.contains("1 file could not be loaded"), "{text}");
}

#[test]
fn sarif_output() {
    let output = quarry(&["check", "--format", "sarif", "invalid", "valid"]);
    assert_eq!(status(&output), 1);
    let log: Value = serde_json::from_str(&stdout(&output)).expect("one JSON document");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "quarry");
    let results = run["results"].as_array().unwrap();
    let doubled = results
        .iter()
        .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "invalid/doubled_operator.yaml")
        .expect("a result for the doubled operator");
    assert!(doubled["ruleId"].as_str().unwrap().starts_with("KS"));
    assert_eq!(doubled["level"], "error");
    let (line, column) = position_of("invalid/doubled_operator.yaml", "has_any");
    let region = &doubled["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"].as_u64(), Some(line));
    assert_eq!(region["startColumn"].as_u64(), Some(column));
    assert!(region["endColumn"].as_u64().unwrap() > column);
}

#[test]
fn github_output() {
    let output = quarry(&["check", "--format", "github", "invalid/doubled_operator.yaml"]);
    assert_eq!(status(&output), 1);
    let text = stdout(&output);
    let (line, column) = position_of("invalid/doubled_operator.yaml", "has_any");
    let prefix = format!("::error file=invalid/doubled_operator.yaml,line={line},col={column},");
    assert!(text.lines().any(|l| l.starts_with(&prefix) && l.contains(",title=KS")), "{text}");
}

#[test]
fn usage_errors_exit_2() {
    for args in [&["check"][..], &["check", "--format", "xml", "valid"], &["nonsense"], &[]] {
        let output = quarry(args);
        assert_eq!(status(&output), 2, "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn help_says_what_syntax_only_means() {
    let output = quarry(&["check", "--help"]);
    assert_eq!(status(&output), 0);
    let text = stdout(&output);
    assert!(text.contains("--syntax-only"), "{text}");
    assert!(text.contains("skip the semantic checks"), "{text}");
    assert!(text.contains("--schema"), "{text}");
    for format in ["human", "json", "sarif", "github"] {
        assert!(text.contains(format), "{format} in {text}");
    }
}

#[test]
fn a_closed_stdout_counts_as_success() {
    // Enough broken queries to fill the pipe, so quarry is still writing when it closes.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..400 {
        std::fs::write(dir.path().join(format!("q{i:03}.kql")), "T | where (\n| take 1\n").unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_quarry"))
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn a_query_with_a_syntax_error_is_still_bound() {
    // The parser recovers past the unclosed `(`, so the unknown column in the summarize is
    // reported in the same run.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rule.kql");
    std::fs::write(&file, "DeviceNetworkEvents\n| where (RemotePort == 443\n| summarize count() by AccountUpn\n")
        .unwrap();
    let (code, lines, _) = check_json(&[file.to_str().unwrap()]);
    assert_eq!(code, 1);
    let codes: Vec<&str> =
        lines[0]["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"KS001"), "{codes:?}");
    assert!(codes.contains(&"KB002"), "{codes:?}");
}
