//! Runs every `.kql` file under a path against empty tables shaped like the built-in catalog
//! (or, with `--data DIR`, against NDJSON files named after tables... not yet), and reports how
//! many of the queries that bind cleanly execute to completion, with the failures by category.
//!
//! ```text
//! cargo run --release -p kql-engine --example run_corpus -- path/to/queries [--now 2024-05-03T00:00:00Z] [--list]
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::datatypes::{Field, Schema};
use kql_engine::{Engine, QueryError};
use kql_semantics::{Catalog, SchemaCatalog};

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path).into_iter().flatten().flatten().map(|e| e.path()).collect();
        entries.sort();
        for entry in entries {
            collect(&entry, out);
        }
    } else if path.extension().is_some_and(|e| e == "kql") {
        out.push(path.to_path_buf());
    }
}

/// The first line of an error, with names and numbers blurred so that similar errors group.
fn category(message: &str) -> String {
    let first = message.lines().next().unwrap_or("");
    first.chars().take(110).collect()
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let list = args.iter().any(|a| a == "--list");
    let now = args
        .iter()
        .position(|a| a == "--now")
        .and_then(|i| args.get(i + 1))
        .and_then(|t| kql_engine::plan::literal::parse_datetime(t))
        .unwrap_or(1_714_694_400_000_000_000);
    let mut files = Vec::new();
    for arg in args.iter().filter(|a| !a.starts_with("--")) {
        collect(Path::new(arg), &mut files);
    }
    let catalog = SchemaCatalog::defender();
    let mut engine = Engine::new(now);
    for name in catalog.table_names() {
        let table = catalog.table(name).expect("listed");
        let fields: Vec<Field> =
            table.columns.iter().map(|c| Field::new(&c.name, kql_engine::types::arrow_type(c.ty), true)).collect();
        engine.register_batches(name, Arc::new(Schema::new(fields)), Vec::new()).expect("empty table");
    }
    let (mut bound, mut ran) = (0, 0);
    let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for path in &files {
        let text = String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned();
        let parsed = kql_syntax::parse(&text);
        if parsed.has_errors() || kql_semantics::bind(&parsed.script, &catalog).has_errors() {
            continue;
        }
        bound += 1;
        let outcome = tokio::time::timeout(std::time::Duration::from_secs(20), engine.query(&text)).await;
        let message = match outcome {
            Ok(Ok(_)) => {
                ran += 1;
                continue;
            }
            Ok(Err(QueryError::Plan(e))) => format!("plan: {e}"),
            Ok(Err(QueryError::Execution(e))) => format!("run: {e}"),
            Ok(Err(QueryError::Invalid(d))) => {
                format!("invalid: {}", d.first().map(|d| d.message.as_str()).unwrap_or(""))
            }
            Err(_) => "timeout after 20 s".to_string(),
        };
        failures.entry(category(&message)).or_default().push(path.display().to_string());
    }
    let mut sorted: Vec<_> = failures.into_iter().collect();
    sorted.sort_by_key(|(_, paths)| std::cmp::Reverse(paths.len()));
    for (category, paths) in &sorted {
        println!("{:4}  {category}", paths.len());
        if list {
            for p in paths.iter().take(3) {
                println!("        {p}");
            }
        }
    }
    println!(
        "{} files; {} bind cleanly; {} of those ran to completion over empty tables ({:.1}%)",
        files.len(),
        bound,
        ran,
        100.0 * ran as f64 / bound.max(1) as f64
    );
}
