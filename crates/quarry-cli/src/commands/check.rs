//! `quarry check`: load every query under the given paths, parse it, bind it against the table
//! catalog and check the rule metadata of Sentinel rules and seed documents (unless
//! `--syntax-only`), and report the diagnostics at positions in the original files.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::Context;
use kql_semantics::{Catalog, SchemaCatalog};

use quarry_hunt::{Discovery, MetadataFinding, QuerySource, discover, duplicate_ids, lint_metadata};

use crate::Outcome;
use crate::output::{self, Format};
use crate::report::{Finding, LoadFailure, QueryReport, Report};

/// What `quarry check` was asked to do.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Files and folders to check.
    pub paths: Vec<PathBuf>,
    /// Check syntax only: skip the semantic and rule-metadata checks.
    pub syntax_only: bool,
    /// Schema files whose tables are added to (or replace) the catalog's.
    pub schema_files: Vec<PathBuf>,
    /// Whether the catalog starts from the built-in Defender XDR and Sentinel tables.
    pub builtin_schema: bool,
    /// How to print the report.
    pub format: Format,
}

/// Runs the check and prints the report to stdout.
pub fn run(options: &CheckOptions) -> anyhow::Result<Outcome> {
    let catalog = load_catalog(options)?;
    let report = check(discover(&options.paths), &catalog, options);
    output::emit(&report, options.format)?;
    Ok(if report.failed() { Outcome::Failed } else { Outcome::Clean })
}

/// The table catalog: the built-in tables (unless disabled) with each schema file merged in.
pub fn load_catalog(options: &CheckOptions) -> anyhow::Result<SchemaCatalog> {
    let mut catalog = if options.builtin_schema { SchemaCatalog::defender() } else { SchemaCatalog::empty() };
    for file in &options.schema_files {
        let extra = SchemaCatalog::load(file).with_context(|| format!("cannot use schema file {}", file.display()))?;
        catalog.merge(extra);
    }
    Ok(catalog)
}

/// Checks every query found. Unless `syntax_only`, queries are bound against `catalog` and rule
/// metadata is checked too, including rule ids used by more than one of the files.
pub fn check(discovery: Discovery, catalog: &dyn Catalog, options: &CheckOptions) -> Report {
    let Discovery { sources, errors } = discovery;
    let duplicates = if options.syntax_only {
        vec![Vec::new(); sources.len()]
    } else {
        duplicate_ids(sources.iter().map(|s| (s.path.as_path(), s.metadata.as_ref())))
    };
    Report {
        queries: sources
            .into_iter()
            .zip(duplicates)
            .map(|(source, duplicates)| check_query(source, duplicates, catalog, options))
            .collect(),
        load_failures: errors.iter().map(LoadFailure::from).collect(),
    }
}

/// Checks one query. Findings come in this order: the loader's notes about the file, the rule
/// metadata's (in file order), then the query's.
fn check_query(
    source: QuerySource,
    duplicates: Vec<MetadataFinding>,
    catalog: &dyn Catalog,
    options: &CheckOptions,
) -> QueryReport {
    let mut findings: Vec<Finding> = source.notes.iter().map(|note| Finding::from_note(note, &source.origin)).collect();
    let parsed = kql_syntax::parse(&source.query);
    // A query with syntax errors is still bound: the parser recovered around them, and the parts
    // that failed are error nodes the binder stays silent about, so a wrong column elsewhere is
    // still found in the same run.
    let analysis = (!options.syntax_only).then(|| kql_semantics::bind(&parsed.script, catalog));
    if !options.syntax_only {
        // The tables a query reads are known only when it bound cleanly; otherwise the
        // requiredDataConnectors checks (QH106, QH107) would be noise.
        let tables_read: Option<&BTreeSet<String>> =
            analysis.as_ref().filter(|a| !a.has_errors() && !parsed.has_errors()).map(|a| &a.tables_read);
        findings.extend(metadata_findings(&source, tables_read, duplicates));
    }
    findings.extend(parsed.diagnostics.iter().map(|d| Finding::from_syntax(d, &source.origin)));
    if let Some(analysis) = &analysis {
        findings.extend(analysis.diagnostics.iter().map(|d| Finding::from_syntax(d, &source.origin)));
    }
    QueryReport { source, findings }
}

/// The metadata checks of one rule, plus the `duplicates` found across files, in file order.
fn metadata_findings(
    source: &QuerySource,
    tables_read: Option<&BTreeSet<String>>,
    duplicates: Vec<MetadataFinding>,
) -> Vec<Finding> {
    let Some(metadata) = &source.metadata else { return Vec::new() };
    let mut found = lint_metadata(metadata, tables_read);
    found.extend(duplicates);
    found.sort_by_key(|f| f.start);
    found.iter().map(|f| Finding::from_metadata(f, &source.origin)).collect()
}
