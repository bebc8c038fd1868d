//! GitHub Actions workflow commands, which the Actions runner turns into annotations on the
//! pull request: `::error file=P,line=L,col=C,endLine=L2,endColumn=C2,title=KS001::message`.
//! The summary follows as a plain log line.

use std::io::{self, Write};

use super::summary_line;
use crate::report::{Report, Severity};

/// Writes one workflow command per finding and load failure, then the summary line.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for query in &report.queries {
        let path = query.source.path.display().to_string();
        for finding in &query.findings {
            let command = match finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let mut message = finding.message.clone();
            if let Some(help) = &finding.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&path),
                finding.start.line,
                finding.start.column,
                finding.end.line,
                finding.end.column,
                escape_property(finding.code),
                escape_data(&message),
            )?;
        }
    }
    for failure in &report.load_failures {
        writeln!(
            out,
            "::error file={},title={}::{}",
            escape_property(&failure.path.display().to_string()),
            escape_property(failure.code),
            escape_data(&failure.message),
        )?;
    }
    writeln!(out, "{}", summary_line(&report.summary()))
}

/// Escapes a command's message, as the runner's toolkit does.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a command property value: the message escapes plus `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_report;

    #[test]
    fn one_command_per_finding() {
        let mut out = Vec::new();
        write(&sample_report(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "::error file=rules/demo.yaml,line=6,col=30,endLine=6,endColumn=37,title=KS001::\
             expected an expression but found `has_any`%0Ahelp: remove one of the two operators\n\
             ::error file=rules/empty.kql,title=QH002::no query found: the file is empty\n\
             checked 2 queries in 3 files: 1 passed, 1 failed, 1 file could not be loaded\n"
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(escape_data("50%\r\nx"), "50%25%0D%0Ax");
        assert_eq!(escape_property("C:\\a,b"), "C%3A\\a%2Cb");
    }
}
