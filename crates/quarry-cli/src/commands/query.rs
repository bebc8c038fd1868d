//! `quarry query`: run one KQL query over data files and print the result.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, bail};
use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{
    self,
    termcolor::{ColorChoice, StandardStream},
};
use kql_engine::{Engine, QueryError};

use crate::results::{ResultFormat, write_results};

/// What `quarry query` was asked to do.
#[derive(Clone, Debug)]
pub struct QueryOptions {
    /// The query text, or `None` to read it from `file`.
    pub query: Option<String>,
    /// A file holding the query.
    pub file: Option<PathBuf>,
    /// Data files and folders.
    pub data: Vec<PathBuf>,
    /// `now()` as nanoseconds since the epoch; the current time when `None`.
    pub now: Option<i64>,
    /// How to print the result.
    pub format: ResultFormat,
    /// Print the plan (or the plan with run-time metrics) instead of the result.
    pub explain: Option<kql_engine::Explain>,
}

/// The outcome of a query, for the exit status: query errors are 2, data errors 1.
pub enum QueryOutcome {
    /// Printed the result.
    Done,
    /// The query is wrong (exit 2).
    QueryError,
    /// The data could not be read or the query failed while running (exit 1).
    DataError,
}

/// Runs the query and prints the result to stdout; diagnostics go to stderr.
pub fn run(options: &QueryOptions) -> anyhow::Result<QueryOutcome> {
    let (name, text) = match (&options.query, &options.file) {
        (Some(text), None) => ("<query>".to_string(), text.clone()),
        (None, Some(file)) => {
            let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
            (file.display().to_string(), text)
        }
        (Some(_), Some(_)) => bail!("give the query either as an argument or with -f FILE, not both"),
        (None, None) => (String::new(), String::new()),
    };
    let interactive = options.query.is_none() && options.file.is_none();
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the runtime")?;
    runtime.block_on(async {
        let now = options.now.unwrap_or_else(now_nanos);
        let mut engine = Engine::new(now);
        if let Err(err) = crate::data::register(&mut engine, &options.data).await {
            eprintln!("quarry: error: {err:#}");
            return Ok(QueryOutcome::DataError);
        }
        if interactive {
            crate::commands::shell::run(&engine, options.format).await?;
            return Ok(QueryOutcome::Done);
        }
        if let Some(explain) = options.explain {
            return match engine.explain(&text, explain).await {
                Ok(plan) => {
                    print!("{plan}");
                    Ok(QueryOutcome::Done)
                }
                Err(err) => report_error(&name, &text, err),
            };
        }
        match engine.query(&text).await {
            Ok(result) => {
                print_result(&result, options.format)?;
                Ok(QueryOutcome::Done)
            }
            Err(err) => report_error(&name, &text, err),
        }
    })
}

/// Prints a result to stdout in `format`.
pub fn print_result(result: &kql_engine::QueryResult, format: ResultFormat) -> anyhow::Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    let width = if io::stdout().is_terminal() { terminal_width() } else { None };
    write_results(format, result.schema.as_ref(), &result.batches, &mut out, width)?;
    out.flush()?;
    Ok(())
}

/// Reports why a query failed, on stderr, and says which kind of failure it was.
pub fn report_error(name: &str, text: &str, err: QueryError) -> anyhow::Result<QueryOutcome> {
    match err {
        QueryError::Invalid(diagnostics) => {
            report(name, text, &diagnostics)?;
            Ok(QueryOutcome::QueryError)
        }
        QueryError::Plan(err) => {
            match err.span() {
                Some(span) => report(name, text, &[kql_syntax::Diagnostic::error("KE001", err.to_string(), span)])?,
                // DataFusion's planning errors carry no position: a caret at 1:1 would mislead.
                None => eprintln!("error[KE001]: {name}: {err}"),
            }
            Ok(QueryOutcome::QueryError)
        }
        QueryError::Execution(err) => {
            eprintln!("quarry: error: the query failed while running: {err}");
            Ok(QueryOutcome::DataError)
        }
    }
}

/// Prints diagnostics with the query line and a caret, to stderr.
fn report(name: &str, text: &str, diagnostics: &[kql_syntax::Diagnostic]) -> io::Result<()> {
    let color = if io::stderr().is_terminal() { ColorChoice::Auto } else { ColorChoice::Never };
    let mut err = StandardStream::stderr(color);
    let file = SimpleFile::new(name, text);
    let config = term::Config::default();
    for d in diagnostics {
        let severity = match d.severity {
            kql_syntax::Severity::Error => codespan_reporting::diagnostic::Severity::Error,
            kql_syntax::Severity::Warning => codespan_reporting::diagnostic::Severity::Warning,
        };
        let mut labels = vec![Label::primary((), d.span.range())];
        labels.extend(d.labels.iter().map(|l| Label::secondary((), l.span.range()).with_message(&l.message)));
        let diagnostic = Report::new(severity)
            .with_code(d.code)
            .with_message(&d.message)
            .with_labels(labels)
            .with_notes(d.help.iter().map(|h| format!("help: {h}")).collect());
        term::emit_to_write_style(&mut err, &config, &file, &diagnostic)
            .map_err(|e| io::Error::other(e.to_string()))?;
    }
    Ok(())
}

fn now_nanos() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as i64).unwrap_or_default()
}

/// The terminal's width from `COLUMNS`, when set.
fn terminal_width() -> Option<u16> {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok())
}
