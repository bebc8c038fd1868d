//! The result of a check, independent of how it is shown: per query, findings already mapped
//! to positions in the file; per file that failed to load, why. The renderers in
//! [`crate::output`] only format this.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use quarry_hunt::{LintSeverity, LoadError, MetadataFinding, Origin, Position, QuerySource, SourceNote};
use serde::Serialize;

/// Everything one `quarry check` found.
#[derive(Debug, Default)]
pub struct Report {
    /// Every query loaded, in discovery order.
    pub queries: Vec<QueryReport>,
    /// Files and folders that gave no query.
    pub load_failures: Vec<LoadFailure>,
}

/// One query and what is wrong with it.
#[derive(Debug)]
pub struct QueryReport {
    /// The query and the file it came from.
    pub source: QuerySource,
    /// Problems, file-level notes first, then the query's in source order.
    pub findings: Vec<Finding>,
}

impl QueryReport {
    /// Whether the query has no error (warnings are allowed).
    pub fn ok(&self) -> bool {
        !self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Makes the check fail.
    Error,
    /// Reported, does not fail the check.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl From<kql_syntax::Severity> for Severity {
    fn from(severity: kql_syntax::Severity) -> Self {
        match severity {
            kql_syntax::Severity::Error => Severity::Error,
            kql_syntax::Severity::Warning => Severity::Warning,
        }
    }
}

impl From<LintSeverity> for Severity {
    fn from(severity: LintSeverity) -> Self {
        match severity {
            LintSeverity::Error => Severity::Error,
            LintSeverity::Warning => Severity::Warning,
        }
    }
}

/// A diagnostic placed in the original file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code: `KS…` from the parser, `QH0…` from the rule loader, `QH1…` from the
    /// rule-metadata checks.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when known.
    pub help: Option<String>,
    /// Byte range in the file's text (see [`Origin::file_text`]).
    pub file_range: Range<usize>,
    /// Where the range starts.
    pub start: Position,
    /// Where the range ends (exclusive: the character after the last one).
    pub end: Position,
    /// Secondary places in the file with a note each (e.g. where a bracket was opened).
    pub labels: Vec<(Range<usize>, String)>,
}

impl Finding {
    /// A parser diagnostic, whose span is in the query, mapped to the file through `origin`.
    pub fn from_syntax(diagnostic: &kql_syntax::Diagnostic, origin: &Origin) -> Self {
        let file_range = origin.file_range(diagnostic.span.range());
        Finding {
            severity: diagnostic.severity.into(),
            code: diagnostic.code,
            message: diagnostic.message.clone(),
            help: diagnostic.help.clone(),
            start: origin.file_position(file_range.start),
            end: origin.file_position(file_range.end),
            file_range,
            labels: diagnostic
                .labels
                .iter()
                .map(|label| (origin.file_range(label.span.range()), label.message.clone()))
                .collect(),
        }
    }

    /// A rule-metadata finding, already placed in the file; `origin` gives its byte range.
    pub fn from_metadata(finding: &MetadataFinding, origin: &Origin) -> Self {
        let start = origin.file_offset_at(finding.start);
        let end = origin.file_offset_at(finding.end).max(start);
        Finding {
            severity: finding.severity.into(),
            code: finding.code,
            message: finding.message.clone(),
            help: finding.help.clone(),
            file_range: start..end,
            start: origin.file_position(start),
            end: origin.file_position(end),
            labels: Vec::new(),
        }
    }

    /// A loader note (e.g. invalid YAML) about the file; these are warnings.
    pub fn from_note(note: &SourceNote, origin: &Origin) -> Self {
        let position = note.position.unwrap_or(Position { line: 1, column: 1 });
        let offset = origin.file_offset_at(position);
        Finding {
            severity: Severity::Warning,
            code: note.code,
            message: note.message.clone(),
            help: note.help.clone(),
            file_range: offset..offset,
            start: origin.file_position(offset),
            end: origin.file_position(offset),
            labels: Vec::new(),
        }
    }
}

/// A file or folder that gave no query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadFailure {
    /// The path as given or found.
    pub path: PathBuf,
    /// `QH001` (unreadable) or `QH002` (no query).
    pub code: &'static str,
    /// Why, without the path.
    pub message: String,
}

impl From<&LoadError> for LoadFailure {
    fn from(error: &LoadError) -> Self {
        LoadFailure { path: error.path().to_path_buf(), code: error.code(), message: error.reason() }
    }
}

/// Counts over a whole report, as printed in the last line of every format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Distinct files that held a query or failed to load.
    pub files: usize,
    /// Queries checked.
    pub queries: usize,
    /// Queries with no error.
    pub ok: usize,
    /// Queries with at least one error.
    pub failed: usize,
    /// Error findings over all queries (load failures not included).
    pub errors: usize,
    /// Warning findings over all queries.
    pub warnings: usize,
    /// Files and folders that could not be loaded.
    pub load_errors: usize,
}

impl Report {
    /// The counts.
    pub fn summary(&self) -> Summary {
        let files: BTreeSet<&Path> = self
            .queries
            .iter()
            .map(|q| q.source.path.as_path())
            .chain(self.load_failures.iter().map(|f| f.path.as_path()))
            .collect();
        let findings = || self.queries.iter().flat_map(|q| &q.findings);
        let ok = self.queries.iter().filter(|q| q.ok()).count();
        Summary {
            files: files.len(),
            queries: self.queries.len(),
            ok,
            failed: self.queries.len() - ok,
            errors: findings().filter(|f| f.severity == Severity::Error).count(),
            warnings: findings().filter(|f| f.severity == Severity::Warning).count(),
            load_errors: self.load_failures.len(),
        }
    }

    /// Whether the check failed: a query has an error or a file could not be loaded.
    pub fn failed(&self) -> bool {
        !self.load_failures.is_empty() || self.queries.iter().any(|q| !q.ok())
    }
}

/// Builders shared by the renderers' unit tests.
#[cfg(test)]
pub mod test_support {
    use std::path::Path;

    use quarry_hunt::{SourceFormat, load_text};

    use super::*;

    /// A rule YAML file whose query has a doubled operator on file line 6.
    pub const RULE: &str = "id: r-1\nname: Demo, rule\nquery: |\n  DeviceProcessEvents\n  | where FileName =~ 'zz.exe'\n  | where FolderPath has_all has_any ('a', 'b')\n";

    /// A report with one failing YAML query, one clean .kql query and one load failure.
    pub fn sample_report() -> Report {
        let rule = load_text(Path::new("rules/demo.yaml"), RULE, SourceFormat::RuleYaml).unwrap();
        let at = rule.query.find("has_any").unwrap();
        let file_range = rule.origin.file_range(at..at + "has_any".len());
        let finding = Finding {
            severity: Severity::Error,
            code: "KS001",
            message: "expected an expression but found `has_any`".to_string(),
            help: Some("remove one of the two operators".to_string()),
            start: rule.origin.file_position(file_range.start),
            end: rule.origin.file_position(file_range.end),
            file_range,
            labels: Vec::new(),
        };
        let clean = load_text(Path::new("q.kql"), "T | take 1\n", SourceFormat::Kql).unwrap();
        Report {
            queries: vec![
                QueryReport { source: rule, findings: vec![finding] },
                QueryReport { source: clean, findings: vec![] },
            ],
            load_failures: vec![LoadFailure {
                path: "rules/empty.kql".into(),
                code: "QH002",
                message: "no query found: the file is empty".to_string(),
            }],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::sample_report;
    use super::*;

    #[test]
    fn sample_finding_is_on_the_yaml_line() {
        let report = sample_report();
        let finding = &report.queries[0].findings[0];
        assert_eq!(finding.start, Position { line: 6, column: 30 });
        assert_eq!(finding.end, Position { line: 6, column: 37 });
    }

    #[test]
    fn summary_counts() {
        let report = sample_report();
        assert_eq!(
            report.summary(),
            Summary { files: 3, queries: 2, ok: 1, failed: 1, errors: 1, warnings: 0, load_errors: 1 }
        );
        assert!(report.failed());
        assert!(!Report::default().failed());
    }

    #[test]
    fn syntax_diagnostics_map_through_the_origin() {
        let report = sample_report();
        let source = &report.queries[0].source;
        let at = source.query.find("has_any").unwrap() as u32;
        let diagnostic = kql_syntax::Diagnostic::error("KS001", "x", kql_syntax::Span::new(at, at + 7)).with_help("h");
        let finding = Finding::from_syntax(&diagnostic, &source.origin);
        assert_eq!(finding, report.queries[0].findings[0].clone().with_message("x", "h"));
    }

    #[test]
    fn notes_become_warnings_at_their_position() {
        let report = sample_report();
        let origin = &report.queries[0].source.origin;
        let note = SourceNote {
            code: "QH003",
            message: "bad yaml".to_string(),
            position: Some(Position { line: 2, column: 3 }),
            help: None,
        };
        let finding = Finding::from_note(&note, origin);
        assert_eq!(finding.severity, Severity::Warning);
        assert_eq!(finding.start, Position { line: 2, column: 3 });
        assert_eq!(&RULE_TEXT[finding.file_range.start..], &RULE_TEXT[10..]);
    }

    const RULE_TEXT: &str = super::test_support::RULE;

    #[test]
    fn metadata_findings_keep_their_place_and_severity() {
        let report = sample_report();
        let source = &report.queries[0].source;
        let metadata = source.metadata.as_ref().expect("rule YAML has metadata");
        // `r-1` is not a GUID: an error on `r-1`, line 1, columns 5 to 8.
        let found = quarry_hunt::lint_metadata(metadata, None);
        let finding = Finding::from_metadata(&found[0], &source.origin);
        assert_eq!((finding.code, finding.severity), ("QH102", Severity::Error));
        assert_eq!((finding.start, finding.end), (Position { line: 1, column: 5 }, Position { line: 1, column: 8 }));
        assert_eq!(&RULE_TEXT[finding.file_range], "r-1");
    }

    impl Finding {
        fn with_message(mut self, message: &str, help: &str) -> Self {
            self.message = message.to_string();
            self.help = Some(help.to_string());
            self
        }
    }
}
