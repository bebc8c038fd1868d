//! Binds every `.kql` file under the given paths against the built-in catalog (or, with
//! `--schema FILE --no-builtin`, only the tables of FILE) and prints the first semantic error of
//! each file that has one, then totals and the binding time.
//!
//! ```text
//! cargo run --release -p kql-semantics --example bind_files -- path/to/queries [--schema F] [--no-builtin] [--quiet]
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use kql_semantics::{Catalog, SchemaCatalog};

#[path = "../../kql-syntax/examples/support/files.rs"]
mod files;
use files::collect;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quiet = args.iter().any(|a| a == "--quiet");
    let no_builtin = args.iter().any(|a| a == "--no-builtin");
    let schema = args.iter().position(|a| a == "--schema").and_then(|i| args.get(i + 1));
    let mut catalog = if no_builtin { SchemaCatalog::empty() } else { SchemaCatalog::defender() };
    if let Some(schema) = schema {
        catalog.merge(SchemaCatalog::load(Path::new(schema)).expect("schema file"));
    }
    let mut files = Vec::new();
    let mut skip_next = false;
    for arg in &args {
        if skip_next {
            skip_next = false;
            continue;
        }
        if arg == "--schema" {
            skip_next = true;
            continue;
        }
        if !arg.starts_with("--") {
            collect(Path::new(arg), "kql", &mut files);
        }
    }
    let texts: Vec<(PathBuf, String)> = files
        .into_iter()
        .filter_map(|p| std::fs::read(&p).ok().map(|b| (p, String::from_utf8_lossy(&b).into_owned())))
        .collect();
    let started = Instant::now();
    let mut flagged = 0;
    let mut parsed_ok = 0;
    for (path, text) in &texts {
        let parsed = kql_syntax::parse(text);
        if parsed.has_errors() {
            continue;
        }
        parsed_ok += 1;
        let analysis = kql_semantics::bind(&parsed.script, &catalog as &dyn Catalog);
        if let Some(d) = analysis.diagnostics.iter().find(|d| d.severity == kql_syntax::Severity::Error) {
            flagged += 1;
            if !quiet {
                let index = kql_syntax::LineIndex::new(text);
                let pos = index.line_col(text, d.span.start);
                println!("{}:{}:{}: {} {}", path.display(), pos.line, pos.column, d.code, d.message);
            }
        }
    }
    eprintln!(
        "{} files, {} parse, {} with semantic errors; parse+bind {:.1} ms",
        texts.len(),
        parsed_ok,
        flagged,
        started.elapsed().as_secs_f64() * 1e3
    );
}
