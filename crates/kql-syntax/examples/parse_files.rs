//! Parses every `.kql` file under the given paths and reports files with errors and the time
//! spent parsing (reading excluded). Used to measure the parser on a corpus:
//!
//! ```text
//! cargo run --release -p kql-syntax --example parse_files -- path/to/corpus [--quiet]
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

#[path = "support/files.rs"]
mod files;
use files::collect;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quiet = args.iter().any(|a| a == "--quiet");
    let mut files = Vec::new();
    for arg in args.iter().filter(|a| !a.starts_with("--")) {
        collect(Path::new(arg), "kql", &mut files);
    }
    let texts: Vec<(PathBuf, String)> = files
        .into_iter()
        .filter_map(|p| std::fs::read(&p).ok().map(|b| (p, String::from_utf8_lossy(&b).into_owned())))
        .collect();
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();
    let started = Instant::now();
    let results: Vec<_> = texts.iter().map(|(_, t)| kql_syntax::parse(t)).collect();
    let elapsed = started.elapsed();
    let mut failed = 0;
    for ((path, text), parsed) in texts.iter().zip(&results) {
        if parsed.has_errors() {
            failed += 1;
            if !quiet {
                let index = kql_syntax::LineIndex::new(text);
                let d = &parsed.diagnostics[0];
                let pos = index.line_col(text, d.span.start);
                println!("{}:{}:{}: {} {}", path.display(), pos.line, pos.column, d.code, d.message);
            }
        }
    }
    eprintln!(
        "{} files, {} bytes, {} with errors; parse time {:.1} ms ({:.1} MB/s)",
        texts.len(),
        bytes,
        failed,
        elapsed.as_secs_f64() * 1e3,
        bytes as f64 / elapsed.as_secs_f64() / 1e6
    );
}
