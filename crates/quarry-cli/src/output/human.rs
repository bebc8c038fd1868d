//! rustc-style output: a header with the code, ` --> path:line:col`, the line of the original
//! file with a caret under the problem, and the help note; then a one-line summary.

use std::io;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic, Label, Severity as CodespanSeverity};
use codespan_reporting::files::{self, SimpleFile};
use codespan_reporting::term::{self, Chars, Config, termcolor::WriteColor};

use super::summary_line;
use crate::report::{Finding, Report, Severity};

/// Writes every finding and load failure, then the summary line.
pub fn write(report: &Report, out: &mut dyn WriteColor) -> io::Result<()> {
    let config = Config { chars: Chars::ascii(), ..Config::default() };
    for query in &report.queries {
        if query.findings.is_empty() {
            continue;
        }
        let text = query.source.origin.file_text();
        let file = SimpleFile::new(query.source.path.display().to_string(), text);
        for finding in &query.findings {
            let diagnostic = to_diagnostic(finding, text);
            term::emit_to_write_style(out, &config, &file, &diagnostic).map_err(to_io)?;
        }
    }
    for failure in &report.load_failures {
        let diagnostic = Diagnostic::error().with_code(failure.code).with_message(format!(
            "{}: {}",
            failure.path.display(),
            failure.message
        ));
        let file = SimpleFile::new(String::new(), "");
        term::emit_to_write_style(out, &config, &file, &diagnostic).map_err(to_io)?;
    }
    writeln!(out, "{}", summary_line(&report.summary()))
}

fn to_diagnostic(finding: &Finding, text: &str) -> Diagnostic<()> {
    let severity = match finding.severity {
        Severity::Error => CodespanSeverity::Error,
        Severity::Warning => CodespanSeverity::Warning,
    };
    let notes = finding.help.iter().map(|help| format!("help: {help}")).collect();
    Diagnostic::new(severity)
        .with_code(finding.code)
        .with_message(&finding.message)
        .with_labels(
            std::iter::once(Label::primary((), visible_range(text, finding.file_range.clone())))
                .chain(
                    finding.labels.iter().map(|(range, note)| Label::secondary((), range.clone()).with_message(note)),
                )
                .collect(),
        )
        .with_notes(notes)
}

/// A range at least one character wide where possible, so an empty range (something missing)
/// still gets a caret; never past a line end.
fn visible_range(text: &str, range: Range<usize>) -> Range<usize> {
    if !range.is_empty() {
        return range;
    }
    match text[range.start..].chars().next() {
        Some(c) if c != '\n' && c != '\r' => range.start..range.start + c.len_utf8(),
        _ => range,
    }
}

fn to_io(error: files::Error) -> io::Error {
    match error {
        files::Error::Io(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use codespan_reporting::term::termcolor::NoColor;

    use super::*;
    use crate::report::test_support::sample_report;

    fn render(report: &Report) -> String {
        let mut out = NoColor::new(Vec::new());
        write(report, &mut out).unwrap();
        String::from_utf8(out.into_inner()).unwrap()
    }

    #[test]
    fn renders_like_rustc_with_the_yaml_line() {
        let text = render(&sample_report());
        let expected = "\
error[KS001]: expected an expression but found `has_any`
  --> rules/demo.yaml:6:30
  |
6 |   | where FolderPath has_all has_any ('a', 'b')
  |                              ^^^^^^^
  |
  = help: remove one of the two operators

error[QH002]: rules/empty.kql: no query found: the file is empty

checked 2 queries in 3 files: 1 passed, 1 failed, 1 file could not be loaded
";
        assert_eq!(text, expected, "got:\n{text}");
    }

    #[test]
    fn empty_ranges_get_a_caret() {
        assert_eq!(visible_range("ab\n", 1..1), 1..2);
        assert_eq!(visible_range("ab\n", 2..2), 2..2);
        assert_eq!(visible_range("ab", 2..2), 2..2);
        assert_eq!(visible_range("aé", 1..1), 1..3);
    }
}
