//! The folder walk the corpus measurement examples share (parse_files, bind_files in
//! kql-semantics and run_corpus in kql-engine include this file with `#[path]`).

use std::path::{Path, PathBuf};

/// Files under `path` (or `path` itself) whose extension is `ext`, in name order.
pub fn collect(path: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path).into_iter().flatten().flatten().map(|e| e.path()).collect();
        entries.sort();
        for entry in entries {
            collect(&entry, ext, out);
        }
    } else if path.extension().is_some_and(|e| e == ext) {
        out.push(path.to_path_buf());
    }
}
