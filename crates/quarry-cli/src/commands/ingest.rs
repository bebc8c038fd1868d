//! `quarry ingest PATH... --store DIR`: converts exports into a Quarry store and prints a
//! summary per table. Exit 0 when every record was kept, 3 when some were rejected (they are
//! listed in the store's `_rejects/` file), 1 when the ingest itself failed.

use std::time::{Duration, Instant};

use anyhow::Context;
use quarry_data::values::{Fraction, write_datetime};
use quarry_data::{IngestOptions, IngestReport, ingest};

use crate::Outcome;
use crate::args::IngestArgs;

/// How many rejected records are described one by one on stderr.
const SHOW_REJECTED: usize = 10;

/// Runs `quarry ingest`.
pub fn run(args: IngestArgs) -> anyhow::Result<Outcome> {
    let mut options = IngestOptions::default();
    if let Some(n) = args.threads {
        options.threads = n.max(1);
    }
    let catalog = kql_semantics::SchemaCatalog::defender();
    let progress = crate::data::Bar::new(&args.paths, !args.quiet);
    let started = Instant::now();
    let report = ingest(&args.paths, &args.store, &catalog, &options, &progress);
    progress.finish();
    // The contract says 1 when the ingest itself fails (not the generic error status).
    let report = match report.with_context(|| format!("cannot ingest into {}", args.store.display())) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("quarry: error: {e:#}");
            return Ok(Outcome::Failed);
        }
    };
    print_summary(&report, started.elapsed());
    Ok(if report.rejects.count > 0 { Outcome::Partial } else { Outcome::Clean })
}

fn print_summary(report: &IngestReport, elapsed: Duration) {
    let secs = elapsed.as_secs_f64().max(1e-9);
    eprintln!(
        "quarry: read {} file(s), {:.1} MB in {:.1} s ({:.1} MB/s); {} skipped as already ingested; {} part(s) written",
        report.files_read,
        report.bytes as f64 / 1e6,
        secs,
        report.bytes as f64 / 1e6 / secs,
        report.skipped.len(),
        report.parts
    );
    for path in &report.skipped {
        eprintln!("quarry: skipped (already in the store): {}", path.display());
    }
    let w = report.tables.keys().map(|k| k.len()).max().unwrap_or(0).max(5);
    println!("{:<w$} {:>12} {:>10} {:>9} {:>8}  time span", "table", "rows", "rejected", "warnings", "devices");
    for (name, t) in &report.tables {
        let span = match (t.min_time, t.max_time) {
            (Some(a), Some(b)) => format!("{} .. {}", iso(a), iso(b)),
            _ => "-".into(),
        };
        println!("{:<w$} {:>12} {:>10} {:>9} {:>8}  {}", name, t.rows, t.rejected, t.warnings, t.devices, span);
    }
    for r in report.rejects.details.iter().take(SHOW_REJECTED) {
        eprintln!("quarry: rejected: {}:{}: ({}) {}", r.file.display(), r.line, r.code, r.reason);
    }
    for w in report.warnings.iter().take(SHOW_REJECTED) {
        eprintln!(
            "quarry: value read as null: {}:{}: column {}: ({}) {}",
            w.file.display(),
            w.line,
            w.column,
            w.code,
            w.reason
        );
    }
    let nulled: u64 = report.tables.values().map(|t| t.warnings).sum();
    if nulled > 0 {
        eprintln!("quarry: {nulled} field warning(s): duplicate or empty keys (rows kept, first value used)");
    }
    if report.rejects.count > 0 {
        eprintln!(
            "quarry: {} record(s) rejected{}",
            report.rejects.count,
            report.rejects_file.as_ref().map(|p| format!("; all are listed in {}", p.display())).unwrap_or_default()
        );
    }
}

/// A time as ISO-8601 UTC, to the second.
fn iso(nanos: i64) -> String {
    let mut text = String::with_capacity(20);
    write_datetime(&mut text, nanos.div_euclid(1_000_000_000), 0, Fraction::Trimmed);
    text
}
