//! Runs every `.kql` file under a path against empty tables shaped like the built-in catalog
//! (or, with `--data STORE`, against the tables of a Quarry store such as `quarry gen` writes,
//! empty tables for the others), and reports how many of the queries that bind cleanly execute
//! to completion, with the failures by category.
//!
//! ```text
//! cargo run --release -p kql-engine --example run_corpus -- path/to/queries [--now 2024-05-03T00:00:00Z] [--data STORE] [--list]
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::datatypes::{Field, Schema};
use kql_engine::{Engine, QueryError};
use kql_semantics::{Catalog, SchemaCatalog};

#[path = "../../kql-syntax/examples/support/files.rs"]
mod files;
use files::collect;

/// The first line of an error, with names and numbers blurred so that similar errors group.
fn category(message: &str) -> String {
    let first = message.lines().next().unwrap_or("");
    first.chars().take(110).collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let list = args.iter().any(|a| a == "--list");
    let trace = args.iter().any(|a| a == "--trace");
    let now = args
        .iter()
        .position(|a| a == "--now")
        .and_then(|i| args.get(i + 1))
        .and_then(|t| kql_engine::plan::literal::parse_datetime(t))
        .unwrap_or(1_714_694_400_000_000_000);
    let data = args.iter().position(|a| a == "--data").and_then(|i| args.get(i + 1)).map(PathBuf::from);
    let mut files = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        let is_value = i > 0 && matches!(args[i - 1].as_str(), "--now" | "--data");
        if !arg.starts_with("--") && !is_value {
            collect(Path::new(arg), "kql", &mut files);
        }
    }
    // The store's Parquet files per table: STORE/<Table>/day=.../*.parquet.
    let mut stored: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    if let Some(store) = &data {
        for entry in std::fs::read_dir(store).into_iter().flatten().flatten() {
            let mut parts = Vec::new();
            collect(&entry.path(), "parquet", &mut parts);
            if !parts.is_empty() {
                stored.insert(entry.file_name().to_string_lossy().into_owned(), parts);
            }
        }
    }
    let stored = Arc::new(stored);
    let catalog = Arc::new(SchemaCatalog::defender());
    let (mut bound, mut ran) = (0, 0);
    let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for path in &files {
        let text = String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned();
        let parsed = kql_syntax::parse(&text);
        if parsed.has_errors() {
            continue;
        }
        let analysis = kql_semantics::bind(&parsed.script, catalog.as_ref());
        if analysis.has_errors() {
            continue;
        }
        bound += 1;
        if trace {
            eprintln!("{}", path.display());
        }
        // Each query gets its own engine with empty tables for what it reads (all tables for
        // `union *` and `search`), run on its own thread so that a plan that takes too long
        // (DataFusion plans synchronously) can be abandoned.
        let tables: Vec<String> = if analysis.tables_read.is_empty() {
            catalog.table_names().into_iter().map(str::to_string).collect()
        } else {
            analysis.tables_read.iter().cloned().collect()
        };
        let (sender, receiver) = std::sync::mpsc::channel();
        let catalog = Arc::clone(&catalog);
        let stored = Arc::clone(&stored);
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
            let outcome = runtime.block_on(async {
                let mut engine = Engine::new(now);
                for name in &tables {
                    if let Some(parts) = stored.get(name) {
                        engine.register_parquet(name, parts).await.expect("store table");
                        continue;
                    }
                    let Some(table) = catalog.table(name) else { continue };
                    let fields: Vec<Field> = table
                        .columns
                        .iter()
                        .map(|c| Field::new(&c.name, kql_engine::types::arrow_type(c.ty), true))
                        .collect();
                    engine.register_batches(name, Arc::new(Schema::new(fields)), Vec::new()).expect("empty table");
                }
                engine.query(&text).await
            });
            let _ = sender.send(outcome);
        });
        let message = match receiver.recv_timeout(std::time::Duration::from_secs(20)) {
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
        "{} files; {} bind cleanly; {} of those ran to completion over {} ({:.1}%)",
        files.len(),
        bound,
        ran,
        if data.is_some() { "the store's tables (empty tables for the others)" } else { "empty tables" },
        100.0 * ran as f64 / bound.max(1) as f64
    );
    // Abandoned queries may still be running on their threads.
    std::process::exit(0);
}
