//! `quarry check` on rule metadata: the built binary run on the fixtures in
//! `tests/fixtures/metadata/` (one bad rule per file: YAML, malformed YAML, a seed document) and
//! `tests/fixtures/duplicates/` (two rules with one id), from the fixtures folder so paths in the
//! output are short and stable.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

/// The exit status, the query lines and the summary of `quarry check --format json ARGS`.
fn check_json(args: &[&str]) -> (i32, Vec<Value>, Value) {
    let mut argv = vec!["check", "--format", "json"];
    argv.extend_from_slice(args);
    let output = quarry(&argv);
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let mut lines: Vec<Value> =
        text.lines().map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))).collect();
    let summary = lines.pop().expect("a summary line");
    (output.status.code().expect("exit status"), lines, summary["summary"].clone())
}

/// `(code, severity, line, column)` of each diagnostic of one query line.
fn diagnostics(query: &Value) -> Vec<Diag> {
    query["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect()
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

/// A diagnostic as `diagnostics` gives it: code, severity, line, column.
type Diag = (String, String, u64, u64);

fn expect(code: &str, severity: &str, at: (u64, u64)) -> Diag {
    (code.to_string(), severity.to_string(), at.0, at.1)
}

#[test]
fn bad_metadata_is_reported_at_each_value() {
    let file = "metadata/bad_fields.yaml";
    let (code, lines, summary) = check_json(&[file]);
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["ok"], false);
    assert_eq!(
        diagnostics(&lines[0]),
        [
            expect("QH102", "error", position_of(file, "zetadesk-create-process")),
            expect("QH108", "warning", position_of(file, "Critical")),
            expect("QH104", "error", position_of(file, "Command and Control")),
            expect("QH105", "error", position_of(file, "T1219/001")),
        ]
    );
    let tactic = &lines[0]["diagnostics"][2];
    assert_eq!(
        tactic["message"],
        "`Command and Control` is not an ATT&CK tactic name as Sentinel spells it; did you mean `CommandAndControl`?"
    );
    assert_eq!(tactic["end_column"].as_u64(), Some(5 + "Command and Control".len() as u64));
    assert_eq!(lines[0]["diagnostics"][3]["help"], "did you mean `T1219.001`?");
    assert_eq!(summary["errors"], 3);
    assert_eq!(summary["warnings"], 1);
}

#[test]
fn syntax_only_skips_the_metadata_checks() {
    let (code, lines, summary) = check_json(&["--syntax-only", "metadata", "duplicates"]);
    assert_eq!(code, 0, "{lines:?}");
    for line in &lines {
        let codes: Vec<String> = diagnostics(line).into_iter().map(|d| d.0).collect();
        assert!(codes.iter().all(|c| !c.starts_with("QH1")), "{line}");
    }
    assert_eq!(summary["errors"], 0);
}

#[test]
fn missing_id_is_an_error_at_the_start_of_the_rule() {
    let (code, lines, _) = check_json(&["metadata/no_id.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(diagnostics(&lines[0]), [expect("QH101", "error", (1, 1))]);
    assert_eq!(lines[0]["diagnostics"][0]["message"], "the rule has no `id`");
}

#[test]
fn malformed_yaml_still_has_its_metadata_checked() {
    let file = "metadata/malformed_tactic.yaml";
    let (code, lines, _) = check_json(&[file]);
    assert_eq!(code, 1);
    assert_eq!(
        diagnostics(&lines[0]),
        [
            expect("QH003", "warning", position_of(file, "dataTypes:")),
            expect("QH104", "error", position_of(file, "Defence Evasion")),
        ]
    );
    let message = lines[0]["diagnostics"][1]["message"].as_str().unwrap();
    assert!(message.ends_with("did you mean `DefenseEvasion`?"), "{message}");
}

#[test]
fn seed_documents_have_their_flattened_rule_checked() {
    let file = "metadata/seed_bad_technique.txt";
    let (code, lines, _) = check_json(&[file]);
    assert_eq!(code, 1);
    assert_eq!(diagnostics(&lines[0]), [expect("QH105", "error", position_of(file, "T1219.1"))]);
    assert_eq!(lines[0]["diagnostics"][0]["help"], "did you mean `T1219.001`?");
}

#[test]
fn duplicate_ids_are_warnings_that_name_the_other_file() {
    let (code, lines, summary) = check_json(&["duplicates"]);
    assert_eq!(code, 0, "duplicates are warnings: {lines:?}");
    let got: Vec<(&str, Vec<Diag>, &str)> = lines
        .iter()
        .map(|l| (l["path"].as_str().unwrap(), diagnostics(l), l["diagnostics"][0]["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "duplicates/first.yaml",
                vec![expect("QH103", "warning", (1, 5))],
                "id `8e0a2c4d-6f8b-4d0e-a2c4-9e1f3a5b7c9d` is also the id of `duplicates/second.yaml`"
            ),
            (
                "duplicates/second.yaml",
                vec![expect("QH103", "warning", (1, 5))],
                "id `8E0A2C4D-6F8B-4D0E-A2C4-9E1F3A5B7C9D` is also the id of `duplicates/first.yaml`"
            ),
        ]
    );
    assert_eq!(summary["warnings"], 2);

    // One file alone has nothing to clash with.
    let (code, lines, _) = check_json(&["duplicates/first.yaml"]);
    assert_eq!(code, 0);
    assert_eq!(lines[0]["diagnostics"], serde_json::json!([]));
}

#[test]
fn human_output_underlines_the_value() {
    let file = "metadata/bad_fields.yaml";
    let output = quarry(&["check", file]);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    let (line, column) = position_of(file, "Command and Control");
    assert!(text.contains("error[QH104]: `Command and Control` is not an ATT&CK tactic name"), "{text}");
    assert!(text.contains(&format!(" --> {file}:{line}:{column}\n")), "{text}");
    let rendered: Vec<&str> = text.lines().collect();
    let at = rendered.iter().position(|l| l.ends_with("  - Command and Control")).expect("the source line");
    assert!(rendered[at + 1].ends_with(&format!("{}{}", " ".repeat(4), "^".repeat(19))), "{}", rendered[at + 1]);
}

#[test]
fn sarif_and_github_carry_the_metadata_codes() {
    let output = quarry(&["check", "--format", "sarif", "metadata/no_id.yaml"]);
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "QH101");
    assert_eq!(result["level"], "error");
    assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 1);

    let output = quarry(&["check", "--format", "github", "duplicates"]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("::warning file=duplicates/first.yaml,line=1,col=5,") && l.contains("QH103")),
        "{text}"
    );
}
