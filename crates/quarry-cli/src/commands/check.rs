//! `quarry check`: load every query under the given paths, parse it, and report the
//! diagnostics at positions in the original files.

use std::path::PathBuf;

use quarry_hunt::{Discovery, QuerySource, discover};

use crate::Outcome;
use crate::output::{self, Format};
use crate::report::{Finding, LoadFailure, QueryReport, Report};

/// What `quarry check` was asked to do.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Files and folders to check.
    pub paths: Vec<PathBuf>,
    /// Skip the semantic checks. They do not exist yet (they come with the binder in
    /// kql-semantics), so both settings run the syntax checks only.
    pub syntax_only: bool,
    /// How to print the report.
    pub format: Format,
}

/// Runs the check and prints the report to stdout.
pub fn run(options: &CheckOptions) -> anyhow::Result<Outcome> {
    let report = check(discover(&options.paths), options);
    output::emit(&report, options.format)?;
    Ok(if report.failed() { Outcome::Failed } else { Outcome::Clean })
}

/// Checks every query found.
pub fn check(discovery: Discovery, options: &CheckOptions) -> Report {
    let Discovery { sources, errors } = discovery;
    Report {
        queries: sources.into_iter().map(|source| check_query(source, options)).collect(),
        load_failures: errors.iter().map(LoadFailure::from).collect(),
    }
}

fn check_query(source: QuerySource, options: &CheckOptions) -> QueryReport {
    // Semantic checks will run here unless `options.syntax_only`; until then only syntax.
    let _ = options.syntax_only;
    let mut findings: Vec<Finding> = source.notes.iter().map(|note| Finding::from_note(note, &source.origin)).collect();
    let parsed = kql_syntax::parse(&source.query);
    findings.extend(parsed.diagnostics.iter().map(|d| Finding::from_syntax(d, &source.origin)));
    QueryReport { source, findings }
}
