//! One module per `--format`. Each writes a whole [`Report`]; none decides exit statuses.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use std::io::{self, BufWriter, IsTerminal, Write};

use codespan_reporting::term::termcolor::{BufferedStandardStream, ColorChoice};

use crate::report::{Report, Summary};

/// The output formats of `quarry check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// rustc-style excerpts with carets; coloured when stdout is a terminal.
    Human,
    /// JSON Lines: one object per query, then `{"summary":{..}}`.
    Json,
    /// A SARIF 2.1.0 log.
    Sarif,
    /// GitHub Actions workflow commands.
    Github,
}

/// Writes `report` to stdout in `format`.
pub fn emit(report: &Report, format: Format) -> io::Result<()> {
    if format == Format::Human {
        let color = if io::stdout().is_terminal() { ColorChoice::Auto } else { ColorChoice::Never };
        let mut out = BufferedStandardStream::stdout(color);
        human::write(report, &mut out)?;
        return out.flush();
    }
    let mut out = BufWriter::new(io::stdout().lock());
    match format {
        Format::Human => unreachable!("handled above"),
        Format::Json => json::write(report, &mut out)?,
        Format::Sarif => sarif::write(report, &mut out)?,
        Format::Github => github::write(report, &mut out)?,
    }
    out.flush()
}

/// `checked 3 queries in 2 files: 2 passed, 1 failed`, plus load failures if any.
pub fn summary_line(summary: &Summary) -> String {
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut line = format!(
        "checked {} in {}: {} passed, {} failed",
        plural(summary.queries, "query", "queries"),
        plural(summary.files, "file", "files"),
        summary.ok,
        summary.failed,
    );
    if summary.load_errors > 0 {
        line.push_str(&format!(", {} could not be loaded", plural(summary.load_errors, "file", "files")));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_line_wording() {
        let mut summary = Summary { files: 2, queries: 3, ok: 2, failed: 1, ..Summary::default() };
        assert_eq!(summary_line(&summary), "checked 3 queries in 2 files: 2 passed, 1 failed");
        summary = Summary { files: 1, queries: 1, ok: 1, load_errors: 1, ..Summary::default() };
        assert_eq!(summary_line(&summary), "checked 1 query in 1 file: 1 passed, 0 failed, 1 file could not be loaded");
    }
}
